"""Browser tests of 会议模式's presentation view (/meeting?present=1): at a projector's 1280×720
and a laptop's 1600×1000 the six figures and the whole map are on the screen, no figure is cut,
the sidebar is gone; keys, clicks and the timer step the villages on one map that is never
drawn again; Esc leaves; downloads are named once. Debian chromium, outside requests blocked.
"""

from __future__ import annotations

import re

import pytest

from tests.support.browser import RERUN_MS, Visit, expect, visit

SIZES = [(1280, 720), (1600, 1000)]
#: Blocks whose text must never be cut: the tiles and every line in them.
FIGURE_PARTS = ".ta-fig, .ta-fig-label, .ta-fig-value, .ta-fig-change, .ta-fig-row"


class Screen(Visit):
    """A visit to the meeting page, with what its tests read of the card and the map."""

    def card_name(self) -> str:
        return self.page.locator(".ta-card h3").first.inner_text()

    def wait_card(self, name: str) -> None:
        self.page.locator(".ta-card h3", has_text=name).first.wait_for(timeout=30_000)
        assert self.card_name() == name

    def mark_map(self) -> None:
        """Tag the map's first village path: a map drawn again would lose the tag."""
        self.map_frame().evaluate(
            "() => { document.querySelector('.leaflet-villages-pane path').__taMark = 1; }"
        )

    def map_kept(self) -> bool:
        return self.map_frame().evaluate(
            "() => document.querySelector('.leaflet-villages-pane path').__taMark === 1"
        )


def open_screen(browser, url: str, size: tuple[int, int]) -> Screen:
    width, height = size
    return visit(browser, url, height=height, width=width, kind=Screen)


def present(browser, server, size: tuple[int, int]) -> Screen:
    s = open_screen(browser, f"{server.url}/meeting?present=1", size)
    s.map_frame()  # the map fills its frame and fits the township
    s.page.evaluate("() => document.fonts.ready.then(() => true)")  # the figures' final size
    return s


#: The map's ground is dark (its red, green and blue add up to less than 200).
DARK_MAP = """() => {
    const rgb = getComputedStyle(map.getContainer()).backgroundColor.match(/\\d+/g);
    return rgb !== null && rgb.slice(0, 3).reduce((a, c) => a + Number(c), 0) < 200;
}"""


def box(locator) -> dict:
    b = locator.bounding_box()
    assert b is not None, "the element is on the page"
    return b


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_figures_and_the_whole_map_fill_the_screen(browser, demo_server, size):
    width, height = size
    s = present(browser, demo_server, size)
    page = s.page
    assert page.locator("[data-testid=stSidebar]").is_hidden()
    assert page.locator("[data-testid=stHeader]").is_hidden()
    strip = box(page.locator(".ta-demo-strip"))
    assert strip["y"] == 0 and strip["height"] <= 28  # the demo notice: one thin line
    tiles = page.locator(".ta-fig")
    assert tiles.count() == 6
    for i in range(6):
        b = box(tiles.nth(i))
        assert b["x"] >= 0 and b["y"] >= 0
        assert b["x"] + b["width"] <= width and b["y"] + b["height"] <= height
    cut = page.evaluate(
        """(sel) => [...document.querySelectorAll(sel)]
            .filter(e => e.scrollWidth > e.clientWidth || e.scrollHeight > e.clientHeight + 1)
            .map(e => e.className + ': ' + e.innerText)""",
        FIGURE_PARTS,
    )
    assert cut == []
    figures_bottom = max(box(tiles.nth(i))["y"] + box(tiles.nth(i))["height"] for i in range(6))
    frame = s.map_frame()
    m = box(frame.owner)
    assert m["x"] >= 0 and m["y"] >= figures_bottom - 1
    assert m["x"] + m["width"] <= width + 0.5
    assert abs(m["y"] + m["height"] - height) <= 1  # down to the screen's bottom edge
    assert m["width"] * m["height"] >= 0.55 * width * height  # the map has the room
    leaflet = frame.evaluate("() => [map.getSize().x, map.getSize().y]")
    assert abs(leaflet[0] - m["width"]) <= 2 and abs(leaflet[1] - m["height"]) <= 2
    side = box(page.locator(".st-key-meeting_side"))
    assert side["x"] >= m["x"] + m["width"] - 1  # the card beside the map, hiding none of it
    assert s.outside == [] and s.errors == []
    s.close()


def test_the_clicker_steps_the_villages_on_one_map(browser, demo_server, demo_ws):
    s = present(browser, demo_server, (1280, 720))
    names = [str(n) for n in demo_ws.villages["name"]]
    assert s.card_name() == "全镇"
    s.mark_map()
    zoom = s.map_frame().evaluate("() => map.getZoom()")
    s.page.mouse.click(1100, 250)  # focus the page (the card, not a field)
    s.page.keyboard.press("ArrowRight")
    s.wait_card(names[0])
    s.page.keyboard.press("PageDown")
    s.wait_card(names[1])
    s.page.keyboard.press("PageUp")
    s.wait_card(names[0])
    s.map_frame().wait_for("(z) => map.getZoom() > z", zoom)  # Leaflet's move has ended
    assert s.map_frame().evaluate("() => map.getZoom()") > zoom  # the view moved to it
    s.page.keyboard.press("Home")
    s.wait_card("全镇")
    assert s.map_kept()  # stepped four times, never drawn again
    assert s.outside == [] and s.errors == []
    s.close()


def test_a_click_on_a_village_goes_to_it_and_the_clicker_still_works(
    browser,
    demo_server,
    demo_ws,
):
    # A projector's window (that both windows hold the map whole is tested above)
    s = present(browser, demo_server, (1280, 720))
    names = [str(n) for n in demo_ws.villages["name"]]
    s.mark_map()
    frame = s.map_frame()
    point = demo_ws.villages.to_crs(4326).loc[demo_ws.villages["name"] == "太平村"]
    point = point.geometry.iloc[0].representative_point()
    x, y = frame.evaluate(
        "([lat, lng]) => { const p = map.latLngToContainerPoint([lat, lng]); return [p.x, p.y]; }",
        [point.y, point.x],
    )
    m = box(frame.owner)
    s.page.mouse.click(m["x"] + x, m["y"] + y)  # a real click, where the village is drawn
    s.wait_card("太平村")
    # The keyboard focus is in the map now: the clicker's next key still steps.
    s.page.keyboard.press("ArrowRight")
    s.wait_card(names[names.index("太平村") + 1])
    assert s.map_kept()
    assert s.outside == [] and s.errors == []
    s.close()


def test_esc_leaves_and_the_button_enters_the_presentation_view(browser, demo_server):
    s = open_screen(browser, f"{demo_server.url}/meeting", (1600, 1000))
    s.map_frame()
    page = s.page
    assert page.locator("[data-testid=stSidebar]").is_visible()
    page.get_by_role("button", name="进入全屏演示").click()
    page.locator("[data-testid=stSidebar]").wait_for(state="hidden", timeout=30_000)
    page.locator(".ta-demo-strip").wait_for(timeout=30_000)
    assert "present=1" in page.url
    s.map_frame()
    page.keyboard.press("Escape")
    page.locator("[data-testid=stSidebar]").wait_for(state="visible", timeout=30_000)
    page.get_by_role("button", name="进入全屏演示").wait_for(timeout=30_000)
    assert "present" not in page.url
    assert s.outside == [] and s.errors == []
    s.close()


def test_the_dark_theme_darkens_the_page_and_the_map(browser, demo_server):
    s = present(browser, demo_server, (1280, 720))
    page = s.page
    page.locator(".st-key-meeting_bar [data-testid=stCheckbox] label").first.click()

    def ground() -> str:
        return page.evaluate("() => getComputedStyle(document.querySelector('.stApp')).background")

    expect(page.locator(".stApp")).to_have_css(
        "background", re.compile("15, 19, 24"), timeout=RERUN_MS
    )
    assert "15, 19, 24" in ground()
    # The map is drawn again in its dark colours (the wait follows a new iframe).
    s.map_frame().wait_for(DARK_MAP)
    colour = s.map_frame().evaluate("() => getComputedStyle(map.getContainer()).backgroundColor")
    assert sum(int(c) for c in re.findall(r"\d+", colour)[:3]) < 200, colour
    fg = page.evaluate("() => getComputedStyle(document.querySelector('.ta-fig-value')).color")
    assert sum(int(c) for c in re.findall(r"\d+", fg)[:3]) > 600  # light figures on dark
    assert s.outside == [] and s.errors == []
    s.close()


def test_the_brief_is_made_then_downloaded_under_its_name(browser, demo_server):
    s = open_screen(browser, f"{demo_server.url}/meeting", (1600, 1000))
    s.map_frame()
    page = s.page
    page.get_by_role("button", name="生成简报(PDF)").click()
    button = page.get_by_role("button", name="下载简报(PDF,可打印)")
    button.wait_for(timeout=60_000)
    with page.expect_download(timeout=30_000) as got:
        button.click()
    assert got.value.suggested_filename == "古陂镇-2025-简报.pdf"
    with page.expect_download(timeout=60_000) as got:
        page.get_by_role("button", name="下载地图(HTML,可离线打开)").click()
    assert got.value.suggested_filename == "古陂镇-2025-一张图.html"
    assert s.outside == [] and s.errors == []
    s.close()


def test_full_screen_comes_and_goes_with_the_presentation_view(browser, demo_server):
    s = open_screen(browser, f"{demo_server.url}/meeting", (1280, 720))
    s.map_frame()
    page = s.page

    def full() -> bool:
        return page.evaluate("() => !!document.fullscreenElement")

    page.locator(".ta-fullscreen").click()  # the browser's own full screen, on and off
    page.wait_for_function("() => !!document.fullscreenElement", timeout=10_000)
    page.locator(".ta-fullscreen").click()
    page.wait_for_function("() => !document.fullscreenElement", timeout=10_000)
    # 「进入全屏演示」 asks for full screen in the same click (the gesture the browser needs)
    page.get_by_role("button", name="进入全屏演示").click()
    page.locator(".ta-demo-strip").wait_for(timeout=30_000)
    assert full() and "present=1" in page.url
    # Esc in full screen ends the full screen (the page never sees the key): the
    # presentation ends with it
    page.evaluate("() => document.exitFullscreen()")
    page.locator("[data-testid=stSidebar]").wait_for(state="visible", timeout=30_000)
    # the address drops ?present=1 when the rerun's query-string update arrives, which may be
    # just after the sidebar shows
    expect(page).not_to_have_url(re.compile(r"present"), timeout=30_000)
    assert not full()
    assert s.outside == [] and s.errors == []
    s.close()
