"""Printable briefs: one landscape page per township or village, written as PDF with fpdf2.

A page has a map on the left (a matplotlib picture from :mod:`township_atlas.report.static_map`,
with names, legend, scale bar, north arrow and the 示意图 mark set on the page as text and
vector drawing: :mod:`~township_atlas.report.pdf_map`), and on the right the key figures, a
bar chart and tables or notes (:mod:`~township_atlas.report.pdf_column`, tables by fpdf2's
``FPDF.table()``); header and footer are :mod:`~township_atlas.report.pdf_furniture`'s. The
content comes in as plain data (:class:`Brief` and its parts, in
:mod:`~township_atlas.report.pdf_model`: strings, numbers and GeoDataFrames;
:mod:`township_atlas.report.content` assembles it), so this module computes nothing about
poverty.

A page's content fits its page: rows get lower, the chart smaller, a long table is set in
two halves; a table or text longer than that runs on to a next page, under the same header
(marked 续) and with the table's headings repeated.

Chinese is set in a CJK font found on this machine (:mod:`township_atlas.report.fonts`); the PDF
embeds the subset of it that the pages use, so it shows the same on any computer. A3 is the
A4 page enlarged (text, lines and symbols scale with it), for the wall.
"""

from __future__ import annotations

from . import pdf_furniture
from .fonts import CJKFont, cjk_font
from .pdf_canvas import BODY_BOTTOM, BODY_TOP, GUTTER, MAP_W, MARGIN, PAGE_H, PAGE_W, Box, Canvas
from .pdf_column import column, lead
from .pdf_map import map_panel
from .pdf_model import (
    ACCENT,
    BADGE,
    BAR,
    FAINT,
    HEADER_FILL,
    INK,
    MAP_DPI,
    MUTED,
    PAPERS,
    TILE,
    TONES,
    BarChart,
    Brief,
    LegendEntry,
    MapPanel,
    Page,
    Table,
    TextBlock,
    Tile,
)

__all__ = [
    "ACCENT",
    "BADGE",
    "BAR",
    "FAINT",
    "HEADER_FILL",
    "INK",
    "MAP_DPI",
    "MUTED",
    "PAPERS",
    "TILE",
    "TONES",
    "BarChart",
    "Brief",
    "LegendEntry",
    "MapPanel",
    "Page",
    "Table",
    "TextBlock",
    "Tile",
    "cjk_font",
    "png_pages",
    "render",
    "render_map_page",
]


def render(brief: Brief, paper: str = "A4", font: CJKFont | None = None) -> bytes:
    """The brief as PDF bytes on landscape ``paper`` (A4 or A3)."""
    paper = _paper(paper)
    if not brief.pages:
        raise ValueError("the brief has no pages")
    canvas = _canvas(brief, paper, font or cjk_font())
    for page in brief.pages:
        _page(canvas, brief, page)
    return canvas.output()


def render_map_page(
    brief: Brief, page: int = 0, paper: str = "A4", font: CJKFont | None = None
) -> bytes:
    """Only the map of one of ``brief``'s pages, filling a landscape page: its title, the map
    with legend, north arrow, scale bar and 示意图 stamp, and the footer's source line. The
    picture export of the map (see :func:`png_pages`)."""
    paper = _paper(paper)
    chosen = brief.pages[page]
    canvas = _canvas(brief, paper, font or cjk_font())
    canvas.begin(None)
    top = pdf_furniture.map_page_header(canvas, brief, chosen)
    map_panel(canvas, chosen.map, Box(MARGIN, top, PAGE_W - 2 * MARGIN, PAGE_H - top - 14))
    return canvas.output()


def png_pages(pdf: bytes, dpi: int = 150) -> list[bytes]:
    """Each page of ``pdf`` as PNG bytes (rendered by PDFium, no system packages needed)."""
    import io

    import pypdfium2 as pdfium

    out = []
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            image = page.render(scale=dpi / 72).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG", optimize=True)
            out.append(buffer.getvalue())
    finally:
        document.close()
    return out


def _paper(paper: str) -> str:
    """``paper`` in capitals; ``ValueError`` unless A4 or A3."""
    paper = str(paper).upper()
    if paper not in PAPERS:
        raise ValueError(f"paper {paper!r}: use A4 or A3")
    return paper


def _canvas(brief: Brief, paper: str, font: CJKFont) -> Canvas:
    """An empty PDF for ``brief``: its metadata, and its footer on every page."""
    canvas = Canvas(
        paper,
        font,
        title=brief.title,
        author=brief.author,
        keywords=tuple(brief.keywords),
        pages=len(brief.pages),
    )
    canvas.pdf.on_end = lambda: pdf_furniture.footer(canvas, brief)
    return canvas


def _page(canvas: Canvas, brief: Brief, page: Page) -> None:
    """One page of the brief: header, the register's band, the map at the left and the
    column at the right (running on to further pages when it must)."""
    canvas.begin(lambda continued: pdf_furniture.header(canvas, brief, page, continued))
    top = BODY_TOP
    if page.lead:
        top = lead(canvas, page.lead, Box(MARGIN, BODY_TOP - 1.0, PAGE_W - 2 * MARGIN, 0)) + 2.0
    map_panel(canvas, page.map, Box(MARGIN, top, MAP_W, BODY_BOTTOM - top))
    right = MARGIN + MAP_W + GUTTER
    column(canvas, page, Box(right, top, PAGE_W - MARGIN - right, BODY_BOTTOM - top))
