"""AppTest smoke tests of the 帮扶 page (issue 17) on the demo: figures, map, lists, a visit
recorded through the form, the page of a workspace with no assistance data, and who may open
it.

The demo's deliberate gaps are named by ``data.demo_assistance`` (its docstring counts them).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from tests.support.paths import APP
from township_atlas.data.demo_assistance import (
    DEMO_BEHIND_PLAN,
    DEMO_NO_MATCHING_MEASURE,
    DEMO_ONE_VISIT_HOUSEHOLD,
    DEMO_ONE_VISIT_HOUSEHOLDS,
    DEMO_UNPAIRED,
)
from township_atlas.geo.accounts import AccountStore
from township_atlas.geo.audit import AuditLog

PAGE = "app_pages/assistance_page.py"
PASSWORD = "correct horse 9"
#: Every household the demo's check flags in 2025, by its deliberate gaps.
FLAGGED = {*DEMO_UNPAIRED, *DEMO_ONE_VISIT_HOUSEHOLDS, *DEMO_NO_MATCHING_MEASURE, *DEMO_BEHIND_PLAN}
#: Visited too few times: once, or never (no cadre, no visit).
SHORT = {*DEMO_ONE_VISIT_HOUSEHOLDS, *DEMO_UNPAIRED}


def open_page(at: AppTest, **state) -> AppTest:
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def table(at: AppTest, column: str):
    """The first table of the page that has ``column``."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def map_styles(at: AppTest) -> dict:
    (styles,) = at.get("bidi_component")
    return json.loads(styles.proto.json)


def legend(at: AppTest) -> str:
    return re.sub(r"\s*<[^>]+>\s*", "|", map_styles(at)["legend"])


def test_the_page_shows_the_figures_the_map_and_the_lists(app, demo_ws):
    at = open_page(app)
    assert at.header[0].value == "帮扶 · 2025"
    figures = {m.label: m.value for m in at.metric}
    assert figures["有问题的户"] == f"{len(FLAGGED)}户"  # 13
    assert figures["无帮扶责任人"] == f"{len(DEMO_UNPAIRED)}户"  # 3
    assert figures["走访不足"] == f"{len(SHORT)}户"  # 5 visited once + 3 never
    assert figures["措施与致贫原因不符"] == f"{len(DEMO_NO_MATCHING_MEASURE)}户"
    assert figures["逾期未脱贫"] == f"{len(DEMO_BEHIND_PLAN)}户"
    assert figures["产业项目不足"] == "1个村"  # 圳玄村
    listed = table(at, "本年走访")
    assert set(listed["户编号"]) == FLAGGED
    row = listed.set_index("户编号").loc[DEMO_ONE_VISIT_HOUSEHOLD]
    assert (row["村"], row["本年走访"], row["问题"]) == ("新屋村", "1/2", "走访不足")
    assert row["帮扶责任人"] != "—"  # paired: the cadre's name and unit
    # The map: households with a problem per village; 新屋村 has one, so it is not green.
    text = legend(at)
    assert "有问题的农户 · 2025" in text and "0户 · 无问题" in text
    styles = map_styles(at)["villages"]
    assert styles["360722102201"][1].startswith("1户(走访不足 1)")
    assert styles["360722102201"][0] != "#a1d99b"
    villages = table(at, "驻村工作队")
    assert len(villages) == len(demo_ws.villages)
    assert "产业项目不足" in set(villages["村级问题"])
    plans = table(at, "计划脱贫户")
    assert plans["实际脱贫户"].sum() == 966  # every registered household exited by 2020
    assert f"逾期未脱贫的农户（{len(DEMO_BEHIND_PLAN)}户）" in [s.value for s in at.subheader]
    assert at.selectbox(key="assist_cadre__zh").value  # a cadre's households are listed
    assert at.button(key="assist_visit_submit")  # the local user may record


def test_one_flag_shades_and_narrows_the_list(app):
    at = open_page(app)
    at.selectbox(key="assist_flag__zh").set_value("behind_plan").run()
    assert not at.exception
    assert "逾期未脱贫 · 2025" in legend(at)
    assert set(table(at, "本年走访")["户编号"]) == set(DEMO_BEHIND_PLAN)
    at.selectbox(key="assist_flag__zh").set_value("few_projects").run()
    assert not at.exception
    text = legend(at)
    assert "|产业项目不足|" in text and "|非贫困村|" in text
    # a village's flag: the list shows every household with a problem again
    assert set(table(at, "本年走访")["户编号"]) == FLAGGED


def test_the_village_choice_narrows_the_list(app):
    at = open_page(app)
    at.selectbox(key="assist_village__zh").set_value("360722102201").run()
    assert not at.exception
    assert list(table(at, "本年走访")["户编号"]) == [DEMO_ONE_VISIT_HOUSEHOLD]
    assert "有问题的农户（1户）" in [s.value for s in at.subheader]


def test_the_page_in_english(app):
    at = open_page(app, lang="en")
    assert at.header[0].value == "Assistance · 2025"
    figures = {m.label: m.value for m in at.metric}
    assert figures["Too few visits (hh)"] == str(len(SHORT))
    listed = table(at, "Visits this year").set_index("Household")
    assert listed.loc[DEMO_ONE_VISIT_HOUSEHOLD, "Problems"] == "too few visits"
    assert "Households with a problem · 2025" in legend(at)


def test_a_second_visit_clears_the_household(demo_copy, monkeypatch):
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(demo_copy))
    at = open_page(AppTest.from_file(APP, default_timeout=90))
    at.selectbox(key="assist_visit_household__zh").set_value(DEMO_ONE_VISIT_HOUSEHOLD).run()
    assert not at.exception
    cadre = at.selectbox(key="assist_visit_cadre__zh").value
    assert cadre  # the household's own cadre by default
    at.text_input(key="assist_visit_note").set_value("了解产业收入情况").run()
    at.button(key="assist_visit_submit").click().run()
    assert not at.exception
    assert any("2025年第 2 次" in s.value and "已解除" in s.value for s in at.success)
    assert DEMO_ONE_VISIT_HOUSEHOLD not in set(table(at, "本年走访")["户编号"])
    assert {m.label: m.value for m in at.metric}["走访不足"] == f"{len(SHORT) - 1}户"
    assert at.text_input(key="assist_visit_note").value == ""  # ready for the next visit
    rows = AuditLog.for_workspace(demo_copy).rows(action="record_visit")
    assert list(rows["target"]) == [DEMO_ONE_VISIT_HOUSEHOLD]
    # the visit is a change like any other: listed on 变更登记, where it can be undone
    at.switch_page("app_pages/record_page.py").run()
    assert not at.exception, at.exception
    log = table(at, "变更类型")
    assert log.iloc[0]["变更类型"] == "帮扶登记"
    assert "了解产业收入情况" in log.iloc[0]["内容(原值 → 新值)"]


def test_a_refused_visit_is_said_in_chinese(demo_copy, monkeypatch):
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(demo_copy))
    at = open_page(AppTest.from_file(APP, default_timeout=90))
    at.text_input(key="assist_visit_note").set_value("户主电话 13812345678").run()
    at.button(key="assist_visit_submit").click().run()
    assert not at.exception
    (warning,) = [w.value for w in at.warning if "走访内容" in w.value]
    assert "证件号码或手机号码" in warning and not re.search(r"[A-Za-z]{3}", warning)
    assert not AuditLog.for_workspace(demo_copy).rows(action="record_visit").size


def test_a_workspace_without_assistance_data_says_what_to_import(
    minimal_workspace, tmp_path, monkeypatch
):
    ws = Path(shutil.copy(minimal_workspace, tmp_path / "ws.gpkg"))
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(ws))
    at = open_page(AppTest.from_file(APP, default_timeout=90))
    (info,) = [i.value for i in at.info if "尚未导入帮扶数据" in i.value]
    assert "帮扶责任人" in info and "cadres" in info and "visits" in info
    assert not at.metric and not at.dataframe  # nobody flagged for data not imported


@pytest.fixture
def office(demo_copy: Path, monkeypatch) -> Path:
    store = AccountStore.for_workspace(
        demo_copy, hasher=PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )
    for name, role in (("li", "leader"), ("wang", "planner"), ("zhang", "monitor")):
        store.add(name, role, PASSWORD)
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(demo_copy))
    return demo_copy


def sign_in(name: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.text_input(key="auth_name").set_value(name)
    at.text_input(key="auth_password").set_value(PASSWORD)
    at.button(key="auth_submit").click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("name", ["li", "wang"])
def test_a_leader_or_planner_cannot_open_the_page(office, name):
    at = sign_in(name)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE)


def test_a_monitor_opens_the_page(office):
    at = sign_in("zhang")
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.header[0].value == "帮扶 · 2025" and at.metric
