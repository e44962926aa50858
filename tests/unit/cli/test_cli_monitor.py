"""township-atlas exit-check and relocation-check: JSON, text report, --rules, bad rules files."""

from __future__ import annotations

import json

import pytest

from township_atlas.cli import main
from township_atlas.geo.rules import RULES_META_KEY
from township_atlas.geo.schema import PERSONAL_COLUMNS

EXIT_KEYS = {
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
}
VILLAGE_KEYS = {
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
}
CHECKS = ("capacity", "m2", "moved", "demolished", "school", "clinic", "jobs", "ecommerce")


def exit_json(run_cli, *argv: str) -> dict:
    code, out, err = run_cli("exit-check", *argv, "--json")
    assert code == 0, err
    return json.loads(out)  # nothing but JSON on stdout


def statuses(data: dict) -> dict[str, str]:
    return {v["name"]: v["status"] for v in data["villages"]}


def assert_no_personal_data(text: str) -> None:
    for column in PERSONAL_COLUMNS:
        assert column not in text


def write_rules(tmp_path, text: str, name: str = "rules.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# ----------------------------------------------------------------------------- exit-check
@pytest.mark.parametrize("year", [None, "2016"])
def test_exit_check_json_matches_the_summary_totals(run_cli, demo_path, year):
    extra = [] if year is None else ["--year", year]
    data = exit_json(run_cli, str(demo_path), *extra)
    assert set(data) == EXIT_KEYS
    _, out, _ = run_cli("summary", str(demo_path), "--json", *extra)
    totals = json.loads(out)["totals"]
    assert data["year"] == totals["year"]  # the default year is the summary's (the latest)
    for key in ("population", "poor_households", "poor_people", "poor_villages"):
        assert data[key] == totals[key], key
    assert data["poor_villages_exited"] == totals["poor_villages_exited"]
    assert data["incidence"] == pytest.approx(totals["incidence"])
    assert data["villages_total"] == totals["villages"] == len(data["villages"]) == 17
    for v in data["villages"]:
        assert set(v) == VILLAGE_KEYS
        assert v["status"] in {"not_poor_village", "poor_not_exited", "exited", "exited_failing"}
        assert v["meets_rules"] == (not v["unmet"])
    assert sum(v["poor_people"] for v in data["villages"]) == data["poor_people"]
    assert_no_personal_data(json.dumps(data, ensure_ascii=False))


def test_exit_check_default_year_is_the_latest(run_cli, demo_path):
    latest = exit_json(run_cli, str(demo_path))
    assert latest == exit_json(run_cli, str(demo_path), "--year", str(latest["year"]))
    earlier = exit_json(run_cli, str(demo_path), "--year", "2016")
    assert earlier["year"] == 2016 < latest["year"]
    assert earlier["poor_people"] > latest["poor_people"]


def test_exit_check_text_report(run_cli, demo_path):
    data = exit_json(run_cli, str(demo_path))
    code, out, err = run_cli("exit-check", str(demo_path))
    assert code == 0 and err == ""
    first = out.splitlines()[0]
    assert first.startswith(f"{data['year']} 年末")
    assert f"未脱贫 {data['poor_people']:,} 人 / {data['poor_households']:,} 户" in first
    assert f"贫困发生率 {data['incidence'] * 100:.2f}%" in first
    assert f"贫困村出列 {data['poor_villages_exited']}/{data['poor_villages']}" in first
    for v in data["villages"]:
        assert v["name"] in out
    assert "非贫困村" in out and "已出列 (" in out
    # a village that exited but fails a rule now, with what it lacks
    failing = [v for v in data["villages"] if v["status"] == "exited_failing"]
    assert failing, "the demo has an exited village failing the rules"
    for v in failing:
        assert "已出列·现不达标" in out
        assert all(c["text_zh"] in out for c in v["unmet"])
        assert v["gap_to_exit_zh"] in out
    assert_no_personal_data(out)


def test_exit_check_text_shows_what_is_unmet_with_numbers(run_cli, demo_path):
    code, out, _ = run_cli("exit-check", str(demo_path), "--year", "2016")
    assert code == 0
    assert out.startswith("2016 年末")
    assert "贫困村·未出列" in out and "≥ 2%" in out and "还需" in out and "人脱贫" in out


def test_rules_file_required_list_changes_a_status(run_cli, demo_path, tmp_path):
    before = exit_json(run_cli, str(demo_path))
    assert statuses(before)["中坑村"] == "exited_failing"  # no bus service
    required = ["road_hardened", "safe_water", "power", "radio_tv", "broadband", "clinic"]
    required += ["doctor", "activity_centre"]  # everything but bus
    rules = write_rules(tmp_path, f"[village_exit]\nrequired = {json.dumps(required)}\n")
    after = exit_json(run_cli, str(demo_path), "--rules", rules)
    assert statuses(after)["中坑村"] == "exited"
    assert after["exited_failing"] == before["exited_failing"] - 1
    assert after["poor_people"] == before["poor_people"]  # rules do not change the register


def test_rules_file_max_incidence_changes_a_status(run_cli, demo_path, tmp_path):
    before = exit_json(run_cli, str(demo_path))
    assert statuses(before)["新屋村"] == "exited"  # 6 of 2,760: 0.22%
    rules = write_rules(tmp_path, "[village_exit]\nmax_incidence = 0.001\n")
    after = exit_json(run_cli, str(demo_path), "--rules", rules)
    assert after["max_incidence"] == 0.001
    assert statuses(after)["新屋村"] == "exited_failing"
    code, out, _ = run_cli("exit-check", str(demo_path), "--rules", rules)
    assert code == 0  # a report: failing villages do not make it fail
    assert "≥ 0.1%" in out


def test_rules_stored_in_the_workspace_are_used(run_cli, demo_ws, tmp_path):
    from township_atlas.geo.workspace import write_workspace

    ws = write_workspace(
        tmp_path / "ws.gpkg",
        demo_ws.layers,
        {**demo_ws.meta, RULES_META_KEY: "[village_exit]\nmax_incidence = 0.001\n"},
    )
    assert statuses(exit_json(run_cli, str(ws)))["新屋村"] == "exited_failing"
    # --rules replaces the workspace's rules
    rules = write_rules(tmp_path, "[village_exit]\nmax_incidence = 0.02\n")
    assert statuses(exit_json(run_cli, str(ws), "--rules", rules))["新屋村"] == "exited"


def test_exit_check_does_not_count_a_household_with_a_child_out_of_school(
    run_cli, demo_path, demo_ws, tmp_path
):
    from township_atlas.analysis.exit_rules import household_checks
    from township_atlas.geo.rules import default_rules
    from township_atlas.geo.workspace import write_workspace

    before = exit_json(run_cli, str(demo_path), "--year", "2016")
    checks = household_checks(demo_ws.households, 2016, default_rules())
    ready = checks[checks["ready_to_exit"]]
    assert before["households_ready_to_exit"] == len(ready) > 0
    # the demo's members record schooling for every household
    assert before["households_not_recorded"]["education"] == 0
    # one household still poor in 2016 that meets every other check has a 14-year-old who
    # dropped out (失学辍学)
    hh = demo_ws.households.copy()
    child = ready["household_id"].iloc[0]
    hh.loc[hh["household_id"] == child, "out_of_school"] = 1
    ws = write_workspace(tmp_path / "ws.gpkg", {**demo_ws.layers, "households": hh}, demo_ws.meta)
    after = exit_json(run_cli, str(ws), "--year", "2016")
    assert after["households_ready_to_exit"] == before["households_ready_to_exit"] - 1
    assert after["households_not_recorded"]["education"] == 0
    assert after["poor_people"] == before["poor_people"]  # the register is unchanged


# ----------------------------------------------------------------------------- relocation-check
def test_relocation_check_json(run_cli, demo_path):
    code, out, err = run_cli("relocation-check", str(demo_path), "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert set(data) == {"totals", "failing", "sites"}
    t = data["totals"]
    assert t["sites"] == len(data["sites"]) == 2
    assert t["planned_households"] == sum(s["checks"]["capacity"]["value"] for s in data["sites"])
    assert set(data["failing"]) == set(CHECKS)
    for site in data["sites"]:
        assert set(site["checks"]) == set(CHECKS)
        assert site["checks_failed"] == sum(not c["ok"] for c in site["checks"].values())
    assert t["sites_failing_any"] == sum(s["checks_failed"] > 0 for s in data["sites"])
    s01 = data["sites"][0]
    assert s01["name"] == "古陂镇集镇安置点"
    assert s01["checks"]["demolished"] == {"ok": False, "value": 0.85, "threshold": 1.0}
    assert_no_personal_data(out)


def test_relocation_check_text(run_cli, demo_path):
    code, out, err = run_cli("relocation-check", str(demo_path))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert "安置点 2 个" in lines[0] and "计划 86 户 297 人" in lines[0]
    assert "有未达标项的安置点 1 个" in lines[0]
    assert "古陂镇集镇安置点" in out and "阳光村中心村安置点" in out
    row = next(line for line in lines if line.startswith("古陂镇集镇安置点"))
    assert "集镇" in row and "60/60 户" in row and "✗ 85.0%" in row and "✓ 0.28 km" in row
    assert_no_personal_data(out)


def test_relocation_rules_file_changes_the_checks(run_cli, demo_path, tmp_path):
    rules = write_rules(tmp_path, "[relocation]\nmin_demolished_share = 0.8\njobs_km = 1\n")
    code, out, _ = run_cli("relocation-check", str(demo_path), "--rules", rules, "--json")
    assert code == 0
    data = json.loads(out)
    s01 = data["sites"][0]["checks"]
    assert s01["demolished"]["ok"] and s01["demolished"]["threshold"] == 0.8
    assert not s01["jobs"]["ok"] and s01["jobs"]["threshold"] == 1.0  # 4.8 km to the base
    assert data["failing"]["demolished"] == 0 and data["failing"]["jobs"] == 1


# ----------------------------------------------------------------------------- bad rules files
@pytest.mark.parametrize("command", ["exit-check", "relocation-check"])
def test_invalid_rules_file_names_each_key_and_line(run_cli, demo_path, tmp_path, command):
    rules = write_rules(
        tmp_path,
        "# my rules\n[village_exit]\nmax_incidance = 0.03\n\n[relocation]\nschool_km = -1\n",
    )
    code, out, err = run_cli(command, str(demo_path), "--rules", rules)
    assert code != 0 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 2  # one problem per line
    assert "village_exit.max_incidance" in lines[0] and "line 3" in lines[0]
    assert "did you mean max_incidence?" in lines[0]
    assert "relocation.school_km" in lines[1] and "line 6" in lines[1]
    assert all(line.startswith("township-atlas: error: ") and rules in line for line in lines)


def test_rules_file_with_a_syntax_error(run_cli, demo_path, tmp_path):
    rules = write_rules(tmp_path, "[village_exit]\nmax_incidence = \n")
    code, out, err = run_cli("exit-check", str(demo_path), "--rules", rules, "--json")
    assert code != 0 and out == ""
    assert "TOML syntax error" in err and "line 2" in err


@pytest.mark.parametrize("command", ["exit-check", "relocation-check"])
def test_missing_rules_file_is_one_clear_line(run_cli, demo_path, tmp_path, command):
    code, out, err = run_cli(command, str(demo_path), "--rules", str(tmp_path / "nope.toml"))
    assert code != 0 and out == ""
    assert err.strip().count("\n") == 0
    assert "no rules file at" in err and "nope.toml" in err


def test_missing_workspace_is_one_clear_line(run_cli, tmp_path):
    code, out, err = run_cli("exit-check", str(tmp_path / "nope.gpkg"))
    assert code != 0 and out == ""
    assert err.strip().count("\n") == 0 and "no workspace at" in err


@pytest.mark.parametrize("command", ["exit-check", "relocation-check"])
def test_help_says_it_is_a_report(capsys, command):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "exits 0" in text and "--rules" in text and "--json" in text
    if command == "exit-check":
        assert "default: the workspace's latest" in text


@pytest.mark.parametrize("suffix", [".html", ".png"])
def test_export_map_writes_an_offline_page_or_a_picture(capsys, demo_path, tmp_path, suffix):
    out = tmp_path / f"map{suffix}"
    code = main(["export-map", str(demo_path), "--out", str(out), "--layers", "villages,labels"])
    assert code == 0 and out.stat().st_size > 10_000
    data = out.read_bytes()
    if suffix == ".png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        text = data.decode("utf-8")
        assert "<script src=" not in text and "L.map(" in text
        assert "大屋村" in text or json.dumps("大屋村")[1:-1] in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "map.svg"], "write FILE.html"),
        (["--out", "map.png", "--layers", "roads,tiles"], "unknown tiles"),
        (["--out", "map.png", "--village", "no-such"], "no village 'no-such'"),
    ],
)
def test_export_map_bad_input_is_one_line(run_cli, demo_path, tmp_path, args, message):
    args = [a if not a.startswith("map.") else str(tmp_path / a) for a in args]
    code, _, err = run_cli("export-map", str(demo_path), *args)
    err = err.strip()
    assert code != 0 and message in err and err.count("\n") == 0
