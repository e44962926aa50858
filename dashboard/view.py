"""Turn a workspace and the sidebar's choices into what the map and panels draw.

Calls :mod:`township_atlas.analysis` and labels the results in the chosen language. No folium
here (that is :mod:`township_atlas.dashboard.map`) and no widgets (those are the pages').
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd

from ..analysis import assistance as assistance_mod
from ..analysis import classify as classify_mod
from ..analysis import coverage as coverage_mod
from ..analysis import gaps as gaps_mod
from ..analysis import poverty, relocation, station_ops, station_plan
from ..geo import simplify
from ..geo.places import village_anchor_points
from ..geo.schema import SERVICE_TIERS, WGS84
from ..geo.schema_assistance import PROJECT_TYPE_EN
from ..geo.workspace import Workspace, is_demo
from ..report.project_symbols import PROJECT_SYMBOLS
from . import i18n, plan_view

PALETTE = ("#fff5d6", "#fdd49e", "#fc8d59", "#e34a33", "#b30000")
ZERO_COLOUR = "#f2f2f2"
TIER_STYLE = {
    "county_logistics": {"colour": "#08306b", "radius": 11},
    "township_ecommerce": {"colour": "#2171b5", "radius": 9},
    "village_station": {"colour": "#41ab5d", "radius": 6},
}
ALL_LAYERS = (
    "villages",
    "labels",
    "gaps",
    "service",
    "relocation",
    "facilities",
    "projects",
    "roads",
    "rivers",
)
#: Assistance projects by type: the colour of its square and the character on it (the printed
#: brief's too).
PROJECT_STYLE = PROJECT_SYMBOLS
#: A project's status (the schema's words) as the interface's key says it.
PROJECT_STATUS_KEYS = {"计划": "planned", "在建": "building", "完工": "done"}


@dataclass(frozen=True)
class LegendClass:
    colour: str
    label: str


@dataclass(frozen=True)
class MapSpec:
    """Everything the map draws, labelled and styled; frames are in EPSG:4326."""

    lang: str
    title: str
    villages: gpd.GeoDataFrame  # code, name, value_text, fill, gap_text, tooltip (money) fields
    labels: gpd.GeoDataFrame  # name at a point inside each village
    classes: tuple[LegendClass, ...]
    outline: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    rivers: gpd.GeoDataFrame
    gaps: gpd.GeoDataFrame  # point per village with gaps: name, gap_count, gap_text
    service_points: gpd.GeoDataFrame  # name, kind, kind_label, status, op_status, colour, radius
    facilities: gpd.GeoDataFrame  # name, kind_label
    sites: gpd.GeoDataFrame  # name, site_type, moved/planned text
    flows: gpd.GeoDataFrame  # origin_name, site_name, households, persons
    layers: frozenset[str] = field(default_factory=lambda: frozenset(ALL_LAYERS))
    basemap: str = "none"
    illustrative: bool = True
    #: The workspace is the synthetic demo: the legend (and an exported page) says its figures
    #: are invented.
    demo: bool = False
    #: The township's name (for the demo notice of an exported map).
    township: str = ""
    #: Planner overlays: stations with their service area: name, role (existing, tried,
    #: proposed), colour, dashed, radius_m (a circle, straight-line mode) or reach (the
    #: reachable roads, road mode; else None); with the year's operations also status
    #: (运营/暂停/关闭, "" for a site), sales_wan, size (dot radius, px, or None), tip
    #: (tooltip lines, plain text).
    plan: gpd.GeoDataFrame | None = None
    #: Assistance projects of the year or before (EPSG:4326): name, project_type, type_label,
    #: colour, mark, year, budget, spent (万元), households, poor_households, status_label.
    #: None (or empty) when the workspace has none.
    projects: gpd.GeoDataFrame | None = None
    #: Pixel size of village names; larger on a projector, read from the back of a room.
    label_size: int = 13
    #: Drawn for a dark screen (a projector's dark theme): dark ground, light lines and text.
    dark: bool = False


def township_name(ws: Workspace) -> str:
    """The township's name: its outline's, else the workspace metadata's ("" when neither)."""
    if len(ws.township) and "name" in ws.township and pd.notna(ws.township["name"].iloc[0]):
        return str(ws.township["name"].iloc[0])
    return str(ws.meta.get("township_name", ""))


def demo_banner(meta: dict[str, str], lang: str, township: str = "") -> str:
    """The notice every page of the demo workspace shows, from its metadata ("" for real
    data)."""
    if not is_demo(meta):
        return ""
    name = township or meta.get("township_name") or ("本镇" if lang == "zh" else "the township")
    return i18n.t("demo_banner", lang, township=name)


def latest_year(ws: Workspace) -> int:
    """The last year the workspace's register or indicators speak of."""
    return poverty.workspace_years(ws.households, ws["indicators"])[1]


def first_year(ws: Workspace) -> int:
    return poverty.workspace_years(ws.households, ws["indicators"])[0]


def format_value(indicator: str, value: float, lang: str) -> str:
    if indicator == "incidence":
        return f"{value * 100:.2f}%"
    unit = "人" if "people" in indicator else "户"
    if lang == "en":
        unit = " people" if unit == "人" else " hh"
    return f"{round(value):,}{unit}"


# ----------------------------------------------------------------------------- money
def wan_text(value: float, lang: str) -> str:
    """An amount of 万元 as people read it: ``77.9万元`` (``¥779,000`` in English)."""
    if lang == "en":
        return f"¥{value * 10_000:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".") + "万元"


def yuan_text(value: float, lang: str) -> str:
    """An amount of 元: ``12,345元`` (``¥12,345``)."""
    return f"¥{value:,.0f}" if lang == "en" else f"{value:,.0f}元"


@dataclass(frozen=True)
class Money:
    """A place's assistance projects up to the end of ``year`` and their money: what
    :func:`analysis.assistance.village_money` gives its villages, summed."""

    year: int
    projects: int
    budget_wan: float
    spent_wan: float
    measures_wan: float
    households_reached: int
    exited_households: int
    #: Projects' and measures' money per registered household lifted (元); None while none
    #: has exited.
    yuan_per_exit: float | None


def has_projects(ws: Workspace) -> bool:
    """Whether the workspace holds any assistance project (else money is left unsaid, never
    shown as zeros)."""
    return bool(len(ws["projects"]))


def village_money(ws: Workspace, year: int) -> pd.DataFrame | None:
    """Each village's projects and money up to ``year`` (one row per village, in order), or
    None when the workspace has no projects."""
    if not has_projects(ws):
        return None
    return assistance_mod.village_money(
        ws.villages, ws.households, ws["projects"], ws["measures"], year
    )


def money_of(table: pd.DataFrame, year: int, code: str | None = None) -> Money:
    """The :class:`Money` of village ``code`` in ``table`` (:func:`village_money`), or of all
    its villages."""
    rows = table if code is None else table[table["code"].astype(str) == str(code)]
    spent, measures = float(rows["spent_wan"].sum()), float(rows["measures_wan"].sum())
    exited = int(rows["exited_households"].sum())
    return Money(
        year=year,
        projects=int(rows["projects"].sum()),
        budget_wan=float(rows["budget_wan"].sum()),
        spent_wan=spent,
        measures_wan=measures,
        households_reached=int(rows["households_reached"].sum()),
        exited_households=exited,
        yuan_per_exit=round((spent + measures) * 10_000 / exited) if exited else None,
    )


def place_money(ws: Workspace, year: int, code: str | None = None) -> Money | None:
    """The money of village ``code`` (or the whole place) up to ``year``; None when the
    workspace has no projects."""
    table = village_money(ws, year)
    return None if table is None else money_of(table, year, code)


def money_figures(money: Money, lang: str) -> tuple[tuple[str, str], ...]:
    """Projects, money spent, households reached and 元 per household lifted as (label,
    value); none when the place had no project by then (say :func:`money_lines` instead)."""
    if not money.projects:
        return ()
    per = "—" if money.yuan_per_exit is None else yuan_text(money.yuan_per_exit, lang)
    return (
        (i18n.t("money_projects", lang), i18n.t("money_count", lang, n=f"{money.projects:,}")),
        (i18n.t("money_spent", lang), wan_text(money.spent_wan, lang)),
        (
            i18n.labelled(i18n.t("money_reached", lang), "households", lang),
            i18n.count(money.households_reached, "households", lang),
        ),
        (i18n.t("money_per_exit", lang), per),
    )


def money_lines(money: Money, lang: str) -> tuple[str, str]:
    """The money in two short lines (a village's tooltip): ``5个项目 · 已支出 120.5万元`` and
    ``受益 85户 · 每脱贫户 12,345元``; ``暂无项目`` and nothing when it had none."""
    if not money.projects:
        return i18n.t("money_none", lang), ""
    spent = i18n.t("money_spent_line", lang, amount=wan_text(money.spent_wan, lang))
    first = f"{i18n.t('money_count_projects', lang, n=f'{money.projects:,}')} · {spent}"
    second = i18n.t("money_reached_line", lang, n=f"{money.households_reached:,}")
    if money.yuan_per_exit is not None:
        per = yuan_text(money.yuan_per_exit, lang)
        second += " · " + i18n.t("money_per_exit_line", lang, amount=per)
    return first, second


def project_points(ws: Workspace, year: int, lang: str) -> gpd.GeoDataFrame | None:
    """The projects of ``year`` or before as points (EPSG:4326) with what the map shows of
    them (:attr:`MapSpec.projects`); None when the workspace has no projects."""
    p = ws["projects"]
    if not len(p):
        return None
    done_by = pd.to_numeric(p["year"], errors="coerce") <= year
    p = p[done_by.fillna(False).to_numpy(dtype=bool)]
    p = p[(p.geometry.notna() & ~p.geometry.is_empty).to_numpy(dtype=bool)]
    p = p.to_crs(WGS84) if p.crs is not None else p.set_crs(WGS84)
    styles = [PROJECT_STYLE.get(str(t), PROJECT_STYLE["其他"]) for t in p["project_type"]]
    kinds = p["project_type"].astype(str)
    return gpd.GeoDataFrame(
        {
            "name": p["name"].astype(str).to_numpy(),
            "project_type": kinds.to_numpy(),
            "type_label": [project_type_label(k, lang) for k in kinds],
            "colour": [c for c, _ in styles],
            "mark": [m for _, m in styles],
            "year": pd.to_numeric(p["year"], errors="coerce").astype("Int64").to_numpy(),
            "budget": pd.to_numeric(p["budget"], errors="coerce").to_numpy(),
            "spent": pd.to_numeric(p["spent"], errors="coerce").to_numpy(),
            "households": pd.to_numeric(p["households"], errors="coerce").to_numpy(),
            "poor_households": pd.to_numeric(p["poor_households"], errors="coerce").to_numpy(),
            "status_label": [project_status_label(s, lang) for s in p["status"]],
        },
        geometry=p.geometry.to_numpy(),
        crs=WGS84,
    )


def project_type_label(kind: str, lang: str) -> str:
    """A project type in the interface's language (the schema's words)."""
    return kind if lang == "zh" else PROJECT_TYPE_EN.get(kind, kind)


def project_status_label(status: object, lang: str) -> str:
    """A project's status (计划, 在建, 完工) in the interface's language; "" when none."""
    if not isinstance(status, str) or not status:
        return ""
    key = PROJECT_STATUS_KEYS.get(status)
    return i18n.t(f"project_status_{key}", lang) if key else status


def gap_text(missing: tuple[str, ...], dangerous: int, unsafe: int, lang: str) -> str:
    parts = [i18n.flag_label(f, lang) for f in missing]
    if dangerous:
        parts.append(
            f"{i18n.t('dangerous_houses', lang)} {dangerous}{'户' if lang == 'zh' else ''}"
        )
    if unsafe:
        parts.append(
            f"{i18n.t('unsafe_water_households', lang)} {unsafe}{'户' if lang == 'zh' else ''}"
        )
    return "、".join(parts) if lang == "zh" else ", ".join(parts)


def _classes(values: pd.Series, indicator: str, scheme: str, lang: str):
    result = classify_mod.classify(values.to_numpy(dtype=float), scheme=scheme, k=5)
    bins = list(result.bins)
    n = len(bins)
    palette = PALETTE[-n:] if n <= len(PALETTE) else PALETTE
    colours = []
    for v, c in zip(values, result.classes, strict=True):
        colours.append(ZERO_COLOUR if v == 0 else palette[min(c, len(palette) - 1)])
    legend = []
    # Zero is drawn grey whatever class it falls in, so the legend says so first and the
    # coloured classes start at the smallest value above zero.
    has_zero = bool((values == 0).any())
    if has_zero:
        legend.append(LegendClass(ZERO_COLOUR, format_value(indicator, 0, lang)))
    positive = values[values > 0]
    whole = indicator != "incidence"  # counts: classes read "1 – 3人", not "0 – 3人"
    lower = float(positive.min()) if has_zero and len(positive) else result.lower
    follows_class = False  # True when lower is the previous class's (inclusive) upper bound
    for i, upper in enumerate(bins):
        if upper == 0 and has_zero:
            continue
        if whole and follows_class:
            lower = min(upper, float(np.floor(lower) + 1))
        lo, hi = format_value(indicator, lower, lang), format_value(indicator, upper, lang)
        label = hi if lo == hi else f"{lo} – {hi}"
        colour = ZERO_COLOUR if upper == 0 else palette[min(i, len(palette) - 1)]
        legend.append(LegendClass(colour, label))
        lower, follows_class = upper, True
    return colours, tuple(legend)


@dataclass(frozen=True)
class MapGeometry:
    """What the township map draws whatever the year, indicator or language: the villages'
    boundaries simplified for the view, a point inside each village, the township outline.
    Made once per workspace version (:mod:`map_cache`) and shared by the map specs made from
    it: never mutate it."""

    #: The villages' boundaries as the browser gets them (simplified, rounded), in the
    #: villages' order and CRS.
    shapes: gpd.GeoSeries
    #: A point inside each village (labels, gap badges), indexed by code.
    anchors: gpd.GeoSeries
    outline: gpd.GeoDataFrame


def map_geometry(ws: Workspace) -> MapGeometry:
    """The year-free part of the map of ``ws`` (the slow part to compute: simplification and
    anchor points)."""
    shown = simplify.for_display(ws.villages, ws.township)
    return MapGeometry(
        shapes=shown.villages, anchors=village_anchor_points(ws.villages), outline=shown.outline
    )


def map_spec(
    ws: Workspace,
    year: int,
    indicator: str,
    lang: str,
    scheme: str = "natural_breaks",
    layers: frozenset[str] | None = None,
    basemap: str = "none",
    geometry: MapGeometry | None = None,
) -> MapSpec:
    """Compute and label every overlay of the township map for ``year``.

    ``geometry``: :func:`map_geometry` of ``ws`` when the caller has it (computed here
    otherwise); the spec shares its boundaries.
    """
    villages = ws.villages
    # What the browser gets: boundaries simplified for the view, not the surveyed vertices.
    geometry = geometry if geometry is not None else map_geometry(ws)
    figures = poverty.village_figures(villages, ws.households, year)
    values = figures[indicator].astype(float)
    colours, legend = _classes(values, indicator, scheme, lang)

    gaps = gaps_mod.village_gaps(ws["indicators"], year).set_index("village_code")
    no_data = i18n.t("no_data", lang)
    gap_texts = {
        code: gap_text(r.missing, r.dangerous_houses, r.unsafe_water_households, lang)
        for code, r in gaps.iterrows()
    }
    v = gpd.GeoDataFrame(
        {
            "code": villages["code"].to_numpy(),
            "name": villages["name"].to_numpy(),
            "value_text": [format_value(indicator, x, lang) for x in values],
            "poor_text": [
                f"{h:,}{i18n.t('households', lang)} / {p:,}{i18n.t('people', lang)}"
                for h, p in zip(figures["poor_households"], figures["poor_people"], strict=True)
            ],
            "incidence_text": [f"{x * 100:.2f}%" for x in figures["incidence"]],
            "gap_text": [
                (gap_texts[c] or i18n.t("no_gaps", lang)) if c in gap_texts else no_data
                for c in villages["code"]
            ],
            "fill": colours,
        },
        geometry=geometry.shapes.to_numpy(),
        crs=villages.crs,
    )
    money = village_money(ws, year)
    if money is not None:  # a workspace without projects has no money rows at all
        lines = [money_lines(money_of(money, year, c), lang) for c in villages["code"]]
        v["money_text"] = [a for a, _ in lines]
        v["money_reach_text"] = [b for _, b in lines]

    anchors = geometry.anchors
    labels = gpd.GeoDataFrame(
        {"name": villages["name"].to_numpy()},
        geometry=anchors.to_numpy(),
        crs=villages.crs,
    )
    names = dict(zip(villages["code"], villages["name"], strict=True))
    with_gaps = gaps[gaps["gap_count"] > 0]
    gap_points = gpd.GeoDataFrame(
        {
            "code": with_gaps.index.to_numpy(),
            "name": [names[c] for c in with_gaps.index],
            "gap_count": with_gaps["gap_count"].astype(int).to_numpy(),
            "gap_text": [gap_texts[c] for c in with_gaps.index],
        },
        geometry=[anchors[c] for c in with_gaps.index],
        crs=villages.crs,
    )

    tiers, others = _facilities_of(ws, year, lang)
    sites, moves = _relocation_of(ws, year, lang)
    flows = relocation.relocation_flows(villages, sites, moves)

    return MapSpec(
        lang=lang,
        title=f"{i18n.indicator_label(indicator, lang)} · {year}",
        villages=v,
        labels=labels,
        classes=legend,
        outline=geometry.outline,
        roads=ws["roads"],
        rivers=ws["rivers"],
        gaps=gap_points,
        service_points=tiers,
        facilities=others,
        sites=sites,
        flows=flows,
        projects=project_points(ws, year, lang),
        layers=frozenset(ALL_LAYERS if layers is None else layers),
        basemap=basemap,
        illustrative=bool(ws.township["illustrative"].fillna(False).any())
        or bool(ws.villages["illustrative"].fillna(False).any()),
        demo=is_demo(ws.meta),
        township=township_name(ws),
    )


def _facilities_of(ws: Workspace, year: int, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The e-commerce stations (with their tier's style and the year's status) and the other
    facilities on the map of ``year``: those opened by then, and every planned one."""
    fac = ws["facilities"]
    fac = fac[
        fac["opened_year"].isna() | (fac["opened_year"] <= year) | (fac["status"] == "planned")
    ]
    tiers = fac[fac["kind"].isin(SERVICE_TIERS)].copy()
    tiers["kind_label"] = [i18n.facility_label(k, lang) for k in tiers["kind"]]
    # the year's 运营/暂停/关闭: the spec is cached per year, so a station closed in 2024 is
    # drawn closed on 2024's map and open on 2023's
    tiers["op_status"] = station_ops.status_in(tiers, ws["station_operations"], year).to_numpy()
    tiers["colour"] = [TIER_STYLE[k]["colour"] for k in tiers["kind"]]
    tiers["radius"] = [TIER_STYLE[k]["radius"] for k in tiers["kind"]]
    others = fac[~fac["kind"].isin(SERVICE_TIERS)].copy()
    others["kind_label"] = [i18n.facility_label(k, lang) for k in others["kind"]]
    return tiers, others


def _relocation_of(ws: Workspace, year: int, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The relocation sites completed by ``year`` (with their progress text) and the moves
    made by then."""
    # Only what existed in the chosen year: sites built by then and households moved by then.
    sites = ws["relocation_sites"]
    sites = sites[sites["completed_year"].isna() | (sites["completed_year"] <= year)].copy()
    moves = ws["relocations"]
    moves = moves[moves["year"] <= year]
    progress = relocation.site_progress(sites)
    sites["progress_text"] = [
        f"{i18n.t('site_moved', lang)} {m:,}/{p:,}{i18n.t('households', lang)} ({share:.0%})"
        for m, p, share in zip(
            sites["moved_households"],
            sites["planned_households"],
            progress["moved_share"],
            strict=True,
        )
    ]
    return sites, moves


@dataclass(frozen=True)
class VillageDetail:
    code: str
    name: str
    kind: str
    population: int
    households: int
    exit_status: str
    figures: dict
    by_category: pd.DataFrame
    by_cause: pd.DataFrame
    gaps: str
    facilities: pd.DataFrame


def village_detail(ws: Workspace, code: str, year: int, lang: str) -> VillageDetail | None:
    """Figures, gaps, facilities and exit status of village ``code`` at ``year``."""
    villages = ws.villages
    row = villages[villages["code"] == code]
    if row.empty:
        return None
    r = row.iloc[0]
    hh = ws.households[ws.households["village_code"] == code]
    figures = poverty.village_figures(row, ws.households, year).iloc[0].to_dict()
    cat = poverty.by_category(hh, year)
    cat["category"] = [i18n.category_label(c, lang) for c in cat["category"]]
    cause = poverty.by_cause(hh)
    cause["cause"] = [i18n.cause_label(c, lang) for c in cause["cause"]]
    gaps = gaps_mod.village_gaps(ws["indicators"], year)
    g = gaps[gaps["village_code"] == code]
    gtext = (
        gap_text(
            g.iloc[0]["missing"],
            g.iloc[0]["dangerous_houses"],
            g.iloc[0]["unsafe_water_households"],
            lang,
        )
        if len(g)
        else ""
    )
    if not bool(r["poor_village"]):
        status = i18n.t("status_not_poor_village", lang)
    elif pd.notna(r["exit_year"]) and int(r["exit_year"]) <= year:
        status = i18n.t("status_exited_in", lang, year=int(r["exit_year"]))
    else:
        status = i18n.t("status_poor_not_exited", lang)
    fac = ws["facilities"]
    fac = fac[fac["village_code"] == code]
    facilities = pd.DataFrame(
        {
            "name": fac["name"].to_numpy(),
            "kind": [i18n.facility_label(k, lang) for k in fac["kind"]],
            "status": fac["status"].to_numpy(),
        }
    )
    return VillageDetail(
        code=code,
        name=str(r["name"]),
        kind=str(r["kind"]),
        population=int(r["population"]),
        households=int(r["households"]),
        exit_status=status,
        figures=figures,
        by_category=cat[["category", "households", "persons", "remaining_persons"]],
        by_cause=cause[["cause", "households", "persons"]],
        gaps=gtext or i18n.t("no_gaps", lang),
        facilities=facilities,
    )


COVERED_COLOUR, UNCOVERED_COLOUR = "#a1d99b", "#fcbba1"
#: Planner stations by role: existing (solid circle), tried on the map (diamond 试), proposed by
#: the optimiser (dashed ring). map_html draws the symbols.
ROLE_COLOUR = {"existing": "#2171b5", "tried": "#c51b7d", "proposed": "#e6550d"}


def plan_map_spec(
    ws: Workspace,
    year: int,
    lang: str,
    covered: pd.Series,
    nearest_m: pd.Series,
    stations: gpd.GeoDataFrame,
    proposed: gpd.GeoDataFrame,
    radius_m: float,
    mode: str,
    basemap: str = "none",
    title: str | None = None,
    township_radius_m: float | None = None,
    operations: pd.DataFrame | None = None,
) -> MapSpec:
    """The planner's map: villages green when covered, stations with their service areas
    (circles in straight-line mode). ``plan`` has each station's ``role``: ``existing``,
    ``tried`` (a site of ``stations`` that is not an existing station of the workspace: one
    clicked on the map) or ``proposed`` (``proposed``; a saved plan's own ``role`` is kept).

    ``operations``: the year's :func:`~township_atlas.analysis.station_ops.station_rows`. With
    them an existing station's dot grows with its sales and its tooltip says what it
    delivered, and the workspace's stations missing from ``stations`` because they do not
    work in the year are drawn too, grey, with no service area: a closed one crossed, a
    suspended one dashed (a suspended one that counts keeps its colour and a dashed area)."""
    base = map_spec(
        ws,
        year,
        "poor_people",
        lang,
        layers=frozenset({"villages", "labels", "roads", "rivers"}),
        basemap=basemap,
    )
    v = base.villages.copy()
    v["fill"] = np.where(covered.to_numpy(), COVERED_COLOUR, UNCOVERED_COLOUR)
    v["gap_text"] = [
        f"{i18n.t('nearest', lang)} {d / 1000:.1f} km" if np.isfinite(d) else "—" for d in nearest_m
    ]
    # The poor people of each village stay on the map, in its label, beside covered or not.
    people = base.villages["value_text"]
    labels = base.labels.assign(
        name=[
            n if p.startswith("0") else f"{n} {p}"
            for n, p in zip(base.labels["name"], people, strict=True)
        ]
    )
    v["value_text"] = [i18n.t("covered" if c else "uncovered", lang) for c in covered]
    stopped = (
        stations.iloc[:0]
        if operations is None
        else plan_view.stopped_stations(ws, stations, operations)
    )
    roles = [*station_roles(ws, stations), *_added_roles(proposed), *["existing"] * len(stopped)]
    ids = pd.Series([*_ids(stations), *_ids(proposed), *_ids(stopped)], dtype=object)
    covering = set(_ids(stations))
    marks = plan_view.station_marks(ids, operations, covering, lang)
    plan = pd.DataFrame(
        {
            "name": [*stations["name"], *proposed["name"], *stopped["name"]],
            "role": roles,
            "colour": [
                plan_view.STOPPED_COLOUR if s else ROLE_COLOUR[r]
                for r, s in zip(roles, marks["stopped"], strict=True)
            ],
            "dashed": [
                r != "existing" or s == "暂停" for r, s in zip(roles, marks["status"], strict=True)
            ],
        }
    )
    plan = pd.concat([plan, marks.drop(columns="stopped")], axis=1)
    geometry = [
        *stations.to_crs(WGS84).geometry,
        *proposed.to_crs(WGS84).geometry,
        *(stopped.to_crs(WGS84).geometry if len(stopped) else []),
    ]
    points = gpd.GeoDataFrame(plan[["name"]], geometry=geometry, crs=WGS84)
    radii = np.concatenate(
        [
            station_plan.station_radii(stations, radius_m, township_radius_m),
            np.full(len(proposed), float(radius_m)),
            np.zeros(len(stopped)),  # a stopped station serves nobody
        ]
    )
    plan["radius_m"] = radii if mode == "straight" else 0.0
    # In road mode the service area is the road network a station reaches, not a circle.
    plan["reach"] = (
        list(coverage_mod.service_roads(points, ws["roads"], radii).line_merge().to_crs(WGS84))
        if mode == "road" and len(points) and len(ws["roads"])
        else None
    )
    if len(stopped) and plan["reach"].notna().any():
        plan.loc[len(plan) - len(stopped) :, "reach"] = None
    return replace(
        base,
        title=f"{title or i18n.t('page_plan', lang)} · "
        + radius_text(radius_m, township_radius_m, lang),
        villages=v,
        labels=labels,
        classes=(
            LegendClass(COVERED_COLOUR, i18n.t("covered", lang)),
            LegendClass(UNCOVERED_COLOUR, i18n.t("uncovered", lang)),
        ),
        plan=gpd.GeoDataFrame(plan, geometry=geometry, crs=WGS84),
    )


def station_roles(ws: Workspace, stations: gpd.GeoDataFrame) -> list[str]:
    """``existing`` for each of ``stations`` that is one of the workspace's existing stations,
    ``tried`` for a site added on the map (the planner passes both in one frame)."""
    if "id" not in stations.columns:
        return ["existing"] * len(stations)
    # every station of the workspace, of any year: this names what a point is, not whether
    # it covers (the caller passes only those working in its year)
    known = set(station_plan.workspace_existing(ws)["id"].astype(str))
    return ["existing" if str(i) in known else "tried" for i in stations["id"]]


def _ids(frame: gpd.GeoDataFrame) -> list[str]:
    """A frame's station ids ("" for a frame without them)."""
    return list(frame["id"].astype(str)) if "id" in frame.columns else [""] * len(frame)


def _added_roles(proposed: gpd.GeoDataFrame) -> list[str]:
    """A saved plan's stations say whether they were tried or proposed; the optimiser's are
    proposed."""
    if "role" in proposed.columns:
        return ["tried" if r == "tried" else "proposed" for r in proposed["role"]]
    return ["proposed"] * len(proposed)


def radius_text(radius_m: float, township_radius_m: float | None, lang: str) -> str:
    """Service distances as a title says them: ``3 km``, or per tier when they differ."""
    if township_radius_m is None or township_radius_m == radius_m:
        return f"{radius_m / 1000:g} km"
    return i18n.t("radius_title", lang, v=f"{radius_m / 1000:g}", t=f"{township_radius_m / 1000:g}")
