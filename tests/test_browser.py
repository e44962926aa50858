"""Browser tests: the real server, Debian's headless chromium, every outside request blocked.

What only a browser can show: that Leaflet loads from the app itself, that one interactive path
is drawn per village, that the legend is on screen, that a click reaches Python and opens the
village's details, and that names from data are shown as text, never run as HTML.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = "/usr/bin/chromium"
playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]
LOCAL = {"127.0.0.1", "localhost", "::1", "[::1]"}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VILLAGE_PATHS = ".leaflet-villages-pane path.leaflet-interactive"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen


def start_server(workspace: Path, home: Path, *extra: str) -> Server:
    port = free_port()
    env = {**os.environ, "TOWNSHIP_ATLAS_HOME": str(home)}
    cmd = [sys.executable, "-m", "township_atlas.cli", "serve", str(workspace), *extra]
    cmd += ["--port", str(port), "--headless"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return Server(url, proc)
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("server did not start within 60 s")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Visit:
    page: object
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def map_frame(self):
        """The streamlit-folium iframe, once Leaflet has drawn in it."""
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            for frame in self.page.frames:
                if "streamlit_folium" in frame.url and frame.locator(VILLAGE_PATHS).count():
                    return frame
            self.page.wait_for_timeout(200)
        raise AssertionError("the map never drew a village")

    def map_with_text(self, text: str, timeout_s: float = 45):
        """The map iframe once ``text`` shows in it. A rerun may replace the iframe while it
        is being read (the language switched): the new one is looked at then."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for frame in self.page.frames:
                if "streamlit_folium" not in frame.url:
                    continue
                try:
                    if frame.get_by_text(text).count() and frame.locator(VILLAGE_PATHS).count():
                        return frame
                except playwright_api.Error:  # detached while being read
                    continue
            self.page.wait_for_timeout(200)
        raise AssertionError(f"the map never showed {text!r}")


def visit(
    browser, url: str, height: int = 1000, width: int = 1600, kind: type[Visit] = Visit
) -> Visit:
    """Open ``url`` in a new context with every outside request blocked and counted; ``kind``:
    a Visit with more helpers (another test file's)."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    v = kind(page)

    def route(r):
        host = urlparse(r.request.url).hostname or ""
        if r.request.url.startswith(("data:", "blob:", "about:")) or host in LOCAL:
            return r.continue_()
        v.outside.append(r.request.url)
        return r.abort()

    context.route("**/*", route)
    page.on("pageerror", lambda e: v.errors.append(str(e)))
    page.goto(url, wait_until="domcontentloaded")
    return v


@pytest.fixture(scope="module")
def demo_server(demo_path, _private_data_dir) -> Iterator[Server]:
    server = start_server(demo_path, _private_data_dir)
    yield server
    stop_server(server)


def test_map_draws_every_village_offline_with_legend(browser, demo_server, demo_ws):
    v = visit(browser, demo_server.url)
    frame = v.map_frame()
    frame.page.wait_for_timeout(500)
    assert frame.locator(VILLAGE_PATHS).count() == len(demo_ws.villages) == 17
    legend = frame.locator(".ta-legend")
    assert legend.is_visible()
    assert "示意" in legend.inner_text()
    # Leaflet came from the app itself, and nothing tried to leave the machine.
    assert frame.evaluate("() => typeof L !== 'undefined' && L.version") == "1.9.3"
    assert v.outside == []
    assert v.errors == []
    v.page.context.close()


def test_click_on_a_village_opens_its_details(browser, demo_server, demo_ws):
    v = visit(browser, demo_server.url)
    frame = v.map_frame()
    index = demo_ws.villages.index[demo_ws.villages["name"] == "新屋村"][0]
    frame.locator(VILLAGE_PATHS).nth(int(index)).dispatch_event("click")
    v.page.get_by_text("360722102201").wait_for(timeout=20_000)
    assert "新屋村" in v.page.locator("[data-testid=stMain]").inner_text()
    assert v.outside == []
    v.page.context.close()


def test_switching_to_english_keeps_the_map_and_its_choices(browser, demo_server):
    v = visit(browser, demo_server.url)
    v.map_frame()
    v.page.get_by_text("English", exact=True).click()
    v.page.get_by_text("Village details").wait_for(timeout=20_000)
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
    v.page.context.close()


def test_planner_clicks_the_map_to_try_a_site_and_coverage_changes(browser, demo_server, demo_ws):
    v = visit(browser, f"{demo_server.url}/plan", height=1500)  # the whole map on screen
    frame = v.map_frame()
    metrics = v.page.locator("[data-testid=stMetric]")
    assert metrics.count() == 3  # today's network only: two coverage definitions and people
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
    v.page.context.close()


def test_names_from_data_are_text_not_html(browser, tmp_path, _private_data_dir):
    from township_atlas.data.demo import build_demo_layers
    from township_atlas.geo.workspace import write_workspace

    layers = build_demo_layers()
    villages = layers["villages"].copy()
    evil = '<img src=x onerror="window.__xss=1">茶坳村'
    villages.loc[villages["name"] == "茶坳村", "name"] = evil
    layers["villages"] = villages
    path = write_workspace(tmp_path / "evil.gpkg", layers)
    server = start_server(path, _private_data_dir)
    try:
        v = visit(browser, server.url)
        frame = v.map_frame()
        frame.page.wait_for_timeout(800)
        assert all(f.evaluate("() => window.__xss === undefined") for f in v.page.frames)
        # The name is drawn as the literal text, as a label on the map.
        assert evil in frame.locator("body").inner_text()
        v.page.context.close()
    finally:
        stop_server(server)


def test_a_saved_plan_is_drawn_beside_todays_network(
    browser, demo_path, tmp_path, _private_data_dir
):
    import shutil

    from township_atlas.analysis import station_plan as sp
    from township_atlas.geo.workspace import read_workspace, update_workspace

    path = tmp_path / "plans.gpkg"
    shutil.copy(demo_path, path)
    ws = read_workspace(path)
    chosen = sp.workspace_candidates(ws).iloc[[3, 9]].copy()
    evil = '<img src=x onerror="window.__xss=1">'
    chosen["name"] = [f"{evil}站", "第二站"]
    rows = sp.plan_rows(
        f"{evil}方案",
        chosen.iloc[:0],
        chosen,
        {},
        radius_km=3,
        network="straight",
        weight="poor_people",
        year=2025,
        saved_at="2026-11-29T09:00:00",
    )
    update_workspace(path, lambda w: {"station_plans": sp.save_plan(w["station_plans"], rows)})
    server = start_server(path, _private_data_dir)
    try:
        v = visit(browser, f"{server.url}/plans", height=1800)  # both maps on screen
        deadline = time.monotonic() + 45
        frames = []
        while time.monotonic() < deadline and len(frames) < 2:
            frames = [
                f
                for f in v.page.frames
                if "streamlit_folium" in f.url and f.locator(VILLAGE_PATHS).count() == 17
            ]
            v.page.wait_for_timeout(200)
        assert len(frames) == 2, "both maps draw every village"
        v.page.wait_for_timeout(500)
        proposed = 'path.leaflet-interactive[fill="#e6550d"]'  # the plan's stations
        counts = sorted(f.locator(proposed).count() for f in frames)
        assert counts == [0, 2]
        texts = " ".join(f.locator("body").inner_text() for f in frames)
        assert f"{evil}方案" in texts  # the plan's name, as text, in its map's legend
        assert all(f.evaluate("() => window.__xss === undefined") for f in v.page.frames)
        assert v.outside == [] and v.errors == []
        v.page.context.close()
    finally:
        stop_server(server)


def test_moving_the_year_slider_recolours_villages_by_exit_status(browser, demo_server):
    v = visit(browser, f"{demo_server.url}/progress", height=1200)
    frame = v.map_frame()

    def fills(f) -> list[str]:
        return [p.get_attribute("fill") for p in f.locator(VILLAGE_PATHS).all()]

    latest = fills(frame)
    assert len(latest) == 17 and "#fb6a4a" not in latest  # every poor village has exited
    slider = v.page.get_by_role("slider").first
    slider.focus()
    for _ in range(20):  # back to the first year of the register
        v.page.keyboard.press("ArrowLeft")
    v.page.get_by_text("出列进度 · 2014").wait_for(timeout=30_000)
    deadline = time.monotonic() + 30
    early: list[str] = []
    while time.monotonic() < deadline:
        try:  # the map is redrawn for the new year: its old frame may go away mid-read
            early = fills(v.map_frame())
        except playwright_api.Error:
            continue
        if early != latest and len(early) == 17:
            break
        v.page.wait_for_timeout(300)
    assert early.count("#fb6a4a") == 8  # in 2014 all eight poor villages are still poor
    assert v.outside == [] and v.errors == []
    v.page.context.close()


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
    v.page.context.close()


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
    page.wait_for_timeout(1000)  # every tile has failed by now
    assert len(tiles) > 3 and all("openstreetmap" in t for t in tiles)
    notices = page.locator(".ta-tiles-offline")
    assert notices.count() == 1  # once, not once per tile
    assert notices.inner_text() == i18n.t("tiles_offline", "zh")
    context.close()


def test_a_new_workspace_is_made_by_importing_its_villages_on_the_data_page(
    browser, tmp_path, _private_data_dir
):
    from township_atlas.geo.workspace import read_workspace

    corpus = Path(__file__).parent / "import_corpus" / "vector"
    ws = tmp_path / "new.gpkg"
    server = start_server(ws, _private_data_dir, "--create")
    try:
        v = visit(browser, server.url, height=1400)
        v.page.get_by_text("新工作空间 new.gpkg:先导入村界").wait_for(timeout=30_000)
        assert v.page.get_by_role("link", name="一张图").count() == 0  # only the import page
        upload = v.page.locator("[data-testid=stFileUploaderDropzoneInput]")
        upload.set_input_files(str(corpus / "truncated.geojson"))
        v.page.get_by_text("文件不能导入,工作空间未改动").wait_for(timeout=30_000)
        assert not ws.exists()
        upload.set_input_files(str(corpus / "good_chinese_headers.geojson"))
        v.page.get_by_text("可导入 3 行").wait_for(timeout=30_000)
        v.page.get_by_role("button", name="导入到工作空间").click()
        v.page.get_by_text("已导入 3 行").wait_for(timeout=30_000)
        v.page.get_by_role("link", name="一张图").wait_for(timeout=30_000)  # every page now
        v.page.get_by_text("3 行与工作空间中的相同").wait_for(timeout=30_000)
        assert v.outside == [] and v.errors == []
        v.page.context.close()
    finally:
        stop_server(server)
    assert len(read_workspace(ws).villages) == 3


def test_data_page_maps_an_unknown_column_and_imports_a_register(
    browser, demo_path, tmp_path, _private_data_dir
):
    """A register whose household-size column has a name no office uses: refused at first,
    then the user picks 人数 for it in the column table, checks again and imports."""
    import shutil

    from township_atlas.geo.workspace import read_workspace

    ws = tmp_path / "ws.gpkg"
    shutil.copy(demo_path, ws)
    register = tmp_path / "register.csv"
    register.write_text(
        "行政村,户编号,家里几口人,贫困户属性,主要致贫原因,识别年度,脱贫属性,脱贫年度,联系电话\n"
        "新屋村,Z1,3,一般贫困户,因病,2016,1,2019,13800000000\n"
        "李田村,Z2,2,低保户,08,2017,0,,13900000000\n"
        "没有村,Z3,2,低保户,08,2017,0,,13700000000\n",
        encoding="utf-8",
    )
    server = start_server(ws, _private_data_dir)
    try:
        v = visit(browser, f"{server.url}/data", height=1800)
        page = v.page
        page.locator("[data-testid=stMain] [data-testid=stSelectbox]").first.click()
        page.get_by_role("option", name="建档立卡户").click()
        dropzone = page.locator("[data-testid=stFileUploaderDropzoneInput]")
        page.wait_for_function(  # the page has rerun for registers: it takes CSV now
            "() => { const u = document.querySelectorAll("
            "'[data-testid=stFileUploaderDropzoneInput]');"
            " return u.length === 1 && u[0].accept.includes('.csv'); }",
            timeout=30_000,
        )
        dropzone.set_input_files(str(register))
        page.get_by_text("需要人数列").wait_for(timeout=60_000)  # refused: no size column
        page.get_by_text("家里几口人").first.wait_for(state="attached")  # the grid has drawn
        # By keyboard, as a user without a mouse would: focusing a cell of the grid's
        # accessible table selects the grid's first cell; from there → ↓ ↓ reaches the third
        # row's field (家里几口人), Enter opens its drop-down, typing filters it and Enter picks.
        page.get_by_test_id("glide-cell-1-2").focus()
        page.get_by_test_id("data-grid-canvas").first.focus()
        for key in ("ArrowRight", "ArrowDown", "ArrowDown"):
            page.keyboard.press(key)
        expect(page.get_by_test_id("glide-cell-1-2")).to_have_attribute("aria-selected", "true")
        page.keyboard.press("Enter")
        choices = page.get_by_test_id("portal").get_by_role("combobox")
        expect(choices).to_be_focused()  # the drop-down is open and takes the typing
        page.keyboard.type("人数")
        expect(page.get_by_test_id("portal").get_by_role("option").first).to_have_text(
            "人数 · size"
        )
        page.keyboard.press("Enter")
        expect(page.get_by_text("可导入 2 行,不能导入 1 行")).to_be_visible(timeout=60_000)
        page.get_by_text("「没有村」").first.wait_for(state="attached")  # a grid cell
        main = page.locator("[data-testid=stMain]").inner_text()
        assert "13800000000" not in main  # the phone column is read only to be dropped
        page.get_by_text("只导入其余的行").click()
        page.get_by_role("button", name="导入到工作空间").click()
        page.get_by_text("已导入 2 行").wait_for(timeout=60_000)
        assert v.outside == [] and v.errors == []
        v.page.context.close()
    finally:
        stop_server(server)
    households = read_workspace(ws).households.set_index("household_id")
    assert households.loc["Z1", "size"] == 3 and households.loc["Z1", "exit_year"] == 2019
    assert "Z3" not in households.index
