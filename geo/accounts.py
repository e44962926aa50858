"""Local accounts of a workspace: who may sign in, with which role, seeing which villages.

Accounts live beside the workspace, never inside it (``古陂镇.gpkg`` → ``古陂镇.accounts.sqlite``),
so a workspace file can be handed to another office without its people's passwords. The store is
an SQLite file created readable by its owner only; every change is one transaction.

Roles follow DHIS2: a role is a set of authorities, and an account also names the villages whose
household rows it may see (none named: all of them). Passwords are kept only as argon2id hashes.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .paths import create_private_file, side_anchor

#: Every authority a role can hold; pages and actions ask for one of these by name.
AUTHORITIES = (
    "view_maps",
    "view_figures",
    "export_brief",
    "export_data",
    "view_plans",
    "plan_stations",
    "save_plans",
    "view_households",
    "record_changes",
    "import_data",
    "edit_rules",
    "manage_users",
    "view_audit",
)

#: What each role may do (issue 14). A leader sees every map and figure but never a household
#: row; a monitor works on households (of their villages); admin holds every authority.
ROLE_AUTHORITIES: dict[str, frozenset[str]] = {
    "leader": frozenset({"view_maps", "view_figures", "export_brief", "view_plans"}),
    "planner": frozenset(
        {
            "view_maps",
            "view_figures",
            "export_brief",
            "export_data",
            "view_plans",
            "plan_stations",
            "save_plans",
        }
    ),
    "monitor": frozenset({"view_maps", "view_figures", "view_households", "record_changes"}),
    "data_manager": frozenset(
        {"view_maps", "view_figures", "export_data", "import_data", "edit_rules"}
    ),
    "admin": frozenset(AUTHORITIES),
}

#: How each role reads in Chinese and English.
ROLE_LABELS: dict[str, tuple[str, str]] = {
    "leader": ("领导", "leader"),
    "planner": ("规划员", "planner"),
    "monitor": ("监测员", "monitor"),
    "data_manager": ("数据管理员", "data manager"),
    "admin": ("管理员", "administrator"),
}

ROLES = tuple(ROLE_AUTHORITIES)

NAME_MAX = 32
PASSWORD_MIN = 8
#: Hashing a huge "password" costs the server time and memory; no one types more than this.
PASSWORD_MAX = 1024
#: Failures allowed before attempts are slowed; then the wait doubles up to ``MAX_WAIT_S``.
FREE_FAILURES = 3
MAX_WAIT_S = 300

_SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    role TEXT NOT NULL,
    villages TEXT NOT NULL DEFAULT '[]',
    disabled INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    last_failure REAL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
)
"""
_SCHEMA_VERSION = 1


class AccountError(ValueError):
    """A refused account operation; the message is one Chinese line for the user."""


class LoginThrottled(Exception):
    """Too many failed sign-ins for this account: try again in ``retry_after`` seconds."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"登录失败次数过多,请 {retry_after} 秒后再试")


@dataclass(frozen=True)
class Account:
    """One account as the rest of the program sees it (the password hash stays in the store)."""

    name: str
    role: str
    villages: tuple[str, ...]
    disabled: bool
    created: str
    updated: str

    @property
    def authorities(self) -> frozenset[str]:
        """The authorities of the account's role."""
        return ROLE_AUTHORITIES.get(self.role, frozenset())

    def can(self, authority: str) -> bool:
        """Whether the account's role holds ``authority``."""
        return authority in self.authorities

    def sees_village(self, code: str) -> bool:
        """Whether household rows of village ``code`` may be shown (no villages named: all)."""
        return not self.villages or str(code) in self.villages


def accounts_path(workspace: str | os.PathLike) -> Path:
    """The account store beside ``workspace``: ``/x/古陂镇.gpkg`` → ``/x/古陂镇.accounts.sqlite``
    (beside, not inside: the workspace can be handed over without the accounts)."""
    ws = side_anchor(workspace)
    return ws.with_name(f"{ws.stem}.accounts.sqlite")


def check_name(name: str) -> str:
    """``name`` normalised (NFC, trimmed), or :class:`AccountError` saying what is wrong.

    1–32 letters (any script, so Chinese names), digits, ``.``, ``_`` or ``-``, starting with a
    letter or digit (a leading ``-`` would read as an option on the command line).
    """
    clean = unicodedata.normalize("NFC", str(name)).strip()
    if not 1 <= len(clean) <= NAME_MAX:
        raise AccountError(f"账户名须为 1–{NAME_MAX} 个字符")
    if not clean[0].isalnum() or not all(c.isalnum() or c in "._-" for c in clean):
        raise AccountError("账户名只能含字母、数字、汉字和 . _ -,且以字母、数字或汉字开头")
    return clean


def check_role(role: str) -> str:
    """``role`` if it is one of :data:`ROLES`, else :class:`AccountError` listing them."""
    if role not in ROLE_AUTHORITIES:
        known = "、".join(f"{r}({ROLE_LABELS[r][0]})" for r in ROLES)
        raise AccountError(f"没有角色 {role!r};可选:{known}")
    return role


def check_password(password: str, name: str) -> None:
    """Refuse a password shorter than 8 characters, absurdly long, or equal to the name."""
    if len(password) < PASSWORD_MIN:
        raise AccountError(f"密码至少 {PASSWORD_MIN} 个字符")
    if len(password) > PASSWORD_MAX:
        raise AccountError(f"密码最多 {PASSWORD_MAX} 个字符")
    if password.strip().casefold() == name.casefold():
        raise AccountError("密码不能与账户名相同")


def _now_text(clock: Callable[[], float]) -> str:
    return datetime.fromtimestamp(clock(), UTC).isoformat(timespec="seconds")


class AccountStore:
    """The accounts of one workspace, in the SQLite file at ``path``.

    Reading a store whose file does not exist finds no accounts and creates nothing; the first
    change creates the file with mode 0600. ``hasher`` and ``clock`` are for tests (a cheap
    hasher, a clock that can be moved).
    """

    def __init__(
        self,
        path: str | os.PathLike,
        hasher: PasswordHasher | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.path = Path(path)
        self.hasher = hasher or PasswordHasher()  # argon2id, RFC 9106's low-memory profile
        self.clock = clock
        self._dummy_hash: str | None = None

    @classmethod
    def for_workspace(cls, workspace: str | os.PathLike, **kwargs) -> AccountStore:
        """The store beside ``workspace`` (see :func:`accounts_path`)."""
        return cls(accounts_path(workspace), **kwargs)

    # -- the file ---------------------------------------------------------------------------

    def _create_file(self) -> None:
        try:
            create_private_file(self.path)
        except OSError as exc:
            raise AccountError(f"不能建立账户文件 {self.path}: {exc.strerror}") from exc

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
            conn.row_factory = sqlite3.Row
        except sqlite3.Error as exc:
            raise AccountError(f"不能打开账户文件 {self.path}: {exc}") from exc
        return conn

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection | None]:
        """A connection for reading, or ``None`` when there is no store yet."""
        if not self.path.exists():
            yield None
            return
        with closing(self._connect()) as conn:
            try:
                found = conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'accounts'"
                ).fetchone()
            except sqlite3.DatabaseError as exc:
                raise AccountError(f"账户文件已损坏或不是账户文件: {self.path}") from exc
            yield conn if found else None

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE: a read-check-write is not interleaved)."""
        if not self.path.exists():
            self._create_file()
        with closing(self._connect()) as conn:
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(_SCHEMA)
                if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
                    conn.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
            except sqlite3.DatabaseError as exc:
                raise AccountError(f"账户文件已损坏或不是账户文件: {self.path}") from exc
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- reading ----------------------------------------------------------------------------

    @staticmethod
    def _account(row: sqlite3.Row) -> Account:
        return Account(
            name=row["name"],
            role=row["role"],
            villages=tuple(json.loads(row["villages"])),
            disabled=bool(row["disabled"]),
            created=row["created"],
            updated=row["updated"],
        )

    def accounts(self) -> list[Account]:
        """Every account, by name."""
        with self._reading() as conn:
            if conn is None:
                return []
            rows = conn.execute("SELECT * FROM accounts ORDER BY name").fetchall()
        return [self._account(r) for r in rows]

    def get(self, name: str) -> Account | None:
        """The account called ``name`` (case-insensitive), or ``None``."""
        with self._reading() as conn:
            if conn is None:
                return None
            row = conn.execute("SELECT * FROM accounts WHERE name = ?", (name,)).fetchone()
        return self._account(row) if row else None

    def has_enabled_admin(self) -> bool:
        """Whether at least one enabled account has the admin role."""
        return any(a.role == "admin" and not a.disabled for a in self.accounts())

    # -- changing ---------------------------------------------------------------------------

    def add(
        self, name: str, role: str, password: str, villages: tuple[str, ...] | list[str] = ()
    ) -> Account:
        """Create an account; refused (:class:`AccountError`) when the name is taken or any
        field breaks its rule. The caller checks the village codes against the workspace."""
        name, role = check_name(name), check_role(role)
        check_password(password, name)
        digest = self.hasher.hash(password)
        now = _now_text(self.clock)
        with self._writing() as conn:
            if conn.execute("SELECT 1 FROM accounts WHERE name = ?", (name,)).fetchone():
                raise AccountError(f"已有账户 {name}")
            conn.execute(
                "INSERT INTO accounts (name, role, villages, disabled, password_hash, created,"
                " updated) VALUES (?, ?, ?, 0, ?, ?, ?)",
                (name, role, json.dumps(list(villages), ensure_ascii=False), digest, now, now),
            )
        return self._require(name)

    def _require(self, name: str) -> Account:
        found = self.get(name)
        if found is None:
            raise AccountError(f"没有账户 {name}")
        return found

    def _update(self, name: str, sql: str, params: tuple, guard_admin: bool = False) -> Account:
        with self._writing() as conn:
            row = conn.execute("SELECT * FROM accounts WHERE name = ?", (name,)).fetchone()
            if row is None:
                raise AccountError(f"没有账户 {name}")
            conn.execute(
                f"UPDATE accounts SET {sql}, updated = ? WHERE name = ?",
                (*params, _now_text(self.clock), name),
            )
            if guard_admin:
                # The server refuses to start off-machine without an enabled admin, and only
                # an admin manages accounts in the dashboard: never remove the last one.
                left = conn.execute(
                    "SELECT COUNT(*) FROM accounts WHERE role = 'admin' AND disabled = 0"
                ).fetchone()[0]
                was_admin = row["role"] == "admin" and not row["disabled"]
                if was_admin and left == 0:
                    raise AccountError(f"{row['name']} 是最后一个启用的管理员,须先建立另一个管理员")
        return self._require(name)

    def set_role(
        self, name: str, role: str, villages: tuple[str, ...] | list[str] | None = None
    ) -> Account:
        """Give the account ``role`` and, when given, new ``villages`` (empty: all)."""
        check_role(role)
        if villages is None:
            return self._update(name, "role = ?", (role,), guard_admin=True)
        codes = json.dumps(list(villages), ensure_ascii=False)
        return self._update(name, "role = ?, villages = ?", (role, codes), guard_admin=True)

    def set_disabled(self, name: str, disabled: bool) -> Account:
        """Disable (no sign-in at all) or enable the account."""
        return self._update(name, "disabled = ?", (int(disabled),), guard_admin=disabled)

    def set_password(self, name: str, password: str) -> Account:
        """A new password; it also clears the failed-attempt count."""
        account = self._require(name)
        check_password(password, account.name)
        digest = self.hasher.hash(password)
        return self._update(name, "password_hash = ?, failures = 0, last_failure = NULL", (digest,))

    # -- signing in -------------------------------------------------------------------------

    def _spend_a_hash(self, password: str) -> None:
        """Verify against a hash no password matches, so an unknown name costs what a known
        one does (no telling which names exist by the time an answer takes)."""
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))
        with suppress(VerificationError, InvalidHashError):
            self.hasher.verify(self._dummy_hash, password)

    def authenticate(self, name: str, password: str) -> Account | None:
        """The account when ``password`` is its password; ``None`` otherwise (unknown name,
        wrong password, disabled). Raises :class:`LoginThrottled` while the account waits
        after failures: after 3, each attempt waits min(2**(n-3), 300) s from the last."""
        with self._reading() as conn:
            row = (
                conn.execute("SELECT * FROM accounts WHERE name = ?", (name,)).fetchone()
                if conn is not None and isinstance(name, str)
                else None
            )
        if row is None:
            self._spend_a_hash(password)
            return None
        failures, last = row["failures"], row["last_failure"]
        if failures >= FREE_FAILURES and last is not None:
            wait = min(2 ** (failures - FREE_FAILURES), MAX_WAIT_S)
            left = last + wait - self.clock()
            if left > 0:
                raise LoginThrottled(max(1, int(left + 0.999)))
        digest = row["password_hash"]
        try:
            ok = self.hasher.verify(digest, password)  # constant-time compare inside argon2
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok:
            with self._writing() as wconn:
                wconn.execute(
                    "UPDATE accounts SET failures = failures + 1, last_failure = ? WHERE name = ?",
                    (self.clock(), row["name"]),
                )
            return None
        if row["disabled"]:
            return None  # checked after the hash: a disabled name answers as slowly as any
        rehash = self.hasher.check_needs_rehash(digest)  # the hasher's settings were raised
        if rehash or failures or last is not None:
            new_digest = self.hasher.hash(password) if rehash else digest
            with self._writing() as wconn:
                wconn.execute(
                    "UPDATE accounts SET failures = 0, last_failure = NULL WHERE name = ?",
                    (row["name"],),
                )
                # only over the hash just verified: a password reset meanwhile wins
                wconn.execute(
                    "UPDATE accounts SET password_hash = ? WHERE name = ? AND password_hash = ?",
                    (new_digest, row["name"], digest),
                )
        return self._account(row)


def authenticate(store: AccountStore, name: str, password: str) -> Account | None:
    """``store.authenticate(name, password)``: the account, or ``None``; may raise
    :class:`LoginThrottled` with the seconds to wait."""
    return store.authenticate(name, password)
