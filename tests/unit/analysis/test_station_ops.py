"""Stations in operation on a hand-counted township (the default targets).

Stations: T (township centre), S1 (village A, open, 2 assistants, sales 30 → 45 万元),
S2 (village B, closed in 2023, no row in 2024: stays closed), S3 (village C, suspended in 2024),
S4 (village D, open in 2024 with no sales and no assistant), P (planned: not a station yet).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from township_atlas.analysis import key_figures, station_ops
from township_atlas.geo.rules import default_rules
from township_atlas.geo.workspace import Workspace

WGS84 = "EPSG:4326"
CODES = [f"36072210220{i}" for i in range(1, 6)]  # A B C D E


def _workspace() -> Workspace:
    villages = gpd.GeoDataFrame(
        {"code": CODES, "name": list("ABCDE")},
        geometry=[box(i, 0, i + 1, 1) for i in range(5)],
        crs=WGS84,
    )
    township = gpd.GeoDataFrame({"code": ["360722102"]}, geometry=[box(0, 0, 5, 1)], crs=WGS84)
    facilities = gpd.GeoDataFrame(
        {
            "facility_id": ["T", "S1", "S2", "S3", "S4", "P"],
            "kind": ["township_ecommerce"] + ["village_station"] * 5,
            "name": ["中心", "甲站", "乙站", "丙站", "丁站", "规划站"],
            "village_code": [CODES[0], *CODES[:4], CODES[4]],
            "status": ["existing"] * 5 + ["planned"],
        },
        geometry=[Point(0.5, 0.5), *(Point(i + 0.5, 0.5) for i in range(5))],
        crs=WGS84,
    )
    rows = [
        # id, year, status, assistants, sales, served, selling, trained, gain
        ("T", 2024, "运营", 3, 80.0, 40, 20, 60, 1500.0),
        ("S1", 2023, "运营", 2, 30.0, 10, 4, 20, 1000.0),
        ("S1", 2024, "运营", 2, 45.0, 12, 6, 25, 1200.0),
        ("S2", 2023, "关闭", None, None, None, None, None, None),
        ("S3", 2023, "运营", 1, 10.0, 5, 2, 10, None),
        ("S3", 2024, "暂停", 1, 2.0, 5, 0, 0, None),
        ("S4", 2024, "运营", 0, 0.0, 3, 0, 5, None),
    ]
    cols = ["facility_id", "year", "status", "assistants", "sales_wan", "poor_served"]
    cols += ["poor_selling", "trained", "income_gain"]
    ops = pd.DataFrame(rows, columns=cols)
    for c in ("staff", "parcels_in", "parcels_out"):
        ops[c] = pd.NA
    ops["status_date"] = None
    return Workspace(
        {
            "villages": villages,
            "township": township,
            "facilities": facilities,
            "station_operations": ops,
        }
    )


def test_a_status_holds_until_a_later_row_changes_it():
    ws = _workspace()
    st = station_ops.stations_of(ws["facilities"]).set_index("facility_id", drop=False)
    status = station_ops.status_in(st, ws["station_operations"], 2024)
    assert status.to_dict() == {"T": "运营", "S1": "运营", "S2": "关闭", "S3": "暂停", "S4": "运营"}
    assert station_ops.status_in(st, ws["station_operations"], 2022)["S2"] == "运营"  # no row yet


def test_operating_leaves_out_closed_and_suspended_unless_counted():
    ws = _workspace()
    fac, ops = ws["facilities"], ws["station_operations"]
    ids = fac["facility_id"]
    assert list(ids[station_ops.operating(fac, ops, 2024)]) == ["T", "S1", "S4", "P"]
    assert list(ids[station_ops.operating(fac, ops, 2024, suspended_counts=True)]) == [
        "T",
        "S1",
        "S3",
        "S4",
        "P",
    ]
    assert station_ops.operating(fac, ops, 2022).all()  # before the closure
    assert station_ops.operating(fac, ops, None).all()


def test_each_station_flag_and_change_since_last_year():
    rows = station_ops.station_rows(_workspace(), 2024, default_rules().stations)
    rows = rows.set_index("facility_id")
    assert rows["flags"].to_dict() == {
        "T": (),
        "S1": (),
        "S2": ("closed",),
        "S3": ("suspended",),
        "S4": ("no_sales", "no_assistant"),
    }
    assert rows.loc["S1", "sales_wan_change"] == pytest.approx(15.0)
    assert rows.loc["S3", "sales_wan_change"] == pytest.approx(-8.0)
    assert pd.isna(rows.loc["T", "sales_wan_change"])  # no row in 2023
    assert not rows.loc["S2", "reported"]


def test_totals_against_the_targets():
    rep = station_ops.report(_workspace(), default_rules(), 2024)
    t, g = rep.totals, rep.targets
    assert (t["operating_township_ecommerce"], t["operating_village_station"]) == (1, 2)
    assert (t["closed"], t["suspended"], t["no_sales"], t["no_assistant"]) == (1, 1, 1, 1)
    # A and D have a working station of their own: B closed, C suspended, E only planned
    assert (t["villages_with_own_station"], t["villages"], t["village_share"]) == (2, 5, 0.4)
    assert t["sales_wan"] == pytest.approx(80 + 45 + 2 + 0)
    # the change is the difference of the totals: 2023's rows are S1 (30, 10) and S3 (10, 5)
    assert t["sales_wan_change"] == pytest.approx(80 + 45 + 2 + 0 - (30 + 10))
    assert t["poor_served_change"] == 40 + 12 + 5 + 3 - (10 + 5)
    assert (t["poor_served"], t["poor_selling"], t["trained"]) == (40 + 12 + 5 + 3, 26, 90)
    # income gain weighted by the households selling: (1500*20 + 1200*6) / 26
    assert t["income_gain"] == round((1500 * 20 + 1200 * 6) / 26)
    assert g == {
        "operating_township_ecommerce": 1,
        "village_share": 0.9,
        "village_stations": 5,  # ceil(0.9 * 5)
        "assistants": 2,  # one per working village station
        "trained": 45 * 3,  # per working station
        "income_gain": 1000.0,
    }


def test_a_station_counts_only_from_the_year_it_opened():
    ws = _workspace()
    fac = ws["facilities"].copy()
    fac["opened_year"] = [2020, 2020, 2020, 2020, 2025, None]  # S4 opens in 2025
    ws = Workspace({**ws.layers, "facilities": fac})
    ops = ws["station_operations"]
    working = station_ops.operating(fac, ops, 2024)
    assert list(fac["facility_id"][working]) == ["T", "S1", "P"]
    assert station_ops.operating(fac, ops, 2025)[4]  # S4 works from its opening year
    rows = station_ops.station_rows(ws, 2024, default_rules().stations)
    assert "S4" not in set(rows["facility_id"])
    t = station_ops.report(ws, default_rules(), 2024).totals
    assert (t["stations"], t["operating_village_station"], t["villages_with_own_station"]) == (
        4,
        1,
        1,
    )


def test_the_township_centre_gives_its_own_village_a_station_as_the_key_figure_does():
    ws = _workspace()
    fac = ws["facilities"][ws["facilities"]["facility_id"].ne("S1")]  # A keeps only T
    ws = Workspace({**ws.layers, "facilities": fac})
    t = station_ops.report(ws, default_rules(), 2024).totals
    assert t["villages_with_own_station"] == 2  # A (the centre) and D
    assert t["villages_with_own_station"] == key_figures.ecommerce_station_villages(ws, 2024)
