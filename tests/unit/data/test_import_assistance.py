"""Importing the assistance (帮扶) tables: cadres, pairings, teams, visits, measures, projects
and exit plans, worded as the national system and township offices word them.

Every test imports into a copy of the minimal workspace (tests/support/workspaces.py: villages
新屋村 360722102201 and 李田村 360722102202, households H1–H4).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from shapely.geometry import Point

from tests.support.import_results import notes as _notes
from tests.support.import_results import reasons as _reasons
from tests.support.import_results import write_csv as _csv
from township_atlas.data.importing import KINDS
from township_atlas.data.importing.errors import ImportFailed
from township_atlas.data.importing.run import ASSISTANCE_IMPORT_KINDS, import_table
from township_atlas.data.importing.table_dates import iso_date
from township_atlas.data.importing.tables import mappable_fields, read_table, rows_to_layer
from township_atlas.data.importing.templates import template_file
from township_atlas.geo.history import CREATED, ROW
from township_atlas.geo.schema import IMPORT_KINDS
from township_atlas.geo.workspace import read_workspace

XINWU, LITIAN = "360722102201", "360722102202"


def synthetic_id(body17: str) -> str:
    """A made-up 18-character ID number whose check character fits (GB 11643)."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(body17))
    return body17 + "10X98765432"[total % 11]


#: A made-up ID number the personal guard recognises (no real person).
ID_NUMBER = synthetic_id("11010119800101001")

#: A 帮扶责任人 list as the national system exports it: one row per household, with the
#: household head's name and ID and the cadre's phone (never to be stored). 李明 helps two
#: households, so the cadres import takes him once; H9 is not in the register.
NATIONAL = f"""户编号,户主姓名,证件号码,帮扶责任人,帮扶单位,职务,联系电话
H1,甲某,{ID_NUMBER},李明,县财政局,科员,13800000000
H2,乙某,{ID_NUMBER},李明,县财政局,科员,13800000000
H3,丙某,,陈红,县教育局,副局长,13900000000
H9,丁某,,陈红,县教育局,副局长,13900000000
"""


@pytest.fixture
def ws_path(minimal_workspace: Path, tmp_path: Path) -> Path:
    path = tmp_path / "ws.gpkg"
    path.write_bytes(minimal_workspace.read_bytes())
    return path


def _history(path: Path, layer: str) -> pd.DataFrame:
    history = read_workspace(path)["history"]
    return history[history["layer"] == layer]


def _with_cadres(ws_path: Path, tmp_path: Path) -> dict[str, str]:
    """Import the national list as cadres; cadre name -> the id it got."""
    out = import_table(ws_path, _csv(tmp_path, "cadres.csv", NATIONAL), "cadres")
    assert out.written and out.exit_code == 0
    cadres = read_workspace(ws_path)["cadres"]
    return dict(zip(cadres["cadre_name"], cadres["cadre_id"], strict=True))


# ----------------------------------------------------------------------------- the registry
def test_the_seven_kinds_are_registered_after_roads():
    kinds = ("cadres", "pairings", "teams", "visits", "measures", "projects", "exit_plans")
    after_roads = IMPORT_KINDS[IMPORT_KINDS.index("roads") + 1 :]
    assert after_roads[: len(kinds)] == kinds == ASSISTANCE_IMPORT_KINDS
    assert KINDS["teams"].layer == "village_teams" and not KINDS["projects"].drawn
    assert all(KINDS[k].zh and KINDS[k].en for k in kinds)


@pytest.mark.parametrize(
    ("kind", "field"),
    [(k, f) for k in ASSISTANCE_IMPORT_KINDS for f, _, _ in mappable_fields(k)],
)
def test_every_mappable_field_is_a_valid_mapping_target(tmp_path, kind, field):
    other = next(f for f, _, _ in mappable_fields(kind) if f != field)
    src = _csv(tmp_path, "t.csv", "甲列,乙列\n1,2\n")
    read = read_table(src, kind, columns={"甲列": field, "乙列": other})
    assert read.columns_found == {"甲列": field, "乙列": other}
    assert field in read.data.columns


def test_pseudo_fields_of_assistance_tables():
    fields = {k: [f for f, _, _ in mappable_fields(k)] for k in ASSISTANCE_IMPORT_KINDS}
    assert {"cadre", "cadre_unit"} <= set(fields["pairings"]) and "cadre_id" not in fields["visits"]
    assert "village" in fields["teams"] and "village" not in fields["visits"]
    assert {"longitude", "latitude"} <= set(fields["projects"])
    assert not {"longitude", "latitude"} & set(fields["measures"])


# ----------------------------------------------------------------------------- dates
@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2024-03-05", "2024-03-05"),
        ("2024/3/5", "2024-03-05"),
        ("2024.3.5", "2024-03-05"),
        ("2024年3月5日", "2024-03-05"),
        ("２０２４年３月５日", "2024-03-05"),  # full-width digits
        ("20240305", "2024-03-05"),
        ("2024-03-05T00:00:00", "2024-03-05"),  # an Excel datetime cell
        ("45356", "2024-03-05"),  # an Excel date serial: 45356 days after 1899-12-30
        ("3/5/2024", None),  # day and month order a guess
        ("2024-03", None),
        ("2024-02-30", None),
        ("2204-03-05", None),  # past 2100: a typo
        ("上周", None),
    ],
)
def test_dates_as_offices_write_them(text, iso):
    assert iso_date(text) == iso


# ----------------------------------------------------------------------------- cadres
def test_cadres_from_a_national_export_keep_no_phone_nor_household_data(ws_path, tmp_path):
    out = import_table(ws_path, _csv(tmp_path, "cadres.csv", NATIONAL), "cadres")
    # four rows, two cadres: 李明 and 陈红 each repeat on the row of a second household
    assert (out.taken, len(out.rejected), out.written, out.exit_code) == (2, 0, True, 0)
    notes = _notes(out)
    assert "个人信息列不保存" in notes
    assert all(h in notes for h in ("户主姓名", "证件号码", "联系电话"))
    assert "2 行与前面的行完全相同" in notes and "C- 开头" in notes
    assert "未识别" not in notes  # 户编号 is known in a cadres list: not "unrecognised"
    assert "cadre_name" not in out.sample.columns  # names are not shown in the preview
    cadres = read_workspace(ws_path)["cadres"].set_index("cadre_name")
    assert sorted(cadres.index) == ["李明", "陈红"]
    assert cadres.loc["李明", "unit"] == "县财政局" and cadres.loc["陈红", "post"] == "副局长"
    assert cadres["cadre_id"].str.startswith("C-").all()
    stored = " ".join(map(str, cadres.reset_index().to_numpy().ravel()))
    assert "138" not in stored and "甲某" not in stored and ID_NUMBER not in stored
    added = _history(ws_path, "cadres")
    assert (list(added["field"]), set(added["new_value"])) == ([ROW, ROW], {CREATED})

    again = import_table(ws_path, _csv(tmp_path, "cadres.csv", NATIONAL), "cadres")
    assert again.unchanged and not again.written and again.taken == 2
    assert len(_history(ws_path, "cadres")) == 2


def test_a_household_head_name_mapped_to_a_cadre_is_refused(ws_path, tmp_path):
    src = _csv(tmp_path, "c.csv", NATIONAL)
    with pytest.raises(ImportFailed) as failed:
        import_table(ws_path, src, "cadres", columns={"户主姓名": "cadre_name"})
    assert "户主姓名" in failed.value.zh and "个人信息" in failed.value.zh
    assert read_workspace(ws_path)["cadres"].empty


# ----------------------------------------------------------------------------- pairings
def test_pairings_by_cadre_name_with_rejected_rows(ws_path, tmp_path):
    ids = _with_cadres(ws_path, tmp_path)
    text = NATIONAL + "H4,戊某,,王二,县水利局,科员,13700000000\n"
    src = _csv(tmp_path, "pairings.csv", text)
    out = import_table(ws_path, src, "pairings")
    assert (out.taken, len(out.rejected), out.written, out.exit_code) == (3, 2, False, 3)
    reasons = _reasons(out)
    assert (
        "「H9」不在建档立卡户中" in reasons[5][0]
        and "not in the household register" in (reasons[5][1])
    )
    assert "「王二」不在帮扶责任人名单中" in reasons[6][0] and "import cadres" in reasons[6][1]
    assert "联系电话" in _notes(out)  # dropped with the note, not refused
    assert read_workspace(ws_path)["pairings"].empty  # nothing written without accepting

    out = import_table(ws_path, src, "pairings", accept_partial=True)
    assert out.written and out.exit_code == 3
    pairs = read_workspace(ws_path)["pairings"].set_index("household_id")["cadre_id"]
    assert pairs.to_dict() == {"H1": ids["李明"], "H2": ids["李明"], "H3": ids["陈红"]}
    history = _history(ws_path, "pairings")
    assert sorted(history["record_key"]) == ["H1", "H2", "H3"]

    again = import_table(ws_path, src, "pairings", accept_partial=True)
    assert again.unchanged and not again.written
    assert len(_history(ws_path, "pairings")) == 3


def test_namesakes_are_told_apart_by_unit_or_refused(ws_path, tmp_path):
    cadres = "帮扶责任人姓名,帮扶单位\n李明,县财政局\n李明,县教育局\n"
    assert import_table(ws_path, _csv(tmp_path, "c.csv", cadres), "cadres").written
    ids = read_workspace(ws_path)["cadres"].set_index("unit")["cadre_id"]

    by_name = _csv(tmp_path, "p.csv", "户编号,帮扶责任人姓名\nH1,李明\n")
    out = import_table(ws_path, by_name, "pairings")
    assert out.taken == 0 and "有 2 人同名" in _reasons(out)[2][0]

    with_unit = _csv(
        tmp_path, "p2.csv", "户编号,帮扶责任人,帮扶单位,结对时间\nH1,李明,县教育局,2016-05\n"
    )
    out = import_table(ws_path, with_unit, "pairings")
    assert out.exit_code == 0 and out.written
    row = read_workspace(ws_path)["pairings"].iloc[0]
    assert (row["cadre_id"], row["since_year"]) == (ids["县教育局"], 2016)


# ----------------------------------------------------------------------------- visits
VISITS = """走访编号,户编号,走访日期,走访人,走访内容
,H1,2024年3月5日,李明,了解生产情况
,H2,2024/3/6,李明,送慰问品
,H3,2024.3.7,,
,H4,20240308,陈红,
,H1,3/5/2024,李明,日月顺序不明
,H2,2024-02-30,李明,没有这一天
"""


def test_visits_with_dates_in_every_form(ws_path, tmp_path):
    ids = _with_cadres(ws_path, tmp_path)
    src = _csv(tmp_path, "visits.csv", VISITS)
    out = import_table(ws_path, src, "visits", accept_partial=True)
    assert (out.taken, len(out.rejected), out.written) == (4, 2, True)
    reasons = _reasons(out)
    assert "走访日期「3/5/2024」不是日期" in reasons[6][0] and "not a date" in reasons[6][1]
    assert "2024年3月5日" in reasons[7][0]  # says which forms are read
    visits = read_workspace(ws_path)["visits"].set_index("household_id")
    assert visits["visit_date"].to_dict() == {
        "H1": "2024-03-05",
        "H2": "2024-03-06",
        "H3": "2024-03-07",
        "H4": "2024-03-08",
    }
    assert visits.loc["H1", "cadre_id"] == ids["李明"] and pd.isna(visits.loc["H3", "cadre_id"])
    assert visits["visit_id"].str.startswith("V-").all()
    # a visit counts from its own date, not the day of the import
    history = _history(ws_path, "visits").set_index("record_key")["changed_at"]
    assert sorted(history) == ["2024-03-05", "2024-03-06", "2024-03-07", "2024-03-08"]

    again = import_table(ws_path, src, "visits", accept_partial=True)
    assert again.unchanged and len(read_workspace(ws_path)["visits"]) == 4


def test_visits_from_excel_date_cells(ws_path, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["户编号", "走访日期", "走访内容"])
    sheet.append(["H1", dt.date(2024, 3, 5), "入户"])
    sheet.append(["H2", dt.datetime(2024, 3, 6, 0, 0), "入户"])
    sheet.append(["H3", 45357, "入户"])  # a date column that lost its format: 2024-03-06
    path = tmp_path / "visits.xlsx"
    book.save(path)
    out = import_table(ws_path, path, "visits")
    assert out.exit_code == 0 and "Excel 日期序号" in _notes(out)
    dates = read_workspace(ws_path)["visits"].set_index("household_id")["visit_date"]
    assert dates.to_dict() == {"H1": "2024-03-05", "H2": "2024-03-06", "H3": "2024-03-06"}


@pytest.mark.parametrize(
    "note", ["已电话联系 138 0000 0000", f"核对身份证{ID_NUMBER}", "+8613900000000", ID_NUMBER]
)
def test_a_note_with_a_phone_or_id_number_refuses_the_file(ws_path, tmp_path, note):
    text = f"户编号,走访日期,走访内容\nH1,2024-03-05,入户了解情况\nH2,2024-03-06,{note}\n"
    with pytest.raises(ImportFailed) as failed:
        import_table(ws_path, _csv(tmp_path, "v.csv", text), "visits")
    assert "走访内容" in failed.value.zh and "第 3 行" in failed.value.zh
    assert note not in failed.value.zh and note not in failed.value.en  # row numbers only
    assert read_workspace(ws_path)["visits"].empty


# ----------------------------------------------------------------------------- measures
def test_measures_in_the_national_wordings(ws_path, tmp_path):
    text = """户编号,帮扶措施,实施年度,帮扶金额,落实情况
H1,产业扶持,2024,5000,已落实
H2,教育扶持类,2024,1.2万元,实施中
H3,产业扶持类,2023,,计划
H4,火箭,2024,,计划
H1,健康扶贫,2024,800元,不知道
"""
    out = import_table(ws_path, _csv(tmp_path, "m.csv", text), "measures", accept_partial=True)
    assert (out.taken, len(out.rejected)) == (3, 2)
    reasons = _reasons(out)
    assert "措施类型「火箭」不是可选的值" in reasons[5][0] and "产业、就业" in reasons[5][0]
    assert "落实情况「不知道」" in reasons[6][0]
    measures = read_workspace(ws_path)["measures"].set_index("household_id")
    assert measures["measure_type"].to_dict() == {"H1": "产业", "H2": "教育", "H3": "产业"}
    assert measures.loc["H1", "status"] == "已完成" and measures.loc["H1", "amount"] == 5000
    assert measures.loc["H2", "amount"] == 12000  # 1.2万元 in 元
    assert measures["measure_id"].str.startswith("M-").all()
    history = _history(ws_path, "measures")["changed_at"]
    assert sorted(history) == ["2023-01-01", "2024-01-01", "2024-01-01"]


def test_a_status_file_updates_measures_by_id(ws_path, tmp_path):
    first = "措施编号,户编号,措施类型,年度,落实情况\nM1,H1,产业,2024,计划\n"
    assert import_table(ws_path, _csv(tmp_path, "a.csv", first), "measures").written
    update = _csv(tmp_path, "b.csv", "措施编号,落实情况\nM1,已完成\n")
    out = import_table(ws_path, update, "measures")
    assert out.written and "更新 1 项措施" in out.changes[0]
    row = read_workspace(ws_path)["measures"].iloc[0]
    assert (row["measure_type"], row["status"]) == ("产业", "已完成")
    changed = _history(ws_path, "measures")
    changed = changed[changed["field"] == "status"]
    assert (changed["old_value"].iloc[0], changed["new_value"].iloc[0]) == ("计划", "已完成")


# ----------------------------------------------------------------------------- projects
def test_projects_placed_by_coordinates_or_village(ws_path, tmp_path):
    head = "项目名称,所在行政村,项目类型,实施年度,计划投资(万元),已支出,受益户数,受益贫困户数"
    text = (
        head
        + """,项目状态,经度,纬度
光伏电站,新屋村,光伏扶贫,2019,120,110,50,20,已竣工,115.05,25.35
蔬菜合作社,李田村,农民专业合作社,2020,30,,10,5,在建,,
养殖基地,李田村,产业发展,2020,30,,10,15,建设中,,
"""
    )
    out = import_table(ws_path, _csv(tmp_path, "p.csv", text), "projects", accept_partial=True)
    assert (out.taken, len(out.rejected)) == (2, 1)
    assert _reasons(out)[4][0] == "受益贫困户数大于受益户数"
    assert "代表点" in _notes(out)  # the cooperative has no coordinates
    projects = read_workspace(ws_path)["projects"].set_index("name")
    assert projects.loc["光伏电站", "project_type"] == "光伏"
    assert projects.loc["光伏电站", "status"] == "完工"
    assert projects.loc["光伏电站"].geometry.equals(Point(115.05, 25.35))
    assert projects.loc["蔬菜合作社", "project_type"] == "合作社"
    assert projects.loc["蔬菜合作社", "village_code"] == LITIAN
    village = read_workspace(ws_path).villages.set_index("code").loc[LITIAN].geometry
    assert projects.loc["蔬菜合作社"].geometry.within(village)


# ----------------------------------------------------------------------------- teams, plans
def test_teams_and_exit_plans(ws_path, tmp_path):
    teams = """行政村,进驻时间,派出单位,第一书记姓名,工作队人数,撤离日期
新屋村,2018-03-01,县财政局,周某,3,2021/5/1
360722102202,2021年5月1日,县教育局,吴某,2,
李田村,2022-05-01,县教育局,吴某,2,2020-01-01
"""
    out = import_table(ws_path, _csv(tmp_path, "t.csv", teams), "teams", accept_partial=True)
    assert (out.taken, len(out.rejected)) == (2, 1)
    assert "撤离日期 2020-01-01 早于进驻日期 2022-05-01" in _reasons(out)[4][0]
    assert "first_secretary" not in out.sample.columns
    stored = read_workspace(ws_path)["village_teams"].set_index("village_code")
    assert stored.loc[XINWU, "end_date"] == "2021-05-01"
    assert stored.loc[LITIAN, "start_date"] == "2021-05-01"
    assert stored.loc[LITIAN, "first_secretary"] == "吴某"  # a 第一书记's name is kept
    assert pd.isna(stored.loc[LITIAN, "end_date"])

    plans = "户编号,计划脱贫年份\nH1,2019\nH2,2020年\nH3,明年\n"
    out = import_table(ws_path, _csv(tmp_path, "e.csv", plans), "exit_plans", accept_partial=True)
    assert (out.taken, len(out.rejected)) == (2, 1) and "明年" in _reasons(out)[4][0]
    years = read_workspace(ws_path)["exit_plans"].set_index("household_id")["plan_year"]
    assert years.to_dict() == {"H1": 2019, "H2": 2020}


def test_the_cli_imports_an_assistance_kind(ws_path, tmp_path, run_cli):
    src = _csv(tmp_path, "plans.csv", "户编号,计划脱贫年度\nH1,2019\nH9,2020\n")
    code, out, _ = run_cli("import", "exit_plans", str(src), str(ws_path), "--json")
    data = json.loads(out)
    assert (code, data["taken"], data["rejected"], data["written"]) == (3, 1, 1, False)
    assert "H9" in data["first_rejections"][0]["reason_zh"]


# ----------------------------------------------------------------------------- templates
def test_every_assistance_template_imports_into_its_workspace(ws_path, tmp_path):
    """The cadres template first (its cadre is the one the others name), then each other
    kind's template made for the workspace: every example row taken."""
    for kind in ASSISTANCE_IMPORT_KINDS:
        name, data, _ = template_file(kind, workspace=read_workspace(ws_path))
        path = tmp_path / name
        path.write_bytes(data)
        assert list(read_table(path, kind).unrecognised) == [], kind
        out = import_table(ws_path, path, kind)
        assert (out.exit_code, out.taken, len(out.rejected)) == (0, 1, 0), (kind, out.rejected)
    ws = read_workspace(ws_path)
    assert ws["pairings"]["cadre_id"].tolist() == ws["cadres"]["cadre_id"].tolist()
    assert ws["visits"]["household_id"].tolist() == ["H1"]


def test_generic_templates_name_the_households_and_cadres_templates_examples(tmp_path):
    """Without a workspace the examples name 示例-0001 and 示例-C01, read as written."""
    for kind in ("pairings", "visits"):
        name, data, _ = template_file(kind)
        path = tmp_path / name
        path.write_bytes(data)
        read = read_table(path, kind)
        row = read.data.iloc[0]
        assert (row["household_id"], row["cadre"]) == ("示例-0001", "示例-C01")
        rows = rows_to_layer(read, kind, _no_villages())  # neither names a village
        assert not rows.rejected and rows.frame["cadre_id"].tolist() == ["示例-C01"]


def _no_villages():
    import geopandas as gpd

    return gpd.GeoDataFrame({"code": [], "name": []}, geometry=[], crs="EPSG:4326")
