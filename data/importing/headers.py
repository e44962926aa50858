"""How a column header in a file names a field: one mechanism for every reader.

Offices word the same column many ways: ``是否通硬化路``, ``有无标准化卫生室``,
``人均纯收入（元）``, ``村集体经济收入(万元)``, full-width brackets, stars marking required
columns. A reader declares the spellings it knows per field (most come from
:class:`~township_atlas.geo.schema.Column` ``name``, ``zh``, ``en`` and ``headers``);
:class:`HeaderMatcher` then recognises the whole family of each spelling, and names the nearest
fields for a header it cannot place.

The forms of a header are tried from the most to the least literal, so an exact spelling always
wins over a family resemblance: the text as written (normalised), without bracketed parts
(units, 是/否 hints), then without a yes/no prefix (是否, 有无, 已, 有 …) or a trailing
情况/状况/与否.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ...geo.schema import Layer

#: Words in front of a yes/no column's name: 是否通硬化路, 有无卫生室, 已通宽带.
YES_NO_PREFIXES = ("是否已经", "是否已", "是否有", "是否", "有无", "有没有", "已经", "已", "有")
#: Words after a column's name that add nothing: 通客运班车情况, 饮水安全状况, 危房与否.
FILLER_SUFFIXES = ("情况", "状况", "与否", "是否")
_BRACKETS = re.compile(r"[(\[{<【《〔][^)\]}>】》〕]*[)\]}>】》〕]")
_DROP = re.compile(r"[\s_\-*:：·•、,，。.;；'\"“”‘’`]+")


def normalise(text: object) -> str:
    """The comparison form of a header: NFKC (full width → half width), case-folded, no spaces,
    stars, underscores or punctuation other than brackets."""
    value = unicodedata.normalize("NFKC", "" if text is None else str(text)).casefold()
    value = value.replace("【", "(").replace("】", ")").replace("〔", "(").replace("〕", ")")
    return _DROP.sub("", value)


def _strip_prefix(text: str) -> str:
    for prefix in YES_NO_PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix) + 1:
            return text[len(prefix) :]
    return text


def _strip_suffix(text: str) -> str:
    for suffix in FILLER_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            return text[: -len(suffix)]
    return text


def forms(text: object) -> list[str]:
    """The forms of ``text`` to look up, most literal first (no duplicates, no empty ones)."""
    full = normalise(text)
    bare = _BRACKETS.sub("", full) or full
    out = [full, bare]
    for base in (full, bare):
        core = _strip_suffix(_strip_prefix(base))
        out += [_strip_prefix(base), core]
    seen: list[str] = []
    for f in out:
        if f and f not in seen:
            seen.append(f)
    return seen


def layer_spellings(layer: Layer, *, skip: Iterable[str] = ()) -> dict[str, tuple[str, ...]]:
    """Every spelling the schema declares for the columns of ``layer``: name, zh, en, headers."""
    skipped = set(skip)
    return {
        c.name: (c.name, c.zh, c.en, *c.headers) for c in layer.columns if c.name not in skipped
    }


@dataclass(frozen=True)
class HeaderMatcher:
    """Recognises headers as fields. Build it with :func:`matcher`."""

    #: normalised spelling -> field, for every declared spelling and its bare form.
    exact: Mapping[str, str]
    #: field -> its declared spellings, as written (for messages).
    spellings: Mapping[str, tuple[str, ...]]
    #: normalised headers known to be in such files but not used (序号, 性别 …): they help find
    #: the header row and are never reported as unrecognised.
    known_unused: frozenset[str] = frozenset()

    def field(self, header: object) -> str | None:
        """The field ``header`` names, or None."""
        for form in forms(header):
            hit = self.exact.get(form)
            if hit is not None:
                return hit
        # The header's family against each spelling's family: 是否有标准化卫生室 vs 标准化卫生室.
        cores = set(forms(header)[1:])
        for form, fld in self.exact.items():
            if form in cores:
                return fld
        return None

    def unused(self, header: object) -> bool:
        """True for a header such files carry that no field takes (序号, 性别 …)."""
        return any(f in self.known_unused for f in forms(header))

    def match(
        self, headers: Sequence[object], user: Mapping[str, str] | None = None
    ) -> dict[str, str]:
        """``{header: field}`` for the headers recognised. ``user`` maps normalised headers to
        fields (a user's mapping wins; an empty field leaves the column out). The first header
        naming a field keeps it."""
        user = user or {}
        out: dict[str, str] = {}
        taken: set[str] = set()
        for header in headers:
            text = "" if header is None else str(header)
            if not text.strip():
                continue
            key = normalise(text)
            fld = user[key] if key in user else self.field(text)
            if fld and fld not in taken:
                out[text] = fld
                taken.add(fld)
        return out

    def nearest(self, header: object, n: int = 3) -> list[str]:
        """Up to ``n`` fields whose spellings look most like ``header`` (best first)."""
        target = forms(header)[-1]
        scores: dict[str, float] = {}
        for fld, names in self.spellings.items():
            for name in names:
                candidate = forms(name)[-1]
                if not candidate or not target:
                    continue
                score = difflib.SequenceMatcher(None, target, candidate).ratio()
                if len(candidate) > 1 and (candidate in target or target in candidate):
                    score = max(score, 0.75)
                scores[fld] = max(scores.get(fld, 0.0), score)
        ranked = sorted((s, f) for f, s in scores.items() if s >= 0.5)
        return [f for _, f in sorted(ranked, key=lambda sf: -sf[0])][:n]

    def label(self, fld: str) -> str:
        """How a field is named in messages: its first spelling that is not the bare name."""
        names = self.spellings.get(fld, ())
        return next((n for n in names if n != fld), fld)


def matcher(
    spellings: Mapping[str, Iterable[str]], known_unused: Iterable[str] = ()
) -> HeaderMatcher:
    """A :class:`HeaderMatcher` for ``{field: spellings}``. A spelling given for two fields is
    an error in the declaration (it would make the match depend on order)."""
    exact: dict[str, str] = {}
    kept: dict[str, tuple[str, ...]] = {}
    for fld, names in spellings.items():
        kept[fld] = tuple(dict.fromkeys(str(n) for n in names))
        for name in kept[fld]:
            for form in forms(name)[:2]:
                other = exact.setdefault(form, fld)
                if other != fld and form == normalise(name):
                    raise ValueError(f"header {name!r} is declared for both {other!r} and {fld!r}")
    unused = frozenset(f for h in known_unused for f in forms(h)[:2])
    return HeaderMatcher(exact, kept, unused)


def columns_hint(header: str, fields: Sequence[str]) -> str:
    """The ``--columns`` line that maps ``header`` to the first of ``fields``."""
    target = fields[0] if fields else "FIELD"
    return f"{header},{target}"
