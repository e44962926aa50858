"""Debian's headless chromium on a served dashboard, every outside request blocked and counted.

``visit`` opens a page (its own Streamlit session) in the browser's one persistent context;
:meth:`Visit.map_frame` gives the map's iframe once Leaflet has drawn in it and filled its
frame. Every wait is Playwright's own (``expect``, ``wait_for``, ``wait_for_function``), never a
fixed sleep. The ``browser`` and ``demo_server`` fixtures are in ``tests/browser/conftest.py``.

Outside requests are blocked by chromium itself (a proxy that is not there, loopback excepted)
and counted from each page's requests, not by a Playwright route: a route turns the browser's
cache off, and with it on a page reuses the scripts, compiled, that an earlier page loaded from
the same server (Streamlit's front end: a third of the browser's work for each page).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from playwright import sync_api as playwright_api

expect = playwright_api.expect

CHROMIUM = "/usr/bin/chromium"
#: Whether this machine can run the browser tests (CI installs Debian's chromium).
HAVE_CHROMIUM = Path(CHROMIUM).exists()
LOCAL = {"127.0.0.1", "localhost", "::1", "[::1]"}
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
#: Every request but loopback's goes to a proxy nothing listens on: it fails at once.
NO_NETWORK = ["--proxy-server=http://127.0.0.1:9"]
VILLAGE_PATHS = ".leaflet-villages-pane path.leaflet-interactive"
#: streamlit-folium's iframe (its ``title`` is the component's name).
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
#: How long to wait for what a server rerun draws (ms): generous, CI runs the browser tests on
#: two cores beside the rest of the suite.
RERUN_MS = 60_000
#: The map is settled: the map's page script has filled the frame and fitted the view (it sets
#: ``ta-fill`` then) and Leaflet knows the frame's present size.
MAP_SETTLED = """() => document.documentElement.classList.contains("ta-fill")
    && Math.abs(map.getSize().x - window.innerWidth) <= 2
    && Math.abs(map.getSize().y - window.innerHeight) <= 2"""
#: Runs ``src`` (a JS function's source) in the realm of the ``nth`` map iframe present now, so
#: that ``map`` and ``document`` are the map's; false while there is no map (a rerun redraws it).
_IN_MAP = """([sel, nth, src, arg]) => {
    const f = document.querySelectorAll(sel)[nth];
    const w = f && f.contentWindow;
    if (!w || !w.map) { return false; }
    try {
        return w.Function("arg", "return (" + src + ")(arg);")(arg);
    } catch (e) {
        if (e instanceof w.SyntaxError) { throw e; }  // a typo in the test: say so at once
        return false;
    }
}"""
_APP_STATE = ("[data-testid=stApp]", "data-test-script-state")
#: Notes, from now on, whether Streamlit starts running the page (its root's script state).
_WATCH_RUN = """([sel, attr]) => {
    const app = document.querySelector(sel);
    // A run going on now counts: the action's rerun may be folded into it.
    window.__taRan = app.getAttribute(attr) === "running";
    new MutationObserver((records, observer) => {
        if (app.getAttribute(attr) === "running"
                || records.some((r) => r.oldValue === "running")) {
            window.__taRan = true;
            observer.disconnect();
        }
    }).observe(app, {attributes: true, attributeFilter: [attr], attributeOldValue: true});
}"""
_RAN = """([sel, attr]) => window.__taRan
    && "notRunning" === document.querySelector(sel).getAttribute(attr)"""


@dataclass
class Chromium:
    """Debian's chromium, headless, with no network but loopback: ``context`` is its one
    persistent context, whose pages share the cache. ``new_context`` gives a context of a
    second chromium (plain, no cache kept, the network as the test routes it), started when
    first asked for; ``browser_type`` launches others."""

    browser_type: playwright_api.BrowserType
    context: playwright_api.BrowserContext
    _plain: playwright_api.Browser | None = None

    def new_context(self, **kwargs: Any) -> playwright_api.BrowserContext:
        if self._plain is None:
            self._plain = self.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        return self._plain.new_context(**kwargs)

    def close(self) -> None:
        self.context.close()
        if self._plain is not None:
            self._plain.close()


@contextmanager
def launched(profile: Path | None = None) -> Iterator[Chromium]:
    """Debian's chromium, headless; ``profile``: its user data folder (kept by the caller, so
    that the next chromium finds the cache; a temporary one without)."""
    with ExitStack() as stack:
        if profile is None:
            profile = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="chromium-")))
        p = stack.enter_context(playwright_api.sync_playwright())
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            args=[*CHROMIUM_ARGS, *NO_NETWORK],
            locale="zh-CN",
        )
        b = Chromium(p.chromium, context)
        try:
            yield b
        finally:
            b.close()


@dataclass
class MapFrame:
    """The ``nth`` map iframe of a page, looked up again on every use: a rerun that replaces
    the iframe (or the map in it) is followed.

    ``locator`` and ``get_by_text`` are the frame's; ``owner`` is the ``<iframe>`` element in
    the page (its ``bounding_box`` is in page coordinates).
    """

    page: playwright_api.Page
    nth: int = 0

    @property
    def frames(self) -> playwright_api.FrameLocator:
        """The frame locator of the map's iframe."""
        return self.page.frame_locator(MAP_IFRAME).nth(self.nth)

    @property
    def owner(self) -> playwright_api.Locator:
        """The ``<iframe>`` element in the page."""
        return self.frames.owner

    def locator(self, selector: str, **kwargs: Any) -> playwright_api.Locator:
        """A locator inside the map's frame."""
        return self.frames.locator(selector, **kwargs)

    def get_by_text(self, text: str, **kwargs: Any) -> playwright_api.Locator:
        """Text inside the map's frame."""
        return self.frames.get_by_text(text, **kwargs)

    def evaluate(self, js: str, arg: Any = None) -> Any:
        """Run ``js`` (a function of ``arg``) in the map's frame and return its value."""
        return self.locator("html").evaluate(f"(_, arg) => ({js})(arg)", arg)

    def wait_for(self, js: str, arg: Any = None, timeout: float = RERUN_MS) -> Any:
        """Wait until ``js`` (a function of ``arg``, run in the map's frame) returns a truthy
        value, in whichever iframe is the map by then; return that value."""
        handle = self.page.wait_for_function(
            _IN_MAP, arg=[MAP_IFRAME, self.nth, js, arg], timeout=timeout
        )
        return handle.json_value()


@dataclass
class Visit:
    """A page opened by :func:`visit`, with the outside requests it tried and its script
    errors."""

    page: playwright_api.Page
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def close(self) -> None:
        """Close the page (its Streamlit session ends); the browser's context stays."""
        self.page.close()

    def map_frame(self, nth: int = 0, timeout: float = RERUN_MS) -> MapFrame:
        """The ``nth`` map on the page, once Leaflet has drawn a village in it, the map has
        filled its frame and fitted its view, and Streamlit has finished running the page (a
        click in a map the run is still laying out may never reach Python)."""
        frame = MapFrame(self.page, nth)
        expect(frame.locator(VILLAGE_PATHS).first).to_be_attached(timeout=timeout)
        frame.wait_for(MAP_SETTLED, timeout=timeout)
        settled(self.page, timeout)
        return frame

    def map_with_text(self, text: str, timeout: float = RERUN_MS) -> MapFrame:
        """The map once ``text`` shows in it. A rerun may replace the iframe meanwhile (the
        language switched): the locators follow it."""
        frame = self.map_frame(timeout=timeout)
        expect(frame.get_by_text(text).first).to_be_attached(timeout=timeout)
        expect(frame.locator(VILLAGE_PATHS).first).to_be_attached(timeout=timeout)
        return frame


def settled(page: playwright_api.Page, timeout: float = RERUN_MS) -> None:
    """Wait until Streamlit is not running the page (its last run has finished)."""
    sel, attr = _APP_STATE
    expect(page.locator(sel)).to_have_attribute(attr, "notRunning", timeout=timeout)


@contextmanager
def rerun_of(page: playwright_api.Page, timeout: float = RERUN_MS) -> Iterator[None]:
    """Wait, at the end of the block, until a script run that started in it has finished: an
    action (a click on a page link, Enter in a field) reruns the page, but Streamlit's state
    still says "not running" until the server answers."""
    page.evaluate(_WATCH_RUN, list(_APP_STATE))
    yield
    page.wait_for_function(_RAN, arg=list(_APP_STATE), timeout=timeout)


def visit(
    browser: Chromium,
    url: str,
    height: int = 1000,
    width: int = 1600,
    kind: type[Visit] = Visit,
) -> Visit:
    """Open ``url`` in a new page of ``browser``, every outside request blocked and counted;
    ``kind``: a Visit with more helpers (another test file's)."""
    page = browser.context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    v = kind(page)

    def seen(request):
        host = urlparse(request.url).hostname or ""
        if not request.url.startswith(("data:", "blob:", "about:")) and host not in LOCAL:
            v.outside.append(request.url)  # chromium has nowhere to send it: it fails

    page.on("request", seen)
    page.on("pageerror", lambda e: v.errors.append(str(e)))
    page.goto(url, wait_until="domcontentloaded")
    return v
