"""The columns of each table template, its 说明 lines and its example row (households,
facilities, stations, sites, indicators): the headers the readers recognise, the values they
take as dropdown lists, and an example that imports cleanly into the workspace it names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import shapely
from shapely.geometry import Point

from ...geo.schema import (
    CAUSES,
    FACILITY_KINDS,
    FACILITY_STATUSES,
    HOUSEHOLD_CATEGORIES,
    HOUSEHOLD_STATUSES,
    INDICATOR_FLAGS,
    LAYERS,
    MONITOR_KINDS,
    RELOCATION_M2_PER_PERSON_CAP,
    SERVICE_TIERS,
    SITE_STATUSES,
    SITE_TYPES,
)
from .table_values import FACILITY_STATUS_WORDS

#: The yes/no words written in templates (both readers and the validators take them).
YES, NO = "是", "否"

_REQUIRED = ("必填", "required")
_OPTIONAL = ("选填", "optional")
#: Schema-required values the importer keeps from the workspace for a row it already has.
_NEW_ROWS = ("新记录必填", "required for a new row")


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


#: The household and the cadre the examples name without a workspace: the households and
#: cadres templates' own, so those imported first, the others' examples import cleanly.
SAMPLE_HOUSEHOLD = "示例-0001"
SAMPLE_CADRE = "示例-C01"
#: The stations template's example station: the operations template names it without a
#: workspace, so the two imported in order import cleanly.
SAMPLE_STATION = "示例-E01"


@dataclass(frozen=True)
class _Example:
    """The village the example row names: code, name, boundary and a point inside it; the
    household and cadre an assistance example names; the station an operations example
    names (``station_name`` empty: the stations template's example, named for the village)."""

    code: str
    name: str
    boundary: shapely.Geometry
    point: Point
    values: Mapping[str, object]  # the village's other columns, when the workspace has them
    township: shapely.Geometry
    township_values: Mapping[str, object]
    household: str = SAMPLE_HOUSEHOLD
    cadre: str = SAMPLE_CADRE
    station: str = SAMPLE_STATION
    station_name: str = ""


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


def sample_station_name(ex: _Example) -> str:
    """The name of the station an example names: the workspace's, or the stations
    template's own example (named for the example's village)."""
    return ex.station_name or f"{ex.name}电商服务站（示例）"


def _status_word(status: str) -> str:
    """The first Chinese word the table reader takes for a facility status (现有, 规划)."""
    return next(w for w, s in FACILITY_STATUS_WORDS.items() if s == status and not w.isascii())


def _facility_table(ex: _Example, kind: str) -> tuple[list[_Column], dict[str, object]]:
    layer = "facilities"
    if kind == "stations":
        kinds = tuple(FACILITY_KINDS[k][0] for k in SERVICE_TIERS)
        kind_need = ("选填（留空为村级电商服务站）", "optional (empty: village station)")
        sample_kind, sample_id = FACILITY_KINDS["village_station"][0], SAMPLE_STATION
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
    name = sample_station_name(ex) if kind == "stations" else f"{ex.name}卫生室（示例）"
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
    causes = tuple(f"{k} {zh}" for k, (zh, _) in CAUSES.items())
    columns = [
        *_household_person_columns(),
        *_household_status_columns(causes),
        *_household_living_columns(),
    ]
    values = _household_example(ex, causes)
    return columns, dict(zip((c.header for c in columns), values, strict=True))


def _household_person_columns() -> list[_Column]:
    """The household and its people: village, ids, name and ID (never stored as written), size."""
    layer = "households"
    return [
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
    ]


def _household_status_columns(causes: tuple[str, ...]) -> list[_Column]:
    """Where the household stands: category, cause, status and the years of each change."""
    layer = "households"
    return [
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
    ]


def _household_living_columns() -> list[_Column]:
    """How the household lives: house, water, income and relocation."""
    layer = "households"
    return [
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


def _household_example(ex: _Example, causes: tuple[str, ...]) -> list[object]:
    """The example row's values, column by column: a household of three that exited in 2019."""
    return [
        ex.name,
        SAMPLE_HOUSEHOLD,
        f"{SAMPLE_HOUSEHOLD}-01",
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


_TABLES = {
    "households": _households_table,
    "facilities": lambda ex: _facility_table(ex, "facilities"),
    "stations": lambda ex: _facility_table(ex, "stations"),
    "sites": _sites_table,
    "indicators": _indicators_table,
}
