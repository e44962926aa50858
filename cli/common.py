"""What the subcommands share: the one-line error, the terminal table, JSON on stdout, the
workspace (or the demo), and parent parsers for the arguments several subcommands take."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

#: The ``add_subparsers()`` object each subcommand module adds its parsers to.
SubParsers = argparse._SubParsersAction

#: Help line of the optional workspace positional most subcommands take.
WORKSPACE_HELP = "workspace GeoPackage or postgresql:// address (default: the demo)"

#: Help line of ``--place``.
PLACE_HELP = (
    "narrow to a county, township or village: its code (6, 9 or 12 digits) or name "
    "(default: the whole workspace)"
)

#: Help line of ``--year`` where it needs no more words.
YEAR_HELP = "at the end of this year (default: the latest)"


def fail(message: str, code: int = 1) -> int:
    """Print ``message`` as the command's one error line on stderr and return ``code``."""
    print(f"township-atlas: error: {message}", file=sys.stderr)
    return code


def workspace_or_demo(path: str | None) -> Path | str:
    """The workspace file at ``path`` (which must exist), the database address ``path``
    (``postgresql://…``, as it is), or the demo when ``path`` is empty.

    Raises
    ------
    FileNotFoundError
        ``path`` is given but no file is there.
    """
    from ..geo.postgis import is_url

    if path and is_url(path):
        return path
    if path:
        p = Path(path)
        if not p.is_file():
            raise FileNotFoundError(f"no workspace at {p}")
        return p
    from ..data.demo import ensure_demo

    return ensure_demo()


def read_place(path: Path, place: str | None):
    """The workspace at ``path`` narrowed to ``place`` (``geo.levels.find``: a code or a
    name; empty: all of it), and that place.

    Raises
    ------
    geo.levels.PlaceNotFound
        (a ValueError: exit 2) no place, or several, answer to ``place``.
    """
    from ..geo import levels
    from ..geo.workspace import read_workspace

    ws = read_workspace(path)
    where = levels.find(ws, place)
    return levels.within(ws, where), where


def read_map_place(path: Path, place: str | None, village: str | None):
    """For a map or a brief: the workspace narrowed to ``place``'s township when ``place`` is
    a village (the map keeps the township around it), and the village to show (``--village``,
    else that village's code)."""
    from ..geo import levels

    ws, where = read_place(path, place)
    if where.level != levels.VILLAGE:
        return ws, village
    if village:
        raise ValueError("--place is a village already; leave out --village")
    return read_place(path, where.code[:9])[0], where.code


def print_json(data: object, default: Callable[[object], object] | None = None) -> None:
    """Print ``data`` as indented JSON on stdout, Chinese as it is (``--json`` output)."""
    print(json.dumps(data, ensure_ascii=False, indent=2, default=default))


def table(rows: list[dict], cols: list[str], headers: list[str]) -> str:
    """``rows`` as a plain-text table of columns ``cols`` under ``headers``, aligned for a
    terminal (floats as percentages, integers with thousands separators)."""
    cells = [headers] + [[_cell(r[c]) for c in cols] for r in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(cols))]
    lines = []
    for n, row in enumerate(cells):
        padded = "  ".join(s + " " * (w - _width(s)) for s, w in zip(row, widths, strict=True))
        lines.append(padded.rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(s: str) -> int:
    # CJK characters take two columns in a terminal
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _cell(v: object) -> str:
    if isinstance(v, float):
        return f"{v * 100:.2f}%"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def parent(declare: Callable[[argparse.ArgumentParser], object]) -> argparse.ArgumentParser:
    """A parent parser (for ``parents=[...]``) with the arguments ``declare`` adds to it.

    A subcommand's own options can sit in one too, between shared ones, so that ``--help``
    lists them in the order the subcommand has always shown.
    """
    p = argparse.ArgumentParser(add_help=False)
    declare(p)
    return p


class Parents:
    """Parent parsers of the arguments several subcommands take, each declared here once.

    ``workspace`` (the optional positional) and ``json`` read the same everywhere; ``--year``
    and ``--rules`` say what they mean for each subcommand, so they take its help line.
    """

    def __init__(self) -> None:
        self.workspace = parent(
            lambda p: p.add_argument("workspace", nargs="?", help=WORKSPACE_HELP)
        )
        self.json = parent(
            lambda p: p.add_argument("--json", action="store_true", help="print JSON")
        )
        self.place = parent(
            lambda p: p.add_argument("--place", metavar="CODE|NAME", help=PLACE_HELP)
        )

    @staticmethod
    def year(help_text: str = YEAR_HELP) -> argparse.ArgumentParser:
        """``--year YEAR`` (an integer; absent: the workspace's latest)."""
        return parent(lambda p: p.add_argument("--year", type=int, help=help_text))

    @staticmethod
    def rules(help_text: str) -> argparse.ArgumentParser:
        """``--rules FILE``: an exit-rules TOML over the defaults."""
        return parent(lambda p: p.add_argument("--rules", metavar="FILE", help=help_text))
