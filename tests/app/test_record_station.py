"""变更登记: a station's status (网点运营状态) recorded on the page (issue 18): closing a station
in 2025 says which villages it alone reached, writes the station's row of 2025, lists the
change in the log and audits it; recording what is already so is refused before the click."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.paths import APP
from township_atlas.dashboard import record_view
from township_atlas.data import demo_operations as do
from township_atlas.geo.audit import AuditLog
from township_atlas.geo.workspace import read_workspace

RECORD = "app_pages/record_page.py"
XINWU_STATION = "F034"  # 新屋村电商服务站: the only station within reach of 新屋村
XINWU = "360722102201"


@pytest.fixture
def ws_copy(demo_copy, monkeypatch):
    """A private copy of the demo, the workspace the dashboard opens."""
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(demo_copy))
    return demo_copy


def record_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page(RECORD).run()
    assert not at.exception
    at.radio(key="rec_kind__zh").set_value("station").run()
    assert not at.exception, at.exception
    return at


def page_text(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "text", "caption") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


# ----------------------------------------------------------------------------- pure parts
def test_the_stations_offered_and_their_status(demo_ws):
    choices = record_view.station_choices(demo_ws)
    assert len(choices) == 8 and choices[XINWU_STATION] == "新屋村电商服务站"
    assert record_view.station_choices(demo_ws, [XINWU]) == {XINWU_STATION: "新屋村电商服务站"}
    assert record_view.station_now(demo_ws, do.DEMO_CLOSED_STATION, 2025) == ("关闭", "2025-03-31")
    assert record_view.station_now(demo_ws, do.DEMO_CLOSED_STATION, 2024) == ("运营", None)
    assert record_view.next_status("运营") == "暂停" and record_view.next_status("关闭") == "运营"
    assert record_view.station_date_bounds(2025, date(2026, 12, 3)) == (
        date(2025, 1, 1),
        date(2025, 12, 31),
    )
    assert record_view.station_date_bounds(2026, date(2026, 12, 3))[1] == date(2026, 12, 3)


def test_villages_reached_follow_the_stations_that_work(demo_ws):
    # the demo's closed 黎明村 station leaves 黎明村 out in 2025, not in 2024
    assert "360722102205" in record_view.reached(demo_ws, 2024) - record_view.reached(demo_ws, 2025)


# ----------------------------------------------------------------------------- the page
@pytest.mark.slow
def test_closing_a_station_in_2025(ws_copy):
    at = record_page()
    assert at.selectbox(key="rec_year").value == 2025
    at.selectbox(key="rec_station").set_value(XINWU_STATION).run()
    assert "2025年现为「运营」" in page_text(at)
    assert at.radio(key="rec_station_status__zh").value == "暂停"  # the change people record
    at.radio(key="rec_station_status__zh").set_value("关闭").run()
    at.date_input(key="rec_station_date").set_value(date(2025, 4, 30)).run()
    assert not at.exception
    preview = page_text(at)
    assert "将登记:2025年 新屋村电商服务站:运营 → 关闭(2025-04-30 起)" in preview
    assert "新屋村在2025年不再有网点服务" in preview
    at.button(key="rec_submit").click().run()
    assert not at.exception
    (done,) = at.success
    assert done.value.startswith("已登记(C00001)。2025年 新屋村电商服务站:运营 → 关闭")
    assert "新屋村在2025年不再有网点服务" in done.value

    ws = read_workspace(ws_copy)
    ops = ws["station_operations"]
    row = ops[(ops["facility_id"] == XINWU_STATION) & (ops["year"] == 2025)].iloc[0]
    assert (row["status"], row["status_date"]) == ("关闭", "2025-04-30")
    assert row["sales_wan"] > 0  # the year's figures kept: only the status changed
    change = ws["history"][ws["history"]["change_id"] == "C00001"]
    assert set(change["kind"]) == {"station"} and set(change["layer"]) == {"station_operations"}
    assert dict(zip(change["field"], change["new_value"], strict=True)) == {
        "status": "关闭",
        "status_date": "2025-04-30",
    }
    assert set(change["changed_at"]) == {"2025-12-31"}  # counted in 2025, as every change
    audited = AuditLog.for_workspace(ws_copy).rows(action="record_station")
    assert list(audited["target"]) == ["新屋村电商服务站 · 村级电商服务站 (F034)"]

    log = next(df.value for df in at.dataframe if "变更编号" in df.value.columns)
    first = log.iloc[0]
    assert (first["变更类型"], first["记录"]) == ("网点运营", "新屋村电商服务站 2025")
    assert "运营状态: 运营 → 关闭" in first["内容(原值 → 新值)"]


@pytest.mark.slow
def test_recording_what_is_already_so_is_refused_before_the_click(ws_copy):
    at = record_page()
    at.selectbox(key="rec_station").set_value(do.DEMO_CLOSED_STATION).run()
    assert "2025年现为「关闭」(2025-03-31 起)" in page_text(at)
    assert at.radio(key="rec_station_status__zh").value == "运营"  # reopening is offered
    at.radio(key="rec_station_status__zh").set_value("关闭").run()
    at.date_input(key="rec_station_date").set_value(date(2025, 3, 31)).run()
    assert at.button(key="rec_submit").disabled
    assert any("已是「关闭」(2025-03-31 起)" in w.value for w in at.warning)
    # reopened on 1 June: 黎明村 is reached again
    at.radio(key="rec_station_status__zh").set_value("运营").run()
    at.date_input(key="rec_station_date").set_value(date(2025, 6, 1)).run()
    assert not at.button(key="rec_submit").disabled
    assert "黎明村在2025年重新有网点服务" in page_text(at)


@pytest.mark.slow
def test_the_form_in_english(ws_copy):
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(RECORD).run()
    at.radio(key="rec_kind__en").set_value("station").run()
    assert not at.exception, at.exception
    at.selectbox(key="rec_station").set_value(do.DEMO_SUSPENDED_STATION).run()
    assert "In 2025: “suspended” (since 2025-05-15)" in page_text(at)
    assert at.radio(key="rec_station_status__en").value == "运营"
