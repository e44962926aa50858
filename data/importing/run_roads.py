"""Importing a road file: the township's road network, replaced or added to; roads far from
the township rejected, no personal data among the kept attributes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import pandas as pd

from ...geo.schema import LAYERS, WGS84
from ...geo.validate import problems
from ...geo.workspace import (
    Workspace,
    read_workspace,
)
from .errors import Note
from .outcome import SAMPLE_ROWS, ImportOutcome, _problem_note, _rejections
from .personal_guard import name_checked_fields, refuse_personal_fields
from .transaction import _commit, _existing, _same_table, _upsert

#: The road network, taken from line files (:func:`import_roads`).
ROAD_KIND = "roads"


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
