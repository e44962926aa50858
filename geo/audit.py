"""The audit log of a workspace: who did what, and when.

The log lives beside the workspace, never inside it (``古陂镇.gpkg`` → ``古陂镇.audit.sqlite``),
in an SQLite file created readable by its owner only. It is append-only: there is no call to edit
or remove a row, and triggers in the file refuse an UPDATE or DELETE made behind this module.

Every write of a workspace through :func:`~township_atlas.geo.workspace.update_workspace` or
:func:`~township_atlas.geo.workspace.transact` adds a row (:func:`record_write`); the dashboard and
the command line add the rest (sign-ins, views, exports). Who is acting comes from
:func:`acting_as` (the command line) or a provider the dashboard registers
(:func:`set_actor_provider`); what a write was, in words, from :func:`doing`.

No row ever holds an ID number: :meth:`AuditLog.record` refuses one in its target or detail.
"""

from __future__ import annotations

import getpass
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd

from .paths import create_private_file, side_anchor

#: Every action a row may name, with how it reads in Chinese and English.
AUDIT_ACTIONS: dict[str, tuple[str, str]] = {
    "write": ("修改工作空间", "workspace changed"),
    "import": ("导入数据", "data imported"),
    "rules": ("修改规则", "rules changed"),
    "record_change": ("变更登记", "change recorded"),
    "undo_change": ("撤销变更", "change undone"),
    "record_visit": ("登记走访", "visit recorded"),
    "record_station": ("登记网点运营状态", "station status recorded"),
    "save_plan": ("保存方案", "plan saved"),
    "delete_plan": ("删除方案", "plan deleted"),
    "view_household": ("查看农户", "household viewed"),
    "id_lookup": ("按证件号码查找", "looked up by ID number"),
    "id_lookup_refused": ("证件号码查找被限", "ID-number lookup refused"),
    "login": ("登录", "signed in"),
    "login_failed": ("登录失败", "sign-in failed"),
    "logout": ("退出", "signed out"),
    "session_timeout": ("会话超时", "session timed out"),
    "denied": ("拒绝访问", "access denied"),
    "export": ("导出", "exported"),
    "users": ("账户管理", "accounts managed"),
    "migrate": ("迁移工作空间", "workspace migrated"),
}

#: The columns of :meth:`AuditLog.rows`, in order.
COLUMNS = ("at", "account", "role", "action", "target", "detail")
#: Longest target or detail kept (characters); a longer one is cut with "…".
TEXT_MAX = 2000
#: Longest account name or role kept (an OS user name on the command line can be anything).
NAME_MAX = 200
#: Layers that only grow (a log of their own): their change reads as rows added, "history +1".
_GROWING_LAYERS = frozenset({"history"})
#: Something shaped like an 18-character mainland ID number (17 digits, then a digit or X), not
#: part of a longer run of digits. Shape alone: a mistyped one is no less personal.
_ID_SHAPE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        account TEXT NOT NULL COLLATE NOCASE,
        role TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL DEFAULT '',
        detail TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX IF NOT EXISTS audit_account_action_at ON audit (account, action, at)",
    "CREATE INDEX IF NOT EXISTS audit_at ON audit (at)",
    # Append-only even for a program that opens the file itself.
    """CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
)
_SCHEMA_VERSION = 1


class AuditError(RuntimeError):
    """The audit log cannot be written (or read); the message is one Chinese line."""


@dataclass(frozen=True)
class Actor:
    """Who is acting: an account name and its role.

    ``name`` is an account name ("张三"), or ``"cli:<os user>"`` on the command line; ``role``
    is one of ``geo.accounts.ROLES``, ``"local"`` (one person on their own machine) or ``"cli"``.
    """

    name: str
    role: str


def audit_path(workspace: str | os.PathLike) -> Path:
    """The audit log beside ``workspace``: ``/x/古陂镇.gpkg`` → ``/x/古陂镇.audit.sqlite``.

    Beside, not inside: the workspace can be handed over without it. A symbolic link is followed,
    like a workspace write does, so that the rows of a workspace reached by two names land in one
    log.
    """
    ws = side_anchor(workspace).resolve()
    return ws.with_name(f"{ws.stem}.audit.sqlite")


# -------------------------------------------------------------------------------------- checks
def _check_action(action: str) -> str:
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"审计日志没有操作 {action!r};可选:{', '.join(AUDIT_ACTIONS)}")
    return action


def _refuse_id_number(text: str, what: str) -> None:
    """ValueError when ``text`` holds something shaped like an ID number (never repeated)."""
    if _ID_SHAPE.search(text):
        raise ValueError(f"审计日志的{what}中不能有证件号码,未记录")


def masked(text: str) -> str:
    """``text`` with anything shaped like an ID number replaced by ``…``: for texts from
    outside (a file's name) that go into a row."""
    return _ID_SHAPE.sub("…", str(text))


def _clip(text: object, limit: int) -> str:
    value = "" if text is None else str(text)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _iso(moment: datetime) -> str:
    """The stored form of a time: UTC, whole seconds (so text order is time order)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _now_text(clock: Callable[[], float]) -> str:
    return _iso(datetime.fromtimestamp(clock(), UTC))


def _bound(text: str, *, end: bool) -> tuple[str, str]:
    """The SQL comparison and stored-form time for a ``since`` (``end`` False) or ``until``.

    A date means the whole day (UTC): since its start, until its end. A datetime without a
    zone is UTC, like the stored times.
    """
    value = str(text).strip()
    try:
        day = date.fromisoformat(value) if len(value) <= 10 else None
    except ValueError:
        day = None
    if day is not None:
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return ("<", _iso(start + timedelta(days=1))) if end else (">=", _iso(start))
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"无法识别的日期或时间 {value!r},应如 2024-05-01 或 2024-05-01T08:00"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return ("<=", _iso(moment)) if end else (">=", _iso(moment))


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def _empty_rows() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="str") for c in COLUMNS})


# ------------------------------------------------------------------------------------- the log
class AuditLog:
    """The audit log in the SQLite file at ``path``.

    Reading a log whose file does not exist finds no rows and creates nothing; the first row
    creates the file with mode 0600. ``clock`` is for tests (a clock that can be moved).
    """

    def __init__(self, path: str | os.PathLike, clock: Callable[[], float] = time.time):
        self.path = Path(path)
        self.clock = clock

    @classmethod
    def for_workspace(cls, workspace: str | os.PathLike, **kwargs) -> AuditLog:
        """The log beside ``workspace`` (see :func:`audit_path`)."""
        return cls(audit_path(workspace), **kwargs)

    # -- the file ---------------------------------------------------------------------------

    def _cannot_write(self, exc: BaseException) -> AuditError:
        return AuditError(f"不能写入审计日志 {self.path}: {_reason(exc)}")

    def _create_file(self) -> None:
        try:
            create_private_file(self.path)
        except OSError as exc:
            raise self._cannot_write(exc) from exc

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10, isolation_level=None)

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One append (BEGIN IMMEDIATE: writers of the log take turns), the table made first."""
        if not self.path.exists():
            self._create_file()
        try:
            with closing(self._connect()) as conn:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
                        for statement in _SCHEMA:
                            conn.execute(statement)
                        conn.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
                    yield conn
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
        except (sqlite3.Error, OSError) as exc:
            raise self._cannot_write(exc) from exc

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection | None]:
        """A connection for reading, or ``None`` when there is no log yet."""
        if not self.path.exists():
            yield None
            return
        try:
            with closing(self._connect()) as conn:
                found = conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit'"
                ).fetchone()
                yield conn if found else None
        except (sqlite3.Error, OSError) as exc:
            raise AuditError(f"不能读取审计日志 {self.path}: {exc}") from exc

    def check_writable(self) -> None:
        """Make sure a row can be appended now (creating the file and table if need be), or
        raise :class:`AuditError`: a workspace is changed only when its change can be logged."""
        with self._writing():
            pass

    # -- writing ----------------------------------------------------------------------------

    def record(self, actor: Actor, action: str, target: str = "", detail: str = "") -> None:
        """Append one row: the time (UTC, whole seconds), the actor's account and role,
        ``action`` (a key of :data:`AUDIT_ACTIONS`), ``target`` and ``detail``.

        Raises ``ValueError`` for an unknown action or a target or detail holding an ID number,
        and :class:`AuditError` when the log cannot be written.
        """
        _check_action(action)
        target, detail = str(target or ""), str(detail or "")
        _refuse_id_number(target, "对象")
        _refuse_id_number(detail, "说明")
        row = (
            _now_text(self.clock),
            _clip(actor.name, NAME_MAX),
            _clip(actor.role, NAME_MAX),
            action,
            _clip(target, TEXT_MAX),
            _clip(detail, TEXT_MAX),
        )
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO audit (at, account, role, action, target, detail)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                row,
            )

    # -- reading ----------------------------------------------------------------------------

    def rows(
        self,
        *,
        since: str | None = None,
        until: str | None = None,
        account: str | None = None,
        action: str | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """The rows, newest first, with columns :data:`COLUMNS` (an empty frame when there is
        no log).

        ``since`` and ``until`` are ISO dates or datetimes (UTC when no zone is given); a date
        ``until`` takes in that whole day. ``account`` matches without regard to case.
        """
        where, params = [], []
        for text, end in ((since, False), (until, True)):
            if text:
                op, moment = _bound(text, end=end)
                where.append(f"at {op} ?")
                params.append(moment)
        for column, value in (("account", account), ("action", action)):
            if value:
                where.append(f"{column} = ?")
                params.append(value)
        sql = f"SELECT {', '.join(COLUMNS)} FROM audit"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(max(0, int(limit)))
        with self._reading() as conn:
            found = [] if conn is None else conn.execute(sql, params).fetchall()
        if not found:
            return _empty_rows()
        return pd.DataFrame(
            {c: pd.Series([r[i] for r in found], dtype="str") for i, c in enumerate(COLUMNS)}
        )

    def count(self, account: str, action: str, within_s: float) -> int:
        """Rows of ``action`` by ``account`` in the last ``within_s`` seconds (for rate limits;
        times are whole seconds, so the window may reach up to a second further back)."""
        cutoff = _iso(datetime.fromtimestamp(self.clock() - float(within_s), UTC))
        with self._reading() as conn:
            if conn is None:
                return 0
            return conn.execute(
                "SELECT COUNT(*) FROM audit WHERE account = ? AND action = ? AND at >= ?",
                (account, action, cutoff),
            ).fetchone()[0]


# ---------------------------------------------------------------------------- who and what
#: The actor set by :func:`acting_as` (the command line), in this context only.
_ACTOR: ContextVar[Actor | None] = ContextVar("township_atlas_audit_actor", default=None)
#: What the writes in this context are (innermost last): (action, target, detail).
_DOING: ContextVar[tuple[tuple[str, str, str], ...]] = ContextVar(
    "township_atlas_audit_doing", default=()
)
_provider: Callable[[], Actor | None] | None = None


@contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    """Within the block, :func:`current_actor` is ``actor`` (in this thread or task)."""
    token = _ACTOR.set(actor)
    try:
        yield actor
    finally:
        _ACTOR.reset(token)


def set_actor_provider(provider: Callable[[], Actor | None] | None) -> None:
    """Register ``provider`` (``None``: remove it): asked by :func:`current_actor` when no
    :func:`acting_as` is in force. The dashboard's answers with the Streamlit session's actor,
    because its callbacks and fragment reruns do not run the app's top where a ContextVar
    would be set."""
    global _provider
    _provider = provider


def _os_user() -> str:
    try:
        return getpass.getuser() or "local"
    except (OSError, KeyError, ImportError):  # no login name in the environment or passwd
        return "local"


def current_actor() -> Actor:
    """Who is acting: :func:`acting_as`'s actor, else the provider's answer (when it gives
    one), else the operating-system user with the role ``"local"``."""
    actor = _ACTOR.get()
    if actor is not None:
        return actor
    if _provider is not None:
        provided = _provider()
        if provided is not None:
            return provided
    return Actor(_os_user(), "local")


@contextmanager
def doing(action: str, target: str = "", detail: str = "") -> Iterator[None]:
    """Label the workspace writes made within the block: their row names ``action`` (a key of
    :data:`AUDIT_ACTIONS`) and starts its detail with ``detail``; ``target``, when given,
    replaces the list of changed layers. The innermost label wins.

    Checked on entry (ValueError for an unknown action or an ID number), so that a label can
    never make a row fail after its workspace was written.
    """
    _check_action(action)
    target, detail = str(target or ""), str(detail or "")
    _refuse_id_number(target, "对象")
    _refuse_id_number(detail, "说明")
    token = _DOING.set((*_DOING.get(), (action, target, detail)))
    try:
        yield
    finally:
        _DOING.reset(token)


def _layer_change(name: str, before: Mapping[str, pd.DataFrame] | None, after: pd.DataFrame) -> str:
    old = before.get(name) if before else None
    n_old, n_new = (0 if old is None else len(old)), len(after)
    if name in _GROWING_LAYERS and n_new >= n_old:
        return f"{name} +{n_new - n_old}"
    return f"{name} {n_old}→{n_new}"


def _write_detail(
    label: str,
    before: Mapping[str, pd.DataFrame] | None,
    changed: Mapping[str, pd.DataFrame],
    meta_keys: Iterable[str],
) -> str:
    parts = [label] if label else []
    parts += [_layer_change(name, before, frame) for name, frame in changed.items()]
    keys = [str(k) for k in meta_keys]
    if keys:
        parts.append("meta: " + ", ".join(keys))
    return "; ".join(parts)


def record_write(
    workspace: str | os.PathLike,
    before: Mapping[str, pd.DataFrame] | None,
    changed: Mapping[str, pd.DataFrame],
    meta_keys: Iterable[str],
) -> None:
    """Log a write of ``workspace`` that succeeded: one row by :func:`current_actor`, with the
    innermost :func:`doing` action (else ``"write"``), the changed layers as target (or the
    label's), and as detail the label's detail, each changed layer's rows before → after
    ("households 160→161; history +1") and the metadata keys set ("meta: exit_rules").

    Called by ``geo.workspace`` after every successful write, once it has checked that the
    log can be written; should the row fail even so, :class:`AuditError` says the change was
    saved but not logged.
    """
    action, target, label = (_DOING.get() or (("write", "", ""),))[-1]
    detail = _write_detail(label, before, changed, meta_keys)
    target = target or ", ".join(changed) or "meta"
    log = AuditLog.for_workspace(workspace)
    try:
        log.record(current_actor(), action, target, detail)
    except AuditError as exc:
        cause = _reason(exc.__cause__) if exc.__cause__ else ""
        raise AuditError(f"修改已保存,但未能记入审计日志 {log.path}: {cause}") from exc
