"""``township-atlas exit-check`` and ``relocation-check``: the monitoring reports.

Both check the workspace against its exit rules (or ``--rules FILE``) and exit 0 even when
villages or sites fail; non-zero only for an error.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..geo.schema import VILLAGE_STATUS_LABELS
from .common import Parents, SubParsers, print_json, read_place, table, workspace_or_demo

#: How each village status reads in the text report: the schema's one wording.
_STATUS_ZH = {status: zh for status, (zh, _) in VILLAGE_STATUS_LABELS.items()}

_EXIT_CHECK_DESCRIPTION = (
    "Per village: status (非贫困村 / 贫困村·未出列 / 已出列 / 已出列·现不达标), the "
    "criteria it does not meet with their values, and what must change; township "
    "totals (poor remaining, incidence, villages exited of total). A report: it exits "
    "0 even when villages fail the rules, and non-zero only for an error (no "
    "workspace, an invalid rules file)."
)
_RELOCATION_CHECK_DESCRIPTION = (
    "Per relocation site: planned households within capacity, households moved in, "
    "m² per person, share of old houses demolished, and straight-line km to the "
    "nearest school, clinic, jobs and e-commerce station, each with ✓/✗. A report: it "
    "exits 0 even when sites fail checks, and non-zero only for an error."
)


def add_parser(sub: SubParsers, parents: Parents) -> None:
    """Register ``exit-check`` and ``relocation-check`` on the main parser."""
    p = sub.add_parser(
        "exit-check",
        help="village exit (出列) and poverty status against the exit rules",
        description=_EXIT_CHECK_DESCRIPTION,
        parents=[
            parents.workspace,
            parents.year("check at the end of this year (default: the workspace's latest)"),
            parents.rules(
                "exit-rules TOML over the defaults (default: the workspace's stored rules)"
            ),
            parents.place,
            parents.json,
        ],
    )
    p.set_defaults(func=cmd_exit_check)
    p = sub.add_parser(
        "relocation-check",
        help="follow-up checks of relocation sites (易地扶贫搬迁后续扶持)",
        description=_RELOCATION_CHECK_DESCRIPTION,
        parents=[
            parents.workspace,
            parents.rules(
                "exit-rules TOML over the defaults; its [relocation] section sets the checks "
                "(default: the workspace's stored rules)"
            ),
            parents.place,
            parents.json,
        ],
    )
    p.set_defaults(func=cmd_relocation_check)


def _workspace_and_rules(args: argparse.Namespace):
    """The workspace (narrowed to ``--place``) and its rules: ``--rules FILE`` over the
    defaults when given (checked before the workspace is read), else the rules stored in the
    workspace."""
    from ..geo.rules import read_rules_file, workspace_rules

    path = workspace_or_demo(args.workspace)
    if args.rules:
        rules_path = Path(args.rules)
        if not rules_path.is_file():
            raise FileNotFoundError(f"no rules file at {rules_path}")
        rules = read_rules_file(rules_path)
        return read_place(path, args.place)[0], rules
    ws = read_place(path, args.place)[0]
    return ws, workspace_rules(ws.meta)


def _status_zh(v: dict) -> str:
    text = _STATUS_ZH.get(v["status"], v["status"])
    if v["status"] in ("exited", "exited_failing") and v["exit_year"] is not None:
        text += f" ({v['exit_year']})"
    elif v["status"] == "poor_not_exited" and v["meets_rules"]:
        text += " (已达标)"
    return text


def cmd_exit_check(args: argparse.Namespace) -> int:
    """Print the exit check of every village and the township (text or JSON)."""
    from ..analysis.summaries import exit_check_data

    ws, rules = _workspace_and_rules(args)
    data = exit_check_data(ws, rules, args.year)
    if args.json:
        print_json(data)
        return 0
    _print_exit_headline(data)
    print()
    rows = [
        {
            "name": v["name"],
            "status": _status_zh(v),
            "poor_people": v["poor_people"],
            "incidence": v["incidence"],
            "unmet": "；".join(c["text_zh"] for c in v["unmet"]) or "—",
        }
        for v in data["villages"]
    ]
    print(
        table(
            rows,
            ["name", "status", "poor_people", "incidence", "unmet"],
            ["村名", "状态", "未脱贫人", "发生率", "未达标项"],
        )
    )
    # what must change, one line per village (too long for a table column beside the unmet)
    gaps = [v for v in data["villages"] if v["gap_to_exit_zh"]]
    if gaps:
        print()
        print("达标差距：")
        for v in gaps:
            print(f"  {v['name']}：{v['gap_to_exit_zh']}")
    return 0


def _print_exit_headline(data: dict) -> None:
    print(
        f"{data['year']} 年末：未脱贫 {data['poor_people']:,} 人 / {data['poor_households']:,} 户，"
        f"贫困发生率 {data['incidence'] * 100:.2f}%；"
        f"贫困村出列 {data['poor_villages_exited']}/{data['poor_villages']}"
    )
    print(
        f"标准：贫困发生率低于 {data['max_incidence'] * 100:g}%，"
        f"扶贫标准 {data['poverty_line']:,.0f} 元/人·年；"
        f"已出列·现不达标 {data['exited_failing']} 个村，"
        f"未出列已达标 {data['ready_to_exit']} 个村；"
        f"已脱贫但现不达标 {data['households_exited_failing']} 户，"
        f"未脱贫已达标 {data['households_ready_to_exit']} 户"
    )
    unrecorded = data.get("households_not_recorded") or {}
    if any(unrecorded.values()):
        print(
            f"未登记、未核查：义务教育 {unrecorded.get('education', 0)} 户，"
            f"基本医疗保险 {unrecorded.get('medical_insurance', 0)} 户"
        )
    if data.get("monitoring_line"):
        print(
            f"防返贫监测线 {data['monitoring_line']:,.0f} 元/人·年："
            f"收入不高于此线 {data.get('households_below_monitoring_line', 0)} 户"
        )


def _mark(ok: object) -> str:
    return "✓" if bool(ok) else "✗"


def _num(v: object, fmt: str) -> str:
    """``v`` formatted, or ``—`` when missing (NA, NaN, None)."""
    import pandas as pd

    return "—" if v is None or pd.isna(v) else format(v, fmt)


def cmd_relocation_check(args: argparse.Namespace) -> int:
    """Print the follow-up checks of every relocation site (text or JSON)."""
    from ..analysis.summaries import relocation_check_data

    followup, data = relocation_check_data(*_workspace_and_rules(args))
    if args.json:
        print_json(data)
        return 0
    t, th = data["totals"], followup.attrs["thresholds"]
    share = "—" if t["moved_share"] is None else f"{t['moved_share'] * 100:.1f}%"
    print(
        f"易地扶贫搬迁安置点 {t['sites']} 个：计划 {t['planned_households']:,} 户 "
        f"{t['planned_persons']:,} 人，已入住 {t['moved_households']:,} 户 "
        f"{t['moved_persons']:,} 人 ({share})；有未达标项的安置点 {t['sites_failing_any']} 个"
    )
    print(
        f"标准：入住率 ≥ {th['moved'] * 100:g}%，拆旧率 ≥ {th['demolished'] * 100:g}%，"
        f"人均面积 ≤ {th['m2']:g} m²；学校 ≤ {th['school']:g} km，"
        f"卫生室 ≤ {th['clinic']:g} km，就业 ≤ {th['jobs']:g} km，电商 ≤ {th['ecommerce']:g} km"
    )
    if not len(followup):
        return 0
    print()
    cols = ["name", "type", "capacity", "moved", "m2", "demolished"]
    cols += ["school", "clinic", "jobs", "ecommerce", "failed"]
    headers = ["安置点", "类型", "计划/容量", "入住", "人均m²", "拆旧率"]
    headers += ["学校", "卫生室", "就业", "电商", "未达标项"]
    print(table([_site_row(r) for r in followup.to_dict("records")], cols, headers))
    return 0


def _site_row(r: dict) -> dict[str, object]:
    """One relocation site as the text table's cells: each check's ✓/✗ beside its value."""
    row: dict[str, object] = {
        "name": r["name"] or r["site_id"] or "—",
        "type": r["site_type"] or "—",
        "capacity": f"{_mark(r['capacity_ok'])} "
        f"{_num(r['planned_households'], 'd')}/{_num(r['capacity_households'], 'd')}",
        "moved": f"{_mark(r['moved_ok'])} "
        f"{_num(r['moved_households'], 'd')}/{_num(r['planned_households'], 'd')} 户",
        "m2": f"{_mark(r['m2_ok'])} {_num(r['m2_per_person'], '.1f')}",
        "demolished": f"{_mark(r['demolished_ok'])} {_num(r['demolished_share'], '.1%')}",
        "failed": r["checks_failed"],
    }
    for check in ("school", "clinic", "jobs", "ecommerce"):
        km = r[f"{check}_km"]
        row[check] = f"{_mark(r[f'{check}_ok'])} " + (
            "无" if km is None or km != km else f"{km:.2f} km"
        )
    return row
