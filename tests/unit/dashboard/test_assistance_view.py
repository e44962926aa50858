"""The 帮扶 page's figures, map spec and tables on a hand-counted township (2024, default rules).

The two villages of ``support.workspaces.minimal_layers``: 新屋村 (…201, poor, exited 2018)
and 李田村 (…202, not poor); one more household, H5, exited in 2016. In 2024:
- H1 (新屋村, 返贫, 因病): cadre C1, 2 visits, a 健康 measure, planned 2023 → 逾期未脱贫.
- H2 (新屋村, 未脱贫, 因残): cadre C1, 1 visit (another in 2023), only 产业 → 走访不足,
  措施与致贫原因不符.
- H3 (李田村, 未脱贫, 缺劳力): cadre C2, 2 visits, 兜底保障, planned 2024 → no problem.
- H4 (李田村, 监测, no cause): no cadre, no visit, no measure → 无帮扶责任人, 走访不足,
  措施与致贫原因不符.
- H5 (李田村, 已脱贫 2016): cadre C2, 1 visit; not checked.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from tests.support.workspaces import minimal_layers
from township_atlas.dashboard import assistance_view as V
from township_atlas.dashboard import view
from township_atlas.dashboard.monitor_view import MET_COLOUR, NO_DATA_COLOUR, RAMP, UNMET_COLOUR
from township_atlas.geo.history import ChangeError
from township_atlas.geo.rules import default_rules
from township_atlas.geo.workspace import Workspace

WGS84 = "EPSG:4326"
A, B = "360722102201", "360722102202"
YEAR = 2024
RULES = default_rules()


def _layers() -> dict[str, pd.DataFrame]:
    layers = minimal_layers()
    hh = layers["households"]
    h5 = {
        "household_id": "H5",
        "village_code": B,
        "size": 2,
        "category": "一般贫困户",
        "cause": "05",
        "identified_year": 2014,
        "exit_year": 2016,
        "status": "已脱贫",
    }
    layers["households"] = pd.concat([hh, pd.DataFrame([h5])], ignore_index=True)
    layers["cadres"] = pd.DataFrame(
        {
            "cadre_id": ["C1", "C2"],
            "cadre_name": ["王某", "李某"],
            "unit": ["县农业农村局", "古陂镇人民政府"],
            "post": ["科员", None],
            "responsibility": ["帮扶责任人", "直接责任人"],
            "village_code": [None, None],
        }
    )
    layers["pairings"] = pd.DataFrame(
        {
            "household_id": ["H1", "H2", "H3", "H5"],
            "cadre_id": ["C1", "C1", "C2", "C2"],
            "since_year": pd.array([2016, 2016, 2020, 2016], dtype="Int64"),
        }
    )
    dates = ["2024-03-01", "2024-09-01", "2023-11-20", "2024-05-06", "2024-02-02", "2024-08-08"]
    dates.append("2024-07-07")
    layers["visits"] = pd.DataFrame(
        {
            "visit_id": [f"V{i}" for i in range(1, 8)],
            "household_id": ["H1", "H1", "H2", "H2", "H3", "H3", "H5"],
            "visit_date": dates,
            "cadre_id": ["C1", "C1", "C1", "C1", "C2", "C2", "C2"],
            "note": [None] * 7,
        }
    )
    layers["measures"] = pd.DataFrame(
        {
            "measure_id": ["M1", "M2", "M3"],
            "household_id": ["H1", "H2", "H3"],
            "measure_type": ["健康", "产业", "兜底保障"],
            "year": pd.array([2020, 2022, 2019], dtype="Int64"),
            "amount": [1000.0, 2000.0, 3000.0],
            "status": ["已完成", "实施中", "已完成"],
        }
    )
    layers["exit_plans"] = pd.DataFrame(
        {"household_id": ["H1", "H2", "H3"], "plan_year": pd.array([2023, 2025, 2024], "Int64")}
    )
    layers["village_teams"] = pd.DataFrame(
        {
            "village_code": [A],
            "start_date": ["2016-01-01"],
            "team_unit": ["县财政局"],
            "first_secretary": ["赵某"],
            "members": pd.array([3], dtype="Int64"),
            "end_date": [None],
        }
    )
    layers["projects"] = gpd.GeoDataFrame(
        {
            "project_id": ["P1"],
            "name": ["脐橙基地"],
            "village_code": [A],
            "project_type": ["产业"],
            "year": pd.array([2017], dtype="Int64"),
            "budget": [60.0],
            "spent": [50.0],
            "households": pd.array([20], dtype="Int64"),
            "poor_households": pd.array([8], dtype="Int64"),
            "status": ["完工"],
        },
        geometry=[Point(115.05, 25.35)],
        crs=WGS84,
    )
    return layers


@pytest.fixture(scope="module")
def ws() -> Workspace:
    return Workspace(_layers())


@pytest.fixture(scope="module")
def result(ws):
    return V.check(ws, RULES, YEAR)


@pytest.fixture(scope="module")
def base(ws):
    return view.map_spec(ws, YEAR, "poor_people", "zh")


def test_no_assistance_data_is_said_not_flagged():
    bare = Workspace(minimal_layers())
    assert not V.has_data(bare)
    text = V.no_data_text("zh")
    assert text.startswith("尚未导入帮扶数据")
    assert "帮扶责任人、结对帮扶、驻村工作队、走访记录、帮扶措施、扶贫项目、脱贫计划" in text
    assert "cadres, pairings, teams, visits, measures, projects, exit_plans" in text
    assert "township-atlas import" in V.no_data_text("en")


def test_figures(ws, result):
    assert V.has_data(ws)
    got = {label: value for label, value, _ in V.figures(result, RULES, "zh")}
    assert got == {
        "核查户数": "4户",  # H1–H4
        "有问题的户": "3户",  # H1, H2, H4
        "无帮扶责任人": "1户",  # H4
        "走访不足": "2户",  # H2, H4
        "措施与致贫原因不符": "2户",  # H2, H4
        "逾期未脱贫": "1户",  # H1
        "无驻村工作队": "0个村",  # 新屋村 has its team
        "产业项目不足": "0个村",  # and its 产业 project
    }
    english = V.figures(result, RULES, "en")
    assert english[0][:2] == ("Households checked (hh)", "4")
    assert "not exited, fell back, monitored" in english[0][2]


def test_the_map_shades_villages_by_households_with_a_problem(base, result):
    spec = V.assistance_map_spec(base, result, V.ALL, "zh")
    v = spec.villages.set_index("code")
    # 新屋村 2 (H1, H2), 李田村 1 (H4): two classes, the larger the darker
    assert v.loc[A, "fill"] == RAMP[4] and v.loc[B, "fill"] == RAMP[1]
    assert v.loc[A, "value_text"] == "2户(走访不足 1、措施与致贫原因不符 1、逾期未脱贫 1)"
    assert v.loc[B, "value_text"] == "1户(无帮扶责任人 1、走访不足 1、措施与致贫原因不符 1)"
    assert spec.title == "有问题的农户 · 2024"
    assert [(c.colour, c.label) for c in spec.classes] == [
        (MET_COLOUR, "0户 · 无问题"),
        (RAMP[1], "1户"),
        (RAMP[4], "2户"),
    ]


def test_one_household_flag(base, result):
    spec = V.assistance_map_spec(base, result, "behind_plan", "en")
    v = spec.villages.set_index("code")
    assert v.loc[A, "fill"] == RAMP[3] and v.loc[B, "fill"] == MET_COLOUR  # H1 only
    assert list(v["value_text"]) == ["1 hh", "0 hh"]
    assert spec.title == "Behind its planned exit · 2024"
    assert [c.label for c in spec.classes] == ["0 hh · none", "1 hh"]


def test_a_village_flag_greys_the_villages_that_are_not_poor(base, ws, result):
    spec = V.assistance_map_spec(base, result, "few_projects", "zh")
    v = spec.villages.set_index("code")
    assert (v.loc[A, "fill"], v.loc[A, "value_text"]) == (MET_COLOUR, "无此问题")  # has P1
    assert (v.loc[B, "fill"], v.loc[B, "value_text"]) == (NO_DATA_COLOUR, "非贫困村")
    assert [c.label for c in spec.classes] == ["产业项目不足", "无此问题", "非贫困村"]
    no_project = Workspace({**ws.layers, "projects": ws["projects"].iloc[:0]})
    spec = V.assistance_map_spec(base, V.check(no_project, RULES, YEAR), "few_projects", "zh")
    assert spec.villages.set_index("code").loc[A, "fill"] == UNMET_COLOUR
    # on the all-problems map the village's own problem follows its households'
    spec = V.assistance_map_spec(base, V.check(no_project, RULES, YEAR), V.ALL, "zh")
    assert spec.villages.set_index("code").loc[A, "value_text"].endswith(" · 产业项目不足")


def test_a_countys_map_sums_each_township(base, result):
    township = base.villages.iloc[:1].assign(code="360722102", name="古陂镇")
    spec = V.assistance_map_spec(replace(base, villages=township), result, V.ALL, "zh")
    assert spec.villages["value_text"].iloc[0] == (
        "3户(无帮扶责任人 1、走访不足 2、措施与致贫原因不符 2、逾期未脱贫 1)"
    )
    spec = V.assistance_map_spec(replace(base, villages=township), result, "no_team", "zh")
    assert spec.villages["value_text"].iloc[0] == "0个村"  # one poor village, with a team
    assert spec.classes[0].label == "0个村 · 无问题"


def test_the_household_list(ws, result):
    table = V.household_table(ws, result, "zh")
    assert list(table.columns) == [
        "户编号",
        "村",
        "状态",
        "致贫原因",
        "帮扶责任人",
        "本年走访",
        "措施",
        "计划脱贫年度",
        "问题",
    ]
    assert table.values.tolist() == [
        [
            "H1",
            "新屋村",
            "返贫",
            "01 因病",
            "王某(县农业农村局)",
            "2/2",
            "健康",
            "2023",
            "逾期未脱贫",
        ],
        [
            "H2",
            "新屋村",
            "未脱贫",
            "02 因残",
            "王某(县农业农村局)",
            "1/2",
            "产业",
            "2025",
            "走访不足；措施与致贫原因不符",
        ],
        [
            "H4",
            "李田村",
            "监测",
            "—",
            "—",
            "0/2",
            "—",
            "—",
            "无帮扶责任人；走访不足；措施与致贫原因不符",
        ],
    ]
    assert list(V.household_table(ws, result, "zh", village=B)["户编号"]) == ["H4"]
    assert list(V.household_table(ws, result, "zh", flag="visits_short")["户编号"]) == ["H2", "H4"]
    # a village's flag does not narrow the list of households
    assert len(V.household_table(ws, result, "zh", flag="no_team")) == 3
    behind = V.behind_table(ws, result, "zh")
    assert behind.values.tolist() == [
        ["H1", "新屋村", "返贫", "01 因病", "王某(县农业农村局)", "2023", "2/2"]
    ]
    english = V.household_table(ws, result, "en").set_index("Household")
    assert english.loc["H2", "Status"] == "not exited"
    assert english.loc["H2", "Measures"] == "industry"
    assert english.loc["H1", "Cadre"] == "王某 (县农业农村局)"


def test_the_village_table(ws, result):
    table = V.village_table(ws, result, "zh").set_index("行政村")
    assert list(table.index) == ["新屋村", "李田村"]  # two problems, then one
    assert table.loc["新屋村", "贫困村"] == "已出列"
    assert table.loc["李田村", "贫困村"] == "非贫困村"
    assert table.loc["新屋村", "驻村工作队"] == "县财政局 · 第一书记 赵某"
    assert table.loc["李田村", "驻村工作队"] == "—"
    assert table.loc["新屋村", ["产业项目（个）", "项目（个）", "已支出（万元）"]].tolist() == [
        1,
        1,
        50.0,
    ]
    assert table.loc["新屋村", ["核查户", "问题户", "走访不足", "逾期未脱贫"]].tolist() == [
        2,
        2,
        1,
        1,
    ]
    assert table.loc["李田村", ["核查户", "问题户", "无帮扶责任人"]].tolist() == [2, 1, 1]
    assert set(table["村级问题"]) == {"—"}
    assert list(table.columns)[:4] == ["贫困村", "村级问题", "核查户", "问题户"]
    assert list(table.columns)[-1] == "驻村工作队"


def test_a_cadres_households(ws, result):
    choices = V.cadre_choices(ws, result, "zh")
    assert choices == {"C1": "王某(县农业农村局)", "C2": "李某(古陂镇人民政府)"}  # C1 has problems
    table = V.cadre_households(ws, result, "C2", "zh")
    assert table.values.tolist() == [
        ["H3", "李田村", "未脱贫", "08 缺劳力", "2/2", "—"],
        ["H5", "李田村", "已脱贫", "05 缺土地", "1", "不在核查范围"],
    ]
    about, line = V.cadre_summary(ws, result, "C2", "zh")
    assert about == "古陂镇人民政府 · 直接责任人"  # no post recorded
    assert line == "结对 2 户，其中本年核查 1 户、有问题 0 户。"
    assert (
        V.cadre_summary(ws, result, "C1", "zh")[1] == "结对 2 户，其中本年核查 2 户、有问题 2 户。"
    )
    # a cadre paired only from a later year has no household yet
    later = ws["pairings"].assign(since_year=pd.array([2025, 2025, 2020, 2016], dtype="Int64"))
    moved = Workspace({**ws.layers, "pairings": later})
    assert list(V.cadre_choices(moved, V.check(moved, RULES, YEAR), "zh")) == ["C2"]


def test_plans_against_exits(ws):
    table = V.plan_table(ws, YEAR, "zh")
    assert table.values.tolist() == [
        ["2016", 0, 0, 2, 6],  # H1 (4 people, fell back since) and H5 (2) exited
        ["2023", 1, 4, 0, 0],  # H1 planned
        ["2024", 1, 1, 0, 0],  # H3
        ["2025", 1, 3, 0, 0],  # H2
    ]
    assert list(table.columns) == [
        "年度",
        "计划脱贫户",
        "计划脱贫人数",
        "实际脱贫户",
        "实际脱贫人数",
    ]
    assert V.plan_table(Workspace(minimal_layers()), YEAR, "zh").empty


def test_the_visit_forms_choices_and_dates(ws, result):
    options = V.visit_options(ws, result, "zh")
    # too few visits first (by village), then the others
    assert list(options) == ["H2", "H4", "H1", "H3"]
    assert options["H2"] == "H2 · 新屋村 · 本年走访 1/2"
    assert V.visit_options(ws, result, "en")["H4"] == "H4 · 李田村 · 0/2 visits"
    assert V.paired_cadre(result, "H2") == "C1" and V.paired_cadre(result, "H4") == ""
    first, last, default = V.visit_dates(2024, date(2026, 12, 3))
    assert (first, last, default) == (date(2024, 1, 1), date(2024, 12, 31), date(2024, 12, 31))
    assert V.visit_dates(2026, date(2026, 3, 5)) == (date(2026, 1, 1),) + (date(2026, 3, 5),) * 2
    assert V.visit_dates(2027, date(2026, 3, 5)) is None
    assert V.visits_in_year(ws["visits"], "H2", 2024) == 1
    assert V.visits_in_year(ws["visits"], "H2", 2023) == 1
    assert V.visits_in_year(ws["visits"], "H4", 2024) == 0


@pytest.mark.parametrize(
    ("message", "zh"),
    [
        ("no household H9", "没有户编号为 H9 的农户。"),
        ("no cadre C9", "没有编号为 C9 的帮扶责任人。"),
        ("a visit note may not hold an ID or phone number", "走访内容中不能有证件号码或手机号码。"),
        ("a visit note is at most 200 characters", "走访内容最多 200 个字。"),
        ("dates are written YYYY-MM-DD (got '2024/1/1')", "日期不对，请重新选择。"),
        ("something new went wrong", "未能登记，工作空间未改动。"),
    ],
)
def test_refusals_are_said_in_chinese(message, zh):
    assert V.visit_error(ChangeError(message), "zh") == zh


def test_an_unknown_refusal_keeps_its_reason_in_english():
    text = V.visit_error(ChangeError("something new went wrong"), "en")
    assert text == "Not recorded; the workspace is unchanged. (something new went wrong)"
    assert V.visit_error(ChangeError("no cadre C9"), "en") == "No cadre C9."
