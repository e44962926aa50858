"""帮扶: who helps each household and whether the plans' rules are kept — households without a
cadre, visited too few times, with no measure for their cause or behind their planned exit,
per village on the map and as lists; a cadre's households; plans against exits; and a visit
recorded on the spot."""

from __future__ import annotations

import streamlit as st

from township_atlas.dashboard import (
    assistance_panels,
    assistance_view,
    auth,
    i18n,
    loader,
    map_cache,
    map_controls,
    panels,
    place_panels,
    view,
)
from township_atlas.dashboard import map as township_map
from township_atlas.dashboard import state as S

lang = S.get(S.LANG)
user = auth.session_user()
assert user is not None  # app.py opened this page for a user who may view households
# A monitor of some villages: their households only (the villages stay on the map).
ws = auth.scoped(loader.load_workspace(), user)
year = S.get(S.YEAR) or view.latest_year(ws)
# Only what the shading needs to be read: the other overlays (stations, flows, gaps) hid it.
OWN_LAYERS = ("villages", "labels", "roads", "rivers")
map_controls.heading(
    f"{i18n.t('page_assistance', lang)} · {year}", lang, choropleth=False, layers=False
)
panels.flash(toast=True)
st.caption(i18n.t("assist_hint", lang))
rules = panels.rules_or_stop(ws, lang)
if not assistance_view.has_data(ws):
    st.info(assistance_view.no_data_text(lang))
    st.stop()

result = assistance_view.check(ws, rules, year)
assistance_panels.figures(result, rules, lang)

c1, _ = st.columns([1, 2])
flag = c1.selectbox(
    i18n.t("assist_map_by", lang),
    assistance_view.map_options(),
    format_func=lambda k: assistance_view.option_label(k, lang),
    **S.bind(S.ASSIST_FLAG, lang),
)
left, right = st.columns([3, 2], gap="medium")
with left:
    layers = tuple(sorted(OWN_LAYERS))
    base = map_cache.cached_map_spec(
        year, "poor_people", lang, "natural_breaks", layers, S.get(S.BASEMAP)
    )
    spec = assistance_view.assistance_map_spec(base, result, flag, lang)
    clicked = place_panels.drilled(
        township_map.show(spec, key=place_panels.map_key(S.ASSIST_MAP), height=560)
    )
    st.caption(i18n.t("assist_map_hint", lang))
assistance_panels.clicked_village(clicked)
with right:
    if auth.may("record_changes"):
        with st.container(border=True, key=S.ASSIST_FORM):
            assistance_panels.visit_form(ws, result, loader.workspace_path(), lang)

assistance_panels.household_list(ws, result, flag, lang)
assistance_panels.villages(ws, result, lang)
assistance_panels.cadre(ws, result, lang)
assistance_panels.plans(ws, result, lang)
