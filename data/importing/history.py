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

from ...geo.history import CREATED, ROW, record_keys, value_text
from ...geo.schema import LAYERS
from ...geo.schema_assistance import ASSISTANCE_LAYERS
from ...geo.validate import coerce
from ...geo.workspace import Workspace

#: Layers whose imports are recorded in the history.
RECORDED_LAYERS = (
    "households",
    "indicators",
    "villages",
    *(a.name for a in ASSISTANCE_LAYERS),
    "station_operations",
)
#: How a summary counts the records of each layer (zh, en).
_UNITS = {
    "households": ("户", "households"),
    "indicators": ("条", "village-years"),
    "villages": ("个村", "villages"),
    "cadres": ("名帮扶责任人", "cadres"),
    "pairings": ("户结对", "pairings"),
    "village_teams": ("支工作队", "teams"),
    "visits": ("次走访", "visits"),
    "measures": ("项措施", "measures"),
    "projects": ("个项目", "projects"),
    "exit_plans": ("户计划", "plans"),
    "station_operations": ("条网点年度记录", "station-years"),
}
#: The column that says when an added record of an assistance layer came to be: a date, or a
#: year (from its first day).
_CREATED_FROM = {
    "pairings": "since_year",
    "village_teams": "start_date",
    "visits": "visit_date",
    "measures": "year",
    "projects": "year",
    "station_operations": "year",
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
    known = set(old_keys)
    is_known = new_keys.isin(known).to_numpy(dtype=bool)
    latest = _latest(ws["history"], layer)
    # column-wise, one frame per field: a dict and a .loc per added household took 155 s
    # for the 285,902 of a 1M-person register
    added = new[~is_known]
    parts = [
        _rows_of(
            new_keys[~is_known].to_numpy(dtype=object),
            ROW,
            None,
            CREATED,
            _created_on(added, layer, imported_on),
            latest,
            imported_on,
        )
    ]
    both = new_keys[is_known].to_numpy(dtype=object)
    updated = np.zeros(len(both), dtype=bool)
    if len(both):
        at = pd.Index(old_keys.to_numpy(dtype=object)).get_indexer(both)
        a_all = old.iloc[at].reset_index(drop=True)
        b_all = new[is_known].reset_index(drop=True)
        for fld in spec.names:
            if fld in spec.key:
                continue
            # value_text gives str or None, so != compares values and missing alike
            a = np.array([value_text(v) for v in a_all[fld]], dtype=object)
            b = np.array([value_text(v) for v in b_all[fld]], dtype=object)
            differ = np.fromiter((x != y for x, y in zip(a, b, strict=True)), bool, len(a))
            if not differ.any():
                continue
            updated |= differ
            when = _changed_on(b_all[differ], layer, fld, imported_on)
            parts.append(
                _rows_of(both[differ], fld, a[differ], b[differ], when, latest, imported_on)
            )
    layers: dict[str, pd.DataFrame] = {layer: _with_shapes(new, shapes)}
    history = ws["history"]
    # one frame made from whole columns: its dtypes are inferred as one list of rows' were
    columns = {name: [v for part in parts for v in part[name]] for name in parts[0]}
    if columns["record_key"]:
        extra = pd.DataFrame(columns)
        change_id = f"C{history['change_id'].nunique() + 1:05d}"
        extra = extra.assign(
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
        added=int((~is_known).sum()),
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


def _created_on(rows: pd.DataFrame, layer: str, imported_on: str) -> np.ndarray:
    """When each of ``rows`` (records added) came to be: from the start of the year it
    belongs to (identified, indicators', a measure's …) or its date (a visit's); a village
    from the import (no replay reverts a
    village's addition: see :func:`township_atlas.geo.history.state_at`)."""
    if layer not in ("households", "indicators", *_CREATED_FROM):  # villages, cadres, plans
        return np.full(len(rows), imported_on, dtype=object)
    column = _CREATED_FROM.get(layer)
    if column is not None and LAYERS[layer].column(column).kind == "str":  # a date
        dates = [d if isinstance(d, str) and len(d) == 10 else imported_on for d in rows[column]]
        return np.array(dates, dtype=object)
    years = rows[column or ("identified_year" if layer == "households" else "year")]
    return np.array([f"{y}-01-01" if y else imported_on for y in map(_year, years)], dtype=object)


def _changed_on(rows: pd.DataFrame, layer: str, fld: str, imported_on: str) -> np.ndarray:
    """When the file says field ``fld``'s new value took hold in each of ``rows``: the end of
    the year of the event (exit, fall back, monitoring; an indicator row's own year), else
    the import's day."""
    n = len(rows)
    if layer in ("indicators", "station_operations"):  # a row of its own year
        years = [_year(v) for v in rows["year"]]
    elif layer == "villages":
        # a village exits (出列) at the end of its exit year, like a household; when it became
        # a poor village, or anything else about it changed, the file does not say
        years = [_year(v) for v in rows["exit_year"]] if fld == "exit_year" else [None] * n
    elif layer != "households":  # an assistance record: when it changed, the file does not say
        years = [None] * n
    elif fld in ("status", "exit_year", "return_year"):
        events = {"已脱贫": "exit_year", "返贫": "return_year"}
        cells = {c: rows[c].tolist() for c in ("exit_year", "return_year")}
        own = rows[fld].tolist() if fld in cells else [None] * n
        years = []
        for i, status in enumerate(rows["status"].tolist()):
            event = events.get(status)
            year = _year(cells[event][i]) if event else None
            if fld in cells and year is None:
                year = _year(own[i])
            years.append(year)
    elif fld in ("monitor_kind", "monitor_year"):
        years = [_year(v) for v in rows["monitor_year"]]
    else:
        years = [None] * n
    return np.array([f"{y}-12-31" if y else imported_on for y in years], dtype=object)


def _latest(history: pd.DataFrame, layer: str) -> dict[tuple[str, str], str]:
    mine = history[history["layer"] == layer]
    if mine.empty:
        return {}
    last = mine.groupby(["record_key", "field"])["changed_at"].max()
    return {(str(k), str(f)): str(v) for (k, f), v in last.items()}


def _clamp(when: str, latest: dict, key: str, fld: str, imported_on: str) -> str:
    when = min(when, imported_on)
    return max(when, latest.get((key, fld), when))


def _rows_of(
    keys: np.ndarray,
    fld: str,
    old: np.ndarray | None,
    new: np.ndarray | str,
    when: np.ndarray,
    latest: dict,
    imported_on: str,
) -> dict[str, list]:
    """History rows (without the change's stamp), column by column, setting ``fld`` of the
    records ``keys`` from ``old`` to ``new`` at ``when``, kept after the changes already
    recorded."""
    n = len(keys)
    return {
        "record_key": list(keys),
        "field": [fld] * n,
        "old_value": [None] * n if old is None else list(old),
        "new_value": [new] * n if isinstance(new, str) else list(new),
        "changed_at": [
            _clamp(w, latest, k, fld, imported_on) for w, k in zip(when, keys, strict=True)
        ],
    }
