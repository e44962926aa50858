"""Reading boundary files: the corpus under tests/import_corpus/vector, one outcome per file."""

from __future__ import annotations

import json
import time
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from pyproj import CRS

from tests.support.paths import CORPUS as CORPUS_DIR
from tests.support.paths import ROOT
from township_atlas.data.importing.vector import (
    ImportFailed,
    VectorImport,
    detect_text_encoding,
    infer_crs,
    mappable_fields,
    normalise_code,
    outside_outline,
    outside_reason,
    outside_share,
    read_boundaries,
)

CORPUS = CORPUS_DIR / "vector"
NAMES = ["石桥村", "东门社区", "上坪村"]
CODES = ["360722102201", "360722102202", "360722102203"]


def square(i: int, lon: float = 115.0, lat: float = 25.0, size: float = 0.01):
    return shapely.box(lon + i * size, lat, lon + (i + 1) * size, lat + size)


def notes_en(result: VectorImport) -> str:
    return " | ".join(en for _, en in result.notes)


def notes_zh(result: VectorImport) -> str:
    return " | ".join(zh for zh, _ in result.notes)


def reasons(result: VectorImport) -> dict[int, str]:
    return dict(zip(result.rejected["source_row"], result.rejected["reason_en"], strict=True))


def assert_nothing_lost(result: VectorImport, rows_in_file: int) -> None:
    """Every source row is taken or rejected, exactly once."""
    taken = set(result.frame.index)
    rejected = set(result.rejected["source_row"])
    assert not taken & rejected
    assert taken | rejected == set(range(1, rows_in_file + 1))
    assert result.rejected["reason_zh"].str.len().gt(0).all()
    assert result.rejected["reason_en"].str.len().gt(0).all()


def assert_layer_ready(result: VectorImport) -> None:
    frame = result.frame
    assert frame.crs.equals(CRS.from_epsg(4326))
    assert (frame.geom_type == "MultiPolygon").all()
    assert frame.is_valid.all()
    assert frame["code"].str.fullmatch(r"\d{12}").all()


def write_geojson(path: Path, features: list[tuple[dict, object]], crs: int | None = 4490):
    doc: dict = {"type": "FeatureCollection", "features": []}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{crs}"}}
    for props, geom in features:
        geometry = None if geom is None else json.loads(shapely.to_geojson(geom))
        doc["features"].append({"type": "Feature", "properties": props, "geometry": geometry})
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- the corpus
def test_good_geojson_with_chinese_headers():
    result = read_boundaries(CORPUS / "good_chinese_headers.geojson", "villages")
    assert_nothing_lost(result, 3)
    assert result.rejected.empty
    assert_layer_ready(result)
    assert result.crs_used == "EPSG:4490"
    assert result.columns_found == {
        "行政区划代码": "code",
        "村名": "name",
        "户籍人口": "population",
        "户数": "households",
        "是否贫困村": "poor_village",
        "出列年度": "exit_year",
    }
    frame = result.frame
    # codes stored as numbers (360722102201.0) come back as text
    assert list(frame["code"]) == CODES
    assert list(frame["name"]) == NAMES
    assert list(frame["kind"]) == ["村", "居委会", "村"]  # derived from the 社区 suffix
    assert list(frame["poor_village"]) == [True, False, True]
    assert list(frame["population"]) == [1260, 2310, 980]
    assert str(frame["exit_year"].dtype) == "Int64"
    assert frame["exit_year"].isna().tolist() == [False, True, False]
    assert list(result.extra.columns) == ["备注"]
    assert list(result.extra.index) == [1, 2, 3]
    assert result.headers == (
        "行政区划代码",
        "村名",
        "户籍人口",
        "户数",
        "是否贫困村",
        "出列年度",
        "备注",
    )
    assert "no kind column" in notes_en(result)
    assert shapely.equals(frame.geometry.iloc[0], shapely.MultiPolygon([square(0)]))


def test_truncated_geojson_is_refused():
    with pytest.raises(ImportFailed) as err:
        read_boundaries(CORPUS / "truncated.geojson", "villages")
    assert "truncated" in err.value.en
    assert "截断" in err.value.zh


def test_zipped_shapefile_without_prj_in_metres_is_refused_with_crs_hint():
    with pytest.raises(ImportFailed) as err:
        read_boundaries(CORPUS / "no_prj_gk_no_zone.zip", "villages")
    assert "--crs EPSG:45" in err.value.en
    assert "zone (central meridian) cannot be told" in err.value.en
    assert "--crs" in err.value.zh and "无法从坐标判断" in err.value.zh
    # ... and read once the zone is declared
    result = read_boundaries(CORPUS / "no_prj_gk_no_zone.zip", "villages", crs="EPSG:4547")
    assert result.crs_used == "EPSG:4547"
    assert_close(result.frame.geometry, [square(i) for i in range(3)])


def test_zipped_shapefile_without_prj_in_degrees_is_assumed_cgcs2000():
    result = read_boundaries(CORPUS / "no_prj_degrees.zip", "villages")
    assert result.crs_used == "EPSG:4490"
    assert "read as CGCS2000 (EPSG:4490" in notes_en(result)
    assert "GCJ-02" in notes_en(result) and "cannot be told apart" in notes_en(result)
    assert "--crs gcj02" in notes_zh(result)
    assert list(result.frame["name"]) == NAMES
    assert_layer_ready(result)


def test_gbk_shapefile_without_cpg_is_decoded():
    with zipfile.ZipFile(CORPUS / "gbk_no_cpg.zip") as zf:
        assert not any(n.lower().endswith(".cpg") for n in zf.namelist())
    result = read_boundaries(CORPUS / "gbk_no_cpg.zip", "villages")
    assert list(result.frame["name"]) == NAMES
    assert result.encoding == "GB18030"
    assert "GBK (GB18030) encoding detected" in notes_en(result)
    assert result.crs_used == "EPSG:4490"  # from the .prj


def test_gauss_kruger_zone_38_with_zone_number_is_assumed_4526():
    assert 4513 + 38 - 25 == 4526
    assert CRS.from_epsg(4526).name == "CGCS2000 / 3-degree Gauss-Kruger zone 38"
    with zipfile.ZipFile(CORPUS / "no_prj_gk_zone38.zip") as zf:
        assert not any(n.lower().endswith(".prj") for n in zf.namelist())
    result = read_boundaries(CORPUS / "no_prj_gk_zone38.zip", "villages")
    assert result.crs_used == "EPSG:4526"
    assert "zone number 38" in notes_en(result) and "EPSG:4526" in notes_en(result)
    assert_close(result.frame.geometry, [square(i) for i in range(3)])


def assert_close(geoms: gpd.GeoSeries, expected: list, tol: float = 1e-7) -> None:
    got = geoms.to_numpy()
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert shapely.hausdorff_distance(g, e) < tol, (g, e)


def test_gcj02_is_shifted_back():
    path = CORPUS / "gcj02.geojson"
    wgs = [square(i, 114.3, 26.5) for i in range(2)]
    result = read_boundaries(path, "villages", crs="gcj02")
    assert result.crs_used == "GCJ-02"
    assert "GCJ-02" in notes_en(result)
    assert_close(result.frame.geometry, wgs, tol=1e-8)
    # read as plain WGS84 the villages sit some hundreds of metres away
    plain = read_boundaries(path, "villages")
    shift = gpd.GeoSeries(shapely.centroid(plain.frame.geometry.to_numpy()), crs=4326)
    shift = shift.to_crs(4547)
    truth = gpd.GeoSeries([g.centroid for g in wgs], crs=4326).to_crs(4547)
    metres = shift.distance(truth, align=False)
    assert ((metres > 200) & (metres < 800)).all(), list(metres)


def test_duplicated_and_bad_codes():
    result = read_boundaries(CORPUS / "duplicates.geojson", "villages")
    assert_nothing_lost(result, 8)
    assert_layer_ready(result)
    why = reasons(result)
    # two different rows with one code: both rejected, naming each other
    assert "code 360722102201 is duplicated (rows 1, 2)" in why[1]
    assert "code 360722102201 is duplicated (rows 1, 2)" in why[2]
    # an exact repeat: the first taken, the repeat rejected
    assert 3 in result.frame.index
    assert why[4] == "exact repeat of row 3 (code 360722102203)"
    # land-survey XZQDM: trailing zeros cut, other digits refused
    assert result.frame.loc[5, "code"] == "360722102204"
    assert "cut to their first 12 digits" in notes_en(result)
    assert "has 19 digits, not 12" in why[6] and "not all zeros" in why[6]
    assert why[7] == "code 3607221022 has 10 digits, not 12"
    assert why[8] == "name is missing"
    zh = dict(zip(result.rejected["source_row"], result.rejected["reason_zh"], strict=True))
    assert "代码 360722102201 重复" in zh[1] and zh[8] == "缺少名称"
    # the original values travel with the rejection, as text
    row6 = result.rejected.set_index("source_row").loc[6]
    assert row6["XZQDM"] == "3607221022050000123" and row6["XZQMC"] == "中坪村"


def test_geometry_problems_repaired_or_rejected():
    result = read_boundaries(CORPUS / "geometry_problems.geojson", "villages")
    assert_nothing_lost(result, 6)
    assert_layer_ready(result)
    assert list(result.frame.index) == [1, 2]
    bowtie = result.frame.geometry.loc[1]
    assert len(bowtie.geoms) == 2  # the bow-tie becomes its two triangles
    assert bowtie.area == pytest.approx(0.01 * 0.01 / 2)
    assert "1 invalid geometry repaired (make_valid" in notes_en(result)
    assert "个无效几何图形已修复" in notes_zh(result)
    why = reasons(result)
    assert why[3] == "geometry is a Point, not a polygon"
    assert why[4] == "geometry is missing, empty or unreadable"
    assert why[5] == "geometry is a LineString, not a polygon"
    assert why[6] == "geometry is invalid and no area remains after repair"
    point = result.rejected.set_index("source_row").loc[3, "geometry"]
    assert point.startswith("POINT")


def test_html_in_names_is_kept_verbatim():
    result = read_boundaries(CORPUS / "html_names.geojson", "villages")
    assert result.rejected.empty
    assert list(result.frame["name"]) == [
        "<img src=x onerror=alert(1)>",
        "<script>alert('村')</script>社区",
        'A&B "村" {0} %s',
    ]
    assert list(result.frame["kind"]) == ["村", "居委会", "村"]


def test_kml_is_read():
    result = read_boundaries(CORPUS / "villages.kml", "villages")
    assert result.crs_used == "EPSG:4326"
    assert result.columns_found["村代码"] == "code" and result.columns_found["村名"] == "name"
    assert list(result.frame["code"]) == CODES
    assert list(result.frame["name"]) == NAMES
    assert_close(result.frame.geometry, [square(i) for i in range(3)])
    # KML's own Name/description fields are kept aside, not taken as the name
    assert "Name" in result.extra.columns


def test_ten_megabytes_of_garbage_is_refused_fast(tmp_path):
    path = tmp_path / "boundaries.geojson"
    rng = np.random.default_rng(6)
    data = rng.integers(0, 256, 10 * 1024 * 1024, dtype=np.uint8).tobytes()
    path.write_bytes(b"\x00" + data[1:])  # never a '{' by chance
    start = time.perf_counter()
    with pytest.raises(ImportFailed) as err:
        read_boundaries(path, "villages")
    assert time.perf_counter() - start < 2
    assert "not a vector file" in err.value.en and "GeoJSON, GeoPackage" in err.value.en
    assert "不是可读取的矢量文件" in err.value.zh


def test_garbage_behind_a_brace_or_zip_header_is_refused(tmp_path):
    brace = tmp_path / "brace.geojson"
    brace.write_bytes(b"{" + np.random.default_rng(1).bytes(100_000))
    with pytest.raises(ImportFailed, match=r"cannot read brace\.geojson"):
        read_boundaries(brace, "villages")
    fake_zip = tmp_path / "fake.zip"
    fake_zip.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(ImportFailed, match="not a complete ZIP"):
        read_boundaries(fake_zip, "villages")
    fake_gpkg = tmp_path / "fake.gpkg"
    fake_gpkg.write_bytes(b"SQLite format 3\x00" + b"\x07" * 2000)
    with pytest.raises(ImportFailed, match=r"cannot read fake\.gpkg"):
        read_boundaries(fake_gpkg, "villages")
    empty = tmp_path / "empty.geojson"
    empty.write_bytes(b"")
    with pytest.raises(ImportFailed, match="empty"):
        read_boundaries(empty, "villages")
    with pytest.raises(ImportFailed, match="no file at"):
        read_boundaries(tmp_path / "missing.geojson", "villages")


# ----------------------------------------------------------------------------- other paths
def test_township_from_geopackage_keeps_first_nine_digits(tmp_path):
    path = tmp_path / "township.gpkg"
    outline = shapely.box(115.0, 25.0, 115.05, 25.03)
    frame = gpd.GeoDataFrame(
        {"XZQDM": ["360722102000"], "XZQMC": ["梅林镇"], "县": ["赣县区"]},
        geometry=[outline],
        crs="EPSG:4490",
    )
    pyogrio.write_dataframe(frame, path, layer="乡镇界")
    pyogrio.write_dataframe(
        gpd.GeoDataFrame({"n": [1]}, geometry=[shapely.Point(115, 25)], crs=4490),
        path,
        layer="points",
        append=True,
    )
    result = read_boundaries(path, "township")  # the one polygon layer is chosen
    assert list(result.frame["code"]) == ["360722102"]
    assert list(result.frame["name"]) == ["梅林镇"]
    assert list(result.frame["county"]) == ["赣县区"]
    assert "kind" not in result.frame.columns
    with pytest.raises(ImportFailed, match="no layer 'nope'"):
        read_boundaries(path, "township", layer="nope")


def test_bare_shapefile_with_its_prj(tmp_path):
    frame = gpd.GeoDataFrame(
        {"XZQDM": CODES, "XZQMC": NAMES}, geometry=[square(i) for i in range(3)], crs=4490
    ).to_crs(4526)
    pyogrio.write_dataframe(frame, tmp_path / "村界.shp", encoding="UTF-8")
    result = read_boundaries(tmp_path / "村界.shp", "villages")
    assert result.crs_used == "EPSG:4526"
    assert list(result.frame["name"]) == NAMES
    assert_close(result.frame.geometry, [square(i) for i in range(3)])


def test_zip_with_two_shapefiles_needs_a_layer(tmp_path):
    target = tmp_path / "two.zip"
    with zipfile.ZipFile(target, "w") as zf:
        for stem in ("a", "b"):
            frame = gpd.GeoDataFrame(
                {"code": CODES[:1], "name": [stem]}, geometry=[square(0)], crs=4490
            )
            pyogrio.write_dataframe(frame, tmp_path / f"{stem}.shp")
            for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                zf.write(tmp_path / f"{stem}{ext}", f"data/{stem}{ext}")
    with pytest.raises(ImportFailed, match="several Shapefiles"):
        read_boundaries(target, "villages")
    assert list(read_boundaries(target, "villages", layer="b").frame["name"]) == ["b"]


def test_user_column_mapping_and_missing_headers(tmp_path):
    path = write_geojson(
        tmp_path / "odd.geojson",
        [({"编号": "360722102201", "标注": "石桥村", "常住人口": 5}, square(0))],
    )
    with pytest.raises(ImportFailed) as err:
        read_boundaries(path, "villages")
    assert "no code column" in err.value.en and "编号" in err.value.en
    assert "--columns" in err.value.en and "找不到代码列" in err.value.zh
    result = read_boundaries(
        path, "villages", columns={"编号": "code", "标注": "name", "常住人口": "population"}
    )
    assert list(result.frame["population"]) == [5]
    with pytest.raises(ImportFailed, match="unknown field 'people'"):
        read_boundaries(path, "villages", columns={"常住人口": "people"})
    with pytest.raises(ImportFailed, match="not in the file"):
        read_boundaries(path, "villages", columns={"人口": "population"})


@pytest.mark.parametrize(
    ("kind", "field"),
    [(k, f) for k in ("villages", "township") for f, _, _ in mappable_fields(k)],
)
def test_every_mappable_field_is_a_valid_mapping_target(tmp_path, kind, field):
    path = write_geojson(
        tmp_path / "odd.geojson",
        [({"XZQDM": "360722102201", "XZQMC": "石桥村", "甲列": "1"}, square(0))],
    )
    result = read_boundaries(path, kind, columns={"甲列": field})
    assert result.columns_found["甲列"] == field
    assert list(result.columns_found.values()).count(field) == 1
    assert result.headers == ("XZQDM", "XZQMC", "甲列")


def test_mappable_fields_are_the_layer_columns():
    assert [f for f, _, _ in mappable_fields("villages")][:3] == ["code", "vintage", "name"]
    assert ("code", "乡镇代码", "Township code") in mappable_fields("township")
    with pytest.raises(ValueError):
        mappable_fields("households")


def test_headers_are_case_and_width_tolerant(tmp_path):
    path = write_geojson(
        tmp_path / "wide.geojson",
        [
            (
                {"ｘｚｑｄｍ": "３６０７２２１０２２０１", " XzqMc ": "石桥村", "总户数": "12"},
                square(0),
            )
        ],
    )
    result = read_boundaries(path, "villages")
    assert set(result.columns_found.values()) == {"code", "name", "households"}
    assert list(result.frame["code"]) == ["360722102201"]  # full-width digits too
    assert list(result.frame["households"]) == [12]


def test_unreadable_values_reject_the_row_with_reason(tmp_path):
    path = write_geojson(
        tmp_path / "values.geojson",
        [
            ({"code": CODES[0], "name": "石桥村", "人口": "很多", "类型": "村"}, square(0)),
            ({"code": CODES[1], "name": "东门", "人口": -3, "类型": "社区"}, square(1)),
            ({"code": CODES[2], "name": "上坪", "人口": 7, "类型": "小区"}, square(2)),
            ({"code": "360722102204", "name": "下坪", "人口": 8, "类型": None}, square(3)),
        ],
    )
    result = read_boundaries(path, "villages")
    assert_nothing_lost(result, 4)
    why = reasons(result)
    assert why[1] == "population: cannot read '很多' as int"
    assert why[2] == "population: -3 is below 0"
    assert why[3] == "kind: '小区' is not one of 村, 居委会"
    assert result.frame.loc[4, "kind"] == "村"  # blank kind derived from the name


def test_declared_crs_that_cannot_hold_the_coordinates_is_refused(tmp_path):
    metres = gpd.GeoSeries([square(0)], crs=4490).to_crs(4526).iloc[0]
    path = write_geojson(tmp_path / "liar.geojson", [({"code": CODES[0], "name": "x"}, metres)])
    with pytest.raises(ImportFailed) as err:
        read_boundaries(path, "villages")  # declares EPSG:4490 but holds metres
    assert "look like projected metres" in err.value.en and "--crs" in err.value.en
    result = read_boundaries(path, "villages", crs="4526")
    assert "overridden by EPSG:4526" in notes_en(result)
    assert_close(result.frame.geometry, [square(0)])
    with pytest.raises(ImportFailed, match="unknown CRS 'EPSG:99999'"):
        read_boundaries(path, "villages", crs="EPSG:99999")
    projected = write_geojson(
        tmp_path / "projected.geojson", [({"code": CODES[0], "name": "x"}, metres)], crs=4526
    )
    with pytest.raises(ImportFailed, match="cannot hold GCJ-02"):
        read_boundaries(projected, "villages", crs="gcj02")


def test_gbk_geojson_is_transcoded(tmp_path):
    path = write_geojson(
        tmp_path / "gbk.geojson", [({"code": CODES[0], "村名": "石桥村"}, square(0))]
    )
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    result = read_boundaries(path, "villages")
    assert list(result.frame["name"]) == ["石桥村"]
    assert "GBK (GB18030) encoded" in notes_en(result)


# ----------------------------------------------------------------------------- helpers
def test_infer_crs_readings():
    assert infer_crs(np.array([115.0, 25.0, 115.1, 25.1])).label == "EPSG:4490"
    assert infer_crs(np.array([38_400_000, 2_770_000, 38_420_000, 2_790_000])).label == (
        "EPSG:4526"
    )
    six = infer_crs(np.array([20_400_000, 2_770_000, 20_420_000, 2_790_000]))
    assert six.label == "EPSG:4498"
    assert CRS.from_epsg(4498).name == "CGCS2000 / Gauss-Kruger zone 20"
    with pytest.raises(ImportFailed, match="cannot be told from them"):
        infer_crs(np.array([400_000, 2_770_000, 420_000, 2_790_000]))
    with pytest.raises(ImportFailed, match="fit no reading"):
        infer_crs(np.array([-5.0, 50.0, -4.0, 51.0]))  # degrees, but not China's
    with pytest.raises(ImportFailed, match="fit no reading"):
        infer_crs(np.array([38_400_000, 2_770_000, 39_420_000, 2_790_000]))  # two zones


def test_normalise_code():
    assert normalise_code(360722102201.0, 12) == ("360722102201", None, False)
    assert normalise_code("360722102201.0", 12) == ("360722102201", None, False)
    assert normalise_code("3.60722102201E+11", 12) == ("360722102201", None, False)
    assert normalise_code(" 360722102201 ", 12) == ("360722102201", None, False)
    assert normalise_code("360722102000", 9) == ("360722102", None, True)
    assert normalise_code(np.int64(360722102201), 12)[0] == "360722102201"
    assert normalise_code(None, 12)[1] == ("缺少代码", "code is missing")
    assert normalise_code(float("nan"), 12)[1][1] == "code is missing"
    assert normalise_code("36072210220A", 12)[1][1] == "code '36072210220A' is not all digits"
    assert "too many digits" in normalise_code(3.607221022010001e18, 12)[1][1]


def test_detect_text_encoding():
    assert detect_text_encoding(b"abc") is None
    assert detect_text_encoding("石桥村".encode()) == "UTF-8"
    assert detect_text_encoding("石桥村 东门社区".encode("gbk")) == "GB18030"
    assert detect_text_encoding(bytes(range(128, 256)) * 4) == "unknown"


def test_outside_outline():
    outline = gpd.GeoDataFrame(geometry=[shapely.box(115.0, 25.0, 115.02, 25.01)], crs=4326)
    villages = gpd.GeoDataFrame(
        {"code": CODES},
        geometry=[
            square(0),  # inside
            shapely.box(115.01, 25.0, 115.0205, 25.01),  # 5 % outside: allowed
            shapely.box(115.015, 25.0, 115.025, 25.01),  # half outside
        ],
        crs=4326,
        index=pd.Index([1, 2, 3], name="source_row"),
    )
    share = outside_share(villages, outline)
    assert share.loc[1] == pytest.approx(0, abs=1e-3)  # edges bend a little in metres
    assert share.loc[3] == pytest.approx(0.5, rel=0.01)
    assert outside_outline(villages, outline).tolist() == [False, False, True]
    assert outside_outline(villages, outline.geometry.iloc[0]).tolist() == [False, False, True]
    zh, en = outside_reason(share.loc[3])
    assert en == "50% of the village's area lies outside the township outline (at most 5% allowed)"
    assert "乡镇界之外" in zh


def test_nothing_in_the_reader_evaluates_text():
    source = (ROOT / "data" / "importing" / "vector.py").read_text("utf-8")
    for danger in ("eval(", "exec(", "format_map(", "literal_eval", "pickle"):
        assert danger not in source


def test_warnings_are_not_raised_as_errors_for_a_clean_file():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_boundaries(CORPUS / "good_chinese_headers.geojson", "villages")


def test_corpus_generator_still_writes_the_corpus(tmp_path):
    import runpy

    build = runpy.run_path(str(CORPUS / "make_corpus.py"))["build"]
    written = build(tmp_path)
    committed = {p.name for p in CORPUS.iterdir() if p.suffix in (".geojson", ".zip", ".kml")}
    assert set(written) == committed
    fresh = read_boundaries(written["good_chinese_headers.geojson"], "villages")
    assert list(fresh.frame["name"]) == NAMES
