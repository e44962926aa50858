"""The brief's 电商网点运营 (issue 18): the township page's stations against the plan's targets,
only when they have reported. Counted by hand on ``station_workspace`` (its docstring)."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest

from tests.support.station_workspace import station_workspace
from township_atlas.geo.rules import parse_rules
from township_atlas.report.brief import build_brief
from township_atlas.report.content import brief_content


@pytest.fixture(scope="module")
def ws():
    return station_workspace()


def stations_of(ws, year: int, **kw):
    (page,) = brief_content(ws, year, **kw).pages  # no projects: no money page
    villages, *rest = page.blocks
    assert villages.title.startswith("各村情况")  # the page's own table first
    return rest[0] if rest else None


def test_the_stations_of_2021_against_the_targets(ws):
    block = stations_of(ws, 2021)
    assert block.title == "电商网点运营（2021年，实际与规划目标）"
    assert block.headers == ("指标", "2021年", "目标", "说明")
    assert block.rows == (
        ("乡镇电商服务中心（运营）", "1个", "1个", ""),
        ("村级电商服务站（运营）", "1个", "2个", "关闭1个"),  # S2 closed; ⌈0.9 × 2⌉
        ("本村有服务站的行政村（运营）", "1 / 2个（50%）", "≥90%", ""),
        # the key figure: T (5 km) and S1 (3 km) stand 6 and 4 km from 李田村's edge
        ("服务半径内有网点的行政村", "1 / 2个", "—", "3/5公里内有网点"),
        # totals less last year's: 72.5 − 68 (S2 closed: its 8 万元 are gone)
        ("农产品网销额", "72.5万元", "—", "较上年增加 4.5万元"),
        ("服务贫困户", "30户", "—", "与上年持平"),  # 30 − (20 + 6 + 4)
        ("电商培训", "80人次", "90人次", ""),  # 45 × 2 working
        ("带动贫困户户均增收", "1,208元", "1,000元", "带动网销 13户"),
    )
    assert block.tone_column == 1
    assert block.tones == ("good", "bad", "bad", "", "", "", "bad", "good")
    assert block.movable


def test_the_first_year_reported_has_no_change(ws):
    block = stations_of(ws, 2020)
    rows = {r[0]: r[1:] for r in block.rows}
    assert rows["村级电商服务站（运营）"] == ("2个", "2个", "")
    assert rows["本村有服务站的行政村（运营）"] == ("2 / 2个（100%）", "≥90%", "")
    assert rows["服务半径内有网点的行政村"][0] == "2 / 2个"  # S2 still covers 李田村
    assert rows["农产品网销额"] == ("68万元", "—", "")  # no row of 2019: nothing to compare
    assert rows["电商培训"] == ("75人次", "135人次", "")  # 45 × 3 working
    assert rows["带动贫困户户均增收"] == ("1,092元", "1,000元", "带动网销 13户")


def test_nothing_is_said_before_a_station_reported_or_without_reports(ws):
    assert stations_of(ws, 2019) is None
    assert stations_of(station_workspace(with_operations=False), 2021) is None


def test_a_county_sets_its_own_targets(ws):
    rules = parse_rules("[stations]\nvillage_share = 0.5\ntrainees_per_station = 40\n")
    rows = {r[0]: r for r in stations_of(ws, 2021, rules=rules).rows}
    assert rows["村级电商服务站（运营）"][2] == "1个"  # ⌈0.5 × 2⌉
    assert rows["本村有服务站的行政村（运营）"][2] == "≥50%"
    assert rows["电商培训"][1:3] == ("80人次", "80人次")  # 40 × 2 working
    # the key figure's tile holds the same target
    (page,) = brief_content(ws, 2021, rules=rules).pages
    own = next(t for t in page.tiles if t.label == "有电商服务站的行政村")
    assert (own.value, own.note, own.tone) == ("1 / 2个", "50%，目标 ≥50%", "good")


def test_the_printed_page_has_them_under_the_villages():
    data = build_brief(station_workspace(), 2021)
    doc = pdfium.PdfDocument(data)
    assert len(doc) == 1  # two villages: everything fits the township's page
    text = re.sub(r"\s+", "", doc[0].get_textpage().get_text_range())
    assert text.index("各村情况") < text.index("电商网点运营（2021年，实际与规划目标）")
    assert "村级电商服务站（运营）1个2个关闭1个" in text
    assert "农产品网销额72.5万元—较上年增加4.5万元" in text
