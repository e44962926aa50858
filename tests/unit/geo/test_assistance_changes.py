"""Recording a visit or a pairing: written through the workspace, in the history, undoable;
also into a workspace written before the assistance layers existed."""

from __future__ import annotations

import shutil
import sqlite3

import pandas as pd
import pytest

from township_atlas.geo import history
from township_atlas.geo.assistance_changes import cadre_paired, visit_added
from township_atlas.geo.history import ChangeError
from township_atlas.geo.workspace import read_workspace, update_workspace

pytestmark = pytest.mark.slow

CADRES = pd.DataFrame(
    {
        "cadre_id": ["C1"],
        "cadre_name": ["王某"],
        "unit": ["县农业农村局"],
        "post": ["科员"],
        "responsibility": ["帮扶责任人"],
        "village_code": [None],
    }
)


@pytest.fixture
def ws_path(minimal_workspace, tmp_path):
    path = shutil.copy(minimal_workspace, tmp_path / "ws.gpkg")
    update_workspace(path, lambda ws: {"cadres": CADRES})
    return path


def _record(path, make, at="2024-03-05"):
    def change(ws):
        return history.record(ws, "assistance", make(ws), changed_at=at, recorded_at=at)

    update_workspace(path, change)
    return read_workspace(path)


def test_a_visit_is_added_recorded_and_undone(ws_path):
    ws = _record(ws_path, lambda ws: visit_added(ws, "H1", "2024-03-05", "C1", "了解产业"))
    visits = ws["visits"]
    assert visits[
        ["visit_id", "household_id", "visit_date", "cadre_id", "note"]
    ].values.tolist() == [["V20240305-1", "H1", "2024-03-05", "C1", "了解产业"]]
    rows = ws["history"][ws["history"]["layer"] == "visits"]
    assert rows["field"].tolist() == ["__row__", "household_id", "visit_date", "cadre_id", "note"]
    assert set(rows["kind"]) == {"assistance"}
    ws = _record(ws_path, lambda ws: visit_added(ws, "H1", "2024-03-05", None))
    assert ws["visits"]["visit_id"].tolist() == ["V20240305-1", "V20240305-2"]
    change = ws["history"]["change_id"].iloc[-1]
    update_workspace(ws_path, lambda ws: history.undo(ws, change, recorded_at="2024-03-06"))
    assert read_workspace(ws_path)["visits"]["visit_id"].tolist() == ["V20240305-1"]


def test_a_past_date_does_not_see_a_later_visit(ws_path):
    ws = _record(ws_path, lambda ws: visit_added(ws, "H1", "2024-03-05", "C1"))
    assert len(history.state_at(ws, "2024-03-04")["visits"]) == 0
    assert len(history.state_at(ws, "2024-03-05")["visits"]) == 1


def test_a_pairing_is_added_then_changed(ws_path):
    ws = _record(ws_path, lambda ws: cadre_paired(ws, "H2", "C1", 2023))
    assert ws["pairings"].values.tolist() == [["H2", "C1", 2023]]
    ws = _record(ws_path, lambda ws: cadre_paired(ws, "H2", "C1", 2024), at="2024-06-01")
    assert ws["pairings"]["since_year"].tolist() == [2024]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("H9", "2024-03-05", None), "no household H9"),
        (("H1", "2024-03-05", "C9"), "no cadre C9"),
        (("H1", "2024-03-05", None, "电话 13812345678"), "ID or phone"),
        (("H1", "2024-03-05", None, "证件 36072219800101123X"), "ID or phone"),
    ],
)
def test_bad_visits_are_refused(ws_path, args, message):
    ws = read_workspace(ws_path)
    with pytest.raises(ChangeError, match=message):
        visit_added(ws, *args)


def test_a_workspace_without_the_new_tables_takes_a_visit(minimal_workspace, tmp_path):
    path = shutil.copy(minimal_workspace, tmp_path / "old.gpkg")
    with sqlite3.connect(path) as conn:  # as a file written before the layers existed
        for name in ("visits", "cadres", "pairings"):
            conn.execute(f'DROP TABLE IF EXISTS "{name}"')
            conn.execute("DELETE FROM gpkg_contents WHERE table_name = ?", (name,))
            conn.execute("DELETE FROM gpkg_geometry_columns WHERE table_name = ?", (name,))
    ws = _record(path, lambda ws: visit_added(ws, "H3", "2024-05-01", None))
    assert ws["visits"]["household_id"].tolist() == ["H3"]


def test_a_written_visit_must_name_a_household_and_cadre_of_the_workspace(ws_path):
    from township_atlas.geo.validate import SchemaError

    bad = pd.DataFrame(
        {
            "visit_id": ["V1", "V2"],
            "household_id": ["H1", "H9"],
            "visit_date": ["2024-01-02", "2024-01-03"],
            "cadre_id": ["C7", "C1"],
            "note": [None, None],
        }
    )
    with pytest.raises(SchemaError) as err:
        update_workspace(ws_path, lambda ws: {"visits": bad})
    text = str(err.value)
    assert "H9 is not in households" in text and "C7 is not in cadres" in text
    assert len(read_workspace(ws_path)["visits"]) == 0
