"""Interface strings of the 帮扶 page (issue 17): zh-CN and English.

Merged into :mod:`township_atlas.dashboard.i18n`, which is how pages read them (``i18n.t``).
The names of the checks themselves (无帮扶责任人, 走访不足 …) are the analysis's
(:data:`township_atlas.analysis.assistance.HOUSEHOLD_FLAGS`), one wording everywhere.
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "page_assistance": ("帮扶", "Assistance"),
    "assist_hint": (
        "按规则设置中的帮扶规则核查本年未脱贫、返贫和监测户：有无帮扶责任人、走访次数、"
        "措施是否对应致贫原因、是否逾期未脱贫；贫困村有无驻村工作队和产业项目。",
        "Checks this year's poor, fallen-back and monitored households against the assistance "
        "rules (规则设置): a responsible cadre, enough visits, a measure for the main cause, "
        "not behind the planned exit; and each poor village's resident team and industry "
        "projects.",
    ),
    "assist_no_data": (
        "尚未导入帮扶数据，本页没有可核查的内容（不会把每一户都算作有问题）。"
        "请在“数据导入”页导入{names}，或用命令 township-atlas import 类型 文件"
        "（类型：{kinds}）。",
        "No assistance data has been imported yet, so there is nothing to check here (no "
        "household is flagged for data that is missing). Import {names} on the Data import "
        "page, or with township-atlas import KIND FILE (kinds: {kinds}).",
    ),
    # ------------------------------------------------------------------ figures
    "assist_checked": ("核查户数", "Households checked"),
    "assist_checked_help": (
        "本年末状态为{statuses}的户（规则设置中可改）。",
        "Households whose status at the year's end is {statuses} (set in the rules).",
    ),
    "assist_flagged": ("有问题的户", "With a problem"),
    "assist_no_team_help": (
        "未出列的贫困村中，本年没有驻村工作队的村。",
        "Poor villages, not exited, with no resident team this year.",
    ),
    "assist_few_projects_help": (
        "截至本年，产业类项目（规则设置中所列类型）少于规则要求的贫困村。",
        "Poor villages with fewer industry projects (the types the rules list) up to this "
        "year than the rules ask for.",
    ),
    "assist_n_households": ("{n}户", "{n} hh"),
    "assist_n_villages": ("{n}个村", "{n} village(s)"),
    # ------------------------------------------------------------------ map
    "assist_map_by": ("地图显示", "Shade villages by"),
    "assist_all_flags": ("有问题的农户", "Households with a problem"),
    "assist_zero": ("{v} · 无问题", "{v} · none"),
    "assist_no_checked": ("无核查户", "no household checked"),
    "assist_not_poor_village": ("非贫困村", "not a poor village"),
    "assist_village_clear": ("无此问题", "not flagged"),
    "assist_map_hint": (
        "颜色越深，有问题的户越多；点击村，下方清单只列该村。",
        "The darker, the more households with a problem; click a village to list only its "
        "households below.",
    ),
    # ------------------------------------------------------------------ household list
    "assist_households_title": ("有问题的农户（{n}户）", "Households with a problem ({n})"),
    "assist_households_none": (
        "没有有问题的农户。",
        "No household with a problem.",
    ),
    "assist_all_villages": ("全部行政村", "Every village"),
    "assist_col_id": ("户编号", "Household"),
    "assist_col_village": ("村", "Village"),
    "assist_col_status": ("状态", "Status"),
    "assist_col_cause": ("致贫原因", "Main cause"),
    "assist_col_cadre": ("帮扶责任人", "Cadre"),
    "assist_col_visits": ("本年走访", "Visits this year"),
    "assist_col_measures": ("措施", "Measures"),
    "assist_col_plan": ("计划脱贫年度", "Planned exit"),
    "assist_col_flags": ("问题", "Problems"),
    "assist_not_checked": ("不在核查范围", "not checked"),
    "assist_download": ("下载问题户清单（CSV）", "Download the list (CSV)"),
    # ------------------------------------------------------------------ villages
    "assist_villages_title": ("各村帮扶情况", "Villages"),
    "assist_col_village_status": ("贫困村", "Poor village"),
    "assist_col_team": ("驻村工作队", "Resident team"),
    "assist_team_text": ("{unit} · 第一书记 {secretary}", "{unit} · first secretary {secretary}"),
    "assist_col_industry": ("产业项目（个）", "Industry projects"),
    "assist_col_projects": ("项目（个）", "Projects"),
    "assist_col_spent": ("已支出（万元）", "Spent (10,000 yuan)"),
    "assist_col_checked": ("核查户", "Checked"),
    "assist_col_flagged": ("问题户", "With a problem"),
    "assist_col_village_flags": ("村级问题", "Village problems"),
    # ------------------------------------------------------------------ a cadre's households
    "assist_cadre_title": ("帮扶责任人的农户", "A cadre's households"),
    "assist_cadre_pick": ("帮扶责任人（姓名 · 单位）", "Cadre (name · unit)"),
    "assist_cadre_none": ("没有结对了本地农户的帮扶责任人。", "No cadre is paired here."),
    "assist_cadre_summary": (
        "结对 {n} 户，其中本年核查 {checked} 户、有问题 {flagged} 户。",
        "Paired with {n} households: {checked} checked this year, {flagged} with a problem.",
    ),
    # ------------------------------------------------------------------ plans
    "assist_plan_title": ("脱贫计划与实际", "Planned and actual exits"),
    "assist_plan_none": ("尚未导入脱贫计划。", "No exit plan has been imported."),
    "assist_col_year": ("年度", "Year"),
    "assist_col_planned_hh": ("计划脱贫户", "Planned (hh)"),
    "assist_col_planned_pp": ("计划脱贫人数", "Planned (people)"),
    "assist_col_exited_hh": ("实际脱贫户", "Exited (hh)"),
    "assist_col_exited_pp": ("实际脱贫人数", "Exited (people)"),
    "assist_behind_title": ("逾期未脱贫的农户（{n}户）", "Behind their planned exit ({n})"),
    "assist_behind_none": ("没有逾期未脱贫的农户。", "No household is behind its planned exit."),
    # ------------------------------------------------------------------ recording a visit
    "assist_visit_title": ("登记走访", "Record a visit"),
    "assist_visit_household": ("农户（可输入户编号查找）", "Household (type to search)"),
    "assist_visit_option": (
        "{id} · {village} · 本年走访 {n}/{required}",
        "{id} · {village} · {n}/{required} visits",
    ),
    "assist_visit_no_households": (
        "本年没有需要核查的农户。",
        "No household is checked this year.",
    ),
    "assist_visit_date": ("走访日期", "Date"),
    "assist_visit_date_help": (
        "{year}年内，不晚于今天。",
        "Within {year}, not after today.",
    ),
    "assist_visit_future": (
        "{year}年还没有到，不能登记走访。",
        "{year} has not begun: no visit can be recorded.",
    ),
    "assist_visit_cadre": ("走访人", "Visited by"),
    "assist_visit_cadre_none": ("（未填写）", "(not given)"),
    "assist_visit_note": (
        "走访内容（不写姓名、证件号码和电话）",
        "What was done (no names, ID or phone numbers)",
    ),
    "assist_visit_submit": ("登记这次走访", "Record this visit"),
    "assist_visit_done": (
        "已登记 {household} 于 {date} 的走访：{year}年第 {n} 次（要求 {required} 次）。",
        "Visit to {household} on {date} recorded: visit {n} of {year} ({required} required).",
    ),
    "assist_visit_cleared": (
        "走访次数已达要求，“走访不足”已解除。",
        "Enough visits now: “too few visits” is cleared.",
    ),
    "assist_err_household": ("没有户编号为 {id} 的农户。", "No household {id}."),
    "assist_err_cadre": ("没有编号为 {id} 的帮扶责任人。", "No cadre {id}."),
    "assist_err_personal": (
        "走访内容中不能有证件号码或手机号码。",
        "A visit note may not hold an ID or phone number.",
    ),
    "assist_err_long": ("走访内容最多 {n} 个字。", "A visit note is at most {n} characters."),
    "assist_err_date": ("日期不对，请重新选择。", "The date is not valid: choose it again."),
    "assist_err_other": ("未能登记，工作空间未改动。", "Not recorded; the workspace is unchanged."),
}
