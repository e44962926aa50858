"""``township-atlas brief`` and ``export-map``: the printable brief (PDF) and the map as an
offline HTML page or a PNG picture.

The map export is the dashboard's own (``dashboard.exports``), which needs folium: it is imported
inside :func:`cmd_export_map` only, so no other command loads the dashboard.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import Parents, SubParsers, parent, read_map_place, workspace_or_demo

_BRIEF_DESCRIPTION = (
    "A brief of the township at the end of a year: the map of remaining poor people by "
    "village, the key figures, remaining poor by year and a table of the villages, then "
    "(when the workspace has projects) a page of 帮扶项目与资金. --village CODE makes "
    "that village's page instead; --pack the township pages followed by one page per "
    "village. Landscape A4 (or A3); Chinese is set in a "
    "CJK font found on this machine and embedded in the PDF."
)
_MAP_DESCRIPTION = (
    "FILE.html: one file with the web map inside (Leaflet included, no tiles), which "
    "opens in a browser with no internet. FILE.png: a picture with legend, north arrow, "
    "scale bar and the 示意图 stamp where boundaries are illustrative."
)


def _brief_file(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="PDF file to write")
    p.add_argument("--village", metavar="CODE", help="one village's brief (its code or name)")


def _map_file(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, metavar="FILE.html|FILE.png", help="file to write")
    p.add_argument(
        "--layers",
        default="villages,labels,gaps,service,relocation,facilities,roads,rivers",
        help="comma-separated, of villages,labels,gaps,service,relocation,facilities,projects,"
        "roads,rivers (default: all but projects)",
    )


def add_parser(sub: SubParsers, parents: Parents) -> None:
    """Register ``brief`` and ``export-map`` on the main parser (each lists its file options
    before ``--year``, as its ``--help`` always has)."""
    p = sub.add_parser(
        "brief",
        help="printable brief (PDF): the township page, a village's page, or both (--pack)",
        description=_BRIEF_DESCRIPTION,
        parents=[parents.workspace, parent(_brief_file), parents.year(), parents.place],
    )
    p.add_argument(
        "--paper", type=str.upper, choices=["A4", "A3"], default="A4", help="paper (landscape)"
    )
    p.add_argument("--pack", action="store_true", help="the township page and one per village")
    p.set_defaults(func=cmd_brief)

    p = sub.add_parser(
        "export-map",
        help="the map as an offline HTML page or a PNG picture",
        description=_MAP_DESCRIPTION,
        parents=[parents.workspace, parent(_map_file), parents.year(), parents.place],
    )
    p.add_argument("--village", metavar="CODE", help="zoom to one village (its code or name)")
    p.set_defaults(func=cmd_export_map)


def cmd_brief(args: argparse.Namespace) -> int:
    """Write the brief PDF to ``--out``."""
    from ..report.brief import build_brief

    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        raise ValueError(f"--out {out.name}: the brief is a PDF; name the file *.pdf")
    if args.pack and args.village:
        raise ValueError("--pack already has a page per village; leave out --village")
    ws, village = read_map_place(workspace_or_demo(args.workspace), args.place, args.village)
    data = build_brief(ws, args.year, village=village, paper=args.paper, pack=args.pack)
    out.write_bytes(data)
    print(f"简报已写入 {out}", file=sys.stderr)
    return 0


def cmd_export_map(args: argparse.Namespace) -> int:
    """Write the map to ``--out`` as offline HTML or PNG."""
    from ..dashboard.exports import EXPORT_LAYERS, export_map

    out = Path(args.out)
    kind = out.suffix.lower()
    if kind not in (".html", ".png"):
        raise ValueError(f"--out {out.name}: write FILE.html (offline web map) or FILE.png")
    layers = [x.strip() for x in args.layers.split(",") if x.strip()]
    unknown = sorted(set(layers) - set(EXPORT_LAYERS))
    if unknown:
        raise ValueError(f"--layers: unknown {', '.join(unknown)}; use {','.join(EXPORT_LAYERS)}")
    ws, village = read_map_place(workspace_or_demo(args.workspace), args.place, args.village)
    data = export_map(ws, kind[1:], args.year, frozenset(layers), village)
    out.write_bytes(data)
    print(f"地图已写入 {out}", file=sys.stderr)
    return 0
