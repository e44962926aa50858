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
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook

from .read_vector import ImportFailed  # one kind of fatal import problem for every reader

#: How many rows from the top are searched for the header row.
HEADER_SEARCH_ROWS = 15
#: What may stand between the cells of a CSV, in the order tried.
DELIMITERS = (",", "\t", ";")
#: 是/否 cells, compared after the reader's own normalisation (case-folded, no spaces).
YES_WORDS = frozenset({"是", "有", "1", "y", "yes", "true", "√", "是的"})
NO_WORDS = frozenset({"否", "无", "0", "n", "no", "false", "×", "不是"})
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


def open_workbook(path: Path, sheet: str | None) -> tuple[CalamineWorkbook, list[str]]:
    """The workbook and the names of the sheets to look in (the one asked for, else all);
    an unreadable workbook or a sheet it does not have is fatal."""
    try:
        book = CalamineWorkbook.from_path(str(path))
        names = list(book.sheet_names)
    except Exception as exc:  # calamine raises its own error types for broken workbooks
        raise ImportFailed(
            f"无法读取 Excel 文件：{type(exc).__name__}",
            f"cannot read the Excel file: {type(exc).__name__}",
        ) from exc
    if sheet is not None and sheet not in names:
        raise ImportFailed(
            f"找不到工作表「{sheet}」；文件中的工作表：{'、'.join(names)}",
            f"no sheet {sheet!r}; the workbook has: {', '.join(names)}",
        )
    return book, [sheet] if sheet is not None else names


def sheet_rows(book: CalamineWorkbook, name: str) -> list[list[Any]]:
    """Every row of sheet ``name`` as Python values, blank rows kept (so row numbers stay
    true); python-calamine directly, since pandas' calamine engine converts every cell in
    Python and doubles the time of a 100,000-row sheet."""
    try:
        return book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:
        raise ImportFailed(
            f"无法读取工作表「{name}」：{type(exc).__name__}",
            f"cannot read sheet {name!r}: {type(exc).__name__}",
        ) from exc


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
