"""Every layer and column of a Township Atlas workspace, in one place.

The validators (:mod:`township_atlas.geo.validate`), the workspace reader and writer, the
dashboard's labels and ``docs/schema.md`` all read these definitions, so a column is described
once: its Chinese and English label, meaning, unit and allowed values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["str", "code", "int", "float", "bool", "year"]
GeometryType = Literal["Polygon", "MultiPolygon", "Point", "LineString", None]

WGS84 = "EPSG:4326"
SCHEMA_VERSION = 2  # 2: history change ids and kinds, station plans


@dataclass(frozen=True)
class Column:
    """One column of a layer.

    ``kind`` is the storage kind: ``code`` is a digit string of fixed ``length``; ``year`` a
    four-digit integer; ``int``/``float`` are counts and amounts in ``unit``.
    """

    name: str
    kind: Kind
    zh: str
    en: str
    meaning: str = ""
    unit: str = ""
    required: bool = True
    allowed: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    length: int | None = None
    #: Other spellings accepted on input and stored as the allowed value they name.
    aliases: tuple[tuple[str, str], ...] = ()
    #: Other headers that name this column in files people bring (the national system's
    #: wordings, older names). Matched through :mod:`township_atlas.geo.headers`, which also
    #: takes 是否/有无 prefixes, units in brackets and full-width punctuation in its stride.
    headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layer:
    """A layer (with geometry) or a table (``geometry=None``) of the workspace GeoPackage."""

    name: str
    zh: str
    en: str
    meaning: str
    geometry: GeometryType
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    personal: tuple[str, ...] = field(default=())

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"layer {self.name!r} has no column {name!r}")

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


# ----------------------------------------------------------------------------- value lists
VILLAGE_KINDS = ("村", "居委会")
POOR_LEVELS = ("省级", "市级", "县级")

#: 贫困户属性 as the national system spells them; the order is the brief's table order.
HOUSEHOLD_CATEGORIES = ("一般贫困户", "低保贫困户", "低保户", "特困供养户")
#: The two groups of the brief: development (扶贫开发对象) and protection (政策保障/兜底).
CATEGORY_GROUP = {
    "一般贫困户": "扶贫开发",
    "低保贫困户": "扶贫开发",
    "低保户": "政策保障",
    "特困供养户": "政策保障",
}
#: Spellings of the categories found in plans and exports (the brief's table among them).
CATEGORY_ALIASES = (
    ("扶贫低保户", "低保贫困户"),
    ("五保户", "特困供养户"),
    ("五保贫困户", "特困供养户"),
    ("特困供养(五保)户", "特困供养户"),
    ("特困供养（五保）户", "特困供养户"),
    ("特困户", "特困供养户"),
)
CATEGORY_EN = {
    "一般贫困户": "ordinary poor",
    "低保贫困户": "poor with minimum allowance",
    "低保户": "minimum-living-allowance",
    "特困供养户": "extreme-poverty support (五保)",
}

#: 主要致贫原因 codes of the national system.
CAUSES = {
    "01": ("因病", "illness"),
    "02": ("因残", "disability"),
    "03": ("因学", "education costs"),
    "04": ("因灾", "disaster"),
    "05": ("缺土地", "lack of land"),
    "06": ("缺水", "lack of water"),
    "07": ("缺技术", "lack of skills"),
    "08": ("缺劳力", "lack of labour"),
    "09": ("缺资金", "lack of capital"),
    "10": ("交通条件落后", "poor transport"),
    "11": ("自身发展动力不足", "lack of motivation"),
    "99": ("其他", "other"),
}

HOUSEHOLD_STATUSES = ("未脱贫", "已脱贫", "返贫", "监测")
STATUS_EN = {"未脱贫": "not exited", "已脱贫": "exited", "返贫": "fell back", "监测": "monitored"}
#: Since 2021 monitoring covers three kinds of households.
MONITOR_KINDS = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
#: Whether an exited household still receives support (the national system's 脱贫属性 1 and 4).
POLICY_SUPPORT = ("享受政策", "不享受政策")

FACILITY_KINDS = {
    "clinic": ("村卫生室", "village clinic"),
    "township_hospital": ("乡镇卫生院", "township hospital"),
    "school": ("学校", "school"),
    "industrial_park": ("工业园区", "industrial park"),
    "agribusiness": ("农业龙头企业", "agribusiness"),
    "county_logistics": ("县级物流中心", "county logistics centre"),
    "township_ecommerce": ("乡镇电商服务中心", "township e-commerce centre"),
    "village_station": ("村级电商服务站", "village e-commerce station"),
}
#: The three tiers of the rural e-commerce network (plan 5 of the source).
SERVICE_TIERS = ("county_logistics", "township_ecommerce", "village_station")
FACILITY_STATUSES = ("existing", "planned")

SITE_TYPES = ("县城", "集镇", "中心村", "产业园区", "乡村旅游区", "敬老院", "分散安置")
SITE_STATUSES = ("规划", "在建", "建成", "已入住")
ROAD_CLASSES = ("国道", "省道", "县道", "乡道", "村道")

#: What a station plan maximises; and how distances are measured.
PLAN_WEIGHTS = ("poor_people", "poor_households", "villages", "population")
PLAN_NETWORKS = ("straight", "road")
#: A saved plan's stations: tried by the planner on the map, or proposed by the optimiser.
PLAN_ROLES = ("tried", "proposed")

#: What a recorded change is (the history layer): an indicator of a village, a household's
#: exit, fall back or monitoring, or the undoing of an earlier change.
CHANGE_KINDS = (
    "indicator",
    "household_exit",
    "household_fell_back",
    "household_monitored",
    "undo",
    "import",  # a newer register imported: each household field it changed
)

#: Cap on relocation housing per person (a hard national limit).
RELOCATION_M2_PER_PERSON_CAP = 25.0


def _code(name: str, zh: str, en: str, length: int, **kw) -> Column:
    return Column(name, "code", zh, en, length=length, **kw)


def _year(name: str, zh: str, en: str, **kw) -> Column:
    return Column(name, "year", zh, en, minimum=1980, maximum=2100, **kw)


def _count(name: str, zh: str, en: str, unit: str, **kw) -> Column:
    return Column(name, "int", zh, en, unit=unit, minimum=0, **kw)


def _flag(name: str, zh: str, en: str, meaning: str = "", **kw) -> Column:
    return Column(name, "bool", zh, en, meaning=meaning, **kw)


# ----------------------------------------------------------------------------- layers
TOWNSHIP = Layer(
    "township",
    "乡镇界",
    "Township outline",
    "The township boundary and its headline facts.",
    "MultiPolygon",
    (
        _code("code", "乡镇代码", "Township code", 9, meaning="9-digit statistical area code"),
        Column("name", "str", "乡镇名称", "Township name"),
        Column("county", "str", "县(区)", "County"),
        Column("city", "str", "市", "City"),
        Column("province", "str", "省", "Province"),
        _count("population", "总人口", "Population", "人"),
        _count("villager_groups", "村民小组数", "Villager groups", "个"),
        _flag(
            "illustrative",
            "示意边界",
            "Illustrative boundary",
            "True when the boundary is a sketch (示意), not a survey",
        ),
    ),
    key=("code",),
)

VILLAGES = Layer(
    "villages",
    "行政村",
    "Administrative villages",
    "Administrative villages and residents' committees with their boundaries.",
    "MultiPolygon",
    (
        _code("code", "统计用区划代码", "Area code", 12, meaning="12-digit statistical area code"),
        _year("vintage", "代码版本", "Code vintage", meaning="year of the code list"),
        Column("name", "str", "村名", "Name"),
        Column("kind", "str", "类型", "Kind", allowed=VILLAGE_KINDS),
        _flag("poor_village", "贫困村", "Poor village", "registered poor village (贫困村)"),
        Column(
            "poor_level",
            "str",
            "贫困村级别",
            "Poor-village level",
            required=False,
            allowed=POOR_LEVELS,
        ),
        _flag("pilot", "试点村", "Pilot village", "pilot village of the township plan"),
        Column("ethnic", "str", "民族村", "Ethnic village", required=False, meaning="e.g. 畲族"),
        _count("population", "户籍人口", "Population", "人"),
        _count("households", "户数", "Households", "户"),
        _count("villager_groups", "村民小组数", "Villager groups", "个"),
        _year("exit_year", "出列年度", "Exit year", required=False, meaning="year it exited"),
        _year(
            "planned_exit_year",
            "计划出列年度",
            "Planned exit",
            required=False,
            meaning="the year the township plan sets for a poor village's exit",
        ),
        _flag("illustrative", "示意边界", "Illustrative boundary"),
    ),
    key=("code",),
)

HOUSEHOLDS = Layer(
    "households",
    "建档立卡户",
    "Registered households",
    "Households of the registration system (建档立卡) and monitored households. Synthetic in the "
    "demo; no names, ID or phone numbers are stored here.",
    None,
    (
        Column("household_id", "str", "户编号", "Household id"),
        _code("village_code", "行政村代码", "Village code", 12),
        _count("size", "人数", "Persons", "人", maximum=30),
        Column(
            "category",
            "str",
            "贫困户属性",
            "Category",
            required=False,
            allowed=HOUSEHOLD_CATEGORIES,
            meaning="empty for a monitored household that was never registered poor",
            aliases=CATEGORY_ALIASES,
        ),
        Column("cause", "str", "主要致贫原因", "Main cause", required=False, allowed=tuple(CAUSES)),
        _year("identified_year", "识别年度", "Identified", required=False),
        _year("exit_year", "脱贫年度", "Exit year", required=False),
        _year("return_year", "返贫年度", "Fell back", required=False),
        Column("status", "str", "脱贫状态", "Status", allowed=HOUSEHOLD_STATUSES),
        Column(
            "monitor_kind", "str", "监测类型", "Monitor kind", required=False, allowed=MONITOR_KINDS
        ),
        _year("monitor_year", "纳入监测年度", "Monitored since", required=False),
        Column(
            "policy_support",
            "str",
            "脱贫户享受政策",
            "Exited, policy support",
            required=False,
            allowed=POLICY_SUPPORT,
            meaning="an exited household still receiving support (脱贫属性 1) or no longer (4)",
        ),
        _year(
            "risk_cleared_year",
            "风险消除年度",
            "Risk cleared",
            required=False,
            meaning="year a monitored household's risk was marked cleared (已消除风险)",
        ),
        _flag("dangerous_house", "危房户", "Dangerous house", "lives in a dangerous house now"),
        _flag("unsafe_water", "饮水不安全", "Unsafe water", "has no safe drinking water now"),
        Column(
            "income_per_capita",
            "float",
            "人均纯收入",
            "Income per person",
            unit="元",
            required=False,
            minimum=0,
        ),
        Column("relocation_site", "str", "安置点", "Relocation site", required=False),
        # 三保障 and labour, counted from the register's person rows (see the members layer).
        _count(
            "out_of_school",
            "失学辍学人数",
            "Out of school",
            "人",
            required=False,
            meaning="members of compulsory-school age who dropped out or never enrolled (失学辍学)",
        ),
        _count(
            "no_medical_insurance",
            "未参加基本医疗保险人数",
            "No basic medical insurance",
            "人",
            required=False,
            meaning="members not in 城乡居民基本医疗保险",
        ),
        _count(
            "no_serious_illness_insurance",
            "未参加大病保险人数",
            "No serious-illness insurance",
            "人",
            required=False,
        ),
        _count("labour_persons", "劳动力人数", "Labour", "人", required=False),
        _count("migrant_workers", "务工人数", "Working away", "人", required=False),
        _count("ill_or_disabled", "患病或残疾人数", "Ill or disabled", "人", required=False),
        Column(
            "head_id_hash",
            "str",
            "户主证件号码(密钥散列)",
            "Head's ID (keyed hash)",
            required=False,
            meaning="HMAC-SHA256 of the head's ID number, for matching; the key stays on the "
            "machine that imported it",
        ),
        Column(
            "head_id_masked",
            "str",
            "户主证件号码(遮蔽)",
            "Head's ID (masked)",
            required=False,
            meaning="first 6 and last 4 digits only, e.g. 360722********1234",
        ),
    ),
    key=("household_id",),
)

INDICATORS = Layer(
    "indicators",
    "村级基础设施指标",
    "Village indicators",
    "Infrastructure and service indicators of each village, one row per village and year.",
    None,
    (
        _code("village_code", "行政村代码", "Village code", 12),
        _year("year", "年度", "Year"),
        _flag("road_hardened", "通硬化路", "Hardened road"),
        _flag("bus", "通客运班车", "Bus service"),
        _flag("safe_water", "安全饮水", "Safe drinking water"),
        _flag("power", "生产生活用电", "Power"),
        _flag("radio_tv", "广播电视", "Radio and TV"),
        _flag("broadband", "通宽带", "Broadband"),
        _flag("clinic", "标准化卫生室", "Standard clinic"),
        _flag("doctor", "合格村医", "Qualified doctor"),
        _flag("activity_centre", "文化活动室", "Activity centre"),
        _count("dangerous_houses", "危房户数", "Dangerous houses", "户"),
        _count("unsafe_water_households", "饮水不安全户数", "Households without safe water", "户"),
        Column(
            "collective_income",
            "float",
            "村集体经济收入",
            "Collective income",
            unit="万元",
            minimum=0,
        ),
    ),
    key=("village_code", "year"),
)

#: Indicator columns that are met (True) or not; the gap markers and exit rules read these.
INDICATOR_FLAGS = (
    "road_hardened",
    "bus",
    "safe_water",
    "power",
    "radio_tv",
    "broadband",
    "clinic",
    "doctor",
    "activity_centre",
)

FACILITIES = Layer(
    "facilities",
    "设施与服务网点",
    "Facilities and service points",
    "Clinics, schools, hospitals, industrial parks and the three tiers of e-commerce points.",
    "Point",
    (
        Column("facility_id", "str", "编号", "Id"),
        Column("kind", "str", "类型", "Kind", allowed=tuple(FACILITY_KINDS)),
        Column("name", "str", "名称", "Name"),
        _code("village_code", "所在行政村", "Village code", 12, required=False),
        Column("status", "str", "状态", "Status", allowed=FACILITY_STATUSES),
        _year("opened_year", "建成年度", "Opened", required=False),
    ),
    key=("facility_id",),
)

SITES = Layer(
    "relocation_sites",
    "易地扶贫搬迁安置点",
    "Relocation sites",
    "Relocation settlement sites (易地扶贫搬迁) with plan and progress.",
    "Point",
    (
        Column("site_id", "str", "编号", "Id"),
        Column("name", "str", "安置点名称", "Name"),
        Column("site_type", "str", "安置类型", "Type", allowed=SITE_TYPES),
        _code("village_code", "所在行政村", "Village code", 12, required=False),
        _count("capacity_households", "设计容量", "Capacity", "户"),
        _count("planned_households", "计划搬迁户数", "Planned households", "户"),
        _count("planned_persons", "计划搬迁人数", "Planned persons", "人"),
        _count("moved_households", "已入住户数", "Moved-in households", "户"),
        _count("moved_persons", "已入住人数", "Moved-in persons", "人"),
        Column("built_area_m2", "float", "建筑面积", "Built area", unit="m²", minimum=0),
        Column("status", "str", "建设状态", "Status", allowed=SITE_STATUSES),
        _count("demolished_households", "已拆旧复垦户数", "Old houses demolished", "户"),
        _year("completed_year", "建成年度", "Completed", required=False),
    ),
    key=("site_id",),
)

RELOCATIONS = Layer(
    "relocations",
    "搬迁来源",
    "Relocation origins",
    "Households relocated from each origin village to each site.",
    None,
    (
        Column("site_id", "str", "安置点编号", "Site id"),
        _code("origin_code", "迁出行政村", "Origin village", 12),
        _count("households", "搬迁户数", "Households", "户"),
        _count("persons", "搬迁人数", "Persons", "人"),
        _year("year", "搬迁年度", "Year"),
    ),
    key=("site_id", "origin_code"),
)

ROADS = Layer(
    "roads",
    "道路",
    "Roads",
    "Roads by class; the coverage analysis may route along them.",
    "LineString",
    (
        Column("road_id", "str", "编号", "Id"),
        Column("name", "str", "名称", "Name", required=False),
        Column("road_class", "str", "等级", "Class", allowed=ROAD_CLASSES),
        _flag("paved", "硬化", "Paved"),
    ),
    key=("road_id",),
)

RIVERS = Layer(
    "rivers",
    "水系",
    "Rivers",
    "Rivers and streams drawn as part of the offline base map.",
    "LineString",
    (
        Column("river_id", "str", "编号", "Id"),
        Column("name", "str", "名称", "Name", required=False),
    ),
    key=("river_id",),
)

HISTORY = Layer(
    "history",
    "变更记录",
    "Change history",
    "Every recorded change: never overwritten, replayed to compute figures for past dates. "
    "One change (a road paved, a household exited) may set several fields; an undo is a new "
    "change that sets them back.",
    None,
    (
        Column("change_id", "str", "变更编号", "Change", meaning="rows of one change share it"),
        Column("changed_at", "str", "生效日期", "Effective", meaning="ISO 8601 date (YYYY-MM-DD)"),
        Column("recorded_at", "str", "登记时间", "Recorded", meaning="ISO 8601 date and time"),
        Column("kind", "str", "变更类型", "Kind", allowed=CHANGE_KINDS),
        Column("layer", "str", "图层", "Layer", allowed=("indicators", "households")),
        Column("record_key", "str", "记录", "Record", meaning="village_code/year or household_id"),
        Column("field", "str", "字段", "Field", meaning="a column, or __row__: a row added"),
        Column("old_value", "str", "原值", "Old value", required=False),
        Column("new_value", "str", "新值", "New value", required=False),
        Column("note", "str", "说明", "Note", required=False),
        Column("reverts", "str", "撤销的变更", "Undoes", required=False),
    ),
    key=("change_id", "record_key", "field"),
)

PLANS = Layer(
    "station_plans",
    "电商网点规划方案",
    "Station plans",
    "Saved plans for new e-commerce stations: the stations each adds to the existing network, "
    "with the settings it was made with. One row per station; a plan is all rows of one name.",
    "Point",
    (
        Column("plan_name", "str", "方案名称", "Plan"),
        Column("station_id", "str", "网点编号", "Station id"),
        Column("station_name", "str", "网点名称", "Station"),
        Column("role", "str", "来源", "Role", allowed=PLAN_ROLES),
        Column("added_weight", "float", "新增覆盖", "Adds", required=False, minimum=0),
        Column(
            "radius_km",
            "float",
            "服务半径",
            "Service radius",
            unit="km",
            minimum=0,
            meaning="of village stations, new and existing",
        ),
        Column(
            "township_radius_km",
            "float",
            "乡镇服务中心服务半径",
            "Township centre radius",
            unit="km",
            minimum=0,
            required=False,
            meaning="of the township e-commerce centre; empty: the village station radius",
        ),
        Column("network", "str", "距离计算", "Distance", allowed=PLAN_NETWORKS),
        Column("weight", "str", "优化目标", "Maximised", allowed=PLAN_WEIGHTS),
        _year("year", "数据年度", "Data year"),
        Column("saved_at", "str", "保存时间", "Saved", meaning="ISO 8601 date and time"),
    ),
    key=("plan_name", "station_id"),
)

LAYERS: dict[str, Layer] = {
    layer.name: layer
    for layer in (
        TOWNSHIP,
        VILLAGES,
        HOUSEHOLDS,
        INDICATORS,
        FACILITIES,
        SITES,
        RELOCATIONS,
        ROADS,
        RIVERS,
        HISTORY,
        PLANS,
    )
}

#: Layers every workspace must have; the others may be empty.
REQUIRED_LAYERS = ("township", "villages")

#: Column names that hold personal data and must never be stored in plain text, drawn on maps,
#: put in tooltips, briefs, exports or logs.
PERSONAL_COLUMNS = frozenset({"姓名", "证件号码", "联系电话", "name_person", "id_number", "phone"})

#: Meanings of coded values, for the data dictionary: (layer, column) -> code -> (zh, en).
VALUE_LABELS: dict[tuple[str, str], dict[str, tuple[str, str]]] = {
    ("households", "cause"): CAUSES,
    ("facilities", "kind"): FACILITY_KINDS,
}


def allowed_text(layer: Layer, column: Column) -> str:
    """The allowed values of ``column`` as people read them (``01 因病 / 02 因残 …``)."""
    labels = VALUE_LABELS.get((layer.name, column.name), {})
    return " / ".join(f"{v} {labels[v][0]}" if v in labels else v for v in column.allowed)


#: Every kind of file ``township-atlas import`` takes, in the order a new workspace needs them.
IMPORT_KINDS = (
    "villages",
    "township",
    "households",
    "facilities",
    "stations",
    "sites",
    "indicators",
)
