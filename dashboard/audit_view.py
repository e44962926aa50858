"""The 审计日志 page's table: the audit log's rows in the reader's language (no Streamlit)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

import pandas as pd

from ..geo.accounts import ROLE_LABELS
from ..geo.audit import AUDIT_ACTIONS
from . import i18n

#: Rows drawn on the page (the downloads hold every row of the filter).
SHOWN = 1000
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def actions() -> list[str]:
    """Every action the log knows, in the order :data:`AUDIT_ACTIONS` declares them."""
    return list(AUDIT_ACTIONS)


def action_label(action: str, lang: str) -> str:
    """``action`` in ``lang`` (an action the log does not know: as stored)."""
    labels = AUDIT_ACTIONS.get(action)
    return labels[0 if lang == "zh" else 1] if labels else action


def role_label(role: str, lang: str) -> str:
    """A role (or ``a+b``) in ``lang``; ``local`` and ``cli`` as such."""
    special = {"local": i18n.t("auth_local_role", lang), "cli": "CLI", "-": "—"}
    if role in special:
        return special[role]
    index = 0 if lang == "zh" else 1
    return " + ".join(ROLE_LABELS.get(r, (r, r))[index] for r in role.split("+"))


def local_bounds(since: dt.date, until: dt.date) -> tuple[str, str]:
    """The chosen days as this computer's clock reads them (the office's time zone), as
    instants the log (kept in UTC) is filtered by: ``since`` 00:00 to ``until`` 23:59:59."""
    start = dt.datetime.combine(since, dt.time.min).astimezone()
    end = dt.datetime.combine(until, dt.time(23, 59, 59)).astimezone()
    return start.isoformat(), end.isoformat()


def local_times(stamps: pd.Series) -> pd.Series:
    """UTC stamps of the log in this computer's time zone, ``2026-12-02 12:09:58``."""
    zone = dt.datetime.now().astimezone().tzinfo
    return pd.to_datetime(stamps, utc=True).dt.tz_convert(zone).dt.strftime("%Y-%m-%d %H:%M:%S")


def table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The log's rows with headers and actions in ``lang``, newest first, times local."""
    return pd.DataFrame(
        {
            i18n.t("audit_col_at", lang): local_times(rows["at"]),
            i18n.t("audit_col_account", lang): rows["account"],
            i18n.t("audit_col_role", lang): [role_label(str(r), lang) for r in rows["role"]],
            i18n.t("audit_col_action", lang): [action_label(str(a), lang) for a in rows["action"]],
            i18n.t("audit_col_target", lang): rows["target"].fillna(""),
            i18n.t("audit_col_detail", lang): rows["detail"].fillna(""),
        }
    )


def file_stem(meta: Mapping[str, str], since: dt.date, until: dt.date) -> str:
    """``古陂镇-审计日志-2026-11-01-2026-12-01``: the downloads' name."""
    place = _UNSAFE.sub("_", str(meta.get("township_name") or "workspace")).strip(" .")
    return f"{place}-审计日志-{since.isoformat()}-{until.isoformat()}"
