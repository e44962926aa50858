"""Interface strings of the map part of the dashboard: zh-CN and English.

Merged into :mod:`township_atlas.dashboard.i18n`, which is how pages read them (``i18n.t``).
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "legend": ("图例", "Legend"),
    "place_pick": ("地点", "Place"),
    "place_up": ("回到{place}", "Back to {place}"),
    "place_townships": ("各乡镇", "Townships"),
    "place_click_township": (
        "点击地图上的乡镇,查看该乡镇的各村",
        "Click a township on the map to see its villages",
    ),
    "legend_station_existing": ("现有网点", "Existing station"),
    "legend_station_tried": ("试设网点(地图上点击)", "Site tried on the map"),
    "legend_station_proposed": ("优化建议网点", "Proposed by the optimiser"),
    "legend_station_sales": (
        "圆点大小:本年农产品网销额(万元)",
        "Dot size: online sales (10k yuan)",
    ),
    "legend_station_suspended": ("暂停运营的网点", "Suspended station"),
    "legend_station_closed": ("已关闭网点(不计覆盖)", "Closed station (covers nobody)"),
    "station_tried": ("试设网点", "tried site"),
    "station_proposed": ("优化建议", "proposed"),
    "tiles_offline": (
        "底图需要联网:当前无法加载在线底图,可改用“无底图”或本地瓦片",
        "This base map needs the internet: its tiles cannot be loaded now. "
        "Choose “None (offline)” or local tiles.",
    ),
    # assistance projects (帮扶项目) and their money, on the map and in a village's card
    "layer_projects": ("扶贫项目", "Assistance projects"),
    "project_status_planned": ("计划", "planned"),
    "project_status_building": ("在建", "under way"),
    "project_status_done": ("完工", "completed"),
    "project_money_line": ("计划投资 {budget} · 已支出 {spent}", "budget {budget} · spent {spent}"),
    "project_reached_line": (
        "受益 {n}户(其中贫困户 {poor}户)",
        "{n} households reached ({poor} poor)",
    ),
    "project_year_line": ("{year}年 · {status}", "{year} · {status}"),
    "money_field": ("帮扶资金", "Assistance money"),
    "money_reach_field": ("受益与投入", "Reach and cost"),
    "money_heading": (
        "帮扶项目与资金(截至{year}年末)",
        "Projects and money (to the end of {year})",
    ),
    "money_projects": ("帮扶项目", "Projects"),
    "money_count": ("{n}个", "{n}"),
    "money_spent": ("已支出资金", "Money spent"),
    # summed over projects: a household two projects reach counts twice (户次)
    "money_reached": ("受益户次", "Households reached (per project)"),
    "money_per_exit": ("每脱贫户投入", "Per household lifted"),
    "money_per_exit_help": (
        "项目已支出资金与到户帮扶措施金额之和,除以截至当年已脱贫的建档立卡户数。",
        "Projects' money spent and the households' measures, divided by the registered "
        "households that have exited by the year's end.",
    ),
    "money_none": ("暂无项目", "no projects"),
    "money_count_projects": ("{n}个项目", "projects: {n}"),
    "money_spent_line": ("已支出 {amount}", "{amount} spent"),
    "money_reached_line": ("受益 {n}户次", "{n} households reached (per project)"),
    "money_per_exit_line": ("每脱贫户 {amount}", "{amount} per household lifted"),
    "funds_download": ("下载资金公示表(Excel)", "Download the funds notice (Excel)"),
    "funds_download_help": (
        "按村逐个项目列出计划投资、已支出和受益户数,含各村小计和合计;第二张表为各村汇总。",
        "Every project by village with budget, money spent and households reached, a "
        "subtotal per village and a grand total; the second sheet sums each village.",
    ),
}
