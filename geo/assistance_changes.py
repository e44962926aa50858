"""Changes a monitor records on the 帮扶 page: a visit to a household, a cadre paired with it.

Each is a list of :class:`~.history.FieldChange` for :func:`.history.record` (kind
``assistance``): a record added with its fields set, so the change log shows it and an undo
removes it again.
"""

from __future__ import annotations

import re

import pandas as pd

from .history import CREATED, ROW, ChangeError, FieldChange
from .workspace import Workspace

#: What a visit note may not hold: an ID number (18 characters) or a mobile number (11 digits).
_PERSONAL = re.compile(r"\d{17}[\dXx]|(?<!\d)1[3-9]\d{9}(?!\d)")
NOTE_MAX = 200


def visit_added(
    ws: Workspace, household_id: str, visit_date: str, cadre_id: str | None, note: str = ""
) -> list[FieldChange]:
    """A visit of ``cadre_id`` (or of someone unnamed) to ``household_id`` on ``visit_date``.

    Raises :class:`ChangeError` for an unknown household or cadre, a date in the future is
    the caller's to refuse (the date is checked by :func:`.history.record`), and a note holding
    an ID or phone number or longer than :data:`NOTE_MAX`.
    """
    household_id = str(household_id).strip()
    if household_id not in set(ws.households["household_id"].astype(str)):
        raise ChangeError(f"no household {household_id}", f"没有户编号为 {household_id} 的农户")
    if cadre_id and str(cadre_id) not in set(ws["cadres"]["cadre_id"].astype(str)):
        raise ChangeError(f"no cadre {cadre_id}", f"没有编号为 {cadre_id} 的帮扶责任人")
    note = (note or "").strip()
    if _PERSONAL.search(note):
        raise ChangeError(
            "a visit note may not hold an ID or phone number",
            "走访内容不能写证件号码或电话号码",
        )
    if len(note) > NOTE_MAX:
        raise ChangeError(
            f"a visit note is at most {NOTE_MAX} characters", f"走访内容最多 {NOTE_MAX} 个字"
        )
    visit_id = _next_id(ws["visits"]["visit_id"], f"V{visit_date.replace('-', '')}-")
    fields = {"household_id": household_id, "visit_date": visit_date}
    fields |= {"cadre_id": cadre_id or None, "note": note or None}
    return [
        FieldChange("visits", visit_id, ROW, CREATED),
        *(FieldChange("visits", visit_id, f, v) for f, v in fields.items() if v is not None),
    ]


def cadre_paired(
    ws: Workspace, household_id: str, cadre_id: str, since_year: int
) -> list[FieldChange]:
    """``cadre_id`` made responsible for ``household_id`` from ``since_year`` (a new pairing,
    or the cadre of an existing one changed)."""
    household_id = str(household_id).strip()
    if household_id not in set(ws.households["household_id"].astype(str)):
        raise ChangeError(f"no household {household_id}", f"没有户编号为 {household_id} 的农户")
    if str(cadre_id) not in set(ws["cadres"]["cadre_id"].astype(str)):
        raise ChangeError(f"no cadre {cadre_id}", f"没有编号为 {cadre_id} 的帮扶责任人")
    pairings = ws["pairings"]
    have = pairings[pairings["household_id"].astype(str) == household_id]
    added = [] if len(have) else [FieldChange("pairings", household_id, ROW, CREATED)]
    return [
        *added,
        FieldChange("pairings", household_id, "cadre_id", str(cadre_id)),
        FieldChange("pairings", household_id, "since_year", int(since_year)),
    ]


def _next_id(existing: pd.Series, prefix: str) -> str:
    """``prefix`` with the next free number (``V20240305-3``)."""
    taken = existing.astype(str)
    taken = taken[taken.str.startswith(prefix)].str[len(prefix) :]
    numbers = pd.to_numeric(taken, errors="coerce").dropna()
    return f"{prefix}{int(numbers.max()) + 1 if len(numbers) else 1}"
