"""The building blocks of the schema: a column, a layer, and shorthands for common columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["str", "code", "int", "float", "bool", "year"]
GeometryType = Literal["Polygon", "MultiPolygon", "Point", "LineString", None]


@dataclass(frozen=True)
class Column:
    """One column of a layer.

    ``kind`` is the storage kind: ``code`` is a digit string of fixed ``length``; ``year`` a
    four-digit integer; ``int``/``float`` are counts and amounts in ``unit``.
    """

    name: str
    kind: Kind
    zh: str
    en: str
    meaning: str = ""
    unit: str = ""
    required: bool = True
    allowed: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    length: int | None = None
    #: Other spellings accepted on input and stored as the allowed value they name.
    aliases: tuple[tuple[str, str], ...] = ()
    #: Other headers that name this column in files people bring (the national system's
    #: wordings, older names). The importer's header matcher (``data/importing/headers.py``)
    #: also takes 是否/有无 prefixes, units in brackets and full-width punctuation in its stride.
    headers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layer:
    """A layer (with geometry) or a table (``geometry=None``) of the workspace GeoPackage."""

    name: str
    zh: str
    en: str
    meaning: str
    geometry: GeometryType
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    personal: tuple[str, ...] = field(default=())

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"layer {self.name!r} has no column {name!r}")

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def code(name: str, zh: str, en: str, length: int, **kw) -> Column:
    return Column(name, "code", zh, en, length=length, **kw)


def year(name: str, zh: str, en: str, **kw) -> Column:
    kw = {"minimum": 1980, "maximum": 2100, **kw}
    return Column(name, "year", zh, en, **kw)


def count(name: str, zh: str, en: str, unit: str, **kw) -> Column:
    return Column(name, "int", zh, en, unit=unit, minimum=0, **kw)


def flag(name: str, zh: str, en: str, meaning: str = "", **kw) -> Column:
    return Column(name, "bool", zh, en, meaning=meaning, **kw)
