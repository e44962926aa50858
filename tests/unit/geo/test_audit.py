"""The audit log: rows appended beside the workspace, read back filtered, never an ID number;
every workspace write logged with who made it, and refused when it could not be logged."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import stat
from datetime import UTC, datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.support.workspaces import minimal_layers
from township_atlas.cli import audit as cli_audit
from township_atlas.cli.common import Parents
from township_atlas.geo import audit
from township_atlas.geo.audit import Actor, AuditError, AuditLog, acting_as, audit_path, doing
from township_atlas.geo.workspace import transact, update_workspace

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")

ZHANG = Actor("张三", "monitor")
ADMIN = Actor("admin", "admin")
#: A made-up number of the ID-number shape (17 digits and X); never a real person's.
ID_LIKE = "11010519491231002X"


class Clock:
    """A clock tests move by hand (seconds since the epoch)."""

    def __init__(self, at: str = "2024-05-01T08:00:00+00:00"):
        self.now = datetime.fromisoformat(at).timestamp()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def log(tmp_path) -> AuditLog:
    return AuditLog(tmp_path / "ws.audit.sqlite", clock=Clock())


@pytest.fixture(autouse=True)
def _no_provider():
    """No test leaves its actor provider behind for the next."""
    yield
    audit.set_actor_provider(None)


# ---------------------------------------------------------------------------------- the log
def test_the_log_lives_beside_the_workspace(tmp_path):
    assert audit_path(tmp_path / "古陂镇.gpkg") == tmp_path / "古陂镇.audit.sqlite"
    assert AuditLog.for_workspace(tmp_path / "古陂镇.gpkg").path == tmp_path / "古陂镇.audit.sqlite"


def test_record_then_rows_newest_first(log):
    log.record(ZHANG, "login")
    log.clock.now += 60
    log.record(ZHANG, "view_household", target="360722102201-0001", detail="户详情")
    rows = log.rows()
    assert list(rows.columns) == ["at", "account", "role", "action", "target", "detail"]
    assert rows["action"].tolist() == ["view_household", "login"]
    assert rows.iloc[0].to_dict() == {
        "at": "2024-05-01T08:01:00+00:00",
        "account": "张三",
        "role": "monitor",
        "action": "view_household",
        "target": "360722102201-0001",
        "detail": "户详情",
    }


def test_rows_in_the_same_second_keep_their_order(log):
    for action in ("login", "export", "logout"):
        log.record(ZHANG, action)
    assert log.rows()["action"].tolist() == ["logout", "export", "login"]


def test_no_log_reads_as_no_rows_and_creates_nothing(log):
    rows = log.rows(account="张三")
    assert rows.empty and list(rows.columns) == list(audit.COLUMNS)
    assert log.count("张三", "login_failed", 600) == 0
    assert not log.path.exists()


@pytest.fixture
def filled(log) -> AuditLog:
    """Four days of rows: each day 张三 signs in and admin exports at noon."""
    for day in range(1, 5):
        log.clock.now = datetime(2024, 5, day, 9, tzinfo=UTC).timestamp()
        log.record(ZHANG, "login")
        log.clock.now = datetime(2024, 5, day, 12, tzinfo=UTC).timestamp()
        log.record(ADMIN, "export", target="brief")
    return log


def test_filters_by_date_account_and_action(filled):
    days = filled.rows(since="2024-05-02", until="2024-05-03")["at"].str[:10]
    assert sorted(set(days)) == ["2024-05-02", "2024-05-03"]  # until takes in the whole day
    late = filled.rows(since="2024-05-03T10:00", until="2024-05-04T09:00:00Z")
    assert late["at"].tolist() == [
        "2024-05-04T09:00:00+00:00",  # until a time: inclusive
        "2024-05-03T12:00:00+00:00",
    ]
    # a zone is honoured: 20:00 in Beijing is noon UTC
    assert len(filled.rows(since="2024-05-04T20:00+08:00")) == 1
    assert set(filled.rows(account="ADMIN")["account"]) == {"admin"}  # names ignore case
    assert len(filled.rows(account="张三", action="login")) == 4
    assert filled.rows(action="logout").empty
    assert filled.rows(limit=3)["at"].tolist()[0] == "2024-05-04T12:00:00+00:00"
    assert len(filled.rows(limit=3)) == 3


def test_a_bad_date_is_refused_in_one_line(filled):
    with pytest.raises(ValueError, match="无法识别的日期") as err:
        filled.rows(since="5月1日")
    assert "\n" not in str(err.value)


def test_count_looks_back_from_the_clock(log):
    for _ in range(3):
        log.record(Actor("li", "monitor"), "login_failed")
        log.clock.now += 100
    log.record(ZHANG, "login_failed")
    # now 300 s after the first failure: the last 150 s hold one of li's
    assert log.count("li", "login_failed", 150) == 1
    assert log.count("LI", "login_failed", 1000) == 3
    assert log.count("li", "login", 1000) == 0


@posix
def test_the_file_is_made_readable_by_its_owner_only(log):
    old = os.umask(0)  # even a wide-open umask
    try:
        log.record(ZHANG, "login")
    finally:
        os.umask(old)
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600


@pytest.mark.parametrize("field", ["target", "detail"])
def test_an_id_number_is_never_recorded(log, field):
    with pytest.raises(ValueError, match="证件号码") as err:
        log.record(ZHANG, "id_lookup", **{field: f"查找 {ID_LIKE.lower()} 的农户"})
    assert ID_LIKE.lower() not in str(err.value) and ID_LIKE not in str(err.value)
    assert log.rows().empty
    log.record(ZHANG, "id_lookup", target="1234567890123456789012")  # a longer run: no ID
    assert len(log.rows()) == 1


def test_an_unknown_action_is_refused(log):
    with pytest.raises(ValueError, match="没有操作"):
        log.record(ZHANG, "delete_everything")


def test_long_texts_are_cut(log):
    log.record(ZHANG, "import", target="t" * 5000, detail="说" * 5000)
    row = log.rows().iloc[0]
    assert len(row["target"]) == len(row["detail"]) == audit.TEXT_MAX
    assert row["detail"].endswith("…")


def test_rows_cannot_be_edited_or_removed_even_behind_the_api(log):
    log.record(ZHANG, "login")
    with sqlite3.connect(log.path) as conn:
        for sql in ("UPDATE audit SET account = 'x'", "DELETE FROM audit"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(sql)
    assert log.rows()["account"].tolist() == ["张三"]


def test_a_log_that_cannot_be_written_says_so(tmp_path):
    (tmp_path / "ws.audit.sqlite").mkdir()
    log = AuditLog(tmp_path / "ws.audit.sqlite")
    with pytest.raises(AuditError, match="不能写入审计日志"):
        log.record(ZHANG, "login")
    not_sqlite = AuditLog(tmp_path / "other.audit.sqlite")
    not_sqlite.path.write_text("not a database " * 100)
    with pytest.raises(AuditError, match="不能写入审计日志"):
        not_sqlite.record(ZHANG, "login")
    with pytest.raises(AuditError, match="不能读取审计日志"):
        not_sqlite.rows()


# --------------------------------------------------------------------------- who is acting
def test_the_actor_is_the_os_user_by_default(monkeypatch):
    monkeypatch.setattr(audit.getpass, "getuser", lambda: "wang")
    assert audit.current_actor() == Actor("wang", "local")


def test_acting_as_wins_over_the_provider_which_wins_over_the_os_user(monkeypatch):
    monkeypatch.setattr(audit.getpass, "getuser", lambda: "wang")
    session: list[Actor | None] = [None]
    audit.set_actor_provider(lambda: session[0])
    assert audit.current_actor() == Actor("wang", "local")  # no one signed in
    session[0] = ZHANG
    assert audit.current_actor() == ZHANG
    with acting_as(Actor("cli:wang", "cli")) as actor:
        assert audit.current_actor() == actor == Actor("cli:wang", "cli")
    assert audit.current_actor() == ZHANG
    audit.set_actor_provider(None)
    assert audit.current_actor() == Actor("wang", "local")


def test_a_label_is_checked_on_entry():
    with pytest.raises(ValueError, match="证件号码"), doing("import", detail=ID_LIKE):
        pass
    with pytest.raises(ValueError, match="没有操作"), doing("imported"):
        pass


# ------------------------------------------------------------------------ workspace writes
@pytest.fixture
def ws(minimal_workspace, tmp_path):
    path = tmp_path / "ws.gpkg"
    path.write_bytes(minimal_workspace.read_bytes())
    return path


def add_history_row(current) -> dict[str, pd.DataFrame]:
    """A household exit recorded: one row added to the history layer."""
    row = pd.DataFrame(
        {
            "change_id": ["c1"],
            "changed_at": ["2024-05-01"],
            "recorded_at": ["2024-05-01T08:00:00"],
            "kind": ["household_exit"],
            "layer": ["households"],
            "record_key": ["H1"],
            "field": ["status"],
            "old_value": ["在册"],
            "new_value": ["已脱贫"],
        }
    )
    return {"history": pd.concat([current["history"], row], ignore_index=True)}


def test_write_workspace_itself_is_not_audited(ws):
    assert not audit_path(ws).exists()


def test_an_update_is_logged_with_the_actor_and_counts(ws):
    def change(current):
        villages = current.villages.copy()
        villages.loc[villages.index[0], "name"] = "新村"
        return {"villages": villages, "households": current.households.iloc[:3]}

    with acting_as(Actor("cli:wang", "cli")):
        update_workspace(ws, change, meta={"exit_rules_toml": "x = 1"})
    rows = AuditLog.for_workspace(ws).rows()
    assert len(rows) == 1
    row = rows.iloc[0]
    assert (row["account"], row["role"], row["action"]) == ("cli:wang", "cli", "write")
    assert row["target"] == "villages, households"
    assert row["detail"] == "villages 2→2; households 4→3; meta: exit_rules_toml"


def test_nothing_to_change_logs_nothing(ws):
    update_workspace(ws, lambda current: {})
    assert not audit_path(ws).exists()


def test_a_labelled_write_by_the_sessions_actor(ws):
    audit.set_actor_provider(lambda: ZHANG)
    with doing("import", detail="导入变更"), doing("record_change", detail="H1 已脱贫"):
        update_workspace(ws, add_history_row)
    row = AuditLog.for_workspace(ws).rows().iloc[0]
    assert (row["account"], row["role"]) == ("张三", "monitor")
    assert row["action"] == "record_change"  # the innermost label
    assert row["detail"] == "H1 已脱贫; history +1"
    with doing("rules", target="exit_rules"):
        update_workspace(ws, lambda current: {}, meta={"exit_rules_toml": "x = 2"})
    row = AuditLog.for_workspace(ws).rows().iloc[0]
    assert (row["action"], row["target"], row["detail"]) == (
        "rules",
        "exit_rules",
        "meta: exit_rules_toml",
    )


def test_transact_logs_a_new_workspace_and_a_change(tmp_path):
    path = tmp_path / "new.gpkg"
    layers = minimal_layers()
    with acting_as(ADMIN), doing("import", target="villages", detail="村界 v.geojson"):
        assert transact(path, lambda current: {k: layers[k] for k in ("township", "villages")})
    with acting_as(ADMIN):
        transact(path, lambda current: {"households": layers["households"]})
    rows = AuditLog.for_workspace(path).rows()
    assert rows["action"].tolist() == ["write", "import"]
    assert rows["detail"].tolist() == [
        "households 0→4",
        "村界 v.geojson; township 0→1; villages 0→2",
    ]
    assert rows["target"].tolist() == ["households", "villages"]


def test_a_change_that_cannot_be_logged_is_not_made(ws):
    audit_path(ws).mkdir()  # the log's name is taken by a folder
    before = ws.read_bytes()

    def change(current):
        villages = current.villages.copy()
        villages["name"] = "改名"
        return {"villages": villages}

    with pytest.raises(AuditError, match="不能写入审计日志"):
        update_workspace(ws, change)
    with pytest.raises(AuditError):
        transact(ws, change)
    assert ws.read_bytes() == before


# ------------------------------------------------------------------------------ the command
def run_audit(capsys, *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="township-atlas")
    cli_audit.add_parser(parser.add_subparsers(dest="command", required=True), Parents())
    args = parser.parse_args(["audit", *argv])
    code = args.func(args)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def logged(tmp_path):
    """A workspace file (any bytes: the command reads only its log) with three rows."""
    path = tmp_path / "古陂镇.gpkg"
    path.write_bytes(b"")
    log = AuditLog.for_workspace(path, clock=Clock())
    log.record(ZHANG, "login")
    log.clock.now += 86400
    log.record(ADMIN, "import", target="households", detail="=cmd|' /C calc'!A0\x1b[2J")
    log.record(Actor("cli:wang", "cli"), "export", target="brief")
    return path


def test_the_command_prints_the_rows_newest_first(capsys, logged):
    code, out, _ = run_audit(capsys, str(logged))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["时间(UTC)", "账户", "角色", "操作"]
    assert "cli:wang" in lines[2] and "导出 (export)" in lines[2]
    assert "张三" in lines[-1] and "monitor (监测员)" in lines[-1]
    assert "\x1b" not in out  # a terminal escape in a detail is not replayed


def test_the_command_filters_and_prints_json(capsys, logged):
    code, out, _ = run_audit(capsys, str(logged), "--since", "2024-05-02", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["action"] for r in rows] == ["export", "import"]
    code, out, _ = run_audit(
        capsys, str(logged), "--account", "张三", "--action", "login", "--json"
    )
    assert [r["account"] for r in json.loads(out)] == ["张三"]
    code, out, _ = run_audit(capsys, str(logged), "--until", "2024-04-30")
    assert code == 0 and "没有符合条件的记录" in out


def test_the_command_writes_formula_safe_csv_and_excel(capsys, logged, tmp_path):
    code, out, _ = run_audit(capsys, str(logged), "--csv", str(tmp_path / "a.csv"))
    assert code == 0 and "3 条" in out
    text = (tmp_path / "a.csv").read_bytes().decode("utf-8-sig")
    assert "'=cmd" in text and "action_zh" in text and "导入数据" in text
    code, _, _ = run_audit(capsys, str(logged), "--xlsx", str(tmp_path / "a.xlsx"))
    assert code == 0
    sheet = load_workbook(tmp_path / "a.xlsx")["审计日志"]
    detail = next(c for c in sheet[3] if str(c.value).startswith("=cmd"))
    assert detail.data_type == "s"  # text, not a formula
    assert sheet.max_row == 4  # the header and three rows


def test_the_command_refuses_in_one_line(capsys, tmp_path, logged):
    code, _, err = run_audit(capsys, str(tmp_path / "none.gpkg"))
    assert code == 2 and "没有工作空间" in err and len(err.strip().splitlines()) == 1
    code, _, err = run_audit(capsys, str(logged), "--since", "yesterday")
    assert code == 2 and "无法识别的日期" in err
    code, _, err = run_audit(capsys, str(logged), "--csv", str(tmp_path / "no" / "a.csv"))
    assert code == 2 and "不能写入" in err
