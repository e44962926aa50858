"""Time of the 帮扶 check (``analysis.assistance``) at township, county and prefecture size.

Synthetic frames shaped like a county's assistance data: about one household in five poor or
monitored, each paired with a cadre (a few not), 2–3 visits a year over eight years, one to
three measures, a plan year; poor villages with a team and projects. No geometry: the check
reads none.

The named alternative, in the same run: the check written household by household (filter the
visits, measures and pairings of each household and decide), which is how the rules read; the
ratio says what the column-wise check buys. The alternative runs only where it ends in
reasonable time (it is skipped above 100,000 households).

usage: python -m benchmarks.bench_assistance [--sizes 17 300 3000]   (from the project folder)
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from township_atlas.analysis import assistance
from township_atlas.geo.rules import default_rules
from township_atlas.geo.schema import CAUSES
from township_atlas.geo.schema_assistance import MEASURE_TYPES

YEAR = 2024
HOUSEHOLDS_PER_VILLAGE = 200


def frames(villages: int, seed: int = 7) -> dict[str, pd.DataFrame]:
    """Villages, households and assistance layers of ``villages`` villages."""
    rng = np.random.default_rng(seed)
    codes = np.array([f"360722{i // 30:03d}{i % 30 + 200:03d}" for i in range(villages)])
    n = villages * HOUSEHOLDS_PER_VILLAGE
    village_of = np.repeat(codes, HOUSEHOLDS_PER_VILLAGE)
    ids = np.array([f"{v}-{i:04d}" for i, v in enumerate(village_of)])
    kind = rng.random(n)
    registered = kind < 0.25
    exited = registered & (rng.random(n) < 0.8)
    monitored = ~registered & (kind < 0.28)
    hh = pd.DataFrame(
        {
            "household_id": ids,
            "village_code": village_of,
            "size": rng.integers(1, 7, n),
            "category": np.where(registered, "一般贫困户", None),
            "cause": rng.choice(list(CAUSES), n),
            "identified_year": pd.array(np.where(registered, 2015, None), dtype="Int64"),
            "exit_year": pd.array(np.where(exited, rng.integers(2016, 2021, n), None), "Int64"),
            "return_year": pd.array([None] * n, dtype="Int64"),
            "monitor_kind": np.where(monitored, "边缘易致贫户", None),
            "monitor_year": pd.array(np.where(monitored, 2022, None), dtype="Int64"),
        }
    )
    helped = ids[registered | monitored]
    paired = helped[rng.random(len(helped)) < 0.97]
    pairings = pd.DataFrame(
        {
            "household_id": paired,
            "cadre_id": [f"C{i // 4:06d}" for i in range(len(paired))],
            "since_year": pd.array([2016] * len(paired), dtype="Int64"),
        }
    )
    per_year = rng.integers(1, 4, (len(helped), 8))
    rows = [
        (h, f"{2017 + y}-{m:02d}-15")
        for h, counts in zip(helped, per_year, strict=True)
        for y, k in enumerate(counts)
        for m in range(3, 3 + 3 * k, 3)
    ]
    visits = pd.DataFrame(rows, columns=["household_id", "visit_date"])
    visits.insert(0, "visit_id", [f"V{i}" for i in range(len(visits))])
    visits["cadre_id"] = None
    measure_of = np.repeat(helped, rng.integers(1, 4, len(helped)))
    measures = pd.DataFrame(
        {
            "measure_id": [f"M{i}" for i in range(len(measure_of))],
            "household_id": measure_of,
            "measure_type": rng.choice(MEASURE_TYPES, len(measure_of)),
            "year": pd.array(rng.integers(2016, 2025, len(measure_of)), dtype="Int64"),
            "amount": rng.integers(500, 5000, len(measure_of)).astype(float),
            "status": "已完成",
        }
    )
    plans = pd.DataFrame(
        {
            "household_id": ids[registered],
            "plan_year": pd.array(rng.integers(2016, 2021, int(registered.sum())), "Int64"),
        }
    )
    return {"households": hh, "pairings": pairings, "visits": visits}, measures, plans


def naive(hh, pairings, visits, measures, plans, year, rules) -> pd.DataFrame:
    """The alternative: each household's records found and judged one by one."""
    status = assistance.status_in(hh, year)
    out = []
    for i, row in hh[status.isin(rules.statuses)].iterrows():
        h = row["household_id"]
        mine = pairings[(pairings["household_id"] == h) & (pairings["since_year"] <= year)]
        seen = visits[
            (visits["household_id"] == h) & visits["visit_date"].str.startswith(str(year))
        ]
        done = measures[
            (measures["household_id"] == h)
            & (measures["year"] <= year)
            & (measures["status"] != "已取消")
        ]
        plan = plans.loc[plans["household_id"] == h, "plan_year"]
        wanted = rules.cause_measures.get(row["cause"])
        types = set(done["measure_type"])
        out.append(
            {
                "household_id": h,
                "no_cadre": mine.empty,
                "visits_short": len(seen) < rules.visits_per_year,
                "no_measure": not (types & set(wanted) if wanted else types),
                "behind_plan": status[i] in ("未脱贫", "返贫")
                and len(plan) > 0
                and plan.iloc[0] < year,
            }
        )
    return pd.DataFrame(out)


def _timed(fn, args: tuple, repeat: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn(*args)
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[17, 300, 3000])
    args = parser.parse_args()
    rules = default_rules().assistance
    print("villages  households  checked  visits     column-wise  per household  ratio")
    for size in args.sizes:
        layers, measures, plans = frames(size)
        hh, pairings, visits = layers["households"], layers["pairings"], layers["visits"]
        given = (hh, pairings, visits, measures, plans, YEAR, rules)
        fast, got = _timed(assistance.household_checks, given)
        if len(hh) <= 100_000:
            slow, want = _timed(naive, given, repeat=1)
            cols = ["no_cadre", "visits_short", "no_measure", "behind_plan"]
            a = got.set_index("household_id")[cols].sort_index()
            b = want.set_index("household_id")[cols].sort_index().astype(bool)
            assert a.equals(b), "the two checks disagree"
            slow_text, ratio = f"{slow:10.2f} s", f"{slow / fast:6.0f}x"
        else:
            slow_text, ratio = "   skipped", "     —"
        print(
            f"{size:8,d}  {len(hh):10,d}  {len(got):7,d}  {len(visits):9,d}  "
            f"{fast:9.3f} s  {slow_text}  {ratio}"
        )


if __name__ == "__main__":
    main()
