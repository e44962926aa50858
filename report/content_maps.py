"""The maps of a brief's pages, as the dashboard's map shows them: villages filled by their
remaining poor (the township) or one village among its neighbours, the e-commerce stations,
relocation sites and (on a village's map) clinics, schools and parks, the gap badges by the
names, roads and rivers, each with its legend line."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from ..analysis import station_ops
from ..analysis.classify import classify
from ..geo import levels
from ..geo.crs import to_metric
from ..geo.schema import SERVICE_TIERS
from .content_facts import Facts, people
from .pdf_model import BADGE, LegendEntry, MapPanel
from .static_map import OUTLINE_COLOUR, RIVER_COLOUR, ROAD_STYLE, MapLayers

#: Fill colours of remaining poor people, low to high, and of villages with none: the
#: dashboard map's (``dashboard/view.py``), so the printed map reads like the screen.
PALETTE = ("#fff5d6", "#fdd49e", "#fc8d59", "#e34a33", "#b30000")
ZERO_COLOUR = "#f2f2f2"
#: The village of a village page, and its neighbours.
FOCUS_FILL, FOCUS_EDGE, NEIGHBOUR_FILL = "#fdd49e", "#b30000", "#f2f2f2"
#: The e-commerce tiers as the dashboard draws them (``dashboard/view.py`` TIER_STYLE, sizes
#: in the same proportions): kind, legend text, colour, size (pt).
TIER_SYMBOLS = (
    ("county_logistics", "县级物流中心", "#08306b", 7.8),
    ("township_ecommerce", "乡镇电商服务中心", "#2171b5", 6.8),
    ("village_station", "村级电商服务站", "#41ab5d", 5.6),
)
#: A station closed in the year (the planner map's grey, ``dashboard/plan_view.py``).
CLOSED_LABEL, CLOSED_COLOUR = "电商网点（已关闭）", "#969696"
#: Other facilities on a village map: kinds, legend text, marker, colour, size (pt).
FACILITY_SYMBOLS = (
    (("clinic", "township_hospital"), "卫生室/卫生院", "plus", "#d7301f", 6.5),
    (("school",), "学校", "triangle", "#3f6fb5", 6.0),
    (("industrial_park", "agribusiness"), "园区/产业基地", "diamond", "#8c6d31", 5.5),
)
#: A relocation site: the dashboard's purple square with 安 on it.
SITE_SYMBOL = ("易地搬迁安置点", "square", "#6a3d9a", 8.5, "安")
#: The red badge with a village's number of infrastructure gaps (the dashboard's).
GAP_LEGEND = "基础设施短板项数"
#: Road classes grouped as the legend shows them.
ROAD_LEGEND = (
    (("国道", "省道"), "国道/省道"),
    (("县道",), "县道"),
    (("乡道", "村道"), "乡村道路"),
)
#: A point on a map: geometry, marker, colour, size (pt), hollow, text, layer.
_Symbol = tuple[object, str, str, float, bool, str, str]


# ----------------------------------------------------------------------------- the two maps
def township_map(facts: Facts) -> MapPanel:
    """The township: villages filled by their remaining poor people (named, with the number
    under the name), and what the dashboard's map shows over them."""
    ws = facts.ws
    fills, classes = _classes(facts.figures["poor_people"].astype(float))
    areas = gpd.GeoDataFrame(
        {"fill": fills, "edge": "#6e6e6e", "edge_width": 0.5},
        geometry=ws.villages.geometry.to_numpy(),
        crs=ws.villages.crs,
    )
    remaining = zip(facts.codes, facts.figures["poor_people"], strict=True)
    labels = village_labels(facts, facts.codes, notes={c: people(n) for c, n in remaining if n > 0})
    # what the dashboard's map shows over the villages: stations, sites and gap badges
    points, point_legend = map_points(facts, township_area(facts))
    return MapPanel(
        MapLayers(areas, points=points, **base_layers(facts)),
        labels,
        f"年末未脱贫人口（{facts.year}年）",
        (*classes, *gap_legend(facts, facts.codes), *point_legend, *line_legend(facts)),
        facts.illustrative,
    )


def county_map(facts: Facts) -> MapPanel:
    """A county: its townships filled by their remaining poor people (named, with the number
    under the name); 300 village names would not fit, the township pages have them."""
    towns = levels.township_frame(facts.ws)
    by_town = facts.figures.groupby(facts.figures["code"].astype(str).str[:9])["poor_people"]
    poor = towns["code"].map(by_town.sum()).fillna(0).astype(float)
    fills, classes = _classes(poor)
    areas = gpd.GeoDataFrame(
        {"fill": fills, "edge": "#3c3c3c", "edge_width": 0.9},
        geometry=towns.geometry.to_numpy(),
        crs=towns.crs,
    )
    labels = gpd.GeoDataFrame(
        {
            "text": towns["name"].astype(str),
            "note": [people(n) if n > 0 else "" for n in poor],
            "muted": False,
            "badge": "",
        },
        geometry=towns.geometry.to_numpy(),
        crs=towns.crs,
    )
    return MapPanel(
        MapLayers(areas, **base_layers(facts)),
        labels,
        f"年末未脱贫人口（{facts.year}年）",
        (*classes, *line_legend(facts)),
        facts.illustrative,
    )


def village_map(facts: Facts, code: str) -> MapPanel:
    """Village ``code`` zoomed, its neighbours grey and named small, with the stations,
    sites and facilities near it."""
    ws = facts.ws
    is_focus = ws.villages["code"].astype(str) == code
    areas = gpd.GeoDataFrame(
        {
            "fill": [FOCUS_FILL if f else NEIGHBOUR_FILL for f in is_focus],
            "edge": [FOCUS_EDGE if f else "#9e9e9e" for f in is_focus],
            "edge_width": [1.8 if f else 0.5 for f in is_focus],
        },
        geometry=ws.villages.geometry.to_numpy(),
        crs=ws.villages.crs,
    )
    focus = ws.villages[is_focus]
    near = reach(facts, focus)
    points, point_legend = map_points(facts, near, others=True)
    neighbours = [c for c in facts.codes if c != code]
    poor = facts.figures.iloc[facts.codes.index(code)]["poor_people"]
    labels = village_labels(
        facts,
        [code, *neighbours],
        notes={code: f"未脱贫 {people(poor)}"} if poor else {},
        muted=frozenset(neighbours),
    )
    return MapPanel(
        MapLayers(areas, points=points, focus=focus, pad=0.22, **base_layers(facts)),
        labels,
        "图例",
        (
            LegendEntry(facts.names[code], FOCUS_FILL, "area"),
            LegendEntry("相邻村（社区）", NEIGHBOUR_FILL, "area"),
            *gap_legend(facts, codes_within(facts, near)),
            *point_legend,
            *line_legend(facts, near),
        ),
        facts.illustrative,
    )


# ----------------------------------------------------------------------------- layers
def base_layers(facts: Facts) -> dict:
    """The township's outline, roads and rivers (None for an empty layer)."""
    ws = facts.ws
    return {
        "outline": ws.township,
        "roads": ws["roads"] if len(ws["roads"]) else None,
        "rivers": ws["rivers"] if len(ws["rivers"]) else None,
    }


def village_labels(
    facts: Facts, codes: list[str], notes: dict[str, str], muted: frozenset[str] = frozenset()
) -> gpd.GeoDataFrame:
    """Name labels of villages (named inside their polygons) with their gap badge (the
    number of infrastructure gaps, as on the dashboard's map); the smallest villages are
    placed first (they have the least room), muted ones (neighbours) last."""
    area = dict(zip(facts.codes, to_metric(facts.ws.villages).area, strict=True))
    order = sorted(codes, key=lambda c: (c in muted, area[c]))
    counts = facts.gap_counts
    return gpd.GeoDataFrame(
        {
            "text": [facts.names[c] for c in order],
            "note": [notes.get(c, "") for c in order],
            "muted": [c in muted for c in order],
            "badge": [str(counts[c]) if c in counts else "" for c in order],
        },
        geometry=[facts.polygons[c] for c in order],
        crs=facts.ws.villages.crs,
    )


def map_points(facts: Facts, within, others: bool = False):
    """Symbols on a map and their legend lines: the e-commerce stations by tier (built by
    the year filled, planned ones as rings), relocation sites completed by the year (安),
    and with ``others`` clinics, schools and parks; only those ``within`` (a metre CRS
    polygon), as the dashboard's layers show them."""
    fac = _within(facts, facts.past["facilities"], within)
    opened = pd.to_numeric(fac["opened_year"], errors="coerce")
    built = fac[(fac["status"] == "existing") & (opened.isna() | (opened <= facts.year))]
    planned = fac[fac["status"] == "planned"]
    # a station closed in the year is drawn grey, as the planner's map draws it
    shut = station_ops.status_in(built, facts.past["station_operations"], facts.year).eq("关闭")
    shut &= built["kind"].isin(SERVICE_TIERS)
    rows, legend = _station_symbols(built[~shut.to_numpy()], planned, built[shut.to_numpy()])
    if others:
        more, more_legend = _facility_symbols(built)
        rows += more
        legend += more_legend
    sites = _within(facts, facts.past["relocation_sites"], within)
    done = pd.to_numeric(sites["completed_year"], errors="coerce")
    sites = sites[done.isna().to_numpy() | (done <= facts.year).to_numpy()]
    if len(sites):
        label, marker, colour, size, text = SITE_SYMBOL
        legend.append(LegendEntry(label, colour, marker, text=text, layer="relocation"))
        rows += [(g, marker, colour, size, False, text, "relocation") for g in sites.geometry]
    if not rows:
        return None, legend
    columns = ("marker", "colour", "size", "hollow", "text", "layer")
    points = gpd.GeoDataFrame(
        {c: [r[i + 1] for r in rows] for i, c in enumerate(columns)},
        geometry=[r[0] for r in rows],
        crs=facts.ws.villages.crs,
    )
    return points, legend


def _within(facts: Facts, frame: gpd.GeoDataFrame, area) -> gpd.GeoDataFrame:
    """The rows of ``frame`` inside the metre CRS polygon ``area``."""
    if not len(frame):
        return frame
    return frame[to_metric(frame, facts.metric_crs).within(area).to_numpy()]


def _station_symbols(
    built: gpd.GeoDataFrame, planned: gpd.GeoDataFrame, closed: gpd.GeoDataFrame
) -> tuple[list[_Symbol], list[LegendEntry]]:
    """The e-commerce stations by tier: built ones filled, planned ones as rings, those
    closed in the year grey (whatever their tier: they serve nobody)."""
    rows: list[_Symbol] = []
    legend = []
    for kind, label, colour, size in TIER_SYMBOLS:
        for frame, hollow in ((built, False), (planned, True)):
            hit = frame[frame["kind"] == kind]
            if len(hit):
                text = f"{label}（规划）" if hollow else label
                marker = "ring" if hollow else "circle"
                legend.append(LegendEntry(text, colour, marker, layer="service"))
                rows += [(g, "circle", colour, size, hollow, "", "service") for g in hit.geometry]
    if len(closed):
        legend.append(LegendEntry(CLOSED_LABEL, CLOSED_COLOUR, "circle", layer="service"))
        rows += [(g, "circle", CLOSED_COLOUR, 5.6, False, "", "service") for g in closed.geometry]
    return rows, legend


def _facility_symbols(built: gpd.GeoDataFrame) -> tuple[list[_Symbol], list[LegendEntry]]:
    """Clinics, schools and parks built by the year."""
    rows: list[_Symbol] = []
    legend = []
    for kinds, label, marker, colour, size in FACILITY_SYMBOLS:
        hit = built[built["kind"].isin(kinds)]
        if len(hit):
            legend.append(LegendEntry(label, colour, marker, layer="facilities"))
            rows += [(g, marker, colour, size, False, "", "facilities") for g in hit.geometry]
    return rows, legend


# ----------------------------------------------------------------------------- legend
def line_legend(facts: Facts, within=None) -> list[LegendEntry]:
    """Legend lines of the outline, the road classes and rivers (those crossing the
    metre-CRS polygon ``within`` when given: what a zoomed map shows)."""

    def near(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        if within is None or not len(frame):
            return frame
        return frame[to_metric(frame, facts.metric_crs).intersects(within).to_numpy()]

    out = [LegendEntry("乡镇界", OUTLINE_COLOUR, "outline", 1.6)]
    roads = near(facts.ws["roads"])
    present = set(roads["road_class"]) if len(roads) else set()
    for classes, label in ROAD_LEGEND:
        hit = [c for c in classes if c in present]
        if hit:
            colour, width, _ = ROAD_STYLE[hit[0]]
            out.append(LegendEntry(label, colour, "line", width, layer="roads"))
    if len(roads) and not roads["paved"].astype("boolean").fillna(True).all():
        out.append(LegendEntry("未硬化道路", ROAD_STYLE["村道"][0], "dashed", 0.9, layer="roads"))
    if len(near(facts.ws["rivers"])):
        out.append(LegendEntry("河流", RIVER_COLOUR, "line", 1.1, layer="rivers"))
    return out


def gap_legend(facts: Facts, codes) -> list[LegendEntry]:
    """The gap badge's legend line, when any of ``codes`` has a gap."""
    if not any(c in facts.gap_counts for c in codes):
        return []
    return [LegendEntry(GAP_LEGEND, BADGE, "circle", text="n", layer="gaps")]


def _classes(values: pd.Series) -> tuple[list[str], list[LegendEntry]]:
    """Fill colour of each value and the legend: zero in grey, then up to five classes
    (natural breaks) of whole numbers of people."""
    result = classify(values.to_numpy(dtype=float), "natural_breaks", k=5)
    bins = list(result.bins)
    palette = PALETTE[-len(bins) :] if 0 < len(bins) <= len(PALETTE) else PALETTE
    fills = [
        ZERO_COLOUR if v == 0 else palette[min(c, len(palette) - 1)]
        for v, c in zip(values, result.classes, strict=True)
    ]
    legend = []
    if (values == 0).any():
        legend.append(LegendEntry("0人", ZERO_COLOUR))
    positive = values[values > 0]
    exact = positive.nunique() <= len(PALETTE)  # each class is one value: name it alone
    lower = float(positive.min()) if len(positive) else 0.0
    for i, upper in enumerate(bins):
        if upper == 0:
            continue
        lo, hi = round(lower), round(upper)
        label = f"{hi:,}人" if exact or lo == hi else f"{lo:,}–{hi:,}人"
        legend.append(LegendEntry(label, palette[min(i, len(palette) - 1)]))
        lower = upper + 1
    return fills, legend


# ----------------------------------------------------------------------------- areas
def reach(facts: Facts, focus: gpd.GeoDataFrame, pad: float = 0.22):
    """About what a village's map shows around it (metre CRS polygon): the village widened
    by 45 % of its extent, within the box the map is sure to show (its extent and ``pad``,
    the map's padding)."""
    metric = to_metric(focus, facts.metric_crs)
    xmin, ymin, xmax, ymax = metric.total_bounds
    size = max(xmax - xmin, ymax - ymin)
    shown = shapely.box(xmin - pad * size, ymin - pad * size, xmax + pad * size, ymax + pad * size)
    return metric.union_all().buffer(0.45 * size).intersection(shown)


def township_area(facts: Facts, pad: float = 0.04):
    """What the township map is sure to show (metre CRS box): the villages' extent and
    ``pad`` (the map's padding) around it."""
    xmin, ymin, xmax, ymax = to_metric(facts.ws.villages, facts.metric_crs).total_bounds
    size = max(xmax - xmin, ymax - ymin)
    return shapely.box(xmin - pad * size, ymin - pad * size, xmax + pad * size, ymax + pad * size)


def codes_within(facts: Facts, area) -> list[str]:
    """The villages a metre CRS polygon ``area`` touches (those a zoomed map shows)."""
    inside = to_metric(facts.ws.villages, facts.metric_crs).intersects(area).to_numpy()
    return [c for c, hit in zip(facts.codes, inside, strict=True) if hit]
