"""A station closed in a year stops covering on the planner's map (issue 18).

On a demo copy a station is closed for the latest year on 变更登记 (网点运营: the station, 关闭,
the year's last day). The planner page of that year then draws the villages it alone covered
uncovered and the station itself grey and crossed; the year before, with the station still
open, the same villages are covered.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import RERUN_MS, VILLAGE_PATHS, expect, rerun_of, settled, visit
from tests.support.server import Server, start_server, stop_server
from township_atlas.analysis import station_ops
from township_atlas.analysis import station_plan as sp
from township_atlas.dashboard import basemaps, view
from township_atlas.geo.workspace import Workspace, read_workspace

COVERED, UNCOVERED = view.COVERED_COLOUR, view.UNCOVERED_COLOUR
#: The planner page's defaults: village stations 3 km, the township centre 5 km.
RADIUS_M, TOWNSHIP_M = 3_000, 5_000


def _station_to_close(ws: Workspace, year: int) -> str:
    """A village station working in ``year`` that alone reaches a village (whatever the demo's
    own operations rows say)."""
    working = sp.workspace_existing(ws, year)
    for fid in working.loc[working["kind"] == "village_station", "id"].astype(str):
        reached = sp.coverage_lost(
            ws.villages,
            ws.households,
            working,
            (working["id"].astype(str) != fid).to_numpy(),
            sp.station_radii(working, RADIUS_M, TOWNSHIP_M),
            year,
        )
        if len(reached):
            return fid
    raise AssertionError("no station of the demo alone reaches a village")


def _expected(ws: Workspace, year: int) -> dict:
    """What the planner's map of ``year`` draws by its defaults: villages covered, stations
    closed, villages only stopped stations reached."""
    working = sp.workspace_existing(ws, year)
    today, _ = sp.compare_coverage(
        ws, year, working, working.iloc[:0], RADIUS_M, "straight", TOWNSHIP_M
    )
    every = sp.workspace_existing(ws)
    status = station_ops.status_in(
        every.rename(columns={"id": "facility_id"}), ws["station_operations"], year
    )
    lost = sp.workspace_coverage_lost(ws, year, RADIUS_M, TOWNSHIP_M)
    return {
        "covered": today.villages_covered,
        "closed": int(status.eq("关闭").sum()),
        "lost": set(lost["code"]),
    }


@pytest.fixture(scope="module")
def copy(demo_path, tmp_path_factory, _private_data_dir) -> Iterator[tuple[Server, Path]]:
    """A demo copy this file's test writes to, served on a machine told it is offline."""
    path = Path(shutil.copy(demo_path, tmp_path_factory.mktemp("closed") / "closed.gpkg"))
    with pytest.MonkeyPatch.context() as env:
        env.setenv(basemaps.OFFLINE_ENV, "1")
        server = start_server(path, _private_data_dir)
    yield server, path
    stop_server(server)


def choose(page, key: str, option: str) -> None:
    """Pick ``option`` (a part of its text) in the selectbox of widget ``key``."""
    page.locator(f".st-key-{key} [data-testid=stSelectbox]").click()
    with rerun_of(page):
        page.get_by_role("option").filter(has_text=option).first.click()


def close_on_the_record_page(page, station: str, year: int) -> None:
    """变更登记: 网点运营, the station, 关闭 from the year's last day; recorded."""
    with rerun_of(page):
        page.locator(".st-key-rec_kind__zh").get_by_text("网点运营", exact=True).click()
    choose(page, "rec_station", station)
    status = page.locator(".st-key-rec_station_status__zh")
    with rerun_of(page):
        status.get_by_text("关闭", exact=True).click()
    with rerun_of(page):
        page.get_by_role("button", name=f"登记(计入{year}年)").click()
    page.get_by_text("已登记(").first.wait_for(timeout=RERUN_MS)
    settled(page)


def fills(frame) -> list[str]:
    """Every village's fill, in the villages' order, in one read (a redrawn map never gives
    half of each)."""
    return frame.locator(VILLAGE_PATHS).evaluate_all("ps => ps.map(p => p.getAttribute('fill'))")


def test_closing_a_station_uncovers_the_villages_it_alone_covered(browser, copy):
    server, path = copy
    ws = read_workspace(path)
    year = view.latest_year(ws)
    fid = _station_to_close(ws, year)
    name = str(ws["facilities"].set_index("facility_id").loc[fid, "name"])
    lost_before = set(sp.workspace_coverage_lost(ws, year, RADIUS_M, TOWNSHIP_M)["code"])

    v = visit(browser, f"{server.url}/record", height=1500)
    page = v.page
    page.get_by_text("网点运营", exact=True).wait_for(timeout=RERUN_MS)
    close_on_the_record_page(page, name, year)
    after = read_workspace(path)  # what the page wrote
    assert station_ops.status_in(
        after["facilities"][after["facilities"]["facility_id"] == fid],
        after["station_operations"],
        year,
    ).tolist() == ["关闭"]
    this, last = _expected(after, year), _expected(after, year - 1)
    new = sorted(this["lost"] - lost_before)  # the villages it alone covered
    assert new and not set(new) & last["lost"]  # covered the year before
    codes = list(after.villages["code"].astype(str))
    where = [codes.index(c) for c in new]

    # 电商网点规划 of that year, in the same session
    with rerun_of(page):
        page.get_by_role("link", name="电商网点规划").click()
    frame = v.map_frame()
    page.get_by_text(f"电商网点规划 · {year}").wait_for(timeout=RERUN_MS)
    expect(frame.locator(VILLAGE_PATHS)).to_have_count(len(codes), timeout=RERUN_MS)
    now = fills(frame)
    assert [now[i] for i in where] == [UNCOVERED] * len(where)
    assert now.count(COVERED) == this["covered"]
    # the closed stations: grey and crossed, with no service area
    expect(frame.locator(".ta-closed")).to_have_count(this["closed"], timeout=RERUN_MS)
    # the coverage figure and the page's list of villages left uncovered say the same
    reach = page.locator("[data-testid=stMetric]").first.inner_text()
    assert f"{this['covered']} / {len(codes)}" in reach
    main = page.locator("[data-testid=stMain]")
    expect(main.get_by_text("关闭网点后失去覆盖的村")).to_be_visible(timeout=RERUN_MS)

    # The year before: the station was open, the villages it alone covered are covered.
    slider = page.get_by_role("slider").first
    slider.focus()
    page.keyboard.press("ArrowLeft")
    page.get_by_text(f"电商网点规划 · {year - 1}").wait_for(timeout=RERUN_MS)
    covered = frame.locator(f'{VILLAGE_PATHS}[fill="{COVERED}"]')
    expect(covered).to_have_count(last["covered"], timeout=RERUN_MS)
    before = fills(frame)
    assert [before[i] for i in where] == [COVERED] * len(where)
    assert last["covered"] > this["covered"]
    expect(frame.locator(".ta-closed")).to_have_count(last["closed"], timeout=RERUN_MS)
    assert v.outside == [] and v.errors == []
    v.close()
