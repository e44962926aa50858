"""Offline web assets, served by Streamlit from installed Python packages.

Leaflet's script, stylesheet and images come from ``xstatic-leaflet``. Streamlit serves the
folder of a declared component at ``<base>/component/<name>/``; the map runs inside
streamlit-folium's iframe at ``<base>/component/streamlit_folium.st_folium/index.html``, so the
relative URL ``../<name>/leaflet.js`` reaches it with or without ``--server.baseUrlPath``. No file
is copied anywhere and no CDN is asked.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import streamlit.components.v1 as components
import xstatic.pkg.leaflet as xstatic_leaflet

LEAFLET_COMPONENT = f"{__name__}.leaflet"


def register() -> None:
    """Declare the asset folders to Streamlit; call once per script run, before the map."""
    components.declare_component("leaflet", path=xstatic_leaflet.BASE_DIR)


def leaflet_js() -> str:
    return f"../{LEAFLET_COMPONENT}/leaflet.js"


def leaflet_css() -> str:
    return f"../{LEAFLET_COMPONENT}/leaflet.css"


def leaflet_inline() -> tuple[str, str]:
    """Leaflet's script and stylesheet as text, the stylesheet's images as data URLs: what a
    standalone HTML file carries so that it opens with no server and no internet."""
    base = Path(xstatic_leaflet.BASE_DIR)

    def data_url(match: re.Match) -> str:
        png = (base / "images" / match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(png).decode()})"

    css = re.sub(r"url\(images/([\w.-]+\.png)\)", data_url, (base / "leaflet.css").read_text())
    return (base / "leaflet.js").read_text(encoding="utf-8"), css
