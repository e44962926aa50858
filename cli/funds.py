"""``township-atlas funds``: the 资金公示 workbook (Excel) of the assistance projects.

Sheet 1 lists every project by village with a subtotal per village and the grand total; sheet 2
sums each village (with the money per household lifted up to the year's end). Projects name no
person: the workbook holds no household and no cadre.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import Parents, SubParsers, fail, parent, read_place, workspace_or_demo

_DESCRIPTION = (
    "资金公示: every assistance project (扶贫项目) by village with its budget and money spent "
    "(万元), households reached and status; a subtotal per village and the grand total. A "
    "second sheet sums each village, with the households lifted and the money (projects' and "
    "households' measures) per household lifted up to the year's end. Cells of text are "
    "written as text: nothing in them runs as a formula."
)


def _out(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, metavar="FILE.xlsx", help="Excel workbook to write")


def add_parser(sub: SubParsers, parents: Parents) -> None:
    """Register ``funds`` on the main parser."""
    p = sub.add_parser(
        "funds",
        help="资金公示: the projects and their money by village, as an Excel workbook",
        description=_DESCRIPTION,
        parents=[
            parents.workspace,
            parent(_out),
            parents.year("only the projects of this year (default: every year)"),
            parents.place,
        ],
    )
    p.set_defaults(func=cmd_funds)


def cmd_funds(args: argparse.Namespace) -> int:
    """Write the 资金公示 workbook to ``--out``; a file that cannot be written there is one
    line on stderr and exit 2."""
    from ..geo.export import excel_bytes
    from ..report.funds import PROJECT_SHEET, funds_sheets

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        return fail(f"--out {out.name}: the 资金公示 is an Excel workbook; name it *.xlsx", 2)
    if not out.resolve().parent.is_dir():
        return fail(f"--out {out}: no folder {out.parent} to write it in", 2)
    ws, _ = read_place(workspace_or_demo(args.workspace), args.place)
    sheets = funds_sheets(ws, args.year)
    try:
        out.write_bytes(excel_bytes(sheets))
    except OSError as exc:
        return fail(f"--out {out}: cannot write it ({exc.strerror or exc})", 2)
    projects = sheets[PROJECT_SHEET]["项目编号"].notna().sum()
    print(f"资金公示已写入 {out}（{projects}个项目）", file=sys.stderr)
    return 0
