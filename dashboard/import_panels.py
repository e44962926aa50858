"""The Data page's parts: check an upload (cached), map its columns, show what would happen.

Every check is a dry run of the real import (:mod:`township_atlas.data.importing.run`), so what
the page previews is exactly what the import button will do: the same rows taken, the same
rows refused with the same reasons.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from ..data.importing import KINDS
from ..data.importing.errors import ImportFailed
from ..data.importing.run import (
    ROAD_KIND,
    ImportOutcome,
    file_headers,
    import_failure,
    mappable_fields,
    recognised_headers,
    run_import,
    workbook_sheets,
)
from ..data.importing.templates import TEMPLATE_KINDS, template_file
from ..geo import audit
from ..geo.export import csv_bytes, excel_bytes
from ..geo.schema import LAYERS
from . import i18n, loader
from . import state as S
from .markup import escape_md

#: File types the uploader offers for each kind.
VECTOR_TYPES = ["geojson", "json", "gpkg", "zip", "kml"]
TABLE_TYPES = ["xlsx", "xls", "csv"]
UPLOAD_TYPES = {
    "villages": VECTOR_TYPES,
    "township": VECTOR_TYPES,
    "households": TABLE_TYPES,
    "facilities": TABLE_TYPES + VECTOR_TYPES,
    "stations": TABLE_TYPES + VECTOR_TYPES,
    "sites": TABLE_TYPES + VECTOR_TYPES,
    "indicators": TABLE_TYPES,
    ROAD_KIND: VECTOR_TYPES,
    "cadres": TABLE_TYPES,
    "pairings": TABLE_TYPES,
    "teams": TABLE_TYPES,
    "visits": TABLE_TYPES,
    "measures": TABLE_TYPES,
    "projects": TABLE_TYPES,
    "exit_plans": TABLE_TYPES,
    "operations": TABLE_TYPES,
}
#: Kinds whose coordinates may need a CRS.
CRS_KINDS = ("villages", "township", "facilities", "stations", "sites", ROAD_KIND, "projects")
#: The widget key of the roads' "add to the network" tick.
APPEND_KEY = "data_roads_append"


#: This page's strings that dashboard/i18n.py does not have yet (the lead moves them there;
#: :func:`text` prefers i18n's once it has them).
def kind_label(kind: str, lang: str) -> str:
    """What the kind selector shows for ``kind``."""
    return i18n.t(f"data_kind_{kind}", lang)


def has_template(kind: str) -> bool:
    """Whether ``kind`` has an import template (every kind has one)."""
    return kind in TEMPLATE_KINDS


_SKIP = "—"


@dataclass(frozen=True)
class Upload:
    """The uploaded file as the import needs it: its name (the suffix tells the format)."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Refused:
    """Why a file cannot be imported at all (an :class:`ImportFailed` as plain data)."""

    zh: str
    en: str


@dataclass(frozen=True)
class Options:
    kind: str
    crs: str | None = None
    sheet: str | None = None
    columns: tuple[tuple[str, str], ...] = ()
    #: Roads: add to the network instead of replacing it.
    append: bool = False


def _in_folder(upload: Upload, act):
    # The readers take a path: the upload (names, IDs, phones) lives in a private temporary
    # folder for this one call and is removed however the call ends.
    with tempfile.TemporaryDirectory(prefix="atlas-upload-") as folder:
        path = Path(folder) / (Path(upload.name).name or "upload")
        path.write_bytes(upload.data)
        return act(path)


def _refused(exc: Exception, upload: Upload) -> Refused:
    """Any failure of an import as one message: a hostile file never becomes a traceback."""
    failed = exc if isinstance(exc, ImportFailed) else import_failure(exc, upload.name)
    return Refused(failed.zh, failed.en)


def _run(
    upload: Upload, opts: Options, *, dry_run: bool, accept: bool = False, confirm: bool = False
) -> ImportOutcome:
    return _in_folder(
        upload,
        lambda path: run_import(
            loader.workspace_path(),
            path,
            opts.kind,
            crs=opts.crs,
            sheet=opts.sheet,
            columns=dict(opts.columns) or None,
            accept_partial=accept,
            dry_run=dry_run,
            confirm_large=confirm,
            append=opts.append,
        ),
    )


@st.cache_data(show_spinner=False, max_entries=8)
def _check(upload: Upload, opts: Options, ws: str, version: str) -> ImportOutcome | Refused:
    # ws and its version key the cache: after an import the same file is checked again.
    try:
        return _run(upload, opts, dry_run=True)
    except Exception as exc:  # the page says why, the server goes on
        return _refused(exc, upload)


def check(upload: Upload, opts: Options) -> ImportOutcome | Refused:
    """A dry run of importing ``upload``: what would be taken, refused and changed."""
    return _check(upload, opts, str(loader.workspace_path()), loader.workspace_stamp())


def do_import(
    upload: Upload, opts: Options, accept: bool, confirm: bool = False
) -> ImportOutcome | Refused:
    """Import ``upload`` for real (one transaction); ``confirm`` lets an implausibly large
    result through."""
    try:
        with audit.doing("import", target=audit.masked(upload.name)):
            return _run(upload, opts, dry_run=False, accept=accept, confirm=confirm)
    except Exception as exc:  # a full disk, a hostile file: one message, nothing changed
        return _refused(exc, upload)


@st.cache_data(show_spinner=False, max_entries=16)
def sheets(upload: Upload) -> list[str]:
    """The sheets of an uploaded workbook (none for other files, or one that cannot be read:
    the check then says why)."""
    if Path(upload.name).suffix.lower() not in (".xlsx", ".xls", ".xlsm", ".ods"):
        return []
    try:
        return _in_folder(upload, workbook_sheets)
    except Exception:
        return []


@st.cache_data(show_spinner=False, max_entries=16)
def _template(kind: str, ws: str, version: str) -> tuple[str, bytes, str]:
    # given the workspace, an assistance example names its first household and cadre too
    return template_file(kind, workspace=None if loader.is_new() else loader.load_workspace())


def template(kind: str) -> tuple[str, bytes, str]:
    """The import template of ``kind`` whose example names the workspace's first village
    (a neutral example while the workspace is still to be made)."""
    return _template(kind, str(loader.workspace_path()), loader.workspace_stamp())


def _label(field: str, zh: str, en: str, lang: str) -> str:
    return f"{zh if lang == 'zh' else en} · {field}"


@st.cache_data(show_spinner=False, max_entries=16)
def _headers(upload: Upload, kind: str, sheet: str | None) -> tuple[str, ...]:
    try:
        return _in_folder(upload, lambda path: file_headers(path, kind, sheet))
    except Exception:  # best effort: a file that cannot be read has no headers to map
        return ()


def headers_found(
    upload: Upload, opts: Options, checked: ImportOutcome | Refused
) -> tuple[list[str], dict[str, str]]:
    """The file's headers and those recognised; for a refused file (e.g. a required column
    not recognised) the headers alone, so the user can say which column is which."""
    if isinstance(checked, ImportOutcome):
        found = dict(checked.columns_found)
        return list(checked.headers) or list(found), found
    headers = list(_headers(upload, opts.kind, opts.sheet))
    return headers, recognised_headers(opts.kind, headers)


def column_mapping(
    headers: list[str], found: Mapping[str, str], kind: str, lang: str, key: str
) -> dict[str, str]:
    """An editable table of the file's headers and the field each fills; returns the
    headers the user changed (header → field, "" to leave a column out)."""
    fields = mappable_fields(kind)
    label = {f: _label(f, zh, en, lang) for f, zh, en in fields}
    back = {v: k for k, v in label.items()} | {_SKIP: ""}
    table = pd.DataFrame(
        {
            i18n.t("data_header", lang): headers,
            i18n.t("data_field", lang): [label.get(found.get(h, ""), _SKIP) for h in headers],
        }
    )
    edited = st.data_editor(
        table,
        key=key,
        hide_index=True,
        width="stretch",
        disabled=[i18n.t("data_header", lang)],
        column_config={
            i18n.t("data_field", lang): st.column_config.SelectboxColumn(
                options=[_SKIP, *label.values()], required=True
            )
        },
    )
    chosen = dict(zip(headers, edited[i18n.t("data_field", lang)].map(back), strict=True))
    taken = [f for f in chosen.values() if f]
    twice = sorted({label[f] for f in taken if taken.count(f) > 1})
    if twice:
        st.warning(i18n.t("data_twice", lang, fields="、".join(twice)))
    # a column read only to be dropped (姓名, 联系电话) has no field to show; leave it be
    return {
        h: f
        for h, f in chosen.items()
        if f != found.get(h, "") and not (f == "" and found.get(h, "") not in label)
    }


def preview(outcome: ImportOutcome, lang: str) -> None:
    """What the import would do: rows taken and refused, CRS, notes, the first rows, and
    every refused row with its reason (downloadable as CSV or Excel)."""
    zh = lang == "zh"
    # What the file says (its CRS, headers, names in the notes) is shown as typed, never as
    # Markdown: a header ![x](http://host/b.png) must not make the browser fetch anything.
    crs = i18n.t("data_crs_used", lang, crs=escape_md(outcome.crs)) if outcome.crs else ""
    st.markdown(
        f"**{i18n.t('data_found', lang, n=outcome.taken, bad=len(outcome.rejected))}**{crs}"
    )
    if outcome.unchanged:
        st.success(i18n.t("data_unchanged", lang, n=outcome.taken))
    if outcome.notes:
        notes = (escape_md(n_zh if zh else n_en) for n_zh, n_en in outcome.notes)
        st.info("\n".join(f"- {note}" for note in notes))
    if outcome.sample is not None and len(outcome.sample):
        st.caption(i18n.t("data_first_rows", lang))
        st.dataframe(_as_text(_labelled(outcome.sample, outcome.kind, lang), lang), hide_index=True)
    warned = outcome.warnings if outcome.warnings is not None else outcome.rejected.iloc[:0]
    if not len(outcome.rejected) and not len(warned):
        return
    for frame, key, call in (
        (outcome.rejected, "data_rejected", st.warning),
        (warned, "data_warned", st.info),
    ):
        if not len(frame):
            continue
        call(i18n.t(key, lang, n=len(frame)))
        reasons = frame[["source_row", "reason_zh" if zh else "reason_en"]]
        reasons.columns = [i18n.t("data_row", lang), i18n.t("data_reason", lang)]
        st.dataframe(reasons, hide_index=True)
    a, b = st.columns(2)
    a.download_button(
        i18n.t("data_report", lang),
        csv_bytes(outcome.report_table()),
        file_name=f"导入报告-{outcome.kind}.csv",
        mime="text/csv",
        key=S.DATA_REPORT,
    )
    b.download_button(
        i18n.t("data_report_xlsx", lang),
        excel_bytes(outcome.report()),
        file_name=f"导入报告-{outcome.kind}.xlsx",
        key=S.DATA_REPORT_XLSX,
    )


def _as_text(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` as text, flags as 是/否 and missing cells empty: the grid wrote "None" in
    every cell the file left blank (which reads as a value someone typed) and True/False."""
    words = {True: i18n.t("yes", lang), False: i18n.t("no", lang)}
    out = pd.DataFrame(frame).copy()
    for col in out.columns:
        if pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map(words)
    return out.astype("string").fillna("")


def _labelled(frame: pd.DataFrame, kind: str, lang: str) -> pd.DataFrame:
    """``frame`` with its columns named as the data dictionary names them."""
    spec = LAYERS[KINDS[kind].layer]
    names = {c.name: c.zh if lang == "zh" else c.en for c in spec.columns}
    return frame.rename(columns=names)


def result_message(result: ImportOutcome | Refused, lang: str) -> tuple[str, str]:
    """(streamlit call, text) saying what an import did; the text is Markdown (st.success and
    friends render it), with what came from the file escaped."""
    if isinstance(result, Refused):
        why = escape_md(result.zh if lang == "zh" else result.en)
        return "error", f"{i18n.t('data_failed', lang)} {why}"
    if result.unchanged:
        return "info", i18n.t("data_unchanged", lang, n=result.taken)
    if result.written:
        said = [i18n.t("data_done", lang, n=result.taken)]
        if result.changes:
            said.append(escape_md(result.changes[0] if lang == "zh" else result.changes[1]))
        return "success", " ".join(said)
    if result.taken:
        return "warning", i18n.t("data_blocked", lang, n=len(result.rejected))
    return "error", i18n.t("data_nothing", lang)


#: The widget key of the tick that confirms an implausibly large import.
CONFIRM_KEY = "data_confirm_large"


def confirm_label(lang: str) -> str:
    """The confirmation tick's label."""
    return i18n.t("data_confirm_large", lang)


def mapping_key(upload: Upload, opts: Options) -> str:
    """The mapping editor's key: a new file, kind or sheet starts from what was detected."""
    return f"{S.DATA_MAPPING}:{opts.kind}:{opts.sheet}:{upload.name}:{hash(upload.data)}"


def as_columns(changed: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(changed.items()))
