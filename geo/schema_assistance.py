"""The assistance layers (帮扶): who helps each household, with what, with how much money.

The source plans are half about counting the poor and half about helping them: every poor
household paired with a cadre (结对帮扶), a resident team (驻村工作队) in every poor village,
visits at least twice a year, measures matched to the cause of poverty (一户一策), projects and
their money (资金公示), and the year each household is planned to exit (脱贫时限). These layers
hold that half; :mod:`.schema` lists them with the others.

Cadres' phone numbers are not needed and never stored. A cadre's or 第一书记's name is stored
(a 第一书记 looks up their own households by it) but shown only to roles that may see
household records.
"""

from __future__ import annotations

from .schema_columns import Column, Layer, code, count, year

#: Kinds of assistance measure (帮扶措施类型), grouped as the plans group them: 产业项目扶持类
#: (产业, 光伏, 小额信贷), 就业扶持类 (就业, 培训), 教育扶持类, 政策保障类 (健康, 住房, 饮水,
#: 易地搬迁, 兜底保障, 生态).
MEASURE_TYPES = (
    "产业",
    "就业",
    "培训",
    "教育",
    "健康",
    "住房",
    "饮水",
    "易地搬迁",
    "小额信贷",
    "光伏",
    "生态",
    "兜底保障",
    "其他",
)
MEASURE_TYPE_EN = {
    "产业": "industry",
    "就业": "employment",
    "培训": "training",
    "教育": "education",
    "健康": "health",
    "住房": "housing",
    "饮水": "drinking water",
    "易地搬迁": "relocation",
    "小额信贷": "micro-credit",
    "光伏": "solar",
    "生态": "ecological jobs",
    "兜底保障": "social security",
    "其他": "other",
}
#: How offices write the measure types (产业扶持, 产业项目扶持类, 教育扶持 …).
MEASURE_ALIASES: tuple[tuple[str, str], ...] = (
    ("产业扶持", "产业"),
    ("产业项目扶持类", "产业"),
    ("产业帮扶", "产业"),
    ("发展产业", "产业"),
    ("就业扶持", "就业"),
    ("就业扶持类", "就业"),
    ("转移就业", "就业"),
    ("公益性岗位", "就业"),
    ("扶贫车间", "就业"),
    ("技能培训", "培训"),
    ("职业培训", "培训"),
    ("雨露计划", "教育"),
    ("教育扶持", "教育"),
    ("教育扶持类", "教育"),
    ("教育资助", "教育"),
    ("健康扶贫", "健康"),
    ("医疗救助", "健康"),
    ("医疗保障", "健康"),
    ("危房改造", "住房"),
    ("住房保障", "住房"),
    ("安全饮水", "饮水"),
    ("饮水安全", "饮水"),
    ("搬迁", "易地搬迁"),
    ("易地扶贫搬迁", "易地搬迁"),
    ("扶贫小额信贷", "小额信贷"),
    ("产业扶贫信贷通", "小额信贷"),
    ("信贷", "小额信贷"),
    ("光伏扶贫", "光伏"),
    ("生态护林员", "生态"),
    ("生态补偿", "生态"),
    ("政策保障类", "兜底保障"),
    ("低保", "兜底保障"),
    ("社会保障", "兜底保障"),
    ("兜底", "兜底保障"),
    ("其它", "其他"),
)
MEASURE_STATUSES = ("计划", "实施中", "已完成", "已取消")
MEASURE_STATUS_ALIASES = (
    ("未实施", "计划"),
    ("拟实施", "计划"),
    ("在实施", "实施中"),
    ("进行中", "实施中"),
    ("完成", "已完成"),
    ("已落实", "已完成"),
    ("取消", "已取消"),
)

#: Kinds of project (扶贫项目类型).
PROJECT_TYPES = (
    "产业",
    "光伏",
    "就业",
    "基础设施",
    "合作社",
    "小额信贷",
    "教育",
    "健康",
    "住房",
    "其他",
)
PROJECT_TYPE_EN = {
    "产业": "industry",
    "光伏": "solar",
    "就业": "employment",
    "基础设施": "infrastructure",
    "合作社": "co-operative",
    "小额信贷": "micro-credit",
    "教育": "education",
    "健康": "health",
    "住房": "housing",
    "其他": "other",
}
PROJECT_TYPE_ALIASES = (
    ("产业发展", "产业"),
    ("产业项目", "产业"),
    ("产业扶贫", "产业"),
    ("光伏扶贫", "光伏"),
    ("光伏电站", "光伏"),
    ("就业扶贫", "就业"),
    ("扶贫车间", "就业"),
    ("基础设施建设", "基础设施"),
    ("村级基础设施", "基础设施"),
    ("农民专业合作社", "合作社"),
    ("农民专业合作组织", "合作社"),
    ("扶贫小额信贷", "小额信贷"),
    ("产业扶贫信贷通", "小额信贷"),
    ("其它", "其他"),
)
PROJECT_STATUSES = ("计划", "在建", "完工")
PROJECT_STATUS_ALIASES = (
    ("规划", "计划"),
    ("未开工", "计划"),
    ("拟建", "计划"),
    ("实施中", "在建"),
    ("建设中", "在建"),
    ("已开工", "在建"),
    ("竣工", "完工"),
    ("已完工", "完工"),
    ("已竣工", "完工"),
    ("已完成", "完工"),
    ("完成", "完工"),
)
#: A cadre's part in the responsibility system (plans 4 and 5).
CADRE_ROLES = ("第一责任人", "直接责任人", "帮扶责任人")

CADRES = Layer(
    "cadres",
    "帮扶责任人",
    "Cadres",
    "Cadres paired with households (结对帮扶): unit, post and part in the responsibility "
    "system. No phone numbers; names are shown only to roles that may see household records.",
    None,
    (
        Column("cadre_id", "str", "帮扶责任人编号", "Cadre id", headers=("责任人编号", "干部编号")),
        Column(
            "cadre_name",
            "str",
            "帮扶责任人姓名",
            "Name",
            meaning="shown only to roles that may see household records",
            headers=("帮扶责任人", "责任人姓名", "干部姓名", "帮扶干部", "帮扶人姓名"),
        ),
        Column(
            "unit",
            "str",
            "帮扶单位",
            "Unit",
            headers=("帮扶单位名称", "工作单位", "单位名称", "派出单位"),
        ),
        Column("post", "str", "职务", "Post", required=False, headers=("职务(职级)", "职级")),
        Column(
            "responsibility",
            "str",
            "责任类型",
            "Responsibility",
            required=False,
            allowed=CADRE_ROLES,
            headers=("责任人类型", "责任类别"),
        ),
        code(
            "village_code",
            "联系村",
            "Village",
            12,
            required=False,
            meaning="the village the cadre is responsible for (包村), if any",
        ),
    ),
    key=("cadre_id",),
    personal=("cadre_name",),
)

PAIRINGS = Layer(
    "pairings",
    "结对帮扶",
    "Pairings",
    "Which cadre is responsible for each household (one per household).",
    None,
    (
        Column("household_id", "str", "户编号", "Household id", headers=("户号", "户码")),
        Column("cadre_id", "str", "帮扶责任人编号", "Cadre id", headers=("责任人编号",)),
        year("since_year", "结对年度", "Paired since", required=False, headers=("结对时间",)),
    ),
    key=("household_id",),
)

TEAMS = Layer(
    "village_teams",
    "驻村工作队",
    "Resident teams",
    "The resident work team (驻村扶贫工作队) of a village and its 第一书记, with dates.",
    None,
    (
        code("village_code", "行政村代码", "Village code", 12),
        Column(
            "start_date",
            "str",
            "进驻日期",
            "Since",
            meaning="ISO 8601 date (YYYY-MM-DD)",
            headers=("驻村时间", "进驻时间", "派驻时间", "开始日期"),
        ),
        Column(
            "team_unit",
            "str",
            "派出单位",
            "Sent by",
            headers=("工作队派出单位", "帮扶单位", "选派单位"),
        ),
        Column(
            "first_secretary",
            "str",
            "第一书记",
            "First secretary",
            required=False,
            meaning="name; shown only to roles that may see household records",
            headers=("第一书记姓名", "驻村第一书记"),
        ),
        count("members", "工作队人数", "Members", "人", required=False, headers=("队员人数",)),
        Column(
            "end_date",
            "str",
            "撤离日期",
            "Until",
            required=False,
            meaning="ISO 8601 date; empty while the team is there",
            headers=("结束日期", "撤出时间", "轮换日期"),
        ),
    ),
    key=("village_code", "start_date"),
    personal=("first_secretary",),
)

VISITS = Layer(
    "visits",
    "走访记录",
    "Visits",
    "Each visit of a cadre to a household (走访看望): the plans ask for at least two a year.",
    None,
    (
        Column("visit_id", "str", "走访编号", "Visit id", headers=("记录编号", "编号")),
        Column("household_id", "str", "户编号", "Household id", headers=("户号", "户码")),
        Column(
            "visit_date",
            "str",
            "走访日期",
            "Date",
            meaning="ISO 8601 date (YYYY-MM-DD)",
            headers=("走访时间", "日期", "入户时间", "帮扶日期"),
        ),
        Column(
            "cadre_id",
            "str",
            "走访人编号",
            "Cadre id",
            required=False,
            headers=("帮扶责任人编号", "责任人编号"),
        ),
        Column(
            "note",
            "str",
            "走访内容",
            "Note",
            required=False,
            meaning="what was done; no names, ID or phone numbers",
            headers=("帮扶内容", "走访情况", "备注"),
        ),
    ),
    key=("visit_id",),
)

MEASURES = Layer(
    "measures",
    "帮扶措施",
    "Measures",
    "The measures of each household's plan (一户一策): type, year, amount and status.",
    None,
    (
        Column("measure_id", "str", "措施编号", "Measure id", headers=("编号",)),
        Column("household_id", "str", "户编号", "Household id", headers=("户号", "户码")),
        Column(
            "measure_type",
            "str",
            "措施类型",
            "Type",
            allowed=MEASURE_TYPES,
            aliases=MEASURE_ALIASES,
            headers=("帮扶措施", "帮扶措施类型", "措施类别", "扶持类型"),
        ),
        year("year", "年度", "Year", headers=("实施年度", "帮扶年度")),
        Column(
            "amount",
            "float",
            "金额",
            "Amount",
            unit="元",
            required=False,
            minimum=0,
            headers=("帮扶金额", "资金", "扶持金额", "补助金额"),
        ),
        Column(
            "status",
            "str",
            "落实情况",
            "Status",
            allowed=MEASURE_STATUSES,
            aliases=MEASURE_STATUS_ALIASES,
            headers=("状态", "实施情况", "完成情况"),
        ),
    ),
    key=("measure_id",),
)

PROJECTS = Layer(
    "projects",
    "扶贫项目",
    "Projects",
    "Projects of each village (产业, 光伏, 就业, 基础设施, 合作社, 小额信贷 …) with budget, money "
    "spent and households reached, for 资金公示.",
    "Point",
    (
        Column("project_id", "str", "项目编号", "Project id", headers=("编号",)),
        Column("name", "str", "项目名称", "Name", headers=("名称",)),
        code("village_code", "所在行政村", "Village code", 12),
        Column(
            "project_type",
            "str",
            "项目类型",
            "Type",
            allowed=PROJECT_TYPES,
            aliases=PROJECT_TYPE_ALIASES,
            headers=("项目类别", "类型"),
        ),
        year("year", "实施年度", "Year", headers=("项目年度", "年度")),
        Column(
            "budget",
            "float",
            "计划投资",
            "Budget",
            unit="万元",
            minimum=0,
            headers=("总投资", "项目资金", "计划资金", "投资额"),
        ),
        Column(
            "spent",
            "float",
            "已支出",
            "Spent",
            unit="万元",
            minimum=0,
            required=False,
            headers=("已拨付资金", "实际支出", "已使用资金", "资金支出"),
        ),
        count(
            "households",
            "受益户数",
            "Households reached",
            "户",
            required=False,
            headers=("带动户数", "受益农户数"),
        ),
        count(
            "poor_households",
            "受益贫困户数",
            "Poor households reached",
            "户",
            required=False,
            headers=("带动贫困户数", "受益建档立卡户数"),
        ),
        Column(
            "status",
            "str",
            "项目状态",
            "Status",
            allowed=PROJECT_STATUSES,
            aliases=PROJECT_STATUS_ALIASES,
            headers=("建设状态", "实施进度"),
        ),
    ),
    key=("project_id",),
)

EXIT_PLANS = Layer(
    "exit_plans",
    "脱贫计划",
    "Exit plans",
    "The year each household is planned to exit (脱贫时限清单); a village's plan is the sum of "
    "its households' and its own 计划出列年度.",
    None,
    (
        Column("household_id", "str", "户编号", "Household id", headers=("户号", "户码")),
        year(
            "plan_year",
            "计划脱贫年度",
            "Planned exit",
            headers=("计划脱贫年份", "预脱贫年度", "脱贫时限"),
        ),
    ),
    key=("household_id",),
)

#: Every assistance layer, in the order the schema lists them.
ASSISTANCE_LAYERS = (CADRES, PAIRINGS, TEAMS, VISITS, MEASURES, PROJECTS, EXIT_PLANS)

#: Columns that name a household, by layer: each must be a household of the register.
HOUSEHOLD_REFS = {
    "pairings": "household_id",
    "visits": "household_id",
    "measures": "household_id",
    "exit_plans": "household_id",
}
#: Columns that name a cadre, by layer: each must be in the cadres layer.
CADRE_REFS = {"pairings": "cadre_id", "visits": "cadre_id"}
