"""Reading files from outside the workspace: point layers for planning (GeoJSON and friends)."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pyogrio
from pyogrio.errors import DataSourceError


def read_points(path: str | os.PathLike, what: str, id_column: str = "id") -> gpd.GeoDataFrame:
    """A point file with an ``id`` column and a declared CRS.

    ``what`` names the file's role in error messages (e.g. "candidates"). Raises ``ValueError``
    with one clear sentence for a missing or unreadable file, no CRS, no ``id`` column, or
    geometry that is not points.
    """
    source = Path(path)
    if not source.is_file():
        raise ValueError(f"{what}: no file at {source}")
    try:
        frame = pyogrio.read_dataframe(source)
    except DataSourceError as exc:
        raise ValueError(f"{what}: cannot read {source.name} ({exc})") from exc
    if frame.crs is None:
        raise ValueError(f"{what}: {source.name} declares no CRS; add one (e.g. EPSG:4326)")
    if id_column not in frame.columns:
        raise ValueError(f"{what}: {source.name} has no {id_column!r} column")
    kinds = set(frame.geom_type.dropna())
    if kinds - {"Point"}:
        raise ValueError(f"{what}: {source.name} holds {', '.join(sorted(kinds))}, not points")
    frame[id_column] = frame[id_column].astype(str)
    return frame
