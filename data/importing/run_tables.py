"""Importing a table of facilities, stations, relocation sites, indicators, assistance
records (cadres, pairings, teams, visits, measures, projects, exit plans) or the stations'
yearly operations: read, checked row by row against the workspace, put over the workspace's
rows of the same key.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import pandas as pd

from ...geo.schema import LAYERS
from ...geo.workspace import (
    Workspace,
    read_workspace,
    validate_change,
)
from .errors import ImportFailed, Note
from .history import RECORDED_LAYERS, record_import
from .outcome import SAMPLE_ROWS, ImportOutcome, _problem_note
from .table_headers import ASSISTANCE_KINDS, OPERATIONS_KINDS, READ_KINDS, TABLE_KINDS
from .transaction import _commit, _existing, _key_text, _same_table, _stamp, _upsert

#: Tables of places ``township-atlas import`` takes as CSV or Excel (or point files).
TABLE_IMPORT_KINDS = tuple(TABLE_KINDS)
#: Tables of assistance records (帮扶) it takes as CSV or Excel.
ASSISTANCE_IMPORT_KINDS = tuple(ASSISTANCE_KINDS)
#: The stations' yearly operations reports (网点运营情况) it takes as CSV or Excel.
OPERATIONS_IMPORT_KINDS = tuple(OPERATIONS_KINDS)


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
    """Import a facilities, stations, relocation sites, indicators, assistance or station
    operations table (CSV or Excel).

    Rows are keyed by the layer's key (facility_id, site_id, village_code + year, cadre_id,
    household_id, visit_id, facility_id + year …) and put over the workspace's rows of the
    same key; what a row
    leaves empty keeps the workspace's value.
    Every row the reader or the workspace validation refuses is rejected with its reason; the
    workspace is written (one locked, atomic transaction) only when no row is rejected or the
    caller accepts a partial import. The same file again changes nothing. Changes to the
    layers of :data:`~.history.RECORDED_LAYERS` (indicators, the assistance layers, station
    operations) are recorded in the history; ``dry_run`` writes nothing. An assistance row
    naming a household not in the register or a cadre not in the cadres layer is rejected,
    and so is an operations row naming a station the workspace does not have.
    """
    from .tables import keep_absent, read_table, rows_to_layer

    if kind not in READ_KINDS:
        raise ImportFailed(f"不能导入「{kind}」表", f"cannot import a {kind!r} table")
    target = _existing(workspace)
    read = read_table(source, kind, sheet=sheet, columns=columns)
    current = read_workspace(target)
    rows = rows_to_layer(
        read, kind, current.villages, crs=crs, outline=current.township, workspace=current
    )
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
        sample=_sample(good, layer),
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


def _sample(good: pd.DataFrame, layer: str) -> pd.DataFrame:
    """The first rows as they would go in: no geometry, no names (a cadre's, a 第一书记's:
    shown only to roles that may see household records)."""
    hidden = ["geometry", "_anchored", *LAYERS[layer].personal]
    return pd.DataFrame(good.drop(columns=hidden, errors="ignore")).head(SAMPLE_ROWS)


def _table_problems(layers, layer: str, n_file: int) -> dict[int, Note]:
    """Problems of the file's rows (the last ``n_file`` of the layer), by their position."""
    merged = layers[layer]
    offset = len(merged) - n_file
    out: dict[int, Note] = {}
    # the layer and the village codes it refers to: the workspace's other layers were valid
    # already (validating them all took a second on the demo, on every pass)
    for p in validate_change(layers, {layer: None}):
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
