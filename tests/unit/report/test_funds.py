"""The 资金公示 workbook (issue 17), opened with openpyxl: every project by village with a
subtotal per village and the grand total, each village summed on sheet 2, Chinese headers with
units, and a name that starts with "=" written as text. Counted by hand on
``money_workspace`` (its docstring)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.support.money_workspace import P1_NAME, money_workspace
from township_atlas.dashboard.exports import export_funds, file_name
from township_atlas.report.funds import NoProjects, funds_sheets, funds_workbook


@pytest.fixture(scope="module")
def ws():
    return money_workspace()


def rows(book: bytes, sheet: str) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(book))[sheet].iter_rows(values_only=True))


def test_every_project_by_village_with_subtotals_and_the_total(ws):
    book = funds_workbook(ws)
    assert openpyxl.load_workbook(io.BytesIO(book)).sheetnames == ["资金公示", "各村汇总"]
    head, *body = rows(book, "资金公示")
    assert head == (
        "行政村",
        "行政村代码",
        "项目编号",
        "项目名称",
        "项目类型",
        "实施年度",
        "计划投资(万元)",
        "已支出(万元)",
        "支出进度(%)",
        "受益户数(户)",
        "受益贫困户数(户)",
        "项目状态",
    )
    villages = ["新屋村", "新屋村", "新屋村 小计", "李田村", "李田村 小计", "合计"]
    assert [r[0] for r in body] == villages
    assert [r[2] for r in body] == ["P1", "P2", None, "P3", None, None]
    assert body[0][5:] == (2017, 50, 40, 80, 10, 4, "完工")
    # 新屋村: 50 + 30 planned, 40 + 30 spent (87.5 %), 10 + 6 households, 4 + 6 poor
    assert body[2][3] == "2个项目" and body[2][6:11] == (80, 70, 87.5, 16, 10)
    assert body[4][6:11] == (20, 5, 25, 40, 3)
    assert body[5][3] == "3个项目" and body[5][6:11] == (100, 75, 75, 56, 13)


def test_a_name_that_starts_with_a_formula_stays_text(ws):
    sheet = openpyxl.load_workbook(io.BytesIO(funds_workbook(ws)))["资金公示"]
    cell = sheet["D2"]
    assert cell.value == P1_NAME and cell.data_type == "s"


def test_each_village_summed_with_the_money_per_household_lifted(ws):
    head, a, b, total = rows(funds_workbook(ws), "各村汇总")
    assert head[:8] == (
        "行政村",
        "行政村代码",
        "项目数(个)",
        "计划投资(万元)",
        "已支出(万元)",
        "受益户次(按项目累加)",
        "受益贫困户次(按项目累加)",
        "支出进度(%)",
    )
    # every year: up to 2021, the workspace's last
    assert head[8:] == (
        "截至2021年末到户措施资金(万元)",
        "截至2021年末已脱贫户数(户)",
        "截至2021年末每脱贫户投入(元/户)",
    )
    assert a == ("新屋村", "360722102201", 2, 80, 70, 16, 10, 87.5, 0.2, 2, 351_000)
    assert b == ("李田村", "360722102202", 1, 20, 5, 40, 3, 25, 0, 0, None)
    assert total == ("合计", None, 3, 100, 75, 56, 13, 75, 0.2, 2, 376_000)


def test_one_year_or_up_to_a_year(ws):
    only = funds_sheets(ws, 2019)["资金公示"]
    assert list(only["项目编号"]) == ["P2", None, None]
    upto = funds_sheets(ws, 2020, cumulative=True)["资金公示"]
    assert list(upto["项目编号"]) == ["P1", "P2", None, None]
    with pytest.raises(NoProjects, match="no project in 2018"):
        funds_sheets(ws, 2018)
    with pytest.raises(NoProjects, match="no projects"):
        funds_sheets(money_workspace(with_projects=False))


def test_the_dashboards_file_is_the_place_shown_up_to_the_year(ws):
    _, *body = rows(export_funds(ws, 2021, "李田村"), "资金公示")
    assert [r[2] for r in body] == ["P3", None, None]
    assert file_name("古陂镇", 2025, "xlsx") == "古陂镇-2025-资金公示.xlsx"
