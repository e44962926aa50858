"""The change history: what monitors record, and the workspace as it stood on any past date.

The workspace's layers hold the current state; the ``history`` layer holds every change that
led there, one row per field set, with the old and the new value. History is only ever added
to: an undo is a new change (kind ``undo``) that sets the fields back. Reverting, newest first,
the changes effective after a date gives the state on that date (:func:`state_at`), so figures
for any past date come from the same functions as today's.

A field's history stays linear: a change may not take effect before one already recorded for
the same field, and only a field's latest change can be undone, so replaying never depends on
the order in which backdated entries were typed.

A villages import records each village attribute it changes (poor village, exit year, name …)
the same way; boundaries are not in the history. The villages are the map's make-up rather
than events: a past date shows the villages of today with their attributes as they were then
(pages pair today's villages with the past's row by row), so adding or removing a village is
recorded, and undone, but not replayed.

Pure functions: they take a :class:`~township_atlas.geo.workspace.Workspace` and return the
layers to write; writing (one transaction) is :func:`township_atlas.geo.workspace.update_workspace`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .schema import CHANGE_KINDS, LAYERS, MONITOR_KINDS
from .validate import coerce
from .workspace import Workspace, empty_frame

#: ``field`` of a history row that says a row was added (new value "created") or removed.
ROW = "__row__"
CREATED = "created"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Layers whose changes the history records (the history's ``layer`` values).
RECORDED = LAYERS["history"].column("layer").allowed
#: Indicator columns a monitor may change (not the keys).
INDICATOR_FIELDS = tuple(c.name for c in LAYERS["indicators"].columns)[2:]


class ChangeError(ValueError):
    """A change that cannot be recorded or undone; the message says why, in English (the
    command line, logs) and in Chinese (``zh``: the dashboard's default)."""

    def __init__(self, message: str, zh: str | None = None) -> None:
        super().__init__(message)
        self.zh = zh or message

    def text(self, lang: str) -> str:
        """The reason in ``lang`` (``zh`` or ``en``)."""
        return self.zh if lang == "zh" else str(self)


def field_zh(layer: str, field: str) -> str:
    """A recorded field's Chinese name (the schema's), for a :class:`ChangeError`."""
    if field == ROW:
        return "记录"
    try:
        return LAYERS[layer].column(field).zh
    except KeyError:
        return field


def layer_zh(layer: str) -> str:
    """A layer's Chinese name (the schema's)."""
    return LAYERS[layer].zh if layer in LAYERS else layer


@dataclass(frozen=True)
class FieldChange:
    """Set ``field`` of one record (``None`` clears it); ``field`` :data:`ROW` adds (value
    :data:`CREATED`) or removes (``None``) the record itself."""

    layer: str
    record_key: str
    field: str
    value: object


# ----------------------------------------------------------------------------- building changes
def indicator_change(
    ws: Workspace, village_code: str, field: str, value: object, changed_at: str
) -> list[FieldChange]:
    """Set a village's indicator from the year of ``changed_at`` on (a road paved: True).

    The village's row for that year is added, copied from its latest earlier row, when there is
    none: the change must not rewrite earlier years.
    """
    _check_date(changed_at)
    if field not in INDICATOR_FIELDS:
        raise ChangeError(
            f"{field!r} is not an indicator; use one of {', '.join(INDICATOR_FIELDS)}",
            f"「{field}」不是可登记的指标",
        )
    if str(village_code) not in set(ws.villages["code"].astype(str)):
        raise ChangeError(
            f"no village with code {village_code}", f"没有代码为 {village_code} 的行政村"
        )
    year = int(changed_at[:4])
    key = f"{village_code}/{year}"
    if _find(ws["indicators"], "indicators", key) is not None:
        return [FieldChange("indicators", key, field, value)]
    rows = ws["indicators"]
    earlier = (rows["village_code"].astype(str) == str(village_code)) & (rows["year"] < year)
    if not earlier.fillna(False).any():
        # the new year's row starts from the latest earlier one: with none, every other
        # indicator of the village would be blank (and the row refused field by field)
        raise ChangeError(
            f"village {village_code} has no indicators for {year} or an earlier year to start "
            "from; import its indicators first",
            f"行政村 {village_code} 没有 {year} 年或更早年度的指标可作起点；请先导入该村的指标",
        )
    return [
        FieldChange("indicators", key, ROW, CREATED),
        FieldChange("indicators", key, field, value),
    ]


def household_exit(ws: Workspace, household_id: str, changed_at: str) -> list[FieldChange]:
    """A poor household exits (脱贫) in the year of ``changed_at``."""
    row = _household(
        ws, household_id, ("未脱贫", "返贫"), ("exit: it is not poor now", "脱贫（当前不是贫困户）")
    )
    year = int(changed_at[:4])
    if pd.notna(row["identified_year"]) and year < int(row["identified_year"]):
        raise ChangeError(
            f"household {household_id} was identified in {row['identified_year']}",
            f"农户 {household_id} 于 {row['identified_year']} 年识别，不能在此之前脱贫",
        )
    return [
        FieldChange("households", household_id, "status", "已脱贫"),
        FieldChange("households", household_id, "exit_year", year),
    ]


def household_fell_back(ws: Workspace, household_id: str, changed_at: str) -> list[FieldChange]:
    """An exited household falls back into poverty (返贫) in the year of ``changed_at``."""
    row = _household(
        ws, household_id, ("已脱贫",), ("fall back: it has not exited", "返贫（尚未脱贫）")
    )
    year = int(changed_at[:4])
    if year < int(row["exit_year"]):
        raise ChangeError(
            f"household {household_id} exited in {row['exit_year']}, after {year}",
            f"农户 {household_id} 于 {row['exit_year']} 年脱贫，晚于 {year} 年",
        )
    return [
        FieldChange("households", household_id, "status", "返贫"),
        FieldChange("households", household_id, "return_year", year),
    ]


def household_monitored(
    ws: Workspace, household_id: str, kind: str, changed_at: str
) -> list[FieldChange]:
    """A household comes under 防返贫 monitoring as ``kind`` (脱贫不稳定户, ...)."""
    if kind not in MONITOR_KINDS:
        raise ChangeError(
            f"unknown monitoring kind {kind!r}; use one of {', '.join(MONITOR_KINDS)}",
            f"监测类型「{kind}」不对，可选：{'、'.join(MONITOR_KINDS)}",
        )
    _household(ws, household_id, None, ("", ""))
    return [
        FieldChange("households", household_id, "monitor_kind", kind),
        FieldChange("households", household_id, "monitor_year", int(changed_at[:4])),
    ]


# ----------------------------------------------------------------------------- recording
def record(
    ws: Workspace,
    kind: str,
    changes: Sequence[FieldChange],
    *,
    changed_at: str,
    recorded_at: str,
    note: str = "",
) -> dict[str, pd.DataFrame]:
    """The layers to write for one change: the changed layers and the history with its rows.

    Raises :class:`ChangeError` for a bad date, an unknown record, or a change effective before
    one already recorded for the same field.
    """
    if kind not in CHANGE_KINDS or kind == "undo":
        raise ChangeError(f"unknown kind of change {kind!r}", f"未知的变更类型「{kind}」")
    _check_date(changed_at)
    history = ws["history"]
    for c in changes:
        later = history[
            (history["layer"] == c.layer)
            & (history["record_key"] == c.record_key)
            & (history["field"] == c.field)
            & (history["changed_at"] > changed_at)
        ]
        if len(later):
            when = later["changed_at"].max()
            raise ChangeError(
                f"{c.record_key} {c.field}: a change effective {when} is "
                f"already recorded; undo it first or date this one from then",
                f"{c.record_key} 的「{field_zh(c.layer, c.field)}」已登记了 {when} 生效的变更；"
                "请先撤销那一条，或把本次变更的日期定在其后",
            )
    result = _commit(ws, kind, changes, changed_at, recorded_at, note, reverts=None)
    added = result["history"].iloc[len(history) :]
    if (added["old_value"].fillna("\0") == added["new_value"].fillna("\0")).all():
        c = changes[-1]
        raise ChangeError(
            f"nothing changes: {c.record_key} {c.field} is already {value_text(c.value)}",
            f"没有变化：{c.record_key} 的「{field_zh(c.layer, c.field)}」已是 "
            f"{_shown(value_text(c.value))}",
        )
    return result


def undo(
    ws: Workspace, change_id: str, *, recorded_at: str, note: str = ""
) -> dict[str, pd.DataFrame]:
    """The layers to write to undo ``change_id``: a new change setting its fields back."""
    history = ws["history"]
    rows = history[history["change_id"] == change_id]
    if rows.empty:
        raise ChangeError(f"no recorded change {change_id}", f"没有编号为 {change_id} 的变更")
    if (history["reverts"] == change_id).any():
        raise ChangeError(
            f"change {change_id} has already been undone", f"变更 {change_id} 已经撤销过"
        )
    for r in rows.itertuples():
        _check_restorable(r)
        last = history[
            (history["layer"] == r.layer)
            & (history["record_key"] == r.record_key)
            & (history["field"] == r.field)
        ].iloc[-1]
        if last["change_id"] != change_id:
            raise ChangeError(
                f"{r.record_key} {r.field} was changed again by {last['change_id']}; "
                "undo that first",
                f"{r.record_key} 的「{field_zh(r.layer, r.field)}」后来又被变更 "
                f"{last['change_id']} 改过；请先撤销那一条",
            )
    back: list[FieldChange] = []
    for r in reversed(list(rows.itertuples())):
        if r.field == ROW and r.new_value == CREATED:
            # A record removed by an undo must come back whole when the undo is itself
            # replayed backwards, so its fields are cleared as changes before the row goes
            # (those this change set are already set back above).
            mine = set(rows.loc[rows["record_key"] == r.record_key, "field"])
            back += [
                c for c in _clear_fields(ws[r.layer], r.layer, r.record_key) if c.field not in mine
            ]
        back.append(
            FieldChange(r.layer, r.record_key, r.field, _value(r.layer, r.field, r.old_value))
        )
    changed_at = str(rows["changed_at"].max())
    return _commit(ws, "undo", back, changed_at, recorded_at, note, reverts=change_id)


def _check_restorable(r) -> None:
    """Refuse to bring back a removed record whose geometry the history does not keep."""
    if r.field == ROW and pd.isna(r.new_value) and LAYERS[r.layer].geometry is not None:
        shape, shape_zh = ("boundary", "边界") if r.layer == "villages" else ("location", "位置")
        raise ChangeError(
            f"{r.layer} record {r.record_key} was removed with its {shape}, which the history "
            "does not keep; import it again instead",
            f"{layer_zh(r.layer)} {r.record_key} 删除时连同其{shape_zh}一起删除，"
            "变更记录不保存图形，无法恢复；请重新导入",
        )


def _commit(ws, kind, changes, changed_at, recorded_at, note, reverts) -> dict[str, pd.DataFrame]:
    layers = {name: ws[name] for name in {c.layer for c in changes}}
    layers, done = _apply(layers, changes)
    history = ws["history"]
    change_id = f"C{history['change_id'].nunique() + 1:05d}"
    rows = pd.DataFrame(
        [
            {
                "change_id": change_id,
                "changed_at": changed_at,
                "recorded_at": recorded_at,
                "kind": kind,
                "layer": c.layer,
                "record_key": c.record_key,
                "field": c.field,
                "old_value": old,
                "new_value": new,
                "note": note.strip() or None,
                "reverts": reverts,
            }
            for c, old, new in done
        ]
    )
    # in the history's storage dtypes, so the layer keeps its form and only these rows are
    # prepared for storage
    rows = coerce(LAYERS["history"], rows.reindex(columns=history.columns))
    frames = [f for f in (history, rows) if len(f)]
    return {**layers, "history": pd.concat(frames, ignore_index=True) if frames else rows}


# ----------------------------------------------------------------------------- replay
def state_at(ws: Workspace, date: str) -> Workspace:
    """The workspace as it stood at the end of ``date`` (YYYY-MM-DD): every change effective
    later is reverted, newest recorded first."""
    _check_date(date)
    history = ws["history"]
    later = history[history["changed_at"] > date]
    later = later[_replayed(later, ws)]
    if later.empty:
        return ws
    back = [
        FieldChange(r.layer, r.record_key, r.field, _value(r.layer, r.field, r.old_value))
        for r in reversed(list(later.itertuples()))
    ]
    names = set(later["layer"])
    layers, _ = _apply({name: ws[name] for name in names}, back)
    return Workspace({**ws.layers, **layers}, ws.meta)


def _replayed(rows: pd.DataFrame, ws: Workspace) -> pd.Series:
    """Which history ``rows`` a replay reverts: all but a village's addition or removal and
    the changes of villages no longer in the workspace (a past date shows today's villages)."""
    villages = rows["layer"] == "villages"
    if not villages.any():
        return pd.Series(True, index=rows.index)
    present = set(record_keys(ws["villages"], "villages"))
    kept = (rows["field"] != ROW) & rows["record_key"].isin(present)
    return ~villages | kept


def changes_table(
    history: pd.DataFrame,
    label: Callable[[str, str], str] = lambda layer, field: field,
    shown: Callable[[str | None], str] | None = None,
) -> pd.DataFrame:
    """One row per recorded change, newest first: change_id, changed_at, recorded_at, kind,
    layer, record_key, what (``field: old → new; ...``, fields named by ``label(layer,
    field)`` and values by ``shown(text)``), note, reverts, undone."""
    shown = shown or _shown
    if history.empty:
        cols = ["change_id", "changed_at", "recorded_at", "kind", "layer", "record_key", "what"]
        cols.append("note")
        return pd.DataFrame(columns=[*cols, "reverts", "undone"])
    undone = set(history["reverts"].dropna())
    out = []
    for change_id, rows in history.groupby("change_id", sort=False):
        first = rows.iloc[0]
        what = "; ".join(
            f"{label(r.layer, r.field)}: {shown(r.old_value)} → {shown(r.new_value)}"
            for r in rows.itertuples()
            if r.field != ROW
        )
        out.append(
            {
                "change_id": change_id,
                "changed_at": first["changed_at"],
                "recorded_at": first["recorded_at"],
                "kind": first["kind"],
                "layer": first["layer"],
                "record_key": first["record_key"],
                "what": what,
                "note": first["note"],
                "reverts": first["reverts"],
                "undone": change_id in undone,
            }
        )
    return pd.DataFrame(out).iloc[::-1].reset_index(drop=True)


# ----------------------------------------------------------------------------- internals
def _apply(
    layers: dict[str, pd.DataFrame], changes: Sequence[FieldChange]
) -> tuple[dict[str, pd.DataFrame], list[tuple[FieldChange, str | None, str | None]]]:
    """Apply ``changes`` to copies of ``layers``; return them and (change, old, new) texts.

    Replaying a large import reverts thousands of changes: records are found through one
    key → label map per layer and removed rows dropped once at the end, so a replay costs
    about one pass over the changes rather than one pass over the layer per change.
    """
    out = {name: frame.copy() for name, frame in layers.items()}
    labels: dict[str, dict[str, object]] = {}
    removed: dict[str, set] = {name: set() for name in out}
    pending: dict[tuple[str, str], dict[object, str | None]] = {}
    added: set[str] = set()
    done = []
    for c in changes:
        if c.layer not in labels:
            wanted = (k.record_key for k in changes if k.layer == c.layer)
            labels[c.layer] = _labels(out[c.layer], c.layer, wanted)
        keys = labels[c.layer]
        at = keys.get(c.record_key)
        if c.field == ROW:
            if c.value is None:  # remove the row
                if at is None:
                    raise ChangeError(
                        f"no {c.layer} record {c.record_key} to remove",
                        f"{layer_zh(c.layer)}中没有 {c.record_key}，无从删除",
                    )
                removed[c.layer].add(at)
                del keys[c.record_key]
                done.append((c, CREATED, None))
            else:
                if at is not None:
                    raise ChangeError(
                        f"{c.layer} record {c.record_key} exists already",
                        f"{layer_zh(c.layer)}中已有 {c.record_key}",
                    )
                live = out[c.layer].drop(index=list(removed[c.layer]))
                row = _new_row(live, c.layer, c.record_key)
                label = _next_label(out[c.layer])
                row.index = [label]
                out[c.layer] = pd.concat([out[c.layer], row])
                keys[c.record_key] = label
                added.add(c.layer)
                done.append((c, None, CREATED))
            continue
        if at is None:
            raise ChangeError(
                f"no {c.layer} record {c.record_key}", f"{layer_zh(c.layer)}中没有 {c.record_key}"
            )
        # Writes wait in ``pending`` and go in one assignment per field at the end: setting
        # one cell of an Arrow-backed column costs as much as setting thousands.
        cells = pending.setdefault((c.layer, c.field), {})
        old = cells[at] if at in cells else value_text(out[c.layer].at[at, c.field])
        cells[at] = value_text(c.value)
        done.append((c, old, value_text(c.value)))
    for (name, fld), cells in pending.items():
        live = {at: text for at, text in cells.items() if at not in removed[name]}
        if live:
            values = [_value(name, fld, text) for text in live.values()]
            column = out[name][fld]
            try:
                typed = pd.Series(values, index=list(live), dtype=column.dtype)
            except (TypeError, ValueError):  # e.g. a missing value in a plain bool column
                typed = pd.Series(values, index=list(live), dtype=object)
            out[name].loc[list(live), fld] = typed
    for name, gone in removed.items():
        if gone:
            out[name] = out[name].drop(index=list(gone))
    for name in added:
        out[name] = coerce(LAYERS[name], out[name].reset_index(drop=True))
    return out, done


def record_keys(frame: pd.DataFrame, layer: str) -> pd.Series:
    """The history's record key of every row: its key columns joined by ``/`` (``household_id``;
    ``village_code/year``; a village's ``code``; ``visit_id`` …)."""
    if layer not in RECORDED:
        raise ChangeError(
            f"changes to {layer} are not recorded", f"{layer_zh(layer)}的变更不记入变更记录"
        )
    if layer == "indicators":
        return frame["village_code"].astype(str) + "/" + frame["year"].astype("Int64").astype(str)
    key = LAYERS[layer].key
    out = frame[key[0]].astype(str)
    for col in key[1:]:
        out = out + "/" + frame[col].astype(str)
    return out


#: Above this many keys looked up, the whole layer's key map is built at once.
_FEW_KEYS = 64


def _labels(frame: pd.DataFrame, layer: str, wanted: Iterable[str] | None = None) -> dict:
    """Record key → index label of the records of ``frame``: every one, or those among the
    record keys ``wanted`` (found through the key's first column, when they are few)."""
    wanted = None if wanted is None else set(wanted)
    if wanted is not None and len(wanted) <= _FEW_KEYS:
        # a household exit looks up one key: building the map of 300,000 households for it
        # cost a tenth of a second
        first = LAYERS[layer].key[0]
        several = len(LAYERS[layer].key) > 1
        heads = {key.split("/")[0] if several else key for key in wanted}
        frame = frame[frame[first].astype("string").isin(heads).to_numpy(dtype=bool)]
    # through numpy: iterating an Arrow-backed string column element by element costs 0.2 s
    # at a county's 60,000 households, for every recorded change
    keys = record_keys(frame, layer).to_numpy(dtype=object)
    return dict(zip(keys, frame.index.tolist(), strict=True))


def _next_label(frame: pd.DataFrame) -> int:
    numeric = pd.to_numeric(pd.Series(frame.index), errors="coerce")
    return int(numeric.max()) + 1 if numeric.notna().any() else len(frame)


def _new_row(frame: pd.DataFrame, layer: str, key: str) -> pd.DataFrame:
    """A record to add under ``key``: a village's indicators for a year start from its latest
    earlier row (the change must not rewrite earlier years); a household (or a village) starts
    empty and its fields follow as changes of their own."""
    if layer != "indicators":
        spec = LAYERS[layer]
        row = pd.DataFrame(empty_frame(spec)).reindex(index=[0])
        parts = key.split("/") if len(spec.key) > 1 else [key]
        for col, part in zip(spec.key, parts, strict=True):
            row[col] = part
        for col in spec.columns:
            if col.kind == "bool":  # flags cannot be missing: a new record says no
                row[col.name] = False
        return coerce(spec, row)
    code, year = key.split("/")
    earlier = frame[(frame["village_code"] == code) & (frame["year"] < int(year))]
    if len(earlier):
        row = earlier.sort_values("year").iloc[[-1]].copy()
    else:
        row = empty_frame(LAYERS["indicators"]).reindex(index=[0])
        row["village_code"] = code
    row["year"] = int(year)
    return coerce(LAYERS["indicators"], row)


def _find(frame: pd.DataFrame, layer: str, key: str):
    """Index label of the record ``key`` in ``frame`` (``None`` when absent)."""
    return _labels(frame, layer, [key]).get(key)


def _clear_fields(frame: pd.DataFrame, layer: str, key: str) -> list[FieldChange]:
    """Changes setting a record's fields to what a new record of ``key`` starts with."""
    at = _find(frame, layer, key)
    if at is None:
        return []
    start = _new_row(frame.drop(index=at), layer, key).iloc[0]
    return [
        FieldChange(layer, key, f, start[f])
        for f in LAYERS[layer].names
        if f not in LAYERS[layer].key and value_text(frame.at[at, f]) != value_text(start[f])
    ]


def _household(ws: Workspace, household_id: str, statuses, why: tuple[str, str]) -> pd.Series:
    """The household's row; ``why`` (English, Chinese) is what a wrong status cannot do."""
    hh = ws.households
    hit = hh[hh["household_id"] == household_id]
    if hit.empty:
        raise ChangeError(f"no household {household_id}", f"没有户编号为 {household_id} 的农户")
    row = hit.iloc[0]
    if statuses is not None and row["status"] not in statuses:
        raise ChangeError(
            f"household {household_id} is {row['status']}: cannot {why[0]}",
            f"农户 {household_id} 现为{row['status']}，不能{why[1]}",
        )
    return row


def value_text(value: object) -> str | None:
    """A value as history stores it: text, ``None`` for missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else str(value)
    return str(value)


def _value(layer: str, field: str, text: str | None) -> object:
    """The stored text of ``field`` back in the layer's dtype."""
    if text is None or pd.isna(text):
        return None
    if field == ROW:
        return text
    return _typed(layer, field, str(text))


@functools.lru_cache(maxsize=4096)
def _typed(layer: str, field: str, text: str) -> object:
    # A replay converts the same few texts (statuses, years) thousands of times; converting
    # goes through the layer's own coercion, which is slow for one value, so remember it.
    frame = coerce(LAYERS[layer], pd.DataFrame({field: pd.Series([text], dtype="string")}))
    return frame[field].iloc[0]


def _shown(text: str | None) -> str:
    return "—" if text is None or pd.isna(text) else str(text)


def _check_date(date: str) -> None:
    if not isinstance(date, str) or not _DATE.match(date):
        raise ChangeError(
            f"dates are written YYYY-MM-DD (got {date!r})",
            f"日期应写作 YYYY-MM-DD（现为 {date!r}）",
        )
    try:
        pd.Timestamp(date)
    except ValueError as exc:
        raise ChangeError(f"{date} is not a date", f"{date} 不是有效日期") from exc
