"""What every page of a brief repeats: the header (title, subtitle, the demo notice, the year
in the corner), the footer (source, data date, page number) and the map page's title."""

from __future__ import annotations

from .pdf_canvas import MARGIN, NOTICE_H, PAGE_H, PAGE_W, PT, Box, Canvas, rgb
from .pdf_model import ACCENT, FAINT, INK, MUTED, Brief, Page

#: What the title of a page a table ran on to ends with.
CONTINUED = "（续）"


def header(canvas: Canvas, brief: Brief, page: Page, continued: bool = False) -> None:
    """The page's title and subtitle by a red bar, the brief's notice beside them and the
    corner lines at the right, over a rule; a page the content ran on to says 续."""
    title = page.title + (CONTINUED if continued else "")
    canvas.fill(ACCENT)
    canvas.pdf.rect(MARGIN, MARGIN + 0.5, 1.6, 13.5, style="F")
    canvas.text(MARGIN + 4.5, MARGIN, title, 17, bold=True)
    canvas.text(MARGIN + 4.5, MARGIN + 8.6, page.subtitle, 8.5, colour=MUTED)
    if brief.notice:
        left = MARGIN + 4.5 + max(canvas.width(title, 17, True), canvas.width(page.subtitle, 8.5))
        corner = max((canvas.width(c, 9.5, True) for c in page.corner), default=0.0)
        x0, x1 = left + 6.0, PAGE_W - MARGIN - corner - 6.0
        notice(canvas, brief.notice, Box(x0, MARGIN + 0.5, max(x1 - x0, 40.0), 13.0))
    for i, line in enumerate(page.corner):
        canvas.text(
            MARGIN,
            MARGIN + (0.6 if i == 0 else 6.2 + 3.8 * (i - 1)),
            line,
            9.5 if i == 0 else 7.5,
            bold=i == 0,
            colour=INK if i == 0 else MUTED,
            align="R",
            width=PAGE_W - 2 * MARGIN,
        )
    canvas.draw(FAINT, 0.25)
    canvas.pdf.line(MARGIN, MARGIN + 16, PAGE_W - MARGIN, MARGIN + 16)


def footer(canvas: Canvas, brief: Brief) -> None:
    """Source and data date at the left, the author and 第 n / N 页 at the right."""
    top = PAGE_H - MARGIN - 2.5
    canvas.draw(FAINT, 0.2)
    canvas.pdf.line(MARGIN, top - 1.5, PAGE_W - MARGIN, top - 1.5)
    left = f"资料来源：{brief.source}　　数据日期：{brief.data_date}"
    canvas.text(MARGIN, top, left, 7, colour=MUTED)
    # a cell, not placed text: fpdf2 puts the page count in only in cells
    canvas.font(7)
    canvas.pdf.set_text_color(*rgb(MUTED))
    canvas.pdf.set_xy(MARGIN, top)
    canvas.pdf.cell(
        PAGE_W - 2 * MARGIN,
        1.16 * 7 * PT,  # the baseline where canvas.text puts it: 0.5 h + 0.3 em = 0.88 em
        f"{brief.author}　　第 {canvas.pdf.page_no()} / {canvas.page_count} 页",
        align="R",
    )


def notice(canvas: Canvas, text: str, box: Box, size: float = 8.5) -> None:
    """``text`` (the demo notice) in a red box: one line, or two when ``box`` is tall enough
    and the line too long (the second shrunk, or cut short, to fit)."""
    canvas.fill("#fdecea")
    canvas.draw(ACCENT, 0.35)
    canvas.pdf.rect(box.x, box.y, box.w, box.h, style="DF")
    lines = [text]
    if box.h >= 2 * size * PT + 3 and canvas.width(text, size, True) > box.w - 4:
        first, *rest = canvas.lines(text, box.w - 4, size, True)
        lines = [first, "".join(rest)]
    step = size * PT + 1.2
    top = box.y + (box.h - step * len(lines) + 1.2) / 2
    for i, line in enumerate(lines):
        shown, fit = canvas.fitted(line, box.w - 4, size, bold=True)
        canvas.text(
            box.x, top + i * step, shown, fit, bold=True, colour=ACCENT, align="C", width=box.w
        )


def map_page_header(canvas: Canvas, brief: Brief, page: Page) -> float:
    """The map page's title, and the notice in a band across the page under it; returns
    where the map begins."""
    canvas.text(MARGIN, MARGIN, page.title, 15, bold=True)
    top = MARGIN + 9
    if brief.notice:
        notice(canvas, brief.notice, Box(MARGIN, top - 1.0, PAGE_W - 2 * MARGIN, NOTICE_H))
        top += NOTICE_H + 1.0
    return top
