"""Shared fixtures: a demo workspace built once per test session, in a temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory):
    """Keep every test away from the user's own data folder."""
    home = tmp_path_factory.mktemp("atlas-home")
    old = os.environ.get("TOWNSHIP_ATLAS_HOME")
    os.environ["TOWNSHIP_ATLAS_HOME"] = str(home)
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
def demo_ws(demo_path: Path):
    from township_atlas.geo.workspace import read_workspace

    return read_workspace(demo_path)
