"""Registered and remaining poor, and poverty incidence, by township, village and category.

Pure functions over the workspace frames: no Streamlit, no file IO.

*Registered* households are those with a 贫困户属性 (category): the 建档立卡 register. A
household *remains poor* at the end of year ``Y`` when it was identified by ``Y`` and had not
exited by then, or when it fell back (返贫) in or before ``Y`` and has not exited again since (a
fall back in the year of the exit counts: the household ends that year poor). A household's
columns hold its latest exit and fall back; figures for years before a re-exit come from the
change history (:func:`township_atlas.geo.history.state_at`). Incidence is remaining poor
people divided by the unit's population (户籍人口).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..geo import history
from ..geo.schema import CATEGORY_GROUP, CAUSES, HOUSEHOLD_CATEGORIES
from ..geo.workspace import Workspace

INDICATORS = (
    "poor_people",
    "poor_households",
    "incidence",
    "registered_people",
    "registered_households",
    *(f"people:{c}" for c in HOUSEHOLD_CATEGORIES),
    "returned_households",
    "monitored_households",
)


def registered_mask(households: pd.DataFrame) -> pd.Series:
    """True for households on the poverty register (those with a category)."""
    return households["category"].notna()


def remaining_mask(households: pd.DataFrame, year: int) -> pd.Series:
    """True for registered households that are poor at the end of ``year``."""
    # Numbers whatever the frame's dtypes (an object column of None from a hand-made table).
    exit_y, return_y = (
        pd.to_numeric(households[c], errors="coerce") for c in ("exit_year", "return_year")
    )
    identified = households["identified_year"].fillna(0) <= year
    not_exited = exit_y.isna() | (exit_y > year)
    fell_back = return_y.notna() & (return_y <= year) & ~(exit_y > return_y)  # no exit since
    mask = registered_mask(households) & identified & (not_exited | fell_back)
    return mask.fillna(False).astype(bool)


def monitored_mask(households: pd.DataFrame, year: int) -> pd.Series:
    """True for households under 防返贫 monitoring at the end of ``year``."""
    mask = households["monitor_kind"].notna() & (households["monitor_year"].fillna(9999) <= year)
    return mask.fillna(False).astype(bool)


def returned_mask(households: pd.DataFrame, year: int) -> pd.Series:
    """True for households that fell back (返贫) in or before ``year``."""
    return (households["return_year"].notna() & (households["return_year"] <= year)).fillna(False)


def by_category(households: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """Households and people per category: registered, and remaining at ``year`` if given.

    Rows are in the register's order (一般贫困户, 低保贫困户, 低保户, 特困供养户), every category
    present even when it has no households, with its group (扶贫开发 / 政策保障).
    """
    reg = households[registered_mask(households)]
    grouped = reg.groupby("category", observed=True)["size"].agg(["count", "sum"])
    out = pd.DataFrame(index=pd.Index(HOUSEHOLD_CATEGORIES, name="category"))
    out["group"] = [CATEGORY_GROUP[c] for c in HOUSEHOLD_CATEGORIES]
    out["households"] = grouped["count"].reindex(out.index, fill_value=0).astype(int)
    out["persons"] = grouped["sum"].reindex(out.index, fill_value=0).astype(int)
    if year is not None:
        rem = households[remaining_mask(households, year)]
        g = rem.groupby("category", observed=True)["size"].agg(["count", "sum"])
        out["remaining_households"] = g["count"].reindex(out.index, fill_value=0).astype(int)
        out["remaining_persons"] = g["sum"].reindex(out.index, fill_value=0).astype(int)
    return out.reset_index()


def by_cause(households: pd.DataFrame) -> pd.DataFrame:
    """Registered households and people per main cause (致贫原因), most common first."""
    reg = households[registered_mask(households)]
    g = reg.groupby("cause", observed=True)["size"].agg(["count", "sum"])
    out = pd.DataFrame(
        {
            "cause": g.index,
            "cause_zh": [CAUSES.get(c, ("?", "?"))[0] for c in g.index],
            "households": g["count"].to_numpy(),
            "persons": g["sum"].to_numpy(),
        }
    )
    return out.sort_values(["households", "cause"], ascending=[False, True]).reset_index(drop=True)


def village_figures(villages: pd.DataFrame, households: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per village (in the villages' order) with its poverty figures at ``year``.

    Columns: code, name, population, registered_households, registered_people, poor_households,
    poor_people, incidence (share, 0–1), ``people:<category>`` for each category (registered),
    returned_households, monitored_households.
    """
    codes = villages["code"].astype(str)
    # each household's position among the villages (-1: not one of them), then one bincount
    # per figure: filtering the register eight times took most of a year's map at a county
    at = pd.Index(codes).get_indexer(households["village_code"].astype(str))
    size = households["size"]
    counted = (at >= 0) & size.notna().to_numpy(dtype=bool)
    weights = size.astype("Float64").fillna(0).to_numpy(dtype=float)
    n = len(codes)

    def per_village(mask: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        take = counted & mask.to_numpy(dtype=bool, na_value=False)
        count = np.bincount(at[take], minlength=n).astype(np.int64)
        total = np.bincount(at[take], weights=weights[take], minlength=n)
        return count, np.rint(total).astype(np.int64)

    reg_count, reg_sum = per_village(registered_mask(households))
    rem_count, rem_sum = per_village(remaining_mask(households, year))
    out = pd.DataFrame(
        {
            "code": codes.to_numpy(),
            "name": villages["name"].to_numpy(),
            "population": villages["population"].astype(int).to_numpy(),
            "registered_households": reg_count,
            "registered_people": reg_sum,
            "poor_households": rem_count,
            "poor_people": rem_sum,
        }
    )
    pop = out["population"].where(out["population"] > 0)
    out["incidence"] = (out["poor_people"] / pop).fillna(0.0)
    for cat in HOUSEHOLD_CATEGORIES:
        out[f"people:{cat}"] = per_village(households["category"] == cat)[1]
    out["returned_households"] = per_village(returned_mask(households, year))[0]
    out["monitored_households"] = per_village(monitored_mask(households, year))[0]
    return out


def township_totals(villages: pd.DataFrame, households: pd.DataFrame, year: int) -> dict:
    """Headline figures of the township at ``year`` (plain ints and floats, JSON-ready)."""
    reg = households[registered_mask(households)]
    rem = households[remaining_mask(households, year)]
    population = int(villages["population"].sum())
    poor_people = int(rem["size"].sum())
    return {
        "year": int(year),
        "population": population,
        "villages": len(villages),
        "registered_households": len(reg),
        "registered_people": int(reg["size"].sum()),
        "poor_households": len(rem),
        "poor_people": poor_people,
        "incidence": poor_people / population if population else 0.0,
        "returned_households": int(returned_mask(households, year).sum()),
        "monitored_households": int(monitored_mask(households, year).sum()),
        "poor_villages": int(villages["poor_village"].fillna(False).sum()),
        "poor_villages_exited": int(
            (
                villages["poor_village"].fillna(False)
                & (villages["exit_year"].fillna(9999) <= year)
            ).sum()
        ),
    }


def workspace_years(
    households: pd.DataFrame, indicators: pd.DataFrame | None = None
) -> tuple[int, int]:
    """First and last year of a workspace: the register's span, extended to the last year of
    the indicator table. The last year is the default year of every page and command."""
    first, last = years_span(households)
    if indicators is not None and len(indicators):
        last = max(last, int(indicators["year"].max()))
    return first, last


def years_span(households: pd.DataFrame, default: int = 2020) -> tuple[int, int]:
    """First and last year the register speaks of (identification to latest change)."""
    cols = ["identified_year", "exit_year", "return_year", "monitor_year"]
    values = pd.concat([households[c].dropna() for c in cols if c in households])
    if values.empty:
        return default, default
    return int(values.min()), int(values.max())


def register_figures(households: pd.DataFrame, year: int) -> dict:
    """The 建档立卡 register at the end of ``year``, as a brief opens with it (plain ints).

    ``registered_*``: on the register by ``year`` (identified by then); ``exited_*``: of those,
    not poor at the end of ``year``; ``remaining_*``: poor then (fallen back included);
    ``returned_*``: fell back (返贫) in or before ``year``, whether exited again or not;
    ``monitored_*``: under 防返贫 monitoring at the end of ``year`` (registered or not), and
    ``monitored_registered_households`` of them on the register.
    """
    reg = registered_mask(households) & (households["identified_year"].fillna(0) <= year)
    reg = reg.fillna(False).astype(bool)
    remaining = remaining_mask(households, year)
    exited = reg & ~remaining
    returned = reg & returned_mask(households, year).astype(bool)
    monitored = monitored_mask(households, year)
    size = pd.to_numeric(households["size"], errors="coerce").fillna(0)

    def people(mask: pd.Series) -> int:
        return int(size[mask].sum())

    return {
        "year": int(year),
        "registered_households": int(reg.sum()),
        "registered_people": people(reg),
        "exited_households": int(exited.sum()),
        "exited_people": people(exited),
        "remaining_households": int(remaining.sum()),
        "remaining_people": people(remaining),
        "returned_households": int(returned.sum()),
        "returned_people": people(returned),
        "monitored_households": int(monitored.sum()),
        "monitored_people": people(monitored),
        "monitored_registered_households": int((monitored & reg).sum()),
    }


def register_sentence(fig: dict, lang: str = "zh") -> str:
    """:func:`register_figures` in one sentence: "建档立卡 966户 3,017人，已脱贫 …"."""
    if lang == "zh":
        text = (
            f"建档立卡 {fig['registered_households']:,}户 {fig['registered_people']:,}人，"
            f"其中已脱贫 {fig['exited_households']:,}户 {fig['exited_people']:,}人，"
            f"未脱贫 {fig['remaining_households']:,}户 {fig['remaining_people']:,}人"
        )
        if fig["returned_households"]:
            text += f"（累计返贫 {fig['returned_households']:,}户 {fig['returned_people']:,}人）"
        if not _monitoring(fig):
            return text + "。"
        return text + (
            f"；防返贫监测 {fig['monitored_households']:,}户 {fig['monitored_people']:,}人。"
        )
    text = (
        f"Registered poor (建档立卡): {fig['registered_households']:,} households, "
        f"{fig['registered_people']:,} people; exited {fig['exited_households']:,} households, "
        f"{fig['exited_people']:,} people; still poor {fig['remaining_households']:,} "
        f"households, {fig['remaining_people']:,} people"
    )
    if fig["returned_households"]:
        text += (
            f" (fell back so far: {fig['returned_households']:,} households, "
            f"{fig['returned_people']:,} people)"
        )
    if not _monitoring(fig):
        return text + "."
    return text + (
        f"; monitored: {fig['monitored_households']:,} households, "
        f"{fig['monitored_people']:,} people."
    )


def _monitoring(fig: dict) -> bool:
    """Whether the sentence speaks of monitoring: from 2021 on, or when anyone is monitored."""
    return fig["year"] >= 2021 or fig["monitored_households"] > 0


def figures_by_year(ws: Workspace, years: Iterable[int]) -> pd.DataFrame:
    """Township totals at the end of each year, from the history (one row per year)."""
    rows = []
    for year in years:
        past = history.state_at(ws, f"{year}-12-31")
        rows.append(township_totals(past.villages, past.households, year))
    return pd.DataFrame(rows)
