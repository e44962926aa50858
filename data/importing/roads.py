"""Reading a road file (lines) into a frame for the ``roads`` layer.

Road networks reach a township office as a Shapefile from the transport bureau (交通局 农村公路
普查: 路线编号 X123/Y045/C012, 技术等级, 路面类型), a land-survey layer (LCRA/DLMC), or lines
drawn on a web map (GCJ-02). Like the boundaries, any of GeoJSON, GeoPackage, zipped Shapefile
or KML, GBK attributes without ``.cpg``, any CRS. The coverage analysis routes along them
(``plan-stations --network road``), so what matters is the line, its class and whether it is
paved.

Nothing is silently dropped: each source feature is in ``frame`` or in ``rejected`` with the
reason. A road far outside the township (a county network) is rejected with that reason, so a
county file can be imported into each of its townships.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ...geo.crs import metric_crs
from ...geo.schema import ROAD_CLASSES, ROADS, WGS84
from .headers import HeaderMatcher, layer_spellings, matcher, normalise
from .vector import ImportFailed, Note, VectorImport, open_vector
from .vector_crs import reproject_to_wgs84
from .vector_values import _missing, rejections

#: A road is kept when it comes within this distance of the township outline (metres).
REACH_M = 2_000.0

#: Header spellings of the road layer's columns (beyond the schema's name/zh/en): the rural
#: road census (农村公路普查), land-survey layers and web-map exports.
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "road_id": (
        "编号",
        "道路编号",
        "路线编号",
        "路线代码",
        "LXBM",
        "LXDM",
        "ROADCODE",
        "id",
        "FID",
    ),
    "name": ("名称", "道路名称", "路名", "路线名称", "LXMC", "NAME", "ROADNAME"),
    "road_class": (
        "等级",
        "道路等级",
        "行政等级",
        "公路行政等级",
        "道路类型",
        "道路类别",
        "DLDJ",
        "XZDJ",
        "CLASS",
        "highway",
    ),
    "paved": (
        "路面",
        "路面类型",
        "路面材料",
        "路面结构",
        "面层类型",
        "硬化",
        "是否硬化",
        "LMLX",
        "surface",
    ),
}

#: 行政等级 words and the route-number letter that implies them (G323, S216, X123, Y045, C012).
_CLASS_WORDS = {
    "国道": "国道",
    "省道": "省道",
    "县道": "县道",
    "乡道": "乡道",
    "村道": "村道",
    "乡村道路": "村道",
    "村级公路": "村道",
    "通村公路": "村道",
    "通组公路": "村道",
    "专用公路": "县道",
    "高速": "国道",
    "高速公路": "国道",
    "trunk": "国道",
    "primary": "省道",
    "secondary": "县道",
    "tertiary": "乡道",
    "unclassified": "村道",
    "residential": "村道",
    "track": "村道",
}
_ROUTE_LETTER = {"g": "国道", "s": "省道", "x": "县道", "y": "乡道", "c": "村道", "z": "县道"}
_ROUTE = re.compile(r"^([gsxycz])\d")
#: Surfaces (路面类型) and what they mean for travel: paved or not.
_PAVED = ("沥青", "水泥", "混凝土", "砼", "硬化", "柏油", "asphalt", "concrete", "paved", "是", "1")
_UNPAVED = (
    "砂石",
    "沙石",
    "泥结",
    "碎石",
    "土路",
    "土质",
    "简易",
    "未铺装",
    "未硬化",
    "无路面",
    "gravel",
    "unpaved",
    "dirt",
    "ground",
    "否",
    "0",
)


def _word(value: object) -> str:
    return unicodedata.normalize("NFKC", "" if _missing(value) else str(value)).strip().casefold()


@cache
def header_matcher() -> HeaderMatcher:
    """The header matcher of road files: the schema's spellings and the road census's."""
    spellings = layer_spellings(ROADS)
    for fld, extra in _SPELLINGS.items():
        spellings[fld] = (*spellings[fld], *extra)
    return matcher(spellings)


def road_class(value: object, route: object = None) -> str | None:
    """The 行政等级 of a road from its class text, or from its route number's letter."""
    text = _word(value)
    if text in ROAD_CLASSES:
        return text
    for word, cls in _CLASS_WORDS.items():
        if word and word in text:
            return cls
    # A class column that says something else is not overruled by the route number.
    hit = _ROUTE.match(text or _word(route))
    return _ROUTE_LETTER[hit.group(1)] if hit else None


def paved(value: object) -> bool | None:
    """True for a hard surface, False for gravel or earth, None when it cannot be told."""
    text = _word(value)
    if not text:
        return None
    if any(word in text for word in _UNPAVED):
        return False  # checked first: 未硬化 contains 硬化
    if any(word in text for word in _PAVED):
        return True
    return None


def read_roads(
    path: str | os.PathLike,
    outline=None,
    crs: str | None = None,
    columns: Mapping[str, str] | None = None,
    layer: str | None = None,
) -> VectorImport:
    """Read a road file for the ``roads`` layer.

    Parameters
    ----------
    path : path-like
        GeoJSON, GeoPackage, Shapefile (zipped or bare) or KML of lines.
    outline : shapely geometry, optional
        The township (WGS84); roads farther than :data:`REACH_M` from it are rejected.
    crs, columns, layer
        As for :func:`~township_atlas.data.importing.vector.read_boundaries`.

    Without a class column every road is taken as 村道 (noted); without a surface column every
    road is taken as paved (noted), since routing then errs on the short side.
    """
    source = Path(path)
    if not source.is_file():
        raise ImportFailed(f"找不到文件 {source}", f"no file at {source}")
    raw, encoding, notes = open_vector(source, layer, prefer="line", purpose=("道路", "roads"))
    raw = raw.reset_index(drop=True)
    geom_name = raw.geometry.name
    raw.columns = [str(c) if c != geom_name else c for c in raw.columns]
    headers = [c for c in raw.columns if c != geom_name]
    user = {str(k): v for k, v in (columns or {}).items()}
    found = header_matcher().match(headers, {normalise(k): v for k, v in user.items()})
    by_field = {fld: src for src, fld in found.items()}

    types = raw.geometry.geom_type.to_numpy()
    if not np.isin(types, ["LineString", "MultiLineString"]).any():
        kinds = "、".join(sorted({str(t) for t in types if t}))
        raise ImportFailed(
            f"{source.name} 中没有线要素（只有 {kinds or '空几何'}）：道路须是线",
            f"{source.name} holds no lines (only {kinds or 'empty geometry'}): roads are lines",
        )
    wgs, choice, crs_notes = reproject_to_wgs84(raw.geometry)
    notes.extend(crs_notes)
    n = len(raw)
    reasons: list[list[Note]] = [[] for _ in range(n)]
    geoms = _line_geometries(wgs, reasons)
    if outline is not None:
        _reject_far(geoms, outline, reasons)

    def column(fld: str) -> pd.Series:
        return raw[by_field[fld]] if fld in by_field else pd.Series([None] * n)

    ids = _road_ids(column("road_id"))
    classes = _classes(column("road_class"), column("road_id"), reasons, notes)
    surfaces = _surfaces(column("paved"), "paved" in by_field, notes)

    ok = np.array([not r for r in reasons], dtype=bool)
    index = pd.RangeIndex(1, n + 1, name="source_row")
    names = [None if _missing(v) or not str(v).strip() else str(v).strip() for v in column("name")]
    data = pd.DataFrame(
        {
            "road_id": pd.array(ids, dtype="string"),
            "name": pd.array(names, dtype="string"),
            "road_class": pd.array(classes, dtype="string"),
            "paved": pd.array([True if s is None else s for s in surfaces], dtype="boolean"),
        },
        index=index,
    )
    kept = [g for g, take in zip(geoms, ok, strict=True) if take]
    frame = gpd.GeoDataFrame(
        data[ok], geometry=gpd.GeoSeries(kept, index=index[ok], crs=WGS84), crs=WGS84
    )
    rejected = rejections(raw, headers, ok, reasons)
    return VectorImport(
        kind="roads",
        frame=frame,
        rejected=rejected,
        notes=notes,
        columns_found=found,
        crs_used=choice.label,
        extra=pd.DataFrame(index=index[ok]),
        encoding=encoding,
        headers=tuple(headers),
    )


def _classes(given: pd.Series, route: pd.Series, reasons: list[list[Note]], notes: list[Note]):
    """Each road's 行政等级: from the class column, else the route number; 村道 when the file
    says nothing; a class word not recognised rejects its road."""
    classes = [road_class(v, r) for v, r in zip(given, route, strict=True)]
    if given.isna().all() and not any(classes):
        notes.append(("文件没有道路等级列：全部记为村道", "no road class column: all are 村道"))
        return ["村道"] * len(classes)
    for i, (cls, text) in enumerate(zip(classes, given, strict=True)):
        if cls is not None:
            continue
        if _missing(text) or not str(text).strip():
            classes[i] = "村道"
        else:
            reasons[i].append(
                (
                    f"道路等级「{text}」无法识别（{'、'.join(ROAD_CLASSES)}）",
                    f"road class {text!r} is not recognised ({', '.join(ROAD_CLASSES)})",
                )
            )
    return classes


def _surfaces(given: pd.Series, has_column: bool, notes: list[Note]) -> list[bool | None]:
    """Each road paved or not (None: cannot be told, then taken as paved, with a note)."""
    surfaces = [paved(v) for v in given]
    unknown = sum(s is None for s in surfaces)
    if not has_column:
        notes.append(
            ("文件没有路面列：全部记为硬化路", "no surface column: all roads taken as paved")
        )
    elif unknown:
        notes.append(
            (
                f"{unknown} 条道路的路面类型为空或无法识别，记为硬化路",
                f"{unknown} road(s) with an empty or unknown surface taken as paved",
            )
        )
    return surfaces


def _line_geometries(wgs: np.ndarray, reasons: list[list[Note]]) -> list[object | None]:
    """Each feature as a valid 2D line or multi-line, or None with the reason noted."""
    out: list[object | None] = []
    for i, geom in enumerate(wgs):
        if geom is None or shapely.is_empty(geom):
            reasons[i].append(("缺少几何图形", "geometry is missing"))
            out.append(None)
            continue
        coords = shapely.get_coordinates(geom)
        if not np.isfinite(coords).all():
            reasons[i].append(("坐标含非数值（NaN/无穷）", "coordinates are not finite (NaN/inf)"))
            out.append(None)
            continue
        lines = [g for g in shapely.get_parts(geom) if g.geom_type == "LineString"]
        lines = [g for g in lines if g.length > 0]
        if not lines:
            reasons[i].append((f"不是线（{geom.geom_type}）", f"not a line ({geom.geom_type})"))
            out.append(None)
            continue
        out.append(lines[0] if len(lines) == 1 else shapely.MultiLineString(lines))
    return out


def _reject_far(geoms: list[object | None], outline, reasons: list[list[Note]]) -> None:
    """Reject the roads that come nowhere near the township (farther than REACH_M)."""
    live = [i for i, g in enumerate(geoms) if g is not None]
    if not live:
        return
    metric = metric_crs(gpd.GeoDataFrame(geometry=[outline], crs=WGS84))
    shape = gpd.GeoSeries([outline], crs=WGS84).to_crs(metric).iloc[0]
    lines = gpd.GeoSeries([geoms[i] for i in live], crs=WGS84).to_crs(metric)
    far = lines.distance(shape).to_numpy()
    for i, d in zip(live, far, strict=True):
        if d > REACH_M:
            reasons[i].append(
                (
                    f"距乡镇边界 {d / 1000:.1f} km，不在本乡镇",
                    f"{d / 1000:.1f} km from the township outline: not in this township",
                )
            )


def _road_ids(given: pd.Series) -> list[str]:
    """Road ids: the file's (unique per row; a repeated route number gets -2, -3 for its
    sections) or R1, R2 … by row."""
    ids: list[str] = []
    seen: dict[str, int] = {}
    for i, value in enumerate(given):
        base = "" if _missing(value) else str(value).strip()
        base = base or f"R{i + 1}"
        count = seen.get(base, 0) + 1
        seen[base] = count
        ids.append(base if count == 1 else f"{base}-{count}")
    return ids
