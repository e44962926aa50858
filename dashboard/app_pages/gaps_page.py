"""基础设施短板: villages shaded by the gap score or one of its parts, the worst gaps first, and
how far each village is from its clinic, school and township hospital."""

from __future__ import annotations

import streamlit as st

from township_atlas.dashboard import (
    auth,
    i18n,
    loader,
    map_cache,
    map_controls,
    monitor_view,
    panels,
    place_panels,
    view,
)
from township_atlas.dashboard import map as township_map
from township_atlas.dashboard import state as S
from township_atlas.geo.export import csv_bytes

lang = S.get(S.LANG)
ws = loader.load_workspace()
year = S.get(S.YEAR) or view.latest_year(ws)
# The fill is the gap score; facilities stay on: the distances below are measured to them.
OWN_LAYERS = ("villages", "facilities")
map_controls.heading(
    f"{i18n.t('page_gaps', lang)} · {year}", lang, choropleth=False, always=OWN_LAYERS
)
rules = panels.rules_or_stop(ws, lang)

services = monitor_view.service_options(rules)
if S.get(S.GAPS_SERVICE) not in services:  # the rules no longer list it
    S.set_value(S.GAPS_SERVICE, monitor_view.ALL_SERVICES)
    st.session_state.pop(S.widget_key(S.GAPS_SERVICE, lang), None)
c1, _ = st.columns([1, 2])
indicator = c1.selectbox(
    i18n.t("gaps_indicator", lang),
    monitor_view.indicator_options(),
    format_func=lambda k: monitor_view.component_label(k, lang),
    help=i18n.t("gaps_indicator_help", lang),
    **S.bind(S.GAPS_INDICATOR, lang),
)

scores = monitor_view.gap_scores(ws, year, rules)
left, right = st.columns([3, 2], gap="medium")
with left:
    layers = tuple(sorted(map_controls.layers(OWN_LAYERS)))
    base = map_cache.cached_map_spec(
        year, "poor_people", lang, "natural_breaks", layers, S.get(S.BASEMAP)
    )
    spec = monitor_view.gaps_map_spec(base, ws, year, rules, indicator, lang)
    clicked = place_panels.drilled(
        township_map.show(spec, key=place_panels.map_key(S.GAPS_MAP), height=620)
    )
    st.caption(i18n.t("gaps_map_hint", lang))
if clicked:
    S.set_value(S.SELECTED_VILLAGE, clicked)  # the 一张图 page opens on the same village
with right:
    what = monitor_view.component_label(indicator, lang)
    title = "gaps_worst" if indicator == monitor_view.SCORE else "gaps_worst_of"
    st.subheader(i18n.t(title, lang, what=what))
    line = S.get(S.SELECTED_VILLAGE) and monitor_view.village_line(
        ws, scores, S.get(S.SELECTED_VILLAGE), lang
    )
    if line:
        st.info(line)
    worst = monitor_view.worst_gaps_table(ws, year, rules, indicator, lang)
    if scores.empty:
        st.warning(i18n.t("gaps_no_indicators", lang))
    elif worst.empty:
        st.success(i18n.t("gaps_none", lang))
    else:
        st.dataframe(worst, hide_index=True, width="stretch")
    table = monitor_view.score_table(ws, scores, lang)
    if auth.may("export_data"):
        st.download_button(
            i18n.t("gaps_download", lang),
            csv_bytes(table),  # with a BOM: Excel then reads 中文
            file_name=f"gap-scores-{year}.csv",
            mime="text/csv",
            key=S.GAPS_DOWNLOAD,
            on_click=auth.record_export,
            args=("gaps", f"gap-scores-{year}.csv"),
        )

st.subheader(i18n.t("gaps_distances", lang))
c1, _ = st.columns([1, 2])
sort_by = c1.selectbox(
    i18n.t("gaps_sort_by", lang),
    services,
    format_func=lambda k: monitor_view.service_label(k, lang),
    **S.bind(S.GAPS_SERVICE, lang),
)
distances = monitor_view.distance_table(ws, year, rules, sort_by, lang)
# Tall enough for every row (35 px each, with the header): no scrolling inside the table.
st.dataframe(
    distances, hide_index=True, width="stretch", height=min(35 * (len(distances) + 1) + 3, 900)
)
st.caption(i18n.t("gaps_distances_hint", lang, year=year))
with st.expander(i18n.t("gaps_scores_title", lang)):
    st.dataframe(table, hide_index=True, width="stretch")
