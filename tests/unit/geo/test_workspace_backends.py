"""The workspace contract on both storage backends: a GeoPackage file and a PostgreSQL +
PostGIS schema (``backend_location``; the database half is skipped, with the reason, where no
server can start). Reads give back exactly what was written; a change writes what it touches,
bumps the version and is audited; a refused or failed change leaves everything as it was;
writers in two processes at once both land."""

from __future__ import annotations

import subprocess
import sys
import threading

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from tests.support.workspaces import minimal_layers
from township_atlas.geo import workspace as ws_module
from township_atlas.geo.audit import AuditLog
from township_atlas.geo.postgis import Address
from township_atlas.geo.validate import SchemaError
from township_atlas.geo.workspace import (
    read_meta,
    read_workspace,
    transact,
    update_workspace,
    workspace_exists,
    workspace_version,
    write_workspace,
)


@pytest.fixture
def location(backend_location):
    write_workspace(backend_location, minimal_layers(), {"note": "甲"})
    return backend_location


def fresh(location):
    """The workspace read from storage, not from this process's memory."""
    ws_module._CACHE.clear()
    return read_workspace(location)


def assert_same(a, b):
    assert list(a.layers) == list(b.layers)
    for name, frame in a.layers.items():
        # an empty column's dtype is whatever the reader made of no values (bool or boolean)
        assert_frame_equal(frame, b.layers[name], obj=name, check_dtype=len(frame) > 0)


def add_one_person(ws):
    hh = ws.households.copy()
    hh.loc[0, "size"] = int(hh.loc[0, "size"]) + 1
    return {"households": hh}


def test_a_written_workspace_reads_back_as_the_geopackage_does(location, minimal_workspace):
    assert workspace_exists(location)
    assert_same(fresh(location), fresh(minimal_workspace))
    assert read_meta(location)["note"] == "甲"


def test_a_change_is_read_back_and_bumps_the_version(location):
    before = fresh(location)
    update_workspace(location, add_one_person)
    after = read_workspace(location)
    assert after.version != before.version
    assert workspace_version(location) != ""
    assert after.households.loc[0, "size"] == before.households.loc[0, "size"] + 1
    assert_same(after, fresh(location))  # what this process remembers is what is stored
    assert_frame_equal(after.villages, before.villages)


def test_rows_added_and_removed_read_back_in_the_order_written(location):
    def reorder(ws):
        hh = ws.households.copy()
        extra = hh.iloc[[0]].assign(household_id="H9")
        return {"households": pd.concat([hh.iloc[[3, 1]], extra], ignore_index=True)}

    update_workspace(location, reorder)
    assert fresh(location).households["household_id"].tolist() == ["H4", "H2", "H9"]


def test_an_invalid_change_is_refused_and_changes_nothing(location):
    before = fresh(location)

    def orphan(ws):
        hh = ws.households.copy()
        hh.loc[0, "village_code"] = "360722102299"
        return {"households": hh}

    with pytest.raises(SchemaError):
        update_workspace(location, orphan)
    assert fresh(location).version == before.version
    assert_same(fresh(location), before)


def test_an_exception_in_the_change_changes_nothing(location):
    before = fresh(location)

    def broken(ws):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        update_workspace(location, broken)
    assert_same(fresh(location), before)
    assert fresh(location).version == before.version


def test_every_write_is_audited(location):
    update_workspace(location, add_one_person)
    rows = AuditLog.for_workspace(location).rows()
    assert any("households" in str(r) for r in rows.itertuples()), rows


def test_transact_creates_a_workspace_once(backend_location):
    seen = []

    def create(ws):
        seen.append(ws)
        return {} if ws is not None else minimal_layers()

    assert transact(backend_location, create, created_meta={"imported_from": "x.xlsx"})
    assert not transact(backend_location, create)
    assert seen[0] is None and seen[1] is not None
    assert read_meta(backend_location)["imported_from"] == "x.xlsx"


def test_a_missing_workspace_is_file_not_found(backend_location):
    assert not workspace_exists(backend_location)
    with pytest.raises(FileNotFoundError):
        read_workspace(backend_location)


def test_a_reader_does_not_wait_for_a_writer_in_its_transaction(location):
    before = fresh(location).version
    inside, release = threading.Event(), threading.Event()

    def slow(ws):
        inside.set()
        assert release.wait(30)
        return add_one_person(ws)

    writer = threading.Thread(target=update_workspace, args=(location, slow))
    writer.start()
    try:
        assert inside.wait(30)
        ws_module._CACHE.clear()
        assert read_workspace(location).version == before  # the old state, at once
    finally:
        release.set()
        writer.join(30)
    assert fresh(location).version != before


# A plain interpreter per writer: multiprocessing's spawn re-runs the parent's __main__, which
# after an AppTest in the same pytest worker is the dashboard's script.
ADD_PEOPLE = (
    "import sys\n"
    "from township_atlas.geo.workspace import update_workspace\n"
    "def add(ws):\n"
    "    hh = ws.households.copy()\n"
    "    hh.loc[0, 'size'] = int(hh.loc[0, 'size']) + 1\n"
    "    return {'households': hh}\n"
    "for _ in range(int(sys.argv[2])):\n"
    "    update_workspace(sys.argv[1], add)\n"
)


def test_two_processes_writing_at_once_lose_no_change(location):
    start = int(fresh(location).households.loc[0, "size"])
    procs = [subprocess.Popen([sys.executable, "-c", ADD_PEOPLE, location, "4"]) for _ in range(2)]
    assert [p.wait(180) for p in procs] == [0, 0]
    assert int(fresh(location).households.loc[0, "size"]) == start + 8


def test_an_address_never_shows_its_password():
    address = Address.parse("postgresql://u:secret@db.example:5433/atlas?schema=gupo")
    assert address.schema == "gupo"
    assert "secret" not in str(address)
    assert str(address).startswith("postgresql://u@db.example:5433/atlas")
    with pytest.raises(ValueError):
        Address.parse("postgresql://u@h/atlas?schema=Bad-Name")
