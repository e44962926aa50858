"""The sidebar holds only what applies to every page: language and year (and the pages)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.paths import APP
from township_atlas.dashboard import basemaps

pytestmark = pytest.mark.slow  # whole pages


def sidebar_text(at: AppTest) -> str:
    return " ".join(str(getattr(e, "value", "")) for e in at.sidebar)


# AppTest loses the sidebar of an st.navigation app after its first run (the browser does
# not): each test looks at it on the first run.


def test_the_sidebar_has_language_and_year_only(app, demo_path):
    at = app.run()
    assert not at.exception
    kinds = [type(e).__name__ for e in at.sidebar if type(e).__name__ != "SpecialBlock"]
    assert kinds == ["Radio", "Title", "Slider"]
    assert [r.key for r in at.sidebar.radio] == ["lang"]
    assert at.sidebar.slider(key="year__zh").value == 2025
    # No workspace file, machine path or base-map instructions on every page.
    text = sidebar_text(at)
    assert demo_path.name not in text and "工作空间" not in text
    assert "TIANDITU_KEY" not in text and str(basemaps.settings_path()) not in text


def test_the_workspace_file_is_named_on_the_data_page(app, demo_path):
    at = app.run()
    assert not any(demo_path.name in t.value for t in at.text)  # not on 一张图
    at.switch_page("app_pages/data_page.py").run()
    assert not at.exception
    assert any(t.value == f"工作空间: {demo_path.name}" for t in at.text)


def test_the_basemap_settings_are_explained_on_the_rules_page(app, monkeypatch):
    monkeypatch.delenv(basemaps.KEY_ENV, raising=False)
    monkeypatch.delenv(basemaps.TILES_ENV, raising=False)
    at = app.run()
    at.switch_page("app_pages/rules_page.py").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "TIANDITU_KEY" in text and "TOWNSHIP_ATLAS_TILES" in text
    codes = [c.value for c in at.code]
    assert str(basemaps.settings_path()) in codes
    assert any("tianditu_key" in c for c in codes)


def test_a_set_key_is_said_to_be_set_and_never_shown(app, monkeypatch):
    monkeypatch.setenv(basemaps.KEY_ENV, "secret-key-1234")
    at = app.run()
    at.switch_page("app_pages/rules_page.py").run()
    assert not at.exception
    assert any("天地图密钥:已设置" in s.value for s in at.success)
    shown = [e.value for e in (*at.markdown, *at.code, *at.text, *at.caption, *at.success)]
    assert not any("secret-key-1234" in v for v in shown)


def test_a_new_workspace_has_language_only(tmp_path, monkeypatch):
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(tmp_path / "new.gpkg"))
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception
    assert not at.sidebar.slider and [r.key for r in at.sidebar.radio] == ["lang"]
    # the data page says what to do (the file name Markdown-escaped: it comes from the user)
    assert any("new\\.gpkg" in w.value for w in at.warning)
