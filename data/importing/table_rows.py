"""A table's rows as the values of its layer, kind by kind: the columns each kind cannot do
without, the village of each row, and the values of indicators, facilities and stations, and
relocation sites. A cell that cannot be read rejects its row with the reason.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from ...geo.schema import FACILITY_KINDS, INDICATOR_FLAGS, LAYERS, SERVICE_TIERS
from . import tabular
from .errors import ImportFailed, Note
from .headers import columns_hint
from .table_headers import _PSEUDO_FIELDS, READ_KINDS
from .table_values import (
    _KINDS,
    _SITE_STATUS,
    FACILITY_STATUS_WORDS,
    NO_WORDS,
    YES_WORDS,
    _cell_key,
    _norm,
    _numbers,
    _stable_id,
    _years,
)

if TYPE_CHECKING:
    from .tables import TableRead


def village_resolver(villages: gpd.GeoDataFrame):
    """A function: village name or code (as text) -> the village code, or None."""
    names = villages["name"].astype(str)
    return tabular.village_resolver(dict(zip(names, villages["code"].astype(str), strict=True)))


@dataclass(frozen=True)
class TableRows:
    """The table's rows as layer values (``frame``, indexed by source row) and the rows that
    could not be read (source_row -> (zh, en))."""

    frame: pd.DataFrame
    rejected: dict[int, list[Note]]
    notes: list[Note]
    #: How the coordinates were read ("EPSG:4326", "GCJ-02", a file's CRS), None without any.
    crs_used: str | None = None
    #: The layer columns the file gave (or the reader filled for every row: a generated id, the
    #: village a point lies in). The others are absent: :func:`keep_absent` gives them the
    #: workspace's values before the rows go in.
    present: frozenset[str] = frozenset()


class _Rows:
    """The rows being read: the file's text (``data``), the layer values so far (``out``),
    notes, and the rejected rows with their reasons."""

    def __init__(self, read: TableRead) -> None:
        self.read = read
        self.layer = read.layer
        self.data = read.data
        self.out = pd.DataFrame(index=read.data.index)
        self.notes: list[Note] = []
        self.rej: dict[int, list[Note]] = {}
        self.head = defaultdict(str, {f: h for h, f in read.columns_found.items()})

    def reject(self, mask, zh, en) -> None:
        for r in self.data.index[np.asarray(mask, dtype=bool)]:
            self.rej.setdefault(int(r), []).append((zh(r), en(r)))

    def col(self, fld: str) -> pd.Series:
        data = self.data
        return data[fld] if fld in data else pd.Series("", index=data.index, dtype=object)

    def header(self, fld: str) -> str:
        """The column's header, with the unit of a units row under it in brackets."""
        head, unit = self.head[fld], self.read.units.get(fld, "")
        if unit and not re.search(r"[(（][^()（）]*[)）]\s*$", head):
            return f"{head}({unit})"
        return head


#: Columns a kind of table cannot do without (``kind`` is optional for stations).
_REQUIRED_COLUMNS = {
    "facilities": ("name", "kind"),
    "stations": ("name",),
    "sites": ("name",),
    "indicators": ("village", "year"),
    "cadres": ("cadre_name",),
    "pairings": ("household_id", "cadre"),
    "teams": ("village", "start_date"),
    "visits": ("household_id", "visit_date"),
    "measures": ("household_id", "measure_type", "year"),
    "projects": ("name", "village"),
    "exit_plans": ("household_id", "plan_year"),
    "operations": ("year",),
}
#: Columns of which a kind of table needs one at least: an operations report names each
#: station by id or by name.
_ONE_OF = {"operations": ("station", "facility_id")}
#: An id column that stands in for the required columns its id is otherwise made from: a
#: file of ids and the columns it changes (措施编号 and 落实情况) updates known records.
_ID_INSTEAD = {
    "cadres": "cadre_id",
    "visits": "visit_id",
    "measures": "measure_id",
    "projects": "project_id",
}
_KIND_ZH = {
    "facilities": "设施表",
    "stations": "电商网点表",
    "sites": "安置点表",
    "indicators": "指标表",
    "cadres": "帮扶责任人表",
    "pairings": "结对帮扶表",
    "teams": "驻村工作队表",
    "visits": "走访记录表",
    "measures": "帮扶措施表",
    "projects": "扶贫项目表",
    "exit_plans": "脱贫计划表",
    "operations": "网点运营情况表",
}


def _field_label(layer: str, fld: str) -> tuple[str, str]:
    if fld in _PSEUDO_FIELDS:
        return _PSEUDO_FIELDS[fld]
    col = LAYERS[layer].column(fld)
    return col.zh, col.en


def _nearest_headers(read: TableRead, fld: str) -> list[str]:
    """The file's headers not read that look most like ``fld``'s (nearest first)."""
    return [h for h, near in read.unrecognised.items() if fld in near]


def _absent_column(read: TableRead, kind: str, flds: Sequence[str], extra: Note = ("", "")):
    """The one file-level message for a required column (or one of ``flds``) the file lacks."""
    zh_label = "或".join(f"{_field_label(read.layer, f)[0]}（{f}）" for f in flds)
    en_label = " or ".join(f"{_field_label(read.layer, f)[1]} ({f})" for f in flds)
    near = [(h, f) for f in flds for h in _nearest_headers(read, f)]
    if near:
        hints = [f"「{h}」（--columns 行 {columns_hint(h, [f])}）" for h, f in near[:3]]
        hints_en = [f"{h!r} (--columns line {columns_hint(h, [f])})" for h, f in near[:3]]
        zh_near = "；文件中最接近的表头：" + "、".join(hints)
        en_near = "; the file's nearest headers: " + ", ".join(hints_en)
    else:
        shown = "、".join(read.headers[:12]) or "（无）"
        zh_near = f"；文件中没有相近的表头（表头：{shown}）"
        en_near = f"; no header of the file is near it (headers: {', '.join(read.headers[:12])})"
    return ImportFailed(
        f"{_KIND_ZH[kind]}需要{zh_label}列，文件中没有{extra[0]}{zh_near}。请改表头，或用 "
        "--columns 文件（每行“表头,字段”）、数据导入页的列对应表指明哪一列是它",
        f"the {kind} table needs a {en_label} column and the file has none{extra[1]}{en_near}. "
        'Rename the header, or map it with --columns FILE (a CSV of "source header,field") or '
        "the import page's column grid",
    )


def _require_columns(read: TableRead, kind: str) -> None:
    """Refuse, once for the file, a table without a column its kind cannot do without."""
    if kind not in READ_KINDS:
        raise ImportFailed(f"不能导入「{kind}」表", f"cannot import a {kind!r} table")
    required = _REQUIRED_COLUMNS[kind]
    if _ID_INSTEAD.get(kind) in read.data:
        required = (_ID_INSTEAD[kind],)
    one_of = _ONE_OF.get(kind, ())
    if one_of and not set(one_of) & set(read.data.columns):
        raise _absent_column(read, kind, list(one_of))
    for fld in required:
        if fld not in read.data:
            if fld == "year":
                extra = ("，标题中也没有唯一的年份", ", nor does its title give one year")
                raise _absent_column(read, kind, [fld], extra)
            raise _absent_column(read, kind, [fld])
    points = read.geometry is not None or {"longitude", "latitude"} <= set(read.data.columns)
    placed = LAYERS[read.layer].geometry is not None  # a point: a village or coordinates
    if placed and "village" not in read.data and not points and len(read.data):
        raise _absent_column(
            read,
            kind,
            ["village", "longitude"],
            ("，也没有经纬度，无法定位", " nor longitude/latitude to place the rows"),
        )


def _village_codes(rows: _Rows, villages: gpd.GeoDataFrame) -> pd.Series:
    """Each row's village code from its village cell (a name or a code); unknown ones rejected."""
    resolve = village_resolver(villages)
    vtext = rows.col("village")
    code = vtext.map(lambda v: resolve(v) if v else None)
    rows.reject(
        (vtext != "") & code.isna(),
        lambda r: f"行政村「{vtext[r]}」不在工作空间中",
        lambda r: f"village {vtext[r]!r} is not in the workspace",
    )
    rows.out["village_code"] = code
    return code


def _indicator_values(rows: _Rows) -> None:
    """Year, 是/否 flags and counts of an indicator table; a note names the indicators the
    file does not carry (they keep the workspace's values: :func:`keep_absent`)."""
    data, layer = rows.data, rows.layer
    rows.reject(rows.col("village") == "", lambda r: "行政村为空", lambda r: "village is empty")
    _years(data, rows.out, "year", rows.reject)
    for fld in INDICATOR_FLAGS:
        if fld in data:
            rows.out[fld] = _flags(rows, fld)
    for fld in ("dangerous_houses", "unsafe_water_households", "collective_income"):
        rows.notes += _numbers(
            data,
            rows.out,
            fld,
            layer,
            rows.reject,
            whole=fld != "collective_income",
            header=rows.header(fld),
        )
    absent = [f for f in LAYERS[layer].names if f not in rows.out.columns]
    if absent:
        names = "、".join(LAYERS[layer].column(f).zh for f in absent)
        rows.notes.append(
            (
                f"文件中没有{names}：这些指标不变——已有的村年度保留原值，"
                "新的村年度沿用该村此前最近一年的值",
                f"the file has no {', '.join(absent)}: those indicators stay as they were "
                "(existing village-years keep theirs, new ones take the village's latest "
                "earlier year)",
            )
        )


def _flags(rows: _Rows, fld: str) -> pd.Series:
    """A 是/否 column as booleans; a cell that is neither rejects its row."""
    data = rows.data
    res = tabular.yes_no(data[fld].map(_cell_key), YES_WORDS, NO_WORDS)
    label = LAYERS[rows.layer].column(fld)
    rows.reject(
        (data[fld] != "") & res.isna(),
        lambda r: f"{label.zh}「{data.at[r, fld]}」应为“是”或“否”",
        lambda r: f"{label.en} {data.at[r, fld]!r} should be 是 or 否",
    )
    return res


def _facility_values(rows: _Rows, kind: str) -> None:
    """Kind, name, status, year and id of a facilities or stations table."""
    data, out = rows.data, rows.out
    if "kind" in data:
        out["kind"] = _facility_kinds(rows, kind)
    else:  # stations only: _require_columns refuses a facilities table without kinds
        out["kind"] = "village_station"
        rows.notes.append(
            (
                "文件中没有类型列：全部记为村级电商服务站",
                "no kind column: every row is a village e-commerce station",
            )
        )
    out["name"] = data["name"].replace("", None)
    _facility_status(rows)
    _years(data, out, "opened_year", rows.reject)
    if "facility_id" in data:
        out["facility_id"] = data["facility_id"].replace("", None)
    missing = out["facility_id"].isna() if "facility_id" in out else None
    if missing is None or missing.any():
        gen = [_stable_id("F", f"{k}|{n}") for k, n in zip(out["kind"], data["name"], strict=True)]
        gen_s = pd.Series(gen, index=data.index)
        out["facility_id"] = gen_s if missing is None else out["facility_id"].fillna(gen_s)
        rows.notes.append(
            (
                "没有编号的行按类型与名称生成了固定编号（F- 开头），再次导入时编号不变",
                "rows without 编号 got a stable id from kind and name (F-…), the same "
                "on every import",
            )
        )


def _facility_kinds(rows: _Rows, kind: str) -> pd.Series:
    data = rows.data
    k = data["kind"].map(lambda v: _KINDS.get(_norm(v)) if v else None)
    rows.reject(
        (data["kind"] != "") & k.isna(),
        lambda r: (
            f"类型「{data.at[r, 'kind']}」不是已知设施类型"
            f"（{'、'.join(zh for zh, _ in FACILITY_KINDS.values())}）"
        ),
        lambda r: f"kind {data.at[r, 'kind']!r} is not a known facility kind",
    )
    if kind == "stations":
        k = k.fillna("village_station").where(data["kind"] != "", "village_station")
        rows.reject(
            k.notna() & ~k.isin(SERVICE_TIERS),
            lambda r: (
                f"类型「{data.at[r, 'kind']}」不是电商网点（县级物流中心、"
                "乡镇电商服务中心、村级电商服务站）"
            ),
            lambda r: f"kind {data.at[r, 'kind']!r} is not an e-commerce tier",
        )
    return k


def _facility_status(rows: _Rows) -> None:
    """Status words as existing/planned; an empty cell or no column is None: the upsert keeps
    a known facility's status and makes a new one existing."""
    data = rows.data
    if "status" not in data:
        rows.out["status"] = None
        rows.notes.append(
            (
                "文件中没有状态列：已有设施保留原状态，新设施记为现有",
                "no status column: known facilities keep theirs, new ones are existing",
            )
        )
        return
    s = data["status"].map(lambda v: FACILITY_STATUS_WORDS.get(_norm(v)) if v else None)
    rows.reject(
        (data["status"] != "") & s.isna(),
        lambda r: f"状态「{data.at[r, 'status']}」应为现有或规划",
        lambda r: f"status {data.at[r, 'status']!r} should be 现有 (existing) or 规划",
    )
    rows.out["status"] = s
    blank = int((data["status"] == "").sum())
    if blank:
        rows.notes.append(
            (
                f"{blank} 行状态为空：已有设施保留原状态，新设施记为现有",
                f"{blank} row{'s' if blank > 1 else ''} without a status: known "
                "facilities keep theirs, new ones are existing",
            )
        )


_SITE_NUMBERS = (
    "capacity_households",
    "planned_households",
    "planned_persons",
    "moved_households",
    "moved_persons",
    "demolished_households",
    "built_area_m2",
)


def _site_values(rows: _Rows) -> None:
    """Name, type, status, numbers, year and id of a relocation sites table."""
    data, out = rows.data, rows.out
    out["name"] = data["name"].replace("", None)
    for fld in ("site_type", "status"):
        if fld in data:
            v = data[fld].replace("", None)
            out[fld] = v.map(lambda x: _SITE_STATUS.get(x, x)) if fld == "status" else v
    for fld in _SITE_NUMBERS:
        rows.notes += _numbers(
            data,
            out,
            fld,
            rows.layer,
            rows.reject,
            whole=fld != "built_area_m2",
            header=rows.header(fld),
        )
    _years(data, out, "completed_year", rows.reject)
    if "site_id" in data:
        out["site_id"] = data["site_id"].replace("", None)
    if "site_id" not in out or out["site_id"].isna().any():
        gen_s = pd.Series([_stable_id("S", n) for n in data["name"]], index=data.index)
        out["site_id"] = out["site_id"].fillna(gen_s) if "site_id" in out else gen_s
        rows.notes.append(
            (
                "没有编号的安置点按名称生成了固定编号（S- 开头）",
                "sites without 编号 got a stable id from their name (S-…)",
            )
        )
