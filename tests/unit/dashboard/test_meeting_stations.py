"""The meeting card's 电商网点运营 (issue 18): stations by tier against the target, villages
with a village station of their own and within reach, sales and poor households served with
the change since last year, trained and income gain against the targets; only when the
stations have reported. Counted by hand on ``station_workspace`` (its docstring)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.support.station_workspace import station_workspace
from township_atlas.analysis import key_figures
from township_atlas.dashboard import meeting_stations, meeting_view
from township_atlas.dashboard.meeting_stations import StationFigure
from township_atlas.geo.rules import parse_rules


@pytest.fixture(scope="module")
def ws():
    return station_workspace()


def reach(ws, year: int):
    """The headline figure the page's tiles show (what the card is handed)."""
    return next(f for f in key_figures.key_figures(ws, year) if f.key == "ecommerce_villages")


def test_the_township_card_has_the_stations_of_2021(ws):
    card = meeting_view.township_card(ws, 2021, "zh", reach=reach(ws, 2021))
    assert card.stations_heading == "电商网点运营(2021年)"
    assert card.stations == (
        StationFigure("乡镇服务中心", "1 / 1个", "", "good"),
        StationFigure("村级服务站", "1 / 2个", "关闭 1个", "bad"),  # S2 closed; ⌈0.9 × 2⌉
        StationFigure("本村有服务站的村", "1 / 2个", "50% · 目标≥90%", "bad"),
        # the headline figure: 李田村 lost its only station within reach
        StationFigure("服务覆盖的村", "1 / 2个", "3/5公里内", key="reach"),
        StationFigure("农产品网销额", "72.5万元", "▲ 4.5万元", note_tone="good"),  # − 68
        StationFigure("服务贫困户", "30户", "与上年持平"),  # 30 both years
        StationFigure("电商培训", "80人次", "目标 90人次", "bad"),
        StationFigure("贫困户户均增收", "1,208元", "目标 1,000元", "good"),
    )


def test_the_html_escapes_and_keeps_numbers_with_their_units(ws):
    card = meeting_view.township_card(ws, 2021, "zh", reach=reach(ws, 2021))
    html = meeting_view.card_html(card).replace("\u2060", "")  # word joiners: invisible
    assert '<div class="ta-card-note-heading ta-card-stations-heading">电商网点运营(2021年)' in html
    assert '<div class="ta-ops-value ta-bad">1 / 2个<span class="ta-ops-note">关闭 1个' in html
    assert '<span class="ta-ops-note ta-good">▲ 4.5万元</span>' in html
    assert 'class="ta-ops-label ta-ops-reach"' in html  # the projector leaves it to the tiles
    assert "72.5\u2060万\u2060元" in meeting_view.card_html(card)
    # how to step through the villages: dropped on the big screen when the stations are shown
    assert 'class="ta-card-note ta-card-hint"' in html
    evil = replace(card, stations=(StationFigure("<b>x</b>", "<i>1</i>", "<s>", "bad"),))
    shown = meeting_view.card_html(evil)
    assert "<b>x</b>" not in shown and "&lt;b&gt;x&lt;/b&gt;" in shown and "<s>" not in shown


def test_the_first_year_reported_has_no_change_and_in_english(ws):
    card = meeting_view.township_card(ws, 2020, "en", reach=reach(ws, 2020))
    shown = {f.label: f for f in card.stations}
    assert shown["Village stations"].value == "2 / 2" and shown["Village stations"].tone == "good"
    assert shown["Villages with a station of their own"].note == "100% · target ≥90%"
    assert shown["Within reach"].value == "2 / 2"
    assert (shown["Online sales"].value, shown["Online sales"].note) == ("¥680,000", "")
    assert (shown["People trained"].value, shown["People trained"].note) == ("75", "target 135")
    assert shown["Gain per poor household"].value == "¥1,092"


def test_nothing_is_said_before_a_station_reported_or_without_reports(ws):
    early = meeting_view.township_card(ws, 2019, "zh")
    assert early.stations_heading == "" and early.stations == ()
    assert "电商网点运营" not in meeting_view.card_html(early)
    bare = meeting_view.township_card(station_workspace(with_operations=False), 2021, "zh")
    assert bare.stations == () and "ta-card-stations" not in meeting_view.card_html(bare)


def test_a_year_without_reports_says_so_not_zeros(ws):
    # 2022: no station reported; the closure of 2021 still holds
    part = meeting_stations.station_part(ws, 2022, "zh")
    shown = {f.label: f for f in part["stations"]}
    assert shown["村级服务站"].value == "1 / 2个" and shown["村级服务站"].note == "关闭 1个"
    assert (shown["农产品网销额"].value, shown["农产品网销额"].note) == ("—", "本年未报送")
    assert shown["电商培训"].value == "—" and shown["电商培训"].note == "目标 90人次"
    assert "reach" not in {f.key for f in part["stations"]}  # no headline figure handed


def test_the_targets_are_the_rules(ws):
    rules = parse_rules("[stations]\nvillage_share = 0.5\nincome_gain_yuan = 1500\n")
    card = meeting_view.township_card(ws, 2021, "zh", rules=rules)
    shown = {f.label: f for f in card.stations}
    assert (shown["村级服务站"].value, shown["村级服务站"].tone) == ("1 / 1个", "good")
    assert shown["本村有服务站的村"].note == "50% · 目标≥50%"
    assert (shown["贫困户户均增收"].note, shown["贫困户户均增收"].tone) == ("目标 1,500元", "bad")


def test_the_headline_tile_holds_the_rules_target(ws):
    figures = key_figures.key_figures(ws, 2021)  # 1 of 2 villages with a station of its own
    plan = meeting_view.tiles_html(figures, "zh")
    assert "目标≥90%" in plan and '<span class="ta-fig-sub ta-bad">1 / 2</span>' in plan
    own = meeting_view.tiles_html(figures, "zh", target=0.5)
    assert "目标≥50%" in own and '<span class="ta-fig-sub ta-good">1 / 2</span>' in own
