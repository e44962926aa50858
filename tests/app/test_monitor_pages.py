"""AppTest smoke tests of the 基础设施短板 and 搬迁安置 pages on the demo workspace."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.paths import APP

GAPS = "app_pages/gaps_page.py"
RELOCATION = "app_pages/relocation_page.py"
PROGRESS = "app_pages/progress_page.py"


def open_page(at: AppTest, page: str, **state) -> AppTest:
    """Run the app once, then ``page``; ``state`` is set before the first run (AppTest loses
    the sidebar after it, so the year and language cannot be chosen later)."""
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def table(at: AppTest, column: str):
    """The one table of the page that has ``column``."""
    (found,) = (df.value for df in at.dataframe if column in df.value.columns)
    return found


def map_styles(at: AppTest) -> dict:
    """The year's styles sent beside the map (``dashboard.map.restyle_payload``)."""
    (styles,) = at.get("bidi_component")
    return json.loads(styles.proto.json)


def legend(at: AppTest) -> str:
    """The map legend's text: its title and class labels, tags stripped."""
    return re.sub(r"\s*<[^>]+>\s*", "|", map_styles(at)["legend"])


def fills(at: AppTest) -> list[str]:
    return [row[0] for row in map_styles(at)["villages"].values()]


def test_gaps_page_lists_the_worst_gaps_and_the_distances(app):
    at = open_page(app, GAPS)
    assert at.header[0].value == "基础设施短板 · 2025"
    worst = table(at, "短板")
    # 2025 in the demo: 金盆山 lacks a bus and broadband, 中坑村 a bus.
    assert worst["行政村"].tolist() == ["金盆山居委会", "金盆山居委会", "中坑村"]
    assert worst["分值"].is_monotonic_decreasing
    distances = table(at, "平均(km)")
    assert len(distances) == 17 and distances["平均(km)"].is_monotonic_decreasing
    assert {"村卫生室(km)", "学校(km)", "乡镇卫生院(km)"} <= set(distances.columns)
    scores = table(at, "综合得分")
    assert len(scores) == 17 and scores["综合得分"].tolist()[:3] == [2.0, 1.0, 0.0]
    text = legend(at)
    assert "短板综合得分 · 2025" in text and "0分 · 无短板" in text and "2分" in text
    assert at.get("download_button")  # the score table as CSV


def test_gaps_indicator_changes_the_map_and_the_list(app):
    at = open_page(app, GAPS)
    before, colours = legend(at), fills(at)
    at.selectbox(key="gaps_indicator__zh").set_value("broadband").run()
    assert not at.exception
    after = legend(at)
    assert after != before
    assert "通宽带 · 2025" in after and "|达标|" in after and "|未达标|" in after
    assert fills(at) != colours
    assert table(at, "短板")["行政村"].tolist() == ["金盆山居委会"]
    # A component nobody lacks: the list says so instead of showing an empty table.
    at.selectbox(key="gaps_indicator__zh").set_value("power").run()
    assert not at.exception
    assert not [df for df in at.dataframe if "短板" in df.value.columns]
    assert any("各村均已达标" in s.value for s in at.success)


def test_gaps_page_in_an_earlier_year_counts_only_facilities_then_open(app):
    at = open_page(app, GAPS, year=2015)
    assert at.header[0].value == "基础设施短板 · 2015"
    # 李田村's clinic opened in 2016: in 2015 its nearest clinic is another village's.
    distances = table(at, "平均(km)").set_index("行政村")
    assert distances.loc["李田村", "最近的村卫生室"] != "李田村卫生室"
    assert len(table(at, "短板")) > 3
    at.selectbox(key="gaps_service__zh").set_value("school").run()
    assert not at.exception
    by_school = table(at, "学校(km)")
    assert by_school["学校(km)"].is_monotonic_decreasing
    assert by_school["行政村"].iloc[0] == "石背村"


def test_gaps_page_in_english(app):
    at = open_page(app, GAPS, lang="en")
    assert at.header[0].value == "Infrastructure gaps · 2025"
    assert len(table(at, "Gap")) == 3
    assert len(table(at, "Mean (km)")) == 17
    assert "Gap score · 2025" in legend(at)


def test_relocation_page_figures_flows_and_checks(app):
    at = open_page(app, RELOCATION)
    assert at.header[0].value == "搬迁安置 · 2025"
    figures = {m.label: m.value for m in at.metric}
    assert figures["安置点"] == "2个"
    assert figures["搬迁户数(已入住/计划,户)"] == "86 / 86"
    assert figures["搬迁人数(已入住/计划,人)"] == "297 / 297"
    assert figures["有未通过检查的安置点"] == "1 / 2"
    flows = table(at, "迁出村 → 安置点")
    assert len(flows) == 5 and flows["户数"].sum() == 86
    assert flows.iloc[0]["迁出村 → 安置点"] == "中坑村 → 古陂镇集镇安置点"  # the most households
    checks = table(at, "检查项").set_index("检查项")
    # One column per site, the one failing a check first: 51 of 60 old houses demolished.
    assert list(checks.columns) == ["标准", "古陂镇集镇安置点", "阳光村中心村安置点"]
    first = checks["古陂镇集镇安置点"]
    assert first["拆旧复垦"] == "✗ 85%" and checks.loc["拆旧复垦", "标准"] == "≥ 100%"
    assert first["人均住房面积"] == "✓ 24.6 m²/人"
    assert checks.loc["人均住房面积", "标准"] == "≤ 25 m²/人"
    assert first["最近学校"] == "✓ 0.28 km 古陂中学" and checks.loc["最近学校", "标准"] == "≤ 3 km"
    assert first["未通过(项)"] == "1" and checks.loc["未通过(项)", "阳光村中心村安置点"] == "0"
    (styled,) = (df for df in at.dataframe if "检查项" in df.value.columns)
    styles = styled.proto.arrow_data.styler.styles
    assert "#fcd5ce" in styles and "#d9f0d3" in styles  # red and green cells
    text = legend(at)
    assert "搬迁安置 · 2025" in text and "迁出村" in text
    assert at.get("download_button")


def test_relocation_page_before_any_move(app):
    at = open_page(app, RELOCATION, year=2015)
    assert any("2015年及以前没有搬迁记录" in i.value for i in at.info)
    # The checks read the sites' latest figures, whatever the year of the map.
    assert table(at, "检查项").shape == (11, 4)
    assert "迁出村" not in legend(at)


def test_relocation_page_in_english(app):
    at = open_page(app, RELOCATION, lang="en")
    assert at.header[0].value == "Relocation · 2025"
    figures = {m.label: m.value for m in at.metric}
    assert figures["Households (moved in / planned)"] == "86 / 86"
    checks = table(at, "Check").set_index("Check")
    assert checks.loc["Old houses demolished", "古陂镇集镇安置点"] == "✗ 85%"
    assert checks.loc["Housing per person", "Standard"] == "≤ 25 m²/person"
    assert "Villages people moved from" in legend(at)


def test_monitor_pages_on_a_workspace_with_only_villages(tmp_path, monkeypatch):
    from township_atlas.data.demo import build_demo_layers
    from township_atlas.geo.workspace import write_workspace

    layers = build_demo_layers()
    path = write_workspace(tmp_path / "bare.gpkg", {k: layers[k] for k in ("township", "villages")})
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(path))
    at = open_page(AppTest.from_file(APP, default_timeout=90), GAPS)
    assert at.warning  # no indicators to score
    at.switch_page(RELOCATION).run()
    assert not at.exception
    assert any("没有易地搬迁安置点" in i.value for i in at.info)


@pytest.mark.parametrize(
    ("code", "heading"),
    [("360722102001", "对照出列标准（非贫困村，无需出列）"), ("360722102210", "距出列还差")],
)
def test_the_scorecard_says_what_applies_to_the_village(app, code, heading):
    # 古陂居委会 was never a poor village: it needs no exit; 中坑村 was one
    at = open_page(app, PROGRESS, progress_village=code)
    assert heading in [m.value.strip("*") for m in at.markdown]
