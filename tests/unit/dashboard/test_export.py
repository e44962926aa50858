"""Files people take away: tables never carry a formula that runs in their spreadsheet, and
briefs and maps are named once, after the place and year."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from township_atlas.dashboard.exports import file_name
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


# ----------------------------------------------------------------------------- file names
@pytest.mark.parametrize(
    ("args", "name"),
    [
        (("古陂镇", 2025, "pdf"), "古陂镇-2025-简报.pdf"),
        (("古陂镇", 2025, "pdf", "枫树村"), "古陂镇-枫树村-2025-简报.pdf"),
        (("古陂镇", 2025, "png"), "古陂镇-2025-一张图.png"),
        (("古陂镇", 2025, "html"), "古陂镇-2025-一张图.html"),
        (("古陂镇", 2024, "png", "石背村"), "古陂镇-石背村-2024-一张图.png"),
        # the township page: the township named once, never 古陂镇-古陂镇
        (("古陂镇", 2025, "pdf", "古陂镇"), "古陂镇-2025-简报.pdf"),
        (("古陂镇", 2025, "pdf", " 古陂镇 "), "古陂镇-2025-简报.pdf"),
        (("古陂镇", 2025, ".PDF"), "古陂镇-2025-简报.pdf"),
    ],
)
def test_file_names(args, name):
    assert file_name(*args) == name


def test_file_names_hold_no_character_a_file_system_refuses():
    name = file_name('古陂/镇:*?"<>|', 2025, "pdf", "枫\\树\x00村\n")
    assert name == "古陂_镇_-枫_树_村-2025-简报.pdf"
    assert not set('/\\:*?"<>|') & set(name)
    assert all(ord(c) >= 32 for c in name)
    assert file_name("", 2025, "png") == "2025-一张图.png"  # no township name: no dash first


def test_an_unknown_file_kind_is_an_error():
    with pytest.raises(ValueError, match="pdf, png, html"):
        file_name("古陂镇", 2025, "docx")
