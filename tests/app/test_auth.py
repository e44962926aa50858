"""Sign-in, roles on pages, village scopes, time-outs and audit rows (issue 14), with AppTest.

Browser tests of the same (page HTML never holding a household number for a leader) are in
test_browser_roles.py; this file drives the app in-process, which is quick.
"""

from __future__ import annotations

import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from argon2 import PasswordHasher
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from tests.support.paths import APP
from township_atlas.dashboard import auth
from township_atlas.dashboard.rules_form import changed_rules
from township_atlas.geo.accounts import AccountStore
from township_atlas.geo.audit import AuditLog
from township_atlas.geo.workspace import Workspace, read_workspace

PASSWORD = "correct horse 9"
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
#: Two villages of the demo: the monitor's and another.
MINE, OTHER = "360722102201", "360722102202"


# ----------------------------------------------------------------------------- pure parts
@pytest.mark.parametrize(
    ("host", "address", "extra", "ok"),
    [
        (None, "127.0.0.1", (), True),  # a test harness: no HTTP request at all
        ("localhost:8501", "127.0.0.1", (), True),
        ("127.0.0.1:8501", "127.0.0.1", (), True),
        ("[::1]:8501", "::1", (), True),
        ("192.168.1.20:8501", "0.0.0.0", (), True),  # an IP address cannot be rebound
        ("evil.example:8501", "127.0.0.1", (), False),  # DNS rebinding
        ("evil.example", "0.0.0.0", (), False),
        ("atlas.office.lan:8501", "0.0.0.0", ("atlas.office.lan",), True),
        ("ATLAS.office.lan.", "0.0.0.0", (" atlas.office.lan ",), True),
        ("", "127.0.0.1", (), False),
    ],
)
def test_host_header_check(host, address, extra, ok):
    assert auth.host_allowed(host, address, extra) is ok


def test_this_machines_name_is_allowed_only_when_it_serves_others():
    import socket

    name = socket.gethostname()
    assert auth.host_allowed(f"{name}:8501", "0.0.0.0")
    assert auth.host_allowed(name, "127.0.0.1") is (name.lower() == "localhost")


def test_idle_and_absolute_time_outs():
    now = 100_000.0
    assert not auth.expired(now - 60, now - 3600, now, idle_s=1800)
    assert auth.expired(now - 1801, now - 3600, now, idle_s=1800)
    assert auth.expired(now - 1, now - 13 * 3600, now, idle_s=1800)
    assert auth.expired(None, None, now, idle_s=1800)


def test_roles_from_an_identity_providers_claims():
    settings = {"role_claim": "groups", "role_map": {"扶贫办-领导": "leader"}}
    claims = {"email": "li@county.gov.cn", "groups": ["扶贫办-领导", "monitor", "unknown"]}
    user = auth.user_from_claims(claims, settings)
    assert user is not None and user.name == "li@county.gov.cn"
    assert user.role == "leader+monitor"  # both roles: their authorities together
    assert user.can("view_households") and user.can("export_brief")
    assert not user.can("import_data")
    assert auth.user_from_claims({"sub": "x", "groups": ["guest"]}, settings) is None
    assert auth.roles_from_claims({"roles": "planner"}, {}) == ["planner"]


def _tiny_workspace() -> Workspace:
    crs = "EPSG:4326"
    villages = gpd.GeoDataFrame(
        {"code": [MINE, OTHER], "name": ["甲村", "乙村"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs=crs,
    )
    households = pd.DataFrame(
        {"household_id": ["A-1", "B-1"], "village_code": [MINE, OTHER], "status": ["未脱贫"] * 2}
    )
    history = pd.DataFrame(
        {
            "change_id": ["C1", "C2", "C2", "C3"],
            "layer": ["households", "households", "households", "indicators"],
            "record_key": ["A-1", "A-1", "B-1", f"{OTHER}/2020"],
        }
    )
    return Workspace({"villages": villages, "households": households, "history": history})


def test_a_monitor_of_one_village_sees_its_households_and_their_history_only():
    ws = _tiny_workspace()
    user = auth.User("zs", "monitor", frozenset({"view_households"}), (MINE,))
    seen = auth.scoped(ws, user)
    assert list(seen.households["household_id"]) == ["A-1"]
    assert list(seen["history"]["change_id"]) == ["C1", "C2"]  # C3: the other village's
    assert len(seen.villages) == 2  # the maps still show every village
    # C2 also changed the other village's household: undone only by someone who sees both
    assert auth.undoable_by(ws, user, ["C1", "C2", "C3"]) == ["C1"]
    everyone = auth.User("ad", "admin", frozenset(), ())
    assert auth.scoped(ws, everyone) is ws


def test_a_monitor_of_one_village_sees_its_assistance_records_only():
    ws = _tiny_workspace()
    visits = pd.DataFrame(
        {
            "visit_id": ["V1", "V2"],
            "household_id": ["A-1", "B-1"],
            "visit_date": ["2024-03-01", "2024-03-02"],
            "cadre_id": ["K1", "K2"],
            "note": [None, None],
        }
    )
    cadres = pd.DataFrame(
        {
            "cadre_id": ["K1", "K2", "K3"],
            "cadre_name": ["甲", "乙", "丙"],
            "unit": ["县局"] * 3,
            "post": [None] * 3,
            "responsibility": [None] * 3,
            "village_code": [None, None, MINE],
        }
    )
    history = pd.DataFrame(
        {
            "change_id": ["C1", "C2", "C3"],
            "layer": ["visits", "visits", "households"],
            "record_key": ["V1", "V2", "A-1"],
        }
    )
    ws = Workspace({**ws.layers, "visits": visits, "cadres": cadres, "history": history})
    user = auth.User("zs", "monitor", frozenset({"view_households"}), (MINE,))
    seen = auth.scoped(ws, user)
    assert list(seen["visits"]["visit_id"]) == ["V1"]
    assert list(seen["cadres"]["cadre_id"]) == ["K1", "K3"]  # visiting, or of the village
    assert list(seen["history"]["change_id"]) == ["C1", "C3"]
    assert auth.undoable_by(ws, user, ["C1", "C2", "C3"]) == ["C1", "C3"]


def test_changed_rules_says_what_a_save_changes():
    old = "[village_exit]\nmax_incidence = 0.03\n"
    new = "[village_exit]\nmax_incidence = 0.9\n"
    assert changed_rules(old, new) == "village_exit.max_incidence: 0.03 → 0.9"
    assert changed_rules(new, new) == "—"
    # a text holds what differs from the defaults: back to an empty text is back to 0.02
    assert changed_rules(new, "") == "village_exit.max_incidence: 0.9 → 0.02"


# ----------------------------------------------------------------------------- the app
@pytest.fixture
def office(demo_copy: Path, monkeypatch) -> Path:
    """A copy of the demo with one account of each role (the monitor has one village)."""
    ws = demo_copy
    store = AccountStore.for_workspace(ws, hasher=CHEAP)
    for name, role in (("li", "leader"), ("wang", "planner"), ("zhao", "data_manager")):
        store.add(name, role, PASSWORD)
    store.add("zhang", "monitor", PASSWORD, villages=[MINE])
    store.add("admin", "admin", PASSWORD)
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(ws))
    return ws


def sign_in(name: str, password: str = PASSWORD) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.text_input(key="auth_name").set_value(name)
    at.text_input(key="auth_password").set_value(password)
    at.button(key="auth_submit").click().run()
    assert not at.exception, at.exception
    return at


def nav_pages(at: AppTest) -> set[str]:
    """URL paths of the pages the sidebar lists (st.navigation's entries; AppTest keeps them in
    ``_registered_pages``, the default page with an empty path)."""
    stems = {Path(p["script_path"]).stem for p in at._registered_pages.values()}
    return {s.removesuffix("_page") for s in stems if s.endswith("_page")}


def page_text(at: AppTest) -> str:
    parts = [str(e.value) for e in (*at.markdown, *at.header, *at.subheader, *at.caption)]
    parts += [df.value.to_csv() for df in at.dataframe]
    return "\n".join(parts)


def test_a_logged_out_browser_sees_only_the_sign_in(office):
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception
    assert at.text_input(key="auth_password")  # the form
    assert not at.dataframe and not at.sidebar.radio  # no page and no sidebar drawn
    assert "户" not in page_text(at)
    at.switch_page("app_pages/household_page.py").run()  # a page's URL: still the form
    assert at.text_input(key="auth_password") and not at.selectbox


def test_a_wrong_password_is_refused_and_audited(office):
    at = sign_in("li", "not the password")
    assert "账户名或密码不对" in at.error[0].value
    assert at.text_input(key="auth_password")
    rows = AuditLog.for_workspace(office).rows(action="login_failed")
    assert list(rows["account"]) == ["li"]


def test_each_role_is_listed_only_its_pages(office):
    pages = {name: nav_pages(sign_in(name)) for name in ("li", "wang", "zhang", "zhao", "admin")}
    household_pages = {"household", "record"}
    assert not pages["li"] & (household_pages | {"data", "rules", "audit"})
    # (AppTest does not register the default page, 一张图, by its script)
    assert {"meeting", "plan", "plans", "villages"} <= pages["li"]
    assert not pages["wang"] & {"data", "rules", "audit", *household_pages}
    assert household_pages <= pages["zhang"] and "data" not in pages["zhang"]
    assert {"data", "rules"} <= pages["zhao"] and not pages["zhao"] & household_pages
    assert {"audit", "users"} <= pages["admin"] and household_pages <= pages["admin"]
    assert not any("users" in pages[n] for n in ("li", "wang", "zhang", "zhao"))
    logins = AuditLog.for_workspace(office).rows(action="login")
    assert set(logins["account"]) == {"li", "wang", "zhang", "zhao", "admin"}


def test_a_leader_cannot_open_the_household_page_by_its_address(office):
    at = sign_in("li")
    # Not registered for this session: AppTest refuses to switch, as Streamlit sends the
    # page's URL to the first listed page (the browser test opens /households itself).
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/household_page.py")


def test_a_monitor_finds_households_of_their_village_only_and_each_view_is_audited(office, demo_ws):
    hh = demo_ws.households
    mine = hh[hh["village_code"] == MINE]["household_id"].iloc[0]
    other = hh[hh["village_code"] == OTHER]["household_id"].iloc[0]
    at = sign_in("zhang")
    at.switch_page("app_pages/household_page.py").run()
    at.text_input(key="hh_query").set_value(mine).run()
    assert at.selectbox(key="hh_choice").value == mine
    at.text_input(key="hh_query").set_value(other).run()
    assert "没有找到" in at.info[0].value
    rows = AuditLog.for_workspace(office).rows(action="view_household")
    assert list(rows["target"]) == [mine] and list(rows["account"]) == ["zhang"]


def test_a_monitor_records_changes_only_for_their_village(office, demo_ws):
    at = sign_in("zhang")
    at.switch_page("app_pages/record_page.py").run()
    assert not at.exception
    name = demo_ws.villages.set_index("code").loc[MINE, "name"]
    assert at.selectbox(key="rec_village").options == [name]


def test_lookups_by_id_number_are_rate_limited_and_audited(office):
    at = sign_in("zhang")
    at.switch_page("app_pages/household_page.py").run()
    for i in range(10):
        at.text_input(key="hh_query").set_value(f"36072219800101{i:03d}X").run()
        assert not at.error, at.error[0].value
    at.text_input(key="hh_query").set_value("360722198001019999").run()
    assert "太频繁" in at.error[0].value
    log = AuditLog.for_workspace(office)
    lookups = log.rows(action="id_lookup")
    assert len(lookups) == 10 and set(lookups["account"]) == {"zhang"}
    assert not lookups["target"].str.contains("19800101").any()  # never the number
    assert len(log.rows(action="id_lookup_refused")) == 1


def test_an_idle_session_times_out(office, monkeypatch):
    monkeypatch.setenv(auth.IDLE_ENV, "0.02")  # 1.2 s
    at = sign_in("li")
    assert not at.text_input or not [t for t in at.text_input if t.key == "auth_password"]
    time.sleep(1.5)
    at.run()
    assert [t for t in at.text_input if t.key == "auth_password"]
    assert "自动退出" in at.info[0].value
    assert list(AuditLog.for_workspace(office).rows(action="session_timeout")["account"]) == ["li"]


def test_a_disabled_account_is_signed_out_on_its_next_action(office):
    at = sign_in("wang")
    AccountStore.for_workspace(office).set_disabled("wang", True)
    at.run()
    assert [t for t in at.text_input if t.key == "auth_password"]
    assert "停用" in at.info[0].value


def test_sign_out_returns_to_the_form_and_is_audited(office):
    at = sign_in("li")
    at.button(key="auth_logout").click().run()
    assert [t for t in at.text_input if t.key == "auth_password"]
    assert list(AuditLog.for_workspace(office).rows(action="logout")["account"]) == ["li"]


def test_a_rules_change_is_audited_with_who_and_what(office):
    at = sign_in("zhao")
    at.switch_page("app_pages/rules_page.py").run()
    assert not at.exception
    at.number_input(key="rules_field.village_exit.max_incidence").set_value(4.0).run()
    at.button(key="rules_form_save").click().run()
    assert not at.exception
    rows = AuditLog.for_workspace(office).rows(action="rules")
    assert list(rows["account"]) == ["zhao"]
    assert "max_incidence" in rows["detail"].iloc[0]
    assert "0.04" in read_workspace(office).meta["exit_rules_toml"]


def test_the_audit_page_lists_rows_for_an_admin(office):
    at = sign_in("admin")
    at.switch_page("app_pages/audit_page.py").run()
    assert not at.exception
    (table,) = at.dataframe
    assert "admin" in set(table.value["账户"])
    assert "登录" in set(table.value["操作"])


def test_with_no_accounts_on_this_machine_everyone_is_the_local_user(demo_path, monkeypatch):
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(demo_path))
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception
    assert {"household", "data", "rules", "audit"} <= nav_pages(at)
    assert not [b for b in at.button if b.key == "auth_logout"]


def test_the_audit_table_shows_local_times_and_labels():
    import datetime as dt

    from township_atlas.dashboard import audit_view

    rows = pd.DataFrame(
        {
            "at": ["2026-12-02T04:09:58+00:00"],
            "account": ["admin"],
            "role": ["admin"],
            "action": ["id_lookup"],
            "target": ["A-1"],
            "detail": [None],
        }
    )
    table = audit_view.table(rows, "zh")
    local = dt.datetime(2026, 12, 2, 4, 9, 58, tzinfo=dt.UTC).astimezone()
    assert table.iloc[0].tolist() == [
        local.strftime("%Y-%m-%d %H:%M:%S"),
        "admin",
        "管理员",
        "按证件号码查找",
        "A-1",
        "",
    ]
    start, end = audit_view.local_bounds(dt.date(2026, 12, 1), dt.date(2026, 12, 2))
    assert dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start) == dt.timedelta(
        days=1, hours=23, minutes=59, seconds=59
    )


def test_an_admin_adds_and_changes_accounts_on_the_page(office):
    at = sign_in("admin")
    at.switch_page("app_pages/users_page.py").run()
    assert not at.exception
    assert "zhang" in set(at.dataframe[0].value["账户名"])
    at.text_input(key="users_name").set_value("小刘")
    at.selectbox(key="users_role").set_value("monitor")
    at.multiselect(key="users_villages").set_value([OTHER])
    at.text_input(key="users_password").set_value("long enough 1")
    at.text_input(key="users_password2").set_value("long enough 1")
    at.button(key="users_add").click().run()
    assert not at.exception
    assert "已建立账户 小刘" in at.success[0].value
    store = AccountStore.for_workspace(office)
    new = store.get("小刘")
    assert new is not None and new.role == "monitor" and new.villages == (OTHER,)
    at.selectbox(key="users_choice").set_value("小刘").run()
    at.button(key="users_toggle").click().run()
    assert store.get("小刘").disabled
    rows = AuditLog.for_workspace(office).rows(action="users")
    assert list(rows["target"]) == ["小刘", "小刘"] and set(rows["account"]) == {"admin"}
    # a mismatched password changes nothing
    at.text_input(key="users_name").set_value("小王")
    at.text_input(key="users_password").set_value("long enough 1")
    at.text_input(key="users_password2").set_value("long enough 2")
    at.button(key="users_add").click().run()
    assert "不同" in at.error[0].value and store.get("小王") is None


def test_the_first_account_made_on_this_machine_is_an_admin(demo_copy, monkeypatch):
    ws = demo_copy
    monkeypatch.setenv("TOWNSHIP_ATLAS_WORKSPACE", str(ws))
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("app_pages/users_page.py").run()
    assert at.selectbox(key="users_role").options == ["管理员"]
    at.text_input(key="users_name").set_value("boss")
    at.text_input(key="users_password").set_value("long enough 1")
    at.text_input(key="users_password2").set_value("long enough 1")
    at.button(key="users_add").click().run()
    # from now on this browser signs in too
    assert [t for t in at.text_input if t.key == "auth_password"]
    assert AccountStore.for_workspace(ws).get("boss").role == "admin"


def _keep_alive_script():
    import streamlit as st

    from township_atlas.dashboard import auth
    from township_atlas.dashboard import state as S

    st.session_state.setdefault("runs", 0)
    st.session_state["runs"] += 1
    if st.session_state["runs"] == 1:
        auth.keep_alive()
    st.write(S.get(S.AUTH_SEEN))


@pytest.mark.parametrize(("idle_s", "rerun"), [(10.0, False), (3600.0 * 2, True)])
def test_a_fragment_step_keeps_the_session_alive_or_reruns_the_app_to_end_it(idle_s, rerun):
    at = AppTest.from_function(_keep_alive_script)
    now = time.time()
    at.session_state["auth_since"] = now - 60
    at.session_state["auth_seen"] = now - idle_s
    at.run()
    assert not at.exception
    # an expired session reruns the whole app at once (whose top then signs it out)
    assert at.session_state["runs"] == (2 if rerun else 1)
    assert (at.session_state["auth_seen"] > now - 1) is not rerun
