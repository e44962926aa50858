"""What the map draws besides the boundaries, as plain JSON items for the map's script and
its restyle payload: rivers, roads, names, gap badges, facilities, stations, a plan's service
areas, relocation moves and sites, assistance projects. Pure data (no folium): :mod:`.map`
turns them into the map. Every string that comes from data is HTML-escaped here."""

from __future__ import annotations

import pandas as pd

from . import i18n, plan_view, view
from . import map_html as H
from .view import MapSpec

esc = H.esc


def _tip(*lines: str) -> str:
    """Tooltip lines, one under the other."""
    return "<br>".join(lines)


def river_items(spec: MapSpec) -> list[dict]:
    """Rivers as thin blue lines (not clickable)."""
    opts = {"color": "#4a90d9", "weight": 2.5, "opacity": 0.9, "interactive": False}
    return [{"line": _latlngs(g), "options": opts} for g in spec.rivers.geometry]


_ROAD_WIDTH = {"国道": 4, "省道": 3.5, "县道": 3, "乡道": 2, "村道": 1.5}


def road_items(spec: MapSpec) -> list[dict]:
    """Roads by class (国道 widest), an unpaved road dashed."""
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


def label_items(spec: MapSpec) -> list[dict]:
    """Village (or township) names at their label points."""
    return [
        {"at": [round(pt.y, 6), round(pt.x, 6)], "html": H.label_html(name)}
        for name, pt in zip(spec.labels["name"], spec.labels.geometry, strict=True)
    ]


def gap_items(spec: MapSpec) -> list[dict]:
    """A badge with the number of unmet indicators above each village that has gaps."""
    return [
        {
            "at": [r.geometry.y, r.geometry.x],
            "html": '<div style="transform:translate(-50%,-34px)">'
            f"{H.badge(str(r.gap_count))}</div>",
            "tooltip": _tip(f"<b>{esc(r.name)}</b>", esc(r.gap_text)),
        }
        for r in spec.gaps.itertuples()
    ]


def facility_items(spec: MapSpec) -> list[dict]:
    """Facilities as small white dots."""
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


def service_items(spec: MapSpec) -> list[dict]:
    """E-commerce service points; a planned one dashed and pale, one closed in the year grey,
    one suspended in it dashed."""
    planned_text = " (规划)" if spec.lang == "zh" else " (planned)"
    items = []
    for r in spec.service_points.itertuples():
        planned = r.status == "planned"
        op = "运营" if planned else getattr(r, "op_status", "运营")
        colour = plan_view.STOPPED_COLOUR if op == "关闭" else r.colour
        opts = {
            "radius": r.radius,
            "color": colour if planned or op == "暂停" else "#ffffff",
            "weight": 2,
            "fillColor": colour,
            "fillOpacity": 0.35 if planned or op != "运营" else 0.95,
        }
        if planned or op == "暂停":
            opts["dashArray"] = "3 3"
        label = esc(r.kind_label) + (planned_text if planned else "")
        if op != "运营":
            label += f" · {esc(plan_view.status_label(op, spec.lang))}"
        items.append(
            {
                "circle": True,
                "at": [r.geometry.y, r.geometry.x],
                "options": opts,
                "tooltip": _tip(f"<b>{esc(r.name)}</b>", label),
            }
        )
    return items


def plan_items(plan, lang: str = "zh") -> list[dict]:
    """Each station's service area (metres) and the station itself: an existing station a solid
    circle (sized by its sales when the plan has them), a site tried on the map a diamond 试,
    a proposed station a dashed ring; a station closed in the year a grey crossed circle with
    no service area, a suspended one a dashed ring. Tooltips: name and the ``tip`` lines."""
    items = []
    for r in plan.itertuples():
        role = getattr(r, "role", "existing")
        status = getattr(r, "status", "") or ""
        at = [r.geometry.y, r.geometry.x]
        dash = "6 6" if r.dashed else None
        area = {"color": r.colour, "weight": 1.5, "fillColor": r.colour, "fillOpacity": 0.08}
        if r.radius_m > 0:
            area.update(radius=float(r.radius_m), dashArray=dash, interactive=False)
            items.append({"area": True, "at": at, "options": area})
        if r.reach is not None and not r.reach.is_empty:
            road = {"color": r.colour, "weight": 6, "opacity": 0.45, "interactive": False}
            items.append({"line": _latlngs(r.reach), "options": {**road, "dashArray": dash}})
        tip = _tip(f"<b>{esc(r.name)}</b>", *(esc(line) for line in getattr(r, "tip", ()) or ()))
        if status == "关闭":
            items.append(
                {
                    "at": at,
                    "html": '<div style="transform:translate(-50%,-50%)">'
                    f"{H.closed_icon_html()}</div>",
                    "cls": "ta-closed",
                    "tooltip": tip,
                }
            )
            continue
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
        size = getattr(r, "size", None)
        dot = {"radius": 6 if size is None or pd.isna(size) else float(size)}
        dot.update(color="#ffffff", weight=2, fillColor=r.colour, fillOpacity=1)
        if status == "暂停":
            dot.update(color=r.colour, fillColor="#ffffff", weight=2.5, dashArray="3 2")
        if role == "proposed":
            dot.update(radius=7, color=r.colour, weight=2.5, dashArray="3 2", fillOpacity=0.55)
            tip = _tip(tip, esc(i18n.t("station_proposed", lang)))
        items.append({"circle": True, "at": at, "options": dot, "tooltip": tip})
    return items


def relocation_items(spec: MapSpec) -> list[dict]:
    """Moves from origin village to site (wider for more households) and the sites."""
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


def project_items(spec: MapSpec) -> list[dict]:
    """Assistance projects as rounded squares in their type's colour with its character; the
    tooltip says name, type, year and status, budget and money spent, households reached."""
    p = spec.projects
    if p is None or not len(p):
        return []
    lang = spec.lang
    items = []
    for r in p.itertuples():
        year = "—" if pd.isna(r.year) else str(int(r.year))
        when = i18n.t("project_year_line", lang, year=year, status=r.status_label)
        money = i18n.t(
            "project_money_line",
            lang,
            budget=_wan(r.budget, lang),
            spent=_wan(r.spent, lang),
        )
        reached = i18n.t(
            "project_reached_line", lang, n=_whole(r.households), poor=_whole(r.poor_households)
        )
        items.append(
            {
                "at": [round(r.geometry.y, 6), round(r.geometry.x, 6)],
                "html": '<div style="transform:translate(-50%,-50%)">'
                f"{H.project_icon_html(r.colour, r.mark)}</div>",
                "cls": "ta-project",
                "tooltip": _tip(
                    f"<b>{esc(r.name)}</b>",
                    esc(r.type_label),
                    esc(when.rstrip(" ·")),
                    esc(money),
                    esc(reached),
                ),
            }
        )
    return items


def _wan(value: object, lang: str) -> str:
    return "—" if value is None or pd.isna(value) else view.wan_text(float(value), lang)


def _whole(value: object) -> str:
    return "—" if value is None or pd.isna(value) else f"{int(value):,}"


def _latlngs(geom) -> list:
    """Leaflet [lat, lng] lists of a line; a MultiLineString gives one list per part."""
    if geom.geom_type == "MultiLineString":
        return [[[round(y, 6), round(x, 6)] for x, y in part.coords] for part in geom.geoms]
    return [[round(y, 6), round(x, 6)] for x, y in geom.coords]
