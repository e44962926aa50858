"""Unit tests for analysis/gaps.py: what each village lacks, from its latest indicator row."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tests.support.paths import EXPECTED as EXPECTED_DIR
from township_atlas.analysis.gaps import (
    SCORE_COMPONENTS,
    gap_scores,
    indicators_at,
    village_gaps,
    worst_gaps,
)
from township_atlas.geo.schema import INDICATOR_FLAGS, LAYERS
from township_atlas.geo.validate import coerce

EXPECTED = EXPECTED_DIR
V1, V2, V3, V4 = "360722102201", "360722102202", "360722102203", "360722102204"
#: [gap_score.weights] of geo/default_rules.toml, written out so the tests need no loader.
WEIGHTS = {
    "road_hardened": 3.0,
    "bus": 1.0,
    "safe_water": 3.0,
    "power": 3.0,
    "radio_tv": 1.0,
    "broadband": 1.0,
    "clinic": 2.0,
    "doctor": 2.0,
    "activity_centre": 1.0,
    "dangerous_houses": 0.5,
    "unsafe_water_households": 0.5,
    "collective_income": 1.0,
}
MIN_INCOME = 5.0
SCORE_COLUMNS = ["village_code", "year", *SCORE_COMPONENTS, "score", "rank"]
GAP_COLUMNS = [
    "village_code",
    "year",
    "missing",
    "dangerous_houses",
    "unsafe_water_households",
    "collective_income",
    "gap_count",
]


def row(code: str, year: int, unmet: tuple[str, ...] = (), **counts) -> dict:
    """One indicator row: every flag met except those in ``unmet``."""
    out = {"village_code": code, "year": year}
    out.update({flag: flag not in unmet for flag in INDICATOR_FLAGS})
    out.update({"dangerous_houses": 0, "unsafe_water_households": 0, "collective_income": 5.0})
    out.update(counts)
    return out


def indicators_literal() -> pd.DataFrame:
    """新屋村 in 2017 and 2019, 李田村 in 2018, 茶坳村 only from 2020; 枫树村 has no rows.

    Rows are deliberately not in year order.
    """
    return pd.DataFrame(
        [
            row(V1, 2019, unmet=("broadband",), collective_income=8.0),
            # clinic before bus in the row on purpose: the result follows the schema's order
            row(V2, 2018, unmet=("clinic", "bus"), dangerous_houses=3, collective_income=1.5),
            row(
                V1,
                2017,
                unmet=("doctor", "road_hardened", "safe_water"),
                dangerous_houses=5,
                unsafe_water_households=12,
                collective_income=0.0,
            ),
            row(V3, 2020, unmet=("activity_centre",), unsafe_water_households=4),
        ]
    )


@pytest.fixture(scope="module", params=["literal", "storage"])
def built(request):
    frame = indicators_literal()
    if request.param == "storage":  # nullable Int64 years and counts, "string" codes
        frame = coerce(LAYERS["indicators"], frame)
    return frame


@pytest.fixture
def indicators(built):
    return built.copy()


# ----------------------------------------------------------------------------- indicators_at
@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2016, {}),  # nothing recorded yet
        (2017, {V1: 2017}),
        (2018, {V1: 2017, V2: 2018}),  # 新屋村 keeps its 2017 row until 2019
        (2019, {V1: 2019, V2: 2018}),  # 2019 replaces 2017; 李田村 keeps 2018
        (2025, {V1: 2019, V2: 2018, V3: 2020}),
    ],
)
def test_indicators_at_takes_the_latest_row_at_or_before_the_year(indicators, year, expected):
    out = indicators_at(indicators, year)
    assert dict(zip(out["village_code"], out["year"], strict=True)) == expected
    assert out["village_code"].is_unique


def test_indicators_at_keeps_the_row_values(indicators):
    out = indicators_at(indicators, 2019).set_index("village_code")
    assert out.at[V1, "collective_income"] == 8.0
    assert not out.at[V1, "broadband"]
    assert out.at[V2, "dangerous_houses"] == 3
    assert list(out.reset_index().columns) == list(indicators.columns)


# ----------------------------------------------------------------------------- village_gaps
def test_village_gaps_lists_unmet_flags_in_schema_order(indicators):
    out = village_gaps(indicators, 2018).set_index("village_code")
    # schema order: road_hardened, bus, safe_water, power, radio_tv, broadband, clinic, doctor, …
    assert out.at[V1, "missing"] == ("road_hardened", "safe_water", "doctor")
    assert out.at[V2, "missing"] == ("bus", "clinic")
    assert out.at[V1, "year"] == 2017


@pytest.mark.parametrize(
    ("year", "code", "gap_count"),
    [
        # 2017 row of 新屋村: 3 unmet flags + dangerous houses (5) + unsafe water (12) = 5
        (2018, V1, 5),
        # 李田村: bus and clinic unmet + 3 dangerous houses = 3
        (2018, V2, 3),
        # 2019 row of 新屋村: only broadband is unmet = 1
        (2019, V1, 1),
        # 茶坳村 2020: activity centre + 4 households without safe water = 2
        (2020, V3, 2),
    ],
)
def test_gap_count_adds_dangerous_houses_and_unsafe_water(indicators, year, code, gap_count):
    out = village_gaps(indicators, year).set_index("village_code")
    assert out.at[code, "gap_count"] == gap_count


def test_village_gaps_carries_counts_and_income(indicators):
    out = village_gaps(indicators, 2018).set_index("village_code")
    assert out.at[V1, "dangerous_houses"] == 5
    assert out.at[V1, "unsafe_water_households"] == 12
    assert out.at[V1, "collective_income"] == 0.0
    assert out.at[V2, "collective_income"] == 1.5
    assert out["gap_count"].dtype.kind == "i"


def test_village_with_no_indicator_rows_is_absent(indicators):
    out = village_gaps(indicators, 2025)
    assert sorted(out["village_code"]) == [V1, V2, V3]  # 枫树村 (V4) never reported
    assert V4 not in set(out["village_code"])
    assert list(out.columns) == GAP_COLUMNS


def test_village_meeting_everything_has_no_gaps():
    out = village_gaps(pd.DataFrame([row(V4, 2020)]), 2020)
    assert out["missing"].tolist() == [()]
    assert out["gap_count"].tolist() == [0]


def test_unknown_flag_counts_as_a_gap():
    # a flag nobody filled in is not taken as met
    frame = pd.DataFrame([row(V4, 2020)]).astype({"bus": object})
    frame.loc[0, "bus"] = None
    out = village_gaps(frame, 2020)
    assert out["missing"].tolist() == [("bus",)]
    assert out["gap_count"].tolist() == [1]


@pytest.mark.parametrize("year", [2010, 2016])
def test_empty_result_has_the_documented_columns(indicators, year):
    out = village_gaps(indicators, year)
    assert len(out) == 0
    assert list(out.columns) == GAP_COLUMNS


def test_no_indicator_rows_at_all(indicators):
    out = village_gaps(indicators.iloc[0:0], 2020)
    assert len(out) == 0
    assert list(out.columns) == GAP_COLUMNS


# ----------------------------------------------------------------------------- gap_scores
def test_gap_scores_match_the_expected_table(indicators):
    expected = pd.read_csv(EXPECTED / "gaps_scores_2018.csv", comment="#", dtype={0: str})
    out = gap_scores(indicators, 2018, WEIGHTS, MIN_INCOME)
    assert list(out.columns) == list(expected.columns) == SCORE_COLUMNS
    pd.testing.assert_frame_equal(
        out.astype({"village_code": object}),
        expected.astype({"village_code": object}),
        check_dtype=False,
    )


def test_gap_scores_count_households_and_income_at_its_minimum(indicators):
    out = gap_scores(indicators, 2025, WEIGHTS, MIN_INCOME).set_index("village_code")
    # 茶坳村 2020: activity centre 1 + 4 households without safe water × 0.5 = 2; its income is
    # exactly the minimum (5.0), which is not below it: 3.0
    assert out.at[V3, "unsafe_water_households"] == 2.0
    assert out.at[V3, "collective_income"] == 0.0
    assert out.at[V3, "score"] == 3.0
    # 新屋村 2019: broadband 1, income 8.0: 1.0; 李田村 keeps its 2018 row: 5.5
    assert out.at[V1, "score"] == 1.0
    assert out.at[V2, "score"] == 5.5
    assert out["rank"].to_dict() == {V2: 1, V3: 2, V1: 3}
    assert out["year"].to_dict() == {V2: 2018, V3: 2020, V1: 2019}


def test_score_is_the_sum_of_the_components(indicators):
    out = gap_scores(indicators, 2025, WEIGHTS, MIN_INCOME)
    np.testing.assert_allclose(out[list(SCORE_COMPONENTS)].sum(axis=1), out["score"])


def test_missing_values_count_as_unmet():
    frame = pd.DataFrame([row(V4, 2020)]).astype(
        {"bus": object, "dangerous_houses": object, "collective_income": object}
    )
    frame.loc[0, ["bus", "dangerous_houses", "collective_income"]] = None
    for form in (frame, coerce(LAYERS["indicators"], frame)):
        out = gap_scores(form, 2020, WEIGHTS, MIN_INCOME)
        # bus 1 + an unknown number of dangerous houses counted as one (0.5) + income 1 = 2.5
        assert out.loc[0, ["bus", "dangerous_houses", "collective_income"]].tolist() == [
            1.0,
            0.5,
            1.0,
        ]
        assert out["score"].tolist() == [2.5]


def test_absent_indicator_column_counts_as_unmet():
    frame = pd.DataFrame([row(V4, 2020)]).drop(columns=["doctor", "collective_income"])
    out = gap_scores(frame, 2020, WEIGHTS, MIN_INCOME)
    assert out["score"].tolist() == [2.0 + 1.0]  # doctor + income


def test_equal_scores_are_ranked_by_village_code():
    # four villages lacking only a bus, given in reverse code order, in two row orders
    codes = [V4, V3, V2, V1]
    frame = pd.DataFrame([row(c, 2020, unmet=("bus",)) for c in codes])
    for form in (frame, frame.iloc[[2, 0, 3, 1]]):
        out = gap_scores(form, 2020, WEIGHTS, MIN_INCOME)
        assert out["village_code"].tolist() == [V1, V2, V3, V4]
        assert out["rank"].tolist() == [1, 2, 3, 4]
        assert out["score"].tolist() == [1.0] * 4


def test_sums_of_the_same_weights_in_another_order_tie():
    # 0.1 + 0.2 is 0.30000000000000004 in floating point, above 0.3: still a tie, so the lower
    # code ranks first
    weights = {"bus": 0.1, "broadband": 0.2, "road_hardened": 0.3}
    frame = pd.DataFrame(
        [row(V2, 2020, unmet=("bus", "broadband")), row(V1, 2020, unmet=("road_hardened",))]
    )
    out = gap_scores(frame, 2020, weights, MIN_INCOME)
    assert out["village_code"].tolist() == [V1, V2]
    assert out["score"].iloc[0] == out["score"].iloc[1]


def test_ranking_does_not_depend_on_input_order(indicators):
    shuffled = indicators.sample(frac=1.0, random_state=3)
    pd.testing.assert_frame_equal(
        gap_scores(shuffled, 2025, WEIGHTS, MIN_INCOME),
        gap_scores(indicators, 2025, WEIGHTS, MIN_INCOME),
    )


def test_a_component_left_out_of_the_weights_counts_nothing(indicators):
    weights = {k: v for k, v in WEIGHTS.items() if k != "unsafe_water_households"}
    out = gap_scores(indicators, 2018, weights, MIN_INCOME).set_index("village_code")
    assert out.at[V1, "unsafe_water_households"] == 0.0
    assert out.at[V1, "score"] == 17.5 - 6.0
    assert list(out.reset_index().columns) == SCORE_COLUMNS  # the column stays, at 0


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"roads": 1.0}, "unknown gap score component"),
        ({"bus": -1.0}, "not negative"),
        ({"bus": float("nan")}, "finite"),
    ],
)
def test_bad_weights_are_refused(indicators, weights, message):
    with pytest.raises(ValueError, match=message):
        gap_scores(indicators, 2018, weights, MIN_INCOME)


@pytest.mark.parametrize("year", [2010, 2016])
def test_gap_scores_without_rows_have_the_documented_columns(indicators, year):
    out = gap_scores(indicators, year, WEIGHTS, MIN_INCOME)
    assert len(out) == 0
    assert list(out.columns) == SCORE_COLUMNS


# ----------------------------------------------------------------------------- worst_gaps
def test_worst_gaps_lists_every_contribution_worst_first(indicators):
    out = worst_gaps(indicators, 2018, WEIGHTS, MIN_INCOME)
    assert list(out.columns) == ["village_code", "indicator", "value", "weight_contribution"]
    # by contribution, then the village's rank (新屋村 first), then component order
    assert list(out.itertuples(index=False, name=None)) == [
        (V1, "unsafe_water_households", 12, 6.0),
        (V1, "road_hardened", False, 3.0),
        (V1, "safe_water", False, 3.0),
        (V1, "dangerous_houses", 5, 2.5),
        (V1, "doctor", False, 2.0),
        (V2, "clinic", False, 2.0),
        (V2, "dangerous_houses", 3, 1.5),
        (V1, "collective_income", 0.0, 1.0),
        (V2, "bus", False, 1.0),
        (V2, "collective_income", 1.5, 1.0),
    ]


def test_worst_gaps_add_up_to_the_scores(indicators):
    long = worst_gaps(indicators, 2025, WEIGHTS, MIN_INCOME)
    scores = gap_scores(indicators, 2025, WEIGHTS, MIN_INCOME).set_index("village_code")
    totals = long.groupby("village_code")["weight_contribution"].sum()
    assert totals.to_dict() == scores["score"].to_dict()


def test_worst_gaps_keep_a_missing_value_missing():
    frame = pd.DataFrame([row(V4, 2020)]).astype({"dangerous_houses": object})
    frame.loc[0, "dangerous_houses"] = None
    out = worst_gaps(coerce(LAYERS["indicators"], frame), 2020, WEIGHTS, MIN_INCOME)
    assert list(out.itertuples(index=False, name=None)) == [(V4, "dangerous_houses", None, 0.5)]
    json.dumps(out.to_dict(orient="records"))  # plain values: no numpy or pandas scalars


def test_worst_gaps_of_a_village_meeting_everything_is_empty():
    out = worst_gaps(pd.DataFrame([row(V4, 2020)]), 2020, WEIGHTS, MIN_INCOME)
    assert len(out) == 0
    assert list(out.columns) == ["village_code", "indicator", "value", "weight_contribution"]
    assert len(worst_gaps(pd.DataFrame([row(V4, 2020)]), 2010, WEIGHTS, MIN_INCOME)) == 0


# ----------------------------------------------------------------------------- demo
def test_gap_scores_of_the_demo_workspace(demo_ws):
    indicators = demo_ws["indicators"]
    for year in (2014, 2018, 2025):
        out = gap_scores(indicators, year, WEIGHTS, MIN_INCOME)
        assert sorted(out["village_code"]) == sorted(demo_ws.villages["code"])
        assert out["rank"].tolist() == list(range(1, len(out) + 1))
        assert not out[[*SCORE_COMPONENTS, "score"]].isna().any().any()
        assert out["score"].is_monotonic_decreasing
        long = worst_gaps(indicators, year, WEIGHTS, MIN_INCOME)
        assert long["weight_contribution"].sum() == pytest.approx(out["score"].sum())
