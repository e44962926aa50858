"""The 帮扶 checks on a hand-counted township (year 2024, the default rules).

Households (village A = 360722102201 poor, not exited; B = …202 poor, exited 2020; C = …203):
- H1 (A, 未脱贫, 因学): cadre C1, 2 visits in 2024, an 教育 measure, planned for 2025 → no flag.
- H2 (A, 未脱贫, 因病): no cadre, 1 visit, only an 产业 measure, planned for 2023 → all four.
- H3 (B, monitored, no cause): cadre C1, 3 visits, no measure → no_measure.
- H4 (B, exited 2019): not checked. H5 (B, identified 2025): not checked in 2024.
- H6 (A, 未脱贫, 其他): paired only from 2025, visits 2023 and 2024, a cancelled measure →
  no_cadre, visits_short, no_measure.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from township_atlas.analysis import assistance
from township_atlas.geo.rules import default_rules

WGS84 = "EPSG:4326"
A, B, C = "360722102201", "360722102202", "360722102203"
RULES = default_rules().assistance


def _households() -> pd.DataFrame:
    rows = [
        # id, village, size, category, cause, identified, exit, monitor_kind, monitor_year
        ("H1", A, 4, "一般贫困户", "03", 2015, None, None, None),
        ("H2", A, 3, "一般贫困户", "01", 2015, None, None, None),
        ("H3", B, 2, None, None, None, None, "边缘易致贫户", 2022),
        ("H4", B, 5, "低保贫困户", "05", 2015, 2019, None, None),
        ("H5", B, 1, "一般贫困户", "07", 2025, None, None, None),
        ("H6", A, 2, "一般贫困户", "99", 2016, None, None, None),
    ]
    cols = ["household_id", "village_code", "size", "category", "cause", "identified_year"]
    cols += ["exit_year", "monitor_kind", "monitor_year"]
    hh = pd.DataFrame(rows, columns=cols)
    hh["return_year"] = pd.NA
    for c in ("identified_year", "exit_year", "monitor_year", "return_year"):
        hh[c] = hh[c].astype("Int64")
    return hh


def _villages() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code": [A, B, C],
            "name": ["新屋村", "李田村", "上洞村"],
            "poor_village": [True, True, False],
            "exit_year": pd.array([None, 2020, None], dtype="Int64"),
        },
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
        crs=WGS84,
    )


PAIRINGS = pd.DataFrame(
    {
        "household_id": ["H1", "H3", "H6"],
        "cadre_id": ["C1", "C1", "C2"],
        "since_year": pd.array([2016, 2022, 2025], dtype="Int64"),
    }
)
VISITS = pd.DataFrame(
    {
        "visit_id": [f"V{i}" for i in range(1, 9)],
        "household_id": ["H1", "H1", "H2", "H3", "H3", "H3", "H6", "H6"],
        "visit_date": [
            "2024-03-01",
            "2024-09-12",
            "2024-05-20",
            "2024-01-08",
            "2024-06-30",
            "2024-11-02",
            "2023-12-30",
            "2024-04-04",
        ],
        "cadre_id": ["C1", "C1", None, "C1", "C1", "C1", "C2", "C2"],
        "note": [None] * 8,
    }
)
MEASURES = pd.DataFrame(
    {
        "measure_id": ["M1", "M2", "M3", "M4"],
        "household_id": ["H1", "H2", "H6", "H4"],
        "measure_type": ["教育", "产业", "其他", "产业"],
        "year": pd.array([2023, 2024, 2024, 2017], dtype="Int64"),
        "amount": [3000.0, 2000.0, 500.0, 4000.0],
        "status": ["已完成", "实施中", "已取消", "已完成"],
    }
)
PLANS = pd.DataFrame(
    {
        "household_id": ["H1", "H2", "H4"],
        "plan_year": pd.array([2025, 2023, 2018], dtype="Int64"),
    }
)
TEAMS = pd.DataFrame(
    {
        "village_code": [A, B],
        "start_date": ["2016-01-01", "2018-03-01"],
        "team_unit": ["县农业农村局", "县教育局"],
        "first_secretary": ["甲", "乙"],
        "members": pd.array([3, 2], dtype="Int64"),
        "end_date": ["2021-12-31", None],
    }
)
PROJECTS = gpd.GeoDataFrame(
    {
        "project_id": ["P1", "P2", "P3"],
        "name": ["脐橙基地", "村道硬化", "光伏电站"],
        "village_code": [A, B, A],
        "project_type": ["产业", "基础设施", "光伏"],
        "year": pd.array([2019, 2020, 2026], dtype="Int64"),
        "budget": [60.0, 100.0, 80.0],
        "spent": [50.0, 100.0, None],
        "households": pd.array([20, 120, None], dtype="Int64"),
        "poor_households": pd.array([8, 30, None], dtype="Int64"),
        "status": ["完工", "完工", "计划"],
    },
    geometry=[Point(0.5, 0.5), Point(1.5, 0.5), Point(0.2, 0.2)],
    crs=WGS84,
)


@pytest.fixture
def checks() -> pd.DataFrame:
    return assistance.household_checks(
        _households(), PAIRINGS, VISITS, MEASURES, PLANS, 2024, RULES
    ).set_index("household_id")


def test_households_checked_are_the_poor_and_monitored_of_the_year(checks):
    assert sorted(checks.index) == ["H1", "H2", "H3", "H6"]
    assert checks["status"].to_dict() == {
        "H1": "未脱贫",
        "H2": "未脱贫",
        "H3": "监测",
        "H6": "未脱贫",
    }


def test_each_household_flag_is_the_hand_counted_one(checks):
    assert checks["flags"].to_dict() == {
        "H1": (),
        "H2": ("no_cadre", "visits_short", "no_measure", "behind_plan"),
        "H3": ("no_measure",),
        "H6": ("no_cadre", "visits_short", "no_measure"),
    }
    assert checks["visits"].to_dict() == {"H1": 2, "H2": 1, "H3": 3, "H6": 1}
    assert checks.loc["H1", "cadre_id"] == "C1" and checks.loc["H6", "cadre_id"] is None


def test_a_second_visit_clears_the_shortfall():
    more = pd.concat(
        [
            VISITS,
            pd.DataFrame(
                {"visit_id": ["V9"], "household_id": ["H2"], "visit_date": ["2024-12-01"]}
            ),
        ],
        ignore_index=True,
    )
    hh = assistance.household_checks(_households(), PAIRINGS, more, MEASURES, PLANS, 2024, RULES)
    assert not hh.set_index("household_id").loc["H2", "visits_short"]


def test_the_rules_set_visits_and_causes():
    from dataclasses import replace

    rules = replace(RULES, visits_per_year=3, cause_measures={"01": ("产业",)})
    hh = assistance.household_checks(_households(), PAIRINGS, VISITS, MEASURES, PLANS, 2024, rules)
    hh = hh.set_index("household_id")
    assert hh["visits_short"].to_dict() == {"H1": True, "H2": True, "H3": False, "H6": True}
    # 因病 answered by 产业 now; 因学 no longer listed: any measure answers it
    assert not hh.loc["H2", "no_measure"] and not hh.loc["H1", "no_measure"]


def test_villages_without_a_team_or_industry_project(checks):
    v = assistance.village_checks(
        _villages(), checks.reset_index(), TEAMS, PROJECTS, 2024, RULES
    ).set_index("code")
    assert v["flags"].to_dict() == {A: ("no_team",), B: ("few_projects",), C: ()}
    assert v.loc[A, "households_checked"] == 3 and v.loc[A, "households_flagged"] == 2
    assert v.loc[A, "no_cadre"] == 2 and v.loc[B, "no_measure"] == 1
    # the 光伏 project of 2026 does not count in 2024
    assert v.loc[A, "industry_projects"] == 1


def test_money_by_village():
    m = assistance.village_money(_villages(), _households(), PROJECTS, MEASURES, 2024)
    m = m.set_index("code")
    assert m.loc[A, "spent_wan"] == 50 and m.loc[A, "projects"] == 1
    assert m.loc[A, "measures_wan"] == pytest.approx(0.5)  # 3000 + 2000 元; cancelled not
    assert pd.isna(m.loc[A, "yuan_per_exit"])  # none exited in A
    assert m.loc[B, "exited_households"] == 1
    assert m.loc[B, "yuan_per_exit"] == pytest.approx(100 * 10_000 + 4000)
    assert m.loc[B, "households_reached"] == 120 and m.loc[C, "spent_wan"] == 0


def test_funds_table_lists_every_project_by_village():
    t = assistance.funds_table(PROJECTS, _villages())
    assert t["project_id"].tolist() == ["P1", "P3", "P2"]
    assert t["village"].tolist() == ["新屋村", "新屋村", "李田村"]
    assert t["spent_share"].tolist()[0] == pytest.approx(50 / 60, abs=1e-4)
    assert assistance.funds_table(PROJECTS, _villages(), 2020)["project_id"].tolist() == ["P2"]


def test_plan_against_actual_exits():
    t = assistance.plan_vs_actual(_households(), PLANS, range(2018, 2026))
    got = {(r.village_code, r.year): tuple(r[2:]) for r in t.itertuples(index=False)}
    assert got == {
        (B, 2018): (1, 5, 0, 0),
        (B, 2019): (0, 0, 1, 5),
        (A, 2023): (1, 3, 0, 0),
        (A, 2025): (1, 4, 0, 0),
    }


def test_villages_planned_and_exited_by_year():
    v = _villages().assign(planned_exit_year=pd.array([2019, 2019, None], dtype="Int64"))
    t = assistance.village_plan_vs_actual(v, [2019, 2020, 2021])
    assert t.values.tolist() == [[2019, 2, 0], [2020, 0, 1], [2021, 0, 0]]


def test_an_exited_poor_village_keeps_its_team_through_the_transition(checks):
    ended = TEAMS.assign(end_date=["2021-12-31", "2019-06-30"])
    v = assistance.village_checks(_villages(), checks.reset_index(), ended, PROJECTS, 2024, RULES)
    assert v.set_index("code")["flags"].to_dict() == {
        A: ("no_team",),
        B: ("no_team", "few_projects"),
        C: (),
    }
    v = assistance.village_checks(_villages(), checks.reset_index(), ended, PROJECTS, 2019, RULES)
    assert v.set_index("code").loc[B, "has_team"]
