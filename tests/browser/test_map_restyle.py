"""A year change restyles the map already drawn: the same village paths (the same DOM nodes, in
the same frame) take the new year's fills, tooltips and legend; a click still gives the
village's code."""

from __future__ import annotations

from tests.support.browser import RERUN_MS, VILLAGE_PATHS, expect, visit
from township_atlas.dashboard import view

#: Every village path, each marked with its place in the page, once.
MARK = (
    f"""() => document.querySelectorAll({VILLAGE_PATHS!r}).forEach((p, i) => {{ p.__ta = i; }})"""
)
MARKS = f"() => [...document.querySelectorAll({VILLAGE_PATHS!r})].map((p) => p.__ta)"
#: The village fills are ``want`` (in the villages' order).
FILLS_ARE = f"""(want) => {{
    const paths = [...document.querySelectorAll({VILLAGE_PATHS!r})];
    const now = paths.map((p) => p.getAttribute("fill"));
    return now.length === want.length && now.every((f, i) => f === want[i]);
}}"""


def test_a_year_change_restyles_the_same_village_paths(browser, demo_server, demo_ws):
    spec_2019 = view.map_spec(demo_ws, 2019, "poor_people", "zh")
    spec_2025 = view.map_spec(demo_ws, 2025, "poor_people", "zh")
    before, after = list(spec_2025.villages["fill"]), list(spec_2019.villages["fill"])
    assert before != after  # the change is visible
    v = visit(browser, demo_server.url)
    frame = v.map_frame()
    expect(frame.locator(VILLAGE_PATHS)).to_have_count(17)
    frame.wait_for(FILLS_ARE, before)
    frame.evaluate(MARK)
    frame.evaluate("() => { window.__taFrame = 1; }")
    slider = v.page.get_by_role("slider").first
    slider.focus()
    for _ in range(6):  # 2025 → 2019
        v.page.keyboard.press("ArrowLeft")
    v.page.get_by_text("2019年 扶贫一张图").wait_for(timeout=RERUN_MS)
    frame.wait_for(FILLS_ARE, after)
    # The same frame and the same 17 path nodes: restyled, not drawn again.
    assert frame.evaluate("() => window.__taFrame") == 1
    assert frame.evaluate(MARKS) == list(range(17))
    expect(frame.locator(".ta-legend")).to_contain_text("2019")
    # A tooltip reads the new year's figures.
    index = int(demo_ws.villages.index[demo_ws.villages["name"] == "新屋村"][0])
    path = frame.locator(VILLAGE_PATHS).nth(index)
    path.hover()
    tooltip = frame.locator(".ta-tooltip")
    expect(tooltip).to_contain_text("新屋村")
    expect(tooltip).to_contain_text(str(spec_2019.villages["value_text"].iloc[index]))
    # A click still says which village.
    path.dispatch_event("click")
    v.page.get_by_text("360722102201").wait_for(timeout=RERUN_MS)
    assert frame.evaluate(MARKS) == list(range(17))
    assert v.outside == [] and v.errors == []
    v.close()
