"""The demo's geometry, drawn in the township's Gauss-Krüger metres: an invented outline of
the township's area, a Voronoi sketch of its units around their seeds, and hand-drawn-looking
roads and rivers. Illustrative (示意) only: no public offline source has these boundaries.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.ops import nearest_points

from ..geo.crs import gauss_kruger_epsg
from ..geo.schema import WGS84
from .demo_township import (
    _PARK_VILLAGES,
    _SEAT_UNIT,
    AREA_KM2,
    COUNTY_SEAT_LONLAT,
    SEAT_LONLAT,
    UNITS,
)

# ----------------------------------------------------------------------------- geometry helpers


#: Outline centre relative to the seat (metres east, north): the seat sits in the northern plain,
#: the 金盆山 hills fill the south.
_CENTRE_OFFSET = (800.0, -3800.0)
_LLOYD_STEPS, _LLOYD_DAMPING = 2, 0.3


def _metric() -> CRS:
    return CRS.from_epsg(gauss_kruger_epsg(SEAT_LONLAT[0]))


def _to_metric() -> Transformer:
    return Transformer.from_crs(WGS84, _metric(), always_xy=True)


def _unit_vector(bearing: float) -> np.ndarray:
    rad = math.radians(bearing)
    return np.array([math.sin(rad), math.cos(rad)])


def _ray_reach(outline: Polygon, centre: np.ndarray, bearing: float) -> float:
    """Distance from ``centre`` to the outline's boundary along ``bearing`` (metres)."""
    far = centre + _unit_vector(bearing) * 100_000
    hit = LineString([tuple(centre), tuple(far)]).intersection(outline.exterior)
    points = list(getattr(hit, "geoms", [hit]))
    return min(Point(centre).distance(p) for p in points)


def _inside(poly, point: Point, margin: float = 150.0) -> Point:
    """``point`` if it lies ``margin`` metres inside ``poly``, else the nearest point that does."""
    inner = poly.buffer(-margin)
    if inner.is_empty:
        return poly.representative_point()
    if inner.contains(point):
        return point
    near = nearest_points(inner, point)[0]
    if poly.contains(near):
        return near
    return inner.representative_point()


def _as_multi(geom) -> MultiPolygon:
    parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon" and g.area > 1]
    return MultiPolygon(parts)


def _blob(rng: np.random.Generator, centre: np.ndarray, radius: float, n: int = 48) -> Polygon:
    """A smooth irregular closed shape: a random-radius star around ``centre``."""
    theta = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = np.ones(n)
    for k in range(2, 6):
        r += rng.uniform(0.03, 0.10) / math.sqrt(k - 1) * np.cos(k * theta + rng.uniform(0, 6.3))
    xs = centre[0] + radius * r * np.cos(theta)
    ys = centre[1] + radius * r * np.sin(theta)
    return Polygon(zip(xs, ys, strict=True))


def _outline(rng: np.random.Generator, centre: np.ndarray) -> Polygon:
    """The township outline: a smoothed random star, stretched north-south, of ``AREA_KM2``."""
    n = 144
    theta = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = np.ones(n)
    for k in range(2, 7):
        r += rng.uniform(0.05, 0.12) / (k - 1) * np.cos(k * theta + rng.uniform(0, 6.3))
    for k in range(7, 14):
        r += rng.uniform(0.004, 0.012) * np.cos(k * theta + rng.uniform(0, 6.3))
    xs = r * np.cos(theta)
    ys = 1.18 * r * np.sin(theta)
    unit = Polygon(zip(xs, ys, strict=True))
    scale = math.sqrt(AREA_KM2 * 1e6 / unit.area)
    return Polygon(zip(centre[0] + scale * xs, centre[1] + scale * ys, strict=True))


@dataclass(frozen=True)
class _Sketch:
    outline: Polygon
    cells: dict[str, MultiPolygon]
    centres: dict[str, Point]
    seat: Point
    county_seat: Point


def _sketch(rng: np.random.Generator) -> _Sketch:
    """Outline, village cells and village centres in the metre CRS."""
    to_m = _to_metric()
    seat = np.array(to_m.transform(*SEAT_LONLAT))
    county_seat = np.array(to_m.transform(*COUNTY_SEAT_LONLAT))
    centre = seat + np.array(_CENTRE_OFFSET)
    outline = _outline(rng, centre)

    others = [u for u in UNITS if u.name != _SEAT_UNIT]
    jitter = rng.normal(0, 250, (len(others), 2))
    seeds = seat + np.array([[u.east_km * 1000, u.north_km * 1000] for u in others]) + jitter
    fixed = np.array([u.name == "古陂村" for u in others])

    def cells_of(points: np.ndarray) -> list:
        # matched to their seeds by containment (``ordered=`` needs shapely 2.1)
        diagram = list(
            shapely.voronoi_polygons(
                shapely.MultiPoint(points), extend_to=outline.buffer(20_000)
            ).geoms
        )
        cells = []
        for x, y in points:
            cell = next(c for c in diagram if c.contains(Point(x, y)))
            cells.append(cell.intersection(outline))
        return cells

    # Two damped Lloyd steps even out the cells while keeping the hand layout's character.
    for _ in range(_LLOYD_STEPS):
        cells = cells_of(seeds)
        cents = np.array([[c.centroid.x, c.centroid.y] for c in cells])
        step = np.where(fixed[:, None], 0.0, _LLOYD_DAMPING)
        seeds = seeds + step * (cents - seeds)
    cells = cells_of(seeds)

    # A residents' committee is the small built-up town: carve it out of the cells around the
    # seat (a Voronoi cell cannot be made this small without crowding its neighbours).
    town = _blob(rng, seat + np.array([150.0, 100.0]), 1150.0).intersection(outline)
    result: dict[str, MultiPolygon] = {_SEAT_UNIT: _as_multi(town)}
    centres: dict[str, Point] = {_SEAT_UNIT: Point(seat)}
    for u, cell, seed in zip(others, cells, seeds, strict=True):
        poly = _as_multi(cell.difference(town))
        result[u.name] = poly
        centres[u.name] = _inside(poly, Point(seed), 400.0)
    return _Sketch(outline, result, centres, Point(seat), Point(county_seat))


def _frame(rows: list[dict], geoms: list, crs: CRS) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=crs).to_crs(WGS84)


# ----------------------------------------------------------------------------- roads and rivers


def _wiggle(rng: np.random.Generator, points: list[np.ndarray], amount: float = 0.08) -> list:
    """Displace midpoints twice over (midpoint displacement) so lines look hand-drawn.

    The given vertices are kept, so lines that share an end still meet exactly.
    """
    pts = [np.asarray(p, dtype=float) for p in points]
    for level in range(2):
        out = [pts[0]]
        for p, q in itertools.pairwise(pts):
            d = q - p
            normal = np.array([-d[1], d[0]])
            out.append((p + q) / 2 + normal * rng.uniform(-amount, amount) / (level + 1))
            out.append(q)
        pts = out
    return [tuple(p) for p in pts]


#: Village roads: (village, the village it branches from or None for the seat, class).
_VILLAGE_ROADS = (
    ("古陂村", None, "乡道"),
    ("太平村", None, "乡道"),
    ("阳光村", None, "乡道"),
    ("茶坳村", None, "乡道"),
    ("墩高村", None, "乡道"),
    ("天光村", "太平村", "村道"),
    ("枫树村", "墩高村", "村道"),
    ("石背村", "枫树村", "村道"),
    ("大屋村", "圳玄村", "村道"),
    ("中坑村", "茶坳村", "村道"),
    ("余村村", "李田村", "村道"),
)
#: Unpaved tracks to remote hamlets (村民小组): (village, hamlet, compass bearing).
_TRACKS = (("中坑村", "坑尾组", 150.0), ("石背村", "上石组", 215.0))


def _short(name: str | None) -> str:
    """``古陂`` for the seat, else the village name without its ``村`` suffix (余村村 -> 余村)."""
    return "古陂" if name is None else name.removesuffix("村")


def _edge(sk: _Sketch, bearing: float, beyond: float) -> np.ndarray:
    """A point ``beyond`` metres outside the outline, along ``bearing`` from its centroid."""
    centre = np.array(sk.outline.centroid.coords[0])
    return centre + _unit_vector(bearing) * (_ray_reach(sk.outline, centre, bearing) + beyond)


def _park_point(sk: _Sketch) -> Point:
    """Middle of the boundary shared by 太平村 and 天光村 (where 大唐工业园 lies)."""
    a, b = (sk.cells[n] for n in _PARK_VILLAGES)
    border = shapely.line_merge(a.boundary.intersection(b.boundary))
    if border.is_empty:
        raise RuntimeError("demo layout: 太平村 and 天光村 must be neighbours")
    if border.geom_type != "LineString":
        border = max(border.geoms, key=lambda g: g.length)
    return border.interpolate(0.5, normalized=True)


def _roads(rng: np.random.Generator, sk: _Sketch) -> gpd.GeoDataFrame:
    seat = np.array(sk.seat.coords[0])

    def pt(name: str | None) -> np.ndarray:
        return seat if name is None else np.array(sk.centres[name].coords[0])

    west = np.array(sk.county_seat.coords[0])
    start = seat + (west - seat) * 0.6
    rows, geoms = [], []

    def add(name, cls, coords, paved=True):
        rows.append(
            {"road_id": f"R{len(rows) + 1:03d}", "name": name, "road_class": cls, "paved": paved}
        )
        geoms.append(LineString(coords))

    park = np.array(_park_point(sk).coords[0])
    national = [start, park, seat, pt("新屋村"), pt("李田村"), _edge(sk, 112, 1500)]
    add("国道信安线", "国道", _wiggle(rng, national, 0.03))
    add("县道古陂至金盆山线", "县道", _wiggle(rng, [seat, pt("圳玄村"), pt("金盆山居委会")]))
    add("县道古陂至赣县线", "县道", _wiggle(rng, [seat, pt("黎明村"), _edge(sk, 350, 1500)]))
    for name, parent, cls in _VILLAGE_ROADS:
        coords = _wiggle(rng, [pt(parent), pt(name)], 0.1)
        add(f"{_short(parent)}至{name}{cls}", cls, coords)
    for name, hamlet, bearing in _TRACKS:
        c = pt(name)
        end = _inside(sk.cells[name], Point(c + _unit_vector(bearing) * 3000), 200)
        coords = _wiggle(rng, [c, np.array(end.coords[0])], 0.12)
        add(f"{_short(name)}至{hamlet}村道", "村道", coords, paved=False)
    return _frame(rows, geoms, _metric())


def _rivers(rng: np.random.Generator, sk: _Sketch) -> gpd.GeoDataFrame:
    seat = np.array(sk.seat.coords[0])

    def pt(name: str) -> np.ndarray:
        return np.array(sk.centres[name].coords[0])

    main = [
        pt("金盆山居委会") + np.array([400.0, -1200.0]),
        pt("圳玄村") + np.array([500.0, 0.0]),
        seat + np.array([450.0, -600.0]),
        seat + np.array([350.0, 700.0]),
        pt("黎明村") + np.array([900.0, 0.0]),
        _edge(sk, 10, 1200),
    ]
    join = seat + np.array([450.0, -2400.0])
    branch = [pt("中坑村") + np.array([300.0, -500.0]), pt("茶坳村"), join]
    rows = [
        {"river_id": "W01", "name": "古陂河(示意)"},
        {"river_id": "W02", "name": "中坑水(示意)"},
    ]
    main_line = _wiggle(rng, main, 0.1)
    # the branch ends on the main river
    river = LineString(main_line)
    end = river.interpolate(river.project(Point(join)))
    branch[-1] = np.array(end.coords[0])
    geoms = [river, LineString(_wiggle(rng, branch, 0.1))]
    return _frame(rows, geoms, _metric())
