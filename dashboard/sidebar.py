"""The shared sidebar, drawn once by ``app.py``: what applies to every page, language and year.

Map controls are drawn by the pages with a map (:mod:`.map_controls`), the base-map settings
on 规则设置 and the workspace's file name on 数据导入.
"""

from __future__ import annotations

import streamlit as st

from ..geo.workspace import Workspace
from . import i18n, loader, map_controls, view
from . import state as S


def draw() -> None:
    """Draw the sidebar widgets; their values live in ``st.session_state`` (see state.py)."""
    with st.sidebar:
        st.radio(
            "语言 / Language",
            list(i18n.LANGUAGES),
            format_func=i18n.LANGUAGES.get,
            horizontal=True,
            key=S.LANG,
        )
        lang = S.get(S.LANG)
        st.title(i18n.t("app_title", lang))
        if loader.is_new():  # only the import page, which says what to do
            return
        try:
            ws = loader.load_workspace()
        except Exception as exc:  # any unreadable file: say why, then stop every page
            problem = exc
        else:
            problem = None
            _year(ws, lang)
    if problem is not None:
        st.error(i18n.t("workspace_error", lang))
        st.text(f"{loader.workspace_path()}\n{problem}")
        st.stop()
    # Every page reads the base map through the same check, drawn controls or not.
    map_controls.normalise_basemap()


def _year(ws: Workspace, lang: str) -> None:
    """The year slider, inside ``st.sidebar``."""
    first, last = view.first_year(ws), view.latest_year(ws)
    if S.get(S.YEAR) is None or not first <= S.get(S.YEAR) <= last:
        S.set_value(S.YEAR, last)
        st.session_state.pop(S.widget_key(S.YEAR, lang), None)
    if S.get(S.YEAR_RANGE) != [first, last]:
        # A recorded change can add a year: Streamlit then treats the slider as a new widget
        # and would start it at the first year, so give it the chosen year again.
        S.set_value(S.YEAR_RANGE, [first, last])
        st.session_state[S.widget_key(S.YEAR, lang)] = S.get(S.YEAR)
    if first < last:
        st.slider(i18n.t("year", lang), first, last, **S.bind(S.YEAR, lang))
    else:  # a register of a single year (or none): nothing to slide
        st.text(f"{i18n.t('year', lang)}: {last}")
