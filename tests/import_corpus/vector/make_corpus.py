"""Write the boundary-import corpus: small files, each with one problem real offices send us.

Run ``python tests/import_corpus/vector/make_corpus.py [DIR]`` to (re)write the committed files
(default: this folder). ``tests/test_read_vector.py`` reads them and states the expected outcome
of each; ``EXPECTED.md`` here lists them for people. The 10 MB garbage file is not committed:
the test writes it in a temporary folder.
"""

from __future__ import annotations

import json
import sys
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

HERE = Path(__file__).resolve().parent
#: A fixed time stamp so the zips do not change on every run.
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)

#: Three villages near 115°E 25°N (Jiangxi), each a 0.01° square; the third is a 社区.
VILLAGES = [
    ("360722102201", "石桥村", 1260, 320, "是", 2018),
    ("360722102202", "东门社区", 2310, 690, "否", None),
    ("360722102203", "上坪村", 980, 251, "是", 2019),
]


def square(i: int, lon: float = 115.0, lat: float = 25.0, size: float = 0.01):
    return shapely.box(lon + i * size, lat, lon + (i + 1) * size, lat + size)


def _feature(props: dict, geom) -> dict:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": None if geom is None else json.loads(shapely.to_geojson(geom)),
    }


def _collection(features: list[dict], crs: str | None = "EPSG:4490") -> str:
    doc: dict = {"type": "FeatureCollection"}
    if crs:
        code = crs.split(":")[1]
        doc["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{code}"}}
    doc["features"] = features
    return json.dumps(doc, ensure_ascii=False, indent=1)


def good_features() -> list[dict]:
    return [
        _feature(
            {
                "行政区划代码": float(code),  # a code stored as a number, as Excel exports do
                "村名": name,
                "户籍人口": pop,
                "户数": hh,
                "是否贫困村": poor,
                "出列年度": exit_year,
                "备注": "测试",
            },
            square(i),
        )
        for i, (code, name, pop, hh, poor, exit_year) in enumerate(VILLAGES)
    ]


def _zip_shapefile(frame: gpd.GeoDataFrame, target: Path, *, encoding=None, keep=(".shp",)):
    """Write ``frame`` as a shapefile and zip the parts whose suffix is in ``keep``."""
    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / f"{target.stem}.shp"
        pyogrio.write_dataframe(frame, shp, encoding=encoding)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for part in sorted(Path(tmp).iterdir()):
                if part.suffix.lower() in keep:
                    info = zipfile.ZipInfo(part.name, _ZIP_TIME)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    zf.writestr(info, part.read_bytes())


def _village_frame(crs=None) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"XZQDM": [v[0] for v in VILLAGES], "XZQMC": [v[1] for v in VILLAGES]},
        geometry=[square(i) for i in range(len(VILLAGES))],
        crs="EPSG:4490",
    ).to_crs(crs or "EPSG:4490")


def build(target: Path = HERE) -> dict[str, Path]:
    import warnings

    from township_atlas.geo.gcj02 import geometry_to_gcj02

    target.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}

    def write(name: str, text: str) -> None:
        out[name] = target / name
        out[name].write_text(text, encoding="utf-8")

    good = _collection(good_features())
    write("good_chinese_headers.geojson", good)
    write("truncated.geojson", good[: len(good) // 2])

    write(
        "duplicates.geojson",
        _collection(
            [
                _feature({"XZQDM": "360722102201", "XZQMC": "石桥村"}, square(0)),
                _feature({"XZQDM": "360722102201", "XZQMC": "石桥新村"}, square(1)),
                _feature({"XZQDM": "360722102203", "XZQMC": "上坪村"}, square(2)),
                _feature({"XZQDM": "360722102203", "XZQMC": "上坪村"}, square(2)),  # exact repeat
                # land-survey codes with more than 12 digits
                _feature({"XZQDM": "3607221022040000000", "XZQMC": "下坪村"}, square(3)),
                _feature({"XZQDM": "3607221022050000123", "XZQMC": "中坪村"}, square(4)),
                _feature({"XZQDM": "3607221022", "XZQMC": "短码村"}, square(5)),
                _feature({"XZQDM": "360722102207", "XZQMC": ""}, square(6)),
            ]
        ),
    )

    bowtie = shapely.Polygon([(115.0, 25.0), (115.01, 25.01), (115.01, 25.0), (115.0, 25.01)])
    line_only = shapely.Polygon([(115.0, 25.0), (115.01, 25.01), (115.0, 25.0), (115.0, 25.0)])
    write(
        "geometry_problems.geojson",
        _collection(
            [
                _feature({"XZQDM": "360722102201", "XZQMC": "石桥村"}, bowtie),
                _feature({"XZQDM": "360722102202", "XZQMC": "东门社区"}, square(1)),
                _feature({"XZQDM": "360722102203", "XZQMC": "上坪村"}, shapely.Point(115.02, 25)),
                _feature({"XZQDM": "360722102204", "XZQMC": "下坪村"}, None),
                _feature(
                    {"XZQDM": "360722102205", "XZQMC": "中坪村"},
                    shapely.LineString([(115, 25), (115.1, 25.1)]),
                ),
                _feature({"XZQDM": "360722102206", "XZQMC": "扁村"}, line_only),
            ]
        ),
    )

    write(
        "html_names.geojson",
        _collection(
            [
                _feature(
                    {"code": "360722102201", "name": "<img src=x onerror=alert(1)>"}, square(0)
                ),
                _feature(
                    {"code": "360722102202", "name": "<script>alert('村')</script>社区"}, square(1)
                ),
                _feature({"code": "360722102203", "name": 'A&B "村" {0} %s'}, square(2)),
            ]
        ),
    )

    wgs = [square(i, 114.3, 26.5) for i in range(2)]
    write(
        "gcj02.geojson",
        _collection(
            [
                _feature({"XZQDM": f"36072210220{i + 1}", "XZQMC": f"村{i + 1}"}, g)
                for i, g in enumerate(geometry_to_gcj02(wgs))
            ],
            crs="EPSG:4326",
        ),
    )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "'crs' was not provided": the point of these files
        frame = _village_frame()
        _zip_shapefile(
            frame, target / "gbk_no_cpg.zip", encoding="GBK", keep=(".shp", ".shx", ".dbf", ".prj")
        )
        out["gbk_no_cpg.zip"] = target / "gbk_no_cpg.zip"

        for name, crs in (
            ("no_prj_degrees.zip", "EPSG:4490"),
            ("no_prj_gk_zone38.zip", "EPSG:4526"),
            ("no_prj_gk_no_zone.zip", "EPSG:4547"),
        ):
            projected = _village_frame(crs).set_crs(None, allow_override=True)
            _zip_shapefile(
                projected, target / name, encoding="UTF-8", keep=(".shp", ".shx", ".dbf")
            )
            out[name] = target / name

    kml = _village_frame("EPSG:4326").rename(columns={"XZQDM": "村代码", "XZQMC": "村名"})
    out["villages.kml"] = target / "villages.kml"
    out["villages.kml"].unlink(missing_ok=True)
    pyogrio.write_dataframe(kml, out["villages.kml"], driver="KML")
    return out


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE).values():
        print(path, path.stat().st_size)
