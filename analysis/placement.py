"""Where to put e-commerce service stations: maximal covering and set covering, solved exactly.

A :class:`CoverageProblem` knows only numbers: which demand points each site covers (a sparse
boolean matrix), the demand weights, which sites already exist and which candidates are
excluded. Build it from a cost matrix (:meth:`CoverageProblem.from_cost_matrix`) or from point
frames in a metre CRS (:meth:`CoverageProblem.from_points`); solve it with
:meth:`~CoverageProblem.max_cover` (add ``k`` stations, most weight covered) or
:meth:`~CoverageProblem.set_cover` (fewest new stations reaching a target share). Both build a
sparse MILP for HiGHS and return a frozen :class:`PlacementResult`.

Existing stations stay: demand they already cover is counted and left out of the model, as are
demand points no candidate can reach, which keeps the model small.

A greedy placement (each time the candidate adding the most uncovered weight, ties to the lowest
index), improved by 1-swap local search (:mod:`~township_atlas.analysis.placement_search`), is
computed first and handed to HiGHS as a starting solution, so a time limit always ends with a
feasible answer at least as good as that, and an honest gap against the best bound known. Past
:data:`WHOLE_MODEL_ROWS` demand points (a prefecture and up) the sites are re-solved a block at a
time (whole components of the coverage graph, large ones cut), the bound coming from the LP
relaxation of the whole; ``optimal`` is said only when the stations meet a proven bound.
Stations that add nothing (when more are asked for than can help) are left out of the answer.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import highspy
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.spatial import cKDTree

from .placement_search import blocks, fewer, greedy, swap, won

#: Above this many demand points left to win, the model is first solved a block at a time.
WHOLE_MODEL_ROWS = 5_000
#: About how many demand points one block of sites reaches (see :func:`_by_blocks`).
BLOCK_ROWS = 2_500


class TargetUnreachable(ValueError):
    """No placement reaches the share asked for: ``best`` is what every candidate together
    covers (both shares of the total weight)."""

    def __init__(self, target: float, best: float):
        self.target, self.best = target, best
        super().__init__(
            f"no placement reaches {target:.0%}: all candidates together cover {best:.1%}"
        )


@dataclass(frozen=True)
class PlacementResult:
    """A solved placement.

    ``selected`` holds only stations that add weight, in the order of what each adds on top of
    those before it (``added_weight``, all above 0); ``requested`` is the number asked for by
    :meth:`CoverageProblem.max_cover` (``None`` for set covering), so fewer selected than
    requested means the rest would add nothing. ``optimal`` is True only when the returned
    stations themselves, re-evaluated, reach a bound that proves them best (HiGHS's dual bound,
    or a simple bound); a solver status alone never makes it so (``note`` says when they differ).
    ``gap`` is 0 when optimal, otherwise ``|bound - found| / max(|bound|, |found|)`` (0 to 1)
    against the best bound known; see :meth:`CoverageProblem.max_cover` and
    :meth:`CoverageProblem.set_cover`. ``status`` is HiGHS's model status, e.g.
    ``"Time limit reached"``.
    """

    selected: tuple[str, ...]
    added_weight: tuple[float, ...]  # what each selected station adds, in selection order
    covered_weight: float
    total_weight: float
    optimal: bool
    gap: float
    seconds: float
    status: str
    requested: int | None = None  # k asked for by max_cover; None for set_cover
    #: Why the answer is not called optimal although the solver said so (empty otherwise).
    note: str = ""

    @property
    def covered_share(self) -> float:
        return self.covered_weight / self.total_weight if self.total_weight else 0.0

    def as_dict(self) -> dict:
        """JSON-ready summary (the fields ``plan-stations --json`` prints)."""
        return {
            "selected": list(self.selected),
            "added_weight": list(self.added_weight),
            "covered_weight": self.covered_weight,
            "total_weight": self.total_weight,
            "covered_share": self.covered_share,
            "optimal": self.optimal,
            "gap": self.gap,
            "seconds": self.seconds,
            "status": self.status,
            "requested": self.requested,
            "note": self.note,
        }


@dataclass(frozen=True)
class CoverageProblem:
    """Demand points × sites coverage, with weights; sites are candidates and existing ones."""

    coverage: sparse.csr_array  # demand × site, True where the site covers the point
    weights: np.ndarray
    site_ids: tuple[str, ...]
    existing: np.ndarray  # bool per site
    excluded: np.ndarray  # bool per site

    def __post_init__(self) -> None:
        n_demand, n_sites = self.coverage.shape
        if len(self.weights) != n_demand:
            raise ValueError(f"{len(self.weights)} weights for {n_demand} demand points")
        if np.any(np.asarray(self.weights) < 0):
            raise ValueError("weights must not be negative")
        for name in ("site_ids", "existing", "excluded"):
            if len(getattr(self, name)) != n_sites:
                raise ValueError(f"{name} has {len(getattr(self, name))} entries for {n_sites}")

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_cost_matrix(
        cls,
        cost: np.ndarray,
        weights: Sequence[float],
        radius: float | Sequence[float],
        site_ids: Sequence[str] | None = None,
        existing: Sequence[bool] | None = None,
        excluded: Sequence[bool] | None = None,
    ) -> CoverageProblem:
        """Sites cover the demand points whose ``cost`` (demand × site) is at most ``radius``
        (one for all sites, or one per site, e.g. by tier).

        ``cost`` may hold ``inf`` where a site cannot be reached (e.g. off the road network).
        """
        cost = np.asarray(cost, dtype=float)
        n_sites = cost.shape[1]
        radii = np.broadcast_to(np.asarray(radius, dtype=float), (n_sites,))
        if np.any(radii < 0):
            raise ValueError(f"the service radius must not be negative (got {radii.min():g})")
        return cls(
            coverage=sparse.csr_array(cost <= radii[None, :]),
            weights=np.asarray(weights, dtype=float),
            site_ids=tuple(str(s) for s in (site_ids if site_ids is not None else range(n_sites))),
            existing=np.zeros(n_sites, bool) if existing is None else np.asarray(existing, bool),
            excluded=np.zeros(n_sites, bool) if excluded is None else np.asarray(excluded, bool),
        )

    @classmethod
    def from_points(
        cls,
        demand: gpd.GeoDataFrame,
        weight: str,
        candidates: gpd.GeoDataFrame,
        radius_m: float,
        existing: gpd.GeoDataFrame | None = None,
        id_column: str = "id",
        excluded_ids: Sequence[str] = (),
    ) -> CoverageProblem:
        """Straight-line coverage between point frames in one projected (metre) CRS.

        Raises ``ValueError`` for a missing or geographic CRS (distances in degrees mean
        nothing), for frames in different CRSs, an unknown weight column or a negative radius.
        """
        if radius_m < 0:
            raise ValueError(f"the service radius must not be negative (got {radius_m})")
        frames = [demand, candidates] + ([existing] if existing is not None else [])
        for frame in frames:
            if frame.crs is None:
                raise ValueError("a frame has no CRS: declare one before measuring distances")
            if not frame.crs.is_projected:
                raise ValueError(
                    f"{frame.crs.name} is in degrees: project to a metre CRS for distances"
                )
            if frame.crs != demand.crs:
                raise ValueError(f"CRS mismatch: {frame.crs.name} vs {demand.crs.name}")
        if weight not in demand.columns:
            raise ValueError(
                f"no weight column {weight!r}; columns are {', '.join(demand.columns)}"
            )
        sites = candidates if existing is None else _concat(candidates, existing)
        n_cand = len(candidates)
        xy_d = np.column_stack([demand.geometry.x, demand.geometry.y])
        xy_s = np.column_stack([sites.geometry.x, sites.geometry.y])
        pairs = cKDTree(xy_d).sparse_distance_matrix(
            cKDTree(xy_s), radius_m, output_type="coo_matrix"
        )
        # sparse_distance_matrix leaves out zero distances; a site on a demand point covers it.
        rows, cols = pairs.row, pairs.col
        exact = cKDTree(xy_s).query_ball_point(xy_d, r=0.0)
        extra = [(i, j) for i, js in enumerate(exact) for j in js]
        if extra:
            rows = np.concatenate([rows, np.array([i for i, _ in extra])])
            cols = np.concatenate([cols, np.array([j for _, j in extra])])
        coverage = sparse.csr_array(
            (np.ones(len(rows), bool), (rows, cols)), shape=(len(demand), len(sites))
        )
        ids = tuple(str(v) for v in sites[id_column])
        excluded = np.isin(np.array(ids, dtype=object), list(map(str, excluded_ids)))
        is_existing = np.arange(len(sites)) >= n_cand
        return cls(
            coverage=coverage,
            weights=demand[weight].to_numpy(dtype=float),
            site_ids=ids,
            existing=is_existing,
            excluded=excluded & ~is_existing,
        )

    # ------------------------------------------------------------------ figures
    @property
    def total_weight(self) -> float:
        return float(self.weights.sum())

    def covered(self, open_sites: np.ndarray) -> np.ndarray:
        """Boolean per demand point: covered by any site in the boolean mask ``open_sites``."""
        return (self.coverage @ open_sites.astype(np.int32)) > 0

    # ------------------------------------------------------------------ solving
    def max_cover(self, k: int, time_limit: float = 60.0, rel_gap: float = 0.0) -> PlacementResult:
        """Add up to ``k`` new stations that maximise the covered weight.

        Stations that would add nothing are left out, so ``selected`` may be shorter than ``k``
        (``requested``). Greedy and a 1-swap local search come first (seconds at 20,000
        villages); their answer is HiGHS's start, so within ``time_limit`` seconds (all steps
        included) the answer is never worse than theirs. Above :data:`WHOLE_MODEL_ROWS` demand
        points the model is first re-solved a block of sites at a time, and the whole model gets
        the time left unless the answer is already within ``rel_gap`` (a share, 0 to 1) of the
        whole LP's bound. When not proven optimal, ``gap`` compares the weight won by the new
        stations with the tightest upper bound known: HiGHS's dual bound (``mip_dual_bound``)
        or the LP relaxation's when finite, all the weight the free candidates can reach, and
        the sum of the ``k`` largest single-station gains.
        """
        free = self._free_sites()
        if k < 0:
            raise ValueError(f"the number of new stations must not be negative (got {k})")
        if k > len(free):
            raise ValueError(f"{k} new stations asked for, but only {len(free)} candidates")
        return self._solve(free, k=k, target=None, time_limit=time_limit, rel_gap=rel_gap)

    def set_cover(
        self, target_share: float = 0.9, time_limit: float = 60.0, rel_gap: float = 0.0
    ) -> PlacementResult:
        """The fewest new stations that bring the covered share to ``target_share``.

        Greedy comes first, then stations are dropped while a 1-swap local search keeps the
        share; that answer is HiGHS's start, so within ``time_limit`` seconds (all steps
        included) the answer never needs more stations than it. Large models are first
        re-solved a block at a time, as in :meth:`max_cover` (``rel_gap`` likewise). When not
        proven optimal, ``gap`` compares the number of stations found with the tightest lower
        bound known: HiGHS's dual bound or the LP relaxation's, rounded up (station counts are
        whole), when finite, and the weight still needed divided by the most any one candidate
        adds, rounded up. With neither above 0 the gap is 1.
        """
        if not 0 <= target_share <= 1:
            raise ValueError(f"the target share must be between 0 and 1 (got {target_share})")
        free = self._free_sites()
        best = self.covered(~self.excluded).astype(float) @ self.weights
        if best < target_share * self.total_weight - 1e-9:
            raise TargetUnreachable(target_share, best / self.total_weight)
        return self._solve(
            free, k=None, target=target_share, time_limit=time_limit, rel_gap=rel_gap
        )

    def _free_sites(self) -> np.ndarray:
        return np.flatnonzero(~self.existing & ~self.excluded)

    def _solve(
        self,
        free: np.ndarray,
        k: int | None,
        target: float | None,
        time_limit: float,
        rel_gap: float,
    ) -> PlacementResult:
        started = time.perf_counter()
        deadline = started + max(0.0, float(time_limit))
        base = self.covered(self.existing)
        base_weight = float(self.weights[base].sum())
        # Demand left to win: not yet covered, reachable by a free candidate, weight above 0.
        sub = self.coverage[:, free]
        reachable = np.asarray(sub.sum(axis=1)).ravel() > 0
        open_rows = np.flatnonzero(~base & reachable & (self.weights > 0))
        a = sparse.csc_array(
            sub[open_rows, :], dtype=float
        )  # rows: open demand, cols: free candidates
        w = self.weights[open_rows]
        n_y = len(open_rows)
        needed = None if target is None else target * self.total_weight - base_weight - 1e-9
        tol = 1e-9 * max(1.0, float(w.sum()))

        def value(picks: np.ndarray) -> float:
            return won(a, w, picks) if k is not None else float(len(picks))

        def better(picks: np.ndarray | None, than: np.ndarray) -> bool:
            """Feasible and at least as good as ``than`` (judged on the rounded picks)."""
            if picks is None:
                return False
            if k is not None:
                return len(picks) == k and won(a, w, picks) >= won(a, w, than) - tol
            return won(a, w, picks) >= needed - tol and len(picks) <= len(than)

        # Greedy, then local search: seconds even for a province, and the start for HiGHS.
        # Not cut by the time limit: the answer is promised at least this good.
        picks = np.sort(np.asarray(greedy(a, w, k=k, needed=needed), dtype=int))
        picks = swap(a, w, picks) if k is not None else fewer(a, w, picks, needed)

        run: _Run | None = None
        bounds: list[float] = []
        if n_y > WHOLE_MODEL_ROWS:
            # Too big to prove at once: a bound from the LP of the whole, then each block of
            # sites re-solved exactly with the others fixed; the whole model gets what is left.
            relaxed = _run_highs(a, w, k, needed, None, _until(deadline), 0.0, relax=True)
            lp = relaxed.bound
            if k is not None and np.isfinite(lp) and np.all(w == np.round(w)):
                lp = float(np.floor(lp + 1e-6 * max(1.0, abs(lp))))  # whole weights, whole sum
            bounds.append(lp)
            picks = _by_blocks(a, w, k, needed, picks, deadline, rel_gap)
            if k is not None:
                picks = swap(a, w, picks, deadline)
        if n_y <= WHOLE_MODEL_ROWS or (
            _until(deadline) > 0 and _gap_against(value(picks), bounds, k) > rel_gap
        ):
            run = _run_highs(a, w, k, needed, picks, _until(deadline), rel_gap)
            bounds.append(run.bound)
            if better(run.picks, picks):
                picks = run.picks
        chosen = free[np.sort(picks)]
        order, gains = self._marginal_gains(chosen, base)
        kept = [(j, g) for j, g in zip(order, gains, strict=True) if g > 0]
        opened = self.existing.copy()
        opened[[j for j, _ in kept]] = True

        # The answer is what its stations achieve, re-evaluated; it is optimal only when that
        # meets a valid bound. A solver's bound counts only when it is consistent with what
        # the stations achieve (an upper bound below an answer in hand is no bound).
        first = a.T @ w  # what each candidate adds alone
        if k is not None:
            found = float(sum(g for _, g in kept))
            simple = min(float(w.sum()), float(np.sort(first)[::-1][:k].sum()))
        else:
            found = float(len(kept))
            most = float(first.max()) if first.size else 0.0
            simple = float(np.ceil(needed / most - 1e-6)) if needed > 0 and most > 0 else 0.0
        solved = _tightest(bounds, maximise=k is not None)
        bound, note = _bound(found, simple, solved, maximise=k is not None, tol=tol)
        gap = _relative_gap(found, bound)
        optimal = gap <= 1e-9
        if run is not None and run.note:
            note = run.note
        elif run is not None and run.solver_says and not optimal and not note:
            note = (
                f"HiGHS said optimal (objective {run.objective:g}), but the stations returned "
                f"achieve {found:g} against a proven bound of {bound:g}"
            )
        if optimal:
            gap = 0.0
        if run is not None:
            status = run.status
        else:
            status = "Time limit reached" if _until(deadline) <= 0 else "Solved by blocks"
        return PlacementResult(
            selected=tuple(self.site_ids[j] for j, _ in kept),
            added_weight=tuple(g for _, g in kept),
            covered_weight=float(self.weights[self.covered(opened)].sum()),
            total_weight=self.total_weight,
            optimal=optimal,
            gap=gap,
            seconds=_since(started),
            status=status,
            requested=k,
            note=note,
        )

    def _marginal_gains(
        self, chosen: np.ndarray, base: np.ndarray
    ) -> tuple[list[int], list[float]]:
        """Order chosen sites greedily by what each adds on top of those before it."""
        cover = sparse.csc_array(self.coverage[:, chosen], dtype=float)  # demand × chosen
        open_weight = np.where(base, 0.0, self.weights)
        order = greedy(cover, open_weight, k=len(chosen))
        # Each point's weight goes to the first station in that order that covers it.
        ordered = sparse.csc_array(cover[:, order])
        position = np.repeat(np.arange(len(order)), np.diff(ordered.indptr))
        first = np.full(cover.shape[0], len(order))
        np.minimum.at(first, ordered.indices, position)
        hit = first < len(order)
        gains = np.bincount(first[hit], weights=open_weight[hit], minlength=len(order))
        return [int(chosen[j]) for j in order], [float(g) for g in gains]


@dataclass(frozen=True)
class _Run:
    """What one HiGHS run gave: its answer (column positions, None without one), its model
    status, its bound when it can be trusted (NaN otherwise) and why not (``note``)."""

    picks: np.ndarray | None
    status: str
    solver_says: bool  # HiGHS's status claims a proof
    objective: float
    bound: float
    note: str = ""


def _run_highs(
    a: sparse.csc_array,
    w: np.ndarray,
    k: int | None,
    needed: float | None,
    start: np.ndarray | None,
    seconds: float,
    rel_gap: float,
    relax: bool = False,
) -> _Run:
    """Solve the covering model of ``a`` and ``w`` (its LP relaxation with ``relax``) within
    ``seconds``, from the start ``start`` (column positions) when given."""
    n_x, n_y = a.shape[1], a.shape[0]
    h = _quiet_highs()
    h.setOptionValue("threads", 1)  # same input, same answer (short of a time limit)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("mip_rel_gap", float(rel_gap))
    lp = _model(a, w, k, needed)
    if relax:
        lp.integrality_ = []
    h.passModel(lp)
    if start is not None:
        # With a start and presolve, highspy 1.16 ended "Optimal" below the true optimum and
        # returned the start (issue 12; the instance of tests/unit/cli/test_cli_plan.py). It
        # does not with presolve off, which is as fast here (benchmarks/bench_placement_scale).
        h.setOptionValue("presolve", "off")
        x = np.zeros(n_x)
        x[start] = 1.0
        mip_start = highspy.HighsSolution()
        mip_start.col_value = np.concatenate([x, (a @ x > 0).astype(float)]).tolist()
        mip_start.value_valid = True
        h.setSolution(mip_start)
    h.setOptionValue("time_limit", max(0.0, float(seconds)))
    h.run()

    model_status = h.getModelStatus()
    status = h.modelStatusToString(model_status)
    info = h.getInfo()
    says = model_status in (
        highspy.HighsModelStatus.kOptimal,
        highspy.HighsModelStatus.kModelEmpty,  # nothing left to win: having nothing is best
    )
    objective = float(info.objective_function_value)
    if relax:
        bound = objective if model_status == highspy.HighsModelStatus.kOptimal else np.nan
        return _Run(None, status, says, objective, bound)
    picks = None
    solution = np.asarray(h.getSolution().col_value)
    if (
        info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
        and solution.size == n_x + n_y
    ):
        picks = np.flatnonzero(solution[:n_x] > 0.5)
    bound = float(info.mip_dual_bound) if n_x + n_y else np.nan
    if picks is not None and n_x + n_y:
        # The objective HiGHS reports must be what its answer achieves: covering, never less
        # than it (and exactly it once optimal); set covering, its station count.
        achieved = won(a, w, picks) if k is not None else float(len(picks))
        slack = 1e-6 * max(1.0, abs(achieved))
        off = (
            objective > achieved + slack or (says and objective < achieved - slack)
            if k is not None
            else abs(objective - achieved) > slack
        )
        if off:
            note = (
                f"HiGHS said {status.lower()} (objective {objective:g}), but its stations "
                f"achieve {achieved:g}; its bound ({bound:g}) was not used"
            )
            return _Run(picks, status, says, objective, np.nan, note)
    return _Run(picks, status, says, objective, bound)


def _by_blocks(
    a: sparse.csc_array,
    w: np.ndarray,
    k: int | None,
    needed: float | None,
    picks: np.ndarray,
    deadline: float,
    rel_gap: float = 0.0,
) -> np.ndarray:
    """``picks`` improved one block of sites at a time (:func:`blocks`), the others fixed;
    each block solved to within ``rel_gap`` of its own bound.

    Each block keeps what it had: covering, as many stations; set covering, at least the
    weight its stations won. So a block's exact answer is never worse, and the whole stays
    feasible (checked again at the end: if not, ``picks`` as given).
    """
    x = np.zeros(a.shape[1], bool)
    x[picks] = True
    groups = blocks(a, BLOCK_ROWS)
    sizes = [int((np.diff(a.indptr)[g]).sum()) for g in groups]  # work ~ coverage entries
    left = float(sum(sizes))
    for cols, size in zip(groups, sizes, strict=True):
        share = size / left if left else 1.0
        left -= size
        if _until(deadline) <= 0:
            break
        outside = x.copy()
        outside[cols] = False
        part = sparse.csc_array(a[:, cols])
        rows = np.flatnonzero((np.diff(sparse.csr_array(part).indptr) > 0) & ~(a @ outside > 0))
        mine = np.flatnonzero(x[cols])
        if not rows.size or not mine.size:
            continue
        part = sparse.csc_array(part[rows, :])
        pw = w[rows]
        had = won(part, pw, mine)
        budget = len(mine) if k is not None else None
        need = None if k is not None else had - 1e-9 * max(1.0, had)
        run = _run_highs(part, pw, budget, need, mine, _until(deadline) * share, rel_gap)
        if run.picks is None:
            continue
        got = won(part, pw, run.picks)
        if k is not None:
            takes = len(run.picks) == budget and got > had
        else:
            takes = got >= need and len(run.picks) < len(mine)
        if takes:
            x[cols] = False
            x[cols[run.picks]] = True
    improved = np.flatnonzero(x)
    if needed is not None and won(a, w, improved) < needed - 1e-9 * max(1.0, float(w.sum())):
        return picks
    return improved


def _tightest(bounds: list[float], *, maximise: bool) -> float:
    """The tightest of the solvers' bounds (NaN when none is finite)."""
    finite = [b for b in bounds if np.isfinite(b)]
    if not finite:
        return np.nan
    return min(finite) if maximise else max(finite)


def _gap_against(found: float, bounds: list[float], k: int | None) -> float:
    """The gap of ``found`` against the solvers' bounds so far (1 without any)."""
    bound = _tightest(bounds, maximise=k is not None)
    if not np.isfinite(bound):
        return 1.0
    if k is None:
        bound = float(np.ceil(bound - 1e-6))
    return _relative_gap(found, max(bound, found) if k is not None else min(bound, found))


def _bound(
    found: float, simple: float, dual: float, *, maximise: bool, tol: float
) -> tuple[float, str]:
    """The tightest valid bound on the optimum, and a note when HiGHS's was not valid.

    ``simple`` is a bound from the data alone (an upper bound maximising, a lower one
    minimising); HiGHS's dual bound ``dual`` counts only when it is consistent with the answer
    in hand (``found``): an upper bound below it, or a lower bound above it, is no bound.
    """
    if maximise:
        bound = simple
        if np.isfinite(dual) and dual >= found - tol:
            return max(min(bound, dual), found), ""
        note = ""
        if np.isfinite(dual):
            note = (
                f"HiGHS reported a bound ({dual:g}) below what the stations cover ({found:g}); "
                "the bound was not used"
            )
        return max(bound, found), note
    lower = float(np.ceil(dual - 1e-6)) if np.isfinite(dual) else float("nan")
    if np.isfinite(lower) and lower <= found:
        return max(simple, lower), ""
    note = ""
    if np.isfinite(lower):
        note = (
            f"HiGHS reported a bound ({dual:g}) above the stations found ({found:g}); "
            "the bound was not used"
        )
    return simple, note


def _model(a: sparse.csc_array, w: np.ndarray, k: int | None, needed: float | None):
    """The covering MILP (demand × candidate ``a``, demand weights ``w``): columns x (open a
    candidate, binary) then y (demand covered, continuous in [0, 1]); maximise the weight
    covered by exactly ``k`` stations, or minimise the stations covering ``needed``."""
    n_x, n_y = a.shape[1], a.shape[0]
    inf = highspy.kHighsInf

    lp = highspy.HighsLp()
    lp.num_col_ = n_x + n_y
    # Columns: x (open candidate, binary) then y (demand covered, continuous in [0, 1]).
    if k is not None:
        lp.sense_ = highspy.ObjSense.kMaximize
        lp.col_cost_ = np.concatenate([np.zeros(n_x), w])
    else:
        lp.sense_ = highspy.ObjSense.kMinimize
        lp.col_cost_ = np.concatenate([np.ones(n_x), np.zeros(n_y)])
    lp.col_lower_ = np.zeros(n_x + n_y)
    lp.col_upper_ = np.ones(n_x + n_y)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n_x + [
        highspy.HighsVarType.kContinuous
    ] * n_y

    # Row i: y_i - sum_j a_ij x_j <= 0; then either sum x = k or sum w y >= needed.
    cover_rows = sparse.hstack([-a, sparse.eye_array(n_y, format="csc")], format="csr")
    if k is not None:
        extra = sparse.csr_array(np.concatenate([np.ones(n_x), np.zeros(n_y)])[None, :])
        lo, hi = float(k), float(k)
    else:
        extra = sparse.csr_array(np.concatenate([np.zeros(n_x), w])[None, :])
        lo, hi = needed, inf
    matrix = sparse.vstack([cover_rows, extra], format="csr")
    lp.num_row_ = n_y + 1
    lp.row_lower_ = np.concatenate([np.full(n_y, -inf), [lo]])
    lp.row_upper_ = np.concatenate([np.zeros(n_y), [hi]])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(float)
    lp.a_matrix_.num_col_ = n_x + n_y
    lp.a_matrix_.num_row_ = n_y + 1
    return lp


def _relative_gap(found: float, bound: float) -> float:
    """``|bound - found| / max(|bound|, |found|)``: between 0 and 1 for non-negative values.

    Maximising, that is the share of the upper bound not reached (found >= (1 - gap) × optimum);
    minimising, the share of the stations found that the lower bound does not rule out as
    superfluous. HiGHS's own ``mip_gap`` divides by the primal value and can exceed 1.
    """
    scale = max(abs(bound), abs(found))
    return min(1.0, abs(bound - found) / scale) if scale > 0 else 0.0


def _since(started: float) -> float:
    return time.perf_counter() - started


def _until(deadline: float) -> float:
    return max(0.0, deadline - time.perf_counter())


def _quiet_highs() -> highspy.Highs:
    """A solver that prints nothing: HiGHS writes a banner to the C-level stdout when it is
    created, which would corrupt the JSON of ``plan-stations --json``."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    return h


def _concat(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.concat([a, b], ignore_index=True), crs=a.crs)
