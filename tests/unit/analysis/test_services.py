"""Unit tests for analysis/services.py: straight-line distances to the nearest facility."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from township_atlas.analysis.services import (
    DEFAULT_SERVICE_KINDS,
    distance_to_services,
    nearest_facility,
)

# CGCS2000 3° Gauss-Krüger zone of 114°E (metres): x = 500 000 is the zone's meridian, and it is
# the zone geo.crs.to_metric picks for this area, so distances below are exact.
GK = "EPSG:4547"
WGS84 = "EPSG:4326"
X0, Y0 = 500_000.0, 2_800_000.0
V1, V2 = "360722102201", "360722102202"
COLUMNS = [
    "code",
    "name",
    "clinic_km",
    "clinic_name",
    "school_km",
    "school_name",
    "township_hospital_km",
    "township_hospital_name",
]


def villages() -> gpd.GeoDataFrame:
    """Two 1 km squares: 李田村 centred 10 km east of 新屋村's centre (X0, Y0), listed first."""
    return gpd.GeoDataFrame(
        {"code": [V2, V1], "name": ["李田村", "新屋村"]},
        geometry=[
            box(X0 + 9_500, Y0 - 500, X0 + 10_500, Y0 + 500),
            box(X0 - 500, Y0 - 500, X0 + 500, Y0 + 500),
        ],
        crs=GK,
    )


def facilities() -> gpd.GeoDataFrame:
    """Around 新屋村's centre: clinics 1 km east and 3 km west, a planned clinic 100 m north,
    a township hospital 2 km north; no school at all."""
    rows = [
        ("F1", "clinic", "新屋村卫生室", "existing", (X0 + 1_000, Y0)),
        ("F2", "clinic", "古陂村卫生室", "existing", (X0 - 3_000, Y0)),
        ("F3", "clinic", "规划卫生室", "planned", (X0, Y0 + 100)),
        ("F4", "township_hospital", "古陂镇卫生院", "existing", (X0, Y0 + 2_000)),
    ]
    return gpd.GeoDataFrame(
        {
            "facility_id": [r[0] for r in rows],
            "kind": [r[1] for r in rows],
            "name": [r[2] for r in rows],
            "status": [r[3] for r in rows],
        },
        geometry=[Point(r[4]) for r in rows],
        crs=GK,
    )


def test_distances_by_hand():
    out = distance_to_services(villages(), facilities())
    assert list(out.columns) == COLUMNS
    by_code = out.set_index("code")
    # 新屋村: the clinic 1 km east, not the one 3 km west, nor the planned one 100 m north
    assert by_code.at[V1, "clinic_km"] == pytest.approx(1.0, abs=1e-9)
    assert by_code.at[V1, "clinic_name"] == "新屋村卫生室"
    assert by_code.at[V1, "township_hospital_km"] == pytest.approx(2.0, abs=1e-9)
    # 李田村 (centre X0 + 10 km): the east clinic is 9 km away; the hospital √(10² + 2²) km
    assert by_code.at[V2, "clinic_km"] == pytest.approx(9.0, abs=1e-9)
    assert by_code.at[V2, "clinic_name"] == "新屋村卫生室"
    assert by_code.at[V2, "township_hospital_km"] == pytest.approx(np.hypot(10, 2), abs=1e-9)


def test_no_facility_of_a_kind_gives_nan_and_no_name():
    out = distance_to_services(villages(), facilities())
    assert out["school_km"].isna().all()
    assert out["school_name"].isna().all()


def test_rows_follow_the_villages_order():
    out = distance_to_services(villages(), facilities())
    assert out["code"].tolist() == [V2, V1]
    assert out["name"].tolist() == ["李田村", "新屋村"]
    assert list(out.index) == [0, 1]


def test_planned_facilities_do_not_count():
    fac = facilities()
    fac.loc[fac["facility_id"] == "F1", "status"] = "planned"
    out = distance_to_services(villages(), fac).set_index("code")
    assert out.at[V1, "clinic_km"] == pytest.approx(3.0, abs=1e-9)  # the west clinic now
    assert out.at[V1, "clinic_name"] == "古陂村卫生室"


def test_a_facility_with_no_status_does_not_count():
    fac = facilities().astype({"status": object})
    fac.loc[fac["facility_id"] == "F1", "status"] = None
    out = distance_to_services(villages(), fac).set_index("code")
    assert out.at[V1, "clinic_name"] == "古陂村卫生室"


@pytest.mark.parametrize(
    ("village_crs", "facility_crs"), [(WGS84, WGS84), (WGS84, GK), (GK, WGS84)]
)
def test_distances_are_metres_whatever_the_input_crs(village_crs, facility_crs):
    # degrees would give about 0.009 for 1 km; every CRS must give the same kilometres
    expected = distance_to_services(villages(), facilities())
    out = distance_to_services(villages().to_crs(village_crs), facilities().to_crs(facility_crs))
    pd.testing.assert_frame_equal(out, expected, rtol=1e-6)


def test_a_frame_without_crs_is_refused():
    no_crs = villages().set_crs(None, allow_override=True)
    with pytest.raises(ValueError, match="CRS"):
        distance_to_services(no_crs, facilities())


def test_kinds_choose_and_order_the_columns():
    out = distance_to_services(villages(), facilities(), kinds=["township_hospital", "clinic"])
    assert list(out.columns) == [
        "code",
        "name",
        "township_hospital_km",
        "township_hospital_name",
        "clinic_km",
        "clinic_name",
    ]
    assert DEFAULT_SERVICE_KINDS == ("clinic", "school", "township_hospital")


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown facility kind"):
        distance_to_services(villages(), facilities(), kinds=["hospital"])


def test_no_facilities_at_all():
    out = distance_to_services(villages(), facilities().iloc[0:0])
    assert list(out.columns) == COLUMNS
    assert out[["clinic_km", "school_km", "township_hospital_km"]].isna().all().all()


def test_no_villages_at_all():
    out = distance_to_services(villages().iloc[0:0], facilities())
    assert list(out.columns) == COLUMNS
    assert len(out) == 0


def test_nearest_facility_of_several_kinds():
    points = gpd.GeoSeries([Point(X0, Y0 + 1_500), Point()], crs=GK)
    out = nearest_facility(points, facilities(), ["clinic", "township_hospital"])
    assert list(out.columns) == ["km", "name", "facility_id"]
    # 1.5 km north: the hospital (0.5 km) beats the east clinic (√(1² + 1.5²) km)
    assert out.loc[0, ["name", "facility_id"]].tolist() == ["古陂镇卫生院", "F4"]
    assert out.at[0, "km"] == pytest.approx(0.5, abs=1e-9)
    # an empty point has no distance
    assert np.isnan(out.at[1, "km"])
    assert out.at[1, "name"] is None


def test_demo_workspace_distances(demo_ws):
    villages_ = demo_ws.villages
    out = distance_to_services(villages_, demo_ws["facilities"])
    assert out["code"].tolist() == villages_["code"].astype(str).tolist()
    km = out[[f"{k}_km" for k in DEFAULT_SERVICE_KINDS]]
    names = out[[f"{k}_name" for k in DEFAULT_SERVICE_KINDS]]
    assert not km.isna().any().any()
    assert not names.isna().any().any()
    assert (km >= 0).all().all()
    # the demo township is about 20 km across: a distance in degrees or metres would show
    assert (km < 30).all().all()
    assert km.max().max() > 1
