"""Names on the brief's map placed with a grid index (issue 16): the same places as comparing
every pair of boxes, found without comparing them all. Boxes in mm on the page."""

from __future__ import annotations

import numpy as np
import pytest

from township_atlas.report.label_index import PlacedBoxes, place, room
from township_atlas.report.pdf_canvas import Box, overlap

#: A map picture's inner box (mm), reaching left of and above the page's origin so cells with
#: negative numbers are used too.
INNER = Box(-40.0, -30.0, 150.0, 120.0)


class AllPairs(PlacedBoxes):
    """How names were placed before the index: every box set compared with every place."""

    def add(self, box: Box) -> None:
        self.boxes.append(box)

    def overlap(self, box: Box) -> float:
        return sum(overlap(box, other) for other in self.boxes)


def random_names(seed: int, n: int) -> list[tuple[float, float, float, float]]:
    """``n`` names as (width, height, anchor x, anchor y): a county's worth crowded on a map."""
    rng = np.random.default_rng(seed)
    w = rng.uniform(3.0, 22.0, n)
    h = rng.choice([2.7, 3.1, 5.4], n)  # a name alone, a small one, a name over its note
    ax = rng.uniform(INNER.x, INNER.x + INNER.w, n)
    ay = rng.uniform(INNER.y, INNER.y + INNER.h, n)
    return [tuple(map(float, row)) for row in zip(w, h, ax, ay, strict=True)]


def obstacles(seed: int) -> list[Box]:
    """What names keep clear of: symbols, and the stamp, north arrow and scale bar."""
    rng = np.random.default_rng(seed + 100)
    symbols = [Box(float(x), float(y), 2.8, 2.8) for x, y in rng.uniform(-40, 100, (12, 2))]
    return [*symbols, Box(-37.5, -27.5, 24.0, 11.5), Box(98.0, -28.0, 9.0, 15.2)]


def placed_all(names, kind: type[PlacedBoxes], **options) -> list[Box | None]:
    """Each name's box as the brief places them, in order (None: no place inside)."""
    placed = kind(obstacles(0), **options)
    out = []
    for w, h, ax, ay in names:
        box = place(w, h, ax, ay, INNER, placed)
        out.append(box)
        if box is not None:
            placed.add(box)
    return out


def test_a_name_goes_on_its_anchor_then_where_it_covers_nothing():
    placed = PlacedBoxes()
    first = place(10.0, 4.0, 50.0, 50.0, INNER, placed)
    assert first == Box(45.0, 48.0, 10.0, 4.0)  # centred on its anchor
    placed.add(first)
    # the same name again: on it, just above, below, beside and the corners all touch the
    # first; two steps above is clear
    assert place(10.0, 4.0, 50.0, 50.0, INNER, placed) == Box(45.0, 42.0, 10.0, 4.0)


def test_a_name_with_no_clear_place_goes_where_it_covers_least():
    wall = Box(0.0, 0.0, 100.0, 61.9)
    box = place(10.0, 4.0, 50.0, 58.0, Box(0.0, 0.0, 100.0, 80.0), PlacedBoxes([wall]))
    # two steps below the anchor, only the name's air reaches into the wall
    assert box == Box(45.0, 62.0, 10.0, 4.0)


def test_nothing_is_placed_outside_the_picture():
    assert place(30.0, 4.0, 5.0, 5.0, Box(0.0, 0.0, 20.0, 20.0), PlacedBoxes()) is None


@pytest.mark.parametrize("cell", [0.7, 3.0, 10.0, 40.0])
def test_overlap_is_the_sum_over_every_box_to_the_last_digit(cell):
    rng = np.random.default_rng(5)
    boxes = [
        Box(*map(float, r)) for r in rng.uniform([-50, -50, 0, 0], [100, 100, 30, 8], (300, 4))
    ]
    # boxes lying exactly on cell lines and touching each other
    boxes += [Box(0.0, 0.0, cell, cell), Box(cell, 0.0, cell, cell), Box(-cell, -cell, cell, 2.0)]
    index, every = PlacedBoxes(boxes, cell=cell), AllPairs(boxes)
    queries = [
        Box(*map(float, r)) for r in rng.uniform([-60, -60, 0, 0], [110, 110, 25, 6], (300, 4))
    ]
    queries += [Box(0.0, 0.0, cell, cell), Box(-cell, cell, cell, cell)]
    for q in queries:
        assert index.overlap(q) == every.overlap(q)  # exactly: not approx


@pytest.mark.parametrize(("seed", "cell"), [(1, 10.0), (2, 10.0), (3, 2.5)])
def test_the_index_places_the_same_boxes_as_all_pairs(seed, cell):
    names = random_names(seed, 200)
    indexed = placed_all(names, PlacedBoxes, cell=cell)
    assert indexed == placed_all(names, AllPairs)  # same boxes, same order, to the last digit
    assert sum(box is not None for box in indexed) > 150  # most names have a place inside


@pytest.mark.parametrize("seed", [1, 2])
def test_names_placed_clear_of_others_never_overlap_any(seed):
    placed = PlacedBoxes(obstacles(seed))
    clear = []
    for w, h, ax, ay in random_names(seed, 400):
        box = place(w, h, ax, ay, INNER, placed)
        if box is None:
            continue
        if placed.overlap(room(box)) == 0:
            clear.append((box, len(placed.boxes)))
        placed.add(box)
    assert len(clear) > 100  # many names found a clear place, others had to crowd
    # checked pair by pair, without the index: nothing set before a clear name touches its air
    for box, before in clear:
        assert all(overlap(room(box), other) == 0 for other in placed.boxes[:before])
    # and no two clear names cover one another
    boxes = [box for box, _ in clear]
    for i, a in enumerate(boxes):
        assert all(overlap(a, b) == 0 for b in boxes[i + 1 :])
