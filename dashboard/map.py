"""The township map: the one module that imports folium.

Offline first: the map uses no tiles unless a basemap is chosen, and Leaflet's script and
stylesheet come from the installed ``xstatic-leaflet`` package, served by Streamlit itself
(:mod:`township_atlas.dashboard.assets`). Base maps are described in
:mod:`township_atlas.dashboard.basemaps`; on a GCJ-02 base map (高德) every overlay is shifted to
GCJ-02 before drawing, and clicks are shifted back to WGS84 before they reach a page.

Nothing here needs Bootstrap, jQuery, Font Awesome or Awesome Markers: markers are circle
markers and CSS ``DivIcon`` badges (their HTML, the legend's and the page's style are in
:mod:`township_atlas.dashboard.map_html`). Every string that comes from data is HTML-escaped
before it reaches the page.

The map has no layer panel (the page chooses ``MapSpec.layers``). Its one script of its own
(:class:`_MapScript`) keeps a click where it was made, passes a presenter's clicker keys to the
page, follows the frame's size and says when an online base map cannot load.

A page draws the map in two parts. What no year changes (boundaries, names, roads, rivers) is
the map's script, the same text on every rerun: streamlit-folium keeps the map it drew, and
Streamlit sends the unchanged element as a reference to what the browser has. What a year,
indicator or language changes (fills, tooltips, legend, gaps, facilities, stations, moves,
projects, a plan) is :func:`restyle_payload`, a few KB handed to the map already drawn by a
small component of ours beside it (:data:`UPDATE_ENV`: or by streamlit-folium's
``feature_group_to_add``, which sends the whole map element again but does not redraw it).
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, fields, replace

import folium
import geopandas as gpd
import numpy as np
import shapely
import streamlit as st
from branca.element import Element, MacroElement
from jinja2 import Template
from streamlit_folium import st_folium

from ..geo import gcj02
from ..geo.schema import WGS84
from ..geo.simplify import round_coordinates
from . import assets, basemaps, i18n, map_items
from . import map_html as H
from . import state as S
from .view import MapSpec, demo_banner

VILLAGE_PANE = "villages"
#: How a year's styles reach a map already drawn: unset or ``component`` (a small component of
#: ours beside the map), ``group`` (streamlit-folium's ``feature_group_to_add``). The benchmark
#: (``benchmarks/bench_year_change.py``) measures both.
UPDATE_ENV = "TOWNSHIP_ATLAS_MAP_UPDATE"
#: A village's fill until its first styles arrive.
BLANK_FILL = "#eeeeee"
#: What each village's row of :func:`restyle_payload` holds, in order.
STYLE_COLUMNS = ("fill", "value_text", "poor_text", "incidence_text", "gap_text")
#: A village's projects and money in two rows (:func:`view.money_lines`: projects and money
#: spent, households reached and 元 per household lifted), after the others when the workspace
#: has projects.
MONEY_COLUMNS = ("money_text", "money_reach_text")
#: The layers drawn in the map's own script (the same for every year).
STATIC_LAYERS = ("villages", "labels", "roads", "rivers")


esc = H.esc


class _MetricScale(MacroElement):
    """Leaflet's scale bar in metres and kilometres only (no miles in a Chinese office)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({imperial: false, maxWidth: 120}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )


class _Control(MacroElement):
    """A static Leaflet control holding ready-made (already escaped) HTML."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function (map) {
            var div = L.DomUtil.create('div', {{ this.css_class|tojson }});
            div.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, position: str, css_class: str):
        super().__init__()
        self._name = "Control"
        self.html = html_text
        self.position = position
        self.css_class = css_class


#: Keys a presentation clicker sends; 会议模式 steps villages with them.
FORWARDED_KEYS = ("ArrowLeft", "ArrowRight", "PageUp", "PageDown", "Home")


class _MapScript(MacroElement):
    """What every map does beyond drawing: clicks read where they are made, a clicker's keys
    reach the page around the map, the map follows its frame's size, and an online base map
    that cannot load says so once."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var box = map.getContainer();
            // Leaflet focuses the map on mouse-down (Map.Keyboard._onMouseDown) and after a
            // control is clicked (Control._refocusOnMap). A plain focus() scrolls the page
            // around the iframe to bring the whole map into view between mouse-down and
            // mouse-up, so the click was read some way from where it was made. Same focus,
            // no scrolling; keyboard panning stays.
            box.focus = function (options) {
                HTMLElement.prototype.focus.call(
                    box, Object.assign({preventScroll: true}, options || {}));
            };
            // After a click in the map the keyboard focus is in this frame, and the page's
            // own key handler (会议模式) would never see the presenter's clicker.
            var keys = {{ this.keys|tojson }};
            window.addEventListener("keydown", function (e) {
                var t = e.target;
                if (keys.indexOf(e.key) < 0 || (t && (t.tagName === "INPUT" ||
                        t.tagName === "TEXTAREA" || t.isContentEditable))) { return; }
                var doc;
                try { doc = window.parent.document; } catch (err) { return; }
                if (!doc || doc === document || !doc.body) { return; }
                doc.body.dispatchEvent(new KeyboardEvent("keydown",
                    {key: e.key, bubbles: true, cancelable: true}));
            }, true);
            // Fill the frame once it has its height (it starts 0 px high, and a map drawn in
            // no space cannot fit anything), then follow it: a presentation view may set the
            // iframe's height in CSS. The first fill fits the view again to the new size.
            map._taFit = map._taFit || {{ this.fit|tojson }};
            var root = document.documentElement;
            function fill() {
                if (root.classList.contains("ta-fill") || window.innerHeight < 100) { return; }
                root.classList.add("ta-fill");
                map.invalidateSize({pan: false});
                map.fitBounds(map._taFit.bounds,
                    {padding: [map._taFit.padding, map._taFit.padding], animate: false});
            }
            window.addEventListener("resize", fill);
            setTimeout(fill, 0);
            if (window.ResizeObserver) {
                new ResizeObserver(function () { map.invalidateSize(); }).observe(box);
            }
            var notice = {{ this.notice|tojson }};
            if (!notice) { return; }
            var shown = false;
            map.eachLayer(function (layer) {
                if (!(layer instanceof L.TileLayer)) { return; }
                layer.on("tileerror", function () {
                    if (shown) { return; }  // once, not once per tile
                    shown = true;
                    var control = L.control({position: "topright"});
                    control.onAdd = function () {
                        var div = L.DomUtil.create("div", "ta-tiles-offline");
                        div.textContent = notice;
                        div.setAttribute("role", "status");
                        div.style.cssText = {{ this.notice_style|tojson }};
                        return div;
                    };
                    control.addTo(map);
                });
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list, notice: str = ""):
        super().__init__()
        self._name = "MapScript"
        self.fit = {"bounds": bounds, "padding": 10}
        self.keys = list(FORWARDED_KEYS)
        self.notice = notice
        self.notice_style = (
            "background:#fff8e1;color:#5d4037;border:1px solid #f9a825;border-radius:4px;"
            f"padding:4px 8px;font:13px/1.4 {H.FONT};max-width:320px"
        )


class _Fit(MacroElement):
    """Inside the focus group streamlit-folium adds to a map already drawn: fit the view to
    ``bounds`` and draw ``outline`` (GeoJSON) in bold. Changing it moves the view of the same
    Leaflet map: nothing is redrawn. With ``refit`` False only the first drawing fits: the
    outline moves, the view the user has panned and zoomed stays."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, group) {
            var outline = {{ this.outline|tojson }};
            if (outline) {
                L.geoJSON(outline, {style: {{ this.style|tojson }}, interactive: false})
                    .addTo(group);
            }
            // Remembered: the map fits it again when it first fills its frame.
            map._taFit = {bounds: {{ this.bounds|tojson }}, padding: {{ this.padding }}};
            // No animation on the first fit: the map has just been drawn.
            if ({{ this.refit|tojson }} || !map._taFitted) {
                map.fitBounds(map._taFit.bounds,
                    {padding: [map._taFit.padding, map._taFit.padding], animate: !!map._taFitted});
            }
            map._taFitted = true;
        })(window.map, {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self, bounds: list, outline: dict | None, style: dict, padding: int, refit: bool = True
    ):
        super().__init__()
        self._name = "Fit"
        self.bounds = bounds
        self.outline = outline
        self.style = style
        self.padding = int(padding)
        self.refit = bool(refit)


def script_json(value: object) -> str:
    """``value`` as JSON text that may stand anywhere in a page's script: compact, and no
    ``<``, ``>`` or ``&`` that could end the script element (each is a JSON escape instead)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


@dataclass(frozen=True)
class Shapes:
    """What the map draws whatever the year, as script-ready JSON text: made once per set of
    boundaries, names, roads, rivers, datum and theme (:func:`shapes_of`)."""

    #: Names this drawing: a map takes only the styles made for it.
    digest: str
    #: ``[[south, west], [north, east]]``: the township outline's, else the villages'.
    bounds: list
    #: The villages (GeoJSON, each with its code and name), ``null`` when the layer is off.
    villages: str
    #: The township outline (a list of GeoJSON geometries).
    outline: str
    rivers: str
    roads: str
    labels: str


_SHAPES: OrderedDict[str, Shapes] = OrderedDict()
_SHAPES_SIZE = 8
_SHAPES_LOCK = threading.Lock()


def _digest(spec: MapSpec, datum: str) -> str:
    on = sorted(spec.layers & set(STATIC_LAYERS))
    h = hashlib.blake2b(repr((datum, spec.dark, on)).encode(), digest_size=12)
    parts = [(spec.villages, ("code", "name")), (spec.outline, ())]
    if "labels" in on:
        parts.append((spec.labels, ("name",)))
    if "roads" in on:
        parts.append((spec.roads, ("road_class", "paved")))
    if "rivers" in on:
        parts.append((spec.rivers, ()))
    for frame, columns in parts:
        h.update(f"|{len(frame)}|{frame.crs}|".encode())
        if len(frame):
            h.update(b"".join(w or b"" for w in shapely.to_wkb(frame.geometry.to_numpy())))
        for column in columns:
            h.update("\x1f".join(map(str, frame[column])).encode())
    return h.hexdigest()


def shapes_of(spec: MapSpec, datum: str) -> Shapes:
    """The year-free drawing of ``spec`` in ``datum``, remembered by its content: a rerun, a
    year or an indicator change costs a hash of the boundaries, not their JSON."""
    key = _digest(spec, datum)
    with _SHAPES_LOCK:
        if key in _SHAPES:
            _SHAPES.move_to_end(key)
            return _SHAPES[key]
    made = _make_shapes(in_datum(spec, datum), key)
    with _SHAPES_LOCK:
        _SHAPES[key] = made
        while len(_SHAPES) > _SHAPES_SIZE:
            _SHAPES.popitem(last=False)
    return made


def _geojson_texts(frame: gpd.GeoDataFrame) -> list[str]:
    # Six decimals (~0.1 m) are more than a screen shows and halve the page's script.
    texts = shapely.to_geojson(round_coordinates(frame.geometry.to_numpy(), 6))
    return ["null" if t is None else t for t in texts]


def _make_shapes(spec: MapSpec, digest: str) -> Shapes:
    v = spec.villages
    villages = "null"
    if "villages" in spec.layers:
        features = [
            f'{{"type":"Feature","properties":{script_json({"code": str(c), "name": str(n)})},'
            f'"geometry":{g}}}'
            for c, n, g in zip(v["code"], v["name"], _geojson_texts(v), strict=True)
        ]
        villages = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
    w, s, e, n = (float(x) for x in (spec.outline if len(spec.outline) else v).total_bounds)
    on = spec.layers
    return Shapes(
        digest=digest,
        bounds=[[s, w], [n, e]],
        villages=villages,
        outline="[" + ",".join(_geojson_texts(spec.outline) if len(spec.outline) else []) + "]",
        rivers=script_json(map_items.river_items(spec) if "rivers" in on else []),
        roads=script_json(map_items.road_items(spec) if "roads" in on else []),
        labels=script_json(map_items.label_items(spec) if "labels" in on else []),
    )


def restyle_payload(spec: MapSpec, key: str = "", digest: str = "") -> dict:
    """What a year, indicator or language change sends to the map already drawn: each
    village's fill and tooltip values by code (:data:`STYLE_COLUMNS`, then
    :data:`MONEY_COLUMNS` when the workspace has projects), the tooltip's row names (the
    village's name first), the legend (escaped HTML) and the overlays that change with the
    year (gaps, facilities, service points, relocation, projects, a plan). ``key`` (the map's
    Streamlit key) and ``digest`` (:attr:`Shapes.digest`) say which map it is for.

    Tooltip values are plain text (the page sets them as text); overlay tooltips and the
    legend are HTML with every string from data escaped.
    """
    lang = spec.lang
    fields = [
        i18n.t("village_detail", lang),
        spec.title,
        i18n.t("remaining", lang),
        i18n.t("incidence", lang),
        i18n.t("gaps", lang),
    ]
    columns = list(STYLE_COLUMNS)
    if MONEY_COLUMNS[0] in spec.villages.columns:  # only a workspace with projects has them
        fields += [i18n.t("money_field", lang), i18n.t("money_reach_field", lang)]
        columns += MONEY_COLUMNS
    villages = {}
    if "villages" in spec.layers:
        v = spec.villages[["code", *columns]]
        villages = {
            str(row[0]): ["" if x is None else str(x) for x in row[1:]]
            for row in v.itertuples(index=False)
        }
    return {
        "key": key,
        "digest": digest,
        "fields": fields,
        "villages": villages,
        "legend": H.legend_html(spec),
        "overlays": _overlay_items(spec),
    }


def _overlay_items(spec: MapSpec) -> list[dict]:
    """Everything drawn over the villages that changes with the year, in drawing order."""
    makers = (
        ("gaps", map_items.gap_items),
        ("facilities", map_items.facility_items),
        ("service", map_items.service_items),
        ("relocation", map_items.relocation_items),
        ("projects", map_items.project_items),
    )
    items = [it for layer, make in makers if layer in spec.layers for it in make(spec)]
    if spec.plan is not None and len(spec.plan):
        items += map_items.plan_items(spec.plan, spec.lang)
    return items


def _overlays_in_datum(spec: MapSpec, datum: str) -> MapSpec:
    """``spec`` with what :func:`restyle_payload` draws shifted to ``datum``; the boundaries
    are left as they are (the payload takes only the villages' codes and texts)."""
    if datum != basemaps.GCJ02:
        return spec
    light = replace(
        spec,
        villages=spec.villages.iloc[:0],
        labels=spec.labels.iloc[:0],
        outline=spec.outline.iloc[:0],
        roads=spec.roads.iloc[:0],
        rivers=spec.rivers.iloc[:0],
    )
    return replace(in_datum(light, datum), villages=spec.villages)


_RESTYLE_JS = """
export default function (component) {
    // Beside a map in the page: keep the map's latest styles for when its frame (re)loads,
    // and hand them to the map already drawn (each map takes only its own).
    var d = component.data;
    var store = (window.__taMapUpdates = window.__taMapUpdates || {});
    store[d.key] = d;
    document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]').forEach(function (f) {
        try {
            if (f.contentWindow && f.contentWindow.taUpdate) { f.contentWindow.taUpdate(d); }
        } catch (e) { /* a frame from elsewhere: not a map of ours */ }
    });
}
"""
#: The component's element holds no content: it takes no room in the page. (Inline CSS must
#: span lines, or Streamlit takes it for a file's path.)
_RESTYLE_CSS = """
[class*="st-key-ta-restyle-"] {
    display: none;
}
"""
_restyle = st.components.v2.component(
    "township_atlas_map_restyle", js=_RESTYLE_JS, css=_RESTYLE_CSS, isolate_styles=False
)


def _by_group() -> bool:
    return os.environ.get(UPDATE_ENV, "").strip().lower() == "group"


def _draw(
    spec: MapSpec,
    key: str,
    height: int,
    returned: str,
    focus: folium.FeatureGroup | None = None,
) -> dict:
    if spec.basemap == "local":
        # Streamlit serves the tile folder from now on and build_map points Leaflet at it. When
        # the tiles cannot be used, build_map draws none and the sidebar says why.
        with contextlib.suppress(basemaps.TilesError):
            basemaps.serve_local_tiles(basemaps.local_tiles(basemaps.load_settings()))
    base = basemaps.resolve(spec.basemap, basemaps.load_settings())
    shapes = shapes_of(spec, base.datum)
    m = _map(spec, base, shapes, key)
    payload = restyle_payload(_overlays_in_datum(spec, base.datum), key, shapes.digest)
    groups = [] if focus is None else [focus]
    if _by_group():
        groups.append(_styles_group(payload))
    else:
        _Apply(key=key).add_to(m)  # styles that came before the map drew
        _restyle(key=f"ta-restyle-{key}", data=payload)
    # Only ``returned`` comes back to Python, so panning and zooming do not rerun the page.
    # streamlit-folium keys the map by its script, which no year changes: the same map stays
    # drawn, and ``focus`` (a feature group it adds to the map already drawn) moves the view.
    event = st_folium(
        m,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=[returned],
        feature_group_to_add=groups or None,
    )
    return (event or {}).get(returned) or {}


def _styles_group(payload: dict) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name="styles", control=False)
    _Apply(payload).add_to(group)
    return group


def show(
    spec: MapSpec,
    key: str,
    height: int = 720,
    *,
    fit: gpd.GeoDataFrame | None = None,
    outline: gpd.GeoDataFrame | None = None,
) -> str | None:
    """Draw ``spec`` in the page and return the code of the village last clicked, if any.

    ``fit``: the area (WGS84) the view should show, outlined in bold (``None``: the whole
    township). Changing it between reruns moves the view of the map already on the screen; the
    map is not drawn again. ``outline`` (without ``fit``): an area outlined in bold where the
    view stays (the village whose card is open).
    """
    drawing = _draw(spec, key, height, "last_active_drawing", focus_group(spec, fit, outline))
    code = (drawing.get("properties") or {}).get("code")
    return str(code) if code else None


def focus_group(
    spec: MapSpec, fit: gpd.GeoDataFrame | None, outline: gpd.GeoDataFrame | None = None
) -> folium.FeatureGroup:
    """The feature group that fits the view of ``spec``'s map to ``fit`` (outlined in bold),
    or to the whole township when ``fit`` is None or empty; then ``outline``, when given, is
    drawn in bold and only the map's first drawing is fitted (a click does not move the view)."""
    datum = basemaps.datum(spec.basemap, basemaps.load_settings())
    refit = True
    if fit is not None and len(fit):
        area = _frame_in_datum(fit, datum)
        shape, padding = _bold(area), 24
    else:
        area = _frame_in_datum(spec.outline if len(spec.outline) else spec.villages, datum)
        shape, padding = None, 10
        if outline is not None and len(outline):
            shape, refit = _bold(_frame_in_datum(outline, datum)), False
    w, s, e, n = (float(x) for x in area.total_bounds)
    colour = "#ffd54f" if spec.dark else "#08306b"
    group = folium.FeatureGroup(name="focus", control=False)
    _Fit(
        [[s, w], [n, e]],
        shape,
        {"color": colour, "weight": 4, "fill": False, "className": "ta-focus"},
        padding,
        refit,
    ).add_to(group)
    return group


def _bold(area: gpd.GeoDataFrame) -> dict:
    """``area`` as one GeoJSON geometry, rounded to 6 decimals (about 0.1 m)."""
    return round_coordinates(area.union_all(), 6).__geo_interface__


def _frame_in_datum(frame: gpd.GeoDataFrame, datum: str) -> gpd.GeoDataFrame:
    frame = frame if frame.crs else frame.set_crs(WGS84)
    frame = frame.to_crs(WGS84)
    return gcj02.to_gcj02(frame) if datum == basemaps.GCJ02 else frame


def show_plan(spec: MapSpec, key: str, height: int = 640) -> tuple[float, float] | None:
    """Draw the planner's map; return the WGS84 (lat, lng) of the last click anywhere, if any."""
    click = _draw(spec, key, height, "last_clicked")
    if "lat" not in click:
        return None
    raw = (float(click["lat"]), float(click["lng"]))
    # The map keeps returning its last click after a rerun. Answer the same click with the same
    # point even when the base map (and so the datum) has changed since, or the page would take
    # it for a new click some 500 m away.
    seen = S.get(S.MAP_CLICKS).get(key)
    if seen is not None and tuple(seen[0]) == raw:
        return tuple(seen[1])
    point = map_to_wgs84(spec, *raw)
    S.set_value(S.MAP_CLICKS, {**S.get(S.MAP_CLICKS), key: (raw, point)})
    return point


def map_to_wgs84(
    spec: MapSpec, lat: float, lng: float, settings: basemaps.Settings | None = None
) -> tuple[float, float]:
    """WGS84 (lat, lng) of a point read on the map of ``spec`` (a click): a GCJ-02 base map's
    shift is undone."""
    settings = settings or basemaps.load_settings()
    if basemaps.datum(spec.basemap, settings) == basemaps.GCJ02:
        lng, lat = gcj02.gcj02_to_wgs84(lng, lat)
    return round(lat, 7), round(lng, 7)


def in_datum(spec: MapSpec, datum: str) -> MapSpec:
    """``spec`` with every frame (and the planner's reachable roads) in ``datum``.

    MapSpec frames are WGS84; for ``"gcj02"`` each is shifted, so nothing drawn on 高德 tiles
    sits 500 m off. Any GeoDataFrame field of MapSpec is included, present or future.
    """
    if datum != basemaps.GCJ02:
        return spec
    changes = {}
    for f in fields(spec):
        frame = getattr(spec, f.name)
        if isinstance(frame, gpd.GeoDataFrame) and len(frame):
            changes[f.name] = gcj02.to_gcj02(frame if frame.crs else frame.set_crs(WGS84))
    plan = changes.get("plan")
    if plan is not None and "reach" in plan.columns:
        reach = np.empty(len(plan), dtype=object)
        reach[:] = list(plan["reach"])
        plan["reach"] = list(gcj02.geometry_to_gcj02(reach))
    return replace(spec, **changes)


def build_map(spec: MapSpec) -> folium.Map:
    """Draw ``spec`` as a folium map that needs nothing from the internet (unless its base map
    is online), with the year's styles in its own script (a file, a picture, a test)."""
    base = basemaps.resolve(spec.basemap, basemaps.load_settings())
    shapes = shapes_of(spec, base.datum)
    m = _map(spec, base, shapes, key="")
    _Apply(restyle_payload(_overlays_in_datum(spec, base.datum), "", shapes.digest)).add_to(m)
    return m


def _map(spec: MapSpec, base: basemaps.Basemap, shapes: Shapes, key: str) -> folium.Map:
    """The map without its year: the same script for every year, indicator and language of
    one drawing; :func:`restyle_payload` fills it in."""
    (s, w), (n, e) = shapes.bounds
    m = folium.Map(
        location=[(s + n) / 2, (w + e) / 2],
        zoom_start=11,
        tiles=None,
        control_scale=False,  # folium's own shows miles too: _MetricScale below
        prefer_canvas=False,
        max_zoom=18,
        # Fractional zoom lets fit_bounds fill the frame with the township instead of snapping
        # down a whole level (half the size) when the next level is a few pixels too big.
        zoom_snap=0.25,
        zoom_delta=0.5,
    )
    # Instance-level lists: never mutate folium's class-level defaults.
    m.default_js = [("leaflet", assets.leaflet_js())]
    m.add_child(_MetricScale())
    m.add_child(_Helpers())
    m.default_css = [("leaflet_css", assets.leaflet_css())]
    m.get_root().header.add_child(
        Element(H.page_style(spec.dark, bool(base.layers), spec.label_size))
    )
    m.fit_bounds(shapes.bounds, padding_top_left=(10, 10), padding_bottom_right=(10, 10))
    lang, dark = spec.lang, spec.dark

    for layer in base.layers:
        tiles = folium.TileLayer(
            layer.url,
            name=i18n.t(f"basemap_{base.key}", lang),
            attr=layer.attribution,
            subdomains=layer.subdomains or "abc",
            min_native_zoom=layer.min_native_zoom,
            max_zoom=18,
            overlay=layer.overlay,
            control=False,
        )
        # Set after construction: folium would read a native zoom of 0 as "not given".
        tiles.options["max_native_zoom"] = layer.max_native_zoom
        tiles.add_to(m)

    # Below Leaflet's overlay pane (400): roads, rivers and flows stay visible on the fills.
    folium.map.CustomPane(VILLAGE_PANE, z_index=350).add_to(m)

    if shapes.outline != "[]":
        edge = "#eceff1" if dark else "#333"
        _Shape(shapes.outline, {"color": edge, "weight": 3, "fill": False}).add_to(m)

    _choropleth(spec, key, shapes, bool(base.layers)).add_to(m)

    for layer, text in (
        ("rivers", shapes.rivers),
        ("roads", shapes.roads),
        ("labels", shapes.labels),
    ):
        if layer in spec.layers and text != "[]":
            group = folium.FeatureGroup(name=i18n.t(f"layer_{layer}", lang), control=False)
            _Batch(text).add_to(group)
            group.add_to(m)

    online = base.layers and base.key != "local"  # local tiles may lack a zoom: no notice
    _MapScript(shapes.bounds, i18n.t("tiles_offline", lang) if online else "").add_to(m)
    if "labels" in spec.layers:
        _LabelThinning().add_to(m)
    return m


def _choropleth(spec: MapSpec, key: str, shapes: Shapes, tiles: bool) -> _Choropleth:
    """The village fills (clickable, with their tooltip), the legend and the overlays, all
    waiting for their styles."""
    edge, hover = ("#cfd8dc", "#ffd54f") if spec.dark else ("#555", "#08519c")
    return _Choropleth(
        key=key,
        digest=shapes.digest,
        villages=shapes.villages,
        # let a base map show through
        style={"fillOpacity": 0.55 if tiles else 0.78, "color": edge, "weight": 1.2},
        hover={"weight": 3, "color": hover},
    )


class _Text(Element):
    """Text that goes into the page as it is."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class _DataElement(MacroElement):
    """A macro element whose script, large with data, joins the page as plain text: branca
    would compile it as a template, which for a county's boundaries costs more than the rest
    of the rerun."""

    def render(self, **kwargs) -> None:
        script = self._template.module.script(self, kwargs)
        self.get_root().script.add_child(_Text(script), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


class _Helpers(MacroElement):
    """``taDraw(items, layer)``: many markers or lines added to ``layer`` by one loop in the
    page. One element instead of hundreds of folium objects keeps both the server's rendering
    and the page's script small. Items hold only numbers and already-escaped HTML."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.taDraw = function (items, group) {
            items.forEach(function (it) {
                var layer;
                if (it.line) {
                    layer = L.polyline(it.line, it.options);
                } else if (it.area) {
                    layer = L.circle(it.at, it.options);
                } else if (it.circle) {
                    layer = L.circleMarker(it.at, it.options);
                } else {
                    layer = L.marker(it.at, {
                        icon: L.divIcon({html: it.html, className: "ta-icon " + (it.cls || ""),
                                         iconSize: [0, 0]}),
                        interactive: !!it.tooltip, keyboard: false
                    });
                }
                if (it.tooltip) { layer.bindTooltip(it.tooltip, {sticky: true}); }
                layer.addTo(group);
            });
        };
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "Helpers"


class _Batch(_DataElement):
    """Many markers or lines added to the parent layer (``text``: :func:`script_json` of their
    items)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.taDraw({{ this.text }}, {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str):
        super().__init__()
        self._name = "Batch"
        self.text = text


class _Shape(_DataElement):
    """GeoJSON (``text``, script-ready) drawn on the map, not interactive."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.geoJSON({{ this.text }}, {style: {{ this.style|tojson }}, interactive: false})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str, style: dict):
        super().__init__()
        self._name = "Shape"
        self.text = text
        self.style = style


class _Choropleth(_DataElement):
    """The villages (from ``villages``, GeoJSON text, when the layer is on), the legend and a
    layer for the overlays, and ``taUpdate(styles)``: fills, tooltips, legend and overlays of
    one year (:func:`restyle_payload`), applied to the paths already drawn. Styles made for
    another map (key) or another drawing (digest) are ignored."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var KEY = {{ this.key|tojson }}, DIGEST = {{ this.digest|tojson }};
            var style = {{ this.style|tojson }}, hover = {{ this.hover|tojson }};
            var shown = {fields: [], villages: {}};
            function fillOf(feature) {
                var row = shown.villages[feature.properties.code];
                return row ? row[0] : {{ this.blank|tojson }};
            }
            // Built when it opens, as text: nothing from data is read as HTML.
            function tip(layer) {
                var p = layer.feature.properties, row = shown.villages[p.code] || [];
                var table = document.createElement("table");
                shown.fields.forEach(function (name, i) {
                    var tr = table.appendChild(document.createElement("tr"));
                    tr.appendChild(document.createElement("th")).textContent = name;
                    tr.appendChild(document.createElement("td")).textContent =
                        i === 0 ? p.name : (row[i] || "");
                });
                return table;
            }
            var villages = null, data = {{ this.villages }};
            if (data) {
                villages = L.geoJSON(data, {
                    pane: {{ this.pane|tojson }},
                    style: function (f) { return Object.assign({fillColor: fillOf(f)}, style); },
                    onEachFeature: function (f, layer) {
                        layer.on("mouseover", function () { layer.setStyle(hover); });
                        layer.on("mouseout", function () { villages.resetStyle(layer); });
                        layer.bindTooltip(function () { return tip(layer); },
                                          {sticky: true, className: "ta-tooltip"});
                    }
                }).addTo(map);
            }
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "ta-legend-control");
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            legend.addTo(map);
            var overlays = L.featureGroup().addTo(map);
            window.taUpdate = function (d) {
                if (!d || d.key !== KEY || d.digest !== DIGEST) { return false; }
                shown = d;
                if (villages) {
                    villages.eachLayer(function (layer) {
                        layer.setStyle({fillColor: fillOf(layer.feature)});
                        if (layer.isTooltipOpen()) {
                            layer.getTooltip().setContent(function () { return tip(layer); });
                        }
                    });
                }
                var box = legend.getContainer(), before = box.querySelector("details");
                box.innerHTML = d.legend;
                var after = box.querySelector("details");
                if (before && after) { after.open = before.open; }  // folded stays folded
                overlays.clearLayers();
                window.taDraw(d.overlays, overlays);
                window.taStyled = (window.taStyled || 0) + 1;  // how many times: for tests
                return true;
            };
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, key: str, digest: str, villages: str, style: dict, hover: dict):
        super().__init__()
        self._name = "Choropleth"
        self.key = key
        self.digest = digest
        self.villages = villages
        self.style = style
        self.hover = hover
        self.pane = VILLAGE_PANE
        self.blank = BLANK_FILL


class _Apply(_DataElement):
    """Hand ``styles`` (:func:`restyle_payload`) to the map; without them, the styles the
    page beside the map already holds for map ``key`` (they may come before the map draws)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {% if this.styles is none %}
        (function () {
            var held;
            try { held = (window.parent.__taMapUpdates || {})[{{ this.key|tojson }}]; }
            catch (e) { return; }  // not inside a page of ours
            if (held) { window.taUpdate(held); }
        })();
        {% else %}
        window.taUpdate({{ this.styles|tojson }});
        {% endif %}
        {% endmacro %}
        """
    )

    def __init__(self, styles: dict | None = None, key: str = ""):
        super().__init__()
        self._name = "Apply"
        self.styles = styles
        self.key = key


class _LabelThinning(MacroElement):
    """Village names never cover one another: each sits centred on its point, or beside it
    (right, left, above, below) where that collides, or is hidden when no spot is free; again
    after every zoom. A county's 300 names at its whole view would pile into a black mat; a
    township's 17 all find a spot. Names earlier in the list choose first."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            // Where a name may sit around its point: centred, then right, left, above, below.
            var SPOTS = ["-50%,-50%", "6px,-50%", "calc(-100% - 6px),-50%",
                         "-50%,calc(-100% - 4px)", "-50%,4px"];
            function collides(r, kept) {
                return kept.some(function (k) {
                    return r.left < k.right + 2 && r.right > k.left - 2 &&
                           r.top < k.bottom && r.bottom > k.top;
                });
            }
            function thin() {
                var kept = [];
                map.getContainer().querySelectorAll(".ta-label").forEach(function (el) {
                    el.style.visibility = "";
                    for (var i = 0; i < SPOTS.length; i++) {
                        el.style.transform = "translate(" + SPOTS[i] + ")";
                        var r = el.getBoundingClientRect();
                        if (!r.width) { return; }
                        if (!collides(r, kept)) { kept.push(r); return; }
                    }
                    el.style.transform = "";
                    el.style.visibility = "hidden";
                });
            }
            map.on("zoomend resize", thin);
            map.whenReady(function () { setTimeout(thin, 0); });
            if (document.fonts) { document.fonts.ready.then(thin); }
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "LabelThinning"


def standalone_html(spec: MapSpec) -> str:
    """The map as one HTML file with Leaflet inside it, which opens from disk or an e-mail with
    no server and no internet. Drawn without tiles: an online base map would need the internet
    (and a Tianditu key would travel inside the file)."""
    m = build_map(replace(spec, basemap="none"))
    script, css = assets.leaflet_inline()
    m.default_js, m.default_css = [], []
    head = m.get_root().header
    # Before the map's own script, which the body runs once the page has parsed.
    head.add_child(Element(f"<title>{html.escape(spec.title)}</title>"), name="title", index=0)
    head.add_child(Element(f"<style>{css}</style>"), name="leaflet_css_inline", index=1)
    head.add_child(Element(f"<script>{script}</script>"), name="leaflet_js_inline", index=2)
    if spec.demo:  # a file travels without the dashboard's banner: it carries its own
        notice = demo_banner({"synthetic_demo": "true"}, spec.lang, spec.township)
        _Control(H.demo_banner_html(notice), "topright", "ta-demo-control").add_to(m)
    return m.get_root().render()
