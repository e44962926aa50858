"""会议模式: the township map for a projector or a big screen, six headline figures in large
type, and a walk through the villages (buttons, arrow or page keys, a click on the map, or by
itself). 「进入全屏演示」 (or the address with ?present=1) hides everything else."""

from __future__ import annotations

import streamlit as st

from township_atlas.dashboard import loader, map_cache, meeting_panels, meeting_view, panels, view
from township_atlas.dashboard import state as S

lang = S.get(S.LANG)
ws = loader.load_workspace()
year = S.get(S.YEAR) or view.latest_year(ws)
rules = panels.rules_or_stop(ws, lang)
present = meeting_view.presenting(st.query_params)
dark = bool(S.get(S.MEETING_DARK))
strip = bool(view.demo_banner(loader.load_meta(), lang))  # app.py draws it as one line
st.html(meeting_view.page_css(present, dark, strip))  # a fixed style sheet, no data in it

# The choropleth, classes, year, layers and base map chosen before the meeting carry into it.
chosen = map_cache.cached_map_spec(
    year,
    S.get(S.INDICATOR),
    lang,
    S.get(S.SCHEME),
    tuple(S.get(S.LAYERS) or ()),
    S.get(S.BASEMAP),
)
meeting_panels.controls(present, lang)
meeting_panels.figures(year, lang, rules)
units = loader.map_units()  # a township's villages, or a county's townships
spec = meeting_view.meeting_spec(chosen, dark)
meeting_panels.stage(ws, units, spec, year, rules, lang, present)
