"""账户管理 (admins): every account of the workspace; add one, change its role, villages,
state or password. The same store as ``township-atlas users``."""

from __future__ import annotations

import streamlit as st

from township_atlas.dashboard import auth, i18n, loader, panels, users_panels
from township_atlas.dashboard import state as S

lang = S.get(S.LANG)
st.header(i18n.t("page_users", lang))
panels.flash()
st.caption(i18n.t("users_hint", lang))
store = auth.store()
villages = loader.load_workspace().villages
names = dict(zip(villages["code"].astype(str), villages["name"].astype(str), strict=True))
accounts = store.accounts()
if accounts:
    st.dataframe(users_panels.table(accounts, names, lang), hide_index=True, width="stretch")
else:
    st.info(i18n.t("users_none", lang))
left, right = st.columns(2, gap="large")
with left:
    users_panels.add_form(store, names, not accounts, lang)
with right:
    users_panels.change_form(store, accounts, names, lang)
