"""The text encoding of a vector file's attributes: UTF-8, or GBK without a ``.cpg`` to say so.

Shapefiles from Chinese offices often carry GBK attributes and no ``.cpg``; a GeoJSON should be
UTF-8 but is sometimes GBK. :func:`detect_text_encoding` tells them apart from a sample, and
:func:`_shapefile_encoding` decides how a Shapefile's attributes are read, with a note.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from .errors import ImportFailed, Note

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
