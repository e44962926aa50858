"""Tiny workspaces built inline, with an explicit CRS."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point, box

WGS84 = "EPSG:4326"


def minimal_layers() -> dict[str, pd.DataFrame]:
    """A township, two square villages, four households, one clinic and one road."""
    township = gpd.GeoDataFrame(
        {
            "code": ["360722102"],
            "name": ["古陂镇"],
            "county": ["信丰县"],
            "city": ["赣州市"],
            "province": ["江西省"],
            "population": [42931],
            "villager_groups": [302],
            "illustrative": [True],
        },
        geometry=[box(115.00, 25.30, 115.20, 25.40)],
        crs=WGS84,
    )
    villages = gpd.GeoDataFrame(
        {
            "code": ["360722102201", "360722102202"],
            "vintage": [2023, 2023],
            "name": ["新屋村", "李田村"],
            "kind": ["村", "村"],
            "poor_village": [True, False],
            "poor_level": ["省级", None],
            "pilot": [True, False],
            "ethnic": [None, "畲族"],
            "population": [2100, 1800],
            "households": [520, 450],
            "villager_groups": [18, 15],
            "exit_year": [2018, None],
            "illustrative": [True, True],
        },
        geometry=[box(115.00, 25.30, 115.10, 25.40), box(115.10, 25.30, 115.20, 25.40)],
        crs=WGS84,
    )
    households = pd.DataFrame(
        {
            "household_id": ["H1", "H2", "H3", "H4"],
            "village_code": ["360722102201", "360722102201", "360722102202", "360722102202"],
            "size": [4, 3, 1, 5],
            "category": ["一般贫困户", "低保户", "特困供养户", None],
            "cause": ["01", "02", "08", None],
            "identified_year": [2014, 2014, 2015, None],
            "exit_year": [2016, None, None, None],
            "return_year": [2018, None, None, None],
            "status": ["返贫", "未脱贫", "未脱贫", "监测"],
            "monitor_kind": [None, None, None, "边缘易致贫户"],
            "monitor_year": [None, None, None, 2021],
            "dangerous_house": [False, True, False, False],
            "unsafe_water": ["否", "否", "是", "否"],
            "income_per_capita": [4200.5, 2600.0, None, 5100.0],
            "relocation_site": [None, None, None, None],
        }
    )
    facilities = gpd.GeoDataFrame(
        {
            "facility_id": ["F1"],
            "kind": ["clinic"],
            "name": ["新屋村卫生室"],
            "village_code": ["360722102201"],
            "status": ["existing"],
            "opened_year": [None],
        },
        geometry=[Point(115.05, 25.35)],
        crs=WGS84,
    )
    roads = gpd.GeoDataFrame(
        {"road_id": ["R1"], "name": ["信安线"], "road_class": ["国道"], "paved": [True]},
        geometry=[LineString([(115.00, 25.33), (115.10, 25.34), (115.20, 25.35)])],
        crs=WGS84,
    )
    return {
        "township": township,
        "villages": villages,
        "households": households,
        "facilities": facilities,
        "roads": roads,
    }
