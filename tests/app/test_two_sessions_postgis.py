"""Two dashboard sessions, each in its own process, on one workspace in PostgreSQL + PostGIS,
record changes to the same village at the same moment: both land (the row lock makes the second
wait and work from the first's result). Skipped, with the reason, where no server can start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from tests.support.paths import ROOT
from township_atlas.geo import workspace as ws_module
from township_atlas.geo.workspace import read_workspace

ZHONGKENG = "360722102210"  # 中坑村


@pytest.fixture
def db_demo(postgres, demo_path):
    from township_atlas.geo.migrate import migrate

    url = postgres.new_schema_url()
    migrate(demo_path, url)
    return url


def test_two_sessions_recording_the_same_village_at_once_both_land(db_demo, tmp_path):
    before = len(read_workspace(db_demo)["history"])
    env = {**os.environ, "TOWNSHIP_ATLAS_WORKSPACE": db_demo, "PYTHONPATH": str(ROOT)}
    go = tmp_path / "go"
    sessions = []
    for index in (0, 1):
        ready = tmp_path / f"ready{index}"
        cmd = [sys.executable, "-m", "tests.support.record_session", ZHONGKENG, str(index)]
        proc = subprocess.Popen(
            [*cmd, str(ready), str(go)], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        sessions.append((proc, ready))
    deadline = time.monotonic() + 180
    while not all(r.exists() for _, r in sessions) and time.monotonic() < deadline:
        assert all(p.poll() is None for p, _ in sessions), "a session ended before its click"
        time.sleep(0.05)
    go.touch()  # both click 登记 now
    results = [
        json.loads(p.communicate(timeout=180)[0].strip().splitlines()[-1]) for p, _ in sessions
    ]
    assert all(not r["exception"] for r in results), results
    assert all(r["said"] and "登记" in r["said"][0] for r in results), results
    assert results[0]["field"] != results[1]["field"]
    ws_module._CACHE.clear()
    history = read_workspace(db_demo)["history"]
    assert len(history) > before
    changed = set(history.iloc[before:]["field"].astype(str))
    assert {results[0]["field"], results[1]["field"]} <= changed, (changed, results)
