"""What a register import says back: the reasons collected per source row, the rows
rejected or taken with a warning (recognised, non-personal cells only; 证件号码 masked), the
layer's rules in Chinese, and the closing count of rows read, households taken and rows refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ...geo.schema import (
    HOUSEHOLDS,
)
from .register_identity import _norm_id, mask_id
from .register_values import _fmt
from .tabular import (
    cell_text,
)

_REPORT_COLUMNS = ["row", "household_id", "reason_zh", "reason_en", "values"]


def _empty(names: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "row" else object) for c in names})


class _Rejections:
    """Reasons per source row, collected by household or by row."""

    def __init__(self):
        self.zh: dict[int, list[str]] = {}
        self.en: dict[int, list[str]] = {}

    def add(self, rows, zh: str, en: str) -> None:
        for r in rows:
            self.zh.setdefault(int(r), []).append(zh)
            self.en.setdefault(int(r), []).append(en)

    def __contains__(self, row: int) -> bool:
        return row in self.zh


def _summary(total_rows: int, taken: int, rejected: int, warned: int) -> tuple[str, str]:
    """The register's last note: rows read, households taken, rows rejected or warned."""
    merged = f"，{_fmt(warned)} 行附警告或已合并" if warned else ""
    merged_en = f", {_fmt(warned)} rows taken with a warning or merged" if warned else ""
    return (
        f"共 {_fmt(total_rows)} 行数据：导入 {_fmt(taken)} 户，拒绝 {_fmt(rejected)} 行{merged}",
        f"{_fmt(total_rows)} data rows: {_fmt(taken)} households taken, "
        f"{_fmt(rejected)} rows rejected{merged_en}",
    )


def _header_of(columns_found: Mapping[str, str], fld: str) -> str:
    for h, f in columns_found.items():
        if f == fld:
            return h
    return fld


_RULES_ZH = {
    "exit year is before identification": "脱贫年度早于识别年度",
    "fell back without exiting first": "有返贫年度却没有脱贫年度",
    "status 返贫 but it exited again later": "状态为返贫，但脱贫年度晚于返贫年度",
    "status 已脱贫 but it fell back after exiting": "状态为已脱贫，但返贫年度不早于脱贫年度",
    "status 已脱贫 needs an exit year": "已脱贫户须有脱贫年度",
    "status 返贫 needs a return year": "返贫户须有返贫年度",
    "only a 监测 household may lack one": "贫困户属性为空（只有监测户可以没有）",
    "required value is missing": "必填值为空",
}


def _translate(fld: str | None, message: str) -> tuple[str, str]:
    col = HOUSEHOLDS.column(fld) if fld in HOUSEHOLDS.names else None
    label_zh = col.zh if col else (fld or "")
    label_en = col.en if col else (fld or "")
    zh = _RULES_ZH.get(message, message)
    return f"{label_zh}：{zh}", f"{label_en}: {message}"


def _report(text: pd.DataFrame, columns_found, rej: _Rejections, filled) -> pd.DataFrame:
    """The rows of ``rej`` with their reasons and their recognised cells (``text``: the
    cells by field, as read; ``filled``: merged cells filled down), names and phones left
    out, 证件号码 masked."""
    if not rej.zh:
        return _empty(_REPORT_COLUMNS)
    rows = sorted(rej.zh)
    part = text.loc[rows]
    header_of = {f: h for h, f in columns_found.items()}
    shown = [f for f in text.columns if f not in ("name_person", "phone")]
    values, hids = [], []
    for r in rows:
        cells = []
        for f in shown:
            v = cell_text(part.at[r, f])
            if not v and filled is not None and f in filled and r in filled.index:
                v = filled.at[r, f]
            if not v:
                continue
            if f == "id_number":
                v = mask_id(_norm_id(v))
            cells.append(f"{header_of.get(f, f)}={v}")
        values.append("；".join(cells))
        hid = cell_text(part.at[r, "household_id"])
        if not hid and filled is not None and "household_id" in filled and r in filled.index:
            hid = filled.at[r, "household_id"]
        hids.append(hid or None)
    return pd.DataFrame(
        {
            "row": np.array(rows, dtype="int64"),
            "household_id": hids,
            "reason_zh": ["；".join(rej.zh[r]) for r in rows],
            "reason_en": ["; ".join(rej.en[r]) for r in rows],
            "values": values,
        }
    )
