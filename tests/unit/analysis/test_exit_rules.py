"""Unit tests for analysis/exit_rules.py: village exit, household exit and the township summary.

The fixture is six villages whose answers are worked out by hand below; every test runs on the
frames as literals and in the storage dtypes the workspace hands out (as in test_poverty.py).
"""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from tests.support.paths import EXPECTED as EXPECTED_DIR
from township_atlas.analysis.exit_rules import (
    NO_DATA,
    VILLAGE_STATUSES,
    household_checks,
    people_to_exit,
    township_exit_summary,
    village_status,
)
from township_atlas.analysis.poverty import township_totals, workspace_years
from township_atlas.geo.rules import default_rules, parse_rules
from township_atlas.geo.schema import INDICATOR_FLAGS, LAYERS
from township_atlas.geo.validate import coerce

EXPECTED = EXPECTED_DIR
WGS84 = "EPSG:4326"
V1, V2, V3, V4, V5, V6 = (f"3607221022{i:02d}" for i in range(1, 7))
RULES = default_rules()
EXEMPT_V5_BUS = parse_rules(f'[village_exit.not_required]\nbus = ["{V5}"]\n')


# ----------------------------------------------------------------------------- tiny fixtures
def villages_literal() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code": [V1, V2, V3, V4, V5, V6],
            "name": ["新屋村", "李田村", "茶坳村", "枫树村", "黎明村", "天光村"],
            "population": [500, 450, 300, 80, 200, 0],
            "poor_village": [True, True, True, False, True, False],
            "exit_year": [None, None, 2019, None, None, None],
        },
        geometry=[box(115.0 + 0.05 * i, 25.30, 115.05 + 0.05 * i, 25.35) for i in range(6)],
        crs=WGS84,
    )


HOUSEHOLD_COLUMNS = [
    "household_id",
    "village_code",
    "size",
    "category",
    "identified_year",
    "exit_year",
    "return_year",
    "status",
    "monitor_kind",
    "monitor_year",
    "dangerous_house",
    "unsafe_water",
    "income_per_capita",
]
# fmt: off
HOUSEHOLD_ROWS = [
    # 新屋村: A1 (6) and A2 (4) are poor at the end of 2020: 10 of 500 = exactly 2%
    ("A1", V1, 6, "一般贫困户", 2014, None, None, "未脱贫", None, None, False, False, 3500.0),
    # A2 exits in 2020 and falls back in 2020: poor at the end of 2020
    ("A2", V1, 4, "一般贫困户", 2014, 2020, 2020, "返贫", None, None, False, False, 4000.0),
    ("A3", V1, 5, "低保户", 2014, 2018, None, "已脱贫", None, None, True, False, 6000.0),
    # G1 is monitored and never registered: counts nowhere here
    ("G1", V1, 3, None, None, None, None, "监测", "边缘易致贫户", 2020, True, True, 2000.0),
    # 李田村: 8 + 6 = 14 of 450 poor
    ("B1", V2, 8, "一般贫困户", 2014, None, None, "未脱贫", None, None, False, False, None),
    ("B2", V2, 6, "低保户", 2014, None, None, "未脱贫", None, None, False, False, 4500.0),
    # 茶坳村: its one household exited with the village in 2019
    ("C1", V3, 3, "一般贫困户", 2014, 2019, None, "已脱贫", None, None, False, True, 5000.0),
    # 枫树村 has no households; 黎明村: 3 of 200 = 1.5%
    ("E1", V5, 3, "一般贫困户", 2014, None, None, "未脱贫", None, None, False, False, 4010.0),
    # 天光村: 2 poor people but its population is not filled in
    ("F1", V6, 2, "特困供养户", 2014, None, None, "未脱贫", None, None, False, False, 3000.0),
]
# fmt: on


def households_literal() -> pd.DataFrame:
    return pd.DataFrame(HOUSEHOLD_ROWS, columns=HOUSEHOLD_COLUMNS)


def row(code: str, year: int, unmet: tuple[str, ...] = (), **counts) -> dict:
    """One indicator row: every flag met except those in ``unmet``; no gaps in the counts."""
    out = {"village_code": code, "year": year}
    out.update({flag: flag not in unmet for flag in INDICATOR_FLAGS})
    out.update({"dangerous_houses": 0, "unsafe_water_households": 0, "collective_income": 6.0})
    out.update(counts)
    return out


def indicators_literal() -> pd.DataFrame:
    """枫树村 has no row at all; 茶坳村 has a dangerous house again in 2020."""
    return pd.DataFrame(
        [
            row(V1, 2020),
            row(V2, 2020, unmet=("bus",), dangerous_houses=2, collective_income=3.2),
            row(V3, 2019),
            row(V3, 2020, dangerous_houses=1),
            row(V5, 2020, unmet=("bus",)),
            row(V6, 2020),
        ]
    )


@pytest.fixture(scope="module", params=["literal", "storage"])
def built(request):
    frames = villages_literal(), households_literal(), indicators_literal()
    if request.param == "storage":
        frames = tuple(
            coerce(LAYERS[name], f)
            for name, f in zip(("villages", "households", "indicators"), frames, strict=True)
        )
        assert frames[1]["exit_year"].dtype == "Int64"
    return frames


@pytest.fixture
def frames(built):
    """Fresh copies, so no test can change what the next one sees."""
    return tuple(f.copy() for f in built)


def status_of(frames, year: int = 2020, rules=RULES) -> pd.DataFrame:
    return village_status(*frames, year, rules).set_index("code")


def criteria(unmet) -> list[str]:
    return [c.criterion for c in unmet]


# ----------------------------------------------------------------------------- people to exit
@pytest.mark.parametrize(
    ("poor", "population", "max_incidence", "need"),
    [
        # 10 / 500 is exactly 2%, not below: one must exit (9 / 500 = 1.8%)
        (10, 500, 0.02, 1),
        # 14 / 450 = 3.11%; below 2% means fewer than 0.02 × 450 = 9 poor, so at most 8: 6 exit
        (14, 450, 0.02, 6),
        (9, 450, 0.02, 1),  # exactly 2% again
        (8, 450, 0.02, 0),  # 1.78%
        (11, 520, 0.02, 1),  # limit 10.4: 10 / 520 = 1.92% is below
        (10, 520, 0.02, 0),
        (14, 450, 0.03, 1),  # west: limit 13.5, so 13 / 450 = 2.89%
        (0, 0, 0.02, 0),  # nobody poor: met whatever the population
        (3, 0, 0.02, 3),  # population unknown: only "all exit" is sure to pass
        (5, 100, 0.0, 5),  # a zero threshold: every poor person must exit
    ],
)
def test_people_to_exit(poor, population, max_incidence, need):
    assert people_to_exit(poor, population, max_incidence) == need


# ----------------------------------------------------------------------------- villages
def test_village_status_matches_the_expected_table(frames):
    expected = pd.read_csv(EXPECTED / "exit_village_status_2020.csv", comment="#", dtype=str)
    out = village_status(*frames, 2020, RULES)
    assert out["code"].tolist() == [V1, V2, V3, V4, V5, V6]  # the villages' order
    got = pd.DataFrame(
        {
            "code": out["code"],
            "name": out["name"],
            "status": out["status"],
            "meets_rules": out["meets_rules"].map(str),
            "poor_people": out["poor_people"].map(str),
            "population": out["population"].map(str),
            "people_to_exit": out["people_to_exit"].map(str),
            "unmet": out["unmet"].map(lambda u: " ".join(criteria(u))).fillna(""),
        }
    )
    pd.testing.assert_frame_equal(got, expected.fillna(""), check_dtype=False)
    assert set(out["status"]) <= set(VILLAGE_STATUSES)


def test_exactly_two_percent_is_not_below(frames):
    v1 = status_of(frames).loc[V1]
    assert v1["incidence"] == pytest.approx(0.02)
    assert (v1["poor_people"], v1["people_to_exit"]) == (10, 1)
    (incidence,) = v1["unmet"]
    assert (incidence.criterion, incidence.threshold, incidence.met) == ("incidence", 0.02, False)
    assert incidence.text_zh == "贫困发生率 2.00% ≥ 2%"
    assert v1["gap_to_exit_zh"] == "贫困发生率 2.00% → 低于 2%：还需 1 人脱贫"
    assert v1["gap_to_exit_en"] == "incidence 2.00% → below 2%: 1 more person must exit"
    assert not v1["meets_rules"] and v1["status"] == "poor_not_exited"


def test_unmet_texts_and_gap_name_the_numbers(frames):
    v2 = status_of(frames).loc[V2]
    assert [c.text_zh for c in v2["unmet"]] == [
        "贫困发生率 3.11% ≥ 2%",
        "未通客运班车",
        "危房 2 户 > 0 户",
        "村集体经济收入 3.2 万元 < 5 万元",
    ]
    assert [c.text_en for c in v2["unmet"]] == [
        "poverty incidence 3.11% ≥ 2%",
        "no bus service",
        "2 dangerous houses > 0",
        "collective income 32,000 yuan < 50,000 yuan",
    ]
    assert [(c.value, c.threshold) for c in v2["unmet"]][1:] == [
        (False, True),
        (2, 0),
        (3.2, 5.0),
    ]
    assert v2["gap_to_exit_zh"] == (
        "贫困发生率 3.11% → 低于 2%：还需 6 人脱贫；需补齐：通客运班车；"
        "2 户危房需改造；村集体经济收入需增加 1.8 万元"
    )
    assert v2["gap_to_exit_en"] == (
        "incidence 3.11% → below 2%: 6 more people must exit; needed: bus service; "
        "2 dangerous houses to renovate; collective income up by 18,000 yuan"
    )


def test_same_year_exit_and_fall_back_counts_as_poor(frames):
    # A2 exited in 2020 and fell back in 2020: without it 新屋村 would have 6 poor (1.2%)
    assert status_of(frames).loc[V1, "poor_people"] == 10
    checks = household_checks(frames[1], 2020, RULES).set_index("household_id")
    assert checks.loc["A2", "remaining"]
    assert not checks.loc["A2", "exited_but_failing"]  # 返贫, not 已脱贫


def test_village_without_households_has_incidence_zero(frames):
    v4 = status_of(frames).loc[V4]
    assert (v4["poor_people"], v4["poor_households"], v4["incidence"]) == (0, 0, 0.0)
    assert v4["people_to_exit"] == 0
    assert "incidence" not in criteria(v4["unmet"])


def test_village_without_indicator_row_has_no_data(frames):
    v4 = status_of(frames).loc[V4]
    expected = [*INDICATOR_FLAGS, "dangerous_houses", "unsafe_water_households"]
    assert criteria(v4["unmet"]) == [*expected, "collective_income"]
    assert all(c.value == NO_DATA and not c.met for c in v4["unmet"])
    assert v4["unmet"][1].text_zh == "通客运班车：无指标数据"
    assert v4["unmet"][1].text_en == "bus service: no indicator data"
    assert v4["gap_to_exit_zh"] == "无指标数据：需补录村级指标"
    assert pd.isna(v4["indicators_year"])
    # not a poor village: checked all the same, for the monitors
    assert v4["status"] == "not_poor_village" and not v4["meets_rules"]


def test_population_not_filled_in_is_no_data(frames):
    v6 = status_of(frames).loc[V6]
    (incidence,) = v6["unmet"]
    assert (incidence.criterion, incidence.value) == ("incidence", NO_DATA)
    assert v6["people_to_exit"] == 2
    assert v6["gap_to_exit_zh"] == "填写户籍人口"


def test_not_required_exempts_only_the_listed_village(frames):
    assert criteria(status_of(frames).loc[V5, "unmet"]) == ["bus"]
    out = status_of(frames, rules=EXEMPT_V5_BUS)
    assert out.loc[V5, "meets_rules"] and out.loc[V5, "unmet"] == ()
    assert out.loc[V5, "status"] == "poor_not_exited"  # ready to apply for exit
    assert out.loc[V5, "gap_to_exit_zh"] == out.loc[V5, "gap_to_exit_en"] == ""
    assert "bus" in criteria(out.loc[V2, "unmet"])  # 李田村 still needs its bus


def test_a_requirement_left_out_is_not_checked(frames):
    required = [f for f in INDICATOR_FLAGS if f != "bus"]
    rules = parse_rules(f"[village_exit]\nrequired = {json.dumps(required)}\n")
    assert status_of(frames, rules=rules).loc[V5, "meets_rules"]


def test_exited_village_now_failing_a_rule(frames):
    assert status_of(frames, 2019).loc[V3, "status"] == "exited"
    v3 = status_of(frames, 2020).loc[V3]
    assert v3["status"] == "exited_failing"
    assert criteria(v3["unmet"]) == ["dangerous_houses"]
    assert v3["gap_to_exit_en"] == "1 dangerous house to renovate"
    # 2021 has no row of its own: the 2020 row is in force
    later = status_of(frames, 2021).loc[V3]
    assert (later["status"], later["indicators_year"]) == ("exited_failing", 2020)


def test_before_any_indicator_row_every_village_has_no_data(frames):
    out = status_of(frames, 2018)
    assert out["indicators_year"].isna().all()
    assert not out["meets_rules"].any()


# ----------------------------------------------------------------------------- households
def test_household_checks(frames):
    out = household_checks(frames[1], 2020, RULES)
    assert out["household_id"].tolist() == ["A1", "A2", "A3", "B1", "B2", "C1", "E1", "F1"]
    out = out.set_index("household_id")
    assert (out["line"] == 4000).all()
    # income must be strictly above the line; a missing income is not ok
    assert out["income_ok"].to_dict() == {
        "A1": False,
        "A2": False,  # exactly 4,000
        "A3": True,
        "B1": False,  # missing
        "B2": True,
        "C1": True,
        "E1": True,  # 4,010
        "F1": False,
    }
    assert out.loc["B1", "reasons_zh"] == "人均纯收入未填写"
    assert out.loc["A1", "reasons_zh"] == "人均纯收入 3,500 元 ≤ 扶贫标准 4,000 元"
    assert out.loc["A2", "reasons_en"] == "income per person 4,000 yuan ≤ poverty line 4,000 yuan"
    # exited households that fail now: A3 (dangerous house), C1 (unsafe water)
    assert out.index[out["exited_but_failing"]].tolist() == ["A3", "C1"]
    assert out.loc["A3", "reasons_zh"] == "住房为危房"
    assert out.loc["C1", "reasons_en"] == "no safe drinking water"
    # still poor and meeting every check
    assert out.index[out["ready_to_exit"]].tolist() == ["B2", "E1"]
    assert out.loc["B2", "reasons_zh"] == ""


def test_household_checks_switched_off(frames):
    rules = parse_rules("[household_exit]\nsafe_house = false\nincome_above_line = false\n")
    out = household_checks(frames[1], 2020, rules).set_index("household_id")
    assert out.loc["A3", "meets"] and not out.loc["A3", "house_ok"]  # shown, not required
    assert out.loc["B1", "meets"] and out.loc["B1", "reasons_zh"] == ""
    assert out.index[out["exited_but_failing"]].tolist() == ["C1"]


def test_household_line_follows_the_year(frames):
    out = household_checks(frames[1], 2019, RULES).set_index("household_id")
    assert (out["line"] == 3218).all()
    assert out.loc["A1", "income_ok"]  # 3,500 is above 2019's 3,218
    # A2 exits only in 2020: at the end of 2019 it is still poor, not exited
    assert out.loc["A2", "remaining"] and out.loc["A2", "ready_to_exit"]
    # C1 exits in 2019 and A3 in 2018: both exited by 2019
    assert out.index[out["exited_but_failing"]].tolist() == ["A3", "C1"]


# ----------------------------------------------------------------------------- 三保障
def with_counts(households: pd.DataFrame, **columns: dict[str, float]) -> pd.DataFrame:
    """``households`` with 三保障 count columns: household id -> count, missing elsewhere."""
    out = households.copy()
    for column, values in columns.items():
        out[column] = [values.get(h, None) for h in out["household_id"]]
        out[column] = pd.to_numeric(out[column]).astype("Int64")
    return out


def test_a_child_out_of_school_is_not_ready_to_exit(frames):
    # B2 has a 14-year-old who dropped out (失学辍学): its income and house are fine, but
    # compulsory education is not guaranteed; E1 recorded none out of school
    households = with_counts(frames[1], out_of_school={"B2": 1, "E1": 0})
    out = household_checks(households, 2020, RULES).set_index("household_id")
    assert out.loc["B2", "income_ok"] and out.loc["B2", "house_ok"]
    assert not out.loc["B2", "education_ok"]
    assert not out.loc["B2", "meets"] and not out.loc["B2", "ready_to_exit"]
    assert out.loc["B2", "reasons_zh"] == "义务教育阶段失学辍学 1 人"
    assert out.loc["B2", "reasons_en"] == "1 child of compulsory-school age out of school"
    assert out.index[out["ready_to_exit"]].tolist() == ["E1"]
    summary = township_exit_summary(frames[0], households, frames[2], 2020, RULES)
    assert summary["households_ready_to_exit"] == 1
    assert summary["households_not_recorded"] == {"education": 6, "medical_insurance": 8}


def test_a_member_without_medical_insurance_is_not_ready_to_exit(frames):
    households = with_counts(frames[1], no_medical_insurance={"E1": 2, "B2": 0})
    out = household_checks(households, 2020, RULES).set_index("household_id")
    assert not out.loc["E1", "ready_to_exit"] and out.loc["B2", "ready_to_exit"]
    assert out.loc["E1", "reasons_zh"] == "未参加基本医疗保险 2 人"
    assert out.loc["E1", "reasons_en"] == "2 members without basic medical insurance"
    # an exited household failing it is counted as exited but failing
    households = with_counts(frames[1], no_medical_insurance={"C1": 1})
    out = household_checks(households, 2019, RULES).set_index("household_id")
    assert out.loc["C1", "exited_but_failing"]


def test_no_record_is_judged_on_the_rest_with_a_note(frames):
    households = with_counts(frames[1], out_of_school={"B2": 0})
    out = household_checks(households, 2020, RULES).set_index("household_id")
    # E1 has no school record: not a failure, judged on income, house and water
    assert pd.isna(out.loc["E1", "education_ok"]) and pd.isna(out.loc["E1", "insurance_ok"])
    assert out.loc["E1", "meets"] and out.loc["E1", "ready_to_exit"]
    assert out.loc["E1", "reasons_zh"] == ""
    assert out.loc["E1", "notes_zh"] == (
        "义务教育（失学辍学）未登记，未核查；基本医疗保险参保未登记，未核查"
    )
    assert out.loc["E1", "notes_en"] == (
        "compulsory education (out of school) not recorded: not checked; "
        "basic medical insurance not recorded: not checked"
    )
    assert out.loc["B2", "notes_zh"] == "基本医疗保险参保未登记，未核查"
    # the frame without the columns at all (an older workspace) reads the same
    plain = household_checks(frames[1], 2020, RULES).set_index("household_id")
    assert plain.loc["E1", "notes_zh"] == out.loc["E1", "notes_zh"]


def test_three_guarantees_switched_off(frames):
    households = with_counts(frames[1], out_of_school={"B2": 1}, no_medical_insurance={"E1": 1})
    rules = parse_rules(
        "[household_exit]\ncompulsory_education = false\nmedical_insurance = false\n"
    )
    out = household_checks(households, 2020, rules).set_index("household_id")
    assert out.index[out["ready_to_exit"]].tolist() == ["B2", "E1"]
    assert (out["notes_zh"] == "").all()
    summary = township_exit_summary(frames[0], households, frames[2], 2020, rules)
    assert summary["households_not_recorded"] == {"education": 0, "medical_insurance": 0}


# ----------------------------------------------------------------------------- past incomes
def income_history(*changes: tuple[str, str, object, object]) -> pd.DataFrame:
    """History rows of income changes: (household, changed_at, old, new)."""
    return pd.DataFrame(
        [
            {
                "change_id": f"C{i:05d}",
                "changed_at": at,
                "recorded_at": at,
                "kind": "household",
                "layer": "households",
                "record_key": hh,
                "field": "income_per_capita",
                "old_value": None if old is None else str(old),
                "new_value": None if new is None else str(new),
                "note": None,
                "reverts": None,
            }
            for i, (hh, at, old, new) in enumerate(changes, start=1)
        ]
    )


def test_a_past_exit_is_judged_on_the_income_of_its_year(frames):
    # C1 exited in 2019; its income was 3,100 until a change in 2021 made it 5,000 (today's)
    history = income_history(("C1", "2021-03-01", 3100, 5000), ("A3", "2019-06-01", 3000, 6000))
    out = household_checks(frames[1], 2020, RULES, history).set_index("household_id")
    assert (out.loc["C1", "income_year"], out.loc["C1", "line"]) == (2019, 3218)
    assert out.loc["C1", "income_per_capita"] == 3100 and not out.loc["C1", "income_ok"]
    assert out.loc["C1", "reasons_zh"].startswith("2019 年人均纯收入 3,100 元 ≤ 扶贫标准 3,218 元")
    # A3 exited in 2018 at 3,000 > 2018's 2,995 (its house is what fails)
    assert (out.loc["A3", "income_year"], out.loc["A3", "line"]) == (2018, 2995)
    assert out.loc["A3", "income_ok"] and out.loc["A3", "reasons_zh"] == "住房为危房"
    # households still poor are judged on the register's income against the year's line
    assert (out.loc["E1", "income_year"], out.loc["E1", "line"]) == (2020, 4000)
    assert out.loc["C1", "income_from_history"] and not out.loc["E1", "income_from_history"]
    # the scorecard says which income it judged
    from township_atlas.analysis.exit_rules import household_scorecard

    card = household_scorecard(frames[1], "C1", 2020, RULES, history)
    assert [c["check"] for c in card] == ["income", "house", "water", "education", "insurance"]
    assert card[0]["ok"] is False
    assert card[0]["value_zh"] == "2019 年 3,100 元 / 当年扶贫标准 3,218 元"
    assert card[3]["ok"] is None and card[3]["value_zh"] == "未登记"
    card = household_scorecard(frames[1], "E1", 2023, RULES, history)
    assert card[0]["value_zh"] == "登记 4,010 元 / 2020 年扶贫标准 4,000 元"
    assert household_scorecard(frames[1], "G1", 2023, RULES) == []  # not on the register
    # without the history: today's income against the year's line
    plain = household_checks(frames[1], 2020, RULES).set_index("household_id")
    assert plain.loc["C1", "income_ok"] and plain.loc["C1", "income_year"] == 2020


def test_an_income_first_entered_later_is_not_the_income_of_the_exit_year(frames):
    # the record (and its income) came with an import in 2023: 2019's income is not known
    history = income_history(("C1", "2023-05-01", None, 5000))
    out = household_checks(frames[1], 2020, RULES, history).set_index("household_id")
    assert out.loc["C1", "income_year"] == 2020 and out.loc["C1", "income_ok"]
    # an income change at or before the exit year: the register's income is that year's
    history = income_history(("C1", "2019-04-01", 3000, 5000))
    out = household_checks(frames[1], 2020, RULES, history).set_index("household_id")
    assert (out.loc["C1", "income_year"], out.loc["C1", "income_per_capita"]) == (2019, 5000)


def test_monitoring_line_after_2020(frames):
    out = household_checks(frames[1], 2021, RULES).set_index("household_id")
    assert (out["line"] == 4000).all()  # the exit check keeps 2020's poverty line
    assert (out["monitoring_line"] == 6000).all()
    # at or below 6,000: A3 (6,000) and C1 (5,000) among the exited
    assert out.loc["A3", "below_monitoring_line"] and out.loc["C1", "below_monitoring_line"]
    assert pd.isna(out.loc["B1", "below_monitoring_line"])  # income missing
    summary = township_exit_summary(*frames, 2021, RULES)
    assert summary["monitoring_line"] == 6000.0
    assert summary["households_below_monitoring_line"] == 2


# ----------------------------------------------------------------------------- summary
SUMMARY_KEYS = [
    "year",
    "poverty_line",
    "max_incidence",
    "population",
    "poor_households",
    "poor_people",
    "incidence",
    "villages_total",
    "poor_villages",
    "poor_villages_exited",
    "exited_failing",
    "ready_to_exit",
    "households_exited_failing",
    "households_ready_to_exit",
    "households_not_recorded",
    "monitoring_line",
    "households_below_monitoring_line",
    "villages",
]
VILLAGE_KEYS = [
    "code",
    "name",
    "poor_village",
    "exit_year",
    "status",
    "meets_rules",
    "population",
    "poor_people",
    "incidence",
    "people_to_exit",
    "indicators_year",
    "unmet",
    "gap_to_exit_zh",
    "gap_to_exit_en",
]


def test_summary_is_complete_and_json_ready(frames):
    summary = township_exit_summary(*frames, 2020, RULES)
    assert list(summary) == SUMMARY_KEYS
    assert all(list(v) == VILLAGE_KEYS for v in summary["villages"])
    assert json.loads(json.dumps(summary, ensure_ascii=False)) == summary
    assert {k: summary[k] for k in SUMMARY_KEYS[:3]} == {
        "year": 2020,
        "poverty_line": 4000.0,
        "max_incidence": 0.02,
    }
    # poor at the end of 2020: A1 A2 B1 B2 E1 F1 = 6 households, 6+4+8+6+3+2 = 29 people
    assert (summary["poor_households"], summary["poor_people"]) == (6, 29)
    assert summary["population"] == 1530
    assert summary["villages_total"] == 6
    assert summary["poor_villages"] == 4
    assert summary["poor_villages_exited"] == summary["exited_failing"] == 1  # 茶坳村
    assert summary["ready_to_exit"] == 0
    assert summary["households_exited_failing"] == 2
    assert summary["households_ready_to_exit"] == 2
    # the fixture records no 三保障 counts: none of the 8 registered households was checked
    assert summary["households_not_recorded"] == {"education": 8, "medical_insurance": 8}
    assert summary["monitoring_line"] is None  # monitoring began in 2021
    assert summary["households_below_monitoring_line"] is None
    v2 = summary["villages"][1]
    assert v2["unmet"][3] == {
        "criterion": "collective_income",
        "value": 3.2,
        "threshold": 5.0,
        "text_zh": "村集体经济收入 3.2 万元 < 5 万元",
        "text_en": "collective income 32,000 yuan < 50,000 yuan",
    }
    assert summary["villages"][2]["exit_year"] == 2019
    assert summary["villages"][3]["unmet"][0]["value"] == NO_DATA


def test_summary_counts_villages_ready_to_exit(frames):
    summary = township_exit_summary(*frames, 2020, EXEMPT_V5_BUS)
    assert summary["ready_to_exit"] == 1  # 黎明村


def test_summary_agrees_with_township_totals(frames):
    villages, households, indicators = frames
    for year in (2019, 2020):
        summary = township_exit_summary(villages, households, indicators, year, RULES)
        totals = township_totals(villages, households, year)
        for key in ("population", "poor_households", "poor_people", "incidence"):
            assert summary[key] == totals[key]
        assert summary["poor_villages"] == totals["poor_villages"]
        assert summary["poor_villages_exited"] == totals["poor_villages_exited"]


# ----------------------------------------------------------------------------- demo
def test_demo_runs_end_to_end_and_agrees_with_township_totals(demo_ws):
    villages, households, indicators = demo_ws.villages, demo_ws.households, demo_ws["indicators"]
    last = workspace_years(households, indicators)[1]
    for year in (2016, 2019, last):
        summary = township_exit_summary(villages, households, indicators, year, RULES)
        json.dumps(summary, ensure_ascii=False)
        totals = township_totals(villages, households, year)
        for key in ("population", "poor_households", "poor_people", "incidence"):
            assert summary[key] == totals[key], (year, key)
        assert summary["villages_total"] == totals["villages"] == len(villages)
        assert summary["poor_villages"] == totals["poor_villages"]
        assert summary["poor_villages_exited"] == totals["poor_villages_exited"]
        assert sum(v["poor_people"] for v in summary["villages"]) == summary["poor_people"]
        statuses = [v["status"] for v in summary["villages"]]
        assert statuses.count("not_poor_village") == len(villages) - summary["poor_villages"]
        for v in summary["villages"]:
            assert v["meets_rules"] == (v["unmet"] == [])
            assert v["meets_rules"] == (v["gap_to_exit_zh"] == "")


def test_demo_zhongkeng_exited_without_a_bus(demo_ws):
    # the demo's 中坑村 exited in 2019 and never got a bus service: exempting it (通客运班车
    # "where conditions allow") is what not_required is for
    frames = demo_ws.villages, demo_ws.households, demo_ws["indicators"]
    zhongkeng = "360722102210"
    out = village_status(*frames, 2025, RULES).set_index("code")
    assert out.loc[zhongkeng, "status"] == "exited_failing"
    assert criteria(out.loc[zhongkeng, "unmet"]) == ["bus"]
    exempt = parse_rules(f'[village_exit.not_required]\nbus = ["{zhongkeng}"]\n')
    assert village_status(*frames, 2025, exempt).set_index("code").loc[zhongkeng, "status"] == (
        "exited"
    )


def test_empty_register_and_indicator_table(frames):
    from township_atlas.geo.workspace import empty_frame

    households, indicators = empty_frame(LAYERS["households"]), empty_frame(LAYERS["indicators"])
    assert household_checks(households, 2020, RULES).empty
    summary = township_exit_summary(frames[0], households, indicators, 2020, RULES)
    assert summary["poor_people"] == summary["households_ready_to_exit"] == 0
    assert all(v["gap_to_exit_zh"] == "无指标数据：需补录村级指标" for v in summary["villages"])


def test_village_criteria_list_met_and_unmet_in_order(demo_ws):
    from township_atlas.analysis.exit_rules import village_criteria, village_status
    from township_atlas.geo.rules import default_rules

    rules = default_rules()
    status = village_status(
        demo_ws.villages, demo_ws.households, demo_ws["indicators"], 2016, rules
    )
    for r in status.itertuples():
        card = village_criteria(
            demo_ws.villages, demo_ws.households, demo_ws["indicators"], 2016, rules, r.code
        )
        assert card[0].criterion == "incidence"
        assert [c for c in card if not c.met] == list(r.unmet)
        assert len(card) == 1 + len(rules.village_exit.required) + 3
