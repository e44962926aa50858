"""The handful of figures leaders look at first, each with its value a year earlier.

Poor people remaining and incidence, poor villages exited, e-commerce coverage of villages,
relocation moved-in share and monitored households: the meeting page's big numbers and the
brief's header. Past values replay the change history, so they are what the office saw then.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..geo.workspace import Workspace
from . import history, poverty, station_plan
from .coverage import coverage, village_distances

#: Service distances used for the headline coverage figure (the planner's defaults, metres).
VILLAGE_RADIUS_M, TOWNSHIP_RADIUS_M = 3_000.0, 5_000.0


@dataclass(frozen=True)
class Figure:
    """One headline figure: ``value`` at the year, ``before`` at the year before (``None`` in
    the register's first year). ``kind`` says how to show it: people, households, share,
    or ratio (``value`` of ``total``)."""

    key: str
    kind: str
    value: float
    before: float | None
    total: int | None = None

    @property
    def change(self) -> float | None:
        return None if self.before is None else self.value - self.before


def key_figures(ws: Workspace, year: int, first_year: int | None = None) -> list[Figure]:
    """The headline figures at the end of ``year`` with last year's values beside them."""
    first = (
        poverty.workspace_years(ws.households, ws["indicators"])[0]
        if first_year is None
        else first_year
    )
    now = _at(ws, year)
    before = _at(ws, year - 1) if year > first else None

    def fig(key: str, kind: str, total_key: str | None = None) -> Figure:
        total = None if total_key is None else int(now[total_key])
        return Figure(key, kind, now[key], None if before is None else before[key], total)

    return [
        fig("poor_people", "people"),
        fig("incidence", "share"),
        fig("poor_villages_exited", "ratio", "poor_villages"),
        fig("ecommerce_villages", "ratio", "villages"),
        fig("relocation_moved_share", "share"),
        fig("monitored_households", "households"),
    ]


def _at(ws: Workspace, year: int) -> dict[str, float]:
    past = history.state_at(ws, f"{year}-12-31")
    totals = poverty.township_totals(past.villages, past.households, year)
    return {
        **totals,
        "ecommerce_villages": ecommerce_villages_covered(past, year),
        "relocation_moved_share": relocation_moved_share(past, year),
    }


def ecommerce_villages_covered(ws: Workspace, year: int) -> int:
    """Villages within reach of a station open by ``year`` (straight line; village stations
    3 km, the township centre 5 km)."""
    stations = station_plan.workspace_existing(ws)
    opened = ws["facilities"].set_index("facility_id")["opened_year"]
    when = pd.to_numeric(stations["id"].map(opened), errors="coerce")
    stations = stations[when.isna().to_numpy() | (when <= year).to_numpy()]
    if stations.empty:
        return 0
    radii = station_plan.station_radii(stations, VILLAGE_RADIUS_M, TOWNSHIP_RADIUS_M)
    dist = village_distances(ws.villages, stations)
    return coverage(
        ws.villages, ws.households, stations, radii, year, distances=dist
    ).villages_covered


def relocation_moved_share(ws: Workspace, year: int) -> float:
    """Households moved in by ``year`` (relocations table) over the sites' planned households."""
    planned = float(pd.to_numeric(ws["relocation_sites"]["planned_households"]).sum())
    if planned <= 0:
        return 0.0
    rel = ws["relocations"]
    moved = float(rel.loc[pd.to_numeric(rel["year"]) <= year, "households"].sum())
    return min(1.0, moved / planned)
