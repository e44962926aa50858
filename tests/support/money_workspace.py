"""A tiny township with assistance projects, counted by hand (the map, meeting, brief, funds
and CLI tests of the projects and their money share it).

``tests.support.workspaces.minimal_layers``: 新屋村 (A = 360722102201) and 李田村
(B = 360722102202); households H1 (A, exited 2016, fell back 2018) and H2 (A, here exited
2019) are the registered households lifted by 2020; H3 (B) and H4 (B, monitored) are not.

Projects:
- P1 (A, 产业, 2017): budget 50 万元, spent 40, 10 households (4 poor), 完工; its name starts
  with ``=`` and holds markup.
- P2 (A, 光伏, 2019): budget 30, spent 30, 6 households (6 poor), 完工.
- P3 (B, 基础设施, 2021): budget 20, spent 5, 40 households (3 poor), 在建.

Measures: M1 (H2, 2018, 2,000 元, 已完成) counts; M2 (H3, 2019, 1,000 元) is 已取消.

So at the end of 2020: A has 2 projects, budget 80, spent 70, 16 households reached, measures
0.2 万元 and 2 households lifted: (70 + 0.2) × 10,000 / 2 = 351,000 元 each; B has none.
At the end of 2021 B has P3 (spent 5, 40 households, none lifted: no 元 per household), and
the township 3 projects, spent 75, 56 households, (75 + 0.2) × 10,000 / 2 = 376,000 元.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from tests.support.workspaces import WGS84, minimal_layers
from township_atlas.geo.schema import LAYERS
from township_atlas.geo.validate import coerce
from township_atlas.geo.workspace import Workspace, empty_frame

A, B = "360722102201", "360722102202"
#: P1's name: a formula for a spreadsheet and markup for a page.
P1_NAME = '=HYPERLINK("http://x")<b>蘑菇</b>基地'


def projects() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "project_id": ["P1", "P2", "P3"],
            "name": [P1_NAME, "新屋村光伏电站", "李田村通组公路"],
            "village_code": [A, A, B],
            "project_type": ["产业", "光伏", "基础设施"],
            "year": [2017, 2019, 2021],
            "budget": [50.0, 30.0, 20.0],
            "spent": [40.0, 30.0, 5.0],
            "households": [10, 6, 40],
            "poor_households": [4, 6, 3],
            "status": ["完工", "完工", "在建"],
        },
        geometry=[Point(115.05, 25.35), Point(115.06, 25.36), Point(115.15, 25.35)],
        crs=WGS84,
    )


def measures() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "measure_id": ["M1", "M2"],
            "household_id": ["H2", "H3"],
            "measure_type": ["教育", "产业"],
            "year": [2018, 2019],
            "amount": [2000.0, 1000.0],
            "status": ["已完成", "已取消"],
        }
    )


def money_layers(with_projects: bool = True) -> dict[str, pd.DataFrame]:
    """The minimal township with H2 exited in 2019, its measures and (``with_projects``) the
    three projects."""
    layers = minimal_layers()
    hh = layers["households"].copy()
    hh.loc[hh["household_id"] == "H2", ["exit_year", "status"]] = [2019, "已脱贫"]
    layers["households"] = hh
    layers["measures"] = measures()
    if with_projects:
        layers["projects"] = projects()
    return layers


def in_memory(layers: dict[str, pd.DataFrame], meta: dict | None = None) -> Workspace:
    """``layers`` as a workspace read back would hold them (every layer and column, storage
    dtypes), without writing a file."""
    out = {name: empty_frame(layer) for name, layer in LAYERS.items()}
    for name, frame in layers.items():
        layer = LAYERS[name]
        ready = coerce(layer, pd.DataFrame(frame).reindex(columns=layer.names))
        if layer.geometry is not None:
            ready = gpd.GeoDataFrame(ready, geometry=frame.geometry.to_numpy(), crs=frame.crs)
        out[name] = ready
    return Workspace(out, meta or {})


def money_workspace(with_projects: bool = True) -> Workspace:
    return in_memory(money_layers(with_projects))
