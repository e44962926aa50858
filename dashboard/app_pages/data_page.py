"""数据导入: upload a boundary file, see what was recognised and every row that cannot be
taken, then import it into the workspace in one step (or not at all)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from township_atlas.dashboard import i18n, loader, panels
from township_atlas.dashboard import state as S
from township_atlas.geo.importing import BOUNDARY_KINDS, import_boundaries
from township_atlas.geo.read_vector import ImportFailed, read_boundaries

lang = S.get(S.LANG)
st.header(i18n.t("page_data", lang))
panels.flash()
st.caption(i18n.t("data_hint", lang))
a, b = st.columns(2)
kind = a.radio(
    i18n.t("data_kind", lang),
    BOUNDARY_KINDS,
    format_func=lambda k: i18n.t(f"data_kind_{k}", lang),
    horizontal=True,
    **S.bind(S.DATA_KIND, lang),
)
crs = b.text_input(i18n.t("data_crs", lang), key=S.DATA_CRS, placeholder="EPSG:4490 / gcj02")
upload = st.file_uploader(
    i18n.t("data_file", lang), type=["geojson", "json", "gpkg", "zip", "kml"], key=S.DATA_FILE
)
if upload is None:
    st.stop()


def preview_and_import(source: Path) -> None:
    try:
        preview = read_boundaries(source, kind, crs=crs.strip() or None)
    except ImportFailed as exc:
        st.error(i18n.t("data_failed", lang))
        st.text(exc.zh if lang == "zh" else exc.en)
        return
    panels.import_preview(preview, lang)
    accept = st.checkbox(
        i18n.t("data_accept", lang, n=len(preview.rejected)),
        key=S.DATA_ACCEPT,
        disabled=not len(preview.rejected),
    )
    if not st.button(i18n.t("data_import", lang), type="primary", key=S.DATA_IMPORT):
        return
    try:
        outcome = import_boundaries(
            loader.workspace_path(), source, kind, crs=crs.strip() or None, accept_partial=accept
        )
    except ImportFailed as exc:
        st.error(exc.zh if lang == "zh" else exc.en)
        return
    panels.import_outcome(outcome, lang)


# The readers take a path: the upload lives in a private temporary folder for this run only.
with tempfile.TemporaryDirectory(prefix="atlas-upload-") as folder:
    path = Path(folder) / Path(upload.name).name
    path.write_bytes(upload.getvalue())
    preview_and_import(path)
