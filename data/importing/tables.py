"""Read hand-kept tables (CSV or Excel) of facilities, stations, relocation sites and indicators,
the assistance (帮扶) tables: cadres, pairings, resident teams, visits, measures, projects
and exit plans, and the stations' yearly operations reports (网点运营情况).

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

Inside, by step: :mod:`.table_headers` (kinds, spellings, finding and matching the header),
this module (reading the rows of a table or a vector file), :mod:`.table_values` (cells as
values), :mod:`.table_rows` (each kind's values and villages), :mod:`.table_assistance` and
:mod:`.table_dates` (the assistance kinds' values, references and dates),
:mod:`.table_operations` (an operations report's stations, by id or name),
:mod:`.table_coordinates` (placing each row) and :mod:`.table_absent` (:func:`keep_absent`).
This module is the front door: what moved is imported from here as before.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ...geo.schema import LAYERS
from ...geo.schema_assistance import HOUSEHOLD_REFS
from ...geo.workspace import Workspace
from . import tabular
from .errors import ImportFailed, Note
from .personal_guard import (
    ASSISTANCE_ADVICE,
    is_personal_header,
    name_checked_fields,
    refuse_personal_fields,
)
from .table_absent import keep_absent
from .table_assistance import assistance_values, without_repeats
from .table_coordinates import REACH_KM, Coords, _place, village_anchors
from .table_headers import (
    _TOTAL_ROW,
    ASSISTANCE_KINDS,
    ASSISTANCE_LAYER_NAMES,
    OPERATIONS_KINDS,
    OPERATIONS_LAYER,
    READ_KINDS,
    TABLE_KINDS,
    _header_texts,
    _is_numbering_row,
    _is_units_row,
    _match,
    _rows_of,
    _title_year,
    _unrecognised,
    _unrecognised_note,
    _user_map,
    header_matcher,
    mappable_fields,
    recognised_headers,
)
from .table_operations import operations_values
from .table_rows import (
    TableRows,
    _facility_values,
    _indicator_values,
    _require_columns,
    _Rows,
    _site_values,
    _village_codes,
    village_resolver,
)
from .table_values import FACILITY_STATUS_WORDS, NO_WORDS, YES_WORDS
from .vector import open_vector, vector_format

__all__ = [
    "ASSISTANCE_KINDS",
    "FACILITY_STATUS_WORDS",
    "NO_WORDS",
    "OPERATIONS_KINDS",
    "REACH_KM",
    "READ_KINDS",
    "TABLE_KINDS",
    "YES_WORDS",
    "Coords",
    "ImportFailed",
    "Note",
    "TableRead",
    "TableRows",
    "header_matcher",
    "keep_absent",
    "mappable_fields",
    "read_table",
    "recognised_headers",
    "rows_to_layer",
    "village_anchors",
    "village_resolver",
]


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


def read_table(
    source: str | os.PathLike,
    kind: str,
    *,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> TableRead:
    """The rows of a facilities/stations/sites/indicators or assistance table as text, by
    field (:data:`READ_KINDS`).

    ``source`` is a table (CSV, Excel) or a vector file (GeoJSON, GeoPackage, Shapefile zipped
    or bare, KML): then each feature is a row, its attributes are recognised by the same
    headers, and its point stands for the longitude/latitude (read in :func:`rows_to_layer`).
    ``sheet`` names the sheet of a workbook, or the layer of a GeoPackage/KML or the Shapefile
    of a ZIP holding several. ``columns`` maps a source header to a field (a layer column, its
    Chinese label, or ``village``/``longitude``/``latitude``); an empty target drops it.

    Under the header, a units row (（户） （万元）…) gives the units of its columns and a
    column-number row (1 2 3 …) is skipped; total and signature rows (合计, 填表人：…) are
    skipped. An indicator table or an operations report without a year column takes the one
    year of its title. An assistance table's or an operations report's personal columns that
    no field takes (户主姓名, 证件号码, 联系电话, 站长姓名) are dropped with one note.

    Raises :class:`~township_atlas.data.importing.vector.ImportFailed` when the file cannot be read,
    has no recognisable header, or is a vector file of facilities, stations or sites without
    a single point (village boundaries given by mistake, say).
    """
    if kind not in READ_KINDS:
        raise ImportFailed(f"不能导入「{kind}」表", f"cannot import a {kind!r} table")
    layer = READ_KINDS[kind]
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
    data, units = _body(rows, h, found)
    columns_found = {header[i]: f for i, f in found.items()}
    _refuse_personal(data, columns_found, layer)
    notes = _read_notes(what, h, columns_found, units)
    if layer in ("indicators", OPERATIONS_LAYER) and "year" not in data and len(data):
        _year_from_title(data, rows, h, sheet_name, notes)
    unrec = _unrecognised(header, found, m)
    if layer in ASSISTANCE_LAYER_NAMES or layer == OPERATIONS_LAYER:
        dropped = personal_dropped(header, found)
        unrec = {h: near for h, near in unrec.items() if h not in dropped}
        if dropped:
            notes.append(_dropped_note(dropped))
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


def _body(
    rows: list[list[object]], h: int, found: Mapping[int, str]
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The rows under the header as text by field (indexed by ``source_row`` as the sheet
    shows it) and the units a units row gives; blank, total and signature rows and a
    column-number row are left out."""
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
    return data.fillna("").astype(object), units


def _read_notes(
    what: str, h: int, columns_found: Mapping[str, str], units: Mapping[str, str]
) -> list[Note]:
    """What was read: the header's row and the columns recognised, and a units row's units."""
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
    return notes


def _year_from_title(
    data: pd.DataFrame, rows: list[list[object]], h: int, sheet_name: str, notes: list[Note]
) -> None:
    """An indicator table (or operations report) without a year column takes the one year
    its title gives."""
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
    layer = READ_KINDS[kind]
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


def personal_dropped(header: list[str], found: Mapping[int, str]) -> list[str]:
    """The headers of personal columns no field takes (户主姓名, 证件号码, 联系电话 …): an
    assistance file from the national system carries them; they are dropped, never kept."""
    out = [h for i, h in enumerate(header) if h and i not in found and is_personal_header(h)]
    return list(dict.fromkeys(out))


def _dropped_note(dropped: list[str]) -> Note:
    return (
        "个人信息列不保存（已丢弃）：" + "、".join(f"「{h}」" for h in dropped),
        "personal columns not kept (dropped): " + ", ".join(repr(h) for h in dropped),
    )


def _refuse_personal(data: pd.DataFrame, columns_found: Mapping[str, str], layer: str) -> None:
    """Refuse the file when a column it keeps holds ID numbers, phone numbers, or names where
    no name belongs (:mod:`.personal_guard`): before any row is read, since a rejected row is
    reported with its values. ``data`` has a column per field, ``columns_found`` header → field.

    An assistance file keeps the names of cadres and 第一书记 (the layer's personal columns,
    and the ``cadre`` a pairing or visit names), whatever their header says (帮扶责任人姓名),
    and refuses a free-text column (a visit's 走访内容) holding an ID or phone number
    anywhere in a cell.
    """
    headers = {f: h for h, f in columns_found.items() if f in data}
    spec = LAYERS[layer]
    named: tuple[str, ...] = ()
    text: tuple[str, ...] = ()
    advice = None
    if layer in ASSISTANCE_LAYER_NAMES:
        named = (*spec.personal, "cadre")
        text = tuple(c.name for c in spec.columns if c.name == "note")
        advice = ASSISTANCE_ADVICE
    refuse_personal_fields(
        {f: data[f] for f in headers},
        headers,
        name_fields=_name_checked(layer),
        named_fields=named,
        text_fields=text,
        advice=advice,
    )


@cache
def _name_checked(layer: str) -> frozenset[str]:
    # the village column is a place's name (or a code) and stays unchecked for names; a
    # household named by its head's name is a mistake wherever it is
    refs = (HOUSEHOLD_REFS[layer],) if layer in HOUSEHOLD_REFS else ()
    return name_checked_fields(LAYERS[layer], extra=("longitude", "latitude", *refs))


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
    what = {"facilities": "设施", "stations": "电商网点", "sites": "安置点", "projects": "项目"}[
        kind
    ]
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
def rows_to_layer(
    read: TableRead,
    kind: str,
    villages: gpd.GeoDataFrame,
    *,
    crs: str | None = None,
    outline: gpd.GeoDataFrame | None = None,
    workspace: Workspace | None = None,
) -> TableRows:
    """Turn the text of each row into the layer's values; bad cells reject their row.

    Parameters
    ----------
    read : TableRead
        What :func:`read_table` found.
    kind : str
        One of :data:`READ_KINDS`: ``facilities``, ``stations``, ``sites``, ``indicators``
        or an assistance kind (``cadres``, ``pairings``, ``teams``, ``visits``,
        ``measures``, ``projects``, ``exit_plans``), or ``operations``.
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
    workspace : Workspace, optional
        For an assistance kind: the households and cadres its rows name must be there (a
        cadre may be named by name); for ``operations`` the stations (by id or name);
        without it they are taken as written.

    Raises :class:`~.vector.ImportFailed` (one file-level message, never
    the same reason on every row) when a column the kind cannot do without is absent: it names
    the column, the file's nearest headers and the ``--columns`` line that maps one.
    """
    _require_columns(read, kind)
    rows = _Rows(read)
    has_village = "village_code" in LAYERS[read.layer].names
    code = _village_codes(rows, villages) if has_village else None
    if read.layer in ASSISTANCE_LAYER_NAMES:
        assistance_values(rows, workspace)
        if LAYERS[read.layer].geometry is not None:
            return without_repeats(_place(rows, code, villages, crs, outline))
        present = frozenset(rows.out.columns) & set(LAYERS[read.layer].names)
        return without_repeats(TableRows(rows.out, rows.rej, rows.notes, present=present))
    if read.layer == OPERATIONS_LAYER:
        operations_values(rows, villages, workspace)
        present = frozenset(rows.out.columns) & set(LAYERS[read.layer].names)
        return TableRows(rows.out, rows.rej, rows.notes, present=present)
    if read.layer == "indicators":
        _indicator_values(rows)
        present = frozenset(rows.out.columns)
        return TableRows(rows.out, rows.rej, rows.notes, present=present)
    if read.layer == "facilities":
        _facility_values(rows, kind)
    else:
        _site_values(rows)
    return _place(rows, code, villages, crs, outline)
