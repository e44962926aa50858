"""Read hand-kept tables (CSV or Excel) of facilities, stations, relocation sites and indicators.

Township offices keep these lists in spreadsheets with plain Chinese headers (编号, 类型, 名称,
所在行政村, 经度, 纬度, 是否通硬化路 …), often with a title row above the header, a units row
or a column-number row below it, and a header cell merged over two rows. This module finds the
header, recognises the columns through :mod:`.headers` (so 有无标准化卫生室,
村集体经济收入（元）and 通沥青(水泥)路 are recognised as the fields they name) and turns each row
into the values of one workspace layer; a row that cannot be read (an unknown village or kind,
a 是/否 cell that says something else, coordinates that are not numbers) is reported with the
reason in Chinese and English, and a column the kind cannot do without is one file-level
message naming the file's nearest headers and the ``--columns`` line that maps one. Merging
into the workspace is :func:`township_atlas.data.importing.run.import_table`; :func:`keep_absent`
gives the rows of a table that lacks some columns the values the workspace already has.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import warnings
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point

from ...geo.crs import metric_crs
from ...geo.places import village_anchor_points
from ...geo.schema import FACILITY_KINDS, INDICATOR_FLAGS, LAYERS, SERVICE_TIERS, WGS84
from . import tabular
from .headers import HeaderMatcher, columns_hint, layer_spellings, matcher, normalise
from .personal_guard import name_checked_fields, refuse_personal_fields
from .vector import (
    CHINA_LAT,
    CHINA_LON,
    GCJ02_NAMES,
    ImportFailed,
    open_vector,
    reproject_to_wgs84,
    vector_format,
)

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

# ----------------------------------------------------------------------------- header spellings
#: Headers naming the village by name. ``village`` is a pseudo-field of every table (a name or
#: a code); it is not a layer column, so these stay here.
_VILLAGE = (
    "所在行政村",
    "行政村",
    "村",
    "村名",
    "所在村",
    "村名称",
    "行政村名称",
    "村(社区)",
    "村(居)",
    "村(居)委会",
    "村(居)名称",
    "村委会",
    "村民委员会",
    "村居",
    "XZQMC",  # land-survey attribute names, in vector files
)
#: Headers of a 12-digit 统计用区划代码 naming the village (BRIEF §3): preferred over a name
#: column when a file has both.
_VILLAGE_CODE = (
    "行政村代码",
    "村代码",
    "行政区划代码",
    "区划代码",
    "统计用区划代码",
    "统计用区划代码(12位)",
    "行政村区划代码",
    "村级区划代码",
    "村级代码",
    "village_code",
    "XZQDM",
)
_LON = ("经度", "longitude", "lon", "lng", "x坐标", "东经", "GPS经度", "坐标经度")
_LAT = ("纬度", "latitude", "lat", "y坐标", "北纬", "GPS纬度", "坐标纬度")

#: Headers such tables carry that no field takes: they are never reported as unrecognised.
_KNOWN_UNUSED = (
    "序号",
    "备注",
    "说明",
    "省",
    "市",
    "县",
    "县(市、区)",
    "县(区)",
    "乡镇",
    "乡(镇)",
    "镇",
    "乡镇(街道)",
    "自然村",
    "村民小组",
    "组",
    "地址",
    "详细地址",
    "站点地址",
    "联系人",
    "联系电话",
    "负责人",
    "站长",
    "填表人",
    "运营主体",
)
#: Village columns an indicator table often carries that belong to the villages import.
_KNOWN_UNUSED_INDICATORS = (
    "户籍人口",
    "总人口",
    "人口",
    "总户数",
    "户数",
    "贫困户数",
    "贫困人口",
    "贫困人口数",
    "贫困发生率",
    "低保户",
    "低保户数",
    "五保户",
    "五保户数",
    "村属性",
    "贫困村",
    "出列",
    "出列年度",
    "计划出列年度",
    "通邮政快递",
    "幼儿园",
)
#: Fields of a table that are not layer columns: the village (name or code) and the point.
_PSEUDO_FIELDS: dict[str, tuple[str, str]] = {
    "village": ("所在行政村（名称或代码）", "Village (name or code)"),
    "longitude": ("经度", "Longitude"),
    "latitude": ("纬度", "Latitude"),
}


def _spellings(layer: str) -> dict[str, tuple[str, ...]]:
    """field -> spellings for the tables of ``layer``: the schema's (name, zh, en, headers)
    and the pseudo-fields ``village`` (a name), ``village_code`` (a
    12-digit code; read as ``village``), ``longitude``/``latitude`` for point layers."""
    out = layer_spellings(LAYERS[layer], skip=("village_code",))
    village_col = LAYERS[layer].column("village_code")
    out["village"] = _VILLAGE
    out["village_code"] = (village_col.zh, *village_col.headers, *_VILLAGE_CODE)
    if layer == "indicators":
        out["village_code"] = (*out["village_code"], "代码")
    else:  # indicators have no point, but a village polygon's attributes may hold the pair
        out["village"] = (*out["village"], village_col.zh)
        out["village_code"] = tuple(s for s in out["village_code"] if s != village_col.zh)
    out["longitude"], out["latitude"] = _LON, _LAT
    return out


@cache
def header_matcher(layer: str) -> HeaderMatcher:
    """The :class:`~.headers.HeaderMatcher` of the tables of ``layer``."""
    unused = _KNOWN_UNUSED + (_KNOWN_UNUSED_INDICATORS if layer == "indicators" else ())
    return matcher(_spellings(layer), unused)


def _public(fld: str | None) -> str | None:
    """The field as callers see it: a village code column is the ``village`` field."""
    return "village" if fld == "village_code" else fld


# ----------------------------------------------------------------------------- cell values
#: 是/否 cells as offices fill them, compared after :func:`_cell_key`: ticks and crosses, 1/0,
#: Y/N, 已通/未通 (a road, a bus), 达标/不达标 (a clinic, water), 已建/未建 (a centre) …
YES_WORDS = tabular.YES_WORDS | {
    "通",
    "已通",
    "达标",
    "已达标",
    "已建",
    "已建成",
    "建成",
    "已",
    "合格",
    "具备",
    "已覆盖",
    "覆盖",
    "已实现",
    "实现",
    "已安装",
    "已接入",
    "满足",
    "已满足",
    "配备",
    "已配备",
    "✓",
    "✔",
    "☑",
    "t",
}
NO_WORDS = tabular.NO_WORDS | {
    "不通",
    "未通",
    "不达标",
    "未达标",
    "未建",
    "未建成",
    "未",
    "没有",
    "不合格",
    "不具备",
    "未覆盖",
    "未实现",
    "未安装",
    "未接入",
    "不满足",
    "未满足",
    "未配备",
    "✗",
    "✘",
    "☒",
    "x",
    "f",
}
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
    """Comparison key of a cell: NFKC (full width → half width), case-folded, no spaces, _ - *."""
    value = unicodedata.normalize("NFKC", "" if text is None else str(text)).casefold()
    return re.sub(r"[\s_\-*]+", "", value)


def _cell_key(text: object) -> str:
    """A 是/否 cell compared: :func:`_norm`, ``1.0`` as ``1``, a bracketed remark dropped
    (是（水泥路） → 是)."""
    key = re.sub(r"^([01])\.0+$", r"\1", _norm(text))
    bare = re.sub(r"[(（][^()（）]*[)）]", "", key)
    return bare or key


def _kind_lookup() -> dict[str, str]:
    out = {_norm(k): v for k, v in _KIND_SYNONYMS.items()}
    for key, (zh, en) in FACILITY_KINDS.items():
        out[_norm(key)] = key
        out[_norm(zh)] = key
        out[_norm(en)] = key
    return out


_KINDS = _kind_lookup()


def recognised_headers(kind: str, headers: Sequence[str]) -> dict[str, str]:
    """Header → field for the ``headers`` of a ``kind`` table this reader recognises by name
    (one header per field: a village code column before a name column, else the first)."""
    m = header_matcher(TABLE_KINDS[kind])
    found = _match(list(headers), m, {})
    return {headers[i]: fld for i, fld in found.items()}


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
    #: The fields the file carries (the columns of ``data``: ``village``, ``longitude`` … as
    #: well as layer columns); a year read from the title counts.
    present: frozenset[str] = frozenset()
    #: field -> the unit a units row under the header gives its column (户, 万元 …).
    units: Mapping[str, str] = field(default_factory=dict)
    #: Headers recognised as nothing -> the fields nearest to them (best first, maybe none).
    unrecognised: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def _user_map(layer: str, columns: Mapping[str, str] | None) -> dict[str, str]:
    """A ``--columns`` mapping as normalised header -> field ('' leaves a column out). A target
    may be a field, its Chinese label or any spelling of it; ``village_code`` is ``village``."""
    m = header_matcher(layer)
    fields = {_public(f) for f in m.spellings}
    out: dict[str, str] = {}
    for src, dst in (columns or {}).items():
        target = _public(str(dst or "").strip()) or ""
        if target and target not in fields:
            target = _public(m.field(target)) or ""
            if not target:
                raise ImportFailed(
                    f"列对应关系中的目标「{dst}」不是{LAYERS[layer].zh}的字段",
                    f"column mapping target {dst!r} is not a field of {layer}",
                )
        out[normalise(src)] = target
    return out


def _match(header: Sequence[object], m: HeaderMatcher, user: Mapping[str, str]) -> dict[int, str]:
    """Column position -> field, one column per field: the user's mapping first (a header
    mapped by hand wins over one recognised by name), then a village code column, then the
    recognised headers in order."""
    found: dict[int, str] = {}
    taken: set[str] = set()
    texts = ["" if c is None else str(c) for c in header]
    recognised: dict[int, str] = {}
    for i, cell in enumerate(texts):
        if not cell.strip():
            continue
        key = normalise(cell)
        if key in user:
            if user[key] and user[key] not in taken:
                found[i] = user[key]
                taken.add(user[key])
        else:
            fld = m.field(cell)
            if fld:
                recognised[i] = fld
    for i in sorted(recognised, key=lambda i: (recognised[i] != "village_code", i)):
        fld = _public(recognised[i])
        if fld not in taken:
            found[i] = fld
            taken.add(fld)
    return dict(sorted(found.items()))


def _unrecognised(header: Sequence[str], found: Mapping[int, str], m) -> dict[str, tuple]:
    """Headers neither recognised (nor mapped) nor known to be unused, with their nearest
    fields (public names)."""
    out: dict[str, tuple[str, ...]] = {}
    for i, cell in enumerate(header):
        if not cell or i in found or m.unused(cell) or m.field(cell):
            continue
        near = tuple(dict.fromkeys(_public(f) for f in m.nearest(cell)))
        out.setdefault(cell, near)
    return out


def _unrecognised_note(unrec: Mapping[str, tuple[str, ...]]) -> Note | None:
    """One note naming the headers not read, each with its nearest field and ``--columns``
    line (or the page's column grid)."""
    if not unrec:
        return None
    zh, en = [], []
    for h, near in unrec.items():
        if near:
            zh.append(
                f"「{h}」（最接近 {'、'.join(near)}；"
                f"如要读取：--columns 行 {columns_hint(h, near)}）"
            )
            en.append(
                f"{h!r} (nearest {', '.join(near)}; to read it: --columns line "
                f"{columns_hint(h, near)})"
            )
        else:
            zh.append(f"「{h}」")
            en.append(repr(h))
    return (
        "未识别、不导入的列：" + "，".join(zh) + "。在数据导入页的列对应表中也可指定",
        "columns not recognised and not imported: "
        + "; ".join(en)
        + ". The import page's column grid maps them too",
    )


def _header_score(cells, m: HeaderMatcher, user) -> int:
    found = set()
    for c in cells:
        text = tabular.cell_text(c)
        key = normalise(text)
        fld = user.get(key) if key in user else _public(m.field(text))
        if fld:
            found.add(fld)
    return len(found)


def _find_header(rows, m, user) -> int | None:
    # at least two fields recognised; the row recognising the most, each row read with the
    # cells of a header merged over it from the row above
    merged = [_header_texts(rows, i, m) for i in range(min(len(rows), tabular.HEADER_SEARCH_ROWS))]
    return tabular.find_header(merged, lambda cells: _header_score(cells, m, user), lambda n: n > 1)


def _no_header(layer: str, rows: list[list[object]] | None = None, m=None) -> ImportFailed:
    heads = {
        "facilities": "编号、类型、名称、所在行政村、经度、纬度",
        "relocation_sites": "安置点名称、安置类型、设计容量、建设状态",
        "indicators": "行政村、年度、通硬化路、安全饮水",
    }[layer]
    n = tabular.HEADER_SEARCH_ROWS
    zh = f"在前 {n} 行中找不到可识别的表头（如 {heads}）"
    en = f"no recognisable header in the first {n} rows (such as {heads})"
    near = _near_cells(rows or [], m) if m is not None else {}
    if near:
        shown = list(near.items())[:5]
        zh += "；与字段相近的列：" + "，".join(
            f"「{h}」≈{'、'.join(f)}（--columns 行 {columns_hint(h, f)}）" for h, f in shown
        )
        en += "; columns near a field: " + "; ".join(
            f"{h!r} ≈ {', '.join(f)} (--columns line {columns_hint(h, f)})" for h, f in shown
        )
    return ImportFailed(
        zh + "；请用 --columns 文件（每行“表头,字段”）指明各列，或在数据导入页的列对应表中选择",
        en + '; map the columns with --columns FILE (a CSV of "source header,field") or the '
        "import page's column grid",
    )


def _near_cells(rows: list[list[object]], m: HeaderMatcher) -> dict[str, tuple[str, ...]]:
    """The cells of the likeliest header row among the first rows (the one with the most
    cells that look like a field's header), with the fields each looks like."""
    best: dict[str, tuple[str, ...]] = {}
    for cells in rows[: tabular.HEADER_SEARCH_ROWS]:
        near: dict[str, tuple[str, ...]] = {}
        for c in cells:
            text = tabular.cell_text(c)
            if text and len(text) <= 30 and text not in near:
                fields = tuple(dict.fromkeys(_public(f) for f in m.nearest(text)))
                if fields:
                    near[text] = fields
        if len(near) > len(best):
            best = near
    return best


def _rows_of(
    path: Path, sheet: str | None, layer: str, m, user
) -> tuple[list[list[object]], int, str, str]:
    """All rows of the table (as cells), the header's position, what was read and the sheet's
    name ('' for a CSV)."""
    if tabular.file_kind(path) == "excel":
        found = tabular.first_sheet_with_header(
            path, sheet, lambda rows: _find_header(rows, m, user)
        )
        if found is None:
            book, names = tabular.open_workbook(path, sheet)
            raise _no_header(layer, tabular.sheet_rows(book, names[0]), m)
        name, rows, h, _ = found
        return rows, h, f"Excel, sheet {name}", name
    text, encoding = tabular.decode_text(tabular.read_text_bytes(path))
    best = tabular.best_delimiter(
        lambda delim: tabular.csv_rows(text, delim),
        lambda rows: _find_header(rows, m, user),
        lambda cells: _header_score(cells, m, user),
    )
    if best is None:
        raise _no_header(layer, tabular.csv_rows(text, ","), m)
    delim, rows, h = best
    return rows, h, tabular.describe_csv(encoding, delim), ""


#: A cell of a units row under the header: （户）, 万元, 是/否 …
_UNIT_CELL = re.compile(
    r"^[(（]?(户|人|个|万元|元|万|m2|m²|㎡|平方米|平米|年|km|公里|是/否|是或否|%)[)）]?$"
)
_TOTAL_ROW = re.compile(r"^(合计|总计|小计|汇总|填表|制表|审核|备注|说明|注[:：]|单位[:：])")


def _header_texts(rows: list[list[object]], h: int, m: HeaderMatcher) -> list[str]:
    """The header row's texts; an empty cell under a header merged over two rows (行政村 in
    the row above a row of sub-headers) takes the cell above when that names a field."""
    header = [tabular.cell_text(c) for c in rows[h]]
    if h == 0:
        return header
    above = [tabular.cell_text(c) for c in rows[h - 1]]
    header += [""] * (len(above) - len(header))
    for i, up in enumerate(above):
        if not header[i] and up and (m.field(up) or m.unused(up)):
            header[i] = up
    return header


def _is_units_row(texts: list[str]) -> bool:
    cells = [_norm(t) for t in texts if t]
    return bool(cells) and all(_UNIT_CELL.match(c) for c in cells)


def _is_numbering_row(texts: list[str]) -> bool:
    """The column-number row of official forms: 1 2 3 … or 甲 乙 1 2 …"""
    cells = [t.strip() for t in texts if t]
    digits = [int(float(c)) for c in cells if re.fullmatch(r"\d+(\.0+)?", c)]
    letters = [c for c in cells if c in ("甲", "乙", "丙", "丁", "戊")]
    if len(cells) < 3 or len(digits) + len(letters) != len(cells) or len(digits) < 2:
        return False
    return digits == list(range(digits[0], digits[0] + len(digits)))


def _title_year(rows: list[list[object]], h: int, sheet: str) -> tuple[int, str] | None:
    """The one year the title rows above the header (or the sheet's name) give: 古陂镇2020年
    贫困村退出指标统计表. None when there is none or more than one."""
    texts = [tabular.cell_text(c) for r in rows[:h] for c in r] + [sheet]
    found = {
        (int(y), t) for t in texts if t for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", t)
    }
    years = {y for y, _ in found}
    if len(years) != 1:
        return None
    year = years.pop()
    return year, next(t for y, t in sorted(found) if y == year)


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

    Under the header, a units row (（户） （万元）…) gives the units of its columns and a
    column-number row (1 2 3 …) is skipped; total and signature rows (合计, 填表人：…) are
    skipped. An indicator table without a year column takes the one year of its title.

    Raises :class:`~township_atlas.data.importing.vector.ImportFailed` when the file cannot be read,
    has no recognisable header, or is a vector file of facilities, stations or sites without
    a single point (village boundaries given by mistake, say).
    """
    if kind not in TABLE_KINDS:
        raise ImportFailed(f"不能导入「{kind}」表", f"cannot import a {kind!r} table")
    layer = TABLE_KINDS[kind]
    path = Path(source)
    if not path.is_file():
        raise ImportFailed(f"找不到文件 {path}", f"no file at {path}")
    m = header_matcher(layer)
    user = _user_map(layer, columns)
    fmt = vector_format(path)
    if fmt is not None:
        return _read_vector(path, fmt, kind, sheet, m, user)
    rows, h, what, sheet_name = _rows_of(path, sheet, layer, m, user)
    header = _header_texts(rows, h, m)
    found = _match(header, m, user)
    body, index, units = [], [], {}
    for n, cells in enumerate(rows[h + 1 :], start=h + 2):
        texts = [tabular.cell_text(c) for c in cells]
        if not any(texts) or _TOTAL_ROW.match(texts[0] or ""):
            continue
        if not body and _is_units_row(texts):
            units = {
                f: re.sub(r"[()（）]", "", texts[i])
                for i, f in found.items()
                if i < len(texts) and texts[i]
            }
            continue
        if not body and _is_numbering_row(texts):
            continue
        body.append({f: texts[i] if i < len(texts) else "" for i, f in found.items()})
        index.append(n)
    data = pd.DataFrame(
        body, index=pd.Index(index, name="source_row"), columns=sorted(found.values())
    )
    data = data.fillna("").astype(object)
    columns_found = {header[i]: f for i, f in found.items()}
    _refuse_personal(data, columns_found, layer)
    notes: list[Note] = [
        (
            f"读取 {what}：第 {h + 1} 行为表头，识别的列："
            + "、".join(f"{k}→{v}" for k, v in columns_found.items()),
            f"read {what}: header on row {h + 1}; columns recognised: "
            + ", ".join(f"{k}→{v}" for k, v in columns_found.items()),
        )
    ]
    if units:
        head_of = {f: h for h, f in columns_found.items()}
        notes.append(
            (
                "表头下一行为单位行：" + "、".join(f"{head_of[f]} {u}" for f, u in units.items()),
                "a units row under the header: "
                + ", ".join(f"{head_of[f]} {u}" for f, u in units.items()),
            )
        )
    if layer == "indicators" and "year" not in data and len(data):
        titled = _title_year(rows, h, sheet_name)
        if titled is not None:
            year, title = titled
            data["year"] = str(year)
            notes.append(
                (
                    f"文件没有年度列：年度取自标题「{title}」，全部记为 {year} 年",
                    f"no year column: the year {year} is taken from the title {title!r}",
                )
            )
    unrec = _unrecognised(header, found, m)
    if (note := _unrecognised_note(unrec)) is not None:
        notes.append(note)
    headers = tuple(dict.fromkeys(c for c in header if c))
    return TableRead(
        layer,
        data,
        columns_found,
        tuple(notes),
        what,
        headers,
        present=frozenset(data.columns),
        units=units,
        unrecognised=unrec,
    )


_FORMAT_NAMES = {
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
    "zip": "ZIP",
    "shp": "Shapefile",
    "kml": "KML",
}
_POINT_TYPES = ("Point", "MultiPoint")


def _read_vector(path: Path, fmt: str, kind: str, layer_name, m, user) -> TableRead:
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
    found = _match(headers, m, user)
    xy = {i: f for i, f in found.items() if f in ("longitude", "latitude")}
    for i in xy:  # the feature's own point is where it is; coordinate attributes are not read
        del found[i]
    index = pd.RangeIndex(1, len(raw) + 1, name="source_row")  # feature number, from 1
    data = pd.DataFrame(
        {fld: [_attr_text(v) for v in raw[headers[i]]] for i, fld in found.items()},
        index=index,
        columns=sorted(found.values()),
    ).astype(object)
    geometry = gpd.GeoSeries(raw.geometry.to_numpy(), index=index, crs=raw.crs)
    what = f"{_FORMAT_NAMES[fmt]} {path.name}"
    columns_found = {headers[i]: f for i, f in found.items()}
    _refuse_personal(data, columns_found, layer)
    if wants_points:
        _refuse_without_points(geometry, path.name, kind)
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
        cols = "、".join(headers[i] for i in xy)
        notes.append(
            (
                f"位置取自要素的几何图形，{cols} 列不使用",
                f"positions come from the features' geometry; {cols.replace('、', ', ')} not used",
            )
        )
    unrec = _unrecognised(headers, {**found, **xy}, m)
    present = frozenset(data.columns) | ({"longitude", "latitude"} if wants_points else set())
    return TableRead(
        layer,
        data,
        columns_found,
        tuple(notes),
        what,
        tuple(headers),
        geometry,
        present=present,
        unrecognised=unrec,
    )


def _refuse_personal(data: pd.DataFrame, columns_found: Mapping[str, str], layer: str) -> None:
    """Refuse the file when a column it keeps holds ID numbers, phone numbers, or names where
    no name belongs (:mod:`.personal_guard`): before any row is read, since a rejected row is
    reported with its values. ``data`` has a column per field, ``columns_found`` header → field.
    """
    headers = {f: h for h, f in columns_found.items() if f in data}
    refuse_personal_fields({f: data[f] for f in headers}, headers, name_fields=_name_checked(layer))


@cache
def _name_checked(layer: str) -> frozenset[str]:
    # the village column is a place's name (or a code) and stays unchecked for names
    return name_checked_fields(LAYERS[layer], extra=("longitude", "latitude"))


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
    """Village code -> a point inside its polygon (:func:`village_anchor_points`), in WGS84."""
    return dict(village_anchor_points(villages.to_crs(WGS84)).items())


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

    Raises :class:`~.vector.ImportFailed` (one file-level message, never
    the same reason on every row) when a column the kind cannot do without is absent: it names
    the column, the file's nearest headers and the ``--columns`` line that maps one.
    """
    _require_columns(read, kind)
    rows = _Rows(read)
    code = _village_codes(rows, villages)
    if read.layer == "indicators":
        _indicator_values(rows)
        present = frozenset(rows.out.columns)
        return TableRows(rows.out, rows.rej, rows.notes, present=present)
    if read.layer == "facilities":
        _facility_values(rows, kind)
    else:
        _site_values(rows)
    return _place(rows, code, villages, crs, outline)


# ----------------------------------------------------------------------------- rows: steps
#: Columns a kind of table cannot do without (``kind`` is optional for stations).
_REQUIRED_COLUMNS = {
    "facilities": ("name", "kind"),
    "stations": ("name",),
    "sites": ("name",),
    "indicators": ("village", "year"),
}
_KIND_ZH = {
    "facilities": "设施表",
    "stations": "电商网点表",
    "sites": "安置点表",
    "indicators": "指标表",
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
    if kind not in TABLE_KINDS:
        raise ImportFailed(f"不能导入「{kind}」表", f"cannot import a {kind!r} table")
    for fld in _REQUIRED_COLUMNS[kind]:
        if fld not in read.data:
            if fld == "year":
                extra = ("，标题中也没有唯一的年份", ", nor does its title give one year")
                raise _absent_column(read, kind, [fld], extra)
            raise _absent_column(read, kind, [fld])
    points = read.geometry is not None or {"longitude", "latitude"} <= set(read.data.columns)
    if read.layer != "indicators" and "village" not in read.data and not points and len(read.data):
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


def _place(rows: _Rows, code: pd.Series, villages, crs, outline) -> TableRows:
    """Each row's point (its coordinates, its feature's point, or its village's anchor) and,
    without a village column, the village it lies in."""
    read, data, out = rows.read, rows.data, rows.out
    if read.geometry is not None:
        coords = _vector_coordinates(read.geometry, data, rows.reject, crs)
    elif "longitude" in data and "latitude" in data:
        coords = _table_coordinates(data, rows.reject, crs)
    else:
        coords = Coords.none(data.index)
    geoms, anchored_rows, more = _points(
        data,
        code,
        villages,
        rows.reject,
        coords,
        _outline_shape(outline, villages),
        vector=read.geometry is not None,
    )
    rows.notes += more
    if "village" not in data:  # a point tells its village
        inside = _village_of(geoms, villages)
        inside.index = out.index
        out["village_code"] = inside
        if inside.notna().any():
            rows.notes.append(
                (
                    "文件中没有所在行政村：按坐标所在的村界确定",
                    "no village column: each point's village is the one it lies in",
                )
            )
    # a row placed at its village's anchor keeps the point the workspace already has
    out["_anchored"] = [bool(a) for a in anchored_rows]
    present = frozenset(c for c in out.columns if c in LAYERS[rows.layer].names)
    if "status" not in data:
        present -= {"status"}
    frame = gpd.GeoDataFrame(out, geometry=geoms, crs=WGS84)
    return TableRows(frame, rows.rej, rows.notes, coords.crs_used, present | {"geometry"})


# ----------------------------------------------------------------------------- absent columns
#: What a new row takes for an absent column the upsert fills anyway (a new facility is
#: existing).
_NEW_ROW_DEFAULTS = {"facilities": {"status": "existing"}}


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
    for col, value in _NEW_ROW_DEFAULTS.get(layer, {}).items():
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


def _outline_shape(outline: gpd.GeoDataFrame | None, villages: gpd.GeoDataFrame):
    """The township as one WGS84 shape: ``outline``, or the union of the villages."""
    if outline is not None and len(outline):
        return outline.to_crs(WGS84).union_all()
    return villages.to_crs(WGS84).union_all()


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
        from ...geo.gcj02 import gcj02_to_wgs84

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
