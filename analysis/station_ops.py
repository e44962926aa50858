"""What the e-commerce stations deliver, year by year, against the plan's targets.

A station's status in a year is that of its latest operations row of the year or before (a
station closed in 2023 stays closed until a later row reopens it); a station with no row is
operating (it was built: the facilities layer says so). :func:`operating` is the set of
stations that count as covering in a year (coverage, key figures, the optimiser);
:func:`station_rows` what each delivered; :func:`report` the totals against the targets.

Pure functions over the workspace's frames: no Streamlit, no file IO.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..geo.rules import Rules, StationTargets
from ..geo.schema import SERVICE_TIERS
from ..geo.workspace import Workspace

#: Station tiers: the township centre and the village stations (the county logistics centre
#: is one per county and has no target here).
CENTRE, VILLAGE_STATION = "township_ecommerce", "village_station"
#: What a station can fall short of in a year: code → (zh, en).
STATION_FLAGS: dict[str, tuple[str, str]] = {
    "closed": ("已关闭", "closed"),
    "suspended": ("暂停运营", "suspended"),
    "no_sales": ("全年无网销", "no sales in the year"),
    "no_assistant": ("无电商助理员", "no assistant"),
}
FIGURES = (
    "staff",
    "assistants",
    "parcels_in",
    "parcels_out",
    "sales_wan",
    "poor_served",
    "poor_selling",
    "trained",
    "income_gain",
)


def stations_of(facilities: pd.DataFrame, year: int | None = None) -> pd.DataFrame:
    """The existing e-commerce stations of every tier; of ``year`` (not None), those opened by
    then (:func:`opened_by`)."""
    tiers = facilities["kind"].isin(SERVICE_TIERS) & (facilities["status"] == "existing")
    if year is not None:
        tiers &= opened_by(facilities, year)
    return facilities[tiers.to_numpy(dtype=bool)]


def opened_by(facilities: pd.DataFrame, year: int) -> pd.Series:
    """True for the facilities opened in ``year`` or before; one with no opening year (or a
    frame without the column) has always been there."""
    if "opened_year" not in facilities.columns:
        return pd.Series(True, index=facilities.index)
    opened = pd.to_numeric(facilities["opened_year"], errors="coerce")
    return ~opened.gt(year).fillna(False).astype(bool)


def status_in(stations: pd.DataFrame, operations: pd.DataFrame, year: int) -> pd.Series:
    """Each station's status (运营, 暂停, 关闭) at ``year``: its latest row of the year or
    before; 运营 without one. Indexed like ``stations``."""
    upto = operations[pd.to_numeric(operations["year"], errors="coerce").le(year).to_numpy()]
    latest = upto.sort_values("year").drop_duplicates("facility_id", keep="last")
    status = dict(zip(latest["facility_id"].astype(str), latest["status"].astype(str), strict=True))
    ids = stations["facility_id"].astype(str)
    return pd.Series([status.get(i, "运营") for i in ids], index=stations.index, dtype=object)


def operating(
    facilities: pd.DataFrame,
    operations: pd.DataFrame,
    year: int | None,
    suspended_counts: bool = False,
) -> pd.Series:
    """True for the facilities that count as working in ``year`` (every one when ``year`` is
    None): opened by then (:func:`opened_by`), not closed, and not suspended unless
    ``suspended_counts``. Indexed like ``facilities``."""
    out = pd.Series(True, index=facilities.index)
    if year is None or not len(facilities):
        return out
    out &= opened_by(facilities, year)
    if not len(operations):
        return out
    status = status_in(facilities, operations, year)
    shut = status.eq("关闭") | (status.eq("暂停") & (not suspended_counts))
    return out & ~shut


def reported_by(ws: Workspace, year: int) -> bool:
    """Whether any station of ``ws`` has an operations row of ``year`` or before: what the
    meeting view and the brief need before they show station figures (never zeros as if
    real)."""
    years = pd.to_numeric(ws["station_operations"]["year"], errors="coerce")
    return bool((years <= year).any())


def station_rows(ws: Workspace, year: int, targets: StationTargets) -> pd.DataFrame:
    """One row per station: facility_id, name, kind, village_code, status, the year's figures
    (missing where not reported), the change of sales and poor households served since the
    year before, and one bool per :data:`STATION_FLAGS` code with ``flags``."""
    st = stations_of(ws["facilities"], year)
    ops = ws["station_operations"]
    out = pd.DataFrame(
        {
            "facility_id": st["facility_id"].astype(str).to_numpy(),
            "name": st["name"].astype(str).to_numpy(),
            "kind": st["kind"].astype(str).to_numpy(),
            "village_code": st["village_code"].astype("string").to_numpy(),
            "status": status_in(st, ops, year).to_numpy(),
        }
    )
    this = _year_rows(ops, year)
    last = _year_rows(ops, year - 1)
    for col in FIGURES:
        out[col] = out["facility_id"].map(this[col]) if len(this) else np.nan
    out["reported"] = out["facility_id"].isin(this.index)
    for col in ("sales_wan", "poor_served"):
        before = out["facility_id"].map(last[col]) if len(last) else np.nan
        out[f"{col}_change"] = pd.to_numeric(out[col], errors="coerce") - pd.to_numeric(
            before, errors="coerce"
        )
    open_ = out["status"].eq("运营")
    out["closed"] = out["status"].eq("关闭")
    out["suspended"] = out["status"].eq("暂停")
    sales = pd.to_numeric(out["sales_wan"], errors="coerce")
    out["no_sales"] = open_ & out["reported"] & sales.fillna(0).le(0)
    helpers = pd.to_numeric(out["assistants"], errors="coerce")
    village = out["kind"].eq(VILLAGE_STATION)
    out["no_assistant"] = (
        open_ & village & out["reported"] & helpers.fillna(0).lt(targets.min_assistants)
    )
    flags = out[list(STATION_FLAGS)].to_numpy(dtype=bool)
    names = np.array(list(STATION_FLAGS))
    out["flags"] = [tuple(names[row]) for row in flags]
    return out


def _year_rows(ops: pd.DataFrame, year: int) -> pd.DataFrame:
    rows = ops[pd.to_numeric(ops["year"], errors="coerce").eq(year).to_numpy()]
    rows = rows.drop_duplicates("facility_id")
    return rows.set_index(pd.Index(rows["facility_id"].astype(str).to_numpy(dtype=object)))


@dataclass(frozen=True)
class StationReport:
    """The stations of one year (``stations``), their totals and the targets."""

    year: int
    stations: pd.DataFrame
    totals: dict
    targets: dict


def report(ws: Workspace, rules: Rules, year: int) -> StationReport:
    """Per station and in total, against ``rules.stations`` (the plan's defaults)."""
    t = rules.station_targets
    rows = station_rows(ws, year, t)
    working = rows[rows["status"].eq("运营")]
    villages = ws.villages["code"].astype(str)
    # the key figure's definition (本村有服务站: a village station, or the township centre in
    # its own village), so the meeting view's tile and its stations section agree
    from .station_plan import station_villages, workspace_existing  # it imports this module

    own = station_villages(ws, workspace_existing(ws, year, t.suspended_counts))
    n_villages = len(villages)
    townships = len(ws.township) if len(ws.township) else 1
    num = {c: pd.to_numeric(rows[c], errors="coerce") for c in FIGURES}
    totals = {
        "stations": len(rows),
        **{f"operating_{tier}": int(working["kind"].eq(tier).sum()) for tier in SERVICE_TIERS},
        **{f: int(rows[f].sum()) for f in STATION_FLAGS},
        "villages": n_villages,
        "villages_with_own_station": int(villages.isin(own).sum()),
        "assistants": int(num["assistants"].sum()),
        "parcels_in": int(num["parcels_in"].sum()),
        "parcels_out": int(num["parcels_out"].sum()),
        "sales_wan": round(float(num["sales_wan"].sum()), 2),
        "poor_served": int(num["poor_served"].sum()),
        "poor_selling": int(num["poor_selling"].sum()),
        "trained": int(num["trained"].sum()),
        **_totals_change(rows, ws["station_operations"], year),
    }
    selling = num["poor_selling"].fillna(0)
    gain = num["income_gain"]
    known = gain.notna() & selling.gt(0)
    totals["income_gain"] = (
        round(float((gain[known] * selling[known]).sum() / selling[known].sum()))
        if known.any()
        else None
    )
    share = totals["villages_with_own_station"] / n_villages if n_villages else 0.0
    totals["village_share"] = round(share, 4)
    targets = {
        "operating_township_ecommerce": t.centres_per_township * townships,
        "village_share": t.village_share,
        "village_stations": int(np.ceil(t.village_share * n_villages)),
        "assistants": t.min_assistants * int(working["kind"].eq(VILLAGE_STATION).sum()),
        "trained": t.trainees_per_station * len(working),
        "income_gain": t.income_gain_yuan,
    }
    return StationReport(year, rows, totals, targets)


def _totals_change(rows: pd.DataFrame, ops: pd.DataFrame, year: int) -> dict:
    """Sales and poor households served, this year's total less last year's over the same
    stations (so the figure a leader reads is the difference of the two totals shown in
    successive years); None when no station reported last year or this year."""
    this = _year_rows(ops, year)
    last = _year_rows(ops, year - 1)
    ids = pd.Index(rows["facility_id"].astype(str))
    this, last = this[this.index.isin(ids)], last[last.index.isin(ids)]
    out = {}
    for col in ("sales_wan", "poor_served"):
        now = pd.to_numeric(this[col], errors="coerce") if len(this) else pd.Series(dtype=float)
        then = pd.to_numeric(last[col], errors="coerce") if len(last) else pd.Series(dtype=float)
        known = now.notna().any() and then.notna().any()
        out[f"{col}_change"] = round(float(now.sum() - then.sum()), 2) if known else None
    return out


def flag_text(flags, lang: str = "zh") -> str:
    """The flags as one line (``全年无网销；无电商助理员``)."""
    i = 0 if lang == "zh" else 1
    return ("；" if lang == "zh" else "; ").join(STATION_FLAGS[f][i] for f in flags)
