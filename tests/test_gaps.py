"""Unit tests for analysis/gaps.py: what each village lacks, from its latest indicator row."""

from __future__ import annotations

import pandas as pd
import pytest

from township_atlas.analysis.gaps import indicators_at, village_gaps
from township_atlas.geo.schema import INDICATOR_FLAGS, LAYERS
from township_atlas.geo.validate import coerce

V1, V2, V3, V4 = "360722102201", "360722102202", "360722102203", "360722102204"
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
