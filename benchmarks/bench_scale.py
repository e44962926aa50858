"""What one map view costs at township, county and prefecture size, on surveyed-style boundaries.

Workspaces of 17, 300 and 3,000 villages (~380 vertices each, shared edges; made by
``tests/support/surveyed.py``) are built in a temporary folder. For each we time the map's spec
(first and after a year change) and its page, and weigh the page the browser receives. The named
alternative, in the same run: the same map with the surveyed vertices sent as they are (the code
before boundaries were simplified for the view), so the ratio says what simplification buys.

usage: python -m benchmarks.bench_scale [--sizes 17 300 3000]   (from the project's folder)
"""

from __future__ import annotations

import argparse
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from tests.support.surveyed import county_layers
from township_atlas.dashboard import map as township_map
from township_atlas.dashboard import view
from township_atlas.geo import simplify
from township_atlas.geo.workspace import read_workspace, write_workspace


@contextmanager
def surveyed_vertices_sent():
    """The alternative: boundaries drawn with every vertex, as before simplification."""
    made = simplify.for_display

    def unsimplified(villages, township):
        return simplify.Display(villages.geometry, township, 0.0, 6)

    simplify.for_display = unsimplified
    try:
        yield
    finally:
        simplify.for_display = made


def measure(ws) -> dict[str, float]:
    """Seconds for the first spec, a year change's spec and the page; the page's KB."""
    t0 = time.perf_counter()
    view.map_spec(ws, 2020, "poor_people", "zh")
    t1 = time.perf_counter()
    spec = view.map_spec(ws, 2021, "poor_people", "zh")
    t2 = time.perf_counter()
    page = township_map.build_map(spec).get_root().render()
    t3 = time.perf_counter()
    return {"first": t1 - t0, "year": t2 - t1, "page": t3 - t2, "kb": len(page.encode()) / 1024}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[17, 300, 3000])
    a = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="atlas-scale-"))
    rows = []
    for n in a.sizes:
        path = write_workspace(folder / f"v{n}.gpkg", county_layers(n))
        ws = read_workspace(path)
        ours = measure(ws)
        with surveyed_vertices_sent():
            before = measure(ws)
        rows.append((n, ours, before))
        print(
            f"{n:>5} villages: page {ours['kb']:,.0f} KB (all vertices: {before['kb']:,.0f} KB, "
            f"ratio {before['kb'] / ours['kb']:.1f}×); first spec {ours['first']:.2f} s "
            f"({before['first']:.2f} s); year change: spec {ours['year']:.2f} s + page "
            f"{ours['page']:.2f} s ({before['year']:.2f} s + {before['page']:.2f} s)",
            flush=True,
        )


if __name__ == "__main__":
    main()
