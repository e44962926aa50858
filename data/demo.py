"""The embedded demo township 古陂镇 (信丰县, 赣州市, 江西省), built deterministically.

The facts of the demo come from plan 1 of the source (the township's 精准扶贫 plan): the 17
units with their 2023 statistical area codes, the poor villages and pilots, the population
(42,931), the villager groups (302), the area (311 km²) and the registered poor households by
category (966 households / 3,017 people). Everything else is **synthetic** (示意数据): the
boundaries are a Voronoi sketch of an invented outline, and households, indicators, facilities,
relocation sites, roads and rivers are drawn from a seeded random generator so the dashboard has
something realistic to show. No household has a name, ID number or phone number.

The demo is written through :func:`township_atlas.geo.workspace.write_workspace` like any other
workspace, so it is validated against :mod:`township_atlas.geo.schema`.
"""

from __future__ import annotations

import itertools
import math
import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.ops import nearest_points

from ..geo.crs import gauss_kruger_epsg
from ..geo.paths import demo_workspace_path
from ..geo.schema import INDICATOR_FLAGS, LAYERS, SCHEMA_VERSION, WGS84
from ..geo.workspace import DEMO_META_KEY, empty_frame, read_meta, write_workspace
from .importing.members import member_counts

__all__ = [
    "DEMO_SEED",
    "REGISTERED_BY_CATEGORY",
    "TOWNSHIP_CODE",
    "UNITS",
    "build_demo",
    "build_demo_layers",
    "demo_meta",
    "ensure_demo",
]

DEMO_SEED = 2014
#: Bump whenever the generator's output changes: a stored demo of another version is rebuilt.
DEMO_VERSION = "5"  # 5: household members (synthetic) and their 三保障 counts
TOWNSHIP_CODE = "360722102"
TOWNSHIP_NAME = "古陂镇"
COUNTY, CITY, PROVINCE = "信丰县", "赣州市", "江西省"
CODE_VINTAGE = 2023
AREA_KM2 = 311.0
POPULATION = 42_931
VILLAGER_GROUPS = 302
DATA_DATE = "2025-06-30"
SOURCE = "示意数据 synthetic demo"

#: Town seat (WGS84 lon, lat) and the 信丰 county seat, which lies outside the township.
SEAT_LONLAT = (115.099, 25.335)
COUNTY_SEAT_LONLAT = (114.922, 25.386)

#: Registered poor households of the source: category -> (households, people).
REGISTERED_BY_CATEGORY: dict[str, tuple[int, int]] = {
    "一般贫困户": (438, 1541),
    "低保贫困户": (12, 46),
    "低保户": (442, 1344),
    "特困供养户": (74, 86),
}

YEARS = tuple(range(2014, 2026))


@dataclass(frozen=True)
class Unit:
    """One administrative village or residents' committee of the demo and its sketch layout.

    ``east_km`` and ``north_km`` place the unit's Voronoi seed relative to the town seat;
    ``incidence`` is the share of its population registered poor (a target, before rounding).
    """

    code: str
    name: str
    kind: str
    population: int
    groups: int
    east_km: float
    north_km: float
    incidence: float
    poor_level: str | None = None
    exit_year: int | None = None
    pilot: bool = False
    ethnic: str | None = None


# fmt: off
UNITS: tuple[Unit, ...] = (
    Unit("360722102001", "古陂居委会", "居委会", 5100, 6, 0.0, 0.0, 0.012),
    Unit("360722102002", "金盆山居委会", "居委会", 860, 3, 0.5, -12.5, 0.10),
    Unit("360722102200", "古陂村", "村", 3800, 26, 0.8, -1.2, 0.040),
    Unit("360722102201", "新屋村", "村", 2760, 22, 6.0, 0.5, 0.110, "省级", 2017, pilot=True),
    Unit("360722102202", "李田村", "村", 2410, 20, 8.0, -3.5, 0.105, "县级", 2017),
    Unit("360722102203", "茶坳村", "村", 2480, 18, 3.0, -4.0, 0.045),
    Unit("360722102204", "枫树村", "村", 2350, 19, -7.0, -5.5, 0.100, "县级", 2018),
    Unit("360722102205", "黎明村", "村", 2800, 22, -2.0, 5.0, 0.040),
    Unit("360722102206", "天光村", "村", 2580, 21, -7.0, -1.0, 0.090, "县级", 2016),
    Unit("360722102207", "阳光村", "村", 2950, 21, 4.0, 4.5, 0.040),
    Unit("360722102208", "太平村", "村", 2600, 19, -4.0, 1.5, 0.050, pilot=True, ethnic="畲族"),
    Unit("360722102209", "余村村", "村", 1980, 18, 7.5, -8.0, 0.100, "县级", 2018),
    Unit("360722102210", "中坑村", "村", 1720, 17, 4.5, -11.0, 0.110, "县级", 2019),
    Unit("360722102211", "墩高村", "村", 2380, 17, -3.0, -4.0, 0.045),
    Unit("360722102212", "大屋村", "村", 2230, 18, -2.5, -12.0, 0.050),
    Unit("360722102213", "圳玄村", "村", 2150, 18, 0.0, -6.5, 0.100, "县级", 2018),
    Unit("360722102214", "石背村", "村", 1781, 17, -6.0, -11.0, 0.105, "县级", 2019),
)
# fmt: on

#: The township plan's exit year for each poor village: two exit a year late, as happens.
PLANNED_EXIT = {
    "新屋村": 2017,
    "李田村": 2017,
    "枫树村": 2017,
    "天光村": 2016,
    "余村村": 2018,
    "中坑村": 2018,
    "圳玄村": 2018,
    "石背村": 2019,
}

#: Outline centre relative to the seat (metres east, north): the seat sits in the northern plain,
#: the 金盆山 hills fill the south.
_CENTRE_OFFSET = (800.0, -3800.0)
_LLOYD_STEPS, _LLOYD_DAMPING = 2, 0.3

_BY_NAME = {u.name: u for u in UNITS}
_SEAT_UNIT = "古陂居委会"
_PARK_VILLAGES = ("太平村", "天光村")


def _code(name: str) -> str:
    return _BY_NAME[name].code


# ----------------------------------------------------------------------------- geometry helpers
def _metric() -> CRS:
    return CRS.from_epsg(gauss_kruger_epsg(SEAT_LONLAT[0]))


def _to_metric() -> Transformer:
    return Transformer.from_crs(WGS84, _metric(), always_xy=True)


def _unit_vector(bearing: float) -> np.ndarray:
    rad = math.radians(bearing)
    return np.array([math.sin(rad), math.cos(rad)])


def _ray_reach(outline: Polygon, centre: np.ndarray, bearing: float) -> float:
    """Distance from ``centre`` to the outline's boundary along ``bearing`` (metres)."""
    far = centre + _unit_vector(bearing) * 100_000
    hit = LineString([tuple(centre), tuple(far)]).intersection(outline.exterior)
    points = list(getattr(hit, "geoms", [hit]))
    return min(Point(centre).distance(p) for p in points)


def _inside(poly, point: Point, margin: float = 150.0) -> Point:
    """``point`` if it lies ``margin`` metres inside ``poly``, else the nearest point that does."""
    inner = poly.buffer(-margin)
    if inner.is_empty:
        return poly.representative_point()
    if inner.contains(point):
        return point
    near = nearest_points(inner, point)[0]
    if poly.contains(near):
        return near
    return inner.representative_point()


def _as_multi(geom) -> MultiPolygon:
    parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon" and g.area > 1]
    return MultiPolygon(parts)


def _blob(rng: np.random.Generator, centre: np.ndarray, radius: float, n: int = 48) -> Polygon:
    """A smooth irregular closed shape: a random-radius star around ``centre``."""
    theta = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = np.ones(n)
    for k in range(2, 6):
        r += rng.uniform(0.03, 0.10) / math.sqrt(k - 1) * np.cos(k * theta + rng.uniform(0, 6.3))
    xs = centre[0] + radius * r * np.cos(theta)
    ys = centre[1] + radius * r * np.sin(theta)
    return Polygon(zip(xs, ys, strict=True))


def _outline(rng: np.random.Generator, centre: np.ndarray) -> Polygon:
    """The township outline: a smoothed random star, stretched north-south, of ``AREA_KM2``."""
    n = 144
    theta = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = np.ones(n)
    for k in range(2, 7):
        r += rng.uniform(0.05, 0.12) / (k - 1) * np.cos(k * theta + rng.uniform(0, 6.3))
    for k in range(7, 14):
        r += rng.uniform(0.004, 0.012) * np.cos(k * theta + rng.uniform(0, 6.3))
    xs = r * np.cos(theta)
    ys = 1.18 * r * np.sin(theta)
    unit = Polygon(zip(xs, ys, strict=True))
    scale = math.sqrt(AREA_KM2 * 1e6 / unit.area)
    return Polygon(zip(centre[0] + scale * xs, centre[1] + scale * ys, strict=True))


@dataclass(frozen=True)
class _Sketch:
    outline: Polygon
    cells: dict[str, MultiPolygon]
    centres: dict[str, Point]
    seat: Point
    county_seat: Point


def _sketch(rng: np.random.Generator) -> _Sketch:
    """Outline, village cells and village centres in the metre CRS."""
    to_m = _to_metric()
    seat = np.array(to_m.transform(*SEAT_LONLAT))
    county_seat = np.array(to_m.transform(*COUNTY_SEAT_LONLAT))
    centre = seat + np.array(_CENTRE_OFFSET)
    outline = _outline(rng, centre)

    others = [u for u in UNITS if u.name != _SEAT_UNIT]
    jitter = rng.normal(0, 250, (len(others), 2))
    seeds = seat + np.array([[u.east_km * 1000, u.north_km * 1000] for u in others]) + jitter
    fixed = np.array([u.name == "古陂村" for u in others])

    def cells_of(points: np.ndarray) -> list:
        # matched to their seeds by containment (``ordered=`` needs shapely 2.1)
        diagram = list(
            shapely.voronoi_polygons(
                shapely.MultiPoint(points), extend_to=outline.buffer(20_000)
            ).geoms
        )
        cells = []
        for x, y in points:
            cell = next(c for c in diagram if c.contains(Point(x, y)))
            cells.append(cell.intersection(outline))
        return cells

    # Two damped Lloyd steps even out the cells while keeping the hand layout's character.
    for _ in range(_LLOYD_STEPS):
        cells = cells_of(seeds)
        cents = np.array([[c.centroid.x, c.centroid.y] for c in cells])
        step = np.where(fixed[:, None], 0.0, _LLOYD_DAMPING)
        seeds = seeds + step * (cents - seeds)
    cells = cells_of(seeds)

    # A residents' committee is the small built-up town: carve it out of the cells around the
    # seat (a Voronoi cell cannot be made this small without crowding its neighbours).
    town = _blob(rng, seat + np.array([150.0, 100.0]), 1150.0).intersection(outline)
    result: dict[str, MultiPolygon] = {_SEAT_UNIT: _as_multi(town)}
    centres: dict[str, Point] = {_SEAT_UNIT: Point(seat)}
    for u, cell, seed in zip(others, cells, seeds, strict=True):
        poly = _as_multi(cell.difference(town))
        result[u.name] = poly
        centres[u.name] = _inside(poly, Point(seed), 400.0)
    return _Sketch(outline, result, centres, Point(seat), Point(county_seat))


def _frame(rows: list[dict], geoms: list, crs: CRS) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=crs).to_crs(WGS84)


# ----------------------------------------------------------------------------- households
def _sizes(rng: np.random.Generator, n: int, total: int, mean_hint: float, low: int, high: int):
    """``n`` household sizes in ``[low, high]`` summing to exactly ``total``."""
    sizes = np.clip(np.rint(rng.normal(mean_hint, 1.1, n)), low, high).astype(int)
    while sizes.sum() != total:
        i = rng.integers(n)
        if sizes.sum() < total and sizes[i] < high:
            sizes[i] += 1
        elif sizes.sum() > total and sizes[i] > low:
            sizes[i] -= 1
    return sizes


def _largest_remainder(weights: np.ndarray, n: int) -> np.ndarray:
    quota = weights / weights.sum() * n
    counts = np.floor(quota).astype(int)
    order = np.argsort(-(quota - counts), kind="stable")
    counts[order[: n - counts.sum()]] += 1
    return counts


_CAUSES = ("01", "02", "03", "04", "05", "07", "08", "09", "10", "11")
_CAUSE_P = (0.38, 0.13, 0.10, 0.02, 0.02, 0.12, 0.09, 0.09, 0.03, 0.02)
_CAUSE_TEKUN = (("08", "02", "01"), (0.60, 0.30, 0.10))

#: Exit year weights of development households and of households under policy protection.
_EXIT_P = {2015: 0.05, 2016: 0.17, 2017: 0.25, 2018: 0.28, 2019: 0.18, 2020: 0.07}
_EXIT_DIBAO = {2016: 0.08, 2017: 0.17, 2018: 0.30, 2019: 0.30, 2020: 0.15}
_EXIT_TEKUN = {2019: 0.6, 2020: 0.4}

#: Relocation sites: id, name, type, village, offset from the village centre (m), m² built per
#: person, spare capacity (households), households whose old house is not yet demolished,
#: status, completed year. Planned and moved-in numbers come from the relocated households.
_SITES = (
    ("S01", "古陂镇集镇安置点", "集镇", "古陂居委会", (520, 560), 24.6, 10, 9, "已入住", 2016),
    ("S02", "阳光村中心村安置点", "中心村", "阳光村", (350, -300), 21.8, 4, 0, "建成", 2018),
)
#: Relocation plan: (site, origin village, households, year).
_RELOCATION_PLAN = (
    ("S01", "金盆山居委会", 14, 2016),
    ("S01", "中坑村", 24, 2017),
    ("S01", "石背村", 22, 2017),
    ("S02", "余村村", 16, 2018),
    ("S02", "中坑村", 10, 2018),
)


def _pick_year(rng: np.random.Generator, weights: dict[int, float], lo: int, hi: int) -> int:
    years = [y for y in weights if lo <= y <= hi]
    if not years:
        return max(lo, min(hi, max(weights)))
    p = np.array([weights[y] for y in years])
    return int(rng.choice(years, p=p / p.sum()))


def _households(rng: np.random.Generator) -> pd.DataFrame:
    """Registered poor households (exact totals by category) and extra monitored households."""
    pops = np.array([u.population for u in UNITS], dtype=float)
    poor_weight = np.array([u.population * u.incidence for u in UNITS])
    rows: list[dict] = []
    specs = {
        "一般贫困户": (3.6, 1, 8, poor_weight),
        "低保贫困户": (3.9, 1, 7, poor_weight),
        "低保户": (3.0, 1, 6, poor_weight),
        "特困供养户": (1.0, 1, 2, pops * np.array([0.6 + 4 * u.incidence for u in UNITS])),
    }
    for category, (n, total) in REGISTERED_BY_CATEGORY.items():
        mean, low, high, weight = specs[category]
        if category == "特困供养户":
            sizes = np.ones(n, dtype=int)
            sizes[: total - n] = 2
            rng.shuffle(sizes)
        else:
            sizes = _sizes(rng, n, total, mean, low, high)
        counts = _largest_remainder(weight, n)
        villages = np.repeat(np.arange(len(UNITS)), counts)
        rng.shuffle(villages)
        for size, v in zip(sizes, villages, strict=True):
            rows.append({"unit": UNITS[v], "size": int(size), "category": category})

    hh = pd.DataFrame(rows)
    hh = hh.iloc[rng.permutation(len(hh))].reset_index(drop=True)
    unit_order = {u.code: i for i, u in enumerate(UNITS)}
    hh["_order"] = hh["unit"].map(lambda u: unit_order[u.code])
    hh = hh.sort_values("_order", kind="stable").reset_index(drop=True)

    # relocation: choose households in the origin villages (五保 households go to care homes)
    hh["relocation_site"] = None
    hh["_reloc_year"] = 0
    for site, origin, n, year in _RELOCATION_PLAN:
        free = hh.index[
            (hh["unit"].map(lambda u: u.name) == origin)
            & (hh["category"] != "特困供养户")
            & hh["relocation_site"].isna()
        ]
        if len(free) < n:
            raise RuntimeError(f"demo: {origin} has only {len(free)} households to relocate")
        chosen = rng.choice(free, size=n, replace=False)
        hh.loc[chosen, "relocation_site"] = site
        hh.loc[chosen, "_reloc_year"] = year

    out = []
    for _, row in hh.iterrows():
        u: Unit = row["unit"]
        cat = row["category"]
        reloc_year = int(row["_reloc_year"]) or None
        hi = u.exit_year or 2020
        ident = int(rng.choice([2014, 2015, 2016], p=[0.85, 0.10, 0.05]))
        if reloc_year is not None or ident >= hi:
            ident = 2014
        lo = max(ident + 1, 2015, reloc_year or 0)
        table = {"特困供养户": _EXIT_TEKUN, "低保户": _EXIT_DIBAO}.get(cat, _EXIT_P)
        exit_year = _pick_year(rng, table, lo, hi)
        if cat == "特困供养户":
            cause = str(rng.choice(_CAUSE_TEKUN[0], p=_CAUSE_TEKUN[1]))
        else:
            cause = str(rng.choice(_CAUSES, p=_CAUSE_P))
        remote = u.poor_level is not None or u.name == "金盆山居委会"
        early = ident == 2014
        dangerous = bool(early and rng.random() < (0.22 if remote else 0.08))
        unsafe = bool(early and remote and rng.random() < 0.12)
        if reloc_year is not None:
            dangerous = dangerous or rng.random() < 0.7
        if cat == "一般贫困户" or cat == "低保贫困户":
            income = rng.uniform(5200, 12000)
        elif cat == "低保户":
            income = rng.uniform(4300, 8200)
        else:
            income = rng.uniform(4100, 6600)
        out.append(
            {
                "village_code": u.code,
                "size": row["size"],
                "category": cat,
                "cause": cause,
                "identified_year": ident,
                "exit_year": exit_year,
                "return_year": None,
                "status": "已脱贫",
                "monitor_kind": None,
                "monitor_year": None,
                "dangerous_house": dangerous,
                "unsafe_water": unsafe,
                "income_per_capita": income,
                "relocation_site": row["relocation_site"],
                "_reloc_year": reloc_year,
            }
        )
    reg = pd.DataFrame(out)

    # every poor village starts with at least two dangerous houses and two unsafe-water homes
    for u in UNITS:
        if u.poor_level is None:
            continue
        early = reg.index[(reg["village_code"] == u.code) & (reg["identified_year"] == 2014)]
        for flag in ("dangerous_house", "unsafe_water"):
            missing = 2 - int(reg.loc[early, flag].sum())
            if missing > 0:
                pool = [i for i in early if not reg.at[i, flag]]
                reg.loc[rng.choice(pool, size=missing, replace=False), flag] = True

    # fell back (返贫) and unstable (脱贫不稳定户) households among the plain exited ones
    plain = reg.index[reg["relocation_site"].isna() & (reg["category"] != "特困供养户")]
    picked = rng.choice(plain, size=8 + 22, replace=False)
    for i in picked[:8]:
        reg.at[i, "status"] = "返贫"
        reg.at[i, "return_year"] = int(rng.choice([2021, 2022, 2023], p=[0.25, 0.4, 0.35]))
        reg.at[i, "income_per_capita"] = rng.uniform(2300, 3900)
    for i in picked[8:]:
        reg.at[i, "status"] = "监测"
        reg.at[i, "monitor_kind"] = "脱贫不稳定户"
        reg.at[i, "monitor_year"] = int(rng.choice([2021, 2022, 2023, 2024]))
        reg.at[i, "income_per_capita"] = rng.uniform(4100, 6000)

    # monitored households that were never registered poor
    n_extra = 24
    extra_units = rng.choice(len(UNITS), size=n_extra, p=pops / pops.sum())
    extra = []
    for k, v in enumerate(extra_units):
        kind = "边缘易致贫户" if k % 3 else "突发严重困难户"
        if kind == "突发严重困难户":
            cause = str(rng.choice(["01", "04", "02"], p=[0.6, 0.25, 0.15]))
            income = rng.uniform(2600, 5600)
        else:
            cause = str(rng.choice(["01", "02", "03", "08", "09"], p=[0.4, 0.15, 0.15, 0.15, 0.15]))
            income = rng.uniform(4200, 6800)
        extra.append(
            {
                "village_code": UNITS[v].code,
                "size": int(rng.integers(1, 7)),
                "category": None,
                "cause": cause,
                "identified_year": None,
                "exit_year": None,
                "return_year": None,
                "status": "监测",
                "monitor_kind": kind,
                "monitor_year": int(rng.choice([2021, 2022, 2023, 2024, 2025])),
                "dangerous_house": False,
                "unsafe_water": False,
                "income_per_capita": income,
                "relocation_site": None,
                "_reloc_year": None,
            }
        )
    hh = pd.concat([reg, pd.DataFrame(extra)], ignore_index=True)
    hh["income_per_capita"] = (hh["income_per_capita"].astype(float) / 10).round() * 10
    hh["_order"] = hh["village_code"].map(unit_order)
    hh["_extra"] = hh["category"].isna()
    hh = hh.sort_values(["_order", "_extra"], kind="stable").reset_index(drop=True)
    serial = hh.groupby("village_code").cumcount() + 1
    hh.insert(0, "household_id", hh["village_code"] + "-" + serial.map("{:04d}".format))
    for col in ("identified_year", "exit_year", "return_year", "monitor_year", "_reloc_year"):
        hh[col] = hh[col].astype("Int64")
    return hh.drop(columns=["_order", "_extra"])


# ----------------------------------------------------------------------------- members
#: The year the demo register describes (members' ages and schooling are as of then).
REGISTER_YEAR = 2025
_SPOUSE_AGE_GAP = (-3, 4)


def _stage(age: int) -> str:
    """在校生状况 of a child in school at ``age`` (as of :data:`REGISTER_YEAR`)."""
    if age < 6:
        return "学前教育"
    if age < 12:
        return "小学"
    if age < 15:
        return "初中"
    return "高中"


def _person(rng: np.random.Generator, age: int, relation: str) -> dict:
    """One synthetic member: schooling, labour and work by age."""
    if age < 16:
        labour, work = "无劳动力", "未务工"
        schooling = _stage(age) if age >= 3 else "非在校生"
        education = "学龄前儿童" if age < 7 else ("小学" if age < 13 else "初中")
    elif age <= 60:
        labour = str(
            rng.choice(["普通劳动力", "技能劳动力", "弱劳动力或半劳动力"], p=[0.7, 0.2, 0.1])
        )
        work = str(
            rng.choice(
                ["乡(镇)内务工", "乡(镇)外县内务工", "县外省内务工", "省外务工", "未务工"],
                p=[0.15, 0.15, 0.1, 0.3, 0.3],
            )
        )
        schooling = "高中" if age < 19 and rng.random() < 0.5 else "非在校生"
        education = str(rng.choice(["小学", "初中", "高中"], p=[0.3, 0.55, 0.15]))
    else:
        labour = str(
            rng.choice(["丧失劳动力", "无劳动力", "弱劳动力或半劳动力"], p=[0.4, 0.4, 0.2])
        )
        work, schooling = "未务工", "非在校生"
        education = str(rng.choice(["文盲或半文盲", "小学"], p=[0.5, 0.5]))
    return {
        "relation": relation,
        "birth_year": REGISTER_YEAR - age,
        "education": education,
        "schooling": schooling,
        "labour_skill": labour,
        "work": work,
        "work_months": int(rng.integers(3, 13)) if work not in ("未务工", "其他") else 0,
        "medical_insurance": True,
        "serious_illness_insurance": True,
    }


def _members(rng: np.random.Generator, hh: pd.DataFrame) -> pd.DataFrame:
    """Synthetic members of every household: a head, a spouse, children and grandparents.

    Everyone is insured and every child of school age is at school, except in a few households
    still poor or monitored (two children out of school, three people uninsured), so that the
    exit check has something to find. Health follows the household's cause of poverty.
    """
    rows: list[dict] = []
    for hid, size, cause, status in zip(
        hh["household_id"], hh["size"], hh["cause"], hh["status"], strict=True
    ):
        head_age = int(rng.integers(30, 78))
        people = [_person(rng, head_age, "户主")]
        if size >= 2:
            spouse = head_age + int(rng.integers(*_SPOUSE_AGE_GAP))
            people.append(_person(rng, spouse, "配偶"))
        for _ in range(max(0, int(size) - 2)):
            if head_age > 62 and rng.random() < 0.5:
                people.append(
                    _person(rng, int(rng.integers(3, 18)), str(rng.choice(["之孙子", "之孙女"])))
                )
            else:
                child = max(0, min(head_age - 20, int(rng.integers(1, 30))))
                people.append(_person(rng, child, str(rng.choice(["之子", "之女"]))))
        for k, person in enumerate(people[: int(size)], start=1):
            person.update(
                household_id=hid,
                person_id=f"{hid}-{k:02d}",
                chronic_illness=bool(cause == "01" and k == 1),
                serious_illness=bool(cause == "01" and k == 1 and rng.random() < 0.3),
                disabled=bool(cause == "02" and k == 1),
                _poor=status in ("返贫", "监测"),
            )
            rows.append(person)
    members = pd.DataFrame(rows)
    poor = members.index[members.pop("_poor")]
    pupils = [i for i in poor if members.at[i, "schooling"] in ("小学", "初中")]
    for i in rng.choice(pupils, size=min(2, len(pupils)), replace=False):
        members.at[i, "schooling"] = "失学辍学"
    for i in rng.choice(poor, size=min(3, len(poor)), replace=False):
        members.at[i, "medical_insurance"] = False
    return members.reindex(columns=LAYERS["members"].names)


# ----------------------------------------------------------------------------- indicators
def _indicators(rng: np.random.Generator, hh: pd.DataFrame) -> pd.DataFrame:
    reg = hh[hh["category"].notna()]
    fixed = reg["_reloc_year"].fillna(reg["exit_year"]).astype(int)
    ident = reg["identified_year"].astype(int)
    gaps_2025 = (("金盆山居委会", "bus"), ("金盆山居委会", "broadband"), ("中坑村", "bus"))
    rows = []
    for u in UNITS:
        # first year each flag is met (safe_water follows the unsafe-water households)
        met_from = {flag: 2014 for flag in INDICATOR_FLAGS if flag != "safe_water"}
        if u.poor_level is not None:
            v = u.exit_year or 2019
            for flag in ("road_hardened", "broadband", "clinic", "activity_centre"):
                met_from[flag] = int(rng.integers(2015, v + 1))
            if rng.random() < 0.6:
                met_from["doctor"] = int(rng.integers(2015, v + 1))
            if rng.random() < 0.5:
                met_from["bus"] = int(rng.integers(2016, v + 1))
            if rng.random() < 0.3:
                met_from["radio_tv"] = int(rng.integers(2015, v + 1))
            income0, income_exit = rng.uniform(0.2, 2.0), rng.uniform(5.2, 8.5)
        else:
            if rng.random() < 0.4 and u.name not in (_SEAT_UNIT, "古陂村"):
                met_from["broadband"] = int(rng.integers(2015, 2018))
            if u.name == "金盆山居委会":
                met_from["road_hardened"] = 2016
                met_from["clinic"] = 2017
            income0, income_exit = rng.uniform(3.0, 9.0), None
        for unit_name, flag in gaps_2025:
            if unit_name == u.name:
                met_from[flag] = 9999
        mine = reg["village_code"] == u.code
        growth = rng.uniform(1.05, 1.10)
        for year in YEARS:
            active = mine & (ident <= year) & (fixed > year)
            dangerous = int((active & reg["dangerous_house"]).sum())
            unsafe = int((active & reg["unsafe_water"]).sum())
            if u.exit_year is not None:
                v = u.exit_year
                if year <= v:
                    income = income0 + (income_exit - income0) * (year - 2014) / (v - 2014)
                else:
                    income = income_exit * growth ** (year - v)
            else:
                income = income0 * growth ** (year - 2014)
            row = {"village_code": u.code, "year": year}
            for flag, since in met_from.items():
                row[flag] = year >= since
            row["safe_water"] = unsafe == 0
            row["dangerous_houses"] = dangerous
            row["unsafe_water_households"] = unsafe
            row["collective_income"] = round(float(income), 1)
            rows.append(row)
    cols = LAYERS["indicators"].names
    return pd.DataFrame(rows)[cols]


# ----------------------------------------------------------------------------- facilities & co
def _facilities(
    rng: np.random.Generator, sk: _Sketch, indicators: pd.DataFrame
) -> gpd.GeoDataFrame:
    rows: list[dict] = []
    geoms: list[Point] = []

    def add(kind, name, village, point, status="existing", opened=None, margin=150.0):
        if village is not None:
            point = _inside(sk.cells[village], point, margin)
        rows.append(
            {
                "facility_id": f"F{len(rows) + 1:03d}",
                "kind": kind,
                "name": name,
                "village_code": None if village is None else _code(village),
                "status": status,
                "opened_year": opened,
            }
        )
        geoms.append(point)

    def near(name: str, dx: float, dy: float) -> Point:
        c = sk.centres[name]
        return Point(c.x + dx, c.y + dy)

    seat = _SEAT_UNIT
    add("township_hospital", "古陂镇卫生院", seat, near(seat, -250, 180))
    add("school", "古陂中学", seat, near(seat, 380, 320))
    add("school", "古陂镇中心小学", seat, near(seat, -120, -330))
    add("township_ecommerce", "古陂镇电商服务中心", seat, near(seat, 160, -90), opened=2016)

    clinic_since = indicators[indicators["clinic"]].groupby("village_code")["year"].min()
    for u in UNITS:
        if u.name == _SEAT_UNIT:
            continue  # the township hospital serves the town
        since = int(clinic_since.get(u.code, 2014))
        add(
            "clinic",
            f"{u.name}卫生室" if u.kind == "村" else "金盆山卫生服务站",
            u.name,
            near(u.name, rng.uniform(-250, 250), rng.uniform(-250, 250)),
            opened=since if since > 2014 else None,
        )
    for name in ("新屋村", "太平村", "阳光村", "中坑村"):
        add("school", f"{name.removesuffix('村')}小学", name, near(name, 320, -260))

    # 大唐工业园 lies in 太平 and 天光: one point on each side of their shared boundary
    mid = _park_point(sk)
    for name in _PARK_VILLAGES:
        c = sk.centres[name]
        d = np.array([c.x - mid.x, c.y - mid.y])
        d = d / np.linalg.norm(d) * 320
        point = Point(mid.x + d[0], mid.y + d[1])
        part = "太平片区" if name == "太平村" else "天光片区"
        add("industrial_park", f"大唐工业园({part})", name, point, opened=2012, margin=100)

    for name, village in (
        ("温氏养殖基地", "枫树村"),
        ("诸信农业基地", "墩高村"),
        ("正邦养殖基地", "李田村"),
        ("农伯乐蔬菜基地", "阳光村"),
    ):
        add("agribusiness", name, village, near(village, rng.uniform(-900, 900), -700))

    add("county_logistics", "信丰县农村电商物流中心", None, sk.county_seat, opened=2016)

    for name, year in (
        ("古陂村", 2016),
        ("阳光村", 2016),
        ("新屋村", 2017),
        ("黎明村", 2017),
        ("太平村", 2018),
        ("茶坳村", 2019),
    ):
        add("village_station", f"{name}电商服务站", name, near(name, -200, 260), opened=year)
    for name in ("中坑村", "石背村"):
        add("village_station", f"{name}电商服务站", name, near(name, -200, 260), "planned")

    frame = _frame(rows, geoms, _metric())
    frame["opened_year"] = frame["opened_year"].astype("Int64")
    return frame


def _sites(sk: _Sketch, hh: pd.DataFrame) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    moved = hh[hh["relocation_site"].notna()]
    by_origin = (
        moved.groupby(["relocation_site", "village_code"], sort=False)
        .agg(households=("size", "size"), persons=("size", "sum"))
        .reset_index()
    )
    years = {(s, _code(o)): y for s, o, _, y in _RELOCATION_PLAN}
    relocations = pd.DataFrame(
        {
            "site_id": by_origin["relocation_site"],
            "origin_code": by_origin["village_code"],
            "households": by_origin["households"].astype(int),
            "persons": by_origin["persons"].astype(int),
            "year": [
                years[tuple(key)]
                for key in by_origin[["relocation_site", "village_code"]].itertuples(index=False)
            ],
        }
    ).sort_values(["site_id", "origin_code"], ignore_index=True)
    totals = relocations.groupby("site_id")[["households", "persons"]].sum()
    rows, geoms = [], []
    for spec in _SITES:
        site_id, name, kind, village, (dx, dy), per_person, spare, pending, status, year = spec
        n, persons = (int(x) for x in totals.loc[site_id])
        c = sk.centres[village]
        point = Point(c.x + dx, c.y + dy)
        rows.append(
            {
                "site_id": site_id,
                "name": name,
                "site_type": kind,
                "village_code": _code(village),
                "capacity_households": n + spare,
                "planned_households": n,
                "planned_persons": persons,
                "moved_households": n,
                "moved_persons": persons,
                "built_area_m2": math.floor(persons * per_person * 10) / 10,
                "status": status,
                "demolished_households": n - pending,
                "completed_year": year,
            }
        )
        geoms.append(_inside(sk.cells[village], point, 150))
    return _frame(rows, geoms, _metric()), relocations


def _wiggle(rng: np.random.Generator, points: list[np.ndarray], amount: float = 0.08) -> list:
    """Displace midpoints twice over (midpoint displacement) so lines look hand-drawn.

    The given vertices are kept, so lines that share an end still meet exactly.
    """
    pts = [np.asarray(p, dtype=float) for p in points]
    for level in range(2):
        out = [pts[0]]
        for p, q in itertools.pairwise(pts):
            d = q - p
            normal = np.array([-d[1], d[0]])
            out.append((p + q) / 2 + normal * rng.uniform(-amount, amount) / (level + 1))
            out.append(q)
        pts = out
    return [tuple(p) for p in pts]


#: Village roads: (village, the village it branches from or None for the seat, class).
_VILLAGE_ROADS = (
    ("古陂村", None, "乡道"),
    ("太平村", None, "乡道"),
    ("阳光村", None, "乡道"),
    ("茶坳村", None, "乡道"),
    ("墩高村", None, "乡道"),
    ("天光村", "太平村", "村道"),
    ("枫树村", "墩高村", "村道"),
    ("石背村", "枫树村", "村道"),
    ("大屋村", "圳玄村", "村道"),
    ("中坑村", "茶坳村", "村道"),
    ("余村村", "李田村", "村道"),
)
#: Unpaved tracks to remote hamlets (村民小组): (village, hamlet, compass bearing).
_TRACKS = (("中坑村", "坑尾组", 150.0), ("石背村", "上石组", 215.0))


def _short(name: str | None) -> str:
    """``古陂`` for the seat, else the village name without its ``村`` suffix (余村村 -> 余村)."""
    return "古陂" if name is None else name.removesuffix("村")


def _edge(sk: _Sketch, bearing: float, beyond: float) -> np.ndarray:
    """A point ``beyond`` metres outside the outline, along ``bearing`` from its centroid."""
    centre = np.array(sk.outline.centroid.coords[0])
    return centre + _unit_vector(bearing) * (_ray_reach(sk.outline, centre, bearing) + beyond)


def _park_point(sk: _Sketch) -> Point:
    """Middle of the boundary shared by 太平村 and 天光村 (where 大唐工业园 lies)."""
    a, b = (sk.cells[n] for n in _PARK_VILLAGES)
    border = shapely.line_merge(a.boundary.intersection(b.boundary))
    if border.is_empty:
        raise RuntimeError("demo layout: 太平村 and 天光村 must be neighbours")
    if border.geom_type != "LineString":
        border = max(border.geoms, key=lambda g: g.length)
    return border.interpolate(0.5, normalized=True)


def _roads(rng: np.random.Generator, sk: _Sketch) -> gpd.GeoDataFrame:
    seat = np.array(sk.seat.coords[0])

    def pt(name: str | None) -> np.ndarray:
        return seat if name is None else np.array(sk.centres[name].coords[0])

    west = np.array(sk.county_seat.coords[0])
    start = seat + (west - seat) * 0.6
    rows, geoms = [], []

    def add(name, cls, coords, paved=True):
        rows.append(
            {"road_id": f"R{len(rows) + 1:03d}", "name": name, "road_class": cls, "paved": paved}
        )
        geoms.append(LineString(coords))

    park = np.array(_park_point(sk).coords[0])
    national = [start, park, seat, pt("新屋村"), pt("李田村"), _edge(sk, 112, 1500)]
    add("国道信安线", "国道", _wiggle(rng, national, 0.03))
    add("县道古陂至金盆山线", "县道", _wiggle(rng, [seat, pt("圳玄村"), pt("金盆山居委会")]))
    add("县道古陂至赣县线", "县道", _wiggle(rng, [seat, pt("黎明村"), _edge(sk, 350, 1500)]))
    for name, parent, cls in _VILLAGE_ROADS:
        coords = _wiggle(rng, [pt(parent), pt(name)], 0.1)
        add(f"{_short(parent)}至{name}{cls}", cls, coords)
    for name, hamlet, bearing in _TRACKS:
        c = pt(name)
        end = _inside(sk.cells[name], Point(c + _unit_vector(bearing) * 3000), 200)
        coords = _wiggle(rng, [c, np.array(end.coords[0])], 0.12)
        add(f"{_short(name)}至{hamlet}村道", "村道", coords, paved=False)
    return _frame(rows, geoms, _metric())


def _rivers(rng: np.random.Generator, sk: _Sketch) -> gpd.GeoDataFrame:
    seat = np.array(sk.seat.coords[0])

    def pt(name: str) -> np.ndarray:
        return np.array(sk.centres[name].coords[0])

    main = [
        pt("金盆山居委会") + np.array([400.0, -1200.0]),
        pt("圳玄村") + np.array([500.0, 0.0]),
        seat + np.array([450.0, -600.0]),
        seat + np.array([350.0, 700.0]),
        pt("黎明村") + np.array([900.0, 0.0]),
        _edge(sk, 10, 1200),
    ]
    join = seat + np.array([450.0, -2400.0])
    branch = [pt("中坑村") + np.array([300.0, -500.0]), pt("茶坳村"), join]
    rows = [
        {"river_id": "W01", "name": "古陂河(示意)"},
        {"river_id": "W02", "name": "中坑水(示意)"},
    ]
    main_line = _wiggle(rng, main, 0.1)
    # the branch ends on the main river
    river = LineString(main_line)
    end = river.interpolate(river.project(Point(join)))
    branch[-1] = np.array(end.coords[0])
    geoms = [river, LineString(_wiggle(rng, branch, 0.1))]
    return _frame(rows, geoms, _metric())


# ----------------------------------------------------------------------------- public API
def build_demo_layers(seed: int = DEMO_SEED) -> dict[str, pd.DataFrame]:
    """Build every layer of the demo township 古陂镇 (synthetic, illustrative geometry).

    Parameters
    ----------
    seed
        Seed of :func:`numpy.random.default_rng`; the same seed always gives the same content.

    Returns
    -------
    dict of str to DataFrame
        One frame per layer name of :data:`township_atlas.geo.schema.LAYERS` (``history`` and
        ``station_plans`` are empty); spatial layers are GeoDataFrames in EPSG:4326.
    """
    rng = np.random.default_rng(seed)
    sk = _sketch(rng)
    metric = _metric()
    if sum(u.population for u in UNITS) != POPULATION:
        raise AssertionError("demo units do not sum to the township population")
    if sum(u.groups for u in UNITS) != VILLAGER_GROUPS:
        raise AssertionError("demo units do not sum to the township's villager groups")

    township = _frame(
        [
            {
                "code": TOWNSHIP_CODE,
                "name": TOWNSHIP_NAME,
                "county": COUNTY,
                "city": CITY,
                "province": PROVINCE,
                "population": POPULATION,
                "villager_groups": VILLAGER_GROUPS,
                "illustrative": True,
            }
        ],
        [MultiPolygon([sk.outline])],
        metric,
    )

    hh = _households(rng)
    vrows = []
    for u in UNITS:
        vrows.append(
            {
                "code": u.code,
                "vintage": CODE_VINTAGE,
                "name": u.name,
                "kind": u.kind,
                "poor_village": u.poor_level is not None,
                "poor_level": u.poor_level,
                "pilot": u.pilot,
                "ethnic": u.ethnic,
                "population": u.population,
                "households": round(u.population / rng.uniform(3.25, 3.55)),
                "villager_groups": u.groups,
                "exit_year": u.exit_year,
                "planned_exit_year": PLANNED_EXIT.get(u.name),
                "illustrative": True,
            }
        )
    villages = _frame(vrows, [sk.cells[u.name] for u in UNITS], metric)
    villages["exit_year"] = villages["exit_year"].astype("Int64")
    villages["planned_exit_year"] = villages["planned_exit_year"].astype("Int64")

    indicators = _indicators(rng, hh)
    facilities = _facilities(rng, sk, indicators)
    sites, relocations = _sites(sk, hh)
    roads = _roads(rng, sk)
    rivers = _rivers(rng, sk)

    households = hh.reindex(columns=LAYERS["households"].names).reset_index(drop=True)
    # The register holds each household's state now: safe housing and water are conditions of
    # exit (两不愁三保障), so an exited household's house and water were made safe. The yearly
    # village indicators above were counted from the flags as they stood before.
    exited = households["exit_year"].notna() & (households["status"] != "返贫")
    households.loc[exited, ["dangerous_house", "unsafe_water"]] = False
    # members from a generator of their own, so every other demo figure stays as it was
    members = _members(np.random.default_rng(seed + 1), households)
    counts = member_counts(members, pd.Index(households["household_id"]))
    for column in counts.columns:
        households[column] = counts[column].to_numpy()
    layers: dict[str, pd.DataFrame] = {
        "township": township,
        "villages": villages,
        "households": households,
        "members": members,
        "indicators": indicators,
        "facilities": facilities,
        "relocation_sites": sites,
        "relocations": relocations,
        "roads": roads,
        "rivers": rivers,
        "history": empty_frame(LAYERS["history"]),
        "station_plans": empty_frame(LAYERS["station_plans"]),
    }
    # layers the demo does not make (e.g. the register's person rows, ``members``) are empty
    for name, layer in LAYERS.items():
        layers.setdefault(name, empty_frame(layer))
    return layers


def demo_meta(seed: int = DEMO_SEED) -> dict[str, str]:
    """Metadata written with the demo workspace (all values are strings)."""
    return {
        "township_name": TOWNSHIP_NAME,
        "township_code": TOWNSHIP_CODE,
        "county": COUNTY,
        "city": CITY,
        "province": PROVINCE,
        "code_vintage": str(CODE_VINTAGE),
        "data_date": DATA_DATE,
        "source": SOURCE,
        "illustrative": "true",
        DEMO_META_KEY: "true",
        "demo_seed": str(seed),
        "demo_version": DEMO_VERSION,
    }


def build_demo(path: str | os.PathLike) -> Path:
    """Build the demo township and write it as the workspace at ``path``.

    Parameters
    ----------
    path
        Target GeoPackage; replaced atomically if it exists.

    Returns
    -------
    Path
        The written workspace.
    """
    return write_workspace(path, build_demo_layers(DEMO_SEED), demo_meta(DEMO_SEED))


def ensure_demo(path: str | os.PathLike | None = None) -> Path:
    """Build the demo workspace only if it is missing.

    Parameters
    ----------
    path
        Where the demo lives; defaults to :func:`township_atlas.geo.paths.demo_workspace_path`.

    Returns
    -------
    Path
        The path of the (existing or newly built) demo workspace.
    """
    target = Path(path) if path is not None else demo_workspace_path()
    stored = read_meta(target) if target.is_file() else {}
    if stored.get("demo_version") != DEMO_VERSION or stored.get("schema_version") != str(
        SCHEMA_VERSION
    ):
        build_demo(target)
    return target
