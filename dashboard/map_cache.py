"""The map's spec of the place shown, cached in two parts: its geometry once per workspace
version and place, its styles per year, indicator, language and classification (a station's
status is of the year too: one closed in 2024 is drawn closed on 2024's map only, and a change
of status is a new workspace version).

Both are ``st.cache_resource``: shared, never copied. ``st.cache_data`` would unpickle a whole
spec, boundaries included, on every rerun (tens of MB at a prefecture); here a rerun costs a
dictionary lookup and the specs of one version share one set of boundaries. Never mutate what
these return (the pages do not: they ``replace`` and ``assign``).
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from ..geo.workspace import Workspace
from . import loader, view
from .view import MapGeometry, MapSpec


@st.cache_resource(show_spinner=False, max_entries=8)
def _geometry(path: str, version: str, place: str, _ws: Workspace) -> MapGeometry:
    # path, version and place are the key; _ws (not hashed) is what that place's map draws
    return view.map_geometry(_ws)


@st.cache_resource(show_spinner=False, max_entries=64)
def _spec(
    path: str, version: str, place: str, year: int, indicator: str, lang: str, scheme: str
) -> MapSpec:
    ws = loader.map_units()  # the place's villages, or a county's townships
    geometry = _geometry(path, version, place, ws)
    return view.map_spec(ws, year, indicator, lang, scheme, geometry=geometry)


def cached_map_spec(
    year: int, indicator: str, lang: str, scheme: str, layers: tuple[str, ...], basemap: str
) -> MapSpec:
    """:func:`view.map_spec` of the place shown (a county's map has its townships for
    villages): its geometry made once per workspace version and place, its styles once per
    year, indicator, language and scheme; layers and base map are set on the shared spec for
    this call."""
    path, version = str(loader.workspace_path()), loader.workspace_stamp()
    place = loader.current_place().code
    spec = _spec(path, version, place, year, indicator, lang, scheme)
    return replace(spec, layers=frozenset(layers), basemap=basemap)
