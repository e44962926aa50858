"""数据导入: choose what the file holds, upload it, see what would be taken and refused (and
map the columns that were not recognised), then import it in one step or not at all."""

from __future__ import annotations

import streamlit as st

from township_atlas.dashboard import i18n, import_panels, loader, panels
from township_atlas.dashboard import state as S
from township_atlas.dashboard.markup import escape_md
from township_atlas.data.importing import KINDS
from township_atlas.data.importing.run import ROAD_KIND

lang = S.get(S.LANG)
st.header(i18n.t("page_data", lang))
panels.flash()
st.caption(i18n.t("data_hint", lang))
if loader.is_new():  # the villages make the workspace; everything else goes into it
    st.warning(i18n.t("data_new", lang, name=escape_md(loader.workspace_name())))
else:  # which file an import goes into: said here only, not on every page
    st.text(f"{i18n.t('workspace', lang)}: {loader.workspace_name()}")
a, b = st.columns([3, 1], vertical_alignment="bottom")
kind = a.selectbox(
    i18n.t("data_kind", lang),
    ("villages",) if loader.is_new() else tuple(KINDS),
    format_func=lambda k: import_panels.kind_label(k, lang),
    **S.bind(S.DATA_KIND, lang),
)
if import_panels.has_template(kind):
    name, data, mime = import_panels.template(kind)
    b.download_button(
        i18n.t("data_template", lang),
        data,
        file_name=name,
        mime=mime,
        help=i18n.t("data_template_help", lang),
        key=S.DATA_TEMPLATE,
    )
if kind == ROAD_KIND:
    st.caption(i18n.t("data_roads_hint", lang))
upload = st.file_uploader(
    i18n.t("data_file", lang), type=import_panels.UPLOAD_TYPES[kind], key=S.DATA_FILE
)
if upload is None:
    st.stop()

file = import_panels.Upload(upload.name, upload.getvalue())
a, b = st.columns(2)
crs = ""
if kind in import_panels.CRS_KINDS:
    crs = a.text_input(i18n.t("data_crs", lang), key=S.DATA_CRS, placeholder="EPSG:4490 / gcj02")
sheets = import_panels.sheets(file)
sheet = b.selectbox(i18n.t("data_sheet", lang), sheets, key=S.DATA_SHEET) if sheets else None
append = kind == ROAD_KIND and st.checkbox(
    i18n.t("data_roads_append", lang), key=import_panels.APPEND_KEY
)
opts = import_panels.Options(
    kind, crs.strip() or None, sheet if len(sheets) > 1 else None, append=append
)

detected = import_panels.check(file, opts)
headers, found = import_panels.headers_found(file, opts, detected)
if headers:
    unmapped = isinstance(detected, import_panels.Refused) or len(headers) > len(found)
    with st.expander(i18n.t("data_columns", lang), expanded=unmapped):
        st.caption(i18n.t("data_columns_help", lang))
        key = import_panels.mapping_key(file, opts)
        changed = import_panels.column_mapping(headers, found, kind, lang, key)
    if changed:
        opts = import_panels.Options(
            kind, opts.crs, opts.sheet, import_panels.as_columns(changed), opts.append
        )
outcome = import_panels.check(file, opts)
if isinstance(outcome, import_panels.Refused):
    st.error(i18n.t("data_failed", lang))
    st.text(outcome.zh if lang == "zh" else outcome.en)
    st.caption(i18n.t("data_failed_hint", lang))
    st.stop()
import_panels.preview(outcome, lang)
accept = st.checkbox(
    i18n.t("data_accept", lang, n=len(outcome.rejected)),
    key=S.DATA_ACCEPT,
    disabled=not len(outcome.rejected),
)
confirm = False
if outcome.large:  # implausibly large: imported only when the user says it is right
    st.warning("\n".join(f"- {escape_md(zh if lang == 'zh' else en)}" for zh, en in outcome.large))
    confirm = st.checkbox(import_panels.confirm_label(lang), key=import_panels.CONFIRM_KEY)
if st.button(
    i18n.t("data_import", lang),
    type="primary",
    key=S.DATA_IMPORT,
    disabled=outcome.taken == 0 or outcome.unchanged or (bool(outcome.large) and not confirm),
):
    with st.spinner(i18n.t("data_import", lang)):
        result = import_panels.do_import(file, opts, accept, confirm)
    S.set_value(S.FLASH, import_panels.result_message(result, lang))
    st.rerun()
