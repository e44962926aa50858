"""The 图层与底图 controls above each map, the 一张图 title and the offline base-map warning."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.paths import APP
from township_atlas.dashboard import basemaps, map_controls, markup


@pytest.fixture
def app(demo_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(demo_path))
    monkeypatch.delenv(basemaps.OFFLINE_ENV, raising=False)
    monkeypatch.delenv(basemaps.KEY_ENV, raising=False)
    monkeypatch.delenv(basemaps.TILES_ENV, raising=False)
    # Never the network: each test says whether the tile server answers.
    monkeypatch.setattr(basemaps, "tcp_probe", lambda host, *a, **k: False)
    basemaps.forget_reachability()
    yield AppTest.from_file(APP, default_timeout=90)
    basemaps.forget_reachability()


def script(at: AppTest) -> str:
    """The map's script and the year's styles sent beside it."""
    (component,) = at.get("component_instance")
    (styles,) = at.get("bidi_component")
    return json.loads(component.proto.json_args)["script"] + styles.proto.json


def drawn(at: AppTest, text: str) -> bool:
    """Whether ``text`` is on the map (non-ASCII text may be \\u-escaped there)."""
    return any(form in script(at) for form in (text, json.dumps(text)[1:-1]))


def keys(elements) -> list[str]:
    return [e.key for e in elements]


@pytest.mark.slow
def test_the_map_page_has_a_title_and_its_controls_beside_it(app):
    at = app.run()
    assert not at.exception
    assert at.markdown[0].value == "#### 古陂镇 2025年 扶贫一张图 · 未脱贫人口\\(人\\)"
    # Indicator, class breaks, layers and base map are on the page, none in the sidebar.
    assert {"indicator__zh", "scheme__zh"} <= set(keys(at.selectbox))
    assert keys(at.multiselect) == ["layers__zh"] and "basemap__zh" in keys(at.radio)
    assert not at.sidebar.selectbox and not at.sidebar.multiselect
    assert keys(at.sidebar.radio) == ["lang"]


@pytest.mark.slow
def test_the_title_follows_the_indicator_and_the_language(app):
    app.session_state["indicator"] = "incidence"
    app.session_state["year"] = 2016
    app.session_state["lang"] = "en"
    at = app.run()
    assert not at.exception
    title = at.markdown[0].value
    assert title.startswith("#### 古陂镇 2016 ") and "Poverty incidence" in title


@pytest.mark.slow
def test_layers_chosen_above_the_map_change_the_map(app):
    at = app.run()
    assert drawn(at, "短板项数")  # the gap badges' legend line
    layers = at.multiselect(key="layers__zh")
    layers.set_value([k for k in layers.value if k != "gaps"]).run()
    assert not at.exception
    assert not drawn(at, "短板项数")
    assert "gaps" not in at.session_state["layers"]


@pytest.mark.slow
def test_pages_that_colour_villages_themselves_offer_no_indicator(app):
    at = app.run()
    for page in ("gaps_page", "relocation_page", "progress_page"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, page
        assert "indicator__zh" not in keys(at.selectbox), page
        assert keys(at.multiselect) == ["layers__zh"], page
        assert any("本页总显示" in c.value and "行政村专题" in c.value for c in at.caption), page


@pytest.mark.slow
def test_a_layer_the_page_needs_stays_on_whatever_is_chosen(app):
    # 基础设施短板 measures distances to the facilities: their points stay on its map.
    app.session_state["layers"] = ["labels"]
    at = app.run()
    assert not drawn(at, "学校")  # a facility's tooltip: 一张图 draws what was chosen
    at.switch_page("app_pages/gaps_page.py").run()
    assert not at.exception
    assert drawn(at, "学校")


@pytest.mark.slow
def test_an_unreachable_online_basemap_is_said_where_it_is_chosen(app):
    app.session_state["basemap"] = "osm"
    at = app.run()
    assert not at.exception
    notes = " ".join(c.value for c in at.caption)
    assert "需要联网" in notes and "tile.openstreetmap.org" in notes
    (warning,) = [w.value for w in at.warning if "连不上" in w.value]
    assert "OpenStreetMap" in warning and "无底图(离线)" in warning
    at.switch_page("app_pages/progress_page.py").run()  # every page with a map says so
    assert any("连不上" in w.value for w in at.warning)


@pytest.mark.slow
def test_a_reachable_basemap_gets_the_note_but_no_warning(app, monkeypatch):
    monkeypatch.setattr(basemaps, "tcp_probe", lambda host, *a, **k: True)
    app.session_state["basemap"] = "osm"
    at = app.run()
    assert not at.exception
    assert any("需要联网" in c.value for c in at.caption)
    assert not any("连不上" in w.value for w in at.warning)


@pytest.mark.slow
def test_no_basemap_no_probe_no_warning(app, monkeypatch):
    def never(host, *a, **k):
        raise AssertionError("probed for a base map that needs no internet")

    monkeypatch.setattr(basemaps, "tcp_probe", never)
    at = app.run()
    assert not at.exception
    assert not any("连不上" in w.value or "需要联网" in w.value for w in [*at.warning, *at.caption])


def test_names_from_data_are_shown_as_typed():
    name = "*甲* [乙](http://x) :red[丙] $1$ <b>丁</b> #"
    escaped = markup.escape_md(name)
    # every Markdown or directive character is escaped: nothing is left to be read as markup
    assert "\\*甲\\*" in escaped and "\\[乙\\]\\(http\\:" in escaped
    assert "\\:red\\[" in escaped and "\\$1\\$" in escaped and "\\<b\\>" in escaped
    assert escaped.replace("\\", "") == name


def test_title_and_basemap_names():
    assert map_controls.title("古陂镇", 2025, "poor_people", "zh") == (
        "古陂镇 2025年 扶贫一张图 · 未脱贫人口(人)"
    )
    assert map_controls.basemap_name("tianditu_vec", "zh") == "天地图矢量"
    assert map_controls.basemap_name("amap", "en") == "AMap"
