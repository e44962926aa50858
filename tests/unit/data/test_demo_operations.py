"""The demo's station operations (网点运营情况): valid, of the demo's stations, deterministic,
plausible and growing, with exactly the cases :mod:`township_atlas.data.demo_operations`
documents; the closed station leaves a village uncovered at the planner's defaults."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from township_atlas.analysis import coverage, station_ops, station_plan
from township_atlas.data import demo
from township_atlas.data import demo_operations as do
from township_atlas.geo.rules import default_rules
from township_atlas.geo.schema import LAYERS, SERVICE_TIERS
from township_atlas.geo.workspace import Workspace, validate_workspace

YEAR = demo.REGISTER_YEAR  # 2025
LIMING = "360722102205"  # 黎明村


@pytest.fixture(scope="module")
def layers() -> dict[str, pd.DataFrame]:
    return demo.build_demo_layers()


@pytest.fixture(scope="module")
def ops(layers) -> pd.DataFrame:
    return layers["station_operations"]


@pytest.fixture(scope="module")
def stations(layers) -> pd.DataFrame:
    fac = layers["facilities"]
    return fac[fac["kind"].isin(SERVICE_TIERS) & (fac["status"] == "existing")]


def test_the_layer_is_filled_and_valid(layers, ops):
    assert validate_workspace(layers) == []
    assert list(ops.columns) == LAYERS["station_operations"].names
    assert not ops.duplicated(["facility_id", "year"]).any()


def test_every_existing_station_has_a_row_a_year_from_its_opening(ops, stations):
    assert len(stations) == 8  # the county centre, the township centre, six village stations
    for fid, opened in zip(stations["facility_id"], stations["opened_year"], strict=True):
        years = ops.loc[ops["facility_id"] == fid, "year"].tolist()
        assert years == list(range(int(opened), YEAR + 1)), fid
    assert set(ops["facility_id"]) == set(stations["facility_id"])  # no planned station


def test_the_same_seed_gives_the_same_rows(layers, ops):
    again = do.operations_layer(
        layers["facilities"], YEAR, as_of=demo.DATA_DATE, seed=demo.DEMO_SEED + 3
    )
    pd.testing.assert_frame_equal(again, ops)
    other = do.operations_layer(layers["facilities"], YEAR, as_of=demo.DATA_DATE, seed=1)
    assert not other["sales_wan"].equals(ops["sales_wan"])


def test_the_cases_are_the_named_village_stations(stations):
    names = stations.set_index("facility_id")["name"]
    assert names[do.DEMO_CLOSED_STATION] == "黎明村电商服务站"
    assert names[do.DEMO_SUSPENDED_STATION] == "太平村电商服务站"
    assert names[do.DEMO_NO_SALES_STATION] == "茶坳村电商服务站"
    assert names[do.DEMO_NO_ASSISTANT_STATION] == "古陂村电商服务站"


def test_the_latest_year_flags_exactly_the_documented_cases(layers):
    rows = station_ops.station_rows(Workspace(layers, {}), YEAR, default_rules().stations)
    flags = {f: fl for f, fl in zip(rows["facility_id"], rows["flags"], strict=True) if fl}
    assert flags == {
        do.DEMO_CLOSED_STATION: ("closed",),
        do.DEMO_SUSPENDED_STATION: ("suspended",),
        do.DEMO_NO_SALES_STATION: ("no_sales",),
        do.DEMO_NO_ASSISTANT_STATION: ("no_assistant",),
    }
    before = station_ops.station_rows(Workspace(layers, {}), YEAR - 1, default_rules().stations)
    assert not before["flags"].map(bool).any()  # the year before, every station worked


def test_status_dates_are_in_their_year_and_by_the_data_date(ops):
    dated = ops[ops["status_date"].notna()].set_index("facility_id")
    assert dated["status_date"].to_dict() == {
        do.DEMO_CLOSED_STATION: "2025-03-31",
        do.DEMO_SUSPENDED_STATION: "2025-05-15",
    }
    assert (dated["status_date"] <= demo.DATA_DATE).all()
    assert set(ops.loc[ops["year"] < YEAR, "status"]) == {"运营"}


def test_figures_are_plausible_and_grow(ops, stations):
    kind = stations.set_index("facility_id")["kind"]
    village = ops[ops["facility_id"].map(kind).eq("village_station") & ops["status"].eq("运营")]
    selling = village[village["sales_wan"] > 0]
    assert selling["sales_wan"].between(10, 500).all()  # tens to hundreds of 万元
    assert selling["sales_wan"].max() >= 100
    assert village["poor_served"].between(10, 99).all() and village["trained"].between(10, 99).all()
    assert (village["poor_selling"] <= village["poor_served"]).all()
    gains = ops["income_gain"].dropna()
    assert gains.between(800, 1800).all()
    assert (
        village["assistants"].between(1, 2)
        | village["facility_id"].eq(do.DEMO_NO_ASSISTANT_STATION)
    ).all()
    # every station sells more each year, but for the documented cases: the closed station's
    # sales fell in the year before it closed, and 2025's cases
    for fid, rows in ops[ops["year"] < YEAR].groupby("facility_id"):
        sales = rows.sort_values("year")["sales_wan"].to_numpy()
        if fid == do.DEMO_CLOSED_STATION:
            assert sales[-1] < sales[-2]
            sales = sales[:-1]
        assert (np.diff(sales) > 0).all(), fid


def test_the_closed_station_alone_covered_a_village(layers):
    """At the planner's default distances (straight lines), the stations that work in 2025
    reach every village all existing stations reach, but 黎明村: its station closed."""
    ws = Workspace(layers, {})
    every = station_plan.workspace_existing(ws)
    working = station_ops.operating(
        every.rename(columns={"id": "facility_id"}), ws["station_operations"], YEAR
    )
    radius = station_plan.DEFAULT_RADIUS_KM["village_station"] * 1000
    township = station_plan.DEFAULT_RADIUS_KM["township_ecommerce"] * 1000

    def covered(stations) -> set[str]:
        radii = station_plan.station_radii(stations, radius, township)
        cov = coverage.coverage(ws.villages, ws.households, stations, radii, YEAR)
        return set(cov.villages.loc[cov.villages["covered"], "code"])

    lost = covered(every) - covered(every[working.to_numpy(dtype=bool)])
    assert lost == {LIMING}


@pytest.mark.slow  # reads the demo workspace the session writes
def test_the_rows_survive_the_demo_workspace(ops, demo_ws):
    assert len(demo_ws["station_operations"]) == len(ops)
    stored = demo_ws["station_operations"].set_index(["facility_id", "year"])
    assert stored.loc[(do.DEMO_CLOSED_STATION, YEAR), "status"] == "关闭"
