"""Boundary geometry: each feature made a valid MultiPolygon (or refused with the reason), and
villages checked against the township outline.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .errors import Note
from .vector_crs import _all_finite

_POLYGONAL = {"Polygon", "MultiPolygon"}


def _polygonal_part(geom) -> shapely.MultiPolygon | None:
    """The polygons of ``geom`` (a collection's too) as one MultiPolygon, or None."""
    polys = [
        p
        for p in shapely.get_parts(shapely.get_parts(geom))
        if p.geom_type == "Polygon" and not p.is_empty
    ]
    if not polys:
        return None
    return shapely.MultiPolygon(polys)


def _fix_geometry(geom) -> tuple[object | None, Note | None, bool]:
    """(MultiPolygon, problem, repaired)."""
    if geom is None or shapely.is_missing(geom) or geom.is_empty:
        return None, ("几何图形为空或无法读取", "geometry is missing, empty or unreadable"), False
    if not _all_finite(np.array([geom], dtype=object))[0]:
        return (
            None,
            (
                "坐标不是有限数值（NaN 或 Infinity），无法使用",
                "a coordinate is not a finite number (NaN or Infinity)",
            ),
            False,
        )
    kind = geom.geom_type
    if kind not in _POLYGONAL:
        part = _polygonal_part(geom) if kind == "GeometryCollection" else None
        if part is None:
            return (
                None,
                (f"几何类型为 {kind}，不是面（多边形）", f"geometry is a {kind}, not a polygon"),
                False,
            )
        geom = part
    try:
        if geom.is_valid:
            return _polygonal_part(geom), None, False
        fixed = _polygonal_part(shapely.make_valid(geom))
    except shapely.errors.GEOSException as exc:  # GEOS refuses what it cannot compute
        return None, (f"几何图形无法处理（{exc}）", f"geometry cannot be processed ({exc})"), False
    if fixed is None or fixed.area == 0:
        return (
            None,
            (
                "几何图形无效，修复后没有面积",
                "geometry is invalid and no area remains after repair",
            ),
            False,
        )
    if not fixed.is_valid:  # make_valid of a MultiPolygon's parts can overlap: merge them
        fixed = _polygonal_part(shapely.union_all(fixed.geoms))
        if fixed is None or not fixed.is_valid:
            return (
                None,
                ("几何图形无效且无法修复", "geometry is invalid and cannot be repaired"),
                False,
            )
    return fixed, None, True


def _repaired(wgs, reasons: list[list[Note]], notes: list[Note]) -> list[object | None]:
    """Each geometry as a valid MultiPolygon (or None with the reason); a note lists the rows
    repaired."""
    fixed: list[object | None] = []
    repaired_rows: list[int] = []
    for i, g in enumerate(wgs):
        geom, problem, repaired = _fix_geometry(g)
        fixed.append(geom)
        if problem:
            reasons[i].append(problem)
        if repaired:
            repaired_rows.append(i + 1)
    if repaired_rows:
        shown = "、".join(map(str, repaired_rows[:20])) + ("…" if len(repaired_rows) > 20 else "")
        shown_en = ", ".join(map(str, repaired_rows[:20])) + (
            ", …" if len(repaired_rows) > 20 else ""
        )
        notes.append(
            (
                f"{len(repaired_rows)} 个无效几何图形已修复（make_valid，只保留面部分）："
                f"第 {shown} 行",
                f"{len(repaired_rows)} invalid geometr{'y' if len(repaired_rows) == 1 else 'ies'} "
                f"repaired (make_valid, polygonal parts kept): row(s) {shown_en}",
            )
        )
    return fixed


#: Share of a village's area that may lie outside the township outline before it is flagged.
OUTSIDE_TOLERANCE = 0.05


def outside_share(frame: gpd.GeoDataFrame, outline) -> pd.Series:
    """Share (0–1) of each village's area outside ``outline`` (a GeoDataFrame/GeoSeries/geometry).

    Areas are measured in the CGCS2000 Gauss-Krüger zone of the data, never in degrees.
    """
    from ...geo.crs import metric_crs

    if isinstance(outline, (gpd.GeoDataFrame, gpd.GeoSeries)):
        outline_series = outline.geometry if isinstance(outline, gpd.GeoDataFrame) else outline
        outline_series = outline_series.to_crs(frame.crs)
    else:
        outline_series = gpd.GeoSeries([outline], crs=frame.crs)
    if frame.empty:
        return pd.Series([], index=frame.index, dtype="float64")
    metric = metric_crs(frame)
    villages = frame.geometry.to_crs(metric)
    shape = shapely.union_all(outline_series.to_crs(metric).to_numpy())
    area = villages.area
    outside = villages.difference(shape).area
    return (outside / area.where(area > 0)).fillna(0.0).astype("float64")


def outside_outline(
    frame: gpd.GeoDataFrame, outline, tolerance: float = OUTSIDE_TOLERANCE
) -> pd.Series:
    """True for each village with more than ``tolerance`` of its area outside ``outline``."""
    return outside_share(frame, outline) > tolerance


def outside_reason(share: float) -> Note:
    """The rejection reason (zh, en) for a village with ``share`` of its area outside."""
    pct = f"{share * 100:.0f}%"
    return (
        f"村界有 {pct} 的面积在乡镇界之外（允许 {OUTSIDE_TOLERANCE * 100:.0f}%）",
        f"{pct} of the village's area lies outside the township outline "
        f"(at most {OUTSIDE_TOLERANCE * 100:.0f}% allowed)",
    )
