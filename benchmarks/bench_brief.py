"""The printed brief at township, county and prefecture size, on surveyed-style boundaries: its
names placed with the grid index (``report/label_index.py``) against all pairs, as before.

Workspaces of 17, 300 and 3,000 villages (``tests/support/surveyed.py``) are built in a
temporary folder and each one's brief is made (``report.brief.build_brief``, the township page
and the pages its village table runs on to). The named alternative, in the same run: every
place a name may go compared with every box already set (the code before the index,
:class:`AllPairs`). Both are timed on the very same names: the placement calls the brief made
are replayed against all pairs, which must choose the same boxes; and the whole brief is made
again as before (:func:`as_before`: all pairs, and a county's table measured at every row
height although it fits at none); both up to ``--all-pairs-limit`` villages (3,000 names
compared all pairs take over two minutes). Times are the best of ``--runs``; a first brief,
untimed, loads what every brief needs.

usage: python -m benchmarks.bench_brief [--sizes 17 300 3000] [--all-pairs-limit 300] [--runs 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import pypdfium2 as pdfium

from tests.support.surveyed import county_layers
from township_atlas.geo.workspace import read_workspace, write_workspace
from township_atlas.report import label_index, pdf_column, pdf_map
from township_atlas.report.brief import build_brief
from township_atlas.report.pdf_canvas import Box, overlap


class AllPairs(label_index.PlacedBoxes):
    """The alternative, as names were placed before: a plain list, every place compared with
    every box set."""

    def add(self, box: Box) -> None:
        self.boxes.append(box)

    def overlap(self, box: Box) -> float:
        return sum(overlap(box, other) for other in self.boxes)


@contextmanager
def as_before():
    """The brief as it was made before: names placed against all pairs, and a long table
    measured cell by cell at every row height before it is found not to fit."""
    made, floor = pdf_map.PlacedBoxes, pdf_column.least_height
    pdf_map.PlacedBoxes = AllPairs
    pdf_column.least_height = lambda *_: 0.0
    try:
        yield
    finally:
        pdf_map.PlacedBoxes, pdf_column.least_height = made, floor


@contextmanager
def recorded(calls: list):
    """Every placement the brief makes, by map: the boxes the names keep clear of, the
    picture's inner box, and each name's size and anchor with the box chosen."""
    made = pdf_map.place

    def place(w, h, ax, ay, inner, placed):
        if not calls or calls[-1][0] is not placed:  # a new map: nothing placed on it yet
            calls.append((placed, list(placed.boxes), inner, []))
        box = made(w, h, ax, ay, inner, placed)
        calls[-1][3].append(((w, h, ax, ay), box))
        return box

    pdf_map.place = place
    try:
        yield
    finally:
        pdf_map.place = made


def replay(calls: list, kind: type[label_index.PlacedBoxes]) -> tuple[float, int]:
    """The recorded placements made again against ``kind``: seconds, and how many boxes
    differ from those the brief chose."""
    differ = 0
    t0 = time.perf_counter()
    for _, obstacles, inner, names in calls:
        placed = kind(obstacles)
        for (w, h, ax, ay), chosen in names:
            box = label_index.place(w, h, ax, ay, inner, placed)
            differ += box != chosen
            if box is not None:
                placed.add(box)
    return time.perf_counter() - t0, differ


def best_of(runs: int, work: Callable[[], object]) -> float:
    """The fewest seconds ``work`` took in ``runs`` runs (the machine is shared)."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[17, 300, 3000])
    ap.add_argument("--all-pairs-limit", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3, help="best of, up to the limit")
    a = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="atlas-brief-"))
    print(
        f"{'villages':>8} {'pages':>5} │ {'brief':>7} {'names':>7} │ as before: {'brief':>7} "
        f"{'names':>8} │ {'names ×':>8} {'brief ×':>8} │ same boxes",
        flush=True,
    )
    workspaces = {n: write_workspace(folder / f"v{n}.gpkg", county_layers(n)) for n in a.sizes}
    build_brief(read_workspace(workspaces[min(a.sizes)]))  # imports, fonts: not the brief's
    for n in a.sizes:
        ws = read_workspace(workspaces[n])
        runs = a.runs if n <= a.all_pairs_limit else 1
        calls: list = []
        with recorded(calls):
            pdf = build_brief(ws)
        pages = len(pdfium.PdfDocument(pdf))
        ours = best_of(runs, partial(build_brief, ws))
        names, differ = min(replay(calls, label_index.PlacedBoxes) for _ in range(runs))
        row = f"{n:>8} {pages:>5} │ {ours:>6.2f}s {names:>6.3f}s │ {'':>10} "
        if n > a.all_pairs_limit:
            same = "yes" if differ == 0 else f"NO: {differ} differ"
            print(f"{row}{'–':>7} {'–':>8} │ {'–':>8} {'–':>8} │ {same}", flush=True)
            continue
        names_all, differ_all = min(replay(calls, AllPairs) for _ in range(runs))
        with as_before():
            before = best_of(runs, partial(build_brief, ws))
        same = "yes" if differ == differ_all == 0 else f"NO: {differ + differ_all} differ"
        print(
            f"{row}{before:>6.2f}s {names_all:>7.3f}s │ {names_all / max(names, 1e-9):>7.0f}× "
            f"{before / ours:>7.1f}× │ {same}",
            flush=True,
        )


if __name__ == "__main__":
    main()
