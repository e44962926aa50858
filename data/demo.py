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

This module builds and writes the demo (and is the front door: what moved is imported from
here as before). The township's facts are in :mod:`.demo_township`, its geometry, roads and
rivers in :mod:`.demo_sketch`, its households and members in :mod:`.demo_households`, and its
indicators, facilities and relocation sites in :mod:`.demo_infrastructure`, its assistance
(帮扶: invented cadres and 第一书记, their pairings, visits, measures, projects and exit plans,
with deliberate gaps) in :mod:`.demo_assistance`, and what its e-commerce stations did year by
year (网点运营情况, with a closed, a suspended, a no-sales and an assistant-less station in the
latest year) in :mod:`.demo_operations`.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
from shapely.geometry import MultiPolygon

from ..geo.paths import demo_workspace_path
from ..geo.schema import LAYERS, SCHEMA_VERSION
from ..geo.workspace import DEMO_META_KEY, empty_frame, read_meta, write_workspace
from .demo_assistance import assistance_layers
from .demo_households import REGISTER_YEAR, _households, _members
from .demo_infrastructure import _facilities, _indicators, _sites
from .demo_operations import operations_layer
from .demo_sketch import _frame, _metric, _rivers, _roads, _sketch
from .demo_township import (
    AREA_KM2,
    CITY,
    CODE_VINTAGE,
    COUNTY,
    COUNTY_SEAT_LONLAT,
    PLANNED_EXIT,
    POPULATION,
    PROVINCE,
    REGISTERED_BY_CATEGORY,
    SEAT_LONLAT,
    TOWNSHIP_CODE,
    TOWNSHIP_NAME,
    UNITS,
    VILLAGER_GROUPS,
    YEARS,
    Unit,
)
from .importing.members import member_counts

__all__ = [
    "AREA_KM2",
    "CITY",
    "CODE_VINTAGE",
    "COUNTY",
    "COUNTY_SEAT_LONLAT",
    "DATA_DATE",
    "DEMO_SEED",
    "DEMO_VERSION",
    "PLANNED_EXIT",
    "POPULATION",
    "PROVINCE",
    "REGISTERED_BY_CATEGORY",
    "REGISTER_YEAR",
    "SEAT_LONLAT",
    "SOURCE",
    "TOWNSHIP_CODE",
    "TOWNSHIP_NAME",
    "UNITS",
    "VILLAGER_GROUPS",
    "YEARS",
    "Unit",
    "build_demo",
    "build_demo_layers",
    "demo_meta",
    "ensure_demo",
]

DEMO_SEED = 2014
#: Bump whenever the generator's output changes: a stored demo of another version is rebuilt.
DEMO_VERSION = "7"  # 7: the stations' yearly operations (网点运营情况)
DATA_DATE = "2025-06-30"
SOURCE = "示意数据 synthetic demo"


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
    # assistance from a generator of its own too, so the layers above stay as they were
    layers.update(
        assistance_layers(
            villages,
            households,
            REGISTER_YEAR,
            as_of=DATA_DATE,
            indicators=indicators,
            relocations=relocations,
            seed=seed + 2,
        )
    )
    # station operations from a generator of their own too
    layers["station_operations"] = operations_layer(
        facilities, REGISTER_YEAR, as_of=DATA_DATE, seed=seed + 3
    )
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
