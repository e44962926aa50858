"""Whether an import's result looks wrong (more villages than a county has, more registered
people than the township has people): said in a dry run, refused in a real import unless it is
confirmed (``--confirm-large``, the Data page's tick).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import pandas as pd

from ...geo.workspace import (
    Workspace,
)
from .errors import ImportFailed, Note
from .outcome import ImportOutcome

#: Past these an import needs explicit confirmation (``--confirm-large``, the page's tick):
#: a county has a few hundred villages and tens of thousands of registered households, a
#: township tens of villages. A real county (300 villages, 60,000 households) passes.
MAX_VILLAGES = 1_000
MAX_VILLAGES_PER_TOWNSHIP = 150
MAX_HOUSEHOLDS = 200_000


def implausible(layers: Mapping[str, pd.DataFrame], changed: Sequence[str]) -> list[Note]:
    """Why the workspace ``layers`` (after an import changing ``changed``) look wrong: more
    villages than a county has, hundreds under one township code, more households or
    registered people than the township has people. Empty when nothing is implausible."""
    out: list[Note] = []
    villages = layers.get("villages")
    if "villages" in changed and villages is not None and len(villages):
        n = len(villages)
        if n > MAX_VILLAGES:
            out.append(
                (
                    f"工作空间将有 {n:,} 个村，超过一个县的村数（上限 {MAX_VILLAGES:,}）",
                    f"the workspace would hold {n:,} villages, more than a county has "
                    f"(limit {MAX_VILLAGES:,})",
                )
            )
        per = villages["code"].astype(str).str[:9].value_counts()
        if len(per) and per.iloc[0] > MAX_VILLAGES_PER_TOWNSHIP:
            out.append(
                (
                    f"乡镇代码 {per.index[0]} 下有 {per.iloc[0]:,} 个村"
                    f"（一个乡镇通常只有几十个，上限 {MAX_VILLAGES_PER_TOWNSHIP}）",
                    f"township code {per.index[0]} has {per.iloc[0]:,} villages (a township "
                    f"has tens; limit {MAX_VILLAGES_PER_TOWNSHIP})",
                )
            )
    households = layers.get("households")
    if "households" in changed and households is not None and len(households):
        n = len(households)
        people = int(pd.to_numeric(households.get("size"), errors="coerce").fillna(0).sum())
        population = _population(layers)
        if n > MAX_HOUSEHOLDS:
            out.append(
                (
                    f"工作空间将有 {n:,} 户建档立卡户（上限 {MAX_HOUSEHOLDS:,}）",
                    f"the workspace would hold {n:,} registered households "
                    f"(limit {MAX_HOUSEHOLDS:,})",
                )
            )
        if population and max(n, people) > population:
            out.append(
                (
                    f"建档立卡 {n:,} 户 {people:,} 人，多于乡镇户籍人口 {population:,} 人",
                    f"{n:,} registered households of {people:,} people: more than the "
                    f"township's population of {population:,}",
                )
            )
    return out


def _population(layers: Mapping[str, pd.DataFrame]) -> int:
    """The township's population: its outline's, else the sum of its villages' (0: unknown)."""
    for name in ("township", "villages"):
        frame = layers.get(name)
        if frame is not None and "population" in frame and len(frame):
            total = int(pd.to_numeric(frame["population"], errors="coerce").fillna(0).sum())
            if total:
                return total
    return 0


def _large_failed(found: list[Note]) -> ImportFailed:
    zh = "；".join(z for z, _ in found)
    en = "; ".join(e for _, e in found)
    return ImportFailed(
        f"{zh}。数据可能有误；确认无误请加 --confirm-large（数据导入页：勾选确认）后再导入",
        f"{en}. The data may be wrong; if it is right, import again with --confirm-large "
        "(the Data page: tick the confirmation)",
    )


def _with_large(
    outcome: ImportOutcome,
    current: Workspace | None,
    layers: Mapping[str, pd.DataFrame],
    kind: str,
    *,
    confirm: bool = False,
) -> ImportOutcome:
    """``outcome`` with the implausibilities of writing ``layers`` (a layer or several, over
    ``current``) among its notes; a real import without ``confirm`` raises
    :class:`ImportFailed` instead, so nothing is written."""
    if not layers:
        return outcome
    after = {**(dict(current.layers) if current is not None else {}), **layers}
    found = implausible(after, list(layers))
    if not found:
        return outcome
    if not outcome.dry_run and not confirm:
        raise _large_failed(found)
    return replace(outcome, notes=[*outcome.notes, *found], large=tuple(found))
