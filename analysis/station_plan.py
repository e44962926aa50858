"""Plan new e-commerce stations for a township: demand, candidates and existing stations from a
workspace (or from the planner's own point layers), distances straight or by road, then the
placement model of :mod:`township_atlas.analysis.placement`."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from ..geo.crs import to_metric
from ..geo.workspace import Workspace
from . import poverty
from .coverage import (
    DEFAULT_UNPAVED_FACTOR,
    Coverage,
    coverage,
    distance_matrix,
    village_centres,
    village_distances,
)
from .placement import CoverageProblem, PlacementResult

WEIGHTS = ("poor_people", "poor_households", "villages", "population")
#: Tiers whose existing points count as stations when planning village stations.
STATION_KINDS = ("village_station", "township_ecommerce")


def workspace_demand(ws: Workspace, year: int) -> gpd.GeoDataFrame:
    """One demand point per village (its centre, metre CRS) with every weight column."""
    figures = poverty.village_figures(ws.villages, ws.households, year)
    centres = village_centres(ws.villages)
    return gpd.GeoDataFrame(
        {
            "id": figures["code"].to_numpy(),
            "name": figures["name"].to_numpy(),
            "poor_people": figures["poor_people"].to_numpy(),
            "poor_households": figures["poor_households"].to_numpy(),
            "villages": 1,
            "population": figures["population"].to_numpy(),
        },
        geometry=centres.to_numpy(),
        crs=centres.crs,
    )


def workspace_existing(ws: Workspace) -> gpd.GeoDataFrame:
    """Existing stations (village stations and the township centre) with an ``id`` column."""
    fac = ws["facilities"]
    fac = fac[fac["kind"].isin(STATION_KINDS) & (fac["status"] == "existing")]
    return gpd.GeoDataFrame(
        {"id": fac["facility_id"].to_numpy(), "name": fac["name"].to_numpy()},
        geometry=fac.geometry.to_numpy(),
        crs=fac.crs,
    )


def plan(
    demand: gpd.GeoDataFrame,
    weight: str,
    candidates: gpd.GeoDataFrame,
    existing: gpd.GeoDataFrame,
    radius_m: float,
    add: int | None = None,
    target_share: float | None = None,
    mode: str = "straight",
    roads: gpd.GeoDataFrame | None = None,
    unpaved_factor: float = DEFAULT_UNPAVED_FACTOR,
    excluded: tuple[str, ...] = (),
    time_limit: float = 60.0,
) -> PlacementResult:
    """Add ``add`` stations, or the fewest reaching ``target_share`` of ``weight``.

    All frames need an ``id`` column and a CRS; they are projected to one metre CRS here.
    """
    if (add is None) == (target_share is None):
        raise ValueError("give either a number of stations to add or a target coverage")
    if weight not in demand.columns:
        known = [w for w in WEIGHTS if w in demand.columns] or list(demand.columns)
        raise ValueError(f"unknown weight {weight!r}; use one of {', '.join(known)}")
    if radius_m < 0:
        raise ValueError(f"the service radius must not be negative (got {radius_m / 1000:g} km)")
    for name, frame in (("demand", demand), ("candidates", candidates), ("existing", existing)):
        if frame.crs is None:
            raise ValueError(f"{name} has no CRS; declare one")
    metric = to_metric(demand)
    sites = pd.concat(
        [
            to_metric(candidates, metric.crs)[["id", "geometry"]],
            to_metric(existing, metric.crs)[["id", "geometry"]],
        ],
        ignore_index=True,
    )
    sites = gpd.GeoDataFrame(sites, geometry="geometry", crs=metric.crs)
    cost = distance_matrix(metric.geometry, sites.geometry, mode, roads, unpaved_factor)
    problem = CoverageProblem.from_cost_matrix(
        cost,
        pd.to_numeric(metric[weight], errors="raise").to_numpy(dtype=float),
        radius_m,
        site_ids=sites["id"].astype(str).tolist(),
        existing=[False] * len(candidates) + [True] * len(existing),
        excluded=[str(i) in set(excluded) for i in candidates["id"]] + [False] * len(existing),
    )
    if add is not None:
        return problem.max_cover(add, time_limit=time_limit)
    return problem.set_cover(target_share, time_limit=time_limit)


def workspace_candidates(ws: Workspace) -> gpd.GeoDataFrame:
    """Candidate sites: every village centre (id: village code) and planned stations."""
    centres = village_centres(ws.villages)
    fac = ws["facilities"]
    planned = fac[(fac["kind"] == "village_station") & (fac["status"] == "planned")]
    planned = to_metric(planned, centres.crs) if len(planned) else planned
    return gpd.GeoDataFrame(
        {
            "id": [*centres.index.astype(str), *planned["facility_id"].astype(str)],
            "name": [*ws.villages["name"], *planned["name"]],
        },
        geometry=[*centres.to_numpy(), *planned.geometry.to_numpy()],
        crs=centres.crs,
    )


def points_frame(points: list[tuple[float, float]], label: str) -> gpd.GeoDataFrame:
    """Planner points given as WGS84 (lat, lng) as a frame with ids P1, P2, ... and names."""
    return gpd.GeoDataFrame(
        {
            "id": [f"P{i + 1}" for i in range(len(points))],
            "name": [f"{label} {i + 1}" for i in range(len(points))],
        },
        geometry=gpd.points_from_xy([p[1] for p in points], [p[0] for p in points]),
        crs="EPSG:4326",
    )


def stations_with(existing: gpd.GeoDataFrame, chosen: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Existing stations plus the chosen candidates, in the existing stations' CRS."""
    if not len(chosen):
        return existing
    extra = chosen[["id", "name", "geometry"]].to_crs(existing.crs)
    return gpd.GeoDataFrame(pd.concat([existing, extra], ignore_index=True), crs=existing.crs)


def plan_geojson(
    existing: gpd.GeoDataFrame, tried: gpd.GeoDataFrame, chosen: gpd.GeoDataFrame
) -> str:
    """The plan as GeoJSON (WGS84): every station with ``id``, ``name`` and ``role``
    (existing, tried or proposed). No personal data: stations are places, not households."""
    parts = [
        gpd.GeoDataFrame(frame[["id", "name", "geometry"]], crs=frame.crs)
        .to_crs("EPSG:4326")
        .assign(role=role)
        for frame, role in ((existing, "existing"), (tried, "tried"), (chosen, "proposed"))
        if len(frame)
    ]
    if not parts:
        return gpd.GeoDataFrame(
            {"id": [], "name": [], "role": []}, geometry=[], crs="EPSG:4326"
        ).to_json()
    out = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs="EPSG:4326")
    return out.to_json(ensure_ascii=False)


def compare_coverage(
    ws: Workspace,
    year: int,
    existing: gpd.GeoDataFrame,
    added: gpd.GeoDataFrame,
    radius_m: float,
    mode: str = "straight",
) -> tuple[Coverage, Coverage]:
    """Coverage of the existing stations and of existing plus ``added`` ones.

    Distances (and in road mode the road graph) are computed once for all stations; today's
    figures use the existing stations' columns of the same matrix.
    """
    planned = stations_with(existing, added)
    roads = ws["roads"] if mode == "road" else None
    dist = village_distances(ws.villages, planned, mode, roads)
    today = coverage(
        ws.villages, ws.households, existing, radius_m, year, distances=dist[:, : len(existing)]
    )
    after = coverage(ws.villages, ws.households, planned, radius_m, year, distances=dist)
    return today, after
