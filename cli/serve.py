"""``township-atlas serve [WORKSPACE]``: start the dashboard (Streamlit) on a workspace.

On this machine alone (a loopback address) it needs no accounts; reachable from other machines
it needs an enabled admin account first, made on the spot when run at a terminal (issue 14).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from ..geo.accounts import AccountError, AccountStore
from .common import Parents, SubParsers, fail, workspace_or_demo
from .users import admin_command, first_admin

#: Upload limit of the dashboard in MB (see _streamlit_command).
MAX_UPLOAD_MB = 600

#: Addresses only this machine can reach: ``serve`` needs no accounts there.
LOOPBACK_ADDRESSES = ("127.0.0.1", "localhost", "::1")

#: The dashboard's entry script, run by ``streamlit run``.
APP = Path(__file__).parent.parent / "dashboard" / "app.py"


def add_parser(sub: SubParsers, parents: Parents) -> None:
    """Register ``serve`` on the main parser."""
    p = sub.add_parser(
        "serve",
        help="start the dashboard (the demo when no workspace is given)",
        parents=[parents.workspace],
    )
    p.add_argument("--port", type=int, default=8501)
    p.add_argument(
        "--address",
        default="127.0.0.1",
        help="listen address (default 127.0.0.1); any other needs an enabled admin account "
        "first (township-atlas users ... add NAME --role admin)",
    )
    p.add_argument(
        "--allowed-host",
        action="append",
        metavar="NAME",
        help="a host name the office opens the dashboard by, besides its IP addresses and this "
        "computer's name (repeatable); requests for any other name are refused (DNS rebinding)",
    )
    p.add_argument("--headless", action="store_true", help="do not open a browser")
    p.add_argument(
        "--create",
        action="store_true",
        help="WORKSPACE does not exist yet: open the import page to make it from villages",
    )
    p.set_defaults(func=cmd_serve)


def _is_loopback(address: str) -> bool:
    import ipaddress

    if address.strip().lower() in LOOPBACK_ADDRESSES:
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:  # a host name other than localhost, or "" (every interface)
        return False


def _serve_refusal(args: argparse.Namespace, path: Path | str) -> str | None:
    """Why ``serve`` must not start, or ``None``: reachable from other machines (any address
    but loopback), it needs an enabled admin account first (issue 14)."""
    if _is_loopback(args.address):
        return None
    try:
        ready = AccountStore.for_workspace(path).has_enabled_admin()
    except AccountError as exc:
        return str(exc)
    if ready:
        return None
    return (
        f"在 {args.address or '所有地址'} 上服务,其他电脑可以访问,须先建立一个管理员账户: "
        f"{admin_command(args.workspace)}"
    )


def _at_a_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _workspace_to_serve(args: argparse.Namespace) -> Path | str:
    """The workspace to serve: the one named (it must exist, unless ``--create`` makes a new
    ``.gpkg`` or database schema), or the demo."""
    from ..geo.postgis import is_url, shown
    from ..geo.workspace import workspace_exists

    if args.workspace and is_url(args.workspace):
        if not workspace_exists(args.workspace) and not args.create:
            raise FileNotFoundError(
                f"no workspace at {shown(args.workspace)}; to start a new one there: "
                "township-atlas serve ADDRESS --create (or township-atlas migrate FILE ADDRESS)"
            )
        return args.workspace
    named = Path(args.workspace) if args.workspace else None
    if named is not None and not named.exists():
        if not args.create:
            raise FileNotFoundError(
                f"no workspace at {args.workspace}; to start a new one there: "
                f"township-atlas serve {args.workspace} --create"
            )
        # A new workspace: the 数据导入 page alone, until its villages are imported
        if named.suffix.lower() != ".gpkg" or not named.resolve().parent.is_dir():
            raise ValueError(
                f"--create: a new workspace is a .gpkg file in an existing folder: {named}"
            )
        print(f"新工作空间 {named}: 在“数据导入”页导入村界后生成", file=sys.stderr)
        return named
    return workspace_or_demo(args.workspace)


def _server_env(args: argparse.Namespace, path: Path | str) -> dict[str, str]:
    env = {
        **os.environ,
        "TOWNSHIP_ATLAS_WORKSPACE": path if isinstance(path, str) else str(path.resolve()),
        # The dashboard needs no sign-in on this machine alone, and checks the Host header
        "TOWNSHIP_ATLAS_ADDRESS": args.address,
    }
    if args.allowed_host:
        env["TOWNSHIP_ATLAS_ALLOWED_HOSTS"] = ",".join(args.allowed_host)
    return env


def _streamlit_command(args: argparse.Namespace) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address",
        args.address,
        "--server.port",
        str(args.port),
        "--server.headless",
        "true" if args.headless else "false",
        "--browser.gatherUsageStats",
        "false",
        # Streamlit's first run asks for an e-mail address and waits; a township office's
        # first run must just open the map (and a run without a terminal must not die).
        "--server.showEmailPrompt",
        "false",
        # Streamlit 1.67 puts an "install agent skills" card over the app on a local,
        # non-headless run (a projector in a meeting); its own welcome text goes with it,
        # and cmd_serve prints the address instead.
        "--logger.hideWelcomeMessage",
        "true",
        "--client.toolbarMode",
        "minimal",
        # Tracebacks name server paths and data; the browser gets a generic message, the
        # terminal the detail. ("false" is deprecated and means "stacktrace", which still
        # sends the traceback.)
        "--client.showErrorDetails",
        "none",
        "--server.enableXsrfProtection",
        "true",
        # A table's own CSV download and clipboard copy would hand its cells to a spreadsheet
        # unescaped (a village named "=HYPERLINK(…)" becomes a formula) and outside the
        # export permission and audit; the pages' own exports are formula-safe and audited.
        "--client.disableDataExport",
        "true",
        # The importer refuses text registers over 512 MB; the upload limit sits just above,
        # so a large register reaches the importer's own clear message instead of a bare
        # upload error (Streamlit's default, 200 MB, is below a county's CSV export).
        "--server.maxUploadSize",
        str(MAX_UPLOAD_MB),
    ]


def _run_server(cmd: list[str], env: dict[str, str]) -> int:
    if os.name == "posix":
        # Become the Streamlit server, so a signal to this process stops the server itself
        # (a child process would outlive a terminated parent).
        sys.stderr.flush()
        os.execve(sys.executable, cmd, env)
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Start the dashboard on the workspace; refuse (exit 2) another address without an admin."""
    from ..geo.postgis import shown
    from ..geo.workspace import read_workspace, workspace_exists

    path = _workspace_to_serve(args)
    exists = workspace_exists(path)
    refusal = _serve_refusal(args, path)
    if refusal and _at_a_terminal() and exists:
        # the first run on an office server: make the first administrator here and now
        try:
            first_admin(path)
        except AccountError as exc:
            return fail(str(exc), 2)
        refusal = _serve_refusal(args, path)
    if refusal:
        return fail(refusal, 2)
    if exists:
        read_workspace(path)  # fail here, with the reason, rather than in the browser
    cmd = _streamlit_command(args)
    env = _server_env(args, path)
    print(f"Township Atlas: {shown(path)} → http://{args.address}:{args.port}", file=sys.stderr)
    return _run_server(cmd, env)
