"""The brief's 帮扶项目与资金: a page of the projects and their money after the township's (or
county's) page, and two key figures on a village's page.

Only when the workspace has projects: a workspace without them says nothing of money (no
zeros printed as if real). Figures run to the end of the brief's year (projects of that year
and before, the workspace as it stood then); 元 per household lifted counts the projects'
money spent and the households' measures over the registered households exited by then
(:func:`analysis.assistance.village_money`). Projects name no person; no household or cadre
appears.
"""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import pandas as pd

from ..analysis import assistance
from ..analysis.classify import classify
from ..geo import levels
from ..geo.crs import to_metric
from .content_facts import Facts, households, pct
from .content_maps import base_layers, line_legend
from .pdf_model import BarChart, LegendEntry, MapPanel, Page, Table, Tile
from .project_symbols import PROJECT_SYMBOLS
from .static_map import MapLayers

#: Fills of the money spent per village (万元), low to high: light, so the projects' squares
#: stay readable over them; grey for none.
MONEY_PALETTE = ("#e3edf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6")
NO_MONEY = "#f7f7f7"
PROJECT_SIZE = 7.0  # pt
#: The dashboard layer the projects belong to (an export that leaves it out drops them).
LAYER = "projects"
#: The columns of :func:`analysis.assistance.village_money` that add up over villages.
_SUMMED = (
    "projects",
    "budget_wan",
    "spent_wan",
    "measures_wan",
    "households_reached",
    "poor_households_reached",
    "exited_households",
)


# ----------------------------------------------------------------------------- words
def wan(value: float) -> str:
    """An amount of 万元 as the brief prints it: ``1,234.5万元`` (at most two decimals)."""
    return _wan_number(value) + "万元"


def _wan_number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def yuan(value: float | None) -> str:
    """An amount of 元 (``12,345元``); ``—`` when there is none."""
    return "—" if value is None or pd.isna(value) else f"{value:,.0f}元"


# ----------------------------------------------------------------------------- figures
def projects_until(facts: Facts) -> pd.DataFrame:
    """The projects of the brief's year and before (the workspace as it stood then)."""
    p = facts.past["projects"]
    years = pd.to_numeric(p["year"], errors="coerce")
    return p[(years <= facts.year).fillna(False).to_numpy(dtype=bool)]


def village_money(facts: Facts) -> pd.DataFrame:
    """Each village's projects and money up to the year, in the brief's village order."""
    past = facts.past
    money = assistance.village_money(
        past.villages, past.households, past["projects"], past["measures"], facts.year
    )
    return money.set_index("code").reindex(facts.codes).reset_index()


def totals(money: pd.DataFrame) -> dict:
    """Sums of :func:`village_money` rows and the 元 per household lifted of them all."""
    out = {c: float(money[c].sum()) for c in _SUMMED}
    lifted = int(out["exited_households"])
    spent = (out["spent_wan"] + out["measures_wan"]) * 10_000
    out["yuan_per_exit"] = round(spent / lifted) if lifted else None
    return out


def money_tiles(facts: Facts, money: pd.DataFrame) -> tuple[Tile, ...]:
    """Projects, budget, money spent, households reached, measures' money and 元 per
    household lifted, up to the year."""
    t = totals(money)
    this_year = projects_until(facts)
    this_year = int((pd.to_numeric(this_year["year"], errors="coerce") == facts.year).sum())
    share = t["spent_wan"] / t["budget_wan"] if t["budget_wan"] else None
    return (
        Tile("帮扶项目（累计）", f"{int(t['projects']):,}个", f"其中{facts.year}年 {this_year}个"),
        Tile("计划投资", wan(t["budget_wan"])),
        Tile(
            "已支出资金",
            wan(t["spent_wan"]),
            "" if share is None else f"支出进度 {pct(share, 1)}",
            "good" if share is not None and share >= 0.9 else "neutral",
        ),
        Tile(
            "受益户次（按项目累加）",
            households(t["households_reached"]),
            f"其中贫困户 {households(t['poor_households_reached'])}",
        ),
        Tile("到户帮扶措施资金", wan(t["measures_wan"])),
        Tile(
            "每脱贫户投入",
            yuan(t["yuan_per_exit"]),
            f"已脱贫 {households(t['exited_households'])}（项目与措施资金）",
        ),
    )


def money_chart(facts: Facts) -> BarChart:
    """Each year's projects' budget (万元), the brief's year in red."""
    p = projects_until(facts)
    years = pd.to_numeric(p["year"], errors="coerce")
    budget = pd.to_numeric(p["budget"], errors="coerce").fillna(0).groupby(years).sum()
    shown = [y for y in facts.years if y >= int(years.min())] if len(p) else [facts.year]
    values = [float(budget.get(y, 0.0)) for y in shown]
    return BarChart(
        "各年度项目计划投资（万元）",
        tuple(str(y) for y in shown),
        tuple(values),
        tuple(_wan_number(v) for v in values),
        highlight=len(shown) - 1,
    )


def money_table(facts: Facts, money: pd.DataFrame, county: bool = False) -> Table:
    """Each village's (a county's: each township's) projects, budget, money spent,
    households reached and 元 per household lifted; the total last."""
    if county:
        key = money["code"].astype(str).str[:9]
        groups = [(t.name, money[key == t.code]) for t in levels.townships(facts.past)]
        place, total_name = "乡镇", "全县合计"
    else:
        groups = [(facts.names[c], money[money["code"] == c]) for c in facts.codes]
        place, total_name = "村名", "全镇合计"
    rows = [_money_row(name, rows) for name, rows in groups]
    rows.append(_money_row(total_name, money))
    return Table(
        f"各{'乡镇' if county else '村'}项目与资金（截至{facts.year}年末）",
        (place, "项目(个)", "计划投资(万元)", "已支出(万元)", "受益户次", "每脱贫户(元)"),
        tuple(rows),
        align="LRRRRR",
        widths=(1.35, 0.8, 1.15, 1.1, 0.9, 1.1),
        total_row=True,
    )


def _money_row(name: str, rows: pd.DataFrame) -> tuple[str, ...]:
    t = totals(rows)
    per = t["yuan_per_exit"]
    return (
        name,
        f"{int(t['projects']):,}",
        _wan_number(t["budget_wan"]),
        _wan_number(t["spent_wan"]),
        f"{int(t['households_reached']):,}",
        "—" if per is None else f"{per:,.0f}",
    )


# ----------------------------------------------------------------------------- the page
def money_pages(facts: Facts, *, county: bool = False) -> list[Page]:
    """The 帮扶项目与资金 page of the place (a township, or a ``county`` by township); none
    when the workspace has no projects."""
    if not len(facts.past["projects"]):
        return []
    money = village_money(facts)
    count = int(money["projects"].sum())
    return [
        Page(
            title=f"{facts.township}帮扶项目与资金（{facts.year}年）",
            subtitle=" · ".join(
                p
                for p in (facts.region + facts.township, f"截至{facts.year}年末", f"{count}个项目")
                if p
            ),
            map=money_map(facts, money, county),
            tiles=money_tiles(facts, money),
            chart=money_chart(facts),
            blocks=(money_table(facts, money, county),),
            corner=facts.corner,
        )
    ]


def money_map(facts: Facts, money: pd.DataFrame, county: bool = False) -> MapPanel:
    """Villages (a county's townships) filled by the money spent up to the year and named
    with it, and each project as a square of its type's colour and character."""
    if county:
        units = levels.township_frame(facts.ws)
        spent = money.groupby(money["code"].astype(str).str[:9])["spent_wan"].sum()
        values = units["code"].astype(str).map(spent).fillna(0.0)
        names, shapes, crs = units["name"].astype(str), units.geometry, units.crs
    else:
        values = money["spent_wan"].fillna(0.0)
        names = pd.Series([facts.names[c] for c in facts.codes])
        shapes, crs = facts.ws.villages.geometry, facts.ws.villages.crs
    fills, classes = _classes(values.astype(float))
    areas = gpd.GeoDataFrame(
        {"fill": fills, "edge": "#6e6e6e", "edge_width": 0.5},
        geometry=shapes.to_numpy(),
        crs=crs,
    )
    labels = gpd.GeoDataFrame(
        {
            "text": names.to_numpy(),
            "note": [wan(v) if v > 0 else "" for v in values],
            "muted": False,
            "badge": "",
        },
        geometry=shapes.to_numpy(),
        crs=crs,
    )
    points, legend = project_points(facts)
    return MapPanel(
        MapLayers(areas, points=points, **base_layers(facts)),
        labels,
        f"已支出资金（截至{facts.year}年末）",
        (*classes, *legend, *line_legend(facts)),
        facts.illustrative,
    )


def project_points(facts: Facts, within=None) -> tuple[gpd.GeoDataFrame | None, list[LegendEntry]]:
    """Each project up to the year as a square of its type's colour with its character, and
    a legend line per type present: with its count, or (only those ``within`` a metre-CRS
    polygon: a zoomed map, showing some of its neighbours') without."""
    p = projects_until(facts)
    p = p[(p.geometry.notna() & ~p.geometry.is_empty).to_numpy(dtype=bool)]
    if within is not None and len(p):
        p = p[to_metric(p, facts.metric_crs).within(within).to_numpy(dtype=bool)]
    if not len(p):
        return None, []
    kinds = p["project_type"].astype(str)
    style = [PROJECT_SYMBOLS.get(k, PROJECT_SYMBOLS["其他"]) for k in kinds]
    points = gpd.GeoDataFrame(
        {
            "marker": "square",
            "colour": [c for c, _ in style],
            "size": PROJECT_SIZE,
            "hollow": False,
            "text": [m for _, m in style],
            "layer": LAYER,
        },
        geometry=p.geometry.to_numpy(),
        crs=p.crs,
    )
    counts = kinds.value_counts()
    legend = [
        LegendEntry(
            f"{kind}项目" + ("" if within is not None else f" {counts[kind]:,}个"),
            colour,
            "square",
            text=mark,
            layer=LAYER,
        )
        for kind, (colour, mark) in PROJECT_SYMBOLS.items()
        if kind in counts
    ]
    return points, legend


def _classes(values: pd.Series) -> tuple[list[str], list[LegendEntry]]:
    """Fill colour of each amount (万元) and the legend: none in grey, then up to five
    classes (natural breaks)."""
    result = classify(values.to_numpy(dtype=float), "natural_breaks", k=5)
    bins = [b for b in result.bins if b > 0]
    palette = MONEY_PALETTE[-len(bins) :] if 0 < len(bins) <= len(MONEY_PALETTE) else MONEY_PALETTE
    legend = []
    if (values <= 0).any():
        legend.append(LegendEntry("无项目支出", NO_MONEY))
    fills = []
    for v in values:
        i = next((n for n, b in enumerate(bins) if v <= b), len(bins) - 1)
        fills.append(NO_MONEY if v <= 0 else palette[min(i, len(palette) - 1)])
    lower = float(values[values > 0].min()) if (values > 0).any() else 0.0
    for i, upper in enumerate(bins):
        lo, hi = _wan_number(lower), _wan_number(upper)
        label = f"{hi}万元" if lo == hi else f"{lo}–{hi}万元"
        legend.append(LegendEntry(label, palette[min(i, len(palette) - 1)]))
        lower = upper
    return fills, legend


# ----------------------------------------------------------------------------- a village
def with_projects(panel: MapPanel, facts: Facts, within) -> MapPanel:
    """A village's map with the projects it shows (those ``within`` the metre-CRS polygon the
    map is sure to show) over its other symbols, and their legend lines."""
    points, legend = project_points(facts, within)
    if points is None:
        return panel
    old = panel.layers.points
    if old is not None and len(old):
        points = pd.concat([old, points.to_crs(old.crs)], ignore_index=True)
    # the projects' lines before the outline, road and river lines (the map's base)
    base = [e for e in panel.legend if e.kind in ("outline", "line", "dashed")]
    rest = [e for e in panel.legend if e not in base]
    return replace(
        panel,
        layers=replace(panel.layers, points=points),
        legend=(*rest, *legend, *base),
    )


def village_money_tiles(facts: Facts, code: str) -> tuple[Tile, ...]:
    """A village's projects and money up to the year as two key figures (beside its six they
    make two rows of four, no taller): projects with the money spent, and 元 per household
    lifted with the households reached. None when the workspace has no projects; 暂无项目
    when the village had none by then."""
    if not len(facts.past["projects"]):
        return ()
    money = village_money(facts)
    t = totals(money[money["code"] == code])
    if not t["projects"]:
        return (Tile("帮扶项目（累计）", "暂无项目"),)
    return (
        Tile(
            "帮扶项目（累计）",
            f"{int(t['projects']):,}个",
            f"已支出 {wan(t['spent_wan'])}",
        ),
        Tile(
            "每脱贫户投入",
            yuan(t["yuan_per_exit"]),
            f"受益 {households(t['households_reached'])}",
        ),
    )
