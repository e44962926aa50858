"""Unit tests for geo/rules.py: the exit-rules settings file, its defaults and its errors."""

from __future__ import annotations

import dataclasses
import tomllib

import pytest

from township_atlas.geo.rules import (
    DEFAULT_RULES_PATH,
    RULES_META_KEY,
    Rules,
    RulesError,
    default_rules,
    default_rules_text,
    parse_rules,
    read_rules_file,
    workspace_rules,
)
from township_atlas.geo.schema import INDICATOR_FLAGS

SHIBEI, ZHONGKENG = "360722102214", "360722102210"


# ----------------------------------------------------------------------------- defaults
def test_defaults_load_with_the_briefs_values():
    rules = default_rules()
    assert isinstance(rules, Rules)
    assert rules.village_exit.max_incidence == 0.02  # central province (Jiangxi): 2%
    assert rules.village_exit.required == INDICATOR_FLAGS
    assert rules.village_exit.max_dangerous_houses == 0
    assert rules.village_exit.max_unsafe_water_households == 0
    assert rules.village_exit.min_collective_income == 5.0
    assert rules.village_exit.not_required == {}
    # the NBS lines in current prices, 2,300 yuan at 2010 prices
    assert dict(rules.poverty_line) == {
        2010: 2300,
        2011: 2536,
        2012: 2625,
        2013: 2736,
        2014: 2800,
        2015: 2855,
        2016: 2952,
        2017: 2952,
        2018: 2995,
        2019: 3218,
        2020: 4000,
    }
    assert rules.monitoring_line[2021] == 6000  # 防返贫监测: a separate, provincial line
    assert rules.household_exit.income_above_line
    assert rules.household_exit.safe_house and rules.household_exit.safe_water
    # 三保障: compulsory education and basic medical insurance
    assert rules.household_exit.compulsory_education and rules.household_exit.medical_insurance
    assert rules.gap_score.weights["road_hardened"] == 3.0
    assert rules.gap_score.weights["dangerous_houses"] == 0.5
    assert rules.services.distance_to == ("clinic", "school", "township_hospital")
    assert rules.relocation.school_km == 3.0
    assert rules.relocation.min_demolished_share == 1.0


def test_default_text_is_the_shipped_file_and_parses_to_the_defaults():
    assert default_rules_text() == DEFAULT_RULES_PATH.read_text(encoding="utf-8")
    assert parse_rules(default_rules_text()) == default_rules()
    assert read_rules_file(DEFAULT_RULES_PATH) == default_rules()


@pytest.mark.parametrize(
    ("year", "line"),
    [
        (2005, 2300),  # before the first listed year: the first
        (2010, 2300),
        (2014, 2800),
        (2017, 2952),
        (2018, 2995),
        (2019, 3218),
        (2020, 4000),
        (2025, 4000),  # after the last: the last
    ],
)
def test_poverty_line_for_a_year(year, line):
    assert default_rules().poverty_line_for(year) == line


def test_monitoring_line_starts_in_2021_and_is_set_apart():
    rules = default_rules()
    assert rules.monitoring_line_for(2020) is None  # no monitoring before 2021
    assert rules.monitoring_line_for(2021) == 6000
    assert rules.monitoring_line_for(2030) == rules.monitoring_line_for(max(rules.monitoring_line))
    assert rules.poverty_line_for(2023) == 4000  # the poverty line stays 2020's
    mine = parse_rules("[monitoring_line]\n2023 = 7000\n")
    assert mine.monitoring_line_for(2022) == 6000 and mine.monitoring_line_for(2024) == 7000


def test_poverty_line_gap_uses_the_latest_year_before():
    rules = parse_rules("[poverty_line]\n2022 = 4500\n")
    assert rules.poverty_line_for(2021) == 4000  # 2020's line until 2022
    assert rules.poverty_line_for(2023) == 4500


def test_rules_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        default_rules().village_exit.max_incidence = 0.03


# ----------------------------------------------------------------------------- partial files
def test_a_partial_file_overrides_only_its_keys():
    rules = parse_rules("[village_exit]\nmax_incidence = 0.03\n\n[relocation]\nschool_km = 5\n")
    default = default_rules()
    assert rules.village_exit.max_incidence == 0.03
    assert rules.relocation.school_km == 5.0
    # everything else as the defaults
    assert rules.village_exit.required == default.village_exit.required
    assert rules.village_exit.min_collective_income == 5.0
    assert rules.relocation.clinic_km == default.relocation.clinic_km
    assert rules.poverty_line == default.poverty_line
    assert rules.gap_score == default.gap_score
    assert rules.household_exit == default.household_exit


def test_tables_of_data_keys_are_merged_key_by_key():
    text = "[poverty_line]\n2021 = 4200\n\n[gap_score.weights]\nbus = 0\n"
    rules = parse_rules(text)
    assert rules.poverty_line[2021] == 4200
    assert rules.poverty_line[2020] == 4000  # kept from the defaults
    assert list(rules.poverty_line) == sorted(rules.poverty_line)
    assert rules.gap_score.weights["bus"] == 0.0
    assert rules.gap_score.weights["road_hardened"] == 3.0


def test_a_list_replaces_the_default_list():
    rules = parse_rules('[village_exit]\nrequired = ["road_hardened", "power"]\n')
    assert rules.village_exit.required == ("road_hardened", "power")


def test_not_required_lists_exempt_villages():
    # an unquoted code is read as an integer: accepted, as text
    text = f'[village_exit.not_required]\nbus = ["{SHIBEI}", {ZHONGKENG}]\n'
    ve = parse_rules(text).village_exit
    assert ve.not_required == {"bus": (SHIBEI, ZHONGKENG)}
    assert not ve.requires("bus", SHIBEI)
    assert ve.requires("bus", "360722102201")
    assert ve.requires("clinic", SHIBEI)


def test_an_empty_text_is_the_defaults():
    assert parse_rules("") == default_rules()
    assert parse_rules("# only a comment\n") == default_rules()


# ----------------------------------------------------------------------------- errors
# (text, dotted key, line): the message must name the key and its line
BAD = [
    pytest.param(
        "[village_exit]\nmax_incidence = 0.02\nmax_incidnce = 0.02\n",
        "village_exit.max_incidnce",
        3,
        id="typo in a key",
    ),
    pytest.param(
        "# mine\n[villge_exit]\nmax_incidence = 0.03\n", "villge_exit", 2, id="typo in a section"
    ),
    pytest.param(
        '[village_exit]\nmax_incidence = "2%"\n',
        "village_exit.max_incidence",
        2,
        id="string for a number",
    ),
    pytest.param(
        "[relocation]\njobs_km = true\n", "relocation.jobs_km", 2, id="boolean for a number"
    ),
    pytest.param(
        "\n[village_exit]\n\nmax_incidence = 2\n",
        "village_exit.max_incidence",
        4,
        id="incidence as percent",
    ),
    pytest.param(
        "[village_exit]\nmax_incidence = -0.01\n",
        "village_exit.max_incidence",
        2,
        id="negative incidence",
    ),
    pytest.param(
        "[village_exit]\nmax_dangerous_houses = 0.5\n",
        "village_exit.max_dangerous_houses",
        2,
        id="fractional count",
    ),
    pytest.param(
        "[village_exit]\nmin_collective_income = -1\n",
        "village_exit.min_collective_income",
        2,
        id="negative income",
    ),
    pytest.param(
        "[relocation]\nschool_km = 3\nclinic_km = -2\n", "relocation.clinic_km", 3, id="negative km"
    ),
    pytest.param(
        "[relocation]\nmin_moved_share = 1.5\n", "relocation.min_moved_share", 2, id="share above 1"
    ),
    pytest.param(
        "[gap_score.weights]\nbus = -1\n", "gap_score.weights.bus", 2, id="negative weight"
    ),
    pytest.param(
        "[gap_score.weights]\nbus = 1\nwifi = 1\n", "gap_score.weights.wifi", 3, id="unknown weight"
    ),
    pytest.param("[relocation]\njobs_km = inf\n", "relocation.jobs_km", 2, id="infinite km"),
    pytest.param("[poverty_line]\n2021 = 0\n", "poverty_line.2021", 2, id="zero poverty line"),
    pytest.param(
        '[poverty_line]\n2021 = "4200"\n', "poverty_line.2021", 2, id="string poverty line"
    ),
    pytest.param(
        "[poverty_line]\n2020 = 4000\n21 = 4200\n", "poverty_line.21", 3, id="two-digit year"
    ),
    pytest.param("[poverty_line]\n1850 = 1\n", "poverty_line.1850", 2, id="year out of range"),
    pytest.param(
        '[village_exit]\nrequired = ["road_hardened", "wifi"]\n',
        "village_exit.required",
        2,
        id="unknown required",
    ),
    pytest.param(
        '[village_exit]\nrequired = "bus"\n', "village_exit.required", 2, id="required not a list"
    ),
    pytest.param(
        '[village_exit.not_required]\nbuss = ["360722102214"]\n',
        "village_exit.not_required.buss",
        2,
        id="unknown exempt indicator",
    ),
    pytest.param(
        '[village_exit.not_required]\nbus = ["36072210221"]\n',
        "village_exit.not_required.bus",
        2,
        id="short village code",
    ),
    pytest.param(
        '[services]\ndistance_to = ["clinic", "hospital"]\n',
        "services.distance_to",
        2,
        id="unknown facility kind",
    ),
    pytest.param(
        '[household_exit]\nsafe_house = "yes"\n',
        "household_exit.safe_house",
        2,
        id="boolean as text",
    ),
    pytest.param(
        "[household_exit]\ncompulsory_education = 1\n",
        "household_exit.compulsory_education",
        2,
        id="education switch as a number",
    ),
    pytest.param(
        "[household_exit]\nmedical_insurence = true\n",
        "household_exit.medical_insurence",
        2,
        id="misspelt insurance switch",
    ),
    pytest.param(
        "[monitoring_line]\n2021 = -6000\n", "monitoring_line.2021", 2, id="negative monitoring"
    ),
    pytest.param("relocation = 3\n", "relocation", 1, id="section as a value"),
    pytest.param("max_incidence = 0.02\n", "max_incidence", 1, id="unknown top-level key"),
    pytest.param(
        "village_exit.max_incidence = 2\n", "village_exit.max_incidence", 1, id="dotted key"
    ),
    pytest.param(
        "[village_exit]\nnot_required = { bus = [1] }\n",
        "village_exit.not_required.bus",
        2,
        id="inline table",
    ),
]


@pytest.mark.parametrize(("text", "key", "line"), BAD)
def test_bad_input_names_the_file_key_and_line(text, key, line):
    with pytest.raises(RulesError) as caught:
        parse_rules(text, source="mine.toml")
    message = str(caught.value)
    assert f"mine.toml, line {line}: {key}: " in message
    assert isinstance(caught.value, ValueError)
    (problem,) = caught.value.problems
    assert (problem.key, problem.line) == (key, line)


def test_a_typo_suggests_the_right_key():
    with pytest.raises(RulesError, match=r"did you mean max_incidence\?"):
        parse_rules("[village_exit]\nmax_incidence = 0.02\nmax_incidnce = 0.02\n")
    with pytest.raises(RulesError, match=r"unknown section \(did you mean village_exit\?\)"):
        parse_rules("[villge_exit]\n")


def test_every_problem_is_reported_in_file_order():
    text = "[relocation]\nschool_km = -1\n\n[village_exit]\nmax_incidence = 5\n"
    with pytest.raises(RulesError) as caught:
        parse_rules(text, source="r.toml")
    assert [(p.key, p.line) for p in caught.value.problems] == [
        ("relocation.school_km", 2),
        ("village_exit.max_incidence", 5),
    ]
    assert len(str(caught.value).splitlines()) == 2


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[village_exit]\nmax_incidence = \n", 2),
        ("[village_exit]\nmax_incidence = 0.02\nmax_incidence = 0.03\n", 3),  # key twice
        ("[village_exit\n", 1),
        ('[village_exit]\nrequired = ["bus",\n', 2),  # unclosed: "at end of document"
    ],
)
def test_toml_syntax_error_names_the_line(text, line):
    with pytest.raises(RulesError) as caught:
        parse_rules(text, source="mine.toml")
    assert str(caught.value).startswith(f"mine.toml, line {line}: TOML syntax error: ")
    assert caught.value.problems[0].key == ""
    with pytest.raises(tomllib.TOMLDecodeError):  # the same text really is invalid TOML
        tomllib.loads(text)


# ----------------------------------------------------------------------------- files
def test_read_rules_file_names_the_file(tmp_path):
    path = tmp_path / "township.toml"
    path.write_text("[village_exit]\nmax_incidence = 0.03\n", encoding="utf-8")
    assert read_rules_file(path).village_exit.max_incidence == 0.03
    path.write_text("[village_exit]\nmax_incidence = 3\n", encoding="utf-8")
    with pytest.raises(RulesError, match=rf"{path.name}, line 2: village_exit.max_incidence"):
        read_rules_file(path)


def test_read_rules_file_accepts_a_bom_and_refuses_gbk(tmp_path):
    path = tmp_path / "notepad.toml"
    path.write_bytes("# 出列标准\n[village_exit]\nmax_incidence = 0.03\n".encode("utf-8-sig"))
    assert read_rules_file(path).village_exit.max_incidence == 0.03
    path.write_bytes("# 出列标准\n[village_exit]\nmax_incidence = 0.03\n".encode("gbk"))
    with pytest.raises(RulesError, match="not UTF-8"):
        read_rules_file(path)


def test_read_rules_file_missing():
    with pytest.raises(FileNotFoundError):
        read_rules_file("/nonexistent/rules.toml")


# ----------------------------------------------------------------------------- workspace
def test_workspace_rules_default_when_none_stored():
    assert workspace_rules({}) == default_rules()
    assert workspace_rules({RULES_META_KEY: "  \n"}) == default_rules()
    assert workspace_rules({"township_name": "古陂镇"}) == default_rules()


def test_workspace_rules_read_from_the_metadata():
    meta = {RULES_META_KEY: "[village_exit]\nmax_incidence = 0.03\n"}
    assert workspace_rules(meta).village_exit.max_incidence == 0.03


def test_invalid_workspace_rules_name_the_metadata_key():
    with pytest.raises(RulesError, match=rf"{RULES_META_KEY}\), line 2: village_exit.max_inc"):
        workspace_rules({RULES_META_KEY: "[village_exit]\nmax_inc = 0.03\n"})


def test_demo_workspace_has_default_rules(demo_ws):
    assert workspace_rules(demo_ws.meta) == default_rules()
