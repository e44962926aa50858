"""Merging an imported household register into a workspace, change by change.

A newer register updates the households it names: every field it changes becomes a row of
the history (kind ``import``, one change id for the whole import), so figures for any earlier
date still come out as they were, and the import can be undone like any other change.
Households the file adds are recorded as added rows; households it does not name are kept.
Re-importing the same file changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..geo.schema import LAYERS
from ..geo.validate import coerce
from ..geo.workspace import Workspace
from .history import ROW, value_text

HOUSEHOLD_FIELDS = tuple(LAYERS["households"].names)


@dataclass(frozen=True)
class HouseholdMerge:
    """The layers to write and what changed: households added, updated and unchanged, and
    households of the workspace the file does not name (kept as they were)."""

    layers: dict[str, pd.DataFrame]
    added: int
    updated: int
    unchanged: int
    kept: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


def merge_households(
    ws: Workspace, incoming: pd.DataFrame, *, changed_at: str, recorded_at: str, note: str
) -> HouseholdMerge:
    """``incoming`` (households layer columns) merged over the workspace's households, with a
    history row for each household added and each field changed."""
    layer = LAYERS["households"]
    new = coerce(layer, incoming.reindex(columns=list(HOUSEHOLD_FIELDS)))
    old = ws.households
    old_ids = set(old["household_id"].astype(str))
    new_ids = new["household_id"].astype(str)
    added = new[~new_ids.isin(old_ids)]
    both = new[new_ids.isin(old_ids)].set_index("household_id")
    before = old.set_index("household_id").reindex(both.index)
    rows: list[dict] = []
    for hid in added["household_id"]:
        rows.append(_row(str(hid), ROW, None, "created"))
    updated = pd.Series(False, index=both.index)
    merged_old = old.set_index("household_id").copy()
    for field in HOUSEHOLD_FIELDS:
        if field == "household_id":
            continue
        a, b = before[field], both[field]
        differ = ~((a == b).fillna(False) | (a.isna() & b.isna()))
        differ = differ.astype(bool)
        if not differ.any():
            continue
        updated |= differ
        for hid in differ[differ].index:
            rows.append(_row(str(hid), field, value_text(a[hid]), value_text(b[hid])))
        merged_old.loc[differ[differ].index, field] = b[differ]
    households = pd.concat(
        [merged_old.reset_index()[list(HOUSEHOLD_FIELDS)], added], ignore_index=True
    )
    history = ws["history"]
    layers: dict[str, pd.DataFrame] = {"households": coerce(layer, households)}
    if rows:
        change_id = f"C{history['change_id'].nunique() + 1:05d}"
        extra = pd.DataFrame(rows).assign(
            change_id=change_id,
            changed_at=changed_at,
            recorded_at=recorded_at,
            kind="import",
            layer="households",
            note=note,
            reverts=None,
        )
        layers["history"] = pd.concat([f for f in (history, extra) if len(f)], ignore_index=True)
    n_updated = int(updated.sum())
    return HouseholdMerge(
        layers=layers,
        added=len(added),
        updated=n_updated,
        unchanged=len(both) - n_updated,
        kept=len(old_ids - set(new_ids)),
    )


def _row(record_key: str, field: str, old: str | None, new: str | None) -> dict:
    return {"record_key": record_key, "field": field, "old_value": old, "new_value": new}
