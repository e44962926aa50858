"""The planner's map and lists with the year's station operations: a closed station drawn grey
and crossed with no service area, a suspended one dashed, the others sized by their sales;
tooltips escaped; the flagged stations and the villages a closed station leaves uncovered.

On the demo in memory, 2025: 新屋村's station (F034) closed, 阳光村's (F033) suspended, 古陂村's
(F032) selling 40 万元, 黎明村's (F035) open with no sales and no assistant. 新屋村 is within
reach of F034 alone (6 poor people in 2025), 阳光村 of F033 alone (none left poor).
"""

from __future__ import annotations

import pandas as pd
import pytest

from township_atlas.analysis import station_ops, station_plan
from township_atlas.dashboard import map_html, map_items, plan_view, view
from township_atlas.geo.rules import default_rules
from township_atlas.geo.workspace import Workspace

EVIL = '<img src=x onerror="window.__xss=1">'
OPS = [
    # facility, status, sales 万元, assistants, poor households served
    ("F034", "关闭", None, None, None),
    ("F033", "暂停", 3.0, 1, 4),
    ("F032", "运营", 40.0, 2, 20),
    ("F035", "运营", 0.0, 0, 3),
]


@pytest.fixture(scope="module")
def ws(demo_ws) -> Workspace:
    ops = pd.DataFrame(
        OPS, columns=["facility_id", "status", "sales_wan", "assistants", "poor_served"]
    )
    ops["year"] = 2025
    fac = demo_ws["facilities"].copy()
    fac.loc[fac["facility_id"] == "F033", "name"] = f"{EVIL}阳光村电商服务站"
    layers = {
        **demo_ws.layers,
        "facilities": fac,
        "station_operations": ops.reindex(columns=demo_ws["station_operations"].columns),
    }
    return Workspace(layers, demo_ws.meta)


def plan_spec(ws, suspended_counts=False, year=2025):
    existing = station_plan.workspace_existing(ws, year, suspended_counts)
    rows = station_ops.station_rows(ws, year, default_rules().stations)
    _, after = station_plan.compare_coverage(ws, year, existing, existing.iloc[:0], 3_000)
    cov = after.villages
    spec = view.plan_map_spec(
        ws,
        year,
        "zh",
        cov["covered"],
        cov["nearest_m"],
        existing,
        existing.iloc[:0],
        3_000,
        "straight",
        township_radius_m=5_000,
        operations=rows,
    )
    return spec, after


def by_name(spec, fragment: str):
    return spec.plan[spec.plan["name"].str.contains(fragment, regex=False)].iloc[0]


def test_a_closed_station_is_drawn_grey_without_a_service_area_and_stops_covering(ws):
    spec, after = plan_spec(ws)
    closed = by_name(spec, "新屋村")
    assert (closed["status"], closed["colour"], closed["radius_m"]) == ("关闭", "#969696", 0)
    covered = dict(zip(after.villages["name"], after.villages["covered"], strict=True))
    assert not covered["新屋村"] and not covered["阳光村"]
    _, before = plan_spec(ws, year=2024)  # no row before 2025: every station worked
    covered_2024 = dict(zip(before.villages["name"], before.villages["covered"], strict=True))
    assert covered_2024["新屋村"] and covered_2024["阳光村"]
    assert before.villages_covered == after.villages_covered + 2
    items = map_items.plan_items(spec.plan, "zh")
    crossed = [it for it in items if it.get("cls") == "ta-closed"]
    assert len(crossed) == 1 and "新屋村电商服务站" in crossed[0]["tooltip"]
    assert "已关闭" in crossed[0]["tooltip"] and "本年不计入覆盖" in crossed[0]["tooltip"]
    # one service area per working station (7 existing, two of them stopped)
    areas = [it for it in items if it.get("area")]
    assert len(areas) == len(station_plan.workspace_existing(ws)) - 2


def test_a_suspended_station_is_dashed_and_covers_only_when_counted(ws):
    spec, after = plan_spec(ws)
    suspended = by_name(spec, "阳光村")
    assert (suspended["status"], suspended["radius_m"], bool(suspended["dashed"])) == (
        "暂停",
        0,
        True,
    )
    counted, counted_after = plan_spec(ws, suspended_counts=True)
    row = by_name(counted, "阳光村")
    assert (row["colour"], row["radius_m"]) == (view.ROLE_COLOUR["existing"], 3_000)
    assert counted_after.villages_covered == after.villages_covered + 1  # 阳光村 again
    dots = [it for it in map_items.plan_items(counted.plan, "zh") if it.get("circle")]
    ring = next(d for d in dots if "阳光村" in d["tooltip"])["options"]
    assert ring["dashArray"] == "3 2" and ring["fillColor"] == "#ffffff"


def test_stations_are_sized_by_sales_and_their_tooltips_say_what_they_delivered(ws):
    spec, _ = plan_spec(ws)
    best, none = by_name(spec, "古陂村"), by_name(spec, "黎明村")
    assert best["size"] == plan_view.SALES_RADII[1] and none["size"] == plan_view.SALES_RADII[0]
    tips = {
        it["tooltip"].split("<br>")[0]: it["tooltip"]
        for it in map_items.plan_items(spec.plan, "zh")
        if "tooltip" in it
    }
    assert "农产品网销 40万元" in tips["<b>古陂村电商服务站</b>"]
    assert "服务贫困户 20户 · 电商助理员 2人" in tips["<b>古陂村电商服务站</b>"]
    assert "问题:全年无网销；无电商助理员" in tips["<b>黎明村电商服务站</b>"]
    # a name from data is text: escaped in the tooltip, never markup
    evil = next(t for t in tips.values() if "阳光村" in t)
    assert "<img" not in evil and "&lt;img src=x onerror=&quot;" in evil
    legend = map_html.legend_html(spec)
    assert "圆点大小" in legend and "暂停运营的网点" in legend and "已关闭网点" in legend
    assert ">10 <" in legend and ">40 <" in legend  # samples: a quarter of the best, the best


def test_the_sales_radius_grows_with_the_square_root_of_sales():
    low, high = plan_view.SALES_RADII
    assert plan_view.sales_radius(0, 40) == low == plan_view.sales_radius(float("nan"), 40)
    assert plan_view.sales_radius(40, 40) == high
    assert plan_view.sales_radius(10, 40) == low + (high - low) / 2  # a quarter: half as wide
    assert plan_view.sales_radius(5, 0) == low


def test_the_lists_of_flagged_stations_and_villages_left_uncovered(ws):
    rows = station_ops.station_rows(ws, 2025, default_rules().stations)
    flagged = plan_view.flagged_table(rows, "zh")
    assert list(flagged["网点"]) == [
        "新屋村电商服务站",
        f"{EVIL}阳光村电商服务站",
        "黎明村电商服务站",
    ]
    assert list(flagged["运营状态"]) == ["已关闭", "暂停运营", "正常运营"]
    assert list(flagged["问题"])[-1] == "全年无网销；无电商助理员"
    lost = station_plan.workspace_coverage_lost(ws, 2025, 3_000, 5_000)
    table = plan_view.lost_table(lost, "en")
    assert list(table["Village"]) == ["新屋村", "阳光村"]  # the most poor people first
    assert list(table["Poor people"]) == [6, 0]
    assert list(table["Covered before by"]) == ["新屋村电商服务站", f"{EVIL}阳光村电商服务站"]
    counted = station_plan.workspace_coverage_lost(ws, 2025, 3_000, 5_000, suspended_counts=True)
    assert list(counted["name"]) == ["新屋村"]


def test_the_main_map_draws_a_closed_station_grey_in_its_year_only(ws):
    def closed_dot(year: int) -> dict:
        spec = view.map_spec(ws, year, "poor_people", "zh")
        (item,) = [it for it in map_items.service_items(spec) if "新屋村" in it["tooltip"]]
        return item

    assert closed_dot(2025)["options"]["fillColor"] == plan_view.STOPPED_COLOUR
    assert "已关闭" in closed_dot(2025)["tooltip"]
    assert closed_dot(2024)["options"]["fillColor"] != plan_view.STOPPED_COLOUR
