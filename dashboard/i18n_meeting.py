"""Interface strings of the meeting (projector) page and the brief download: zh-CN and English.

Merged into :mod:`township_atlas.dashboard.i18n`, which is how pages read them (``i18n.t``).
"""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "page_meeting": ("会议模式", "Meeting mode"),
    "meeting_township": ("全镇", "Whole township"),
    "meeting_prev": ("上一个村(← / PageUp)", "Previous village (← / PageUp)"),
    "meeting_next": ("下一个村(→ / PageDown)", "Next village (→ / PageDown)"),
    "meeting_prev_short": ("上一村", "Previous"),
    "meeting_next_short": ("下一村", "Next"),
    "meeting_home_short": ("全镇", "Township"),
    "meeting_overview_help": ("回到全镇(Home)", "Back to the township (Home)"),
    "meeting_county": ("全县", "Whole county"),
    "meeting_prev_town": ("上一个乡镇(← / PageUp)", "Previous township (← / PageUp)"),
    "meeting_next_town": ("下一个乡镇(→ / PageDown)", "Next township (→ / PageDown)"),
    "meeting_prev_town_short": ("上一镇", "Previous"),
    "meeting_next_town_short": ("下一镇", "Next"),
    "meeting_home_town_short": ("全县", "County"),
    "meeting_overview_town_help": ("回到全县(Home)", "Back to the county (Home)"),
    "meeting_hint_county": (
        "用「上一镇」「下一镇」(或键盘、翻页笔的方向键和翻页键)逐个乡镇查看,「全县」回到全县;"
        "点地图上的乡镇也可直接查看。要逐村查看,在侧栏「地点」选这个乡镇。",
        "Step through the townships with Previous / Next (or the arrow and page keys of a "
        "keyboard or clicker); County returns to the whole county; a click on a township "
        "shows it. To step through its villages, choose the township as the place in the "
        "sidebar.",
    ),
    "meeting_auto": ("自动切换", "Advance by itself"),
    "meeting_auto_off": ("不自动", "Off"),
    "meeting_hint": (
        "用「上一村」「下一村」(或键盘、翻页笔的方向键和翻页键)逐村查看,「全镇」回到全镇;"
        "点地图上的村也可直接查看。",
        "Step through the villages with Previous / Next (or the arrow and page keys of a "
        "keyboard or clicker); Township returns to the whole township; a click on a village "
        "shows it.",
    ),
    "meeting_present": ("进入全屏演示", "Present full screen"),
    "meeting_present_help": (
        "隐藏侧栏和页面边框,地图铺满屏幕,数字放大,适合投影和大屏。按 Esc 或「退出演示」返回。"
        "也可直接打开本页地址加 ?present=1。",
        "Hides the sidebar and the page's frame: the map fills the screen and the figures are "
        "large, for a projector or a big screen. Esc or 'Exit' returns. The page's address "
        "with ?present=1 opens it directly.",
    ),
    "meeting_exit": ("退出演示", "Exit"),
    "meeting_exit_help": ("回到普通页面(Esc)", "Back to the ordinary page (Esc)"),
    "meeting_fullscreen": ("全屏", "Full screen"),
    "meeting_fullscreen_help": (
        "浏览器全屏(再按一次或 Esc 退出)",
        "The browser's full screen (press again or Esc to leave)",
    ),
    "meeting_dark": ("深色", "Dark"),
    "meeting_dark_help": (
        "深色背景、浅色文字:投影仪上浅灰色容易看不清。",
        "Dark ground, light text: projectors wash out light greys.",
    ),
    "meeting_downloads": ("简报与地图下载", "Brief and map files"),
    "meeting_make_pdf": ("生成简报(PDF)", "Make the brief (PDF)"),
    "meeting_making_pdf": ("正在生成简报,需要几秒钟……", "Making the brief, a few seconds…"),
    "meeting_make_png": ("生成地图图片(PNG)", "Make the map picture (PNG)"),
    "meeting_making_png": ("正在生成地图图片……", "Making the map picture…"),
    "meeting_brief": ("下载简报(PDF,可打印)", "Download the brief (PDF, to print)"),
    "meeting_export_png": ("下载地图图片(PNG)", "Download the map picture (PNG)"),
    "meeting_export_html": ("下载地图(HTML,可离线打开)", "Download the map (HTML, opens offline)"),
    "meeting_export_html_help": (
        "单个文件,含地图程序,无需联网即可在浏览器中打开;不含在线底图。",
        "One file with everything inside: opens in a browser with no internet; no online base map.",
    ),
    "meeting_downloads_of": ("当前:{what}", "For: {what}"),
    # the parts of a download's file name: 古陂镇-枫树村-2025-简报.pdf
    "meeting_file_brief": ("简报", "brief"),
    "meeting_file_map": ("一张图", "map"),
    "meeting_file_funds": ("资金公示", "funds"),
    "meeting_poor_people": ("年末未脱贫人口", "Poor people"),
    "meeting_incidence": ("贫困发生率", "Poverty incidence"),
    "meeting_poor_villages_exited": ("贫困村出列", "Poor villages exited"),
    "meeting_ecommerce_villages": ("电商服务覆盖行政村", "E-commerce reach"),
    "meeting_ecommerce_both": ("电商服务行政村", "E-commerce villages"),
    "meeting_ecommerce_station_villages": (
        "有电商服务站的行政村",
        "Villages with their own station",
    ),
    "meeting_ecommerce_reach_def": ("覆盖({v}/{t}公里内有网点)", "within {v}/{t} km of a station"),
    "meeting_ecommerce_station_def": (
        "村村有站 · 目标≥{target}%",
        "own station · target ≥{target}%",
    ),
    "meeting_relocation_moved_share": ("易地搬迁入住率", "Relocation moved in"),
    "meeting_monitored_households": ("防返贫监测户", "Monitored households"),
    # the card's 电商网点运营: the stations of the year against the plan's targets
    "stations_heading": ("电商网点运营({year}年)", "E-commerce stations ({year})"),
    "stations_centres": ("乡镇服务中心", "Township centres"),
    "stations_village": ("村级服务站", "Village stations"),
    "stations_of": ("{n} / {target}个", "{n} / {target}"),
    "stations_closed": ("关闭 {n}个", "{n} closed"),
    "stations_suspended": ("暂停 {n}个", "{n} suspended"),
    "stations_own": ("本村有服务站的村", "Villages with a station of their own"),
    "stations_share_target": ("{share} · 目标≥{target}", "{share} · target ≥{target}"),
    "stations_reach": ("服务覆盖的村", "Within reach"),
    "stations_reach_def": ("{v}/{t}公里内", "within {v}/{t} km"),
    "stations_sales": ("农产品网销额", "Online sales"),
    "stations_served": ("服务贫困户", "Poor households served"),
    "stations_trained": ("电商培训", "People trained"),
    "stations_income": ("贫困户户均增收", "Gain per poor household"),
    "stations_target": ("目标 {v}", "target {v}"),
    "stations_same": ("与上年持平", "as last year"),
    "stations_unreported": ("本年未报送", "not reported this year"),
    "person_times": ("人次", "person-times"),
}
