"""Importing a household register: its households over the workspace's of the same
户编号, their members with them, every change recorded in the history; ID numbers only as a
hash made with the workspace's key.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import pandas as pd

from ...geo.schema import LAYERS
from ...geo.validate import coerce
from ...geo.workspace import (
    Workspace,
    read_workspace,
)
from .errors import Note
from .history import record_import
from .outcome import SAMPLE_ROWS, ImportOutcome
from .transaction import _commit, _existing, _same_table, _stamp


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
    del read  # its frames were copied into incoming and members: not held through the write

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
