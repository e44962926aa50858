"""What the 帮扶 page shows: its figures, map spec and labelled tables, and the texts of the
登记走访 form.

Calls :mod:`township_atlas.analysis.assistance` and labels the results in the chosen language.
No widgets (those are the page's and ``assistance_panels.py``'s) and no folium (``map.py``).
Cadre and 第一书记 names appear in these tables: the page is for roles that may see household
records (``auth.PAGE_AUTHORITY``). Households carry no name, ID or phone number.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd

from ..analysis import assistance as aid
from ..analysis import classify as classify_mod
from ..data.importing import KINDS
from ..geo.assistance_changes import NOTE_MAX
from ..geo.rules import Rules
from ..geo.schema import LAYERS
from ..geo.schema_assistance import ASSISTANCE_LAYERS, MEASURE_TYPE_EN
from ..geo.workspace import Workspace
from . import i18n
from .monitor_view import MET_COLOUR, NO_DATA_COLOUR, RAMP, UNMET_COLOUR
from .view import LegendClass, MapSpec

#: The map shades villages by every household flag together, or by one flag.
ALL = "all"
#: The import kinds that bring the assistance layers (``township-atlas import KIND``) and the
#: layer each fills, in the order an office brings them.
IMPORT_KINDS: dict[str, str] = {
    k.name: k.layer for k in KINDS.values() if k.layer in {a.name for a in ASSISTANCE_LAYERS}
}
_DASH = "—"
#: What each village figure at the top counts (its help).
_VILLAGE_HELP = {"no_team": "assist_no_team_help", "few_projects": "assist_few_projects_help"}


def _sep(lang: str) -> str:
    return "、" if lang == "zh" else ", "


def _households(n: int, lang: str) -> str:
    return i18n.t("assist_n_households", lang, n=f"{n:,}")


def _villages(n: int, lang: str) -> str:
    return i18n.t("assist_n_villages", lang, n=f"{n:,}")


# ----------------------------------------------------------------------------- the check
def has_data(ws: Workspace) -> bool:
    """Whether any assistance layer has a row: without them every household would be flagged
    for what is merely not imported yet."""
    return any(len(ws[layer]) for layer in IMPORT_KINDS.values())


def no_data_text(lang: str) -> str:
    """What the page says instead of a check when nothing of the assistance is imported."""
    names = [
        LAYERS[layer].zh if lang == "zh" else LAYERS[layer].en.lower()
        for layer in IMPORT_KINDS.values()
    ]
    return i18n.t(
        "assist_no_data", lang, names=_sep(lang).join(names), kinds=", ".join(IMPORT_KINDS)
    )


def check(ws: Workspace, rules: Rules, year: int) -> aid.AssistanceCheck:
    """:func:`analysis.assistance.assistance_check` of ``ws`` (a place, perhaps scoped to a
    monitor's villages) in ``year``."""
    return aid.assistance_check(ws, rules, year)


def figures(
    result: aid.AssistanceCheck, rules: Rules, lang: str
) -> list[tuple[str, str, str | None]]:
    """The figures at the top of the page: (label, value, help) for the households checked,
    those with a problem, each household flag, and the poor villages without a team or short
    of industry projects."""
    t = result.totals
    a = rules.assistance
    statuses = _sep(lang).join(i18n.status_label(s, lang) for s in (a.statuses if a else ()))

    def label(key: str) -> str:
        return i18n.labelled(key, "households", lang)

    out = [
        (
            label(i18n.t("assist_checked", lang)),
            i18n.count(t["households_checked"], "households", lang),
            i18n.t("assist_checked_help", lang, statuses=statuses),
        ),
        (
            label(i18n.t("assist_flagged", lang)),
            i18n.count(t["households_flagged"], "households", lang),
            None,
        ),
    ]
    out += [
        (label(option_label(f, lang)), i18n.count(t[f], "households", lang), None)
        for f in aid.HOUSEHOLD_FLAGS
    ]
    out += [
        (option_label(f, lang), _villages(t[f], lang), i18n.t(_VILLAGE_HELP[f], lang))
        for f in aid.VILLAGE_FLAGS
    ]
    return out


# ----------------------------------------------------------------------------- the map
def map_options() -> list[str]:
    """What the map can shade villages by: every household flag together, then each flag."""
    return [ALL, *aid.HOUSEHOLD_FLAGS, *aid.VILLAGE_FLAGS]


def option_label(key: str, lang: str) -> str:
    """The label of a map choice or a figure (a flag as the analysis names it), capitalised
    in English (the analysis writes it for the middle of a sentence)."""
    if key == ALL:
        return i18n.t("assist_all_flags", lang)
    text = aid.flag_text([key], lang)
    return text[:1].upper() + text[1:]


def _per_unit(villages: pd.DataFrame, units: pd.Series, columns: list[str]) -> pd.DataFrame:
    """``columns`` of ``villages`` summed per map unit: the village itself on a township's map,
    its township (the code's first digits) on a county's."""
    width = len(str(units.iloc[0])) if len(units) else 12
    key = villages["code"].astype(str).str[:width]
    sums = villages[columns].astype(int).groupby(key.to_numpy()).sum()
    return sums.reindex(units.astype(str).to_numpy()).fillna(0).astype(int)


def _ramp(counts: pd.Series) -> tuple[dict[int, str], list[tuple[str, int, int]]]:
    """Colours of the counts above 0, yellow to red: {count: colour} and each class's
    (colour, lowest, highest)."""
    positive = np.unique(counts[counts > 0].to_numpy())
    if not len(positive):
        return {}, []
    classes = classify_mod.classify(positive, "natural_breaks", k=len(RAMP) - 1)
    n = len(classes.bins)
    # the worst class always the darkest: spread the classes over the ramp's upper end
    picks = [3] if n == 1 else np.round(np.linspace(1 if n < 4 else 0, 4, n)).astype(int)
    colour_of = {int(v): RAMP[picks[c]] for v, c in zip(positive, classes.classes, strict=True)}
    legend = []
    for c in range(n):
        inside = [int(v) for v, k in zip(positive, classes.classes, strict=True) if k == c]
        legend.append((RAMP[picks[c]], min(inside), max(inside)))
    return colour_of, legend


def assistance_map_spec(
    base: MapSpec, result: aid.AssistanceCheck, flag: str, lang: str
) -> MapSpec:
    """``base`` with its villages (or a county's townships) shaded by ``flag``: the households
    with a problem (:data:`ALL`) or with one household flag, green for none, yellow to red for
    more, grey where no household is checked; a village flag red where a poor village has it,
    grey for the villages that are not poor. Tooltips give the count and the village's own
    problems; the legend says what each colour is."""
    units = base.villages["code"].astype(str)
    v = result.villages
    household_flag = flag == ALL or flag in aid.HOUSEHOLD_FLAGS
    count_col = "households_flagged" if flag == ALL else flag
    base_col = "households_checked" if household_flag else "poor_village"
    frame = v.assign(**{flag: v[count_col].astype(int), "_base": v[base_col].astype(int)})
    columns = dict.fromkeys([flag, "_base", *aid.VILLAGE_FLAGS, *aid.HOUSEHOLD_FLAGS])
    sums = _per_unit(frame, units, list(columns))
    counts, known = sums[flag], sums["_base"] > 0
    whole_villages = bool(len(units)) and len(units.iloc[0]) == 12
    fills: list[str] = []
    legend: list[LegendClass] = []
    if not household_flag and whole_villages:
        fills = [
            NO_DATA_COLOUR if not k else UNMET_COLOUR if n else MET_COLOUR
            for n, k in zip(counts, known, strict=True)
        ]
        legend = [
            LegendClass(UNMET_COLOUR, option_label(flag, lang)),
            LegendClass(MET_COLOUR, i18n.t("assist_village_clear", lang)),
        ]
    else:
        fmt = (lambda n: _households(n, lang)) if household_flag else (lambda n: _villages(n, lang))
        colour_of, classes = _ramp(counts[known])
        fills = [
            NO_DATA_COLOUR if not k else colour_of.get(int(n), MET_COLOUR)
            for n, k in zip(counts, known, strict=True)
        ]
        legend = [LegendClass(MET_COLOUR, i18n.t("assist_zero", lang, v=fmt(0)))]
        for colour, lo, hi in classes:
            text = fmt(hi) if lo == hi else f"{lo:,} – {fmt(hi)}"
            legend.append(LegendClass(colour, text))
    if not known.all():
        key = "assist_no_checked" if household_flag else "assist_not_poor_village"
        legend.append(LegendClass(NO_DATA_COLOUR, i18n.t(key, lang)))
    texts = [
        _unit_text(sums.iloc[i], flag, bool(known.iloc[i]), whole_villages, lang)
        for i in range(len(sums))
    ]
    villages = base.villages.assign(fill=fills, value_text=texts)
    return replace(
        base,
        title=f"{option_label(flag, lang)} · {result.year}",
        villages=villages,
        classes=tuple(legend),
    )


def _unit_text(row: pd.Series, flag: str, known: bool, whole_villages: bool, lang: str) -> str:
    """A village's tooltip line: ``2户(走访不足 1、无帮扶责任人 1) · 产业项目不足``."""
    sep = _sep(lang)
    own = [f for f in aid.VILLAGE_FLAGS if row[f]]
    if flag in aid.VILLAGE_FLAGS:
        if not known:
            return i18n.t("assist_not_poor_village", lang)
        if whole_villages:
            return (
                aid.flag_text([flag], lang) if row[flag] else i18n.t("assist_village_clear", lang)
            )
        return _villages(int(row[flag]), lang)
    if not known:
        text = i18n.t("assist_no_checked", lang)
    else:
        text = _households(int(row[flag]), lang)
        if flag == ALL and row[flag]:
            parts = [
                f"{aid.flag_text([f], lang)} {int(row[f])}" for f in aid.HOUSEHOLD_FLAGS if row[f]
            ]
            text += f"({sep.join(parts)})" if lang == "zh" else f" ({sep.join(parts)})"
    if flag == ALL and own:
        names = sep.join(
            aid.flag_text([f], lang)
            if whole_villages
            else f"{aid.flag_text([f], lang)} {int(row[f])}"
            for f in own
        )
        text += f" · {names}"
    return text


# ----------------------------------------------------------------------------- tables
def cadre_labels(ws: Workspace, lang: str) -> dict[str, str]:
    """Each cadre's id → ``姓名(单位)``: how people tell namesakes apart."""
    c = ws["cadres"]
    out = {}
    for cid, name, unit in zip(c["cadre_id"], c["cadre_name"], c["unit"], strict=True):
        shown = str(name) if pd.notna(name) else str(cid)
        if pd.notna(unit) and str(unit):
            shown = f"{shown}({unit})" if lang == "zh" else f"{shown} ({unit})"
        out[str(cid)] = shown
    return out


def _village_names(ws: Workspace) -> dict[str, str]:
    return dict(zip(ws.villages["code"].astype(str), ws.villages["name"].astype(str), strict=True))


def _measures_text(types: tuple[str, ...], lang: str) -> str:
    if not types:
        return _DASH
    return _sep(lang).join(t if lang == "zh" else MEASURE_TYPE_EN.get(t, t) for t in types)


def _year_text(value: object) -> str:
    return _DASH if value is None or pd.isna(value) else str(int(value))


def household_table(
    ws: Workspace,
    result: aid.AssistanceCheck,
    lang: str,
    village: str | None = None,
    flag: str = ALL,
) -> pd.DataFrame:
    """The households with a problem (of ``village``; with ``flag`` when it is a household
    flag), by village and 户编号: 户编号, 村, 状态, 致贫原因, 帮扶责任人, 本年走访 (n/2), 措施,
    计划脱贫年度, 问题."""
    rows = result.flagged
    if village and village != ALL:
        rows = rows[rows["village_code"].astype(str) == village]
    if flag in aid.HOUSEHOLD_FLAGS:
        rows = rows[rows[flag].to_numpy(dtype=bool)]
    rows = rows.sort_values(["village_code", "household_id"], kind="stable")
    return _household_rows(ws, rows, lang)


def behind_table(ws: Workspace, result: aid.AssistanceCheck, lang: str) -> pd.DataFrame:
    """The households behind their planned exit year, narrower than the list of problems:
    户编号, 村, 状态, 致贫原因, 帮扶责任人, 计划脱贫年度, 本年走访."""
    table = household_table(ws, result, lang, flag="behind_plan")
    keep = ["assist_col_id", "assist_col_village", "assist_col_status", "assist_col_cause"]
    keep += ["assist_col_cadre", "assist_col_plan", "assist_col_visits"]
    return table[[i18n.t(k, lang) for k in keep]]


def _household_rows(ws: Workspace, rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    names = _village_names(ws)
    cadres = cadre_labels(ws, lang)
    return pd.DataFrame(
        {
            i18n.t("assist_col_id", lang): rows["household_id"].astype(str).to_numpy(),
            i18n.t("assist_col_village", lang): [
                names.get(str(c), str(c)) for c in rows["village_code"]
            ],
            i18n.t("assist_col_status", lang): [
                i18n.status_label(str(s), lang) for s in rows["status"]
            ],
            i18n.t("assist_col_cause", lang): [aid.cause_label(c, lang) for c in rows["cause"]],
            i18n.t("assist_col_cadre", lang): [
                _DASH if c is None or pd.isna(c) else cadres.get(str(c), str(c))
                for c in rows["cadre_id"]
            ],
            i18n.t("assist_col_visits", lang): [
                f"{n}/{r}" for n, r in zip(rows["visits"], rows["visits_required"], strict=True)
            ],
            i18n.t("assist_col_measures", lang): [
                _measures_text(t, lang) for t in rows["measure_types"]
            ],
            i18n.t("assist_col_plan", lang): [_year_text(y) for y in rows["plan_year"]],
            i18n.t("assist_col_flags", lang): [aid.flag_text(f, lang) for f in rows["flags"]],
        }
    )


def team_texts(ws: Workspace, year: int, lang: str) -> dict[str, str]:
    """Each village's resident team(s) at some time in ``year``: ``派出单位 · 第一书记 姓名``,
    the latest first."""
    teams = aid.active_teams(ws["village_teams"], year).sort_values(
        "start_date", ascending=False, kind="stable"
    )
    out: dict[str, list[str]] = {}
    for code, unit, secretary in zip(
        teams["village_code"].astype(str), teams["team_unit"], teams["first_secretary"], strict=True
    ):
        text = str(unit) if pd.notna(unit) else _DASH
        if pd.notna(secretary) and str(secretary):
            text = i18n.t("assist_team_text", lang, unit=text, secretary=secretary)
        out.setdefault(code, []).append(text)
    sep = "；" if lang == "zh" else "; "
    return {code: sep.join(texts) for code, texts in out.items()}


def _village_status(poor: bool, exited: bool, lang: str) -> str:
    key = "exited" if exited else "poor_not_exited" if poor else "not_poor_village"
    return i18n.t(f"status_{key}", lang)


def village_table(ws: Workspace, result: aid.AssistanceCheck, lang: str) -> pd.DataFrame:
    """One row per village, those with the most problems first: 行政村, 贫困村 (its exit
    status), 村级问题, 核查户, 问题户, one column per household flag, 产业项目, 项目, 已支出
    (万元) and 驻村工作队."""
    v = result.villages
    problems = v["households_flagged"] + v["flags"].str.len()
    v = v.assign(_problems=problems).sort_values("_problems", ascending=False, kind="stable")
    teams = team_texts(ws, result.year, lang)
    out = pd.DataFrame(
        {
            i18n.t("village", lang): v["name"].to_numpy(),
            i18n.t("assist_col_village_status", lang): [
                _village_status(p, e, lang)
                for p, e in zip(v["poor_village"], v["exited"], strict=True)
            ],
            i18n.t("assist_col_village_flags", lang): [
                aid.flag_text(f, lang) or _DASH for f in v["flags"]
            ],
            i18n.t("assist_col_checked", lang): v["households_checked"].to_numpy(),
            i18n.t("assist_col_flagged", lang): v["households_flagged"].to_numpy(),
        }
    )
    for f in aid.HOUSEHOLD_FLAGS:
        out[option_label(f, lang)] = v[f].to_numpy()
    # the team (names) last: its text is the longest
    out[i18n.t("assist_col_industry", lang)] = v["industry_projects"].to_numpy()
    out[i18n.t("assist_col_projects", lang)] = v["projects"].to_numpy()
    out[i18n.t("assist_col_spent", lang)] = v["spent_wan"].round(2).to_numpy()
    out[i18n.t("assist_col_team", lang)] = [teams.get(str(c), _DASH) for c in v["code"]]
    return out


# ----------------------------------------------------------------------------- a cadre's
def _paired(ws: Workspace, year: int) -> pd.DataFrame:
    """The pairings in force in ``year`` of the households shown (a place, a monitor's
    villages), the first of a household's kept (as the check keeps it)."""
    p = ws["pairings"]
    since = pd.to_numeric(p["since_year"], errors="coerce").fillna(0).to_numpy()
    p = p[since <= year].drop_duplicates("household_id")
    shown = set(ws.households["household_id"].astype(str))
    return p[p["household_id"].astype(str).isin(shown).to_numpy(dtype=bool)]


def cadre_choices(ws: Workspace, result: aid.AssistanceCheck, lang: str) -> dict[str, str]:
    """The cadres paired in ``result.year`` with a household shown, those with households
    that have a problem first, then by name: id → ``姓名(单位)``."""
    paired = _paired(ws, result.year)
    labels = cadre_labels(ws, lang)
    ids = [c for c in dict.fromkeys(paired["cadre_id"].astype(str)) if c in labels]
    flagged = set(result.flagged["cadre_id"].dropna().astype(str))
    ids.sort(key=lambda c: (c not in flagged, labels[c]))
    return {c: labels[c] for c in ids}


def cadre_households(
    ws: Workspace, result: aid.AssistanceCheck, cadre_id: str, lang: str
) -> pd.DataFrame:
    """The households ``cadre_id`` is paired with in the year: the checked ones with their
    visits (n/2) and problems, then the others (exited: 不在核查范围) with their visits."""
    year = result.year
    paired = _paired(ws, year)
    ids = paired.loc[paired["cadre_id"].astype(str) == str(cadre_id), "household_id"].astype(str)
    hh = ws.households[ws.households["household_id"].astype(str).isin(set(ids)).to_numpy()]
    checked = result.households.set_index(result.households["household_id"].astype(str))
    status = aid.status_in(hh, year)
    visits = ws["visits"]
    in_year = visits["visit_date"].astype("string").str.startswith(str(year)).fillna(False)
    counts = visits.loc[in_year.to_numpy(dtype=bool), "household_id"].astype(str).value_counts()
    names = _village_names(ws)
    rows = []
    for (_, h), s in zip(hh.iterrows(), status, strict=True):
        hid = str(h["household_id"])
        if hid in checked.index:
            c = checked.loc[hid]
            visits_text = f"{int(c['visits'])}/{int(c['visits_required'])}"
            problems = aid.flag_text(c["flags"], lang) or _DASH
        else:
            visits_text = str(int(counts.get(hid, 0)))
            problems = i18n.t("assist_not_checked", lang)
        rows.append(
            (
                hid in checked.index,
                hid,
                names.get(str(h["village_code"]), str(h["village_code"])),
                _DASH if s is None else i18n.status_label(str(s), lang),
                aid.cause_label(h["cause"], lang),
                visits_text,
                problems,
            )
        )
    rows.sort(key=lambda r: (not r[0], r[1]))
    columns = ["assist_col_id", "assist_col_village", "assist_col_status", "assist_col_cause"]
    columns += ["assist_col_visits", "assist_col_flags"]
    return pd.DataFrame([r[1:] for r in rows], columns=[i18n.t(k, lang) for k in columns])


def cadre_summary(
    ws: Workspace, result: aid.AssistanceCheck, cadre_id: str, lang: str
) -> tuple[str, str]:
    """The cadre's unit, post and part (``县农业农村局 · 科员 · 帮扶责任人``) and a line on their
    households: how many, checked, with a problem."""
    c = ws["cadres"]
    row = c[c["cadre_id"].astype(str) == str(cadre_id)]
    about = ""
    if len(row):
        r = row.iloc[0]
        about = " · ".join(
            str(r[k]) for k in ("unit", "post", "responsibility") if pd.notna(r[k]) and str(r[k])
        )
    paired = _paired(ws, result.year)
    ids = set(
        paired.loc[paired["cadre_id"].astype(str) == str(cadre_id), "household_id"].astype(str)
    )
    checked = result.households[result.households["household_id"].astype(str).isin(ids)]
    flagged = int((checked["flags"].str.len() > 0).sum())
    line = i18n.t("assist_cadre_summary", lang, n=len(ids), checked=len(checked), flagged=flagged)
    return about, line


# ----------------------------------------------------------------------------- plans
def plan_table(ws: Workspace, year: int, lang: str) -> pd.DataFrame:
    """Planned against actual exits of the place, one row per year from the first plan or exit
    to the last plan (or ``year``): households and people planned, exited."""
    plans = ws["exit_plans"]
    if not len(plans):
        return pd.DataFrame()
    plan_years = pd.to_numeric(plans["plan_year"], errors="coerce").dropna()
    exit_years = pd.to_numeric(ws.households["exit_year"], errors="coerce").dropna()
    known = pd.concat([plan_years, exit_years])
    if not len(known):
        return pd.DataFrame()
    first, last = int(known.min()), max(int(plan_years.max()) if len(plan_years) else year, year)
    years = range(first, last + 1)
    table = aid.plan_vs_actual(ws.households, plans, years)
    columns = ["planned_households", "planned_people", "exited_households", "exited_people"]
    sums = table.groupby("year")[columns].sum().reindex(list(years), fill_value=0)
    keep = sums.sum(axis=1) > 0  # years with neither plan nor exit say nothing
    sums = sums[keep.to_numpy()]
    return pd.DataFrame(
        {
            i18n.t("assist_col_year", lang): [str(y) for y in sums.index],
            i18n.t("assist_col_planned_hh", lang): sums["planned_households"].to_numpy(),
            i18n.t("assist_col_planned_pp", lang): sums["planned_people"].to_numpy(),
            i18n.t("assist_col_exited_hh", lang): sums["exited_households"].to_numpy(),
            i18n.t("assist_col_exited_pp", lang): sums["exited_people"].to_numpy(),
        }
    )


# ----------------------------------------------------------------------------- a visit
def visit_options(ws: Workspace, result: aid.AssistanceCheck, lang: str) -> dict[str, str]:
    """The households checked in the year, those visited too few times first, then by
    village and 户编号: id → ``户编号 · 村 · 本年走访 1/2``."""
    names = _village_names(ws)
    hh = result.households.assign(_short=~result.households["visits_short"])
    hh = hh.sort_values(["_short", "village_code", "household_id"], kind="stable")
    return {
        str(h.household_id): i18n.t(
            "assist_visit_option",
            lang,
            id=h.household_id,
            village=names.get(str(h.village_code), str(h.village_code)),
            n=int(h.visits),
            required=int(h.visits_required),
        )
        for h in hh.itertuples()
    }


def paired_cadre(result: aid.AssistanceCheck, household_id: str) -> str:
    """The household's responsible cadre in the year ("" when none)."""
    hh = result.households
    row = hh[hh["household_id"].astype(str) == str(household_id)]
    if not len(row) or row["cadre_id"].iloc[0] is None or pd.isna(row["cadre_id"].iloc[0]):
        return ""
    return str(row["cadre_id"].iloc[0])


def visit_dates(year: int, today: date) -> tuple[date, date, date] | None:
    """The first and last date a visit of ``year`` may have (not after ``today``) and the
    form's default (today, kept within the year); None for a year still to come."""
    first, last = date(year, 1, 1), min(date(year, 12, 31), today)
    if last < first:
        return None
    return first, last, min(max(today, first), last)


def visits_in_year(visits: pd.DataFrame, household_id: str, year: int) -> int:
    """The visits to ``household_id`` dated in ``year``."""
    same = visits["household_id"].astype(str) == str(household_id)
    dated = visits["visit_date"].astype("string").str.startswith(str(year)).fillna(False)
    return int((same & dated).sum())


#: The messages of :mod:`township_atlas.geo.assistance_changes` and of the history's date
#: check, and the interface string that says each in either language.
_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^no household (?P<id>.*)$"), "assist_err_household"),
    (re.compile(r"^no cadre (?P<id>.*)$"), "assist_err_cadre"),
    (re.compile(r"ID or phone number"), "assist_err_personal"),
    (re.compile(r"at most \d+ characters"), "assist_err_long"),
    (re.compile(r"(dates are written|is not a date)"), "assist_err_date"),
)


def visit_error(error: Exception, lang: str) -> str:
    """Why a visit was not recorded, in ``lang``: the known refusals translated, any other
    one said plainly (its English text only to English readers)."""
    text = str(error)
    for pattern, key in _ERRORS:
        found = pattern.search(text)
        if found:
            return i18n.t(key, lang, **found.groupdict(), n=NOTE_MAX)
    plain = i18n.t("assist_err_other", lang)
    return plain if lang == "zh" else f"{plain} ({text})"
