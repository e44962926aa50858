"""Plans saved by name in the workspace, read back, compared and exported."""

from __future__ import annotations

import hashlib
import io

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box
from streamlit.testing.v1 import AppTest

from tests.support.paths import ROOT
from township_atlas.analysis import station_plan as sp
from township_atlas.dashboard import plan_view
from township_atlas.geo.export import excel_bytes
from township_atlas.geo.validate import SchemaError
from township_atlas.geo.workspace import Workspace, read_workspace, update_workspace

WGS = "EPSG:4326"


def tried() -> gpd.GeoDataFrame:
    return sp.points_frame([(25.31, 115.01)], "试设点")


def proposed(ws) -> gpd.GeoDataFrame:
    c = sp.workspace_candidates(ws)
    return c[c["name"].isin(["大屋村", "石背村"])]


def rows(ws, name: str = "方案一", **kw) -> gpd.GeoDataFrame:
    chosen = proposed(ws)
    gains = dict(zip(chosen["id"], [40.0, 25.0], strict=True))
    settings = dict(
        radius_km=3.0,
        township_radius_km=5.0,
        network="straight",
        weight="poor_people",
        year=2019,
        saved_at="2026-11-29T10:00",
    )
    return sp.plan_rows(name, kw.get("tried", tried()), chosen, gains, **settings)


@pytest.fixture
def ws_copy(demo_copy):
    """The workspace these tests change: a private copy of the demo (``demo_copy``)."""
    return demo_copy


def test_a_saved_plan_reads_back_from_the_workspace(ws_copy, demo_ws):
    new = rows(demo_ws)
    update_workspace(ws_copy, lambda ws: {"station_plans": sp.save_plan(ws["station_plans"], new)})
    ws = read_workspace(ws_copy)
    assert sp.plan_names(ws["station_plans"]) == ["方案一"]
    plan = sp.saved_plan(ws["station_plans"], "方案一")
    assert (plan.radius_km, plan.network, plan.weight, plan.year) == (
        3.0,
        "straight",
        "poor_people",
        2019,
    )
    assert plan.township_radius_km == 5.0
    assert list(plan.stations["role"]) == ["tried", "proposed", "proposed"]
    assert list(plan.stations["name"]) == ["试设点 1", "大屋村", "石背村"]
    assert plan.stations["added_weight"].iloc[1:].tolist() == [40.0, 25.0]
    assert plan.stations.geometry.iloc[0].equals_exact(Point(115.01, 25.31), 1e-9)
    # every other layer is as it was
    assert len(ws.households) == len(demo_ws.households) and len(ws.villages) == 17


def test_names_must_be_new_non_empty_and_plans_not_empty(demo_ws):
    plans = sp.save_plan(demo_ws["station_plans"], rows(demo_ws))
    for bad, reason in (
        (rows(demo_ws), "exists"),
        (rows(demo_ws, "  "), "empty"),
        (rows(demo_ws, "长" * 41), "too_long"),
    ):
        with pytest.raises(sp.PlanNameError) as err:
            sp.save_plan(plans, bad)
        assert err.value.reason == reason
    empty = sp.plan_rows(
        "空",
        tried().iloc[:0],
        proposed(demo_ws).iloc[:0],
        {},
        radius_km=3,
        network="road",
        weight="villages",
        year=2019,
        saved_at="x",
    )
    with pytest.raises(sp.PlanNameError, match="no stations"):
        sp.save_plan(plans, empty)


def test_replacing_and_deleting_a_plan_leave_the_others(demo_ws):
    plans = sp.save_plan(demo_ws["station_plans"], rows(demo_ws, "甲"))
    plans = sp.save_plan(plans, rows(demo_ws, "乙"))
    plans = sp.save_plan(plans, rows(demo_ws, "甲", tried=tried().iloc[:0]), replace=True)
    assert sp.plan_names(plans) == ["乙", "甲"]
    assert len(sp.saved_plan(plans, "甲").stations) == 2
    plans = sp.delete_plan(plans, "乙")
    assert sp.plan_names(plans) == ["甲"]
    with pytest.raises(KeyError):
        sp.saved_plan(plans, "乙")


def test_an_invalid_change_leaves_the_workspace_byte_for_byte(ws_copy, demo_ws):
    before = hashlib.sha256(ws_copy.read_bytes()).hexdigest()
    bad = rows(demo_ws).assign(network="by air")
    with pytest.raises(SchemaError, match="network"):
        update_workspace(ws_copy, lambda ws: {"station_plans": bad})
    assert hashlib.sha256(ws_copy.read_bytes()).hexdigest() == before
    assert not [p for p in ws_copy.parent.iterdir() if p.name.startswith(".writing-")]


def test_plan_tables_match_the_coverage_and_open_as_excel(demo_ws):
    existing = sp.workspace_existing(demo_ws)
    chosen = proposed(demo_ws)
    today, after = sp.compare_coverage(demo_ws, 2019, existing, chosen, 3_000)
    stations = sp.plan_stations(existing, tried().iloc[:0], chosen, {chosen["id"].iloc[0]: 40.0})
    settings = {"plan_name": "方案一", "radius_km": 3.0, "network": "road", "weight": "villages"}
    book = excel_bytes(sp.plan_tables(today, after, stations, settings, "zh"))
    sheets = pd.read_excel(io.BytesIO(book), sheet_name=None, engine="calamine")
    assert list(sheets) == ["汇总", "网点", "行政村覆盖", "方案设置"]
    summary = sheets["汇总"].set_index("指标")
    assert summary.loc["覆盖行政村(个)", "现有网络"] == today.villages_covered
    assert summary.loc["覆盖行政村(个)", "规划方案"] == after.villages_covered
    assert summary.loc["覆盖未脱贫人口(人)", "变化"] == after.people_covered - today.people_covered
    st = sheets["网点"]
    assert st["来源"].value_counts().to_dict() == {"现有": len(existing), "优化选址": 2}
    assert st["新增覆盖"].notna().sum() == 1
    v = sheets["行政村覆盖"]
    assert len(v) == 17 and (v["方案覆盖"] == "是").sum() == after.villages_covered
    assert dict(sheets["方案设置"].values.tolist())["距离计算"] == "沿道路"
    # nothing personal in any sheet
    text = " ".join(str(x) for s in sheets.values() for x in s.to_numpy().ravel())
    assert "证件" not in text and "姓名" not in text


def test_plan_tables_in_english(demo_ws):
    existing = sp.workspace_existing(demo_ws)
    today, after = sp.compare_coverage(demo_ws, 2019, existing, existing.iloc[:0], 3_000)
    tables = sp.plan_tables(
        today, after, sp.plan_stations(existing, existing.iloc[:0], existing.iloc[:0]), {}, "en"
    )
    assert list(tables) == ["Summary", "Stations", "Villages", "Settings"]
    assert set(tables["Stations"]["Role"]) == {"existing"}
    assert (tables["Summary"]["Change"] == 0).all()


# ----------------------------------------------------------------------------- own stations
def tiny_workspace() -> Workspace:
    """Two square villages side by side (a metre CRS, 1 km each) and one station row naming
    village A."""
    crs = "EPSG:4547"  # CGCS2000 3-degree Gauss-Kruger CM 114E
    villages = gpd.GeoDataFrame(
        {"code": ["A", "B"], "name": ["甲村", "乙村"]},
        geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)],
        crs=crs,
    )
    facilities = gpd.GeoDataFrame(
        {"facility_id": ["F1"], "village_code": ["A"]},
        # drawn inside B, but its row says A: the row wins
        geometry=[Point(1500, 500)],
        crs=crs,
    )
    return Workspace({"villages": villages, "facilities": facilities}, {})


def test_a_station_belongs_to_the_village_its_row_names_or_that_holds_it():
    ws = tiny_workspace()
    crs = ws.villages.crs

    def frame(ids, points):
        return gpd.GeoDataFrame({"id": ids}, geometry=points, crs=crs)

    assert plan_view.station_villages(ws, frame(["F1"], [Point(1500, 500)])) == {"A"}
    # a candidate at a village centre is known by its id, the village code
    assert plan_view.station_villages(ws, frame(["B"], [Point(1500, 500)])) == {"B"}
    # an unknown id, or a site tried on the map, goes by where it stands
    assert plan_view.station_villages(ws, frame(["X9"], [Point(200, 200)])) == {"A"}
    tried = frame(["F1"], [Point(1700, 300)])  # a tried site's id P1/F1 names nothing
    assert plan_view.station_villages(ws, tried, by_id=False) == {"B"}
    assert plan_view.station_villages(ws, frame(["X9"], [Point(5000, 500)])) == set()
    # WGS84 points are measured in the villages' CRS
    wgs = frame(["X9"], [Point(1200, 800)]).to_crs(WGS)
    assert plan_view.station_villages(ws, wgs, by_id=False) == {"B"}


def test_a_plan_adds_villages_with_a_station_of_their_own(demo_ws):
    from township_atlas.analysis.key_figures import ecommerce_station_villages

    existing = sp.workspace_existing(demo_ws)
    own = plan_view.own_stations(demo_ws, existing, proposed(demo_ws), tried())
    # with no year every station counts; in 2025 the demo closes F035 and suspends F036
    assert len(own.today) == ecommerce_station_villages(demo_ws, 2024) == 7
    names = dict(zip(demo_ws.villages["code"], demo_ws.villages["name"], strict=True))
    added = {names[c] for c in own.after - own.today}
    assert {"大屋村", "石背村"} <= added
    assert own.added == len(added) and own.total == 17
    # a site in a village that has a station already adds none
    again = plan_view.own_stations(demo_ws, existing, existing.iloc[:1], tried().iloc[:0])
    assert again.after == again.today


# ----------------------------------------------------------------------------- the pages
@pytest.fixture
def app_ws(ws_copy, monkeypatch) -> AppTest:
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(ws_copy))
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("app_pages/plan_page.py").run()
    assert not at.exception
    return at


@pytest.mark.slow
def test_the_planner_shows_both_coverage_definitions_today_and_with_the_plan(app_ws):
    at = app_ws
    labels = [m.label for m in at.metric]
    assert labels == [
        "现有网络 · 覆盖行政村",
        "现有网络 · 本村有服务站",
        "现有网络 · 覆盖未脱贫人口",
    ]
    assert at.metric[1].value == "5 / 17 (29%)"
    caption = " ".join(c.value for c in at.caption)
    assert "服务半径内" in caption and "站点设在本村" in caption and "≥ 90%" in caption
    at.button(key="plan_optimise").click().run()
    values = {m.label: (m.value, m.delta) for m in at.metric}
    assert len(values) == 6
    own_value, own_delta = values["规划方案 · 本村有服务站"]
    assert own_value.startswith("8 / 17") and own_delta == "+3"
    assert "离 90% 的目标还差 8 个" in " ".join(c.value for c in at.caption)


@pytest.mark.slow
def test_an_empty_plan_cannot_be_saved_and_a_saved_one_says_so(app_ws, ws_copy):
    at = app_ws
    assert at.button(key="plan_save").disabled
    assert any("还没有新网点,无法保存" in w.value for w in at.warning)
    at.button(key="plan_optimise").click().run()
    assert not at.button(key="plan_save").disabled
    at.text_input(key="plan_save_name").set_value("三站*方案")
    at.button(key="plan_save").click().run()
    assert not at.exception
    # said at the top and in a toast, the name escaped for Markdown
    assert at.success[0].value == r"方案「三站\*方案」已保存(新增 3 个网点),可在“方案对比”页查看。"
    assert at.toast[0].value == at.success[0].value
    assert sp.plan_names(read_workspace(ws_copy)["station_plans"]) == ["三站*方案"]


@pytest.mark.slow
def test_asking_for_more_stations_than_candidates_is_said_in_chinese(app_ws):
    at = app_ws
    at.number_input(key="plan_add__zh").set_value(30).run()
    at.button(key="plan_optimise").click().run()
    assert not at.exception
    (error,) = at.error
    assert error.value.startswith("要求新增 30 个网点,但可选的候选点只有 19 个")
    assert not any(c.isascii() and c.isalpha() for c in error.value)


@pytest.mark.slow
def test_the_delete_tick_is_cleared_for_the_next_plan(ws_copy, demo_ws, monkeypatch):
    for name in ("甲", "乙"):
        update_workspace(
            ws_copy,
            lambda ws, n=name: {
                "station_plans": sp.save_plan(ws["station_plans"], rows(demo_ws, n))
            },
        )
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(ws_copy))
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=90).run()
    at.switch_page("app_pages/plans_page.py").run()
    assert at.selectbox(key="plans_choice").value == "乙"
    assert [m.label for m in at.metric][3] == "规划方案 · 覆盖行政村"
    at.checkbox(key="plans_delete_confirm").check().run()
    at.button(key="plans_delete").click().run()
    assert not at.exception and "方案「乙」已删除" in at.success[0].value
    assert at.selectbox(key="plans_choice").value == "甲"
    assert at.checkbox(key="plans_delete_confirm").value is False
    assert at.button(key="plans_delete").disabled
    # choosing another plan clears a tick as well
    at.checkbox(key="plans_delete_confirm").check().run()
    update_workspace(
        ws_copy,
        lambda ws: {"station_plans": sp.save_plan(ws["station_plans"], rows(demo_ws, "丙"))},
    )
    at.run()
    at.selectbox(key="plans_choice").set_value("丙").run()
    assert at.checkbox(key="plans_delete_confirm").value is False
