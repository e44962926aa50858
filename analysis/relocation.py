"""Relocation (易地扶贫搬迁) flows from origin villages to settlement sites."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString

from ..geo.crs import to_metric


def village_anchor_points(villages: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """A point inside each village (``representative_point``, computed in metres), by code."""
    metric = to_metric(villages)
    points = metric.representative_point().to_crs(villages.crs)
    return gpd.GeoSeries(points.to_numpy(), index=villages["code"].astype(str), crs=villages.crs)


def relocation_flows(
    villages: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, relocations: pd.DataFrame
) -> gpd.GeoDataFrame:
    """One line per (origin village, site) from the village's anchor to the site.

    Columns: site_id, site_name, origin_code, origin_name, households, persons, year, length_km.
    """
    cols = ["site_id", "site_name", "origin_code", "origin_name", "households", "persons", "year"]
    if relocations.empty or sites.empty:
        return gpd.GeoDataFrame(columns=[*cols, "length_km"], geometry=[], crs=villages.crs)
    anchors = village_anchor_points(villages)
    names = dict(zip(villages["code"].astype(str), villages["name"], strict=True))
    site_pts = dict(zip(sites["site_id"], sites.geometry, strict=True))
    site_names = dict(zip(sites["site_id"], sites["name"], strict=True))
    rel = relocations[relocations["site_id"].isin(site_pts)]
    lines = [
        LineString([anchors[str(o)], site_pts[s]])
        for o, s in zip(rel["origin_code"], rel["site_id"], strict=True)
    ]
    flows = gpd.GeoDataFrame(
        {
            "site_id": rel["site_id"].to_numpy(),
            "site_name": [site_names[s] for s in rel["site_id"]],
            "origin_code": rel["origin_code"].astype(str).to_numpy(),
            "origin_name": [names.get(str(o), str(o)) for o in rel["origin_code"]],
            "households": rel["households"].astype(int).to_numpy(),
            "persons": rel["persons"].astype(int).to_numpy(),
            "year": rel["year"].to_numpy(),
        },
        geometry=lines,
        crs=villages.crs,
    )
    flows["length_km"] = to_metric(flows).length.to_numpy() / 1000
    return flows


def site_progress(sites: pd.DataFrame) -> pd.DataFrame:
    """Per site: moved-in share of planned households and built m² per moved-in person."""
    out = pd.DataFrame({"site_id": sites["site_id"], "name": sites["name"]})
    planned = sites["planned_households"].astype(float).where(lambda s: s > 0)
    out["moved_share"] = (sites["moved_households"].astype(float) / planned).fillna(0.0)
    persons = sites["moved_persons"].astype(float).where(lambda s: s > 0)
    out["m2_per_person"] = sites["built_area_m2"].astype(float) / persons
    return out.reset_index(drop=True)
