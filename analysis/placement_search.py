"""Fast placements without a solver: greedy, 1-swap local search, and blocks of sites.

Everything works on the reduced covering problem of :mod:`township_atlas.analysis.placement`:
a sparse matrix ``a`` (open demand × free candidate, 1 where the candidate covers the point)
and the demand weights ``w``. Answers are column positions of ``a``.

The local search keeps per-point coverage counts, so what a swap wins or loses is read from
sparse products, never from a loop over all pairs of sites. :func:`blocks` splits the
candidates into groups that can be re-solved one at a time with the rest fixed: whole
components of the coverage graph first (no station outside one changes what happens inside),
large components cut along a bandwidth-reducing order.
"""

from __future__ import annotations

import time

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components, reverse_cuthill_mckee


def greedy(
    a: sparse.csc_array, w: np.ndarray, k: int | None = None, needed: float | None = None
) -> list[int]:
    """Greedy covering: column positions of ``a`` (demand × candidate), in the order picked.

    Each pick is the column adding the most weight ``w`` not yet covered, ties to the lowest
    index. With ``k``: exactly ``k`` picks (once nothing adds weight, the lowest unpicked
    columns, so that ``sum x = k`` holds). With ``needed``: until the weight won reaches
    ``needed`` or no column adds anything more.
    """
    a = sparse.csc_array(a, dtype=float)
    by_row = sparse.csr_array(a)
    n_cols = a.shape[1]
    left = np.asarray(w, dtype=float).copy()  # weight still to win, per demand point
    gains = a.T @ left
    picked = np.zeros(n_cols, bool)
    order: list[int] = []
    won = 0.0
    while len(order) < n_cols:
        if k is not None and len(order) >= k:
            break
        if k is None and (needed is None or won >= needed):
            break
        best = int(np.argmax(np.where(picked, -np.inf, gains)))
        if k is None and gains[best] <= 0:
            break
        order.append(best)
        picked[best] = True
        won += float(gains[best])
        rows = a.indices[a.indptr[best] : a.indptr[best + 1]]
        rows = rows[left[rows] > 0]
        if rows.size:
            left[rows] = 0.0
            touched = np.unique(by_row[rows].indices)
            gains[touched] = a[:, touched].T @ left  # recomputed, not decremented: exact zeros
    return order


def won(a: sparse.csc_array, w: np.ndarray, picks: np.ndarray) -> float:
    """The weight the columns ``picks`` of ``a`` cover together."""
    x = np.zeros(a.shape[1])
    x[np.asarray(picks, dtype=int)] = 1.0
    return float(w[a @ x > 0].sum())


def swap(
    a: sparse.csc_array, w: np.ndarray, picks: np.ndarray, deadline: float = np.inf
) -> np.ndarray:
    """Improve ``picks`` by exchanging a picked column for an unpicked one while that covers
    more weight; the same number of picks, sorted. Stops at a 1-swap optimum or at
    ``deadline`` (a ``time.perf_counter`` value).

    Each round finds every improving swap at once: a swap of ``j`` out for ``i`` in changes the
    weight by ``gain[i] - loss[j] + both[j, i]`` (weight only ``i`` would add, weight only ``j``
    covers, and weight only ``j`` covers that ``i`` covers too); ``both`` is sparse, and where
    it is zero the best pair is the smallest loss with the largest gain. Swaps whose points do
    not overlap are applied together, best first.
    """
    a = sparse.csc_array(a, dtype=float)
    by_row = sparse.csr_array(a)
    w = np.asarray(w, dtype=float)
    tol = 1e-9 * max(1.0, float(w.sum()))
    x = np.zeros(a.shape[1], bool)
    x[np.asarray(picks, dtype=int)] = True
    while time.perf_counter() < deadline:
        outs, ins = _improving_swaps(a, by_row, w, x, tol)
        if not outs.size:
            break
        marked = np.zeros(a.shape[0], bool)
        used = np.zeros(a.shape[1], bool)
        for j, i in zip(outs.tolist(), ins.tolist(), strict=True):
            if used[j] or used[i]:
                continue
            rows = np.concatenate([_rows(a, j), _rows(a, i)])
            if marked[rows].any():  # overlapping swaps do not add up: the next round
                continue
            marked[rows] = True
            used[[j, i]] = True
            x[j], x[i] = False, True
    return np.flatnonzero(x)


def _improving_swaps(
    a: sparse.csc_array, by_row: sparse.csr_array, w: np.ndarray, x: np.ndarray, tol: float
) -> tuple[np.ndarray, np.ndarray]:
    """Column pairs (out, in) whose swap wins more than ``tol``, best first."""
    count = by_row @ x.astype(float)  # how many picks cover each point
    alone = np.where(count == 1, w, 0.0)
    gain = a.T @ np.where(count == 0, w, 0.0)
    loss = a.T @ alone
    sel, unsel = np.flatnonzero(x), np.flatnonzero(~x)
    if not sel.size or not unsel.size:
        return np.empty(0, int), np.empty(0, int)
    # both[p, i]: weight covered by sel[p] alone that column i covers too.
    sole = by_row[np.flatnonzero(count == 1)]
    weights = sparse.diags_array(alone[count == 1])
    both = sparse.coo_array(sole[:, sel].T @ weights @ sole)
    keep = ~x[both.col]
    p_out, p_in, shared = both.row[keep], both.col[keep], both.data[keep]
    # Pairs with nothing shared: the smallest losses with the largest gains.
    by_loss = np.argsort(loss[sel], kind="stable")
    by_gain = unsel[np.argsort(-gain[unsel], kind="stable")]
    m = min(len(by_loss), len(by_gain))
    plain = gain[by_gain[:m]] - loss[sel[by_loss[:m]]] > tol
    d_out = by_loss[:m][plain]
    d_in = by_gain[:m][plain]
    d_shared = np.asarray(sparse.csr_array(both)[d_out, d_in]).ravel() if d_out.size else []
    outs = np.concatenate([p_out, d_out]).astype(int)
    ins = np.concatenate([p_in, d_in]).astype(int)
    delta = gain[ins] - loss[sel[outs]] + np.concatenate([shared, d_shared])
    good = delta > tol
    outs, ins, delta = sel[outs[good]], ins[good], delta[good]
    order = np.lexsort((ins, outs, -delta))  # best first; ties by column, for the same answer
    return outs[order], ins[order]


def fewer(
    a: sparse.csc_array,
    w: np.ndarray,
    picks: np.ndarray,
    needed: float,
    deadline: float = np.inf,
) -> np.ndarray:
    """Set covering: drop picks while the rest, improved by :func:`swap`, still cover
    ``needed``; sorted column positions, never more than given."""
    tol = 1e-9 * max(1.0, float(np.sum(w)))
    picks = np.sort(np.asarray(picks, dtype=int))
    while picks.size and time.perf_counter() < deadline:
        x = np.zeros(a.shape[1])
        x[picks] = 1.0
        count = a @ x
        loss = a[:, picks].T @ np.where(count == 1, w, 0.0)
        trial = np.delete(picks, int(np.argmin(loss)))
        if won(a, w, trial) < needed - tol:
            trial = swap(a, w, trial, deadline)
            if won(a, w, trial) < needed - tol:
                break
        picks = trial
    return picks


def blocks(a: sparse.csc_array, max_rows: int) -> list[np.ndarray]:
    """Columns of ``a`` in groups reaching about ``max_rows`` demand points at most.

    Components of the coverage graph (points and sites linked by coverage) are packed whole
    into groups; a component reaching more than ``max_rows`` points is cut into pieces along
    the reverse Cuthill-McKee order of its sites, so neighbours stay together. Columns that
    reach nothing are left out.
    """
    n_y = a.shape[0]
    graph = sparse.block_array([[None, a], [a.T, None]], format="csr")
    _, label = connected_components(graph, directed=False)
    reach = np.diff(sparse.csc_array(a).indptr) > 0
    rows_of = np.bincount(label[:n_y], minlength=label.max() + 1)
    col_label = label[n_y:]
    groups: list[np.ndarray] = []
    current: list[np.ndarray] = []
    size = 0
    cols_by_label = np.argsort(col_label, kind="stable")
    bounds = np.searchsorted(col_label[cols_by_label], np.arange(label.max() + 2))
    for c in np.unique(col_label[reach]):
        cols = cols_by_label[bounds[c] : bounds[c + 1]]
        cols = cols[reach[cols]]
        if rows_of[c] > max_rows:
            groups.extend(_cut(a, cols, int(np.ceil(rows_of[c] / max_rows))))
            continue
        if size + rows_of[c] > max_rows and current:
            groups.append(np.concatenate(current))
            current, size = [], 0
        current.append(cols)
        size += int(rows_of[c])
    if current:
        groups.append(np.concatenate(current))
    return groups


def _cut(a: sparse.csc_array, cols: np.ndarray, pieces: int) -> list[np.ndarray]:
    """``cols`` in ``pieces`` runs of neighbouring sites (reverse Cuthill-McKee order)."""
    sub = sparse.csc_array(a[:, cols])
    near = sparse.csr_array(sub.T @ sub)  # sites sharing a demand point
    order = reverse_cuthill_mckee(near, symmetric_mode=True)
    return [np.sort(cols[part]) for part in np.array_split(order, pieces)]


def _rows(a: sparse.csc_array, j: int) -> np.ndarray:
    return a.indices[a.indptr[j] : a.indptr[j + 1]]
