"""Read a household register exported from the national registration system (建档立卡).

The export is an Excel workbook (.xlsx/.xls, read with calamine) or a CSV (UTF-8 or GBK), one
row per person or per household, often with title rows above the header and merged cells. The
2016–2020 扶贫开发信息系统 exports (脱贫属性 0/1/3/4, 贫困户属性) and the 2021+ 防返贫监测
exports (户类型, 监测对象类别, 风险消除) both read without a column mapping: every header and
value the system writes is declared once, in :mod:`township_atlas.geo.schema` (the columns'
``headers`` and ``aliases`` and the value lists next to them).

The result is a frame for the ``households`` layer, a frame for the ``members`` layer (one row
per person: relation, birth year, schooling, health, labour, work, insurance; no name, ID or
phone), a report of every row that could not be taken (``rejected``) and of every row taken
with a warning or merged into another (``warnings``), with the reason in Chinese and English.

Steps, each a function of the module named (this module is the front door: what moved is
imported from here as before): read the sheet and find the header (:mod:`.register_headers`:
``_read_source``), match headers to fields (``_match_columns``, one
:mod:`~township_atlas.data.importing.headers` matcher), refuse a file lacking a required column
once (``_require_columns``); take the cells as text and drop totals rows, fill merged cells,
merge and refuse duplicated people and group people into households (:mod:`.register_rows`:
``_rows``, ``_fill_down``, ``_duplicates``, ``_group``); read each household field
(:mod:`.register_households`: ``_village``, ``_size``, ``_codes``, ``_status``, ``_years``,
``_flags``, ``_income``), the members (:mod:`.register_members`) and the layer's own rules
(``_layer_rules``); say what was refused (:mod:`.register_report`). Values are looked up in
:mod:`.register_values`, villages in :mod:`.register_villages`, ID numbers hashed and masked in
:mod:`.register_identity`.

Personal data: 姓名 and 联系电话 are read only to be dropped; 证件号码 survives only as a keyed
hash (HMAC-SHA256) and a masked form (first 6 and last 4 characters) in ``identity`` and in the
reports, and as the birth year it encodes. Only recognised, non-personal columns are echoed in
the reports.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ...geo.schema import HOUSEHOLDS, MEMBERS
from ...geo.validate import coerce
from .errors import ImportFailed
from .personal_guard import refuse_personal_columns
from .register_headers import (
    _MATCHER,
    CHUNK_ROWS,
    PERSONAL_FIELDS,
    _match_columns,
    _read_source,
    _Reparse,
    _require_columns,
    _user_map,
    header_matcher,
    mappable_fields,
    recognised_headers,
)
from .register_households import (
    _codes,
    _counts,
    _flags,
    _Households,
    _income,
    _layer_rules,
    _reject_households,
    _size,
    _status,
    _village,
    _years,
)
from .register_identity import _identity, hash_id, id_valid, mask_id
from .register_members import _members
from .register_report import _REPORT_COLUMNS, _empty, _Rejections, _report, _summary
from .register_rows import _duplicates, _fill_down, _group, _Grouped, _read_cells, _rows
from .register_values import _as_text, _year_in
from .register_villages import VillageIndex
from .tabular import decode_text
from .tabular import open_workbook as open_workbook  # re-exported: see _decode below

__all__ = [
    "PERSONAL_FIELDS",
    "ImportFailed",
    "RegisterImport",
    "VillageIndex",
    "hash_id",
    "header_matcher",
    "id_valid",
    "mappable_fields",
    "mask_id",
    "read_register",
    "recognised_headers",
]

# open_workbook and _decode stay importable from here for callers written before
# geo/tabular.py; new code imports tabular.open_workbook and tabular.decode_text.
_decode = decode_text


@dataclass(frozen=True)
class RegisterImport:
    """What :func:`read_register` took from a register, and what it could not take.

    ``frame``: the households layer, one row per household, coerced to the layer's dtypes and
    free of :func:`~township_atlas.geo.validate.problems`. ``members``: the members layer for
    the households taken (empty for a register with one row per household). ``rejected``: one
    row per source row not taken (``row`` is the row number as Excel shows it), with
    ``household_id``, ``reason_zh``, ``reason_en`` and ``values`` (the recognised,
    non-personal cells as text, 证件号码 masked). ``warnings``: the same columns, one row per
    source row taken with a warning or merged into another (an exact duplicate of a person
    row, a household whose 人数 differs from its person rows). ``notes``: (zh, en) pairs about
    what was found and assumed. ``columns_found``: source header -> field. ``identity``:
    household_id -> ``id_hash``, ``id_masked``, ``id_valid`` of the household head, or None
    when the file has no 证件号码.
    """

    frame: pd.DataFrame
    rejected: pd.DataFrame
    notes: tuple[tuple[str, str], ...]
    columns_found: Mapping[str, str]
    identity: pd.DataFrame | None
    sheet: str | None = None
    header_row: int = 1
    source_rows: int = 0
    per_person: bool = False
    #: Every non-empty header of the file, in file order, recognised or not (each once).
    headers: tuple[str, ...] = ()
    members: pd.DataFrame = field(default_factory=lambda: _empty(MEMBERS.names))
    warnings: pd.DataFrame = field(default_factory=lambda: _empty(_REPORT_COLUMNS))

    @property
    def ok(self) -> bool:
        return self.rejected.empty


# ----------------------------------------------------------------------------- main
def read_register(
    path: str | os.PathLike,
    *,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
    villages=None,
    townships=None,
    register_year: int | None = None,
    id_key: bytes,
    chunk_rows: int = CHUNK_ROWS,
) -> RegisterImport:
    """Read a household register (Excel or CSV) into the households and members layers.

    ``columns`` maps source headers to fields (a households or members column such as
    ``category``, a field of this reader such as ``village_name`` or ``person_id``, or a known
    Chinese header such as ``户编号``; an empty target ignores the column) and overrides the
    recognised headers. ``villages``: the workspace's villages, as a mapping name -> 12-digit
    code, a frame with ``name`` and ``code``, or (name, code) pairs (the last two keep villages
    of one name in different townships apart); codes in the file are checked against them.
    ``townships``: township code (9 digits) -> name, for the register's 乡(镇) column to
    decide between villages of one name. 行政村 may hold a name or a code; with a 村代码 column
    too, a row may give either, and a row giving both is rejected when they name different
    villages. ``register_year``: the year the register describes (for 风险消除 without a date
    and 年龄); else the year in its title rows. ``id_key`` keys the hash of ID numbers.

    Raises :class:`ImportFailed` when nothing can be taken: unreadable file, not a table, no
    recognisable header, sheet not found, or a column every row needs is absent (one message
    naming the headers that matched nothing, their nearest fields and the ``--columns`` line).
    """
    source = Path(path)
    if not source.is_file():
        raise ImportFailed(f"找不到文件：{source.name}", f"no file at {source}")
    if not isinstance(id_key, bytes | bytearray) or not id_key:
        raise ValueError("id_key must be non-empty bytes")
    user = _user_map(columns)
    for careful in (False, True):  # a CSV the quick reading cannot read is read record by record
        notes: list[tuple[str, str]] = []
        src = _read_source(source, sheet, user, notes, careful)
        col_of, columns_found, unmatched = _match_columns(src.header, user, notes)
        try:
            cells = _read_cells(src.chunks(chunk_rows), col_of)
            break
        except _Reparse:
            continue
    # before anything else is taken: a kept column must not hold IDs, phones or names
    refuse_personal_columns(
        src.header,
        cells.guard_frame(col_of),
        col_of,
        personal_fields=PERSONAL_FIELDS,
        field_of_header=_MATCHER.field,
        as_text=_as_text,
    )
    index = VillageIndex(villages, townships) if villages is not None else None
    _require_columns(col_of, unmatched, index)
    year = register_year or _year_in(src.title)

    t, has_person, total_rows = _rows(cells, notes)
    del cells  # the reports read the rows as _rows left them (``shown``)
    shown = t.copy(deep=False)  # _fill_down replaces columns of t, not of this
    per_person_cols = bool({"person_id", "relation"} & set(t.columns))
    t, filled = _fill_down(t, has_person, per_person_cols, columns_found, notes)
    rej, warn = _Rejections(), _Rejections()
    missing_id = t["household_id"] == ""
    rej.add(t.index[missing_id], "缺少户编号", "household id (户编号) is missing")
    t = t[~missing_id]

    t, per_person = _duplicates(t, per_person_cols, index, rej, warn, notes)
    g = _group(t, per_person, notes)
    ctx = _Households(g.hh, notes)
    _village(ctx, index)
    _size(ctx, g, per_person, per_person_cols, warn)
    _codes(ctx)
    _status(ctx, year)
    _years(ctx, year)
    _flags(ctx)
    _income(ctx)
    people = _members(t, g, ctx, year, notes) if per_person_cols else None
    _counts(ctx, people)
    _layer_rules(ctx, unmatched)

    _reject_households(ctx, t, rej)
    frame, members, identity = _taken(ctx, t, g, people, id_key, notes)

    # ---- the reports (recognised, non-personal columns only; ID masked)
    rejected = _report(shown, columns_found, rej, filled)
    warnings = _report(shown, columns_found, warn, filled)
    notes.append(_summary(total_rows, len(frame), len(rejected), len(warnings)))
    return RegisterImport(
        frame=frame,
        rejected=rejected,
        notes=tuple(notes),
        columns_found=columns_found,
        identity=identity,
        sheet=src.sheet,
        header_row=src.header_row,
        source_rows=total_rows,
        per_person=per_person,
        headers=tuple(dict.fromkeys(h for h in (str(c).strip() for c in src.header) if h)),
        members=members,
        warnings=warnings,
    )


def _taken(
    ctx: _Households,
    t: pd.DataFrame,
    g: _Grouped,
    people: pd.DataFrame | None,
    id_key: bytes,
    notes: list,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """The households layer of the households not refused, their members, and the heads'
    identity (hash and masked number) when the register gives 证件号码."""
    taken = ctx.out.index[~ctx.out.index.isin(list(ctx.rejected))]
    frame = coerce(HOUSEHOLDS, ctx.out.loc[taken].reindex(columns=HOUSEHOLDS.names))
    frame = frame.reset_index(drop=True)
    members = _empty(MEMBERS.names) if people is None else people
    if people is not None:
        members = coerce(MEMBERS, people[people["household_id"].isin(set(taken))])
        members = members.reset_index(drop=True)

    identity = _identity(t, g.heads, taken, id_key, notes) if "id_number" in t else None
    if identity is not None and len(frame):
        # The households layer keeps only the head's hash (for matching) and masked number.
        by_id = identity.set_index("household_id")
        frame = frame.assign(
            head_id_hash=frame["household_id"].map(by_id["id_hash"]),
            head_id_masked=frame["household_id"].map(by_id["id_masked"]),
        )
    return frame, members, identity
