"""The second e-commerce coverage figure of the planning pages: villages with a station of their
own, today and with a plan. No widgets.

The planner places stations for reach (a village is covered when a station is within the service
radius); the county e-commerce plans count villages that have a station of their own (target at
least 90 %). Both are shown, each with its definition: a plan can reach every village and still
leave most of them without a station.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd

from ..analysis.station_plan import station_villages
from ..geo.workspace import Workspace


@dataclass(frozen=True)
class OwnStations:
    """Villages with a station of their own today and with the plan (``after`` ⊇ ``today``)."""

    today: frozenset[str]
    after: frozenset[str]
    total: int

    @property
    def added(self) -> int:
        return len(self.after) - len(self.today)


def own_stations(
    ws: Workspace,
    existing: gpd.GeoDataFrame,
    proposed: gpd.GeoDataFrame,
    tried: gpd.GeoDataFrame,
) -> OwnStations:
    """Villages with a station of their own: the ``existing`` network's, and with the plan's
    ``proposed`` (optimiser's candidates, known by id) and ``tried`` (clicked) sites added."""
    today = station_villages(ws, existing)
    after = today | station_villages(ws, proposed) | station_villages(ws, tried, by_id=False)
    return OwnStations(frozenset(today), frozenset(after), len(ws.villages))
