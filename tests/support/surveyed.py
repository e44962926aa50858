"""Surveyed-style boundaries: what a township office's 村界 shapefile looks like, made up.

Sketches (the demo's Voronoi villages) have ~17 vertices per village; boundaries surveyed for the
third land survey have hundreds, following streams and ridges, and neighbours share every vertex
of their common edge. :func:`roughen` turns any coverage into that: each shared edge is bent by
midpoint displacement seeded by the edge itself, so both neighbours get the same vertices and
the coverage stays gap- and overlap-free. :func:`county_layers` builds a county-size workspace
(villages grouped in townships, households to colour the map) from it, for benchmarks and
scale tests.
"""

from __future__ import annotations

import hashlib

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, MultiPoint, box

from tests.support.workspaces import WGS84

#: A Gauss-Krüger zone around 信丰县 (CGCS2000, CM 114°E), metres.
METRIC = "EPSG:4547"
#: The county's south-west corner in that zone, metres (near 115.0°E, 25.3°N).
ORIGIN = (600_000.0, 2_800_000.0)
#: A village's typical area in the 赣南 hills, km² (古陂镇: 311 km², 17 villages).
VILLAGE_KM2 = 18.0


def _edge_seed(line: LineString, seed: int) -> int:
    # The same edge read from either side gets the same seed (its ends, sorted).
    a, b = sorted((tuple(np.round(line.coords[0], 1)), tuple(np.round(line.coords[-1], 1))))
    return int.from_bytes(hashlib.blake2b(f"{a}{b}{seed}".encode(), digest_size=8).digest())


def _bend(line: LineString, depth: int, amplitude: float, seed: int) -> LineString:
    """``line`` with 2**depth segments per original segment, each midpoint pushed sideways."""
    rng = np.random.default_rng(_edge_seed(line, seed))
    pts = np.asarray(line.coords)
    if tuple(pts[0]) > tuple(pts[-1]):  # walk every edge in one direction
        pts = pts[::-1]
    for level in range(depth):
        mids = (pts[:-1] + pts[1:]) / 2
        d = pts[1:] - pts[:-1]
        normal = np.column_stack([-d[:, 1], d[:, 0]])
        shift = rng.normal(0.0, amplitude / (1.6**level), len(mids))
        mids = mids + normal * shift[:, None]
        out = np.empty((len(pts) + len(mids), 2))
        out[0::2], out[1::2] = pts, mids
        pts = out
    return LineString(pts)


def roughen(
    coverage: gpd.GeoSeries, vertices: int = 380, seed: int = 7, amplitude: float = 0.12
) -> gpd.GeoSeries:
    """``coverage`` (polygons sharing edges, a metric CRS) with about ``vertices`` vertices per
    polygon; shared edges stay shared, the outer boundary is bent too. Same index and order.
    """
    edges = shapely.line_merge(shapely.union_all(coverage.boundary.to_numpy()))
    parts = list(getattr(edges, "geoms", [edges]))
    per_polygon = float(np.mean(shapely.get_num_coordinates(coverage.to_numpy())))
    depth = max(0, int(np.ceil(np.log2(max(vertices / max(per_polygon, 1.0), 1.0)))))
    bent = [_bend(p, depth, amplitude, seed) for p in parts]
    # A bent edge may cross a neighbour's where two meet at a sharp angle: bend those less.
    for _ in range(6):
        tree = shapely.STRtree(bent)
        left, right = tree.query(bent, predicate="crosses")
        bad = sorted(set(left[left != right].tolist()))
        if not bad:
            break
        amplitude_of = {i: amplitude / 2 ** (1 + _) for i in bad}
        for i in bad:
            bent[i] = _bend(parts[i], depth, amplitude_of[i], seed)
    else:
        for i in bad:  # still crossing: keep the edge straight, densified alike
            bent[i] = _bend(parts[i], depth, 0.0, seed)
    faces = list(shapely.get_parts(shapely.polygonize(bent)))
    # Each face belongs to the polygon that contains most of it (the original cells).
    face_of, cell = shapely.STRtree(coverage.to_numpy()).query(
        shapely.point_on_surface(faces), predicate="within"
    )
    owner: dict[int, list] = {}
    for f, c in zip(face_of.tolist(), cell.tolist(), strict=True):
        owner.setdefault(c, []).append(faces[f])
    out = [
        (owner[i][0] if len(owner[i]) == 1 else shapely.union_all(owner[i]))
        if i in owner
        else coverage.iloc[i]
        for i in range(len(coverage))
    ]
    return gpd.GeoSeries(out, index=coverage.index, crs=coverage.crs).make_valid()


def voronoi_coverage(n: int, seed: int = 7, km2: float = VILLAGE_KM2) -> gpd.GeoSeries:
    """``n`` Voronoi cells of about ``km2`` each, filling a square, in :data:`METRIC`."""
    rng = np.random.default_rng(seed)
    side = float(np.sqrt(n * km2)) * 1000.0
    x0, y0 = ORIGIN
    frame = box(x0, y0, x0 + side, y0 + side)
    # Jittered grid seeds: cells of even size, as villages of one county roughly are.
    k = int(np.ceil(np.sqrt(n)))
    cells = [(i, j) for i in range(k) for j in range(k)]
    picked = rng.choice(len(cells), size=n, replace=False)
    step = side / k
    pts = [
        (x0 + (cells[c][0] + rng.uniform(0.2, 0.8)) * step,
         y0 + (cells[c][1] + rng.uniform(0.2, 0.8)) * step)
        for c in picked
    ]  # fmt: skip
    regions = shapely.voronoi_polygons(MultiPoint(pts), extend_to=frame)
    polys = [g.intersection(frame) for g in shapely.get_parts(regions)]
    # voronoi_polygons does not keep the seeds' order: give each cell back to its seed
    seed_of, cell = shapely.STRtree(polys).query(shapely.points(pts), predicate="within")
    order = dict(zip(seed_of.tolist(), cell.tolist(), strict=True))
    return gpd.GeoSeries([polys[order[i]] for i in range(n)], crs=METRIC)


def _townships_of(cells: gpd.GeoSeries, per_township: int, seed: int) -> np.ndarray:
    """A township number for each cell: neighbouring cells grouped, ~``per_township`` each."""
    centres = np.column_stack([cells.centroid.x, cells.centroid.y])
    t = max(1, round(len(cells) / per_township))
    rng = np.random.default_rng(seed)
    seeds = centres[rng.choice(len(centres), size=t, replace=False)]
    for _ in range(8):  # a few rounds of k-means: compact townships
        label = np.argmin(((centres[:, None, :] - seeds[None]) ** 2).sum(-1), axis=1)
        seeds = np.array(
            [centres[label == i].mean(0) if (label == i).any() else seeds[i] for i in range(t)]
        )
    return label


def county_layers(
    villages: int = 300,
    *,
    vertices: int = 380,
    per_township: int = 20,
    seed: int = 7,
    households: int = 40,
) -> dict[str, pd.DataFrame]:
    """A county-size workspace's layers: ``villages`` surveyed-style villages in townships of
    ~``per_township`` (their codes say which; each township's outline the union of its
    villages) of one county, 示意县 (360722), and ``households`` registered households per
    village, all synthetic."""
    cells = roughen(voronoi_coverage(villages, seed), vertices, seed)
    town = _townships_of(cells, per_township, seed)
    county = "360722"
    codes, names = [], []
    seq: dict[int, int] = {}
    for t in town:
        seq[t] = seq.get(t, 0) + 1
        codes.append(f"{county}{101 + int(t):03d}{200 + seq[t]:03d}")
        names.append(f"第{int(t) + 1}镇{seq[t]}村")
    rng = np.random.default_rng(seed)
    population = rng.integers(900, 4200, villages)
    v = gpd.GeoDataFrame(
        {
            "code": codes,
            "vintage": 2023,
            "name": names,
            "kind": "村",
            "poor_village": rng.random(villages) < 0.3,
            "poor_level": None,
            "pilot": False,
            "ethnic": None,
            "population": population,
            "households": population // 3,
            "villager_groups": rng.integers(8, 25, villages),
            "exit_year": None,
            "illustrative": True,
        },
        geometry=cells.to_numpy(),
        crs=METRIC,
    ).to_crs(WGS84)
    v.loc[v["poor_village"], "poor_level"] = "省级"
    towns = sorted(set(int(t) for t in town))
    township = gpd.GeoDataFrame(
        {
            "code": [f"{county}{101 + t:03d}" for t in towns],
            "name": [f"第{t + 1}镇" for t in towns],
            "county": "示意县",
            "city": "赣州市",
            "province": "江西省",
            "population": [int(population[town == t].sum()) for t in towns],
            "villager_groups": [int(v["villager_groups"][town == t].sum()) for t in towns],
            "illustrative": True,
        },
        geometry=[shapely.union_all(cells.to_numpy()[town == t]) for t in towns],
        crs=METRIC,
    ).to_crs(WGS84)
    return {
        "township": township,
        "villages": v,
        "households": _households(codes, seed, households),
    }


def _households(codes: list[str], seed: int, per_village: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 1)
    n = len(codes) * per_village
    status = rng.choice(["已脱贫", "未脱贫", "监测"], n, p=[0.8, 0.15, 0.05])
    identified = rng.integers(2014, 2019, n)
    exit_year = np.where(status == "已脱贫", identified + rng.integers(1, 6, n), np.nan)
    return pd.DataFrame(
        {
            "household_id": [f"{c}-{i:04d}" for c in codes for i in range(1, per_village + 1)],
            "village_code": np.repeat(codes, per_village),
            "size": rng.integers(1, 7, n),
            "category": rng.choice(["一般贫困户", "低保户", "特困供养户"], n, p=[0.7, 0.25, 0.05]),
            "cause": rng.choice(["01", "02", "05", "08"], n),
            "identified_year": identified,
            "exit_year": exit_year,
            "return_year": None,
            "status": status,
            "monitor_kind": np.where(status == "监测", "脱贫不稳定户", None),
            "monitor_year": np.where(status == "监测", 2021, np.nan),
            "dangerous_house": False,
            "unsafe_water": "否",
            "income_per_capita": rng.normal(7000, 2000, n).clip(800).round(1),
            "relocation_site": None,
        }
    )
