"""Boundaries as the screen needs them: simplified as one coverage, coordinates rounded.

Surveyed village boundaries carry hundreds of vertices each, metres apart; a map showing a
county draws a village in a few dozen pixels. Sending every vertex makes the page megabytes
(issue 16: 3.5 MB for 300 villages). :func:`display_coverage` simplifies all villages together
with GEOS's coverage simplification, so a shared edge is simplified once and stays shared (no
slivers or gaps between neighbours, unlike simplifying each polygon), to a tolerance set by the
extent shown; :func:`display_decimals` says how many decimals of a degree that tolerance needs.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from .crs import to_metric

#: The map's width in screen pixels that the tolerance is chosen for (a 1600-px screen); a
#: tolerance of ``extent / DETAIL_PIXELS`` keeps what a user sees at the whole-area view and
#: two zoom levels closer.
DETAIL_PIXELS = 1600
#: Metres per degree of latitude (and of longitude at the equator; less further north).
METRES_PER_DEGREE = 111_320.0


def display_tolerance_m(*frames: gpd.GeoDataFrame, pixels: int = DETAIL_PIXELS) -> float:
    """The simplification tolerance (metres) for showing the extent of ``frames`` ``pixels``
    wide: one pixel at that view, never below a metre."""
    boxes = [f.to_crs(4326).total_bounds for f in frames if not f.empty]
    if not boxes:
        return 1.0
    w, s, e, n = (*np.min(boxes, axis=0)[:2], *np.max(boxes, axis=0)[2:])
    mid = math.radians((s + n) / 2)
    extent = max((e - w) * math.cos(mid), n - s) * METRES_PER_DEGREE
    return max(float(extent) / pixels, 1.0)


def display_decimals(tolerance_m: float) -> int:
    """Decimals of a degree that keep coordinates within a quarter of ``tolerance_m``
    (between 4, about 10 m, and 6, about 0.1 m)."""
    step = max(tolerance_m, 1e-9) / 4 / METRES_PER_DEGREE
    return int(min(6, max(4, math.ceil(-math.log10(step)))))


def display_coverage(frame: gpd.GeoDataFrame, tolerance_m: float | None = None) -> gpd.GeoDataFrame:
    """``frame`` (polygons, e.g. the villages) with its geometry simplified for display, as
    one coverage; same rows, same CRS. ``tolerance_m``: default :func:`display_tolerance_m`.

    Where the polygons are not a clean coverage (overlaps or gaps in an imported file), each
    polygon is simplified on its own, keeping its topology; a polygon the simplification would
    empty keeps its own shape.
    """
    if frame.empty:
        return frame.copy()
    tolerance = display_tolerance_m(frame) if tolerance_m is None else tolerance_m
    metric = to_metric(frame)
    geoms = metric.geometry.to_numpy()
    if shapely.coverage_is_valid(geoms):
        simple = shapely.coverage_simplify(geoms, tolerance)
    else:
        simple = shapely.simplify(geoms, tolerance, preserve_topology=True)
    broken = shapely.is_empty(simple) | ~shapely.is_valid(simple)
    simple = np.where(broken, geoms, simple)
    back = gpd.GeoSeries(simple, index=frame.index, crs=metric.crs).to_crs(frame.crs)
    out = frame.copy()
    out[frame.geometry.name] = back
    return out


def round_coordinates(
    geoms: shapely.Geometry | np.ndarray, decimals: int
) -> shapely.Geometry | np.ndarray:
    """``geoms`` (an array of geometries, or one) with every coordinate rounded to
    ``decimals``: six (~0.1 m) are more than a screen shows and halve a page's script."""
    return shapely.transform(geoms, lambda xy: np.round(xy, decimals))


@dataclass(frozen=True)
class Display:
    """The villages and the township outline as a map sends them to the browser."""

    #: The villages' geometry, simplified and rounded, in the villages' order and CRS.
    villages: gpd.GeoSeries
    #: The township layer with its geometry simplified and rounded alike.
    outline: gpd.GeoDataFrame
    tolerance_m: float
    decimals: int


_MEMO: OrderedDict[bytes, Display] = OrderedDict()
_MEMO_SIZE = 8
_MEMO_LOCK = threading.Lock()


def _digest(*frames: gpd.GeoDataFrame) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for frame in frames:
        h.update(str(frame.crs).encode())
        for wkb in shapely.to_wkb(frame.geometry.to_numpy()):
            h.update(wkb or b"")
    return h.digest()


def for_display(villages: gpd.GeoDataFrame, township: gpd.GeoDataFrame) -> Display:
    """The villages simplified as one coverage for the view of their whole extent, and the
    township outline from the same simplified coverage (when the villages fill it; else the
    outline simplified on its own). Remembered by the geometry itself: a rerun, a year or an
    indicator change costs a hash, the boundaries' first drawing the simplification."""
    key = _digest(villages, township)
    with _MEMO_LOCK:
        if key in _MEMO:
            _MEMO.move_to_end(key)
            return _MEMO[key]
    made = _make_display(villages, township)
    with _MEMO_LOCK:
        _MEMO[key] = made
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    return made


def _make_display(villages: gpd.GeoDataFrame, township: gpd.GeoDataFrame) -> Display:
    tolerance = display_tolerance_m(villages, township)
    decimals = display_decimals(tolerance)
    shown = display_coverage(villages, tolerance)
    outline = township.copy()
    if not township.empty:
        outline[township.geometry.name] = _outline(shown, township, tolerance)
    return Display(
        villages=gpd.GeoSeries(
            round_coordinates(shown.geometry.to_numpy(), decimals),
            index=villages.index,
            crs=villages.crs,
        ),
        outline=outline.set_geometry(
            round_coordinates(outline.geometry.to_numpy(), decimals), crs=township.crs
        ),
        tolerance_m=tolerance,
        decimals=decimals,
    )


def _outline(
    shown: gpd.GeoDataFrame, township: gpd.GeoDataFrame, tolerance_m: float
) -> gpd.GeoSeries:
    """Each township's geometry for display: the union of its simplified villages (those
    whose code its code starts; all of them for a township layer of one row) when they fill
    the township (to 1 % of its area), so the outline runs exactly along the villages' outer
    edges and two townships share theirs; otherwise the township's own geometry simplified."""
    metric = to_metric(township)
    out = shapely.simplify(metric.geometry.to_numpy(), tolerance_m, preserve_topology=True)
    if len(shown):
        villages = to_metric(shown.to_crs(township.crs))
        codes = villages["code"].astype(str) if "code" in villages else None
        for i, (own, code) in enumerate(zip(metric.geometry, township["code"], strict=True)):
            mine = (
                villages
                if len(township) == 1 or codes is None
                else villages[codes.str.startswith(str(code)).to_numpy()]
            )
            if own is None or not own.area or not len(mine):
                continue
            union = mine.union_all()
            if union.symmetric_difference(own).area < 0.01 * own.area:
                out[i] = union
    return gpd.GeoSeries(out, index=township.index, crs=metric.crs).to_crs(township.crs)
