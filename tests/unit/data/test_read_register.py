"""Reading household registers exported from the national registration system.

The files are built in a temporary folder from the small structures below; the one committed
file (tests/import_corpus/register/) is a GBK CSV as Excel's "save as CSV" writes it in China.
"""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.support.paths import CORPUS as CORPUS_DIR
from township_atlas.data.importing.register import (
    ImportFailed,
    RegisterImport,
    hash_id,
    id_valid,
    mappable_fields,
    mask_id,
    read_register,
)
from township_atlas.geo.schema import HOUSEHOLDS
from township_atlas.geo.validate import problems

CORPUS = CORPUS_DIR / "register"
KEY = b"test-key-1"
VILLAGES = {
    "新屋村": "360722102201",
    "李田村": "360722102202",
    "太平村": "360722102208",
    "古陂居委会": "360722102001",
}


def make_id(first17: str) -> str:
    """An ID number with the right GB 11643 check digit."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    return first17 + "10X98765432"[total % 11]


def wrong_check(idn: str) -> str:
    return idn[:17] + ("1" if idn[17] != "1" else "2")


ID_ZHANG = make_id("36072219800101123")
ID_LI = make_id("36072219820202234")
ID_WANG = make_id("36072219700303345")
ID_CHILD = make_id("36072220100404456")
ID_ZHAO = make_id("36072219650505567")
ID_SUN = make_id("36072219900606678")

PERSON_HEADER = [
    "县",
    "乡(镇)",
    "行政村",
    "自然村",
    "户编号",
    "人编号",
    "姓名",
    "证件号码",
    "人数",
    "与户主关系",
    "民族",
    "文化程度",
    "脱贫属性",
    "脱贫年度",
    "贫困户属性",
    "主要致贫原因",
    "危房户",
    "饮水安全",
    "饮水困难",
    "人均纯收入",
    "联系电话",
]


def person(village, hid, pid, name, idn, size, rel, status="1", year=2018, cat="一般贫困户"):
    return [
        "信丰县",
        "古陂镇",
        village,
        "上屋组",
        hid,
        pid,
        name,
        idn,
        size,
        rel,
        "汉族",
        "初中",
        status,
        year,
        cat,
        "因病",
        "否",
        "是",
        "否",
        "3,200元",
        "13800138000",
    ]


def good_people() -> list[list]:
    return [
        person("新屋村", "3607221022010001", "01", "张三", ID_ZHANG, 3, "户主"),
        person("新屋村", "3607221022010001", "02", "李四", ID_LI, 3, "配偶"),
        person("新屋村", "3607221022010001", "03", "张小", ID_CHILD, 3, "之子"),
        person("新屋村", "3607221022010002", "01", "王五", ID_WANG, 2, "户主", "0", None, "低保户"),
        person("新屋村", "3607221022010002", "02", "王六", "", 2, "之女", "0", None, "低保户"),
        person("李田村", "3607221022020001", "01", "赵七", ID_ZHAO, 1, "户主", "4", 2019, "五保户"),
    ]


def write_xlsx(
    path: Path, header: list, rows: list[list], *, title: bool = True, merge: bool = True
) -> Path:
    """A register as the national system exports it: a title row, then header, then people."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    if title:
        ws.append(["古陂镇建档立卡贫困户花名册"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        ws.append(["填报单位：古陂镇人民政府"])
    ws.append(header)
    first = ws.max_row + 1
    for r in rows:
        ws.append(r)
    if merge:  # merge runs of equal 行政村 and 户编号 cells, as the export does
        for col in (header.index("行政村") + 1, header.index("户编号") + 1):
            start = first
            for i in range(first + 1, ws.max_row + 2):
                if i > ws.max_row or ws.cell(i, col).value != ws.cell(start, col).value:
                    if i - 1 > start:
                        ws.merge_cells(
                            start_row=start, start_column=col, end_row=i - 1, end_column=col
                        )
                    start = i
    wb.create_sheet("说明").append(["本表由系统导出"])
    wb.save(path)
    return path


def write_csv(path: Path, header: list, rows: list[list], encoding: str = "gb18030") -> Path:
    frame = pd.DataFrame(rows, columns=header)
    path.write_bytes(frame.to_csv(index=False).encode(encoding))
    return path


def everything(result: RegisterImport) -> str:
    """Every text the result holds, as a caller could show or save it."""
    parts = [repr(result), str(result.notes), str(dict(result.columns_found))]
    for f in (result.frame, result.rejected, result.identity):
        if f is not None:
            parts.append(f.to_csv(index=False))
            parts.append(repr(f))
    return "\n".join(parts)


def notes_en(result: RegisterImport) -> str:
    return " | ".join(en for _, en in result.notes)


# ----------------------------------------------------------------------------- good files
def test_per_person_xlsx_with_title_rows_and_merged_cells(tmp_path):
    path = write_xlsx(tmp_path / "register.xlsx", PERSON_HEADER, good_people())
    result = read_register(path, villages=VILLAGES, id_key=KEY)
    assert result.rejected.empty, result.rejected
    f = result.frame.set_index("household_id")
    assert list(result.frame.columns) == HOUSEHOLDS.names
    assert f.loc["3607221022010001", "size"] == 3
    assert f.loc["3607221022010002", "size"] == 2
    assert f.loc["3607221022020001", "village_code"] == "360722102202"
    assert f.loc["3607221022010002", "category"] == "低保户"
    assert f.loc["3607221022020001", "category"] == "特困供养户"
    assert f.loc["3607221022010001", "cause"] == "01"
    assert f.loc["3607221022010001", "exit_year"] == 2018
    assert f.loc["3607221022010001", "income_per_capita"] == 3200.0
    assert not f["unsafe_water"].any()
    assert problems("households", result.frame) == []
    en = notes_en(result)
    assert "header found on row 3" in en
    assert "one row per person: 6 people grouped into 3 households" in en
    assert "merged cells filled down in 行政村" in en
    assert "户编号" in en  # the merged household ids were filled too
    assert "columns not imported" not in en  # 民族, 文化程度 are known columns of the export
    assert result.per_person and result.sheet == "花名册"
    assert result.columns_found["证件号码"] == "id_number"
    assert result.columns_found["行政村"] == "village_name"
    zh = " | ".join(z for z, _ in result.notes)
    assert "表头在第 3 行" in zh and "每人一行：6 人归为 3 户" in zh


def test_head_row_gives_household_fields_even_when_not_first(tmp_path):
    people = good_people()
    people[0], people[1] = people[1], people[0]  # the spouse listed before the head
    people[1][14] = "低保贫困户"  # only the head's row counts
    path = write_xlsx(tmp_path / "r.xlsx", PERSON_HEADER, people, merge=False)
    result = read_register(path, villages=VILLAGES, id_key=KEY)
    f = result.frame.set_index("household_id")
    assert f.loc["3607221022010001", "category"] == "低保贫困户"
    ident = result.identity.set_index("household_id")
    assert ident.loc["3607221022010001", "id_masked"] == mask_id(ID_ZHANG)


def test_per_household_gbk_csv_with_codes_texts_and_variants(tmp_path):
    header = [
        "行政村",
        "户编号",
        "户主姓名",
        "身份证号",
        "家庭人口数",
        "贫困户属性",
        "主要致贫原因",
        "脱贫属性",
        "识别年度",
        "脱贫年度",
        "返贫年度",
        "危房户",
        "饮水安全",
        "饮水困难",
        "人均纯收入",
    ]
    rows = [
        ["新屋村", "A1", "张三", ID_ZHANG, 4, "一般贫困户", "01", "0", "2014", "", "", "是", "是", "否", "2,855"],  # noqa: E501
        ["新屋村", "A2", "李四", ID_LI, "3", "扶贫低保户", "因残", "1", "2015年", "2016年", "", "否", "否", "", "4000元"],  # noqa: E501
        ["李田村", "A3", "王五", ID_WANG, 2, "特困供养(五保)户", "7", "3", 2014.0, 2017.0, "2019", "否", "", "是", "1200"],  # noqa: E501
        ["李田村", "A4", "赵六", ID_ZHAO, 1, "特困供养（五保）户", "缺技术", "4", "2014", "2018.0", "", "否", "是", "否", ""],  # noqa: E501
        ["太平村", "A5", "孙七", ID_SUN, 5, "一般贫困户", "交通条件落后", "已脱贫(享受政策)", "2014", "2019", "", "否", "是", "否", "5000"],  # noqa: E501
    ]  # fmt: skip
    path = write_csv(tmp_path / "register.csv", header, rows)
    result = read_register(path, villages=VILLAGES, id_key=KEY)
    assert result.rejected.empty, result.rejected.to_dict("records")
    f = result.frame.set_index("household_id")
    assert list(f["status"]) == ["未脱贫", "已脱贫", "返贫", "已脱贫", "已脱贫"]
    assert list(f["category"]) == [
        "一般贫困户",
        "低保贫困户",
        "特困供养户",
        "特困供养户",
        "一般贫困户",
    ]
    assert list(f["cause"]) == ["01", "02", "07", "07", "10"]
    assert list(f["size"]) == [4, 3, 2, 1, 5]
    assert list(f["identified_year"]) == [2014, 2015, 2014, 2014, 2014]
    assert f.loc["A3", "return_year"] == 2019 and f.loc["A2", "exit_year"] == 2016
    assert list(f["dangerous_house"]) == [True, False, False, False, False]
    # 饮水安全 否 -> unsafe; 饮水困难 是 -> unsafe
    assert list(f["unsafe_water"]) == [False, True, True, False, False]
    assert f.loc["A1", "income_per_capita"] == 2855.0 and f.loc["A2", "income_per_capita"] == 4000
    assert pd.isna(f.loc["A4", "income_per_capita"])
    assert problems("households", result.frame) == []
    en = notes_en(result)
    assert "GBK" in en and "one row per household: 5" in en and "header found on row 1" in en
    assert "exited with support ended (code 4)" in en
    assert not result.per_person


def test_committed_gbk_csv_from_excel(tmp_path):
    result = read_register(CORPUS / "per_household_gbk.csv", villages=VILLAGES, id_key=KEY)
    assert len(result.frame) == 3
    assert list(result.rejected["row"]) == [6]
    assert "贫困户属性「一般户」" in result.rejected.loc[0, "reason_zh"]


# ----------------------------------------------------------------------------- bad rows
def test_unknown_category_rejects_that_household_only(tmp_path):
    people = good_people()
    people[3][14] = people[4][14] = "贫困边缘户"
    path = write_xlsx(tmp_path / "r.xlsx", PERSON_HEADER, people)
    result = read_register(path, villages=VILLAGES, id_key=KEY)
    assert sorted(result.frame["household_id"]) == ["3607221022010001", "3607221022020001"]
    # both person rows of the household, numbered as Excel shows them (header on row 3)
    assert list(result.rejected["row"]) == [7, 8]
    r = result.rejected.iloc[0]
    assert r["household_id"] == "3607221022010002"
    assert "贫困户属性「贫困边缘户」不是已知类别" in r["reason_zh"]
    assert "category '贫困边缘户' is not a known category" in r["reason_en"]
    assert "贫困户属性=贫困边缘户" in r["values"]
    assert "2 rows rejected" in notes_en(result)


def test_unknown_cause_and_status_name_the_value(tmp_path):
    people = good_people()
    people[5][15] = "因懒"
    people[0][12] = people[1][12] = people[2][12] = "9"
    path = write_xlsx(tmp_path / "r.xlsx", PERSON_HEADER, people)
    result = read_register(path, villages=VILLAGES, id_key=KEY)
    assert list(result.frame["household_id"]) == ["3607221022010002"]
    reasons = " ".join(result.rejected["reason_en"])
    assert "main cause '因懒'" in reasons and "status '9' is not recognised" in reasons


def test_village_not_in_workspace_is_rejected(tmp_path):
    people = good_people()
    people[5][2] = "不存在村"
    path = write_xlsx(tmp_path / "r.xlsx", PERSON_HEADER, people, merge=False)
    result = read_register(path, villages=VILLAGES, id_key=KEY)
    assert len(result.frame) == 2
    (r,) = result.rejected.to_dict("records")
    assert r["row"] == 9
    assert r["reason_zh"] == "行政村「不存在村」不在工作空间中"
    assert r["reason_en"] == "village '不存在村' is not in the workspace"


def test_village_codes_are_checked_and_short_names_resolve(tmp_path):
    header = ["村代码", "户编号", "人数", "贫困户属性", "脱贫属性"]
    rows = [
        ["360722102201", "B1", 2, "低保户", "0"],
        [360722102202, "B2", 1, "低保户", "0"],
        ["360722999999", "B3", 1, "低保户", "0"],
        ["3607", "B4", 1, "低保户", "0"],
    ]
    result = read_register(
        write_csv(tmp_path / "c.csv", header, rows, "utf-8-sig"), villages=VILLAGES, id_key=KEY
    )
    assert list(result.frame["village_code"]) == ["360722102201", "360722102202"]
    assert list(result.rejected["reason_en"]) == [
        "village code 360722999999 is not in the workspace",
        "village code '3607' is not a 12-digit code",
    ]
    by_name = write_csv(
        tmp_path / "n.csv", ["行政村", *header[1:]], [["新屋", "B1", 2, "低保户", "0"]]
    )
    result = read_register(by_name, villages=VILLAGES, id_key=KEY)
    assert list(result.frame["village_code"]) == ["360722102201"]


def test_household_id_in_two_villages_is_rejected(tmp_path):
    people = good_people()
    people[5][4] = "3607221022010002"  # 赵七 of 李田村 carries a 新屋村 household's id
    path = write_xlsx(tmp_path / "r.xlsx", PERSON_HEADER, people, merge=False)
    result = read_register(path, villages=VILLAGES, id_key=KEY)
    assert list(result.frame["household_id"]) == ["3607221022010001"]
    assert list(result.rejected["row"]) == [7, 8, 9]
    assert set(result.rejected["reason_en"]) == {
        "household id 3607221022010002 appears in more than one village (新屋村, 李田村)"
    }


def test_repeated_household_id_in_a_per_household_file_is_rejected(tmp_path):
    header = ["行政村", "户编号", "人数", "贫困户属性", "脱贫属性"]
    rows = [
        ["新屋村", "C1", 2, "低保户", "0"],
        ["新屋村", "C2", 1, "低保户", "0"],
        ["新屋村", "C1", 3, "低保户", "0"],
    ]
    result = read_register(
        write_csv(tmp_path / "d.csv", header, rows), villages=VILLAGES, id_key=KEY
    )
    assert list(result.frame["household_id"]) == ["C2"]
    assert list(result.rejected["row"]) == [2, 4]
    assert result.rejected.loc[0, "reason_zh"] == "户编号 C1 重复（第 2、4 行）"


def test_status_codes_map_to_the_layer_statuses(tmp_path):
    header = ["行政村", "户编号", "人数", "贫困户属性", "脱贫属性", "脱贫年度", "返贫年度"]
    rows = [
        ["新屋村", "S0", 1, "低保户", 0, "", ""],
        ["新屋村", "S1", 1, "低保户", 1, 2018, ""],
        ["新屋村", "S3", 1, "低保户", 3, 2017, 2020],
        ["新屋村", "S4", 1, "低保户", 4, 2019, ""],
        ["新屋村", "T1", 1, "低保户", "已脱贫（不再享受政策）", 2019, ""],
        ["新屋村", "T2", 1, "低保户", "返贫", 2017, 2021],
    ]
    path = write_xlsx(tmp_path / "s.xlsx", header, rows, title=False, merge=False)
    result = read_register(path, villages=VILLAGES, id_key=KEY)
    assert result.rejected.empty
    assert list(result.frame["status"]) == ["未脱贫", "已脱贫", "返贫", "已脱贫", "已脱贫", "返贫"]
    assert "2 households exited with support ended" in notes_en(result)


def test_layer_rules_reject_with_both_languages(tmp_path):
    header = ["行政村", "户编号", "人数", "贫困户属性", "脱贫属性", "脱贫年度"]
    rows = [["新屋村", "E1", 1, "低保户", "1", ""], ["新屋村", "E2", 40, "低保户", "0", ""]]
    result = read_register(
        write_csv(tmp_path / "e.csv", header, rows), villages=VILLAGES, id_key=KEY
    )
    assert result.frame.empty
    r = result.rejected.set_index("household_id")
    assert r.loc["E1", "reason_zh"] == "脱贫年度：已脱贫户须有脱贫年度"
    assert r.loc["E1", "reason_en"] == "Exit year: status 已脱贫 needs an exit year"
    assert "40 is above 30" in r.loc["E2", "reason_en"]


def test_summary_rows_under_the_table_are_skipped_not_rejected(tmp_path):
    people = good_people()
    rows = [
        *people,
        [],
        ["合计", "", "", "", "", "", "", "", 6],
        ["填表人：张三  联系电话：13800138000"],
    ]
    path = write_xlsx(tmp_path / "r.xlsx", PERSON_HEADER, rows)
    result = read_register(path, villages=VILLAGES, id_key=KEY)
    assert result.rejected.empty and len(result.frame) == 3
    assert "skipped totals/signature rows: rows 11, 12" in notes_en(result)
    assert "张三" not in everything(result)


def test_size_differing_from_listed_people_is_a_note_and_keeps_the_register_figure(tmp_path):
    people = good_people()
    for p in people[:3]:
        p[8] = 4
    path = write_xlsx(tmp_path / "r.xlsx", PERSON_HEADER, people)
    result = read_register(path, villages=VILLAGES, id_key=KEY)
    assert result.rejected.empty
    assert result.frame.set_index("household_id").loc["3607221022010001", "size"] == 4
    assert "1 households list a different number of people" in notes_en(result)
    assert "3607221022010001 (4 given, 3 rows)" in notes_en(result)


def test_user_mapping_overrides_headers(tmp_path):
    header = ["所属村", "家庭代码", "口数", "类别", "状态", "民族"]
    rows = [["新屋村", "M1", 2, "低保户", "0", "畲族"]]
    path = write_csv(tmp_path / "m.csv", header, rows)
    with pytest.raises(ImportFailed):
        read_register(path, villages=VILLAGES, id_key=KEY)
    mapping = {"所属村": "行政村", "家庭代码": "household_id", "口数": "size", "类别": "category"}
    mapping["状态"] = "status"
    result = read_register(path, villages=VILLAGES, id_key=KEY, columns=mapping)
    assert list(result.frame["household_id"]) == ["M1"] and result.frame["size"][0] == 2
    assert result.columns_found == {
        "所属村": "village_name",
        "家庭代码": "household_id",
        "口数": "size",
        "类别": "category",
        "状态": "status",
    }
    with pytest.raises(ImportFailed) as err:
        read_register(path, villages=VILLAGES, id_key=KEY, columns={"口数": "no_such_field"})
    assert "no_such_field" in err.value.en


# ----------------------------------------------------------------------------- fatal problems
def test_no_recognisable_headers_fails(tmp_path):
    path = write_csv(tmp_path / "x.csv", ["a", "b", "c"], [[1, 2, 3], [4, 5, 6]])
    with pytest.raises(ImportFailed) as err:
        read_register(path, villages=VILLAGES, id_key=KEY)
    assert "户编号" in err.value.zh and "no recognisable header" in err.value.en
    assert isinstance(err.value, ValueError)


def test_wrong_sheet_name_fails_listing_the_sheets(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", PERSON_HEADER, good_people())
    with pytest.raises(ImportFailed) as err:
        read_register(path, sheet="Sheet1", villages=VILLAGES, id_key=KEY)
    assert err.value.en == "no sheet 'Sheet1'; the workbook has: 花名册, 说明"
    assert "花名册、说明" in err.value.zh


def test_sheet_without_header_is_skipped_and_named_sheet_is_read(tmp_path):
    path = tmp_path / "two.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "封面"
    wb.active.append(["古陂镇建档立卡花名册"])
    ws = wb.create_sheet("户表")
    ws.append(["行政村", "户编号", "人数", "贫困户属性", "脱贫属性"])
    ws.append(["新屋村", "Z1", 2, "低保户", "0"])
    wb.save(path)
    result = read_register(path, villages=VILLAGES, id_key=KEY)
    assert result.sheet == "户表" and len(result.frame) == 1
    with pytest.raises(ImportFailed):
        read_register(path, sheet="封面", villages=VILLAGES, id_key=KEY)


@pytest.mark.parametrize(
    "content",
    [
        os.urandom(1 << 16),  # garbage
        b"PK\x03\x04" + os.urandom(4096),  # a broken workbook
        b"<html><body><table><tr><td>x</td></tr></table></body></html>",
        b"",
    ],
    ids=["garbage", "broken-xlsx", "html", "empty"],
)
def test_files_that_are_not_registers_fail(tmp_path, content):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(ImportFailed):
        read_register(path, villages=VILLAGES, id_key=KEY)


def test_missing_file_and_village_names_without_workspace_fail(tmp_path):
    with pytest.raises(ImportFailed):
        read_register(tmp_path / "none.xlsx", villages=VILLAGES, id_key=KEY)
    path = write_xlsx(tmp_path / "r.xlsx", PERSON_HEADER, good_people())
    with pytest.raises(ImportFailed) as err:
        read_register(path, id_key=KEY)
    assert "villages" in err.value.en


# ----------------------------------------------------------------------------- personal data
def test_personal_data_never_in_any_output(tmp_path):
    people = good_people()
    people[5][14] = "未知类别"  # a rejected household: its report row must not leak either
    people[3][7] = wrong_check(ID_WANG)
    path = write_xlsx(tmp_path / "r.xlsx", PERSON_HEADER, people)
    result = read_register(path, villages=VILLAGES, id_key=KEY)
    assert len(result.rejected) == 1
    text = everything(result)
    for name in ("张三", "李四", "张小", "王五", "王六", "赵七"):
        assert name not in text
    for idn in (ID_ZHANG, ID_LI, ID_WANG, ID_CHILD, ID_ZHAO, people[3][7]):
        assert idn not in text
        assert idn[:14] not in text
    assert "13800138000" not in text and "38001380" not in text
    assert "证件号码=360722" in result.rejected.loc[0, "values"]
    assert mask_id(ID_ZHAO) in result.rejected.loc[0, "values"]
    assert not set(result.frame.columns) & {"姓名", "证件号码", "联系电话", "id_number"}
    assert "1 ID numbers fail the GB 11643 form or check digit" in notes_en(result)
    ident = result.identity.set_index("household_id")
    assert not ident.loc["3607221022010002", "id_valid"]
    assert ident.loc["3607221022010001", "id_valid"]


def test_id_mask_and_keyed_hash():
    assert mask_id("360722198001011234") == "360722********1234"
    assert mask_id("12345") == "*****"
    a = hash_id(ID_ZHANG, KEY)
    assert a == hash_id(ID_ZHANG.lower() + " ", KEY)  # same person, same hash
    assert a != hash_id(ID_ZHANG, b"another-key")
    assert a != hash_id(ID_LI, KEY)
    assert len(a) == 64 and ID_ZHANG not in a
    ok = id_valid(pd.Series([ID_ZHANG, wrong_check(ID_ZHANG), "360722800101123", "abc", ""]))
    assert list(ok) == [True, False, True, False, False]
    assert id_valid(pd.Series(["11010519491231002X"])).all()  # the standard's own example


def test_identity_is_stable_per_key(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", PERSON_HEADER, good_people())
    one = read_register(path, villages=VILLAGES, id_key=KEY).identity
    two = read_register(path, villages=VILLAGES, id_key=KEY).identity
    other = read_register(path, villages=VILLAGES, id_key=b"other").identity
    pd.testing.assert_frame_equal(one, two)
    assert list(one["id_masked"]) == list(other["id_masked"])
    assert not set(one["id_hash"]) & set(other["id_hash"])
    assert list(one.columns) == ["household_id", "id_hash", "id_masked", "id_valid"]
    assert one.set_index("household_id").loc["3607221022020001", "id_masked"] == mask_id(ID_ZHAO)


def test_html_in_names_is_just_data(tmp_path):
    people = good_people()
    for p in people[:3]:
        p[6] = "<script>alert('张')</script>"
    people[5][2] = "<b>李田村</b>"
    path = write_xlsx(tmp_path / "r.xlsx", PERSON_HEADER, people, merge=False)
    result = read_register(path, villages=VILLAGES, id_key=KEY)
    assert len(result.frame) == 2
    assert "<script>" not in everything(result)  # a name: dropped like any name
    # the unknown village is named as it was written, not escaped or interpreted
    assert result.rejected.loc[0, "reason_zh"] == "行政村「<b>李田村</b>」不在工作空间中"


def test_csv_row_numbers_count_lines_of_quoted_multiline_cells(tmp_path):
    text = (
        "行政村,户编号,人数,贫困户属性,脱贫属性,安置点\r\n"
        '新屋村,F1,2,低保户,0,"集镇\r\n安置点"\r\n'
        "新屋村,F2,2,坏类别,0,\r\n"
    )
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    result = read_register(path, villages=VILLAGES, id_key=KEY)
    assert list(result.rejected["row"]) == [4]
    assert result.frame.loc[0, "relocation_site"] == "集镇\r\n安置点"


def test_report_shows_filled_down_values_of_merged_cells(tmp_path):
    people = good_people()
    people[3][14] = people[4][14] = "贫困边缘户"
    path = write_xlsx(tmp_path / "r.xlsx", PERSON_HEADER, people)
    result = read_register(path, villages=VILLAGES, id_key=KEY)
    second = result.rejected.iloc[1]  # 王六's row: 行政村 and 户编号 were merged cells
    assert second["household_id"] == "3607221022010002"
    assert "行政村=新屋村" in second["values"] and "户编号=3607221022010002" in second["values"]


# ----------------------------------------------------------------------------- column mapping
def test_headers_lists_every_header_in_file_order(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", PERSON_HEADER, good_people())
    result = read_register(path, villages=VILLAGES, id_key=KEY)
    assert result.headers == tuple(PERSON_HEADER)  # recognised, unused (民族) and personal alike
    # 贫困户属性 added: a file without it is now refused once for the file (issue 11), not
    # row by row
    header = ["行政村", "家庭代码", "户编号", "脱贫属性", "人数", "", "备注", "贫困户属性"]
    rows = [["新屋村", "M1", "H1", "0", 2, "", "", "低保户"]]
    result = read_register(
        write_csv(tmp_path / "m.csv", header, rows), villages=VILLAGES, id_key=KEY
    )
    assert result.headers == (
        "行政村",
        "家庭代码",
        "户编号",
        "脱贫属性",
        "人数",
        "备注",
        "贫困户属性",
    )


def test_mappable_fields_never_offer_name_or_phone():
    fields = {f: (zh, en) for f, zh, en in mappable_fields()}
    assert not {"name_person", "phone", "head_id_hash", "head_id_masked"} & set(fields)
    assert {"household_id", "village_code", "village_name", "status", "size"} <= set(fields)
    assert "散列" in fields["id_number"][0] and "hash" in fields["id_number"][1]
    assert all(zh and en for zh, en in fields.values())
    with pytest.raises(ValueError):
        mappable_fields("facilities")


@pytest.mark.parametrize("field", [f for f, _, _ in mappable_fields()])
def test_every_mappable_field_is_a_valid_mapping_target(tmp_path, field):
    # 贫困户属性 added (issue 11: a missing required column is one file-level refusal)
    header = ["户编号", "行政村", "脱贫属性", "人数", "贫困户属性", "甲列"]
    rows = [["H1", "新屋村", "0", 2, "低保户", "1"]]
    path = write_csv(tmp_path / "m.csv", header, rows)
    result = read_register(path, villages=VILLAGES, id_key=KEY, columns={"甲列": field})
    # a header mapped by hand wins over one recognised by its name
    assert result.columns_found["甲列"] == field
    assert list(result.columns_found.values()).count(field) == 1
    assert list(result.columns_found) == [h for h in header if h in result.columns_found]


# ----------------------------------------------------------------------------- villages, water
HH_HEADER = ["户编号", "人数", "贫困户属性", "脱贫属性"]


def test_a_village_code_in_the_village_column_resolves(tmp_path):
    rows = [
        ["360722102201", "C1", 2, "低保户", "0"],
        [360722102202, "C2", 1, "低保户", "0"],  # a number, as Excel stores it
        ["新屋村", "C3", 1, "低保户", "0"],
        ["360722999999", "C4", 1, "低保户", "0"],
    ]
    path = write_csv(tmp_path / "v.csv", ["行政村", *HH_HEADER], rows, "utf-8-sig")
    result = read_register(path, villages=VILLAGES, id_key=KEY)
    f = result.frame.set_index("household_id")
    assert f["village_code"].to_dict() == {
        "C1": "360722102201",
        "C2": "360722102202",
        "C3": "360722102201",
    }
    assert list(result.rejected["reason_zh"]) == ["行政村「360722999999」不在工作空间中"]

    people = good_people()
    people[1][2] = "360722102201"  # 新屋村 by its code on one person's row: one village
    path = write_xlsx(tmp_path / "p.xlsx", PERSON_HEADER, people, merge=False)
    result = read_register(path, villages=VILLAGES, id_key=KEY)
    assert result.rejected.empty, result.rejected.to_dict("records")
    assert len(result.frame) == 3


def test_village_name_and_code_columns_must_agree_and_either_suffices(tmp_path):
    rows = [
        ["", "", "D6", 1, "低保户", "0"],  # first: nothing above to fill it from
        ["新屋村", "360722102201", "D1", 2, "低保户", "0"],  # agree
        ["新屋村", "360722102202", "D2", 1, "低保户", "0"],  # 新屋村 is …201: disagree
        ["李田村", "", "D3", 1, "低保户", "0"],  # no code: the name is enough
        ["", "360722102208", "D4", 1, "低保户", "0"],  # no name: the code is enough
        ["不存在村", "", "D5", 1, "低保户", "0"],
    ]
    header = ["行政村", "村代码", *HH_HEADER]
    path = write_csv(tmp_path / "v.csv", header, rows, "utf-8-sig")
    result = read_register(path, villages=VILLAGES, id_key=KEY)
    f = result.frame.set_index("household_id")
    assert f["village_code"].to_dict() == {
        "D1": "360722102201",
        "D3": "360722102202",
        "D4": "360722102208",
    }
    rej = result.rejected.set_index("household_id")
    assert rej.loc["D2", "reason_zh"] == (
        "行政村「新屋村」（360722102201）与村代码「360722102202」不一致"
    )
    assert rej.loc["D2", "reason_en"] == (
        "village '新屋村' (360722102201) and village code 360722102202 do not agree"
    )
    assert rej.loc["D5", "reason_zh"] == "行政村「不存在村」不在工作空间中"
    assert rej.loc["D6", "reason_en"] == "village and village code are empty"
    assert "merged cells" not in notes_en(result)  # a row giving one column is no merged cell


def test_an_empty_safe_water_cell_records_no_problem_and_is_counted(tmp_path):
    header = ["行政村", *HH_HEADER, "危房户", "饮水安全", "饮水困难"]
    rows = [
        ["新屋村", "W1", 1, "低保户", "0", "", "", ""],  # nothing known: no problem
        ["新屋村", "W2", 1, "低保户", "0", "", "否", ""],  # unsafe
        ["新屋村", "W3", 1, "低保户", "0", "", "是", ""],
        ["新屋村", "W4", 1, "低保户", "0", "", "", "是"],  # difficulty says unsafe
    ]
    result = read_register(
        write_csv(tmp_path / "w.csv", header, rows, "utf-8-sig"), villages=VILLAGES, id_key=KEY
    )
    assert result.rejected.empty
    f = result.frame.set_index("household_id")
    assert f["unsafe_water"].to_dict() == {"W1": False, "W2": True, "W3": False, "W4": True}
    assert not f["dangerous_house"].any()
    water = [n for n in result.notes if "饮水安全为空" in n[0]]
    assert water == [
        (
            "2 户的饮水安全为空：未知，按未记录问题处理（不记为饮水不安全）：W1、W4",
            "2 households have no 饮水安全 (safe water) entry: unknown, taken as no problem "
            "recorded (not unsafe water): W1, W4",
        )
    ]
