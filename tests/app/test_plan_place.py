"""电商网点规划 follows the place: it plans the villages of the township chosen, is titled with it,
and a proposal made for one township is not shown as if it were another's."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from township_atlas.dashboard import state as S

PLAN = "app_pages/plan_page.py"


def shows_a_proposal(at: AppTest) -> bool:
    """Whether the proposal panel shows a proposal (its solver line), not the hint."""
    return any(t.value.startswith(("已证明最优", "未证明最优")) for t in at.text) or any(
        list(df.value.columns) == ["网点", "新增覆盖"] for df in at.dataframe
    )


def test_a_proposal_belongs_to_the_place_it_was_made_for(county_app):
    county_app.session_state[S.PLACE] = "360722102"
    county_app.session_state[S.PLAN_ADD] = 1  # 古陂镇 has two villages to choose from
    at = county_app.run()
    at.switch_page(PLAN).run()
    assert not at.exception
    assert any("古陂镇 · 电商网点规划" in h.value for h in at.header)
    at.button(key=S.PLAN_OPTIMISE).click().run()
    assert shows_a_proposal(at)
    assert at.session_state[S.PLAN_RESULT]["settings"]["place"] == "360722102"
    at.session_state[S.PLACE] = "360722103"
    at.run()
    assert not at.exception
    assert any("大塘埠镇 · 电商网点规划" in h.value for h in at.header)
    assert not shows_a_proposal(at)  # 古陂镇's proposal is not 大塘埠镇's
