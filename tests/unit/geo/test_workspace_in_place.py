"""Changes written in place: only the rows that differ, in one SQLite transaction, read back
exactly as written; the version that caches key on; what another process changed read again."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from pandas.testing import assert_frame_equal
from shapely.geometry import MultiPolygon, Point, box

from township_atlas.geo import workspace as ws_module
from township_atlas.geo.validate import SchemaError
from township_atlas.geo.workspace import (
    read_workspace,
    update_workspace,
    workspace_version,
)


@pytest.fixture
def existing(minimal_workspace, tmp_path):
    path = tmp_path / "ws.gpkg"
    path.write_bytes(minimal_workspace.read_bytes())
    return path


def fresh(path):
    """The workspace read from its file, not from this process's memory."""
    ws_module._CACHE.clear()
    return read_workspace(path)


def same_as_file(path):
    """What this process remembers of ``path`` is exactly what a fresh read gives."""
    remembered = read_workspace(path)
    stored = fresh(path)
    assert list(remembered.layers) == list(stored.layers)
    for name, frame in stored.layers.items():
        assert_frame_equal(remembered[name], frame, check_like=False, obj=name)
    assert remembered.meta == stored.meta
    assert remembered.version == stored.version


def fids(path, table):
    with closing(sqlite3.connect(path)) as conn:
        return [r[0] for r in conn.execute(f'SELECT fid FROM "{table}" ORDER BY fid')]


def test_one_changed_row_is_updated_where_it_is(existing):
    before = fids(existing, "households")
    version = read_workspace(existing).version

    def change(ws):
        households = ws.households.copy()
        households.loc[households.index[2], "size"] = 11
        return {"households": households}

    update_workspace(existing, change)
    assert fids(existing, "households") == before  # no row deleted or added
    after = read_workspace(existing)
    assert after.households["size"].iloc[2] == 11
    assert after.version != version and after.version.split(".")[0] == version.split(".")[0]
    same_as_file(existing)


def test_rows_added_removed_and_reordered_read_back_in_the_order_written(existing):
    def change(ws):
        h = ws.households
        extra = h.iloc[[0]].assign(household_id="H-NEW", size=7)
        return {"households": pd.concat([h.iloc[::-1].iloc[:2], extra], ignore_index=True)}

    update_workspace(existing, change)
    got = fresh(existing).households
    assert got["household_id"].tolist()[-1] == "H-NEW"
    assert len(got) == 3 and got["size"].iloc[-1] == 7
    same_as_file(existing)


def test_new_geometry_goes_in_with_its_index_and_single_parts_made_multi(existing):
    moved = box(115.05, 25.31, 115.08, 25.33)

    def change(ws):
        villages = ws.villages.copy()
        villages.loc[villages.index[0], "geometry"] = moved  # a Polygon in a multi layer
        facilities = ws["facilities"].copy()
        facilities.loc[facilities.index[0], "geometry"] = Point(115.06, 25.32)
        return {"villages": villages, "facilities": facilities}

    update_workspace(existing, change)
    villages = fresh(existing).villages
    assert isinstance(villages.geometry.iloc[0], MultiPolygon)
    assert villages.geometry.iloc[0].equals(moved)
    # GDAL's own reader finds them through the R-tree the triggers kept
    hit = pyogrio.read_dataframe(
        existing, layer="facilities", bbox=(115.059, 25.319, 115.061, 25.321)
    )
    assert len(hit) == 1
    hit = pyogrio.read_dataframe(existing, layer="villages", bbox=(115.06, 25.32, 115.07, 25.325))
    assert len(hit) == 1
    same_as_file(existing)


def test_an_invalid_change_is_refused_and_changes_nothing(existing):
    before = existing.read_bytes()

    def duplicate(ws):  # the changed row takes the key of a row left alone
        h = ws.households.copy()
        h.loc[h.index[1], "household_id"] = h["household_id"].iloc[0]
        return {"households": h}

    def stray(ws):  # a household of a village that is not there
        h = ws.households.copy()
        h.loc[h.index[1], "village_code"] = "360722102299"
        return {"households": h}

    for change, said in ((duplicate, "duplicate key"), (stray, "is not in villages")):
        with pytest.raises(SchemaError, match=said):
            update_workspace(existing, change)
    assert existing.read_bytes() == before
    same_as_file(existing)


def test_metadata_goes_in_with_the_change_and_keeps_the_storage_keys_out(existing):
    update_workspace(existing, lambda ws: {}, {"exit_rules": "x = 1"})
    meta = fresh(existing).meta
    assert meta["exit_rules"] == "x = 1"
    assert not set(ws_module.VERSION_KEYS) & set(meta)
    assert not set(ws_module.VERSION_KEYS) & set(ws_module.read_meta(existing))


def test_another_processs_change_is_seen_and_only_its_layers_read_again(existing, monkeypatch):
    read_workspace(existing)  # remembered here
    key = workspace_version(existing)
    script = (
        "import sys\n"
        "from township_atlas.geo.workspace import update_workspace\n"
        "def change(ws):\n"
        "    h = ws.households.copy()\n"
        "    h.loc[h.index[0], 'size'] = 9\n"
        "    return {'households': h}\n"
        "update_workspace(sys.argv[1], change)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(existing)], check=True)
    assert workspace_version(existing) != key
    read = []
    real = pyogrio.read_dataframe
    monkeypatch.setattr(
        pyogrio, "read_dataframe", lambda *a, **kw: read.append(kw.get("layer")) or real(*a, **kw)
    )
    assert read_workspace(existing).households["size"].iloc[0] == 9
    assert [name for name in read if name != ws_module.META_LAYER] == ["households"]


def test_a_file_changed_by_another_program_is_read_again(existing):
    read_workspace(existing)
    # QGIS, say, editing a layer through GDAL: no version of ours is bumped
    villages = gpd.read_file(existing, layer="villages")
    villages.loc[0, "name"] = "改名村"
    pyogrio.write_dataframe(villages, existing, layer="villages")
    assert read_workspace(existing).villages["name"].iloc[0] == "改名村"


def test_a_file_without_a_column_of_this_version_is_written_whole(existing):
    with closing(sqlite3.connect(existing)) as conn:  # a layout from before a column was added
        conn.execute('ALTER TABLE "households" DROP COLUMN "head_id_masked"')
        conn.commit()
    ws_module._CACHE.clear()
    inode = existing.stat().st_ino

    def change(ws):
        h = ws.households.copy()
        h.loc[h.index[0], "size"] = 5
        return {"households": h}

    update_workspace(existing, change)
    assert existing.stat().st_ino != inode  # a new file took its place
    with closing(sqlite3.connect(existing)) as conn:
        cols = [r[1] for r in conn.execute('PRAGMA table_info("households")')]
    assert "head_id_masked" in cols
    assert fresh(existing).households["size"].iloc[0] == 5


def test_a_writer_killed_inside_its_transaction_changes_nothing(existing):
    from tests.support.processes import PAUSED, pausing_writer, wait_for_line

    before = fresh(existing)
    body = (
        "from township_atlas.geo.workspace import update_workspace\n"
        "def change(ws):\n"
        "    h = ws.households.copy()\n"
        "    h['size'] = 1\n"
        "    v = ws.villages.copy()\n"
        "    v['name'] = '半途村'\n"
        "    return {'villages': v, 'households': h}\n"
        "update_workspace(sys.argv[1], change)\n"
    )
    script = pausing_writer(body, after_layer="villages", in_place=True)
    with subprocess.Popen(
        [sys.executable, "-c", script, str(existing)], stdout=subprocess.PIPE, encoding="utf-8"
    ) as proc:
        wait_for_line(proc, PAUSED)
        # a reader meanwhile sees the workspace as it was, and is not kept waiting
        assert pyogrio.read_dataframe(existing, layer="villages")["name"].iloc[0] != "半途村"
        proc.kill()
        proc.wait()
    after = fresh(existing)
    for name in ("villages", "households"):
        assert_frame_equal(after[name], before[name])
    assert after.version == before.version


def test_a_change_larger_than_a_batch_goes_in_batch_by_batch(existing, monkeypatch):
    monkeypatch.setattr(ws_module.gpkg, "BATCH_ROWS", 2)
    written = {}

    def change(ws):
        h = ws.households.copy()
        h.loc[h.index[:3], "size"] = [21, 22, 23]
        extra = pd.concat([h.iloc[[0]]] * 5, ignore_index=True)
        extra = extra.assign(household_id=[f"H-NEW{i}" for i in range(5)], size=range(11, 16))
        written["households"] = pd.concat([h, extra], ignore_index=True)
        return dict(written)

    update_workspace(existing, change)
    got = fresh(existing).households
    assert got["household_id"].tolist() == written["households"]["household_id"].tolist()
    assert got["size"].tolist() == written["households"]["size"].astype(int).tolist()
    same_as_file(existing)
