"""The ``township-atlas`` command: build the demo, serve the dashboard, print figures.

Each subcommand calls the same ``geo``, ``analysis`` and ``report`` functions the dashboard
uses; each module here registers one subcommand or a small family of them (``add_parser``) and
runs it (``cmd_*``). Errors print one line to stderr and exit non-zero; ``--json`` output is
plain JSON on stdout.
"""

from __future__ import annotations

import argparse
import os
import sys

from pyogrio.errors import DataSourceError

from ..geo.postgis import DatabaseError
from ..geo.rules import RulesError
from ..geo.validate import SchemaError
from . import (
    assistance,
    audit,
    brief,
    demo,
    funds,
    importing,
    migrate,
    monitor,
    plan,
    serve,
    stations,
    summary,
    users,
)
from .common import Parents, fail

__all__ = ["build_parser", "main"]

#: The subcommand modules, in the order ``--help`` lists their subcommands.
_SUBCOMMANDS = (
    demo,
    serve,
    users,
    audit,
    summary,
    plan,
    monitor,
    assistance,
    stations,
    brief,
    funds,
    importing,
    migrate,
)


def build_parser() -> argparse.ArgumentParser:
    """The ``township-atlas`` parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="township-atlas", description="乡镇扶贫一张图 Township Atlas"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    parents = Parents()
    for module in _SUBCOMMANDS:
        module.add_parser(sub, parents)
    return parser


def _cli_actor():
    """Who the audit log names for a command: ``cli:<login name>`` (the command line has no
    accounts: whoever may run it on the server may change the workspace file anyway)."""
    import getpass

    from ..geo.audit import Actor

    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return Actor(f"cli:{who}", "cli")


def main(argv: list[str] | None = None) -> int:
    """Run the command line ``argv`` (default: the process's) and return its exit code."""
    from ..geo.audit import AuditError, acting_as

    args = build_parser().parse_args(argv)
    try:
        with acting_as(_cli_actor()):
            return args.func(args)
    except AuditError as exc:  # a change that could not be audited was not made
        return fail(str(exc))
    except FileNotFoundError as exc:
        return fail(str(exc))
    except SchemaError as exc:
        return fail(f"the workspace is not valid: {exc}")
    except DataSourceError as exc:
        return fail(f"cannot read the workspace (not a GeoPackage?): {exc}")
    except RulesError as exc:  # one problem per line, each naming the file, key and line
        for line in str(exc).splitlines():
            fail(line)
        return 1
    except ValueError as exc:
        return fail(str(exc))
    except DatabaseError as exc:  # the database cannot be reached, or refused the change
        return fail(str(exc), 2)
    except BrokenPipeError:  # the reader went away (``| head``): nothing to say, no traceback
        _silence_stdout()
        return 1


def _silence_stdout() -> None:
    # Python flushes stdout once more at exit and would print another broken-pipe error; the
    # rest of the output goes nowhere (the Python docs' recipe for SIGPIPE)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a file (a test's capture): nothing to do
        pass
    finally:
        os.close(devnull)
