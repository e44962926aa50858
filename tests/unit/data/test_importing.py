"""Importing boundaries into a workspace: one transaction, every rejected row reported."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from shapely import affinity

from tests.support.paths import CORPUS as CORPUS_DIR
from tests.support.processes import PAUSED, pausing_writer, wait_for_line
from township_atlas.data.importing.errors import ImportFailed
from township_atlas.data.importing.run import import_boundaries
from township_atlas.geo.schema import LAYERS
from township_atlas.geo.workspace import read_workspace

CORPUS = CORPUS_DIR / "vector"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_workspace_is_made_and_a_reimport_changes_nothing(tmp_path):
    ws = tmp_path / "new.gpkg"
    first = import_boundaries(ws, CORPUS / "good_chinese_headers.geojson", "villages")
    assert (first.taken, first.exit_code, first.created, first.written) == (3, 0, True, True)
    made = read_workspace(ws)
    assert len(made.villages) == 3 and len(made.township) == 1  # outline: union of villages
    assert any("乡镇界" in zh for zh, _ in first.notes)
    before = digest(ws)
    again = import_boundaries(ws, CORPUS / "good_chinese_headers.geojson", "villages")
    assert (again.unchanged, again.written, again.exit_code) == (True, False, 0)
    assert digest(ws) == before


def test_rejected_rows_block_the_import_unless_accepted(tmp_path):
    ws = tmp_path / "dup.gpkg"
    refused = import_boundaries(ws, CORPUS / "duplicates.geojson", "villages")
    assert refused.exit_code == 3 and not refused.written and not ws.exists()
    reasons = dict(zip(refused.rejected["source_row"], refused.rejected["reason_en"], strict=True))
    assert "duplicated" in reasons[1] and "exact repeat of row 3" in reasons[4]
    assert "name is missing" in reasons[8]
    taken = import_boundaries(ws, CORPUS / "duplicates.geojson", "villages", accept_partial=True)
    assert taken.written and taken.exit_code == 3 and len(read_workspace(ws).villages) == 2


def test_a_fatal_problem_changes_nothing(demo_copy):
    ws = demo_copy
    before = digest(ws)
    for bad in ("truncated.geojson", "no_prj_gk_no_zone.zip"):
        with pytest.raises(ImportFailed):
            import_boundaries(ws, CORPUS / bad, "villages")
    assert digest(ws) == before


def test_villages_outside_the_township_are_rejected(demo_copy):
    ws = demo_copy
    outcome = import_boundaries(ws, CORPUS / "good_chinese_headers.geojson", "villages")
    assert outcome.taken == 0 and outcome.exit_code == 2
    assert all("outside the township outline" in r for r in outcome.rejected["reason_en"])


def test_new_boundaries_keep_what_the_file_does_not_say(demo_copy, demo_ws, tmp_path):
    ws = demo_copy
    villages = demo_ws.villages[["code", "name", "geometry"]].copy()
    villages = villages.rename(columns={"code": "XZQDM", "name": "XZQMC"})
    one = villages.index[0]
    villages.loc[one, "geometry"] = affinity.scale(villages.geometry[one], 0.95, 0.95)
    path = tmp_path / "survey.geojson"
    villages.to_file(path, driver="GeoJSON")
    outcome = import_boundaries(ws, path, "villages")
    assert (outcome.taken, outcome.exit_code, outcome.written) == (17, 0, True)
    after = read_workspace(ws).villages.set_index("code")
    code = demo_ws.villages["code"].iloc[0]
    assert after.loc[code, "population"] == demo_ws.villages["population"].iloc[0]
    assert after.loc[code, "geometry"].area < demo_ws.villages.geometry.iloc[0].area
    assert len(read_workspace(ws).households) == len(demo_ws.households)


def test_killing_an_import_midway_leaves_the_workspace_as_it_was(demo_copy, demo_ws, tmp_path):
    ws = demo_copy
    before = digest(ws)
    survey = demo_ws.villages[["code", "name", "geometry"]].copy()
    survey["geometry"] = [affinity.scale(g, 0.98, 0.98) for g in survey.geometry]
    path = tmp_path / "survey.geojson"
    survey.to_file(path, driver="GeoJSON")
    # The CLI's import, stopped once its new file exists with the first layer in it.
    cli = "from township_atlas.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    script = pausing_writer(cli, after_layer=next(iter(LAYERS)))
    cmd = [sys.executable, "-c", script, "import", "villages", str(path), str(ws)]
    with subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, encoding="utf-8", errors="replace"
    ) as proc:
        wait_for_line(proc, PAUSED)
        assert [p for p in tmp_path.iterdir() if p.name.startswith(".writing-")]
        proc.kill()  # SIGKILL: in the middle of writing the new file, no clean-up runs
        proc.wait()
    assert digest(ws) == before
    assert len(read_workspace(ws).villages) == 17


@pytest.mark.parametrize(
    ("name", "extra", "code"),
    [
        ("good_chinese_headers.geojson", [], 0),
        ("duplicates.geojson", [], 3),
        ("duplicates.geojson", ["--accept-partial"], 3),
        ("truncated.geojson", [], 2),
    ],
)
def test_the_import_command_exit_codes_and_json(run_cli, tmp_path, name, extra, code):
    ws = tmp_path / "cli.gpkg"
    report = tmp_path / "rejected.csv"
    argv = ["import", "villages", str(CORPUS / name), str(ws), "--json", "--report", str(report)]
    result = run_cli(*argv, *extra)
    assert result.code == code
    data = json.loads(result.out)
    assert data["exit_code"] == code
    if code == 3:
        assert data["rejected"] == 6 and data["first_rejections"][0]["source_row"] == 1
        assert "reason_zh" in report.read_text(encoding="utf-8-sig")
        assert ws.exists() == bool(extra)


def test_html_in_names_is_kept_as_text(tmp_path):
    ws = tmp_path / "html.gpkg"
    import_boundaries(ws, CORPUS / "html_names.geojson", "villages")
    names = list(gpd.read_file(ws, layer="villages")["name"])
    assert any(n.startswith("<img") for n in names)


# ----------------------------------------------------------------------------- any kind
def test_a_boundary_dry_run_reports_columns_crs_and_rows_and_writes_nothing(tmp_path):
    from township_atlas.data.importing.run import run_import

    ws = tmp_path / "new.gpkg"
    out = run_import(ws, CORPUS / "good_chinese_headers.geojson", "villages", dry_run=True)
    assert out.dry_run and not out.written and not ws.exists() and out.taken == 3
    assert out.columns_found["村名"] == "name" and "备注" in out.headers
    assert out.crs and list(out.sample["name"])[:1] and "geometry" not in out.sample


def test_headers_of_a_refused_file_for_mapping_by_hand(tmp_path):
    from township_atlas.data.importing.run import file_headers, recognised_headers

    csv = tmp_path / "r.csv"
    csv.write_text("填报单位:古陂镇\n行政村,户编号,家里几口人,贫困户属性\n新屋村,Z1,3,低保户\n")
    assert file_headers(csv, "households") == ("行政村", "户编号", "家里几口人", "贫困户属性")
    found = recognised_headers("households", file_headers(csv, "households"))
    assert found == {"行政村": "village_name", "户编号": "household_id", "贫困户属性": "category"}
    table = tmp_path / "f.csv"
    table.write_text("编号,种类,所在行政村\nF1,村卫生室,新屋村\n", encoding="utf-8")
    assert recognised_headers("facilities", file_headers(table, "facilities"))["编号"] == (
        "facility_id"
    )
    geojson = CORPUS / "good_chinese_headers.geojson"
    assert "行政区划代码" in file_headers(geojson, "villages")
    assert file_headers(tmp_path / "missing.csv", "households") == ()


@pytest.mark.parametrize(
    "kind",
    [
        "villages",
        "township",
        "households",
        "facilities",
        "stations",
        "sites",
        "indicators",
        "roads",
    ],
)
def test_every_kind_offers_fields_to_map_to(kind):
    from township_atlas.data.importing.run import mappable_fields

    fields = mappable_fields(kind)
    assert fields and all(f and zh and en for f, zh, en in fields)
    assert not {"name_person", "phone"} & {f for f, _, _ in fields}  # never stored
