"""Import templates: each is read by its real reader and imports without a rejected row."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from shapely.geometry import Point

from township_atlas.data.importing.register import id_valid, read_register
from township_atlas.data.importing.roads import read_roads
from township_atlas.data.importing.run import (
    ASSISTANCE_IMPORT_KINDS,
    BOUNDARY_KINDS,
    OPERATIONS_IMPORT_KINDS,
    TABLE_IMPORT_KINDS,
    import_boundaries,
    import_table,
)
from township_atlas.data.importing.tables import read_table, rows_to_layer
from township_atlas.data.importing.templates import (
    GEOJSON_MIME,
    NOTES_SHEET,
    SAMPLE_ID,
    SHEET,
    TEMPLATE_KINDS,
    XLSX_MIME,
    template_file,
)
from township_atlas.data.importing.vector import read_boundaries
from township_atlas.geo.schema import INDICATOR_FLAGS, INDICATORS
from township_atlas.geo.validate import problems

TABLES = ("households", *TABLE_IMPORT_KINDS)
#: The columns that must offer a dropdown list, by kind.
DROPDOWNS = {
    "households": {"贫困户属性", "主要致贫原因", "脱贫属性", "监测类型", "危房户", "饮水安全"},
    "facilities": {"类型", "状态"},
    "stations": {"类型", "状态"},
    "sites": {"安置类型", "建设状态"},
    "indicators": {INDICATORS.column(f).zh for f in INDICATOR_FLAGS},
}


def _write(folder: Path, kind: str, villages=None, workspace=None) -> Path:
    name, data, _ = template_file(kind, villages, workspace=workspace)
    path = folder / name
    path.write_bytes(data)
    return path


def _headers(path: Path) -> list[str]:
    if path.suffix == ".geojson":
        return list(json.loads(path.read_text("utf-8"))["features"][0]["properties"])
    return [c.value for c in load_workbook(path)[SHEET][1]]


def _import(run_cli, workspace: Path, path: Path, kind: str) -> dict:
    """The import's outcome as ``township-atlas import --json`` reports it."""
    if kind in BOUNDARY_KINDS:
        return import_boundaries(workspace, path, kind).as_dict()
    if kind in ("households", "roads"):
        code, out, _ = run_cli("import", kind, str(path), str(workspace), "--json")
        data = json.loads(out)
        assert data["exit_code"] == code
        return data
    return import_table(workspace, path, kind).as_dict()


def _dropdowns(sheet) -> dict[str, tuple[str, ...]]:
    """Header -> choices of each list validation on sheet 1."""
    headers = {c.column_letter: c.value for c in sheet[1]}
    out = {}
    for dv in sheet.data_validations.dataValidation:
        first = str(dv.sqref).split(":")[0]
        assert dv.type == "list" and first[1:] == "2"  # from the first row under the header
        out[headers[first[0]]] = tuple(dv.formula1.strip('"').split(","))
    return out


def _read_rows(path: Path, kind: str, villages) -> tuple[int, int]:
    """(rows taken, rows rejected) by the reader and the layer's rules, nothing written."""
    if kind == "households":
        names = dict(zip(villages["name"], villages["code"], strict=True))
        read = read_register(path, villages=names, id_key=b"test key")
        return len(read.frame), len(read.rejected)
    read = read_table(path, kind)
    rows = rows_to_layer(read, kind, villages)
    frame = rows.frame.drop(columns="_anchored", errors="ignore")
    assert problems(read.layer, frame.reset_index(drop=True)) == []
    return len(frame) - len(rows.rejected), len(rows.rejected)


def test_every_import_kind_has_a_template():
    assert set(TEMPLATE_KINDS) == {
        *BOUNDARY_KINDS,
        *TABLES,
        "roads",
        *ASSISTANCE_IMPORT_KINDS,
        *OPERATIONS_IMPORT_KINDS,
    }
    for kind in TEMPLATE_KINDS:
        name, data, mime = template_file(kind)
        drawn = kind in (*BOUNDARY_KINDS, "roads")
        assert name.endswith(".geojson" if drawn else ".xlsx") and kind in name
        assert mime == (GEOJSON_MIME if drawn else XLSX_MIME) and data
    with pytest.raises(ValueError, match="roads"):
        template_file("rivers")


@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_the_reader_recognises_every_header(kind, demo_ws, tmp_path):
    path = _write(tmp_path, kind, demo_ws.villages)
    headers = _headers(path)
    if kind in BOUNDARY_KINDS:
        read = read_boundaries(path, kind)  # columns_found is in the layer's order
        assert set(read.columns_found) == set(headers) and read.extra.columns.empty
        assert read.rejected.empty
    elif kind == "roads":
        read = read_roads(path, demo_ws.villages.union_all())
        assert set(read.columns_found) == set(headers) and read.rejected.empty
    elif kind == "households":
        villages = dict(zip(demo_ws.villages["name"], demo_ws.villages["code"], strict=True))
        read = read_register(path, villages=villages, id_key=b"test key")
        assert list(read.columns_found) == headers and read.ok
        assert not [zh for zh, _ in read.notes if "未导入的列" in zh]
    else:
        read = read_table(path, kind)
        assert list(read.columns_found) == headers  # each header recognised, each its own field


@pytest.mark.parametrize("kind", TEMPLATE_KINDS)
def test_the_untouched_template_imports_into_its_workspace(kind, run_cli, demo_ws, demo_copy):
    # given the workspace, an assistance example names its first household and cadre
    path = _write(demo_copy.parent, kind, demo_ws.villages, demo_ws)
    out = _import(run_cli, demo_copy, path, kind)
    assert (out["exit_code"], out["taken"], out["rejected"]) == (0, 1, 0), out
    first = demo_ws.villages.iloc[0]
    if kind == "villages":  # the village's own boundary and code: nothing to change
        assert out["unchanged"]
        read = read_boundaries(path, kind)
        assert read.frame["code"].iloc[0] == first["code"]
        assert read.frame.geometry.iloc[0].equals_exact(first.geometry, 1e-9)
    if kind in ("facilities", "stations", "sites"):
        data = read_table(path, kind).data.iloc[0]
        assert data["village"] == first["name"]
        assert Point(float(data["longitude"]), float(data["latitude"])).within(first.geometry)


def test_the_generic_templates_read_cleanly_against_their_own_village(tmp_path):
    """Without a workspace the example is 示例村: its boundary lies in the township template's,
    and every table's example row reads against it without a rejected row."""
    village = read_boundaries(_write(tmp_path, "villages"), "villages").frame
    township = read_boundaries(_write(tmp_path, "township"), "township").frame
    assert list(village["name"]) == ["示例村"] and list(village["code"]) == ["360731100201"]
    assert list(township["code"]) == ["360731100"]
    assert village.geometry.iloc[0].within(township.geometry.iloc[0])
    for kind in TABLES:
        assert _read_rows(_write(tmp_path, kind), kind, village) == (1, 0), kind


@pytest.mark.parametrize("kind", TABLES)
def test_workbook_has_dropdowns_frozen_bold_headers_and_instructions(kind, tmp_path):
    book = load_workbook(_write(tmp_path, kind))
    assert book.sheetnames == [SHEET, NOTES_SHEET]
    sheet = book[SHEET]
    headers = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "A2" and all(c.font.b for c in sheet[1])
    assert sheet.max_row == 2  # the header and one example row
    assert all(sheet.column_dimensions[c.column_letter].width >= 8 for c in sheet[1])
    assert set(_dropdowns(sheet)) == DROPDOWNS[kind]
    notes = book[NOTES_SHEET]
    rows = list(notes.iter_rows(min_row=2, max_row=len(headers) + 1, values_only=True))
    assert [r[0] for r in rows] == headers  # one line per column, in order
    assert all(need and zh and en and rule for _, need, zh, en, rule in rows)
    assert "示例" in " ".join(str(c.value) for c in notes["C"])  # says row 2 is an example


@pytest.mark.parametrize("kind", TABLES)
def test_every_dropdown_choice_is_read_and_valid(kind, demo_ws, tmp_path):
    """One row per choice of every dropdown: every row read, none rejected by the reader or
    the layer's rules (the importer's own checks, without a slow write per kind)."""
    path = _write(tmp_path, kind, demo_ws.villages)
    book = load_workbook(path)
    sheet = book[SHEET]
    headers = [c.value for c in sheet[1]]
    example = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
    sheet.delete_rows(2)
    rows = [(h, c) for h, choices in _dropdowns(sheet).items() for c in choices]
    for n, (header, choice) in enumerate(rows):
        row = {**example, header: choice}
        if kind == "indicators":
            row["年度"] = 2000 + n  # a row per village and year
        elif kind == "households":
            row["户编号"], row["人编号"] = f"T{n}", f"T{n}-01"
            if choice == "返贫":
                row["返贫年度"] = 2021  # a household that fell back says when
        else:
            row["编号"] = f"T{n}"
        sheet.append([row[h] for h in headers])
    book.save(path)
    assert _read_rows(path, kind, demo_ws.villages) == (len(rows), 0)


def test_register_template_keeps_personal_data_out(demo_ws, tmp_path):
    path = _write(tmp_path, "households", demo_ws.villages)
    book = load_workbook(path)
    sheet = book[SHEET]
    headers = [c.value for c in sheet[1]]
    assert "联系电话" not in headers and "证件号码" in headers
    row = {c.value: sheet.cell(2, c.column) for c in sheet[1]}
    assert row["姓名"].value == "示例"
    assert row["证件号码"].value == SAMPLE_ID and SAMPLE_ID.startswith("000000")
    assert row["证件号码"].number_format == "@"  # typed IDs stay text in Excel
    assert bool(id_valid(pd.Series([SAMPLE_ID])).iloc[0])
    notes = " ".join(str(c.value) for line in book[NOTES_SHEET].iter_rows() for c in line)
    assert "联系电话" in notes and "散列" in notes and "丢弃" in notes
    ws_read = read_register(path, villages={"古陂居委会": "360722102001"}, id_key=b"k")
    assert ws_read.identity["id_valid"].all()  # the reader takes the sample ID as well-formed
    assert ws_read.frame["head_id_masked"].iloc[0] == "000000********" + SAMPLE_ID[-4:]
