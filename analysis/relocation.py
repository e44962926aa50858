"""Relocation (易地扶贫搬迁) flows from origin villages to settlement sites."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString

from ..geo.crs import to_metric
from ..geo.places import village_anchor_points
from ..geo.schema import RELOCATION_M2_PER_PERSON_CAP
from .services import nearest_facility


def relocation_flows(
    villages: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, relocations: pd.DataFrame
) -> gpd.GeoDataFrame:
    """One line per (origin village, site) from the village's anchor to the site. Moves
    whose village or site is not among those given (a township's map, with a move across its
    border) draw no line.

    Columns: site_id, site_name, origin_code, origin_name, households, persons, year, length_km.
    """
    cols = ["site_id", "site_name", "origin_code", "origin_name", "households", "persons", "year"]
    none = gpd.GeoDataFrame(columns=[*cols, "length_km"], geometry=[], crs=villages.crs)
    if relocations.empty or sites.empty or villages.empty:
        return none
    anchors = village_anchor_points(villages)
    names = dict(zip(villages["code"].astype(str), villages["name"], strict=True))
    site_pts = dict(zip(sites["site_id"], sites.geometry, strict=True))
    site_names = dict(zip(sites["site_id"], sites["name"], strict=True))
    known = relocations["origin_code"].astype(str).isin(anchors.index.astype(str))
    rel = relocations[relocations["site_id"].isin(site_pts) & known]
    if rel.empty:
        return none
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


#: Follow-up checks of a relocation site, in the order :func:`site_followup` reports them.
FOLLOWUP_CHECKS = (
    "capacity",
    "m2",
    "moved",
    "demolished",
    "school",
    "clinic",
    "jobs",
    "ecommerce",
)
#: Facility kinds that satisfy each reach check (straight line, existing facilities only).
REACH_KINDS = {
    "school": ("school",),
    "clinic": ("clinic", "township_hospital"),
    "jobs": ("industrial_park", "agribusiness"),
    "ecommerce": ("village_station", "township_ecommerce"),
}


def _numbers(sites: pd.DataFrame, name: str) -> np.ndarray:
    """``sites[name]`` as floats, missing as NaN (an absent column is all NaN)."""
    if name not in sites.columns:
        return np.full(len(sites), np.nan)
    return pd.to_numeric(sites[name], errors="coerce").astype("float64").to_numpy(na_value=np.nan)


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """``part / whole``; NaN where ``whole`` is 0 or missing (no share to speak of)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(whole > 0, part / whole, np.nan)


def site_followup(
    sites: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    *,
    school_km: float,
    clinic_km: float,
    jobs_km: float,
    ecommerce_km: float,
    min_moved_share: float,
    min_demolished_share: float,
) -> pd.DataFrame:
    """Follow-up checks of each relocation site (搬得出、稳得住、能致富).

    Parameters
    ----------
    sites : GeoDataFrame
        The relocation_sites layer (points, any CRS).
    facilities : GeoDataFrame
        The facilities layer; only ``existing`` facilities count.
    school_km, clinic_km, jobs_km, ecommerce_km : float
        Straight-line reach (km) of the nearest school; clinic or township hospital;
        industrial park or agribusiness; village e-commerce station or township centre.
    min_moved_share : float
        Share of planned households that should have moved in.
    min_demolished_share : float
        Share of moved-in households whose old house should be demolished (拆旧复垦).

    Returns
    -------
    DataFrame
        One row per site, in the sites' order. Figures: ``site_id``, ``name``, ``site_type``,
        ``status``, ``capacity_households``, ``planned_households``, ``planned_persons``,
        ``moved_households``, ``moved_persons``, ``demolished_households``, ``built_area_m2``,
        ``moved_share`` (moved / planned households; NaN when none planned),
        ``demolished_share`` (demolished / moved households; NaN when none moved),
        ``m2_per_person`` (built area / planned persons, or / moved persons when none are
        planned: the rule of the 25 m² check in geo/validate.py; NaN when neither).
        Checks (bool, never missing): ``capacity_ok`` (planned households ≤ capacity),
        ``m2_ok`` (m² per person ≤ the 25 m² cap; passes when there is no per-person figure,
        as in validation), ``moved_ok`` (moved_share ≥ min_moved_share; passes when none are
        planned), ``demolished_ok`` (passes when none moved in), and for each of ``school``,
        ``clinic``, ``jobs``, ``ecommerce``: ``<check>_km`` and ``<check>_name`` of the nearest
        counted facility (NaN / None when there is none: the check fails) and ``<check>_ok``
        (within its reach). A missing figure fails its check. ``checks_failed`` counts the
        failed checks. The thresholds are kept in ``attrs["thresholds"]`` for
        :func:`followup_summary`.
    """

    reach = {"school": school_km, "clinic": clinic_km, "jobs": jobs_km, "ecommerce": ecommerce_km}
    shares = {"moved": min_moved_share, "demolished": min_demolished_share}
    for label, value in {**reach, **shares}.items():
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"{label} threshold must be a number ≥ 0, not {value!r}")

    def text(name: str) -> list[object]:
        values = sites[name] if name in sites.columns else [None] * len(sites)
        return [None if pd.isna(v) else str(v) for v in values]

    out = pd.DataFrame({name: text(name) for name in ("site_id", "name", "site_type", "status")})
    out = out.astype(object)
    counts = (
        "capacity_households",
        "planned_households",
        "planned_persons",
        "moved_households",
        "moved_persons",
        "demolished_households",
    )
    num = {name: _numbers(sites, name) for name in (*counts, "built_area_m2")}
    for name in counts:
        out[name] = pd.array([pd.NA if np.isnan(v) else int(v) for v in num[name]], dtype="Int64")
    out["built_area_m2"] = num["built_area_m2"]
    out["moved_share"] = _share(num["moved_households"], num["planned_households"])
    out["demolished_share"] = _share(num["demolished_households"], num["moved_households"])
    planned_p, moved_p = num["planned_persons"], num["moved_persons"]
    persons = np.where(planned_p > 0, planned_p, moved_p)
    out["m2_per_person"] = _share(num["built_area_m2"], persons)

    # NaN compares False: a figure nobody filled in does not pass
    with np.errstate(invalid="ignore"):
        out["capacity_ok"] = num["planned_households"] <= num["capacity_households"]
        # the same test as geo/validate.py, so a site passes exactly when validation does
        out["m2_ok"] = ~(out["m2_per_person"].to_numpy() > RELOCATION_M2_PER_PERSON_CAP)
        out["moved_ok"] = (num["planned_households"] == 0) | (
            out["moved_share"].to_numpy() >= min_moved_share
        )
        out["demolished_ok"] = (num["moved_households"] == 0) | (
            out["demolished_share"].to_numpy() >= min_demolished_share
        )
    points = (
        sites.geometry.reset_index(drop=True)
        if len(sites)
        else gpd.GeoSeries([], crs=getattr(sites, "crs", None))
    )
    for check, limit in reach.items():
        nearest = nearest_facility(points, facilities, REACH_KINDS[check])
        km = nearest["km"].to_numpy()
        out[f"{check}_km"] = km
        out[f"{check}_name"] = nearest["name"].to_numpy()
        with np.errstate(invalid="ignore"):
            out[f"{check}_ok"] = km <= limit
    ok = out[[f"{c}_ok" for c in FOLLOWUP_CHECKS]].astype(bool)
    out["checks_failed"] = (~ok).sum(axis=1).astype(int)
    out.attrs["thresholds"] = {
        "m2": RELOCATION_M2_PER_PERSON_CAP,
        "moved": float(min_moved_share),
        "demolished": float(min_demolished_share),
        **{check: float(limit) for check, limit in reach.items()},
    }
    return out


def _json_number(value: object) -> float | int | None:
    """A number as a plain Python int or float (6 decimals); missing (NA, NaN) as None."""
    if value is None or pd.isna(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    number = float(value)
    if number.is_integer() and not isinstance(value, float):
        return int(number)
    # 6 decimals (a millimetre in km): 24.6, not 24.599999999999998, in the JSON
    return round(number, 6)


def followup_summary(followup: pd.DataFrame) -> dict:
    """The follow-up of :func:`site_followup` as plain Python values, ready for ``json.dumps``.

    Returns
    -------
    dict
        ``totals``: ``sites``, ``planned_households``, ``planned_persons``,
        ``moved_households``, ``moved_persons`` (int), ``moved_share`` (moved / planned
        households over all sites; None when none planned) and ``sites_failing_any``.
        ``failing``: per check of :data:`FOLLOWUP_CHECKS`, the number of sites failing it.
        ``sites``: one dict per site, in order: ``site_id``, ``name``, ``checks_failed`` and
        ``checks``: per check ``{"ok": bool, "value": …, "threshold": …}``, where value and
        threshold are planned households and capacity (``capacity``), m² per person and the
        cap (``m2``), the share and its minimum (``moved``, ``demolished``), km to the nearest
        facility and the reach in km (``school``, ``clinic``, ``jobs``, ``ecommerce``, which
        also carry ``nearest``: that facility's name). Floats are rounded to 6 decimals;
        missing numbers are None, and so is a threshold that ``followup.attrs["thresholds"]``
        no longer holds (all but the m² cap and the capacity come from there).
    """
    # the cap is a national constant, so it is known even when attrs were lost on the way
    thresholds = {"m2": RELOCATION_M2_PER_PERSON_CAP, **followup.attrs.get("thresholds", {})}
    values = {
        "capacity": "planned_households",
        "m2": "m2_per_person",
        "moved": "moved_share",
        "demolished": "demolished_share",
        **{check: f"{check}_km" for check in REACH_KINDS},
    }

    def total(name: str) -> int:
        return int(pd.to_numeric(followup[name]).fillna(0).sum()) if len(followup) else 0

    planned, moved = total("planned_households"), total("moved_households")
    ok = {check: followup[f"{check}_ok"].astype(bool) for check in FOLLOWUP_CHECKS}
    sites = []
    for i in range(len(followup)):
        row = followup.iloc[i]
        checks = {}
        for check in FOLLOWUP_CHECKS:
            threshold = row["capacity_households"] if check == "capacity" else thresholds.get(check)
            entry = {
                "ok": bool(ok[check].iloc[i]),
                "value": _json_number(row[values[check]]),
                "threshold": _json_number(threshold),
            }
            if check in REACH_KINDS:
                name = row[f"{check}_name"]
                entry["nearest"] = None if pd.isna(name) else str(name)
            checks[check] = entry
        sites.append(
            {
                "site_id": None if pd.isna(row["site_id"]) else str(row["site_id"]),
                "name": None if pd.isna(row["name"]) else str(row["name"]),
                "checks_failed": int(row["checks_failed"]),
                "checks": checks,
            }
        )
    return {
        "totals": {
            "sites": len(followup),
            "planned_households": planned,
            "planned_persons": total("planned_persons"),
            "moved_households": moved,
            "moved_persons": total("moved_persons"),
            "moved_share": _json_number(moved / planned) if planned else None,
            "sites_failing_any": int((followup["checks_failed"] > 0).sum()),
        },
        "failing": {check: int((~ok[check]).sum()) for check in FOLLOWUP_CHECKS},
        "sites": sites,
    }
