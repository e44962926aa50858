"""Coordinate reference systems: WGS84 for storage, a metre CRS for distances and areas.

Distances and areas are never computed in degrees. The metre CRS is the CGCS2000 3-degree
Gauss-Krüger zone (EPSG:4534–4554, central meridians 75°E–135°E) that holds the data, the
system Chinese survey offices use; outside China's longitudes it falls back to UTM.
"""

from __future__ import annotations

import functools

import geopandas as gpd
import numpy as np
from pyproj import CRS, Transformer

from .schema import WGS84

WGS84_CRS = CRS.from_user_input(WGS84)


def gauss_kruger_epsg(longitude: float) -> int:
    """EPSG code of the CGCS2000 3° Gauss-Krüger zone (CM variant) whose meridian is nearest."""
    meridian = 3 * round(longitude / 3)
    if not 75 <= meridian <= 135:
        raise ValueError(f"longitude {longitude} is outside the CGCS2000 3° zones (73.5–136.5°E)")
    return 4534 + (meridian - 75) // 3


def metric_crs(frame: gpd.GeoDataFrame) -> CRS:
    """A projected metre CRS suitable for ``frame`` (which must have a CRS)."""
    if frame.crs is None:
        raise ValueError("frame has no CRS: declare one before measuring distances")
    bounds = _wgs84_bounds(frame)
    lon = bounds[[0, 2]].mean()
    try:
        return CRS.from_epsg(gauss_kruger_epsg(lon))
    except ValueError:
        lat = bounds[[1, 3]].mean()
        zone = int((lon + 180) // 6) + 1
        return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def _wgs84_bounds(frame: gpd.GeoDataFrame) -> np.ndarray:
    """The frame's bounds in WGS84: its own when it is stored so, else those of a grid of
    points over its bounding box reprojected, so a county of surveyed villages already in
    metres is not reprojected vertex by vertex only to pick a zone."""
    bounds = np.asarray(frame.total_bounds, dtype=float)
    if not np.isfinite(bounds).all() or CRS.from_user_input(frame.crs).equals(WGS84_CRS):
        return bounds
    xs, ys = np.meshgrid(np.linspace(*bounds[[0, 2]], 9), np.linspace(*bounds[[1, 3]], 9))
    lon, lat = _to_wgs84(CRS.from_user_input(frame.crs)).transform(xs.ravel(), ys.ravel())
    return np.array([np.min(lon), np.min(lat), np.max(lon), np.max(lat)])


@functools.lru_cache(maxsize=32)
def _to_wgs84(crs: CRS) -> Transformer:
    # building a transformer costs ~70 ms; a session uses one or two CRSs
    return Transformer.from_crs(crs, WGS84_CRS, always_xy=True)


def to_metric(frame: gpd.GeoDataFrame, crs: CRS | str | None = None) -> gpd.GeoDataFrame:
    """``frame`` reprojected to ``crs`` or, by default, to :func:`metric_crs` of itself."""
    # Any CRS geopandas accepts ("EPSG:4547" too), so the degree check below always runs
    target = metric_crs(frame) if crs is None else CRS.from_user_input(crs)
    if not target.is_projected:
        raise ValueError(f"{target.name} is geographic (degrees): distances need a metre CRS")
    return frame.to_crs(target)


def areas_km2(frame: gpd.GeoDataFrame) -> list[float]:
    """Area of each geometry in km², measured in the metre CRS."""
    return list(to_metric(frame).area / 1e6)
