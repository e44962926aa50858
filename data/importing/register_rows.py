"""A register's rows grouped into households: blank and totals rows dropped, merged cells
filled down, exact repeats merged, a person or household id in two places refused, and the
people of each household together, head first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .register_headers import PERSONAL_FIELDS
from .register_identity import mask_id
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


def _rows(data: pd.DataFrame, col_of: Mapping[str, int], notes: list):
    """The text of every used column; blank rows and totals/signature rows dropped."""
    raw_cells = data.to_numpy(dtype=object)
    nonblank = ~pd.isna(raw_cells) & (raw_cells != "")
    any_cell = nonblank.any(axis=1)
    t = pd.DataFrame({f: _as_text(data[i]) for f, i in col_of.items()}, index=data.index)
    if "id_number" in t:  # one form of each ID number for every comparison (not for display)
        t["id_number"] = t["id_number"].str.replace(r"\s+", "", regex=True).str.upper()
    person_cols = [f for f in ("person_id", "relation", "name_person", "id_number") if f in t]
    has_person = t[person_cols].ne("").any(axis=1) if person_cols else pd.Series(False, t.index)
    # rows with no household id and no person in them: totals, signatures, notes under the table
    stray = any_cell & (t["household_id"] == "").to_numpy() & ~has_person.to_numpy()
    summary = np.zeros(len(t), dtype=bool)
    for i in np.flatnonzero(stray):
        cells = [cell_text(v) for v in raw_cells[i][nonblank[i]]]
        summary[i] = len(cells) <= 1 or bool(_SUMMARY.match(cells[0]))
    if summary.any():
        rows = t.index[summary]
        notes.append(
            (
                f"跳过表格中的合计、签字等非数据行：第 {_rows_text(rows)} 行",
                f"skipped totals/signature rows: rows {_rows_text_en(rows)}",
            )
        )
    keep = any_cell & ~summary
    return t[keep], has_person[keep], int(keep.sum())


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
    code = t["village_code"].map(village_code_text) if "village_code" in t else blank
    name = t.get("village_name", blank)
    town = t.get("township", blank)
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
    """One row per person: group by household id, head first."""
    if "relation" in t:
        rel = _map_unique(t["relation"], _norm_value)
        head_rank = np.where(rel.isin(_HEAD_RELATIONS), 0, 1)
    else:
        head_rank = np.zeros(len(t), dtype=int)
    t = t.assign(_head=head_rank).sort_values(["household_id", "_head", "_row"], kind="stable")
    by = t.groupby("household_id", sort=False)
    heads = by.head(1).set_index("household_id")
    counts = by.size()
    hh_fields = [c for c in t.columns if c not in PERSONAL_FIELDS and not c.startswith("_")]
    hh = t[hh_fields].replace("", np.nan).groupby(t["household_id"], sort=False).first()
    hh = hh.drop(columns="household_id", errors="ignore").reindex(heads.index)
    hh = hh.fillna("")
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
    return _Grouped(t, hh, heads, counts)
