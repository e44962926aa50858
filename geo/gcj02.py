"""WGS84 ⇄ GCJ-02, the shifted datum of 高德 (AMap), Tencent and other Chinese web maps.

pyproj cannot do GCJ-02: it is no geodetic datum but an obfuscation published only as code. The
forward formula comes from the ``coordtransform`` package (MIT; a C-accelerated build of the widely
used coordTransform_py), which takes whole arrays at once. The package's inverse is one rough step
(about a metre off), so :func:`gcj02_to_wgs84` refines it by fixed-point iteration on the forward
formula until it reproduces the GCJ-02 input to ``1e-10`` degrees.

Outside the package's China box (73.66–135.05°E, 3.86–53.55°N) coordinates are left unchanged,
as every GCJ-02 map does. A frame shifted to GCJ-02 keeps the label EPSG:4326: GCJ-02 has no
EPSG code, and only a map drawn on GCJ-02 tiles should ever see it.
"""

from __future__ import annotations

from typing import TypeVar, overload

import coordTransform
import geopandas as gpd
import numpy as np
import shapely

from .schema import WGS84

#: Largest change of the last inverse step, in degrees (1e-10° is about 0.01 mm).
INVERSE_TOLERANCE = 1e-10
_MAX_STEPS = 20

Frame = TypeVar("Frame", gpd.GeoDataFrame, gpd.GeoSeries)


def _forward(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The package's forward shift of two flat float64 arrays."""
    if lon.size == 0:
        return lon.copy(), lat.copy()
    out_lon, out_lat = coordTransform.wgs84_to_gcj02(lon, lat)
    return np.asarray(out_lon, dtype=float), np.asarray(out_lat, dtype=float)


def _inverse(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if lon.size == 0:
        return lon.copy(), lat.copy()
    # The package's own inverse is a good first guess (about 1 m off) ...
    w_lon, w_lat = (np.asarray(a, dtype=float) for a in coordTransform.gcj02_to_wgs84(lon, lat))
    # ... and the shift changes slowly with position, so each step gains two or three digits.
    for _ in range(_MAX_STEPS):
        g_lon, g_lat = _forward(w_lon, w_lat)
        d_lon, d_lat = g_lon - lon, g_lat - lat
        w_lon, w_lat = w_lon - d_lon, w_lat - d_lat
        worst = np.nanmax(np.abs(np.concatenate([d_lon, d_lat])), initial=0.0)
        if not worst > INVERSE_TOLERANCE:  # also stops on all-NaN input
            break
    return w_lon, w_lat


def _apply(fn, lon, lat):
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    lon_b, lat_b = np.broadcast_arrays(lon_a, lat_a)
    shape = lon_b.shape
    out_lon, out_lat = fn(np.ascontiguousarray(lon_b).ravel(), np.ascontiguousarray(lat_b).ravel())
    if shape == ():
        return float(out_lon[0]), float(out_lat[0])
    return out_lon.reshape(shape), out_lat.reshape(shape)


@overload
def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]: ...
@overload
def wgs84_to_gcj02(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...
def wgs84_to_gcj02(lon, lat):
    """GCJ-02 ``(lon, lat)`` of WGS84 ``(lon, lat)``: floats for floats, arrays for array-likes."""
    return _apply(_forward, lon, lat)


@overload
def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]: ...
@overload
def gcj02_to_wgs84(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...
def gcj02_to_wgs84(lon, lat):
    """WGS84 ``(lon, lat)`` of GCJ-02 ``(lon, lat)``, exact to :data:`INVERSE_TOLERANCE`."""
    return _apply(_inverse, lon, lat)


def _on_xy(fn):
    def transform(coords: np.ndarray) -> np.ndarray:
        out = np.array(coords, dtype=float)  # a copy; a third (z) column passes through
        x, y = np.ascontiguousarray(coords[:, 0]), np.ascontiguousarray(coords[:, 1])
        out[:, 0], out[:, 1] = fn(x, y)
        return out

    return transform


def geometry_to_gcj02(geometry):
    """Shift a shapely geometry, or an array of them (``None`` stays ``None``), to GCJ-02.

    Types, parts, ring order and any z values are kept; only x and y move.
    """
    return shapely.transform(geometry, _on_xy(_forward), include_z=None)


def geometry_to_wgs84(geometry):
    """The inverse of :func:`geometry_to_gcj02`."""
    return shapely.transform(geometry, _on_xy(_inverse), include_z=None)


def to_gcj02(frame: Frame) -> Frame:
    """A copy of ``frame`` with every geometry column shifted from WGS84 to GCJ-02.

    ``frame`` must declare a CRS; one other than EPSG:4326 is reprojected to it first (CGCS2000,
    EPSG:4490, is the same at map scale). The result is still labelled EPSG:4326.
    """
    if frame.crs is None:
        raise ValueError("frame has no CRS: GCJ-02 is a shift of WGS84 longitudes and latitudes")
    out = frame.to_crs(WGS84) if not frame.crs.equals(WGS84) else frame.copy()
    if isinstance(out, gpd.GeoSeries):
        return gpd.GeoSeries(
            geometry_to_gcj02(out.to_numpy()), index=out.index, crs=out.crs, name=out.name
        )
    for column in out.columns:
        if isinstance(out[column].dtype, gpd.array.GeometryDtype):
            crs = out[column].crs
            out[column] = gpd.GeoSeries(
                geometry_to_gcj02(out[column].to_numpy()), index=out.index, crs=crs
            )
    return out
