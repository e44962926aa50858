"""The demo township as plan 1 of the source describes it: 古陂镇 (信丰县, 赣州市, 江西省), its
code, seat, area, population and villager groups, its registered poor by category, and its 17
units (villages and residents' committees) with their 2023 codes, poor villages and pilots.
The layout of each unit (where its Voronoi seed lies) and its incidence are the demo's own.
"""

from __future__ import annotations

from dataclasses import dataclass

TOWNSHIP_CODE = "360722102"
TOWNSHIP_NAME = "古陂镇"
COUNTY, CITY, PROVINCE = "信丰县", "赣州市", "江西省"
CODE_VINTAGE = 2023
AREA_KM2 = 311.0
POPULATION = 42_931
VILLAGER_GROUPS = 302

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

_BY_NAME = {u.name: u for u in UNITS}
_SEAT_UNIT = "古陂居委会"
_PARK_VILLAGES = ("太平村", "天光村")


def _code(name: str) -> str:
    return _BY_NAME[name].code
