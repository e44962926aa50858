"""Infrastructure and service gaps of each village, from the yearly indicator table."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..geo.schema import INDICATOR_FLAGS


def indicators_at(indicators: pd.DataFrame, year: int) -> pd.DataFrame:
    """Each village's latest indicator row at or before ``year`` (villages with none omitted)."""
    past = indicators[indicators["year"] <= year]
    if past.empty:
        return past.copy()
    latest = past.sort_values("year").groupby("village_code", as_index=False).tail(1)
    return latest.reset_index(drop=True)


def village_gaps(indicators: pd.DataFrame, year: int) -> pd.DataFrame:
    """What each village lacks at ``year``.

    Returns one row per village with indicators: ``village_code``, ``year`` (of the row used),
    ``missing`` (tuple of unmet indicator names, in schema order), ``dangerous_houses``,
    ``unsafe_water_households``, ``collective_income`` and ``gap_count`` (unmet flags plus one
    for any dangerous house and one for any household without safe water).
    """
    rows = indicators_at(indicators, year)
    cols = ["village_code", "year", "missing", "dangerous_houses", "unsafe_water_households"]
    if rows.empty:
        return pd.DataFrame(columns=[*cols, "collective_income", "gap_count"])
    flags = rows[list(INDICATOR_FLAGS)].fillna(False).astype(bool)
    missing = [
        tuple(name for name, ok in zip(INDICATOR_FLAGS, r, strict=True) if not ok)
        for r in flags.itertuples(index=False)
    ]
    out = rows[["village_code", "year"]].copy()
    out["missing"] = missing
    out["dangerous_houses"] = rows["dangerous_houses"].fillna(0).astype(int)
    out["unsafe_water_households"] = rows["unsafe_water_households"].fillna(0).astype(int)
    out["collective_income"] = rows["collective_income"].astype(float)
    out["gap_count"] = (
        out["missing"].map(len)
        + (out["dangerous_houses"] > 0).astype(int)
        + (out["unsafe_water_households"] > 0).astype(int)
    )
    return out


#: Components of the composite gap score, in the order of the indicator table: the flags, then
#: the two per-household counts, then collective income.
COUNT_COMPONENTS = ("dangerous_houses", "unsafe_water_households")
SCORE_COMPONENTS = (*INDICATOR_FLAGS, *COUNT_COMPONENTS, "collective_income")


def _weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Every component's weight (0 for those not given); a name we do not know is an error."""
    unknown = sorted(set(weights) - set(SCORE_COMPONENTS))
    if unknown:
        # a misspelt name in a rules file would otherwise silently stop counting that gap
        raise ValueError(
            f"unknown gap score component(s) {', '.join(unknown)}; "
            f"known: {', '.join(SCORE_COMPONENTS)}"
        )
    out = {name: float(weights.get(name, 0.0)) for name in SCORE_COMPONENTS}
    bad = [name for name, w in out.items() if not math.isfinite(w) or w < 0]
    if bad:
        raise ValueError(f"gap score weights must be finite and not negative: {', '.join(bad)}")
    return out


def _column(rows: pd.DataFrame, name: str, dtype: str) -> pd.Series:
    """``rows[name]`` as ``dtype`` with missing values kept; an absent column is all missing."""
    if name not in rows.columns:
        return pd.Series(pd.NA, index=rows.index, dtype=dtype)
    return rows[name].astype(dtype)


def _contributions(
    rows: pd.DataFrame, weights: dict[str, float], min_collective_income: float
) -> pd.DataFrame:
    """Points each component adds to each row's score (rows as :func:`indicators_at` gives)."""
    out = pd.DataFrame(index=rows.index)
    for flag in INDICATOR_FLAGS:
        # unknown (missing) counts as unmet: a gap nobody checked is not taken as closed
        met = _column(rows, flag, "boolean").fillna(False).astype(bool)
        out[flag] = np.where(met, 0.0, weights[flag])
    for name in COUNT_COMPONENTS:
        # an unknown count is unmet, but we do not know by how much: count one household
        count = _column(rows, name, "Float64").fillna(1.0).clip(lower=0).astype(float)
        out[name] = weights[name] * count
    income = _column(rows, "collective_income", "Float64")
    below = (income < min_collective_income).fillna(True).astype(bool)
    out["collective_income"] = np.where(below, weights["collective_income"], 0.0)
    return out


def gap_scores(
    indicators: pd.DataFrame,
    year: int,
    weights: Mapping[str, float],
    min_collective_income: float,
) -> pd.DataFrame:
    """Composite infrastructure gap score of each village at ``year``, worst first.

    Each village's latest indicator row at or before ``year`` (:func:`indicators_at`) is scored:
    an unmet flag adds its weight; ``dangerous_houses`` and ``unsafe_water_households`` add
    their weight once per household; ``collective_income`` adds its weight when below
    ``min_collective_income`` (万元). Missing values count as unmet: a missing flag or income
    adds its weight, a missing household count adds its weight once (one household).

    Parameters
    ----------
    indicators : DataFrame
        The indicators layer (any number of years per village).
    year : int
        Score the situation at this year.
    weights : Mapping[str, float]
        Weight per component (``[gap_score.weights]`` of the rules); a component not given
        weighs 0. Names must be in :data:`SCORE_COMPONENTS`; weights finite and not negative.
    min_collective_income : float
        Collective income (万元 a year) below which the income component counts.

    Returns
    -------
    DataFrame
        One row per village with indicators, sorted by ``rank``: ``village_code``, ``year``
        (of the row used), one column per component of :data:`SCORE_COMPONENTS` holding the
        points it adds, ``score`` (their sum) and ``rank`` (1 = worst; equal scores are ranked
        by village code, so the order never depends on the input's order).
    """
    w = _weights(weights)
    columns = ["village_code", "year", *SCORE_COMPONENTS, "score", "rank"]
    rows = indicators_at(indicators, year)
    if rows.empty:
        return pd.DataFrame(columns=columns)
    parts = _contributions(rows, w, float(min_collective_income))
    out = pd.DataFrame(
        {"village_code": rows["village_code"].astype(str), "year": rows["year"].astype(int)}
    )
    out[list(SCORE_COMPONENTS)] = parts
    # rounded so that sums of the same weights in another order (0.1 + 0.2 vs 0.3) tie exactly
    out["score"] = parts.sum(axis=1).round(9)
    out = out.sort_values(["score", "village_code"], ascending=[False, True], ignore_index=True)
    out["rank"] = np.arange(1, len(out) + 1)
    return out[columns]


def worst_gaps(
    indicators: pd.DataFrame,
    year: int,
    weights: Mapping[str, float],
    min_collective_income: float,
) -> pd.DataFrame:
    """Every gap that adds to a village's score, as a long table with the worst first.

    Scored as :func:`gap_scores` (same parameters, missing values count as unmet).

    Returns
    -------
    DataFrame
        One row per (village, component) whose contribution is above 0: ``village_code``,
        ``indicator`` (component name), ``value`` (the recorded value: a flag, a household
        count or the income; missing stays missing) and ``weight_contribution``. Sorted by
        contribution (largest first), then by the village's rank, then in component order.
    """
    columns = ["village_code", "indicator", "value", "weight_contribution"]
    scores = gap_scores(indicators, year, weights, min_collective_income)
    if scores.empty:
        return pd.DataFrame(columns=columns)
    rows = indicators_at(indicators, year).assign(
        village_code=lambda f: f["village_code"].astype(str)
    )
    values = rows.set_index("village_code")
    long = scores.melt(
        id_vars=["village_code", "rank"],
        value_vars=list(SCORE_COMPONENTS),
        var_name="indicator",
        value_name="weight_contribution",
    )
    long = long[long["weight_contribution"] > 0].copy()
    order = {name: i for i, name in enumerate(SCORE_COMPONENTS)}
    long["_order"] = long["indicator"].map(order)
    long = long.sort_values(
        ["weight_contribution", "rank", "_order"], ascending=[False, True, True], ignore_index=True
    )
    long["value"] = pd.Series(
        [
            _plain(values.at[code, name]) if name in values.columns else None
            for code, name in zip(long["village_code"], long["indicator"], strict=True)
        ],
        dtype=object,
    )
    return long[columns]


def _plain(value: object) -> object:
    """A recorded value as a plain Python value, missing as None."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value
