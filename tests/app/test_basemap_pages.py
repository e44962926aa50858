"""The base map on the 一张图 page: only base maps that can work are offered, 高德 needs the
network and says so, one that stopped working falls back to none."""

from __future__ import annotations

import json
import secrets

import pytest

from tests.support.basemaps import no_basemap_settings, png
from township_atlas.dashboard import basemaps


@pytest.fixture(autouse=True)
def clean_settings(tmp_path, monkeypatch):
    yield from no_basemap_settings(tmp_path, monkeypatch)


def test_the_map_controls_offer_only_basemaps_that_can_work(app):
    at = app.run()
    assert not at.exception
    radio = at.radio(key="basemap__zh")
    assert radio.options == [
        "无底图(离线)",
        "OpenStreetMap(需联网)",
        "高德地图(需联网,GCJ-02)",
        "高德影像(需联网,GCJ-02)",
    ]
    assert "basemap__zh" not in [r.key for r in at.sidebar.radio]
    # How to get 天地图 is said on 规则设置, with no machine path next to the map.
    notes = " ".join(c.value for c in at.caption)
    assert "规则设置" in notes and "TIANDITU_KEY" not in notes
    assert str(basemaps.settings_path()) not in notes


def test_amap_basemap_on_the_map_page(app, monkeypatch, tmp_path):
    folder = tmp_path / "tiles"
    (folder / "12" / "3300").mkdir(parents=True)
    (folder / "12" / "3300" / "1700.png").write_bytes(png("white"))
    monkeypatch.setenv(basemaps.KEY_ENV, "k" + secrets.token_hex(8))
    monkeypatch.setenv(basemaps.TILES_ENV, str(folder))
    app.session_state["basemap"] = "amap"
    at = app.run()
    assert not at.exception
    assert len(at.radio(key="basemap__zh").options) == len(basemaps.BASEMAPS)
    notes = " ".join(c.value for c in at.caption)
    assert "GCJ-02" in notes and "需要联网" in notes and "webrd01.is.autonavi.com" in notes
    (component,) = at.get("component_instance")
    script = json.loads(component.proto.json_args)["script"]
    assert "autonavi.com" in script


def test_a_basemap_that_stopped_working_falls_back_to_none(app):
    app.session_state["basemap"] = "tianditu_img"  # chosen while a key was set
    at = app.run()
    assert not at.exception
    assert at.radio(key="basemap__zh").value == "none"
    assert "tianditu" not in json.loads(at.get("component_instance")[0].proto.json_args)["script"]
