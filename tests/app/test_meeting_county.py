"""会议模式 at a county: the meeting steps through the townships (上一镇 / 全县 / 下一镇), the card
is headed by the county and shows each township's own figures, a click on a township goes to
it; chosen as the place, a township steps through its villages again."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from township_atlas.dashboard import state as S

MEETING = "app_pages/meeting_page.py"


def card(at: AppTest) -> str:
    (body,) = [h.proto.body for h in at.html if h.proto.body.startswith('<div class="ta-card')]
    return body.replace("\u2060", "")  # the word joiners keeping a number with its unit


def card_name(at: AppTest) -> str:
    return re.search(r'<h3 class="ta-card-name">([^<]*)</h3>', card(at)).group(1)


def test_a_county_meeting_steps_through_its_townships(county_app):
    at = county_app.run()
    at.switch_page(MEETING).run()
    assert not at.exception
    assert card_name(at) == "全县"
    assert "信丰县 ·" in card(at)  # headed by the county, not its first township
    labels = [b.label for b in at.button if b.key in ("meeting_prev", "meeting_next")]
    assert labels == ["上一镇", "下一镇"]
    at.button(key="meeting_next").click().run()
    assert card_name(at) == "古陂镇"
    assert "信丰县 ·" in card(at) and "贫困村出列" in card(at)
    at.button(key="meeting_next").click().run()
    assert card_name(at) == "大塘埠镇"
    # the second township's register: its one household, not the county's five
    assert "建档立卡 1户" in card(at)
    at.button(key="meeting_overview").click().run()
    assert card_name(at) == "全县" and not at.exception


def test_a_township_chosen_as_the_place_steps_through_its_villages(county_app):
    county_app.session_state[S.PLACE] = "360722102"
    at = county_app.run()
    at.switch_page(MEETING).run()
    assert not at.exception
    assert card_name(at) == "全镇" and "古陂镇 ·" in card(at)
    at.button(key="meeting_next").click().run()
    assert card_name(at) == "新屋村"
