"""Reading village and township boundary files into frames for the ``villages``/``township`` layers.

Boundaries reach a township office as GeoJSON, GeoPackage, Shapefile (zipped or bare) or KML,
from land-survey offices, web maps and colleagues. :func:`read_boundaries` reads one such file and
returns a :class:`VectorImport`: the rows it could take (in EPSG:4326, schema column names, codes
as digit strings, geometry as valid MultiPolygons), every row it could not take with the reason
in Chinese and English, and notes on what it decided (encoding, CRS, repairs). Nothing is
silently dropped: each source feature is either in ``frame`` or in ``rejected``.

A file that cannot be read at all (not a vector file, truncated, no geometry, no code or name
column, no CRS and none can be told from the coordinates) raises :class:`ImportFailed`.

Names and other text are kept verbatim; HTML in a name stays text (the map escapes it).

Inside, by step: :mod:`.vector_columns` (which attribute is which column), this module (file
sniffing, ZIP limits, opening the file), :mod:`.vector_encoding` (GBK attributes),
:mod:`.vector_crs` (the CRS and WGS84), :mod:`.vector_values` (codes, names and values per
feature, the rejection report) and :mod:`.vector_repair` (geometry repair, the outline check).
This module is the front door: what moved is imported from here as before.
"""

from __future__ import annotations

import codecs
import os
import tempfile
import warnings
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError

from ...geo.schema import LAYERS, WGS84
from .errors import ImportFailed, Note
from .tabular import read_text_bytes
from .vector_columns import (
    BoundaryKind,
    _refuse_personal_attributes,
    _require_code_and_name,
    header_matcher,
    mappable_fields,
    match_columns,
)
from .vector_crs import (
    CHINA_LAT,
    CHINA_LON,
    CHINA_NORTHING,
    CRS_HINT_EN,
    CRS_HINT_ZH,
    GCJ02_NAMES,
    POINT_MAJORITY,
    CrsChoice,
    choose_crs,
    infer_crs,
    reproject_to_wgs84,
)
from .vector_encoding import _SAMPLE_BYTES, _shapefile_encoding, detect_text_encoding
from .vector_repair import (
    OUTSIDE_TOLERANCE,
    _repaired,
    outside_outline,
    outside_reason,
    outside_share,
)
from .vector_values import (
    _codes,
    _duplicate_codes,
    _field_values,
    _names,
    _village_kinds,
    kind_from_name,
    normalise_code,
    rejections,
)

__all__ = [
    "CHINA_LAT",
    "CHINA_LON",
    "CHINA_NORTHING",
    "CRS_HINT_EN",
    "CRS_HINT_ZH",
    "GCJ02_NAMES",
    "MAX_RATIO",
    "MAX_UNZIPPED",
    "MAX_ZIP_MEMBERS",
    "OUTSIDE_TOLERANCE",
    "POINT_MAJORITY",
    "RATIO_FROM",
    "BoundaryKind",
    "CrsChoice",
    "ImportFailed",
    "Note",
    "VectorImport",
    "check_zip_directory",
    "check_zip_members",
    "choose_crs",
    "detect_text_encoding",
    "header_matcher",
    "infer_crs",
    "kind_from_name",
    "mappable_fields",
    "match_columns",
    "normalise_code",
    "open_vector",
    "outside_outline",
    "outside_reason",
    "outside_share",
    "read_boundaries",
    "rejections",
    "reproject_to_wgs84",
    "vector_format",
]


@dataclass(frozen=True)
class VectorImport:
    """The outcome of reading one boundary file.

    ``frame`` holds the rows taken, indexed by ``source_row`` (1-based feature number in the
    file, as a user counts), with the schema columns found (codes, names, counts and flags in
    storage dtypes; ``kind`` derived from the name when absent) and a valid MultiPolygon
    geometry in EPSG:4326. ``extra`` holds the unrecognised source columns of the same rows
    (same index). ``rejected`` has one row per source row not taken: ``source_row``,
    ``reason_zh``, ``reason_en`` (several reasons joined with "；"/"; ") and the row's original
    values as text (geometry as a short text). ``notes`` are (zh, en) sentences on what was
    detected, assumed or repaired. ``columns_found`` maps source header → schema column.
    ``crs_used`` names the coordinates' reading ("EPSG:4490", "GCJ-02", ...).
    """

    kind: str
    frame: gpd.GeoDataFrame
    rejected: pd.DataFrame
    notes: list[Note]
    columns_found: dict[str, str]
    crs_used: str
    extra: pd.DataFrame = field(default_factory=pd.DataFrame)
    encoding: str | None = None
    #: Every attribute header of the file in file order, recognised or not (not the geometry).
    headers: tuple[str, ...] = ()

    @property
    def rows_read(self) -> int:
        return len(self.frame) + len(self.rejected)


# ----------------------------------------------------------------------------- file sniffing
_GPKG_MAGIC = b"SQLite format 3\x00"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_SHP_MAGIC = b"\x00\x00\x27\x0a"
_FORMATS_ZH = "GeoJSON、GeoPackage、Shapefile（.zip 或 .shp）、KML"
_FORMATS_EN = "GeoJSON, GeoPackage, Shapefile (.zip or .shp), KML"


def _not_vector(name: str, why_zh: str, why_en: str) -> ImportFailed:
    return ImportFailed(
        f"{name} 不是可读取的矢量文件（{why_zh}）；支持的格式：{_FORMATS_ZH}",
        f"{name} is not a vector file we can read ({why_en}); formats read: {_FORMATS_EN}",
    )


def _sniff(path: Path) -> str:
    """``geojson``, ``gpkg``, ``zip``, ``shp`` or ``kml``, from the first bytes of the file."""
    with path.open("rb") as f:
        head = f.read(4096)
    if not head:
        raise _not_vector(path.name, "文件为空", "the file is empty")
    if head.startswith(_GPKG_MAGIC):
        return "gpkg"
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    if head.startswith(_SHP_MAGIC) and path.suffix.lower() == ".shp":
        return "shp"
    text = head.lstrip(codecs.BOM_UTF8).lstrip()
    if text.startswith(b"{"):
        return "geojson"
    if text.startswith(b"<") and b"<kml" in head.lower():
        return "kml"
    raise _not_vector(
        path.name,
        "开头不是 GeoJSON、GeoPackage、ZIP、Shapefile 或 KML 的格式标志",
        "its first bytes match none of GeoJSON, GeoPackage, ZIP, Shapefile or KML",
    )


# ----------------------------------------------------------------------------- ZIP limits
#: The most entries a ZIP may list (a Shapefile is 3–8 files; a workbook a few dozen).
MAX_ZIP_MEMBERS = 10_000
#: The most the files taken from a ZIP may expand to, together.
MAX_UNZIPPED = 1 << 30
#: The highest compression ratio a large member (over :data:`RATIO_FROM` bytes) may have:
#: DEFLATE reaches ~1,000:1 only on data made to be a ZIP bomb; a .dbf of padded text fields
#: compresses ~100:1.
MAX_RATIO = 500
RATIO_FROM = 10 << 20


def _zip_refused(name: str, zh: str, en: str) -> ImportFailed:
    return ImportFailed(
        f"{name}：{zh}；文件异常（可能是压缩炸弹或被篡改），未导入",
        f"{name}: {en}; the file is abnormal (a ZIP bomb or tampered with); not imported",
    )


def check_zip_directory(path: Path) -> None:
    """Refuse a ZIP whose directory lists more than :data:`MAX_ZIP_MEMBERS` entries, read
    from its end record before :mod:`zipfile` builds an object for every entry."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        fh.seek(max(0, size - (1 << 16) - 22))
        tail = fh.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        return  # no end record: zipfile says the file is damaged
    entries = int.from_bytes(tail[at + 10 : at + 12], "little")
    if entries > MAX_ZIP_MEMBERS:  # 0xFFFF: ZIP64, more than 65,534 entries
        raise _zip_refused(
            path.name,
            f"ZIP 中有 {entries:,} 个以上的文件（最多 {MAX_ZIP_MEMBERS:,} 个）",
            f"the ZIP lists {entries:,} or more entries (at most {MAX_ZIP_MEMBERS:,})",
        )


def check_zip_members(name: str, members: list[zipfile.ZipInfo]) -> None:
    """Refuse ``members`` of ZIP ``name`` that escape the folder they are unpacked in, expand
    to more than :data:`MAX_UNZIPPED` together, or are compressed beyond :data:`MAX_RATIO`."""
    total = 0
    for m in members:
        parts = m.filename.replace("\\", "/").split("/")
        if m.filename.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
            raise _zip_refused(
                name,
                f"其中的 {m.filename!r} 指向解压目录之外",
                f"its member {m.filename!r} points outside the folder it is unpacked in",
            )
        if m.file_size > RATIO_FROM and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise _zip_refused(
                name,
                f"{m.filename} 的压缩比为 {m.file_size / max(m.compress_size, 1):,.0f}:1"
                f"（最多 {MAX_RATIO}:1）",
                f"{m.filename} is compressed {m.file_size / max(m.compress_size, 1):,.0f}:1 "
                f"(at most {MAX_RATIO}:1)",
            )
        total += m.file_size
    if total > MAX_UNZIPPED:
        raise _zip_refused(
            name,
            f"解压后共 {total:,} 字节，超过 {MAX_UNZIPPED:,} 字节的上限",
            f"its files expand to {total:,} bytes, over the {MAX_UNZIPPED:,}-byte limit",
        )


def _copy_member(zf: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path, budget: int) -> int:
    """Unpack ``member`` to ``target`` counting real bytes (a directory can understate a
    member's size); returns what is left of ``budget``. A failed write (a full disk) is an
    :class:`OSError` of the disk, never a damaged file."""
    with zf.open(member) as src, target.open("wb") as dst:
        while chunk := src.read(1 << 20):
            budget -= len(chunk)
            if budget < 0:
                raise _zip_refused(
                    Path(zf.filename or "ZIP").name,
                    f"解压后超过 {MAX_UNZIPPED:,} 字节的上限",
                    f"its files expand beyond the {MAX_UNZIPPED:,}-byte limit",
                )
            _write_out(dst, chunk)
    return budget


class _DiskError(Exception):
    """An OSError while writing the unpacked files (kept apart from reading the ZIP)."""

    def __init__(self, exc: OSError):
        self.exc = exc


def _write_out(dst, chunk: bytes) -> None:
    try:
        dst.write(chunk)
    except OSError as exc:
        raise _DiskError(exc) from exc


# ----------------------------------------------------------------------------- opening files
def _extract_shapefile(path: Path, layer: str | None, into: Path) -> tuple[Path, str]:
    """Extract the one (or the named) shapefile of zip ``path`` into ``into``."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = [
                m
                for m in zf.infolist()
                if not m.is_dir() and not m.filename.startswith("__MACOSX/")
            ]
            shps = [m for m in members if m.filename.lower().endswith(".shp")]
            if layer is not None:
                shps = [m for m in shps if Path(m.filename).stem == layer]
            if not shps:
                raise ImportFailed(
                    f"{path.name} 中没有"
                    + (f"名为 {layer} 的" if layer else "")
                    + " Shapefile（.shp）",
                    f"{path.name} holds no Shapefile (.shp)"
                    + (f" named {layer!r}" if layer else ""),
                )
            if len(shps) > 1:
                names = ", ".join(Path(m.filename).stem for m in shps)
                raise ImportFailed(
                    f"{path.name} 中有多个 Shapefile（{names}），请指定要导入的图层",
                    f"{path.name} holds several Shapefiles ({names}); name the layer to import",
                )
            shp = shps[0]
            base = shp.filename[: -len(".shp")]
            wanted = {".shp", ".shx", ".dbf", ".prj", ".cpg"}
            got: dict[str, zipfile.ZipInfo] = {}
            for m in members:
                stem, ext = m.filename[:-4], m.filename[-4:].lower()
                if stem == base and ext in wanted:
                    got[ext] = m
            for ext in (".shx", ".dbf"):
                if ext not in got:
                    raise ImportFailed(
                        f"{path.name} 中的 Shapefile 缺少 {ext} 文件（需要 .shp、.shx 和 .dbf）",
                        f"the Shapefile in {path.name} lacks its {ext} file (.shp, .shx and .dbf "
                        "are needed)",
                    )
            check_zip_members(path.name, list(got.values()))
            budget = MAX_UNZIPPED
            for ext, m in got.items():
                try:
                    budget = _copy_member(zf, m, into / f"layer{ext}", budget)
                except _DiskError as exc:
                    raise exc.exc from None  # the disk's error, said as such by the caller
            return into / "layer.shp", Path(shp.filename).name
    except OSError as exc:
        if exc.errno is not None:  # the disk (or the folder), not the ZIP
            raise
        raise _damaged_zip(path, exc) from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error) as exc:
        raise _damaged_zip(path, exc) from exc


def _damaged_zip(path: Path, exc: BaseException) -> ImportFailed:
    return ImportFailed(
        f"{path.name} 不是完整的 ZIP 文件，可能已损坏或被截断（{exc}）",
        f"{path.name} is not a complete ZIP file; it may be damaged or truncated ({exc})",
    )


def _pick_layer(source: str, name: str, layer: str | None, prefer: str = "polygon") -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a damaged file's warnings: the error says it all
            layers = pyogrio.list_layers(source)
    except (DataSourceError, DataLayerError) as exc:
        raise _unreadable(name, exc) from exc
    names = [str(n) for n, _ in layers]
    if layer is not None:
        if layer not in names:
            raise ImportFailed(
                f"{name} 中没有图层 {layer!r}；图层有：{', '.join(names)}",
                f"{name} has no layer {layer!r}; its layers are {', '.join(names)}",
            )
        return layer
    if len(names) <= 1:
        return None
    preferred = [str(n) for n, g in layers if g and prefer in str(g).lower()]
    if len(preferred) == 1:
        return preferred[0]
    raise ImportFailed(
        f"{name} 有多个图层（{', '.join(names)}），请指定要导入的图层",
        f"{name} has several layers ({', '.join(names)}); name the layer to import",
    )


def _unreadable(name: str, exc: Exception) -> ImportFailed:
    return ImportFailed(
        f"无法读取 {name}：文件可能已损坏、被截断或不是所述格式（{exc}）",
        f"cannot read {name}: the file may be damaged, truncated or not what its name says ({exc})",
    )


#: Reader warnings that say nothing to the user (a mixed-type GeoJSON column stays text).
_QUIET = ("as JSON; leaving as string",)


def _read(
    source: str | bytes,
    name: str,
    layer: str | None,
    encoding: str | None,
    notes: list[Note],
    purpose: Note = ("边界", "boundaries"),
):
    """The file's features; the reader's warnings (GDAL's among them) become notes."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            frame = pyogrio.read_dataframe(
                source, layer=layer, encoding=encoding, on_invalid="warn"
            )
        except (DataSourceError, DataLayerError, RuntimeError, ValueError) as exc:
            raise _unreadable(name, exc) from exc
    seen: set[str] = set()
    for w in caught:
        text = str(w.message)
        if text in seen or any(q in text for q in _QUIET):
            continue
        seen.add(text)
        notes.append((f"读取 {name} 时的提示：{text}", f"reader warning for {name}: {text}"))
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame.columns:
        raise ImportFailed(
            f"{name} 没有几何图形（{purpose[0]}），无法作为{purpose[0]}导入",
            f"{name} holds no geometry ({purpose[1]}) and cannot be imported as {purpose[1]}",
        )
    return frame


def _open(
    path: Path,
    layer: str | None,
    scratch: Path,
    prefer: str = "polygon",
    purpose: Note = ("边界", "boundaries"),
) -> tuple[gpd.GeoDataFrame, str | None, list[Note]]:
    """The raw frame of ``path``, the encoding used and notes."""
    kind = _sniff(path)
    name = path.name
    notes: list[Note] = []

    def read(source: str | bytes, label: str, pick: bool, encoding: str | None = None):
        chosen = _pick_layer(str(path), label, layer, prefer) if pick else None
        return _read(source, label, chosen, encoding, notes, purpose)

    if kind == "zip":
        check_zip_directory(path)
        try:
            with zipfile.ZipFile(path) as zf:
                listed = zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
            raise _damaged_zip(path, exc) from exc
        inner = [m.filename.lower() for m in listed]
        if any(m.endswith(".shp") for m in inner):
            shp, member = _extract_shapefile(path, layer, scratch)
            name = f"{path.name}/{member}"
            encoding, found = _shapefile_encoding(shp, name)
            notes += found
            return read(str(shp), name, False, encoding), encoding, notes
        if any(m.endswith(".kml") for m in inner):  # KMZ: GDAL reads the KML whole
            check_zip_members(path.name, [m for m in listed if not m.is_dir()])
            return read(str(path), name, True), None, notes
        raise _not_vector(name, "ZIP 中没有 .shp 或 .kml 文件", "the ZIP holds no .shp or .kml")
    if kind == "shp":
        encoding, found = _shapefile_encoding(path, name)
        notes += found
        return read(str(path), name, False, encoding), encoding, notes
    if kind == "geojson":
        with path.open("rb") as f:
            sample = f.read(_SAMPLE_BYTES)
        if detect_text_encoding(sample) == "GB18030":
            # GeoJSON must be UTF-8 (RFC 7946); a GBK one is transcoded in memory
            data = read_text_bytes(path).decode("gb18030").encode("utf-8")
            notes.append(
                (
                    "GeoJSON 文件为 GBK（GB18030）编码，已按此读取（GeoJSON 应为 UTF-8）",
                    "GeoJSON file is GBK (GB18030) encoded and was read as such (GeoJSON should "
                    "be UTF-8)",
                )
            )
            return read(data, name, False), "GB18030", notes
        return read(str(path), name, False), None, notes
    # gpkg, kml
    return read(str(path), name, True), None, notes


def vector_format(path: str | os.PathLike) -> str | None:
    """``geojson``, ``gpkg``, ``zip`` (a zipped Shapefile or KMZ), ``shp`` or ``kml`` when
    ``path`` is a vector file we read, else None (a table, or anything else)."""
    source = Path(path)
    try:
        kind = _sniff(source)
    except (ImportFailed, OSError):
        return None
    if kind != "zip":
        return kind
    try:  # an Excel workbook is a ZIP too: only one holding a .shp or .kml is a vector file
        check_zip_directory(source)
        with zipfile.ZipFile(source) as zf:
            inner = [m.lower() for m in zf.namelist()]
    except ImportFailed:
        return kind  # an abnormal ZIP: the vector reader refuses it and says why
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError):
        return None
    return kind if any(m.endswith((".shp", ".kml")) for m in inner) else None


def open_vector(
    path: str | os.PathLike,
    layer: str | None = None,
    *,
    prefer: str = "polygon",
    purpose: Note = ("边界", "boundaries"),
) -> tuple[gpd.GeoDataFrame, str | None, list[Note]]:
    """The features of a vector file as read, the attribute encoding used, and notes.

    Parameters
    ----------
    path : path-like
        GeoJSON, GeoPackage, Shapefile (zipped or bare) or KML/KMZ.
    layer : str, optional
        The layer of a GeoPackage/KML, or the Shapefile of a ZIP holding several.
    prefer : str
        With several layers and none named, the one whose geometry type contains this
        (``polygon``, ``point``) is taken when it is the only one.
    purpose : (zh, en)
        What the geometry is for, in the message for a file without any.

    Raises :class:`ImportFailed` when the file cannot be read. GBK attributes without a
    ``.cpg`` are detected; the coordinates are left in the file's CRS (see
    :func:`reproject_to_wgs84`).
    """
    with tempfile.TemporaryDirectory(prefix="atlas-import-") as scratch:
        return _open(Path(path), layer, Path(scratch), prefer, purpose)


# ----------------------------------------------------------------------------- the reader
def read_boundaries(
    path: str | os.PathLike,
    kind: BoundaryKind,
    crs: str | None = None,
    columns: Mapping[str, str] | None = None,
    layer: str | None = None,
) -> VectorImport:
    """Read village (``kind="villages"``) or township (``"township"``) boundaries from ``path``.

    ``crs`` declares the coordinates' CRS (any pyproj input: ``"EPSG:4490"``, ``"4526"``, or
    ``"gcj02"`` for AMap/Tencent coordinates), overriding the file's. ``columns`` maps source
    headers to schema columns, over the recognised synonyms. ``layer`` names the layer of a
    GeoPackage/KML or the Shapefile in a ZIP holding several.

    Duplicated codes: when every row sharing a code is the same (attributes and geometry), the
    first is taken and the later ones rejected as repeats; otherwise all of them are rejected,
    since which one is right cannot be told.
    """
    if kind not in ("villages", "township"):
        raise ValueError(f"kind must be 'villages' or 'township', not {kind!r}")
    source = Path(path)
    if not source.is_file():
        raise ImportFailed(f"找不到文件 {source}", f"no file at {source}")
    schema = LAYERS[kind]
    code_length = schema.column("code").length or 12
    raw, encoding, notes = open_vector(source, layer)
    raw = raw.reset_index(drop=True)
    geom_name = raw.geometry.name
    headers = [str(c) for c in raw.columns if c != geom_name]
    raw.columns = [str(c) if c != geom_name else c for c in raw.columns]
    found = match_columns(headers, kind, columns)
    _require_code_and_name(found, headers, kind, source.name)
    _refuse_personal_attributes(raw, found, schema)

    wgs, choice, crs_notes = reproject_to_wgs84(raw.geometry, crs)
    notes.extend(crs_notes)

    # a feature's reasons are reported in the order of these checks: keep it
    reasons: list[list[Note]] = [[] for _ in range(len(raw))]
    mapped = pd.DataFrame({target: raw[src] for src, target in found.items()}, index=raw.index)
    codes = _codes(mapped["code"], code_length, reasons, notes)
    names = _names(mapped["name"], reasons)
    fixed = _repaired(wgs, reasons, notes)
    norm = _field_values(mapped, schema, reasons)
    if kind == "villages":
        _village_kinds(norm, names, notes)
    _duplicate_codes(codes, raw, fixed, reasons)

    ok = np.array([not r for r in reasons], dtype=bool)
    frame, extra = _taken(raw, headers, found, ok, codes, names, norm, fixed)
    return VectorImport(
        kind=kind,
        frame=frame,
        rejected=rejections(raw, headers, ok, reasons),
        notes=notes,
        columns_found=found,
        crs_used=choice.label,
        extra=extra,
        encoding=encoding,
        headers=tuple(headers),
    )


def _taken(
    raw: gpd.GeoDataFrame,
    headers: list[str],
    found: Mapping[str, str],
    ok: np.ndarray,
    codes: list[str | None],
    names: list[str | None],
    norm: pd.DataFrame,
    fixed: list,
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """The features taken (``ok``) as the layer's rows, indexed by ``source_row`` from 1, and
    their unrecognised attributes (same index)."""
    n = len(raw)
    index = pd.RangeIndex(1, n + 1, name="source_row")
    data = pd.DataFrame(index=index)
    data["code"] = pd.array(codes, dtype="string")
    data["name"] = pd.array(names, dtype="string")
    for c in norm.columns:
        data[c] = pd.Series(norm[c].array, index=index)
    kept = [g for g, take in zip(fixed, ok, strict=True) if take]
    frame = gpd.GeoDataFrame(
        data[ok], geometry=gpd.GeoSeries(kept, index=index[ok], crs=WGS84), crs=WGS84
    )
    extra_cols = [c for c in headers if c not in found]
    extra = raw.loc[ok, extra_cols].copy()
    extra.index = index[ok]
    return frame, extra
