"""Where Township Atlas keeps files of its own: the user's data folder, never the package."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import stat
import tempfile
from pathlib import Path

from platformdirs import user_data_path

from .. import __version__

APP_NAME = "township-atlas"
#: Length of the ID-number key in bytes; a shorter key file is refused, never used.
ID_KEY_BYTES = 32
#: Workspace metadata key holding the fingerprint of the ID-number key its hashes were made with.
ID_KEY_FINGERPRINT_META = "id_key_fingerprint"
_FINGERPRINT_MESSAGE = b"township-atlas id-key fingerprint"


class IdKeyError(ValueError):
    """The ID-number key file cannot be used (too short, readable by others, unwritable).

    ``zh`` and ``en`` are the message in Chinese and English; ``str()`` is both.
    """

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


def data_dir() -> Path:
    """The user's data folder for Township Atlas (``TOWNSHIP_ATLAS_HOME`` overrides it)."""
    override = os.environ.get("TOWNSHIP_ATLAS_HOME")
    return Path(override) if override else user_data_path(APP_NAME, appauthor=False)


def demo_workspace_path() -> Path:
    """Path of the built demo workspace; the version in the name rebuilds it after upgrades."""
    return data_dir() / f"demo-{__version__}.gpkg"


def id_key_path() -> Path:
    """Path of the ID-number key file (in the user's data folder, never in a workspace)."""
    return data_dir() / "id-key"


def id_key() -> bytes:
    """The key of the keyed hash of ID numbers, made once per user.

    It never goes into a workspace: a hash with its key beside it could be reversed by trying
    every birth date and region. Made atomically (a complete temporary file hard-linked to its
    name), so processes starting at once all read the same complete key.

    Returns
    -------
    bytes
        The key (at least :data:`ID_KEY_BYTES` bytes).

    Raises
    ------
    IdKeyError
        The key file is shorter than 32 bytes, readable or writable by group or others
        (POSIX), or cannot be made or read.
    """
    path = id_key_path()
    if not path.exists():
        _create_key(path)
    return _read_key(path)


def id_key_fingerprint(key: bytes) -> str:
    """A short public fingerprint of ``key`` (16 hex characters of an HMAC under it).

    Stored in a workspace to tell whether the key in use made its hashes; it reveals nothing
    about the key itself.
    """
    return hmac.new(bytes(key), _FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()[:16]


def _create_key(path: Path) -> None:
    """Write a new key to a temporary file (0600, fsynced), then link it to ``path``.

    ``os.link`` fails when ``path`` exists, so of several processes racing, the first link
    wins and the rest use its key; nobody ever sees a partly written key (the old O_EXCL
    create-then-write let a reader in between read 0 bytes).
    """
    import secrets

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".id-key-", dir=path.parent)  # mode 0600
    except OSError as exc:
        raise _unusable(path, exc) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(ID_KEY_BYTES))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:  # another process made it first: use theirs
            pass
        except OSError:
            if os.name != "nt":  # a file system without hard links
                raise
            # Windows' rename never replaces an existing file: the same first-one-wins
            with contextlib.suppress(FileExistsError):
                os.rename(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        raise _unusable(path, exc) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _fsync_dir(folder: Path) -> None:
    # the new name must survive a power cut: losing the key loses every ID lookup
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _read_key(path: Path) -> bytes:
    """The key at ``path``, refused when short or open to group/others."""
    try:
        info = path.stat()
        key = path.read_bytes()
    except OSError as exc:
        raise _unusable(path, exc) from exc
    if os.name == "posix" and stat.S_IMODE(info.st_mode) & 0o077:
        mode = oct(stat.S_IMODE(info.st_mode))
        raise IdKeyError(
            f"证件号码密钥文件 {path} 的权限为 {mode}，其他用户可以读写，拒绝使用；"
            f"请执行 chmod 600 {path}（只允许本用户读写）后重试",
            f"the ID-number key file {path} has mode {mode} (group or others may read or write "
            f"it); refused: run chmod 600 {path} and try again",
        )
    if len(key) < ID_KEY_BYTES:
        empty_zh = "文件为空（未用它散列过任何证件号码，可删除后自动重新生成）" if not key else ""
        empty_en = " (empty: it never hashed an ID number; delete it to make a new one)"
        raise IdKeyError(
            f"证件号码密钥文件 {path} 只有 {len(key)} 字节，少于 {ID_KEY_BYTES} 字节，"
            f"拒绝使用{('：' + empty_zh) if empty_zh else '；请从备份恢复该文件'}",
            f"the ID-number key file {path} has {len(key)} bytes, fewer than {ID_KEY_BYTES}; "
            "refused" + (empty_en if not key else ": restore it from your backup"),
        )
    return key


def _unusable(path: Path, exc: OSError) -> IdKeyError:
    reason = exc.strerror or type(exc).__name__
    return IdKeyError(
        f"无法创建或读取证件号码密钥文件 {path}：{reason}",
        f"cannot make or read the ID-number key file {path}: {reason}",
    )


def create_private_file(path: Path) -> None:
    """Create ``path`` empty, readable and writable by its owner only (0600), unless it
    exists. For SQLite files beside a workspace (accounts, audit): sqlite3 would create them
    with the umask's mode (often world-readable), and their journals take the file's mode.
    Raises ``OSError`` when the file cannot be made."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return
    if hasattr(os, "fchmod"):
        os.fchmod(fd, 0o600)  # the umask cannot widen it, but be explicit
    os.close(fd)


def side_anchor(workspace: str | os.PathLike) -> Path:
    """The path a workspace's own side files (accounts, audit log) are named beside: the
    workspace file itself, or for a workspace in a database (``postgresql://…``) a name in
    the user's data folder made from its address (host, database, schema; never the
    password), so that the dashboard processes of one server share them."""
    from .postgis import Address, is_url

    if not is_url(workspace):
        return Path(workspace)
    address = Address.parse(str(workspace))
    shown = str(address)
    digest = hashlib.sha256(shown.encode()).hexdigest()[:10]
    readable = "".join(ch if ch.isalnum() else "_" for ch in shown.split("://", 1)[-1])
    folder = data_dir() / "databases"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder / f"{readable[:60].strip('_')}-{digest}.gpkg"
