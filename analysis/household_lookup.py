"""Finding one household and telling its story: its record, its status year by year, and
every recorded change to it.

A monitor looks a household up by 户编号 or by the head's ID number. ID numbers are never
stored: the workspace keeps a keyed hash (matched here against the hash of what was typed,
computed by the caller, who holds the key) and a masked form (first 6 and last 4 digits),
which is all that is ever shown.
"""

from __future__ import annotations

import re

import pandas as pd

from . import poverty

#: Year-end status of a household, as :func:`status_by_year` names it.
YEAR_STATUSES = ("not_identified", "poor", "exited", "returned", "not_registered")
_MASKED_DIGITS = re.compile(r"^[0-9xX*]{4,18}$")


def find_households(
    households: pd.DataFrame,
    query: str,
    id_hash: str | None = None,
    limit: int = 50,
) -> pd.DataFrame:
    """Households whose 户编号 contains ``query``, whose masked ID matches its visible digits,
    or whose ID hash is ``id_hash`` (the keyed hash of a full ID number typed in); at most
    ``limit``, exact 户编号 and hash matches first."""
    text = query.strip()
    if not text:
        return households.iloc[:0]
    ids = households["household_id"].astype(str)
    exact = ids == text
    contains = ids.str.contains(text, regex=False, case=False)
    hashed = (
        households["head_id_hash"].astype("string").eq(id_hash).fillna(False)
        if id_hash
        else pd.Series(False, index=households.index)
    )
    masked = pd.Series(False, index=households.index)
    if _MASKED_DIGITS.match(text) and "head_id_masked" in households:
        shown = households["head_id_masked"].astype("string").str.upper()
        typed = text.upper()
        if "*" in typed:  # 360722********1234: the visible digits at both ends
            head, tail = typed.split("*", 1)[0], typed.rsplit("*", 1)[1]
            masked = shown.str.startswith(head) & shown.str.endswith(tail)
        else:  # digits alone: the first 6 or the last 4
            masked = shown.str.startswith(typed) | shown.str.endswith(typed)
        masked = masked.fillna(False).astype(bool)
    hit = (exact | hashed).astype(int) * 2 + (contains | masked).astype(int)
    found = households[hit > 0].assign(_rank=hit[hit > 0])
    return (
        found.sort_values(["_rank", "household_id"], ascending=[False, True])
        .drop(columns="_rank")
        .head(limit)
    )


def status_by_year(household: pd.Series, years: range) -> pd.DataFrame:
    """The household's status at the end of each year (one of :data:`YEAR_STATUSES`) and
    whether it was under monitoring, from its own years (识别, 脱贫, 返贫, 纳入监测)."""
    frame = household.to_frame().T
    for col in ("identified_year", "exit_year", "return_year", "monitor_year"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    rows = []
    for year in years:
        if not bool(poverty.registered_mask(frame).iloc[0]):
            status = "not_registered"
        elif pd.notna(frame["identified_year"].iloc[0]) and frame["identified_year"].iloc[0] > year:
            status = "not_identified"
        elif bool(poverty.remaining_mask(frame, year).iloc[0]):
            status = "returned" if bool(poverty.returned_mask(frame, year).iloc[0]) else "poor"
        else:
            status = "exited"
        monitored = bool(poverty.monitored_mask(frame, year).iloc[0])
        rows.append({"year": year, "status": status, "monitored": monitored})
    return pd.DataFrame(rows)


def household_changes(history: pd.DataFrame, household_id: str) -> pd.DataFrame:
    """Every recorded change to the household, oldest first: change_id, changed_at,
    recorded_at, kind, field (:data:`~township_atlas.geo.history.ROW` when the record
    itself was added or removed), old_value, new_value, note."""
    mine = history[
        (history["layer"] == "households") & (history["record_key"].astype(str) == household_id)
    ]
    cols = ["change_id", "changed_at", "recorded_at", "kind", "field"]
    cols += ["old_value", "new_value", "note"]
    return mine.sort_values(["changed_at", "recorded_at"], kind="stable")[cols].reset_index(
        drop=True
    )
