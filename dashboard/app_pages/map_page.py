"""一张图: the township map with every overlay, and the clicked village's details beside it."""

from __future__ import annotations

import streamlit as st

from township_atlas.dashboard import (
    i18n,
    loader,
    map_cache,
    map_controls,
    meeting_view,
    panels,
    place_panels,
    view,
)
from township_atlas.dashboard import map as township_map
from township_atlas.dashboard import state as S
from township_atlas.geo.workspace import Workspace


def money_panel(ws: Workspace, code: str | None, year: int, lang: str) -> None:
    """The clicked village's projects and money up to the year (the place's when none is
    clicked): projects, money spent, households reached, 元 per household lifted. Nothing
    when the workspace has no projects."""
    if code not in set(ws.villages["code"].astype(str)):
        code = None
    money = view.place_money(ws, year, code)
    if money is None:
        return
    st.markdown(
        f"**{i18n.t('money_heading', lang, year=year)}**",
        help=i18n.t("money_per_exit_help", lang),
    )
    figures = view.money_figures(money, lang)
    if not figures:
        st.text(i18n.t("money_none", lang))
        return
    # a line each: the column is narrow, and a metric would cut 4,566.58万元 to 4,566.…
    colon = "：" if lang == "zh" else ": "
    st.markdown("\n".join(f"- {label}{colon}**{value}**" for label, value in figures))


lang = S.get(S.LANG)
ws = loader.load_workspace()
year = S.get(S.YEAR) or view.latest_year(ws)

title = map_controls.title(loader.current_place().name, year, S.get(S.INDICATOR), lang)
map_controls.heading(title, lang, small=True)
crumbs = st.container()  # filled after the map, which may have opened a village
figures = st.container()  # drawn above the map, filled after it so the map is sent first
left, right = st.columns([3, 1], gap="medium")
spec = map_cache.cached_map_spec(
    year,
    S.get(S.INDICATOR),
    lang,
    S.get(S.SCHEME),
    tuple(sorted(map_controls.layers())),
    S.get(S.BASEMAP),
)
selected = S.get(S.SELECTED_VILLAGE)
# the village whose card is open (clicked, or named by a link) outlined where the view is
outline = None if place_panels.at_county() else meeting_view.village_shape(ws, selected)
with left:
    clicked = place_panels.drilled(
        township_map.show(spec, key=place_panels.map_key(S.MAP), outline=outline)
    )
with figures:
    panels.key_figures(ws, year, lang)
if clicked:
    S.set_value(S.SELECTED_VILLAGE, clicked)
    place_panels.follow()
    if clicked != selected:
        st.rerun()  # the outline follows the click
with crumbs:
    place_panels.breadcrumbs(lang)
with right:
    if place_panels.at_county():
        st.subheader(i18n.t("place_townships", lang))
        st.info(i18n.t("place_click_township", lang))
    else:
        panels.village_panel(ws, S.get(S.SELECTED_VILLAGE), year, lang)
        money_panel(ws, S.get(S.SELECTED_VILLAGE), year, lang)
