"""Concurrent dashboard sessions in headless chromium on one county: reruns as people see them.

A county of ``--villages`` surveyed-style villages (``tests.support.surveyed.county_layers``,
200 households each: 300 → 60,000) is served by ``township-atlas serve`` in one or two
processes, on PostgreSQL + PostGIS (a throwaway cluster, ``tests/support/postgres.py``) and on
a GeoPackage, one setup after another in the same run. In each setup ``--sessions`` pages of
one headless chromium (one browser context each: its own cookies, cache and Streamlit session,
spread evenly over the processes) sign in with their own account and loop with a think time of
3–8 s (random, seeded):

- ``year``: the sidebar's year one step (arrow key on the slider), any page;
- ``indicator``: another 专题指标 in 一张图's 图层与底图 fold;
- ``page``: to another of 一张图, 出列进度, 村情总表 by the sidebar;
- ``card``: a click inside a village on 出列进度's map (its scorecard opens).

``--recorders`` of the sessions (monitors, who may record changes; the others are leaders)
also go to 变更登记 every ``--round-every`` s, choose the same village and each their own
indicator, wait for one another and click 登记 at the same moment (``record``); the change
number each page reports is looked up in the workspace's history afterwards (no lost update).

One rerun is timed from the input event to Streamlit's script state back at "notRunning" after
a run that started meanwhile (``tests/support/browser.py``'s watcher) and, on a page with a
map, Leaflet's village paths in the map's frame with the frame filled. Opening the dashboard
(sign-in to the map drawn) is counted apart (``open``). Load average, CPU seconds of the
servers, chromium and PostgreSQL, and memory (RSS per server; RSS and PSS of chromium per
session) are read from ``/proc``.

usage: python -m benchmarks.bench_sessions [--sessions 20] [--seconds 150]
           [--setups postgis:2 gpkg:2 postgis:1 gpkg:1] [--villages 300] [--recorders 4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from argon2 import PasswordHasher
from playwright.async_api import Browser, Page, async_playwright

from benchmarks.bench_map_load import ARGS
from tests.support import postgres
from tests.support.browser import (
    _APP_STATE,
    _IN_MAP,
    _RAN,
    _WATCH_RUN,
    CHROMIUM,
    MAP_IFRAME,
    MAP_SETTLED,
    VILLAGE_PATHS,
)
from tests.support.server import free_port, wait_healthy
from tests.support.surveyed import county_layers
from township_atlas.dashboard.basemaps import OFFLINE_ENV
from township_atlas.geo import workspace as ws_module
from township_atlas.geo.accounts import AccountStore
from township_atlas.geo.migrate import migrate
from township_atlas.geo.workspace import read_workspace, write_workspace

PASSWORD = "correct horse 9"
#: Cheap to check: 20 sign-ins at once must not measure argon2.
HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
#: Generous: two cores shared by every server, browser and the database.
WAIT_MS = 120_000
MAP_PAGES = ("一张图", "出列进度")
PAGES = (*MAP_PAGES, "村情总表")
#: Per page, what a session may do there (besides the year, on every page).
ACTIONS = {"一张图": ("year", "indicator", "page"), "出列进度": ("year", "card", "page")}
#: Indicators the recorders set, one each (yes/no: the form proposes the other answer).
FIELDS = {
    "通硬化路": "road_hardened",
    "通客运班车": "bus",
    "安全饮水": "safe_water",
    "生产生活用电": "power",
    "广播电视": "radio_tv",
    "通宽带": "broadband",
}
SERVICES = (*FIELDS.values(), "clinic", "doctor", "activity_centre")
#: The map is drawn: a village path is in its frame and the frame is filled.
MAP_DRAWN = f"() => document.querySelector({VILLAGE_PATHS!r}) !== null && ({MAP_SETTLED})()"
#: Where a point (lat, lng) of the map is in the map's frame.
IN_FRAME = """([lat, lng]) => {
    const p = map.latLngToContainerPoint([lat, lng]);
    const r = map.getContainer().getBoundingClientRect();
    return [p.x + r.left, p.y + r.top];
}"""
#: The change number of a new 已登记 message (not one of ``seen``), or the refusal's text.
RECORDED = r"""(seen) => {
    const text = document.body.innerText;
    const bad = text.match(/(未登记|登记失败)[^\n]*/);
    if (bad) { return "REFUSED " + bad[0]; }
    const alert = document.querySelector(
        "[data-testid=stAlertContentError], [data-testid=stAlertContentWarning]");
    if (alert) { return "REFUSED " + alert.innerText; }
    const ids = [...text.matchAll(/已登记[(（]([^)）]+)[)）]/g)].map((m) => m[1]);
    const fresh = ids.filter((i) => !seen.includes(i));
    return fresh.length ? fresh[0] : false;
}"""
STATE_SEL, STATE_ATTR = _APP_STATE


@dataclass
class Setup:
    """One configuration: the backend and how many server processes share it."""

    backend: str  # "postgis" or "gpkg"
    processes: int

    @property
    def name(self) -> str:
        where = "PostGIS" if self.backend == "postgis" else "GeoPackage"
        return f"{where}, {self.processes} process{'es' if self.processes > 1 else ''}"


@dataclass
class Outcome:
    """What one setup measured."""

    setup: Setup
    sessions: int
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    recorded: list[tuple[str, str]] = field(default_factory=list)  # (change id, field)
    refused: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # the first words of each error
    found: int = 0
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average, start and end
    cpu: dict[str, float] = field(default_factory=dict)
    memory: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0


# --- processes, from /proc -------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError, IndexError):
                stat = (entry / "stat").read_text()
                kids[int(stat.rsplit(")", 1)[1].split()[1])].append(int(entry.name))
    return kids


def descendants(root: int) -> list[int]:
    """Every live process below ``root``."""
    kids, out, todo = _children(), [], [root]
    while todo:
        for kid in kids.get(todo.pop(), []):
            out.append(kid)
            todo.append(kid)
    return out


def _cmdline(pid: int) -> str:
    with suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return ""


def _cpu_s(pid: int) -> float:
    with suppress(OSError, IndexError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        # own time and that of children already waited for (a database's finished backends)
        return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return 0.0


def _kb(pid: int, file: str, key: str) -> int:
    with suppress(OSError):
        for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    return 0


def groups(cluster_folder: str | None) -> dict[str, list[int]]:
    """Our processes by kind: servers, chromium, PostgreSQL (the cluster's postmaster and
    its backends, which are not our children: pg_ctl detaches them)."""
    out: dict[str, list[int]] = {"server": [], "chromium": [], "postgres": []}
    for pid in descendants(os.getpid()):
        line = _cmdline(pid)
        if "streamlit" in line:
            out["server"].append(pid)
        elif "chromium" in line:
            out["chromium"].append(pid)
    if cluster_folder:
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and cluster_folder in _cmdline(int(entry.name)):
                master = int(entry.name)
                out["postgres"] += [master, *descendants(master)]
    return out


def cpu_seconds(cluster_folder: str | None) -> dict[str, float]:
    """CPU seconds used so far by each kind of process (live ones)."""
    return {k: sum(map(_cpu_s, pids)) for k, pids in groups(cluster_folder).items()}


def memory(sessions: int) -> dict[str, float]:
    """MB: RSS of each server process (the largest), chromium's RSS and PSS per session
    (PSS shares what processes share between them, so it adds up)."""
    pids = groups(None)
    server = [_kb(p, "status", "VmRSS") / 1024 for p in pids["server"]]
    rss = sum(_kb(p, "status", "VmRSS") for p in pids["chromium"]) / 1024
    pss = sum(_kb(p, "smaps_rollup", "Pss:") for p in pids["chromium"]) / 1024
    renderers = [p for p in pids["chromium"] if "--type=renderer" in _cmdline(p)]
    renderer_pss = sum(_kb(p, "smaps_rollup", "Pss:") for p in renderers) / 1024
    return {
        "server_rss_max": max(server, default=0.0),
        "server_rss_sum": sum(server),
        "chromium_rss": rss,
        "chromium_pss": pss,
        "chromium_pss_per_session": pss / max(sessions, 1),
        "renderers": len(renderers),
        "renderer_pss_per_session": renderer_pss / max(sessions, 1),
    }


# --- the workspace and its servers -----------------------------------------------------------


def indicators(codes: list[str], years: range, seed: int = 7) -> pd.DataFrame:
    """Each village's yearly indicators (the register's village table), services coming one
    after another over the years; synthetic. Without a row for the year, a recorded
    indicator would make a new row of one field (see the report in ``sessions.md``)."""
    rng = np.random.default_rng(seed)
    rows = len(codes) * len(years)
    # the year each village got each service: before the first year for most
    since = {k: rng.integers(years.start - 6, years.stop + 2, len(codes)) for k in SERVICES}
    year = np.tile(np.asarray(years), len(codes))
    village = np.repeat(np.arange(len(codes)), len(years))
    return pd.DataFrame(
        {
            "village_code": np.repeat(codes, len(years)),
            "year": year,
            **{k: since[k][village] <= year for k in SERVICES},
            "dangerous_houses": rng.integers(0, 6, rows),
            "unsafe_water_households": rng.integers(0, 4, rows),
            "collective_income": rng.uniform(0, 12, rows).round(1),
        }
    )


def county_gpkg(folder: Path, villages: int, households: int) -> Path:
    """The county, written once; each setup starts from a copy of it."""
    layers = county_layers(villages, households=households)
    layers["indicators"] = indicators(list(layers["villages"]["code"]), range(2014, 2024))
    return write_workspace(folder / "county.gpkg", layers)


def place_workspace(setup: Setup, base: Path, folder: Path, cluster) -> str:
    """A fresh copy of the county for ``setup``: a file, or a new schema in the cluster."""
    if setup.backend == "gpkg":
        path = folder / "county.gpkg"
        shutil.copy(base, path)
        return str(path)
    url = cluster.new_schema_url()
    migrate(base, url)
    return url


def add_accounts(workspace: str, sessions: int, recorders: int) -> list[tuple[str, bool]]:
    """One account per session: (name, records changes); recorders are monitors."""
    store = AccountStore.for_workspace(workspace, hasher=HASHER)
    made = []
    for i in range(sessions):
        records = i < recorders
        name = f"{'mon' if records else 'lead'}{i}"
        store.add(name, "monitor" if records else "leader", PASSWORD)
        made.append((name, records))
    return made


def serve(workspace: str, home: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """``township-atlas serve`` on 127.0.0.1 and a free port; its output to ``log``."""
    port = free_port()
    cmd = [sys.executable, "-m", "township_atlas.cli", "serve", workspace]
    cmd += ["--port", str(port), "--headless"]
    env = {**os.environ, "TOWNSHIP_ATLAS_HOME": str(home), OFFLINE_ENV: "1"}
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, proc, timeout_s=180)
    return proc, url


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --- one session -----------------------------------------------------------------------------


@dataclass
class Shared:
    """What the sessions of one setup share."""

    outcome: Outcome
    villages: gpd.GeoDataFrame  # WGS84: where to click for a card
    start: float
    end: float
    round_every: float
    recorders: int
    barriers: dict[int, asyncio.Barrier] = field(default_factory=dict)

    def barrier(self, n: int) -> asyncio.Barrier:
        if n not in self.barriers:
            self.barriers[n] = asyncio.Barrier(self.recorders)
        return self.barriers[n]


class Session:
    """One person's page: signs in, then acts with think time until the setup's end."""

    def __init__(self, page: Page, name: str, index: int, shared: Shared, records: bool):
        self.page, self.name, self.index, self.shared = page, name, index, shared
        self.records = records
        self.rng = random.Random(index)
        self.where = "一张图"
        self.seen: list[str] = []

    async def _wait_map(self) -> None:
        await self.page.wait_for_function(
            _IN_MAP, arg=[MAP_IFRAME, 0, MAP_DRAWN, None], timeout=WAIT_MS
        )

    async def _rerun(self, act) -> float:
        """Seconds from ``act`` (an input event) to its rerun finished and the map drawn."""
        await self.page.evaluate(_WATCH_RUN, [STATE_SEL, STATE_ATTR])
        t = time.perf_counter()
        await act()
        await self.page.wait_for_function(_RAN, arg=[STATE_SEL, STATE_ATTR], timeout=WAIT_MS)
        if self.where in MAP_PAGES:
            await self._wait_map()
        return time.perf_counter() - t

    async def _settled(self) -> None:
        await (
            self.page.locator(STATE_SEL)
            .and_(self.page.locator(f"[{STATE_ATTR}=notRunning]"))
            .wait_for(timeout=WAIT_MS)
        )

    async def open(self, url: str) -> float:
        t = time.perf_counter()
        await self.page.goto(url, wait_until="domcontentloaded", timeout=WAIT_MS)
        await self.page.get_by_label("账户名").fill(self.name, timeout=WAIT_MS)
        await self.page.get_by_label("密码").fill(PASSWORD)
        await self.page.get_by_role("button", name="登录").click()
        await self.page.get_by_role("button", name="退出登录").wait_for(timeout=WAIT_MS)
        await self._wait_map()
        await self._settled()
        return time.perf_counter() - t

    async def year(self) -> float:
        slider = self.page.locator('[data-testid="stSidebar"]').get_by_role("slider").first
        now, low, high = await slider.evaluate(
            """(e) => ["now", "min", "max"].map((k) => Number(
                e.getAttribute("aria-value" + k) ?? e[k === "now" ? "value" : k]))"""
        )
        up = now < high and (now == low or self.rng.random() < 0.5)
        key = "ArrowRight" if up else "ArrowLeft"
        await slider.focus()
        return await self._rerun(lambda: self.page.keyboard.press(key))

    async def indicator(self) -> float:
        page = self.page
        await page.get_by_role("button", name="图层与底图").click()
        box = page.get_by_label("专题指标")  # the selectbox's input
        await box.click()
        options = page.get_by_role("option")
        await options.first.wait_for(timeout=WAIT_MS)
        count = await options.count()
        choice = options.nth(self.rng.randrange(1, count) if count > 1 else 0)
        took = await self._rerun(choice.click)
        await page.keyboard.press("Escape")  # the fold closes
        return took

    async def switch(self, to: str) -> float:
        link = self.page.locator('[data-testid="stSidebarNav"] a', has_text=to)
        self.where = to
        return await self._rerun(link.click)

    async def page_change(self) -> float:
        return await self.switch(self.rng.choice([p for p in PAGES if p != self.where]))

    async def card(self) -> float:
        one = self.shared.villages.iloc[self.rng.randrange(len(self.shared.villages))]
        point = one.geometry.representative_point()
        frame = self.page.frame_locator(MAP_IFRAME).first
        x, y = await frame.locator("html").evaluate(
            f"(_, arg) => ({IN_FRAME})(arg)", [point.y, point.x]
        )
        box = await self.page.locator(MAP_IFRAME).first.bounding_box()
        return await self._rerun(lambda: self.page.mouse.click(box["x"] + x, box["y"] + y))

    async def record(self, round_no: int) -> None:
        """Go to 变更登记, choose this recorder's indicator (the village is the form's first,
        the same for all), wait for the other recorders, click 登记 with them."""
        out = self.shared.outcome
        page = self.page
        if self.where != "变更登记":
            out.times["page"].append(await self.switch("变更登记"))
        want = list(FIELDS)[self.index % len(FIELDS)]
        box = page.get_by_label("指标", exact=True)
        if await box.input_value() != want:
            await box.click()
            await page.get_by_role("option", name=want, exact=True).click()
            await self._settled()
        submit = page.get_by_role("button", name=re.compile("^登记"))
        await submit.wait_for(timeout=WAIT_MS)
        try:
            async with asyncio.timeout(90):
                await self.shared.barrier(round_no).wait()
        except (TimeoutError, asyncio.BrokenBarrierError):
            out.errors["record: recorders not together"] += 1
        await page.evaluate(_WATCH_RUN, [STATE_SEL, STATE_ATTR])
        t = time.perf_counter()
        await submit.click()
        try:
            said = await page.wait_for_function(RECORDED, arg=self.seen, timeout=WAIT_MS)
        except Exception:
            text = await page.evaluate("() => document.body.innerText")
            out.notes.append(f"{self.name} record: the page said {text[-600:]!r}")
            raise
        said = await said.json_value()
        await page.wait_for_function(_RAN, arg=[STATE_SEL, STATE_ATTR], timeout=WAIT_MS)
        out.times["record"].append(time.perf_counter() - t)
        if said.startswith("REFUSED"):
            out.refused.append(said)
        else:
            self.seen.append(said)
            out.recorded.append((said, want))

    async def act(self) -> None:
        kind = self.rng.choice(ACTIONS.get(self.where, ("year", "page")))
        how = {"year": self.year, "indicator": self.indicator, "card": self.card}
        took = await (how[kind]() if kind in how else self.page_change())
        self.shared.outcome.times[kind].append(took)

    async def loop(self, url: str) -> None:
        shared, out = self.shared, self.shared.outcome
        # Arrivals spread over the first seconds, as people open the dashboard
        await asyncio.sleep(self.index * 0.7)
        try:
            out.times["open"].append(await self.open(url))
        except Exception as exc:  # a session that cannot open is counted
            out.errors[f"open: {type(exc).__name__}"] += 1
            return
        round_no = 0
        next_round = shared.start + shared.round_every
        while time.monotonic() < shared.end:
            if self.records and time.monotonic() >= next_round - 10:
                kind = "record"
                job = self.record(round_no)
                round_no += 1
                next_round += shared.round_every
            else:
                wait = self.rng.uniform(3, 8)
                if self.records:
                    wait = max(0.0, min(wait, next_round - 10 - time.monotonic()))
                await asyncio.sleep(wait)
                if time.monotonic() >= shared.end:
                    break
                kind = "action"
                job = self.act()
            try:
                await job
            except Exception as exc:  # counted; the session goes on
                out.errors[f"{kind}: {type(exc).__name__}"] += 1
                out.notes.append(f"{self.name} {kind}: {str(exc)[:300]}")
                with suppress(Exception):
                    await self._settled()


# --- one setup -------------------------------------------------------------------------------


async def drive(
    browser: Browser, urls: list[str], accounts: list[tuple[str, bool]], shared: Shared
) -> None:
    contexts, sessions = [], []
    for i, (name, records) in enumerate(accounts):
        context = await browser.new_context(
            locale="zh-CN", viewport={"width": 1600, "height": 1000}
        )
        contexts.append(context)
        page = await context.new_page()
        sessions.append(Session(page, name, i, shared, records))
    try:
        # recorders alternate between the servers: the same village written from both
        await asyncio.gather(*(s.loop(urls[s.index % len(urls)]) for s in sessions))
        shared.outcome.memory = memory(len(sessions))
    finally:
        for context in contexts:
            with suppress(Exception):
                await context.close()


async def warm(browser: Browser, url: str) -> None:
    """A server's first page imports and caches for tens of seconds: done once, unmeasured,
    as on an office server that has been running."""
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1600, "height": 1000})
    try:
        page = await context.new_page()
        s = Session(page, "lead_warm", 0, None, False)  # type: ignore[arg-type]
        await s.open(url)
        for to in ("出列进度", "村情总表", "一张图"):
            await s.switch(to)
    finally:
        await context.close()


def run_setup(
    setup: Setup,
    base: Path,
    folder: Path,
    cluster,
    a: argparse.Namespace,
    villages: gpd.GeoDataFrame,
) -> Outcome:
    """Serve a fresh copy of the county for ``setup``, drive the sessions, check history."""
    here = folder / f"{setup.backend}-{setup.processes}"
    home = here / "home"
    home.mkdir(parents=True)
    os.environ["TOWNSHIP_ATLAS_HOME"] = str(home)  # where a database's accounts live
    workspace = place_workspace(setup, base, here, cluster)
    accounts = add_accounts(workspace, a.sessions, a.recorders)
    AccountStore.for_workspace(workspace, hasher=HASHER).add("lead_warm", "leader", PASSWORD)
    before = len(read_workspace(workspace)["history"])
    outcome = Outcome(setup, a.sessions)
    servers = []
    try:
        for i in range(setup.processes):
            servers.append(serve(workspace, home, here / f"server{i}.log"))
        urls = [url for _, url in servers]

        async def go() -> None:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                try:
                    for url in urls:
                        await warm(browser, url)
                    load0 = os.getloadavg()[0]
                    cpu0 = cpu_seconds(cluster.socket if cluster else None)
                    t0 = time.monotonic()
                    shared = Shared(
                        outcome,
                        villages,
                        t0 + a.sessions * 0.7,
                        t0 + a.seconds,
                        a.round_every,
                        a.recorders,
                    )
                    await drive(browser, urls, accounts, shared)
                    outcome.seconds = time.monotonic() - t0
                    cpu1 = cpu_seconds(cluster.socket if cluster else None)
                    outcome.cpu = {k: cpu1[k] - cpu0.get(k, 0.0) for k in cpu1}
                    outcome.load = (load0, os.getloadavg()[0])
                finally:
                    await browser.close()

        asyncio.run(go())
    finally:
        for proc, _ in servers:
            stop(proc)
    ws_module._CACHE.clear()
    history = read_workspace(workspace)["history"].iloc[before:]
    # a change of the recorder's indicator under the number its page reported
    landed = set(zip(history["change_id"].astype(str), history["field"], strict=True))
    outcome.found = sum(1 for cid, label in outcome.recorded if (cid, FIELDS[label]) in landed)
    return outcome


# --- the report ------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (nearest rank), NaN for none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


RERUNS = ("year", "indicator", "page", "card", "record")


def report(outcomes: list[Outcome]) -> str:
    lines = [
        "| setup | sessions | reruns | p50 | p95 | max | p95 year / indicator / page / card"
        " / record | open p50 (max) | changes recorded / in history | errors |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        reruns = [t for k in RERUNS for t in o.times.get(k, [])]
        kinds = " / ".join(f"{pct(o.times.get(k, []), 0.95):.2f}" for k in RERUNS)
        opens = o.times.get("open", [])
        errors = ", ".join(f"{k} {n}" for k, n in o.errors.items()) or "none"
        refused = f" ({len(o.refused)} refused)" if o.refused else ""
        lines.append(
            f"| {o.setup.name} | {o.sessions} | {len(reruns)} | {pct(reruns, 0.5):.2f} s "
            f"| {pct(reruns, 0.95):.2f} s | {max(reruns, default=float('nan')):.2f} s | {kinds} "
            f"| {pct(opens, 0.5):.1f} s ({max(opens, default=float('nan')):.1f} s) "
            f"| {len(o.recorded)} / {o.found}{refused} | {errors} |"
        )
    lines += [
        "",
        "| setup | seconds | load avg (1 min) start → end | CPU s: servers / chromium / "
        "postgres | server RSS (largest, MB) | chromium per session: PSS (renderer PSS) MB "
        "| chromium RSS total MB |",
        "|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        s1, e1 = o.load
        m = o.memory
        lines.append(
            f"| {o.setup.name} | {o.seconds:.0f} | {s1:.1f} → {e1:.1f} "
            f"| {o.cpu.get('server', 0):.0f} / {o.cpu.get('chromium', 0):.0f} / "
            f"{o.cpu.get('postgres', 0):.1f} | {m.get('server_rss_max', 0):.0f} "
            f"| {m.get('chromium_pss_per_session', 0):.0f} "
            f"({m.get('renderer_pss_per_session', 0):.0f}) "
            f"| {m.get('chromium_rss', 0):.0f} |"
        )
    by = {(o.setup.backend, o.setup.processes): o for o in outcomes}
    for n in (2, 1):
        pg, gp = by.get(("postgis", n)), by.get(("gpkg", n))
        if pg and gp:
            a = [t for k in RERUNS for t in pg.times.get(k, [])]
            b = [t for k in RERUNS for t in gp.times.get(k, [])]
            lines.append(
                f"\n{n} process{'es' if n > 1 else ''}: p95 rerun PostGIS / GeoPackage = "
                f"{pct(a, 0.95):.2f} / {pct(b, 0.95):.2f} s = ×{pct(a, 0.95) / pct(b, 0.95):.2f}; "
                f"p50 ×{pct(a, 0.5) / pct(b, 0.5):.2f}"
            )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--recorders", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=150, help="per setup, from the first open")
    ap.add_argument("--round-every", type=float, default=40, help="s between recording rounds")
    ap.add_argument("--villages", type=int, default=300)
    ap.add_argument("--households", type=int, default=200, help="per village")
    ap.add_argument("--setups", nargs="+", default=["postgis:2", "gpkg:2", "postgis:1", "gpkg:1"])
    a = ap.parse_args()
    setups = [Setup(s.split(":")[0], int(s.split(":")[1])) for s in a.setups]
    reason = postgres.unavailable()
    if reason and any(s.backend == "postgis" for s in setups):
        sys.exit(f"bench_sessions: {reason}")
    folder = Path(tempfile.mkdtemp(prefix="atlas-sessions-"))
    cluster = None
    outcomes: list[Outcome] = []
    try:
        base = county_gpkg(folder, a.villages, a.households)
        villages = read_workspace(base).villages.to_crs(4326)
        if any(s.backend == "postgis" for s in setups):
            cluster = postgres.start()
        for setup in setups:
            print(f"{setup.name}: {a.sessions} sessions, {a.seconds:.0f} s …", flush=True)
            outcomes.append(run_setup(setup, base, folder, cluster, a, villages))
            print(report(outcomes[-1:]), flush=True)
            for line in [*outcomes[-1].notes[:8], *outcomes[-1].refused[:4]]:
                print("  ", line, flush=True)
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
    print(
        f"\n{a.villages} villages, {a.villages * a.households:,} households, "
        f"{os.cpu_count()} cores, {a.recorders} of the sessions recording every "
        f"{a.round_every:.0f} s"
    )
    print(report(outcomes))


if __name__ == "__main__":
    main()
