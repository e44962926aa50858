"""Names from data never reach Markdown unescaped: a village called ``![x](http://host/b.png)``
must not make the browser fetch an outside image through st.info, a caption or a heading."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.support.paths import APP

HOSTILE = (
    "![x](http://evil.example/b.png)",
    "<img src=x onerror=alert(1)>",
    "**bold**",
    "[link](http://evil.example)",
)
#: What Markdown would render from the values above when they arrive unescaped.
MARKUP = re.compile(
    r"(?<!\\)!(?<!\\)\[|(?<!\\)\]\((?:https?:)?//|(?<!\\)\]\(http|(?<!\\)<img|(?<!\\)\*\*bold"
)
#: Elements whose body Streamlit renders as Markdown.
MARKDOWN_ELEMENTS = (
    "markdown",
    "info",
    "warning",
    "error",
    "success",
    "caption",
    "subheader",
    "header",
    "title",
    "toast",
)


@pytest.fixture(scope="module")
def hostile_path(tmp_path_factory):
    """The demo township with hostile names in villages, relocation sites and stations."""
    from township_atlas.data.demo import build_demo_layers, demo_meta
    from township_atlas.geo.workspace import write_workspace

    layers = build_demo_layers()
    for name in ("villages", "relocation_sites", "facilities"):
        frame = layers[name].copy()
        frame["name"] = [f"{HOSTILE[i % len(HOSTILE)]}{i}" for i in range(len(frame))]
        layers[name] = frame
    path = tmp_path_factory.mktemp("hostile") / "hostile.gpkg"
    return write_workspace(path, layers, demo_meta())


def first_village(path) -> str:
    from township_atlas.geo.workspace import read_workspace

    return str(read_workspace(path).villages["code"].iloc[0])


def bodies(at: AppTest) -> list[str]:
    """The text of every Markdown-rendering element on the page, and every metric's label."""
    found = [str(e.value) for kind in MARKDOWN_ELEMENTS for e in at.get(kind)]
    return found + [str(m.label) for m in at.metric]


def unescaped(texts: list[str]) -> list[str]:
    return [t for t in texts if MARKUP.search(t) or any(h in t for h in HOSTILE)]


def open_page(path, page: str | None, monkeypatch, **state) -> AppTest:
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(path))
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception
    return at


def test_the_markup_pattern_finds_raw_names_and_passes_escaped_ones():
    from township_atlas.dashboard.markup import escape_md

    assert all(MARKUP.search(h) for h in HOSTILE)
    assert not unescaped([escape_md(h) for h in HOSTILE])


@pytest.mark.parametrize(
    "page",
    [
        None,  # 一张图
        "app_pages/villages_page.py",
        "app_pages/relocation_page.py",
        "app_pages/gaps_page.py",  # the clicked village's line is an st.info
        "app_pages/progress_page.py",
        "app_pages/schema_page.py",
        "app_pages/plan_page.py",
    ],
)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_show_names_from_data_as_text(hostile_path, monkeypatch, page, lang):
    at = open_page(
        hostile_path,
        page,
        monkeypatch,
        lang=lang,
        selected_village=first_village(hostile_path),
    )
    shown = bodies(at)
    assert shown, "the page shows no Markdown at all: the test would prove nothing"
    assert unescaped(shown) == []


def test_the_clicked_villages_line_shows_its_name_escaped(hostile_path, monkeypatch):
    at = open_page(
        hostile_path,
        "app_pages/gaps_page.py",
        monkeypatch,
        selected_village=first_village(hostile_path),
    )
    from township_atlas.dashboard.markup import escape_md

    name = escape_md(f"{HOSTILE[0]}0")  # the first village's name, escaped
    assert [e.value for e in at.info if e.value.startswith(name)]


def test_an_import_message_shows_what_the_file_said_escaped(hostile_path, monkeypatch):
    """The message after an import (panels.flash renders it with st.error/st.success)."""
    from township_atlas.dashboard import import_panels

    said = f"第 3 列 {HOSTILE[0]} {HOSTILE[1]}"
    refused = import_panels.result_message(import_panels.Refused(said, said), "zh")
    at = open_page(hostile_path, "app_pages/data_page.py", monkeypatch, flash=refused)
    assert any("第 3 列" in e.value for e in at.error)
    assert unescaped(bodies(at)) == []


def _preview_script(crs: str, note: str) -> None:
    import pandas as pd

    from township_atlas.dashboard import import_panels
    from township_atlas.data.importing.run import ImportOutcome

    rejected = pd.DataFrame(columns=["source_row", "reason_zh", "reason_en"])
    outcome = ImportOutcome("facilities", 1, rejected, notes=[(note, note)], crs=crs)
    import_panels.preview(outcome, "zh")


def test_the_import_preview_shows_the_files_crs_and_notes_escaped():
    at = AppTest.from_function(
        _preview_script, args=(HOSTILE[0], f"列 {HOSTILE[3]} 未识别"), default_timeout=30
    ).run()
    assert not at.exception
    assert any("未识别" in e.value for e in at.info)
    assert unescaped(bodies(at)) == []


CELLS = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)", "\tx"]


@pytest.mark.parametrize(
    "cell",
    [
        *CELLS,
        "\rx",
    ],
)
def test_csv_exports_write_formula_like_cells_as_text(cell):
    """Every CSV the pages offer goes through geo.export.csv_bytes: a cell starting with
    = + - @ tab or CR comes back as text (a leading apostrophe), in its own row and column."""
    import csv
    import io

    from township_atlas.geo.export import csv_bytes

    text = csv_bytes(pd.DataFrame({"name": [cell], "n": [7]})).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [["name", "n"], ["'" + cell, "7"]]


def test_workbook_exports_write_formula_like_cells_as_text():
    """Every workbook goes through geo.export.excel_bytes: openpyxl reads strings back, no
    formula (=HYPERLINK in a village name was a live link)."""
    import io

    import openpyxl

    from township_atlas.geo.export import excel_bytes

    cells = [*CELLS, "\rx"]
    frame = pd.DataFrame({"name": cells, "n": range(len(cells))})
    sheet = openpyxl.load_workbook(io.BytesIO(excel_bytes({"s": frame}))).active
    read = [sheet.cell(row=i + 2, column=1) for i in range(len(cells))]
    # XML keeps no bare CR: the last cell comes back as "\nx", still text
    assert [c.value for c in read][: len(CELLS)] == CELLS
    assert all(c.data_type == "s" for c in read)
