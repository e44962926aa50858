"""The map block of a page: the picture (from :mod:`township_atlas.report.static_map`), its
legend under it, and what is set over it as text and vector drawing: the 示意图 stamp, the
north arrow, the scale bar, 安 on the relocation sites and the names with their gap badges,
each name at the first place near its village where it covers nothing else."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import geopandas as gpd

from .label_index import PlacedBoxes, place
from .pdf_canvas import PT, Box, Canvas
from .pdf_model import ACCENT, BADGE, INK, MAP_DPI, MUTED, LegendEntry, MapPanel
from .static_map import RenderedMap, render_map

LEGEND_STEP = 4.6  # mm from one legend row to the next

LegendRow = list[tuple[LegendEntry, float]]


def map_panel(canvas: Canvas, panel: MapPanel, box: Box) -> None:
    """The map of ``panel`` filling ``box``: the picture, framed, over its legend."""
    pad = 2.5
    rows = legend_rows(canvas, panel, box.w - 2 * pad)
    legend_h = 2.5 + LEGEND_STEP * len(rows) + 1.5
    image = Box(box.x, box.y, box.w, box.h - legend_h)
    s = canvas.s
    rendered = render_map(panel.layers, image.w * s, image.h * s, dpi=MAP_DPI, scale=s)
    canvas.pdf.image(rendered.image, x=image.x, y=image.y, w=image.w, h=image.h)
    canvas.draw("#9e9e9e", 0.3)
    canvas.pdf.rect(box.x, box.y, box.w, box.h)
    canvas.pdf.line(box.x, image.y + image.h, box.x + box.w, image.y + image.h)
    legend(canvas, panel, rows, Box(box.x + pad, image.y + image.h + 2.2, box.w - 2 * pad, 0))

    obstacles = []
    points = panel.layers.points
    if points is not None and len(points):  # names keep clear of the symbols
        obstacles += point_texts(canvas, points, rendered, image)
    if panel.illustrative:
        obstacles.append(stamp(canvas, image, panel.illustrative_note))
    obstacles.append(north_arrow(canvas, image))
    obstacles.append(scale_bar(canvas, image, rendered))
    labels(canvas, panel.labels, rendered, image, obstacles)


# ----------------------------------------------------------------------------- legend
def legend_rows(canvas: Canvas, panel: MapPanel, width: float) -> list[LegendRow]:
    """Legend entries flowed into rows (each with its width) after the title."""
    rows: list[LegendRow] = [[]]
    used = canvas.width(panel.legend_title, 7.5, True) + 4
    for entry in panel.legend:
        w = 6.5 + canvas.width(entry.label, 7) + 4
        if used + w > width and rows[-1]:
            rows.append([])
            used = 0.0
        rows[-1].append((entry, w))
        used += w
    return rows


def legend(canvas: Canvas, panel: MapPanel, rows: list[LegendRow], box: Box) -> None:
    """The legend's title, then each entry's swatch and words, row by row."""
    y = box.y
    canvas.text(box.x, y, panel.legend_title, 7.5, bold=True)
    x = box.x + canvas.width(panel.legend_title, 7.5, True) + 4
    for row in rows:
        for entry, w in row:
            swatch(canvas, entry, Box(x, y + 0.2, 5.0, 2.9))
            canvas.text(x + 6.5, y, entry.label, 7)
            x += w
        y += LEGEND_STEP
        x = box.x


def swatch(canvas: Canvas, entry: LegendEntry, box: Box) -> None:
    """How ``entry`` looks on the map, drawn small in ``box``."""
    pdf = canvas.pdf
    x, y, w, h = box.x, box.y, box.w, box.h
    cy = y + h / 2
    if entry.kind == "area":
        canvas.fill(entry.colour)
        canvas.draw("#6e6e6e", 0.15)
        pdf.rect(x, y, w, h, style="DF")
    elif entry.kind == "outline":
        canvas.draw(entry.colour, entry.width * PT)
        pdf.rect(x + 0.3, y + 0.3, w - 0.6, h - 0.6)
    elif entry.kind in ("line", "dashed"):
        canvas.draw(entry.colour, entry.width * PT)
        if entry.kind == "dashed":
            pdf.set_dash_pattern(dash=1.1, gap=0.8)
        pdf.line(x, cy, x + w, cy)
        pdf.set_dash_pattern()
    else:
        marker(canvas, entry.kind, entry.colour, x + w / 2, cy, 1.6 if entry.text else 1.35)
        if entry.text:
            canvas.text(
                x,
                cy - 4.6 * PT * 0.5,
                entry.text,
                4.6,
                bold=True,
                colour="#ffffff",
                align="C",
                width=w,
            )


def marker(canvas: Canvas, kind: str, colour: str, cx: float, cy: float, r: float) -> None:
    """A point symbol of radius ``r`` centred on (cx, cy), white-rimmed as on the map."""
    pdf = canvas.pdf
    canvas.fill(colour)
    canvas.draw("#ffffff", 0.25)
    if kind == "ring":
        canvas.fill("#ffffff")
        canvas.draw(colour, 0.4)
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
        pdf.polygon(_plus(cx, cy, r), style="DF")
    else:
        pdf.circle(x=cx, y=cy, radius=r, style="DF")


def _plus(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    """The outline of a plus sign (a clinic) of arm ``r`` around (cx, cy)."""
    t = r * 0.38
    return [
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


# ----------------------------------------------------------------------------- map furniture
def point_texts(
    canvas: Canvas, points: gpd.GeoDataFrame, rendered: RenderedMap, image: Box
) -> list[Box]:
    """Set each point's ``text`` (安) in white over its symbol; returns the boxes the
    symbols take (for the names to keep clear of)."""
    sizes = points["size"] if "size" in points else [5.0] * len(points)
    texts = points["text"] if "text" in points else [""] * len(points)
    boxes = []
    for (fx, fy), size, text in zip(rendered.fractions(points.geometry), sizes, texts, strict=True):
        if not (0 <= fx <= 1 and 0 <= fy <= 1):
            continue
        px, py = image.x + fx * image.w, image.y + fy * image.h
        half = max(1.4, float(size) * PT / 2 + 0.3)
        boxes.append(Box(px - half, py - half, 2 * half, 2 * half))
        if isinstance(text, str) and text:
            glyph = float(size) * 0.62  # pt: inside the symbol with a rim to spare
            canvas.text(
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


def stamp(canvas: Canvas, image: Box, note: str) -> Box:
    """The 示意图 mark, top left: boundaries are a sketch, not a survey."""
    w = max(canvas.width("示意图", 11, True), canvas.width(note, 6.5)) + 4
    box = Box(image.x + 2.5, image.y + 2.5, w, 11.5)
    with canvas.pdf.local_context(fill_opacity=0.88):
        canvas.fill("#ffffff")
        canvas.pdf.rect(box.x, box.y, box.w, box.h, style="F")
    canvas.draw(ACCENT, 0.45)
    canvas.pdf.rect(box.x, box.y, box.w, box.h)
    canvas.text(box.x, box.y + 1.0, "示意图", 11, bold=True, colour=ACCENT, align="C", width=box.w)
    canvas.text(box.x, box.y + 6.6, note, 6.5, colour=ACCENT, align="C", width=box.w)
    return box


def north_arrow(canvas: Canvas, image: Box) -> Box:
    """A north arrow, top right (the map's grid north: the page's up)."""
    pdf = canvas.pdf
    cx, top = image.x + image.w - 8.0, image.y + 3.0
    box = Box(cx - 4.5, top - 0.8, 9, 15.2)
    with pdf.local_context(fill_opacity=0.85):
        canvas.fill("#ffffff")
        pdf.rect(box.x, box.y, box.w, box.h, style="F", round_corners=True, corner_radius=1)
    canvas.text(cx - 5, top, "北", 8, bold=True, align="C", width=10)
    tip, base, half = top + 4.2, top + 13.0, 2.6
    canvas.draw(INK, 0.25)
    canvas.fill(INK)
    pdf.polygon([(cx, tip), (cx, base - 2.2), (cx - half, base)], style="DF")
    canvas.fill("#ffffff")
    pdf.polygon([(cx, tip), (cx + half, base), (cx, base - 2.2)], style="DF")
    return box


def scale_bar(canvas: Canvas, image: Box, rendered: RenderedMap) -> Box:
    """A scale bar, bottom left, of a round length about a fifth of the map's width."""
    pdf = canvas.pdf
    mm_per_m = image.w / rendered.metres_per_width
    length = _nice(image.w * 0.22 / mm_per_m)
    bar = length * mm_per_m
    parts = 4 if _nice_split(length, 4) else 2
    x, y = image.x + 4.0, image.y + image.h - 9.0
    unit = "km" if length >= 1000 else "m"
    shown = (lambda v: f"{v / 1000:g}") if unit == "km" else (lambda v: f"{v:g}")
    end_label = f"{shown(length)} {unit}"
    box = Box(x - 2.0, y - 4.5, bar + canvas.width(end_label, 6.5) / 2 + 5.0, 10.0)
    with pdf.local_context(fill_opacity=0.85):
        canvas.fill("#ffffff")
        pdf.rect(box.x, box.y, box.w, box.h, style="F")
    canvas.draw(INK, 0.2)
    for i in range(parts):
        canvas.fill(INK if i % 2 == 0 else "#ffffff")
        pdf.rect(x + bar * i / parts, y + 1.2, bar / parts, 1.5, style="DF")
    for i in (0, parts // 2, parts):
        number = shown(length * i / parts)
        label = f"{number} {unit}" if i == parts else number
        lx = x + bar * i / parts
        canvas.text(lx - canvas.width(number, 6.5) / 2, y - 3.0, label, 6.5)
    return box


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


# ----------------------------------------------------------------------------- names
@dataclass(frozen=True)
class _Label:
    """A name measured for the map: its words, the note under them and the gap badge after
    them, with their sizes (pt) and the width and height they take together (mm)."""

    text: str
    note: str
    badge: str
    quiet: bool
    size: float
    note_size: float
    line_w: float
    line_h: float
    badge_w: float
    badge_h: float
    badge_size: float
    w: float
    h: float


def labels(
    canvas: Canvas,
    frame: gpd.GeoDataFrame,
    rendered: RenderedMap,
    image: Box,
    obstacles: list[Box],
) -> None:
    """Names over the map (with their gap badge after them), each at the first nearby
    place where it overlaps nothing, else where it overlaps least."""
    if frame is None or not len(frame):
        return
    inner = Box(image.x + 1, image.y + 1, image.w - 2, image.h - 2)
    placed = PlacedBoxes(obstacles)
    for (fx, fy), text, note, quiet, badge in _label_rows(frame, rendered):
        label = _measure(canvas, text, note, quiet, badge)
        box = place(label.w, label.h, image.x + fx * image.w, image.y + fy * image.h, inner, placed)
        if box is not None:
            placed.add(box)
            _draw_label(canvas, label, box)


def _label_rows(
    frame: gpd.GeoDataFrame, rendered: RenderedMap
) -> Iterator[tuple[tuple[float, float], str, str, bool, str]]:
    """Each label with a place inside the picture and something to say: where (shares of
    the picture), text, note, muted, badge (missing values as "")."""
    n = len(frame)
    notes = frame["note"] if "note" in frame else [""] * n
    muted = frame["muted"] if "muted" in frame else [False] * n
    badges = frame["badge"] if "badge" in frame else [""] * n
    for (fx, fy), text, note, quiet, badge in zip(
        rendered.fractions(rendered.label_points(frame.geometry)),
        frame["text"],
        notes,
        muted,
        badges,
        strict=True,
    ):
        if not (0 <= fx <= 1 and 0 <= fy <= 1):  # outside the picture (or NaN)
            continue
        text, note, badge = _plain(text), _plain(note), _plain(badge)
        if text or note or badge:
            yield (fx, fy), text, note, bool(quiet), badge


def _plain(value: object) -> str:
    """A cell as text: "" for missing (None or NaN)."""
    return "" if value is None or value != value else str(value)


def _measure(canvas: Canvas, text: str, note: str, quiet: bool, badge: str) -> _Label:
    """``text`` (muted: a neighbour's, smaller and grey), its ``note`` and ``badge`` measured."""
    size, note_size = (6.3, 5.8) if quiet else (7.6, 6.6)
    text_w = canvas.width(text, size, not quiet) if text else 0.0
    badge_w, badge_h, badge_size = badge_measure(canvas, badge, quiet)
    line_w = text_w + (0.7 if text and badge else 0.0) + badge_w
    note_w = canvas.width(note, note_size) if note else 0.0
    line_h = max(size * PT * 1.15 if text else 0.0, badge_h)
    h = line_h + (note_size * PT * 1.1 if note else 0.0)
    return _Label(
        text=text,
        note=note,
        badge=badge,
        quiet=quiet,
        size=size,
        note_size=note_size,
        line_w=line_w,
        line_h=line_h,
        badge_w=badge_w,
        badge_h=badge_h,
        badge_size=badge_size,
        w=max(line_w, note_w),
        h=h,
    )


def _draw_label(canvas: Canvas, label: _Label, box: Box) -> None:
    """The name (haloed in white), its badge after it and its note under it, in ``box``."""
    left = box.x + (box.w - label.line_w) / 2
    if label.text:
        canvas.text(
            left,
            box.y + (label.line_h - label.size * PT * 1.15) / 2,
            label.text,
            label.size,
            bold=not label.quiet,
            colour=MUTED if label.quiet else INK,
            halo="#ffffff",
        )
    if label.badge:
        spot = Box(
            left + label.line_w - label.badge_w,
            box.y + (label.line_h - label.badge_h) / 2,
            label.badge_w,
            label.badge_h,
        )
        draw_badge(canvas, label.badge, spot, label.badge_size)
    if label.note:
        canvas.text(
            box.x,
            box.y + label.line_h,
            label.note,
            label.note_size,
            align="C",
            width=box.w,
            halo="#ffffff",
        )


def badge_measure(canvas: Canvas, text: str, quiet: bool = False) -> tuple[float, float, float]:
    """Width and height (mm) of a gap badge holding ``text``, and its type size (pt)."""
    if not text:
        return 0.0, 0.0, 0.0
    d, size = (2.9, 5.0) if quiet else (3.4, 5.8)
    return max(d, canvas.width(text, size, True) + 1.4), d, size


def draw_badge(canvas: Canvas, text: str, box: Box, size: float) -> None:
    """A red rounded badge with a white rim and ``text`` in white (the dashboard's)."""
    canvas.fill(BADGE)
    canvas.draw("#ffffff", 0.35)
    if box.w - box.h < 0.05:  # one digit: a round badge
        canvas.pdf.circle(x=box.x + box.w / 2, y=box.y + box.h / 2, radius=box.h / 2, style="DF")
    else:
        canvas.pdf.rect(
            box.x, box.y, box.w, box.h, style="DF", round_corners=True, corner_radius=box.h / 3
        )
    canvas.text(
        box.x,
        box.y + (box.h - size * PT) / 2 - 0.05,
        text,
        size,
        bold=True,
        colour="#ffffff",
        align="C",
        width=box.w,
    )
