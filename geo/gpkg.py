"""A GeoPackage's rows changed in place through SQLite: only what a change touches.

GDAL writes whole layers; a recorded change touches one row and appends a few history rows.
This module writes such a change straight into the GeoPackage's tables in one SQLite
transaction (``BEGIN IMMEDIATE``, WAL journal so readers never wait): rows are compared by
position with what the file holds, rows that differ are updated where they are, rows past the
old end are inserted and rows past the new end deleted, so the file reads back in exactly the
order of the frame written. Geometry goes in as GeoPackage blobs (a ``GP`` header with the
envelope, then WKB); the R-tree triggers GDAL created call ``ST_MinX`` and friends, which
:func:`connect` provides.

A table or column the file lacks, or a geometry the table's type cannot take, raises
:class:`NotInPlace`: the caller then writes the whole file as before.
"""

from __future__ import annotations

import os
import sqlite3
import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from .row_diff import Diff, stored_fids

#: How long a writer waits for another connection's lock (ms); writers already take turns
#: through the workspace's lock file, so this only covers readers checkpointing the WAL.
BUSY_MS = 30_000
#: Rows whose values are made into SQLite's Python objects at once when a change is written.
BATCH_ROWS = 20_000


class NotInPlace(Exception):
    """The change cannot be written into this file's tables as they are (missing table or
    column, a geometry type the table does not hold): write the whole workspace instead."""


def connect(path: str | os.PathLike) -> sqlite3.Connection:
    """An SQLite connection to the GeoPackage at ``path`` that can run GDAL's triggers;
    transactions are begun explicitly (autocommit otherwise)."""
    conn = sqlite3.connect(os.fspath(path), timeout=BUSY_MS / 1000, isolation_level=None)
    for name, fn in (
        ("ST_IsEmpty", _is_empty),
        ("ST_MinX", lambda b: _envelope(b, 0)),
        ("ST_MaxX", lambda b: _envelope(b, 1)),
        ("ST_MinY", lambda b: _envelope(b, 2)),
        ("ST_MaxY", lambda b: _envelope(b, 3)),
    ):
        conn.create_function(name, 1, fn, deterministic=True)
    conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")
    return conn


# ----------------------------------------------------------------------------- geometry blobs
def geometry_blobs(geoms: Sequence, srs_id: int) -> list[bytes | None]:
    """GeoPackage geometry blobs (little-endian, with an [minx, maxx, miny, maxy] envelope;
    empty geometries flagged empty) for ``geoms``; None stays NULL."""
    arr = np.asarray(geoms, dtype=object)
    missing = pd.isna(arr)
    wkb = shapely.to_wkb(np.where(missing, None, arr), byte_order=1, output_dimension=2)
    bounds = shapely.bounds(np.where(missing, None, arr))
    empty = shapely.is_empty(np.where(missing, None, arr))
    out: list[bytes | None] = []
    for i in range(len(arr)):
        if missing[i]:
            out.append(None)
        elif empty[i]:
            out.append(b"GP\x00" + bytes([0b10001]) + struct.pack("<i", srs_id) + wkb[i])
        else:
            minx, miny, maxx, maxy = bounds[i]
            head = b"GP\x00\x03" + struct.pack("<i4d", srs_id, minx, maxx, miny, maxy)
            out.append(head + wkb[i])
    return out


_ENVELOPE_DOUBLES = {0: 0, 1: 4, 2: 6, 3: 6, 4: 8}


def _parts(blob: bytes) -> tuple[int, bool, tuple[float, ...]]:
    """(envelope kind, empty, envelope doubles) of a GeoPackage blob."""
    flags = blob[3]
    kind = (flags >> 1) & 0b111
    order = "<" if flags & 1 else ">"
    n = _ENVELOPE_DOUBLES.get(kind, 0)
    env = struct.unpack_from(f"{order}{n}d", blob, 8) if n else ()
    return n, bool(flags & 0b10000), env


def _is_empty(blob: bytes | None) -> int | None:
    if blob is None:
        return None
    return int(_parts(blob)[1])


def _envelope(blob: bytes | None, which: int) -> float | None:
    """minx, maxx, miny, maxy (``which`` 0–3) from the blob's envelope, else from its WKB
    (GDAL writes points without one)."""
    if blob is None:
        return None
    n, empty, env = _parts(blob)
    if empty:
        return None
    if n:
        return env[which]
    geom = shapely.from_wkb(bytes(blob[8:]))
    minx, miny, maxx, maxy = geom.bounds
    return (minx, maxx, miny, maxy)[which]


# ----------------------------------------------------------------------------- tables
@dataclass(frozen=True)
class Table:
    """A feature or attribute table as the file declares it."""

    name: str
    columns: Mapping[str, str]  # column -> declared type (upper case), fid and geometry left out
    geometry: str | None  # the geometry column
    geometry_type: str | None  # e.g. MULTIPOLYGON
    srs_id: int | None


def table(conn: sqlite3.Connection, name: str) -> Table:
    """How ``name`` is declared in the file; :class:`NotInPlace` when it has no such table."""
    info = conn.execute(f"PRAGMA table_info({_quote(name)})").fetchall()
    if not info:
        raise NotInPlace(f"no table {name}")
    geom = conn.execute(
        "SELECT column_name, geometry_type_name, srs_id FROM gpkg_geometry_columns "
        "WHERE lower(table_name) = lower(?)",
        (name,),
    ).fetchone()
    skip = {"fid", geom[0] if geom else None}
    columns = {row[1]: str(row[2]).upper() for row in info if row[1] not in skip}
    if geom is None:
        return Table(name, columns, None, None, None)
    return Table(name, columns, geom[0], str(geom[1]).upper(), int(geom[2]))


def stored_geometry(geoms: Sequence, declared: str) -> np.ndarray:
    """``geoms`` as a table of type ``declared`` holds them: single parts made multi in a
    MULTI* table (as GDAL's promote_to_multi does); :class:`NotInPlace` for a multi part
    in a single-part table."""
    arr = np.asarray(geoms, dtype=object)
    if not len(arr):
        return arr
    kinds = shapely.get_type_id(arr)
    if declared.startswith("MULTI"):
        single = {"MULTIPOLYGON": 3, "MULTILINESTRING": 1, "MULTIPOINT": 0}.get(declared)
        lift = {3: shapely.MultiPolygon, 1: shapely.MultiLineString, 0: shapely.MultiPoint}
        if single is not None and (kinds == single).any():
            arr = arr.copy()
            for i in np.flatnonzero(kinds == single):
                arr[i] = lift[single]([arr[i]])
        return arr
    if declared != "GEOMETRY" and (kinds >= 4).any():  # multi parts or collections
        raise NotInPlace(f"{declared} table cannot take multi-part geometry")
    return arr


def write_rows(conn: sqlite3.Connection, spec: Table, frame: pd.DataFrame, diff: Diff) -> Diff:
    """Make table ``spec`` hold ``frame`` (its rows in order), given how ``frame`` differs from
    the rows the table holds now (``diff``, by position in file order). Runs inside the
    caller's transaction; returns ``diff``."""
    missing = [c for c in frame.columns if c != _geom_name(frame) and c not in spec.columns]
    if missing:
        raise NotInPlace(f"{spec.name} has no column {missing[0]}")
    fids = _fids(conn, spec.name)
    if len(fids) != diff.n_old:
        raise NotInPlace(f"{spec.name} holds {len(fids)} rows, not the {diff.n_old} read")
    changed, n_old, n_new = diff.changed, diff.n_old, diff.n_new
    columns = [c for c in frame.columns if c != _geom_name(frame)]
    names = [*columns, spec.geometry] if spec.geometry else columns
    # a batch of rows at a time: every cell of the rows as Python objects at once rose 44 MB
    # over the frame for 100,000 people's members (6 MB in batches), ten times that at 1M
    if len(changed):
        sets = ", ".join(f"{_quote(c)} = ?" for c in names)
        sql = f"UPDATE {_quote(spec.name)} SET {sets} WHERE fid = ?"
        for start in range(0, len(changed), BATCH_ROWS):
            part = changed[start : start + BATCH_ROWS]
            values = _column_values(frame.iloc[part], spec, columns)
            conn.executemany(sql, ([*_row(values, j), int(fids[i])] for j, i in enumerate(part)))
    if n_new > n_old:
        marks = ", ".join("?" for _ in names)
        cols = ", ".join(_quote(c) for c in names)
        sql = f"INSERT INTO {_quote(spec.name)} ({cols}) VALUES ({marks})"
        for start in range(n_old, n_new, BATCH_ROWS):
            part = frame.iloc[start : min(start + BATCH_ROWS, n_new)]
            values = _column_values(part, spec, columns)
            conn.executemany(sql, (_row(values, j) for j in range(len(part))))
    if n_old > n_new:
        conn.executemany(
            f"DELETE FROM {_quote(spec.name)} WHERE fid = ?", ([int(f)] for f in fids[n_new:])
        )
    if spec.geometry:
        _touch_contents(conn, spec.name, frame)
    return diff


def _fids(conn: sqlite3.Connection, table_name: str) -> range | list[int]:
    t = _quote(table_name)
    low, high, count = conn.execute(f"SELECT min(fid), max(fid), count(*) FROM {t}").fetchone()
    return stored_fids(
        low, high, count, lambda: [r[0] for r in conn.execute(f"SELECT fid FROM {t} ORDER BY fid")]
    )


def _geom_name(frame: pd.DataFrame) -> str | None:
    return frame.geometry.name if hasattr(frame, "geometry") and "geometry" in frame else None


def _column_values(frame: pd.DataFrame, spec: Table, columns: Iterable[str]) -> list[list]:
    """Each column's values as SQLite takes them (None for missing), geometry last."""
    out = []
    for col in columns:
        declared = spec.columns[col]
        cells = frame[col].tolist()
        if declared in ("BOOLEAN",):
            out.append([None if _missing(v) else int(bool(v)) for v in cells])
        elif declared in ("INTEGER", "INT", "MEDIUMINT", "SMALLINT", "TINYINT"):
            out.append([None if _missing(v) else _int(v) for v in cells])
        elif declared in ("REAL", "FLOAT", "DOUBLE"):
            out.append([None if _missing(v) else float(v) for v in cells])
        else:
            out.append([None if _missing(v) else _text(v) for v in cells])
    if spec.geometry:
        stored = stored_geometry(frame.geometry.to_numpy(), spec.geometry_type or "GEOMETRY")
        out.append(geometry_blobs(stored, spec.srs_id or 0))
    return out


def _row(values: list[list], i: int) -> list:
    return [col[i] for col in values]


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _int(value: object) -> int | float:
    number = float(value) if not isinstance(value, (int, np.integer)) else int(value)
    return int(number) if float(number).is_integer() else number


def _text(value: object) -> str | int | float:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value)).lower()
    if isinstance(value, (np.integer, np.floating)):
        return value.item()
    return value if isinstance(value, (int, float)) else str(value)


def _touch_contents(conn: sqlite3.Connection, name: str, frame: pd.DataFrame) -> None:
    """The layer's extent and time of last change in ``gpkg_contents`` (what QGIS zooms to)."""
    geoms = frame.geometry
    bounds = geoms.total_bounds if len(geoms) and not geoms.isna().all() else [None] * 4
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    conn.execute(
        "UPDATE gpkg_contents SET last_change = ?, min_x = ?, min_y = ?, max_x = ?, max_y = ? "
        "WHERE lower(table_name) = lower(?)",
        (stamp, *[None if b is None or b != b else float(b) for b in bounds], name),
    )


def set_meta(conn: sqlite3.Connection, table_name: str, items: Mapping[str, str]) -> None:
    """Set key/value rows of the metadata table (updated where the key is, else added)."""
    t = _quote(table_name)
    for key, value in items.items():
        cur = conn.execute(f"UPDATE {t} SET value = ? WHERE key = ?", (str(value), key))
        if cur.rowcount == 0:
            conn.execute(f"INSERT INTO {t} (key, value) VALUES (?, ?)", (key, str(value)))


def read_meta(path: str | os.PathLike, table_name: str, keys: Sequence[str]) -> dict[str, str]:
    """Those metadata rows of the GeoPackage at ``path`` (``{}`` when it cannot be read):
    a read of a few bytes, for checking a cache."""
    # mode=rw: a missing file stays missing (a plain connect would create it); not read-only,
    # which would leave the WAL's -wal and -shm files behind (only a writer removes them)
    try:
        uri = Path(path).resolve().as_uri() + "?mode=rw"
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_MS / 1000)
    except (sqlite3.Error, OSError):
        return {}
    try:
        marks = ", ".join("?" for _ in keys)
        rows = conn.execute(
            f"SELECT key, value FROM {_quote(table_name)} WHERE key IN ({marks})", list(keys)
        ).fetchall()
        return {str(k): str(v) for k, v in rows}
    except sqlite3.Error:
        return {}
    finally:
        conn.close()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
