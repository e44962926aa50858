"""Panels shared by pages: the key-figure row and the village detail card."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import pandas as pd
import streamlit as st

from ..analysis import poverty
from ..analysis.key_figures import STATION_VILLAGE_TARGET
from ..geo.rules import Rules, RulesError, workspace_rules
from ..geo.workspace import Workspace
from . import auth, i18n, progress_view, view
from . import state as S


def key_figures(ws: Workspace, year: int, lang: str) -> None:
    """A row of headline figures: registered totals and what remains poor at ``year``."""
    now = poverty.township_totals(ws.villages, ws.households, year)
    before = poverty.township_totals(ws.villages, ws.households, year - 1)
    compare = year > view.first_year(ws)  # no "change" in the register's first year

    def n(value: int, unit: str) -> str:
        return i18n.count(value, unit, lang)

    def label(key: str, unit: str) -> str:
        return i18n.labelled(i18n.t(key, lang), unit, lang)

    cols = st.columns(6)
    cols[0].metric(
        f"{label('registered', 'people')} · {n(now['registered_households'], 'households')}"
        + ("" if lang == "zh" else " hh"),
        n(now["registered_people"], "people"),
    )
    change = now["poor_people"] - before["poor_people"]
    cols[1].metric(
        label("remaining", "people"),
        n(now["poor_people"], "people"),
        delta=f"{change:+,}" + (i18n.t("people", lang) if lang == "zh" else "")
        if change and compare
        else None,
        delta_color="inverse",
    )
    d_inc = (now["incidence"] - before["incidence"]) * 100
    cols[2].metric(
        i18n.t("incidence", lang),
        f"{now['incidence'] * 100:.2f}%",
        delta=f"{d_inc:+.2f}{i18n.t('points', lang)}" if round(d_inc, 2) and compare else None,
        delta_color="inverse",
    )
    cols[3].metric(
        i18n.t("poor_villages_exited", lang),
        f"{now['poor_villages_exited']} / {now['poor_villages']}",
    )
    cols[4].metric(
        label("returned_households", "households"), n(now["returned_households"], "households")
    )
    cols[5].metric(
        label("monitored_households", "households"), n(now["monitored_households"], "households")
    )


def village_panel(ws: Workspace, code: str | None, year: int, lang: str) -> None:
    """The clicked village's figures by category and cause, gaps, facilities and exit status."""
    st.subheader(i18n.t("village_detail", lang))
    detail = view.village_detail(ws, code, year, lang) if code else None
    if detail is None:
        st.info(i18n.t("click_hint", lang))
        return
    hh, pp = i18n.t("households", lang), i18n.t("people", lang)
    # st.markdown escapes nothing by itself: names come from data, so use st.text for them.
    st.text(f"{detail.name}({detail.kind})  {detail.code}")
    f = detail.figures
    a, b = st.columns(2)
    a.metric(i18n.t("population", lang), f"{detail.population:,}{pp}")
    b.metric(i18n.t("incidence", lang), f"{f['incidence'] * 100:.2f}%")
    a.metric(i18n.t("registered", lang), f"{f['registered_households']:,}{hh}")
    b.metric(i18n.t("remaining", lang), f"{f['poor_people']:,}{pp}")
    st.text(f"{i18n.t('exit_status', lang)}: {detail.exit_status}")
    st.markdown(f"**{i18n.t('gaps', lang)}**")
    st.text(detail.gaps)
    st.markdown(f"**{i18n.t('by_category', lang)}**")
    st.dataframe(
        detail.by_category.rename(
            columns={
                "category": i18n.t("category", lang),
                "households": i18n.t("count_households", lang),
                "persons": i18n.t("count_people", lang),
                "remaining_persons": i18n.t("remaining_short", lang),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.markdown(f"**{i18n.t('by_cause', lang)}**")
    st.dataframe(
        detail.by_cause.rename(
            columns={
                "cause": i18n.t("cause", lang),
                "households": i18n.t("count_households", lang),
                "persons": i18n.t("count_people", lang),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if len(detail.facilities):
        st.markdown(f"**{i18n.t('facilities', lang)}**")
        st.dataframe(detail.facilities, hide_index=True, width="stretch")


def plan_figures(today, after, own, lang: str) -> None:
    """Villages covered (within reach of a station: what the planner optimises), villages with
    a station of their own (the county plans' figure; ``own`` is a
    :class:`plan_view.OwnStations`) and poor people covered: a row for today's network and,
    when there is a plan, a row for it below (same columns, so they compare at a glance, and
    wide enough that no figure is cut). A caption says what each village figure counts."""
    target = STATION_VILLAGE_TARGET
    rows = [("plan_today", today, own.today)]
    if after is not None:
        rows.append(("plan_proposal", after, own.after))
    for which, cov, villages in rows:
        now = which == "plan_today"
        reach, mine, people = st.columns(3)
        reach.metric(
            f"{i18n.t(which, lang)} · {i18n.t('plan_villages_covered', lang)}",
            f"{cov.villages_covered} / {cov.villages_total}",
            delta=None if now else f"{cov.villages_covered - today.villages_covered:+d}",
            help=i18n.t("plan_reach_help", lang),
        )
        share = len(villages) / own.total if own.total else 0.0
        mine.metric(
            f"{i18n.t(which, lang)} · {i18n.t('plan_own_station', lang)}",
            f"{len(villages)} / {own.total} ({share:.0%})",
            delta=None if now else f"{own.added:+d}",
            help=i18n.t("plan_own_help", lang, target=f"{target:.0%}"),
        )
        people.metric(
            f"{i18n.t(which, lang)} · "
            + i18n.labelled(i18n.t("plan_people_covered", lang), "people", lang),
            f"{i18n.count(cov.people_covered, 'people', lang)} ({cov.people_share:.0%})",
            delta=None if now else f"{cov.people_covered - today.people_covered:+,}",
        )
    text = i18n.t("plan_definitions", lang, target=f"{target:.0%}")
    missing = math.ceil(target * own.total - 1e-9) - len(rows[-1][2])
    if missing > 0:
        key = "plan_own_short_today" if after is None else "plan_own_short_plan"
        text += i18n.t(key, lang, n=missing, target=f"{target:.0%}")
    st.caption(text)


def plan_proposal(proposal: dict | None, candidates, lang: str) -> None:
    """The proposed stations with what each adds, or a hint when there is no proposal."""
    st.subheader(i18n.t("plan_proposal", lang))
    if not proposal:
        st.info(i18n.t("plan_click_hint", lang))
        return
    names = dict(zip(candidates["id"], candidates["name"], strict=True))
    st.text(
        i18n.t("plan_optimal", lang)
        if proposal["optimal"]
        else i18n.t("plan_not_optimal", lang, gap=f"{proposal['gap']:.2%}")
    )
    if proposal.get("note"):  # the solver's bound was set aside; its own words are English
        st.caption(i18n.t("plan_solver_note", lang) if lang == "zh" else proposal["note"])
    asked = proposal.get("requested")
    if asked and len(proposal["selected"]) < asked:
        st.caption(i18n.t("plan_fewer", lang, asked=asked, used=len(proposal["selected"])))
    st.dataframe(
        pd.DataFrame(
            {
                i18n.t("plan_station", lang): [names.get(s, s) for s in proposal["selected"]],
                i18n.t("plan_adds", lang): [round(w) for w in proposal["added_weight"]],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def flash(toast: bool = False) -> None:
    """Show (once) the message a previous run left, e.g. after saving and rerunning; with
    ``toast`` also as a toast, seen wherever the page is scrolled (the save box is far down)."""
    message = S.get(S.FLASH)
    if message:
        kind, text = message
        getattr(st, kind)(text)
        if toast:
            st.toast(text, icon=":material/check_circle:" if kind == "success" else None)
        S.set_value(S.FLASH, None)


def exit_figures(ws: Workspace, status: pd.DataFrame, year: int, lang: str) -> None:
    """Villages exited, exited but failing now, ready to exit; poor remaining; 返贫 and 监测."""
    now = poverty.township_totals(ws.villages, ws.households, year)
    poor = status[status["poor_village"]]
    ready = (poor["status"] == "poor_not_exited") & poor["meets_rules"]
    cols = st.columns(5)
    cols[0].metric(
        i18n.t("poor_villages_exited", lang),
        f"{int(poor['status'].isin(['exited', 'exited_failing']).sum())} / {len(poor)}",
    )
    cols[1].metric(
        i18n.t("status_exited_failing", lang), int((poor["status"] == "exited_failing").sum())
    )
    cols[2].metric(i18n.t("status_ready", lang), int(ready.sum()))
    cols[3].metric(
        i18n.labelled(i18n.t("remaining", lang), "people", lang),
        i18n.count(now["poor_people"], "people", lang),
        help=f"{now['incidence'] * 100:.2f}%",
    )
    cols[4].metric(
        i18n.t("returned_monitored", lang),
        f"{now['returned_households']} / {now['monitored_households']}",
    )


def scorecard(ws: Workspace, status: pd.DataFrame, year: int, rules, code, lang: str) -> None:
    """The clicked village's status, each exit criterion red or green, and its gap to exit."""
    st.subheader(i18n.t("scorecard", lang))
    row = status[status["code"] == code]
    if not code or row.empty:
        st.info(i18n.t("click_hint", lang))
        return
    r = row.iloc[0]
    shown = progress_view.map_status(row).iloc[0]
    st.text(f"{r['name']}  {r['code']}")
    st.markdown(f"**{progress_view.status_label(shown, lang, r['exit_year'])}**")
    table = progress_view.scorecard(ws, year, rules, code, lang)
    met = i18n.t("criterion_met", lang)
    st.dataframe(
        table.style.map(
            lambda v: (
                "color:#1a7f37;font-weight:600" if v == "✓" else "color:#c62828;font-weight:600"
            ),
            subset=[met],
        ),
        hide_index=True,
        width="stretch",
    )
    gap = r["gap_to_exit_zh" if lang == "zh" else "gap_to_exit_en"]
    st.markdown(f"**{progress_view.gap_heading(r['status'], lang)}**")
    st.text(gap or i18n.t("meets_rules", lang))


def rules_or_stop(ws: Workspace, lang: str) -> Rules:
    """The workspace's exit rules; a stored text that no longer parses (edited by hand or by
    another version) stops the page with the problems instead of a traceback."""
    try:
        return workspace_rules(ws.meta)
    except RulesError as exc:
        st.error(i18n.t("rules_invalid", lang))
        st.code(str(exc), language=None)
        st.stop()


def every(seconds: float | None, tick_key: str, step: Callable[[], None]) -> None:
    """Call ``step`` every ``seconds`` (``None`` or 0: never) and redraw the whole page.

    A fragment re-runs on its timer; the full rerun it then asks for also runs it once more,
    so a step is taken only when ``seconds`` have passed since the last one (kept in
    ``tick_key``)."""

    @st.fragment(run_every=seconds or None)
    def tick() -> None:
        auth.keep_alive()
        if not seconds or time.monotonic() - S.get(tick_key) < seconds - 0.2:
            return
        S.set_value(tick_key, time.monotonic())
        step()
        st.rerun(scope="app")

    tick()
