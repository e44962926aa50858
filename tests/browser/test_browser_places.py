"""A county in the browser: the county's townships on the map, a click opens a township's
villages, a village's card, breadcrumbs back up, and the address keeps the place."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.test_browser_scale import LABEL_BOXES, overlapping
from tests.support.browser import VILLAGE_PATHS, MapFrame, expect, visit
from tests.support.server import Server, start_server, stop_server
from tests.support.surveyed import county_layers
from township_atlas.geo import levels
from township_atlas.geo.workspace import Workspace, write_workspace

#: Where a point (lat, lng) of the map is in the map's frame.
IN_FRAME = """([lat, lng]) => {
    const p = map.latLngToContainerPoint([lat, lng]);
    const r = map.getContainer().getBoundingClientRect();
    return [p.x + r.left, p.y + r.top];
}"""


@pytest.fixture(scope="module")
def county() -> Workspace:
    return Workspace(county_layers(60, per_township=20, households=5))


@pytest.fixture(scope="module")
def county_server(tmp_path_factory, _private_data_dir, county) -> Iterator[Server]:
    path = write_workspace(tmp_path_factory.mktemp("places") / "county.gpkg", county.layers)
    server = start_server(path, _private_data_dir)
    yield server
    stop_server(server)


def click_at(v, frame: MapFrame, shape) -> None:
    """Click the map at a point inside ``shape`` (WGS84)."""
    point = shape.representative_point()
    x, y = frame.evaluate(IN_FRAME, [point.y, point.x])
    box = frame.owner.bounding_box()
    v.page.mouse.click(box["x"] + x, box["y"] + y)


def test_a_county_opens_on_its_townships_and_drills_down_to_a_village(
    browser, county_server, county
):
    towns = levels.townships(county)
    v = visit(browser, county_server.url, height=1000)
    frame = v.map_frame()
    expect(frame.locator(VILLAGE_PATHS)).to_have_count(len(towns))
    names = frame.evaluate(LABEL_BOXES)
    assert names["total"] == len(towns) and overlapping(names["shown"]) == []
    town = towns[1]
    outline = county.township.set_index("code").geometry[town.code]
    click_at(v, frame, outline)
    expect(v.page).to_have_url(f"{county_server.url}/?place={town.code}", timeout=60_000)
    mine = county.villages[county.villages["code"].str.startswith(town.code)]
    frame = v.map_frame()
    expect(frame.locator(VILLAGE_PATHS)).to_have_count(len(mine))
    crumbs = v.page.get_by_role("button", name=levels.top(county).name)
    expect(crumbs).to_be_visible()
    # a village: its card opens, the address names it
    one = mine.iloc[0]
    click_at(v, frame, one.geometry)
    expect(v.page).to_have_url(f"{county_server.url}/?place={one['code']}", timeout=60_000)
    card = v.page.get_by_text(f"{one['name']}({one['kind']})  {one['code']}")
    expect(card).to_be_visible(timeout=60_000)
    expect(v.page.get_by_text(one["name"], exact=True).first).to_be_visible()  # its crumb
    # back up to the county by its breadcrumb
    crumbs.click()
    expect(v.page).to_have_url(f"{county_server.url}/", timeout=60_000)
    expect(v.map_frame().locator(VILLAGE_PATHS)).to_have_count(len(towns))
    assert v.outside == [] and v.errors == []
    v.close()


def test_a_link_opens_the_place_it_names(browser, county_server, county):
    town = levels.townships(county)[2]
    v = visit(browser, f"{county_server.url}/?place={town.code}", height=1000)
    mine = county.villages["code"].str.startswith(town.code).sum()
    expect(v.map_frame().locator(VILLAGE_PATHS)).to_have_count(int(mine))
    expect(v.page.get_by_text(town.name).first).to_be_visible()
    assert v.outside == [] and v.errors == []
    v.close()
