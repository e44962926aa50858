"""What every page of one brief shares, computed once (:class:`Facts`), and how the brief
writes numbers, changes and a village's exit status in words."""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from ..analysis import exit_rules, gaps, key_figures, poverty
from ..geo import history, levels
from ..geo.crs import to_metric
from ..geo.rules import Rules
from ..geo.schema import VILLAGE_STATUS_LABELS
from ..geo.workspace import Workspace

#: The tone a village exit status is printed in (its words: the schema's).
_STATUS_TONE = {"not_poor_village": "", "poor_not_exited": "bad", "exited": "good"}
#: Village exit status as the brief says it, with the tone of the words.
STATUS_ZH = {
    status: (zh, _STATUS_TONE.get(status, "warn"))
    for status, (zh, _) in VILLAGE_STATUS_LABELS.items()
}


class Facts:
    """The workspace at the end of ``year`` (the change history replayed) and what the
    pages of a brief read from it: the villages' codes and names, the township and its
    region, each village's figures and exit status, the years from ``first``."""

    def __init__(self, ws: Workspace, year: int, first: int, rules: Rules):
        self.ws, self.year, self.first, self.rules = ws, year, first, rules
        self.past = history.state_at(ws, f"{year}-12-31")
        self.codes = [str(c) for c in ws.villages["code"]]
        self.names = dict(zip(self.codes, ws.villages["name"].astype(str), strict=True))
        self.polygons = dict(zip(self.codes, ws.villages.geometry, strict=True))
        self.metric_crs = to_metric(ws.villages).crs
        self.township, self.region = _place(ws)
        self.status = exit_rules.village_status(
            self.past.villages, self.past.households, self.past["indicators"], year, rules
        )
        self.figures = poverty.village_figures(self.past.villages, self.past.households, year)
        self.years = list(range(first, year + 1))
        self.corner = (f"{year}年末", f"数据截至 {ws.meta.get('data_date') or '未注明'}")

    @cached_property
    def illustrative(self) -> bool:
        """Whether the boundaries are a sketch (the workspace, a village or the township
        says so): the maps then carry the 示意图 stamp."""
        ws = self.ws
        return (
            str(ws.meta.get("illustrative", "")).lower() == "true"
            or bool(ws.villages["illustrative"].astype("boolean").fillna(False).any())
            or bool(ws.township["illustrative"].astype("boolean").fillna(False).any())
        )

    @cached_property
    def headline(self) -> dict[str, key_figures.Figure]:
        """The key figures of the year by key (the meeting page's), computed once: the
        township page's tiles and its 电商网点运营 block read the same ones. A suspended
        station covers as the brief's rules say."""
        stations = self.rules.stations
        suspended = None if stations is None else stations.suspended_counts
        figures = key_figures.key_figures(
            self.ws, self.year, self.first, suspended_counts=suspended
        )
        return {f.key: f for f in figures}

    @cached_property
    def by_year(self) -> dict[int, pd.DataFrame]:
        """Each year's village figures (the register as it stood at that year's end)."""
        out = {}
        for y in self.years:
            state = history.state_at(self.ws, f"{y}-12-31")
            out[y] = poverty.village_figures(state.villages, state.households, y)
        return out

    @cached_property
    def gap_counts(self) -> dict[str, int]:
        """Each village's number of infrastructure gaps at the year (the dashboard's red
        badge: unmet indicators, plus one for dangerous houses and one for unsafe water)."""
        table = gaps.village_gaps(self.past["indicators"], self.year)
        return {
            str(c): int(n)
            for c, n in zip(table["village_code"], table["gap_count"], strict=True)
            if n > 0
        }

    def register_line(self, code: str | None = None) -> str:
        """The register in one sentence (the township's, or village ``code``'s) at the year's
        end: 建档立卡 N户 M人, of which exited, remaining, fallen back, monitored."""
        hh = self.past.households
        if code is not None:
            hh = hh[hh["village_code"].astype(str) == code]
        return poverty.register_sentence(poverty.register_figures(hh, self.year), "zh")


def _place(ws: Workspace) -> tuple[str, str]:
    """The place's name and its region (province, city, county run together), from the
    township's row or else the workspace's metadata; a workspace of several townships is
    its county (or the region its counties share), under province and city."""
    town = ws.township.iloc[0] if len(ws.township) else None
    several = len(levels.townships(ws)) > 1
    name = levels.top(ws).name if several else (town["name"] if town is not None else None)
    township = str(name or ws.meta.get("township_name") or "乡镇")
    region = [
        (town[c] if town is not None and c in town and pd.notna(town[c]) else None)
        or ws.meta.get(c, "")
        for c in (("province", "city") if several else ("province", "city", "county"))
    ]
    return township, "".join(str(r) for r in region if r)


# ----------------------------------------------------------------------------- words
def people(n: float) -> str:
    """``n`` people: 1,234人."""
    return f"{round(n):,}人"


def households(n: float) -> str:
    """``n`` households: 1,234户."""
    return f"{round(n):,}户"


def pct(share: float, digits: int = 2) -> str:
    """A share as a percentage: 0.0528 → 5.28%."""
    return f"{share * 100:.{digits}f}%"


def change_words(change: float | None, unit: str, lower_is_better: bool = True) -> tuple[str, str]:
    """The change since last year in words (较上年减少 565人) and its tone (good, bad or
    neutral); no words in the register's first year (``change`` None)."""
    if change is None:
        return "", "neutral"
    if round(change, 6) == 0:
        return "与上年持平", "neutral"
    better = (change < 0) == lower_is_better
    word = "减少" if change < 0 else "增加"
    amount = abs(change)
    text = f"{amount:,.2f}" if unit == "个百分点" else f"{round(amount):,}"
    if unit == "个百分点":
        word = "下降" if change < 0 else "上升"
    return f"较上年{word} {text}{unit}", "good" if better else "bad"


def status_words(row: dict, planned_exit: object = None) -> tuple[str, str]:
    """A village's exit status in words (with its year) and the tone."""
    text, tone = STATUS_ZH.get(row["status"], (row["status"], ""))
    exit_year = row["exit_year"]
    if row["status"] in ("exited", "exited_failing") and not pd.isna(exit_year):
        text = f"{int(exit_year)}年出列" + (
            "·现不达标" if row["status"] == "exited_failing" else ""
        )
    elif row["status"] == "poor_not_exited":
        if row["meets_rules"]:
            text, tone = "贫困村·未出列（已达标）", "warn"
        elif planned_exit is not None and not pd.isna(planned_exit):
            text += f"（计划{int(planned_exit)}年）"
    return text, tone
