"""A register's household fields as the households layer's values: the village, 人数, the
coded fields (贫困户属性, 致贫原因, 脱贫属性 and what each status word also says), years,
危房 and water flags, income, the counts from the members, and the layer's own rules. A value
that cannot be read refuses its household with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from ...geo.schema import (
    HOUSEHOLD_CATEGORIES,
    HOUSEHOLDS,
    MONITOR_KINDS,
)
from ...geo.validate import coerce, problems
from .errors import ImportFailed
from .members import member_counts
from .register_headers import _MEMBER_COUNTS, _missing_column
from .register_report import _Rejections, _translate
from .register_rows import _Grouped
from .register_values import (
    _CATEGORY,
    _CAUSE,
    _DANGEROUS,
    _MONITOR,
    _POLICY,
    _RISK_CLEARED,
    _STATUS,
    _STATUS_CLEARED,
    _STATUS_MONITOR,
    _STATUS_POLICY,
    _examples,
    _fmt,
    _map_unique,
    _norm_value,
    _yes_no,
)
from .register_villages import VillageIndex
from .tabular import (
    village_code_text,
    years,
)


class _Households:
    """The household fields being read: the text (``hh``), the values (``out``) and the
    reasons each household is refused."""

    def __init__(self, hh: pd.DataFrame, notes: list):
        self.hh = hh
        self.notes = notes
        self.out = pd.DataFrame(index=hh.index)
        self.out["household_id"] = hh.index
        self.rejected: dict[str, list[tuple[str, str]]] = {}

    def reject(self, mask: pd.Series, zh: Callable[[str], str], en: Callable[[str], str]) -> None:
        for hid in self.hh.index[mask.to_numpy(dtype=bool)]:
            self.rejected.setdefault(hid, []).append((zh(hid), en(hid)))

    def text(self, fld: str) -> pd.Series:
        return self.hh[fld] if fld in self.hh else pd.Series("", index=self.hh.index, dtype=object)

    def norm(self, fld: str) -> pd.Series:
        return _map_unique(self.text(fld), _norm_value)


def _village(ctx: _Households, index: VillageIndex | None) -> None:
    """村代码, 行政村 (a name or a code, in its 乡(镇)), or both, which must then agree."""
    hh, reject = ctx.hh, ctx.reject
    has_code, has_name = "village_code" in hh, "village_name" in hh
    vcode = _map_unique(ctx.text("village_code"), village_code_text)
    vname = ctx.text("village_name")
    town = ctx.text("township")
    found: dict[tuple[str, str], tuple[str | None, tuple[str, str] | None]] = {}
    if index is not None:
        for pair in dict.fromkeys(zip(vname, town, strict=True)):
            if pair[0]:
                found[pair] = index.resolve(*pair)
    pairs = list(zip(vname, town, strict=True))
    named = pd.Series([(found.get(p, (None,))[0] or "") for p in pairs], index=hh.index)
    why = pd.Series([found.get(p, (None, None))[1] for p in pairs], index=hh.index)
    with_code = vcode != ""
    bad = with_code & ~vcode.str.fullmatch(r"\d{12}").fillna(False).astype(bool)
    reject(
        bad,
        lambda h: f"行政村代码「{vcode[h]}」不是 12 位代码",
        lambda h: f"village code {vcode[h]!r} is not a 12-digit code",
    )
    unknown = pd.Series(False, index=hh.index)
    if index is not None:
        unknown = with_code & ~bad & ~vcode.isin(set(index.codes))
        reject(
            unknown,
            lambda h: f"行政村代码「{vcode[h]}」不在工作空间中",
            lambda h: f"village code {vcode[h]} is not in the workspace",
        )
    # a name that resolves on its own must agree with the code; an ambiguous name is decided
    # by the code
    reject(
        with_code & ~bad & ~unknown & (named != "") & (named != vcode),
        lambda h: f"行政村「{vname[h]}」（{named[h]}）与村代码「{vcode[h]}」不一致",
        lambda h: f"village {vname[h]!r} ({named[h]}) and village code {vcode[h]} do not agree",
    )
    by_name = ~with_code & (vname != "")
    if index is None:  # a code column, no workspace villages: a name cannot stand for it
        reject(
            by_name,
            lambda h: f"行政村代码为空（没有工作空间的行政村，无法按「{vname[h]}」对应）",
            lambda h: f"village code is empty (no workspace villages to look up {vname[h]!r})",
        )
    else:
        reject(by_name & (named == ""), lambda h: why[h][0], lambda h: why[h][1])
    what = {
        (True, True): ("行政村与村代码均为空", "village and village code are empty"),
        (True, False): ("行政村为空", "village is empty"),
        (False, True): ("行政村代码为空", "village code is empty"),
    }[(has_name, has_code)]
    reject(~with_code & (vname == ""), lambda h: what[0], lambda h: what[1])
    ctx.out["village_code"] = vcode.where(with_code, named)


def _size(ctx: _Households, g: _Grouped, per_person: bool, per_person_cols: bool, warn) -> None:
    """人数; with person rows, a 人数 that differs from them is kept, with a warning line."""
    hh, reject = ctx.hh, ctx.reject
    listed = g.counts.reindex(hh.index)
    if "size" not in hh:
        if not (per_person or per_person_cols):
            raise ImportFailed(
                "每户一行的登记表需要人数列（人数/家庭人口数）",
                "a register with one row per household needs a persons column (人数)",
            )
        ctx.out["size"] = listed
        return
    size_text = hh["size"].str.replace(r"(\.0+|人)$", "", regex=True)
    size = pd.to_numeric(size_text, errors="coerce")
    bad = (size_text != "") & (size.isna() | (size % 1 != 0))
    reject(
        bad,
        lambda h: f"人数「{hh.at[h, 'size']}」不是整数",
        lambda h: f"persons {hh.at[h, 'size']!r} is not a whole number",
    )
    if per_person:
        given = size.notna() & ~bad
        differ = given & (size != listed)
        if differ.any():
            ex = "、".join(
                f"{h}（人数 {int(size[h])}，{listed[h]} 行）" for h in hh.index[differ][:5]
            )
            ex_en = ", ".join(
                f"{h} ({int(size[h])} given, {listed[h]} rows)" for h in hh.index[differ][:5]
            )
            ctx.notes.append(
                (
                    f"{_fmt(int(differ.sum()))} 户的人数与所列人员行数不同，采用表中人数：{ex}",
                    f"{_fmt(int(differ.sum()))} households list a different number of people "
                    f"than their 人数; 人数 was kept: {ex_en}",
                )
            )
            head_row = g.heads["_row"]
            for h in hh.index[differ]:
                warn.add(
                    [head_row[h]],
                    f"人数 {int(size[h])} 与所列 {listed[h]} 人不同：采用人数 {int(size[h])}",
                    f"persons (人数) {int(size[h])} but {listed[h]} person rows: "
                    f"{int(size[h])} kept",
                )
        size = size.where(given, listed)
    if per_person_cols:
        size = size.where(size.notna() | bad, listed)
    reject(size.isna() & ~bad, lambda h: "人数为空", lambda h: "persons (人数) is empty")
    ctx.out["size"] = size


def _lookup(ctx: _Households, fld: str, table: Mapping[str, str], zh, en, prep=None) -> pd.Series:
    """``fld`` through a vocabulary; a value it does not know refuses the household."""
    norm = ctx.norm(fld)
    if prep is not None:
        norm = prep(norm)
    value = norm.map(table)
    ctx.reject(
        (norm != "") & value.isna(),
        lambda h: zh(ctx.hh.at[h, fld]),
        lambda h: en(ctx.hh.at[h, fld]),
    )
    return value


def _cause_text(norm: pd.Series) -> pd.Series:
    # "01 因病", "01-因病", "因病、因学" (the first is the main one)
    out = norm.str.replace(r"^(\d{1,2})[-_.、:]?\D.*$", r"\1", regex=True)
    out = out.str.replace(r"^([^\d,，、;；/]+)[,，、;；/].*$", r"\1", regex=True)
    return out.where(~out.isin(["1", "2", "3", "4", "5", "6", "7", "8", "9"]), "0" + out)


def _codes(ctx: _Households) -> None:
    """贫困户属性, 主要致贫原因 and 监测类型 through the schema's vocabularies."""
    if "category" in ctx.hh:
        ctx.out["category"] = _lookup(
            ctx,
            "category",
            _CATEGORY,
            lambda v: f"贫困户属性「{v}」不是已知类别（{'、'.join(HOUSEHOLD_CATEGORIES)}）",
            lambda v: f"category {v!r} is not a known category ({', '.join(HOUSEHOLD_CATEGORIES)})",
        )
    if "cause" in ctx.hh:
        ctx.out["cause"] = _lookup(
            ctx,
            "cause",
            _CAUSE,
            lambda v: f"主要致贫原因「{v}」不是已知原因或代码（01–11、99）",
            lambda v: f"main cause {v!r} is not a known cause or code (01–11, 99)",
            _cause_text,
        )
    if "monitor_kind" in ctx.hh:
        ctx.out["monitor_kind"] = _lookup(
            ctx,
            "monitor_kind",
            _MONITOR,
            lambda v: f"监测类型「{v}」无法识别（{'、'.join(MONITOR_KINDS)}）",
            lambda v: f"monitor kind {v!r} is not recognised",
        )


def _status(ctx: _Households, year: int | None) -> None:
    """脱贫属性 / 户类型 (codes and every wording over the years) as the layer's status, with
    what the word also says: support (policy_support), monitor kind, risk cleared."""
    hh, out, reject = ctx.hh, ctx.out, ctx.reject
    st_raw = ctx.text("status")
    st = ctx.norm("status").str.replace(r"^([0-4])[-_.、:]?(\D.*)$", r"\1", regex=True)
    status = st.map(_STATUS)
    reject(
        (st != "") & status.isna(),
        lambda h: (
            f"脱贫属性「{st_raw[h]}」无法识别（0 未脱贫、1 已脱贫(享受政策)、3 返贫、"
            "4 已脱贫(不再享受政策)、脱贫户、监测对象）"
        ),
        lambda h: (
            f"status {st_raw[h]!r} is not recognised (0 not exited, 1 exited with support, "
            "3 fell back, 4 exited, support ended, 脱贫户, 监测对象)"
        ),
    )
    # the monitor kind: its own column, else the status word (脱贫不稳定户 …)
    kind = out["monitor_kind"] if "monitor_kind" in out else pd.Series(np.nan, index=hh.index)
    kind = kind.where(kind.notna(), st.map(_STATUS_MONITOR)).astype(object)
    if kind.notna().any() or "monitor_kind" in out:
        out["monitor_kind"] = kind
    # an exited household that is monitored (脱贫户 with 监测对象类别) is 监测, keeping its exit
    both = kind.notna() & (status == "已脱贫")
    status = status.where(~both, "监测")
    if both.any():
        ctx.notes.append(
            (
                f"{_fmt(int(both.sum()))} 户为脱贫户且是监测对象：记为监测（保留脱贫年度）",
                f"{_fmt(int(both.sum()))} exited households are monitored: stored as 监测 "
                "(their exit year kept)",
            )
        )
    status = status.where((st != "") | kind.isna(), "监测")
    reject((st == "") & status.isna(), lambda h: "脱贫属性为空", lambda h: "status is empty")
    out["status"] = status

    # support: the status word (1 / 4 / 脱贫享受政策 …), else a 享受政策 column
    policy = st.map(_STATUS_POLICY)
    if "policy_support" in hh:
        given = _lookup(
            ctx,
            "policy_support",
            _POLICY,
            lambda v: f"享受政策「{v}」应为“是/否”或“享受政策/不享受政策”",
            lambda v: f"policy support {v!r} should be 是/否 or 享受政策/不享受政策",
        )
        policy = policy.where(policy.notna(), given)
    out["policy_support"] = policy.where(status.isin(["已脱贫", "监测"]))
    n4 = int((policy == "不享受政策").sum())
    if n4:
        ctx.notes.append(
            (
                f"{_fmt(n4)} 户为“已脱贫(不再享受政策)”，记为已脱贫，不享受政策",
                f"{_fmt(n4)} households exited with support ended (code 4) are stored as 已脱贫 "
                "with policy_support 不享受政策",
            )
        )
    _risk_cleared(ctx, st, status, year)


def _risk_cleared(ctx: _Households, st: pd.Series, status: pd.Series, year: int | None) -> None:
    """风险消除: from a 风险是否消除 column, the status word (已消除风险) or a 风险消除时间; its
    year from 风险消除时间, else the register's year (``register_year`` or its title)."""
    hh, out = ctx.hh, ctx.out
    cleared = st.map(_STATUS_CLEARED)
    if "risk_cleared" in hh:
        norm = ctx.norm("risk_cleared")
        said = norm.map(_RISK_CLEARED)
        said = said.where(said.notna(), _yes_no(norm).astype(object))
        ctx.reject(
            (norm != "") & said.isna(),
            lambda h: f"风险是否消除「{hh.at[h, 'risk_cleared']}」应为“是/否”或“已消除/未消除”",
            lambda h: f"risk cleared {hh.at[h, 'risk_cleared']!r} should be 是/否 or 已消除/未消除",
        )
        cleared = said.where(said.notna(), cleared)
    when = pd.Series(np.nan, index=hh.index)
    if "risk_cleared_year" in hh:
        when, not_year = years(hh["risk_cleared_year"])
        ctx.reject(
            not_year,
            lambda h: f"风险消除年度「{hh.at[h, 'risk_cleared_year']}」不是年份",
            lambda h: f"risk cleared {hh.at[h, 'risk_cleared_year']!r} is not a year",
        )
        cleared = cleared.where(cleared.notna() | when.isna(), True)
    cleared = cleared.fillna(False).astype(bool) & (status == "监测")
    need = cleared & when.isna()
    if need.any() and year is not None:
        when = when.where(~need, year)
        ctx.notes.append(
            (
                f"{_fmt(int(need.sum()))} 户已消除风险但没有风险消除时间："
                f"记为 {year} 年（登记表年度）",
                f"{_fmt(int(need.sum()))} households have their risk cleared without a date: "
                f"{year} taken (the register's year)",
            )
        )
    elif need.any():
        ctx.reject(
            need,
            lambda h: "已消除风险但没有风险消除时间（也无法从表名得知年度）",
            lambda h: "risk cleared but no date (风险消除时间) and no year in the title",
        )
    out["risk_cleared_year"] = when.where(cleared)


def _years(ctx: _Households, year: int | None) -> None:
    """识别/脱贫/返贫/纳入监测年度. The 2016–2020 export has no 返贫年度 column: a 返贫
    household then fell back by the register's year at the latest, which is taken (noted)."""
    back = ctx.out["status"] == "返贫"
    if "return_year" not in ctx.hh and back.any() and year is not None:
        ctx.out["return_year"] = pd.Series(np.nan, index=ctx.hh.index).where(~back, year)
        ctx.notes.append(
            (
                f"文件中没有返贫年度列：{_fmt(int(back.sum()))} 户返贫户的返贫年度记为 {year} 年"
                "（登记表年度）",
                f"no 返贫年度 column: the {_fmt(int(back.sum()))} 返贫 households are taken as "
                f"fallen back by {year} (the register's year)",
            )
        )
    for fld in ("identified_year", "exit_year", "return_year", "monitor_year"):
        if fld not in ctx.hh:
            continue
        ctx.out[fld], not_year = years(ctx.hh[fld])
        label = HOUSEHOLDS.column(fld)
        ctx.reject(
            not_year,
            lambda h, f=fld, lab=label: f"{lab.zh}「{ctx.hh.at[h, f]}」不是年份",
            lambda h, f=fld, lab=label: f"{lab.en.lower()} {ctx.hh.at[h, f]!r} is not a year",
        )


def _flags(ctx: _Households) -> None:
    """危房户 (是/否 or a grade: C/D dangerous) and water (饮水安全, 饮水困难, 饮水不安全)."""
    labels = {
        "dangerous_house": ("危房户", "dangerous house"),
        "safe_water": ("饮水安全", "safe water"),
        "water_difficulty": ("饮水困难", "water difficulty"),
        "unsafe_water": ("饮水不安全", "unsafe water"),
    }

    def flag(fld: str) -> pd.Series:
        v = ctx.norm(fld)
        res = _yes_no(v)
        if fld == "dangerous_house":
            grade = v.map(_DANGEROUS)
            res = res.where(res.notna(), grade.astype("boolean"))
        # an empty cell records no problem: 否 for 危房户/饮水困难, 是 for 饮水安全
        res[v == ""] = fld == "safe_water"
        lab = labels[fld]
        hint = "应为“是”或“否”" + ("（或 A/B/C/D 级）" if fld == "dangerous_house" else "")
        ctx.reject(
            res.isna(),
            lambda h: f"{lab[0]}「{ctx.hh.at[h, fld]}」{hint}",
            lambda h: (
                f"{lab[1]} {ctx.hh.at[h, fld]!r} should be 是 or 否"
                + (" (or grade A/B/C/D)" if fld == "dangerous_house" else "")
            ),
        )
        return res.fillna(False)

    absent = []
    if "dangerous_house" in ctx.hh:
        ctx.out["dangerous_house"] = flag("dangerous_house")
    else:
        ctx.out["dangerous_house"] = False
        absent.append(("危房户", "dangerous_house"))
    water = [f for f in ("safe_water", "water_difficulty", "unsafe_water") if f in ctx.hh]
    unsafe = pd.Series(False, index=ctx.hh.index)
    for f in water:
        v = flag(f)
        unsafe |= ~v if f == "safe_water" else v
    ctx.out["unsafe_water"] = unsafe
    if "safe_water" in ctx.hh:
        unknown = ctx.hh.index[(ctx.hh["safe_water"] == "").to_numpy()]
        if len(unknown):
            ex, ex_en = _examples(unknown)
            ctx.notes.append(
                (
                    f"{_fmt(len(unknown))} 户的饮水安全为空：未知，按未记录问题处理"
                    f"（不记为饮水不安全）：{ex}",
                    f"{_fmt(len(unknown))} households have no 饮水安全 (safe water) entry: "
                    f"unknown, taken as no problem recorded (not unsafe water): {ex_en}",
                )
            )
    if not water:
        absent.append(("饮水安全", "unsafe_water"))
    if absent:
        ctx.notes.append(
            (
                "文件中没有" + "、".join(z for z, _ in absent) + "列：全部记为“否”",
                "no "
                + ", ".join(z for z, _ in absent)
                + " column in the file: "
                + ", ".join(e for _, e in absent)
                + " set to False for every household",
            )
        )


def _income(ctx: _Households) -> None:
    hh = ctx.hh
    if "income_per_capita" in hh:
        text = hh["income_per_capita"]
        clean = text.str.replace(r"[,，\s元￥¥]", "", regex=True)
        inc = pd.to_numeric(clean, errors="coerce")
        ctx.out["income_per_capita"] = inc
        ctx.reject(
            (text != "") & inc.isna(),
            lambda h: f"人均纯收入「{hh.at[h, 'income_per_capita']}」不是金额",
            lambda h: f"income per person {hh.at[h, 'income_per_capita']!r} is not an amount",
        )
    if "relocation_site" in hh:
        ctx.out["relocation_site"] = hh["relocation_site"].replace("", np.nan)


def _counts(ctx: _Households, people: pd.DataFrame | None) -> None:
    """三保障 and labour counts per household: from the members where the register lists
    them (NA when it has no such column), else as a per-household file gives them."""
    if people is not None:
        counted = member_counts(people, ctx.hh.index)
        for col in counted.columns:
            ctx.out[col] = counted[col]
    for col in _MEMBER_COUNTS:
        if col in ctx.hh and col not in ctx.out:
            text = ctx.hh[col].str.replace(r"(\.0+|人)$", "", regex=True)
            n = pd.to_numeric(text, errors="coerce")
            lab = HOUSEHOLDS.column(col)
            ctx.reject(
                (text != "") & (n.isna() | (n < 0) | (n % 1 != 0)),
                lambda h, c=col, z=lab.zh: f"{z}「{ctx.hh.at[h, c]}」不是人数",
                lambda h, c=col, e=lab.en: f"{e.lower()} {ctx.hh.at[h, c]!r} is not a count",
            )
            ctx.out[col] = n


def _layer_rules(ctx: _Households, unmatched: list[str]) -> None:
    """The layer's own rules on what is left; a missing 贫困户属性 column is one message."""
    ok = ~ctx.out.index.isin(list(ctx.rejected))
    if "category" not in ctx.hh:
        needs = ok & (ctx.out["status"] != "监测").to_numpy()
        if needs.any():
            raise _missing_column(
                f"找不到贫困户属性列，而 {_fmt(int(needs.sum()))} 户不是监测户"
                "（只有监测户可以没有）",
                f"no category column (贫困户属性), and {_fmt(int(needs.sum()))} households are "
                "not monitored (only a 监测 household may lack one)",
                ["category"],
                unmatched,
            )
    cand = ctx.out[ok].reindex(columns=HOUSEHOLDS.names)
    norm = coerce(HOUSEHOLDS, cand.reset_index(drop=True))
    for pr in problems("households", norm):
        if pr.row is None:
            continue
        hid = cand.index[pr.row]
        ctx.rejected.setdefault(hid, []).append(_translate(pr.field, pr.message))


def _reject_households(ctx: _Households, t: pd.DataFrame, rej: _Rejections) -> None:
    """Every source row of a rejected household, with the household's reasons."""
    if not ctx.rejected:
        return
    sub = t.loc[t["household_id"].isin(list(ctx.rejected)), ["household_id", "_row"]]
    rows_of = {hid: list(grp) for hid, grp in sub.groupby("household_id")["_row"]}
    for hid, reasons in ctx.rejected.items():
        rej.add(rows_of[hid], "；".join(z for z, _ in reasons), "; ".join(e for _, e in reasons))
