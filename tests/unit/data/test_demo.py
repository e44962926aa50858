"""The embedded demo township 古陂镇: the facts of the source hold exactly, the sketch is sound."""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from tests.support.paths import EXPECTED as EXPECTED_DIR
from township_atlas.data import demo
from township_atlas.geo.crs import areas_km2, to_metric
from township_atlas.geo.schema import INDICATOR_FLAGS, LAYERS, PERSONAL_COLUMNS, WGS84
from township_atlas.geo.workspace import read_workspace, validate_workspace, write_workspace

EXPECTED = EXPECTED_DIR

# code, name, kind, poor level (None: not a poor village)
UNITS = [
    ("360722102001", "古陂居委会", "居委会", None),
    ("360722102002", "金盆山居委会", "居委会", None),
    ("360722102200", "古陂村", "村", None),
    ("360722102201", "新屋村", "村", "省级"),
    ("360722102202", "李田村", "村", "县级"),
    ("360722102203", "茶坳村", "村", None),
    ("360722102204", "枫树村", "村", "县级"),
    ("360722102205", "黎明村", "村", None),
    ("360722102206", "天光村", "村", "县级"),
    ("360722102207", "阳光村", "村", None),
    ("360722102208", "太平村", "村", None),
    ("360722102209", "余村村", "村", "县级"),
    ("360722102210", "中坑村", "村", "县级"),
    ("360722102211", "墩高村", "村", None),
    ("360722102212", "大屋村", "村", None),
    ("360722102213", "圳玄村", "村", "县级"),
    ("360722102214", "石背村", "村", "县级"),
]


@pytest.fixture(scope="module")
def layers() -> dict[str, pd.DataFrame]:
    return demo.build_demo_layers()


@pytest.fixture(scope="module")
def written(layers, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.gpkg"
    return write_workspace(path, layers, demo.demo_meta())


@pytest.fixture(scope="module")
def workspace(written):
    return read_workspace(written)


@pytest.fixture(scope="module")
def villages(layers) -> gpd.GeoDataFrame:
    return layers["villages"]


@pytest.fixture(scope="module")
def households(layers) -> pd.DataFrame:
    return layers["households"]


@pytest.fixture(scope="module")
def registered(households) -> pd.DataFrame:
    return households[households["category"].notna()]


def test_one_frame_per_layer_and_valid(layers):
    assert set(layers) == set(LAYERS)
    assert validate_workspace(layers) == []
    for name, frame in layers.items():
        if LAYERS[name].geometry is not None:
            assert frame.crs == WGS84, name


def test_units_have_real_codes_names_and_kinds(villages):
    got = [
        (r.code, r.name, r.kind, None if pd.isna(r.poor_level) else r.poor_level)
        for r in villages.itertuples()
    ]
    assert got == UNITS
    assert (villages["vintage"] == 2023).all()
    assert (villages["poor_village"] == villages["poor_level"].notna()).all()
    pilots = set(villages.loc[villages["pilot"], "name"])
    assert pilots == {"新屋村", "太平村"}
    assert villages.set_index("name").at["太平村", "ethnic"] == "畲族"
    assert villages["illustrative"].all()


def test_population_and_villager_groups(layers, villages):
    assert villages["population"].sum() == 42_931
    assert villages["villager_groups"].sum() == 302
    persons_per_household = villages["population"].sum() / villages["households"].sum()
    assert 3.2 <= persons_per_household <= 3.6
    (township,) = layers["township"].itertuples()
    assert (township.code, township.name) == ("360722102", "古陂镇")
    assert (township.county, township.city, township.province) == ("信丰县", "赣州市", "江西省")
    assert (township.population, township.villager_groups) == (42_931, 302)
    assert township.illustrative


def test_registered_totals_match_the_source(registered):
    with open(EXPECTED / "registered_by_category.csv", encoding="utf-8") as f:
        expected = {
            r["category"]: (int(r["households"]), int(r["persons"])) for r in csv.DictReader(f)
        }
    got = registered.groupby("category")["size"].agg(["size", "sum"])
    assert {c: (int(r["size"]), int(r["sum"])) for c, r in got.iterrows()} == expected
    assert (len(registered), int(registered["size"].sum())) == (966, 3017)


def test_poor_people_fit_each_village_and_poor_villages_have_more(registered, villages):
    poor = registered.groupby("village_code")["size"].sum()
    v = villages.set_index("code")
    poor = poor.reindex(v.index, fill_value=0)
    assert (poor <= v["population"]).all()
    incidence = poor / v["population"]
    in_poor_villages = poor[v["poor_village"]].sum() / poor.sum()
    assert 0.55 <= in_poor_villages <= 0.70
    assert incidence[v["poor_village"]].min() > incidence[~v["poor_village"]].median()


def test_village_exit_years(villages):
    poor = villages[villages["poor_village"]]
    assert poor["exit_year"].between(2016, 2019).all()
    assert villages.loc[~villages["poor_village"], "exit_year"].isna().all()


def test_villages_tile_the_outline(layers, villages):
    outline_km2 = areas_km2(layers["township"])[0]
    assert outline_km2 == pytest.approx(311, rel=0.03)
    total = sum(areas_km2(villages))
    union = areas_km2(gpd.GeoDataFrame(geometry=[villages.union_all()], crs=villages.crs))[0]
    assert total == pytest.approx(union, rel=0.001)  # no overlaps
    assert union == pytest.approx(outline_km2, rel=0.001)  # no gaps
    assert min(areas_km2(villages)) > 1
    m = to_metric(villages).set_index("name").geometry
    assert m["太平村"].intersection(m["天光村"]).length > 500  # neighbours (大唐工业园)


def test_geometry_valid_and_typed(layers):
    for name, frame in layers.items():
        if LAYERS[name].geometry is None:
            continue
        assert frame.is_valid.all(), name
        assert not frame.is_empty.any(), name
    assert set(layers["villages"].geom_type) == {"MultiPolygon"}
    assert set(layers["township"].geom_type) == {"MultiPolygon"}
    assert set(layers["roads"].geom_type) == {"LineString"}


def test_lines_and_points_are_in_the_township(layers, villages):
    outline = layers["township"].geometry.iloc[0]
    for name in ("roads", "rivers"):
        assert layers[name].intersects(outline).all(), name
    fac = layers["facilities"]
    by_code = villages.set_index("code").geometry
    placed = fac[fac["village_code"].notna()]
    for row in placed.itertuples():
        assert by_code[row.village_code].contains(row.geometry), row.name
    logistics = fac[fac["kind"] == "county_logistics"]
    assert len(logistics) == 1 and logistics["village_code"].isna().all()
    assert not logistics.geometry.iloc[0].within(outline)
    assert set(placed.loc[placed["kind"] == "industrial_park", "village_code"]) == {
        "360722102206",
        "360722102208",
    }
    clinics = set(placed.loc[placed["kind"] == "clinic", "village_code"])
    assert set(villages.loc[villages["kind"] == "村", "code"]) <= clinics
    stations = fac[fac["kind"] == "village_station"]["status"].value_counts()
    assert stations["planned"] == 2 and 5 <= stations["existing"] <= 6


def test_seat_and_forest_park_placement(villages):
    by_name = villages.set_index("name").geometry
    seat = Point(115.099, 25.335)
    assert by_name["古陂居委会"].contains(seat)
    assert by_name["金盆山居委会"].centroid.y < seat.y - 0.08  # remote south hills


def test_roads_form_one_network(layers):
    roads = layers["roads"]
    national = roads[roads["road_class"] == "国道"]
    assert national["name"].tolist() == ["国道信安线"] and national["paved"].all()
    assert 1 <= (~roads["paved"]).sum() <= 2
    # roads meet at shared vertices; starting from the national road every road is reached
    vertices = [set(g.coords) for g in roads.geometry]
    reached, frontier = {0}, [0]
    while frontier:
        i = frontier.pop()
        for j, v in enumerate(vertices):
            if j not in reached and v & vertices[i]:
                reached.add(j)
                frontier.append(j)
    assert reached == set(range(len(roads)))


def test_households_are_plausible(households, registered):
    assert households["household_id"].is_unique
    assert households["household_id"].str.fullmatch(r"36072210\d{4}-\d{4}").all()
    assert (households["household_id"].str[:12] == households["village_code"]).all()
    assert registered["exit_year"].notna().all()
    assert registered["exit_year"].between(2015, 2020).all()
    assert (registered["exit_year"] > registered["identified_year"]).all()
    fell_back = registered[registered["status"] == "返贫"]
    assert 6 <= len(fell_back) <= 10
    assert fell_back["return_year"].between(2021, 2023).all()
    assert registered.loc[registered["status"] != "返贫", "return_year"].isna().all()
    exited = registered[registered["status"] != "返贫"]
    assert (exited["income_per_capita"] > 4000).all()
    causes = registered["cause"].value_counts(normalize=True)
    assert causes.idxmax() == "01"
    tekun = registered[registered["category"] == "特困供养户"]
    assert tekun["size"].max() <= 2
    assert tekun["cause"].isin(["08", "02"]).mean() > 0.7


def test_monitored_only_households_have_no_category(households):
    extra = households[households["identified_year"].isna()]
    assert 20 <= len(extra) <= 30
    assert extra["category"].isna().all()
    assert (extra["status"] == "监测").all()
    assert extra["monitor_kind"].isin(["边缘易致贫户", "突发严重困难户"]).all()
    assert extra["monitor_year"].between(2021, 2025).all()
    assert extra["exit_year"].isna().all() and extra["cause"].notna().all()
    unstable = households[households["monitor_kind"] == "脱贫不稳定户"]
    assert unstable["category"].notna().all() and unstable["exit_year"].notna().all()


def test_relocation_numbers_agree(layers, households):
    sites = layers["relocation_sites"].set_index("site_id")
    moves = layers["relocations"]
    assert len(sites) == 2 and set(sites["site_type"]) == {"集镇", "中心村"}
    by_site = moves.groupby("site_id")[["households", "persons"]].sum()
    assert (by_site["households"] == sites["moved_households"]).all()
    assert (by_site["persons"] == sites["moved_persons"]).all()
    moved = households[households["relocation_site"].notna()]
    assert moved["category"].notna().all()
    counted = moved.groupby("relocation_site")["size"].agg(["size", "sum"])
    assert (counted["size"] == sites["moved_households"]).all()
    assert (counted["sum"] == sites["moved_persons"]).all()
    per_origin = moved.groupby(["relocation_site", "village_code"]).size()
    assert per_origin.to_dict() == {
        (r.site_id, r.origin_code): r.households for r in moves.itertuples()
    }
    assert moves["year"].between(2016, 2018).all()
    assert (sites["capacity_households"] >= sites["planned_households"]).all()
    per_person = sites["built_area_m2"] / sites["moved_persons"]
    assert (per_person <= 25).all() and per_person.between(24, 25).any()
    assert (sites["demolished_households"] < sites["moved_households"]).any()


def test_indicators_close_gaps_by_exit(layers, villages):
    ind = layers["indicators"]
    assert len(ind) == 17 * 12
    assert set(ind["year"]) == set(range(2014, 2026))
    ind = ind.merge(villages[["code", "poor_village", "exit_year"]], left_on="village_code",
                    right_on="code")  # fmt: skip
    poor_2014 = ind[ind["poor_village"] & (ind["year"] == 2014)]
    assert not poor_2014["road_hardened"].any() and not poor_2014["broadband"].any()
    assert (poor_2014["dangerous_houses"] > 0).all()
    assert (poor_2014["collective_income"] <= 2).all()
    at_exit = ind[ind["year"] == ind["exit_year"]]
    assert len(at_exit) == 8
    assert (at_exit["collective_income"] >= 5).all()
    assert at_exit[["road_hardened", "broadband", "clinic", "safe_water"]].all().all()
    assert (at_exit["dangerous_houses"] == 0).all()
    gaps_2025 = (~ind.loc[ind["year"] == 2025, list(INDICATOR_FLAGS)]).sum().sum()
    assert 2 <= gaps_2025 <= 3


def test_no_personal_columns_anywhere(layers, workspace):
    for name in LAYERS:
        assert not set(layers[name].columns) & PERSONAL_COLUMNS, name
        assert not set(workspace[name].columns) & PERSONAL_COLUMNS, name


def test_round_trip_keeps_rows_and_meta(layers, workspace):
    for name in LAYERS:
        assert len(workspace[name]) == len(layers[name]), name
    assert workspace.meta["township_code"] == "360722102"
    assert workspace.meta["illustrative"] == "true"
    assert workspace.households["category"].notna().sum() == 966


def test_deterministic(layers):
    again = demo.build_demo_layers()
    for name in LAYERS:
        pd.testing.assert_frame_equal(again[name], layers[name], check_like=False)


def test_ensure_demo_builds_only_when_missing(written, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(demo, "build_demo", lambda path: calls.append(Path(path)) or Path(path))
    assert demo.ensure_demo(written) == written
    assert calls == []
    monkeypatch.setenv("TOWNSHIP_ATLAS_HOME", str(tmp_path))
    target = demo.ensure_demo()
    assert target.parent == tmp_path and target.suffix == ".gpkg"
    assert calls == [target]


def test_ensure_demo_builds_once_and_rebuilds_a_stale_demo(tmp_path):
    import pyogrio

    from township_atlas.data.demo import DEMO_VERSION, ensure_demo
    from township_atlas.geo.workspace import read_meta

    path = ensure_demo(tmp_path / "demo.gpkg")
    assert read_meta(path)["demo_version"] == DEMO_VERSION
    built = path.stat().st_mtime_ns
    assert ensure_demo(path) == path and path.stat().st_mtime_ns == built  # not rebuilt

    # A demo written by another version of the generator is replaced.
    meta = pyogrio.read_dataframe(path, layer="atlas_meta", read_geometry=False)
    meta.loc[meta["key"] == "demo_version", "value"] = "0-old"
    pyogrio.write_dataframe(meta, path, layer="atlas_meta")
    assert read_meta(path)["demo_version"] == "0-old"
    ensure_demo(path)
    assert read_meta(path)["demo_version"] == DEMO_VERSION


def test_the_demo_is_marked_as_invented_in_its_metadata():
    from township_atlas.data.demo import demo_meta
    from township_atlas.geo.workspace import DEMO_META_KEY, is_demo

    assert demo_meta()[DEMO_META_KEY] == "true" and is_demo(demo_meta())
    assert is_demo({"demo_version": "3"})  # a demo built before the mark
    assert not is_demo({"township_name": "古陂镇", "source": "乡镇扶贫办"})
    assert not is_demo({**demo_meta(), DEMO_META_KEY: "false"})  # real data imported into it
