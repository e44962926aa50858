"""The one header mechanism: families of spellings, nearest fields for the rest."""

import pytest

from township_atlas.data.importing.headers import forms, layer_spellings, matcher, normalise
from township_atlas.geo.schema import INDICATORS


@pytest.fixture
def m():
    return matcher(
        {
            "road_hardened": ("通硬化路", "通沥青(水泥)路"),
            "clinic": ("标准化卫生室",),
            "income_per_capita": ("人均纯收入",),
            "collective_income": ("村集体经济收入",),
            "county": ("县", "县(区)"),
        },
        known_unused=("序号",),
    )


def test_normalise_folds_full_width_and_stars():
    assert normalise(" *人均纯收入（元）") == "人均纯收入(元)"
    assert normalise("ＡＢＣ＿1") == "abc1"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("通硬化路", "road_hardened"),
        ("是否通硬化路", "road_hardened"),
        ("已通硬化路", "road_hardened"),
        ("通硬化路情况", "road_hardened"),
        ("通沥青（水泥）路", "road_hardened"),
        ("有无标准化卫生室", "clinic"),
        ("是否有标准化卫生室（是/否）", "clinic"),
        ("人均纯收入（元）", "income_per_capita"),
        ("村集体经济收入(万元)", "collective_income"),
        ("县（区）", "county"),
        ("县(市、区)", "county"),
    ],
)
def test_family_of_a_spelling_is_recognised(m, header, field):
    assert m.field(header) == field


def test_unrelated_header_is_not_recognised_but_nearest_fields_are_named(m):
    assert m.field("卫生室医生") is None
    assert m.nearest("卫生室面积")[0] == "clinic"
    assert m.nearest("完全无关") == []


def test_known_unused_and_user_mapping(m):
    assert m.unused("序号")
    assert m.match(["是否通硬化路", "其他"], {"其他": "clinic"}) == {
        "是否通硬化路": "road_hardened",
        "其他": "clinic",
    }
    # the first header naming a field keeps it; a user's empty field leaves a column out
    assert m.match(["通硬化路", "是否通硬化路"]) == {"通硬化路": "road_hardened"}
    assert m.match(["通硬化路"], {"通硬化路": ""}) == {}


def test_one_spelling_for_two_fields_is_refused():
    with pytest.raises(ValueError, match="both"):
        matcher({"a": ("村名",), "b": ("村名",)})


def test_forms_go_from_literal_to_family():
    assert forms("是否通硬化路（是/否）")[0] == "是否通硬化路(是/否)"
    assert forms("是否通硬化路（是/否）")[-1] == "通硬化路"


def test_layer_spellings_come_from_the_schema():
    s = layer_spellings(INDICATORS)
    assert "通硬化路" in s["road_hardened"]
    assert "road_hardened" in s["road_hardened"]
