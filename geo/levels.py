"""Administrative levels: a workspace holds a county (6-digit code) → townships (9) → villages
(12), and every figure, page and command can be narrowed to one place among them.

Codes decide membership (统计用区划代码: province 2, city 2, county 2, township 3, village 3): a
village belongs to the township whose code starts its own. A single township is the same model
with one township. A workspace spanning several counties (a prefecture) has the region they
share at the top.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from .history import RECORDED, record_keys
from .schema_assistance import HOUSEHOLD_REFS
from .workspace import Workspace

REGION, COUNTY, TOWNSHIP, VILLAGE = "region", "county", "township", "village"
#: Levels from the top, and the length of a code at each.
LEVELS = (REGION, COUNTY, TOWNSHIP, VILLAGE)
CODE_DIGITS = {COUNTY: 6, TOWNSHIP: 9, VILLAGE: 12}
#: Names the importer writes when a file did not say (not a county's name).
_UNNAMED = {"", "未填写", "nan", "None"}
#: Layers whose rows name their village, and the column that does.
_BY_VILLAGE = {
    "households": "village_code",
    "indicators": "village_code",
    "facilities": "village_code",
    "relocation_sites": "village_code",
    "village_teams": "village_code",
    "projects": "village_code",
}
#: Layers whose changes the history records.
_RECORDED = RECORDED


class PlaceNotFound(ValueError):
    """No place (or more than one) answers to what was asked; the message says which exist."""


@dataclass(frozen=True)
class Place:
    """One place of the workspace: its level, code (a prefix of its villages' codes; ``""`` for
    a region with nothing in common) and name."""

    level: str
    code: str
    name: str

    def holds(self, code: object) -> bool:
        """Whether the village (or township) ``code`` lies in this place."""
        return str(code).startswith(self.code)

    @property
    def label(self) -> str:
        """The name with the code, as lists and error messages show a place."""
        return f"{self.name}（{self.code}）" if self.code else self.name


def top(ws: Workspace) -> Place:
    """The whole workspace: its county, or the region its counties share."""
    codes = _village_codes(ws)
    counties = sorted({c[:6] for c in codes}) or sorted({str(c)[:6] for c in ws.township["code"]})
    if len(counties) == 1:
        return Place(COUNTY, counties[0], _county_name(ws, counties[0]))
    shared = _common_prefix(counties)
    return Place(REGION, shared, _region_name(ws))


def home(ws: Workspace) -> Place:
    """Where a workspace opens: its township when it holds one, else its top."""
    towns = townships(ws)
    return towns[0] if len(towns) == 1 else top(ws)


def townships(ws: Workspace) -> list[Place]:
    """Every township: those of the township layer, then any its villages name but the layer
    lacks (an older workspace), in code order."""
    names = dict(zip(ws.township["code"].astype(str), ws.township["name"], strict=True))
    codes = sorted(set(names) | {c[:9] for c in _village_codes(ws)})
    return [Place(TOWNSHIP, c, _named(names.get(c), f"乡镇 {c}")) for c in codes]


def villages(ws: Workspace, within: Place | None = None) -> list[Place]:
    """Every village (of ``within``), in code order."""
    v = ws.villages
    pairs = sorted(zip(v["code"].astype(str), v["name"].astype(str), strict=True))
    return [Place(VILLAGE, c, n) for c, n in pairs if within is None or within.holds(c)]


def children(ws: Workspace, place: Place) -> list[Place]:
    """The places one level down: a county's townships, a township's villages."""
    if place.level in (REGION, COUNTY):
        return [t for t in townships(ws) if place.holds(t.code)]
    if place.level == TOWNSHIP:
        return villages(ws, place)
    return []


def trail(ws: Workspace, place: Place) -> list[Place]:
    """The breadcrumbs from the top of the workspace down to ``place`` (itself last)."""
    out = [top(ws)]
    if place.level in (TOWNSHIP, VILLAGE):
        code = place.code[:9]
        out.append(next((t for t in townships(ws) if t.code == code), Place(TOWNSHIP, code, code)))
    if place.level == VILLAGE:
        out.append(place)
    return out


def find(ws: Workspace, text: str | None) -> Place:
    """The place named by ``text``: a code (6, 9 or 12 digits) or a name (县, 乡镇 or 村; a
    village name shared by two townships needs its code). Empty: where the workspace opens
    (:func:`home`).

    Raises
    ------
    PlaceNotFound
        Nothing, or more than one place, answers to ``text``; the message lists what does.
    """
    whole = top(ws)
    wanted = (text or "").strip()
    if not wanted:
        return home(ws)
    if wanted in (whole.code, whole.name):
        return whole
    every = [whole, *townships(ws), *villages(ws)]
    if re.fullmatch(r"\d+", wanted):
        hit = [p for p in every if p.code == wanted]
    else:
        hit = [p for p in every if p.name == wanted]
    if len(hit) == 1:
        return hit[0]
    if len(hit) > 1:
        listed = "、".join(p.label for p in hit)
        raise PlaceNotFound(f"“{wanted}”不止一处：{listed}；请用代码 / several places: {listed}")
    near = [p.label for p in every if wanted in p.name or (wanted.isdigit() and wanted in p.code)]
    hint = "、".join(near[:8]) if near else "、".join(t.label for t in townships(ws)[:8])
    raise PlaceNotFound(f"没有“{wanted}”这个地方；可选：{hint} / no place {wanted!r}; try: {hint}")


def within(ws: Workspace, place: Place) -> Workspace:
    """The workspace narrowed to ``place``: its villages and what belongs to them (households,
    members, indicators, facilities, sites, relocations, station plans and lines within reach),
    the township rows over them, and the history of the records kept. The top place is the
    workspace itself."""
    codes = ws.villages["code"].astype(str)
    towns = ws.township["code"].astype(str)
    if codes.str.startswith(place.code).all() and towns.str.startswith(place.code[:9]).all():
        return ws  # all of it (the top, or the one township of a township's workspace)
    layers = dict(ws.layers)
    vill = ws.villages[ws.villages["code"].astype(str).str.startswith(place.code)]
    layers["villages"] = vill
    town = ws.township
    # a village's township row stays: its outline is the village map's frame
    layers["township"] = town[town["code"].astype(str).str.startswith(place.code[:9])]
    area = vill.geometry.union_all() if len(vill) else None
    for name, col in _BY_VILLAGE.items():
        frame = ws[name]
        if not len(frame):
            continue
        code = frame[col].astype("string")
        mine = code.str.startswith(place.code).fillna(False).to_numpy(dtype=bool)
        if "geometry" in frame and area is not None:  # a facility no village owns: where it is
            loose = code.isna().to_numpy() & frame.geometry.within(area).to_numpy(dtype=bool)
            mine |= loose
        layers[name] = frame[mine]
    sites = set(layers["relocation_sites"]["site_id"].astype(str))
    moves = ws["relocations"]
    layers["relocations"] = moves[
        moves["origin_code"].astype(str).str.startswith(place.code)
        | moves["site_id"].astype(str).isin(sites)
    ]
    kept = set(layers["households"]["household_id"].astype(str))
    for name in ("members", *HOUSEHOLD_REFS):
        layers[name] = ws[name][ws[name]["household_id"].astype(str).isin(kept)]
    layers["cadres"] = _cadres_of(ws["cadres"], layers, place.code)
    stations = set(layers["facilities"]["facility_id"].astype(str))
    ops = ws["station_operations"]
    layers["station_operations"] = ops[ops["facility_id"].astype(str).isin(stations).to_numpy()]
    for name in ("roads", "rivers", "station_plans"):
        layers[name] = _near(ws[name], area)
    layers["history"] = _history_of(ws["history"], layers)
    return Workspace(layers, ws.meta, ws.version)


def _cadres_of(cadres: pd.DataFrame, layers: dict[str, pd.DataFrame], code: str) -> pd.DataFrame:
    """The cadres of a place: paired with or visiting its households, or responsible for one
    of its villages."""
    if not len(cadres):
        return cadres
    ids = set(layers["pairings"]["cadre_id"].astype(str))
    ids |= set(layers["visits"]["cadre_id"].dropna().astype(str))
    mine = cadres["cadre_id"].astype(str).isin(ids)
    mine |= cadres["village_code"].astype("string").str.startswith(code).fillna(False)
    return cadres[mine.to_numpy(dtype=bool)]


def _near(frame: pd.DataFrame, area) -> pd.DataFrame:
    """The rows of a line or point layer that reach into ``area`` (one that only meets its
    edge, as a road ending at the township line, does not; none without an area)."""
    if not len(frame) or area is None:
        return frame.iloc[:0]
    geoms = frame.geometry
    inside = geoms.intersects(area) & ~geoms.touches(area)
    return frame[inside.to_numpy(dtype=bool)]


def _history_of(history: pd.DataFrame, layers: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """History rows of the records kept (a replay must find every record it reverts)."""
    if not len(history):
        return history
    keep = np.zeros(len(history), dtype=bool)
    layer = history["layer"].astype(str).to_numpy()
    key = history["record_key"].astype(str)
    for name in _RECORDED:
        frame = layers.get(name)
        keys = set(record_keys(frame, name)) if frame is not None and len(frame) else set()
        keep |= (layer == name) & key.isin(keys).to_numpy()
    keep |= ~np.isin(layer, _RECORDED)
    return history[keep]


def _village_codes(ws: Workspace) -> list[str]:
    return [str(c) for c in ws.villages["code"].dropna()]


def _county_name(ws: Workspace, code: str) -> str:
    town = ws.township
    names = town.loc[town["code"].astype(str).str.startswith(code), "county"] if len(town) else []
    return _named(_first(names), f"县 {code}")


def _region_name(ws: Workspace) -> str:
    town = ws.township
    city = _first(town["city"]) if len(town) else None
    return _named(city, "全部")


def _first(values: Iterable[object]) -> object | None:
    for v in values:
        if v is not None and not (isinstance(v, float) and v != v) and str(v) not in _UNNAMED:
            return v
    return None


def _named(value: object | None, fallback: str) -> str:
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    return fallback if text.strip() in _UNNAMED else text.strip()


def _common_prefix(codes: list[str]) -> str:
    first, last = min(codes), max(codes)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


def township_frame(ws: Workspace) -> gpd.GeoDataFrame:
    """One row per township with its outline: the township layer's, or (for a township the
    layer lacks) the union of its villages."""
    rows = []
    outlines = dict(zip(ws.township["code"].astype(str), ws.township.geometry, strict=True))
    for t in townships(ws):
        mine = ws.villages[ws.villages["code"].astype(str).str.startswith(t.code)]
        shape = outlines.get(t.code)
        if shape is None and len(mine):
            shape = mine.geometry.union_all()
        rows.append({"code": t.code, "name": t.name, "villages": len(mine), "geometry": shape})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=ws.villages.crs or "EPSG:4326")


def as_units(ws: Workspace) -> Workspace:
    """The workspace with its townships in the villages' place: one unit per township (its
    outline, name, summed population, households and groups; a poor village among its
    villages makes it count as one), households, facilities, sites and relocations pointing
    at their township. What a county's map colours and names; the village layers' own
    indicators mean nothing summed, so there are none."""
    town = township_frame(ws)
    v = ws.villages
    key = v["code"].astype(str).str[:9]
    sums = v.groupby(key)[["population", "households", "villager_groups"]].sum()
    poor = v["poor_village"].astype("boolean").fillna(False).groupby(key).any()
    units = gpd.GeoDataFrame(
        {
            "code": town["code"].to_numpy(),
            "name": town["name"].to_numpy(),
            "kind": "乡镇",
            "population": town["code"].map(sums["population"]).fillna(0).astype(int).to_numpy(),
            "households": town["code"].map(sums["households"]).fillna(0).astype(int).to_numpy(),
            "villager_groups": town["code"]
            .map(sums["villager_groups"])
            .fillna(0)
            .astype(int)
            .to_numpy(),
            "poor_village": town["code"].map(poor).fillna(False).astype(bool).to_numpy(),
            "exit_year": pd.NA,
            "planned_exit_year": pd.NA,
            "illustrative": bool(v["illustrative"].astype("boolean").fillna(False).any()),
        },
        geometry=town.geometry.to_numpy(),
        crs=town.crs,
    )
    layers = dict(ws.layers)
    layers["villages"] = units
    for name, col in {**_BY_VILLAGE, "relocations": "origin_code"}.items():
        frame = ws[name]
        if len(frame) and col in frame:
            layers[name] = frame.assign(**{col: frame[col].astype("string").str[:9]})
    layers["indicators"] = ws["indicators"].iloc[:0]
    layers["history"] = ws["history"].iloc[:0]
    return Workspace(layers, ws.meta, ws.version)
