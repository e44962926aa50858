"""The PostgreSQL + PostGIS backend against the GeoPackage, in the same run.

Workspaces of 17, 300 and 3,000 surveyed-style villages (``tests/support/surveyed.py``; 40, 200
and 100 households per village) are written to a GeoPackage and migrated into a throwaway
cluster (``tests/support/postgres.py``, Unix socket). For each we time:

- one recorded change (a household exits: its row and two history rows), database vs file;
- reading when nothing changed (one query), database vs file;
- reading every layer (nothing in memory), database vs file;
- ``migrate`` of the whole workspace into the database;
- writers at once: ``--writers`` processes (default 2, as two dashboard processes) of
  ``--threads`` sessions each (default 10: 20 sessions) each recording ``--changes`` exits at
  once, on the database and on the file: the p95 of one change (lock wait included), and
  whether every change landed (the count of history rows afterwards).

usage: python -m benchmarks.bench_postgis [--sizes 17 300 3000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_storage import HOUSEHOLDS, exit_one, timed
from tests.support import postgres
from tests.support.surveyed import county_layers
from township_atlas.geo import workspace as ws_module
from township_atlas.geo.migrate import migrate
from township_atlas.geo.workspace import read_workspace, write_workspace

WRITER = """
import json, sys, threading, time
from township_atlas.geo import history
from township_atlas.geo.workspace import update_workspace
where, ids = sys.argv[1], json.loads(sys.argv[2])
times = []
def one(hids):
    for hid in hids:
        def change(ws):
            steps = history.household_exit(ws, hid, '2024-06-01')
            return history.record(ws, 'household_exit', steps, changed_at='2024-06-01',
                                  recorded_at='2024-06-02T00:00:00')
        t = time.perf_counter()
        update_workspace(where, change)
        times.append(time.perf_counter() - t)
threads = [threading.Thread(target=one, args=(chunk,)) for chunk in ids]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps(times))
"""


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def concurrent(where: str, ids: list[str], writers: int, threads: int, changes: int):
    """p95 of one change and whether all landed, for writers × threads sessions at once."""
    import json

    before = len(read_workspace(where)["history"])
    need = writers * threads * changes
    chunks = [ids[i * changes : (i + 1) * changes] for i in range(writers * threads)]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                where,
                json.dumps(chunks[w * threads : (w + 1) * threads]),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for w in range(writers)
    ]
    times: list[float] = []
    for p in procs:
        out, _ = p.communicate()
        times += json.loads(out)
    ws_module._CACHE.clear()
    landed = (len(read_workspace(where)["history"]) - before) // 2 == need
    return p95(times), landed


def row(n: int, layers, folder: Path, cluster, runs: int, writers: int, threads: int, changes):
    path = write_workspace(folder / f"v{n}.gpkg", layers)
    url = cluster.url(schema=f"v{n}")
    t = time.perf_counter()
    migrate(path, url)
    moved = time.perf_counter() - t
    out = []
    for where in (url, str(path)):
        ws = read_workspace(where)
        poor = iter(ws.households.query("status == '未脱贫'")["household_id"].tolist())
        exit_one(where, next(poor))
        change = statistics.median(exit_one(where, next(poor)) for _ in range(runs))
        read_workspace(where)
        warm = statistics.median(timed(lambda w=where: read_workspace(w)) for _ in range(runs))

        def cold(w=where):
            ws_module._CACHE.clear()
            read_workspace(w)

        full = statistics.median(timed(cold) for _ in range(min(runs, 2)))
        ids = [next(poor) for _ in range(writers * threads * changes)]
        tail, landed = concurrent(where, ids, writers, threads, changes)
        out.append((change, warm, full, tail, landed))
    (dc, dw, df, dt, dl), (fc, fw, ff, ft, fl) = out
    return (
        f"| {len(layers['villages']):,} / {len(layers['households']):,} "
        f"| {dc:.3f} s | {fc:.3f} s | {dw * 1000:.1f} ms | {fw * 1000:.1f} ms "
        f"| {df:.2f} s | {ff:.2f} s | {moved:.2f} s "
        f"| {dt:.2f} s{'' if dl else ' LOST'} | {ft:.2f} s{'' if fl else ' LOST'} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[17, 300, 3000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--writers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=10)
    ap.add_argument("--changes", type=int, default=2)
    a = ap.parse_args()
    reason = postgres.unavailable()
    if reason:
        sys.exit(f"bench_postgis: {reason}")
    cluster = postgres.start()
    folder = Path(tempfile.mkdtemp(prefix="atlas-pg-bench-"))
    sessions = a.writers * a.threads
    print(
        "| villages / households | change: database | file | read unchanged: database | file "
        f"| every layer: database | file | migrate | p95 of a change, {sessions} sessions: "
        "database | file |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    try:
        for n in a.sizes:
            layers = county_layers(n, households=HOUSEHOLDS.get(n, 40))
            line = row(n, layers, folder, cluster, a.runs, a.writers, a.threads, a.changes)
            print(line, flush=True)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
