"""Every ``st.session_state`` key of the dashboard, declared once.

Widgets use these names as their ``key=``; pages read values through :func:`get` so a missing
key falls back to its declared default instead of raising.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

LANG = "lang"
YEAR = "year"
YEAR_RANGE = "year_range"  # [first, last] the year slider was drawn with
INDICATOR = "indicator"
SCHEME = "scheme"
LAYERS = "layers"
BASEMAP = "basemap"
SELECTED_VILLAGE = "selected_village"
MAP = "township_map"
DOWNLOAD_VILLAGES = "download_villages_csv"
PLAN_RADIUS = "plan_radius_km"  # village stations, new and existing
PLAN_TOWNSHIP_RADIUS = "plan_township_radius_km"  # the township e-commerce centre
PLAN_NETWORK = "plan_network"
PLAN_WEIGHT = "plan_weight"
PLAN_ADD = "plan_add"
PLAN_OPTIMISE = "plan_optimise"
PLAN_CLEAR = "plan_clear"
PLAN_POINTS = "plan_points"  # candidates added by clicking the map: [[lat, lng], ...]
PLAN_LAST_CLICK = "plan_last_click"
PLAN_RESULT = "plan_result"  # the last proposal, with the settings it was made for
PLAN_MAP = "plan_map"
PLAN_GOAL = "plan_goal"  # "add": a number of stations; "target": a share to reach
PLAN_TARGET = "plan_target_pct"
PLAN_REMOVE = "plan_remove"  # tried sites ticked for removal
PLAN_REMOVE_BUTTON = "plan_remove_button"
PLAN_DOWNLOAD = "plan_download_geojson"
PLAN_EXCLUDE = "plan_exclude"  # candidate ids the optimiser must not choose
PLAN_DOWNLOAD_XLSX = "plan_download_xlsx"
PLAN_SAVE_NAME = "plan_save_name"
PLAN_SAVE_REPLACE = "plan_save_replace"
PLAN_SAVE = "plan_save"
PLAN_DETAILS = "plan_details"  # the coverage-details expander
PLAN_COUNT_SUSPENDED = "plan_count_suspended"  # a suspended station covers (None: the rules')
FLASH = "flash"  # a message to show once after a rerun: (kind, text)
PLANS_CHOICE = "plans_choice"  # the saved plan shown on the comparison page
PLANS_MAP_TODAY = "plans_map_today"
PLANS_MAP_PLAN = "plans_map_plan"
PLANS_DOWNLOAD = "plans_download_geojson"
PLANS_DOWNLOAD_XLSX = "plans_download_xlsx"
PLANS_DELETE = "plans_delete"
PLANS_DELETE_CONFIRM = "plans_delete_confirm"
REC_KIND = "rec_kind"  # the 变更登记 form
REC_VILLAGE = "rec_village"
REC_FIELD = "rec_field"
REC_BOOL = "rec_bool"
REC_NUMBER = "rec_number"
REC_AMOUNT = "rec_amount"
REC_HOUSEHOLD = "rec_household"
REC_MONITOR_KIND = "rec_monitor_kind"
REC_NOTE = "rec_note"
REC_SUBMIT = "rec_submit"
REC_UNDO_CHOICE = "rec_undo_choice"
REC_UNDO = "rec_undo"
PROGRESS_MAP = "progress_map"  # 出列进度
PROGRESS_PLAY = "progress_play"  # the year advances by itself while True
PROGRESS_VILLAGE = "progress_village"  # the village whose scorecard is shown
PROGRESS_TICK = "progress_tick"  # time.monotonic() of the last step while playing
RULES_TEXT = "rules_text"  # 规则设置: the rules file being edited
RULES_CHECK = "rules_check"
RULES_SAVE = "rules_save"
RULES_RESET = "rules_reset"
RULES_DOWNLOAD = "rules_download"
RULES_ERROR = "rules_error"  # the problems of the rules text last checked or saved
# 基础设施短板 and 搬迁安置 pages
GAPS_INDICATOR = "gaps_indicator"  # "score" or one component of the gap score
GAPS_MAP = "gaps_map"
GAPS_DOWNLOAD = "gaps_download"
RELOC_MAP = "reloc_map"
RELOC_DOWNLOAD = "reloc_download"
GAPS_SERVICE = "gaps_service"  # the service the distance table is sorted by, or "all"
MEETING_MAP = "meeting_map"  # 会议模式 (projector overview)
MEETING_INDEX = "meeting_index"  # the village shown: -1 for the whole township
MEETING_PREV = "meeting_prev"
MEETING_NEXT = "meeting_next"
MEETING_OVERVIEW = "meeting_overview"
MEETING_AUTO = "meeting_auto"  # seconds between villages when advancing by itself; 0: off
MEETING_TICK = "meeting_tick"  # time.monotonic() of the last automatic step
MEETING_BRIEF = "meeting_brief"  # the brief download button
MEETING_EXPORT_HTML = "meeting_export_html"
MEETING_EXPORT_PNG = "meeting_export_png"
MAP_CLICKS = "map_clicks"  # per map key: (last click as drawn, the same point in WGS84)
HH_QUERY = "hh_query"  # 农户查询: 户编号 or ID number typed in
HH_CHOICE = "hh_choice"
DATA_KIND = "data_kind"  # 数据导入: what the uploaded file holds
DATA_FILE = "data_file"
DATA_CRS = "data_crs"
DATA_ACCEPT = "data_accept_partial"
DATA_IMPORT = "data_import"
DATA_REPORT = "data_report"
DATA_REPORT_XLSX = "data_report_xlsx"
DATA_SHEET = "data_sheet"  # the workbook's sheet to read
DATA_MAPPING = "data_mapping"  # prefix of the column-mapping editor's key (one per file)
DATA_TEMPLATE = "data_template"
# --- section: map (keys of map.py and view.py) ---
PLACE = "place"  # the county, township (code) the pages show; None: where the workspace opens
PLACE_SYNCED = "place_synced"  # the URL's ?place= was read (once per session)
PLACE_PICK = "place_pick"  # the sidebar's 地点 selectbox
PLACE_CRUMB = "place_crumb"  # prefix: the breadcrumb buttons above the map (place_crumb.<code>)
PLACE_VISIT = "place_visit"  # counts places chosen: a map's key ends with it (a fresh map each)
# --- end section: map ---
# --- section: meeting (会议模式 and its presentation view) ---
MEETING_PRESENT = "meeting_present"  # 「进入全屏演示」 (the URL's ?present=1 says it too)
MEETING_EXIT = "meeting_exit"  # 「退出演示」 (Esc presses it)
MEETING_DARK = "meeting_dark"  # dark page and map: projectors wash out light greys
MEETING_MAKE_PDF = "meeting_make_pdf"  # 「生成简报」: builds the brief under a spinner
MEETING_MAKE_PNG = "meeting_make_png"
MEETING_MADE = "meeting_made"  # files built so far: (kind, year, village code or "", layers)
MEETING_LAST_CLICK = "meeting_last_click"  # the village the map last reported clicked
MEETING_FUNDS = "meeting_funds_xlsx"  # the 资金公示 download (a role that exports data)
# --- end section: meeting ---
# --- section: monitor (变更登记, plans, progress) ---
REC_YEAR = "rec_year"  # the year a recorded change counts in (its date: that year's end, or today)
REC_YEAR_FROM = "rec_year_from"  # the viewed year the form's year was last set from
REC_CONTEXT = "rec_context"  # (village, indicator, year) the new value was last set for
# --- end section: monitor ---
# --- section: settings (sidebar, per-page map controls, 规则设置) ---
MAP_CONTROLS = "map_controls"  # the 图层与底图 popover above each map
RULES_FIELD = "rules_field"  # prefix: the 规则设置 form's widget of a rule is rules_field.<path>
RULES_FORM_SOURCE = "rules_form_source"  # the stored rules text the form was filled from
RULES_FORM_SAVE = "rules_form_save"
RULES_FORM_ERROR = "rules_form_error"  # the problems of the form's values last saved
RULES_ADVANCED = "rules_advanced"  # the 高级:直接编辑 TOML expander
RULES_BASEMAP = "rules_basemap"  # the 底图设置 expander (天地图 key, local tiles)
# --- end section: settings ---
# --- section: auth (sign-in, session, 审计日志, 账户管理) ---
AUTH_USER = "auth_user"  # the signed-in account's name (None: nobody)
AUTH_SEEN = "auth_seen"  # time.time() of the session's last full rerun: the idle time-out
AUTH_SINCE = "auth_since"  # time.time() of the sign-in: the absolute time-out
AUTH_NOTICE = "auth_notice"  # why the sign-in form is shown again (time-out, disabled)
AUTH_NAME = "auth_name"  # the sign-in form's fields
AUTH_PASSWORD = "auth_password"
AUTH_SUBMIT = "auth_submit"
AUTH_OIDC = "auth_oidc"  # 「使用单位账号登录」 (st.login)
AUTH_LOGOUT = "auth_logout"
HH_LOOKED = "hh_looked"  # 农户查询: the keyed hash of the ID number last looked up (counted once)
HH_VIEWED = "hh_viewed"  # the household whose view was last written to the audit log
USERS_NAME = "users_name"  # 账户管理: the new account's form
USERS_ROLE = "users_role"  # also the prefix of the change form's role (users_role.<name>)
USERS_VILLAGES = "users_villages"  # likewise
USERS_PASSWORD = "users_password"
USERS_PASSWORD2 = "users_password2"
USERS_ADD = "users_add"
USERS_CHOICE = "users_choice"  # the account being changed
USERS_SAVE = "users_save"
USERS_TOGGLE = "users_toggle"  # disable / enable
USERS_RESET_1 = "users_reset_1"
USERS_RESET_2 = "users_reset_2"
USERS_RESET = "users_reset"
AUDIT_SINCE = "audit_since"  # 审计日志 filters and downloads
AUDIT_UNTIL = "audit_until"
AUDIT_ACCOUNT = "audit_account"
AUDIT_ACTION = "audit_action"
AUDIT_DOWNLOAD_CSV = "audit_download_csv"
AUDIT_DOWNLOAD_XLSX = "audit_download_xlsx"
# --- end section: auth ---
# --- section: assistance (帮扶) ---
ASSIST_FLAG = "assist_flag"  # what the map shades: "all" or one flag's code
ASSIST_MAP = "assist_map"
ASSIST_LAST_CLICK = "assist_last_click"  # the village the map last reported clicked
ASSIST_VILLAGE = "assist_village"  # the household list's village: "all" or a code
ASSIST_DOWNLOAD = "assist_download"
ASSIST_LIST = "assist_list"  # the container of the household list (its st-key- class)
ASSIST_FORM = "assist_form"  # the container of the 登记走访 form
ASSIST_CADRE = "assist_cadre"  # the cadre whose households are listed
ASSIST_VISIT_HOUSEHOLD = "assist_visit_household"  # the 登记走访 form
ASSIST_VISIT_DATE = "assist_visit_date"
ASSIST_VISIT_CADRE = "assist_visit_cadre"  # "" for nobody named
ASSIST_VISIT_NOTE = "assist_visit_note"
ASSIST_VISIT_SUBMIT = "assist_visit_submit"
ASSIST_VISIT_FOR = "assist_visit_for"  # (household, year) the date and cadre were set for
# --- end section: assistance ---
# --- section: record-station (变更登记: 网点运营状态) ---
REC_STATION = "rec_station"  # the station whose status is recorded (facility_id)
REC_STATION_STATUS = "rec_station_status"  # 运营, 暂停 or 关闭
REC_STATION_DATE = "rec_station_date"  # the day it took hold (a datetime.date of the year)
REC_STATION_FOR = "rec_station_for"  # (station, year) the status and date were last set for
# --- end section: record-station ---

DEFAULTS: dict[str, Any] = {
    LANG: "zh",
    YEAR: None,  # None: the latest year of the workspace
    YEAR_RANGE: None,
    INDICATOR: "poor_people",
    SCHEME: "natural_breaks",
    LAYERS: ["villages", "labels", "gaps", "service", "relocation", "roads", "rivers"],
    BASEMAP: "none",
    SELECTED_VILLAGE: None,
    MAP: None,  # streamlit-folium's own value: the last clicked feature
    DOWNLOAD_VILLAGES: None,
    PLAN_RADIUS: 3.0,
    PLAN_TOWNSHIP_RADIUS: 5.0,
    PLAN_NETWORK: "straight",
    PLAN_WEIGHT: "poor_people",
    PLAN_ADD: 3,
    PLAN_OPTIMISE: False,
    PLAN_CLEAR: False,
    PLAN_POINTS: [],
    PLAN_LAST_CLICK: None,
    PLAN_RESULT: None,
    PLAN_MAP: None,
    PLAN_GOAL: "add",
    PLAN_TARGET: 90,
    PLAN_REMOVE: [],
    PLAN_REMOVE_BUTTON: False,
    PLAN_DOWNLOAD: None,
    PLAN_EXCLUDE: [],
    PLAN_DOWNLOAD_XLSX: None,
    PLAN_SAVE_NAME: "",
    PLAN_SAVE_REPLACE: False,
    PLAN_SAVE: False,
    PLAN_DETAILS: False,
    PLAN_COUNT_SUSPENDED: None,
    FLASH: None,
    PLANS_CHOICE: None,
    PLANS_MAP_TODAY: None,
    PLANS_MAP_PLAN: None,
    PLANS_DOWNLOAD: None,
    PLANS_DOWNLOAD_XLSX: None,
    PLANS_DELETE: False,
    PLANS_DELETE_CONFIRM: False,
    REC_KIND: "indicator",
    REC_VILLAGE: None,
    REC_FIELD: "road_hardened",
    REC_BOOL: True,
    REC_NUMBER: 0,
    REC_AMOUNT: 0.0,
    REC_HOUSEHOLD: None,
    REC_MONITOR_KIND: None,
    REC_NOTE: "",
    REC_SUBMIT: False,
    REC_UNDO_CHOICE: None,
    REC_UNDO: False,
    PROGRESS_MAP: None,
    PROGRESS_PLAY: False,
    PROGRESS_VILLAGE: None,
    PROGRESS_TICK: 0.0,
    RULES_TEXT: None,
    RULES_CHECK: False,
    RULES_SAVE: False,
    RULES_RESET: False,
    RULES_DOWNLOAD: None,
    RULES_ERROR: None,
    GAPS_INDICATOR: "score",
    GAPS_MAP: None,
    GAPS_DOWNLOAD: None,
    RELOC_MAP: None,
    RELOC_DOWNLOAD: None,
    GAPS_SERVICE: "all",
    MEETING_MAP: None,
    MEETING_INDEX: -1,
    MEETING_PREV: False,
    MEETING_NEXT: False,
    MEETING_OVERVIEW: False,
    MEETING_AUTO: 0,
    MEETING_TICK: 0.0,
    MEETING_BRIEF: None,
    MEETING_EXPORT_HTML: None,
    MEETING_EXPORT_PNG: None,
    HH_QUERY: "",
    HH_CHOICE: None,
    DATA_KIND: "villages",
    DATA_FILE: None,
    DATA_CRS: "",
    DATA_ACCEPT: False,
    DATA_IMPORT: False,
    DATA_REPORT: None,
    DATA_REPORT_XLSX: None,
    DATA_SHEET: None,
    DATA_TEMPLATE: None,
    MAP_CLICKS: {},  # never mutated: replaced by a new dict
}
# Defaults of each section's keys, kept beside the section's own lines below.
# --- defaults: map ---
DEFAULTS.update({PLACE: None, PLACE_SYNCED: False, PLACE_PICK: None, PLACE_VISIT: 0})
# --- end defaults: map ---
# --- defaults: meeting ---
DEFAULTS.update(
    {
        MEETING_PRESENT: False,
        MEETING_EXIT: False,
        MEETING_DARK: False,
        MEETING_MAKE_PDF: False,
        MEETING_MAKE_PNG: False,
        MEETING_MADE: (),  # never mutated: replaced by a new tuple
        MEETING_LAST_CLICK: None,
        MEETING_FUNDS: None,
    }
)
# --- end defaults: meeting ---
# --- defaults: monitor ---
DEFAULTS.update({REC_YEAR: None, REC_YEAR_FROM: None, REC_CONTEXT: None})
# --- end defaults: monitor ---
# --- defaults: settings ---
DEFAULTS.update(
    {
        MAP_CONTROLS: None,
        RULES_FORM_SOURCE: None,
        RULES_FORM_SAVE: False,
        RULES_FORM_ERROR: None,
        RULES_ADVANCED: False,
        RULES_BASEMAP: False,
    }
)
# --- end defaults: settings ---
# --- defaults: auth ---
DEFAULTS.update(
    {
        AUTH_USER: None,
        AUTH_SEEN: None,
        AUTH_SINCE: None,
        AUTH_NOTICE: None,
        AUTH_NAME: "",
        AUTH_PASSWORD: "",
        AUTH_SUBMIT: False,
        AUTH_OIDC: False,
        AUTH_LOGOUT: False,
        HH_LOOKED: None,
        HH_VIEWED: None,
        USERS_NAME: "",
        USERS_ROLE: None,
        USERS_VILLAGES: [],
        USERS_PASSWORD: "",
        USERS_PASSWORD2: "",
        USERS_ADD: False,
        USERS_CHOICE: None,
        USERS_SAVE: False,
        USERS_TOGGLE: False,
        USERS_RESET_1: "",
        USERS_RESET_2: "",
        USERS_RESET: False,
        AUDIT_SINCE: None,
        AUDIT_UNTIL: None,
        AUDIT_ACCOUNT: "",
        AUDIT_ACTION: "",
        AUDIT_DOWNLOAD_CSV: None,
        AUDIT_DOWNLOAD_XLSX: None,
    }
)
# --- end defaults: auth ---
# --- defaults: assistance ---
DEFAULTS.update(
    {
        ASSIST_FLAG: "all",
        ASSIST_MAP: None,
        ASSIST_LAST_CLICK: None,
        ASSIST_VILLAGE: "all",
        ASSIST_DOWNLOAD: None,
        ASSIST_LIST: None,
        ASSIST_FORM: None,
        ASSIST_CADRE: None,
        ASSIST_VISIT_HOUSEHOLD: None,
        ASSIST_VISIT_DATE: None,
        ASSIST_VISIT_CADRE: "",
        ASSIST_VISIT_NOTE: "",
        ASSIST_VISIT_SUBMIT: False,
        ASSIST_VISIT_FOR: None,
    }
)
# --- end defaults: assistance ---
# --- defaults: record-station ---
DEFAULTS.update(
    {REC_STATION: None, REC_STATION_STATUS: "暂停", REC_STATION_DATE: None, REC_STATION_FOR: None}
)
# --- end defaults: record-station ---


def get(key: str) -> Any:
    """The session value of ``key``, or (a copy of) its declared default."""
    if key not in DEFAULTS:
        raise KeyError(f"undeclared session-state key {key!r}")
    if key in st.session_state:
        return st.session_state[key]
    default = DEFAULTS[key]
    return list(default) if isinstance(default, list) else default


def widget_key(key: str, lang: str) -> str:
    """The key of the widget that edits ``key`` in language ``lang``.

    Streamlit keeps a keyed widget's displayed labels when only its ``format_func`` changes, so
    after a language switch the old language would stay on screen (and a radio would lose its
    choice). Each language therefore gets its own widget, seeded from and copied back to the
    one language-free value that pages read through :func:`get`.
    """
    return f"{key}__{lang}"


def bind(key: str, lang: str) -> dict[str, Any]:
    """``key=`` and ``on_change=`` arguments for the widget that edits ``key`` in ``lang``."""
    wkey = widget_key(key, lang)
    if wkey not in st.session_state:
        st.session_state[wkey] = get(key)
    return {"key": wkey, "on_change": _copy_back, "args": (key, wkey)}


def _copy_back(key: str, wkey: str) -> None:
    set_value(key, st.session_state[wkey])


def set_value(key: str, value: Any) -> None:
    if key not in DEFAULTS:
        raise KeyError(f"undeclared session-state key {key!r}")
    st.session_state[key] = value


def remove_plan_points(ids: list[str]) -> None:
    """Button callback: drop the tried sites ticked in the removal list (ids P1, P2, ...)."""
    drop = set(get(PLAN_REMOVE))
    kept = [p for i, p in zip(ids, get(PLAN_POINTS), strict=True) if i not in drop]
    set_value(PLAN_POINTS, kept)
    set_value(PLAN_REMOVE, [])
