"""规则设置: the workspace's exit rules as a form (each value, its unit and meaning, grouped),
the TOML behind an advanced fold, and where the base-map settings are made."""

from __future__ import annotations

import streamlit as st

from township_atlas.dashboard import i18n, loader, panels, rules_form, rules_widgets
from township_atlas.dashboard import state as S
from township_atlas.dashboard.markup import escape_md
from township_atlas.geo import audit
from township_atlas.geo.rules import (
    RULES_META_KEY,
    RulesError,
    default_rules,
    default_rules_text,
    parse_rules,
    workspace_rules,
)
from township_atlas.geo.workspace import update_workspace

lang = S.get(S.LANG)
ws = loader.load_workspace()
stored = ws.meta.get(RULES_META_KEY) or ""
try:
    rules, broken = workspace_rules(ws.meta), None
except RulesError as exc:  # written by hand or another version: the TOML fold can fix it
    rules, broken = default_rules(), exc
fields = rules_form.fields(rules)


def store(text: str, message: str) -> None:
    """Save ``text`` as the workspace's rules; the form and the TOML are filled again from it."""
    old = loader.load_meta().get(RULES_META_KEY) or ""
    try:
        with audit.doing("rules", detail=rules_form.changed_rules(old, text)):
            update_workspace(
                loader.workspace_path(), lambda current: {}, meta={RULES_META_KEY: text}
            )
    except (OSError, audit.AuditError) as exc:  # a locked file, a full disk: nothing saved
        S.set_value(S.FLASH, ("error", i18n.t("rules_not_saved", lang, error=escape_md(exc))))
        return
    S.set_value(S.RULES_FORM_SOURCE, None)
    S.set_value(S.FLASH, ("success", i18n.t(message, lang)))


def save_form() -> None:
    """Button callback: the form's values, checked by the rules validator, then saved."""
    values = rules_widgets.values(fields)
    try:
        rules_form.to_rules(values, lang)
    except RulesError as exc:
        S.set_value(S.RULES_FORM_ERROR, rules_form.problems_of(exc))
        return
    S.set_value(S.RULES_FORM_ERROR, None)
    store(rules_form.to_toml(values, lang), "rules_saved")


def check_text(save: bool) -> None:
    """Button callback (it runs before the text area is drawn, so it may reset it)."""
    text = S.get(S.RULES_TEXT)
    try:
        parse_rules(text, i18n.t("rules_file", lang))
    except RulesError as exc:  # names the key and the line of every problem
        S.set_value(S.RULES_ERROR, rules_form.problems_of(exc))
        return
    S.set_value(S.RULES_ERROR, None)
    if save:
        store(text, "rules_saved")
    else:
        S.set_value(S.FLASH, ("success", i18n.t("rules_ok", lang)))


def reset() -> None:
    S.set_value(S.RULES_FORM_ERROR, None)
    S.set_value(S.RULES_ERROR, None)
    store("", "rules_reset_done")


if S.get(S.RULES_FORM_SOURCE) != stored:  # first visit, or the rules were saved since
    rules_widgets.fill(rules)
    S.set_value(S.RULES_TEXT, rules_form.display_text(stored or default_rules_text()))
    S.set_value(S.RULES_FORM_SOURCE, stored)

st.header(i18n.t("page_rules", lang))
panels.flash()
st.caption(i18n.t("rules_hint", lang))
st.text(i18n.t("rules_own" if stored.strip() else "rules_default", lang))
if broken is not None:
    st.error(i18n.t("rules_broken", lang))
    st.code("\n".join(rules_form.problem_lines(broken, lang, form=False)), language=None)

villages = dict(zip(ws.villages["code"].astype(str), ws.villages["name"], strict=True))
tabs = st.tabs([rules_form.group_title(g, lang) for g in rules_form.GROUPS])
for tab, group in zip(tabs, rules_form.GROUPS, strict=True):
    with tab:
        rules_widgets.draw_group([f for f in fields if f.group == group], lang, villages)

if S.get(S.RULES_FORM_ERROR):
    problems = rules_form.problems_from(S.get(S.RULES_FORM_ERROR))
    st.error(rules_widgets.problems_text(problems, lang))
with st.container(horizontal=True, vertical_alignment="center"):
    st.button(
        i18n.t("rules_form_save", lang), type="primary", key=S.RULES_FORM_SAVE, on_click=save_form
    )
    st.button(i18n.t("rules_reset", lang), key=S.RULES_RESET, on_click=reset)
    if rules_widgets.values(fields) != rules_form.form_values(rules):
        st.caption(i18n.t("rules_unsaved", lang))

with st.expander(i18n.t("rules_advanced", lang), key=S.RULES_ADVANCED):
    st.caption(i18n.t("rules_advanced_hint", lang))
    if S.get(S.RULES_ERROR):
        st.error(i18n.t("rules_problems", lang))
        problems = rules_form.problems_from(S.get(S.RULES_ERROR))
        st.code("\n".join(rules_form.problem_lines(problems, lang, form=False)), language=None)
    text = st.text_area(i18n.t("rules_file", lang), height=420, key=S.RULES_TEXT)
    with st.container(horizontal=True):
        st.button(
            i18n.t("rules_check", lang), key=S.RULES_CHECK, on_click=check_text, args=(False,)
        )
        st.button(i18n.t("rules_save", lang), key=S.RULES_SAVE, on_click=check_text, args=(True,))
        st.download_button(
            i18n.t("rules_download", lang),
            text.encode("utf-8"),
            file_name="exit-rules.toml",
            mime="application/toml",
            key=S.RULES_DOWNLOAD,
        )

with st.expander(i18n.t("rules_basemap", lang), key=S.RULES_BASEMAP):
    rules_widgets.basemap_settings(lang)
