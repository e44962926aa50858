"""``township-atlas station-report``: what each e-commerce station delivered in a year, and the
totals against the e-commerce plan's targets (``[stations]`` of the rules).

A report: it exits 0 even when stations fall short, non-zero only for an error.
"""

from __future__ import annotations

import argparse

from .common import Parents, SubParsers, print_json, table
from .monitor import _workspace_and_rules

_DESCRIPTION = (
    "Per e-commerce station: status in the year (运营/暂停/关闭), assistants, parcels, online "
    "sales of local produce (万元), poor households served and selling through it, people "
    "trained, the change since the year before, and what it falls short of; totals against "
    "the plan's targets (township centres, share of villages with a station of their own, "
    "assistants, trainees, income gain). A report: exits 0 even when stations fall short."
)
_TIER_ZH = {
    "county_logistics": "县级物流中心",
    "township_ecommerce": "乡镇电商服务中心",
    "village_station": "村级电商服务站",
}


def add_parser(sub: SubParsers, parents: Parents) -> None:
    """Register ``station-report`` on the main parser."""
    p = sub.add_parser(
        "station-report",
        help="e-commerce stations in operation: per station and totals against the targets",
        description=_DESCRIPTION,
        parents=[
            parents.workspace,
            parents.year("report this year (default: the workspace's latest)"),
            parents.rules(
                "rules TOML over the defaults; its [stations] section sets the targets "
                "(default: the workspace's stored rules)"
            ),
            parents.place,
            parents.json,
        ],
    )
    p.set_defaults(func=cmd_station_report)


def cmd_station_report(args: argparse.Namespace) -> int:
    """Print the station report (text or JSON)."""
    from ..analysis.summaries import station_report_data

    ws, rules = _workspace_and_rules(args)
    data = station_report_data(ws, rules, args.year)
    if args.json:
        print_json(data)
        return 0
    t, g = data["totals"], data["targets"]
    print(
        f"{data['year']} 年电商网点：{t['stations']} 个，运营中乡镇服务中心 "
        f"{t['operating_township_ecommerce']} 个（目标 {g['operating_township_ecommerce']}），"
        f"村级服务站 {t['operating_village_station']} 个（目标 {g['village_stations']}）；"
        "本村有服务站的行政村 "
        f"{t['villages_with_own_station']}/{t['villages']}（{t['village_share'] * 100:.1f}%，"
        f"目标 {g['village_share'] * 100:g}%）"
    )
    change = t["sales_wan_change"]
    delta = "" if change is None else f"（比上年 {change:+,.2f} 万元）"
    gain = "—" if t["income_gain"] is None else f"{t['income_gain']:,} 元"
    print(
        f"农产品网销 {t['sales_wan']:,.2f} 万元{delta}；服务贫困户 {t['poor_served']:,} 户，"
        f"带动网销 {t['poor_selling']:,} 户，户均增收 {gain}（目标 {g['income_gain']:,.0f} 元）；"
        f"培训 {t['trained']:,} 人次（目标 {g['trained']:,}）；关闭 {t['closed']}，暂停 "
        f"{t['suspended']}，无网销 {t['no_sales']}，无助理员 {t['no_assistant']}"
    )
    if not data["stations"]:
        return 0
    print()
    rows = [
        {
            "id": s["facility_id"],
            "name": s["name"],
            "tier": _TIER_ZH.get(s["kind"], s["kind"]),
            "status": s["status"],
            "sales": "—" if s["sales_wan"] is None else f"{s['sales_wan']:,.2f}",
            "poor": "—" if s["poor_served"] is None else f"{s['poor_served']:,}",
            "flags": s["flags_zh"] or "—",
        }
        for s in data["stations"]
    ]
    cols = ["id", "name", "tier", "status", "sales", "poor", "flags"]
    print(table(rows, cols, ["编号", "网点", "层级", "状态", "网销(万元)", "服务贫困户", "问题"]))
    return 0
