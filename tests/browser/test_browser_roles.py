"""Accounts in a real browser (Debian chromium, outside requests blocked): what each role's
browser receives, the sign-in, the time-out and the Host check (issue 14).

The server is ``township-atlas serve`` on a copy of the demo with one account per role; every
page a role opens is read whole (the page and its map iframes) for household numbers.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from tests.support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    RERUN_MS,
    VILLAGE_PATHS,
    rerun_of,
    settled,
    visit,
)
from tests.support.server import Server, start_server, stop_server
from township_atlas.geo.accounts import AccountStore
from township_atlas.geo.audit import AuditLog

PASSWORD = "correct horse 9"
MINE, OTHER = "360722102201", "360722102202"
#: A demo household number (户编号): the village's 12-digit code, a dash, four digits.
HOUSEHOLD_ID = re.compile(r"\d{12}-\d{4}")
#: Pages a leader's sidebar lists, by their link text.
LEADER_PAGES = (
    "会议模式",
    "电商网点规划",
    "方案对比",
    "出列进度",
    "基础设施短板",
    "搬迁安置",
    "村情总表",
)


@contextmanager
def _env(**values: str) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _office(ws: Path) -> Path:
    """Give the workspace ``ws`` (a copy of the demo) one account per role."""
    store = AccountStore.for_workspace(
        ws, hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    for name, role in (("li", "leader"), ("wang", "planner"), ("admin", "admin")):
        store.add(name, role, PASSWORD)
    store.add("zhang", "monitor", PASSWORD, villages=[MINE])
    return ws


@pytest.fixture(scope="module")
def office(demo_path, tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("office") / "office.gpkg"
    shutil.copy(demo_path, ws)
    return _office(ws)


@pytest.fixture(scope="module")
def office_server(office, _private_data_dir) -> Iterator[Server]:
    # every interface: the server an office runs (accounts required, Host header checked)
    server = start_server(office, _private_data_dir, "--address", "0.0.0.0")
    yield server
    stop_server(server)


def sign_in(v, name: str, password: str = PASSWORD) -> None:
    page = v.page
    page.get_by_label("账户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("button", name="退出登录").wait_for(timeout=RERUN_MS)


def whole_html(page) -> str:
    """The page and every frame in it (maps draw in component iframes)."""
    return "\n".join(f.content() for f in page.frames)


def settle(page) -> None:
    """Wait until Streamlit has finished running the page (after something that shows the
    run has started: a rerun begun by an action is awaited with ``rerun_of``)."""
    settled(page)


def sidebar_links(page) -> list[str]:
    return page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()


def test_a_logged_out_browser_sees_only_the_sign_in(browser, office_server):
    v = visit(browser, office_server.url + "/households")
    v.page.get_by_label("密码").wait_for(timeout=RERUN_MS)
    settle(v.page)
    assert not v.page.locator('[data-testid="stSidebarNav"]').count()
    assert not v.page.locator("iframe").count()  # no map
    html = whole_html(v.page)
    assert not HOUSEHOLD_ID.search(html) and "户编号" not in html
    assert not v.outside and not v.errors


def test_a_leaders_browser_never_receives_a_household(browser, office_server):
    v = visit(browser, office_server.url)
    sign_in(v, "li")
    settle(v.page)
    links = sidebar_links(v.page)
    assert "农户查询" not in links and "变更登记" not in links and "数据导入" not in links
    assert v.map_frame().locator(VILLAGE_PATHS).count() >= 17  # the leader's map is whole
    seen = [whole_html(v.page)]
    for title in LEADER_PAGES:
        with rerun_of(v.page):
            v.page.locator('[data-testid="stSidebarNav"] a', has_text=title).first.click()
        seen.append(whole_html(v.page))
    html = "\n".join(seen)
    assert not HOUSEHOLD_ID.search(html)
    assert "户编号" not in html
    assert not v.outside and not v.errors


def test_a_leader_opening_the_household_address_gets_another_page(
    browser,
    office_server,
):
    v = visit(browser, office_server.url + "/households")
    sign_in(v, "li")
    settle(v.page)
    assert not v.page.get_by_label("户编号或证件号码").count()
    assert not v.page.locator("input[placeholder*='户编号']").count()
    assert not HOUSEHOLD_ID.search(whole_html(v.page))


def test_a_monitor_of_one_village_cannot_open_anothers_households(
    browser,
    office_server,
    demo_ws,
    office,
):
    hh = demo_ws.households
    mine = hh[hh["village_code"] == MINE]["household_id"].iloc[0]
    other = hh[hh["village_code"] == OTHER]["household_id"].iloc[0]
    v = visit(browser, office_server.url + "/households")
    sign_in(v, "zhang")
    box = v.page.locator("input[placeholder*='户编号']")
    box.fill(other)
    box.press("Enter")
    v.page.get_by_text("没有找到").wait_for(timeout=RERUN_MS)
    # the number is in the search box only: no household was chosen, no record shown
    assert not v.page.locator('[data-testid="stSelectbox"]').count()
    assert not v.page.locator("h3", has_text=other).count()
    box.fill(mine)
    with rerun_of(v.page):
        box.press("Enter")
    v.page.get_by_text(mine).first.wait_for(timeout=RERUN_MS)
    rows = AuditLog.for_workspace(office).rows(action="view_household", account="zhang")
    assert mine in set(rows["target"]) and other not in set(rows["target"])


def test_a_planner_cannot_reach_imports_or_rules(browser, office_server):
    for path in ("/data", "/rules"):
        v = visit(browser, office_server.url + path)
        sign_in(v, "wang")
        settle(v.page)
        links = sidebar_links(v.page)
        assert "数据导入" not in links and "规则设置" not in links
        assert not v.page.locator('[data-testid="stFileUploader"]').count()
        assert not v.page.get_by_role("button", name="保存规则").count()
        v.close()


def test_a_session_times_out(browser, demo_copy, _private_data_dir):
    ws = _office(demo_copy)
    with _env(TOWNSHIP_ATLAS_SESSION_MINUTES="0.05"):  # 3 s
        server = start_server(ws, _private_data_dir, "--address", "0.0.0.0")
    try:
        v = visit(browser, server.url)
        sign_in(v, "li")
        settle(v.page)
        # The one wait on the clock: idleness itself is tested, and nothing shows a session
        # has expired until the next request (the server refuses it). 3 s, and half a second.
        v.page.wait_for_timeout(3500)
        v.page.locator('[data-testid="stSidebarNav"] a', has_text="村情总表").first.click()
        v.page.get_by_label("密码").wait_for(timeout=RERUN_MS)
        v.page.get_by_text("自动退出").wait_for(timeout=10_000)
    finally:
        stop_server(server)


def test_a_stranger_name_for_the_server_is_refused(browser, office_server):
    """DNS rebinding: a page of another site, its name pointed at this server, is refused."""
    port = office_server.url.rsplit(":", 1)[1]
    rules = "--host-resolver-rules=MAP rebind.test 127.0.0.1"  # the rebinding, without DNS
    b = browser.browser_type.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, rules])
    try:
        page = b.new_page(locale="zh-CN")
        page.goto(f"http://rebind.test:{port}/", wait_until="domcontentloaded")
        page.get_by_text("拒绝访问").wait_for(timeout=RERUN_MS)
        assert not page.get_by_label("密码").count()
        assert not page.locator("iframe").count()
    finally:
        b.close()
