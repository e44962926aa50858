"""Interface strings in zh-CN (the default) and English.

Labels of layers, columns and value lists come from :mod:`township_atlas.geo.schema`; this module
holds the strings of the interface itself.
"""

from __future__ import annotations

import os

from ..geo.schema import (
    CATEGORY_EN,
    CAUSES,
    FACILITY_KINDS,
    LAYERS,
    STATUS_EN,
    VILLAGE_STATUS_LABELS,
)
from .i18n_assistance import STRINGS as ASSISTANCE_STRINGS
from .i18n_auth import STRINGS as AUTH_STRINGS
from .i18n_map import STRINGS as MAP_STRINGS
from .i18n_meeting import STRINGS as MEETING_STRINGS
from .i18n_monitor import STRINGS as MONITOR_STRINGS
from .i18n_plan import STRINGS as PLAN_STRINGS
from .i18n_settings import STRINGS as SETTINGS_STRINGS

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"

_STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("乡镇扶贫一张图", "Township Atlas"),
    "page_map": ("一张图", "Map"),
    "page_villages": ("村情总表", "Villages"),
    "page_households": ("农户查询", "Households"),
    "hh_hint": (
        "按户编号、户主证件号码(完整 18 位,只在本机按密钥散列后比对,不保存)或遮蔽号码"
        "(如 360722****1234)查找一户:登记信息、逐年状态和每一条变更记录。"
        "不显示、不保存姓名和电话。",
        "Find a household by 户编号, the head's full ID number (hashed with this machine's key "
        "to match, never stored) or its masked form (e.g. 360722****1234): its record, its "
        "status year by year and every recorded change. Names and phones are neither shown "
        "nor stored.",
    ),
    "hh_query": ("户编号或证件号码", "Household number or ID number"),
    "hh_none": ("没有找到这户。", "No household found."),
    "hh_found": ("找到 {n} 户", "{n} household(s) found"),
    "hh_field": ("项目", "Field"),
    "hh_value": ("内容", "Value"),
    "hh_old": ("原值", "Before"),
    "hh_new": ("新值", "After"),
    "hh_years": ("逐年状态(年末)", "Status at each year's end"),
    "hh_years_hint": (
        "按识别、脱贫、返贫、纳入监测年度推算;● 为当年在监测中。",
        "From the years identified, exited, fell back and monitored; ● under monitoring.",
    ),
    "hh_changes": ("变更记录", "Recorded changes"),
    "hh_exit_checks": ("脱贫标准核查({year}年末)", "Exit checks (end of {year})"),
    "hh_exit_checks_hint": (
        "收入高于扶贫标准,两不愁三保障。已脱贫户按脱贫当年的收入核查(变更记录中有时);"
        "未登记的项目不算未达标,但未核查。",
        "Income above the poverty line, and 两不愁三保障. An exited household is checked on "
        "the income of its exit year where the change history has it; a check not recorded "
        "is not a failure, but it was not made.",
    ),
    "hh_check": ("核查项", "Check"),
    "hh_check_value": ("登记情况", "Register says"),
    "hh_check_result": ("结果", "Result"),
    "hh_check_income": ("人均纯收入高于扶贫标准", "Income above the poverty line"),
    "hh_check_house": ("住房安全有保障(非危房)", "Safe housing (no dangerous house)"),
    "hh_check_water": ("饮水安全有保障", "Safe drinking water"),
    "hh_check_education": (
        "义务教育有保障(失学辍学人数为 0)",
        "Compulsory education (nobody of school age out of school)",
    ),
    "hh_check_insurance": (
        "基本医疗有保障(未参加基本医保人数为 0)",
        "Basic medical insurance (every member insured)",
    ),
    "hh_check_ok": ("✔ 达标", "✔ met"),
    "hh_check_fail": ("✘ 未达标", "✘ not met"),
    "hh_check_unrecorded": ("未登记,未核查", "not recorded: not checked"),
    "hh_check_off": ("规则未要求", "not required by the rules"),
    "hh_record": ("这一户", "The household"),
    "hh_created": ("登记", "added"),
    "hh_no_changes": ("这户没有登记过变更。", "No change recorded for this household."),
    "hh_poor": ("未脱贫", "poor"),
    "hh_returned": ("返贫", "fell back"),
    "hh_exited": ("已脱贫", "exited"),
    "hh_not_identified": ("未识别", "not yet"),
    "hh_not_registered": ("非建档户", "not registered"),
    "page_schema": ("数据字典", "Data dictionary"),
    "year": ("年度", "Year"),
    "indicator": ("专题指标", "Indicator"),
    "scheme": ("分级方法", "Class breaks"),
    "layers": ("图层", "Layers"),
    "basemap": ("底图", "Base map"),
    "basemap_none": ("无底图(离线)", "None (offline)"),
    "basemap_osm": ("OpenStreetMap(需联网)", "OpenStreetMap (online)"),
    "basemap_tianditu_vec": ("天地图矢量(需联网、密钥)", "Tianditu vector (online, key)"),
    "basemap_tianditu_img": ("天地图影像(需联网、密钥)", "Tianditu imagery (online, key)"),
    "basemap_amap": ("高德地图(需联网,GCJ-02)", "AMap (online, GCJ-02)"),
    "basemap_amap_img": ("高德影像(需联网,GCJ-02)", "AMap imagery (online, GCJ-02)"),
    "basemap_local": ("本地瓦片(离线)", "Local tiles (offline)"),
    "basemap_gcj02_note": (
        "高德地图采用 GCJ-02 坐标,图上各图层已随之偏移。",
        "AMap uses GCJ-02: every layer is shifted to match it.",
    ),
    "workspace": ("工作空间", "Workspace"),
    "illustrative": ("边界为示意,不作为权属依据", "Boundaries are illustrative (示意)"),
    "demo_banner": (
        "演示数据:{township}的户、指标、网点、搬迁与帮扶数据均为虚构,仅供演示,"
        "请勿作为实际情况引用或汇报。",
        "Demo data: the households, indicators, service points, relocation and assistance of "
        "{township} are invented, for demonstration only: do not present them as real.",
    ),
    "demo_legend": ("演示数据 · 各项数据均为虚构", "Demo data · all figures invented"),
    "registered": ("建档立卡(累计)", "Registered"),
    "remaining": ("年末未脱贫", "Remaining poor"),
    "remaining_short": ("未脱贫(人)", "Remaining (people)"),
    "households": ("户", "households"),
    "people": ("人", "people"),
    "population": ("户籍人口", "Population"),
    "incidence": ("贫困发生率", "Poverty incidence"),
    "points": ("个百分点", " pp"),
    "poor_people": ("贫困人口", "Poor people"),
    "poor_households": ("贫困户数", "Poor households"),
    "registered_people": ("建档立卡人数", "Registered people"),
    "registered_households": ("建档立卡户数", "Registered households"),
    "returned_households": ("返贫户数", "Fell back"),
    "monitored_households": ("监测户数", "Monitored"),
    "poor_villages_exited": ("贫困村出列", "Poor villages exited"),
    "layer_villages": ("行政村专题", "Villages (choropleth)"),
    "layer_labels": ("村名注记", "Village names"),
    "layer_gaps": ("基础设施短板", "Infrastructure gaps"),
    "layer_service": ("电商物流服务网点", "E-commerce service points"),
    "layer_relocation": ("易地搬迁安置点", "Relocation sites"),
    "layer_facilities": ("公共服务设施", "Public facilities"),
    "layer_roads": ("道路", "Roads"),
    "layer_rivers": ("水系", "Rivers"),
    "layer_plan": ("服务范围", "Service areas"),
    "page_plan": ("电商网点规划", "Station planning"),
    "plan_radius": ("村级服务站半径(km)", "Village station radius (km)"),
    "plan_radius_help": (
        "村民步行或骑行可到达的距离,默认 3 km;新增网点都按村级服务站计。",
        "How far villagers go on foot or by bike; 3 km by default. New stations are village "
        "stations.",
    ),
    "plan_township_radius": ("乡镇服务中心半径(km)", "Township centre radius (km)"),
    "plan_township_radius_help": (
        "镇区电商服务中心服务范围更大,默认 5 km;县级物流中心只向乡镇配送,不计入村覆盖。",
        "The township e-commerce centre serves a wider area, 5 km by default; the county "
        "logistics centre supplies townships and covers no village itself.",
    ),
    "radius_title": ("村站 {v} km · 镇中心 {t} km", "village {v} km · centre {t} km"),
    "plan_network": ("距离计算", "Distance"),
    "network_straight": ("直线距离", "Straight line"),
    "network_road": ("沿道路", "Along roads"),
    "plan_weight": ("优化目标", "Maximise"),
    "weight_poor_people": ("覆盖未脱贫人口", "Poor people covered"),
    "weight_poor_households": ("覆盖未脱贫户", "Poor households covered"),
    "weight_villages": ("覆盖行政村数", "Villages covered"),
    "weight_population": ("覆盖户籍人口", "Population covered"),
    "plan_add": ("新增网点数", "New stations"),
    "plan_goal": ("方式", "Goal"),
    "goal_add": ("新增固定数量", "Add a number"),
    "goal_target": ("达到覆盖目标", "Reach a target"),
    "plan_target": ("覆盖目标(%)", "Target coverage (%)"),
    "plan_remove": ("移除所选试点", "Remove selected sites"),
    "plan_remove_hint": ("选择要移除的试点", "Choose sites to remove"),
    "plan_exclude": ("排除的候选点", "Excluded candidates"),
    "plan_exclude_hint": ("不参与优化的村或规划点", "Villages or planned points not to use"),
    "plan_download": ("下载方案(GeoJSON)", "Download plan (GeoJSON)"),
    "plan_optimise": ("优化选址", "Optimise"),
    "plan_clear": ("清除方案", "Clear proposal"),
    "plan_added_points": ("地图试设点", "Sites tried on the map"),
    "plan_click_hint": (
        "在地图上点击可试设网点(计入方案);优化会在村中心和规划网点中再选址。",
        "Click the map to try a station there (it joins the plan); the optimiser then adds "
        "stations at village centres and planned points.",
    ),
    "plan_today": ("现有网络", "Today's network"),
    "plan_proposal": ("规划方案", "Plan"),
    "plan_villages_covered": ("覆盖行政村", "Villages covered"),
    "plan_people_covered": ("覆盖未脱贫人口", "Poor people covered"),
    "plan_station": ("网点", "Station"),
    "plan_adds": ("新增覆盖", "Adds"),
    "plan_unreachable": (
        "没有方案能达到 {target}：全部候选点合在一起也只能覆盖 {best}",
        "No placement reaches {target}: all candidates together cover {best}",
    ),
    "gap_to_standard": (
        "对照出列标准（非贫困村，无需出列）",
        "Against the exit rules (not a poor village: no exit needed)",
    ),
    "plan_optimal": ("已证明最优", "proven optimal"),
    "plan_not_optimal": ("未证明最优,差距 {gap}", "not proven optimal, gap {gap}"),
    "plan_download_xlsx": ("下载方案(Excel)", "Download plan (Excel)"),
    "plan_save_title": ("保存方案", "Save the plan"),
    "plan_save_name": ("方案名称", "Plan name"),
    "plan_save_placeholder": ("例如:2026年新增3个服务站", "e.g. three more stations in 2026"),
    "plan_save_replace": ("覆盖同名方案", "Replace a plan of the same name"),
    "plan_save": ("保存到工作空间", "Save to the workspace"),
    "plan_saved": (
        "方案「{name}」已保存,可在“方案对比”页查看。",
        "Plan “{name}” saved; compare it on the Plans page.",
    ),
    "plan_save_empty": ("请先输入方案名称。", "Give the plan a name first."),
    "plan_save_too_long": ("方案名称不能超过{n}个字。", "Plan names are at most {n} characters."),
    "plan_save_exists": (
        "已有名为「{name}」的方案;勾选“覆盖同名方案”或换一个名称。",
        "A plan called “{name}” exists; tick “replace” or choose another name.",
    ),
    "plan_save_failed": (
        "保存失败,工作空间未改动:{error}",
        "Not saved; the workspace is unchanged: {error}",
    ),
    "plan_fewer": (
        "要求新增{asked}个,但只有{used}个能增加覆盖,其余不再列出。",
        "{asked} asked for, but only {used} add coverage; the others are left out.",
    ),
    "page_plans": ("方案对比", "Plans"),
    "plans_none": (
        "还没有保存的方案。在“电商网点规划”页优化或试设网点后,用“保存方案”存入工作空间。",
        "No saved plans yet. Optimise or try sites on the Station planning page, then save.",
    ),
    "plans_choose": ("选择方案", "Plan"),
    "plans_settings": (
        "服务半径 {radius} · {network} · 优化目标:{weight} · "
        "保存于 {saved_at}(当时数据年度 {year})",
        "Service radius {radius} · {network} · maximised: {weight} · "
        "saved {saved_at} (data year {year})",
    ),
    "plans_figures": ("覆盖对比", "Coverage compared"),
    "plans_changed": ("覆盖情况变化的行政村", "Villages whose coverage changes"),
    "plans_no_change": ("没有行政村的覆盖情况发生变化。", "No village's coverage changes."),
    "page_record": ("变更登记", "Record changes"),
    "record_hint": (
        "登记指标变化(如道路硬化、卫生室建成)、户的脱贫、返贫、纳入监测,或电商网点的运营状态"
        "(运营、暂停、关闭)。每次登记都写入变更记录,不会覆盖历史;登记错了就撤销(撤销也是一条"
        "记录)。户按户编号选择,不显示姓名。",
        "Record an indicator change (a road paved, a clinic opened), a household's exit, fall "
        "back or monitoring, or an e-commerce station's status (operating, suspended, closed). "
        "Every change is kept in the history, never overwritten; undo a mistake (the undo is "
        "recorded too). Households are chosen by number; no names shown.",
    ),
    "record_kind": ("变更类型", "What changed"),
    "change_indicator": ("村级指标", "Village indicator"),
    "change_household_exit": ("户脱贫", "Household exited"),
    "change_household_fell_back": ("户返贫", "Household fell back"),
    "change_household_monitored": ("纳入监测", "Household monitored"),
    "change_undo": ("撤销", "Undo"),
    "change_import": ("导入", "Import"),
    "change_assistance": ("帮扶登记", "Assistance"),
    "change_station": ("网点运营", "Station status"),
    "record_station": ("电商网点", "E-commerce station"),
    "record_no_station": (
        "工作空间中没有电商网点:先在数据导入页导入电商服务网点。",
        "The workspace has no e-commerce station: import the stations on the Import data page "
        "first.",
    ),
    "record_station_status": ("运营状态", "Status"),
    "record_station_date": ("起始日期", "Since"),
    "record_station_date_help": (
        "暂停、关闭或重新运营的日期,须在所选年度内(不晚于今天)。",
        "The day it was suspended, closed or opened again: within the chosen year, not after "
        "today.",
    ),
    "record_station_now": ("{year}年现为「{status}」", "In {year}: “{status}”"),
    "record_station_now_since": (
        "{year}年现为「{status}」({date} 起)",
        "In {year}: “{status}” (since {date})",
    ),
    "record_station_same": (
        "该网点{year}年已是「{status}」({date} 起):这样登记不改变任何记录。",
        "Already “{status}” in {year} (since {date}): recording it changes nothing.",
    ),
    "record_effect_station_since": ("({date} 起)", " (from {date})"),
    "record_effect_uncovered": (
        "按默认服务半径,{villages}在{year}年不再有网点服务",
        "at the default service distances, {villages} no longer reached by a station in {year}",
    ),
    "record_effect_reached": (
        "按默认服务半径,{villages}在{year}年重新有网点服务",
        "at the default service distances, {villages} reached by a station again in {year}",
    ),
    "record_effect_coverage_same": (
        "各村的网点覆盖不变(按默认服务半径)",
        "no village's station coverage changes (default service distances)",
    ),
    "record_date": ("生效日期", "Effective date"),
    "record_field": ("指标", "Indicator"),
    "record_new_value": ("新值(现为 {now})", "New value (now {now})"),
    "record_household": ("户", "Household"),
    "record_no_household": ("本村没有符合条件的户", "No household of this village qualifies"),
    "record_monitor_kind": ("监测类型", "Monitoring kind"),
    "record_note": ("说明", "Note"),
    "record_submit": ("登记", "Record"),
    "record_done": ("已登记。", "Recorded."),
    "record_failed": (
        "登记失败,工作空间未改动:{error}",
        "Not recorded; the workspace is unchanged: {error}",
    ),
    "record_log": ("变更记录", "Change history"),
    "record_none": ("还没有登记任何变更。", "No change recorded yet."),
    "record_change": ("变更编号", "Change"),
    "record_record": ("记录", "Record"),
    "record_what": ("内容(原值 → 新值)", "What (old → new)"),
    "record_undone": ("状态", "State"),
    "record_undone_by": ("已撤销", "undone"),
    "record_recorded_at": ("登记时间", "Recorded"),
    "record_undo_choice": ("要撤销的变更", "Change to undo"),
    "record_undo": ("撤销", "Undo"),
    "record_undo_done": ("变更 {change} 已撤销。", "Change {change} undone."),
    "record_row_added": ("新增年度记录", "year row added"),
    "page_progress": ("出列进度", "Exit progress"),
    "page_rules": ("规则设置", "Exit rules"),
    "progress_play": ("▶ 逐年播放", "▶ Play years"),
    "progress_rules": (
        "按本工作空间的出列规则判定(贫困发生率低于 {incidence} 且各项指标达标);点击村查看评分卡。",
        "Judged by this workspace's exit rules (incidence below {incidence} and every required "
        "indicator met); click a village for its scorecard.",
    ),
    "status_ready": ("已达标·可申请出列", "Meets the rules: may apply to exit"),
    "status_exited_in": ("{year}年已出列", "Exited in {year}"),
    "status_exited_failing_in": ("{year}年已出列·现不达标", "Exited in {year}, now failing a rule"),
    "meets_rules": ("各项出列指标均已达标", "Meets every exit rule"),
    "returned_monitored": ("返贫户 / 监测户", "Fell back / monitored (hh)"),
    "scorecard": ("出列评分卡", "Exit scorecard"),
    "criterion": ("指标", "Criterion"),
    "criterion_value": ("现值", "Value"),
    "criterion_threshold": ("标准", "Rule"),
    "criterion_met": ("达标", "Met"),
    "gap_to_exit": ("距出列还差", "Gap to exit"),
    "chart_poor_title": ("年末未脱贫", "Remaining poor at year end"),
    "chart_poor_people": ("未脱贫人口(人)", "Poor people"),
    "chart_poor_households": ("未脱贫户(户)", "Poor households"),
    "chart_exits_title": ("贫困村出列:实际与计划(累计)", "Poor villages exited: actual vs plan"),
    "chart_exited": ("实际出列(个)", "Exited"),
    "chart_planned": ("计划出列(个)", "Planned"),
    "monitoring_title": (
        "{year}年返贫户与监测户(按村)",
        "Fell back and monitored households by village, {year}",
    ),
    "returned_col": ("返贫户(户)", "Fell back (hh)"),
    "monitored_col": ("监测户(户)", "Monitored (hh)"),
    "rules_invalid": (
        "工作空间中的出列规则有误,请在“规则设置”页修正:{error}",
        "The workspace's exit rules are invalid; fix them on the Exit rules page: {error}",
    ),
    "rules_own": ("本工作空间使用自己的规则。", "This workspace has its own rules."),
    "rules_file": ("规则文件", "Rules file"),
    "rules_check": ("检查", "Check"),
    "rules_save": ("保存到工作空间", "Save to the workspace"),
    "rules_reset": ("恢复默认", "Back to the defaults"),
    "rules_download": ("下载规则文件", "Download the rules file"),
    "rules_problems": ("规则文件有误,未保存:", "The rules file has problems; nothing saved:"),
    "rules_ok": ("规则文件正确。", "The rules file is valid."),
    "rules_saved": ("规则已保存。", "Rules saved."),
    "rules_reset_done": ("已恢复默认规则。", "Back to the default rules."),
    "page_data": ("数据导入", "Import data"),
    "data_hint": (
        "导入村界、乡镇界(GeoJSON、GeoPackage、压缩的 Shapefile、KML)、建档立卡户(国家系统导出的"
        " Excel/CSV)、设施、电商网点、安置点和村级指标(Excel/CSV,点位也可用矢量文件)以及道路"
        "(线文件)。先检查:识别到的列、坐标系、前几行、不能导入的行及原因;确认后一次写入,有问题的文件不会改动工作空间。"
        "不清楚表头时先下载模板。",
        "Import village or township boundaries (GeoJSON, GeoPackage, zipped Shapefile, KML), "
        "household registers (the national system's Excel/CSV export), and facilities, "
        "e-commerce stations, relocation sites and village indicators (Excel/CSV; point files "
        "too) and roads (line files). First a check: columns and CRS found, the first rows, "
        "every row that cannot be taken and why; then one step imports it, and a file with "
        "problems changes nothing. Download a template when unsure of the headers.",
    ),
    "data_kind": ("文件内容", "The file holds"),
    "data_new": (
        "新工作空间 {name}:先导入村界,导入后生成工作空间(乡镇界取各村边界的合并,可再导入),"
        "然后可导入建档立卡户、设施、网点、安置点和指标。",
        "New workspace {name}: import the village boundaries first; that makes the workspace "
        "(its township outline the union of the villages, until one is imported), then "
        "households, facilities, stations, sites and indicators can follow.",
    ),
    "data_warned": (
        "{n} 行已导入但有提示（重复的人员行已合并、人数与人员行不符等），见下表与导入报告",
        "{n} row(s) taken with a warning (repeated person rows merged, a household size that "
        "disagrees with its person rows, ...): see below and the report",
    ),
    "data_row": ("行号", "Row"),
    "data_reason": ("原因", "Reason"),
    "data_kind_villages": ("村界", "Village boundaries"),
    "data_kind_township": ("乡镇界", "Township outline"),
    "data_kind_households": ("建档立卡户", "Registered households"),
    "data_kind_facilities": ("公共服务设施", "Facilities"),
    "data_kind_stations": ("电商物流网点", "E-commerce stations"),
    "data_kind_sites": ("易地搬迁安置点", "Relocation sites"),
    "data_kind_indicators": ("村级基础设施指标", "Village indicators"),
    "data_kind_roads": ("道路（路网）", "Roads (network)"),
    "data_kind_cadres": ("帮扶责任人", "Cadres"),
    "data_kind_pairings": ("结对帮扶", "Pairings"),
    "data_kind_teams": ("驻村工作队", "Resident teams"),
    "data_kind_visits": ("走访记录", "Visits"),
    "data_kind_measures": ("帮扶措施", "Assistance measures"),
    "data_kind_projects": ("扶贫项目", "Projects"),
    "data_kind_exit_plans": ("脱贫计划", "Exit plans"),
    "data_kind_operations": ("网点运营情况", "Station operations"),
    "data_roads_append": (
        "只增补：保留原有道路，同编号的道路更新",
        "Add to the network: keep the other roads, update those of the same id",
    ),
    "data_roads_hint": (
        "道路文件即全乡镇路网：导入后替换原有道路（勾选“只增补”则保留原有道路）。线要素："
        "GeoJSON、GeoPackage、Shapefile（zip）或 KML，GBK 属性、任意坐标系均可；识别 路线编号、"
        "名称、等级/行政等级、路面/路面类型；距乡镇 2 km 以外的道路不导入。"
        "网点规划“沿道路”计算覆盖用的就是这一图层。",
        "A road file is the township's whole network: importing it replaces the roads (tick "
        "“Add to the network” to keep them). Lines: GeoJSON, GeoPackage, zipped Shapefile or "
        "KML, GBK attributes and any CRS; 路线编号, 名称, 等级/行政等级 and 路面/路面类型 are "
        "recognised; roads more than 2 km from the township are refused. Station planning "
        "“along roads” routes on this layer.",
    ),
    "data_confirm_large": (
        "数据量超出常理，我已核对无误，仍要导入",
        "The numbers are beyond the usual; I have checked them and want to import",
    ),
    "data_template": ("下载模板", "Download a template"),
    "data_template_help": (
        "表头、一行示例(用本工作空间的第一个村)、下拉选项和说明页",
        "Headers, one example row (naming this workspace's first village), drop-down lists "
        "and an explanation sheet",
    ),
    "data_crs": ("坐标系(文件未声明时填写)", "CRS (when the file declares none)"),
    "data_sheet": ("工作表", "Sheet"),
    "data_file": ("选择文件", "Choose a file"),
    "data_failed": (
        "文件不能导入,工作空间未改动:",
        "The file cannot be imported; nothing changed:",
    ),
    "data_failed_hint": (
        "列没有认出:在上方“列的对应”中指定;坐标系不明:在“坐标系”中填写(即命令行的 --crs)。",
        "A column not recognised: say which it is under “Columns” above; an unclear CRS: fill "
        "in “CRS” (the command line's --crs).",
    ),
    "data_found": (
        "检查结果:可导入 {n} 行,不能导入 {bad} 行",
        "Check: {n} row(s) can be taken, {bad} cannot",
    ),
    "data_crs_used": (" · 坐标系 {crs}", " · CRS {crs}"),
    "data_columns": ("列的对应", "Columns"),
    "data_columns_help": (
        "每一列导入到哪个字段;自动识别不对或没有识别的列在这里指定,选“—”不导入该列。改动后重新检查。",
        "Which field each column fills; fix or add what was not recognised here, “—” leaves a "
        "column out. The file is checked again after each change.",
    ),
    "data_header": ("文件中的列", "Column in the file"),
    "data_field": ("导入为", "Imported as"),
    "data_twice": (
        "同一字段选了多列,只用第一列:{fields}",
        "Several columns fill one field; the first is used: {fields}",
    ),
    "data_first_rows": ("导入后的前几行:", "The first rows as they would go in:"),
    "data_rejected": ("{n} 行不能导入:", "{n} row(s) cannot be taken:"),
    "data_report": ("下载导入报告(CSV)", "Download the import report (CSV)"),
    "data_report_xlsx": ("下载导入报告(Excel)", "Download the import report (Excel)"),
    "data_accept": ("只导入其余的行(跳过 {n} 行)", "Import the other rows (skip {n})"),
    "data_import": ("导入到工作空间", "Import into the workspace"),
    "data_done": ("已导入 {n} 行。", "{n} row(s) imported."),
    "data_unchanged": (
        "{n} 行与工作空间中的相同,无需更改。",
        "{n} row(s) as in the workspace; nothing to change.",
    ),
    "data_blocked": (
        "有 {n} 行不能导入,工作空间未改动;勾选“只导入其余的行”后再导入。",
        "{n} row(s) cannot be taken; nothing changed. Tick “import the other rows” to go on.",
    ),
    "data_nothing": ("没有可导入的行,工作空间未改动。", "No row can be taken; nothing changed."),
    "village": ("行政村", "Village"),
    "plan_details": (
        "覆盖明细:按贫困户属性,未覆盖的村",
        "Coverage details: by category, villages left out",
    ),
    "plan_uncovered": ("未覆盖的行政村({n}个)", "Villages not covered ({n})"),
    "poor_households_col": ("未脱贫户(户)", "Poor households"),
    "poor_people_col": ("未脱贫人口(人)", "Poor people"),
    "plans_before_km": ("现有网络最近距离(km)", "Nearest today (km)"),
    "plans_after_km": ("方案最近距离(km)", "Nearest with the plan (km)"),
    "plans_delete": ("删除此方案", "Delete this plan"),
    "plans_delete_confirm": ("确认删除", "Yes, delete it"),
    "plans_deleted": ("方案「{name}」已删除。", "Plan “{name}” deleted."),
    "covered": ("已覆盖", "covered"),
    "uncovered": ("未覆盖", "not covered"),
    "nearest": ("最近网点", "nearest station"),
    "no_data": ("无指标数据", "no indicator data"),
    "click_hint": ("点击地图上的村查看详情", "Click a village on the map for its details"),
    "village_detail": ("村情详情", "Village details"),
    "by_category": ("按贫困户属性", "By category"),
    "by_cause": ("按主要致贫原因", "By main cause"),
    "gaps": ("基础设施短板", "Infrastructure gaps"),
    "no_gaps": ("各项指标均已达标", "All indicators met"),
    "facilities": ("设施与网点", "Facilities and service points"),
    "exit_status": ("出列情况", "Exit status"),
    "category": ("贫困户属性", "Category"),
    "cause": ("致贫原因", "Cause"),
    "count_households": ("户数", "Households"),
    "count_people": ("人数", "People"),
    "flow": ("搬迁", "relocated"),
    "site_moved": ("已入住", "moved in"),
    "dangerous_houses": ("危房", "dangerous houses"),
    "unsafe_water_households": ("饮水不安全", "without safe water"),
    "gap_marker": ("短板项数", "Number of gaps"),
    "download_csv": ("下载CSV", "Download CSV"),
    "schema_intro": (
        "工作空间是一个GeoPackage文件,包含以下图层。几何统一存储为WGS84(EPSG:4326),"
        "距离与面积在CGCS2000高斯-克吕格投影下计算。",
        "A workspace is one GeoPackage file with these layers. Geometry is stored in WGS84 "
        "(EPSG:4326); distances and areas are computed in CGCS2000 Gauss-Krüger metres.",
    ),
    "col_name": ("字段", "Field"),
    "col_label": ("名称", "Label"),
    "col_kind": ("类型", "Type"),
    "col_unit": ("单位", "Unit"),
    "col_required": ("必填", "Required"),
    "col_allowed": ("取值", "Allowed values"),
    "col_meaning": ("说明", "Meaning"),
    "workspace_error": ("工作空间无法打开", "The workspace cannot be opened"),
    "scheme_natural_breaks": ("自然断点", "Natural breaks"),
    "scheme_quantiles": ("分位数", "Quantiles"),
    "scheme_equal_interval": ("等间距", "Equal interval"),
    "scheme_fisher_jenks": ("Fisher-Jenks", "Fisher-Jenks"),
    "ind_poor_people": ("未脱贫人口(人)", "Remaining poor people"),
    "ind_poor_households": ("未脱贫户数(户)", "Remaining poor households"),
    "ind_incidence": ("贫困发生率(%)", "Poverty incidence (%)"),
    "ind_registered_people": ("建档立卡人口(人)", "Registered poor people"),
    "ind_registered_households": ("建档立卡户数(户)", "Registered poor households"),
    "ind_returned_households": ("返贫户数(户)", "Fallen-back households"),
    "ind_monitored_households": ("监测户数(户)", "Monitored households"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
}

# A village's exit status: the schema's one wording (status_exited, …).
_STRINGS.update({f"status_{k}": labels for k, labels in VILLAGE_STATUS_LABELS.items()})

#: The interface's one catalog is this file's strings and each area's module (kept apart so
#: that work on one area does not touch another's lines). A key is declared once: a repeat
#: would silently win over the other, so it stops the import instead.
_PARTS = {
    "monitor": MONITOR_STRINGS,
    "meeting": MEETING_STRINGS,
    "map": MAP_STRINGS,
    "plan": PLAN_STRINGS,
    "settings": SETTINGS_STRINGS,
    "auth": AUTH_STRINGS,
    "assistance": ASSISTANCE_STRINGS,
}
for _area, _part in _PARTS.items():
    _twice = sorted(set(_STRINGS) & set(_part))
    if _twice:
        raise RuntimeError(f"interface strings declared twice (i18n_{_area}.py): {_twice}")
    _STRINGS.update(_part)

#: ``TOWNSHIP_ATLAS_STRICT_I18N=1`` (set by the tests): an unknown key raises instead of
#: showing itself, so a typo or a string never declared fails a test, not a user's screen.
STRICT_ENV = "TOWNSHIP_ATLAS_STRICT_I18N"


def declared() -> frozenset[str]:
    """Every declared key."""
    return frozenset(_STRINGS)


def t(key: str, lang: str = DEFAULT_LANGUAGE, **fmt: object) -> str:
    """The interface string ``key`` in ``lang``; an unknown key comes back as itself (and
    raises ``KeyError`` under :data:`STRICT_ENV`)."""
    if key not in _STRINGS and os.environ.get(STRICT_ENV):
        raise KeyError(f"interface string {key!r} is not declared in dashboard/i18n*.py")
    zh, en = _STRINGS.get(key, (key, key))
    text = en if lang == "en" else zh
    return text.format(**fmt) if fmt else text


def count(n: int, unit: str, lang: str) -> str:
    """A count with its unit as people write it: ``3,017人`` in Chinese, ``3,017`` in English
    (English puts the unit in the label, see :func:`labelled`)."""
    return f"{n:,}{t(unit, lang)}" if lang == "zh" else f"{n:,}"


def labelled(label: str, unit: str, lang: str) -> str:
    """``label`` with the unit appended in English (``Monitored (households)``)."""
    short = {"households": "hh"}.get(unit, t(unit, lang))
    return label if lang == "zh" else f"{label} ({short})"


def indicator_label(name: str, lang: str) -> str:
    """Label of a choropleth indicator (``people:<category>`` included)."""
    if name.startswith("people:"):
        cat = name.split(":", 1)[1]
        return f"{cat}(人)" if lang == "zh" else f"{CATEGORY_EN[cat]} (people)"
    return t(f"ind_{name}", lang)


def category_label(cat: str, lang: str) -> str:
    return cat if lang == "zh" else f"{CATEGORY_EN.get(cat, cat)}"


def cause_label(code: str, lang: str) -> str:
    zh, en = CAUSES.get(code, (code, code))
    return zh if lang == "zh" else en


def flag_label(flag: str, lang: str) -> str:
    """An indicator flag as the schema names it (``bus`` → 通客运班车 / bus service), lower
    case in English for use inside a sentence."""
    try:
        column = LAYERS["indicators"].column(flag)
    except KeyError:
        return flag
    return column.zh if lang == "zh" else column.en[:1].lower() + column.en[1:]


def status_label(status: str, lang: str) -> str:
    return status if lang == "zh" else STATUS_EN.get(status, status)


def facility_label(kind: str, lang: str) -> str:
    zh, en = FACILITY_KINDS.get(kind, (kind, kind))
    return zh if lang == "zh" else en


def layer_label(name: str, lang: str) -> str:
    layer = LAYERS[name]
    return layer.zh if lang == "zh" else layer.en
