"""The language choice (语言 / Language), drawn in the sidebar and on the sign-in page."""

from __future__ import annotations

import streamlit as st

from . import i18n
from . import state as S


def choose() -> None:
    """The 中文 / English radio; its value is ``S.LANG``, read by every page."""
    st.radio(
        "语言 / Language",
        list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.get,
        horizontal=True,
        key=S.LANG,
    )
