"""Township Atlas dashboard: the entry script (``streamlit run dashboard/app.py``).

Draws the shared sidebar once and routes to the pages with ``st.navigation``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from township_atlas.dashboard import assets, loader, meeting_view, sidebar, view
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
)
# A workspace still to be made has only the import page: its first villages import makes it.
DATA = PAGES / "data_page.py"
NEW = st.Page(DATA, title=t("page_data", lang), icon=":material/upload_file:", url_path="data")
# Every page listed: "View 3 more" hid 数据导入, 规则设置 and 数据字典 behind a click.
page = st.navigation([NEW] if loader.is_new() else list(ALL_PAGES), expanded=True)
sidebar.draw()
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
page.run()
