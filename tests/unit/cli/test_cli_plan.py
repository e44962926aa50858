"""township-atlas plan-stations: on the demo workspace, on the planner's own files, bad input."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from township_atlas.analysis.station_plan import plan_names, saved_plan
from township_atlas.geo.workspace import read_workspace


def test_plan_on_the_demo_prints_the_documented_json(run_cli, demo_path):
    code, out, _ = run_cli(
        "plan-stations", str(demo_path), "--radius-km", "3", "--add", "2", "--json"
    )
    assert code == 0
    data = json.loads(out)  # nothing but JSON on stdout (the solver's banner is silenced)
    assert {
        "selected",
        "covered_weight",
        "total_weight",
        "covered_share",
        "optimal",
        "gap",
        "seconds",
    } <= set(data)
    assert len(data["selected"]) == 2 and data["optimal"] and data["gap"] == 0
    assert data["covered_share"] == pytest.approx(data["covered_weight"] / data["total_weight"])


def test_road_network_never_covers_more_than_straight_lines(run_cli, demo_path):
    shares = {}
    for network in ("straight", "road"):
        code, out, _ = run_cli(
            "plan-stations",
            str(demo_path),
            "--radius-km",
            "2",
            "--add",
            "3",
            "--weight",
            "villages",
            "--network",
            network,
            "--json",
        )
        assert code == 0
        shares[network] = json.loads(out)["covered_weight"]
    assert shares["road"] <= shares["straight"]


def write_points(path, xy, crs="EPSG:4326", **columns):
    gpd.GeoDataFrame(columns, geometry=[Point(x, y) for x, y in xy], crs=crs).to_file(path)
    return str(path)


@pytest.fixture
def planner_files(tmp_path):
    # Three villages on a parallel, 0.05 degrees (~5 km) apart; candidate c1 at the first
    # village, c2 at the third; an existing station far away.
    v = write_points(
        tmp_path / "v.geojson",
        [(115.00, 25.3), (115.05, 25.3), (115.10, 25.3)],
        id=["v1", "v2", "v3"],
        poor_people=[10, 30, 20],
    )
    c = write_points(tmp_path / "c.geojson", [(115.00, 25.3), (115.10, 25.3)], id=["c1", "c2"])
    e = write_points(tmp_path / "e.geojson", [(116.0, 26.0)], id=["e1"])
    return v, c, e


def test_plan_on_files_picks_the_heavier_village(run_cli, planner_files):
    v, c, e = planner_files
    code, out, _ = run_cli(
        "plan-stations",
        "--radius-km",
        "1",
        "--add",
        "1",
        "--villages",
        v,
        "--candidates",
        c,
        "--existing",
        e,
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert (
        data["selected"] == ["c2"] and data["covered_weight"] == 20 and data["total_weight"] == 60
    )


def test_plan_on_files_weighs_each_village_one(run_cli, planner_files):
    # the planner's villages file has no "villages" column: each point is one village
    v, c, e = planner_files
    argv = ["plan-stations", "--radius-km", "1", "--weight", "villages", "--json"]
    code, out, err = run_cli(
        *argv, "--add", "2", "--villages", v, "--candidates", c, "--existing", e
    )
    assert code == 0, err
    data = json.loads(out)
    assert sorted(data["selected"]) == ["c1", "c2"]
    assert (data["covered_weight"], data["total_weight"]) == (2, 3)
    code, out, err = run_cli(
        *argv,
        "--target-coverage",
        "0.3",
        "--villages",
        v,
        "--candidates",
        c,
        "--existing",
        e,
    )
    assert code == 0, err
    assert len(json.loads(out)["selected"]) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--radius-km", "-1", "--add", "1"], "must not be negative"),
        (["--radius-km", "1", "--township-radius-km", "-2", "--add", "1"], "must not be negative"),
        (["--radius-km", "1", "--add", "3"], "more than the 2 candidates"),
        (["--radius-km", "1", "--add", "1", "--weight", "votes"], "unknown weight 'votes'"),
    ],
)
def test_bad_planning_input_is_one_clear_line(run_cli, planner_files, args, message):
    v, c, e = planner_files
    code, out, err = run_cli(
        "plan-stations", *args, "--villages", v, "--candidates", c, "--existing", e
    )
    assert code != 0 and out == ""
    assert message in err and err.strip().count("\n") == 0


def test_missing_file_and_missing_crs_are_refused(run_cli, planner_files, tmp_path):
    v, c, e = planner_files
    code, _, err = run_cli(
        "plan-stations",
        "--radius-km",
        "1",
        "--add",
        "1",
        "--villages",
        str(tmp_path / "nope.geojson"),
        "--candidates",
        c,
        "--existing",
        e,
    )
    assert code != 0 and "villages: no file at" in err
    shp = write_points(tmp_path / "c.shp", [(500_000, 2_800_000)], crs="EPSG:4547", id=["c9"])
    (tmp_path / "c.prj").unlink()
    code, _, err = run_cli(
        "plan-stations",
        "--radius-km",
        "1",
        "--add",
        "1",
        "--villages",
        v,
        "--candidates",
        shp,
        "--existing",
        e,
    )
    assert code != 0 and "candidates: c.shp declares no CRS" in err


def test_plan_written_as_geojson_and_excel_and_saved_by_name(run_cli, demo_copy, tmp_path):
    ws = demo_copy
    args = ["plan-stations", str(ws), "--radius-km", "3", "--add", "2", "--json"]
    code, out, _ = run_cli(*args, "--out", str(tmp_path / "p.geojson"), "--save", "两站")
    assert code == 0
    selected = json.loads(out)["selected"]
    stations = gpd.read_file(tmp_path / "p.geojson")
    assert list(stations.loc[stations["role"] == "proposed", "id"]) == selected
    assert stations.crs.to_epsg() == 4326 and (stations["role"] == "existing").sum() >= 1
    plan = saved_plan(read_workspace(ws)["station_plans"], "两站")
    assert list(plan.stations["id"]) == selected and plan.radius_km == 3

    code, _, err = run_cli(*args, "--save", "两站")  # the name is taken
    assert code != 0 and "exists" in err
    code, _, _ = run_cli(*args, "--save", "两站", "--replace", "--out", str(tmp_path / "p.xlsx"))
    assert code == 0 and plan_names(read_workspace(ws)["station_plans"]) == ["两站"]
    summary = pd.read_excel(tmp_path / "p.xlsx", sheet_name="汇总", engine="calamine")
    assert summary.iloc[0, 0] == "覆盖行政村(个)" and summary.iloc[0, 3] >= 0

    code, _, err = run_cli(*args, "--out", str(tmp_path / "p.shp"))
    assert code != 0 and "--out p.shp" in err


def test_a_wider_township_centre_covers_more_before_any_new_station(run_cli, demo_path):
    def covered(*extra: str) -> dict:
        args = ["plan-stations", str(demo_path), "--radius-km", "2", "--add", "1", "--json"]
        args += ["--weight", "villages"]
        code, out, _ = run_cli(*args, *extra)
        assert code == 0
        return json.loads(out)

    same, wide = covered(), covered("--township-radius-km", "8")
    assert wide["covered_weight"] > same["covered_weight"]
    assert wide["total_weight"] == same["total_weight"]


def test_target_coverage_is_the_true_minimum_and_matches_the_smallest_add(run_cli, tmp_path):
    """Issue 12's planner files: 60 villages, 40 candidate sites, 3 existing stations, 3.1 km,
    each village weighing 1. With a MIP start HiGHS once answered 7 for a minimum of 6."""
    rng = np.random.default_rng(9)
    to_deg = 1 / 111_000  # metres to degrees near 25°N, enough for a synthetic layout
    villages = rng.uniform(0, 15_000, (60, 2))
    sites = rng.uniform(0, 15_000, (43, 2))

    def lonlat(xy):
        return [(115.0 + x * to_deg / 0.906, 25.3 + y * to_deg) for x, y in xy]

    v = write_points(tmp_path / "v.geojson", lonlat(villages), id=[f"v{i}" for i in range(60)])
    c = write_points(tmp_path / "c.geojson", lonlat(sites[:40]), id=[f"c{i}" for i in range(40)])
    e = write_points(tmp_path / "e.geojson", lonlat(sites[40:]), id=["e1", "e2", "e3"])
    files = ["--villages", v, "--candidates", c, "--existing", e]
    base = ["plan-stations", "--radius-km", "3.1", "--weight", "villages", "--json", *files]
    code, out, err = run_cli(*base, "--target-coverage", "0.9")
    assert code == 0, err
    fewest = json.loads(out)
    assert fewest["optimal"] and fewest["covered_share"] >= 0.9
    n = len(fewest["selected"])
    for k in (n - 1, n):
        code, out, err = run_cli(*base, "--add", str(k))
        reached = json.loads(out)["covered_share"] >= 0.9 - 1e-9
        assert reached == (k == n), (k, n)  # n stations reach 90%; n - 1 cannot
