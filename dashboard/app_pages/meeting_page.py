"""会议模式: one big township map for a projector, six headline figures with their change
since last year, and a walk through the villages (buttons, arrow or page keys, or by itself)."""

from __future__ import annotations

import streamlit as st

from township_atlas.analysis import exit_rules
from township_atlas.analysis.key_figures import key_figures
from township_atlas.dashboard import i18n, loader, meeting_view, panels, view
from township_atlas.dashboard import map as township_map
from township_atlas.dashboard import state as S

lang = S.get(S.LANG)
ws = loader.load_workspace()
year = S.get(S.YEAR) or view.latest_year(ws)
rules = panels.rules_or_stop(ws, lang)
codes = [str(c) for c in ws.villages["code"]]
names = dict(zip(codes, ws.villages["name"], strict=True))


def step(by: int | None) -> None:
    """Button callback: the next or previous village (wrapping), or back to the township."""
    index = S.get(S.MEETING_INDEX)
    S.set_value(S.MEETING_INDEX, -1 if by is None else (index + by) % len(codes))


# Every N seconds (when chosen) the next village.
panels.every(S.get(S.MEETING_AUTO), S.MEETING_TICK, lambda: step(1))
township = ws.meta.get("township_name", "")
index = S.get(S.MEETING_INDEX)
code = codes[index] if 0 <= index < len(codes) else None
st.markdown(meeting_view.MEETING_CSS, unsafe_allow_html=True)  # a fixed style sheet, no data in it
st.subheader(f"{township} · {year} · {names[code] if code else i18n.t('meeting_township', lang)}")
# the register first: 建档立卡 N户 M人, exited, remaining, fallen back, monitored
st.markdown(f"##### {meeting_view.register_text(ws, year, code, lang)}")

for col, f in zip(st.columns(6), key_figures(ws, year), strict=True):
    label, value, change = meeting_view.figure_text(f, lang)
    inverse = f.key in ("poor_people", "incidence", "monitored_households")
    col.metric(label, value, change, delta_color="inverse" if inverse else "normal")

left, right = st.columns([3, 1], gap="medium")
with left:
    spec = loader.cached_map_spec(
        year,
        "poor_people",
        lang,
        S.get(S.SCHEME),
        ("villages", "labels", "gaps", "service", "relocation", "roads", "rivers"),
        S.get(S.BASEMAP),
    )
    shown = meeting_view.focus(spec, ws, code)
    township_map.show(shown, key=S.MEETING_MAP, height=680)
with right:
    a, b, c = st.columns(3)
    a.button("◀", key=S.MEETING_PREV, on_click=step, args=(-1,), help=i18n.t("meeting_prev", lang))
    b.button(
        "⌂",
        key=S.MEETING_OVERVIEW,
        on_click=step,
        args=(None,),
        help=i18n.t("meeting_township", lang),
    )
    c.button("▶", key=S.MEETING_NEXT, on_click=step, args=(1,), help=i18n.t("meeting_next", lang))
    st.selectbox(
        i18n.t("meeting_auto", lang),
        [0, 10, 20, 30, 60],
        format_func=lambda s: i18n.t("meeting_auto_off", lang) if not s else f"{s} s",
        **S.bind(S.MEETING_AUTO, lang),
    )
    if code is None:
        st.info(i18n.t("meeting_hint", lang))
    else:
        status = exit_rules.village_status(
            ws.villages, ws.households, ws["indicators"], year, rules
        )
        panels.meeting_card(ws, status[status["code"] == code].iloc[0], year, lang)

with right:
    stem = f"{township}-{names[code] if code else township}-{year}"
    st.download_button(
        i18n.t("meeting_brief", lang),
        lambda: loader.cached_export("pdf", year, code),  # made only when clicked (a few s)
        file_name=f"{stem}.pdf",
        mime="application/pdf",
        key=S.MEETING_BRIEF,
        type="primary",
    )
    st.download_button(
        i18n.t("meeting_export_png", lang),
        lambda: loader.cached_export("png", year, code),
        file_name=f"{stem}.png",
        mime="image/png",
        key=S.MEETING_EXPORT_PNG,
    )
    st.download_button(
        i18n.t("meeting_export_html", lang),
        lambda: township_map.standalone_html(shown),  # made only when clicked
        file_name=f"{stem}.html",
        mime="text/html",
        key=S.MEETING_EXPORT_HTML,
        help=i18n.t("meeting_export_html_help", lang),
    )

# Arrow and page keys (a presentation clicker sends these) press the buttons above.
st.html(meeting_view.MEETING_KEYS_JS, unsafe_allow_javascript=True)  # our own fixed script
