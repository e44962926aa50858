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


def two_township_layers() -> dict[str, pd.DataFrame]:
    """:func:`minimal_layers` as 古陂镇 (360722102) of a county with a second township,
    大塘埠镇 (360722103): one village 下坝村 east of it, with a household, an indicator row, a
    clinic no village owns, a relocation site that 新屋村's households moved to, and history
    for a household of each township."""
    layers = minimal_layers()
    second = gpd.GeoDataFrame(
        layers["township"].drop(columns="geometry").assign(code="360722103", name="大塘埠镇"),
        geometry=[box(115.20, 25.30, 115.30, 25.40)],
        crs=WGS84,
    )
    township = gpd.GeoDataFrame(
        pd.concat([layers["township"], second], ignore_index=True), crs=WGS84
    )
    east = layers["villages"].iloc[[1]].assign(code="360722103201", name="下坝村", ethnic=None)
    east = east.set_geometry([box(115.20, 25.30, 115.30, 25.40)], crs=WGS84)
    villages = gpd.GeoDataFrame(pd.concat([layers["villages"], east], ignore_index=True), crs=WGS84)
    h5 = layers["households"].iloc[[1]].assign(household_id="H5", village_code="360722103201")
    households = pd.concat([layers["households"], h5], ignore_index=True)
    loose = (
        layers["facilities"]
        .assign(facility_id="F2", name="大塘埠卫生院", village_code=None)
        .set_geometry([Point(115.25, 25.35)], crs=WGS84)
    )
    facilities = gpd.GeoDataFrame(
        pd.concat([layers["facilities"], loose], ignore_index=True), crs=WGS84
    )
    services = ("road_hardened", "bus", "safe_water", "power", "radio_tv", "broadband")
    indicators = pd.DataFrame(
        {
            "village_code": ["360722102201", "360722103201"],
            "year": [2020, 2020],
            **{name: [True, False] for name in (*services, "clinic", "doctor", "activity_centre")},
            "dangerous_houses": [0, 2],
            "unsafe_water_households": [0, 1],
            "collective_income": [5.2, 1.5],
        }
    )
    sites = gpd.GeoDataFrame(
        {"site_id": ["S1"], "name": ["下坝安置点"], "site_type": ["集镇"],
         "village_code": ["360722103201"], "capacity_households": [40],
         "planned_households": [30], "planned_persons": [110], "moved_households": [3],
         "moved_persons": [11], "built_area_m2": [2400.0], "status": ["建成"],
         "demolished_households": [3]},
        geometry=[Point(115.26, 25.36)],
        crs=WGS84,
    )  # fmt: skip
    relocations = pd.DataFrame(
        {
            "site_id": ["S1"],
            "origin_code": ["360722102201"],
            "households": [3],
            "persons": [11],
            "year": [2018],
        }
    )
    history = pd.DataFrame(
        {
            "change_id": ["C1", "C2"],
            "changed_at": ["2021-05-01", "2021-06-01"],
            "recorded_at": ["2021-05-02T00:00:00", "2021-06-02T00:00:00"],
            "kind": ["household_monitored", "household_monitored"],
            "layer": ["households", "households"],
            "record_key": ["H4", "H5"],
            "field": ["monitor_year", "monitor_year"],
            "old_value": [None, None],
            "new_value": ["2021", "2021"],
        }
    )
    return {
        **layers,
        "township": township,
        "villages": villages,
        "households": households,
        "facilities": facilities,
        "indicators": indicators,
        "relocation_sites": sites,
        "relocations": relocations,
        "history": history,
    }
