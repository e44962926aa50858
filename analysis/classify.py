"""Class breaks for choropleth maps, through mapclassify, with one front door."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import mapclassify
import numpy as np

SCHEMES = {
    "natural_breaks": mapclassify.NaturalBreaks,
    "quantiles": mapclassify.Quantiles,
    "equal_interval": mapclassify.EqualInterval,
    "fisher_jenks": mapclassify.FisherJenks,
}


_GLOBAL_RANDOM = threading.Lock()


def _seeded(make):
    """``make()`` with NumPy's global random state seeded, and that state put back after.

    mapclassify's NaturalBreaks takes no seed: it runs scikit-learn's k-means on the global
    state, so without this the same values could get different breaks on each rerun.
    """
    with _GLOBAL_RANDOM:
        state = np.random.get_state()
        np.random.seed(0)
        try:
            return make()
        finally:
            np.random.set_state(state)


@dataclass(frozen=True)
class Classes:
    """Upper bounds of each class and the class index (0-based) of each value."""

    bins: tuple[float, ...]
    lower: float
    classes: tuple[int, ...]


def classify(values, scheme: str = "natural_breaks", k: int = 5) -> Classes:
    """Class ``values`` into at most ``k`` classes with the named scheme.

    With fewer distinct values than ``k`` every distinct value gets its own class, so a map of
    mostly zeros still reads correctly. Raises ``ValueError`` listing the valid scheme names.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; choose one of {', '.join(SCHEMES)}")
    y = np.asarray(values, dtype=float)
    if y.size == 0:
        return Classes((), 0.0, ())
    distinct = np.unique(y)
    if distinct.size <= k:
        bins = distinct
    elif scheme == "natural_breaks":
        # NaturalBreaks uses k-means: fixed seed for the same map
        bins = np.unique(_seeded(lambda: SCHEMES[scheme](y, k=k)).bins)
    else:
        bins = np.unique(SCHEMES[scheme](y, k=k).bins)
    classes = np.searchsorted(bins, y, side="left")
    return Classes(tuple(float(b) for b in bins), float(y.min()), tuple(int(c) for c in classes))
