"""Importing facilities, stations, relocation sites and indicators tables (CSV and Excel)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from shapely.geometry import Point

from township_atlas.cli import main
from township_atlas.data.importing.errors import ImportFailed
from township_atlas.data.importing.run import import_table
from township_atlas.data.importing.tables import (
    TABLE_KINDS,
    keep_absent,
    mappable_fields,
    read_table,
    rows_to_layer,
)
from township_atlas.geo.crs import to_metric
from township_atlas.geo.workspace import read_workspace


@pytest.fixture
def ws_path(demo_copy: Path) -> Path:
    """The workspace these tests change: a private copy of the demo (``demo_copy``)."""
    return demo_copy


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


# ----------------------------------------------------------------------------- column mapping
def test_headers_lists_every_header_recognised_or_not(tmp_path):
    read = read_table(_csv(tmp_path / "fac.csv", FACILITIES), "facilities")
    assert read.headers == (
        "编号",
        "类型",
        "名称",
        "所在行政村",
        "状态",
        "建成年度",
        "经度",
        "纬度",
    )
    src = _csv(tmp_path / "f.csv", "名称,类型,负责人,,备注\n甲,村卫生室,张,,\n")
    assert read_table(src, "facilities").headers == ("名称", "类型", "负责人", "备注")


@pytest.mark.parametrize(
    ("kind", "field"),
    [(k, f) for k in TABLE_KINDS for f, _, _ in mappable_fields(k)],
)
def test_every_mappable_field_is_a_valid_mapping_target(tmp_path, kind, field):
    other = "name" if field != "name" and kind != "indicators" else "village"
    if kind == "indicators" and field == "village":
        other = "year"
    # 名称 is recognised by name, but the hand mapping wins for the field it names
    src = _csv(tmp_path / "t.csv", "名称,甲列,乙列\n古陂村,1,2\n")
    read = read_table(src, kind, columns={"甲列": field, "乙列": other})
    assert read.columns_found["甲列"] == field and read.columns_found["乙列"] == other
    assert field in read.data.columns


def test_mappable_fields_of_tables():
    fields = {k: [f for f, _, _ in mappable_fields(k)] for k in TABLE_KINDS}
    assert fields["facilities"][0] == "village" and "village_code" not in fields["facilities"]
    assert {"longitude", "latitude"} <= set(fields["sites"])
    assert not {"longitude", "latitude"} & set(fields["indicators"])
    assert all(zh and en for k in TABLE_KINDS for _, zh, en in mappable_fields(k))
    with pytest.raises(ImportFailed):
        mappable_fields("households")


def test_a_table_with_every_header_mapped_by_hand(demo_ws, tmp_path):
    src = _csv(
        tmp_path / "f.csv", "代号,种类,叫法,村子,E,N\nM1,村卫生室,映射卫生室,古陂村,115.1,25.33\n"
    )
    with pytest.raises(ImportFailed):
        read_table(src, "facilities")
    mapping = dict(zip(["代号", "种类", "叫法", "村子", "E", "N"], FIELDS_FACILITY, strict=True))
    read = read_table(src, "facilities", columns=mapping)
    rows = rows_to_layer(read, "facilities", demo_ws.villages)
    assert not rows.rejected
    row = rows.frame.iloc[0]
    assert (row["facility_id"], row["kind"], row["name"]) == ("M1", "clinic", "映射卫生室")
    assert row["village_code"] == "360722102200" and row.geometry.equals(Point(115.1, 25.33))


FIELDS_FACILITY = ["facility_id", "kind", "name", "village", "longitude", "latitude"]


# ----------------------------------------------------------------------------- outline check
def _fac_rows(demo_ws, tmp_path, lines: list[str], **kw):
    src = _csv(tmp_path / "far.csv", "编号,类型,名称,经度,纬度\n" + "\n".join(lines) + "\n")
    read = read_table(src, "facilities")
    return rows_to_layer(read, "facilities", demo_ws.villages, **kw)


def _reasons(rows, lang: int = 0) -> dict[int, str]:
    return {r: "；".join(n[lang] for n in v) for r, v in rows.rejected.items()}


def test_points_within_reach_of_the_township_are_taken_with_one_note(demo_ws, tmp_path):
    east = demo_ws.township.total_bounds[2]
    rows = _fac_rows(
        demo_ws,
        tmp_path,
        [
            "P1,村卫生室,镇内,115.10,25.33",
            f"P2,县级物流配送中心,县物流中心,{east + 0.15:.4f},25.30",  # ~15 km east
            f"P3,乡镇卫生院,县医院,{east + 0.10:.4f},25.30",
        ],
        outline=demo_ws.township,
    )
    assert not rows.rejected
    assert rows.frame.loc[3].geometry.equals(Point(round(east + 0.15, 4), 25.30))
    outside = [n for n in rows.notes if "乡镇界之外" in n[0]]
    assert len(outside) == 1 and outside[0][0].startswith("2 个点")
    assert "第 3、4 行" in outside[0][0] and "rows 3, 4" in outside[0][1]
    assert "county logistics centre" in outside[0][1]
    assert rows.crs_used == "EPSG:4326"


def test_points_beyond_reach_are_rejected_with_the_likely_cause(demo_ws, tmp_path):
    east = demo_ws.township.total_bounds[2]
    rows = _fac_rows(
        demo_ws,
        tmp_path,
        [
            f"F1,村卫生室,太远,{east + 0.6:.4f},25.30",  # ~60 km east
            "F2,村卫生室,填反,25.33,115.10",
            "F3,村卫生室,投影,38510000,2800000",
            "F4,村卫生室,好的,115.10,25.33",
        ],
    )
    zh, en = _reasons(rows), _reasons(rows, 1)
    assert set(zh) == {2, 3, 4}
    assert "超出 30 km" in zh[2] and "km from the township" in en[2]
    assert "经纬度列是否选对" in zh[2] and "WGS84 或 GCJ-02" in zh[2]
    assert "填反" in zh[3] and "swapped" in en[3]
    assert "不是经纬度" in zh[4] and "projected" in en[4]
    assert rows.frame.loc[5].geometry.equals(Point(115.10, 25.33))
    assert not [n for n in rows.notes if "乡镇界之外" in n[0]]  # the far ones are not counted


def test_degrees_minutes_seconds_written_as_decimals_are_recognised(demo_ws, tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    # a township at 115°50′E 25°50′N: 115.5000 written for 115°50′00″ is 33 km off
    outline = gpd.GeoDataFrame(geometry=[box(115.82, 25.82, 115.85, 25.85)], crs="EPSG:4326")
    rows = _fac_rows(demo_ws, tmp_path, ["D1,村卫生室,度分秒,115.5000,25.5000"], outline=outline)
    assert "度分秒" in _reasons(rows)[2] and "degrees-minutes-seconds" in _reasons(rows, 1)[2]


def test_the_township_outline_is_used_when_given_else_the_villages(demo_ws, tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    far_away = gpd.GeoDataFrame(geometry=[box(100.0, 30.0, 100.1, 30.1)], crs="EPSG:4326")
    line = ["O1,村卫生室,镇内,115.10,25.33"]
    assert not _fac_rows(demo_ws, tmp_path, line).rejected
    assert not _fac_rows(demo_ws, tmp_path, line, outline=demo_ws.township).rejected
    assert 2 in _fac_rows(demo_ws, tmp_path, line, outline=far_away).rejected
    empty = demo_ws.township.iloc[:0]
    assert not _fac_rows(demo_ws, tmp_path, line, outline=empty).rejected


def test_sites_are_checked_against_the_outline_too(demo_ws, tmp_path):
    src = _csv(
        tmp_path / "s.csv",
        "安置点名称,安置类型,经度,纬度\n远安置点,集镇,25.33,115.10\n近安置点,集镇,115.10,25.33\n",
    )
    rows = rows_to_layer(read_table(src, "sites"), "sites", demo_ws.villages)
    assert list(rows.rejected) == [2] and "填反" in _reasons(rows)[2]


def test_gcj02_table_points_are_shifted_then_checked(demo_ws, tmp_path):
    from township_atlas.geo.gcj02 import wgs84_to_gcj02

    x, y = wgs84_to_gcj02(115.10, 25.33)
    rows = _fac_rows(demo_ws, tmp_path, [f"G1,村卫生室,高德,{x:.8f},{y:.8f}"], crs="gcj02")
    assert not rows.rejected and rows.crs_used == "GCJ-02"
    assert rows.frame.iloc[0].geometry.distance(Point(115.10, 25.33)) < 1e-6


# ----------------------------------------------------------------------------- point files
def _points_frame(rows: list[dict], points: list, crs: str = "EPSG:4326"):
    import geopandas as gpd

    return gpd.GeoDataFrame(rows, geometry=points, crs="EPSG:4326").to_crs(crs)


def test_geojson_of_facilities_imports(ws_path, tmp_path):
    frame = _points_frame(
        [
            {"编号": "G1", "类型": "村卫生室", "名称": "矢量卫生室", "所在行政村": "古陂村"},
            {"编号": "G2", "类型": "学校", "名称": "矢量小学", "所在行政村": "古陂居委会"},
        ],
        [Point(115.10, 25.33), Point(115.12, 25.31)],
    )
    path = tmp_path / "facilities.geojson"
    frame.to_file(path, driver="GeoJSON")
    read = read_table(path, "facilities")
    assert read.headers == ("编号", "类型", "名称", "所在行政村") and read.geometry is not None
    assert read.what == "GeoJSON facilities.geojson"
    out = import_table(ws_path, path, "facilities")
    assert out.exit_code == 0 and out.written, out.rejected
    fac = read_workspace(ws_path)["facilities"].set_index("facility_id")
    assert fac.loc["G1", "kind"] == "clinic" and fac.loc["G2", "kind"] == "school"
    assert fac.loc["G1"].geometry.distance(Point(115.10, 25.33)) < 1e-9
    assert fac.loc["G2", "village_code"] == "360722102001"
    assert import_table(ws_path, path, "facilities").unchanged


def _gbk_gk_shapefile(folder: Path, points: list) -> Path:
    """Stations as a land office sends them: CGCS2000 3° Gauss-Krüger zone 38 (zone number in
    X), GBK attributes, and neither .prj nor .cpg."""
    import pyogrio

    frame = _points_frame(
        [
            {"名称": "测试甲电商服务站", "类型": "村级电商服务站", "所在行政村": "古陂村"},
            {"名称": "测试乙电商服务中心", "类型": "乡镇电商服务中心", "所在行政村": "古陂居委会"},
        ],
        points,
        crs="EPSG:4526",
    )
    folder.mkdir(exist_ok=True)
    shp = folder / "网点.shp"
    pyogrio.write_dataframe(frame, shp, encoding="GBK")
    for part in folder.iterdir():
        if part.suffix.lower() in (".prj", ".cpg"):
            part.unlink()
    assert "测试甲".encode("gbk") in (folder / "网点.dbf").read_bytes()
    return shp


def test_gauss_kruger_shapefile_of_stations_with_gbk_attributes(ws_path, tmp_path):
    points = [Point(115.10, 25.33), Point(115.05, 25.30)]
    shp = _gbk_gk_shapefile(tmp_path / "shp", points)
    read = read_table(shp, "stations")
    assert read.columns_found == {"名称": "name", "类型": "kind", "所在行政村": "village"}
    assert any("GBK" in zh for zh, _ in read.notes)
    out = import_table(ws_path, shp, "stations")
    assert out.exit_code == 0 and out.written, out.rejected
    assert any("38" in zh and "EPSG:4526" in zh for zh, _ in out.notes)
    fac = read_workspace(ws_path)["facilities"].set_index("name")
    for name, want in zip(["测试甲电商服务站", "测试乙电商服务中心"], points, strict=True):
        assert fac.loc[name].geometry.distance(want) < 1e-7  # ~1 cm
    assert fac.loc["测试乙电商服务中心", "kind"] == "township_ecommerce"

    # the same, zipped, changes nothing
    import zipfile

    zpath = tmp_path / "网点.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for part in (tmp_path / "shp").iterdir():
            zf.write(part, part.name)
    assert import_table(ws_path, zpath, "stations").unchanged


def test_projected_points_without_crs_and_no_zone_are_refused_like_boundaries(tmp_path):
    import pyogrio

    from township_atlas.data.importing.vector import read_boundaries

    frame = _points_frame(
        [{"名称": "无坐标系站", "类型": "村级电商服务站"}], [Point(115.1, 25.33)], "EPSG:4547"
    )
    shp = tmp_path / "nocrs.shp"
    pyogrio.write_dataframe(frame, shp)
    (tmp_path / "nocrs.prj").unlink()
    read = read_table(shp, "stations")
    with pytest.raises(ImportFailed) as err:
        rows_to_layer(read, "stations", _villages_near())
    polygon = frame.copy()
    polygon["geometry"] = polygon.buffer(100)
    polygon["XZQDM"], polygon["XZQMC"] = "360722102201", "村"
    pyogrio.write_dataframe(polygon, tmp_path / "poly.shp")
    (tmp_path / "poly.prj").unlink()
    with pytest.raises(ImportFailed) as same:
        read_boundaries(tmp_path / "poly.shp", "villages")
    assert err.value.zh == same.value.zh and err.value.en == same.value.en
    assert "EPSG:4547" in err.value.zh
    rows = rows_to_layer(read, "stations", _villages_near(), crs="EPSG:4547")
    assert not rows.rejected and rows.crs_used == "EPSG:4547"
    assert rows.frame.iloc[0].geometry.distance(Point(115.1, 25.33)) < 1e-7


def _villages_near():
    import geopandas as gpd
    from shapely.geometry import box

    return gpd.GeoDataFrame(
        {"code": ["360722102201"], "name": ["石桥村"]},
        geometry=[box(115.05, 25.30, 115.15, 25.36)],
        crs="EPSG:4326",
    )


def test_a_polygon_file_is_refused_clearly(demo_ws, ws_path, tmp_path):
    path = tmp_path / "villages.geojson"
    demo_ws.villages[["code", "name", "geometry"]].to_file(path, driver="GeoJSON")
    for kind in ("facilities", "stations", "sites"):
        with pytest.raises(ImportFailed) as err:
            read_table(path, kind)
        assert "MultiPolygon" in err.value.zh and "没有点" in err.value.zh
        assert "import villages" in err.value.en and "no points" in err.value.en
    with pytest.raises(ImportFailed):
        import_table(ws_path, path, "facilities")


def test_a_polygon_among_points_rejects_its_row_only(demo_ws, tmp_path):
    from shapely.geometry import MultiPoint, box

    frame = _points_frame(
        [{"名称": f"站{i}", "所在行政村": "古陂村"} for i in range(4)],
        [
            Point(115.10, 25.33),
            box(115.1, 25.33, 115.11, 25.34),
            MultiPoint([(115.1, 25.33), (115.11, 25.34)]),
            None,  # no geometry: placed at its village's anchor, as a table row would be
        ],
    )
    path = tmp_path / "mixed.gpkg"
    frame.to_file(path, driver="GPKG")
    rows = rows_to_layer(read_table(path, "stations"), "stations", demo_ws.villages)
    reasons = _reasons(rows)
    assert set(reasons) == {2, 3}
    assert "Polygon" in reasons[2] and "不是点" in reasons[2]
    assert "多点" in reasons[3] and "MultiPoint" in _reasons(rows, 1)[3]
    assert rows.frame.loc[1].geometry.equals(Point(115.10, 25.33))
    assert rows.frame.loc[4, "_anchored"]


def test_gcj02_point_file_and_coordinate_attributes_ignored(demo_ws, tmp_path):
    from township_atlas.geo.gcj02 import wgs84_to_gcj02

    x, y = wgs84_to_gcj02(115.10, 25.33)
    frame = _points_frame(
        [{"安置点名称": "高德安置点", "经度": "1", "纬度": "2"}], [Point(float(x), float(y))]
    )
    path = tmp_path / "sites.geojson"
    frame.to_file(path, driver="GeoJSON")
    read = read_table(path, "sites")
    assert "longitude" not in read.data and "经度" in read.headers
    assert any("经度、纬度 列不使用" in zh for zh, _ in read.notes)
    rows = rows_to_layer(read, "sites", demo_ws.villages, crs="gcj02")
    assert not rows.rejected and rows.crs_used == "GCJ-02"
    assert rows.frame.iloc[0].geometry.distance(Point(115.10, 25.33)) < 1e-6
    assert rows.frame.iloc[0]["village_code"] is not None  # from the point


def test_swapped_axes_in_a_point_file_are_named(demo_ws, tmp_path):
    frame = _points_frame([{"名称": "轴序颠倒", "类型": "村卫生室"}], [Point(25.33, 115.10)])
    path = tmp_path / "swapped.geojson"
    frame.to_file(path, driver="GeoJSON")
    with pytest.raises(ImportFailed) as err:
        rows_to_layer(read_table(path, "facilities"), "facilities", demo_ws.villages)
    assert "互换" in err.value.zh and "swapped" in err.value.en


def _station_features(ws, swapped: list[bool]) -> dict:
    """A GeoJSON of one station in each of the first villages; ``swapped`` ones written as
    (latitude, longitude)."""
    features = []
    for i, swap in enumerate(swapped):
        village = ws.villages.iloc[i]
        p = village.geometry.representative_point()
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "编号": f"E-NEW-{i + 1}",
                    "名称": "坐标写反的站" if swap else f"站{i + 1}",
                    "类型": "村级电商服务站点",
                    "所在行政村": village["name"],
                },
                "geometry": {"type": "Point", "coordinates": [p.y, p.x] if swap else [p.x, p.y]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def test_one_swapped_point_rejects_its_row_not_the_file(ws_path, tmp_path):
    ws = read_workspace(ws_path)
    path = tmp_path / "swap.geojson"
    path.write_text(json.dumps(_station_features(ws, [False, True]), ensure_ascii=False))
    dry = import_table(ws_path, path, "stations", dry_run=True)
    assert dry.taken == 1 and len(dry.rejected) == 1 and dry.crs == "EPSG:4326"
    row = dry.rejected.iloc[0]
    assert row["source_row"] == 2 and row["facility_id"] == "E-NEW-2"
    assert "经度与纬度" in row["reason_zh"] and "填反" in row["reason_zh"]
    assert "swapped" in row["reason_en"] and "longitude and latitude" in row["reason_en"]
    assert list(dry.sample["facility_id"]) == ["E-NEW-1"]
    note = [en for _, en in dry.notes if "1 of 2 points" in en]
    assert note and "EPSG:4326" in note[0]
    assert not import_table(ws_path, path, "stations").written  # partial: only when accepted
    out = import_table(ws_path, path, "stations", accept_partial=True)
    assert out.written and out.exit_code == 3
    fac = read_workspace(ws_path)["facilities"].set_index("facility_id")
    assert "E-NEW-2" not in fac.index
    assert fac.loc["E-NEW-1", "kind"] == "village_station"
    assert fac.loc["E-NEW-1"].geometry.equals(ws.villages.iloc[0].geometry.representative_point())


@pytest.mark.parametrize("swapped", [[True, True], [False, True, True]])
def test_a_file_with_most_points_swapped_is_still_refused(demo_ws, ws_path, tmp_path, swapped):
    path = tmp_path / "swap.geojson"
    path.write_text(json.dumps(_station_features(demo_ws, swapped), ensure_ascii=False))
    with pytest.raises(ImportFailed) as err:
        import_table(ws_path, path, "stations", dry_run=True)
    assert "互换" in err.value.zh and "swapped" in err.value.en
    assert ("3 个点有 2 个" in err.value.zh) == (len(swapped) == 3)


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_a_stray_point_does_not_decide_an_undeclared_crs(demo_ws, tmp_path):
    """Shapefiles without .prj: the CRS is inferred from the points that agree on a reading,
    and the stray one is rejected with its coordinates as written."""
    import geopandas as gpd
    import pyogrio

    good = [Point(115.10, 25.33), Point(115.05, 25.30), Point(115.12, 25.31)]
    gk = list(_points_frame([{}] * 3, good, "EPSG:4526").geometry)  # zone 38, zone in X
    cases = {
        "deg": ([*good, Point(38510000, 2800000)], "EPSG:4490", "不是经纬度"),
        "gk": ([*gk, Point(gk[0].y, gk[0].x)], "EPSG:4526", "X、Y 像是互换了"),
    }
    for name, (points, crs_used, reason) in cases.items():
        shp = tmp_path / f"{name}.shp"
        frame = gpd.GeoDataFrame({"名称": [f"站{i}" for i in range(4)]}, geometry=points)
        pyogrio.write_dataframe(frame, shp)
        assert not (tmp_path / f"{name}.prj").exists()
        rows = rows_to_layer(read_table(shp, "stations"), "stations", demo_ws.villages)
        assert rows.crs_used == crs_used, name
        assert list(rows.rejected) == [4] and reason in _reasons(rows)[4], name
        for i, want in enumerate(good, start=1):
            assert rows.frame.loc[i].geometry.distance(want) < 1e-6, name
        assert any("1 of 4 points" in en for _, en in rows.notes), name


def test_boundaries_are_still_judged_on_every_feature(demo_ws, tmp_path):
    from shapely import affinity

    from township_atlas.data.importing.vector import read_boundaries

    villages = demo_ws.villages[["code", "name", "geometry"]].copy()
    swap = affinity.affine_transform(villages.geometry.iloc[0], [0, 1, 1, 0, 0, 0])
    villages.loc[villages.index[0], "geometry"] = swap
    path = tmp_path / "villages.geojson"
    villages.to_file(path, driver="GeoJSON")
    with pytest.raises(ImportFailed) as err:
        read_boundaries(path, "villages")
    assert "look like projected metres" in err.value.en


def test_kml_of_stations(demo_ws, tmp_path):
    frame = _points_frame([{"Name": "KML服务站"}], [Point(115.10, 25.33)])
    path = tmp_path / "stations.kml"
    frame.to_file(path, driver="KML")
    read = read_table(path, "stations")
    assert read.columns_found.get("Name") == "name"
    rows = rows_to_layer(read, "stations", demo_ws.villages)
    assert not rows.rejected and rows.frame.iloc[0]["kind"] == "village_station"
    assert rows.frame.iloc[0].geometry.distance(Point(115.10, 25.33)) < 1e-9


def test_indicators_from_village_polygons_join_by_code(demo_ws, ws_path, tmp_path):
    villages = demo_ws.villages[["code", "geometry"]].head(2).copy()
    villages["XZQDM"] = villages.pop("code") + "0000000"  # land-survey codes, padded
    villages["年度"] = 2031
    villages["通硬化路"] = ["是", "否"]
    villages["危房户数"] = [3, 0]
    path = tmp_path / "indicators.geojson"
    villages.to_file(path, driver="GeoJSON")
    read = read_table(path, "indicators")
    assert read.columns_found == {
        "XZQDM": "village",
        "年度": "year",
        "通硬化路": "road_hardened",
        "危房户数": "dangerous_houses",
    }
    rows = rows_to_layer(read, "indicators", demo_ws.villages)
    assert not rows.rejected
    assert list(rows.frame["village_code"]) == list(demo_ws.villages["code"].head(2))
    assert list(rows.frame["road_hardened"]) == [True, False]


# ----------------------------------------------------------------------------- empty cells, units
def test_an_empty_status_cell_keeps_the_workspace_status(ws_path, tmp_path):
    fac = read_workspace(ws_path)["facilities"]
    planned = fac[fac["status"] == "planned"].iloc[0]
    src = _csv(
        tmp_path / "f.csv",
        "编号,类型,名称,所在行政村,状态\n"
        f"{planned.facility_id},{planned.kind},{planned['name']},{planned.village_code},\n"
        "E1,村卫生室,无状态新卫生室,古陂村,\n"
        "E2,村卫生室,规划卫生室,古陂村,规划\n",
    )
    read = read_table(src, "facilities")
    rows = rows_to_layer(read, "facilities", read_workspace(ws_path).villages)
    status = rows.frame["status"]
    assert status.isna().tolist() == [True, True, False] and status.iloc[2] == "planned"
    assert any(zh.startswith("2 行状态为空") for zh, _ in rows.notes)
    out = import_table(ws_path, src, "facilities")
    assert out.written and out.exit_code == 0, out.rejected
    new = read_workspace(ws_path)["facilities"].set_index("facility_id")
    assert new.loc[planned.facility_id, "status"] == "planned"  # not overwritten
    assert new.loc["E1", "status"] == "existing"  # a new facility without one: existing
    assert new.loc["E2", "status"] == "planned"


def _indicator_rows(demo_ws, tmp_path, header: str, lines: list[str]):
    src = _csv(tmp_path / "units.csv", header + "\n" + "\n".join(lines) + "\n")
    return rows_to_layer(read_table(src, "indicators"), "indicators", demo_ws.villages)


def test_numbers_with_units_are_converted_to_the_column_unit_or_rejected(demo_ws, tmp_path):
    rows = _indicator_rows(
        demo_ws,
        tmp_path,
        "行政村,年度,危房户数,村集体经济收入(万元)",
        [
            "古陂村,2030,3户,5万",  # row 2
            "古陂村,2031,2,50000元",  # yuan in a 万元 column: 5 万元, not 50000
            "古陂村,2032,0,5万元",
            "古陂村,2033,1,5",
            "古陂村,2034,0,12人",  # row 6: persons are no money
            "古陂村,2035,3km,1",  # row 7: km are no households
            "古陂村,2036,1.5户,1",  # row 8
            '古陂村,2037,1,"12,500元"',  # row 9
        ],
    )
    f = rows.frame
    assert f.loc[[2, 3, 4, 5, 9], "collective_income"].tolist() == [5, 5, 5, 5, 1.25]
    assert f.loc[[2, 3, 4, 5], "dangerous_houses"].tolist() == [3, 2, 0, 1]
    assert sorted(rows.rejected) == [6, 7, 8]
    zh, en = _reasons(rows), _reasons(rows, 1)
    assert zh[6] == "村集体经济收入「12人」的单位「人」不适用于本列（单位 万元，可写 万、万元、元）"
    assert en[6] == (
        "Collective income '12人': unit '人' does not fit the column (in 万元; write 万, 万元, 元)"
    )
    assert "「km」" in zh[7] and "单位 户" in zh[7] and "unit 'km'" in en[7]
    assert zh[8] == "危房户数「1.5户」不是整数"


def test_a_unit_in_the_header_is_the_unit_of_bare_numbers(demo_ws, tmp_path):
    rows = _indicator_rows(
        demo_ws,
        tmp_path,
        "行政村,年度,村集体经济收入（元）",
        ["古陂村,2030,50000", "古陂村,2031,3万元"],
    )
    assert not rows.rejected
    assert rows.frame["collective_income"].tolist() == [5, 3]
    assert any("换算为万元" in zh and "converted to 万元" in en for zh, en in rows.notes)


def test_site_numbers_take_their_own_units_only(demo_ws, tmp_path):
    src = _csv(
        tmp_path / "sites.csv",
        "安置点名称,所在行政村,计划搬迁户数,计划搬迁人数,建筑面积\n"
        "甲安置点,古陂村,30户,100人,2400㎡\n"
        "乙安置点,古陂村,10,40,1200平方米\n"
        "丙安置点,古陂村,30人,100,2400\n",
    )
    rows = rows_to_layer(read_table(src, "sites"), "sites", demo_ws.villages)
    f = rows.frame
    assert f.loc[[2, 3], "planned_households"].tolist() == [30, 10]
    assert f.loc[[2, 3], "planned_persons"].tolist() == [100, 40]
    assert f.loc[[2, 3], "built_area_m2"].tolist() == [2400, 1200]
    assert list(rows.rejected) == [4]
    assert "计划搬迁户数「30人」的单位「人」" in _reasons(rows)[4]


# ----------------------------------------------------------------------------- file-level messages
@pytest.mark.parametrize(
    ("kind", "text", "says"),
    [
        ("indicators", "行政村,统计年月,通硬化路\n古陂村,2020-12,是\n", ["年度", "统计年月,year"]),
        ("indicators", "村庄,年度,通硬化路\n古陂村,2020,是\n", ["行政村", "村庄,village"]),
        ("facilities", "类型,所在行政村,设施\n村卫生室,古陂村,甲\n", ["名称", "设施"]),
        ("facilities", "编号,类型,名称\nA,村卫生室,甲\nB,学校,乙\n", ["经度", "无法定位"]),
    ],
)
def test_a_required_column_absent_is_one_file_level_message(demo_ws, tmp_path, kind, text, says):
    src = _csv(tmp_path / "t.csv", text)
    with pytest.raises(ImportFailed) as err:
        rows_to_layer(read_table(src, kind), kind, demo_ws.villages)
    assert all(s in err.value.zh for s in says), err.value.zh
    assert "--columns" in err.value.zh and "--columns" in err.value.en


def test_no_header_names_the_nearest_fields_of_the_likeliest_row(tmp_path):
    src = _csv(tmp_path / "t.csv", "村庄,统计年月,硬化道路\n古陂村,2020,是\n")
    with pytest.raises(ImportFailed) as err:
        read_table(src, "indicators")
    assert "统计年月,year" in err.value.zh and "硬化道路,road_hardened" in err.value.en
    assert "古陂村" not in err.value.zh  # a village name in the first row is no header


def test_an_unrecognised_header_is_named_with_its_nearest_field(demo_ws, tmp_path):
    src = _csv(tmp_path / "t.csv", "序号,行政村,年度,是否通硬化公路,危房户数\n1,古陂村,2020,是,1\n")
    read = read_table(src, "indicators")
    assert read.unrecognised == {"是否通硬化公路": ("road_hardened", "bus")}
    note = next(zh for zh, _ in read.notes if zh.startswith("未识别"))
    assert "是否通硬化公路,road_hardened" in note and "序号" not in note
    rows = rows_to_layer(read, "indicators", demo_ws.villages)
    assert rows.present == {"village_code", "year", "dangerous_houses"}


def test_the_users_mapping_wins_over_a_recognised_header_of_the_same_field(tmp_path):
    src = _csv(tmp_path / "t.csv", "行政村,年度,通硬化路,路况\n古陂村,2020,否,是\n")
    read = read_table(src, "indicators", columns={"路况": "road_hardened"})
    assert read.columns_found == {"行政村": "village", "年度": "year", "路况": "road_hardened"}
    assert read.data["road_hardened"].tolist() == ["是"]


def test_keep_absent_fills_facilities_from_the_workspace_and_new_ones_are_existing(
    demo_ws, tmp_path
):
    planned = demo_ws["facilities"][demo_ws["facilities"]["status"] == "planned"].iloc[0]
    src = _csv(
        tmp_path / "f.csv",
        f"编号,类型,名称,所在行政村\n{planned.facility_id},{planned.kind},改名,古陂村\n"
        "K9,村卫生室,新卫生室,古陂村\n",
    )
    rows = rows_to_layer(read_table(src, "facilities"), "facilities", demo_ws.villages)
    assert "status" not in rows.present and "opened_year" not in rows.present
    kept = keep_absent(rows.frame, demo_ws["facilities"], rows.present, "facilities")
    assert kept["status"].tolist() == ["planned", "existing"]
    assert kept["name"].tolist() == ["改名", "新卫生室"]  # present columns are the file's
