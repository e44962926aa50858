"""方案对比: a saved station plan side by side with today's network, figures and maps."""

from __future__ import annotations

import streamlit as st

from township_atlas.analysis import station_ops, station_plan
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
year = S.get(S.YEAR) or view.latest_year(ws)
rules = panels.rules_or_stop(ws, lang)
# The planner draws its own layers: the popover offers the base map only.
map_controls.heading(f"{i18n.t('page_plans', lang)} · {year}", lang, choropleth=False, layers=False)
panels.flash(toast=True)

plans = ws["station_plans"]
names = station_plan.plan_names(plans)
if not names:
    st.info(i18n.t("plans_none", lang))
    st.stop()
if S.get(S.PLANS_CHOICE) not in names:
    S.set_value(S.PLANS_CHOICE, names[-1])  # the newest plan, also after one is deleted
name = st.selectbox(
    i18n.t("plans_choose", lang),
    names,
    key=S.PLANS_CHOICE,
    on_change=plan_panels.clear_delete_confirm,  # another plan: not yet confirmed for deleting
)
plan = station_plan.saved_plan(plans, name)
radius_m = plan.radius_km * 1000
township_m = None if plan.township_radius_km is None else plan.township_radius_km * 1000
st.caption(
    i18n.t(
        "plans_settings",
        lang,
        radius=view.radius_text(radius_m, township_m, lang),
        network=i18n.t(f"network_{plan.network}", lang),
        weight=i18n.t(f"weight_{plan.weight}", lang),
        saved_at=escape_md(plan.saved_at.replace("T", " ")),  # from the workspace
        year=plan.year,
    )
)

# The stations working in the year; a suspended one as the planner page's switch says (the
# rules' default until it is touched).
count_suspended = S.get(S.PLAN_COUNT_SUSPENDED)
if count_suspended is None:
    count_suspended = rules.station_targets.suspended_counts
existing = station_plan.workspace_existing(ws, year, count_suspended)
operations = station_ops.station_rows(ws, year, rules.station_targets)
today, after = station_plan.compare_coverage(
    ws, year, existing, plan.stations, radius_m, plan.network, township_m
)
tried = plan.stations[plan.stations["role"] == "tried"]
proposed = plan.stations[plan.stations["role"] == "proposed"]
panels.plan_figures(today, after, plan_view.own_stations(ws, existing, proposed, tried), lang)
figures, downloads = st.columns([3, 1], gap="medium")
with figures:
    st.subheader(i18n.t("plans_figures", lang))
    st.dataframe(station_plan.coverage_summary(today, after, lang), hide_index=True)
with downloads:
    empty = existing.iloc[:0]
    gains = dict(zip(plan.stations["id"], plan.stations["added_weight"], strict=True))
    plan_panels.downloads(
        station_plan.plan_stations(existing, tried if len(tried) else empty, proposed, gains),
        today,
        after,
        {
            "plan_name": name,
            "radius_km": plan.radius_km,
            "township_radius_km": plan.township_radius_km,
            "network": plan.network,
            "weight": plan.weight,
            "year": year,
            "saved_at": plan.saved_at,
        },
        f"station-plan-{name}",
        (S.PLANS_DOWNLOAD, S.PLANS_DOWNLOAD_XLSX),
        lang,
    )
    user = auth.session_user()
    if user is not None and auth.may_delete_plan(user, name):
        plan_panels.delete_box(loader.workspace_path(), name, lang)

left, right = st.columns(2, gap="small")
for column, title, cov, stations, added, key in (
    (left, i18n.t("plan_today", lang), today, existing, empty, S.PLANS_MAP_TODAY),
    (right, name, after, existing, plan.stations, S.PLANS_MAP_PLAN),
):
    with column:
        spec = view.plan_map_spec(
            ws,
            year,
            lang,
            cov.villages["covered"],
            cov.villages["nearest_m"],
            stations,
            added,
            radius_m,
            plan.network,
            S.get(S.BASEMAP),
            title=title,
            township_radius_m=township_m,
            operations=operations,
        )
        township_map.show_plan(spec, key=key, height=520)

st.subheader(i18n.t("plans_changed", lang))
changed = plan_panels.changed_villages(today, after, lang)
if len(changed):
    st.dataframe(changed, hide_index=True)
else:
    st.info(i18n.t("plans_no_change", lang))
