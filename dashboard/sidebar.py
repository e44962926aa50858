"""The shared sidebar, drawn once by ``app.py``: what applies to every page, language and year.

Map controls are drawn by the pages with a map (:mod:`.map_controls`), the base-map settings
on 规则设置 and the workspace's file name on 数据导入.
"""

from __future__ import annotations

import streamlit as st

from ..geo.workspace import Workspace
from . import auth, i18n, language, loader, map_controls, place_panels, view
from . import state as S
from .markup import escape_md


def account(user: auth.User, lang: str) -> None:
    """Who is signed in (name, role, villages) and the sign-out button; nothing when the
    dashboard is used on its own machine without accounts."""
    if user.source == "local":
        return
    with st.sidebar:
        name = escape_md(user.name)  # Markdown: names and village names come from data
        st.caption(i18n.t("auth_signed_in_as", lang, name=name, role=user.role_label(lang)))
        if user.villages:
            st.caption(i18n.t("auth_villages", lang, villages=_village_names(user.villages)))
        st.button(i18n.t("auth_logout", lang), key=S.AUTH_LOGOUT, on_click=auth.sign_out)


def _village_names(codes: tuple[str, ...]) -> str:
    try:
        villages = loader.load_whole().villages
    except Exception:  # the workspace's own error is shown below
        return "、".join(codes)
    names = dict(zip(villages["code"].astype(str), villages["name"], strict=True))
    return "、".join(escape_md(str(names.get(c, c))) for c in codes)


def draw(user: auth.User) -> None:
    """Draw the sidebar widgets; their values live in ``st.session_state`` (see state.py)."""
    with st.sidebar:
        language.choose()
        lang = S.get(S.LANG)
        st.title(i18n.t("app_title", lang))
        account(user, lang)
        if loader.is_new():  # only the import page, which says what to do
            return
        try:  # reads the workspace once (cached): no copy of it is made for this check
            loader.place_context()
        except Exception as exc:  # any unreadable file: say why, then stop every page
            problem = exc
        else:
            problem = None
            place_panels.sync()  # a link's ?place= opens there; the address follows the place
            place_panels.picker(lang)
            _year(loader.load_workspace(), lang)
    if problem is not None:
        st.error(i18n.t("workspace_error", lang))
        st.text(f"{loader.workspace_shown()}\n{problem}")
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
