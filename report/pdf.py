"""Printable briefs: one landscape page per township or village, written as PDF with fpdf2.

A page has a map on the left (a matplotlib picture from :mod:`township_atlas.report.static_map`,
with names, legend, scale bar, north arrow and the 示意图 mark set on the page as text and
vector drawing), and on the right the key figures, a bar chart and tables or notes. The
content comes in as plain data (:class:`Brief` and its parts: strings, numbers and
GeoDataFrames; :mod:`township_atlas.report.content` assembles it), so this module computes
nothing about poverty.

Chinese is set in a CJK font found on this machine (:mod:`township_atlas.report.fonts`); the PDF
embeds the subset of it that the pages use, so it shows the same on any computer. A3 is the
A4 page enlarged (text, lines and symbols scale with it), for the wall.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import geopandas as gpd

from .fonts import CJKFont, cjk_font
from .static_map import MapLayers, RenderedMap, render_map

#: Landscape page sizes in mm.
PAPERS = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
#: Resolution of the map picture at A4 (A3 pages get the same pixels per mm).
MAP_DPI = 200

# colours (hex)
INK = "#1f1f1f"
MUTED = "#666666"
FAINT = "#bdbdbd"
ACCENT = "#b30000"
TILE = "#f4f4f2"
HEADER_FILL = "#ececea"
BAR = "#f2a384"
TONES = {"good": "#2e7d32", "bad": "#b30000", "warn": "#d95f0e", "": MUTED, "neutral": MUTED}
#: The red of a village's gap badge (the dashboard's).
BADGE = "#d7301f"


# ----------------------------------------------------------------------------- content
@dataclass(frozen=True)
class Tile:
    """A key figure: label, value (with its unit) and a note under it, coloured by ``tone``
    (good, bad, warn or neutral)."""

    label: str
    value: str
    note: str = ""
    tone: str = "neutral"


@dataclass(frozen=True)
class LegendEntry:
    """One legend line: ``kind`` is area, line, dashed, outline, a point marker (circle,
    square, plus, triangle, diamond) or ring (a hollow circle); ``width`` is a line's width
    in pt; ``text`` is set in white over a marker (安, or n on a gap badge); ``layer`` names
    the dashboard layer the entry belongs to ("" for the map's base), so an export that
    leaves a layer out drops its legend line too."""

    label: str
    colour: str
    kind: str = "area"
    width: float = 1.0
    text: str = ""
    layer: str = ""


@dataclass(frozen=True)
class MapPanel:
    """The map of a page. ``labels``: polygons (named inside their visible part) or points
    with ``text``, ``note`` (a second, smaller line, may be empty), ``muted`` (a
    neighbour's name, set smaller and grey) and optional ``badge`` (a short count set in a
    red badge after the name, as the dashboard marks a village's infrastructure gaps; alone
    when ``text`` is empty); labels are placed in their list order, so the most important
    come first."""

    layers: MapLayers
    labels: gpd.GeoDataFrame
    legend_title: str
    legend: tuple[LegendEntry, ...]
    illustrative: bool = False
    illustrative_note: str = "边界为示意，不作为权属依据"


@dataclass(frozen=True)
class BarChart:
    """Bars with their value written over them; ``highlight`` is the index set in the
    accent colour (the brief's year)."""

    title: str
    categories: tuple[str, ...]
    values: tuple[float, ...]
    value_texts: tuple[str, ...]
    highlight: int | None = None


@dataclass(frozen=True)
class Table:
    """A table: ``align`` has one letter per column (L, R or C); ``widths`` are relative
    column widths (default equal); the cells of ``tone_column`` take the colour of the row's
    ``tones`` entry; ``total_row`` sets the last row in bold."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    align: str = ""
    widths: tuple[float, ...] = ()
    tone_column: int | None = None
    tones: tuple[str, ...] = ()
    total_row: bool = False


@dataclass(frozen=True)
class TextBlock:
    """A heading and lines of text (each wrapped to the column); a line's tone colours it."""

    title: str
    lines: tuple[str, ...]
    tones: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page:
    """One page: title and subtitle, the map, the key figures, a chart and the blocks
    (tables and text) that follow it in the right-hand column."""

    title: str
    subtitle: str
    map: MapPanel
    tiles: tuple[Tile, ...]
    chart: BarChart | None = None
    blocks: tuple[Table | TextBlock, ...] = ()
    corner: tuple[str, ...] = ()  # short lines at the top right (year, data date)
    #: what the page opens with, above the key figures (the register: 建档立卡 N 户 M 人, …)
    lead: tuple[str, ...] = ()


@dataclass(frozen=True)
class Brief:
    """A whole brief: its pages, and the facts every page's footer repeats."""

    title: str
    pages: tuple[Page, ...]
    source: str
    data_date: str
    author: str = "乡镇扶贫一张图 Township Atlas"
    keywords: tuple[str, ...] = field(default_factory=tuple)
    #: a warning every page carries in a red band under its header (demo data: invented
    #: figures must not be presented as real); "" for none
    notice: str = ""


# ----------------------------------------------------------------------------- rendering
def render(brief: Brief, paper: str = "A4", font: CJKFont | None = None) -> bytes:
    """The brief as PDF bytes on landscape ``paper`` (A4 or A3)."""
    paper = str(paper).upper()
    if paper not in PAPERS:
        raise ValueError(f"paper {paper!r}: use A4 or A3")
    if not brief.pages:
        raise ValueError("the brief has no pages")
    return _Writer(brief, paper, font or cjk_font()).write()


def render_map_page(
    brief: Brief, page: int = 0, paper: str = "A4", font: CJKFont | None = None
) -> bytes:
    """Only the map of one of ``brief``'s pages, filling a landscape page: its title, the map
    with legend, north arrow, scale bar and 示意图 stamp, and the footer's source line. The
    picture export of the map (see :func:`png_pages`)."""
    paper = str(paper).upper()
    if paper not in PAPERS:
        raise ValueError(f"paper {paper!r}: use A4 or A3")
    chosen = brief.pages[page]
    single = Brief(
        brief.title, (chosen,), brief.source, brief.data_date, brief.author, notice=brief.notice
    )
    writer = _Writer(single, paper, font or cjk_font())
    writer.pdf.add_page()
    writer.text(MARGIN, MARGIN, chosen.title, 15, bold=True)
    top = MARGIN + 9
    if brief.notice:
        writer.notice(_Box(MARGIN, top - 1.0, PAGE_W - 2 * MARGIN, NOTICE_H))
        top += NOTICE_H + 1.0
    writer.map_panel(chosen.map, _Box(MARGIN, top, PAGE_W - 2 * MARGIN, PAGE_H - top - 14))
    writer.footer(1, 1)
    return bytes(writer.pdf.output())


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


def _rgb(colour: str) -> tuple[int, int, int]:
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def _luminance(colour: str) -> float:
    r, g, b = _rgb(colour)
    return (0.299 * r + 0.587 * g + 0.114 * b) / 255


@dataclass
class _Box:
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: _Box, gap: float = 0.0) -> bool:
        return not (
            self.x + self.w + gap <= other.x
            or other.x + other.w + gap <= self.x
            or self.y + self.h + gap <= other.y
            or other.y + other.h + gap <= self.y
        )

    def inside(self, other: _Box) -> bool:
        return (
            self.x >= other.x
            and self.y >= other.y
            and self.x + self.w <= other.x + other.w
            and self.y + self.h <= other.y + other.h
        )


#: Layout of the A4 page (mm); A3 uses the same numbers in units 1.414 times larger.
PAGE_W, PAGE_H = PAPERS["A4"]
MARGIN = 10.0
MAP_W = 152.0
GUTTER = 6.0
BODY_TOP = 29.0
NOTICE_H = 6.0  # the red band of a brief's notice (demo data), under the header
BODY_BOTTOM = PAGE_H - MARGIN - 6.0
PT = 25.4 / 72  # mm per point


class _Writer:
    def __init__(self, brief: Brief, paper: str, font: CJKFont):
        from fpdf import FPDF

        self.brief = brief
        self.s = PAPERS[paper][0] / PAGE_W  # 1 for A4, √2 for A3
        # One user unit is s mm, so the A4 layout in mm fills the larger page.
        pdf = FPDF(orientation="L", unit=72 / 25.4 * self.s, format=(PAGE_H, PAGE_W))
        pdf.set_auto_page_break(False)
        pdf.set_margins(0, 0, 0)
        pdf.c_margin = 0
        pdf.add_font("cjk", "", str(font.regular.path), collection_font_number=font.regular.index)
        self.has_bold = font.bold is not None
        if font.bold is not None:
            pdf.add_font("cjk", "B", str(font.bold.path), collection_font_number=font.bold.index)
        for face in pdf.fonts.values():
            # The embedded subset keeps the whole font's bounding box (still a valid box) rather
            # than fontTools measuring every glyph again when it writes the subset (~1 s).
            ttfont = getattr(face, "ttfont", None)
            if ttfont is not None:
                ttfont.recalcBBoxes = False
        pdf.set_title(brief.title)
        pdf.set_author(brief.author)
        pdf.set_creator(brief.author)
        pdf.set_subject(brief.title)
        if brief.keywords:
            pdf.set_keywords(" ".join(brief.keywords))
        pdf.set_lang("zh-CN")
        self.pdf = pdf

    # ------------------------------------------------------------------ text helpers
    def font(self, size: float, bold: bool = False) -> None:
        """``size`` in pt at A4 (scaled for A3)."""
        self.pdf.set_font("cjk", "B" if bold and self.has_bold else "", size * self.s)

    def width(self, text: str, size: float, bold: bool = False) -> float:
        self.font(size, bold)
        return self.pdf.get_string_width(text)

    def text(
        self,
        x: float,
        top: float,
        text: str,
        size: float,
        *,
        bold: bool = False,
        colour: str = INK,
        align: str = "L",
        width: float = 0.0,
        halo: str | None = None,
    ) -> None:
        """``text`` with its em box's top at ``top``; ``align`` within ``width`` from ``x``."""
        if not text:
            return
        self.font(size, bold)
        w = self.pdf.get_string_width(text)
        if align == "R":
            x = x + width - w
        elif align == "C":
            x = x + (width - w) / 2
        baseline = top + 0.88 * size * PT
        if halo:
            with self.pdf.local_context(
                text_mode="STROKE",
                draw_color=_rgb(halo),
                line_width=size * PT * 0.5,
                stroke_join_style="ROUND",
            ):
                self.pdf.text(x, baseline, text)
        self.pdf.set_text_color(*_rgb(colour))
        self.pdf.text(x, baseline, text)

    def fitted(self, text: str, width: float, size: float, bold: bool = False) -> tuple[str, float]:
        """``text`` and a size at which it fits ``width`` (down to 70 %, then cut with …)."""
        w = self.width(text, size, bold)
        if w <= width or not text:
            return text, size
        smaller = max(size * 0.7, size * width / w * 0.995)  # a hair under: float rounding
        if self.width(text, smaller, bold) <= width:
            return text, smaller
        while text and self.width(text + "…", smaller, bold) > width:
            text = text[:-1]
        return text + "…", smaller

    def wrap(self, text: str, width: float, size: float, bold: bool = False) -> list[str]:
        """Lines of ``text`` no wider than ``width``, broken between any two characters but
        never before closing punctuation."""
        lines, line = [], ""
        for ch in text:
            if (
                line
                and self.width(line + ch, size, bold) > width
                and ch not in "，。；、：）)%,.;:"
            ):
                lines.append(line)
                line = ch.lstrip()
            else:
                line += ch
        if line:
            lines.append(line)
        return lines or [""]

    def fill(self, colour: str) -> None:
        self.pdf.set_fill_color(*_rgb(colour))

    def draw(self, colour: str, width: float = 0.2) -> None:
        self.pdf.set_draw_color(*_rgb(colour))
        self.pdf.set_line_width(width)

    # ------------------------------------------------------------------ pages
    def write(self) -> bytes:
        total = len(self.brief.pages)
        for number, page in enumerate(self.brief.pages, start=1):
            self.pdf.add_page()
            self.header(page)
            top = BODY_TOP
            if page.lead:
                top = self.lead(page.lead, _Box(MARGIN, BODY_TOP - 1.0, PAGE_W - 2 * MARGIN, 0))
                top += 2.0
            self.map_panel(page.map, _Box(MARGIN, top, MAP_W, BODY_BOTTOM - top))
            right = MARGIN + MAP_W + GUTTER
            self.column(page, _Box(right, top, PAGE_W - MARGIN - right, BODY_BOTTOM - top))
            self.footer(number, total)
        return bytes(self.pdf.output())

    def notice(self, box: _Box, size: float = 8.5) -> None:
        """The brief's notice (demo data) in a red box: one line, or two when ``box`` is
        tall enough and the line too long."""
        self.fill("#fdecea")
        self.draw(ACCENT, 0.35)
        self.pdf.rect(box.x, box.y, box.w, box.h, style="DF")
        lines = [self.brief.notice]
        if box.h >= 2 * size * PT + 3 and self.width(lines[0], size, True) > box.w - 4:
            lines = self.wrap(lines[0], box.w - 4, size, True)[:2]
        step = size * PT + 1.2
        top = box.y + (box.h - step * len(lines) + 1.2) / 2
        for i, line in enumerate(lines):
            text, fit = self.fitted(line, box.w - 4, size, bold=True)
            self.text(
                box.x, top + i * step, text, fit, bold=True, colour=ACCENT, align="C", width=box.w
            )

    def header(self, page: Page) -> None:
        self.fill(ACCENT)
        self.pdf.rect(MARGIN, MARGIN + 0.5, 1.6, 13.5, style="F")
        self.text(MARGIN + 4.5, MARGIN, page.title, 17, bold=True)
        self.text(MARGIN + 4.5, MARGIN + 8.6, page.subtitle, 8.5, colour=MUTED)
        if self.brief.notice:
            left = (
                MARGIN + 4.5 + max(self.width(page.title, 17, True), self.width(page.subtitle, 8.5))
            )
            corner = max((self.width(c, 9.5, True) for c in page.corner), default=0.0)
            x0, x1 = left + 6.0, PAGE_W - MARGIN - corner - 6.0
            self.notice(_Box(x0, MARGIN + 0.5, max(x1 - x0, 40.0), 13.0))
        for i, line in enumerate(page.corner):
            size = 9.5 if i == 0 else 7.5
            top = MARGIN + (0.6 if i == 0 else 6.2 + 3.8 * (i - 1))
            self.text(
                MARGIN,
                top,
                line,
                size,
                bold=i == 0,
                colour=INK if i == 0 else MUTED,
                align="R",
                width=PAGE_W - 2 * MARGIN,
            )
        self.draw(FAINT, 0.25)
        self.pdf.line(MARGIN, MARGIN + 16, PAGE_W - MARGIN, MARGIN + 16)

    def footer(self, number: int, total: int) -> None:
        top = PAGE_H - MARGIN - 2.5
        self.draw(FAINT, 0.2)
        self.pdf.line(MARGIN, top - 1.5, PAGE_W - MARGIN, top - 1.5)
        left = f"资料来源：{self.brief.source}　　数据日期：{self.brief.data_date}"
        self.text(MARGIN, top, left, 7, colour=MUTED)
        self.text(
            MARGIN,
            top,
            f"{self.brief.author}　　第 {number} / {total} 页",
            7,
            colour=MUTED,
            align="R",
            width=PAGE_W - 2 * MARGIN,
        )

    # ------------------------------------------------------------------ map
    def legend_rows(self, panel: MapPanel, width: float) -> list[list[tuple[LegendEntry, float]]]:
        """Legend entries flowed into rows (each with its width) after the title."""
        rows: list[list[tuple[LegendEntry, float]]] = [[]]
        used = self.width(panel.legend_title, 7.5, True) + 4
        for entry in panel.legend:
            w = 6.5 + self.width(entry.label, 7) + 4
            if used + w > width and rows[-1]:
                rows.append([])
                used = 0.0
            rows[-1].append((entry, w))
            used += w
        return rows

    def map_panel(self, panel: MapPanel, box: _Box) -> None:
        pad = 2.5
        rows = self.legend_rows(panel, box.w - 2 * pad)
        legend_h = 2.5 + 4.6 * len(rows) + 1.5
        image = _Box(box.x, box.y, box.w, box.h - legend_h)
        rendered = render_map(
            panel.layers, image.w * self.s, image.h * self.s, dpi=MAP_DPI, scale=self.s
        )
        self.pdf.image(rendered.image, x=image.x, y=image.y, w=image.w, h=image.h)
        self.draw("#9e9e9e", 0.3)
        self.pdf.rect(box.x, box.y, box.w, box.h)
        self.pdf.line(box.x, image.y + image.h, box.x + box.w, image.y + image.h)
        self.legend(panel, rows, _Box(box.x + pad, image.y + image.h + 2.2, box.w - 2 * pad, 0))

        obstacles = []
        points = panel.layers.points
        if points is not None and len(points):  # names keep clear of the symbols
            obstacles += self.point_texts(points, rendered, image)
        if panel.illustrative:
            obstacles.append(self.stamp(image, panel.illustrative_note))
        obstacles.append(self.north_arrow(image))
        obstacles.append(self.scale_bar(image, rendered))
        self.labels(panel.labels, rendered, image, obstacles)

    def point_texts(self, points: gpd.GeoDataFrame, rendered: RenderedMap, image: _Box):
        """Set each point's ``text`` (安) in white over its symbol; returns the boxes the
        symbols take (for the names to keep clear of)."""
        sizes = points["size"] if "size" in points else [5.0] * len(points)
        texts = points["text"] if "text" in points else [""] * len(points)
        boxes = []
        for (fx, fy), size, text in zip(
            rendered.fractions(points.geometry), sizes, texts, strict=True
        ):
            if not (0 <= fx <= 1 and 0 <= fy <= 1):
                continue
            px, py = image.x + fx * image.w, image.y + fy * image.h
            half = max(1.4, float(size) * PT / 2 + 0.3)
            boxes.append(_Box(px - half, py - half, 2 * half, 2 * half))
            if isinstance(text, str) and text:
                glyph = float(size) * 0.62  # pt: inside the symbol with a rim to spare
                self.text(
                    px - half,
                    py - glyph * PT * 0.5,
                    text,
                    glyph,
                    bold=True,
                    colour="#ffffff",
                    align="C",
                    width=2 * half,
                )
        return boxes

    def legend(self, panel: MapPanel, rows, box: _Box) -> None:
        y = box.y
        self.text(box.x, y, panel.legend_title, 7.5, bold=True)
        x = box.x + self.width(panel.legend_title, 7.5, True) + 4
        for row in rows:
            for entry, w in row:
                self.swatch(entry, x, y + 0.2, 5.0, 2.9)
                self.text(x + 6.5, y, entry.label, 7)
                x += w
            y += 4.6
            x = box.x

    def swatch(self, entry: LegendEntry, x: float, y: float, w: float, h: float) -> None:
        pdf = self.pdf
        cy = y + h / 2
        if entry.kind == "area":
            self.fill(entry.colour)
            self.draw("#6e6e6e", 0.15)
            pdf.rect(x, y, w, h, style="DF")
        elif entry.kind == "outline":
            self.draw(entry.colour, entry.width * PT)
            pdf.rect(x + 0.3, y + 0.3, w - 0.6, h - 0.6)
        elif entry.kind in ("line", "dashed"):
            self.draw(entry.colour, entry.width * PT)
            if entry.kind == "dashed":
                pdf.set_dash_pattern(dash=1.1, gap=0.8)
            pdf.line(x, cy, x + w, cy)
            pdf.set_dash_pattern()
        else:
            r = 1.6 if entry.text else 1.35
            self.marker(entry.kind, entry.colour, x + w / 2, cy, r)
            if entry.text:
                self.text(
                    x,
                    cy - 4.6 * PT * 0.5,
                    entry.text,
                    4.6,
                    bold=True,
                    colour="#ffffff",
                    align="C",
                    width=w,
                )

    def marker(self, kind: str, colour: str, cx: float, cy: float, r: float) -> None:
        pdf = self.pdf
        self.fill(colour)
        self.draw("#ffffff", 0.25)
        if kind == "ring":
            self.fill("#ffffff")
            self.draw(colour, 0.4)
            pdf.circle(x=cx, y=cy, radius=r * 0.85, style="DF")
        elif kind == "square":
            pdf.rect(cx - r * 0.9, cy - r * 0.9, r * 1.8, r * 1.8, style="DF")
        elif kind == "triangle":
            pdf.polygon(
                [(cx, cy - r * 1.1), (cx + r, cy + r * 0.8), (cx - r, cy + r * 0.8)], style="DF"
            )
        elif kind == "diamond":
            pdf.polygon([(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)], style="DF")
        elif kind == "plus":
            t = r * 0.38
            pts = [
                (cx - t, cy - r),
                (cx + t, cy - r),
                (cx + t, cy - t),
                (cx + r, cy - t),
                (cx + r, cy + t),
                (cx + t, cy + t),
                (cx + t, cy + r),
                (cx - t, cy + r),
                (cx - t, cy + t),
                (cx - r, cy + t),
                (cx - r, cy - t),
                (cx - t, cy - t),
            ]
            pdf.polygon(pts, style="DF")
        else:
            pdf.circle(x=cx, y=cy, radius=r, style="DF")

    def stamp(self, image: _Box, note: str) -> _Box:
        """The 示意图 mark, top left: boundaries are a sketch, not a survey."""
        w = max(self.width("示意图", 11, True), self.width(note, 6.5)) + 4
        box = _Box(image.x + 2.5, image.y + 2.5, w, 11.5)
        with self.pdf.local_context(fill_opacity=0.88):
            self.fill("#ffffff")
            self.pdf.rect(box.x, box.y, box.w, box.h, style="F")
        self.draw(ACCENT, 0.45)
        self.pdf.rect(box.x, box.y, box.w, box.h)
        self.text(
            box.x, box.y + 1.0, "示意图", 11, bold=True, colour=ACCENT, align="C", width=box.w
        )
        self.text(box.x, box.y + 6.6, note, 6.5, colour=ACCENT, align="C", width=box.w)
        return box

    def north_arrow(self, image: _Box) -> _Box:
        """A north arrow, top right (the map's grid north: the page's up)."""
        cx, top = image.x + image.w - 8.0, image.y + 3.0
        box = _Box(cx - 4.5, top - 0.8, 9, 15.2)
        with self.pdf.local_context(fill_opacity=0.85):
            self.fill("#ffffff")
            self.pdf.rect(
                box.x, box.y, box.w, box.h, style="F", round_corners=True, corner_radius=1
            )
        self.text(cx - 5, top, "北", 8, bold=True, align="C", width=10)
        tip, base, half = top + 4.2, top + 13.0, 2.6
        self.draw(INK, 0.25)
        self.fill(INK)
        self.pdf.polygon([(cx, tip), (cx, base - 2.2), (cx - half, base)], style="DF")
        self.fill("#ffffff")
        self.pdf.polygon([(cx, tip), (cx + half, base), (cx, base - 2.2)], style="DF")
        return box

    def scale_bar(self, image: _Box, rendered: RenderedMap) -> _Box:
        """A scale bar, bottom left, of a round length about a fifth of the map's width."""
        mm_per_m = image.w / rendered.metres_per_width
        target = image.w * 0.22 / mm_per_m
        length = _nice(target)
        bar = length * mm_per_m
        parts = 4 if _nice_split(length, 4) else 2
        x, y = image.x + 4.0, image.y + image.h - 9.0
        unit = "km" if length >= 1000 else "m"
        shown = (lambda v: f"{v / 1000:g}") if unit == "km" else (lambda v: f"{v:g}")
        end_label = f"{shown(length)} {unit}"
        box = _Box(x - 2.0, y - 4.5, bar + self.width(end_label, 6.5) / 2 + 5.0, 10.0)
        with self.pdf.local_context(fill_opacity=0.85):
            self.fill("#ffffff")
            self.pdf.rect(box.x, box.y, box.w, box.h, style="F")
        self.draw(INK, 0.2)
        for i in range(parts):
            self.fill(INK if i % 2 == 0 else "#ffffff")
            self.pdf.rect(x + bar * i / parts, y + 1.2, bar / parts, 1.5, style="DF")
        for i in (0, parts // 2, parts):
            number = shown(length * i / parts)
            label = f"{number} {unit}" if i == parts else number
            lx = x + bar * i / parts
            self.text(lx - self.width(number, 6.5) / 2, y - 3.0, label, 6.5)
        return box

    def labels(
        self,
        labels: gpd.GeoDataFrame,
        rendered: RenderedMap,
        image: _Box,
        obstacles: list[_Box],
    ) -> None:
        """Names over the map (with their gap badge after them), each at the first nearby
        place where it overlaps nothing."""
        if labels is None or not len(labels):
            return
        inner = _Box(image.x + 1, image.y + 1, image.w - 2, image.h - 2)
        placed: list[_Box] = list(obstacles)
        n = len(labels)
        notes = labels["note"] if "note" in labels else [""] * n
        muted = labels["muted"] if "muted" in labels else [False] * n
        badges = labels["badge"] if "badge" in labels else [""] * n
        for (fx, fy), text, note, quiet, badge in zip(
            rendered.fractions(rendered.label_points(labels.geometry)),
            labels["text"],
            notes,
            muted,
            badges,
            strict=True,
        ):
            if not (0 <= fx <= 1 and 0 <= fy <= 1):  # outside the picture (or NaN)
                continue
            text = "" if text is None or text != text else str(text)
            note = "" if note is None or note != note else str(note)
            badge = "" if badge is None or badge != badge else str(badge)
            if not (text or note or badge):
                continue
            ax, ay = image.x + fx * image.w, image.y + fy * image.h
            size, note_size = (6.3, 5.8) if quiet else (7.6, 6.6)
            text_w = self.width(text, size, not quiet) if text else 0.0
            badge_w, badge_h, badge_size = self.badge_size(badge, quiet)
            line_w = text_w + (0.7 if text and badge else 0.0) + badge_w
            note_w = self.width(note, note_size) if note else 0.0
            w = max(line_w, note_w)
            line_h = max(size * PT * 1.15 if text else 0.0, badge_h)
            h = line_h + (note_size * PT * 1.1 if note else 0.0)
            best, best_cost = None, math.inf
            for dx, dy in _OFFSETS:
                box = _Box(ax - w / 2 + dx * (w / 2 + 1.2), ay - h / 2 + dy * (h / 2 + 1.0), w, h)
                if not box.inside(inner):
                    continue
                # a little air around each name: two names touching read as one
                room = _Box(box.x - 0.9, box.y - 0.2, box.w + 1.8, box.h + 0.4)
                cost = sum(_overlap(room, other) for other in placed)
                if cost == 0:
                    best = box
                    break
                if cost < best_cost:
                    best, best_cost = box, cost
            if best is None:
                continue
            placed.append(best)
            left = best.x + (best.w - line_w) / 2
            if text:
                self.text(
                    left,
                    best.y + (line_h - size * PT * 1.15) / 2,
                    text,
                    size,
                    bold=not quiet,
                    colour=MUTED if quiet else INK,
                    halo="#ffffff",
                )
            if badge:
                bx = left + line_w - badge_w
                self.badge(
                    badge, _Box(bx, best.y + (line_h - badge_h) / 2, badge_w, badge_h), badge_size
                )
            if note:
                self.text(
                    best.x,
                    best.y + line_h,
                    note,
                    note_size,
                    colour=INK,
                    align="C",
                    width=best.w,
                    halo="#ffffff",
                )

    def badge_size(self, text: str, quiet: bool = False) -> tuple[float, float, float]:
        """Width and height (mm) of a gap badge holding ``text``, and its type size (pt)."""
        if not text:
            return 0.0, 0.0, 0.0
        d, size = (2.9, 5.0) if quiet else (3.4, 5.8)
        return max(d, self.width(text, size, True) + 1.4), d, size

    def badge(self, text: str, box: _Box, size: float) -> None:
        """A red rounded badge with a white rim and ``text`` in white (the dashboard's)."""
        self.fill(BADGE)
        self.draw("#ffffff", 0.35)
        if box.w - box.h < 0.05:  # one digit: a round badge
            self.pdf.circle(x=box.x + box.w / 2, y=box.y + box.h / 2, radius=box.h / 2, style="DF")
        else:
            self.pdf.rect(
                box.x, box.y, box.w, box.h, style="DF", round_corners=True, corner_radius=box.h / 3
            )
        self.text(
            box.x,
            box.y + (box.h - size * PT) / 2 - 0.05,
            text,
            size,
            bold=True,
            colour="#ffffff",
            align="C",
            width=box.w,
        )

    # ------------------------------------------------------------------ right column
    def column(self, page: Page, box: _Box) -> None:
        y = box.y
        y = self.tiles(page.tiles, _Box(box.x, y, box.w, 0)) + 4.0
        chart_h, row_h, blocks = self.fit(page, box.w, box.y + box.h - y)
        if page.chart is not None:
            self.chart(page.chart, _Box(box.x, y, box.w, chart_h))
            y += chart_h + 4.0
        for block in blocks:
            if isinstance(block, Table | _Split):
                y = self.table(block, _Box(box.x, y, box.w, 0), row_h) + 4.0
            else:
                y = self.text_block(block, _Box(box.x, y, box.w, 0)) + 3.0

    def lead(self, lines: Sequence[str], box: _Box) -> float:
        """The page's opening lines (the register) across the page, wrapped, on a light band;
        returns the bottom."""
        size, step, pad = 9.0, 4.2, 1.3
        wrapped = [w for line in lines for w in self.wrap(line, box.w - 2 * pad - 1.2, size)]
        h = 2 * pad + step * len(wrapped) - (step - size * PT)
        self.fill(TILE)
        self.pdf.rect(box.x, box.y, box.w, h, style="F")
        self.fill(ACCENT)
        self.pdf.rect(box.x, box.y, 0.8, h, style="F")
        for i, text in enumerate(wrapped):
            self.text(box.x + pad + 1.2, box.y + pad + i * step, text, size, colour=INK)
        return box.y + h

    def tiles_height(self, tiles: Sequence[Tile]) -> float:
        rows = math.ceil(len(tiles) / _tile_columns(len(tiles)))
        return rows * 18.5 + (rows - 1) * 2.5 if rows else 0.0

    def fit(self, page: Page, width: float, height: float):
        """Chart height, table row height and blocks (a long table split in two side by
        side) so that the column fits ``height``."""
        blocks = list(page.blocks)
        for split in (False, True):
            if split:
                tables = [b for b in blocks if isinstance(b, Table)]
                if not tables:
                    break
                longest = max(tables, key=lambda t: len(t.rows))
                blocks = [_Split(b) if b is longest else b for b in blocks]
            for row_h in (4.6, 4.4, 4.2, 4.0, 3.8, 3.6, 3.4):
                rest = height - sum(self.block_height(b, width, row_h) + 4.0 for b in blocks)
                if page.chart is None and rest >= 0:
                    return 0.0, row_h, blocks
                if page.chart is not None and rest - 4.0 >= 24.0:
                    return min(rest - 4.0, 50.0), row_h, blocks
        return 30.0 if page.chart is not None else 0.0, 3.4, blocks

    def block_height(self, block, width: float, row_h: float) -> float:
        if isinstance(block, _Split):
            half = math.ceil(len(block.table.rows) / 2)
            return 6.0 + row_h * (1 + half)
        if isinstance(block, Table):
            return 6.0 + row_h * (1 + len(block.rows))
        n = sum(len(self.wrap(line, width - 3, 7.6)) for line in block.lines)
        return 6.0 + n * 4.0

    def tiles(self, tiles: Sequence[Tile], box: _Box) -> float:
        gap, h = 2.5, 18.5
        cols = _tile_columns(len(tiles))
        w = (box.w - (cols - 1) * gap) / cols
        for i, tile in enumerate(tiles):
            x = box.x + (i % cols) * (w + gap)
            y = box.y + (i // cols) * (h + gap)
            self.fill(TILE)
            self.pdf.rect(x, y, w, h, style="F", round_corners=True, corner_radius=1.2)
            label, size = self.fitted(tile.label, w - 4, 7.3)
            self.text(x + 2, y + 1.8, label, size, colour=MUTED)
            value, size = self.fitted(tile.value, w - 4, 15, bold=True)
            self.text(x + 2, y + 6.0, value, size, bold=True)
            note, size = self.fitted(tile.note, w - 4, 6.6)
            self.text(x + 2, y + 13.6, note, size, colour=TONES.get(tile.tone, MUTED))
        return box.y + self.tiles_height(tiles)

    def heading(self, title: str, x: float, y: float) -> None:
        self.text(x, y, title, 9, bold=True)
        self.draw(ACCENT, 0.35)
        self.pdf.line(x, y + 4.6, x + 8, y + 4.6)

    def chart(self, chart: BarChart, box: _Box) -> None:
        self.heading(chart.title, box.x, box.y)
        top, bottom = box.y + 9.0, box.y + box.h - 4.5
        n = len(chart.values)
        if n == 0:
            return
        step = box.w / n
        bar_w = step * 0.62
        peak = max(max(chart.values), 1e-9)
        scale = (bottom - top - 3.5) / peak
        show_every = 1 if self.width(max(chart.value_texts, key=len), 5.8) < step * 1.05 else 2
        self.draw(FAINT, 0.25)
        self.pdf.line(box.x, bottom, box.x + box.w, bottom)
        for i, (cat, value, text) in enumerate(
            zip(chart.categories, chart.values, chart.value_texts, strict=True)
        ):
            x = box.x + i * step + (step - bar_w) / 2
            h = max(value * scale, 0.0)
            hot = i == chart.highlight
            if h > 0:
                self.fill(ACCENT if hot else BAR)
                self.pdf.rect(x, bottom - h, bar_w, h, style="F")
            if hot or (n - 1 - i) % show_every == 0:
                self.text(
                    x - step,
                    bottom - h - 3.0,
                    text,
                    5.8,
                    bold=hot,
                    colour=ACCENT if hot else INK,
                    align="C",
                    width=bar_w + 2 * step,
                )
            label, size = self.fitted(cat, step, 6.0)
            self.text(
                x - (step - bar_w) / 2,
                bottom + 0.9,
                label,
                size,
                bold=hot,
                colour=INK if hot else MUTED,
                align="C",
                width=step,
            )

    def table(self, table: Table | _Split, box: _Box, row_h: float) -> float:
        if isinstance(table, _Split):
            t = table.table
            half = math.ceil(len(t.rows) / 2)
            self.heading(t.title, box.x, box.y)
            gap = 4.0
            w = (box.w - gap) / 2
            left = replace(t, rows=t.rows[:half], tones=t.tones[:half], total_row=False)
            right = replace(t, rows=t.rows[half:], tones=t.tones[half:] if t.tones else ())
            end = self.grid(left, _Box(box.x, box.y + 6.0, w, 0), row_h)
            self.grid(right, _Box(box.x + w + gap, box.y + 6.0, w, 0), row_h)
            return end
        self.heading(table.title, box.x, box.y)
        return self.grid(table, _Box(box.x, box.y + 6.0, box.w, 0), row_h)

    def grid(self, table: Table, box: _Box, row_h: float) -> float:
        n = len(table.headers)
        rel = table.widths or (1.0,) * n
        widths = [box.w * r / sum(rel) for r in rel]
        align = (table.align or "L" * n).ljust(n, "L")
        size = min(7.6, row_h * 1.62)
        pad = 1.2
        y = box.y
        self.fill(HEADER_FILL)
        self.pdf.rect(box.x, y, box.w, row_h, style="F")
        x = box.x
        for head, w, a in zip(table.headers, widths, align, strict=True):
            text, s = self.fitted(head, w - 2 * pad, size * 0.96, bold=True)
            self.text(
                x + pad,
                y + (row_h - s * PT) / 2 - 0.1,
                text,
                s,
                bold=True,
                align=a,
                width=w - 2 * pad,
            )
            x += w
        y += row_h
        for r, row in enumerate(table.rows):
            last = table.total_row and r == len(table.rows) - 1
            if r % 2 == 1:
                self.fill("#f9f9f8")
                self.pdf.rect(box.x, y, box.w, row_h, style="F")
            x = box.x
            for c, (cell, w, a) in enumerate(zip(row, widths, align, strict=True)):
                colour = INK
                if c == table.tone_column and r < len(table.tones) and table.tones[r]:
                    colour = TONES.get(table.tones[r], INK)
                text, s = self.fitted(str(cell), w - 2 * pad, size, bold=last)
                self.text(
                    x + pad,
                    y + (row_h - s * PT) / 2 - 0.1,
                    text,
                    s,
                    bold=last,
                    colour=colour,
                    align=a,
                    width=w - 2 * pad,
                )
                x += w
            y += row_h
            if last:
                self.draw(MUTED, 0.3)
                self.pdf.line(box.x, y - row_h, box.x + box.w, y - row_h)
        self.draw(FAINT, 0.25)
        self.pdf.line(box.x, y, box.x + box.w, y)
        return y

    def text_block(self, block: TextBlock, box: _Box) -> float:
        self.heading(block.title, box.x, box.y)
        y = box.y + 6.0
        for i, line in enumerate(block.lines):
            tone = block.tones[i] if i < len(block.tones) else ""
            colour = TONES[tone] if tone in TONES and tone not in ("", "neutral") else INK
            for part in self.wrap(line, box.w - 3, 7.6):
                self.text(box.x + 1.5, y, part, 7.6, colour=colour)
                y += 4.0
        return y


def _tile_columns(n: int) -> int:
    """Key figures per row: three (two rows of six), four when there are seven or eight, so
    the township page's figures stay two rows high and leave the chart and table their room."""
    return 3 if n <= 6 else 4


@dataclass(frozen=True)
class _Split:
    """A table set in two halves side by side (a long village list on one page)."""

    table: Table


#: Where a label may go around its anchor, in order: on it, above, below, right, left, corners.
_OFFSETS = (
    (0, 0),
    (0, -1),
    (0, 1),
    (1, 0),
    (-1, 0),
    (1, -1),
    (-1, -1),
    (1, 1),
    (-1, 1),
    (0, -2),
    (0, 2),
    (2, 0),
    (-2, 0),
)


def _overlap(a: _Box, b: _Box) -> float:
    w = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    h = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    return max(w, 0.0) * max(h, 0.0)


def _nice(metres: float) -> float:
    """The largest of 1, 2, 2.5, 5 × 10ⁿ metres not above ``metres``."""
    if metres <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(metres))
    for step in (5, 2.5, 2, 1):
        if step * power <= metres:
            return step * power
    return power


def _nice_split(length: float, parts: int) -> bool:
    """True when ``length`` splits into ``parts`` round pieces (2 km into 4 × 500 m)."""
    piece = length / parts
    return abs(piece - round(piece, -math.floor(math.log10(piece)))) < 1e-6
