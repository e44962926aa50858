"""``township-atlas migrate SOURCE DEST``: copy a workspace between a GeoPackage file and a
PostgreSQL + PostGIS database (either way, or file to file, database to database)."""

from __future__ import annotations

import argparse

from .common import Parents, SubParsers

DEST_HELP = (
    "where it goes: a .gpkg path or postgresql://user@host:port/database[?schema=name] "
    "(schema atlas unless named)"
)


def add_parser(sub: SubParsers, parents: Parents) -> None:
    """Register ``migrate`` on the main parser."""
    p = sub.add_parser(
        "migrate",
        help="copy a workspace between a GeoPackage and a PostgreSQL/PostGIS database",
        description=(
            "Read SOURCE (validated), write it whole to DEST in one transaction, and bring its "
            "accounts and audit log along where DEST has none yet. DEST must not hold a "
            "workspace unless --replace is given. Passwords in addresses are never printed; "
            "libpq's PGPASSWORD or ~/.pgpass keep them off the command line."
        ),
    )
    p.add_argument("source", help="the workspace to copy: a .gpkg path or a postgresql:// address")
    p.add_argument("dest", help=DEST_HELP)
    p.add_argument("--replace", action="store_true", help="replace a workspace DEST holds")
    p.set_defaults(func=cmd_migrate)


def cmd_migrate(args: argparse.Namespace) -> int:
    """Copy the workspace; print what went where (exit 2 when DEST holds one already)."""
    from ..geo.migrate import MigrateError, migrate

    try:
        report = migrate(args.source, args.dest, replace=args.replace)
    except MigrateError as exc:
        from .common import fail

        return fail(str(exc), 2)
    print(report.summary())
    return 0
