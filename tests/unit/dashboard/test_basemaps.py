"""Base maps: tile URLs, settings (key, local tiles), the GCJ-02 shift of overlays on 高德 maps,
clicks shifted back, local tile folders and MBTiles served by Streamlit. No network."""

from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Point

from tests.support.basemaps import no_basemap_settings, png
from tests.support.paths import ROOT
from township_atlas.analysis import station_plan
from township_atlas.dashboard import basemaps, view
from township_atlas.dashboard import map as township_map
from township_atlas.dashboard import state as S
from township_atlas.geo import gcj02

GEOD = Geod(ellps="WGS84")
#: The real probe, kept before the fixture below replaces it for every test.
TCP_PROBE = basemaps.tcp_probe
# A Tianditu key, if this machine has one: read before any test clears the environment.
REAL_KEY = os.environ.get(basemaps.KEY_ENV, "").strip()
TILE_LAYER = re.compile(r'L\.tileLayer\(\s*("(?:[^"\\]|\\.)*")')
ATTRIBUTION = re.compile(r'"attribution": ("(?:[^"\\]|\\.)*")')


@pytest.fixture(autouse=True)
def clean_settings(tmp_path, monkeypatch):
    """No key, no tiles and an empty settings folder, whatever this machine has set."""
    yield from no_basemap_settings(tmp_path, monkeypatch)


@pytest.fixture(scope="module")
def base_spec(demo_ws):
    return view.map_spec(demo_ws, 2020, "poor_people", "zh")


def render(spec) -> str:
    return township_map.build_map(spec).get_root().render()


def tile_urls(page: str) -> list[str]:
    return [json.loads(m) for m in TILE_LAYER.findall(page)]


def attributions(page: str) -> set[str]:
    return {json.loads(m) for m in ATTRIBUTION.findall(page)}


def metres(lat1, lng1, lat2, lng2) -> float:
    return GEOD.inv(lng1, lat1, lng2, lat2)[2]


# --- tile URLs and settings ----------------------------------------------------------------


def tianditu(layer: str, key: str) -> str:
    return (
        f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
        f"&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
        f"&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
    )


AMAP = (
    "https://webrd0{s}.is.autonavi.com/appmaptile"
    "?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
)


@pytest.mark.parametrize(
    ("basemap", "expected"),
    [
        ("none", []),
        ("osm", ["https://tile.openstreetmap.org/{z}/{x}/{y}.png"]),
        ("tianditu_vec", [tianditu("vec", "KEY"), tianditu("cva", "KEY")]),
        ("tianditu_img", [tianditu("img", "KEY"), tianditu("cia", "KEY")]),
        ("amap", [AMAP]),
        (
            "amap_img",
            [
                "https://webst0{s}.is.autonavi.com/appmaptile?style=6&x={x}&y={y}&z={z}",
                "https://webst0{s}.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}",
            ],
        ),
    ],
)
def test_each_basemap_draws_its_tile_layers(base_spec, monkeypatch, basemap, expected):
    key = "t" + secrets.token_hex(16)
    monkeypatch.setenv(basemaps.KEY_ENV, key)
    page = render(replace(base_spec, basemap=basemap))
    assert tile_urls(page) == [url.replace("KEY", key) for url in expected]
    attribution = {
        "none": None,
        "osm": "OpenStreetMap</a> contributors",
        "tianditu_vec": "天地图",
        "tianditu_img": "天地图",
        "amap": "高德地图",
        "amap_img": "高德地图",
    }[basemap]
    if attribution:
        (text,) = attributions(page)  # one, even with an annotation layer
        assert attribution in text and text.startswith("&copy; <a href=")


def test_without_a_key_tianditu_is_not_offered_nor_drawn(base_spec):
    settings = basemaps.load_settings()
    assert settings.tianditu_key is None
    assert basemaps.choices(settings) == ["none", "osm", "amap", "amap_img"]
    for key in basemaps.TIANDITU:
        page = render(replace(base_spec, basemap=key))
        assert tile_urls(page) == [] and "tianditu" not in page


def test_key_and_tiles_are_read_from_the_settings_file(clean_settings, tmp_path, monkeypatch):
    tiles = tmp_path / "tiles"
    (tiles / "0" / "0").mkdir(parents=True)
    (tiles / "0" / "0" / "0.png").write_bytes(png("white"))
    assert basemaps.settings_path() == clean_settings / "settings.toml"
    basemaps.settings_path().write_text(
        f'[basemap]\ntianditu_key = "from-file"\ntiles = {json.dumps(str(tiles))}\n'
        'tiles_datum = "GCJ-02"\n',
        encoding="utf-8",
    )
    settings = basemaps.load_settings()
    assert settings.tianditu_key == "from-file" and settings.tiles == tiles
    assert settings.tiles_datum == basemaps.GCJ02 and settings.problem is None
    assert basemaps.choices(settings) == list(basemaps.BASEMAPS)
    assert basemaps.datum("local", settings) == basemaps.GCJ02
    monkeypatch.setenv(basemaps.KEY_ENV, "from-env")  # the environment wins
    assert basemaps.load_settings().tianditu_key == "from-env"


def test_an_unreadable_settings_file_is_reported_not_raised():
    basemaps.settings_path().write_text("[basemap\ntianditu_key = ", encoding="utf-8")
    settings = basemaps.load_settings()
    assert settings.problem and "settings.toml" in settings.problem
    assert settings.tianditu_key is None and "none" in basemaps.choices(settings)


def test_unknown_basemap_is_refused():
    with pytest.raises(ValueError, match="unknown base map"):
        basemaps.resolve("bing", basemaps.Settings())


def repo_files() -> list[Path]:
    skip = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", "node_modules"}
    files = []
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in skip and not d.endswith(".egg-info")]
        files += [Path(folder) / n for n in names]
    return [f for f in files if f.stat().st_size < 5_000_000]


def test_the_key_never_appears_in_any_file_of_the_repo(base_spec, monkeypatch):
    assert ROOT not in basemaps.settings_path().parents  # settings live outside the repo
    key = "k" + secrets.token_hex(16)  # made here, so no file can hold it by chance
    monkeypatch.setenv(basemaps.KEY_ENV, key)
    assert key in render(replace(base_spec, basemap="tianditu_img"))  # the browser needs it
    hard_coded = re.compile(rb"tk=[0-9a-f]{32}", re.IGNORECASE)
    needles = [key.encode()] + ([REAL_KEY.encode()] if len(REAL_KEY) >= 8 else [])
    for path in repo_files():
        data = path.read_bytes()
        assert not hard_coded.search(data), f"a Tianditu key is written in {path}"
        for needle in needles:
            assert needle not in data, f"the Tianditu key is in {path}"


# --- GCJ-02 --------------------------------------------------------------------------------


def test_amap_shifts_every_overlay_by_about_500_m(base_spec):
    # compact JSON in the page: compare without spaces
    plain = render(replace(base_spec, basemap="none")).replace(" ", "")
    shifted = render(replace(base_spec, basemap="amap")).replace(" ", "")
    label = base_spec.labels.geometry.iloc[0]  # a village's name: a Batch item at [lat, lng]
    vertex = shapely.get_coordinates(base_spec.villages.geometry.iloc[0])[0]  # GeoJSON [lng, lat]
    road = base_spec.roads.geometry.iloc[0].coords[0]  # a polyline's [lat, lng]
    g_label = np.round(gcj02.wgs84_to_gcj02(label.x, label.y), 6)
    g_vertex = np.round(gcj02.wgs84_to_gcj02(*vertex), 6)
    g_road = np.round(gcj02.wgs84_to_gcj02(*road), 6)
    cases = [
        (json.dumps([round(label.y, 6), round(label.x, 6)]), json.dumps([g_label[1], g_label[0]])),
        (json.dumps([round(vertex[0], 6), round(vertex[1], 6)]), json.dumps(list(g_vertex))),
        (json.dumps([round(road[1], 6), round(road[0], 6)]), json.dumps([g_road[1], g_road[0]])),
    ]
    cases = [(wgs.replace(" ", ""), gcj.replace(" ", "")) for wgs, gcj in cases]
    for wgs, gcj in cases:
        assert wgs in plain and gcj not in plain
        assert gcj in shifted and wgs not in shifted
    assert 300 < metres(label.y, label.x, g_label[1], g_label[0]) < 700


def test_in_datum_shifts_every_frame_of_a_spec_and_the_planners_roads(demo_ws):
    existing = station_plan.workspace_existing(demo_ws)
    _, after = station_plan.compare_coverage(
        demo_ws, 2025, existing, existing.iloc[:0], 3000, "road"
    )
    spec = view.plan_map_spec(
        demo_ws, 2025, "zh", after.villages["covered"], after.villages["nearest_m"],
        existing, existing.iloc[:0], 3000, "road", basemap="amap",
    )  # fmt: skip
    moved = township_map.in_datum(spec, basemaps.GCJ02)
    assert township_map.in_datum(spec, basemaps.WGS84) is spec
    for name in ("villages", "labels", "outline", "roads", "rivers", "service_points", "plan"):
        before, after_ = getattr(spec, name), getattr(moved, name)
        assert len(before) == len(after_) and list(before.geom_type) == list(after_.geom_type)
        a, b = before.geometry.iloc[0].centroid, after_.geometry.iloc[0].centroid
        assert 300 < metres(a.y, a.x, b.y, b.x) < 700, name
    reach_before = next(g for g in spec.plan["reach"] if g is not None)
    reach_after = next(g for g in moved.plan["reach"] if g is not None)
    a, b = reach_before.centroid, reach_after.centroid
    assert 300 < metres(a.y, a.x, b.y, b.x) < 700


def test_a_planner_click_on_amap_comes_back_in_wgs84(base_spec, monkeypatch):
    wgs = (25.3, 115.1)  # (lat, lng) of a place in the township
    g_lng, g_lat = gcj02.wgs84_to_gcj02(wgs[1], wgs[0])  # where it is drawn on 高德 tiles
    on_amap = replace(base_spec, basemap="amap")
    lat, lng = township_map.map_to_wgs84(on_amap, g_lat, g_lng)
    assert abs(lat - wgs[0]) < 1e-7 and abs(lng - wgs[1]) < 1e-7
    on_none = replace(base_spec, basemap="none")
    assert township_map.map_to_wgs84(on_none, *wgs) == wgs

    # Through show_plan: the same click keeps its point after the base map changes.
    store: dict = {}
    monkeypatch.setattr(S, "get", lambda key: store.get(key, S.DEFAULTS[key]))
    monkeypatch.setattr(S, "set_value", store.__setitem__)
    monkeypatch.setattr(township_map, "_draw", lambda *a, **k: {"lat": g_lat, "lng": g_lng})
    first = township_map.show_plan(on_amap, key="plan_map")
    assert first == (lat, lng)
    assert township_map.show_plan(on_none, key="plan_map") == first
    assert S.DEFAULTS[S.MAP_CLICKS] == {}  # the default was not mutated


# --- local tiles ---------------------------------------------------------------------------


def test_a_local_tile_folder_is_served_from_the_component_path(base_spec, tmp_path, monkeypatch):
    folder = tmp_path / "tiles"
    (folder / "0" / "0").mkdir(parents=True)
    (folder / "0" / "0" / "0.png").write_bytes(png("#88aa66"))
    monkeypatch.setenv(basemaps.TILES_ENV, str(folder))
    settings = basemaps.load_settings()
    assert "local" in basemaps.choices(settings)
    tiles = basemaps.local_tiles(settings)
    assert (tiles.folder, tiles.ext, tiles.min_zoom, tiles.max_zoom) == (folder, "png", 0, 0)
    page = render(replace(base_spec, basemap="local"))
    (url,) = tile_urls(page)
    prefix = f"../{basemaps.LOCAL_TILES_COMPONENT}/{{z}}/{{x}}/{{y}}.png?v="
    assert url.startswith(prefix) and "http" not in url
    assert '"maxNativeZoom": 0' in page
    component = basemaps.serve_local_tiles(tiles)
    assert component.name == basemaps.LOCAL_TILES_COMPONENT
    assert Path(component.abspath) == folder.resolve()
    # The URL, relative to streamlit-folium's iframe (<base>/component/streamlit_folium.st_folium/
    # index.html), reaches the tile file inside the declared folder.
    tile = url[len("../") + len(basemaps.LOCAL_TILES_COMPONENT) + 1 :].split("?")[0]
    assert (folder / tile.format(z=0, x=0, y=0)).is_file()


def test_without_usable_local_tiles_the_option_is_hidden(base_spec, tmp_path, monkeypatch):
    assert "local" not in basemaps.choices(basemaps.load_settings())
    assert basemaps.tiles_problem(basemaps.load_settings()) is None
    empty = tmp_path / "empty"
    empty.mkdir()
    for broken in (tmp_path / "missing", empty, tmp_path / "notes.txt"):
        monkeypatch.setenv(basemaps.TILES_ENV, str(broken))
        settings = basemaps.load_settings()
        assert "local" not in basemaps.choices(settings)
        assert str(broken) in basemaps.tiles_problem(settings)
        assert tile_urls(render(replace(base_spec, basemap="local"))) == []


def make_mbtiles(path: Path, tiles: dict, fmt: str = "png", **meta: str) -> Path:
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        con.execute(
            "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
            " tile_data BLOB)"
        )
        con.executemany(
            "INSERT INTO metadata VALUES (?, ?)", [("name", "test"), ("format", fmt), *meta.items()]
        )
        con.executemany(
            "INSERT INTO tiles VALUES (?, ?, ?, ?)",
            [(z, x, row, data) for (z, x, row), data in tiles.items()],
        )
    return path


def test_mbtiles_are_extracted_once_with_y_flipped(clean_settings, tmp_path, monkeypatch):
    colours = {(0, 0, 0): "red", (1, 0, 0): "green", (1, 1, 1): "blue"}  # (z, x, TMS row)
    data = {k: png(c) for k, c in colours.items()}
    source = make_mbtiles(
        tmp_path / "古陂.mbtiles", data, attribution='<a href="x">© 测绘</a><script>'
    )
    out = basemaps.extract_mbtiles(source)
    assert clean_settings in out.parents  # under the user's data folder, not beside the file
    # XYZ y = 2**z - 1 - TMS row: row 0 is the southern tile.
    assert (out / "0" / "0" / "0.png").read_bytes() == data[(0, 0, 0)]
    assert (out / "1" / "0" / "1.png").read_bytes() == data[(1, 0, 0)]
    assert (out / "1" / "1" / "0.png").read_bytes() == data[(1, 1, 1)]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.png")) == [
        "0/0/0.png",
        "1/0/1.png",
        "1/1/0.png",
    ]
    stamp = (out / "1" / "0" / "1.png").stat().st_mtime_ns
    assert basemaps.extract_mbtiles(source) == out  # once: the second call writes nothing
    assert (out / "1" / "0" / "1.png").stat().st_mtime_ns == stamp

    monkeypatch.setenv(basemaps.TILES_ENV, str(source))
    tiles = basemaps.local_tiles(basemaps.load_settings())
    assert (tiles.folder, tiles.min_zoom, tiles.max_zoom) == (out, 0, 1)
    assert "<script>" not in tiles.attribution and "© 测绘" in tiles.attribution


def test_vector_or_broken_mbtiles_are_refused(tmp_path, monkeypatch):
    vector = make_mbtiles(tmp_path / "v.mbtiles", {(0, 0, 0): b"\x1a\x00"}, fmt="pbf")
    with pytest.raises(basemaps.TilesError, match="vector tiles"):
        basemaps.extract_mbtiles(vector)
    junk = tmp_path / "junk.mbtiles"
    junk.write_bytes(b"not sqlite" * 100)
    monkeypatch.setenv(basemaps.TILES_ENV, str(junk))
    assert "MBTiles" in basemaps.tiles_problem(basemaps.load_settings())


# --- is the tile server reachable? ----------------------------------------------------------


class FakeProbe:
    def __init__(self, answer: bool = True):
        self.answer, self.hosts = answer, []

    def __call__(self, host: str) -> bool:
        self.hosts.append(host)
        return self.answer


def test_offline_basemaps_need_no_probe():
    probe = FakeProbe()
    for key in ("none", "local"):
        assert basemaps.reachable(key, probe=probe) is None
        assert not basemaps.online(key)
    assert probe.hosts == []
    assert all(basemaps.online(k) for k in basemaps.TILE_HOSTS)


def test_reachability_is_asked_once_a_minute_per_host():
    probe, now = FakeProbe(answer=False), [1000.0]
    clock = lambda: now[0]  # noqa: E731
    assert basemaps.reachable("osm", probe=probe, clock=clock) is False
    assert basemaps.reachable("osm", probe=probe, clock=clock) is False
    now[0] += basemaps.REACH_TTL - 1
    assert basemaps.reachable("osm", probe=probe, clock=clock) is False
    assert probe.hosts == ["tile.openstreetmap.org"]
    # 天地图's two maps share one host: one probe answers both
    assert basemaps.reachable("tianditu_vec", probe=probe, clock=clock) is False
    assert basemaps.reachable("tianditu_img", probe=probe, clock=clock) is False
    assert probe.hosts[1:] == ["t0.tianditu.gov.cn"]
    now[0] += 2  # a minute on: the network may be back
    probe.answer = True
    assert basemaps.reachable("osm", probe=probe, clock=clock) is True
    assert probe.hosts[-1] == "tile.openstreetmap.org"


def test_a_slow_or_failing_probe_counts_as_unreachable_and_does_not_hold_the_page(monkeypatch):
    import time

    monkeypatch.setattr(basemaps, "REACH_TIMEOUT", 0.05)

    def slow(host: str) -> bool:
        time.sleep(3)
        return True

    def broken(host: str) -> bool:
        raise RuntimeError("no resolver")

    started = time.monotonic()
    assert basemaps.reachable("amap", probe=slow) is False
    assert time.monotonic() - started < 1.5
    assert basemaps.reachable("amap_img", probe=broken) is False


def test_declared_offline_means_unreachable_without_trying(monkeypatch):
    monkeypatch.setenv(basemaps.OFFLINE_ENV, "1")
    probe = FakeProbe()
    assert basemaps.reachable("osm", probe=probe) is False
    assert probe.hosts == []


def test_tcp_probe_on_this_machine_only():
    import socket

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert TCP_PROBE("127.0.0.1", port, timeout=1) is True
    assert TCP_PROBE("127.0.0.1", port, timeout=1) is False  # closed now: refused at once


def test_points_far_from_china_are_not_shifted_on_amap(base_spec):
    # Guard for workspaces outside China: 高德 draws them in WGS84 already.
    frame = base_spec.labels.iloc[:1].set_geometry([Point(2.35, 48.85)], crs="EPSG:4326")
    moved = township_map.in_datum(replace(base_spec, labels=frame), basemaps.GCJ02)
    assert moved.labels.geometry.iloc[0].equals(Point(2.35, 48.85))


def test_the_scale_bar_is_metric_only(base_spec, clean_settings):
    page = render(base_spec)
    assert page.count("L.control.scale(") == 1
    assert "imperial: false" in page
