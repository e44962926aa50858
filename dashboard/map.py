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
"""

from __future__ import annotations

import contextlib
import html
from dataclasses import fields, replace

import folium
import geopandas as gpd
import numpy as np
from branca.element import Element, MacroElement
from jinja2 import Template
from streamlit_folium import st_folium

from ..geo import gcj02
from ..geo.schema import WGS84
from ..geo.simplify import round_coordinates
from . import assets, basemaps, i18n
from . import map_html as H
from . import state as S
from .view import MapSpec, demo_banner

VILLAGE_PANE = "villages"


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
    Leaflet map: nothing is redrawn."""

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
            map.fitBounds(map._taFit.bounds,
                {padding: [map._taFit.padding, map._taFit.padding], animate: !!map._taFitted});
            map._taFitted = true;
        })(window.map, {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list, outline: dict | None, style: dict, padding: int):
        super().__init__()
        self._name = "Fit"
        self.bounds = bounds
        self.outline = outline
        self.style = style
        self.padding = int(padding)


def _village_geojson(spec: MapSpec) -> dict:
    v = spec.villages
    props = ["code", "name", "value_text", "poor_text", "incidence_text", "gap_text", "fill"]
    features = []
    # Six decimals (~0.1 m) are more than a screen shows and halve the page's script.
    geoms = round_coordinates(v.geometry.to_numpy(), 6)
    for row, geom in zip(v[props].itertuples(index=False), geoms, strict=True):
        p = {k: esc(val) for k, val in zip(props, row, strict=True)}
        features.append({"type": "Feature", "properties": p, "geometry": geom.__geo_interface__})
    return {"type": "FeatureCollection", "features": features}


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
    # Only ``returned`` comes back to Python, so panning and zooming do not rerun the page.
    # streamlit-folium keys the map by its script: the same spec keeps the same Leaflet map,
    # and ``focus`` (a feature group it adds to the map already drawn) changes the view only.
    event = st_folium(
        build_map(spec),
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=[returned],
        feature_group_to_add=focus,
    )
    return (event or {}).get(returned) or {}


def show(
    spec: MapSpec, key: str, height: int = 720, *, fit: gpd.GeoDataFrame | None = None
) -> str | None:
    """Draw ``spec`` in the page and return the code of the village last clicked, if any.

    ``fit``: the area (WGS84) the view should show, outlined in bold (``None``: the whole
    township). Changing it between reruns moves the view of the map already on the screen; the
    map is not drawn again.
    """
    drawing = _draw(spec, key, height, "last_active_drawing", focus_group(spec, fit))
    code = (drawing.get("properties") or {}).get("code")
    return str(code) if code else None


def focus_group(spec: MapSpec, fit: gpd.GeoDataFrame | None) -> folium.FeatureGroup:
    """The feature group that fits the view of ``spec``'s map to ``fit`` (outlined in bold),
    or to the whole township when ``fit`` is None or empty."""
    datum = basemaps.datum(spec.basemap, basemaps.load_settings())
    if fit is not None and len(fit):
        area = _frame_in_datum(fit, datum)
        outline = round_coordinates(area.union_all(), 6)
        shape, padding = outline.__geo_interface__, 24
    else:
        area = _frame_in_datum(spec.outline if len(spec.outline) else spec.villages, datum)
        shape, padding = None, 10
    w, s, e, n = (float(x) for x in area.total_bounds)
    colour = "#ffd54f" if spec.dark else "#08306b"
    group = folium.FeatureGroup(name="focus", control=False)
    _Fit(
        [[s, w], [n, e]],
        shape,
        {"color": colour, "weight": 4, "fill": False, "className": "ta-focus"},
        padding,
    ).add_to(group)
    return group


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
    is an online one). Layers are chosen by the page (``spec.layers``): the map has no layer
    panel of its own."""
    base = basemaps.resolve(spec.basemap, basemaps.load_settings())
    spec = in_datum(spec, base.datum)
    bounds = spec.outline.total_bounds if len(spec.outline) else spec.villages.total_bounds
    m = folium.Map(
        location=[(bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2],
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
    m.default_css = [("leaflet_css", assets.leaflet_css())]
    m.get_root().header.add_child(
        Element(H.page_style(spec.dark, bool(base.layers), spec.label_size))
    )
    township = [[float(bounds[1]), float(bounds[0])], [float(bounds[3]), float(bounds[2])]]
    m.fit_bounds(township, padding_top_left=(10, 10), padding_bottom_right=(10, 10))
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

    if len(spec.outline):
        edge = "#eceff1" if dark else "#333"
        folium.GeoJson(
            spec.outline.geometry.__geo_interface__,
            name=i18n.layer_label("township", lang),
            style_function=lambda f: {"color": edge, "weight": 3, "fill": False},
            interactive=False,
            control=False,
        ).add_to(m)

    if "villages" in spec.layers:
        _villages(spec, bool(base.layers)).add_to(m)

    def overlay(key: str, items: list[dict]) -> None:
        if key in spec.layers and items:
            group = folium.FeatureGroup(name=i18n.t(f"layer_{key}", lang), control=False)
            _Batch(items).add_to(group)
            group.add_to(m)

    overlay("rivers", _river_items(spec))
    overlay("roads", _road_items(spec))
    overlay("labels", _label_items(spec))
    overlay("gaps", _gap_items(spec))
    overlay("facilities", _facility_items(spec))
    overlay("service", _service_items(spec))
    overlay("relocation", _relocation_items(spec))
    if spec.plan is not None and len(spec.plan):
        group = folium.FeatureGroup(name=i18n.t("layer_plan", lang), control=False)
        _Batch(_plan_items(spec.plan, lang)).add_to(group)
        group.add_to(m)

    _Control(H.legend_html(spec), "bottomright", "ta-legend-control").add_to(m)
    online = base.layers and base.key != "local"  # local tiles may lack a zoom: no notice
    _MapScript(township, i18n.t("tiles_offline", lang) if online else "").add_to(m)
    if "labels" in spec.layers:
        _LabelThinning().add_to(m)
    return m


def _villages(spec: MapSpec, tiles: bool) -> folium.GeoJson:
    """The village fills, clickable, with their tooltip."""
    lang = spec.lang
    fill_opacity = 0.55 if tiles else 0.78  # let a base map show through
    edge, hover = ("#cfd8dc", "#ffd54f") if spec.dark else ("#555", "#08519c")

    def style(feature: dict) -> dict:
        return {
            "fillColor": feature["properties"]["fill"],
            "fillOpacity": fill_opacity,
            "color": edge,
            "weight": 1.2,
        }

    return folium.GeoJson(
        _village_geojson(spec),
        name=i18n.t("layer_villages", lang),
        style_function=style,
        highlight_function=lambda f: {"weight": 3, "color": hover},
        tooltip=folium.GeoJsonTooltip(
            fields=["name", "value_text", "poor_text", "incidence_text", "gap_text"],
            aliases=[
                i18n.t("village_detail", lang),
                spec.title,
                i18n.t("remaining", lang),
                i18n.t("incidence", lang),
                i18n.t("gaps", lang),
            ],
            sticky=True,
        ),
        pane=VILLAGE_PANE,
        control=False,
    )


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


class _Batch(MacroElement):
    """Many markers or lines added to the parent layer by one loop in the page.

    One element instead of hundreds of folium objects keeps both the server's rendering and
    the page's script small. ``items`` hold only numbers and already-escaped HTML; they reach
    the page as JSON.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.items|tojson }}.forEach(function (it) {
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
            layer.addTo({{ this._parent.get_name() }});
        });
        {% endmacro %}
        """
    )

    def __init__(self, items: list[dict]):
        super().__init__()
        self._name = "Batch"
        self.items = items


def _tip(*lines: str) -> str:
    return "<br>".join(lines)


def _river_items(spec: MapSpec) -> list[dict]:
    opts = {"color": "#4a90d9", "weight": 2.5, "opacity": 0.9, "interactive": False}
    return [{"line": _latlngs(g), "options": opts} for g in spec.rivers.geometry]


_ROAD_WIDTH = {"国道": 4, "省道": 3.5, "县道": 3, "乡道": 2, "村道": 1.5}


def _road_items(spec: MapSpec) -> list[dict]:
    items = []
    minor = "#b0bec5" if spec.dark else "#7f7f7f"
    for r in spec.roads.itertuples():
        opts = {
            "color": "#b35806" if r.road_class == "国道" else minor,
            "weight": _ROAD_WIDTH.get(r.road_class, 1.5),
            "interactive": False,
        }
        if not r.paved:
            opts["dashArray"] = "4 4"
        items.append({"line": _latlngs(r.geometry), "options": opts})
    return items


def _label_items(spec: MapSpec) -> list[dict]:
    return [
        {"at": [round(pt.y, 6), round(pt.x, 6)], "html": H.label_html(name)}
        for name, pt in zip(spec.labels["name"], spec.labels.geometry, strict=True)
    ]


def _gap_items(spec: MapSpec) -> list[dict]:
    return [
        {
            "at": [r.geometry.y, r.geometry.x],
            "html": '<div style="transform:translate(-50%,-34px)">'
            f"{H.badge(str(r.gap_count))}</div>",
            "tooltip": _tip(f"<b>{esc(r.name)}</b>", esc(r.gap_text)),
        }
        for r in spec.gaps.itertuples()
    ]


def _facility_items(spec: MapSpec) -> list[dict]:
    opts = {"radius": 4, "color": "#525252", "weight": 1, "fillColor": "#ffffff", "fillOpacity": 1}
    return [
        {
            "circle": True,
            "at": [r.geometry.y, r.geometry.x],
            "options": opts,
            "tooltip": _tip(f"<b>{esc(r.name)}</b>", esc(r.kind_label)),
        }
        for r in spec.facilities.itertuples()
    ]


def _service_items(spec: MapSpec) -> list[dict]:
    planned_text = " (规划)" if spec.lang == "zh" else " (planned)"
    items = []
    for r in spec.service_points.itertuples():
        planned = r.status == "planned"
        opts = {
            "radius": r.radius,
            "color": r.colour if planned else "#ffffff",
            "weight": 2,
            "fillColor": r.colour,
            "fillOpacity": 0.35 if planned else 0.95,
        }
        if planned:
            opts["dashArray"] = "3 3"
        label = esc(r.kind_label) + (planned_text if planned else "")
        items.append(
            {
                "circle": True,
                "at": [r.geometry.y, r.geometry.x],
                "options": opts,
                "tooltip": _tip(f"<b>{esc(r.name)}</b>", label),
            }
        )
    return items


def _plan_items(plan, lang: str = "zh") -> list[dict]:
    """Each station's service area (metres) and the station itself: an existing station a solid
    circle, a site tried on the map a diamond 试, a proposed station a dashed ring."""
    items = []
    for r in plan.itertuples():
        role = getattr(r, "role", "existing")
        at = [r.geometry.y, r.geometry.x]
        dash = "6 6" if r.dashed else None
        area = {"color": r.colour, "weight": 1.5, "fillColor": r.colour, "fillOpacity": 0.08}
        if r.radius_m > 0:
            area.update(radius=float(r.radius_m), dashArray=dash, interactive=False)
            items.append({"area": True, "at": at, "options": area})
        if r.reach is not None and not r.reach.is_empty:
            road = {"color": r.colour, "weight": 6, "opacity": 0.45, "interactive": False}
            items.append({"line": _latlngs(r.reach), "options": {**road, "dashArray": dash}})
        tip = f"<b>{esc(r.name)}</b>"
        if role == "tried":
            items.append(
                {
                    "at": at,
                    "html": '<div style="transform:translate(-50%,-50%)">'
                    f"{H.tried_icon_html()}</div>",
                    "cls": "ta-tried",
                    "tooltip": _tip(tip, esc(i18n.t("station_tried", lang))),
                }
            )
            continue
        dot = {"radius": 6, "color": "#ffffff", "weight": 2, "fillColor": r.colour}
        dot["fillOpacity"] = 1
        if role == "proposed":
            dot.update(radius=7, color=r.colour, weight=2.5, dashArray="3 2", fillOpacity=0.55)
            tip = _tip(tip, esc(i18n.t("station_proposed", lang)))
        items.append({"circle": True, "at": at, "options": dot, "tooltip": tip})
    return items


def _relocation_items(spec: MapSpec) -> list[dict]:
    if not len(spec.sites):
        return []
    hh, pp = esc(i18n.t("households", spec.lang)), esc(i18n.t("people", spec.lang))
    items = [
        {
            "line": _latlngs(r.geometry),
            "options": {
                "color": "#6a3d9a",
                "weight": 2 + min(10, r.households / 5),
                "opacity": 0.75,
            },
            "tooltip": _tip(
                f"{esc(r.origin_name)} → {esc(r.site_name)}",
                f"{r.households:,}{hh} / {r.persons:,}{pp}",
            ),
        }
        for r in spec.flows.itertuples()
    ]
    items += [
        {
            "at": [r.geometry.y, r.geometry.x],
            "html": f'<div style="transform:translate(-50%,-50%)">{H.site_icon_html()}</div>',
            "tooltip": _tip(f"<b>{esc(r.name)}</b>", esc(r.site_type), esc(r.progress_text)),
        }
        for r in spec.sites.itertuples()
    ]
    return items


def _latlngs(geom) -> list:
    """Leaflet [lat, lng] lists of a line; a MultiLineString gives one list per part."""
    if geom.geom_type == "MultiLineString":
        return [[[round(y, 6), round(x, 6)] for x, y in part.coords] for part in geom.geoms]
    return [[round(y, 6), round(x, 6)] for x, y in geom.coords]


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
