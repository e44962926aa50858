"""电商网点规划: today's coverage, sites tried on the map, and an optimised proposal; the year's
stations at work (a closed station covers nobody, a suspended one as the switch says)."""

from __future__ import annotations

import streamlit as st

from township_atlas.analysis import station_ops, station_plan
from township_atlas.analysis.placement import TargetUnreachable
from township_atlas.dashboard import (
    auth,
    i18n,
    loader,
    map_controls,
    panels,
    plan_panels,
    plan_view,
    view,
)
from township_atlas.dashboard import map as township_map
from township_atlas.dashboard import state as S
from township_atlas.dashboard.markup import escape_md

lang = S.get(S.LANG)
ws = loader.load_workspace()
place = loader.current_place()  # the township or county planned: its villages only
year = S.get(S.YEAR) or view.latest_year(ws)
rules = panels.rules_or_stop(ws, lang)
# The planner draws its own layers: the popover offers the base map only.
title = f"{escape_md(place.name)} · {i18n.t('page_plan', lang)} · {year}"  # a name from data
map_controls.heading(title, lang, choropleth=False, layers=False)
panels.flash(toast=True)

c1, c2, c3, c4, c5, c6 = st.columns(6)
radius_km = c1.number_input(
    i18n.t("plan_radius", lang),
    0.5,
    30.0,
    step=0.5,
    help=i18n.t("plan_radius_help", lang),
    **S.bind(S.PLAN_RADIUS, lang),
)
township_km = c2.number_input(
    i18n.t("plan_township_radius", lang),
    0.5,
    50.0,
    step=0.5,
    help=i18n.t("plan_township_radius_help", lang),
    **S.bind(S.PLAN_TOWNSHIP_RADIUS, lang),
)
mode = c3.radio(
    i18n.t("plan_network", lang),
    ["straight", "road"],
    format_func=lambda k: i18n.t(f"network_{k}", lang),
    horizontal=True,
    **S.bind(S.PLAN_NETWORK, lang),
)
weight = c4.selectbox(
    i18n.t("plan_weight", lang),
    list(station_plan.WEIGHTS),
    format_func=lambda k: i18n.t(f"weight_{k}", lang),
    **S.bind(S.PLAN_WEIGHT, lang),
)
goal = c5.radio(
    i18n.t("plan_goal", lang),
    ["add", "target"],
    format_func=lambda k: i18n.t(f"goal_{k}", lang),
    **S.bind(S.PLAN_GOAL, lang),
)
if goal == "add":
    add = c6.number_input(i18n.t("plan_add", lang), 1, 30, **S.bind(S.PLAN_ADD, lang))
    target = None
else:
    target = c6.number_input(i18n.t("plan_target", lang), 1, 100, **S.bind(S.PLAN_TARGET, lang))
    add = None

if mode == "road" and ws["roads"].empty:  # nothing to measure along: say so, use straight lines
    st.warning(i18n.t("plan_no_roads", lang))
    mode = "straight"
b1, b2, b3 = st.columns([1, 1, 4])
if b2.button(i18n.t("plan_clear", lang), key=S.PLAN_CLEAR):
    S.set_value(S.PLAN_RESULT, None)
    S.set_value(S.PLAN_POINTS, [])
if S.get(S.PLAN_COUNT_SUSPENDED) is None:  # until the planner says otherwise: the rules'
    S.set_value(S.PLAN_COUNT_SUSPENDED, rules.station_targets.suspended_counts)
count_suspended = b3.checkbox(
    i18n.t("plan_count_suspended", lang),
    help=i18n.t("plan_count_suspended_help", lang),
    **S.bind(S.PLAN_COUNT_SUSPENDED, lang),
)
radius_m, township_m = radius_km * 1000, township_km * 1000
points = S.get(S.PLAN_POINTS)
settings = {"radius_km": radius_km, "mode": mode, "weight": weight, "add": add, "target": target}
settings["year"], settings["township_radius_km"] = year, township_km
settings["place"] = place.code  # a proposal made for another place is not shown here
settings["points"] = points
settings["count_suspended"] = count_suspended
# The stations working in the year: a closed one is absent, for coverage and the optimiser.
existing = station_plan.workspace_existing(ws, year, count_suspended)
operations = station_ops.station_rows(ws, year, rules.station_targets)
# Sites tried by clicking the map count as stations; the optimiser adds to them.
tried = station_plan.points_frame(points, i18n.t("plan_added_points", lang))
network = station_plan.stations_with(existing, tried)
candidates = station_plan.workspace_candidates(ws)
excluded = st.multiselect(
    i18n.t("plan_exclude", lang),
    list(candidates["id"]),
    format_func=dict(zip(candidates["id"], candidates["name"], strict=True)).get,
    placeholder=i18n.t("plan_exclude_hint", lang),
    key=S.PLAN_EXCLUDE,
)
settings["excluded"] = sorted(excluded)
free = len(candidates) - len(excluded)
if b1.button(i18n.t("plan_optimise", lang), type="primary", key=S.PLAN_OPTIMISE):
    demand = station_plan.workspace_demand(ws, year)
    try:
        if add is not None and add > free:
            raise plan_panels.TooFewCandidates(int(add), free)
        result = station_plan.plan(
            demand,
            weight,
            candidates,
            network,
            radius_m,
            add=None if add is None else int(add),
            target_share=None if target is None else target / 100,
            mode=mode,
            roads=ws["roads"],
            excluded=tuple(excluded),
            township_radius_m=township_m,
        )
        S.set_value(S.PLAN_RESULT, {"settings": settings, **result.as_dict()})
    except TargetUnreachable as exc:
        st.error(
            i18n.t("plan_unreachable", lang, target=f"{exc.target:.0%}", best=f"{exc.best:.1%}")
        )
    except ValueError as exc:  # any other input the optimiser refuses
        plan_panels.optimise_failed(exc, len(excluded), lang)
proposal = S.get(S.PLAN_RESULT)
if proposal and proposal["settings"] != settings:
    proposal = None  # made for other settings: do not show it as if it were current
chosen = candidates[candidates["id"].isin(proposal["selected"] if proposal else [])]
tried_and_chosen = station_plan.stations_with(tried, chosen)

today, after = station_plan.compare_coverage(
    ws, year, existing, tried_and_chosen, radius_m, mode, township_m
)
own = plan_view.own_stations(ws, existing, chosen, tried)
panels.plan_figures(today, after if proposal or points else None, own, lang)

left, right = st.columns([3, 1], gap="medium")
with left:
    covered, nearest = after.villages["covered"], after.villages["nearest_m"]
    spec = view.plan_map_spec(
        ws,
        year,
        lang,
        covered,
        nearest,
        network,
        chosen,
        radius_m,
        mode,
        S.get(S.BASEMAP),
        township_radius_m=township_m,
        operations=operations,
    )
    click = township_map.show_plan(spec, key=S.PLAN_MAP)
    st.caption(i18n.t("plan_click_hint", lang))
    plan_panels.coverage_details(today, after, lang)
    lost = loader.coverage_lost(year, radius_m, township_m, mode, count_suspended)
    plan_panels.stations_at_work(operations, lost, year, lang)
if click and click != S.get(S.PLAN_LAST_CLICK):
    S.set_value(S.PLAN_LAST_CLICK, click)
    S.set_value(S.PLAN_POINTS, [*points, list(click)])
    st.rerun()
with right:
    panels.plan_proposal(proposal, candidates, lang)
    if points:
        st.multiselect(
            i18n.t("plan_added_points", lang),
            list(tried["id"]),
            format_func=dict(zip(tried["id"], tried["name"], strict=True)).get,
            placeholder=i18n.t("plan_remove_hint", lang),
            key=S.PLAN_REMOVE,
        )
        st.button(
            i18n.t("plan_remove", lang),
            key=S.PLAN_REMOVE_BUTTON,
            on_click=S.remove_plan_points,
            args=(list(tried["id"]),),
        )
    gains = (
        dict(zip(proposal["selected"], proposal["added_weight"], strict=True)) if proposal else {}
    )
    plan_panels.downloads(
        station_plan.plan_stations(existing, tried, chosen, gains),
        today,
        after,
        {**settings, "network": mode},
        f"station-plan-{year}",
        (S.PLAN_DOWNLOAD, S.PLAN_DOWNLOAD_XLSX),
        lang,
    )
    if auth.may("save_plans"):
        plan_panels.save_box(loader.workspace_path(), tried, chosen, gains, settings, lang)
