"""The columns of the assistance (帮扶) templates, their 说明 lines and example rows: cadres,
pairings, resident teams, visits, measures, projects and exit plans.

The examples name the households template's household (示例-0001) and the cadres template's
cadre (示例-C01), or the workspace's first ones when the template is made for a workspace, so
the templates imported in order (households, cadres, then the others) import cleanly.
"""

from __future__ import annotations

from datetime import date

from ...geo.schema_assistance import (
    CADRE_ROLES,
    MEASURE_STATUSES,
    MEASURE_TYPES,
    PROJECT_STATUSES,
    PROJECT_TYPES,
)
from .template_columns import (
    _NEW_ROWS,
    _OPTIONAL,
    _REQUIRED,
    _YEAR,
    _Column,
    _Example,
    _lon_lat,
    _village_column,
    _zh,
)

_DATE = "日期，如 2024-03-05、2024/3/5、2024年3月5日 / a date, e.g. 2024-03-05"
_TEXT_ONLY = ("不写姓名、证件号码、电话", "no names, ID or phone numbers")


def _id(header: str, prefix: str, zh: str, en: str) -> _Column:
    """An optional id column: left empty, a stable id is made (``prefix``-…)."""
    return _Column(
        header,
        _OPTIONAL,
        f"编号，每条唯一；留空时按{zh}生成固定编号（{prefix}- 开头）",
        f"id, unique; left empty, a stable id is made from the {en} ({prefix}-…)",
        text=True,
    )


def _household(layer: str) -> _Column:
    return _Column(
        _zh(layer, "household_id"),
        _REQUIRED,
        "户编号：须是工作空间花名册中的户（先导入建档立卡户）",
        "household id: a household of the workspace's register (import the register first)",
        text=True,
    )


def _cadre(header: str, need: tuple[str, str]) -> _Column:
    return _Column(
        header,
        need,
        "帮扶责任人编号（也可填姓名；同名时请填编号）：须在帮扶责任人名单中（先导入帮扶责任人）",
        "the cadre's id (or name; give the id for namesakes): one of the cadres layer (import "
        "the cadres first)",
        text=True,
    )


def _cadres_table(ex: _Example) -> tuple[list[_Column], dict[str, object]]:
    layer = "cadres"
    columns = [
        _id(_zh(layer, "cadre_id"), "C", "姓名与帮扶单位", "name and unit"),
        _Column(
            _zh(layer, "cadre_name"),
            _REQUIRED,
            "帮扶责任人姓名（保存，只向可查看户信息的角色显示）；不要填户主姓名",
            "the cadre's name (kept; shown only to roles that may see household records); "
            "not a household head's",
        ),
        _Column(_zh(layer, "unit"), _NEW_ROWS, "帮扶单位", "the cadre's unit"),
        _Column(_zh(layer, "post"), _OPTIONAL, "职务", "post"),
        _Column(
            _zh(layer, "responsibility"),
            _OPTIONAL,
            "在责任体系中的角色",
            "part in the responsibility system",
            "、".join(CADRE_ROLES),
            CADRE_ROLES,
        ),
        _Column(
            _zh(layer, "village_code"),
            _OPTIONAL,
            "联系（包）的行政村：村名或 12 位统计用区划代码",
            "the village the cadre is responsible for: its name or 12-digit area code",
            text=True,
        ),
    ]
    values = [ex.cadre, "示例干部", "示例县财政局", "科员", CADRE_ROLES[-1], ex.name]
    return columns, dict(zip((c.header for c in columns), values, strict=True))


def _pairings_table(ex: _Example) -> tuple[list[_Column], dict[str, object]]:
    layer = "pairings"
    columns = [
        _household(layer),
        _cadre(_zh(layer, "cadre_id"), _REQUIRED),
        _Column(_zh(layer, "since_year"), _OPTIONAL, "结对年度", "paired since", _YEAR),
    ]
    values = [ex.household, ex.cadre, 2016]
    return columns, dict(zip((c.header for c in columns), values, strict=True))


def _teams_table(ex: _Example) -> tuple[list[_Column], dict[str, object]]:
    layer = "village_teams"
    columns = [
        _Column(
            "行政村",
            _REQUIRED,
            "驻村的行政村：村名或 12 位统计用区划代码，须是工作空间中的村",
            "the village: its name or 12-digit area code, one of the workspace's villages",
            text=True,
        ),
        _Column(
            _zh(layer, "start_date"),
            _REQUIRED,
            "进驻日期（同一村每支工作队一行）",
            "since (one row per team of a village)",
            _DATE,
        ),
        _Column(_zh(layer, "team_unit"), _NEW_ROWS, "派出单位", "the unit that sent the team"),
        _Column(
            _zh(layer, "first_secretary"),
            _OPTIONAL,
            "第一书记姓名（保存，只向可查看户信息的角色显示）",
            "the first secretary's name (kept; shown only to roles that may see household records)",
        ),
        _Column(
            _zh(layer, "members"),
            _OPTIONAL,
            "工作队人数",
            "team members",
            "整数（人）/ whole number",
        ),
        _Column(
            _zh(layer, "end_date"),
            _OPTIONAL,
            "撤离（轮换）日期；仍在村时留空",
            "until (rotated out); empty while the team is there",
            _DATE,
        ),
    ]
    values = [ex.name, date(2018, 3, 1), "示例县财政局", "示例书记", 3, None]
    return columns, dict(zip((c.header for c in columns), values, strict=True))


def _visits_table(ex: _Example) -> tuple[list[_Column], dict[str, object]]:
    layer = "visits"
    columns = [
        _id(_zh(layer, "visit_id"), "V", "户编号与走访日期", "household and date"),
        _household(layer),
        _Column(_zh(layer, "visit_date"), _REQUIRED, "走访日期", "date of the visit", _DATE),
        _cadre(_zh(layer, "cadre_id"), _OPTIONAL),
        _Column(
            _zh(layer, "note"),
            _OPTIONAL,
            f"走访内容（{_TEXT_ONLY[0]}：含号码的文件不导入）",
            f"what was done ({_TEXT_ONLY[1]}: a file with them is refused)",
        ),
    ]
    values = ["示例-V01", ex.household, date(2024, 3, 5), ex.cadre, "了解生产生活情况"]
    return columns, dict(zip((c.header for c in columns), values, strict=True))


def _measures_table(ex: _Example) -> tuple[list[_Column], dict[str, object]]:
    layer = "measures"
    columns = [
        _id(_zh(layer, "measure_id"), "M", "户编号、措施类型与年度", "household, type and year"),
        _household(layer),
        _Column(
            _zh(layer, "measure_type"),
            _REQUIRED,
            "帮扶措施类型（也可填产业扶持、教育扶持类等说法）",
            "kind of measure (产业扶持, 教育扶持类 … are read too)",
            "、".join(MEASURE_TYPES),
            MEASURE_TYPES,
        ),
        _Column(_zh(layer, "year"), _REQUIRED, "实施年度", "year", _YEAR),
        _Column(_zh(layer, "amount"), _OPTIONAL, "帮扶金额", "amount", "元（或写 1.2万元）"),
        _Column(
            _zh(layer, "status"),
            _NEW_ROWS,
            "落实情况",
            "status",
            "、".join(MEASURE_STATUSES),
            MEASURE_STATUSES,
        ),
    ]
    values = ["示例-M01", ex.household, MEASURE_TYPES[0], 2024, 3000, MEASURE_STATUSES[2]]
    return columns, dict(zip((c.header for c in columns), values, strict=True))


def _projects_table(ex: _Example) -> tuple[list[_Column], dict[str, object]]:
    layer = "projects"

    def count(col: str, zh: str, en: str) -> _Column:
        return _Column(_zh(layer, col), _OPTIONAL, zh, en, "整数（户）/ whole number")

    columns = [
        _id(_zh(layer, "project_id"), "P", "项目名称与所在行政村", "name and village"),
        _Column(_zh(layer, "name"), _REQUIRED, "项目名称", "name of the project"),
        _village_column(_REQUIRED),
        _Column(
            _zh(layer, "project_type"),
            _NEW_ROWS,
            "项目类型（也可填产业发展、农民专业合作社等说法）",
            "kind of project (产业发展, 农民专业合作社 … are read too)",
            "、".join(PROJECT_TYPES),
            PROJECT_TYPES,
        ),
        _Column(_zh(layer, "year"), _NEW_ROWS, "实施年度", "year", _YEAR),
        _Column(_zh(layer, "budget"), _NEW_ROWS, "计划投资", "budget", "万元"),
        _Column(_zh(layer, "spent"), _OPTIONAL, "已支出资金", "money spent", "万元"),
        count("households", "受益户数", "households reached"),
        count("poor_households", "受益贫困户数（不大于受益户数）", "poor households reached"),
        _Column(
            _zh(layer, "status"),
            _NEW_ROWS,
            "项目状态（也可填已竣工、建设中等说法）",
            "status (已竣工, 建设中 … are read too)",
            "、".join(PROJECT_STATUSES),
            PROJECT_STATUSES,
        ),
        *_lon_lat(),
    ]
    values = [
        "示例-P01",
        f"{ex.name}光伏电站（示例）",
        ex.name,
        PROJECT_TYPES[1],  # 光伏
        2019,
        120.0,
        110.0,
        60,
        25,
        PROJECT_STATUSES[-1],  # 完工
        ex.point.x,
        ex.point.y,
    ]
    return columns, dict(zip((c.header for c in columns), values, strict=True))


def _exit_plans_table(ex: _Example) -> tuple[list[_Column], dict[str, object]]:
    layer = "exit_plans"
    columns = [
        _household(layer),
        _Column(
            _zh(layer, "plan_year"),
            _REQUIRED,
            "计划脱贫年度（每户一行）",
            "planned exit year (one row per household)",
            _YEAR,
        ),
    ]
    return columns, {columns[0].header: ex.household, columns[1].header: 2020}


ASSISTANCE_TABLES = {
    "cadres": _cadres_table,
    "pairings": _pairings_table,
    "teams": _teams_table,
    "visits": _visits_table,
    "measures": _measures_table,
    "projects": _projects_table,
    "exit_plans": _exit_plans_table,
}
