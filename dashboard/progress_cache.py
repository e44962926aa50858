"""What 出列进度 computes, made once per workspace version, place and year: a click on a
village (the scorecard) or the play timer reruns the page, and at a county of 300 villages the
status, its map and the yearly series took a second or more each time."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ..analysis import exit_rules
from ..geo.rules import Rules
from . import loader, progress_view
from .view import MapSpec


@st.cache_data(show_spinner=False, max_entries=32)
def _status(path: str, version: str, place: str, year: int, _rules: Rules) -> pd.DataFrame:
    # the rules live in the workspace's metadata: its version keys them too
    ws = loader.load_workspace()
    return exit_rules.village_status(ws.villages, ws.households, ws["indicators"], year, _rules)


def status(year: int, rules: Rules) -> pd.DataFrame:
    """Each village's exit status at ``year`` (``exit_rules.village_status``)."""
    return _status(*loader.cache_key(), year, rules)


@st.cache_data(show_spinner=False, max_entries=32)
def _map(
    path: str, version: str, place: str, year: int, lang: str, basemap: str, _rules: Rules
) -> MapSpec:
    ws = loader.load_workspace()
    return progress_view.status_map_spec(
        ws, year, lang, _status(path, version, place, year, _rules), basemap
    )


def status_map(year: int, lang: str, basemap: str, rules: Rules) -> MapSpec:
    """The map of exit status at ``year`` (``progress_view.status_map_spec``)."""
    return _map(*loader.cache_key(), year, lang, basemap, rules)


@st.cache_data(show_spinner=False, max_entries=8)
def _series(path: str, version: str, place: str, first: int, last: int, lang: str):
    ws = loader.load_workspace()
    years = range(first, last + 1)
    return progress_view.yearly_series(ws, years, lang), progress_view.exits_by_year(
        ws.villages, years, lang
    )


def series(first: int, last: int, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The poor remaining and the villages exited, year by year."""
    return _series(*loader.cache_key(), first, last, lang)


@st.cache_data(show_spinner=False, max_entries=32)
def _monitoring(path: str, version: str, place: str, year: int, lang: str) -> pd.DataFrame:
    return progress_view.monitoring_by_village(loader.load_workspace(), year, lang)


def monitoring(year: int, lang: str) -> pd.DataFrame:
    """Households fallen back and monitored, per village, at ``year``."""
    return _monitoring(*loader.cache_key(), year, lang)
