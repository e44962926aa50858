"""Hostile files, made at test time (nothing large is committed): each must be refused with
one clear line, never crash the process or the server.

usage: python tests/import_corpus/hostile/hostile.py OUT_FOLDER   (writes every file there)
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
    'application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
    'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
REGISTER_HEADER = ["行政村", "户编号", "人数", "贫困户属性", "识别年度", "脱贫属性", "联系电话"]


def _cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def xlsx(path: Path, rows: list[str], dimension: str = "A1") -> Path:
    """A workbook written by hand: ``rows`` are ``<row>`` elements of its one sheet 花名册."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        f'.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>'
        + "".join(rows)
        + "</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def far_cell_xlsx(path: Path) -> Path:
    """A register's header and one household, and one cell at XFD1048576 (the sheet's far
    corner): ~1.7 KB that made calamine ask for 512 GiB and abort the process."""
    letters = "ABCDEFG"
    header = "".join(_cell(f"{c}1", h) for c, h in zip(letters, REGISTER_HEADER, strict=True))
    row = ["新屋村", "H1", "3", "一般贫困户", "2016", "1", "13800000000"]
    body = "".join(_cell(f"{c}2", v) for c, v in zip(letters, row, strict=True))
    return xlsx(
        path,
        [
            f'<row r="1">{header}</row>',
            f'<row r="2">{body}</row>',
            f'<row r="1048576">{_cell("XFD1048576", "x")}</row>',
        ],
        dimension="A1:XFD1048576",
    )


def far_cell_no_places_xlsx(path: Path) -> Path:
    """The far cell reached without any ``r`` attribute: 600 empty-free cells in one row."""
    cells = "".join('<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(600))
    return xlsx(path, [f"<row>{cells}</row>"])


def _shapefile_parts() -> dict[str, bytes]:
    """A real one-polygon Shapefile's parts (.shp, .shx, .dbf, .prj), written by pyogrio."""
    import tempfile

    import geopandas as gpd
    from shapely.geometry import box

    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / "villages.shp"
        frame = gpd.GeoDataFrame(
            {"XZQDM": ["360722102201"], "XZQMC": ["新屋村"]},
            geometry=[box(115.10, 25.30, 115.11, 25.31)],
            crs="EPSG:4490",
        )
        frame.to_file(shp, encoding="UTF-8")
        return {p.suffix: p.read_bytes() for p in Path(tmp).iterdir()}


def zip_bomb_shapefile(path: Path, expanded: int = 64 << 20) -> Path:
    """A zipped Shapefile whose .dbf expands to ``expanded`` bytes of zeros (~1,000:1)."""
    parts = _shapefile_parts()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for ext, data in parts.items():
            if ext != ".dbf":
                z.writestr(f"villages{ext}", data)
        with z.open("villages.dbf", "w", force_zip64=True) as member:
            block = bytes(1 << 20)
            for _ in range(expanded >> 20):
                member.write(block)
    return path


def escaping_shapefile(path: Path) -> Path:
    """A zipped Shapefile whose parts are named to land outside the folder (``../``)."""
    with zipfile.ZipFile(path, "w") as z:
        for ext, data in _shapefile_parts().items():
            z.writestr(f"../../villages{ext}", data)
    return path


def many_members_zip(path: Path, members: int = 10_050) -> Path:
    """A ZIP listing more entries than any Shapefile or workbook has."""
    with zipfile.ZipFile(path, "w") as z:
        for i in range(members):
            z.writestr(f"f{i}.txt", b"")
        z.writestr("villages.shp", b"")
    return path


def nan_geojson(path: Path) -> Path:
    """Village boundaries with NaN and Infinity among the coordinates (GDAL reads both)."""
    features = []
    for i, bad in enumerate(("NaN", "Infinity")):
        ring = f"[[115.10,25.30],[{bad},25.30],[115.11,25.31],[115.10,25.30]]"
        props = f'{{"代码":"3607221022{i + 1:02d}","村名":"村{i}"}}'
        features.append(
            f'{{"type":"Feature","properties":{props},'
            f'"geometry":{{"type":"Polygon","coordinates":[{ring}]}}}}'
        )
    path.write_text(
        '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}", encoding="utf-8"
    )
    return path


def many_villages_geojson(path: Path, n: int = 160, township: str = "360722102") -> Path:
    """``n`` small square villages under one township code (more than a township has)."""
    features = []
    for i in range(n):
        x, y = 115.0 + (i % 20) * 0.01, 25.2 + (i // 20) * 0.01
        ring = [[x, y], [x + 0.009, y], [x + 0.009, y + 0.009], [x, y + 0.009], [x, y]]
        features.append(
            {
                "type": "Feature",
                "properties": {"代码": f"{township}{i + 1:03d}", "村名": f"第{i + 1}村"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
        encoding="utf-8",
    )
    return path


MAKERS = {
    "far_cell.xlsx": far_cell_xlsx,
    "far_cell_no_places.xlsx": far_cell_no_places_xlsx,
    "zip_bomb_shapefile.zip": zip_bomb_shapefile,
    "escaping_shapefile.zip": escaping_shapefile,
    "many_members.zip": many_members_zip,
    "nan_coordinates.geojson": nan_geojson,
    "many_villages.geojson": many_villages_geojson,
}


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name, make in MAKERS.items():
        print(make(out / name))
