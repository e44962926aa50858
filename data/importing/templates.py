"""Import templates to download, fill in and import: one per kind of ``township-atlas import``.

Tables (households, facilities, stations, sites, indicators) are Excel workbooks: sheet 1
(模板) holds the headers the readers recognise and one example row, with dropdown lists for
the columns that take fixed values; sheet 2 (说明) explains every column. Boundaries
(villages, township) are GeoJSON files with one example feature carrying the properties the
boundary reader recognises. Value lists come from :mod:`township_atlas.geo.schema` and the
readers, so a template never offers a value the import refuses.

Given the workspace's villages, the example row uses its first village (name, code, a point
inside it, its boundary), so importing the untouched template into that workspace succeeds.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import pandas as pd
import shapely
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from shapely.geometry import LineString, Point, box, mapping

from ...geo.schema import (
    CAUSES,
    FACILITY_KINDS,
    FACILITY_STATUSES,
    HOUSEHOLD_CATEGORIES,
    HOUSEHOLD_STATUSES,
    IMPORT_KINDS,
    INDICATOR_FLAGS,
    LAYERS,
    MONITOR_KINDS,
    RELOCATION_M2_PER_PERSON_CAP,
    SERVICE_TIERS,
    SITE_STATUSES,
    SITE_TYPES,
    WGS84,
)
from .tables import FACILITY_STATUS_WORDS, village_anchors
from .vector import kind_from_name

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
}

#: The yes/no words written in templates (both readers and the validators take them).
YES, NO = "是", "否"

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

_REQUIRED = ("必填", "required")
_OPTIONAL = ("选填", "optional")
#: Schema-required values the importer keeps from the workspace for a row it already has.
_NEW_ROWS = ("新记录必填", "required for a new row")

_HEADER_FONT = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
_OPTIONAL_FILL = PatternFill("solid", fgColor="EDEDED")
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class _Column:
    """One column of a table template and its line in the 说明 sheet."""

    header: str
    need: tuple[str, str]
    zh: str
    en: str
    rule: str = ""  # allowed values or unit, as the 说明 sheet shows them
    choices: tuple[str, ...] = ()  # the dropdown list
    text: bool = False  # an identifier: typed digits must stay text (18-digit IDs, codes)

    @property
    def optional(self) -> bool:
        return self.need[0].startswith("选填")


@dataclass(frozen=True)
class _Example:
    """The village the example row names: code, name, boundary and a point inside it."""

    code: str
    name: str
    boundary: shapely.Geometry
    point: Point
    values: Mapping[str, object]  # the village's other columns, when the workspace has them
    township: shapely.Geometry
    township_values: Mapping[str, object]


def template_file(kind: str, villages: gpd.GeoDataFrame | None = None) -> tuple[str, bytes, str]:
    """The import template for ``kind``: file name, contents and MIME type.

    Parameters
    ----------
    kind
        One of :data:`TEMPLATE_KINDS`.
    villages
        The workspace's villages layer (``code``, ``name``, geometry, with a CRS). Its first
        village fills the example row; without it the example is 示例村 (360731100201).

    Returns
    -------
    tuple
        ``(file name, bytes, MIME type)``: an .xlsx for tables, a .geojson for boundaries.
    """
    if kind not in TEMPLATE_KINDS:
        raise ValueError(f"no template for {kind!r}; kinds are {', '.join(TEMPLATE_KINDS)}")
    example = _example(villages)
    name = f"导入模板_{TITLES[kind][0]}_{kind}"
    if kind in ("villages", "township", "roads"):
        return f"{name}.geojson", _geojson(kind, example), GEOJSON_MIME
    columns, row = _TABLES[kind](example)
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


# ----------------------------------------------------------------------------- table columns
def _zh(layer: str, col: str) -> str:
    return LAYERS[layer].column(col).zh


def _listed(values: tuple[str, ...]) -> str:
    return "、".join(values)


_YES_NO = (YES, NO)
_YEAR = "4 位年份，如 2019 / year, e.g. 2019"


def _village_column(need: tuple[str, str]) -> _Column:
    return _Column(
        "所在行政村",
        need,
        "所在行政村：村名或 12 位统计用区划代码，须是工作空间中的村",
        "the village: its name or 12-digit area code, one of the workspace's villages",
        text=True,
    )


def _lon_lat() -> list[_Column]:
    need = ("无所在行政村时必填", "required without a village")
    return [
        _Column(
            "经度",
            need,
            "经度（十进制度）；不填时定位于所在行政村内的代表点",
            "longitude in decimal degrees; left empty, the village's anchor point is used",
            "73–136；WGS84 或 CGCS2000（高德/腾讯坐标导入时加 --crs gcj02）",
        ),
        _Column(
            "纬度",
            need,
            "纬度（十进制度）",
            "latitude in decimal degrees",
            "3–54；WGS84 或 CGCS2000",
        ),
    ]


def _status_word(status: str) -> str:
    """The first Chinese word the table reader takes for a facility status (现有, 规划)."""
    return next(w for w, s in FACILITY_STATUS_WORDS.items() if s == status and not w.isascii())


def _facility_table(ex: _Example, kind: str) -> tuple[list[_Column], dict[str, object]]:
    layer = "facilities"
    if kind == "stations":
        kinds = tuple(FACILITY_KINDS[k][0] for k in SERVICE_TIERS)
        kind_need = ("选填（留空为村级电商服务站）", "optional (empty: village station)")
        sample_kind, sample_id = FACILITY_KINDS["village_station"][0], "示例-E01"
        kind_zh, kind_en = "电商网点层级", "tier of the e-commerce network"
    else:
        kinds = tuple(zh for zh, _ in FACILITY_KINDS.values())
        kind_need = _REQUIRED
        sample_kind, sample_id = FACILITY_KINDS["clinic"][0], "示例-F01"
        kind_zh, kind_en = "设施类型", "kind of facility"
    statuses = tuple(_status_word(s) for s in FACILITY_STATUSES)
    columns = [
        _Column(
            _zh(layer, "facility_id"),
            _OPTIONAL,
            "编号，每处唯一；留空时按类型和名称生成固定编号（F- 开头）",
            "id, unique; left empty, a stable id is made from kind and name (F-…)",
            text=True,
        ),
        _Column(_zh(layer, "kind"), kind_need, kind_zh, kind_en, _listed(kinds), kinds),
        _Column(_zh(layer, "name"), _REQUIRED, "名称", "name"),
        _village_column(("无经纬度时必填", "required without coordinates")),
        _Column(
            _zh(layer, "status"),
            ("选填（留空为现有）", "optional (empty: existing)"),
            "状态：现有或规划",
            "status: existing (现有) or planned (规划)",
            _listed(statuses),
            statuses,
        ),
        _Column(_zh(layer, "opened_year"), _OPTIONAL, "建成年度", "year opened", _YEAR),
        *_lon_lat(),
    ]
    name = f"{ex.name}{'电商服务站' if kind == 'stations' else '卫生室'}（示例）"
    row = {
        columns[0].header: sample_id,
        columns[1].header: sample_kind,
        columns[2].header: name,
        columns[3].header: ex.name,
        columns[4].header: statuses[0],
        columns[5].header: 2019,
        "经度": ex.point.x,
        "纬度": ex.point.y,
    }
    return columns, row


def _sites_table(ex: _Example) -> tuple[list[_Column], dict[str, object]]:
    layer = "relocation_sites"

    def count(col: str, zh: str, en: str, header: str | None = None) -> _Column:
        unit = LAYERS[layer].column(col).unit
        return _Column(
            header or _zh(layer, col), _NEW_ROWS, zh, en, f"整数（{unit}）/ whole number"
        )

    columns = [
        _Column(
            _zh(layer, "site_id"),
            _OPTIONAL,
            "安置点编号；留空时按名称生成固定编号（S- 开头）",
            "site id; left empty, a stable id is made from the name (S-…)",
            text=True,
        ),
        _Column(_zh(layer, "name"), _REQUIRED, "安置点名称", "site name"),
        _Column(
            _zh(layer, "site_type"),
            _NEW_ROWS,
            "安置类型",
            "type of settlement",
            _listed(SITE_TYPES),
            SITE_TYPES,
        ),
        _village_column(("无经纬度时必填", "required without coordinates")),
        count(
            "capacity_households", "设计容量（户）", "households it is built for", "设计容量(户)"
        ),
        count("planned_households", "计划搬迁户数", "households planned to move"),
        count("planned_persons", "计划搬迁人数", "persons planned to move"),
        count("moved_households", "已入住户数", "households moved in"),
        count("moved_persons", "已入住人数", "persons moved in"),
        _Column(
            "建筑面积(m²)",
            _NEW_ROWS,
            f"安置住房建筑面积；人均不超过 {RELOCATION_M2_PER_PERSON_CAP:g} m²",
            f"built housing area; at most {RELOCATION_M2_PER_PERSON_CAP:g} m² per person",
            "m²（平方米）",
        ),
        _Column(
            _zh(layer, "status"),
            _NEW_ROWS,
            "建设状态",
            "building status",
            _listed(SITE_STATUSES),
            SITE_STATUSES,
        ),
        count("demolished_households", "已拆旧复垦户数", "old houses demolished and reclaimed"),
        _Column(_zh(layer, "completed_year"), _OPTIONAL, "建成年度", "year completed", _YEAR),
        *_lon_lat(),
    ]
    values: list[object] = [
        "示例-S01",
        f"{ex.name}安置点（示例）",
        SITE_TYPES[2],  # 中心村
        ex.name,
        30,
        26,
        90,
        26,
        90,
        1800.0,  # 20 m² per person: under the cap
        SITE_STATUSES[-1],  # 已入住
        26,
        2018,
        ex.point.x,
        ex.point.y,
    ]
    return columns, dict(zip((c.header for c in columns), values, strict=True))


def _indicators_table(ex: _Example) -> tuple[list[_Column], dict[str, object]]:
    layer = "indicators"
    spec = LAYERS[layer]
    columns = [
        _Column(
            "行政村",
            _REQUIRED,
            "行政村：村名或 12 位统计用区划代码，须是工作空间中的村",
            "the village: its name or 12-digit area code, one of the workspace's villages",
            text=True,
        ),
        _Column(
            _zh(layer, "year"),
            _REQUIRED,
            "年度（每村每年一行）",
            "year (one row per village and year)",
            _YEAR,
        ),
    ]
    for fld in INDICATOR_FLAGS:
        col = spec.column(fld)
        columns.append(
            _Column(col.zh, _NEW_ROWS, f"是否{col.zh}", col.en, f"{YES} / {NO}", _YES_NO)
        )
    columns += [
        _Column(
            _zh(layer, "dangerous_houses"),
            _NEW_ROWS,
            "危房户数",
            "households in dangerous houses",
            "整数（户）/ whole number",
        ),
        _Column(
            _zh(layer, "unsafe_water_households"),
            _NEW_ROWS,
            "饮水不安全户数",
            "households without safe drinking water",
            "整数（户）/ whole number",
        ),
        _Column(
            "村集体经济收入(万元)",
            _NEW_ROWS,
            "村集体经济收入（单位是万元，不是元）",
            "collective-economy income, in 10,000 yuan (万元), not yuan",
            "万元",
        ),
    ]
    row: dict[str, object] = {"行政村": ex.name, columns[1].header: date.today().year - 1}
    row |= {spec.column(f).zh: YES for f in INDICATOR_FLAGS}
    row |= {columns[-3].header: 0, columns[-2].header: 0, columns[-1].header: 5.2}
    return columns, row


#: The sample ID number: area 000000 (no such area) with a valid GB 11643 check digit, so
#: it is plainly not a person's yet passes the reader's check.
_SAMPLE_ID_BASE = "00000019900101001"


def _check_digit(first17: str) -> str:
    """GB 11643 check character of the first 17 digits of an ID number."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    return "10X98765432"[total % 11]


SAMPLE_ID = _SAMPLE_ID_BASE + _check_digit(_SAMPLE_ID_BASE)


def _households_table(ex: _Example) -> tuple[list[_Column], dict[str, object]]:
    layer = "households"
    causes = tuple(f"{k} {zh}" for k, (zh, _) in CAUSES.items())
    columns = [
        _Column(
            "行政村",
            _REQUIRED,
            "行政村名称，须是工作空间中的村",
            "village name, one of the workspace's villages",
        ),
        _Column(
            _zh(layer, "household_id"),
            _REQUIRED,
            "户编号（全国系统的编号），每户唯一；每人一行时同户各行相同",
            "household id (the national system's), unique per household; the same on every "
            "row of one household when there is one row per person",
            text=True,
        ),
        _Column(
            "人编号",
            _OPTIONAL,
            "人编号；每人一行（全国系统导出格式）时填写",
            "person id; for a register with one row per person (the national export)",
            text=True,
        ),
        _Column(
            "姓名",
            ("选填（不保存）", "optional (never stored)"),
            "姓名：导入时只用来识别人员行，随即丢弃，不写入工作空间",
            "name: only tells person rows apart while reading; dropped, never stored",
        ),
        _Column(
            "证件号码",
            ("选填（只存散列与遮蔽号）", "optional (hash and mask only)"),
            "户主证件号码：只保存密钥散列（用于再次导入时匹配）和遮蔽号（前 6 位、后 4 位）",
            "the head's ID number: only a keyed hash (to match on the next import) and a "
            "masked form (first 6 and last 4 characters) are kept",
            "18 位（GB 11643 校验位）或 15 位",
            text=True,
        ),
        _Column(
            _zh(layer, "size"),
            ("每户一行时必填", "required with one row per household"),
            "家庭人口数；每人一行时可只在户主行填写",
            "persons in the household; with one row per person, on the head's row is enough",
            "整数（人）/ whole number",
        ),
        _Column(
            "与户主关系",
            _OPTIONAL,
            "与户主关系；每人一行时户主行填“户主”",
            "relation to the head; 户主 on the head's row when there is one row per person",
        ),
        _Column(
            _zh(layer, "category"),
            ("监测户以外必填", "required unless 监测"),
            "贫困户属性",
            "category of registered household",
            _listed(HOUSEHOLD_CATEGORIES),
            HOUSEHOLD_CATEGORIES,
        ),
        _Column(
            _zh(layer, "cause"),
            _OPTIONAL,
            "主要致贫原因：代码或文字",
            "main cause of poverty: code or words",
            _listed(causes),
            causes,
        ),
        _Column(
            _zh(layer, "identified_year"), _OPTIONAL, "识别（纳入）年度", "year identified", _YEAR
        ),
        _Column(
            "脱贫属性",
            _REQUIRED,
            "脱贫属性；也可填全国系统导出的代码 0、1、3、4",
            "status; the national export's codes 0, 1, 3 and 4 are read too",
            _listed(HOUSEHOLD_STATUSES),
            HOUSEHOLD_STATUSES,
        ),
        _Column(
            _zh(layer, "exit_year"),
            ("已脱贫必填", "required when 已脱贫"),
            "脱贫年度（最近一次）",
            "exit year (the latest)",
            _YEAR,
        ),
        _Column(
            _zh(layer, "return_year"),
            ("返贫必填", "required when 返贫"),
            "返贫年度（最近一次）",
            "year it fell back (the latest)",
            _YEAR,
        ),
        _Column(
            _zh(layer, "monitor_kind"),
            ("监测户填写", "for monitored households"),
            "监测对象类型",
            "kind of monitored household",
            _listed(MONITOR_KINDS),
            MONITOR_KINDS,
        ),
        _Column(_zh(layer, "monitor_year"), _OPTIONAL, "纳入监测年度", "monitored since", _YEAR),
        _Column(
            _zh(layer, "dangerous_house"),
            ("选填（留空为否）", "optional (empty: no)"),
            "现住危房",
            "lives in a dangerous house now",
            f"{YES} / {NO}",
            _YES_NO,
        ),
        _Column(
            "饮水安全",
            ("必填（留空按不安全计）", "required (empty counts as unsafe)"),
            "饮水是否安全",
            "has safe drinking water",
            f"{YES} / {NO}",
            _YES_NO,
        ),
        _Column(
            _zh(layer, "income_per_capita"),
            _OPTIONAL,
            "家庭人均纯收入",
            "net income per person",
            "元/人·年",
        ),
        _Column(
            _zh(layer, "relocation_site"),
            _OPTIONAL,
            "易地扶贫搬迁的安置点名称",
            "relocation site name, for relocated households",
        ),
    ]
    values: list[object] = [
        ex.name,
        "示例-0001",
        "示例-0001-01",
        "示例",
        SAMPLE_ID,
        3,
        "户主",
        HOUSEHOLD_CATEGORIES[0],
        causes[0],
        2014,
        HOUSEHOLD_STATUSES[1],  # 已脱贫, so 脱贫年度 is filled in
        2019,
        None,
        None,
        None,
        NO,
        YES,
        8600,
        None,
    ]
    return columns, dict(zip((c.header for c in columns), values, strict=True))


_TABLES = {
    "households": _households_table,
    "facilities": lambda ex: _facility_table(ex, "facilities"),
    "stations": lambda ex: _facility_table(ex, "stations"),
    "sites": _sites_table,
    "indicators": _indicators_table,
}


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
