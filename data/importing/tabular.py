"""Reading spreadsheets and CSV files: what the register and table readers share.

Both readers take the same kinds of file (an Excel workbook read with python-calamine, or a
CSV in UTF-8, UTF-16 or GBK with ``,``, tab or ``;`` between cells), find a header under title
rows, turn cells into text, read 是/否 cells and match village names as offices write them
(古陂村, 古陂, 古陂村委会). Each reader keeps its own header names, scoring and values.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook

from ...geo.schema import NO_WORDS, YES_WORDS  # 是/否 cells: declared once, in the schema
from .errors import ImportFailed

#: How many rows from the top are searched for the header row.
HEADER_SEARCH_ROWS = 15
#: What may stand between the cells of a CSV, in the order tried.
DELIMITERS = (",", "\t", ";")
#: A year anywhere in a cell: 2019, 2019年, 2019-06-30.
YEAR = r"((?:19|20)\d\d)"

_VILLAGE_SUFFIX = re.compile(r"(村民委员会|村委会|居民委员会|居委会|社区|村)$")

Score = TypeVar("Score")


# ----------------------------------------------------------------------------- files
def file_kind(path: Path) -> str:
    """``excel`` (.xlsx, .xls) or ``csv``, from the first bytes of the file."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        return "excel"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "excel"  # .xls (BIFF in an OLE container)
    return "csv"


#: The largest text file (CSV, GeoJSON to transcode) read into memory: a county's register of
#: 100,000 people is about 17 MB of CSV; files far past that are mistakes or attacks.
MAX_TEXT_BYTES = 512 << 20


def read_text_bytes(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a text file, refused with :class:`ImportFailed` past ``limit`` (default
    :data:`MAX_TEXT_BYTES`)."""
    limit = MAX_TEXT_BYTES if limit is None else limit
    size = path.stat().st_size
    if size > limit:
        raise ImportFailed(
            f"文件 {path.name} 有 {size / 2**20:,.0f} MB，超过可导入的 {limit / 2**20:,.0f} MB："
            "请拆分后导入",
            f"{path.name} is {size / 2**20:,.0f} MB, more than the {limit / 2**20:,.0f} MB an "
            "import reads: split it",
        )
    return path.read_bytes()


def decode_text(data: bytes) -> tuple[str, str]:
    """A CSV file's text and its encoding (``utf-16``, ``utf-8`` or ``gb18030``).

    Raises :class:`ImportFailed` for binary data or text in none of these.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:8192]:
        raise ImportFailed(
            "文件不是表格（既不是 Excel 也不是文本 CSV）",
            "the file is not a table (neither Excel nor text CSV)",
        )
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            "无法识别文件编码（试过 UTF-8 与 GB18030），文件不是文本表格",
            "cannot decode the file (tried UTF-8 and GB18030): not a text table",
        ) from exc


@dataclass(frozen=True)
class TextFile:
    """What :func:`sniff_text` found in a text file without holding its text.

    ``encoding``: as :func:`decode_text` names it; ``codec``: the Python codec that reads
    the file (``utf-8-sig`` drops a BOM); ``head``: the first ``head_chars`` characters;
    ``newlines``: how many ``\\n`` the text holds; ``ends_with_newline``: whether it ends
    with one.
    """

    encoding: str
    codec: str
    head: str
    newlines: int
    ends_with_newline: bool


def sniff_text(path: Path, head_chars: int = 200_000, limit: int | None = None) -> TextFile:
    """The encoding of a CSV file as :func:`decode_text` decides it, read in blocks.

    Every byte is decoded (a file is UTF-8 only if all of it is), but never more than one
    block is held, so a register of a million people is checked in a few MB. Refused with
    :class:`ImportFailed` past ``limit`` (default :data:`MAX_TEXT_BYTES`) and as
    :func:`decode_text` refuses.
    """
    limit = MAX_TEXT_BYTES if limit is None else limit
    if path.stat().st_size > limit:
        read_text_bytes(path, limit)  # raises with the size in the message
    with path.open("rb") as fh:
        first = fh.read(_CHUNK)
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        tries = [("utf-16", "utf-16")]
    elif b"\x00" in first[:8192]:
        raise ImportFailed(
            "文件不是表格（既不是 Excel 也不是文本 CSV）",
            "the file is not a table (neither Excel nor text CSV)",
        )
    else:
        tries = [("utf-8", "utf-8-sig"), ("gb18030", "gb18030")]
    for encoding, codec in tries:
        try:
            return _decode_blocks(path, encoding, codec, head_chars)
        except UnicodeDecodeError:
            continue
    if tries[0][0] == "utf-16":
        raise ImportFailed(
            "无法按 UTF-16 读取文件，文件不是文本表格",
            "cannot decode the file as UTF-16: not a text table",
        )
    raise ImportFailed(
        "无法识别文件编码（试过 UTF-8 与 GB18030），文件不是文本表格",
        "cannot decode the file (tried UTF-8 and GB18030): not a text table",
    )


def _decode_blocks(path: Path, encoding: str, codec: str, head_chars: int) -> TextFile:
    decoder = codecs.getincrementaldecoder(codec)()
    head: list[str] = []
    held = newlines = 0
    last = ""
    with path.open("rb") as fh:
        while True:
            block = fh.read(_CHUNK)
            text = decoder.decode(block, final=not block)
            if text:
                newlines += text.count("\n")
                last = text[-1]
                if held < head_chars:
                    head.append(text[: head_chars - held])
                    held += len(head[-1])
            if not block:
                break
    return TextFile(encoding, codec, "".join(head), newlines, last == "\n")


#: The most columns a sheet may reach (registers have ~30–40, indicator tables fewer).
MAX_COLUMNS = 500
#: The most cells a sheet's extent (A1 to its last cell) may hold: 10 million, room for a
#: 100,000-person register of 40 columns twice over. calamine allocates the whole extent
#: (32 bytes a cell) before a row can be read, so a single cell at XFD1048576 would ask for
#: 512 GiB and abort the process: the extent is measured from the file first.
MAX_CELLS = 10_000_000
#: The most a worksheet's XML may expand to (calamine streams it; measuring it is linear).
MAX_SHEET_XML = 2 << 30
#: The most any other part of a workbook may expand to (shared strings and styles are loaded
#: whole).
MAX_PART = 256 << 20
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 1 << 22


def workbook_format(path: Path) -> str | None:
    """``xlsx``, ``xlsb``, ``ods`` or ``xls`` from the file's contents, else None."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(_OLE):
        return "xls"
    if not head.startswith(b"PK"):
        return None
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "content.xml" in names:
        return "ods"
    return "xlsx"


def _too_big(name: str, what_zh: str, what_en: str) -> ImportFailed:
    return ImportFailed(
        f"工作表「{name}」{what_zh}，超出可导入的范围（最多 {MAX_COLUMNS} 列、"
        f"{MAX_CELLS:,} 个单元格）：请删去表格之外的内容（或另存为只含数据的新表）后再导入",
        f"sheet {name!r} {what_en}, beyond what can be imported (at most {MAX_COLUMNS} "
        f"columns, {MAX_CELLS:,} cells): delete what lies outside the table (or save the data "
        "alone as a new workbook) and import again",
    )


def check_extent(name: str, rows: int, cols: int) -> None:
    """Refuse a sheet whose extent from A1 (``rows`` × ``cols``) is beyond the limits."""
    if cols > MAX_COLUMNS:
        raise _too_big(name, f"有内容的单元格远至第 {cols:,} 列", f"has a cell in column {cols:,}")
    if rows * cols > MAX_CELLS:
        raise _too_big(
            name,
            f"的范围为 {rows:,} 行 × {cols:,} 列（{rows * cols:,} 个单元格）",
            f"spans {rows:,} rows × {cols:,} columns ({rows * cols:,} cells)",
        )


def _check_parts(path: Path, fmt: str) -> None:
    """Refuse a workbook whose parts expand beyond :data:`MAX_SHEET_XML` / :data:`MAX_PART`
    (a ZIP bomb), by the sizes its directory declares (the sheet scan counts real bytes)."""
    from .vector import check_zip_directory

    check_zip_directory(path)
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            sheet = info.filename.startswith("xl/worksheets/") or info.filename == "content.xml"
            cap = MAX_SHEET_XML if sheet else MAX_PART
            if info.file_size > cap:
                raise ImportFailed(
                    f"{path.name} 中的 {info.filename} 解压后有 {info.file_size:,} 字节，"
                    f"超过 {cap:,} 字节的上限：文件异常（可能是压缩炸弹），未导入",
                    f"{info.filename} in {path.name} expands to {info.file_size:,} bytes, over "
                    f"the {cap:,}-byte limit: the file is abnormal (a ZIP bomb?); not imported",
                )


def open_workbook(path: Path, sheet: str | None) -> tuple[CalamineWorkbook, list[str]]:
    """The workbook and the names of the sheets to look in (the one asked for, else all);
    an unreadable workbook, one whose parts are too big, or a sheet it does not have is
    fatal."""
    fmt = workbook_format(path)
    if fmt == "xlsb":
        raise ImportFailed(
            "不支持 Excel 二进制工作簿（.xlsb）：请在 Excel 中另存为 .xlsx 后再导入",
            "Excel binary workbooks (.xlsb) are not read: save it as .xlsx and import again",
        )
    with _calamine_errors("无法读取 Excel 文件", "cannot read the Excel file"):
        if fmt in ("xlsx", "ods"):
            _check_parts(path, fmt)
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
    if sheet is not None and sheet not in names:
        raise ImportFailed(
            f"找不到工作表「{sheet}」；文件中的工作表：{'、'.join(names)}",
            f"no sheet {sheet!r}; the workbook has: {', '.join(names)}",
        )
    return book, [sheet] if sheet is not None else names


@contextmanager
def _calamine_errors(zh: str, en: str) -> Iterator[None]:
    """Any error of calamine, and its Rust panics (not Exceptions), as one ImportFailed."""
    try:
        yield
    except ImportFailed:
        raise
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise ImportFailed(f"{zh}：{type(exc).__name__}", f"{en}: {type(exc).__name__}") from exc


def sheet_rows(book: CalamineWorkbook, name: str, nrows: int | None = None) -> list[list[Any]]:
    """Every row of sheet ``name`` (the first ``nrows`` when given) as Python values, blank
    rows kept (so row numbers stay true); python-calamine directly, since pandas' calamine
    engine converts every cell in Python and doubles the time of a 100,000-row sheet.

    The sheet's extent is measured before calamine loads it (:func:`check_extent`): a
    workbook with a far-away cell is refused, never allowed to exhaust memory.
    """
    with _calamine_errors(f"无法读取工作表「{name}」", f"cannot read sheet {name!r}"):
        guard_sheet(Path(book.path), name)
        loaded = book.get_sheet_by_name(name)
        end_row, end_col = loaded.end or (-1, -1)
        check_extent(name, end_row + 1, end_col + 1)  # what to_python pads out from A1
        if nrows is not None:
            return loaded.to_python(skip_empty_area=False, nrows=nrows)
        return loaded.to_python(skip_empty_area=False)


def guard_sheet(path: Path, name: str) -> None:
    """Refuse sheet ``name`` of the workbook at ``path`` when its cells reach beyond the
    limits, measured from the file without loading it (.xlsx, .ods). An .xls sheet is at
    most 65,536 × 256 cells (512 MiB in calamine): it is checked once loaded."""
    fmt = workbook_format(path)
    if fmt == "xlsx":
        rows, cols = _xlsx_extent(path, name)
    elif fmt == "ods":
        rows, cols = _ods_extent(path, name)
    else:
        return
    check_extent(name, rows, cols)


# ----------------------------------------------------------------------------- xlsx extents
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
#: The prefix of the sheet's elements (``x:`` in files from the .NET OpenXML SDK), if any.
_SHEET_DATA = re.compile(rb"<(\w+:)?sheetData\b")
_TAG = re.compile(rb"<(?:\w+:)?(row|c)\b([^>]*)>")
_REF = re.compile(rb"\br\s*=\s*[\"']([A-Za-z]*)(\d*)[\"']")


def _cell_patterns(prefix: bytes) -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern]:
    """Regexes for the cells of a sheet whose elements carry ``prefix``: any cell's opening
    tag, one naming its place first, the row of such a cell, and its column of two or three
    letters when the cell is not self-closing (self-closing cells hold no value: calamine
    leaves them out)."""
    c = re.escape(b"<" + prefix + b"c")
    return (
        re.compile(c + rb"[\s>/]"),
        re.compile(c + rb' r="'),
        re.compile(c + rb' r="[A-Z]{1,3}(\d+)"'),
        re.compile(c + rb' r="([A-Z]{2,3})\d+"(?:[^>]*[^/>])?>'),
    )


def _sheet_part(zf: zipfile.ZipFile, name: str) -> list[str]:
    """The worksheet XML of sheet ``name`` (every worksheet when the workbook's own index
    cannot be followed: all are then measured)."""
    import xml.etree.ElementTree as ET

    every = [n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    try:
        book = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        return every
    target = {r.get("Id"): r.get("Target", "") for r in rels}
    for sheet in book.iter():
        if sheet.tag.endswith("}sheet") and sheet.get("name") == name:
            t = target.get(sheet.get(f"{_REL_NS}id"), "")
            part = t.lstrip("/") if t.startswith("/") else f"xl/{t}"
            part = re.sub(r"[^/]+/\.\./", "", part)
            return [part] if part in zf.namelist() else every
    return every


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _xlsx_extent(path: Path, name: str) -> tuple[int, int]:
    """(last row, last column), 1-based, that calamine would give sheet ``name``: the
    furthest cell with content, counted from the XML in bounded chunks."""
    rows = cols = 0
    with zipfile.ZipFile(path) as zf:
        for part in _sheet_part(zf, name):
            r, c = _scan_sheet_xml(zf, part)
            rows, cols = max(rows, r), max(cols, c)
    return rows, cols


def _scan_sheet_xml(zf: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """(last row, last column) of the cells of worksheet ``part`` that may hold a value,
    read in bounded chunks.

    Fast path: every cell names its place first (``<c r="B7"``, as Excel and the common
    writers write it), and the places are collected in C by ``findall`` (columns A–Z need
    no look: 26 is assumed). Otherwise (cells without ``r`` take the place after the
    previous one) the tags are walked one by one.
    """
    rows = cols = 0
    seen = 0
    tail = b""
    patterns = None
    walk = False
    state = [0, 0]  # the walk's current row and column
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            seen += len(chunk)
            if seen > MAX_SHEET_XML:
                raise ImportFailed(
                    f"工作表 {part} 解压后超过 {MAX_SHEET_XML:,} 字节：文件异常，未导入",
                    f"worksheet {part} expands beyond {MAX_SHEET_XML:,} bytes: abnormal; "
                    "not imported",
                )
            data = tail + chunk
            cut = data.rfind(b"<") if chunk else len(data)
            cut = cut if cut > 0 else len(data)
            body, tail = data[:cut], data[cut:]
            if patterns is None and not walk:
                found = _SHEET_DATA.search(body)
                if found is not None:
                    patterns = _cell_patterns(found[1] or b"")
                elif len(body) > _CHUNK:  # no sheetData in the first 4 MiB: walk it all
                    walk = True
            if patterns is not None and not walk:
                any_cell, placed, row_of, wide = patterns
                if len(any_cell.findall(body)) != len(placed.findall(body)):
                    walk = True
                else:
                    numbers = set(row_of.findall(body))
                    if numbers:
                        last = max(numbers, key=lambda n: (len(n.lstrip(b"0")), n.lstrip(b"0")))
                        rows, cols = max(rows, int(last)), max(cols, 26)
                        state[0] = rows
                    letters = set(wide.findall(body))
                    if letters:
                        cols = max(cols, max(_column_number(c) for c in letters))
            if walk:
                rows, cols = _walk(body, state, rows, cols)
            if not chunk:
                return rows, cols


def _walk(body: bytes, state: list[int], rows: int, cols: int) -> tuple[int, int]:
    """Rows and cells one by one, as calamine places them: a row or cell without ``r`` comes
    after the one before it."""
    for m in _TAG.finditer(body):
        ref = _REF.search(m[2])
        if m[1] == b"row":
            state[0] = int(ref[2]) if ref and ref[2] else state[0] + 1
            state[1] = 0
            continue
        if ref and ref[1] and ref[2]:
            state[1], state[0] = _column_number(ref[1]), int(ref[2])
        else:
            state[1] += 1
        if not m[2].endswith(b"/"):
            rows, cols = max(rows, state[0]), max(cols, state[1])
    return rows, cols


# ----------------------------------------------------------------------------- ods extents
_ODS_TAG = re.compile(rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)\b([^>]*?)(/?)>")
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')
_ODS_ROWS = re.compile(rb'number-rows-repeated="(\d+)"')
_ODS_COLS = re.compile(rb'number-columns-repeated="(\d+)"')


def _ods_extent(path: Path, name: str) -> tuple[int, int]:
    """(last row, last column) of the cells with content in table ``name`` of an .ods,
    repeated rows and cells counted out (a row repeated a million times is a million rows);
    empty cells and rows, which LibreOffice repeats to the sheet's end, do not count."""
    want = name.encode()
    rows = cols = 0
    row = col = 0
    repeat = 1
    row_end = 0
    inside = False
    with zipfile.ZipFile(path) as zf, zf.open("content.xml") as fh:
        tail = b""
        while True:
            chunk = fh.read(_CHUNK)
            data = tail + chunk
            cut = data.rfind(b"<") if chunk else len(data)
            cut = cut if cut > 0 else len(data)
            body, tail = data[:cut], data[cut:]
            for m in _ODS_TAG.finditer(body):
                closing, tag, attrs, empty = m[1], m[2], m[3], m[4]
                if tag == b"table":
                    found = _ODS_NAME.search(attrs)
                    inside = not closing and found is not None and _xml_text(found[1]) == want
                    row = 0
                elif not inside:
                    continue
                elif tag == b"table-row" and not closing:
                    n = _ODS_ROWS.search(attrs)
                    repeat, col, row_end = (int(n[1]) if n else 1), 0, 0
                    if empty:
                        row += repeat
                elif tag == b"table-row":
                    if row_end:
                        rows, cols = max(rows, row + repeat), max(cols, row_end)
                    row += repeat
                elif not closing:
                    n = _ODS_COLS.search(attrs)
                    span = int(n[1]) if n else 1
                    if not empty or b"value-type" in attrs:
                        row_end = col + span
                    col += span
            if not chunk:
                return rows, cols


def _xml_text(raw: bytes) -> bytes:
    import html

    return html.unescape(raw.decode("utf-8", "replace")).encode()


def first_sheet_with_header(
    path: Path, sheet: str | None, find: Callable[[list[list[Any]]], int | None]
) -> tuple[str, list[list[Any]], int, list[str]] | None:
    """The first sheet (of those :func:`open_workbook` names) where ``find`` sees a header:
    its name, rows, the header's position and the names looked in; None when none has one."""
    book, names = open_workbook(path, sheet)
    for name in names:
        rows = sheet_rows(book, name)
        h = find(rows[:HEADER_SEARCH_ROWS])
        if h is not None:
            return name, rows, h, names
    return None


# ----------------------------------------------------------------------------- headers
def find_header(
    rows: list[list[Any]],
    score: Callable[[list[Any]], Score],
    acceptable: Callable[[Score], bool],
) -> int | None:
    """Position of the header among the first :data:`HEADER_SEARCH_ROWS` rows: the first of
    the best-scoring rows whose score is ``acceptable``, or None."""
    best, best_score = None, None
    for i, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        s = score(cells)
        if acceptable(s) and (best_score is None or s > best_score):
            best, best_score = i, s
    return best


def best_delimiter(
    rows_for: Callable[[str], list[list[str]]],
    find: Callable[[list[list[str]]], int | None],
    score: Callable[[list[str]], Any],
) -> tuple[str, list[list[str]], int] | None:
    """The CSV delimiter whose rows have the best header: (delimiter, rows, header position),
    the first of :data:`DELIMITERS` on a tie; None when no delimiter gives a header."""
    best = None
    for delim in DELIMITERS:
        rows = rows_for(delim)
        h = find(rows)
        if h is not None:
            s = score(rows[h])
            if best is None or s > best[0]:
                best = (s, delim, rows, h)
    return None if best is None else best[1:]


def describe_csv(encoding: str, delim: str) -> str:
    """``CSV, utf-8`` (with the delimiter when it is not a comma), for the reader's notes."""
    return f"CSV, {encoding}" + ("" if delim == "," else f", {delim!r}")


def csv_rows(lines: list[str] | str, delim: str) -> list[list[str]]:
    """Rows of CSV ``lines`` (a list of lines, or the whole text with quoted line breaks)."""
    if isinstance(lines, str):  # only \n, \r and \r\n end a line, as csv expects
        return list(csv.reader(io.StringIO(lines, newline=""), delimiter=delim))
    return list(csv.reader(lines, delimiter=delim))


# ----------------------------------------------------------------------------- cells
def cell_text(value: object) -> str:
    """A cell as text: '' for empty, whole floats without ``.0``, booleans as 是/否, dates in
    ISO form, text stripped."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:
            return ""
        if value.is_integer() and abs(value) < 1e21:
            return f"{value:.0f}"
        return repr(value)
    if isinstance(value, bool | np.bool_):
        return "是" if value else "否"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def yes_no(
    values: pd.Series, yes: frozenset[str] = YES_WORDS, no: frozenset[str] = NO_WORDS
) -> pd.Series:
    """Normalised 是/否 cells as a nullable boolean: True, False, or NA for anything else."""
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[values.isin(yes)] = True
    out[values.isin(no)] = False
    return out


def years(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The year in each cell (float, NaN where none) and where a cell that is not empty holds
    no year."""
    found = text.str.extract(YEAR, expand=False)
    return pd.to_numeric(found, errors="coerce"), (text != "") & found.isna()


# ----------------------------------------------------------------------------- villages
def village_key(name: str) -> str:
    """A village name without spaces and without 村/村委会/社区/居委会 at its end."""
    return _VILLAGE_SUFFIX.sub("", re.sub(r"\s+", "", name))


def village_code_text(text: str) -> str:
    """A cell as a village code might be written: no spaces, no ``.0``, and a land-survey
    XZQDM (the 12-digit code padded with zeros) cut to 12 digits."""
    value = re.sub(r"\.0+$", "", re.sub(r"\s+", "", str(text)))
    if len(value) > 12 and value.isdigit() and not value[12:].strip("0"):
        value = value[:12]
    return value


def village_resolver(villages: Mapping[str, str]) -> Callable[[str], str | None]:
    """A function: a cell naming a village by name *or* by code -> the village's code, or None.

    ``villages`` maps the workspace's village names to their codes; a code is taken when it is
    one of them, a name as :func:`village_lookup` matches it (古陂村, 古陂, 古陂村委会)."""
    codes = {str(c) for c in villages.values()}
    names = village_lookup(villages)

    def resolve(text: str) -> str | None:
        value = village_code_text(text)
        if value in codes:
            return value
        return names.get(value) or names.get(village_key(value))

    return resolve


def village_lookup(villages: Mapping[str, str]) -> dict[str, str]:
    """Village name (no spaces) -> code, with each short name (:func:`village_key`) that
    names one village only: 古陂 for 古陂村, unless 古陂社区 is a village too."""
    out = {re.sub(r"\s+", "", str(n)): str(c) for n, c in villages.items()}
    short: dict[str, set[str]] = {}
    for n, c in out.items():
        short.setdefault(village_key(n), set()).add(c)
    for k, codes in short.items():
        if len(codes) == 1 and k not in out:
            out[k] = next(iter(codes))
    return out
