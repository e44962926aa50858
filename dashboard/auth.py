"""Who is using the dashboard: the Host check, sign-in, session time-outs, roles on pages.

Three ways a session gets its user (issue 14):

- **local**: no accounts, served on this machine only (127.0.0.1): one person on their own
  laptop, holding every authority, as before accounts existed;
- **accounts**: the workspace has accounts (``township-atlas users``): the sign-in form, then
  the account's role and villages; an idle session times out;
- **OpenID Connect**: ``[auth]`` in ``.streamlit/secrets.toml`` turns on Streamlit's own
  ``st.login``; the role comes from a claim (see :func:`roles_from_claims`).

Reachable from other machines with neither accounts nor OIDC, the dashboard shows nothing
(``serve`` already refuses to start so; this covers a bare ``streamlit run``).
"""

from __future__ import annotations

import getpass
import ipaddress
import os
import re
import socket
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
import streamlit as st

from ..geo import audit
from ..geo.accounts import (
    AUTHORITIES,
    ROLE_AUTHORITIES,
    ROLE_LABELS,
    Account,
    AccountError,
    AccountStore,
    LoginThrottled,
)
from ..geo.history import record_keys
from ..geo.schema_assistance import HOUSEHOLD_REFS
from ..geo.workspace import Workspace
from . import i18n, language, loader
from . import state as S

#: Minutes without a page action after which a signed-in session must sign in again.
IDLE_ENV = "TOWNSHIP_ATLAS_SESSION_MINUTES"
IDLE_MINUTES = 30.0
#: However active, a session signs in again after this many hours (a shared office computer).
MAX_SESSION_HOURS = 12.0
#: The address ``serve`` listens on (it sets this for the server it starts).
ADDRESS_ENV = "TOWNSHIP_ATLAS_ADDRESS"
#: More host names the office reaches the server by (comma-separated), beside its IP
#: addresses, this machine's name and localhost.
HOSTS_ENV = "TOWNSHIP_ATLAS_ALLOWED_HOSTS"

#: The authority each page asks of its user (by the page's URL path).
PAGE_AUTHORITY: dict[str, str] = {
    "": "view_maps",  # the default page (一张图): Streamlit gives it no path of its own
    "map": "view_maps",
    "meeting": "view_maps",
    "plan": "view_plans",
    "plans": "view_plans",
    "progress": "view_maps",
    "gaps": "view_maps",
    "relocation": "view_maps",
    "record": "record_changes",
    "households": "view_households",
    "assistance": "view_households",  # cadre names: roles that may see household records
    "villages": "view_figures",
    "data": "import_data",
    "rules": "edit_rules",
    "schema": "view_maps",
    "audit": "view_audit",
    "users": "manage_users",
}

Mode = Literal["local", "accounts", "closed"]


@dataclass(frozen=True)
class User:
    """The person using this session: a name for the audit log, authorities, villages."""

    name: str
    role: str  # a role, roles joined by "+" (OIDC), or "local"
    authorities: frozenset[str]
    villages: tuple[str, ...] = ()
    source: Literal["local", "account", "oidc"] = "account"

    def can(self, authority: str) -> bool:
        """Whether the user holds ``authority``."""
        return authority in self.authorities

    def sees_village(self, code: object) -> bool:
        """Whether household rows of village ``code`` may be shown (no villages named: all)."""
        return not self.villages or str(code) in self.villages

    @property
    def actor(self) -> audit.Actor:
        """The user as the audit log names them."""
        return audit.Actor(self.name, self.role)

    def role_label(self, lang: str) -> str:
        """The role(s) in ``lang`` (本机 for the local user)."""
        if self.source == "local":
            return i18n.t("auth_local_role", lang)
        index = 0 if lang == "zh" else 1
        return " + ".join(ROLE_LABELS.get(r, (r, r))[index] for r in self.role.split("+"))

    @classmethod
    def from_account(cls, account: Account) -> User:
        """The user of a local account."""
        return cls(account.name, account.role, account.authorities, account.villages)


def local_user() -> User:
    """One person on their own machine: every authority, audited under their login name."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        who = "local"
    return User(f"local:{who}", "local", frozenset(AUTHORITIES), (), "local")


# ------------------------------------------------------------------------------- the server
def listen_address() -> str | None:
    """The address the server listens on: what ``serve`` said, else Streamlit's option."""
    return os.environ.get(ADDRESS_ENV) or st.get_option("server.address")


def is_loopback(address: str | None) -> bool:
    """Whether only this machine can reach ``address`` ("" or None: every interface)."""
    if not address:
        return False
    text = address.strip().strip("[]").lower()
    if text == "localhost":
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


def _host_name(host: str) -> str:
    """A Host header without its port: ``a.b:8501`` → ``a.b``, ``[::1]:80`` → ``::1``."""
    text = host.strip().lower()
    if text.startswith("["):
        return text[1:].split("]", 1)[0]
    if text.count(":") == 1:
        text = text.split(":", 1)[0]
    return text.rstrip(".")


def host_allowed(host: str | None, address: str | None, extra: Iterable[str] = ()) -> bool:
    """Whether a request for ``host`` (its Host header) may reach the dashboard.

    DNS rebinding points a stranger's name at this server, so the browser sends that name:
    a page from the internet could then read the dashboard. An IP address cannot be
    rebound, localhost is this machine; other names must be this machine's own (when it
    serves other machines) or listed in ``TOWNSHIP_ATLAS_ALLOWED_HOSTS``. No Host header at
    all is a test harness (every browser sends one).
    """
    if host is None:
        return True
    name = _host_name(host)
    if not name:
        return False
    try:
        ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        return True
    if name == "localhost" or name.endswith(".localhost"):
        return True
    allowed = {h.strip().lower().rstrip(".") for h in extra if h.strip()}
    if not is_loopback(address):
        allowed |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    return name in allowed


def _extra_hosts() -> list[str]:
    return os.environ.get(HOSTS_ENV, "").split(",")


def check_host(lang: str) -> None:
    """Stop the page (and say why) when the request's Host is not this server's."""
    host = st.context.headers.get("Host")
    if not host_allowed(host, listen_address(), _extra_hosts()):
        st.error(i18n.t("auth_bad_host", lang, hosts=HOSTS_ENV))
        st.stop()


# ------------------------------------------------------------------------------- the mode
def store() -> AccountStore:
    """The account store beside the workspace."""
    return AccountStore.for_workspace(loader.workspace_path())


def oidc_settings() -> Mapping[str, Any] | None:
    """``[auth]`` of Streamlit's secrets when an identity provider is set up, else None."""
    try:
        if "auth" not in st.secrets:
            return None
        return st.secrets["auth"]
    except Exception:  # no secrets file, or one Streamlit cannot read: no OIDC
        return None


def _product_settings() -> Mapping[str, Any]:
    try:
        return st.secrets.get("township_atlas", {})
    except Exception:
        return {}


def mode() -> Mode:
    """How this session gets its user (see the module's docstring)."""
    if oidc_settings() is not None or store().accounts():
        return "accounts"
    if is_loopback(listen_address()) or st.context.headers.get("Host") is None:
        return "local"
    return "closed"


def idle_limit_s() -> float:
    """The idle time-out in seconds (``TOWNSHIP_ATLAS_SESSION_MINUTES``, default 30)."""
    try:
        minutes = float(os.environ.get(IDLE_ENV, IDLE_MINUTES))
    except ValueError:
        minutes = IDLE_MINUTES
    return max(minutes, 0.01) * 60


def expired(seen: float | None, since: float | None, now: float, idle_s: float) -> bool:
    """Whether a session last active at ``seen`` and signed in at ``since`` has timed out."""
    if seen is None or since is None:
        return True
    return now - seen > idle_s or now - since > MAX_SESSION_HOURS * 3600


# ------------------------------------------------------------------------------- OIDC
def roles_from_claims(claims: Mapping[str, Any], settings: Mapping[str, Any]) -> list[str]:
    """The roles an identity provider's claims give, in :data:`ROLE_AUTHORITIES`' order.

    ``settings`` is ``[township_atlas]`` of the secrets: ``role_claim`` names the claim
    (default ``roles``; a string or a list), ``role_map`` maps the provider's group names to
    roles (``"扶贫办-领导" = "leader"``); a value already a role name stands for itself.
    """
    raw = claims.get(str(settings.get("role_claim", "roles")))
    values = [raw] if isinstance(raw, str) else list(raw or [])
    mapping = {str(k): str(v) for k, v in dict(settings.get("role_map", {})).items()}
    found = {mapping.get(str(v), str(v)) for v in values}
    return [r for r in ROLE_AUTHORITIES if r in found]


def user_from_claims(claims: Mapping[str, Any], settings: Mapping[str, Any]) -> User | None:
    """The user an identity provider signed in, or None when no claim gives them a role."""
    roles = roles_from_claims(claims, settings)
    if not roles:
        return None
    name = str(claims.get("email") or claims.get("preferred_username") or claims.get("sub"))
    raw = claims.get(str(settings.get("villages_claim", "villages"))) or []
    villages = tuple(str(v) for v in ([raw] if isinstance(raw, str) else raw))
    authorities = frozenset().union(*(ROLE_AUTHORITIES[r] for r in roles))
    return User(name, "+".join(roles), authorities, villages, "oidc")


def _oidc_user() -> User | None:
    if oidc_settings() is None or not st.user.is_logged_in:
        return None
    return user_from_claims(st.user.to_dict(), _product_settings())


# ------------------------------------------------------------------------------- sessions
def _log() -> audit.AuditLog:
    return audit.AuditLog.for_workspace(loader.workspace_path())


def record(actor: audit.Actor, action: str, target: str = "", detail: str = "") -> None:
    """One audit row beside the current workspace."""
    _log().record(actor, action, target, detail)


def _end_session(notice: str | None) -> None:
    for key in (S.AUTH_USER, S.AUTH_SEEN, S.AUTH_SINCE):
        S.set_value(key, None)
    S.set_value(S.AUTH_NOTICE, notice)


def _signed_in_user(now: float) -> User | None:
    """The session's user after the time-out and the account's current state are checked."""
    oidc = _oidc_user()
    name = S.get(S.AUTH_USER)
    if oidc is None and name is None:
        return None
    if expired(S.get(S.AUTH_SEEN), S.get(S.AUTH_SINCE), now, idle_limit_s()):
        who = oidc.actor if oidc else audit.Actor(str(name), "-")
        if S.get(S.AUTH_SEEN) is not None:  # a fresh OIDC session has nothing to time out
            record(who, "session_timeout")
            _end_session("timeout")
            if oidc is not None:
                st.logout()
            return None
    if oidc is not None:
        if S.get(S.AUTH_SINCE) is None:
            S.set_value(S.AUTH_SINCE, now)
            record(oidc.actor, "login", detail="OIDC")
        S.set_value(S.AUTH_SEEN, now)
        return oidc
    account = store().get(str(name))
    if account is None or account.disabled:  # disabled or removed since signing in
        _end_session("disabled")
        return None
    S.set_value(S.AUTH_SEEN, now)
    return User.from_account(account)


def session_user() -> User | None:
    """The user of the running session without touching its time-out: for callbacks and
    fragment reruns, which do not run the app's top."""
    try:
        current = mode()
    except AccountError:
        return None
    if current == "local":
        return local_user()
    name = S.get(S.AUTH_USER)
    if name is not None:
        account = store().get(str(name))
        return User.from_account(account) if account and not account.disabled else None
    return _oidc_user() if S.get(S.AUTH_SINCE) is not None else None


def _session_actor() -> audit.Actor | None:
    try:
        user = session_user()
    except Exception:  # outside a Streamlit session (the CLI, a test): not ours to name
        return None
    return user.actor if user else None


def sign_in_form(lang: str) -> None:
    """The sign-in page: the language, the form (and the identity provider's button), then
    stop. A narrow column in the middle: the wide layout would stretch two fields across a
    projector."""
    _, middle, _ = st.columns([1, 1.3, 1])
    with middle:
        st.title(i18n.t("app_title", lang))
        language.choose()
        notice = S.get(S.AUTH_NOTICE)
        if notice:
            st.info(i18n.t(f"auth_notice_{notice}", lang))
        if oidc_settings() is not None and st.button(
            i18n.t("auth_oidc", lang), key=S.AUTH_OIDC, type="primary"
        ):
            st.login()
        if not store().accounts():
            st.stop()
        with st.form("auth_form", clear_on_submit=True, enter_to_submit=True):
            st.subheader(i18n.t("auth_title", lang))
            name = st.text_input(i18n.t("auth_name", lang), key=S.AUTH_NAME, max_chars=64)
            password = st.text_input(
                i18n.t("auth_password", lang),
                type="password",
                key=S.AUTH_PASSWORD,
                max_chars=1024,
            )
            submitted = st.form_submit_button(
                i18n.t("auth_submit", lang), key=S.AUTH_SUBMIT, type="primary", width="stretch"
            )
        if submitted:
            _try_sign_in(name.strip(), password, lang)
    st.stop()


_DIGITS = re.compile(r"\d{6,}")


def _typed_name(name: str) -> str:
    """A typed account name fit for the audit log: no account name holds six digits in a row,
    so such a "name" is an ID or phone number typed in the wrong box, and is not kept."""
    return "(…)" if _DIGITS.search(name) else name[:64]


def _try_sign_in(name: str, password: str, lang: str) -> None:
    try:
        account = store().authenticate(name, password)
    except LoginThrottled as exc:
        record(audit.Actor(_typed_name(name), "-"), "login_failed", detail="throttled")
        st.error(i18n.t("auth_throttled", lang, s=exc.retry_after))
        return
    if account is None:
        record(audit.Actor(_typed_name(name), "-"), "login_failed")
        st.error(i18n.t("auth_wrong", lang))
        return
    now = time.time()
    S.set_value(S.AUTH_USER, account.name)
    S.set_value(S.AUTH_SINCE, now)
    S.set_value(S.AUTH_SEEN, now)
    S.set_value(S.AUTH_NOTICE, None)
    record(User.from_account(account).actor, "login")
    st.rerun()


def sign_out() -> None:
    """Button callback: the session forgets its user (and the provider's, for OIDC)."""
    user = session_user()
    if user is not None and user.source != "local":
        record(user.actor, "logout")
    oidc = user is not None and user.source == "oidc"
    _end_session("signed_out")
    if oidc:
        st.logout()


def gate(lang: str, pages: Sequence[Any] = ()) -> User:
    """The Host check and the sign-in, at the top of every full run: the session's user, or
    the sign-in form (or the reason nobody may use this server) and a stop.

    ``pages`` (the app's ``st.Page`` list) are registered, unlisted, under the sign-in form:
    a link to a page (``/households``) then opens that page once signed in, if the role may."""
    check_host(lang)
    current = mode()
    if current == "local":
        return local_user()
    if current == "closed":
        st.error(i18n.t("auth_closed", lang))
        st.stop()
    user = _signed_in_user(time.time())
    if user is None:
        if S.get(S.AUTH_USER) is None and S.get(S.AUTH_NOTICE) is None and _oidc_refused():
            S.set_value(S.AUTH_NOTICE, "no_role")
        if pages:
            st.navigation(list(pages), position="hidden")
        sign_in_form(lang)
    assert user is not None  # sign_in_form stops
    return user


def _oidc_refused() -> bool:
    """Signed in by the provider, but no claim gives a role here."""
    return oidc_settings() is not None and st.user.is_logged_in and _oidc_user() is None


def allowed(user: User, url_path: str) -> bool:
    """Whether ``user`` may open the page at ``url_path`` (unknown pages: admins only)."""
    return user.can(PAGE_AUTHORITY.get(url_path, "manage_users"))


def require(user: User | None, authority: str, what: str = "") -> bool:
    """Whether ``user`` holds ``authority``; a refusal is audited (an action called anyway)."""
    if user is not None and user.can(authority):
        return True
    who = user.actor if user else audit.Actor("-", "-")
    record(who, "denied", target=what or authority)
    return False


# ------------------------------------------------------------------------------- scopes
def scoped(ws: Workspace, user: User) -> Workspace:
    """``ws`` as ``user`` may see it on the household pages: only the households of the user's
    villages with their assistance records (pairings, visits, measures, plans; the teams,
    projects and cadres of those villages), and only history rows about them. Villages and
    figures stay whole (the maps show every village); an unrestricted user gets ``ws``."""
    if not user.villages:
        return ws
    hh = ws.households
    households = hh[hh["village_code"].astype(str).isin(user.villages)]
    layers = {**ws.layers, "households": households, **_assistance_in_scope(ws, households, user)}
    history = ws["history"]
    if len(history):
        history = history[_history_in_scope(history, Workspace(layers, ws.meta), user.villages)]
    return Workspace({**layers, "history": history}, ws.meta)


def _assistance_in_scope(ws: Workspace, households: pd.DataFrame, user: User) -> dict:
    """The assistance layers' rows about ``households`` or the user's villages."""
    ids = set(households["household_id"].astype(str))
    out = {
        name: ws[name][ws[name]["household_id"].astype(str).isin(ids).to_numpy(dtype=bool)]
        for name in HOUSEHOLD_REFS
    }
    for name in ("village_teams", "projects"):
        out[name] = ws[name][ws[name]["village_code"].astype(str).isin(user.villages).to_numpy()]
    cadres = ws["cadres"]
    named = set(out["pairings"]["cadre_id"].astype(str))
    named |= set(out["visits"]["cadre_id"].dropna().astype(str))
    mine = cadres["cadre_id"].astype(str).isin(named)
    mine |= cadres["village_code"].astype("string").isin(user.villages).fillna(False)
    out["cadres"] = cadres[mine.to_numpy(dtype=bool)]
    return out


def _history_in_scope(history: pd.DataFrame, ws: Workspace, villages: Iterable[str]) -> pd.Series:
    """Which history rows are about the households of ``ws`` or one of ``villages`` (an
    indicator row's key is ``code/year``, a village's its code) or about an assistance record
    ``ws`` holds (``ws``: narrowed to the user's villages already)."""
    layer = history["layer"].astype(str)
    key = history["record_key"].astype(str)
    codes = set(villages)
    village_of = key.str.split("/").str[0]
    by_village = layer.isin(["indicators", "villages", "village_teams"]) & village_of.isin(codes)
    inside = (layer == "households") & key.isin(set(ws.households["household_id"].astype(str)))
    for name in ("cadres", "projects", *HOUSEHOLD_REFS):
        frame = ws[name]
        kept = set(record_keys(frame, name)) if len(frame) else set()
        inside |= (layer == name) & key.isin(kept)
    return inside | by_village


def undoable_by(ws: Workspace, user: User, change_ids: Iterable[str]) -> list[str]:
    """Of ``change_ids``, those ``user`` may undo: every row of the change inside their scope
    (a register import touching other villages is undone by someone who sees them all)."""
    if not user.villages:
        return list(change_ids)
    history = ws["history"]
    mine = ws.households[ws.households["village_code"].astype(str).isin(user.villages)]
    layers = {**ws.layers, "households": mine, **_assistance_in_scope(ws, mine, user)}
    inside = _history_in_scope(history, Workspace(layers, ws.meta), user.villages)
    partly_others = set(history.loc[~inside, "change_id"].astype(str))
    return [c for c in change_ids if str(c) not in partly_others]


audit.set_actor_provider(_session_actor)


def record_export(kind: str, file_name: str) -> None:
    """Download-button callback: the export is an audit row of the session's user."""
    user = session_user()
    record(user.actor if user else audit.Actor("-", "-"), "export", kind, file_name)


def may(authority: str) -> bool:
    """Whether the session's user holds ``authority`` (for showing a button or a download)."""
    user = session_user()
    return user is not None and user.can(authority)


def plan_owner(name: str) -> str | None:
    """The account that last saved the plan ``name`` (None: saved before accounts, or by the
    command line), from the audit log."""
    rows = _log().rows(action="save_plan")
    rows = rows[rows["target"] == name]
    return None if rows.empty else str(rows.iloc[0]["account"])


def may_delete_plan(user: User, name: str) -> bool:
    """Planners delete their own plans (and plans of no known owner); admins any plan."""
    if not user.can("save_plans"):
        return False
    if user.can("manage_users"):
        return True
    owner = plan_owner(name)
    return owner is None or owner.casefold() == user.name.casefold()


def keep_alive() -> None:
    """The time-out for fragment reruns (stepping through the meeting, a playing year), which
    do not run the app's top: an expired session reruns the whole app (which signs it out); a
    live one counts the step as activity, so a meeting is not cut off mid-presentation."""
    if S.get(S.AUTH_SINCE) is None:  # nobody signed in: the local user, or already out
        return
    if expired(S.get(S.AUTH_SEEN), S.get(S.AUTH_SINCE), time.time(), idle_limit_s()):
        st.rerun(scope="app")
    S.set_value(S.AUTH_SEEN, time.time())
