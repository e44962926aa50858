"""规则设置: the workspace's exit rules as a readable TOML file: edit, check, save or reset."""

from __future__ import annotations

import streamlit as st

from township_atlas.dashboard import i18n, loader, panels
from township_atlas.dashboard import state as S
from township_atlas.geo.rules import RULES_META_KEY, RulesError, default_rules_text, parse_rules
from township_atlas.geo.workspace import update_workspace

lang = S.get(S.LANG)
ws = loader.load_workspace()
stored = ws.meta.get(RULES_META_KEY) or ""


def check(save: bool) -> None:
    """Button callback (it runs before the text area is drawn, so it may reset it)."""
    text = S.get(S.RULES_TEXT)
    try:
        parse_rules(text, i18n.t("rules_file", lang))
    except RulesError as exc:  # names the key and the line of every problem
        S.set_value(S.RULES_ERROR, str(exc))
        return
    S.set_value(S.RULES_ERROR, None)
    if save:
        update_workspace(loader.workspace_path(), lambda current: {}, meta={RULES_META_KEY: text})
    S.set_value(S.FLASH, ("success", i18n.t("rules_saved" if save else "rules_ok", lang)))


def reset() -> None:
    update_workspace(loader.workspace_path(), lambda current: {}, meta={RULES_META_KEY: ""})
    S.set_value(S.RULES_TEXT, default_rules_text())
    S.set_value(S.RULES_ERROR, None)
    S.set_value(S.FLASH, ("success", i18n.t("rules_reset_done", lang)))


st.header(i18n.t("page_rules", lang))
panels.flash()
st.caption(i18n.t("rules_hint", lang))
st.text(i18n.t("rules_own" if stored.strip() else "rules_default", lang))
if S.get(S.RULES_TEXT) is None:
    S.set_value(S.RULES_TEXT, stored if stored.strip() else default_rules_text())
if S.get(S.RULES_ERROR):
    st.error(i18n.t("rules_problems", lang))
    st.code(S.get(S.RULES_ERROR), language=None)
text = st.text_area(i18n.t("rules_file", lang), height=520, key=S.RULES_TEXT)

a, b, c, d = st.columns(4)
a.button(i18n.t("rules_check", lang), key=S.RULES_CHECK, on_click=check, args=(False,))
b.button(i18n.t("rules_save", lang), type="primary", key=S.RULES_SAVE, on_click=check, args=(True,))
c.button(i18n.t("rules_reset", lang), key=S.RULES_RESET, on_click=reset)
d.download_button(
    i18n.t("rules_download", lang),
    text.encode("utf-8"),
    file_name="exit-rules.toml",
    mime="application/toml",
    key=S.RULES_DOWNLOAD,
)
