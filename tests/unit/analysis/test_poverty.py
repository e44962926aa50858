"""Unit tests for analysis/poverty.py: who is registered, who remains poor, and incidence.

Every test runs twice: on the frames as literals (float years with NaN, default str text) and
in the storage dtypes the workspace hands out (nullable Int64 years, "string" text).
"""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from tests.support.paths import EXPECTED as EXPECTED_DIR
from township_atlas.analysis.poverty import (
    by_category,
    by_cause,
    monitored_mask,
    register_figures,
    register_sentence,
    registered_mask,
    remaining_mask,
    returned_mask,
    township_totals,
    village_figures,
    years_span,
)
from township_atlas.geo.schema import LAYERS
from township_atlas.geo.validate import coerce

EXPECTED = EXPECTED_DIR
WGS84 = "EPSG:4326"
V1, V2, V3, V4 = "360722102201", "360722102202", "360722102203", "360722102204"


# ----------------------------------------------------------------------------- tiny fixtures
def villages_literal() -> gpd.GeoDataFrame:
    """Four square villages near 古陂; 茶坳村 has no population filled in, 枫树村 no households."""
    return gpd.GeoDataFrame(
        {
            "code": [V1, V2, V3, V4],
            "name": ["新屋村", "李田村", "茶坳村", "枫树村"],
            "population": [100, 50, 0, 80],
            "poor_village": [True, True, False, True],
            "exit_year": [2019, None, None, 2017],
        },
        geometry=[box(115.0 + 0.05 * i, 25.30, 115.05 + 0.05 * i, 25.35) for i in range(4)],
        crs=WGS84,
    )


HOUSEHOLD_COLUMNS = [
    "household_id",
    "village_code",
    "size",
    "category",
    "cause",
    "identified_year",
    "exit_year",
    "return_year",
    "status",
    "monitor_kind",
    "monitor_year",
]
# fmt: off
HOUSEHOLD_ROWS = [
    # H1 exits in 2016 and falls back (返贫) in 2018
    ("H1", V1, 4, "一般贫困户", "01", 2014, 2016, 2018, "返贫", None, None),
    ("H2", V1, 3, "低保户", "02", 2014, None, None, "未脱贫", None, None),
    ("H3", V1, 2, "一般贫困户", "01", 2014, 2019, None, "已脱贫", None, None),
    ("H4", V2, 1, "特困供养户", "08", 2015, None, None, "未脱贫", None, None),
    # H5 is identified only in 2019 and exits in 2020
    ("H5", V2, 6, "一般贫困户", "01", 2019, 2020, None, "已脱贫", None, None),
    # H6 is monitored from 2021 (边缘易致贫户) and was never on the register: no category
    ("H6", V2, 3, None, None, None, None, None, "监测", "边缘易致贫户", 2021),
    ("H7", V3, 2, "低保户", "02", 2014, None, None, "未脱贫", None, None),
]
# fmt: on


def households_literal() -> pd.DataFrame:
    """Seven households of three villages; no 低保贫困户 among them."""
    return pd.DataFrame(HOUSEHOLD_ROWS, columns=HOUSEHOLD_COLUMNS)


@pytest.fixture(scope="module", params=["literal", "storage"])
def built(request):
    villages, households = villages_literal(), households_literal()
    if request.param == "storage":
        villages = coerce(LAYERS["villages"], villages)
        households = coerce(LAYERS["households"], households)
        assert households["exit_year"].dtype == "Int64"
        assert households["category"].dtype == "string"
    return villages, households


@pytest.fixture
def frames(built):
    """Fresh copies, so no test can change what the next one sees."""
    return built[0].copy(), built[1].copy()


def one(**fields) -> pd.DataFrame:
    """A single registered household, with the fields given overriding the defaults."""
    row = {
        "household_id": "H1",
        "village_code": V1,
        "size": 4,
        "category": "一般贫困户",
        "identified_year": 2014,
        "exit_year": None,
        "return_year": None,
        "monitor_kind": None,
        "monitor_year": None,
    }
    row.update(fields)
    return coerce(LAYERS["households"], pd.DataFrame([row]))


# ----------------------------------------------------------------------------- year semantics
@pytest.mark.parametrize(
    ("year", "poor"),
    [
        (2013, False),  # not yet identified
        (2014, True),  # identified in 2014
        (2015, True),
        (2016, False),  # exit_year 2016: not poor at the end of 2016
        (2017, False),
        (2018, True),  # fell back (返贫) in 2018
        (2022, True),  # and has not exited again
    ],
)
def test_exit_and_fall_back(year, poor):
    household = one(identified_year=2014, exit_year=2016, return_year=2018)
    assert remaining_mask(household, year).tolist() == [poor]
    assert returned_mask(household, year).tolist() == [year >= 2018]


@pytest.mark.parametrize(("year", "poor"), [(2019, True), (2020, True), (2021, False)])
def test_exit_and_fall_back_in_the_same_year_ends_it_poor(year, poor):
    # exited in 2020 and fell back in 2020: poor at the end of 2020; exited again in 2021
    assert remaining_mask(one(exit_year=2020, return_year=2020), year).tolist() == [True]
    again = one(exit_year=2021, return_year=2020)
    assert remaining_mask(again, year).tolist() == [poor]


@pytest.mark.parametrize(("year", "poor"), [(2018, False), (2019, True), (2020, False)])
def test_identified_later_than_the_year_is_not_counted(year, poor):
    # identified 2019 and exited 2020: poor only at the end of 2019
    household = one(identified_year=2019, exit_year=2020)
    assert remaining_mask(household, year).tolist() == [poor]
    assert registered_mask(household).tolist() == [True]


def test_unknown_identification_year_counts_from_the_start():
    # a register export without 识别年度: the household is on the register, so it counts
    assert remaining_mask(one(identified_year=None), 2014).tolist() == [True]


@pytest.mark.parametrize("year", range(2013, 2024))
def test_monitored_only_household_is_never_registered_nor_remaining(year):
    household = one(
        category=None, identified_year=None, monitor_kind="边缘易致贫户", monitor_year=2021
    )
    assert registered_mask(household).tolist() == [False]
    assert remaining_mask(household, year).tolist() == [False]
    assert monitored_mask(household, year).tolist() == [year >= 2021]


def test_masks_are_plain_booleans(frames):
    _, households = frames
    # seven households at the end of 2018: H1 (fell back), H2, H3 (exits 2019), H4, H7 are poor
    mask = remaining_mask(households, 2018)
    assert mask.dtype == bool
    assert mask.tolist() == [True, True, True, True, False, False, True]
    assert registered_mask(households).tolist() == [True] * 5 + [False, True]
    assert monitored_mask(households, 2021).tolist() == [False] * 5 + [True, False]


# ----------------------------------------------------------------------------- by category
def test_by_category_lists_every_category_in_register_order(frames):
    _, households = frames
    out = by_category(households, 2018)
    assert out["category"].tolist() == ["一般贫困户", "低保贫困户", "低保户", "特困供养户"]
    assert out["group"].tolist() == ["扶贫开发", "扶贫开发", "政策保障", "政策保障"]
    # registered: 一般 H1+H3+H5 = 3 hh, 4+2+6 = 12 people; 低保贫困户: none; 低保 H2+H7 = 2 hh,
    # 3+2 = 5; 特困 H4 = 1 hh, 1 person. H6 (monitored only) is on no row.
    assert out["households"].tolist() == [3, 0, 2, 1]
    assert out["persons"].tolist() == [12, 0, 5, 1]
    # remaining at the end of 2018: H5 is not identified yet (一般 loses 1 hh, 6 people)
    assert out["remaining_households"].tolist() == [2, 0, 2, 1]
    assert out["remaining_persons"].tolist() == [6, 0, 5, 1]


def test_by_category_totals_match_the_township(frames):
    villages, households = frames
    out = by_category(households, 2018)
    totals = township_totals(villages, households, 2018)
    assert out["households"].sum() == totals["registered_households"] == 6
    assert out["persons"].sum() == totals["registered_people"] == 18
    assert out["remaining_households"].sum() == totals["poor_households"] == 5
    assert out["remaining_persons"].sum() == totals["poor_people"] == 12


def test_by_category_without_a_year_has_no_remaining_columns(frames):
    _, households = frames
    out = by_category(households)
    assert list(out.columns) == ["category", "group", "households", "persons"]


def test_by_category_of_no_households_is_all_zeros(frames):
    _, households = frames
    out = by_category(households.iloc[0:0], 2018)
    assert len(out) == 4
    assert (
        out[["households", "persons", "remaining_households", "remaining_persons"]]
        .eq(0)
        .all()
        .all()
    )


def test_by_cause_most_common_first(frames):
    _, households = frames
    out = by_cause(households)
    # 01 因病: H1, H3, H5 (12 people); 02 因残: H2, H7 (5); 08 缺劳力: H4 (1)
    assert out["cause"].tolist() == ["01", "02", "08"]
    assert out["cause_zh"].tolist() == ["因病", "因残", "缺劳力"]
    assert out["households"].tolist() == [3, 2, 1]
    assert out["persons"].tolist() == [12, 5, 1]


# ----------------------------------------------------------------------------- villages
def test_village_figures_match_the_expected_table(frames):
    villages, households = frames
    expected = pd.read_csv(
        EXPECTED / "village_figures_2018.csv", comment="#", dtype={"code": str, "name": str}
    )
    out = village_figures(villages, households, 2018)
    assert list(out.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(
        out.astype({"code": object, "name": object}),
        expected,
        check_dtype=False,
        check_exact=False,
        rtol=1e-12,
    )


def test_incidence_is_poor_people_over_population(frames):
    villages, households = frames
    out = village_figures(villages, households, 2021).set_index("code")
    # end of 2021: 新屋村 H1 (4, fell back) + H2 (3) = 7 of 100; H3 exited in 2019
    assert out.at[V1, "poor_people"] == 7
    assert out.at[V1, "incidence"] == pytest.approx(0.07)
    # 李田村: H4 (1 of 50); H5 exited in 2020; H6 is monitored since 2021
    assert out.at[V2, "incidence"] == pytest.approx(0.02)
    assert out.at[V2, "monitored_households"] == 1


def test_zero_population_and_no_households_give_zero_not_nan(frames):
    villages, households = frames
    out = village_figures(villages, households, 2018).set_index("code")
    assert out.at[V3, "poor_people"] == 2  # poor people, but no population filled in
    assert out.at[V3, "incidence"] == 0.0
    # 枫树村 has 80 people but no households: every figure is zero
    assert out.loc[V4].drop(["name", "population"]).eq(0).all()
    assert out["incidence"].notna().all()
    assert (out["incidence"] != float("inf")).all()


def test_village_figures_with_no_households_at_all(frames):
    villages, households = frames
    out = village_figures(villages, households.iloc[0:0], 2018)
    assert out["code"].tolist() == [V1, V2, V3, V4]
    assert out.drop(columns=["code", "name", "population"]).eq(0).all().all()


# ----------------------------------------------------------------------------- township
def test_township_totals(frames):
    villages, households = frames
    totals = township_totals(villages, households, 2018)
    assert totals == {
        "year": 2018,
        "population": 230,  # 100 + 50 + 0 + 80
        "villages": 4,
        "registered_households": 6,  # all but the monitored-only H6
        "registered_people": 18,
        "poor_households": 5,  # H1, H2, H3, H4, H7
        "poor_people": 12,  # 4 + 3 + 2 + 1 + 2
        "incidence": pytest.approx(12 / 230),
        "returned_households": 1,  # H1
        "monitored_households": 0,  # H6 is monitored only from 2021
        "poor_villages": 3,
        "poor_villages_exited": 1,  # 枫树村 exited 2017; 新屋村 only in 2019
    }


def test_township_totals_are_plain_python_numbers(frames):
    villages, households = frames
    totals = township_totals(villages, households, 2021)
    for key, value in totals.items():
        assert type(value) in (int, float), key
    decoded = json.loads(json.dumps(totals))
    assert decoded["poor_people"] == 10  # 2021: H1 4 + H2 3 + H4 1 + H7 2
    assert decoded["monitored_households"] == 1
    assert decoded["poor_villages_exited"] == 2


def test_township_totals_with_no_population_has_zero_incidence(frames):
    villages, households = frames
    villages = villages.assign(population=0)
    assert township_totals(villages, households, 2018)["incidence"] == 0.0


# ----------------------------------------------------------------------------- years
def test_years_span_covers_every_year_column(frames):
    _, households = frames
    # identified from 2014; the last change is H6 entering monitoring in 2021
    assert years_span(households) == (2014, 2021)
    assert all(type(y) is int for y in years_span(households))


@pytest.mark.parametrize("default", [2020, 2023])
def test_years_span_of_an_empty_register_is_the_default(frames, default):
    _, households = frames
    assert years_span(households.iloc[0:0], default=default) == (default, default)


def test_register_figures_add_up(frames):
    _, households = frames
    for year in (2014, 2018, 2021, 2025):
        fig = register_figures(households, year)
        totals = township_totals(frames[0], households, year)
        assert fig["remaining_households"] == totals["poor_households"]
        assert fig["remaining_people"] == totals["poor_people"]
        assert fig["monitored_households"] == totals["monitored_households"]
        # registered by the year = exited + still poor
        assert (
            fig["registered_households"] == fig["exited_households"] + fig["remaining_households"]
        )
        assert fig["registered_people"] == fig["exited_people"] + fig["remaining_people"]
        assert all(isinstance(v, int) for v in fig.values())


def test_register_sentence_of_the_demo(demo_ws):
    fig = register_figures(demo_ws.households, 2025)
    assert register_sentence(fig).startswith(
        "建档立卡 966户 3,017人，其中已脱贫 958户 2,992人，未脱贫 8户 25人（累计返贫 8户 25人）"
    )
    assert "防返贫监测" in register_sentence(fig)
    before = register_sentence(register_figures(demo_ws.households, 2016))
    assert before == "建档立卡 966户 3,017人，其中已脱贫 228户 750人，未脱贫 738户 2,267人。"
    assert register_sentence(fig, "en").startswith(
        "Registered poor (建档立卡): 966 households, 3,017 people; exited 958 households"
    )
