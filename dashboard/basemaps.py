"""Base maps under the township map: which exist, how they are reached, what they are set with.

The default is no tiles at all: the workspace's township outline, roads and rivers are the base,
so the map is complete offline. The others:

- ``osm``: OpenStreetMap (online).
- ``tianditu_vec`` / ``tianditu_img``: 天地图 vector or imagery with its annotation layer (online;
  WGS84/CGCS2000 web-mercator tiles; needs the user's own key).
- ``amap`` / ``amap_img``: 高德 road map or imagery (online; **GCJ-02** tiles: every overlay must be
  shifted with :mod:`township_atlas.geo.gcj02` or it sits some 500 m off).
- ``local``: a tile folder (``{z}/{x}/{y}.png``) or an MBTiles file on this computer (offline),
  served by the Streamlit server itself as the folder of a declared component, the way
  :mod:`township_atlas.dashboard.assets` serves Leaflet. An MBTiles file is extracted once into
  a cache folder under the user's data folder.

Settings are never in code or in the repository. Each is read from the environment first, then
from ``settings.toml`` (:func:`settings_path`), table ``[basemap]``::

    [basemap]
    tianditu_key = "…"                 # or the environment variable TIANDITU_KEY
    tiles = "D:/底图/古陂镇.mbtiles"     # or TOWNSHIP_ATLAS_TILES: a folder or an .mbtiles file
    tiles_datum = "wgs84"              # "gcj02" for tiles cut from 高德 or other GCJ-02 maps
    tiles_attribution = "…"            # shown in the map's corner

Online base maps need the internet: :func:`reachable` says, once a minute at most and within
about two seconds, whether this computer can reach their tile server (``TOWNSHIP_ATLAS_OFFLINE=1``
says no without trying), so the page can warn instead of showing a grey map.

No folium here: :mod:`township_atlas.dashboard.map` turns a :class:`Basemap` into tile layers.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import shutil
import socket
import sqlite3
import threading
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from platformdirs import user_config_path

from ..geo import paths

#: Every base map, in the order the map controls offer them.
BASEMAPS = ("none", "osm", "tianditu_vec", "tianditu_img", "amap", "amap_img", "local")
TIANDITU = ("tianditu_vec", "tianditu_img")
KEY_ENV = "TIANDITU_KEY"
TILES_ENV = "TOWNSHIP_ATLAS_TILES"
#: Set to 1 on a computer known to be offline: online base maps are reported unreachable
#: without trying to connect.
OFFLINE_ENV = "TOWNSHIP_ATLAS_OFFLINE"
SETTINGS_FILE = "settings.toml"
WGS84, GCJ02 = "wgs84", "gcj02"
LOCAL_TILES_COMPONENT = f"{__name__}.tiles"
_TILE_EXTENSIONS = ("png", "jpg", "jpeg", "webp")

OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
# 天地图 WMTS, web-mercator tile matrix set "w", hosts t0–t7 (lbs.tianditu.gov.cn, 地图API服务).
TIANDITU_URL = (
    "https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)
TIANDITU_ATTRIBUTION = '&copy; <a href="https://www.tianditu.gov.cn/">天地图</a>'
#: Base layer and its annotation layer (矢量注记 cva, 影像注记 cia).
TIANDITU_LAYERS = {"tianditu_vec": ("vec", "cva"), "tianditu_img": ("img", "cia")}
# 高德 tiles, hosts webrd01–04 / webst01–04: style 8 road map, style 6 imagery, style 8 on the
# imagery hosts its roads and names.
AMAP_URL = (
    "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
    "&x={x}&y={y}&z={z}"
)
AMAP_IMAGERY_URL = "https://webst0{s}.is.autonavi.com/appmaptile?style=6&x={x}&y={y}&z={z}"
AMAP_IMAGERY_LABELS_URL = "https://webst0{s}.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}"
AMAP_ATTRIBUTION = '&copy; <a href="https://www.amap.com/">高德地图</a>'
LOCAL_ATTRIBUTION = "本地瓦片 / local tiles"
#: The host each online base map's tiles come from (one of its subdomains): probed by
#: :func:`reachable`.
TILE_HOSTS = {
    "osm": "tile.openstreetmap.org",
    "tianditu_vec": "t0.tianditu.gov.cn",
    "tianditu_img": "t0.tianditu.gov.cn",
    "amap": "webrd01.is.autonavi.com",
    "amap_img": "webst01.is.autonavi.com",
}
#: Seconds a reachability answer is kept, and the longest a probe may hold up a page.
REACH_TTL = 60.0
REACH_TIMEOUT = 1.5


class TilesError(ValueError):
    """The configured local tiles cannot be used; the message says why."""


@dataclass(frozen=True)
class Settings:
    """What the user set for base maps; ``problem`` says why the settings file was not read."""

    tianditu_key: str | None = None
    tiles: Path | None = None
    tiles_datum: str = WGS84
    tiles_attribution: str | None = None
    problem: str | None = None


@dataclass(frozen=True)
class TileLayer:
    """One Leaflet tile layer; ``overlay`` layers (annotations) are drawn over the base one."""

    url: str
    attribution: str
    subdomains: str = ""
    min_native_zoom: int = 0
    max_native_zoom: int = 18
    overlay: bool = False


@dataclass(frozen=True)
class Basemap:
    """The tile layers of base map ``key`` and the datum the overlays must be drawn in."""

    key: str
    datum: str = WGS84
    layers: tuple[TileLayer, ...] = ()
    online: bool = False


@dataclass(frozen=True)
class LocalTiles:
    """A tile folder ready to serve: ``{folder}/{z}/{x}/{y}.{ext}``."""

    folder: Path
    ext: str
    min_zoom: int
    max_zoom: int
    attribution: str
    datum: str
    version: str  # changes when the tiles do, so browsers do not keep stale ones


def settings_path() -> Path:
    """The user's settings file: in ``TOWNSHIP_ATLAS_HOME`` when set, else the config folder."""
    home = os.environ.get("TOWNSHIP_ATLAS_HOME")
    folder = Path(home) if home else user_config_path(paths.APP_NAME, appauthor=False)
    return folder / SETTINGS_FILE


def load_settings() -> Settings:
    """Base-map settings from the environment, then the settings file (never raises)."""
    path = settings_path()
    table: dict = {}
    problem = None
    if path.is_file():
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8")).get("basemap", {})
            if not isinstance(table, dict):
                raise TypeError("[basemap] must be a table")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, TypeError) as exc:
            table, problem = {}, f"{path}: {exc}"

    def setting(env: str | None, name: str) -> str | None:
        value = os.environ.get(env, "") if env else ""
        value = value.strip() or str(table.get(name, "") or "").strip()
        return value or None

    tiles = setting(TILES_ENV, "tiles")
    datum = (setting(None, "tiles_datum") or WGS84).lower().replace("-", "")
    return Settings(
        tianditu_key=setting(KEY_ENV, "tianditu_key"),
        tiles=Path(tiles).expanduser() if tiles else None,
        tiles_datum=GCJ02 if datum == GCJ02 else WGS84,
        tiles_attribution=setting(None, "tiles_attribution"),
        problem=problem,
    )


def choices(settings: Settings) -> list[str]:
    """The base maps that can work with ``settings``: Tianditu needs a key, ``local`` tiles."""
    keep = set(BASEMAPS)
    if not settings.tianditu_key:
        keep -= set(TIANDITU)
    if settings.tiles is None or tiles_problem(settings):
        keep.discard("local")
    return [k for k in BASEMAPS if k in keep]


def tiles_problem(settings: Settings) -> str | None:
    """Why the configured local tiles cannot be used, or None (also None when none are set)."""
    if settings.tiles is None:
        return None
    try:
        local_tiles(settings)
    except TilesError as exc:
        return str(exc)
    return None


def resolve(key: str, settings: Settings) -> Basemap:
    """The tile layers of base map ``key``; none when it cannot work (no key, broken tiles)."""
    if key not in BASEMAPS:
        raise ValueError(f"unknown base map {key!r}; expected one of {', '.join(BASEMAPS)}")
    if key == "osm":
        return Basemap(key, WGS84, (TileLayer(OSM_URL, OSM_ATTRIBUTION, "abc", 0, 19),), True)
    if key in TIANDITU:
        if not settings.tianditu_key:
            return Basemap(key)
        tk = quote(settings.tianditu_key, safe="")
        base, notes = TIANDITU_LAYERS[key]
        layers = tuple(
            TileLayer(
                TIANDITU_URL.format(layer=layer, key=tk),
                TIANDITU_ATTRIBUTION,
                "01234567",
                overlay=overlay,
            )
            for layer, overlay in ((base, False), (notes, True))
        )
        return Basemap(key, WGS84, layers, True)
    if key == "amap":
        return Basemap(key, GCJ02, (TileLayer(AMAP_URL, AMAP_ATTRIBUTION, "1234"),), True)
    if key == "amap_img":
        layers = (
            TileLayer(AMAP_IMAGERY_URL, AMAP_ATTRIBUTION, "1234"),
            TileLayer(AMAP_IMAGERY_LABELS_URL, AMAP_ATTRIBUTION, "1234", overlay=True),
        )
        return Basemap(key, GCJ02, layers, True)
    if key == "local" and settings.tiles is not None:
        try:
            tiles = local_tiles(settings)
        except TilesError:
            return Basemap(key)
        url = f"../{LOCAL_TILES_COMPONENT}/{{z}}/{{x}}/{{y}}.{tiles.ext}?v={tiles.version}"
        layer = TileLayer(url, tiles.attribution, "", tiles.min_zoom, tiles.max_zoom)
        return Basemap(key, tiles.datum, (layer,), False)
    return Basemap(key)


def datum(key: str, settings: Settings) -> str:
    """The datum overlays are drawn in under base map ``key``: ``"wgs84"`` or ``"gcj02"``."""
    return resolve(key, settings).datum


# --- local tiles ---------------------------------------------------------------------------


def local_tiles(settings: Settings) -> LocalTiles:
    """The configured tile folder, or the MBTiles file extracted to one; :class:`TilesError`
    when it cannot be used."""
    if settings.tiles is None:
        raise TilesError("no local tiles are set")
    path = settings.tiles
    try:
        stat = path.stat()
    except OSError as exc:
        raise TilesError(f"{path}: {exc.strerror or exc}") from exc
    try:
        return _local_tiles(
            str(path.resolve()), stat.st_mtime_ns, settings.tiles_datum, settings.tiles_attribution
        )
    except OSError as exc:
        raise TilesError(f"{path}: {exc}") from exc


@lru_cache(maxsize=8)
def _local_tiles(path: str, mtime_ns: int, tiles_datum: str, attribution: str | None):
    source = Path(path)
    meta: dict[str, str] = {}
    if source.is_dir():
        folder = source
    elif source.suffix.lower() == ".mbtiles":
        folder = extract_mbtiles(source)
        meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    else:
        raise TilesError(f"{source}: not a tile folder ({{z}}/{{x}}/{{y}}.png) or .mbtiles file")
    zooms = sorted(
        int(p.name) for p in folder.iterdir() if p.is_dir() and p.name.isdigit() and len(p.name) < 3
    )
    ext = next((e for z in zooms if (e := _tile_extension(folder / str(z)))), None)
    if not zooms or ext is None:
        raise TilesError(f"{source}: no tiles found (expected {{z}}/{{x}}/{{y}}.png)")
    text = attribution or meta.get("attribution") or ""
    version = hashlib.sha1(f"{path}|{mtime_ns}".encode()).hexdigest()[:10]
    return LocalTiles(
        folder=folder,
        ext=ext,
        min_zoom=zooms[0],
        max_zoom=zooms[-1],
        # From the user's data: shown as text, never run as HTML.
        attribution=html.escape(text) if text else LOCAL_ATTRIBUTION,
        datum=tiles_datum,
        version=version,
    )


def _tile_extension(zoom_folder: Path) -> str | None:
    for column in zoom_folder.iterdir():
        if column.is_dir():
            for tile in column.iterdir():
                ext = tile.suffix.lower().lstrip(".")
                if ext in _TILE_EXTENSIONS:
                    return ext
    return None


def serve_local_tiles(tiles: LocalTiles):
    """Declare the tile folder to Streamlit, which then serves it at
    ``<base>/component/{LOCAL_TILES_COMPONENT}/{z}/{x}/{y}.{ext}``; call before drawing the map.

    Returns the declared component (registered only inside a running app).
    """
    import streamlit.components.v1 as components

    return components.declare_component("tiles", path=str(tiles.folder))


def tiles_cache_dir() -> Path:
    """Where MBTiles files are extracted: under the user's data folder."""
    return paths.data_dir() / "tiles-cache"


_EXTRACTING = threading.Lock()  # the sessions of one server share the cache folder
_MAGIC = ((b"\x89PNG", "png"), (b"\xff\xd8", "jpg"), (b"RIFF", "webp"))


def _sniff(data: bytes) -> str | None:
    return next((ext for magic, ext in _MAGIC if data.startswith(magic)), None)


def extract_mbtiles(path: Path, cache: Path | None = None) -> Path:
    """Write the tiles of MBTiles file ``path`` as ``{z}/{x}/{y}.{ext}`` files, once.

    MBTiles rows number tiles the TMS way (row 0 at the south); the folder uses the XYZ numbering
    Leaflet asks for (``y = 2**z - 1 - tile_row``). The folder's name carries the file's size and
    modification time, so a changed file is extracted again; ``metadata.json`` holds the file's
    metadata table and is written last.
    """
    path = Path(path).resolve()
    stat = path.stat()
    token = hashlib.sha1(f"{path}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    out = (cache or tiles_cache_dir()) / f"{path.stem}-{token}"
    if (out / "metadata.json").is_file():
        return out
    with _EXTRACTING:
        if not (out / "metadata.json").is_file():
            _extract(path, out)
    return out


def _extract(path: Path, out: Path) -> None:
    tmp = out.with_name(f"{out.name}.part-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        uri = f"{path.as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as con:
            meta = {str(k): str(v) for k, v in con.execute("SELECT name, value FROM metadata")}
            fmt = meta.get("format", "").lower()
            if fmt in ("pbf", "mvt"):
                raise TilesError(f"{path}: vector tiles ({fmt}) cannot be drawn; use raster tiles")
            ext = {"jpeg": "jpg"}.get(fmt, fmt) if fmt in _TILE_EXTENSIONS else None
            rows = con.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles")
            made: set[Path] = set()
            for z, x, row, data in rows:
                data = bytes(data)
                tile_ext = ext or _sniff(data) or "png"
                folder = tmp / str(int(z)) / str(int(x))
                if folder not in made:
                    folder.mkdir(parents=True, exist_ok=True)
                    made.add(folder)
                (folder / f"{(1 << int(z)) - 1 - int(row)}.{tile_ext}").write_bytes(data)
        (tmp / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        shutil.rmtree(out, ignore_errors=True)
        tmp.replace(out)
    except sqlite3.Error as exc:
        raise TilesError(f"{path}: not a readable MBTiles file ({exc})") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --- is the tile server reachable? ----------------------------------------------------------


def online(key: str) -> bool:
    """Whether base map ``key`` loads its tiles from the internet."""
    return key in TILE_HOSTS


def tcp_probe(host: str, port: int = 443, timeout: float = REACH_TIMEOUT) -> bool:
    """Whether a TCP connection to ``host:port`` opens within ``timeout`` seconds."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:  # no network, no DNS, refused, timed out
        return False


_reach: dict[str, tuple[float, bool]] = {}  # host -> (when checked, reachable); all sessions
_reach_lock = threading.Lock()


def reachable(
    key: str,
    *,
    probe: Callable[[str], bool] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> bool | None:
    """Whether this computer reaches the tile server of base map ``key``.

    ``None`` for a base map that needs no internet. The answer is kept :data:`REACH_TTL`
    seconds for every session; a probe that has not answered within about
    :data:`REACH_TIMEOUT` seconds counts as unreachable (name lookups have no timeout of their
    own, so the probe runs in a thread the page does not wait for).

    Parameters
    ----------
    key
        A base map of :data:`BASEMAPS`.
    probe
        ``host -> bool``; :func:`tcp_probe` (port 443) when not given. Tests pass their own.
    clock
        Seconds, for the cache's age.
    """
    host = TILE_HOSTS.get(key)
    if host is None:
        return None
    if os.environ.get(OFFLINE_ENV, "").strip() not in ("", "0"):
        return False
    now = clock()
    with _reach_lock:
        seen = _reach.get(host)
    if seen is not None and now - seen[0] < REACH_TTL:
        return seen[1]
    ok = _within(probe or tcp_probe, host, REACH_TIMEOUT + 0.5)
    with _reach_lock:
        _reach[host] = (now, ok)
    return ok


def forget_reachability() -> None:
    """Drop every kept answer of :func:`reachable` (the next call probes again)."""
    with _reach_lock:
        _reach.clear()


def _within(probe: Callable[[str], bool], host: str, seconds: float) -> bool:
    answer: list[bool] = []

    def run() -> None:
        try:
            answer.append(bool(probe(host)))
        except Exception:  # a failing probe means: not reachable
            answer.append(False)

    worker = threading.Thread(target=run, name=f"probe {host}", daemon=True)
    worker.start()
    worker.join(seconds)
    return bool(answer and answer[0])
