"""The demo's station operations (网点运营情况): what each existing e-commerce station of 古陂镇
did, year by year, from the year it opened to the demo's latest year. All synthetic.

Built by :func:`operations_layer` from the demo's facilities, with a seeded generator of its
own per station (the same inputs and seed always give the same rows; a station added later
changes no other station's figures). Figures grow from the opening year, as a network that
works would: a village station sells tens of 万元 of local produce in its first years and up
to a few hundred later, serves tens of poor households (a third to a half of them selling
through it), trains tens of people a year, with an income gain of 800–1,800 元 a household;
the township centre (古陂镇电商服务中心) and the county logistics centre
(信丰县农村电商物流中心: its figures for this township) do several times more. Every
village station has one or two 电子商务信息服务助理员 (the plan's 1–2).

In the latest year (:data:`~township_atlas.data.demo_households.REGISTER_YEAR`, 2025, dated
up to the data date 2025-06-30) the demo has exactly these deliberate cases, each flagged by
:func:`township_atlas.analysis.station_ops.station_rows` with the plan's default targets:

- :data:`DEMO_CLOSED_STATION` — F035 黎明村电商服务站, closed on 2025-03-31 (关闭; no figures
  reported for 2025; its sales fell by a third in 2024). Within the planner's default service
  distances (3 km for a village station, 5 km for the township centre, straight lines) it is
  the only station reaching 黎明村, so closing it leaves 黎明村 uncovered in 2025.
- :data:`DEMO_SUSPENDED_STATION` — F036 太平村电商服务站, suspended on 2025-05-15 (暂停; its
  2025 figures are those of four and a half months). 太平村 stays within the township
  centre's reach, so coverage does not change whether suspended stations count or not.
- :data:`DEMO_NO_SALES_STATION` — F037 茶坳村电商服务站, operating in 2025 but with no online
  sales (a parcel point only that year: sales 0, nobody selling, no income gain).
- :data:`DEMO_NO_ASSISTANT_STATION` — F032 古陂村电商服务站, operating in 2025 without an
  assistant (its assistant took a job in the industrial park; the shop keeper runs it).

Every other station-year is operating, with sales and (village stations) an assistant.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..analysis.station_ops import FIGURES
from ..geo.schema import LAYERS, SERVICE_TIERS

#: Seed of the operations layer's generator (the demo passes its own seed + 3).
OPERATIONS_SEED = 2018

DEMO_CLOSED_STATION = "F035"  # 黎明村电商服务站
DEMO_CLOSED_DATE = "03-31"
DEMO_SUSPENDED_STATION = "F036"  # 太平村电商服务站
DEMO_SUSPENDED_DATE = "05-15"
DEMO_NO_SALES_STATION = "F037"  # 茶坳村电商服务站
DEMO_NO_ASSISTANT_STATION = "F032"  # 古陂村电商服务站
#: The cases above, each a village station of the demo.
DEMO_CASES = (
    DEMO_CLOSED_STATION,
    DEMO_SUSPENDED_STATION,
    DEMO_NO_SALES_STATION,
    DEMO_NO_ASSISTANT_STATION,
)

#: How each tier starts (its opening year's figures, drawn between the bounds) and grows a
#: year: (staff, assistants, parcels in, parcels out, sales 万元, poor served, trained) at the
#: start, then the yearly growth factors of parcels and sales, and what served and trained add.
_TIERS: dict[str, dict[str, tuple[float, float]]] = {
    "village_station": {
        "staff": (1, 2),
        "assistants": (1, 2),
        "parcels_in": (1200, 2500),
        "parcels_out": (500, 1200),
        "sales_wan": (12, 30),
        "poor_served": (15, 35),
        "trained": (20, 40),
        "parcel_growth": (1.08, 1.20),
        "sales_growth": (1.15, 1.32),
        "served_step": (2, 6),
        "trained_step": (1, 5),
    },
    "township_ecommerce": {
        "staff": (4, 6),
        "assistants": (2, 3),
        "parcels_in": (8000, 12000),
        "parcels_out": (4000, 7000),
        "sales_wan": (80, 120),
        "poor_served": (60, 90),
        "trained": (80, 120),
        "parcel_growth": (1.08, 1.15),
        "sales_growth": (1.12, 1.22),
        "served_step": (5, 12),
        "trained_step": (4, 10),
    },
    # the county centre's figures for this township only (its produce, its poor households)
    "county_logistics": {
        "staff": (12, 20),
        "assistants": (3, 5),
        "parcels_in": (40_000, 60_000),
        "parcels_out": (20_000, 30_000),
        "sales_wan": (150, 250),
        "poor_served": (40, 60),
        "trained": (60, 90),
        "parcel_growth": (1.08, 1.15),
        "sales_growth": (1.10, 1.18),
        "served_step": (3, 8),
        "trained_step": (3, 8),
    },
}
#: Caps that keep the counts plausible for the tier (poor households near a station are few).
_CAPS = {
    "village_station": (80, 70),
    "township_ecommerce": (200, 200),
    "county_logistics": (450, 400),
}
#: Income gain of a household selling through a station: from 800–1,000 元, rising to 1,800.
_GAIN_START, _GAIN_STEP, _GAIN_CAP = (800, 1000), (40, 100), 1800


def operations_layer(
    facilities: pd.DataFrame, year_now: int, *, as_of: str, seed: int = OPERATIONS_SEED
) -> pd.DataFrame:
    """Synthetic operations of every existing e-commerce station, a row per station and year.

    Parameters
    ----------
    facilities
        The demo's facilities (``facility_id``, ``kind``, ``status``, ``opened_year``).
    year_now
        The latest year: rows run from each station's opening year to it.
    as_of
        The data date (ISO, in ``year_now``): no status date after it.
    seed
        Seed of the generator (one stream per station, by its position among the stations).

    Returns
    -------
    DataFrame
        The ``station_operations`` columns, ordered by station and year.
    """
    if not as_of.startswith(f"{year_now}-"):
        raise ValueError(f"as_of {as_of} is not in year_now {year_now}")
    stations = facilities[
        facilities["kind"].isin(SERVICE_TIERS).to_numpy(dtype=bool)
        & (facilities["status"] == "existing").to_numpy(dtype=bool)
    ].sort_values("facility_id")
    _check_cases(stations)
    rows: list[dict] = []
    for n, station in enumerate(stations.itertuples(index=False)):
        rng = np.random.default_rng([seed, n])
        opened = int(station.opened_year) if pd.notna(station.opened_year) else year_now
        rows += _station_years(rng, str(station.facility_id), station.kind, opened, year_now)
    frame = pd.DataFrame(rows).reindex(columns=LAYERS["station_operations"].names)
    _latest_cases(frame, year_now, as_of)
    for col in LAYERS["station_operations"].columns:
        if col.kind in ("int", "year"):
            frame[col.name] = pd.to_numeric(frame[col.name]).round().astype("Int64")
        elif col.kind == "float":
            frame[col.name] = pd.to_numeric(frame[col.name]).astype(float)
    return frame.reset_index(drop=True)


def _check_cases(stations: pd.DataFrame) -> None:
    """Every documented case is an existing village station of the demo."""
    villages = set(stations.loc[stations["kind"] == "village_station", "facility_id"])
    missing = [c for c in DEMO_CASES if c not in villages]
    if missing:
        raise AssertionError(f"demo operations cases {missing} are not existing village stations")


def _draw(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    return float(rng.uniform(*bounds))


def _station_years(
    rng: np.random.Generator, fid: str, kind: str, opened: int, year_now: int
) -> list[dict]:
    """One station's rows from ``opened`` to ``year_now``: figures growing every year."""
    spec = _TIERS[kind]
    served_cap, trained_cap = _CAPS[kind]
    staff = int(rng.integers(spec["staff"][0], spec["staff"][1] + 1))
    assistants = int(rng.integers(spec["assistants"][0], spec["assistants"][1] + 1))
    parcels_in, parcels_out = _draw(rng, spec["parcels_in"]), _draw(rng, spec["parcels_out"])
    sales, served = _draw(rng, spec["sales_wan"]), _draw(rng, spec["poor_served"])
    trained, gain = _draw(rng, spec["trained"]), _draw(rng, _GAIN_START)
    selling_share = _draw(rng, (0.3, 0.5))
    rows = []
    for year in range(opened, year_now + 1):
        if year > opened:
            parcels_in *= _draw(rng, spec["parcel_growth"])
            parcels_out *= _draw(rng, spec["parcel_growth"])
            sales *= _draw(rng, spec["sales_growth"])
            served = min(served + _draw(rng, spec["served_step"]), served_cap)
            trained = min(trained + _draw(rng, spec["trained_step"]), trained_cap)
            gain = min(gain + _draw(rng, _GAIN_STEP), _GAIN_CAP)
            # a village station's second assistant comes once it has grown (the plan's 1–2)
            if kind == "village_station" and year - opened == 3:
                assistants = max(assistants, 2)
        rows.append(
            {
                "facility_id": fid,
                "year": year,
                "status": "运营",
                "status_date": None,
                "staff": max(staff, assistants),
                "assistants": assistants,
                "parcels_in": round(parcels_in),
                "parcels_out": round(parcels_out),
                "sales_wan": round(sales, 1),
                "poor_served": round(served),
                "poor_selling": round(served * selling_share),
                "trained": round(trained),
                "income_gain": round(gain / 10) * 10,
            }
        )
    return rows


def _latest_cases(frame: pd.DataFrame, year_now: int, as_of: str) -> None:
    """Make the documented cases of ``year_now`` (in place)."""

    def row(fid: str, year: int) -> int:
        hit = frame.index[(frame["facility_id"] == fid) & (frame["year"] == year)]
        return int(hit[0])

    closed, before = row(DEMO_CLOSED_STATION, year_now), row(DEMO_CLOSED_STATION, year_now - 1)
    frame.loc[closed, ["status", "status_date"]] = ["关闭", f"{year_now}-{DEMO_CLOSED_DATE}"]
    frame.loc[closed, list(FIGURES)] = None  # a closed station reports nothing
    frame.loc[before, "sales_wan"] = round(float(frame.loc[before, "sales_wan"]) * 2 / 3, 1)

    suspended = row(DEMO_SUSPENDED_STATION, year_now)
    frame.loc[suspended, ["status", "status_date"]] = ["暂停", f"{year_now}-{DEMO_SUSPENDED_DATE}"]
    part = 4.5 / 12  # open until mid-May
    for col in ("parcels_in", "parcels_out", "poor_served", "poor_selling", "trained"):
        frame.loc[suspended, col] = round(float(frame.loc[suspended, col]) * part)
    frame.loc[suspended, "sales_wan"] = round(float(frame.loc[suspended, "sales_wan"]) * part, 1)
    frame.loc[suspended, ["staff", "assistants"]] = [1, 1]

    quiet = row(DEMO_NO_SALES_STATION, year_now)
    frame.loc[quiet, ["sales_wan", "poor_selling", "income_gain"]] = [0.0, 0, None]

    alone = row(DEMO_NO_ASSISTANT_STATION, year_now)
    frame.loc[alone, ["staff", "assistants"]] = [1, 0]
    for date in frame["status_date"].dropna():
        if date > as_of:
            raise AssertionError(f"a demo status date {date} is after the data date {as_of}")
