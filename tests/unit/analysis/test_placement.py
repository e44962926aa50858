"""Station placement: optima known by hand, one checked against brute force, and bad input."""

from __future__ import annotations

import itertools
import time

import geopandas as gpd
import numpy as np
import pytest
from scipy import sparse
from shapely.geometry import Point

from township_atlas.analysis.placement import CoverageProblem
from township_atlas.analysis.placement_search import fewer, swap, won
from township_atlas.analysis.placement_search import greedy as _greedy

# A line of five villages 0, 1, 2, 3, 4 km apart on the x axis; candidates at 0.5, 2 and 3.5 km.
# With a 0.6 km radius: candidate A (0.5) covers villages 0 and 1, B (2.0) covers 2, C (3.5)
# covers 3 and 4.
VILLAGES_KM = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
CANDIDATES_KM = np.array([0.5, 2.0, 3.5])
COST = np.abs(VILLAGES_KM[:, None] - CANDIDATES_KM[None, :])


def line_problem(weights, **kw) -> CoverageProblem:
    return CoverageProblem.from_cost_matrix(COST, weights, 0.6, site_ids=["A", "B", "C"], **kw)


def test_max_cover_picks_the_heaviest_pair():
    # weights: A covers 10+1=11, B covers 50, C covers 5+5=10 -> best two: B and A (61)
    result = line_problem([10, 1, 50, 5, 5]).max_cover(2)
    assert set(result.selected) == {"A", "B"}
    assert result.selected[0] == "B" and result.added_weight == (50.0, 11.0)
    assert result.covered_weight == 61 and result.total_weight == 71
    assert result.optimal and result.gap == 0.0
    assert result.covered_share == pytest.approx(61 / 71)


def test_existing_stations_stay_and_their_cover_counts():
    # B exists: one more station must be A (11) rather than C (10).
    result = line_problem([10, 1, 50, 5, 5], existing=[False, True, False]).max_cover(1)
    assert result.selected == ("A",)
    assert result.covered_weight == 61


def test_excluded_candidates_are_never_chosen():
    result = line_problem([10, 1, 50, 5, 5], excluded=[True, False, False]).max_cover(2)
    assert set(result.selected) == {"B", "C"}


def test_set_cover_reaches_the_target_with_the_fewest_stations():
    # Villages as equal weights: 90% of 5 villages needs all 5 -> all three candidates; 60% of
    # 5 needs 3 villages -> two stations (A and C cover four).
    problem = line_problem([1, 1, 1, 1, 1])
    assert len(problem.set_cover(0.9).selected) == 3
    sixty = problem.set_cover(0.6)
    assert len(sixty.selected) == 2 and sixty.covered_weight >= 3


def test_set_cover_that_cannot_be_reached_says_so():
    problem = line_problem([1, 1, 1, 1, 1], excluded=[False, True, True])
    with pytest.raises(ValueError, match="no placement reaches 90%"):
        problem.set_cover(0.9)


def test_max_cover_matches_brute_force_on_a_random_instance():
    rng = np.random.default_rng(7)
    demand = rng.uniform(0, 10_000, size=(60, 2))
    sites = rng.uniform(0, 10_000, size=(14, 2))
    weights = rng.integers(1, 30, size=60).astype(float)
    cost = np.linalg.norm(demand[:, None, :] - sites[None, :, :], axis=2)
    problem = CoverageProblem.from_cost_matrix(cost, weights, 2_000)
    cover = cost <= 2_000
    for k in (1, 3, 5):
        best = max(
            weights[cover[:, list(combo)].any(axis=1)].sum()
            for combo in itertools.combinations(range(14), k)
        )
        result = problem.max_cover(k)
        assert result.covered_weight == pytest.approx(best)
        assert result.optimal


def test_same_input_same_answer():
    rng = np.random.default_rng(3)
    cost = rng.uniform(0, 10, size=(80, 30))
    problem = CoverageProblem.from_cost_matrix(cost, np.ones(80), 2.0)
    first, second = problem.max_cover(4), problem.max_cover(4)
    assert first.selected == second.selected and first.covered_weight == second.covered_weight


def points(xy, crs="EPSG:4547", **columns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=[Point(x, y) for x, y in xy], crs=crs)


def test_from_points_in_metres_with_an_existing_station():
    x0, y0 = 500_000, 2_800_000
    demand = points(
        [(x0, y0), (x0 + 1_000, y0), (x0 + 5_000, y0)], id=["v1", "v2", "v3"], people=[10, 20, 5]
    )
    candidates = points([(x0 + 500, y0), (x0 + 5_000, y0)], id=["c1", "c2"])
    existing = points([(x0 + 9_000, y0)], id=["e1"])
    problem = CoverageProblem.from_points(demand, "people", candidates, 600, existing)
    result = problem.max_cover(1)
    assert result.selected == ("c1",) and result.covered_weight == 30
    # A station exactly on a demand point covers it (zero distance).
    assert problem.max_cover(2).covered_weight == 35


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"crs": "EPSG:4326"}, "in degrees"),
        ({"crs": None}, "no CRS"),
        ({"weight": "households"}, "no weight column 'households'"),
        ({"radius": -1}, "must not be negative"),
    ],
)
def test_from_points_refuses_bad_input(change, message):
    crs = change.get("crs", "EPSG:4547")
    demand = points([(500_000, 2_800_000)], crs=crs, id=["v1"], people=[3])
    candidates = points([(500_100, 2_800_000)], crs=crs, id=["c1"])
    with pytest.raises(ValueError, match=message):
        CoverageProblem.from_points(
            demand, change.get("weight", "people"), candidates, change.get("radius", 500)
        )


def test_more_stations_than_candidates_is_refused():
    with pytest.raises(ValueError, match="only 3 candidates"):
        line_problem([1, 1, 1, 1, 1]).max_cover(4)


# Greedy's trap: six villages of weight 1; c0 covers 1-4, c1 covers 0-2, c2 covers 3-5, c3 none.
# Greedy takes c0 (4), then c1 and c2 each add 1 (a tie, so the lower index, c1): 5 with two
# stations, where c1 + c2 cover all 6. Reaching all 6 takes greedy three stations, not two.
TRAP = np.array(
    [
        [0, 1, 0, 0],
        [1, 1, 0, 0],
        [1, 1, 0, 0],
        [1, 0, 1, 0],
        [1, 0, 1, 0],
        [0, 0, 1, 0],
    ],
    dtype=float,
)


def trap_problem() -> CoverageProblem:
    cost = np.where(TRAP > 0, 0.0, np.inf)
    return CoverageProblem.from_cost_matrix(
        cost, np.ones(6), 1.0, site_ids=["c0", "c1", "c2", "c3"]
    )


def test_greedy_helper_on_a_hand_checked_instance():
    a = sparse.csc_array(TRAP)
    w = np.ones(6)
    assert _greedy(a, w, k=1) == [0]
    assert _greedy(a, w, k=2) == [0, 1]  # tie between c1 and c2 goes to the lower index
    assert _greedy(a, w, k=4) == [0, 1, 2, 3]  # c3 adds nothing but k picks are made
    assert _greedy(a, w, needed=4) == [0]
    assert _greedy(a, w, needed=6) == [0, 1, 2]
    assert _greedy(a, w, needed=0) == []
    # Equal first gains: the lowest index first.
    assert _greedy(sparse.csc_array(np.eye(3)), np.ones(3), k=2) == [0, 1]


def test_swap_repairs_greedys_trap():
    # Greedy takes the big centre c0 and then c1 (5 of 6); swapping c0 out for c2 covers all 6.
    a = sparse.csc_array(TRAP)
    w = np.ones(6)
    assert won(a, w, [0, 1]) == 5
    assert swap(a, w, np.array([0, 1])).tolist() == [1, 2]
    assert won(a, w, [1, 2]) == 6
    # A 1-swap optimum stays as it is; so does a full or empty pick.
    assert swap(a, w, np.array([1, 2])).tolist() == [1, 2]
    assert swap(a, w, np.arange(4)).tolist() == [0, 1, 2, 3]
    assert swap(a, w, np.array([], int)).tolist() == []


def test_fewer_drops_the_centre_once_the_sides_suffice():
    a = sparse.csc_array(TRAP)
    w = np.ones(6)
    assert fewer(a, w, np.array([0, 1, 2]), needed=6).tolist() == [1, 2]
    # Five of six with one station is out of reach: two stay.
    assert fewer(a, w, np.array([1, 2]), needed=5).tolist() == [1, 2]


def test_no_time_still_gives_the_local_search_answer():
    # No time for HiGHS at all: greedy + swap still run. Both answers reach a simple bound (all
    # six villages; at least ceil(6 / 4) = 2 stations), so they are proven optimal without it.
    problem = trap_problem()
    two = problem.max_cover(2, time_limit=0)
    assert set(two.selected) == {"c1", "c2"} and two.covered_weight == 6
    assert two.optimal and two.gap == 0.0
    everything = problem.set_cover(1.0, time_limit=0)
    assert set(everything.selected) == {"c1", "c2"} and everything.requested is None
    assert everything.optimal


def _traps(n: int) -> CoverageProblem:
    """Greedy's trap ``n`` times over, apart: 6 n villages, 4 n sites; greedy takes every
    centre, the best two per trap are its sides."""
    cover = sparse.block_diag([TRAP] * n).toarray()
    cost = np.where(cover > 0, 0.0, np.inf)
    return CoverageProblem.from_cost_matrix(cost, np.ones(len(cover)), 1.0)


def test_local_search_answer_is_never_worse_than_greedy():
    problem = _traps(5)
    result = problem.max_cover(10, time_limit=0)
    a = sparse.csc_array(problem.coverage, dtype=float)
    assert result.covered_weight >= won(a, problem.weights, _greedy(a, problem.weights, k=10))
    assert result.covered_weight == 30 and result.optimal


def _reference_greedy(cover: np.ndarray, weights: np.ndarray, k: int) -> float:
    """Textbook greedy max cover on a dense boolean matrix: the weight it covers."""
    left = weights.astype(float).copy()
    picked = np.zeros(cover.shape[1], bool)
    for _ in range(k):
        gains = np.where(picked, -1.0, left @ cover)
        best = int(np.argmax(gains))
        picked[best] = True
        left[cover[:, best]] = 0.0
    return float(weights.sum() - left.sum())


def test_time_limit_gives_a_feasible_answer_at_least_greedy_with_a_gap():
    # 2,000 villages and 2,000 candidates in a 10 km square, 1 km radius: each village is in
    # reach of ~60 candidates, far too many overlaps to prove 30 stations optimal in 0.2 s.
    rng = np.random.default_rng(11)
    demand = rng.uniform(0, 10_000, size=(2_000, 2))
    sites = rng.uniform(0, 10_000, size=(2_000, 2))
    weights = rng.integers(1, 50, size=2_000).astype(float)
    cost = np.linalg.norm(demand[:, None, :] - sites[None, :, :], axis=2)
    problem = CoverageProblem.from_cost_matrix(cost, weights, 1_000)
    k = 30
    started = time.perf_counter()
    result = problem.max_cover(k, time_limit=0.2)
    wall = time.perf_counter() - started
    assert wall < 10
    assert not result.optimal and result.status == "Time limit reached"
    assert 0 < result.gap <= 1
    assert len(result.selected) == k == result.requested
    assert len(set(result.selected)) == k and all(g > 0 for g in result.added_weight)
    assert result.covered_weight >= _reference_greedy(cost <= 1_000, weights, k)
    a = sparse.csc_array(cost <= 1_000, dtype=float)
    local = swap(a, weights, np.array(_greedy(a, weights, k=k)))
    assert result.covered_weight >= won(a, weights, local)  # never worse than greedy + swap
    assert result.covered_weight == pytest.approx(sum(result.added_weight))
    # The bound behind the gap is no more than all the weight there is.
    assert result.covered_weight / (1 - result.gap) <= result.total_weight + 1e-6


def test_stations_that_add_nothing_are_left_out():
    # Three villages (weights 5, 3, 2); P covers the first two, Q the third, R only the second
    # (already P's), S and T nothing. Four asked for: P and Q do all the work.
    inf = np.inf
    cost = np.array(
        [
            [0.0, inf, inf, inf, inf],
            [0.0, inf, 0.0, inf, inf],
            [inf, 0.0, inf, inf, inf],
        ]
    )
    problem = CoverageProblem.from_cost_matrix(
        cost, [5, 3, 2], 1.0, site_ids=["P", "Q", "R", "S", "T"]
    )
    result = problem.max_cover(4)
    assert result.selected == ("P", "Q") and result.added_weight == (8.0, 2.0)
    assert result.requested == 4 and result.covered_weight == 10 and result.optimal
    summary = result.as_dict()
    assert summary["requested"] == 4 and summary["selected"] == ["P", "Q"]
    assert {
        "selected",
        "added_weight",
        "covered_weight",
        "total_weight",
        "covered_share",
        "optimal",
        "gap",
        "seconds",
        "status",
    } <= set(summary)
    assert problem.set_cover(1.0).requested is None


def test_a_radius_per_site_covers_by_each_sites_own_distance():
    cost = np.array([[1.0, 4.0], [4.0, 1.0], [3.0, 3.0]])
    problem = CoverageProblem.from_cost_matrix(cost, [1, 1, 5], [2.0, 3.5], site_ids=["a", "b"])
    assert problem.coverage.toarray().tolist() == [[True, False], [False, True], [False, True]]
    assert problem.max_cover(1).selected == ("b",)
    with pytest.raises(ValueError, match="negative"):
        CoverageProblem.from_cost_matrix(cost, [1, 1, 5], [2.0, -1.0])


def test_blocks_path_is_never_worse_and_claims_only_what_it_proves(monkeypatch):
    # The brute-force instance, solved as if it were a province: blocks of ~15 demand points
    # with the rest fixed, the LP of the whole as the bound. Whatever it returns is at least
    # greedy + swap, its gap is honest against brute force, and optimal means brute force.
    import township_atlas.analysis.placement as placement

    monkeypatch.setattr(placement, "WHOLE_MODEL_ROWS", 10)
    monkeypatch.setattr(placement, "BLOCK_ROWS", 15)
    rng = np.random.default_rng(7)
    demand = rng.uniform(0, 10_000, size=(60, 2))
    sites = rng.uniform(0, 10_000, size=(14, 2))
    weights = rng.integers(1, 30, size=60).astype(float)
    cost = np.linalg.norm(demand[:, None, :] - sites[None, :, :], axis=2)
    problem = CoverageProblem.from_cost_matrix(cost, weights, 2_000)
    cover = cost <= 2_000
    a = sparse.csc_array(cover, dtype=float)
    for k in (1, 3, 5):
        best = max(
            weights[cover[:, list(combo)].any(axis=1)].sum()
            for combo in itertools.combinations(range(14), k)
        )
        local = won(a, weights, swap(a, weights, np.array(_greedy(a, weights, k=k))))
        for limit in (0.0, 60.0):
            result = problem.max_cover(k, time_limit=limit)
            assert local <= result.covered_weight <= best
            assert result.covered_weight / (1 - result.gap) >= best - 1e-6
            assert result.optimal == (result.gap == 0.0)
            if result.optimal:
                assert result.covered_weight == best
        assert problem.max_cover(k).optimal  # given time, the whole model proves it
    fewest = problem.set_cover(0.5)
    assert fewest.optimal and fewest.covered_share >= 0.5
    assert len(fewest.selected) == min(
        k for k in range(15) if problem.max_cover(k).covered_share >= 0.5 - 1e-9
    )
