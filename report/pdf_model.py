"""What a printed brief is made of, as plain data, and the paper and colours it is set in.

:mod:`township_atlas.report.content` fills these in; :mod:`township_atlas.report.pdf` sets
them on paper. Strings, numbers and GeoDataFrames only: nothing here draws or computes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd

from .static_map import MapLayers

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
    ``tones`` entry; ``total_row`` sets the last row in bold. A ``movable`` table at the end
    of a page's blocks goes whole to a next page when the blocks before it fill this one,
    rather than cut them (a short summary after the page's main table)."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    align: str = ""
    widths: tuple[float, ...] = ()
    tone_column: int | None = None
    tones: tuple[str, ...] = ()
    total_row: bool = False
    movable: bool = False


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
