"""A workspace in PostgreSQL + PostGIS: the tables, and the rows a change touches.

An office server keeps its workspace in a database that several dashboard processes share.
A workspace is one schema of a database (``atlas`` unless the address names another with
``?schema=``): a table per layer, rows in the order written (a ``fid`` serial, as in a
GeoPackage), geometry in WGS84 (``geometry(…, 4326)``, indexed), and a ``atlas_meta``
key/value table holding the workspace's settings and its version.

Writers of a workspace take turns through a row lock (``SELECT … FOR UPDATE`` on the version
row of ``atlas_meta``), readers never wait (MVCC). A change compares rows by position as
:mod:`.gpkg` does: rows that differ are updated where they are, rows past the old end are
inserted, rows past the new end deleted, all in one transaction. A new workspace (or a whole
replacement) is written with ``COPY``.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .row_diff import Diff, stored_fids
from .schema import LAYERS, WGS84, Layer

SCHEMES = ("postgresql://", "postgres://")
DEFAULT_SCHEMA = "atlas"
META_TABLE = "atlas_meta"
#: The metadata row whose lock makes writers of one workspace take turns.
LOCK_KEY = "workspace_version"
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_TYPES = {
    "str": "text",
    "code": "text",
    "int": "bigint",
    "year": "bigint",
    "float": "double precision",
    "bool": "boolean",
}


class DatabaseError(OSError):
    """The database cannot be reached or does not take the change (the reason, one line)."""


def is_url(value: object) -> bool:
    """Whether ``value`` names a PostgreSQL database (``postgresql://…``) rather than a file."""
    return isinstance(value, str) and value.strip().lower().startswith(SCHEMES)


@dataclass(frozen=True)
class Address:
    """Where a workspace lives in PostgreSQL: a connection URL and a schema."""

    url: str
    schema: str = DEFAULT_SCHEMA

    @classmethod
    def parse(cls, value: str) -> Address:
        """The address in ``value`` (``postgresql://user@host:port/db?schema=name``).

        Raises ``ValueError`` for a schema name PostgreSQL would need quoted.
        """
        parts = urlsplit(value.strip())
        query = parse_qsl(parts.query, keep_blank_values=True)
        schema = next((v for k, v in query if k == "schema"), DEFAULT_SCHEMA)
        if not _NAME.fullmatch(schema):
            raise ValueError(
                f"schema {schema!r}: use lower-case letters, digits and _ (at most 63)"
            )
        rest = urlencode([(k, v) for k, v in query if k != "schema"])
        return cls(urlunsplit(parts._replace(query=rest)), schema)

    def __str__(self) -> str:
        """The address without its password (for messages and logs)."""
        parts = urlsplit(self.url)
        netloc = parts.netloc
        if "@" in netloc:
            user, host = netloc.rsplit("@", 1)
            netloc = f"{user.split(':', 1)[0]}@{host}"
        query = [*parse_qsl(parts.query), ("schema", self.schema)]
        query = [(k, v) for k, v in query if k != "password"]
        return urlunsplit(parts._replace(netloc=netloc, query=urlencode(query)))

    def table(self, name: str) -> str:
        """The schema-qualified name of table ``name``."""
        if not _NAME.fullmatch(name):
            raise ValueError(f"table name {name!r}")
        return f'"{self.schema}"."{name}"'


def shown(location: object) -> str:
    """``location`` as messages and outputs show it: a database address without its
    password, a file's path as it is."""
    if is_url(location):
        return str(Address.parse(str(location)))
    return str(location)


def _psycopg():
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - installed with the package
        raise DatabaseError("PostgreSQL needs psycopg: pip install 'psycopg[binary]'") from exc
    return psycopg


@contextmanager
def connect(address: Address) -> Iterator:
    """A connection to ``address``'s database (closed after); errors as :class:`DatabaseError`."""
    psycopg = _psycopg()
    try:
        conn = psycopg.connect(address.url, connect_timeout=10)
    except psycopg.Error as exc:
        raise DatabaseError(f"cannot connect to {address}: {_reason(exc)}") from exc
    try:
        yield conn
    except psycopg.Error as exc:
        raise DatabaseError(f"{address}: {_reason(exc)}") from exc
    finally:
        conn.close()


_READERS = threading.local()


@contextmanager
def reading(address: Address) -> Iterator:
    """A connection for reads, kept open for this thread (a dashboard asks for the version
    several times a rerun): autocommit, so each query sees the latest commit; a block that
    needs one snapshot opens ``conn.transaction()`` (repeatable read). A broken connection
    is dropped and the error raised as :class:`DatabaseError`; the next read reconnects."""
    psycopg = _psycopg()
    conns = _READERS.__dict__.setdefault("conns", {})
    conn = conns.get(address.url)
    if conn is None or conn.closed or conn.broken:
        try:
            conn = psycopg.connect(address.url, connect_timeout=10, autocommit=True)
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        except psycopg.Error as exc:
            raise DatabaseError(f"cannot connect to {address}: {_reason(exc)}") from exc
        conns[address.url] = conn
    try:
        yield conn
    except psycopg.Error as exc:
        conns.pop(address.url, None)
        conn.close()
        raise DatabaseError(f"{address}: {_reason(exc)}") from exc


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# ----------------------------------------------------------------------------- reading
def tables(conn, address: Address) -> set[str]:
    """The tables of the workspace's schema (none when the schema does not exist)."""
    rows = conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
        (address.schema,),
    ).fetchall()
    return {r[0] for r in rows}


def exists(address: Address) -> bool:
    """Whether ``address`` holds a workspace (its metadata table)."""
    with reading(address) as conn:
        found = conn.execute("SELECT to_regclass(%s)", (address.table(META_TABLE),)).fetchone()
        return found is not None and found[0] is not None


def read_meta(conn, address: Address, keys: Sequence[str] | None = None) -> dict[str, str]:
    """The workspace's metadata (only ``keys`` when given; ``{}`` when there is none)."""
    found = conn.execute("SELECT to_regclass(%s)", (address.table(META_TABLE),)).fetchone()
    if found is None or found[0] is None:
        return {}
    sql = f"SELECT key, value FROM {address.table(META_TABLE)}"
    if keys is None:
        rows = conn.execute(sql).fetchall()
    else:
        rows = conn.execute(sql + " WHERE key = ANY(%s)", (list(keys),)).fetchall()
    return {str(k): "" if v is None else str(v) for k, v in rows}


def read_layer(conn, address: Address, name: str) -> pd.DataFrame:
    """Layer ``name`` as stored (rows in order; a GeoDataFrame in WGS84 for spatial layers)."""
    # COPY out as CSV, parsed by pandas' C reader: rows as Python tuples cost seconds at a
    # county's 60,000 households (geometry as hex WKB, NULL as an empty field)
    layer = LAYERS[name]
    cols = ", ".join(f'"{c.name}"' for c in layer.columns)
    geom = ", encode(ST_AsBinary(geom), 'hex')" if layer.geometry else ""
    sql = (
        f"COPY (SELECT {cols}{geom} FROM {address.table(name)} ORDER BY fid) "
        "TO STDOUT WITH (FORMAT csv)"
    )
    buffer = io.BytesIO()
    with conn.cursor().copy(sql) as copy:
        for chunk in copy:
            buffer.write(chunk)
    buffer.seek(0)
    names = [c.name for c in layer.columns] + (["wkb"] if layer.geometry else [])
    text = {c.name: str for c in layer.columns if c.kind in ("str", "code", "bool")}
    if not buffer.getbuffer().nbytes:  # no rows: read_csv needs at least a line
        frame = pd.DataFrame({n: pd.Series(dtype=object) for n in names})
    else:
        frame = pd.read_csv(
            buffer, names=names, dtype={**text, "wkb": str}, keep_default_na=False, na_values=[""]
        )
    for c in layer.columns:
        if c.kind == "bool":  # plain bool when none is missing, as a GeoPackage read gives
            flags = frame[c.name].map({"t": True, "f": False})
            frame[c.name] = flags.astype(bool if flags.notna().all() else object)
    if layer.geometry is None:
        return frame
    wkb = frame.pop("wkb").to_numpy(dtype=object)
    missing = pd.isna(wkb)
    geoms = np.full(len(wkb), None, dtype=object)
    geoms[~missing] = shapely.from_wkb(wkb[~missing].astype(str))
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=WGS84)


# ----------------------------------------------------------------------------- writing
def lock(conn, address: Address) -> None:
    """Take the workspace's writer lock until the transaction ends (other writers wait,
    readers do not)."""
    conn.execute(
        f"SELECT value FROM {address.table(META_TABLE)} WHERE key = %s FOR UPDATE", (LOCK_KEY,)
    )


def lock_creation(conn, address: Address) -> None:
    """Make writers creating the same workspace take turns (until the transaction ends)."""
    conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"township-atlas:{address}",))


def create(conn, address: Address, names: Sequence[str]) -> None:
    """The schema, PostGIS, the metadata table and empty tables for layers ``names``
    (existing ones dropped first). Runs in the caller's transaction."""
    conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{address.schema}"')
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {address.table(META_TABLE)} (key text PRIMARY KEY, value text)"
    )
    for name in names:
        conn.execute(f"DROP TABLE IF EXISTS {address.table(name)}")
        conn.execute(_create_table(address, LAYERS[name]))
        if LAYERS[name].geometry:
            conn.execute(
                f'CREATE INDEX "{name}_geom_idx" ON {address.table(name)} USING GIST (geom)'
            )


def _create_table(address: Address, layer: Layer) -> str:
    cols = [f'"{c.name}" {_TYPES[c.kind]}' for c in layer.columns]
    if layer.geometry:
        cols.append("geom geometry(Geometry, 4326)")
    columns = ", ".join(["fid bigserial PRIMARY KEY", *cols])
    return f"CREATE TABLE {address.table(layer.name)} ({columns})"


def drop_layers(conn, address: Address, names: Sequence[str]) -> None:
    for name in names:
        conn.execute(f"DROP TABLE IF EXISTS {address.table(name)}")


def copy_rows(conn, address: Address, name: str, frame: pd.DataFrame) -> None:
    """Append ``frame``'s rows (storage dtypes, WGS84) to table ``name`` with ``COPY``."""
    layer = LAYERS[name]
    names = [f'"{c.name}"' for c in layer.columns] + (["geom"] if layer.geometry else [])
    values = _values(layer, frame)
    with conn.cursor().copy(f"COPY {address.table(name)} ({', '.join(names)}) FROM STDIN") as cp:
        for i in range(len(frame)):
            cp.write_row([col[i] for col in values])


def write_rows(
    conn,
    address: Address,
    name: str,
    frame: pd.DataFrame,
    diff: Diff,
) -> Diff:
    """Make table ``name`` hold ``frame`` (its rows in order), given how it differs from the
    rows the table holds now (``diff``, by position in fid order); returns ``diff``. Runs
    inside the caller's transaction."""
    layer = LAYERS[name]
    table = address.table(name)
    fids = _fids(conn, table)
    if len(fids) != diff.n_old:
        raise DatabaseError(f"{name} holds {len(fids)} rows, not the {diff.n_old} read")
    changed, n_old, n_new = diff.changed, diff.n_old, diff.n_new
    names = [f'"{c.name}"' for c in layer.columns] + (["geom"] if layer.geometry else [])
    cur = conn.cursor()
    if len(changed):
        values = _values(layer, frame.iloc[changed])
        marks = ", ".join(f"{n} = %s" for n in names)
        cur.executemany(
            f"UPDATE {table} SET {marks} WHERE fid = %s",
            ([*(col[j] for col in values), int(fids[i])] for j, i in enumerate(changed)),
        )
    if n_new > n_old:
        copy_rows(conn, address, name, frame.iloc[n_old:])
    if n_old > n_new:
        cur.execute(f"DELETE FROM {table} WHERE fid = ANY(%s)", ([int(f) for f in fids[n_new:]],))
    return diff


def _fids(conn, table: str) -> range | list[int]:
    low, high, count = conn.execute(f"SELECT min(fid), max(fid), count(*) FROM {table}").fetchone()
    return stored_fids(
        low,
        high,
        count,
        lambda: [r[0] for r in conn.execute(f"SELECT fid FROM {table} ORDER BY fid")],
    )


def set_meta(conn, address: Address, items: Mapping[str, str]) -> None:
    """Set metadata ``items`` (inside the caller's transaction)."""
    if items:
        conn.cursor().executemany(
            f"INSERT INTO {address.table(META_TABLE)} (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [(str(k), str(v)) for k, v in items.items()],
        )


def _values(layer: Layer, frame: pd.DataFrame) -> list[list]:
    """Each column's values as psycopg takes them (None for missing), geometry last as
    extended WKB with SRID 4326."""
    out = []
    for col in layer.columns:
        cells = frame[col.name].tolist() if col.name in frame.columns else [None] * len(frame)
        if col.kind in ("int", "year"):
            out.append([None if _missing(v) else int(v) for v in cells])
        elif col.kind == "float":
            out.append([None if _missing(v) else float(v) for v in cells])
        elif col.kind == "bool":
            out.append([None if _missing(v) else bool(v) for v in cells])
        else:
            out.append([None if _missing(v) else str(v) for v in cells])
    if layer.geometry:
        geoms = np.asarray(frame.geometry, dtype=object)
        with_srid = shapely.set_srid(geoms, 4326)
        wkb = shapely.to_wkb(with_srid, hex=True, include_srid=True, output_dimension=2)
        out.append([None if g is None else w for g, w in zip(geoms, wkb, strict=True)])
    return out


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)
