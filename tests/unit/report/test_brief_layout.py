"""The brief's layout (issue 15): Chinese line breaks, tables running on to a next page with
their headings repeated, long cells wrapped rather than cut. Tiny hand-made briefs."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

import geopandas as gpd
import pypdfium2 as pdfium
import pytest
from shapely.geometry import Point, box

from township_atlas.report import pdf as brief_pdf
from township_atlas.report import pdf_column
from township_atlas.report.fonts import cjk_font
from township_atlas.report.pdf_canvas import (
    BODY_BOTTOM,
    MARGIN,
    NO_LINE_START,
    PAGE_H,
    PAGE_W,
    Canvas,
)
from township_atlas.report.static_map import MapLayers

MM = 72 / 25.4


@pytest.fixture(scope="module")
def canvas() -> Canvas:
    out = Canvas("A4", cjk_font(), title="t", author="a")
    out.begin(None)  # fpdf2 measures lines on a page
    return out


def tiny_brief(table: brief_pdf.Table, lines: tuple[str, ...] = ()) -> brief_pdf.Brief:
    villages = gpd.GeoDataFrame(
        {"fill": ["#fdd49e", "#f2f2f2"]},
        geometry=[box(115.08, 25.32, 115.10, 25.34), box(115.10, 25.32, 115.12, 25.34)],
        crs="EPSG:4326",
    )
    labels = gpd.GeoDataFrame(
        {"text": ["甲村", "乙村"]},
        geometry=[Point(115.09, 25.33), Point(115.11, 25.33)],
        crs="EPSG:4326",
    )
    panel = brief_pdf.MapPanel(MapLayers(villages), labels, "图例", ())
    blocks = (table, brief_pdf.TextBlock("说明", lines)) if lines else (table,)
    page = brief_pdf.Page("测试镇简报（2025年）", "测试", panel, (), blocks=blocks)
    return brief_pdf.Brief("测试镇简报", (page,), "测试数据", "2025-06-30")


def texts_and_lowest(data: bytes) -> list[tuple[str, float]]:
    """Each page's text (no whitespace) and the lowest point (mm from the top) of any
    character above the footer's rule."""
    doc = pdfium.PdfDocument(data)
    out = []
    for page in doc:
        tp = page.get_textpage()
        text = tp.get_text_range()
        lowest = 0.0
        for i in range(tp.count_chars()):
            _, bottom, _, _ = tp.get_charbox(i)
            y = PAGE_H - bottom / MM
            if y < PAGE_H - 14:  # above the footer
                lowest = max(lowest, y)
        out.append((re.sub(r"\s+", "", text), lowest))
    return out


def test_lines_break_where_chinese_allows(canvas):
    text = (
        "建档立卡 966户 3,017人，其中已脱贫 958户 2,992人，未脱贫 8户 25人（累计返贫 8户 25人）。"
    )
    for width in (30, 36, 40, 41, 50, 60):
        lines = canvas.lines(text, width, 9)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        for line in lines:
            assert canvas.width(line, 9) <= width
        for line in lines[1:]:
            assert line[0] not in NO_LINE_START
        for a, b in itertools.pairwise(lines):
            assert not (a[-1].isdigit() and b[0] in "0123456789,")  # no number split


def test_a_long_table_runs_on_with_its_headings_repeated():
    rows = (*((f"村{i:02d}", f"{i}", "非贫困村") for i in range(90)), ("合计", "90", ""))
    table = brief_pdf.Table(
        "各村情况", ("村名", "未脱贫人", "出列情况"), rows, "LRL", total_row=True
    )
    pages = texts_and_lowest(brief_pdf.render(tiny_brief(table)))
    assert len(pages) >= 2
    for i, (text, lowest) in enumerate(pages):
        assert lowest <= BODY_BOTTOM + 0.5  # nothing runs into the footer
        assert f"第{i + 1}/{len(pages)}页" in text
        assert "村名未脱贫人出列情况" in text  # the headings on every page
    assert all("（续）" in t for t, _ in pages[1:])
    everything = "".join(t for t, _ in pages)
    assert all(f"村{i:02d}" in everything for i in range(90))
    assert "合计90" in pages[-1][0]


def test_a_long_cell_wraps_and_a_long_text_runs_on():
    wide = "贫困村·未出列（计划2017年），并且有一段很长的说明文字要写完整"
    table = brief_pdf.Table("表", ("村名", "出列情况"), (("甲村", wide),), widths=(1, 1))
    lines = tuple(f"第{i}行：基础设施和公共服务指标达标，贫困发生率低于2%。" for i in range(80))
    pages = texts_and_lowest(brief_pdf.render(tiny_brief(table, lines)))
    assert wide.replace(" ", "") in pages[0][0]  # whole, not cut with …
    assert "…" not in pages[0][0]
    assert len(pages) >= 2
    assert all(lowest <= BODY_BOTTOM + 0.5 for _, lowest in pages)
    everything = "".join(t for t, _ in pages)
    assert all(f"第{i}行" in everything for i in range(80))


def test_a_county_table_of_300_villages_runs_on_within_its_pages():
    rows = tuple((f"第{i // 20 + 1}镇村{i:03d}", f"{i % 37}", "贫困村·已出列") for i in range(300))
    table = brief_pdf.Table(
        "各村情况", ("村名", "未脱贫人", "出列情况"), (*rows, ("合计", "5,406", "")), "LRL"
    )
    data = brief_pdf.render(tiny_brief(table))
    pages = texts_and_lowest(data)
    assert len(pages) >= 7
    for text, lowest in pages:
        assert lowest <= BODY_BOTTOM + 0.5  # nothing runs into the footer
        assert "村名未脱贫人出列情况" in text  # the headings on every page
    # every village once, in order, across the pages
    assert [int(n) for n in re.findall(r"村(\d{3})", "".join(t for t, _ in pages))] == list(
        range(300)
    )
    for page in pdfium.PdfDocument(data):  # and nothing past the right margin
        tp = page.get_textpage()
        right = max(tp.get_charbox(i)[2] for i in range(tp.count_chars())) / MM
        assert right <= PAGE_W - MARGIN + 0.5


@pytest.mark.parametrize("n", [1, 11, 12, 40, 300])
def test_a_tables_least_height_is_never_more_than_its_height(canvas, n):
    # the column skips a row height when even the least height is too tall: it must never
    # skip one at which the table fits
    wide = "贫困村·未出列（计划2017年），并且有一段很长的说明文字要写完整"
    rows = tuple((f"村{i}", str(i), wide if i % 3 == 0 else "非贫困村") for i in range(n))
    table = brief_pdf.Table("各村情况", ("村名", "未脱贫人", "出列情况"), rows, "LRL")
    blocks = [table, pdf_column._Split(table), brief_pdf.TextBlock("说明", (wide,) * 3)]
    for block, row_h in itertools.product(blocks, pdf_column.ROW_HEIGHTS):
        least = pdf_column.least_height(canvas, block, 120.0, row_h)
        assert least <= pdf_column.block_height(canvas, block, 120.0, row_h) + 1e-9


def _text_then_summary(movable: bool) -> brief_pdf.Brief:
    """A page whose 34 lines of text fill most of it, then an eight-row summary table: both
    need 6 + 34 × 4 + 3 + 6 + 9 × 3.4 > 165 mm, the text alone fits."""
    lines = tuple(f"第{i}行：各村情况说明。" for i in range(34))
    rows = tuple((f"指标{i}", f"{i}个", "1个") for i in range(8))
    summary = brief_pdf.Table("电商网点运营", ("指标", "实际", "目标"), rows, movable=movable)
    page = tiny_brief(summary).pages[0]
    page = replace(page, blocks=(brief_pdf.TextBlock("说明", lines), summary))
    return replace(tiny_brief(summary), pages=(page,))


def test_a_movable_summary_goes_whole_to_a_next_page_rather_than_cut_the_page():
    pages = texts_and_lowest(brief_pdf.render(_text_then_summary(movable=True)))
    assert len(pages) == 2
    first, second = pages[0][0], pages[1][0]
    assert "第33行" in first and "电商网点运营" not in first
    assert "（续）" in second and "电商网点运营指标实际目标" in second
    assert all(f"指标{i}{i}个" in second for i in range(8))
    assert all(lowest <= BODY_BOTTOM + 0.5 for _, lowest in pages)
    # a table that is not movable starts under the text and runs on
    (first, _), *_ = texts_and_lowest(brief_pdf.render(_text_then_summary(movable=False)))
    assert "电商网点运营" in first
