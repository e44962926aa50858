"""Read a household register exported from the national registration system (建档立卡).

The export is an Excel workbook (.xlsx/.xls, read with calamine) or a CSV (UTF-8 or GBK), one
row per person or per household, often with title rows above the header and merged cells. The
result is a frame for the ``households`` layer plus a report of every row that could not be
taken, with the reason in Chinese and English.

Personal data: 姓名 and 联系电话 are read only to be dropped; 证件号码 survives only as a keyed
hash (HMAC-SHA256) and a masked form (first 6 and last 4 characters) in ``identity`` and in the
rejection report. Only recognised, non-personal columns are echoed in the report.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .read_vector import ImportFailed  # one kind of fatal import problem for every reader
from .schema import CATEGORY_ALIASES, CAUSES, HOUSEHOLD_CATEGORIES, HOUSEHOLDS, MONITOR_KINDS
from .tabular import (
    HEADER_SEARCH_ROWS,
    best_delimiter,
    cell_text,
    csv_rows,
    decode_text,
    describe_csv,
    file_kind,
    find_header,
    first_sheet_with_header,
    village_resolver,
    years,
    yes_no,
)
from .tabular import open_workbook as open_workbook  # re-exported: see _decode below
from .validate import coerce, problems

# open_workbook and _decode stay importable from here for callers written before
# geo/tabular.py; new code imports tabular.open_workbook and tabular.decode_text.
_decode = decode_text

# ----------------------------------------------------------------------------- headers
#: field -> headers that name it (compared after :func:`_norm_header`). Fields that are not
#: columns of the households layer are used (person_id, relation, village_name) or dropped.
_HEADERS: dict[str, tuple[str, ...]] = {
    "county": ("县", "县(区)", "县(市、区)", "县(市,区)", "县(市区)", "县区", "区县"),
    "township": ("乡(镇)", "乡镇", "乡(镇、街道)", "乡镇(街道)", "乡镇名称"),
    "village_name": ("行政村", "村", "村名", "行政村名称", "村名称", "所在村", "村(社区)"),
    "village_code": (
        "村代码",
        "行政区划代码",
        "行政村代码",
        "村级代码",
        "区划代码",
        "统计用区划代码",
        "行政村区划代码",
    ),
    "natural_village": ("自然村", "村民小组", "组", "自然村(组)"),
    "household_id": ("户编号", "户号", "户码", "家庭编号", "户主编号"),
    "person_id": ("人编号", "成员编号", "个人编号", "人员编号"),
    "name_person": ("姓名", "户主姓名", "成员姓名", "户主"),
    "id_number": (
        "证件号码",
        "身份证号",
        "身份证号码",
        "户主身份证号",
        "户主身份证号码",
        "公民身份号码",
        "证件号",
    ),
    "size": ("人数", "家庭人口数", "家庭人口", "户人数", "人口数", "家庭人数"),
    "relation": ("与户主关系",),
    "category": ("贫困户属性", "户属性", "贫困户类型", "贫困户类别"),
    "cause": ("主要致贫原因", "致贫原因"),
    "status": ("脱贫属性", "脱贫状态", "贫困户状态", "脱贫标志"),
    "exit_year": ("脱贫年度", "脱贫年份", "脱贫时间"),
    "identified_year": ("识别年度", "识别年份", "识别时间", "纳入年度"),
    "return_year": ("返贫年度", "返贫年份", "返贫时间"),
    "monitor_kind": ("监测类型", "监测对象类型", "监测对象类别"),
    "monitor_year": ("纳入监测年度", "监测年度", "纳入监测时间"),
    "dangerous_house": ("危房户", "是否危房户", "危房"),
    "safe_water": ("饮水安全", "是否饮水安全", "安全饮水"),
    "water_difficulty": ("饮水困难", "是否饮水困难"),
    "income_per_capita": ("人均纯收入", "人均纯收入(元)", "家庭人均纯收入", "人均收入"),
    "phone": ("联系电话", "电话", "手机号码", "手机号", "电话号码"),
    "relocation_site": ("安置点",),
}
#: Columns of the national export that are recognised (they help find the header) but not kept.
_KNOWN_UNUSED = (
    "序号",
    "性别",
    "民族",
    "文化程度",
    "在校生状况",
    "健康状况",
    "劳动技能",
    "务工状况",
    "务工时间(月)",
    "参加大病医疗",
    "出生日期",
    "年龄",
)
#: Fields never copied into any output (the ID number only as hash and mask).
PERSONAL_FIELDS = frozenset({"name_person", "id_number", "phone"})
_FIELDS = frozenset(_HEADERS) | frozenset(HOUSEHOLDS.names)
#: Fields of this reader that are not households columns but may be mapped, with labels.
_READER_FIELDS: dict[str, tuple[str, str]] = {
    "village_name": ("行政村（名称或代码）", "Village (name or code)"),
    "person_id": ("人编号（每人一行时）", "Person id (one row per person)"),
    "relation": ("与户主关系", "Relation to the head"),
    "id_number": ("证件号码（只存散列与遮蔽号码）", "ID number (kept only as hash and mask)"),
    "safe_water": ("饮水安全", "Safe water"),
    "water_difficulty": ("饮水困难", "Water difficulty"),
}
#: Layer columns the reader computes itself (from 证件号码): never mapped from a header.
_COMPUTED = ("head_id_hash", "head_id_masked")


def _norm_header(value: object) -> str:
    text = "" if value is None else str(value)
    text = re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")").replace("，", ",")
    return text.strip("*＊").lower()


def _header_lookup() -> dict[str, str]:
    out: dict[str, str] = {}
    for col in HOUSEHOLDS.columns:  # the layer's own names and labels (our templates, exports)
        out[_norm_header(col.name)] = col.name
        out[_norm_header(col.zh)] = col.name
    out[_norm_header("饮水不安全")] = "unsafe_water"
    for fld, names in _HEADERS.items():
        for name in names:
            out[_norm_header(name)] = fld
    return out


_LOOKUP = _header_lookup()
_UNUSED = frozenset(_norm_header(h) for h in _KNOWN_UNUSED)

# ----------------------------------------------------------------------------- values
_CATEGORY = {_norm_header(c): c for c in HOUSEHOLD_CATEGORIES} | {
    _norm_header(a): c for a, c in CATEGORY_ALIASES
}
_CAUSE = {k: k for k in CAUSES} | {name: k for k, (name, _) in CAUSES.items()}
_CAUSE |= {f"{name}致贫": k for k, (name, _) in CAUSES.items()}
_CAUSE |= {str(int(k)): k for k in CAUSES}
#: 脱贫属性 codes and texts -> (status, still supported by policy)
_STATUS = {
    "0": "未脱贫",
    "1": "已脱贫",
    "3": "返贫",
    "4": "已脱贫",
    "未脱贫": "未脱贫",
    "贫困": "未脱贫",
    "已脱贫": "已脱贫",
    "脱贫": "已脱贫",
    "已脱贫(享受政策)": "已脱贫",
    "脱贫(享受政策)": "已脱贫",
    "已脱贫(不再享受政策)": "已脱贫",
    "脱贫(不再享受政策)": "已脱贫",
    "稳定脱贫": "已脱贫",
    "返贫": "返贫",
    "监测": "监测",
    "监测户": "监测",
    "监测对象": "监测",
}
_STATUS_NO_LONGER_SUPPORTED = {"4", "已脱贫(不再享受政策)", "脱贫(不再享受政策)"}
_MONITOR = {k: k for k in MONITOR_KINDS} | {
    "不稳定户": "脱贫不稳定户",
    "边缘户": "边缘易致贫户",
    "边缘易致贫": "边缘易致贫户",
    "脱贫不稳定": "脱贫不稳定户",
    "严重困难户": "突发严重困难户",
    "突发严重困难": "突发严重困难户",
}
_HEAD_RELATIONS = {"户主", "本人", "户主本人", "本人(户主)", "户主(本人)", "之本人", "01", "02"}
_SUMMARY = re.compile(
    r"^(合计|总计|小计|汇总|填表|制表|审核|负责人|备注|说明|注[:：]|签字|日期[:：])"
)
_ID_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)])
_ID_CHECK = np.array(list("10X98765432"))


@dataclass(frozen=True)
class RegisterImport:
    """What :func:`read_register` took from a register, and what it could not take.

    ``frame``: the households layer, one row per household, coerced to the layer's dtypes and
    free of :func:`~township_atlas.geo.validate.problems`. ``rejected``: one row per source row
    not taken (``row`` is the row number as Excel shows it), with ``household_id``,
    ``reason_zh``, ``reason_en`` and ``values`` (the recognised, non-personal cells as text,
    证件号码 masked). ``notes``: (zh, en) pairs about what was found and assumed.
    ``columns_found``: source header -> field. ``identity``: household_id -> ``id_hash``,
    ``id_masked``, ``id_valid`` of the household head, or None when the file has no 证件号码.
    """

    frame: pd.DataFrame
    rejected: pd.DataFrame
    notes: tuple[tuple[str, str], ...]
    columns_found: Mapping[str, str]
    identity: pd.DataFrame | None
    sheet: str | None = None
    header_row: int = 1
    source_rows: int = 0
    per_person: bool = False
    #: Every non-empty header of the file, in file order, recognised or not (each once).
    headers: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.rejected.empty


def recognised_headers(headers: Sequence[str]) -> dict[str, str]:
    """Header → field for the ``headers`` this reader recognises by name (the first header
    naming a field wins), e.g. for a page to show what a refused file's columns mean."""
    out: dict[str, str] = {}
    for header in headers:
        fld = _LOOKUP.get(_norm_header(header))
        if fld and fld not in out.values():
            out[header] = fld
    return out


def mappable_fields(kind: str = "households") -> list[tuple[str, str, str]]:
    """The fields a register header may be mapped to, as (field, zh, en).

    Parameters
    ----------
    kind : str
        ``households`` (the only kind of register).

    Returns
    -------
    list of (field, label_zh, label_en)
        The households columns a header can fill and the reader's own fields (village name,
        person id, relation, ID number, water flags), each a valid target in
        ``read_register(columns=...)``. 姓名 and 联系电话 are never offered: they are only read
        to be dropped.
    """
    if kind != "households":
        raise ValueError(f"kind must be 'households', not {kind!r}")
    out = []
    for col in HOUSEHOLDS.columns:
        if col.name in _COMPUTED:
            continue
        out.append((col.name, col.zh, col.en))
        if col.name == "village_code":  # the name goes with the code
            out.append(("village_name", *_READER_FIELDS["village_name"]))
        if col.name == "household_id":
            out += [(f, *_READER_FIELDS[f]) for f in ("person_id", "relation", "id_number")]
        if col.name == "unsafe_water":
            out += [(f, *_READER_FIELDS[f]) for f in ("safe_water", "water_difficulty")]
    return out


# ----------------------------------------------------------------------------- personal data
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


# ----------------------------------------------------------------------------- reading
def _as_text(s: pd.Series) -> np.ndarray:
    """Each cell as stripped text ('' for empty), fast: converted once per distinct value."""
    codes, uniq = pd.factorize(s.to_numpy(dtype=object), use_na_sentinel=True)
    conv = np.array([cell_text(u) for u in uniq] + [""], dtype=object)
    return conv[codes]


def _header_score(cells: list[object], user: Mapping[str, str]) -> tuple[int, int]:
    fields, known = set(), 0
    for cell in cells:
        h = _norm_header(cell)
        if not h:
            continue
        if h in user:
            fields.add(user[h] or h)
        elif h in _LOOKUP:
            fields.add(_LOOKUP[h])
        elif h in _UNUSED:
            known += 1
    return len(fields) + known, int("household_id" in fields)


def _find_header(rows: list[list[object]], user: Mapping[str, str]) -> int | None:
    # at least two known headers; a row naming 户编号 first, then the most headers
    return find_header(
        rows, lambda cells: _header_score(cells, user)[::-1], lambda rank: rank[1] >= 2
    )


def _no_header() -> ImportFailed:
    return ImportFailed(
        f"在前 {HEADER_SEARCH_ROWS} 行中找不到可识别的表头（如 户编号、行政村、贫困户属性、"
        "脱贫属性）；请用列对应关系指明各列",
        f"no recognisable header in the first {HEADER_SEARCH_ROWS} rows (such as 户编号, 行政村, "
        "贫困户属性, 脱贫属性); map the columns by hand",
    )


def _read_csv(path: Path, user: Mapping[str, str]) -> tuple[list[str], pd.DataFrame, str, int]:
    text, encoding = decode_text(path.read_bytes())
    sample = text[:200_000].splitlines()[:HEADER_SEARCH_ROWS]
    best = best_delimiter(
        lambda delim: csv_rows(sample, delim),
        lambda rows: _find_header(rows, user),
        lambda cells: _header_score(cells, user),
    )
    if best is None:
        raise _no_header()
    delim, _, h = best
    header = next(csv.reader([sample[h]], delimiter=delim))
    what = describe_csv(encoding, delim)
    width = len(header)
    try:  # fast path: every record on one line, none wider than the header
        data = pd.read_csv(
            io.StringIO(text),
            sep=delim,
            header=None,
            names=range(width),
            skiprows=h + 1,
            dtype=object,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            index_col=False,
            on_bad_lines="error",
        )
        # a quoted field across lines makes fewer records than lines: then count lines by hand
        lines = text.count("\n") + (0 if text.endswith("\n") else 1)
        multiline = lines - (h + 1) != len(data)
    except (pd.errors.ParserError, ValueError):
        multiline = True
    if not multiline:
        data.index = pd.RangeIndex(h + 2, h + 2 + len(data))
        return header, data, what, h + 1
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    records, lines, prev = [], [], 0
    for rec in reader:
        records.append(rec)
        lines.append(prev + 1)  # the record starts on the line after the previous one ended
        prev = reader.line_num
    h = _find_header(records[:HEADER_SEARCH_ROWS], user)
    assert h is not None
    header = [str(c) for c in records[h]]
    body = [r[:width] for r in records[h + 1 :]]
    data = pd.DataFrame(body, columns=range(width) if body else None, dtype=object)
    data = data.reindex(columns=range(width))
    data.index = pd.Index(lines[h + 1 :], dtype="int64")
    return header, data, what, lines[h]


def _read_excel(path: Path, sheet: str | None, user: Mapping[str, str]):
    found = first_sheet_with_header(path, sheet, lambda rows: _find_header(rows, user))
    if found is None:
        raise _no_header()
    name, cells, h, names = found
    header = [cell_text(c) for c in cells[h]]
    data = pd.DataFrame(cells[h + 1 :], columns=range(len(header)), dtype=object)
    del cells, found
    data.index = pd.RangeIndex(h + 2, h + 2 + len(data))
    return header, data, f"Excel, sheet {name}", h + 1, name, names


# ----------------------------------------------------------------------------- main
def _user_map(columns: Mapping[str, str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for src, dst in (columns or {}).items():
        target = dst or ""
        if target and target not in _FIELDS:
            norm = _norm_header(target)
            if norm not in _LOOKUP:
                raise ImportFailed(
                    f"列对应关系中的目标「{dst}」不是已知字段",
                    f"column mapping target {dst!r} is not a known field",
                )
            target = _LOOKUP[norm]
        out[_norm_header(src)] = target
    return out


def _map_unique(s: pd.Series, fn) -> pd.Series:
    """``s.map(fn)`` computing ``fn`` once per distinct value."""
    codes, uniq = pd.factorize(s.to_numpy(dtype=object))
    conv = np.array([fn(u) for u in uniq] + [None], dtype=object)
    return pd.Series(conv[codes], index=s.index, dtype=object)


def _row_villages(t: pd.DataFrame, resolve) -> tuple[pd.Series, pd.Series]:
    """Each row's village as written (the code, else the name) and as compared: the code,
    else the code the name resolves to, else the name."""
    blank = pd.Series("", index=t.index, dtype=object)
    code = t["village_code"].str.replace(r"\.0+$", "", regex=True) if "village_code" in t else blank
    name = t.get("village_name", blank)
    named = _map_unique(name, lambda v: (resolve(v) if v and resolve else None) or v)
    has_code = code != ""
    return code.where(has_code, name), code.where(has_code, named)


def _fmt(n: int) -> str:
    return f"{n:,}"


def _rows_text(rows) -> str:
    rows = [int(r) for r in rows]
    shown = "、".join(str(r) for r in rows[:10])
    return shown + (f" 等 {len(rows)} 行" if len(rows) > 10 else "")


def _rows_text_en(rows) -> str:
    rows = [int(r) for r in rows]
    shown = ", ".join(str(r) for r in rows[:10])
    return shown + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")


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


def read_register(
    path: str | os.PathLike,
    *,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
    villages: Mapping[str, str] | None = None,
    id_key: bytes,
) -> RegisterImport:
    """Read a household register (Excel or CSV) into the households layer.

    ``columns`` maps source headers to fields (a households column such as ``category``, a
    field of this reader such as ``village_name`` or ``person_id``, or a known Chinese header
    such as ``户编号``; an empty target ignores the column) and overrides the recognised headers.
    ``villages`` maps village names to 12-digit codes (the workspace's villages); codes in the
    file are checked against its values. 行政村 may hold a name or a code; with a 村代码
    column too, a row may give either, and a row giving both is rejected when they name
    different villages. ``id_key`` keys the hash of ID numbers.

    Raises :class:`ImportFailed` when nothing can be taken: unreadable file, not a table, no
    recognisable header, sheet not found, or a column every row needs is absent.
    """
    source = Path(path)
    if not source.is_file():
        raise ImportFailed(f"找不到文件：{source.name}", f"no file at {source}")
    if not isinstance(id_key, bytes | bytearray) or not id_key:
        raise ValueError("id_key must be non-empty bytes")
    user = _user_map(columns)
    notes: list[tuple[str, str]] = []
    sheet_name = None
    if file_kind(source) == "excel":
        header, data, what, header_row, sheet_name, names = _read_excel(source, sheet, user)
        if len(names) > 1:
            notes.append((f"读取工作表「{sheet_name}」", f"read sheet {sheet_name!r}"))
    else:
        header, data, what, header_row = _read_csv(source, user)
        if "gb18030" in what:
            notes.append(("CSV 文件编码为 GBK/GB18030", "CSV file encoded in GBK/GB18030"))
    notes.append((f"表头在第 {header_row} 行", f"header found on row {header_row}"))

    # ---- map headers to fields
    col_of: dict[str, int] = {}
    columns_found: dict[str, str] = {}
    skipped: list[tuple[int, str]] = []
    # headers mapped by hand first, so that one wins over a header recognised by name
    by_user = [i for i, h in enumerate(header) if user.get(_norm_header(h))]
    mine = set(by_user)
    for i in by_user + [i for i in range(len(header)) if i not in mine]:
        h = header[i]
        norm = _norm_header(h)
        if not norm:
            continue
        fld = user[norm] if norm in user else _LOOKUP.get(norm)
        if fld and fld not in col_of:
            col_of[fld] = i
            columns_found[str(h).strip()] = fld
        elif norm not in _UNUSED or fld:
            skipped.append((i, str(h).strip()))
    col_of = dict(sorted(col_of.items(), key=lambda kv: kv[1]))  # file order, as before
    columns_found = dict(sorted(columns_found.items(), key=lambda kv: col_of[kv[1]]))
    ignored = [h for _, h in sorted(skipped)]
    if ignored:
        notes.append(
            (f"未导入的列：{'、'.join(ignored)}", f"columns not imported: {', '.join(ignored)}")
        )
    if "household_id" not in col_of:
        raise ImportFailed(
            "找不到户编号列（户编号/户号）；请在列对应关系中指明",
            "no household id column (户编号); map one by hand",
        )
    if "village_code" not in col_of and "village_name" not in col_of:
        raise ImportFailed(
            "找不到行政村列（行政村/村代码）", "no village column (行政村 or 村代码)"
        )
    if "village_code" not in col_of and villages is None:
        raise ImportFailed(
            "登记表只有行政村名称，需先有工作空间的行政村列表才能对应到村代码",
            "the register names villages but gives no codes: the workspace's villages are needed",
        )
    if not {"status", "monitor_kind"} & set(col_of):
        raise ImportFailed("找不到脱贫属性列（脱贫属性/脱贫状态）", "no status column (脱贫属性)")

    # ---- text of every used column; drop blank and summary rows
    raw_cells = data.to_numpy(dtype=object)
    nonblank = ~pd.isna(raw_cells) & (raw_cells != "")
    any_cell = nonblank.any(axis=1)
    t = pd.DataFrame({f: _as_text(data[i]) for f, i in col_of.items()}, index=data.index)
    person_cols = [f for f in ("person_id", "relation", "name_person", "id_number") if f in t]
    has_person = t[person_cols].ne("").any(axis=1) if person_cols else pd.Series(False, t.index)
    # rows with no household id and no person in them: totals, signatures, notes under the table
    stray = any_cell & (t["household_id"] == "").to_numpy() & ~has_person.to_numpy()
    summary = np.zeros(len(t), dtype=bool)
    for i in np.flatnonzero(stray):
        cells = [cell_text(v) for v in raw_cells[i][nonblank[i]]]
        summary[i] = len(cells) <= 1 or bool(_SUMMARY.match(cells[0]))
    del raw_cells, nonblank
    if summary.any():
        rows = t.index[summary]
        notes.append(
            (
                f"跳过表格中的合计、签字等非数据行：第 {_rows_text(rows)} 行",
                f"skipped totals/signature rows: rows {_rows_text_en(rows)}",
            )
        )
    keep = any_cell & ~summary
    t, has_person = t[keep], has_person[keep]
    total_rows = len(t)

    per_person_cols = bool({"person_id", "relation"} & set(t.columns))
    # ---- merged cells: fill down villages always, household ids in per-person registers
    fills = [f for f in ("county", "township", "village_name", "village_code") if f in t]
    if per_person_cols:
        fills.append("household_id")
    filled_in = []
    both = {"village_name", "village_code"} <= set(t.columns)
    # with both village columns, a row naming its village in one is no merged cell of the other
    no_village = (t["village_name"] == "") & (t["village_code"] == "") if both else None
    for f in fills:
        blank = t[f] == ""
        if both and f in ("village_name", "village_code"):
            blank &= no_village
        if f == "household_id":
            blank &= has_person
        if not blank.any():
            continue
        filled = t[f].mask(blank).ffill()
        n = int((blank & filled.notna()).sum())
        t[f] = filled.fillna("")
        if n:
            filled_in.append((_header_of(columns_found, f), n))
    if filled_in:
        notes.append(
            (
                "合并单元格已向下填充：" + "、".join(f"{h}（{n} 格）" for h, n in filled_in),
                "merged cells filled down in "
                + ", ".join(f"{h} ({n} cells)" for h, n in filled_in),
            )
        )

    filled = t[fills] if fills else None  # the report shows filled-down values
    rej = _Rejections()
    missing_id = t["household_id"] == ""
    rej.add(t.index[missing_id], "缺少户编号", "household id (户编号) is missing")
    t = t[~missing_id]

    # ---- one row per person: group by household id, head first
    dup = t["household_id"].duplicated(keep=False)
    per_person = per_person_cols and bool(dup.any())
    resolve = village_resolver(villages) if villages is not None else None
    if per_person:
        shown, vill = _row_villages(t, resolve)
        nvill = vill.replace("", np.nan).groupby(t["household_id"]).nunique()
        multi = nvill[nvill > 1].index
        if len(multi):
            bad = t["household_id"].isin(multi)
            for hid, grp in t[bad].groupby("household_id", sort=False):
                vs = "、".join(dict.fromkeys(v for v in shown[grp.index] if v))
                rej.add(
                    grp.index,
                    f"户编号 {hid} 出现在多个行政村（{vs}）",
                    f"household id {hid} appears in more than one village "
                    f"({vs.replace('、', ', ')})",
                )
            t = t[~bad]
    elif dup.any():
        for hid, grp in t[dup].groupby("household_id", sort=False):
            rej.add(
                grp.index,
                f"户编号 {hid} 重复（第 {_rows_text(grp.index)} 行）",
                f"household id {hid} is repeated (rows {_rows_text_en(grp.index)})",
            )
        t = t[~dup]

    t = t.assign(_row=t.index.to_numpy())
    if "relation" in t:
        rel = _map_unique(t["relation"], _norm_header)
        head_rank = np.where(rel.isin(_HEAD_RELATIONS), 0, 1)
    else:
        head_rank = np.zeros(len(t), dtype=int)
    t = t.assign(_head=head_rank).sort_values(["household_id", "_head", "_row"], kind="stable")
    by = t.groupby("household_id", sort=False)
    heads = by.head(1).set_index("household_id")
    counts = by.size()
    hh_fields = [c for c in t.columns if c not in PERSONAL_FIELDS and not c.startswith("_")]
    hh = t[hh_fields].replace("", np.nan).groupby(t["household_id"], sort=False).first()
    hh = hh.drop(columns="household_id", errors="ignore").reindex(heads.index)
    hh = hh.fillna("")
    if per_person:
        notes.append(
            (
                f"每人一行：{_fmt(len(t))} 人归为 {_fmt(len(hh))} 户",
                f"one row per person: {_fmt(len(t))} people grouped into {_fmt(len(hh))} "
                "households",
            )
        )
    else:
        notes.append((f"每户一行：{_fmt(len(hh))} 户", f"one row per household: {_fmt(len(hh))}"))

    hh_rej: dict[str, list[tuple[str, str]]] = {}

    def reject(mask: pd.Series, zh, en) -> None:
        sel = hh.index[mask.to_numpy(dtype=bool)]
        for hid in sel:
            hh_rej.setdefault(hid, []).append((zh(hid), en(hid)))

    out = pd.DataFrame(index=hh.index)
    out["household_id"] = hh.index

    # ---- village: 村代码, 行政村 (a name or a code), or both, which must then agree
    blank = pd.Series("", index=hh.index, dtype=object)
    has_code, has_name = "village_code" in hh, "village_name" in hh
    vcode = hh["village_code"].str.replace(r"\.0+$", "", regex=True) if has_code else blank
    vname = hh["village_name"] if has_name else blank
    named = _map_unique(vname, lambda v: (resolve(v) or "") if v and resolve else "")
    with_code = vcode != ""
    bad = with_code & ~vcode.str.fullmatch(r"\d{12}").fillna(False).astype(bool)
    reject(
        bad,
        lambda h: f"行政村代码「{vcode[h]}」不是 12 位代码",
        lambda h: f"village code {vcode[h]!r} is not a 12-digit code",
    )
    unknown = pd.Series(False, index=hh.index)
    if villages is not None:
        unknown = with_code & ~bad & ~vcode.isin({str(c) for c in villages.values()})
        reject(
            unknown,
            lambda h: f"行政村代码「{vcode[h]}」不在工作空间中",
            lambda h: f"village code {vcode[h]} is not in the workspace",
        )
    reject(
        with_code & ~bad & ~unknown & (named != "") & (named != vcode),
        lambda h: f"行政村「{vname[h]}」（{named[h]}）与村代码「{vcode[h]}」不一致",
        lambda h: f"village {vname[h]!r} ({named[h]}) and village code {vcode[h]} do not agree",
    )
    by_name = ~with_code & (vname != "")
    if resolve is None:  # a code column, no workspace villages: a name cannot stand for it
        reject(
            by_name,
            lambda h: f"行政村代码为空（没有工作空间的行政村，无法按「{vname[h]}」对应）",
            lambda h: f"village code is empty (no workspace villages to look up {vname[h]!r})",
        )
    else:
        reject(
            by_name & (named == ""),
            lambda h: f"行政村「{vname[h]}」不在工作空间中",
            lambda h: f"village {vname[h]!r} is not in the workspace",
        )
    what = {
        (True, True): ("行政村与村代码均为空", "village and village code are empty"),
        (True, False): ("行政村为空", "village is empty"),
        (False, True): ("行政村代码为空", "village code is empty"),
    }[(has_name, has_code)]
    reject(~with_code & (vname == ""), lambda h: what[0], lambda h: what[1])
    out["village_code"] = vcode.where(with_code, named)

    # ---- size
    listed = counts.reindex(hh.index)
    if "size" in hh:
        size_text = hh["size"].str.replace(r"(\.0+|人)$", "", regex=True)
        size = pd.to_numeric(size_text, errors="coerce")
        bad = (size_text != "") & (size.isna() | (size % 1 != 0))
        reject(
            bad,
            lambda h: f"人数「{hh.at[h, 'size']}」不是整数",
            lambda h: f"persons {hh.at[h, 'size']!r} is not a whole number",
        )
        if per_person:
            given = size.notna() & ~bad
            differ = given & (size != listed)
            if differ.any():
                ex = "、".join(
                    f"{h}（人数 {int(size[h])}，{listed[h]} 行）" for h in hh.index[differ][:5]
                )
                ex_en = ", ".join(
                    f"{h} ({int(size[h])} given, {listed[h]} rows)" for h in hh.index[differ][:5]
                )
                notes.append(
                    (
                        f"{_fmt(int(differ.sum()))} 户的人数与所列人员行数不同，采用表中人数：{ex}",
                        f"{_fmt(int(differ.sum()))} households list a different number of people "
                        f"than their 人数; 人数 was kept: {ex_en}",
                    )
                )
            size = size.where(given, listed)
        if per_person_cols:
            size = size.where(size.notna() | bad, listed)
        reject(size.isna() & ~bad, lambda h: "人数为空", lambda h: "persons (人数) is empty")
        out["size"] = size
    elif per_person or per_person_cols:
        out["size"] = listed
    else:
        raise ImportFailed(
            "每户一行的登记表需要人数列（人数/家庭人口数）",
            "a register with one row per household needs a persons column (人数)",
        )

    # ---- category, cause, status, monitor kind
    if "category" in hh:
        cat = _map_unique(hh["category"], _norm_header)
        out["category"] = cat.map(_CATEGORY)
        reject(
            (cat != "") & out["category"].isna(),
            lambda h: (
                f"贫困户属性「{hh.at[h, 'category']}」不是已知类别"
                f"（{'、'.join(HOUSEHOLD_CATEGORIES)}）"
            ),
            lambda h: (
                f"category {hh.at[h, 'category']!r} is not a known category "
                f"({', '.join(HOUSEHOLD_CATEGORIES)})"
            ),
        )
    if "cause" in hh:
        cz = _map_unique(hh["cause"], _norm_header).str.replace(r"\.0+$", "", regex=True)
        cz = cz.str.replace(r"^(\d{2})[-_.、 ]?\D.*$", r"\1", regex=True)  # "01 因病" -> "01"
        out["cause"] = cz.map(_CAUSE)
        reject(
            (cz != "") & out["cause"].isna(),
            lambda h: f"主要致贫原因「{hh.at[h, 'cause']}」不是已知原因或代码（01–11、99）",
            lambda h: f"main cause {hh.at[h, 'cause']!r} is not a known cause or code (01–11, 99)",
        )
    if "monitor_kind" in hh:
        mk = _map_unique(hh["monitor_kind"], _norm_header)
        out["monitor_kind"] = mk.map(_MONITOR)
        reject(
            (mk != "") & out["monitor_kind"].isna(),
            lambda h: (
                f"监测类型「{hh.at[h, 'monitor_kind']}」无法识别（{'、'.join(MONITOR_KINDS)}）"
            ),
            lambda h: f"monitor kind {hh.at[h, 'monitor_kind']!r} is not recognised",
        )
    st_raw = hh["status"] if "status" in hh else pd.Series("", index=hh.index)
    st = _map_unique(st_raw, _norm_header).str.replace(r"\.0+$", "", regex=True)
    st = st.str.replace(r"^([0-4])[-_.、 ]?(\D.*)$", r"\1", regex=True)  # "1-已脱贫" -> "1"
    status = st.map(_STATUS)
    if "monitor_kind" in out:
        status = status.where((st != "") | out["monitor_kind"].isna(), "监测")
    out["status"] = status
    reject(
        (st != "") & status.isna(),
        lambda h: (
            f"脱贫属性「{st_raw[h]}」无法识别（0 未脱贫、1 已脱贫(享受政策)、3 返贫、"
            "4 已脱贫(不再享受政策)）"
        ),
        lambda h: (
            f"status {st_raw[h]!r} is not recognised (0 not exited, 1 exited with support, "
            "3 fell back, 4 exited, support ended)"
        ),
    )
    reject((st == "") & status.isna(), lambda h: "脱贫属性为空", lambda h: "status is empty")
    n4 = int(st.isin(_STATUS_NO_LONGER_SUPPORTED).sum())
    if n4:
        notes.append(
            (
                f"{_fmt(n4)} 户为“已脱贫(不再享受政策)”，记为已脱贫（图层不区分是否享受政策）",
                f"{_fmt(n4)} households exited with support ended (code 4) are stored as 已脱贫 "
                "(the layer does not record support)",
            )
        )

    # ---- years
    for fld in ("identified_year", "exit_year", "return_year", "monitor_year"):
        if fld not in hh:
            continue
        out[fld], not_year = years(hh[fld])
        label = HOUSEHOLDS.column(fld)
        reject(
            not_year,
            lambda h, f=fld, lab=label: f"{lab.zh}「{hh.at[h, f]}」不是年份",
            lambda h, f=fld, lab=label: f"{lab.en.lower()} {hh.at[h, f]!r} is not a year",
        )

    # ---- flags
    def flag(fld: str) -> pd.Series:
        v = _map_unique(hh[fld], _norm_header).str.replace(r"\.0+$", "", regex=True)
        res = yes_no(v)
        # an empty cell records no problem: 否 for 危房户/饮水困难, 是 for 饮水安全
        res[v == ""] = fld == "safe_water"
        lab = {
            "dangerous_house": ("危房户", "dangerous house"),
            "safe_water": ("饮水安全", "safe water"),
            "water_difficulty": ("饮水困难", "water difficulty"),
            "unsafe_water": ("饮水不安全", "unsafe water"),
        }[fld]
        reject(
            res.isna(),
            lambda h: f"{lab[0]}「{hh.at[h, fld]}」应为“是”或“否”",
            lambda h: f"{lab[1]} {hh.at[h, fld]!r} should be 是 or 否",
        )
        return res.fillna(False)

    absent = []
    if "dangerous_house" in hh:
        out["dangerous_house"] = flag("dangerous_house")
    else:
        out["dangerous_house"] = False
        absent.append(("危房户", "dangerous_house"))
    water = [f for f in ("safe_water", "water_difficulty", "unsafe_water") if f in hh]
    unsafe = pd.Series(False, index=hh.index)
    for f in water:
        v = flag(f)
        unsafe |= ~v if f == "safe_water" else v
    out["unsafe_water"] = unsafe
    if "safe_water" in hh:
        unknown = hh.index[(hh["safe_water"] == "").to_numpy()]
        if len(unknown):
            ex = "、".join(unknown[:5]) + ("…" if len(unknown) > 5 else "")
            ex_en = ", ".join(unknown[:5]) + (", …" if len(unknown) > 5 else "")
            notes.append(
                (
                    f"{_fmt(len(unknown))} 户的饮水安全为空：未知，按未记录问题处理"
                    f"（不记为饮水不安全）：{ex}",
                    f"{_fmt(len(unknown))} households have no 饮水安全 (safe water) entry: "
                    f"unknown, taken as no problem recorded (not unsafe water): {ex_en}",
                )
            )
    if not water:
        absent.append(("饮水安全", "unsafe_water"))
    if absent:
        notes.append(
            (
                "文件中没有" + "、".join(z for z, _ in absent) + "列：全部记为“否”",
                "no "
                + ", ".join(z for z, _ in absent)
                + " column in the file: "
                + ", ".join(e for _, e in absent)
                + " set to False for every household",
            )
        )

    # ---- income
    if "income_per_capita" in hh:
        text = hh["income_per_capita"]
        clean = text.str.replace(r"[,，\s元￥¥]", "", regex=True)
        inc = pd.to_numeric(clean, errors="coerce")
        out["income_per_capita"] = inc
        reject(
            (text != "") & inc.isna(),
            lambda h: f"人均纯收入「{hh.at[h, 'income_per_capita']}」不是金额",
            lambda h: f"income per person {hh.at[h, 'income_per_capita']!r} is not an amount",
        )
    if "relocation_site" in hh:
        out["relocation_site"] = hh["relocation_site"].replace("", np.nan)

    # ---- the layer's own rules on what is left
    ok = ~out.index.isin(list(hh_rej))
    cand = out[ok].reindex(columns=HOUSEHOLDS.names)
    norm = coerce(HOUSEHOLDS, cand.reset_index(drop=True))
    for p in problems("households", norm):
        if p.row is None:
            continue
        hid = cand.index[p.row]
        hh_rej.setdefault(hid, []).append(_translate(p.field, p.message))

    # ---- rejections by household -> every source row of it
    if hh_rej:
        sub = t.loc[t["household_id"].isin(list(hh_rej)), ["household_id", "_row"]]
        members = {hid: list(g) for hid, g in sub.groupby("household_id")["_row"]}
        for hid, reasons in hh_rej.items():
            rej.add(
                members[hid], "；".join(z for z, _ in reasons), "; ".join(e for _, e in reasons)
            )
    taken = out.index[~out.index.isin(list(hh_rej))]
    frame = coerce(HOUSEHOLDS, out.loc[taken].reindex(columns=HOUSEHOLDS.names))
    frame = frame.reset_index(drop=True)

    # ---- identity and ID checks
    identity = None
    if "id_number" in t:
        ids = _map_unique(t["id_number"], _norm_id)
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
        head_ids = _map_unique(heads["id_number"], _norm_id).reindex(taken)
        present = head_ids != ""
        identity = pd.DataFrame(
            {
                "household_id": taken,
                "id_hash": _hashes(head_ids, bytes(id_key)),
                "id_masked": [mask_id(v) if v else None for v in head_ids],
                "id_valid": id_valid(head_ids).to_numpy() & present.to_numpy(),
            }
        )

    if identity is not None and len(frame):
        # The households layer keeps only the head's hash (for matching) and masked number.
        by_id = identity.set_index("household_id")
        frame = frame.assign(
            head_id_hash=frame["household_id"].map(by_id["id_hash"]),
            head_id_masked=frame["household_id"].map(by_id["id_masked"]),
        )

    # ---- the report of rejected rows (recognised, non-personal columns only; ID masked)
    rejected = _report(data, col_of, columns_found, rej, filled)
    notes.append(
        (
            f"共 {_fmt(total_rows)} 行数据：导入 {_fmt(len(frame))} 户，"
            f"拒绝 {_fmt(len(rejected))} 行",
            f"{_fmt(total_rows)} data rows: {_fmt(len(frame))} households taken, "
            f"{_fmt(len(rejected))} rows rejected",
        )
    )
    return RegisterImport(
        frame=frame,
        rejected=rejected,
        notes=tuple(notes),
        columns_found=columns_found,
        identity=identity,
        sheet=sheet_name,
        header_row=header_row,
        source_rows=total_rows,
        per_person=per_person,
        headers=tuple(dict.fromkeys(h for h in (str(c).strip() for c in header) if h)),
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


def _report(data, col_of, columns_found, rej: _Rejections, filled) -> pd.DataFrame:
    cols = ["row", "household_id", "reason_zh", "reason_en", "values"]
    if not rej.zh:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "row" else object) for c in cols})
    rows = sorted(rej.zh)
    part = data.loc[rows]
    header_of = {f: h for h, f in columns_found.items()}
    shown = [(f, i) for f, i in col_of.items() if f not in ("name_person", "phone")]
    values, hids = [], []
    for r in rows:
        cells = []
        for f, i in shown:
            v = cell_text(part.at[r, i])
            if not v and filled is not None and f in filled and r in filled.index:
                v = filled.at[r, f]
            if not v:
                continue
            if f == "id_number":
                v = mask_id(_norm_id(v))
            cells.append(f"{header_of.get(f, f)}={v}")
        values.append("；".join(cells))
        hid = cell_text(part.at[r, col_of["household_id"]])
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
