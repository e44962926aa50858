"""How far public services are: straight-line distances to the nearest existing facility.

Distances are measured in a metre CRS (:func:`township_atlas.geo.crs.to_metric`), never in
degrees; only facilities with status ``existing`` count, so a planned clinic closes no gap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..geo.crs import to_metric
from ..geo.places import village_anchor_points
from ..geo.schema import FACILITY_KINDS

#: Kinds whose distance :func:`distance_to_services` reports by default (``[services]`` of the
#: rules file).
DEFAULT_SERVICE_KINDS = ("clinic", "school", "township_hospital")


def _check_kinds(kinds: Iterable[str]) -> list[str]:
    """``kinds`` without repeats, in order; an unknown kind is an error (a typo would give NaN)."""
    out = list(dict.fromkeys(kinds))
    unknown = [k for k in out if k not in FACILITY_KINDS]
    if unknown:
        raise ValueError(
            f"unknown facility kind(s) {', '.join(unknown)}; known: {', '.join(FACILITY_KINDS)}"
        )
    return out


def _usable(geoms: gpd.GeoSeries) -> np.ndarray:
    """Which geometries are there and not empty (one can measure from them)."""
    arr = geoms.to_numpy()
    return ~(shapely.is_missing(arr) | shapely.is_empty(arr))


def nearest_facility(
    points: gpd.GeoSeries, facilities: gpd.GeoDataFrame, kinds: Sequence[str]
) -> pd.DataFrame:
    """The nearest existing facility of any of ``kinds`` to each point, in a straight line.

    Parameters
    ----------
    points : GeoSeries
        Where to measure from, in any CRS (it must have one).
    facilities : GeoDataFrame
        The facilities layer (``kind``, ``name``, ``status``, ``facility_id`` optional).
    kinds : sequence of str
        Facility kinds that count (see :data:`~township_atlas.geo.schema.FACILITY_KINDS`).

    Returns
    -------
    DataFrame
        One row per point, in its order (index 0..n-1): ``km`` (NaN when no such facility
        exists or the point is empty), ``name`` and ``facility_id`` (None then).
    """
    kinds = _check_kinds(kinds)
    n = len(points)
    out = pd.DataFrame(
        {
            "km": np.full(n, np.nan),
            "name": pd.Series([None] * n, dtype=object),
            "facility_id": pd.Series([None] * n, dtype=object),
        }
    )
    if n == 0:
        return out
    if points.crs is None:
        raise ValueError("points have no CRS: declare one before measuring distances")
    chosen = facilities[
        facilities["kind"].isin(kinds).fillna(False).to_numpy(dtype=bool)
        & (facilities["status"] == "existing").fillna(False).to_numpy(dtype=bool)
    ]
    chosen = chosen[_usable(chosen.geometry)]
    if chosen.empty:
        return out
    if chosen.crs is None:
        raise ValueError("facilities have no CRS: declare one before measuring distances")
    usable = _usable(points)
    if not usable.any():
        return out
    # one metre CRS for both, chosen from the points (a CGCS2000 Gauss-Krüger zone in China)
    here = to_metric(gpd.GeoDataFrame(geometry=points[usable].to_numpy(), crs=points.crs))
    there = to_metric(chosen, here.crs)
    metres = shapely.distance(here.geometry.to_numpy()[:, None], there.geometry.to_numpy()[None, :])
    best = metres.argmin(axis=1)  # the first of equally near facilities, in layer order
    rows = np.flatnonzero(usable)
    out.loc[rows, "km"] = metres[np.arange(len(best)), best] / 1000
    names = chosen["name"].astype(object).to_numpy()[best]
    ids = (
        chosen["facility_id"].astype(object).to_numpy()[best]
        if "facility_id" in chosen.columns
        else [None] * len(best)
    )
    out.loc[rows, "name"] = [None if pd.isna(v) else str(v) for v in names]
    out.loc[rows, "facility_id"] = [None if pd.isna(v) else str(v) for v in ids]
    return out


def distance_to_services(
    villages: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    kinds: Sequence[str] = DEFAULT_SERVICE_KINDS,
) -> pd.DataFrame:
    """Straight-line distance from each village to the nearest existing facility of each kind.

    Measured from the village's anchor point (a point inside it,
    :func:`~township_atlas.geo.places.village_anchor_points`) in a metre CRS.

    Parameters
    ----------
    villages : GeoDataFrame
        The villages layer (``code``, ``name``, polygons), in any CRS.
    facilities : GeoDataFrame
        The facilities layer; only rows with status ``existing`` count.
    kinds : sequence of str
        Facility kinds to report (``[services] distance_to`` of the rules file).

    Returns
    -------
    DataFrame
        One row per village, in the villages' order: ``code``, ``name``, then for each kind
        ``<kind>_km`` (NaN when the township has no existing facility of that kind) and
        ``<kind>_name`` (the nearest one's name; None then).
    """
    kinds = _check_kinds(kinds)
    out = pd.DataFrame(
        {
            "code": villages["code"].astype(str).to_numpy(),
            "name": villages["name"].astype(object).to_numpy(),
        }
    )
    anchors = (
        village_anchor_points(villages)
        if len(villages)
        else gpd.GeoSeries([], crs=villages.crs)  # no village: nothing to project
    )
    for kind in kinds:
        nearest = nearest_facility(anchors, facilities, [kind])
        out[f"{kind}_km"] = nearest["km"].to_numpy()
        out[f"{kind}_name"] = nearest["name"].to_numpy()
    return out
