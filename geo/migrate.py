"""Copy a workspace between storage backends (a GeoPackage file, a PostgreSQL schema).

The source is read and validated as any read is; the destination is written whole in one
transaction (:func:`.workspace.write_workspace`), so a failed migration leaves it as it was.
The workspace's accounts and audit log (files beside a GeoPackage, or in the data folder for a
database: :func:`.paths.side_anchor`) come along where the destination has none of its own,
and the migration is audited in the destination's log.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from . import audit, postgis
from .accounts import accounts_path
from .paths import create_private_file
from .postgis import shown
from .workspace import read_workspace, workspace_exists, write_workspace


class MigrateError(ValueError):
    """The migration was not made (the reason, one line)."""


@dataclass(frozen=True)
class Migration:
    """What a migration copied."""

    source: str
    dest: str
    rows: dict[str, int]
    side_files: tuple[str, ...]

    def summary(self) -> str:
        layers = ", ".join(f"{name} {n:,}" for name, n in self.rows.items() if n)
        extra = f"; with its {' and '.join(self.side_files)}" if self.side_files else ""
        return f"migrated {self.source} → {self.dest}: {layers}{extra}"


def migrate(source: str | os.PathLike, dest: str | os.PathLike, *, replace: bool = False):
    """Copy the workspace at ``source`` to ``dest``; returns a :class:`Migration`.

    Raises :class:`MigrateError` when ``dest`` holds a workspace (and ``replace`` is not
    given) or is the source itself; FileNotFoundError / SchemaError as reads do.
    """
    if _same(source, dest):
        raise MigrateError(f"{shown(dest)} is the source itself")
    ws = read_workspace(source)
    if workspace_exists(dest) and not replace:
        raise MigrateError(f"{shown(dest)} holds a workspace already (--replace replaces it)")
    if not postgis.is_url(dest) and Path(dest).suffix.lower() != ".gpkg":
        raise MigrateError(f"{dest}: a workspace file ends in .gpkg")
    write_workspace(dest, ws.layers, dict(ws.meta))
    moved = []
    for what, path_of in (("accounts", accounts_path), ("audit log", audit.audit_path)):
        if _copy_sqlite(path_of(source), path_of(dest)):
            moved.append(what)
    rows = {name: len(frame) for name, frame in ws.layers.items()}
    detail = f"from {shown(source)}: " + ", ".join(f"{k} {v}" for k, v in rows.items() if v)
    audit.AuditLog.for_workspace(dest).record(audit.current_actor(), "migrate", shown(dest), detail)
    return Migration(shown(source), shown(dest), rows, tuple(moved))


def _same(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    if postgis.is_url(a) or postgis.is_url(b):
        return shown(a) == shown(b)
    return Path(a).resolve() == Path(b).resolve()


def _copy_sqlite(source: Path, dest: Path) -> bool:
    """Copy the SQLite file ``source`` to ``dest`` (0600) when there is one and ``dest`` has
    none; whether it was copied."""
    if not source.exists() or dest.exists():
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    create_private_file(dest)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(dest)) as out:
        src.backup(out)
    return True
