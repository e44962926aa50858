"""The 图层与底图 controls in the browser: one fold beside the map's title, never cut off, and
the warning on the map when an online base map cannot be reached."""

from __future__ import annotations

import os

import pytest

from tests.support.browser import RERUN_MS, visit
from tests.support.server import start_server, stop_server
from township_atlas.dashboard import basemaps

#: Whether an element, or one around it inside its button, cuts its text off.
CUT_OFF = """e => {
    for (let n = e; n && n.tagName !== 'BUTTON'; n = n.parentElement) {
        if (n.scrollWidth > n.clientWidth + 1) return true;
    }
    return false;
}"""


@pytest.fixture(scope="module")
def offline_server(demo_path, _private_data_dir):
    """The demo served by a server told it is offline: online base maps are unreachable."""
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


@pytest.mark.parametrize("width,height", [(1280, 720), (1600, 1000)])
def test_one_fold_for_layers_and_base_map_and_a_warning_offline(
    browser, offline_server, width, height
):
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
    page.get_by_text("本机连不上OpenStreetMap的瓦片服务器", exact=False).wait_for(timeout=RERUN_MS)
    assert "需要联网" in body.inner_text()
    assert v.errors == []
    page.context.close()
