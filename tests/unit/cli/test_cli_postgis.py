"""The command line on a workspace in PostgreSQL + PostGIS: ``migrate`` both ways, and the
figures, checks and imports giving what they give on the GeoPackage (skipped, with the reason,
where no server can start)."""

from __future__ import annotations

import json

import pytest

from tests.support.paths import CORPUS
from township_atlas.geo.workspace import read_workspace, workspace_exists

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def db_demo(postgres, demo_path):
    """The demo migrated into a schema of its own (tests must not change it)."""
    from township_atlas.geo.migrate import migrate

    url = postgres.new_schema_url()
    migrate(demo_path, url)
    return url


def _json(result):
    assert result.code == 0, result.err
    return json.loads(result.out)


@pytest.mark.parametrize(
    "command",
    [
        ("summary", "--json"),
        ("summary", "--json", "--year", "2018"),
        ("exit-check", "--json", "--year", "2019"),
        ("relocation-check", "--json"),
        ("plan-stations", "--json", "--radius-km", "3", "--add", "2"),
    ],
)
def test_figures_from_the_database_are_those_of_the_file(run_cli, demo_path, db_demo, command):
    name, *rest = command
    from_file = _json(run_cli(name, demo_path, *rest))
    from_db = _json(run_cli(name, db_demo, *rest))
    if isinstance(from_file, dict):
        from_file.pop("workspace", None)
        assert from_db.pop("workspace", db_demo).startswith("postgresql://")
        from_file.pop("seconds", None), from_db.pop("seconds", None)  # the solver's time
    assert from_db == from_file


def test_migrate_refuses_a_destination_holding_a_workspace(run_cli, demo_path, db_demo):
    result = run_cli("migrate", demo_path, db_demo)
    assert result.code == 2
    assert "--replace" in result.err and len(result.err.strip().splitlines()) == 1


def test_migrate_back_gives_the_same_workspace_and_brings_the_audit_log(
    run_cli, demo_path, db_demo, tmp_path
):
    back = tmp_path / "back.gpkg"
    result = run_cli("migrate", db_demo, back)
    assert result.code == 0, result.err
    assert "audit log" in result.out
    a, b = read_workspace(demo_path), read_workspace(back)
    for name in a.layers:
        assert a[name].equals(b[name]) or len(a[name]) == len(b[name]) == 0, name
    rows = _json(run_cli("audit", back, "--json"))
    assert rows[0]["action"] == "migrate"


def test_a_password_in_the_address_is_never_printed(run_cli, postgres):
    url = postgres.url(schema="nothing_here").replace("atlas@", "atlas:s3cret@")
    result = run_cli("summary", url)
    assert result.code != 0
    assert "s3cret" not in result.out + result.err
    assert len(result.err.strip().splitlines()) == 1


def test_an_unreachable_database_is_one_line_exit_2(run_cli):
    result = run_cli("summary", "postgresql://atlas@127.0.0.1:1/atlas")
    assert result.code == 2
    assert result.err.startswith("township-atlas: error: cannot connect")
    assert len(result.err.strip().splitlines()) == 1


def test_a_new_database_workspace_is_made_by_importing_and_takes_a_register(
    run_cli, postgres, tmp_path
):
    from township_atlas.data.demo import build_demo_layers

    url = postgres.new_schema_url()
    layers = build_demo_layers()
    villages = tmp_path / "villages.geojson"
    layers["villages"].to_file(villages, driver="GeoJSON")
    made = run_cli("import", "villages", villages, url)
    assert made.code == 0, made.err
    assert "s3cret" not in made.out
    assert workspace_exists(url)
    register = CORPUS / "register" / "per_household_gbk.csv"
    result = run_cli("import", "households", register, url, "--accept-partial")
    assert result.code in (0, 3), result.err
    households = read_workspace(url).households
    assert len(households) > 0
    assert households["village_code"].isin(read_workspace(url).villages["code"]).all()
