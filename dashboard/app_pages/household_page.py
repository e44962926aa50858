"""农户查询: find a household by 户编号 or the head's ID number; its record (ID masked), its
status year by year and every recorded change to it."""

from __future__ import annotations

import streamlit as st

from township_atlas.analysis.household_lookup import find_households
from township_atlas.dashboard import auth, household_panels, i18n, loader, view
from township_atlas.dashboard import state as S
from township_atlas.dashboard.markup import escape_md
from township_atlas.geo.rules import RulesError, workspace_rules

lang = S.get(S.LANG)
user = auth.session_user()
assert user is not None  # app.py opened this page for a user who may view households
# A monitor of some villages finds only their households (others answer "not found").
ws = auth.scoped(loader.load_workspace(), user)
st.header(i18n.t("page_households", lang))
st.caption(i18n.t("hh_hint", lang))
query = st.text_input(
    i18n.t("hh_query", lang), key=S.HH_QUERY, placeholder="户编号 / 证件号码 / 360722****1234"
)
if not query.strip():
    st.stop()
typed_hash, id_problem = household_panels.id_lookup(ws.meta, query, lang)
if id_problem:  # said, not a silent "not found": the 户编号 search below still runs
    st.warning(escape_md(id_problem))  # may name the key file
if typed_hash is not None and not household_panels.may_look_up(user, typed_hash):
    st.error(household_panels.lookup_limited(lang))
    st.stop()
found = find_households(ws.households, query, typed_hash)
if typed_hash is not None:
    household_panels.record_lookup(user, typed_hash, found)
if found.empty:
    st.info(i18n.t("hh_none", lang))
    st.stop()
names = dict(zip(ws.villages["code"].astype(str), ws.villages["name"], strict=True))
labels = {
    str(r["household_id"]): household_panels.choice_label(r, names) for _, r in found.iterrows()
}
chosen = st.selectbox(
    i18n.t("hh_found", lang, n=len(found)), list(labels), format_func=labels.get, key=S.HH_CHOICE
)
row = found.set_index(found["household_id"].astype(str)).loc[chosen]
household_panels.record_view(user, chosen)
st.subheader(escape_md(labels[chosen]))  # village name and 户编号 come from data
household_panels.record(ws, row, lang)
st.markdown(f"**{i18n.t('hh_years', lang)}**")
household_panels.years(row, range(view.first_year(ws), view.latest_year(ws) + 1), lang)
try:
    rules = workspace_rules(ws.meta)
except RulesError:  # the 规则设置 page says what is wrong; the record is still shown
    rules = None
if rules is not None:
    household_panels.exit_checks(ws, chosen, S.get(S.YEAR) or view.latest_year(ws), rules, lang)
st.markdown(f"**{i18n.t('hh_changes', lang)}**")
household_panels.changes(ws, chosen, lang)
