"""township-atlas assistance-check on the demo: exactly the households and villages its
deliberate gaps name (data/demo_assistance.py), in JSON and as text; --rules, --year, --place."""

from __future__ import annotations

import json

import pytest

from township_atlas.data import demo_assistance as gaps

pytestmark = pytest.mark.slow
YEAR = 2025  # the demo's latest year, the one its gaps are set in


def _json(run_cli, *args) -> dict:
    result = run_cli("assistance-check", *args, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def _flagged(data: dict, flag: str) -> set[str]:
    return {h["household_id"] for h in data["households"] if flag in h["flags"]}


def test_the_json_lists_exactly_the_demo_gaps(run_cli, demo_path):
    data = _json(run_cli, demo_path)
    assert data["year"] == YEAR
    unpaired = set(gaps.DEMO_UNPAIRED)
    assert _flagged(data, "no_cadre") == unpaired
    # an unpaired household has no visits either
    assert _flagged(data, "visits_short") == set(gaps.DEMO_ONE_VISIT_HOUSEHOLDS) | unpaired
    assert _flagged(data, "no_measure") == set(gaps.DEMO_NO_MATCHING_MEASURE)
    assert _flagged(data, "behind_plan") == set(gaps.DEMO_BEHIND_PLAN)
    every = unpaired | set(gaps.DEMO_ONE_VISIT_HOUSEHOLDS)
    every |= set(gaps.DEMO_NO_MATCHING_MEASURE) | set(gaps.DEMO_BEHIND_PLAN)
    assert {h["household_id"] for h in data["households"]} == every
    assert data["totals"]["households_flagged"] == len(every)
    villages = {v["code"]: v["flags"] for v in data["villages"] if v["flags"]}
    assert villages == {
        gaps.DEMO_NO_TEAM_VILLAGE: ["no_team"],
        gaps.DEMO_NO_INDUSTRY_VILLAGE: ["few_projects"],
    }


def test_totals_are_the_sums_of_the_villages(run_cli, demo_path):
    data = _json(run_cli, demo_path)
    t, v = data["totals"], data["villages"]
    assert t["projects"] == sum(x["projects"] for x in v) > 0
    assert t["spent_wan"] == pytest.approx(sum(x["spent_wan"] for x in v), abs=0.01)
    assert t["households_reached"] == sum(x["households_reached"] for x in v)
    assert t["no_cadre"] == sum(x["no_cadre"] for x in v) == len(gaps.DEMO_UNPAIRED)


def test_no_cadre_name_is_printed(run_cli, demo_path, demo_ws):
    names = set(demo_ws["cadres"]["cadre_name"].astype(str))
    out = (
        run_cli("assistance-check", demo_path).out
        + run_cli("assistance-check", demo_path, "--json").out
    )
    assert not [n for n in names if n in out]


def test_the_text_report(run_cli, demo_path):
    result = run_cli("assistance-check", demo_path)
    assert result.code == 0
    assert result.out.startswith(f"{YEAR} 年帮扶核查")
    assert gaps.DEMO_ONE_VISIT_HOUSEHOLD in result.out and "走访不足" in result.out
    assert "中坑村：无驻村工作队" in result.out


def test_a_rules_file_asking_three_visits_flags_more(run_cli, demo_path, tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text("[assistance]\nvisits_per_year = 3\n", encoding="utf-8")
    strict = _json(run_cli, demo_path, "--rules", rules)
    usual = _json(run_cli, demo_path)
    assert strict["rules"]["visits_per_year"] == 3
    assert _flagged(strict, "visits_short") > _flagged(usual, "visits_short")


def test_a_place_narrows_the_check(run_cli, demo_path):
    village = gaps.DEMO_ONE_VISIT_HOUSEHOLD.split("-")[0]
    data = _json(run_cli, demo_path, "--place", village)
    assert [v["code"] for v in data["villages"]] == [village]
    assert {h["village_code"] for h in data["households"]} == {village}
    assert gaps.DEMO_ONE_VISIT_HOUSEHOLD in {h["household_id"] for h in data["households"]}


def test_an_unknown_cause_code_in_the_rules_is_one_line(run_cli, demo_path, tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text('[assistance.cause_measures]\n"42" = ["教育"]\n', encoding="utf-8")
    result = run_cli("assistance-check", demo_path, "--rules", rules)
    assert result.code == 1 and "unknown cause code" in result.err  # as exit-check's
    assert len(result.err.strip().splitlines()) == 1
