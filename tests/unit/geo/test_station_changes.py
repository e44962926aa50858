"""A station's status recorded as a change: added or set on its row of the year, undone."""

from __future__ import annotations

import shutil

import pytest

from township_atlas.analysis import station_ops
from township_atlas.geo import history
from township_atlas.geo.history import ChangeError
from township_atlas.geo.station_changes import station_status
from township_atlas.geo.workspace import read_workspace, update_workspace

pytestmark = pytest.mark.slow


def _record(path, make, at):
    update_workspace(
        path, lambda ws: history.record(ws, "station", make(ws), changed_at=at, recorded_at=at)
    )
    return read_workspace(path)


def test_closing_then_reopening_a_station(demo_path, tmp_path):
    path = shutil.copy(demo_path, tmp_path / "ws.gpkg")
    ws = read_workspace(path)
    station = station_ops.stations_of(ws["facilities"])
    vid = station.loc[station["kind"] == "village_station", "facility_id"].iloc[0]
    before = len(ws["station_operations"])
    # the demo's latest year (2025): its operations have a row for every station and year
    ws = _record(path, lambda w: station_status(w, vid, 2025, "关闭", "2025-05-01"), "2025-05-01")
    ops = ws["station_operations"]
    row = ops[(ops["facility_id"] == vid) & (ops["year"] == 2025)].iloc[0]
    assert (row["status"], row["status_date"]) == ("关闭", "2025-05-01")
    assert len(ops) in (before, before + 1)  # the year's row set, or added
    fac = station_ops.stations_of(ws["facilities"])
    working = station_ops.operating(fac, ops, 2025)
    assert not working[fac["facility_id"] == vid].iloc[0]
    assert working[fac["facility_id"] == vid].index.size == 1
    # closed stays closed the next year, until a row says otherwise
    assert station_ops.status_in(fac, ops, 2026)[fac["facility_id"] == vid].iloc[0] == "关闭"
    change = ws["history"]["change_id"].iloc[-1]
    update_workspace(path, lambda w: history.undo(w, change, recorded_at="2025-05-02"))
    ops = read_workspace(path)["station_operations"]
    assert len(ops) == before


@pytest.mark.parametrize(
    ("fid", "status", "date", "message"),
    [
        ("F999", "关闭", None, "no e-commerce station"),
        ("F032", "倒闭", None, "status is one of"),
        ("F032", "关闭", "2023-02-01", "not in 2024"),
    ],
)
def test_bad_station_changes_are_refused(demo_ws, fid, status, date, message):
    with pytest.raises(ChangeError, match=message):
        station_status(demo_ws, fid, 2024, status, date)
