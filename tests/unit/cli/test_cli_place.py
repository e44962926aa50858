"""``--place``: every command narrowed to a county, township or village by code or name."""

from __future__ import annotations

import json

import pypdfium2 as pdfium
import pytest

from tests.support.workspaces import two_township_layers
from township_atlas.geo.workspace import write_workspace


def first_page(path) -> str:
    return pdfium.PdfDocument(path.read_bytes())[0].get_textpage().get_text_range()


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    return write_workspace(tmp_path_factory.mktemp("county") / "county.gpkg", two_township_layers())


def test_the_summary_of_a_county_has_a_row_per_township(run_cli, county):
    result = run_cli("summary", county, "--json", "--year", "2020")
    data = json.loads(result.out)
    assert data["place"] == {"level": "county", "code": "360722", "name": "信丰县"}
    assert [t["name"] for t in data["townships"]] == ["古陂镇", "大塘埠镇"]
    assert [t["villages"] for t in data["townships"]] == [2, 1]
    assert sum(t["poor_households"] for t in data["townships"]) == data["totals"]["poor_households"]
    text = run_cli("summary", county, "--year", "2020").out
    assert text.startswith("信丰县 (360722)")
    assert "大塘埠镇" in text


@pytest.mark.parametrize(
    ("place", "trail", "villages"),
    [
        ("大塘埠镇", ["信丰县", "大塘埠镇"], ["360722103201"]),
        ("360722102", ["信丰县", "古陂镇"], ["360722102201", "360722102202"]),
        ("李田村", ["信丰县", "古陂镇", "李田村"], ["360722102202"]),
    ],
)
def test_the_summary_of_a_place_counts_only_it(run_cli, county, place, trail, villages):
    data = json.loads(run_cli("summary", county, "--place", place, "--json").out)
    assert [p["name"] for p in data["trail"]] == trail
    assert [v["code"] for v in data["villages"]] == villages
    assert data["totals"]["villages"] == len(villages)
    assert "townships" not in data


def test_an_unknown_place_is_one_line_naming_the_townships(run_cli, county):
    result = run_cli("summary", county, "--place", "无此镇")
    assert result.code == 1 and result.out == ""
    assert result.err.count("\n") == 1
    assert "古陂镇（360722102）" in result.err and "大塘埠镇（360722103）" in result.err


def test_the_exit_check_of_a_township(run_cli, county):
    data = json.loads(run_cli("exit-check", county, "--place", "大塘埠镇", "--json").out)
    assert [v["code"] for v in data["villages"]] == ["360722103201"]


def test_the_brief_of_a_county_is_titled_with_the_county(run_cli, county, tmp_path):
    out = tmp_path / "county.pdf"
    assert run_cli("brief", county, "--out", out).code == 0
    text = first_page(out)
    assert "信丰县扶贫工作简报" in text
    one = tmp_path / "village.pdf"
    assert run_cli("brief", county, "--place", "下坝村", "--out", one).code == 0
    page = first_page(one)
    assert "下坝村" in page and "新屋村" not in page


def test_a_county_pack_has_a_page_per_township(run_cli, county, tmp_path):
    out = tmp_path / "pack.pdf"
    assert run_cli("brief", county, "--pack", "--out", out).code == 0
    doc = pdfium.PdfDocument(out.read_bytes())
    pages = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    assert len(pages) == 3
    assert "信丰县扶贫工作简报" in pages[0] and "各乡镇情况" in pages[0]
    assert "2个乡镇" in pages[0] and "大塘埠镇" in pages[0] and "全县合计" in pages[0]
    assert "古陂镇扶贫工作简报" in pages[1] and "各村情况" in pages[1]
    assert "大塘埠镇扶贫工作简报" in pages[2] and "下坝村" in pages[2]
