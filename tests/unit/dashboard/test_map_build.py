"""The township map as built for the page: no layer panel, a small foldable legend, the dark
theme, tried sites unlike existing stations, the offline notice of an online base map, and a
view that moves to a village without the map being drawn again. No browser: the built HTML and
the arguments streamlit-folium would send to the page."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import geopandas as gpd
import pytest
import streamlit_folium
from shapely.geometry import Polygon

from township_atlas.analysis import station_plan
from township_atlas.dashboard import i18n, map_html, map_items, view
from township_atlas.dashboard import map as township_map


@pytest.fixture(scope="module")
def spec(demo_ws):
    return view.map_spec(demo_ws, 2020, "poor_people", "zh")


def render(spec) -> str:
    return township_map.build_map(spec).get_root().render()


def test_the_map_has_no_layer_panel_and_no_room_kept_for_one(spec):
    page = render(spec)
    assert "L.control.layers" not in page
    assert '{"paddingBottomRight": [10, 10], "paddingTopLeft": [10, 10]}' in page


def test_the_legend_is_a_small_fold_open_at_first(spec):
    legend = map_html.legend_html(spec)
    assert legend.startswith('<details class="ta-legend" open')
    assert "<summary>图例</summary>" in legend
    box = legend.split(">", 1)[0]  # the fold's own style
    assert "min-width" not in box and "font:12px/1.35" in box
    assert "Legend" in map_html.legend_html(replace(spec, lang="en"))
    assert "ta-legend-control" in render(spec)


def test_a_dark_map_has_dark_ground_light_lines_and_the_same_fills(spec):
    light, dark = render(spec), render(replace(spec, dark=True))
    assert map_html.DARK_GROUND not in light
    assert f".leaflet-container{{background:{map_html.DARK_GROUND}}}" in dark

    def fills(s) -> list[str]:
        return [row[0] for row in township_map.restyle_payload(s)["villages"].values()]

    assert fills(spec) == fills(replace(spec, dark=True))  # the palette is the same
    edges = re.compile(r"var style = (\{[^}]*\})")  # the villages' own style
    assert json.loads(edges.search(dark).group(1))["color"] == "#cfd8dc"  # light edges
    assert json.loads(edges.search(light).group(1))["color"] == "#555"
    labels = map_html.page_style(dark=True, tiles=False, label_size=13)
    assert ".ta-label{" in labels and "color:#f5f5f5" in labels and "0 0 3px #000" in labels
    assert map_html.label_html("枫树村") == '<div class="ta-label">枫树村</div>'
    legend = map_html.legend_html(replace(spec, dark=True))
    assert "background:rgba(29,35,43,.92);color:#eee" in legend
    assert '"color": "#eceff1", "fill": false' in dark  # the township's outline, light
    # On a base map the tiles are the ground: no dark box over them.
    tiles = map_html.page_style(dark=True, tiles=True)
    assert map_html.DARK_GROUND not in tiles


def plan_spec(ws, tried_points, proposed_ids=()):
    existing = station_plan.workspace_existing(ws)
    tried = station_plan.points_frame(tried_points, "试设网点")
    network = station_plan.stations_with(existing, tried)
    candidates = station_plan.workspace_candidates(ws)
    chosen = candidates[candidates["id"].isin(proposed_ids)]
    _, after = station_plan.compare_coverage(ws, 2025, existing, network, 3_000, "straight")
    cov = after.villages
    return view.plan_map_spec(
        ws, 2025, "zh", cov["covered"], cov["nearest_m"], network, chosen, 3_000, "straight"
    ), len(existing)


def test_tried_sites_are_diamonds_and_existing_stations_solid_circles(demo_ws):
    candidates = station_plan.workspace_candidates(demo_ws)
    spec, n_existing = plan_spec(
        demo_ws, [(25.25, 115.05), (25.30, 115.15)], list(candidates["id"].iloc[:1])
    )
    assert list(spec.plan["role"]) == ["existing"] * n_existing + ["tried"] * 2 + ["proposed"]
    items = map_items.plan_items(spec.plan, "zh")
    stations = [it for it in items if not it.get("area")]
    existing = [it for it in stations if it.get("circle") and "dashArray" not in it["options"]]
    tried = [it for it in stations if it.get("cls") == "ta-tried"]
    proposed = [it for it in stations if it.get("circle") and "dashArray" in it["options"]]
    assert len(existing) == n_existing and len(tried) == 2 and len(proposed) == 1
    assert all(it["options"]["fillOpacity"] == 1 for it in existing)  # solid
    assert all("试" in it["html"] and "circle" not in it for it in tried)  # a badge, not a dot
    assert [it["at"] for it in tried] == [[25.25, 115.05], [25.30, 115.15]]
    legend = map_html.legend_html(spec)
    for role in ("existing", "tried", "proposed"):
        assert i18n.t(f"legend_station_{role}", "zh") in legend
    assert "ta-tried-icon" in legend  # the legend shows the diamond itself


def test_without_tried_sites_the_legend_does_not_mention_them(demo_ws):
    spec, _ = plan_spec(demo_ws, [])
    assert set(spec.plan["role"]) == {"existing"}
    assert i18n.t("legend_station_tried", "zh") not in map_html.legend_html(spec)


def test_an_online_base_map_says_once_when_it_cannot_load(spec, monkeypatch):
    notice = i18n.t("tiles_offline", "zh")
    assert "底图需要联网" in notice
    online = render(replace(spec, basemap="osm"))
    assert json.dumps(notice) in online and '"tileerror"' in online
    assert json.dumps(notice) not in render(spec)  # no tiles, nothing to say


def test_changing_fit_moves_the_view_of_the_same_map(spec, demo_ws, monkeypatch):
    sent: list[dict] = []
    monkeypatch.setattr(
        streamlit_folium, "_component_func", lambda **kw: sent.append(kw) or kw["default"]
    )
    villages = demo_ws.villages.to_crs(4326)
    township_map.show(spec, key="m", fit=None)
    for i in (0, 5):
        township_map.show(spec, key="m", fit=villages.iloc[[i]])
    # streamlit-folium keys its component by the map's script: one key, one map on the page.
    assert len({s["key"] for s in sent}) == 1
    assert len({s["script"] for s in sent}) == 1
    groups = [s["feature_group"] for s in sent]
    assert len(set(groups)) == 3  # only the focus group differs
    assert "var outline = null;" in groups[0]  # the township: no bold outline
    assert all("var outline = null;" not in g for g in groups[1:])
    w, s, e, n = villages.geometry.iloc[5].bounds
    assert f"[[{s}, {w}], [{n}, {e}]]" in groups[2]  # fits that village


def test_fit_accepts_any_crs_and_an_empty_frame(spec):
    square = Polygon([(0, 0), (1000, 0), (1000, 1000), (0, 1000)]).buffer(0)
    metric = gpd.GeoDataFrame(geometry=[square], crs=4547).set_geometry(
        gpd.GeoSeries([square], crs=4547).translate(400_000, 2_800_000)
    )
    group = township_map.focus_group(spec, metric)
    fit = next(iter(group._children.values()))
    (south, west), (north, east) = fit.bounds
    assert 20 < south < north < 30 and 100 < west < east < 130  # WGS84 degrees
    empty = township_map.focus_group(spec, metric.iloc[:0])
    assert next(iter(empty._children.values())).outline is None  # the township
