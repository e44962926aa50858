"""The change form and the change log of the 变更登记 page."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from ..geo import audit, history
from ..geo.schema import LAYERS, MONITOR_KINDS
from ..geo.station_changes import station_status
from ..geo.validate import SchemaError
from ..geo.workspace import Workspace, update_workspace
from . import i18n, record_view, view
from . import state as S
from .markup import escape_md

KINDS = ("indicator", "household_exit", "household_fell_back", "household_monitored", "station")
#: The audit action of each kind's write (a station's status is audited on its own).
AUDIT_ACTION = {"station": "record_station"}


def field_label(layer: str, field: str, lang: str) -> str:
    if field == history.ROW:
        return i18n.t("record_row_added", lang)
    col = LAYERS[layer].column(field)
    label = col.zh if lang == "zh" else col.en
    return f"{label}({col.unit})" if col.unit and lang == "zh" else label


@dataclass(frozen=True)
class Proposal:
    """The change the form's inputs describe: how to build it, what it is about (for its
    effect), and why it cannot be recorded (``problem``; ``blocking``: the button is off)."""

    build: Callable[[Workspace, str], list[history.FieldChange]] | None
    field: str | None = None
    household: str | None = None
    station: str | None = None
    problem: str | None = None
    blocking: bool = True


def change_form(
    ws: Workspace, path: Path, lang: str, villages: Collection[str] | None = None
) -> None:
    """Choose what changed, where and the year it counts in; see what it will do; record it.

    ``villages``: the codes the user may record changes for (None: every village)."""
    kind = st.radio(
        i18n.t("record_kind", lang),
        KINDS,
        format_func=lambda k: i18n.t(f"change_{k}", lang),
        horizontal=True,
        **S.bind(S.REC_KIND, lang),
    )
    names = dict(zip(ws.villages["code"].astype(str), ws.villages["name"], strict=True))
    if villages:
        names = {c: n for c, n in names.items() if c in villages}
    a, b = st.columns(2)
    station = None
    if kind == "station":  # a station instead of a village: it says where it is
        station = _station_choice(ws, a, villages, lang)
        code = record_view.station_village(ws, station) if station else None
    else:
        code = a.selectbox(
            i18n.t("village", lang), list(names), format_func=names.get, key=S.REC_VILLAGE
        )
    today = date.today()
    year = _year_input(ws, b, today, lang)
    at = record_view.changed_at(year, today)
    _year_caption(ws, year, at, today, lang)
    if kind == "indicator":
        proposal = _indicator_inputs(ws, code, year, lang)
    elif kind == "station":
        proposal = _station_inputs(ws, station, year, today, lang)
    else:
        proposal = _household_inputs(ws, code, kind, year, lang)
    note = st.text_input(i18n.t("record_note", lang), key=S.REC_NOTE, max_chars=200)
    problem, preview = _check(ws, kind, proposal, code, year, at, lang)
    if preview:
        st.markdown(i18n.t("record_preview", lang, text=preview))
    elif problem:
        st.warning(problem)
    blocked = proposal.build is None or (problem is not None and proposal.blocking)
    if not st.button(
        i18n.t("record_submit_year", lang, year=year),
        type="primary",
        key=S.REC_SUBMIT,
        disabled=blocked,
    ):
        return
    if problem:  # a number left at its present value: nothing to record
        return

    def change(current: Workspace) -> dict[str, pd.DataFrame]:
        now = datetime.now().isoformat(timespec="seconds")
        layers = history.record(
            current, kind, proposal.build(current, at), changed_at=at, recorded_at=now, note=note
        )
        done["before"], done["layers"] = current, layers
        return layers

    done: dict[str, object] = {}
    target = proposal.household or f"{names.get(code, code)} ({code})"
    if proposal.station:
        target = f"{record_view.station_label(ws, proposal.station, 'zh')} ({proposal.station})"
    if not _write(path, change, lang, AUDIT_ACTION.get(kind, "record_change"), target):
        return
    before = done["before"]
    after = Workspace({**before.layers, **done["layers"]}, before.meta)
    change_id = str(done["layers"]["history"]["change_id"].iloc[-1])
    text = _effect(before, after, kind, year, code, lang, proposal)
    message = i18n.t("record_done_effect", lang, change=change_id, effect=text)
    if year != S.get(S.YEAR):
        message += i18n.t("record_view_year", lang, year=year)
    _show_year(year)
    S.set_value(S.REC_CONTEXT, None)  # the form starts again from the value now recorded
    S.set_value(S.FLASH, ("success", message))
    st.rerun()


def _year_input(ws: Workspace, column, today: date, lang: str) -> int:
    """The year the change counts in: the year being viewed unless chosen otherwise (and again
    the viewed year whenever the sidebar moves to another)."""
    choices = record_view.year_choices(ws, today)
    viewed = S.get(S.YEAR) or view.latest_year(ws)
    if S.get(S.REC_YEAR_FROM) != viewed or S.get(S.REC_YEAR) not in choices:
        S.set_value(S.REC_YEAR_FROM, viewed)
        S.set_value(S.REC_YEAR, viewed if viewed in choices else choices[0])
    return column.selectbox(
        i18n.t("record_year", lang),
        choices,
        format_func=lambda y: i18n.t("record_year_option", lang, year=y),
        help=i18n.t("record_year_help", lang),
        key=S.REC_YEAR,
    )


def _year_caption(ws: Workspace, year: int, at: str, today: date, lang: str) -> None:
    """Which year the change counts in and the date it gets; a warning when that year is new
    to the workspace (the year slider, and every page's default year, will move to it)."""
    key = "record_year_current" if year == today.year else "record_year_past"
    st.caption(i18n.t(key, lang, year=year, date=at))
    if year > view.latest_year(ws):
        st.warning(i18n.t("record_year_new", lang, year=year))


def _show_year(year: int) -> None:
    """Keep every page on the year the change counts in: the sidebar slider is seeded again
    from it on the next run (it may already be drawn in this one, so it is dropped, not set)."""
    S.set_value(S.YEAR, year)
    S.set_value(S.REC_YEAR_FROM, year)
    for language in i18n.LANGUAGES:
        st.session_state.pop(S.widget_key(S.YEAR, language), None)


def _indicator_inputs(ws: Workspace, code: str, year: int, lang: str) -> Proposal:
    field = st.selectbox(
        i18n.t("record_field", lang),
        history.INDICATOR_FIELDS,
        format_func=lambda f: field_label("indicators", f, lang),
        **S.bind(S.REC_FIELD, lang),
    )
    column = LAYERS["indicators"].column(field)
    now = record_view.indicator_now(ws, code, field, year)
    shown = record_view.value_label(now, lang)
    number_key = S.REC_AMOUNT if column.kind == "float" else S.REC_NUMBER
    if S.get(S.REC_CONTEXT) != (code, field, year):
        # A new village, indicator or year: start from the change people come to record (a
        # flag turned the other way) or from the present number, never from a stale value.
        S.set_value(S.REC_CONTEXT, (code, field, year))
        S.set_value(S.REC_BOOL, not bool(now) if now is not None else True)
        for language in i18n.LANGUAGES:
            st.session_state.pop(S.widget_key(S.REC_BOOL, language), None)
        zero = 0.0 if column.kind == "float" else 0
        S.set_value(number_key, zero if now is None else type(zero)(now))
    # this year is not over: its value is the present one, not a year-end figure
    this_year = year == date.today().year
    when = i18n.t("record_when_now" if this_year else "record_when", lang, year=year)
    label = i18n.t("record_new_value_at", lang, when=when, now=shown)
    if column.kind == "bool":
        value = st.radio(
            label,
            [True, False],
            format_func=lambda v: i18n.t("yes" if v else "no", lang),
            horizontal=True,
            **S.bind(S.REC_BOOL, lang),
        )
    else:
        value = st.number_input(
            label,
            min_value=0.0 if column.kind == "float" else 0,
            step=1.0 if column.kind == "float" else 1,
            key=number_key,
        )
    problem = None
    if history.value_text(now) == history.value_text(value):
        problem = i18n.t("record_same", lang, when=when, now=shown)
    later = record_view.later_years(ws, code, field, year, value)
    if later and problem is None:
        st.caption(
            i18n.t(
                "record_later_rows",
                lang,
                years=_years_text(later, lang),
                what=field_label("indicators", field, lang),
                year=year,
            )
        )
    return Proposal(
        build=lambda current, at: history.indicator_change(current, code, field, value, at),
        field=field,
        problem=problem,
        blocking=column.kind == "bool",  # a number typed in commits only when the field blurs
    )


def _household_inputs(ws: Workspace, code: str, kind: str, year: int, lang: str) -> Proposal:
    """The households the action applies to in ``year`` (and why others are not listed)."""
    hh, later = record_view.candidates(ws, code, kind, year)
    labels = {
        str(r["household_id"]): record_view.household_label(r, lang) for _, r in hh.iterrows()
    }
    if labels:
        st.caption(i18n.t(f"record_candidates_{kind}", lang, year=year, n=len(labels)))
    elif not later:
        st.info(i18n.t(f"record_none_{kind}", lang, year=year))
    if later:  # households this action applies to, but only in a later year: say so
        show = st.caption if labels else st.info
        show(i18n.t(f"record_later_{kind}", lang, year=year, n=later))
    # The choice is kept across villages and actions: a household of another list would
    # leave the box empty (showing its placeholder) although this list has households.
    if S.get(S.REC_HOUSEHOLD) not in labels:
        S.set_value(S.REC_HOUSEHOLD, next(iter(labels), None))
    hid = st.selectbox(
        i18n.t("record_household", lang),
        list(labels),
        format_func=labels.get,
        placeholder=i18n.t("record_no_household", lang),
        disabled=not labels,
        key=S.REC_HOUSEHOLD,
    )
    if hid is None:
        return Proposal(build=None)
    if kind != "household_monitored":
        builder = (
            history.household_exit if kind == "household_exit" else history.household_fell_back
        )
        return Proposal(build=lambda current, at: builder(current, hid, at), household=hid)
    monitor = st.selectbox(
        i18n.t("record_monitor_kind", lang), MONITOR_KINDS, key=S.REC_MONITOR_KIND
    )
    row = hh[hh["household_id"].astype(str) == hid].iloc[0]
    since = row["monitor_year"]
    same = pd.notna(row["monitor_kind"]) and row["monitor_kind"] == monitor and pd.notna(since)
    problem = (
        i18n.t("record_monitor_same", lang, year=int(since), kind=monitor)
        if same and int(since) == year
        else None
    )
    return Proposal(
        build=lambda current, at: history.household_monitored(current, hid, monitor, at),
        household=hid,
        problem=problem,
    )


def _check(
    ws: Workspace, kind: str, proposal: Proposal, code: str, year: int, at: str, lang: str
) -> tuple[str | None, str | None]:
    """Why the change cannot be recorded, or what it will do (a dry run of recording it)."""
    if proposal.build is None:
        return None, None
    if proposal.problem:
        return proposal.problem, None
    try:
        changes = proposal.build(ws, at)
        later = record_view.later_change(ws, changes, at)
        if later:
            return i18n.t("record_conflict", lang, date=later, year=int(later[:4])), None
        layers = history.record(ws, kind, changes, changed_at=at, recorded_at=at, note="")
    except history.ChangeError as exc:
        return i18n.t("record_refused", lang, error=escape_md(exc.text(lang))), None
    after = Workspace({**ws.layers, **layers}, ws.meta)
    text = _effect(ws, after, kind, year, code, lang, proposal)
    return None, text


def _effect(
    before: Workspace,
    after: Workspace,
    kind: str,
    year: int,
    code: str,
    lang: str,
    proposal: Proposal,
) -> str:
    """What the change does, in words (:func:`record_view.effect` of the proposal's target)."""
    return record_view.effect(
        before,
        after,
        kind,
        year,
        code,
        lang,
        field=proposal.field,
        household=proposal.household,
        station=proposal.station,
    )


def _station_choice(
    ws: Workspace, column, villages: Collection[str] | None, lang: str
) -> str | None:
    """The station whose status is recorded (of the user's villages, for a monitor of some)."""
    choices = record_view.station_choices(ws, villages)
    if S.get(S.REC_STATION) not in choices:
        S.set_value(S.REC_STATION, next(iter(choices), None))
    return column.selectbox(
        i18n.t("record_station", lang),
        list(choices),
        format_func=lambda f: record_view.station_label(ws, f, lang),
        placeholder=i18n.t("record_no_station", lang),
        disabled=not choices,
        key=S.REC_STATION,
    )


def _station_inputs(
    ws: Workspace, station: str | None, year: int, today: date, lang: str
) -> Proposal:
    """The station's status from a date of ``year`` on: 运营, 暂停 or 关闭."""
    if station is None:
        st.info(i18n.t("record_no_station", lang))
        return Proposal(build=None)
    now, since = record_view.station_now(ws, station, year)
    first, last = record_view.station_date_bounds(year, today)
    kept = S.get(S.REC_STATION_DATE)
    if S.get(S.REC_STATION_FOR) != (station, year) or not (
        isinstance(kept, date) and first <= kept <= last
    ):
        # another station or year: start from the change people come to record, dated the
        # year's last day (or today), never from another year's date
        S.set_value(S.REC_STATION_FOR, (station, year))
        S.set_value(S.REC_STATION_STATUS, record_view.next_status(now))
        for language in i18n.LANGUAGES:
            st.session_state.pop(S.widget_key(S.REC_STATION_STATUS, language), None)
        S.set_value(S.REC_STATION_DATE, last)
    shown = record_view.status_label(now, lang)
    key = "record_station_now_since" if since else "record_station_now"
    st.caption(i18n.t(key, lang, year=year, status=shown, date=since or ""))
    a, b = st.columns(2)
    status = a.radio(
        i18n.t("record_station_status", lang),
        record_view.STATION_STATUSES,
        format_func=lambda s: record_view.status_label(s, lang),
        horizontal=True,
        **S.bind(S.REC_STATION_STATUS, lang),
    )
    when = b.date_input(
        i18n.t("record_station_date", lang),
        min_value=first,
        max_value=last,
        help=i18n.t("record_station_date_help", lang),
        key=S.REC_STATION_DATE,
    )
    day = when.isoformat() if isinstance(when, date) else last.isoformat()
    problem = None
    if status == now and since == day:
        problem = i18n.t("record_station_same", lang, year=year, status=shown, date=day)
    return Proposal(
        build=lambda current, at: station_status(current, station, year, status, day),
        station=station,
        problem=problem,
    )


def _years_text(years: list[int], lang: str) -> str:
    if len(years) == 1:
        return str(years[0])
    return (
        f"{years[0]}–{years[-1]}"
        if years == list(range(years[0], years[-1] + 1))
        else ("、" if lang == "zh" else ", ").join(map(str, years))
    )


def change_log(
    ws: Workspace, path: Path, lang: str, undoable: Callable[[list[str]], list[str]] | None = None
) -> None:
    """Every recorded change, newest first, and the undo of one of them (of those
    ``undoable`` keeps: a monitor of some villages undoes only changes wholly theirs)."""
    table = history.changes_table(
        ws["history"], lambda layer, f: field_label(layer, f, lang), lambda v: _value(v, lang)
    )
    if table.empty:
        st.info(i18n.t("record_none", lang))
        return
    names = dict(zip(ws.villages["code"].astype(str), ws.villages["name"], strict=True))
    fac = ws["facilities"]
    stations = dict(zip(fac["facility_id"].astype(str), fac["name"].astype(str), strict=True))
    shown = pd.DataFrame(
        {
            i18n.t("record_change", lang): table["change_id"],
            i18n.t("record_date", lang): table["changed_at"],
            i18n.t("record_kind", lang): [i18n.t(f"change_{k}", lang) for k in table["kind"]],
            i18n.t("record_record", lang): [
                _record_name(names, layer, key, stations)
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
    if undoable is not None:
        open_ids = undoable(open_ids)
    a, b = st.columns([3, 1], vertical_alignment="bottom")
    chosen = a.selectbox(i18n.t("record_undo_choice", lang), open_ids, key=S.REC_UNDO_CHOICE)
    # Only a field's latest change can be undone: say which one comes first.
    first = chosen and record_view.undo_blocker(ws["history"], chosen)
    if first:
        st.caption(i18n.t("record_undo_first", lang, change=chosen, later=first))
    if b.button(i18n.t("record_undo", lang), key=S.REC_UNDO, disabled=not chosen or bool(first)):
        now = datetime.now().isoformat(timespec="seconds")

        def undo(current: Workspace) -> dict[str, pd.DataFrame]:
            return history.undo(current, chosen, recorded_at=now)

        if _write(path, undo, lang, "undo_change", str(chosen)):
            S.set_value(S.FLASH, ("success", i18n.t("record_undo_done", lang, change=chosen)))
            st.rerun()


def _value(text: str | None, lang: str) -> str:
    if text is None or pd.isna(text):
        return "—"
    return {"true": i18n.t("yes", lang), "false": i18n.t("no", lang)}.get(text, text)


def _record_name(
    names: dict[str, str], layer: str, key: str, stations: dict[str, str] | None = None
) -> str:
    """A village's indicator row by name and year, a village by name, a station's year by the
    station's name and the year (``stations``: id -> name); a household by its register
    number."""
    if layer == "indicators":
        code, year = key.split("/")
        return f"{names.get(code, code)} {year}"
    if layer == "villages":  # a villages import's change: the village by name
        return names.get(key, key)
    if layer == "station_operations":
        fid, _, year = key.rpartition("/")
        return f"{(stations or {}).get(fid, fid)} {year}"
    return key


def _write(path: Path, change, lang: str, action: str, target: str) -> bool:
    """Write one change (or undo); say why not when it cannot be (the workspace unchanged).
    The write's audit row says ``action`` on ``target`` (a household, a village, a change)."""
    try:
        with audit.doing(action, target=target):
            update_workspace(path, change)
    except history.ChangeError as exc:
        st.warning(i18n.t("record_refused", lang, error=escape_md(exc.text(lang))))
    except (SchemaError, OSError, audit.AuditError) as exc:
        st.error(i18n.t("record_failed", lang, error=escape_md(exc)))
    else:
        return True
    return False
