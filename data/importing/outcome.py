"""What an import did (:class:`ImportOutcome`), and the rows it refused with their reasons in
Chinese and English.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from ...geo.schema import LAYERS
from .errors import Note

#: Rows of a file shown before it goes in.
SAMPLE_ROWS = 10


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did: rows ``taken`` and ``rejected`` (source_row, reason_zh, reason_en,
    the row's values), ``notes`` (zh, en), whether the workspace was ``written`` and the
    command's ``exit_code``."""

    kind: str
    taken: int
    rejected: pd.DataFrame
    notes: list[Note] = field(default_factory=list)
    written: bool = False
    created: bool = False
    unchanged: bool = False
    #: Every header of the file, and those recognised (source header → field).
    headers: tuple[str, ...] = ()
    columns_found: Mapping[str, str] = field(default_factory=dict)
    #: How the coordinates were read (boundaries and point files).
    crs: str | None = None
    #: The first rows as they would go in (no geometry, no personal data).
    sample: pd.DataFrame | None = None
    #: A dry run: nothing was to be written, whatever the other fields say would happen.
    dry_run: bool = False
    #: What a recorded import changes (zh, en), e.g. households added and updated.
    changes: Note | None = None
    #: Why the result looks implausible (needs ``confirm_large`` to be written).
    large: tuple[Note, ...] = ()
    #: Rows taken with a warning or merged into another (same columns as ``rejected``): an
    #: exact repeat of a person, a 人数 that disagrees with the person rows.
    warnings: pd.DataFrame | None = None

    def report(self) -> dict[str, pd.DataFrame]:
        """The import report, every row not taken or not taken as it was: one sheet each."""
        out = {"未导入的行 rejected": self.rejected}
        if self.warnings is not None and len(self.warnings):
            out["合并或有提示的行 warnings"] = self.warnings
        return out

    def report_table(self) -> pd.DataFrame:
        """:meth:`report` as one table, with an ``outcome`` column saying which list."""
        parts = [frame.assign(outcome=name) for name, frame in self.report().items() if len(frame)]
        return pd.concat(parts, ignore_index=True) if parts else self.rejected

    @property
    def exit_code(self) -> int:
        if self.taken == 0 and not self.unchanged:
            return 2
        return 3 if len(self.rejected) else 0

    def as_dict(self, first: int = 10) -> dict:
        """JSON-ready counts, notes and the first rejections."""
        cols = ["source_row", "reason_zh", "reason_en"]
        return {
            "kind": self.kind,
            "taken": self.taken,
            "rejected": len(self.rejected),
            "written": self.written,
            "created": self.created,
            "unchanged": self.unchanged,
            "dry_run": self.dry_run,
            "exit_code": self.exit_code,
            "columns": dict(self.columns_found),
            "crs": self.crs,
            "notes": [{"zh": zh, "en": en} for zh, en in self.notes],
            "needs_confirmation": [{"zh": zh, "en": en} for zh, en in self.large],
            "first_rejections": self.rejected[cols].head(first).to_dict("records")
            if len(self.rejected)
            else [],
            "warnings": 0 if self.warnings is None else len(self.warnings),
            "first_warnings": self.warnings[cols].head(first).to_dict("records")
            if self.warnings is not None and len(self.warnings)
            else [],
        }


def _rejections(rows: gpd.GeoDataFrame, reasons) -> pd.DataFrame:
    zh = [r[0] if isinstance(r, tuple) else r for r in reasons]
    en = [r[1] if isinstance(r, tuple) else r for r in reasons]
    values = pd.DataFrame(rows.drop(columns="geometry")).astype(str)
    return pd.concat(
        [
            pd.DataFrame({"source_row": rows.index.to_numpy(), "reason_zh": zh, "reason_en": en}),
            values.reset_index(drop=True),
        ],
        axis=1,
    )


_MESSAGES_ZH = [
    (r"^required value is missing$", lambda m: "必填值为空"),
    (r"^cannot read (.*) as \w+$", lambda m: f"无法读取 {m[1]}"),
    (r"^(.*) is not one of (.*)$", lambda m: f"{m[1]} 不是允许的值({m[2]})"),
    (r"^duplicate key (.*)$", lambda m: f"与文件中前面的行重复({m[1]})"),
    (r"^(.*) is not a (\d+)-digit code$", lambda m: f"{m[1]} 不是 {m[2]} 位代码"),
    (r"^(.*) is below (.*)$", lambda m: f"{m[1]} 小于 {m[2]}"),
    (r"^(.*) is above (.*) m² cap$", lambda m: "人均住房面积超过 25 m² 上限"),
    (r"^(.*) is above (.*)$", lambda m: f"{m[1]} 大于 {m[2]}"),
    (r"^village (.*) is not in villages$", lambda m: f"行政村 {m[1]} 不在工作空间中"),
    (r"^geometry is missing or empty$", lambda m: "没有位置"),
]


def _problem_note(layer: str, fld: str | None, message: str) -> Note:
    import re

    spec = LAYERS[layer]
    col = spec.column(fld) if fld in spec.names else None
    zh_label = col.zh if col else ("位置" if fld == "geometry" else (fld or ""))
    en_label = col.en if col else (fld or "")
    zh = message
    for pattern, fn in _MESSAGES_ZH:
        m = re.match(pattern, message)
        if m:
            zh = fn(m)
            break
    return (f"{zh_label}:{zh}" if zh_label else zh, f"{en_label}: {message}")
