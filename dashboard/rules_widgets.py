"""The widgets of the 规则设置 form: one input per rule (:mod:`.rules_form` says which), its
unit in the label and its meaning beside it; tables of years and lists of indicators as grids.

Each input's key is ``rules_field.<path>`` (S.RULES_FIELD); :func:`fill` puts the workspace's
rules in them and :func:`values` reads them back.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import streamlit as st

from ..geo.rules import RuleProblem, Rules
from ..geo.schema_assistance import MEASURE_TYPES
from . import basemaps, i18n, rules_form
from . import state as S
from .markup import escape_md
from .rules_form import Field

#: Tables of years that can take a new year: the poverty line, the monitoring line.
YEAR_TABLES = ("poverty_line", "monitoring_line")
#: Headings of the rules of a section drawn under another section's table or list.
_HEADINGS = {
    "household_exit": "rules_heading_household_exit",
    "relocation": "rules_heading_relocation",
    "assistance": "rules_heading_assistance",
    "stations": "rules_heading_stations",
}
#: number_input arguments per kind: the validator still checks every value.
_NUMBER = {
    "percent": {"min_value": 0.0, "max_value": 100.0, "step": 0.5, "format": "%g"},
    "yuan": {"min_value": 0.0, "step": 10.0, "format": "%g"},
    "yuan_household": {"min_value": 0.0, "step": 100.0, "format": "%g"},
    "wan": {"min_value": 0.0, "step": 0.5, "format": "%g"},
    **{kind: {"min_value": 0, "step": 1} for kind in rules_form.WHOLE},
    "km": {"min_value": 0.0, "step": 0.5, "format": "%g"},
    "points": {"min_value": 0.0, "step": 0.5, "format": "%g"},
}


def key(path: str) -> str:
    """The widget key of the form's field ``path``."""
    return f"{S.RULES_FIELD}.{path}"


def new_year_keys(table: str) -> tuple[str, str]:
    """The keys of the year and the amount of a new year of ``table``."""
    return key(f"{table}.new_year"), key(f"{table}.new_amount")


def fill(rules: Rules) -> None:
    """Put ``rules`` in the form's inputs (before they are drawn: at the top of a run or in a
    callback); any new year typed is cleared."""
    for path in list(st.session_state):
        if str(path).startswith(f"{S.RULES_FIELD}."):
            del st.session_state[path]
    for path, value in rules_form.form_values(rules).items():
        st.session_state[key(path)] = value


def values(fields: list[Field]) -> dict[str, Any]:
    """The form's values as its inputs hold them, new years included."""
    out = {f.path: st.session_state.get(key(f.path)) for f in fields}
    for table in YEAR_TABLES:
        year_key, amount_key = new_year_keys(table)
        out = rules_form.add_year(
            out, table, st.session_state.get(year_key), st.session_state.get(amount_key)
        )
    return out


def draw_group(fields: list[Field], lang: str, villages: Mapping[str, str]) -> None:
    """The inputs of one group, block by block. ``villages``: code -> name, for exemptions."""
    for block, items in itertools.groupby(fields, key=lambda f: f.block):
        items = list(items)
        if not block:
            if items[0].section in _HEADINGS:
                st.markdown(f"**{i18n.t(_HEADINGS[items[0].section], lang)}**")
            for field in items:
                _rule(field, lang)
        elif block in YEAR_TABLES:
            _years(block, items, lang)
        elif items[0].kind == "codes":
            _exemptions(block, items, lang, villages)
        elif items[0].kind == "names":
            _measures(block, items, lang)
        else:
            _grid(block, items, lang, columns=3)


def _rule(field: Field, lang: str) -> None:
    """One rule: its input, and what it means with the value it now has."""
    left, right = st.columns([2, 3], vertical_alignment="center")
    with left:
        _input(field, lang)
    right.caption(rules_form.meaning(field.path, st.session_state.get(key(field.path)), lang))


def _input(field: Field, lang: str) -> None:
    label = rules_form.label(field, lang)
    if field.kind in ("bool", "member"):
        st.checkbox(label, key=key(field.path))
    else:
        st.number_input(label, key=key(field.path), **_NUMBER[field.kind])


def _block_head(block: str, lang: str) -> None:
    st.markdown(f"**{i18n.t(f'rule_{block}', lang)}**")
    st.caption(rules_form.block_meaning(block, lang))


def _grid(block: str, fields: list[Field], lang: str, columns: int) -> None:
    _block_head(block, lang)
    for row in _rows(fields, columns):
        cols = st.columns(columns)
        for col, field in zip(cols, row, strict=False):
            with col:
                _input(field, lang)


def _years(table: str, fields: list[Field], lang: str) -> None:
    """A line by year, six to a row, and a row to add a year the table does not list."""
    _grid(table, fields, lang, columns=6)
    year_key, amount_key = new_year_keys(table)
    a, b, _ = st.columns([1, 1, 2])
    a.number_input(
        i18n.t("rules_new_year", lang),
        min_value=1980,
        max_value=2100,
        step=1,
        value=None,
        placeholder="2022",
        key=year_key,
    )
    b.number_input(
        i18n.t("rules_new_amount", lang),
        min_value=0.0,
        step=10.0,
        format="%g",
        value=None,
        key=amount_key,
    )


def _exemptions(block: str, fields: list[Field], lang: str, villages: Mapping[str, str]) -> None:
    """Per indicator, the villages exempt from it: folded, it is seldom used."""
    chosen = {c for f in fields for c in st.session_state.get(key(f.path)) or ()}
    options = list(villages) + sorted(chosen - set(villages))
    with st.expander(i18n.t(f"rule_{block}", lang)):
        st.caption(rules_form.block_meaning(block, lang))
        for row in _rows(fields, 3):
            cols = st.columns(3)
            for col, field in zip(cols, row, strict=False):
                col.multiselect(
                    i18n.flag_label(field.name, lang),
                    options,
                    # names come from data: a multiselect shows them as plain text
                    format_func=lambda c: f"{villages.get(c, c)} {c}",
                    key=key(field.path),
                )


def _measures(block: str, fields: list[Field], lang: str) -> None:
    """Per cause of poverty, the measure types that answer it."""
    _block_head(block, lang)
    for row in _rows(fields, 3):
        cols = st.columns(3)
        for col, field in zip(cols, row, strict=False):
            col.multiselect(
                rules_form.label(field, lang),
                MEASURE_TYPES,
                format_func=lambda m: rules_form.measure_label(m, lang),
                key=key(field.path),
            )


def _rows(items: list, n: int) -> list[list]:
    return [items[i : i + n] for i in range(0, len(items), n)]


def problems_text(problems: tuple[RuleProblem, ...], lang: str) -> str:
    """The form's problems as the Markdown of one message: a heading, then a line each."""
    lines = rules_form.problem_lines(problems, lang, form=True)
    return "  \n".join([i18n.t("rules_form_problems", lang), *map(escape_md, lines)])


def basemap_settings(lang: str) -> None:
    """Where the 天地图 key and local tiles are set, and whether they are (never the key)."""
    settings = basemaps.load_settings()
    st.caption(i18n.t("rules_basemap_hint", lang))
    st.markdown(i18n.t("rules_basemap_file", lang))
    st.code(str(basemaps.settings_path()), language=None)
    if settings.problem:
        st.error(i18n.t("rules_settings_problem", lang))
        st.code(settings.problem, language=None)
    if settings.tianditu_key:
        st.success(i18n.t("rules_tianditu_set", lang))
    else:
        st.markdown(i18n.t("rules_tianditu_unset", lang))
        st.code('[basemap]\ntianditu_key = "…"', language="toml")
    if settings.tiles is None:
        st.markdown(i18n.t("rules_tiles_unset", lang))
        st.code(
            '[basemap]\ntiles = "D:/底图/古陂镇.mbtiles"\n'
            'tiles_datum = "wgs84"  # 从高德等 GCJ-02 地图切的瓦片写 "gcj02"',
            language="toml",
        )
        return
    st.markdown(i18n.t("rules_tiles_set", lang))
    st.code(str(settings.tiles), language=None)
    if problem := basemaps.tiles_problem(settings):
        st.warning(i18n.t("rules_tiles_problem", lang))
        st.code(problem, language=None)
