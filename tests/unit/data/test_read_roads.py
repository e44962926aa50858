"""Road files of the transport bureau and web maps, read for the roads layer."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point

from township_atlas.data.importing.errors import ImportFailed
from township_atlas.data.importing.roads import paved, read_roads, road_class
from township_atlas.geo.validate import problems

#: A small square township near 古陂 (WGS84).
OUTLINE = shapely.box(115.08, 25.32, 115.12, 25.35)


def lines_frame(crs: str = "EPSG:4490", **columns) -> gpd.GeoDataFrame:
    geoms = [
        LineString([(115.09, 25.33), (115.10, 25.335), (115.11, 25.34)]),
        LineString([(115.10, 25.335), (115.10, 25.345)]),
        LineString([(115.085, 25.325), (115.09, 25.33)]),
    ]
    frame = gpd.GeoDataFrame(columns, geometry=geoms, crs="EPSG:4326")
    return frame.to_crs(crs)


def test_rural_road_census_shapefile_in_gauss_kruger_with_gbk(tmp_path: Path):
    frame = lines_frame(
        "EPSG:4527",  # CGCS2000 3° zone 39 with the zone number (115°E)
        路线编号=["X123", "Y045", "C012"],
        路线名称=["古陂至新屋", "新屋支线", "茶坳通组路"],
        行政等级=["县道", "乡道", "村道"],
        路面类型=["沥青混凝土", "水泥混凝土", "砂石"],
    )
    shp = tmp_path / "roads.shp"
    frame.to_file(shp, encoding="gbk")
    zipped = tmp_path / "roads.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        for part in tmp_path.glob("roads.*"):
            if part.suffix != ".zip" and part.suffix != ".cpg":
                zf.write(part, part.name)
    result = read_roads(zipped, OUTLINE)
    assert result.rejected.empty, result.rejected
    out = result.frame
    assert out["road_id"].tolist() == ["X123", "Y045", "C012"]
    assert out["name"].tolist() == ["古陂至新屋", "新屋支线", "茶坳通组路"]
    assert out["road_class"].tolist() == ["县道", "乡道", "村道"]
    assert out["paved"].tolist() == [True, True, False]
    assert problems("roads", out.reset_index(drop=True)) == []
    first = np.asarray(out.geometry.iloc[0].coords)
    assert np.allclose(first[0], (115.09, 25.33), atol=1e-6)


def test_class_from_route_letter_and_osm_words():
    assert road_class(None, "G323") == "国道"
    assert road_class("", "s216") == "省道"
    assert road_class("通组公路") == "村道"
    assert road_class("tertiary") == "乡道"
    assert road_class("高速") == "国道"
    assert road_class("步行道") is None


@pytest.mark.parametrize(
    ("surface", "expected"),
    [
        ("沥青", True),
        ("水泥路面", True),
        ("未硬化", False),
        ("泥结碎石", False),
        ("否", False),
        ("", None),
        ("其他", None),
    ],
)
def test_surface_words(surface, expected):
    assert paved(surface) is expected


def test_no_class_or_surface_columns_are_noted(tmp_path: Path):
    path = tmp_path / "drawn.geojson"
    lines_frame("EPSG:4326").to_file(path)
    result = read_roads(path, OUTLINE)
    assert result.rejected.empty
    assert set(result.frame["road_class"]) == {"村道"}
    assert result.frame["paved"].all()
    en = " ".join(en for _, en in result.notes)
    assert "no road class column" in en and "no surface column" in en


def test_far_roads_unknown_class_and_bad_geometry_are_rejected_with_reasons(tmp_path: Path):
    frame = gpd.GeoDataFrame(
        {"等级": ["县道", "快速路?", "村道"], "编号": ["X1", "X2", "X3"]},
        geometry=[
            LineString([(115.09, 25.33), (115.10, 25.34)]),
            LineString([(115.09, 25.33), (115.095, 25.331)]),
            LineString([(116.5, 26.0), (116.6, 26.1)]),  # about 150 km away
        ],
        crs="EPSG:4326",
    )
    path = tmp_path / "county.gpkg"
    frame.to_file(path)
    result = read_roads(path, OUTLINE)
    assert result.frame["road_id"].tolist() == ["X1"]
    reasons = dict(zip(result.rejected["source_row"], result.rejected["reason_en"], strict=True))
    assert "not recognised" in reasons[2]
    assert "not in this township" in reasons[3]
    assert result.rows_read == 3


def test_a_file_of_points_is_refused(tmp_path: Path):
    path = tmp_path / "points.geojson"
    gpd.GeoDataFrame(geometry=[Point(115.1, 25.33)], crs="EPSG:4326").to_file(path)
    with pytest.raises(ImportFailed, match="no lines"):
        read_roads(path, OUTLINE)


def test_repeated_route_numbers_become_sections():
    import pandas as pd

    from township_atlas.data.importing.roads import _road_ids

    assert _road_ids(pd.Series(["X1", "X1", None, "X1"])) == ["X1", "X1-2", "R3", "X1-3"]
