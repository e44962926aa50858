"""Bring a file into a workspace: read it, check every row against the workspace, write once.

An import is one transaction. A fatal problem (unreadable file, no matching headers, a CRS
that cannot be decided) changes nothing. Rows that cannot be taken are reported one by one,
with the reason in Chinese and English; the good rows go in only when the caller accepts a
partial import. The write itself is :func:`~township_atlas.geo.workspace.update_workspace`
(or :func:`~township_atlas.geo.workspace.write_workspace` for a new workspace): locked,
validated and atomic, so a killed process leaves the workspace as it was.

Exit codes follow ``township-atlas import``: 0 every row taken (or nothing to change), 3 some
rows rejected (written only with ``accept_partial``), 2 nothing taken.

This module is the front door (what moved is imported from here as before): :func:`run_import`
for any kind, :func:`import_boundaries` with :mod:`.boundary_plan`, :mod:`.run_tables`,
:mod:`.run_households` and :mod:`.run_roads` for the other kinds, :mod:`.outcome` (what an
import did), :mod:`.plausibility` (results that look wrong) and :mod:`.transaction` (the locked
write every table import shares).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from ...geo.postgis import is_url
from ...geo.workspace import Workspace, read_workspace, transact, workspace_exists
from .boundary_plan import _boundary_plan, _file_codes, _recorded, _same
from .errors import ImportFailed
from .outcome import SAMPLE_ROWS, ImportOutcome
from .plausibility import (
    MAX_HOUSEHOLDS,
    MAX_VILLAGES,
    MAX_VILLAGES_PER_TOWNSHIP,
    _with_large,
    implausible,
)
from .run_households import import_households
from .run_roads import ROAD_KIND, import_roads
from .run_tables import (
    ASSISTANCE_IMPORT_KINDS,
    OPERATIONS_IMPORT_KINDS,
    TABLE_IMPORT_KINDS,
    import_table,
)
from .transaction import _stamp
from .vector import read_boundaries

__all__ = [
    "ASSISTANCE_IMPORT_KINDS",
    "BOUNDARY_KINDS",
    "MAX_HOUSEHOLDS",
    "MAX_VILLAGES",
    "MAX_VILLAGES_PER_TOWNSHIP",
    "OPERATIONS_IMPORT_KINDS",
    "ROAD_KIND",
    "SAMPLE_ROWS",
    "TABLE_IMPORT_KINDS",
    "ImportFailed",
    "ImportOptions",
    "ImportOutcome",
    "file_headers",
    "implausible",
    "import_boundaries",
    "import_failure",
    "import_households",
    "import_roads",
    "import_table",
    "mappable_fields",
    "recognised_headers",
    "run_import",
    "workbook_sheets",
]

#: Boundary kinds ``township-atlas import`` takes from vector files.
BOUNDARY_KINDS = ("villages", "township")


# import_boundaries stays in this module: it reads through this module's read_boundaries and
# read_workspace, the seams a caller replaces to see a file fail or two imports race.
def import_boundaries(
    workspace: str | os.PathLike,
    source: str | os.PathLike,
    kind: str,
    *,
    crs: str | None = None,
    columns: Mapping[str, str] | None = None,
    accept_partial: bool = False,
    dry_run: bool = False,
    confirm_large: bool = False,
) -> ImportOutcome:
    """Import village or township boundaries into ``workspace`` (created when absent).

    Villages already in the workspace keep what the file does not say (their counts, poverty
    status, exit years); new villages need a code and a name, and counts the file lacks start
    at 0 with a note. Villages outside the township outline are rejected. ``dry_run`` checks
    everything and writes nothing. Past :func:`implausible` limits nothing is written
    unless ``confirm_large``.

    Into an existing workspace, every village attribute the file changes (poor village, exit
    year, name …) and every village it adds is recorded in the change history (kind
    ``import``), so the import can be undone and past years replay; a changed boundary is
    written and counted in a note but not recorded.

    The change is worked out inside the locked transaction, from the workspace as it is at
    that moment: two imports at once both land (neither is computed from a stale read).
    """
    if kind not in BOUNDARY_KINDS:
        raise ImportFailed(f"不能导入「{kind}」", f"cannot import {kind!r} boundaries")
    read = read_boundaries(source, kind, crs=crs, columns=columns)
    target = workspace if is_url(workspace) else Path(workspace)
    current = read_workspace(target) if workspace_exists(target) else None
    outcome, layers = _boundary_plan(read, current, kind, dry_run=dry_run)
    if outcome.unchanged:
        return outcome
    stamp = _stamp(source)
    if dry_run:
        if layers:
            codes = _file_codes(read, outcome)
            outcome = _recorded(outcome, current, layers, kind, codes, stamp)[0]
        return _with_large(outcome, current, layers, kind)
    if not layers or (len(outcome.rejected) and not accept_partial):
        return outcome  # nothing can be taken: the workspace is not even locked
    said: list[tuple[ImportOutcome, bool]] = []

    def change(ws: Workspace | None) -> dict[str, pd.DataFrame]:
        outcome, layers = _boundary_plan(read, ws, kind, dry_run=False)
        said.append((outcome, ws is None))
        if not layers or (len(outcome.rejected) and not accept_partial):
            return {}
        if ws is not None and _same(ws[kind], layers[kind], kind):
            said[-1] = (replace(outcome, unchanged=True), False)
            return {}
        outcome = _with_large(outcome, ws, layers, kind, confirm=confirm_large)
        if ws is None:  # a new workspace: its first villages are where history starts
            said[-1] = (outcome, True)
            return layers
        outcome, written = _recorded(outcome, ws, layers, kind, _file_codes(read, outcome), stamp)
        said[-1] = (outcome, False)
        return written

    written = transact(target, change, created_meta={"imported_from": Path(source).name})
    outcome, created = said[-1]
    return replace(outcome, written=written, created=written and created)


# ----------------------------------------------------------------------------- any kind
def run_import(
    workspace: str | os.PathLike,
    source: str | os.PathLike,
    kind: str,
    *,
    crs: str | None = None,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
    accept_partial: bool = False,
    dry_run: bool = False,
    confirm_large: bool = False,
    append: bool = False,
) -> ImportOutcome:
    """Import a file of any kind of :data:`~township_atlas.data.importing.kinds.KINDS` (what
    ``township-atlas import`` and the Data page call); options a kind does not use are
    ignored. ``confirm_large`` lets through what :func:`implausible` flags; ``append`` (roads)
    adds to the network instead of replacing it."""
    from .kinds import kind_of

    options = ImportOptions(crs, sheet, columns, accept_partial, dry_run, confirm_large, append)
    return kind_of(kind).run(workspace, source, kind, options)


@dataclass(frozen=True)
class ImportOptions:
    """What an import may be told beside the file (each kind takes the options it uses)."""

    crs: str | None = None
    sheet: str | None = None
    columns: Mapping[str, str] | None = None
    accept_partial: bool = False
    dry_run: bool = False
    confirm_large: bool = False
    append: bool = False

    @property
    def how(self) -> dict:
        """The options every kind takes, as keyword arguments."""
        return {
            "columns": self.columns,
            "accept_partial": self.accept_partial,
            "dry_run": self.dry_run,
            "confirm_large": self.confirm_large,
        }


def mappable_fields(kind: str) -> list[tuple[str, str, str]]:
    """The fields a header of a ``kind`` file may be mapped to, as (field, zh, en)."""
    from .kinds import kind_of

    return kind_of(kind).fields()


def workbook_sheets(path: str | os.PathLike) -> list[str]:
    """The sheet names of an Excel workbook (raises ImportFailed when it cannot be read)."""
    from .tabular import open_workbook

    return open_workbook(Path(path), None)[1]


def file_headers(source: str | os.PathLike, kind: str, sheet: str | None = None) -> tuple[str, ...]:
    """The column headers of a file the import refused, for the user to map by hand.

    Best effort: a table's header is the row (of its first rows) with the most text cells;
    a vector file's are its attribute fields. Nothing readable gives ``()``.
    """
    import pyogrio

    from .kinds import kind_of
    from .tabular import DELIMITERS, csv_rows, decode_text, open_workbook, sheet_rows
    from .vector import open_vector, vector_format

    path = Path(source)
    try:
        if kind_of(kind).drawn or vector_format(path):
            # as the import reads it: GBK attributes without a .cpg decoded, ZIPs checked
            prefer = {ROAD_KIND: "line", **dict.fromkeys(BOUNDARY_KINDS, "polygon")}
            frame = open_vector(path, sheet, prefer=prefer.get(kind, "point"))[0]
            return tuple(str(c) for c in frame.columns if c != frame.geometry.name)
        if path.suffix.lower() in (".xlsx", ".xls", ".xlsm", ".ods"):
            book, names = open_workbook(path, sheet)
            rows = sheet_rows(book, names[0], nrows=_HEADER_ROWS)
        else:
            text, _ = decode_text(path.read_bytes()[:200_000])
            lines = text.splitlines()[:_HEADER_ROWS]
            delim = max(DELIMITERS, key=lambda d: sum(line.count(d) for line in lines))
            rows = csv_rows(lines, delim)
    except (ImportFailed, OSError, ValueError, pyogrio.errors.DataSourceError):
        return ()

    def texts(row) -> list[str]:
        return [str(c).strip() for c in row if isinstance(c, str) and str(c).strip()]

    best = max(rows, key=lambda r: len(texts(r)), default=[])
    return tuple(str(c).strip() for c in best if str(c).strip())


_HEADER_ROWS = 15


def recognised_headers(kind: str, headers: Sequence[str]) -> dict[str, str]:
    """Header → field for the ``headers`` a ``kind`` reader would recognise by itself."""
    from .kinds import kind_of

    return kind_of(kind).recognise(headers)


# ----------------------------------------------------------------------------- failures
def import_failure(exc: BaseException, file: str | os.PathLike) -> ImportFailed:
    """An import's failure other than :class:`ImportFailed` as one (zh, en), naming the
    file: a full disk, a folder that cannot be written, memory, anything unexpected."""
    import errno

    from pyogrio.errors import DataSourceError

    from ...geo.validate import SchemaError

    name = Path(file).name
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        zh, en = (
            "磁盘空间不足，工作空间未改动",
            "no space left on the disk; the workspace is unchanged",
        )
    elif isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        where = exc.filename or ""
        zh = f"没有写入权限（{where}），工作空间未改动"
        en = f"permission denied ({where}); the workspace is unchanged"
    elif isinstance(exc, FileNotFoundError):
        zh, en = f"找不到文件：{exc.filename or exc}", f"no such file: {exc.filename or exc}"
    elif isinstance(exc, OSError):
        text = exc.strerror or str(exc)
        zh, en = f"读写文件出错：{text}", f"cannot read or write a file: {text}"
    elif isinstance(exc, MemoryError):
        zh, en = "文件太大，内存不足", "the file is too big: out of memory"
    elif isinstance(exc, SchemaError | DataSourceError):
        zh = "工作空间文件无效或无法读取，未改动"
        en = f"the workspace is not valid or cannot be read: {_one_line(exc)}"
    else:
        zh = f"导入时出现意外错误（{type(exc).__name__}：{_one_line(exc)}）"
        en = f"unexpected error while importing ({type(exc).__name__}: {_one_line(exc)})"
    return ImportFailed(f"{name}：{zh}", f"{name}: {en}")


def _one_line(exc: BaseException, limit: int = 300) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
