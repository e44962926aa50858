"""What every import of a table shares: the workspace it goes into, the stamp of its
history rows, the one locked transaction that computes and writes the change (or the dry
run), and rows put over the workspace's by their layer's key.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ...geo.postgis import is_url, shown
from ...geo.schema import LAYERS, WGS84
from ...geo.validate import coerce
from ...geo.workspace import (
    Workspace,
    update_workspace,
    workspace_exists,
)
from .errors import ImportFailed, Note
from .outcome import ImportOutcome
from .plausibility import _with_large
from .table_absent import NEW_ROW_DEFAULTS


def _existing(workspace: str | os.PathLike) -> Path | str:
    target = workspace if is_url(workspace) else Path(workspace)
    if not workspace_exists(target):
        where = shown(target)
        raise ImportFailed(
            f"工作空间 {where} 不存在：请先导入村界（import villages）",
            f"no workspace at {where}: import the village boundaries first",
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
    target: Path | str,
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
    norm = coerce(LAYERS[layer], pd.DataFrame(frame)[keys]).astype("string").fillna("")
    # column by column, not row by row: a row-wise join took 0.6 s on the demo's 3,102 members
    text = norm[keys[0]]
    for k in keys[1:]:
        text = text + "/" + norm[k]
    return text.astype(str)


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
    for col, value in NEW_ROW_DEFAULTS.get(layer, {}).items():  # what a new row starts as
        new[col] = new[col].where(new[col].notna(), value)
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
