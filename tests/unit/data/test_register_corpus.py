"""Every vintage of the national system's register export imports without a column mapping.

The exports are written at test time by tests/import_corpus/register/make_registers.py
(synthetic households of the demo township, valid-looking but invented ID numbers).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.support.paths import CORPUS as CORPUS_DIR
from township_atlas.data.importing.register import ImportFailed, read_register
from township_atlas.geo.schema import LAYERS, MEMBERS
from township_atlas.geo.validate import problems
from township_atlas.geo.workspace import empty_frame

HERE = CORPUS_DIR / "register"
_spec = importlib.util.spec_from_file_location("make_registers", HERE / "make_registers.py")
make = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("make_registers", make)  # dataclasses look their module up
_spec.loader.exec_module(make)

KEY = b"corpus-key"
VINTAGES = (
    "jdlk_2016_2020.xlsx",
    "jdlk_2016_2020_gbk.csv",
    "fpfjc_2024.xlsx",
    "fpfjc_2024_gbk.csv",
)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    return make.write_all(tmp_path_factory.mktemp("registers"))


@pytest.fixture(scope="module")
def read(files):
    return {n: read_register(p, villages=make.VILLAGES, id_key=KEY) for n, p in files.items()}


def _hh(result) -> pd.DataFrame:
    return result.frame.set_index("household_id")


@pytest.mark.parametrize("name", VINTAGES)
def test_every_vintage_imports_with_no_refused_row(read, name):
    result = read[name]
    assert result.rejected.empty, result.rejected.to_dict("records")
    assert result.warnings.empty
    assert len(result.frame) == len(make.VILLAGES)
    people = sum(
        len(h.people)
        for h in (make.jdlk_households() if "jdlk" in name else make.fpfjc_households())
    )
    assert len(result.members) == people
    assert problems("households", result.frame) == []
    assert problems("members", result.members) == []
    assert list(result.members.columns) == MEMBERS.names
    # no column of the export goes unrecognised
    assert not any("columns not imported" in en for _, en in result.notes), result.notes


@pytest.mark.parametrize("name", VINTAGES)
def test_personal_data_stays_out_of_frames(read, files, name):
    result = read[name]
    text = result.frame.to_csv() + result.members.to_csv() + str(result.notes)
    for hh in make.jdlk_households() + make.fpfjc_households():
        for p in hh.people:
            assert p.name not in text and p.id_number not in text


def test_categories_every_spelling(read):
    for name in ("jdlk_2016_2020.xlsx", "jdlk_2016_2020_gbk.csv"):
        f = _hh(read[name])
        written = {h.hid: h.category for h in make.jdlk_households()}
        expect = {
            "一般贫困户": "一般贫困户",
            "低保贫困户": "低保贫困户",
            "扶贫低保户": "低保贫困户",
            "低保户": "低保户",
            "特困供养贫困户": "特困供养户",
            "五保贫困户": "特困供养户",
            "五保户": "特困供养户",
            "特困供养户": "特困供养户",
        }
        for hid, cat in written.items():
            assert f.loc[hid, "category"] == expect[cat], (name, cat)


def test_statuses_codes_support_monitoring_and_cleared_risk(read):
    f = _hh(read["jdlk_2016_2020.xlsx"])
    by_written = {h.status: h.hid for h in make.jdlk_households()}
    assert f.loc[by_written["0"], "status"] == "未脱贫"
    assert f.loc[by_written["1"], "policy_support"] == "享受政策"
    assert f.loc[by_written["4"], "status"] == "已脱贫"
    assert f.loc[by_written["4"], "policy_support"] == "不享受政策"
    assert f.loc[by_written["脱贫不享受政策"], "policy_support"] == "不享受政策"
    assert f.loc[by_written["已脱贫（不再享受政策）"], "policy_support"] == "不享受政策"
    assert f.loc[by_written["3"], "status"] == "返贫"
    # no 返贫年度 column in the 2016–2020 export: the register's year (its title: 2019)
    assert f.loc[by_written["3"], "return_year"] == 2019
    assert f.loc[by_written["返贫"], "return_year"] == 2019
    assert f.loc[by_written["1-已脱贫"], "status"] == "已脱贫"

    g = _hh(read["fpfjc_2024.xlsx"])
    hh = {h.hid: h for h in make.fpfjc_households()}
    for hid, h in hh.items():
        row = g.loc[hid]
        if h.monitor_kind or h.status != "脱贫户":
            assert row["status"] == "监测", hid
            assert row["monitor_kind"] in ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
        else:
            assert row["status"] == "已脱贫" and row["exit_year"] == h.exit_year
        if h.monitor_kind == "1":
            assert row["monitor_kind"] == "脱贫不稳定户"
        cleared = h.risk_cleared in ("是", "已消除")
        assert pd.notna(row["risk_cleared_year"]) == cleared, hid
    cleared = {hid: g.loc[hid, "risk_cleared_year"] for hid, h in hh.items() if h.risk_cleared_at}
    assert sorted(set(cleared.values())) == [2022, 2023]
    undated = [hid for hid, h in hh.items() if h.risk_cleared == "是" and not h.risk_cleared_at]
    assert undated and all(g.loc[hid, "risk_cleared_year"] == 2024 for hid in undated)
    # an 边缘易致贫户 never registered poor has no category, and is valid
    edge = [hid for hid, h in hh.items() if not h.category]
    assert g.loc[edge, "category"].isna().all()


def test_causes_codes_and_wordings(read):
    expect = {
        "因病": "01",
        "01": "01",
        "1": "01",
        "病": "01",
        "因残": "02",
        "因学致贫": "03",
        "因灾": "04",
        "缺土地": "05",
        "06": "06",
        "缺技术": "07",
        "缺少技术": "07",
        "缺劳力": "08",
        "08": "08",
        "缺资金": "09",
        "交通条件落后": "10",
        "自身发展动力不足": "11",
        "其他": "99",
    }
    for name in ("jdlk_2016_2020.xlsx", "jdlk_2016_2020_gbk.csv"):
        f = _hh(read[name])
        for h in make.jdlk_households():
            assert f.loc[h.hid, "cause"] == expect[h.cause], (name, h.cause)
    g = _hh(read["fpfjc_2024.xlsx"])
    risk = {"因病": "01", "因残": "02", "因学": "03", "缺劳动力": "08", "因自然灾害": "04"}
    for h in make.fpfjc_households():
        assert g.loc[h.hid, "cause"] == risk.get(h.cause, "99")


def test_yes_no_and_house_grades(read):
    g = _hh(read["fpfjc_2024.xlsx"])
    for h in make.fpfjc_households():
        assert g.loc[h.hid, "dangerous_house"] == (h.dangerous in ("C级", "D级")), h.dangerous
        assert g.loc[h.hid, "unsafe_water"] == (h.safe_water == "否")
    a, b = _hh(read["jdlk_2016_2020.xlsx"]), _hh(read["jdlk_2016_2020_gbk.csv"])  # 是/否 vs √/×
    cols = ["dangerous_house", "unsafe_water"]
    pd.testing.assert_frame_equal(a[cols], b[cols])
    m = read["fpfjc_2024.xlsx"].members  # 是/否, 1/0, Y/N, 有/无, √/× in one column
    assert m["medical_insurance"].notna().all() and (~m["medical_insurance"]).any()


def test_person_fields_go_to_members_and_counts(read):
    result = read["fpfjc_2024.xlsx"]
    m, f = result.members, _hh(result)
    assert set(m["schooling"].dropna()) <= set(MEMBERS.column("schooling").allowed)
    assert {"小学", "初中", "高中", "高职高专", "失学辍学"} <= set(m["schooling"])
    assert "学前教育" in set(read["jdlk_2016_2020.xlsx"].members["schooling"])
    assert set(m["labour_skill"]) >= {
        "普通劳动力",
        "技能劳动力",
        "弱劳动力或半劳动力",
        "丧失劳动力",
    }
    assert "乡(镇)外县内务工" in set(m["work"])  # written with full-width brackets
    both = m[m["disabled"] & m["chronic_illness"]]
    assert len(both)  # 残疾,长期慢性病
    assert m["birth_year"].notna().all()  # 出生日期, else the ID's digits
    assert m["relation"].isin(["户主", "配偶", "之子", "之女"]).all()
    # the 14-year-old out of school (失学或辍学, born 2010, a 2024 register)
    hh = make.fpfjc_households()[2]
    assert f.loc[hh.hid, "out_of_school"] == 1
    child = m[(m["household_id"] == hh.hid) & (m["birth_year"] == 2010)]
    assert list(child["schooling"]) == ["失学辍学"]
    assert (f.drop(index=hh.hid)["out_of_school"] == 0).all()
    # counts equal the members'
    no_med = m[m["medical_insurance"].eq(False)].groupby("household_id").size()
    assert (f["no_medical_insurance"] == no_med.reindex(f.index).fillna(0)).all()
    labour = m[m["labour_skill"].isin(["普通劳动力", "技能劳动力", "弱劳动力或半劳动力"])]
    assert (
        f["labour_persons"] == labour.groupby("household_id").size().reindex(f.index).fillna(0)
    ).all()
    # the 2016–2020 export has 参加大病医疗 but no basic-insurance column: unknown, not 0
    j = _hh(read["jdlk_2016_2020.xlsx"])
    assert (
        j["no_medical_insurance"].isna().all() and j["no_serious_illness_insurance"].notna().all()
    )


def test_headers_of_both_systems_and_their_variants(read):
    a = read["fpfjc_2024.xlsx"].columns_found
    b = read["fpfjc_2024_gbk.csv"].columns_found
    assert sorted(a.values()) == sorted(b.values())
    assert b["人均纯收入（元）"] == "income_per_capita" and b["是否危房户"] == "dangerous_house"
    assert b["在校生情况"] == "schooling" and b["健康情况"] == "health"
    assert a["户类型"] == "status" and a["监测对象类别"] == "monitor_kind"
    assert a["风险消除时间"] == "risk_cleared_year" and a["住房安全等级"] == "dangerous_house"
    assert read["jdlk_2016_2020.xlsx"].columns_found["参加大病医疗"] == "serious_illness_insurance"


def test_empty_members_layer_validates():
    assert "members" in LAYERS
    assert problems("members", empty_frame(MEMBERS)) == []


# ----------------------------------------------------------------------------- the report
HEADER = [
    "行政村",
    "户编号",
    "人编号",
    "姓名",
    "证件号码",
    "人数",
    "与户主关系",
    "贫困户属性",
    "脱贫属性",
]


def _csv(path: Path, rows: list[list]) -> Path:
    path.write_bytes(pd.DataFrame(rows, columns=HEADER).to_csv(index=False).encode("gb18030"))
    return path


def _people():
    a, b, c = (make.make_id(f"36072219{70 + i}0101{100 + i}") for i in range(3))
    return a, b, c


def test_duplicate_row_is_merged_with_a_warning_line(tmp_path):
    a, b, _ = _people()
    rows = [
        ["新屋村", "H1", "01", "甲", a, 2, "户主", "低保户", "0"],
        ["新屋村", "H1", "02", "乙", b, 2, "配偶", "低保户", "0"],
        ["新屋村", "H1", "02", "乙", b, 2, "配偶", "低保户", "0"],
    ]
    result = read_register(_csv(tmp_path / "d.csv", rows), villages=make.VILLAGES, id_key=KEY)
    assert result.rejected.empty and len(result.members) == 2
    (w,) = result.warnings.to_dict("records")
    assert w["row"] == 4 and w["household_id"] == "H1"
    assert "identical to row 3" in w["reason_en"] and "第 3 行完全相同" in w["reason_zh"]
    assert "乙" not in w["values"] and b not in w["values"]


def test_person_in_two_households_refuses_both_with_the_reason(tmp_path):
    a, b, c = _people()
    rows = [
        ["新屋村", "H1", "01", "甲", a, 2, "户主", "低保户", "0"],
        ["新屋村", "H1", "02", "乙", b, 2, "配偶", "低保户", "0"],
        ["新屋村", "H2", "01", "乙", b, 1, "户主", "低保户", "0"],
        ["新屋村", "H3", "01", "丙", c, 1, "户主", "低保户", "0"],
    ]
    result = read_register(_csv(tmp_path / "t.csv", rows), villages=make.VILLAGES, id_key=KEY)
    assert list(result.frame["household_id"]) == ["H3"]
    assert list(result.rejected["row"]) == [2, 3, 4]
    assert all("listed in households H1, H2" in r for r in result.rejected["reason_en"])
    assert b not in result.rejected.to_csv()


def test_size_disagreeing_with_person_rows_is_a_warning_line(tmp_path):
    a, b, _ = _people()
    rows = [
        ["新屋村", "H1", "01", "甲", a, 3, "户主", "低保户", "0"],
        ["新屋村", "H1", "02", "乙", b, 3, "配偶", "低保户", "0"],
    ]
    result = read_register(_csv(tmp_path / "s.csv", rows), villages=make.VILLAGES, id_key=KEY)
    assert result.rejected.empty and result.frame.loc[0, "size"] == 3
    (w,) = result.warnings.to_dict("records")
    assert w["row"] == 2 and "3 kept" in w["reason_en"] and "2 person rows" in w["reason_en"]


# ----------------------------------------------------------------------------- same-name villages
WS_VILLAGES = pd.DataFrame(
    {
        "name": ["太平村", "新屋村", "太平村"],
        "code": ["360722102208", "360722102201", "360722105201"],
    }
)
TOWNSHIPS = {"360722102": "古陂镇", "360722105": "大塘埠镇"}


def test_same_name_villages_are_told_apart_by_township_and_code(tmp_path):
    header = ["乡(镇)", "行政村", "户编号", "人数", "贫困户属性", "脱贫属性"]
    rows = [
        ["古陂镇", "太平村", "V1", 1, "低保户", "0"],
        ["大塘埠", "太平", "V2", 1, "低保户", "0"],
        ["360722105", "太平村", "V4", 1, "低保户", "0"],
        ["古陂镇", "新屋村", "V5", 1, "低保户", "0"],
        ["大塘埠镇", "新屋村", "V6", 1, "低保户", "0"],
    ]
    path = tmp_path / "v.csv"
    path.write_bytes(pd.DataFrame(rows, columns=header).to_csv(index=False).encode("utf-8"))
    result = read_register(path, villages=WS_VILLAGES, townships=TOWNSHIPS, id_key=KEY)
    f = _hh(result)
    assert f.loc["V1", "village_code"] == "360722102208"
    assert f.loc["V2", "village_code"] == "360722105201"
    assert f.loc["V4", "village_code"] == "360722105201"
    assert f.loc["V5", "village_code"] == "360722102201"
    (v6,) = result.rejected.to_dict("records")
    assert v6["household_id"] == "V6"
    assert "古陂镇" in v6["reason_zh"] and "大塘埠镇" in v6["reason_zh"]
    # no township column: an ambiguous name is refused with the candidates (names and codes)
    p3 = tmp_path / "n.csv"
    p3.write_bytes(
        pd.DataFrame([r[1:] for r in rows[:1]], columns=header[1:]).to_csv(index=False).encode()
    )
    result = read_register(p3, villages=WS_VILLAGES, townships=TOWNSHIPS, id_key=KEY)
    (v3,) = result.rejected.to_dict("records")
    assert "360722102208" in v3["reason_zh"] and "360722105201" in v3["reason_zh"]
    assert "大塘埠镇" in v3["reason_zh"] and "names several villages" in v3["reason_en"]
    # with a 村代码 the name needs no township
    header2 = ["行政村", "村代码", "户编号", "人数", "贫困户属性", "脱贫属性"]
    p2 = tmp_path / "c.csv"
    p2.write_bytes(
        pd.DataFrame([["太平村", "360722105201", "W1", 1, "低保户", "0"]], columns=header2)
        .to_csv(index=False)
        .encode("utf-8")
    )
    result = read_register(p2, villages=WS_VILLAGES, townships=TOWNSHIPS, id_key=KEY)
    assert result.rejected.empty and result.frame.loc[0, "village_code"] == "360722105201"


# ----------------------------------------------------------------------------- file-level refusals
def test_a_missing_required_column_is_one_message_with_the_columns_line(tmp_path):
    header = ["行政村", "户编号", "人数", "脱贫属性", "户属性类别"]
    rows = [["新屋村", f"H{i}", 1, "0", "低保户"] for i in range(20)]
    path = tmp_path / "m.csv"
    path.write_bytes(pd.DataFrame(rows, columns=header).to_csv(index=False).encode("utf-8"))
    with pytest.raises(ImportFailed) as err:
        read_register(path, villages=make.VILLAGES, id_key=KEY)
    assert "no category column" in err.value.en
    assert "户属性类别,category" in err.value.en  # the --columns line that maps it
    result = read_register(
        path, villages=make.VILLAGES, id_key=KEY, columns={"户属性类别": "category"}
    )
    assert result.rejected.empty and len(result.frame) == 20


@pytest.mark.parametrize("name", ["jdlk_2016_2020.xlsx", "fpfjc_2024_gbk.csv"])
def test_cli_imports_a_real_export_with_a_note_per_column_kept(files, name, demo_copy, tmp_path):
    from township_atlas.cli import main
    from township_atlas.geo.workspace import read_workspace

    ws = demo_copy
    report = tmp_path / "report.csv"
    args = ["import", "households", str(files[name]), str(ws), "--json", "--report", str(report)]
    code = main(args)
    assert code == 0
    after = read_workspace(ws)
    assert after["members"]["household_id"].isin(after.households["household_id"]).all()
    read = read_register(files[name], villages=make.VILLAGES, id_key=KEY)
    imported = after["members"][after["members"]["household_id"].isin(read.frame["household_id"])]
    assert len(imported) == len(read.members)  # every person of the file, in one transaction
    assert not report.exists()  # nothing refused, nothing merged: no report to write


def test_every_recognised_register_column_gets_a_note(read):
    result = read["jdlk_2016_2020.xlsx"]
    said = [zh for zh, _ in result.notes if zh.startswith("列「")]
    assert len(said) == len(result.columns_found)
    assert any("在校生状况」→ 家庭成员·在校生状况" in z for z in said)
    assert any("姓名」：个人信息，不保存" in z for z in said)
