"""Offline web assets, served by Streamlit from installed Python packages.

Leaflet's script, stylesheet and images come from ``xstatic-leaflet``. Streamlit serves the
folder of a declared component at ``<base>/component/<name>/``; the map runs inside
streamlit-folium's iframe at ``<base>/component/streamlit_folium.st_folium/index.html``, so the
relative URL ``../<name>/leaflet.js`` reaches it with or without ``--server.baseUrlPath``. No file
is copied anywhere and no CDN is asked.
"""

from __future__ import annotations

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
