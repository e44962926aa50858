"""The browser tests' shared fixtures: one chromium per test file, its cache and the demo
server shared by every test file of a test process (an xdist worker)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.browser import HAVE_CHROMIUM, Chromium, launched
from tests.support.server import Server, start_server, stop_server
from township_atlas.dashboard import basemaps


@pytest.fixture(scope="session")
def _chromium_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One user data folder for the process's chromiums, one after another: each finds the
    scripts the last one loaded from the same server in the cache, compiled."""
    return tmp_path_factory.mktemp("chromium-profile")


@pytest.fixture(scope="module")
def browser(_chromium_profile) -> Iterator[Chromium]:
    if not HAVE_CHROMIUM:
        pytest.skip("needs Debian's chromium")
    with launched(_chromium_profile) as b:
        yield b


@pytest.fixture(scope="session")
def demo_server(demo_path, _private_data_dir) -> Iterator[Server]:
    """The demo township served as ``make run`` serves it, on a machine told it is offline
    (online base maps are unreachable at once, with no probe of their tile servers); tests
    must not write to it.

    One server for every test file a process runs: a server's first page costs ten seconds
    and more of imports and caches, and every session on it is its own browser page."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv(basemaps.OFFLINE_ENV, "1")
        server = start_server(demo_path, _private_data_dir)
    yield server
    stop_server(server)
