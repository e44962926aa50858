"""A year or indicator change restyles the map already drawn: the map's script (boundaries,
names) stays the same text, so streamlit-folium keeps the map and Streamlit does not send it
again; only :func:`restyle_payload` (fills, tooltips, legend, overlays of the year) changes.
No browser: the payload itself and the arguments streamlit-folium would send."""

from __future__ import annotations

import json
from dataclasses import replace

import geopandas as gpd
import pytest
import streamlit_folium
from shapely.geometry import Point, box

from township_atlas.dashboard import map as township_map
from township_atlas.dashboard.view import LegendClass, MapSpec

WGS84 = "EPSG:4326"


def frame(rows: dict, geometry: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry=geometry, crs=WGS84)


def spec_of(year: int, fills: list[str], people: list[str]) -> MapSpec:
    """Two villages side by side (one named like markup), one with a gap badge."""
    west, east = box(115.00, 25.00, 115.01, 25.01), box(115.01, 25.00, 115.02, 25.01)
    villages = frame(
        {
            "code": ["360722102201", "360722102202"],
            "name": ["东坑村", "</script><b>西坑村</b>"],
            "value_text": people,
            "poor_text": ["1户 / 3人", "0户 / 0人"],
            "incidence_text": ["1.00%", "0.00%"],
            "gap_text": ["通客运班车", "各项指标均已达标"],
            "fill": fills,
        },
        [west, east],
    )
    nothing = frame({"name": []}, [])
    return MapSpec(
        lang="zh",
        title=f"未脱贫人口(人) · {year}",
        villages=villages,
        labels=frame({"name": villages["name"]}, [west.centroid, east.centroid]),
        classes=(LegendClass(fills[0], people[0]), LegendClass("#f2f2f2", "0人")),
        outline=frame({"name": ["古陂镇"]}, [box(115.00, 25.00, 115.02, 25.01)]),
        roads=frame({"road_class": [], "paved": []}, []),
        rivers=nothing,
        gaps=frame(
            {
                "code": ["360722102201"],
                "name": ["东坑村"],
                "gap_count": [1],
                "gap_text": ["通客运班车"],
            },
            [Point(115.005, 25.005)],
        ),
        service_points=nothing,
        facilities=nothing,
        sites=nothing,
        flows=nothing,
        layers=frozenset({"villages", "labels", "gaps"}),
        illustrative=False,
    )


@pytest.fixture
def y2019() -> MapSpec:
    return spec_of(2019, ["#fc8d59", "#f2f2f2"], ["3人", "0人"])


@pytest.fixture
def y2020() -> MapSpec:
    return spec_of(2020, ["#f2f2f2", "#f2f2f2"], ["0人", "0人"])


def test_the_payload_holds_each_villages_fill_and_tooltip_by_code(y2019):
    payload = township_map.restyle_payload(y2019, key="map", digest="d1")
    assert payload["key"] == "map" and payload["digest"] == "d1"
    assert payload["fields"] == [
        "村情详情",
        "未脱贫人口(人) · 2019",
        "年末未脱贫",
        "贫困发生率",
        "基础设施短板",
    ]
    assert payload["villages"] == {
        "360722102201": ["#fc8d59", "3人", "1户 / 3人", "1.00%", "通客运班车"],
        "360722102202": ["#f2f2f2", "0人", "0户 / 0人", "0.00%", "各项指标均已达标"],
    }
    # the legend: title and classes, escaped HTML
    assert "未脱贫人口(人) · 2019" in payload["legend"] and ">3人</div>" in payload["legend"]
    # the year's overlays: the one gap badge, its tooltip escaped
    (badge,) = payload["overlays"]
    assert badge["at"] == [25.005, 115.005]
    assert badge["tooltip"] == "<b>东坑村</b><br>通客运班车"


def test_without_the_village_layer_no_rows_are_sent(y2019):
    payload = township_map.restyle_payload(replace(y2019, layers=frozenset({"gaps"})))
    assert payload["villages"] == {} and len(payload["overlays"]) == 1


def test_names_reach_the_script_as_text_never_as_markup(y2019):
    shapes = township_map.shapes_of(y2019, "wgs84")
    villages = json.loads(shapes.villages)
    names = [f["properties"]["name"] for f in villages["features"]]
    assert names == ["东坑村", "</script><b>西坑村</b>"]
    assert "</script>" not in shapes.villages and "<b>" not in shapes.villages
    assert [f["properties"]["code"] for f in villages["features"]] == [
        "360722102201",
        "360722102202",
    ]


def test_the_same_boundaries_are_remembered_and_other_ones_are_not(y2019, y2020):
    first = township_map.shapes_of(y2019, "wgs84")
    assert township_map.shapes_of(y2020, "wgs84") is first  # only the styles differ
    moved = y2019.villages.assign(geometry=y2019.villages.translate(0.001, 0))
    assert township_map.shapes_of(replace(y2019, villages=moved), "wgs84").digest != first.digest
    assert township_map.shapes_of(y2019, "gcj02").digest != first.digest


@pytest.fixture
def sent(monkeypatch) -> dict[str, list]:
    """What streamlit-folium and the restyle component would send to the page."""
    out: dict[str, list] = {"map": [], "styles": []}
    monkeypatch.setattr(
        streamlit_folium, "_component_func", lambda **kw: out["map"].append(kw) or kw["default"]
    )
    monkeypatch.setattr(township_map, "_restyle", lambda **kw: out["styles"].append(kw))
    monkeypatch.delenv(township_map.UPDATE_ENV, raising=False)
    return out


def test_a_year_change_sends_the_same_map_and_new_styles(y2019, y2020, sent):
    township_map.show(y2019, key="map")
    township_map.show(y2020, key="map")
    first, second = sent["map"]
    # the same key and script: streamlit-folium keeps the map, Streamlit sends it as a reference
    assert first["key"] == second["key"] and first["script"] == second["script"]
    assert "#fc8d59" not in first["script"] and "2019" not in first["script"]
    old, new = (s["data"] for s in sent["styles"])
    assert {s["key"] for s in sent["styles"]} == {"ta-restyle-map"}
    assert old["villages"]["360722102201"][0] == "#fc8d59"
    assert new["villages"]["360722102201"][0] == "#f2f2f2"
    assert old["digest"] == new["digest"] and json.dumps(old["digest"]) in first["script"]


def test_by_feature_group_the_styles_travel_with_the_map(y2019, y2020, sent, monkeypatch):
    monkeypatch.setenv(township_map.UPDATE_ENV, "group")
    township_map.show(y2019, key="map")
    township_map.show(y2020, key="map")
    first, second = sent["map"]
    assert sent["styles"] == []
    assert first["script"] == second["script"]
    assert "#fc8d59" in first["feature_group"] and "#fc8d59" not in second["feature_group"]
