"""Unit tests for geo/validate.py: every problem names layer, row, field (and key)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, MultiLineString, Point, Polygon, box

from township_atlas.geo.schema import LAYERS
from township_atlas.geo.validate import Problem, SchemaError, check, coerce, problems

WGS84 = "EPSG:4326"
CATEGORIES = "一般贫困户, 低保贫困户, 低保户, 特困供养户"  # the allowed list, as messages show it
#: dtype of each column kind after coerce(): bool stays plain bool when given as bool, and is
#: the nullable "boolean" when read from text such as 是/否
STORAGE_DTYPES = {
    "str": {"string"},
    "code": {"string"},
    "int": {"Int64"},
    "year": {"Int64"},
    "float": {"float64"},
    "bool": {"bool", "boolean"},
}


# ----------------------------------------------------------------------------- tiny fixtures
def villages(**columns) -> gpd.GeoDataFrame:
    """Two square villages (0.1° × 0.1°) side by side near 古陂镇 (25.33N 115.10E)."""
    data = {
        "code": ["360722102201", "360722102202"],
        "vintage": [2023, 2023],
        "name": ["新屋村", "李田村"],
        "kind": ["村", "村"],
        "poor_village": [True, True],
        "poor_level": ["省级", None],
        "pilot": [True, False],
        "ethnic": [None, None],
        "population": [2100, 1800],
        "households": [520, 450],
        "villager_groups": [18, 15],
        "exit_year": [2018, None],
        "planned_exit_year": [2017, None],
        "illustrative": [True, True],
    }
    data.update(columns)
    geometry = [box(115.00, 25.30, 115.10, 25.40), box(115.10, 25.30, 115.20, 25.40)]
    return gpd.GeoDataFrame(data, geometry=geometry, crs=WGS84)


def households(**columns) -> pd.DataFrame:
    """Three registered households, as a register export would give them."""
    data = {
        "household_id": ["H1", "H2", "H3"],
        "village_code": ["360722102201", "360722102201", "360722102202"],
        "size": [4, 3, 1],
        "category": ["一般贫困户", "低保户", "特困供养户"],
        "cause": ["01", "02", "08"],
        "identified_year": [2014, 2014, 2015],
        "exit_year": [2016, None, None],
        "return_year": [None, None, None],
        "status": ["已脱贫", "未脱贫", "未脱贫"],
        "monitor_kind": [None, None, None],
        "monitor_year": [None, None, None],
        "dangerous_house": [False, True, False],
        "unsafe_water": [False, False, True],
        "income_per_capita": [4200.0, 2600.0, None],
        "relocation_site": [None, None, None],
        "head_id_hash": ["9f" * 32, None, None],
        "head_id_masked": ["360722********1234", None, None],
        "policy_support": ["享受政策", None, None],
        "risk_cleared_year": [None, None, None],
        "out_of_school": [0, 1, None],
        "no_medical_insurance": [0, 0, None],
        "no_serious_illness_insurance": [0, 0, None],
        "labour_persons": [2, 1, None],
        "migrant_workers": [1, 0, None],
        "ill_or_disabled": [0, 1, None],
    }
    data.update(columns)
    return pd.DataFrame(data)


def indicators(**columns) -> pd.DataFrame:
    """Two yearly indicator rows of one village (key: village_code + year)."""
    flags = {
        flag: [True, True]
        for flag in ("road_hardened", "bus", "safe_water", "power", "radio_tv", "broadband")
    }
    data = {
        "village_code": ["360722102201", "360722102201"],
        "year": [2018, 2019],
        **flags,
        "clinic": [True, True],
        "doctor": [False, True],
        "activity_centre": [True, True],
        "dangerous_houses": [3, 0],
        "unsafe_water_households": [2, 0],
        "collective_income": [3.5, 5.2],
    }
    data.update(columns)
    return pd.DataFrame(data)


def messages(found: list[Problem]) -> list[tuple]:
    """Problems as comparable (layer, row, field, message) tuples."""
    return [(p.layer, p.row, p.field, p.message) for p in found]


# ----------------------------------------------------------------------------- valid frames
@pytest.mark.parametrize(
    ("layer", "make"),
    [("villages", villages), ("households", households), ("indicators", indicators)],
)
def test_valid_frame_has_no_problems_and_check_gives_storage_dtypes(layer, make):
    frame = make()
    assert problems(layer, frame) == []
    out = check(layer, frame)
    for col in LAYERS[layer].columns:
        assert str(out[col.name].dtype) in STORAGE_DTYPES[col.kind], col.name


def test_check_keeps_missing_years_as_nullable_ints():
    out = check("households", households())
    # exit_year was [2016, None, None]: nullable Int64, not float with NaN
    assert out["exit_year"].dtype == "Int64"
    assert out["exit_year"].tolist()[0] == 2016
    assert out["exit_year"].isna().tolist() == [False, True, True]


# ----------------------------------------------------------------------------- columns
@pytest.mark.parametrize(
    ("layer", "make", "column"),
    [
        ("villages", villages, "name"),
        ("villages", villages, "code"),
        ("households", households, "village_code"),
        ("indicators", indicators, "year"),
    ],
)
def test_missing_required_column_is_reported_for_the_whole_layer(layer, make, column):
    frame = make().drop(columns=column)
    found = problems(layer, frame)
    assert messages(found) == [(layer, None, column, "required column is missing")]
    # A layer-level problem names the layer and field but no row
    assert str(found[0]) == f"{layer} field {column!r}: required column is missing"


@pytest.mark.parametrize("column", ["poor_level", "ethnic", "exit_year"])
def test_missing_optional_column_is_fine(column):
    assert problems("villages", villages().drop(columns=column)) == []


def test_required_value_missing_names_row_and_key():
    found = problems("households", households(status=["已脱贫", None, "未脱贫"]))
    assert messages(found) == [("households", 1, "status", "required value is missing")]
    assert found[0].key == "H2"


# ----------------------------------------------------------------------------- codes
@pytest.mark.parametrize(
    "bad",
    [
        "36072210201",  # 11 digits: one digit of the village part lost
        "3607221022010",  # 13 digits
        "36072210220A",  # a letter
    ],
)
def test_code_of_wrong_length_or_not_digits_is_reported(bad):
    found = problems("villages", villages(code=[bad, "360722102202"]))
    assert messages(found) == [("villages", 0, "code", f"{bad!r} is not a 12-digit code")]
    assert str(found[0]) == f"villages row 0 ({bad}) field 'code': {bad!r} is not a 12-digit code"


def test_township_code_is_nine_digits():
    township = gpd.GeoDataFrame(
        {
            "code": ["360722102001"],  # a village code where the 9-digit township code belongs
            "name": ["古陂镇"],
            "county": ["信丰县"],
            "city": ["赣州市"],
            "province": ["江西省"],
            "population": [42931],
            "villager_groups": [302],
            "illustrative": [True],
        },
        geometry=[box(115.0, 25.3, 115.2, 25.4)],
        crs=WGS84,
    )
    found = problems("township", township)
    assert messages(found) == [
        ("township", 0, "code", "'360722102001' is not a 9-digit code"),
    ]
    assert problems("township", township.assign(code=["360722102"])) == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (360722102001.0, "360722102001"),  # a code read as float (Excel) keeps its digits
        (360722102001, "360722102001"),  # read as int
        (" 360722102001 ", "360722102001"),  # stray spaces
    ],
)
def test_coerce_turns_codes_into_digit_strings(raw, expected):
    frame = households(village_code=[raw, raw, raw])
    out = coerce(LAYERS["households"], frame)
    assert out["village_code"].dtype == "string"
    assert out["village_code"].tolist() == [expected] * 3
    assert problems("households", frame) == []


def test_float_code_column_with_a_gap_stays_missing_not_nan_text():
    frame = households(village_code=[360722102201.0, None, 360722102202.0])
    out = coerce(LAYERS["households"], frame)
    assert out["village_code"].tolist()[0] == "360722102201"
    assert out["village_code"].isna().tolist() == [False, True, False]
    assert messages(problems("households", frame)) == [
        ("households", 1, "village_code", "required value is missing")
    ]


# ----------------------------------------------------------------------------- allowed values
@pytest.mark.parametrize(
    ("layer", "make", "column", "values", "row", "allowed"),
    [
        ("villages", villages, "kind", ["村", "乡"], 1, "村, 居委会"),
        ("villages", villages, "poor_level", ["国家级", None], 0, "省级, 市级, 县级"),
        ("households", households, "category", ["一般贫困户", "贫困户", "低保户"], 1, CATEGORIES),
        ("households", households, "status", ["已脱贫", "未脱贫", "脱贫"], 2, "未脱贫, 已脱贫"),
    ],
)
def test_value_not_in_allowed_list(layer, make, column, values, row, allowed):
    found = problems(layer, make(**{column: values}))
    assert len(found) == 1
    p = found[0]
    assert (p.layer, p.row, p.field) == (layer, row, column)
    assert p.message.startswith(f"{values[row]!r} is not one of ")
    assert allowed in p.message


# ----------------------------------------------------------------------------- numbers
@pytest.mark.parametrize(
    ("column", "values", "row", "message"),
    [
        ("size", [4, -1, 1], 1, "-1 is below 0"),  # a negative count
        ("size", [4, 31, 1], 1, "31 is above 30"),  # household size is capped at 30
        ("identified_year", [2014, 1979, 2015], 1, "1979 is below 1980"),
        ("income_per_capita", [4200.0, -5.0, None], 1, "-5.0 is below 0"),
    ],
)
def test_numbers_out_of_range(column, values, row, message):
    found = problems("households", households(**{column: values}))
    assert messages(found) == [("households", row, column, message)]


def test_negative_village_population():
    found = problems("villages", villages(population=[2100, -3]))
    assert messages(found) == [("villages", 1, "population", "-3 is below 0")]
    assert found[0].key == "360722102202"


@pytest.mark.parametrize(
    ("column", "values", "shown", "kind"),
    [
        ("size", [4, "abc", 1], "'abc'", "int"),
        ("size", [4, 2.5, 1], "2.5", "int"),  # half a person is not an int
        ("identified_year", [2014, "2015年", 2015], "'2015年'", "year"),
        ("income_per_capita", [4200.0, "n/a", None], "'n/a'", "float"),
    ],
)
def test_unreadable_number_is_reported_not_silently_dropped(column, values, shown, kind):
    frame = households(**{column: values})
    # coerce alone turns it into a missing value ...
    assert pd.isna(coerce(LAYERS["households"], frame)[column].iloc[1])
    # ... but problems() says exactly what could not be read (and only that, once)
    found = problems("households", frame)
    assert messages(found) == [("households", 1, column, f"cannot read {shown} as {kind}")]
    assert str(found[0]) == f"households row 1 (H2) field {column!r}: cannot read {shown} as {kind}"


def test_numbers_given_as_text_are_read():
    frame = households(size=["4", " 3 ", "1"], identified_year=["2014", "2014", "2015"])
    out = check("households", frame)
    assert out["size"].tolist() == [4, 3, 1]
    assert out["identified_year"].tolist() == [2014, 2014, 2015]


# ----------------------------------------------------------------------------- booleans
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("是", True),
        ("否", False),
        (1, True),
        (0, False),
        ("1", True),
        ("0", False),
        (1.0, True),  # a 0/1 column read as float (Excel, or a CSV column with a blank)
        (0.0, False),
        ("TRUE", True),
        (" yes ", True),
        ("No", False),
        ("有", True),
        ("无", False),
        ("√", True),
        (True, True),
        (False, False),
    ],
)
def test_bool_coercion(raw, expected):
    out = coerce(LAYERS["households"], pd.DataFrame({"dangerous_house": [raw, raw]}))
    assert out["dangerous_house"].tolist() == [expected, expected]


def test_mixed_yes_no_spellings_are_valid():
    # unsafe_water as floats: how pandas reads a 1/0 column from Excel
    frame = households(dangerous_house=["是", 0, "1"], unsafe_water=[1.0, 0.0, 0.0])
    assert problems("households", frame) == []
    out = check("households", frame)
    assert out["dangerous_house"].tolist() == [True, False, True]
    assert out["unsafe_water"].tolist() == [True, False, False]


def test_unreadable_bool_is_reported():
    found = problems("households", households(unsafe_water=["否", "maybe", "是"]))
    assert messages(found) == [("households", 1, "unsafe_water", "cannot read 'maybe' as bool")]


def test_blank_required_bool_is_missing():
    found = problems("households", households(unsafe_water=["否", "", "是"]))
    # "" reads as "no" (an empty tick box), so nothing is reported
    assert found == []
    found = problems("households", households(unsafe_water=["否", None, "是"]))
    assert messages(found) == [("households", 1, "unsafe_water", "required value is missing")]


# ----------------------------------------------------------------------------- keys
def test_duplicate_key_reports_the_second_occurrence():
    frame = households(household_id=["H1", "H2", "H1"])
    found = problems("households", frame)
    assert messages(found) == [("households", 2, "household_id", "duplicate key H1")]
    assert str(found[0]) == "households row 2 (H1) field 'household_id': duplicate key H1"


def test_missing_keys_are_not_duplicates_of_each_other():
    found = problems("households", households(household_id=[None, None, "H3"]))
    assert messages(found) == [
        ("households", 0, "household_id", "required value is missing"),
        ("households", 1, "household_id", "required value is missing"),
    ]


def test_duplicate_composite_key():
    # indicators are keyed by village and year: the same village twice in 2019 is a duplicate,
    # the same village in two different years is not
    assert problems("indicators", indicators()) == []
    found = problems("indicators", indicators(year=[2019, 2019]))
    assert messages(found) == [
        ("indicators", 1, "village_code", "duplicate key 360722102201/2019"),
    ]
    assert found[0].key == "360722102201/2019"


def test_rows_are_counted_by_position_not_index_label():
    frame = households(size=[4, "abc", 1])
    frame.index = [10, 20, 30]
    found = problems("households", frame)
    assert [(p.row, p.key) for p in found] == [(1, "H2")]


# ----------------------------------------------------------------------------- geometry
def test_layer_without_crs_is_reported():
    frame = villages().set_crs(None, allow_override=True)
    found = problems("villages", frame)
    assert messages(found) == [("villages", None, "geometry", "layer has no CRS; declare one")]


def test_spatial_layer_given_as_plain_table_is_reported():
    frame = pd.DataFrame(villages().drop(columns="geometry"))
    found = problems("villages", frame)
    assert messages(found) == [("villages", None, "geometry", "layer needs a geometry column")]


def test_wrong_geometry_type_is_reported():
    frame = villages()
    frame.geometry = [frame.geometry.iloc[0], Point(115.15, 25.35)]  # a village drawn as a point
    found = problems("villages", frame)
    assert messages(found) == [("villages", 1, "geometry", "Point is not a MultiPolygon")]
    assert found[0].key == "360722102202"


def test_bow_tie_polygon_is_invalid():
    # The ring crosses itself at (115.05, 25.35): a bow-tie, which GIS tools reject
    bow_tie = Polygon([(115.0, 25.3), (115.1, 25.4), (115.1, 25.3), (115.0, 25.4)])
    assert not bow_tie.is_valid
    frame = villages()
    frame.geometry = [bow_tie, frame.geometry.iloc[1]]
    found = problems("villages", frame)
    assert messages(found) == [("villages", 0, "geometry", "geometry is not valid")]


def test_missing_geometry_is_reported_once():
    frame = villages()
    frame.geometry = [None, frame.geometry.iloc[1]]
    found = problems("villages", frame)
    assert messages(found) == [("villages", 0, "geometry", "geometry is missing or empty")]


@pytest.mark.parametrize(
    "line",
    [
        LineString([(115.0, 25.3), (115.2, 25.4)]),
        MultiLineString([[(115.0, 25.3), (115.1, 25.35)], [(115.1, 25.35), (115.2, 25.4)]]),
    ],
)
def test_roads_accept_lines_and_multilines(line):
    roads = gpd.GeoDataFrame(
        {"road_id": ["R1"], "name": ["信安线"], "road_class": ["国道"], "paved": ["是"]},
        geometry=[line],
        crs=WGS84,
    )
    assert problems("roads", roads) == []


def test_geometry_in_another_crs_is_accepted():
    # CGCS2000 3° Gauss-Krüger CM 114E: a projected CRS is fine, the workspace reprojects
    assert problems("villages", villages().to_crs("EPSG:4547")) == []


# ----------------------------------------------------------------------------- check()
def test_check_raises_schema_error_listing_every_problem():
    frame = households(size=[4, -1, "abc"], category=["一般贫困户", "x", "低保户"])
    with pytest.raises(SchemaError) as err:
        check("households", frame)
    found = err.value.problems
    assert sorted(messages(found)) == sorted(
        [
            ("households", 1, "size", "-1 is below 0"),
            ("households", 2, "size", "cannot read 'abc' as int"),
            ("households", 1, "category", f"'x' is not one of {CATEGORIES}"),
        ]
    )
    text = str(err.value)
    assert text.startswith("3 problem(s): ")
    assert "households row 2 (H3) field 'size': cannot read 'abc' as int" in text
    assert isinstance(err.value, ValueError)  # callers may catch ValueError


def test_schema_error_message_shows_ten_and_counts_the_rest():
    n = 12
    frame = pd.concat([households()] * 4, ignore_index=True)
    frame = frame.assign(household_id=[f"H{i}" for i in range(n)], size=-1)  # twelve problems
    with pytest.raises(SchemaError) as err:
        check("households", frame)
    assert len(err.value.problems) == n
    assert str(err.value).startswith("12 problem(s): ")
    assert str(err.value).endswith("(and 2 more)")
    assert str(err.value).count("is below 0") == 10


def test_check_returns_a_normalised_copy():
    frame = households(dangerous_house=["是", "否", "1"], village_code=[360722102201.0] * 3)
    out = check("households", frame)
    assert out["dangerous_house"].tolist() == [True, False, True]
    assert out["village_code"].tolist() == ["360722102201"] * 3
    # the caller's frame is untouched
    assert frame["dangerous_house"].tolist() == ["是", "否", "1"]


@pytest.mark.parametrize("column", ["姓名", "证件号码", "联系电话"])
def test_personal_data_columns_are_refused(column):
    frame = pd.DataFrame(
        {
            "household_id": ["H1"],
            "village_code": ["360722102201"],
            "size": [3],
            "status": ["未脱贫"],
            "category": ["一般贫困户"],
            "dangerous_house": [False],
            "unsafe_water": [False],
            column: ["synthetic"],
        }
    )
    found = problems("households", frame)
    assert [(p.field, p.message) for p in found] == [
        (column, "personal data must never be stored in a workspace")
    ]


def households_frame(**columns) -> pd.DataFrame:
    base = {
        "household_id": ["H1"],
        "village_code": ["360722102201"],
        "size": [3],
        "category": ["一般贫困户"],
        "identified_year": [2014],
        "exit_year": [2017],
        "return_year": [None],
        "status": ["已脱贫"],
        "dangerous_house": [False],
        "unsafe_water": [False],
    }
    return pd.DataFrame({**base, **columns})


@pytest.mark.parametrize(
    ("columns", "field", "message"),
    [
        ({"exit_year": [2013]}, "exit_year", "exit year is before identification"),
        (
            {"exit_year": [None], "return_year": [2016], "status": ["返贫"]},
            "return_year",
            "fell back without exiting first",
        ),
        (
            {"return_year": [2016], "status": ["返贫"]},
            "return_year",
            "status 返贫 but it exited again later",
        ),
        (
            {"return_year": [2018]},
            "exit_year",
            "status 已脱贫 but it fell back after exiting",
        ),
        (
            {"exit_year": [None], "status": ["已脱贫"]},
            "exit_year",
            "status 已脱贫 needs an exit year",
        ),
        ({"status": ["返贫"]}, "return_year", "status 返贫 needs a return year"),
        ({"category": [None]}, "category", "only a 监测 household may lack one"),
    ],
)
def test_household_years_and_status_must_agree(columns, field, message):
    found = problems("households", households_frame(**columns))
    assert [(p.field, p.message) for p in found] == [(field, message)]


def test_consistent_household_stories_pass():
    fell_back = households_frame(return_year=[2022], status=["返贫"])
    monitored_only = households_frame(
        category=[None], identified_year=[None], exit_year=[None], status=["监测"]
    )
    exited_again = households_frame(exit_year=[2023], return_year=[2021])
    same_year = households_frame(exit_year=[2020], return_year=[2020], status=["返贫"])
    assert problems("households", fell_back) == []
    assert problems("households", monitored_only) == []
    assert problems("households", exited_again) == []
    assert problems("households", same_year) == []


@pytest.mark.parametrize(
    ("spelling", "stored"),
    [("五保户", "特困供养户"), ("特困供养(五保)户", "特困供养户"), ("扶贫低保户", "低保贫困户")],
)
def test_category_spellings_of_the_plans_are_accepted(spelling, stored):
    frame = households_frame(category=[spelling])
    assert problems("households", frame) == []
    assert check("households", frame)["category"].tolist() == [stored]


def test_relocation_housing_above_25_m2_per_person_is_refused():
    site = gpd.GeoDataFrame(
        {
            "site_id": ["S1"],
            "name": ["安置点"],
            "site_type": ["集镇"],
            "capacity_households": [30],
            "planned_households": [30],
            "planned_persons": [100],
            "moved_households": [30],
            "moved_persons": [100],
            "built_area_m2": [2600.0],  # 26 m² per person
            "status": ["已入住"],
            "demolished_households": [0],
        },
        geometry=[Point(115.1, 25.3)],
        crs="EPSG:4326",
    )
    found = problems("relocation_sites", site)
    assert [(p.field, p.message) for p in found] == [
        ("built_area_m2", "26.0 m² per person is above the 25 m² cap")
    ]
    site["built_area_m2"] = [2500.0]  # exactly the cap is allowed
    assert problems("relocation_sites", site) == []
