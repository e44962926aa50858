"""History rows of an import, built column-wise for every added and changed household."""

from __future__ import annotations

import pandas as pd

from township_atlas.data.importing.history import record_import
from township_atlas.geo.history import CREATED, ROW
from township_atlas.geo.workspace import Workspace

V = "360722102001"
STAMP = {"imported_on": "2024-06-01", "recorded_at": "2024-06-01T09:00:00", "note": "导入 a.csv"}
COLUMNS = ["household_id", "village_code", "size", "identified_year", "exit_year", "status"]


def _households(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


def _workspace(households: pd.DataFrame, history: list[tuple] = ()) -> Workspace:
    done = pd.DataFrame(
        history, columns=["change_id", "changed_at", "layer", "record_key", "field", "kind"]
    )
    return Workspace({"households": households, "history": done})


def _rows(history: pd.DataFrame, first: int) -> list[tuple]:
    cols = ["record_key", "field", "old_value", "new_value", "changed_at"]
    # missing as None, however the concatenation with the stored history holds it
    return [
        tuple(None if pd.isna(v) else v for v in r)
        for r in history.iloc[first:][cols].itertuples(index=False)
    ]


def test_each_added_household_is_one_row_dated_by_its_identified_year():
    ws = _workspace(_households([("H1", V, 3, 2016, None, "未脱贫")]))
    new = _households(
        [
            ("H1", V, 3, 2016, None, "未脱贫"),
            ("H2", V, 4, 2018, None, "未脱贫"),
            ("H3", V, 2, None, None, "未脱贫"),  # no year: from the import's day
            ("H4", V, 1, 2030, None, "未脱贫"),  # a year to come: not after the import's day
        ]
    )
    done = record_import(ws, "households", new, ["H1", "H2", "H3", "H4"], **STAMP)
    assert (done.added, done.updated, done.unchanged, done.kept) == (3, 0, 1, 0)
    history = done.layers["history"]
    assert _rows(history, 0) == [
        ("H2", ROW, None, CREATED, "2018-01-01"),
        ("H3", ROW, None, CREATED, "2024-06-01"),
        ("H4", ROW, None, CREATED, "2024-06-01"),
    ]
    assert set(history["change_id"]) == {"C00001"} and set(history["kind"]) == {"import"}
    assert list(done.layers["households"]["household_id"]) == ["H1", "H2", "H3", "H4"]


def test_changed_fields_are_dated_by_the_event_and_never_before_the_last_change():
    old = _households([("H1", V, 3, 2016, None, "未脱贫"), ("H2", V, 4, 2016, None, "未脱贫")])
    # H1's status was last changed after the exit the file names: the history stays linear
    ws = _workspace(old, [("C00001", "2020-03-01", "households", "H1", "status", "undo")])
    new = _households(
        [
            ("H1", V, 3, 2016, 2019, "已脱贫"),
            ("H2", V, 5, 2016, 2019, "已脱贫"),
            ("H3", V, 2, 2017, None, "未脱贫"),
        ]
    )
    done = record_import(ws, "households", new, ["H1", "H2", "H3"], **STAMP)
    assert (done.added, done.updated, done.unchanged, done.kept) == (1, 2, 0, 0)
    # added rows first, then field by field in the layer's order, households in file order
    assert _rows(done.layers["history"], 1) == [
        ("H3", ROW, None, CREATED, "2017-01-01"),
        ("H2", "size", "4", "5", "2024-06-01"),
        ("H1", "exit_year", None, "2019", "2019-12-31"),
        ("H2", "exit_year", None, "2019", "2019-12-31"),
        ("H1", "status", "未脱贫", "已脱贫", "2020-03-01"),
        ("H2", "status", "未脱贫", "已脱贫", "2019-12-31"),
    ]
    assert set(done.layers["history"]["change_id"].iloc[1:]) == {"C00002"}


def test_the_same_households_again_record_nothing():
    old = _households([("H1", V, 3, 2016, 2019, "已脱贫")])
    done = record_import(_workspace(old), "households", old.copy(), ["H1"], **STAMP)
    assert not done.changed and "history" not in done.layers
    assert (done.added, done.updated, done.unchanged, done.kept) == (0, 0, 1, 0)
