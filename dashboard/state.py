"""Every ``st.session_state`` key of the dashboard, declared once.

Widgets use these names as their ``key=``; pages read values through :func:`get` so a missing
key falls back to its declared default instead of raising.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

LANG = "lang"
YEAR = "year"
INDICATOR = "indicator"
SCHEME = "scheme"
LAYERS = "layers"
BASEMAP = "basemap"
SELECTED_VILLAGE = "selected_village"
MAP = "township_map"

DEFAULTS: dict[str, Any] = {
    LANG: "zh",
    YEAR: None,  # None: the latest year of the workspace
    INDICATOR: "poor_people",
    SCHEME: "natural_breaks",
    LAYERS: ["villages", "labels", "gaps", "service", "relocation", "roads", "rivers"],
    BASEMAP: "none",
    SELECTED_VILLAGE: None,
}


def get(key: str) -> Any:
    """The session value of ``key``, or (a copy of) its declared default."""
    if key not in DEFAULTS:
        raise KeyError(f"undeclared session-state key {key!r}")
    if key in st.session_state:
        return st.session_state[key]
    default = DEFAULTS[key]
    return list(default) if isinstance(default, list) else default


def ensure(key: str) -> None:
    """Put the declared default in the session before a widget with ``key`` is drawn."""
    if key not in st.session_state:
        set_value(key, get(key))


def set_value(key: str, value: Any) -> None:
    if key not in DEFAULTS:
        raise KeyError(f"undeclared session-state key {key!r}")
    st.session_state[key] = value
