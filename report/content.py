"""What a printed brief says: the township page and the village pages, as plain data.

:func:`brief_content` gathers the figures, tables, texts and map layers of a brief at the end
of a year; :func:`township_atlas.report.pdf.render` sets them on paper. Figures for the
year come from the workspace as it stood then (the change history replayed, as on the
progress page), so a brief for a past year says what the office knew at its end; the key
figures are those of the meeting page (:mod:`township_atlas.analysis.key_figures`).

Pure: no file IO, no rendering. Only totals by village and by category appear: no household,
and no personal data (the workspace holds none).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from ..analysis import exit_rules, gaps, key_figures, poverty
from ..analysis.classify import classify
from ..geo import history
from ..geo.crs import to_metric
from ..geo.rules import Rules, workspace_rules
from ..geo.schema import CATEGORY_GROUP, INDICATOR_FLAGS, LAYERS
from ..geo.workspace import Workspace, is_demo
from .pdf import (
    BADGE,
    BarChart,
    Brief,
    LegendEntry,
    MapPanel,
    Page,
    Table,
    TextBlock,
    Tile,
)
from .static_map import OUTLINE_COLOUR, RIVER_COLOUR, ROAD_STYLE, MapLayers

#: Fill colours of remaining poor people, low to high, and of villages with none: the
#: dashboard map's (``dashboard/view.py``), so the printed map reads like the screen.
PALETTE = ("#fff5d6", "#fdd49e", "#fc8d59", "#e34a33", "#b30000")
ZERO_COLOUR = "#f2f2f2"
#: The village of a village page, and its neighbours.
FOCUS_FILL, FOCUS_EDGE, NEIGHBOUR_FILL = "#fdd49e", "#b30000", "#f2f2f2"

#: Village exit status as the brief says it, with the tone of the words.
STATUS_ZH = {
    "not_poor_village": ("非贫困村", ""),
    "poor_not_exited": ("贫困村·未出列", "bad"),
    "exited": ("已出列", "good"),
    "exited_failing": ("已出列·现不达标", "warn"),
}
#: The e-commerce tiers as the dashboard draws them (``dashboard/view.py`` TIER_STYLE, sizes
#: in the same proportions): kind, legend text, colour, size (pt).
TIER_SYMBOLS = (
    ("county_logistics", "县级物流中心", "#08306b", 7.8),
    ("township_ecommerce", "乡镇电商服务中心", "#2171b5", 6.8),
    ("village_station", "村级电商服务站", "#41ab5d", 5.6),
)
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


def brief_content(
    ws: Workspace,
    year: int | None = None,
    *,
    village: str | None = None,
    pack: bool = False,
    rules: Rules | None = None,
) -> Brief:
    """The brief at the end of ``year`` (default: the workspace's latest).

    One township page; with ``village`` (a code, or a name) that village's page instead; with
    ``pack`` the township page and then one page per village, in the villages' order.
    ``rules`` default to the workspace's stored exit rules. Raises ``ValueError`` for a year
    outside the workspace's years or an unknown village.
    """
    if village is not None and pack:
        raise ValueError("a pack already has a page per village: ask for one or the other")
    first, last = poverty.workspace_years(ws.households, ws["indicators"])
    if year is None:
        year = last
    if not first <= year <= last:
        raise ValueError(f"year {year} is outside the workspace's years {first}–{last}")
    rules = rules if rules is not None else workspace_rules(ws.meta)
    ctx = _Context(ws, int(year), first, rules)
    if village is not None:
        pages = [ctx.village_page(_village_code(ws, village))]
    else:
        pages = [ctx.township_page()]
        if pack:
            pages += [ctx.village_page(code) for code in ctx.codes]
    return Brief(
        title=pages[0].title
        if len(pages) == 1
        else f"{ctx.township}扶贫工作简报（{year}年，含各村）",
        pages=tuple(pages),
        source=ws.meta.get("source") or "未注明",
        data_date=ws.meta.get("data_date") or "未注明",
        keywords=(ctx.township, str(year), "扶贫", "简报"),
        notice=demo_notice(ws, ctx.township),
    )


def demo_notice(ws: Workspace, township: str) -> str:
    """The warning a brief of the demo workspace carries on every page ("" for real data):
    its households, indicators, stations and relocation are invented."""
    if not is_demo(ws.meta):
        return ""
    return f"演示数据：{township}的户、指标、网点与搬迁数据均为虚构，仅供演示，不得作为实际情况引用"


def _village_code(ws: Workspace, village: str) -> str:
    """The code of ``village`` given as its code or its name."""
    codes = ws.villages["code"].astype(str)
    wanted = str(village).strip()
    if wanted in set(codes):
        return wanted
    by_name = codes[ws.villages["name"].astype(str) == wanted]
    if len(by_name) == 1:
        return str(by_name.iloc[0])
    raise ValueError(
        f"no village {wanted!r} in this workspace: give one of its {len(codes)} village codes "
        f"({codes.iloc[0]} … {codes.iloc[-1]}) or names"
    )


# ----------------------------------------------------------------------------- formatting
def _people(n: float) -> str:
    return f"{round(n):,}人"


def _households(n: float) -> str:
    return f"{round(n):,}户"


def _pct(share: float, digits: int = 2) -> str:
    return f"{share * 100:.{digits}f}%"


def _change(change: float | None, unit: str, lower_is_better: bool = True) -> tuple[str, str]:
    """The change since last year in words (较上年减少 565人) and its tone (good, bad or
    neutral); no words in the register's first year (``change`` None)."""
    if change is None:
        return "", "neutral"
    if round(change, 6) == 0:
        return "与上年持平", "neutral"
    better = (change < 0) == lower_is_better
    word = "减少" if change < 0 else "增加"
    amount = abs(change)
    text = f"{amount:,.2f}" if unit == "个百分点" else f"{round(amount):,}"
    if unit == "个百分点":
        word = "下降" if change < 0 else "上升"
    return f"较上年{word} {text}{unit}", "good" if better else "bad"


def _status(row: dict, planned_exit: object = None) -> tuple[str, str]:
    """A village's exit status in words (with its year) and the tone."""
    text, tone = STATUS_ZH.get(row["status"], (row["status"], ""))
    exit_year = row["exit_year"]
    if row["status"] in ("exited", "exited_failing") and not pd.isna(exit_year):
        text = f"{int(exit_year)}年出列" + (
            "·现不达标" if row["status"] == "exited_failing" else ""
        )
    elif row["status"] == "poor_not_exited":
        if row["meets_rules"]:
            text, tone = "贫困村·未出列（已达标）", "warn"
        elif planned_exit is not None and not pd.isna(planned_exit):
            text += f"（计划{int(planned_exit)}年）"
    return text, tone


def _flag_zh(name: str) -> str:
    return LAYERS["indicators"].column(name).zh


# ----------------------------------------------------------------------------- the pages
class _Context:
    """Everything the pages of one brief share, computed once."""

    def __init__(self, ws: Workspace, year: int, first: int, rules: Rules):
        self.ws, self.year, self.first, self.rules = ws, year, first, rules
        self.past = history.state_at(ws, f"{year}-12-31")
        past = self.past
        self.codes = [str(c) for c in ws.villages["code"]]
        self.names = dict(zip(self.codes, ws.villages["name"].astype(str), strict=True))
        town = ws.township.iloc[0] if len(ws.township) else None
        self.township = str(
            (town["name"] if town is not None else None) or ws.meta.get("township_name") or "乡镇"
        )
        region = [
            (town[c] if town is not None and c in town and pd.notna(town[c]) else None)
            or ws.meta.get(c, "")
            for c in ("province", "city", "county")
        ]
        self.region = "".join(str(r) for r in region if r)
        self.illustrative = (
            str(ws.meta.get("illustrative", "")).lower() == "true"
            or bool(ws.villages["illustrative"].astype("boolean").fillna(False).any())
            or bool(ws.township["illustrative"].astype("boolean").fillna(False).any())
        )
        self.status = exit_rules.village_status(
            past.villages, past.households, past["indicators"], year, rules
        )
        self.figures = poverty.village_figures(past.villages, past.households, year)
        self.years = list(range(first, year + 1))
        self._by_year: dict[int, pd.DataFrame] | None = None
        self.polygons = dict(zip(self.codes, ws.villages.geometry, strict=True))
        self.metric_crs = to_metric(ws.villages).crs
        self.corner = (f"{year}年末", f"数据截至 {ws.meta.get('data_date') or '未注明'}")

    # ------------------------------------------------------------------ shared
    def register_line(self, code: str | None = None) -> str:
        """The register in one sentence (the township's, or village ``code``'s) at the year's
        end: 建档立卡 N户 M人, of which exited, remaining, fallen back, monitored."""
        hh = self.past.households
        if code is not None:
            hh = hh[hh["village_code"].astype(str) == code]
        return poverty.register_sentence(poverty.register_figures(hh, self.year), "zh")

    def village_series(self) -> dict[int, pd.DataFrame]:
        """Each year's village figures (the register as it stood at that year's end)."""
        if self._by_year is None:
            self._by_year = {}
            for y in self.years:
                state = history.state_at(self.ws, f"{y}-12-31")
                self._by_year[y] = poverty.village_figures(state.villages, state.households, y)
        return self._by_year

    def base_layers(self) -> dict:
        ws = self.ws
        return {
            "outline": ws.township,
            "roads": ws["roads"] if len(ws["roads"]) else None,
            "rivers": ws["rivers"] if len(ws["rivers"]) else None,
        }

    def line_legend(self, within=None) -> list[LegendEntry]:
        """Legend lines of the outline, the road classes and rivers (those crossing the
        metre-CRS polygon ``within`` when given: what a zoomed map shows)."""

        def near(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
            if within is None or not len(frame):
                return frame
            return frame[to_metric(frame, self.metric_crs).intersects(within).to_numpy()]

        out = [LegendEntry("乡镇界", OUTLINE_COLOUR, "outline", 1.6)]
        roads = near(self.ws["roads"])
        present = set(roads["road_class"]) if len(roads) else set()
        for classes, label in ROAD_LEGEND:
            hit = [c for c in classes if c in present]
            if hit:
                colour, width, _ = ROAD_STYLE[hit[0]]
                out.append(LegendEntry(label, colour, "line", width, layer="roads"))
        if len(roads) and not roads["paved"].astype("boolean").fillna(True).all():
            out.append(
                LegendEntry("未硬化道路", ROAD_STYLE["村道"][0], "dashed", 0.9, layer="roads")
            )
        if len(near(self.ws["rivers"])):
            out.append(LegendEntry("河流", RIVER_COLOUR, "line", 1.1, layer="rivers"))
        return out

    def tiles(self) -> tuple[Tile, ...]:
        figs = {f.key: f for f in key_figures.key_figures(self.ws, self.year, self.first)}
        out = []
        f = figs["poor_people"]
        note, tone = _change(f.change, "人")
        out.append(Tile("年末未脱贫人口", _people(f.value), note, tone))
        f = figs["incidence"]
        note, tone = _change(None if f.change is None else f.change * 100, "个百分点")
        out.append(Tile("贫困发生率", _pct(f.value), note, tone))
        f = figs["poor_villages_exited"]
        if f.total:
            left = f.total - int(f.value)
            note, tone = ("全部出列", "good") if left == 0 else (f"尚有 {left} 个未出列", "bad")
            out.append(Tile("贫困村出列", f"{int(f.value)} / {f.total}个", note, tone))
        else:
            out.append(Tile("贫困村出列", "—", "无建档贫困村"))
        f = figs["monitored_households"]
        note, tone = _change(f.change, "户")
        out.append(
            Tile("防返贫监测户", _households(f.value), note, "warn" if tone == "bad" else tone)
        )
        # second row (four a row): the two e-commerce figures side by side, then relocation
        out += self.ecommerce_tiles(figs["ecommerce_villages"], figs["ecommerce_station_villages"])
        f = figs["relocation_moved_share"]
        planned = int(pd.to_numeric(self.ws["relocation_sites"]["planned_households"]).sum())
        if planned:
            out.append(Tile("易地搬迁入住率", _pct(f.value, 0), f"计划搬迁 {planned:,}户"))
        else:
            out.append(Tile("易地搬迁入住率", "—", "无安置点"))
        return tuple(out)

    def ecommerce_tiles(self, reach: key_figures.Figure, own: key_figures.Figure) -> list[Tile]:
        """The two e-commerce coverage figures, each with its definition: villages within
        reach of a station (village stations 3 km, the township centre 5 km), and villages
        with a station of their own (the county plans' figure, against their 90 % target)."""
        km = f"{key_figures.VILLAGE_RADIUS_M / 1000:g}/{key_figures.TOWNSHIP_RADIUS_M / 1000:g}"
        target = key_figures.STATION_VILLAGE_TARGET
        out = []
        for f, label in ((reach, "电商服务覆盖行政村"), (own, "有电商服务站的行政村")):
            share = f.value / f.total if f.total else 0.0
            if f is reach:
                note, tone = f"{share:.0%}·{km} 公里内有网点", "neutral"
            else:
                note = f"{share:.0%}，目标 ≥{target:.0%}"
                tone = "good" if share >= target else "bad"
            out.append(Tile(label, f"{int(f.value)} / {f.total}个", note, tone))
        return out

    # ------------------------------------------------------------------ township
    def township_page(self) -> Page:
        year = self.year
        values = self.figures["poor_people"].astype(float)
        fills, classes = _classes(values)
        areas = gpd.GeoDataFrame(
            {"fill": fills, "edge": "#6e6e6e", "edge_width": 0.5},
            geometry=self.ws.villages.geometry.to_numpy(),
            crs=self.ws.villages.crs,
        )
        labels = self.village_labels(
            self.codes,
            notes={
                c: _people(n)
                for c, n in zip(self.codes, self.figures["poor_people"], strict=True)
                if n > 0
            },
        )
        # what the dashboard's map shows over the villages: stations, sites and gap badges
        points, point_legend = self.map_points(self.township_area())
        panel = MapPanel(
            MapLayers(areas, points=points, **self.base_layers()),
            labels,
            f"年末未脱贫人口（{year}年）",
            (*classes, *self.gap_legend(self.codes), *point_legend, *self.line_legend()),
            self.illustrative,
        )
        series = poverty.figures_by_year(self.ws, self.years)
        chart = BarChart(
            "历年年末未脱贫人口（人）",
            tuple(str(y) for y in series["year"]),
            tuple(float(v) for v in series["poor_people"]),
            tuple(f"{int(v):,}" for v in series["poor_people"]),
            highlight=len(series) - 1,
        )
        return Page(
            title=f"{self.township}扶贫工作简报（{year}年）",
            subtitle=" · ".join(
                p
                for p in (
                    self.region,
                    f"{len(self.codes)}个行政村（社区）",
                    f"户籍人口 {int(self.figures['population'].sum()):,}人",
                )
                if p
            ),
            map=panel,
            tiles=self.tiles(),
            chart=chart,
            blocks=(self.village_table(),),
            corner=self.corner,
            lead=(self.register_line(),),
        )

    def village_table(self) -> Table:
        planned = dict(zip(self.codes, self.past.villages["planned_exit_year"], strict=True))
        rows, tones = [], []
        for r in self.status.to_dict("records"):
            text, tone = _status(r, planned.get(r["code"]))
            rows.append(
                (
                    str(r["name"]),
                    f"{r['poor_households']:,}",
                    f"{r['poor_people']:,}",
                    _pct(r["incidence"]),
                    text,
                )
            )
            tones.append(tone)
        totals = poverty.township_totals(self.past.villages, self.past.households, self.year)
        rows.append(
            (
                "全镇合计",
                f"{totals['poor_households']:,}",
                f"{totals['poor_people']:,}",
                _pct(totals["incidence"]),
                f"贫困村出列 {totals['poor_villages_exited']}/{totals['poor_villages']}",
            )
        )
        tones.append("")
        return Table(
            f"各村情况（{self.year}年末）",
            ("村名", "未脱贫户", "未脱贫人", "贫困发生率", "出列情况"),
            tuple(rows),
            align="LRRRL",
            widths=(1.35, 0.95, 0.95, 1.05, 2.0),
            tone_column=4,
            tones=tuple(tones),
            total_row=True,
        )

    def village_labels(
        self, codes: list[str], notes: dict[str, str], muted: frozenset[str] = frozenset()
    ) -> gpd.GeoDataFrame:
        """Name labels of villages (named inside their polygons) with their gap badge (the
        number of infrastructure gaps, as on the dashboard's map); the smallest villages are
        placed first (they have the least room), muted ones (neighbours) last."""
        area = dict(zip(self.codes, to_metric(self.ws.villages).area, strict=True))
        order = sorted(codes, key=lambda c: (c in muted, area[c]))
        counts = self.gap_counts()
        return gpd.GeoDataFrame(
            {
                "text": [self.names[c] for c in order],
                "note": [notes.get(c, "") for c in order],
                "muted": [c in muted for c in order],
                "badge": [str(counts[c]) if c in counts else "" for c in order],
            },
            geometry=[self.polygons[c] for c in order],
            crs=self.ws.villages.crs,
        )

    # ------------------------------------------------------------------ village
    def village_page(self, code: str) -> Page:
        ws, year = self.ws, self.year
        i = self.codes.index(code)
        name = self.names[code]
        vrow = self.past.villages.iloc[i]
        fig = self.figures.iloc[i]
        st = self.status.iloc[i].to_dict()
        status_text, status_tone = _status(st, vrow.get("planned_exit_year"))

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
        reach = self.reach(focus)
        points, point_legend = self.map_points(reach, others=True)
        neighbours = [c for c in self.codes if c != code]
        labels = self.village_labels(
            [code, *neighbours],
            notes={code: f"未脱贫 {_people(fig['poor_people'])}"} if fig["poor_people"] else {},
            muted=frozenset(neighbours),
        )
        panel = MapPanel(
            MapLayers(areas, points=points, focus=focus, pad=0.22, **self.base_layers()),
            labels,
            "图例",
            (
                LegendEntry(name, FOCUS_FILL, "area"),
                LegendEntry("相邻村（社区）", NEIGHBOUR_FILL, "area"),
                *self.gap_legend(self.codes_within(reach)),
                *point_legend,
                *self.line_legend(reach),
            ),
            self.illustrative,
        )
        by_year = self.village_series()
        values = [float(by_year[y].iloc[i]["poor_people"]) for y in self.years]
        chart = BarChart(
            "历年年末未脱贫人口（人）",
            tuple(str(y) for y in self.years),
            tuple(values),
            tuple(f"{int(v):,}" for v in values),
            highlight=len(values) - 1,
        )
        before = float(by_year[year - 1].iloc[i]["poor_people"]) if year > self.first else None
        note, tone = _change(None if before is None else fig["poor_people"] - before, "人")
        threshold = self.rules.village_exit.max_incidence
        tiles = (
            Tile("户籍人口", _people(fig["population"]), f"{int(vrow['households']):,}户"),
            Tile(
                "建档立卡（累计）",
                _households(fig["registered_households"]),
                f"{int(fig['registered_people']):,}人",
            ),
            Tile(
                "年末未脱贫",
                _people(fig["poor_people"]),
                f"{int(fig['poor_households']):,}户 · {note}"
                if note
                else f"{int(fig['poor_households']):,}户",
                tone,
            ),
            Tile(
                "贫困发生率",
                _pct(fig["incidence"]),
                f"出列标准 低于 {threshold * 100:g}%",
                "good" if fig["incidence"] < threshold else "bad",
            ),
            Tile("返贫户（累计）", _households(fig["returned_households"])),
            Tile("防返贫监测户", _households(fig["monitored_households"])),
        )
        kind = {"村": "行政村", "居委会": "居委会（社区）"}.get(str(vrow.get("kind")), "")
        extra = [
            "试点村" if bool(pd.notna(vrow.get("pilot")) and vrow.get("pilot")) else "",
            f"{vrow['ethnic']}民族村"
            if pd.notna(vrow.get("ethnic")) and vrow.get("ethnic")
            else "",
        ]
        return Page(
            title=f"{name}{'村情' if vrow.get('kind') == '村' else ''}简报（{year}年）",
            subtitle=" · ".join(
                p
                for p in (
                    f"{self.region}{self.township}",
                    kind,
                    f"代码 {code}",
                    status_text,
                    *extra,
                )
                if p
            ),
            map=panel,
            tiles=tiles,
            lead=(self.register_line(code),),
            chart=chart,
            blocks=(
                self.category_table(code),
                self.exit_block(st, status_text, status_tone),
                self.gaps_block(code),
            ),
            corner=self.corner,
        )

    def reach(self, focus: gpd.GeoDataFrame, pad: float = 0.22):
        """About what a village's map shows around it (metre CRS polygon): the village widened
        by 45 % of its extent, within the box the map is sure to show (its extent and ``pad``,
        the map's padding)."""
        metric = to_metric(focus, self.metric_crs)
        xmin, ymin, xmax, ymax = metric.total_bounds
        size = max(xmax - xmin, ymax - ymin)
        shown = shapely.box(
            xmin - pad * size, ymin - pad * size, xmax + pad * size, ymax + pad * size
        )
        return metric.union_all().buffer(0.45 * size).intersection(shown)

    def township_area(self, pad: float = 0.04):
        """What the township map is sure to show (metre CRS box): the villages' extent and
        ``pad`` (the map's padding) around it."""
        xmin, ymin, xmax, ymax = to_metric(self.ws.villages, self.metric_crs).total_bounds
        size = max(xmax - xmin, ymax - ymin)
        return shapely.box(
            xmin - pad * size, ymin - pad * size, xmax + pad * size, ymax + pad * size
        )

    def gap_counts(self) -> dict[str, int]:
        """Each village's number of infrastructure gaps at the year (the dashboard's red
        badge: unmet indicators, plus one for dangerous houses and one for unsafe water)."""
        table = gaps.village_gaps(self.past["indicators"], self.year)
        return {
            str(c): int(n)
            for c, n in zip(table["village_code"], table["gap_count"], strict=True)
            if n > 0
        }

    def map_points(self, within, others: bool = False):
        """Symbols on a map and their legend lines: the e-commerce stations by tier (built by
        the year filled, planned ones as rings), relocation sites completed by the year (安),
        and with ``others`` clinics, schools and parks; only those ``within`` (a metre CRS
        polygon), as the dashboard's layers show them."""
        rows, legend = [], []

        def near(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
            if not len(frame):
                return frame
            return frame[to_metric(frame, self.metric_crs).within(within).to_numpy()]

        fac = near(self.past["facilities"])
        opened = pd.to_numeric(fac["opened_year"], errors="coerce")
        built = fac[(fac["status"] == "existing") & (opened.isna() | (opened <= self.year))]
        planned = fac[fac["status"] == "planned"]
        for kind, label, colour, size in TIER_SYMBOLS:
            for frame, hollow in ((built, False), (planned, True)):
                hit = frame[frame["kind"] == kind]
                if len(hit):
                    text = f"{label}（规划）" if hollow else label
                    marker = "ring" if hollow else "circle"
                    legend.append(LegendEntry(text, colour, marker, layer="service"))
                    rows += [
                        (g, "circle", colour, size, hollow, "", "service") for g in hit.geometry
                    ]
        if others:
            for kinds, label, marker, colour, size in FACILITY_SYMBOLS:
                hit = built[built["kind"].isin(kinds)]
                if len(hit):
                    legend.append(LegendEntry(label, colour, marker, layer="facilities"))
                    rows += [
                        (g, marker, colour, size, False, "", "facilities") for g in hit.geometry
                    ]
        sites = near(self.past["relocation_sites"])
        done = pd.to_numeric(sites["completed_year"], errors="coerce")
        sites = sites[done.isna().to_numpy() | (done <= self.year).to_numpy()]
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
            crs=self.ws.villages.crs,
        )
        return points, legend

    def codes_within(self, area) -> list[str]:
        """The villages a metre CRS polygon ``area`` touches (those a zoomed map shows)."""
        inside = to_metric(self.ws.villages, self.metric_crs).intersects(area).to_numpy()
        return [c for c, hit in zip(self.codes, inside, strict=True) if hit]

    def gap_legend(self, codes) -> list[LegendEntry]:
        """The gap badge's legend line, when any of ``codes`` has a gap."""
        counts = self.gap_counts()
        if not any(c in counts for c in codes):
            return []
        return [LegendEntry(GAP_LEGEND, BADGE, "circle", text="n", layer="gaps")]

    def category_table(self, code: str) -> Table:
        hh = self.past.households
        cats = poverty.by_category(hh[hh["village_code"].astype(str) == code], self.year)
        rows = [
            (
                str(r["category"]),
                CATEGORY_GROUP.get(r["category"], ""),
                f"{r['households']:,}",
                f"{r['persons']:,}",
                f"{r['remaining_households']:,}",
                f"{r['remaining_persons']:,}",
            )
            for r in cats.to_dict("records")
        ]
        rows.append(
            (
                "合计",
                "",
                f"{int(cats['households'].sum()):,}",
                f"{int(cats['persons'].sum()):,}",
                f"{int(cats['remaining_households'].sum()):,}",
                f"{int(cats['remaining_persons'].sum()):,}",
            )
        )
        return Table(
            "按贫困户属性（建档立卡累计 / 年末未脱贫）",
            ("贫困户属性", "类别", "建档户", "建档人", "未脱贫户", "未脱贫人"),
            tuple(rows),
            align="LLRRRR",
            widths=(1.5, 1.2, 1, 1, 1.05, 1.05),
            total_row=True,
        )

    def exit_block(self, st: dict, status_text: str, tone: str) -> TextBlock:
        lines, tones = [f"状态：{status_text}"], [tone]
        unmet = st["unmet"]
        threshold = self.rules.village_exit.max_incidence
        if unmet:
            lines.append("未达标：" + "；".join(c.text_zh for c in unmet))
            tones.append("bad" if st["poor_village"] else "warn")
            if st["gap_to_exit_zh"]:  # "需补齐：…", "还需 N 人脱贫…"
                lines.append(str(st["gap_to_exit_zh"]))
                tones.append("")
        else:
            lines.append(
                f"各项出列标准均已达到（贫困发生率低于 {threshold * 100:g}%，"
                "基础设施和公共服务指标达标）"
            )
            tones.append("good")
        return TextBlock(f"出列情况（{self.year}年末，按出列标准核查）", tuple(lines), tuple(tones))

    def gaps_block(self, code: str) -> TextBlock:
        table = gaps.village_gaps(self.past["indicators"], self.year)
        row = table[table["village_code"].astype(str) == code]
        if row.empty:
            return TextBlock("基础设施短板", ("暂无该村的基础设施指标",), ("warn",))
        r = row.iloc[0]
        lines, tones = [], []
        missing = [m for m in r["missing"] if m in INDICATOR_FLAGS]
        if missing:
            lines.append("尚未达标：" + "、".join(_flag_zh(m) for m in missing))
            tones.append("bad")
        else:
            lines.append("通路、通电、饮水、宽带、卫生室等九项指标均已达标")
            tones.append("good")
        counts = [
            f"危房 {int(r['dangerous_houses']):,}户",
            f"饮水不安全 {int(r['unsafe_water_households']):,}户",
        ]
        if pd.notna(r["collective_income"]):
            counts.append(f"村集体经济收入 {float(r['collective_income']):g}万元")
        lines.append("；".join(counts))
        tones.append("bad" if r["dangerous_houses"] or r["unsafe_water_households"] else "")
        return TextBlock(f"基础设施短板（{int(r['year'])}年指标）", tuple(lines), tuple(tones))


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
