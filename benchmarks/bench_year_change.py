"""A year change on the 一张图 page: time from the key press on the year slider to every village
path having the new year's fill, and the bytes the server sends for it over the websocket.

Compared in the same run against the full re-render of commit ``--old`` (default d9806d3, the
last before reruns kept the map: every year change rebuilt the map's script, so
streamlit-folium mounted a new map and Streamlit sent the whole map again), run from a
temporary ``git worktree``. The new code is measured twice: styles sent by our small component
beside the map (the default) and by streamlit-folium's ``feature_group_to_add``
(``TOWNSHIP_ATLAS_MAP_UPDATE=group``).

Each server steps the year down ``--changes`` times through years it has not shown yet ("first
visit": the year's styles are computed), then back up ("revisit": cached on the server, and the
browser may hold Streamlit's cached messages). Workspaces: the demo (17 sketch villages), 17
and 300 surveyed-style villages (``tests.support.surveyed.county_layers``).

usage: python -m benchmarks.bench_year_change [--sizes demo,17,300] [--changes 5] [--old REV]
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

from benchmarks.bench_map_load import ARGS
from tests.support.browser import CHROMIUM, MAP_IFRAME, VILLAGE_PATHS, settled
from tests.support.server import free_port, wait_healthy
from tests.support.surveyed import county_layers
from township_atlas.dashboard import view
from township_atlas.dashboard.map import UPDATE_ENV
from township_atlas.geo.workspace import read_workspace, write_workspace

ROOT = Path(__file__).resolve().parent.parent
#: The fills of the map's village paths in the page's one map frame (null while there is none).
FILLS = f"""() => {{
    const f = document.querySelector({MAP_IFRAME!r});
    const d = f && f.contentDocument;
    return d ? [...d.querySelectorAll({VILLAGE_PATHS!r})].map((p) => p.getAttribute("fill")) : null;
}}"""
FILLS_ARE = f"(want) => JSON.stringify(({FILLS})()) === JSON.stringify(want)"
MARK = f"() => {{ document.querySelector({MAP_IFRAME!r}).contentWindow.__taBench = 1; }}"
SAME_FRAME = f"() => document.querySelector({MAP_IFRAME!r}).contentWindow.__taBench === 1"


def old_tree(rev: str, folder: Path) -> tuple[Path, Path]:
    """Commit ``rev`` checked out in ``folder``; the folder to put first on PYTHONPATH so that
    ``township_atlas`` is that commit's code."""
    tree = folder / "old"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev],
        check=True,
        capture_output=True,
    )
    pkg = folder / "old-pkg"
    pkg.mkdir()
    (pkg / "township_atlas").symlink_to(tree)
    return tree, pkg


def serve(workspace: Path, home: Path, env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [sys.executable, "-m", "township_atlas.cli", "serve", str(workspace)]
    cmd += ["--port", str(port), "--headless"]
    proc = subprocess.Popen(
        cmd,
        env={**os.environ, **env, "TOWNSHIP_ATLAS_HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, proc, timeout_s=120)
    return proc, url


def year_fills(path: Path) -> dict[int, list[str]]:
    """Each year's village fills on the 一张图 page's default map (the same in both codes)."""
    ws = read_workspace(path)
    geometry = view.map_geometry(ws)
    years = range(view.first_year(ws), view.latest_year(ws) + 1)
    return {
        y: list(view.map_spec(ws, y, "poor_people", "zh", geometry=geometry).villages["fill"])
        for y in years
    }


def steps_from(fills: dict[int, list[str]], changes: int) -> int:
    """The latest year from which ``changes`` steps down each change some fill."""
    for top in sorted(fills, reverse=True):
        down = range(top, top - changes - 1, -1)
        if all(y in fills for y in down) and all(fills[y] != fills[y - 1] for y in list(down)[:-1]):
            return top
    raise SystemExit(f"no {changes} year changes in a row that change the map")


def measure(browser, url: str, fills: dict[int, list[str]], top: int, changes: int) -> dict:
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    received: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda d: received.append(len(d))))
    page.goto(url)
    latest = max(fills)
    page.wait_for_function(FILLS_ARE, arg=fills[latest], timeout=120_000)
    settled(page)
    slider = page.get_by_role("slider").first
    slider.focus()
    for _ in range(latest - top):
        page.keyboard.press("ArrowLeft")
    page.wait_for_function(FILLS_ARE, arg=fills[top], timeout=120_000)
    settled(page)
    page.wait_for_timeout(500)  # a last rerun of the slider's keys
    settled(page)
    page.evaluate(MARK)
    out: dict[str, list] = {"first": [], "again": []}
    years = [top - i for i in range(1, changes + 1)] + [
        top - changes + i for i in range(1, changes + 1)
    ]
    for i, year in enumerate(years):
        received.clear()
        slider.focus()
        t0 = time.perf_counter()
        page.keyboard.press("ArrowLeft" if i < changes else "ArrowRight")
        page.wait_for_function(FILLS_ARE, arg=fills[year], polling="raf", timeout=120_000)
        elapsed = time.perf_counter() - t0
        settled(page)
        out["first" if i < changes else "again"].append((elapsed, sum(received)))
    out["same_frame"] = page.evaluate(SAME_FRAME)
    page.close()
    return out


def workspaces(folder: Path, sizes: list[str]) -> dict[str, Path]:
    from township_atlas.data.demo import build_demo

    made = {}
    for size in sizes:
        if size == "demo":
            made["demo, 17 sketch villages"] = build_demo(folder / "demo.gpkg")
        else:
            n = int(size)
            made[f"{n} surveyed villages"] = write_workspace(
                folder / f"v{n}.gpkg", county_layers(n)
            )
    return made


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="demo,17,300")
    ap.add_argument("--changes", type=int, default=5)
    ap.add_argument("--old", default="d9806d3", help="the commit whose full re-render is compared")
    a = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="atlas-year-"))
    tree, old_pkg = old_tree(a.old, folder)
    codes = {
        f"old {a.old} (re-render)": {"PYTHONPATH": str(old_pkg)},
        "new, component": {UPDATE_ENV: "component"},
        "new, feature group": {UPDATE_ENV: "group"},
    }
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for name, path in workspaces(folder, a.sizes.split(",")).items():
                fills = year_fills(path)
                top = steps_from(fills, a.changes)
                for code, env in codes.items():
                    home = folder / f"home-{len(rows)}"
                    proc, url = serve(path, home, env)
                    try:
                        result = measure(browser, url, fills, top, a.changes)
                    finally:
                        proc.terminate()
                        proc.wait(timeout=20)
                    rows.append((name, code, result))
            browser.close()
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
            capture_output=True,
        )
    report(rows, a.changes)


def _median(pairs: list[tuple[float, int]], i: int) -> float:
    return statistics.median(p[i] for p in pairs)


def report(rows: list, changes: int) -> None:
    print(f"year change on 一张图, median of {changes} (first visit of a year / revisit)")
    head = f"{'workspace':26} {'code':26} {'first s':>8} {'first KB':>9} {'again s':>8} "
    print(head + f"{'again KB':>9}  same map")
    base: dict[str, tuple[float, float, float]] = {}
    for name, code, r in rows:
        t1, b1 = _median(r["first"], 0), _median(r["first"], 1) / 1000
        t2, b2 = _median(r["again"], 0), _median(r["again"], 1) / 1000
        ratio = ""
        if code.startswith("old"):
            base[name] = (t1, t2, b1)
        elif name in base:
            old1, old2, old_bytes = base[name]
            ratio = (
                f"  vs old: time ×{t1 / old1:.2f} first, ×{t2 / old2:.2f} again;"
                f" bytes ×{b1 / old_bytes:.3f}"
            )
        same = "yes" if r["same_frame"] else "no"
        print(f"{name:26} {code:26} {t1:8.2f} {b1:9.1f} {t2:8.2f} {b2:9.1f}  {same:8}{ratio}")


if __name__ == "__main__":
    main()
