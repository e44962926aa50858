"""Unit tests for geo/crs.py: distances and areas are measured in metres, never in degrees."""

from __future__ import annotations

import math

import geopandas as gpd
import pytest
from pyproj import CRS
from shapely.geometry import Point, box

from township_atlas.geo.crs import areas_km2, gauss_kruger_epsg, metric_crs, to_metric

WGS84 = "EPSG:4326"

# WGS84 ellipsoid, for the hand computations below
A_KM = 6378.137  # semi-major axis
E2 = 0.00669438  # first eccentricity squared


def km_per_degree(lat: float) -> tuple[float, float]:
    """(north-south, east-west) length of one degree at latitude ``lat`` on the ellipsoid.

    Meridian radius M = a(1-e²)/(1-e² sin²φ)^1.5; parallel radius N cosφ = a cosφ/√(1-e² sin²φ).
    At 25.35N: M ≈ 6347.1 km → 110.78 km per degree of latitude;
    N cosφ ≈ 5767.7 km → 100.66 km per degree of longitude.
    """
    phi = math.radians(lat)
    w = 1 - E2 * math.sin(phi) ** 2
    north = A_KM * (1 - E2) / w**1.5
    east = A_KM * math.cos(phi) / math.sqrt(w)
    return math.radians(north), math.radians(east)


def square(lon: float = 115.10, lat: float = 25.33, side: float = 0.1) -> gpd.GeoDataFrame:
    """One 0.1° × 0.1° square village with its south-west corner at (lon, lat)."""
    return gpd.GeoDataFrame(
        {"code": ["360722102201"]}, geometry=[box(lon, lat, lon + side, lat + side)], crs=WGS84
    )


# ----------------------------------------------------------------------------- zones
@pytest.mark.parametrize(
    ("longitude", "epsg", "meridian"),
    [
        (115.1, 4547, "114E"),  # 古陂镇: nearest 3° meridian is 114E
        (114.0, 4547, "114E"),
        (115.4, 4547, "114E"),  # still nearer 114E than 117E
        (115.6, 4548, "117E"),
        (116.4, 4548, "117E"),  # Beijing
        (75.0, 4534, "75E"),  # first zone
        (135.0, 4554, "135E"),  # last zone
    ],
)
def test_gauss_kruger_zone(longitude, epsg, meridian):
    assert gauss_kruger_epsg(longitude) == epsg
    crs = CRS.from_epsg(epsg)
    # the EPSG code really is the CGCS2000 3° zone of that central meridian
    assert crs.name == f"CGCS2000 / 3-degree Gauss-Kruger CM {meridian}"
    assert crs.is_projected


@pytest.mark.parametrize("longitude", [2.35, 70.0, 140.0, -74.0])
def test_longitude_outside_china_has_no_gauss_kruger_zone(longitude):
    with pytest.raises(ValueError, match="outside the CGCS2000"):
        gauss_kruger_epsg(longitude)


# ----------------------------------------------------------------------------- metric_crs
def test_metric_crs_near_115e_is_the_114e_zone():
    crs = metric_crs(square())
    assert crs.is_projected
    assert crs.to_epsg() == 4547
    assert crs.axis_info[0].unit_name == "metre"


def test_metric_crs_of_a_projected_frame_is_found_from_its_longitude():
    # The same square given in CGCS2000 GK 117E is still placed in the 114E zone (lon ≈ 115.15)
    assert metric_crs(square().to_crs("EPSG:4548")).to_epsg() == 4547


@pytest.mark.parametrize(
    ("lon", "lat", "epsg"),
    [
        (2.30, 48.80, 32631),  # Paris: UTM zone 31 north
        (151.15, -33.90, 32756),  # Sydney: UTM zone 56 south
    ],
)
def test_metric_crs_falls_back_to_utm_outside_china(lon, lat, epsg):
    crs = metric_crs(square(lon, lat))
    assert crs.to_epsg() == epsg
    assert crs.is_projected


def test_metric_crs_needs_a_crs():
    frame = square().set_crs(None, allow_override=True)
    with pytest.raises(ValueError, match="no CRS"):
        metric_crs(frame)


# ----------------------------------------------------------------------------- to_metric
def test_to_metric_projects_to_metres_and_leaves_the_input_alone():
    frame = square()
    metric = to_metric(frame)
    assert metric.crs.to_epsg() == 4547
    assert frame.crs.to_epsg() == 4326  # the caller's frame is untouched
    minx, miny, maxx, maxy = metric.total_bounds
    north, east = km_per_degree(25.38)
    # 0.1° of longitude ≈ 10.07 km, 0.1° of latitude ≈ 11.08 km (Gauss-Krüger scale error
    # 1.1° from the central meridian is about 1.5e-4, far inside the 1% tolerance)
    assert (maxx - minx) / 1000 == pytest.approx(0.1 * east, rel=0.01)
    assert (maxy - miny) / 1000 == pytest.approx(0.1 * north, rel=0.01)


@pytest.mark.parametrize("target", [CRS.from_epsg(32650), "EPSG:32650"])
def test_to_metric_accepts_an_explicit_projected_crs(target):
    metric = to_metric(square(), target)  # UTM zone 50N covers 114–120E
    assert metric.crs.to_epsg() == 32650


@pytest.mark.parametrize(
    "target",
    [CRS.from_epsg(4326), CRS.from_epsg(4490), "EPSG:4326"],  # WGS84, CGCS2000 geographic
)
def test_to_metric_refuses_a_geographic_target(target):
    with pytest.raises(ValueError, match="geographic"):
        to_metric(square(), target)


# ----------------------------------------------------------------------------- areas
def test_area_of_a_tenth_of_a_degree_square_at_25n():
    north, east = km_per_degree(25.38)  # the square's middle latitude
    # 11.08 km × 10.07 km ≈ 111.5 km²; the brief's rounder 11.1 km × 10.05 km ≈ 111.6 km²
    expected = (0.1 * north) * (0.1 * east)
    assert expected == pytest.approx(11.1 * 10.05, rel=0.01)
    [area] = areas_km2(square())
    assert area == pytest.approx(expected, rel=0.01)


def test_areas_are_one_per_row_and_not_in_degrees():
    frame = gpd.GeoDataFrame(
        {"code": ["a", "b"]},
        geometry=[box(115.10, 25.33, 115.20, 25.43), box(115.10, 25.33, 115.15, 25.38)],
        crs=WGS84,
    )
    big, small = areas_km2(frame)
    # halving both sides quarters the area; in degrees it would be 0.01, not ~111
    assert small == pytest.approx(big / 4, rel=0.01)
    assert big > 100
    assert isinstance(big, float)


def test_area_of_a_point_is_zero():
    frame = gpd.GeoDataFrame(geometry=[Point(115.1, 25.33)], crs=WGS84)
    assert areas_km2(frame) == [0.0]


@pytest.mark.parametrize("stored", ["EPSG:4326", "EPSG:4547", "EPSG:3857", "EPSG:32650"])
def test_the_zone_does_not_depend_on_the_crs_the_frame_is_stored_in(stored):
    # the zone is picked from the frame's bounds: its own in WGS84, a grid over them otherwise
    county = gpd.GeoDataFrame(
        geometry=[box(114.2, 25.1, 114.5, 25.3), Point(115.6, 25.8)], crs="EPSG:4326"
    )
    assert metric_crs(county.to_crs(stored)).to_epsg() == 4547  # mean longitude 114.9°E
    one = gpd.GeoDataFrame(geometry=[Point(117.2, 31.8)], crs="EPSG:4326").to_crs(stored)
    assert metric_crs(one).to_epsg() == 4548  # 117°E
    with pytest.raises(ValueError):
        metric_crs(gpd.GeoDataFrame(geometry=[], crs=stored))
