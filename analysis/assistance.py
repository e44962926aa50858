"""帮扶: who helps each household, how often, with what, and with how much money.

The plans ask that every poor or monitored household has a responsible cadre (结对帮扶), is
visited at least twice a year, and has measures that answer its main cause of poverty
(一户一策); that every poor village has a resident team (驻村工作队) and industry projects; and
that households exit by the year planned (脱贫时限). :func:`household_checks` and
:func:`village_checks` say, for one year, which households and villages fall short and why;
:func:`village_money` and :func:`funds_table` give the projects' money (资金公示);
:func:`plan_vs_actual` the planned against the actual exits of each year.

Pure functions over the workspace's frames: no Streamlit, no file IO. A household's status in
a year comes from its register columns (:mod:`.poverty`), so a past year needs no replay.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..geo.rules import Assistance, Rules
from ..geo.schema import CAUSES
from ..geo.workspace import Workspace
from . import poverty

#: What a household can fall short of, in the order lists show them: code → (zh, en).
HOUSEHOLD_FLAGS: dict[str, tuple[str, str]] = {
    "no_cadre": ("无帮扶责任人", "no responsible cadre"),
    "visits_short": ("走访不足", "too few visits"),
    "no_measure": ("措施与致贫原因不符", "no measure for its cause"),
    "behind_plan": ("逾期未脱贫", "behind its planned exit"),
}
#: What a village can fall short of: code → (zh, en).
VILLAGE_FLAGS: dict[str, tuple[str, str]] = {
    "no_team": ("无驻村工作队", "no resident team"),
    "few_projects": ("产业项目不足", "too few industry projects"),
}
_NOT_CANCELLED = "已取消"


@dataclass(frozen=True)
class AssistanceCheck:
    """The 帮扶 check of one year: ``households`` (one row per household checked),
    ``villages`` (one row per village) and township ``totals``."""

    year: int
    households: pd.DataFrame
    villages: pd.DataFrame
    totals: dict

    @property
    def flagged(self) -> pd.DataFrame:
        """The households with at least one flag."""
        return self.households[self.households["flags"].str.len() > 0]


# ----------------------------------------------------------------------------- households
def status_in(households: pd.DataFrame, year: int) -> pd.Series:
    """Each household's 脱贫状态 at the end of ``year`` from its register columns: 未脱贫, 返贫
    (fell back and not exited since), 监测, 已脱贫 (registered, exited by then), or missing
    (not yet identified, or never registered nor monitored)."""
    remaining = poverty.remaining_mask(households, year).to_numpy(dtype=bool)
    returned = poverty.returned_mask(households, year).to_numpy(dtype=bool)
    monitored = poverty.monitored_mask(households, year).to_numpy(dtype=bool)
    exit_y = pd.to_numeric(households["exit_year"], errors="coerce")
    registered = poverty.registered_mask(households).to_numpy(dtype=bool)
    exited = registered & (exit_y <= year).fillna(False).to_numpy(dtype=bool)
    out = np.select(
        [remaining & returned, remaining, monitored, exited],
        ["返贫", "未脱贫", "监测", "已脱贫"],
        default=None,
    )
    return pd.Series(out, index=households.index, dtype=object)


def household_checks(
    households: pd.DataFrame,
    pairings: pd.DataFrame,
    visits: pd.DataFrame,
    measures: pd.DataFrame,
    exit_plans: pd.DataFrame,
    year: int,
    rules: Assistance,
) -> pd.DataFrame:
    """One row per household the rules check in ``year`` (its status then among
    ``rules.statuses``): household_id, village_code, status, size, cause, cadre_id, visits (in
    the year), visits_required, measures (up to the year, not cancelled), measure_types,
    plan_year, and one bool per :data:`HOUSEHOLD_FLAGS` code, with ``flags`` (the codes set)."""
    status = status_in(households, year)
    checked = status.isin(rules.statuses).to_numpy(dtype=bool)
    hh = households.loc[checked, ["household_id", "village_code", "size", "cause"]].copy()
    hh["household_id"] = hh["household_id"].astype(str)
    hh["status"] = status[checked].to_numpy()
    hh = hh.reset_index(drop=True)
    ids = hh["household_id"]

    # through plain object arrays and dicts: a county's Arrow-backed columns grouped with a
    # Python function per household took half a second
    paired = pairings[_year_of(pairings["since_year"]).fillna(0).to_numpy() <= year]
    cadre = dict(
        zip(
            paired["household_id"].astype(str).to_numpy(dtype=object)[::-1],
            paired["cadre_id"].astype(str).to_numpy(dtype=object)[::-1],
            strict=True,
        )
    )  # reversed: the first pairing of a household wins, as drop_duplicates would
    keys = ids.to_numpy(dtype=object)
    hh["cadre_id"] = pd.Series([cadre.get(i) for i in keys], dtype=object)

    in_year = visits["visit_date"].astype("string").str.startswith(str(year)).fillna(False)
    counts = visits.loc[in_year.to_numpy(dtype=bool), "household_id"].astype(str).value_counts()
    counts = dict(zip(counts.index.to_numpy(dtype=object), counts.to_numpy(), strict=True))
    hh["visits"] = np.array([counts.get(i, 0) for i in keys], dtype=int)
    hh["visits_required"] = rules.visits_per_year

    live = measures[
        (_year_of(measures["year"]) <= year).fillna(False).to_numpy(dtype=bool)
        & (measures["status"].astype(str) != _NOT_CANCELLED).to_numpy(dtype=bool)
    ]
    types: dict[str, set[str]] = {}
    for h, t in zip(
        live["household_id"].astype(str).to_numpy(dtype=object),
        live["measure_type"].astype(str).to_numpy(dtype=object),
        strict=True,
    ):
        types.setdefault(h, set()).add(t)
    hh["measure_types"] = [tuple(sorted(types.get(i, ()))) for i in keys]
    hh["measures"] = hh["measure_types"].map(len)

    plans = exit_plans.drop_duplicates("household_id")
    plan = dict(
        zip(
            plans["household_id"].astype(str).to_numpy(dtype=object),
            _year_of(plans["plan_year"]).to_numpy(),
            strict=True,
        )
    )
    hh["plan_year"] = pd.array([plan.get(i) for i in keys], dtype="Int64")

    hh["no_cadre"] = rules.cadre_required & hh["cadre_id"].isna()
    hh["visits_short"] = hh["visits"] < rules.visits_per_year
    hh["no_measure"] = [
        not _answers(cause, found, rules)
        for cause, found in zip(hh["cause"], hh["measure_types"], strict=True)
    ]
    poor = hh["status"].isin(["未脱贫", "返贫"])
    hh["behind_plan"] = (poor & (hh["plan_year"] < year)).fillna(False).astype(bool)
    flags = hh[list(HOUSEHOLD_FLAGS)].to_numpy(dtype=bool)
    names = np.array(list(HOUSEHOLD_FLAGS))
    hh["flags"] = [tuple(names[row]) for row in flags]
    return hh


def _answers(cause: object, found: tuple[str, ...], rules: Assistance) -> bool:
    """True when the measures ``found`` answer ``cause``: one of its types, or any measure
    for a cause the rules do not list (其他, none recorded)."""
    wanted = rules.cause_measures.get(str(cause)) if isinstance(cause, str) else None
    if not wanted:
        return bool(found)
    return any(t in wanted for t in found)


def _year_of(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce")


def flag_text(flags: Iterable[str], lang: str = "zh", labels=None) -> str:
    """The flags as one line (``无帮扶责任人；走访不足``)."""
    labels = labels or {**HOUSEHOLD_FLAGS, **VILLAGE_FLAGS}
    i = 0 if lang == "zh" else 1
    return ("；" if lang == "zh" else "; ").join(labels[f][i] for f in flags)


# ----------------------------------------------------------------------------- villages
def active_teams(teams: pd.DataFrame, year: int) -> pd.DataFrame:
    """The resident teams in a village at some time in ``year``."""
    start = _year_of(teams["start_date"].astype(str).str[:4])
    end = _year_of(teams["end_date"].astype("string").str[:4])
    on = (start <= year) & (end.isna() | (end >= year))
    return teams[on.fillna(False).to_numpy(dtype=bool)]


def village_checks(
    villages: pd.DataFrame,
    checks: pd.DataFrame,
    teams: pd.DataFrame,
    projects: pd.DataFrame,
    year: int,
    rules: Assistance,
) -> pd.DataFrame:
    """One row per village: code, name, poor_village, exited (出列 by ``year``), the counts of
    households checked and flagged (one column per household flag), has_team,
    industry_projects (of ``rules.village_project_types``, up to the year), and one bool per
    :data:`VILLAGE_FLAGS` code with ``flags``."""
    v = pd.DataFrame(
        {
            "code": villages["code"].astype(str).to_numpy(),
            "name": villages["name"].astype(str).to_numpy(),
            "poor_village": villages["poor_village"].fillna(False).astype(bool).to_numpy(),
        }
    )
    exit_y = _year_of(villages["exit_year"]).to_numpy()
    v["exited"] = v["poor_village"] & (exit_y <= year)
    by_village = checks.groupby(checks["village_code"].astype(str))
    v["households_checked"] = v["code"].map(by_village.size()).fillna(0).astype(int)
    for flag in HOUSEHOLD_FLAGS:
        v[flag] = v["code"].map(by_village[flag].sum()).fillna(0).astype(int)
    v["households_flagged"] = v["code"].map(
        by_village["flags"].agg(lambda s: int((s.str.len() > 0).sum()))
    )
    v["households_flagged"] = v["households_flagged"].fillna(0).astype(int)
    teamed = set(active_teams(teams, year)["village_code"].astype(str))
    v["has_team"] = v["code"].isin(teamed)
    upto = projects[(_year_of(projects["year"]) <= year).fillna(False).to_numpy(dtype=bool)]
    industry = upto[upto["project_type"].isin(rules.village_project_types).to_numpy(dtype=bool)]
    counts = industry["village_code"].astype(str).value_counts()
    v["industry_projects"] = v["code"].map(counts).fillna(0).astype(int)
    # exited poor villages keep their team through the transition period (摘帽不摘帮扶)
    v["no_team"] = rules.team_required & v["poor_village"] & ~v["has_team"]
    v["few_projects"] = v["poor_village"] & (v["industry_projects"] < rules.min_village_projects)
    flags = v[list(VILLAGE_FLAGS)].to_numpy(dtype=bool)
    names = np.array(list(VILLAGE_FLAGS))
    v["flags"] = [tuple(names[row]) for row in flags]
    return v


# ----------------------------------------------------------------------------- money
def village_money(
    villages: pd.DataFrame,
    households: pd.DataFrame,
    projects: pd.DataFrame,
    measures: pd.DataFrame,
    year: int,
) -> pd.DataFrame:
    """Per village, up to the end of ``year``: projects, budget_wan, spent_wan (projects, 万元),
    measures_wan (the households' measures, 万元), households_reached and
    poor_households_reached (by projects), exited_households (registered households exited by
    then) and yuan_per_exit (projects' and measures' money per household lifted, 元; missing
    while none has exited)."""
    codes = villages["code"].astype(str)
    upto = projects[(_year_of(projects["year"]) <= year).fillna(False).to_numpy(dtype=bool)]
    by = upto.groupby(upto["village_code"].astype(str))
    out = pd.DataFrame({"code": codes.to_numpy(), "name": villages["name"].astype(str).to_numpy()})
    out["projects"] = out["code"].map(by.size()).fillna(0).astype(int)
    for col, src in (
        ("budget_wan", "budget"),
        ("spent_wan", "spent"),
        ("households_reached", "households"),
        ("poor_households_reached", "poor_households"),
    ):
        sums = by[src].sum(min_count=1) if len(upto) else pd.Series(dtype=float)
        out[col] = out["code"].map(sums).fillna(0)
    for col in ("households_reached", "poor_households_reached"):
        out[col] = out[col].astype(int)
    live = measures[
        (_year_of(measures["year"]) <= year).fillna(False).to_numpy(dtype=bool)
        & (measures["status"].astype(str) != _NOT_CANCELLED).to_numpy(dtype=bool)
    ]
    village_of = households.set_index(households["household_id"].astype(str))["village_code"]
    amounts = pd.to_numeric(live["amount"], errors="coerce").fillna(0).to_numpy()
    where = live["household_id"].astype(str).map(village_of).astype(str).to_numpy()
    by_measure = pd.Series(amounts, index=where).groupby(level=0).sum() / 10_000
    out["measures_wan"] = out["code"].map(by_measure).fillna(0.0)
    exit_y = _year_of(households["exit_year"])
    lifted = poverty.registered_mask(households) & (exit_y <= year).fillna(False)
    exited = households.loc[lifted.to_numpy(dtype=bool), "village_code"].astype(str)
    out["exited_households"] = out["code"].map(exited.value_counts()).fillna(0).astype(int)
    money = (out["spent_wan"] + out["measures_wan"]) * 10_000
    per = money / out["exited_households"].where(out["exited_households"] > 0)
    out["yuan_per_exit"] = per.round(0)
    return out


def funds_table(projects: pd.DataFrame, villages: pd.DataFrame, year: int | None = None):
    """资金公示: one row per project (of ``year``, or every year), by village then project:
    village, project_id, name, project_type, year, budget_wan, spent_wan, spent_share,
    households, poor_households, status. Names of people never appear: projects have none."""
    rows = projects
    if year is not None:
        rows = rows[(_year_of(rows["year"]) == year).fillna(False).to_numpy(dtype=bool)]
    names = villages.set_index(villages["code"].astype(str))["name"].astype(str)
    out = pd.DataFrame(
        {
            "village_code": rows["village_code"].astype(str).to_numpy(),
            "village": rows["village_code"].astype(str).map(names).to_numpy(),
            "project_id": rows["project_id"].astype(str).to_numpy(),
            "name": rows["name"].astype(str).to_numpy(),
            "project_type": rows["project_type"].astype(str).to_numpy(),
            "year": _year_of(rows["year"]).astype("Int64").to_numpy(),
            "budget_wan": pd.to_numeric(rows["budget"], errors="coerce").to_numpy(),
            "spent_wan": pd.to_numeric(rows["spent"], errors="coerce").to_numpy(),
            "households": pd.to_numeric(rows["households"], errors="coerce").to_numpy(),
            "poor_households": pd.to_numeric(rows["poor_households"], errors="coerce").to_numpy(),
            "status": rows["status"].astype(str).to_numpy(),
        }
    )
    budget = out["budget_wan"].where(out["budget_wan"] > 0)
    out["spent_share"] = (out["spent_wan"] / budget).round(4)
    return out.sort_values(["village_code", "year", "project_id"], ignore_index=True)


# ----------------------------------------------------------------------------- plans
def plan_vs_actual(
    households: pd.DataFrame, exit_plans: pd.DataFrame, years: Iterable[int]
) -> pd.DataFrame:
    """Per village and year: planned_households and planned_people (plan year that year),
    exited_households and exited_people (registered households whose exit year it is)."""
    years = list(years)
    hh = households.set_index(households["household_id"].astype(str))
    size = pd.to_numeric(hh["size"], errors="coerce").fillna(0)
    plans = exit_plans.drop_duplicates("household_id")
    plan_ids = plans["household_id"].astype(str)
    known = plan_ids.isin(hh.index).to_numpy(dtype=bool)
    planned = pd.DataFrame(
        {
            "village_code": hh["village_code"].astype(str).reindex(plan_ids[known]).to_numpy(),
            "year": _year_of(plans["plan_year"][known]).to_numpy(),
            "people": size.reindex(plan_ids[known]).to_numpy(),
        }
    )
    registered = poverty.registered_mask(households).to_numpy(dtype=bool)
    done = pd.DataFrame(
        {
            "village_code": households["village_code"].astype(str).to_numpy()[registered],
            "year": _year_of(households["exit_year"]).to_numpy()[registered],
            "people": size.to_numpy()[registered],
        }
    )
    parts = []
    for frame, what in ((planned, "planned"), (done, "exited")):
        frame = frame[frame["year"].isin(years)]
        g = frame.groupby(["village_code", "year"])["people"].agg(["size", "sum"])
        g.columns = [f"{what}_households", f"{what}_people"]
        parts.append(g)
    out = pd.concat(parts, axis=1).fillna(0).astype(int).reset_index()
    out["year"] = out["year"].astype(int)
    return out.sort_values(["year", "village_code"], ignore_index=True)


def village_plan_vs_actual(villages: pd.DataFrame, years: Iterable[int]) -> pd.DataFrame:
    """Per year: poor villages planned to exit (计划出列年度) and those that exited (出列年度)."""
    years = list(years)
    poor = villages[villages["poor_village"].fillna(False).astype(bool).to_numpy()]
    planned = _year_of(poor["planned_exit_year"]).value_counts()
    exited = _year_of(poor["exit_year"]).value_counts()
    return pd.DataFrame(
        {
            "year": years,
            "planned_villages": [int(planned.get(y, 0)) for y in years],
            "exited_villages": [int(exited.get(y, 0)) for y in years],
        }
    )


# ----------------------------------------------------------------------------- the whole check
def assistance_check(ws: Workspace, rules: Rules, year: int) -> AssistanceCheck:
    """The 帮扶 check of ``ws`` in ``year`` under ``rules.assistance``."""
    a = rules.assistance
    if a is None:  # rules built by hand without the section
        from ..geo.rules import default_rules

        a = default_rules().assistance
    hh = household_checks(
        ws.households,
        ws["pairings"],
        ws["visits"],
        ws["measures"],
        ws["exit_plans"],
        year,
        a,
    )
    villages = village_checks(ws.villages, hh, ws["village_teams"], ws["projects"], year, a)
    money = village_money(ws.villages, ws.households, ws["projects"], ws["measures"], year)
    villages = villages.merge(money.drop(columns="name"), on="code", how="left")
    totals = {
        "households_checked": len(hh),
        **{f: int(hh[f].sum()) for f in HOUSEHOLD_FLAGS},
        "households_flagged": int((hh["flags"].str.len() > 0).sum()),
        "poor_villages": int(villages["poor_village"].sum()),
        **{f: int(villages[f].sum()) for f in VILLAGE_FLAGS},
        "projects": int(villages["projects"].sum()),
        "budget_wan": round(float(villages["budget_wan"].sum()), 2),
        "spent_wan": round(float(villages["spent_wan"].sum()), 2),
        "measures_wan": round(float(villages["measures_wan"].sum()), 2),
        "households_reached": int(villages["households_reached"].sum()),
        "exited_households": int(villages["exited_households"].sum()),
    }
    lifted = totals["exited_households"]
    money_yuan = (totals["spent_wan"] + totals["measures_wan"]) * 10_000
    totals["yuan_per_exit"] = round(money_yuan / lifted) if lifted else None
    return AssistanceCheck(year, hh, villages, totals)


def cause_label(code: object, lang: str = "zh") -> str:
    """A cause code as people read it (``01 因病``); ``—`` when none."""
    if not isinstance(code, str) or code not in CAUSES:
        return "—"
    return f"{code} {CAUSES[code][0 if lang == 'zh' else 1]}"
