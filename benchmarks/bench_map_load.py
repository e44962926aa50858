"""Time from opening the dashboard to every village polygon drawn, server warm.

Compared in the same run against a bare streamlit-folium page with one polygon
(benchmarks/baseline_app.py): the ratio is what the township map costs above the floor that
Streamlit, the component iframe and Leaflet set. No host but 127.0.0.1 resolves.

usage: python -m benchmarks.bench_map_load [--runs N]   (from the project's folder)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, VILLAGE_PATHS
from tests.support.server import free_port, wait_healthy

HERE = Path(__file__).resolve().parent
ARGS = [
    *CHROMIUM_ARGS,
    # No host but this machine resolves. Blocking in chromium itself, not by intercepting every
    # request in playwright, which would add a round trip to each of Streamlit's ~80 files.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
PATHS = VILLAGE_PATHS


def start(cmd: list[str], port: int, env: dict) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_healthy(f"http://127.0.0.1:{port}", proc)
    return proc


def time_to_paths(browser, url: str, wanted: int) -> float:
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    while True:
        n = sum(f.locator(PATHS).count() for f in page.frames if "streamlit_folium" in f.url)
        if n >= wanted:
            elapsed = time.perf_counter() - t0
            break
        if time.perf_counter() - t0 > 60:
            raise RuntimeError(f"only {n} of {wanted} paths after 60 s")
        page.wait_for_timeout(20)
    context.close()
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    a = ap.parse_args()
    home = Path(tempfile.mkdtemp(prefix="atlas-bench-"))
    env = {**os.environ, "TOWNSHIP_ATLAS_HOME": str(home)}
    from township_atlas.data.demo import build_demo

    demo = build_demo(home / "demo.gpkg")
    p1, p2 = free_port(), free_port()
    app = start(
        [
            sys.executable,
            "-m",
            "township_atlas.cli",
            "serve",
            str(demo),
            "--port",
            str(p1),
            "--headless",
        ],
        p1,
        env,
    )
    base = start(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(HERE / "baseline_app.py"),
            "--server.port",
            str(p2),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        p2,
        env,
    )
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            # Warm both servers (imports, caches, first script run) before timing.
            time_to_paths(browser, f"http://127.0.0.1:{p1}/", 17)
            time_to_paths(browser, f"http://127.0.0.1:{p2}/", 1)
            ours, floor = [], []
            for _ in range(a.runs):
                ours.append(time_to_paths(browser, f"http://127.0.0.1:{p1}/", 17))
                floor.append(time_to_paths(browser, f"http://127.0.0.1:{p2}/", 1))
            browser.close()
    finally:
        app.terminate()
        base.terminate()
    mo, mf = statistics.median(ours), statistics.median(floor)
    print(
        f"township map, 17 villages + overlays: median {mo:.2f} s  (runs: "
        f"{', '.join(f'{x:.2f}' for x in ours)})"
    )
    print(
        f"bare streamlit-folium page, 1 polygon: median {mf:.2f} s  (runs: "
        f"{', '.join(f'{x:.2f}' for x in floor)})"
    )
    print(f"ratio township / bare: {mo / mf:.2f}")


if __name__ == "__main__":
    main()
