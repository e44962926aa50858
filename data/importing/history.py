"""Recording an import in the change history, record by record.

A newer register (or indicator table, or villages file) changes records the workspace already
has: every field it changes becomes a row of the history (kind ``import``, one change id for
the whole import) so the import can be undone like any other change, and records it adds are
recorded as added rows. Re-importing the same file changes nothing. A village's boundary is
not recorded (it is too big to keep as a value): only its attributes are.

An import is a snapshot that carries its own years (识别年度, 脱贫年度, an indicator row's year),
so each change takes effect when the file says it happened, not on the day of the import:
a household identified in 2016 and imported today counts in 2016's figures; an exit (of a
household or a village) in 2025 counts from the end of 2025. A change never takes effect
before one already recorded for the same field (the history stays linear) nor after the day
of the import.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from ...geo.history import ROW, record_keys, value_text
from ...geo.schema import LAYERS
from ...geo.validate import coerce
from ...geo.workspace import Workspace

#: Layers whose imports are recorded in the history.
RECORDED_LAYERS = ("households", "indicators", "villages")
#: How a summary counts the records of each layer (zh, en).
_UNITS = {
    "households": ("户", "households"),
    "indicators": ("条", "village-years"),
    "villages": ("个村", "villages"),
}


@dataclass(frozen=True)
class ImportChanges:
    """The layers to write and what changed: records ``added``, ``updated`` and ``unchanged``
    among those the file names, and records of the workspace it does not name (``kept``)."""

    layers: dict[str, pd.DataFrame]
    added: int
    updated: int
    unchanged: int
    kept: int
    layer: str = "households"

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)

    @property
    def summary(self) -> tuple[str, str]:
        """One sentence (zh, en) on what the import changed."""
        zh, en = _UNITS[self.layer]
        return (
            f"新增 {self.added} {zh},更新 {self.updated} {zh}(变化记入变更记录),未变 "
            f"{self.unchanged} {zh};文件中没有的 {self.kept} {zh}保持不变",
            f"{en}: {self.added} added, {self.updated} updated (changes in the history), "
            f"{self.unchanged} unchanged; {self.kept} not in the file kept as they were",
        )


def record_import(
    ws: Workspace,
    layer: str,
    new: pd.DataFrame,
    file_keys: Collection[str],
    *,
    imported_on: str,
    recorded_at: str,
    note: str,
) -> ImportChanges:
    """The layers to write for ``new`` (the whole ``layer`` as the import leaves it) with a
    history row for each record added and each field changed; ``file_keys`` are the record
    keys the file named. A layer's geometry is written as ``new`` has it, not recorded."""
    if layer not in RECORDED_LAYERS:
        raise ValueError(f"imports of {layer} are not recorded")
    spec = LAYERS[layer]
    old = coerce(spec, pd.DataFrame(ws[layer]).reindex(columns=spec.names))
    shapes = new.geometry if spec.geometry is not None else None
    new = coerce(spec, pd.DataFrame(new).reindex(columns=spec.names))
    old_keys, new_keys = record_keys(old, layer), record_keys(new, layer)
    old_by = old.set_index(old_keys.to_numpy())
    new_by = new.set_index(new_keys.to_numpy())
    known = set(old_keys)
    added_keys = [k for k in new_keys if k not in known]
    both = [k for k in new_keys if k in known]
    latest = _latest(ws["history"], layer)
    rows: list[dict] = []
    for key in added_keys:
        when = _created_on(new_by.loc[key], layer, imported_on)
        rows.append(_row(key, ROW, None, "created", _clamp(when, latest, key, ROW, imported_on)))
    updated = pd.Series(False, index=pd.Index(both, dtype=object))
    if both:
        a_all, b_all = old_by.loc[both], new_by.loc[both]
        for fld in spec.names:
            if fld in spec.key:
                continue
            # value_text gives str or None, so != compares values and missing alike
            a = pd.Series([value_text(v) for v in a_all[fld]], index=both, dtype=object)
            b = pd.Series([value_text(v) for v in b_all[fld]], index=both, dtype=object)
            differ = np.fromiter((x != y for x, y in zip(a, b, strict=True)), bool, len(a))
            if not differ.any():
                continue
            updated |= differ
            for key in np.asarray(both, dtype=object)[differ]:
                when = _changed_on(b_all.loc[key], layer, fld, imported_on)
                when = _clamp(when, latest, key, fld, imported_on)
                rows.append(_row(key, fld, a[key], b[key], when))
    layers: dict[str, pd.DataFrame] = {layer: _with_shapes(new, shapes)}
    history = ws["history"]
    if rows:
        change_id = f"C{history['change_id'].nunique() + 1:05d}"
        extra = pd.DataFrame(rows).assign(
            change_id=change_id,
            recorded_at=recorded_at,
            kind="import",
            layer=layer,
            note=note,
            reverts=None,
        )
        layers["history"] = pd.concat([f for f in (history, extra) if len(f)], ignore_index=True)
    named = set(map(str, file_keys))
    n_updated = int(updated.sum())
    return ImportChanges(
        layers=layers,
        added=len(added_keys),
        updated=n_updated,
        unchanged=len(named & set(both)) - n_updated,
        kept=len(known - named),
        layer=layer,
    )


def _with_shapes(frame: pd.DataFrame, shapes: gpd.GeoSeries | None) -> pd.DataFrame:
    """``frame`` with the geometry it was given back (the attributes were compared without)."""
    if shapes is None:
        return frame
    return gpd.GeoDataFrame(frame, geometry=shapes.to_numpy(), crs=shapes.crs)


# ----------------------------------------------------------------------------- dates
def _year(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _created_on(row: pd.Series, layer: str, imported_on: str) -> str:
    """A record exists from the start of the year it belongs to (identified, indicators');
    a village from the import (no replay reverts a village's addition: see
    :func:`township_atlas.geo.history.state_at`)."""
    if layer == "villages":
        return imported_on
    year = _year(row["identified_year"] if layer == "households" else row["year"])
    return f"{year}-01-01" if year else imported_on


def _changed_on(row: pd.Series, layer: str, fld: str, imported_on: str) -> str:
    """When the file says a field's new value took hold: the end of the year of the event
    (exit, fall back, monitoring; an indicator row's own year), else the import's day."""
    if layer == "indicators":
        year = _year(row["year"])
    elif layer == "villages":
        # a village exits (出列) at the end of its exit year, like a household; when it became
        # a poor village, or anything else about it changed, the file does not say
        year = _year(row["exit_year"]) if fld == "exit_year" else None
    elif fld in ("status", "exit_year", "return_year"):
        event = {"已脱贫": "exit_year", "返贫": "return_year"}.get(row["status"])
        year = _year(row[event]) if event else None
        if fld in ("exit_year", "return_year") and year is None:
            year = _year(row[fld])
    elif fld in ("monitor_kind", "monitor_year"):
        year = _year(row["monitor_year"])
    else:
        year = None
    return f"{year}-12-31" if year else imported_on


def _latest(history: pd.DataFrame, layer: str) -> dict[tuple[str, str], str]:
    mine = history[history["layer"] == layer]
    if mine.empty:
        return {}
    last = mine.groupby(["record_key", "field"])["changed_at"].max()
    return {(str(k), str(f)): str(v) for (k, f), v in last.items()}


def _clamp(when: str, latest: dict, key: str, fld: str, imported_on: str) -> str:
    when = min(when, imported_on)
    return max(when, latest.get((key, fld), when))


def _row(key: str, fld: str, old: str | None, new: str | None, when: str) -> dict:
    return {
        "record_key": key,
        "field": fld,
        "old_value": old,
        "new_value": new,
        "changed_at": when,
    }
