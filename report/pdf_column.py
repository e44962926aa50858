"""The right-hand column of a page: the key figures, the bar chart and the blocks (tables
and text) under them; and the register's band across the page above the map.

Tables are fpdf2's own (``FPDF.table()``): headings, column widths and alignments, striped
rows, and a table too long for the page runs on to the next with its headings repeated.
A cell's text is made smaller (down to 70 %) to stay on one line, and wraps when even that
is too wide. The column is fitted to the page first: rows a little lower, the chart smaller,
a long table set in two halves side by side; only what still does not fit runs on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from fpdf.fonts import FontFace

from .pdf_canvas import PT, Box, Canvas, rgb
from .pdf_model import (
    ACCENT,
    BAR,
    FAINT,
    HEADER_FILL,
    INK,
    MUTED,
    TILE,
    TONES,
    BarChart,
    Page,
    Table,
    TextBlock,
    Tile,
)

#: Row heights (mm) tried, tallest first, until the column fits its page.
ROW_HEIGHTS = (4.6, 4.4, 4.2, 4.0, 3.8, 3.6, 3.4)
#: Row height of a table too long for one page (it runs on to the next).
RUN_ON_ROW_HEIGHT = 4.2
#: A table this long may be set in two halves side by side to keep to one page.
SPLIT_MIN_ROWS = 12
CELL_PAD = 1.2  # mm left and right of a cell's text
STRIPE = "#f9f9f8"  # every other row of a table
TITLE_H = 6.0  # a block's title and its red rule
TEXT_STEP = 4.0  # mm from one line of a text block to the next
TEXT_SIZE = 7.6
TILE_H, TILE_GAP = 18.5, 2.5


@dataclass(frozen=True)
class _Split:
    """A table set in two halves side by side (a long village list on one page)."""

    table: Table

    def halves(self) -> tuple[Table, Table]:
        """The first half (no total row: the total ends the second) and the second."""
        t = self.table
        half = math.ceil(len(t.rows) / 2)
        left = replace(t, rows=t.rows[:half], tones=t.tones[:half], total_row=False)
        right = replace(t, rows=t.rows[half:], tones=t.tones[half:] if t.tones else ())
        return left, right


Block = Table | TextBlock | _Split


@dataclass(frozen=True)
class _Plan:
    """How the column is set: the chart's height, the tables' row height and the blocks;
    ``later``: movable blocks set on a next page (the others fill this one)."""

    chart_h: float
    row_h: float
    blocks: tuple[Block, ...]
    later: tuple[Table, ...] = ()


@dataclass(frozen=True)
class _Cell:
    """A table cell's text as set: its lines (joined by newlines), their number and the
    size (pt at A4)."""

    text: str
    size: float
    lines: int


# ----------------------------------------------------------------------------- the column
def column(canvas: Canvas, page: Page, box: Box) -> None:
    """The key figures, the chart and the blocks of ``page`` from the top of ``box`` down;
    what does not fit above its bottom runs on to the next page."""
    y = tiles(canvas, page.tiles, Box(box.x, box.y, box.w, 0)) + 4.0
    plan = fit(canvas, page, box.w, box.y + box.h - y)
    if page.chart is not None:
        chart(canvas, page.chart, Box(box.x, y, box.w, plan.chart_h))
        y += plan.chart_h + 4.0
    for block in plan.blocks:
        if isinstance(block, TextBlock):
            y = text_block(canvas, block, Box(box.x, y, box.w, 0)) + 3.0
        else:
            y = table_block(canvas, block, Box(box.x, y, box.w, 0), plan.row_h) + 4.0
    if plan.later:
        y = canvas.carry_on(y, float("inf"))  # the top of a next page, headed 续
        for table in plan.later:
            y = table_block(canvas, table, Box(box.x, y, box.w, 0), RUN_ON_ROW_HEIGHT) + 4.0


def fit(canvas: Canvas, page: Page, width: float, height: float) -> _Plan:
    """Chart height, row height and blocks (the longest table perhaps split in two) so the
    blocks fit ``height`` under the chart; else, with the movable tables at their end on a
    next page, the others so; when nothing does, the chart at its smallest and the blocks as
    they are, to run on."""
    plan = _fitted(canvas, page, page.blocks, width, height)
    if plan is not None:
        return plan
    first_movable = len(page.blocks)  # of the movable tables that end the blocks
    while first_movable > 1 and _movable(page.blocks[first_movable - 1]):
        first_movable -= 1
    for cut in range(len(page.blocks) - 1, first_movable - 1, -1):
        plan = _fitted(canvas, page, page.blocks[:cut], width, height)
        if plan is not None:
            return replace(plan, later=tuple(page.blocks[cut:]))
    return _Plan(30.0 if page.chart is not None else 0.0, RUN_ON_ROW_HEIGHT, tuple(page.blocks))


def _movable(block: Table | TextBlock) -> bool:
    return isinstance(block, Table) and block.movable


def _fitted(
    canvas: Canvas, page: Page, shown: Sequence[Table | TextBlock], width: float, height: float
) -> _Plan | None:
    """The plan that fits ``shown`` (a page's blocks, or the first of them) in ``height``
    under the chart, if any."""
    room = height if page.chart is None else height - 28.0
    for blocks in _arrangements(shown):
        for row_h in ROW_HEIGHTS:
            # a county's 300 rows cannot fit at any height: say so without measuring each cell
            if sum(least_height(canvas, b, width, row_h) + 4.0 for b in blocks) > room + 0.01:
                continue
            used = sum(block_height(canvas, b, width, row_h) + 4.0 for b in blocks)
            rest = height - used
            if page.chart is None and rest >= 0:
                return _Plan(0.0, row_h, blocks)
            if page.chart is not None and rest - 4.0 >= 24.0:
                return _Plan(min(rest - 4.0, 50.0), row_h, blocks)
    return None


def _arrangements(blocks: Sequence[Table | TextBlock]) -> list[tuple[Block, ...]]:
    """The blocks as they are, then with the longest table in two halves (when long)."""
    out: list[tuple[Block, ...]] = [tuple(blocks)]
    tables = [b for b in blocks if isinstance(b, Table)]
    if tables:
        longest = max(tables, key=lambda t: len(t.rows))
        if len(longest.rows) >= SPLIT_MIN_ROWS:
            out.append(tuple(_Split(b) if b is longest else b for b in blocks))
    return out


def block_height(canvas: Canvas, block: Block, width: float, row_h: float) -> float:
    """How tall ``block`` is set ``width`` wide with rows ``row_h`` high."""
    if isinstance(block, TextBlock):
        n = sum(len(canvas.lines(line, width - 3, TEXT_SIZE)) for line in block.lines)
        return TITLE_H + n * TEXT_STEP
    if isinstance(block, _Split):
        half_w = (width - 4.0) / 2
        return TITLE_H + max(_sheet(canvas, t, half_w, row_h).height for t in block.halves())
    return TITLE_H + _sheet(canvas, block, width, row_h).height


def least_height(canvas: Canvas, block: Block, width: float, row_h: float) -> float:
    """A floor under :func:`block_height` found without measuring a cell: a table's rows
    (and headings) each one line high."""
    if isinstance(block, TextBlock):
        return block_height(canvas, block, width, row_h)
    tables = block.halves() if isinstance(block, _Split) else (block,)
    return TITLE_H + max(len(t.rows) + 1 for t in tables) * row_h


def heading(canvas: Canvas, title: str, x: float, y: float) -> None:
    """A block's title with a short red rule under it."""
    canvas.text(x, y, title, 9, bold=True)
    canvas.draw(ACCENT, 0.35)
    canvas.pdf.line(x, y + 4.6, x + 8, y + 4.6)


# ----------------------------------------------------------------------------- figures
def lead(canvas: Canvas, lines: Sequence[str], box: Box) -> float:
    """The page's opening lines (the register) across the page, wrapped, on a light band
    with a red edge; returns its bottom."""
    size, step, pad = 9.0, 4.2, 1.3
    wrapped = [w for line in lines for w in canvas.lines(line, box.w - 2 * pad - 1.2, size)]
    h = 2 * pad + step * len(wrapped) - (step - size * PT)
    canvas.fill(TILE)
    canvas.pdf.rect(box.x, box.y, box.w, h, style="F")
    canvas.fill(ACCENT)
    canvas.pdf.rect(box.x, box.y, 0.8, h, style="F")
    for i, text in enumerate(wrapped):
        canvas.text(box.x + pad + 1.2, box.y + pad + i * step, text, size)
    return box.y + h


def tiles(canvas: Canvas, figures: Sequence[Tile], box: Box) -> float:
    """The key figures as tiles, three or four a row; returns their bottom."""
    cols = _tile_columns(len(figures))
    w = (box.w - (cols - 1) * TILE_GAP) / cols
    for i, tile in enumerate(figures):
        x = box.x + (i % cols) * (w + TILE_GAP)
        y = box.y + (i // cols) * (TILE_H + TILE_GAP)
        canvas.fill(TILE)
        canvas.pdf.rect(x, y, w, TILE_H, style="F", round_corners=True, corner_radius=1.2)
        label, size = canvas.fitted(tile.label, w - 4, 7.3)
        canvas.text(x + 2, y + 1.8, label, size, colour=MUTED)
        value, size = canvas.fitted(tile.value, w - 4, 15, bold=True)
        canvas.text(x + 2, y + 6.0, value, size, bold=True)
        note, size = canvas.fitted(tile.note, w - 4, 6.6)
        canvas.text(x + 2, y + 13.6, note, size, colour=TONES.get(tile.tone, MUTED))
    rows = math.ceil(len(figures) / cols)
    return box.y + (rows * TILE_H + (rows - 1) * TILE_GAP if rows else 0.0)


def _tile_columns(n: int) -> int:
    """Key figures per row: three (two rows of six), four when there are seven or eight, so
    the township page's figures stay two rows high and leave the chart and table their room."""
    return 3 if n <= 6 else 4


def chart(canvas: Canvas, bars: BarChart, box: Box) -> None:
    """A bar chart with its title, each bar's value over it and its category under it; the
    highlighted bar (the brief's year) in red. Values are written on every other bar when
    they would touch."""
    heading(canvas, bars.title, box.x, box.y)
    top, bottom = box.y + 9.0, box.y + box.h - 4.5
    n = len(bars.values)
    if n == 0:
        return
    step = box.w / n
    bar_w = step * 0.62
    scale = (bottom - top - 3.5) / max(max(bars.values), 1e-9)
    every = 1 if canvas.width(max(bars.value_texts, key=len), 5.8) < step * 1.05 else 2
    canvas.draw(FAINT, 0.25)
    canvas.pdf.line(box.x, bottom, box.x + box.w, bottom)
    for i, (cat, value, text) in enumerate(
        zip(bars.categories, bars.values, bars.value_texts, strict=True)
    ):
        x = box.x + i * step + (step - bar_w) / 2
        h = max(value * scale, 0.0)
        hot = i == bars.highlight
        if h > 0:
            canvas.fill(ACCENT if hot else BAR)
            canvas.pdf.rect(x, bottom - h, bar_w, h, style="F")
        if hot or (n - 1 - i) % every == 0:
            canvas.text(
                x - step,
                bottom - h - 3.0,
                text,
                5.8,
                bold=hot,
                colour=ACCENT if hot else INK,
                align="C",
                width=bar_w + 2 * step,
            )
        label, size = canvas.fitted(cat, step, 6.0)
        canvas.text(
            x - (step - bar_w) / 2,
            bottom + 0.9,
            label,
            size,
            bold=hot,
            colour=INK if hot else MUTED,
            align="C",
            width=step,
        )


# ----------------------------------------------------------------------------- text
def text_block(canvas: Canvas, block: TextBlock, box: Box) -> float:
    """The block's title and its lines, wrapped, each in its tone's colour; a line that
    would run past the page's body goes to the next page. Returns the bottom."""
    y = canvas.carry_on(box.y, TITLE_H + TEXT_STEP)  # the title stays with a line
    heading(canvas, block.title, box.x, y)
    y += TITLE_H
    for i, line in enumerate(block.lines):
        tone = block.tones[i] if i < len(block.tones) else ""
        colour = TONES[tone] if tone in TONES and tone not in ("", "neutral") else INK
        for part in canvas.lines(line, box.w - 3, TEXT_SIZE):
            y = canvas.carry_on(y, TEXT_STEP)
            canvas.text(box.x + 1.5, y, part, TEXT_SIZE, colour=colour)
            y += TEXT_STEP
    return y


# ----------------------------------------------------------------------------- tables
def table_block(canvas: Canvas, block: Table | _Split, box: Box, row_h: float) -> float:
    """A table with its title (a split one in two halves side by side); returns the bottom
    (on the page it ended on)."""
    table = block.table if isinstance(block, _Split) else block
    # the title stays with the headings and a first row
    y = canvas.carry_on(box.y, TITLE_H + 2 * row_h)
    heading(canvas, table.title, box.x, y)
    y += TITLE_H
    if not isinstance(block, _Split):
        return grid(canvas, table, Box(box.x, y, box.w, 0), row_h)
    gap = 4.0
    w = (box.w - gap) / 2
    left, right = block.halves()
    end = grid(canvas, left, Box(box.x, y, w, 0), row_h)
    return max(end, grid(canvas, right, Box(box.x + w + gap, y, w, 0), row_h))


@dataclass(frozen=True)
class _Sheet:
    """A table made ready for fpdf2 at a width: each row's cells (headings first), the
    height of a row and the line height of a cell that wraps."""

    rows: tuple[tuple[_Cell, ...], ...]
    row_h: float
    line_h: float

    def row_height(self, r: int) -> float:
        """How tall fpdf2 sets row ``r``: a row, or as many lines as its fullest cell."""
        return max(self.row_h, self.line_h * max((c.lines for c in self.rows[r]), default=1))

    @property
    def height(self) -> float:
        """The whole table's height."""
        return sum(self.row_height(r) for r in range(len(self.rows)))


def grid(canvas: Canvas, table: Table, box: Box, row_h: float) -> float:
    """``table``'s headings and rows as fpdf2 sets them from the top of ``box``: shaded
    headings, striped rows, a rule over the total row and under the table; headings repeat
    on a page the table runs on to. Returns the bottom."""
    pdf = canvas.pdf
    sheet = _sheet(canvas, table, box.w, row_h)
    n = len(table.headers)
    canvas.font(TEXT_SIZE)
    pdf.set_text_color(*rgb(INK))
    canvas.fill("#ffffff")  # fpdf2 fills the cells between the stripes with the current fill
    pdf.set_xy(box.x, box.y)
    with pdf.table(
        width=box.w,
        col_widths=table.widths or (1.0,) * n,
        align="LEFT",
        text_align=tuple((table.align or "L" * n).ljust(n, "L")),
        borders_layout="NONE",
        cell_fill_color=STRIPE,
        cell_fill_mode="EVEN_ROWS",  # the second body row, the fourth, … (headings are row 0)
        headings_style=FontFace(emphasis="B" if canvas.has_bold else None, fill_color=HEADER_FILL),
        line_height=sheet.line_h,
        min_row_height=sheet.row_h,
        padding=(0, CELL_PAD, 0, CELL_PAD),
        v_align="MIDDLE",
        repeat_headings=1,
    ) as fpdf_table:
        for r, cells in enumerate(sheet.rows):
            row = fpdf_table.row()
            for c, cell in enumerate(cells):
                row.cell(cell.text, style=_cell_style(canvas, table, r, c, cell.size))
    end = pdf.get_y()
    if table.total_row:
        canvas.draw(MUTED, 0.3)
        top = end - sheet.row_height(len(sheet.rows) - 1)
        pdf.line(box.x, top, box.x + box.w, top)
    canvas.draw(FAINT, 0.25)
    pdf.line(box.x, end, box.x + box.w, end)
    return end


def _cell_style(canvas: Canvas, table: Table, r: int, c: int, size: float) -> FontFace:
    """The font of row ``r`` (0: the headings), column ``c``: its size, bold in the total
    row, the tone's colour in the tone column."""
    body = r - 1
    total = table.total_row and body == len(table.rows) - 1
    colour = None
    if body >= 0 and c == table.tone_column and body < len(table.tones) and table.tones[body]:
        colour = TONES.get(table.tones[body], INK)
    return FontFace(
        emphasis="B" if total and canvas.has_bold else None,
        size_pt=size * canvas.s,
        color=colour,
    )


def _sheet(canvas: Canvas, table: Table, width: float, row_h: float) -> _Sheet:
    """``table`` made ready to be set ``width`` wide with rows ``row_h`` high."""
    n = len(table.headers)
    rel = table.widths or (1.0,) * n
    inner = [width * r / sum(rel) - 2 * CELL_PAD for r in rel]
    size = min(TEXT_SIZE, row_h * 1.62)
    heads = zip(table.headers, inner, strict=True)
    rows = [tuple(_cell(canvas, h, w, size * 0.96, True) for h, w in heads)]
    for r, row in enumerate(table.rows):
        total = table.total_row and r == len(table.rows) - 1
        cells = zip(row, inner, strict=True)
        rows.append(tuple(_cell(canvas, str(c), w, size, total) for c, w in cells))
    return _Sheet(tuple(rows), row_h, size * PT * 1.3)


def _cell(canvas: Canvas, text: str, width: float, size: float, bold: bool) -> _Cell:
    """``text`` on one line ``width`` wide, made smaller (down to 70 %) if need be; else
    wrapped at its size."""
    fit = canvas.shrunk(text, width, size, bold)
    if fit is not None:
        return _Cell(text, fit, 1)
    lines = canvas.lines(text, width, size, bold)
    return _Cell("\n".join(lines), size, len(lines))
