"""The township-atlas command: demo, summary (JSON and table) and its errors."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import pytest

from tests.support.paths import EXPECTED as EXPECTED_DIR
from township_atlas.cli import main

EXPECTED = EXPECTED_DIR


def test_summary_json_reproduces_the_brief_table(run_cli, demo_path):
    code, out, _ = run_cli("summary", str(demo_path), "--json")
    assert code == 0
    data = json.loads(out)
    with open(EXPECTED / "registered_by_category.csv", encoding="utf-8") as f:
        expected = [
            {
                "category": r["category"],
                "households": int(r["households"]),
                "persons": int(r["persons"]),
            }
            for r in csv.DictReader(f)
        ]
    got = [
        {k: row[k] for k in ("category", "households", "persons")} for row in data["by_category"]
    ]
    assert got == expected
    # The brief's two groups: development 450 hh / 1,587, protection 516 hh / 1,430.
    assert data["by_group"] == [
        {"group": "扶贫开发", "households": 450, "persons": 1587},
        {"group": "政策保障", "households": 516, "persons": 1430},
    ]
    groups = {row["category"]: row["group"] for row in data["by_category"]}
    assert groups == {
        "一般贫困户": "扶贫开发",
        "低保贫困户": "扶贫开发",
        "低保户": "政策保障",
        "特困供养户": "政策保障",
    }
    totals = data["totals"]
    assert (totals["registered_households"], totals["registered_people"]) == (966, 3017)
    assert totals["population"] == 42931
    assert data["township"] == {"code": "360722102", "name": "古陂镇"}


def test_summary_json_villages_and_incidence(run_cli, demo_path):
    _, out, _ = run_cli("summary", str(demo_path), "--json", "--year", "2014")
    data = json.loads(out)
    villages = data["villages"]
    assert len(villages) == 17
    assert {v["code"][:9] for v in villages} == {"360722102"}
    for v in villages:
        assert set(v) >= {"code", "name", "population", "poor_households", "poor_people"}
        assert v["incidence"] == pytest.approx(v["poor_people"] / v["population"])
    assert sum(v["population"] for v in villages) == 42931
    assert sum(v["registered_people"] for v in villages) == 3017
    # Remaining poor at 2014 cannot exceed the register, and the township figure is their sum.
    assert data["totals"]["poor_people"] == sum(v["poor_people"] for v in villages) <= 3017


def test_summary_table_is_readable(run_cli, demo_path):
    code, out, _ = run_cli("summary", str(demo_path))
    assert code == 0
    assert "古陂镇" in out and "一般贫困户" in out and "新屋村" in out
    assert "966" in out and "3,017" in out


def test_demo_writes_a_workspace_that_opens(run_cli, tmp_path):
    from township_atlas.geo.workspace import read_workspace

    target = tmp_path / "nested" / "demo.gpkg"
    code, out, _ = run_cli("demo", "--out", str(target))
    assert code == 0 and out.strip() == str(target)
    ws = read_workspace(target)
    assert len(ws.villages) == 17


def test_missing_workspace_is_one_clear_line(run_cli, tmp_path):
    code, out, err = run_cli("summary", str(tmp_path / "nope.gpkg"))
    assert code == 1 and out == ""
    assert err.strip().count("\n") == 0
    assert "no workspace at" in err and "nope.gpkg" in err


def test_invalid_workspace_names_the_problem(run_cli, tmp_path):
    import geopandas as gpd
    import pyogrio
    from shapely.geometry import box

    bad = tmp_path / "bad.gpkg"
    frame = gpd.GeoDataFrame({"code": ["123"], "name": ["X"]}, geometry=[box(0, 0, 1, 1)], crs=4326)
    pyogrio.write_dataframe(frame, bad, layer="villages")
    code, _, err = run_cli("summary", str(bad))
    assert code == 1
    assert "not valid" in err and "villages" in err


def test_a_file_that_is_not_a_geopackage_is_one_clear_line(run_cli, tmp_path):
    bad = tmp_path / "notes.gpkg"
    bad.write_text("not a geopackage", encoding="utf-8")
    code, out, err = run_cli("summary", str(bad))
    assert code == 1 and out == ""
    assert err.startswith("township-atlas: error: cannot read the workspace")
    assert err.strip().count("\n") == 0


def test_no_subcommand_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2


def test_serve_names_create_for_a_workspace_that_does_not_exist(tmp_path, run_cli):
    missing = tmp_path / "new.gpkg"
    served = run_cli("serve", str(missing))
    assert served.code == 1
    assert f"township-atlas serve {missing} --create" in served.err
    served = run_cli("serve", str(tmp_path / "nowhere" / "x.gpkg"), "--create")
    assert served.code == 1
    assert "existing folder" in served.err


def test_a_reader_that_goes_away_is_not_a_traceback(demo_path, tmp_path):
    """``township-atlas exit-check --json | head -1``: the pipe closes before the output is
    written; the command stops with exit 1 and says nothing on stderr."""
    env = {**os.environ, "TOWNSHIP_ATLAS_HOME": str(tmp_path)}
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first byte
    with open(write, "wb") as out:
        done = subprocess.run(
            [sys.executable, "-m", "township_atlas.cli", "exit-check", str(demo_path), "--json"],
            stdout=out,
            stderr=subprocess.PIPE,
            env=env,
            timeout=120,
        )
    assert done.returncode == 1
    assert done.stderr.decode() == ""
