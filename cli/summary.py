"""``township-atlas summary [WORKSPACE] [--place P]``: totals of a county, township or village,
totals by category, per township (of a county) and per village."""

from __future__ import annotations

import argparse

from .common import Parents, SubParsers, print_json, read_place, table, workspace_or_demo


def add_parser(sub: SubParsers, parents: Parents) -> None:
    """Register ``summary`` on the main parser."""
    p = sub.add_parser(
        "summary",
        help="township totals, by category, and per village",
        parents=[
            parents.workspace,
            parents.year("year for remaining poor (default: the latest)"),
            parents.place,
            parents.json,
        ],
    )
    p.set_defaults(func=cmd_summary)


def cmd_summary(args: argparse.Namespace) -> int:
    """Print the summary as text (a headline and two tables) or as JSON."""
    from ..analysis.summaries import TOWNSHIP_COLUMNS, VILLAGE_COLUMNS, summary_data
    from ..geo.postgis import shown

    path = workspace_or_demo(args.workspace)
    ws, place = read_place(path, args.place)
    data = summary_data(ws, args.year, shown(path), place)
    if args.json:
        print_json(data)
        return 0
    t = data["totals"]
    trail = " › ".join(p["name"] for p in data["trail"])
    print(f"{trail} ({data['place']['code']})  年度 {t['year']}")
    print(
        f"户籍人口 {t['population']:,} 人; 建档立卡 {t['registered_households']:,} 户 "
        f"{t['registered_people']:,} 人; 年末未脱贫 {t['poor_households']:,} 户 "
        f"{t['poor_people']:,} 人; 贫困发生率 {t['incidence'] * 100:.2f}%; "
        f"贫困村出列 {t['poor_villages_exited']}/{t['poor_villages']}"
    )
    print()
    print(
        table(
            data["by_category"],
            ["category", "group", "households", "persons"],
            ["贫困户属性", "类别", "户数", "人数"],
        )
    )
    if data.get("townships"):
        print()
        print(
            table(
                data["townships"],
                TOWNSHIP_COLUMNS,
                ["代码", "乡镇", "村", "人口", "建档户", "未脱贫户", "未脱贫人", "发生率"],
            )
        )
    print()
    print(
        table(
            data["villages"],
            VILLAGE_COLUMNS,
            ["代码", "村名", "人口", "建档户", "建档人", "未脱贫户", "未脱贫人", "发生率"],
        )
    )
    return 0
