"""Interface strings of the monitoring pages (基础设施短板, 搬迁安置, 变更登记): zh-CN and English.

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
    # ------------------------------------------------------------------ 变更登记
    "record_year": ("计入年度", "Counts in"),
    "record_year_option": ("{year}年", "{year}"),
    "record_year_help": (
        "这项变更改变哪一年的数字。往年的变更记在该年12月31日,今年的记在今天。",
        "The year whose figures the change moves. A past year's change is dated 31 December "
        "of that year; this year's is dated today.",
    ),
    "record_year_past": (
        "计入 {year} 年:登记日期记为 {date}(该年年末),{year} 年末起的数字随之改变。",
        "Counts in {year}: dated {date} (the year's end); figures from the end of {year} on "
        "change.",
    ),
    "record_year_current": (
        "计入 {year} 年(今年):登记日期记为今天 {date}。",
        "Counts in {year} (this year): dated today, {date}.",
    ),
    "record_year_new": (
        "工作空间中还没有 {year} 年的数据:登记后年度滑块将增加 {year} 年,打开页面时默认显示 "
        "{year} 年。如果这项变化属于上一年度,请在“计入年度”中选上一年。",
        "The workspace has no {year} figures yet: after this change the year slider gains "
        "{year} and pages open on it. If the change belongs to last year, choose that year.",
    ),
    "record_when": ("{year}年末", "at the end of {year}"),
    "record_when_now": ("目前", "now"),
    "record_new_value_at": ("新值({when}为「{now}」)", "New value ({when}: “{now}”)"),
    "record_same": (
        "{when}已是「{now}」:这样登记不改变任何数字。选另一个值,或另一个村、指标、年度。",
        "Already “{now}” {when}: recording it changes nothing. Choose another value, village, "
        "indicator or year.",
    ),
    "record_later_rows": (
        "注意:本村 {years} 年已有单独的指标记录({what}与新值不同),本次只改 {year} 年,"
        "那些年度不随之改变;需要时请分别登记。",
        "Note: this village has its own indicator rows for {years} ({what} differs from the "
        "new value); this change sets {year} only, not those years. Record them separately "
        "if needed.",
    ),
    "record_preview": ("将登记:{text}", "To be recorded: {text}"),
    "record_submit_year": ("登记(计入{year}年)", "Record (counts in {year})"),
    "record_status_since": ("{year}年{status}", "{status} {year}"),
    "record_candidates_household_exit": (
        "列出本村现为「未脱贫」或「返贫」、可计入 {year} 年脱贫的户,共 {n} 户。",
        "Households of this village now poor or fallen back that can exit in {year}: {n}.",
    ),
    "record_candidates_household_fell_back": (
        "列出本村现为「已脱贫」、{year} 年或以前脱贫的户,共 {n} 户。",
        "Households of this village now exited, in {year} or before: {n}.",
    ),
    "record_candidates_household_monitored": (
        "列出本村全部户,共 {n} 户;已在监测的户可改监测类型。",
        "Every household of this village: {n}; a monitored one can change its kind.",
    ),
    "record_none_household_exit": (
        "本村没有可计入 {year} 年脱贫的户:没有现为「未脱贫」或「返贫」的户。",
        "No household of this village can exit in {year}: none is poor or fallen back now.",
    ),
    "record_none_household_fell_back": (
        "本村没有可计入 {year} 年返贫的户:没有 {year} 年或以前脱贫、现为「已脱贫」的户。",
        "No household of this village can fall back in {year}: none exited by {year} and is "
        "exited now.",
    ),
    "record_none_household_monitored": (
        "本村在户表中没有户。",
        "This village has no household in the register.",
    ),
    "record_later_household_exit": (
        "本村另有 {n} 户在 {year} 年或以后才识别或返贫,它们的脱贫只能计入更晚的年度"
        "(同一年既返贫又脱贫,年末仍按返贫计)。",
        "{n} more were identified or fell back in {year} or later: their exit can only count "
        "in a later year (fallen back and exited in one year still reads as fallen back).",
    ),
    "record_later_household_fell_back": (
        "本村另有 {n} 户在 {year} 年以后才脱贫,它们的返贫只能计入脱贫当年或以后。",
        "{n} more exited after {year}: their fall back can only count in or after that year.",
    ),
    "record_monitor_same": (
        "该户已于 {year} 年纳入监测(「{kind}」):这样登记不改变任何数字。",
        "This household has been monitored as “{kind}” since {year}: recording it changes nothing.",
    ),
    "record_conflict": (
        "这一项已有 {date} 生效的变更:先在下方撤销那一条,或计入 {year} 年。",
        "This field already has a change effective {date}: undo that one below first, or "
        "count this one in {year}.",
    ),
    "record_refused": ("未登记:{error}", "Not recorded: {error}"),
    "record_done_effect": ("已登记({change})。{effect}。", "Recorded ({change}). {effect}."),
    "record_view_year": (" 各页已切换到 {year} 年。", " Every page now shows {year}."),
    "record_undo_first": (
        "{later} 在 {change} 之后改了同一项:先撤销 {later}。",
        "{later} changed the same field after {change}: undo {later} first.",
    ),
    "record_effect_value": ("{year}年 {where}:", "{year}, {where}: "),
    "record_effect_household": ("{village} 户 {id}", "{village}, household {id}"),
    "record_effect_sep": (";", "; "),
    "record_effect_gaps_down": (
        "基础设施短板减少 {n} 项({n0} → {n1} 项)",
        "infrastructure gaps down by {n} ({n0} → {n1})",
    ),
    "record_effect_gaps_up": (
        "基础设施短板增加 {n} 项({n0} → {n1} 项)",
        "infrastructure gaps up by {n} ({n0} → {n1})",
    ),
    "record_effect_gaps_same": ("基础设施短板不变({n} 项)", "infrastructure gaps unchanged ({n})"),
    "record_effect_exit_met": ("现已达到出列标准", "now meets the exit rules"),
    "record_effect_exit_unmet": ("不再达到出列标准", "no longer meets the exit rules"),
    "record_effect_monitored": ("纳入监测(「{kind}」)", "monitored as “{kind}”"),
    "record_effect_poor_people": (
        "{year}年末未脱贫人口:本村 {v0} → {v1},全镇 {t0} → {t1}",
        "poor people at the end of {year}: village {v0} → {v1}, township {t0} → {t1}",
    ),
    "record_effect_monitored_households": (
        "{year}年末监测户:本村 {v0} → {v1},全镇 {t0} → {t1}",
        "monitored households at the end of {year}: village {v0} → {v1}, township {t0} → {t1}",
    ),
}
