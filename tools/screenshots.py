"""Screenshots of 会议模式's presentation view at the big-screen sizes, light and dark.

    python tools/screenshots.py [--out build/screenshots] [--url http://127.0.0.1:8501]

Without ``--url`` it starts the dashboard on the demo township (a free port, its own data
folder) and stops it afterwards. Debian's chromium draws the pages with every request that
would leave the machine blocked; the number blocked is printed and must be 0.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL = {"127.0.0.1", "localhost", "::1", "[::1]"}
#: The screens of township and county meeting rooms: projectors, laptops, a 16:10 screen.
SIZES = ((1280, 720), (1366, 768), (1920, 1080), (1440, 900))
VILLAGE_PATHS = ".leaflet-villages-pane path.leaflet-interactive"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(home: Path) -> tuple[str, subprocess.Popen]:
    """The dashboard on the demo township, answering on a free local port."""
    port = _free_port()
    env = {**os.environ, "TOWNSHIP_ATLAS_HOME": str(home)}
    cmd = [sys.executable, "-m", "township_atlas.cli", "serve", "--port", str(port)]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    proc = subprocess.Popen([*cmd, "--headless"], env=env, **quiet)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the dashboard did not start")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return url, proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the dashboard did not answer within 120 s")


def _map_drawn(page) -> bool:
    for frame in page.frames:
        try:  # the map may be drawn again (dark) while it is read: its old frame goes away
            if "streamlit_folium" in frame.url and frame.locator(VILLAGE_PATHS).count():
                return True
        except Exception:
            continue
    return False


def shoot(browser, url: str, size: tuple[int, int], dark: bool, out: Path) -> tuple[Path, int]:
    """One screenshot of the presentation view; returns its path and the requests blocked."""
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    blocked: list[str] = []

    def route(r):
        host = urlparse(r.request.url).hostname or ""
        if r.request.url.startswith(("data:", "blob:", "about:")) or host in LOCAL:
            return r.continue_()
        blocked.append(r.request.url)
        return r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.goto(f"{url}/meeting?present=1", wait_until="domcontentloaded")
    _wait(page, lambda: _map_drawn(page))
    if dark:
        page.locator(".st-key-meeting_bar [data-testid=stCheckbox] label").first.click()
        _wait(
            page,
            lambda: (
                page.locator(".stApp").evaluate("e => getComputedStyle(e).backgroundColor")
                == "rgb(15, 19, 24)"
            ),
        )
        _wait(page, lambda: _map_drawn(page))
    page.wait_for_timeout(1500)  # tiles of the map settle, fonts load
    path = out / f"meeting-{width}x{height}-{'dark' if dark else 'light'}.png"
    page.screenshot(path=str(path))
    context.close()
    return path, len(blocked)


def _wait(page, ready, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        page.wait_for_timeout(250)
    raise SystemExit("the page did not get ready in time")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path("build/screenshots"))
    ap.add_argument("--url", help="a dashboard already running (default: start one)")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home:
        url, proc = (args.url.rstrip("/"), None) if args.url else start_server(Path(home))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                total = 0
                for size in SIZES:
                    for dark in (False, True):
                        path, blocked = shoot(browser, url, size, dark, args.out)
                        total += blocked
                        print(f"{path}  ({blocked} outside requests blocked)")
                browser.close()
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=20)
    return 1 if total else 0


if __name__ == "__main__":
    raise SystemExit(main())
