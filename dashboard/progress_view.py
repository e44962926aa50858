"""What the 出列进度 page draws: villages coloured by exit status, scorecards, yearly series.

Calls :mod:`township_atlas.analysis` and labels the results; no widgets, no folium.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from ..analysis import exit_rules, poverty
from ..geo.rules import Rules
from ..geo.schema import LAYERS
from ..geo.workspace import Workspace
from . import i18n
from .view import LegendClass, MapSpec, map_spec

#: Colour of each status on the map; "ready": a poor village that meets every rule now.
STATUS_COLOURS = {
    "not_poor_village": "#e0e0e0",
    "poor_not_exited": "#fb6a4a",
    "ready": "#fdbe85",
    "exited": "#74c476",
    "exited_failing": "#9e9ac8",
}


def gap_heading(status: str, lang: str) -> str:
    """What the gap under a village's scorecard is: the gap to exit, or, for a village that
    was never a poor village (it never needs to exit), how it compares with the exit rules."""
    return i18n.t("gap_to_standard" if status == "not_poor_village" else "gap_to_exit", lang)


def map_status(status: pd.DataFrame) -> pd.Series:
    """The map's status of each village: the rules' status, with 'ready' split out."""
    ready = (status["status"] == "poor_not_exited") & status["meets_rules"]
    return status["status"].where(~ready, "ready")


def status_label(status: str, lang: str, exit_year: object = None) -> str:
    if status in ("exited", "exited_failing") and exit_year is not None and pd.notna(exit_year):
        return i18n.t(f"status_{status}_in", lang, year=int(exit_year))
    return i18n.t(f"status_{status}", lang)


def status_map_spec(
    ws: Workspace, year: int, lang: str, status: pd.DataFrame, basemap: str = "none"
) -> MapSpec:
    """The township map with each village filled by its exit status at ``year``; the tooltip
    says the status and what the village still lacks."""
    base = map_spec(
        ws,
        year,
        "poor_people",
        lang,
        layers=frozenset({"villages", "labels", "roads", "rivers"}),
        basemap=basemap,
    )
    shown = map_status(status)
    v = base.villages.copy()
    v["fill"] = [STATUS_COLOURS[s] for s in shown]
    v["value_text"] = [
        status_label(s, lang, y) for s, y in zip(shown, status["exit_year"], strict=True)
    ]
    gap = status["gap_to_exit_zh" if lang == "zh" else "gap_to_exit_en"]
    v["gap_text"] = [g or i18n.t("meets_rules", lang) for g in gap]
    return replace(
        base,
        title=f"{i18n.t('page_progress', lang)} · {year}",
        villages=v,
        classes=tuple(
            LegendClass(colour, i18n.t(f"status_{name}", lang))
            for name, colour in STATUS_COLOURS.items()
        ),
    )


def criterion_label(name: str, lang: str) -> str:
    if name == "incidence":
        return i18n.t("incidence", lang)
    col = LAYERS["indicators"].column(name)
    return col.zh if lang == "zh" else col.en


def scorecard(ws: Workspace, year: int, rules: Rules, code: str, lang: str) -> pd.DataFrame:
    """Each exit criterion of one village: label, value, threshold and met (✓ / ✗)."""
    rows = []
    for c in exit_rules.village_criteria(
        ws.villages, ws.households, ws["indicators"], year, rules, code
    ):
        rows.append(
            {
                i18n.t("criterion", lang): criterion_label(c.criterion, lang),
                i18n.t("criterion_value", lang): _shown(c.criterion, c.value, lang),
                i18n.t("criterion_threshold", lang): _threshold(c.criterion, c.threshold, lang),
                i18n.t("criterion_met", lang): "✓" if c.met else "✗",
            }
        )
    return pd.DataFrame(rows)


def _shown(name: str, value: object, lang: str) -> str:
    if value == exit_rules.NO_DATA:
        return i18n.t("no_data", lang)
    if name == "incidence":
        return f"{float(value):.2%}"
    if isinstance(value, bool):
        return i18n.t("yes" if value else "no", lang)
    if name == "collective_income":
        return f"{float(value):g} 万元" if lang == "zh" else f"{float(value) * 1e4:,.0f} yuan"
    return i18n.count(int(value), "households", lang)


def _threshold(name: str, value: object, lang: str) -> str:
    if name == "incidence":
        return f"< {float(value):.0%}"
    if isinstance(value, bool):
        return i18n.t("yes", lang)
    if name == "collective_income":
        return f"≥ {_shown(name, value, lang)}"
    return f"≤ {_shown(name, value, lang)}"


def yearly_series(ws: Workspace, years: range, lang: str) -> pd.DataFrame:
    """Remaining poor people and households at the end of each year (replaying the history
    for years before recorded changes), indexed by year, labelled for a chart."""
    figures = poverty.figures_by_year(ws, years)
    return pd.DataFrame(
        {
            i18n.t("chart_poor_people", lang): figures["poor_people"].to_numpy(),
            i18n.t("chart_poor_households", lang): figures["poor_households"].to_numpy(),
        },
        index=_year_axis(years, lang),
    )


def exits_by_year(villages: pd.DataFrame, years: range, lang: str) -> pd.DataFrame:
    """Poor villages exited by the end of each year, against the plan (cumulative counts)."""
    poor = villages[villages["poor_village"].fillna(False).astype(bool)]
    actual = [int((poor["exit_year"].fillna(9999) <= y).sum()) for y in years]
    planned = [int((poor["planned_exit_year"].fillna(9999) <= y).sum()) for y in years]
    return pd.DataFrame(
        {i18n.t("chart_exited", lang): actual, i18n.t("chart_planned", lang): planned},
        index=_year_axis(years, lang),
    )


def _year_axis(years: range, lang: str) -> pd.Index:
    # Text, so that charts print 2016, not 2,016.
    return pd.Index([str(y) for y in years], name=i18n.t("year", lang))


def monitoring_by_village(ws: Workspace, year: int, lang: str) -> pd.DataFrame:
    """Fallen-back (返贫) and monitored households per village at ``year``, most first."""
    figures = poverty.village_figures(ws.villages, ws.households, year)
    out = pd.DataFrame(
        {
            i18n.t("village", lang): figures["name"],
            i18n.t("returned_col", lang): figures["returned_households"],
            i18n.t("monitored_col", lang): figures["monitored_households"],
        }
    )
    order = (figures["returned_households"] + figures["monitored_households"]).sort_values(
        ascending=False, kind="stable"
    )
    return out.loc[order.index].reset_index(drop=True)
