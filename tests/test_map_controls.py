"""The 图层与底图 controls above each map, the 一张图 title and the offline base-map warning."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import APP
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
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)["script"]


def drawn(at: AppTest, text: str) -> bool:
    """Whether ``text`` is in the map's script (non-ASCII text may be \\u-escaped there)."""
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


# --- in the browser --------------------------------------------------------------------------


#: Whether an element, or one around it inside its button, cuts its text off.
CUT_OFF = """e => {
    for (let n = e; n && n.tagName !== 'BUTTON'; n = n.parentElement) {
        if (n.scrollWidth > n.clientWidth + 1) return true;
    }
    return false;
}"""


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, launched as tests/test_browser.py does; skipped without it."""
    web = pytest.importorskip("tests.test_browser")
    if not Path(web.CHROMIUM).exists():
        pytest.skip("needs Debian's chromium")
    with web.playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=web.CHROMIUM, args=web.CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def offline_server(demo_path, _private_data_dir):
    """The demo served by a server told it is offline: online base maps are unreachable."""
    from tests.test_browser import start_server, stop_server

    old = os.environ.get(basemaps.OFFLINE_ENV)
    os.environ[basemaps.OFFLINE_ENV] = "1"
    try:
        server = start_server(demo_path, _private_data_dir)
    finally:
        if old is None:
            os.environ.pop(basemaps.OFFLINE_ENV, None)
        else:
            os.environ[basemaps.OFFLINE_ENV] = old
    yield server
    stop_server(server)


@pytest.mark.browser
@pytest.mark.parametrize("width,height", [(1280, 720), (1600, 1000)])
def test_one_fold_for_layers_and_base_map_and_a_warning_offline(
    browser, offline_server, width, height
):
    from tests.test_browser import visit

    v = visit(browser, offline_server.url, height=height)
    v.page.set_viewport_size({"width": width, "height": height})
    v.map_frame()
    page = v.page
    button = page.locator(".st-key-map_controls button").first
    # The whole label on one line, beside the title: nothing cut to "图层与…".
    label = button.get_by_text("图层与底图", exact=True)
    assert label.is_visible()
    assert label.evaluate(CUT_OFF) is False
    assert button.bounding_box()["height"] < 50  # and not wrapped onto a second line
    title = page.get_by_text("古陂镇 2025年 扶贫一张图", exact=False).first
    assert abs(title.bounding_box()["y"] - button.bounding_box()["y"]) < 40
    assert "行政村专题" not in page.locator("[data-testid=stSidebar]").inner_text()
    button.click()
    body = page.locator("[data-testid=stPopoverBody]")
    body.get_by_text("行政村专题").first.wait_for(timeout=10_000)
    assert page.get_by_label("无底图(离线)").is_checked()
    body.get_by_text("OpenStreetMap(需联网)").click()
    page.get_by_text("本机连不上OpenStreetMap的瓦片服务器", exact=False).wait_for(timeout=30_000)
    assert "需要联网" in body.inner_text()
    assert v.errors == []
    page.context.close()
