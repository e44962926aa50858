"""Time replaying a large register import (``history.state_at``) to a past date.

A register imported into a workspace records each household it adds (dated by its 识别年度)
and each field it changes. Figures for past years replay the history backwards, so a county
register of tens of thousands of households makes thousands of reverts per past date. We time
``state_at`` to the end of the first year (most households revert) and, as the named
alternative in the same run, the replay as it was first written: one scan of the layer per
reverted change (``_find`` by boolean mask) and one copy of the layer per removed row.

usage: python benchmarks/bench_history.py [--households N] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from township_atlas.data.demo import build_demo_layers
from township_atlas.geo import history
from township_atlas.geo.history import CREATED, ROW
from township_atlas.geo.schema import LAYERS
from township_atlas.geo.validate import coerce
from township_atlas.geo.workspace import Workspace, empty_frame


def synthetic(n: int, seed: int = 1) -> Workspace:
    """The demo township with ``n`` households and the history of one import of them all."""
    layers = build_demo_layers()
    demo = layers["households"]
    rng = np.random.default_rng(seed)
    pick = demo.iloc[rng.integers(0, len(demo), n)].reset_index(drop=True)
    pick["household_id"] = [f"H{i:06d}" for i in range(n)]
    exited = rng.random(n) < 0.3  # a newer register: 30% exited in 2019
    created = [
        {"record_key": h, "field": ROW, "old_value": None, "new_value": CREATED,
         "changed_at": f"{int(y) if pd.notna(y) else 2014}-01-01"}
        for h, y in zip(pick["household_id"], pick["identified_year"], strict=True)
    ]  # fmt: skip
    changed = [
        {"record_key": h, "field": "status", "old_value": "未脱贫", "new_value": "已脱贫",
         "changed_at": "2019-12-31"}
        for h in pick["household_id"][exited]
    ]  # fmt: skip
    pick.loc[exited, "status"] = "已脱贫"
    rows = pd.DataFrame(created + changed).assign(
        change_id="C00001", recorded_at="2026-01-01T00:00:00", kind="import",
        layer="households", note="bench", reverts=None,
    )  # fmt: skip
    hist = pd.concat([empty_frame(LAYERS["history"]), rows], ignore_index=True)
    return Workspace({**layers, "households": pick, "history": hist}, {})


def replay_first_written(ws: Workspace, date: str) -> pd.DataFrame:
    """``state_at`` as first written: one layer scan, one conversion of the old value and
    one cell write per change, one copy of the layer per removal."""
    later = ws["history"][ws["history"]["changed_at"] > date]
    frame = ws.households.copy()
    for r in reversed(list(later.itertuples())):
        hit = frame.index[frame["household_id"] == r.record_key]
        at = hit[0]
        if r.field == ROW:
            frame = frame.drop(index=at)
            continue
        text = pd.Series([r.old_value], dtype="string")
        value = coerce(LAYERS["households"], pd.DataFrame({r.field: text}))[r.field].iloc[0]
        frame.loc[at, r.field] = value
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ws = synthetic(args.households)
    date = "2014-12-31"
    reverted = int((ws["history"]["changed_at"] > date).sum())
    new = old = None
    fast, slow = [], []
    for _ in range(args.runs):
        t = time.perf_counter()
        new = history.state_at(ws, date).households
        fast.append(time.perf_counter() - t)
    for _ in range(max(1, args.runs // 3)):
        t = time.perf_counter()
        old = replay_first_written(ws, date)
        slow.append(time.perf_counter() - t)
    assert new is not None and old is not None
    assert sorted(new["household_id"]) == sorted(old["household_id"])
    a, b = statistics.median(fast), statistics.median(slow)
    print(
        f"{args.households:,} households, {reverted:,} changes reverted to {date}: "
        f"state_at {a:.2f} s · first-written replay {b:.2f} s · {b / a:.0f}× faster"
    )
    # the replayed state is whole: every household kept has its fields
    assert new["village_code"].notna().all()


if __name__ == "__main__":
    main()
