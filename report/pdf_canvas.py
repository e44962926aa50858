"""The page a brief is drawn on: fpdf2's document with the brief's CJK font, and the few
helpers every part of a page shares (set a line of text, fit it to a width, break it into
lines, the layout's boxes and measures).

Lines are broken by fpdf2 (``multi_cell(..., dry_run=True, output="LINES")``, character
mode: Chinese has no spaces to break at); :meth:`Canvas.lines` only moves a break where
Chinese typesetting forbids it (before a closing mark, after an opening one, inside a
number). Measures are in mm at A4: an A3 page is the same page in units √2 mm large.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, WrapMode

from .fonts import CJKFont
from .pdf_model import INK, PAPERS

#: Layout of the A4 page (mm); A3 uses the same numbers in units 1.414 times larger.
PAGE_W, PAGE_H = PAPERS["A4"]
MARGIN = 10.0
MAP_W = 152.0
GUTTER = 6.0
BODY_TOP = 29.0
NOTICE_H = 6.0  # the red band of a brief's notice (demo data), under the header
BODY_BOTTOM = PAGE_H - MARGIN - 6.0
PT = 25.4 / 72  # mm per point

#: Characters a line may not start with (closing marks) and may not end with (opening ones).
NO_LINE_START = frozenset("，。；、：！？）》」』】〕”’%,.;:!?)]")
NO_LINE_END = frozenset("（《「『【〔“‘([")
#: ASCII characters of a number or a Latin word, which a line break must not split.
_WORD = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,-/")


def rgb(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` as three 0–255 numbers."""
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


@dataclass
class Box:
    """A rectangle on the page (mm at A4): left, top, width, height."""

    x: float
    y: float
    w: float
    h: float

    def inside(self, other: Box) -> bool:
        """Whether this box lies wholly within ``other``."""
        return (
            self.x >= other.x
            and self.y >= other.y
            and self.x + self.w <= other.x + other.w
            and self.y + self.h <= other.y + other.h
        )


def overlap(a: Box, b: Box) -> float:
    """The area two boxes share."""
    w = min(a.x + a.w, b.x + b.w) - max(a.x, b.x)
    h = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
    return max(w, 0.0) * max(h, 0.0)


class _Document(FPDF):
    """fpdf2's document, which draws a page's furniture whenever fpdf2 begins or ends a page:
    the pages this module adds and those a long table runs on to."""

    on_begin: Callable[[], None] | None = None
    on_end: Callable[[], None] | None = None

    def header(self) -> None:
        if self.on_begin is not None:
            self.on_begin()

    def footer(self) -> None:
        if self.on_end is not None:
            self.on_end()


class Canvas:
    """A landscape PDF on ``paper`` (A4 or A3) set in ``font``; ``pdf`` is the fpdf2 document,
    of about ``pages`` pages.

    fpdf2 starts a new page by itself only for a table running past ``BODY_BOTTOM`` (the
    new page gets the same header, and the table its headings); :meth:`carry_on` does it for
    the lines of a text. Everything else is placed where it is told.
    """

    def __init__(
        self,
        paper: str,
        font: CJKFont,
        *,
        title: str,
        author: str,
        keywords: tuple[str, ...] = (),
        pages: int = 1,
    ) -> None:
        self.s = PAPERS[paper][0] / PAGE_W  # 1 for A4, √2 for A3
        # One user unit is s mm, so the A4 layout in mm fills the larger page.
        pdf = _Document(orientation="L", unit=72 / 25.4 * self.s, format=(PAGE_H, PAGE_W))
        pdf.set_margins(0, BODY_TOP, 0)  # a page a table runs on to starts under the header
        pdf.set_auto_page_break(True, margin=PAGE_H - BODY_BOTTOM)
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
        pdf.set_title(title)
        pdf.set_author(author)
        pdf.set_creator(author)
        pdf.set_subject(title)
        if keywords:
            pdf.set_keywords(" ".join(keywords))
        pdf.set_lang("zh-CN")
        # fpdf2 puts the number of pages for this alias (in a cell) once all are written; it
        # aligns the cell on one digit per character of the alias: as many as ``pages`` has
        self.page_count = "\ue000" * len(str(max(pages, 1)))
        pdf.alias_nb_pages(self.page_count)
        self.pdf = pdf
        self._lines: dict[tuple[str, float, float, bool], list[str]] = {}
        self._begin: Callable[[bool], None] | None = None
        self._begun = 0

    # ------------------------------------------------------------------ pages
    def begin(self, furnish: Callable[[bool], None] | None) -> None:
        """Start a page; ``furnish(continued)`` draws its header, now and on every page a
        table of it runs on to (``continued`` True there)."""
        self._begin, self._begun = furnish, 0
        self.pdf.on_begin = self._furnish
        self.pdf.add_page()

    def _furnish(self) -> None:
        if self._begin is not None:
            self._begin(self._begun > 0)
        self._begun += 1

    def carry_on(self, y: float, needed: float) -> float:
        """``y``, or the top of a new page (with the same header, continued) when ``needed``
        mm below ``y`` would run past the body."""
        if y + needed <= BODY_BOTTOM:
            return y
        self.pdf.add_page()
        return BODY_TOP

    def output(self) -> bytes:
        """The finished PDF."""
        return bytes(self.pdf.output())

    # ------------------------------------------------------------------ drawing state
    def font(self, size: float, bold: bool = False) -> None:
        """Set the CJK font at ``size`` pt at A4 (scaled for A3)."""
        self.pdf.set_font("cjk", "B" if bold and self.has_bold else "", size * self.s)

    def fill(self, colour: str) -> None:
        """Set the fill colour."""
        self.pdf.set_fill_color(*rgb(colour))

    def draw(self, colour: str, width: float = 0.2) -> None:
        """Set the line colour and width (mm)."""
        self.pdf.set_draw_color(*rgb(colour))
        self.pdf.set_line_width(width)

    # ------------------------------------------------------------------ text
    def width(self, text: str, size: float, bold: bool = False) -> float:
        """How wide ``text`` is set at ``size``."""
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
        """``text`` with its em box's top at ``top``; ``align`` (L, C, R) within ``width``
        from ``x``; ``halo``, a colour outlining the letters (names over a map)."""
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
                draw_color=rgb(halo),
                line_width=size * PT * 0.5,
                stroke_join_style="ROUND",
            ):
                self.pdf.text(x, baseline, text)
        self.pdf.set_text_color(*rgb(colour))
        self.pdf.text(x, baseline, text)

    def fitted(self, text: str, width: float, size: float, bold: bool = False) -> tuple[str, float]:
        """``text`` and a size at which it fits ``width`` on one line: smaller down to 70 %,
        then cut short with …"""
        fit = self.shrunk(text, width, size, bold)
        if fit is not None:
            return text, fit
        smaller = size * 0.7
        while text and self.width(text + "…", smaller, bold) > width:
            text = text[:-1]
        return text + "…", smaller

    def shrunk(self, text: str, width: float, size: float, bold: bool = False) -> float | None:
        """``size``, or a smaller one down to 70 % of it, at which ``text`` fits ``width`` on
        one line; None when it does not fit even then."""
        w = self.width(text, size, bold)
        if w <= width or not text:
            return size
        smaller = max(size * 0.7, size * width / w * 0.995)  # a hair under: float rounding
        return smaller if self.width(text, smaller, bold) <= width else None

    def lines(self, text: str, width: float, size: float, bold: bool = False) -> list[str]:
        """``text`` broken into lines no wider than ``width`` by fpdf2, each break moved back
        where Chinese typesetting forbids it (before ，。）, after （, inside a number). Only
        once a page is begun (fpdf2 measures on it)."""
        key = (text, round(width, 4), size, bold)
        if key not in self._lines:
            self._lines[key] = self._break(text, width, size, bold)
        return self._lines[key]

    def _break(self, text: str, width: float, size: float, bold: bool) -> list[str]:
        self.font(size, bold)
        out, rest = [], text.strip()
        while rest:
            if self.pdf.get_string_width(rest) <= width:
                out.append(rest)
                break
            first = self.pdf.multi_cell(
                w=width,
                h=1,
                text=rest,
                dry_run=True,
                output=MethodReturnValue.LINES,
                wrapmode=WrapMode.CHAR,
                padding=0,
            )[0]
            # fpdf2's first line is ``rest``'s start less the spaces it dropped at its end
            cut = _break_before(rest, max(len(first.rstrip()), 1))
            out.append(rest[:cut].rstrip())
            rest = rest[cut:].lstrip()
        return out or [""]


def _break_before(text: str, cut: int) -> int:
    """Where to break ``text`` at or before index ``cut`` so the next line starts with no
    closing mark, this one ends with no opening mark and no number is split; ``cut`` when
    no such place is on the line."""
    for i in range(cut, 0, -1):
        before, after = text[i - 1], text[i] if i < len(text) else ""
        if after in NO_LINE_START or before in NO_LINE_END:
            continue
        if before in _WORD and after in _WORD:
            continue
        return i
    return cut
