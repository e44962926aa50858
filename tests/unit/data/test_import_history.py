"""Indicator tables imported into the change history; dry runs of table imports."""

from __future__ import annotations

from pathlib import Path

from township_atlas.data.importing.run import import_table
from township_atlas.geo import history
from township_atlas.geo.workspace import read_workspace

HEADER = "村名,年份,危房户数,通客运班车\n"
FULL = (
    "行政村,年度,通硬化路,通客运班车,安全饮水,生产生活用电,广播电视,通宽带,标准化卫生室,"
    "合格村医,文化活动室,危房户数,饮水不安全户数,村集体经济收入(万元)\n"
)


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _row(ws, code: str, year: int):
    ind = ws["indicators"]
    return ind[(ind["village_code"] == code) & (ind["year"] == year)].iloc[0]


def test_indicator_changes_are_recorded_dated_by_their_year_and_undoable(demo_copy, tmp_path):
    before = read_workspace(demo_copy)
    old = _row(before, "360722102001", 2014)
    src = _csv(
        tmp_path / "a.csv",
        FULL + "古陂居委会,2014,是,否,是,是,是,是,是,是,否,9,0,12.5\n"
        "古陂居委会,2030,是,是,是,是,是,是,是,是,是,1,0,3\n",
    )
    import_table(demo_copy, src, "indicators", dry_run=True)  # 2014's other fields as they are
    out = import_table(demo_copy, src, "indicators")
    assert out.written and out.exit_code == 0
    assert any("新增 1 条,更新 1 条" in zh for zh, _ in out.notes)
    after = read_workspace(demo_copy)
    rows = after["history"][after["history"]["kind"] == "import"]
    assert set(rows["layer"]) == {"indicators"} and rows["change_id"].nunique() == 1
    by = rows.set_index(["record_key", "field"])
    assert by.loc[("360722102001/2014", "dangerous_houses"), "changed_at"] == "2014-12-31"
    assert by.loc[("360722102001/2030", history.ROW), "new_value"] == history.CREATED
    # 2014 as it stood before the import is still there to replay
    assert (
        _row(history.state_at(after, "2014-12-30"), "360722102001", 2014)["dangerous_houses"]
        == old["dangerous_houses"]
    )
    assert (
        _row(history.state_at(after, "2014-12-31"), "360722102001", 2014)["dangerous_houses"] == 9
    )
    # the same file again changes nothing and records nothing
    again = import_table(demo_copy, src, "indicators")
    assert again.unchanged and len(read_workspace(demo_copy)["history"]) == len(after["history"])
    # undo puts the workspace back as it was
    change_id = rows["change_id"].iloc[0]
    layers = history.undo(after, change_id, recorded_at="2031-01-01T00:00:00")
    undone = layers["indicators"]
    assert not ((undone["village_code"] == "360722102001") & (undone["year"] == 2030)).any()
    restored = undone[(undone["village_code"] == "360722102001") & (undone["year"] == 2014)]
    assert restored.iloc[0]["dangerous_houses"] == old["dangerous_houses"]


def test_a_dry_run_of_a_table_reports_and_writes_nothing(demo_copy, tmp_path):
    src = _csv(tmp_path / "a.csv", HEADER + "古陂居委会,2014,9,否\n无名村,2014,1,是\n")
    before = demo_copy.read_bytes()
    out = import_table(demo_copy, src, "indicators", dry_run=True)
    assert out.dry_run and not out.written and out.taken == 1 and len(out.rejected) == 1
    assert out.exit_code == 3
    assert any("更新 1 条" in zh for zh, _ in out.notes)
    assert out.columns_found["危房户数"] == "dangerous_houses"
    assert out.sample is not None and len(out.sample) == 1
    assert demo_copy.read_bytes() == before
