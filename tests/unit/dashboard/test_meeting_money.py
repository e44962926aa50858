"""The meeting view's 帮扶资金 (issue 17): projects, money spent, households reached and 元 per
household lifted on the township's and a village's card, only when the workspace has
projects. Counted by hand on ``money_workspace`` (its docstring)."""

from __future__ import annotations

import pytest

from tests.support.money_workspace import A, B, money_workspace
from township_atlas.analysis import exit_rules
from township_atlas.dashboard import meeting_view
from township_atlas.geo.rules import default_rules


@pytest.fixture(scope="module")
def ws():
    return money_workspace()


def village(ws, code: str, year: int, lang: str = "zh") -> meeting_view.Card:
    status = exit_rules.village_status(
        ws.villages, ws.households, ws["indicators"], year, default_rules()
    )
    row = status[status["code"].astype(str) == code].iloc[0]
    return meeting_view.village_card(ws, row, year, lang)


def test_the_township_card_says_the_money(ws):
    card = meeting_view.township_card(ws, 2020, "zh")
    assert card.money_heading == "帮扶项目与资金(截至2020年末)"
    assert card.money == (
        ("帮扶项目", "2个"),
        ("已支出资金", "70万元"),
        ("受益户次", "16户"),
        ("每脱贫户投入", "351,000元"),
    )
    html = meeting_view.card_html(card)
    assert "ta-card-money" in html and "帮扶项目与资金(截至2020年末)" in html
    # a number stays on its unit's line on the projector
    assert "351,000\u2060元" in html and "70\u2060万\u2060元" in html


def test_a_village_card_has_its_own_money(ws):
    card = village(ws, A, 2021)
    assert dict(card.money) == {
        "帮扶项目": "2个",
        "已支出资金": "70万元",
        "受益户次": "16户",
        "每脱贫户投入": "351,000元",
    }
    b = village(ws, B, 2021)
    assert dict(b.money)["每脱贫户投入"] == "—"  # none of 李田村's households has exited
    english = dict(village(ws, A, 2021, "en").money)
    assert (
        english["Money spent"] == "¥700,000"
        and english["Households reached (per project) (hh)"] == "16"
    )


def test_a_village_without_projects_says_so_not_zeros(ws):
    card = village(ws, B, 2020)
    assert card.money == () and card.money_note == "暂无项目"
    html = meeting_view.card_html(card)
    assert "暂无项目" in html and "0万元" not in html


def test_a_workspace_without_projects_shows_no_money():
    bare = money_workspace(with_projects=False)
    card = meeting_view.township_card(bare, 2020, "zh")
    assert card.money_heading == "" and card.money == () and card.money_note == ""
    html = meeting_view.card_html(card)
    assert "帮扶" not in html and "ta-card-money" not in html


def test_the_funds_file_is_named_like_the_others():
    name = meeting_view.file_name("古陂镇", 2025, "枫树村", "xlsx", "zh")
    assert name == "古陂镇-枫树村-2025-资金公示.xlsx"
    assert meeting_view.file_name("古陂镇", 2025, None, "xlsx", "en") == "古陂镇-2025-funds.xlsx"
