"""``township-atlas import KIND FILE [WORKSPACE]`` and ``template KIND``: bring a file into
the workspace, checking every row, and write the template to fill in.

``import`` never ends in a traceback: a file that cannot be taken is one line naming it, exit 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pyogrio.errors import DataSourceError

from ..geo.schema import IMPORT_KINDS
from ..geo.validate import SchemaError
from .common import Parents, SubParsers, parent, print_json, workspace_or_demo

#: What ``import`` and ``template`` take (every kind has a template).
IMPORT_CHOICES = TEMPLATE_CHOICES = IMPORT_KINDS

_IMPORT_DESCRIPTION = (
    "KIND villages or township: GeoJSON, GeoPackage, zipped Shapefile or KML, in "
    "CGCS2000, its Gauss-Kruger zones, WGS84 or GCJ-02 (--crs gcj02). KIND households: "
    "the register exported from the national system (Excel or CSV; 姓名 and 联系电话 are "
    "not kept, 证件号码 only as a keyed hash and a masked form). One transaction: "
    "exit 0 all rows taken; 3 some rows rejected (taken only with --accept-partial, "
    "listed with reasons, all of them in --report); 2 nothing taken, the workspace "
    "unchanged. A workspace path that does not exist is created. KIND facilities, "
    "stations (e-commerce tiers; no 类型 column: village stations), sites (relocation) or "
    "indicators: CSV or Excel with Chinese headers (编号, 类型, 名称, 所在行政村, 状态, "
    "经度, 纬度; 行政村, 年度, 通硬化路 ... 是/否); longitude/latitude in WGS84 "
    "(--crs gcj02 for Amap/Tencent), without them the village's anchor point; or a "
    "point file (GeoJSON, GeoPackage, zipped Shapefile, KML). Points more than 30 km "
    "outside the township are rejected. Registers and indicator tables record every "
    "change in the history, dated by the years the file names. KIND roads: a line file "
    "(GeoJSON, GeoPackage, zipped Shapefile, KML; GBK attributes, any CRS the boundaries "
    "take) with 路线编号, 名称, 等级/行政等级 and 路面/路面类型; it replaces the roads "
    "layer (--append: adds and updates by 路线编号 instead), roads more than 2 km from "
    "the township are rejected; `plan-stations --network road` routes along them. "
    "KIND cadres, pairings, teams, visits, measures, projects or exit_plans (帮扶): CSV "
    "or Excel as the national system and offices word them (户编号, 帮扶责任人 by name or "
    "编号, 走访日期 as 2024-03-05, 2024/3/5, 2024年3月5日 or an Excel date); a household not "
    "in the register or a cadre not in the cadres layer rejects its row; 户主姓名, 证件号码 "
    "and 联系电话 are dropped; projects without 经度/纬度 go to their village's anchor point. "
    "KIND operations (网点运营情况): the county commerce bureau's yearly station report, "
    "CSV or Excel, a station by 站点编号 or 站点名称 (rejected when the workspace has no such "
    "e-commerce station), 年度 or the title's year, 运营状态, 农产品网销额 in 万元 (or 元, "
    "converted); every change in the history. "
    "--dry-run checks and writes nothing; `township-atlas template KIND` writes a "
    "template to fill in."
)
_TEMPLATE_DESCRIPTION = (
    "The expected headers, one example row, drop-down lists for the coded columns and a "
    "说明 sheet explaining each column. Given a workspace, the example row names its "
    "first village, so the untouched template imports cleanly."
)


def _kind_and_file(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", choices=IMPORT_CHOICES)
    p.add_argument("file", help="the file to import")


def _import_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--crs", help="the file's CRS when it declares none: EPSG:4490, gcj02, ...")
    p.add_argument("--columns", metavar="FILE", help="CSV or TOML: source header → field name")
    p.add_argument(
        "--sheet", help="the workbook's sheet, or a GeoPackage/KML layer (default: the first)"
    )
    p.add_argument("--accept-partial", action="store_true", help="take the good rows")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="check the file and say what would change; write nothing",
    )
    p.add_argument("--report", metavar="FILE", help="rejected rows with reasons (.csv or .xlsx)")
    p.add_argument(
        "--confirm-large",
        action="store_true",
        help="import even when the result looks implausible (more villages than a county, "
        "more registered people than the township's population)",
    )
    p.add_argument(
        "--append",
        action="store_true",
        help="roads: add to the roads layer and update roads of the same id, instead of "
        "replacing the network",
    )
    p.add_argument("--json", action="store_true", help="print counts and first rejections")


def add_parser(sub: SubParsers, parents: Parents) -> None:
    """Register ``import`` and ``template`` on the main parser."""
    p = sub.add_parser(
        "import",
        help="bring a file into the workspace (boundaries, households, tables, roads), checking "
        "every row",
        description=_IMPORT_DESCRIPTION,
        # KIND and FILE come before the optional workspace: positionals parse in this order
        parents=[parent(_kind_and_file), parents.workspace],
    )
    _import_options(p)
    p.set_defaults(func=cmd_import_safely)

    p = sub.add_parser(
        "template",
        help="write an import template (Excel, or GeoJSON for boundaries) with an example row",
        description=_TEMPLATE_DESCRIPTION,
    )
    p.add_argument("kind", choices=TEMPLATE_CHOICES)
    p.add_argument("workspace", nargs="?", help="workspace whose villages the example names")
    p.add_argument("--out", metavar="FILE", help="where to write (default: the template's name)")
    p.set_defaults(func=cmd_template)


def _columns_file(path: str) -> dict[str, str]:
    """``--columns FILE``: a CSV (or TOML table) of source header → schema column."""
    source = Path(path)
    if not source.is_file():
        raise ValueError(f"--columns: no file at {source}")
    if source.suffix.lower() == ".toml":
        import tomllib

        data = tomllib.loads(source.read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data.get("columns", data).items()}
    import pandas as pd

    table = pd.read_csv(source, dtype=str, header=None, encoding="utf-8-sig")
    return dict(zip(table[0].str.strip(), table[1].str.strip(), strict=True))


def _nothing_imported(args: argparse.Namespace, exc) -> int:
    """Say why nothing was imported (JSON on stdout when asked, one line on stderr); exit 2."""
    if args.json:
        print_json(
            {"kind": args.kind, "taken": 0, "exit_code": 2, "error": exc.en, "error_zh": exc.zh}
        )
    print(f"township-atlas: 未导入 / nothing imported: {exc.zh} / {exc.en}", file=sys.stderr)
    return 2


def _write_report(args: argparse.Namespace, outcome) -> None:
    """``--report FILE``: the rejected rows with reasons, as Excel or CSV."""
    from ..geo.export import csv_bytes, excel_bytes

    if args.report and len(outcome.report_table()):
        report = Path(args.report)
        if report.suffix.lower() == ".xlsx":
            report.write_bytes(excel_bytes(outcome.report()))
        else:
            report.write_bytes(csv_bytes(outcome.report_table()))


def cmd_import(args: argparse.Namespace) -> int:
    """Import ``args.file`` into the workspace; the exit code says how much was taken."""
    from ..data.importing.errors import ImportFailed
    from ..data.importing.run import import_failure, run_import
    from ..geo.postgis import is_url

    given = args.workspace
    target = (given if is_url(given) else Path(given)) if given else workspace_or_demo(None)
    try:
        outcome = run_import(
            target,
            args.file,
            args.kind,
            crs=args.crs,
            sheet=args.sheet,
            columns=_columns_file(args.columns) if args.columns else None,
            accept_partial=args.accept_partial,
            dry_run=args.dry_run,
            confirm_large=args.confirm_large,
            append=args.append,
        )
    except (ImportFailed, OSError, MemoryError, SchemaError, DataSourceError) as exc:
        return _nothing_imported(
            args, exc if isinstance(exc, ImportFailed) else import_failure(exc, args.file)
        )
    _write_report(args, outcome)
    if args.json:
        print_json(outcome.as_dict(), default=str)
        return outcome.exit_code
    _print_rows(outcome)
    from ..geo.postgis import shown

    _print_outcome(outcome, shown(target))
    return outcome.exit_code


def _print_rows(outcome) -> None:
    """The notes, then the first 20 rejected and the first 20 warned rows."""
    for zh, _en in outcome.notes:
        print(f"说明:{zh}")
    for r in outcome.rejected.head(20).itertuples():
        print(f"第 {r.source_row} 行未导入:{r.reason_zh}")
    if len(outcome.rejected) > 20:
        print(f"……共 {len(outcome.rejected)} 行未导入,完整清单见 --report")
    warned = outcome.warnings if outcome.warnings is not None else outcome.rejected.iloc[:0]
    for r in warned.head(20).itertuples():
        print(f"第 {r.source_row} 行:{r.reason_zh}")
    if len(warned) > 20:
        print(f"……共 {len(warned)} 行合并或有提示,完整清单见 --report")


def _print_outcome(outcome, target: str) -> None:
    """One line: what became of the workspace."""
    if outcome.unchanged:
        print(f"{outcome.taken} 行与工作空间中的相同,无需更改 ({target})")
    elif outcome.dry_run:
        print(
            f"试导入:可导入 {outcome.taken} 行,{len(outcome.rejected)} 行不能导入;"
            "工作空间未改动(去掉 --dry-run 正式导入)"
        )
    elif outcome.written:
        print(
            f"已导入 {outcome.taken} 行到 {target}" + (" (新建工作空间)" if outcome.created else "")
        )
    elif outcome.taken:
        print(
            f"有 {len(outcome.rejected)} 行不能导入,工作空间未改动;"
            f"加 --accept-partial 导入其余 {outcome.taken} 行"
        )
    else:
        print("没有可导入的行,工作空间未改动")


def cmd_import_safely(args: argparse.Namespace) -> int:
    """``import`` that never ends in a traceback: whatever escapes :func:`cmd_import` (a
    reader's unforeseen error on a hostile file) is one line naming the file, exit 2."""
    from ..data.importing.run import import_failure

    try:
        return cmd_import(args)
    except Exception as exc:
        failed = import_failure(exc, args.file)
        print(
            f"township-atlas: 未导入 / nothing imported: {failed.zh} / {failed.en}", file=sys.stderr
        )
        return 2


def cmd_template(args: argparse.Namespace) -> int:
    """Write the import template of ``args.kind`` (to ``--out`` or its own name)."""
    from ..data.importing.templates import template_file

    workspace = None
    if args.workspace:
        from ..geo.workspace import read_workspace

        workspace = read_workspace(workspace_or_demo(args.workspace))
    # an assistance example names the workspace's first household and cadre too
    name, data, _mime = template_file(args.kind, workspace=workspace)
    out = Path(args.out) if args.out else Path(name)
    out.write_bytes(data)
    print(f"模板已写入 {out}", file=sys.stderr)
    return 0
