"""村情总表: every village's figures at the chosen year, with township totals by category."""

from __future__ import annotations

import streamlit as st

from township_atlas.analysis import poverty
from township_atlas.dashboard import auth, i18n, loader, panels, tables, view
from township_atlas.dashboard import state as S
from township_atlas.geo.export import csv_bytes

lang = S.get(S.LANG)
ws = loader.load_workspace()
year = S.get(S.YEAR) or view.latest_year(ws)

st.header(f"{i18n.t('page_villages', lang)} · {year}")
panels.key_figures(ws, year, lang)

st.subheader(i18n.t("by_category", lang))
st.dataframe(tables.category_table(poverty.by_category(ws.households, year), lang), hide_index=True)

figures = tables.village_table(poverty.village_figures(ws.villages, ws.households, year), lang)
st.subheader(i18n.t("page_villages", lang))
st.dataframe(figures, hide_index=True, width="stretch")
if auth.may("export_data"):
    st.download_button(
        i18n.t("download_csv", lang),
        csv_bytes(figures),
        file_name=f"villages-{year}.csv",
        mime="text/csv",
        key=S.DOWNLOAD_VILLAGES,
        on_click=auth.record_export,
        args=("villages", f"villages-{year}.csv"),
    )
