"""The map and the brief as files: an offline HTML page, a PNG picture, a PDF brief.

Shared by the dashboard's download buttons and ``township-atlas export-map`` / ``brief``.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from ..analysis import poverty
from ..analysis.brief import brief_content
from ..geo.brief_pdf import png_pages, render_map_page
from ..geo.workspace import Workspace
from .view import ALL_LAYERS

#: Map layers an export can draw (the dashboard's layer names).
EXPORT_LAYERS = ALL_LAYERS


def export_map(
    ws: Workspace,
    kind: str,
    year: int | None = None,
    layers: frozenset[str] = frozenset(EXPORT_LAYERS),
    village: str | None = None,
) -> bytes:
    """The township map (or ``village``'s) as a standalone offline HTML page or a PNG picture
    with legend, north arrow, scale bar and 示意图 stamp (the dashboard's download buttons
    call this too)."""
    year = year or poverty.workspace_years(ws.households, ws["indicators"])[1]
    if kind == "html":
        # Imported here: these import Streamlit, which a command line would otherwise pay for
        # (and which warns that no app is running).
        logging.getLogger("streamlit").setLevel(logging.ERROR)
        from . import map as township_map
        from .view import map_spec

        spec = map_spec(ws, year, "poor_people", "zh", layers=layers | {"villages"})
        if village:
            from .meeting_view import focus

            spec = focus(spec, ws, _village_code(ws, village))
        return township_map.standalone_html(spec).encode("utf-8")
    brief = brief_content(ws, year, village=village)
    panel = brief.pages[0].map
    panel = replace(
        panel,
        layers=replace(
            panel.layers,
            roads=panel.layers.roads if "roads" in layers else None,
            rivers=panel.layers.rivers if "rivers" in layers else None,
            points=panel.layers.points
            if layers & {"service", "relocation", "facilities"}
            else None,
        ),
        labels=panel.labels if "labels" in layers else panel.labels.iloc[:0],
    )
    page = replace(brief.pages[0], map=panel)
    return png_pages(render_map_page(replace(brief, pages=(page,))))[0]


def _village_code(ws: Workspace, village: str) -> str:
    codes = dict(zip(ws.villages["name"], ws.villages["code"].astype(str), strict=True))
    code = codes.get(village, village)
    if code not in set(codes.values()):
        raise ValueError(f"--village {village}: no such village code or name")
    return code
