"""Importing the county commerce bureau's yearly station reports (网点运营情况, kind
``operations``): stations by id or by name, the year from a column or the title, sales in
万元 or 元, every change in the history, unknown stations rejected with the reason.

Every test imports into a copy of a tiny workspace: the minimal one (tests/support/
workspaces.py: villages 新屋村 360722102201 and 李田村 360722102202, clinic F1) with five
e-commerce stations added below.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from tests.support.import_results import notes as _notes
from tests.support.import_results import reasons as _reasons
from tests.support.import_results import write_csv as _csv
from tests.support.workspaces import minimal_layers
from township_atlas.data.importing import KINDS
from township_atlas.data.importing.errors import ImportFailed
from township_atlas.data.importing.run import OPERATIONS_IMPORT_KINDS, import_table
from township_atlas.data.importing.tables import mappable_fields, read_table
from township_atlas.data.importing.templates import template_file
from township_atlas.geo.history import CREATED, ROW
from township_atlas.geo.schema import IMPORT_KINDS
from township_atlas.geo.workspace import read_workspace, write_workspace

pytestmark = pytest.mark.slow  # every test writes a workspace

XINWU, LITIAN = "360722102201", "360722102202"
WGS84 = "EPSG:4326"

#: The stations of the tiny workspace: a township centre, two village stations, two stations
#: both named 村级电商服务站 (one in each village), a planned one; with the clinic F1.
STATIONS = pd.DataFrame(
    {
        "facility_id": ["T1", "S1", "S2", "N1", "N2", "P1"],
        "kind": ["township_ecommerce", *["village_station"] * 5],
        "name": [
            "古陂镇电商服务中心",
            "新屋村电商服务站",
            "李田村电商服务站",
            "村级电商服务站",
            "村级电商服务站",
            "规划电商服务站",
        ],
        "village_code": [XINWU, XINWU, LITIAN, XINWU, LITIAN, LITIAN],
        "status": ["existing"] * 5 + ["planned"],
        "opened_year": [2016, 2017, 2018, 2019, 2019, None],
    }
)


@pytest.fixture(scope="module")
def station_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    layers = minimal_layers()
    points = [Point(115.05, 25.35 + i / 1000) for i in range(len(STATIONS))]
    added = gpd.GeoDataFrame(STATIONS, geometry=points, crs=WGS84)
    layers["facilities"] = gpd.GeoDataFrame(
        pd.concat([layers["facilities"], added], ignore_index=True), crs=WGS84
    )
    path = tmp_path_factory.mktemp("stations") / "ws.gpkg"
    write_workspace(path, layers)
    return path


@pytest.fixture
def ws_path(station_workspace: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(station_workspace, tmp_path / "ws.gpkg"))


def _operations(path: Path) -> pd.DataFrame:
    ops = read_workspace(path)["station_operations"]
    return ops.set_index(ops["facility_id"] + "/" + ops["year"].astype(str))


def _history(path: Path) -> pd.DataFrame:
    history = read_workspace(path)["history"]
    return history[history["layer"] == "station_operations"]


# ----------------------------------------------------------------------------- the registry
def test_operations_is_the_last_kind_and_fills_the_operations_layer():
    assert IMPORT_KINDS[-1] == "operations" and OPERATIONS_IMPORT_KINDS == ("operations",)
    kind = KINDS["operations"]
    assert (kind.layer, kind.drawn, kind.zh) == ("station_operations", False, "网点运营情况")


@pytest.mark.parametrize("field", [f for f, _, _ in mappable_fields("operations")])
def test_every_mappable_field_is_a_valid_mapping_target(tmp_path, field):
    other = next(f for f, _, _ in mappable_fields("operations") if f != field)
    src = _csv(tmp_path, "t.csv", "甲列,乙列\n1,2\n")
    read = read_table(src, "operations", columns={"甲列": field, "乙列": other})
    assert read.columns_found == {"甲列": field, "乙列": other}


# ----------------------------------------------------------------------------- the report
#: The bureau's report as offices send it: the year only in the title, stations by name, the
#: sales in 元, a manager's name and phone, a total row; a clinic and an unknown station.
REPORT = """2024年度村级电商服务站运营情况统计表
序号,乡镇,站点名称,运营状态,助理员人数,收件量,发件量,农产品网销额(元),服务贫困户数,带动贫困户数,培训人次,户均增收(元),站长姓名,联系电话
1,古陂镇,新屋村电商服务站,正常运营,2,5000,3000,452000,30,12,40,1200,张某,13800000000
2,古陂镇,李田村电商服务站,停业,1,100,50,0,5,0,0,,李某,13900000000
3,古陂镇,古陂镇电商服务中心,,3,20000,15000,1234500,80,25,120,1500,,
4,古陂镇,不存在服务站,运营,1,1,1,1,1,1,1,1,,
5,古陂镇,新屋村卫生室,运营,1,1,1,1,1,1,1,1,,
合计,,,,7,25101,18051,1686501,116,38,161,,,
"""


def test_the_bureaus_report_by_name_with_the_year_of_its_title(ws_path, tmp_path):
    src = _csv(tmp_path, "report.csv", REPORT)
    out = import_table(ws_path, src, "operations")
    assert (out.taken, len(out.rejected), out.written, out.exit_code) == (3, 2, False, 3)
    reasons = _reasons(out)
    assert "「不存在服务站」不在工作空间的电商网点中" in reasons[6][0]
    assert "import stations" in reasons[6][1] and "not one of the workspace's" in reasons[6][1]
    assert "「新屋村卫生室」是村卫生室，不是电商网点" in reasons[7][0]
    assert "not an e-commerce station" in reasons[7][1]
    notes = _notes(out)
    assert "年度取自标题「2024年度村级电商服务站运营情况统计表」" in notes
    assert "「站长姓名」" in notes and "「联系电话」" in notes  # dropped, never kept
    assert "按表头单位 元 读取，换算为万元" in notes
    assert "1 行运营状态为空" in notes

    out = import_table(ws_path, src, "operations", accept_partial=True)
    assert out.written and out.exit_code == 3
    ops = _operations(ws_path)
    assert sorted(ops.index) == ["S1/2024", "S2/2024", "T1/2024"]
    assert ops.loc["S1/2024", "status"] == "运营"  # 正常运营
    assert ops.loc["S2/2024", "status"] == "暂停"  # 停业
    assert ops.loc["T1/2024", "status"] == "运营"  # empty: a new station-year is operating
    assert ops.loc["S1/2024", "sales_wan"] == pytest.approx(45.2)  # 452,000 元
    assert ops.loc["T1/2024", "sales_wan"] == pytest.approx(123.45)
    assert ops.loc["S1/2024", ["assistants", "parcels_in", "parcels_out"]].tolist() == [
        2,
        5000,
        3000,
    ]
    assert ops.loc["S1/2024", ["poor_served", "poor_selling", "trained"]].tolist() == [30, 12, 40]
    assert ops.loc["S1/2024", "income_gain"] == 1200 and pd.isna(ops.loc["S2/2024", "income_gain"])
    stored = " ".join(map(str, read_workspace(ws_path)["station_operations"].to_numpy().ravel()))
    assert "138" not in stored and "张某" not in stored
    added = _history(ws_path)
    assert sorted(added["record_key"]) == ["S1/2024", "S2/2024", "T1/2024"]
    assert set(added["field"]) == {ROW} and set(added["new_value"]) == {CREATED}
    assert set(added["changed_at"]) == {"2024-01-01"}  # from the start of the row's year

    again = import_table(ws_path, src, "operations", accept_partial=True)
    assert again.unchanged and not again.written
    assert len(_history(ws_path)) == 3


def test_a_second_report_changes_are_recorded_at_the_end_of_their_year(ws_path, tmp_path):
    first = (
        "站点编号,年度,运营状态,农产品网销额(万元),助理员人数\n"
        "S1,2024,运营,40,2\nS2,2024,运营,10,1\n"
    )
    assert import_table(ws_path, _csv(tmp_path, "a.csv", first), "operations").written
    # the bureau corrects 2024: S2 closed in October, S1 sold more; 2025 is new
    second = (
        "站点编号,年度,运营状态,关闭日期,农产品网销额(万元)\n"
        "S1,2024,运营,,42.5\nS2,2024,关闭,2024年10月8日,10\nS1,2025,运营,,50\n"
    )
    out = import_table(ws_path, _csv(tmp_path, "b.csv", second), "operations")
    assert out.exit_code == 0 and out.written
    assert "新增 1 条网点年度记录,更新 2 条网点年度记录" in out.changes[0]
    ops = _operations(ws_path)
    assert ops.loc["S2/2024", ["status", "status_date"]].tolist() == ["关闭", "2024-10-08"]
    assert ops.loc["S1/2024", "sales_wan"] == 42.5
    assert ops.loc["S1/2024", "assistants"] == 2  # the file has no assistants: kept
    changed = _history(ws_path)
    changed = changed[changed["field"] != ROW].set_index(["record_key", "field"])
    assert changed.loc[("S2/2024", "status"), ["old_value", "new_value"]].tolist() == [
        "运营",
        "关闭",
    ]
    assert changed.loc[("S1/2024", "sales_wan"), "new_value"] == "42.5"
    assert set(changed["changed_at"]) == {"2024-12-31"}  # a row of its own year


def test_a_station_by_id_else_by_name_and_namesakes_by_village(ws_path, tmp_path):
    text = (
        "站点编号,站点名称,所在行政村,年度,农产品网销额\n"
        "S1,随便写的名称,,2024,1\n"  # a known id wins over the name
        "XF-002,李田村电商服务站,,2024,2\n"  # the bureau's own id: found by name
        ",村级电商服务站,李田村,2024,3\n"  # namesakes told apart by the village
        ",村级电商服务站,,2024,4\n"  # namesakes without a village
        ",,,2024,5\n"  # no station at all
        "XF-009,,,2024,6\n"  # an unknown id without a name
    )
    out = import_table(ws_path, _csv(tmp_path, "ids.csv", text), "operations", accept_partial=True)
    assert (out.taken, len(out.rejected)) == (3, 3)
    reasons = _reasons(out)
    assert "有 2 个网点同名" in reasons[5][0] and "give the station's id" in reasons[5][1]
    assert reasons[6] == ("站点编号和站点名称都为空", "no station id nor name")
    assert "「XF-009」不在工作空间的电商网点中" in reasons[7][0]
    assert "1 行的站点编号不是工作空间中的网点编号，已按站点名称找到网点" in _notes(out)
    sales = _operations(ws_path)["sales_wan"].to_dict()
    assert sales == {"S1/2024": 1, "S2/2024": 2, "N2/2024": 3}


def test_rows_that_cannot_be_taken(ws_path, tmp_path):
    text = (
        "站点编号,年度,运营状态,状态变更日期,培训人次,收件量\n"
        "S1,2024,倒闭,,,\n"  # not a status
        "S1,2023,关闭,2024-03-01,,\n"  # a date outside the row's year
        "S2,2024,暂停营业,2024/5/1,12人次,1.2万件\n"  # read: units after the numbers
        "S2,2024,运营,,,\n"  # the same station and year again
        "P1,2024,运营,,,\n"  # a planned station: taken, with a note
    )
    out = import_table(ws_path, _csv(tmp_path, "bad.csv", text), "operations", accept_partial=True)
    reasons = _reasons(out)
    assert (out.taken, sorted(reasons)) == (2, [2, 3, 5])
    assert "运营状态「倒闭」不是可选的值（运营、暂停、关闭）" in reasons[2][0]
    assert reasons[3] == (
        "状态变更日期 2024-03-01 不在 2023 年度内",
        "status date 2024-03-01 is not in 2023",
    )
    assert reasons[5][0] == "与第 4 行是同一网点的同一年度"
    assert "P1 在设施表中为规划状态" in _notes(out)
    row = _operations(ws_path).loc["S2/2024"]
    assert (row["status"], row["status_date"], row["trained"], row["parcels_in"]) == (
        "暂停",
        "2024-05-01",
        12,
        12000,
    )


def test_a_units_row_under_the_header(ws_path, tmp_path):
    text = (
        "站点名称,年度,网络零售额,快递收件量,培训人次,户均增收\n"
        ",,（元）,（件）,（人次）,（元）\n"
        "新屋村电商服务站,2024,85000,3200,45,900\n"
    )
    out = import_table(ws_path, _csv(tmp_path, "u.csv", text), "operations")
    assert (out.exit_code, out.taken) == (0, 1) and "表头下一行为单位行" in _notes(out)
    row = _operations(ws_path).loc["S1/2024"]
    assert (row["sales_wan"], row["parcels_in"], row["trained"]) == (8.5, 3200, 45)


def test_no_station_column_nor_year_refuses_the_file(ws_path, tmp_path):
    with pytest.raises(ImportFailed) as failed:
        import_table(ws_path, _csv(tmp_path, "a.csv", "年度,运营状态\n2024,运营\n"), "operations")
    assert "网点（名称或编号）" in failed.value.zh and "网点编号" in failed.value.zh
    with pytest.raises(ImportFailed) as failed:
        import_table(ws_path, _csv(tmp_path, "b.csv", "站点名称,运营状态\n甲,运营\n"), "operations")
    assert "标题中也没有唯一的年份" in failed.value.zh
    assert read_workspace(ws_path)["station_operations"].empty


def test_the_cli_imports_a_report(ws_path, tmp_path, run_cli):
    src = _csv(tmp_path, "r.csv", "站点编号,年度,农产品网销额\nS1,2024,12\nX9,2024,3\n")
    code, out, _ = run_cli("import", "operations", str(src), str(ws_path), "--json")
    data = json.loads(out)
    assert (code, data["taken"], data["rejected"], data["written"]) == (3, 1, 1, False)
    assert "X9" in data["first_rejections"][0]["reason_zh"]


# ----------------------------------------------------------------------------- templates
def test_the_template_names_the_workspaces_first_station_and_imports(ws_path, tmp_path):
    name, data, _ = template_file("operations", workspace=read_workspace(ws_path))
    path = tmp_path / name
    path.write_bytes(data)
    read = read_table(path, "operations")
    assert list(read.unrecognised) == []
    row = read.data.iloc[0]
    assert (row["facility_id"], row["station"], row["year"]) == ("T1", "古陂镇电商服务中心", "2024")
    out = import_table(ws_path, path, "operations")
    assert (out.exit_code, out.taken, len(out.rejected)) == (0, 1, 0)
    assert _operations(ws_path).loc["T1/2024", "sales_wan"] == 45.5


def test_the_generic_template_names_the_stations_templates_example(minimal_workspace, tmp_path):
    """Without a workspace the example is 示例-E01, the stations template's own example: the
    stations template, then the operations template, import into a workspace cleanly."""
    ws = Path(shutil.copy(minimal_workspace, tmp_path / "ws.gpkg"))
    villages = read_workspace(ws).villages
    for kind in ("stations", "operations"):
        name, data, _ = template_file(kind, villages)
        path = tmp_path / name
        path.write_bytes(data)
        out = import_table(ws, path, kind)
        assert (out.exit_code, out.taken) == (0, 1), kind
    assert _operations(ws).index.tolist() == ["示例-E01/2024"]
