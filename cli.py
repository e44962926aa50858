"""The ``township-atlas`` command: build the demo, serve the dashboard, print figures.

Each subcommand calls the same ``geo`` and ``analysis`` functions the dashboard uses. Errors
print one line to stderr and exit non-zero; ``--json`` output is plain JSON on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from pyogrio.errors import DataSourceError

from .cli_audit import add_audit_parser
from .cli_users import add_users_parser
from .geo.rules import RulesError
from .geo.schema import IMPORT_KINDS
from .geo.validate import SchemaError

#: What ``import`` and ``template`` take (every kind has a template).
IMPORT_CHOICES = TEMPLATE_CHOICES = IMPORT_KINDS

#: Per-village figures printed by ``summary`` (remaining poor at the chosen year).
VILLAGE_COLUMNS = [
    "code",
    "name",
    "population",
    "registered_households",
    "registered_people",
    "poor_households",
    "poor_people",
    "incidence",
]


def _fail(message: str, code: int = 1) -> int:
    print(f"township-atlas: error: {message}", file=sys.stderr)
    return code


def _workspace_or_demo(path: str | None) -> Path:
    if path:
        p = Path(path)
        if not p.is_file():
            raise FileNotFoundError(f"no workspace at {p}")
        return p
    from .data.demo import ensure_demo

    return ensure_demo()


def cmd_demo(args: argparse.Namespace) -> int:
    from .data.demo import build_demo

    out = build_demo(args.out)
    print(out)
    return 0


#: Upload limit of the dashboard in MB (see cmd_serve).
MAX_UPLOAD_MB = 600

#: Addresses only this machine can reach: ``serve`` needs no accounts there.
LOOPBACK_ADDRESSES = ("127.0.0.1", "localhost", "::1")


def _is_loopback(address: str) -> bool:
    import ipaddress

    if address.strip().lower() in LOOPBACK_ADDRESSES:
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:  # a host name other than localhost, or "" (every interface)
        return False


def _serve_refusal(args: argparse.Namespace, path: Path) -> str | None:
    """Why ``serve`` must not start, or ``None``: reachable from other machines (any address
    but loopback), it needs an enabled admin account first (issue 14)."""
    from .cli_users import admin_command
    from .geo.accounts import AccountError, AccountStore

    if _is_loopback(args.address):
        return None
    try:
        ready = AccountStore.for_workspace(path).has_enabled_admin()
    except AccountError as exc:
        return str(exc)
    if ready:
        return None
    return (
        f"在 {args.address or '所有地址'} 上服务,其他电脑可以访问,须先建立一个管理员账户: "
        f"{admin_command(args.workspace)}"
    )


def _at_a_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def cmd_serve(args: argparse.Namespace) -> int:
    from .geo.workspace import read_workspace

    if args.create and args.workspace and not Path(args.workspace).exists():
        # A new workspace: the 数据导入 page alone, until its villages are imported
        path = Path(args.workspace)
        if path.suffix.lower() != ".gpkg" or not path.resolve().parent.is_dir():
            return _fail(f"--create: a new workspace is a .gpkg file in an existing folder: {path}")
        print(f"新工作空间 {path}: 在“数据导入”页导入村界后生成", file=sys.stderr)
    elif args.workspace and not Path(args.workspace).exists():
        return _fail(
            f"no workspace at {args.workspace}; to start a new one there: "
            f"township-atlas serve {args.workspace} --create"
        )
    else:
        path = _workspace_or_demo(args.workspace)
    refusal = _serve_refusal(args, path)
    if refusal and _at_a_terminal() and path.exists():
        # the first run on an office server: make the first administrator here and now
        from .cli_users import first_admin
        from .geo.accounts import AccountError

        try:
            first_admin(path)
        except AccountError as exc:
            return _fail(str(exc), 2)
        refusal = _serve_refusal(args, path)
    if refusal:
        return _fail(refusal, 2)
    if path.exists():
        read_workspace(path)  # fail here, with the reason, rather than in the browser
    app = Path(__file__).parent / "dashboard" / "app.py"
    env = {
        **os.environ,
        "TOWNSHIP_ATLAS_WORKSPACE": str(path.resolve()),
        # The dashboard needs no sign-in on this machine alone, and checks the Host header
        "TOWNSHIP_ATLAS_ADDRESS": args.address,
    }
    if args.allowed_host:
        env["TOWNSHIP_ATLAS_ALLOWED_HOSTS"] = ",".join(args.allowed_host)
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.address",
        args.address,
        "--server.port",
        str(args.port),
        "--server.headless",
        "true" if args.headless else "false",
        "--browser.gatherUsageStats",
        "false",
        # Streamlit's first run asks for an e-mail address and waits; a township office's
        # first run must just open the map (and a run without a terminal must not die).
        "--server.showEmailPrompt",
        "false",
        # Streamlit 1.67 puts an "install agent skills" card over the app on a local,
        # non-headless run (a projector in a meeting); its own welcome text goes with it,
        # and the line below prints the address instead.
        "--logger.hideWelcomeMessage",
        "true",
        "--client.toolbarMode",
        "minimal",
        # Tracebacks name server paths and data; the browser gets a generic message, the
        # terminal the detail. ("false" is deprecated and means "stacktrace", which still
        # sends the traceback.)
        "--client.showErrorDetails",
        "none",
        "--server.enableXsrfProtection",
        "true",
        # The importer refuses text registers over 512 MB; the upload limit sits just above,
        # so a large register reaches the importer's own clear message instead of a bare
        # upload error (Streamlit's default, 200 MB, is below a county's CSV export).
        "--server.maxUploadSize",
        str(MAX_UPLOAD_MB),
    ]
    print(f"Township Atlas: {path} → http://{args.address}:{args.port}", file=sys.stderr)
    if os.name == "posix":
        # Become the Streamlit server, so a signal to this process stops the server itself
        # (a child process would outlive a terminated parent).
        sys.stderr.flush()
        os.execve(sys.executable, cmd, env)
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 0


def summary_data(path: Path, year: int | None) -> dict:
    """Township totals, totals by category and per-village figures (JSON-ready)."""
    from .analysis import poverty
    from .geo.workspace import read_workspace

    ws = read_workspace(path)
    if year is None:
        year = poverty.workspace_years(ws.households, ws["indicators"])[1]
    town = ws.township.iloc[0]
    cats = poverty.by_category(ws.households, year)
    villages = poverty.village_figures(ws.villages, ws.households, year)
    return {
        "township": {"code": str(town["code"]), "name": str(town["name"])},
        "workspace": str(path),
        "totals": poverty.township_totals(ws.villages, ws.households, year),
        "by_group": [
            {
                "group": g,
                "households": int(sub["households"].sum()),
                "persons": int(sub["persons"].sum()),
            }
            for g, sub in cats.groupby("group", sort=False)
        ],
        "by_category": [
            {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            for row in cats.to_dict("records")
        ],
        "villages": [
            {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            for row in villages[VILLAGE_COLUMNS].to_dict("records")
        ],
    }


def _table(rows: list[dict], cols: list[str], headers: list[str]) -> str:
    cells = [headers] + [[_cell(r[c]) for c in cols] for r in rows]

    def width(s: str) -> int:  # CJK characters take two columns in a terminal
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)

    widths = [max(width(row[i]) for row in cells) for i in range(len(cols))]
    lines = []
    for n, row in enumerate(cells):
        padded = "  ".join(s + " " * (w - width(s)) for s, w in zip(row, widths, strict=True))
        lines.append(padded.rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(v: object) -> str:
    if isinstance(v, float):
        return f"{v * 100:.2f}%"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def cmd_summary(args: argparse.Namespace) -> int:
    data = summary_data(_workspace_or_demo(args.workspace), args.year)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    t = data["totals"]
    print(f"{data['township']['name']} ({data['township']['code']})  年度 {t['year']}")
    print(
        f"户籍人口 {t['population']:,} 人; 建档立卡 {t['registered_households']:,} 户 "
        f"{t['registered_people']:,} 人; 年末未脱贫 {t['poor_households']:,} 户 "
        f"{t['poor_people']:,} 人; 贫困发生率 {t['incidence'] * 100:.2f}%; "
        f"贫困村出列 {t['poor_villages_exited']}/{t['poor_villages']}"
    )
    print()
    print(
        _table(
            data["by_category"],
            ["category", "group", "households", "persons"],
            ["贫困户属性", "类别", "户数", "人数"],
        )
    )
    print()
    print(
        _table(
            data["villages"],
            VILLAGE_COLUMNS,
            ["代码", "村名", "人口", "建档户", "建档人", "未脱贫户", "未脱贫人", "发生率"],
        )
    )
    return 0


def cmd_plan_stations(args: argparse.Namespace) -> int:
    from .analysis import poverty, station_plan
    from .geo.io import read_points
    from .geo.workspace import read_workspace

    files = [args.villages, args.candidates, args.existing]
    if any(files) and not all(files):
        raise ValueError("--villages, --candidates and --existing go together")
    ws, year = None, None
    if not all(files) or args.network == "road":
        ws = read_workspace(_workspace_or_demo(args.workspace))
    if all(files):
        demand = read_points(args.villages, "villages")
        candidates = read_points(args.candidates, "candidates")
        existing = read_points(args.existing, "existing")
    else:
        year = poverty.workspace_years(ws.households, ws["indicators"])[1]
        demand = station_plan.workspace_demand(ws, year)
        candidates = station_plan.workspace_candidates(ws)
        existing = station_plan.workspace_existing(ws)
    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in (".geojson", ".json", ".xlsx"):
        raise ValueError(f"--out {out.name}: write .geojson or .xlsx")
    if (args.save or (out is not None and out.suffix.lower() == ".xlsx")) and all(files):
        raise ValueError("--save and Excel output need a workspace, not --villages/... files")
    if args.add is not None and args.add > len(candidates):
        raise ValueError(f"--add {args.add} is more than the {len(candidates)} candidates")
    result = station_plan.plan(
        demand,
        args.weight,
        candidates,
        existing,
        args.radius_km * 1000,
        add=args.add,
        target_share=args.target_coverage,
        mode=args.network,
        roads=ws["roads"] if ws is not None else None,
        township_radius_m=_township_m(args),
    )
    chosen = candidates.set_index(candidates["id"].astype(str)).loc[list(result.selected)]
    chosen = chosen.reset_index(drop=True).assign(id=list(result.selected))
    if "name" not in chosen:
        chosen["name"] = chosen["id"]
    if "name" not in existing:
        existing = existing.assign(name=existing["id"])
    gains = dict(zip(result.selected, result.added_weight, strict=True))
    if out is not None:
        _write_plan(out, ws, year, existing, chosen, gains, args)
    if args.save:
        _save_plan(args, ws, year, chosen, gains)
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return 0
    names = dict(
        zip(candidates["id"].astype(str), candidates.get("name", candidates["id"]), strict=True)
    )
    print(
        f"{'最优' if result.optimal else f'未证明最优 (gap {result.gap:.2%})'}: "
        f"覆盖 {result.covered_weight:,.0f} / {result.total_weight:,.0f} "
        f"({result.covered_share:.1%}), {result.seconds:.2f} s"
    )
    if result.note:
        print(f"  说明 / note: {result.note}")
    for sid, gain in zip(result.selected, result.added_weight, strict=True):
        print(f"  + {sid}  {names.get(sid, '')}  +{gain:,.0f}")
    if result.requested and len(result.selected) < result.requested:
        print(f"  要求新增 {result.requested} 个,只有 {len(result.selected)} 个能增加覆盖")
    return 0


def _workspace_and_rules(args: argparse.Namespace):
    """The workspace and its rules: ``--rules FILE`` over the defaults when given (checked
    before the workspace is read), else the rules stored in the workspace."""
    from .geo.rules import read_rules_file, workspace_rules
    from .geo.workspace import read_workspace

    path = _workspace_or_demo(args.workspace)
    if args.rules:
        rules_path = Path(args.rules)
        if not rules_path.is_file():
            raise FileNotFoundError(f"no rules file at {rules_path}")
        rules = read_rules_file(rules_path)
        return read_workspace(path), rules
    ws = read_workspace(path)
    return ws, workspace_rules(ws.meta)


def exit_check_data(args: argparse.Namespace) -> dict:
    """``township_exit_summary`` of the workspace at ``args.year`` (default: the latest)."""
    from .analysis import poverty
    from .analysis.exit_rules import township_exit_summary

    ws, rules = _workspace_and_rules(args)
    year = args.year
    if year is None:
        year = poverty.workspace_years(ws.households, ws["indicators"])[1]
    return township_exit_summary(
        ws.villages, ws.households, ws["indicators"], year, rules, ws["history"]
    )


#: How each village status of ``exit_rules.VILLAGE_STATUSES`` reads in the text report.
_STATUS_ZH = {
    "not_poor_village": "非贫困村",
    "poor_not_exited": "贫困村未出列",
    "exited": "已出列",
    "exited_failing": "已出列但现不达标",
}


def _status_zh(v: dict) -> str:
    text = _STATUS_ZH.get(v["status"], v["status"])
    if v["status"] in ("exited", "exited_failing") and v["exit_year"] is not None:
        text += f" ({v['exit_year']})"
    elif v["status"] == "poor_not_exited" and v["meets_rules"]:
        text += " (已达标)"
    return text


def cmd_exit_check(args: argparse.Namespace) -> int:
    data = exit_check_data(args)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(
        f"{data['year']} 年末：未脱贫 {data['poor_people']:,} 人 / {data['poor_households']:,} 户，"
        f"贫困发生率 {data['incidence'] * 100:.2f}%；"
        f"贫困村出列 {data['poor_villages_exited']}/{data['poor_villages']}"
    )
    print(
        f"标准：贫困发生率低于 {data['max_incidence'] * 100:g}%，"
        f"扶贫标准 {data['poverty_line']:,.0f} 元/人·年；"
        f"已出列但现不达标 {data['exited_failing']} 个村，"
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
        _table(
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


def relocation_check_data(args: argparse.Namespace):
    """The follow-up frame of ``site_followup`` and its ``followup_summary``."""
    import dataclasses

    from .analysis.relocation import followup_summary, site_followup

    ws, rules = _workspace_and_rules(args)
    followup = site_followup(
        ws["relocation_sites"], ws["facilities"], **dataclasses.asdict(rules.relocation)
    )
    return followup, followup_summary(followup)


def _mark(ok: object) -> str:
    return "✓" if bool(ok) else "✗"


def _num(v: object, fmt: str) -> str:
    """``v`` formatted, or ``—`` when missing (NA, NaN, None)."""
    import pandas as pd

    return "—" if v is None or pd.isna(v) else format(v, fmt)


def cmd_relocation_check(args: argparse.Namespace) -> int:
    followup, data = relocation_check_data(args)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
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
    rows = []
    for r in followup.to_dict("records"):
        row = {
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
        rows.append(row)
    cols = ["name", "type", "capacity", "moved", "m2", "demolished"]
    cols += ["school", "clinic", "jobs", "ecommerce", "failed"]
    headers = ["安置点", "类型", "计划/容量", "入住", "人均m²", "拆旧率"]
    headers += ["学校", "卫生室", "就业", "电商", "未达标项"]
    print(_table(rows, cols, headers))
    return 0


def _township_m(args: argparse.Namespace) -> float | None:
    return None if args.township_radius_km is None else args.township_radius_km * 1000


def _write_plan(out: Path, ws, year, existing, chosen, gains, args) -> None:
    from .analysis import station_plan
    from .geo.export import excel_bytes

    empty = chosen.iloc[:0]
    stations = station_plan.plan_stations(existing, empty, chosen, gains)
    if out.suffix.lower() == ".xlsx":
        radius_m = args.radius_km * 1000
        today, after = station_plan.compare_coverage(
            ws, year, existing, chosen, radius_m, args.network, _township_m(args)
        )
        settings = {
            "plan_name": args.save,
            "radius_km": args.radius_km,
            "township_radius_km": args.township_radius_km,
            "network": args.network,
            "weight": args.weight,
            "year": year,
        }
        data = excel_bytes(station_plan.plan_tables(today, after, stations, settings))
        out.write_bytes(data)
    else:
        out.write_text(stations.to_json(ensure_ascii=False, na="null"), encoding="utf-8")
    print(f"方案已写入 {out}", file=sys.stderr)


def _save_plan(args, ws, year, chosen, gains) -> None:
    from datetime import datetime

    from .analysis import station_plan
    from .geo.workspace import update_workspace

    rows = station_plan.plan_rows(
        args.save,
        chosen.iloc[:0],
        chosen,
        gains,
        radius_km=args.radius_km,
        township_radius_km=args.township_radius_km,
        network=args.network,
        weight=args.weight,
        year=year,
        saved_at=datetime.now().isoformat(timespec="seconds"),
    )
    path = _workspace_or_demo(args.workspace)
    update_workspace(
        path,
        lambda current: {
            "station_plans": station_plan.save_plan(
                current["station_plans"], rows, replace=args.replace
            )
        },
    )
    print(f"方案「{args.save.strip()}」已保存到 {path}", file=sys.stderr)


def build_brief(ws, year=None, *, village=None, paper="A4", pack=False) -> bytes:
    """The printable brief of workspace ``ws`` as PDF bytes (the dashboard's download button
    calls this too): the township page, one village's page (``village``: a code or name) or
    the township page and one per village (``pack``), at the end of ``year`` (default: the
    latest), on landscape ``paper`` A4 or A3."""
    from .report.content import brief_content
    from .report.pdf import render

    return render(brief_content(ws, year, village=village, pack=pack), paper=paper)


def cmd_brief(args: argparse.Namespace) -> int:
    from .geo.workspace import read_workspace

    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        raise ValueError(f"--out {out.name}: the brief is a PDF; name the file *.pdf")
    if args.pack and args.village:
        raise ValueError("--pack already has a page per village; leave out --village")
    ws = read_workspace(_workspace_or_demo(args.workspace))
    data = build_brief(ws, args.year, village=args.village, paper=args.paper, pack=args.pack)
    out.write_bytes(data)
    print(f"简报已写入 {out}", file=sys.stderr)
    return 0


def cmd_export_map(args: argparse.Namespace) -> int:
    from .dashboard.exports import EXPORT_LAYERS
    from .geo.workspace import read_workspace

    out = Path(args.out)
    kind = out.suffix.lower()
    if kind not in (".html", ".png"):
        raise ValueError(f"--out {out.name}: write FILE.html (offline web map) or FILE.png")
    layers = [x.strip() for x in args.layers.split(",") if x.strip()]
    unknown = sorted(set(layers) - set(EXPORT_LAYERS))
    if unknown:
        raise ValueError(f"--layers: unknown {', '.join(unknown)}; use {','.join(EXPORT_LAYERS)}")
    ws = read_workspace(_workspace_or_demo(args.workspace))
    from .dashboard.exports import export_map

    data = export_map(ws, kind[1:], args.year, frozenset(layers), args.village)
    out.write_bytes(data)
    print(f"地图已写入 {out}", file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .data.importing.errors import ImportFailed
    from .data.importing.run import import_failure, run_import
    from .geo.export import csv_bytes, excel_bytes

    target = Path(args.workspace) if args.workspace else _workspace_or_demo(None)
    try:
        outcome = run_import(
            target,
            args.file,
            args.kind,
            crs=args.crs,
            sheet=args.sheet,
            columns=_columns_file(args.columns) if args.columns else None,
            accept_partial=args.accept_partial,
            dry_run=args.dry_run,
            confirm_large=args.confirm_large,
            append=args.append,
        )
    except (ImportFailed, OSError, MemoryError, SchemaError, DataSourceError) as exc:
        exc = exc if isinstance(exc, ImportFailed) else import_failure(exc, args.file)
        if args.json:
            print(
                json.dumps(
                    {
                        "kind": args.kind,
                        "taken": 0,
                        "exit_code": 2,
                        "error": exc.en,
                        "error_zh": exc.zh,
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        print(f"township-atlas: 未导入 / nothing imported: {exc.zh} / {exc.en}", file=sys.stderr)
        return 2
    if args.report and len(outcome.report_table()):
        report = Path(args.report)
        if report.suffix.lower() == ".xlsx":
            report.write_bytes(excel_bytes(outcome.report()))
        else:
            report.write_bytes(csv_bytes(outcome.report_table()))
    if args.json:
        print(json.dumps(outcome.as_dict(), ensure_ascii=False, indent=2, default=str))
        return outcome.exit_code
    for zh, _en in outcome.notes:
        print(f"说明:{zh}")
    for r in outcome.rejected.head(20).itertuples():
        print(f"第 {r.source_row} 行未导入:{r.reason_zh}")
    if len(outcome.rejected) > 20:
        print(f"……共 {len(outcome.rejected)} 行未导入,完整清单见 --report")
    warned = outcome.warnings if outcome.warnings is not None else outcome.rejected.iloc[:0]
    for r in warned.head(20).itertuples():
        print(f"第 {r.source_row} 行:{r.reason_zh}")
    if len(warned) > 20:
        print(f"……共 {len(warned)} 行合并或有提示,完整清单见 --report")
    if outcome.unchanged:
        print(f"{outcome.taken} 行与工作空间中的相同,无需更改 ({target})")
    elif outcome.dry_run:
        print(
            f"试导入:可导入 {outcome.taken} 行,{len(outcome.rejected)} 行不能导入;"
            "工作空间未改动(去掉 --dry-run 正式导入)"
        )
    elif outcome.written:
        print(
            f"已导入 {outcome.taken} 行到 {target}" + (" (新建工作空间)" if outcome.created else "")
        )
    elif outcome.taken:
        print(
            f"有 {len(outcome.rejected)} 行不能导入,工作空间未改动;"
            f"加 --accept-partial 导入其余 {outcome.taken} 行"
        )
    else:
        print("没有可导入的行,工作空间未改动")
    return outcome.exit_code


def cmd_import_safely(args: argparse.Namespace) -> int:
    """``import`` that never ends in a traceback: whatever escapes :func:`cmd_import` (a
    reader's unforeseen error on a hostile file) is one line naming the file, exit 2."""
    from .data.importing.run import import_failure

    try:
        return cmd_import(args)
    except Exception as exc:
        failed = import_failure(exc, args.file)
        print(
            f"township-atlas: 未导入 / nothing imported: {failed.zh} / {failed.en}", file=sys.stderr
        )
        return 2


def cmd_template(args: argparse.Namespace) -> int:
    from .data.importing.templates import template_file

    villages = None
    if args.workspace:
        from .geo.workspace import read_workspace

        villages = read_workspace(_workspace_or_demo(args.workspace)).villages
    name, data, _mime = template_file(args.kind, villages)
    out = Path(args.out) if args.out else Path(name)
    out.write_bytes(data)
    print(f"模板已写入 {out}", file=sys.stderr)
    return 0


def _columns_file(path: str) -> dict[str, str]:
    """``--columns FILE``: a CSV (or TOML table) of source header → schema column."""
    source = Path(path)
    if not source.is_file():
        raise ValueError(f"--columns: no file at {source}")
    if source.suffix.lower() == ".toml":
        import tomllib

        data = tomllib.loads(source.read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data.get("columns", data).items()}
    import pandas as pd

    table = pd.read_csv(source, dtype=str, header=None, encoding="utf-8-sig")
    return dict(zip(table[0].str.strip(), table[1].str.strip(), strict=True))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="township-atlas", description="乡镇扶贫一张图 Township Atlas"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="build the demo township workspace (古陂镇)")
    p.add_argument("--out", required=True, help="path of the GeoPackage to write")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("serve", help="start the dashboard (the demo when no workspace is given)")
    p.add_argument("workspace", nargs="?", help="workspace GeoPackage (default: the demo)")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument(
        "--address",
        default="127.0.0.1",
        help="listen address (default 127.0.0.1); any other needs an enabled admin account "
        "first (township-atlas users ... add NAME --role admin)",
    )
    p.add_argument(
        "--allowed-host",
        action="append",
        metavar="NAME",
        help="a host name the office opens the dashboard by, besides its IP addresses and this "
        "computer's name (repeatable); requests for any other name are refused (DNS rebinding)",
    )
    p.add_argument("--headless", action="store_true", help="do not open a browser")
    p.add_argument(
        "--create",
        action="store_true",
        help="WORKSPACE does not exist yet: open the import page to make it from villages",
    )
    p.set_defaults(func=cmd_serve)

    add_users_parser(sub)
    add_audit_parser(sub)

    p = sub.add_parser("summary", help="township totals, by category, and per village")
    p.add_argument("workspace", nargs="?", help="workspace GeoPackage (default: the demo)")
    p.add_argument("--year", type=int, help="year for remaining poor (default: the latest)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("plan-stations", help="propose e-commerce station sites (max/set cover)")
    p.add_argument("workspace", nargs="?", help="workspace GeoPackage (default: the demo)")
    p.add_argument("--radius-km", type=float, required=True, help="service distance in km")
    p.add_argument(
        "--township-radius-km",
        type=float,
        help="service distance of the township e-commerce centre (default: --radius-km)",
    )
    goal = p.add_mutually_exclusive_group(required=True)
    goal.add_argument("--add", type=int, help="number of new stations")
    goal.add_argument("--target-coverage", type=float, help="share of weight to cover, 0–1")
    p.add_argument(
        "--weight", default="poor_people", help="poor_people, poor_households, villages, population"
    )
    p.add_argument("--network", choices=["straight", "road"], default="straight")
    p.add_argument("--villages", help="demand points (GeoJSON with id and weight columns)")
    p.add_argument("--candidates", help="candidate points (GeoJSON with id)")
    p.add_argument("--existing", help="existing stations (GeoJSON with id)")
    p.add_argument("--out", help="also write the plan: FILE.geojson or FILE.xlsx")
    p.add_argument("--save", metavar="NAME", help="save the plan by name in the workspace")
    p.add_argument("--replace", action="store_true", help="--save over a plan of that name")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_plan_stations)

    p = sub.add_parser(
        "exit-check",
        help="village exit (出列) and poverty status against the exit rules",
        description=(
            "Per village: status (非贫困村 / 贫困村未出列 / 已出列 / 已出列但现不达标), the "
            "criteria it does not meet with their values, and what must change; township "
            "totals (poor remaining, incidence, villages exited of total). A report: it exits "
            "0 even when villages fail the rules, and non-zero only for an error (no "
            "workspace, an invalid rules file)."
        ),
    )
    p.add_argument("workspace", nargs="?", help="workspace GeoPackage (default: the demo)")
    p.add_argument(
        "--year", type=int, help="check at the end of this year (default: the workspace's latest)"
    )
    p.add_argument(
        "--rules",
        metavar="FILE",
        help="exit-rules TOML over the defaults (default: the workspace's stored rules)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_exit_check)

    p = sub.add_parser(
        "relocation-check",
        help="follow-up checks of relocation sites (易地扶贫搬迁后续扶持)",
        description=(
            "Per relocation site: planned households within capacity, households moved in, "
            "m² per person, share of old houses demolished, and straight-line km to the "
            "nearest school, clinic, jobs and e-commerce station, each with ✓/✗. A report: it "
            "exits 0 even when sites fail checks, and non-zero only for an error."
        ),
    )
    p.add_argument("workspace", nargs="?", help="workspace GeoPackage (default: the demo)")
    p.add_argument(
        "--rules",
        metavar="FILE",
        help="exit-rules TOML over the defaults; its [relocation] section sets the checks "
        "(default: the workspace's stored rules)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_relocation_check)

    p = sub.add_parser(
        "brief",
        help="printable brief (PDF): the township page, a village's page, or both (--pack)",
        description=(
            "A one-page brief of the township at the end of a year: the map of remaining poor "
            "people by village, the key figures, remaining poor by year and a table of the "
            "villages. --village CODE makes that village's page instead; --pack the township "
            "page followed by one page per village. Landscape A4 (or A3); Chinese is set in a "
            "CJK font found on this machine and embedded in the PDF."
        ),
    )
    p.add_argument("workspace", nargs="?", help="workspace GeoPackage (default: the demo)")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="PDF file to write")
    p.add_argument("--village", metavar="CODE", help="one village's brief (its code or name)")
    p.add_argument("--year", type=int, help="at the end of this year (default: the latest)")
    p.add_argument(
        "--paper", type=str.upper, choices=["A4", "A3"], default="A4", help="paper (landscape)"
    )
    p.add_argument("--pack", action="store_true", help="the township page and one per village")
    p.set_defaults(func=cmd_brief)

    p = sub.add_parser(
        "export-map",
        help="the map as an offline HTML page or a PNG picture",
        description=(
            "FILE.html: one file with the web map inside (Leaflet included, no tiles), which "
            "opens in a browser with no internet. FILE.png: a picture with legend, north arrow, "
            "scale bar and the 示意图 stamp where boundaries are illustrative."
        ),
    )
    p.add_argument("workspace", nargs="?", help="workspace GeoPackage (default: the demo)")
    p.add_argument("--out", required=True, metavar="FILE.html|FILE.png", help="file to write")
    p.add_argument(
        "--layers",
        default="villages,labels,gaps,service,relocation,facilities,roads,rivers",
        help="comma-separated, of villages,labels,gaps,service,relocation,facilities,roads,"
        "rivers (default: all)",
    )
    p.add_argument("--year", type=int, help="at the end of this year (default: the latest)")
    p.add_argument("--village", metavar="CODE", help="zoom to one village (its code or name)")
    p.set_defaults(func=cmd_export_map)

    p = sub.add_parser(
        "import",
        help="bring a file into the workspace (boundaries, households, tables, roads), checking "
        "every row",
        description=(
            "KIND villages or township: GeoJSON, GeoPackage, zipped Shapefile or KML, in "
            "CGCS2000, its Gauss-Kruger zones, WGS84 or GCJ-02 (--crs gcj02). KIND households: "
            "the register exported from the national system (Excel or CSV; 姓名 and 联系电话 are "
            "not kept, 证件号码 only as a keyed hash and a masked form). One transaction: "
            "exit 0 all rows taken; 3 some rows rejected (taken only with --accept-partial, "
            "listed with reasons, all of them in --report); 2 nothing taken, the workspace "
            "unchanged. A workspace path that does not exist is created. KIND facilities, "
            "stations (e-commerce tiers; no 类型 column: village stations), sites (relocation) or "
            "indicators: CSV or Excel with Chinese headers (编号, 类型, 名称, 所在行政村, 状态, "
            "经度, 纬度; 行政村, 年度, 通硬化路 ... 是/否); longitude/latitude in WGS84 "
            "(--crs gcj02 for Amap/Tencent), without them the village's anchor point; or a "
            "point file (GeoJSON, GeoPackage, zipped Shapefile, KML). Points more than 30 km "
            "outside the township are rejected. Registers and indicator tables record every "
            "change in the history, dated by the years the file names. KIND roads: a line file "
            "(GeoJSON, GeoPackage, zipped Shapefile, KML; GBK attributes, any CRS the boundaries "
            "take) with 路线编号, 名称, 等级/行政等级 and 路面/路面类型; it replaces the roads "
            "layer (--append: adds and updates by 路线编号 instead), roads more than 2 km from "
            "the township are rejected; `plan-stations --network road` routes along them. "
            "--dry-run checks and writes nothing; `township-atlas template KIND` writes a "
            "template to fill in."
        ),
    )
    p.add_argument("kind", choices=IMPORT_CHOICES)
    p.add_argument("file", help="the file to import")
    p.add_argument("workspace", nargs="?", help="workspace GeoPackage (default: the demo)")
    p.add_argument("--crs", help="the file's CRS when it declares none: EPSG:4490, gcj02, ...")
    p.add_argument("--columns", metavar="FILE", help="CSV or TOML: source header → field name")
    p.add_argument(
        "--sheet", help="the workbook's sheet, or a GeoPackage/KML layer (default: the first)"
    )
    p.add_argument("--accept-partial", action="store_true", help="take the good rows")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="check the file and say what would change; write nothing",
    )
    p.add_argument("--report", metavar="FILE", help="rejected rows with reasons (.csv or .xlsx)")
    p.add_argument(
        "--confirm-large",
        action="store_true",
        help="import even when the result looks implausible (more villages than a county, "
        "more registered people than the township's population)",
    )
    p.add_argument(
        "--append",
        action="store_true",
        help="roads: add to the roads layer and update roads of the same id, instead of "
        "replacing the network",
    )
    p.add_argument("--json", action="store_true", help="print counts and first rejections")
    p.set_defaults(func=cmd_import_safely)

    p = sub.add_parser(
        "template",
        help="write an import template (Excel, or GeoJSON for boundaries) with an example row",
        description=(
            "The expected headers, one example row, drop-down lists for the coded columns and a "
            "说明 sheet explaining each column. Given a workspace, the example row names its "
            "first village, so the untouched template imports cleanly."
        ),
    )
    p.add_argument("kind", choices=TEMPLATE_CHOICES)
    p.add_argument("workspace", nargs="?", help="workspace whose villages the example names")
    p.add_argument("--out", metavar="FILE", help="where to write (default: the template's name)")
    p.set_defaults(func=cmd_template)
    return parser


def _cli_actor():
    """Who the audit log names for a command: ``cli:<login name>`` (the command line has no
    accounts: whoever may run it on the server may change the workspace file anyway)."""
    import getpass

    from .geo.audit import Actor

    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return Actor(f"cli:{who}", "cli")


def main(argv: list[str] | None = None) -> int:
    from .geo.audit import AuditError, acting_as

    args = build_parser().parse_args(argv)
    try:
        with acting_as(_cli_actor()):
            return args.func(args)
    except AuditError as exc:  # a change that could not be audited was not made
        return _fail(str(exc))
    except FileNotFoundError as exc:
        return _fail(str(exc))
    except SchemaError as exc:
        return _fail(f"the workspace is not valid: {exc}")
    except DataSourceError as exc:
        return _fail(f"cannot read the workspace (not a GeoPackage?): {exc}")
    except RulesError as exc:  # one problem per line, each naming the file, key and line
        for line in str(exc).splitlines():
            _fail(line)
        return 1
    except ValueError as exc:
        return _fail(str(exc))


if __name__ == "__main__":
    sys.exit(main())
