"""The handful of figures leaders look at first, each with its value a year earlier.

Poor people remaining and incidence, poor villages exited, e-commerce coverage of villages (two
ways: within reach of a station, and with a station of their own), relocation moved-in share
and monitored households: the meeting page's big numbers and the brief's header. Past values
replay the change history, so they are what the office saw then. A station counts in the
coverage figures of a year only when it worked that year (:func:`.station_ops.operating`: not
closed; a suspended one as the rules' ``[stations] suspended_counts`` says).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..geo import history
from ..geo.rules import workspace_station_targets
from ..geo.workspace import Workspace
from . import poverty, station_plan
from .coverage import coverage, village_distances

#: Service distances used for the headline coverage figure (the planner's defaults, metres).
VILLAGE_RADIUS_M, TOWNSHIP_RADIUS_M = 3_000.0, 5_000.0
#: The county e-commerce plans' target share of villages with a station of their own (plan 5
#: of the source: village stations covering at least 90 % of administrative villages).
STATION_VILLAGE_TARGET = 0.90


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


def key_figures(
    ws: Workspace,
    year: int,
    first_year: int | None = None,
    suspended_counts: bool | None = None,
) -> list[Figure]:
    """The headline figures at the end of ``year`` with last year's values beside them.

    In this order: ``poor_people``, ``incidence``, ``poor_villages_exited``,
    ``ecommerce_villages`` (within reach of a station), ``ecommerce_station_villages`` (with a
    station of their own), ``relocation_moved_share``, ``monitored_households``.
    ``suspended_counts``: whether a suspended station still covers (None: the workspace's
    rules say).
    """
    if suspended_counts is None:
        suspended_counts = workspace_station_targets(ws.meta).suspended_counts
    first = (
        poverty.workspace_years(ws.households, ws["indicators"])[0]
        if first_year is None
        else first_year
    )
    now = _at(ws, year, suspended_counts)
    before = _at(ws, year - 1, suspended_counts) if year > first else None

    def fig(key: str, kind: str, total_key: str | None = None) -> Figure:
        total = None if total_key is None else int(now[total_key])
        return Figure(key, kind, now[key], None if before is None else before[key], total)

    return [
        fig("poor_people", "people"),
        fig("incidence", "share"),
        fig("poor_villages_exited", "ratio", "poor_villages"),
        fig("ecommerce_villages", "ratio", "villages"),
        fig("ecommerce_station_villages", "ratio", "villages"),
        fig("relocation_moved_share", "share"),
        fig("monitored_households", "households"),
    ]


def _at(ws: Workspace, year: int, suspended_counts: bool) -> dict[str, float]:
    past = history.state_at(ws, f"{year}-12-31")
    totals = poverty.township_totals(past.villages, past.households, year)
    return {
        **totals,
        "ecommerce_villages": ecommerce_villages_covered(past, year, suspended_counts),
        "ecommerce_station_villages": ecommerce_station_villages(past, year, suspended_counts),
        "relocation_moved_share": relocation_moved_share(past, year),
    }


def ecommerce_villages_covered(ws: Workspace, year: int, suspended_counts: bool = False) -> int:
    """Villages within reach of a station open by ``year`` and working in it: the service-reach
    definition (电商服务覆盖行政村; straight line, village stations 3 km, the township centre
    5 km). A closed station covers nothing; a suspended one only with ``suspended_counts``."""
    return len(villages_reached(ws, year, suspended_counts))


def villages_reached(ws: Workspace, year: int, suspended_counts: bool = False) -> set[str]:
    """The codes of the villages :func:`ecommerce_villages_covered` counts."""
    stations = station_plan.workspace_existing(ws, year, suspended_counts)
    if stations.empty or ws.villages.empty:
        return set()
    radii = station_plan.station_radii(stations, VILLAGE_RADIUS_M, TOWNSHIP_RADIUS_M)
    dist = village_distances(ws.villages, stations)
    cov = coverage(ws.villages, ws.households, stations, radii, year, distances=dist)
    return set(cov.villages.loc[cov.villages["covered"], "code"].astype(str))


def ecommerce_station_villages(ws: Workspace, year: int, suspended_counts: bool = False) -> int:
    """Villages with a station of their own open by ``year`` and working in it (as
    :func:`ecommerce_villages_covered`): the county e-commerce plans' definition
    (行政村电商服务站覆盖率, 电子商务进农村综合示范; target at least 90 %).

    A station (a village station, or the township centre for the unit it stands in) belongs
    to the village its row names (``village_code``) or, when it names none, to the village
    whose polygon holds it. A station near a village but inside its neighbour does not count.
    """
    working = station_plan.workspace_existing(ws, year, suspended_counts)
    return len(station_plan.station_villages(ws, working))


def relocation_moved_share(ws: Workspace, year: int) -> float:
    """Households moved in by ``year`` (relocations table) over the sites' planned households."""
    planned = float(pd.to_numeric(ws["relocation_sites"]["planned_households"]).sum())
    if planned <= 0:
        return 0.0
    rel = ws["relocations"]
    moved = float(rel.loc[pd.to_numeric(rel["year"]) <= year, "households"].sum())
    return min(1.0, moved / planned)
