"""Which attribute of a boundary file is which column: the schema's spellings, a ``--columns``
mapping over them, the columns a file cannot do without, and no personal data among them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import pandas as pd

from ...geo.schema import LAYERS, Layer
from .errors import ImportFailed
from .headers import HeaderMatcher, matcher, normalise
from .personal_guard import name_checked_fields, refuse_personal_fields

BoundaryKind = Literal["villages", "township"]


def header_matcher(kind: str) -> HeaderMatcher:
    """The header matcher of a boundary file: the layer's columns as the schema spells them
    (land-survey XZQDM/XZQMC and the offices' Chinese headers are declared there)."""
    # declared headers first: they decide which of several headers wins (村名 before KML's Name)
    return matcher({c.name: (*c.headers, c.zh, c.name, c.en) for c in LAYERS[kind].columns})


def _rank(key: str, order: list[str]) -> int:
    return order.index(key) if key in order else len(order)


def mappable_fields(kind: BoundaryKind) -> list[tuple[str, str, str]]:
    """The fields a header of a ``kind`` boundary file may be mapped to, as (field, zh, en).

    Parameters
    ----------
    kind : {"villages", "township"}

    Returns
    -------
    list of (field, label_zh, label_en)
        The layer's columns, each a valid target in ``read_boundaries(columns=...)``.
    """
    if kind not in ("villages", "township"):
        raise ValueError(f"kind must be 'villages' or 'township', not {kind!r}")
    return [(c.name, c.zh, c.en) for c in LAYERS[kind].columns]


def match_columns(
    headers: list[str], kind: BoundaryKind, columns: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Source header → schema column for the headers recognised; ``columns`` overrides.

    ``columns`` maps a source header to a schema column of the layer. When several headers
    name one column the most specific alias wins (XZQDM before 代码) and the others stay aside.
    """
    layer = LAYERS[kind]
    found: dict[str, str] = {}
    for source, target in (columns or {}).items():
        if target not in layer.names:
            raise ImportFailed(
                f"列映射指向未知字段 {target!r}；{layer.zh}的字段有：{', '.join(layer.names)}",
                f"column mapping names unknown field {target!r}; {layer.name} fields are "
                f"{', '.join(layer.names)}",
            )
        if source not in headers:
            raise ImportFailed(
                f"列映射中的列 {source!r} 不在文件中；文件的列有：{', '.join(headers)}",
                f"mapped column {source!r} is not in the file; its columns are "
                f"{', '.join(headers)}",
            )
        found[source] = target
    taken = set(found.values())
    m = header_matcher(kind)
    candidates: dict[str, list[str]] = {}
    for h in headers:
        target = m.field(h)
        if h not in found and target is not None and target not in taken:
            candidates.setdefault(target, []).append(h)
    for target, named in candidates.items():
        # several headers for one field: the most specific spelling wins (XZQDM before 代码)
        order = [normalise(n) for n in m.spellings[target]]
        found[min(named, key=lambda h: _rank(normalise(h), order))] = target
    return found


def _refuse_personal_attributes(raw: pd.DataFrame, found: Mapping[str, str], layer: Layer) -> None:
    """Refuse a vector file when an attribute it keeps (``found``: header → field) holds ID
    numbers, phone numbers, or names where no name belongs (:mod:`.personal_guard`); rows are
    named by feature number, from 1."""
    rows = pd.RangeIndex(1, len(raw) + 1)
    refuse_personal_fields(
        {fld: pd.Series(raw[src].to_numpy(), index=rows) for src, fld in found.items()},
        {fld: src for src, fld in found.items()},
        name_fields=name_checked_fields(layer),
    )


def _require_code_and_name(
    found: Mapping[str, str], headers: list[str], kind: BoundaryKind, name: str
) -> None:
    """Refuse, once for the file, boundaries without a code or a name column."""
    targets = set(found.values())
    for needed, zh in (("code", "代码"), ("name", "名称")):
        if needed not in targets:
            known = header_matcher(kind).spellings[needed]
            names = "、".join(known[:6])
            raise ImportFailed(
                f"{name} 中找不到{zh}列（可识别的列名如 {names}）；文件的列有："
                f"{'、'.join(headers) or '（无）'}。请用列映射（--columns）指明哪一列是{zh}",
                f"{name} has no {needed} column (recognised headers include "
                f"{', '.join(known[:6])}); its columns are "
                f"{', '.join(headers) or '(none)'}. Map the {needed} column with --columns",
            )
