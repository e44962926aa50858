"""数据字典: the workspace's layers and columns, read from geo/schema.py."""

from __future__ import annotations

import streamlit as st

from township_atlas.dashboard import i18n, tables
from township_atlas.dashboard import state as S
from township_atlas.geo.schema import LAYERS

lang = S.get(S.LANG)
st.header(i18n.t("page_schema", lang))
st.write(i18n.t("schema_intro", lang))
for layer in LAYERS.values():
    with st.expander(f"{layer.zh} · {layer.en} (`{layer.name}`)"):
        st.caption(layer.meaning)
        st.dataframe(tables.schema_table(layer, lang), hide_index=True, width="stretch")
