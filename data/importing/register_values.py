"""A register's cells as values: normalised (full width, spaces, case, Excel's ``.0``) and
looked up in the schema's vocabularies (categories, causes, statuses over the years, member
codes), and counts and row numbers as the notes say them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ...geo.schema import (
    CAUSES,
    DANGEROUS_HOUSE_WORDS,
    HEALTH,
    HEALTH_ALIASES,
    HOUSEHOLDS,
    MEMBERS,
    NO_WORDS,
    RISK_CLEARED_WORDS,
    STATUS_ALIASES,
    STATUS_MONITOR_KIND,
    STATUS_POLICY,
    STATUS_RISK_CLEARED,
    YES_WORDS,
    Column,
)
from .tabular import (
    cell_text,
    yes_no,
)


def _norm_value(value: object) -> str:
    """A cell's value as compared with the vocabulary: NFKC (full width → half width, （）→
    ()), no spaces, case-folded, no trailing ``.0`` of a number Excel stored as float."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    text = re.sub(r"\s+", "", text).casefold()
    text = text.replace("【", "(").replace("】", ")").replace("〔", "(").replace("〕", ")")
    return re.sub(r"^(\d+)\.0+$", r"\1", text)


def _vocabulary(col: Column, extra: Iterable[tuple[str, str]] = ()) -> dict[str, str]:
    """Normalised spelling -> allowed value: the values themselves, then the column's aliases."""
    out = {_norm_value(v): v for v in col.allowed}
    for old, new in (*col.aliases, *extra):
        out.setdefault(_norm_value(old), new)
    return out


_CATEGORY = _vocabulary(HOUSEHOLDS.column("category"))
_CAUSE = _vocabulary(
    HOUSEHOLDS.column("cause"),
    [(name, k) for k, (name, _) in CAUSES.items()]
    + [(f"{name}致贫", k) for k, (name, _) in CAUSES.items()]
    + [(str(int(k)), k) for k in CAUSES],
)
_STATUS = _vocabulary(HOUSEHOLDS.column("status"), STATUS_ALIASES)
_STATUS_POLICY = {_norm_value(k): v for k, v in STATUS_POLICY.items()}
_STATUS_MONITOR = {_norm_value(k): v for k, v in STATUS_MONITOR_KIND.items()}
_STATUS_CLEARED = {_norm_value(k): v for k, v in STATUS_RISK_CLEARED.items()}
_MONITOR = _vocabulary(HOUSEHOLDS.column("monitor_kind"))
_POLICY = _vocabulary(HOUSEHOLDS.column("policy_support"), STATUS_POLICY.items())
_RISK_CLEARED = {_norm_value(k): v for k, v in RISK_CLEARED_WORDS.items()}
_DANGEROUS = {_norm_value(k): v for k, v in DANGEROUS_HOUSE_WORDS.items()}
_YES = frozenset(_norm_value(w) for w in YES_WORDS)
_NO = frozenset(_norm_value(w) for w in NO_WORDS)
_POLICY |= {w: "享受政策" for w in _YES} | {w: "不享受政策" for w in _NO}
_MEMBER_VOCAB = {
    f: _vocabulary(MEMBERS.column(f)) for f in ("relation", "education", "labour_skill", "work")
}
_SCHOOLING = _vocabulary(MEMBERS.column("schooling"))
_HEALTH = _vocabulary(Column("health", "str", "", "", allowed=HEALTH, aliases=HEALTH_ALIASES))
_HEAD_RELATIONS = frozenset(k for k, v in _MEMBER_VOCAB["relation"].items() if v == "户主")
#: 在校生状况 as the system writes it, a grade at a time (小学三年级, 七年级, 高职二年级), by the
#: stage it names; the first pattern that matches wins (失学/辍学 in any wording first).
_SCHOOL_STAGES: tuple[tuple[str, str], ...] = (
    (r"失学|辍学|退学|未入学|未上学", "失学辍学"),
    (r"送教", "送教上门"),
    (r"非在校|不在校|未在校", "非在校生"),
    (r"学前|幼儿|幼稚", "学前教育"),
    (r"小学|[一二三四五六1-6]年级$", "小学"),
    (r"初中|初[一二三123]|[七八九789]年级", "初中"),
    (r"中职|中专|职高|技校|技工|职业高中", "中职"),
    (r"高职|大专|专科", "高职高专"),
    (r"高中|高[一二三123]", "高中"),
    (r"本科|大学|研究生|硕士|博士", "本科及以上"),
)


def _as_text(s: pd.Series) -> np.ndarray:
    """Each cell as stripped text ('' for empty), fast: converted once per distinct value."""
    codes, uniq = pd.factorize(s.to_numpy(dtype=object), use_na_sentinel=True)
    conv = np.array([cell_text(u) for u in uniq] + [""], dtype=object)
    return conv[codes]


def _map_unique(s: pd.Series, fn) -> pd.Series:
    """``s.map(fn)`` computing ``fn`` once per distinct value."""
    codes, uniq = pd.factorize(s.to_numpy(dtype=object))
    conv = np.array([fn(u) for u in uniq] + [None], dtype=object)
    return pd.Series(conv[codes], index=s.index, dtype=object)


def _yes_no(values: pd.Series) -> pd.Series:
    """Normalised 是/否 cells (the schema's YES_WORDS / NO_WORDS) as a nullable boolean."""
    return yes_no(values, _YES, _NO)


def _year_in(text: str) -> int | None:
    m = re.search(r"((?:19|20)\d\d)\s*年", text or "") or re.search(r"((?:19|20)\d\d)", text or "")
    return int(m.group(1)) if m else None


# ----------------------------------------------------------------------------- said in notes


def _fmt(n: int) -> str:
    return f"{n:,}"


def _rows_text(rows) -> str:
    rows = [int(r) for r in rows]
    shown = "、".join(str(r) for r in rows[:10])
    return shown + (f" 等 {len(rows)} 行" if len(rows) > 10 else "")


def _rows_text_en(rows) -> str:
    rows = [int(r) for r in rows]
    shown = ", ".join(str(r) for r in rows[:10])
    return shown + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")


def _examples(values: Iterable[str], n: int = 5) -> tuple[str, str]:
    vals = list(values)
    more = len(vals) > n
    return "、".join(vals[:n]) + ("…" if more else ""), ", ".join(vals[:n]) + (
        ", …" if more else ""
    )
