"""Whether the ID-number key in use made a workspace's ID hashes.

A workspace keeps the fingerprint of the key its households' ID hashes were made with
(:data:`~township_atlas.geo.paths.ID_KEY_FINGERPRINT_META`), never the key. With another key
every hash differs: a re-import would report every household "updated" and ID lookups would
silently find nothing, so an import with ID numbers is refused instead, naming the cause.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ...geo.paths import ID_KEY_FINGERPRINT_META, IdKeyError, id_key, id_key_fingerprint
from .errors import ImportFailed

#: Households of an older workspace (no fingerprint) whose stored and new hashes must all
#: differ before the key is taken to differ: one head changing is a real change, not a key.
_LEGACY_OVERLAP = 3


def key_in_use() -> bytes:
    """The ID-number key, its problems as :class:`ImportFailed` (nothing is imported)."""
    try:
        return id_key()
    except IdKeyError as exc:
        raise ImportFailed(exc.zh, exc.en) from exc


def mismatch_failure() -> ImportFailed:
    """The refusal of an import whose key did not make the workspace's ID hashes."""
    return ImportFailed(
        "本机的证件号码密钥与该工作空间不符（工作空间的证件号码散列是用另一台机器或另一个用户的"
        "密钥生成的）：导入会把每一户都当作已更改，因此未导入。请从备份恢复原来的密钥文件"
        "（见 README「证件号码密钥」），或在原来的机器上导入",
        "the ID-number key on this machine is not the one this workspace's ID hashes were made "
        "with: every household would look changed, so nothing was imported. Restore the original "
        "key file from its backup (README, the ID-number key) or import on the original machine",
    )


def check_key(meta: Mapping[str, str], fingerprint: str) -> None:
    """Raise :class:`ImportFailed` when the workspace records a different key's fingerprint."""
    stored = str(meta.get(ID_KEY_FINGERPRINT_META) or "").strip()
    if stored and stored != fingerprint:
        raise mismatch_failure()


def check_legacy(old: pd.DataFrame, incoming: pd.DataFrame) -> None:
    """A workspace without a fingerprint (made before it was kept): refuse when at least
    :data:`_LEGACY_OVERLAP` households have a stored and a new head hash and none agrees."""
    if "head_id_hash" not in old or "head_id_hash" not in incoming:
        return
    before, after = (_hashes(frame) for frame in (old, incoming))
    both = before.index.intersection(after.index)
    if len(both) >= _LEGACY_OVERLAP and not (before[both] == after[both]).any():
        raise mismatch_failure()


def _hashes(frame: pd.DataFrame) -> pd.Series:
    rows = frame.dropna(subset=["head_id_hash"])
    out = pd.Series(
        rows["head_id_hash"].astype(str).to_numpy(), index=rows["household_id"].astype(str)
    )
    return out[~out.index.duplicated()]


def fingerprint_meta(meta: Mapping[str, str], fingerprint: str) -> dict[str, str] | None:
    """The metadata to write with an import of ID numbers: the fingerprint when the workspace
    has none yet (none otherwise, so that the same file twice still writes nothing)."""
    if str(meta.get(ID_KEY_FINGERPRINT_META) or "").strip():
        return None
    return {ID_KEY_FINGERPRINT_META: fingerprint}


def workspace_key_matches(meta: Mapping[str, str], key: bytes) -> bool:
    """Whether ``key`` made the workspace's ID hashes (True when it records no fingerprint)."""
    stored = str(meta.get(ID_KEY_FINGERPRINT_META) or "").strip()
    return not stored or stored == id_key_fingerprint(key)
