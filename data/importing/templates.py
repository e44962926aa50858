"""Import templates to download, fill in and import: one per kind of ``township-atlas import``.

Tables (households, facilities, stations, sites, indicators) are Excel workbooks: sheet 1
(模板) holds the headers the readers recognise and one example row, with dropdown lists for
the columns that take fixed values; sheet 2 (说明) explains every column. Boundaries
(villages, township) are GeoJSON files with one example feature carrying the properties the
boundary reader recognises. Value lists come from :mod:`township_atlas.geo.schema` and the
readers, so a template never offers a value the import refuses.

Given the workspace's villages, the example row uses its first village (name, code, a point
inside it, its boundary), so importing the untouched template into that workspace succeeds.
The assistance templates (帮扶: cadres, pairings, teams, visits, measures, projects, exit
plans) name a household and a cadre: the workspace's first ones when given the workspace,
else the households and cadres templates' own examples. The operations template (网点运营情况)
names the workspace's first e-commerce station, else the stations template's example.

The columns of each table template are in :mod:`.template_columns`; this module makes the
files (and is the front door: what moved is imported from here as before).
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import replace

import geopandas as gpd
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from shapely.geometry import LineString, Point, box, mapping

from ...geo.schema import (
    IMPORT_KINDS,
    SERVICE_TIERS,
    WGS84,
)
from ...geo.workspace import Workspace
from .table_coordinates import village_anchors
from .table_headers import ASSISTANCE_KINDS
from .template_assistance import ASSISTANCE_TABLES
from .template_columns import (
    _TABLES,
    NO,
    SAMPLE_CADRE,
    SAMPLE_HOUSEHOLD,
    SAMPLE_ID,
    YES,
    _Column,
    _Example,
)
from .template_operations import OPERATIONS_TABLES
from .vector_values import kind_from_name

__all__ = [
    "GEOJSON_MIME",
    "NO",
    "NOTES_SHEET",
    "SAMPLE_ID",
    "SHEET",
    "TEMPLATE_KINDS",
    "TITLES",
    "XLSX_MIME",
    "YES",
    "template_file",
]

#: Every kind ``township-atlas import`` takes, each with a template.
TEMPLATE_KINDS = IMPORT_KINDS
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GEOJSON_MIME = "application/geo+json"
#: Name of the sheet the readers take the rows from (the first) and of the instructions sheet.
SHEET = "模板"
NOTES_SHEET = "说明"

#: What each template is, in Chinese (file name) and English.
TITLES = {
    "villages": ("行政村界", "village boundaries"),
    "township": ("乡镇界", "township outline"),
    "households": ("建档立卡户", "household register"),
    "facilities": ("设施与服务网点", "facilities"),
    "stations": ("电商服务网点", "e-commerce stations"),
    "sites": ("易地扶贫搬迁安置点", "relocation sites"),
    "indicators": ("村级基础设施指标", "village indicators"),
    "roads": ("道路", "roads"),
    "cadres": ("帮扶责任人", "cadres"),
    "pairings": ("结对帮扶", "pairings"),
    "teams": ("驻村工作队", "resident teams"),
    "visits": ("走访记录", "visits"),
    "measures": ("帮扶措施", "measures"),
    "projects": ("扶贫项目", "projects"),
    "exit_plans": ("脱贫计划", "exit plans"),
    "operations": ("网点运营情况", "station operations"),
}


# A neutral example (a village of 于都县, Jiangxi, away from the demo township) for a template
# made without a workspace; its point lies inside its square, the square inside the township's.
_SAMPLE_CODE = "360731100201"
_SAMPLE_NAME = "示例村"
_SAMPLE_VILLAGE = box(115.40, 25.95, 115.42, 25.97)
_SAMPLE_TOWNSHIP = box(115.38, 25.93, 115.44, 25.99)
_SAMPLE_POINT = Point(115.41, 25.96)
_SAMPLE_TOWNSHIP_NAME = "示例镇"

# Excel allows at most 255 characters in a list typed into a validation, 255 in its messages.
_LIST_LIMIT = 255
_MAX_ROW = 1_048_576  # Excel's last row: the dropdowns cover every row people may fill in


_HEADER_FONT = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_OPTIONAL_FILL = PatternFill("solid", fgColor="EDEDED")
_WRAP = Alignment(wrap_text=True, vertical="top")


def template_file(
    kind: str, villages: gpd.GeoDataFrame | None = None, *, workspace: Workspace | None = None
) -> tuple[str, bytes, str]:
    """The import template for ``kind``: file name, contents and MIME type.

    Parameters
    ----------
    kind
        One of :data:`TEMPLATE_KINDS`.
    villages
        The workspace's villages layer (``code``, ``name``, geometry, with a CRS). Its first
        village fills the example row; without it the example is 示例村 (360731100201).
    workspace
        The workspace itself (its villages stand for ``villages`` when that is not given):
        an assistance example names its first household and cadre, an operations example its
        first e-commerce station; without it, the households, cadres and stations templates'
        examples (示例-0001, 示例-C01, 示例-E01).

    Returns
    -------
    tuple
        ``(file name, bytes, MIME type)``: an .xlsx for tables, a .geojson for boundaries.
    """
    if kind not in TEMPLATE_KINDS:
        raise ValueError(f"no template for {kind!r}; kinds are {', '.join(TEMPLATE_KINDS)}")
    if villages is None and workspace is not None:
        villages = workspace.villages
    example = _with_records(_example(villages), workspace)
    name = f"导入模板_{TITLES[kind][0]}_{kind}"
    if kind in ("villages", "township", "roads"):
        return f"{name}.geojson", _geojson(kind, example), GEOJSON_MIME
    columns, row = {**_TABLES, **ASSISTANCE_TABLES, **OPERATIONS_TABLES}[kind](example)
    return f"{name}.xlsx", _workbook(kind, columns, row), XLSX_MIME


# ----------------------------------------------------------------------------- the example
def _example(villages: gpd.GeoDataFrame | None) -> _Example:
    if villages is None or len(villages) == 0:
        return _Example(
            _SAMPLE_CODE,
            _SAMPLE_NAME,
            _SAMPLE_VILLAGE,
            _SAMPLE_POINT,
            {},
            _SAMPLE_TOWNSHIP,
            {},
        )
    wgs = villages.to_crs(WGS84)
    first = wgs.iloc[0]
    code = str(first["code"])
    anchor = village_anchors(wgs.iloc[:1])[code]
    # Six decimals (about 0.1 m) read better; keep the exact anchor if rounding left the village.
    point = Point(round(anchor.x, 6), round(anchor.y, 6))
    if not point.within(first.geometry):
        point = anchor
    values = {
        k: _plain(v) for k, v in first.items() if k not in ("code", "name", wgs.geometry.name)
    }
    totals = {
        col: int(pd.to_numeric(wgs[col], errors="coerce").fillna(0).sum())
        for col in ("population", "villager_groups")
        if col in wgs
    }
    # The workspace's villages together stand in for its township outline, as on import.
    return _Example(
        code, str(first["name"]), first.geometry, point, values, wgs.union_all(), totals
    )


def _with_records(example: _Example, workspace: Workspace | None) -> _Example:
    """``example`` naming the workspace's first household, cadre and e-commerce station,
    when it has them."""
    if workspace is None:
        return example
    first = {}
    for fld, layer, key in (
        ("household", "households", "household_id"),
        ("cadre", "cadres", "cadre_id"),
    ):
        ids = workspace[layer][key].dropna()
        first[fld] = str(ids.iloc[0]) if len(ids) else getattr(example, fld)
    fac = workspace["facilities"]
    stations = fac[fac["kind"].isin(SERVICE_TIERS).to_numpy(dtype=bool)]
    if len(stations):
        first["station"] = str(stations["facility_id"].iloc[0])
        first["station_name"] = str(stations["name"].iloc[0])
    return replace(example, **first)


def _plain(value: object) -> object:
    """A cell as JSON/Excel takes it: numpy scalars as Python ones, missing as None."""
    if value is None or (not isinstance(value, str | bytes) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


# ----------------------------------------------------------------------------- boundaries
def _geojson(kind: str, ex: _Example) -> bytes:
    if kind == "villages":
        v = ex.values

        def flag(col: str) -> str:
            return YES if v.get(col) else NO

        props = {
            "行政区划代码": ex.code,  # a string: every digit kept whatever reads the file
            "村名": ex.name,
            "类型": v.get("kind") or kind_from_name(ex.name),
            "户籍人口": v.get("population", 1200),
            "户数": v.get("households", 350),
            "村民小组数": v.get("villager_groups", 8),
            "贫困村": flag("poor_village"),
            "贫困村级别": v.get("poor_level"),
            "试点村": flag("pilot"),
            "民族村": v.get("ethnic"),
            "出列年度": v.get("exit_year"),
            "计划出列年度": v.get("planned_exit_year"),
        }
        geometry = ex.boundary
    elif kind == "roads":
        # one village road through the example village, as the rural road census writes it
        props = {"路线编号": "C001", "路线名称": f"{ex.name}通村公路", "行政等级": "村道"}
        props["路面类型"] = "水泥混凝土"
        b = ex.boundary.bounds
        geometry = LineString([(b[0], ex.point.y), (ex.point.x, ex.point.y), (ex.point.x, b[3])])
        geometry = (
            geometry.intersection(ex.boundary) if geometry.intersects(ex.boundary) else geometry
        )
        if geometry.geom_type != "LineString" or geometry.is_empty:
            geometry = LineString([(ex.point.x, ex.point.y), (ex.point.x + 0.002, ex.point.y)])
    else:
        t = ex.township_values
        props = {
            "乡镇代码": ex.code[:9],
            "乡镇名称": _SAMPLE_TOWNSHIP_NAME,
            "县(区)": "示例县",
            "市": "示例市",
            "省": "示例省",
            "总人口": t.get("population", 12000),
            "村民小组数": t.get("villager_groups", 60),
        }
        geometry = ex.township
    collection = {
        "type": "FeatureCollection",
        "name": kind,
        # RFC 7946: longitude/latitude in WGS84; CGCS2000 degrees differ by under a metre.
        "features": [{"type": "Feature", "properties": props, "geometry": mapping(geometry)}],
    }
    return json.dumps(collection, ensure_ascii=False, indent=1).encode("utf-8")


# ----------------------------------------------------------------------------- the workbook
def _width(text: object) -> int:
    # CJK characters take two columns of a fixed-width cell
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(text if text is not None else ""))


def _general_notes(kind: str) -> list[tuple[str, str]]:
    notes = [
        (
            f"第 1 个工作表“{SHEET}”的第 2 行是示例：请改写或删除后再导入，原样导入会把示例写入"
            "工作空间。",
            f"Row 2 of the first sheet ({SHEET}) is an example: overwrite or delete it before "
            "importing; imported as it is, it goes into the workspace.",
        ),
        (
            "请保留表头文字；橙色表头为必填列，灰色为选填列，不用的选填列可以删除。",
            "Keep the header texts; orange headers are required, grey ones optional (optional "
            "columns you do not use may be deleted).",
        ),
    ]
    if kind == "households":
        notes += [
            (
                "个人信息：姓名只用于读取，随即丢弃；证件号码只保存密钥散列和遮蔽号；联系电话用不到，"
                "本模板不含此列，全国系统导出文件中的联系电话列也不会被保存。",
                "Personal data: names are read and dropped; ID numbers are kept only as a keyed "
                "hash and a masked form; phone numbers are not needed (no column here) and a "
                "phone column in a national export is never stored.",
            ),
            (
                "每户一行或每人一行（全国系统导出格式）均可；每人一行时，户编号相同的行归为一户。",
                "One row per household, or one row per person (the national export): rows with "
                "the same 户编号 make one household.",
            ),
        ]
    elif kind in ASSISTANCE_KINDS:
        notes += _assistance_notes(kind)
    elif kind in OPERATIONS_TABLES:
        notes += _operations_notes()
    else:
        notes.append(
            (
                "行政村可填村名或 12 位统计用区划代码。",
                "A village may be given by name or by its 12-digit area code.",
            )
        )
    notes.append(
        (
            f"导入：township-atlas import {kind} 文件.xlsx 工作空间.gpkg",
            f"Import with: township-atlas import {kind} FILE.xlsx WORKSPACE.gpkg",
        )
    )
    return notes


def _assistance_notes(kind: str) -> list[tuple[str, str]]:
    """What the 说明 sheet of an assistance template adds: order, people and dates."""
    notes = [
        (
            f"先导入建档立卡户和帮扶责任人：户编号须在花名册中，帮扶责任人须在名单中；"
            f"示例行的户（{SAMPLE_HOUSEHOLD}）和责任人（{SAMPLE_CADRE}）是这两个模板的示例。",
            "Import the household register and the cadres first: a household must be in the "
            "register, a cadre in the cadres layer; the example names those templates' "
            f"examples ({SAMPLE_HOUSEHOLD}, {SAMPLE_CADRE}).",
        ),
        (
            "个人信息：只保存帮扶责任人和第一书记的姓名（只向可查看户信息的角色显示）；"
            "户主姓名、证件号码、联系电话不保存，全国系统导出文件中的这些列导入时丢弃。",
            "Personal data: only cadres' and first secretaries' names are kept (shown only to "
            "roles that may see household records); household heads' names, ID numbers and "
            "phone numbers are never kept, and such columns of a national export are dropped.",
        ),
        (
            "行政村可填村名或 12 位统计用区划代码；日期可写 2024-03-05、2024/3/5、2024.3.5、"
            "2024年3月5日、20240305 或 Excel 日期。",
            "A village may be given by name or by its 12-digit area code; a date as "
            "2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305 or an Excel date.",
        ),
    ]
    if kind in ("pairings", "visits"):
        notes.append(
            (
                "帮扶责任人可填编号或姓名；同名的责任人请填编号，或加一列帮扶单位。",
                "A cadre may be given by id or by name; give the id for namesakes, or add a "
                "帮扶单位 column.",
            )
        )
    return notes


def _operations_notes() -> list[tuple[str, str]]:
    """What the 说明 sheet of the operations template adds: stations first, one row per station
    and year, units."""
    return [
        (
            "先导入电商服务网点（import stations）：每行的网点须是工作空间中的电商网点，按站点编号"
            "查找，编号不同时按站点名称查找；同名网点请加一列所在行政村。",
            "Import the e-commerce stations first (import stations): each row's station must "
            "be one of the workspace's, found by its id, else by its name; for namesakes add a "
            "village column.",
        ),
        (
            "每个网点每年一行；没有年度列时取标题中的年份（如“2024年度村级电商服务站运营情况统计表”）。"
            "同一文件再次导入不会重复记录，每项变化都记入变更记录。",
            "One row per station and year; without a year column the title's year is taken "
            "(2024年度村级电商服务站运营情况统计表). The same file again changes nothing; every "
            "change goes into the change history.",
        ),
        (
            "农产品网销额以万元计；表头写“(元)”或数值后写“元”时自动换算。户均增收以元计。",
            "Online sales are in 万元; a header in (元), or 元 after a number, is converted. "
            "The income gain is in 元.",
        ),
    ]


def _workbook(kind: str, columns: list[_Column], row: Mapping[str, object]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    for i, col in enumerate(columns, start=1):
        letter = get_column_letter(i)
        head = sheet.cell(1, i, col.header)
        head.font = _HEADER_FONT
        head.fill = _OPTIONAL_FILL if col.optional else _REQUIRED_FILL
        cell = sheet.cell(2, i, row.get(col.header))
        if col.text:
            # Excel turns typed digits into a number: an 18-digit ID loses its last digits
            sheet.column_dimensions[letter].number_format = "@"
            cell.number_format = "@"
        widest = max(_width(v) for v in (col.header, row.get(col.header), *col.choices))
        sheet.column_dimensions[letter].width = min(40, max(8, widest + 3))
        if col.choices:
            sheet.add_data_validation(_dropdown(col, f"{letter}2:{letter}{_MAX_ROW}"))
    sheet.freeze_panes = "A2"

    notes = book.create_sheet(NOTES_SHEET)
    notes.append(
        ["列名 Column", "是否必填 Required", "含义", "Meaning", "允许值或单位 Values / unit"]
    )
    for col in columns:
        notes.append([col.header, " ".join(col.need), col.zh, col.en, col.rule or "文字 / text"])
    notes.append([])
    notes.append([f"注意 Notes：{TITLES[kind][0]} / {TITLES[kind][1]}"])
    for zh, en in _general_notes(kind):
        notes.append(["", "", zh, en])
    for cell in notes[1]:
        cell.font = _HEADER_FONT
    notes.cell(notes.max_row - len(_general_notes(kind)), 1).font = _HEADER_FONT
    for letter, width in zip("ABCDE", (22, 22, 48, 48, 40), strict=True):
        notes.column_dimensions[letter].width = width
    for line in notes.iter_rows(min_row=2):
        for cell in line[2:]:
            cell.alignment = _WRAP
    notes.freeze_panes = "A2"

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _dropdown(col: _Column, cells: str) -> DataValidation:
    """A list validation; a warning, not a stop, since the readers take other spellings too
    (the national export's codes, 有/无 …) and pasted cells bypass it anyway."""
    formula = '"' + ",".join(col.choices) + '"'
    if len(formula) > _LIST_LIMIT or any("," in c for c in col.choices):
        raise ValueError(f"the choices of {col.header} do not fit an Excel list")
    listed = "、".join(col.choices)
    dv = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showDropDown=False,  # False shows the arrow (the attribute's name says the opposite)
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle=col.header[:32],
        error=f"{col.header}应为：{listed}"[:_LIST_LIMIT],
        showInputMessage=True,
        promptTitle=col.header[:32],
        prompt=f"可选：{listed}"[:_LIST_LIMIT],
    )
    dv.add(cells)
    return dv
