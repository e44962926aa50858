"""The 图层与底图 controls of the pages with a map: one small popover beside the page's heading.

It holds the indicator and class breaks (on pages that colour villages by them), the layers and
the base map, and notes on what the chosen base map needs. The values live in S.INDICATOR,
S.SCHEME, S.LAYERS and S.BASEMAP, so every page (and the meeting view) shows the same choice.
Below the heading, a clear warning when the chosen online base map cannot be reached: without
it an office offline sees a grey map and never learns why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import streamlit as st

from ..analysis.classify import SCHEMES
from ..analysis.poverty import INDICATORS
from . import basemaps, i18n, view
from . import state as S
from .markup import escape_md


def draw(
    lang: str,
    *,
    choropleth: bool = True,
    layers: bool = True,
    always: Iterable[str] = (),
    warn: bool = True,
) -> None:
    """The 图层与底图 popover; ``warn``: the unreachable-base-map warning below it.

    Parameters
    ----------
    lang
        The interface language.
    choropleth
        Offer the indicator and class breaks: False where the page colours villages itself.
    layers
        Offer the layers: False where the page draws a fixed set of its own (the planner).
    always
        Layers the page draws whatever is chosen (said in the popover).
    warn
        Draw :func:`basemap_warning` right after the popover; pass False when the popover sits
        in a narrow column and call it below, full width.
    """
    settings = basemaps.load_settings()
    normalise_basemap(settings)
    with st.popover(
        i18n.t("map_controls", lang),
        icon=":material/layers:",
        help=i18n.t("map_controls_help", lang),
        key=S.MAP_CONTROLS,
        wrap=True,  # inside a row Streamlit would cut the label to "图层与…"
    ):
        if choropleth:
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
        if layers:
            st.multiselect(
                i18n.t("layers", lang),
                list(view.ALL_LAYERS),
                format_func=lambda k: i18n.t(f"layer_{k}", lang),
                **S.bind(S.LAYERS, lang),
            )
        always = [k for k in view.ALL_LAYERS if k in set(always)]
        if layers and always:
            names = "、".join(i18n.t(f"layer_{k}", lang) for k in always)
            st.caption(i18n.t("map_controls_always", lang, layers=names))
        _basemap(lang, settings)
    if warn:
        basemap_warning(lang)


def heading(
    text: str,
    lang: str,
    *,
    choropleth: bool = True,
    layers: bool = True,
    always: Iterable[str] = (),
    small: bool = False,
) -> None:
    """A map page's heading with the 图层与底图 popover at its right, the warning below.

    ``small``: a one-line title (``####``) instead of a page header; ``text`` may then hold
    names from data, so it is escaped.
    """
    # One row: the heading takes what the popover's button leaves, at any window width.
    with st.container(horizontal=True, vertical_alignment="center"):
        if small:
            st.markdown(f"#### {escape_md(text)}", width="stretch")
        else:
            st.header(text, width="stretch")
        draw(lang, choropleth=choropleth, layers=layers, always=always, warn=False)
    basemap_warning(lang)


def layers(always: Iterable[str] = ()) -> frozenset[str]:
    """The layers a page draws: those chosen, and the page's own ``always``."""
    return frozenset(S.get(S.LAYERS) or ()) | frozenset(always)


def title(township: str, year: int, indicator: str, lang: str) -> str:
    """The 一张图 title: ``古陂镇 2025年 扶贫一张图 · 未脱贫人口``."""
    name = i18n.indicator_label(indicator, lang)
    text = i18n.t("map_title", lang, township=township, year=year, indicator=name)
    return text.strip()


def normalise_basemap(settings: basemaps.Settings | None = None) -> None:
    """Back to no base map when the chosen one no longer works (its key or tiles are gone):
    call before a page reads S.BASEMAP."""
    settings = settings or basemaps.load_settings()
    if S.get(S.BASEMAP) not in basemaps.choices(settings):
        S.set_value(S.BASEMAP, "none")
        for language in i18n.LANGUAGES:
            st.session_state.pop(S.widget_key(S.BASEMAP, language), None)


def basemap_warning(lang: str) -> None:
    """A warning when the chosen online base map's tile server cannot be reached from here."""
    key = S.get(S.BASEMAP)
    if basemaps.reachable(key) is False:
        st.warning(
            i18n.t(
                "basemap_unreachable",
                lang,
                name=basemap_name(key, lang),
                host=basemaps.TILE_HOSTS[key],
            ),
            icon=":material/cloud_off:",
        )


def basemap_name(key: str, lang: str) -> str:
    """The base map's name without what the radio adds in brackets: ``天地图矢量``."""
    return re.split(r"\s*[((]", i18n.t(f"basemap_{key}", lang), maxsplit=1)[0]


def _basemap(lang: str, settings: basemaps.Settings) -> None:
    """The base-map radio (only base maps that can work) and a note on the one chosen."""
    st.radio(
        i18n.t("basemap", lang),
        basemaps.choices(settings),
        format_func=lambda k: i18n.t(f"basemap_{k}", lang),
        **S.bind(S.BASEMAP, lang),
    )
    chosen = S.get(S.BASEMAP)
    if basemaps.online(chosen):
        st.caption(i18n.t("basemap_online_note", lang, host=basemaps.TILE_HOSTS[chosen]))
    if basemaps.datum(chosen, settings) == basemaps.GCJ02:
        st.caption(i18n.t("basemap_gcj02_note", lang))
    if settings.problem:
        st.caption(i18n.t("basemap_settings_bad", lang))
    elif basemaps.tiles_problem(settings):
        st.caption(i18n.t("basemap_tiles_bad", lang))
    elif not settings.tianditu_key or settings.tiles is None:
        st.caption(i18n.t("basemap_more", lang))
