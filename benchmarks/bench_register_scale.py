"""Time and peak memory of ``township-atlas import households`` at county and prefecture size.

A workspace of 3,000 surveyed-style villages (``tests/support/surveyed.county_layers``) and a
per-person register of N people over its villages (``bench_register.synthetic``: the national
system's GBK CSV with a title row and a unit row; village and township names the workspace's)
are written to a temporary folder. Each import runs in its own process on a fresh copy of the
workspace; its wall time and peak RSS (VmHWM) are printed, with where the peak was
reached: after reading the workspace, after reading the register, after the write.

The named alternative, in the same run: the same command from another checkout (``--old``,
e.g. ``git worktree add /tmp/reg-old <commit before the change>``; it is imported as
``township_atlas`` through a folder holding a link of that name), so the ratio says what
reading the register in chunks buys.

usage: python -m benchmarks.bench_register_scale [--people 100000 1000000] [--villages 3000]
       [--old /tmp/reg-old]   (from the project's folder)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_register import synthetic, write_csv


def _maxrss_mb() -> float:
    """This process's peak RSS so far. VmHWM, not ru_maxrss: Linux carries ru_maxrss over
    ``exec`` from the parent, so a child of this (large) benchmark would start at its size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(register: str, workspace: str) -> None:
    """Run one import here, printing the peak RSS reached by the end of each step (JSON)."""
    from township_atlas.data.importing import register as reg
    from township_atlas.data.importing import run_households, transaction

    steps: dict[str, tuple[float, float]] = {}
    t0 = time.perf_counter()

    def watched(module, name: str, label: str) -> None:
        fn = getattr(module, name)

        def wrapper(*args, **kwargs):
            out = fn(*args, **kwargs)
            steps[label] = (time.perf_counter() - t0, _maxrss_mb())
            return out

        setattr(module, name, wrapper)

    watched(run_households, "read_workspace", "workspace read")
    watched(reg, "read_register", "register read")
    watched(transaction, "update_workspace", "written")
    steps["start"] = (0.0, _maxrss_mb())
    done = run_households.import_households(workspace, register, confirm_large=True)
    said = {"peak_mb": _maxrss_mb(), "taken": done.taken, "rejected": len(done.rejected)}
    print(json.dumps({"steps": steps, **said}))


def _run(python_path: str | None, register: Path, ws: Path, home: Path) -> dict:
    env = {**os.environ, "TOWNSHIP_ATLAS_HOME": str(home)}
    if python_path:
        env["PYTHONPATH"] = python_path
    argv = [sys.executable, "-m", "benchmarks.bench_register_scale", "--child", str(register)]
    t0 = time.perf_counter()
    proc = subprocess.Popen([*argv, str(ws)], env=env, stdout=subprocess.PIPE)
    out = proc.stdout.read() if proc.stdout else b""
    status = proc.wait()
    seconds = time.perf_counter() - t0
    if status:
        raise SystemExit(f"the import failed ({status}): {out.decode(errors='replace')}")
    return {"seconds": seconds, **json.loads(out.decode().strip().splitlines()[-1])}


def _line(what: str, r: dict) -> str:
    steps = ", ".join(f"{k} {t:.1f} s / {m:,.0f} MB" for k, (t, m) in r["steps"].items())
    return (
        f"  {what:<4} {r['seconds']:6.1f} s  peak {r['peak_mb']:6,.0f} MB  "
        f"({r['taken']:,} households, {r['rejected']} rows rejected; {steps})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--villages", type=int, default=3000)
    ap.add_argument("--old", type=Path, help="a checkout of the code before (the alternative)")
    ap.add_argument("--child", nargs=2, metavar=("REGISTER", "WORKSPACE"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(*a.child)
        return
    from tests.support.surveyed import county_layers
    from township_atlas.geo.workspace import write_workspace

    folder = Path(tempfile.mkdtemp(prefix="atlas-register-"))
    try:
        home = folder / "home"
        home.mkdir()
        t0 = time.perf_counter()
        layers = county_layers(a.villages, households=0)
        base = write_workspace(folder / "base.gpkg", layers)
        v = layers["villages"]
        villages = dict(zip(v["name"], v["code"], strict=True))
        towns = dict(zip(layers["township"]["code"], layers["township"]["name"], strict=True))
        print(f"workspace: {a.villages:,} villages ({time.perf_counter() - t0:.0f} s)", flush=True)
        old_path = None
        if a.old:
            old_path = str(folder / "old")
            (folder / "old").mkdir()
            (folder / "old" / "township_atlas").symlink_to(a.old.resolve())
        for n in a.people:
            frame = synthetic(n, villages=villages, townships=towns)
            csv = write_csv(frame, folder)
            print(
                f"{n:,} people, {frame['户编号'].nunique():,} households, "
                f"{csv.stat().st_size / 1e6:.0f} MB GBK csv:",
                flush=True,
            )
            del frame
            results = {}
            for what, path in (("new", None), ("old", old_path)):
                if what == "old" and path is None:
                    continue
                ws = folder / f"{what}.gpkg"
                shutil.copyfile(base, ws)
                results[what] = _run(path, csv, ws, home)
                print(_line(what, results[what]), flush=True)
                ws.unlink()
            if "old" in results:
                new, old = results["new"], results["old"]
                print(
                    f"  ratio old/new: time {old['seconds'] / new['seconds']:.2f}x, "
                    f"peak RSS {old['peak_mb'] / new['peak_mb']:.2f}x",
                    flush=True,
                )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
