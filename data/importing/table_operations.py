"""The rows of a station operations report (网点运营情况) as the values of its layer.

The county commerce bureau reports each e-commerce station's year: its status, staff and
assistants, parcels, online sales of local produce (万元, or 元 converted), the poor households
it serves and those selling through it, people trained and their income gain. A row names its
station by id (站点编号) or by name (站点名称), and the bureau's own numbering is often not the
workspace's: a station is found by its id, else by its name (the village, when the file gives
it, tells namesakes apart), else its row is rejected with the reason. The year comes from a
column, or from the one year of the title (2024年度村级电商服务站运营情况统计表).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from ...geo.schema import FACILITY_KINDS, SERVICE_TIERS
from ...geo.workspace import Workspace
from .errors import Note
from .table_assistance import _text, column_values
from .table_rows import _Rows, village_resolver
from .table_values import _norm


def operations_values(rows: _Rows, villages: gpd.GeoDataFrame, workspace: Workspace | None) -> None:
    """Every column of an operations report in ``rows.out``, the station of each row as its
    ``facility_id`` (found in ``workspace``'s facilities; without one, taken as written), and
    the rows that cannot be taken rejected: no station, no year, a station the workspace does
    not have, a status date outside the row's year, a station and year given twice."""
    column_values(rows, skip=("facility_id",))
    _require_cells(rows)
    if workspace is None:
        ids = rows.col("facility_id").map(_text)
        rows.out["facility_id"] = ids.where(ids.notna(), rows.col("station").map(_text))
    else:
        rows.out["facility_id"] = _station_ids(rows, villages, workspace)
    _status_notes(rows)
    _dates_in_year(rows)
    _once_a_year(rows)


def _require_cells(rows: _Rows) -> None:
    """Reject rows naming no station or no year."""
    named = (rows.col("facility_id") != "") | (rows.col("station") != "")
    rows.reject(~named, lambda r: "站点编号和站点名称都为空", lambda r: "no station id nor name")
    if "year" in rows.data:
        rows.reject(rows.data["year"] == "", lambda r: "年度为空", lambda r: "the year is empty")


# ----------------------------------------------------------------------------- stations
def _station_ids(rows: _Rows, villages: gpd.GeoDataFrame, workspace: Workspace) -> pd.Series:
    """Each row's facility_id: its id cell when that is a station of the workspace, else its
    name cell (an id, or the name of exactly one station; of the row's village when several
    share the name); other rows rejected with the reason."""
    fac = pd.DataFrame(workspace["facilities"])
    tiers = fac["kind"].isin(SERVICE_TIERS).to_numpy(dtype=bool)
    stations, others = fac[tiers], fac[~tiers]
    ids = set(stations["facility_id"].astype(str))
    # other facilities by id and by name: a clinic named by mistake is said to be one
    other_kind = dict(zip(others["facility_id"].astype(str), others["kind"], strict=True))
    other_kind |= {_norm(n): k for n, k in zip(others["name"], others["kind"], strict=True)}
    by_name: dict[str, list[tuple[str, str]]] = {}
    for fid, name, code in zip(
        stations["facility_id"], stations["name"], stations["village_code"], strict=True
    ):
        by_name.setdefault(_norm(name), []).append((str(fid), "" if pd.isna(code) else str(code)))
    resolve = village_resolver(villages) if len(villages) else (lambda _v: None)
    id_cells, name_cells = rows.col("facility_id"), rows.col("station")
    village_cells = rows.col("village")
    found: dict[int, str] = {}
    why: dict[int, Note] = {}
    by_name_not_id = 0
    for r in rows.data.index:
        given, name = _text(id_cells[r]), _text(name_cells[r])
        if given is None and name is None:
            continue  # rejected already: no station named
        if given in ids:
            found[r] = given
            continue
        if name in ids:  # an id in the name column
            found[r] = name
            continue
        named = by_name.get(_norm(name), []) if name else []
        village = resolve(village_cells[r]) if village_cells[r] else None
        if village and len(named) > 1:
            named = [n for n in named if n[1] == village] or named
        if len(named) == 1:
            found[r] = named[0][0]
            by_name_not_id += given is not None
        elif named:
            why[r] = (
                f"站点名称「{name}」有 {len(named)} 个网点同名：请填写站点编号，或加上所在行政村列",
                f"{len(named)} stations are named {name!r}: give the station's id, or add a "
                "village column",
            )
        else:
            why[r] = _unknown(given, name, other_kind)
    rows.reject(rows.data.index.isin(list(why)), lambda r: why[r][0], lambda r: why[r][1])
    if by_name_not_id:
        rows.notes.append(
            (
                f"{by_name_not_id} 行的站点编号不是工作空间中的网点编号，已按站点名称找到网点",
                f"{by_name_not_id} row{'s' if by_name_not_id > 1 else ''} with a station id "
                "the workspace does not use found by the station's name",
            )
        )
    _planned_note(rows, stations, found)
    return pd.Series([found.get(r) for r in rows.data.index], index=rows.data.index, dtype=object)


def _unknown(given: str | None, name: str | None, other_kind: dict[str, str]) -> Note:
    """Why a row's station is not one of the workspace's e-commerce stations."""
    for cell in (given, name):
        kind = other_kind.get(cell) if cell else None
        kind = kind or (other_kind.get(_norm(cell)) if cell else None)
        if kind:
            zh, en = FACILITY_KINDS.get(kind, (kind, kind))
            return (
                f"「{cell}」是{zh}，不是电商网点（县级物流中心、乡镇电商服务中心、村级电商服务站）",
                f"{cell!r} is a {en}, not an e-commerce station",
            )
    shown = "、".join(f"「{c}」" for c in (given, name) if c)
    return (
        f"网点{shown}不在工作空间的电商网点中：请先导入电商服务网点（import stations），"
        "或检查站点编号和名称",
        f"station {' / '.join(repr(c) for c in (given, name) if c)} is not one of the "
        "workspace's e-commerce stations: import the stations first (import stations), or "
        "check the id and name",
    )


def _planned_note(rows: _Rows, stations: pd.DataFrame, found: dict[int, str]) -> None:
    """A note naming the stations the facilities layer still has as planned: their rows go
    in, but the station figures count existing stations only."""
    planned = set(stations.loc[stations["status"] == "planned", "facility_id"].astype(str))
    named = sorted({f for f in found.values() if f in planned})
    if named:
        rows.notes.append(
            (
                f"网点 {'、'.join(named)} 在设施表中为规划状态：运营数据已读取，"
                "但改为现有之前不计入网点统计",
                f"station{'s' if len(named) > 1 else ''} {', '.join(named)} planned in the "
                "facilities layer: the figures are read, but count only once it is existing",
            )
        )


# ----------------------------------------------------------------------------- rows
def _status_notes(rows: _Rows) -> None:
    """Say what a row without a status becomes: a station's known year keeps its status, a
    new one is 运营 (a station reporting its year was open)."""
    if "status" not in rows.data:
        rows.notes.append(
            (
                "文件中没有运营状态列：已有的网点年度保留原状态，新的记为运营",
                "no status column: known station-years keep theirs, new ones are operating",
            )
        )
        return
    blank = int((rows.data["status"] == "").sum())
    if blank:
        rows.notes.append(
            (
                f"{blank} 行运营状态为空：已有的网点年度保留原状态，新的记为运营",
                f"{blank} row{'s' if blank > 1 else ''} without a status: known station-years "
                "keep theirs, new ones are operating",
            )
        )


def _dates_in_year(rows: _Rows) -> None:
    """Reject a status date outside its row's year."""
    out = rows.out
    if not {"status_date", "year"} <= set(out.columns):
        return
    dates = out["status_date"]
    years = out["year"].astype("string")
    outside = dates.notna() & years.notna()
    outside &= ~pd.Series(
        [str(d).startswith(f"{y}-") for d, y in zip(dates, years, strict=True)], index=out.index
    )
    rows.reject(
        outside.to_numpy(dtype=bool),
        lambda r: f"状态变更日期 {dates[r]} 不在 {years[r]} 年度内",
        lambda r: f"status date {dates[r]} is not in {years[r]}",
    )


def _once_a_year(rows: _Rows) -> None:
    """Reject a row naming the station and year of an earlier row (by id and by name, say)."""
    out = rows.out
    if not {"facility_id", "year"} <= set(out.columns):
        return
    live = out[~out.index.isin(list(rows.rej)) & out["facility_id"].notna()]
    key = live["facility_id"].astype(str) + "/" + live["year"].astype("string").fillna("")
    first = dict(zip(key[~key.duplicated()], key[~key.duplicated()].index, strict=True))
    again = key[key.duplicated()]
    rows.reject(
        out.index.isin(list(again.index)),
        lambda r: f"与第 {first[again[r]]} 行是同一网点的同一年度",
        lambda r: f"the same station and year as row {first[again[r]]}",
    )
