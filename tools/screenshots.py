"""Screenshots of 会议模式's presentation view at the big-screen sizes, light and dark.

    python -m tools.screenshots [--out build/screenshots] [--url http://127.0.0.1:8501]

Without ``--url`` it starts the dashboard on the demo township (a free port, its own data
folder) and stops it afterwards. Debian's chromium draws the pages with every request that
would leave the machine blocked; the number blocked is printed and must be 0. Run from the
project's folder: the server and browser helpers are the browser tests' (``tests/support``).
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from tests.support.browser import expect, launched, visit
from tests.support.server import start_server, stop_server
from township_atlas.data.demo import build_demo

#: The screens of township and county meeting rooms: projectors, laptops, a 16:10 screen.
SIZES = ((1280, 720), (1366, 768), (1920, 1080), (1440, 900))


def shoot(browser, url: str, size: tuple[int, int], dark: bool, out: Path) -> tuple[Path, int]:
    """One screenshot of the presentation view; returns its path and the requests blocked."""
    width, height = size
    v = visit(browser, f"{url}/meeting?present=1", height=height, width=width)
    page = v.page
    v.map_frame()
    if dark:
        page.locator(".st-key-meeting_bar [data-testid=stCheckbox] label").first.click()
        expect(page.locator(".stApp")).to_have_css(
            "background-color", re.compile(r"15, 19, 24"), timeout=60_000
        )
        v.map_frame()  # drawn again, dark
    page.evaluate("document.fonts.ready.then(() => true)")
    path = out / f"meeting-{width}x{height}-{'dark' if dark else 'light'}.png"
    page.screenshot(path=str(path))
    v.close()
    return path, len(v.outside)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path("build/screenshots"))
    ap.add_argument("--url", help="a dashboard already running (default: start one)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home:
        server = None
        if args.url:
            url = args.url.rstrip("/")
        else:
            server = start_server(build_demo(Path(home) / "demo.gpkg"), Path(home))
            url = server.url
        total = 0
        try:
            with launched() as browser:
                for size in SIZES:
                    for dark in (False, True):
                        path, blocked = shoot(browser, url, size, dark, args.out)
                        total += blocked
                        print(f"{path}  ({blocked} outside requests blocked)")
        finally:
            if server is not None:
                stop_server(server)
    return 1 if total else 0


if __name__ == "__main__":
    raise SystemExit(main())
