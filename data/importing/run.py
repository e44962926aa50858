"""Bring a file into a workspace: read it, check every row against the workspace, write once.

An import is one transaction. A fatal problem (unreadable file, no matching headers, a CRS
that cannot be decided) changes nothing. Rows that cannot be taken are reported one by one,
with the reason in Chinese and English; the good rows go in only when the caller accepts a
partial import. The write itself is :func:`~township_atlas.geo.workspace.update_workspace`
(or :func:`~township_atlas.geo.workspace.write_workspace` for a new workspace): locked,
validated and atomic, so a killed process leaves the workspace as it was.

Exit codes follow ``township-atlas import``: 0 every row taken (or nothing to change), 3 some
rows rejected (written only with ``accept_partial``), 2 nothing taken.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ...geo.schema import LAYERS, WGS84
from ...geo.validate import coerce, problems
from ...geo.workspace import (
    Workspace,
    read_workspace,
    transact,
    update_workspace,
    validate_workspace,
)
from .errors import Note
from .history import RECORDED_LAYERS, record_import
from .personal_guard import name_checked_fields, refuse_personal_fields
from .tables import TABLE_KINDS
from .vector import (
    ImportFailed,
    outside_outline,
    outside_reason,
    outside_share,
    read_boundaries,
)

#: Boundary kinds ``township-atlas import`` takes from vector files.
BOUNDARY_KINDS = ("villages", "township")
#: The road network, taken from line files (:func:`import_roads`).
ROAD_KIND = "roads"
#: Rows of a file shown before it goes in.
SAMPLE_ROWS = 10
#: Counts a boundary file may lack; a new village gets 0 and a note says to fill them in.
_COUNTS = ("population", "households", "villager_groups")


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did: rows ``taken`` and ``rejected`` (source_row, reason_zh, reason_en,
    the row's values), ``notes`` (zh, en), whether the workspace was ``written`` and the
    command's ``exit_code``."""

    kind: str
    taken: int
    rejected: pd.DataFrame
    notes: list[Note] = field(default_factory=list)
    written: bool = False
    created: bool = False
    unchanged: bool = False
    #: Every header of the file, and those recognised (source header → field).
    headers: tuple[str, ...] = ()
    columns_found: Mapping[str, str] = field(default_factory=dict)
    #: How the coordinates were read (boundaries and point files).
    crs: str | None = None
    #: The first rows as they would go in (no geometry, no personal data).
    sample: pd.DataFrame | None = None
    #: A dry run: nothing was to be written, whatever the other fields say would happen.
    dry_run: bool = False
    #: What a recorded import changes (zh, en), e.g. households added and updated.
    changes: Note | None = None
    #: Why the result looks implausible (needs ``confirm_large`` to be written).
    large: tuple[Note, ...] = ()
    #: Rows taken with a warning or merged into another (same columns as ``rejected``): an
    #: exact repeat of a person, a 人数 that disagrees with the person rows.
    warnings: pd.DataFrame | None = None

    def report(self) -> dict[str, pd.DataFrame]:
        """The import report, every row not taken or not taken as it was: one sheet each."""
        out = {"未导入的行 rejected": self.rejected}
        if self.warnings is not None and len(self.warnings):
            out["合并或有提示的行 warnings"] = self.warnings
        return out

    def report_table(self) -> pd.DataFrame:
        """:meth:`report` as one table, with an ``outcome`` column saying which list."""
        parts = [frame.assign(outcome=name) for name, frame in self.report().items() if len(frame)]
        return pd.concat(parts, ignore_index=True) if parts else self.rejected

    @property
    def exit_code(self) -> int:
        if self.taken == 0 and not self.unchanged:
            return 2
        return 3 if len(self.rejected) else 0

    def as_dict(self, first: int = 10) -> dict:
        """JSON-ready counts, notes and the first rejections."""
        cols = ["source_row", "reason_zh", "reason_en"]
        return {
            "kind": self.kind,
            "taken": self.taken,
            "rejected": len(self.rejected),
            "written": self.written,
            "created": self.created,
            "unchanged": self.unchanged,
            "dry_run": self.dry_run,
            "exit_code": self.exit_code,
            "columns": dict(self.columns_found),
            "crs": self.crs,
            "notes": [{"zh": zh, "en": en} for zh, en in self.notes],
            "needs_confirmation": [{"zh": zh, "en": en} for zh, en in self.large],
            "first_rejections": self.rejected[cols].head(first).to_dict("records")
            if len(self.rejected)
            else [],
            "warnings": 0 if self.warnings is None else len(self.warnings),
            "first_warnings": self.warnings[cols].head(first).to_dict("records")
            if self.warnings is not None and len(self.warnings)
            else [],
        }


def import_boundaries(
    workspace: str | os.PathLike,
    source: str | os.PathLike,
    kind: str,
    *,
    crs: str | None = None,
    columns: Mapping[str, str] | None = None,
    accept_partial: bool = False,
    dry_run: bool = False,
    confirm_large: bool = False,
) -> ImportOutcome:
    """Import village or township boundaries into ``workspace`` (created when absent).

    Villages already in the workspace keep what the file does not say (their counts, poverty
    status, exit years); new villages need a code and a name, and counts the file lacks start
    at 0 with a note. Villages outside the township outline are rejected. ``dry_run`` checks
    everything and writes nothing. Past :func:`implausible` limits nothing is written
    unless ``confirm_large``.

    Into an existing workspace, every village attribute the file changes (poor village, exit
    year, name …) and every village it adds is recorded in the change history (kind
    ``import``), so the import can be undone and past years replay; a changed boundary is
    written and counted in a note but not recorded.

    The change is worked out inside the locked transaction, from the workspace as it is at
    that moment: two imports at once both land (neither is computed from a stale read).
    """
    if kind not in BOUNDARY_KINDS:
        raise ImportFailed(f"不能导入「{kind}」", f"cannot import {kind!r} boundaries")
    read = read_boundaries(source, kind, crs=crs, columns=columns)
    target = Path(workspace)
    current = read_workspace(target) if target.exists() else None
    outcome, layers = _boundary_plan(read, current, kind, dry_run=dry_run)
    if outcome.unchanged:
        return outcome
    stamp = _stamp(source)
    if dry_run:
        if layers:
            codes = _file_codes(read, outcome)
            outcome = _recorded(outcome, current, layers, kind, codes, stamp)[0]
        return _with_large(outcome, current, layers, kind)
    if not layers or (len(outcome.rejected) and not accept_partial):
        return outcome  # nothing can be taken: the workspace is not even locked
    said: list[tuple[ImportOutcome, bool]] = []

    def change(ws: Workspace | None) -> dict[str, pd.DataFrame]:
        outcome, layers = _boundary_plan(read, ws, kind, dry_run=False)
        said.append((outcome, ws is None))
        if not layers or (len(outcome.rejected) and not accept_partial):
            return {}
        if ws is not None and _same(ws[kind], layers[kind], kind):
            said[-1] = (replace(outcome, unchanged=True), False)
            return {}
        outcome = _with_large(outcome, ws, layers, kind, confirm=confirm_large)
        if ws is None:  # a new workspace: its first villages are where history starts
            said[-1] = (outcome, True)
            return layers
        outcome, written = _recorded(outcome, ws, layers, kind, _file_codes(read, outcome), stamp)
        said[-1] = (outcome, False)
        return written

    written = transact(target, change, created_meta={"imported_from": Path(source).name})
    outcome, created = said[-1]
    return replace(outcome, written=written, created=written and created)


def _boundary_plan(
    read, current: Workspace | None, kind: str, *, dry_run: bool
) -> tuple[ImportOutcome, dict[str, pd.DataFrame]]:
    """What importing ``read`` into ``current`` does: the outcome, and the layers to write
    (none when no row can be taken)."""
    notes = list(read.notes)
    rejected = [read.rejected]
    frame = read.frame
    if kind == "villages" and current is not None and len(current.township):
        outside = outside_outline(frame, current.township)
        if outside.any():
            share = outside_share(frame[outside], current.township)
            rejected.append(_rejections(frame[outside], [outside_reason(s) for s in share]))
            frame = frame[~outside]
    layers: dict[str, pd.DataFrame] = {}
    if len(frame):
        layers, more_notes = _merged(current, frame, kind)
        # Whatever the workspace as a whole refuses (a bad value, a duplicate) is a rejected row.
        bad = _row_problems(layers, kind, frame)
        if bad:
            rows = frame.iloc[sorted(bad)]
            rejected.append(_rejections(rows, [bad[i] for i in sorted(bad)]))
            keep = [i for i in range(len(frame)) if i not in bad]
            frame = frame.iloc[keep]
            layers, more_notes = _merged(current, frame, kind) if len(frame) else ({}, [])
        notes += more_notes
    rejected_frame = (
        pd.concat([r for r in rejected if len(r)], ignore_index=True)
        if any(len(r) for r in rejected)
        else read.rejected.iloc[:0]
    )
    outcome = ImportOutcome(
        kind,
        len(frame),
        rejected_frame,
        notes,
        headers=tuple(read.headers),
        columns_found=dict(read.columns_found),
        crs=read.crs_used,
        sample=pd.DataFrame(frame.drop(columns="geometry")).head(SAMPLE_ROWS),
        dry_run=dry_run,
    )
    if layers and current is not None and _same(current[kind], layers[kind], kind):
        outcome = replace(outcome, unchanged=True)
    return outcome, layers


# ----------------------------------------------------------------------------- plausibility
#: Past these an import needs explicit confirmation (``--confirm-large``, the page's tick):
#: a county has a few hundred villages and tens of thousands of registered households, a
#: township tens of villages. A real county (300 villages, 60,000 households) passes.
MAX_VILLAGES = 1_000
MAX_VILLAGES_PER_TOWNSHIP = 150
MAX_HOUSEHOLDS = 200_000


def implausible(layers: Mapping[str, pd.DataFrame], changed: Sequence[str]) -> list[Note]:
    """Why the workspace ``layers`` (after an import changing ``changed``) look wrong: more
    villages than a county has, hundreds under one township code, more households or
    registered people than the township has people. Empty when nothing is implausible."""
    out: list[Note] = []
    villages = layers.get("villages")
    if "villages" in changed and villages is not None and len(villages):
        n = len(villages)
        if n > MAX_VILLAGES:
            out.append(
                (
                    f"工作空间将有 {n:,} 个村，超过一个县的村数（上限 {MAX_VILLAGES:,}）",
                    f"the workspace would hold {n:,} villages, more than a county has "
                    f"(limit {MAX_VILLAGES:,})",
                )
            )
        per = villages["code"].astype(str).str[:9].value_counts()
        if len(per) and per.iloc[0] > MAX_VILLAGES_PER_TOWNSHIP:
            out.append(
                (
                    f"乡镇代码 {per.index[0]} 下有 {per.iloc[0]:,} 个村"
                    f"（一个乡镇通常只有几十个，上限 {MAX_VILLAGES_PER_TOWNSHIP}）",
                    f"township code {per.index[0]} has {per.iloc[0]:,} villages (a township "
                    f"has tens; limit {MAX_VILLAGES_PER_TOWNSHIP})",
                )
            )
    households = layers.get("households")
    if "households" in changed and households is not None and len(households):
        n = len(households)
        people = int(pd.to_numeric(households.get("size"), errors="coerce").fillna(0).sum())
        population = _population(layers)
        if n > MAX_HOUSEHOLDS:
            out.append(
                (
                    f"工作空间将有 {n:,} 户建档立卡户（上限 {MAX_HOUSEHOLDS:,}）",
                    f"the workspace would hold {n:,} registered households "
                    f"(limit {MAX_HOUSEHOLDS:,})",
                )
            )
        if population and max(n, people) > population:
            out.append(
                (
                    f"建档立卡 {n:,} 户 {people:,} 人，多于乡镇户籍人口 {population:,} 人",
                    f"{n:,} registered households of {people:,} people: more than the "
                    f"township's population of {population:,}",
                )
            )
    return out


def _population(layers: Mapping[str, pd.DataFrame]) -> int:
    """The township's population: its outline's, else the sum of its villages' (0: unknown)."""
    for name in ("township", "villages"):
        frame = layers.get(name)
        if frame is not None and "population" in frame and len(frame):
            total = int(pd.to_numeric(frame["population"], errors="coerce").fillna(0).sum())
            if total:
                return total
    return 0


def _large_failed(found: list[Note]) -> ImportFailed:
    zh = "；".join(z for z, _ in found)
    en = "; ".join(e for _, e in found)
    return ImportFailed(
        f"{zh}。数据可能有误；确认无误请加 --confirm-large（数据导入页：勾选确认）后再导入",
        f"{en}. The data may be wrong; if it is right, import again with --confirm-large "
        "(the Data page: tick the confirmation)",
    )


def _with_large(
    outcome: ImportOutcome,
    current: Workspace | None,
    layers: Mapping[str, pd.DataFrame],
    kind: str,
    *,
    confirm: bool = False,
) -> ImportOutcome:
    """``outcome`` with the implausibilities of writing ``layers`` (a layer or several, over
    ``current``) among its notes; a real import without ``confirm`` raises
    :class:`ImportFailed` instead, so nothing is written."""
    if not layers:
        return outcome
    after = {**(dict(current.layers) if current is not None else {}), **layers}
    found = implausible(after, list(layers))
    if not found:
        return outcome
    if not outcome.dry_run and not confirm:
        raise _large_failed(found)
    return replace(outcome, notes=[*outcome.notes, *found], large=tuple(found))


def _merged(current: Workspace | None, frame: gpd.GeoDataFrame, kind: str):
    """The layers to write: the file's rows over the workspace's, missing columns filled."""
    notes: list[Note] = []
    layer = LAYERS[kind]
    incoming = frame.reset_index(drop=True)
    old = current[kind] if current is not None else None
    if old is not None and len(old):
        by_code = old.set_index(old["code"].astype(str))
        for col in layer.names:
            if col in incoming.columns and incoming[col].notna().all():
                continue
            known = incoming["code"].map(by_code[col]) if col in by_code else None
            if known is not None:
                incoming[col] = incoming[col].fillna(known) if col in incoming else known
        others = old[~old["code"].astype(str).isin(set(incoming["code"].astype(str)))]
    else:
        others = None
    filled = _defaults(incoming, kind, notes)
    merged = (
        filled
        if others is None or others.empty
        else gpd.GeoDataFrame(pd.concat([others, filled], ignore_index=True), crs=WGS84)
    )
    layers: dict[str, pd.DataFrame] = dict(current.layers) if current is not None else {}
    layers[kind] = merged
    if kind == "villages" and (current is None or not len(current.township)):
        layers["township"] = _outline_from(merged, notes)
    return layers, notes


def _file_codes(read, outcome: ImportOutcome) -> list[str]:
    """The codes of the file's villages that are taken (the rows not rejected)."""
    frame = read.frame
    taken = ~frame.index.isin(outcome.rejected["source_row"].to_numpy())
    return list(frame.loc[taken, "code"].astype(str))


def _recorded(
    outcome: ImportOutcome,
    ws: Workspace | None,
    layers: Mapping[str, pd.DataFrame],
    kind: str,
    codes: Sequence[str],
    stamp: Mapping[str, str],
) -> tuple[ImportOutcome, dict[str, pd.DataFrame]]:
    """The layers a boundary import writes over ``ws`` and ``outcome`` saying what changed.

    A villages import records each attribute it changes and each village it adds in the
    history (like a register: undoable, replayed for past years); boundaries are too big to
    keep as history values, so a note only counts the villages whose boundary changed.
    """
    out = {kind: layers[kind], **_extra(layers, kind)}
    if ws is None or kind not in RECORDED_LAYERS:
        return outcome, out
    done = record_import(ws, kind, layers[kind], codes, **stamp)
    if "history" in done.layers:
        out["history"] = done.layers["history"]
    notes = [done.summary]
    reshaped = _reshaped(ws[kind], layers[kind])
    if reshaped:
        notes.append(
            (
                f"{reshaped} 个村的边界已更新(边界不记入变更记录,撤销导入不恢复原边界)",
                f"{reshaped} village boundar{'y' if reshaped == 1 else 'ies'} updated "
                "(boundaries are not in the history: undoing the import keeps the new ones)",
            )
        )
    return replace(outcome, notes=[*outcome.notes, *notes], changes=done.summary), out


def _reshaped(old: gpd.GeoDataFrame, new: gpd.GeoDataFrame) -> int:
    """How many villages of ``old`` have another boundary in ``new`` (matched by code)."""
    before = old.geometry.set_axis(old["code"].astype(str))
    after = new.geometry.set_axis(new["code"].astype(str))
    both = after.index.intersection(before.index)
    if not len(both):
        return 0
    a = gpd.GeoSeries(before.loc[both].to_numpy(), crs=WGS84)
    b = gpd.GeoSeries(after.loc[both].to_numpy(), crs=WGS84)
    return int((~a.geom_equals_exact(b, tolerance=1e-9)).sum())


def _defaults(frame: gpd.GeoDataFrame, kind: str, notes: list[Note]) -> gpd.GeoDataFrame:
    out = frame.copy()
    if kind == "villages":
        zero = [c for c in _COUNTS if c not in out or out[c].isna().any()]
        for col in zero:
            out[col] = _filled(out[col], 0) if col in out else 0
        if zero:
            names = "、".join(LAYERS["villages"].column(c).zh for c in zero)
            notes.append(
                (
                    f"文件中没有{names}:新村记为 0,请补充后再导入",
                    f"the file has no {', '.join(zero)}: new villages start at 0; fill them in",
                )
            )
        defaults = {
            "vintage": date.today().year,
            "poor_village": False,
            "pilot": False,
            "illustrative": False,
        }
    else:
        defaults = {
            "county": "",
            "city": "",
            "province": "",
            "population": 0,
            "villager_groups": 0,
            "illustrative": False,
        }
    for col, value in defaults.items():
        out[col] = _filled(out[col], value) if col in out else value
    return out


def _filled(values: pd.Series, value: object) -> pd.Series:
    """``values`` with ``value`` where empty, whatever their dtype (a column taken from the
    workspace is Arrow-typed and refuses a fill of another type: 2023 into a text vintage)."""
    try:
        return values.fillna(value)
    except (TypeError, ValueError, ArithmeticError):  # pyarrow's ArrowInvalid is a ValueError
        return values.astype(object).where(values.notna(), value)


def _outline_from(villages: gpd.GeoDataFrame, notes: list[Note]) -> gpd.GeoDataFrame:
    """No township outline imported: the union of the villages stands in for it."""
    code = str(villages["code"].iloc[0])[:9]
    notes.append(
        (
            "未导入乡镇界:以各村边界的合并作为乡镇界",
            "no township outline imported: the union of the villages stands in for it",
        )
    )
    return gpd.GeoDataFrame(
        {
            "code": [code],
            "name": [f"乡镇 {code}"],
            "county": ["未填写"],
            "city": ["未填写"],
            "province": ["未填写"],
            "population": [int(pd.to_numeric(villages["population"]).sum())],
            "villager_groups": [int(pd.to_numeric(villages["villager_groups"]).sum())],
            "illustrative": [False],
        },
        geometry=[villages.to_crs(WGS84).union_all()],
        crs=WGS84,
    )


def _row_problems(layers, kind: str, frame: gpd.GeoDataFrame) -> dict[int, tuple[str, str]]:
    """Problems of the file's rows once merged, by position in ``frame``."""
    found = validate_workspace(layers)
    merged = layers[kind]
    offset = len(merged) - len(frame)  # the file's rows come last in the merged layer
    out: dict[int, tuple[str, str]] = {}
    for p in found:
        if p.layer == kind and p.row is not None and p.row >= offset:
            zh = f"{p.field}:{p.message}" if p.field else p.message
            out.setdefault(p.row - offset, (zh, str(p.message)))
    return out


def _rejections(rows: gpd.GeoDataFrame, reasons) -> pd.DataFrame:
    zh = [r[0] if isinstance(r, tuple) else r for r in reasons]
    en = [r[1] if isinstance(r, tuple) else r for r in reasons]
    values = pd.DataFrame(rows.drop(columns="geometry")).astype(str)
    return pd.concat(
        [
            pd.DataFrame({"source_row": rows.index.to_numpy(), "reason_zh": zh, "reason_en": en}),
            values.reset_index(drop=True),
        ],
        axis=1,
    )


def _extra(layers: Mapping[str, pd.DataFrame], kind: str) -> dict[str, pd.DataFrame]:
    return {"township": layers["township"]} if kind == "villages" and "township" in layers else {}


def _same(old: pd.DataFrame, new: pd.DataFrame, kind: str) -> bool:
    """Whether a re-import would change nothing (same rows, values and shapes)."""
    if len(old) != len(new):
        return False
    names = LAYERS[kind].names
    a = coerce(LAYERS[kind], pd.DataFrame(old)[names]).assign(geometry=old.geometry.to_numpy())
    b = coerce(LAYERS[kind], pd.DataFrame(new)[names]).assign(geometry=new.geometry.to_numpy())
    a, b = (
        a.sort_values("code").reset_index(drop=True),
        b.sort_values("code").reset_index(drop=True),
    )
    cols = [c for c in a.columns if c != "geometry"]
    if not a[cols].astype(str).equals(b[cols].astype(str)):
        return False
    ga = gpd.GeoSeries(a.geometry, crs=WGS84)
    gb = gpd.GeoSeries(b.geometry, crs=WGS84)
    return bool(ga.geom_equals_exact(gb, tolerance=1e-9).all())


# ----------------------------------------------------------------------------- tables
#: Tables ``township-atlas import`` takes as CSV or Excel.
TABLE_IMPORT_KINDS = tuple(TABLE_KINDS)


def import_table(
    workspace: str | os.PathLike,
    source: str | os.PathLike,
    kind: str,
    *,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
    crs: str | None = None,
    accept_partial: bool = False,
    dry_run: bool = False,
    confirm_large: bool = False,
) -> ImportOutcome:
    """Import a facilities, stations, relocation sites or indicators table (CSV or Excel).

    Rows are keyed by the layer's key (facility_id, site_id, village_code + year) and put over
    the workspace's rows of the same key; what a row leaves empty keeps the workspace's value.
    Every row the reader or the workspace validation refuses is rejected with its reason; the
    workspace is written (one locked, atomic transaction) only when no row is rejected or the
    caller accepts a partial import. The same file again changes nothing. Indicator changes
    are recorded in the history when ``record`` is given; ``dry_run`` writes nothing.
    """
    from .tables import keep_absent, read_table, rows_to_layer

    if kind not in TABLE_KINDS:
        raise ImportFailed(f"不能导入「{kind}」表", f"cannot import a {kind!r} table")
    target = _existing(workspace)
    read = read_table(source, kind, sheet=sheet, columns=columns)
    current = read_workspace(target)
    rows = rows_to_layer(read, kind, current.villages, crs=crs, outline=current.township)
    layer = read.layer
    notes = list(read.notes) + list(rows.notes)
    rej: dict[int, list[Note]] = {r: list(v) for r, v in rows.rejected.items()}
    # a table may carry only some columns: the others keep what the workspace has
    good = keep_absent(
        rows.frame[~rows.frame.index.isin(list(rej))], current[layer], rows.present, layer
    )
    merged = _upsert(current[layer], good, layer)
    for _ in range(len(good) + 1):  # each pass removes at least one row or ends
        bad = _table_problems({**current.layers, layer: merged}, layer, len(good))
        if not bad:
            break
        for pos, note in bad.items():
            rej.setdefault(int(good.index[pos]), []).append(note)
        good = good[~good.index.isin(list(rej))]
        merged = _upsert(current[layer], good, layer)
    outcome = ImportOutcome(
        kind,
        len(good),
        _table_rejections(read.data, rej),
        notes,
        headers=tuple(read.headers),
        columns_found=dict(read.columns_found),
        crs=rows.crs_used,
        sample=pd.DataFrame(good.drop(columns=["geometry", "_anchored"], errors="ignore")).head(
            SAMPLE_ROWS
        ),
        dry_run=dry_run,
    )
    if not len(good) or (rej and not accept_partial and not dry_run):
        return outcome
    stamp = _stamp(source)

    def change(ws: Workspace) -> tuple[dict[str, pd.DataFrame], Note | None]:
        taken = keep_absent(good, ws[layer], rows.present, layer)  # as the workspace is now
        new = _upsert(ws[layer], taken, layer)
        if layer not in RECORDED_LAYERS:
            return ({} if _same_table(ws[layer], new, layer) else {layer: new}), None
        done = record_import(ws, layer, new, _key_text(good, layer), **stamp)
        return (done.layers, done.summary) if done.changed else ({}, None)

    return _commit(target, current, change, outcome, dry_run, confirm_large)


def import_households(
    workspace: str | os.PathLike,
    source: str | os.PathLike,
    *,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
    accept_partial: bool = False,
    dry_run: bool = False,
    confirm_large: bool = False,
) -> ImportOutcome:
    """Import a household register (Excel or CSV, per person or per household).

    The file's households replace the fields of the workspace's households of the same
    户编号 and new ones are added; households it does not name are kept. ``record`` puts every
    change in the history (so an import can be undone and past years replay); the same
    register again changes nothing. Names and phone numbers are never stored; ID numbers only
    as a keyed hash and a masked form.
    """
    from ...geo.paths import id_key_fingerprint
    from .id_key_guard import check_key, check_legacy, fingerprint_meta, key_in_use
    from .register import read_register

    target = _existing(workspace)
    current = read_workspace(target)
    key = key_in_use()
    fingerprint = id_key_fingerprint(key)
    # names with codes (not a name → code dict): villages of one name in two townships are told
    # apart by the register's 乡(镇) column
    read = read_register(
        source,
        sheet=sheet,
        columns=columns,
        villages=current.villages[["name", "code"]],
        townships=dict(zip(current.township["code"], current.township["name"], strict=True)),
        id_key=key,
    )
    # hashes made with another key than the workspace's would make every household "changed"
    with_ids = read.identity is not None
    if with_ids:
        check_key(current.meta, fingerprint)
    rejected = read.rejected.rename(columns={"row": "source_row"})
    warnings = read.warnings.rename(columns={"row": "source_row"})
    shown = [c for c in read.frame.columns if c != "head_id_hash"]
    outcome = ImportOutcome(
        "households",
        len(read.frame),
        rejected,
        list(read.notes),
        headers=tuple(read.headers),
        columns_found=dict(read.columns_found),
        sample=pd.DataFrame(read.frame[shown]).head(SAMPLE_ROWS),
        dry_run=dry_run,
        warnings=warnings,
    )
    if not len(read.frame) or (len(rejected) and not accept_partial and not dry_run):
        return outcome
    stamp = _stamp(source)
    names = list(LAYERS["households"].names)
    incoming = coerce(LAYERS["households"], read.frame.reindex(columns=names))
    ids = incoming["household_id"].astype(str)
    members = coerce(LAYERS["members"], read.members.reindex(columns=LAYERS["members"].names))
    members = members[members["household_id"].astype(str).isin(set(ids))]

    def change(ws: Workspace) -> tuple[dict[str, pd.DataFrame], Note | None]:
        old = ws.households
        if with_ids:  # again under the lock: the workspace as it is now
            check_key(ws.meta, fingerprint)
            if fingerprint_meta(ws.meta, fingerprint) is not None:  # made before fingerprints
                check_legacy(old, incoming)
        kept = pd.DataFrame(old[~old["household_id"].astype(str).isin(set(ids))])[names]
        frames = [f for f in (kept, incoming) if len(f)]
        new = pd.concat(frames, ignore_index=True) if frames else incoming
        done = record_import(ws, "households", new, ids, **stamp)
        layers = dict(done.layers) if done.changed else {}
        people = _members_after(ws["members"], members, ids)
        if not _same_table(ws["members"], people, "members"):
            layers["members"] = people
        summary = done.summary if done.changed else None
        return layers, summary

    meta = fingerprint_meta(current.meta, fingerprint) if with_ids else None
    return _commit(target, current, change, outcome, dry_run, confirm_large, meta=meta)


def _members_after(old: pd.DataFrame, incoming: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """The members layer after an import: the file's households' people replace theirs (a
    register lists everyone of a household it names); other households keep theirs."""
    names = list(LAYERS["members"].names)
    kept = pd.DataFrame(old[~old["household_id"].astype(str).isin(set(ids))]).reindex(columns=names)
    frames = [f for f in (kept, incoming) if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else incoming


def _existing(workspace: str | os.PathLike) -> Path:
    target = Path(workspace)
    if not target.exists():
        raise ImportFailed(
            f"工作空间 {target} 不存在：请先导入村界（import villages）",
            f"no workspace at {target}: import the village boundaries first",
        )
    return target


def _stamp(source: str | os.PathLike) -> dict[str, str]:
    now = datetime.now()
    return {
        "imported_on": now.date().isoformat(),
        "recorded_at": now.isoformat(timespec="seconds"),
        "note": f"导入 {Path(source).name}",
    }


def _commit(
    target: Path,
    current: Workspace,
    change: Callable[[Workspace], tuple[dict[str, pd.DataFrame], Note | None]],
    outcome: ImportOutcome,
    dry_run: bool,
    confirm_large: bool = False,
    meta: Mapping[str, str] | None = None,
) -> ImportOutcome:
    """Run ``change`` on the workspace (a dry run on the copy read) and say what it did.

    The change runs once, inside the locked transaction, so what is written is computed from
    the workspace as it is at that moment. Past :func:`implausible` limits a real import
    without ``confirm_large`` raises :class:`ImportFailed` inside it: nothing is written.
    ``meta`` entries are set in the workspace's metadata with the change."""
    said: list[tuple[dict[str, pd.DataFrame], Note | None, tuple[Note, ...]]] = []

    def run(ws: Workspace) -> dict[str, pd.DataFrame]:
        layers, summary = change(ws)
        checked = _with_large(outcome, ws, layers, outcome.kind, confirm=confirm_large)
        said.append((layers, summary, checked.large))
        return layers

    if dry_run:
        run(current)
    else:
        # writes nothing when the change is empty (and no metadata is to be set)
        update_workspace(target, run, meta)
    layers, summary, large = said[-1]
    if not layers:
        return replace(outcome, unchanged=True)
    notes = [*outcome.notes, summary] if summary else list(outcome.notes)
    return replace(
        outcome,
        notes=[*notes, *large],
        written=not dry_run,
        changes=summary,
        large=large,
    )


def _key_text(frame: pd.DataFrame, layer: str) -> pd.Series:
    keys = list(LAYERS[layer].key)
    norm = coerce(LAYERS[layer], pd.DataFrame(frame)[keys])
    return norm.astype("string").fillna("").agg("/".join, axis=1)


def _upsert(old: pd.DataFrame, incoming: pd.DataFrame, layer: str) -> pd.DataFrame:
    """The workspace's rows with the file's put over them (file rows last, in file order);
    a file cell left empty keeps the workspace's value, an anchored point the old point."""
    spec = LAYERS[layer]
    new = pd.DataFrame(incoming).reset_index(drop=True)
    anchored = (
        new.pop("_anchored").astype(bool)
        if "_anchored" in new
        else pd.Series(False, index=new.index)
    )
    geom = new.pop("geometry") if "geometry" in new else None
    new = new.reindex(columns=spec.names).astype(object)
    new = new.where(new.notna(), None)
    if old is not None and len(old):
        old_keys = _key_text(old, layer)
        by_key = pd.DataFrame(old).assign(_k=old_keys.to_numpy()).drop_duplicates("_k")
        by_key = by_key.set_index("_k")
        new_keys = _key_text(new, layer) if len(new) else pd.Series(dtype="string")
        for col in spec.names:
            known = new_keys.map(by_key[col]) if len(new) else None
            if known is not None:
                new[col] = new[col].where(new[col].notna(), known.astype(object))
        if geom is not None and len(new):
            old_geom = new_keys.map(by_key.geometry)
            keep = anchored.to_numpy() & old_geom.notna().to_numpy()
            geom = pd.Series(geom.to_numpy(), dtype=object)
            geom[keep] = old_geom[keep].to_numpy()
        others = pd.DataFrame(old)[~old_keys.isin(set(new_keys)).to_numpy()]
    else:
        others = pd.DataFrame(old).iloc[:0] if old is not None else None
    if layer == "facilities":
        new["status"] = new["status"].where(new["status"].notna(), "existing")
    new = coerce(spec, new)
    if spec.geometry is None:
        parts = [p for p in (others, new) if p is not None and len(p)]
        out = pd.concat(parts, ignore_index=True) if parts else new
        return out.reindex(columns=spec.names)
    new = gpd.GeoDataFrame(
        new, geometry=gpd.GeoSeries(list(geom) if geom is not None else [], crs=WGS84), crs=WGS84
    )
    if others is None or not len(others):
        return new
    others = gpd.GeoDataFrame(others, crs=WGS84)
    return gpd.GeoDataFrame(pd.concat([others, new], ignore_index=True), crs=WGS84)


_MESSAGES_ZH = [
    (r"^required value is missing$", lambda m: "必填值为空"),
    (r"^cannot read (.*) as \w+$", lambda m: f"无法读取 {m[1]}"),
    (r"^(.*) is not one of (.*)$", lambda m: f"{m[1]} 不是允许的值({m[2]})"),
    (r"^duplicate key (.*)$", lambda m: f"与文件中前面的行重复({m[1]})"),
    (r"^(.*) is not a (\d+)-digit code$", lambda m: f"{m[1]} 不是 {m[2]} 位代码"),
    (r"^(.*) is below (.*)$", lambda m: f"{m[1]} 小于 {m[2]}"),
    (r"^(.*) is above (.*) m² cap$", lambda m: "人均住房面积超过 25 m² 上限"),
    (r"^(.*) is above (.*)$", lambda m: f"{m[1]} 大于 {m[2]}"),
    (r"^village (.*) is not in villages$", lambda m: f"行政村 {m[1]} 不在工作空间中"),
    (r"^geometry is missing or empty$", lambda m: "没有位置"),
]


def _problem_note(layer: str, fld: str | None, message: str) -> Note:
    import re

    spec = LAYERS[layer]
    col = spec.column(fld) if fld in spec.names else None
    zh_label = col.zh if col else ("位置" if fld == "geometry" else (fld or ""))
    en_label = col.en if col else (fld or "")
    zh = message
    for pattern, fn in _MESSAGES_ZH:
        m = re.match(pattern, message)
        if m:
            zh = fn(m)
            break
    return (f"{zh_label}:{zh}" if zh_label else zh, f"{en_label}: {message}")


def _table_problems(layers, layer: str, n_file: int) -> dict[int, Note]:
    """Problems of the file's rows (the last ``n_file`` of the layer), by their position."""
    merged = layers[layer]
    offset = len(merged) - n_file
    out: dict[int, Note] = {}
    for p in validate_workspace(layers):
        if p.layer == layer and p.row is not None and p.row >= offset:
            out.setdefault(p.row - offset, _problem_note(layer, p.field, p.message))
    return out


def _table_rejections(data: pd.DataFrame, rej: Mapping[int, list[Note]]) -> pd.DataFrame:
    rows = sorted(rej)
    head = pd.DataFrame(
        {
            "source_row": pd.Series(rows, dtype="int64"),
            "reason_zh": ["；".join(z for z, _ in rej[r]) for r in rows],
            "reason_en": ["; ".join(e for _, e in rej[r]) for r in rows],
        }
    )
    values = data.loc[rows].astype(str).reset_index(drop=True) if rows else data.iloc[:0]
    return pd.concat([head, values.reset_index(drop=True)], axis=1)


def _same_table(old: pd.DataFrame, new: pd.DataFrame, layer: str) -> bool:
    """Whether writing ``new`` would change nothing in layer ``layer``."""
    if len(old) != len(new):
        return False
    spec = LAYERS[layer]
    a = coerce(spec, pd.DataFrame(old).reindex(columns=spec.names))
    b = coerce(spec, pd.DataFrame(new).reindex(columns=spec.names))
    ka, kb = _key_text(old, layer).to_numpy(), _key_text(new, layer).to_numpy()
    oa, ob = np.argsort(ka, kind="stable"), np.argsort(kb, kind="stable")
    a, b = a.iloc[oa].reset_index(drop=True), b.iloc[ob].reset_index(drop=True)
    if not a.astype(str).equals(b.astype(str)):
        return False
    if spec.geometry is None:
        return True
    ga = gpd.GeoSeries(old.geometry.to_numpy()[oa], crs=WGS84)
    gb = gpd.GeoSeries(new.geometry.to_numpy()[ob], crs=WGS84)
    return bool(ga.geom_equals_exact(gb, tolerance=1e-9).all())


# ----------------------------------------------------------------------------- any kind
def run_import(
    workspace: str | os.PathLike,
    source: str | os.PathLike,
    kind: str,
    *,
    crs: str | None = None,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
    accept_partial: bool = False,
    dry_run: bool = False,
    confirm_large: bool = False,
    append: bool = False,
) -> ImportOutcome:
    """Import a file of any kind of :data:`~township_atlas.data.importing.kinds.KINDS` (what
    ``township-atlas import`` and the Data page call); options a kind does not use are
    ignored. ``confirm_large`` lets through what :func:`implausible` flags; ``append`` (roads)
    adds to the network instead of replacing it."""
    from .kinds import kind_of

    options = ImportOptions(crs, sheet, columns, accept_partial, dry_run, confirm_large, append)
    return kind_of(kind).run(workspace, source, kind, options)


@dataclass(frozen=True)
class ImportOptions:
    """What an import may be told beside the file (each kind takes the options it uses)."""

    crs: str | None = None
    sheet: str | None = None
    columns: Mapping[str, str] | None = None
    accept_partial: bool = False
    dry_run: bool = False
    confirm_large: bool = False
    append: bool = False

    @property
    def how(self) -> dict:
        """The options every kind takes, as keyword arguments."""
        return {
            "columns": self.columns,
            "accept_partial": self.accept_partial,
            "dry_run": self.dry_run,
            "confirm_large": self.confirm_large,
        }


# ----------------------------------------------------------------------------- roads
def import_roads(
    workspace: str | os.PathLike,
    source: str | os.PathLike,
    *,
    crs: str | None = None,
    columns: Mapping[str, str] | None = None,
    layer: str | None = None,
    append: bool = False,
    accept_partial: bool = False,
    dry_run: bool = False,
    confirm_large: bool = False,
) -> ImportOutcome:
    """Import a road file (lines: GeoJSON, GeoPackage, zipped Shapefile, KML; any CRS the
    boundaries take) as the workspace's road network.

    A road file is the township's network: its roads replace the roads layer (a note says
    how many replace how many), unless ``append``, which puts them over the roads of the same
    ``road_id`` and keeps the others. Roads farther than 2 km from the township (its outline,
    or the union of its villages when none was imported) are rejected with the reason, so a
    county network can be imported into each township. Roads are not recorded in the change
    history; the same file twice changes nothing. ``layer`` names a GeoPackage/KML layer.
    """
    from .roads import read_roads

    target = _existing(workspace)
    current = read_workspace(target)
    read = read_roads(source, _township_shape(current), crs=crs, columns=columns, layer=layer)
    _refuse_personal_roads(read)
    spec = LAYERS[ROAD_KIND]
    frame = read.frame
    rejected = [read.rejected]
    bad: dict[int, Note] = {}
    for p in problems(ROAD_KIND, frame.reset_index(drop=True)):
        if p.row is not None:
            bad.setdefault(p.row, _problem_note(ROAD_KIND, p.field, p.message))
    if bad:  # what the workspace would refuse (read_roads should leave nothing)
        rows = frame.iloc[sorted(bad)]
        rejected.append(_rejections(rows, [bad[i] for i in sorted(bad)]))
        frame = frame.iloc[[i for i in range(len(frame)) if i not in bad]]
    rejected_frame = pd.concat(
        [r for r in rejected if len(r)] or [read.rejected], ignore_index=True
    )
    outcome = ImportOutcome(
        ROAD_KIND,
        len(frame),
        rejected_frame,
        list(read.notes),
        headers=tuple(read.headers),
        columns_found=dict(read.columns_found),
        crs=read.crs_used,
        sample=pd.DataFrame(frame.drop(columns="geometry")).head(SAMPLE_ROWS),
        dry_run=dry_run,
    )
    if not len(frame) or (len(rejected_frame) and not accept_partial and not dry_run):
        return outcome
    incoming = frame.reset_index(drop=True)[[*spec.names, "geometry"]]

    def change(ws: Workspace) -> tuple[dict[str, pd.DataFrame], Note | None]:
        old = ws[ROAD_KIND]
        new = _upsert(old if append else None, incoming, ROAD_KIND)
        if _same_table(old, new, ROAD_KIND):
            return {}, None
        return {ROAD_KIND: new}, _roads_change(old, incoming, append)

    return _commit(target, current, change, outcome, dry_run, confirm_large)


def _refuse_personal_roads(read) -> None:
    """Refuse a road file whose kept attributes hold personal data (:mod:`.personal_guard`):
    each column as taken (road ids, names as the file has them) and, for the rows refused,
    as the report would show them."""
    refused = read.rejected.set_index("source_row")
    values: dict[str, pd.Series] = {}
    headers: dict[str, str] = {}
    for head, fld in read.columns_found.items():
        parts = [pd.Series(read.frame[fld], dtype=object)] if fld in read.frame else []
        if head in refused:
            parts.append(pd.Series(refused[head], dtype=object))
        if parts:
            values[fld], headers[fld] = pd.concat(parts).sort_index(), head
    names = name_checked_fields(LAYERS[ROAD_KIND])
    refuse_personal_fields(values, headers, name_fields=names)


def _township_shape(ws: Workspace):
    """The township as one shape (WGS84): its outline, else the union of its villages."""
    for name in ("township", "villages"):
        frame = ws[name]
        if frame is not None and len(frame):
            return frame.to_crs(WGS84).union_all()
    return None


def _roads_change(old: pd.DataFrame, incoming: pd.DataFrame, append: bool) -> Note:
    """What importing ``incoming`` roads over the ``old`` ones does, as a note."""
    n, m = len(incoming), len(old)
    if not append:
        if not m:
            return f"导入 {n} 条道路", f"{n} roads imported"
        return (
            f"{n} 条道路替换原有 {m} 条（道路文件即全乡镇路网；"
            "只增补：--append，导入页勾选“只增补”）",
            f"{n} roads replace the {m} there were (a road file is the whole network; "
            "--append, or the Data page's “Add to the network”, adds to it instead)",
        )
    known = set(old["road_id"].astype(str)) if m else set()
    updated = int(incoming["road_id"].astype(str).isin(known).sum())
    return (
        f"新增 {n - updated} 条道路、更新 {updated} 条，保留原有其他 {m - updated} 条",
        f"{n - updated} roads added, {updated} updated, the other {m - updated} kept",
    )


def mappable_fields(kind: str) -> list[tuple[str, str, str]]:
    """The fields a header of a ``kind`` file may be mapped to, as (field, zh, en)."""
    from .kinds import kind_of

    return kind_of(kind).fields()


def workbook_sheets(path: str | os.PathLike) -> list[str]:
    """The sheet names of an Excel workbook (raises ImportFailed when it cannot be read)."""
    from .tabular import open_workbook

    return open_workbook(Path(path), None)[1]


def file_headers(source: str | os.PathLike, kind: str, sheet: str | None = None) -> tuple[str, ...]:
    """The column headers of a file the import refused, for the user to map by hand.

    Best effort: a table's header is the row (of its first rows) with the most text cells;
    a vector file's are its attribute fields. Nothing readable gives ``()``.
    """
    import pyogrio

    from .kinds import kind_of
    from .tabular import DELIMITERS, csv_rows, decode_text, open_workbook, sheet_rows
    from .vector import open_vector, vector_format

    path = Path(source)
    try:
        if kind_of(kind).drawn or vector_format(path):
            # as the import reads it: GBK attributes without a .cpg decoded, ZIPs checked
            prefer = {ROAD_KIND: "line", **dict.fromkeys(BOUNDARY_KINDS, "polygon")}
            frame = open_vector(path, sheet, prefer=prefer.get(kind, "point"))[0]
            return tuple(str(c) for c in frame.columns if c != frame.geometry.name)
        if path.suffix.lower() in (".xlsx", ".xls", ".xlsm", ".ods"):
            book, names = open_workbook(path, sheet)
            rows = sheet_rows(book, names[0], nrows=_HEADER_ROWS)
        else:
            text, _ = decode_text(path.read_bytes()[:200_000])
            lines = text.splitlines()[:_HEADER_ROWS]
            delim = max(DELIMITERS, key=lambda d: sum(line.count(d) for line in lines))
            rows = csv_rows(lines, delim)
    except (ImportFailed, OSError, ValueError, pyogrio.errors.DataSourceError):
        return ()

    def texts(row) -> list[str]:
        return [str(c).strip() for c in row if isinstance(c, str) and str(c).strip()]

    best = max(rows, key=lambda r: len(texts(r)), default=[])
    return tuple(str(c).strip() for c in best if str(c).strip())


_HEADER_ROWS = 15


def recognised_headers(kind: str, headers: Sequence[str]) -> dict[str, str]:
    """Header → field for the ``headers`` a ``kind`` reader would recognise by itself."""
    from .kinds import kind_of

    return kind_of(kind).recognise(headers)


# ----------------------------------------------------------------------------- failures
def import_failure(exc: BaseException, file: str | os.PathLike) -> ImportFailed:
    """An import's failure other than :class:`ImportFailed` as one (zh, en), naming the
    file: a full disk, a folder that cannot be written, memory, anything unexpected."""
    import errno

    from pyogrio.errors import DataSourceError

    from ...geo.validate import SchemaError

    name = Path(file).name
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        zh, en = (
            "磁盘空间不足，工作空间未改动",
            "no space left on the disk; the workspace is unchanged",
        )
    elif isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        where = exc.filename or ""
        zh = f"没有写入权限（{where}），工作空间未改动"
        en = f"permission denied ({where}); the workspace is unchanged"
    elif isinstance(exc, FileNotFoundError):
        zh, en = f"找不到文件：{exc.filename or exc}", f"no such file: {exc.filename or exc}"
    elif isinstance(exc, OSError):
        text = exc.strerror or str(exc)
        zh, en = f"读写文件出错：{text}", f"cannot read or write a file: {text}"
    elif isinstance(exc, MemoryError):
        zh, en = "文件太大，内存不足", "the file is too big: out of memory"
    elif isinstance(exc, SchemaError | DataSourceError):
        zh = "工作空间文件无效或无法读取，未改动"
        en = f"the workspace is not valid or cannot be read: {_one_line(exc)}"
    else:
        zh = f"导入时出现意外错误（{type(exc).__name__}：{_one_line(exc)}）"
        en = f"unexpected error while importing ({type(exc).__name__}: {_one_line(exc)})"
    return ImportFailed(f"{name}：{zh}", f"{name}: {en}")


def _one_line(exc: BaseException, limit: int = 300) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
