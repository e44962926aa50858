"""A closed station stops covering: the villages it alone reached, the key figures of its year.

Four 4 km villages in a row, west to east (A B C D; centres 2, 6, 10, 14 km from A's west
edge, 2 km up). Village stations serve 3 km:

- S1 at 3.5 km (in A): A 1.5 km, B 2.5 km        → reaches A, B
- S2 at 7.5 km (in B): B 1.5 km, C 2.5 km        → reaches B, C
- S3 at 14 km (in D):  D 0 km (C is 4 km away)   → reaches D
- S4 at 10.5 km (in C): C 0.5 km (D 3.5 km)      → reaches C

Poor (2024): A one household of 3, B one of 2, C two (4 and 5 people; the 5 exited in 2023:
1 household, 4 people left), D one of 1.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point, box

from township_atlas.analysis import key_figures as K
from township_atlas.analysis import station_plan as sp
from township_atlas.geo.rules import RULES_META_KEY
from township_atlas.geo.workspace import Workspace

GK = "EPSG:4547"  # CGCS2000 3-degree Gauss-Krüger CM 114E: metres
X0, Y0 = 500_000.0, 2_800_000.0
CODES = ("360722102201", "360722102202", "360722102203", "360722102204")
STATION_X = {"S1": 3_500, "S2": 7_500, "S3": 14_000, "S4": 10_500}
STATION_VILLAGE = {"S1": CODES[0], "S2": CODES[1], "S3": CODES[3], "S4": CODES[2]}


def villages() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code": list(CODES),
            "name": ["甲村", "乙村", "丙村", "丁村"],
            "kind": ["村"] * 4,
            "population": [1000] * 4,
            "households": [300] * 4,
            "poor_village": [False] * 4,
            "exit_year": pd.Series([None] * 4, dtype="Int64"),
        },
        geometry=[box(X0 + i * 4000, Y0, X0 + (i + 1) * 4000, Y0 + 4000) for i in range(4)],
        crs=GK,
    )


def households() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "household_id": ["H1", "H2", "H3", "H4", "H5"],
            "village_code": [CODES[0], CODES[1], CODES[2], CODES[2], CODES[3]],
            "size": [3, 2, 4, 5, 1],
            "category": ["一般贫困户"] * 5,
            "identified_year": [2014] * 5,
            "exit_year": pd.Series([None, None, None, 2023, None], dtype="Int64"),
            "return_year": pd.Series([None] * 5, dtype="Int64"),
            "monitor_kind": [None] * 5,
            "monitor_year": pd.Series([None] * 5, dtype="Int64"),
        }
    )


def stations(ids=("S1", "S2", "S3", "S4")) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": list(ids), "name": [f"{i}站" for i in ids], "kind": "village_station"},
        geometry=[Point(X0 + STATION_X[i], Y0 + 2000) for i in ids],
        crs=GK,
    )


def test_villages_only_stopped_stations_reached_are_lost_with_their_poor():
    # S2 and S4 closed, S3 suspended: C was reached by S2 and S4 only, D by S3 only; B keeps S1.
    lost = sp.coverage_lost(
        villages(), households(), stations(), [True, False, False, False], 3_000, 2024
    )
    assert list(lost["code"]) == [CODES[2], CODES[3]]  # C (4 poor people) before D (1)
    assert list(lost["poor_households"]) == [1, 1]
    assert list(lost["poor_people"]) == [4, 1]
    assert list(lost["station_ids"]) == [("S2", "S4"), ("S3",)]
    assert list(lost["stations"]) == [("S2站", "S4站"), ("S3站",)]


def test_a_village_another_working_station_reaches_is_not_lost():
    # S1 closed: A is lost (only S1 reached it), B is still reached by S2.
    lost = sp.coverage_lost(
        villages(), households(), stations(), [False, True, True, True], 3_000, 2024
    )
    assert list(lost["name"]) == ["甲村"]
    assert (lost["poor_households"].iloc[0], lost["poor_people"].iloc[0]) == (1, 3)


def test_every_station_working_loses_nothing_and_radii_go_per_station():
    assert sp.coverage_lost(villages(), households(), stations(), [True] * 4, 3_000, 2024).empty
    # S3 stopped but given 5 km: it reached C (4 km) too, which S2 and S4 still cover
    radii = np.array([3_000, 3_000, 5_000, 3_000])
    lost = sp.coverage_lost(
        villages(), households(), stations(), [True, True, False, True], radii, 2024
    )
    assert list(lost["name"]) == ["丁村"]


def operations_ws(rows: list[tuple[str, int, str]], meta: dict | None = None) -> Workspace:
    """The four villages with S1–S4 as facilities (each registered to its village) and the
    operations rows (facility, year, status)."""
    st = stations()
    facilities = gpd.GeoDataFrame(
        {
            "facility_id": st["id"],
            "kind": "village_station",
            "name": st["name"],
            "village_code": pd.Series([STATION_VILLAGE[i] for i in st["id"]], dtype="string"),
            "status": "existing",
            "opened_year": pd.Series([2016] * 4, dtype="Int64"),
        },
        geometry=st.geometry,
        crs=GK,
    ).to_crs("EPSG:4326")
    ops = pd.DataFrame(rows, columns=["facility_id", "year", "status"])
    return Workspace(
        {
            "villages": villages().to_crs("EPSG:4326"),
            "households": households(),
            "facilities": facilities,
            "station_operations": ops,
        },
        meta or {},
    )


def test_a_station_closed_in_a_year_does_not_cover_in_it_but_did_the_year_before():
    ws = operations_ws([("S3", 2024, "关闭")])
    # 2023: all four reach A, B, C, D; 2024: D was S3's alone
    assert K.ecommerce_villages_covered(ws, 2023) == 4
    assert K.ecommerce_villages_covered(ws, 2024) == 3
    assert K.ecommerce_station_villages(ws, 2023) == 4  # S1–S4 stand in A, B, D, C
    assert K.ecommerce_station_villages(ws, 2024) == 3
    # and it stays closed until a later row reopens it
    assert K.ecommerce_villages_covered(ws, 2025) == 3
    lost = sp.workspace_coverage_lost(ws, 2024, 3_000)
    assert list(lost["name"]) == ["丁村"] and list(lost["station_ids"]) == [("S3",)]
    assert sp.workspace_coverage_lost(ws, 2023, 3_000).empty


def test_the_key_figures_of_the_closing_year_and_the_year_before():
    ws = operations_ws([("S3", 2024, "关闭")])
    figures = {f.key: f for f in K.key_figures(ws, 2024, first_year=2020)}
    reach = figures["ecommerce_villages"]
    assert (reach.value, reach.before, reach.total, reach.change) == (3, 4, 4, -1)
    own = figures["ecommerce_station_villages"]
    assert (own.value, own.before) == (3, 4)


def test_a_suspended_station_covers_only_when_the_switch_or_the_rules_say_so():
    ws = operations_ws([("S3", 2024, "暂停")])
    assert K.ecommerce_villages_covered(ws, 2024) == 3
    assert K.ecommerce_villages_covered(ws, 2024, suspended_counts=True) == 4
    assert len(sp.workspace_existing(ws, 2024)) == 3
    assert len(sp.workspace_existing(ws, 2024, suspended_counts=True)) == 4
    assert list(sp.workspace_coverage_lost(ws, 2024, 3_000)["name"]) == ["丁村"]
    assert sp.workspace_coverage_lost(ws, 2024, 3_000, suspended_counts=True).empty
    # key figures follow the workspace's rules unless told
    counted = operations_ws(
        [("S3", 2024, "暂停")], {RULES_META_KEY: "[stations]\nsuspended_counts = true\n"}
    )
    by_rules = {f.key: f for f in K.key_figures(counted, 2024, first_year=2024)}
    assert by_rules["ecommerce_villages"].value == 4
    told = {f.key: f for f in K.key_figures(counted, 2024, 2024, suspended_counts=False)}
    assert told["ecommerce_villages"].value == 3
