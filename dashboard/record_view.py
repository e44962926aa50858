"""What the 变更登记 form works out around one change: the year it counts in and its date, the
value it replaces, the households each action applies to, the stations whose status may be
recorded, and what it changed.

No widgets here: the form is :mod:`township_atlas.dashboard.record_panels`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import pandas as pd

from ..analysis import exit_rules, gaps, key_figures, poverty, station_ops
from ..geo import history
from ..geo.rules import RulesError, workspace_rules, workspace_station_targets
from ..geo.schema import LAYERS
from ..geo.schema_operations import OPERATION_STATUS_EN, OPERATION_STATUSES
from ..geo.workspace import Workspace
from . import i18n, view
from .markup import escape_md

#: Statuses each household action starts from (history refuses any other).
STATUSES = {
    "household_exit": ("未脱贫", "返贫"),
    "household_fell_back": ("已脱贫",),
    "household_monitored": None,  # any household can come under monitoring
}
#: Statuses a station's change may set, in the order the form offers them.
STATION_STATUSES = OPERATION_STATUSES


def year_choices(ws: Workspace, today: date) -> list[int]:
    """Years a change may count in, newest first: the register's years and the current one."""
    first, last = view.first_year(ws), view.latest_year(ws)
    return sorted(set(range(first, last + 1)) | {today.year}, reverse=True)


def changed_at(year: int, today: date) -> str:
    """The date a change counting in ``year`` is recorded with.

    Figures of a year are read at its last day (``history.state_at(ws, "YYYY-12-31")``, village
    status at year end), so a past year's change is dated 12-31: it counts in that year and
    adds no year to the workspace. A change of the current year is dated today.
    """
    return today.isoformat() if year == today.year else f"{year}-12-31"


def indicator_now(ws: Workspace, code: str, field: str, year: int) -> object | None:
    """The village's ``field`` in force at the end of ``year`` (``None``: not recorded)."""
    rows = gaps.indicators_at(ws["indicators"], year)
    rows = rows[rows["village_code"].astype(str) == str(code)]
    if rows.empty:
        return None
    value = rows[field].iloc[0]
    return None if pd.isna(value) else value


def later_years(ws: Workspace, code: str, field: str, year: int, value: object) -> list[int]:
    """Years after ``year`` whose own indicator row gives ``field`` another value than
    ``value``: a change counted in ``year`` does not rewrite them."""
    ind = ws["indicators"]
    rows = ind[(ind["village_code"].astype(str) == str(code)) & (ind["year"] > year)]
    new = history.value_text(value)
    return sorted(
        int(y)
        for y, v in zip(rows["year"], rows[field], strict=True)
        if history.value_text(v) != new
    )


def later_change(ws: Workspace, changes: list[history.FieldChange], at: str) -> str | None:
    """The date of a change already recorded for one of ``changes``' fields and effective after
    ``at`` (``None`` when there is none): a field's history stays in date order, so such a
    change must be undone first or this one counted in a later year."""
    h = ws["history"]
    if h.empty:
        return None
    later = [
        h.loc[
            (h["layer"] == c.layer)
            & (h["record_key"] == c.record_key)
            & (h["field"] == c.field)
            & (h["changed_at"] > at),
            "changed_at",
        ]
        for c in changes
    ]
    dates = pd.concat(later) if later else pd.Series(dtype=str)
    return None if dates.empty else str(dates.max())


def undo_blocker(h: pd.DataFrame, change_id: str) -> str | None:
    """The change recorded after ``change_id`` for one of its fields (``None`` when there is
    none): only a field's latest change can be undone, so that one must be undone first."""
    mine = h[h["change_id"] == change_id]
    for r in mine.itertuples():
        same = h[
            (h["layer"] == r.layer) & (h["record_key"] == r.record_key) & (h["field"] == r.field)
        ]
        last = str(same["change_id"].iloc[-1])
        if last != change_id:
            return last
    return None


def candidates(ws: Workspace, code: str, kind: str, year: int) -> tuple[pd.DataFrame, int]:
    """The village's households the action ``kind`` can apply to in ``year``, and how many
    more it would apply to in a later year.

    An exit counts only after the household was identified and after it fell back (the
    register reads an exit and a fall back in the same year as still poor); a fall back only
    in or after the year it exited.
    """
    hh = ws.households
    hh = hh[hh["village_code"].astype(str) == str(code)]
    statuses = STATUSES[kind]
    if statuses is not None:
        hh = hh[hh["status"].isin(statuses)]
    ident = pd.to_numeric(hh["identified_year"], errors="coerce")
    exit_y = pd.to_numeric(hh["exit_year"], errors="coerce")
    return_y = pd.to_numeric(hh["return_year"], errors="coerce")
    if kind == "household_exit":
        ok = (ident.isna() | (ident <= year)) & (return_y.isna() | (return_y < year))
    elif kind == "household_fell_back":
        ok = exit_y.notna() & (exit_y <= year)
    else:
        ok = pd.Series(True, index=hh.index)
    ok = ok.fillna(False).astype(bool)
    return hh[ok], int((~ok).sum())


def household_label(row: pd.Series, lang: str) -> str:
    """A household as the form lists it: number, size, category, status and its years (no
    name: households are chosen by register number on a shared screen)."""
    size = i18n.count(int(row["size"]), "people", lang) + ("" if lang == "zh" else " people")
    parts = [str(row["household_id"]), size]
    if pd.notna(row["category"]):
        parts.append(i18n.category_label(row["category"], lang))
    status = i18n.status_label(row["status"], lang) if pd.notna(row["status"]) else "—"
    since = {"已脱贫": "exit_year", "返贫": "return_year"}.get(row["status"])
    if since and pd.notna(row[since]):
        status = i18n.t("record_status_since", lang, status=status, year=int(row[since]))
    parts.append(status)
    if pd.notna(row["monitor_kind"]):
        parts.append(str(row["monitor_kind"]))
    return " · ".join(parts)


def effect(
    before: Workspace,
    after: Workspace,
    kind: str,
    year: int,
    code: str,
    lang: str,
    *,
    field: str | None = None,
    household: str | None = None,
    station: str | None = None,
) -> str:
    """One line saying what a recorded change did in ``year``: the value it set and the
    figure it moves (a village's gaps and exit readiness; its poor people; its monitored
    households; the villages a station's status leaves without one or reaches again). Data
    in it is escaped for Markdown."""
    if kind == "station":
        return station_effect(before, after, str(station), year, lang)
    names = dict(zip(before.villages["code"].astype(str), before.villages["name"], strict=True))
    village = escape_md(names.get(str(code), str(code)))
    if kind == "indicator":
        label = _field_label(field, lang)
        old = value_label(indicator_now(before, code, field, year), lang)
        new = value_label(indicator_now(after, code, field, year), lang)
        head = i18n.t("record_effect_value", lang, year=year, where=f"{village} {label}")
        parts = [f"{head}{old} → {new}", _gap_effect(before, after, code, year, lang)]
        readiness = _exit_effect(before, after, code, year, lang)
        if readiness:
            parts.append(readiness)
        return i18n.t("record_effect_sep", lang).join(parts)
    hh_before = before.households.set_index(before.households["household_id"].astype(str))
    hh_after = after.households.set_index(after.households["household_id"].astype(str))
    old_row, new_row = hh_before.loc[household], hh_after.loc[household]
    what = i18n.t("record_effect_household", lang, village=village, id=escape_md(household))
    head = i18n.t("record_effect_value", lang, year=year, where=what)
    if kind == "household_monitored":
        head += i18n.t("record_effect_monitored", lang, kind=escape_md(new_row["monitor_kind"]))
        figure = "monitored_households"
    else:
        head += f"{_status(old_row['status'], lang)} → {_status(new_row['status'], lang)}"
        figure = "poor_people"
    unit = "households" if figure == "monitored_households" else "people"
    village_rows = before.villages[before.villages["code"].astype(str) == str(code)]
    v0 = int(poverty.village_figures(village_rows, before.households, year)[figure].iloc[0])
    v1 = int(poverty.village_figures(village_rows, after.households, year)[figure].iloc[0])
    t0 = poverty.township_totals(before.villages, before.households, year)[figure]
    t1 = poverty.township_totals(after.villages, after.households, year)[figure]
    moved = i18n.t(
        f"record_effect_{figure}",
        lang,
        year=year,
        v0=i18n.count(v0, unit, lang),
        v1=i18n.count(v1, unit, lang),
        t0=i18n.count(int(t0), unit, lang),
        t1=i18n.count(int(t1), unit, lang),
    )
    return i18n.t("record_effect_sep", lang).join([head, moved])


def _gap_effect(before: Workspace, after: Workspace, code: str, year: int, lang: str) -> str:
    def count(ws: Workspace) -> int:
        g = gaps.village_gaps(ws["indicators"], year)
        g = g[g["village_code"].astype(str) == str(code)]
        return int(g["gap_count"].iloc[0]) if len(g) else 0

    n0, n1 = count(before), count(after)
    if n1 < n0:
        return i18n.t("record_effect_gaps_down", lang, n=n0 - n1, n0=n0, n1=n1)
    if n1 > n0:
        return i18n.t("record_effect_gaps_up", lang, n=n1 - n0, n0=n0, n1=n1)
    return i18n.t("record_effect_gaps_same", lang, n=n0)


def _exit_effect(before: Workspace, after: Workspace, code: str, year: int, lang: str) -> str:
    """Whether the village now meets (or no longer meets) the exit rules; "" when unchanged or
    when the rules cannot be read (the 规则设置 page says why)."""
    try:
        rules = workspace_rules(after.meta)
    except RulesError:
        return ""

    def meets(ws: Workspace) -> bool | None:
        s = exit_rules.village_status(ws.villages, ws.households, ws["indicators"], year, rules)
        row = s[(s["code"] == str(code)) & s["poor_village"]]  # others never need to exit
        return bool(row["meets_rules"].iloc[0]) if len(row) else None

    m0, m1 = meets(before), meets(after)
    if m0 is None or m0 == m1:
        return ""
    return i18n.t("record_effect_exit_met" if m1 else "record_effect_exit_unmet", lang)


def _field_label(field: str | None, lang: str) -> str:
    col = LAYERS["indicators"].column(str(field))
    return col.zh if lang == "zh" else col.en


def _status(status: object, lang: str) -> str:
    return "—" if status is None or pd.isna(status) else i18n.status_label(str(status), lang)


def value_label(value: object, lang: str) -> str:
    """An indicator value as the form shows it: 是/否, a number, or — when not recorded."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    if isinstance(value, bool) or str(value) in ("True", "False"):
        return i18n.t("yes" if str(value) == "True" else "no", lang)
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    return f"{value:,}" if isinstance(value, int) else escape_md(value)


# ----------------------------------------------------------------------------- stations
def station_choices(ws: Workspace, villages: Collection[str] | None = None) -> dict[str, str]:
    """The existing e-commerce stations whose status may be recorded, id -> name (of
    ``villages`` only, when given: a monitor of some villages records their stations)."""
    st = station_ops.stations_of(ws["facilities"])
    if villages:
        st = st[st["village_code"].astype(str).isin(set(villages)).to_numpy(dtype=bool)]
    return dict(zip(st["facility_id"].astype(str), st["name"].astype(str), strict=True))


def station_label(ws: Workspace, facility_id: str, lang: str) -> str:
    """A station as the form lists it: its name and tier (古陂村电商服务站 · 村级电商服务站)."""
    fac = ws["facilities"]
    row = fac[fac["facility_id"].astype(str) == str(facility_id)]
    if row.empty:
        return str(facility_id)
    return f"{row['name'].iloc[0]} · {i18n.facility_label(str(row['kind'].iloc[0]), lang)}"


def station_village(ws: Workspace, facility_id: str) -> str | None:
    """The village code a station lies in (None for the county centre, or an unknown id)."""
    fac = ws["facilities"]
    row = fac[fac["facility_id"].astype(str) == str(facility_id)]
    if row.empty or pd.isna(row["village_code"].iloc[0]):
        return None
    return str(row["village_code"].iloc[0])


def station_now(ws: Workspace, facility_id: str, year: int) -> tuple[str, str | None]:
    """The station's status in ``year`` (its latest row of the year or before; 运营 without
    one) and the date it took hold (that row's status date, or None)."""
    ops = ws["station_operations"]
    mine = ops[ops["facility_id"].astype(str) == str(facility_id)]
    mine = mine[pd.to_numeric(mine["year"], errors="coerce").le(year).to_numpy(dtype=bool)]
    if mine.empty:
        return "运营", None
    last = mine.sort_values("year").iloc[-1]
    since = last["status_date"]
    return str(last["status"]), None if pd.isna(since) else str(since)


def next_status(status: str) -> str:
    """The status people most often come to record for a station now ``status``: an open one
    suspended, a suspended or closed one open again."""
    return "暂停" if status == "运营" else "运营"


def status_label(status: str, lang: str) -> str:
    """A station status in ``lang`` (运营 / operating …)."""
    return status if lang == "zh" else OPERATION_STATUS_EN.get(status, status)


def station_date_bounds(year: int, today: date) -> tuple[date, date]:
    """The dates a status of ``year`` may take hold: the year's days, up to today."""
    return date(year, 1, 1), min(date(year, 12, 31), today)


def reached(ws: Workspace, year: int) -> set[str]:
    """The villages a working station reaches in ``year`` at the planner's default service
    distances (straight lines; a suspended station as the rules say)."""
    suspended = workspace_station_targets(ws.meta).suspended_counts
    return key_figures.villages_reached(ws, year, suspended)


def station_effect(
    before: Workspace, after: Workspace, facility_id: str, year: int, lang: str
) -> str:
    """What recording a station's status did in ``year``: its status before and after (and
    since when), and the villages that lose (or regain) a station within reach."""
    old, _ = station_now(before, facility_id, year)
    new, since = station_now(after, facility_id, year)
    fac = before["facilities"]
    name = fac.loc[fac["facility_id"].astype(str) == str(facility_id), "name"]
    where = escape_md(name.iloc[0] if len(name) else facility_id)
    head = i18n.t("record_effect_value", lang, year=year, where=where)
    head += f"{status_label(old, lang)} → {status_label(new, lang)}"
    if since:
        head += i18n.t("record_effect_station_since", lang, date=since)
    r0, r1 = reached(before, year), reached(after, year)
    names = dict(zip(before.villages["code"].astype(str), before.villages["name"], strict=True))

    def listed(codes: set[str]) -> str:
        sep = "、" if lang == "zh" else ", "
        return sep.join(escape_md(names.get(c, c)) for c in sorted(codes))

    parts = [head]
    if r0 - r1:
        parts.append(i18n.t("record_effect_uncovered", lang, year=year, villages=listed(r0 - r1)))
    if r1 - r0:
        parts.append(i18n.t("record_effect_reached", lang, year=year, villages=listed(r1 - r0)))
    if r0 == r1:
        parts.append(i18n.t("record_effect_coverage_same", lang))
    return i18n.t("record_effect_sep", lang).join(parts)
