"""The figures, charts, tables and notes of a brief's pages, from its :class:`Facts`."""

from __future__ import annotations

import pandas as pd

from ..analysis import gaps, key_figures, poverty
from ..geo import levels
from ..geo.schema import CATEGORY_GROUP, INDICATOR_FLAGS, LAYERS
from .content_facts import Facts, change_words, households, pct, people, status_words
from .pdf_model import BarChart, Table, TextBlock, Tile

CHART_TITLE = "历年年末未脱贫人口（人）"


# ----------------------------------------------------------------------------- key figures
def township_tiles(facts: Facts) -> tuple[Tile, ...]:
    """The township's key figures (the meeting page's): remaining poor, incidence, poor
    villages exited, monitored households; then e-commerce coverage and relocation."""
    figs = facts.headline
    out = []
    f = figs["poor_people"]
    note, tone = change_words(f.change, "人")
    out.append(Tile("年末未脱贫人口", people(f.value), note, tone))
    f = figs["incidence"]
    note, tone = change_words(None if f.change is None else f.change * 100, "个百分点")
    out.append(Tile("贫困发生率", pct(f.value), note, tone))
    out.append(_exited_tile(figs["poor_villages_exited"]))
    f = figs["monitored_households"]
    note, tone = change_words(f.change, "户")
    out.append(Tile("防返贫监测户", households(f.value), note, "warn" if tone == "bad" else tone))
    # second row (four a row): the two e-commerce figures side by side, then relocation
    target = facts.rules.station_targets.village_share
    out += _ecommerce_tiles(figs["ecommerce_villages"], figs["ecommerce_station_villages"], target)
    out.append(_relocation_tile(facts, figs["relocation_moved_share"]))
    return tuple(out)


def _exited_tile(f: key_figures.Figure) -> Tile:
    """Poor villages exited of all registered poor villages."""
    if not f.total:
        return Tile("贫困村出列", "—", "无建档贫困村")
    left = f.total - int(f.value)
    note, tone = ("全部出列", "good") if left == 0 else (f"尚有 {left} 个未出列", "bad")
    return Tile("贫困村出列", f"{int(f.value)} / {f.total}个", note, tone)


def _ecommerce_tiles(
    reach: key_figures.Figure, own: key_figures.Figure, target: float
) -> list[Tile]:
    """The two e-commerce coverage figures, each with its definition: villages within
    reach of a station (village stations 3 km, the township centre 5 km), and villages
    with a station of their own (the county plans' figure, against ``target``: the rules'
    share, 90 % by default)."""
    km = f"{key_figures.VILLAGE_RADIUS_M / 1000:g}/{key_figures.TOWNSHIP_RADIUS_M / 1000:g}"
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


def _relocation_tile(facts: Facts, f: key_figures.Figure) -> Tile:
    """The share of planned relocation households moved in."""
    planned = int(pd.to_numeric(facts.ws["relocation_sites"]["planned_households"]).sum())
    if not planned:
        return Tile("易地搬迁入住率", "—", "无安置点")
    return Tile("易地搬迁入住率", pct(f.value, 0), f"计划搬迁 {planned:,}户")


def village_tiles(facts: Facts, code: str) -> tuple[Tile, ...]:
    """A village's key figures: population, the register, remaining poor (and the change
    since last year), incidence against the exit threshold, fallen back, monitored."""
    i = facts.codes.index(code)
    fig = facts.figures.iloc[i]
    vrow = facts.past.villages.iloc[i]
    year = facts.year
    before = float(facts.by_year[year - 1].iloc[i]["poor_people"]) if year > facts.first else None
    note, tone = change_words(None if before is None else fig["poor_people"] - before, "人")
    remaining = f"{int(fig['poor_households']):,}户"
    threshold = facts.rules.village_exit.max_incidence
    return (
        Tile("户籍人口", people(fig["population"]), f"{int(vrow['households']):,}户"),
        Tile(
            "建档立卡（累计）",
            households(fig["registered_households"]),
            f"{int(fig['registered_people']):,}人",
        ),
        Tile(
            "年末未脱贫",
            people(fig["poor_people"]),
            f"{remaining} · {note}" if note else remaining,
            tone,
        ),
        Tile(
            "贫困发生率",
            pct(fig["incidence"]),
            f"出列标准 低于 {threshold * 100:g}%",
            "good" if fig["incidence"] < threshold else "bad",
        ),
        Tile("返贫户（累计）", households(fig["returned_households"])),
        Tile("防返贫监测户", households(fig["monitored_households"])),
    )


# ----------------------------------------------------------------------------- charts
def township_chart(facts: Facts) -> BarChart:
    """The township's remaining poor people at each year's end, the brief's year in red."""
    series = poverty.figures_by_year(facts.ws, facts.years)
    return BarChart(
        CHART_TITLE,
        tuple(str(y) for y in series["year"]),
        tuple(float(v) for v in series["poor_people"]),
        tuple(f"{int(v):,}" for v in series["poor_people"]),
        highlight=len(series) - 1,
    )


def village_chart(facts: Facts, code: str) -> BarChart:
    """A village's remaining poor people at each year's end, the brief's year in red."""
    i = facts.codes.index(code)
    values = [float(facts.by_year[y].iloc[i]["poor_people"]) for y in facts.years]
    return BarChart(
        CHART_TITLE,
        tuple(str(y) for y in facts.years),
        tuple(values),
        tuple(f"{int(v):,}" for v in values),
        highlight=len(values) - 1,
    )


# ----------------------------------------------------------------------------- tables
def village_table(facts: Facts) -> Table:
    """Every village's remaining poor and exit status, and the township's total."""
    planned = dict(zip(facts.codes, facts.past.villages["planned_exit_year"], strict=True))
    rows, tones = [], []
    for r in facts.status.to_dict("records"):
        text, tone = status_words(r, planned.get(r["code"]))
        rows.append(
            (
                str(r["name"]),
                f"{r['poor_households']:,}",
                f"{r['poor_people']:,}",
                pct(r["incidence"]),
                text,
            )
        )
        tones.append(tone)
    totals = poverty.township_totals(facts.past.villages, facts.past.households, facts.year)
    rows.append(
        (
            "全镇合计",
            f"{totals['poor_households']:,}",
            f"{totals['poor_people']:,}",
            pct(totals["incidence"]),
            f"贫困村出列 {totals['poor_villages_exited']}/{totals['poor_villages']}",
        )
    )
    tones.append("")
    return Table(
        f"各村情况（{facts.year}年末）",
        ("村名", "未脱贫户", "未脱贫人", "贫困发生率", "出列情况"),
        tuple(rows),
        align="LRRRL",
        widths=(1.35, 0.95, 0.95, 1.05, 2.0),
        tone_column=4,
        tones=tuple(tones),
        total_row=True,
    )


def township_table(facts: Facts) -> Table:
    """A county's townships: villages, remaining poor, poor villages exited; and the total."""
    rows = []
    for town in levels.townships(facts.past):
        mine = levels.within(facts.past, town)
        t = poverty.township_totals(mine.villages, mine.households, facts.year)
        rows.append(_town_row(town.name, t))
    totals = poverty.township_totals(facts.past.villages, facts.past.households, facts.year)
    rows.append(_town_row("全县合计", totals))
    return Table(
        f"各乡镇情况（{facts.year}年末）",
        ("乡镇", "行政村", "未脱贫户", "未脱贫人", "贫困发生率", "贫困村出列"),
        tuple(rows),
        align="LRRRRR",
        widths=(1.35, 0.8, 0.95, 0.95, 1.05, 1.1),
        total_row=True,
    )


def _town_row(name: str, t: dict) -> tuple[str, ...]:
    return (
        name,
        f"{t['villages']:,}",
        f"{t['poor_households']:,}",
        f"{t['poor_people']:,}",
        pct(t["incidence"]),
        f"{t['poor_villages_exited']}/{t['poor_villages']}",
    )


def category_table(facts: Facts, code: str) -> Table:
    """A village's register by category (贫困户属性): registered and remaining, and the total."""
    hh = facts.past.households
    cats = poverty.by_category(hh[hh["village_code"].astype(str) == code], facts.year)
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
    totals = ("households", "persons", "remaining_households", "remaining_persons")
    rows.append(("合计", "", *(f"{int(cats[c].sum()):,}" for c in totals)))
    return Table(
        "按贫困户属性（建档立卡累计 / 年末未脱贫）",
        ("贫困户属性", "类别", "建档户", "建档人", "未脱贫户", "未脱贫人"),
        tuple(rows),
        align="LLRRRR",
        widths=(1.5, 1.2, 1, 1, 1.05, 1.05),
        total_row=True,
    )


# ----------------------------------------------------------------------------- notes
def exit_block(facts: Facts, st: dict, status_text: str, tone: str) -> TextBlock:
    """A village's exit status checked against the exit rules: what it lacks and what it
    would take, or that it meets them all."""
    lines, tones = [f"状态：{status_text}"], [tone]
    unmet = st["unmet"]
    threshold = facts.rules.village_exit.max_incidence
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
    title = f"出列情况（{facts.year}年末，按出列标准核查）"
    return TextBlock(title, tuple(lines), tuple(tones))


def gaps_block(facts: Facts, code: str) -> TextBlock:
    """A village's infrastructure gaps: the indicators it misses, dangerous houses,
    households without safe water and the collective's income."""
    table = gaps.village_gaps(facts.past["indicators"], facts.year)
    row = table[table["village_code"].astype(str) == code]
    if row.empty:
        return TextBlock("基础设施短板", ("暂无该村的基础设施指标",), ("warn",))
    r = row.iloc[0]
    lines, tones = [], []
    missing = [m for m in r["missing"] if m in INDICATOR_FLAGS]
    if missing:
        lines.append("尚未达标：" + "、".join(LAYERS["indicators"].column(m).zh for m in missing))
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
