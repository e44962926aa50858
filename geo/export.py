"""Files people take away: Excel workbooks of tables (GeoJSON comes from geopandas directly)."""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd
from openpyxl.utils import get_column_letter


def excel_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook with one sheet per frame (in order), header row frozen, columns wide
    enough for their content (CJK characters count double)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            sheet_name = name[:31]  # Excel's limit
            frame.to_excel(writer, sheet_name=sheet_name, index=False)
            sheet = writer.sheets[sheet_name]
            sheet.freeze_panes = "A2"
            for i, col in enumerate(frame.columns, start=1):
                cells = [str(col), *(str(v) for v in frame[col].head(200))]
                width = max(_display_width(c) for c in cells)
                sheet.column_dimensions[get_column_letter(i)].width = min(60, width + 2)
    return buffer.getvalue()


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
