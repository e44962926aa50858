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
"""

from __future__ import annotations

import codecs
import math
import os
import re
import tempfile
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError
from pyproj import CRS
from pyproj.exceptions import CRSError

from ...geo.gcj02 import geometry_to_wgs84
from ...geo.schema import LAYERS, WGS84, Layer
from ...geo.validate import coerce
from .errors import ImportFailed, Note
from .headers import HeaderMatcher, matcher, normalise
from .personal_guard import name_checked_fields, refuse_personal_fields
from .tabular import read_text_bytes

BoundaryKind = Literal["villages", "township"]

#: China's box in degrees (longitude, latitude), a little generous.
CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)
#: Gauss-Krüger northings of China's latitudes (3°N ≈ 330 km, 54°N ≈ 5,990 km), generous.
CHINA_NORTHING = (300_000.0, 6_100_000.0)
#: Share of a village's area that may lie outside the township outline before it is flagged.
OUTSIDE_TOLERANCE = 0.05

#: ``--crs`` spellings that mean GCJ-02 (高德/腾讯 web-map coordinates).
GCJ02_NAMES = frozenset({"gcj02", "gcj-02", "gcj", "gcj_02"})

CRS_HINT_ZH = (
    "请用 --crs 声明坐标系，例如 --crs EPSG:4490（CGCS2000 经纬度）、--crs EPSG:4326（WGS84）、"
    "--crs gcj02（高德/腾讯地图坐标）、--crs EPSG:4527（CGCS2000 3度带 39 带，X 含带号）或 "
    "--crs EPSG:4545（CGCS2000 3度带 中央经线 111°E，X 不含带号）"
)
CRS_HINT_EN = (
    "declare the CRS with --crs, e.g. --crs EPSG:4490 (CGCS2000 degrees), --crs EPSG:4326 "
    "(WGS84), --crs gcj02 (AMap/Tencent web-map coordinates), --crs EPSG:4527 (CGCS2000 3° "
    "Gauss-Krüger zone 39, zone number in X) or --crs EPSG:4545 (CGCS2000 3° Gauss-Krüger, "
    "central meridian 111°E, no zone number)"
)


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


# ----------------------------------------------------------------------------- column names
def header_matcher(kind: str) -> HeaderMatcher:
    """The header matcher of a boundary file: the layer's columns as the schema spells them
    (land-survey XZQDM/XZQMC and the offices' Chinese headers are declared there)."""
    # declared headers first: they decide which of several headers wins (村名 before KML's Name)
    return matcher({c.name: (*c.headers, c.zh, c.name, c.en) for c in LAYERS[kind].columns})


def _rank(key: str, order: list[str]) -> int:
    return order.index(key) if key in order else len(order)


def mappable_fields(kind: BoundaryKind) -> list[tuple[str, str, str]]:
    """The fields a header of a ``kind`` boundary file may be mapped to, as (field, zh, en).

    Parameters
    ----------
    kind : {"villages", "township"}

    Returns
    -------
    list of (field, label_zh, label_en)
        The layer's columns, each a valid target in ``read_boundaries(columns=...)``.
    """
    if kind not in ("villages", "township"):
        raise ValueError(f"kind must be 'villages' or 'township', not {kind!r}")
    return [(c.name, c.zh, c.en) for c in LAYERS[kind].columns]


def match_columns(
    headers: list[str], kind: BoundaryKind, columns: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Source header → schema column for the headers recognised; ``columns`` overrides.

    ``columns`` maps a source header to a schema column of the layer. When several headers
    name one column the most specific alias wins (XZQDM before 代码) and the others stay aside.
    """
    layer = LAYERS[kind]
    found: dict[str, str] = {}
    for source, target in (columns or {}).items():
        if target not in layer.names:
            raise ImportFailed(
                f"列映射指向未知字段 {target!r}；{layer.zh}的字段有：{', '.join(layer.names)}",
                f"column mapping names unknown field {target!r}; {layer.name} fields are "
                f"{', '.join(layer.names)}",
            )
        if source not in headers:
            raise ImportFailed(
                f"列映射中的列 {source!r} 不在文件中；文件的列有：{', '.join(headers)}",
                f"mapped column {source!r} is not in the file; its columns are "
                f"{', '.join(headers)}",
            )
        found[source] = target
    taken = set(found.values())
    m = header_matcher(kind)
    candidates: dict[str, list[str]] = {}
    for h in headers:
        target = m.field(h)
        if h not in found and target is not None and target not in taken:
            candidates.setdefault(target, []).append(h)
    for target, named in candidates.items():
        # several headers for one field: the most specific spelling wins (XZQDM before 代码)
        order = [normalise(n) for n in m.spellings[target]]
        found[min(named, key=lambda h: _rank(normalise(h), order))] = target
    return found


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


# ----------------------------------------------------------------------------- encodings
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_SAMPLE_BYTES = 4 << 20


def _decodes(data: bytes, encoding: str) -> str | None:
    """``data`` decoded strictly (a character cut at the end of a sample is allowed)."""
    try:
        return codecs.getincrementaldecoder(encoding)("strict").decode(data, final=False)
    except UnicodeDecodeError:
        return None


def detect_text_encoding(data: bytes) -> str | None:
    """``None`` for ASCII, ``"UTF-8"``, ``"GB18030"`` (GBK's superset) or ``"unknown"``.

    UTF-8 is tried strictly first (GBK text is almost never valid UTF-8); then GB18030, taken
    only when most of the non-ASCII characters it yields are CJK.
    """
    if data.isascii():
        return None
    if _decodes(data, "utf-8") is not None:
        return "UTF-8"
    text = _decodes(data, "gb18030")
    if text is not None:
        wide = [c for c in text if ord(c) > 127]
        if wide and sum(bool(_CJK.match(c)) for c in wide) >= 0.8 * len(wide):
            return "GB18030"
    return "unknown"


def _dbf_records(data: bytes) -> bytes:
    """The record bytes of a .dbf sample (the header and field names left out)."""
    if len(data) < 32:
        return b""
    header_len = int.from_bytes(data[8:10], "little")
    return data[header_len:]


def _sidecar(shp: Path, ext: str) -> Path | None:
    for candidate in shp.parent.iterdir():
        if candidate.stem == shp.stem and candidate.suffix.lower() == ext:
            return candidate
    return None


def _shapefile_encoding(shp: Path, name: str) -> tuple[str | None, list[Note]]:
    """The encoding to read ``shp``'s attributes with, and a note saying how it was decided."""
    if _sidecar(shp, ".cpg") is not None:
        return None, []  # GDAL reads the declared code page
    dbf = _sidecar(shp, ".dbf")
    if dbf is None:
        raise ImportFailed(
            f"{name} 缺少属性表文件（.dbf）：Shapefile 需要同名的 .shp、.shx 和 .dbf",
            f"{name} lacks its attribute table (.dbf): a Shapefile needs .shp, .shx and .dbf "
            "of one name",
        )
    with dbf.open("rb") as f:
        records = _dbf_records(f.read(_SAMPLE_BYTES))
    found = detect_text_encoding(records)
    if found == "GB18030":
        return "GB18030", [
            (
                "属性表无 .cpg 编码说明，检测为 GBK（GB18030）编码并按此读取",
                "no .cpg beside the attribute table: GBK (GB18030) encoding detected and used",
            )
        ]
    if found == "UTF-8":
        return "UTF-8", [
            (
                "属性表无 .cpg 编码说明，检测为 UTF-8 编码",
                "no .cpg beside the attribute table: UTF-8 encoding detected",
            )
        ]
    if found == "unknown":
        return None, [
            (
                "属性表无 .cpg 编码说明，编码无法判断，文字可能显示为乱码；"
                "请添加 .cpg 文件（如内容 GBK）",
                "no .cpg beside the attribute table and its encoding could not be told; text may "
                "be garbled: add a .cpg file (e.g. containing GBK)",
            )
        ]
    return None, []


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


# ----------------------------------------------------------------------------- CRS
@dataclass(frozen=True)
class CrsChoice:
    crs: CRS
    gcj02: bool
    label: str
    notes: tuple[Note, ...] = ()


def _parse_user_crs(text: str) -> tuple[CRS, bool]:
    t = text.strip()
    if t.casefold() in GCJ02_NAMES:
        return CRS.from_epsg(4326), True
    try:
        return (CRS.from_epsg(int(t)) if t.isdigit() else CRS.from_user_input(t)), False
    except CRSError as exc:
        raise ImportFailed(
            f"无法识别坐标系 {text!r}；{CRS_HINT_ZH}",
            f"unknown CRS {text!r}; {CRS_HINT_EN}",
        ) from exc


def _label(crs: CRS) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.name


def _all_finite(geoms: np.ndarray) -> np.ndarray:
    """Per geometry: whether every coordinate is a finite number (no NaN, no Infinity)."""
    coords, owner = shapely.get_coordinates(geoms, return_index=True)  # x, y: z may be NaN
    bad = np.unique(owner[~np.isfinite(coords).all(axis=1)])
    out = np.ones(len(geoms), dtype=bool)
    out[bad] = False
    return out


def _finite_bounds(geoms: np.ndarray) -> np.ndarray | None:
    """The extent of the geometries whose coordinates are all finite (a feature with NaN
    or Infinity is refused on its own, it does not hide the others' CRS)."""
    present = geoms[~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)]
    present = present[_all_finite(present)]
    if not len(present):
        return None
    bounds = shapely.total_bounds(present)
    return bounds if np.isfinite(bounds).all() else None


def _gk_zone_of(x_min: float, x_max: float) -> int | None:
    """The zone number carried in 8-digit Gauss-Krüger X values, when all share one."""
    if x_min < 10_000_000 or x_max >= 100_000_000:
        return None
    zone = int(x_min // 1_000_000)
    if int(x_max // 1_000_000) != zone:
        return None
    easting = (x_min - zone * 1_000_000, x_max - zone * 1_000_000)
    if not (easting[0] >= 150_000 and easting[1] <= 850_000):
        return None
    return zone


def _in_china(bounds) -> bool:
    x0, y0, x1, y1 = bounds
    return CHINA_LON[0] <= x0 <= x1 <= CHINA_LON[1] and CHINA_LAT[0] <= y0 <= y1 <= CHINA_LAT[1]


def infer_crs(bounds: np.ndarray) -> CrsChoice:
    """The one reading of undeclared coordinates with ``bounds``, or :class:`ImportFailed`."""
    x0, y0, x1, y1 = (float(v) for v in bounds)
    if _in_china((x0, y0, x1, y1)):
        return CrsChoice(
            CRS.from_epsg(4490),
            False,
            "EPSG:4490",
            (
                (
                    "文件未声明坐标系；坐标为中国范围内的经纬度，按 CGCS2000（EPSG:4490）读取"
                    "（在地图比例尺上与 WGS84 相同）。"
                    "高德/腾讯等网络地图的 GCJ-02 坐标无法与之区分，"
                    "约有 300–700 米偏移：如数据来自网络地图，请用 --crs gcj02 重新导入",
                    "the file declares no CRS; its coordinates are degrees within China, read as "
                    "CGCS2000 (EPSG:4490; the same as WGS84 at map scale). GCJ-02 coordinates of "
                    "AMap/Tencent web maps cannot be told apart and are 300–700 m off: if the data "
                    "came from a web map, import again with --crs gcj02",
                ),
            ),
        )
    in_china_northing = CHINA_NORTHING[0] <= y0 <= y1 <= CHINA_NORTHING[1]
    zone = _gk_zone_of(x0, x1) if in_china_northing else None
    if zone is not None and 25 <= zone <= 45:
        epsg = 4513 + zone - 25
        meridian = 3 * zone
        return CrsChoice(
            CRS.from_epsg(epsg),
            False,
            f"EPSG:{epsg}",
            (
                (
                    f"文件未声明坐标系；X 坐标为 8 位且以带号 {zone} 开头，"
                    f"按 CGCS2000 3度带高斯-克吕格"
                    f" {zone} 带（中央经线 {meridian}°E，X 含带号，EPSG:{epsg}）读取",
                    f"the file declares no CRS; X values have 8 digits starting with zone number "
                    f"{zone}: read as CGCS2000 3° Gauss-Krüger zone {zone} (central meridian "
                    f"{meridian}°E, zone number in X, EPSG:{epsg})",
                ),
            ),
        )
    if zone is not None and 13 <= zone <= 23:
        epsg = 4491 + zone - 13
        meridian = 6 * zone - 3
        return CrsChoice(
            CRS.from_epsg(epsg),
            False,
            f"EPSG:{epsg}",
            (
                (
                    f"文件未声明坐标系；X 坐标为 8 位且以 6 度带带号 {zone} 开头，按 CGCS2000 6度带"
                    f"高斯-克吕格 {zone} 带（中央经线 {meridian}°E，EPSG:{epsg}）读取",
                    f"the file declares no CRS; X values have 8 digits starting with 6° zone "
                    f"number {zone}: read as CGCS2000 6° Gauss-Krüger zone {zone} (central "
                    f"meridian {meridian}°E, EPSG:{epsg})",
                ),
            ),
        )
    if in_china_northing and 150_000 <= x0 <= x1 <= 850_000:
        raise ImportFailed(
            "文件未声明坐标系；坐标像是不含带号的 CGCS2000 3度带高斯-克吕格投影坐标（米），"
            "但无法从坐标判断是哪一带（中央经线）。"
            "请用 --crs 指定，EPSG 编号 = 4534 + (中央经线 − 75)/3，"
            "例如中央经线 111°E 用 --crs EPSG:4546，114°E 用 EPSG:4547，117°E 用 EPSG:4548；"
            "或在 .prj 文件中写明坐标系",
            "the file declares no CRS; its coordinates look like CGCS2000 3° Gauss-Krüger metres "
            "without a zone number, and the zone (central meridian) cannot be told from them. "
            "Declare it with --crs: the EPSG code is 4534 + (central meridian − 75)/3, e.g. "
            "--crs EPSG:4546 for 111°E, EPSG:4547 for 114°E, EPSG:4548 for 117°E; or add a .prj "
            "file",
        )
    raise ImportFailed(
        f"文件未声明坐标系，坐标范围（X {x0:.6g}–{x1:.6g}，Y {y0:.6g}–{y1:.6g}）也无法判断坐标系；"
        f"{CRS_HINT_ZH}",
        f"the file declares no CRS and its coordinates (X {x0:.6g}–{x1:.6g}, Y {y0:.6g}–{y1:.6g})"
        f" fit no reading we can tell; {CRS_HINT_EN}",
    )


def choose_crs(declared: CRS | None, user: str | None, bounds: np.ndarray | None) -> CrsChoice:
    """The CRS the coordinates are read in: the user's, the file's, or one inferred."""
    notes: list[Note] = []
    if user is not None:
        crs, gcj = _parse_user_crs(user)
        label = "GCJ-02" if gcj else _label(crs)
        overridden = declared is not None and not declared.equals(crs)
        if overridden and not (gcj and declared.is_geographic):
            notes.append(
                (
                    f"文件声明的坐标系 {_label(declared)} 被指定的 {label} 取代",
                    f"the file's declared CRS {_label(declared)} was overridden by {label}",
                )
            )
        if gcj:
            if declared is not None and not declared.is_geographic:
                raise ImportFailed(
                    f"文件的坐标系 {_label(declared)} 是投影坐标（米），不可能是 GCJ-02 经纬度",
                    f"the file's CRS {_label(declared)} is projected (metres); it cannot hold "
                    "GCJ-02 longitudes and latitudes",
                )
            notes.append(
                (
                    "坐标按 GCJ-02（高德/腾讯地图坐标）读取，并已转换为 WGS84",
                    "coordinates read as GCJ-02 (AMap/Tencent web-map) and converted to WGS84",
                )
            )
        choice = CrsChoice(crs, gcj, label, tuple(notes))
    elif declared is not None:
        choice = CrsChoice(declared, False, _label(declared))
    else:
        if bounds is None:
            raise ImportFailed(
                f"文件未声明坐标系，也没有可判断的坐标；{CRS_HINT_ZH}",
                f"the file declares no CRS and has no coordinates to tell one from; {CRS_HINT_EN}",
            )
        choice = infer_crs(bounds)
    if bounds is not None:
        _check_plausible(choice, bounds)
    return choice


def _check_plausible(choice: CrsChoice, bounds: np.ndarray) -> None:
    """Refuse a CRS the coordinates cannot be in (metres read as degrees and the reverse)."""
    x0, y0, x1, y1 = (float(v) for v in bounds)
    degrees = -180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90
    if choice.crs.is_geographic and not degrees:
        raise ImportFailed(
            f"坐标系 {choice.label} 以度为单位，但坐标达到 X {x1:.6g}、Y {y1:.6g}，"
            "像是投影坐标（米）；"
            f"文件的 .prj 或所给的 --crs 可能有误。{CRS_HINT_ZH}",
            f"CRS {choice.label} is in degrees but coordinates reach X {x1:.6g}, Y {y1:.6g}: they "
            f"look like projected metres; the file's .prj or the --crs given may be wrong. "
            f"{CRS_HINT_EN}",
        )
    if choice.crs.is_projected and degrees and max(abs(x1), abs(y1)) < 1000:
        raise ImportFailed(
            f"坐标系 {choice.label} 是投影坐标（米），但坐标像是经纬度（X {x0:.6g}–{x1:.6g}）；"
            f"{CRS_HINT_ZH}",
            f"CRS {choice.label} is projected (metres) but the coordinates look like degrees "
            f"(X {x0:.6g}–{x1:.6g}); {CRS_HINT_EN}",
        )


def _to_wgs84(geoms: gpd.GeoSeries, choice: CrsChoice) -> tuple[np.ndarray, list[Note]]:
    series = gpd.GeoSeries(shapely.force_2d(geoms.to_numpy()), index=geoms.index, crs=choice.crs)
    out = series.to_crs(WGS84).to_numpy()
    if choice.gcj02:
        out = geometry_to_wgs84(out)
    notes: list[Note] = []
    bounds = _finite_bounds(np.asarray(out, dtype=object))
    if bounds is not None:
        x0, y0, x1, y1 = bounds
        inside = _in_china((x0, y0, x1, y1))
        if not inside:
            notes.append(
                (
                    f"注意：按 {choice.label} 读取后，数据不全在中国范围内"
                    f"（经度 {x0:.3f}–{x1:.3f}，"
                    f"纬度 {y0:.3f}–{y1:.3f}）；请检查坐标系",
                    f"note: read as {choice.label}, the data is not all within China (longitude "
                    f"{x0:.3f}–{x1:.3f}, latitude {y0:.3f}–{y1:.3f}); check the CRS",
                )
            )
    return np.asarray(out, dtype=object), notes


def reproject_to_wgs84(
    geoms: gpd.GeoSeries, crs: str | None = None, *, points: bool = False
) -> tuple[np.ndarray, CrsChoice, list[Note]]:
    """``geoms`` (in the file's CRS, ``geoms.crs``) in WGS84, the reading chosen, and notes.

    ``crs`` is the user's ``--crs`` (``gcj02`` for AMap/Tencent coordinates), over the
    file's; without either the CRS is inferred from the coordinates (CGCS2000 degrees,
    Gauss-Krüger zones), and :class:`ImportFailed` says which ``--crs`` to give when it
    cannot be. Geometry is made 2D.

    With ``points`` (a file of facilities, stations or sites, each feature its own position)
    a few bad points do not condemn the file: when the CRS cannot be inferred from, or is
    implausible for, the extent of all the points, but at least half of them
    (:data:`POINT_MAJORITY`) read as positions in China under one reading, that reading is
    taken. The others are left to the caller's per-point checks, and a note counts them.
    Boundaries (``points=False``) are judged on the extent of every feature, as one shape.
    """
    try:
        choice = choose_crs(geoms.crs, crs, _finite_bounds(geoms.to_numpy()))
        outliers = 0
    except ImportFailed:
        majority = _majority_choice(geoms, crs) if points else None
        if majority is None:
            raise
        choice, outliers, total = majority
    wgs, notes = _to_wgs84(geoms, choice)
    if outliers:  # replaces the note on data outside China, which points at the CRS
        notes = [_outlier_note(choice, outliers, total)]
    return wgs, choice, [*choice.notes, *notes]


#: Share of a point file's points that must read as positions in China for the CRS to be
#: judged on them alone (see :func:`reproject_to_wgs84`).
POINT_MAJORITY = 0.5


def _point_xy(geoms: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """X and Y of each present geometry (its centroid unless a point); NaN when unreadable."""
    arr = geoms.to_numpy()
    arr = arr[~shapely.is_missing(arr) & ~shapely.is_empty(arr)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        centre = np.where(shapely.get_type_id(arr) == 0, arr, shapely.centroid(arr))
        return shapely.get_x(centre).astype(float), shapely.get_y(centre).astype(float)


def _in_china_after(choice: CrsChoice, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Which (x, y) lie in China's box once read in ``choice`` (GCJ-02's shift of a few
    hundred metres does not matter here)."""
    finite = np.isfinite(x) & np.isfinite(y)
    out = np.zeros(len(x), dtype=bool)
    if not finite.any():
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pts = gpd.GeoSeries(gpd.points_from_xy(x[finite], y[finite]), crs=choice.crs)
        wgs = pts.to_crs(WGS84).to_numpy()
        lon, lat = shapely.get_x(wgs), shapely.get_y(wgs)
    out[finite] = (
        np.isfinite(lon)
        & np.isfinite(lat)
        & (lon >= CHINA_LON[0])
        & (lon <= CHINA_LON[1])
        & (lat >= CHINA_LAT[0])
        & (lat <= CHINA_LAT[1])
    )
    return out


def _reading_of(x: float, y: float) -> str | None:
    """The reading an undeclared coordinate pair fits, as :func:`infer_crs` tells them
    apart: degrees in China, a Gauss-Krüger zone (number in X), or zone-less metres."""
    if not (math.isfinite(x) and math.isfinite(y)):
        return None
    if _in_china((x, y, x, y)):
        return "degrees"
    if CHINA_NORTHING[0] <= y <= CHINA_NORTHING[1]:
        zone = _gk_zone_of(x, x)
        if zone is not None:
            return f"zone {zone}"
        if 150_000 <= x <= 850_000:
            return "metres"
    return None


def _majority_choice(geoms: gpd.GeoSeries, user: str | None) -> tuple[CrsChoice, int, int] | None:
    """The reading under which at least :data:`POINT_MAJORITY` of the points lie in China,
    the number of the others and of all points; None when there is no such reading.

    The CRS is the user's or the file's when given, else inferred (:func:`infer_crs`) from
    the points sharing the most common reading; either way it is checked on the points that
    read well only. :class:`ImportFailed` when the majority's own reading cannot be told
    (zone-less Gauss-Krüger metres): its message says what to declare.
    """
    x, y = _point_xy(geoms)
    total = len(x)
    if not total:
        return None
    if user is None and geoms.crs is None:
        readings = [_reading_of(float(a), float(b)) for a, b in zip(x, y, strict=True)]
        counts = pd.Series([r for r in readings if r is not None], dtype=object).value_counts()
        if counts.empty or counts.iloc[0] < POINT_MAJORITY * total:
            return None
        same = np.array([r == counts.index[0] for r in readings])
        bounds = np.array([x[same].min(), y[same].min(), x[same].max(), y[same].max()])
        choice = choose_crs(None, None, bounds)
    else:
        choice = choose_crs(geoms.crs, user, None)  # the CRS given, not yet checked
    good = _in_china_after(choice, x, y)
    if good.sum() < POINT_MAJORITY * total:
        return None
    bounds = np.array([x[good].min(), y[good].min(), x[good].max(), y[good].max()])
    _check_plausible(choice, bounds)
    return choice, int(total - good.sum()), total


def _outlier_note(choice: CrsChoice, outliers: int, total: int) -> Note:
    return (
        f"{total} 个点中有 {outliers} 个按 {choice.label} 读取不在中国范围内"
        "（如经纬度互换、投影坐标混入）：坐标系按其余 "
        f"{total - outliers} 个点判断，这 {outliers} 个点逐个检查，原因见被拒绝的行",
        f"{outliers} of {total} points {'does' if outliers == 1 else 'do'} not lie in China "
        f"read as {choice.label} (longitude and latitude swapped, projected metres among "
        f"degrees, …): the CRS was judged on the other {total - outliers}, and these points "
        "are checked one by one (see the rejected rows)",
    )


# ----------------------------------------------------------------------------- values
def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value) -> str:
    """A cell as text for the rejection report (nothing evaluated, HTML kept verbatim)."""
    if _missing(value):
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{value:.0f}"
    if isinstance(value, np.generic):
        value = value.item()
    return str(value)


def normalise_code(value, length: int) -> tuple[str | None, Note | None, bool]:
    """(code, problem, trimmed): a code as ``length`` digits, or the reason it is not one.

    Numbers read as float (``360722102201.0``) become their digits. Codes longer than
    ``length`` (land-survey XZQDM) keep their first ``length`` digits when the rest are zeros;
    ``trimmed`` is then True.
    """
    if _missing(value):
        return None, ("缺少代码", "code is missing"), False
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if not math.isfinite(v) or not v.is_integer() or v < 0:
            return (
                None,
                (f"代码 {value!r} 不是数字代码", f"code {value!r} is not a digit code"),
                False,
            )
        if v >= 1e15:
            return (
                None,
                (
                    f"代码 {v:.0f} 以浮点数存储，位数太多无法保证准确；请把代码列存为文本",
                    f"code {v:.0f} is stored as a floating-point number with too many digits to be "
                    "exact; store the code column as text",
                ),
                False,
            )
        text = f"{v:.0f}"
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if re.fullmatch(r"\d+\.0*", text):
            text = text.split(".")[0]
        elif re.fullmatch(r"\d+(\.\d+)?[eE]\+?\d+", text):
            try:
                d = Decimal(text)
            except InvalidOperation:
                d = None
            if d is not None and d == d.to_integral_value():
                text = f"{d:.0f}"
    if text == "":
        return None, ("缺少代码", "code is missing"), False
    if not text.isdigit() or not text.isascii():
        return None, (f"代码 {text!r} 含非数字字符", f"code {text!r} is not all digits"), False
    if len(text) == length:
        return text, None, False
    if len(text) > length:
        if set(text[length:]) == {"0"}:
            return text[:length], None, True
        return (
            None,
            (
                f"代码 {text} 有 {len(text)} 位，应为 {length} 位；"
                f"第 {length} 位之后不全为 0，无法截取",
                f"code {text} has {len(text)} digits, not {length}; the digits after the first "
                f"{length} are not all zeros, so it cannot be shortened",
            ),
            False,
        )
    return (
        None,
        (
            f"代码 {text} 只有 {len(text)} 位，应为 {length} 位",
            f"code {text} has {len(text)} digits, not {length}",
        ),
        False,
    )


_KIND_WORDS = {
    "村": "村",
    "行政村": "村",
    "村委会": "村",
    "村民委员会": "村",
    "居委会": "居委会",
    "居民委员会": "居委会",
    "社区": "居委会",
    "社区居委会": "居委会",
}


def kind_from_name(name: str) -> str:
    """居委会 for names ending 居委会/居民委员会/社区, else 村."""
    n = name.strip()
    return "居委会" if n.endswith(("居委会", "居民委员会", "社区")) else "村"


# ----------------------------------------------------------------------------- geometry
_POLYGONAL = {"Polygon", "MultiPolygon"}


def _polygonal_part(geom) -> shapely.MultiPolygon | None:
    """The polygons of ``geom`` (a collection's too) as one MultiPolygon, or None."""
    polys = [
        p
        for p in shapely.get_parts(shapely.get_parts(geom))
        if p.geom_type == "Polygon" and not p.is_empty
    ]
    if not polys:
        return None
    return shapely.MultiPolygon(polys)


def _fix_geometry(geom) -> tuple[object | None, Note | None, bool]:
    """(MultiPolygon, problem, repaired)."""
    if geom is None or shapely.is_missing(geom) or geom.is_empty:
        return None, ("几何图形为空或无法读取", "geometry is missing, empty or unreadable"), False
    if not _all_finite(np.array([geom], dtype=object))[0]:
        return (
            None,
            (
                "坐标不是有限数值（NaN 或 Infinity），无法使用",
                "a coordinate is not a finite number (NaN or Infinity)",
            ),
            False,
        )
    kind = geom.geom_type
    if kind not in _POLYGONAL:
        part = _polygonal_part(geom) if kind == "GeometryCollection" else None
        if part is None:
            return (
                None,
                (f"几何类型为 {kind}，不是面（多边形）", f"geometry is a {kind}, not a polygon"),
                False,
            )
        geom = part
    try:
        if geom.is_valid:
            return _polygonal_part(geom), None, False
        fixed = _polygonal_part(shapely.make_valid(geom))
    except shapely.errors.GEOSException as exc:  # GEOS refuses what it cannot compute
        return None, (f"几何图形无法处理（{exc}）", f"geometry cannot be processed ({exc})"), False
    if fixed is None or fixed.area == 0:
        return (
            None,
            (
                "几何图形无效，修复后没有面积",
                "geometry is invalid and no area remains after repair",
            ),
            False,
        )
    if not fixed.is_valid:  # make_valid of a MultiPolygon's parts can overlap: merge them
        fixed = _polygonal_part(shapely.union_all(fixed.geoms))
        if fixed is None or not fixed.is_valid:
            return (
                None,
                ("几何图形无效且无法修复", "geometry is invalid and cannot be repaired"),
                False,
            )
    return fixed, None, True


# ----------------------------------------------------------------------------- outline check
def outside_share(frame: gpd.GeoDataFrame, outline) -> pd.Series:
    """Share (0–1) of each village's area outside ``outline`` (a GeoDataFrame/GeoSeries/geometry).

    Areas are measured in the CGCS2000 Gauss-Krüger zone of the data, never in degrees.
    """
    from ...geo.crs import metric_crs

    if isinstance(outline, (gpd.GeoDataFrame, gpd.GeoSeries)):
        outline_series = outline.geometry if isinstance(outline, gpd.GeoDataFrame) else outline
        outline_series = outline_series.to_crs(frame.crs)
    else:
        outline_series = gpd.GeoSeries([outline], crs=frame.crs)
    if frame.empty:
        return pd.Series([], index=frame.index, dtype="float64")
    metric = metric_crs(frame)
    villages = frame.geometry.to_crs(metric)
    shape = shapely.union_all(outline_series.to_crs(metric).to_numpy())
    area = villages.area
    outside = villages.difference(shape).area
    return (outside / area.where(area > 0)).fillna(0.0).astype("float64")


def outside_outline(
    frame: gpd.GeoDataFrame, outline, tolerance: float = OUTSIDE_TOLERANCE
) -> pd.Series:
    """True for each village with more than ``tolerance`` of its area outside ``outline``."""
    return outside_share(frame, outline) > tolerance


def outside_reason(share: float) -> Note:
    """The rejection reason (zh, en) for a village with ``share`` of its area outside."""
    pct = f"{share * 100:.0f}%"
    return (
        f"村界有 {pct} 的面积在乡镇界之外（允许 {OUTSIDE_TOLERANCE * 100:.0f}%）",
        f"{pct} of the village's area lies outside the township outline "
        f"(at most {OUTSIDE_TOLERANCE * 100:.0f}% allowed)",
    )


# ----------------------------------------------------------------------------- the reader
def _field_problems(layer: Layer, raw: pd.DataFrame, norm: pd.DataFrame) -> dict[int, list[Note]]:
    """Per row position: values given but unreadable, not allowed or out of range."""
    found: dict[int, list[Note]] = {}
    kinds_zh = {"int": "整数", "year": "年份", "float": "数字", "bool": "是/否", "str": "文字"}
    for col in layer.columns:
        if col.name in ("code", "name") or col.name not in norm.columns:
            continue
        val = norm[col.name]
        given = raw[col.name].map(lambda v: not _missing(v) and str(v).strip() != "")
        label = f"{col.zh}（{col.name}）"
        for i in np.flatnonzero((val.isna() & given).to_numpy()):
            v = _text(raw[col.name].iloc[i])
            found.setdefault(int(i), []).append(
                (
                    f"{label}的值 {v!r} 不是{kinds_zh.get(col.kind, col.kind)}",
                    f"{col.name}: cannot read {v!r} as {col.kind}",
                )
            )
        present = val.notna().to_numpy()
        if col.allowed:
            bad = present & ~val.isin(col.allowed).fillna(False).to_numpy(dtype=bool)
            for i in np.flatnonzero(bad):
                found.setdefault(int(i), []).append(
                    (
                        f"{label}的值 {val.iloc[i]!r} 不在允许值（{'、'.join(col.allowed)}）之中",
                        f"{col.name}: {val.iloc[i]!r} is not one of {', '.join(col.allowed)}",
                    )
                )
        if col.kind in ("int", "year", "float"):
            num = val.astype("float64")
            for bound, op, zh, en in (
                (col.minimum, np.less, "小于", "below"),
                (col.maximum, np.greater, "大于", "above"),
            ):
                if bound is None:
                    continue
                for i in np.flatnonzero(present & op(num, bound).fillna(False).to_numpy()):
                    found.setdefault(int(i), []).append(
                        (
                            f"{label}的值 {val.iloc[i]} {zh} {bound:g}",
                            f"{col.name}: {val.iloc[i]} is {en} {bound:g}",
                        )
                    )
    return found


def _geometry_text(geom) -> str:
    if geom is None or _missing(geom):
        return ""
    try:
        wkt = shapely.to_wkt(geom, rounding_precision=6)
    except Exception:
        return str(getattr(geom, "geom_type", ""))
    if len(wkt) <= 200:
        return wkt
    return f"{geom.geom_type} ({shapely.get_num_coordinates(geom)} vertices)"


def rejections(
    raw: gpd.GeoDataFrame, headers: list[str], ok: np.ndarray, reasons: list[list[Note]]
) -> pd.DataFrame:
    """One row per feature not taken: ``source_row``, ``reason_zh``, ``reason_en`` (its
    reasons joined), its attributes as text and its geometry as a short text."""
    bad = np.flatnonzero(~ok)
    out = pd.DataFrame(
        {
            "source_row": pd.Series([int(i) + 1 for i in bad], dtype="int64"),
            "reason_zh": pd.Series(["；".join(zh for zh, _ in reasons[i]) for i in bad], dtype=str),
            "reason_en": pd.Series(["; ".join(en for _, en in reasons[i]) for i in bad], dtype=str),
        }
    )
    for c in headers:
        key = c if c not in ("source_row", "reason_zh", "reason_en") else f"source_{c}"
        out[key] = pd.Series([_text(raw[c].iloc[i]) for i in bad], dtype=str)
    out["geometry"] = pd.Series([_geometry_text(raw.geometry.iloc[i]) for i in bad], dtype=str)
    return out


def _codes(
    values: pd.Series, code_length: int, reasons: list[list[Note]], notes: list[Note]
) -> list[str | None]:
    """Each row's code as a digit string (or None with the reason); a note counts the codes
    cut to ``code_length`` (longer ones with only zeros after)."""
    codes: list[str | None] = []
    trimmed = 0
    for i, value in enumerate(values):
        code, problem, cut = normalise_code(value, code_length)
        codes.append(code)
        trimmed += cut
        if problem:
            reasons[i].append(problem)
    if trimmed:
        notes.append(
            (
                f"{trimmed} 个代码超过 {code_length} 位且其后全为 0，已截取前 {code_length} 位",
                f"{trimmed} code(s) longer than {code_length} digits with only zeros after them "
                f"were cut to their first {code_length} digits",
            )
        )
    return codes


def _repaired(wgs, reasons: list[list[Note]], notes: list[Note]) -> list[object | None]:
    """Each geometry as a valid MultiPolygon (or None with the reason); a note lists the rows
    repaired."""
    fixed: list[object | None] = []
    repaired_rows: list[int] = []
    for i, g in enumerate(wgs):
        geom, problem, repaired = _fix_geometry(g)
        fixed.append(geom)
        if problem:
            reasons[i].append(problem)
        if repaired:
            repaired_rows.append(i + 1)
    if repaired_rows:
        shown = "、".join(map(str, repaired_rows[:20])) + ("…" if len(repaired_rows) > 20 else "")
        shown_en = ", ".join(map(str, repaired_rows[:20])) + (
            ", …" if len(repaired_rows) > 20 else ""
        )
        notes.append(
            (
                f"{len(repaired_rows)} 个无效几何图形已修复（make_valid，只保留面部分）："
                f"第 {shown} 行",
                f"{len(repaired_rows)} invalid geometr{'y' if len(repaired_rows) == 1 else 'ies'} "
                f"repaired (make_valid, polygonal parts kept): row(s) {shown_en}",
            )
        )
    return fixed


def _duplicate_codes(
    codes: list[str | None], raw: gpd.GeoDataFrame, fixed: list, reasons: list[list[Note]]
) -> None:
    """Rows sharing a code: when every one is the same (attributes and geometry) the first is
    taken and the others rejected as repeats; otherwise all are rejected, since which one is
    right cannot be told."""
    code_series = pd.Series(codes, dtype="string")
    dup = code_series.notna() & code_series.duplicated(keep=False)
    if dup.any():
        text_rows = raw.drop(columns=raw.geometry.name).map(_text).agg("\x1f".join, axis=1)
        wkb = pd.Series([shapely.to_wkb(g) if g is not None else b"" for g in fixed])
        for code, group in code_series[dup].groupby(code_series[dup]):
            rows = list(group.index)
            same = text_rows[rows].nunique() == 1 and wkb[rows].nunique() == 1
            listed = ", ".join(str(r + 1) for r in rows)
            listed_zh = "、".join(str(r + 1) for r in rows)
            if same:
                for r in rows[1:]:
                    reasons[r].append(
                        (
                            f"与第 {rows[0] + 1} 行完全相同（代码 {code} 重复）",
                            f"exact repeat of row {rows[0] + 1} (code {code})",
                        )
                    )
            else:
                for r in rows:
                    reasons[r].append(
                        (
                            f"代码 {code} 重复（第 {listed_zh} 行），无法判断哪一行正确",
                            f"code {code} is duplicated (rows {listed}); which row is right "
                            "cannot be told",
                        )
                    )


def _refuse_personal_attributes(raw: pd.DataFrame, found: Mapping[str, str], layer: Layer) -> None:
    """Refuse a vector file when an attribute it keeps (``found``: header → field) holds ID
    numbers, phone numbers, or names where no name belongs (:mod:`.personal_guard`); rows are
    named by feature number, from 1."""
    rows = pd.RangeIndex(1, len(raw) + 1)
    refuse_personal_fields(
        {fld: pd.Series(raw[src].to_numpy(), index=rows) for src, fld in found.items()},
        {fld: src for src, fld in found.items()},
        name_fields=name_checked_fields(layer),
    )


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
    targets = set(found.values())
    for needed, zh in (("code", "代码"), ("name", "名称")):
        if needed not in targets:
            known = header_matcher(kind).spellings[needed]
            names = "、".join(known[:6])
            raise ImportFailed(
                f"{source.name} 中找不到{zh}列（可识别的列名如 {names}）；文件的列有："
                f"{'、'.join(headers) or '（无）'}。请用列映射（--columns）指明哪一列是{zh}",
                f"{source.name} has no {needed} column (recognised headers include "
                f"{', '.join(known[:6])}); its columns are "
                f"{', '.join(headers) or '(none)'}. Map the {needed} column with --columns",
            )
    _refuse_personal_attributes(raw, found, schema)

    geoms = raw.geometry
    wgs, choice, crs_notes = reproject_to_wgs84(geoms, crs)
    notes.extend(crs_notes)

    n = len(raw)
    reasons: list[list[Note]] = [[] for _ in range(n)]
    mapped = pd.DataFrame({target: raw[src] for src, target in found.items()}, index=raw.index)

    codes = _codes(mapped["code"], code_length, reasons, notes)
    # names
    names: list[str | None] = []
    for i, value in enumerate(mapped["name"]):
        text = None if _missing(value) else str(value).strip()
        names.append(text or None)
        if not text:
            reasons[i].append(("缺少名称", "name is missing"))
    fixed = _repaired(wgs, reasons, notes)
    # other columns
    other = [c for c in mapped.columns if c not in ("code", "name")]
    values = mapped[other].copy()
    if "kind" in values.columns:
        values["kind"] = values["kind"].map(
            lambda v: (
                v
                if _missing(v)
                else _KIND_WORDS.get(unicodedata.normalize("NFKC", str(v)).strip(), str(v).strip())
            )
        )
    norm = coerce(schema, values)
    for i, problems_of_row in _field_problems(schema, values, norm).items():
        reasons[i].extend(problems_of_row)
    if kind == "villages":
        derived = [kind_from_name(nm) if nm else pd.NA for nm in names]
        if "kind" in norm.columns:
            blank = norm["kind"].isna()
            norm.loc[blank, "kind"] = pd.Series(derived, index=norm.index)[blank]
        else:
            norm["kind"] = pd.array(derived, dtype="string")
            notes.append(
                (
                    "文件没有类型列：名称以 居委会/社区 结尾的记为居委会，其余记为村",
                    "no kind column: names ending 居委会/社区 are taken as 居委会, "
                    "the others as 村",
                )
            )
    _duplicate_codes(codes, raw, fixed, reasons)

    ok = np.array([not r for r in reasons], dtype=bool)
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

    rejected = rejections(raw, headers, ok, reasons)

    return VectorImport(
        kind=kind,
        frame=frame,
        rejected=rejected,
        notes=notes,
        columns_found=found,
        crs_used=choice.label,
        extra=extra,
        encoding=encoding,
        headers=tuple(headers),
    )
