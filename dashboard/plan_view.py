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
import pandas as pd

from ..geo.crs import to_metric
from ..geo.workspace import Workspace

#: The county e-commerce plans' target share of villages with a station of their own (plan 5
#: of the source: village stations in at least 90 % of administrative villages).
STATION_VILLAGE_TARGET = 0.90


@dataclass(frozen=True)
class OwnStations:
    """Villages with a station of their own today and with the plan (``after`` ⊇ ``today``)."""

    today: frozenset[str]
    after: frozenset[str]
    total: int

    @property
    def added(self) -> int:
        return len(self.after) - len(self.today)


def station_villages(ws: Workspace, stations: gpd.GeoDataFrame, by_id: bool = True) -> set[str]:
    """Codes of the villages that hold one of ``stations`` (columns ``id`` and geometry).

    With ``by_id`` a station's village is the one its facility row names (``village_code``),
    or the village itself when its id is a village code (the optimiser's candidates stand at
    village centres); sites tried on the map (``by_id=False``) and stations naming no village
    belong to the village whose polygon holds them. A station just over a boundary belongs to
    the neighbour: it is not the village's own.
    """
    villages = ws.villages
    if stations.empty or villages.empty:
        return set()
    codes = pd.Series(villages["code"].astype(str).to_numpy())
    known = set(codes)
    named = pd.Series(pd.NA, index=range(len(stations)), dtype="string")
    if by_id:
        ids = pd.Series(stations["id"].astype(str).to_numpy())
        fac = ws["facilities"]
        owner = dict(zip(fac["facility_id"].astype(str), fac["village_code"], strict=True))
        named = ids.map(owner).astype("string")
        named = named.where(named.isin(known))  # a code of no village here names none
        named = named.fillna(ids.where(ids.isin(known)).astype("string"))
    owners = set(named.dropna())
    unnamed = stations[named.isna().to_numpy()]
    if len(unnamed):
        # one metre CRS for both frames: "inside" must not depend on the stored CRS
        metric = to_metric(villages)
        points = gpd.GeoDataFrame(geometry=to_metric(unnamed, metric.crs).geometry.to_numpy())
        points = points.set_crs(metric.crs)
        polygons = gpd.GeoDataFrame({"code": codes}, geometry=metric.geometry.to_numpy())
        inside = gpd.sjoin(points, polygons.set_crs(metric.crs), predicate="within")
        owners |= set(inside["code"])
    return owners & known


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
