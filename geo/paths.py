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


def id_key() -> bytes:
    """The key of the keyed hash of ID numbers, made once per user (32 random bytes, readable by
    the user only). It never goes into a workspace: a hash with its key beside it could be
    reversed by trying every birth date and region."""
    import secrets

    path = data_dir() / "id-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(32))
    return path.read_bytes()
