"""300 surveyed-style villages in the browser: every village drawn, names never on top of one
another at any zoom, and the boundaries sent simplified."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.browser import VILLAGE_PATHS, expect, visit
from tests.support.server import Server, start_server, stop_server
from tests.support.surveyed import county_layers
from township_atlas.geo.workspace import write_workspace

#: Every shown name's box, and how many names are hidden (in the map's frame).
LABEL_BOXES = """() => {
    const shown = [], all = document.querySelectorAll('.ta-label');
    for (const el of all) {
        if (el.style.visibility === 'hidden') continue;
        const r = el.getBoundingClientRect();
        if (r.right < 0 || r.bottom < 0 || r.left > innerWidth || r.top > innerHeight) continue;
        shown.push([r.left, r.top, r.right, r.bottom]);
    }
    return {shown, total: all.length};
}"""


@pytest.fixture(scope="module")
def county_server(tmp_path_factory, _private_data_dir) -> Iterator[Server]:
    # one township of 300 villages: the map draws them all (a county's opens on its townships)
    layers = county_layers(300, per_township=300)
    path = write_workspace(tmp_path_factory.mktemp("county") / "county.gpkg", layers)
    server = start_server(path, _private_data_dir)
    yield server
    stop_server(server)


def overlapping(boxes: list[list[float]]) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i, a in enumerate(boxes)
        for j, b in enumerate(boxes[:i])
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ]


def test_a_county_draws_every_village_with_names_that_never_overlap(browser, county_server):
    v = visit(browser, county_server.url, height=1000)
    frame = v.map_frame()
    expect(frame.locator(VILLAGE_PATHS)).to_have_count(300)
    # simplified for the view: a few dozen vertices a village, not the ~380 surveyed
    vertices = frame.evaluate(
        "() => [...document.querySelectorAll('.leaflet-villages-pane path')]"
        ".reduce((n, p) => n + (p.getAttribute('d').match(/L/g) || []).length, 0)"
    )
    assert vertices < 300 * 120
    whole = frame.evaluate(LABEL_BOXES)
    assert whole["total"] == 300 and 20 < len(whole["shown"]) < 300
    assert overlapping(whole["shown"]) == []
    # two zoom levels closer: more names fit, still none on another
    zoom = frame.evaluate("() => map.getZoom()")
    for step in (1, 2, 3, 4):  # the map zooms by half levels
        frame.locator(".leaflet-control-zoom-in").click()
        frame.wait_for(
            f"() => map.getZoom() > {zoom + step / 2 - 0.01}"
            " && !document.querySelector('.leaflet-zoom-anim')"
        )
    closer = frame.evaluate(LABEL_BOXES)
    assert overlapping(closer["shown"]) == []
    assert len(closer["shown"]) > 0
    assert v.outside == [] and v.errors == []
    v.close()


def test_a_townships_names_all_find_a_free_spot_on_a_projector(browser, demo_server):
    v = visit(browser, f"{demo_server.url}/meeting?present=1", height=720, width=1280)
    boxes = v.map_frame().evaluate(LABEL_BOXES)
    assert boxes["total"] == 17 and len(boxes["shown"]) == 17  # none hidden
    assert overlapping(boxes["shown"]) == []
    v.close()
