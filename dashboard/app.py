"""Township Atlas dashboard: the entry script (``streamlit run dashboard/app.py``).

Draws the shared sidebar once and routes to the pages with ``st.navigation``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from township_atlas.dashboard import assets, auth, loader, meeting_view, sidebar, view
from township_atlas.dashboard import state as S
from township_atlas.dashboard.i18n import t
from township_atlas.dashboard.markup import escape_md

st.set_page_config(
    page_title="乡镇扶贫一张图 · Township Atlas",
    page_icon=str(Path(__file__).parent / "icon.png"),  # a local file: no icon CDN
    layout="wide",
)
assets.register()

# Not "pages/": Streamlit would list that folder as legacy pages before st.navigation runs.
PAGES = Path(__file__).parent / "app_pages"
lang = S.get(S.LANG)
ALL_PAGES = (
    st.Page(
        PAGES / "map_page.py",
        title=t("page_map", lang),
        icon=":material/map:",
        url_path="map",
        default=True,
    ),
    st.Page(
        PAGES / "meeting_page.py",
        title=t("page_meeting", lang),
        icon=":material/co_present:",
        url_path="meeting",
    ),
    st.Page(
        PAGES / "plan_page.py",
        title=t("page_plan", lang),
        icon=":material/hub:",
        url_path="plan",
    ),
    st.Page(
        PAGES / "plans_page.py",
        title=t("page_plans", lang),
        icon=":material/compare:",
        url_path="plans",
    ),
    st.Page(
        PAGES / "progress_page.py",
        title=t("page_progress", lang),
        icon=":material/flag:",
        url_path="progress",
    ),
    st.Page(
        PAGES / "gaps_page.py",
        title=t("page_gaps", lang),
        icon=":material/construction:",
        url_path="gaps",
    ),
    st.Page(
        PAGES / "relocation_page.py",
        title=t("page_relocation", lang),
        icon=":material/home_work:",
        url_path="relocation",
    ),
    st.Page(
        PAGES / "record_page.py",
        title=t("page_record", lang),
        icon=":material/edit_note:",
        url_path="record",
    ),
    st.Page(
        PAGES / "assistance_page.py",
        title=t("page_assistance", lang),
        icon=":material/volunteer_activism:",
        url_path="assistance",
    ),
    st.Page(
        PAGES / "household_page.py",
        title=t("page_households", lang),
        icon=":material/person_search:",
        url_path="households",
    ),
    st.Page(
        PAGES / "villages_page.py",
        title=t("page_villages", lang),
        icon=":material/table_view:",
        url_path="villages",
    ),
    st.Page(
        PAGES / "data_page.py",
        title=t("page_data", lang),
        icon=":material/upload_file:",
        url_path="data",
    ),
    st.Page(
        PAGES / "rules_page.py",
        title=t("page_rules", lang),
        icon=":material/rule:",
        url_path="rules",
    ),
    st.Page(
        PAGES / "schema_page.py",
        title=t("page_schema", lang),
        icon=":material/menu_book:",
        url_path="schema",
    ),
    st.Page(
        PAGES / "audit_page.py",
        title=t("page_audit", lang),
        icon=":material/policy:",
        url_path="audit",
    ),
    st.Page(
        PAGES / "users_page.py",
        title=t("page_users", lang),
        icon=":material/manage_accounts:",
        url_path="users",
    ),
)
# Before anything of the workspace is drawn: the Host check, then the sign-in (which stops).
user = auth.gate(lang, ALL_PAGES)
# A workspace still to be made has only the import page: its first villages import makes it.
DATA = PAGES / "data_page.py"
NEW = st.Page(DATA, title=t("page_data", lang), icon=":material/upload_file:", url_path="data")
# Only the pages the user's role may open are listed, and an unlisted page cannot be opened:
# Streamlit sends its URL to the first listed page.
if loader.is_new():
    shown = [NEW] if auth.allowed(user, "data") else []
else:
    shown = [p for p in ALL_PAGES if auth.allowed(user, p.url_path)]
if not shown:  # a role with no page here (say a leader before the first import)
    sidebar.account(user, lang)
    st.error(t("auth_denied", lang))
    st.stop()
# Every page listed: "View 3 more" hid 数据导入, 规则设置 and 数据字典 behind a click.
page = st.navigation(shown, expanded=True)
sidebar.draw(user)
# The demo's figures are invented: every page says so, above its own content; the meeting's
# presentation view (/meeting?present=1, no chrome) in one thin line, so the map keeps the room.
meta = loader.load_meta()
banner = view.demo_banner(meta, lang)
presenting = page.url_path == "meeting" and meeting_view.presenting(st.query_params)
if banner and presenting:
    st.html(meeting_view.demo_strip_html(banner))
elif banner:  # Markdown: the township's name (from data) escaped, the sentence as written
    name = escape_md(meta.get("township_name") or "")
    st.warning(view.demo_banner(meta, lang, township=name), icon=":material/science:")
if not auth.require(user, auth.PAGE_AUTHORITY.get(page.url_path, "manage_users"), page.url_path):
    st.error(t("auth_denied", lang))
    st.stop()
if page.url_path != "households":  # coming back to a household is a new view (audited)
    S.set_value(S.HH_VIEWED, None)
    S.set_value(S.HH_LOOKED, None)
page.run()
