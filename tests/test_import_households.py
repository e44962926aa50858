"""Importing a household register: added, updated with history, unchanged the second time."""

from __future__ import annotations

import json
import shutil

import pytest

from township_atlas.analysis import history
from township_atlas.cli import main
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
def ws(demo_path, tmp_path):
    path = tmp_path / "ws.gpkg"
    shutil.copy(demo_path, path)
    return path


def run(capsys, *argv) -> tuple[int, dict]:
    code = main(["import", *argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_new_households_are_added_and_the_same_file_changes_nothing(capsys, ws, tmp_path):
    rows = [["新屋村", "N1", 3, "一般贫困户", "因病", 2024, "0", ""],
            ["李田村", "N2", 2, "低保户", "08", 2024, "0", ""]]  # fmt: skip
    csv = register(tmp_path / "r.csv", rows)
    before = len(read_workspace(ws).households)
    code, data = run(capsys, "households", csv, str(ws))
    assert code == 0 and data["written"] and data["taken"] == 2
    after = read_workspace(ws)
    assert len(after.households) == before + 2
    assert set(after["history"]["field"]) == {history.ROW}
    code, data = run(capsys, "households", csv, str(ws))
    assert code == 0 and data["unchanged"] and not data["written"]
    # Before the import's date the added households did not exist
    past = history.state_at(after, "2000-01-01")
    assert len(past.households) == before


def test_a_newer_register_updates_households_and_records_each_change(capsys, ws, tmp_path):
    register(tmp_path / "a.csv", [["新屋村", "N1", 3, "一般贫困户", "因病", 2024, "0", ""]])
    run(capsys, "households", str(tmp_path / "a.csv"), str(ws))
    newer = register(
        tmp_path / "b.csv", [["新屋村", "N1", 3, "一般贫困户", "因病", 2024, "1", 2025]]
    )
    code, data = run(capsys, "households", newer, str(ws))
    assert code == 0 and data["written"]
    after = read_workspace(ws)
    row = after.households.set_index("household_id").loc["N1"]
    assert (row["status"], row["exit_year"]) == ("已脱贫", 2025)
    changes = after["history"][after["history"]["change_id"] == "C00002"]
    assert set(changes["kind"]) == {"import"}
    assert set(changes["field"]) == {"status", "exit_year"}
    assert history.changes_table(after["history"]).iloc[0]["change_id"] == "C00002"


def test_rows_that_cannot_be_taken_block_the_import_unless_accepted(capsys, ws, tmp_path):
    rows = [["新屋村", "N1", 3, "一般贫困户", "因病", 2024, "0", ""],
            ["没有村", "N2", 2, "低保户", "08", 2024, "0", ""]]  # fmt: skip
    csv = register(tmp_path / "r.csv", rows)
    code, data = run(capsys, "households", csv, str(ws))
    assert code == 3 and not data["written"] and data["rejected"] == 1
    assert "没有村" in data["first_rejections"][0]["reason_zh"]
    code, data = run(capsys, "households", csv, str(ws), "--accept-partial")
    assert code == 3 and data["written"]


def test_a_file_with_no_register_in_it_changes_nothing(capsys, ws, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    code = main(["import", "households", str(bad), str(ws)])
    assert code == 2 and "nothing imported" in capsys.readouterr().err
