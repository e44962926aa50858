"""Administrative levels: the county at the top, its townships, their villages; finding a place
by code or name; a workspace narrowed to a place keeps what belongs to it and nothing else."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.support.workspaces import minimal_layers, two_township_layers
from township_atlas.geo import history, levels
from township_atlas.geo.levels import COUNTY, REGION, TOWNSHIP, VILLAGE, Place, PlaceNotFound
from township_atlas.geo.workspace import Workspace


@pytest.fixture
def county() -> Workspace:
    return Workspace(two_township_layers())


def test_the_top_is_the_county_its_codes_share(county):
    assert levels.top(county) == Place(COUNTY, "360722", "信丰县")
    assert [t.label for t in levels.townships(county)] == [
        "古陂镇（360722102）",
        "大塘埠镇（360722103）",
    ]
    assert [v.code for v in levels.children(county, levels.find(county, "大塘埠镇"))] == [
        "360722103201"
    ]


def test_one_township_is_the_same_model():
    ws = Workspace(minimal_layers())
    assert levels.top(ws).level == COUNTY
    assert [t.name for t in levels.townships(ws)] == ["古陂镇"]
    assert levels.find(ws, "") == levels.home(ws) == Place(TOWNSHIP, "360722102", "古陂镇")
    assert levels.within(ws, levels.home(ws)) is ws


def test_counties_of_a_prefecture_share_a_region(county):
    layers = two_township_layers()
    v = layers["villages"]
    v.loc[2, "code"] = "360723103201"  # the second township's village in the next county
    layers["households"].loc[4, "village_code"] = "360723103201"
    layers["indicators"].loc[1, "village_code"] = "360723103201"
    layers["relocation_sites"].loc[0, "village_code"] = "360723103201"
    ws = Workspace(layers)
    assert levels.top(ws) == Place(REGION, "36072", "赣州市")


@pytest.mark.parametrize(
    ("text", "level", "code"),
    [
        ("", COUNTY, "360722"),  # several townships: the county
        ("信丰县", COUNTY, "360722"),
        ("360722103", TOWNSHIP, "360722103"),
        ("古陂镇", TOWNSHIP, "360722102"),
        ("下坝村", VILLAGE, "360722103201"),
        (" 360722102202 ", VILLAGE, "360722102202"),
    ],
)
def test_a_place_is_found_by_code_or_name(county, text, level, code):
    place = levels.find(county, text)
    assert (place.level, place.code) == (level, code)


def test_an_unknown_or_shared_name_says_what_there_is(county):
    with pytest.raises(PlaceNotFound, match="古陂镇（360722102）"):
        levels.find(county, "不存在镇")
    with pytest.raises(PlaceNotFound, match="360722102201"):
        levels.find(county, "3607221022")  # no such code: the places it is part of are named
    layers = two_township_layers()
    layers["villages"].loc[2, "name"] = "新屋村"  # the same name in both townships
    with pytest.raises(PlaceNotFound, match=r"不止一处.*360722102201.*360722103201"):
        levels.find(Workspace(layers), "新屋村")


def test_the_trail_runs_from_the_county_down(county):
    village = levels.find(county, "下坝村")
    assert [p.name for p in levels.trail(county, village)] == ["信丰县", "大塘埠镇", "下坝村"]
    assert [p.name for p in levels.trail(county, levels.top(county))] == ["信丰县"]


def test_a_township_keeps_what_belongs_to_it(county):
    east = levels.within(county, levels.find(county, "大塘埠镇"))
    assert east.township["code"].tolist() == ["360722103"]
    assert east.villages["code"].tolist() == ["360722103201"]
    assert east.households["household_id"].tolist() == ["H5"]
    assert east["indicators"]["village_code"].tolist() == ["360722103201"]
    # the clinic no village owns is where it stands; the road runs through the other township
    assert east["facilities"]["facility_id"].tolist() == ["F2"]
    assert east["roads"].empty
    # the site is here; the move to it came from the other township, and is kept with it
    assert east["relocations"]["origin_code"].tolist() == ["360722102201"]
    assert east["history"]["record_key"].tolist() == ["H5"]
    west = levels.within(county, levels.find(county, "古陂镇"))
    assert west["relocations"]["site_id"].tolist() == ["S1"]
    assert west["relocation_sites"].empty
    assert west["history"]["record_key"].tolist() == ["H4"]
    assert levels.within(county, levels.top(county)) is county


def test_a_narrowed_workspace_replays_its_history(county):
    west = levels.within(county, levels.find(county, "古陂镇"))
    past = history.state_at(west, "2020-12-31")  # H5's change is not here to revert
    assert pd.isna(past.households.set_index("household_id").loc["H4", "monitor_year"])
    assert west.households.set_index("household_id").loc["H4", "monitor_year"] == 2021


def test_a_village_keeps_its_townships_outline(county):
    one = levels.within(county, levels.find(county, "李田村"))
    assert one.township["code"].tolist() == ["360722102"]
    assert one.villages["name"].tolist() == ["李田村"]
    assert sorted(one.households["household_id"]) == ["H3", "H4"]


def test_township_outlines_come_from_the_layer_or_their_villages(county):
    layers = two_township_layers()
    layers["township"] = layers["township"].iloc[[0]]  # the second township's outline missing
    frame = levels.township_frame(Workspace(layers))
    assert frame["code"].tolist() == ["360722102", "360722103"]
    assert frame["name"].tolist() == ["古陂镇", "乡镇 360722103"]
    assert frame["villages"].tolist() == [2, 1]
    assert frame.geometry.iloc[1].equals(layers["villages"].geometry.iloc[2])


def test_a_countys_map_units_are_its_townships(county):
    units = levels.as_units(county)
    v = units.villages
    assert v["code"].tolist() == ["360722102", "360722103"]
    assert v["name"].tolist() == ["古陂镇", "大塘埠镇"]
    assert v["population"].tolist() == [3900, 1800]
    assert v["poor_village"].tolist() == [True, False]
    assert sorted(set(units.households["village_code"])) == ["360722102", "360722103"]
    assert units["relocations"]["origin_code"].tolist() == ["360722102"]
    assert units["indicators"].empty
