"""The surveyed-style boundary generator the scale tests and benchmarks stand on."""

from __future__ import annotations

import shapely

from tests.support.surveyed import METRIC, county_layers, roughen, voronoi_coverage


def test_roughened_villages_have_hundreds_of_vertices_and_still_share_their_edges():
    cells = voronoi_coverage(40, seed=3)
    rough = roughen(cells, vertices=380, seed=3)
    n = shapely.get_num_coordinates(rough.to_numpy())
    assert 250 < n.mean() < 600 and n.min() > 100
    assert rough.is_valid.all() and shapely.coverage_is_valid(rough.to_numpy())
    # the same county, not a bent copy: every village keeps its place and nearly its area
    kept = rough.intersection(cells).area / cells.area
    assert kept.min() > 0.6 and kept.mean() > 0.85
    assert abs(rough.area.sum() / cells.area.sum() - 1) < 0.02
    assert rough.geom_equals_exact(roughen(cells, vertices=380, seed=3), 0).all()


def test_a_county_groups_its_villages_in_townships_by_code():
    layers = county_layers(60, per_township=20, seed=5)
    v = layers["villages"]
    assert len(v) == 60 and v["code"].str.fullmatch(r"360722\d{6}").all()
    townships = v["code"].str[:9]
    assert townships.nunique() == 3 and v["code"].is_unique
    # a township's villages touch one another: the groups are places, not scattered cells
    for _, group in v.to_crs(METRIC).groupby(townships):
        assert shapely.union_all(group.geometry.to_numpy()).geom_type == "Polygon"
    assert set(layers["households"]["village_code"]) == set(v["code"])
