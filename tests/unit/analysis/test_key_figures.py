"""Headline figures: the meeting page's and the brief's, each with last year's value."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from township_atlas.analysis import key_figures as K
from township_atlas.analysis import poverty
from township_atlas.geo.workspace import Workspace


def by_key(ws, year):
    return {f.key: f for f in K.key_figures(ws, year)}


def test_figures_agree_with_the_township_totals(demo_ws):
    figures = by_key(demo_ws, 2017)
    now = poverty.township_totals(demo_ws.villages, demo_ws.households, 2017)
    last = poverty.township_totals(demo_ws.villages, demo_ws.households, 2016)
    assert figures["poor_people"].value == now["poor_people"]
    assert figures["poor_people"].before == last["poor_people"]
    assert figures["poor_people"].change == now["poor_people"] - last["poor_people"] < 0
    assert figures["incidence"].value == pytest.approx(now["incidence"])
    assert (figures["poor_villages_exited"].value, figures["poor_villages_exited"].total) == (3, 8)
    assert figures["monitored_households"].value == now["monitored_households"]
    assert [f.key for f in K.key_figures(demo_ws, 2017)] == [
        "poor_people",
        "incidence",
        "poor_villages_exited",
        "ecommerce_villages",
        "ecommerce_station_villages",
        "relocation_moved_share",
        "monitored_households",
    ]


def test_the_first_year_has_no_change(demo_ws):
    first = poverty.workspace_years(demo_ws.households, demo_ws["indicators"])[0]
    assert all(f.before is None and f.change is None for f in K.key_figures(demo_ws, first))


def test_stations_count_from_the_year_they_opened(demo_ws):
    fac = demo_ws["facilities"].copy()
    stations = fac["kind"].isin(["village_station", "township_ecommerce"])
    fac.loc[stations, "opened_year"] = 2030
    later = Workspace({**demo_ws.layers, "facilities": fac}, demo_ws.meta)
    assert K.ecommerce_villages_covered(later, 2025) == 0
    assert 0 < K.ecommerce_villages_covered(demo_ws, 2025) <= 17


def test_relocation_share_follows_the_move_in_years(demo_ws):
    rel = demo_ws["relocations"]
    planned = demo_ws["relocation_sites"]["planned_households"].sum()
    first = int(rel["year"].min())
    moved = rel.loc[rel["year"] <= first, "households"].sum()
    assert K.relocation_moved_share(demo_ws, first - 1) == 0.0
    assert K.relocation_moved_share(demo_ws, first) == pytest.approx(moved / planned)
    assert K.relocation_moved_share(demo_ws, 2100) == pytest.approx(1.0)


# ----------------------------------------------------------------------------- two coverages
#: Three 4 km squares side by side, west to east (CGCS2000 Gauss-Krüger zone 38, metres).
GK = "EPSG:4547"
X0, Y0 = 500_000.0, 2_800_000.0
CODES = ("360722102201", "360722102202", "360722102203")


def station_ws(stations: list[dict]) -> Workspace:
    """Villages A, B, C and the given stations (x, y in metres from A's south-west corner)."""
    from shapely.geometry import Point, box

    villages = gpd.GeoDataFrame(
        {
            "code": list(CODES),
            "name": ["甲村", "乙村", "丙村"],
            "kind": ["村"] * 3,
            "population": [1000] * 3,
            "households": [300] * 3,
            "poor_village": [False] * 3,
            "exit_year": pd.Series([None] * 3, dtype="Int64"),
        },
        geometry=[box(X0 + i * 4000, Y0, X0 + (i + 1) * 4000, Y0 + 4000) for i in range(3)],
        crs=GK,
    ).to_crs("EPSG:4326")
    facilities = gpd.GeoDataFrame(
        {
            "facility_id": [f"F{i}" for i in range(len(stations))],
            "kind": [s.get("kind", "village_station") for s in stations],
            "name": [f"网点{i}" for i in range(len(stations))],
            "village_code": pd.Series([s.get("code") for s in stations], dtype="string"),
            "status": [s.get("status", "existing") for s in stations],
            "opened_year": pd.Series([s.get("opened") for s in stations], dtype="Int64"),
        },
        geometry=[Point(X0 + s["x"], Y0 + s["y"]) for s in stations],
        crs=GK,
    ).to_crs("EPSG:4326")
    return Workspace({"villages": villages, "facilities": facilities})


def test_a_station_inside_a_village_counts_for_it_alone_a_neighbour_only_for_reach():
    # in A, 500 m from B's edge: B's centre (6 km east of A's west edge) is 2.5 km away
    ws = station_ws([{"x": 3500, "y": 2000, "opened": 2018}])
    assert K.ecommerce_station_villages(ws, 2025) == 1
    assert K.ecommerce_villages_covered(ws, 2025) == 2


def test_a_station_opened_after_the_year_counts_in_neither():
    ws = station_ws(
        [{"x": 2000, "y": 2000, "opened": 2018}, {"x": 10000, "y": 2000, "opened": 2030}]
    )
    assert K.ecommerce_station_villages(ws, 2025) == 1
    assert K.ecommerce_villages_covered(ws, 2025) == 1
    assert K.ecommerce_station_villages(ws, 2030) == 2
    assert K.ecommerce_station_villages(ws, 2017) == 0


def test_the_village_a_station_row_names_owns_it_and_planned_stations_do_not_count():
    ws = station_ws(
        [
            {"x": 2000, "y": 2000, "code": CODES[2]},  # stands in A, registered to C
            {"x": 10000, "y": 2000},  # in C: C has two stations, A none
            {"x": 6000, "y": 2000, "status": "planned"},
        ]
    )
    assert K.ecommerce_station_villages(ws, 2025) == 1
    figures = {f.key: f for f in K.key_figures(ws, 2025, first_year=2025)}
    assert (
        figures["ecommerce_station_villages"].value,
        figures["ecommerce_station_villages"].total,
    ) == (1, 3)


def test_the_station_figure_follows_the_reach_figure(demo_ws):
    keys = [f.key for f in K.key_figures(demo_ws, 2019)]
    assert keys.index("ecommerce_station_villages") == keys.index("ecommerce_villages") + 1
    figures = by_key(demo_ws, 2017)
    station = figures["ecommerce_station_villages"]
    assert station.kind == "ratio" and station.total == 17
    assert station.value <= figures["ecommerce_villages"].value
