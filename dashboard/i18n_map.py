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
    "station_tried": ("试设网点", "tried site"),
    "station_proposed": ("优化建议", "proposed"),
    "tiles_offline": (
        "底图需要联网:当前无法加载在线底图,可改用“无底图”或本地瓦片",
        "This base map needs the internet: its tiles cannot be loaded now. "
        "Choose “None (offline)” or local tiles.",
    ),
}
