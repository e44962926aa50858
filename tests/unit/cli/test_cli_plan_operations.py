"""township-atlas plan-stations plans with the stations working in the year: a closed one is
absent, a suspended one counts with --count-suspended (default: the rules').

The demo's seven stations reach 7 of its 17 villages (village stations 3 km, the township
centre 5 km); 新屋村's (F034) reaches 新屋村 alone and 阳光村's (F033) 阳光村 alone. The copy's
operations are two rows only (the demo's own replaced): in 2025 F034 closed, F033 suspended.
"""

from __future__ import annotations

import pandas as pd
import pytest

from township_atlas.geo.workspace import update_workspace

pytestmark = pytest.mark.slow


@pytest.fixture
def stopped(demo_copy):
    def change(ws):
        ops = pd.DataFrame(
            {"facility_id": ["F034", "F033"], "year": [2025, 2025], "status": ["关闭", "暂停"]}
        )
        return {"station_operations": ops.reindex(columns=ws["station_operations"].columns)}

    update_workspace(demo_copy, change)
    return demo_copy


def today_covered(run_cli, path, tmp_path, *extra: str) -> int:
    out = tmp_path / "plan.xlsx"
    args = ["plan-stations", str(path), "--radius-km", "3", "--township-radius-km", "5"]
    code, _, err = run_cli(*args, "--add", "1", "--out", str(out), *extra)
    assert code == 0, err
    summary = pd.read_excel(out, sheet_name="汇总", engine="openpyxl")
    return int(summary.loc[summary["指标"] == "覆盖行政村(个)", "现有网络"].iloc[0])


def test_closed_and_suspended_stations_in_the_plans_year(run_cli, stopped, tmp_path):
    assert today_covered(run_cli, stopped, tmp_path) == 5  # both stopped (rules: not counted)
    assert today_covered(run_cli, stopped, tmp_path, "--count-suspended") == 6
    assert today_covered(run_cli, stopped, tmp_path, "--no-count-suspended") == 5
    assert today_covered(run_cli, stopped, tmp_path, "--year", "2024") == 7  # before closing
