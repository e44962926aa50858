"""Open the workspace the dashboard shows, cached by path and workspace version."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from ..data.demo import ensure_demo
from ..geo.workspace import Workspace, read_meta, read_workspace, workspace_version
from .view import MapSpec, map_spec

#: Set by ``township-atlas serve``; without it the dashboard opens the demo township.
WORKSPACE_ENV = "TOWNSHIP_ATLAS_WORKSPACE"


def workspace_path() -> Path:
    """The workspace named by ``TOWNSHIP_ATLAS_WORKSPACE``, or the demo (built once)."""
    named = os.environ.get(WORKSPACE_ENV)
    return Path(named) if named else ensure_demo()


def is_new() -> bool:
    """Whether the workspace is still to be made (``serve NEW.gpkg --create``): its first
    import of village boundaries on the 数据导入 page creates it."""
    return not workspace_path().exists()


def workspace_stamp() -> str:
    """The workspace's version (``geo.workspace.workspace_version``: bumped by every change,
    ours or another program's; "" while it does not exist): part of the key of everything
    cached from it."""
    return workspace_version(workspace_path())


@st.cache_data(show_spinner=False, max_entries=4)
def _read(path: str, version: str) -> Workspace:
    # version is part of the cache key: a changed workspace is read again (only the layers
    # that changed, geo.workspace remembers the rest)
    return read_workspace(path)


@st.cache_data(show_spinner=False, max_entries=4)
def _meta(path: str, version: str) -> dict[str, str]:
    return read_meta(path)


def load_meta() -> dict[str, str]:
    """The current workspace's metadata (``{}`` while it is new or when it cannot be read):
    what a page needs before, or without, reading the layers."""
    path = workspace_path()
    return _meta(str(path), workspace_version(path)) if path.exists() else {}


def load_workspace() -> Workspace:
    """The current workspace (a fresh copy from ``st.cache_data`` on every call)."""
    path = workspace_path()
    return _read(str(path), workspace_version(path))


@st.cache_data(show_spinner=False, max_entries=64)
def _map_spec(
    path: str,
    version: str,
    year: int,
    indicator: str,
    lang: str,
    scheme: str,
    layers: tuple[str, ...],
    basemap: str,
) -> MapSpec:
    return map_spec(
        _read(path, version), year, indicator, lang, scheme, frozenset(layers), basemap=basemap
    )


def cached_map_spec(
    year: int, indicator: str, lang: str, scheme: str, layers: tuple[str, ...], basemap: str
) -> MapSpec:
    """:func:`view.map_spec` of the current workspace, cached by its arguments."""
    path = workspace_path()
    return _map_spec(
        str(path), workspace_version(path), year, indicator, lang, scheme, layers, basemap
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _export(
    path: str,
    version: str,
    kind: str,
    year: int,
    village: str | None,
    layers: tuple[str, ...] | None,
) -> bytes:
    from ..report.content import brief_content
    from ..report.pdf import render
    from .exports import EXPORT_LAYERS, export_map

    ws = _read(path, version)
    if kind == "pdf":
        return render(brief_content(ws, year, village=village))
    chosen = frozenset(EXPORT_LAYERS if layers is None else layers)
    return export_map(ws, kind, year, layers=chosen, village=village)


def cached_export(
    kind: str, year: int, village: str | None = None, layers: tuple[str, ...] | None = None
) -> bytes:
    """The brief (``pdf``) or the map (``png``, ``html``) of the current workspace, made once
    per workspace version, year, village and layers (a brief takes a few seconds).

    ``layers``: the map layers a picture draws, those on the screen (default: every layer).
    """
    path = workspace_path()
    return _export(str(path), workspace_version(path), kind, year, village, layers)
