"""Unit tests for analysis/relocation.py: flows from origin villages to sites, site progress."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon, box

from township_atlas.analysis.relocation import (
    relocation_flows,
    site_progress,
    village_anchor_points,
)
from township_atlas.geo.schema import LAYERS, RELOCATION_M2_PER_PERSON_CAP
from township_atlas.geo.validate import coerce

WGS84 = "EPSG:4326"
V1, V2, V3 = "360722102201", "360722102202", "360722102203"
FLOW_COLUMNS = [
    "site_id",
    "site_name",
    "origin_code",
    "origin_name",
    "households",
    "persons",
    "year",
    "length_km",
]

# Length of one degree at 25.35N on the WGS84 ellipsoid (a = 6378.137 km, e² = 0.00669438):
# east-west  a·cosφ/√(1-e²sin²φ)·π/180      = 100.66 km
# north-south a(1-e²)/(1-e²sin²φ)^1.5·π/180 = 110.78 km
KM_PER_DEG_EAST = 100.66
KM_PER_DEG_NORTH = 110.78


def villages() -> gpd.GeoDataFrame:
    """Two square villages and one L-shaped village whose centroid lies outside it."""
    l_shape = Polygon(
        [(115.20, 25.30), (115.30, 25.30), (115.30, 25.32), (115.22, 25.32), (115.22, 25.40),
         (115.20, 25.40)]
    )  # fmt: skip
    return gpd.GeoDataFrame(
        {"code": [V1, V2, V3], "name": ["新屋村", "李田村", "茶坳村"]},
        geometry=[box(115.00, 25.30, 115.10, 25.40), box(115.10, 25.30, 115.20, 25.40), l_shape],
        crs=WGS84,
    )


def sites() -> gpd.GeoDataFrame:
    """Two settlement sites: one in 李田村's market town, one south of 新屋村."""
    return gpd.GeoDataFrame(
        {
            "site_id": ["S1", "S2"],
            "name": ["古陂集镇安置点", "新屋中心村安置点"],
            "site_type": ["集镇", "中心村"],
        },
        geometry=[Point(115.15, 25.35), Point(115.05, 25.25)],
        crs=WGS84,
    )


def relocations() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "site_id": ["S1", "S2", "S1"],
            "origin_code": [V1, V1, V3],
            "households": [3, 2, 4],
            "persons": [10, 7, 13],
            "year": [2017, 2018, 2017],
        }
    )


# ----------------------------------------------------------------------------- anchors
def test_anchor_points_lie_inside_their_villages():
    frame = villages()
    anchors = village_anchor_points(frame)
    assert list(anchors.index) == [V1, V2, V3]
    assert anchors.crs == frame.crs
    for code, polygon in zip(frame["code"], frame.geometry, strict=True):
        assert polygon.contains(anchors[code]), code
    # the L's centroid is in its missing corner: an anchor there would start the line outside
    assert not frame.geometry.iloc[2].contains(frame.geometry.iloc[2].centroid)


# ----------------------------------------------------------------------------- flows
def test_one_flow_per_relocation_row():
    flows = relocation_flows(villages(), sites(), relocations())
    assert [c for c in flows.columns if c != "geometry"] == FLOW_COLUMNS
    assert flows.geometry.name == "geometry"
    assert len(flows) == 3
    assert flows["site_id"].tolist() == ["S1", "S2", "S1"]
    assert flows["site_name"].tolist() == ["古陂集镇安置点", "新屋中心村安置点", "古陂集镇安置点"]
    assert flows["origin_code"].tolist() == [V1, V1, V3]
    assert flows["origin_name"].tolist() == ["新屋村", "新屋村", "茶坳村"]
    assert flows["households"].tolist() == [3, 2, 4]
    assert flows["persons"].tolist() == [10, 7, 13]
    assert flows["year"].tolist() == [2017, 2018, 2017]
    assert flows.crs == WGS84
    assert set(flows.geom_type) == {"LineString"}


def test_flows_run_from_inside_the_origin_village_to_the_site():
    frame = villages().set_index("code")
    flows = relocation_flows(villages(), sites(), relocations())
    site_points = dict(zip(sites()["site_id"], sites().geometry, strict=True))
    for line, origin, site in zip(
        flows.geometry, flows["origin_code"], flows["site_id"], strict=True
    ):
        start, end = Point(line.coords[0]), Point(line.coords[-1])
        assert frame.geometry[origin].contains(start)
        assert end.equals(site_points[site])


@pytest.mark.parametrize(
    ("row", "expected_km"),
    [
        # 新屋村's anchor is the middle of its square (115.05, 25.35): S1 is 0.1° due east,
        # 0.1 × 100.66 ≈ 10.07 km
        (0, 0.1 * KM_PER_DEG_EAST),
        # S2 is 0.1° due south of the same anchor: 0.1 × 110.78 ≈ 11.08 km
        (1, 0.1 * KM_PER_DEG_NORTH),
    ],
)
def test_length_km_matches_a_hand_computation(row, expected_km):
    flows = relocation_flows(villages(), sites(), relocations())
    start = flows.geometry.iloc[row].coords[0]
    assert start == pytest.approx((115.05, 25.35), abs=0.002)  # within about 200 m of the middle
    assert flows["length_km"].iloc[row] == pytest.approx(expected_km, rel=0.01)


def test_length_km_of_a_diagonal_flow():
    flows = relocation_flows(villages(), sites(), relocations())
    (x0, y0), (x1, y1) = flows.geometry.iloc[2].coords
    # Pythagoras on the local metre grid of 25.35N (good to well under 1% over ~10 km)
    dx = (x1 - x0) * KM_PER_DEG_EAST
    dy = (y1 - y0) * KM_PER_DEG_NORTH
    assert flows["length_km"].iloc[2] == pytest.approx(math.hypot(dx, dy), rel=0.01)


def test_flows_accept_villages_in_a_projected_crs():
    projected = villages().to_crs("EPSG:4547")
    flows = relocation_flows(projected, sites().to_crs("EPSG:4547"), relocations())
    assert flows.crs.to_epsg() == 4547
    expected = relocation_flows(villages(), sites(), relocations())["length_km"]
    np.testing.assert_allclose(flows["length_km"], expected, rtol=1e-3)


def test_flows_from_storage_dtypes():
    rel = coerce(LAYERS["relocations"], relocations())
    assert rel["households"].dtype == "Int64"
    flows = relocation_flows(villages(), sites(), rel)
    assert flows["households"].tolist() == [3, 2, 4]
    assert flows["year"].tolist() == [2017, 2018, 2017]


@pytest.mark.parametrize("empty", ["relocations", "sites"])
def test_no_relocations_give_an_empty_frame_with_the_documented_columns(empty):
    rel = relocations()
    site_frame = sites()
    if empty == "relocations":
        rel = rel.iloc[0:0]
    else:
        site_frame = site_frame.iloc[0:0]
    flows = relocation_flows(villages(), site_frame, rel)
    assert isinstance(flows, gpd.GeoDataFrame)
    assert len(flows) == 0
    assert [c for c in flows.columns if c != "geometry"] == FLOW_COLUMNS
    assert flows.geometry.name == "geometry"
    assert flows.crs == WGS84


# ----------------------------------------------------------------------------- progress
def site_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "site_id": ["S1", "S2", "S3"],
            "name": ["古陂集镇安置点", "新屋中心村安置点", "太平产业园安置点"],
            "planned_households": [10, 0, 8],
            "moved_households": [4, 0, 8],
            "moved_persons": [14, 0, 30],
            "built_area_m2": [350.0, 0.0, 600.0],
        },
        index=[5, 6, 7],  # positions, not labels, must not matter
    )


@pytest.fixture(params=["literal", "storage"])
def site_frame(request):
    frame = site_table()
    if request.param == "storage":
        frame = frame.astype(
            {c: "Int64" for c in ("planned_households", "moved_households", "moved_persons")}
        )
    return frame


def test_moved_share(site_frame):
    out = site_progress(site_frame)
    # S1: 4 of 10 planned households moved in; S2 plans none (0, not NaN); S3: 8 of 8
    assert out["moved_share"].tolist() == [0.4, 0.0, 1.0]


def test_m2_per_person(site_frame):
    out = site_progress(site_frame)
    # S1: 350 m² / 14 persons = 25.0 (exactly the cap); S3: 600 / 30 = 20.0
    assert out["m2_per_person"].iloc[0] == pytest.approx(25.0)
    assert out["m2_per_person"].iloc[2] == pytest.approx(20.0)
    assert out["m2_per_person"].iloc[0] <= RELOCATION_M2_PER_PERSON_CAP
    # S2: nobody has moved in, so there is no per-person figure
    assert np.isnan(out["m2_per_person"].iloc[1])


def test_site_progress_rows_and_columns(site_frame):
    out = site_progress(site_frame)
    assert list(out.columns) == ["site_id", "name", "moved_share", "m2_per_person"]
    assert out["site_id"].tolist() == ["S1", "S2", "S3"]
    assert list(out.index) == [0, 1, 2]
