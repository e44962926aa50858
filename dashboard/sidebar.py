"""The shared sidebar, drawn once by ``app.py``: language, year, indicator and layers."""

from __future__ import annotations

import streamlit as st

from ..analysis.classify import SCHEMES
from ..analysis.poverty import INDICATORS
from ..geo.workspace import Workspace
from . import basemaps, i18n, loader, view
from . import state as S

_LAYER_KEYS = {
    "villages": "layer_villages",
    "labels": "layer_labels",
    "gaps": "layer_gaps",
    "service": "layer_service",
    "relocation": "layer_relocation",
    "facilities": "layer_facilities",
    "roads": "layer_roads",
    "rivers": "layer_rivers",
}


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
        if loader.is_new():
            st.info(i18n.t("new_workspace", lang, name=loader.workspace_path().name))
            return
        try:
            ws = loader.load_workspace()
        except Exception as exc:  # any unreadable file: say why, then stop every page
            problem = exc
        else:
            problem = None
            _widgets(ws, lang)
    if problem is not None:
        st.error(i18n.t("workspace_error", lang))
        st.text(f"{loader.workspace_path()}\n{problem}")
        st.stop()


def _widgets(ws: Workspace, lang: str) -> None:
    """Year, indicator, class breaks, layers and base map; inside ``st.sidebar``."""
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
    st.selectbox(
        i18n.t("indicator", lang),
        list(INDICATORS),
        format_func=lambda k: i18n.indicator_label(k, lang),
        **S.bind(S.INDICATOR, lang),
    )
    st.selectbox(
        i18n.t("scheme", lang),
        list(SCHEMES),
        format_func=lambda k: i18n.t(f"scheme_{k}", lang),
        **S.bind(S.SCHEME, lang),
    )
    st.multiselect(
        i18n.t("layers", lang),
        list(view.ALL_LAYERS),
        format_func=lambda k: i18n.t(_LAYER_KEYS[k], lang),
        **S.bind(S.LAYERS, lang),
    )
    _basemap_widget(lang)
    st.text(f"{i18n.t('workspace', lang)}: {loader.workspace_path().name}")


def _basemap_widget(lang: str) -> None:
    """The base-map radio: only base maps that can work, and a note on what the others need."""
    settings = basemaps.load_settings()
    options = basemaps.choices(settings)
    if S.get(S.BASEMAP) not in options:  # its key or tiles are gone since it was chosen
        S.set_value(S.BASEMAP, "none")
        for language in i18n.LANGUAGES:
            st.session_state.pop(S.widget_key(S.BASEMAP, language), None)
    st.radio(
        i18n.t("basemap", lang),
        options,
        format_func=lambda k: i18n.t(f"basemap_{k}", lang),
        **S.bind(S.BASEMAP, lang),
    )
    if basemaps.datum(S.get(S.BASEMAP), settings) == basemaps.GCJ02:
        st.caption(i18n.t("basemap_gcj02_note", lang))
    if not settings.tianditu_key:
        st.caption(i18n.t("basemap_tianditu_hint", lang, path=basemaps.settings_path()))
    if problem := basemaps.tiles_problem(settings):
        st.caption(i18n.t("basemap_tiles_problem", lang, problem=problem))
    if settings.problem:
        st.caption(i18n.t("basemap_settings_problem", lang, problem=settings.problem))
