"""township-atlas station-report: totals are the sums of the station rows; a closed station
is reported closed in its year and not counted as working; text and JSON."""

from __future__ import annotations

import json
import shutil

import pytest

from township_atlas.geo import history
from township_atlas.geo.station_changes import station_status
from township_atlas.geo.workspace import update_workspace


def _report(run_cli, *args) -> dict:
    result = run_cli("station-report", *args, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_totals_are_the_sums_of_the_stations(run_cli, demo_path):
    data = _report(run_cli, demo_path)
    s, t = data["stations"], data["totals"]
    assert t["stations"] == len(s) > 0
    for col in ("poor_served", "poor_selling", "trained", "assistants"):
        assert t[col] == sum(x[col] or 0 for x in s)
    assert t["sales_wan"] == pytest.approx(sum(x["sales_wan"] or 0 for x in s), abs=0.01)
    working = [x for x in s if x["status"] == "运营"]
    assert t["operating_village_station"] == sum(x["kind"] == "village_station" for x in working)


def test_a_station_closed_in_a_year_is_not_working_then(run_cli, demo_path, tmp_path):
    path = shutil.copy(demo_path, tmp_path / "ws.gpkg")
    before = _report(run_cli, path, "--year", "2025")
    station = next(
        x for x in before["stations"] if x["kind"] == "village_station" and x["status"] == "运营"
    )
    at = "2025-03-01"
    update_workspace(
        path,
        lambda ws: history.record(
            ws,
            "station",
            station_status(ws, station["facility_id"], 2025, "关闭", at),
            changed_at=at,
            recorded_at=at,
        ),
    )
    after = _report(run_cli, path, "--year", "2025")
    row = next(x for x in after["stations"] if x["facility_id"] == station["facility_id"])
    assert row["status"] == "关闭" and "closed" in row["flags"]
    t0, t1 = before["totals"], after["totals"]
    assert t1["operating_village_station"] == t0["operating_village_station"] - 1
    assert t1["closed"] == t0["closed"] + 1
    earlier = _report(run_cli, path, "--year", "2024")
    row = next(x for x in earlier["stations"] if x["facility_id"] == station["facility_id"])
    assert row["status"] != "关闭"


def test_the_text_report(run_cli, demo_path):
    result = run_cli("station-report", demo_path)
    assert result.code == 0
    assert "年电商网点" in result.out and "目标" in result.out and "村级电商服务站" in result.out
