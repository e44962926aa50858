"""A register's rows grouped into households: blank and totals rows dropped, merged cells
filled down, exact repeats merged, a person or household id in two places refused, and the
people of each household together, head first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .register_headers import _MEMBER_FIELDS, _MEMBER_FLAGS, PERSONAL_FIELDS
from .register_identity import _norm_id, mask_id
from .register_report import _header_of, _Rejections
from .register_values import (
    _HEAD_RELATIONS,
    _as_text,
    _fmt,
    _map_unique,
    _norm_value,
    _rows_text,
    _rows_text_en,
)
from .register_villages import VillageIndex
from .tabular import (
    cell_text,
    village_code_text,
)

_SUMMARY = re.compile(
    r"^(合计|总计|小计|汇总|填表|制表|审核|负责人|备注|说明|注[:：]|签字|日期[:：])"
)


#: Fields read only to tell people apart: kept as a hash of each cell from the chunk on.
_HASHED = ("name_person", "phone")
_PERSON_FIELDS = ("person_id", "relation", "name_person", "id_number")


@dataclass
class _Cells:
    """The used columns of every row with a cell in it, compact: each field's text as a
    categorical (ID numbers in one form: no spaces, upper case), 姓名 and 联系电话 as a hash
    of the cell (enough to tell two rows apart; the text is dropped with its chunk); which
    rows are totals or signatures and which name a person. Index: row numbers in the file."""

    text: pd.DataFrame
    summary: np.ndarray
    has_person: np.ndarray

    def guard_frame(self, col_of: Mapping[str, int]) -> pd.DataFrame:
        """The cells the personal-data guard reads: columns by position, names and phones
        (never kept, not checked) left out."""
        return pd.DataFrame(
            {i: self.text[f] for f, i in col_of.items() if f not in _HASHED},
            index=self.text.index,
        )


def _read_cells(chunks: Iterator[pd.DataFrame], col_of: Mapping[str, int]) -> _Cells:
    """The used columns' text, chunk by chunk: no chunk's raw cells outlive it."""
    parts: dict[str, list] = {f: [] for f in col_of}
    index, summary, has_person = [], [], []
    for chunk in chunks:
        raw = chunk.to_numpy(dtype=object)
        nonblank = ~pd.isna(raw) & (raw != "")
        any_cell = nonblank.any(axis=1)
        raw, nonblank = raw[any_cell], nonblank[any_cell]
        text = {f: _as_text(chunk[i][any_cell]) for f, i in col_of.items()}
        if "id_number" in text:  # one form of each ID number for every comparison
            codes, uniq = pd.factorize(text["id_number"])
            text["id_number"] = np.array([_norm_id(v) for v in uniq] + [""], dtype=object)[codes]
        person = np.zeros(len(raw), dtype=bool)
        for f in _PERSON_FIELDS:
            if f in text:
                person |= text[f] != ""
        # rows with no household id and no person: totals, signatures, notes under the table
        hid = text.get("household_id")
        stray = ~person if hid is None else (hid == "") & ~person
        totals = np.zeros(len(raw), dtype=bool)
        for i in np.flatnonzero(stray):
            cells = [cell_text(v) for v in raw[i][nonblank[i]]]
            totals[i] = len(cells) <= 1 or bool(_SUMMARY.match(cells[0]))
        for f, values in text.items():
            parts[f].append(pd.util.hash_array(values) if f in _HASHED else _categorical(values))
        index.append(chunk.index[any_cell].to_numpy(dtype="int64"))
        summary.append(totals)
        has_person.append(person)
        del chunk, raw, nonblank, text
    rows = pd.Index(np.concatenate(index) if index else [], dtype="int64")
    frame = pd.DataFrame(
        {f: _joined(f, p) for f, p in parts.items()},
        index=rows,
    )
    flags = [np.concatenate(x) if x else np.zeros(0, dtype=bool) for x in (summary, has_person)]
    return _Cells(frame, *flags)


def _categorical(values: np.ndarray) -> pd.Categorical:
    # object categories, not pandas' str: Arrow strings made per chunk were slower to read
    # back and held no less memory (measured at a million people)
    codes, uniq = pd.factorize(values)
    return pd.Categorical.from_codes(codes, categories=pd.Index(uniq, dtype=object))


def _joined(field: str, parts: list) -> pd.Series | np.ndarray:
    if field in _HASHED:
        return np.concatenate(parts) if parts else np.zeros(0, dtype="uint64")
    if not parts:
        return _categorical(np.array([], dtype=object))
    return pd.api.types.union_categoricals(parts)


def _rows(cells: _Cells, notes: list) -> tuple[pd.DataFrame, pd.Series, int]:
    """The cells of every used column, totals and signature rows dropped (blank rows never
    were kept): each field a categorical of its text (names and phones as hashes), so a
    million people's cells take tens of MB where their text took hundreds."""
    text, summary = cells.text, cells.summary
    if summary.any():
        rows = text.index[summary]
        notes.append(
            (
                f"跳过表格中的合计、签字等非数据行：第 {_rows_text(rows)} 行",
                f"skipped totals/signature rows: rows {_rows_text_en(rows)}",
            )
        )
    keep = ~summary
    # a new frame either way: the steps after replace its columns, the cells stay as read
    t = text[keep] if summary.any() else text.copy(deep=False)
    return t, pd.Series(cells.has_person[keep], index=t.index), int(keep.sum())


def _str(s: pd.Series) -> pd.Series:
    """A column of cells as text (pandas' str), as the steps that edit text need it."""
    return s.astype("str") if isinstance(s.dtype, pd.CategoricalDtype) else s


def _objects(s: pd.Series) -> pd.Series:
    """A column of cells as Python objects: a categorical's categories shared, not copied."""
    return s.astype(object) if isinstance(s.dtype, pd.CategoricalDtype) else s


def _fill_down(t, has_person, per_person_cols: bool, columns_found, notes: list):
    """Merged cells: villages always, household ids in per-person registers."""
    fills = [f for f in ("county", "township", "village_name", "village_code") if f in t]
    if per_person_cols:
        fills.append("household_id")
    filled_in = []
    both = {"village_name", "village_code"} <= set(t.columns)
    # with both village columns, a row naming its village in one is no merged cell of the other
    no_village = (t["village_name"] == "") & (t["village_code"] == "") if both else None
    for f in fills:
        blank = t[f] == ""
        if both and f in ("village_name", "village_code"):
            blank &= no_village
        if f == "household_id":
            blank &= has_person
        if not blank.any():
            continue
        filled = t[f].mask(blank).ffill()
        n = int((blank & filled.notna()).sum())
        t[f] = filled.fillna("")
        if n:
            filled_in.append((_header_of(columns_found, f), n))
    if filled_in:
        notes.append(
            (
                "合并单元格已向下填充：" + "、".join(f"{h}（{n} 格）" for h, n in filled_in),
                "merged cells filled down in "
                + ", ".join(f"{h} ({n} cells)" for h, n in filled_in),
            )
        )
    return t, (t[fills] if fills else None)  # the report shows filled-down values


def _row_villages(t: pd.DataFrame, index: VillageIndex | None) -> tuple[pd.Series, pd.Series]:
    """Each row's village as written (the code, else the name) and as compared: the code,
    else the code the name resolves to (in its township), else the name."""
    blank = pd.Series("", index=t.index, dtype=object)
    code = _map_unique(t["village_code"], village_code_text) if "village_code" in t else blank
    name = _objects(t.get("village_name", blank))
    town = _objects(t.get("township", blank))
    if index is not None:
        pairs = pd.Series(list(zip(name, town, strict=True)), index=t.index)
        named = _map_unique(pairs, lambda p: (index.resolve(*p)[0] if p[0] else None) or p[0])
    else:
        named = name
    has_code = code != ""
    return code.where(has_code, name), code.where(has_code, named)


def _duplicates(t, per_person_cols, index, rej: _Rejections, warn: _Rejections, notes: list):
    """Merge exact duplicate rows (a warning line each), refuse a person listed in two
    households or twice in one with different details, and a household id in two villages
    (per person) or repeated (per household). Returns the rows left and whether the register
    has one row per person."""
    # an exact duplicate row (every recognised cell equal): the same person listed twice
    used = [c for c in t.columns if c != "_row"]
    exact = t.duplicated(used, keep="first")
    if exact.any():
        first = t[used].reset_index().groupby(used, sort=False)["index"].transform("first")
        first.index = t.index
        for r in t.index[exact]:
            warn.add(
                [r],
                f"与第 {first[r]} 行完全相同（同一行列了两次），已合并为一行",
                f"identical to row {first[r]} (the same row listed twice): merged into it",
            )
        notes.append(
            (
                f"{_fmt(int(exact.sum()))} 行与前面的行完全相同，已合并："
                f"第 {_rows_text(t.index[exact])} 行",
                f"{_fmt(int(exact.sum()))} rows identical to an earlier row were merged: rows "
                f"{_rows_text_en(t.index[exact])}",
            )
        )
        t = t[~exact]

    dup = t["household_id"].duplicated(keep=False)
    per_person = per_person_cols and bool(dup.any())
    bad_hh: dict[str, tuple[str, str]] = {}
    if per_person:
        shown, vill = _row_villages(t, index)
        nvill = vill.replace("", np.nan).groupby(t["household_id"]).nunique()
        for hid in nvill[nvill > 1].index:
            grp = t.index[t["household_id"] == hid]
            vs = "、".join(dict.fromkeys(v for v in shown[grp] if v))
            bad_hh[hid] = (
                f"户编号 {hid} 出现在多个行政村（{vs}）",
                f"household id {hid} appears in more than one village ({vs.replace('、', ', ')})",
            )
        _people_twice(t, bad_hh)
    elif dup.any():
        for hid, grp in t[dup].groupby("household_id", sort=False):
            rej.add(
                grp.index,
                f"户编号 {hid} 重复（第 {_rows_text(grp.index)} 行）",
                f"household id {hid} is repeated (rows {_rows_text_en(grp.index)})",
            )
        t = t[~dup]
    if bad_hh:
        bad = t["household_id"].isin(list(bad_hh))
        for hid, grp in t[bad].groupby("household_id", sort=False):
            rej.add(grp.index, *bad_hh[hid])
        t = t[~bad]
    return t.assign(_row=t.index.to_numpy()), per_person


def _people_twice(t: pd.DataFrame, bad_hh: dict[str, tuple[str, str]]) -> None:
    """A person (by 证件号码) in two households refuses both; a person (by 证件号码 or 人编号)
    twice in one household with different details refuses it: which row is right is the
    office's call, and counting both would count one person twice."""
    if "id_number" in t:
        ids = t["id_number"]  # normalised in _rows
        given = ids != ""
        hh_per_id = t["household_id"][given].groupby(ids[given]).nunique()
        for idn in hh_per_id[hh_per_id > 1].index:
            rows = t.index[given & (ids == idn)]
            hids = list(dict.fromkeys(t.loc[rows, "household_id"]))
            masked = mask_id(idn)
            for hid in hids:
                bad_hh.setdefault(
                    hid,
                    (
                        f"证件号码 {masked} 同时列在户 {'、'.join(hids)}"
                        f"（第 {_rows_text(rows)} 行）",
                        f"ID {masked} is listed in households {', '.join(hids)} (rows "
                        f"{_rows_text_en(rows)})",
                    ),
                )
    for fld, zh, en in (("id_number", "证件号码", "ID"), ("person_id", "人编号", "person id")):
        if fld not in t:
            continue
        key = t[fld]
        given = key != ""
        twice = given & t[["household_id", fld]].duplicated(keep=False)
        for (hid, k), grp in t[twice].groupby([t["household_id"][twice], key[twice]], sort=False):
            shown = mask_id(k) if fld == "id_number" else k
            bad_hh.setdefault(
                hid,
                (
                    f"{zh} {shown} 在户 {hid} 中出现两次且内容不同"
                    f"（第 {_rows_text(grp.index)} 行）",
                    f"{en} {shown} appears twice in household {hid} with different details "
                    f"(rows {_rows_text_en(grp.index)})",
                ),
            )


@dataclass
class _Grouped:
    t: pd.DataFrame  # person rows, head first within each household
    hh: pd.DataFrame  # household fields (the first non-empty value, head's row first)
    heads: pd.DataFrame
    counts: pd.Series


def _group(t: pd.DataFrame, per_person: bool, notes: list) -> _Grouped:
    """One row per person: group by household id, head first. The person rows keep only
    what the members and the reports read; the household fields are the first non-empty
    value of each household (head's row first), as text."""
    if "relation" in t:
        rel = _map_unique(t["relation"], _norm_value)
        head_rank = np.where(rel.isin(_HEAD_RELATIONS), 0, 1)
    else:
        head_rank = np.zeros(len(t), dtype=int)
    hid = _hid_codes(t["household_id"])
    # households in the order of their ids as text, head first, then in file order
    order = np.lexsort((t["_row"].to_numpy(), head_rank, hid))
    t = t.iloc[order].assign(_head=head_rank[order])
    hid = hid[order]
    first = np.r_[True, hid[1:] != hid[:-1]] if len(hid) else np.zeros(0, dtype=bool)
    ids = pd.Index(_str(t["household_id"]).to_numpy()[first], name="household_id")
    heads = t[first].set_axis(ids).drop(columns="household_id")
    starts = np.flatnonzero(first)
    counts = pd.Series(np.diff(np.r_[starts, len(t)]), index=ids, dtype="int64")
    hh_fields = [c for c in t.columns if c not in PERSONAL_FIELDS and not c.startswith("_")]
    group = np.cumsum(first) - 1
    hh = pd.DataFrame(index=ids)
    for c in hh_fields:
        if c == "household_id":
            continue
        hh[c] = _first_given(t[c], group, ids)
    if per_person:
        notes.append(
            (
                f"每人一行：{_fmt(len(t))} 人归为 {_fmt(len(hh))} 户",
                f"one row per person: {_fmt(len(t))} people grouped into {_fmt(len(hh))} "
                "households",
            )
        )
    else:
        notes.append((f"每户一行：{_fmt(len(hh))} 户", f"one row per household: {_fmt(len(hh))}"))
    person = [c for c in t.columns if c in _PERSON_COLUMNS or c.startswith("_")]
    return _Grouped(t[person], hh, heads, counts)


#: What the person rows keep once grouped: the members' fields and what finds a row again.
_PERSON_COLUMNS = frozenset(
    {"household_id", "person_id", "id_number", "birth_date", "age", "health"}
    | set(_MEMBER_FIELDS)
    | set(_MEMBER_FLAGS)
)


def _hid_codes(ids: pd.Series) -> np.ndarray:
    """Each row's household id as its rank among the ids as text (sorting by it sorts by id)."""
    if isinstance(ids.dtype, pd.CategoricalDtype):
        cats = ids.cat.categories.to_numpy(dtype=object)
        rank = np.empty(len(cats), dtype="int64")
        rank[np.argsort(cats.astype(str), kind="stable")] = np.arange(len(cats))
        return rank[ids.cat.codes.to_numpy()]
    codes, _ = pd.factorize(ids.to_numpy(dtype=object), sort=True)
    return codes


def _first_given(col: pd.Series, group: np.ndarray, ids: pd.Index) -> pd.Series:
    """Per group (rows sorted by ``group``: the position in ``ids``), the first non-empty
    cell, '' where none is."""
    n = len(ids)
    values = _objects(col).to_numpy(dtype=object)
    given = values != ""
    out = np.full(n, "", dtype=object)
    g = group[given]
    keep = np.r_[True, g[1:] != g[:-1]] if len(g) else np.zeros(0, dtype=bool)
    out[g[keep]] = values[given][keep]
    return pd.Series(out, index=ids, dtype="str")
