"""会议模式: the headline tiles, the village card, download names, the presentation view's style
sheet, and the page itself (AppTest) in its ordinary and its presentation view."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pytest
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from township_atlas.analysis.key_figures import Figure
from township_atlas.dashboard import meeting_view as mv
from township_atlas.dashboard import view

MEETING = "app_pages/meeting_page.py"

SIX = [
    Figure("poor_people", "people", 25, 31),
    Figure("incidence", "share", 0.0006, 0.0008),
    Figure("poor_villages_exited", "ratio", 8, 8, 8),
    Figure("ecommerce_villages", "ratio", 15, 13, 15),
    Figure("relocation_moved_share", "share", 1.0, 1.0),
    Figure("monitored_households", "households", 46, 40),
]
SEVEN = [*SIX[:4], Figure("ecommerce_station_villages", "ratio", 12, 11, 15), *SIX[4:]]


def tiles(html_text: str) -> list[str]:
    return re.findall(r'<div class="ta-fig[ "][^>]*data-key="([^"]+)"', html_text)


# ---------------------------------------------------------------- download names


@pytest.mark.parametrize(
    ("village", "kind", "expected"),
    [
        (None, "pdf", "古陂镇-2025-简报.pdf"),
        ("枫树村", "pdf", "古陂镇-枫树村-2025-简报.pdf"),
        (None, "png", "古陂镇-2025-一张图.png"),
        (None, "html", "古陂镇-2025-一张图.html"),
        ("枫树村", "html", "古陂镇-枫树村-2025-一张图.html"),
        ("古陂镇", "pdf", "古陂镇-2025-简报.pdf"),  # the township is not named twice
    ],
)
def test_a_download_names_each_part_once(village, kind, expected):
    assert mv.file_name("古陂镇", 2025, village, kind, "zh") == expected


def test_a_download_name_has_no_path_characters_from_data():
    name = mv.file_name("古陂/镇", 2025, '../枫树村:"*?', "pdf", "zh")
    assert name == "古陂_镇-枫树村-2025-简报.pdf"
    assert "/" not in name and ".." not in name
    assert mv.file_name("", 2025, None, "png", "en") == "2025-map.png"


# ---------------------------------------------------------------- figures


def test_figure_texts_read_as_people_say_them():
    assert mv.figure_text(SIX[0], "zh") == ("年末未脱贫人口", "25人", "-6")
    assert mv.figure_text(SIX[1], "zh") == ("贫困发生率", "0.06%", "-0.02个百分点")
    assert mv.figure_text(SIX[2], "zh") == ("贫困村出列", "8 / 8", None)  # no change: none said
    assert mv.figure_text(SIX[4], "zh")[1:] == ("100.0%", None)
    assert mv.figure_text(SIX[5], "en") == ("Monitored households", "46", "+6")


def test_six_tiles_with_or_without_the_station_figure():
    assert tiles(mv.tiles_html(SIX, "zh")) == [
        "poor_people",
        "incidence",
        "poor_villages_exited",
        "ecommerce_villages",
        "relocation_moved_share",
        "monitored_households",
    ]
    both = mv.tiles_html(SEVEN, "zh")
    assert tiles(both) == [
        "poor_people",
        "incidence",
        "poor_villages_exited",
        "ecommerce",
        "relocation_moved_share",
        "monitored_households",
    ]
    # both e-commerce values, each labelled with its definition; the station figure is under
    # its 90 % target (12 / 15 = 80 %), so it is drawn as bad news
    assert "15 / 15" in both and "覆盖(3/5公里内有网点)" in both
    assert '<span class="ta-fig-sub ta-bad">12 / 15</span>' in both
    assert "村村有站 · 目标≥90%" in both
    assert "own station · target ≥90%" in mv.tiles_html(SEVEN, "en")


def test_a_change_is_coloured_by_whether_it_is_good_news():
    html_text = mv.tiles_html(SIX, "zh")
    fewer_poor = re.search(r'data-key="poor_people".*?ta-fig-change ([a-z-]+)">▼', html_text)
    more_monitored = re.search(
        r'data-key="monitored_households".*?ta-fig-change ([a-z-]+)">▲', html_text
    )
    assert fewer_poor and fewer_poor.group(1) == "ta-good"
    assert more_monitored and more_monitored.group(1) == "ta-bad"


def test_tile_texts_are_escaped(monkeypatch):
    # an undeclared figure key shows as itself (outside the tests' strict strings): the tile
    # must still escape it
    monkeypatch.delenv("TOWNSHIP_ATLAS_STRICT_I18N", raising=False)
    evil = Figure('<img src=x onerror="alert(1)">', "people", 1, None)
    html_text = mv.tiles_html([evil], "zh")
    assert "<img" not in html_text and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html_text


# ---------------------------------------------------------------- the card


def test_card_texts_are_escaped():
    card = mv.Card(
        heading="古陂镇 · 2025",
        name='<script>alert("x")</script>村',
        status="已出列",
        register="建档立卡 1户 3人。",
        figures=(("年末未脱贫", "<b>3人</b>"),),
        notes=(("<i>短板</i>", "通硬化路 & 卫生室"),),
    )
    html_text = mv.card_html(card)
    assert "<script" not in html_text and "<b>" not in html_text and "<i>" not in html_text
    assert '<h3 class="ta-card-name">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;村</h3>' in (
        html_text
    )
    assert "通硬化路 &amp; 卫生室" in html_text


def test_a_number_stays_on_its_units_line_in_the_register_sentence():
    card = mv.Card(
        heading="示意县 · 2024", name="全县", status="", register="建档立卡 60,000户 210,623人"
    )
    html_text = mv.card_html(card)
    assert "60,000\u2060户 210,623\u2060人" in html_text


def test_a_village_card_says_its_status_figures_and_gaps(demo_ws):
    from township_atlas.analysis import exit_rules
    from township_atlas.geo.rules import workspace_rules

    status = exit_rules.village_status(
        demo_ws.villages,
        demo_ws.households,
        demo_ws["indicators"],
        2025,
        workspace_rules(demo_ws.meta),
    )
    row = status[status["name"] == "枫树村"].iloc[0]
    card = mv.village_card(demo_ws, row, 2025, "zh")
    assert card.name == "枫树村" and card.heading == "古陂镇 · 2025"
    assert card.status  # a poor village: exited or not, it says which
    assert card.register.startswith("建档立卡")
    assert [label for label, _ in card.figures] == [
        "年末未脱贫",
        "贫困发生率",
        "户籍人口",
        "建档立卡(累计)",
    ]
    assert [heading for heading, _ in card.notes][1] == "基础设施短板"
    township = mv.township_card(demo_ws, 2025, "zh")
    assert township.name == "全镇" and "建档立卡 966户 3,017人" in township.register


# ---------------------------------------------------------------- the map


def test_the_meeting_map_is_the_same_for_every_village(demo_ws):
    spec = view.map_spec(demo_ws, 2025, "incidence", "zh", layers=frozenset({"villages"}))
    shown = mv.meeting_spec(spec, dark=True)
    assert shown.dark and shown.label_size == mv.PROJECTOR_LABEL_SIZE
    assert shown.title == spec.title and shown.layers == spec.layers  # the choices carry
    assert shown.outline is spec.outline  # stepping moves the view; it draws nothing new


def test_the_village_shape_to_fit_is_in_wgs84():
    villages = gpd.GeoDataFrame(
        {"code": ["1", "2"], "name": ["甲村", "乙村"]},
        geometry=[box(500_000, 2_800_000, 501_000, 2_801_000), box(0, 0, 1, 1)],
        crs="EPSG:4547",  # CGCS2000 / 3-degree Gauss-Kruger CM 114E
    )

    class Ws:
        pass

    ws = Ws()
    ws.villages = villages
    shape = mv.village_shape(ws, "1")
    assert shape.crs.to_epsg() == 4326 and len(shape) == 1
    w, s, e, n = shape.total_bounds
    assert 113.9 < w < e < 114.1 and 25.2 < s < n < 25.4
    assert mv.village_shape(ws, None) is None and mv.village_shape(ws, "9") is None


# ---------------------------------------------------------------- the style sheets


def test_the_presentation_style_sheet_hides_the_chrome_and_sizes_the_map():
    ordinary = mv.page_css(present=False, dark=False, strip=True)
    assert "stSidebar" not in ordinary and ".ta-fig" in ordinary
    present = mv.page_css(present=True, dark=False, strip=True)
    for hidden in ('[data-testid="stSidebar"]', '[data-testid="stHeader"]', "stToolbar"):
        assert hidden in present
    assert "--ta-strip:24px" in present and "--ta-strip:0px" in mv.page_css(True, False, False)
    assert ".st-key-meeting_stage iframe { height:calc(100vh - var(--ta-top)) !important" in (
        present
    )
    assert "#0f1318" in mv.page_css(True, True, False) and "#0f1318" not in present
    assert "clamp(" in present


def test_the_demo_strip_is_one_escaped_line():
    strip = mv.demo_strip_html("演示数据 <b>虚构</b>")
    assert strip.startswith('<div class="ta-demo-strip"') and "&lt;b&gt;" in strip


@pytest.mark.parametrize(
    ("query", "shown"),
    [({"present": "1"}, True), ({"present": "true"}, True), ({"present": "0"}, False), ({}, False)],
)
def test_the_address_opens_the_presentation_view(query, shown):
    assert mv.presenting(query) is shown


# ---------------------------------------------------------------- the page (AppTest)


def page_html(at: AppTest, css_class: str) -> list[str]:
    return [h.proto.body for h in at.html if h.proto.body.startswith(f'<div class="{css_class}')]


def map_script(at: AppTest) -> str:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)["script"]


def card_name(at: AppTest) -> str:
    (card,) = page_html(at, "ta-card")
    return re.search(r'<h3 class="ta-card-name">([^<]*)</h3>', card).group(1)


@pytest.mark.slow
def test_meeting_page_steps_through_the_villages_on_one_map(app, demo_ws):
    at = app.run()
    at.switch_page(MEETING).run()
    assert not at.exception
    (figures,) = page_html(at, "ta-figs-wrap")
    assert len(tiles(figures)) == 6 and ">8 / 8<" in figures
    assert card_name(at) == "全镇"
    assert any("演示数据" in w.value for w in at.warning)  # the ordinary page's banner
    assert at.button(key="meeting_present")  # the way into the presentation view
    township = map_script(at)
    names = list(demo_ws.villages["name"])
    at.button(key="meeting_next").click().run()
    assert card_name(at) == names[0]
    assert map_script(at) == township  # the same map: only its view moves
    at.button(key="meeting_prev").click().run()
    at.button(key="meeting_prev").click().run()
    assert card_name(at) == names[-2]  # wraps round
    at.button(key="meeting_overview").click().run()
    assert card_name(at) == "全镇" and not at.exception
    register = page_html(at, "ta-card")[0].replace("\u2060", "")  # joiners: invisible
    assert "建档立卡 966户 3,017人，其中已脱贫 958户 2,992人，未脱贫 8户 25人" in register


@pytest.mark.slow
def test_the_township_card_has_the_stations_against_the_targets(app, demo_ws):
    from township_atlas.analysis import key_figures, station_ops
    from township_atlas.geo.rules import default_rules

    at = app.run()
    at.switch_page(MEETING).run()
    assert not at.exception
    card = page_html(at, "ta-card")[0].replace("\u2060", "")  # joiners: invisible
    year = view.latest_year(demo_ws)
    assert f"电商网点运营({year}年)" in card
    rep = station_ops.report(demo_ws, default_rules(), year)
    t, g = rep.totals, rep.targets
    assert f">{t['operating_village_station']} / {g['village_stations']}个<" in card
    assert f"{t['sales_wan']:,g}万元" in card
    # within reach: the headline tile's own figure, not counted again
    (reach,) = [f for f in key_figures.key_figures(demo_ws, year) if f.key == "ecommerce_villages"]
    assert f">{int(reach.value)} / {reach.total}个<" in card
    (figures,) = page_html(at, "ta-figs-wrap")
    assert f">{int(reach.value)} / {reach.total}<" in figures
    # a village's card says nothing of the township's stations
    at.button(key="meeting_next").click().run()
    assert "电商网点运营" not in page_html(at, "ta-card")[0]


@pytest.mark.slow
def test_meeting_page_carries_the_choices_made_before(app):
    app.session_state["indicator"] = "incidence"
    app.session_state["layers"] = ["villages", "labels"]
    app.session_state["year"] = 2019
    at = app.run()
    at.switch_page(MEETING).run()
    assert not at.exception
    (styles,) = at.get("bidi_component")  # the year's styles, sent beside the map
    assert "贫困发生率(%) · 2019" in json.loads(styles.proto.json)["legend"]
    assert "古陂镇 · 2019" in page_html(at, "ta-card")[0]


@pytest.mark.slow
def test_the_presentation_view_folds_the_banner_and_leaves_on_exit(app):
    at = app.run()
    at.switch_page(MEETING)
    at.query_params["present"] = "1"
    at.run()
    assert not at.exception
    assert not any("演示数据" in w.value for w in at.warning)  # folded into one line
    (strip,) = page_html(at, "ta-demo-strip")
    assert "演示数据" in strip
    assert at.button(key="meeting_exit")
    with pytest.raises(KeyError):
        at.button(key="meeting_present")
    at.button(key="meeting_exit").click().run()
    assert "present" not in at.query_params
    assert any("演示数据" in w.value for w in at.warning)
    assert at.button(key="meeting_present")


@pytest.mark.slow
def test_the_brief_is_made_under_a_spinner_then_offered(app):
    at = app.run()
    at.switch_page(MEETING).run()
    keys = [d.key for d in at.get("download_button")]
    # the brief is not made before it is asked for; the demo's projects: the 资金公示 workbook
    assert keys == ["meeting_export_html", "meeting_funds_xlsx"]
    at.button(key="meeting_make_pdf").click().run()
    assert not at.exception
    keys = [d.key for d in at.get("download_button")]
    assert keys == ["meeting_brief", "meeting_export_html", "meeting_funds_xlsx"]
    with pytest.raises(KeyError):
        at.button(key="meeting_make_pdf")
