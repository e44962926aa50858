"""The map, the brief and the 资金公示 as files: an offline HTML page, a PNG picture, a PDF
brief, an Excel workbook of the projects' money.

Shared by the dashboard's download buttons and ``township-atlas export-map`` / ``brief`` /
``funds``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from ..analysis import poverty
from ..geo import levels
from ..geo.workspace import Workspace
from ..report.content import brief_content
from ..report.funds import funds_workbook
from ..report.pdf import MapPanel, png_pages, render_map_page
from .view import ALL_LAYERS

#: Map layers an export can draw (the dashboard's layer names).
EXPORT_LAYERS = ALL_LAYERS
#: What each kind of file is called after the place and year (简报 the brief, 一张图 the map).
FILE_KINDS = {"pdf": "简报", "png": "一张图", "html": "一张图", "xlsx": "资金公示"}
#: Characters no file name may hold on Windows, macOS or Linux (and control characters).
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def file_name(township: str, year: int, kind: str, village: str | None = None) -> str:
    """The name a downloaded or written file gets: ``古陂镇-2025-简报.pdf``,
    ``古陂镇-枫树村-2025-简报.pdf``, ``古陂镇-2025-一张图.png`` or ``.html``,
    ``古陂镇-2025-资金公示.xlsx``.

    ``village`` is a village's name; the township is named once (a ``village`` equal to the
    township, or none, gives the township's file). Characters a file name cannot hold
    (``/\\:*?"<>|``, control characters) become ``_``. Raises ``ValueError`` for a ``kind``
    other than pdf, png, html or xlsx.
    """
    kind = str(kind).lower().lstrip(".")
    if kind not in FILE_KINDS:
        raise ValueError(f"file kind {kind!r}: use one of {', '.join(FILE_KINDS)}")
    town = _safe(township)
    place = _safe(village) if village is not None else ""
    parts = [town, "" if place == town else place, str(int(year)), FILE_KINDS[kind]]
    return "-".join(p for p in parts if p) + "." + kind


def _safe(text: str | None) -> str:
    """``text`` fit for a file name: no blank or dot at either end (Windows drops those),
    unsafe runs as ``_``."""
    return _UNSAFE.sub("_", str(text or "").strip().strip(".")).strip()


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
    # the brief's map (stations, sites and gap badges as on screen) with the chosen layers
    brief = brief_content(ws, year, village=village, map_projects="projects" in layers)
    page = replace(brief.pages[0], map=panel_with_layers(brief.pages[0].map, layers))
    return png_pages(render_map_page(replace(brief, pages=(page,))))[0]


def export_funds(ws: Workspace, year: int, village: str | None = None) -> bytes:
    """The 资金公示 workbook of the projects of ``year`` and before (every village's, or only
    ``village``'s: a code or name), as the map shows them up to that year. Raises
    ``report.funds.NoProjects`` when there is none."""
    if village:
        code = _village_code(ws, village)
        ws = levels.within(ws, levels.find(ws, code))
    return funds_workbook(ws, year, cumulative=True)


def panel_with_layers(panel: MapPanel, layers: frozenset[str]) -> MapPanel:
    """The brief's map with only the chosen dashboard ``layers``: points, legend lines, names
    and gap badges of the others left out."""
    points = panel.layers.points
    if points is not None:
        points = points[points["layer"].isin(layers).to_numpy()] if "layer" in points else points
        points = points if len(points) else None
    labels = panel.labels.copy()
    if "labels" not in layers:
        labels["text"], labels["note"] = "", ""
    if "gaps" not in layers and "badge" in labels:
        labels["badge"] = ""
    return replace(
        panel,
        layers=replace(
            panel.layers,
            roads=panel.layers.roads if "roads" in layers else None,
            rivers=panel.layers.rivers if "rivers" in layers else None,
            points=points,
        ),
        labels=labels,
        legend=tuple(e for e in panel.legend if not e.layer or e.layer in layers),
    )


def _village_code(ws: Workspace, village: str) -> str:
    codes = dict(zip(ws.villages["name"], ws.villages["code"].astype(str), strict=True))
    code = codes.get(village, village)
    if code not in set(codes.values()):
        raise ValueError(f"--village {village}: no such village code or name")
    return code
