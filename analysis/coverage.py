"""Who a station network covers: distances from villages to stations, straight or by road.

A village is covered when its centre (a point inside it) lies within the service distance of a
station. Distances are straight lines in a metre CRS, or shortest paths along the roads layer,
with village centres and stations snapped to the nearest road vertex (the snap distance is
walked at the unpaved speed) and unpaved roads counted longer by a factor, since they are slower.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import LineString, MultiLineString

from ..geo.crs import to_metric
from ..geo.places import village_anchor_points
from ..geo.schema import HOUSEHOLD_CATEGORIES
from . import poverty

#: How much longer a metre of unpaved road counts than a paved one (a planner's setting).
DEFAULT_UNPAVED_FACTOR = 1.5


def straight_distances(demand: gpd.GeoSeries, stations: gpd.GeoSeries) -> np.ndarray:
    """Metres from each demand point to each station (both in one projected CRS)."""
    _require_metres(demand.crs)
    d = np.column_stack([demand.x, demand.y])
    s = np.column_stack([stations.x, stations.y])
    return np.linalg.norm(d[:, None, :] - s[None, :, :], axis=2)


@dataclass(frozen=True)
class RoadGraph:
    """The roads as a weighted graph: nodes are road vertices, weights metres (unpaved longer)."""

    graph: nx.Graph
    nodes: np.ndarray  # node coordinates, row i is node i
    unpaved_factor: float

    @classmethod
    def from_roads(
        cls, roads: gpd.GeoDataFrame, unpaved_factor: float = DEFAULT_UNPAVED_FACTOR
    ) -> RoadGraph:
        """Build the graph from a roads layer in a metre CRS; lines meet where vertices match."""
        _require_metres(roads.crs)
        index: dict[tuple[float, float], int] = {}
        graph = nx.Graph()
        for geom, paved in zip(roads.geometry, roads["paved"].fillna(True), strict=True):
            parts = geom.geoms if geom.geom_type == "MultiLineString" else [geom]
            factor = 1.0 if bool(paved) else unpaved_factor
            for part in parts:
                coords = [(round(x, 3), round(y, 3)) for x, y in part.coords]
                ids = [index.setdefault(c, len(index)) for c in coords]
                for k in range(len(ids) - 1):
                    a, b, ca, cb = ids[k], ids[k + 1], coords[k], coords[k + 1]
                    length = float(np.hypot(cb[0] - ca[0], cb[1] - ca[1])) * factor
                    if a != b and (not graph.has_edge(a, b) or graph[a][b]["m"] > length):
                        graph.add_edge(a, b, m=length)
        nodes = np.array(sorted(index, key=index.get), dtype=float).reshape(-1, 2)
        return cls(graph, nodes, unpaved_factor)

    def distances(
        self, demand: gpd.GeoSeries, stations: gpd.GeoSeries, cutoff: float | None = None
    ) -> np.ndarray:
        """Metres by road from each demand point to each station; ``inf`` where unreachable
        (or farther than ``cutoff``)."""
        if len(self.nodes) == 0:
            return np.full((len(demand), len(stations)), np.inf)
        tree = cKDTree(self.nodes)
        d_gap, d_node = tree.query(np.column_stack([demand.x, demand.y]))
        s_gap, s_node = tree.query(np.column_stack([stations.x, stations.y]))
        out = np.full((len(demand), len(stations)), np.inf)
        for j, (node, gap) in enumerate(zip(s_node, s_gap, strict=True)):
            limit = None if cutoff is None else max(0.0, cutoff - gap * self.unpaved_factor)
            reach = nx.single_source_dijkstra_path_length(self.graph, int(node), limit, "m")
            along = np.array([reach.get(int(n), np.inf) for n in d_node])
            out[:, j] = along + (d_gap + gap) * self.unpaved_factor
        if cutoff is not None:
            out[out > cutoff] = np.inf
        return out

    def reachable(
        self, stations: gpd.GeoSeries, radius: float | np.ndarray
    ) -> list[list[LineString]]:
        """Per station, the road pieces reachable within ``radius`` metres (one for all, or one
        per station): its service area in road mode, cut where the budget runs out on a road.

        The budget is counted like :meth:`distances`: the snap gap at the unpaved factor, then
        road metres (unpaved ones longer), so a village is covered exactly when its snapped road
        vertex lies on these pieces.
        """
        if len(self.nodes) == 0:
            return [[] for _ in range(len(stations))]
        tree = cKDTree(self.nodes)
        s_gap, s_node = tree.query(np.column_stack([stations.x, stations.y]))
        radii = np.broadcast_to(np.asarray(radius, dtype=float), (len(stations),))
        out: list[list[LineString]] = []
        for node, gap, r in zip(s_node, s_gap, radii, strict=True):
            budget = r - gap * self.unpaved_factor
            if budget < 0:
                out.append([])
                continue
            reach = nx.single_source_dijkstra_path_length(self.graph, int(node), budget, "m")
            pieces: list[LineString] = []
            for a, b, data in self.graph.edges(reach.keys(), data="m"):
                left_a = budget - reach.get(a, np.inf)
                left_b = budget - reach.get(b, np.inf)
                if max(left_a, 0) + max(left_b, 0) >= data:  # the whole edge is within reach
                    pieces.append(LineString([self.nodes[a], self.nodes[b]]))
                    continue
                for start, end, left in ((a, b, left_a), (b, a, left_b)):
                    if left > 0:
                        p, q = self.nodes[start], self.nodes[end]
                        pieces.append(LineString([p, p + (q - p) * (left / data)]))
            out.append(pieces)
        return out


@dataclass(frozen=True)
class Coverage:
    """What a station network covers in a year."""

    villages: pd.DataFrame  # code, name, covered, nearest_m, nearest_station, poor_people, ...
    villages_covered: int
    villages_total: int
    households_covered: int
    households_total: int
    people_covered: int
    people_total: int
    by_category: pd.DataFrame  # category, households, persons, covered_households, covered_persons

    @property
    def village_share(self) -> float:
        return self.villages_covered / self.villages_total if self.villages_total else 0.0

    @property
    def people_share(self) -> float:
        return self.people_covered / self.people_total if self.people_total else 0.0


def distance_matrix(
    demand: gpd.GeoSeries,
    sites: gpd.GeoSeries,
    mode: str = "straight",
    roads: gpd.GeoDataFrame | None = None,
    unpaved_factor: float = DEFAULT_UNPAVED_FACTOR,
) -> np.ndarray:
    """Metres from each demand point to each site (both in one metre CRS), straight or by road."""
    if mode not in ("straight", "road"):
        raise ValueError(f"unknown distance mode {mode!r}; use 'straight' or 'road'")
    _require_metres(demand.crs)
    if len(sites) == 0:
        return np.full((len(demand), 0), np.inf)
    if mode == "straight":
        return straight_distances(demand, sites)
    if roads is None or len(roads) == 0:
        raise ValueError("road distances need a roads layer; this workspace has none")
    graph = RoadGraph.from_roads(to_metric(roads, demand.crs), unpaved_factor)
    return graph.distances(demand, sites)


def village_centres(villages: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """A point inside each village, in the metre CRS of the villages (index: village code)."""
    return village_anchor_points(to_metric(villages))


def village_distances(
    villages: gpd.GeoDataFrame,
    stations: gpd.GeoDataFrame,
    mode: str = "straight",
    roads: gpd.GeoDataFrame | None = None,
    unpaved_factor: float = DEFAULT_UNPAVED_FACTOR,
) -> np.ndarray:
    """Metres from each village centre to each station, straight or by road."""
    centres = village_centres(villages)
    points = to_metric(stations, centres.crs).geometry
    return distance_matrix(centres, points, mode, roads, unpaved_factor)


def village_reach(
    villages: gpd.GeoDataFrame, stations: gpd.GeoDataFrame, radius_m: float | np.ndarray
) -> np.ndarray:
    """Villages × stations, True where the village centre is within the station's straight
    service distance (one or one per station): the pairs a spatial index finds near, each
    measured exactly, never the whole distance matrix (3,000 villages × 2,000 stations)."""
    centres = village_centres(villages)
    points = to_metric(stations, centres.crs).geometry.to_numpy()
    radii = np.broadcast_to(np.asarray(radius_m, dtype=float), (len(points),))
    reach = np.zeros((len(centres), len(points)), dtype=bool)
    if not len(points) or not len(centres):
        return reach
    near = shapely.STRtree(points).query(
        centres.to_numpy(), predicate="dwithin", distance=float(radii.max()) + 1.0
    )
    v, s = near
    within = shapely.distance(centres.to_numpy()[v], points[s]) <= radii[s]
    reach[v[within], s[within]] = True
    return reach


def service_roads(
    stations: gpd.GeoDataFrame,
    roads: gpd.GeoDataFrame,
    radius_m: float | np.ndarray,
    unpaved_factor: float = DEFAULT_UNPAVED_FACTOR,
) -> gpd.GeoSeries:
    """Each station's reachable road pieces as one (Multi)LineString, in a metre CRS.

    The road-mode counterpart of a service circle: index and order follow ``stations``; a
    station off the network (farther from any road than the budget) gets an empty geometry.
    """
    metric = to_metric(stations)
    graph = RoadGraph.from_roads(to_metric(roads, metric.crs), unpaved_factor)
    pieces = graph.reachable(metric.geometry, radius_m)
    return gpd.GeoSeries(
        [MultiLineString(p) if p else MultiLineString() for p in pieces],
        index=stations.index,
        crs=metric.crs,
    )


def coverage(
    villages: gpd.GeoDataFrame,
    households: pd.DataFrame,
    stations: gpd.GeoDataFrame,
    radius_m: float | np.ndarray,
    year: int,
    mode: str = "straight",
    roads: gpd.GeoDataFrame | None = None,
    unpaved_factor: float = DEFAULT_UNPAVED_FACTOR,
    distances: np.ndarray | None = None,
) -> Coverage:
    """Villages, poor households and poor people (remaining at ``year``) that ``stations`` cover.

    ``stations`` needs a ``name`` column; ``radius_m`` is one service distance for all of them
    or one per station (tiers serve different distances). The poor are counted per category.
    ``distances`` (villages × stations, metres) may be given when the caller already has them.
    """
    radii = np.broadcast_to(np.asarray(radius_m, dtype=float), (len(stations),))
    if np.any(radii < 0):
        raise ValueError(f"the service distance must not be negative (got {radii.min():g})")
    dist = (
        village_distances(villages, stations, mode, roads, unpaved_factor)
        if distances is None
        else distances
    )
    nearest = dist.min(axis=1) if dist.shape[1] else np.full(len(villages), np.inf)
    which = dist.argmin(axis=1) if dist.shape[1] else np.zeros(len(villages), int)
    covered = (dist <= radii[None, :]).any(axis=1) if dist.shape[1] else nearest < 0
    figures = poverty.village_figures(villages, households, year)
    table = pd.DataFrame(
        {
            "code": figures["code"],
            "name": figures["name"],
            "covered": covered,
            "nearest_m": nearest,
            "nearest_station": [
                stations["name"].iloc[j] if np.isfinite(n) else None
                for j, n in zip(which, nearest, strict=True)
            ],
            "poor_households": figures["poor_households"],
            "poor_people": figures["poor_people"],
        }
    )
    rem = households[poverty.remaining_mask(households, year)]
    in_cover = rem["village_code"].astype(str).isin(set(table.loc[covered, "code"]))
    cats = pd.DataFrame({"category": list(HOUSEHOLD_CATEGORIES)})
    grouped = rem.groupby("category")["size"].agg(["count", "sum"])
    grouped_cov = rem[in_cover].groupby("category")["size"].agg(["count", "sum"])
    cats["households"] = [int(grouped["count"].get(c, 0)) for c in cats["category"]]
    cats["persons"] = [int(grouped["sum"].get(c, 0)) for c in cats["category"]]
    cats["covered_households"] = [int(grouped_cov["count"].get(c, 0)) for c in cats["category"]]
    cats["covered_persons"] = [int(grouped_cov["sum"].get(c, 0)) for c in cats["category"]]
    return Coverage(
        villages=table,
        villages_covered=int(covered.sum()),
        villages_total=len(table),
        households_covered=int(in_cover.sum()),
        households_total=len(rem),
        people_covered=int(rem.loc[in_cover, "size"].sum()),
        people_total=int(rem["size"].sum()),
        by_category=cats,
    )


def _require_metres(crs) -> None:
    if crs is None:
        raise ValueError("no CRS: declare one before measuring distances")
    if not crs.is_projected:
        raise ValueError(f"{crs.name} is in degrees: project to a metre CRS for distances")
