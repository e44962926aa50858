"""Projects and money on the 一张图 (issue 17): one square per project of the year or before,
its tooltip escaped; each village's money in its tooltip; nothing at all without projects.
Counted by hand on ``money_workspace`` (its docstring)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.support.money_workspace import A, B, money_workspace
from township_atlas.dashboard import map as township_map
from township_atlas.dashboard import map_items, view

LAYERS = frozenset({"villages", "labels", "projects"})


@pytest.fixture(scope="module")
def ws():
    return money_workspace()


def spec_of(ws, year: int, lang: str = "zh", layers=LAYERS):
    return view.map_spec(ws, year, "poor_people", lang, layers=layers)


def test_a_project_is_drawn_with_its_escaped_tooltip(ws):
    items = map_items.project_items(spec_of(ws, 2020))
    assert len(items) == 2  # P3 is of 2021
    p1, p2 = items
    assert p1["at"] == [25.35, 115.05] and p1["cls"] == "ta-project"
    assert ">产<" in p1["html"] and ">光<" in p2["html"]  # the type's character on its square
    tip = p1["tooltip"]
    assert tip == (
        "<b>=HYPERLINK(&quot;http://x&quot;)&lt;b&gt;蘑菇&lt;/b&gt;基地</b><br>产业<br>"
        "2017年 · 完工<br>计划投资 50万元 · 已支出 40万元<br>受益 10户(其中贫困户 4户)"
    )
    assert "<b>蘑菇" not in tip  # the name's markup never reaches the page as markup


def test_the_year_shown_and_before(ws):
    assert len(spec_of(ws, 2016).projects) == 0  # the workspace has projects, none by then
    later = spec_of(ws, 2021).projects
    assert list(later["project_type"]) == ["产业", "光伏", "基础设施"]
    assert list(later["status_label"]) == ["完工", "完工", "在建"]


def test_the_payload_carries_the_years_projects_and_their_legend_when_the_layer_is_on(ws):
    on = township_map.restyle_payload(spec_of(ws, 2020))
    squares = [it for it in on["overlays"] if it.get("cls") == "ta-project"]
    assert len(squares) == 2
    assert "扶贫项目" in on["legend"] and "产业" in on["legend"] and "光伏" in on["legend"]
    assert "基础设施" not in on["legend"]  # no project of that type by 2020
    off = township_map.restyle_payload(spec_of(ws, 2020, layers=frozenset({"villages"})))
    assert not [it for it in off["overlays"] if it.get("cls") == "ta-project"]
    assert "扶贫项目" not in off["legend"]


def test_each_villages_money_is_two_rows_of_its_tooltip(ws):
    payload = township_map.restyle_payload(spec_of(ws, 2020))
    assert payload["fields"][-2:] == ["帮扶资金", "受益与投入"]
    assert payload["villages"][A][-2:] == [
        "2个项目 · 已支出 70万元",
        "受益 16户次 · 每脱贫户 351,000元",
    ]
    assert payload["villages"][B][-2:] == ["暂无项目", ""]
    later = township_map.restyle_payload(spec_of(ws, 2021))
    # B's project reached 40 households, but none of B's has exited: no 元 per household
    assert later["villages"][B][-2:] == ["1个项目 · 已支出 5万元", "受益 40户次"]
    english = township_map.restyle_payload(spec_of(ws, 2020, "en"))
    assert english["fields"][-2:] == ["Assistance money", "Reach and cost"]
    assert english["villages"][A][-2:] == [
        "projects: 2 · ¥700,000 spent",
        "16 households reached (per project) · ¥351,000 per household lifted",
    ]


def test_without_projects_nothing_is_said_of_money():
    bare = money_workspace(with_projects=False)
    spec = spec_of(bare, 2020)
    assert spec.projects is None and "money_text" not in spec.villages
    assert map_items.project_items(spec) == []
    payload = township_map.restyle_payload(spec)
    assert len(payload["fields"]) == 5 and "帮扶资金" not in payload["fields"]
    assert "money_reach_text" not in spec.villages
    assert all(len(row) == 5 for row in payload["villages"].values())
    assert "扶贫项目" not in payload["legend"]
    assert view.place_money(bare, 2020) is None


def test_the_place_money_sums_its_villages(ws):
    money = view.place_money(ws, 2021)
    assert (money.projects, money.budget_wan, money.spent_wan) == (3, 100.0, 75.0)
    assert (money.households_reached, money.exited_households) == (56, 2)
    assert money.yuan_per_exit == 376_000
    assert view.money_figures(money, "zh") == (
        ("帮扶项目", "3个"),
        ("已支出资金", "75万元"),
        ("受益户次", "56户"),
        ("每脱贫户投入", "376,000元"),
    )
    assert view.money_figures(view.place_money(ws, 2020, B), "zh") == ()


def test_projects_follow_a_gcj02_base_map(ws):
    spec = spec_of(ws, 2020)
    shifted = township_map.in_datum(spec, "gcj02").projects
    assert shifted.geometry.x.iloc[0] != pytest.approx(115.05, abs=1e-4)
    assert township_map.in_datum(replace(spec, projects=None), "gcj02").projects is None
