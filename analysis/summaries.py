"""Plain, JSON-ready figures of a workspace that the command line prints: the summary of a
county, township or village, the exit check and the relocation follow-up. Nothing here reads
files or prints."""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from ..geo import levels
from ..geo.levels import Place
from ..geo.rules import Rules
from ..geo.workspace import Workspace
from . import poverty
from .exit_rules import township_exit_summary
from .relocation import followup_summary, site_followup

#: Per-township figures of a county's summary.
TOWNSHIP_COLUMNS = [
    "code",
    "name",
    "villages",
    "population",
    "registered_households",
    "poor_households",
    "poor_people",
    "incidence",
]

#: Per-village figures of the summary (remaining poor at the chosen year).
VILLAGE_COLUMNS = [
    "code",
    "name",
    "population",
    "registered_households",
    "registered_people",
    "poor_households",
    "poor_people",
    "incidence",
]


def _latest_year(ws: Workspace) -> int:
    return poverty.workspace_years(ws.households, ws["indicators"])[1]


def _plain(record: dict) -> dict:
    """A frame row with numpy scalars as Python ones (``json.dumps`` refuses numpy's)."""
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in record.items()}


def summary_data(
    ws: Workspace, year: int | None, workspace: str, place: Place | None = None
) -> dict[str, Any]:
    """Totals of a place, totals by category, per township (of a county) and per village
    (JSON-ready).

    Parameters
    ----------
    ws
        The workspace, narrowed to ``place`` (``geo.levels.within``).
    year
        Remaining poor at the end of this year; ``None``: the workspace's latest.
    workspace
        Where the workspace was read from, as the output names it.
    place
        The place ``ws`` was narrowed to (default: where it opens, ``geo.levels.home``: its
        township, or the county of several). ``township`` names it too, as it did when a
        workspace held one township.
    """
    if year is None:
        year = _latest_year(ws)
    place = place or levels.home(ws)
    cats = poverty.by_category(ws.households, year)
    villages = poverty.village_figures(ws.villages, ws.households, year)
    out = {
        "place": {"level": place.level, "code": place.code, "name": place.name},
        "trail": [
            {"level": p.level, "code": p.code, "name": p.name} for p in levels.trail(ws, place)
        ],
        "township": {"code": place.code, "name": place.name},
        "workspace": workspace,
        "totals": poverty.township_totals(ws.villages, ws.households, year),
        "by_group": [
            {
                "group": g,
                "households": int(sub["households"].sum()),
                "persons": int(sub["persons"].sum()),
            }
            for g, sub in cats.groupby("group", sort=False)
        ],
        "by_category": [_plain(row) for row in cats.to_dict("records")],
        "villages": [_plain(row) for row in villages[VILLAGE_COLUMNS].to_dict("records")],
    }
    if place.level in (levels.REGION, levels.COUNTY):
        out["townships"] = _township_rows(ws, year)
    return out


def _township_rows(ws: Workspace, year: int) -> list[dict[str, Any]]:
    """Each township's headline figures at ``year``."""
    rows = []
    for town in levels.townships(ws):
        mine = levels.within(ws, town)
        totals = poverty.township_totals(mine.villages, mine.households, year)
        rows.append(
            {"code": town.code, "name": town.name, **{k: totals[k] for k in TOWNSHIP_COLUMNS[2:]}}
        )
    return rows


def exit_check_data(ws: Workspace, rules: Rules, year: int | None) -> dict[str, Any]:
    """``township_exit_summary`` of ``ws`` under ``rules`` at ``year`` (``None``: the latest)."""
    if year is None:
        year = _latest_year(ws)
    return township_exit_summary(
        ws.villages, ws.households, ws["indicators"], year, rules, ws["history"]
    )


def relocation_check_data(ws: Workspace, rules: Rules) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The follow-up frame of ``site_followup`` under ``rules`` and its ``followup_summary``."""
    followup = site_followup(
        ws["relocation_sites"], ws["facilities"], **dataclasses.asdict(rules.relocation)
    )
    return followup, followup_summary(followup)


def assistance_check_data(ws: Workspace, rules: Rules, year: int | None) -> dict[str, Any]:
    """The 帮扶 check of ``ws`` at ``year`` (``None``: the latest) as plain data: the rules
    applied, township totals, every flagged household (cadres by id only) and every village.
    """
    from . import assistance

    if year is None:
        year = _latest_year(ws)
    check = assistance.assistance_check(ws, rules, year)
    a = rules.assistance
    households = [
        {
            "household_id": r["household_id"],
            "village_code": r["village_code"],
            "status": r["status"],
            "cause": r["cause"] if isinstance(r["cause"], str) else None,
            "cadre_id": r["cadre_id"],
            "visits": int(r["visits"]),
            "visits_required": int(r["visits_required"]),
            "measure_types": list(r["measure_types"]),
            "plan_year": None if pd.isna(r["plan_year"]) else int(r["plan_year"]),
            "flags": list(r["flags"]),
            "flags_zh": assistance.flag_text(r["flags"]),
        }
        for r in check.flagged.to_dict("records")
    ]
    cols = ["code", "name", "poor_village", "exited", "households_checked"]
    cols += ["households_flagged", *assistance.HOUSEHOLD_FLAGS, "has_team", "industry_projects"]
    cols += ["projects", "budget_wan", "spent_wan", "measures_wan", "households_reached"]
    cols += ["poor_households_reached", "exited_households", "yuan_per_exit"]
    villages = []
    for r in check.villages.to_dict("records"):
        row = _plain({c: r[c] for c in cols})
        for c in ("budget_wan", "spent_wan", "measures_wan"):
            row[c] = round(float(row[c]), 2)
        row["yuan_per_exit"] = None if pd.isna(r["yuan_per_exit"]) else int(r["yuan_per_exit"])
        row["flags"] = list(r["flags"])
        row["flags_zh"] = assistance.flag_text(r["flags"])
        villages.append(row)
    return {
        "year": year,
        "rules": {
            "statuses": list(a.statuses),
            "visits_per_year": a.visits_per_year,
            "cadre_required": a.cadre_required,
            "team_required": a.team_required,
            "min_village_projects": a.min_village_projects,
            "village_project_types": list(a.village_project_types),
        },
        "totals": check.totals,
        "households": households,
        "villages": villages,
    }


def station_report_data(ws: Workspace, rules: Rules, year: int | None) -> dict[str, Any]:
    """The stations of ``ws`` in ``year`` (``None``: the latest) as plain data: each
    station's status, figures and flags, the totals and the targets they are held to."""
    from . import station_ops

    if year is None:
        year = _latest_year(ws)
    rep = station_ops.report(ws, rules, year)
    stations = []
    for r in rep.stations.to_dict("records"):
        row = {
            k: (None if pd.isna(r[k]) else r[k])
            for k in ("facility_id", "name", "kind", "village_code", "status")
        }
        for col in station_ops.FIGURES:
            v = r[col]
            row[col] = None if pd.isna(v) else (round(float(v), 2) if col in _FLOATS else int(v))
        for col in ("sales_wan_change", "poor_served_change"):
            row[col] = None if pd.isna(r[col]) else round(float(r[col]), 2)
        row["reported"] = bool(r["reported"])
        row["flags"] = list(r["flags"])
        row["flags_zh"] = station_ops.flag_text(r["flags"])
        stations.append(row)
    return {"year": year, "totals": rep.totals, "targets": rep.targets, "stations": stations}


_FLOATS = ("sales_wan", "income_gain")
