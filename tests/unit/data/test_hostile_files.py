"""Files that must not hurt (issue 11, item 7): no input, however hostile, crashes the
process; every failure is one clear line and exit 2; a refused import leaves the workspace
byte-for-byte as it was; memory stays bounded (the CLI runs under a 2 GiB address-space cap).

The hostile files are made at test time by ``import_corpus/hostile/hostile.py``.
"""

from __future__ import annotations

import errno
import hashlib
import importlib.util
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.support.paths import CORPUS as CORPUS_DIR

HERE = Path(__file__).parent
_spec = importlib.util.spec_from_file_location("hostile", CORPUS_DIR / "hostile" / "hostile.py")
hostile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hostile)
CORPUS = CORPUS_DIR / "vector"
#: The CLI's address space in these tests: a far cell once asked calamine for 512 GiB.
MEMORY_CAP = 2 << 30


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def ws(demo_copy: Path) -> Path:
    """The workspace these tests change: a private copy of the demo (``demo_copy``)."""
    return demo_copy


def run_cli_process(*args: str, home: Path) -> subprocess.CompletedProcess:
    """``township-atlas ARGS`` in a process whose address space is capped at MEMORY_CAP."""
    cap = (
        "import resource, runpy, sys; "
        f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_CAP}, {MEMORY_CAP})); "
        "sys.argv = ['township-atlas', *sys.argv[1:]]; "
        "runpy.run_module('township_atlas.cli', run_name='__main__')"
    )
    env = {**os.environ, "TOWNSHIP_ATLAS_HOME": str(home), "OPENBLAS_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-c", cap, *args], capture_output=True, text=True, env=env, timeout=300
    )


def assert_one_line_refusal(result: subprocess.CompletedProcess, *words: str) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr[-3000:]
    assert len(lines) == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0]
    return lines[0]


# ----------------------------------------------------------------------------- spreadsheets
@pytest.mark.parametrize(
    ("maker", "words"),
    [
        (hostile.far_cell_xlsx, ("花名册", "16,384", "500")),
        (hostile.far_cell_no_places_xlsx, ("花名册", "600")),
    ],
)
def test_a_workbook_with_a_far_cell_is_refused_in_bounded_memory(
    maker, words, ws, tmp_path, _private_data_dir
):
    bad = maker(tmp_path / "register.xlsx")
    assert bad.stat().st_size < 4000
    before = digest(ws)
    result = run_cli_process("import", "households", str(bad), str(ws), home=_private_data_dir)
    assert_one_line_refusal(result, "未导入", *words)
    assert digest(ws) == before


def test_every_sheet_reader_measures_before_loading(tmp_path):
    from township_atlas.data.importing import tabular
    from township_atlas.data.importing.errors import ImportFailed
    from township_atlas.data.importing.run import file_headers, workbook_sheets

    bad = hostile.far_cell_xlsx(tmp_path / "far.xlsx")
    assert workbook_sheets(bad) == ["花名册"]  # the names alone are harmless
    assert file_headers(bad, "households") == ()  # best effort: refused, nothing to map
    book, names = tabular.open_workbook(bad, None)
    with pytest.raises(ImportFailed, match="16,384"):
        tabular.sheet_rows(book, names[0], nrows=15)


def test_a_real_sized_register_extent_passes():
    from township_atlas.data.importing import tabular

    tabular.check_extent("花名册", 100_003, 40)  # 100,000 people, 40 columns
    with pytest.raises(ValueError):
        tabular.check_extent("花名册", 1_048_576, 26)


def test_a_normal_workbook_is_measured_as_calamine_reads_it(tmp_path):
    from python_calamine import CalamineWorkbook

    from township_atlas.data.importing import tabular

    rows = [
        '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c><c r="AC1" s="1"/></row>',
        '<row r="3"><c r="AB3" t="inlineStr"><is><t>y</t></is></c></row>',
    ]
    path = hostile.xlsx(tmp_path / "small.xlsx", rows)
    rows_, cols = tabular._xlsx_extent(path, "花名册")
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("花名册")
    assert (rows_, cols) == (3, 28) == (sheet.end[0] + 1, sheet.end[1] + 1)


# ----------------------------------------------------------------------------- ZIP files
@pytest.mark.parametrize(
    ("maker", "kind", "words"),
    [
        (hostile.zip_bomb_shapefile, "villages", ("压缩比", "villages.dbf")),
        (hostile.zip_bomb_shapefile, "facilities", ("压缩比",)),
        (hostile.escaping_shapefile, "villages", ("解压目录之外",)),
        (hostile.many_members_zip, "villages", ("10,000",)),
    ],
)
def test_a_hostile_zip_is_refused_before_it_is_unpacked(
    maker, kind, words, ws, tmp_path, _private_data_dir
):
    bad = maker(tmp_path / "villages.zip")
    before = digest(ws)
    result = run_cli_process("import", kind, str(bad), str(ws), home=_private_data_dir)
    assert_one_line_refusal(result, "未导入", *words)
    assert digest(ws) == before
    assert not list(tmp_path.glob("**/layer.dbf"))


def test_a_zip_that_understates_its_size_is_stopped_while_unpacking(tmp_path, monkeypatch):
    from township_atlas.data.importing import vector as read_vector
    from township_atlas.data.importing.vector import ImportFailed, read_boundaries

    bad = hostile.zip_bomb_shapefile(tmp_path / "v.zip", expanded=4 << 20)  # passes the ratio
    monkeypatch.setattr(read_vector, "check_zip_members", lambda name, members: None)
    monkeypatch.setattr(read_vector, "MAX_UNZIPPED", 1 << 20)
    with pytest.raises(ImportFailed, match="上限"):
        read_boundaries(bad, "villages")


# ----------------------------------------------------------------------------- coordinates
def test_nan_and_infinite_coordinates_are_refused_rows_not_a_traceback(
    ws, tmp_path, _private_data_dir
):
    bad = hostile.nan_geojson(tmp_path / "nan.geojson")
    before = digest(ws)
    result = run_cli_process("import", "villages", str(bad), str(ws), home=_private_data_dir)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stdout.count("NaN 或 Infinity") == 2
    assert digest(ws) == before


# ----------------------------------------------------------------------------- the disk
def _full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_while_writing_the_workspace_is_one_line(ws, run_cli, monkeypatch):
    from township_atlas.geo import workspace

    monkeypatch.setattr(workspace, "_write_layer", _full_disk)
    before = digest(ws)
    good = CORPUS / "good_chinese_headers.geojson"
    code, _, err = run_cli("import", "villages", str(good), str(ws.parent / "new.gpkg"))
    err = err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "磁盘空间不足" in err[0]
    assert not (ws.parent / "new.gpkg").exists()
    assert [p.name for p in ws.parent.iterdir() if p.name.startswith(".writing-")] == []
    assert digest(ws) == before


def test_a_full_disk_while_unpacking_a_zip_is_not_called_a_damaged_zip(
    ws, tmp_path, run_cli, monkeypatch
):
    from township_atlas.data.importing import vector as read_vector

    def full(dst, chunk):
        raise read_vector._DiskError(OSError(errno.ENOSPC, "No space left on device"))

    monkeypatch.setattr(read_vector, "_write_out", full)
    good = hostile.zip_bomb_shapefile(tmp_path / "v.zip", expanded=1 << 20)
    code, _, err = run_cli("import", "villages", str(good), str(ws))
    err = err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "磁盘空间不足" in err[0] and "ZIP" not in err[0]


def test_anything_unexpected_in_an_import_is_one_line_naming_the_file(ws, run_cli, monkeypatch):
    from township_atlas.data.importing import run as importing

    def broken(*args, **kwargs):
        raise RuntimeError("something nobody foresaw\nover two lines")

    monkeypatch.setattr(importing, "read_boundaries", broken)
    before = digest(ws)
    code, _, err = run_cli("import", "villages", CORPUS / "good_chinese_headers.geojson", ws)
    err = err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert "good_chinese_headers.geojson" in err[0] and "RuntimeError" in err[0]
    assert digest(ws) == before


# ----------------------------------------------------------------------------- plausibility
def test_hundreds_of_villages_under_one_township_code_need_confirming(tmp_path, run_cli):
    many = hostile.many_villages_geojson(tmp_path / "many.geojson", n=160)
    target = tmp_path / "new.gpkg"
    tried = run_cli("import", "villages", many, target, "--dry-run")
    assert tried.code == 0
    assert "乡镇代码 360722102 下有 160 个村" in tried.out
    refused = run_cli("import", "villages", many, target)
    assert refused.code == 2
    err = refused.err.strip().splitlines()
    assert len(err) == 1 and "--confirm-large" in err[0]
    assert not target.exists()
    assert run_cli("import", "villages", many, target, "--confirm-large").code == 0
    assert target.exists()


def test_a_real_county_passes_and_more_people_than_the_township_does_not(demo_ws):
    import pandas as pd

    from township_atlas.data.importing.run import implausible

    county = pd.DataFrame({"code": [f"360722{t:03d}{v:03d}" for t in range(15) for v in range(20)]})
    households = pd.DataFrame({"size": [3] * 60_000})
    town = pd.DataFrame({"population": [250_000]})
    layers = {"villages": county, "households": households, "township": town}
    assert implausible(layers, ["villages", "households"]) == []
    assert implausible(dict(demo_ws.layers), ["villages", "households"]) == []
    crowded = {**demo_ws.layers, "households": pd.DataFrame({"size": [5] * 10_000})}
    ((zh, en),) = implausible(crowded, ["households"])
    assert "多于乡镇户籍人口 42,931 人" in zh and "population" in en


# ----------------------------------------------------------------------------- two at once
def test_two_boundary_imports_at_once_both_land(tmp_path, monkeypatch):
    """Both imports read the workspace before either takes the lock (a barrier makes sure);
    each change is still worked out inside its own transaction, so neither is lost."""
    import geopandas as gpd

    from township_atlas.data.importing import run as importing
    from township_atlas.data.importing.run import import_boundaries
    from township_atlas.geo.workspace import read_workspace

    target = tmp_path / "ws.gpkg"
    assert import_boundaries(target, CORPUS / "good_chinese_headers.geojson", "villages").written
    villages = read_workspace(target).villages
    files = []
    for i in range(2):
        one = gpd.GeoDataFrame(villages.iloc[[i]][["code", "name", "geometry"]])
        one["population"] = 1000 + i
        one = one.rename(columns={"code": "代码", "name": "村名", "population": "户籍人口"})
        files.append(tmp_path / f"v{i}.geojson")
        one.to_file(files[-1], driver="GeoJSON")
    barrier = threading.Barrier(2, timeout=60)
    real_read = importing.read_workspace

    def read_then_wait(path):
        ws = real_read(path)
        barrier.wait()  # both have read before either writes
        return ws

    monkeypatch.setattr(importing, "read_workspace", read_then_wait)
    errors: list[BaseException] = []

    def run(f: Path) -> None:
        try:
            assert import_boundaries(target, f, "villages").written
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f,)) for f in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    after = read_workspace(target).villages.set_index("code")["population"]
    assert [after[str(villages["code"].iloc[i])] for i in range(2)] == [1000, 1001]


def test_a_csv_past_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from township_atlas.data.importing import tabular
    from township_atlas.data.importing.errors import ImportFailed
    from township_atlas.data.importing.register import read_register
    from township_atlas.data.importing.tables import read_table

    big = tmp_path / "big.csv"
    big.write_text("行政村,户编号,人数\n" + "古陂村,1,3\n" * 2_000, encoding="utf-8")
    monkeypatch.setattr(tabular, "MAX_TEXT_BYTES", 1_000)
    for read in (
        lambda p: read_register(p, villages={"古陂村": "360722102200"}, id_key=b"k"),
        lambda p: read_table(p, "indicators"),
    ):
        with pytest.raises(ImportFailed, match="split it"):
            read(big)
