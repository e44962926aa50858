"""The 数据导入 page in the browser: a new workspace made by importing its villages, a register
whose unknown column is mapped in the column table, and a hostile workbook refused on the page
while the server lives on (calamine once asked for 512 GiB for one far cell and aborted it). An
upload's temporary copy (names, IDs, phones) is gone afterwards."""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import sqlite3
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.browser import RERUN_MS, expect, settled, visit
from tests.support.paths import CORPUS as CORPUS_DIR
from tests.support.server import Server, start_server, stop_server

_spec = importlib.util.spec_from_file_location("hostile", CORPUS_DIR / "hostile" / "hostile.py")
hostile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hostile)


@dataclass
class Office:
    """A copy of the demo, served, whose uploads' temporary copies go to ``temp``."""

    server: Server
    workspace: Path
    temp: Path


@pytest.fixture(scope="module")
def office(demo_path, tmp_path_factory, _private_data_dir) -> Iterator[Office]:
    """One server for the tests that upload into the demo's copy (one imports a register, one
    is refused): each reads the workspace and the temporary folder before and after itself."""
    folder = tmp_path_factory.mktemp("data-page")
    ws = Path(shutil.copy(demo_path, folder / "demo.gpkg"))
    temp = folder / "server-tmp"
    temp.mkdir()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TMPDIR", str(temp))  # the server's uploads go here, to be checked
        server = start_server(ws, _private_data_dir)
    yield Office(server, ws, temp)
    stop_server(server)


def file_hash(path: Path) -> str:
    """The workspace file's hash, any write-ahead log of an earlier test's import folded into
    it first (a reader of the server might fold it in meanwhile otherwise)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return hashlib.sha256(path.read_bytes()).hexdigest()


def choose_registers(page, suffix: str) -> None:
    """Say the file is a register (建档立卡户), and wait until the uploader takes ``suffix``."""
    page.locator("[data-testid=stMain] [data-testid=stSelectbox]").first.click()
    page.get_by_role("option", name="建档立卡户").click()
    page.wait_for_function(  # the page has rerun for registers
        "(suffix) => { const u = document.querySelectorAll("
        "'[data-testid=stFileUploaderDropzoneInput]');"
        " return u.length === 1 && u[0].accept.includes(suffix); }",
        arg=suffix,
        timeout=RERUN_MS,
    )


def test_a_new_workspace_is_made_by_importing_its_villages_on_the_data_page(
    browser, tmp_path, _private_data_dir
):
    from township_atlas.geo.workspace import read_workspace

    corpus = CORPUS_DIR / "vector"
    ws = tmp_path / "new.gpkg"
    server = start_server(ws, _private_data_dir, "--create")
    try:
        v = visit(browser, server.url, height=1400)
        v.page.get_by_text("新工作空间 new.gpkg:先导入村界").wait_for(timeout=30_000)
        assert v.page.get_by_role("link", name="一张图").count() == 0  # only the import page
        upload = v.page.locator("[data-testid=stFileUploaderDropzoneInput]")
        upload.set_input_files(str(corpus / "truncated.geojson"))
        v.page.get_by_text("文件不能导入,工作空间未改动").wait_for(timeout=30_000)
        assert not ws.exists()
        upload.set_input_files(str(corpus / "good_chinese_headers.geojson"))
        v.page.get_by_text("可导入 3 行").wait_for(timeout=30_000)
        v.page.get_by_role("button", name="导入到工作空间").click()
        v.page.get_by_text("已导入 3 行").wait_for(timeout=30_000)
        v.page.get_by_role("link", name="一张图").wait_for(timeout=30_000)  # every page now
        v.page.get_by_text("3 行与工作空间中的相同").wait_for(timeout=30_000)
        assert v.outside == [] and v.errors == []
        v.close()
    finally:
        stop_server(server)
    assert len(read_workspace(ws).villages) == 3


def test_a_far_cell_workbook_is_refused_on_the_page_and_the_server_lives_on(
    office, browser, tmp_path
):
    before = file_hash(office.workspace)
    bad = hostile.far_cell_xlsx(tmp_path / "花名册.xlsx")
    v = visit(browser, f"{office.server.url}/data", height=1800)
    page = v.page
    choose_registers(page, ".xlsx")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(bad))
    page.get_by_text("超出可导入的范围").wait_for(timeout=RERUN_MS)
    assert page.locator("[data-testid=stAlertContentError]").count() >= 1
    assert page.locator("[data-testid=stException]").count() == 0
    with urllib.request.urlopen(f"{office.server.url}/_stcore/health", timeout=10) as r:
        assert r.status == 200
    assert office.server.process.poll() is None
    again = visit(browser, f"{office.server.url}/data", height=1200)
    again.page.locator("[data-testid=stFileUploaderDropzoneInput]").wait_for(
        state="attached", timeout=RERUN_MS
    )
    assert v.outside == [] and v.errors == [] and again.errors == []
    v.close()
    again.close()
    assert file_hash(office.workspace) == before
    assert list(office.temp.glob("atlas-upload-*")) == []


def test_data_page_maps_an_unknown_column_and_imports_a_register(office, browser, tmp_path):
    """A register whose household-size column has a name no office uses: refused at first,
    then the user picks 人数 for it in the column table, checks again and imports."""
    from township_atlas.geo.workspace import read_workspace

    register = tmp_path / "register.csv"
    register.write_text(
        "行政村,户编号,家里几口人,贫困户属性,主要致贫原因,识别年度,脱贫属性,脱贫年度,联系电话\n"
        "新屋村,Z1,3,一般贫困户,因病,2016,1,2019,13800000000\n"
        "李田村,Z2,2,低保户,08,2017,0,,13900000000\n"
        "没有村,Z3,2,低保户,08,2017,0,,13700000000\n",
        encoding="utf-8",
    )
    v = visit(browser, f"{office.server.url}/data", height=1800)
    page = v.page
    choose_registers(page, ".csv")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(str(register))
    page.get_by_text("需要人数列").wait_for(timeout=60_000)  # refused: no size column
    page.get_by_text("家里几口人").first.wait_for(state="attached")  # the grid has drawn
    # By keyboard, as a user without a mouse would: focusing a cell of the grid's accessible
    # table selects the grid's first cell; from there → ↓ ↓ reaches the third row's field
    # (家里几口人), Enter opens its drop-down, typing filters it and Enter picks.
    page.get_by_test_id("glide-cell-1-2").focus()
    page.get_by_test_id("data-grid-canvas").first.focus()
    for key in ("ArrowRight", "ArrowDown", "ArrowDown"):
        page.keyboard.press(key)
    expect(page.get_by_test_id("glide-cell-1-2")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    choices = page.get_by_test_id("portal").get_by_role("combobox")
    expect(choices).to_be_focused()  # the drop-down is open and takes the typing
    page.keyboard.type("人数")
    expect(page.get_by_test_id("portal").get_by_role("option").first).to_have_text("人数 · size")
    page.keyboard.press("Enter")
    expect(page.get_by_text("可导入 2 行,不能导入 1 行")).to_be_visible(timeout=60_000)
    page.get_by_text("「没有村」").first.wait_for(state="attached")  # a grid cell
    main = page.locator("[data-testid=stMain]").inner_text()
    assert "13800000000" not in main  # the phone column is read only to be dropped
    page.get_by_text("只导入其余的行").click()
    page.get_by_role("button", name="导入到工作空间").click()
    page.get_by_text("已导入 2 行").wait_for(timeout=60_000)
    settled(page)  # the run that says so checks the file again, against the new workspace
    assert v.outside == [] and v.errors == []
    v.close()
    households = read_workspace(office.workspace).households.set_index("household_id")
    assert households.loc["Z1", "size"] == 3 and households.loc["Z1", "exit_year"] == 2019
    assert "Z3" not in households.index
    assert list(office.temp.glob("atlas-upload-*")) == []
