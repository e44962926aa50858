"""``township-atlas users ...`` and the serve guard (nothing is started: exec is replaced)."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from township_atlas import cli
from township_atlas.cli import serve as cli_serve
from township_atlas.cli import users as cli_users
from township_atlas.geo import accounts
from township_atlas.geo.accounts import AccountStore
from township_atlas.geo.audit import AuditLog


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch):
    """argon2id with tiny costs, so each command takes milliseconds."""
    monkeypatch.setattr(
        accounts,
        "PasswordHasher",
        lambda: PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
    )


@pytest.fixture
def ws(demo_copy: Path) -> Path:
    """A copy of the demo (its accounts go beside the copy, not beside the shared demo), named
    as an office names it: a Chinese name is printed unquoted in the serve guard's command."""
    return demo_copy.rename(demo_copy.with_name("古陂镇.gpkg"))


class Started(BaseException):
    """Raised where ``serve`` would become the Streamlit server."""


def run(capsys, monkeypatch, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    try:
        code = cli.main(list(argv))
    except Started:
        code = 0
    out = capsys.readouterr()
    return code, out.out, out.err


def test_add_list_and_sign_in(capsys, monkeypatch, ws):
    code, out, err = run(
        capsys, monkeypatch, "users", str(ws), "add", "张三", "--role", "admin",
        stdin="a good password\n",
    )  # fmt: skip
    assert code == 0, err
    assert "张三" in out
    store = AccountStore.for_workspace(ws)
    assert store.authenticate("张三", "a good password").role == "admin"
    code, out, _ = run(
        capsys, monkeypatch, "users", str(ws), "add", "li", "--role", "monitor",
        "--villages", "360722102001，360722102002", stdin="another password\r\n",
    )  # fmt: skip
    assert code == 0
    assert store.get("li").villages == ("360722102001", "360722102002")
    code, out, _ = run(capsys, monkeypatch, "users", str(ws), "list")
    assert code == 0
    assert "张三" in out and "admin" in out and "全部" in out
    assert "360722102001,360722102002" in out and "启用" in out
    assert "$argon2" not in out


def test_unknown_village_is_refused(capsys, monkeypatch, ws):
    code, _, err = run(
        capsys, monkeypatch, "users", str(ws), "add", "li", "--role", "monitor",
        "--villages", "360722102001,999", stdin="another password\n",
    )  # fmt: skip
    assert code == 2
    assert "999" in err and err.count("\n") == 1
    assert AccountStore.for_workspace(ws).accounts() == []


@pytest.mark.parametrize(
    ("name", "stdin", "said"),
    [
        ("lilili", "", "空"),
        ("lilili", "short\n", "至少 8"),
        ("liliLILI", "liliLILI\n", "相同"),
    ],
)
def test_bad_password_is_one_line_exit_2(capsys, monkeypatch, tmp_path, name, stdin, said):
    new = tmp_path / "new.gpkg"  # not made yet: accounts may come first (serve --create)
    code, _, err = run(
        capsys, monkeypatch, "users", str(new), "add", name, "--role", "leader", stdin=stdin
    )
    assert code == 2
    assert said in err and err.count("\n") == 1
    assert AccountStore.for_workspace(new).get(name) is None


def test_set_role_disable_enable_reset(capsys, monkeypatch, ws):
    for name, role in (("boss", "admin"), ("li", "monitor")):
        run(
            capsys,
            monkeypatch,
            "users",
            str(ws),
            "add",
            name,
            "--role",
            role,
            stdin="pass word 1\n",
        )
    store = AccountStore.for_workspace(ws)
    code, _, _ = run(
        capsys, monkeypatch, "users", str(ws), "set-role", "li", "planner",
        "--villages", "360722102001",
    )  # fmt: skip
    assert code == 0
    assert (store.get("li").role, store.get("li").villages) == ("planner", ("360722102001",))
    run(capsys, monkeypatch, "users", str(ws), "set-role", "li", "leader", "--villages", "")
    assert (store.get("li").role, store.get("li").villages) == ("leader", ())
    assert run(capsys, monkeypatch, "users", str(ws), "disable", "li")[0] == 0
    assert store.authenticate("li", "pass word 1") is None
    assert run(capsys, monkeypatch, "users", str(ws), "enable", "li")[0] == 0
    code, _, _ = run(
        capsys, monkeypatch, "users", str(ws), "reset-password", "li", stdin="pass word 2\n"
    )
    assert code == 0
    assert store.authenticate("li", "pass word 2") is not None
    code, _, err = run(capsys, monkeypatch, "users", str(ws), "disable", "boss")
    assert code == 2 and "最后一个" in err
    code, _, err = run(capsys, monkeypatch, "users", str(ws), "disable", "nobody")
    assert code == 2 and "没有账户" in err


def test_missing_workspace_is_exit_2(capsys, monkeypatch, tmp_path):
    code, _, err = run(capsys, monkeypatch, "users", str(tmp_path / "nowhere" / "x.gpkg"), "list")
    assert code == 2 and "没有工作空间" in err


def test_password_prompt_asks_twice_on_a_terminal(capsys, monkeypatch, tmp_path):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter(["first password", "other password"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("sys.stdin", Tty())
    code = cli.main(["users", str(tmp_path / "w.gpkg"), "add", "bob", "--role", "leader"])
    assert code == 2
    assert "两次" in capsys.readouterr().err


# -- the serve guard -----------------------------------------------------------------------


@pytest.fixture
def started(monkeypatch) -> list[list[str]]:
    """Commands ``serve`` would have become (os.execve) or run (subprocess)."""
    calls: list[list[str]] = []

    def start(*args):
        calls.append(list(args[1] if len(args) == 3 else args[0]))  # execve(exe, cmd, env)
        raise Started

    monkeypatch.setattr(cli_serve.os, "execve", start)
    monkeypatch.setattr(cli_serve.subprocess, "call", lambda cmd, env: start(cmd))
    return calls


def test_serve_elsewhere_needs_an_admin(capsys, monkeypatch, ws, started):
    code, _, err = run(capsys, monkeypatch, "serve", str(ws), "--address", "0.0.0.0")
    assert code == 2 and not started
    assert f"township-atlas users {ws} add <name> --role admin" in err
    assert err.count("\n") == 1
    # a disabled admin or a non-admin is not enough either
    store = AccountStore.for_workspace(ws)
    store.add("li", "monitor", "pass word 1")
    assert run(capsys, monkeypatch, "serve", str(ws), "--address", "192.168.1.5")[0] == 2
    store.add("boss", "admin", "pass word 1")
    code, _, _ = run(capsys, monkeypatch, "serve", str(ws), "--address", "0.0.0.0")
    assert code == 0 and len(started) == 1
    assert started[0][started[0].index("--server.address") + 1] == "0.0.0.0"


@pytest.mark.parametrize("address", ["127.0.0.1", "localhost", "::1"])
def test_serve_on_this_machine_needs_no_account(capsys, monkeypatch, ws, started, address):
    run(capsys, monkeypatch, "serve", str(ws), "--address", address)
    assert len(started) == 1
    cmd = started[0]
    opts = dict(itertools.pairwise(cmd))
    assert opts["--client.showErrorDetails"] == "none"
    assert opts["--server.enableXsrfProtection"] == "true"
    assert opts["--client.disableDataExport"] == "true"
    assert opts["--server.maxUploadSize"] == "600"
    assert not AccountStore.for_workspace(ws).path.exists()


def test_serve_create_elsewhere_names_the_new_workspace(capsys, monkeypatch, tmp_path, started):
    new = tmp_path / "新镇.gpkg"
    code, _, err = run(capsys, monkeypatch, "serve", str(new), "--create", "--address", "0.0.0.0")
    assert code == 2 and not started
    assert f"users {new} add <name> --role admin" in err
    run(
        capsys,
        monkeypatch,
        "users",
        str(new),
        "add",
        "boss",
        "--role",
        "admin",
        stdin="pass word 1\n",
    )
    run(capsys, monkeypatch, "serve", str(new), "--create", "--address", "0.0.0.0")
    assert len(started) == 1


def test_serve_at_a_terminal_sets_up_the_first_admin(capsys, monkeypatch, ws, started):
    monkeypatch.setattr(cli_serve, "_at_a_terminal", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "boss")
    monkeypatch.setattr(cli_users, "_read_password", lambda name: "pass word 1")
    code, _, err = run(capsys, monkeypatch, "serve", str(ws), "--address", "0.0.0.0")
    assert code == 0 and len(started) == 1
    assert "已建立管理员 boss" in err
    account = AccountStore.for_workspace(ws).get("boss")
    assert account is not None and account.role == "admin"
    rows = AuditLog.for_workspace(ws).rows(action="users")
    assert list(rows["target"]) == ["boss"] and rows["account"].iloc[0].startswith("cli:")


def test_serve_tells_the_dashboard_its_address_and_extra_host_names(
    capsys, monkeypatch, ws, started
):
    envs = []

    def start(exe, cmd, env):
        envs.append(env)
        raise Started

    monkeypatch.setattr(cli_serve.os, "execve", start)
    monkeypatch.setattr(cli_serve.subprocess, "call", lambda cmd, env: start(None, cmd, env))
    run(capsys, monkeypatch, "serve", str(ws), "--allowed-host", "atlas.lan", "--allowed-host", "x")
    assert envs[0]["TOWNSHIP_ATLAS_ADDRESS"] == "127.0.0.1"
    assert envs[0]["TOWNSHIP_ATLAS_ALLOWED_HOSTS"] == "atlas.lan,x"


def test_every_account_change_is_an_audit_row(capsys, monkeypatch, ws):
    run(
        capsys,
        monkeypatch,
        "users",
        str(ws),
        "add",
        "li",
        "--role",
        "monitor",
        stdin="pw word 12\n",
    )
    run(capsys, monkeypatch, "users", str(ws), "set-role", "li", "leader")
    run(capsys, monkeypatch, "users", str(ws), "disable", "li")
    run(capsys, monkeypatch, "users", str(ws), "reset-password", "li", stdin="pw word 34\n")
    rows = AuditLog.for_workspace(ws).rows(action="users")
    assert [d.split()[0] for d in rows["detail"][::-1]] == [
        "add",
        "set-role",
        "disable",
        "reset-password",
    ]
    assert "pw word" not in " ".join(rows["detail"])
