"""Importing a township's road network (issue 11 item 8): line files in any CRS with GBK
attributes replace the roads layer (or add to it), and ``plan-stations --network road``
routes along what was imported."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

from township_atlas.analysis import poverty, station_plan
from township_atlas.cli import main
from township_atlas.data.importing import KINDS
from township_atlas.geo.workspace import read_workspace

#: CGCS2000 3° Gauss-Krüger zone 38 with the zone number (central meridian 114°E).
GK_ZONE_38 = "EPSG:4526"
#: Existing e-commerce stations of the demo and the villages they serve (古陂村, 新屋村).
GUPI = (115.10282, 25.32444), (115.12108, 25.3269)
XINWU = (115.1589, 25.34067), (115.16208, 25.34175)
GUPI_CODE, XINWU_CODE, SHIBEI = "360722102200", "360722102201", "360722102214"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def road_shapefile(folder: Path, name: str, rows: list[dict], crs: str = GK_ZONE_38) -> Path:
    """A zipped Shapefile of road lines in ``crs`` with GBK attributes and no .cpg, as the
    transport bureau's census exports them."""
    geoms = [LineString(r.pop("line")) for r in rows]
    frame = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326").to_crs(crs)
    shp = folder / f"{name}.shp"
    frame.to_file(shp, encoding="gbk")
    zipped = folder / f"{name}.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        for part in folder.glob(f"{name}.*"):
            if part.suffix not in (".zip", ".cpg"):
                zf.write(part, part.name)
    return zipped


def network(folder: Path) -> Path:
    """Two short roads from stations to their villages and a gravel road to the centre."""
    return road_shapefile(
        folder,
        "路网",
        [
            {
                "路线编号": "Y045",
                "路线名称": "古陂村道",
                "行政等级": "乡道",
                "路面类型": "水泥混凝土",
                "line": GUPI,
            },
            {
                "路线编号": "C012",
                "路线名称": "新屋通组路",
                "行政等级": "村道",
                "路面类型": "沥青",
                "line": XINWU,
            },
            {
                "路线编号": "C013",
                "路线名称": "古陂至新屋",
                "行政等级": "村道",
                "路面类型": "砂石",
                "line": (GUPI[1], XINWU[0]),
            },
        ],
    )


@pytest.fixture()
def ws(demo_copy: Path) -> Path:
    """The workspace these tests change: a private copy of the demo (``demo_copy``)."""
    return demo_copy


def plan(capsys, ws: Path, network: str) -> dict:
    argv = ["plan-stations", str(ws), "--radius-km", "3", "--add", "2", "--network", network]
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def demand(demo_ws):
    """The planner's villages (centre points, WGS84) with their poor people, by code."""
    year = poverty.workspace_years(demo_ws.households, demo_ws["indicators"])[1]
    return station_plan.workspace_demand(demo_ws, year).to_crs("EPSG:4326").set_index("id")


def shibei_road(demo_ws) -> tuple[tuple[float, float], ...]:
    """A road through 石背村's centre and its candidate site, 1 km on to the east."""
    sites = station_plan.workspace_candidates(demo_ws).to_crs("EPSG:4326")
    centre = demand(demo_ws).geometry[SHIBEI]
    site = sites.set_index(sites["id"].astype(str)).geometry[SHIBEI]
    return (centre.x, centre.y), (site.x, site.y), (centre.x + 0.01, centre.y)


def test_a_road_census_shapefile_becomes_the_network_plan_stations_routes_on(
    capsys, ws, demo_ws, tmp_path
):
    history = len(read_workspace(ws)["history"])
    before = plan(capsys, ws, "road")
    straight = plan(capsys, ws, "straight")

    assert main(["import", "roads", str(network(tmp_path)), str(ws), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["written"] and out["taken"] == 3 and out["crs"] == GK_ZONE_38
    assert out["columns"] == {
        "路线编号": "road_id",
        "路线名称": "name",
        "行政等级": "road_class",
        "路面类型": "paved",
    }
    demo_roads = len(demo_ws["roads"])
    assert any(f"3 条道路替换原有 {demo_roads} 条" in n["zh"] for n in out["notes"])
    after = read_workspace(ws)
    roads = after["roads"].set_index("road_id")
    assert sorted(roads.index) == ["C012", "C013", "Y045"]
    assert roads.loc["C012", "name"] == "新屋通组路"
    assert roads.loc["Y045", "road_class"] == "乡道"
    assert roads.loc["C013", "paved"] == False  # noqa: E712 (砂石: gravel)
    start = roads.geometry["Y045"].coords[0]
    assert start == pytest.approx(GUPI[0], abs=1e-6)
    assert len(after["history"]) == history  # roads are not in the change history

    # Along the imported roads only 古陂村 and 新屋村 reach a station within 3 km.
    routed = plan(capsys, ws, "road")
    poor = demand(demo_ws)["poor_people"]
    assert routed["covered_weight"] == poor[GUPI_CODE] + poor[XINWU_CODE] > 0
    assert routed["selected"] == []
    assert routed != before and routed["covered_weight"] < straight["covered_weight"]

    # A road to 石背村 added to the network: its site now covers it by road.
    more = road_shapefile(
        tmp_path,
        "石背",
        [
            {
                "路线编号": "C020",
                "路线名称": "石背村道",
                "行政等级": "村道",
                "路面类型": "水泥",
                "line": shibei_road(demo_ws),
            }
        ],
    )
    assert main(["import", "roads", str(more), str(ws), "--append"]) == 0
    text = capsys.readouterr().out
    assert "新增 1 条道路、更新 0 条，保留原有其他 3 条" in text
    assert sorted(read_workspace(ws)["roads"]["road_id"]) == ["C012", "C013", "C020", "Y045"]
    extended = plan(capsys, ws, "road")
    assert poor[SHIBEI] > 0
    assert extended["selected"] == [SHIBEI]
    assert extended["covered_weight"] == routed["covered_weight"] + poor[SHIBEI]


def test_the_same_file_twice_and_a_dry_run_change_nothing(capsys, ws, demo_ws, tmp_path):
    roads = network(tmp_path)
    before = digest(ws)
    assert main(["import", "roads", str(roads), str(ws), "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert f"3 条道路替换原有 {len(demo_ws['roads'])} 条" in text and "试导入" in text
    assert digest(ws) == before
    assert main(["import", "roads", str(roads), str(ws)]) == 0
    capsys.readouterr()
    written = digest(ws)
    assert written != before
    assert main(["import", "roads", str(roads), str(ws), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["unchanged"] and not out["written"]
    assert digest(ws) == written


def test_a_file_of_points_is_refused_in_one_line(capsys, ws, tmp_path):
    points = tmp_path / "points.geojson"
    gpd.GeoDataFrame(
        {"名称": ["古陂", "新屋"]}, geometry=[Point(GUPI[0]), Point(XINWU[0])], crs="EPSG:4326"
    ).to_file(points)
    before = digest(ws)
    assert main(["import", "roads", str(points), str(ws)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "未导入" in lines[0] and "roads are lines" in lines[0]
    assert digest(ws) == before


def test_far_roads_are_refused_unless_partial_accepted(capsys, ws, tmp_path):
    far = ((115.60, 25.30), (115.62, 25.31))  # ~40 km east: the county's, not the township's
    source = road_shapefile(
        tmp_path,
        "县网",
        [
            {
                "路线编号": "X123",
                "路线名称": "县道",
                "行政等级": "县道",
                "路面类型": "沥青",
                "line": GUPI,
            },
            {
                "路线编号": "X200",
                "路线名称": "外乡",
                "行政等级": "县道",
                "路面类型": "沥青",
                "line": far,
            },
        ],
    )
    before = digest(ws)
    report = tmp_path / "rejected.csv"
    argv = ["import", "roads", str(source), str(ws), "--report", str(report), "--json"]
    assert main(argv) == 3
    out = json.loads(capsys.readouterr().out)
    assert not out["written"] and out["first_rejections"][0]["source_row"] == 2
    assert "不在本乡镇" in report.read_text(encoding="utf-8-sig")
    assert digest(ws) == before
    assert main([*argv, "--accept-partial"]) == 3
    assert json.loads(capsys.readouterr().out)["written"]
    assert list(read_workspace(ws)["roads"]["road_id"]) == ["X123"]


def test_the_data_page_can_map_road_columns(tmp_path):
    from township_atlas.data.importing.run import (
        file_headers,
        mappable_fields,
        recognised_headers,
    )

    assert "roads" in KINDS
    assert {f for f, _, _ in mappable_fields("roads")} == {"road_id", "name", "road_class", "paved"}
    headers = file_headers(network(tmp_path), "roads")
    assert recognised_headers("roads", headers) == {
        "路线编号": "road_id",
        "路线名称": "name",
        "行政等级": "road_class",
        "路面类型": "paved",
    }


def test_the_data_page_offers_roads_without_a_template():
    from township_atlas.dashboard import import_panels

    assert set(import_panels.UPLOAD_TYPES) == set(KINDS)
    assert "zip" in import_panels.UPLOAD_TYPES["roads"] and "roads" in import_panels.CRS_KINDS
    assert import_panels.kind_label("roads", "zh") == "道路（路网）"
    assert import_panels.kind_label("roads", "en") == "Roads (network)"
    assert import_panels.kind_label("villages", "zh") == "村界"
    assert import_panels.has_template("roads") and import_panels.has_template("villages")
