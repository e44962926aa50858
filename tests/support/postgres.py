"""A throwaway PostgreSQL + PostGIS cluster for the tests of the database backend.

Debian's ``postgresql`` and ``postgresql-*-postgis-3`` packages give the server (``.ci/run``
installs them); :func:`start` makes a cluster in a temporary folder, listening only on a Unix
socket there, with trust authentication for one user. Run as root, the server runs as the
``postgres`` user (PostgreSQL refuses root). :func:`unavailable` says why a cluster cannot
start here, for the skip message.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

USER = "atlas"


def _bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def unavailable() -> str | None:
    """Why no cluster can start on this machine (None when one can)."""
    bindir = _bin()
    if bindir is None:
        return "PostgreSQL server not installed (Debian: apt-get install postgresql)"
    version = bindir.parent.name
    if not Path(f"/usr/share/postgresql/{version}/extension/postgis.control").exists():
        return f"PostGIS not installed (Debian: apt-get install postgresql-{version}-postgis-3)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a postgres user to run the server"
    return None


@dataclass
class Cluster:
    folder: Path
    bindir: Path
    run_as: list[str]

    @property
    def socket(self) -> str:
        return str(self.folder)

    def url(self, database: str = "atlas", schema: str | None = None) -> str:
        tail = f"&schema={schema}" if schema else ""
        return f"postgresql://{USER}@/{database}?host={self.socket}&port=5432{tail}"

    def new_schema_url(self) -> str:
        """An address of a schema no test has used."""
        return self.url(schema=f"t_{uuid.uuid4().hex[:12]}")

    def stop(self) -> None:
        subprocess.run(
            [
                *self.run_as,
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.folder / "data"),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def start() -> Cluster:
    """A new cluster with a database ``atlas`` (PostGIS created in it), running until
    :meth:`Cluster.stop`."""
    bindir = _bin()
    assert bindir is not None, unavailable()
    folder = Path(tempfile.mkdtemp(prefix="atlas-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        pg = pwd.getpwnam("postgres")
        os.chown(folder, pg.pw_uid, pg.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    subprocess.run(
        [
            *run_as,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            USER,
            "--no-sync",
            "-E",
            "UTF8",
            "--locale",
            "C",
        ],
        capture_output=True,
        check=True,
    )
    options = (
        f"-k {folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=60"
    )
    subprocess.run(
        [
            *run_as,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(folder / "server.log"),
            "-w",
            "start",
        ],
        capture_output=True,
        check=True,
    )
    cluster = Cluster(folder, bindir, run_as)
    import psycopg

    for _ in range(50):
        try:
            with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {USER}")
            break
        except psycopg.OperationalError:
            time.sleep(0.1)
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    return cluster
