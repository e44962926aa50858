"""What the 会议模式 page shows: big headline figures, the map focused on one village, its card.

No widgets and no folium here.
"""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd

from ..analysis import history, poverty
from ..analysis.key_figures import Figure
from ..geo.workspace import Workspace
from . import i18n
from .view import MapSpec


def figure_text(f: Figure, lang: str) -> tuple[str, str, str | None]:
    """Label, value and change of a headline figure as people read them (人, 户, %)."""
    label = i18n.t(f"meeting_{f.key}", lang)
    if f.kind == "people":
        value = i18n.count(int(f.value), "people", lang)
        change = None if not f.change else f"{int(f.change):+,}"
    elif f.kind == "households":
        value = i18n.count(int(f.value), "households", lang)
        change = None if not f.change else f"{int(f.change):+,}"
    elif f.kind == "share":
        value = f"{f.value:.1%}" if f.value >= 0.01 else f"{f.value:.2%}"
        points = None if f.change is None else f.change * 100
        change = (
            None if not points or abs(points) < 0.005 else f"{points:+.2f}" + i18n.t("points", lang)
        )
    else:  # ratio: value of total
        value = f"{int(f.value)} / {f.total}"
        change = None if not f.change else f"{int(f.change):+d}"
    return label, value, change


def register_text(ws: Workspace, year: int, code: str | None, lang: str) -> str:
    """The register at the end of ``year`` in one sentence (the township's, or village
    ``code``'s): 建档立卡 N户 M人, of which exited, remaining, fallen back, monitored. What a
    meeting hears first."""
    households = history.state_at(ws, f"{year}-12-31").households
    if code is not None:
        households = households[households["village_code"].astype(str) == code]
    return poverty.register_sentence(poverty.register_figures(households, year), lang)


#: Village names on the projector (the ordinary map uses 13 px).
PROJECTOR_LABEL_SIZE = 20


def focus(spec: MapSpec, ws: Workspace, code: str | None) -> MapSpec:
    """The map for a projector, with large village names; zoomed to one village when ``code``
    is given: its boundary becomes the outline the map fits and draws in bold, so the room sees
    at once which village is on the screen."""
    spec = replace(spec, label_size=PROJECTOR_LABEL_SIZE)
    if code is None:
        return spec
    villages = ws.villages
    shape = villages[villages["code"].astype(str) == code]
    if shape.empty:
        return spec
    outline = gpd.GeoDataFrame(geometry=shape.geometry.to_numpy(), crs=shape.crs)
    name = str(shape["name"].iloc[0])
    return replace(spec, outline=outline, title=f"{spec.title} · {name}")


#: Bigger numbers for a projector; a fixed style sheet with no data in it.
MEETING_CSS = """<style>
[data-testid="stMetricValue"] { font-size: 2.6rem; }
[data-testid="stMetricLabel"] p { font-size: 1.05rem; }
</style>"""

#: Keys of a keyboard or a presentation clicker press the page's buttons: → / PageDown next,
#: ← / PageUp previous, Home the township. Installed once per browser tab; keys typed into a
#: field are left alone.
MEETING_KEYS_JS = """<script>
(function () {
  const doc = document;
  if (doc.__atlasMeetingKeys) { return; }
  doc.__atlasMeetingKeys = true;
  const keys = {ArrowRight: "meeting_next", PageDown: "meeting_next",
                ArrowLeft: "meeting_prev", PageUp: "meeting_prev", Home: "meeting_overview"};
  doc.addEventListener("keydown", function (e) {
    const t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable ||
              t.getAttribute("role") === "slider")) { return; }
    const key = keys[e.key];
    const button = key && doc.querySelector(".st-key-" + key + " button");
    if (button) { e.preventDefault(); button.click(); }
  });
})();
</script>"""
