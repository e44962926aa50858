"""账户管理 (admins): the accounts of the workspace, a new account, and changes to one.

Every change goes through :class:`~township_atlas.geo.accounts.AccountStore` (its rules: names,
password length, never the last admin) and is an audit row of the admin who made it.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from ..geo.accounts import ROLE_LABELS, ROLES, Account, AccountError, AccountStore
from ..geo.audit import Actor
from . import audit_view, auth, i18n
from . import state as S
from .markup import escape_md


def role_label(role: str, lang: str) -> str:
    return ROLE_LABELS.get(role, (role, role))[0 if lang == "zh" else 1]


def table(accounts: list[Account], names: Mapping[str, str], lang: str) -> pd.DataFrame:
    """One row per account: name, role, villages by name (全部 for none), state, dates."""
    everywhere = i18n.t("users_all_villages", lang)
    return pd.DataFrame(
        {
            i18n.t("users_col_name", lang): [a.name for a in accounts],
            i18n.t("users_col_role", lang): [role_label(a.role, lang) for a in accounts],
            i18n.t("users_col_villages", lang): [
                "、".join(names.get(c, c) for c in a.villages) or everywhere for a in accounts
            ],
            i18n.t("users_col_state", lang): [
                i18n.t("users_disabled" if a.disabled else "users_enabled", lang) for a in accounts
            ],
            i18n.t("users_col_updated", lang): audit_view.local_times(
                pd.Series([a.updated for a in accounts], dtype=object)
            ),
        }
    )


def _record(name: str, action: str, detail: str = "") -> None:
    user = auth.session_user()
    auth.record(user.actor if user else Actor("-", "-"), "users", name, detail or action)


def _apply(change, name: str, action: str, lang: str) -> None:
    """Run one account change; say what happened (or why not) once, after the rerun."""
    if not auth.may("manage_users"):  # a stale form of a session whose role changed
        auth.require(auth.session_user(), "manage_users", f"users {action}")
        S.set_value(S.FLASH, ("error", i18n.t("auth_denied", lang)))
        return
    try:
        account = change()
    except AccountError as exc:
        S.set_value(S.FLASH, ("error", escape_md(str(exc))))
        return
    _record(account.name, action, f"{action} {account.role} {','.join(account.villages)}".strip())
    done = i18n.t(f"users_done_{action}", lang, name=escape_md(account.name))
    S.set_value(S.FLASH, ("success", done))


def add_form(store: AccountStore, names: Mapping[str, str], first_one: bool, lang: str) -> None:
    """A new account: name, role, villages (none: all), the password twice. The first account
    is an administrator: once one exists every browser signs in, this one included."""
    with st.form("users_add", clear_on_submit=True):
        st.markdown(f"**{i18n.t('users_add', lang)}**")
        if first_one:
            st.caption(i18n.t("users_first_admin", lang))
        a, b = st.columns(2)
        name = a.text_input(i18n.t("users_col_name", lang), key=S.USERS_NAME, max_chars=32)
        role = b.selectbox(
            i18n.t("users_col_role", lang),
            ("admin",) if first_one else ROLES,
            format_func=lambda r: role_label(r, lang),
            key=S.USERS_ROLE,
        )
        villages = st.multiselect(
            i18n.t("users_villages", lang),
            list(names),
            format_func=names.get,
            key=S.USERS_VILLAGES,
            placeholder=i18n.t("users_all_villages", lang),
        )
        c, d = st.columns(2)
        first = c.text_input(i18n.t("users_password", lang), type="password", key=S.USERS_PASSWORD)
        second = d.text_input(
            i18n.t("users_password_again", lang), type="password", key=S.USERS_PASSWORD2
        )
        submitted = st.form_submit_button(
            i18n.t("users_add_submit", lang), type="primary", key=S.USERS_ADD
        )
    if not submitted:
        return
    if first != second:
        st.error(i18n.t("users_password_mismatch", lang))
        return
    _apply(lambda: store.add(name, role, first, villages), name, "add", lang)
    st.rerun()


def change_form(
    store: AccountStore, accounts: list[Account], names: Mapping[str, str], lang: str
) -> None:
    """Change one account: role and villages, enabled or not, a new password."""
    if not accounts:
        return
    by_name = {a.name: a for a in accounts}
    chosen = st.selectbox(i18n.t("users_choose", lang), list(by_name), key=S.USERS_CHOICE)
    account = by_name[chosen]
    with st.form("users_change"):
        a, b = st.columns(2)
        role = a.selectbox(
            i18n.t("users_col_role", lang),
            ROLES,
            index=ROLES.index(account.role) if account.role in ROLES else 0,
            format_func=lambda r: role_label(r, lang),
            key=f"{S.USERS_ROLE}.{chosen}",
        )
        villages = b.multiselect(
            i18n.t("users_villages", lang),
            list(names),
            default=[c for c in account.villages if c in names],
            format_func=names.get,
            key=f"{S.USERS_VILLAGES}.{chosen}",
            placeholder=i18n.t("users_all_villages", lang),
        )
        saved = st.form_submit_button(i18n.t("users_save_role", lang), key=S.USERS_SAVE)
    if saved:
        _apply(lambda: store.set_role(chosen, role, villages), chosen, "set_role", lang)
        st.rerun()
    c, d = st.columns(2)
    toggle = "users_enable" if account.disabled else "users_disable"
    if c.button(i18n.t(toggle, lang), key=S.USERS_TOGGLE):
        action = "enable" if account.disabled else "disable"
        _apply(lambda: store.set_disabled(chosen, not account.disabled), chosen, action, lang)
        st.rerun()
    with d.popover(i18n.t("users_reset", lang)):
        with st.form("users_reset", clear_on_submit=True):
            first = st.text_input(
                i18n.t("users_password", lang), type="password", key=S.USERS_RESET_1
            )
            second = st.text_input(
                i18n.t("users_password_again", lang), type="password", key=S.USERS_RESET_2
            )
            reset = st.form_submit_button(i18n.t("users_reset", lang), key=S.USERS_RESET)
        if reset and first != second:
            st.error(i18n.t("users_password_mismatch", lang))
        elif reset:
            _apply(lambda: store.set_password(chosen, first), chosen, "reset_password", lang)
            st.rerun()
