"""Draw a map to a PNG picture with matplotlib (Agg, no display needed) for printed briefs.

Every layer is drawn in one metre CRS (:func:`township_atlas.geo.crs.to_metric`), so a
kilometre measures the same across and up the picture and a scale bar drawn from
:attr:`RenderedMap.metres_per_width` is true. The picture holds no text: names, legend, scale
bar and north arrow are set as real (searchable) text and vector drawing on the PDF page
(:mod:`township_atlas.report.pdf`), at places given by :meth:`RenderedMap.fractions`.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from PIL import Image
from pyproj import CRS

from ..geo.crs import metric_crs

#: How each road class is drawn: colour, width (pt) and whether a white casing sets it off.
ROAD_STYLE = {
    "国道": ("#b35806", 1.7, True),
    "省道": ("#d95f0e", 1.5, True),
    "县道": ("#737373", 1.25, True),
    "乡道": ("#8c8c8c", 0.9, False),
    "村道": ("#a3a3a3", 0.6, False),
}
RIVER_COLOUR = "#4a90d9"
OUTLINE_COLOUR = "#333333"
EDGE_COLOUR = "#6e6e6e"
#: Point symbols by name (the legend on the page draws the same shapes).
MARKERS = {"circle": "o", "square": "s", "plus": "P", "triangle": "^", "diamond": "D"}


@dataclass(frozen=True)
class MapLayers:
    """What one map draws; frames in any CRS (each is reprojected to the map's metre CRS).

    ``areas``: polygons with a ``fill`` colour and optional ``edge`` colour and
    ``edge_width`` (pt) columns. ``roads``: lines with ``road_class`` (国道 … 村道) and
    ``paved`` (unpaved roads are dashed). ``points``: ``colour``, ``marker`` (a key of
    :data:`MARKERS`) and optional ``size`` (pt), ``hollow`` (drawn as a ring of the colour:
    planned, not built), ``text`` (a character the page sets over the symbol, such as 安 on
    a relocation site; the picture itself holds no text) and ``layer`` (the dashboard layer
    the point belongs to, so an export can leave out the layers not chosen). ``focus``:
    geometries the map is zoomed to (default: all areas), with ``pad`` (a share of their
    extent) around them.
    """

    areas: gpd.GeoDataFrame
    outline: gpd.GeoDataFrame | None = None
    roads: gpd.GeoDataFrame | None = None
    rivers: gpd.GeoDataFrame | None = None
    points: gpd.GeoDataFrame | None = None
    focus: gpd.GeoDataFrame | None = None
    pad: float = 0.04


@dataclass(frozen=True)
class RenderedMap:
    """The picture (RGB) and where it lies: ``bounds`` (xmin, ymin, xmax, ymax) in ``crs`` metres
    fill it exactly, x to the right and y up."""

    image: Image.Image
    bounds: tuple[float, float, float, float]
    crs: CRS

    def png(self) -> bytes:
        """The picture as PNG bytes."""
        buffer = io.BytesIO()
        self.image.save(buffer, format="PNG")
        return buffer.getvalue()

    @property
    def metres_per_width(self) -> float:
        """Ground distance across the whole picture, in metres."""
        return self.bounds[2] - self.bounds[0]

    def label_points(self, geoms: gpd.GeoSeries, margin: float = 0.04) -> gpd.GeoSeries:
        """Where to write the name of each geometry: a polygon's visible part's pole of
        inaccessibility (the inside point farthest from its edges; the largest part of a
        polygon the picture cuts in several), a point itself. Empty for a polygon the picture
        (less its ``margin`` share on each side) shows only a sliver of: under half of it, and
        under 1 % of the picture."""
        import shapely
        from shapely.ops import polylabel

        xmin, ymin, xmax, ymax = self.bounds
        inset = margin * min(xmax - xmin, ymax - ymin)
        view = shapely.box(xmin + inset, ymin + inset, xmax - inset, ymax - inset)
        out = []
        for g in geoms.to_crs(self.crs).to_numpy():
            if g is None or g.is_empty or g.geom_type not in ("Polygon", "MultiPolygon"):
                out.append(g)
                continue
            part = g.intersection(view)
            if part.geom_type == "MultiPolygon":
                part = max(part.geoms, key=lambda p: p.area)
            sliver = part.area < 0.01 * view.area and part.area < 0.5 * g.area
            if part.geom_type != "Polygon" or sliver:
                out.append(shapely.Point())
                continue
            out.append(polylabel(part, tolerance=(xmax - xmin) / 400))
        return gpd.GeoSeries(out, index=geoms.index, crs=self.crs)

    def fractions(self, geoms: gpd.GeoSeries) -> list[tuple[float, float]]:
        """Where points lie in the picture: (share of its width from the left, share of its
        height from the top); points outside give values outside 0–1, empty ones NaN."""
        pts = geoms.to_crs(self.crs)
        xmin, ymin, xmax, ymax = self.bounds
        return [
            (math.nan, math.nan)
            if p is None or p.is_empty
            else ((p.x - xmin) / (xmax - xmin), (ymax - p.y) / (ymax - ymin))
            for p in pts.to_numpy()
        ]


def map_extent(
    layers: MapLayers, aspect: float, crs: CRS | None = None
) -> tuple[tuple[float, float, float, float], CRS]:
    """The bounds the map shows (the focus with its padding, widened to ``aspect`` = width /
    height) and the metre CRS they are in."""
    focus = layers.focus if layers.focus is not None and len(layers.focus) else layers.areas
    crs = crs or metric_crs(focus)
    xmin, ymin, xmax, ymax = focus.to_crs(crs).total_bounds
    w, h = max(xmax - xmin, 1.0), max(ymax - ymin, 1.0)
    pad = layers.pad * max(w, h)
    w, h = w + 2 * pad, h + 2 * pad
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), crs


def render_map(
    layers: MapLayers,
    width_mm: float,
    height_mm: float,
    *,
    dpi: int = 200,
    scale: float = 1.0,
) -> RenderedMap:
    """Draw ``layers`` as a ``width_mm`` × ``height_mm`` picture at ``dpi`` (lines and symbols
    ``scale`` times their A4 size: a page printed larger gets wider lines)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    bounds, crs = map_extent(layers, width_mm / height_mm)
    # No Agg canvas until everything is added: geopandas asks for a redraw after each layer,
    # which the figure's default canvas ignores and an Agg canvas would carry out.
    fig = Figure(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=dpi, facecolor="white")
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()

    areas = layers.areas.to_crs(crs)
    if len(areas):
        n = len(areas)
        edges = list(areas["edge"]) if "edge" in areas else [EDGE_COLOUR] * n
        widths = areas["edge_width"].to_numpy(float) if "edge_width" in areas else np.full(n, 0.5)
        # fills first, then edges thin to thick: a highlighted edge is never half-covered
        areas.plot(ax=ax, color=list(areas["fill"]), linewidth=0, aspect=None, zorder=1)
        order = np.argsort(widths, kind="stable")
        areas.iloc[order].boundary.plot(
            ax=ax,
            color=[edges[i] for i in order],
            linewidth=widths[order] * scale,
            aspect=None,
            zorder=5,
        )
    if layers.rivers is not None and len(layers.rivers):
        layers.rivers.to_crs(crs).plot(
            ax=ax, color=RIVER_COLOUR, linewidth=1.1 * scale, aspect=None, zorder=2
        )
    if layers.roads is not None and len(layers.roads):
        _draw_roads(ax, layers.roads.to_crs(crs), scale)
    if layers.outline is not None and len(layers.outline):
        layers.outline.to_crs(crs).boundary.plot(
            ax=ax, color=OUTLINE_COLOUR, linewidth=1.6 * scale, aspect=None, zorder=6
        )
    if layers.points is not None and len(layers.points):
        _draw_points(ax, layers.points.to_crs(crs), scale)
    ax.set_xlim(bounds[0], bounds[2])
    ax.set_ylim(bounds[1], bounds[3])
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    image = Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3].copy())
    return RenderedMap(image, bounds, crs)


def _draw_points(ax, pts: gpd.GeoDataFrame, scale: float) -> None:
    """Point symbols, largest first so a small one beside a large one stays visible: filled
    with a white rim, or hollow rings of their colour."""
    hollow = (
        pts["hollow"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        if "hollow" in pts
        else np.zeros(len(pts), dtype=bool)
    )
    sizes = (
        pd.to_numeric(pts["size"], errors="coerce").fillna(5.0).to_numpy(float)
        if "size" in pts
        else np.full(len(pts), 5.0)
    )
    colours, markers, geoms = list(pts["colour"]), list(pts["marker"]), list(pts.geometry)
    for rank, i in enumerate(np.argsort(-sizes, kind="stable")):
        ring = bool(hollow[i])
        ax.scatter(
            [geoms[i].x],
            [geoms[i].y],
            s=(sizes[i] * scale) ** 2,
            c="white" if ring else colours[i],
            marker=MARKERS.get(str(markers[i]), "o"),
            edgecolors=colours[i] if ring else "white",
            linewidths=(1.3 if ring else 0.7) * scale,
            zorder=8 + rank * 1e-4,
        )


def _draw_roads(ax, roads: gpd.GeoDataFrame, scale: float) -> None:
    """Roads from the lowest class up, each class over a white casing where it has one."""
    paved = roads["paved"].astype("boolean").fillna(True).to_numpy(dtype=bool)
    for rank, road_class in enumerate(reversed(list(ROAD_STYLE))):
        colour, width, cased = ROAD_STYLE[road_class]
        hit = (roads["road_class"] == road_class).to_numpy()
        if not hit.any():
            continue
        z = 3 + rank * 0.1
        if cased:
            roads[hit].plot(
                ax=ax, color="white", linewidth=(width + 1.2) * scale, aspect=None, zorder=z
            )
        for solid in (True, False):
            part = roads[hit & (paved == solid)]
            if len(part):
                part.plot(
                    ax=ax,
                    color=colour,
                    linewidth=width * scale,
                    linestyle="-" if solid else (0, (3, 2)),
                    aspect=None,
                    zorder=z + 0.05,
                )
