"""Interface strings of the meeting (projector) page and the brief download: zh-CN and English.

Merged into :mod:`township_atlas.dashboard.i18n`, which is how pages read them (``i18n.t``).
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "page_meeting": ("会议模式", "Meeting mode"),
    "meeting_township": ("全镇", "Whole township"),
    "meeting_prev": ("上一个村(← / PageUp)", "Previous village (← / PageUp)"),
    "meeting_next": ("下一个村(→ / PageDown)", "Next village (→ / PageDown)"),
    "meeting_auto": ("自动切换", "Advance by itself"),
    "meeting_auto_off": ("不自动", "Off"),
    "meeting_hint": (
        "用 ▶ / ◀(或键盘、翻页笔的方向键和翻页键)逐村查看,⌂ 回到全镇。",
        "Step through the villages with ▶ / ◀ (or arrow and page keys of a keyboard or "
        "clicker); ⌂ returns to the township.",
    ),
    "meeting_brief": ("下载简报(PDF,可打印)", "Download the brief (PDF, to print)"),
    "meeting_export_png": ("下载地图图片(PNG)", "Download the map picture (PNG)"),
    "meeting_export_html": ("下载地图(HTML,可离线打开)", "Download the map (HTML, opens offline)"),
    "meeting_export_html_help": (
        "单个文件,含地图程序,无需联网即可在浏览器中打开;不含在线底图。",
        "One file with everything inside: opens in a browser with no internet; no online base map.",
    ),
    "meeting_poor_people": ("年末未脱贫人口", "Poor people remaining"),
    "meeting_incidence": ("贫困发生率", "Poverty incidence"),
    "meeting_poor_villages_exited": ("贫困村出列", "Poor villages exited"),
    "meeting_ecommerce_villages": ("电商服务覆盖行政村", "Villages with e-commerce service"),
    "meeting_relocation_moved_share": ("易地搬迁入住率", "Relocation: moved in"),
    "meeting_monitored_households": ("防返贫监测户", "Monitored households"),
}
