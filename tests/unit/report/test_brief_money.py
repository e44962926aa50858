"""The brief's 帮扶项目与资金 (issue 17): a page after the township's with the totals, the
projects on a map and a table per village; two key figures on a village's page; nothing when
the workspace has no projects. Counted by hand on ``money_workspace`` (its docstring)."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest

from tests.support.money_workspace import money_workspace
from township_atlas.dashboard.exports import panel_with_layers
from township_atlas.report.content import brief_content
from township_atlas.report.pdf import render
from township_atlas.report.pdf_model import Tile


@pytest.fixture(scope="module")
def ws():
    return money_workspace()


def test_the_money_page_follows_the_townships(ws):
    brief = brief_content(ws, 2020)
    assert [p.title for p in brief.pages] == [
        "古陂镇扶贫工作简报（2020年）",
        "古陂镇帮扶项目与资金（2020年）",
    ]
    page = brief.pages[1]
    assert "截至2020年末" in page.subtitle and "2个项目" in page.subtitle
    assert page.tiles == (
        Tile("帮扶项目（累计）", "2个", "其中2020年 0个"),
        Tile("计划投资", "80万元"),
        Tile("已支出资金", "70万元", "支出进度 87.5%", "neutral"),
        Tile("受益户次（按项目累加）", "16户", "其中贫困户 10户"),
        Tile("到户帮扶措施资金", "0.2万元"),
        Tile("每脱贫户投入", "351,000元", "已脱贫 2户（项目与措施资金）"),
    )
    (table,) = page.blocks
    assert table.headers[3:] == ("已支出(万元)", "受益户次", "每脱贫户(元)")
    assert table.rows == (
        ("新屋村", "2", "80", "70", "16", "351,000"),
        ("李田村", "0", "0", "0", "0", "—"),
        ("全镇合计", "2", "80", "70", "16", "351,000"),
    )
    # budget by year, from the first project's: 2017 50, 2019 30
    assert page.chart.categories == ("2017", "2018", "2019", "2020")
    assert page.chart.values == (50.0, 0.0, 30.0, 0.0)


def test_the_money_map_draws_each_project_by_type(ws):
    panel = brief_content(ws, 2021).pages[1].map
    points = panel.layers.points
    assert list(points["text"]) == ["产", "光", "基"] and set(points["marker"]) == {"square"}
    legend = [e.label for e in panel.legend]
    assert "产业项目 1个" in legend and "基础设施项目 1个" in legend
    # villages named with the money spent by then
    notes = dict(zip(panel.labels["text"], panel.labels["note"], strict=True))
    assert notes == {"新屋村": "70万元", "李田村": "5万元"}


def test_a_village_page_has_its_projects_and_money(ws):
    page = brief_content(ws, 2020, village="新屋村").pages[0]
    assert page.tiles[-2:] == (
        Tile("帮扶项目（累计）", "2个", "已支出 70万元"),
        Tile("每脱贫户投入", "351,000元", "受益 16户"),
    )
    assert set(page.map.layers.points["layer"]) >= {"projects"}
    none_yet = brief_content(ws, 2020, village="李田村").pages[0]
    assert none_yet.tiles[-1] == Tile("帮扶项目（累计）", "暂无项目")


def test_a_picture_of_the_map_shows_the_projects_only_with_their_layer(ws):
    assert brief_content(ws, 2020).pages[0].map.layers.points is None  # the printed brief
    panel = brief_content(ws, 2020, map_projects=True).pages[0].map
    points = panel.layers.points
    assert list(points["layer"]) == ["projects", "projects"]
    assert list(points["text"]) == ["产", "光"]
    assert "产业项目" in [e.label for e in panel.legend]
    left_out = panel_with_layers(panel, frozenset({"villages", "labels"}))
    assert left_out.layers.points is None
    assert not [e for e in left_out.legend if e.layer == "projects"]


def test_without_projects_the_brief_says_nothing_of_money():
    bare = money_workspace(with_projects=False)
    brief = brief_content(bare, 2020)
    assert len(brief.pages) == 1
    village = brief_content(bare, 2020, village="新屋村").pages[0]
    assert not [t for t in village.tiles if "帮扶" in t.label or "脱贫户投入" in t.label]


def test_the_printed_page_names_no_household(ws):
    pdf = pdfium.PdfDocument(render(brief_content(ws, 2020)))
    texts = [re.sub(r"\s+", "", pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]
    assert len(texts) == 2
    money = texts[1]
    assert "古陂镇帮扶项目与资金（2020年）" in money and "全镇合计" in money
    assert "351,000元" in money and "各村项目与资金（截至2020年末）" in money
    assert not [h for h in ws.households["household_id"] if h in "".join(texts)]
