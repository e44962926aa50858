"""Unit tests for analysis/classify.py: class breaks for choropleth maps."""

from __future__ import annotations

import numpy as np
import pytest

from township_atlas.analysis.classify import SCHEMES, Classes, classify

# mapclassify's FisherJenks says it runs without numba (slower, same result): not our concern
pytestmark = pytest.mark.filterwarnings("ignore:Numba not installed:UserWarning")

# Poverty incidence of twenty villages (shares, 0–1), with ties and a long tail
# fmt: off
INCIDENCE = [
    0.0, 0.0, 0.004, 0.008, 0.011, 0.015, 0.015, 0.019, 0.022, 0.027,
    0.031, 0.038, 0.045, 0.052, 0.061, 0.074, 0.09, 0.12, 0.16, 0.31,
]
# fmt: on


def test_unknown_scheme_lists_the_valid_names():
    with pytest.raises(ValueError, match="unknown scheme 'jenks'") as err:
        classify([1, 2, 3], scheme="jenks")
    for name in ("natural_breaks", "quantiles", "equal_interval", "fisher_jenks"):
        assert name in str(err.value)


def test_no_values_give_no_classes():
    assert classify([]) == Classes((), 0.0, ())


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_fewer_distinct_values_than_k_give_one_class_per_value(scheme):
    # a map of mostly zeros: three distinct values, five classes asked for
    out = classify([0, 0, 0, 0.05, 0.05, 0.2], scheme=scheme, k=5)
    assert out.bins == (0.0, 0.05, 0.2)
    assert out.classes == (0, 0, 0, 1, 1, 2)
    assert out.lower == 0.0


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_as_many_distinct_values_as_k(scheme):
    out = classify([3, 1, 2], scheme=scheme, k=3)
    assert out.bins == (1.0, 2.0, 3.0)
    assert out.classes == (2, 0, 1)


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_all_values_equal(scheme):
    out = classify([0.0] * 4, scheme=scheme, k=5)
    assert out.bins == (0.0,)
    assert out.classes == (0, 0, 0, 0)


def test_equal_interval_by_hand():
    # 0..10 in five classes of width 2: upper bounds 2, 4, 6, 8, 10 (each bound inclusive)
    out = classify(range(11), scheme="equal_interval", k=5)
    assert out.bins == pytest.approx((2, 4, 6, 8, 10))
    assert out.classes == (0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4)
    assert out.lower == 0.0


def test_quantiles_by_hand():
    # quartiles of 1..8 (linear interpolation): 1 + 0.25·7 = 2.75, 4.5, 6.25, and the max 8
    out = classify(range(1, 9), scheme="quantiles", k=4)
    assert out.bins == pytest.approx((2.75, 4.5, 6.25, 8.0))
    assert out.classes == (0, 0, 1, 1, 2, 2, 3, 3)


@pytest.mark.parametrize("scheme", ["natural_breaks", "fisher_jenks"])
def test_natural_breaks_split_clear_clusters(scheme):
    # three obvious groups: around 1, around 5 and around 9
    values = [1.0, 1.1, 1.2, 5.0, 5.1, 9.0, 9.2]
    out = classify(values, scheme=scheme, k=3)
    assert out.bins == (1.2, 5.1, 9.2)
    assert out.classes == (0, 0, 0, 1, 1, 2, 2)


@pytest.mark.parametrize("scheme", list(SCHEMES))
@pytest.mark.parametrize("k", [2, 4, 5])
def test_classes_are_in_range_and_monotone(scheme, k):
    out = classify(INCIDENCE, scheme=scheme, k=k)
    classes = np.array(out.classes)
    assert len(classes) == len(INCIDENCE)
    assert 1 <= len(out.bins) <= k
    assert classes.min() >= 0
    assert classes.max() == len(out.bins) - 1  # the top class is used, and no class beyond it
    assert list(out.bins) == sorted(out.bins)
    assert out.bins[-1] == pytest.approx(max(INCIDENCE))
    assert out.lower == min(INCIDENCE)
    # INCIDENCE is sorted, so classes never go down
    assert (np.diff(classes) >= 0).all()
    # each value lies at or under its class's upper bound and above the class below
    for value, c in zip(INCIDENCE, out.classes, strict=True):
        assert value <= out.bins[c] + 1e-12
        if c > 0:
            assert value > out.bins[c - 1]


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_order_of_values_does_not_matter(scheme):
    shuffled = np.random.default_rng(7).permutation(INCIDENCE)
    a = classify(INCIDENCE, scheme=scheme, k=4)
    b = classify(shuffled, scheme=scheme, k=4)
    assert a.bins == b.bins
    by_value = dict(zip(INCIDENCE, a.classes, strict=True))
    assert [by_value[v] for v in shuffled] == list(b.classes)


# Twelve values where k-means (NaturalBreaks) has two local optima: which one an unseeded run
# finds depends on NumPy's global random state (seeds 0 and 1 gave different breaks).
TWO_OPTIMA = [0.13, 0.22, 0.51, 0.71, 1.21, 1.34, 0.25, 0.17, 0.51, 0.58, 1.85, 0.36]


@pytest.fixture
def global_random_state():
    """Let a test seed NumPy's global generator without leaking that to other tests."""
    state = np.random.get_state()
    yield
    np.random.set_state(state)


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_same_values_give_the_same_classes_every_time(scheme, global_random_state):
    results = set()
    for seed in (0, 1, 2):  # whatever state other code left NumPy's global generator in
        np.random.seed(seed)
        results.add(classify(TWO_OPTIMA, scheme=scheme, k=5))
    assert len(results) == 1
    [out] = results
    assert len(out.bins) == 5
    assert out.bins[-1] == 1.85


def test_classify_leaves_numpys_global_random_state_alone(global_random_state):
    np.random.seed(123)
    expected = np.random.random(3)
    np.random.seed(123)
    classify(TWO_OPTIMA, scheme="natural_breaks", k=5)
    assert np.random.random(3).tolist() == expected.tolist()


def test_results_are_plain_python_numbers():
    out = classify(INCIDENCE, k=4)
    assert all(type(b) is float for b in out.bins)
    assert all(type(c) is int for c in out.classes)
    assert type(out.lower) is float
