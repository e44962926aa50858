"""Where a name goes on a printed map: the first place around its anchor that covers nothing
already set, else the one that covers least.

What is already set (symbols, the map's furniture, names placed before) is kept in a grid of
square cells, each box listed in every cell it touches, so a place is compared with the few
boxes near it instead of every box on the map (a prefecture's 3,000 names compared all pairs
took over 100 s). Boxes near a place are summed in the order they were set, so the overlap
is the very number comparing with every box gives (the others add exactly 0) and the names
land where they always did.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from .pdf_canvas import Box, overlap

#: Where a label may go around its anchor, in order: on it, above, below, right, left, corners.
OFFSETS = (
    (0, 0),
    (0, -1),
    (0, 1),
    (1, 0),
    (-1, 0),
    (1, -1),
    (-1, -1),
    (1, 1),
    (-1, 1),
    (0, -2),
    (0, 2),
    (2, 0),
    (-2, 0),
)
#: Side of a grid cell (mm at A4): about a short name's width, so a place meets a few cells.
CELL = 10.0


class PlacedBoxes:
    """The boxes set on a map so far, in the order they were set, found by the grid cells
    of side ``cell`` (mm) that they touch."""

    def __init__(self, boxes: Iterable[Box] = (), cell: float = CELL) -> None:
        self.boxes: list[Box] = []
        self._cell = cell
        self._cells: defaultdict[tuple[int, int], list[int]] = defaultdict(list)
        for box in boxes:
            self.add(box)

    def add(self, box: Box) -> None:
        """Set ``box``: places after it keep clear of it."""
        number = len(self.boxes)
        self.boxes.append(box)
        for key in self._keys(box):
            self._cells[key].append(number)

    def overlap(self, box: Box) -> float:
        """The area ``box`` shares with the boxes set, added up in the order they were set."""
        near: set[int] = set()
        for key in self._keys(box):
            near.update(self._cells.get(key, ()))
        return sum(overlap(box, self.boxes[i]) for i in sorted(near))

    def _keys(self, box: Box) -> list[tuple[int, int]]:
        # Two boxes sharing any area share a point inside both, so they share its cell.
        c = self._cell
        columns = range(math.floor(box.x / c), math.floor((box.x + box.w) / c) + 1)
        rows = range(math.floor(box.y / c), math.floor((box.y + box.h) / c) + 1)
        return [(i, j) for i in columns for j in rows]


def room(box: Box) -> Box:
    """``box`` with the air a name keeps around it: two names touching read as one."""
    return Box(box.x - 0.9, box.y - 0.2, box.w + 1.8, box.h + 0.4)


def place(w: float, h: float, ax: float, ay: float, inner: Box, placed: PlacedBoxes) -> Box | None:
    """Where a label ``w`` × ``h`` mm goes around its anchor (ax, ay): the first of
    :data:`OFFSETS` inside ``inner`` that overlaps nothing ``placed``, else the one that
    overlaps least; None when none is inside. The caller adds the box it sets."""
    best, best_cost = None, math.inf
    for dx, dy in OFFSETS:
        box = Box(ax - w / 2 + dx * (w / 2 + 1.2), ay - h / 2 + dy * (h / 2 + 1.0), w, h)
        if not box.inside(inner):
            continue
        cost = placed.overlap(room(box))
        if cost == 0:
            return box
        if cost < best_cost:
            best, best_cost = box, cost
    return best
