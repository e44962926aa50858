"""Baseline for bench_map_load.py: the least a Streamlit + streamlit-folium page can do.

One polygon, no tiles, Leaflet from the same offline assets as the real dashboard. Whatever
time this page needs is the floor set by Streamlit, the component iframe and Leaflet.
"""

import folium
from streamlit_folium import st_folium

from township_atlas.dashboard import assets

assets.register()
m = folium.Map(location=[25.33, 115.10], zoom_start=11, tiles=None)
m.default_js = [("leaflet", assets.leaflet_js())]
m.default_css = [("leaflet_css", assets.leaflet_css())]
folium.map.CustomPane("villages", z_index=350).add_to(m)
folium.GeoJson(
    {
        "type": "Polygon",
        "coordinates": [[[115.0, 25.3], [115.2, 25.3], [115.2, 25.4], [115.0, 25.3]]],
    },
    pane="villages",
).add_to(m)
st_folium(m, key="baseline", height=720, returned_objects=[])
