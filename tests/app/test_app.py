"""AppTest smoke tests: every page runs on the demo workspace, in both languages."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.support.paths import APP
from tests.support.paths import CORPUS as CORPUS_DIR
from township_atlas.analysis.station_plan import saved_plan
from township_atlas.geo.workspace import read_workspace, update_workspace


def proposal_table(at: AppTest):
    """The proposal's table (station, what it adds) among the page's tables."""
    (table,) = (df.value for df in at.dataframe if list(df.value.columns) == ["网点", "新增覆盖"])
    return table


def map_args(at: AppTest) -> dict:
    (component,) = at.get("component_instance")
    assert component.proto.component_name == "streamlit_folium.st_folium"
    return json.loads(component.proto.json_args)


def map_styles(at: AppTest) -> dict:
    """The year's styles sent beside the map (``dashboard.map.restyle_payload``)."""
    (styles,) = at.get("bidi_component")
    return json.loads(styles.proto.json)


def test_map_page_runs_and_needs_nothing_remote(app):
    at = app.run()
    assert not at.exception
    args = map_args(at)
    links = args["js_links"] + args["css_links"]
    assert links, "the map must load Leaflet from somewhere"
    assert all(not link.startswith(("http:", "https:", "//")) for link in links), links
    assert any(link.endswith("leaflet.js") for link in args["js_links"])
    # Only the clicked feature comes back: panning and zooming must not rerun the page.
    assert args["returned_objects"] == ["last_active_drawing"]
    # Names reach the page as JSON, where non-ASCII text may be \u-escaped.
    assert "新屋村" in args["script"] or json.dumps("新屋村")[1:-1] in args["script"]
    labels = [m.label for m in at.metric]
    assert any("建档立卡" in label and "966" in label for label in labels)


# AppTest loses the sidebar of an st.navigation app after its first run (the browser does
# not), so these tests set the language-free session-state values before a single run.


def test_map_page_in_english(app):
    app.session_state["lang"] = "en"
    at = app.run()
    assert not at.exception
    assert at.sidebar.radio(key="lang").value == "en"
    assert any("Registered" in m.label for m in at.metric)


def test_year_and_indicator_change_the_styles_not_the_map(app, demo_path):
    first = app.run()
    before, styles = map_args(first)["script"], map_styles(first)
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["year"] = 2015
    at.session_state["indicator"] = "incidence"
    at.run()
    assert not at.exception
    assert at.sidebar.slider(key="year__zh").value == 2015
    # The same map stays drawn (same script); its fills, tooltips and legend change.
    assert map_args(at)["script"] == before
    after = map_styles(at)
    assert after["villages"] != styles["villages"]
    assert "2015" in after["legend"] and "2015" not in styles["legend"]


def test_villages_page(app):
    at = app.run()
    at.switch_page("app_pages/villages_page.py").run()
    assert not at.exception
    assert at.header[0].value.startswith("村情总表")
    categories, villages = (df.value for df in at.dataframe)
    # The register by category is the brief's table; the village table has every unit.
    assert categories.iloc[:, 2].tolist() == [438, 12, 442, 74]
    assert categories.iloc[:, 3].tolist() == [1541, 46, 1344, 86]
    assert len(villages) == 17 and villages.iloc[:, 2].sum() == 42931


def test_schema_page(app):
    at = app.run()
    at.switch_page("app_pages/schema_page.py").run()
    assert not at.exception
    from township_atlas.geo.schema import LAYERS

    assert len(at.expander) == len(LAYERS)


def test_broken_workspace_shows_an_error_not_a_traceback(tmp_path, monkeypatch):
    bad = tmp_path / "broken.gpkg"
    bad.write_bytes(b"not a geopackage")
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(bad))
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception
    assert at.error and "工作空间无法打开" in at.error[0].value
    assert any("broken.gpkg" in t.value for t in at.text)


def test_a_workspace_with_only_villages_runs(tmp_path, monkeypatch):
    # Only township and villages are required: no register, indicators, facilities or sites.
    from township_atlas.data.demo import build_demo_layers
    from township_atlas.geo.workspace import write_workspace

    layers = build_demo_layers()
    path = write_workspace(tmp_path / "bare.gpkg", {k: layers[k] for k in ("township", "villages")})
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(path))
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception
    assert (
        "新屋村" in map_args(at)["script"] or json.dumps("新屋村")[1:-1] in map_args(at)["script"]
    )
    at.switch_page("app_pages/villages_page.py").run()
    assert not at.exception


def test_plan_page_optimises_and_lists_the_proposal(app):
    at = app.run()
    at.switch_page("app_pages/plan_page.py").run()
    assert not at.exception
    assert at.metric[0].label.startswith("现有网络")
    at.button(key="plan_optimise").click().run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert any(label.startswith("规划方案") for label in labels)
    proposal = proposal_table(at)
    assert len(proposal) == 3  # the default of three new stations, each with what it adds
    assert (proposal.iloc[:, 1] > 0).all()
    # The details list the villages still uncovered, the most poor people first.
    summary = next(df.value for df in at.dataframe if "指标" in df.value.columns)
    uncovered = next(df.value for df in at.dataframe if "方案最近距离(km)" in df.value.columns)
    covered = summary.set_index("指标").loc["覆盖行政村(个)", "规划方案"]
    assert len(uncovered) == 17 - covered
    assert uncovered["未脱贫人口(人)"].is_monotonic_decreasing


def test_plan_page_counts_a_site_tried_on_the_map(demo_path, monkeypatch):
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(demo_path))
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["plan_points"] = [[25.2335, 115.1535]]  # a click in 大屋村's hills
    at.run()
    at.switch_page("app_pages/plan_page.py").run()
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    assert values["现有网络 · 覆盖行政村"] != values["规划方案 · 覆盖行政村"]


def test_plan_page_reaches_a_target_and_removes_a_tried_site(demo_path, monkeypatch):
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(demo_path))
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["plan_goal"] = "target"
    at.session_state["plan_target_pct"] = 100
    at.session_state["plan_points"] = [[25.2335, 115.1535], [25.30, 115.05]]
    at.run()
    at.switch_page("app_pages/plan_page.py").run()
    assert not at.exception
    at.button(key="plan_optimise").click().run()
    assert not at.exception
    # The plan reaches the 100% target of remaining poor people covered.
    assert at.metric[-1].value.endswith("(100%)")
    at.multiselect(key="plan_remove").set_value(["P1"])
    at.button(key="plan_remove_button").click().run()
    assert not at.exception
    assert at.session_state["plan_points"] == [[25.30, 115.05]]


def test_plan_page_never_proposes_an_excluded_candidate(app, demo_ws):
    from township_atlas.analysis.station_plan import workspace_candidates

    ids = dict(zip(*(workspace_candidates(demo_ws)[c] for c in ("name", "id")), strict=True))
    at = app.run()
    at.switch_page("app_pages/plan_page.py").run()
    at.button(key="plan_optimise").click().run()
    first = proposal_table(at).iloc[0, 0]  # the station that adds most
    at.multiselect(key="plan_exclude").set_value([ids[first]])
    at.button(key="plan_optimise").click().run()
    assert not at.exception
    assert first not in proposal_table(at).iloc[:, 0].tolist()


def test_a_plan_saved_on_the_plan_page_is_compared_on_the_plans_page(demo_copy, monkeypatch):
    ws = demo_copy
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(ws))
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("app_pages/plans_page.py").run()
    assert not at.exception and "还没有保存的方案" in at.info[0].value

    at.switch_page("app_pages/plan_page.py").run()
    assert at.button(key="plan_save").disabled  # nothing to save yet
    assert any("还没有新网点" in w.value for w in at.warning)
    at.button(key="plan_optimise").click().run()
    at.text_input(key="plan_save_name").set_value("三站方案")
    at.button(key="plan_save").click().run()
    assert not at.exception
    assert "已保存" in at.success[0].value
    plan = saved_plan(read_workspace(ws)["station_plans"], "三站方案")
    assert len(plan.stations) == 3 and (plan.stations["added_weight"] > 0).all()
    at.button(key="plan_save").click().run()  # the same name again
    assert any("已有名为「三站方案」的方案" in w.value for w in at.warning)

    at.switch_page("app_pages/plans_page.py").run()
    assert not at.exception
    summary, changed = (df.value for df in at.dataframe)  # the plans page
    row = summary.set_index("指标").loc["覆盖行政村(个)"]
    assert row["规划方案"] - row["现有网络"] == row["变化"] == len(changed) > 0
    assert set(changed["行政村"]) <= set(read_workspace(ws).villages["name"])
    assert len(at.get("component_instance")) == 2  # today's map and the plan's, side by side

    at.checkbox(key="plans_delete_confirm").check().run()
    at.button(key="plans_delete").click().run()
    assert not at.exception
    assert len(read_workspace(ws)["station_plans"]) == 0
    assert "还没有保存的方案" in at.info[0].value


def test_progress_page_colours_villages_by_status_and_shows_a_scorecard(app, demo_ws):
    app.session_state["year"] = 2017
    app.session_state["progress_village"] = "360722102210"  # 中坑村: exits in 2019
    at = app.run()
    at.switch_page("app_pages/progress_page.py").run()
    assert not at.exception
    labels = {m.label: m.value for m in at.metric}
    assert labels["贫困村出列"] == "3 / 8"
    fills = {row[0] for row in map_styles(at)["villages"].values()}
    assert {"#fb6a4a", "#74c476"} <= fills  # poor and exited villages both drawn
    card = next(df.value for df in at.dataframe if "达标" in df.value.columns)
    assert card.iloc[0]["指标"] == "贫困发生率" and card.iloc[0]["达标"] == "✗"
    assert (card["达标"] == "✓").any()
    assert "还需" in " ".join(t.value for t in at.text)


def test_rules_page_refuses_a_bad_file_and_saves_a_good_one(demo_copy, monkeypatch):
    ws = demo_copy
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(ws))
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("app_pages/rules_page.py").run()
    assert not at.exception and "默认规则" in " ".join(t.value for t in at.text)
    at.text_area(key="rules_text").set_value("[village_exit]\nmax_incidnce = 0.03\n")
    at.button(key="rules_save").click().run()
    assert "未保存" in at.error[0].value and "第 2 行" in at.code[0].value
    assert "exit_rules_toml" not in read_workspace(ws).meta
    at.text_area(key="rules_text").set_value("[village_exit]\nmax_incidence = 0.03\n")
    at.button(key="rules_save").click().run()
    assert not at.exception and at.success[0].value == "规则已保存。"
    assert read_workspace(ws).meta["exit_rules_toml"].endswith("max_incidence = 0.03\n")
    at.button(key="rules_reset").click().run()
    assert read_workspace(ws).meta["exit_rules_toml"] == ""


@pytest.mark.parametrize("page", ["progress_page", "gaps_page", "relocation_page"])
def test_broken_stored_rules_stop_a_page_with_the_problem(demo_copy, monkeypatch, page):
    ws = demo_copy
    update_workspace(ws, lambda w: {}, meta={"exit_rules_toml": "[village_exit]\nmax = 1\n"})
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(ws))
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception
    assert "规则设置" in at.error[0].value and "village_exit.max" in at.code[0].value


DEMO_NOTICE = "演示数据:古陂镇的户、指标、网点、搬迁与帮扶数据均为虚构"


@pytest.mark.parametrize(
    "page",
    [
        "app_pages/map_page.py",
        "app_pages/meeting_page.py",
        "app_pages/plan_page.py",
        "app_pages/progress_page.py",
        "app_pages/villages_page.py",
        "app_pages/household_page.py",
        "app_pages/rules_page.py",
    ],
)
def test_every_page_of_the_demo_says_its_data_are_invented(app, page):
    at = app.run()
    if page != "app_pages/map_page.py":
        at.switch_page(page).run()
    assert not at.exception
    assert any(DEMO_NOTICE in w.value for w in at.warning)


def test_a_real_workspace_has_no_demo_notice(demo_ws, tmp_path, monkeypatch):
    from township_atlas.geo.workspace import write_workspace

    meta = {k: v for k, v in demo_ws.meta.items() if k not in ("synthetic_demo", "demo_version")}
    path = write_workspace(tmp_path / "real.gpkg", demo_ws.layers, meta)
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(path))
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception
    assert not any("演示数据" in w.value for w in at.warning)


def test_demo_notice_in_english(app):
    app.session_state["lang"] = "en"
    at = app.run()
    assert any("Demo data" in w.value and "invented" in w.value for w in at.warning)


def test_data_page_previews_and_imports_boundaries(tmp_path, monkeypatch):
    corpus = CORPUS_DIR / "vector"
    ws = tmp_path / "fresh.gpkg"
    from township_atlas.data.importing.run import import_boundaries

    import_boundaries(ws, corpus / "good_chinese_headers.geojson", "villages")
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(ws))
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("app_pages/data_page.py").run()
    assert not at.exception
    # AppTest cannot upload a file: the upload itself is a browser test (test_browser.py)
    assert at.selectbox(key="data_kind__zh").value == "villages"
    for kind in ("households", "stations", "indicators"):
        at.selectbox(key="data_kind__zh").set_value(kind).run()
        assert not at.exception
        (button,) = at.get("download_button")
        assert button.proto.label == "下载模板" and button.proto.url.endswith(".xlsx")


def test_household_page_shows_the_exit_checks(demo_ws, tmp_path, monkeypatch):
    # a household still poor, one of whose children dropped out of school (失学辍学)
    from township_atlas.geo.workspace import write_workspace

    hh = demo_ws.households.copy()
    poor = hh[(hh["status"] == "返贫")]["household_id"].iloc[0]
    hh.loc[hh["household_id"] == poor, "out_of_school"] = 1
    hh.loc[hh["household_id"] == poor, "no_medical_insurance"] = pd.NA  # not recorded
    path = write_workspace(tmp_path / "ws.gpkg", {**demo_ws.layers, "households": hh}, demo_ws.meta)
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(path))
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("app_pages/household_page.py").run()
    at.text_input(key="hh_query").set_value(poor).run()
    assert not at.exception
    card = next(df.value for df in at.dataframe if "核查项" in df.value.columns)
    rows = dict(zip(card["核查项"], card["结果"], strict=True))
    assert rows["义务教育有保障(失学辍学人数为 0)"] == "✘ 未达标"
    assert rows["基本医疗有保障(未参加基本医保人数为 0)"] == "未登记,未核查"
    assert rows["人均纯收入高于扶贫标准"] == "✘ 未达标"  # fell back: income below the line
