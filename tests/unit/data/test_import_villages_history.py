"""A villages import records every village attribute it changes in the change history: one
change of kind import, undoable, replayed for past dates; the same file twice changes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from township_atlas.data.importing.run import import_boundaries
from township_atlas.geo import history
from township_atlas.geo.schema import WGS84
from township_atlas.geo.workspace import read_workspace, update_workspace

XINWU = "360722102201"  # 新屋村: a poor village that exited in 2017
GUPI = "360722102200"  # 古陂村: not a poor village


@pytest.fixture
def ws_path(demo_copy: Path) -> Path:
    """The workspace these tests change: a private copy of the demo (``demo_copy``)."""
    return demo_copy


def villages_file(demo_ws, path: Path, codes: list[str], **values) -> Path:
    """A GeoPackage of the demo's ``codes`` villages (their own boundaries, exactly) with
    ``values`` (column -> {code: value}) over their attributes."""
    v = demo_ws.villages
    v = v[v["code"].isin(codes)][["code", "name", "poor_village", "exit_year", "geometry"]]
    frame = gpd.GeoDataFrame(v, crs=WGS84)
    for col, by_code in values.items():
        for code, value in by_code.items():
            frame.loc[frame["code"] == code, col] = pd.NA if value is None else value
    frame = frame.rename(columns={"code": "XZQDM", "name": "XZQMC"})
    frame = frame.rename(columns={"poor_village": "贫困村", "exit_year": "出列年度"})
    frame.to_file(path, driver="GPKG")
    return path


def village(ws, code: str):
    return ws.villages.set_index("code").loc[code]


def test_a_flip_is_one_import_change_undone_and_replayed(ws_path, demo_ws, tmp_path):
    src = villages_file(
        demo_ws,
        tmp_path / "v.gpkg",
        [XINWU, GUPI],
        poor_village={XINWU: False},
        exit_year={XINWU: 2018},
    )
    out = import_boundaries(ws_path, src, "villages")
    assert out.written and out.exit_code == 0
    assert out.changes is not None and "更新 1 个村" in out.changes[0]
    assert not any("边界已更新" in zh for zh, _ in out.notes)  # the same boundaries
    after = read_workspace(ws_path)
    rows = after["history"][after["history"]["kind"] == "import"]
    assert rows["change_id"].nunique() == 1 and set(rows["layer"]) == {"villages"}
    assert set(rows["record_key"]) == {XINWU}
    assert set(rows["field"]) == {"poor_village", "exit_year"}
    by = rows.set_index("field")
    assert (by.loc["poor_village", "old_value"], by.loc["poor_village", "new_value"]) == (
        "true",
        "false",
    )
    assert (by.loc["exit_year", "old_value"], by.loc["exit_year", "new_value"]) == ("2017", "2018")
    # an exit counts from the end of its year; what the file does not date, from the import
    assert by.loc["exit_year", "changed_at"] == "2018-12-31"
    assert by.loc["poor_village", "changed_at"] == date.today().isoformat()
    now = village(after, XINWU)
    assert not now["poor_village"] and now["exit_year"] == 2018

    past = village(history.state_at(after, "2018-12-30"), XINWU)
    assert past["poor_village"] and past["exit_year"] == 2017
    yesterday = date.fromordinal(date.today().toordinal() - 1).isoformat()
    past = village(history.state_at(after, yesterday), XINWU)
    assert past["poor_village"] and past["exit_year"] == 2018
    assert len(history.state_at(after, "2016-12-31").villages) == len(after.villages)

    # the same file again changes nothing and records nothing
    again = import_boundaries(ws_path, src, "villages")
    assert again.unchanged and not again.written
    assert len(read_workspace(ws_path)["history"]) == len(after["history"])

    # undo (written as the dashboard writes it) restores the attributes, boundaries intact
    change_id = rows["change_id"].iloc[0]
    update_workspace(
        ws_path, lambda ws: history.undo(ws, change_id, recorded_at="2031-01-01T00:00:00")
    )
    undone = read_workspace(ws_path)
    back = village(undone, XINWU)
    assert back["poor_village"] and back["exit_year"] == 2017
    assert back["geometry"].equals(village(demo_ws, XINWU)["geometry"])
    assert len(undone.villages) == len(demo_ws.villages)


def test_an_exit_counts_from_the_end_of_its_year(ws_path, demo_ws, tmp_path):
    src = villages_file(
        demo_ws,
        tmp_path / "v.gpkg",
        [GUPI],
        poor_village={GUPI: True},
        exit_year={GUPI: 2019},
    )
    assert import_boundaries(ws_path, src, "villages").written
    after = read_workspace(ws_path)
    by = after["history"].set_index("field")
    assert by.loc["exit_year", "changed_at"] == "2019-12-31"
    assert by.loc["poor_village", "changed_at"] == date.today().isoformat()  # the file says no when
    before = village(history.state_at(after, "2019-12-30"), GUPI)
    assert not before["poor_village"] and pd.isna(before["exit_year"])
    assert village(history.state_at(after, "2020-12-31"), GUPI)["exit_year"] == 2019


def test_a_new_village_is_recorded_added_and_undone(ws_path, demo_ws, tmp_path):
    inside = village(demo_ws, GUPI)["geometry"].centroid.buffer(0.002)
    new = gpd.GeoDataFrame(
        {"XZQDM": ["360722102215"], "XZQMC": ["新村"], "户籍人口": [100]},
        geometry=[inside],
        crs=WGS84,
    )
    path = tmp_path / "new.gpkg"
    new.to_file(path, driver="GPKG")
    out = import_boundaries(ws_path, path, "villages")
    assert out.written and "新增 1 个村" in out.changes[0]
    after = read_workspace(ws_path)
    rows = after["history"]
    assert list(rows["field"]) == [history.ROW] and rows["new_value"].iloc[0] == history.CREATED
    # a past date shows today's villages (pages pair them row by row)
    assert len(history.state_at(after, "2016-12-31").villages) == len(after.villages)
    change_id = rows["change_id"].iloc[0]
    update_workspace(
        ws_path, lambda ws: history.undo(ws, change_id, recorded_at="2031-01-01T00:00:00")
    )
    undone = read_workspace(ws_path)
    assert "360722102215" not in set(undone.villages["code"])
    assert len(history.state_at(undone, "2016-12-31").villages) == len(demo_ws.villages)
    undo_id = undone["history"]["change_id"].iloc[-1]
    with pytest.raises(history.ChangeError, match="boundary"):
        history.undo(undone, undo_id, recorded_at="2031-01-02T00:00:00")


def test_a_new_boundary_alone_is_written_with_a_note_and_no_history(ws_path, demo_ws, tmp_path):
    from shapely import affinity

    v = demo_ws.villages[demo_ws.villages["code"] == GUPI][["code", "name", "geometry"]].copy()
    v["geometry"] = [affinity.scale(g, 0.95, 0.95) for g in v.geometry]
    path = tmp_path / "shape.gpkg"
    gpd.GeoDataFrame(v, crs=WGS84).to_file(path, driver="GPKG")
    out = import_boundaries(ws_path, path, "villages")
    assert out.written and any("1 个村的边界已更新" in zh for zh, _ in out.notes)
    after = read_workspace(ws_path)
    assert after["history"].empty
    assert village(after, GUPI)["geometry"].area < village(demo_ws, GUPI)["geometry"].area


def test_a_dry_run_says_what_would_be_recorded(ws_path, demo_ws, tmp_path):
    src = villages_file(demo_ws, tmp_path / "v.gpkg", [XINWU], poor_village={XINWU: False})
    before = ws_path.read_bytes()
    out = import_boundaries(ws_path, src, "villages", dry_run=True)
    assert out.dry_run and not out.written and "更新 1 个村" in out.changes[0]
    assert ws_path.read_bytes() == before
