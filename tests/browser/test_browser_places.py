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


#: The bold outline of the village whose card is open.
FOCUS = "path.ta-focus"
#: Its box in the frame.
FOCUS_BOX = """() => {
    const r = document.querySelector('path.ta-focus').getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
}"""
#: True once the outline holds a point (lat, lng) of the map.
MOVED = """([lat, lng]) => {
    const path = document.querySelector('path.ta-focus');
    if (!path) return false;
    const p = map.latLngToContainerPoint([lat, lng]);
    const m = map.getContainer().getBoundingClientRect();
    const r = path.getBoundingClientRect();
    const x = p.x + m.left, y = p.y + m.top;
    return r.left <= x && x <= r.right && r.top <= y && y <= r.bottom;
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
    expect(v.map_frame().locator(FOCUS)).to_have_count(1)  # the village outlined
    expect(v.page.get_by_text(one["name"], exact=True).first).to_be_visible()  # its crumb
    # back up to the county by its breadcrumb
    crumbs.click()
    expect(v.page).to_have_url(f"{county_server.url}/", timeout=60_000)
    expect(v.map_frame().locator(VILLAGE_PATHS)).to_have_count(len(towns))
    assert v.outside == [] and v.errors == []
    v.close()


def test_a_village_link_opens_its_card_and_outlines_it_where_the_view_stays(
    browser, county_server, county
):
    town = levels.townships(county)[1]
    mine = county.villages[county.villages["code"].str.startswith(town.code)]
    one, other = mine.iloc[2], mine.iloc[5]
    v = visit(browser, f"{county_server.url}/?place={one['code']}", height=1000)
    frame = v.map_frame()
    expect(frame.locator(VILLAGE_PATHS)).to_have_count(len(mine))
    expect(v.page.get_by_text(f"{one['name']}({one['kind']})  {one['code']}")).to_be_visible(
        timeout=60_000
    )
    expect(frame.locator(FOCUS)).to_have_count(1)
    box = frame.evaluate(FOCUS_BOX)
    centre = one.geometry.representative_point()
    x, y = frame.evaluate(IN_FRAME, [centre.y, centre.x])
    assert box["left"] <= x <= box["right"] and box["top"] <= y <= box["bottom"]
    # another village clicked: the outline moves to it, the view (zoom) stays
    zoom = frame.evaluate("() => map.getZoom()")
    drawn = frame.evaluate("() => document.querySelector('path.ta-focus').getAttribute('d')")
    click_at(v, frame, other.geometry)
    expect(v.page).to_have_url(f"{county_server.url}/?place={other['code']}", timeout=60_000)
    centre = other.geometry.representative_point()
    frame.wait_for(
        "(d) => { const p = document.querySelector('path.ta-focus'); "
        "return !!p && p.getAttribute('d') !== d; }",
        drawn,
    )
    frame.wait_for(MOVED, [centre.y, centre.x])
    expect(frame.locator(FOCUS)).to_have_count(1)
    assert frame.evaluate("() => map.getZoom()") == zoom
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
