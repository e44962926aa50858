"""The demo villages' yearly infrastructure indicators (roads, water, clinics … as each poor
village met them before its exit), their facilities and e-commerce stations, and the relocation
sites with the households moved to them. Synthetic, drawn from the demo's seeded generator.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from ..geo.schema import INDICATOR_FLAGS, LAYERS
from .demo_households import _RELOCATION_PLAN
from .demo_sketch import _frame, _inside, _metric, _park_point, _Sketch
from .demo_township import _PARK_VILLAGES, _SEAT_UNIT, UNITS, YEARS, _code

#: Relocation sites: id, name, type, village, offset from the village centre (m), m² built per
#: person, spare capacity (households), households whose old house is not yet demolished,
#: status, completed year. Planned and moved-in numbers come from the relocated households.
_SITES = (
    ("S01", "古陂镇集镇安置点", "集镇", "古陂居委会", (520, 560), 24.6, 10, 9, "已入住", 2016),
    ("S02", "阳光村中心村安置点", "中心村", "阳光村", (350, -300), 21.8, 4, 0, "建成", 2018),
)


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
