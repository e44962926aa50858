"""审计日志 (admins): who did what and when, filtered by dates, account and action; export."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from township_atlas.dashboard import audit_view, auth, i18n, loader
from township_atlas.dashboard import state as S
from township_atlas.geo.audit import AuditLog
from township_atlas.geo.export import csv_bytes, excel_bytes

lang = S.get(S.LANG)
st.header(i18n.t("page_audit", lang))
st.caption(i18n.t("audit_hint", lang))
log = AuditLog.for_workspace(loader.workspace_path())
today = dt.date.today()  # the office's day, as the times shown
a, b, c, d = st.columns(4)
since = a.date_input(
    i18n.t("audit_since", lang), value=today - dt.timedelta(days=30), key=S.AUDIT_SINCE
)
until = b.date_input(i18n.t("audit_until", lang), value=today, key=S.AUDIT_UNTIL)
account = c.text_input(i18n.t("audit_account", lang), key=S.AUDIT_ACCOUNT).strip()
action = d.selectbox(
    i18n.t("audit_action", lang),
    ["", *audit_view.actions()],
    format_func=lambda k: audit_view.action_label(k, lang) if k else i18n.t("audit_all", lang),
    key=S.AUDIT_ACTION,
)
start, end = audit_view.local_bounds(since, until)
rows = log.rows(since=start, until=end, account=account or None, action=action or None)
if rows.empty:
    st.info(i18n.t("audit_none", lang))
    st.stop()
table = audit_view.table(rows, lang)
st.caption(i18n.t("audit_count", lang, n=len(table)))
if len(table) > audit_view.SHOWN:
    st.caption(i18n.t("audit_shown", lang, n=audit_view.SHOWN))
st.dataframe(table.head(audit_view.SHOWN), hide_index=True, width="stretch")
name = audit_view.file_stem(loader.load_meta(), since, until)
left, right = st.columns(2)
left.download_button(
    i18n.t("audit_csv", lang),
    csv_bytes(table),
    file_name=f"{name}.csv",
    mime="text/csv",
    key=S.AUDIT_DOWNLOAD_CSV,
    on_click=auth.record_export,
    args=("audit", f"{name}.csv"),
)
right.download_button(
    i18n.t("audit_xlsx", lang),
    excel_bytes({i18n.t("page_audit", lang): table}),
    file_name=f"{name}.xlsx",
    mime=audit_view.XLSX,
    key=S.AUDIT_DOWNLOAD_XLSX,
    on_click=auth.record_export,
    args=("audit", f"{name}.xlsx"),
)
