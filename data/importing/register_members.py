"""A per-person register's members layer: one row per person (relation, birth year,
schooling, health, labour, work, insurance; no name, ID or phone). A value outside the system's
code tables leaves that field empty with a note, never the household refused for it.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from ...geo.schema import (
    HEALTH,
    MEMBERS,
)
from ...geo.validate import coerce, problems
from .register_headers import _HEALTH_FLAGS, _MEMBER_FLAGS
from .register_households import _Households
from .register_rows import _Grouped, _str
from .register_values import (
    _HEALTH,
    _MEMBER_VOCAB,
    _SCHOOL_STAGES,
    _SCHOOLING,
    _fmt,
    _map_unique,
    _norm_value,
    _yes_no,
)


def _school_stage(value: str) -> str | None:
    if not value:
        return None
    if value in _SCHOOLING:
        return _SCHOOLING[value]
    for pattern, stage in _SCHOOL_STAGES:
        if re.search(pattern, value):
            return stage
    return None


def _health(value: str) -> tuple[str, ...] | None:
    """健康状况 as the conditions it names (() for 健康); None when a part is not known."""
    if not value:
        return ()
    parts = [p for p in re.split(r"[,，、;；/+和及且]", value) if p]
    found = []
    for p in parts:
        hit = _HEALTH.get(p)
        if hit is None:
            hit = next((h for h in HEALTH[1:] if h in p), None)
        if hit is None:
            return None
        if hit != "健康":
            found.append(hit)
    return tuple(dict.fromkeys(found))


def _birth_years(t: pd.DataFrame, year: int | None) -> tuple[pd.Series, str | None]:
    """出生日期, else 年龄 and the register's year, else the ID's digits 7–10 (15-digit IDs:
    19 and digits 7–8). Returns the years and what they came from where not a date."""
    out = pd.Series(np.nan, index=t.index)
    if "birth_date" in t:
        text = _str(t["birth_date"]).str.replace(r"\s+", "", regex=True)
        y = pd.to_numeric(text.str.extract(r"^((?:19|20)\d\d)", expand=False), errors="coerce")
        out = out.where(out.notna(), y)
    used_age = False
    if "age" in t:
        age = pd.to_numeric(
            _str(t["age"]).str.replace(r"(岁|周岁)$", "", regex=True), errors="coerce"
        )
        ref = year or dt.date.today().year
        by_age = (ref - age).where((age >= 0) & (age < 120))
        used_age = bool((out.isna() & by_age.notna()).any())
        out = out.where(out.notna(), by_age)
    if "id_number" in t:
        ids = _str(t["id_number"])
        y18 = pd.to_numeric(
            ids.str.extract(r"^\d{6}((?:19|20)\d\d)\d{7}[\dX]$", expand=False), errors="coerce"
        )
        y15 = (
            pd.to_numeric(ids.str.extract(r"^\d{6}(\d\d)\d{7}$", expand=False), errors="coerce")
            + 1900
        )
        out = out.where(out.notna(), y18.where(y18.notna(), y15))
    return out, ("年龄" if used_age else None)


def _members(t: pd.DataFrame, g: _Grouped, ctx: _Households, year: int | None, notes: list):
    """The members layer: one row per person row of the households read (people of refused
    households are dropped with them). A value outside the system's code tables leaves that
    field empty for that person, with a note naming it (never the household refused for it)."""
    p = g.t
    out = pd.DataFrame({"household_id": p["household_id"].to_numpy()}, index=p.index)
    order = p.groupby("household_id", sort=False).cumcount() + 1
    pid = _str(p["person_id"]) if "person_id" in p else pd.Series("", index=p.index)
    generated = pid == ""
    out["person_id"] = pid.where(
        ~generated, _str(p["household_id"]) + "-" + order.map("{:02d}".format)
    )
    if generated.any() and "person_id" in p:
        notes.append(
            (
                f"{_fmt(int(generated.sum()))} 人没有人编号：按户内顺序编号（户编号-序号）",
                f"{_fmt(int(generated.sum()))} people have no 人编号: numbered by their place in "
                "the household (household id-number)",
            )
        )
    unknown: list[tuple[str, str, int]] = []

    def vocab(fld: str, fn) -> None:
        if fld not in p:
            return
        norm = _map_unique(p[fld], _norm_value)
        val = _map_unique(norm, fn)
        bad = (norm != "") & val.isna()
        for v, n in _str(p[fld][bad]).value_counts().items():
            unknown.append((MEMBERS.column(fld).zh, str(v), int(n)))
        out[fld] = val

    for fld in ("relation", "education", "labour_skill", "work"):
        vocab(fld, lambda v, f=fld: _MEMBER_VOCAB[f].get(v) if v else None)
    vocab("schooling", _school_stage)
    if "work_months" in p:
        text = _str(p["work_months"]).str.replace(r"(个月|月)$", "", regex=True)
        months = pd.to_numeric(text, errors="coerce")
        bad = (text != "") & (months.isna() | (months < 0) | (months > 12) | (months % 1 != 0))
        for v, n in _str(p["work_months"][bad]).value_counts().items():
            unknown.append(("务工时间(月)", str(v), int(n)))
        out["work_months"] = months.where(~bad)
    for fld in _MEMBER_FLAGS:
        if fld in p:
            norm = _map_unique(p[fld], _norm_value)
            val = _yes_no(norm)
            for v, n in _str(p[fld][(norm != "") & val.isna()]).value_counts().items():
                unknown.append((MEMBERS.column(fld).zh, str(v), int(n)))
            out[fld] = val
    if "health" in p:
        conds = _map_unique(_map_unique(p["health"], _norm_value), _health)
        for v, n in _str(p["health"][conds.isna()]).value_counts().items():
            unknown.append(("健康状况", str(v), int(n)))
        for cond, col in _HEALTH_FLAGS.items():
            out[col] = conds.map(lambda c, k=cond: pd.NA if c is None else k in c).astype("boolean")
            out.loc[p["health"] == "", col] = pd.NA
    births, how = _birth_years(p, year)
    out["birth_year"] = births.where(
        (births >= 1900) & (births <= (year or dt.date.today().year) + 1)
    )
    if how:
        ref = year or dt.date.today().year
        notes.append(
            (
                f"出生年份由年龄推算（按 {ref} 年）",
                f"birth years worked out from 年龄 (as of {ref})",
            )
        )
    if unknown:
        shown = "；".join(f"{z}「{v}」{n} 人" for z, v, n in unknown[:10])
        shown_en = "; ".join(f"{z} {v!r}: {n} people" for z, v, n in unknown[:10])
        notes.append(
            (
                f"以下成员信息不在系统代码表中，该项留空（人员照常导入）：{shown}",
                f"member values not in the system's code tables were left empty (the people "
                f"were taken): {shown_en}",
            )
        )
    out = out.reindex(columns=MEMBERS.names)
    found = problems("members", coerce(MEMBERS, out.reset_index(drop=True)))
    for pr in found:  # e.g. a 人编号 repeated across rows that _duplicates let through
        if pr.row is not None:
            hid = out["household_id"].iloc[pr.row]
            ctx.rejected.setdefault(hid, []).append(
                (
                    f"家庭成员{_member_label(pr.field)}：{pr.message}",
                    f"member {pr.field}: {pr.message}",
                )
            )
    return out


def _member_label(fld: str | None) -> str:
    return MEMBERS.column(fld).zh if fld in MEMBERS.names else (fld or "")
