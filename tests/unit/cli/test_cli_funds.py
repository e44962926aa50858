"""township-atlas funds (issue 17): the 资金公示 workbook written (exit 0) with the totals of
``money_workspace``; a file that cannot be written where asked is one line and exit 2."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.support.money_workspace import money_layers
from township_atlas.geo.workspace import write_workspace

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    return write_workspace(tmp_path_factory.mktemp("funds") / "ws.gpkg", money_layers())


def totals(path) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    return [r for r in book["资金公示"].iter_rows(values_only=True) if r[0] == "合计"]


def test_the_workbook_is_written(run_cli, workspace, tmp_path):
    out = tmp_path / "资金公示.xlsx"
    result = run_cli("funds", workspace, "--out", out)
    assert result.code == 0, result.err
    assert "3个项目" in result.err and str(out) in result.err
    (total,) = totals(out)
    assert total[6:11] == (100, 75, 75, 56, 13)


def test_a_year_and_a_place(run_cli, workspace, tmp_path):
    out = tmp_path / "2021.xlsx"
    assert run_cli("funds", workspace, "--year", "2021", "--out", out).code == 0
    assert totals(out)[0][6:8] == (20, 5)  # only P3
    village = tmp_path / "village.xlsx"
    assert run_cli("funds", workspace, "--place", "新屋村", "--out", village).code == 0
    assert totals(village)[0][6:8] == (80, 70)


@pytest.mark.parametrize(
    ("out", "words"),
    [("no-such-folder/funds.xlsx", "no folder"), ("funds.csv", "*.xlsx")],
)
def test_an_out_that_cannot_be_written_is_one_line_and_exit_2(
    run_cli, workspace, tmp_path, out, words
):
    result = run_cli("funds", workspace, "--out", tmp_path / out)
    assert result.code == 2
    (line,) = result.err.strip().splitlines()
    assert line.startswith("township-atlas: error: --out") and words in line
    assert not list(tmp_path.glob("**/*.xlsx"))


def test_a_year_without_projects_says_so(run_cli, workspace, tmp_path):
    result = run_cli("funds", workspace, "--year", "2016", "--out", tmp_path / "f.xlsx")
    assert result.code == 1
    assert result.err.strip() == "township-atlas: error: no project in 2016"
