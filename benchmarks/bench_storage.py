"""One recorded change and one read, at township, county and prefecture size.

Workspaces of 17, 300 and 3,000 surveyed-style villages (``tests/support/surveyed.py``) with
40, 200 and 100 registered households per village (680, 60,000 and 300,000 households) are
built in a temporary folder. We time, each against its named alternative in the same run:

- one recorded change (a household exits: its row and two history rows) written in place,
  against the same change written as a whole new file (what every change did before, and what
  a file of an older layout still gets);
- reading the workspace when nothing changed (from memory, after one query), against reading
  every layer from the file;
- reading it after another process recorded a change (only the layers it touched), against
  reading every layer.

usage: python -m benchmarks.bench_storage [--sizes 17 300 3000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from tests.support.surveyed import county_layers
from township_atlas.geo import gpkg, history
from township_atlas.geo import workspace as ws_module
from township_atlas.geo.workspace import read_workspace, update_workspace, write_workspace

HOUSEHOLDS = {17: 40, 300: 200, 3000: 100}
OTHER_PROCESS = (
    "import sys\n"
    "from township_atlas.geo import history\n"
    "from township_atlas.geo.workspace import update_workspace\n"
    "def change(ws):\n"
    "    hid = sys.argv[2]\n"
    "    steps = history.household_exit(ws, hid, '2024-06-01')\n"
    "    return history.record(ws, 'household_exit', steps, changed_at='2024-06-01',\n"
    "                          recorded_at='2024-06-02T00:00:00')\n"
    "update_workspace(sys.argv[1], change)\n"
)


@contextmanager
def whole_file_writes():
    """The alternative: every change written as a whole new file."""

    def whole(*args):
        raise gpkg.NotInPlace("benchmark: the whole file")

    real = ws_module._write_in_place
    ws_module._write_in_place = whole
    try:
        yield
    finally:
        ws_module._write_in_place = real


def exit_one(path: Path, hid: str) -> float:
    def change(ws):
        steps = history.household_exit(ws, hid, "2024-06-01")
        return history.record(
            ws, "household_exit", steps, changed_at="2024-06-01", recorded_at="2024-06-02T00:00:00"
        )

    t = time.perf_counter()
    update_workspace(path, change)
    return time.perf_counter() - t


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def measure(path: Path, runs: int) -> str:
    """One row of the table for the workspace at ``path``."""
    ws = read_workspace(path)
    poor = iter(ws.households.query("status == '未脱贫'")["household_id"].tolist())
    exit_one(path, next(poor))  # the first change gives an older file its version
    ours = statistics.median(exit_one(path, next(poor)) for _ in range(runs))
    with whole_file_writes():
        whole = statistics.median(exit_one(path, next(poor)) for _ in range(min(runs, 2)))
    read_workspace(path)
    warm = statistics.median(timed(lambda: read_workspace(path)) for _ in range(runs))

    def cold():
        ws_module._CACHE.clear()
        read_workspace(path)

    full = statistics.median(timed(cold) for _ in range(min(runs, 2)))
    read_workspace(path)
    subprocess.run([sys.executable, "-c", OTHER_PROCESS, str(path), next(poor)], check=True)
    after = timed(lambda: read_workspace(path))
    return (
        f"| {len(ws.villages):,} / {len(ws.households):,} | {ours:.3f} s | {whole:.2f} s | "
        f"{whole / ours:.0f}× | {warm * 1000:.1f} ms | {full:.2f} s | {full / warm:.0f}× | "
        f"{after:.2f} s | {full:.2f} s |"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[17, 300, 3000])
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="atlas-storage-"))
    print(
        "| villages / households | change in place | whole file | ratio | read, unchanged "
        "| every layer | ratio | read after another's change | every layer |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for n in a.sizes:
        layers = county_layers(n, households=HOUSEHOLDS.get(n, 40))
        path = write_workspace(folder / f"v{n}.gpkg", layers)
        print(measure(path, a.runs), flush=True)


if __name__ == "__main__":
    main()
