"""Plan new e-commerce stations for a township: demand, candidates and existing stations from a
workspace (or from the planner's own point layers), distances straight or by road, then the
placement model of :mod:`township_atlas.analysis.placement`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from ..geo.crs import to_metric
from ..geo.schema import CATEGORY_EN, LAYERS, PLAN_WEIGHTS, WGS84
from ..geo.workspace import Workspace
from . import poverty
from .coverage import (
    DEFAULT_UNPAVED_FACTOR,
    Coverage,
    coverage,
    distance_matrix,
    village_centres,
    village_distances,
    village_reach,
)
from .placement import CoverageProblem, PlacementResult
from .station_ops import opened_by, operating

WEIGHTS = PLAN_WEIGHTS
#: Tiers whose existing points count as stations when planning village stations. The county
#: logistics centre supplies the township centres and serves no villager directly.
STATION_KINDS = ("village_station", "township_ecommerce")
#: Default service distance per tier (km): a village station serves what people reach on foot or
#: by bike; the township centre, at the market town, serves a wider area. Planners change both.
DEFAULT_RADIUS_KM = {"village_station": 3.0, "township_ecommerce": 5.0}
NEW_STATION_KIND = "village_station"  # tried and proposed stations are village stations


def station_radii(
    stations: pd.DataFrame, radius_m: float, township_radius_m: float | None = None
) -> np.ndarray:
    """Each station's service distance in metres: ``township_radius_m`` for the township
    e-commerce centre (when given), ``radius_m`` for village stations and any other point."""
    radii = np.full(len(stations), float(radius_m))
    if township_radius_m is not None and "kind" in stations.columns:
        radii[(stations["kind"] == "township_ecommerce").to_numpy()] = float(township_radius_m)
    return radii


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


def workspace_existing(
    ws: Workspace, year: int | None = None, suspended_counts: bool = False
) -> gpd.GeoDataFrame:
    """Existing stations (village stations and the township centre): ``id``, ``name``,
    ``kind``; of ``year`` (not None), those working then (:func:`.station_ops.operating`:
    opened by then, not closed, not suspended unless ``suspended_counts``)."""
    fac = ws["facilities"]
    fac = fac[fac["kind"].isin(STATION_KINDS) & (fac["status"] == "existing")]
    if year is not None:
        working = operating(fac, ws["station_operations"], year, suspended_counts)
        fac = fac[working.to_numpy(dtype=bool)]
    return gpd.GeoDataFrame(
        {
            "id": fac["facility_id"].to_numpy(),
            "name": fac["name"].to_numpy(),
            "kind": fac["kind"].to_numpy(),
        },
        geometry=fac.geometry.to_numpy(),
        crs=fac.crs,
    )


def coverage_lost(
    villages: gpd.GeoDataFrame,
    households: pd.DataFrame,
    stations: gpd.GeoDataFrame,
    working: np.ndarray | pd.Series,
    radius_m: float | np.ndarray,
    year: int,
    distances: np.ndarray | None = None,
) -> pd.DataFrame:
    """Villages that only stations not working in ``year`` reach: within the service distance
    of one of ``stations`` whose ``working`` is False and of none whose ``working`` is True.

    ``stations`` (``id``, ``name``) is the whole network, closed and suspended stations
    included; ``radius_m`` one distance or one per station; ``distances`` (villages ×
    stations, metres) when the caller has them. One row per village that lost its cover, the
    most poor people first: ``code``, ``name``, ``poor_households``, ``poor_people`` (at
    ``year``), ``station_ids`` and ``stations`` (the stopped stations that reached it).
    """
    working = np.asarray(working, dtype=bool)
    radii = np.broadcast_to(np.asarray(radius_m, dtype=float), (len(stations),))
    if not len(stations):
        reach = np.zeros((len(villages), 0), bool)
    elif distances is None:
        reach = village_reach(villages, stations, radii)
    else:
        reach = distances <= radii[None, :]
    lost = reach[:, ~working].any(axis=1) & ~reach[:, working].any(axis=1)
    figures = poverty.village_figures(villages, households, year)
    ids = stations["id"].astype(str).to_numpy() if len(stations) else np.array([], str)
    names = stations["name"].astype(str).to_numpy() if len(stations) else np.array([], str)
    by = [reach[i] & ~working for i in np.flatnonzero(lost)]
    out = pd.DataFrame(
        {
            "code": figures["code"].to_numpy()[lost],
            "name": figures["name"].to_numpy()[lost],
            "poor_households": figures["poor_households"].to_numpy()[lost],
            "poor_people": figures["poor_people"].to_numpy()[lost],
            "station_ids": [tuple(ids[b]) for b in by],
            "stations": [tuple(names[b]) for b in by],
        }
    )
    return out.sort_values(["poor_people", "code"], ascending=[False, True], ignore_index=True)


def workspace_coverage_lost(
    ws: Workspace,
    year: int,
    radius_m: float,
    township_radius_m: float | None = None,
    mode: str = "straight",
    suspended_counts: bool = False,
) -> pd.DataFrame:
    """:func:`coverage_lost` of the workspace's stations in ``year``: the villages that a
    closed station (or a suspended one, unless ``suspended_counts``) alone covered."""
    every = workspace_existing(ws)
    opened = ws["facilities"].drop_duplicates("facility_id").set_index("facility_id")
    ids = pd.DataFrame(
        {
            "facility_id": every["id"].astype(str).to_numpy(),
            "opened_year": every["id"].map(opened["opened_year"]).to_numpy(),
        }
    )
    # a station not opened yet neither covers nor leaves anyone uncovered
    there = opened_by(ids, year).to_numpy()
    every, ids = every[there], ids[there]
    working = operating(ids, ws["station_operations"], year, suspended_counts).to_numpy()
    if working.all():  # nothing stopped: no distances to measure
        every, working = every.iloc[:0], working[:0]
    dist = None  # straight: only the pairs near each other are measured
    if mode == "road" and len(every):
        dist = village_distances(ws.villages, every, mode, ws["roads"])
    radii = station_radii(every, radius_m, township_radius_m)
    return coverage_lost(ws.villages, ws.households, every, working, radii, year, dist)


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
    township_radius_m: float | None = None,
) -> PlacementResult:
    """Add ``add`` stations, or the fewest reaching ``target_share`` of ``weight``.

    All frames need an ``id`` column and a CRS; they are projected to one metre CRS here.
    New stations serve ``radius_m``; an existing township centre (``kind`` column) serves
    ``township_radius_m`` when given.
    """
    if (add is None) == (target_share is None):
        raise ValueError("give either a number of stations to add or a target coverage")
    if weight == "villages" and weight not in demand.columns:
        # every demand point is one village: the planner's own files need no column for it
        demand = demand.assign(villages=1)
    if weight not in demand.columns:
        known = [w for w in WEIGHTS if w in demand.columns or w == "villages"]
        raise ValueError(f"unknown weight {weight!r}; use one of {', '.join(known)}")
    for r in (radius_m, township_radius_m or 0.0):
        if r < 0:
            raise ValueError(f"the service radius must not be negative (got {r / 1000:g} km)")
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
    radii = np.concatenate(
        [
            np.full(len(candidates), float(radius_m)),
            station_radii(existing, radius_m, township_radius_m),
        ]
    )
    problem = CoverageProblem.from_cost_matrix(
        cost,
        pd.to_numeric(metric[weight], errors="raise").to_numpy(dtype=float),
        radii,
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
            "kind": NEW_STATION_KIND,
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
            "kind": NEW_STATION_KIND,
        },
        geometry=gpd.points_from_xy([p[1] for p in points], [p[0] for p in points]),
        crs="EPSG:4326",
    )


def stations_with(existing: gpd.GeoDataFrame, chosen: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Existing stations plus the chosen candidates, in the existing stations' CRS."""
    if not len(chosen):
        return existing
    extra = chosen[["id", "name", "geometry"]].to_crs(existing.crs).assign(kind=NEW_STATION_KIND)
    if "kind" in chosen.columns:
        extra["kind"] = chosen["kind"].fillna(NEW_STATION_KIND).to_numpy()
    return gpd.GeoDataFrame(pd.concat([existing, extra], ignore_index=True), crs=existing.crs)


def plan_geojson(
    existing: gpd.GeoDataFrame,
    tried: gpd.GeoDataFrame,
    chosen: gpd.GeoDataFrame,
    added_weight: Mapping[str, float] | None = None,
) -> str:
    """The plan as GeoJSON (WGS84): every station with ``id``, ``name``, ``role`` (existing,
    tried or proposed) and ``added_weight``. No personal data: stations are places."""
    return plan_stations(existing, tried, chosen, added_weight).to_json(
        ensure_ascii=False, na="null"
    )


def compare_coverage(
    ws: Workspace,
    year: int,
    existing: gpd.GeoDataFrame,
    added: gpd.GeoDataFrame,
    radius_m: float,
    mode: str = "straight",
    township_radius_m: float | None = None,
) -> tuple[Coverage, Coverage]:
    """Coverage of the existing stations and of existing plus ``added`` ones (village stations
    serve ``radius_m``, the township centre ``township_radius_m`` when given).

    Distances (and in road mode the road graph) are computed once for all stations; today's
    figures use the existing stations' columns of the same matrix.
    """
    planned = stations_with(existing, added)
    roads = ws["roads"] if mode == "road" else None
    dist = village_distances(ws.villages, planned, mode, roads)
    radii = station_radii(planned, radius_m, township_radius_m)
    n = len(existing)
    today = coverage(ws.villages, ws.households, existing, radii[:n], year, distances=dist[:, :n])
    after = coverage(ws.villages, ws.households, planned, radii, year, distances=dist)
    return today, after


# ----------------------------------------------------------------------------- saved plans
PLAN_NAME_MAX = 40


class PlanNameError(ValueError):
    """A plan cannot be saved under this name; ``reason`` is ``empty``, ``too_long``,
    ``exists`` or ``no_stations`` (pages turn it into a message in the user's language)."""

    def __init__(self, reason: str, name: str):
        super().__init__(f"cannot save plan {name!r}: {reason.replace('_', ' ')}")
        self.reason = reason
        self.name = name


@dataclass(frozen=True)
class SavedPlan:
    """A plan read back from the workspace: the stations it adds and its settings."""

    name: str
    stations: gpd.GeoDataFrame  # id, name, role (tried/proposed), added_weight; WGS84
    radius_km: float
    network: str
    weight: str
    year: int
    saved_at: str
    township_radius_km: float | None = None  # None: the township centre serves radius_km


def plan_rows(
    name: str,
    tried: gpd.GeoDataFrame,
    proposed: gpd.GeoDataFrame,
    added_weight: Mapping[str, float],
    *,
    radius_km: float,
    network: str,
    weight: str,
    year: int,
    saved_at: str,
    township_radius_km: float | None = None,
) -> gpd.GeoDataFrame:
    """The rows of the ``station_plans`` layer for one plan (WGS84). ``added_weight`` maps a
    proposed station's id to what it adds; tried sites have none."""
    parts = [
        gpd.GeoDataFrame(
            {
                "station_id": frame["id"].astype(str).to_numpy(),
                "station_name": frame["name"].astype(str).to_numpy(),
                "role": role,
                "added_weight": [added_weight.get(str(i), np.nan) for i in frame["id"]],
            },
            geometry=frame.to_crs(WGS84).geometry.to_numpy(),
            crs=WGS84,
        )
        for frame, role in ((tried, "tried"), (proposed, "proposed"))
        if len(frame)
    ]
    rows = (
        gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=WGS84)
        if parts
        else gpd.GeoDataFrame(
            {"station_id": [], "station_name": [], "role": [], "added_weight": []},
            geometry=[],
            crs=WGS84,
        )
    )
    return rows.assign(
        plan_name=name.strip(),
        radius_km=float(radius_km),
        township_radius_km=np.nan if township_radius_km is None else float(township_radius_km),
        network=network,
        weight=weight,
        year=int(year),
        saved_at=saved_at,
    )[[*LAYERS["station_plans"].names, "geometry"]]


def save_plan(
    plans: gpd.GeoDataFrame, rows: gpd.GeoDataFrame, replace: bool = False
) -> gpd.GeoDataFrame:
    """``plans`` with the plan in ``rows`` added (or put in place of one of the same name when
    ``replace``). Raises :class:`PlanNameError` for an empty or too long name, a name in use,
    or a plan with no stations."""
    name = str(rows["plan_name"].iloc[0]).strip() if len(rows) else ""
    if not len(rows):
        raise PlanNameError("no_stations", name)
    if not name:
        raise PlanNameError("empty", name)
    if len(name) > PLAN_NAME_MAX:
        raise PlanNameError("too_long", name)
    if name in plan_names(plans) and not replace:
        raise PlanNameError("exists", name)
    kept = plans[plans["plan_name"] != name]
    frames = [f for f in (kept, rows.to_crs(WGS84)) if len(f)]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=WGS84)


def delete_plan(plans: gpd.GeoDataFrame, name: str) -> gpd.GeoDataFrame:
    """``plans`` without the plan called ``name``."""
    return plans[plans["plan_name"] != name].reset_index(drop=True)


def plan_names(plans: pd.DataFrame) -> list[str]:
    """Names of the saved plans, in the order they were first saved."""
    return list(dict.fromkeys(plans["plan_name"].astype(str)))


def saved_plan(plans: gpd.GeoDataFrame, name: str) -> SavedPlan:
    """The plan called ``name`` (``KeyError`` when there is none)."""
    rows = plans[plans["plan_name"] == name]
    if not len(rows):
        raise KeyError(f"no saved plan called {name!r}")
    first = rows.iloc[0]
    stations = gpd.GeoDataFrame(
        {
            "id": rows["station_id"].to_numpy(),
            "name": rows["station_name"].to_numpy(),
            "role": rows["role"].to_numpy(),
            "added_weight": rows["added_weight"].to_numpy(dtype=float),
        },
        geometry=rows.geometry.to_numpy(),
        crs=rows.crs,
    )
    return SavedPlan(
        name=name,
        stations=stations,
        radius_km=float(first["radius_km"]),
        network=str(first["network"]),
        weight=str(first["weight"]),
        year=int(first["year"]),
        saved_at=str(first["saved_at"]),
        township_radius_km=(
            None if pd.isna(first["township_radius_km"]) else float(first["township_radius_km"])
        ),
    )


# ----------------------------------------------------------------------------- export tables
_LABELS: dict[str, tuple[str, str]] = {
    "summary": ("汇总", "Summary"),
    "stations": ("网点", "Stations"),
    "villages": ("行政村覆盖", "Villages"),
    "settings": ("方案设置", "Settings"),
    "figure": ("指标", "Figure"),
    "today": ("现有网络", "Today's network"),
    "plan": ("规划方案", "Plan"),
    "change": ("变化", "Change"),
    "villages_covered": ("覆盖行政村(个)", "Villages covered"),
    "villages_share": ("行政村覆盖率(%)", "Villages covered (%)"),
    "households_covered": ("覆盖未脱贫户(户)", "Poor households covered"),
    "people_covered": ("覆盖未脱贫人口(人)", "Poor people covered"),
    "people_share": ("未脱贫人口覆盖率(%)", "Poor people covered (%)"),
    "category_people": ("{cat}覆盖人口(人)", "{cat}: people covered"),
    "id": ("编号", "Id"),
    "name": ("名称", "Name"),
    "role": ("来源", "Role"),
    "existing": ("现有", "existing"),
    "tried": ("试设", "tried on the map"),
    "proposed": ("优化选址", "proposed"),
    "lon": ("经度", "Longitude"),
    "lat": ("纬度", "Latitude"),
    "added_weight": ("新增覆盖", "Adds"),
    "code": ("行政区划代码", "Code"),
    "poor_households": ("未脱贫户(户)", "Poor households"),
    "poor_people": ("未脱贫人口(人)", "Poor people"),
    "covered_today": ("现有网络覆盖", "Covered today"),
    "covered_plan": ("方案覆盖", "Covered by the plan"),
    "nearest_station": ("最近网点", "Nearest station"),
    "nearest_km": ("最近距离(km)", "Nearest (km)"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "setting": ("设置", "Setting"),
    "value": ("值", "Value"),
    "plan_name": ("方案名称", "Plan"),
    "radius_km": ("村级服务站服务半径(km)", "Village station radius (km)"),
    "township_radius_km": ("乡镇服务中心服务半径(km)", "Township centre radius (km)"),
    "network": ("距离计算", "Distance"),
    "straight": ("直线距离", "straight line"),
    "road": ("沿道路", "along roads"),
    "weight": ("优化目标", "Maximised"),
    "year": ("数据年度", "Data year"),
    "saved_at": ("保存时间", "Saved"),
    "poor_people_w": ("未脱贫人口", "poor people"),
    "poor_households_w": ("未脱贫户", "poor households"),
    "villages_w": ("行政村数", "villages"),
    "population_w": ("户籍人口", "population"),
}


def _l(key: str, lang: str, **fmt: object) -> str:
    zh, en = _LABELS[key]
    return (en if lang == "en" else zh).format(**fmt)


def coverage_summary(today: Coverage, after: Coverage, lang: str = "zh") -> pd.DataFrame:
    """Each coverage figure today, with the plan, and the change (labelled in ``lang``)."""

    def figures(cov: Coverage) -> list[float]:
        cats = cov.by_category.set_index("category")["covered_persons"]
        return [
            cov.villages_covered,
            round(cov.village_share * 100, 1),
            cov.households_covered,
            cov.people_covered,
            round(cov.people_share * 100, 1),
            *(int(v) for v in cats),
        ]

    cat_names = list(today.by_category["category"])
    labels = [
        _l(k, lang)
        for k in (
            "villages_covered",
            "villages_share",
            "households_covered",
            "people_covered",
            "people_share",
        )
    ] + [_l("category_people", lang, cat=c if lang == "zh" else CATEGORY_EN[c]) for c in cat_names]
    a, b = figures(today), figures(after)
    return pd.DataFrame(
        {
            _l("figure", lang): labels,
            _l("today", lang): a,
            _l("plan", lang): b,
            _l("change", lang): [round(y - x, 1) for x, y in zip(a, b, strict=True)],
        }
    )


def plan_tables(
    today: Coverage,
    after: Coverage,
    stations: gpd.GeoDataFrame,
    settings: Mapping[str, object],
    lang: str = "zh",
) -> dict[str, pd.DataFrame]:
    """The plan as tables for a workbook, labelled in ``lang``: summary (today vs plan),
    stations (``id``, ``name``, ``role`` existing/tried/proposed, optional ``added_weight``),
    village coverage, and the settings (``plan_name``, ``radius_km``,
    ``township_radius_km``, ``network``, ``weight``, ``year``, ``saved_at``; any may be
    missing). Places only, no personal data."""
    summary = coverage_summary(today, after, lang)
    wgs = stations.to_crs(WGS84)
    added = stations["added_weight"] if "added_weight" in stations else pd.Series(np.nan)
    station_table = pd.DataFrame(
        {
            _l("id", lang): stations["id"].astype(str).to_numpy(),
            _l("name", lang): stations["name"].to_numpy(),
            _l("role", lang): [_l(r, lang) for r in stations["role"]],
            _l("lon", lang): wgs.geometry.x.round(6).to_numpy(),
            _l("lat", lang): wgs.geometry.y.round(6).to_numpy(),
            _l("added_weight", lang): pd.Series(added.to_numpy()).reindex(range(len(stations))),
        }
    )
    t, p = today.villages, after.villages

    def yes_no(values: pd.Series) -> list[str]:
        return [_l("yes" if v else "no", lang) for v in values]

    villages = pd.DataFrame(
        {
            _l("code", lang): p["code"],
            _l("name", lang): p["name"],
            _l("poor_households", lang): p["poor_households"],
            _l("poor_people", lang): p["poor_people"],
            _l("covered_today", lang): yes_no(t["covered"]),
            _l("covered_plan", lang): yes_no(p["covered"]),
            _l("nearest_station", lang): p["nearest_station"],
            _l("nearest_km", lang): [
                round(d / 1000, 2) if np.isfinite(d) else None for d in p["nearest_m"]
            ],
        }
    )
    shown = {
        "network": lambda v: _l(str(v), lang),
        "weight": lambda v: _l(f"{v}_w", lang),
    }
    setting_rows = [
        (_l(k, lang), shown.get(k, lambda v: v)(settings[k]))
        for k in (
            "plan_name",
            "radius_km",
            "township_radius_km",
            "network",
            "weight",
            "year",
            "saved_at",
        )
        if settings.get(k) is not None
    ]
    settings_table = pd.DataFrame(setting_rows, columns=[_l("setting", lang), _l("value", lang)])
    return {
        _l("summary", lang): summary,
        _l("stations", lang): station_table,
        _l("villages", lang): villages,
        _l("settings", lang): settings_table.astype(str),
    }


def plan_stations(
    existing: gpd.GeoDataFrame,
    tried: gpd.GeoDataFrame,
    proposed: gpd.GeoDataFrame,
    added_weight: Mapping[str, float] | None = None,
) -> gpd.GeoDataFrame:
    """Every station of a plan with its ``role`` (existing, tried, proposed), in WGS84, with
    ``added_weight`` for proposed stations when known."""
    parts = [
        gpd.GeoDataFrame(frame[["id", "name"]].astype(str), geometry=frame.geometry, crs=frame.crs)
        .to_crs(WGS84)
        .assign(role=role)
        for frame, role in ((existing, "existing"), (tried, "tried"), (proposed, "proposed"))
        if len(frame)
    ]
    if not parts:
        return gpd.GeoDataFrame(
            {"id": [], "name": [], "role": [], "added_weight": []}, geometry=[], crs=WGS84
        )
    out = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=WGS84)
    gains = added_weight or {}
    out["added_weight"] = [
        gains.get(i, np.nan) if r == "proposed" else np.nan
        for i, r in zip(out["id"], out["role"], strict=True)
    ]
    return out


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
