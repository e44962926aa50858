"""证件号码 in a register: never stored as written, only as a keyed hash (HMAC-SHA256, for
matching the next import) and a masked form (first 6 and last 4 characters); GB 11643 check
digits are checked and a bad one is noted, never refused.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import numpy as np
import pandas as pd

from .register_values import _fmt, _rows_text, _rows_text_en

_ID_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)])
_ID_CHECK = np.array(list("10X98765432"))


def mask_id(value: str) -> str:
    """``360722199001011234`` -> ``360722********1234``; anything shorter than 11 is all stars."""
    text = str(value)
    if len(text) < 11:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def hash_id(value: str, key: bytes) -> str:
    """HMAC-SHA256 of the normalised ID number under ``key``, as hex."""
    return hmac.new(key, _norm_id(value).encode(), hashlib.sha256).hexdigest()


def _hashes(ids: pd.Series, key: bytes) -> list[str | None]:
    base = hmac.new(key, digestmod=hashlib.sha256)
    out: list[str | None] = []
    for v in ids:
        if not v:
            out.append(None)
            continue
        h = base.copy()
        h.update(v.encode())
        out.append(h.hexdigest())
    return out


def _norm_id(value: str) -> str:
    return re.sub(r"\s+", "", str(value)).upper()


def id_valid(ids: pd.Series) -> pd.Series:
    """True where an 18-character ID's check digit fits (GB 11643); 15-digit IDs pass on form."""
    text = ids.astype("string").fillna("")
    shaped18 = text.str.fullmatch(r"\d{17}[\dX]").fillna(False).to_numpy(dtype=bool)
    shaped15 = text.str.fullmatch(r"\d{15}").fillna(False).to_numpy(dtype=bool)
    ok = shaped15.copy()
    if shaped18.any():
        s18 = text[shaped18].to_numpy(dtype=str)
        digits = np.frombuffer("".join(s[:17] for s in s18).encode(), dtype=np.uint8) - 48
        digits = digits.reshape(-1, 17)
        check = _ID_CHECK[(digits * _ID_WEIGHTS).sum(axis=1) % 11]
        ok[shaped18] = check == np.array([s[17] for s in s18])
    return pd.Series(ok, index=ids.index)


def _identity(t, heads, taken, id_key: bytes, notes: list) -> pd.DataFrame:
    """The head's keyed hash and masked ID per household taken; bad check digits noted."""
    ids = t["id_number"]
    valid = id_valid(ids)
    bad_rows = t.index[(ids != "") & ~valid.to_numpy()]
    if len(bad_rows):
        notes.append(
            (
                f"{_fmt(len(bad_rows))} 个证件号码格式或校验位不对（GB 11643），"
                f"已照录其掩码与散列：第 {_rows_text(sorted(bad_rows))} 行",
                f"{_fmt(len(bad_rows))} ID numbers fail the GB 11643 form or check digit; "
                f"kept as hash and mask: rows {_rows_text_en(sorted(bad_rows))}",
            )
        )
    head_ids = heads["id_number"].reindex(taken)
    present = head_ids != ""
    return pd.DataFrame(
        {
            "household_id": taken,
            "id_hash": _hashes(head_ids, bytes(id_key)),
            "id_masked": [mask_id(v) if v else None for v in head_ids],
            "id_valid": id_valid(head_ids).to_numpy() & present.to_numpy(),
        }
    )
