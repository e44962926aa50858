"""The personal-data guard looks at values, not only headers: ID numbers, mobile numbers and
names in a column about to be kept are refused, naming the column, before anything is written.
Every ID number here is made up in the test (a valid check character, no real person)."""

from __future__ import annotations

import shutil

import pytest

from township_atlas.data.importing.errors import ImportFailed
from township_atlas.data.importing.personal_guard import is_id_number, is_mobile
from township_atlas.data.importing.register import read_register

KEY = b"guard-test-key"
VILLAGES = {"新屋村": "360722102201"}
HEADER = ["行政村", "户编号", "人数", "贫困户属性", "脱贫属性"]


def synthetic_id(body17: str) -> str:
    """A made-up 18-character ID number whose check character fits (GB 11643)."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(body17))
    return body17 + "10X98765432"[total % 11]


def ids(n: int) -> list[str]:
    return [synthetic_id(f"11010119800101{i:03d}") for i in range(n)]


def write(path, header, rows) -> str:
    lines = [",".join(header), *(",".join(str(v) for v in r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def refused(path, **kw) -> ImportFailed:
    with pytest.raises(ImportFailed) as err:
        read_register(path, villages=VILLAGES, id_key=KEY, **kw)
    return err.value


def test_id_number_check():
    good = synthetic_id("11010119800101001")
    assert is_id_number(good) and is_id_number(good.lower())
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    assert not is_id_number(wrong)  # check character does not fit
    assert not is_id_number(synthetic_id("11010119801301001"))  # month 13
    assert not is_id_number("360722102201000001")  # a household code: no birth date in it
    assert is_mobile("13812345678") and is_mobile("+86 138 1234 5678")
    assert not is_mobile("12812345678") and not is_mobile("1381234567")


def test_household_id_column_holding_id_numbers_is_refused(tmp_path):
    rows = [["新屋村", i, 2, "低保户", "0"] for i in ids(3)]
    err = refused(write(tmp_path / "a.csv", HEADER, rows))
    assert "户编号" in err.zh and "身份证号码" in err.zh and "第 2、3、4 行" in err.zh
    assert "ID numbers" in err.en
    assert not any(i in err.zh or i in err.en for i in ids(3))  # never the values


def test_one_id_number_among_household_codes_is_refused(tmp_path):
    rows = [["新屋村", f"36072210220100{i}", 2, "低保户", "0"] for i in range(5)]
    rows[3][1] = ids(1)[0]
    err = refused(write(tmp_path / "b.csv", HEADER, rows))
    assert "第 5 行" in err.zh


def test_mapped_column_holding_mobile_numbers_is_refused(tmp_path):
    header = [*HEADER, "备用码"]
    rows = [["新屋村", f"H{i}", 2, "低保户", "0", f"1391234567{i}"] for i in range(4)]
    err = refused(write(tmp_path / "c.csv", header, rows), columns={"备用码": "person_id"})
    assert "备用码" in err.zh and "手机号码" in err.zh and "mobile" in err.en


def test_name_header_mapped_to_another_field_is_refused(tmp_path):
    header = ["行政村", "编号", "户主姓名", "人数", "贫困户属性", "脱贫属性"]
    rows = [["新屋村", f"H{i}", f"X{i}", 2, "低保户", "0"] for i in range(3)]
    path = write(tmp_path / "d.csv", header, rows)
    err = refused(path, columns={"户主姓名": "household_id"})
    assert "户主姓名" in err.zh and "个人信息" in err.zh


def test_names_in_the_household_id_column_are_refused(tmp_path):
    header = ["行政村", "户主", "人数", "贫困户属性", "脱贫属性"]
    rows = [["新屋村", name, 2, "低保户", "0"] for name in ("张三丰", "李四", "王五")]
    err = refused(write(tmp_path / "e.csv", header, rows), columns={"户主": "household_id"})
    assert "户主" in err.zh
    header[1] = "户编号甲"  # a header that says nothing: the values still do
    err = refused(write(tmp_path / "f.csv", header, rows), columns={"户编号甲": "household_id"})
    assert "人的姓名" in err.zh and "personal names" in err.en


def test_ordinary_register_and_id_column_are_taken(tmp_path):
    header = [*HEADER, "证件号码", "联系电话", "户主姓名"]
    rows = [
        ["新屋村", f"36072210220100{k}", 2, "低保户", "0", i, f"1391234567{k}", "张三"]
        for k, i in enumerate(ids(3))
    ]
    read = read_register(write(tmp_path / "g.csv", header, rows), villages=VILLAGES, id_key=KEY)
    assert len(read.frame) == 3 and read.identity is not None
    # a dropped column (mapped to nothing) is not checked: it is never kept
    header2 = [*HEADER, "备注"]
    rows2 = [["新屋村", f"H{k}", 2, "低保户", "0", i] for k, i in enumerate(ids(2))]
    path = write(tmp_path / "h.csv", header2, rows2)
    assert len(read_register(path, villages=VILLAGES, id_key=KEY, columns={"备注": ""}).frame) == 2


def test_import_is_refused_before_anything_is_written(demo_path, tmp_path, capsys):
    from township_atlas.cli import main

    ws = tmp_path / "ws.gpkg"
    shutil.copy(demo_path, ws)
    before = ws.read_bytes()
    rows = [["新屋村", i, 2, "低保户", "0"] for i in ids(2)]
    code = main(["import", "households", write(tmp_path / "i.csv", HEADER, rows), str(ws)])
    err = capsys.readouterr().err
    assert code == 2 and "个人信息" in err and err.count("\n") == 1
    assert ws.read_bytes() == before
