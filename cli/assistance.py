"""``township-atlas assistance-check``: the 帮扶 report.

Per household checked (the poor and monitored of the year): responsible cadre, visits this year
against the rules, measures against its main cause, behind its planned exit; per village: a
resident team, industry projects, the money spent and households reached. A report: it exits 0
even when households fall short, non-zero only for an error. Cadres appear by id, never by name.
"""

from __future__ import annotations

import argparse

from .common import Parents, SubParsers, print_json, table
from .monitor import _workspace_and_rules

_DESCRIPTION = (
    "Per household the rules check (未脱贫/返贫/监测 by default): responsible cadre (结对帮扶), "
    "visits in the year against the rules (default 2), measures that answer its main cause "
    "(一户一策), and whether it is behind its planned exit year; per village: a resident team "
    "(驻村工作队), industry projects, projects' money (万元) and households reached. Lists the "
    "households with a shortfall. A report: exits 0 even when households fall short."
)


def add_parser(sub: SubParsers, parents: Parents) -> None:
    """Register ``assistance-check`` on the main parser."""
    p = sub.add_parser(
        "assistance-check",
        help="帮扶 check: cadres, visits, measures by cause, teams, projects and money",
        description=_DESCRIPTION,
        parents=[
            parents.workspace,
            parents.year("check this year (default: the workspace's latest)"),
            parents.rules(
                "rules TOML over the defaults; its [assistance] section sets the checks "
                "(default: the workspace's stored rules)"
            ),
            parents.place,
            parents.json,
        ],
    )
    p.set_defaults(func=cmd_assistance_check)


def cmd_assistance_check(args: argparse.Namespace) -> int:
    """Print the 帮扶 check (text or JSON)."""
    from ..analysis.summaries import assistance_check_data

    ws, rules = _workspace_and_rules(args)
    data = assistance_check_data(ws, rules, args.year)
    if args.json:
        print_json(data)
        return 0
    t, r = data["totals"], data["rules"]
    print(
        f"{data['year']} 年帮扶核查：核查 {t['households_checked']:,} 户，有问题 "
        f"{t['households_flagged']:,} 户（无帮扶责任人 {t['no_cadre']:,}，"
        f"走访不足 {r['visits_per_year']} 次 {t['visits_short']:,}，"
        f"措施与致贫原因不符 {t['no_measure']:,}，逾期未脱贫 {t['behind_plan']:,}）"
    )
    per = "—" if t["yuan_per_exit"] is None else f"{t['yuan_per_exit']:,} 元"
    print(
        f"贫困村 {t['poor_villages']} 个：无驻村工作队 {t['no_team']}，产业项目不足 "
        f"{t['few_projects']}；项目 {t['projects']} 个，计划投资 {t['budget_wan']:,.2f} 万元，"
        f"已支出 {t['spent_wan']:,.2f} 万元，受益 {t['households_reached']:,} 户次；"
        f"每脱贫一户投入 {per}"
    )
    if data["households"]:
        print()
        rows = [
            {
                "household_id": h["household_id"],
                "village": h["village_code"],
                "status": h["status"],
                "cadre": h["cadre_id"] or "—",
                "visits": f"{h['visits']}/{h['visits_required']}",
                "flags": h["flags_zh"],
            }
            for h in data["households"]
        ]
        cols = ["household_id", "village", "status", "cadre", "visits", "flags"]
        print(table(rows, cols, ["户编号", "行政村代码", "状态", "责任人", "走访", "问题"]))
    flagged = [v for v in data["villages"] if v["flags"]]
    if flagged:
        print()
        print("村级问题：")
        for v in flagged:
            print(f"  {v['name']}：{v['flags_zh']}")
    return 0
