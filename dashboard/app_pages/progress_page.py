"""出列进度: villages coloured by exit status year by year, a village's scorecard, and the
township's progress: poor remaining, villages exited against the plan, 返贫 and monitoring."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from township_atlas.dashboard import (
    i18n,
    loader,
    map_controls,
    panels,
    progress_cache,
    view,
)
from township_atlas.dashboard import map as township_map
from township_atlas.dashboard import state as S

lang = S.get(S.LANG)
ws = loader.load_workspace()
first, last = view.first_year(ws), view.latest_year(ws)
year = S.get(S.YEAR) or last
rules = panels.rules_or_stop(ws, lang)

with st.container(horizontal=True, vertical_alignment="center"):
    st.header(f"{i18n.t('page_progress', lang)} · {year}", width="stretch")
    st.toggle(i18n.t("progress_play", lang), key=S.PROGRESS_PLAY)
    # the fill is each village's exit status, not a chosen indicator
    map_controls.draw(lang, choropleth=False, always=("villages",), warn=False)
map_controls.basemap_warning(lang)


def next_year() -> None:
    """While playing: the next year, after the last the first again."""
    S.set_value(S.YEAR, year + 1 if year < last else first)
    S.set_value(S.YEAR_RANGE, None)  # the sidebar puts its slider on the new year


panels.every(2.0 if S.get(S.PROGRESS_PLAY) else None, S.PROGRESS_TICK, next_year)
panels.flash()
status = progress_cache.status(year, rules)
panels.exit_figures(ws, status, year, lang)

left, right = st.columns([5, 2], gap="medium")
with left:
    spec = progress_cache.status_map(year, lang, S.get(S.BASEMAP), rules)
    spec = replace(spec, layers=map_controls.layers(("villages",)))
    clicked = township_map.show(spec, key=S.PROGRESS_MAP, height=620)
    st.caption(i18n.t("progress_rules", lang, incidence=f"{rules.village_exit.max_incidence:.0%}"))
if clicked:
    S.set_value(S.PROGRESS_VILLAGE, clicked)
with right:
    panels.scorecard(ws, status, year, rules, S.get(S.PROGRESS_VILLAGE), lang)

poor_series, exits_series = progress_cache.series(first, last, lang)
a, b = st.columns(2)
a.subheader(i18n.t("chart_poor_title", lang))
a.line_chart(poor_series)
b.subheader(i18n.t("chart_exits_title", lang))
b.line_chart(exits_series)
st.subheader(i18n.t("monitoring_title", lang, year=year))
st.dataframe(progress_cache.monitoring(year, lang), hide_index=True)
