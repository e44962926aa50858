"""Projects and money in the browser (issue 17): with the 扶贫项目 layer chosen the 一张图 draws
one square per project of the year or before; the meeting view's 资金公示 download is a
workbook with the demo's totals."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
from playwright.sync_api import expect

from tests.support.browser import RERUN_MS, visit
from township_atlas.dashboard import view


def _until_latest(ws) -> pd.DataFrame:
    """The projects the pages show at first: of the latest year (the slider's) and before."""
    projects = ws["projects"]
    return projects[pd.to_numeric(projects["year"]) <= view.latest_year(ws)]


def test_the_project_layer_draws_each_project(browser, demo_server, demo_ws):
    shown = _until_latest(demo_ws)
    assert len(shown)
    v = visit(browser, demo_server.url)
    page = v.page
    m = v.map_frame()
    assert m.locator(".ta-project").count() == 0  # off until chosen: the map is crowded
    page.locator(".st-key-map_controls button").first.click()
    body = page.locator("[data-testid=stPopoverBody]")
    body.locator("[data-testid=stMultiSelect] input").first.click()
    page.get_by_role("option", name="扶贫项目").click()
    page.keyboard.press("Escape")
    m = v.map_frame()
    expect(m.locator(".ta-project")).to_have_count(len(shown), timeout=RERUN_MS)
    expect(m.get_by_text("扶贫项目", exact=True).first).to_be_attached()  # its legend
    assert v.errors == [] and v.outside == []
    v.close()


def test_the_funds_workbook_downloads_from_the_meeting_view(browser, demo_server, demo_ws):
    v = visit(browser, demo_server.url + "/meeting", height=1400)
    page = v.page
    v.map_frame()
    with page.expect_download(timeout=RERUN_MS) as download:
        page.get_by_role("button", name="下载资金公示表(Excel)").click()
    assert download.value.suggested_filename.endswith("-资金公示.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    (total,) = [r for r in book["资金公示"].iter_rows(values_only=True) if r[0] == "合计"]
    projects = _until_latest(demo_ws)  # the year shown and before
    assert total[3] == f"{len(projects)}个项目"
    assert total[6] == round(float(projects["budget"].sum()), 2)
    assert v.errors == []
    v.close()
