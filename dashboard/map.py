"""The township map: the one module that imports folium.

Offline first: the map uses no tiles unless a basemap is chosen, and Leaflet's script and
stylesheet come from the installed ``xstatic-leaflet`` package, served by Streamlit itself
(:mod:`township_atlas.dashboard.assets`). Base maps are described in
:mod:`township_atlas.dashboard.basemaps`; on a GCJ-02 base map (高德) every overlay is shifted to
GCJ-02 before drawing, and clicks are shifted back to WGS84 before they reach a page.

Nothing here needs Bootstrap, jQuery, Font Awesome or Awesome Markers: markers are circle
markers and CSS ``DivIcon`` badges. Every string that comes from data is HTML-escaped before it
reaches the page.
"""

from __future__ import annotations

import contextlib
import html
from dataclasses import fields, replace

import folium
import geopandas as gpd
import numpy as np
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template
from streamlit_folium import st_folium

from ..geo import gcj02
from ..geo.schema import WGS84
from . import assets, basemaps, i18n
from . import state as S
from .view import TIER_STYLE, MapSpec, demo_banner

VILLAGE_PANE = "villages"
_FONT = "'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei','PingFang SC',sans-serif"


def esc(value: object) -> str:
    """HTML-escape a value from data for a tooltip or label."""
    return html.escape("" if value is None else str(value), quote=True)


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


def _legend_html(spec: MapSpec) -> str:
    lang = spec.lang
    rows = [
        f'<div style="font-weight:700;font-size:14px;margin-bottom:4px">{esc(spec.title)}</div>'
    ]
    for c in spec.classes:
        rows.append(
            f'<div><span style="display:inline-block;width:18px;height:12px;'
            f"background:{c.colour};border:1px solid #777;margin-right:6px;"
            f'vertical-align:middle"></span>{esc(c.label)}</div>'
        )
    if "gaps" in spec.layers and len(spec.gaps):
        rows.append(
            f'<div style="margin-top:4px">{_badge("n")} {esc(i18n.t("gap_marker", lang))}</div>'
        )
    if "service" in spec.layers and len(spec.service_points):
        for kind in spec.service_points["kind"].unique():
            colour = TIER_STYLE[kind]["colour"]
            rows.append(
                f'<div><span style="display:inline-block;width:12px;height:12px;border-radius:50%;'
                f"background:{colour};border:2px solid #fff;box-shadow:0 0 0 1px {colour};"
                f'margin:0 7px 0 3px;vertical-align:middle"></span>'
                f"{esc(i18n.facility_label(kind, lang))}</div>"
            )
    if "relocation" in spec.layers and len(spec.sites):
        rows.append(
            f"<div>{_site_icon_html()} {esc(i18n.t('layer_relocation', lang))}"
            f'<span style="display:inline-block;width:22px;border-top:3px solid #6a3d9a;'
            f'margin:0 4px 3px 8px;vertical-align:middle"></span>{esc(i18n.t("flow", lang))}</div>'
        )
    if spec.illustrative:
        rows.append(
            f'<div style="margin-top:6px;color:#a50f15;font-weight:700">'
            f"示意图 · {esc(i18n.t('illustrative', lang))}</div>"
        )
    if spec.demo:
        rows.append(
            f'<div class="ta-demo" style="color:#a50f15;font-weight:700">'
            f"{esc(i18n.t('demo_legend', lang))}</div>"
        )
    style = (
        "background:rgba(255,255,255,.94);padding:8px 10px;border-radius:6px;"
        f"font:13px/1.5 {_FONT};box-shadow:0 1px 4px rgba(0,0,0,.35);min-width:150px"
    )
    return f'<div class="ta-legend" style="{style}">{"".join(rows)}</div>'


def _badge(text: str) -> str:
    return (
        '<span style="display:inline-flex;align-items:center;justify-content:center;min-width:18px;'
        "height:18px;padding:0 3px;border-radius:9px;background:#d7301f;color:#fff;font-weight:700;"
        f'font-size:11px;border:2px solid #fff;box-shadow:0 0 2px #000">{esc(text)}</span>'
    )


def _site_icon_html() -> str:
    return (
        '<span style="display:inline-flex;align-items:center;justify-content:center;width:18px;'
        "height:18px;background:#6a3d9a;color:#fff;font-size:11px;font-weight:700;border:2px solid "
        '#fff;box-shadow:0 0 2px #000">安</span>'
    )


def _label_html(name: str, size: int = 13) -> str:
    style = (
        f"font:700 {size}px {_FONT};color:#222;white-space:nowrap;"
        "text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff;"
        "transform:translate(-50%,-50%);pointer-events:none"
    )
    return f'<div style="{style}">{esc(name)}</div>'


def _village_geojson(spec: MapSpec) -> dict:
    v = spec.villages
    props = ["code", "name", "value_text", "poor_text", "incidence_text", "gap_text", "fill"]
    features = []
    # Six decimals (~0.1 m) are more than a screen shows and halve the page's script.
    geoms = shapely.transform(v.geometry.to_numpy(), lambda xy: np.round(xy, 6))
    for row, geom in zip(v[props].itertuples(index=False), geoms, strict=True):
        p = {k: esc(val) for k, val in zip(props, row, strict=True)}
        features.append({"type": "Feature", "properties": p, "geometry": geom.__geo_interface__})
    return {"type": "FeatureCollection", "features": features}


def _draw(spec: MapSpec, key: str, height: int, returned: str) -> dict:
    if spec.basemap == "local":
        # Streamlit serves the tile folder from now on and build_map points Leaflet at it. When
        # the tiles cannot be used, build_map draws none and the sidebar says why.
        with contextlib.suppress(basemaps.TilesError):
            basemaps.serve_local_tiles(basemaps.local_tiles(basemaps.load_settings()))
    # Only ``returned`` comes back to Python, so panning and zooming do not rerun the page.
    event = st_folium(
        build_map(spec),
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=[returned],
    )
    return (event or {}).get(returned) or {}


def show(
    spec: MapSpec, key: str, height: int = 720, *, fit: gpd.GeoDataFrame | None = None
) -> str | None:
    """Draw ``spec`` in the page and return the code of the village last clicked, if any.

    ``fit``: the area (WGS84) the view should show, changed without redrawing the map.
    """
    drawing = _draw(spec, key, height, "last_active_drawing")
    code = (drawing.get("properties") or {}).get("code")
    return str(code) if code else None


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
    is an online one)."""
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
    # Room on the right for the layer control and legend, so they do not hide villages.
    # Chrome outlines a clicked SVG path as a focus ring; the selection has its own panel.
    m.get_root().header.add_child(
        Element("<style>path.leaflet-interactive:focus{outline:none}</style>")
    )
    m.fit_bounds(
        [[bounds[1], bounds[0]], [bounds[3], bounds[2]]],
        padding_top_left=(10, 10),
        padding_bottom_right=(240, 10),
    )
    lang = spec.lang

    for layer in base.layers:
        tiles = folium.TileLayer(
            layer.url,
            name=i18n.t(f"basemap_{base.key}", lang),
            attr=layer.attribution,
            subdomains=layer.subdomains or "abc",
            min_native_zoom=layer.min_native_zoom,
            max_zoom=18,
            overlay=layer.overlay,
            control=not layer.overlay,  # annotations are part of their base map, no own switch
        )
        # Set after construction: folium would read a native zoom of 0 as "not given".
        tiles.options["max_native_zoom"] = layer.max_native_zoom
        tiles.add_to(m)

    # Below Leaflet's overlay pane (400): roads, rivers and flows stay visible on the fills.
    folium.map.CustomPane(VILLAGE_PANE, z_index=350).add_to(m)

    if len(spec.outline):
        folium.GeoJson(
            spec.outline.geometry.__geo_interface__,
            name=i18n.layer_label("township", lang),
            style_function=lambda f: {"color": "#333", "weight": 3, "fill": False},
            interactive=False,
            control=False,
        ).add_to(m)

    if "villages" in spec.layers:
        fill_opacity = 0.55 if base.layers else 0.78  # let a base map show through

        def style(feature: dict) -> dict:
            return {
                "fillColor": feature["properties"]["fill"],
                "fillOpacity": fill_opacity,
                "color": "#555",
                "weight": 1.2,
            }

        folium.GeoJson(
            _village_geojson(spec),
            name=i18n.t("layer_villages", lang),
            style_function=style,
            highlight_function=lambda f: {"weight": 3, "color": "#08519c"},
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
        ).add_to(m)

    def overlay(key: str, items: list[dict], show: bool = True) -> None:
        if key in spec.layers and items:
            group = folium.FeatureGroup(name=i18n.t(f"layer_{key}", lang), show=show)
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
        group = folium.FeatureGroup(name=i18n.t("layer_plan", lang))
        _Batch(_plan_items(spec.plan)).add_to(group)
        group.add_to(m)

    _Control(_legend_html(spec), "bottomright", "ta-legend-control").add_to(m)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    return m


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
                    icon: L.divIcon({html: it.html, className: "ta-icon", iconSize: [0, 0]}),
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
    for r in spec.roads.itertuples():
        opts = {
            "color": "#b35806" if r.road_class == "国道" else "#7f7f7f",
            "weight": _ROAD_WIDTH.get(r.road_class, 1.5),
            "interactive": False,
        }
        if not r.paved:
            opts["dashArray"] = "4 4"
        items.append({"line": _latlngs(r.geometry), "options": opts})
    return items


def _label_items(spec: MapSpec) -> list[dict]:
    return [
        {"at": [pt.y, pt.x], "html": _label_html(name, spec.label_size)}
        for name, pt in zip(spec.labels["name"], spec.labels.geometry, strict=True)
    ]


def _gap_items(spec: MapSpec) -> list[dict]:
    return [
        {
            "at": [r.geometry.y, r.geometry.x],
            "html": '<div style="transform:translate(-50%,-34px)">'
            f"{_badge(str(r.gap_count))}</div>",
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


def _plan_items(plan) -> list[dict]:
    """Each station's service area (metres) and the station itself."""
    items = []
    for r in plan.itertuples():
        at = [r.geometry.y, r.geometry.x]
        dash = "6 6" if r.dashed else None
        area = {"color": r.colour, "weight": 1.5, "fillColor": r.colour, "fillOpacity": 0.08}
        if r.radius_m > 0:
            area.update(radius=float(r.radius_m), dashArray=dash, interactive=False)
            items.append({"area": True, "at": at, "options": area})
        if r.reach is not None and not r.reach.is_empty:
            road = {"color": r.colour, "weight": 6, "opacity": 0.45, "interactive": False}
            items.append({"line": _latlngs(r.reach), "options": {**road, "dashArray": dash}})
        dot = {
            "radius": 6,
            "color": "#ffffff",
            "weight": 2,
            "fillColor": r.colour,
            "fillOpacity": 1,
        }
        items.append({"circle": True, "at": at, "options": dot, "tooltip": f"<b>{esc(r.name)}</b>"})
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
            "html": f'<div style="transform:translate(-50%,-50%)">{_site_icon_html()}</div>',
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
        notice = esc(demo_banner({"synthetic_demo": "true"}, spec.lang, spec.township))
        _Control(
            f'<div class="ta-demo-banner" style="background:#fdecea;color:#a50f15;'
            f"border:2px solid #b30000;border-radius:4px;padding:6px 12px;font:700 14px/1.4 "
            f'{_FONT};max-width:70vw">{notice}</div>',
            "topright",
            "ta-demo-control",
        ).add_to(m)
    return m.get_root().render()
