"""变更登记: record what changed (an indicator, a household's exit, fall back or monitoring, an
e-commerce station's status), see every recorded change and undo one by recording its
reverse."""

from __future__ import annotations

import streamlit as st

from township_atlas.dashboard import auth, i18n, loader, panels, record_panels
from township_atlas.dashboard import state as S

lang = S.get(S.LANG)
user = auth.session_user()
assert user is not None  # app.py opened this page for a user who may record changes
full = loader.load_workspace()
ws = auth.scoped(full, user)  # a monitor of some villages: their households only
path = loader.workspace_path()
st.header(i18n.t("page_record", lang))
panels.flash()
st.caption(i18n.t("record_hint", lang))

with st.container(border=True):
    record_panels.change_form(ws, path, lang, villages=user.villages or None)

st.subheader(i18n.t("record_log", lang))
record_panels.change_log(ws, path, lang, lambda ids: auth.undoable_by(full, user, ids))
