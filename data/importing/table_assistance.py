"""The rows of an assistance (帮扶) table as the values of its layer: cadres, pairings,
resident teams, visits, measures, projects and exit plans.

Each cell is read as its column's kind (text, a choice with the offices' other wordings, a
year, a date, a number in its unit); a row naming a household that is not in the register,
or a cadre that is not in the cadres layer, is rejected with the reason. A cadre may be
named by id or by name (with the unit to tell namesakes apart). A row without an id gets a
stable one made from what identifies it, the same on every import; rows that repeat one
another exactly (a cadre on every row of the households they help) are taken once.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd

from ...geo.schema import LAYERS
from ...geo.schema_assistance import CADRE_REFS, HOUSEHOLD_REFS
from ...geo.workspace import Workspace
from .errors import Note
from .table_dates import read_dates
from .table_rows import TableRows, _Rows
from .table_values import _norm, _numbers, _years

#: Layers whose rows may come without an id: the id column, its prefix, and the fields the
#: id is made from (what tells one record from another, never what an update changes).
GENERATED_IDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "cadres": ("cadre_id", "C", ("cadre_name", "unit")),
    "visits": ("visit_id", "V", ("household_id", "visit_date")),
    "measures": ("measure_id", "M", ("household_id", "measure_type", "year")),
    "projects": ("project_id", "P", ("name", "village_code")),
}
#: What each generated id is made from, as the note says it (zh, en).
_MADE_FROM = {
    "cadres": ("姓名与帮扶单位", "name and unit"),
    "visits": ("户编号与走访日期", "household and date"),
    "measures": ("户编号、措施类型与年度", "household, type and year"),
    "projects": ("项目名称与所在行政村", "name and village"),
}
#: Date columns, by layer.
DATE_COLUMNS = {
    "village_teams": ("start_date", "end_date"),
    "visits": ("visit_date",),
    "station_operations": ("status_date",),
}


def assistance_values(rows: _Rows, workspace: Workspace | None) -> None:
    """Every column of an assistance table in ``rows.out``: text, choices, years, dates and
    numbers; household and cadre references checked against ``workspace`` (when given: a
    file read on its own takes them as written); ids made for rows without one."""
    column_values(rows)  # the village is read by _village_codes, the cadre below
    if rows.layer in CADRE_REFS and "cadre" in rows.data:
        rows.out[CADRE_REFS[rows.layer]] = _cadre_ids(rows, workspace)
    if rows.layer in HOUSEHOLD_REFS and workspace is not None:
        _known_households(rows, workspace)
    _generate_ids(rows)
    _across_fields(rows)


def column_values(rows: _Rows, skip: tuple[str, ...] = ("village_code",)) -> None:
    """Every layer column the file carries (but ``skip``) in ``rows.out``, each read as its
    kind: dates (:data:`DATE_COLUMNS`), years, numbers in their unit, choices with their
    other wordings, text; a cell that cannot be read rejects its row."""
    spec = LAYERS[rows.layer]
    data, out = rows.data, rows.out
    dates = DATE_COLUMNS.get(rows.layer, ())
    for col in spec.columns:
        fld = col.name
        if fld in skip or fld not in data:
            continue
        if fld in dates:
            rows.notes += read_dates(data, out, fld, (col.zh, col.en), rows.reject)
        elif col.kind == "year":
            _years(data, out, fld, rows.reject)
        elif col.kind in ("int", "float"):
            rows.notes += _numbers(
                data,
                out,
                fld,
                rows.layer,
                rows.reject,
                whole=col.kind == "int",
                header=rows.header(fld),
            )
        elif col.allowed:
            out[fld] = _choices(rows, fld)
        else:
            out[fld] = data[fld].map(_text).astype(object)


def _text(value: object) -> str | None:
    text = re.sub(r"\s+", " ", str(value or "")).strip()
    return text or None


# ----------------------------------------------------------------------------- choices
def _choices(rows: _Rows, fld: str) -> pd.Series:
    """A column of fixed values: the value, or another wording of it (产业扶持, 已竣工 …),
    compared without spaces, full-width forms or case, and without a trailing 类; a cell that
    is none of them rejects its row, listing the values."""
    col = LAYERS[rows.layer].column(fld)
    lookup = {_norm(a): v for a, v in col.aliases} | {_norm(v): v for v in col.allowed}

    def value(text: str) -> str | None:
        key = _norm(text)
        if not key:
            return None
        return lookup.get(key) or lookup.get(key.removesuffix("类"))

    text = rows.data[fld]
    found = text.map(value).astype(object)
    listed = "、".join(col.allowed)
    rows.reject(
        (text != "") & found.isna(),
        lambda r: f"{col.zh}「{text[r]}」不是可选的值（{listed}）",
        lambda r: f"{col.en} {text[r]!r} is not one of {', '.join(col.allowed)}",
    )
    return found


# ----------------------------------------------------------------------------- references
def _known_households(rows: _Rows, workspace: Workspace) -> None:
    """Reject the rows naming a household the register does not have."""
    fld = HOUSEHOLD_REFS[rows.layer]
    if fld not in rows.out:
        return
    known = set(workspace.households["household_id"].astype(str))
    ids = rows.out[fld]
    rows.reject(
        ids.notna() & ~ids.astype(str).isin(known),
        lambda r: (
            f"户编号「{ids[r]}」不在建档立卡户中：请先导入花名册（import households），或检查户编号"
        ),
        lambda r: (
            f"household {ids[r]!r} is not in the household register: import the "
            "register first (import households), or check the id"
        ),
    )


def _key(value: object) -> str:
    """A name or unit compared (:func:`_norm`); '' for a missing one."""
    return "" if value is None or value is pd.NA or value != value else _norm(value)


def _cadre_ids(rows: _Rows, workspace: Workspace | None) -> pd.Series:
    """Each row's cadre id from its cadre cell: an id of the cadres layer, or the name of
    exactly one cadre (of the row's unit, when the file gives units); other rows rejected.
    Without a workspace the cell is taken as the id."""
    text = rows.data["cadre"]
    if workspace is None:
        return text.map(_text).astype(object)
    cadres = pd.DataFrame(workspace["cadres"])
    ids = set(cadres["cadre_id"].astype(str))
    by_name: dict[str, list[tuple[str, str]]] = {}
    for cid, name, unit in zip(
        cadres["cadre_id"], cadres["cadre_name"], cadres["unit"], strict=True
    ):
        by_name.setdefault(_key(name), []).append((str(cid), _key(unit)))
    units = rows.col("cadre_unit")
    found: dict[int, str] = {}
    why: dict[int, Note] = {}
    for r, cell in text.items():
        value = _text(cell)
        if value is None:
            continue
        if value in ids:
            found[r] = value
            continue
        named = by_name.get(_key(value), [])
        unit = _key(units[r])
        if unit and len(named) > 1:
            named = [n for n in named if n[1] == unit] or named
        if len(named) == 1:
            found[r] = named[0][0]
        elif named:
            why[r] = (
                f"帮扶责任人「{value}」有 {len(named)} 人同名：请填写帮扶责任人编号，"
                "或加上帮扶单位列",
                f"{len(named)} cadres are named {value!r}: give the cadre's id, or add a unit "
                "column",
            )
        else:
            why[r] = (
                f"帮扶责任人「{value}」不在帮扶责任人名单中：请先导入帮扶责任人"
                "（import cadres），或检查姓名或编号",
                f"cadre {value!r} is not in the cadres layer: import the cadres first "
                "(import cadres), or check the name or id",
            )
    rows.reject(
        text.index.isin(list(why)),
        lambda r: why[r][0],
        lambda r: why[r][1],
    )
    return pd.Series([found.get(r) for r in text.index], index=text.index, dtype=object)


# ----------------------------------------------------------------------------- ids
def _stable_id(prefix: str, parts: list[object]) -> str:
    text = "|".join("" if p is None or p is pd.NA or p != p else str(p) for p in parts)
    return f"{prefix}-{hashlib.sha1(text.encode()).hexdigest()[:8].upper()}"


def _generate_ids(rows: _Rows) -> None:
    """Ids for rows without one, made from the fields that tell the record apart."""
    if rows.layer not in GENERATED_IDS:
        return
    fld, prefix, made_of = GENERATED_IDS[rows.layer]
    out = rows.out
    given = out[fld] if fld in out else pd.Series(None, index=out.index, dtype=object)
    missing = given.isna()
    if not missing.any():
        return
    parts = [out[f] if f in out else pd.Series(None, index=out.index) for f in made_of]
    made = [_stable_id(prefix, list(values)) for values in zip(*parts, strict=True)]
    out[fld] = given.where(~missing, pd.Series(made, index=out.index)).astype(object)
    zh, en = _MADE_FROM[rows.layer]
    rows.notes.append(
        (
            f"没有编号的行按{zh}生成了固定编号（{prefix}- 开头），再次导入时编号不变",
            f"rows without an id got a stable one from their {en} ({prefix}-…), the same on "
            "every import",
        )
    )


# ----------------------------------------------------------------------------- rows
def _across_fields(rows: _Rows) -> None:
    """Rules between the fields of one row: a team leaves after it came; a project reaches
    no more poor households than households."""
    out = rows.out
    if {"start_date", "end_date"} <= set(out.columns):
        early = out["end_date"].notna() & out["start_date"].notna()
        early &= out["end_date"].astype(str) < out["start_date"].astype(str)
        rows.reject(
            early,
            lambda r: f"撤离日期 {out.at[r, 'end_date']} 早于进驻日期 {out.at[r, 'start_date']}",
            lambda r: (
                f"end date {out.at[r, 'end_date']} is before the start date "
                f"{out.at[r, 'start_date']}"
            ),
        )
    if {"households", "poor_households"} <= set(out.columns):
        more = (out["poor_households"] > out["households"]).fillna(False).astype(bool)
        rows.reject(
            more,
            lambda r: "受益贫困户数大于受益户数",
            lambda r: "more poor households reached than households",
        )


def without_repeats(table: TableRows, rejected: set[int] | None = None) -> TableRows:
    """``table`` with the rows that repeat an earlier row exactly left out (one note saying
    how many); rejected rows are not compared."""
    frame = table.frame
    rejected = set(table.rejected) if rejected is None else rejected
    live = frame[~frame.index.isin(list(rejected))]
    if len(live) < 2:
        return table
    shown = pd.DataFrame(live.drop(columns=["_anchored"], errors="ignore")).astype(str)
    if "geometry" in live:
        shown["geometry"] = [g.wkt if g is not None else "" for g in live.geometry]
    repeat = shown.duplicated(keep="first").to_numpy(dtype=bool)
    if not repeat.any():
        return table
    drop = live.index[repeat]
    n = int(repeat.sum())
    note = (
        f"{n} 行与前面的行完全相同（如同一帮扶责任人出现在所帮扶的每一户的行上），只导入一次",
        f"{n} row{'s' if n > 1 else ''} repeating an earlier row exactly (a cadre on the row of "
        "each household they help, say) taken once",
    )
    kept = frame[~np.isin(frame.index, drop)]
    return TableRows(kept, table.rejected, [*table.notes, note], table.crs_used, table.present)
