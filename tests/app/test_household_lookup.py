"""Looking one household up: by 户编号, masked or full ID; its years and its changes."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.support.paths import APP
from township_atlas.analysis.household_lookup import (
    find_households,
    household_changes,
    status_by_year,
)
from township_atlas.data.importing.register import hash_id

KEY = b"k" * 32
HOUSEHOLDS = pd.DataFrame(
    {
        "household_id": ["A-0001", "A-0002", "B-0100"],
        "village_code": ["360722102201"] * 3,
        "category": ["一般贫困户", "低保户", None],
        "identified_year": [2015, 2016, None],
        "exit_year": [2018, 2019, None],
        "return_year": [None, 2021, None],
        "status": ["已脱贫", "返贫", None],
        "monitor_kind": [None, "脱贫不稳定户", None],
        "monitor_year": [None, 2021, None],
        "head_id_hash": [hash_id("360722199001011234", KEY), None, None],
        "head_id_masked": ["360722********1234", "360722********5678", None],
    }
)


def ids(frame: pd.DataFrame) -> list[str]:
    return list(frame["household_id"])


def test_found_by_number_masked_form_or_the_hash_of_a_full_id():
    assert ids(find_households(HOUSEHOLDS, "A-0002")) == ["A-0002"]
    assert ids(find_households(HOUSEHOLDS, "a-000")) == ["A-0001", "A-0002"]
    assert ids(find_households(HOUSEHOLDS, "360722****5678")) == ["A-0002"]
    assert ids(find_households(HOUSEHOLDS, "1234")) == ["A-0001"]
    typed = hash_id("360722199001011234", KEY)
    assert ids(find_households(HOUSEHOLDS, "360722199001011234", typed)) == ["A-0001"]
    assert find_households(HOUSEHOLDS, "  ").empty and find_households(HOUSEHOLDS, "Z").empty


def test_status_year_by_year_from_the_households_own_years():
    years = status_by_year(HOUSEHOLDS.iloc[1], range(2015, 2023))
    assert list(years["status"]) == [
        "not_identified", "poor", "poor", "poor", "exited", "exited", "returned", "returned",
    ]  # fmt: skip
    assert list(years["monitored"]) == [False] * 6 + [True] * 2
    assert set(status_by_year(HOUSEHOLDS.iloc[2], range(2020, 2022))["status"]) == {
        "not_registered"
    }


def test_changes_of_one_household_oldest_first():
    history = pd.DataFrame(
        {
            "change_id": ["C00002", "C00001", "C00003"],
            "changed_at": ["2019-12-31", "2016-01-01", "2020-01-01"],
            "recorded_at": ["2026-01-01T00:00:00"] * 3,
            "kind": ["import", "import", "indicator"],
            "layer": ["households", "households", "indicators"],
            "record_key": ["A-0002", "A-0002", "360722102201/2020"],
            "field": ["status", "__row__", "bus"],
            "old_value": ["未脱贫", None, "false"],
            "new_value": ["已脱贫", "created", "true"],
            "note": ["导入 r.xlsx"] * 3,
            "reverts": [None] * 3,
        }
    )
    assert list(household_changes(history, "A-0002")["change_id"]) == ["C00001", "C00002"]


def test_household_page_finds_a_household_and_shows_its_story(demo_copy, monkeypatch):
    ws = demo_copy
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(ws))
    at = AppTest.from_file(str(APP), default_timeout=90).run()
    at.switch_page("app_pages/household_page.py").run()
    assert not at.exception
    at.text_input(key="hh_query").set_value("360722102201-0036").run()
    assert not at.exception
    assert at.selectbox(key="hh_choice").value == "360722102201-0036"
    assert at.subheader[0].value.startswith(r"360722102201\-0036")  # Markdown-escaped
    fields = at.dataframe[0].value
    assert "返贫年度" in set(fields["项目"])
    at.text_input(key="hh_query").set_value("no such household").run()
    assert "没有找到" in at.info[0].value
