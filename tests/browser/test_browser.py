"""Browser tests: the real server, Debian's headless chromium, every outside request blocked.

What only a browser can show: that Leaflet loads from the app itself, that one interactive path
is drawn per village, that the legend is on screen, that a click reaches Python and opens the
village's details, and that names from data are shown as text, never run as HTML.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import MAP_IFRAME, RERUN_MS, VILLAGE_PATHS, expect, visit
from tests.support.server import Server, start_server, stop_server

#: Every image in the document has loaded or failed (an error event has fired by then).
ALL_IMAGES_DONE = "() => [...document.images].every((i) => i.complete)"
#: The map has filled its page and fitted its view (``ta-fill``), and every tile Leaflet asked
#: for since has loaded or failed (a failed image is ``complete`` once its error event fired).
ALL_TILES_DONE = """() => {
    const tiles = [...document.querySelectorAll("img.leaflet-tile")];
    return document.documentElement.classList.contains("ta-fill")
        && tiles.length > 0 && tiles.every((t) => t.complete);
}"""


def test_map_draws_every_village_offline_with_legend(browser, demo_server, demo_ws):
    v = visit(browser, demo_server.url)
    frame = v.map_frame()
    expect(frame.locator(VILLAGE_PATHS)).to_have_count(17)
    assert frame.locator(VILLAGE_PATHS).count() == len(demo_ws.villages) == 17
    legend = frame.locator(".ta-legend")
    expect(legend).to_be_visible()
    assert "示意" in legend.inner_text()
    # Leaflet came from the app itself, and nothing tried to leave the machine.
    assert frame.evaluate("() => typeof L !== 'undefined' && L.version") == "1.9.3"
    assert v.outside == []
    assert v.errors == []
    v.close()


def test_click_on_a_village_opens_its_details(browser, demo_server, demo_ws):
    v = visit(browser, demo_server.url)
    frame = v.map_frame()
    index = demo_ws.villages.index[demo_ws.villages["name"] == "新屋村"][0]
    frame.locator(VILLAGE_PATHS).nth(int(index)).dispatch_event("click")
    v.page.get_by_text("360722102201").wait_for(timeout=RERUN_MS)
    assert "新屋村" in v.page.locator("[data-testid=stMain]").inner_text()
    assert v.outside == []
    v.close()


def test_switching_to_english_keeps_the_map_and_its_choices(browser, demo_server):
    v = visit(browser, demo_server.url)
    v.map_frame()
    v.page.get_by_text("English", exact=True).click()
    v.page.get_by_text("Village details").wait_for(timeout=RERUN_MS)
    frame = v.map_with_text("Remaining poor people")
    assert frame.locator(VILLAGE_PATHS).count() == 17
    assert "Year" in v.page.locator("[data-testid=stSidebar]").inner_text()
    # Every map control speaks English, none kept its Chinese labels, the base map is still
    # chosen.
    v.page.locator(".st-key-map_controls button").first.click()
    controls = v.page.locator("[data-testid=stPopoverBody]")
    controls.get_by_text("Villages (choropleth)").wait_for(timeout=10_000)
    assert "行政村专题" not in controls.inner_text()
    assert v.page.get_by_label("None (offline)").is_checked()
    assert v.outside == []
    v.close()


def test_planner_clicks_the_map_to_try_a_site_and_coverage_changes(browser, demo_server, demo_ws):
    v = visit(browser, f"{demo_server.url}/plan", height=1500)  # the whole map on screen
    frame = v.map_frame()
    metrics = v.page.locator("[data-testid=stMetric]")
    # today's network only: two coverage definitions and people
    expect(metrics).to_have_count(3, timeout=RERUN_MS)
    before = metrics.first.inner_text()
    # A real mouse click in 大屋村, a southern village far from every existing station.
    index = demo_ws.villages.index[demo_ws.villages["name"] == "大屋村"][0]
    box = frame.locator(VILLAGE_PATHS).nth(int(index)).bounding_box()  # page coordinates
    v.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    v.page.get_by_text("规划方案 · 覆盖行政村").wait_for(timeout=30_000)
    assert metrics.first.inner_text() == before
    plan = metrics.filter(has_text="规划方案 · 覆盖行政村").inner_text()
    today_value = before.split("\n")[-1].strip()  # e.g. "7 / 17"
    assert today_value not in plan and "+" in plan  # more villages covered, with the change
    assert frame is not None and v.outside == []
    v.close()


#: Markup in names from data: drawn as text, it never runs (an <img> would run its onerror once
#: it has failed to load).
EVIL = '<img src=x onerror="window.__xss=1">'
EVIL_VILLAGE = f"{EVIL}茶坳村"
EVIL_PLAN = f"{EVIL}方案"


@pytest.fixture(scope="module")
def marked_server(demo_path, tmp_path_factory, _private_data_dir) -> Iterator[Server]:
    """A copy of the demo whose names carry markup, served: a village's, and a saved plan's
    and its station's (the plan: stations at candidates 3 and 9, beside today's network)."""
    from township_atlas.analysis import station_plan as sp
    from township_atlas.geo.workspace import update_workspace

    path = Path(shutil.copy(demo_path, tmp_path_factory.mktemp("marked") / "marked.gpkg"))

    def change(ws):
        villages = ws.villages.copy()
        villages.loc[villages["name"] == "茶坳村", "name"] = EVIL_VILLAGE
        chosen = sp.workspace_candidates(ws).iloc[[3, 9]].copy()
        chosen["name"] = [f"{EVIL}站", "第二站"]
        rows = sp.plan_rows(
            EVIL_PLAN,
            chosen.iloc[:0],
            chosen,
            {},
            radius_km=3,
            network="straight",
            weight="poor_people",
            year=2025,
            saved_at="2026-11-29T09:00:00",
        )
        return {"villages": villages, "station_plans": sp.save_plan(ws["station_plans"], rows)}

    update_workspace(path, change)
    server = start_server(path, _private_data_dir)
    yield server
    stop_server(server)


def test_names_from_data_are_text_not_html(browser, marked_server):
    v = visit(browser, marked_server.url)
    frame = v.map_frame()
    # The name is drawn as the literal text, as a label on the map.
    expect(frame.locator("body")).to_contain_text(EVIL_VILLAGE)
    assert EVIL_VILLAGE in frame.locator("body").inner_text()
    # An <img> made of the name would have run its onerror once it has failed to load.
    frame.wait_for(ALL_IMAGES_DONE)
    v.page.wait_for_function(ALL_IMAGES_DONE)
    assert all(f.evaluate("() => window.__xss === undefined") for f in v.page.frames)
    v.close()


def test_a_saved_plan_is_drawn_beside_todays_network(browser, marked_server):
    v = visit(browser, f"{marked_server.url}/plans", height=1800)  # both maps on screen
    frames = [v.map_frame(0), v.map_frame(1)]  # each drawn, filled and fitted
    for f in frames:  # both maps draw every village
        expect(f.locator(VILLAGE_PATHS)).to_have_count(17, timeout=RERUN_MS)
    expect(v.page.locator(MAP_IFRAME)).to_have_count(2)
    proposed = 'path.leaflet-interactive[fill="#e6550d"]'  # the plan's stations
    counts = sorted(f.locator(proposed).count() for f in frames)
    assert counts == [0, 2]
    texts = " ".join(f.locator("body").inner_text() for f in frames)
    assert EVIL_PLAN in texts  # the plan's name, as text, in its map's legend
    assert all(f.evaluate("() => window.__xss === undefined") for f in v.page.frames)
    assert v.outside == [] and v.errors == []
    v.close()


def test_moving_the_year_slider_recolours_villages_by_exit_status(browser, demo_server):
    v = visit(browser, f"{demo_server.url}/progress", height=1200)
    frame = v.map_frame()

    def fills(f) -> list[str]:  # in one read: a redrawn map never gives half of each
        return f.locator(VILLAGE_PATHS).evaluate_all("ps => ps.map(p => p.getAttribute('fill'))")

    expect(frame.locator(VILLAGE_PATHS)).to_have_count(17)
    latest = fills(frame)
    assert len(latest) == 17 and "#fb6a4a" not in latest  # every poor village has exited
    slider = v.page.get_by_role("slider").first
    slider.focus()
    for _ in range(20):  # back to the first year of the register
        v.page.keyboard.press("ArrowLeft")
    v.page.get_by_text("出列进度 · 2014").wait_for(timeout=RERUN_MS)
    # The map is redrawn for the new year (the frame locator follows a new iframe).
    poor = frame.locator(f'{VILLAGE_PATHS}[fill="#fb6a4a"]')
    expect(poor).to_have_count(8, timeout=RERUN_MS)
    expect(frame.locator(VILLAGE_PATHS)).to_have_count(17)
    early = fills(frame)
    assert early != latest and len(early) == 17
    assert early.count("#fb6a4a") == 8  # in 2014 all eight poor villages are still poor
    assert v.outside == [] and v.errors == []
    v.close()


def test_meeting_mode_steps_to_the_next_village_with_the_arrow_key(browser, demo_server, demo_ws):
    v = visit(browser, f"{demo_server.url}/meeting", height=1000)
    v.map_frame()
    title = v.page.locator(".ta-card-name").first  # the card beside the map
    assert title.inner_text() == "全镇"
    v.page.mouse.click(800, 60)  # focus the page (not a field), as a presenter would
    v.page.keyboard.press("ArrowRight")  # what a presentation clicker sends
    first = str(demo_ws.villages["name"].iloc[0])
    v.page.locator(".ta-card-name", has_text=first).wait_for(timeout=30_000)
    v.page.keyboard.press("PageDown")
    second = str(demo_ws.villages["name"].iloc[1])
    v.page.locator(".ta-card-name", has_text=second).wait_for(timeout=30_000)
    assert v.outside == [] and v.errors == []
    v.close()


def test_the_standalone_html_map_draws_every_village_from_disk_offline(browser, demo_ws, tmp_path):
    from township_atlas.dashboard import map as township_map
    from township_atlas.dashboard import view

    spec = view.map_spec(demo_ws, 2019, "poor_people", "zh", basemap="osm")  # tiles dropped
    path = tmp_path / "古陂镇.html"
    path.write_text(township_map.standalone_html(spec), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    outside: list[str] = []

    def route(r):
        if r.request.url.startswith(("file:", "data:", "about:", "blob:")):
            return r.continue_()
        outside.append(r.request.url)
        return r.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.locator(VILLAGE_PATHS).nth(16).wait_for(timeout=20_000)
    assert page.locator(VILLAGE_PATHS).count() == 17
    assert "示意" in page.locator(".ta-legend").inner_text()
    assert page.evaluate("() => L.version") == "1.9.3"
    assert outside == [] and errors == []
    context.close()


def test_an_online_base_map_offline_says_so_once_on_the_map(browser, demo_ws, tmp_path):
    from dataclasses import replace

    from branca.element import Element

    from township_atlas.dashboard import assets, i18n, view
    from township_atlas.dashboard import map as township_map

    spec = view.map_spec(demo_ws, 2019, "poor_people", "zh")
    m = township_map.build_map(replace(spec, basemap="osm"))
    script, css = assets.leaflet_inline()  # Leaflet in the file: only the tiles need the net
    m.default_js, m.default_css = [], []
    head = m.get_root().header
    head.add_child(Element(f"<style>{css}</style>"), name="leaflet_css_inline", index=0)
    head.add_child(Element(f"<script>{script}</script>"), name="leaflet_js_inline", index=1)
    path = tmp_path / "osm.html"
    path.write_text(m.get_root().render(), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    tiles: list[str] = []

    def route(r):
        if r.request.url.startswith(("file:", "data:", "about:", "blob:")):
            return r.continue_()
        tiles.append(r.request.url)
        return r.abort()  # offline

    context.route("**/*", route)
    page = context.new_page()
    page.goto(path.as_uri())
    page.locator(".ta-tiles-offline").wait_for(timeout=20_000)
    page.wait_for_function(ALL_TILES_DONE, timeout=20_000)  # every tile has failed by now
    assert len(tiles) > 3 and all("openstreetmap" in t for t in tiles)
    notices = page.locator(".ta-tiles-offline")
    assert notices.count() == 1  # once, not once per tile
    assert notices.inner_text() == i18n.t("tiles_offline", "zh")
    context.close()


def test_a_table_offers_no_unescaped_download_of_its_own(browser, demo_server):
    """村情总表's table keeps search and full screen, but not the grid's own CSV download: its
    cells would reach a spreadsheet unescaped and outside the audited exports."""
    v = visit(browser, demo_server.url + "/villages")
    try:
        grid = v.page.locator('[data-testid="stDataFrame"]').first
        grid.wait_for(timeout=RERUN_MS)
        grid.hover()
        buttons = v.page.locator('[data-testid="stElementToolbar"] button')
        expect(buttons.first).to_be_attached(timeout=RERUN_MS)
        labels = buttons.evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")
        assert "Search" in labels and "Fullscreen" in labels
        assert not any("Download" in (label or "") for label in labels)
    finally:
        v.close()
