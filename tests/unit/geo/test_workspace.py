"""Unit tests for geo/workspace.py: the GeoPackage round trip, atomic writes, cross-layer checks."""

from __future__ import annotations

import shutil

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point

from tests.support.workspaces import minimal_layers
from township_atlas.geo import workspace as ws_module
from township_atlas.geo.schema import LAYERS, SCHEMA_VERSION
from township_atlas.geo.validate import SchemaError
from township_atlas.geo.workspace import (
    META_LAYER,
    Workspace,
    empty_frame,
    read_workspace,
    validate_workspace,
    write_workspace,
)

WGS84 = "EPSG:4326"
GK_114E = "EPSG:4547"  # CGCS2000 3° Gauss-Krüger CM 114E, as survey offices near 古陂 deliver


# ----------------------------------------------------------------------------- tiny fixtures
def folder_listing(path):
    return sorted(p.name for p in path.iterdir())


# ----------------------------------------------------------------------------- round trip
# Each GeoPackage write costs about half a second (one file, eleven layers): the round trip is
# written and read once for the module, and the tests below only look at it.
@pytest.fixture(scope="module")
def written(tmp_path_factory):
    folder = tmp_path_factory.mktemp("round_trip")
    layers = minimal_layers()
    layers["households"]["备注"] = ["a", "b", "c", "d"]  # not a schema column
    # optional columns left out: they must come back as empty columns
    layers["households"] = layers["households"].drop(columns="relocation_site")
    layers["facilities"] = layers["facilities"].drop(columns="opened_year")
    layers["roads"] = layers["roads"].drop(columns="name")
    # the folders a/b do not exist yet: the writer creates them
    path = write_workspace(folder / "a" / "b" / "ws.gpkg", layers, meta={"township": "古陂镇"})
    return path, read_workspace(path)


@pytest.fixture
def existing(written, tmp_path):
    """A private copy of the written workspace, for tests that try to overwrite it."""
    path = tmp_path / "ws.gpkg"
    shutil.copyfile(written[0], path)
    return path


def test_write_returns_the_path_and_leaves_only_that_file(written):
    path, _ = written
    assert path.name == "ws.gpkg"
    assert path.parent.name == "b"
    assert folder_listing(path.parent) == ["ws.gpkg"]


def test_round_trip_keeps_codes_as_strings(written):
    _, ws = written
    assert ws.villages["code"].dtype == "string"
    assert ws.villages["code"].tolist() == ["360722102201", "360722102202"]
    assert ws.township["code"].tolist() == ["360722102"]
    assert ws.households["village_code"].dtype == "string"


def test_round_trip_keeps_nullable_years(written):
    _, ws = written
    hh = ws.households
    for col in ("identified_year", "exit_year", "return_year", "monitor_year"):
        assert hh[col].dtype == "Int64", col
    # H1 exited 2016 and fell back 2018; H2 never exited; H4 is monitored only (since 2021)
    assert hh["exit_year"].tolist()[0] == 2016
    assert hh["exit_year"].isna().tolist() == [False, True, True, True]
    assert hh["return_year"].tolist()[0] == 2018
    assert hh["monitor_year"].tolist()[3] == 2021
    assert ws.villages["exit_year"].dtype == "Int64"
    assert ws.villages["exit_year"].isna().tolist() == [False, True]


def test_round_trip_keeps_counts_floats_and_text(written):
    _, ws = written
    hh = ws.households
    assert hh["size"].dtype == "Int64"
    assert hh["size"].tolist() == [4, 3, 1, 5]
    assert hh["income_per_capita"].dtype == "float64"
    assert hh["income_per_capita"].tolist()[:2] == [4200.5, 2600.0]
    assert pd.isna(hh["income_per_capita"].iloc[2])
    # a monitored household that was never registered keeps an empty category
    assert hh["category"].tolist()[:3] == ["一般贫困户", "低保户", "特困供养户"]
    assert pd.isna(hh["category"].iloc[3])
    assert ws.villages["name"].tolist() == ["新屋村", "李田村"]
    assert ws.township["population"].tolist() == [42931]


def test_round_trip_keeps_booleans(written):
    _, ws = written
    hh = ws.households
    assert hh["dangerous_house"].dtype == bool
    assert hh["dangerous_house"].tolist() == [False, True, False, False]
    # "是"/"否" were normalised to booleans on write
    assert hh["unsafe_water"].dtype == bool
    assert hh["unsafe_water"].tolist() == [False, False, True, False]
    assert ws.villages["poor_village"].tolist() == [True, False]
    assert ws["roads"]["paved"].tolist() == [True]


def test_round_trip_keeps_geometry_and_crs(written):
    _, ws = written
    original = minimal_layers()
    for name in ("township", "villages", "facilities", "roads"):
        frame = ws[name]
        assert isinstance(frame, gpd.GeoDataFrame), name
        assert frame.crs.to_epsg() == 4326, name
        # polygons come back as MultiPolygon, but cover exactly the same ground
        assert frame.geometry.geom_equals(original[name].geometry).all(), name
    assert ws["villages"].geom_type.tolist() == ["MultiPolygon", "MultiPolygon"]
    assert ws["facilities"].geometry.iloc[0].coords[0] == pytest.approx((115.05, 25.35))


def test_meta_holds_schema_version_and_caller_values(written):
    _, ws = written
    assert ws.meta["schema_version"] == str(SCHEMA_VERSION)
    assert ws.meta["township"] == "古陂镇"
    assert META_LAYER in {row[0] for row in pyogrio.list_layers(written[0])}


def test_input_in_gauss_kruger_is_stored_in_wgs84(tmp_path):
    layers = minimal_layers()
    projected = {
        name: frame.to_crs(GK_114E) if isinstance(frame, gpd.GeoDataFrame) else frame
        for name, frame in layers.items()
    }
    # Sanity: the input really is in metres. South-west corner (115.00E, 25.30N):
    # x = 500 km false easting + 1° east of 114E (≈ 100.6 km); y ≈ 25.3° × 110.7 km ≈ 2800 km
    assert projected["villages"].total_bounds[:2] == pytest.approx([600_600, 2_799_700], abs=1000)
    path = write_workspace(tmp_path / "gk.gpkg", projected)
    # The file itself holds WGS84, not only the frames read back
    assert pyogrio.read_info(path, layer="villages")["crs"] == WGS84
    ws = read_workspace(path)
    for name in ("township", "villages", "facilities", "roads"):
        assert ws[name].crs.to_epsg() == 4326
    # Reprojected back, the corners land where they started (1e-7° is about 1 cm)
    assert ws.villages.total_bounds == pytest.approx([115.00, 25.30, 115.20, 25.40], abs=1e-7)
    assert ws["facilities"].geometry.iloc[0].x == pytest.approx(115.05, abs=1e-7)
    assert ws["facilities"].geometry.iloc[0].y == pytest.approx(25.35, abs=1e-7)


def test_float_village_codes_match_their_households():
    # Codes read from Excel arrive as floats; households refer to them as text
    layers = minimal_layers()
    layers["villages"]["code"] = [360722102201.0, 360722102202.0]
    assert validate_workspace(layers) == []


def test_optional_columns_left_out_come_back_empty(written):
    # the fixture left out households.relocation_site, facilities.opened_year and roads.name:
    # the workspace still has every column, empty, in its storage dtype
    _, ws = written
    assert list(ws.households.columns) == LAYERS["households"].names
    assert ws.households["relocation_site"].dtype == "string"
    assert ws.households["relocation_site"].isna().all()
    facilities = ws["facilities"]
    assert list(facilities.columns) == [*LAYERS["facilities"].names, "geometry"]
    assert facilities["opened_year"].dtype == "Int64"
    assert facilities["opened_year"].isna().all()
    assert facilities["name"].tolist() == ["新屋村卫生室"]
    assert ws["roads"]["name"].isna().all()


def test_facility_without_village_code_is_valid():
    # village_code is optional for facilities: the cross-layer check must not need it
    layers = minimal_layers()
    layers["facilities"] = layers["facilities"].drop(columns="village_code")
    assert validate_workspace(layers) == []


def test_relocation_site_without_village_code_is_valid():
    layers = minimal_layers()
    layers["relocation_sites"] = gpd.GeoDataFrame(
        {
            "site_id": ["S1"],
            "name": ["古陂集镇安置点"],
            "site_type": ["集镇"],
            "capacity_households": [40],
            "planned_households": [30],
            "planned_persons": [105],
            "moved_households": [12],
            "moved_persons": [41],
            "built_area_m2": [2600.0],
            "status": ["已入住"],
            "demolished_households": [10],
        },
        geometry=[Point(115.15, 25.35)],
        crs=WGS84,
    )
    assert validate_workspace(layers) == []


def test_columns_outside_the_schema_are_not_stored(written):
    # the fixture gave households a 备注 column, which the schema does not know
    path, ws = written
    assert "备注" not in ws.households.columns
    assert "备注" not in pyogrio.read_info(path, layer="households")["fields"]


def test_personal_data_is_refused_and_nothing_is_written(tmp_path):
    layers = minimal_layers()
    layers["households"]["姓名"] = ["张三", "李四", "王五", "赵六"]
    with pytest.raises(SchemaError, match="personal data"):
        write_workspace(tmp_path / "ws.gpkg", layers)
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- failed writes
def test_invalid_layer_raises_and_changes_nothing(existing, tmp_path):
    path = existing
    before = path.read_bytes()
    layers = minimal_layers()
    layers["households"]["size"] = [4, "abc", 1, 5]
    with pytest.raises(SchemaError) as err:
        write_workspace(path, layers)
    assert [(p.layer, p.row, p.field) for p in err.value.problems] == [("households", 1, "size")]
    assert "cannot read 'abc' as int" in str(err.value)
    assert path.read_bytes() == before
    assert folder_listing(tmp_path) == ["ws.gpkg"]


def test_failure_during_write_leaves_old_file_and_no_temp_files(existing, tmp_path, monkeypatch):
    path = existing
    before = path.read_bytes()
    real = ws_module._write_layer
    calls = []

    def failing(target, name, frame):
        calls.append(name)
        if name == "indicators":  # fail after township, villages, households are written
            raise OSError("disk full")
        real(target, name, frame)

    monkeypatch.setattr(ws_module, "_write_layer", failing)
    layers = minimal_layers()
    layers["villages"]["population"] = [1, 2]
    with pytest.raises(OSError, match="disk full"):
        write_workspace(path, layers)
    assert calls[-1] == "indicators"
    assert path.read_bytes() == before
    assert folder_listing(tmp_path) == ["ws.gpkg"]


def test_household_in_unknown_village_is_rejected(tmp_path):
    layers = minimal_layers()
    layers["households"]["village_code"] = [
        "360722102201",
        "360722102201",
        "360722102299",  # no such village in the villages layer
        "360722102202",
    ]
    with pytest.raises(SchemaError) as err:
        write_workspace(tmp_path / "ws.gpkg", layers)
    [problem] = err.value.problems
    assert (problem.layer, problem.row, problem.field) == ("households", 2, "village_code")
    assert problem.message == "village 360722102299 is not in villages"
    assert str(problem).startswith("households row 2")
    assert "'village_code'" in str(problem)
    assert not (tmp_path / "ws.gpkg").exists()
    assert folder_listing(tmp_path) == []


@pytest.mark.parametrize(
    ("layer", "column"), [("facilities", "village_code"), ("relocations", "origin_code")]
)
def test_other_references_to_unknown_villages_are_rejected(layer, column):
    layers = minimal_layers()
    if layer == "relocations":
        layers[layer] = pd.DataFrame(
            {
                "site_id": ["S1"],
                "origin_code": ["360722102299"],
                "households": [2],
                "persons": [7],
                "year": [2017],
            }
        )
    else:
        layers[layer][column] = ["360722102299"]
    found = validate_workspace(layers)
    assert [(p.layer, p.row, p.field, p.message) for p in found] == [
        (layer, 0, column, "village 360722102299 is not in villages")
    ]


@pytest.mark.parametrize("missing", ["township", "villages"])
def test_required_layers_must_have_rows(missing, tmp_path):
    layers = minimal_layers()
    layers[missing] = layers[missing].iloc[0:0]
    with pytest.raises(SchemaError) as err:
        write_workspace(tmp_path / "ws.gpkg", layers)
    assert (missing, None, None, "layer is required and has no rows") in [
        (p.layer, p.row, p.field, p.message) for p in err.value.problems
    ]


def test_unknown_layer_name_is_rejected():
    layers = minimal_layers()
    layers["schools"] = pd.DataFrame({"a": [1]})
    found = validate_workspace(layers)
    assert [(p.layer, p.message) for p in found] == [("schools", "unknown layer")]


# ----------------------------------------------------------------------------- reading
def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="no workspace"):
        read_workspace(tmp_path / "nothing.gpkg")


def test_reading_a_file_with_an_invalid_layer_names_layer_row_field(tmp_path):
    # A file written by another tool, bypassing write_workspace: a village code lost a digit
    path = tmp_path / "foreign.gpkg"
    layers = minimal_layers()
    layers["villages"]["code"] = ["360722102201", "36072210202"]
    for name in ("township", "villages"):
        pyogrio.write_dataframe(layers[name], path, layer=name)
    with pytest.raises(SchemaError) as err:
        read_workspace(path)
    assert [(p.layer, p.row, p.field) for p in err.value.problems] == [("villages", 1, "code")]


@pytest.mark.parametrize(
    "name",
    ["indicators", "relocation_sites", "relocations", "rivers", "history"],
)
def test_empty_optional_layers_come_back_empty_with_their_columns(written, name):
    _, ws = written
    frame = ws[name]
    assert len(frame) == 0
    layer = LAYERS[name]
    if layer.geometry is None:
        assert list(frame.columns) == layer.names
    else:
        assert list(frame.columns) == [*layer.names, "geometry"]
        assert isinstance(frame, gpd.GeoDataFrame)
        assert frame.crs.to_epsg() == 4326
    # and in storage dtypes, so analysis code can filter them without special cases
    for col in layer.columns:
        if col.kind in ("int", "year"):
            assert frame[col.name].dtype == "Int64", col.name
        elif col.kind in ("str", "code"):
            assert frame[col.name].dtype == "string", col.name
        elif col.kind == "bool":
            assert str(frame[col.name].dtype) in ("bool", "boolean"), col.name


def test_layer_missing_from_file_is_an_empty_frame():
    ws = Workspace({"villages": minimal_layers()["villages"]})
    frame = ws["roads"]
    assert len(frame) == 0
    assert list(frame.columns) == [*LAYERS["roads"].names, "geometry"]


def test_unknown_layer_raises_key_error_listing_layers(written):
    _, ws = written
    with pytest.raises(
        KeyError, match=r"unknown layer 'schools'; layers are township, villages, households"
    ):
        ws["schools"]


def test_workspace_iterates_over_every_schema_layer(written):
    _, ws = written
    assert list(ws) == list(LAYERS)


@pytest.mark.parametrize("name", list(LAYERS))
def test_empty_frame_has_the_layer_columns(name):
    frame = empty_frame(LAYERS[name])
    assert len(frame) == 0
    assert [c for c in frame.columns if c != "geometry"] == LAYERS[name].names
    assert ("geometry" in frame.columns) == (LAYERS[name].geometry is not None)


# ----------------------------------------------------------------------------- stale temp files
def _dead_pid() -> int:
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()  # reaped: the pid names no process now
    return proc.pid


def _temp(folder, workspace: str, host: str, pid: int, tag: str, *, age: float = 0.0):
    import os
    import time

    path = folder / f".writing-{workspace}~{host}~{pid}~{tag}.gpkg"
    path.write_bytes(b"half a workspace")
    if age:
        stamp = time.time() - age
        os.utime(path, (stamp, stamp))
    return path


def test_stale_temp_files_of_the_workspace_are_removed_at_the_next_write(existing, tmp_path):
    import os

    host, me, dead = ws_module._host(), os.getpid(), _dead_pid()
    hour = ws_module.STALE_AFTER
    gone = [
        _temp(tmp_path, "ws.gpkg", host, dead, "dead"),  # its writer was killed
        _temp(tmp_path, "ws.gpkg", host, me, "old", age=2 * hour),  # untouched for 2 hours
        _temp(tmp_path, "ws.gpkg", "otherpc", 1, "oldremote", age=2 * hour),
    ]
    journal = tmp_path / (gone[0].name + "-journal")  # SQLite's file beside a killed write
    journal.write_bytes(b"")
    legacy_old = tmp_path / ".writing-abcd1234.gpkg"  # named before the workspace was in it
    legacy_old.write_bytes(b"")
    os.utime(legacy_old, (0, 0))
    kept = [
        _temp(tmp_path, "ws.gpkg", host, me, "live"),  # a live writer, still writing
        _temp(tmp_path, "ws.gpkg", "otherpc", 1, "remote"),  # another machine's, recent
        _temp(tmp_path, "other.gpkg", host, dead, "theirs"),  # another workspace's
        _temp(tmp_path, "ws.gpkg~x.gpkg", host, dead, "prefix"),  # a name starting like ours
    ]
    legacy_new = tmp_path / ".writing-efgh5678.gpkg"
    legacy_new.write_bytes(b"")
    write_workspace(existing, minimal_layers())
    left = set(folder_listing(tmp_path))
    assert not {p.name for p in [*gone, journal, legacy_old]} & left
    assert {p.name for p in [*kept, legacy_new]} <= left


def _slow_writer(path, after_layer: str, seconds: float):
    """A process updating the workspace at ``path`` that pauses ``seconds`` once layer
    ``after_layer`` is in its temporary file; returns it and that file once it pauses.

    The writer says when it pauses (a line on its stdout): its temporary file is made, removed
    and made again by the first layer, so seeing its name is not enough on a busy machine."""
    import subprocess
    import sys

    from tests.support.processes import PAUSED, pausing_writer, wait_for_line

    update = (
        "from township_atlas.geo.workspace import update_workspace\n"
        "update_workspace(sys.argv[1], lambda ws: {'villages': ws.villages})\n"
    )
    script = pausing_writer(update, after_layer=after_layer, seconds=seconds)
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, encoding="utf-8"
    )
    wait_for_line(proc, PAUSED)
    temps = [p for p in path.parent.iterdir() if p.name.startswith(f".writing-{path.name}~")]
    assert len(temps) == 1 and temps[0].exists()
    return proc, temps[0]


def test_a_killed_writers_temp_file_goes_at_the_next_update(existing, tmp_path):
    import os
    import signal

    proc, temp = _slow_writer(existing, "township", 60)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert temp.exists()
    before = existing.read_bytes()
    ws_module.update_workspace(existing, lambda ws: {"villages": ws.villages})
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".writing-")]
    assert existing.read_bytes() != before  # written again, after the clean-up
    assert read_workspace(existing).villages["code"].tolist() == ["360722102201", "360722102202"]


def test_a_writer_in_its_transaction_keeps_its_temp_file_whatever_its_age(existing):
    import os
    import time

    proc, temp = _slow_writer(existing, "township", 3)
    old = time.time() - 10 * ws_module.STALE_AFTER
    os.utime(temp, (old, old))  # as old as a stale one: only the lock protects it now
    ws_module._remove_stale_temps(existing)
    assert temp.exists()
    assert proc.wait(timeout=60) == 0  # it finished its write: its file was still there
    read_workspace(existing)
