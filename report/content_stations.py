"""The brief's 电商网点运营: one compact table on the township's (or county's) page of what its
e-commerce stations delivered in the year, against the plan's targets (``[stations]`` of the
rules, as :func:`analysis.station_ops.report` holds them to).

Stations by tier working against the target, villages with a village station of their own
against the target share, those within reach of a station (the key figure of the page's
tiles, not counted again), online sales and poor households served with the change since
last year (this year's total less last year's), people trained and the income gain
against their targets.

Only when the place's stations had reported by then (a ``station_operations`` row of the
year or before): a workspace without such rows prints nothing, never zeros as if real. The
rows are read from the workspace as it is now: a year's figures are reported after the year
ends, so the workspace at the year's end would not hold them yet.
"""

from __future__ import annotations

from collections.abc import Callable

from ..analysis import key_figures, station_ops
from .content_facts import Facts, households, pct
from .content_money import wan
from .pdf_model import Table

TITLE = "电商网点运营"


def station_block(facts: Facts) -> Table | None:
    """The place's stations in the brief's year against the targets; None when no station
    had reported by then."""
    if not station_ops.reported_by(facts.ws, facts.year):
        return None
    rep = station_ops.report(facts.ws, facts.rules, facts.year)
    t, g = rep.totals, rep.targets
    reported = bool(rep.stations["reported"].any())
    rows = [
        _tier(
            "乡镇电商服务中心（运营）",
            t["operating_township_ecommerce"],
            g["operating_township_ecommerce"],
        ),
        _tier(
            "村级电商服务站（运营）",
            t["operating_village_station"],
            g["village_stations"],
            _shut(t["closed"], t["suspended"]),
        ),
        (
            "本村有服务站的行政村（运营）",
            f"{t['villages_with_own_station']} / {t['villages']}个（{pct(t['village_share'], 0)}）",
            f"≥{pct(g['village_share'], 0)}",
            "",
            _tone(t["village_share"], g["village_share"]),
        ),
        _reach(facts.headline["ecommerce_villages"]),
    ]
    if reported:
        rows += [
            (
                "农产品网销额",
                wan(t["sales_wan"]),
                "—",
                _change(t["sales_wan_change"], wan),
                "",
            ),
            (
                "服务贫困户",
                households(t["poor_served"]),
                "—",
                _change(t["poor_served_change"], households),
                "",
            ),
            _against("电商培训", t["trained"], g["trained"], "人次"),
            _against(
                "带动贫困户户均增收",
                t["income_gain"],
                g["income_gain"],
                "元",
                f"带动网销 {households(t['poor_selling'])}" if t["poor_selling"] else "",
            ),
        ]
    else:
        rows.append(("网销额、服务贫困户、培训", "—", "", f"{facts.year}年未报送", ""))
    return Table(
        f"{TITLE}（{facts.year}年，实际与规划目标）",
        ("指标", f"{facts.year}年", "目标", "说明"),
        tuple(r[:4] for r in rows),
        align="LRRL",
        widths=(1.9, 1.35, 0.8, 1.45),
        tone_column=1,
        tones=tuple(r[4] for r in rows),
        movable=True,  # after the villages' table: on a next page rather than cut it
    )


def _tone(value: float, target: float) -> str:
    return "good" if value >= target else "bad"


def _tier(label: str, working: int, target: int, note: str = "") -> tuple[str, ...]:
    return (label, f"{working:,}个", f"{target:,}个", note, _tone(working, target))


def _shut(closed: int, suspended: int) -> str:
    """The closed and suspended stations in words (``关闭1个、暂停1个``)."""
    parts = [f"{word}{n:,}个" for word, n in (("关闭", closed), ("暂停", suspended)) if n]
    return "、".join(parts)


def _reach(reach: key_figures.Figure) -> tuple[str, ...]:
    km = f"{key_figures.VILLAGE_RADIUS_M / 1000:g}/{key_figures.TOWNSHIP_RADIUS_M / 1000:g}"
    return (
        "服务半径内有网点的行政村",
        f"{int(reach.value)} / {reach.total}个",
        "—",
        f"{km}公里内有网点",
        "",
    )


def _change(change: float | None, amount: Callable[[float], str]) -> str:
    """The change since last year in words (较上年增加 12.5万元); "" without last year's."""
    if change is None:
        return ""
    if round(change, 6) == 0:
        return "与上年持平"
    return f"较上年{'增加' if change > 0 else '减少'} {amount(abs(change))}"


def _against(
    label: str, value: float | None, target: float, unit: str, note: str = ""
) -> tuple[str, ...]:
    """A figure against its target (``—`` when no station said)."""
    if value is None:
        return (label, "—", f"{target:,.0f}{unit}", note, "")
    return (label, f"{value:,.0f}{unit}", f"{target:,.0f}{unit}", note, _tone(value, target))
