"""Time from opening the dashboard to every village polygon drawn, server warm.

Compared in the same run against a bare streamlit-folium page with one polygon
(benchmarks/baseline_app.py): the ratio is what the township map costs above the floor that
Streamlit, the component iframe and Leaflet set. No host but 127.0.0.1 resolves.

usage: python benchmarks/bench_map_load.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # No host but this machine resolves. Blocking in chromium itself, not by intercepting every
    # request in playwright, which would add a round trip to each of Streamlit's ~80 files.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
PATHS = ".leaflet-villages-pane path.leaflet-interactive"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd: list[str], port: int, env: dict) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


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
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
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
