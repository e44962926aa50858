"""The workspace operations of :mod:`.workspace` for a workspace in PostgreSQL + PostGIS.

:func:`.workspace.read_workspace`, :func:`~.workspace.update_workspace`,
:func:`~.workspace.transact`, :func:`~.workspace.write_workspace` and
:func:`~.workspace.workspace_version` hand a ``postgresql://`` address here. The contract is the
file's: every read validated, a change validated on the rows it touches and written in one
transaction with the version bumped, an invalid change or a failure leaves the workspace as it
was, every write audited. Writers take turns through a row lock (:func:`.postgis.lock`), not a
lock file: dashboard processes on several machines can share one database.

The last state read of a few workspaces stays in memory as for files; reading an unchanged
workspace costs one query (its version row).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

import geopandas as gpd
import pandas as pd

from . import audit, gpkg, postgis
from .postgis import Address, DatabaseError
from .row_diff import Diff
from .schema import LAYERS, SCHEMA_VERSION
from .validate import Problem, SchemaError, coerce
from .workspace import (
    META_LAYER,
    VERSION_KEYS,
    Workspace,
    _checked,
    _forget,
    _prepare,
    _remember,
    _State,
    _storage_form,
    _Version,
    public_meta,
    validate_change,
    validate_workspace,
)

_ = META_LAYER  # the metadata table is postgis.META_TABLE, named alike


def _stored(name: str, frame: pd.DataFrame, columns: Collection[str] | None = None) -> pd.DataFrame:
    """``frame`` as stored and read back: every column in storage dtypes, WGS84, rows
    numbered from 0, and geometry of the kind a GeoPackage holds it (single parts made multi
    in a multi-part layer, and in a line layer holding any multi-part line), so that both
    backends give back the same frames; ``columns``: only those need converting."""
    out = _prepare(name, frame, columns).reset_index(drop=True)
    declared = LAYERS[name].geometry
    if declared is None:
        return pd.DataFrame(out)
    geoms = out.geometry.to_numpy()
    if declared == "LineString" and (out.geom_type == "MultiLineString").any():
        declared = "MultiLineString"
    if declared.startswith("Multi"):
        geoms = gpkg.stored_geometry(geoms, declared.upper())
    return out.set_geometry(gpd.GeoSeries(geoms, crs=out.crs))


def _key(address: Address) -> str:
    return f"{address.url}#{address.schema}"


def _cached(address: Address) -> _State | None:
    from .workspace import _CACHE, _CACHE_LOCK

    with _CACHE_LOCK:
        return _CACHE.get(_key(address))


def _state(conn, address: Address) -> _State:
    """The workspace at ``address`` as stored now (from memory when its version is the one
    remembered; else the layers whose version changed are read). FileNotFoundError when the
    address holds no workspace, SchemaError for invalid rows."""
    version = _Version.of(postgis.read_meta(conn, address, VERSION_KEYS))
    if not version.id and postgis.META_TABLE not in postgis.tables(conn, address):
        raise FileNotFoundError(f"no workspace at {address}")
    known = _cached(address)
    if known is not None and version.id and known.version == version:
        return known
    if known is not None and known.version.id != version.id:
        known = None
    present = postgis.tables(conn, address)
    keep = {
        name: frame
        for name, frame in (known.layers.items() if known is not None else ())
        if name in present and version.layers.get(name) == known.version.layers.get(name)
    }
    raw = {
        name: postgis.read_layer(conn, address, name)
        for name in LAYERS
        if name in present and name not in keep
    }
    forms = {name: coerce(LAYERS[name], frame) for name, frame in raw.items()}
    if keep:
        found = validate_change({**keep, **raw}, dict.fromkeys(raw), forms=forms)
    else:
        found = validate_workspace(raw, forms)
    if found:
        raise SchemaError(found)
    layers: dict[str, pd.DataFrame] = dict(keep)
    for name, frame in raw.items():
        norm = forms[name]
        if LAYERS[name].geometry is not None:
            norm = frame.__class__(norm, geometry=frame.geometry.name, crs=frame.crs)
        layers[name] = norm
    layers = {name: layers[name] for name in LAYERS if name in layers}
    meta = public_meta(postgis.read_meta(conn, address))
    state = _State(layers, meta, version, ())
    if version.id:
        _remember_db(address, state)
    return state


def _remember_db(address: Address, state: _State) -> None:
    # the cache is keyed by the file's path for files; an address's key cannot be a path
    _remember(_key(address), state)


def read(url: str) -> Workspace:
    """:func:`.workspace.read_workspace` for a database address."""
    address = Address.parse(url)
    with postgis.reading(address) as conn, conn.transaction():  # one snapshot
        return _state(conn, address).copy()


def exists(url: str) -> bool:
    return postgis.exists(Address.parse(url))


def version(url: str) -> str:
    """:func:`.workspace.workspace_version` for a database address (one query)."""
    address = Address.parse(url)
    with postgis.reading(address) as conn:
        return str(_Version.of(postgis.read_meta(conn, address, VERSION_KEYS)))


def meta(url: str) -> dict[str, str]:
    address = Address.parse(url)
    try:
        with postgis.reading(address) as conn:
            return public_meta(postgis.read_meta(conn, address))
    except DatabaseError:
        return {}


def write(url: str, layers: Mapping[str, pd.DataFrame], meta: Mapping[str, str]) -> None:
    """:func:`.workspace.write_workspace` for a database address: every layer replaced (the
    tables made anew), in one transaction."""
    address = Address.parse(url)
    prepared = {name: _stored(name, frame) for name, frame in layers.items()}
    found = validate_workspace(prepared)
    if found:
        raise SchemaError(found)
    with postgis.connect(address) as conn, conn.transaction():
        postgis.lock_creation(conn, address)
        _write_all(conn, address, prepared, meta, _Version.new())
    _forget_db(address)


def _write_all(conn, address, layers, meta, version: _Version) -> None:
    postgis.create(conn, address, list(LAYERS))
    for name, frame in layers.items():
        postgis.copy_rows(conn, address, name, frame)
    conn.execute(f"DELETE FROM {address.table(postgis.META_TABLE)}")
    postgis.set_meta(
        conn,
        address,
        {**public_meta(meta), "schema_version": str(SCHEMA_VERSION), **version.as_meta()},
    )


def _forget_db(address: Address) -> None:
    _forget(_key(address))


def update(
    url: str,
    change: Callable[[Workspace | None], Mapping[str, pd.DataFrame]],
    meta: Mapping[str, str] | None,
    *,
    create: bool,
    created_meta: Mapping[str, str] | None = None,
) -> bool:
    """:func:`.workspace.update_workspace` (``create`` False) or :func:`~.workspace.transact`
    for a database address; returns whether anything was written."""
    address = Address.parse(url)
    meta = dict(meta or {})
    with postgis.connect(address) as conn, conn.transaction():
        postgis.lock_creation(conn, address)  # a writer creating it and one changing it
        present = postgis.META_TABLE in postgis.tables(conn, address)
        if present:
            postgis.lock(conn, address)
            current = _state(conn, address)
        elif create:
            current = None
        else:
            raise FileNotFoundError(f"no workspace at {address}")
        changed = change(current.copy() if current is not None else None)
        if not changed and not meta:
            return False
        log = audit.AuditLog.for_workspace(url)
        log.check_writable()
        if current is None:
            layers = {name: _stored(name, frame) for name, frame in changed.items()}
            found = validate_workspace(layers)
            if found:
                raise SchemaError(found)
            _write_all(conn, address, layers, {**(created_meta or {}), **meta}, _Version.new())
            state = None
        else:
            state = _write_rows(conn, address, current, changed, meta)
    # committed: remembered, then audited as a file's write is
    if state is not None:
        _remember_db(address, state)
    else:
        _forget_db(address)
    before = current.layers if current is not None else None
    audit.record_write(url, before or None, changed, meta.keys())
    return True


def _write_rows(conn, address, current: _State, changed, meta) -> _State:
    unknown = set(changed) - set(LAYERS)
    if unknown:
        raise SchemaError([Problem(sorted(unknown)[0], None, None, "unknown layer")])
    formed = {
        name: _storage_form(current, name, frame, lambda f, c=None, n=name: _stored(n, f, c))
        for name, frame in changed.items()
    }
    stored = {name: frame for name, (frame, _) in formed.items()}
    diffs = {name: diff for name, (_, diff) in formed.items()}
    version = _checked(current, stored, diffs)
    present = postgis.tables(conn, address)
    missing = [n for n in stored if n not in present]
    if missing:
        postgis.create(conn, address, missing)
    for name, frame in stored.items():
        diff = diffs[name] if name in present else Diff.added(len(frame))
        postgis.write_rows(conn, address, name, frame, diff)
    postgis.set_meta(conn, address, {**public_meta(meta), **version.as_meta()})
    return _State(
        {**current.layers, **stored},
        {**current.meta, **public_meta(meta)},
        version,
        (),
    )
