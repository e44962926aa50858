"""What a printed brief says: the township page and the village pages, as plain data.

:func:`brief_content` gathers the figures, tables, texts and map layers of a brief at the end
of a year; :func:`township_atlas.report.pdf.render` sets them on paper. Figures for the
year come from the workspace as it stood then (the change history replayed, as on the
progress page), so a brief for a past year says what the office knew at its end; the key
figures are those of the meeting page (:mod:`township_atlas.analysis.key_figures`).

A page is assembled in named steps from the :class:`~.content_facts.Facts` of the year (the
workspace at its end, computed once per brief): its key figures, chart, tables and notes
(:mod:`~township_atlas.report.content_figures`) and its map
(:mod:`~township_atlas.report.content_maps`).

Pure: no file IO, no rendering. Only totals by village and by category appear: no household,
and no personal data (the workspace holds none).
"""

from __future__ import annotations

import pandas as pd

from ..analysis import poverty
from ..geo import levels
from ..geo.rules import Rules, workspace_rules
from ..geo.workspace import Workspace, is_demo
from .content_facts import STATUS_ZH, Facts, status_words
from .content_figures import (
    category_table,
    exit_block,
    gaps_block,
    township_chart,
    township_table,
    township_tiles,
    village_chart,
    village_table,
    village_tiles,
)
from .content_maps import (
    FACILITY_SYMBOLS,
    FOCUS_EDGE,
    FOCUS_FILL,
    GAP_LEGEND,
    NEIGHBOUR_FILL,
    PALETTE,
    ROAD_LEGEND,
    SITE_SYMBOL,
    TIER_SYMBOLS,
    ZERO_COLOUR,
    county_map,
    reach,
    township_area,
    township_map,
    village_map,
)
from .content_money import money_pages, village_money_tiles, with_projects
from .content_stations import station_block
from .pdf_model import Brief, MapPanel, Page

__all__ = [
    "FACILITY_SYMBOLS",
    "FOCUS_EDGE",
    "FOCUS_FILL",
    "GAP_LEGEND",
    "NEIGHBOUR_FILL",
    "PALETTE",
    "ROAD_LEGEND",
    "SITE_SYMBOL",
    "STATUS_ZH",
    "TIER_SYMBOLS",
    "ZERO_COLOUR",
    "brief_content",
    "demo_notice",
    "township_page",
    "village_page",
]


def brief_content(
    ws: Workspace,
    year: int | None = None,
    *,
    village: str | None = None,
    pack: bool = False,
    rules: Rules | None = None,
    map_projects: bool = False,
) -> Brief:
    """The brief at the end of ``year`` (default: the workspace's latest).

    One township page (and, when the workspace has projects, its 帮扶项目与资金 page); with
    ``village`` (a code, or a name) that village's page instead; with ``pack`` the township
    pages and then one page per village, in the villages' order.
    ``rules`` default to the workspace's stored exit rules. ``map_projects``: the township
    page's map shows the projects too (a picture of the map with its 扶贫项目 layer; a
    village's map always has them, as a layer an export may leave out). Raises
    ``ValueError`` for a year outside the workspace's years or an unknown village.
    """
    if village is not None and pack:
        raise ValueError("a pack already has a page per village: ask for one or the other")
    first, last = poverty.workspace_years(ws.households, ws["indicators"])
    if year is None:
        year = last
    if not first <= year <= last:
        raise ValueError(f"year {year} is outside the workspace's years {first}–{last}")
    rules = rules if rules is not None else workspace_rules(ws.meta)
    facts = Facts(ws, int(year), first, rules)
    towns = levels.townships(ws)
    if village is not None:
        pages = [village_page(facts, _village_code(ws, village))]
    elif len(towns) > 1:  # a county: its page, then (pack) a page per township
        pages = [township_page(facts, county=True), *money_pages(facts, county=True)]
        if pack:
            for t in towns:
                town = Facts(levels.within(ws, t), int(year), first, rules)
                pages += [township_page(town), *money_pages(town)]
    else:
        # the projects and their money follow the township's page (when there are any)
        pages = [township_page(facts, projects=map_projects), *money_pages(facts)]
        if pack:
            pages += [village_page(facts, code) for code in facts.codes]
    parts = "含各乡镇" if len(towns) > 1 else "含各村"
    return Brief(
        title=pages[0].title
        if len(pages) == 1
        else f"{facts.township}扶贫工作简报（{year}年，{parts}）",
        pages=tuple(pages),
        source=ws.meta.get("source") or "未注明",
        data_date=ws.meta.get("data_date") or "未注明",
        keywords=(facts.township, str(year), "扶贫", "简报"),
        notice=demo_notice(ws, facts.township),
    )


def demo_notice(ws: Workspace, township: str) -> str:
    """The warning a brief of the demo workspace carries on every page ("" for real data):
    its households, indicators, stations, relocation and assistance are invented."""
    if not is_demo(ws.meta):
        return ""
    return (
        f"演示数据：{township}的户、指标、网点、搬迁与帮扶数据均为虚构，"
        "仅供演示，不得作为实际情况引用"
    )


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


# ----------------------------------------------------------------------------- the pages
def township_page(facts: Facts, *, county: bool = False, projects: bool = False) -> Page:
    """The township's page: the register, the map of remaining poor by village, the key
    figures, remaining poor by year, the table of the villages and its stations against the
    plan's targets (when they have reported: on a next page when the table fills this one);
    a ``county``'s page has the table of its townships instead. ``projects``: the
    assistance projects on its map."""
    year = facts.year
    population = int(facts.figures["population"].sum())
    towns = f"{len(levels.townships(facts.ws))}个乡镇" if county else ""
    subtitle = (
        facts.region,
        towns,
        f"{len(facts.codes)}个行政村（社区）",
        f"户籍人口 {population:,}人",
    )
    return Page(
        title=f"{facts.township}扶贫工作简报（{year}年）",
        subtitle=" · ".join(p for p in subtitle if p),
        map=county_map(facts) if county else _township_map(facts, projects),
        tiles=township_tiles(facts),
        chart=township_chart(facts),
        blocks=(
            township_table(facts) if county else village_table(facts),
            *(b for b in (station_block(facts),) if b is not None),
        ),
        corner=facts.corner,
        lead=(facts.register_line(),),
    )


def _township_map(facts: Facts, projects: bool) -> MapPanel:
    panel = township_map(facts)
    return with_projects(panel, facts, township_area(facts)) if projects else panel


def village_page(facts: Facts, code: str) -> Page:
    """Village ``code``'s page: its register, its map among its neighbours, its key
    figures (with its projects and money when the workspace has projects), remaining poor
    by year, its register by category, its exit status and its infrastructure gaps."""
    i = facts.codes.index(code)
    vrow = facts.past.villages.iloc[i]
    st = facts.status.iloc[i].to_dict()
    status_text, status_tone = status_words(st, vrow.get("planned_exit_year"))
    kind = "村情" if vrow.get("kind") == "村" else ""
    return Page(
        title=f"{facts.names[code]}{kind}简报（{facts.year}年）",
        subtitle=_village_subtitle(facts, code, vrow, status_text),
        map=with_projects(
            village_map(facts, code), facts, reach(facts, facts.ws.villages[i : i + 1])
        ),
        tiles=(*village_tiles(facts, code), *village_money_tiles(facts, code)),
        lead=(facts.register_line(code),),
        chart=village_chart(facts, code),
        blocks=(
            category_table(facts, code),
            exit_block(facts, st, status_text, status_tone),
            gaps_block(facts, code),
        ),
        corner=facts.corner,
    )


def _village_subtitle(facts: Facts, code: str, vrow: pd.Series, status_text: str) -> str:
    """Where the village is, what kind, its code and exit status, and whether it is a pilot
    or an ethnic village."""
    kind = {"村": "行政村", "居委会": "居委会（社区）"}.get(str(vrow.get("kind")), "")
    pilot = "试点村" if bool(pd.notna(vrow.get("pilot")) and vrow.get("pilot")) else ""
    ethnic = vrow.get("ethnic")
    ethnic_text = f"{ethnic}民族村" if pd.notna(ethnic) and ethnic else ""
    parts = (
        f"{facts.region}{facts.township}",
        kind,
        f"代码 {code}",
        status_text,
        pilot,
        ethnic_text,
    )
    return " · ".join(p for p in parts if p)
