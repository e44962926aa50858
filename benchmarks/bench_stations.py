"""Time of the station operations figures (``analysis.station_ops``, ``station_plan``) at
township, county and prefecture size, on surveyed-style boundaries.

Workspaces from :func:`tests.support.surveyed.county_layers` (Voronoi villages roughened to
~380 vertices, townships of ~20 villages), with a township e-commerce centre per township and
a village station in about two villages of three, opened 2015–2020, and ten years of
operations rows per station (about one station in twenty closed, one in twenty suspended in
some year). All synthetic.

Two measurements, each against a named alternative in the same run, answers compared:

- ``report``: :func:`station_ops.report` of the latest year (status by latest row, figures,
  flags, totals, the key figure's villages with a station of their own) against the same
  totals computed station by station (each station's rows filtered from the operations
  table, its latest status and this year's and last year's figures picked), as the rules read.
- ``coverage_lost``: :func:`station_plan.workspace_coverage_lost` (one villages × stations
  distance matrix, reach tested for working and stopped stations at once) against the
  textbook GIS way: buffer every station by its service distance, spatially join the village
  centres to the circles of all stations and again to those of the working ones, and take
  the villages in the first and not the second.

usage: python -m benchmarks.bench_stations [--sizes 17 300 3000]   (from the project folder)
"""

from __future__ import annotations

import argparse
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from tests.support.surveyed import county_layers
from township_atlas.analysis import station_ops, station_plan
from township_atlas.analysis.coverage import village_centres
from township_atlas.geo.crs import to_metric
from township_atlas.geo.rules import default_rules
from township_atlas.geo.workspace import Workspace

YEAR = 2025
YEARS = range(2016, YEAR + 1)
RADIUS_M, TOWNSHIP_RADIUS_M = 3000.0, 5000.0


def workspace(villages: int, seed: int = 11) -> Workspace:
    """A surveyed-style county of ``villages`` villages with stations and their operations."""
    layers = county_layers(villages, per_township=min(20, villages), households=40)
    v = layers["villages"]
    rng = np.random.default_rng(seed)
    points = v.geometry.representative_point().to_numpy()
    town = v["code"].str[:9].to_numpy()
    first = ~pd.Series(town).duplicated().to_numpy()
    station = rng.random(len(v)) < 0.67
    kinds = ["township_ecommerce"] * int(first.sum()) + ["village_station"] * int(station.sum())
    where = np.concatenate([np.flatnonzero(first), np.flatnonzero(station)])
    n = len(where)
    ids = [f"F{i:05d}" for i in range(n)]
    coords = shapely.get_coordinates(points[where])
    coords[: int(first.sum()), 0] += 0.002  # a centre beside its village's station, not on it
    facilities = gpd.GeoDataFrame(
        {
            "facility_id": ids,
            "kind": kinds,
            "name": [f"{v['name'].iloc[i]}站" for i in where],
            "village_code": v["code"].to_numpy()[where],
            "status": "existing",
            "opened_year": rng.integers(2015, 2021, n),
        },
        geometry=shapely.points(coords),
        crs=v.crs,
    )
    rows = []
    fate = rng.random(n)
    for i, fid in enumerate(ids):
        opened = int(facilities["opened_year"].iloc[i])
        stop = int(rng.integers(opened + 1, YEAR + 1)) if opened < YEAR else YEAR
        for year in YEARS:
            if year < opened:
                continue
            status = "运营"
            if fate[i] < 0.05 and year >= stop:
                status = "关闭"
            elif fate[i] < 0.10 and year == YEAR:
                status = "暂停"
            shut = status == "关闭"
            rows.append(
                {
                    "facility_id": fid,
                    "year": year,
                    "status": status,
                    "status_date": None,
                    "staff": None if shut else int(rng.integers(1, 4)),
                    "assistants": None if shut else int(rng.integers(0, 3)),
                    "parcels_in": None if shut else int(rng.integers(500, 20000)),
                    "parcels_out": None if shut else int(rng.integers(200, 9000)),
                    "sales_wan": None if shut else round(float(rng.uniform(0, 300)), 2),
                    "poor_served": None if shut else int(rng.integers(5, 80)),
                    "poor_selling": None if shut else int(rng.integers(0, 30)),
                    "trained": None if shut else int(rng.integers(0, 60)),
                    "income_gain": None if shut else float(rng.integers(800, 1800)),
                }
            )
    ops = pd.DataFrame(rows)
    return Workspace({**layers, "facilities": facilities, "station_operations": ops}, {})


# ----------------------------------------------------------------------------- alternatives
def report_station_by_station(ws: Workspace, year: int) -> dict:
    """The report's totals, one station at a time (the rules as written)."""
    fac = ws["facilities"]
    ops = ws["station_operations"]
    totals = {"operating": 0, "closed": 0, "suspended": 0, "sales_wan": 0.0, "last": 0.0}
    for r in fac.itertuples():
        if pd.notna(r.opened_year) and r.opened_year > year:
            continue
        mine = ops[ops["facility_id"] == r.facility_id]
        upto = mine[mine["year"] <= year].sort_values("year")
        status = upto["status"].iloc[-1] if len(upto) else "运营"
        key = {"运营": "operating", "关闭": "closed", "暂停": "suspended"}[status]
        totals[key] += 1
        now = mine.loc[mine["year"] == year, "sales_wan"]
        before = mine.loc[mine["year"] == year - 1, "sales_wan"]
        totals["sales_wan"] += float(pd.to_numeric(now, errors="coerce").sum())
        totals["last"] += float(pd.to_numeric(before, errors="coerce").sum())
    return totals


def coverage_lost_by_buffers(ws: Workspace, year: int) -> set[str]:
    """Village codes within a stopped station's circle and no working one's (sjoin twice)."""
    every = station_plan.workspace_existing(ws)
    opened = ws["facilities"].set_index("facility_id")["opened_year"]
    every = every[~(every["id"].map(opened) > year).to_numpy()]
    working = station_plan.workspace_existing(ws, year)
    centres = village_centres(ws.villages)
    codes = ws.villages["code"].to_numpy()
    centres = gpd.GeoDataFrame({"code": codes}, geometry=centres.to_numpy(), crs=centres.crs)

    def reached(stations: gpd.GeoDataFrame) -> set[str]:
        metric = to_metric(stations, centres.crs)
        radius = np.where(metric["kind"] == "township_ecommerce", TOWNSHIP_RADIUS_M, RADIUS_M)
        circles = gpd.GeoDataFrame(geometry=metric.buffer(radius, quad_segs=32), crs=centres.crs)
        joined = gpd.sjoin(centres, circles, predicate="within")
        return set(joined["code"])

    return reached(every) - reached(working)


# ----------------------------------------------------------------------------- timing
def best_of(fn, repeat: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def measure(villages: int) -> dict:
    ws = workspace(villages)
    rules = default_rules()
    ours_s, rep = best_of(lambda: station_ops.report(ws, rules, YEAR))
    slow_s, slow = best_of(lambda: report_station_by_station(ws, YEAR), repeat=1)
    t = rep.totals
    stopped = {"closed": t["closed"], "suspended": t["suspended"]}
    assert stopped == {"closed": slow["closed"], "suspended": slow["suspended"]}, (stopped, slow)
    assert abs(t["sales_wan"] - round(slow["sales_wan"], 2)) < 0.01
    assert abs(t["sales_wan_change"] - round(slow["sales_wan"] - slow["last"], 2)) < 0.01

    lost_s, lost = best_of(
        lambda: station_plan.workspace_coverage_lost(ws, YEAR, RADIUS_M, TOWNSHIP_RADIUS_M)
    )
    buf_s, buf = best_of(lambda: coverage_lost_by_buffers(ws, YEAR))
    # a 32-segment circle is inside the true one: a centre within a few metres of the edge
    # may differ; report the count that agrees
    agree = len(set(lost["code"]) & buf)
    return {
        "villages": villages,
        "stations": len(ws["facilities"]),
        "operations_rows": len(ws["station_operations"]),
        "report_s": ours_s,
        "report_by_station_s": slow_s,
        "lost_s": lost_s,
        "lost_by_buffers_s": buf_s,
        "lost_villages": len(lost),
        "lost_agree": agree,
        "lost_by_buffers": len(buf),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[17, 300, 3000])
    args = parser.parse_args()
    print(
        "villages | stations | ops rows | report | by station | ratio | coverage_lost | "
        "buffers+sjoin | ratio | lost (agree/buffers)"
    )
    for n in args.sizes:
        r = measure(n)
        print(
            f"{r['villages']:,} | {r['stations']:,} | {r['operations_rows']:,} | "
            f"{r['report_s']:.3f} s | {r['report_by_station_s']:.3f} s | "
            f"{r['report_by_station_s'] / r['report_s']:.1f}× | {r['lost_s']:.3f} s | "
            f"{r['lost_by_buffers_s']:.3f} s | {r['lost_by_buffers_s'] / r['lost_s']:.1f}× | "
            f"{r['lost_villages']} ({r['lost_agree']}/{r['lost_by_buffers']})",
            flush=True,
        )


if __name__ == "__main__":
    main()
