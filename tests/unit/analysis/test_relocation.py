"""Unit tests for analysis/relocation.py: flows from origin villages to sites, site progress."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, Polygon, box

from township_atlas.analysis.relocation import (
    FOLLOWUP_CHECKS,
    REACH_KINDS,
    followup_summary,
    relocation_flows,
    site_followup,
    site_progress,
)
from township_atlas.geo.places import village_anchor_points
from township_atlas.geo.schema import LAYERS, RELOCATION_M2_PER_PERSON_CAP
from township_atlas.geo.validate import coerce, problems
from township_atlas.geo.workspace import empty_frame

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


def test_a_move_from_a_village_not_on_the_map_draws_no_line():
    # a township's map: 茶坳村 belongs to the next township, its households moved to S1 here
    here = villages().iloc[:2]
    flows = relocation_flows(here, sites(), relocations())
    assert flows["origin_code"].tolist() == [V1, V1]
    # only moves from elsewhere: no line, and the columns all the same
    elsewhere = relocation_flows(villages().iloc[1:2], sites(), relocations())
    assert elsewhere.empty and [c for c in elsewhere.columns if c != "geometry"] == FLOW_COLUMNS


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


# ----------------------------------------------------------------------------- follow-up
# CGCS2000 Gauss-Krüger zone of 114°E, in metres: distances below are exact.
GK = "EPSG:4547"
X0, Y0 = 500_000.0, 2_800_000.0
#: The [relocation] section of geo/default_rules.toml, written out so tests need no loader.
RULES = {
    "school_km": 3.0,
    "clinic_km": 2.0,
    "jobs_km": 5.0,
    "ecommerce_km": 3.0,
    "min_moved_share": 1.0,
    "min_demolished_share": 1.0,
}
OK_COLUMNS = [f"{c}_ok" for c in FOLLOWUP_CHECKS]


def followup_sites() -> gpd.GeoDataFrame:
    """Four sites 10 km apart along an east-west line (every column of the layer).

    S1  10 of 10 households planned (capacity 10), 40 persons, 1000 m²: exactly 25 m² each;
        8 moved in (32 persons), all 8 old houses demolished.
    S2  12 planned for a capacity of 10, 40 persons, 1000.4 m²: 25.01 m² each; all 12 moved in
        (40 persons), 6 old houses demolished.
    S3  none planned; 5 households (20 persons) moved in, 500 m²: 25 m² per moved-in person;
        no old house demolished yet.
    S4  6 households (24 persons) planned, 480 m² (20 m² each), nobody moved in yet.
    """
    columns = {
        "site_id": ["S1", "S2", "S3", "S4"],
        "name": ["古陂集镇安置点", "阳光中心村安置点", "太平产业园安置点", "石背敬老院"],
        "site_type": ["集镇", "中心村", "产业园区", "敬老院"],
        "village_code": ["360722102001", "360722102207", "360722102208", "360722102214"],
        "capacity_households": [10, 10, 8, 6],
        "planned_households": [10, 12, 0, 6],
        "planned_persons": [40, 40, 0, 24],
        "moved_households": [8, 12, 5, 0],
        "moved_persons": [32, 40, 20, 0],
        "built_area_m2": [1000.0, 1000.4, 500.0, 480.0],
        "status": ["已入住", "已入住", "已入住", "在建"],
        "demolished_households": [8, 6, 0, 0],
        "completed_year": [2016, 2017, 2018, None],
    }
    geometry = [Point(X0 + 10_000 * i, Y0) for i in range(4)]
    return gpd.GeoDataFrame(columns, geometry=geometry, crs=GK)


def services_near(sites: gpd.GeoDataFrame, offset_m: float = 100.0) -> gpd.GeoDataFrame:
    """An existing school, clinic, industrial park and village station ``offset_m`` east of
    each site, so that only the site's own figures can fail."""
    kinds = ("school", "clinic", "industrial_park", "village_station")
    rows, geoms = [], []
    for site_id, point in zip(sites["site_id"], sites.geometry, strict=True):
        for kind in kinds:
            rows.append(
                {
                    "facility_id": f"{site_id}-{kind}",
                    "kind": kind,
                    "name": f"{site_id} {kind}",
                    "status": "existing",
                }
            )
            geoms.append(Point(point.x + offset_m, point.y))
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=sites.crs)


@pytest.fixture(params=["literal", "storage"])
def followup_frame(request):
    frame = followup_sites()
    if request.param == "storage":  # as read from a workspace: Int64 counts, string ids
        frame = coerce(LAYERS["relocation_sites"], frame)
    return frame


def followup(sites=None, facilities=None, **rules):
    sites = followup_sites() if sites is None else sites
    facilities = services_near(followup_sites()) if facilities is None else facilities
    return site_followup(sites, facilities, **{**RULES, **rules})


def test_followup_columns(followup_frame):
    out = followup(followup_frame)
    assert list(out.columns) == [
        "site_id",
        "name",
        "site_type",
        "status",
        "capacity_households",
        "planned_households",
        "planned_persons",
        "moved_households",
        "moved_persons",
        "demolished_households",
        "built_area_m2",
        "moved_share",
        "demolished_share",
        "m2_per_person",
        "capacity_ok",
        "m2_ok",
        "moved_ok",
        "demolished_ok",
        "school_km",
        "school_name",
        "school_ok",
        "clinic_km",
        "clinic_name",
        "clinic_ok",
        "jobs_km",
        "jobs_name",
        "jobs_ok",
        "ecommerce_km",
        "ecommerce_name",
        "ecommerce_ok",
        "checks_failed",
    ]
    assert out["site_id"].tolist() == ["S1", "S2", "S3", "S4"]
    assert list(out.index) == [0, 1, 2, 3]
    assert all(out[c].dtype == bool for c in OK_COLUMNS)


def test_m2_per_person_at_the_cap_passes_and_just_above_fails(followup_frame):
    out = followup(followup_frame)
    # S1: 1000 / 40 planned persons = 25.0, the cap itself; S2: 1000.4 / 40 = 25.01
    assert out["m2_per_person"].tolist()[:2] == pytest.approx([25.0, 25.01])
    assert out["m2_ok"].tolist()[:2] == [True, False]
    # S3 plans nobody: 500 m² over the 20 persons moved in = 25.0; S4: 480 / 24 = 20.0
    assert out["m2_per_person"].tolist()[2:] == pytest.approx([25.0, 20.0])
    assert out["m2_ok"].tolist()[2:] == [True, True]
    assert RELOCATION_M2_PER_PERSON_CAP == 25.0


def test_m2_check_agrees_with_validation(followup_frame):
    out = followup(followup_frame)
    flagged = {
        p.row for p in problems("relocation_sites", followup_sites()) if p.field == "built_area_m2"
    }
    assert flagged == {1}
    assert set(np.flatnonzero(~out["m2_ok"].to_numpy())) == flagged


def test_capacity_check(followup_frame):
    out = followup(followup_frame)
    # S1 plans exactly its capacity (10 ≤ 10); S2 plans 12 for 10
    assert out["capacity_ok"].tolist() == [True, False, True, True]


def test_moved_share_and_its_check(followup_frame):
    out = followup(followup_frame)
    # S1 8/10; S2 12/12; S3 plans none: no share, nothing owed; S4 0/6
    assert out["moved_share"].iloc[[0, 1, 3]].tolist() == [0.8, 1.0, 0.0]
    assert np.isnan(out["moved_share"].iloc[2])
    assert out["moved_ok"].tolist() == [False, True, True, False]
    # with a minimum of 0.8, S1's 8 of 10 is enough
    assert followup(followup_frame, min_moved_share=0.8)["moved_ok"].tolist()[0]


def test_demolished_share_and_its_check(followup_frame):
    out = followup(followup_frame)
    # S1 8/8; S2 6/12; S3 0/5; S4: nobody moved in, so no old house is due yet
    assert out["demolished_share"].iloc[:3].tolist() == [1.0, 0.5, 0.0]
    assert np.isnan(out["demolished_share"].iloc[3])
    assert out["demolished_ok"].tolist() == [True, False, False, True]
    assert followup(followup_frame, min_demolished_share=0.5)["demolished_ok"].tolist() == [
        True,
        True,
        False,
        True,
    ]


def test_checks_failed_counts_the_failed_checks(followup_frame):
    out = followup(followup_frame)
    # every service is 100 m away: S1 moved; S2 capacity, m², demolished; S3 demolished;
    # S4 moved
    assert out[[f"{c}_ok" for c in REACH_KINDS]].all().all()
    assert out["checks_failed"].tolist() == [1, 3, 1, 1]
    assert (out["checks_failed"] == (~out[OK_COLUMNS]).sum(axis=1)).all()


def one_site() -> gpd.GeoDataFrame:
    return followup_sites().iloc[[0]].reset_index(drop=True)


def one_facility(kind: str, km: float, status: str = "existing") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"facility_id": ["F1"], "kind": [kind], "name": ["那一处"], "status": [status]},
        geometry=[Point(X0, Y0 + km * 1000)],
        crs=GK,
    )


@pytest.mark.parametrize(
    ("check", "kind", "km", "status", "ok"),
    [
        ("school", "school", 2.9, "existing", True),
        ("school", "school", 3.1, "existing", False),
        ("school", "school", 0.5, "planned", False),
        ("clinic", "clinic", 1.9, "existing", True),
        ("clinic", "township_hospital", 1.9, "existing", True),
        ("clinic", "clinic", 2.1, "existing", False),
        ("clinic", "township_hospital", 2.1, "existing", False),
        ("clinic", "school", 0.5, "existing", False),  # a school is no clinic
        ("jobs", "industrial_park", 4.9, "existing", True),
        ("jobs", "agribusiness", 4.9, "existing", True),
        ("jobs", "agribusiness", 5.1, "existing", False),
        ("jobs", "industrial_park", 1.0, "planned", False),
        ("ecommerce", "village_station", 2.9, "existing", True),
        ("ecommerce", "township_ecommerce", 2.9, "existing", True),
        ("ecommerce", "village_station", 3.1, "existing", False),
        ("ecommerce", "village_station", 0.5, "planned", False),
        ("ecommerce", "county_logistics", 0.5, "existing", False),  # serves no villager
    ],
)
def test_reach_checks(check, kind, km, status, ok):
    out = followup(one_site(), one_facility(kind, km, status))
    assert out[f"{check}_ok"].tolist() == [ok]
    counted = status == "existing" and kind in REACH_KINDS[check]
    if counted:
        assert out[f"{check}_km"].iloc[0] == pytest.approx(km, abs=1e-9)
        assert out[f"{check}_name"].iloc[0] == "那一处"
    else:  # nothing that counts: no distance, and the check fails
        assert np.isnan(out[f"{check}_km"].iloc[0])
        assert out[f"{check}_name"].iloc[0] is None


def test_reach_takes_the_nearest_of_the_kinds():
    facilities = pd.concat(
        [one_facility("clinic", 2.5), one_facility("township_hospital", 1.5)], ignore_index=True
    )
    out = followup(one_site(), gpd.GeoDataFrame(facilities, crs=GK))
    assert out["clinic_km"].iloc[0] == pytest.approx(1.5)
    assert out["clinic_ok"].iloc[0]


def test_reach_in_wgs84_is_measured_in_metres():
    sites, facilities = one_site(), one_facility("school", 2.9)
    out = followup(sites.to_crs(WGS84), facilities.to_crs(WGS84))
    assert out["school_km"].iloc[0] == pytest.approx(2.9, rel=1e-6)
    assert out["school_ok"].iloc[0]


@pytest.mark.parametrize("name", ["school_km", "min_moved_share"])
@pytest.mark.parametrize("value", [-1.0, float("nan")])
def test_bad_thresholds_are_refused(name, value):
    with pytest.raises(ValueError, match="threshold"):
        followup(**{name: value})


def test_followup_of_no_sites():
    sites = empty_frame(LAYERS["relocation_sites"])
    out = followup(sites)
    assert len(out) == 0
    assert "checks_failed" in out.columns
    summary = followup_summary(out)
    assert summary["totals"]["sites"] == 0
    assert summary["totals"]["moved_share"] is None
    assert summary["sites"] == []


# ----------------------------------------------------------------------------- summary
def plain(value) -> bool:
    """True when ``value`` is made only of JSON's own Python types."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(plain(v) for v in value)
    return value is None or type(value) in (str, int, float, bool)


def test_followup_summary(followup_frame):
    summary = followup_summary(followup(followup_frame))
    assert plain(summary)
    json.dumps(summary, allow_nan=False, ensure_ascii=False)
    assert summary["totals"] == {
        "sites": 4,
        "planned_households": 28,
        "planned_persons": 104,
        "moved_households": 25,
        "moved_persons": 92,
        "moved_share": pytest.approx(25 / 28),
        "sites_failing_any": 4,
    }
    assert summary["failing"] == {
        "capacity": 1,
        "m2": 1,
        "moved": 2,
        "demolished": 2,
        "school": 0,
        "clinic": 0,
        "jobs": 0,
        "ecommerce": 0,
    }
    assert [s["site_id"] for s in summary["sites"]] == ["S1", "S2", "S3", "S4"]
    s2 = summary["sites"][1]
    assert s2["name"] == "阳光中心村安置点"
    assert s2["checks_failed"] == 3
    assert list(s2["checks"]) == list(FOLLOWUP_CHECKS)
    assert s2["checks"]["capacity"] == {"ok": False, "value": 12, "threshold": 10}
    assert s2["checks"]["m2"] == {"ok": False, "value": 25.01, "threshold": 25.0}
    assert s2["checks"]["demolished"] == {"ok": False, "value": 0.5, "threshold": 1.0}
    assert s2["checks"]["school"] == {
        "ok": True,
        "value": 0.1,
        "threshold": 3.0,
        "nearest": "S2 school",
    }
    # S3 plans nobody: no moved share to report
    assert summary["sites"][2]["checks"]["moved"] == {"ok": True, "value": None, "threshold": 1.0}


def test_followup_summary_without_thresholds_in_attrs():
    out = followup()
    out.attrs.clear()
    checks = followup_summary(out)["sites"][0]["checks"]
    assert checks["m2"]["threshold"] == 25.0  # a national constant
    assert checks["capacity"]["threshold"] == 10  # the site's own
    assert checks["school"]["threshold"] is None


# ----------------------------------------------------------------------------- demo
def test_followup_of_the_demo_workspace(demo_ws):
    sites = demo_ws["relocation_sites"]
    out = site_followup(sites, demo_ws["facilities"], **RULES)
    assert out["site_id"].tolist() == sites["site_id"].tolist()
    assert not out[[*OK_COLUMNS, "checks_failed"]].isna().any().any()
    assert not out[[f"{c}_km" for c in REACH_KINDS]].isna().any().any()
    # the demo passes validation, so no site is above the 25 m² cap
    assert out["m2_ok"].all()
    expected = sites["demolished_households"].astype(float) / sites["moved_households"]
    np.testing.assert_allclose(out["demolished_share"], expected.to_numpy(dtype=float))
    summary = followup_summary(out)
    assert plain(summary)
    json.dumps(summary, allow_nan=False, ensure_ascii=False)
    assert summary["totals"]["sites"] == len(sites)
    assert summary["totals"]["planned_households"] == int(sites["planned_households"].sum())
    assert sum(summary["failing"].values()) == int(out["checks_failed"].sum())
