"""Files people take away: Excel workbooks of tables (GeoJSON comes from geopandas directly)."""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter


def excel_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook with one sheet per frame (in order), header row frozen, columns wide
    enough for their content (CJK characters count double)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            sheet_name = name[:31]  # Excel's limit
            frame = _legal(frame)
            frame.to_excel(writer, sheet_name=sheet_name, index=False)
            sheet = writer.sheets[sheet_name]
            _no_formulas(sheet)
            sheet.freeze_panes = "A2"
            for i, col in enumerate(frame.columns, start=1):
                cells = [str(col), *(str(v) for v in frame[col].head(200))]
                width = max(_display_width(c) for c in cells)
                sheet.column_dimensions[get_column_letter(i)].width = min(60, width + 2)
    return buffer.getvalue()


def _legal(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the control characters an .xlsx cannot hold (ESC, NUL, …) dropped from
    its text: openpyxl refuses them, and a name from a file may carry one."""
    texts = [c for c in frame.columns if frame[c].dtype == object]
    if not texts:
        return frame
    safe = frame.copy()
    for col in texts:
        safe[col] = safe[col].map(
            lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v
        )
    return safe


#: What a spreadsheet reads as the start of a formula in a cell typed or opened from CSV.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _no_formulas(sheet) -> None:
    """Every cell openpyxl took for a formula (a string beginning with =) stays the text it
    was: data from files people bring never runs as a formula in the reader's Excel."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as CSV for Excel (UTF-8 with a BOM, so 中文 reads), every text cell that a
    spreadsheet would take for a formula (=, +, -, @ first) quoted with a leading apostrophe
    (OWASP's advice for CSV injection); numbers stay numbers."""
    safe = frame.copy()
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(_defused)
    # CRLF rows (RFC 4180, what Excel writes): the csv module then quotes any field holding a
    # CR or LF, so a bare CR in a name cannot split a row in Excel.
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _defused(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
