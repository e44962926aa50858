"""Importing a household register: added, updated with history, unchanged the second time."""

from __future__ import annotations

import json

import pytest

from township_atlas.geo import history
from township_atlas.geo.workspace import read_workspace

HEADER = [
    "行政村",
    "户编号",
    "人数",
    "贫困户属性",
    "主要致贫原因",
    "识别年度",
    "脱贫属性",
    "脱贫年度",
]


def register(path, rows) -> str:
    lines = [",".join(HEADER), *(",".join(str(v) for v in r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return str(path)


@pytest.fixture
def ws(demo_copy):
    """The workspace these tests change: a private copy of the demo (``demo_copy``)."""
    return demo_copy


def run(run_cli, *argv) -> tuple[int, dict]:
    code, out, _ = run_cli("import", *argv, "--json")
    return code, json.loads(out)


def test_new_households_are_added_and_the_same_file_changes_nothing(run_cli, ws, tmp_path):
    rows = [["新屋村", "N1", 3, "一般贫困户", "因病", 2024, "0", ""],
            ["李田村", "N2", 2, "低保户", "08", 2024, "0", ""]]  # fmt: skip
    csv = register(tmp_path / "r.csv", rows)
    before = len(read_workspace(ws).households)
    code, data = run(run_cli, "households", csv, str(ws))
    assert code == 0 and data["written"] and data["taken"] == 2
    after = read_workspace(ws)
    assert len(after.households) == before + 2
    assert set(after["history"]["field"]) == {history.ROW}
    code, data = run(run_cli, "households", csv, str(ws))
    assert code == 0 and data["unchanged"] and not data["written"]
    # Before the import's date the added households did not exist
    past = history.state_at(after, "2000-01-01")
    assert len(past.households) == before


def test_a_newer_register_updates_households_and_records_each_change(run_cli, ws, tmp_path):
    register(tmp_path / "a.csv", [["新屋村", "N1", 3, "一般贫困户", "因病", 2024, "0", ""]])
    run(run_cli, "households", str(tmp_path / "a.csv"), str(ws))
    newer = register(
        tmp_path / "b.csv", [["新屋村", "N1", 3, "一般贫困户", "因病", 2024, "1", 2025]]
    )
    code, data = run(run_cli, "households", newer, str(ws))
    assert code == 0 and data["written"]
    after = read_workspace(ws)
    row = after.households.set_index("household_id").loc["N1"]
    assert (row["status"], row["exit_year"]) == ("已脱贫", 2025)
    changes = after["history"][after["history"]["change_id"] == "C00002"]
    assert set(changes["kind"]) == {"import"}
    # code 1 says the exited household still receives support: that is recorded too
    assert set(changes["field"]) == {"status", "exit_year", "policy_support"}
    assert history.changes_table(after["history"]).iloc[0]["change_id"] == "C00002"


def test_rows_that_cannot_be_taken_block_the_import_unless_accepted(run_cli, ws, tmp_path):
    rows = [["新屋村", "N1", 3, "一般贫困户", "因病", 2024, "0", ""],
            ["没有村", "N2", 2, "低保户", "08", 2024, "0", ""]]  # fmt: skip
    csv = register(tmp_path / "r.csv", rows)
    code, data = run(run_cli, "households", csv, str(ws))
    assert code == 3 and not data["written"] and data["rejected"] == 1
    assert "没有村" in data["first_rejections"][0]["reason_zh"]
    code, data = run(run_cli, "households", csv, str(ws), "--accept-partial")
    assert code == 3 and data["written"]


def test_a_file_with_no_register_in_it_changes_nothing(run_cli, ws, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    code, _, err = run_cli("import", "households", str(bad), str(ws))
    assert code == 2 and "nothing imported" in err


def test_a_register_in_a_new_workspace_counts_in_the_years_it_names(run_cli, ws, tmp_path):
    """The first register of a workspace is a snapshot with its own years: the households it
    adds count from the year they were identified, not from the day of the import."""
    rows = [["新屋村", "N1", 3, "一般贫困户", "因病", 2016, "1", 2019],
            ["李田村", "N2", 2, "低保户", "08", 2017, "0", ""]]  # fmt: skip
    run(run_cli, "households", register(tmp_path / "r.csv", rows), str(ws))
    after = read_workspace(ws)
    created = after["history"].set_index("record_key")["changed_at"]
    assert (created["N1"], created["N2"]) == ("2016-01-01", "2017-01-01")
    ids = lambda w: set(w.households["household_id"])  # noqa: E731
    assert {"N1", "N2"} <= ids(history.state_at(after, "2017-12-31"))
    assert "N2" not in ids(history.state_at(after, "2016-12-31"))


def test_a_newer_register_dates_each_change_by_the_year_it_names(run_cli, ws, tmp_path):
    register(tmp_path / "a.csv", [["新屋村", "N1", 3, "一般贫困户", "因病", 2016, "0", ""]])
    run(run_cli, "households", str(tmp_path / "a.csv"), str(ws))
    newer = [["新屋村", "N1", 4, "一般贫困户", "因病", 2016, "1", 2019]]
    run(run_cli, "households", register(tmp_path / "b.csv", newer), str(ws))
    after = read_workspace(ws)
    rows = after["history"][after["history"]["change_id"] == "C00002"].set_index("field")
    assert rows.loc["status", "changed_at"] == "2019-12-31"
    assert rows.loc["exit_year", "changed_at"] == "2019-12-31"
    assert rows.loc["size", "changed_at"] > "2020"  # no year for a size: the import's day
    n1 = lambda w: w.households.set_index("household_id").loc["N1"]  # noqa: E731
    assert n1(history.state_at(after, "2019-12-31"))["status"] == "已脱贫"
    assert n1(history.state_at(after, "2018-12-31"))["status"] == "未脱贫"


def test_undoing_an_import_removes_its_households_and_the_past_still_replays(run_cli, ws, tmp_path):
    rows = [["新屋村", "N1", 3, "一般贫困户", "因病", 2016, "1", 2019]]
    run(run_cli, "households", register(tmp_path / "r.csv", rows), str(ws))
    imported = read_workspace(ws)
    layers = history.undo(imported, "C00001", recorded_at="2030-01-01T00:00:00")
    undone = read_workspace(ws).__class__({**imported.layers, **layers}, imported.meta)
    assert "N1" not in set(undone.households["household_id"])
    # The undo takes effect when the import did: as if the household had never been added
    for day in ("2015-12-31", "2016-01-01", "2020-12-31"):
        assert "N1" not in set(history.state_at(undone, day).households["household_id"])
    # ... and its history keeps every field of the removed household, so nothing is lost
    kept = undone["history"][undone["history"]["reverts"] == "C00001"].set_index("field")
    assert kept.loc["status", "old_value"] == "已脱贫" and kept.loc["size", "old_value"] == "3"


def test_a_dry_run_says_what_would_change_and_writes_nothing(run_cli, ws, tmp_path):
    rows = [["新屋村", "N1", 3, "一般贫困户", "因病", 2016, "0", ""]]
    before = ws.read_bytes()
    code, data = run(
        run_cli, "households", register(tmp_path / "r.csv", rows), str(ws), "--dry-run"
    )
    assert code == 0 and data["dry_run"] and not data["written"] and data["taken"] == 1
    assert any("新增 1 户" in n["zh"] for n in data["notes"])
    assert ws.read_bytes() == before
