"""What the 基础设施短板 and 搬迁安置 pages draw: their map specs and labelled tables.

Calls :mod:`township_atlas.analysis` (gaps, services, relocation) and labels the results in the
chosen language. No widgets (those are the pages') and no folium (that is ``map.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, replace

import geopandas as gpd
import numpy as np
import pandas as pd

from ..analysis import classify as classify_mod
from ..analysis import gaps as gaps_mod
from ..analysis import relocation, services
from ..geo.rules import Rules
from ..geo.schema import INDICATOR_FLAGS, LAYERS
from ..geo.workspace import Workspace
from . import i18n
from .markup import escape_md
from .view import LegendClass, MapSpec

#: The composite score, offered before the score's components on the gaps page.
SCORE = "score"
#: Sort the distance table by the mean of all services' distances.
ALL_SERVICES = "all"

MET_COLOUR = "#a1d99b"  # met, or no gap at all
UNMET_COLOUR = "#ef6548"
NO_DATA_COLOUR = "#d9d9d9"
RAMP = ("#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")  # yellow to red: more gap
ORIGIN_COLOUR, NEUTRAL_COLOUR = "#dadaeb", "#f5f5f5"  # origin villages take the flows' purple
OK_STYLE = "background-color:#d9f0d3;color:#1b5e20"
FAIL_STYLE = "background-color:#fcd5ce;color:#a50f15;font-weight:600"
OK_MARK, FAIL_MARK = "✓", "✗"


# ----------------------------------------------------------------------------- labels
def indicator_options() -> list[str]:
    """The gaps page's choices: the composite score, then each of its components."""
    return [SCORE, *gaps_mod.SCORE_COMPONENTS]


def component_label(name: str, lang: str) -> str:
    """The composite score's or a component's label (components as the schema names them)."""
    if name == SCORE:
        return i18n.t("gaps_score", lang)
    column = LAYERS["indicators"].column(name)
    return column.zh if lang == "zh" else column.en


def _points(value: float, lang: str) -> str:
    if lang == "zh":
        return f"{value:g}分"
    return f"{value:g} pt" if value == 1 else f"{value:g} pts"


def _households(value: float, lang: str) -> str:
    return f"{value:,.0f}户" if lang == "zh" else f"{value:,.0f} hh"


def _income(value: float, lang: str) -> str:
    # 万元 is 10,000 yuan: English readers get the yuan
    return f"{value:g}万元" if lang == "zh" else f"¥{value * 10_000:,.0f}"


def _value_text(name: str, value: object, lang: str) -> str:
    """A recorded indicator value as people read it; missing as "not recorded"."""
    if value is None or pd.isna(value):
        return i18n.t("gaps_not_recorded", lang)
    if name in INDICATOR_FLAGS:
        return i18n.t("gaps_met" if bool(value) else "gaps_unmet", lang)
    if name == "collective_income":
        return _income(float(value), lang)
    return _households(float(value), lang)


# ----------------------------------------------------------------------------- gaps
def facilities_at(ws: Workspace, year: int) -> gpd.GeoDataFrame:
    """Facilities that had opened by ``year`` (no opening year: always there)."""
    fac = ws["facilities"]
    opened = pd.to_numeric(fac["opened_year"], errors="coerce").astype(float)
    return fac[~(opened > year).to_numpy()]  # NaN > year is False: kept


def gap_scores(ws: Workspace, year: int, rules: Rules) -> pd.DataFrame:
    """:func:`analysis.gaps.gap_scores` with the workspace's rules."""
    return gaps_mod.gap_scores(
        ws["indicators"], year, rules.gap_score.weights, rules.village_exit.min_collective_income
    )


def _ramp(
    values: pd.Series, fmt: Callable[[float], str], zero: str
) -> tuple[list[str], list[LegendClass]]:
    """Green for 0, a yellow-to-red ramp for the classes above 0, grey where missing."""
    positive = values[values > 0].astype(float)
    classes = classify_mod.classify(positive.to_numpy(), "natural_breaks", k=len(RAMP))
    n = len(classes.bins)
    # Spread the colours so the worst class is always the darkest red.
    picks = [3] if n == 1 else np.round(np.linspace(1 if n < 5 else 0, 4, n)).astype(int)
    palette = [RAMP[i] for i in picks]
    colour_of = dict(zip(positive.index, (palette[c] for c in classes.classes), strict=True))
    fills = [
        NO_DATA_COLOUR if pd.isna(v) else colour_of.get(i, MET_COLOUR) for i, v in values.items()
    ]
    legend = [LegendClass(MET_COLOUR, zero)]
    members = pd.Series(classes.classes, index=positive.index, dtype=int)
    for c, colour in enumerate(palette):
        inside = positive[members == c]
        lo, hi = inside.min(), inside.max()
        # the unit once, after the upper bound: "3 – 4户", "1.5 – 3 pts"
        legend.append(LegendClass(colour, fmt(hi) if lo == hi else f"{lo:,g} – {fmt(hi)}"))
    return fills, legend


def gaps_map_spec(
    base: MapSpec, ws: Workspace, year: int, rules: Rules, indicator: str, lang: str
) -> MapSpec:
    """``base`` with villages shaded by ``indicator`` (the score or one component) at ``year``.

    The score and the household counts get a ramp (green for 0); a flag is green when met and
    red when not; collective income is green at or above the exit rules' minimum.
    """
    codes = base.villages["code"].astype(str)
    if indicator == SCORE:
        scores = gap_scores(ws, year, rules)
        values = codes.map(dict(zip(scores["village_code"], scores["score"], strict=True)))
    else:
        rows = gaps_mod.indicators_at(ws["indicators"], year)
        recorded = (
            dict(zip(rows["village_code"].astype(str), rows[indicator], strict=True))
            if indicator in rows.columns
            else {}
        )
        values = codes.map(lambda c: recorded.get(c))
    known = values.notna()
    if indicator == SCORE or indicator in gaps_mod.COUNT_COMPONENTS:
        fmt = (
            (lambda v: _points(v, lang)) if indicator == SCORE else (lambda v: _households(v, lang))
        )
        zero = i18n.t("gaps_zero", lang, v=fmt(0))
        fills, legend = _ramp(pd.to_numeric(values, errors="coerce"), fmt, zero)
        texts = [
            fmt(v) if ok else i18n.t("no_data", lang) for v, ok in zip(values, known, strict=True)
        ]
    else:
        if indicator == "collective_income":
            least = rules.village_exit.min_collective_income
            met = values.map(lambda v: pd.notna(v) and float(v) >= least)
            labels = (f"≥ {_income(least, lang)}", f"< {_income(least, lang)}")
        else:
            met = values.map(lambda v: pd.notna(v) and bool(v))
            labels = (i18n.t("gaps_met", lang), i18n.t("gaps_unmet", lang))
        fills = [
            NO_DATA_COLOUR if not ok else MET_COLOUR if m else UNMET_COLOUR
            for ok, m in zip(known, met, strict=True)
        ]
        legend = [LegendClass(MET_COLOUR, labels[0]), LegendClass(UNMET_COLOUR, labels[1])]
        texts = [_value_text(indicator, v, lang) for v in values]
        texts = [t if ok else i18n.t("no_data", lang) for t, ok in zip(texts, known, strict=True)]
    if not known.all():
        legend.append(LegendClass(NO_DATA_COLOUR, i18n.t("no_data", lang)))
    villages = base.villages.assign(fill=fills, value_text=texts)
    return replace(
        base,
        title=f"{component_label(indicator, lang)} · {year}",
        villages=villages,
        classes=tuple(legend),
    )


def worst_gaps_table(
    ws: Workspace, year: int, rules: Rules, indicator: str, lang: str
) -> pd.DataFrame:
    """Every gap that adds to a score, the largest first; only ``indicator``'s unless the score."""
    worst = gaps_mod.worst_gaps(
        ws["indicators"], year, rules.gap_score.weights, rules.village_exit.min_collective_income
    )
    if indicator != SCORE:
        worst = worst[worst["indicator"] == indicator]
    names = dict(zip(ws.villages["code"].astype(str), ws.villages["name"], strict=True))
    return pd.DataFrame(
        {
            i18n.t("gaps_village", lang): [names.get(c, c) for c in worst["village_code"]],
            i18n.t("gaps_what", lang): [component_label(n, lang) for n in worst["indicator"]],
            i18n.t("gaps_value", lang): [
                _value_text(n, v, lang)
                for n, v in zip(worst["indicator"], worst["value"], strict=True)
            ],
            i18n.t("gaps_points", lang): worst["weight_contribution"].round(2).to_numpy(),
        }
    )


def score_table(ws: Workspace, scores: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The score of each village, worst first, with the points of every component."""
    names = dict(zip(ws.villages["code"].astype(str), ws.villages["name"], strict=True))
    out = pd.DataFrame(
        {
            i18n.t("gaps_rank", lang): scores["rank"].to_numpy(),
            i18n.t("gaps_code", lang): scores["village_code"].to_numpy(),
            i18n.t("gaps_village", lang): [names.get(c, c) for c in scores["village_code"]],
            i18n.t("gaps_data_year", lang): scores["year"].to_numpy(),
            i18n.t("gaps_score_col", lang): scores["score"].round(2).to_numpy(),
        }
    )
    for name in gaps_mod.SCORE_COMPONENTS:
        label = i18n.t("gaps_component_col", lang, name=component_label(name, lang))
        out[label] = scores[name].round(2).to_numpy()
    return out


def service_options(rules: Rules) -> list[str]:
    """The distance table's sort choices: the mean of all, then each service of the rules."""
    return [ALL_SERVICES, *rules.services.distance_to]


def service_label(kind: str, lang: str) -> str:
    if kind == ALL_SERVICES:
        return i18n.t("gaps_all_services", lang)
    label = i18n.facility_label(kind, lang)
    return label[:1].upper() + label[1:]  # the schema's English kinds are lower case


def distance_table(ws: Workspace, year: int, rules: Rules, sort_by: str, lang: str) -> pd.DataFrame:
    """Each village's straight-line km to the nearest existing service of each kind at ``year``,
    the farthest first for ``sort_by`` (a kind, or :data:`ALL_SERVICES` for the mean)."""
    kinds = list(rules.services.distance_to)
    d = services.distance_to_services(ws.villages, facilities_at(ws, year), kinds)
    mean = d[[f"{k}_km" for k in kinds]].mean(axis=1) if kinds else pd.Series(np.nan, d.index)
    key = mean if sort_by == ALL_SERVICES or sort_by not in kinds else d[f"{sort_by}_km"]
    order = key.sort_values(ascending=False, na_position="last", kind="stable").index
    out = pd.DataFrame({i18n.t("gaps_village", lang): d["name"]})
    for kind in kinds:
        label = service_label(kind, lang)
        out[i18n.t("gaps_km_col", lang, name=label)] = d[f"{kind}_km"].round(2)
        nearest = i18n.facility_label(kind, lang)  # mid-sentence: as the schema spells it
        out[i18n.t("gaps_nearest_col", lang, name=nearest)] = d[f"{kind}_name"].fillna("—")
    out[i18n.t("gaps_mean_km", lang)] = mean.round(2)
    return out.loc[order].reset_index(drop=True)


def village_line(ws: Workspace, scores: pd.DataFrame, code: str, lang: str) -> str | None:
    """One line on the clicked village: its score, rank and what it lacks, as Markdown for
    st.info (the village's name escaped: names come from data)."""
    row = scores[scores["village_code"] == code]
    names = dict(zip(ws.villages["code"].astype(str), ws.villages["name"], strict=True))
    if code not in names:
        return None
    name = escape_md(str(names[code]))
    if row.empty:
        return f"{name}: {i18n.t('no_data', lang)}"
    r = row.iloc[0]
    lacking = [component_label(n, lang) for n in gaps_mod.SCORE_COMPONENTS if r[n] > 0]
    sep = "、" if lang == "zh" else ", "
    return i18n.t(
        "gaps_village_line",
        lang,
        name=name,
        score=_points(r["score"], lang),
        rank=int(r["rank"]),
        n=len(scores),
        what=sep.join(lacking) or i18n.t("no_gaps", lang),
    )


# ----------------------------------------------------------------------------- relocation
def relocation_map_spec(base: MapSpec, year: int, lang: str) -> MapSpec:
    """``base`` with a quiet village fill: origin villages tinted, the rest neutral."""
    moved = base.flows.groupby(base.flows["origin_code"].astype(str))[
        ["households", "persons"]
    ].sum()
    codes = base.villages["code"].astype(str)
    origin = codes.isin(moved.index).to_numpy()
    texts = [
        i18n.t(
            "reloc_moved_out",
            lang,
            hh=i18n.count(int(moved.at[c, "households"]), "households", lang),
            pp=i18n.count(int(moved.at[c, "persons"]), "people", lang),
        )
        if c in moved.index
        else "—"
        for c in codes
    ]
    legend = [LegendClass(NEUTRAL_COLOUR, i18n.t("reloc_other_villages", lang))]
    if origin.any():
        legend.insert(0, LegendClass(ORIGIN_COLOUR, i18n.t("reloc_origin_villages", lang)))
    return replace(
        base,
        title=f"{i18n.t('page_relocation', lang)} · {year}",
        villages=base.villages.assign(
            fill=np.where(origin, ORIGIN_COLOUR, NEUTRAL_COLOUR), value_text=texts
        ),
        classes=tuple(legend),
    )


def site_followup(ws: Workspace, rules: Rules) -> pd.DataFrame:
    """:func:`analysis.relocation.site_followup` of every site, with the workspace's rules."""
    return relocation.site_followup(
        ws["relocation_sites"], ws["facilities"], **asdict(rules.relocation)
    )


def _checks(thresholds: dict, lang: str) -> dict[str, tuple[str, str]]:
    """Each follow-up check's label and its rule with the threshold (``≤ 3 km``)."""

    def limit(check: str) -> str:
        value = thresholds.get(check)
        if value is None:  # lost with the frame's attrs: say nothing rather than a wrong number
            return "—"
        if check in ("moved", "demolished"):
            return f"≥ {value:.0%}"
        unit = i18n.t("reloc_m2_unit", lang) if check == "m2" else "km"
        return f"≤ {value:g} {unit}"

    return {
        check: (
            i18n.t(f"reloc_check_{check}", lang),
            i18n.t("reloc_rule_capacity", lang) if check == "capacity" else limit(check),
        )
        for check in relocation.FOLLOWUP_CHECKS
    }


def _check_cell(check: str, row: pd.Series, lang: str) -> str:
    """``✓``/``✗`` and the figure the check is about, e.g. ``✗ 85%`` or ``✓ 0.28 km 古陂中学``."""
    mark = OK_MARK if row[f"{check}_ok"] else FAIL_MARK
    if check == "capacity":
        planned, cap = row["planned_households"], row["capacity_households"]
        both = pd.notna(planned) and pd.notna(cap)
        figure = f"{planned:,}/{_households(cap, lang)}" if both else "—"
    elif check == "m2":
        v = row["m2_per_person"]
        figure = f"{v:.1f} {i18n.t('reloc_m2_unit', lang)}" if pd.notna(v) else "—"
    elif check in ("moved", "demolished"):
        v = row[f"{check}_share"]
        figure = f"{v:.0%}" if pd.notna(v) else "—"
    else:
        km, name = row[f"{check}_km"], row[f"{check}_name"]
        figure = f"{km:.2f} km {name or ''}".strip() if pd.notna(km) else i18n.t("reloc_none", lang)
    return f"{mark} {figure}"


def followup_table(followup: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The follow-up as a checklist: one row per check with its rule, one column per site
    (failing sites first), each cell ``✓``/``✗`` with the site's figure.

    Sites as columns keep the table narrow: a township has a few sites but eight checks.
    """
    checks = _checks(followup.attrs.get("thresholds", {}), lang)
    rows = followup.sort_values("checks_failed", ascending=False, kind="stable")
    names = [
        str(n) if pd.notna(n) else str(i)
        for n, i in zip(rows["name"], rows["site_id"], strict=True)
    ]
    # Column names must be unique: two sites of the same name are told apart by their id.
    names = [
        f"{n}({i})" if names.count(n) > 1 else n
        for n, i in zip(names, rows["site_id"], strict=True)
    ]
    out = pd.DataFrame(
        {
            i18n.t("reloc_check", lang): [
                i18n.t("reloc_type", lang),
                i18n.t("reloc_status", lang),
                *(label for label, _ in checks.values()),
                i18n.t("reloc_failed", lang),
            ],
            i18n.t("reloc_rule", lang): ["", "", *(rule for _, rule in checks.values()), ""],
        }
    )
    for name, (_, r) in zip(names, rows.iterrows(), strict=True):
        out[name] = [
            r["site_type"] or "—",
            r["status"] or "—",
            *(_check_cell(check, r, lang) for check in checks),
            str(r["checks_failed"]),
        ]
    return out


def check_style(cell: object) -> str:
    """Styler rule: green for a passed check, red for a failed one, nothing for other cells."""
    text = str(cell)
    return (
        OK_STYLE if text.startswith(OK_MARK) else FAIL_STYLE if text.startswith(FAIL_MARK) else ""
    )


def followup_export(followup: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The follow-up for a spreadsheet, one row per site: figures, thresholds and results."""
    checks = _checks(followup.attrs.get("thresholds", {}), lang)
    sites = LAYERS["relocation_sites"]
    yes, no = i18n.t("yes", lang), i18n.t("no", lang)
    out = pd.DataFrame()
    for name in (
        "site_id",
        "name",
        "site_type",
        "status",
        "capacity_households",
        "planned_households",
        "planned_persons",
        "moved_households",
        "moved_persons",
    ):
        column = sites.column(name)
        out[column.zh if lang == "zh" else column.en] = followup[name].to_numpy()
    figures = {"m2": "m2_per_person", "moved": "moved_share", "demolished": "demolished_share"}
    for check, (label, rule) in checks.items():
        header = f"{label} {rule}" if check != "capacity" else label
        figure = figures.get(check, f"{check}_km")
        if check != "capacity":
            out[i18n.t("reloc_export_figure", lang, check=header)] = followup[figure].round(3)
        if check in relocation.REACH_KINDS:
            out[i18n.t("reloc_export_nearest", lang, check=header)] = followup[f"{check}_name"]
        out[i18n.t("reloc_export_ok", lang, check=header)] = [
            yes if ok else no for ok in followup[f"{check}_ok"]
        ]
    out[i18n.t("reloc_failed", lang)] = followup["checks_failed"].to_numpy()
    return out


def flows_table(flows: gpd.GeoDataFrame, lang: str) -> pd.DataFrame:
    """Households moved from each origin village to each site, the most first."""
    rows = flows.sort_values("households", ascending=False, kind="stable")
    return pd.DataFrame(
        {
            i18n.t("reloc_route", lang): [
                f"{a} → {b}" for a, b in zip(rows["origin_name"], rows["site_name"], strict=True)
            ],
            i18n.t("reloc_households_col", lang): rows["households"].to_numpy(),
            i18n.t("reloc_persons_col", lang): rows["persons"].to_numpy(),
            i18n.t("reloc_year", lang): rows["year"].to_numpy(),
            i18n.t("reloc_distance", lang): rows["length_km"].round(1).to_numpy(),
        }
    )
