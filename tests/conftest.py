"""Shared fixtures: a demo workspace built once per test session, in a temporary folder."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.support.paths import APP


@pytest.fixture(scope="session", autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory):
    """Keep every test away from the user's own data folder."""
    home = tmp_path_factory.mktemp("atlas-home")
    old = os.environ.get("TOWNSHIP_ATLAS_HOME")
    os.environ["TOWNSHIP_ATLAS_HOME"] = str(home)
    # An interface string that is not declared fails the test that draws it (and any server
    # a test starts inherits this).
    os.environ["TOWNSHIP_ATLAS_STRICT_I18N"] = "1"
    yield home
    if old is None:
        os.environ.pop("TOWNSHIP_ATLAS_HOME", None)
    else:
        os.environ["TOWNSHIP_ATLAS_HOME"] = old


@pytest.fixture(scope="session")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo township written once as a workspace file; tests must not modify it."""
    from township_atlas.data.demo import build_demo

    return build_demo(tmp_path_factory.mktemp("demo") / "demo.gpkg")


@pytest.fixture(scope="session")
def minimal_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The smallest valid workspace (support.workspaces.minimal_layers) written once; tests
    copy it (a write costs about half a second) and must not modify it."""
    from tests.support.workspaces import minimal_layers
    from township_atlas.geo.workspace import write_workspace

    path = tmp_path_factory.mktemp("minimal") / "ws.gpkg"
    write_workspace(path, minimal_layers())
    return path


@pytest.fixture
def app(demo_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The dashboard on the shared demo, for AppTest (tests must not write to the demo: use
    ``demo_copy`` for a page that records or imports)."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(demo_path))
    return AppTest.from_file(APP, default_timeout=90)


@pytest.fixture
def demo_copy(demo_path: Path, tmp_path: Path) -> Path:
    """A copy of the demo workspace this test may change (its accounts, audit log and lock
    files go beside the copy)."""
    import shutil

    return Path(shutil.copy(demo_path, tmp_path / "demo.gpkg"))


class CliResult(NamedTuple):
    """One in-process run of ``township-atlas``: its exit code and what it printed."""

    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture) -> Callable[..., CliResult]:
    """Run ``township-atlas ARGS`` in this process: ``run_cli("summary", str(demo_path),
    "--json")`` returns a :class:`CliResult` (``code``, ``out``, ``err``).

    Only the run's own output is in the result: what was printed before is dropped. An exit
    through ``SystemExit`` (argparse's usage errors, ``--help``) is its code, as for a process.
    """
    from township_atlas.cli import main

    def run(*args: str | os.PathLike) -> CliResult:
        capsys.readouterr()
        try:
            code = main([os.fspath(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        printed = capsys.readouterr()
        return CliResult(code, printed.out, printed.err)

    return run


@pytest.fixture(scope="session")
def demo_ws(demo_path: Path):
    from township_atlas.geo.workspace import read_workspace

    return read_workspace(demo_path)


#: Files whose tests build or copy workspaces, run the CLI in a subprocess, render PDFs or run
#: whole pages: `make check` (the edit loop) leaves them to `make test`.
SLOW_FILES = frozenset(
    {
        "test_app.py",
        "test_brief.py",
        "test_cli.py",
        "test_cli_monitor.py",
        "test_cli_assistance.py",
        "test_cli_funds.py",
        "test_cli_stations.py",
        "test_cli_place.py",
        "test_cli_plan.py",
        "test_demo.py",
        "test_import_history.py",
        "test_import_households.py",
        "test_import_tables.py",
        "test_import_assistance.py",
        "test_import_townships.py",
        "test_placement_properties.py",
        "test_workspace_in_place.py",
        "test_importing.py",
        "test_monitor_pages.py",
        "test_templates.py",
        "test_workspace.py",
        "test_hostile_files.py",
        "test_register_corpus.py",
        "test_table_corpus.py",
        "test_markdown_from_data.py",
        "test_import_roads.py",
        "test_import_villages_history.py",
        "test_id_key.py",
        "test_personal_guard.py",
        "test_workspace_writes.py",
        "test_history.py",
        "test_audit.py",
        "test_accounts.py",
        "test_cli_users.py",
        "test_workspace_backends.py",
        "test_cli_postgis.py",
    }
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark what `make check` leaves to `make test` by where a test lives: ``browser`` for
    tests/browser/ (skipped where Debian's chromium is missing), ``app`` for tests/app/ (the
    dashboard in-process with AppTest) and ``slow`` for the files in SLOW_FILES."""
    from tests.support.browser import HAVE_CHROMIUM

    no_chromium = pytest.mark.skip(reason="needs Debian's chromium (/usr/bin/chromium)")
    for item in items:
        folder = item.path.parent.name
        if folder == "browser":
            item.add_marker(pytest.mark.browser)
            if not HAVE_CHROMIUM:
                item.add_marker(no_chromium)
        elif folder == "app":
            item.add_marker(pytest.mark.app)
        if item.path.name in SLOW_FILES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL + PostGIS cluster for this test session (one per worker);
    skipped, with the reason, where the server cannot start (tests.support.postgres)."""
    from tests.support import postgres as pg

    reason = pg.unavailable()
    if reason:
        pytest.skip(reason)
    cluster = pg.start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["gpkg", "postgis"])
def backend_location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new workspace goes on each storage backend: a GeoPackage file's path, or an
    address of a schema of its own in the session's PostgreSQL cluster."""
    if request.param == "gpkg":
        return str(tmp_path / "ws.gpkg")
    return request.getfixturevalue("postgres").new_schema_url()


@pytest.fixture(scope="session")
def two_township_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests.support.workspaces.two_township_layers written once (a county of two
    townships); tests must not modify it."""
    from tests.support.workspaces import two_township_layers
    from township_atlas.geo.workspace import write_workspace

    return write_workspace(tmp_path_factory.mktemp("county") / "county.gpkg", two_township_layers())


@pytest.fixture
def county_app(two_township_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The dashboard (AppTest) on the two-township county."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(two_township_path))
    return AppTest.from_file(APP, default_timeout=90)
