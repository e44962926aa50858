"""``township-atlas plan-stations [WORKSPACE]``: propose e-commerce station sites.

The demand, candidates and existing stations come from the workspace, or from three GeoJSON
files (``--villages``, ``--candidates``, ``--existing``); the plan can be written to a file
(``--out``) and saved by name in the workspace (``--save``). The existing stations are those
working in the year (``--year``, default the latest): a closed station is absent, a suspended
one counts as ``--count-suspended`` (default: the rules' ``[stations] suspended_counts``) says.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import Parents, SubParsers, parent, print_json, read_place, workspace_or_demo


def _plan_options(p: argparse.ArgumentParser) -> None:
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
    p.add_argument(
        "--count-suspended",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="a suspended (暂停) station still covers its villages (default: the workspace "
        "rules' [stations] suspended_counts; a closed one never does)",
    )
    p.add_argument("--villages", help="demand points (GeoJSON with id and weight columns)")
    p.add_argument("--candidates", help="candidate points (GeoJSON with id)")
    p.add_argument("--existing", help="existing stations (GeoJSON with id)")
    p.add_argument("--out", help="also write the plan: FILE.geojson or FILE.xlsx")
    p.add_argument("--save", metavar="NAME", help="save the plan by name in the workspace")
    p.add_argument("--replace", action="store_true", help="--save over a plan of that name")


def add_parser(sub: SubParsers, parents: Parents) -> None:
    """Register ``plan-stations`` on the main parser."""
    p = sub.add_parser(
        "plan-stations",
        help="propose e-commerce station sites (max/set cover)",
        # its own options sit between the workspace and --json, as --help has always listed
        parents=[
            parents.workspace,
            parent(_plan_options),
            parents.year("the register's year and the stations working then (default: latest)"),
            parents.place,
            parents.json,
        ],
    )
    p.set_defaults(func=cmd_plan_stations)


def _township_m(args: argparse.Namespace) -> float | None:
    return None if args.township_radius_km is None else args.township_radius_km * 1000


def _plan_inputs(args: argparse.Namespace):
    """The workspace (``None`` when the files give everything and routes are straight), the
    year of its demand (``None`` from files), demand, candidates and existing stations."""
    from ..analysis import poverty, station_plan
    from ..geo.io import read_points

    files = [args.villages, args.candidates, args.existing]
    if any(files) and not all(files):
        raise ValueError("--villages, --candidates and --existing go together")
    ws, year = None, None
    if not all(files) or args.network == "road":
        ws = read_place(workspace_or_demo(args.workspace), args.place)[0]
    if all(files):
        demand = read_points(args.villages, "villages")
        candidates = read_points(args.candidates, "candidates")
        existing = read_points(args.existing, "existing")
    else:
        year = args.year or poverty.workspace_years(ws.households, ws["indicators"])[1]
        demand = station_plan.workspace_demand(ws, year)
        candidates = station_plan.workspace_candidates(ws)
        existing = station_plan.workspace_existing(ws, year, _count_suspended(args, ws))
    return ws, year, demand, candidates, existing


def _count_suspended(args: argparse.Namespace, ws) -> bool:
    """``--count-suspended``, else the workspace rules' ``[stations] suspended_counts``."""
    if args.count_suspended is not None:
        return bool(args.count_suspended)
    from ..geo.rules import workspace_rules

    return workspace_rules(ws.meta).station_targets.suspended_counts


def _check_outputs(args: argparse.Namespace, out: Path | None, candidates) -> None:
    """Refuse, before solving, outputs the inputs cannot give and more stations than sites."""
    from_files = all([args.villages, args.candidates, args.existing])
    if out is not None and out.suffix.lower() not in (".geojson", ".json", ".xlsx"):
        raise ValueError(f"--out {out.name}: write .geojson or .xlsx")
    if (args.save or (out is not None and out.suffix.lower() == ".xlsx")) and from_files:
        raise ValueError("--save and Excel output need a workspace, not --villages/... files")
    if args.add is not None and args.add > len(candidates):
        raise ValueError(f"--add {args.add} is more than the {len(candidates)} candidates")


def cmd_plan_stations(args: argparse.Namespace) -> int:
    """Solve the placement, write or save it when asked, and print it (text or JSON)."""
    from ..analysis import station_plan

    ws, year, demand, candidates, existing = _plan_inputs(args)
    out = Path(args.out) if args.out else None
    _check_outputs(args, out, candidates)
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
        print_json(result.as_dict())
        return 0
    _print_plan(result, candidates)
    return 0


def _print_plan(result, candidates) -> None:
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


def _write_plan(out: Path, ws, year, existing, chosen, gains, args) -> None:
    from ..analysis import station_plan
    from ..geo.export import excel_bytes

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

    from ..analysis import station_plan
    from ..geo.workspace import update_workspace

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
    path = workspace_or_demo(args.workspace)
    update_workspace(
        path,
        lambda current: {
            "station_plans": station_plan.save_plan(
                current["station_plans"], rows, replace=args.replace
            )
        },
    )
    print(f"方案「{args.save.strip()}」已保存到 {path}", file=sys.stderr)
