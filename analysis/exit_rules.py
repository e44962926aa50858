"""Village exit (贫困村出列) and household exit (脱贫) checked against the exit rules.

Pure functions over the workspace frames and a :class:`~township_atlas.geo.rules.Rules`: no
Streamlit, no file IO. A village meets the rules at the end of year ``Y`` when its poverty
incidence is strictly below ``village_exit.max_incidence`` and the indicator row in force at
``Y`` meets every required indicator and count; a household meets them when every enabled check
of ``household_exit`` passes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import pandas as pd

from ..geo.rules import Rules, VillageExit
from ..geo.schema import INDICATOR_FLAGS, INDICATOR_UNMET, LAYERS, VILLAGE_STATUS_LABELS
from .gaps import indicators_at
from .poverty import registered_mask, remaining_mask, township_totals, village_figures

#: The value of a criterion whose data is missing.
NO_DATA = "no data"
VILLAGE_STATUSES = tuple(VILLAGE_STATUS_LABELS)

_COUNTS = ("dangerous_houses", "unsafe_water_households", "collective_income")


def _label(name: str) -> tuple[str, str]:
    """The indicator column's zh label and en label (first letter lower case)."""
    col = LAYERS["indicators"].column(name)
    return col.zh, col.en[0].lower() + col.en[1:]


@dataclass(frozen=True)
class Criterion:
    """One exit criterion of a village: its value (``NO_DATA`` when missing) and threshold.

    ``criterion`` is ``incidence``, an indicator flag, ``dangerous_houses``,
    ``unsafe_water_households`` or ``collective_income``; the texts state value and threshold.
    """

    criterion: str
    value: float | int | bool | str
    threshold: float | int | bool
    met: bool
    text_zh: str
    text_en: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: criterion, value, threshold, text_zh, text_en."""
        return {
            "criterion": self.criterion,
            "value": self.value,
            "threshold": self.threshold,
            "text_zh": self.text_zh,
            "text_en": self.text_en,
        }


# ----------------------------------------------------------------------------- incidence
def people_to_exit(poor_people: int, population: int, max_incidence: float) -> int:
    """The fewest remaining poor people who must exit for incidence to be strictly below
    ``max_incidence`` (0 when it already is; all of them when the population is unknown).

    Exact arithmetic: 10 poor of 500 is exactly 2%, which is not below 2%, so 1 must exit.
    """
    if poor_people <= 0:
        return 0
    if population <= 0:  # no population: only "no poor people left" is sure to pass
        return poor_people
    # remaining poor must be strictly fewer than `limit`; Fraction("0.02") is exactly 1/50
    limit = Fraction(repr(max_incidence)) * population
    if poor_people < limit:
        return 0
    return min(poor_people, math.floor(poor_people - limit) + 1)


def _n(count: int, noun: str) -> str:
    """``count`` and ``noun``, plural unless the count is one: "1 household", "2 households"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _pct(share: float) -> str:
    return f"{share * 100:g}%"


def _incidence(poor: int, population: int, incidence: float, t: float) -> tuple[Criterion, int]:
    need = people_to_exit(poor, population, t)
    if poor > 0 and population <= 0:
        zh, en = "户籍人口未填写，无法计算贫困发生率", "population not filled in: incidence unknown"
        return Criterion("incidence", NO_DATA, t, False, zh, en), need
    zh = f"贫困发生率 {incidence:.2%} ≥ {_pct(t)}"
    en = f"poverty incidence {incidence:.2%} ≥ {_pct(t)}"
    return Criterion("incidence", float(incidence), t, need == 0, zh, en), need


# ----------------------------------------------------------------------------- indicators
def _indicator_criteria(code: str, row: dict | None, ve: VillageExit) -> list[Criterion]:
    """The indicator criteria of one village from its row in force (``None``: no row)."""
    out = []
    for flag in INDICATOR_FLAGS:
        if not ve.requires(flag, code):
            continue
        value = None if row is None else row.get(flag)
        if value is None or pd.isna(value):
            out.append(_no_data(flag, True))
        else:
            zh, en = INDICATOR_UNMET[flag]
            out.append(Criterion(flag, bool(value), True, bool(value), zh, en))
    limits = {
        "dangerous_houses": ve.max_dangerous_houses,
        "unsafe_water_households": ve.max_unsafe_water_households,
        "collective_income": ve.min_collective_income,
    }
    for name in _COUNTS:
        value, t = (None if row is None else row.get(name)), limits[name]
        if value is None or pd.isna(value):
            out.append(_no_data(name, t))
        elif name == "dangerous_houses":
            v = int(value)
            zh, en = f"危房 {v} 户 > {t} 户", f"{_n(v, 'dangerous house')} > {t}"
            out.append(Criterion(name, v, t, v <= t, zh, en))
        elif name == "unsafe_water_households":
            v = int(value)
            zh = f"饮水不安全 {v} 户 > {t} 户"
            en = f"{_n(v, 'household')} without safe water > {t}"
            out.append(Criterion(name, v, t, v <= t, zh, en))
        else:
            v = float(value)
            zh = f"村集体经济收入 {v:g} 万元 < {t:g} 万元"
            en = f"collective income {v * 1e4:,.0f} yuan < {t * 1e4:,.0f} yuan"
            out.append(Criterion(name, v, t, v >= t, zh, en))
    return out


def _no_data(name: str, threshold: float | int | bool) -> Criterion:
    zh, en = _label(name)
    return Criterion(
        name, NO_DATA, threshold, False, f"{zh}：无指标数据", f"{en}: no indicator data"
    )


# ----------------------------------------------------------------------------- what must change
def _gap(unmet: list[Criterion], need: int, has_row: bool) -> tuple[str, str]:
    """What must change for the village to meet the rules, zh and en ("" when nothing)."""
    zh: list[str] = []
    en: list[str] = []
    flags = [c.criterion for c in unmet if c.criterion in INDICATOR_FLAGS and c.value != NO_DATA]
    missing = [c.criterion for c in unmet if c.criterion != "incidence" and c.value == NO_DATA]
    for c in unmet:
        if c.criterion == "incidence" and c.value == NO_DATA:
            zh.append("填写户籍人口")
            en.append("fill in the population")
        elif c.criterion == "incidence":
            people = "person" if need == 1 else "people"  # irregular plural
            zh.append(f"贫困发生率 {c.value:.2%} → 低于 {_pct(c.threshold)}：还需 {need} 人脱贫")
            en.append(
                f"incidence {c.value:.2%} → below {_pct(c.threshold)}: "
                f"{need} more {people} must exit"
            )
    if flags:
        zh.append("需补齐：" + "、".join(_label(f)[0] for f in flags))
        en.append("needed: " + ", ".join(_label(f)[1] for f in flags))
    for c in unmet:
        if c.value == NO_DATA:
            continue
        if c.criterion == "dangerous_houses":
            n = c.value - c.threshold
            zh.append(f"{n} 户危房需改造")
            en.append(f"{_n(n, 'dangerous house')} to renovate")
        elif c.criterion == "unsafe_water_households":
            n = c.value - c.threshold
            zh.append(f"{n} 户需解决安全饮水")
            en.append(f"{_n(n, 'household')} to get safe water")
        elif c.criterion == "collective_income":
            d = round(c.threshold - c.value, 4)
            zh.append(f"村集体经济收入需增加 {d:g} 万元")
            en.append(f"collective income up by {d * 1e4:,.0f} yuan")
    if missing and not has_row:
        zh.append("无指标数据：需补录村级指标")
        en.append("no indicator data: enter the village's indicators")
    elif missing:
        zh.append("补录：" + "、".join(_label(m)[0] for m in missing))
        en.append("enter: " + ", ".join(_label(m)[1] for m in missing))
    return "；".join(zh), "; ".join(en)


# ----------------------------------------------------------------------------- villages
def village_status(
    villages: pd.DataFrame,
    households: pd.DataFrame,
    indicators: pd.DataFrame,
    year: int,
    rules: Rules,
) -> pd.DataFrame:
    """Each village's exit status and what it lacks at the end of ``year``.

    Returns
    -------
    pandas.DataFrame
        One row per village, in the villages' order: code, name, poor_village, exit_year,
        status (one of ``VILLAGE_STATUSES``; ``exited_failing``: exited in or before ``year``
        but failing a rule now), meets_rules, population, poor_households, poor_people,
        incidence, people_to_exit, indicators_year (of the indicator row used, or NA),
        unmet (tuple of :class:`Criterion`), gap_to_exit_zh, gap_to_exit_en. Non-poor villages
        are checked too.
    """
    ve = rules.village_exit
    figs = village_figures(villages, households, year)
    rows = indicators_at(indicators, year)
    by_code = {str(r["village_code"]): r for r in rows.to_dict("records")}
    poor_flags = villages["poor_village"].astype("boolean").fillna(False)
    records = []
    for fig, poor, exit_year in zip(
        figs.to_dict("records"), poor_flags, villages["exit_year"], strict=True
    ):
        code = fig["code"]
        row = by_code.get(code)
        poor_people, population = int(fig["poor_people"]), int(fig["population"])
        inc, need = _incidence(poor_people, population, float(fig["incidence"]), ve.max_incidence)
        unmet = [c for c in [inc, *_indicator_criteria(code, row, ve)] if not c.met]
        exit_year = None if pd.isna(exit_year) else int(exit_year)
        if not poor:
            status = "not_poor_village"
        elif exit_year is None or exit_year > year:
            status = "poor_not_exited"
        else:
            status = "exited_failing" if unmet else "exited"
        gap_zh, gap_en = _gap(unmet, need, row is not None)
        records.append(
            {
                "code": code,
                "name": fig["name"],
                "poor_village": bool(poor),
                "exit_year": exit_year,
                "status": status,
                "meets_rules": not unmet,
                "population": population,
                "poor_households": int(fig["poor_households"]),
                "poor_people": poor_people,
                "incidence": float(fig["incidence"]),
                "people_to_exit": need,
                "indicators_year": None if row is None else int(row["year"]),
                "unmet": tuple(unmet),
                "gap_to_exit_zh": gap_zh,
                "gap_to_exit_en": gap_en,
            }
        )
    out = pd.DataFrame.from_records(records, columns=_VILLAGE_COLUMNS)
    out["exit_year"] = out["exit_year"].astype("Int64")
    out["indicators_year"] = out["indicators_year"].astype("Int64")
    return out


def village_criteria(
    villages: pd.DataFrame,
    households: pd.DataFrame,
    indicators: pd.DataFrame,
    year: int,
    rules: Rules,
    code: str,
) -> list[Criterion]:
    """Every exit criterion of the village ``code`` at ``year``, met or not (its scorecard):
    incidence first, then the required indicators and the counts, in the rules' order."""
    ve = rules.village_exit
    hit = villages["code"].astype(str) == str(code)
    if not hit.any():
        raise KeyError(f"no village {code}")
    fig = village_figures(villages[hit], households, year).iloc[0]
    rows = indicators_at(indicators[indicators["village_code"] == str(code)], year)
    row = rows.to_dict("records")[0] if len(rows) else None
    inc, _ = _incidence(
        int(fig["poor_people"]), int(fig["population"]), float(fig["incidence"]), ve.max_incidence
    )
    return [inc, *_indicator_criteria(str(code), row, ve)]


_VILLAGE_COLUMNS = [
    "code",
    "name",
    "poor_village",
    "exit_year",
    "status",
    "meets_rules",
    "population",
    "poor_households",
    "poor_people",
    "incidence",
    "people_to_exit",
    "indicators_year",
    "unmet",
    "gap_to_exit_zh",
    "gap_to_exit_en",
]


# ----------------------------------------------------------------------------- households
#: The household checks of ``[household_exit]``, in the order they are shown: check -> the
#: rules switch that enables it.
HOUSEHOLD_CHECKS = {
    "income": "income_above_line",
    "house": "safe_house",
    "water": "safe_water",
    "education": "compulsory_education",
    "insurance": "medical_insurance",
}
#: Checks whose missing record means "not recorded" (judged on the rest, with a note) rather
#: than a failure: the 三保障 counts come from the register's person rows, which older
#: workspaces do not have.
NOT_RECORDED_IS_UNCHECKED = ("education", "insurance")
_INCOME_FIELD = "income_per_capita"


def _counts(reg: pd.DataFrame, column: str) -> pd.Series:
    """A count column as floats (NaN when missing, or when the column is absent)."""
    if column not in reg.columns:
        return pd.Series(float("nan"), index=reg.index)
    return pd.to_numeric(reg[column], errors="coerce").astype(float)


def _income_at_year_end(
    reg: pd.DataFrame, history: pd.DataFrame | None, years: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """Each household's income per person at the end of ``years`` (one year per household) as
    the change history has it, and whether the history had it.

    The income at the end of year J is the old value of the first income change effective after
    J; with no such change, the register's income, when an income change is recorded at or
    before J. Without any recorded income change (or when the first later change created the
    record), the history does not know the income of that year.
    """
    income = pd.to_numeric(reg[_INCOME_FIELD], errors="coerce").astype(float)
    known = pd.Series(False, index=reg.index)
    if history is None or history.empty:
        return income, known
    rows = history[(history["layer"] == "households") & (history["field"] == _INCOME_FIELD)]
    if rows.empty:
        return income, known
    by_key = {k: g for k, g in rows.groupby(rows["record_key"].astype(str), sort=False)}
    out = income.copy()
    for i, key in reg["household_id"].astype(str).items():
        mine = by_key.get(key)
        year = years.at[i]
        if mine is None or pd.isna(year):
            continue
        end = f"{int(year)}-12-31"
        later = mine[mine["changed_at"].astype(str) > end]
        if later.empty:
            out.at[i], known.at[i] = income.at[i], True
            continue
        first = later.sort_values("changed_at", kind="stable").iloc[0]
        old = pd.to_numeric(pd.Series([first["old_value"]]), errors="coerce").iloc[0]
        if pd.notna(old):  # a missing old value: the record did not exist yet
            out.at[i], known.at[i] = float(old), True
    return out, known


def household_checks(
    households: pd.DataFrame,
    year: int,
    rules: Rules,
    history: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The household exit checks (脱贫标准: income above the line, 两不愁三保障) of every
    registered household at ``year``.

    Income must be strictly above the poverty line; a missing income, or a missing house or
    water record, counts as not ok. Compulsory education (no member of school age out of
    school, ``out_of_school == 0``) and basic medical insurance (``no_medical_insurance == 0``)
    are checked where recorded; a missing record is *not recorded*: the household is judged on
    the rest and its notes say what was not checked.

    A household that has exited by ``year`` is judged on the income of its exit year against
    that year's line where ``history`` (the workspace's ``history`` layer) records its income;
    otherwise, and for households still poor, on the register's income (today's) against
    ``year``'s line. Housing, water, school and insurance are the register's (today's).

    Returns
    -------
    pandas.DataFrame
        One row per registered household, in the register's order: household_id,
        village_code, size, status, remaining (poor at the end of ``year``), line (yuan, of
        ``income_year``), income_year (the year whose income is judged), income_from_history
        (that year's income came from the history, not the register), income_per_capita,
        income_ok, house_ok, water_ok, education_ok, insurance_ok (nullable: NA when not
        recorded), meets (every enabled check passes; unrecorded ones are not counted),
        exited_but_failing (status 已脱贫, exited by ``year``, and not meeting the checks),
        ready_to_exit (remaining and meeting them), reasons_zh, reasons_en (why it does not
        meet them; "" when it does), notes_zh, notes_en (enabled checks not recorded, so not
        checked; "" when none), monitoring_line (yuan of ``year``'s 防返贫 monitoring line, NaN
        before it) and below_monitoring_line (the register's income at or below it: at risk).
    """
    he = rules.household_exit
    reg = households[registered_mask(households)].reset_index(drop=True)
    remaining = remaining_mask(reg, year)
    exited = (reg["status"] == "已脱贫").fillna(False).astype(bool) & ~remaining
    exited &= (reg["exit_year"].fillna(9999) <= year).astype(bool)
    exit_years = pd.to_numeric(reg["exit_year"], errors="coerce")
    judged_years = exit_years.where(exited, float("nan"))
    income, known = _income_at_year_end(reg, history, judged_years)
    income_year = pd.Series(int(year), index=reg.index)
    income_year[known] = judged_years[known].astype(int)
    line = income_year.map(lambda y: float(rules.poverty_line_for(int(y)))).astype(float)
    income_ok = income.notna() & (income > line)
    # an unknown housing or water record is not evidence of safety
    dangerous = reg["dangerous_house"].astype("boolean").fillna(True).astype(bool)
    unsafe = reg["unsafe_water"].astype("boolean").fillna(True).astype(bool)
    out_of_school = _counts(reg, "out_of_school")
    uninsured = _counts(reg, "no_medical_insurance")
    education_ok = (out_of_school == 0).astype("boolean").mask(out_of_school.isna())
    insurance_ok = (uninsured == 0).astype("boolean").mask(uninsured.isna())
    oks = {
        "income": income_ok,
        "house": ~dangerous,
        "water": ~unsafe,
        "education": education_ok.fillna(True).astype(bool),
        "insurance": insurance_ok.fillna(True).astype(bool),
    }
    meets = pd.Series(True, index=reg.index)
    for name, switch in HOUSEHOLD_CHECKS.items():
        if getattr(he, switch):
            meets &= oks[name]
    m_line = rules.monitoring_line_for(year)
    current = pd.to_numeric(reg[_INCOME_FIELD], errors="coerce").astype(float)
    below = (current <= m_line) if m_line is not None else pd.Series(False, index=reg.index)
    below = below.astype("boolean").mask(current.isna() | (m_line is None))
    reasons = [
        _household_reasons(
            he,
            income.at[i],
            line.at[i],
            int(income_year.at[i]) if income_year.at[i] != year else None,
            reg.at[i, "dangerous_house"],
            reg.at[i, "unsafe_water"],
            out_of_school.at[i],
            uninsured.at[i],
        )
        for i in reg.index
    ]
    notes = [_household_notes(he, out_of_school.at[i], uninsured.at[i]) for i in reg.index]
    return pd.DataFrame(
        {
            "household_id": reg["household_id"].astype(str),
            "village_code": reg["village_code"].astype(str),
            "size": reg["size"].astype(int),
            "status": reg["status"].astype(str),
            "remaining": remaining.to_numpy(),
            "line": line.to_numpy(),
            "income_year": income_year.to_numpy(),
            "income_from_history": known.to_numpy(),
            "income_per_capita": income.to_numpy(),
            "income_ok": income_ok.to_numpy(),
            "house_ok": (~dangerous).to_numpy(),
            "water_ok": (~unsafe).to_numpy(),
            "education_ok": education_ok.to_numpy(),
            "insurance_ok": insurance_ok.to_numpy(),
            "meets": meets.to_numpy(),
            "exited_but_failing": (exited & ~meets).to_numpy(),
            "ready_to_exit": (remaining & meets).to_numpy(),
            "reasons_zh": [zh for zh, _ in reasons],
            "reasons_en": [en for _, en in reasons],
            "notes_zh": [zh for zh, _ in notes],
            "notes_en": [en for _, en in notes],
            "monitoring_line": float("nan") if m_line is None else float(m_line),
            "below_monitoring_line": below.to_numpy(),
        }
    )


def _household_reasons(
    he, income: float, line: float, income_year, dangerous, unsafe, out_of_school, uninsured
) -> tuple[str, str]:
    zh: list[str] = []
    en: list[str] = []
    when_zh = f"{income_year} 年" if income_year else ""
    when_en = f"{income_year} " if income_year else ""
    if he.income_above_line and pd.isna(income):
        zh.append(f"{when_zh}人均纯收入未填写")
        en.append(f"{when_en}income per person not filled in")
    elif he.income_above_line and income <= line:
        zh.append(f"{when_zh}人均纯收入 {income:,.0f} 元 ≤ 扶贫标准 {line:,.0f} 元")
        en.append(f"{when_en}income per person {income:,.0f} yuan ≤ poverty line {line:,.0f} yuan")
    if he.safe_house and (pd.isna(dangerous) or dangerous):
        zh.append("危房情况未填写" if pd.isna(dangerous) else "住房为危房")
        en.append("housing not recorded" if pd.isna(dangerous) else "dangerous house")
    if he.safe_water and (pd.isna(unsafe) or unsafe):
        zh.append("饮水情况未填写" if pd.isna(unsafe) else "饮水不安全")
        en.append("drinking water not recorded" if pd.isna(unsafe) else "no safe drinking water")
    if he.compulsory_education and pd.notna(out_of_school) and out_of_school > 0:
        n = int(out_of_school)
        zh.append(f"义务教育阶段失学辍学 {n} 人")
        child = "child" if n == 1 else "children"
        en.append(f"{n} {child} of compulsory-school age out of school")
    if he.medical_insurance and pd.notna(uninsured) and uninsured > 0:
        n = int(uninsured)
        zh.append(f"未参加基本医疗保险 {n} 人")
        en.append(f"{n} {'member' if n == 1 else 'members'} without basic medical insurance")
    return "；".join(zh), "; ".join(en)


def _household_notes(he, out_of_school, uninsured) -> tuple[str, str]:
    """The enabled checks a household has no record for: judged on the rest."""
    zh: list[str] = []
    en: list[str] = []
    if he.compulsory_education and pd.isna(out_of_school):
        zh.append("义务教育（失学辍学）未登记，未核查")
        en.append("compulsory education (out of school) not recorded: not checked")
    if he.medical_insurance and pd.isna(uninsured):
        zh.append("基本医疗保险参保未登记，未核查")
        en.append("basic medical insurance not recorded: not checked")
    return "；".join(zh), "; ".join(en)


def household_scorecard(
    households: pd.DataFrame,
    household_id: str,
    year: int,
    rules: Rules,
    history: pd.DataFrame | None = None,
) -> list[dict[str, Any]]:
    """Each household exit check of one registered household at ``year`` (its scorecard), in
    :data:`HOUSEHOLD_CHECKS` order: ``check``, ``enabled`` (switched on in the rules), ``ok``
    (True, False, or None when not recorded), ``value_zh`` and ``value_en`` (what the register
    says). Empty for a household not on the register."""
    one = households[households["household_id"].astype(str) == str(household_id)]
    checks = household_checks(one, year, rules, history)
    if checks.empty:
        return []
    c = checks.iloc[0]
    he = rules.household_exit
    income, line, when = c["income_per_capita"], c["line"], int(c["income_year"])
    line_year = max([y for y in rules.poverty_line if y <= when] or [min(rules.poverty_line)])
    if pd.isna(income):
        income_zh, income_en = "未填写", "not filled in"
    elif c["income_from_history"]:  # the exit year's income, from the change history
        income_zh = f"{when} 年 {income:,.0f} 元 / 当年扶贫标准 {line:,.0f} 元"
        income_en = f"{income:,.0f} yuan in {when} / that year's line {line:,.0f} yuan"
    else:  # the register's income (of no known year)
        income_zh = f"登记 {income:,.0f} 元 / {line_year} 年扶贫标准 {line:,.0f} 元"
        income_en = f"register: {income:,.0f} yuan / {line_year} poverty line {line:,.0f} yuan"

    def count(column: str) -> tuple[str, str]:
        n = _counts(one.reset_index(drop=True), column).iloc[0]
        return ("未登记", "not recorded") if pd.isna(n) else (f"{int(n)} 人", f"{int(n)}")

    def flag(ok: bool, zh: tuple[str, str], en: tuple[str, str]) -> tuple[str, str]:
        return (zh[0], en[0]) if ok else (zh[1], en[1])

    values = {
        "income": (income_zh, income_en),
        "house": flag(
            bool(c["house_ok"]),
            ("非危房", "住房为危房或未填写"),
            ("safe", "dangerous or not recorded"),
        ),
        "water": flag(
            bool(c["water_ok"]),
            ("饮水安全", "饮水不安全或未填写"),
            ("safe", "unsafe or not recorded"),
        ),
        "education": count("out_of_school"),
        "insurance": count("no_medical_insurance"),
    }
    oks = {
        "income": bool(c["income_ok"]),
        "house": bool(c["house_ok"]),
        "water": bool(c["water_ok"]),
        "education": None if pd.isna(c["education_ok"]) else bool(c["education_ok"]),
        "insurance": None if pd.isna(c["insurance_ok"]) else bool(c["insurance_ok"]),
    }
    return [
        {
            "check": name,
            "enabled": bool(getattr(he, switch)),
            "ok": oks[name],
            "value_zh": values[name][0],
            "value_en": values[name][1],
        }
        for name, switch in HOUSEHOLD_CHECKS.items()
    ]


# ----------------------------------------------------------------------------- summary
def township_exit_summary(
    villages: pd.DataFrame,
    households: pd.DataFrame,
    indicators: pd.DataFrame,
    year: int,
    rules: Rules,
    history: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The township's exit check at ``year``, JSON-ready (plain ints, floats, strs, None).

    Keys: ``year``; ``poverty_line`` (yuan, the line in force); ``max_incidence``;
    ``population``, ``poor_households``, ``poor_people``, ``incidence`` (remaining poor, as
    :func:`~township_atlas.analysis.poverty.township_totals`); ``villages_total``;
    ``poor_villages``; ``poor_villages_exited`` (exit year at or before ``year``, failing or
    not); ``exited_failing`` (exited poor villages failing a rule now); ``ready_to_exit``
    (poor villages not exited that meet the rules); ``households_exited_failing`` and
    ``households_ready_to_exit`` (from :func:`household_checks`, which reads ``history`` for
    the income of past exits); ``households_not_recorded`` (``{"education": n,
    "medical_insurance": n}``: registered households whose 三保障 record is missing, so that
    check was not made; 0 when the check is switched off); ``monitoring_line`` (yuan, the
    防返贫 monitoring line of ``year``; None before 2021 or when not set) and
    ``households_below_monitoring_line`` (exited registered households whose income is at or
    below it; None without a line); and ``villages``: per
    village, in the villages' order, ``code``, ``name``, ``poor_village``, ``exit_year``
    (int or None), ``status``, ``meets_rules``, ``population``, ``poor_people``,
    ``incidence``, ``people_to_exit``, ``indicators_year`` (int or None), ``unmet`` (a list of
    ``{criterion, value, threshold, text_zh, text_en}``; ``value`` is ``"no data"`` when
    missing), ``gap_to_exit_zh``, ``gap_to_exit_en``.
    """
    status = village_status(villages, households, indicators, year, rules)
    checks = household_checks(households, year, rules, history)
    totals = township_totals(villages, households, year)
    counts = status["status"].value_counts()
    ready = (status["status"] == "poor_not_exited") & status["meets_rules"]
    he, m_line = rules.household_exit, rules.monitoring_line_for(year)
    exited_now = ~checks["remaining"] & (checks["status"] == "已脱贫")
    return {
        "year": int(year),
        "poverty_line": float(rules.poverty_line_for(year)),
        "max_incidence": float(rules.village_exit.max_incidence),
        "population": totals["population"],
        "poor_households": totals["poor_households"],
        "poor_people": totals["poor_people"],
        "incidence": float(totals["incidence"]),
        "villages_total": len(status),
        "poor_villages": int(status["poor_village"].sum()),
        "poor_villages_exited": int(counts.get("exited", 0) + counts.get("exited_failing", 0)),
        "exited_failing": int(counts.get("exited_failing", 0)),
        "ready_to_exit": int(ready.sum()),
        "households_exited_failing": int(checks["exited_but_failing"].sum()),
        "households_ready_to_exit": int(checks["ready_to_exit"].sum()),
        "households_not_recorded": {
            "education": int(checks["education_ok"].isna().sum()) if he.compulsory_education else 0,
            "medical_insurance": int(checks["insurance_ok"].isna().sum())
            if he.medical_insurance
            else 0,
        },
        "monitoring_line": None if m_line is None else float(m_line),
        "households_below_monitoring_line": None
        if m_line is None
        else int((checks["below_monitoring_line"].fillna(False) & exited_now).sum()),
        "villages": [_village_entry(r) for r in status.to_dict("records")],
    }


def _village_entry(r: dict) -> dict[str, Any]:
    def maybe_int(v) -> int | None:
        return None if pd.isna(v) else int(v)

    return {
        "code": r["code"],
        "name": str(r["name"]),
        "poor_village": bool(r["poor_village"]),
        "exit_year": maybe_int(r["exit_year"]),
        "status": r["status"],
        "meets_rules": bool(r["meets_rules"]),
        "population": int(r["population"]),
        "poor_people": int(r["poor_people"]),
        "incidence": float(r["incidence"]),
        "people_to_exit": int(r["people_to_exit"]),
        "indicators_year": maybe_int(r["indicators_year"]),
        "unmet": [c.as_dict() for c in r["unmet"]],
        "gap_to_exit_zh": r["gap_to_exit_zh"],
        "gap_to_exit_en": r["gap_to_exit_en"],
    }
