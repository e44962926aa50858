"""The workspace: one GeoPackage file holding every layer of a township.

A workspace is written whole to a temporary file beside the target and moved into place with
``os.replace``, so a reader never sees a half-written file and a failed write leaves the old one
as it was. A killed writer leaves its temporary file behind; the next write of the workspace
removes it. Every layer is validated on write and on read.

A workspace reached through a symbolic link is written beside the link's target (the link stays
a link); the new file gets the old one's permissions (and owner and group where the OS allows),
and is flushed to disk before it replaces the old one. Writers take turns through a lock file
beside the workspace: ``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import socket
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from . import audit
from .schema import LAYERS, REQUIRED_LAYERS, SCHEMA_VERSION, WGS84, Layer
from .validate import Problem, SchemaError, coerce, problems

META_LAYER = "atlas_meta"
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


def _prepare(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Every column of the layer (those left out stay empty), in storage dtypes, WGS84."""
    layer = LAYERS[name]
    out = coerce(layer, pd.DataFrame(frame).reindex(columns=layer.names))
    if layer.geometry is not None:
        out = gpd.GeoDataFrame(out, geometry=frame.geometry.to_numpy(), crs=frame.crs)
        out = out.to_crs(WGS84)
    return out


def validate_workspace(layers: Mapping[str, pd.DataFrame]) -> list[Problem]:
    """Problems of each layer and across layers (codes that refer to unknown villages)."""
    found: list[Problem] = []
    for name in REQUIRED_LAYERS:
        if name not in layers or len(layers[name]) == 0:
            found.append(Problem(name, None, None, "layer is required and has no rows"))
    for name, frame in layers.items():
        if name not in LAYERS:
            found.append(Problem(name, None, None, "unknown layer"))
            continue
        found += problems(name, frame)
    if found or "villages" not in layers:
        return found
    # Normalised like the referring columns, so a code read as float (360722102201.0) matches
    codes = set(coerce(LAYERS["villages"], layers["villages"])["code"].dropna())
    refs = {
        "households": "village_code",
        "indicators": "village_code",
        "facilities": "village_code",
        "relocation_sites": "village_code",
        "relocations": "origin_code",
    }
    for name, col in refs.items():
        frame = layers.get(name)
        if frame is None or len(frame) == 0 or col not in frame.columns:  # optional column
            continue
        values = coerce(LAYERS[name], frame)[col].reset_index(drop=True)
        unknown = values.notna() & ~values.isin(codes)
        for i in unknown[unknown].index:
            found.append(Problem(name, int(i), col, f"village {values[i]} is not in villages"))
    return found


def write_workspace(
    path: str | os.PathLike,
    layers: Mapping[str, pd.DataFrame],
    meta: Mapping[str, str] | None = None,
) -> Path:
    """Validate ``layers`` and write them as the workspace at ``path``, replacing it atomically.

    A symbolic link is followed (its target is replaced; the link stays); an existing file's
    permissions, owner and group are kept. Raises :class:`SchemaError` (and writes nothing)
    when any layer is invalid.
    """
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
        info = {**(meta or {}), "schema_version": str(SCHEMA_VERSION)}
        pyogrio.write_dataframe(
            pd.DataFrame({"key": list(info), "value": [str(v) for v in info.values()]}),
            tmp,
            layer=META_LAYER,
        )
        # On disk before the rename: after a power cut the name holds the old file or the
        # new one, never a renamed file whose blocks were not written yet.
        _fsync_file(tmp)
        _keep_access(tmp, target)
        os.replace(tmp, target)
        _fsync_folder(target.parent)
    finally:
        tmp.unlink(missing_ok=True)
    return Path(path)


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
    saving at once cannot lose each other's change; the whole workspace is then validated and
    written atomically, so an invalid result (:class:`SchemaError`), an exception in ``change``
    or a failed write leaves the file exactly as it was.

    Each write adds a row to the workspace's audit log (:func:`.audit.record_write`: who, and
    what the change was); when that log cannot be written, :class:`.audit.AuditError` is raised
    and nothing is changed.
    """
    target = _real_path(path)
    with _locked(target):
        current = read_workspace(target)
        changed = change(current)
        if not changed and not meta:  # nothing to change: leave the file (and its mtime) alone
            return target
        # a change that could not be logged is not made
        audit.AuditLog.for_workspace(target).check_writable()
        layers = {**current.layers, **changed}
        write_workspace(target, layers, {**current.meta, **(meta or {})})
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
    target = _real_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)  # the lock file lives beside it
    with _locked(target):
        current = read_workspace(target) if target.exists() else None
        changed = change(current)
        if not changed and not meta:
            return False
        audit.AuditLog.for_workspace(target).check_writable()
        if current is None:
            write_workspace(target, changed, {**(created_meta or {}), **(meta or {})})
        else:
            layers = {**current.layers, **changed}
            write_workspace(target, layers, {**current.meta, **(meta or {})})
        before = current.layers if current is not None else None
        audit.record_write(target, before or None, changed, (meta or {}).keys())
        return True


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


def read_meta(path: str | os.PathLike) -> dict[str, str]:
    """The workspace's key/value metadata (``{}`` when the file has none or is unreadable)."""
    try:
        m = pyogrio.read_dataframe(path, layer=META_LAYER, read_geometry=False)
    except Exception:  # a missing layer or a file that is no GeoPackage: no metadata
        return {}
    return dict(zip(m["key"].astype(str), m["value"].astype(str), strict=True))


def read_workspace(path: str | os.PathLike) -> Workspace:
    """Open the workspace at ``path``, validating every layer.

    Raises ``FileNotFoundError`` for a missing file and :class:`SchemaError` naming the layer,
    row and field of every problem found.
    """
    source = Path(path)
    if not source.is_file():
        raise FileNotFoundError(f"no workspace at {source}")
    present = {row[0] for row in pyogrio.list_layers(source)}
    layers: dict[str, pd.DataFrame] = {}
    for name, layer in LAYERS.items():
        if name not in present:
            continue
        frame = pyogrio.read_dataframe(source, layer=name, use_arrow=True)
        if layer.geometry is None and "geometry" in frame.columns:
            frame = pd.DataFrame(frame.drop(columns="geometry"))
        layers[name] = frame
    found = validate_workspace(layers)
    if found:
        raise SchemaError(found)
    out: dict[str, pd.DataFrame] = {}
    for name, frame in layers.items():
        layer = LAYERS[name]
        norm = coerce(layer, frame)
        if layer.geometry is not None:
            norm = gpd.GeoDataFrame(norm, geometry=frame.geometry.name, crs=frame.crs)
            if norm.crs is None:
                raise SchemaError([Problem(name, None, "geometry", "layer has no CRS")])
            norm = norm.to_crs(WGS84)
        out[name] = norm
    return Workspace(out, read_meta(source) if META_LAYER in present else {})


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
