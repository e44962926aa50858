"""``township-atlas demo --out FILE``: build the demo township workspace (古陂镇)."""

from __future__ import annotations

import argparse

from .common import Parents, SubParsers


def add_parser(sub: SubParsers, parents: Parents) -> None:
    """Register ``demo`` on the main parser."""
    p = sub.add_parser("demo", help="build the demo township workspace (古陂镇)")
    p.add_argument("--out", required=True, help="path of the GeoPackage to write")
    p.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    """Write the demo workspace to ``--out`` and print its path."""
    from ..data.demo import build_demo

    out = build_demo(args.out)
    print(out)
    return 0
