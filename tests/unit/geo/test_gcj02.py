"""WGS84 ⇄ GCJ-02 (geo/gcj02.py) against published reference points, and on geometries."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import (
    GeometryCollection,
    LineString,
    MultiLineString,
    MultiPolygon,
    Point,
    Polygon,
)

from township_atlas.geo import gcj02

GEOD = Geod(ellps="WGS84")

# Published WGS84 → GCJ-02 pairs, (lon, lat) → (lon, lat):
REFERENCE = [
    # 高德 (AMap) Web Service API, 坐标转换 (lbs.amap.com/api/webservice/guide/api/convert): the
    # documented request locations=116.481499,39.990475|116.481499,39.990375&coordsys=gps and its
    # documented response (AMap's API reference, apifox.com/apidoc/docs-site/759159/api-14671355).
    ((116.481499, 39.990475), (116.487585177952, 39.991754014757)),
    ((116.481499, 39.990375), (116.487585177952, 39.991653917101)),
    # eviltransform's test vectors (github.com/googollee/eviltransform, go/transform_test.go):
    # Shanghai, Shenzhen, Beijing.
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),
]


def metres(lon1, lat1, lon2, lat2):
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]


@pytest.mark.parametrize(("wgs", "gcj"), REFERENCE)
def test_forward_matches_published_points_within_a_metre(wgs, gcj):
    lon, lat = gcj02.wgs84_to_gcj02(*wgs)
    assert isinstance(lon, float) and isinstance(lat, float)
    assert metres(lon, lat, *gcj) < 1.0


@pytest.mark.parametrize(("wgs", "gcj"), REFERENCE)
def test_inverse_of_published_points_within_a_metre(wgs, gcj):
    assert metres(*gcj02.gcj02_to_wgs84(*gcj), *wgs) < 1.0


def china_points(n: int = 2000):
    rng = np.random.default_rng(5)
    return rng.uniform(75.0, 134.0, n), rng.uniform(18.0, 53.0, n)


def test_round_trip_in_china_within_a_millionth_of_a_degree():
    lon, lat = china_points()
    back_lon, back_lat = gcj02.gcj02_to_wgs84(*gcj02.wgs84_to_gcj02(lon, lat))
    assert np.abs(back_lon - lon).max() < 1e-6
    assert np.abs(back_lat - lat).max() < 1e-6


def test_inverse_is_iterated_well_below_the_packages_rough_step():
    # The package's own inverse is about a metre off; ours reproduces the GCJ-02 input.
    g_lon, g_lat = china_points()
    w_lon, w_lat = gcj02.gcj02_to_wgs84(g_lon, g_lat)
    again_lon, again_lat = gcj02.wgs84_to_gcj02(w_lon, w_lat)
    assert np.abs(again_lon - g_lon).max() < 1e-7
    assert np.abs(again_lat - g_lat).max() < 1e-7


def test_the_shift_near_gupi_is_about_500_m():
    lon, lat = gcj02.wgs84_to_gcj02(115.1, 25.27)
    assert 300 < metres(115.1, 25.27, lon, lat) < 700


def test_points_outside_china_are_unchanged():
    places = {
        "Paris": (2.3522, 48.8566),
        "New York": (-74.006, 40.7128),
        "Sydney": (151.2093, -33.8688),
        "Tokyo": (139.6917, 35.6895),
        "Singapore": (103.8198, 1.3521),
        "Null Island": (0.0, 0.0),
    }
    lon, lat = (np.array(c) for c in zip(*places.values(), strict=True))
    for fn in (gcj02.wgs84_to_gcj02, gcj02.gcj02_to_wgs84):
        out_lon, out_lat = fn(lon, lat)
        np.testing.assert_array_equal(out_lon, lon)
        np.testing.assert_array_equal(out_lat, lat)


def test_arrays_keep_their_shape_and_match_point_by_point():
    lon, lat = china_points(12)
    grid_lon, grid_lat = gcj02.wgs84_to_gcj02(lon.reshape(3, 4), lat.reshape(3, 4))
    assert grid_lon.shape == grid_lat.shape == (3, 4)
    one_by_one = [gcj02.wgs84_to_gcj02(x, y) for x, y in zip(lon, lat, strict=True)]
    np.testing.assert_allclose(grid_lon.ravel(), [p[0] for p in one_by_one], rtol=0, atol=1e-12)
    np.testing.assert_allclose(grid_lat.ravel(), [p[1] for p in one_by_one], rtol=0, atol=1e-12)
    empty = gcj02.gcj02_to_wgs84([], [])
    assert empty[0].shape == empty[1].shape == (0,)


SHAPES = [
    Point(115.1, 25.27),
    Point(115.1, 25.27, 180.0),
    LineString([(115.0, 25.2), (115.1, 25.3), (115.2, 25.25)]),
    Polygon(
        [(115.0, 25.2), (115.2, 25.2), (115.2, 25.4), (115.0, 25.4)],
        [[(115.05, 25.25), (115.1, 25.25), (115.1, 25.3)]],
    ),
    MultiPolygon([Polygon([(115.0, 25.2), (115.1, 25.2), (115.1, 25.3)])] * 2),
    MultiLineString([[(115.0, 25.2), (115.1, 25.3)], [(115.2, 25.2), (115.1, 25.1)]]),
    GeometryCollection([Point(115.1, 25.3), LineString([(115.0, 25.2), (115.1, 25.3)])]),
    Polygon(),
]


def test_geometry_transform_keeps_types_parts_and_z():
    shifted = gcj02.geometry_to_gcj02(np.array([*SHAPES, None], dtype=object))
    assert shifted[-1] is None
    for before, after in zip(SHAPES, shifted[:-1], strict=True):
        assert after.geom_type == before.geom_type
        assert after.has_z == before.has_z
        assert shapely.get_num_coordinates(after) == shapely.get_num_coordinates(before)
        assert shapely.get_num_geometries(after) == shapely.get_num_geometries(before)
        if before.is_empty:
            assert after.is_empty
            continue
        assert not after.equals(before)
        assert metres(*before.centroid.coords[0][:2], *after.centroid.coords[0][:2]) > 300
        # The inverse brings every vertex back.
        back = gcj02.geometry_to_wgs84(after)
        np.testing.assert_allclose(
            shapely.get_coordinates(back, include_z=True),
            shapely.get_coordinates(before, include_z=True),
            atol=1e-9,
        )
    assert shifted[1].z == 180.0
    assert len(shifted[3].interiors) == 1


def test_to_gcj02_shifts_a_frame_and_keeps_everything_else():
    frame = gpd.GeoDataFrame(
        {"name": list("abcdefgh"), "n": range(8)},
        geometry=SHAPES,
        crs="EPSG:4326",
        index=list(range(10, 18)),
    )
    out = gcj02.to_gcj02(frame)
    assert out is not frame and frame.geometry.iloc[0].equals(SHAPES[0])  # input untouched
    assert out.crs.equals(frame.crs)
    assert list(out.index) == list(frame.index) and list(out.columns) == list(frame.columns)
    assert list(out.geom_type) == list(frame.geom_type)
    assert out["name"].tolist() == frame["name"].tolist()
    expected = gcj02.wgs84_to_gcj02(115.1, 25.27)
    np.testing.assert_allclose(out.geometry.iloc[0].coords[0], expected, atol=1e-12)
    series = gcj02.to_gcj02(frame.geometry)
    assert isinstance(series, gpd.GeoSeries) and series.iloc[2].equals(out.geometry.iloc[2])


def test_to_gcj02_reprojects_other_crs_and_refuses_none():
    frame = gpd.GeoDataFrame(geometry=[Point(115.1, 25.27)], crs="EPSG:4326")
    gauss_kruger = frame.to_crs("EPSG:4548")  # CGCS2000 3° zone, central meridian 117°E
    out = gcj02.to_gcj02(gauss_kruger)
    assert out.crs.equals(frame.crs)
    np.testing.assert_allclose(
        out.geometry.iloc[0].coords[0], gcj02.wgs84_to_gcj02(115.1, 25.27), atol=1e-8
    )
    with pytest.raises(ValueError, match="no CRS"):
        gcj02.to_gcj02(gpd.GeoDataFrame(geometry=[Point(115.1, 25.27)]))
