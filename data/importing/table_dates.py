"""Dates in the cells of a table, as offices write them, stored as ISO ``YYYY-MM-DD``.

Visits, resident teams and the like carry dates written every way: ``2024-03-05``,
``2024/3/5``, ``2024.3.5``, ``2024年3月5日``, ``20240305``, or an Excel date cell (read as
``2024-03-05`` or ``2024-03-05T00:00:00``; its serial number 45356 when the column lost its
date format). Anything else (a month alone, ``3/5/2024`` whose
order is a guess, a date that does not exist) is refused with the reason.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import pandas as pd

#: Year, month and day separated by - / . or written 年 月 日; an Excel cell's midnight after.
_SEPARATED = re.compile(
    r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?"
    r"(?:[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
#: Eight digits, as 20240305 (a cell read as a number loses nothing: it is whole).
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
#: The years a date of this work may fall in (a typo such as 2204 is refused).
FIRST_YEAR, LAST_YEAR = 1980, 2100
#: An Excel date written out as its serial number (a date column formatted 常规, or saved as
#: CSV): days since 1899-12-30, whole, within the years above.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIALS = (
    (dt.date(FIRST_YEAR, 1, 1) - _EXCEL_EPOCH).days,
    (dt.date(LAST_YEAR, 12, 31) - _EXCEL_EPOCH).days,
)


def iso_date(text: object) -> str | None:
    """``text`` as an ISO date (``2024-03-05``), or None when it is not one of the forms
    offices write or names no real day."""
    value = unicodedata.normalize("NFKC", "" if text is None else str(text)).strip()
    if (serial := excel_serial(value)) is not None:
        return serial
    m = _SEPARATED.match(value) or _COMPACT.match(value)
    if m is None:
        return None
    year, month, day = (int(g) for g in m.groups())
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:  # 2024-02-30
        return None


def excel_serial(value: str) -> str | None:
    """An Excel date serial (45356 is 2024-03-05) as an ISO date; None for anything else."""
    if not re.fullmatch(r"\d{5}(?:\.0+)?", value):
        return None
    days = int(float(value))
    if not _SERIALS[0] <= days <= _SERIALS[1]:
        return None
    return (_EXCEL_EPOCH + dt.timedelta(days=days)).isoformat()


def iso_dates(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Each cell of ``text`` as an ISO date (None where empty or unreadable), and where a cell
    that is not empty holds no date."""
    found = text.map(lambda v: iso_date(v) if v else None).astype(object)
    return found, (text != "") & found.isna()


def read_dates(
    data: pd.DataFrame, out: pd.DataFrame, fld: str, label: tuple[str, str], reject
) -> list[tuple[str, str]]:
    """Put column ``fld`` of ``data`` into ``out`` as ISO dates; a cell that is not a date
    rejects its row, saying which forms are read (``label``: the column's zh and en).
    Returns a note when some dates were Excel serial numbers."""
    if fld not in data:
        return []
    text = data[fld]
    found, bad = iso_dates(text)
    out[fld] = found
    reject(
        bad,
        lambda r: (
            f"{label[0]}「{text[r]}」不是日期（可写 2024-03-05、2024/3/5、2024.3.5、"
            f"2024年3月5日 或 20240305，年份在 {FIRST_YEAR}–{LAST_YEAR}）"
        ),
        lambda r: (
            f"{label[1]} {text[r]!r} is not a date (write 2024-03-05, 2024/3/5, 2024.3.5, "
            f"2024年3月5日 or 20240305, a year in {FIRST_YEAR}–{LAST_YEAR})"
        ),
    )
    serials = int(text.map(lambda v: excel_serial(str(v).strip()) is not None).sum())
    if not serials:
        return []
    return [
        (
            f"{label[0]}列有 {serials} 个 Excel 日期序号（如 45356），已换算为日期",
            f"{serials} {label[1]} cell{'s' if serials > 1 else ''} held Excel date serials "
            "(45356 …), read as dates",
        )
    ]
