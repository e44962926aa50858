"""Which place the pages show: the link's ``?place=``, the sidebar's 地点 picker and the
breadcrumbs above a map (county › township › village). Choosing a place narrows every figure
(``loader.load_workspace``); a village is shown in its township with its card open."""

from __future__ import annotations

import streamlit as st

from ..geo import levels
from . import i18n, loader
from . import state as S
from .markup import escape_md

#: The query parameter that keeps the place in the page's address.
PARAM = "place"


def choose(text: str | None) -> None:
    """Show the place ``text`` names (a code or a name; a village: its township, its card
    open); nothing changes for a place the workspace does not have."""
    ws = loader.load_whole()
    try:
        place = levels.find(ws, text)
    except levels.PlaceNotFound:
        return
    if place.level == levels.VILLAGE:
        S.set_value(S.PLACE, place.code[:9])
        S.set_value(S.SELECTED_VILLAGE, place.code)
    else:
        S.set_value(S.PLACE, place.code)
        S.set_value(S.SELECTED_VILLAGE, None)
    S.set_value(S.PLACE_VISIT, S.get(S.PLACE_VISIT) + 1)


def at_county() -> bool:
    """Whether the pages show a county of several townships (its map: the townships)."""
    place, _, towns = loader.place_context()
    return place.level in (levels.COUNTY, levels.REGION) and towns > 1


def map_key(base: str) -> str:
    """The key of a page's map for the place shown: a new one each time a place is chosen, so
    a map never answers with the click that chose the place it replaced (streamlit-folium
    returns a map's last click on every rerun)."""
    return f"{base}.{S.get(S.PLACE_VISIT)}"


def drilled(clicked: str | None) -> str | None:
    """A click on a county's map opens the township clicked (the page runs again); a
    village's code is returned as it came."""
    if clicked and len(clicked) == levels.CODE_DIGITS[levels.TOWNSHIP]:
        choose(clicked)
        st.rerun()
    return clicked


def sync() -> None:
    """A link's ``?place=`` opens the dashboard there (once per session); from then on the
    address follows the place shown (and the village whose card is open), so it can be sent
    as a link."""
    if not S.get(S.PLACE_SYNCED):
        S.set_value(S.PLACE_SYNCED, True)
        if st.query_params.get(PARAM):
            choose(st.query_params.get(PARAM))
    follow()


def follow() -> None:
    """Put the place shown (the village whose card is open, else the county or township) in
    the page's address, or take it out where the workspace opens by itself."""
    place, top, towns = loader.place_context()
    village = S.get(S.SELECTED_VILLAGE)
    shown = village if village and str(village).startswith(place.code) else place.code
    opens = top.code if towns > 1 else place.code  # where the workspace opens by itself
    if shown != opens:
        if st.query_params.get(PARAM) != shown:
            st.query_params[PARAM] = shown
    elif PARAM in st.query_params:
        del st.query_params[PARAM]


def picker(lang: str) -> None:
    """The sidebar's 地点: the county and each of its townships (only for a workspace of
    several townships)."""
    place, top, towns = loader.place_context()
    if towns < 2:
        return
    options = [top, *loader.townships()]
    codes = [p.code for p in options]
    names = {p.code: p.name for p in options}
    if S.get(S.PLACE_PICK) != place.code:  # it follows a place chosen on the map
        st.session_state[S.PLACE_PICK] = place.code
    st.selectbox(
        i18n.t("place_pick", lang),
        codes,
        format_func=lambda c: names.get(c, c),
        key=S.PLACE_PICK,
        on_change=lambda: choose(st.session_state[S.PLACE_PICK]),
    )


def breadcrumbs(lang: str) -> None:
    """County › township › village above a map: each but the last a button back up to it.
    Nothing for a one-township workspace with no village open."""
    place, top, towns = loader.place_context()
    ws = loader.load_workspace()
    trail = [p for p in levels.trail(ws, place) if towns > 1 or p.level != top.level]
    village = S.get(S.SELECTED_VILLAGE)
    names = dict(zip(ws.villages["code"].astype(str), ws.villages["name"], strict=True))
    if village in names:
        trail.append(levels.Place(levels.VILLAGE, str(village), str(names[village])))
    if len(trail) < 2:
        return
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        for i, crumb in enumerate(trail):
            if i:
                st.markdown("›")
            if i == len(trail) - 1:
                st.markdown(f"**{escape_md(crumb.name)}**")  # names come from data
                continue
            st.button(
                escape_md(crumb.name),
                key=f"{S.PLACE_CRUMB}.{crumb.code}",
                type="tertiary",
                on_click=choose,
                args=(crumb.code,),
                help=i18n.t("place_up", lang, place=crumb.name),
            )
