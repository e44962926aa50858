"""Maximal and set covering: our HiGHS model against PySAL spopt's MCLP, and against a
PuLP + CBC set-cover model written here, on the same instances.

Instances: demand points and candidate sites uniform in a square, integer weights (poor people),
a radius at which about 90% coverage needs a few dozen (300 × 300) or a few hundred
(3,000 × 3,000) stations. spopt builds its model with PuLP and solves it with CBC (its default);
we build a sparse model and solve it with HiGHS. Both must report the same optimal objective.
Set covering (the fewest stations reaching a share of the weight) has no spopt model with a
share (its LSCP covers everything), so the other side is a small independent PuLP model of the
same problem, solved by CBC: both must find the same fewest number of stations.

usage: python benchmarks/bench_placement.py [--sizes 300 3000] [--spopt-limit SECONDS]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time

import numpy as np

from township_atlas.analysis.placement import CoverageProblem

# size -> (side of the square in metres, service radius in metres, stations to add)
INSTANCES = {300: (50_000, 4_000, 30), 3000: (100_000, 3_000, 250)}


def instance(n: int, seed: int = 2014):
    side, radius, p = INSTANCES[n]
    rng = np.random.default_rng(seed)
    demand = rng.uniform(0, side, size=(n, 2))
    sites = rng.uniform(0, side, size=(n, 2))
    weights = rng.integers(1, 50, size=n).astype(float)
    cost = np.linalg.norm(demand[:, None, :] - sites[None, :, :], axis=2)
    return cost, weights, radius, p


def ours(n: int) -> tuple[float, float, bool]:
    cost, weights, radius, p = instance(n)
    t0 = time.perf_counter()
    result = CoverageProblem.from_cost_matrix(cost, weights, radius).max_cover(p, time_limit=600)
    return time.perf_counter() - t0, result.covered_weight, result.optimal


def _spopt(n: int, limit: float, out) -> None:
    import pulp
    from spopt.locate import MCLP

    cost, weights, radius, p = instance(n)
    t0 = time.perf_counter()
    model = MCLP.from_cost_matrix(cost, weights, radius, p_facilities=p)
    model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=limit))
    status = pulp.LpStatus[model.problem.status]
    out.put((time.perf_counter() - t0, float(pulp.value(model.problem.objective)), status))


#: Share of the weight the set-cover instances must reach.
SHARE = 0.8


def ours_set_cover(n: int) -> tuple[float, float, bool]:
    cost, weights, radius, _ = instance(n)
    t0 = time.perf_counter()
    result = CoverageProblem.from_cost_matrix(cost, weights, radius).set_cover(SHARE, 600)
    return time.perf_counter() - t0, float(len(result.selected)), result.optimal


def _pulp_set_cover(n: int, limit: float, out) -> None:
    import pulp

    cost, weights, radius, _ = instance(n)
    t0 = time.perf_counter()
    covers = cost <= radius  # demand × site
    prob = pulp.LpProblem("set_cover", pulp.LpMinimize)
    x = [pulp.LpVariable(f"x{j}", cat="Binary") for j in range(n)]
    y = [pulp.LpVariable(f"y{i}", 0, 1) for i in range(n)]
    prob += pulp.lpSum(x)
    for i in range(n):
        prob += y[i] <= pulp.lpSum(x[j] for j in np.flatnonzero(covers[i]))
    prob += pulp.lpSum(weights[i] * y[i] for i in range(n)) >= SHARE * weights.sum()
    prob.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=limit))
    status = pulp.LpStatus[prob.status]
    out.put((time.perf_counter() - t0, float(pulp.value(prob.objective)), status))


def spopt(n: int, limit: float, target=None) -> tuple[float, float | None, str]:
    """spopt in a child process, stopped after ``limit`` seconds if it has not finished."""
    out: mp.Queue = mp.Queue()
    child = mp.Process(target=target or _spopt, args=(n, limit, out))
    t0 = time.perf_counter()
    child.start()
    child.join(limit + 30)
    if child.is_alive():
        child.terminate()
        return time.perf_counter() - t0, None, f"stopped after {limit:.0f} s"
    return out.get()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[300, 3000])
    ap.add_argument("--spopt-limit", type=float, default=600)
    a = ap.parse_args()
    print("| instance | ours (HiGHS) | objective | spopt (CBC) | objective | ratio |")
    print("|---|---|---|---|---|---|")
    for n in a.sizes:
        t_ours, obj_ours, optimal = ours(n)
        t_sp, obj_sp, status = spopt(n, a.spopt_limit)
        same = "same" if obj_sp is not None and abs(obj_sp - obj_ours) < 1e-6 else "differs"
        sp_obj = "—" if obj_sp is None else f"{obj_sp:,.0f} ({status}, {same})"
        print(
            f"| {n:,} × {n:,}, add {INSTANCES[n][2]} | {t_ours:.2f} s"
            f"{'' if optimal else ' (not proven optimal)'} | {obj_ours:,.0f} | {t_sp:.2f} s | "
            f"{sp_obj} | {t_sp / t_ours:.1f}× |"
        )
    print()
    print(f"Set covering, {SHARE:.0%} of the weight:")
    print("| instance | ours (HiGHS) | stations | PuLP + CBC | stations | ratio |")
    print("|---|---|---|---|---|---|")
    for n in a.sizes:
        t_ours, k_ours, optimal = ours_set_cover(n)
        t_cbc, k_cbc, status = spopt(n, a.spopt_limit, target=_pulp_set_cover)
        same = "same" if k_cbc is not None and abs(k_cbc - k_ours) < 1e-6 else "differs"
        cbc = "—" if k_cbc is None else f"{k_cbc:,.0f} ({status}, {same})"
        print(
            f"| {n:,} × {n:,} | {t_ours:.2f} s{'' if optimal else ' (not proven optimal)'} | "
            f"{k_ours:,.0f} | {t_cbc:.2f} s | {cbc} | {t_cbc / t_ours:.1f}× |"
        )


if __name__ == "__main__":
    main()
