"""The spreadsheet and CSV helpers the register and table readers share (geo/tabular.py)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from township_atlas.data.importing import tabular
from township_atlas.data.importing.errors import ImportFailed


def test_cell_text():
    cases = [
        (None, ""),
        (float("nan"), ""),
        (360722102200.0, "360722102200"),
        (2.5, "2.5"),
        (True, "是"),
        (np.bool_(False), "否"),
        (np.int64(7), "7"),
        (dt.date(2019, 6, 30), "2019-06-30"),
        ("  古陂村 ", "古陂村"),
    ]
    assert [tabular.cell_text(v) for v, _ in cases] == [t for _, t in cases]


def test_decode_text_encodings_and_binary():
    assert tabular.decode_text("村,年度".encode("utf-8-sig")) == ("村,年度", "utf-8")
    assert tabular.decode_text("村,年度".encode("gbk")) == ("村,年度", "gb18030")
    assert tabular.decode_text("村".encode("utf-16")) == ("村", "utf-16")
    with pytest.raises(ImportFailed):
        tabular.decode_text(b"PK\x00\x00binary")


def test_find_header_takes_the_first_best_acceptable_row():
    rows = [["标题"], ["a", "b"], ["a", "b", "c"], ["x", "y", "z"], ["only"]]
    assert tabular.find_header(rows, len, lambda n: n > 1) == 2
    assert tabular.find_header(rows, len, lambda n: n > 3) is None
    long = [["x"]] * tabular.HEADER_SEARCH_ROWS + [["a", "b", "c"]]
    assert tabular.find_header(long, len, lambda n: n > 1) is None  # below the search rows


def test_best_delimiter_prefers_the_best_header_then_the_first_tried():
    text = "名称;类型;村\n甲;乙;丙\n"

    def find(rows):
        return tabular.find_header(rows, len, lambda n: n > 1)

    delim, rows, h = tabular.best_delimiter(lambda d: tabular.csv_rows(text, d), find, len)
    assert (delim, h, rows[1]) == (";", 0, ["甲", "乙", "丙"])
    assert tabular.best_delimiter(lambda d: tabular.csv_rows("a\n", d), find, len) is None
    assert tabular.describe_csv("utf-8", ",") == "CSV, utf-8"
    assert tabular.describe_csv("gb18030", ";") == "CSV, gb18030, ';'"


def test_csv_rows_keep_quoted_line_breaks():
    assert tabular.csv_rows('a,"b\nc"\r\nd,e\n', ",") == [["a", "b\nc"], ["d", "e"]]


def test_yes_no_and_years():
    v = pd.Series(["是", "否", "", "也许"])
    assert tabular.yes_no(v).tolist() == [True, False, pd.NA, pd.NA]
    assert tabular.yes_no(pd.Series(["已通"]), tabular.YES_WORDS | {"已通"}).tolist() == [True]
    found, bad = tabular.years(pd.Series(["2019年", "", "去年"]))
    assert found.tolist()[0] == 2019 and bad.tolist() == [False, False, True]


def test_village_lookup_short_names_only_when_unambiguous():
    lookup = tabular.village_lookup(
        {"古陂村": "1", "古陂居委会": "2", "新 屋村": "3", "太平村委会": "4"}
    )
    assert lookup["新屋村"] == "3" and lookup["新屋"] == "3" and lookup["太平"] == "4"
    assert "古陂" not in lookup  # 古陂村 or 古陂居委会: cannot be told
    assert tabular.village_key("太平 村民委员会") == "太平"


def test_village_resolver_takes_a_name_or_a_code():
    resolve = tabular.village_resolver(
        {"古陂村": "360722102200", "古陂居委会": "360722102001", "新屋村": "360722102201"}
    )
    assert resolve("古陂村") == "360722102200"
    assert resolve("新屋") == resolve("新屋村委会") == "360722102201"
    assert resolve("360722102001") == resolve(" 360722102001.0") == "360722102001"
    assert resolve("3607221020010000000") == "360722102001"  # a land-survey XZQDM, padded
    assert resolve("360722999999") is None and resolve("古陂") is None  # unknown, ambiguous
