"""Which rows of a layer a change touched, by position, compared value by value.

A recorded change hands back the workspace's own frame with a row or two changed and a few
rows appended; the storage writes only those. Comparing the new frame with the stored one
column by column costs a vectorised comparison per column (a column the change did not
touch shares its array with the stored frame and costs nothing), where hashing every row of
a 300,000-household layer on every change cost most of the change.

The comparison is conservative: a column whose dtype differs, or a value that cannot be
compared, counts as changed (an unneeded write), never the other way round (a lost one).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely


@dataclass(frozen=True)
class Diff:
    """Rows of a new frame against the stored one, by position: ``changed`` positions below
    both lengths whose rows differ, in the ``columns`` named (None: any); rows past
    ``n_old`` are new, stored rows past ``n_new`` are gone."""

    changed: np.ndarray
    n_old: int
    n_new: int
    columns: tuple[str, ...] | None = None

    @property
    def touched(self) -> tuple[str, ...] | None:
        """The columns whose values a write brings that were not stored: those changed, or
        None (all) when rows are added."""
        return self.columns if self.n_new <= self.n_old else None

    @property
    def rows(self) -> np.ndarray:
        """Positions in the new frame to write: those changed and those added."""
        return np.concatenate([self.changed, np.arange(self.n_old, self.n_new)]).astype(int)

    @classmethod
    def added(cls, n_new: int) -> Diff:
        """Every row new (nothing stored yet)."""
        return cls(np.zeros(0, dtype=int), 0, n_new)


def diff_rows(
    old: pd.DataFrame | None, new: pd.DataFrame, among: Sequence[int] | None = None
) -> Diff:
    """The :class:`Diff` of ``new`` against ``old`` (None: nothing stored), comparing only
    the positions ``among`` when given (the others are known to be equal)."""
    if old is None:
        return Diff.added(len(new))
    n_old, n_new = len(old), len(new)
    common = min(n_old, n_new)
    at = np.arange(common) if among is None else np.asarray(among, dtype=int)
    at = at[at < common]
    if list(old.columns) != list(new.columns):
        return Diff(at, n_old, n_new)
    differ = np.zeros(len(at), dtype=bool)
    columns = []
    take = among is not None
    for col in new.columns:
        a, b = old[col].array, new[col].array
        if a is b:  # the change did not touch this column (copy-on-write keeps it shared)
            continue
        if take:
            a, b = a.take(at), b.take(at)
        else:
            a, b = a[:common], b[:common]
        here = differs(a, b)
        if here.any():
            columns.append(str(col))
            differ |= here
    return Diff(at[differ], n_old, n_new, tuple(columns))


def differs(a, b) -> np.ndarray:
    """Elementwise: whether ``a[i]`` and ``b[i]`` (two arrays of one length) hold different
    values; both missing is the same."""
    if a.dtype != b.dtype:
        return np.ones(len(a), dtype=bool)
    if str(a.dtype) == "geometry":
        ga, gb = np.asarray(a, dtype=object), np.asarray(b, dtype=object)
        same = shapely.equals_identical(ga, gb)
        return ~(np.asarray(same, dtype=bool) | (pd.isna(ga) & pd.isna(gb)))
    try:
        equal = a == b
    except (TypeError, ValueError):
        return np.ones(len(a), dtype=bool)
    if isinstance(equal, pd.api.extensions.ExtensionArray):
        # a masked or Arrow result, missing where either side is
        same = equal.to_numpy(dtype=bool, na_value=False)
    else:
        same = np.asarray(equal, dtype=bool)
    return ~(same | (_missing(a) & _missing(b)))


def _missing(values) -> np.ndarray:
    # the array's own isna: pandas.isna on an Arrow string array goes element by element
    return np.asarray(values.isna() if hasattr(values, "isna") else pd.isna(values), dtype=bool)


def stored_fids(
    low: int | None, high: int | None, count: int, listed: Callable[[], list[int]]
) -> range | list[int]:
    """A table's row ids in order, given its lowest, highest and number of ids: a range when
    they run without gaps (what both backends write: rows go at the end and leave from it;
    listing 300,000 ids cost a tenth of a second per change), else ``listed()``."""
    if not count:
        return range(0)
    if high - low + 1 == count:
        return range(low, high + 1)
    return listed()
