"""Which rows a change touched: compared value by value, conservatively."""

from __future__ import annotations

import sqlite3

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from township_atlas.geo.row_diff import Diff, diff_rows, differs
from township_atlas.geo.workspace import read_workspace, update_workspace


def _frame(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns)


def test_equal_rows_and_both_missing_are_unchanged():
    old = _frame(
        name=pd.array(["a", None, "c"], dtype="string"),
        n=pd.array([1, None, 3], dtype="Int64"),
        x=[1.0, np.nan, 3.0],
    )
    new = old.copy()
    diff = diff_rows(old, new)
    assert diff.changed.tolist() == [] and (diff.n_old, diff.n_new) == (3, 3)


def test_a_changed_cell_a_filled_gap_and_appended_rows_are_found():
    old = _frame(name=pd.array(["a", None, "c"], dtype="string"), x=[1.0, 2.0, 3.0])
    new = _frame(name=pd.array(["a", "b", "c", "d"], dtype="string"), x=[1.0, 2.0, 3.5, 4.0])
    diff = diff_rows(old, new)
    assert diff.changed.tolist() == [1, 2]
    assert diff.rows.tolist() == [1, 2, 3]


def test_removed_rows_are_counted_not_listed():
    old = _frame(x=[1.0, 2.0, 3.0])
    diff = diff_rows(old, old.iloc[:1])
    assert diff.changed.tolist() == [] and (diff.n_old, diff.n_new) == (3, 1)


def test_a_column_of_another_dtype_counts_as_changed():
    old = _frame(n=pd.array([1, 2], dtype="Int64"))
    new = _frame(n=[1.0, 2.0])
    assert diff_rows(old, new).changed.tolist() == [0, 1]


def test_among_compares_only_the_positions_given():
    old = _frame(x=[1.0, 2.0, 3.0])
    new = _frame(x=[9.0, 2.0, 9.0])
    assert diff_rows(old, new, among=[1, 2]).changed.tolist() == [2]


def test_geometry_compares_coordinates_exactly():
    a = gpd.GeoSeries([Point(0, 0), Point(1, 1), None], crs="EPSG:4326").array
    b = gpd.GeoSeries([Point(0, 0), Point(1, 1.0000001), None], crs="EPSG:4326").array
    assert differs(a, b).tolist() == [False, True, False]


def test_nothing_stored_means_every_row_is_new():
    diff = diff_rows(None, _frame(x=[1.0, 2.0]))
    assert (diff.n_old, diff.n_new, diff.rows.tolist()) == (0, 2, [0, 1])
    assert Diff.added(2).rows.tolist() == [0, 1]


@pytest.mark.slow  # 4 s: writes the demo workspace
def test_a_table_with_gaps_in_its_fids_is_still_written_in_place(demo_copy):
    """A row deleted in the middle by another tool (QGIS) leaves a gap in the fids: the
    change must still land on the right row."""
    path = demo_copy
    ws = read_workspace(path)
    last = ws.households["household_id"].iloc[-1]
    with sqlite3.connect(path) as conn:  # the first row goes, as if deleted in QGIS
        conn.execute("DELETE FROM households WHERE fid = (SELECT min(fid) FROM households)")
    # the file changed behind the workspace's back: it is read again, gaps and all
    gone = ws.households["household_id"].iloc[0]

    def change(w):
        h = w.households.copy()
        h.loc[h["household_id"] == last, "size"] = 9
        return {"households": h}

    update_workspace(path, change)
    after = read_workspace(path).households
    assert gone not in set(after["household_id"])
    assert after.loc[after["household_id"] == last, "size"].tolist() == [9]
    assert len(after) == len(ws.households) - 1
