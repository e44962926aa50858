"""规则设置 as a form: values ↔ TOML ↔ Rules, the validator's problems in Chinese, and the page."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.paths import APP
from township_atlas.dashboard import i18n, rules_form
from township_atlas.geo.rules import (
    RULES_META_KEY,
    RulesError,
    StationTargets,
    default_rules,
    default_rules_text,
    parse_rules,
    workspace_rules,
)
from township_atlas.geo.workspace import read_workspace

SHIBEI = "360722102214"
CUSTOM = f"""
[poverty_line]
2016 = 3000
[monitoring_line]
2022 = 6500.5
[village_exit]
max_incidence = 0.03
required = ["road_hardened", "safe_water", "power", "clinic"]
max_dangerous_houses = 2
min_collective_income = 3.5
[village_exit.not_required]
bus = ["{SHIBEI}"]
[household_exit]
safe_water = false
[gap_score.weights]
bus = 0
[services]
distance_to = ["clinic", "school"]
[relocation]
jobs_km = 7.5
min_moved_share = 0.9
"""


# ----------------------------------------------------------------------------- values ↔ TOML
def test_the_defaults_write_no_toml_and_read_back_as_the_defaults():
    values = rules_form.form_values(default_rules())
    assert rules_form.to_toml(values) == ""
    assert rules_form.to_rules(values) == default_rules()


def test_round_trip_form_values_toml_rules():
    rules = parse_rules(CUSTOM)
    values = rules_form.form_values(rules)
    text = rules_form.to_toml(values)
    assert parse_rules(text) == rules
    assert rules_form.form_values(rules_form.to_rules(values)) == values


def test_shares_are_per_cent_in_the_form_and_shares_in_the_file():
    values = rules_form.form_values(default_rules())
    assert values["village_exit.max_incidence"] == 2.0
    assert values["relocation.min_demolished_share"] == 100.0
    values["village_exit.max_incidence"] = 3.0
    values["relocation.min_moved_share"] = 7.0  # 0.07 * 100 is not exactly 7 in floats
    rules = rules_form.to_rules(values)
    assert rules.village_exit.max_incidence == 0.03
    assert rules.relocation.min_moved_share == 0.07
    assert rules_form.form_values(rules)["relocation.min_moved_share"] == 7.0


def test_the_toml_holds_only_the_changes_each_with_its_meaning_in_chinese():
    values = rules_form.form_values(default_rules())
    values["village_exit.max_incidence"] = 3.0
    values["village_exit.required:bus"] = False
    values["household_exit.safe_house"] = False
    text = rules_form.to_toml(values)
    assert "# 贫困发生率低于 3% 的贫困村可以出列" in text
    assert "max_incidence = 0.03" in text and '"bus"' not in text
    assert "safe_house = false" in text and "(不核查)" in text
    assert "poverty_line" not in text and "relocation" not in text  # unchanged: not written
    assert not re.search(r"brief|\.md|shared/", text, re.I)
    rules = parse_rules(text)
    assert "bus" not in rules.village_exit.required
    assert not rules.household_exit.safe_house and rules.household_exit.safe_water


def test_the_assistance_rules_round_trip_through_the_form():
    values = rules_form.form_values(default_rules())
    assert values["assistance.visits_per_year"] == 2
    assert values["assistance.statuses:监测"] and not values["assistance.statuses:已脱贫"]
    assert values["assistance.cause_measures.03"] == ["教育"]
    values["assistance.visits_per_year"] = 3
    values["assistance.statuses:已脱贫"] = True
    values["assistance.cause_measures.03"] = ["教育", "就业"]
    text = rules_form.to_toml(values)
    assert "visits_per_year = 3" in text and '"已脱贫"' in text
    assert '03 = ["教育", "就业"]' in text and "因学" in text
    a = parse_rules(text).assistance
    assert a.visits_per_year == 3 and "已脱贫" in a.statuses
    assert a.cause_measures["03"] == ("教育", "就业") and a.cause_measures["01"] == (
        "健康",
        "兜底保障",
    )


def test_the_station_targets_round_trip_through_the_form():
    values = rules_form.form_values(default_rules())
    stations = {k: v for k, v in values.items() if k.startswith("stations.")}
    assert stations == {
        "stations.centres_per_township": 1,
        "stations.village_share": 90.0,  # per cent in the form
        "stations.min_assistants": 1,
        "stations.trainees_per_station": 45,
        "stations.income_gain_yuan": 1000.0,
        "stations.suspended_counts": False,
    }
    values.update(
        {
            "stations.centres_per_township": 2,
            "stations.village_share": 80.0,
            "stations.min_assistants": 2,
            "stations.trainees_per_station": 60,
            "stations.income_gain_yuan": 1500.0,
            "stations.suspended_counts": True,
        }
    )
    text = rules_form.to_toml(values)
    assert "[stations]" in text and "village_share = 0.8" in text
    assert "trainees_per_station = 60" in text and "suspended_counts = true" in text
    assert "# 至少 80% 的行政村有本村运营中的村级电商服务站" in text
    assert parse_rules(text).stations == StationTargets(2, 0.8, 2, 60, 1500.0, True)
    assert rules_form.form_values(rules_form.to_rules(values)) == values


def test_each_station_target_has_its_unit():
    fields = {f.path: f for f in rules_form.fields(default_rules())}
    labels = {
        path: rules_form.label(fields[path], "zh")
        for path in fields
        if path.startswith(("stations.", "assistance.visits", "assistance.min_village"))
    }
    assert labels == {
        "assistance.visits_per_year": "每年走访次数(次/户·年)",
        "assistance.min_village_projects": "每个贫困村的产业项目(个)",
        "stations.centres_per_township": "乡镇电商服务中心(个/乡镇)",
        "stations.village_share": "有村级服务站的行政村(%)",
        "stations.min_assistants": "电子商务信息服务助理员(人/站)",
        "stations.trainees_per_station": "电商培训(人次/站·年)",
        "stations.income_gain_yuan": "带动贫困户增收(元/户·年)",
        "stations.suspended_counts": "暂停的网点仍算覆盖",
    }
    assert form_problems(stations__village_share=150.0) == [
        "电商网点目标 · 有村级服务站的行政村(%):须在 0% 到 100% 之间(现为 150%)"
    ]
    (line,) = form_problems(stations__trainees_per_station=2.5)
    assert "电商培训(人次/站·年)" in line and "须为整数" in line


def test_a_new_year_is_added_to_a_line():
    values = rules_form.form_values(default_rules())
    assert rules_form.add_year(values, "monitoring_line", None, 6500) == values
    values = rules_form.add_year(values, "monitoring_line", 2022, 6500)
    rules = rules_form.to_rules(values)
    assert dict(rules.monitoring_line) == {2021: 6000, 2022: 6500}
    assert rules.monitoring_line_for(2025) == 6500


def test_every_field_has_a_label_unit_and_meaning_in_both_languages():
    rules = parse_rules(CUSTOM)
    for field in rules_form.fields(rules):
        for lang in ("zh", "en"):
            label = rules_form.label(field, lang)
            assert "rule_" not in label and "rules_" not in label, field
            if not field.block:
                value = rules_form.form_values(rules)[field.path]
                assert not rules_form.meaning(field.path, value, lang).startswith("rule_")
    for block in {f.block for f in rules_form.fields(rules) if f.block}:
        assert not rules_form.block_meaning(block, "zh").startswith("rule_"), block
    for group in rules_form.GROUPS:
        assert not rules_form.group_title(group, "zh").startswith("rules_"), group


# ----------------------------------------------------------------------------- problems
def form_problems(lang: str = "zh", **changes) -> list[str]:
    values = rules_form.form_values(default_rules())
    values.update({k.replace("__", "."): v for k, v in changes.items()})
    with pytest.raises(RulesError) as caught:
        rules_form.to_rules(values)
    return rules_form.problem_lines(caught.value, lang, form=True)


def test_an_invalid_value_gives_the_validators_problem_in_chinese():
    assert form_problems(relocation__school_km=-1) == [
        "服务半径与搬迁安置 · 学校距离(公里):不能小于 0(现为 -1)"
    ]
    assert form_problems(village_exit__max_incidence=150.0) == [
        "贫困村出列标准 · 贫困发生率上限(%):须在 0% 到 100% 之间(现为 150%)"
    ]
    (line,) = form_problems(**{"poverty_line__2010": 0.0})
    assert line == "扶贫标准线与脱贫标准 · 2010年(元/人·年):须大于 0(现为 0)"
    (line,) = form_problems(village_exit__max_dangerous_houses=1.5)
    assert "危房户数上限(户)" in line and "须为整数" in line


def test_in_english_the_problem_is_the_validators_own():
    (line,) = form_problems("en", relocation__school_km=-1)
    assert line == (
        "Service distances and relocation · School within (km): must be 0 or more, not -1"
    )


def test_problems_of_a_toml_text_name_line_and_key_in_chinese():
    with pytest.raises(RulesError) as caught:
        parse_rules('[village_exit]\nmax_incidnce = 0.03\nrequired = ["bsu"]\n[villge]\n')
    assert rules_form.problem_lines(caught.value, "zh", form=False) == [
        "第 2 行 · village_exit.max_incidnce:未知的键(是否想写 max_incidence?)",
        '第 3 行 · village_exit.required:未知的名称 "bsu"(是否想写 bus?)',
        "第 4 行 · villge:未知的节(是否想写 village_exit?)",
    ]
    with pytest.raises(RulesError) as caught:
        parse_rules("[village_exit\n")
    (line,) = rules_form.problem_lines(caught.value, "zh", form=False)
    assert line.startswith("第 1 行:TOML 语法错误:") and "第 1 行第" in line


@pytest.mark.parametrize(
    ("text", "zh"),
    [
        ('[village_exit]\nmax_incidence = "2%"\n', "须为数字"),
        ("[relocation]\njobs_km = inf\n", "须为有限的数字"),
        ("[village_exit]\nmax_incidence = 2\n", "须为 0 到 1 之间的比例(2% 写作 0.02)"),
        ("[household_exit]\nsafe_water = 1\n", "须为 true(是)或 false(否)"),
        ('[village_exit.not_required]\nbus = ["123"]\n', "不是 12 位村代码"),
        ("[poverty_line]\n20x1 = 3000\n", "须为四位年份"),
        ("[gap_score.weights]\nwifi = 1\n", "未知的指标"),
        ("village_exit = 3\n", "须为表 [village_exit]"),
    ],
)
def test_every_validator_message_has_its_chinese(text, zh):
    with pytest.raises(RulesError) as caught:
        parse_rules(text)
    (line,) = rules_form.problem_lines(caught.value, "zh", form=False)
    assert zh in line and "must" not in line and "unknown" not in line


# ----------------------------------------------------------------------------- display
def test_the_default_text_shown_names_no_internal_file_and_means_the_same():
    shown = rules_form.display_text(default_rules_text())
    assert re.search(r"BRIEF\.md|brief", default_rules_text())  # what is being removed
    assert not re.search(r"brief|\.md\b|shared/", shown, re.I)
    assert parse_rules(shown) == default_rules()
    # only comments change
    code = [line for line in default_rules_text().splitlines() if not line.startswith("#")]
    assert [line for line in shown.splitlines() if not line.startswith("#")] == code


# ----------------------------------------------------------------------------- the page
@pytest.fixture
def page(demo_copy, monkeypatch):
    ws = demo_copy
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(ws))
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("app_pages/rules_page.py").run()
    assert not at.exception
    return at, ws


def field(at: AppTest, path: str):
    """The form's input of the rule at ``path``."""
    return next(w for w in [*at.number_input, *at.checkbox] if w.key == f"rules_field.{path}")


@pytest.mark.slow
def test_the_page_is_a_form_grouped_by_subject(page):
    at, _ = page
    assert [t.label for t in at.tabs] == [
        "贫困村出列标准",
        "扶贫标准线与脱贫标准",
        "防返贫监测",
        "服务半径与搬迁安置",
        "短板评分",
        "帮扶",
        "电商网点目标",
    ]
    incidence = field(at, "village_exit.max_incidence")
    assert incidence.label == "贫困发生率上限(%)" and incidence.value == 2.0
    assert field(at, "poverty_line.2015").value == 2855
    assert field(at, "village_exit.required:bus").value is True
    captions = " ".join(c.value for c in at.caption)
    assert "贫困发生率低于 2% 的贫困村可以出列" in captions
    # the TOML is folded away, and names no internal file
    (advanced,) = [e for e in at.expander if e.label == "高级:直接编辑 TOML"]
    assert not re.search(r"brief|\.md\b", at.text_area(key="rules_text").value, re.I)
    assert advanced.text_area(key="rules_text")


@pytest.mark.slow
def test_the_form_saves_valid_values_to_the_workspace(page):
    at, ws = page
    field(at, "village_exit.max_incidence").set_value(3.0)
    field(at, "household_exit.safe_water").uncheck()
    at.number_input(key="rules_field.monitoring_line.new_year").set_value(2022)
    at.number_input(key="rules_field.monitoring_line.new_amount").set_value(6500.0)
    at.run()
    assert any("有未保存的修改" in c.value for c in at.caption)
    at.button(key="rules_form_save").click().run()
    assert not at.exception and at.success[0].value == "规则已保存。"
    rules = workspace_rules(read_workspace(ws).meta)
    assert rules.village_exit.max_incidence == 0.03
    assert not rules.household_exit.safe_water
    assert rules.monitoring_line[2022] == 6500
    # the form shows what was saved, the new year among the others
    assert field(at, "village_exit.max_incidence").value == 3.0
    assert field(at, "monitoring_line.2022").value == 6500
    assert at.number_input(key="rules_field.monitoring_line.new_year").value is None
    assert "自己的规则" in " ".join(t.value for t in at.text)
    assert "max_incidence = 0.03" in at.text_area(key="rules_text").value


@pytest.mark.slow
def test_the_station_targets_are_saved_from_their_tab(page):
    at, ws = page
    (tab,) = [t for t in at.tabs if t.label == "电商网点目标"]
    assert "电子商务进农村的规划目标" in " ".join(m.value for m in tab.markdown)
    field(at, "stations.village_share").set_value(80.0)
    field(at, "stations.suspended_counts").check()
    at.button(key="rules_form_save").click().run()
    assert not at.exception and at.success[0].value == "规则已保存。"
    saved = workspace_rules(read_workspace(ws).meta).stations
    assert saved.village_share == 0.8 and saved.suspended_counts
    assert saved.trainees_per_station == 45  # unchanged: the default
    assert field(at, "stations.village_share").value == 80.0


@pytest.mark.slow
def test_the_form_refuses_an_invalid_value_in_chinese(page):
    at, ws = page
    field(at, "poverty_line.2010").set_value(0.0)
    at.button(key="rules_form_save").click().run()
    assert not at.exception
    (error,) = at.error
    assert error.value.startswith("规则有误,未保存")
    shown = error.value.replace("\\", "")  # Markdown escapes taken off
    assert "扶贫标准线与脱贫标准 · 2010年(元/人·年):须大于 0(现为 0)" in shown
    assert RULES_META_KEY not in read_workspace(ws).meta


@pytest.mark.slow
def test_the_toml_fold_saves_and_says_its_problems_in_chinese(page):
    at, ws = page
    at.text_area(key="rules_text").set_value("[village_exit]\nmax_incidnce = 0.03\n")
    at.button(key="rules_save").click().run()
    assert "未保存" in at.error[0].value
    assert "第 2 行 · village_exit.max_incidnce:未知的键" in at.code[0].value
    at.text_area(key="rules_text").set_value("[relocation]\njobs_km = 9\n")
    at.button(key="rules_save").click().run()
    assert not at.exception and at.success[0].value == "规则已保存。"
    assert read_workspace(ws).meta[RULES_META_KEY] == "[relocation]\njobs_km = 9\n"
    assert field(at, "relocation.jobs_km").value == 9.0  # the form follows
    at.button(key="rules_reset").click().run()
    assert read_workspace(ws).meta[RULES_META_KEY] == ""
    assert field(at, "relocation.jobs_km").value == 5.0


@pytest.mark.slow
def test_broken_stored_rules_are_shown_for_fixing(demo_copy, monkeypatch):
    from township_atlas.geo.workspace import update_workspace

    ws = demo_copy
    update_workspace(ws, lambda w: {}, meta={RULES_META_KEY: "[village_exit]\nmax = 1\n"})
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(ws))
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("app_pages/rules_page.py").run()
    assert not at.exception
    assert "高级:直接编辑 TOML" in at.error[0].value
    assert "第 2 行 · village_exit.max:未知的键" in at.code[0].value
    assert at.text_area(key="rules_text").value == "[village_exit]\nmax = 1\n"
    assert field(at, "village_exit.max_incidence").value == 2.0  # the defaults meanwhile


@pytest.mark.slow
def test_the_page_in_english(demo_path, monkeypatch):
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(demo_path))
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("app_pages/rules_page.py").run()
    assert not at.exception
    assert field(at, "village_exit.max_incidence").label == "Poverty incidence below (%)"
    assert i18n.t("rules_group_poverty", "en") in [t.label for t in at.tabs]
