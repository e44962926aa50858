"""The change form and the change log of the 变更登记 page."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from ..analysis import history
from ..geo.schema import LAYERS, MONITOR_KINDS
from ..geo.validate import SchemaError
from ..geo.workspace import Workspace, update_workspace
from . import i18n
from . import state as S

KINDS = ("indicator", "household_exit", "household_fell_back", "household_monitored")
#: Which households each household change applies to (by status now).
_ELIGIBLE = {
    "household_exit": ("未脱贫", "返贫"),
    "household_fell_back": ("已脱贫",),
    "household_monitored": ("未脱贫", "已脱贫", "返贫", "监测"),
}


def field_label(layer: str, field: str, lang: str) -> str:
    if field == history.ROW:
        return i18n.t("record_row_added", lang)
    col = LAYERS[layer].column(field)
    label = col.zh if lang == "zh" else col.en
    return f"{label}({col.unit})" if col.unit and lang == "zh" else label


def change_form(ws: Workspace, path: Path, lang: str) -> None:
    """Choose what changed, where and when; record it as one change of the history."""
    kind = st.radio(
        i18n.t("record_kind", lang),
        KINDS,
        format_func=lambda k: i18n.t(f"change_{k}", lang),
        horizontal=True,
        **S.bind(S.REC_KIND, lang),
    )
    names = dict(zip(ws.villages["code"].astype(str), ws.villages["name"], strict=True))
    a, b = st.columns(2)
    code = a.selectbox(
        i18n.t("village", lang), list(names), format_func=names.get, key=S.REC_VILLAGE
    )
    when = b.date_input(i18n.t("record_date", lang), value=date.today(), key=S.REC_DATE)
    if kind == "indicator":
        build = _indicator_inputs(ws, code, lang)
    else:
        build = _household_inputs(ws, code, kind, lang)
    note = st.text_input(i18n.t("record_note", lang), key=S.REC_NOTE, max_chars=200)
    if not st.button(i18n.t("record_submit", lang), type="primary", key=S.REC_SUBMIT):
        return
    if build is None:
        st.warning(i18n.t("record_no_household", lang))
        return
    changed_at = when.isoformat()

    def change(current: Workspace) -> dict[str, pd.DataFrame]:
        changes = build(current, changed_at)
        now = datetime.now().isoformat(timespec="seconds")
        return history.record(
            current, kind, changes, changed_at=changed_at, recorded_at=now, note=note
        )

    _write(path, change, i18n.t("record_done", lang), lang)


def _indicator_inputs(ws: Workspace, code: str, lang: str):
    field = st.selectbox(
        i18n.t("record_field", lang),
        history.INDICATOR_FIELDS,
        format_func=lambda f: field_label("indicators", f, lang),
        **S.bind(S.REC_FIELD, lang),
    )
    column = LAYERS["indicators"].column(field)
    rows = ws["indicators"][ws["indicators"]["village_code"] == code].sort_values("year")
    now = rows[field].iloc[-1] if len(rows) else None
    shown = "—" if now is None or pd.isna(now) else now
    if column.kind == "bool":
        shown = "—" if shown == "—" else i18n.t("yes" if now else "no", lang)
        value = st.radio(
            i18n.t("record_new_value", lang, now=shown),
            [True, False],
            format_func=lambda v: i18n.t("yes" if v else "no", lang),
            horizontal=True,
            **S.bind(S.REC_BOOL, lang),
        )
    else:
        step = 1.0 if column.kind == "float" else 1
        value = st.number_input(
            i18n.t("record_new_value", lang, now=shown),
            min_value=0.0 if column.kind == "float" else 0,
            step=step,
            key=S.REC_NUMBER if column.kind != "float" else S.REC_AMOUNT,
        )
    return lambda current, at: history.indicator_change(current, code, field, value, at)


def _household_inputs(ws: Workspace, code: str, kind: str, lang: str):
    hh = ws.households
    hh = hh[(hh["village_code"] == code) & hh["status"].isin(_ELIGIBLE[kind])]
    labels = {
        str(r.household_id): " · ".join(
            [
                str(r.household_id),
                i18n.count(int(r.size), "people", lang) + ("" if lang == "zh" else " people"),
                i18n.category_label(r.category, lang) if pd.notna(r.category) else "—",
                i18n.status_label(r.status, lang),
            ]
        )
        for r in hh.itertuples()
    }
    # Households are chosen by their register number: no names on a shared screen.
    hid = st.selectbox(
        i18n.t("record_household", lang),
        list(labels),
        format_func=labels.get,
        placeholder=i18n.t("record_no_household", lang),
        key=S.REC_HOUSEHOLD,
    )
    if kind == "household_monitored":
        monitor = st.selectbox(
            i18n.t("record_monitor_kind", lang), MONITOR_KINDS, key=S.REC_MONITOR_KIND
        )
        return (
            None
            if hid is None
            else (lambda current, at: history.household_monitored(current, hid, monitor, at))
        )
    builder = history.household_exit if kind == "household_exit" else history.household_fell_back
    return None if hid is None else (lambda current, at: builder(current, hid, at))


def change_log(ws: Workspace, path: Path, lang: str) -> None:
    """Every recorded change, newest first, and the undo of one of them."""
    table = history.changes_table(
        ws["history"], lambda layer, f: field_label(layer, f, lang), lambda v: _value(v, lang)
    )
    if table.empty:
        st.info(i18n.t("record_none", lang))
        return
    names = dict(zip(ws.villages["code"].astype(str), ws.villages["name"], strict=True))
    shown = pd.DataFrame(
        {
            i18n.t("record_change", lang): table["change_id"],
            i18n.t("record_date", lang): table["changed_at"],
            i18n.t("record_kind", lang): [i18n.t(f"change_{k}", lang) for k in table["kind"]],
            i18n.t("record_record", lang): [
                _record_name(names, layer, key)
                for layer, key in zip(table["layer"], table["record_key"], strict=True)
            ],
            i18n.t("record_what", lang): table["what"],
            i18n.t("record_note", lang): table["note"].fillna(""),
            i18n.t("record_undone", lang): [
                i18n.t("record_undone_by", lang) if u else "" for u in table["undone"]
            ],
            i18n.t("record_recorded_at", lang): table["recorded_at"].str.replace("T", " "),
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    open_ids = list(table.loc[~table["undone"], "change_id"])
    a, b = st.columns([3, 1], vertical_alignment="bottom")
    chosen = a.selectbox(i18n.t("record_undo_choice", lang), open_ids, key=S.REC_UNDO_CHOICE)
    if b.button(i18n.t("record_undo", lang), key=S.REC_UNDO, disabled=chosen is None):
        now = datetime.now().isoformat(timespec="seconds")
        _write(
            path,
            lambda current: history.undo(current, chosen, recorded_at=now),
            i18n.t("record_undo_done", lang, change=chosen),
            lang,
        )


def _value(text: str | None, lang: str) -> str:
    if text is None or pd.isna(text):
        return "—"
    return {"true": i18n.t("yes", lang), "false": i18n.t("no", lang)}.get(text, text)


def _record_name(names: dict[str, str], layer: str, key: str) -> str:
    """A village's indicator row by name and year; a household by its register number."""
    if layer == "indicators":
        code, year = key.split("/")
        return f"{names.get(code, code)} {year}"
    return key


def _write(path: Path, change, done: str, lang: str) -> None:
    try:
        update_workspace(path, change)
    except history.ChangeError as exc:
        st.warning(str(exc))
    except (SchemaError, OSError) as exc:
        st.error(i18n.t("record_failed", lang, error=exc))
    else:
        S.set_value(S.FLASH, ("success", done))
        st.rerun()
