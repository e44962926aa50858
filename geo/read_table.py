"""Read hand-kept tables (CSV or Excel) of facilities, stations, relocation sites and indicators.

Township offices keep these lists in spreadsheets with plain Chinese headers (编号, 类型, 名称,
所在行政村, 经度, 纬度, 通硬化路 …), often with a title row above the header. This module finds
the header, recognises the columns and turns each row into the values of one workspace layer;
a row that cannot be read (an unknown village or kind, a 是/否 cell that says something else,
coordinates that are not numbers) is reported with the reason in Chinese and English. Merging
into the workspace is :func:`township_atlas.geo.importing.import_table`.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import warnings
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point

from . import tabular
from .crs import metric_crs, to_metric
from .read_vector import (
    CHINA_LAT,
    CHINA_LON,
    GCJ02_NAMES,
    ImportFailed,
    open_vector,
    reproject_to_wgs84,
    vector_format,
)
from .schema import FACILITY_KINDS, INDICATOR_FLAGS, LAYERS, SERVICE_TIERS, WGS84

Note = tuple[str, str]

#: Kinds of table and the layer each goes into.
TABLE_KINDS = {
    "facilities": "facilities",
    "stations": "facilities",
    "sites": "relocation_sites",
    "indicators": "indicators",
}
#: How far (km) outside the township outline a point may lie and still be taken. Facilities
#: and e-commerce points legitimately lie outside the township: the county hospital and the
#: county logistics centre are in the county seat, which in a county of up to ~3,000 km² (信丰
#: 2,878 km²) lies within about 30 km of any of its townships' edges. Beyond that a point is
#: almost always a mistake (another county, swapped or projected coordinates, a typo in the
#: degrees), while a typo in the first decimal (~10 km) cannot be told from a real county
#: facility: hence the note listing every point taken outside the outline.
REACH_KM = 30.0

_VILLAGE = (
    "所在行政村",
    "行政村",
    "村",
    "村名",
    "所在村",
    "村名称",
    "行政村名称",
    "村(社区)",
    "XZQMC",  # land-survey attribute names, in vector files
)
_VILLAGE_CODE = (
    "行政村代码",
    "村代码",
    "行政区划代码",
    "区划代码",
    "村级代码",
    "village_code",
    "XZQDM",
)
_LON = ("经度", "longitude", "lon", "lng", "x坐标", "东经")
_LAT = ("纬度", "latitude", "lat", "y坐标", "北纬")

#: field -> header spellings (compared after :func:`_norm`); layer columns' own names and
#: Chinese labels are added by :func:`_lookup`.
_HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "facilities": {
        "facility_id": ("编号", "设施编号", "站点编号", "网点编号", "代码", "id"),
        "kind": ("类型", "设施类型", "站点类型", "网点类型", "类别", "层级"),
        "name": ("名称", "设施名称", "站点名称", "网点名称", "服务站名称"),
        "status": ("状态", "建设状态", "现状"),
        "opened_year": ("建成年度", "建成年份", "建成时间", "开业年度", "设立年度"),
    },
    "relocation_sites": {
        "site_id": ("编号", "安置点编号", "代码", "id"),
        "name": ("安置点名称", "名称", "安置点"),
        "site_type": ("安置类型", "安置方式", "类型"),
        "capacity_households": ("设计容量", "设计容量(户)", "容量"),
        "planned_households": ("计划搬迁户数", "计划搬迁户"),
        "planned_persons": ("计划搬迁人数", "计划搬迁人口"),
        "moved_households": ("已入住户数", "入住户数"),
        "moved_persons": ("已入住人数", "入住人数"),
        "built_area_m2": ("建筑面积", "建筑面积(m²)", "建筑面积(m2)", "建筑面积(平方米)"),
        "status": ("建设状态", "状态"),
        "demolished_households": ("已拆旧复垦户数", "拆旧复垦户数", "已拆旧户数"),
        "completed_year": ("建成年度", "建成年份", "竣工年度"),
    },
    "indicators": {
        "year": ("年度", "年份", "年"),
        "road_hardened": ("通硬化路", "是否通硬化路", "通硬化路面"),
        "bus": ("通客运班车", "是否通客运班车", "通客车"),
        "safe_water": ("安全饮水", "饮水安全", "是否安全饮水"),
        "power": ("生产生活用电", "通生产生活用电", "通电"),
        "radio_tv": ("广播电视", "通广播电视"),
        "broadband": ("通宽带", "宽带", "是否通宽带"),
        "clinic": ("标准化卫生室", "有标准化卫生室", "卫生室"),
        "doctor": ("合格村医", "有合格村医", "村医"),
        "activity_centre": ("文化活动室", "有文化活动室", "综合文化服务中心"),
        "dangerous_houses": ("危房户数", "危房户", "危房数"),
        "unsafe_water_households": ("饮水不安全户数", "饮水不安全户"),
        "collective_income": (
            "村集体经济收入(万元)",
            "村集体经济收入",
            "集体经济收入",
            "村集体收入",
        ),
    },
}

#: Indicator tables also say 已通/未通 (a road, a bus) and 达标/不达标 (a clinic, water).
_YES = tabular.YES_WORDS | {"已通", "达标"}
_NO = tabular.NO_WORDS | {"未通", "不达标"}
#: Status words of a facilities table → stored status (templates offer the Chinese ones).
FACILITY_STATUS_WORDS = {
    "existing": "existing",
    "现有": "existing",
    "已建": "existing",
    "已建成": "existing",
    "建成": "existing",
    "在用": "existing",
    "运营": "existing",
    "运营中": "existing",
    "正常运营": "existing",
    "planned": "planned",
    "规划": "planned",
    "拟建": "planned",
    "计划": "planned",
    "计划建设": "planned",
    "规划新建": "planned",
    "在建": "planned",
}
_SITE_STATUS = {"已建成": "建成", "入住": "已入住", "已搬迁入住": "已入住", "正在建设": "在建"}
_KIND_SYNONYMS = {
    "卫生室": "clinic",
    "村卫生所": "clinic",
    "卫生院": "township_hospital",
    "中心卫生院": "township_hospital",
    "小学": "school",
    "中学": "school",
    "初中": "school",
    "中心小学": "school",
    "园区": "industrial_park",
    "产业园": "industrial_park",
    "产业园区": "industrial_park",
    "龙头企业": "agribusiness",
    "物流中心": "county_logistics",
    "县级物流配送中心": "county_logistics",
    "县物流中心": "county_logistics",
    "电商服务中心": "township_ecommerce",
    "乡镇电商服务站": "township_ecommerce",
    "乡级电商服务中心": "township_ecommerce",
    "电商服务站": "village_station",
    "村电商服务站": "village_station",
    "村级电商服务点": "village_station",
    "村级电商服务站点": "village_station",
    "电商服务站点": "village_station",
    "村级服务站": "village_station",
    "村级站": "village_station",
}


def _norm(text: object) -> str:
    """Comparison key: NFKC (full-width → half-width), case-folded, no spaces, _ - or *."""
    value = unicodedata.normalize("NFKC", "" if text is None else str(text)).casefold()
    return re.sub(r"[\s_\-*]+", "", value)


def _kind_lookup() -> dict[str, str]:
    out = {_norm(k): v for k, v in _KIND_SYNONYMS.items()}
    for key, (zh, en) in FACILITY_KINDS.items():
        out[_norm(key)] = key
        out[_norm(zh)] = key
        out[_norm(en)] = key
    return out


_KINDS = _kind_lookup()


def _lookup(layer: str) -> dict[str, str]:
    """Header key -> field (layer column, or ``village``, ``longitude``, ``latitude``)."""
    out: dict[str, str] = {}
    extra: dict[str, tuple[str, ...]] = {"longitude": _LON, "latitude": _LAT}
    extra["village"] = _VILLAGE + _VILLAGE_CODE
    for fld, names in {**_HEADERS[layer], **extra}.items():
        for n in names:
            out.setdefault(_norm(n), fld)
    for col in LAYERS[layer].columns:
        target = "village" if col.name == "village_code" else col.name
        out.setdefault(_norm(col.name), target)
        out.setdefault(_norm(col.zh), target)
    return out


#: Fields of a table that are not layer columns: the village (name or code) and the point.
_PSEUDO_FIELDS: dict[str, tuple[str, str]] = {
    "village": ("所在行政村（名称或代码）", "Village (name or code)"),
    "longitude": ("经度", "Longitude"),
    "latitude": ("纬度", "Latitude"),
}


def recognised_headers(kind: str, headers: Sequence[str]) -> dict[str, str]:
    """Header → field for the ``headers`` of a ``kind`` table this reader recognises by name
    (the first header naming a field wins)."""
    lookup = _lookup(TABLE_KINDS[kind])
    out: dict[str, str] = {}
    for header in headers:
        fld = _field_of(header, lookup)
        if fld and fld not in out.values():
            out[header] = fld
    return out


def mappable_fields(kind: str) -> list[tuple[str, str, str]]:
    """The fields a header of a ``kind`` table may be mapped to, as (field, zh, en).

    Parameters
    ----------
    kind : str
        ``facilities``, ``stations``, ``sites`` or ``indicators``.

    Returns
    -------
    list of (field, label_zh, label_en)
        The layer's columns (``village_code`` as the ``village`` pseudo-field, which takes a
        name or a code) and, for point layers, ``longitude`` and ``latitude``. Any of these
        fields is a valid target in ``read_table(columns=...)``; an empty target drops a column.
    """
    if kind not in TABLE_KINDS:
        raise ImportFailed(f"不能导入「{kind}」表", f"cannot import a {kind!r} table")
    layer = LAYERS[TABLE_KINDS[kind]]
    out = [("village", *_PSEUDO_FIELDS["village"])]
    out += [(c.name, c.zh, c.en) for c in layer.columns if c.name != "village_code"]
    if layer.geometry is not None:  # indicators have no point: lon/lat would be dropped
        out += [(f, *_PSEUDO_FIELDS[f]) for f in ("longitude", "latitude")]
    return out


def _field_of(header: object, lookup: Mapping[str, str]) -> str | None:
    key = _norm(header)
    if not key:
        return None
    if key in lookup:
        return lookup[key]
    bare = re.sub(r"\(.*\)$", "", key)  # 设计容量(户) -> 设计容量
    return lookup.get(bare)


@dataclass(frozen=True)
class TableRead:
    """What :func:`read_table` found: one row per source row (``source_row`` as the
    spreadsheet shows it) with the recognised fields as text, and the header it read them by."""

    layer: str
    data: pd.DataFrame
    columns_found: Mapping[str, str]
    notes: tuple[Note, ...]
    what: str
    #: Every non-empty header of the file, in file order, recognised or not (each once);
    #: for a vector file its attribute names (not the geometry).
    headers: tuple[str, ...] = ()
    #: A vector file's features as read (file CRS, same index as ``data``); None for a table.
    #: :func:`rows_to_layer` reads the CRS (``--crs``, the file's, or inferred) and the points.
    geometry: gpd.GeoSeries | None = None


def _user_map(layer: str, columns: Mapping[str, str] | None) -> dict[str, str]:
    lookup = _lookup(layer)
    fields = set(lookup.values())
    out: dict[str, str] = {}
    for src, dst in (columns or {}).items():
        target = str(dst or "").strip()
        if target == "village_code":
            target = "village"
        if target and target not in fields:
            target = lookup.get(_norm(target), "")
            if not target:
                raise ImportFailed(
                    f"列对应关系中的目标「{dst}」不是{LAYERS[layer].zh}的字段",
                    f"column mapping target {dst!r} is not a field of {layer}",
                )
        out[_norm(src)] = target
    return out


def _match(header: list[str], lookup, user) -> dict[str, str]:
    """``"i:header"`` -> field, one header per field: the user's mapping first (so a header
    mapped by hand wins over one recognised by name), then the recognised headers in order."""
    found: dict[str, str] = {}
    taken: set[str] = set()
    for by_user in (True, False):
        for i, cell in enumerate(header):
            key = _norm(cell)
            if f"{i}:{cell}" in found or (key in user) != by_user:
                continue
            fld = user[key] if by_user else _field_of(cell, lookup)
            if fld and fld not in taken:
                found[f"{i}:{cell}"] = fld
                taken.add(fld)
    return dict(sorted(found.items(), key=lambda kv: int(kv[0].split(":", 1)[0])))


def _header_score(cells, lookup, user) -> int:
    found = set()
    for c in cells:
        key = _norm(tabular.cell_text(c))
        fld = user.get(key) if key in user else _field_of(tabular.cell_text(c), lookup)
        if fld:
            found.add(fld)
    return len(found)


def _find_header(rows, lookup, user) -> int | None:
    # at least two fields recognised; the row recognising the most
    return tabular.find_header(
        rows, lambda cells: _header_score(cells, lookup, user), lambda n: n > 1
    )


def _no_header(layer: str) -> ImportFailed:
    heads = {
        "facilities": "编号、类型、名称、所在行政村、经度、纬度",
        "relocation_sites": "安置点名称、安置类型、设计容量、建设状态",
        "indicators": "行政村、年度、通硬化路、安全饮水",
    }[layer]
    rows = tabular.HEADER_SEARCH_ROWS
    return ImportFailed(
        f"在前 {rows} 行中找不到可识别的表头（如 {heads}）；请用 --columns 指明各列",
        f"no recognisable header in the first {rows} rows (such as {heads}); "
        "map the columns with --columns",
    )


def _rows_of(
    path: Path, sheet: str | None, layer: str, lookup, user
) -> tuple[list[list[object]], int, str]:
    """All rows of the table (as cells), the header's position and what was read."""
    if tabular.file_kind(path) == "excel":
        found = tabular.first_sheet_with_header(
            path, sheet, lambda rows: _find_header(rows, lookup, user)
        )
        if found is None:
            raise _no_header(layer)
        name, rows, h, _ = found
        return rows, h, f"Excel, sheet {name}"
    text, encoding = tabular.decode_text(path.read_bytes())
    best = tabular.best_delimiter(
        lambda delim: tabular.csv_rows(text, delim),
        lambda rows: _find_header(rows, lookup, user),
        lambda cells: _header_score(cells, lookup, user),
    )
    if best is None:
        raise _no_header(layer)
    delim, rows, h = best
    return rows, h, tabular.describe_csv(encoding, delim)


def read_table(
    source: str | os.PathLike,
    kind: str,
    *,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> TableRead:
    """The rows of a facilities/stations/sites/indicators table as text, by field.

    ``source`` is a table (CSV, Excel) or a vector file (GeoJSON, GeoPackage, Shapefile zipped
    or bare, KML): then each feature is a row, its attributes are recognised by the same
    headers, and its point stands for the longitude/latitude (read in :func:`rows_to_layer`).
    ``sheet`` names the sheet of a workbook, or the layer of a GeoPackage/KML or the Shapefile
    of a ZIP holding several. ``columns`` maps a source header to a field (a layer column, its
    Chinese label, or ``village``/``longitude``/``latitude``); an empty target drops it.

    Raises :class:`~township_atlas.geo.read_vector.ImportFailed` when the file cannot be read,
    has no recognisable header, or is a vector file of facilities, stations or sites without
    a single point (village boundaries given by mistake, say).
    """
    if kind not in TABLE_KINDS:
        raise ImportFailed(f"不能导入「{kind}」表", f"cannot import a {kind!r} table")
    layer = TABLE_KINDS[kind]
    path = Path(source)
    if not path.is_file():
        raise ImportFailed(f"找不到文件 {path}", f"no file at {path}")
    lookup = _lookup(layer)
    user = _user_map(layer, columns)
    fmt = vector_format(path)
    if fmt is not None:
        return _read_vector(path, fmt, kind, sheet, lookup, user)
    rows, h, what = _rows_of(path, sheet, layer, lookup, user)
    header = [tabular.cell_text(c) for c in rows[h]]
    found = _match(header, lookup, user)
    taken = set(found.values())
    body = []
    index = []
    for n, cells in enumerate(rows[h + 1 :], start=h + 2):
        texts = [tabular.cell_text(c) for c in cells]
        if not any(texts):
            continue
        if re.match(r"^(合计|总计|小计|汇总|填表|制表|审核|备注|说明|注[:：])", texts[0] or ""):
            continue
        rec = {}
        for key, fld in found.items():
            i = int(key.split(":", 1)[0])
            rec[fld] = texts[i] if i < len(texts) else ""
        body.append(rec)
        index.append(n)
    data = pd.DataFrame(body, index=pd.Index(index, name="source_row"), columns=sorted(taken))
    data = data.fillna("").astype(object)
    columns_found = {k.split(":", 1)[1]: v for k, v in found.items()}
    notes: list[Note] = [
        (
            f"读取 {what}：第 {h + 1} 行为表头，识别的列："
            + "、".join(f"{k}→{v}" for k, v in columns_found.items()),
            f"read {what}: header on row {h + 1}; columns recognised: "
            + ", ".join(f"{k}→{v}" for k, v in columns_found.items()),
        )
    ]
    headers = tuple(dict.fromkeys(c for c in header if c))
    return TableRead(layer, data, columns_found, tuple(notes), what, headers)


_FORMAT_NAMES = {
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
    "zip": "ZIP",
    "shp": "Shapefile",
    "kml": "KML",
}
_POINT_TYPES = ("Point", "MultiPoint")


def _read_vector(path: Path, fmt: str, kind: str, layer_name, lookup, user) -> TableRead:
    """A vector file's features as the rows of a table: attributes as text, the geometry kept
    as read for :func:`rows_to_layer`."""
    layer = TABLE_KINDS[kind]
    wants_points = LAYERS[layer].geometry is not None
    purpose = ("点位", "points") if wants_points else ("要素", "features")
    raw, _encoding, notes = open_vector(
        path, layer_name, prefer="point" if wants_points else "polygon", purpose=purpose
    )
    raw = raw.reset_index(drop=True)
    geom_name = raw.geometry.name
    headers = [str(c) for c in raw.columns if c != geom_name]
    found = _match(headers, lookup, user)
    xy = {k: f for k, f in found.items() if f in ("longitude", "latitude")}
    for k in xy:  # the feature's own point is where it is; coordinate attributes are not read
        del found[k]
    index = pd.RangeIndex(1, len(raw) + 1, name="source_row")  # feature number, from 1
    data = pd.DataFrame(
        {
            fld: [_attr_text(v) for v in raw[headers[int(k.split(":", 1)[0])]]]
            for k, fld in found.items()
        },
        index=index,
        columns=sorted(found.values()),
    ).astype(object)
    geometry = gpd.GeoSeries(raw.geometry.to_numpy(), index=index, crs=raw.crs)
    what = f"{_FORMAT_NAMES[fmt]} {path.name}"
    if wants_points:
        _refuse_without_points(geometry, path.name, kind)
    columns_found = {k.split(":", 1)[1]: v for k, v in found.items()}
    notes = [
        (
            f"读取 {what}：{len(raw)} 个要素，识别的属性："
            + ("、".join(f"{k}→{v}" for k, v in columns_found.items()) or "（无）"),
            f"read {what}: {len(raw)} features; attributes recognised: "
            + (", ".join(f"{k}→{v}" for k, v in columns_found.items()) or "(none)"),
        ),
        *notes,
    ]
    if xy and wants_points:
        cols = "、".join(k.split(":", 1)[1] for k in xy)
        notes.append(
            (
                f"位置取自要素的几何图形，{cols} 列不使用",
                f"positions come from the features' geometry; {cols.replace('、', ', ')} not used",
            )
        )
    return TableRead(layer, data, columns_found, tuple(notes), what, tuple(headers), geometry)


def _attr_text(value: object) -> str:
    """An attribute as text ('' for missing values of any kind: None, NaN, NaT, NA)."""
    try:
        if value is None or bool(pd.isna(value)):
            return ""
    except (TypeError, ValueError):  # array-like values: take their text
        pass
    return tabular.cell_text(value)


def _refuse_without_points(geometry: gpd.GeoSeries, name: str, kind: str) -> None:
    """A vector file for a point layer with features but not one point is the wrong file."""
    present = geometry[~geometry.isna() & ~geometry.is_empty]
    if not len(present) or present.geom_type.isin(_POINT_TYPES).any():
        return
    types = "、".join(dict.fromkeys(present.geom_type))
    what = {"facilities": "设施", "stations": "电商网点", "sites": "安置点"}[kind]
    raise ImportFailed(
        f"{name} 中的要素是 {types}，没有点：{what}需要点文件（每个{what}一个点）。"
        "若这是村界，请用 import villages 导入；若要以面代表位置，请先在 GIS 中“要素转点”，"
        "或改用含经纬度的表格",
        f"{name} holds {types.replace('、', ', ')} features and no points: {kind} need a point "
        "file (one point each). If these are village boundaries import them with import "
        "villages; to place each at its polygon, convert features to points in a GIS first, "
        "or use a table with longitude and latitude",
    )


# ----------------------------------------------------------------------------- rows -> layer
def village_resolver(villages: gpd.GeoDataFrame):
    """A function: village name or code (as text) -> the village code, or None."""
    names = villages["name"].astype(str)
    return tabular.village_resolver(dict(zip(names, villages["code"].astype(str), strict=True)))


def village_anchors(villages: gpd.GeoDataFrame) -> dict[str, Point]:
    """Village code -> a point inside its polygon, found in a metre CRS, in WGS84."""
    metric = to_metric(villages.to_crs(WGS84))
    pts = gpd.GeoSeries(metric.representative_point(), crs=metric.crs).to_crs(WGS84)
    return dict(zip(villages["code"].astype(str), pts, strict=True))


@dataclass(frozen=True)
class TableRows:
    """The table's rows as layer values (``frame``, indexed by source row) and the rows that
    could not be read (source_row -> (zh, en))."""

    frame: pd.DataFrame
    rejected: dict[int, list[Note]]
    notes: list[Note]
    #: How the coordinates were read ("EPSG:4326", "GCJ-02", a file's CRS), None without any.
    crs_used: str | None = None


def rows_to_layer(
    read: TableRead,
    kind: str,
    villages: gpd.GeoDataFrame,
    *,
    crs: str | None = None,
    outline: gpd.GeoDataFrame | None = None,
) -> TableRows:
    """Turn the text of each row into the layer's values; bad cells reject their row.

    Parameters
    ----------
    read : TableRead
        What :func:`read_table` found.
    kind : str
        ``facilities``, ``stations``, ``sites`` or ``indicators``.
    villages : GeoDataFrame
        The workspace's villages: names and codes resolve against them, and a row without
        coordinates is placed at its village's anchor point.
    crs : str, optional
        How the coordinates are to be read: ``gcj02`` for AMap/Tencent coordinates (tables
        take WGS84/CGCS2000 or GCJ-02 degrees).
    outline : GeoDataFrame, optional
        The township outline; the union of ``villages`` when None or empty. A point within
        :data:`REACH_KM` of it is taken (a note counts those outside it); a point farther is
        rejected with the likely cause (longitude and latitude swapped, projected metres,
        degrees-minutes-seconds, a wrong column or CRS).
    """
    layer = read.layer
    data = read.data
    notes: list[Note] = []
    rej: dict[int, list[Note]] = {}
    out = pd.DataFrame(index=data.index)

    def reject(mask, zh, en) -> None:
        for r in data.index[np.asarray(mask, dtype=bool)]:
            rej.setdefault(int(r), []).append((zh(r), en(r)))

    head = defaultdict(str, {f: h for h, f in read.columns_found.items()})  # field -> header

    def col(fld: str) -> pd.Series:
        return data[fld] if fld in data else pd.Series("", index=data.index, dtype=object)

    # ---- village
    resolve = village_resolver(villages)
    vtext = col("village")
    code = vtext.map(lambda v: resolve(v) if v else None)
    reject(
        (vtext != "") & code.isna(),
        lambda r: f"行政村「{vtext[r]}」不在工作空间中",
        lambda r: f"village {vtext[r]!r} is not in the workspace",
    )
    out["village_code"] = code

    if layer == "indicators":
        if "village" not in data:
            raise ImportFailed("指标表需要行政村列（行政村/村名/行政村代码）", _needs("village"))
        if "year" not in data:
            raise ImportFailed("指标表需要年度列", _needs("year"))
        reject(vtext == "", lambda r: "行政村为空", lambda r: "village is empty")
        _years(data, out, "year", reject)
        for fld in INDICATOR_FLAGS:
            if fld not in data:
                continue
            v = data[fld].map(_norm).str.replace(r"^([01])\.0+$", r"\1", regex=True)
            res = tabular.yes_no(v, _YES, _NO)
            label = LAYERS[layer].column(fld)
            reject(
                (v != "") & res.isna(),
                lambda r, f=fld, lab=label: f"{lab.zh}「{data.at[r, f]}」应为“是”或“否”",
                lambda r, f=fld, lab=label: f"{lab.en} {data.at[r, f]!r} should be 是 or 否",
            )
            out[fld] = res
        for fld in ("dangerous_houses", "unsafe_water_households", "collective_income"):
            notes += _numbers(
                data, out, fld, layer, reject, whole=fld != "collective_income", header=head[fld]
            )
        absent = [f for f in LAYERS[layer].names if f not in out.columns]
        if absent:
            names = "、".join(LAYERS[layer].column(f).zh for f in absent)
            notes.append(
                (
                    f"文件中没有{names}：已有的村年度保留原值，新的村年度须补全",
                    f"the file has no {', '.join(absent)}: existing village-years keep theirs; "
                    "new ones need them",
                )
            )
        return TableRows(out, rej, notes)

    # ---- facilities / stations
    if layer == "facilities":
        if "name" not in data:
            raise ImportFailed("设施表需要名称列", _needs("name"))
        if "kind" in data:
            k = data["kind"].map(lambda v: _KINDS.get(_norm(v)) if v else None)
            reject(
                (data["kind"] != "") & k.isna(),
                lambda r: (
                    f"类型「{data.at[r, 'kind']}」不是已知设施类型"
                    f"（{'、'.join(zh for zh, _ in FACILITY_KINDS.values())}）"
                ),
                lambda r: f"kind {data.at[r, 'kind']!r} is not a known facility kind",
            )
            if kind == "stations":
                k = k.fillna("village_station").where(data["kind"] != "", "village_station")
                other = k.notna() & ~k.isin(SERVICE_TIERS)
                reject(
                    other,
                    lambda r: (
                        f"类型「{data.at[r, 'kind']}」不是电商网点（县级物流中心、"
                        "乡镇电商服务中心、村级电商服务站）"
                    ),
                    lambda r: f"kind {data.at[r, 'kind']!r} is not an e-commerce tier",
                )
            out["kind"] = k
        elif kind == "stations":
            out["kind"] = "village_station"
            notes.append(
                (
                    "文件中没有类型列：全部记为村级电商服务站",
                    "no kind column: every row is a village e-commerce station",
                )
            )
        else:
            raise ImportFailed("设施表需要类型列（村卫生室、学校……）", _needs("kind"))
        out["name"] = data["name"].replace("", None)
        if "status" in data:
            # an empty cell is None like an absent column: the upsert keeps a known facility's
            # status and makes a new one existing
            s = data["status"].map(lambda v: FACILITY_STATUS_WORDS.get(_norm(v)) if v else None)
            reject(
                (data["status"] != "") & s.isna(),
                lambda r: f"状态「{data.at[r, 'status']}」应为现有或规划",
                lambda r: f"status {data.at[r, 'status']!r} should be 现有 (existing) or 规划",
            )
            out["status"] = s
            blank = int((data["status"] == "").sum())
            if blank:
                notes.append(
                    (
                        f"{blank} 行状态为空：已有设施保留原状态，新设施记为现有",
                        f"{blank} row{'s' if blank > 1 else ''} without a status: known "
                        "facilities keep theirs, new ones are existing",
                    )
                )
        else:
            out["status"] = None  # the workspace's status, or existing for a new one
            notes.append(
                (
                    "文件中没有状态列：已有设施保留原状态，新设施记为现有",
                    "no status column: known facilities keep theirs, new ones are existing",
                )
            )
        _years(data, out, "opened_year", reject)
        if "facility_id" in data:
            out["facility_id"] = data["facility_id"].replace("", None)
        missing = out["facility_id"].isna() if "facility_id" in out else None
        if missing is None or missing.any():
            gen = [
                _stable_id("F", f"{k}|{n}") for k, n in zip(out["kind"], data["name"], strict=True)
            ]
            gen_s = pd.Series(gen, index=data.index)
            out["facility_id"] = gen_s if missing is None else out["facility_id"].fillna(gen_s)
            notes.append(
                (
                    "没有编号的行按类型与名称生成了固定编号（F- 开头），再次导入时编号不变",
                    "rows without 编号 got a stable id from kind and name (F-…), the same "
                    "on every import",
                )
            )
    else:  # relocation sites
        if "name" not in data:
            raise ImportFailed("安置点表需要安置点名称列", _needs("name"))
        out["name"] = data["name"].replace("", None)
        for fld in ("site_type", "status"):
            if fld in data:
                v = data[fld].replace("", None)
                out[fld] = v.map(lambda x: _SITE_STATUS.get(x, x)) if fld == "status" else v
        for fld in (
            "capacity_households",
            "planned_households",
            "planned_persons",
            "moved_households",
            "moved_persons",
            "demolished_households",
            "built_area_m2",
        ):
            notes += _numbers(
                data, out, fld, layer, reject, whole=fld != "built_area_m2", header=head[fld]
            )
        _years(data, out, "completed_year", reject)
        if "site_id" in data:
            out["site_id"] = data["site_id"].replace("", None)
        if "site_id" not in out or out["site_id"].isna().any():
            gen_s = pd.Series([_stable_id("S", n) for n in data["name"]], index=data.index)
            out["site_id"] = out["site_id"].fillna(gen_s) if "site_id" in out else gen_s
            notes.append(
                (
                    "没有编号的安置点按名称生成了固定编号（S- 开头）",
                    "sites without 编号 got a stable id from their name (S-…)",
                )
            )
    if read.geometry is not None:
        coords = _vector_coordinates(read.geometry, data, reject, crs)
    elif "longitude" in data and "latitude" in data:
        coords = _table_coordinates(data, reject, crs)
    else:
        coords = Coords.none(data.index)
    geoms, anchored_rows, more = _points(
        data,
        code,
        villages,
        reject,
        coords,
        _outline_shape(outline, villages),
        vector=read.geometry is not None,
    )
    notes += more
    if "village" not in data:  # a point tells its village
        inside = _village_of(geoms, villages)
        inside.index = out.index
        out["village_code"] = inside
        if inside.notna().any():
            notes.append(
                (
                    "文件中没有所在行政村：按坐标所在的村界确定",
                    "no village column: each point's village is the one it lies in",
                )
            )
    # a row placed at its village's anchor keeps the point the workspace already has
    out["_anchored"] = [bool(a) for a in anchored_rows]
    frame = gpd.GeoDataFrame(out, geometry=geoms, crs=WGS84)
    return TableRows(frame, rej, notes, coords.crs_used)


def _outline_shape(outline: gpd.GeoDataFrame | None, villages: gpd.GeoDataFrame):
    """The township as one WGS84 shape: ``outline``, or the union of the villages."""
    if outline is not None and len(outline):
        return outline.to_crs(WGS84).union_all()
    return villages.to_crs(WGS84).union_all()


def _needs(what: str) -> str:
    return f"the table needs a {what} column"


def _stable_id(prefix: str, text: str) -> str:
    return f"{prefix}-{hashlib.sha1(text.encode()).hexdigest()[:8].upper()}"


def _years(data, out, fld, reject) -> None:
    if fld not in data:
        return
    text = data[fld]
    found, not_year = tabular.years(text)
    out[fld] = found.astype("Int64")
    reject(
        not_year,
        lambda r: f"年度「{text[r]}」不是年份",
        lambda r: f"year {text[r]!r} is not a year",
    )


#: Column unit (the schema's) -> the units a number cell (or its header, in brackets) may be
#: written in, compared after NFKC and case folding (㎡ and m² are m2), and what to divide by
#: to get the column's unit; '' is a bare number. Any other unit rejects the row.
_UNITS: dict[str, dict[str, float]] = {
    "户": {"": 1, "户": 1},
    "人": {"": 1, "人": 1},
    "万元": {"": 1, "万": 1, "万元": 1, "元": 10_000},
    "m²": {"": 1, "m2": 1, "平方米": 1, "平米": 1},
}
_NUMBER = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(.*)$")


def _unit_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace(" ", "")


def _numbers(data, out, fld, layer, reject, *, whole: bool, header: str = "") -> list[Note]:
    """Read ``fld`` as numbers in its column's unit: a unit after the number (5万元, 50000元,
    3户) or in the header's brackets (村集体经济收入(元)) is converted when it measures the
    same thing (元 -> 万元) and rejects the row when it does not (12人 in 万元, 3km in 户).
    Returns a note when the header's unit is converted."""
    if fld not in data:
        return []
    lab = LAYERS[layer].column(fld)
    units = _UNITS.get(lab.unit, {"": 1})
    m = re.search(r"[(（]([^()（）]*)[)）]\s*$", header)
    head_unit = _unit_key(m[1]) if m else ""
    if head_unit in units:  # a bare number is in the header's unit
        units = {**units, "": units[head_unit]}
    text = data[fld].map(lambda v: re.sub(r"[,，\s]", "", _unit_key(v)))
    parts = text.str.extract(_NUMBER)
    value = pd.to_numeric(parts[0], errors="coerce")
    unit = parts[1].fillna("")
    div = unit.map(units)
    num = value / div
    no_number = (text != "") & value.isna()
    wrong_unit = value.notna() & div.isna()
    not_whole = value.notna() & div.notna() & ((num % 1 != 0) if whole else False)
    what_zh, what_en = ("整数", "whole number") if whole else ("数值", "number")
    reject(
        no_number | not_whole,
        lambda r: f"{lab.zh}「{data.at[r, fld]}」不是{what_zh}",
        lambda r: f"{lab.en} {data.at[r, fld]!r} is not a {what_en}",
    )
    fits = "、".join(u for u in _UNITS.get(lab.unit, {}) if u)
    reject(
        wrong_unit,
        lambda r: (
            f"{lab.zh}「{data.at[r, fld]}」的单位「{unit[r]}」不适用于本列（单位 {lab.unit}"
            + (f"，可写 {fits}" if fits else "")
            + "）"
        ),
        lambda r: (
            f"{lab.en} {data.at[r, fld]!r}: unit {unit[r]!r} does not fit the column (in "
            + (f"{lab.unit}; write {fits.replace('、', ', ')})" if fits else "plain numbers)")
        ),
    )
    out[fld] = num.where(~(no_number | wrong_unit | not_whole))
    if units[""] != 1 and (value.notna() & (unit == "")).any():
        return [
            (
                f"{header} 列按表头单位 {m[1]} 读取，换算为{lab.unit}",
                f"{header} read in the header's unit {m[1]} and converted to {lab.unit}",
            )
        ]
    return []


@dataclass(frozen=True)
class Coords:
    """Each row's longitude and latitude as WGS84 numbers, the rows that gave a position
    (``given``), those whose position is a readable point (``ok``), notes on how they were
    read, and the reading (``crs_used``, None without any)."""

    lon: pd.Series
    lat: pd.Series
    given: pd.Series
    ok: pd.Series
    notes: list[Note]
    crs_used: str | None

    @classmethod
    def none(cls, index: pd.Index) -> Coords:
        """No positions at all: every row goes to its village's anchor point."""
        nan, no = pd.Series(np.nan, index=index), pd.Series(False, index=index)
        return cls(nan, nan.copy(), no, no.copy(), [], None)


def _table_coordinates(data, reject, crs) -> Coords:
    """Longitude and latitude of each row as numbers (GCJ-02 shifted to WGS84 when asked),
    the rows that gave coordinates, and which of them are readable; unreadable rows rejected."""
    notes: list[Note] = []
    lon = pd.to_numeric(data["longitude"], errors="coerce")
    lat = pd.to_numeric(data["latitude"], errors="coerce")
    given = (data["longitude"] != "") | (data["latitude"] != "")
    unreadable = given & (lon.isna() | lat.isna())
    reject(
        unreadable,
        lambda r: f"经纬度「{data.at[r, 'longitude']}, {data.at[r, 'latitude']}」不是数值",
        lambda r: (
            f"coordinates {data.at[r, 'longitude']!r}, {data.at[r, 'latitude']!r} are not numbers"
        ),
    )
    ok = given & ~unreadable
    label = None
    if crs and _norm(crs) in ("gcj02", "gcj-02", "火星坐标"):
        from .gcj02 import gcj02_to_wgs84

        # only plausible degrees: a swapped or projected pair is judged as given, below
        shift = ok & lon.between(*CHINA_LON) & lat.between(*CHINA_LAT)
        x, y = gcj02_to_wgs84(lon[shift].to_numpy(), lat[shift].to_numpy())
        lon[shift], lat[shift] = x, y
        notes.append(("经纬度按 GCJ-02 读取并转换为 WGS84", "coordinates read as GCJ-02"))
        label = "GCJ-02"
    elif crs and _norm(crs) not in ("wgs84", "epsg:4326", "4326", "epsg:4490", "cgcs2000"):
        raise ImportFailed(
            f"表格的经纬度只能是 WGS84（或 CGCS2000）或 GCJ-02，不支持 --crs {crs}",
            f"table coordinates are WGS84 (or CGCS2000) or GCJ-02; --crs {crs} not supported",
        )
    elif ok.any():
        notes.append(
            (
                "经纬度按 WGS84 读取（CGCS2000 与之相差不到 1 米）；"
                "若来自高德/腾讯地图请加 --crs gcj02",
                "longitude/latitude read as WGS84 (CGCS2000 differs by under 1 m); "
                "add --crs gcj02 for coordinates from Amap/Tencent maps",
            )
        )
        label = "EPSG:4326"
    return Coords(lon, lat, given, ok, notes, label)


def _vector_coordinates(geometry: gpd.GeoSeries, data, reject, crs) -> Coords:
    """Like :func:`_table_coordinates`, from a vector file's features: each point in WGS84
    (``crs``, the file's CRS, or one inferred as for boundaries, but judged on the points that
    read well when at least half do: a swapped or projected point among them is rejected by
    :func:`_check_reach` or :func:`_reject_unplaceable`, not the file). A feature that is not one
    point is rejected: a polygon's representative point would pass for a surveyed position,
    and a polygon among points is more likely a stray feature than a facility's footprint."""
    given = pd.Series(~(geometry.isna() | geometry.is_empty).to_numpy(), index=data.index)
    kind = geometry.geom_type.where(given, None)
    parts = shapely.get_num_geometries(geometry.to_numpy())
    single = given & ((kind == "Point") | ((kind == "MultiPoint") & (parts == 1)))
    multi = given & (kind == "MultiPoint") & ~single
    reject(
        multi,
        lambda r: f"要素是含 {parts[data.index.get_loc(r)]} 个点的多点，不是一个点；请拆分为单点",
        lambda r: (
            f"feature is a MultiPoint of {parts[data.index.get_loc(r)]} points, not one point; "
            "split it into single points"
        ),
    )
    other = given & ~single & ~multi
    reject(
        other,
        lambda r: (
            f"几何类型为 {kind[r]}，不是点：设施、网点、安置点只取点要素（可先在 GIS 中要素转点）"
        ),
        lambda r: (
            f"geometry is a {kind[r]}, not a point: facilities, stations and sites take point "
            "features (convert features to points in a GIS first)"
        ),
    )
    lon = pd.Series(np.nan, index=data.index)
    lat = pd.Series(np.nan, index=data.index)
    notes: list[Note] = []
    label = None
    if single.any():
        pts = gpd.GeoSeries(
            shapely.get_geometry(geometry[single].to_numpy(), 0),
            index=data.index[single.to_numpy()],
            crs=geometry.crs,
        )
        _refuse_swapped_axes(pts, crs)
        wgs, choice, notes = reproject_to_wgs84(pts, crs, points=True)
        lon[single], lat[single] = shapely.get_x(wgs), shapely.get_y(wgs)
        label = choice.label
        _reject_unplaceable(pts, lon, lat, choice, data, reject)
    ok = single & lon.notna() & lat.notna()
    return Coords(lon, lat, given, ok, notes, label)


def _reject_unplaceable(pts: gpd.GeoSeries, lon, lat, choice, data, reject) -> None:
    """Reject the points the file's CRS cannot turn into degrees (a projection's infinity: a
    stray point of another CRS, or with X and Y swapped, in a file whose CRS was judged on
    the others), naming the coordinates as written; ``lon``/``lat`` become NaN there."""
    bad = pts.index[~(np.isfinite(lon[pts.index]) & np.isfinite(lat[pts.index])).to_numpy()]
    if not len(bad):
        return
    raw = pts[bad].to_numpy()
    x, y = shapely.get_x(raw), shapely.get_y(raw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        turned = gpd.GeoSeries(gpd.points_from_xy(y, x), crs=choice.crs).to_crs(WGS84)
    tx, ty = shapely.get_x(turned.to_numpy()), shapely.get_y(turned.to_numpy())
    swapped = _between(tx, CHINA_LON) & _between(ty, CHINA_LAT)
    lon[bad], lat[bad] = np.nan, np.nan
    for r, a, b, turn in zip(bad, x, y, swapped, strict=True):
        where = f"{_num(a)}, {_num(b)}"
        hint_zh = "X、Y 像是互换了（互换后在中国范围内）" if turn else "可能用了别的坐标系"
        hint_en = "X and Y look swapped (swapped, it lies in China)"
        if not turn:
            hint_en = "it may be in another CRS"
        reject(
            pd.Series(data.index == r, index=data.index),
            lambda _r, w=where, h=hint_zh: (
                f"坐标（{w}）按文件的坐标系 {choice.label} 无法换算为经纬度：{h}；"
                "请检查这一点的坐标"
            ),
            lambda _r, w=where, h=hint_en: (
                f"point ({w}) cannot be read in the file's CRS {choice.label}: {h}; check the "
                "point's coordinates"
            ),
        )


def _refuse_swapped_axes(pts: gpd.GeoSeries, crs: str | None) -> None:
    """Most points' X a latitude and Y a longitude of China: the file's axes are swapped
    (software that writes EPSG:4490/4326 in latitude, longitude order). Said as such rather
    than as the CRS check's "projected metres", which such a file also fails. When at least
    half of the points read as longitude, latitude in China, the swapped ones are the rows'
    mistakes, not the file's: they are rejected one by one (:func:`_check_reach`)."""
    if crs is not None and crs.strip().casefold() not in GCJ02_NAMES:
        return
    if pts.crs is not None and not pts.crs.is_geographic:
        return
    arr = pts.to_numpy()
    x, y = shapely.get_x(arr), shapely.get_y(arr)
    n = len(arr)
    swapped = _between(x, CHINA_LAT) & _between(y, CHINA_LON)
    right = _between(x, CHINA_LON) & _between(y, CHINA_LAT)
    m = int(swapped.sum())
    if not n or 2 * m < n or 2 * int(right.sum()) >= n:
        return
    x0, x1, y0, y1 = x[swapped].min(), x[swapped].max(), y[swapped].min(), y[swapped].max()
    who_zh = "文件中的点" if m == n else f"文件中 {n} 个点有 {m} 个"
    who_en = "the file's points have" if m == n else f"{m} of the file's {n} points have"
    raise ImportFailed(
        f"{who_zh} X 在 {x0:.4g}–{x1:.4g}、Y 在 {y0:.4g}–{y1:.4g}：经度与纬度互换了"
        "（X 应为经度、Y 应为纬度；常见于按“纬度, 经度”轴序写出的 EPSG:4490/4326 文件）。"
        "请在 GIS 中交换坐标轴后再导入",
        f"{who_en} X {x0:.4g}–{x1:.4g} and Y {y0:.4g}–{y1:.4g}: longitude and "
        "latitude are swapped (X must be longitude, Y latitude; software writing EPSG:4490/"
        "4326 in latitude, longitude order does this). Swap the axes in a GIS and import "
        "again",
    )


def _between(values: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    return (values >= bounds[0]) & (values <= bounds[1])


def _metres_from(lon: np.ndarray, lat: np.ndarray, shape, metric) -> np.ndarray:
    """Distance in metres from each (lon, lat) to ``shape`` (already in ``metric``); infinite
    for pairs that are not degrees at all (latitude beyond ±90°)."""
    out = np.full(len(lon), np.inf)
    valid = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
    if valid.any():
        pts = gpd.GeoSeries(gpd.points_from_xy(lon[valid], lat[valid]), crs=WGS84).to_crs(metric)
        d = shapely.distance(pts.to_numpy(), shape)
        out[valid] = np.where(np.isfinite(d), d, np.inf)
    return out


def _num(value: float) -> str:
    """A coordinate as written: degrees to 6 decimals, metres whole, no exponent."""
    if abs(value) >= 1000:
        return f"{value:.0f}"
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _from_dms(value: np.ndarray) -> np.ndarray:
    """``115.0630`` read as 115°06′30″ (degrees, minutes, seconds written as a decimal);
    NaN where the digits cannot be minutes and seconds."""
    deg = np.floor(value)
    minutes_x100 = np.round((value - deg) * 10_000, 6)  # MMSS as a number
    mm = np.floor(minutes_x100 / 100)
    ss = minutes_x100 - mm * 100
    ok = (mm < 60) & (ss < 60)
    return np.where(ok, deg + mm / 60 + ss / 3600, np.nan)


def _far_reason(x: float, y: float, dist: float, cause: str, *, vector: bool) -> Note:
    """Why a point beyond :data:`REACH_KM` is refused, with what to do: ``cause`` is
    ``swapped`` (swapping puts it at the township), ``metres`` (not degrees at all), ``dms``
    (read as degrees-minutes-seconds it lies at the township) or '' (a wrong column or CRS, or
    a point of another place)."""
    where_en = f"({_num(x)}, {_num(y)})"
    where_zh = f"（{where_en[1:-1]}）"
    if cause == "swapped":
        return (
            f"坐标{where_zh}的经度与纬度像是填反了：互换后在乡镇附近；"
            + ("请交换这一点的 X、Y 坐标" if vector else "请交换两列"),
            f"point {where_en}: longitude and latitude look swapped (swapped, it lies at the "
            "township); " + ("swap the point's X and Y" if vector else "swap the two columns"),
        )
    if cause == "metres":
        return (
            f"坐标{where_zh}不是经纬度（像是投影坐标，单位米）："
            + (
                "请检查这一点的坐标，或用 --crs 声明文件的坐标系"
                if vector
                else "表格只收 WGS84 或 GCJ-02 经纬度，投影坐标请先换算或存为矢量文件导入"
            ),
            f"point {where_en} is not longitude/latitude (projected metres?): "
            + (
                "check the point's coordinates, or declare the file's CRS with --crs"
                if vector
                else "tables take WGS84 or GCJ-02 degrees; convert projected coordinates first "
                "or import them as a vector file"
            ),
        )
    if cause == "dms":
        return (
            f"坐标{where_zh}像是把度分秒写成了小数（如 115°06′30″ 写成 115.0630）："
            "按度分秒读则在乡镇附近；请换算为十进制度",
            f"point {where_en} looks like degrees-minutes-seconds written as a decimal "
            "(115°06′30″ as 115.0630): read so it lies at the township; convert to decimal "
            "degrees",
        )
    km_zh = f"距乡镇界 {dist / 1000:,.0f} km，" if np.isfinite(dist) else ""
    km_en = f"{dist / 1000:,.0f} km from the township, " if np.isfinite(dist) else ""
    return (
        f"坐标{where_zh}{km_zh}超出 {REACH_KM:g} km 范围：请检查"
        + (
            "文件的坐标系是否正确（可用 --crs 指定）"
            if vector
            else "经纬度列是否选对、坐标是否为 WGS84 或 GCJ-02 经纬度"
        )
        + "，以及这一点是否属于本乡镇",
        f"point {where_en} is {km_en}beyond the {REACH_KM:g} km reach: check "
        + (
            "the file's CRS (declare it with --crs)"
            if vector
            else "that the longitude/latitude columns are the right ones and hold WGS84 or "
            "GCJ-02 degrees"
        )
        + ", and that the point belongs to this township",
    )


def _check_reach(coords: Coords, data, ok, outline_shape, reject, *, vector: bool) -> list[Note]:
    """Reject points farther than :data:`REACH_KM` from the township, saying the likely cause;
    note those outside it but within reach. Returns the note; ``ok`` is updated in place."""
    lon, lat = coords.lon, coords.lat
    metric = metric_crs(gpd.GeoDataFrame(geometry=[outline_shape], crs=WGS84))
    shape = gpd.GeoSeries([outline_shape], crs=WGS84).to_crs(metric).iloc[0]
    rows = data.index[ok.to_numpy(dtype=bool)]
    x, y = lon[rows].to_numpy(dtype=float), lat[rows].to_numpy(dtype=float)
    dist = _metres_from(x, y, shape, metric)
    reach = REACH_KM * 1000
    far = dist > reach
    swapped = far & (_metres_from(y, x, shape, metric) <= reach)
    metres = far & ~swapped & ((np.abs(x) > 180) | (np.abs(y) > 90))
    with np.errstate(invalid="ignore"):
        read_as_dms = _metres_from(_from_dms(x), _from_dms(y), shape, metric)
    dms = far & ~swapped & ~metres & (read_as_dms <= reach)
    for i in np.flatnonzero(far):
        cause = "swapped" if swapped[i] else "metres" if metres[i] else "dms" if dms[i] else ""
        zh, en = _far_reason(x[i], y[i], dist[i], cause, vector=vector)
        reject(
            pd.Series(data.index == rows[i], index=data.index),
            lambda _r, z=zh: z,
            lambda _r, e=en: e,
        )
    ok.loc[rows[far]] = False
    outside = (dist > 0) & ~far
    if not outside.any():
        return []
    listed = [int(r) for r in rows[outside]]
    worst = float(dist[outside].max()) / 1000
    shown = "、".join(map(str, listed[:10])) + ("…" if len(listed) > 10 else "")
    shown_en = ", ".join(map(str, listed[:10])) + (", …" if len(listed) > 10 else "")
    return [
        (
            f"{len(listed)} 个点在乡镇界之外（最远 {worst:.1f} km），在 {REACH_KM:g} km 范围内照常"
            f"导入（如县医院、县物流中心）：第 {shown} 行",
            f"{len(listed)} point{'s lie' if len(listed) > 1 else ' lies'} outside the township "
            f"outline (at most {worst:.1f} km); "
            f"within {REACH_KM:g} km they are taken (a county hospital, the county logistics "
            f"centre): rows {shown_en}",
        )
    ]


def _points(
    data, code, villages, reject, coords: Coords, outline_shape, *, vector: bool
) -> tuple[list, list[bool], list[Note]]:
    """Each row's point: its coordinates (within reach of the township), else its village's
    anchor point."""
    lon, lat, given = coords.lon, coords.lat, coords.given
    notes = list(coords.notes)
    ok = coords.ok.copy()
    if ok.any():
        notes += _check_reach(coords, data, ok, outline_shape, reject, vector=vector)
    n = len(data)
    anchors = village_anchors(villages)
    geoms: list = [None] * n
    is_anchor = [False] * n
    anchored = 0
    for i, r in enumerate(data.index):
        if ok[r]:
            geoms[i] = Point(float(lon[r]), float(lat[r]))
        elif isinstance(code[r], str) and not given[r]:
            geoms[i] = anchors[code[r]]
            is_anchor[i] = True
            anchored += 1
        elif not given[r]:
            if data.at[r, "village"] if "village" in data else "":
                continue  # rejected already: unknown village
            reject(
                pd.Series(data.index == r, index=data.index),
                lambda r: "没有经纬度也没有所在行政村，无法定位",
                lambda r: "no coordinates and no village: cannot place it",
            )
    if anchored:
        notes.append(
            (
                f"{anchored} 行没有经纬度：定位在所在行政村村界内的代表点"
                "（非实际位置，请补充坐标）",
                f"{anchored} rows without coordinates are placed at their village's anchor "
                "point (a point inside the village, not the real location; add coordinates)",
            )
        )
    return geoms, is_anchor, notes


def _village_of(geoms: list, villages: gpd.GeoDataFrame) -> pd.Series:
    pts = gpd.GeoDataFrame(geometry=gpd.GeoSeries(geoms, crs=WGS84))
    joined = gpd.sjoin(pts, villages[["code", "geometry"]].to_crs(WGS84), predicate="within")
    first = joined[~joined.index.duplicated()]["code"].astype(str)
    return pd.Series([first.get(i) for i in range(len(geoms))], dtype=object)
