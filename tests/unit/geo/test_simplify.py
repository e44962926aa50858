"""Boundaries for the screen: simplified as one coverage, rounded, remembered."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from tests.support.surveyed import METRIC, roughen, voronoi_coverage
from township_atlas.geo import simplify

WGS84 = "EPSG:4326"


@pytest.fixture(scope="module")
def surveyed() -> gpd.GeoDataFrame:
    """40 surveyed-style villages (~380 vertices each), in WGS84."""
    cells = roughen(voronoi_coverage(40, seed=11), vertices=380, seed=11)
    return gpd.GeoDataFrame({"code": [f"v{i}" for i in range(40)]}, geometry=cells).to_crs(WGS84)


def vertices(frame) -> int:
    return int(shapely.get_num_coordinates(np.asarray(frame.geometry)).sum())


def test_a_coverage_is_simplified_together_and_stays_a_coverage(surveyed):
    tolerance = simplify.display_tolerance_m(surveyed)
    assert 15 < tolerance < 30  # a 38 km county on a 1600-px screen: ~24 m a pixel
    shown = simplify.display_coverage(surveyed)
    assert list(shown["code"]) == list(surveyed["code"]) and shown.crs == surveyed.crs
    assert vertices(shown) < 0.6 * vertices(surveyed)
    metric = shown.to_crs(METRIC).geometry.to_numpy()
    # shared edges stay shared: no gap, no overlap between neighbours
    assert shapely.coverage_is_valid(metric) and shown.is_valid.all()
    # and nothing moves by more than a few pixels
    original = surveyed.to_crs(METRIC).geometry.to_numpy()
    assert shapely.hausdorff_distance(metric, original).max() < 4 * tolerance


def test_polygons_that_overlap_are_simplified_one_by_one_and_none_is_lost(surveyed):
    # an imported file whose first village spills 300 m into its neighbours
    metric = surveyed.to_crs(METRIC)
    metric.loc[0, "geometry"] = metric.geometry.iloc[0].buffer(300)
    overlapping = metric.to_crs(WGS84)
    assert not shapely.coverage_is_valid(metric.geometry.to_numpy())
    shown = simplify.display_coverage(overlapping, 20.0)
    assert len(shown) == 40 and shown.is_valid.all() and not shown.is_empty.any()
    assert vertices(shown) < vertices(overlapping)


@pytest.mark.parametrize(("metres", "decimals"), [(1, 6), (2.5, 6), (12, 5), (48, 4), (900, 4)])
def test_coordinates_keep_a_quarter_of_the_tolerance(metres, decimals):
    assert simplify.display_decimals(metres) == decimals


def test_the_display_is_made_once_per_geometry_and_the_outline_follows_the_villages(surveyed):
    outline = gpd.GeoDataFrame(
        {"code": ["360722102"]},
        geometry=[surveyed.to_crs(METRIC).union_all()],
        crs=METRIC,
    ).to_crs(WGS84)
    first = simplify.for_display(surveyed, outline)
    assert simplify.for_display(surveyed.copy(), outline.copy()) is first  # same geometry
    assert len(first.villages) == 40 and first.decimals == 5
    # the township's outline runs along the simplified villages' outer edges
    union = shapely.union_all(first.villages.to_crs(METRIC).to_numpy())
    drawn = first.outline.to_crs(METRIC).geometry.iloc[0]
    assert drawn.symmetric_difference(union).area < 1e-4 * union.area
    moved = surveyed.copy()
    moved.geometry = moved.geometry.translate(0.001, 0)
    assert simplify.for_display(moved, outline) is not first


def test_an_outline_larger_than_its_villages_is_simplified_on_its_own(surveyed):
    bigger = surveyed.to_crs(METRIC).union_all().buffer(3000)
    outline = gpd.GeoDataFrame({"code": ["t"]}, geometry=[bigger], crs=METRIC).to_crs(WGS84)
    shown = simplify.for_display(surveyed, outline)
    drawn = shown.outline.to_crs(METRIC).geometry.iloc[0]
    assert abs(drawn.area / bigger.area - 1) < 0.01


def test_an_empty_layer_is_shown_as_it_is():
    empty = gpd.GeoDataFrame({"code": []}, geometry=[], crs=WGS84)
    assert simplify.display_coverage(empty).empty
    assert simplify.display_tolerance_m(empty) == 1.0
