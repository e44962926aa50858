"""Panels of the planning pages: saving a plan, its downloads, and today-vs-plan figures."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import partial
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from ..analysis import station_plan
from ..analysis.coverage import Coverage
from ..geo import audit
from ..geo.export import excel_bytes
from ..geo.validate import SchemaError
from ..geo.workspace import update_workspace
from . import auth, i18n, plan_view
from . import state as S
from .markup import escape_md

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def save_box(
    path: Path,
    tried: gpd.GeoDataFrame,
    proposed: gpd.GeoDataFrame,
    gains: Mapping[str, float],
    settings: Mapping[str, object],
    lang: str,
) -> None:
    """Name the current plan (tried sites and proposal) and store it in the workspace.

    A plan with no new station has nothing to save: the button is off and says why."""
    empty = not len(tried) and not len(proposed)
    with st.container(border=True):
        st.markdown(f"**{i18n.t('plan_save_title', lang)}**")
        name = st.text_input(
            i18n.t("plan_save_name", lang),
            placeholder=i18n.t("plan_save_placeholder", lang),
            max_chars=station_plan.PLAN_NAME_MAX,
            key=S.PLAN_SAVE_NAME,
            disabled=empty,
        )
        replace = st.checkbox(
            i18n.t("plan_save_replace", lang), key=S.PLAN_SAVE_REPLACE, disabled=empty
        )
        if empty:
            st.warning(i18n.t("plan_save_no_stations", lang))
        clicked = st.button(i18n.t("plan_save", lang), key=S.PLAN_SAVE, disabled=empty)
    if not clicked or empty:
        return
    rows = station_plan.plan_rows(
        name,
        tried,
        proposed,
        gains,
        radius_km=float(settings["radius_km"]),
        township_radius_km=float(settings["township_radius_km"]),
        network=str(settings["mode"]),
        weight=str(settings["weight"]),
        year=int(settings["year"]),
        saved_at=datetime.now().isoformat(timespec="seconds"),
    )

    def add(ws):
        return {"station_plans": station_plan.save_plan(ws["station_plans"], rows, replace)}

    try:
        with audit.doing("save_plan", target=name.strip()):
            update_workspace(path, add)
    except station_plan.PlanNameError as exc:
        n = station_plan.PLAN_NAME_MAX
        st.warning(i18n.t(f"plan_save_{exc.reason}", lang, name=escape_md(exc.name), n=n))
    except (SchemaError, OSError, audit.AuditError) as exc:
        failed(exc, lang)
    else:
        saved = i18n.t(
            "plan_saved_n", lang, name=escape_md(name.strip()), n=len(tried) + len(proposed)
        )
        S.set_value(S.FLASH, ("success", saved))
        st.rerun()  # the sidebar and other pages read the workspace again


def failed(exc: Exception, lang: str) -> None:
    """A workspace that could not be written, said in the user's language: what happened in
    words, the system's own message (English, from the library) folded away beneath."""
    cannot_write = isinstance(exc, OSError | audit.AuditError)
    key = "plan_write_locked" if cannot_write else "plan_write_invalid"
    st.error(i18n.t(key, lang))
    with st.expander(i18n.t("plan_error_details", lang)):
        st.code(str(exc), language=None)


class TooFewCandidates(ValueError):
    """More new stations asked for than candidates left to choose from."""

    def __init__(self, asked: int, free: int):
        super().__init__(f"{asked} new stations asked for, but only {free} candidates")
        self.asked, self.free = asked, free


def optimise_failed(exc: ValueError, excluded: int, lang: str) -> None:
    """Why the optimiser refused, in the user's language; the library's own (English) message
    folded away beneath when it is not one the page knows."""
    if isinstance(exc, TooFewCandidates):
        st.error(i18n.t("plan_too_few", lang, asked=exc.asked, free=exc.free, excluded=excluded))
        return
    st.error(i18n.t("plan_optimise_failed", lang))
    with st.expander(i18n.t("plan_error_details", lang)):
        st.code(str(exc), language=None)


def downloads(
    stations: gpd.GeoDataFrame,
    today: Coverage,
    after: Coverage,
    settings: Mapping[str, object],
    file_stem: str,
    keys: tuple[str, str],
    lang: str,
) -> None:
    """GeoJSON and Excel of a plan (``stations`` from :func:`station_plan.plan_stations`).
    Both files are made only when their button is clicked (and only for a role that exports)."""
    if not auth.may("export_data"):
        return
    st.download_button(
        i18n.t("plan_download", lang),
        partial(_geojson, stations),
        file_name=f"{file_stem}.geojson",
        mime="application/geo+json",
        key=keys[0],
        on_click=auth.record_export,
        args=("plan", f"{file_stem}.geojson"),
    )
    st.download_button(
        i18n.t("plan_download_xlsx", lang),
        partial(_workbook, today, after, stations, dict(settings), lang),
        file_name=f"{file_stem}.xlsx",
        mime=XLSX,
        key=keys[1],
        on_click=auth.record_export,
        args=("plan", f"{file_stem}.xlsx"),
    )


def _geojson(stations: gpd.GeoDataFrame) -> str:
    return stations.to_json(ensure_ascii=False, na="null")


def _workbook(today, after, stations, settings, lang) -> bytes:
    return excel_bytes(station_plan.plan_tables(today, after, stations, settings, lang))


def delete_box(path: Path, name: str, lang: str) -> None:
    """Delete the saved plan ``name`` after a confirming tick (cleared again once used)."""
    sure = st.checkbox(i18n.t("plans_delete_confirm", lang), key=S.PLANS_DELETE_CONFIRM)
    st.button(
        i18n.t("plans_delete", lang),
        key=S.PLANS_DELETE,
        disabled=not sure,
        on_click=_delete,
        args=(path, name, lang),
    )


def _delete(path: Path, name: str, lang: str) -> None:
    """Button callback: runs before the page, so the tick can still be cleared (a drawn
    checkbox's value cannot be changed): the next plan shown is not already confirmed."""
    S.set_value(S.PLANS_DELETE_CONFIRM, False)
    user = auth.session_user()
    if user is None or not auth.may_delete_plan(user, name):  # a stale button: refuse
        auth.require(user, "delete_plan", name)
        S.set_value(S.FLASH, ("error", i18n.t("auth_denied", lang)))
        return
    try:
        with audit.doing("delete_plan", target=name):
            update_workspace(
                path,
                lambda ws: {"station_plans": station_plan.delete_plan(ws["station_plans"], name)},
            )
    except (SchemaError, OSError, audit.AuditError) as exc:
        cannot_write = isinstance(exc, OSError | audit.AuditError)
        key = "plan_write_locked" if cannot_write else "plan_write_invalid"
        S.set_value(S.FLASH, ("error", i18n.t(key, lang)))
        return
    S.set_value(S.FLASH, ("success", i18n.t("plans_deleted", lang, name=escape_md(name))))


def clear_delete_confirm() -> None:
    """Selectbox callback: another plan chosen, so its deletion is not yet confirmed."""
    S.set_value(S.PLANS_DELETE_CONFIRM, False)


def changed_villages(today: Coverage, after: Coverage, lang: str) -> pd.DataFrame:
    """Villages the plan newly covers, with their poor and the nearest station under it."""
    t, p = today.villages, after.villages
    gained = (~t["covered"].to_numpy()) & p["covered"].to_numpy()
    rows = p[gained]
    return pd.DataFrame(
        {
            i18n.t("village", lang): rows["name"],
            i18n.t("poor_households_col", lang): rows["poor_households"],
            i18n.t("poor_people_col", lang): rows["poor_people"],
            i18n.t("nearest", lang): rows["nearest_station"],
            i18n.t("plans_after_km", lang): (rows["nearest_m"] / 1000).round(2),
            i18n.t("plans_before_km", lang): (t.loc[gained, "nearest_m"] / 1000).round(2),
        }
    )


def coverage_details(today: Coverage, after: Coverage, lang: str) -> None:
    """Figures by category (today and with the plan) and the villages still uncovered, the
    most poor people first, with how far each is from its nearest station."""
    with st.expander(i18n.t("plan_details", lang), expanded=False, key=S.PLAN_DETAILS):
        st.dataframe(station_plan.coverage_summary(today, after, lang), hide_index=True)
        left = after.villages[~after.villages["covered"]].sort_values(
            ["poor_people", "nearest_m"], ascending=[False, False]
        )
        st.markdown(f"**{i18n.t('plan_uncovered', lang, n=len(left))}**")
        st.dataframe(
            pd.DataFrame(
                {
                    i18n.t("village", lang): left["name"],
                    i18n.t("poor_households_col", lang): left["poor_households"],
                    i18n.t("poor_people_col", lang): left["poor_people"],
                    i18n.t("nearest", lang): left["nearest_station"],
                    i18n.t("plans_after_km", lang): (left["nearest_m"] / 1000).round(2),
                }
            ),
            hide_index=True,
        )


def stations_at_work(operations: pd.DataFrame, lost: pd.DataFrame, year: int, lang: str) -> None:
    """The year's stations with a flag (closed, suspended, no sales, no assistant) and the
    villages and poor people that closed (or suspended, uncounted) stations alone covered."""
    st.subheader(i18n.t("plan_stations_heading", lang, year=year))
    flagged = plan_view.flagged_table(operations, lang)
    st.markdown(f"**{i18n.t('plan_flagged', lang, n=len(flagged))}**")
    if len(flagged):
        st.dataframe(flagged, hide_index=True)  # names as text: st.dataframe escapes
    else:
        st.caption(i18n.t("plan_flagged_none", lang))
    st.markdown(f"**{i18n.t('plan_lost', lang)}**")
    if not len(lost):
        st.caption(i18n.t("plan_lost_none", lang))
        return
    st.caption(
        i18n.t(
            "plan_lost_caption",
            lang,
            n=len(lost),
            households=f"{int(lost['poor_households'].sum()):,}",
            people=f"{int(lost['poor_people'].sum()):,}",
        )
    )
    st.dataframe(plan_view.lost_table(lost, lang), hide_index=True)
