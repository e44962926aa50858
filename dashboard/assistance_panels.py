"""The Streamlit parts of the 帮扶 page: its figures, the list of households with a problem, a
cadre's households, plans against exits and the 登记走访 form.

What they show comes from :mod:`.assistance_view`; a visit is written as one change through
``update_workspace`` inside ``audit.doing("record_visit", …)``, as the 变更登记 page writes.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import streamlit as st

from ..analysis.assistance import AssistanceCheck
from ..geo import audit, history
from ..geo.assistance_changes import NOTE_MAX, visit_added
from ..geo.export import csv_bytes
from ..geo.rules import Rules
from ..geo.validate import SchemaError
from ..geo.workspace import Workspace, update_workspace
from . import assistance_view as V
from . import auth, i18n
from . import state as S
from .markup import escape_md


def _rows_height(n: int, most: int = 640) -> int:
    """A table's height for ``n`` rows (35 px each, with the header), at most ``most``: a short
    list needs no scrolling inside the table."""
    return min(35 * (n + 1) + 3, most)


def _forget_widgets(key: str) -> None:
    """Drop the language widgets of ``key`` so that they are seeded again from its value."""
    for language in i18n.LANGUAGES:
        st.session_state.pop(S.widget_key(key, language), None)


def figures(result: AssistanceCheck, rules: Rules, lang: str) -> None:
    """The row of figures at the top: households checked and with a problem, each problem,
    poor villages without a team or short of industry projects."""
    items = V.figures(result, rules, lang)
    # English labels are about twice as wide: two rows of four, not one of eight
    per_row = len(items) if lang == "zh" else 4
    for start in range(0, len(items), per_row):
        row = items[start : start + per_row]
        for column, (label, value, help_text) in zip(st.columns(per_row), row, strict=False):
            column.metric(label, value, help=help_text)


def clicked_village(code: str | None) -> None:
    """A village newly clicked on the map narrows the household list to it (the map keeps
    reporting its last click on every rerun: only a new one counts)."""
    if code and code != S.get(S.ASSIST_LAST_CLICK):
        S.set_value(S.ASSIST_VILLAGE, code)
        _forget_widgets(S.ASSIST_VILLAGE)
    S.set_value(S.ASSIST_LAST_CLICK, code)


def household_list(ws: Workspace, result: AssistanceCheck, flag: str, lang: str) -> None:
    """The households with a problem (of the village chosen, with the map's flag when it is a
    household's), and their download for those who may export data."""
    with st.container(key=S.ASSIST_LIST):
        _household_list(ws, result, flag, lang)


def _household_list(ws: Workspace, result: AssistanceCheck, flag: str, lang: str) -> None:
    names = dict(zip(ws.villages["code"].astype(str), ws.villages["name"], strict=True))
    choices = [V.ALL, *names]
    if S.get(S.ASSIST_VILLAGE) not in choices:  # another place is shown now
        S.set_value(S.ASSIST_VILLAGE, V.ALL)
        _forget_widgets(S.ASSIST_VILLAGE)
    head, pick = st.columns([2, 1], vertical_alignment="bottom")
    village = pick.selectbox(
        i18n.t("village", lang),
        choices,
        format_func=lambda c: i18n.t("assist_all_villages", lang) if c == V.ALL else names[c],
        **S.bind(S.ASSIST_VILLAGE, lang),
    )
    table = V.household_table(ws, result, lang, village, flag)
    head.subheader(i18n.t("assist_households_title", lang, n=len(table)))
    if table.empty:
        st.success(i18n.t("assist_households_none", lang))
        return
    st.dataframe(table, hide_index=True, width="stretch", height=_rows_height(len(table)))
    if auth.may("export_data"):
        name = f"assistance-{result.year}.csv"
        st.download_button(
            i18n.t("assist_download", lang),
            csv_bytes(table),  # with a BOM: Excel then reads 中文
            file_name=name,
            mime="text/csv",
            key=S.ASSIST_DOWNLOAD,
            on_click=auth.record_export,
            args=("assistance", name),
        )


def villages(ws: Workspace, result: AssistanceCheck, lang: str) -> None:
    """Each village's status, team, projects, money and the problems of its households."""
    st.subheader(i18n.t("assist_villages_title", lang))
    table = V.village_table(ws, result, lang)
    st.dataframe(table, hide_index=True, width="stretch", height=_rows_height(len(table)))


def cadre(ws: Workspace, result: AssistanceCheck, lang: str) -> None:
    """Pick a cadre (by name and unit): their households, status, visits and problems."""
    st.subheader(i18n.t("assist_cadre_title", lang))
    choices = V.cadre_choices(ws, result, lang)
    if not choices:
        st.info(i18n.t("assist_cadre_none", lang))
        return
    if S.get(S.ASSIST_CADRE) not in choices:
        S.set_value(S.ASSIST_CADRE, next(iter(choices)))
        _forget_widgets(S.ASSIST_CADRE)
    pick, about = st.columns([1, 2], vertical_alignment="bottom")
    chosen = pick.selectbox(
        i18n.t("assist_cadre_pick", lang),
        list(choices),
        format_func=choices.get,
        **S.bind(S.ASSIST_CADRE, lang),
    )
    unit, line = V.cadre_summary(ws, result, chosen, lang)
    about.text(f"{unit}\n{line}" if unit else line)  # text: the unit comes from data
    table = V.cadre_households(ws, result, chosen, lang)
    st.dataframe(table, hide_index=True, width="stretch", height=_rows_height(len(table), 420))


def plans(ws: Workspace, result: AssistanceCheck, lang: str) -> None:
    """Planned against actual exits per year, and the households behind their planned exit."""
    table = V.plan_table(ws, result.year, lang)
    left, right = st.columns([2, 3], gap="medium")
    with left:
        st.subheader(i18n.t("assist_plan_title", lang))
        if table.empty:
            st.info(i18n.t("assist_plan_none", lang))
        else:
            st.dataframe(table, hide_index=True, width="stretch", height=_rows_height(len(table)))
    behind = V.behind_table(ws, result, lang)
    with right:
        st.subheader(i18n.t("assist_behind_title", lang, n=len(behind)))
        if behind.empty:
            st.success(i18n.t("assist_behind_none", lang))
        else:
            st.dataframe(behind, hide_index=True, width="stretch")


# ----------------------------------------------------------------------------- 登记走访
def visit_form(ws: Workspace, result: AssistanceCheck, path: Path | str, lang: str) -> None:
    """Record a visit: household (those visited too few times first), date (today, kept within
    the year), cadre (the household's own by default) and a note; one change, audited."""
    st.markdown(f"**{i18n.t('assist_visit_title', lang)}**")
    options = V.visit_options(ws, result, lang)
    if not options:
        st.info(i18n.t("assist_visit_no_households", lang))
        return
    year = result.year
    dates = V.visit_dates(year, date.today())
    if dates is None:
        st.info(i18n.t("assist_visit_future", lang, year=year))
        return
    first, last, default = dates
    if S.get(S.ASSIST_VISIT_HOUSEHOLD) not in options:
        S.set_value(S.ASSIST_VISIT_HOUSEHOLD, next(iter(options)))
        _forget_widgets(S.ASSIST_VISIT_HOUSEHOLD)
    elif S.get(S.ASSIST_VISIT_FOR) is None:
        # a visit just recorded changed the household's label (1/2 → 2/2): the browser keeps
        # showing the old one unless the widget is seeded again
        _forget_widgets(S.ASSIST_VISIT_HOUSEHOLD)
    household = st.selectbox(
        i18n.t("assist_visit_household", lang),
        list(options),
        format_func=options.get,
        **S.bind(S.ASSIST_VISIT_HOUSEHOLD, lang),
    )
    chosen_date = S.get(S.ASSIST_VISIT_DATE)
    if S.get(S.ASSIST_VISIT_FOR) != (household, year) or not (
        isinstance(chosen_date, date) and first <= chosen_date <= last
    ):
        # another household or year, or a visit just recorded: the household's own cadre, a
        # date of that year and no note (set before the widgets are drawn: the browser would
        # otherwise send back what it still shows)
        S.set_value(S.ASSIST_VISIT_FOR, (household, year))
        S.set_value(S.ASSIST_VISIT_DATE, default)
        S.set_value(S.ASSIST_VISIT_NOTE, "")
        S.set_value(S.ASSIST_VISIT_CADRE, V.paired_cadre(result, household))
        _forget_widgets(S.ASSIST_VISIT_CADRE)
    cadres = V.cadre_labels(ws, lang)
    cadre_ids = ["", *sorted(cadres, key=cadres.get)]
    if S.get(S.ASSIST_VISIT_CADRE) not in cadre_ids:
        S.set_value(S.ASSIST_VISIT_CADRE, "")
        _forget_widgets(S.ASSIST_VISIT_CADRE)
    a, b = st.columns([1, 2])
    visit_date = a.date_input(
        i18n.t("assist_visit_date", lang),
        min_value=first,
        max_value=last,
        format="YYYY-MM-DD",
        help=i18n.t("assist_visit_date_help", lang, year=year),
        key=S.ASSIST_VISIT_DATE,
    )
    cadre_id = b.selectbox(
        i18n.t("assist_visit_cadre", lang),
        cadre_ids,
        format_func=lambda c: cadres.get(c) or i18n.t("assist_visit_cadre_none", lang),
        **S.bind(S.ASSIST_VISIT_CADRE, lang),
    )
    note = st.text_input(
        i18n.t("assist_visit_note", lang), max_chars=NOTE_MAX, key=S.ASSIST_VISIT_NOTE
    )
    if not st.button(
        i18n.t("assist_visit_submit", lang), type="primary", key=S.ASSIST_VISIT_SUBMIT
    ):
        return
    _record_visit(path, result, household, visit_date, cadre_id or None, note, lang)


def _record_visit(
    path: Path | str,
    result: AssistanceCheck,
    household: str,
    when: date,
    cadre_id: str | None,
    note: str,
    lang: str,
) -> None:
    """Write the visit; on success leave a message for the next run and rerun (the list then
    reads the new visits), else say why here."""
    at = when.isoformat()
    now = datetime.now().isoformat(timespec="seconds")
    done: dict = {}

    def change(current: Workspace):
        changes = visit_added(current, household, at, cadre_id, note)
        layers = history.record(current, "assistance", changes, changed_at=at, recorded_at=now)
        done["visits"] = layers["visits"]
        return layers

    try:
        with audit.doing("record_visit", target=household):
            update_workspace(path, change)
    except history.ChangeError as exc:
        st.warning(escape_md(V.visit_error(exc, lang)))
        return
    except (SchemaError, OSError, audit.AuditError) as exc:
        st.error(i18n.t("record_failed", lang, error=escape_md(exc)))
        return
    required = int(result.households["visits_required"].iloc[0])
    n = V.visits_in_year(done["visits"], household, when.year)
    message = i18n.t(
        "assist_visit_done",
        lang,
        household=household,
        date=at,
        year=when.year,
        n=n,
        required=required,
    )
    if n == required:  # this visit made up the number the rules ask for
        message += ("" if lang == "zh" else " ") + i18n.t("assist_visit_cleared", lang)
    S.set_value(S.FLASH, ("success", escape_md(message)))
    S.set_value(S.ASSIST_VISIT_FOR, None)  # the next run starts the form again
    st.rerun()
