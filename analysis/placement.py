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


@dataclass(frozen=True)
class PlacementResult:
    """A solved placement. ``gap`` is the relative MIP gap (0 when proven optimal)."""

    selected: tuple[str, ...]
    added_weight: tuple[float, ...]  # what each selected station adds, in selection order
    covered_weight: float
    total_weight: float
    optimal: bool
    gap: float
    seconds: float
    status: str

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
        radius: float,
        site_ids: Sequence[str] | None = None,
        existing: Sequence[bool] | None = None,
        excluded: Sequence[bool] | None = None,
    ) -> CoverageProblem:
        """Sites cover the demand points whose ``cost`` (demand × site) is at most ``radius``.

        ``cost`` may hold ``inf`` where a site cannot be reached (e.g. off the road network).
        """
        if radius < 0:
            raise ValueError(f"the service radius must not be negative (got {radius})")
        cost = np.asarray(cost, dtype=float)
        n_sites = cost.shape[1]
        return cls(
            coverage=sparse.csr_array(cost <= radius),
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
    def max_cover(self, k: int, time_limit: float = 60.0) -> PlacementResult:
        """Add ``k`` new stations that maximise the covered weight."""
        free = self._free_sites()
        if k < 0:
            raise ValueError(f"the number of new stations must not be negative (got {k})")
        if k > len(free):
            raise ValueError(f"{k} new stations asked for, but only {len(free)} candidates")
        return self._solve(free, k=k, target=None, time_limit=time_limit)

    def set_cover(self, target_share: float = 0.9, time_limit: float = 60.0) -> PlacementResult:
        """The fewest new stations that bring the covered share to ``target_share``."""
        if not 0 <= target_share <= 1:
            raise ValueError(f"the target share must be between 0 and 1 (got {target_share})")
        free = self._free_sites()
        best = self.covered(~self.excluded).astype(float) @ self.weights
        if best < target_share * self.total_weight - 1e-9:
            raise ValueError(
                f"no placement reaches {target_share:.0%}: all candidates together cover "
                f"{best / self.total_weight:.1%}"
            )
        return self._solve(free, k=None, target=target_share, time_limit=time_limit)

    def _free_sites(self) -> np.ndarray:
        return np.flatnonzero(~self.existing & ~self.excluded)

    def _solve(
        self, free: np.ndarray, k: int | None, target: float | None, time_limit: float
    ) -> PlacementResult:
        started = time.perf_counter()
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
        n_x, n_y = len(free), len(open_rows)

        h = _quiet_highs()
        h.setOptionValue("time_limit", float(time_limit))
        h.setOptionValue("threads", 1)  # same input, same answer
        h.setOptionValue("random_seed", 0)
        h.setOptionValue("mip_rel_gap", 0.0)
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
            lo, hi = target * self.total_weight - base_weight - 1e-9, inf
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
        h.passModel(lp)
        h.run()

        status = h.modelStatusToString(h.getModelStatus())
        solution = np.asarray(h.getSolution().col_value)
        if solution.size != n_x + n_y:
            raise RuntimeError(f"the solver found no placement ({status})")
        chosen = free[solution[:n_x] > 0.5]
        info = h.getInfo()
        optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        gap = 0.0 if optimal else float(info.mip_gap)
        order, gains = self._marginal_gains(chosen, base)
        opened = self.existing.copy()
        opened[chosen] = True
        return PlacementResult(
            selected=tuple(self.site_ids[j] for j in order),
            added_weight=tuple(gains),
            covered_weight=float(self.weights[self.covered(opened)].sum()),
            total_weight=self.total_weight,
            optimal=optimal,
            gap=gap,
            seconds=time.perf_counter() - started,
            status=status,
        )

    def _marginal_gains(
        self, chosen: np.ndarray, base: np.ndarray
    ) -> tuple[list[int], list[float]]:
        """Order chosen sites greedily by what each adds on top of those before it."""
        cover = self.coverage[:, chosen].toarray().astype(float)  # demand × chosen
        open_weight = np.where(base, 0.0, self.weights)
        left = np.ones(len(chosen), bool)
        order: list[int] = []
        gains: list[float] = []
        for _ in range(len(chosen)):
            adds = np.where(left, open_weight @ cover, -1.0)
            best = int(np.argmax(adds))
            order.append(int(chosen[best]))
            gains.append(float(adds[best]))
            left[best] = False
            open_weight[cover[:, best] > 0] = 0.0
        return order, gains


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
