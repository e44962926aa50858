"""The exit-rules settings file (出列与脱贫标准): poverty line, village and household exit rules,
gap-score weights, service distances and relocation checks.

The rules are TOML. ``default_rules.toml`` beside this module holds every key with the brief's
defaults; a user's file (or a workspace's stored copy) holds only what it changes: its tables are
merged key by key over the defaults and the result is validated. An invalid file raises
:class:`RulesError` naming the file, each bad key as a dotted path and the line it is on.

The attributes of :class:`Rules` follow the TOML: ``[village_exit] max_incidence`` is
``rules.village_exit.max_incidence`` and ``[gap_score.weights]`` is ``rules.gap_score.weights``.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .schema import CAUSES, FACILITY_KINDS, HOUSEHOLD_STATUSES, INDICATOR_FLAGS
from .schema_assistance import MEASURE_TYPES, PROJECT_TYPES

DEFAULT_RULES_PATH = Path(__file__).with_name("default_rules.toml")
#: Key of the workspace metadata (``Workspace.meta``) that holds the workspace's rules text.
RULES_META_KEY = "exit_rules_toml"
#: Names a gap-score weight may have: the indicator flags and the three counted indicators.
WEIGHT_NAMES = (
    *INDICATOR_FLAGS,
    "dangerous_houses",
    "unsafe_water_households",
    "collective_income",
)


# ----------------------------------------------------------------------------- the rules
@dataclass(frozen=True)
class VillageExit:
    """``[village_exit]``: 贫困村出列."""

    max_incidence: float
    required: tuple[str, ...]
    max_dangerous_houses: int
    max_unsafe_water_households: int
    min_collective_income: float
    #: indicator -> village codes exempt from it (read-only)
    not_required: Mapping[str, tuple[str, ...]]

    def requires(self, indicator: str, village_code: str) -> bool:
        """True when ``village_code`` must meet ``indicator`` (required and not exempt)."""
        return indicator in self.required and village_code not in self.not_required.get(
            indicator, ()
        )


@dataclass(frozen=True)
class HouseholdExit:
    """``[household_exit]``: which household checks are switched on."""

    income_above_line: bool
    safe_house: bool
    safe_water: bool
    #: 义务教育有保障: no member of compulsory-school age out of school (失学辍学)
    compulsory_education: bool
    #: 基本医疗有保障: every member in 城乡居民基本医疗保险
    medical_insurance: bool


@dataclass(frozen=True)
class GapScore:
    """``[gap_score.weights]``: weight per lacking indicator (read-only mapping)."""

    weights: Mapping[str, float]


@dataclass(frozen=True)
class Services:
    """``[services]``: facility kinds whose distance from each village is reported."""

    distance_to: tuple[str, ...]


@dataclass(frozen=True)
class Relocation:
    """``[relocation]``: follow-up checks of relocation sites (km straight line, shares 0–1)."""

    school_km: float
    clinic_km: float
    jobs_km: float
    ecommerce_km: float
    min_moved_share: float
    min_demolished_share: float


@dataclass(frozen=True)
class Assistance:
    """``[assistance]``: the 帮扶 rules (cadre, visits, measures by cause, village teams)."""

    statuses: tuple[str, ...]
    cadre_required: bool
    visits_per_year: int
    team_required: bool
    min_village_projects: int
    village_project_types: tuple[str, ...]
    #: cause code -> measure types that answer it (read-only); a cause not listed: any measure
    cause_measures: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class StationTargets:
    """``[stations]``: the e-commerce plan's targets, per unit, and whether a suspended
    station counts as covering."""

    centres_per_township: int
    village_share: float
    min_assistants: int
    trainees_per_station: int
    income_gain_yuan: float
    suspended_counts: bool


@dataclass(frozen=True)
class Rules:
    """Every section of the rules file, validated. Build with :func:`parse_rules`."""

    #: year -> yuan per person per year (read-only mapping, years ascending)
    poverty_line: Mapping[int, float]
    village_exit: VillageExit
    household_exit: HouseholdExit
    gap_score: GapScore
    services: Services
    relocation: Relocation
    #: year -> yuan per person per year of the 防返贫 monitoring line (from 2021, set by the
    #: province), years ascending; empty when not set
    monitoring_line: Mapping[int, float] = dataclasses.field(default_factory=dict)
    assistance: Assistance | None = None
    stations: StationTargets | None = None

    @property
    def station_targets(self) -> StationTargets:
        """``[stations]``, or the shipped defaults for rules built by hand without it."""
        return self.stations if self.stations is not None else default_rules().stations

    def poverty_line_for(self, year: int) -> float:
        """The line in force in ``year``: the latest listed year at or before it; years before
        the first listed use the first."""
        years = sorted(self.poverty_line)
        at_or_before = [y for y in years if y <= year]
        return self.poverty_line[at_or_before[-1] if at_or_before else years[0]]

    def monitoring_line_for(self, year: int) -> float | None:
        """The 防返贫 monitoring line in force in ``year``: the latest listed year at or before
        it; ``None`` before the first listed year (monitoring began in 2021) or when unset."""
        at_or_before = [y for y in sorted(self.monitoring_line) if y <= year]
        return self.monitoring_line[at_or_before[-1]] if at_or_before else None


# ----------------------------------------------------------------------------- errors
@dataclass(frozen=True)
class RuleProblem:
    """One problem of a rules file: dotted key (``""`` for a syntax error), line, message."""

    key: str
    line: int | None
    message: str


class RulesError(ValueError):
    """An invalid rules file; ``problems`` lists every problem found, ``source`` names the file.

    The message has one line per problem: ``<source>, line <n>: <key>: <message>``.
    """

    def __init__(self, source: str, problems: list[RuleProblem]):
        self.source = source
        self.problems = tuple(problems)
        lines = []
        for p in self.problems:
            where = f"{source}, line {p.line}" if p.line else source
            lines.append(f"{where}: {p.key}: {p.message}" if p.key else f"{where}: {p.message}")
        super().__init__("\n".join(lines))


class _Bad(Exception):
    """A value check failed; the message says why."""


# ----------------------------------------------------------------------------- value checks
def _number(value: Any) -> float:
    # TOML booleans are Python ints: reject them explicitly
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Bad(f"must be a number, not {_shown(value)}")
    if not math.isfinite(value):  # TOML allows inf and nan
        raise _Bad(f"must be a finite number, not {value}")
    return float(value)


def _nonneg(value: Any) -> float:
    x = _number(value)
    if x < 0:
        raise _Bad(f"must be 0 or more, not {_shown(value)}")
    return x


def _positive(value: Any) -> float:
    x = _number(value)
    if x <= 0:
        raise _Bad(f"must be more than 0, not {_shown(value)}")
    return x


def _share(value: Any) -> float:
    x = _number(value)
    if not 0 <= x <= 1:
        raise _Bad(f"must be a share from 0 to 1 (0.02 for 2%), not {_shown(value)}")
    return x


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(f"must be a whole number, not {_shown(value)}")
    if value < 0:
        raise _Bad(f"must be 0 or more, not {value}")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"must be true or false, not {_shown(value)}")
    return value


def _names(allowed: tuple[str, ...]) -> Callable[[Any], tuple[str, ...]]:
    def check(value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _Bad(f'must be a list of names in quotes, like ["{allowed[0]}"]')
        unknown = [v for v in value if v not in allowed]
        if unknown:
            raise _Bad(f"unknown name {_shown(unknown[0])}{_hint(unknown[0], allowed)}")
        return tuple(dict.fromkeys(value))  # duplicates are harmless: drop them

    return check


def _codes(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _Bad('must be a list of 12-digit village codes, like ["360722102214"]')
    out = []
    for v in value:
        # an unquoted code is read as an integer; no province code starts with 0, so no digit
        # is lost by turning it back into text
        code = str(v) if isinstance(v, int) and not isinstance(v, bool) else v
        if not isinstance(code, str) or not re.fullmatch(r"\d{12}", code):
            raise _Bad(f"{_shown(v)} is not a 12-digit village code")
        out.append(code)
    return tuple(dict.fromkeys(out))


def _year_key(key: str) -> int:
    if not re.fullmatch(r"\d{4}", key) or not 1980 <= int(key) <= 2100:
        raise _Bad("must be a 4-digit year (1980–2100)")
    return int(key)


def _name_key(allowed: tuple[str, ...], what: str = "indicator") -> Callable[[str], str]:
    def check(key: str) -> str:
        if key not in allowed:
            raise _Bad(f"unknown {what}{_hint(key, allowed)}; names: {' '.join(allowed)}")
        return key

    return check


def _shown(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _hint(name: str, allowed) -> str:
    close = difflib.get_close_matches(name, list(allowed), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


@dataclass(frozen=True)
class _Free:
    """A table whose keys are data (years, indicator names): a check for keys and for values."""

    key: Callable[[str], Any]
    value: Callable[[Any], Any]


#: The shape of the file: section -> key -> check (a dict is a table with fixed keys).
_SPEC: dict[str, Any] = {
    "poverty_line": _Free(_year_key, _positive),
    "village_exit": {
        "max_incidence": _share,
        "required": _names(INDICATOR_FLAGS),
        "max_dangerous_houses": _count,
        "max_unsafe_water_households": _count,
        "min_collective_income": _nonneg,
        "not_required": _Free(_name_key(INDICATOR_FLAGS), _codes),
    },
    "monitoring_line": _Free(_year_key, _positive),
    "household_exit": {
        "income_above_line": _bool,
        "safe_house": _bool,
        "safe_water": _bool,
        "compulsory_education": _bool,
        "medical_insurance": _bool,
    },
    "gap_score": {"weights": _Free(_name_key(WEIGHT_NAMES), _nonneg)},
    "assistance": {
        "statuses": _names(HOUSEHOLD_STATUSES),
        "cadre_required": _bool,
        "visits_per_year": _count,
        "team_required": _bool,
        "min_village_projects": _count,
        "village_project_types": _names(PROJECT_TYPES),
        "cause_measures": _Free(_name_key(tuple(CAUSES), "cause code"), _names(MEASURE_TYPES)),
    },
    "stations": {
        "centres_per_township": _count,
        "village_share": _share,
        "min_assistants": _count,
        "trainees_per_station": _count,
        "income_gain_yuan": _nonneg,
        "suspended_counts": _bool,
    },
    "services": {"distance_to": _names(tuple(FACILITY_KINDS))},
    "relocation": {
        "school_km": _nonneg,
        "clinic_km": _nonneg,
        "jobs_km": _nonneg,
        "ecommerce_km": _nonneg,
        "min_moved_share": _share,
        "min_demolished_share": _share,
    },
}


def _check(value: Any, spec: Any, path: tuple[str, ...], found: list) -> Any:
    """``value`` checked against ``spec``; each problem is appended to ``found`` as (path, msg)."""
    if not isinstance(spec, dict | _Free):
        try:
            return spec(value)
        except _Bad as exc:
            found.append((path, str(exc)))
            return None
    if not isinstance(value, dict):
        found.append((path, f"must be a table ([{'.'.join(path)}]), not {_shown(value)}"))
        return {}
    out = {}
    for key, item in value.items():
        sub = (*path, key)
        if isinstance(spec, _Free):
            try:
                name = spec.key(key)
            except _Bad as exc:
                found.append((sub, str(exc)))
                continue
            out[name] = _check(item, spec.value, sub, found)
        elif key in spec:
            out[key] = _check(item, spec[key], sub, found)
        else:
            what = "key" if path else "section"
            found.append((sub, f"unknown {what}{_hint(key, spec)}"))
    return out


def _merge(base: dict, over: dict) -> dict:
    """``over`` merged into ``base`` table by table; a value in ``over`` replaces ``base``'s."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


# ----------------------------------------------------------------------------- line numbers
_KEY = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_DOTTED = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_HEADER_RE = re.compile(rf"^\s*\[\[?\s*({_DOTTED})\s*\]\]?")
_ASSIGN_RE = re.compile(rf"^\s*({_DOTTED})\s*=")


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(p.strip().strip("\"'") for p in re.findall(_KEY, dotted))


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Line (1-based) of each table header and each ``key =`` of ``text``, by full key path.

    A light scan, not a parser: enough to point at the line a person wrote.
    """
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        if m := _HEADER_RE.match(line):
            table = _parts(m.group(1))
            lines.setdefault(table, number)
        elif m := _ASSIGN_RE.match(line):
            lines.setdefault((*table, *_parts(m.group(1))), number)
    return lines


def _line_of(path: tuple[str, ...], lines: Mapping[tuple[str, ...], int]) -> int | None:
    # a key inside an inline table has no line of its own: use its nearest enclosing key's
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


# ----------------------------------------------------------------------------- reading
def default_rules_text() -> str:
    """The shipped default rules file, as text."""
    return DEFAULT_RULES_PATH.read_text(encoding="utf-8")


def _load(text: str, source: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"line (\d+)", msg)
        line = int(m.group(1)) if m else len(text.splitlines()) or None  # "at end of document"
        raise RulesError(source, [RuleProblem("", line, f"TOML syntax error: {msg}")]) from None


@functools.cache
def _default_table() -> dict:
    return _load(default_rules_text(), str(DEFAULT_RULES_PATH))


def parse_rules(text: str, source: str = "rules") -> Rules:
    """The rules of ``text`` merged over the defaults, validated.

    Parameters
    ----------
    text
        TOML; it may hold only the sections and keys it changes.
    source
        What to call the text in error messages (a file name).

    Raises
    ------
    RulesError
        For a TOML syntax error, an unknown section or key, a wrong type or a value out of range.
    """
    text = text.removeprefix("\ufeff")  # a BOM left by Windows editors
    user = _load(text, source)
    found: list[tuple[tuple[str, ...], str]] = []
    table = _check(_merge(_default_table(), user), _SPEC, (), found)
    if found:
        lines = _key_lines(text)
        listed = [RuleProblem(".".join(p), _line_of(p, lines), msg) for p, msg in found]
        # in the order a person reads the file; problems without a line last
        listed.sort(key=lambda p: p.line or len(text.splitlines()) + 1)
        raise RulesError(source, listed)
    ve, rel = table["village_exit"], table["relocation"]
    return Rules(
        poverty_line=dict(sorted(table["poverty_line"].items())),
        village_exit=VillageExit(
            max_incidence=ve["max_incidence"],
            required=ve["required"],
            max_dangerous_houses=ve["max_dangerous_houses"],
            max_unsafe_water_households=ve["max_unsafe_water_households"],
            min_collective_income=ve["min_collective_income"],
            not_required=ve["not_required"],
        ),
        household_exit=HouseholdExit(**table["household_exit"]),
        gap_score=GapScore(weights=table["gap_score"]["weights"]),
        services=Services(distance_to=table["services"]["distance_to"]),
        relocation=Relocation(**rel),
        monitoring_line=dict(sorted(table.get("monitoring_line", {}).items())),
        assistance=Assistance(**table["assistance"]),
        stations=StationTargets(**table["stations"]),
    )


@functools.cache
def default_rules() -> Rules:
    """The shipped default rules (parsed once)."""
    return parse_rules(default_rules_text(), str(DEFAULT_RULES_PATH))


def read_rules_file(path: str | os.PathLike) -> Rules:
    """The rules of the UTF-8 TOML file at ``path`` (over the defaults); see :func:`parse_rules`.

    Raises ``FileNotFoundError`` for a missing file and :class:`RulesError` for an invalid one.
    """
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RulesError(str(path), [RuleProblem("", None, f"not UTF-8 text ({exc})")]) from None
    return parse_rules(text, str(path))


def workspace_rules(meta: Mapping[str, str]) -> Rules:
    """The rules stored in a workspace's metadata (``RULES_META_KEY``), else the defaults.

    Raises :class:`RulesError` when the stored text is invalid (the dashboard validates it
    before saving, so this means a file written by hand or by another version).
    """
    text = meta.get(RULES_META_KEY, "")
    if not text.strip():
        return default_rules()
    return parse_rules(text, f"workspace rules ({RULES_META_KEY})")


def workspace_station_targets(meta: Mapping[str, str]) -> StationTargets:
    """The workspace's ``[stations]`` targets; the shipped ones when its stored rules are
    broken (a figure is still shown: the pages that edit the rules say what is wrong)."""
    try:
        return workspace_rules(meta).station_targets
    except RulesError:
        return default_rules().station_targets
