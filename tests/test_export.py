"""Tables people take away never carry a formula that runs in their spreadsheet."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import load_workbook

from township_atlas.geo.export import csv_bytes, excel_bytes

HOSTILE = ['=HYPERLINK("http://x","点我")', "+1+2", "-3", "@SUM(A1)", "石背村", None]


def test_excel_cells_starting_with_equals_stay_text():
    frame = pd.DataFrame({"值": HOSTILE, "n": range(len(HOSTILE))})
    sheet = load_workbook(io.BytesIO(excel_bytes({"报告": frame})))["报告"]
    cells = [sheet.cell(row=i + 2, column=1) for i in range(len(HOSTILE))]
    assert all(c.data_type != "f" for c in cells)
    assert cells[0].value == HOSTILE[0] and cells[4].value == "石背村"
    assert sheet.cell(row=2, column=2).value == 0  # numbers stay numbers


def test_csv_text_that_a_spreadsheet_would_run_is_quoted():
    frame = pd.DataFrame({"值": HOSTILE, "n": [-1, 2, 3, 4, 5, 6]})
    back = pd.read_csv(io.BytesIO(csv_bytes(frame)), encoding="utf-8-sig", dtype=str)
    assert back["值"].tolist()[:5] == ["'" + v for v in HOSTILE[:4]] + ["石背村"]
    assert back["n"].tolist()[0] == "-1"  # a number column is left alone
