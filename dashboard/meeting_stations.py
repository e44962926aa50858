"""The meeting card's 电商网点运营: what the place's e-commerce stations delivered in the year,
against the plan's targets (``[stations]`` of the rules).

Stations by tier working against the target, villages with a village station of their own
against the target share and those within reach of a station (the headline figure, not
counted again), online sales and poor households served with the change since last year,
people trained and the income gain against their targets. Only when the place's stations
have reported by then (a row of ``station_operations`` in the year or before): a workspace
without such rows says nothing, never zeros as if real.

No widgets here; every text is escaped where it is put in HTML (:func:`stations_html`).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from ..analysis import key_figures, station_ops
from ..analysis.key_figures import Figure
from ..geo.rules import Rules, RulesError, default_rules, workspace_rules
from ..geo.workspace import Workspace
from . import i18n, view


@dataclass(frozen=True)
class StationFigure:
    """One figure of the section: its label, value and a short note after it (the target,
    the change since last year); ``tone`` (``good``, ``bad`` or ``""``) judges the value
    against its target, ``note_tone`` the change; ``key`` names a figure a style sheet may
    leave out (``reach``: the headline tiles show it too)."""

    label: str
    value: str
    note: str = ""
    tone: str = ""
    note_tone: str = ""
    key: str = ""


def place_rules(ws: Workspace, rules: Rules | None) -> Rules:
    """``rules``, or the workspace's own (the shipped defaults when its stored ones are
    broken: the pages say so elsewhere)."""
    if rules is not None:
        return rules
    try:
        return workspace_rules(ws.meta)
    except RulesError:
        return default_rules()


def station_part(
    ws: Workspace,
    year: int,
    lang: str,
    rules: Rules | None = None,
    reach: Figure | None = None,
) -> dict:
    """The card's 电商网点运营 (``stations_heading``, ``stations``) of all of ``ws`` in
    ``year``; ``reach``: the headline figure of villages within reach of a station (left out
    when None). Empty when no station had reported by then."""
    if not station_ops.reported_by(ws, year):
        return {}
    rep = station_ops.report(ws, place_rules(ws, rules), year)
    return {
        "stations_heading": i18n.t("stations_heading", lang, year=year),
        "stations": station_figures(rep, lang, reach),
    }


def station_figures(
    rep: station_ops.StationReport, lang: str, reach: Figure | None = None
) -> tuple[StationFigure, ...]:
    """The section's figures of ``rep`` in ``lang``, in the order the card shows them."""
    t, g = rep.totals, rep.targets
    out = [
        _tier(
            "stations_centres",
            t["operating_township_ecommerce"],
            g["operating_township_ecommerce"],
            lang,
        ),
        _tier(
            "stations_village",
            t["operating_village_station"],
            g["village_stations"],
            lang,
            closed=t["closed"],
            suspended=t["suspended"],
        ),
        _own(t, g, lang),
    ]
    if reach is not None:
        out.append(_reach(reach, lang))
    reported = bool(rep.stations["reported"].any())
    out += [
        _change_figure(
            i18n.t("stations_sales", lang),
            view.wan_text(t["sales_wan"], lang) if reported else "—",
            t["sales_wan_change"] if reported else None,
            lambda v: view.wan_text(v, lang),
            lang,
            reported,
            toned=True,
        ),
        _change_figure(
            i18n.t("stations_served", lang),
            i18n.count(t["poor_served"], "households", lang) if reported else "—",
            t["poor_served_change"] if reported else None,
            lambda v: i18n.count(round(v), "households", lang),
            lang,
            reported,
            # fewer households served may be fewer poor households left: no colour
            toned=False,
        ),
        _against(
            i18n.t("stations_trained", lang),
            t["trained"] if reported else None,
            g["trained"],
            lambda v: i18n.count(int(v), "person_times", lang),
            lang,
        ),
        _against(
            i18n.t("stations_income", lang),
            t["income_gain"] if reported else None,
            g["income_gain"],
            lambda v: view.yuan_text(v, lang),
            lang,
        ),
    ]
    return tuple(out)


def _tier(
    key: str, working: int, target: int, lang: str, closed: int = 0, suspended: int = 0
) -> StationFigure:
    """Stations of one tier working of the target (``4 / 16个``, as the tiles write "of");
    the closed and suspended said."""
    shut = []
    if closed:
        shut.append(i18n.t("stations_closed", lang, n=closed))
    if suspended:
        shut.append(i18n.t("stations_suspended", lang, n=suspended))
    return StationFigure(
        i18n.t(key, lang),
        i18n.t("stations_of", lang, n=working, target=target),
        " · ".join(shut),
        "good" if working >= target else "bad",
    )


def _own(totals: dict, targets: dict, lang: str) -> StationFigure:
    """Villages with a working village station of their own against the target share."""
    share, target = totals["village_share"], targets["village_share"]
    return StationFigure(
        i18n.t("stations_own", lang),
        i18n.t(
            "stations_of", lang, n=totals["villages_with_own_station"], target=totals["villages"]
        ),
        i18n.t("stations_share_target", lang, share=f"{share:.0%}", target=f"{target:.0%}"),
        "good" if share >= target else "bad",
    )


def _reach(reach: Figure, lang: str) -> StationFigure:
    """The headline figure of villages within reach, as the tiles count it."""
    return StationFigure(
        i18n.t("stations_reach", lang),
        i18n.t("stations_of", lang, n=int(reach.value), target=reach.total or 0),
        i18n.t(
            "stations_reach_def",
            lang,
            v=f"{key_figures.VILLAGE_RADIUS_M / 1000:g}",
            t=f"{key_figures.TOWNSHIP_RADIUS_M / 1000:g}",
        ),
        key="reach",
    )


def _change_figure(
    label: str,
    value: str,
    change: float | None,
    amount: Callable[[float], str],
    lang: str,
    reported: bool,
    toned: bool,
) -> StationFigure:
    """A figure with its change since last year (▲/▼, this year's total less last year's);
    ``未报送`` when no station reported this year."""
    if not reported:
        return StationFigure(label, value, i18n.t("stations_unreported", lang))
    if change is None or round(change, 6) == 0:
        note = "" if change is None else i18n.t("stations_same", lang)
        return StationFigure(label, value, note)
    arrow = "▲" if change > 0 else "▼"
    tone = ("good" if change > 0 else "bad") if toned else ""
    return StationFigure(label, value, f"{arrow} {amount(abs(change))}", note_tone=tone)


def _against(
    label: str,
    value: float | None,
    target: float,
    amount: Callable[[float], str],
    lang: str,
) -> StationFigure:
    """A figure against its target (``—`` when not reported)."""
    note = i18n.t("stations_target", lang, v=amount(target))
    if value is None:
        return StationFigure(label, "—", note)
    return StationFigure(label, amount(value), note, "good" if value >= target else "bad")


def stations_html(
    heading: str, figures: tuple[StationFigure, ...], unbroken: Callable[[str], str]
) -> str:
    """The section as HTML: its heading, then one line per figure (label, value, note): eight
    figures as a grid of cells would not fit a projector's card. Escaped; ``unbroken`` keeps
    a number on its unit's line."""
    rows = "".join(
        f'<div class="ta-ops-label{_key(f)}">{_esc(f.label)}</div>'
        f'<div class="ta-ops-value{_key(f)}{_tone(f.tone)}">{unbroken(_esc(f.value))}'
        f"{_note_html(f, unbroken)}</div>"
        for f in figures
    )
    return (
        f'<div class="ta-card-note-heading ta-card-stations-heading">{_esc(heading)}</div>'
        f'<div class="ta-card-stations">{rows}</div>'
    )


def _key(f: StationFigure) -> str:
    return f" ta-ops-{f.key}" if f.key else ""


def _tone(tone: str) -> str:
    return f" ta-{tone}" if tone else ""


def _note_html(f: StationFigure, unbroken: Callable[[str], str]) -> str:
    if not f.note:
        return ""
    return f'<span class="ta-ops-note{_tone(f.note_tone)}">{unbroken(_esc(f.note))}</span>'


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)
