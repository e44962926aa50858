"""Base-map settings cleared for a test, and tiles to serve."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from township_atlas.dashboard import basemaps


def no_basemap_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No key, no tiles, an empty settings folder and no network, whatever this machine has
    set (a fixture's body: ``yield from``); yields the settings folder."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("TOWNSHIP_ATLAS_HOME", str(home))
    monkeypatch.delenv(basemaps.KEY_ENV, raising=False)
    monkeypatch.delenv(basemaps.TILES_ENV, raising=False)
    monkeypatch.delenv(basemaps.OFFLINE_ENV, raising=False)
    # Tests never reach out: an online base map's tile server counts as unreachable.
    monkeypatch.setattr(basemaps, "tcp_probe", lambda host, *a, **k: False)
    basemaps.forget_reachability()
    yield home
    basemaps.forget_reachability()


def png(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), colour).save(out, format="PNG")
    return out.getvalue()
