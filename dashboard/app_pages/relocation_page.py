"""搬迁安置: relocation sites with flow lines from their origin villages, key figures, and the
follow-up checks of every site, each shown passed (green) or failed (red)."""

from __future__ import annotations

import streamlit as st

from township_atlas.analysis import relocation
from township_atlas.dashboard import (
    auth,
    i18n,
    loader,
    map_cache,
    map_controls,
    monitor_view,
    panels,
    view,
)
from township_atlas.dashboard import map as township_map
from township_atlas.dashboard import state as S
from township_atlas.geo.export import csv_bytes

lang = S.get(S.LANG)
ws = loader.load_workspace()
year = S.get(S.YEAR) or view.latest_year(ws)
# The sites and their flows are the page; the follow-up checks measure to the facilities.
OWN_LAYERS = ("villages", "relocation", "facilities")
map_controls.heading(
    f"{i18n.t('page_relocation', lang)} · {year}", lang, choropleth=False, always=OWN_LAYERS
)
rules = panels.rules_or_stop(ws, lang)

followup = monitor_view.site_followup(ws, rules)
totals = relocation.followup_summary(followup)["totals"]
cols = st.columns(5)
cols[0].metric(i18n.t("reloc_sites", lang), i18n.t("reloc_sites_value", lang, n=totals["sites"]))
for col, label, unit in (
    (cols[1], "reloc_households_metric", "households"),
    (cols[2], "reloc_persons_metric", "persons"),
):
    moved, planned = totals[f"moved_{unit}"], totals[f"planned_{unit}"]
    # the unit is in the label: "297 / 297人" is cut off in a fifth of a 1280-px window
    col.metric(i18n.t(label, lang), f"{moved:,} / {planned:,}")
share = totals["moved_share"]
cols[3].metric(i18n.t("reloc_share_metric", lang), "—" if share is None else f"{share:.0%}")
cols[4].metric(
    i18n.t("reloc_failing_metric", lang), f"{totals['sites_failing_any']} / {totals['sites']}"
)

left, right = st.columns([3, 2], gap="medium")
layers = tuple(sorted(map_controls.layers(OWN_LAYERS)))
base = map_cache.cached_map_spec(
    year, "poor_people", lang, "natural_breaks", layers, S.get(S.BASEMAP)
)
with left:
    spec = monitor_view.relocation_map_spec(base, year, lang)
    township_map.show(spec, key=S.RELOC_MAP, height=560)
    st.caption(i18n.t("reloc_map_hint", lang, year=year))
with right:
    st.subheader(i18n.t("reloc_flows", lang))
    if len(base.flows):
        st.dataframe(monitor_view.flows_table(base.flows, lang), hide_index=True, width="stretch")
    else:
        st.info(i18n.t("reloc_no_flows", lang, year=year))

st.subheader(i18n.t("reloc_followup", lang))
if followup.empty:
    st.info(i18n.t("reloc_no_sites", lang))
    st.stop()
table = monitor_view.followup_table(followup, lang)
st.dataframe(
    table.style.map(monitor_view.check_style),
    hide_index=True,
    width="stretch",
    height=35 * (len(table) + 1) + 3,  # every check in sight, no scrolling inside the table
)
st.caption(i18n.t("reloc_followup_hint", lang))
if auth.may("export_data"):
    st.download_button(
        i18n.t("reloc_download", lang),
        csv_bytes(monitor_view.followup_export(followup, lang)),
        file_name="relocation-followup.csv",
        mime="text/csv",
        key=S.RELOC_DOWNLOAD,
        on_click=auth.record_export,
        args=("relocation", "relocation-followup.csv"),
    )
