"""A tiny township whose e-commerce stations report what they deliver, counted by hand (the
meeting view's and the brief's 电商网点运营 tests share it).

``tests.support.workspaces.minimal_layers``: 新屋村 (A = 360722102201, 115.00–115.10 E) and
李田村 (B = 360722102202, 115.10–115.20 E); the register runs 2014–2021.

Stations (all existing):
- T 古陂镇电商服务中心 (township centre, in A)
- S1 新屋村电商服务站 (village station, A), S2 李田村电商服务站 (village station, B)

Operations (assistants, 万元 sales, poor served, poor selling, trained, 元 gain):
- 2020: T 2, 50, 20, 8, 40, 1,200; S1 1, 10, 6, 3, 20, 1,000; S2 1, 8, 4, 2, 15, 800
- 2021: T 2, 60, 25, 10, 50, 1,300; S1 1, 12.5, 5, 3, 30, 900; S2 关闭 (closed 2021-06-30)

So at the end of 2020: the centre 1 of 1, village stations 2 of ⌈0.9 × 2⌉ = 2, both villages
with a station of their own (100 %), sales 68 万元 (no 2019 rows: no change), 30 poor
households served, 75 trained of 45 × 3 = 135, income gain (1,200 × 8 + 1,000 × 3 + 800 × 2)
/ 13 = 1,092 元. At the end of 2021: the centre 1 of 1, village stations 1 of 2 (1 closed),
one village of two with its own (50 %, target 90 %), sales 72.5 万元 (+4.5 on 2020's 68: S2's
8 万元 went with it), 30 poor households served (as in 2020: the change is of the totals), 80
trained of 45 × 2 = 90, income gain (1,300 × 10 + 900 × 3) / 13 = 1,208 元 (target 1,000).
Before 2020 no station had reported: nothing is said of them.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from tests.support.money_workspace import A, B, in_memory
from tests.support.workspaces import WGS84, minimal_layers
from township_atlas.geo.workspace import Workspace

COLUMNS = (
    "facility_id",
    "year",
    "status",
    "status_date",
    "assistants",
    "sales_wan",
    "poor_served",
    "poor_selling",
    "trained",
    "income_gain",
)
ROWS = (
    ("T", 2020, "运营", None, 2, 50.0, 20, 8, 40, 1200.0),
    ("S1", 2020, "运营", None, 1, 10.0, 6, 3, 20, 1000.0),
    ("S2", 2020, "运营", None, 1, 8.0, 4, 2, 15, 800.0),
    ("T", 2021, "运营", None, 2, 60.0, 25, 10, 50, 1300.0),
    ("S1", 2021, "运营", None, 1, 12.5, 5, 3, 30, 900.0),
    ("S2", 2021, "关闭", "2021-06-30", None, None, None, None, None, None),
)


def stations() -> gpd.GeoDataFrame:
    """The clinic of the minimal township and its three stations."""
    clinic = minimal_layers()["facilities"]
    added = gpd.GeoDataFrame(
        {
            "facility_id": ["T", "S1", "S2"],
            "kind": ["township_ecommerce", "village_station", "village_station"],
            "name": ["古陂镇电商服务中心", "新屋村电商服务站", "李田村电商服务站"],
            "village_code": [A, A, B],
            "status": ["existing"] * 3,
            "opened_year": [2018, 2018, 2019],
        },
        geometry=[Point(115.04, 25.36), Point(115.06, 25.34), Point(115.15, 25.35)],
        crs=WGS84,
    )
    return gpd.GeoDataFrame(pd.concat([clinic, added], ignore_index=True), crs=WGS84)


def operations() -> pd.DataFrame:
    return pd.DataFrame(list(ROWS), columns=list(COLUMNS))


def station_workspace(with_operations: bool = True) -> Workspace:
    """The minimal township with its stations and (``with_operations``) what they reported."""
    layers = minimal_layers()
    layers["facilities"] = stations()
    if with_operations:
        layers["station_operations"] = operations()
    return in_memory(layers)
