"""规则设置 as a form: each rule's value, unit and meaning, grouped; the TOML the form writes; and
the rules validator's problems said in the page's language. No widgets: see ``rules_widgets``.

Form values are a flat dict keyed by a field's ``path``: the dotted TOML key of a value
(``village_exit.max_incidence``, ``poverty_line.2015``, ``gap_score.weights.bus``), a list member
``<list key>:<name>`` (``village_exit.required:bus``, a tick box) or the exempt villages of one
indicator (``village_exit.not_required.bus``, a list of codes). Shares are shown in per cent.
The TOML holds only what differs from the shipped defaults, so a later correction of a default
reaches every workspace that did not change it; :func:`to_rules` validates it with
:func:`township_atlas.geo.rules.parse_rules`, the same check as a rules file.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..geo.rules import (
    RuleProblem,
    Rules,
    RulesError,
    default_rules,
    default_rules_text,
    parse_rules,
)
from ..geo.schema import (
    CAUSES,
    FACILITY_KINDS,
    HOUSEHOLD_STATUSES,
    INDICATOR_FLAGS,
    LAYERS,
    STATUS_EN,
)
from ..geo.schema_assistance import MEASURE_TYPE_EN, PROJECT_TYPE_EN, PROJECT_TYPES
from . import i18n

#: The form's groups, in the order the page shows them.
GROUPS = (
    "village_exit",
    "poverty",
    "monitoring",
    "services",
    "gap_score",
    "assistance",
    "stations",
)
#: Whole numbers, each with its own unit: households, visits a household a year, projects,
#: centres a township, assistants a station, people trained a station and year.
WHOLE = ("count", "visits", "projects", "centres", "assistants", "trainees")
#: How a value is entered and written: per cent (a 0–1 share in the file), 元 per person and
#: year, 元 per household and year, 万元 a year, a whole number (:data:`WHOLE`), km, points, a
#: yes/no switch, a tick in a list, village codes, names chosen from a list (the measures that
#: answer a cause).
KINDS = (
    "percent",
    "yuan",
    "yuan_household",
    "wan",
    *WHOLE,
    "km",
    "points",
    "bool",
    "member",
    "codes",
    "names",
)
#: The lists of names the form ticks member by member: list key -> (names, read from rules).
_LISTS = {
    "village_exit.required": (INDICATOR_FLAGS, lambda r: r.village_exit.required),
    "services.distance_to": (tuple(FACILITY_KINDS), lambda r: r.services.distance_to),
    "assistance.statuses": (HOUSEHOLD_STATUSES, lambda r: r.assistance.statuses),
    "assistance.village_project_types": (
        PROJECT_TYPES,
        lambda r: r.assistance.village_project_types,
    ),
}
#: What the form's rules are called in the validator's messages.
SOURCE = "规则设置"
_SCALARS = {
    "village_exit": (
        ("max_incidence", "percent"),
        ("max_dangerous_houses", "count"),
        ("max_unsafe_water_households", "count"),
        ("min_collective_income", "wan"),
    ),
    "household_exit": tuple(
        (name, "bool")
        for name in (
            "income_above_line",
            "safe_house",
            "safe_water",
            "compulsory_education",
            "medical_insurance",
        )
    ),
    "relocation": (
        ("school_km", "km"),
        ("clinic_km", "km"),
        ("jobs_km", "km"),
        ("ecommerce_km", "km"),
        ("min_moved_share", "percent"),
        ("min_demolished_share", "percent"),
    ),
    "assistance": (
        ("cadre_required", "bool"),
        ("visits_per_year", "visits"),
        ("team_required", "bool"),
        ("min_village_projects", "projects"),
    ),
    "stations": (
        ("centres_per_township", "centres"),
        ("village_share", "percent"),
        ("min_assistants", "assistants"),
        ("trainees_per_station", "trainees"),
        ("income_gain_yuan", "yuan_household"),
        ("suspended_counts", "bool"),
    ),
}
#: The sections in the order the TOML lists them.
_SECTIONS = (
    "poverty_line",
    "monitoring_line",
    "village_exit",
    "village_exit.not_required",
    "household_exit",
    "gap_score.weights",
    "services",
    "relocation",
    "assistance",
    "assistance.cause_measures",
    "stations",
)


@dataclass(frozen=True)
class Field:
    """One input of the form.

    ``block`` names the table or list the field belongs to (its fields are drawn together
    under one explanation): ``poverty_line``, ``village_exit.required``...; ``""`` for a rule
    with its own explanation.
    """

    path: str
    group: str
    kind: str
    block: str = ""

    @property
    def name(self) -> str:
        """The last part of the path: the key, year or list member."""
        return re.split(r"[.:]", self.path)[-1]

    @property
    def section(self) -> str:
        """The TOML table the value is written in (``village_exit``, ``gap_score.weights``)."""
        if self.kind == "member":
            return self.block.rsplit(".", 1)[0]
        return self.path.rsplit(".", 1)[0]


def fields(rules: Rules) -> list[Field]:
    """Every input of the form for ``rules``, group by group, in the order shown."""
    out = [Field(f"village_exit.{k}", "village_exit", kind) for k, kind in _SCALARS["village_exit"]]
    out[1:1] = [
        Field(f"village_exit.required:{f}", "village_exit", "member", "village_exit.required")
        for f in INDICATOR_FLAGS
    ]
    out += [
        Field(
            f"village_exit.not_required.{f}", "village_exit", "codes", "village_exit.not_required"
        )
        for f in INDICATOR_FLAGS
    ]
    out += [
        Field(f"poverty_line.{y}", "poverty", "yuan", "poverty_line") for y in rules.poverty_line
    ]
    out += [Field(f"household_exit.{k}", "poverty", kind) for k, kind in _SCALARS["household_exit"]]
    out += [
        Field(f"monitoring_line.{y}", "monitoring", "yuan", "monitoring_line")
        for y in rules.monitoring_line
    ]
    out += [
        Field(f"services.distance_to:{k}", "services", "member", "services.distance_to")
        for k in FACILITY_KINDS
    ]
    out += [Field(f"relocation.{k}", "services", kind) for k, kind in _SCALARS["relocation"]]
    out += [
        Field(f"gap_score.weights.{k}", "gap_score", "points", "gap_score.weights")
        for k in rules.gap_score.weights
    ]
    out += [Field(f"assistance.{k}", "assistance", kind) for k, kind in _SCALARS["assistance"]]
    for block in ("assistance.statuses", "assistance.village_project_types"):
        out += [Field(f"{block}:{n}", "assistance", "member", block) for n in _LISTS[block][0]]
    out += [
        Field(f"assistance.cause_measures.{c}", "assistance", "names", "assistance.cause_measures")
        for c in CAUSES
    ]
    out += [Field(f"stations.{k}", "stations", kind) for k, kind in _SCALARS["stations"]]
    return out


def field_of(key: str, rules: Rules) -> Field | None:
    """The field of ``key``, a form path or a validator's dotted key (a year not listed in
    ``rules`` included); ``None`` for a key the form has no field of."""
    found = {f.path: f for f in fields(rules)}
    if key in found:
        return found[key]
    block, _, year = key.rpartition(".")
    if block in ("poverty_line", "monitoring_line") and year.isdigit():
        group = "poverty" if block == "poverty_line" else "monitoring"
        return Field(key, group, "yuan", block)
    return None


# ----------------------------------------------------------------------------- values
def form_values(rules: Rules) -> dict[str, Any]:
    """The form's value of every field of :func:`fields` for ``rules``."""
    ve = rules.village_exit
    out: dict[str, Any] = {}
    for f in fields(rules):
        if f.kind == "member":
            out[f.path] = f.name in _LISTS[f.block][1](rules)
        elif f.kind == "names":
            out[f.path] = list(rules.assistance.cause_measures.get(f.name, ()))
        elif f.kind == "codes":
            out[f.path] = list(ve.not_required.get(f.name, ()))
        elif f.block in ("poverty_line", "monitoring_line"):
            out[f.path] = float(getattr(rules, f.block)[int(f.name)])
        elif f.block == "gap_score.weights":
            out[f.path] = float(rules.gap_score.weights[f.name])
        else:
            section = {
                "village_exit": ve,
                "household_exit": rules.household_exit,
                "relocation": rules.relocation,
                "assistance": rules.assistance,
                # rules built by hand may lack the section: the form shows the defaults
                "stations": rules.station_targets,
            }[f.section]
            value = getattr(section, f.name)
            out[f.path] = _shown_value(f.kind, value)
    return out


def _shown_value(kind: str, value: Any) -> Any:
    if kind == "percent":
        return round(float(value) * 100, 8)  # 0.07 * 100 is 7.000000000000001
    if kind in WHOLE:
        return int(value)
    if kind == "bool":
        return bool(value)
    return float(value)


def add_year(values: Mapping[str, Any], table: str, year: int | None, amount: float | None):
    """``values`` with the line of ``year`` in ``table`` (``poverty_line``, ``monitoring_line``)
    set to ``amount``; unchanged when either is missing."""
    if year is None or amount is None:
        return dict(values)
    return {**values, f"{table}.{int(year)}": float(amount)}


def to_toml(values: Mapping[str, Any], lang: str = "zh") -> str:
    """The rules file of the form's ``values``: only what differs from the defaults, each key
    with its meaning as a comment; ``""`` when nothing differs (the workspace then follows the
    defaults)."""
    defaults = form_values(default_rules())
    by_section: dict[str, list[str]] = {}
    lists: dict[str, list[str]] = {}  # list key -> names ticked, in the form's order
    changed_lists: set[str] = set()
    for path, value in values.items():
        kind = _kind(path)
        if kind == "member":
            key, name = path.split(":", 1)
            if value:
                lists.setdefault(key, []).append(name)
            else:
                lists.setdefault(key, [])
            if bool(value) != bool(defaults.get(path, False)):
                changed_lists.add(key)
            continue
        if path in defaults and _same(kind, value, defaults[path]):
            continue
        if kind == "codes" and not value and path not in defaults:
            continue
        section, key = path.rsplit(".", 1)
        comment = _comment(path, kind, value, lang)
        by_section.setdefault(section, []).extend([comment, f"{key} = {_toml(kind, value)}"])
    for key in sorted(changed_lists):
        section, name = key.rsplit(".", 1)
        names = ", ".join(json.dumps(n, ensure_ascii=False) for n in lists[key])
        comment = f"# {i18n.t(f'rule_{key}', lang)}"
        by_section.setdefault(section, []).extend([comment, f"{name} = [{names}]"])
    if not by_section:
        return ""
    parts = [f"# {i18n.t('rules_toml_header', lang)}"]
    for section in sorted(by_section, key=_section_order):
        parts.append(f"\n[{section}]")
        parts.extend(by_section[section])
    return "\n".join(parts) + "\n"


def to_rules(values: Mapping[str, Any], lang: str = "zh") -> Rules:
    """The rules of the form's ``values``, validated like a rules file.

    Raises
    ------
    RulesError
        With the validator's problems; :func:`problem_lines` says them in the page's language.
    """
    return parse_rules(to_toml(values, lang), SOURCE)


def _kind(path: str) -> str:
    if ":" in path:
        return "member"
    section, name = path.rsplit(".", 1)
    if section in ("poverty_line", "monitoring_line"):
        return "yuan"
    if section == "gap_score.weights":
        return "points"
    if section == "village_exit.not_required":
        return "codes"
    if section == "assistance.cause_measures":
        return "names"
    for table, keys in _SCALARS.items():
        if section == table:
            return dict(keys).get(name, "number")
    return "number"


def _same(kind: str, a: Any, b: Any) -> bool:
    if kind in ("codes", "names"):
        return list(a or ()) == list(b or ())
    if kind == "bool":
        return bool(a) == bool(b)
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-12)
    except (TypeError, ValueError):
        return False


def _toml(kind: str, value: Any) -> str:
    if kind == "bool":
        return "true" if value else "false"
    if kind in ("codes", "names"):
        return "[" + ", ".join(json.dumps(str(c), ensure_ascii=False) for c in value) + "]"
    if kind in WHOLE:
        # a whole number stays one; anything else is written as it is, for the validator
        return str(int(value)) if float(value).is_integer() else _number(float(value))
    number = float(value) / 100 if kind == "percent" else float(value)
    return _number(round(number, 10) if math.isfinite(number) else number)


def _number(x: float) -> str:
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def _section_order(section: str) -> int:
    return _SECTIONS.index(section) if section in _SECTIONS else len(_SECTIONS)


def _comment(path: str, kind: str, value: Any, lang: str) -> str:
    section, name = path.rsplit(".", 1)
    if kind == "codes":
        return f"# {i18n.t('rule_not_required_of', lang, what=i18n.flag_label(name, lang))}"
    if kind == "names":
        return (
            f"# {i18n.t('rule_assistance.cause_measures', lang)}: {name_label(section, name, lang)}"
        )
    if section in ("poverty_line", "monitoring_line", "gap_score.weights"):
        return f"# {i18n.t(f'rule_{section}', lang)}: {name_label(section, name, lang)}"
    if kind == "bool" and not value:
        return f"# {meaning(path, value, lang)} {i18n.t('rules_check_off', lang)}"
    return f"# {meaning(path, value, lang)}"


# ----------------------------------------------------------------------------- words
def name_label(block: str, name: str, lang: str) -> str:
    """The label of one member of a table or list: a year, an indicator, a facility kind."""
    if block in ("poverty_line", "monitoring_line"):
        return i18n.t("rules_year", lang, year=name)
    if block == "services.distance_to":
        return i18n.facility_label(name, lang)
    if block == "assistance.statuses":
        return name if lang == "zh" else STATUS_EN.get(name, name)
    if block == "assistance.village_project_types":
        return name if lang == "zh" else PROJECT_TYPE_EN.get(name, name)
    if block == "assistance.cause_measures":
        zh, en = CAUSES[name]
        return f"{name} {zh if lang == 'zh' else en}"
    if block == "gap_score.weights" and name not in INDICATOR_FLAGS:
        column = LAYERS["indicators"].column(name)
        return column.zh if lang == "zh" else column.en
    return i18n.flag_label(name, lang)


def label(field: Field, lang: str) -> str:
    """What the input is called, with its unit: ``贫困发生率上限(%)``."""
    text = name_label(field.block, field.name, lang) if field.block else _rule_label(field, lang)
    unit = unit_of(field.kind, lang)
    if not unit:
        return text
    return f"{text}({unit})" if lang == "zh" else f"{text} ({unit})"


def _rule_label(field: Field, lang: str) -> str:
    return i18n.t(f"rule_{field.path}", lang)


def measure_label(name: str, lang: str) -> str:
    """A measure type as the page shows it."""
    return name if lang == "zh" else MEASURE_TYPE_EN.get(name, name)


def unit_of(kind: str, lang: str) -> str:
    """The unit a value of ``kind`` is entered in (``""`` for switches and lists)."""
    if kind in ("bool", "member", "codes", "names"):
        return ""
    return i18n.t(f"rules_unit_{kind}", lang)


def meaning(path: str, value: Any, lang: str) -> str:
    """One sentence saying what the rule at ``path`` means with ``value``, in ``lang``."""
    shown = value
    if isinstance(value, float):
        shown = f"{value:g}"
    return i18n.t(f"rule_{path}_means", lang, v=shown)


def block_meaning(block: str, lang: str) -> str:
    """What a table or list of the form means (the poverty lines, the required indicators...)."""
    return i18n.t(f"rule_{block}_means", lang)


def group_title(group: str, lang: str) -> str:
    return i18n.t(f"rules_group_{group}", lang)


# ----------------------------------------------------------------------------- problems
# The validator's messages (geo/rules.py) and what they say in Chinese.
_MESSAGES = (
    (r"must be a finite number, not (?P<v>.+)", "须为有限的数字,不能是 {v}"),
    (r"must be a number, not (?P<v>.+)", "须为数字,不能是 {v}"),
    (r"must be 0 or more, not (?P<v>.+)", "不能小于 0(现为 {v})"),
    (r"must be more than 0, not (?P<v>.+)", "须大于 0(现为 {v})"),
    (
        r"must be a share from 0 to 1 \(0\.02 for 2%\), not (?P<v>.+)",
        "须为 0 到 1 之间的比例(2% 写作 0.02),现为 {v}",
    ),
    (r"must be a whole number, not (?P<v>.+)", "须为整数,不能是 {v}"),
    (r"must be true or false, not (?P<v>.+)", "须为 true(是)或 false(否),不能是 {v}"),
    (
        r"must be a list of names in quotes, like (?P<v>.+)",
        "须为加引号的名称列表,如 {v}",
    ),
    (
        r"unknown name (?P<v>.+?)(?: \(did you mean (?P<hint>.+)\?\))?",
        "未知的名称 {v}{hint}",
    ),
    (r"must be a list of 12-digit village codes, like (?P<v>.+)", "须为 12 位村代码的列表,如 {v}"),
    (r"(?P<v>.+) is not a 12-digit village code", "{v} 不是 12 位村代码"),
    (r"must be a 4-digit year \(1980–2100\)", "须为四位年份(1980–2100)"),
    (
        r"unknown indicator(?: \(did you mean (?P<hint>.+)\?\))?; names: (?P<v>.+)",
        "未知的指标{hint};可用的名称:{v}",
    ),
    (
        r"unknown cause code(?: \(did you mean (?P<hint>.+)\?\))?; names: (?P<v>.+)",
        "未知的致贫原因代码{hint};可用的代码:{v}",
    ),
    (r"must be a table \((?P<t>.+)\), not (?P<v>.+)", "须为表 {t},不能是 {v}"),
    (r"unknown key(?: \(did you mean (?P<hint>.+)\?\))?", "未知的键{hint}"),
    (r"unknown section(?: \(did you mean (?P<hint>.+)\?\))?", "未知的节{hint}"),
    (r"TOML syntax error: (?P<v>.+)", "TOML 语法错误:{v}"),
)


def message(text: str, lang: str, kind: str | None = None) -> str:
    """A validator message in ``lang``; ``kind`` ``"percent"`` turns a share into per cent."""
    if kind == "percent" and (m := re.fullmatch(r"must be a share from 0 to 1 .*, not (.+)", text)):
        value = _percent_text(m.group(1))
        if lang == "zh":
            return f"须在 0% 到 100% 之间(现为 {value})"
        return f"must be from 0% to 100%, not {value}"
    if lang != "zh":
        return text
    for pattern, zh in _MESSAGES:
        if m := re.fullmatch(pattern, text, flags=re.S):
            found = {k: v or "" for k, v in m.groupdict().items()}
            if found.get("hint"):
                found["hint"] = f"(是否想写 {found['hint']}?)"
            if "v" in found:
                found["v"] = re.sub(
                    r"\(at line (\d+), column (\d+)\)", r"(第 \1 行第 \2 列)", found["v"]
                )
            return zh.format(**found)
    return text


def _percent_text(value: str) -> str:
    try:
        return f"{float(value) * 100:g}%"
    except ValueError:
        return value


def problem_lines(
    error: RulesError | tuple[RuleProblem, ...], lang: str, *, form: bool
) -> list[str]:
    """Each problem of ``error`` as one line in ``lang``.

    ``form``: the problems of the form's values, named by the form's labels (``贫困村出列标准 ·
    贫困发生率上限(%)``) with shares in per cent; otherwise of a TOML text, named by line and key.
    """
    problems = error.problems if isinstance(error, RulesError) else tuple(error)
    rules = default_rules()
    blocks = {f.block for f in fields(rules) if f.block}
    lines = []
    for p in problems:
        field = field_of(p.key, rules) if p.key else None
        text = message(p.message, lang, field.kind if form and field else None)
        if form and (field is not None or p.key in blocks):
            what = label(field, lang) if field else i18n.t(f"rule_{p.key}", lang)
            group = (
                field.group if field else next(f.group for f in fields(rules) if f.block == p.key)
            )
            name = f"{group_title(group, lang)} · {what}"
            lines.append(f"{name}:{text}" if lang == "zh" else f"{name}: {text}")
            continue
        where = [i18n.t("rules_line", lang, n=p.line)] if p.line else []
        where += [p.key] if p.key else []
        head = " · ".join(where)
        if not head:
            lines.append(text)
        else:
            lines.append(f"{head}:{text}" if lang == "zh" else f"{head}: {text}")
    return lines


def problems_of(error: RulesError) -> tuple[tuple[str, int | None, str], ...]:
    """``error``'s problems as plain tuples (key, line, message): what the session keeps."""
    return tuple((p.key, p.line, p.message) for p in error.problems)


def problems_from(kept: Any) -> tuple[RuleProblem, ...]:
    """The problems :func:`problems_of` kept."""
    return tuple(RuleProblem(*p) for p in kept or ())


# ----------------------------------------------------------------------------- display
_INTERNAL = (
    # "(shared/domain/BRIEF.md, section 2)", "(brief, section 2; ...)", "(also in the brief)"
    (re.compile(r"\s*\([^()]*(?:\bbrief\b|\.md\b)[^()]*\)", re.I), ""),
    (re.compile(r"\b(?:the\s+)?(?:domain\s+)?brief\b", re.I), "the policy documents"),
    (re.compile(r"\s*\S+\.md\b", re.I), ""),
)


def display_text(text: str) -> str:
    """``text`` as the page shows it: comments that name this program's internal files are
    rewritten (they mean nothing to the user); keys and values are left as they are."""
    out = []
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith("#"):
            for pattern, repl in _INTERNAL:
                line = pattern.sub(repl, line)
        out.append(line)
    return "".join(out)


def _flat(text: str) -> dict[str, object]:
    """Every leaf of a TOML text by dotted path (a text that does not parse: nothing)."""
    try:
        tree = tomllib.loads(text or "")
    except tomllib.TOMLDecodeError:
        return {}
    out: dict[str, object] = {}

    def walk(node: Mapping[str, Any], prefix: str) -> None:
        for key, value in node.items():
            path = f"{prefix}{key}"
            if isinstance(value, Mapping):
                walk(value, f"{path}.")
            else:
                out[path] = value

    walk(tree, "")
    return out


def changed_rules(old: str, new: str, limit: int = 20) -> str:
    """What saving ``new`` over ``old`` changes, for the audit log: ``a.b: 0.03 → 0.9; …``
    (a rules text holds what differs from the defaults: both are read over them)."""
    defaults = _flat(default_rules_text())
    before, after = {**defaults, **_flat(old)}, {**defaults, **_flat(new)}
    keys = sorted(set(before) | set(after))
    parts = [
        f"{k}: {before.get(k, '—')} → {after.get(k, '—')}"
        for k in keys
        if before.get(k) != after.get(k)
    ]
    more = f"; … (+{len(parts) - limit})" if len(parts) > limit else ""
    return "; ".join(parts[:limit]) + more if parts else "—"
