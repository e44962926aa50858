"""电商网点规划 with the year's station operations: a closed station stops covering, a suspended
one as the switch says, and the page lists the flagged stations and the villages left
uncovered.

A demo copy whose operations are two rows (the demo's own replaced): in 2025 新屋村's station
(F034) closed and 阳光村's (F033) suspended. Each alone reaches its village (3 km; the township
centre 5 km): today's network covers 7 of 17 villages in 2024, 5 in 2025, 6 with the suspended
one counted.
"""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.support.paths import ROOT
from township_atlas.dashboard import state as S
from township_atlas.geo.workspace import update_workspace

APP = str(ROOT / "dashboard" / "app.py")
PLAN = "app_pages/plan_page.py"
REACH = "现有网络 · 覆盖行政村"


@pytest.fixture
def at(demo_copy, monkeypatch) -> AppTest:
    def change(ws):
        ops = pd.DataFrame(
            {"facility_id": ["F034", "F033"], "year": [2025, 2025], "status": ["关闭", "暂停"]}
        )
        return {"station_operations": ops.reindex(columns=ws["station_operations"].columns)}

    update_workspace(demo_copy, change)
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(demo_copy))
    app = AppTest.from_file(APP, default_timeout=90)
    app.run()
    app.switch_page(PLAN).run()
    assert not app.exception
    return app


def reach(at: AppTest) -> str:
    return {m.label: m.value for m in at.metric}[REACH]


def test_closed_and_suspended_stations_do_not_cover_and_are_listed(at):
    assert reach(at) == "5 / 17"
    flagged = next(df.value for df in at.dataframe if "问题" in df.value.columns)
    assert list(flagged["网点"]) == ["新屋村电商服务站", "阳光村电商服务站"]
    lost = next(df.value for df in at.dataframe if "原覆盖网点" in df.value.columns)
    assert list(lost["行政村"]) == ["新屋村", "阳光村"]
    assert any("2个村" in c.value and "未脱贫人口 6人" in c.value for c in at.caption)


def test_the_switch_counts_the_suspended_station_and_the_year_before_has_both(at):
    assert at.checkbox(key=S.widget_key(S.PLAN_COUNT_SUSPENDED, "zh")).value is False  # rules
    at.checkbox(key=S.widget_key(S.PLAN_COUNT_SUSPENDED, "zh")).check().run()
    assert not at.exception
    assert reach(at) == "6 / 17"
    lost = next(df.value for df in at.dataframe if "原覆盖网点" in df.value.columns)
    assert list(lost["行政村"]) == ["新屋村"]
    at.session_state[S.YEAR] = 2024
    at.run()
    assert not at.exception
    assert reach(at) == "7 / 17"
    assert any("没有村因网点关闭或暂停而失去覆盖" in c.value for c in at.caption)
