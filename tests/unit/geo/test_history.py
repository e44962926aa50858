"""Recorded changes: applied, kept for ever, undone by their reverse, replayed for past dates."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from township_atlas.analysis import poverty
from township_atlas.geo import gpkg
from township_atlas.geo import history as H
from township_atlas.geo.workspace import Workspace, read_workspace, update_workspace

NOW = "2026-11-29T16:00:00"


def apply(ws: Workspace, layers: dict) -> Workspace:
    return Workspace({**ws.layers, **layers}, ws.meta)


def same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))


def poor_household(ws: Workspace) -> str:
    """A household poor now (the demo's are all 返贫: fell back after exiting)."""
    poor = ws.households["status"].isin(["未脱贫", "返贫"])
    return str(ws.households.loc[poor, "household_id"].iloc[0])


def test_an_indicator_change_adds_the_years_row_and_leaves_earlier_years(demo_ws):
    code = str(demo_ws.villages["code"].iloc[5])
    changes = H.indicator_change(demo_ws, code, "road_hardened", False, "2026-03-01")
    assert [c.field for c in changes] == [H.ROW, "road_hardened"]
    ws = apply(
        demo_ws, H.record(demo_ws, "indicator", changes, changed_at="2026-03-01", recorded_at=NOW)
    )
    ind = ws["indicators"]
    new = ind[(ind["village_code"] == code) & (ind["year"] == 2026)].iloc[0]
    before = ind[(ind["village_code"] == code) & (ind["year"] == 2025)].iloc[0]
    assert not new["road_hardened"] and new["safe_water"] == before["safe_water"]
    assert len(ind) == len(demo_ws["indicators"]) + 1
    hist = ws["history"]
    assert list(hist["field"]) == [H.ROW, "road_hardened"] and set(hist["change_id"]) == {"C00001"}
    # The state before the change is the workspace as it was
    same(H.state_at(ws, "2025-12-31")["indicators"], demo_ws["indicators"])
    same(H.state_at(ws, "2026-12-31")["indicators"], ind)


def test_an_indicator_of_a_village_with_no_earlier_row_is_refused_with_the_reason(demo_ws):
    code = str(demo_ws.villages["code"].iloc[5])
    ind = demo_ws["indicators"]
    first = int(ind.loc[ind["village_code"] == code, "year"].min())
    # before the village's first row there is nothing to start the year's row from
    with pytest.raises(H.ChangeError, match=f"village {code} has no indicators for {first - 1}"):
        H.indicator_change(demo_ws, code, "road_hardened", True, f"{first - 1}-06-01")
    without = apply(demo_ws, {"indicators": ind[ind["village_code"] != code]})
    with pytest.raises(H.ChangeError, match="import its indicators first"):
        H.indicator_change(without, code, "road_hardened", True, "2026-03-01")


def test_household_changes_and_figures_by_year_match_a_direct_computation(demo_ws):
    hid = poor_household(demo_ws)
    ws = demo_ws
    for kind, build, date in (
        ("household_exit", H.household_exit, "2026-02-01"),
        ("household_fell_back", H.household_fell_back, "2026-09-01"),
    ):
        layers = H.record(ws, kind, build(ws, hid, date), changed_at=date, recorded_at=NOW)
        ws = apply(ws, layers)
    row = ws.households.set_index("household_id").loc[hid]
    assert (row["status"], row["exit_year"], row["return_year"]) == ("返贫", 2026, 2026)
    # exits and falls back in 2026: still poor at the end of 2026
    assert poverty.remaining_mask(ws.households, 2026)[ws.households["household_id"] == hid].all()
    by_year = poverty.figures_by_year(ws, [2024, 2025, 2026]).set_index("year")
    for year in (2024, 2025):  # before the changes: the original register
        direct = poverty.township_totals(demo_ws.villages, demo_ws.households, year)
        assert by_year.loc[year, "poor_people"] == direct["poor_people"]
    direct = poverty.township_totals(ws.villages, ws.households, 2026)
    assert by_year.loc[2026, "poor_people"] == direct["poor_people"]
    assert by_year.loc[2026, "returned_households"] == direct["returned_households"]
    # mid-year: exited, not yet fallen back
    mid = H.state_at(ws, "2026-06-30").households.set_index("household_id").loc[hid]
    fell_back = demo_ws.households.set_index("household_id").loc[hid, "return_year"]
    assert (mid["status"], mid["exit_year"], mid["return_year"]) == ("已脱贫", 2026, fell_back)
    assert not poverty.remaining_mask(H.state_at(ws, "2026-06-30").households, 2026)[
        ws.households["household_id"] == hid
    ].any()


def test_undo_is_a_new_change_that_restores_the_fields(demo_ws):
    hid = poor_household(demo_ws)
    kind = "脱贫不稳定户"
    changes = H.household_monitored(demo_ws, hid, kind, "2026-05-01")
    ws = apply(
        demo_ws,
        H.record(
            demo_ws,
            "household_monitored",
            changes,
            changed_at="2026-05-01",
            recorded_at=NOW,
            note="因病",
        ),
    )
    assert ws.households.set_index("household_id").loc[hid, "monitor_kind"] == kind
    ws = apply(ws, H.undo(ws, "C00001", recorded_at=NOW))
    same(ws.households, demo_ws.households)
    table = H.changes_table(ws["history"])
    assert list(table["change_id"]) == ["C00002", "C00001"]  # newest first, nothing removed
    assert table.set_index("change_id").loc["C00001", "undone"]
    assert table.set_index("change_id").loc["C00002", "reverts"] == "C00001"
    assert "monitor_kind: — → 脱贫不稳定户" in table.set_index("change_id").loc["C00001", "what"]
    with pytest.raises(H.ChangeError, match="already been undone"):
        H.undo(ws, "C00001", recorded_at=NOW)


def test_undoing_an_added_indicator_row_removes_it(demo_ws):
    code = str(demo_ws.villages["code"].iloc[2])
    changes = H.indicator_change(demo_ws, code, "dangerous_houses", 0, "2027-01-10")
    ws = apply(
        demo_ws, H.record(demo_ws, "indicator", changes, changed_at="2027-01-10", recorded_at=NOW)
    )
    ws = apply(ws, H.undo(ws, "C00001", recorded_at=NOW))
    same(ws["indicators"], demo_ws["indicators"])
    # and replaying to before both gives the same again
    same(H.state_at(ws, "2026-12-31")["indicators"], demo_ws["indicators"])


def test_history_stays_linear(demo_ws):
    code = str(demo_ws.villages["code"].iloc[1])
    first = H.indicator_change(demo_ws, code, "bus", True, "2026-06-01")
    ws = apply(
        demo_ws, H.record(demo_ws, "indicator", first, changed_at="2026-06-01", recorded_at=NOW)
    )
    earlier = H.indicator_change(ws, code, "bus", False, "2026-03-01")
    with pytest.raises(H.ChangeError, match="already recorded") as refused:
        H.record(ws, "indicator", earlier, changed_at="2026-03-01", recorded_at=NOW)
    bus = H.field_zh("indicators", "bus")
    assert f"{code}/2026 的「{bus}」已登记了 2026-06-01 生效的变更" in refused.value.zh
    second = H.indicator_change(ws, code, "bus", False, "2026-08-01")
    ws = apply(ws, H.record(ws, "indicator", second, changed_at="2026-08-01", recorded_at=NOW))
    with pytest.raises(H.ChangeError, match="changed again by C00002") as refused:
        H.undo(ws, "C00001", recorded_at=NOW)
    assert refused.value.text("zh").endswith("后来又被变更 C00002 改过；请先撤销那一条")


@pytest.mark.parametrize(
    ("build", "message", "zh"),
    [
        (
            lambda ws: H.indicator_change(ws, "360722102299", "bus", True, "2026-01-01"),
            "no village",
            "没有代码为 360722102299 的行政村",
        ),
        (
            lambda ws: H.indicator_change(
                ws, str(ws.villages["code"][0]), "road", True, "2026-01-01"
            ),
            "not an indicator",
            "「road」不是可登记的指标",
        ),
        (
            lambda ws: H.household_exit(ws, "nobody", "2026-01-01"),
            "no household",
            "没有户编号为 nobody 的农户",
        ),
        (
            lambda ws: H.household_fell_back(ws, poor_household(ws), "2026-01-01"),
            "has not exited",
            "不能返贫（尚未脱贫）",
        ),
        (
            lambda ws: H.household_monitored(ws, poor_household(ws), "贫困户", "2026-01-01"),
            "unknown monitoring kind",
            "监测类型「贫困户」不对",
        ),
        (
            lambda ws: H.household_exit(ws, poor_household(ws), "2026/01/01"),
            "YYYY-MM-DD",
            "日期应写作 YYYY-MM-DD",
        ),
    ],
)
def test_bad_changes_say_what_is_wrong_in_both_languages(demo_ws, build, message, zh):
    with pytest.raises(H.ChangeError, match=message) as refused:
        changes = build(demo_ws)
        H.record(demo_ws, "household_exit", changes, changed_at="2026/01/01", recorded_at=NOW)
    assert zh in refused.value.text("zh")
    assert refused.value.text("en") == str(refused.value)


def test_a_change_is_written_in_one_transaction(demo_copy, tmp_path, monkeypatch):
    path = demo_copy
    ws = read_workspace(path)
    hid = poor_household(ws)

    def exit_household(current):
        changes = H.household_exit(current, hid, "2026-04-01")
        return H.record(
            current, "household_exit", changes, changed_at="2026-04-01", recorded_at=NOW
        )

    before = hashlib.sha256(path.read_bytes()).hexdigest()
    real = gpkg.write_rows

    def failing(conn, spec, frame, diff):
        if spec.name == "history":  # the household's row is written already
            raise OSError("disk full")
        return real(conn, spec, frame, diff)

    monkeypatch.setattr(gpkg, "write_rows", failing)
    with pytest.raises(OSError, match="disk full"):
        update_workspace(path, exit_household)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".writing-")]
    assert read_workspace(path).households.equals(ws.households)
    monkeypatch.setattr(gpkg, "write_rows", real)

    update_workspace(path, exit_household)
    after = read_workspace(path)
    assert after.households.set_index("household_id").loc[hid, "status"] == "已脱贫"
    assert list(after["history"]["field"]) == ["status", "exit_year"]
    same(H.state_at(after, "2025-12-31").households, ws.households)


def test_a_change_that_changes_nothing_is_refused(demo_ws):
    row = demo_ws["indicators"].sort_values("year").iloc[-1]
    code, year = row["village_code"], int(row["year"])
    changes = H.indicator_change(demo_ws, code, "power", bool(row["power"]), f"{year}-06-01")
    with pytest.raises(H.ChangeError, match="nothing changes"):
        H.record(demo_ws, "indicator", changes, changed_at=f"{year}-06-01", recorded_at=NOW)
