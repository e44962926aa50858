"""Writing a workspace safely: permissions and owner kept, symbolic links followed, data on disk
before the rename, and writers taking turns (fcntl on POSIX, msvcrt on Windows)."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import types

import pytest

from tests.support.workspaces import minimal_layers
from township_atlas.geo import workspace as ws_module
from township_atlas.geo.workspace import read_workspace, update_workspace, write_workspace

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions, links and fcntl")


@pytest.fixture
def existing(minimal_workspace, tmp_path):
    path = tmp_path / "ws.gpkg"
    path.write_bytes(minimal_workspace.read_bytes())
    return path


@pytest.fixture
def whole_writes(monkeypatch):
    """Every change written as a whole new file (what a file of an older layout gets)."""

    def whole(*args):
        raise ws_module.gpkg.NotInPlace("this test replaces the whole file")

    monkeypatch.setattr(ws_module, "_write_in_place", whole)


def rename_first_village(name: str):
    def change(ws):
        villages = ws.villages.copy()
        villages.loc[villages.index[0], "name"] = name
        return {"villages": villages}

    return change


@posix
def test_a_change_in_place_keeps_the_file_and_its_permissions(existing):
    os.chmod(existing, 0o640)
    before = existing.stat()
    update_workspace(existing, rename_first_village("新村"))
    after = existing.stat()
    assert (after.st_ino, after.st_uid, after.st_gid) == (
        before.st_ino,
        before.st_uid,
        before.st_gid,
    )
    assert stat.S_IMODE(after.st_mode) == 0o640
    assert read_workspace(existing).villages["name"].iloc[0] == "新村"


@posix
@pytest.mark.usefixtures("whole_writes")
def test_a_write_keeps_the_files_permissions(existing):
    os.chmod(existing, 0o640)
    update_workspace(existing, rename_first_village("新村"))
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640
    assert read_workspace(existing).villages["name"].iloc[0] == "新村"


@posix
@pytest.mark.usefixtures("whole_writes")
def test_a_write_keeps_owner_and_group_where_it_may(existing, monkeypatch):
    calls = []
    monkeypatch.setattr(os, "chown", lambda path, uid, gid: calls.append((uid, gid)))
    before = existing.stat()
    fake_uid = before.st_uid + 1  # another owner: the new file must be handed back
    monkeypatch.setattr(
        ws_module.Path,
        "stat",
        _stat_with_owner(ws_module.Path.stat, existing, fake_uid),
    )
    update_workspace(existing, rename_first_village("新村"))
    assert calls == [(fake_uid, before.st_gid)]


def _stat_with_owner(real, path, uid):
    """Path.stat, saying that ``path`` belongs to ``uid`` (only root could make it so)."""
    path = path.resolve()

    def fake(self, *args, **kwargs):
        result = real(self, *args, **kwargs)
        if self == path:
            values = list(result)
            values[stat.ST_UID] = uid
            return os.stat_result(values)
        return result

    return fake


@posix
@pytest.mark.usefixtures("whole_writes")
def test_a_refused_chown_does_not_fail_the_write(existing, monkeypatch):
    def refuse(*args):
        raise PermissionError(errno.EPERM, "not root")

    monkeypatch.setattr(os, "chown", refuse)
    real = ws_module.Path.stat
    monkeypatch.setattr(ws_module.Path, "stat", _stat_with_owner(real, existing, 12345))
    update_workspace(existing, rename_first_village("新村"))
    assert read_workspace(existing).villages["name"].iloc[0] == "新村"


@posix
def test_a_symlink_stays_a_link_and_its_target_is_written(existing, tmp_path):
    link_folder = tmp_path / "elsewhere"
    link_folder.mkdir()
    link = link_folder / "current.gpkg"
    link.symlink_to(existing)
    os.chmod(existing, 0o600)
    update_workspace(link, rename_first_village("链接村"))
    assert link.is_symlink()
    assert link.resolve() == existing.resolve()
    assert read_workspace(existing).villages["name"].iloc[0] == "链接村"
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600
    # nothing written or locked beside the link: the target's folder has the lock
    assert sorted(p.name for p in link_folder.iterdir()) == ["current.gpkg"]
    assert (tmp_path / ".ws.gpkg.lock").exists()


@posix
def test_a_dangling_symlink_gets_its_target_made(tmp_path):
    target = tmp_path / "real" / "ws.gpkg"
    target.parent.mkdir()
    link = tmp_path / "ws.gpkg"
    link.symlink_to(target)
    assert write_workspace(link, minimal_layers()) == link
    assert link.is_symlink() and target.is_file()


@posix
def test_the_file_is_flushed_before_the_rename_and_the_folder_after(existing, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        return real_fsync(fd)

    def replace(src, dst):
        events.append(("replace", str(src)))
        return real_replace(src, dst)

    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc to name an fd's file")
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_workspace(existing, minimal_layers())
    replaced = next(i for i, e in enumerate(events) if e[0] == "replace")
    temp = events[replaced][1]
    assert os.path.basename(temp).startswith(".writing-ws.gpkg~")
    assert ("fsync", temp) in events[:replaced]
    assert ("fsync", str(existing.parent.resolve())) in events[replaced:]


def test_a_concurrent_writer_waits_for_the_lock(existing, tmp_path):
    """A second process's change sees the first one's write: it waited for the lock."""
    marker = tmp_path / "first-holds-the-lock"
    script = (
        "import pathlib, sys, time\n"
        "from township_atlas.geo.workspace import update_workspace\n"
        "def change(ws):\n"
        "    villages = ws.villages.copy()\n"
        "    villages.loc[villages.index[0], 'name'] = 'A'\n"
        f"    pathlib.Path({str(marker)!r}).touch()\n"
        "    time.sleep(2)\n"
        "    return {'villages': villages}\n"
        "update_workspace(sys.argv[1], change)\n"
    )
    first = subprocess.Popen([sys.executable, "-c", script, str(existing)])
    try:
        _wait_for(marker, first)
        seen = []

        def second(ws):
            seen.append(ws.villages["name"].iloc[0])
            return rename_first_village(seen[0] + "B")(ws)

        update_workspace(existing, second)  # in this process: must wait for the first
        assert first.wait(timeout=60) == 0
    finally:
        if first.poll() is None:
            first.kill()
    assert seen == ["A"]
    assert read_workspace(existing).villages["name"].iloc[0] == "AB"


def _wait_for(marker, proc, seconds: float = 120.0) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not marker.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the first writer never took the lock")
        time.sleep(0.01)


# ----------------------------------------------------------------------------- Windows branch
class FakeMsvcrt(types.ModuleType):
    """msvcrt.locking as Windows behaves: LK_LOCK gives up (EDEADLOCK) while another
    process holds the byte, LK_NBLCK fails at once (EACCES); records where each lock is."""

    LK_UNLCK, LK_LOCK, LK_NBLCK = 0, 1, 2

    def __init__(self, busy_tries: int = 0, held_elsewhere: bool = False) -> None:
        super().__init__("msvcrt")
        self.busy_tries = busy_tries
        self.held_elsewhere = held_elsewhere
        self.calls: list[tuple[int, int, int]] = []  # (mode, position, bytes)

    def locking(self, fd: int, mode: int, nbytes: int) -> None:
        self.calls.append((mode, os.lseek(fd, 0, os.SEEK_CUR), nbytes))
        if mode == self.LK_NBLCK and self.held_elsewhere:
            raise OSError(errno.EACCES, "locked")
        if mode == self.LK_LOCK and self.busy_tries:
            self.busy_tries -= 1
            raise OSError(getattr(errno, "EDEADLOCK", errno.EDEADLK), "deadlock avoided")


@pytest.fixture
def windows(monkeypatch):
    def use(fake: FakeMsvcrt) -> FakeMsvcrt:
        monkeypatch.setitem(sys.modules, "msvcrt", fake)
        monkeypatch.setattr(ws_module, "_WINDOWS", True)
        return fake

    return use


def test_on_windows_a_writer_locks_byte_zero_and_keeps_waiting(existing, windows):
    fake = windows(FakeMsvcrt(busy_tries=2))
    update_workspace(existing, rename_first_village("新村"))
    lock, unlock = FakeMsvcrt.LK_LOCK, FakeMsvcrt.LK_UNLCK
    # two give-ups of LK_LOCK (another writer for 20 s), then the lock, then the unlock;
    # the stale-temp clean-up inside the transaction takes no second lock
    assert fake.calls == [(lock, 0, 1)] * 3 + [(unlock, 0, 1)]
    assert read_workspace(existing).villages["name"].iloc[0] == "新村"


def test_on_windows_a_real_locking_error_is_not_retried_forever(existing, windows):
    fake = windows(FakeMsvcrt())

    def broken(fd, mode, nbytes):
        raise OSError(errno.EBADF, "bad file descriptor")

    fake.locking = broken
    with pytest.raises(OSError):
        update_workspace(existing, rename_first_village("新村"))


def test_on_windows_clean_up_skips_a_workspace_another_writer_holds(existing, windows, tmp_path):
    (tmp_path / ".ws.gpkg.lock").touch()
    fake = windows(FakeMsvcrt(held_elsewhere=True))
    dead = tmp_path / ".writing-ws.gpkg~otherpc~1~x.gpkg"
    dead.write_bytes(b"old")
    os.utime(dead, (0, 0))  # as old as a stale one: only the lock protects it
    ws_module._remove_stale_temps(existing)
    assert dead.exists()
    assert fake.calls == [(FakeMsvcrt.LK_NBLCK, 0, 1)]
    fake.held_elsewhere = False
    ws_module._remove_stale_temps(existing)
    assert not dead.exists()
    assert fake.calls[-1] == (FakeMsvcrt.LK_UNLCK, 0, 1)
