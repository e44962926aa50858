"""The ID-number key: made atomically, refused when short or open to others, and its
fingerprint kept in the workspace so a different key is named, not silently used."""

from __future__ import annotations

import multiprocessing
import os
import stat

import pytest

from township_atlas.geo import paths
from township_atlas.geo.paths import (
    ID_KEY_BYTES,
    IdKeyError,
    id_key,
    id_key_fingerprint,
    id_key_path,
)


@pytest.fixture()
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("TOWNSHIP_ATLAS_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def _key_in(home: str, start, out) -> None:
    os.environ["TOWNSHIP_ATLAS_HOME"] = home
    start.wait()  # every process asks for the key at the same moment
    try:
        out.put(paths.id_key())
    except Exception as exc:  # reported to the test, not swallowed
        out.put(repr(exc))


def test_eight_processes_at_once_all_get_the_same_full_key(home):
    ctx = multiprocessing.get_context("spawn" if os.name == "nt" else "fork")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_key_in, args=(str(home), start, out)) for _ in range(8)]
    for p in procs:
        p.start()
    start.set()
    keys = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert all(isinstance(k, bytes) for k in keys), keys
    assert {len(k) for k in keys} == {ID_KEY_BYTES}
    assert len(set(keys)) == 1
    assert keys[0] == id_key_path().read_bytes()
    # the temporary files are gone: only the key itself is left
    assert [p.name for p in home.iterdir()] == ["id-key"]


def test_key_is_made_once_and_kept(home):
    first = id_key()
    assert len(first) == ID_KEY_BYTES
    assert id_key() == first
    if os.name == "posix":
        assert stat.S_IMODE(id_key_path().stat().st_mode) == 0o600


@pytest.mark.parametrize("content", [b"", b"x" * 16, b"y" * 31])
def test_short_key_is_refused_with_its_path(home, content):
    home.mkdir(parents=True)
    path = id_key_path()
    path.write_bytes(content)
    path.chmod(0o600)
    with pytest.raises(IdKeyError) as err:
        id_key()
    assert str(path) in err.value.zh and "32" in err.value.zh
    assert str(path) in err.value.en
    assert path.read_bytes() == content  # never replaced behind the user's back


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620])
def test_key_open_to_group_or_others_is_refused(home, mode):
    home.mkdir(parents=True)
    path = id_key_path()
    path.write_bytes(b"k" * ID_KEY_BYTES)
    path.chmod(mode)
    with pytest.raises(IdKeyError) as err:
        id_key()
    assert "chmod 600" in err.value.zh and str(path) in err.value.zh
    path.chmod(0o600)
    assert id_key() == b"k" * ID_KEY_BYTES


def test_fingerprint_is_short_stable_and_not_the_key():
    key = b"a" * ID_KEY_BYTES
    fp = id_key_fingerprint(key)
    assert len(fp) == 16 and int(fp, 16) >= 0
    assert fp == id_key_fingerprint(key)
    assert fp != id_key_fingerprint(b"b" * ID_KEY_BYTES)
    assert key.hex()[:16] != fp


# ----------------------------------------------------------------------------- the workspace
def synthetic_id(body17: str) -> str:
    """A made-up 18-character ID number whose check character fits (GB 11643)."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(body17))
    return body17 + "10X98765432"[total % 11]


REG_HEADER = ["行政村", "户编号", "人数", "贫困户属性", "识别年度", "脱贫属性", "证件号码"]


def _register(path, rows) -> str:
    lines = [",".join(REG_HEADER), *(",".join(str(v) for v in r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return str(path)


def _rows(n: int = 4, size: int = 2):
    return [
        ["新屋村", f"K{i}", size, "低保户", 2024, "0", synthetic_id(f"11010119800101{i:03d}")]
        for i in range(n)
    ]


@pytest.fixture()
def ws(demo_copy):
    """The workspace these tests change: a private copy of the demo (``demo_copy``)."""
    return demo_copy


def _use_key(monkeypatch, folder) -> bytes:
    monkeypatch.setenv("TOWNSHIP_ATLAS_HOME", str(folder))
    return id_key()


def test_import_with_ids_stores_the_fingerprint_never_the_key(ws, tmp_path, monkeypatch):
    from township_atlas.data.importing.run import import_households
    from township_atlas.geo.paths import ID_KEY_FINGERPRINT_META
    from township_atlas.geo.workspace import read_workspace

    key = _use_key(monkeypatch, tmp_path / "a")
    out = import_households(ws, _register(tmp_path / "r.csv", _rows()))
    assert out.written and out.taken == 4
    meta = read_workspace(ws).meta
    assert meta[ID_KEY_FINGERPRINT_META] == id_key_fingerprint(key)
    assert not any(key.hex() in str(v) or key.hex()[:16] in str(v) for v in meta.values())
    # the same file again still changes nothing
    before = ws.stat().st_mtime_ns
    again = import_households(ws, str(tmp_path / "r.csv"))
    assert again.unchanged and not again.written and ws.stat().st_mtime_ns == before


def test_import_with_another_key_is_refused_and_writes_nothing(ws, tmp_path, monkeypatch, run_cli):
    _use_key(monkeypatch, tmp_path / "a")
    assert run_cli("import", "households", _register(tmp_path / "r.csv", _rows()), ws).code == 0
    _use_key(monkeypatch, tmp_path / "b")  # another machine, another user: another key
    newer = _register(tmp_path / "n.csv", _rows(size=3))
    before = ws.read_bytes()
    for extra in ([], ["--dry-run"]):
        code, _, err = run_cli("import", "households", newer, ws, *extra)
        assert code == 2 and "密钥与该工作空间不符" in err and err.count("\n") == 1
    assert ws.read_bytes() == before


def test_older_workspace_without_fingerprint_with_another_key_is_refused(ws, tmp_path, monkeypatch):
    from township_atlas.data.importing.errors import ImportFailed
    from township_atlas.data.importing.run import import_households
    from township_atlas.geo.paths import ID_KEY_FINGERPRINT_META
    from township_atlas.geo.workspace import read_workspace, write_workspace

    _use_key(monkeypatch, tmp_path / "a")
    import_households(ws, _register(tmp_path / "r.csv", _rows()))
    old = read_workspace(ws)  # as a workspace made before fingerprints were kept
    meta = {k: v for k, v in old.meta.items() if k != ID_KEY_FINGERPRINT_META}
    write_workspace(ws, old.layers, meta)
    _use_key(monkeypatch, tmp_path / "b")
    with pytest.raises(ImportFailed, match="key"):
        import_households(ws, _register(tmp_path / "n.csv", _rows(size=3)))
    assert ID_KEY_FINGERPRINT_META not in read_workspace(ws).meta


def test_lookup_by_id_says_when_the_key_is_not_the_workspaces(tmp_path, monkeypatch):
    from township_atlas.dashboard.household_panels import KEY_MISMATCH, id_lookup
    from township_atlas.data.importing.register import hash_id
    from township_atlas.geo.paths import ID_KEY_FINGERPRINT_META

    key = _use_key(monkeypatch, tmp_path / "a")
    typed = synthetic_id("11010119800101001")
    meta = {ID_KEY_FINGERPRINT_META: id_key_fingerprint(key)}
    assert id_lookup(meta, typed, "zh") == (hash_id(typed, key), None)
    assert id_lookup({}, typed, "zh") == (hash_id(typed, key), None)  # older workspace
    assert id_lookup(meta, "K1", "zh") == (None, None)  # a 户编号: no ID lookup at all
    other = {ID_KEY_FINGERPRINT_META: id_key_fingerprint(b"z" * ID_KEY_BYTES)}
    assert id_lookup(other, typed, "zh") == (None, KEY_MISMATCH["zh"])
    assert "户编号查找仍可用" in KEY_MISMATCH["zh"]
    assert id_lookup(other, typed, "en") == (None, KEY_MISMATCH["en"])
    if os.name == "posix":  # an unusable key is said too, not a crash
        id_key_path().chmod(0o644)
        hashed, problem = id_lookup(meta, typed, "zh")
        assert hashed is None and "chmod 600" in problem
