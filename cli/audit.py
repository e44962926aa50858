"""``township-atlas audit [WORKSPACE] ...``: read a workspace's audit log.

The log lives beside the workspace (``geo.audit``). Rows are printed newest first as a table, or
written as CSV or Excel with the formula-safe writers of ``geo.export``, or printed as JSON.
Reading the log changes nothing (not even a missing log is created). Errors are one line, exit 2.
"""

from __future__ import annotations

import argparse
import re
import unicodedata
from pathlib import Path

import pandas as pd

from ..geo.accounts import ROLE_LABELS
from ..geo.audit import AUDIT_ACTIONS, AuditError, AuditLog, audit_path
from ..geo.export import csv_bytes, excel_bytes
from .common import Parents, SubParsers, fail, print_json, table

_DESCRIPTION = (
    "审计日志 / audit log: who changed, viewed or exported what, kept beside the workspace "
    "(WORKSPACE.audit.sqlite; default: the demo). Times are UTC; a date in --since/--until "
    "means that whole day. Newest first."
)
#: Headers of the printed table.
_HEADERS = ["时间(UTC)", "账户", "角色", "操作", "对象", "说明"]
_SHEET = "审计日志"


def add_parser(sub: SubParsers, parents: Parents) -> None:
    """Register ``audit`` on the main parser. No shared ``parents``: its workspace is the one
    whose log to read, and its ``--json`` is one of three exclusive outputs."""
    p = sub.add_parser("audit", help="the audit log: who did what, when", description=_DESCRIPTION)
    p.add_argument("workspace", nargs="?", help="workspace whose log to read (default: the demo)")
    p.add_argument("--since", metavar="DATE", help="from this date or time (UTC)")
    p.add_argument("--until", metavar="DATE", help="up to this date (the whole day) or time")
    p.add_argument("--account", metavar="NAME", help="only this account's rows")
    p.add_argument("--action", choices=list(AUDIT_ACTIONS), help="only this action's rows")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--csv", metavar="FILE", help="write the rows as CSV (for Excel)")
    out.add_argument("--xlsx", metavar="FILE", help="write the rows as an Excel workbook")
    out.add_argument("--json", action="store_true", help="print the rows as JSON")
    p.set_defaults(func=cmd_audit)


def _workspace(given: str | None) -> Path | str:
    """The workspace whose log to read: the demo by default; a named one must exist, or at
    least its log (a workspace moved away leaves its log readable)."""
    if given is None:
        from ..data.demo import ensure_demo

        return ensure_demo()
    from ..geo.postgis import is_url

    if is_url(given):
        return given  # its log lives in the data folder (geo.paths.side_anchor)
    path = Path(given)
    if path.is_file() or audit_path(path).is_file():
        return path
    raise AuditError(f"没有工作空间 {path}")


def audit_rows(args: argparse.Namespace) -> pd.DataFrame:
    """The rows ``args`` ask for (workspace and filters), newest first."""
    log = AuditLog.for_workspace(_workspace(args.workspace))
    return log.rows(since=args.since, until=args.until, account=args.account, action=args.action)


def _for_files(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows with each action's Chinese label beside its key (people read the file)."""
    out = rows.copy()
    labels = out["action"].map(lambda a: AUDIT_ACTIONS.get(a, (a, a))[0])
    out.insert(out.columns.get_loc("action") + 1, "action_zh", labels)
    return out


def _printable(text: str) -> str:
    """One terminal line: control characters (line breaks, escape sequences a file name may
    carry) become spaces."""
    return "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in str(text))


#: Characters an Excel cell cannot hold (openpyxl refuses the whole workbook for one).
_NOT_IN_EXCEL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cell_text(value: object) -> object:
    return _NOT_IN_EXCEL.sub(" ", value) if isinstance(value, str) else value


def _role(role: str) -> str:
    label = ROLE_LABELS.get(role, {"local": ("本机",), "cli": ("命令行",)}.get(role, ("",)))[0]
    return f"{role} ({label})" if label else role


def _table_rows(rows: pd.DataFrame) -> list[dict]:
    return [
        {
            "at": r.at,
            "account": _printable(r.account),
            "role": _printable(_role(r.role)),
            "action": f"{AUDIT_ACTIONS.get(r.action, (r.action,))[0]} ({r.action})",
            "target": _printable(r.target),
            "detail": _printable(r.detail),
        }
        for r in rows.itertuples(index=False)
    ]


def write_rows(args: argparse.Namespace, rows: pd.DataFrame) -> str | None:
    """Write ``rows`` where ``args`` say (--csv, --xlsx); the file written, or ``None``."""
    if args.csv:
        out, data = Path(args.csv), csv_bytes(_for_files(rows))
    elif args.xlsx:
        out, data = Path(args.xlsx), excel_bytes({_SHEET: _for_files(rows).map(_cell_text)})
    else:
        return None
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise AuditError(f"不能写入 {out}: {exc.strerror or exc}") from exc
    return str(out)


def cmd_audit(args: argparse.Namespace) -> int:
    """Print or write the audit log's rows; every refusal is one line on stderr and exit 2."""
    try:
        rows = audit_rows(args)
        written = write_rows(args, rows)
    except (AuditError, ValueError) as exc:
        return fail(str(exc), 2)
    if written is not None:
        print(f"审计日志 {len(rows)} 条已写入 {written}")
    elif args.json:
        print_json(rows.to_dict(orient="records"))
    elif rows.empty:
        print("审计日志中没有符合条件的记录")
    else:
        print(table(_table_rows(rows), list(rows.columns), _HEADERS))
    return 0
