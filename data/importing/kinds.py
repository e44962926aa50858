"""The kinds of file an import takes: one registry, the front door's only dispatch.

Each kind names the layer it fills, how its file is read (a small reader of its own, sharing
the header mechanism, file sniffing and the report), how it is imported, and which fields a
header may be mapped to. ``township-atlas import``, ``template``, the 数据导入 page and the
list of recognised headers all read this table; a new kind is one entry here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ...geo.schema import IMPORT_KINDS, LAYERS
from .errors import ImportFailed
from .headers import HeaderMatcher

Runner = Callable[..., object]


@dataclass(frozen=True)
class ImportKind:
    """One kind of file: what it holds and the functions that take it in."""

    name: str
    zh: str
    en: str
    #: The workspace layer the kind fills.
    layer: str
    #: Drawn (a vector file: boundaries, roads) rather than a table (CSV, Excel).
    drawn: bool
    #: ``run(workspace, source, kind, options) -> ImportOutcome``.
    run: Runner
    #: The header matcher of the kind's reader.
    matcher: Callable[[], HeaderMatcher]
    #: The fields a header may be mapped to, as (field, zh, en).
    fields: Callable[[], list[tuple[str, str, str]]]
    #: Header → field for the headers the reader recognises by itself.
    recognise: Callable[[Sequence[str]], dict[str, str]]


def _boundaries(workspace: str | os.PathLike, source, kind: str, o) -> object:
    from .run import import_boundaries

    return import_boundaries(workspace, source, kind, crs=o.crs, **o.how)


def _register(workspace: str | os.PathLike, source, kind: str, o) -> object:
    from .run import import_households

    return import_households(workspace, source, sheet=o.sheet, **o.how)


def _table(workspace: str | os.PathLike, source, kind: str, o) -> object:
    from .run import import_table

    return import_table(workspace, source, kind, sheet=o.sheet, crs=o.crs, **o.how)


def _roads(workspace: str | os.PathLike, source, kind: str, o) -> object:
    from .run import import_roads

    return import_roads(workspace, source, crs=o.crs, layer=o.sheet, append=o.append, **o.how)


def _boundary_kind(name: str, zh: str, en: str) -> ImportKind:
    from . import vector

    return ImportKind(
        name,
        zh,
        en,
        name,
        True,
        _boundaries,
        lambda: vector.header_matcher(name),
        lambda: vector.mappable_fields(name),
        lambda headers: dict(vector.match_columns(list(headers), name)),
    )


def _table_kind(name: str, zh: str, en: str) -> ImportKind:
    from . import tables

    layer = tables.READ_KINDS[name]
    return ImportKind(
        name,
        zh,
        en,
        layer,
        False,
        _table,
        lambda: tables.header_matcher(layer),
        lambda: tables.mappable_fields(name),
        lambda headers: tables.recognised_headers(name, headers),
    )


def _register_kind() -> ImportKind:
    from . import register

    return ImportKind(
        "households",
        "建档立卡户花名册",
        "Household register",
        "households",
        False,
        _register,
        register.header_matcher,
        lambda: register.mappable_fields("households"),
        register.recognised_headers,
    )


def _roads_kind() -> ImportKind:
    from . import roads

    return ImportKind(
        "roads",
        "道路",
        "Roads",
        "roads",
        True,
        _roads,
        roads.header_matcher,
        lambda: [(c.name, c.zh, c.en) for c in LAYERS["roads"].columns],
        lambda headers: roads.header_matcher().match(list(headers)),
    )


#: Every kind, in the order a new workspace needs them (the schema's IMPORT_KINDS).
KINDS: dict[str, ImportKind] = {
    k.name: k
    for k in (
        _boundary_kind("villages", "行政村边界", "Village boundaries"),
        _boundary_kind("township", "乡镇边界", "Township outline"),
        _register_kind(),
        _table_kind("facilities", "设施与服务网点", "Facilities"),
        _table_kind("stations", "电商服务网点", "E-commerce stations"),
        _table_kind("sites", "易地扶贫搬迁安置点", "Relocation sites"),
        _table_kind("indicators", "村级基础设施指标", "Village indicators"),
        _roads_kind(),
        _table_kind("cadres", "帮扶责任人", "Cadres"),
        _table_kind("pairings", "结对帮扶", "Pairings"),
        _table_kind("teams", "驻村工作队", "Resident teams"),
        _table_kind("visits", "走访记录", "Visits"),
        _table_kind("measures", "帮扶措施", "Measures"),
        _table_kind("projects", "扶贫项目", "Projects"),
        _table_kind("exit_plans", "脱贫计划", "Exit plans"),
        _table_kind("operations", "网点运营情况", "Station operations"),
    )
}
if tuple(KINDS) != IMPORT_KINDS:  # one list of kinds: the schema's, every one registered
    raise AssertionError(f"import kinds {tuple(KINDS)} differ from the schema's {IMPORT_KINDS}")


def kind_of(name: str) -> ImportKind:
    """The registered kind ``name``; :class:`ImportFailed` naming the kinds otherwise."""
    try:
        return KINDS[name]
    except KeyError:
        known = "、".join(KINDS)
        raise ImportFailed(
            f"不能导入「{name}」；可导入：{known}",
            f"cannot import {name!r}; kinds: {', '.join(KINDS)}",
        ) from None
