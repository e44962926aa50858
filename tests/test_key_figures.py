"""Headline figures: the meeting page's and the brief's, each with last year's value."""

from __future__ import annotations

import pytest

from township_atlas.analysis import key_figures as K
from township_atlas.analysis import poverty
from township_atlas.geo.workspace import Workspace


def by_key(ws, year):
    return {f.key: f for f in K.key_figures(ws, year)}


def test_figures_agree_with_the_township_totals(demo_ws):
    figures = by_key(demo_ws, 2017)
    now = poverty.township_totals(demo_ws.villages, demo_ws.households, 2017)
    last = poverty.township_totals(demo_ws.villages, demo_ws.households, 2016)
    assert figures["poor_people"].value == now["poor_people"]
    assert figures["poor_people"].before == last["poor_people"]
    assert figures["poor_people"].change == now["poor_people"] - last["poor_people"] < 0
    assert figures["incidence"].value == pytest.approx(now["incidence"])
    assert (figures["poor_villages_exited"].value, figures["poor_villages_exited"].total) == (3, 8)
    assert figures["monitored_households"].value == now["monitored_households"]
    assert [f.key for f in K.key_figures(demo_ws, 2017)] == [
        "poor_people",
        "incidence",
        "poor_villages_exited",
        "ecommerce_villages",
        "relocation_moved_share",
        "monitored_households",
    ]


def test_the_first_year_has_no_change(demo_ws):
    first = poverty.workspace_years(demo_ws.households, demo_ws["indicators"])[0]
    assert all(f.before is None and f.change is None for f in K.key_figures(demo_ws, first))


def test_stations_count_from_the_year_they_opened(demo_ws):
    fac = demo_ws["facilities"].copy()
    stations = fac["kind"].isin(["village_station", "township_ecommerce"])
    fac.loc[stations, "opened_year"] = 2030
    later = Workspace({**demo_ws.layers, "facilities": fac}, demo_ws.meta)
    assert K.ecommerce_villages_covered(later, 2025) == 0
    assert 0 < K.ecommerce_villages_covered(demo_ws, 2025) <= 17


def test_relocation_share_follows_the_move_in_years(demo_ws):
    rel = demo_ws["relocations"]
    planned = demo_ws["relocation_sites"]["planned_households"].sum()
    first = int(rel["year"].min())
    moved = rel.loc[rel["year"] <= first, "households"].sum()
    assert K.relocation_moved_share(demo_ws, first - 1) == 0.0
    assert K.relocation_moved_share(demo_ws, first) == pytest.approx(moved / planned)
    assert K.relocation_moved_share(demo_ws, 2100) == pytest.approx(1.0)
