"""The dashboard on a workspace in PostgreSQL + PostGIS (the demo migrated into a schema of its
own): every page runs, shows the figures the file gives, and names the database without its
password. Skipped, with the reason, where no server can start."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.paths import APP

PAGES = [
    "map_page",
    "meeting_page",
    "plan_page",
    "plans_page",
    "progress_page",
    "gaps_page",
    "relocation_page",
    "record_page",
    "household_page",
    "villages_page",
    "data_page",
    "rules_page",
    "schema_page",
    "audit_page",
    "users_page",
]


@pytest.fixture(scope="module")
def db_demo(postgres, demo_path):
    from township_atlas.geo.migrate import migrate

    url = postgres.new_schema_url()
    migrate(demo_path, url)
    return url.replace("atlas@", "atlas:s3cret@")  # trust auth: the password is never checked


@pytest.fixture
def db_app(db_demo, monkeypatch):
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", db_demo)
    return AppTest.from_file(APP, default_timeout=90)


def test_the_map_page_shows_the_demo_from_the_database(db_app):
    at = db_app.run()
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert any("建档立卡" in label and "966" in label for label in labels)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_database(db_app, page):
    at = db_app.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, page
    shown = " ".join(str(e.value) for e in at.get("text") + at.get("markdown"))
    assert "s3cret" not in shown
