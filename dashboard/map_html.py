"""The HTML and CSS pieces of the township map: legend, badges, village names, page style.

No folium here (that is :mod:`township_atlas.dashboard.map`). Every string that comes from data
is HTML-escaped with :func:`esc` before it is put into a piece.
"""

from __future__ import annotations

import html
import math

from . import i18n, plan_view
from .view import PROJECT_STYLE, ROLE_COLOUR, TIER_STYLE, MapSpec, project_type_label

FONT = "'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei','PingFang SC',sans-serif"
#: Leaflet's ground where no base map is drawn, on a dark screen.
DARK_GROUND = "#1d232b"


def esc(value: object) -> str:
    """HTML-escape a value from data for a tooltip or label."""
    return html.escape("" if value is None else str(value), quote=True)


def page_style(dark: bool, tiles: bool, label_size: int = 13) -> str:
    """The ``<style>`` of the map's page (inside streamlit-folium's iframe).

    streamlit-folium gives the map's div a fixed pixel height, and the iframe starts 0 px high
    until the component sizes it. Once the frame has its height, the map's script sets class
    ``ta-fill`` on the page and the map fills the frame, whatever height the page around it
    gives the iframe. The non-breaking space streamlit-folium leaves after its root would add
    a scroll bar.
    """
    rules = [
        "html,body{margin:0;overflow:hidden}",
        "body>span{display:none}",
        ".ta-fill,.ta-fill body,.ta-fill #root,.ta-fill #parent,"
        ".ta-fill #parent>.float-child{height:100%}",
        ".ta-fill #map_div{height:100%!important}",
        # Chrome outlines a clicked SVG path as a focus ring; the selection has its own panel.
        "path.leaflet-interactive:focus{outline:none}",
        ".ta-legend summary{cursor:pointer;font-weight:700;list-style-position:inside}",
        ".ta-legend[open] summary{margin-bottom:2px}",
        # A village's tooltip: a row per figure, its name on the left (as folium's was).
        ".ta-tooltip tr{text-align:left}.ta-tooltip th{padding:2px 8px 2px 2px}",
        _label_rule(label_size, dark),
    ]
    if dark:
        if not tiles:
            rules.append(f".leaflet-container{{background:{DARK_GROUND}}}")
        rules.append(
            ".leaflet-control-scale-line{background:rgba(29,35,43,.8);color:#eee;border-color:#ccc}"
        )
    return "<style>" + "".join(rules) + "</style>"


def _swatch(colour: str, dark: bool) -> str:
    edge = "#aaa" if dark else "#777"
    return (
        f'<span style="display:inline-block;width:14px;height:10px;background:{colour};'
        f'border:1px solid {edge};margin-right:5px;vertical-align:middle"></span>'
    )


def _dot(colour: str) -> str:
    return (
        f'<span style="display:inline-block;width:10px;height:10px;border-radius:50%;'
        f"background:{colour};border:2px solid #fff;box-shadow:0 0 0 1px {colour};"
        f'margin:0 5px 0 2px;vertical-align:middle"></span>'
    )


def _ring(colour: str, ground: str | None = None) -> str:
    """A dashed ring: a proposed station (its colour, pale) or a suspended one (``ground``)."""
    return (
        f'<span style="display:inline-block;width:10px;height:10px;border-radius:50%;'
        f"background:{ground or colour + '80'};border:2px dashed {colour};"
        f'margin:0 5px 0 2px;vertical-align:middle"></span>'
    )


def legend_html(spec: MapSpec) -> str:
    """The legend: a small fold (open at first) with the title, the classes and one row per
    kind of symbol drawn."""
    lang, dark = spec.lang, spec.dark
    rows = [f'<div style="font-weight:700;margin-bottom:2px">{esc(spec.title)}</div>']
    rows += [f"<div>{_swatch(c.colour, dark)}{esc(c.label)}</div>" for c in spec.classes]
    if "gaps" in spec.layers and len(spec.gaps):
        rows.append(f"<div>{badge('n')} {esc(i18n.t('gap_marker', lang))}</div>")
    if "service" in spec.layers and len(spec.service_points):
        for kind in spec.service_points["kind"].unique():
            colour = TIER_STYLE[kind]["colour"]
            rows.append(f"<div>{_dot(colour)}{esc(i18n.facility_label(kind, lang))}</div>")
        shut = spec.service_points.get("op_status")
        if shut is not None and shut.eq("关闭").any():
            label = esc(plan_view.status_label("关闭", lang))
            rows.append(f"<div>{_dot(plan_view.STOPPED_COLOUR)}{label}</div>")
    if "relocation" in spec.layers and len(spec.sites):
        rows.append(
            f"<div>{site_icon_html()} {esc(i18n.t('layer_relocation', lang))}"
            f'<span style="display:inline-block;width:18px;border-top:3px solid #6a3d9a;'
            f'margin:0 4px 3px 6px;vertical-align:middle"></span>{esc(i18n.t("flow", lang))}</div>'
        )
    if "projects" in spec.layers and spec.projects is not None and len(spec.projects):
        rows.append(f'<div style="margin-top:2px">{esc(i18n.t("layer_projects", lang))}</div>')
        shown = set(spec.projects["project_type"])
        for kind, (colour, mark) in PROJECT_STYLE.items():
            if kind in shown:
                label = esc(project_type_label(kind, lang))
                rows.append(f"<div>{project_icon_html(colour, mark)} {label}</div>")
    if spec.plan is not None and len(spec.plan):
        roles = set(spec.plan["role"]) if "role" in spec.plan else {"existing"}
        symbols = {
            "existing": _dot(ROLE_COLOUR["existing"]),
            "tried": tried_icon_html() + " ",
            "proposed": _ring(ROLE_COLOUR["proposed"]),
        }
        for role in ("existing", "tried", "proposed"):
            if role in roles:
                label = esc(i18n.t(f"legend_station_{role}", lang))
                rows.append(f"<div>{symbols[role]}{label}</div>")
        rows += _station_rows(spec.plan, lang)
    warn = "#ff8a80" if dark else "#a50f15"
    if spec.illustrative:
        rows.append(
            f'<div style="color:{warn};font-weight:700">'
            f"示意图 · {esc(i18n.t('illustrative', lang))}</div>"
        )
    if spec.demo:
        rows.append(
            f'<div class="ta-demo" style="color:{warn};font-weight:700">'
            f"{esc(i18n.t('demo_legend', lang))}</div>"
        )
    ground, ink = ("rgba(29,35,43,.92)", "#eee") if dark else ("rgba(255,255,255,.92)", "#222")
    style = (
        f"background:{ground};color:{ink};padding:3px 7px;border-radius:4px;"
        f"font:12px/1.35 {FONT};box-shadow:0 1px 3px rgba(0,0,0,.35);"
        "max-width:230px;max-height:60vh;overflow:auto"
    )
    summary = esc(i18n.t("legend", lang))
    return (
        f'<details class="ta-legend" open style="{style}"><summary>{summary}</summary>'
        f"{''.join(rows)}</details>"
    )


def _station_rows(plan, lang: str) -> list[str]:
    """Legend rows of what the stations delivered: dot sizes by sales (two samples), a
    suspended and a closed station, when the plan draws them."""
    rows = []
    status = set(plan["status"]) if "status" in plan else set()
    sizes = plan["size"].dropna() if "size" in plan else []
    top = float(plan["sales_wan"].max()) if len(sizes) and plan["sales_wan"].notna().any() else 0
    if top > 0:
        colour = ROLE_COLOUR["existing"]
        samples = sorted({_round_sales(top / 4), _round_sales(top)})
        dots = "".join(
            f"{_sized_dot(colour, plan_view.sales_radius(v, top))}{esc(f'{v:g}')} " for v in samples
        )
        rows.append(f"<div>{esc(i18n.t('legend_station_sales', lang))}</div>")
        rows.append(f'<div style="white-space:nowrap">{dots}</div>')
    if "暂停" in status:
        label = esc(i18n.t("legend_station_suspended", lang))
        rows.append(f"<div>{_ring(plan_view.STOPPED_COLOUR, '#ffffff')}{label}</div>")
    if "关闭" in status:
        label = esc(i18n.t("legend_station_closed", lang))
        rows.append(f"<div>{closed_icon_html()} {label}</div>")
    return rows


def _round_sales(value: float) -> float:
    """A legend's sample of sales (万元): two significant digits."""
    if value <= 0:
        return 0.0
    digits = 1 - math.floor(math.log10(value))
    return round(value, digits)


def _sized_dot(colour: str, radius: float) -> str:
    d = round(2 * radius)
    return (
        f'<span style="display:inline-block;width:{d}px;height:{d}px;border-radius:50%;'
        f"background:{colour};border:2px solid #fff;box-shadow:0 0 0 1px {colour};"
        f'margin:0 3px 0 2px;vertical-align:middle"></span>'
    )


def closed_icon_html() -> str:
    """The grey crossed circle of a station closed in the year (it covers nobody)."""
    grey = plan_view.STOPPED_COLOUR
    return (
        '<span class="ta-closed-icon" style="display:inline-flex;align-items:center;'
        f"justify-content:center;width:14px;height:14px;border-radius:50%;background:{grey};"
        f"color:#fff;font:700 11px/1 {FONT};border:2px solid #fff;box-shadow:0 0 0 1px {grey};"
        'vertical-align:middle">×</span>'
    )


def badge(text: str) -> str:
    """A red round badge with a number (a village's count of gaps)."""
    return (
        '<span style="display:inline-flex;align-items:center;justify-content:center;min-width:18px;'
        "height:18px;padding:0 3px;border-radius:9px;background:#d7301f;color:#fff;font-weight:700;"
        f'font-size:11px;border:2px solid #fff;box-shadow:0 0 2px #000">{esc(text)}</span>'
    )


def site_icon_html() -> str:
    """The square 安 of a relocation site."""
    return (
        '<span style="display:inline-flex;align-items:center;justify-content:center;width:16px;'
        "height:16px;background:#6a3d9a;color:#fff;font-size:10px;font-weight:700;border:2px solid "
        '#fff;box-shadow:0 0 2px #000">安</span>'
    )


def project_icon_html(colour: str, mark: str) -> str:
    """The rounded square of an assistance project: its type's colour and character (产,
    光 …), unlike the circles of stations and facilities."""
    return (
        '<span class="ta-project-icon" style="display:inline-flex;align-items:center;'
        f"justify-content:center;width:14px;height:14px;border-radius:4px;background:{esc(colour)};"
        f"color:#fff;font:700 9px/1 {FONT};border:2px solid #fff;box-shadow:0 0 2px #000;"
        f'vertical-align:middle">{esc(mark)}</span>'
    )


def tried_icon_html() -> str:
    """The diamond 试 of a site tried on the planner's map (an existing station is a circle)."""
    colour = ROLE_COLOUR["tried"]
    return (
        '<span class="ta-tried-icon" style="display:inline-flex;align-items:center;'
        f"justify-content:center;width:15px;height:15px;background:{colour};"
        "border:2px solid #fff;box-shadow:0 0 2px #000;transform:rotate(45deg);"
        'margin:0 3px;vertical-align:middle">'
        f'<span style="transform:rotate(-45deg);color:#fff;font:700 11px/1 {FONT}">试</span>'
        "</span>"
    )


def _label_rule(size: int, dark: bool) -> str:
    # Once per page, not per village: 300 names each with their own style were 113 KB.
    ink, halo = ("#f5f5f5", "#000") if dark else ("#222", "#fff")
    return (
        f".ta-label{{display:inline-block;font:700 {int(size)}px {FONT};color:{ink};"
        "white-space:nowrap;"
        f"text-shadow:0 0 3px {halo},0 0 3px {halo},0 0 3px {halo};"
        "transform:translate(-50%,-50%);pointer-events:none}"
    )


def label_html(name: str) -> str:
    """A village's name on the map (styled by the page's ``.ta-label`` rule: dark text with a
    light halo, or light on dark)."""
    return f'<div class="ta-label">{esc(name)}</div>'


def demo_banner_html(notice: str) -> str:
    """The demo notice an exported map carries (``notice`` is escaped here)."""
    return (
        '<div class="ta-demo-banner" style="background:#fdecea;color:#a50f15;'
        f"border:2px solid #b30000;border-radius:4px;padding:6px 12px;font:700 14px/1.4 "
        f'{FONT};max-width:70vw">{esc(notice)}</div>'
    )
