"""The account store beside a workspace: hashing, policy, sign-in, slowdown, file mode."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest
from argon2 import PasswordHasher

from township_atlas.geo.accounts import (
    AUTHORITIES,
    ROLE_AUTHORITIES,
    AccountError,
    AccountStore,
    LoginThrottled,
    accounts_path,
    authenticate,
)


class CountingHasher(PasswordHasher):
    """argon2id with tiny costs (fast tests) that counts its verifications."""

    def __init__(self, **kwargs):
        super().__init__(time_cost=1, memory_cost=8, parallelism=1, **kwargs)
        self.verified = 0

    def verify(self, hash, password):
        self.verified += 1
        return super().verify(hash, password)


class Clock:
    def __init__(self, now: float = 1_700_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path) -> AccountStore:
    return AccountStore.for_workspace(
        tmp_path / "古陂镇.gpkg", hasher=CountingHasher(), clock=Clock()
    )


def test_store_sits_beside_the_workspace():
    assert accounts_path("/x/古陂镇.gpkg").as_posix() == "/x/古陂镇.accounts.sqlite"


def test_round_trip_and_roles(store):
    assert store.accounts() == []  # no file yet: no accounts, nothing created
    assert not store.path.exists()
    store.add("张三", "monitor", "长长的密码12345", villages=["360722102001"])
    store.add("admin.1", "admin", "another-password")
    again = AccountStore(store.path, hasher=CountingHasher())
    names = [a.name for a in again.accounts()]
    assert sorted(names) == sorted(["张三", "admin.1"])
    zs = again.get("张三")
    assert zs.role == "monitor" and zs.villages == ("360722102001",) and not zs.disabled
    assert zs.sees_village("360722102001") and not zs.sees_village("360722102002")
    assert zs.can("view_households") and not zs.can("import_data")
    assert again.get("ADMIN.1").name == "admin.1"  # names are unique regardless of case
    assert ROLE_AUTHORITIES["admin"] == frozenset(AUTHORITIES)
    assert "view_households" not in ROLE_AUTHORITIES["leader"]
    assert again.has_enabled_admin()


def test_password_is_stored_as_argon2id_only(store):
    store.add("alice", "leader", "correct horse")
    with sqlite3.connect(store.path) as conn:
        (digest,) = conn.execute("SELECT password_hash FROM accounts").fetchone()
    assert digest.startswith("$argon2id$")
    assert "correct horse" not in store.path.read_bytes().decode("latin-1")
    assert "hash" not in repr(store.get("alice"))


def test_file_is_private(store):
    store.add("alice", "leader", "correct horse")
    if os.name == "posix":
        assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    ("name", "role", "password", "said"),
    [
        ("", "leader", "long enough", "1–32"),
        ("a" * 33, "leader", "long enough", "1–32"),
        ("bob smith", "leader", "long enough", "只能含"),
        ("-bob", "leader", "long enough", "只能含"),
        ("bob", "boss", "long enough", "没有角色"),
        ("bob", "leader", "short", "至少 8"),
        ("bobbybobby", "leader", "BobbyBobby", "不能与账户名相同"),
    ],
)
def test_bad_fields_are_refused(store, name, role, password, said):
    with pytest.raises(AccountError, match=said):
        store.add(name, role, password)
    assert store.accounts() == []


def test_taken_name_is_refused(store):
    store.add("bob", "leader", "long enough")
    with pytest.raises(AccountError, match="已有账户"):
        store.add("BOB", "admin", "long enough")


def test_authenticate(store):
    store.add("bob", "planner", "long enough")
    assert authenticate(store, "bob", "long enough").role == "planner"
    assert authenticate(store, "bob", "long enougH") is None
    assert authenticate(store, "nobody", "long enough") is None


def test_disabled_account_never_signs_in(store):
    store.add("root", "admin", "root password")
    store.add("bob", "planner", "long enough")
    store.set_disabled("bob", True)
    assert store.get("bob").disabled
    assert authenticate(store, "bob", "long enough") is None
    store.set_disabled("bob", False)
    assert authenticate(store, "bob", "long enough") is not None


def test_last_enabled_admin_cannot_be_removed(store):
    store.add("root", "admin", "root password")
    with pytest.raises(AccountError, match="最后一个"):
        store.set_disabled("root", True)
    with pytest.raises(AccountError, match="最后一个"):
        store.set_role("root", "leader")
    assert store.has_enabled_admin()  # both refusals rolled back
    store.add("root2", "admin", "root password")
    store.set_disabled("root", True)
    assert store.get("root").disabled


def test_unknown_name_costs_a_hash(store):
    store.add("bob", "planner", "long enough")
    hasher = store.hasher
    before = hasher.verified
    assert authenticate(store, "nobody", "whatever1") is None
    assert hasher.verified == before + 1
    assert authenticate(store, "bob", "whatever1") is None
    assert hasher.verified == before + 2


def test_failures_slow_down_attempts_and_success_resets(store):
    clock = store.clock
    store.add("bob", "planner", "long enough")
    for _ in range(3):
        assert authenticate(store, "bob", "wrong guess") is None
    with pytest.raises(LoginThrottled) as refused:  # 3 failures: wait 1 s
        authenticate(store, "bob", "long enough")
    assert refused.value.retry_after == 1
    assert "请 1 秒后再试" in str(refused.value)
    clock.now += 1
    assert authenticate(store, "bob", "wrong guess") is None  # 4th failure: wait 2 s
    clock.now += 1
    with pytest.raises(LoginThrottled) as refused:
        authenticate(store, "bob", "long enough")
    assert refused.value.retry_after == 1
    clock.now += 1
    assert authenticate(store, "bob", "long enough") is not None  # success resets the count
    for _ in range(3):
        assert authenticate(store, "bob", "wrong guess") is None
    with pytest.raises(LoginThrottled):
        authenticate(store, "bob", "long enough")


def test_wait_is_capped_at_five_minutes(store):
    clock = store.clock
    store.add("bob", "planner", "long enough")
    for _ in range(20):  # keep failing, each time just after the wait runs out
        try:
            authenticate(store, "bob", "wrong guess")
        except LoginThrottled as exc:
            clock.now += exc.retry_after
            authenticate(store, "bob", "wrong guess")
    with pytest.raises(LoginThrottled) as refused:
        authenticate(store, "bob", "long enough")
    assert refused.value.retry_after == 300


def test_reset_password_unlocks(store):
    store.add("bob", "planner", "long enough")
    for _ in range(3):
        authenticate(store, "bob", "wrong guess")
    store.set_password("bob", "a new password")
    assert authenticate(store, "bob", "a new password") is not None
    assert authenticate(store, "bob", "long enough") is None


def test_weaker_old_hash_is_upgraded_on_sign_in(tmp_path):
    path = tmp_path / "w.accounts.sqlite"
    AccountStore(path, hasher=CountingHasher()).add("bob", "planner", "long enough")
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    store = AccountStore(path, hasher=stronger)
    assert store.authenticate("bob", "long enough") is not None
    with sqlite3.connect(path) as conn:
        (digest,) = conn.execute("SELECT password_hash FROM accounts").fetchone()
    assert not stronger.check_needs_rehash(digest)


def test_a_file_that_is_not_a_store_is_one_clear_error(tmp_path):
    path = tmp_path / "w.accounts.sqlite"
    path.write_text("not a database", encoding="utf-8")
    with pytest.raises(AccountError, match="账户文件"):
        AccountStore(path).accounts()
