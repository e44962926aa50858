"""变更登记: the year a change counts in, its date, the form's defaults and lists, and its effect
on the other pages in that year (issue 13, the monitors' traps)."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.paths import APP
from township_atlas.analysis import gaps, key_figures
from township_atlas.dashboard import i18n, markup, record_view, view
from township_atlas.geo import history
from township_atlas.geo.workspace import Workspace, read_workspace

RECORD = "app_pages/record_page.py"
ZHONGKENG = "360722102210"  # 中坑村: no bus in 2025, its only gap
XINWU = "360722102201"  # 新屋村: two households fell back (返贫) in 2023
FELL_BACK = ["360722102201-0036", "360722102201-0047"]


def apply(ws: Workspace, layers) -> Workspace:
    return Workspace({**ws.layers, **layers}, ws.meta)


# ----------------------------------------------------------------------------- pure parts
def test_a_past_year_is_dated_at_its_end_and_this_year_today():
    today = date(2026, 12, 2)
    assert record_view.changed_at(2025, today) == "2025-12-31"
    assert record_view.changed_at(2019, today) == "2019-12-31"
    assert record_view.changed_at(2026, today) == "2026-12-02"


def test_the_years_offered_are_the_registers_and_this_one(demo_ws):
    years = record_view.year_choices(demo_ws, date(2026, 12, 2))
    assert years[0] == 2026 and years[1] == 2025 and years[-1] == view.first_year(demo_ws)
    assert years == sorted(years, reverse=True)
    # a register already reaching this year gains no extra entry
    assert record_view.year_choices(demo_ws, date(2025, 6, 1))[0] == 2025


def test_a_change_counted_in_2025_moves_2025s_figures_and_adds_no_year(demo_ws):
    at = record_view.changed_at(2025, date(2026, 12, 2))
    changes = history.indicator_change(demo_ws, ZHONGKENG, "bus", True, at)
    after = apply(
        demo_ws,
        history.record(
            demo_ws, "indicator", changes, changed_at=at, recorded_at="2026-12-02T09:00:00"
        ),
    )
    assert view.latest_year(after) == view.latest_year(demo_ws) == 2025
    before_gaps = gaps.village_gaps(demo_ws["indicators"], 2025).set_index("village_code")
    after_gaps = gaps.village_gaps(after["indicators"], 2025).set_index("village_code")
    assert "bus" in before_gaps.loc[ZHONGKENG, "missing"]
    assert after_gaps.loc[ZHONGKENG, "gap_count"] == before_gaps.loc[ZHONGKENG, "gap_count"] - 1
    # the year-end replay every past figure uses keeps it in 2025, not before
    assert history.state_at(after, "2025-12-31") is after
    earlier = history.state_at(after, "2024-12-31")["indicators"]
    assert len(earlier) == len(demo_ws["indicators"])
    text = record_view.effect(demo_ws, after, "indicator", 2025, ZHONGKENG, "zh", field="bus")
    assert text.startswith("2025年 中坑村 通客运班车:否 → 是")
    assert "基础设施短板减少 1 项(1 → 0 项)" in text


def test_an_exit_counted_in_2025_lowers_2025s_poor_people(demo_ws):
    at = record_view.changed_at(2025, date(2026, 12, 2))
    changes = history.household_exit(demo_ws, FELL_BACK[0], at)
    after = apply(
        demo_ws,
        history.record(
            demo_ws, "household_exit", changes, changed_at=at, recorded_at="2026-12-02T09:00:00"
        ),
    )
    (before_poor,) = (f for f in key_figures.key_figures(demo_ws, 2025) if f.key == "poor_people")
    (after_poor,) = (f for f in key_figures.key_figures(after, 2025) if f.key == "poor_people")
    assert after_poor.value == before_poor.value - 5  # the household's five people
    text = record_view.effect(
        demo_ws, after, "household_exit", 2025, XINWU, "zh", household=FELL_BACK[0]
    )
    assert "返贫 → 已脱贫" in text and "本村 6人 → 1人" in text


def test_each_household_action_lists_the_households_it_applies_to(demo_ws):
    listed, later = record_view.candidates(demo_ws, XINWU, "household_exit", 2025)
    assert sorted(listed["household_id"]) == FELL_BACK and later == 0
    # Both fell back in 2023: an exit counted in 2023 would still read as fallen back.
    listed, later = record_view.candidates(demo_ws, XINWU, "household_exit", 2023)
    assert listed.empty and later == 2
    exited, _ = record_view.candidates(demo_ws, XINWU, "household_fell_back", 2025)
    assert len(exited) and (exited["status"] == "已脱贫").all()
    assert (exited["exit_year"] <= 2025).all()
    every, _ = record_view.candidates(demo_ws, XINWU, "household_monitored", 2025)
    assert len(every) == (demo_ws.households["village_code"] == XINWU).sum()


def test_the_form_names_households_without_personal_data(demo_ws):
    row = demo_ws.households.set_index("household_id").loc[FELL_BACK[0]]
    label = record_view.household_label(
        row.to_frame().T.reset_index(names="household_id").iloc[0], "zh"
    )
    assert label.startswith(FELL_BACK[0]) and "2023年返贫" in label
    assert str(row["head_id_masked"]) not in label


def test_later_rows_are_reported_not_rewritten(demo_ws):
    # 石背村's road is recorded for every year: a change counted in 2020 leaves 2021–2025
    years = record_view.later_years(demo_ws, "360722102214", "road_hardened", 2020, False)
    assert years == list(range(2021, 2026))
    assert record_view.later_years(demo_ws, "360722102214", "road_hardened", 2025, False) == []


def test_undo_order_is_explained_before_the_click(demo_ws):
    at = "2025-12-31"
    ws = demo_ws
    for value, n in ((True, 1), (False, 2)):
        changes = history.indicator_change(ws, ZHONGKENG, "bus", value, at)
        ws = apply(
            ws,
            history.record(
                ws, "indicator", changes, changed_at=at, recorded_at=f"2026-12-02T09:00:0{n}"
            ),
        )
    assert record_view.undo_blocker(ws["history"], "C00001") == "C00002"
    assert record_view.undo_blocker(ws["history"], "C00002") is None
    later = history.indicator_change(ws, ZHONGKENG, "bus", True, "2025-06-30")
    assert record_view.later_change(ws, later, "2025-06-30") == "2025-12-31"


def test_markdown_in_names_is_shown_as_text():
    assert markup.escape_md("**x** [a](b) :red[y]") == (r"\*\*x\*\* \[a\]\(b\) \:red\[y\]")


# ----------------------------------------------------------------------------- the pages
@pytest.fixture
def ws_copy(demo_copy, monkeypatch):
    """A private copy of the demo, the workspace the dashboard opens."""
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(demo_copy))
    return demo_copy


def record_page(**state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page(RECORD).run()
    assert not at.exception
    return at


def page_text(at: AppTest) -> str:
    """Everything a page says in text, markdown, captions, metrics and its HTML tiles."""
    parts = [e.value for kind in ("markdown", "text", "caption") for e in at.get(kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [h.value for h in at.get("html")]
    return "\n".join(str(p) for p in parts)


@pytest.mark.slow
def test_a_change_recorded_for_2025_shows_on_gaps_and_meeting_in_2025(ws_copy):
    # Before: 中坑村 lacks a bus in 2025, on 基础设施短板 and on its 会议模式 card.
    at = record_page(meeting_index=12)  # 中坑村 on 会议模式
    at.switch_page("app_pages/gaps_page.py").run()
    assert "中坑村" in list(_gap_table(at)["行政村"])
    at.switch_page("app_pages/meeting_page.py").run()
    assert not at.exception
    meeting_before = page_text(at)

    at.switch_page(RECORD).run()
    assert at.selectbox(key="rec_year").value == 2025  # the year being viewed
    assert "计入 2025 年:登记日期记为 2025-12-31" in page_text(at)
    at.selectbox(key="rec_village").set_value(ZHONGKENG).run()
    at.selectbox(key="rec_field__zh").set_value("bus").run()
    assert at.radio(key="rec_bool__zh").value is True  # the change people come to record
    assert "将登记:2025年 中坑村 通客运班车:否 → 是" in page_text(at)
    at.button(key="rec_submit").click().run()
    assert not at.exception
    assert "基础设施短板减少 1 项" in at.success[0].value
    # a household's exit in the same year, for the meeting's headline figures
    at.radio(key="rec_kind__zh").set_value("household_exit").run()
    at.selectbox(key="rec_village").set_value(XINWU).run()
    at.selectbox(key="rec_household").set_value(FELL_BACK[0]).run()
    at.button(key="rec_submit").click().run()
    assert not at.exception and "本村 6人 → 1人" in at.success[0].value

    # The view stays on 2025: no year added, none jumped to.
    assert at.session_state["year"] == 2025
    assert view.latest_year(read_workspace(ws_copy)) == 2025
    assert list(read_workspace(ws_copy)["history"]["changed_at"].unique()) == ["2025-12-31"]

    at.switch_page("app_pages/gaps_page.py").run()
    assert not at.exception and at.header[0].value.endswith("2025")
    assert "中坑村" not in list(_gap_table(at)["行政村"])
    at.switch_page("app_pages/meeting_page.py").run()
    assert not at.exception
    meeting_after = page_text(at)
    bus = i18n.flag_label("bus", "zh")
    assert bus in meeting_before and bus not in meeting_after  # the card's gap is gone
    # the headline figure of poor people fell by the household's five people
    figures = {f.key: f for f in key_figures.key_figures(read_workspace(ws_copy), 2025)}
    assert figures["poor_people"].value == 20
    assert i18n.count(20, "people", "zh") in meeting_after
    assert i18n.count(25, "people", "zh") in meeting_before


def _gap_table(at: AppTest):
    return next(df.value for df in at.dataframe if "短板" in df.value.columns)


@pytest.mark.slow
def test_the_form_never_opens_on_a_change_that_changes_nothing(ws_copy):
    at = record_page()
    # 古陂居委会 has a hardened road: the form offers 否, the one change to record.
    assert at.selectbox(key="rec_field__zh").value == "road_hardened"
    assert at.radio(key="rec_bool__zh").value is False
    assert not at.button(key="rec_submit").disabled
    at.radio(key="rec_bool__zh").set_value(True).run()
    assert at.button(key="rec_submit").disabled
    assert any("2025年末已是「是」" in w.value for w in at.warning)
    # another year or village starts again from its own present value
    at.selectbox(key="rec_village").set_value(ZHONGKENG).run()
    at.selectbox(key="rec_field__zh").set_value("bus").run()
    assert at.radio(key="rec_bool__zh").value is True


@pytest.mark.slow
def test_the_household_list_is_never_shown_empty_when_it_has_households(ws_copy):
    at = record_page()
    at.radio(key="rec_kind__zh").set_value("household_exit").run()
    # 古陂居委会 has none to exit: the list says so and the button is off
    assert at.selectbox(key="rec_household").value is None
    assert at.button(key="rec_submit").disabled
    assert any("没有现为「未脱贫」或「返贫」的户" in i.value for i in at.info)
    # 新屋村 has two fallen back: the box shows the first, not the placeholder
    at.selectbox(key="rec_village").set_value(XINWU).run()
    assert at.selectbox(key="rec_household").value == FELL_BACK[0]
    assert at.selectbox(key="rec_household").options[1].startswith(FELL_BACK[1])
    assert not at.button(key="rec_submit").disabled
    assert any("共 2 户" in c.value for c in at.caption)
    # counted in 2023, the year they fell back, neither can exit: said, not hidden
    at.selectbox(key="rec_year").set_value(2023).run()
    assert at.selectbox(key="rec_household").value is None
    assert any("另有 2 户" in i.value for i in at.info)
    assert not any("没有现为" in i.value for i in at.info)
    # monitoring: any household; one already monitored as that kind that year is a no-op
    at.selectbox(key="rec_year").set_value(2025).run()
    at.radio(key="rec_kind__zh").set_value("household_monitored").run()
    at.selectbox(key="rec_village").set_value("360722102200").run()
    at.selectbox(key="rec_household").set_value("360722102200-0056").run()
    at.selectbox(key="rec_monitor_kind").set_value("突发严重困难户").run()
    assert at.button(key="rec_submit").disabled
    assert any("已于 2025 年纳入监测" in w.value for w in at.warning)
    at.selectbox(key="rec_monitor_kind").set_value("边缘易致贫户").run()
    assert not at.button(key="rec_submit").disabled
    assert "纳入监测(「边缘易致贫户」)" in page_text(at)


@pytest.mark.slow
def test_this_year_is_offered_and_says_it_adds_a_year(ws_copy):
    this_year = date.today().year
    at = record_page()
    assert at.selectbox(key="rec_year").options[0] == i18n.t(
        "record_year_option", "zh", year=this_year
    )
    at.selectbox(key="rec_year").set_value(this_year).run()
    assert any(f"还没有 {this_year} 年的数据" in w.value for w in at.warning)
    assert at.button(key="rec_submit").label == f"登记(计入{this_year}年)"
    at.button(key="rec_submit").click().run()
    assert not at.exception
    # chosen explicitly, the new year is shown everywhere from now on
    assert at.session_state["year"] == this_year
    assert view.latest_year(read_workspace(ws_copy)) == this_year
    assert read_workspace(ws_copy)["history"]["changed_at"].iloc[0] == date.today().isoformat()


@pytest.mark.slow
def test_a_change_is_recorded_and_undone(ws_copy, demo_path):
    at = record_page()
    assert "还没有登记任何变更" in at.info[0].value
    at.text_input(key="rec_note").set_value("道路损毁")
    at.button(key="rec_submit").click().run()
    assert not at.exception and at.success[0].value.startswith("已登记(C00001)")
    log = at.dataframe[0].value
    assert log.iloc[0]["内容(原值 → 新值)"].endswith("通硬化路: 是 → 否")
    assert log.iloc[0]["生效日期"] == "2025-12-31"
    at.button(key="rec_undo").click().run()
    assert not at.exception and "C00001 已撤销" in at.success[0].value
    assert set(read_workspace(ws_copy)["history"]["change_id"]) == {"C00001", "C00002"}
    assert len(read_workspace(ws_copy)["indicators"]) == len(
        read_workspace(demo_path)["indicators"]
    )
