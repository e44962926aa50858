"""What importing a boundary file into a workspace changes: the file's villages over the
workspace's (what the file does not say kept, counts it lacks at 0), villages outside the
township outline refused, every other row the workspace would refuse rejected, and what goes
into the change history. :func:`~township_atlas.data.importing.run.import_boundaries` runs it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

import geopandas as gpd
import pandas as pd

from ...geo.schema import LAYERS, WGS84
from ...geo.validate import coerce
from ...geo.workspace import (
    Workspace,
    validate_change,
)
from .errors import Note
from .history import RECORDED_LAYERS, record_import
from .outcome import SAMPLE_ROWS, ImportOutcome, _rejections
from .vector_repair import outside_outline, outside_reason, outside_share

#: Counts a boundary file may lack; a new village gets 0 and a note says to fill them in.
_COUNTS = ("population", "households", "villager_groups")


def _boundary_plan(
    read, current: Workspace | None, kind: str, *, dry_run: bool
) -> tuple[ImportOutcome, dict[str, pd.DataFrame]]:
    """What importing ``read`` into ``current`` does: the outcome, and the layers to write
    (none when no row can be taken)."""
    notes = list(read.notes)
    rejected = [read.rejected]
    frame = read.frame
    if kind == "villages" and current is not None and len(current.township):
        # codes decide membership: a village of no township here has no place in the county
        known = set(current.township["code"].astype(str))
        stray = ~frame["code"].astype(str).str[:9].isin(known).to_numpy()
        if stray.any():
            rejected.append(_rejections(frame[stray], [_stray_reason(known)] * int(stray.sum())))
            frame = frame[~stray]
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


def _stray_reason(townships: set[str]) -> Note:
    listed = "、".join(sorted(townships))
    return (
        f"村代码前9位不是本工作空间的任何乡镇（{listed}）：请先导入该村所属乡镇的边界",
        f"the code's first 9 digits are none of this workspace's townships ({listed}): "
        "import the boundary of the village's township first",
    )


def _outline_from(villages: gpd.GeoDataFrame, notes: list[Note]) -> gpd.GeoDataFrame:
    """No township outline imported: each township's villages (their codes' first 9 digits
    say which) stand in for its outline, one row per township."""
    notes.append(
        (
            "未导入乡镇界:以各村边界的合并作为乡镇界",
            "no township outline imported: the union of the villages stands in for it",
        )
    )
    frame = villages.to_crs(WGS84)
    town = frame["code"].astype(str).str[:9]
    rows, shapes = [], []
    for code in sorted(set(town)):
        mine = frame[(town == code).to_numpy()]
        rows.append(
            {
                "code": code,
                "name": f"乡镇 {code}",
                "county": "未填写",
                "city": "未填写",
                "province": "未填写",
                "population": int(pd.to_numeric(mine["population"]).sum()),
                "villager_groups": int(pd.to_numeric(mine["villager_groups"]).sum()),
                "illustrative": False,
            }
        )
        shapes.append(mine.union_all())
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=shapes, crs=WGS84)


def _row_problems(layers, kind: str, frame: gpd.GeoDataFrame) -> dict[int, tuple[str, str]]:
    """Problems of the file's rows once merged, by position in ``frame``."""
    # this layer's (the other layers were valid already, and what they say of the new
    # villages is not a problem of the file's rows)
    found = validate_change(layers, {kind: None})
    merged = layers[kind]
    offset = len(merged) - len(frame)  # the file's rows come last in the merged layer
    out: dict[int, tuple[str, str]] = {}
    for p in found:
        if p.layer == kind and p.row is not None and p.row >= offset:
            zh = f"{p.field}:{p.message}" if p.field else p.message
            out.setdefault(p.row - offset, (zh, str(p.message)))
    return out


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
