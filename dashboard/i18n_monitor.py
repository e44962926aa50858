"""Interface strings of the monitoring pages (基础设施短板, 搬迁安置): zh-CN and English.

Merged into :mod:`township_atlas.dashboard.i18n`, which is how pages read them (``i18n.t``).
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ 基础设施短板
    "page_gaps": ("基础设施短板", "Infrastructure gaps"),
    "gaps_indicator": ("专题", "Shade villages by"),
    "gaps_indicator_help": (
        "综合得分是各项短板分值之和(分值见规则设置);也可只看其中一项。",
        "The gap score adds up the points of every gap (weights are in the rules); or show "
        "one of its parts.",
    ),
    "gaps_score": ("短板综合得分", "Gap score"),
    "gaps_zero": ("{v} · 无短板", "{v} · no gap"),
    "gaps_met": ("达标", "met"),
    "gaps_unmet": ("未达标", "not met"),
    "gaps_not_recorded": ("未填报(按未达标计)", "not recorded (counted as a gap)"),
    "gaps_map_hint": (
        "白色圆点为卫生室、学校、卫生院等设施,鼠标悬停可看名称;点击村可在右侧查看其得分。",
        "White dots are clinics, schools and the hospital (hover for names); click a village "
        "for its score.",
    ),
    "gaps_worst": ("短板清单(分值高的在前)", "Gaps, the largest first"),
    "gaps_worst_of": ("{what}:有短板的村", "{what}: villages with a gap"),
    "gaps_none": ("没有短板:各村均已达标。", "No gaps: every village meets it."),
    "gaps_no_indicators": (
        "工作空间中没有该年度及以前的村级指标数据。",
        "The workspace has no village indicators for this year or before.",
    ),
    "gaps_village": ("行政村", "Village"),
    "gaps_code": ("行政村代码", "Village code"),
    "gaps_what": ("短板", "Gap"),
    "gaps_value": ("现状", "Recorded"),
    "gaps_points": ("分值", "Points"),
    "gaps_rank": ("排名", "Rank"),
    "gaps_data_year": ("指标年度", "Data year"),
    "gaps_score_col": ("综合得分", "Gap score"),
    "gaps_component_col": ("{name}(分)", "{name} (pts)"),
    "gaps_scores_title": ("各村得分明细", "Score of every village"),
    "gaps_download": ("下载得分表(CSV)", "Download the scores (CSV)"),
    "gaps_village_line": (
        "{name}:{score},第{rank}/{n}名。短板:{what}",
        "{name}: {score}, rank {rank} of {n}. Gaps: {what}",
    ),
    "gaps_distances": ("到公共服务的距离(直线)", "Distance to services (straight line)"),
    "gaps_sort_by": ("按此排序(远的在前)", "Farthest first by"),
    "gaps_all_services": ("平均距离", "Mean distance"),
    "gaps_km_col": ("{name}(km)", "{name} (km)"),
    "gaps_nearest_col": ("最近的{name}", "Nearest {name}"),
    "gaps_mean_km": ("平均(km)", "Mean (km)"),
    "gaps_distances_hint": (
        "从村内一点量到{year}年已有的最近设施;规划中的设施不计。",
        "Measured from a point inside each village to the nearest facility open in {year}; "
        "planned facilities do not count.",
    ),
    # ------------------------------------------------------------------ 搬迁安置
    "page_relocation": ("搬迁安置", "Relocation"),
    "reloc_sites": ("安置点", "Sites"),
    "reloc_sites_value": ("{n}个", "{n}"),
    "reloc_households_metric": ("搬迁户数(已入住/计划)", "Households (moved in / planned)"),
    "reloc_persons_metric": ("搬迁人数(已入住/计划)", "People (moved in / planned)"),
    "reloc_share_metric": ("入住率", "Moved in"),
    "reloc_failing_metric": ("有未通过检查的安置点", "Sites failing a check"),
    "reloc_moved_out": ("迁出 {hh} / {pp}", "moved out: {hh} hh / {pp} people"),
    "reloc_origin_villages": ("迁出村", "Villages people moved from"),
    "reloc_other_villages": ("其他行政村", "Other villages"),
    "reloc_map_hint": (
        "紫色线从迁出村连到安置点,线越粗搬迁户越多;地图只含{year}年及以前建成的安置点和搬迁。",
        "Purple lines run from origin villages to sites, thicker for more households; the map "
        "shows sites built and moves made by {year}.",
    ),
    "reloc_flows": ("搬迁来源", "Where people came from"),
    "reloc_route": ("迁出村 → 安置点", "From → to"),
    "reloc_households_col": ("户数", "Households"),
    "reloc_persons_col": ("人数", "People"),
    "reloc_year": ("年度", "Year"),
    "reloc_distance": ("公里", "km"),
    "reloc_no_flows": ("{year}年及以前没有搬迁记录。", "No moves recorded by {year}."),
    "reloc_followup": ("后续扶持跟踪检查", "Follow-up checks"),
    "reloc_followup_hint": (
        "按工作空间中最新登记的安置点数据检查;距离为到已有设施的直线距离。✓ 通过,✗ 未通过。",
        "Checked on the sites' latest recorded figures; distances are straight lines to "
        "existing facilities. ✓ passed, ✗ failed.",
    ),
    "reloc_no_sites": ("工作空间中没有易地搬迁安置点。", "The workspace has no relocation sites."),
    "reloc_site": ("安置点", "Site"),
    "reloc_type": ("安置类型", "Type"),
    "reloc_status": ("建设状态", "Status"),
    "reloc_failed": ("未通过(项)", "Checks failed"),
    "reloc_check": ("检查项", "Check"),
    "reloc_rule": ("标准", "Standard"),
    "reloc_check_capacity": ("容量(计划/设计)", "Capacity (planned/design)"),
    "reloc_rule_capacity": ("≤ 设计容量", "≤ design capacity"),
    "reloc_check_m2": ("人均住房面积", "Housing per person"),
    "reloc_check_moved": ("入住率", "Moved in"),
    "reloc_check_demolished": ("拆旧复垦", "Old houses demolished"),
    "reloc_check_school": ("最近学校", "Nearest school"),
    "reloc_check_clinic": ("最近卫生室或卫生院", "Nearest clinic or hospital"),
    "reloc_check_jobs": ("最近就业点(园区、龙头企业)", "Nearest jobs (park, agribusiness)"),
    "reloc_check_ecommerce": ("最近电商服务网点", "Nearest e-commerce point"),
    "reloc_m2_unit": ("m²/人", "m²/person"),
    "reloc_none": ("无", "none"),
    "reloc_export_figure": ("{check} · 实际", "{check} · figure"),
    "reloc_export_nearest": ("{check} · 最近设施", "{check} · nearest"),
    "reloc_export_ok": ("{check} · 通过", "{check} · passed"),
    "reloc_download": ("下载跟踪检查表(CSV)", "Download the checks (CSV)"),
}
