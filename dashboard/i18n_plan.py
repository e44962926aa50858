"""Interface strings of the plan part of the dashboard: zh-CN and English.

Merged into :mod:`township_atlas.dashboard.i18n`, which is how pages read them (``i18n.t``).
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ two coverage figures
    "plan_own_station": ("本村有服务站", "Villages with a station"),
    "plan_reach_help": (
        "村内一点到最近网点的距离在服务半径内,就算覆盖(半径见上方设置)。本页按此口径优化选址。",
        "A village is covered when a point inside it is within a station's service radius (set "
        "above). The optimiser works to this definition.",
    ),
    "plan_own_help": (
        "行政村内设有电商服务站(乡镇电商服务中心算其所在的村):县电子商务进农村规划按此统计,"
        "目标 ≥ {target}。",
        "Villages with an e-commerce station inside them (the township centre counts for the "
        "village it stands in): the county e-commerce plans' figure, target at least {target}.",
    ),
    "plan_definitions": (
        "两种口径:覆盖行政村 = 村内一点到最近网点在服务半径内(本页优化所用);"
        "本村有服务站 = 站点设在本村,县电子商务进农村规划按此统计,目标 ≥ {target}。",
        "Two definitions: villages covered = a point inside the village within a station's "
        "radius (what this page optimises); villages with a station = a station inside the "
        "village, the county e-commerce plans' figure, target at least {target}.",
    ),
    "plan_own_short_plan": (
        "按此方案,本村有服务站的村离 {target} 的目标还差 {n} 个。",
        " With this plan, {n} more villages need a station of their own to reach {target}.",
    ),
    "plan_own_short_today": (
        "现有网络离 {target} 的目标还差 {n} 个村有服务站。",
        " Today, {n} more villages need a station of their own to reach {target}.",
    ),
    # ------------------------------------------------------------------ stations at work
    "plan_count_suspended": ("暂停网点计为覆盖", "Suspended stations count as covering"),
    "plan_count_suspended_help": (
        "暂停运营的网点是否仍算覆盖其服务范围内的村(覆盖率和优化选址都按此计算);"
        "已关闭的网点一律不算。默认值见规则设置中的“电商网点”。",
        "Whether a suspended station still covers the villages within its reach (in the "
        "coverage figures and for the optimiser); a closed one never does. The default is "
        "set in the rules (e-commerce stations).",
    ),
    "station_status_operating": ("正常运营", "operating"),
    "station_status_suspended": ("暂停运营", "suspended"),
    "station_status_closed": ("已关闭", "closed"),
    "station_not_reported": ("本年未报送运营情况", "no report for the year"),
    "station_sales_line": ("农产品网销 {sales}", "online sales of local produce {sales}"),
    "station_change": ("(比上年 {change})", " ({change} on last year)"),
    "station_served_line": (
        "服务贫困户 {served}户 · 电商助理员 {assistants}人",
        "poor households served {served} · assistants {assistants}",
    ),
    "station_flags_line": ("问题:{flags}", "falls short: {flags}"),
    "station_not_covering": ("本年不计入覆盖", "not counted as covering this year"),
    "plan_stations_heading": ("网点运营({year}年)", "Stations at work ({year})"),
    "plan_flagged": ("本年有问题的网点({n}个)", "Stations with a flag this year ({n})"),
    "plan_flagged_none": (
        "本年没有关闭、暂停、无网销或缺电商助理员的网点。",
        "No station is closed, suspended, without sales or without an assistant this year.",
    ),
    "plan_lost": ("关闭网点后失去覆盖的村", "Villages a closed station leaves uncovered"),
    "plan_lost_caption": (
        "只由本年关闭(或暂停且不计覆盖)的网点覆盖的村:{n}个村,未脱贫户 {households}户、"
        "未脱贫人口 {people}人。",
        "Villages only stations closed this year (or suspended and not counted) reached: "
        "{n}; poor households {households}, poor people {people}.",
    ),
    "plan_lost_none": (
        "本年没有村因网点关闭或暂停而失去覆盖。",
        "No village lost its cover to a closed or suspended station this year.",
    ),
    "station_col_name": ("网点", "Station"),
    "station_col_tier": ("层级", "Tier"),
    "station_col_status": ("运营状态", "Status"),
    "station_col_sales": ("农产品网销额(万元)", "Online sales (10k yuan)"),
    "station_col_served": ("服务贫困户(户)", "Poor households served"),
    "station_col_assistants": ("电商助理员(人)", "Assistants"),
    "station_col_flags": ("问题", "Falls short"),
    "station_col_lost_by": ("原覆盖网点", "Covered before by"),
    # ------------------------------------------------------------------ saving and errors
    "plan_saved_n": (
        "方案「{name}」已保存(新增 {n} 个网点),可在“方案对比”页查看。",
        "Plan “{name}” saved ({n} new stations); compare it on the Plans page.",
    ),
    "plan_save_no_stations": (
        "方案中还没有新网点,无法保存:先点“优化选址”,或在地图上点击试设网点。",
        "The plan adds no station yet, so there is nothing to save: optimise, or click the "
        "map to try a site, first.",
    ),
    "plan_write_locked": (
        "保存失败,工作空间未改动:无法写入工作空间文件(可能正被其他程序打开,或磁盘已满、"
        "没有写入权限)。",
        "Not saved; the workspace is unchanged: its file cannot be written (open in another "
        "program, disk full, or no permission).",
    ),
    "plan_write_invalid": (
        "保存失败,工作空间未改动:方案数据不符合工作空间的格式。",
        "Not saved; the workspace is unchanged: the plan does not fit the workspace's format.",
    ),
    "plan_error_details": ("技术细节", "Details"),
    "plan_too_few": (
        "要求新增 {asked} 个网点,但可选的候选点只有 {free} 个(已排除 {excluded} 个)。"
        "请减少新增数量,或少排除几个候选点。",
        "{asked} new stations asked for, but only {free} candidates are left ({excluded} "
        "excluded). Ask for fewer, or exclude fewer candidates.",
    ),
    "plan_optimise_failed": (
        "无法优化选址:设置或数据不被接受。请检查服务半径和各图层的数据。",
        "The optimiser refused the settings or the data. Check the radii and the layers.",
    ),
    "plan_no_roads": (
        "工作空间中没有道路图层,无法沿道路计算距离:以下按直线距离计算。可在“数据导入”页导入道路。",
        "The workspace has no roads, so distances cannot follow them: straight lines are used "
        "below. Import roads on the Data page.",
    ),
    "plan_solver_note": (
        "求解器报告的界限与所得方案不一致,已改用由数据推出的界限;方案本身有效。",
        "The solver's bound disagreed with the stations found and was set aside; the plan "
        "itself is valid.",
    ),
}
