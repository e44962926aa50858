"""The personal-data guard looks at values, not only headers: ID numbers, mobile numbers and
names in a column about to be kept are refused, naming the column, before anything is written.
Every ID number here is made up in the test (a valid check character, no real person)."""

from __future__ import annotations

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


def test_import_is_refused_before_anything_is_written(demo_copy, tmp_path, run_cli):
    ws = demo_copy
    before = ws.read_bytes()
    rows = [["新屋村", i, 2, "低保户", "0"] for i in ids(2)]
    code, _, err = run_cli("import", "households", write(tmp_path / "i.csv", HEADER, rows), ws)
    assert code == 2 and "个人信息" in err and err.count("\n") == 1
    assert ws.read_bytes() == before


# ----------------------------------------------------------------------------- every other kind
INDICATORS = ["行政村", "年度", "通硬化路", "危房户数"]
STATIONS = ["编号", "名称", "类型", "所在行政村", "状态"]
SITES = ["安置点名称", "安置类型", "所在行政村", "设计容量", "建设状态", "计划搬迁户数"]
SITES += ["计划搬迁人数", "已入住户数", "已入住人数", "建筑面积", "已拆旧复垦户数"]


@pytest.fixture
def ws(demo_copy):
    """The workspace these tests change: a private copy of the demo (``demo_copy``)."""
    return demo_copy


def run(ws, path, kind, **kw):
    from township_atlas.data.importing.run import run_import

    return run_import(ws, path, kind, **kw)


def refused_import(ws, path, kind, **kw) -> ImportFailed:
    before = ws.read_bytes()
    with pytest.raises(ImportFailed) as err:
        run(ws, path, kind, **kw)
    assert ws.read_bytes() == before  # nothing written
    return err.value


def test_indicator_column_holding_id_numbers_is_refused(ws, tmp_path):
    header = [*INDICATORS, "备注"]
    rows = [[v, 2024, "是", 3, i] for v, i in zip(("新屋村", "古陂村"), ids(2), strict=True)]
    path = write(tmp_path / "a.csv", header, rows)
    # mapped to a field, the note column would be kept (and a refused row shown with its values)
    err = refused_import(ws, path, "indicators", columns={"备注": "危房户数"})
    assert "备注" in err.zh and "身份证号码" in err.zh and "第 2、3 行" in err.zh
    assert "ID numbers" in err.en and "nothing imported" in err.en
    assert not any(i in err.zh or i in err.en for i in ids(2))  # never the values
    assert "\n" not in err.zh
    # left out (no field takes 备注), it is never read, let alone kept
    assert run(ws, path, "indicators", dry_run=True).taken == 2
    # a header the table recognises by itself (代码: the village code) holding ID numbers
    rows = [[i, 2024, "是"] for i in ids(3)]
    err = refused_import(
        ws, write(tmp_path / "b.csv", ["代码", "年度", "通硬化路"], rows), "indicators"
    )
    assert "代码" in err.zh and "身份证号码" in err.zh


def test_station_column_of_phone_numbers_is_refused(ws, tmp_path):
    phones = [f"1391234567{k}" for k in range(3)]
    rows = [[p, "新屋站", "村级服务站", "新屋村", "现有"] for p in phones]
    path = write(tmp_path / "s.csv", ["编码甲", *STATIONS[1:]], rows)
    err = refused_import(ws, path, "stations", columns={"编码甲": "facility_id"})
    assert "编码甲" in err.zh and "手机号码" in err.zh and "mobile" in err.en
    assert not any(p in err.zh or p in err.en for p in phones)
    # a contact column mapped to a kept field is refused by its header, whatever it holds
    rows = [[f"Z{k}", "新屋站", "村级服务站", "新屋村", "现有", "x"] for k in range(3)]
    path = write(tmp_path / "t.csv", [*STATIONS, "站长手机"], rows)
    err = refused_import(ws, path, "stations", columns={"站长手机": "name"})
    assert "站长手机" in err.zh and "个人信息" in err.zh


def test_names_are_refused_only_where_no_name_belongs(ws, tmp_path):
    rows = [["城南点", "新屋村", name] for name in ("张三丰", "李四", "王五")]
    path = write(tmp_path / "n.csv", ["安置点名称", "所在行政村", "设计容量"], rows)
    err = refused_import(ws, path, "sites")
    assert "设计容量" in err.zh and "人的姓名" in err.zh


def test_ordinary_station_site_and_indicator_tables_are_taken(ws, tmp_path):
    # names of places and words are two to four Han characters as often as a person's name
    rows = [
        ["Z1", "新屋站", "村级服务站", "新屋村", "现有"],
        ["Z2", "古陂站", "村级服务站", "古陂村", "规划"],
        ["Z3", "李田点", "村级服务站", "李田村", "现有"],
    ]
    out = run(ws, write(tmp_path / "s.csv", STATIONS, rows), "stations")
    assert out.written and out.exit_code == 0
    rows = [[v, 2024, "已通", 2] for v in ("新屋村", "古陂村", "李田村")]
    out = run(ws, write(tmp_path / "i.csv", INDICATORS, rows), "indicators")
    assert out.written and out.exit_code == 0
    rows = [
        ["城南点", "集镇", "新屋村", 40, "建成", 30, 100, 30, 100, 2500, 20],
        ["金盆山", "中心村", "古陂村", 30, "在建", 20, 60, 0, 0, 1500, 0],
    ]
    out = run(ws, write(tmp_path / "p.csv", SITES, rows), "sites")
    assert out.written and out.exit_code == 0


def test_boundary_and_road_attributes_are_guarded(ws, demo_ws, tmp_path):
    import geopandas as gpd
    from shapely.geometry import LineString

    villages = demo_ws.villages[["code", "name", "geometry"]].head(3)
    villages = villages.rename(columns={"code": "XZQDM", "name": "XZQMC"})
    path = tmp_path / "v.gpkg"
    villages.assign(人口数=[f"1391234567{k}" for k in range(3)]).to_file(path, driver="GPKG")
    err = refused_import(ws, path, "villages")
    assert "人口数" in err.zh and "手机号码" in err.zh and "第 1、2、3 行" in err.zh
    # village names (古陂居委会 …) and an ethnic group (畲族) are not people's names
    villages.assign(人口数=[100, 200, 300], 民族村="畲族").to_file(path, driver="GPKG")
    assert run(ws, path, "villages", dry_run=True).taken == 3

    line = LineString([(115.10282, 25.32444), (115.12108, 25.3269)])
    roads = gpd.GeoDataFrame(
        {"路线编号": ids(2), "路线名称": ["古陂村道", "新屋村道"]},
        geometry=[line, line],
        crs="EPSG:4326",
    )
    roads.to_file(tmp_path / "r.gpkg", driver="GPKG")
    err = refused_import(ws, tmp_path / "r.gpkg", "roads")
    assert "路线编号" in err.zh and "身份证号码" in err.zh
