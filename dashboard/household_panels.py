"""The 农户查询 page's parts: the household's record, its years, and its changes."""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd
import streamlit as st

from ..analysis import exit_rules, household_lookup
from ..data.importing.register import hash_id
from ..geo import history
from ..geo.audit import AuditLog
from ..geo.paths import ID_KEY_FINGERPRINT_META, IdKeyError, id_key, id_key_fingerprint
from ..geo.schema import CAUSES, LAYERS
from ..geo.workspace import Workspace
from . import auth, i18n, loader
from . import state as S
from .record_panels import field_label

_FULL_ID = re.compile(r"^\d{17}[\dXx]$")
_STATUS_COLOURS = {
    "poor": "#c62828",
    "returned": "#8e24aa",
    "exited": "#1a7f37",
    "not_identified": "#9e9e9e",
    "not_registered": "#9e9e9e",
}


#: Why an ID lookup cannot work: the workspace's hashes were made with another key.
KEY_MISMATCH = {
    "zh": "本机的证件号码密钥与该工作空间不符：按证件号码查找不可用（户编号查找仍可用）",
    "en": "The ID-number key on this machine is not the one this workspace was made with: "
    "lookup by ID number is unavailable (lookup by household number still works)",
}


def id_hash(query: str) -> str | None:
    """The keyed hash of a full ID number typed in (``None`` for anything else): how an ID is
    matched without the workspace ever holding one."""
    text = re.sub(r"\s+", "", query)
    return hash_id(text, id_key()) if _FULL_ID.match(text) else None


def id_lookup(meta: Mapping[str, str], query: str, lang: str) -> tuple[str | None, str | None]:
    """The keyed hash of a full ID number typed in, and why it cannot be looked up.

    Parameters
    ----------
    meta
        The workspace's metadata (``Workspace.meta``), holding its key's fingerprint.
    query
        What was typed in the search box.
    lang
        ``"zh"`` or ``"en"``, for the message.

    Returns
    -------
    tuple
        ``(hash, None)`` for a full ID number the key can look up; ``(None, message)`` when the
        key is unusable or is not the workspace's (rather than silently finding nothing);
        ``(None, None)`` for anything that is not a full ID number.
    """
    text = re.sub(r"\s+", "", query)
    if not _FULL_ID.match(text):
        return None, None
    try:
        key = id_key()
    except IdKeyError as exc:
        return None, exc.zh if lang == "zh" else exc.en
    stored = str(meta.get(ID_KEY_FINGERPRINT_META) or "").strip()
    if stored and stored != id_key_fingerprint(key):
        return None, KEY_MISMATCH["zh" if lang == "zh" else "en"]
    return hash_id(text, key), None


#: Lookups by full ID number each account may make in :data:`ID_LOOKUP_WINDOW_S`: enough for a
#: monitor's day at a desk, far too few to recover a masked number by trying its ~2,700
#: possible birth dates and sequence numbers.
ID_LOOKUPS = 10
ID_LOOKUP_WINDOW_S = 600


def may_look_up(user: auth.User, typed_hash: str) -> bool:
    """Whether ``user`` may look this ID number up now; a refusal is an audit row.

    The same number again (a rerun of the page) is not a new lookup."""
    if S.get(S.HH_LOOKED) == typed_hash:
        return True
    log = AuditLog.for_workspace(loader.workspace_path())
    if log.count(user.name, "id_lookup", ID_LOOKUP_WINDOW_S) < ID_LOOKUPS:
        return True
    log.record(user.actor, "id_lookup_refused")
    return False


def lookup_limited(lang: str) -> str:
    """Why the lookup was not made."""
    return i18n.t("hh_lookup_limited", lang, n=ID_LOOKUPS, minutes=ID_LOOKUP_WINDOW_S // 60)


def record_lookup(user: auth.User, typed_hash: str, found: pd.DataFrame) -> None:
    """An audit row for a lookup by ID number: which households it found (never the number)."""
    if S.get(S.HH_LOOKED) == typed_hash:
        return
    S.set_value(S.HH_LOOKED, typed_hash)
    ids = ",".join(found["household_id"].astype(str)) or "—"
    auth.record(user.actor, "id_lookup", ids)


def record_view(user: auth.User, household_id: str) -> None:
    """An audit row when a household's record is shown (once per household chosen)."""
    if S.get(S.HH_VIEWED) == household_id:
        return
    S.set_value(S.HH_VIEWED, household_id)
    auth.record(user.actor, "view_household", household_id)


def choice_label(row: pd.Series, names: dict[str, str]) -> str:
    village = names.get(str(row["village_code"]), str(row["village_code"]))
    return f"{row['household_id']} · {village} · {row['category'] or '—'} · {row['status'] or '—'}"


def record(ws: Workspace, row: pd.Series, lang: str) -> None:
    """The household's fields, labelled as the data dictionary names them (ID masked)."""
    names = dict(zip(ws.villages["code"].astype(str), ws.villages["name"], strict=True))
    shown = []
    for col in LAYERS["households"].columns:
        if col.name in ("household_id", "head_id_hash"):
            continue
        value = row[col.name]
        if col.name == "village_code":
            value = names.get(str(value), value)
        elif col.name == "cause" and str(value) in CAUSES:
            value = f"{value} {CAUSES[str(value)][0 if lang == 'zh' else 1]}"
        elif isinstance(value, (bool, np.bool_)):
            value = i18n.t("yes" if value else "no", lang)
        elif isinstance(value, (float, np.floating)) and pd.notna(value):
            value = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
        label = (
            i18n.t("village", lang)
            if col.name == "village_code"
            else field_label("households", col.name, lang)
        )
        shown.append(
            {
                i18n.t("hh_field", lang): label,
                i18n.t("hh_value", lang): "—" if value is None or pd.isna(value) else str(value),
            }
        )
    # tall enough for every field: a record read at a glance, not scrolled
    st.dataframe(
        pd.DataFrame(shown), hide_index=True, width="stretch", height=35 * (len(shown) + 1) + 3
    )


def years(row: pd.Series, span: range, lang: str) -> None:
    """One coloured cell per year: poor, exited, fell back, not yet identified; ● monitored."""
    table = household_lookup.status_by_year(row, span)
    cells = "".join(
        f"<td style='padding:4px 8px;color:#fff;background:{_STATUS_COLOURS[s]};"
        f"text-align:center'>{y}<br>{i18n.t('hh_' + s, lang)}{' ●' if m else ''}</td>"
        for y, s, m in table.itertuples(index=False)
    )
    st.html(f"<table style='border-collapse:separate;border-spacing:2px'><tr>{cells}</tr></table>")
    st.caption(i18n.t("hh_years_hint", lang))


def exit_checks(ws: Workspace, household_id: str, year: int, rules, lang: str) -> None:
    """The household's exit checks at ``year`` (its scorecard): each check, what the register
    says and the result; nothing for a household not on the register."""
    card = exit_rules.household_scorecard(ws.households, household_id, year, rules, ws["history"])
    if not card:
        return
    st.markdown(f"**{i18n.t('hh_exit_checks', lang, year=year)}**")
    st.caption(i18n.t("hh_exit_checks_hint", lang))

    def result(item: dict) -> str:
        if not item["enabled"]:
            return i18n.t("hh_check_off", lang)
        if item["ok"] is None:
            return i18n.t("hh_check_unrecorded", lang)
        return i18n.t("hh_check_ok" if item["ok"] else "hh_check_fail", lang)

    st.dataframe(
        pd.DataFrame(
            {
                i18n.t("hh_check", lang): [i18n.t(f"hh_check_{c['check']}", lang) for c in card],
                i18n.t("hh_check_value", lang): [
                    c["value_zh"] if lang == "zh" else c["value_en"] for c in card
                ],
                i18n.t("hh_check_result", lang): [result(c) for c in card],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def changes(ws: Workspace, household_id: str, lang: str) -> None:
    """Every recorded change to the household, oldest first."""
    table = household_lookup.household_changes(ws["history"], household_id)
    if table.empty:
        st.info(i18n.t("hh_no_changes", lang))
        return
    shown = pd.DataFrame(
        {
            i18n.t("record_change", lang): table["change_id"],
            i18n.t("record_date", lang): table["changed_at"],
            i18n.t("record_kind", lang): [i18n.t(f"change_{k}", lang) for k in table["kind"]],
            i18n.t("hh_field", lang): [_field(f, lang) for f in table["field"]],
            i18n.t("hh_old", lang): [_shown(v, lang) for v in table["old_value"]],
            i18n.t("hh_new", lang): [_shown(v, lang) for v in table["new_value"]],
            i18n.t("record_note", lang): table["note"].fillna(""),
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")


def _field(field: str, lang: str) -> str:
    if field == history.ROW:
        return i18n.t("hh_record", lang)
    return field_label("households", field, lang)


def _shown(value: object, lang: str) -> str:
    if value is None or pd.isna(value):
        return "—"
    return i18n.t("hh_created", lang) if value == history.CREATED else str(value)
