"""The workspace: one GeoPackage file holding every layer of a township.

A change (:func:`update_workspace`, :func:`transact`) is written in place: the rows it touches
go into the GeoPackage's tables in one SQLite transaction (WAL journal, so readers never wait;
:mod:`.gpkg`), with the workspace's version bumped in the same transaction. Only what changed
is validated. A file whose tables cannot take the change as they are (an older layout, a
layer it lacks) is written whole instead: to a temporary file beside the target, moved into
place with ``os.replace``, so a reader never sees a half-written file and a failed write leaves
the old one as it was. A killed writer leaves its temporary file behind; the next write of the
workspace removes it.

Every read is validated. The last state read or written of a few workspaces stays in memory,
keyed by the workspace's version and its file's identity, size and time: reading an unchanged
workspace costs one query, and after another process's change only the layers it touched are
read again. Callers get shallow copies (copy-on-write frames), never the cached frames.

A workspace reached through a symbolic link is written beside the link's target (the link stays
a link); the new file gets the old one's permissions (and owner and group where the OS allows),
and is flushed to disk before it replaces the old one. Writers take turns through a lock file
beside the workspace: ``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import socket
import sqlite3
import stat
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from . import audit, gpkg, postgis
from .row_diff import Diff, diff_rows, differs
from .schema import LAYERS, REQUIRED_LAYERS, SCHEMA_VERSION, WGS84, Layer
from .schema_assistance import CADRE_REFS, HOUSEHOLD_REFS
from .validate import Problem, SchemaError, coerce, problems, problems_of_rows

META_LAYER = "atlas_meta"
#: Metadata kept by the storage itself, not part of ``Workspace.meta``: which file this is (a
#: new id for every whole write), its version (bumped by every change) and each layer's.
VERSION_KEYS = ("workspace_id", "workspace_version", "layer_versions")
#: Workspaces whose last state stays in memory (per process).
CACHED_WORKSPACES = 4
#: A write's temporary file untouched this long (seconds) is left over from a killed writer:
#: a write refreshes its file as each layer goes in and takes seconds, not an hour.
STALE_AFTER = 3600.0
_TEMP = ".writing-"
#: Temporary files of the writers before they were named after their workspace.
_LEGACY_TEMP = re.compile(r"\.writing-[a-z0-9_]{8}\.gpkg(-journal|-wal|-shm)?")
#: Workspaces whose lock this thread holds (update_workspace writes through write_workspace).
_HELD = threading.local()
#: Windows has no flock: its lock is msvcrt's byte-range lock on the lock file (tests set this).
_WINDOWS = os.name == "nt"


def _db():
    """The database half of this module (it imports this one)."""
    from . import workspace_db

    return workspace_db


def workspace_exists(path: str | os.PathLike) -> bool:
    """Whether there is a workspace at ``path`` (a file, or a database address holding one)."""
    if postgis.is_url(path):
        return _db().exists(str(path))
    return Path(path).is_file()


def empty_frame(layer: Layer) -> pd.DataFrame:
    """An empty frame with the layer's columns (and geometry in WGS84 for spatial layers)."""
    cols = {c.name: pd.Series(dtype="object") for c in layer.columns}
    frame = coerce(layer, pd.DataFrame(cols))
    if layer.geometry is None:
        return frame
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84)


@dataclass(frozen=True)
class Workspace:
    """Every layer of one township, validated and in storage dtypes; geometry in WGS84.

    Treat the frames as read-only: callers may hold cached copies.
    """

    layers: Mapping[str, pd.DataFrame]
    meta: Mapping[str, str] = field(default_factory=dict)
    #: The stored version read (``"<file id>.<number>"``; empty for a workspace not read).
    version: str = ""

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in LAYERS:
            raise KeyError(f"unknown layer {name!r}; layers are {', '.join(LAYERS)}")
        frame = self.layers.get(name)
        return empty_frame(LAYERS[name]) if frame is None else frame

    def __iter__(self) -> Iterator[str]:
        return iter(LAYERS)

    @property
    def township(self) -> gpd.GeoDataFrame:
        return self["township"]

    @property
    def villages(self) -> gpd.GeoDataFrame:
        return self["villages"]

    @property
    def households(self) -> pd.DataFrame:
        return self["households"]


def _prepare(
    name: str, frame: pd.DataFrame, columns: Collection[str] | None = None
) -> pd.DataFrame:
    """Every column of the layer (those left out stay empty), in storage dtypes (``columns``:
    only those need converting), WGS84."""
    layer = LAYERS[name]
    out = coerce(layer, pd.DataFrame(frame).reindex(columns=layer.names), columns)
    if layer.geometry is not None:
        out = gpd.GeoDataFrame(out, geometry=frame.geometry.to_numpy(), crs=frame.crs)
        out = out.to_crs(WGS84)
    return out


#: Columns that name a village, by layer: each must be a code in the villages layer.
VILLAGE_REFS = {
    "households": "village_code",
    "indicators": "village_code",
    "facilities": "village_code",
    "relocation_sites": "village_code",
    "relocations": "origin_code",
    "cadres": "village_code",
    "village_teams": "village_code",
    "projects": "village_code",
}
#: Columns that name a household or a cadre: (layer named, its key, {layer: column}).
RECORD_REFS = (
    ("households", "household_id", HOUSEHOLD_REFS),
    ("cadres", "cadre_id", CADRE_REFS),
    ("facilities", "facility_id", {"station_operations": "facility_id"}),
)


def validate_workspace(
    layers: Mapping[str, pd.DataFrame], forms: Mapping[str, pd.DataFrame] | None = None
) -> list[Problem]:
    """Problems of each layer and across layers (codes that refer to unknown villages);
    ``forms``: :func:`.validate.coerce` of some layers, made already."""
    return validate_change(layers, dict.fromkeys([*layers, *REQUIRED_LAYERS]), forms=forms)


def validate_change(
    layers: Mapping[str, pd.DataFrame],
    changed: Mapping[str, Sequence[int] | None],
    normalised: bool = False,
    columns: Mapping[str, Collection[str] | None] | None = None,
    forms: Mapping[str, pd.DataFrame] | None = None,
    records: bool = False,
) -> list[Problem]:
    """Problems a change brings: of the ``changed`` layers of the workspace ``layers`` (the
    rows at the positions given, or every row for None) and of the village codes they refer
    to (every layer's, when the villages changed). The rest was valid already.
    ``records``: also the households and cadres the changed rows name (a recorded change
    checks them; a file read or written whole may keep a visit of a household a newer
    register dropped).
    ``normalised``: every layer is in storage form (:func:`.validate.coerce`) already;
    ``columns``: of a layer's changed rows, only these columns changed; ``forms``: the
    storage form of some layers, made already (a read converts each layer once)."""
    columns = columns or {}
    forms = forms or {}
    found: list[Problem] = []
    for name in REQUIRED_LAYERS:
        if name in changed and (name not in layers or len(layers[name]) == 0):
            found.append(Problem(name, None, None, "layer is required and has no rows"))
    for name, rows in changed.items():
        if name not in LAYERS:
            found.append(Problem(name, None, None, "unknown layer"))
        elif name in layers:
            frame = layers[name]
            if rows is None:
                found += problems(name, frame, normalised, norm=forms.get(name))
            else:
                found += problems_of_rows(name, frame, rows, normalised, columns.get(name))
    if found or "villages" not in layers:
        return found

    def stored(name: str, col: str, rows: np.ndarray | None = None) -> pd.Series:
        """Column ``col`` of layer ``name`` (at positions ``rows``) in storage form."""
        ready = normalised or name in forms
        frame = forms[name] if name in forms else layers[name]
        column = pd.DataFrame(frame)[[col]].reset_index(drop=True)
        part = column if rows is None else column.iloc[rows]
        return part[col] if ready else coerce(LAYERS[name], part)[col]

    # Normalised like the referring columns, so a code read as float (360722102201.0) matches
    codes = set(stored("villages", "code").dropna())
    for name, col in VILLAGE_REFS.items():
        frame = layers.get(name)
        if frame is None or len(frame) == 0 or col not in frame.columns:  # optional column
            continue
        if "villages" in changed or changed.get(name, ()) is None:
            rows = None
        elif name in changed:
            rows = np.asarray(changed[name], dtype=int)
        else:
            continue
        values = stored(name, col, rows)
        for i, value in values[values.notna() & ~values.isin(codes)].items():
            found.append(Problem(name, int(i), col, f"village {value} is not in villages"))
    for target, key, refs in RECORD_REFS if records else ():
        # checked when the referring rows change, not when the target does: a newer register
        # that drops a household must not be refused for the visits it once had
        for name, col in refs.items():
            frame = layers.get(name)
            if name not in changed or frame is None or len(frame) == 0:
                continue
            rows = None if changed[name] is None else np.asarray(changed[name], dtype=int)
            values = stored(name, col, rows)
            values = values[values.notna()]
            if not len(values):
                continue
            known = set(stored(target, key).dropna()) if len(layers.get(target, ())) else set()
            for i, value in values[~values.isin(known)].items():
                found.append(Problem(name, int(i), col, f"{value} is not in {target}"))
    return found


def write_workspace(
    path: str | os.PathLike,
    layers: Mapping[str, pd.DataFrame],
    meta: Mapping[str, str] | None = None,
) -> Path:
    """Validate ``layers`` and write them as the workspace at ``path``, replacing it atomically.

    A symbolic link is followed (its target is replaced; the link stays); an existing file's
    permissions, owner and group are kept. Raises :class:`SchemaError` (and writes nothing)
    when any layer is invalid. A ``postgresql://`` address is written in its database
    (:mod:`.workspace_db`).
    """
    if postgis.is_url(path):
        _db().write(str(path), layers, meta or {})
        return path  # type: ignore[return-value]
    found = validate_workspace(layers)
    if found:
        raise SchemaError(found)
    target = _real_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(target)
    fd, tmp_name = tempfile.mkstemp(suffix=".gpkg", prefix=_temp_prefix(target), dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        for name in LAYERS:
            frame = layers.get(name)
            frame = empty_frame(LAYERS[name]) if frame is None else _prepare(name, frame)
            _write_layer(tmp, name, frame)
        # The version of the schema this file is written in, whatever the metadata carried.
        info = {
            **public_meta(meta or {}),
            "schema_version": str(SCHEMA_VERSION),
            **_Version.new().as_meta(),
        }
        pyogrio.write_dataframe(
            pd.DataFrame({"key": list(info), "value": [str(v) for v in info.values()]}),
            tmp,
            layer=META_LAYER,
        )
        _use_wal(tmp)
        # On disk before the rename: after a power cut the name holds the old file or the
        # new one, never a renamed file whose blocks were not written yet.
        _fsync_file(tmp)
        _keep_access(tmp, target)
        _settle_wal(target)
        os.replace(tmp, target)
        _fsync_folder(target.parent)
    finally:
        tmp.unlink(missing_ok=True)
        _forget(target)
    return Path(path)


def _use_wal(path: Path) -> None:
    """Journal ``path`` by write-ahead log from now on: a change in place never makes a
    reader wait, nor waits for one (the mode is kept in the file)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
    finally:
        conn.close()


def _settle_wal(target: Path) -> None:
    """Fold the write-ahead log beside ``target`` into it and leave WAL mode, so that the file
    about to replace it is never read with the old file's log. A log that readers keep open
    fails the write (nothing changed) rather than risk it."""
    wal = target.with_name(target.name + "-wal")
    if not wal.exists():
        return
    try:
        conn = gpkg.connect(target)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            # leaving WAL mode needs the file to itself; an empty log is as safe
            with contextlib.suppress(sqlite3.OperationalError):
                conn.execute("PRAGMA journal_mode=DELETE")
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise OSError(f"{target}: its write-ahead log cannot be folded in ({exc})") from exc
    if wal.exists() and wal.stat().st_size:
        raise OSError(f"{target}: readers keep its write-ahead log open; try again")


def _real_path(path: str | os.PathLike) -> Path:
    """Where the workspace at ``path`` really is: a symbolic link (or a folder on the way)
    is followed, so the file is replaced beside its target and the link stays a link."""
    return Path(path).resolve()


def _keep_access(new: Path, old: Path) -> None:
    """Give ``new`` the permission bits of ``old`` (and its owner and group, where this
    process may set them), so that replacing a workspace neither opens the household
    register to more people (a fresh file gets the umask's 0644) nor takes it from its owner.

    POSIX only: a Windows file's access is its folder's ACL, which the new file inherits.
    """
    if _WINDOWS:
        return
    try:
        was = old.stat()
    except FileNotFoundError:  # a new workspace: the umask decides
        return
    now = new.stat()
    if hasattr(os, "chown") and (now.st_uid, now.st_gid) != (was.st_uid, was.st_gid):
        # root may give the file back to its owner; others may at most set one of their
        # groups: a refusal leaves the file this process's, which it was allowed to write.
        with contextlib.suppress(PermissionError):
            os.chown(new, was.st_uid, was.st_gid)
    os.chmod(new, stat.S_IMODE(was.st_mode))  # after chown, which may clear set-id bits


def _fsync_file(path: Path) -> None:
    """Flush ``path``'s data to disk (Windows flushes only a handle open for writing)."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Flush ``folder``'s entries (the rename) to disk; POSIX only (Windows cannot open a
    folder so, and NTFS journals the rename). A file system refusing it fails no write."""
    if _WINDOWS:
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def update_workspace(
    path: str | os.PathLike,
    change: Callable[[Workspace], Mapping[str, pd.DataFrame]],
    meta: Mapping[str, str] | None = None,
) -> Path:
    """Apply ``change`` to the workspace at ``path``: it gets the workspace as it is now and
    returns the layers to put in place (none: nothing is written); every other layer and the
    metadata are kept, with the entries of ``meta`` set (a workspace's own settings, such as
    its exit rules).

    One transaction: writers of the same file take turns (a lock file beside it, on POSIX
    and Windows) so ``change`` always sees the latest file and two dashboard sessions
    saving at once cannot lose each other's change; the rows that differ are validated and
    written in place in one SQLite transaction (the whole file when its tables cannot take
    them), so an invalid result (:class:`SchemaError`), an exception in ``change`` or a failed
    write leaves the file exactly as it was.

    Each write adds a row to the workspace's audit log (:func:`.audit.record_write`: who, and
    what the change was); when that log cannot be written, :class:`.audit.AuditError` is raised
    and nothing is changed. A ``postgresql://`` address is changed in its database, writers
    taking turns through a row lock (:mod:`.workspace_db`).
    """
    if postgis.is_url(path):
        _db().update(str(path), change, meta, create=False)  # type: ignore[arg-type]
        return path  # type: ignore[return-value]
    target = _real_path(path)
    with _locked(target):
        current = _state(target)
        changed = change(current.copy())
        if not changed and not meta:  # nothing to change: leave the file (and its mtime) alone
            return target
        # a change that could not be logged is not made
        audit.AuditLog.for_workspace(target).check_writable()
        _commit(target, current, changed, meta or {})
        audit.record_write(target, current.layers or None, changed, (meta or {}).keys())
        return Path(path)


def transact(
    path: str | os.PathLike,
    change: Callable[[Workspace | None], Mapping[str, pd.DataFrame]],
    meta: Mapping[str, str] | None = None,
    *,
    created_meta: Mapping[str, str] | None = None,
) -> bool:
    """:func:`update_workspace` for a workspace that may not exist yet: ``change`` gets the
    workspace as it is under the lock (None when there is none) and returns the layers to
    put in place; a new workspace gets ``created_meta``. Two writers making the same new
    workspace take turns like any others: the second sees the first's file. Writes are
    audited as :func:`update_workspace`'s are.

    Returns
    -------
    bool
        Whether anything was written.
    """
    if postgis.is_url(path):
        return _db().update(str(path), change, meta, create=True, created_meta=created_meta)
    target = _real_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)  # the lock file lives beside it
    with _locked(target):
        current = _state(target) if target.exists() else None
        changed = change(current.copy() if current is not None else None)
        if not changed and not meta:
            return False
        audit.AuditLog.for_workspace(target).check_writable()
        if current is None:
            write_workspace(target, changed, {**(created_meta or {}), **(meta or {})})
        else:
            _commit(target, current, changed, meta or {})
        before = current.layers if current is not None else None
        audit.record_write(target, before or None, changed, (meta or {}).keys())
        return True


# ----------------------------------------------------------------------------- stored state
@dataclass(frozen=True)
class _Version:
    """Which file a workspace is (a new id for every whole write) and how often it changed
    since: the whole and each layer (the number of the change that last touched it)."""

    id: str
    number: int
    layers: Mapping[str, int]

    def __str__(self) -> str:
        return f"{self.id}.{self.number}" if self.id else ""

    @classmethod
    def new(cls) -> _Version:
        return cls(uuid.uuid4().hex[:12], 1, dict.fromkeys(LAYERS, 1))

    @classmethod
    def of(cls, meta: Mapping[str, str]) -> _Version:
        """The version recorded in metadata (an empty id for a file that has none)."""
        try:
            layers = {str(k): int(v) for k, v in json.loads(meta["layer_versions"]).items()}
        except (KeyError, ValueError, TypeError, AttributeError):
            layers = {}
        try:
            number = int(meta.get("workspace_version") or 0)
        except ValueError:
            number = 0
        return cls(str(meta.get("workspace_id") or ""), number, layers)

    def bumped(self, names: Sequence[str]) -> _Version:
        n = self.number + 1
        return _Version(
            self.id or uuid.uuid4().hex[:12], n, {**self.layers, **dict.fromkeys(names, n)}
        )

    def as_meta(self) -> dict[str, str]:
        return {
            "workspace_id": self.id,
            "workspace_version": str(self.number),
            "layer_versions": json.dumps(dict(sorted(self.layers.items()))),
        }


@dataclass(frozen=True)
class _State:
    """A workspace as its file holds it: validated frames in storage form, the version and
    the file's stamp it was read at. Never handed out: callers get :meth:`copy`."""

    layers: Mapping[str, pd.DataFrame]
    meta: Mapping[str, str]
    version: _Version
    stamp: tuple[int, ...]

    def copy(self) -> Workspace:
        # shallow copies of copy-on-write frames: a caller's change never reaches the cache
        frames = {name: frame.copy(deep=False) for name, frame in self.layers.items()}
        return Workspace(frames, dict(self.meta), str(self.version))


_CACHE: OrderedDict[str, _State] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def _stamp(target: Path) -> tuple[int, ...]:
    """The file's identity, size and time, and its write-ahead log's: what any write
    changes, ours or another program's (QGIS editing the layers)."""
    out: list[int] = []
    for p in (target, target.with_name(target.name + "-wal")):
        try:
            st = p.stat()
        except OSError:
            out += [0, 0, 0]
        else:
            out += [st.st_ino, st.st_size, st.st_mtime_ns]
    return tuple(out)


def _stored_version(target: Path) -> _Version:
    return _Version.of(gpkg.read_meta(target, META_LAYER, VERSION_KEYS))


def _remember(target: Path | str, state: _State) -> None:
    with _CACHE_LOCK:
        _CACHE[str(target)] = state
        _CACHE.move_to_end(str(target))
        while len(_CACHE) > CACHED_WORKSPACES:
            _CACHE.popitem(last=False)


def _forget(target: Path | str) -> None:
    with _CACHE_LOCK:
        _CACHE.pop(str(target), None)


def _state(target: Path) -> _State:
    """The workspace at ``target`` as stored now: from memory when its version and stamp are
    those remembered; else read, only the layers whose version changed when the file is the
    same one. Raises as :func:`read_workspace` does."""
    with _CACHE_LOCK:
        known = _CACHE.get(str(target))
    for _ in range(5):  # a writer committing between our layer reads: read again
        stamp = _stamp(target)
        version = _stored_version(target)
        if known is not None and version.id and known.version == version:
            if known.stamp == stamp:
                return known
            known = None  # changed by another program: read everything
        state = _read_state(target, known if known and version.id == known.version.id else None)
        state = replace(state, version=version, stamp=stamp)
        if _stored_version(target) == version:
            if version.id:
                _remember(target, state)
            return state
    return state


def _read_state(source: Path, known: _State | None) -> _State:
    """Read and validate the layers of ``source``; those of ``known`` whose version is the
    file's are kept (and not validated again)."""
    present = {row[0] for row in pyogrio.list_layers(source)}
    version = _stored_version(source)
    keep = {
        name: frame
        for name, frame in (known.layers.items() if known is not None else ())
        if name in present and version.layers.get(name) == known.version.layers.get(name)
    }
    raw: dict[str, pd.DataFrame] = {}
    for name, layer in LAYERS.items():
        if name not in present or name in keep:
            continue
        frame = pyogrio.read_dataframe(source, layer=name, use_arrow=True)
        if layer.geometry is None and "geometry" in frame.columns:
            frame = pd.DataFrame(frame.drop(columns="geometry"))
        raw[name] = frame
    # each layer converted once: validation reads these, and the state keeps them
    forms = {name: coerce(LAYERS[name], frame) for name, frame in raw.items()}
    if keep:
        found = validate_change({**keep, **raw}, dict.fromkeys(raw), forms=forms)
    else:
        found = validate_workspace(raw, forms)
    if found:
        raise SchemaError(found)
    out: dict[str, pd.DataFrame] = dict(keep)
    for name, frame in raw.items():
        layer = LAYERS[name]
        norm = forms[name]
        if layer.geometry is not None:
            norm = gpd.GeoDataFrame(norm, geometry=frame.geometry.name, crs=frame.crs)
            if norm.crs is None:
                raise SchemaError([Problem(name, None, "geometry", "layer has no CRS")])
            norm = norm.to_crs(WGS84)
        out[name] = norm
    out = {name: out[name] for name in LAYERS if name in out}
    meta = read_meta(source) if META_LAYER in present else {}
    return _State(out, meta, version, ())


def _commit(
    target: Path, current: _State, changed: Mapping[str, pd.DataFrame], meta: Mapping[str, str]
) -> None:
    """Write ``changed`` and ``meta`` over ``current``: in place when the file's tables can
    take them, else the whole workspace."""
    _remove_stale_temps(target)  # what a killed whole write left, under the lock
    if current.meta.get("schema_version") == str(SCHEMA_VERSION) and set(changed) <= set(LAYERS):
        try:
            _write_in_place(target, current, changed, meta)
            return
        except gpkg.NotInPlace:
            pass
    layers = {**current.layers, **changed}
    write_workspace(target, layers, {**current.meta, **public_meta(meta)})


def _write_in_place(
    target: Path, current: _State, changed: Mapping[str, pd.DataFrame], meta: Mapping[str, str]
) -> None:
    """The rows of ``changed`` that differ from ``current``'s, validated and written in one
    SQLite transaction with ``meta`` and the bumped version; remembered as the new state."""
    try:
        conn = gpkg.connect(target)
    except sqlite3.Error as exc:
        raise OSError(f"cannot open {target}: {exc}") from exc
    try:
        specs = {name: gpkg.table(conn, name) for name in changed}
        formed = {
            name: _storage_form(
                current, name, changed[name], lambda f, c=None, n=name: _stored(n, f, specs[n], c)
            )
            for name in changed
        }
        stored = {name: frame for name, (frame, _) in formed.items()}
        diffs = {name: diff for name, (_, diff) in formed.items()}
        version = _checked(current, stored, diffs)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("BEGIN IMMEDIATE")
            try:
                for name, frame in stored.items():
                    gpkg.write_rows(conn, specs[name], frame, diffs[name])
                gpkg.set_meta(conn, META_LAYER, {**public_meta(meta), **version.as_meta()})
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise OSError(f"cannot write {target}: {exc}") from exc
    finally:
        conn.close()
    state = _State(
        {**current.layers, **stored},
        {**current.meta, **public_meta(meta)},
        version,
        _stamp(target),
    )
    _remember(target, state)


def _storage_form(
    current: _State,
    name: str,
    frame: pd.DataFrame,
    whole: Callable[[pd.DataFrame, Collection[str] | None], pd.DataFrame],
) -> tuple[pd.DataFrame, Diff]:
    """``frame`` in storage form (``whole`` makes it so: coercion of the columns named or
    all, CRS, geometry kinds) and how its rows differ from the stored ones.

    A change is mostly the workspace's own frame with a few cells changed or rows added:
    when ``frame`` has the stored frame's columns and dtypes, the rows equal to the stored
    row at the same position are in storage form already, and only the others go through
    ``whole``, in the columns that differ (at 60,000 households, coercing them all took
    most of a recorded change; a few cells of a row coerced, a tenth of a row's time)."""
    old = current.layers.get(name)
    if old is not None and _same_form(frame, old):
        raw = frame.reset_index(drop=True)
        diff = diff_rows(old, raw)
        rows = diff.rows
        if not len(rows):
            return raw, diff
        if len(rows) < len(raw):  # else (a layer of new rows) formed whole: no copies to splice
            fixed = whole(raw.iloc[rows], diff.touched)
            if list(fixed.columns) == list(raw.columns) and fixed.dtypes.equals(raw.dtypes):
                out = _spliced(raw, rows, fixed)
                if out.dtypes.equals(raw.dtypes):
                    # coercion may undo a difference
                    return out, diff_rows(old, out, among=rows)
    out = whole(frame, None)
    return out, diff_rows(old, out)


def _spliced(frame: pd.DataFrame, rows: np.ndarray, fixed: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the rows at positions ``rows`` replaced by ``fixed``'s (same columns
    and dtypes), column by column (pandas' frame-into-frame assignment fails on nullable
    columns); a column whose rows ``fixed`` leaves as they were keeps its array."""
    columns = {}
    for col in frame.columns:
        values = frame[col].array
        new = fixed[col].array
        if differs(values.take(rows), new).any():
            values = values.copy()
            values[rows] = new
        columns[col] = values
    out = pd.DataFrame(columns, index=frame.index, copy=False)
    if isinstance(frame, gpd.GeoDataFrame):
        return gpd.GeoDataFrame(out, geometry=frame.geometry.name, crs=frame.crs)
    return out


def _same_form(frame: pd.DataFrame, stored: pd.DataFrame) -> bool:
    """Whether ``frame`` has ``stored``'s columns, dtypes, geometry column and CRS."""
    if list(frame.columns) != list(stored.columns) or not frame.dtypes.equals(stored.dtypes):
        return False
    geo = isinstance(stored, gpd.GeoDataFrame)
    if geo != isinstance(frame, gpd.GeoDataFrame):
        return False
    return not geo or (frame.geometry.name == stored.geometry.name and frame.crs == stored.crs)


def _checked(
    current: _State,
    stored: Mapping[str, pd.DataFrame],
    diffs: Mapping[str, Diff],
) -> _Version:
    """The version the layers ``stored`` (in storage form, differing from ``current``'s as
    ``diffs`` say) make, once the rows that differ are valid (else :class:`SchemaError`)."""
    rows = {name: diffs[name].rows for name in stored}
    columns = {name: diffs[name].touched for name in stored}
    found = validate_change(
        {**current.layers, **stored}, rows, normalised=True, columns=columns, records=True
    )
    if found:
        raise SchemaError(found)
    return current.version.bumped(list(stored))


def _stored(
    name: str, frame: pd.DataFrame, spec: gpkg.Table, columns: Collection[str] | None = None
) -> pd.DataFrame:
    """``frame`` as the layer's table holds it and a read gives it back: every column in
    storage dtypes (``columns``: only those need converting), WGS84, rows numbered from 0,
    single parts made multi in a multi table. :class:`.gpkg.NotInPlace` when the table's
    columns are not the layer's."""
    layer = LAYERS[name]
    if set(spec.columns) != set(layer.names):
        raise gpkg.NotInPlace(f"{name}: the file's columns are not this version's")
    out = _prepare(name, frame, columns).reset_index(drop=True)
    if layer.geometry is None:
        return pd.DataFrame(out)
    geoms = gpkg.stored_geometry(out.geometry.to_numpy(), spec.geometry_type or "GEOMETRY")
    return out.set_geometry(gpd.GeoSeries(geoms, crs=out.crs))


def _lock_path(target: Path) -> Path:
    return target.parent / f".{target.name}.lock"


def _held() -> set[str]:
    if not hasattr(_HELD, "paths"):
        _HELD.paths = set()
    return _HELD.paths


def _open_lock(path: Path, *, create: bool = True) -> int:
    """The lock file open for locking; read-only when another user made it (flock and
    msvcrt lock through any handle)."""
    flags = getattr(os, "O_BINARY", 0) | (os.O_CREAT if create else 0)
    try:
        return os.open(path, os.O_RDWR | flags, 0o666)
    except PermissionError:
        return os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))


def _lock(fd: int, *, wait: bool) -> bool:
    """Take the exclusive lock of the lock file ``fd``: wait for it, or (not ``wait``)
    return False at once when another writer holds it."""
    if _WINDOWS:
        import msvcrt

        busy = (errno.EACCES, getattr(errno, "EDEADLOCK", errno.EDEADLK))
        while True:
            os.lseek(fd, 0, os.SEEK_SET)  # msvcrt locks from the file position: byte 0
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
                return True
            except OSError as exc:
                if exc.errno not in busy:
                    raise
                if not wait:
                    return False
                # LK_LOCK gives up after ten one-second tries; a writer holds the lock
                # for seconds, so keep waiting as flock does.
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if _WINDOWS:
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    """Hold the workspace's lock: other processes' and threads' writers of it wait."""
    key = str(target.resolve())
    fd = _open_lock(_lock_path(target))
    try:
        _lock(fd, wait=True)
        _held().add(key)
        try:
            yield
        finally:
            _held().discard(key)
            _unlock(fd)
    finally:
        os.close(fd)


# ----------------------------------------------------------------------------- stale temp files
def _host() -> str:
    return re.sub(r"[^A-Za-z0-9.-]", "", socket.gethostname())[:40] or "host"


def _owner(target: Path) -> str:
    """The workspace's part of its temporary files' names (a hash for a very long name)."""
    name = target.name
    return name if len(name.encode()) <= 100 else hashlib.sha1(name.encode()).hexdigest()[:16]


def _temp_prefix(target: Path) -> str:
    """``.writing-<workspace>~<host>~<pid>~``: whose temporary file it is, so that the next
    write can tell a killed writer's leftover from a live writer's file."""
    return f"{_TEMP}{_owner(target)}~{_host()}~{os.getpid()}~"


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine (True when that cannot be told)."""
    if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: it exists
        return True
    return True


def _stale_temps(target: Path, now: float) -> list[Path]:
    """Temporary files of ``target``'s writers that no live writer is writing: its writer
    process on this machine is gone, or nobody has written to it for :data:`STALE_AFTER`
    seconds (a writer on another machine, or a pid used again). Files of writers from before
    temporary files were named after their workspace count by age alone."""
    mine = f"{_TEMP}{_owner(target)}~"
    host = _host()
    out = []
    for path in target.parent.iterdir():
        name = path.name
        if not name.startswith(_TEMP):
            continue
        base = re.sub(r"-(journal|wal|shm)$", "", name)  # SQLite's files beside the temp
        if base.startswith(mine):
            found = re.fullmatch(r"([^~]*)~(\d+)~[^~]*\.gpkg", base[len(mine) :])
            if found is None:  # another workspace whose name starts like this one's
                continue
            writer: tuple[str, int] | None = (found[1], int(found[2]))
        elif _LEGACY_TEMP.fullmatch(name):
            writer = None
        else:
            continue
        try:
            age = now - path.stat().st_mtime
        except OSError:  # removed meanwhile
            continue
        gone = writer is not None and writer[0] == host and not _alive(writer[1])
        if gone or age > STALE_AFTER:
            out.append(path)
    return out


def _remove_stale_temps(target: Path) -> None:
    """Remove what killed writers of ``target`` left behind, under the workspace's lock.

    Only while this thread holds the lock, or when nobody holds it: a writer inside its
    transaction (its temporary file being written) is never touched, whatever the file's age;
    the lock file is not created for this. Cleaning up never makes a write fail.
    """
    if str(target.resolve()) in _held():
        _unlink(_stale_temps(target, time.time()))
        return
    try:
        fd = _open_lock(_lock_path(target), create=False)
    except FileNotFoundError:  # never locked: no transaction can be running
        _unlink(_stale_temps(target, time.time()))
        return
    except OSError:
        return
    try:
        if not _lock(fd, wait=False):  # a writer is in its transaction: leave the folder be
            return
        try:
            _unlink(_stale_temps(target, time.time()))
        finally:
            _unlock(fd)
    except OSError:  # cleaning up never makes a write fail
        return
    finally:
        os.close(fd)


def _unlink(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def _write_layer(path: Path, name: str, frame: pd.DataFrame) -> None:
    layer = LAYERS[name]
    out = frame.copy()
    # GeoPackage has no nullable booleans or integers; store them as plain columns that the
    # reader's coerce() turns back into Int64 / boolean.
    for col in layer.columns:
        if col.name in out.columns and str(out[col.name].dtype) in ("boolean", "Int64"):
            s = out[col.name]
            out[col.name] = (
                s.astype("float64")
                if s.isna().any()
                else s.astype(bool if col.kind == "bool" else "int64")
            )
    if layer.geometry is not None:
        gtype = layer.geometry
        if gtype == "LineString" and (out.geom_type == "MultiLineString").any():
            gtype = "MultiLineString"
        multi = gtype.startswith("Multi")
        pyogrio.write_dataframe(out, path, layer=name, geometry_type=gtype, promote_to_multi=multi)
    else:
        pyogrio.write_dataframe(pd.DataFrame(out), path, layer=name)


def public_meta(meta: Mapping[str, str]) -> dict[str, str]:
    """``meta`` without the storage's own keys (:data:`VERSION_KEYS`)."""
    return {k: v for k, v in meta.items() if k not in VERSION_KEYS}


def read_meta(path: str | os.PathLike) -> dict[str, str]:
    """The workspace's key/value metadata (``{}`` when the file has none or is unreadable)."""
    if postgis.is_url(path):
        return _db().meta(str(path))
    try:
        m = pyogrio.read_dataframe(path, layer=META_LAYER, read_geometry=False)
    except Exception:  # a missing layer or a file that is no GeoPackage: no metadata
        return {}
    return public_meta(dict(zip(m["key"].astype(str), m["value"].astype(str), strict=True)))


def workspace_version(path: str | os.PathLike) -> str:
    """What changes whenever the workspace at ``path`` does (its stored version and its
    file's stamp; ``""`` while there is no file): the key of what is cached from it."""
    if postgis.is_url(path):
        return _db().version(str(path))
    target = Path(path)
    if not target.exists():
        return ""
    resolved = target.resolve()
    return f"{_stored_version(resolved)}:{'-'.join(map(str, _stamp(resolved)))}"


def read_workspace(path: str | os.PathLike) -> Workspace:
    """Open the workspace at ``path``, validating every layer (from memory when it has not
    changed since it was last read or written here).

    Raises ``FileNotFoundError`` for a missing file and :class:`SchemaError` naming the layer,
    row and field of every problem found. A ``postgresql://`` address is read from its
    database (FileNotFoundError when it holds no workspace).
    """
    if postgis.is_url(path):
        return _db().read(str(path))
    source = Path(path)
    if not source.is_file():
        raise FileNotFoundError(f"no workspace at {source}")
    return _state(source.resolve()).copy()


#: Metadata key marking a workspace as the synthetic demo ("true"), or no longer ("false").
DEMO_META_KEY = "synthetic_demo"


def is_demo(meta) -> bool:
    """Whether a workspace's metadata (``Workspace.meta``) is the synthetic demo's: marked
    with :data:`DEMO_META_KEY` ("true"; "false" once real data replace it), or written by the
    demo builder (an older demo carries only its ``demo_version``)."""
    flag = str(meta.get(DEMO_META_KEY, "")).strip().lower()
    if flag in ("true", "false"):  # an import of real data into the demo may set "false"
        return flag == "true"
    return bool(str(meta.get("demo_version", "")).strip())
