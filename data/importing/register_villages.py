"""Finding a register row's village among the workspace's: by 12-digit code or by name, a
name shared by villages of several townships decided by the row's 乡(镇).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from .tabular import (
    village_code_text,
    village_key,
)


@dataclass(frozen=True)
class _Village:
    code: str
    name: str
    township: str  # its township's name where known, else ''


def _township_key(text: str) -> str:
    """A township name without spaces and 镇/乡/街道/人民政府 at its end: 古陂镇 -> 古陂."""
    value = re.sub(r"\s+", "", str(text))
    return re.sub(r"(人民政府|街道办事处|街道|镇|乡)$", "", value)


class VillageIndex:
    """The workspace's villages, for finding a register row's village by code or by name.

    Villages of one name in different townships are common in a county: a name matching
    several is decided by the row's 乡(镇) (a township name, or its 9-digit code), and refused
    with the candidates when it cannot be.

    ``villages``: a mapping name -> 12-digit code (one village per name), a frame with
    ``name`` and ``code`` columns, or (name, code) pairs. ``townships``: 9-digit township code
    -> township name (the workspace's township layer), a frame with ``code`` and ``name``, or
    pairs; a village's township is its code's first 9 digits.
    """

    def __init__(self, villages, townships=None):
        pairs = _pairs(villages, "name", "code")
        tnames = {str(c)[:9]: str(n) for n, c in _pairs(townships, "name", "code")}
        self.villages = [
            _Village(str(c), str(n), tnames.get(str(c)[:9], "")) for n, c in pairs if str(c)
        ]
        self.codes = {v.code: v for v in self.villages}
        self.by_name: dict[str, list[_Village]] = {}
        for v in self.villages:
            full = re.sub(r"\s+", "", v.name)
            for key in dict.fromkeys((full, village_key(full))):
                self.by_name.setdefault(key, []).append(v)

    def candidates(self, text: str) -> list[_Village]:
        value = village_code_text(text)
        if value in self.codes:
            return [self.codes[value]]
        exact = self.by_name.get(value)
        if exact is not None and any(re.sub(r"\s+", "", v.name) == value for v in exact):
            return [v for v in exact if re.sub(r"\s+", "", v.name) == value] or exact
        return list(dict.fromkeys(self.by_name.get(village_key(value), [])))

    def resolve(self, text: str, township: str = "") -> tuple[str | None, tuple[str, str] | None]:
        """(code, None) for the one village ``text`` names in ``township`` (may be ''), or
        (None, (reason zh, reason en)) when none or several fit."""
        found = self.candidates(text)
        if not found:
            return None, (
                f"行政村「{text}」不在工作空间中",
                f"village {text!r} is not in the workspace",
            )
        town = str(township or "").strip()
        if town:
            code9 = re.sub(r"\s+", "", town)
            key = _township_key(town)
            known = [v for v in found if v.township]
            if code9.isdigit() and len(code9) == 9:
                found = [v for v in found if v.code.startswith(code9)]
            elif known:
                found = [v for v in found if not v.township or _township_key(v.township) == key]
                if not found:
                    where = "、".join(f"{v.township}（{v.code}）" for v in known)
                    return None, (
                        f"行政村「{text}」在工作空间中属于{where}，登记表写的是乡(镇)「{town}」",
                        f"village {text!r} is in {where.replace('、', ', ')} in the workspace, "
                        f"the register says township {town!r}",
                    )
            if not found:
                return None, (
                    f"乡(镇)「{town}」没有名为「{text}」的行政村",
                    f"township {town!r} has no village {text!r} in the workspace",
                )
        if len(found) > 1:
            listed = "、".join(
                f"{v.name}（{v.code}{'，' + v.township if v.township else ''}）" for v in found
            )
            listed_en = ", ".join(
                f"{v.name} ({v.code}{', ' + v.township if v.township else ''})" for v in found
            )
            hint = "请在乡(镇)列写明乡镇，或给出村代码"
            return None, (
                f"行政村「{text}」有同名村：{listed}；{hint}",
                f"village {text!r} names several villages: {listed_en}; give the township "
                "(乡(镇) column) or the village code",
            )
        return found[0].code, None


def _pairs(source, name_col: str, code_col: str) -> list[tuple[str, str]]:
    if source is None:
        return []
    if isinstance(source, pd.DataFrame):
        return list(zip(source[name_col].astype(str), source[code_col].astype(str), strict=True))
    if isinstance(source, Mapping):
        items = list(source.items())
        # villages map name -> code; townships may map code -> name
        if items and all(re.fullmatch(r"\d{9,12}", str(k)) for k, _ in items):
            return [(str(v), str(k)) for k, v in items]
        return [(str(k), str(v)) for k, v in items]
    return [(str(n), str(c)) for n, c in source]
