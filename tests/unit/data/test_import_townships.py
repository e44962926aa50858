"""Several townships in one import: codes decide which township a village is in; a village of
no township the workspace has is refused with the reason."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import box

from township_atlas.data.importing.run import import_boundaries
from township_atlas.geo import levels
from township_atlas.geo.workspace import read_workspace

WGS84 = "EPSG:4326"


def villages_file(path, codes_and_boxes):
    frame = gpd.GeoDataFrame(
        {
            "XZQDM": [c for c, _ in codes_and_boxes],
            "XZQMC": [f"村{c[-3:]}" for c, _ in codes_and_boxes],
        },
        geometry=[box(*b) for _, b in codes_and_boxes],
        crs=WGS84,
    )
    frame.to_file(path, driver="GeoJSON")
    return path


def test_villages_of_two_townships_make_two_townships(tmp_path):
    src = villages_file(
        tmp_path / "county.geojson",
        [
            ("360722102201", (115.00, 25.30, 115.10, 25.40)),
            ("360722102202", (115.10, 25.30, 115.20, 25.40)),
            ("360722103201", (115.20, 25.30, 115.30, 25.40)),
        ],
    )
    out = import_boundaries(tmp_path / "ws.gpkg", src, "villages")
    assert out.written and out.exit_code == 0
    ws = read_workspace(tmp_path / "ws.gpkg")
    assert ws.township["code"].tolist() == ["360722102", "360722103"]
    assert ws.township.geometry.iloc[1].equals(box(115.20, 25.30, 115.30, 25.40))
    assert levels.top(ws).code == "360722"
    assert [v.code for v in levels.children(ws, levels.find(ws, "360722103"))] == ["360722103201"]


def test_a_village_of_no_township_here_is_refused_with_the_reason(tmp_path):
    first = villages_file(
        tmp_path / "one.geojson", [("360722102201", (115.00, 25.30, 115.10, 25.40))]
    )
    import_boundaries(tmp_path / "ws.gpkg", first, "villages")
    more = villages_file(
        tmp_path / "more.geojson",
        [
            ("360722102202", (115.02, 25.32, 115.08, 25.38)),  # inside 360722102: taken
            ("360722104201", (115.03, 25.31, 115.04, 25.32)),  # of a township not here
        ],
    )
    out = import_boundaries(tmp_path / "ws.gpkg", more, "villages", accept_partial=True)
    assert out.taken == 1 and len(out.rejected) == 1
    reason = out.rejected.iloc[0]
    assert "360722102" in reason["reason_zh"] and "先导入该村所属乡镇的边界" in reason["reason_zh"]
    assert "township" in reason["reason_en"]
    codes = read_workspace(tmp_path / "ws.gpkg").villages["code"].tolist()
    assert "360722104201" not in codes
