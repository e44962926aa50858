"""Coverage of villages and poor households by stations, straight and along a toy road network."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from township_atlas.analysis.coverage import (
    RoadGraph,
    coverage,
    service_roads,
    straight_distances,
    village_distances,
)

GK = "EPSG:4547"  # CGCS2000 3-degree Gauss-Kruger CM 114E: metres
X0, Y0 = 600_000, 2_800_000  # near 115.0E 25.3N


def pts(*xy) -> gpd.GeoSeries:
    return gpd.GeoSeries([Point(X0 + x, Y0 + y) for x, y in xy], crs=GK)


def toy_roads() -> gpd.GeoDataFrame:
    # A paved road west-east with a vertex at 5 km, an unpaved spur 4 km north from there, and
    # a paved road far away that touches nothing.
    return gpd.GeoDataFrame(
        {"road_id": ["R1", "R2", "R3"], "paved": [True, False, True]},
        geometry=[
            LineString([(X0, Y0), (X0 + 5_000, Y0), (X0 + 10_000, Y0)]),
            LineString([(X0 + 5_000, Y0), (X0 + 5_000, Y0 + 4_000)]),
            LineString([(X0 + 50_000, Y0), (X0 + 51_000, Y0)]),
        ],
        crs=GK,
    )


def test_straight_distances_in_metres():
    d = straight_distances(pts((3_000, 4_000), (0, 0)), pts((0, 0)))
    assert d[:, 0].tolist() == [5_000.0, 0.0]


def test_straight_distances_refuse_degrees():
    with pytest.raises(ValueError, match="degrees"):
        straight_distances(gpd.GeoSeries([Point(115, 25)], crs=4326), pts((0, 0)))


def test_road_distances_follow_the_roads_and_slow_unpaved_ones():
    graph = RoadGraph.from_roads(toy_roads(), unpaved_factor=1.5)
    d = graph.distances(pts((10_000, 0), (5_000, 4_000), (10_000, 300), (51_000, 0)), pts((0, 0)))[
        :, 0
    ]
    # along the paved road; 5 km paved + 4 km unpaved x 1.5; 300 m off the road walked at 1.5;
    # a road that does not connect is unreachable
    assert d[:3] == pytest.approx([10_000, 11_000, 10_450])
    assert np.isinf(d[3])


def test_road_distances_beyond_the_cutoff_are_unreachable():
    graph = RoadGraph.from_roads(toy_roads())
    d = graph.distances(pts((10_000, 0), (5_000, 4_000)), pts((0, 0)), cutoff=10_500)[:, 0]
    assert d[0] == pytest.approx(10_000) and np.isinf(d[1])


def test_reachable_roads_are_cut_where_the_budget_runs_out():
    graph = RoadGraph.from_roads(toy_roads(), unpaved_factor=1.5)
    (pieces,) = graph.reachable(pts((0, 0)), 8_000)
    # 8 km of paved road east; at the 5 km junction 3 km of budget is left, which buys 2 km of
    # unpaved spur (counted 1.5 times); the far road is out of reach.
    assert sum(p.length for p in pieces) == pytest.approx(8_000 + 2_000)
    ends = {tuple(np.round(c)) for p in pieces for c in p.coords}
    assert (X0 + 8_000, Y0) in ends and (X0 + 5_000, Y0 + 2_000) in ends
    assert max(x for x, _ in ends) == X0 + 8_000


def test_service_roads_give_one_geometry_per_station_and_none_off_the_network():
    stations = gpd.GeoDataFrame({"id": ["S1", "S2"]}, geometry=pts((0, 0), (0, 30_000)), crs=GK)
    areas = service_roads(stations, toy_roads(), 1_000)
    assert areas.geometry.iloc[0].length == pytest.approx(1_000)
    assert areas.geometry.iloc[1].is_empty  # 30 km from any road: nothing reachable


def villages_and_households():
    # Three 200 m villages: A at the station, B 4.5 km east on the road, C 4 km up the spur.
    villages = gpd.GeoDataFrame(
        {
            "code": ["360722102201", "360722102202", "360722102203"],
            "name": ["甲村", "乙村", "丙村"],
            "population": [1000, 800, 600],
            "poor_village": [True, False, True],
            "exit_year": [None, None, None],
        },
        geometry=[
            box(X0 - 100, Y0 - 100, X0 + 100, Y0 + 100),
            box(X0 + 4_400, Y0 - 100, X0 + 4_600, Y0 + 100),
            box(X0 + 4_900, Y0 + 3_900, X0 + 5_100, Y0 + 4_100),
        ],
        crs=GK,
    )
    households = pd.DataFrame(
        {
            "village_code": ["360722102201", "360722102202", "360722102203", "360722102203"],
            "size": [3, 4, 2, 5],
            "category": ["一般贫困户", "低保户", "一般贫困户", "特困供养户"],
            "identified_year": [2014] * 4,
            "exit_year": [None, None, None, 2016],
            "return_year": [None] * 4,
            "monitor_kind": [None] * 4,
            "monitor_year": [None] * 4,
        }
    )
    station = gpd.GeoDataFrame(
        {"facility_id": ["F1"], "name": ["甲村服务站"]}, geometry=[Point(X0, Y0)], crs=GK
    )
    return villages, households, station


def test_coverage_counts_villages_and_remaining_poor_by_category():
    villages, households, station = villages_and_households()
    # Straight line: A (0 m) and B (~4.5 km) within 6 km; C is ~6.4 km away.
    result = coverage(villages, households, station, 6_000, year=2017)
    assert result.villages["covered"].tolist() == [True, True, False]
    assert (result.villages_covered, result.villages_total) == (2, 3)
    # In 2017 the 特困供养户 of C has exited: 3 poor households, 9 people; A and B hold 2 / 7.
    assert (result.households_covered, result.households_total) == (2, 3)
    assert (result.people_covered, result.people_total) == (7, 9)
    cats = result.by_category.set_index("category")
    assert cats.loc["一般贫困户"].tolist() == [2, 5, 1, 3]
    assert cats.loc["低保户"].tolist() == [1, 4, 1, 4]
    assert cats.loc["特困供养户"].tolist() == [0, 0, 0, 0]
    assert result.villages["nearest_station"].tolist() == ["甲村服务站"] * 3
    assert result.villages["nearest_m"].iloc[2] == pytest.approx(np.hypot(5_000, 4_000), abs=150)


def test_each_station_serves_its_own_distance():
    villages, households, _ = villages_and_households()
    two = gpd.GeoDataFrame(
        {"name": ["镇中心", "村站"]}, geometry=pts((0, 0), (5_000, 4_000)), crs=GK
    )
    # The centre (at A) serves 5 km, reaching B; the station at C serves only 100 m.
    result = coverage(villages, households, two, np.array([5_000, 100]), year=2017)
    assert result.villages["covered"].tolist() == [True, True, True]
    result = coverage(villages, households, two, np.array([4_000, 100]), year=2017)
    assert result.villages["covered"].tolist() == [True, False, True]
    # B is nearer to the village station (~4.1 km) than to the centre, yet covered by neither.
    assert result.villages["nearest_station"].iloc[1] == "村站"
    with pytest.raises(ValueError, match="negative"):
        coverage(villages, households, two, np.array([5_000, -1]), year=2017)


def test_road_mode_can_leave_a_straight_covered_village_out():
    villages, households, station = villages_and_households()
    roads = toy_roads()
    straight = village_distances(villages, station)[:, 0]
    by_road = village_distances(villages, station, mode="road", roads=roads)[:, 0]
    assert (by_road >= straight - 1e-6).all()
    # C: 5 km paved + 4 km unpaved at 1.5 = 11 km by road, ~6.4 km straight.
    assert by_road[2] == pytest.approx(11_000, abs=300)
    result = coverage(villages, households, station, 7_000, 2017, mode="road", roads=roads)
    assert result.villages["covered"].tolist() == [True, True, False]


def test_road_mode_without_roads_and_unknown_mode_are_refused():
    villages, _, station = villages_and_households()
    with pytest.raises(ValueError, match="need a roads layer"):
        village_distances(villages, station, mode="road")
    with pytest.raises(ValueError, match="unknown distance mode"):
        village_distances(villages, station, mode="flight")


def test_no_station_covers_nothing():
    villages, households, station = villages_and_households()
    result = coverage(villages, households, station.iloc[:0], 6_000, 2017)
    assert result.villages_covered == 0 and result.people_covered == 0
    assert np.isinf(result.villages["nearest_m"]).all()


def test_plan_geojson_lists_every_station_with_its_role():
    import json

    from township_atlas.analysis.station_plan import plan_geojson, points_frame

    existing = gpd.GeoDataFrame({"id": ["F1"], "name": ["站"]}, geometry=[Point(X0, Y0)], crs=GK)
    tried = points_frame([(25.3, 115.1)], "试点")
    data = json.loads(plan_geojson(existing, tried, existing.iloc[:0]))
    roles = [(f["properties"]["id"], f["properties"]["role"]) for f in data["features"]]
    assert roles == [("F1", "existing"), ("P1", "tried")]
    lon, lat = data["features"][1]["geometry"]["coordinates"]
    assert (round(lat, 6), round(lon, 6)) == (25.3, 115.1)


def test_village_reach_is_the_distance_matrix_within_each_radius():
    from township_atlas.analysis.coverage import village_reach

    rng = np.random.default_rng(5)
    villages = gpd.GeoDataFrame(
        {"code": [f"3607221022{i:02d}" for i in range(40)]},
        geometry=[
            box(X0 + x, Y0 + y, X0 + x + 900, Y0 + y + 700)
            for x, y in rng.uniform(0, 20_000, (40, 2))
        ],
        crs=GK,
    ).to_crs("EPSG:4326")
    stations = gpd.GeoDataFrame(
        geometry=[Point(X0 + x, Y0 + y) for x, y in rng.uniform(0, 20_000, (25, 2))], crs=GK
    )
    radii = rng.choice([2_000.0, 3_000.0, 5_000.0], 25)
    dense = village_distances(villages, stations) <= radii[None, :]
    assert dense.any() and not dense.all()
    assert np.array_equal(village_reach(villages, stations, radii), dense)
    one = village_distances(villages, stations) <= 3_000.0
    assert np.array_equal(village_reach(villages, stations, 3_000.0), one)
    assert village_reach(villages, stations.iloc[:0], radii[:0]).shape == (40, 0)
