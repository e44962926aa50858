"""Where a village is, as one point: the anchor that relocation lines start from, that
distances to services are measured from, and that a table row without coordinates is put at."""

from __future__ import annotations

import geopandas as gpd

from .crs import to_metric


def village_anchor_points(villages: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """A point inside each village (``representative_point``, computed in metres, so never
    outside a concave village), indexed by code, in the villages' own CRS."""
    metric = to_metric(villages)
    points = metric.representative_point().to_crs(villages.crs)
    return gpd.GeoSeries(points.to_numpy(), index=villages["code"].astype(str), crs=villages.crs)
