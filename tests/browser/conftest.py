"""The browser tests' shared fixtures: one chromium and one demo server per test file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.browser import HAVE_CHROMIUM, launched
from tests.support.server import Server, start_server, stop_server


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not HAVE_CHROMIUM:
        pytest.skip("needs Debian's chromium")
    with launched() as b:
        yield b


@pytest.fixture(scope="module")
def demo_server(demo_path, _private_data_dir) -> Iterator[Server]:
    """The demo township served as ``make run`` serves it (tests must not write to it)."""
    server = start_server(demo_path, _private_data_dir)
    yield server
    stop_server(server)
