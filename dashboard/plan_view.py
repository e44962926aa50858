"""What the planning pages show besides the map's coverage: villages with a station of their
own, today and with a plan; what each station delivered in the year (how the map draws it: by
its sales, a closed station grey and crossed, a suspended one dashed); the lists of stations
falling short and of villages a stopped station leaves uncovered. No widgets.

The planner places stations for reach (a village is covered when a station is within the service
radius); the county e-commerce plans count villages that have a station of their own (target at
least 90 %). Both are shown, each with its definition: a plan can reach every village and still
leave most of them without a station.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from ..analysis.station_ops import flag_text
from ..analysis.station_plan import station_villages, workspace_existing
from ..geo.workspace import Workspace
from . import i18n


@dataclass(frozen=True)
class OwnStations:
    """Villages with a station of their own today and with the plan (``after`` ⊇ ``today``)."""

    today: frozenset[str]
    after: frozenset[str]
    total: int

    @property
    def added(self) -> int:
        return len(self.after) - len(self.today)


def own_stations(
    ws: Workspace,
    existing: gpd.GeoDataFrame,
    proposed: gpd.GeoDataFrame,
    tried: gpd.GeoDataFrame,
) -> OwnStations:
    """Villages with a station of their own: the ``existing`` network's, and with the plan's
    ``proposed`` (optimiser's candidates, known by id) and ``tried`` (clicked) sites added."""
    today = station_villages(ws, existing)
    after = today | station_villages(ws, proposed) | station_villages(ws, tried, by_id=False)
    return OwnStations(frozenset(today), frozenset(after), len(ws.villages))


# ----------------------------------------------------------------------------- stations at work
#: A station that does not cover in the year (closed, or suspended and not counted): grey, no
#: service area.
STOPPED_COLOUR = "#969696"
#: Radius (px) of an existing station's dot: the smallest (no sales, or none reported) and the
#: largest (the year's best seller); the area in between grows with the sales.
SALES_RADII = (5.0, 12.0)
#: A station's status (the layer's words) as the interface's keys say it.
STATUS_KEYS = {"运营": "operating", "暂停": "suspended", "关闭": "closed"}


def sales_radius(sales: float, top: float) -> float:
    """A station's dot radius (px) for ``sales`` (万元) when the year's best is ``top``: the
    dot's area grows with the sales."""
    low, high = SALES_RADII
    if not top or not np.isfinite(sales) or sales <= 0:
        return low
    return round(low + (high - low) * float(np.sqrt(min(sales, top) / top)), 1)


def sales_top(rows: pd.DataFrame | None) -> float:
    """The year's largest sales (万元) of any station; 0 when none reported any."""
    if rows is None or not len(rows):
        return 0.0
    sales = pd.to_numeric(rows["sales_wan"], errors="coerce")
    return float(sales.max()) if sales.notna().any() else 0.0


def status_label(status: str, lang: str) -> str:
    """运营 / 暂停 / 关闭 as the interface says it."""
    return i18n.t(f"station_status_{STATUS_KEYS.get(status, 'operating')}", lang)


def station_tip(row: pd.Series, lang: str, covering: bool = True) -> tuple[str, ...]:
    """The tooltip lines of an existing station (plain text; the map escapes them): its tier
    and status, the year's sales with the change, poor households served and assistants, what
    it falls short of, and that it does not cover when it does not."""
    lines = [f"{i18n.facility_label(str(row['kind']), lang)} · {status_label(row['status'], lang)}"]
    figures = ("sales_wan", "poor_served", "assistants")
    if not bool(row["reported"]) or all(pd.isna(row[f]) for f in figures):
        # no row, or only its status recorded (变更登记): the year's report is not in yet
        lines.append(i18n.t("station_not_reported", lang))
    else:
        sales = _wan(row["sales_wan"], lang)
        change = row["sales_wan_change"]
        if pd.notna(change):
            sign = "+" if float(change) >= 0 else "-"
            text = sign + _wan(abs(float(change)), lang)
            sales += i18n.t("station_change", lang, change=text)
        lines.append(i18n.t("station_sales_line", lang, sales=sales))
        lines.append(
            i18n.t(
                "station_served_line",
                lang,
                served=_number(row["poor_served"]),
                assistants=_number(row["assistants"]),
            )
        )
    shortfalls = [f for f in row["flags"] if f not in ("closed", "suspended")]
    if shortfalls:
        lines.append(i18n.t("station_flags_line", lang, flags=flag_text(shortfalls, lang)))
    if not covering:
        lines.append(i18n.t("station_not_covering", lang))
    return tuple(lines)


def _number(value: object) -> str:
    if value is None or pd.isna(value):
        return "—"
    return f"{float(value):,.0f}"


def _wan(value: object, lang: str) -> str:
    from .view import wan_text  # view draws the map with this module: import it when used

    if value is None or pd.isna(value):
        return "—"
    return wan_text(float(value), lang)


def station_marks(
    ids: pd.Series, rows: pd.DataFrame | None, covering: set[str], lang: str
) -> pd.DataFrame:
    """How each station of ``ids`` is drawn in the year (``rows``:
    :func:`station_ops.station_rows`; a tried or proposed site has none): ``status`` ("" for
    no row), ``sales_wan``, ``size`` (dot radius, px; None without operations), ``stopped``
    (not covering: not in ``covering``), ``tip`` (tooltip lines)."""
    n = len(ids)
    status, sales, size = [""] * n, [np.nan] * n, [None] * n
    stopped, tip = [False] * n, [()] * n
    if rows is not None:
        # the largest dot is the best seller drawn (not the county logistics centre)
        top = sales_top(rows[rows["facility_id"].astype(str).isin(set(ids.astype(str)))])
        by_id = rows.set_index(rows["facility_id"].astype(str))
        for i, fid in enumerate(ids.astype(str)):
            if fid not in by_id.index:
                continue
            row = by_id.loc[fid]
            value = pd.to_numeric(pd.Series([row["sales_wan"]]), errors="coerce").iloc[0]
            status[i], sales[i] = str(row["status"]), float(value)
            size[i] = sales_radius(float(value), top)
            stopped[i] = fid not in covering
            tip[i] = station_tip(row, lang, covering=not stopped[i])
    return pd.DataFrame(
        {"status": status, "sales_wan": sales, "size": size, "stopped": stopped, "tip": tip}
    )


def stopped_stations(
    ws: Workspace, network: gpd.GeoDataFrame, rows: pd.DataFrame
) -> gpd.GeoDataFrame:
    """The workspace's stations that are not in ``network`` because they do not work in the
    year (closed, or suspended and not counted): ``id``, ``name``, ``kind``."""
    every = workspace_existing(ws)
    shown = set(network["id"].astype(str)) if "id" in network.columns else set()
    status = dict(zip(rows["facility_id"].astype(str), rows["status"], strict=True))
    ids = every["id"].astype(str)
    out = ~ids.isin(shown) & ids.map(status).isin(["关闭", "暂停"])
    return every[out.to_numpy()]


# ----------------------------------------------------------------------------- the page's lists
def flagged_table(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The stations with a flag in the year (closed, suspended, no sales, no assistant), the
    worst first, labelled in ``lang``: name, tier, status, sales, poor households served,
    assistants, flags."""
    flagged = rows[rows["flags"].map(len).gt(0).to_numpy()]
    order = {"closed": 0, "suspended": 1, "no_sales": 2, "no_assistant": 3}
    worst = flagged["flags"].map(lambda f: min(order[x] for x in f))
    flagged = flagged.assign(_worst=worst.to_numpy()).sort_values(["_worst", "facility_id"])
    return pd.DataFrame(
        {
            i18n.t("station_col_name", lang): flagged["name"].to_numpy(),
            i18n.t("station_col_tier", lang): [
                i18n.facility_label(k, lang) for k in flagged["kind"]
            ],
            i18n.t("station_col_status", lang): [status_label(s, lang) for s in flagged["status"]],
            i18n.t("station_col_sales", lang): pd.to_numeric(
                flagged["sales_wan"], errors="coerce"
            ).to_numpy(),
            i18n.t("station_col_served", lang): pd.to_numeric(
                flagged["poor_served"], errors="coerce"
            ).to_numpy(),
            i18n.t("station_col_assistants", lang): pd.to_numeric(
                flagged["assistants"], errors="coerce"
            ).to_numpy(),
            i18n.t("station_col_flags", lang): [flag_text(f, lang) for f in flagged["flags"]],
        }
    )


def lost_table(lost: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:func:`station_plan.coverage_lost` labelled in ``lang``: village, poor households, poor
    people, the stopped stations that alone reached it."""
    sep = "、" if lang == "zh" else ", "
    return pd.DataFrame(
        {
            i18n.t("village", lang): lost["name"].to_numpy(),
            i18n.t("poor_households_col", lang): lost["poor_households"].to_numpy(),
            i18n.t("poor_people_col", lang): lost["poor_people"].to_numpy(),
            i18n.t("station_col_lost_by", lang): [sep.join(s) for s in lost["stations"]],
        }
    )
