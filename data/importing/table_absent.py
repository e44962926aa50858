"""The columns a table does not carry: each incoming row keeps the workspace's values for them
(an indicator stays as it was until a file says otherwise), and a new row without one is
refused once for the file.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ...geo.schema import LAYERS
from .errors import ImportFailed

#: What a new row takes for a column its file does not give (absent, or a cell left empty):
#: a new facility is existing; a station reporting a year it has no row for was operating.
NEW_ROW_DEFAULTS = {"facilities": {"status": "existing"}, "station_operations": {"status": "运营"}}


def _key_text(frame: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    """The layer key of each row as one text (codes and ids as text, years as whole numbers)."""
    parts = []
    for k in keys:
        s = pd.Series(frame[k], index=frame.index)
        num = pd.to_numeric(s, errors="coerce")
        if k == "year" or k.endswith("_year"):
            s = num.astype("Int64").astype("string")
        parts.append(s.astype("string").fillna(""))
    out = parts[0]
    for p in parts[1:]:
        out = out + "/" + p
    return out


def keep_absent(
    incoming: pd.DataFrame, current: pd.DataFrame | None, present: frozenset[str], layer: str
) -> pd.DataFrame:
    """The ``incoming`` rows with the columns their file does not carry filled in.

    A table may carry only some columns (an indicator table of 危房户数 alone); the others are
    absent, not empty: each incoming row takes them from the ``current`` row of the same key
    (village and year, facility id, site id), and a new indicator row from the same village's
    latest earlier year (an indicator stays as it was until a file says otherwise). A new
    facility is existing. Cells of the columns the file does carry are never touched (an
    empty cell there is the file's, and the row is judged by it).

    Parameters
    ----------
    incoming : DataFrame
        :attr:`TableRows.frame` (or any frame of the layer's columns).
    current : DataFrame or None
        The workspace's rows of ``layer``.
    present : frozenset of str
        :attr:`TableRows.present`: the columns the file carried.
    layer : str
        The layer's name.

    Raises :class:`~township_atlas.data.importing.vector.ImportFailed` with one file-level message
    when a required column is absent and some incoming rows have no value to keep for it (new
    rows, with no earlier year of their village): it names the column and those rows.
    """
    spec = LAYERS[layer]
    out = incoming.copy()
    keys = list(spec.key)
    absent = [c.name for c in spec.columns if c.name not in present and c.name not in keys]
    if not absent or not len(out):
        return out
    for col in absent:
        if col not in out:
            out[col] = None
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    have = current is not None and len(current) > 0
    if have:
        cur = pd.DataFrame(current).copy()
        cur["_k"] = _key_text(cur, keys).to_numpy()
        by_key = cur.drop_duplicates("_k", keep="last").set_index("_k")
        new_keys = _key_text(out, keys)
        for col in absent:
            known = new_keys.map(by_key[col]).astype(object)
            out[col] = out[col].where(out[col].notna(), known)
        if layer == "indicators":
            _carry_forward(out, cur, absent)
    for col, value in NEW_ROW_DEFAULTS.get(layer, {}).items():
        if col in absent:
            out[col] = out[col].where(out[col].notna(), value)
    _refuse_unfilled(out, absent, layer)
    return out


def _carry_forward(out: pd.DataFrame, cur: pd.DataFrame, absent: list[str]) -> None:
    """New village-years take each absent indicator from the village's latest earlier year."""
    years = pd.to_numeric(cur["year"], errors="coerce")
    cur = cur.assign(_y=years, _v=cur["village_code"].astype(str)).sort_values("_y")
    row_years = pd.to_numeric(out["year"], errors="coerce")
    for i in out.index:
        need = [c for c in absent if out.at[i, c] is None or pd.isna(out.at[i, c])]
        if not need or pd.isna(row_years[i]):
            continue
        earlier = cur[(cur["_v"] == str(out.at[i, "village_code"])) & (cur["_y"] < row_years[i])]
        if len(earlier):
            last = earlier.iloc[-1]
            for c in need:
                out.at[i, c] = last[c]


def _refuse_unfilled(out: pd.DataFrame, absent: list[str], layer: str) -> None:
    spec = LAYERS[layer]
    required = [c for c in absent if spec.column(c).required]
    empty = {c: out.index[out[c].isna().to_numpy()].tolist() for c in required}
    empty = {c: rows for c, rows in empty.items() if rows}
    if not empty:
        return
    rows = sorted({r for v in empty.values() for r in v})
    cols_zh = "、".join(spec.column(c).zh for c in empty)
    cols_en = ", ".join(empty)
    keys = _key_text(out.loc[rows], list(spec.key)).tolist()
    shown = "、".join(keys[:8]) + ("…" if len(keys) > 8 else "")
    shown_en = ", ".join(keys[:8]) + (", …" if len(keys) > 8 else "")
    raise ImportFailed(
        f"文件中没有{cols_zh}列，而 {len(rows)} 行是工作空间中还没有的记录（{shown}），"
        "没有可保留的原值：请在文件中加上这些列，或先导入含这些列的表",
        f"the file has no {cols_en} column and {len(rows)} of its rows are new ({shown_en}), "
        "with no value to keep: add the columns to the file, or first import a table that "
        "has them",
    )
