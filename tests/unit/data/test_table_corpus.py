"""The table-import corpus (tests/import_corpus/tables/make_tables.py): village indicator
tables and facility lists as township offices keep them, each read without a refused row;
then one test per family of variants (header wordings, yes/no words, layouts, absent columns)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pandas as pd
import pytest

from tests.support.paths import CORPUS as CORPUS_DIR
from township_atlas.data.importing.errors import ImportFailed
from township_atlas.data.importing.tables import (
    keep_absent,
    read_table,
    recognised_headers,
    rows_to_layer,
)

MAKE = CORPUS_DIR / "tables" / "make_tables.py"
CORPUS = runpy.run_path(str(MAKE))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    made = CORPUS["build"](tmp_path_factory.mktemp("tables"))
    return {m.path.name: m for m in made}


def _names() -> list[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        return [m.path.name for m in CORPUS["build"](Path(d))]


def _rows(demo_ws, made):
    read = read_table(made.path, made.kind)
    return read, rows_to_layer(read, made.kind, demo_ws.villages)


@pytest.mark.parametrize("name", _names())
def test_every_corpus_file_imports_without_a_refused_row(demo_ws, corpus, name):
    made = corpus[name]
    _, rows = _rows(demo_ws, made)
    assert not rows.rejected, rows.rejected
    assert len(rows.frame) == len(made.expected)
    if made.kind != "indicators":
        assert rows.frame["name"].tolist() == [e["name"] for e in made.expected]
        assert rows.frame["village_code"].notna().all()
        return
    frame = rows.frame.reset_index(drop=True)
    for i, want in enumerate(made.expected):
        for fld, value in want.items():
            if fld == "name" or fld in made.absent:
                continue
            got = frame.at[i, fld]
            if isinstance(value, float):
                assert got == pytest.approx(value), (name, i, fld)
            else:
                assert got == value, (name, i, fld, got, value)
    assert set(made.absent).isdisjoint(rows.present)
    assert {"village_code", "year"} <= rows.present


# ----------------------------------------------------------------------------- header wordings
_WORDINGS = [(f, s) for f, spellings in CORPUS["WORDINGS"].items() for s in spellings]


def _family(spelling: str) -> list[str]:
    """The forms an office may give a spelling: as is, 是否/有无 in front, a 是/否 hint or a
    unit in full-width brackets, full-width letters, 情况 after it."""
    full = spelling.translate({ord(c): ord(c) + 0xFEE0 for c in "ABCDGabcdg0123456789()/"})
    prefixed = (
        [] if spelling.startswith(("是否", "有", "已")) else [f"是否{spelling}", f"有无{spelling}"]
    )
    return [spelling, *prefixed, f"{spelling}（是/否）", full]


@pytest.mark.parametrize(("field", "spelling"), _WORDINGS)
def test_each_wording_and_its_family_is_recognised(field, spelling):
    variants = _family(spelling) if field not in ("village", "year") else [spelling]
    for header in variants:
        found = recognised_headers(
            "indicators", ["行政村" if field != "village" else "年度", header]
        )
        assert found.get(header) == field, header


@pytest.mark.parametrize(
    ("kind", "header", "field"),
    [
        ("indicators", "统计用区划代码", "village"),
        ("indicators", "行政区划代码（12位）", "village"),
        ("indicators", "村级活动场所情况", "activity_centre"),
        ("indicators", "是否有合格村医", "doctor"),
        ("indicators", "已通宽带", "broadband"),
        ("indicators", "通生产生活用电情况", "power"),
        ("indicators", "饮水困难户数(户)", "unsafe_water_households"),
        ("facilities", "所在村（居）", "village"),
        ("facilities", "经度（°）", "longitude"),
        ("stations", "站点层级", "kind"),
        ("sites", "设计安置户数（户）", "capacity_households"),
    ],
)
def test_more_headers_of_the_family(kind, header, field):
    assert recognised_headers(kind, [header]) == {header: field}


def test_a_code_column_names_the_village_before_a_name_column(demo_ws, corpus):
    read, _ = _rows(demo_ws, corpus["indicators_2019_gbk.csv"])
    assert read.columns_found["统计用区划代码"] == "village" and "村名" not in read.columns_found


# ----------------------------------------------------------------------------- yes/no words
def test_every_yes_no_pair_reads_both_ways(demo_ws, corpus):
    made = corpus["indicators_yes_no_words.csv"]
    _, rows = _rows(demo_ws, made)
    flags = list(CORPUS["FLAGS"])
    got = rows.frame[flags].astype(bool).to_numpy().tolist()
    want = [[e[f] for f in flags] for e in made.expected]
    assert got == want
    # every pair is used for both values somewhere in the table
    for i, pair in enumerate(CORPUS["YES_NO"]):
        assert any(want[i]) and not all(want[i]), pair


@pytest.mark.parametrize(
    ("yes", "no"),
    [("已建", "未建"), ("通", "不通"), ("达标", "不达标"), ("√", "×"), ("Y", "N"), ("有", "无")],
)
def test_yes_no_words_in_a_small_table(demo_ws, tmp_path, yes, no):
    src = tmp_path / "yn.csv"
    src.write_text(f"行政村,年度,文化室\n古陂村,2030,{yes}\n新屋村,2030,{no}\n", encoding="utf-8")
    rows = rows_to_layer(read_table(src, "indicators"), "indicators", demo_ws.villages)
    assert not rows.rejected and rows.frame["activity_centre"].tolist() == [True, False]


# ----------------------------------------------------------------------------- layouts
def test_title_units_total_and_signature_rows(demo_ws, corpus):
    read, rows = _rows(demo_ws, corpus["indicators_2020_title_units.xlsx"])
    assert "第 3 行为表头" in read.notes[0][0]
    assert len(read.data) == 17  # 合计 and 填表人 rows are not villages
    assert "序号" not in read.unrecognised and "备注" not in read.unrecognised
    assert any("换算为万元" in zh for zh, _ in rows.notes)  # 村集体经济收入（元）


def test_two_row_header_with_units_and_numbering_rows(demo_ws, corpus):
    read, _ = _rows(demo_ws, corpus["indicators_2021_two_row_header.xlsx"])
    assert read.columns_found["行政村"] == "village" and read.columns_found["年度"] == "year"
    assert read.units == {
        "dangerous_houses": "户",
        "unsafe_water_households": "户",
        "collective_income": "万元",
    }
    assert read.data.index[0] == 6  # the first village, after the units and numbering rows


def test_year_from_the_title(demo_ws, corpus):
    read, rows = _rows(demo_ws, corpus["indicators_year_in_title.xlsx"])
    assert "year" in read.present and "year" not in read.columns_found.values()
    assert rows.frame["year"].unique().tolist() == [2022]
    assert any("标题" in zh and "2022" in zh for zh, _ in read.notes)


def test_gbk_csv_is_read(demo_ws, corpus):
    read, _ = _rows(demo_ws, corpus["stations_gbk.csv"])
    assert "GBK" in read.what.upper() or "GB" in read.what.upper()


# ----------------------------------------------------------------------------- absent columns
def _partial(demo_ws, corpus, year):
    made = corpus[f"indicators_{year}_partial.csv"]
    _, rows = _rows(demo_ws, made)
    assert rows.present == {"village_code", "year", "dangerous_houses", "collective_income"}
    assert any("这些指标不变" in zh for zh, _ in rows.notes)
    return made, keep_absent(rows.frame, demo_ws["indicators"], rows.present, "indicators")


def test_a_partial_table_keeps_the_indicators_it_lacks(demo_ws, corpus):
    made, kept = _partial(demo_ws, corpus, 2024)
    ind = demo_ws["indicators"]
    old = ind[ind["year"] == 2024].set_index("village_code")
    for _, row in kept.iterrows():
        assert row["road_hardened"] == old.at[row["village_code"], "road_hardened"]
        assert (
            row["unsafe_water_households"] == old.at[row["village_code"], "unsafe_water_households"]
        )
    want = {e["village_code"]: e for e in made.expected}
    assert all(
        kept["dangerous_houses"]
        == kept["village_code"].map({k: e["dangerous_houses"] for k, e in want.items()})
    )


def test_a_partial_table_for_a_new_year_carries_the_latest_year_forward(demo_ws, corpus):
    _, kept = _partial(demo_ws, corpus, 2026)
    ind = demo_ws["indicators"]
    latest = ind[ind["year"] == 2025].set_index("village_code")
    for _, row in kept.iterrows():
        for fld in CORPUS["FLAGS"]:
            assert row[fld] == latest.at[row["village_code"], fld]
    assert kept[list(CORPUS["FLAGS"])].notna().all().all()


def test_absent_columns_without_a_value_to_keep_are_one_file_level_message(demo_ws, tmp_path):
    src = tmp_path / "old.csv"
    lines = "".join(f"{c},2010,1\n" for c, _ in CORPUS["VILLAGES"][:5])
    src.write_text("行政村代码,年度,危房户数\n" + lines, encoding="utf-8")
    rows = rows_to_layer(read_table(src, "indicators"), "indicators", demo_ws.villages)
    assert not rows.rejected
    with pytest.raises(ImportFailed) as err:
        keep_absent(rows.frame, demo_ws["indicators"], rows.present, "indicators")
    assert "通硬化路" in str(err.value) and "5 行" in str(err.value)


def test_keep_absent_leaves_present_columns_alone(demo_ws):
    frame = pd.DataFrame(
        {"village_code": ["360722102200"], "year": [2024], "road_hardened": [None]}
    )
    kept = keep_absent(
        frame,
        demo_ws["indicators"],
        frozenset({"village_code", "year", "road_hardened"}),
        "indicators",
    )
    assert kept["road_hardened"].isna().all()  # the file's empty cell: judged as such
    assert kept["bus"].notna().all()


def test_a_partial_table_for_a_new_year_imports_end_to_end(demo_copy, corpus):
    from township_atlas.data.importing.run import import_table
    from township_atlas.geo.workspace import read_workspace

    ws = demo_copy
    made = corpus["indicators_2026_partial.csv"]
    out = import_table(ws, made.path, "indicators")
    assert (out.exit_code, len(out.rejected)) == (0, 0)
    assert out.taken == len(made.expected) and out.written
    ind = read_workspace(ws)["indicators"]
    new, old = ind[ind["year"] == 2026], ind[ind["year"] == 2025]
    assert len(new) == len(made.expected)
    assert (
        new.set_index("village_code")["road_hardened"].sort_index()
        == old.set_index("village_code")["road_hardened"].sort_index()
    ).all()
