"""The 图层与底图 controls in the browser: one fold beside the map's title, never cut off, and
the warning on the map when an online base map cannot be reached."""

from __future__ import annotations

from tests.support.browser import RERUN_MS, visit

#: Whether an element, or one around it inside its button, cuts its text off.
CUT_OFF = """e => {
    for (let n = e; n && n.tagName !== 'BUTTON'; n = n.parentElement) {
        if (n.scrollWidth > n.clientWidth + 1) return true;
    }
    return false;
}"""


#: A projector's window and a laptop's: the fold fits beside the title in both.
SIZES = [(1280, 720), (1600, 1000)]


def test_one_fold_for_layers_and_base_map_and_a_warning_offline(browser, demo_server):
    """The demo server is told it is offline (``conftest.demo_server``)."""
    width, height = SIZES[0]
    v = visit(browser, demo_server.url, height=height, width=width)
    page = v.page
    button = page.locator(".st-key-map_controls button").first
    for width, height in SIZES:  # one page, its window made larger: the layout follows it
        page.set_viewport_size({"width": width, "height": height})
        v.map_frame()  # laid out again: the map has filled its frame at this size
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
    v.close()
