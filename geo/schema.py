"""Every layer and column of a Township Atlas workspace, in one place.

The validators (:mod:`township_atlas.geo.validate`), the workspace reader and writer, the
dashboard's labels and ``docs/schema.md`` all read these definitions, so a column is described
once: its Chinese and English label, meaning, unit and allowed values.
"""

from __future__ import annotations

from dataclasses import replace

from .schema_assistance import ASSISTANCE_LAYERS
from .schema_columns import Column, Layer
from .schema_columns import code as _code
from .schema_columns import count as _count
from .schema_columns import flag as _flag
from .schema_columns import year as _year
from .schema_operations import STATION_OPERATIONS

WGS84 = "EPSG:4326"
SCHEMA_VERSION = 2  # 2: history change ids and kinds, station plans


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
#: Spellings of the categories found in plans and exports (the brief's table among them) and
#: the national system's 贫困户属性 over the years: 一般贫困户, 低保贫困户 (扶贫低保户),
#: 低保户 (农村低保户), 特困供养贫困户 (五保贫困户 before 2016, 五保户 in the plans).
CATEGORY_ALIASES = (
    ("扶贫低保户", "低保贫困户"),
    ("低保贫困", "低保贫困户"),
    ("农村低保户", "低保户"),
    ("低保", "低保户"),
    ("一般贫困", "一般贫困户"),
    ("扶贫户", "一般贫困户"),  # the 2013 form's A3 (扶贫户 / 扶贫低保户)
    ("五保户", "特困供养户"),
    ("五保贫困户", "特困供养户"),
    ("五保", "特困供养户"),
    ("特困供养贫困户", "特困供养户"),
    ("特困供养", "特困供养户"),
    ("特困供养人员", "特困供养户"),
    ("特困供养(五保)户", "特困供养户"),
    ("特困供养（五保）户", "特困供养户"),
    ("特困户", "特困供养户"),
    ("分散供养特困户", "特困供养户"),
    ("集中供养特困户", "特困供养户"),
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
#: Other wordings of the causes (the code, the name, the name with 致贫, its code without the
#: leading zero are read too): older forms, one-word entries, and the 2021+ 防返贫监测 system's
#: 风险类型 where one of the codes means the same.
CAUSE_ALIASES: tuple[tuple[str, str], ...] = (
    ("病", "01"),
    ("疾病", "01"),
    ("因大病", "01"),
    ("因慢性病", "01"),
    ("残", "02"),
    ("残疾", "02"),
    ("因残疾", "02"),
    ("学", "03"),
    ("因上学", "03"),
    ("灾", "04"),
    ("因自然灾害", "04"),
    ("自然灾害", "04"),
    ("缺少土地", "05"),
    ("缺地", "05"),
    ("土地少", "05"),
    ("缺少水", "06"),
    ("缺水源", "06"),
    ("缺少技术", "07"),
    ("缺技能", "07"),
    ("缺少技能", "07"),
    ("缺少劳力", "08"),
    ("缺劳动力", "08"),
    ("缺少劳动力", "08"),
    ("缺少资金", "09"),
    ("缺资本", "09"),
    ("交通落后", "10"),
    ("交通条件差", "10"),
    ("交通不便", "10"),
    ("发展动力不足", "11"),
    ("自身动力不足", "11"),
    ("内生动力不足", "11"),
    ("缺乏发展动力", "11"),
    ("自身发展动力不足", "11"),
    ("其它", "99"),
    ("其他原因", "99"),
    # 2021+ 风险类型 without a code of their own
    ("因意外事故", "99"),
    ("因产业项目失败", "99"),
    ("因务工就业不稳", "99"),
    ("因就业不稳", "99"),
    ("因收入骤减", "99"),
    ("因支出骤增", "99"),
    ("住房出现安全问题", "99"),
    ("饮水安全问题", "99"),
)

HOUSEHOLD_STATUSES = ("未脱贫", "已脱贫", "返贫", "监测")
STATUS_EN = {"未脱贫": "not exited", "已脱贫": "exited", "返贫": "fell back", "监测": "monitored"}
#: A village's exit status (贫困村出列) in zh and en, the one wording every page, brief and
#: command uses; ``exited_failing``: exited, but failing a rule now.
VILLAGE_STATUS_LABELS: dict[str, tuple[str, str]] = {
    "not_poor_village": ("非贫困村", "Not a poor village"),
    "poor_not_exited": ("贫困村·未出列", "Poor village, not exited"),
    "exited": ("已出列", "Exited"),
    "exited_failing": ("已出列·现不达标", "Exited, now failing a rule"),
}
#: Since 2021 monitoring covers three kinds of households.
MONITOR_KINDS = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
#: Other spellings of the monitor kinds, and the 防返贫监测 system's codes 1–3.
MONITOR_ALIASES = (
    ("1", "脱贫不稳定户"),
    ("2", "边缘易致贫户"),
    ("3", "突发严重困难户"),
    ("不稳定户", "脱贫不稳定户"),
    ("脱贫不稳定", "脱贫不稳定户"),
    ("脱贫监测户", "脱贫不稳定户"),
    ("边缘户", "边缘易致贫户"),
    ("边缘易致贫", "边缘易致贫户"),
    ("边缘易致贫对象", "边缘易致贫户"),
    ("边缘贫困户", "边缘易致贫户"),
    ("严重困难户", "突发严重困难户"),
    ("突发严重困难", "突发严重困难户"),
    ("突发困难户", "突发严重困难户"),
)
#: Whether an exited household still receives support (the national system's 脱贫属性 1 and 4).
POLICY_SUPPORT = ("享受政策", "不享受政策")

#: Every status word of the national system over the years, as the layer's status: 脱贫属性
#: codes 0/1/3/4 (2016–2020), 户类型 and 脱贫属性 texts of the 2021+ 防返贫监测 exports, and
#: the plans' wordings. What else a word says (support, monitor kind, risk cleared) is in
#: STATUS_POLICY, STATUS_MONITOR_KIND and STATUS_RISK_CLEARED.
#:
#: A monitored household whose risk is cleared (风险消除, 已消除风险) keeps the status 监测 with
#: risk_cleared_year set: the system keeps it on the monitoring roster (marked cleared, no
#: longer helped as a monitored household); 已脱贫 would need an exit year an 边缘易致贫户
#: never had and a category it never had, and 未脱贫 would count it as poor. "Monitored now"
#: is 监测 without a risk_cleared_year (or one after the year shown).
STATUS_ALIASES = (
    ("0", "未脱贫"),
    ("1", "已脱贫"),
    ("3", "返贫"),
    ("4", "已脱贫"),
    ("贫困", "未脱贫"),
    ("贫困户", "未脱贫"),
    ("未脱贫户", "未脱贫"),
    ("预脱贫", "未脱贫"),  # planned to exit this year: not exited until it does
    ("拟脱贫", "未脱贫"),
    ("脱贫", "已脱贫"),
    ("脱贫户", "已脱贫"),
    ("已脱贫户", "已脱贫"),
    ("稳定脱贫", "已脱贫"),
    ("已脱贫(享受政策)", "已脱贫"),
    ("脱贫(享受政策)", "已脱贫"),
    ("脱贫享受政策", "已脱贫"),
    ("已脱贫享受政策", "已脱贫"),
    ("享受政策", "已脱贫"),
    ("已脱贫(不再享受政策)", "已脱贫"),
    ("脱贫(不再享受政策)", "已脱贫"),
    ("已脱贫(不享受政策)", "已脱贫"),
    ("脱贫(不享受政策)", "已脱贫"),
    ("脱贫不享受政策", "已脱贫"),
    ("已脱贫不享受政策", "已脱贫"),
    ("脱贫不再享受政策", "已脱贫"),
    ("已脱贫不再享受政策", "已脱贫"),
    ("不再享受政策", "已脱贫"),
    ("不享受政策", "已脱贫"),
    ("返贫户", "返贫"),
    ("返贫人口", "返贫"),
    ("监测户", "监测"),
    ("监测对象", "监测"),
    ("防返贫监测对象", "监测"),
    ("纳入监测", "监测"),
    ("脱贫不稳定户", "监测"),
    ("边缘易致贫户", "监测"),
    ("突发严重困难户", "监测"),
    ("脱贫户(监测对象)", "监测"),
    ("脱贫户(脱贫不稳定户)", "监测"),
    ("已消除风险", "监测"),
    ("风险已消除", "监测"),
    ("风险消除", "监测"),
    ("已消除风险监测对象", "监测"),
    ("未消除风险", "监测"),
    ("风险未消除", "监测"),
)
#: Status words that say whether an exited household still receives support.
STATUS_POLICY = {
    "1": "享受政策",
    "已脱贫(享受政策)": "享受政策",
    "脱贫(享受政策)": "享受政策",
    "脱贫享受政策": "享受政策",
    "已脱贫享受政策": "享受政策",
    "享受政策": "享受政策",
    "4": "不享受政策",
    "已脱贫(不再享受政策)": "不享受政策",
    "脱贫(不再享受政策)": "不享受政策",
    "已脱贫(不享受政策)": "不享受政策",
    "脱贫(不享受政策)": "不享受政策",
    "脱贫不享受政策": "不享受政策",
    "已脱贫不享受政策": "不享受政策",
    "脱贫不再享受政策": "不享受政策",
    "已脱贫不再享受政策": "不享受政策",
    "不再享受政策": "不享受政策",
    "不享受政策": "不享受政策",
}
#: Status words that name the monitor kind too.
STATUS_MONITOR_KIND = {
    "脱贫不稳定户": "脱贫不稳定户",
    "边缘易致贫户": "边缘易致贫户",
    "突发严重困难户": "突发严重困难户",
    "脱贫户(脱贫不稳定户)": "脱贫不稳定户",
}
#: Status words that say whether a monitored household's risk is cleared.
STATUS_RISK_CLEARED = {
    "已消除风险": True,
    "风险已消除": True,
    "风险消除": True,
    "已消除风险监测对象": True,
    "未消除风险": False,
    "风险未消除": False,
}
#: Whether a monitored household's risk is cleared, as a 风险是否消除 column writes it.
RISK_CLEARED_WORDS = {
    "已消除": True,
    "已消除风险": True,
    "风险已消除": True,
    "消除": True,
    "风险消除": True,
    "未消除": False,
    "未消除风险": False,
    "风险未消除": False,
}

#: 是/否 cells as the national system, offices and Excel write them (compared case-folded,
#: without spaces, after NFKC: full-width Ｙ is Y).
YES_WORDS = frozenset(
    {"是", "有", "1", "y", "yes", "true", "√", "✓", "✔", "是的", "对", "已参加", "参加", "已参保"}
)
NO_WORDS = frozenset(
    {"否", "无", "0", "n", "no", "false", "×", "✗", "✘", "不是", "没有", "未参加", "未参保", "未"}
)
#: 危房户 cells beyond 是/否: the housing-safety grades (C and D are dangerous, A and B not).
DANGEROUS_HOUSE_WORDS = {
    "c": True,
    "d": True,
    "c级": True,
    "d级": True,
    "c级危房": True,
    "d级危房": True,
    "危房": True,
    "危房户": True,
    "是危房": True,
    "a": False,
    "b": False,
    "a级": False,
    "b级": False,
    "安全": False,
    "安全住房": False,
    "非危房": False,
    "不是危房": False,
}

# ----------------------------------------------------------------------------- members
#: 与户主关系 of the national system.
RELATIONS = (
    "户主",
    "配偶",
    "之子",
    "之女",
    "之儿媳",
    "之女婿",
    "之孙子",
    "之孙女",
    "之外孙子",
    "之外孙女",
    "之父",
    "之母",
    "之岳父",
    "之岳母",
    "之公公",
    "之婆婆",
    "之祖父",
    "之祖母",
    "之外祖父",
    "之外祖母",
    "之兄弟姐妹",
    "之曾孙子女",
    "其他",
)
RELATION_ALIASES = (
    ("本人", "户主"),
    ("户主本人", "户主"),
    ("本人(户主)", "户主"),
    ("户主(本人)", "户主"),
    ("之本人", "户主"),
    ("妻", "配偶"),
    ("之妻", "配偶"),
    ("妻子", "配偶"),
    ("夫", "配偶"),
    ("之夫", "配偶"),
    ("丈夫", "配偶"),
    ("子", "之子"),
    ("儿子", "之子"),
    ("长子", "之子"),
    ("次子", "之子"),
    ("女", "之女"),
    ("女儿", "之女"),
    ("长女", "之女"),
    ("次女", "之女"),
    ("儿媳", "之儿媳"),
    ("媳", "之儿媳"),
    ("女婿", "之女婿"),
    ("孙子", "之孙子"),
    ("孙女", "之孙女"),
    ("外孙", "之外孙子"),
    ("外孙子", "之外孙子"),
    ("外孙女", "之外孙女"),
    ("父亲", "之父"),
    ("父", "之父"),
    ("母亲", "之母"),
    ("母", "之母"),
    ("岳父", "之岳父"),
    ("岳母", "之岳母"),
    ("公公", "之公公"),
    ("婆婆", "之婆婆"),
    ("祖父", "之祖父"),
    ("祖母", "之祖母"),
    ("兄弟姐妹", "之兄弟姐妹"),
    ("兄", "之兄弟姐妹"),
    ("弟", "之兄弟姐妹"),
    ("姐", "之兄弟姐妹"),
    ("妹", "之兄弟姐妹"),
    ("其它", "其他"),
    ("01", "户主"),
    ("02", "配偶"),
)
#: 文化程度 (the system's levels; technical secondary counts as 高中).
EDUCATION = ("学龄前儿童", "文盲或半文盲", "小学", "初中", "高中", "大专及以上")
EDUCATION_ALIASES = (
    ("学龄前", "学龄前儿童"),
    ("文盲", "文盲或半文盲"),
    ("半文盲", "文盲或半文盲"),
    ("不识字或识字很少", "文盲或半文盲"),
    ("小学文化", "小学"),
    ("初中文化", "初中"),
    ("中专", "高中"),
    ("中职", "高中"),
    ("职高", "高中"),
    ("技校", "高中"),
    ("高中或中专", "高中"),
    ("高中及中专", "高中"),
    ("大专", "大专及以上"),
    ("本科", "大专及以上"),
    ("本科及以上", "大专及以上"),
    ("大学", "大专及以上"),
    ("研究生", "大专及以上"),
)
#: 在校生状况 by stage (the system lists each grade: 小学三年级, 七年级, 高职二年级 …).
SCHOOLING = (
    "学前教育",
    "小学",
    "初中",
    "高中",
    "中职",
    "高职高专",
    "本科及以上",
    "送教上门",
    "失学辍学",
    "非在校生",
)
SCHOOLING_ALIASES = (
    ("学前", "学前教育"),
    ("幼儿园", "学前教育"),
    ("七年级", "初中"),
    ("八年级", "初中"),
    ("九年级", "初中"),
    ("初一", "初中"),
    ("初二", "初中"),
    ("初三", "初中"),
    ("高一", "高中"),
    ("高二", "高中"),
    ("高三", "高中"),
    ("普通高中", "高中"),
    ("中专", "中职"),
    ("职高", "中职"),
    ("技校", "中职"),
    ("中等职业教育", "中职"),
    ("高职", "高职高专"),
    ("大专", "高职高专"),
    ("高等职业教育", "高职高专"),
    ("本科", "本科及以上"),
    ("大学", "本科及以上"),
    ("研究生", "本科及以上"),
    ("硕士", "本科及以上"),
    ("博士", "本科及以上"),
    ("失学", "失学辍学"),
    ("辍学", "失学辍学"),
    ("失学或辍学", "失学辍学"),
    ("失学、辍学", "失学辍学"),
    ("非在校", "非在校生"),
    ("不在校", "非在校生"),
    ("否", "非在校生"),
    ("无", "非在校生"),
)
#: 健康状况: one of these, or several (残疾,长期慢性病); stored as three flags per member.
HEALTH = ("健康", "长期慢性病", "患有大病", "残疾")
HEALTH_ALIASES = (
    ("良好", "健康"),
    ("正常", "健康"),
    ("慢性病", "长期慢性病"),
    ("长期慢性病患者", "长期慢性病"),
    ("大病", "患有大病"),
    ("重病", "患有大病"),
    ("患大病", "患有大病"),
    ("重大疾病", "患有大病"),
    ("残疾人", "残疾"),
    ("患病", "长期慢性病"),
)
#: 劳动技能 of the national system (弱劳动力或半劳动力 since 2019).
LABOUR_SKILLS = ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力", "无劳动力")
#: Those that count as labour (劳动力人数).
LABOUR_COUNTED = ("普通劳动力", "技能劳动力", "弱劳动力或半劳动力")
LABOUR_ALIASES = (
    ("普通", "普通劳动力"),
    ("一般劳动力", "普通劳动力"),
    ("有劳动力", "普通劳动力"),
    ("技能", "技能劳动力"),
    ("技术劳动力", "技能劳动力"),
    ("弱劳动力", "弱劳动力或半劳动力"),
    ("半劳动力", "弱劳动力或半劳动力"),
    ("弱劳力", "弱劳动力或半劳动力"),
    ("半劳力", "弱劳动力或半劳动力"),
    ("丧失", "丧失劳动力"),
    ("丧失劳动能力", "丧失劳动力"),
    ("无劳动能力", "无劳动力"),
    ("无", "无劳动力"),
)
#: 务工状况 of the national system.
WORK_STATUSES = ("乡(镇)内务工", "乡(镇)外县内务工", "县外省内务工", "省外务工", "其他", "未务工")
#: Those that count as working (务工人数).
WORK_COUNTED = ("乡(镇)内务工", "乡(镇)外县内务工", "县外省内务工", "省外务工")
WORK_ALIASES = (
    ("乡镇内务工", "乡(镇)内务工"),
    ("乡内务工", "乡(镇)内务工"),
    ("镇内务工", "乡(镇)内务工"),
    ("乡(镇)内", "乡(镇)内务工"),
    ("乡镇外县内务工", "乡(镇)外县内务工"),
    ("乡外县内务工", "乡(镇)外县内务工"),
    ("镇外县内务工", "乡(镇)外县内务工"),
    ("乡(镇)外县内", "乡(镇)外县内务工"),
    ("县外省内", "县外省内务工"),
    ("省内县外务工", "县外省内务工"),
    ("省内务工", "县外省内务工"),
    ("省外", "省外务工"),
    ("外省务工", "省外务工"),
    ("跨省务工", "省外务工"),
    ("境外务工", "省外务工"),
    ("其它", "其他"),
    ("无", "未务工"),
    ("否", "未务工"),
    ("非务工", "未务工"),
    ("不务工", "未务工"),
    ("未外出务工", "未务工"),
    ("在家务农", "未务工"),
    ("务农", "未务工"),
)

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
    "import",  # a newer register, indicator table or villages file: each field it changed
    "assistance",  # a visit, measure, pairing, team, project or plan recorded on the 帮扶 page
    "station",  # a station's status in a year (opened, suspended, closed) on 变更登记
)

#: Cap on relocation housing per person (a hard national limit).
RELOCATION_M2_PER_PERSON_CAP = 25.0


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
        Column(
            "household_id",
            "str",
            "户编号",
            "Household id",
            headers=("户号", "户码", "家庭编号", "户主编号", "户编码", "户代码"),
        ),
        _code(
            "village_code",
            "行政村代码",
            "Village code",
            12,
            headers=(
                "村代码",
                "行政区划代码",
                "村级代码",
                "区划代码",
                "统计用区划代码",
                "行政村区划代码",
                "村编码",
                "行政村编码",
            ),
        ),
        _count(
            "size",
            "人数",
            "Persons",
            "人",
            maximum=30,
            headers=("家庭人口数", "家庭人口", "户人数", "人口数", "家庭人数", "家庭成员数"),
        ),
        Column(
            "category",
            "str",
            "贫困户属性",
            "Category",
            required=False,
            allowed=HOUSEHOLD_CATEGORIES,
            meaning="empty for a monitored household that was never registered poor",
            aliases=CATEGORY_ALIASES,
            headers=("户属性", "贫困户类型", "贫困户类别", "原贫困户属性", "脱贫户属性"),
        ),
        Column(
            "cause",
            "str",
            "主要致贫原因",
            "Main cause",
            required=False,
            allowed=tuple(CAUSES),
            aliases=CAUSE_ALIASES,
            headers=("致贫原因", "主要风险类型", "风险类型", "主要返贫致贫风险", "致贫返贫风险"),
        ),
        _year(
            "identified_year",
            "识别年度",
            "Identified",
            required=False,
            headers=("识别年份", "识别时间", "纳入年度", "建档立卡年度", "识别标准年度"),
        ),
        _year(
            "exit_year",
            "脱贫年度",
            "Exit year",
            required=False,
            headers=("脱贫年份", "脱贫时间", "计划脱贫年度", "脱贫(计划)年度"),
        ),
        _year(
            "return_year",
            "返贫年度",
            "Fell back",
            required=False,
            headers=("返贫年份", "返贫时间"),
        ),
        Column(
            "status",
            "str",
            "脱贫状态",
            "Status",
            allowed=HOUSEHOLD_STATUSES,
            # STATUS_ALIASES are read by the register reader, not applied on every
            # validation: a status word also says support, monitor kind or risk cleared
            # (STATUS_POLICY …), which only the reader can store.
            headers=("脱贫属性", "贫困户状态", "脱贫标志", "户类型", "脱贫户类型", "农户类型"),
        ),
        Column(
            "monitor_kind",
            "str",
            "监测类型",
            "Monitor kind",
            required=False,
            allowed=MONITOR_KINDS,
            aliases=MONITOR_ALIASES,
            headers=("监测对象类型", "监测对象类别", "监测户类型", "监测户类别", "监测类别"),
        ),
        _year(
            "monitor_year",
            "纳入监测年度",
            "Monitored since",
            required=False,
            headers=(
                "监测年度",
                "纳入监测时间",
                "识别监测时间",
                "监测对象识别时间",
                "纳入监测日期",
                "监测识别时间",
            ),
        ),
        Column(
            "policy_support",
            "str",
            "脱贫户享受政策",
            "Exited, policy support",
            required=False,
            allowed=POLICY_SUPPORT,
            meaning="an exited household still receiving support (脱贫属性 1) or no longer (4)",
            headers=("享受政策", "是否享受扶贫政策", "享受政策情况"),
            aliases=(("是", "享受政策"), ("否", "不享受政策"), ("不再享受政策", "不享受政策")),
        ),
        _year(
            "risk_cleared_year",
            "风险消除年度",
            "Year risk cleared",
            required=False,
            meaning="year a monitored household's risk was marked cleared (已消除风险); it "
            "stays 监测 on the roster",
            headers=("风险消除时间", "风险消除日期", "消除风险时间", "风险消除年份"),
        ),
        _flag(
            "dangerous_house",
            "危房户",
            "Dangerous house",
            "lives in a dangerous house now (C or D grade)",
            headers=("危房", "危房等级", "住房安全等级", "房屋安全等级", "住房鉴定等级"),
        ),
        _flag(
            "unsafe_water",
            "饮水不安全",
            "Unsafe water",
            "has no safe drinking water now",
            headers=("饮水不安全户",),
        ),
        Column(
            "income_per_capita",
            "float",
            "人均纯收入",
            "Income per person",
            unit="元",
            required=False,
            minimum=0,
            headers=("家庭人均纯收入", "人均收入", "家庭年人均纯收入", "人均纯收入(元)"),
        ),
        Column(
            "relocation_site",
            "str",
            "安置点",
            "Relocation site",
            required=False,
            headers=("安置点名称", "搬迁安置点"),
        ),
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

MEMBERS = Layer(
    "members",
    "家庭成员",
    "Household members",
    "The people of each registered household as the register lists them (one row per person): "
    "relation, birth year, schooling, health, labour, work and insurance, with the national "
    "system's values. No name, ID number or phone number is ever stored here.",
    None,
    (
        Column("household_id", "str", "户编号", "Household id"),
        Column(
            "person_id",
            "str",
            "人编号",
            "Person id",
            meaning="the register's 人编号; else the household id and the row's place in it",
            headers=("成员编号", "个人编号", "人员编号", "人码"),
        ),
        Column(
            "relation",
            "str",
            "与户主关系",
            "Relation to the head",
            required=False,
            allowed=RELATIONS,
            aliases=RELATION_ALIASES,
            headers=("与户主的关系", "家庭关系", "关系"),
        ),
        _year(
            "birth_year",
            "出生年份",
            "Birth year",
            required=False,
            minimum=1900,
            meaning="from 出生日期, else 年龄 and the register's year, else digits 7–10 of the ID",
        ),
        Column(
            "education",
            "str",
            "文化程度",
            "Education",
            required=False,
            allowed=EDUCATION,
            aliases=EDUCATION_ALIASES,
            headers=("学历", "受教育程度"),
        ),
        Column(
            "schooling",
            "str",
            "在校生状况",
            "Schooling",
            required=False,
            allowed=SCHOOLING,
            aliases=SCHOOLING_ALIASES,
            meaning="stage of a pupil or student (the register gives the grade), 失学辍学 for a "
            "child out of school, 非在校生 for everyone else",
            headers=("在校生情况", "在校学生", "在校生", "就学情况", "就读情况"),
        ),
        _flag(
            "chronic_illness",
            "长期慢性病",
            "Chronic illness",
            "健康状况 names 长期慢性病",
            required=False,
        ),
        _flag(
            "serious_illness",
            "患有大病",
            "Serious illness",
            "健康状况 names 患有大病",
            required=False,
        ),
        _flag("disabled", "残疾", "Disabled", "健康状况 names 残疾", required=False),
        Column(
            "labour_skill",
            "str",
            "劳动技能",
            "Labour skill",
            required=False,
            allowed=LABOUR_SKILLS,
            aliases=LABOUR_ALIASES,
            headers=("劳动能力", "劳动力状况", "劳动力类型"),
        ),
        Column(
            "work",
            "str",
            "务工状况",
            "Work",
            required=False,
            allowed=WORK_STATUSES,
            aliases=WORK_ALIASES,
            headers=("务工情况", "务工地点", "外出务工状况", "就业状况", "务工区域"),
        ),
        Column(
            "work_months",
            "int",
            "务工时间",
            "Months worked",
            unit="月",
            required=False,
            minimum=0,
            maximum=12,
            headers=("务工时间(月)", "务工月数", "外出务工时间", "务工时长"),
        ),
        _flag(
            "medical_insurance",
            "参加城乡居民基本医疗保险",
            "Basic medical insurance",
            "in 城乡居民基本医疗保险 (新农合 before 2017)",
            required=False,
            headers=(
                "城乡居民基本医疗保险",
                "参加基本医疗保险",
                "基本医疗保险",
                "参加新型农村合作医疗",
                "参加新农合",
                "新农合",
                "参加城乡居民医保",
                "参加居民医保",
            ),
        ),
        _flag(
            "serious_illness_insurance",
            "参加大病保险",
            "Serious-illness insurance",
            "in 城乡居民大病保险",
            required=False,
            headers=("参加大病医疗", "大病保险", "参加大病医疗保险", "大病医疗保险"),
        ),
    ),
    key=("household_id", "person_id"),
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

#: How each indicator flag reads when it is not met (the exit rules' and gap cards' wording):
#: zh, en.
INDICATOR_UNMET: dict[str, tuple[str, str]] = {
    "road_hardened": ("未通硬化路", "no hardened road"),
    "bus": ("未通客运班车", "no bus service"),
    "safe_water": ("未实现安全饮水", "no safe drinking water"),
    "power": ("未通生产生活用电", "no production and household power"),
    "radio_tv": ("未通广播电视", "no radio and TV"),
    "broadband": ("未通宽带", "no broadband"),
    "clinic": ("无标准化卫生室", "no standard clinic"),
    "doctor": ("无合格村医", "no qualified village doctor"),
    "activity_centre": ("无文化活动室", "no activity centre"),
}

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
        Column(
            "layer",
            "str",
            "图层",
            "Layer",
            allowed=(
                "indicators",
                "households",
                "villages",
                *(a.name for a in ASSISTANCE_LAYERS),
                "station_operations",
            ),
        ),
        Column(
            "record_key",
            "str",
            "记录",
            "Record",
            meaning="the record's key columns joined by /: village_code/year, household_id, a "
            "village's code, visit_id …",
        ),
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

# ----------------------------------------------------------------------------- table headers
#: Other spellings of the table layers' columns as township offices write them, beyond each
#: column's name, zh and en (compared by the importer's header matcher, which adds
#: 是否/有无/已 prefixes, units in brackets, full-width punctuation and 情况/状况 suffixes by
#: itself). They become the columns' ``headers`` below.
_TABLE_HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "facilities": {
        "facility_id": ("设施编号", "站点编号", "网点编号", "代码", "id"),
        "kind": ("设施类型", "站点类型", "网点类型", "类别", "层级", "站点层级"),
        "name": (
            "名称",
            "设施名称",
            "站点名称",
            "网点名称",
            "服务站名称",
            "服务站点名称",
            "机构名称",
        ),
        "status": ("建设状态", "现状", "运营状态"),
        "opened_year": ("建成年份", "建成时间", "开业年度", "设立年度", "建站年度"),
    },
    "relocation_sites": {
        "site_id": ("安置点编号", "代码", "id"),
        "name": ("名称", "安置点", "集中安置点名称"),
        "site_type": ("安置方式", "类型", "安置点类型"),
        "capacity_households": ("设计容量(户)", "容量", "安置规模", "设计安置户数"),
        "planned_households": ("计划搬迁户", "计划安置户数"),
        "planned_persons": ("计划搬迁人口", "计划安置人数"),
        "moved_households": ("入住户数", "已搬迁入住户数"),
        "moved_persons": ("入住人数", "已搬迁入住人数"),
        "built_area_m2": ("建筑面积(m²)", "建筑面积(m2)", "建筑面积(平方米)", "总建筑面积"),
        "status": ("状态",),
        "demolished_households": ("拆旧复垦户数", "已拆旧户数", "拆旧户数"),
        "completed_year": ("建成年份", "竣工年度", "建成年度"),
    },
    "indicators": {
        "year": ("年份", "年", "统计年度", "统计年份", "填报年度", "监测年度"),
        # 贫困村退出 indicators as township offices word them: the national 退出标准
        # (有一条通村公路实现硬化, 具备条件的村通客运班车, 广播电视户户通, 有综合性文化服务中心,
        # 有标准化卫生室, 有合格乡村医生或执业(助理)医师, 基本实现通宽带) and the provinces'
        # "一降五通七有" (通水、通电、通路、通广播电视、通宽带; 有卫生室、有文化体育活动场所).
        "road_hardened": (
            "通硬化路面",
            "通沥青(水泥)路",
            "通沥青或水泥路",
            "通水泥路",
            "通沥青路",
            "硬化路",
            "通村公路硬化",
            "通村公路实现硬化",
            "有一条通村公路实现硬化",
            "通村硬化路",
            "行政村通硬化路",
            "通路",
        ),
        "bus": (
            "通客车",
            "通班车",
            "客运班车",
            "通农村客运",
            "通公交",
            "具备条件的村通客运班车",
            "具备条件的村实现通客运班车",
        ),
        "safe_water": (
            "饮水安全",
            "自来水",
            "通自来水",
            "安全饮用水",
            "饮用水安全",
            "通安全饮水",
            "农村饮水安全",
            "通水",
        ),
        "power": (
            "通生产生活用电",
            "通动力电",
            "动力电",
            "农网改造",
            "农网改造升级",
            "生活用电",
            "通电",
            "电力入户",
        ),
        "radio_tv": ("通广播电视", "广播电视户户通", "户户通", "有线电视", "广电"),
        "broadband": (
            "宽带",
            "宽带网络",
            "光纤宽带",
            "通光纤",
            "4G",
            "4G网络",
            "4G信号",
            "4G信号覆盖",
            "通4G",
            "通宽带或通讯",
            "宽带网络覆盖",
        ),
        "clinic": (
            "标准化村卫生室",
            "卫生室",
            "村卫生室",
            "村卫生室达标",
            "卫生室达标",
            "标准化卫生室达标",
        ),
        "doctor": (
            "合格乡村医生",
            "乡村医生",
            "村医",
            "执业(助理)医师",
            "执业助理医师",
            "合格乡村医生或执业(助理)医师",
            "合格村医或执业(助理)医师",
        ),
        "activity_centre": (
            "文化室",
            "村级综合文化服务中心",
            "综合文化服务中心",
            "综合性文化服务中心",
            "村综合文化服务中心",
            "文化活动中心",
            "综合性文化活动中心",
            "村级活动场所",
            "文化体育活动场所",
            "文化活动场所",
            "党群服务中心",
            "村级党群服务中心",
        ),
        "dangerous_houses": (
            "危房户",
            "危房数",
            "C/D级危房户数",
            "CD级危房户数",
            "C级D级危房户数",
            "现有危房户数",
            "存量危房户数",
        ),
        "unsafe_water_households": (
            "饮水不安全户",
            "饮水困难户数",
            "饮水困难户",
            "未解决饮水安全户数",
            "饮水不达标户数",
        ),
        "collective_income": (
            "村集体经济收入(万元)",
            "集体经济收入",
            "村集体收入",
            "村集体经济经营性收入",
            "集体经济经营性收入",
            "村级集体经济收入",
            "村集体经济年收入",
        ),
    },
}


#: Headers of boundary files: land-survey attribute names (XZQDM/XZQMC) and the offices'
#: Chinese headers, most specific first (when a file has several, the first listed wins).
_BOUNDARY_HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "villages": {
        "code": (
            "XZQDM",
            "行政区划代码",
            "统计用区划代码",
            "区划代码",
            "村代码",
            "行政村代码",
            "村级代码",
            "村编码",
            "code",
            "代码",
        ),
        "name": ("XZQMC", "村名", "行政村", "行政村名称", "村名称", "村委会名称", "名称", "name"),
        "kind": ("类型", "村类型", "村居类型"),
        "population": ("户籍人口", "总人口", "人口", "人口数", "户籍人口数"),
        "households": ("户数", "总户数", "户籍户数"),
        "poor_village": ("贫困村", "是否贫困村"),
        "poor_level": ("贫困村级别",),
        "pilot": ("试点村", "是否试点村"),
        "ethnic": ("民族村",),
        "villager_groups": ("村民小组数", "村民小组"),
        "exit_year": ("出列年度", "出列年份", "出列时间"),
        "planned_exit_year": ("计划出列年度", "计划出列年份"),
        "vintage": ("代码版本", "代码年份"),
        "illustrative": ("示意边界",),
    },
    "township": {
        "code": (
            "XZQDM",
            "行政区划代码",
            "统计用区划代码",
            "乡镇代码",
            "区划代码",
            "code",
            "代码",
        ),
        "name": ("XZQMC", "乡镇名称", "乡镇", "名称", "name"),
        "county": ("县(区)", "县区", "县", "所属县", "所属县区"),
        "city": ("市", "所属市"),
        "province": ("省", "所属省"),
        "population": ("总人口", "户籍人口", "人口"),
        "villager_groups": ("村民小组数", "村民小组"),
        "illustrative": ("示意边界",),
    },
}


def _with_headers(layer: Layer, spellings: dict[str, tuple[str, ...]]) -> Layer:
    """``layer`` with ``spellings`` added to its columns' ``headers``."""
    unknown = set(spellings) - set(layer.names)
    if unknown:
        raise ValueError(f"{layer.name} has no column(s) {sorted(unknown)}")
    columns = tuple(
        replace(c, headers=(*c.headers, *spellings.get(c.name, ()))) for c in layer.columns
    )
    return replace(layer, columns=columns)


VILLAGES = _with_headers(VILLAGES, _BOUNDARY_HEADERS["villages"])
TOWNSHIP = _with_headers(TOWNSHIP, _BOUNDARY_HEADERS["township"])
FACILITIES = _with_headers(FACILITIES, _TABLE_HEADERS["facilities"])
SITES = _with_headers(SITES, _TABLE_HEADERS["relocation_sites"])
INDICATORS = _with_headers(INDICATORS, _TABLE_HEADERS["indicators"])

LAYERS: dict[str, Layer] = {
    layer.name: layer
    for layer in (
        TOWNSHIP,
        VILLAGES,
        HOUSEHOLDS,
        MEMBERS,
        INDICATORS,
        FACILITIES,
        SITES,
        RELOCATIONS,
        ROADS,
        RIVERS,
        HISTORY,
        PLANS,
        *ASSISTANCE_LAYERS,
        STATION_OPERATIONS,
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
    "roads",
    "cadres",
    "pairings",
    "teams",
    "visits",
    "measures",
    "projects",
    "exit_plans",
    "operations",
)
