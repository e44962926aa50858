"""Infrastructure and service gaps of each village, from the yearly indicator table."""

from __future__ import annotations

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
