"""``township-atlas users [WORKSPACE] ACTION ...``: the local accounts of a workspace.

The accounts live beside the workspace (``geo.accounts``). A password is never an argument
(it would stay in the shell history and the process list): it is asked twice on a terminal,
or read as the first line of standard input otherwise. Errors are one line, exit 2.
"""

from __future__ import annotations

import argparse
import getpass
import re
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

from ..geo.accounts import (
    ROLE_LABELS,
    ROLES,
    Account,
    AccountError,
    AccountStore,
    check_name,
)
from .common import Parents, SubParsers, fail, table

ACTIONS = ("add", "list", "set-role", "disable", "enable", "reset-password")

_USAGE = "township-atlas users [WORKSPACE] {" + ",".join(ACTIONS) + "} ..."
_DESCRIPTION = (
    "本地账户 / local accounts, kept beside the workspace (WORKSPACE.accounts.sqlite; default: "
    "the demo). Actions: add NAME --role ROLE [--villages CODE,...]; list; set-role NAME ROLE "
    "[--villages CODE,...]; disable NAME; enable NAME; reset-password NAME. Roles: "
    + ", ".join(f"{r} ({ROLE_LABELS[r][0]})" for r in ROLES)
    + ". Passwords: asked twice on a terminal, else the first line of standard input."
)


def add_parser(sub: SubParsers, parents: Parents) -> None:
    """Register ``users`` on the main parser. The workspace comes before the action and may be
    left out, which argparse's positionals cannot express (so no shared ``parents``);
    :func:`cmd_users` parses the rest."""
    p = sub.add_parser(
        "users",
        help="local accounts: add, list, set-role, disable, enable, reset-password",
        usage=_USAGE,
        description=_DESCRIPTION,
    )
    p.add_argument("rest", nargs=argparse.REMAINDER, help="[WORKSPACE] ACTION ...")
    p.set_defaults(func=cmd_users)


def _villages_option(p: argparse.ArgumentParser, help_text: str) -> None:
    p.add_argument("--villages", metavar="CODE,...", help=help_text)


def _action_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="township-atlas users [WORKSPACE]")
    sub = parser.add_subparsers(dest="action", required=True)
    p = sub.add_parser("add", help="new account (password asked, or from stdin)")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=ROLES)
    _villages_option(p, "village codes whose households it may see (default: all)")
    sub.add_parser("list", help="every account: name, role, villages, disabled")
    p = sub.add_parser("set-role", help="change an account's role (and villages)")
    p.add_argument("name")
    p.add_argument("role", choices=ROLES)
    _villages_option(p, 'new village codes; "" for all (default: keep them)')
    for action, text in (("disable", "no sign-in for the account"), ("enable", "sign-in again")):
        p = sub.add_parser(action, help=text)
        p.add_argument("name")
    p = sub.add_parser("reset-password", help="new password (asked, or from stdin)")
    p.add_argument("name")
    return parser


def _split_workspace(rest: list[str]) -> tuple[str | None, list[str]]:
    if rest and rest[0] not in ACTIONS and not rest[0].startswith("-"):
        return rest[0], rest[1:]
    return None, rest


def _workspace(given: str | None) -> tuple[Path | str, bool]:
    """The workspace path and whether it exists. A ``.gpkg`` not made yet in an existing folder
    is allowed (``serve NEW.gpkg --create --address ...`` needs its admin first)."""
    if given is None:
        from ..data.demo import ensure_demo

        return ensure_demo(), True
    from ..geo.postgis import is_url
    from ..geo.workspace import workspace_exists

    if is_url(given):
        return given, workspace_exists(given)
    path = Path(given)
    if path.is_file():
        return path, True
    if path.suffix.lower() == ".gpkg" and path.resolve().parent.is_dir() and not path.exists():
        return path, False
    raise AccountError(f"没有工作空间 {path}")


def _village_codes(path: Path, exists: bool, text: str | None) -> tuple[str, ...] | None:
    """``--villages`` as codes, each checked against the workspace's villages."""
    if text is None:
        return None
    codes = tuple(dict.fromkeys(c.strip() for c in text.replace("，", ",").split(",") if c.strip()))
    if not codes:
        return ()
    if not exists:
        raise AccountError("工作空间还没有村(尚未导入村界),不能指定 --villages")
    from ..geo.workspace import read_workspace

    known = set(read_workspace(path).villages["code"].astype(str))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise AccountError(f"工作空间中没有这些村代码: {', '.join(unknown)}")
    return codes


def _read_password(name: str) -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        try:
            first = getpass.getpass(f"{name} 的新密码: ")
            second = getpass.getpass("再输入一次: ")
        except (EOFError, KeyboardInterrupt):
            raise AccountError("已取消,未作改动") from None
        if first != second:
            raise AccountError("两次输入的密码不同,未作改动")
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    password = line.rstrip("\r\n")
    if not password:
        raise AccountError("标准输入的第一行应是密码,但它是空的")
    return password


def _print_accounts(store: AccountStore) -> None:
    accounts = store.accounts()
    if not accounts:
        print(f"还没有账户 ({store.path})")
        return
    rows = [
        {
            "name": a.name,
            "role": f"{a.role} ({ROLE_LABELS.get(a.role, (a.role,))[0]})",
            "villages": ",".join(a.villages) or "全部",
            "state": "停用" if a.disabled else "启用",
        }
        for a in accounts
    ]
    print(table(rows, ["name", "role", "villages", "state"], ["账户", "角色", "可见村", "状态"]))


def admin_command(workspace: str | None) -> str:
    """The command that makes the first admin of ``workspace`` (``None``: the demo)."""
    # shlex.quote would quote every Chinese file name; quote only what a shell would split
    plain = workspace and not re.search(r"[^\w@%+=:,./-]", workspace)
    where = f" {workspace if plain else shlex.quote(workspace)}" if workspace else ""
    return f"township-atlas users{where} add <name> --role admin"


def first_admin(
    path: Path,
    ask: Callable[[str], str] | None = None,
    password: Callable[[str], str] | None = None,
) -> Account:
    """The first-run set-up: ask for the first administrator's name and password and make
    the account (``serve`` on another address, at a terminal, with no admin yet)."""
    print("本服务器将被其他电脑访问,须先建立一个管理员账户。", file=sys.stderr)
    try:
        name = (ask or input)("管理员账户名: ").strip()
    except (EOFError, KeyboardInterrupt):
        raise AccountError("已取消,未作改动") from None
    check_name(name)
    account = AccountStore.for_workspace(path).add(
        name, "admin", (password or _read_password)(name)
    )
    _audit(path, account.name, "add", "admin")
    print(f"已建立管理员 {account.name}", file=sys.stderr)
    return account


def _audit(path: Path, name: str, action: str, detail: str = "") -> None:
    """An audit row for an account change made at the command line."""
    from ..geo.audit import AuditLog, current_actor

    AuditLog.for_workspace(path).record(current_actor(), "users", name, f"{action} {detail}")


def cmd_users(args: argparse.Namespace) -> int:
    """Run one ``users`` action; every refusal is one line on stderr and exit 2."""
    given, rest = _split_workspace(list(args.rest))
    ns = _action_parser().parse_args(rest)
    try:
        path, exists = _workspace(given)
        store = AccountStore.for_workspace(path)
        if ns.action == "list":
            _print_accounts(store)
        elif ns.action == "add":
            villages = _village_codes(path, exists, ns.villages) or ()
            # refuse a taken name before asking for a password the user would type in vain
            if store.get(ns.name) is not None:
                raise AccountError(f"已有账户 {ns.name}")
            account = store.add(ns.name, ns.role, _read_password(ns.name), villages)
            _audit(path, account.name, "add", account.role)
            print(f"已建立账户 {account.name} ({account.role}) → {store.path}")
        elif ns.action == "set-role":
            account = store.set_role(ns.name, ns.role, _village_codes(path, exists, ns.villages))
            seen = ",".join(account.villages) or "全部"
            _audit(path, account.name, "set-role", f"{account.role} {seen}")
            print(f"{account.name}: 角色 {account.role},可见村 {seen}")
        elif ns.action in ("disable", "enable"):
            account = store.set_disabled(ns.name, ns.action == "disable")
            _audit(path, account.name, ns.action)
            print(f"{account.name}: {'已停用' if account.disabled else '已启用'}")
        else:  # reset-password
            if store.get(ns.name) is None:
                raise AccountError(f"没有账户 {ns.name}")
            account = store.set_password(ns.name, _read_password(ns.name))
            _audit(path, account.name, "reset-password")
            print(f"{account.name}: 密码已重设")
    except (AccountError, FileNotFoundError, ValueError) as exc:
        return fail(str(exc), 2)
    return 0
