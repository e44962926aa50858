"""Open the workspace the dashboard shows, cached by path and workspace version: the whole of
it, or (what pages read) narrowed to the place chosen (``state.PLACE``: a county or township)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import streamlit as st

from ..data.demo import ensure_demo
from ..geo import levels
from ..geo.postgis import is_url, shown
from ..geo.workspace import (
    Workspace,
    read_meta,
    read_workspace,
    workspace_exists,
    workspace_version,
)
from . import state as S

#: Set by ``township-atlas serve``; without it the dashboard opens the demo township.
WORKSPACE_ENV = "TOWNSHIP_ATLAS_WORKSPACE"


def workspace_path() -> Path | str:
    """The workspace named by ``TOWNSHIP_ATLAS_WORKSPACE`` (a GeoPackage's path, or a
    ``postgresql://`` address as it is), or the demo (built once)."""
    named = os.environ.get(WORKSPACE_ENV)
    if named and is_url(named):
        return named
    return Path(named) if named else ensure_demo()


def workspace_name() -> str:
    """What the pages call the workspace: its file's name, or its database address (no
    password)."""
    path = workspace_path()
    return shown(path) if is_url(path) else Path(path).name


def workspace_shown() -> str:
    """The workspace's full location as a page may show it (no password)."""
    return shown(workspace_path())


def is_new() -> bool:
    """Whether the workspace is still to be made (``serve NEW.gpkg --create``): its first
    import of village boundaries on the 数据导入 page creates it."""
    return not workspace_exists(workspace_path())


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
    return _meta(str(path), workspace_version(path)) if workspace_exists(path) else {}


def load_whole() -> Workspace:
    """All of the current workspace (a fresh copy from ``st.cache_data`` on every call): for
    what spans places (accounts' villages, imports)."""
    path = workspace_path()
    return _read(str(path), workspace_version(path))


@st.cache_data(show_spinner=False, max_entries=16)
def _places(path: str, version: str, code: str | None) -> tuple[levels.Place, levels.Place, int]:
    ws = _read(path, version)
    try:
        place = levels.find(ws, code)
    except levels.PlaceNotFound:  # a place gone since (a re-import), or a mistyped link
        place = levels.home(ws)
    if place.level == levels.VILLAGE:  # a village is shown in its township (its card open)
        place = levels.find(ws, place.code[:9])
    return place, levels.top(ws), len(levels.townships(ws))


def current_place() -> levels.Place:
    """The county or township the pages show (``state.PLACE``; where the workspace opens
    when none is chosen or the chosen one is gone)."""
    path = workspace_path()
    return _places(str(path), workspace_version(path), S.get(S.PLACE))[0]


@st.cache_data(show_spinner=False, max_entries=4)
def _townships(path: str, version: str) -> tuple[levels.Place, ...]:
    return tuple(levels.townships(_read(path, version)))


def townships() -> tuple[levels.Place, ...]:
    """Every township of the workspace (a small cached list: no copy of the workspace)."""
    path = workspace_path()
    return _townships(str(path), workspace_version(path))


def cache_key() -> tuple[str, str, str]:
    """The workspace, its version and the place shown: the key of what a page caches of the
    place (``st.cache_data`` arguments)."""
    path = workspace_path()
    version = workspace_version(path)
    return str(path), version, _places(str(path), version, S.get(S.PLACE))[0].code


def place_context() -> tuple[levels.Place, levels.Place, int]:
    """The place shown, the workspace's top and its number of townships."""
    path = workspace_path()
    return _places(str(path), workspace_version(path), S.get(S.PLACE))


@st.cache_data(show_spinner=False, max_entries=8)
def _narrowed(path: str, version: str, code: str) -> Workspace:
    ws = _read(path, version)
    return levels.within(ws, levels.find(ws, code))


def load_workspace() -> Workspace:
    """The current workspace narrowed to the place shown (``geo.levels.within``; all of it at
    its top): every figure of a page counts that place. A fresh copy on every call."""
    path = workspace_path()
    version = workspace_version(path)
    place = _places(str(path), version, S.get(S.PLACE))[0]
    return _narrowed(str(path), version, place.code)


def map_units() -> Workspace:
    """What the map colours and names: the villages of the place shown, or a county's
    townships (``geo.levels.as_units``), whose click opens the township."""
    ws = load_workspace()
    place, _, towns = place_context()
    county = place.level in (levels.COUNTY, levels.REGION) and towns > 1
    return levels.as_units(ws) if county else ws


@st.cache_data(show_spinner=False, max_entries=16)
def _coverage_lost(
    path: str,
    version: str,
    place: str,
    year: int,
    radius_m: float,
    township_radius_m: float | None,
    mode: str,
    suspended_counts: bool,
) -> pd.DataFrame:
    from ..analysis.station_plan import workspace_coverage_lost

    ws = _narrowed(path, version, place)
    return workspace_coverage_lost(ws, year, radius_m, township_radius_m, mode, suspended_counts)


def coverage_lost(
    year: int,
    radius_m: float,
    township_radius_m: float | None,
    mode: str,
    suspended_counts: bool,
) -> pd.DataFrame:
    """The villages of the place shown that only stations stopped in ``year`` reached
    (:func:`~township_atlas.analysis.station_plan.workspace_coverage_lost`), once per workspace
    version, place and settings: by road it measures every station's distances, and the
    planner reruns on every click."""
    path, version, place = cache_key()
    return _coverage_lost(
        path, version, place, year, radius_m, township_radius_m, mode, suspended_counts
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _export(
    path: str,
    version: str,
    place: str,
    kind: str,
    year: int,
    village: str | None,
    layers: tuple[str, ...] | None,
) -> bytes:
    from ..report.content import brief_content
    from ..report.pdf import render
    from .exports import EXPORT_LAYERS, export_map

    ws = _narrowed(path, version, place)
    if kind == "pdf":
        return render(brief_content(ws, year, village=village))
    chosen = frozenset(EXPORT_LAYERS if layers is None else layers)
    return export_map(ws, kind, year, layers=chosen, village=village)


def cached_export(
    kind: str, year: int, village: str | None = None, layers: tuple[str, ...] | None = None
) -> bytes:
    """The brief (``pdf``) or the map (``png``, ``html``) of the place shown, made once per
    workspace version, place, year, village and layers (a brief takes a few seconds).

    ``layers``: the map layers a picture draws, those on the screen (default: every layer).
    """
    path = workspace_path()
    version = workspace_version(path)
    place = _places(str(path), version, S.get(S.PLACE))[0]
    return _export(str(path), version, place.code, kind, year, village, layers)
