"""Where Township Atlas keeps files of its own: the user's data folder, never the package."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

from .. import __version__

APP_NAME = "township-atlas"


def data_dir() -> Path:
    """The user's data folder for Township Atlas (``TOWNSHIP_ATLAS_HOME`` overrides it)."""
    override = os.environ.get("TOWNSHIP_ATLAS_HOME")
    return Path(override) if override else user_data_path(APP_NAME, appauthor=False)


def demo_workspace_path() -> Path:
    """Path of the built demo workspace; the version in the name rebuilds it after upgrades."""
    return data_dir() / f"demo-{__version__}.gpkg"
