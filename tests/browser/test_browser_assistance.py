"""The 帮扶 page in a real browser (issue 17): a monitor sees the demo household visited once
this year listed as 走访不足 and its village shaded on the map; a second visit recorded through
the form clears it from the list and the map.

The server is ``township-atlas serve`` on a copy of the demo with one monitor account.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from tests.support.browser import RERUN_MS, VILLAGE_PATHS, expect, rerun_of, settled, visit
from tests.support.server import Server, start_server, stop_server
from township_atlas.dashboard import basemaps
from township_atlas.dashboard.monitor_view import MET_COLOUR
from township_atlas.data.demo_assistance import DEMO_ONE_VISIT_HOUSEHOLD
from township_atlas.geo.accounts import AccountStore
from township_atlas.geo.audit import AuditLog
from township_atlas.geo.workspace import read_workspace

PASSWORD = "correct horse 9"
VILLAGE = DEMO_ONE_VISIT_HOUSEHOLD.split("-")[0]  # 新屋村
#: The fill of the ``i``-th village path of the map (once it has one).
FILL_OF = f"""(i) => {{
    const p = document.querySelectorAll({VILLAGE_PATHS!r})[i];
    return p && p.getAttribute("fill");
}}"""
#: The ``i``-th village path has the fill ``want[1]`` (``want``: [i, colour]).
FILL_IS = f"""([i, want]) => {{
    const p = document.querySelectorAll({VILLAGE_PATHS!r})[i];
    return !!p && p.getAttribute("fill") === want;
}}"""


@pytest.fixture(scope="module")
def monitored(demo_path, tmp_path_factory) -> Path:
    """A copy of the demo with a monitor of every village."""
    ws = tmp_path_factory.mktemp("assistance") / "demo.gpkg"
    shutil.copy(demo_path, ws)
    store = AccountStore.for_workspace(
        ws, hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    store.add("zhang", "monitor", PASSWORD)
    return ws


@pytest.fixture(scope="module")
def monitor_server(monitored, _private_data_dir) -> Iterator[Server]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv(basemaps.OFFLINE_ENV, "1")
        server = start_server(monitored, _private_data_dir)
    yield server
    stop_server(server)


def choose(page, key: str, option: str, typed: str | None = None) -> None:
    """Pick ``option`` (a part of its text) in the selectbox of widget ``key``; ``typed``: what
    to type first to find it among many."""
    page.locator(f".st-key-{key} [data-testid=stSelectbox]").click()
    if typed:
        page.keyboard.type(typed)
    with rerun_of(page):
        page.get_by_role("option").filter(has_text=option).first.click()


def test_a_second_visit_clears_a_household_visited_once(browser, monitor_server, monitored):
    ws = read_workspace(monitored)
    index = int(ws.villages.index[ws.villages["code"] == VILLAGE][0])
    v = visit(browser, monitor_server.url + "/assistance")
    page = v.page
    page.get_by_label("账户名").fill("zhang")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="帮扶 · 2025").wait_for(timeout=RERUN_MS)
    frame = v.map_frame()
    # The map by 走访不足: 新屋村 has one such household, so it is not green.
    choose(page, "assist_flag__zh", "走访不足")
    expect(frame.get_by_text("走访不足 · 2025").first).to_be_attached(timeout=RERUN_MS)
    shaded = frame.wait_for(FILL_OF, index)
    assert shaded != MET_COLOUR
    listed = page.locator(".st-key-assist_list")
    expect(listed.get_by_text(DEMO_ONE_VISIT_HOUSEHOLD, exact=True)).to_be_attached(
        timeout=RERUN_MS
    )
    expect(listed.get_by_text("走访不足", exact=True).first).to_be_attached()

    # A second visit of 2025, by the household's own cadre (the form's default).
    form = page.locator(".st-key-assist_form")
    choose(page, "assist_visit_household__zh", "新屋村", typed=DEMO_ONE_VISIT_HOUSEHOLD)
    chosen = form.locator(".st-key-assist_visit_household__zh input")
    expect(chosen).to_have_value(re.compile(rf"^{DEMO_ONE_VISIT_HOUSEHOLD} .* 1/2$"))
    cadre = form.locator(".st-key-assist_visit_cadre__zh input")
    expect(cadre).to_have_value(re.compile(r"\S"))
    expect(cadre).not_to_have_value(re.compile("未填写"))
    note = form.locator(".st-key-assist_visit_note input")
    note.fill("了解产业收入情况")
    with rerun_of(page):
        note.press("Enter")
    with rerun_of(page):
        form.get_by_role("button", name="登记这次走访").click()
    page.get_by_text("走访不足”已解除").first.wait_for(timeout=RERUN_MS)
    settled(page)
    expect(listed.get_by_text(DEMO_ONE_VISIT_HOUSEHOLD, exact=True)).to_have_count(0)
    frame.wait_for(FILL_IS, [index, MET_COLOUR])  # 新屋村 green now
    # the form is ready for the next visit: the household's count read again, no note
    expect(chosen).to_have_value(re.compile(rf"^{DEMO_ONE_VISIT_HOUSEHOLD} .* 2/2$"))
    expect(note).to_have_value("")
    assert v.outside == [] and v.errors == []
    v.close()
    visits = read_workspace(monitored)["visits"]
    mine = visits[visits["household_id"] == DEMO_ONE_VISIT_HOUSEHOLD]
    assert (mine["visit_date"].str[:4] == "2025").sum() == 2
    assert "了解产业收入情况" in set(mine["note"])
    rows = AuditLog.for_workspace(monitored).rows(action="record_visit")
    assert list(rows["account"]) == ["zhang"]
    assert list(rows["target"]) == [DEMO_ONE_VISIT_HOUSEHOLD]
