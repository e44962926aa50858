"""The 会议模式 page's parts: the headline tiles, the controls, and the stage (the map with the
village card, the step buttons and the downloads beside it), which steps without redrawing the
rest of the page."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from ..analysis import exit_rules
from ..analysis.key_figures import Figure, key_figures
from ..geo import levels
from ..geo.rules import Rules
from ..geo.workspace import Workspace
from . import auth, i18n, loader, map_controls, meeting_view, view
from . import map as township_map
from . import state as S
from .markup import escape_md
from .view import MapSpec

#: Seconds between villages the presenter can choose (0: not by itself).
AUTO_CHOICES = (0, 10, 20, 30, 60)
#: The map's height in the ordinary page (the presentation view's style sheet sets its own).
MAP_HEIGHT = 640
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@st.cache_data(show_spinner=False, max_entries=16)
def _headline(path: str, version: str, place: str, year: int) -> list[Figure]:
    # path, version and place key the cache: a changed workspace is read again, and
    # another place counts its own figures.
    return key_figures(loader.load_workspace(), year)


@st.cache_data(show_spinner=False, max_entries=16)
def _status(path: str, version: str, place: str, year: int, _rules: Rules) -> pd.DataFrame:
    # The rules live in the workspace's metadata, so path and version key them too.
    ws = loader.load_workspace()
    return exit_rules.village_status(ws.villages, ws.households, ws["indicators"], year, _rules)


@st.cache_data(show_spinner=False, max_entries=64)
def _town(path: str, version: str, code: str) -> Workspace:
    ws = loader.load_workspace()
    return levels.within(ws, levels.find(ws, code))


def _version() -> tuple[str, str, str]:
    return loader.cache_key()


def figures(year: int, lang: str, rules: Rules | None = None) -> None:
    """The six headline figures as large tiles (label over value, the change beneath);
    villages with a station of their own against the ``rules``' target."""
    target = meeting_view.STATION_TARGET if rules is None else rules.station_targets.village_share
    with st.container(key=meeting_view.FIGURES):
        st.html(meeting_view.tiles_html(_headline(*_version(), year), lang, target))


def _enter() -> None:
    st.query_params["present"] = "1"


def _leave() -> None:
    st.query_params.pop("present", None)


def _auto_changed(wkey: str) -> None:
    S.set_value(S.MEETING_AUTO, st.session_state[wkey])
    S.set_value(S.MEETING_TICK, time.monotonic())  # the first step comes after a full wait


def controls(present: bool, lang: str) -> None:
    """Enter or leave the presentation view, advance by itself, dark page, browser full
    screen; and the keys of a clicker (installed once per browser tab)."""
    with st.container(key=meeting_view.BAR, horizontal=True, vertical_alignment="center"):
        if present:
            st.button(
                i18n.t("meeting_exit", lang),
                key=S.MEETING_EXIT,
                on_click=_leave,
                help=i18n.t("meeting_exit_help", lang),
            )
        else:
            st.button(
                i18n.t("meeting_present", lang),
                key=S.MEETING_PRESENT,
                on_click=_enter,
                type="primary",
                icon=":material/slideshow:",
                help=i18n.t("meeting_present_help", lang),
            )
            # What the meeting will show, chosen before it starts (hidden while presenting).
            map_controls.draw(lang, warn=False)
        bound = S.bind(S.MEETING_AUTO, lang)
        st.selectbox(
            i18n.t("meeting_auto", lang),
            AUTO_CHOICES,
            format_func=lambda s: i18n.t("meeting_auto_off", lang) if not s else f"⟳ {s} s",
            key=bound["key"],
            on_change=_auto_changed,
            args=(bound["key"],),
            label_visibility="collapsed",
            width=130,
        )
        st.toggle(
            i18n.t("meeting_dark", lang),
            help=i18n.t("meeting_dark_help", lang),
            **S.bind(S.MEETING_DARK, lang),
        )
        button = meeting_view.fullscreen_button_html(
            i18n.t("meeting_fullscreen", lang), i18n.t("meeting_fullscreen_help", lang)
        )
        # our own fixed markup and script, no data in them
        st.html(
            button + meeting_view.MEETING_KEYS_JS, unsafe_allow_javascript=True, width="content"
        )


def stage(
    ws: Workspace,
    units: Workspace,
    spec: MapSpec,
    year: int,
    rules: Rules,
    lang: str,
    present: bool,
) -> None:
    """The map, the card of the village shown and the step buttons, in a fragment: stepping
    (a button, a key, a click on the map or the timer) reruns only this part, and the map
    itself stays drawn (only its view moves to the village).

    ``units`` are what the map draws and the meeting steps through (``loader.map_units``):
    the villages of a township, or a county's townships."""
    codes = [str(c) for c in units.villages["code"]]
    county = units is not ws and len(codes) != len(ws.villages)
    auto = S.get(S.MEETING_AUTO)

    def step(by: int | None) -> None:
        """The next or previous village (wrapping), or (``None``) back to the township."""
        index = S.get(S.MEETING_INDEX)
        S.set_value(S.MEETING_INDEX, -1 if by is None else (index + by) % len(codes))
        S.set_value(S.MEETING_TICK, time.monotonic())

    @st.fragment(run_every=auto or None)
    def run() -> None:
        auth.keep_alive()
        if auto and time.monotonic() - S.get(S.MEETING_TICK) >= auto - 0.2:
            step(1)
        index = S.get(S.MEETING_INDEX)
        code = codes[index] if 0 <= index < len(codes) else None
        left, right = st.columns([3, 1], gap="medium")
        with left, st.container(key=meeting_view.STAGE, gap=None):
            clicked = township_map.show(
                spec,
                key=S.MEETING_MAP,
                height=MAP_HEIGHT,
                fit=meeting_view.village_shape(units, code),
            )
        if clicked and clicked != S.get(S.MEETING_LAST_CLICK):
            S.set_value(S.MEETING_LAST_CLICK, clicked)
            if clicked in codes and clicked != code:
                S.set_value(S.MEETING_INDEX, codes.index(clicked))
                S.set_value(S.MEETING_TICK, time.monotonic())
                _rerun_stage()
        with right, st.container(key=meeting_view.SIDE):
            if county:
                town_card(ws, year, code, rules, lang)
            else:
                card(ws, year, code, rules, lang)
            step_buttons(step, lang, county)
            if auth.may("export_brief") or auth.may("export_data"):
                # a county's files are the county's (a township's own: choose it as the place)
                downloads(ws, spec, year, None if county else code, lang, present, county)

    run()


def _rerun_stage() -> None:
    """Run the stage again (the map's view follows the new village)."""
    try:
        st.rerun(scope="fragment")
    except StreamlitAPIException:  # the stage was running within a whole-page run
        st.rerun()


def _reach(year: int) -> Figure | None:
    """The headline figure of villages within reach of a station (the tiles' own, cached)."""
    return next((f for f in _headline(*_version(), year) if f.key == "ecommerce_villages"), None)


def card(ws: Workspace, year: int, code: str | None, rules: Rules, lang: str) -> None:
    """The township's card, or the village's: name, exit status, figures, gaps."""
    place = loader.current_place().name
    if code is None:
        shown = meeting_view.township_card(ws, year, lang, place, rules, _reach(year))
    else:
        status = _status(*_version(), year, rules)
        row = status[status["code"].astype(str) == code]
        shown = (
            meeting_view.village_card(ws, row.iloc[0], year, lang, place)
            if len(row)
            else meeting_view.township_card(ws, year, lang, place, rules, _reach(year))
        )
    st.html(meeting_view.card_html(shown))


def town_card(ws: Workspace, year: int, code: str | None, rules: Rules, lang: str) -> None:
    """At a county: the county's card, or one township's (its register and figures)."""
    place = loader.current_place().name
    if code is None:
        shown = meeting_view.county_card(ws, year, lang, place, rules, _reach(year))
    else:
        town = _town(*_version()[:2], code)
        shown = meeting_view.town_card(town, year, lang, place, rules)
    st.html(meeting_view.card_html(shown))


def step_buttons(step: Callable[[int | None], None], lang: str, county: bool = False) -> None:
    """上一村 / 全镇 / 下一村, at a county 上一镇 / 全县 / 下一镇 (the keys of a clicker press
    them)."""
    t = "_town" if county else ""
    back = f"meeting_overview{t}_help"
    with st.container(horizontal=True, gap="small"):
        for key, icon, label, by, tip in (
            (S.MEETING_PREV, "arrow_back", f"meeting_prev{t}_short", -1, f"meeting_prev{t}"),
            (S.MEETING_OVERVIEW, "home", f"meeting_home{t}_short", None, back),
            (S.MEETING_NEXT, "arrow_forward", f"meeting_next{t}_short", 1, f"meeting_next{t}"),
        ):
            st.button(
                i18n.t(label, lang),
                key=key,
                icon=f":material/{icon}:",
                on_click=step,
                args=(by,),
                help=i18n.t(tip, lang),
            )


def downloads(
    ws: Workspace,
    spec: MapSpec,
    year: int,
    code: str | None,
    lang: str,
    present: bool,
    county: bool = False,
) -> None:
    """The brief (PDF) and the map (PNG, HTML) of what is on the screen, named once
    (古陂镇-枫树村-2025-简报.pdf), for a role that exports briefs; the 资金公示 (Excel) for a
    role that exports data. The PDF and PNG take seconds: a button makes them under a
    spinner, then offers the file. On the big screen they stay in a fold."""
    township = loader.current_place().name or view.township_name(ws)
    names = dict(zip(ws.villages["code"].astype(str), ws.villages["name"], strict=True))
    village = names.get(code) if code else None
    with st.expander(i18n.t("meeting_downloads", lang), expanded=not present):
        st.caption(
            i18n.t(
                "meeting_downloads_of",
                lang,
                what=escape_md(
                    village or i18n.t("meeting_county" if county else "meeting_township", lang)
                ),
            )
        )
        if auth.may("export_brief"):
            _brief_and_map(ws, spec, year, code, lang, township, village)
        if auth.may("export_data"):
            funds_download(ws, year, code, lang, township, village)


def funds_download(
    ws: Workspace, year: int, code: str | None, lang: str, township: str, village: str | None
) -> None:
    """The 资金公示 workbook of the place shown (the projects up to ``year``), made when
    clicked and recorded in the audit log; nothing when it had no project by then."""
    money = view.place_money(ws, year, code)
    if money is None or not money.projects:
        return
    name = meeting_view.file_name(township, year, village, "xlsx", lang)
    st.download_button(
        i18n.t("funds_download", lang),
        partial(_funds_bytes, ws, year, code),  # made only when clicked
        file_name=name,
        mime=XLSX,
        key=S.MEETING_FUNDS,
        on_click=auth.record_export,
        args=("funds", name),
        help=i18n.t("funds_download_help", lang),
        icon=":material/table:",
    )


def _funds_bytes(ws: Workspace, year: int, code: str | None) -> bytes:
    # imported here: the workbook's module reads the report's, which a page need not load
    from .exports import export_funds

    return export_funds(ws, year, code)


def _brief_and_map(
    ws: Workspace,
    spec: MapSpec,
    year: int,
    code: str | None,
    lang: str,
    township: str,
    village: str | None,
) -> None:
    """The brief (PDF) and the map (PNG, HTML)."""
    for kind, make, making, key, label, mime in (
        (
            "pdf",
            S.MEETING_MAKE_PDF,
            "meeting_making_pdf",
            S.MEETING_BRIEF,
            "meeting_brief",
            "application/pdf",
        ),
        (
            "png",
            S.MEETING_MAKE_PNG,
            "meeting_making_png",
            S.MEETING_EXPORT_PNG,
            "meeting_export_png",
            "image/png",
        ),
    ):
        # The picture shows the layers on the screen; the brief is always the whole brief.
        layers = tuple(sorted(S.get(S.LAYERS) or ())) if kind == "png" else None
        tag = (kind, year, code or "", layers)
        slot = st.empty()
        if tag not in S.get(S.MEETING_MADE) and slot.button(
            i18n.t(f"meeting_make_{kind}", lang), key=make, icon=":material/build:"
        ):
            with st.spinner(i18n.t(making, lang)):
                loader.cached_export(kind, year, code, layers)
            S.set_value(S.MEETING_MADE, (*S.get(S.MEETING_MADE), tag))
        if tag in S.get(S.MEETING_MADE):
            slot.download_button(
                i18n.t(label, lang),
                loader.cached_export(kind, year, code, layers),  # made above: cached
                file_name=meeting_view.file_name(township, year, village, kind, lang),
                mime=mime,
                key=key,
                on_click="ignore",
                type="primary" if kind == "pdf" else "secondary",
                icon=":material/download:",
            )
    st.download_button(
        i18n.t("meeting_export_html", lang),
        # made only when clicked; the chosen map, focused on the village shown
        lambda: township_map.standalone_html(
            meeting_view.focus(replace(spec, dark=False), ws, code)  # a file prints light
        ),
        file_name=meeting_view.file_name(township, year, village, "html", lang),
        mime="text/html",
        key=S.MEETING_EXPORT_HTML,
        on_click="ignore",
        help=i18n.t("meeting_export_html_help", lang),
        icon=":material/download:",
    )
