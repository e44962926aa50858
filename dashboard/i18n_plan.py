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
