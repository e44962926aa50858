"""Importing facilities, stations, relocation sites and indicators tables (CSV and Excel)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import Point

from township_atlas.cli import main
from township_atlas.geo.crs import to_metric
from township_atlas.geo.importing import import_table
from township_atlas.geo.read_vector import ImportFailed
from township_atlas.geo.workspace import read_workspace


@pytest.fixture
def ws_path(demo_path: Path, tmp_path: Path) -> Path:
    target = tmp_path / "ws.gpkg"
    shutil.copy(demo_path, target)
    return target


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


FACILITIES = """村级设施清单(2024),,,,,,,
编号,类型,名称,所在行政村,状态,建成年度,经度,纬度
N01,村卫生室,新卫生室,古陂村,现有,2019,115.10,25.33
,学校,新小学,360722102001,规划,,,
N03,村卫生室,坏村,不存在村,现有,2019,,
N04,火箭站,坏类型,古陂村,现有,2019,,
"""


def test_facilities_import_with_rejections_and_partial(ws_path, tmp_path):
    src = _csv(tmp_path / "fac.csv", FACILITIES)
    before = read_workspace(ws_path)["facilities"]
    out = import_table(ws_path, src, "facilities")
    assert (out.taken, len(out.rejected), out.written, out.exit_code) == (2, 2, False, 3)
    reasons = dict(zip(out.rejected["source_row"], out.rejected["reason_zh"], strict=True))
    assert "不存在村" in reasons[5] and "不在工作空间中" in reasons[5]
    assert "火箭站" in reasons[6] and "类型" in reasons[6]
    assert set(out.rejected.columns) >= {"source_row", "reason_zh", "reason_en"}
    assert len(read_workspace(ws_path)["facilities"]) == len(before)  # nothing written

    out = import_table(ws_path, src, "facilities", accept_partial=True)
    assert out.written and out.exit_code == 3
    fac = read_workspace(ws_path)["facilities"].set_index("facility_id")
    assert len(fac) == len(before) + 2
    assert fac.loc["N01", "kind"] == "clinic" and fac.loc["N01", "status"] == "existing"
    assert fac.loc["N01", "village_code"] == "360722102200"
    assert fac.loc["N01"].geometry.equals(Point(115.10, 25.33))
    gen = fac[fac["name"] == "新小学"]
    assert len(gen) == 1 and gen.index[0].startswith("F-")
    assert gen["status"].iloc[0] == "planned" and gen["kind"].iloc[0] == "school"
    assert any("WGS84" in zh for zh, _ in out.notes)
    assert any("代表点" in zh for zh, _ in out.notes)

    again = import_table(ws_path, src, "facilities", accept_partial=True)
    assert again.unchanged and not again.written
    assert read_workspace(ws_path)["facilities"].set_index("facility_id").index.equals(fac.index)


def test_village_anchor_is_inside_the_village(ws_path, tmp_path):
    src = _csv(tmp_path / "f.csv", "编号,类型,名称,所在行政村\nA1,村卫生室,锚点卫生室,古陂村\n")
    out = import_table(ws_path, src, "facilities")
    assert out.exit_code == 0 and out.written
    ws = read_workspace(ws_path)
    pt = ws["facilities"].set_index("facility_id").loc["A1"].geometry
    village = ws.villages.set_index("code").loc["360722102200"].geometry
    assert village.contains(pt)
    metric = to_metric(ws.villages[ws.villages["code"] == "360722102200"])
    expected = metric.representative_point().to_crs("EPSG:4326").iloc[0]
    assert pt.distance(expected) < 1e-9


def test_coordinates_update_an_existing_facility_and_blank_cells_keep_values(ws_path, tmp_path):
    fac = read_workspace(ws_path)["facilities"]
    old = fac.sort_values("status", ascending=False).iloc[0]  # a planned one if there is one
    src = _csv(
        tmp_path / "f.csv",
        f"编号,类型,名称,经度,纬度\n{old.facility_id},{old.kind},改名,115.0,25.3\n",
    )
    out = import_table(ws_path, src, "facilities")
    assert out.written, out.rejected
    new = read_workspace(ws_path)["facilities"].set_index("facility_id").loc[old.facility_id]
    assert new["name"] == "改名" and new.geometry.equals(Point(115.0, 25.3))
    assert new["status"] == old.status  # no 状态 column: the workspace's status is kept


def test_stations_without_kind_column_and_wrong_tier(ws_path, tmp_path):
    src = _csv(
        tmp_path / "s.csv",
        "站点名称,所在行政村,类型\n古陂村服务站,古陂村,\n卫生室冒充,古陂村,村卫生室\n",
    )
    out = import_table(ws_path, src, "stations")
    assert out.taken == 1 and len(out.rejected) == 1
    assert "电商" in out.rejected["reason_zh"].iloc[0]
    src2 = _csv(tmp_path / "s2.csv", "站点名称,所在行政村\n古陂村服务站,古陂村\n")
    out = import_table(ws_path, src2, "stations")
    assert out.written and out.exit_code == 0
    fac = read_workspace(ws_path)["facilities"]
    row = fac[fac["name"] == "古陂村服务站"]
    assert row["kind"].tolist() == ["village_station"]


def test_sites_from_excel(ws_path, tmp_path):
    path = tmp_path / "sites.xlsx"
    frame = pd.DataFrame(
        {
            "安置点名称": ["新集镇安置点", "超面积安置点"],
            "安置类型": ["集镇", "中心村"],
            "所在行政村": ["古陂村", "古陂村"],
            "设计容量": [40, 10],
            "计划搬迁户数": [30, 10],
            "计划搬迁人数": [100, 10],
            "已入住户数": [20, 0],
            "已入住人数": [70, 0],
            "建筑面积": [2400.0, 5000.0],
            "建设状态": ["建成", "在建"],
            "已拆旧复垦户数": [10, 0],
            "建成年度": [2019, None],
            "经度": [115.11, None],
            "纬度": [25.34, None],
        }
    )
    frame.to_excel(path, index=False)
    out = import_table(ws_path, path, "sites")
    assert out.taken == 1 and len(out.rejected) == 1
    assert "25" in out.rejected["reason_zh"].iloc[0]  # 25 m² per person cap
    out = import_table(ws_path, path, "sites", accept_partial=True)
    sites = read_workspace(ws_path)["relocation_sites"]
    new = sites[sites["name"] == "新集镇安置点"].iloc[0]
    assert new["site_id"].startswith("S-") and new["planned_persons"] == 100
    assert new.geometry.equals(Point(115.11, 25.34))
    assert import_table(ws_path, path, "sites", accept_partial=True).unchanged


def test_indicators_upsert_reject_bad_flag_and_reimport(ws_path, tmp_path):
    src = _csv(
        tmp_path / "ind.csv",
        "行政村,年度,通硬化路,通客运班车,安全饮水,生产生活用电,广播电视,通宽带,标准化卫生室,"
        "合格村医,文化活动室,危房户数,饮水不安全户数,村集体经济收入(万元)\n"
        "古陂村,2030,是,否,是,是,是,是,是,是,否,2,0,12.5\n"
        "360722102001,2030,是,是,也许,是,是,是,是,是,是,0,0,3\n"
        "无名村,2030,是,是,是,是,是,是,是,是,是,0,0,3\n",
    )
    out = import_table(ws_path, src, "indicators")
    assert (out.taken, len(out.rejected), out.exit_code) == (1, 2, 3)
    reasons = out.rejected.set_index("source_row")["reason_zh"]
    assert "安全饮水「也许」应为“是”或“否”" in reasons[3]
    assert "无名村" in reasons[4]
    out = import_table(ws_path, src, "indicators", accept_partial=True)
    ind = read_workspace(ws_path)["indicators"]
    row = ind[(ind["village_code"] == "360722102200") & (ind["year"] == 2030)].iloc[0]
    assert bool(row["road_hardened"]) and not bool(row["bus"]) and row["collective_income"] == 12.5
    assert import_table(ws_path, src, "indicators", accept_partial=True).unchanged

    # an existing village-year: only the columns the file has change
    old = ind[(ind["village_code"] == "360722102001") & (ind["year"] == 2014)].iloc[0]
    upd = _csv(tmp_path / "upd.csv", "村名,年份,危房户数\n古陂居委会,2014,9\n")
    out = import_table(ws_path, upd, "indicators")
    assert out.written and out.exit_code == 0
    ind = read_workspace(ws_path)["indicators"]
    new = ind[(ind["village_code"] == "360722102001") & (ind["year"] == 2014)].iloc[0]
    assert new["dangerous_houses"] == 9 and new["collective_income"] == old["collective_income"]
    assert len(ind) == len(read_workspace(ws_path)["indicators"])


def test_unrecognisable_file_is_fatal(ws_path, tmp_path):
    src = _csv(tmp_path / "x.csv", "a,b,c\n1,2,3\n")
    with pytest.raises(ImportFailed):
        import_table(ws_path, src, "indicators")


@pytest.mark.parametrize(
    ("text", "extra", "code"),
    [
        ("编号,类型,名称,所在行政村\nC1,村卫生室,好卫生室,古陂村\n", [], 0),
        (FACILITIES, [], 3),
        (FACILITIES, ["--accept-partial"], 3),
        ("foo,bar\n1,2\n", [], 2),
    ],
)
def test_cli_exit_codes(capsys, ws_path, tmp_path, text, extra, code):
    src = _csv(tmp_path / "in.csv", text)
    argv = ["import", "facilities", str(src), str(ws_path), "--json", *extra]
    assert main(argv) == code
    data = json.loads(capsys.readouterr().out)
    assert data["exit_code"] == code
    if code == 0:
        assert main(argv) == 0  # the same file again: unchanged
        assert json.loads(capsys.readouterr().out)["unchanged"] is True


def test_cli_report_lists_rejected_rows(ws_path, tmp_path, capsys):
    src = _csv(tmp_path / "in.csv", FACILITIES)
    report = tmp_path / "rej.csv"
    assert main(["import", "facilities", str(src), str(ws_path), "--report", str(report)]) == 3
    rows = pd.read_csv(report, encoding="utf-8-sig")
    assert rows["source_row"].tolist() == [5, 6]
    assert "未导入" in capsys.readouterr().out
