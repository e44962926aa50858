"""Read a household register exported from the national registration system (建档立卡).

The export is an Excel workbook (.xlsx/.xls, read with calamine) or a CSV (UTF-8 or GBK), one
row per person or per household, often with title rows above the header and merged cells. The
2016–2020 扶贫开发信息系统 exports (脱贫属性 0/1/3/4, 贫困户属性) and the 2021+ 防返贫监测
exports (户类型, 监测对象类别, 风险消除) both read without a column mapping: every header and
value the system writes is declared once, in :mod:`township_atlas.geo.schema` (the columns'
``headers`` and ``aliases`` and the value lists next to them).

The result is a frame for the ``households`` layer, a frame for the ``members`` layer (one row
per person: relation, birth year, schooling, health, labour, work, insurance; no name, ID or
phone), a report of every row that could not be taken (``rejected``) and of every row taken
with a warning or merged into another (``warnings``), with the reason in Chinese and English.

Steps (each a function below): read the sheet and find the header (:func:`_read_source`),
match headers to fields (:func:`_match_columns`, one :mod:`~township_atlas.data.importing.headers`
matcher), refuse a file lacking a required column once (:func:`_require_columns`), take the
cells as text and drop totals rows (:func:`_rows`), fill merged cells (:func:`_fill_down`),
merge and refuse duplicated people (:func:`_duplicates`), group people into households
(:func:`_group`), then read each household field (:func:`_village`, :func:`_size`,
:func:`_codes`, :func:`_status`, :func:`_years`, :func:`_flags`, :func:`_income`), the members
(:func:`_members`) and the layer's own rules (:func:`_layer_rules`).

Personal data: 姓名 and 联系电话 are read only to be dropped; 证件号码 survives only as a keyed
hash (HMAC-SHA256) and a masked form (first 6 and last 4 characters) in ``identity`` and in the
reports, and as the birth year it encodes. Only recognised, non-personal columns are echoed in
the reports.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ...geo.schema import (
    CAUSES,
    DANGEROUS_HOUSE_WORDS,
    HEALTH,
    HEALTH_ALIASES,
    HOUSEHOLD_CATEGORIES,
    HOUSEHOLDS,
    MEMBERS,
    MONITOR_KINDS,
    NO_WORDS,
    RISK_CLEARED_WORDS,
    STATUS_ALIASES,
    STATUS_MONITOR_KIND,
    STATUS_POLICY,
    STATUS_RISK_CLEARED,
    YES_WORDS,
    Column,
)
from ...geo.validate import coerce, problems
from .errors import ImportFailed
from .headers import HeaderMatcher, columns_hint, layer_spellings, matcher, normalise
from .members import MEMBER_COUNTS, member_counts
from .personal_guard import refuse_personal_columns
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
    read_text_bytes,
    village_code_text,
    village_key,
    years,
    yes_no,
)
from .tabular import open_workbook as open_workbook  # re-exported: see _decode below

# open_workbook and _decode stay importable from here for callers written before
# geo/tabular.py; new code imports tabular.open_workbook and tabular.decode_text.
_decode = decode_text

# ----------------------------------------------------------------------------- headers
#: Fields of this reader that are neither households nor members columns: field ->
#: (spellings, label zh, label en). The households and members columns bring their own
#: spellings (name, zh, en, ``headers``) from the schema.
_READER_FIELDS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "county": (
        ("县", "县(区)", "县(市、区)", "县(市区)", "县区", "区县", "县(市)"),
        "县",
        "County",
    ),
    "township": (
        ("乡(镇)", "乡镇", "乡(镇、街道)", "乡镇(街道)", "乡镇名称", "乡(镇)名称", "乡镇街道"),
        "乡(镇)",
        "Township",
    ),
    "village_name": (
        ("行政村", "村", "村名", "行政村名称", "村名称", "所在村", "村(社区)", "村(居)"),
        "行政村（名称或代码）",
        "Village (name or code)",
    ),
    "natural_village": (("自然村", "村民小组", "组", "自然村(组)"), "自然村", "Natural village"),
    "name_person": (("姓名", "户主姓名", "成员姓名", "户主", "名字"), "姓名", "Name"),
    "id_number": (
        (
            "证件号码",
            "身份证号",
            "身份证号码",
            "户主身份证号",
            "户主身份证号码",
            "公民身份号码",
            "证件号",
            "户主证件号码",
            "身份证件号码",
        ),
        "证件号码（只存散列与遮蔽号码）",
        "ID number (kept only as hash and mask)",
    ),
    "phone": (("联系电话", "电话", "手机号码", "手机号", "电话号码"), "联系电话", "Phone"),
    "safe_water": (("饮水安全", "安全饮水", "饮水安全有保障"), "饮水安全", "Safe water"),
    "water_difficulty": (("饮水困难",), "饮水困难", "Water difficulty"),
    "health": (("健康状况", "健康情况", "身体状况", "健康状态"), "健康状况", "Health"),
    "birth_date": (
        ("出生日期", "出生年月", "出生年月日", "出生时间", "出生年份"),
        "出生日期",
        "Date of birth",
    ),
    "age": (("年龄", "年龄(岁)", "周岁"), "年龄", "Age"),
    "risk_cleared": (
        (
            "风险是否消除",
            "是否风险消除",
            "风险消除",
            "是否已消除风险",
            "风险消除情况",
            "风险消除标识",
            "风险状态",
        ),
        "风险是否消除",
        "Risk cleared",
    ),
}
#: Columns of the exports that are recognised (they help find the header) but not kept.
_KNOWN_UNUSED = (
    "序号",
    "性别",
    "民族",
    "政治面貌",
    "参加城乡居民基本养老保险",
    "参加新型农村社会养老保险",
    "是否现役军人",
    "残疾证号",
    "残疾等级",
    "残疾类别",
    "享受低保",
    "是否享受低保",
    "特困供养",
    "是否特困供养",
    "开户银行",
    "银行账号",
    "户籍地址",
    "帮扶责任人",
    "帮扶单位",
    "帮扶措施",
    "备注",
    "省",
    "市",
    "识别标准",
    "是否军烈属",
    "是否独生子女户",
    "是否双女户",
    "风险消除方式",
    "监测对象识别方式",
    "纳入方式",
    "是否易地扶贫搬迁户",
    "是否参加商业补充医疗保险",
    "家庭年纯收入",
    "家庭年收入",
    "工资性收入",
    "生产经营性收入",
    "财产性收入",
    "转移性收入",
    "生产经营性支出",
)
#: Fields never copied into any output (the ID number only as hash, mask and birth year).
PERSONAL_FIELDS = frozenset({"name_person", "id_number", "phone"})
#: Layer columns the reader computes itself: never mapped from a header.
_COMPUTED = ("head_id_hash", "head_id_masked")
#: Households columns counted from the members (read as given in a per-household file).
_MEMBER_COUNTS = MEMBER_COUNTS
#: Members columns read from the person rows (household_id and person_id are the key; the
#: three health flags come from the reader's ``health`` field).
_MEMBER_FIELDS = ("relation", "education", "schooling", "labour_skill", "work", "work_months")
_MEMBER_FLAGS = ("medical_insurance", "serious_illness_insurance")
_HEALTH_FLAGS = {"长期慢性病": "chronic_illness", "患有大病": "serious_illness", "残疾": "disabled"}


def _spellings() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for layer, skip in (
        (HOUSEHOLDS, _COMPUTED),
        (MEMBERS, (*_HEALTH_FLAGS.values(), "birth_year")),
    ):
        for fld, names in layer_spellings(layer, skip=skip).items():
            out.setdefault(fld, []).extend(names)
    out["unsafe_water"].append("饮水不安全")
    for fld, (names, _, _) in _READER_FIELDS.items():
        out.setdefault(fld, []).extend((fld, *names))
    return {f: tuple(dict.fromkeys(n)) for f, n in out.items()}


_MATCHER: HeaderMatcher = matcher(_spellings(), _KNOWN_UNUSED)


def header_matcher() -> HeaderMatcher:
    """The header matcher of registers (households and their members' fields)."""
    return _MATCHER


_FIELDS = frozenset(_MATCHER.spellings)


# ----------------------------------------------------------------------------- values
def _norm_value(value: object) -> str:
    """A cell's value as compared with the vocabulary: NFKC (full width → half width, （）→
    ()), no spaces, case-folded, no trailing ``.0`` of a number Excel stored as float."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    text = re.sub(r"\s+", "", text).casefold()
    text = text.replace("【", "(").replace("】", ")").replace("〔", "(").replace("〕", ")")
    return re.sub(r"^(\d+)\.0+$", r"\1", text)


def _vocabulary(col: Column, extra: Iterable[tuple[str, str]] = ()) -> dict[str, str]:
    """Normalised spelling -> allowed value: the values themselves, then the column's aliases."""
    out = {_norm_value(v): v for v in col.allowed}
    for old, new in (*col.aliases, *extra):
        out.setdefault(_norm_value(old), new)
    return out


_CATEGORY = _vocabulary(HOUSEHOLDS.column("category"))
_CAUSE = _vocabulary(
    HOUSEHOLDS.column("cause"),
    [(name, k) for k, (name, _) in CAUSES.items()]
    + [(f"{name}致贫", k) for k, (name, _) in CAUSES.items()]
    + [(str(int(k)), k) for k in CAUSES],
)
_STATUS = _vocabulary(HOUSEHOLDS.column("status"), STATUS_ALIASES)
_STATUS_POLICY = {_norm_value(k): v for k, v in STATUS_POLICY.items()}
_STATUS_MONITOR = {_norm_value(k): v for k, v in STATUS_MONITOR_KIND.items()}
_STATUS_CLEARED = {_norm_value(k): v for k, v in STATUS_RISK_CLEARED.items()}
_MONITOR = _vocabulary(HOUSEHOLDS.column("monitor_kind"))
_POLICY = _vocabulary(HOUSEHOLDS.column("policy_support"), STATUS_POLICY.items())
_RISK_CLEARED = {_norm_value(k): v for k, v in RISK_CLEARED_WORDS.items()}
_DANGEROUS = {_norm_value(k): v for k, v in DANGEROUS_HOUSE_WORDS.items()}
_YES = frozenset(_norm_value(w) for w in YES_WORDS)
_NO = frozenset(_norm_value(w) for w in NO_WORDS)
_POLICY |= {w: "享受政策" for w in _YES} | {w: "不享受政策" for w in _NO}
_MEMBER_VOCAB = {
    f: _vocabulary(MEMBERS.column(f)) for f in ("relation", "education", "labour_skill", "work")
}
_SCHOOLING = _vocabulary(MEMBERS.column("schooling"))
_HEALTH = _vocabulary(Column("health", "str", "", "", allowed=HEALTH, aliases=HEALTH_ALIASES))
_HEAD_RELATIONS = frozenset(k for k, v in _MEMBER_VOCAB["relation"].items() if v == "户主")
#: 在校生状况 as the system writes it, a grade at a time (小学三年级, 七年级, 高职二年级), by the
#: stage it names; the first pattern that matches wins (失学/辍学 in any wording first).
_SCHOOL_STAGES: tuple[tuple[str, str], ...] = (
    (r"失学|辍学|退学|未入学|未上学", "失学辍学"),
    (r"送教", "送教上门"),
    (r"非在校|不在校|未在校", "非在校生"),
    (r"学前|幼儿|幼稚", "学前教育"),
    (r"小学|[一二三四五六1-6]年级$", "小学"),
    (r"初中|初[一二三123]|[七八九789]年级", "初中"),
    (r"中职|中专|职高|技校|技工|职业高中", "中职"),
    (r"高职|大专|专科", "高职高专"),
    (r"高中|高[一二三123]", "高中"),
    (r"本科|大学|研究生|硕士|博士", "本科及以上"),
)
_SUMMARY = re.compile(
    r"^(合计|总计|小计|汇总|填表|制表|审核|负责人|备注|说明|注[:：]|签字|日期[:：])"
)
_ID_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)])
_ID_CHECK = np.array(list("10X98765432"))


@dataclass(frozen=True)
class RegisterImport:
    """What :func:`read_register` took from a register, and what it could not take.

    ``frame``: the households layer, one row per household, coerced to the layer's dtypes and
    free of :func:`~township_atlas.geo.validate.problems`. ``members``: the members layer for
    the households taken (empty for a register with one row per household). ``rejected``: one
    row per source row not taken (``row`` is the row number as Excel shows it), with
    ``household_id``, ``reason_zh``, ``reason_en`` and ``values`` (the recognised,
    non-personal cells as text, 证件号码 masked). ``warnings``: the same columns, one row per
    source row taken with a warning or merged into another (an exact duplicate of a person
    row, a household whose 人数 differs from its person rows). ``notes``: (zh, en) pairs about
    what was found and assumed. ``columns_found``: source header -> field. ``identity``:
    household_id -> ``id_hash``, ``id_masked``, ``id_valid`` of the household head, or None
    when the file has no 证件号码.
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
    members: pd.DataFrame = field(default_factory=lambda: _empty(MEMBERS.names))
    warnings: pd.DataFrame = field(default_factory=lambda: _empty(_REPORT_COLUMNS))

    @property
    def ok(self) -> bool:
        return self.rejected.empty


_REPORT_COLUMNS = ["row", "household_id", "reason_zh", "reason_en", "values"]


def _empty(names: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "row" else object) for c in names})


def recognised_headers(headers: Sequence[str]) -> dict[str, str]:
    """Header → field for the ``headers`` this reader recognises by name (the first header
    naming a field wins), e.g. for a page to show what a refused file's columns mean."""
    return _MATCHER.match(list(headers))


def mappable_fields(kind: str = "households") -> list[tuple[str, str, str]]:
    """The fields a register header may be mapped to, as (field, zh, en).

    Parameters
    ----------
    kind : str
        ``households`` (the only kind of register).

    Returns
    -------
    list of (field, label_zh, label_en)
        The households columns a header can fill, the members columns (one row per person)
        and the reader's own fields (village name, township, person id, ID number, water
        flags, health, birth date, age, risk cleared), each a valid target in
        ``read_register(columns=...)``. 姓名 and 联系电话 are never offered: they are only read
        to be dropped.
    """
    if kind != "households":
        raise ValueError(f"kind must be 'households', not {kind!r}")

    def reader(*names: str) -> list[tuple[str, str, str]]:
        return [(f, _READER_FIELDS[f][1], _READER_FIELDS[f][2]) for f in names]

    out: list[tuple[str, str, str]] = []
    for col in HOUSEHOLDS.columns:
        if col.name in _COMPUTED:
            continue
        out.append((col.name, col.zh, col.en))
        if col.name == "village_code":  # the name (and its township) go with the code
            out += reader("village_name", "township")
        if col.name == "household_id":
            out.append(("person_id", "人编号（每人一行时）", "Person id (one row per person)"))
            out += reader("id_number")
        if col.name == "unsafe_water":
            out += reader("safe_water", "water_difficulty")
        if col.name == "risk_cleared_year":
            out += reader("risk_cleared")
    for col in MEMBERS.columns:
        if col.name in ("household_id", "person_id", *_HEALTH_FLAGS.values()):
            continue
        if col.name == "birth_year":
            out += reader("birth_date", "age", "health")
            continue
        out.append((col.name, col.zh, col.en))
    return out


# ----------------------------------------------------------------------------- villages
@dataclass(frozen=True)
class _Village:
    code: str
    name: str
    township: str  # its township's name where known, else ''


def _township_key(text: str) -> str:
    """A township name without spaces and 镇/乡/街道/人民政府 at its end: 古陂镇 -> 古陂."""
    value = re.sub(r"\s+", "", str(text))
    return re.sub(r"(人民政府|街道办事处|街道|镇|乡)$", "", value)


class VillageIndex:
    """The workspace's villages, for finding a register row's village by code or by name.

    Villages of one name in different townships are common in a county: a name matching
    several is decided by the row's 乡(镇) (a township name, or its 9-digit code), and refused
    with the candidates when it cannot be.

    ``villages``: a mapping name -> 12-digit code (one village per name), a frame with
    ``name`` and ``code`` columns, or (name, code) pairs. ``townships``: 9-digit township code
    -> township name (the workspace's township layer), a frame with ``code`` and ``name``, or
    pairs; a village's township is its code's first 9 digits.
    """

    def __init__(self, villages, townships=None):
        pairs = _pairs(villages, "name", "code")
        tnames = {str(c)[:9]: str(n) for n, c in _pairs(townships, "name", "code")}
        self.villages = [
            _Village(str(c), str(n), tnames.get(str(c)[:9], "")) for n, c in pairs if str(c)
        ]
        self.codes = {v.code: v for v in self.villages}
        self.by_name: dict[str, list[_Village]] = {}
        for v in self.villages:
            full = re.sub(r"\s+", "", v.name)
            for key in dict.fromkeys((full, village_key(full))):
                self.by_name.setdefault(key, []).append(v)

    def candidates(self, text: str) -> list[_Village]:
        value = village_code_text(text)
        if value in self.codes:
            return [self.codes[value]]
        exact = self.by_name.get(value)
        if exact is not None and any(re.sub(r"\s+", "", v.name) == value for v in exact):
            return [v for v in exact if re.sub(r"\s+", "", v.name) == value] or exact
        return list(dict.fromkeys(self.by_name.get(village_key(value), [])))

    def resolve(self, text: str, township: str = "") -> tuple[str | None, tuple[str, str] | None]:
        """(code, None) for the one village ``text`` names in ``township`` (may be ''), or
        (None, (reason zh, reason en)) when none or several fit."""
        found = self.candidates(text)
        if not found:
            return None, (
                f"行政村「{text}」不在工作空间中",
                f"village {text!r} is not in the workspace",
            )
        town = str(township or "").strip()
        if town:
            code9 = re.sub(r"\s+", "", town)
            key = _township_key(town)
            known = [v for v in found if v.township]
            if code9.isdigit() and len(code9) == 9:
                found = [v for v in found if v.code.startswith(code9)]
            elif known:
                found = [v for v in found if not v.township or _township_key(v.township) == key]
                if not found:
                    where = "、".join(f"{v.township}（{v.code}）" for v in known)
                    return None, (
                        f"行政村「{text}」在工作空间中属于{where}，登记表写的是乡(镇)「{town}」",
                        f"village {text!r} is in {where.replace('、', ', ')} in the workspace, "
                        f"the register says township {town!r}",
                    )
            if not found:
                return None, (
                    f"乡(镇)「{town}」没有名为「{text}」的行政村",
                    f"township {town!r} has no village {text!r} in the workspace",
                )
        if len(found) > 1:
            listed = "、".join(
                f"{v.name}（{v.code}{'，' + v.township if v.township else ''}）" for v in found
            )
            listed_en = ", ".join(
                f"{v.name} ({v.code}{', ' + v.township if v.township else ''})" for v in found
            )
            hint = "请在乡(镇)列写明乡镇，或给出村代码"
            return None, (
                f"行政村「{text}」有同名村：{listed}；{hint}",
                f"village {text!r} names several villages: {listed_en}; give the township "
                "(乡(镇) column) or the village code",
            )
        return found[0].code, None


def _pairs(source, name_col: str, code_col: str) -> list[tuple[str, str]]:
    if source is None:
        return []
    if isinstance(source, pd.DataFrame):
        return list(zip(source[name_col].astype(str), source[code_col].astype(str), strict=True))
    if isinstance(source, Mapping):
        items = list(source.items())
        # villages map name -> code; townships may map code -> name
        if items and all(re.fullmatch(r"\d{9,12}", str(k)) for k, _ in items):
            return [(str(v), str(k)) for k, v in items]
        return [(str(k), str(v)) for k, v in items]
    return [(str(n), str(c)) for n, c in source]


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
@dataclass
class _Source:
    """The sheet as read: header cells, data rows (indexed by their row number in the file)."""

    header: list[str]
    data: pd.DataFrame
    what: str
    header_row: int
    sheet: str | None = None
    sheets: Sequence[str] = ()
    title: str = ""  # the text of the rows above the header (for the register's year)


def _as_text(s: pd.Series) -> np.ndarray:
    """Each cell as stripped text ('' for empty), fast: converted once per distinct value."""
    codes, uniq = pd.factorize(s.to_numpy(dtype=object), use_na_sentinel=True)
    conv = np.array([cell_text(u) for u in uniq] + [""], dtype=object)
    return conv[codes]


def _header_score(cells: list[object], user: Mapping[str, str]) -> tuple[int, int]:
    fields, known = set(), 0
    for cell in cells:
        h = normalise(cell)
        if not h:
            continue
        fld = user[h] if h in user else _MATCHER.field(cell)
        if fld or h in user:
            fields.add(fld or h)
        elif _MATCHER.unused(cell):
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


def _read_csv(path: Path, user: Mapping[str, str]) -> _Source:
    text, encoding = decode_text(read_text_bytes(path))
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
        return _Source(header, data, what, h + 1, title=" ".join(sample[:h]))
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
    title = " ".join(" ".join(r) for r in records[:h])
    return _Source(header, data, what, lines[h], title=title)


def _read_excel(path: Path, sheet: str | None, user: Mapping[str, str]) -> _Source:
    found = first_sheet_with_header(path, sheet, lambda rows: _find_header(rows, user))
    if found is None:
        raise _no_header()
    name, cells, h, names = found
    header = [cell_text(c) for c in cells[h]]
    data = pd.DataFrame(cells[h + 1 :], columns=range(len(header)), dtype=object)
    title = " ".join(cell_text(c) for row in cells[:h] for c in row)
    del cells, found
    data.index = pd.RangeIndex(h + 2, h + 2 + len(data))
    return _Source(header, data, f"Excel, sheet {name}", h + 1, name, names, title)


# ----------------------------------------------------------------------------- small helpers
def _user_map(columns: Mapping[str, str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for src, dst in (columns or {}).items():
        target = dst or ""
        if target and target not in _FIELDS:
            found = _MATCHER.field(target)
            if found is None:
                raise ImportFailed(
                    f"列对应关系中的目标「{dst}」不是已知字段",
                    f"column mapping target {dst!r} is not a known field",
                )
            target = found
        out[normalise(src)] = target
    return out


def _map_unique(s: pd.Series, fn) -> pd.Series:
    """``s.map(fn)`` computing ``fn`` once per distinct value."""
    codes, uniq = pd.factorize(s.to_numpy(dtype=object))
    conv = np.array([fn(u) for u in uniq] + [None], dtype=object)
    return pd.Series(conv[codes], index=s.index, dtype=object)


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


def _examples(values: Iterable[str], n: int = 5) -> tuple[str, str]:
    vals = list(values)
    more = len(vals) > n
    return "、".join(vals[:n]) + ("…" if more else ""), ", ".join(vals[:n]) + (
        ", …" if more else ""
    )


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


def _yes_no(values: pd.Series) -> pd.Series:
    """Normalised 是/否 cells (the schema's YES_WORDS / NO_WORDS) as a nullable boolean."""
    return yes_no(values, _YES, _NO)


def _year_in(text: str) -> int | None:
    m = re.search(r"((?:19|20)\d\d)\s*年", text or "") or re.search(r"((?:19|20)\d\d)", text or "")
    return int(m.group(1)) if m else None


# ----------------------------------------------------------------------------- main
def read_register(
    path: str | os.PathLike,
    *,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
    villages=None,
    townships=None,
    register_year: int | None = None,
    id_key: bytes,
) -> RegisterImport:
    """Read a household register (Excel or CSV) into the households and members layers.

    ``columns`` maps source headers to fields (a households or members column such as
    ``category``, a field of this reader such as ``village_name`` or ``person_id``, or a known
    Chinese header such as ``户编号``; an empty target ignores the column) and overrides the
    recognised headers. ``villages``: the workspace's villages, as a mapping name -> 12-digit
    code, a frame with ``name`` and ``code``, or (name, code) pairs (the last two keep villages
    of one name in different townships apart); codes in the file are checked against them.
    ``townships``: township code (9 digits) -> name, for the register's 乡(镇) column to
    decide between villages of one name. 行政村 may hold a name or a code; with a 村代码 column
    too, a row may give either, and a row giving both is rejected when they name different
    villages. ``register_year``: the year the register describes (for 风险消除 without a date
    and 年龄); else the year in its title rows. ``id_key`` keys the hash of ID numbers.

    Raises :class:`ImportFailed` when nothing can be taken: unreadable file, not a table, no
    recognisable header, sheet not found, or a column every row needs is absent (one message
    naming the headers that matched nothing, their nearest fields and the ``--columns`` line).
    """
    source = Path(path)
    if not source.is_file():
        raise ImportFailed(f"找不到文件：{source.name}", f"no file at {source}")
    if not isinstance(id_key, bytes | bytearray) or not id_key:
        raise ValueError("id_key must be non-empty bytes")
    user = _user_map(columns)
    notes: list[tuple[str, str]] = []
    src = _read_source(source, sheet, user, notes)
    col_of, columns_found, unmatched = _match_columns(src.header, user, notes)
    # before anything else is read: a kept column must not hold IDs, phones or names
    refuse_personal_columns(
        src.header,
        src.data,
        col_of,
        personal_fields=PERSONAL_FIELDS,
        field_of_header=_MATCHER.field,
        as_text=_as_text,
    )
    index = VillageIndex(villages, townships) if villages is not None else None
    _require_columns(col_of, unmatched, index)
    year = register_year or _year_in(src.title)

    t, has_person, total_rows = _rows(src.data, col_of, notes)
    per_person_cols = bool({"person_id", "relation"} & set(t.columns))
    t, filled = _fill_down(t, has_person, per_person_cols, columns_found, notes)
    rej, warn = _Rejections(), _Rejections()
    missing_id = t["household_id"] == ""
    rej.add(t.index[missing_id], "缺少户编号", "household id (户编号) is missing")
    t = t[~missing_id]

    t, per_person = _duplicates(t, per_person_cols, index, rej, warn, notes)
    g = _group(t, per_person, notes)
    ctx = _Households(g.hh, notes)
    _village(ctx, index)
    _size(ctx, g, per_person, per_person_cols, warn)
    _codes(ctx)
    _status(ctx, year)
    _years(ctx, year)
    _flags(ctx)
    _income(ctx)
    people = _members(t, g, ctx, year, notes) if per_person_cols else None
    _counts(ctx, people)
    _layer_rules(ctx, unmatched)

    _reject_households(ctx, t, rej)
    taken = ctx.out.index[~ctx.out.index.isin(list(ctx.rejected))]
    frame = coerce(HOUSEHOLDS, ctx.out.loc[taken].reindex(columns=HOUSEHOLDS.names))
    frame = frame.reset_index(drop=True)
    members = _empty(MEMBERS.names) if people is None else people
    if people is not None:
        members = coerce(MEMBERS, people[people["household_id"].isin(set(taken))])
        members = members.reset_index(drop=True)

    identity = _identity(t, g.heads, taken, id_key, notes) if "id_number" in t else None
    if identity is not None and len(frame):
        # The households layer keeps only the head's hash (for matching) and masked number.
        by_id = identity.set_index("household_id")
        frame = frame.assign(
            head_id_hash=frame["household_id"].map(by_id["id_hash"]),
            head_id_masked=frame["household_id"].map(by_id["id_masked"]),
        )

    # ---- the reports (recognised, non-personal columns only; ID masked)
    rejected = _report(src.data, col_of, columns_found, rej, filled)
    warnings = _report(src.data, col_of, columns_found, warn, filled)
    notes.append(_summary(total_rows, len(frame), len(rejected), len(warnings)))
    return RegisterImport(
        frame=frame,
        rejected=rejected,
        notes=tuple(notes),
        columns_found=columns_found,
        identity=identity,
        sheet=src.sheet,
        header_row=src.header_row,
        source_rows=total_rows,
        per_person=per_person,
        headers=tuple(dict.fromkeys(h for h in (str(c).strip() for c in src.header) if h)),
        members=members,
        warnings=warnings,
    )


def _reject_households(ctx: _Households, t: pd.DataFrame, rej: _Rejections) -> None:
    """Every source row of a rejected household, with the household's reasons."""
    if not ctx.rejected:
        return
    sub = t.loc[t["household_id"].isin(list(ctx.rejected)), ["household_id", "_row"]]
    rows_of = {hid: list(grp) for hid, grp in sub.groupby("household_id")["_row"]}
    for hid, reasons in ctx.rejected.items():
        rej.add(rows_of[hid], "；".join(z for z, _ in reasons), "; ".join(e for _, e in reasons))


def _summary(total_rows: int, taken: int, rejected: int, warned: int) -> tuple[str, str]:
    """The register's last note: rows read, households taken, rows rejected or warned."""
    merged = f"，{_fmt(warned)} 行附警告或已合并" if warned else ""
    merged_en = f", {_fmt(warned)} rows taken with a warning or merged" if warned else ""
    return (
        f"共 {_fmt(total_rows)} 行数据：导入 {_fmt(taken)} 户，拒绝 {_fmt(rejected)} 行{merged}",
        f"{_fmt(total_rows)} data rows: {_fmt(taken)} households taken, "
        f"{_fmt(rejected)} rows rejected{merged_en}",
    )


# ----------------------------------------------------------------------------- steps: the file
def _read_source(source: Path, sheet: str | None, user: Mapping[str, str], notes: list) -> _Source:
    if file_kind(source) == "excel":
        src = _read_excel(source, sheet, user)
        if len(src.sheets) > 1:
            notes.append((f"读取工作表「{src.sheet}」", f"read sheet {src.sheet!r}"))
    else:
        src = _read_csv(source, user)
        if "gb18030" in src.what:
            notes.append(("CSV 文件编码为 GBK/GB18030", "CSV file encoded in GBK/GB18030"))
    notes.append((f"表头在第 {src.header_row} 行", f"header found on row {src.header_row}"))
    return src


def _match_columns(
    header: list[str], user: Mapping[str, str], notes: list
) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Field -> column position, header -> field (file order), and the headers that name
    nothing (neither a field nor a known column of the exports)."""
    col_of: dict[str, int] = {}
    columns_found: dict[str, str] = {}
    skipped: list[tuple[int, str]] = []
    # headers mapped by hand first, so that one wins over a header recognised by name
    by_user = [i for i, h in enumerate(header) if user.get(normalise(h))]
    mine = set(by_user)
    for i in by_user + [i for i in range(len(header)) if i not in mine]:
        h = header[i]
        norm = normalise(h)
        if not norm:
            continue
        fld = user[norm] if norm in user else _MATCHER.field(h)
        if fld and fld not in col_of:
            col_of[fld] = i
            columns_found[str(h).strip()] = fld
        elif fld or norm in user or not _MATCHER.unused(h):
            skipped.append((i, str(h).strip()))
    col_of = dict(sorted(col_of.items(), key=lambda kv: kv[1]))  # file order, as before
    columns_found = dict(sorted(columns_found.items(), key=lambda kv: col_of[kv[1]]))
    notes.extend(_kept_note(h, fld) for h, fld in columns_found.items())
    ignored = [h for _, h in sorted(skipped)]
    unmatched = [h for h in ignored if _MATCHER.field(h) is None and normalise(h) not in user]
    if ignored:
        near = []
        for h in unmatched:
            fields = [f for f in _MATCHER.nearest(h) if f not in col_of]
            if fields:
                near.append(f"{h} → {'/'.join(fields)}（{columns_hint(h, fields)}）")
        zh = f"未导入的列：{'、'.join(ignored)}"
        en = f"columns not imported: {', '.join(ignored)}"
        if near:
            zh += "；可能是：" + "；".join(near)
            en += "; perhaps: " + "; ".join(n.replace("（", " (").replace("）", ")") for n in near)
        notes.append((zh, en))
    return col_of, columns_found, unmatched


def _kept_note(header: str, fld: str) -> tuple[str, str]:
    """Where a recognised column goes: a households or members column, used to read the file,
    or read only to be hashed or dropped (personal data)."""
    if fld in ("name_person", "phone"):
        return f"列「{header}」：个人信息，不保存", f"column {header!r}: personal data, not kept"
    if fld == "id_number":
        return (
            f"列「{header}」：只保存户主证件号码的密钥散列与遮蔽号码",
            f"column {header!r}: only the head's keyed hash and masked number are kept",
        )
    if fld in ("safe_water", "water_difficulty"):
        c = HOUSEHOLDS.column("unsafe_water")
        return (
            f"列「{header}」→ {HOUSEHOLDS.zh}·{c.zh}（由此推得）",
            f"column {header!r} → {HOUSEHOLDS.en}: {c.en} (derived)",
        )
    for layer in (HOUSEHOLDS, MEMBERS):
        if fld in layer.names:
            c = layer.column(fld)
            return (
                f"列「{header}」→ {layer.zh}·{c.zh}",
                f"column {header!r} → {layer.en}: {c.en}",
            )
    zh, en = _READER_FIELDS[fld][1:] if fld in _READER_FIELDS else (fld, fld)
    if fld in ("health",):
        zh, en = (
            "健康状况（长期慢性病、患有大病、残疾）",
            "health (chronic, serious illness, disabled)",
        )
    return f"列「{header}」→ 用于识别：{zh}", f"column {header!r} → used to read the file: {en}"


def _missing_column(what_zh: str, what_en: str, wanted: Sequence[str], unmatched: list[str]):
    """One file-level refusal: a column is absent; the headers that matched nothing, with the
    fields they look like and the ``--columns`` line that maps each."""
    lines_zh, lines_en = [], []
    for h in unmatched:
        near = _MATCHER.nearest(h)
        fields = [f for f in near if f in wanted] or near
        if fields:
            lines_zh.append(
                f"「{h}」像 {'/'.join(fields)}：--columns 一行写 {columns_hint(h, fields)}"
            )
            lines_en.append(
                f"{h!r} looks like {'/'.join(fields)}: --columns line {columns_hint(h, fields)}"
            )
    if not lines_zh and unmatched:
        lines_zh.append("未识别的列：" + "、".join(unmatched))
        lines_en.append("headers not recognised: " + ", ".join(unmatched))
    hint = f"（--columns 一行写 表头,{wanted[0]}）"
    zh = f"{what_zh}{hint}" + ("；" + "；".join(lines_zh) if lines_zh else "")
    en = f"{what_en} (--columns line HEADER,{wanted[0]})" + (
        "; " + "; ".join(lines_en) if lines_en else ""
    )
    return ImportFailed(zh, en)


def _require_columns(col_of: Mapping[str, int], unmatched: list[str], index) -> None:
    if "household_id" not in col_of:
        raise _missing_column(
            "找不到户编号列（户编号/户号）；请在列对应关系中指明",
            "no household id column (户编号); map one by hand",
            ["household_id"],
            unmatched,
        )
    if "village_code" not in col_of and "village_name" not in col_of:
        raise _missing_column(
            "找不到行政村列（行政村/村代码）",
            "no village column (行政村 or 村代码)",
            ["village_name", "village_code"],
            unmatched,
        )
    if "village_code" not in col_of and index is None:
        raise ImportFailed(
            "登记表只有行政村名称，需先有工作空间的行政村列表才能对应到村代码",
            "the register names villages but gives no codes: the workspace's villages are needed",
        )
    if not {"status", "monitor_kind"} & set(col_of):
        raise _missing_column(
            "找不到脱贫属性列（脱贫属性/脱贫状态/户类型）",
            "no status column (脱贫属性 or 户类型)",
            ["status", "monitor_kind"],
            unmatched,
        )


def _rows(data: pd.DataFrame, col_of: Mapping[str, int], notes: list):
    """The text of every used column; blank rows and totals/signature rows dropped."""
    raw_cells = data.to_numpy(dtype=object)
    nonblank = ~pd.isna(raw_cells) & (raw_cells != "")
    any_cell = nonblank.any(axis=1)
    t = pd.DataFrame({f: _as_text(data[i]) for f, i in col_of.items()}, index=data.index)
    if "id_number" in t:  # one form of each ID number for every comparison (not for display)
        t["id_number"] = t["id_number"].str.replace(r"\s+", "", regex=True).str.upper()
    person_cols = [f for f in ("person_id", "relation", "name_person", "id_number") if f in t]
    has_person = t[person_cols].ne("").any(axis=1) if person_cols else pd.Series(False, t.index)
    # rows with no household id and no person in them: totals, signatures, notes under the table
    stray = any_cell & (t["household_id"] == "").to_numpy() & ~has_person.to_numpy()
    summary = np.zeros(len(t), dtype=bool)
    for i in np.flatnonzero(stray):
        cells = [cell_text(v) for v in raw_cells[i][nonblank[i]]]
        summary[i] = len(cells) <= 1 or bool(_SUMMARY.match(cells[0]))
    if summary.any():
        rows = t.index[summary]
        notes.append(
            (
                f"跳过表格中的合计、签字等非数据行：第 {_rows_text(rows)} 行",
                f"skipped totals/signature rows: rows {_rows_text_en(rows)}",
            )
        )
    keep = any_cell & ~summary
    return t[keep], has_person[keep], int(keep.sum())


def _fill_down(t, has_person, per_person_cols: bool, columns_found, notes: list):
    """Merged cells: villages always, household ids in per-person registers."""
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
    return t, (t[fills] if fills else None)  # the report shows filled-down values


def _row_villages(t: pd.DataFrame, index: VillageIndex | None) -> tuple[pd.Series, pd.Series]:
    """Each row's village as written (the code, else the name) and as compared: the code,
    else the code the name resolves to (in its township), else the name."""
    blank = pd.Series("", index=t.index, dtype=object)
    code = t["village_code"].map(village_code_text) if "village_code" in t else blank
    name = t.get("village_name", blank)
    town = t.get("township", blank)
    if index is not None:
        pairs = pd.Series(list(zip(name, town, strict=True)), index=t.index)
        named = _map_unique(pairs, lambda p: (index.resolve(*p)[0] if p[0] else None) or p[0])
    else:
        named = name
    has_code = code != ""
    return code.where(has_code, name), code.where(has_code, named)


def _duplicates(t, per_person_cols, index, rej: _Rejections, warn: _Rejections, notes: list):
    """Merge exact duplicate rows (a warning line each), refuse a person listed in two
    households or twice in one with different details, and a household id in two villages
    (per person) or repeated (per household). Returns the rows left and whether the register
    has one row per person."""
    # an exact duplicate row (every recognised cell equal): the same person listed twice
    used = [c for c in t.columns if c != "_row"]
    exact = t.duplicated(used, keep="first")
    if exact.any():
        first = t[used].reset_index().groupby(used, sort=False)["index"].transform("first")
        first.index = t.index
        for r in t.index[exact]:
            warn.add(
                [r],
                f"与第 {first[r]} 行完全相同（同一行列了两次），已合并为一行",
                f"identical to row {first[r]} (the same row listed twice): merged into it",
            )
        notes.append(
            (
                f"{_fmt(int(exact.sum()))} 行与前面的行完全相同，已合并："
                f"第 {_rows_text(t.index[exact])} 行",
                f"{_fmt(int(exact.sum()))} rows identical to an earlier row were merged: rows "
                f"{_rows_text_en(t.index[exact])}",
            )
        )
        t = t[~exact]

    dup = t["household_id"].duplicated(keep=False)
    per_person = per_person_cols and bool(dup.any())
    bad_hh: dict[str, tuple[str, str]] = {}
    if per_person:
        shown, vill = _row_villages(t, index)
        nvill = vill.replace("", np.nan).groupby(t["household_id"]).nunique()
        for hid in nvill[nvill > 1].index:
            grp = t.index[t["household_id"] == hid]
            vs = "、".join(dict.fromkeys(v for v in shown[grp] if v))
            bad_hh[hid] = (
                f"户编号 {hid} 出现在多个行政村（{vs}）",
                f"household id {hid} appears in more than one village ({vs.replace('、', ', ')})",
            )
        _people_twice(t, bad_hh)
    elif dup.any():
        for hid, grp in t[dup].groupby("household_id", sort=False):
            rej.add(
                grp.index,
                f"户编号 {hid} 重复（第 {_rows_text(grp.index)} 行）",
                f"household id {hid} is repeated (rows {_rows_text_en(grp.index)})",
            )
        t = t[~dup]
    if bad_hh:
        bad = t["household_id"].isin(list(bad_hh))
        for hid, grp in t[bad].groupby("household_id", sort=False):
            rej.add(grp.index, *bad_hh[hid])
        t = t[~bad]
    return t.assign(_row=t.index.to_numpy()), per_person


def _people_twice(t: pd.DataFrame, bad_hh: dict[str, tuple[str, str]]) -> None:
    """A person (by 证件号码) in two households refuses both; a person (by 证件号码 or 人编号)
    twice in one household with different details refuses it: which row is right is the
    office's call, and counting both would count one person twice."""
    if "id_number" in t:
        ids = t["id_number"]  # normalised in _rows
        given = ids != ""
        hh_per_id = t["household_id"][given].groupby(ids[given]).nunique()
        for idn in hh_per_id[hh_per_id > 1].index:
            rows = t.index[given & (ids == idn)]
            hids = list(dict.fromkeys(t.loc[rows, "household_id"]))
            masked = mask_id(idn)
            for hid in hids:
                bad_hh.setdefault(
                    hid,
                    (
                        f"证件号码 {masked} 同时列在户 {'、'.join(hids)}"
                        f"（第 {_rows_text(rows)} 行）",
                        f"ID {masked} is listed in households {', '.join(hids)} (rows "
                        f"{_rows_text_en(rows)})",
                    ),
                )
    for fld, zh, en in (("id_number", "证件号码", "ID"), ("person_id", "人编号", "person id")):
        if fld not in t:
            continue
        key = t[fld]
        given = key != ""
        twice = given & t[["household_id", fld]].duplicated(keep=False)
        for (hid, k), grp in t[twice].groupby([t["household_id"][twice], key[twice]], sort=False):
            shown = mask_id(k) if fld == "id_number" else k
            bad_hh.setdefault(
                hid,
                (
                    f"{zh} {shown} 在户 {hid} 中出现两次且内容不同"
                    f"（第 {_rows_text(grp.index)} 行）",
                    f"{en} {shown} appears twice in household {hid} with different details "
                    f"(rows {_rows_text_en(grp.index)})",
                ),
            )


@dataclass
class _Grouped:
    t: pd.DataFrame  # person rows, head first within each household
    hh: pd.DataFrame  # household fields (the first non-empty value, head's row first)
    heads: pd.DataFrame
    counts: pd.Series


def _group(t: pd.DataFrame, per_person: bool, notes: list) -> _Grouped:
    """One row per person: group by household id, head first."""
    if "relation" in t:
        rel = _map_unique(t["relation"], _norm_value)
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
    return _Grouped(t, hh, heads, counts)


class _Households:
    """The household fields being read: the text (``hh``), the values (``out``) and the
    reasons each household is refused."""

    def __init__(self, hh: pd.DataFrame, notes: list):
        self.hh = hh
        self.notes = notes
        self.out = pd.DataFrame(index=hh.index)
        self.out["household_id"] = hh.index
        self.rejected: dict[str, list[tuple[str, str]]] = {}

    def reject(self, mask: pd.Series, zh: Callable[[str], str], en: Callable[[str], str]) -> None:
        for hid in self.hh.index[mask.to_numpy(dtype=bool)]:
            self.rejected.setdefault(hid, []).append((zh(hid), en(hid)))

    def text(self, fld: str) -> pd.Series:
        return self.hh[fld] if fld in self.hh else pd.Series("", index=self.hh.index, dtype=object)

    def norm(self, fld: str) -> pd.Series:
        return _map_unique(self.text(fld), _norm_value)


# ----------------------------------------------------------------------------- steps: households
def _village(ctx: _Households, index: VillageIndex | None) -> None:
    """村代码, 行政村 (a name or a code, in its 乡(镇)), or both, which must then agree."""
    hh, reject = ctx.hh, ctx.reject
    has_code, has_name = "village_code" in hh, "village_name" in hh
    vcode = _map_unique(ctx.text("village_code"), village_code_text)
    vname = ctx.text("village_name")
    town = ctx.text("township")
    found: dict[tuple[str, str], tuple[str | None, tuple[str, str] | None]] = {}
    if index is not None:
        for pair in dict.fromkeys(zip(vname, town, strict=True)):
            if pair[0]:
                found[pair] = index.resolve(*pair)
    pairs = list(zip(vname, town, strict=True))
    named = pd.Series([(found.get(p, (None,))[0] or "") for p in pairs], index=hh.index)
    why = pd.Series([found.get(p, (None, None))[1] for p in pairs], index=hh.index)
    with_code = vcode != ""
    bad = with_code & ~vcode.str.fullmatch(r"\d{12}").fillna(False).astype(bool)
    reject(
        bad,
        lambda h: f"行政村代码「{vcode[h]}」不是 12 位代码",
        lambda h: f"village code {vcode[h]!r} is not a 12-digit code",
    )
    unknown = pd.Series(False, index=hh.index)
    if index is not None:
        unknown = with_code & ~bad & ~vcode.isin(set(index.codes))
        reject(
            unknown,
            lambda h: f"行政村代码「{vcode[h]}」不在工作空间中",
            lambda h: f"village code {vcode[h]} is not in the workspace",
        )
    # a name that resolves on its own must agree with the code; an ambiguous name is decided
    # by the code
    reject(
        with_code & ~bad & ~unknown & (named != "") & (named != vcode),
        lambda h: f"行政村「{vname[h]}」（{named[h]}）与村代码「{vcode[h]}」不一致",
        lambda h: f"village {vname[h]!r} ({named[h]}) and village code {vcode[h]} do not agree",
    )
    by_name = ~with_code & (vname != "")
    if index is None:  # a code column, no workspace villages: a name cannot stand for it
        reject(
            by_name,
            lambda h: f"行政村代码为空（没有工作空间的行政村，无法按「{vname[h]}」对应）",
            lambda h: f"village code is empty (no workspace villages to look up {vname[h]!r})",
        )
    else:
        reject(by_name & (named == ""), lambda h: why[h][0], lambda h: why[h][1])
    what = {
        (True, True): ("行政村与村代码均为空", "village and village code are empty"),
        (True, False): ("行政村为空", "village is empty"),
        (False, True): ("行政村代码为空", "village code is empty"),
    }[(has_name, has_code)]
    reject(~with_code & (vname == ""), lambda h: what[0], lambda h: what[1])
    ctx.out["village_code"] = vcode.where(with_code, named)


def _size(ctx: _Households, g: _Grouped, per_person: bool, per_person_cols: bool, warn) -> None:
    """人数; with person rows, a 人数 that differs from them is kept, with a warning line."""
    hh, reject = ctx.hh, ctx.reject
    listed = g.counts.reindex(hh.index)
    if "size" not in hh:
        if not (per_person or per_person_cols):
            raise ImportFailed(
                "每户一行的登记表需要人数列（人数/家庭人口数）",
                "a register with one row per household needs a persons column (人数)",
            )
        ctx.out["size"] = listed
        return
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
            ctx.notes.append(
                (
                    f"{_fmt(int(differ.sum()))} 户的人数与所列人员行数不同，采用表中人数：{ex}",
                    f"{_fmt(int(differ.sum()))} households list a different number of people "
                    f"than their 人数; 人数 was kept: {ex_en}",
                )
            )
            head_row = g.heads["_row"]
            for h in hh.index[differ]:
                warn.add(
                    [head_row[h]],
                    f"人数 {int(size[h])} 与所列 {listed[h]} 人不同：采用人数 {int(size[h])}",
                    f"persons (人数) {int(size[h])} but {listed[h]} person rows: "
                    f"{int(size[h])} kept",
                )
        size = size.where(given, listed)
    if per_person_cols:
        size = size.where(size.notna() | bad, listed)
    reject(size.isna() & ~bad, lambda h: "人数为空", lambda h: "persons (人数) is empty")
    ctx.out["size"] = size


def _lookup(ctx: _Households, fld: str, table: Mapping[str, str], zh, en, prep=None) -> pd.Series:
    """``fld`` through a vocabulary; a value it does not know refuses the household."""
    norm = ctx.norm(fld)
    if prep is not None:
        norm = prep(norm)
    value = norm.map(table)
    ctx.reject(
        (norm != "") & value.isna(),
        lambda h: zh(ctx.hh.at[h, fld]),
        lambda h: en(ctx.hh.at[h, fld]),
    )
    return value


def _cause_text(norm: pd.Series) -> pd.Series:
    # "01 因病", "01-因病", "因病、因学" (the first is the main one)
    out = norm.str.replace(r"^(\d{1,2})[-_.、:]?\D.*$", r"\1", regex=True)
    out = out.str.replace(r"^([^\d,，、;；/]+)[,，、;；/].*$", r"\1", regex=True)
    return out.where(~out.isin(["1", "2", "3", "4", "5", "6", "7", "8", "9"]), "0" + out)


def _codes(ctx: _Households) -> None:
    """贫困户属性, 主要致贫原因 and 监测类型 through the schema's vocabularies."""
    if "category" in ctx.hh:
        ctx.out["category"] = _lookup(
            ctx,
            "category",
            _CATEGORY,
            lambda v: f"贫困户属性「{v}」不是已知类别（{'、'.join(HOUSEHOLD_CATEGORIES)}）",
            lambda v: f"category {v!r} is not a known category ({', '.join(HOUSEHOLD_CATEGORIES)})",
        )
    if "cause" in ctx.hh:
        ctx.out["cause"] = _lookup(
            ctx,
            "cause",
            _CAUSE,
            lambda v: f"主要致贫原因「{v}」不是已知原因或代码（01–11、99）",
            lambda v: f"main cause {v!r} is not a known cause or code (01–11, 99)",
            _cause_text,
        )
    if "monitor_kind" in ctx.hh:
        ctx.out["monitor_kind"] = _lookup(
            ctx,
            "monitor_kind",
            _MONITOR,
            lambda v: f"监测类型「{v}」无法识别（{'、'.join(MONITOR_KINDS)}）",
            lambda v: f"monitor kind {v!r} is not recognised",
        )


def _status(ctx: _Households, year: int | None) -> None:
    """脱贫属性 / 户类型 (codes and every wording over the years) as the layer's status, with
    what the word also says: support (policy_support), monitor kind, risk cleared."""
    hh, out, reject = ctx.hh, ctx.out, ctx.reject
    st_raw = ctx.text("status")
    st = ctx.norm("status").str.replace(r"^([0-4])[-_.、:]?(\D.*)$", r"\1", regex=True)
    status = st.map(_STATUS)
    reject(
        (st != "") & status.isna(),
        lambda h: (
            f"脱贫属性「{st_raw[h]}」无法识别（0 未脱贫、1 已脱贫(享受政策)、3 返贫、"
            "4 已脱贫(不再享受政策)、脱贫户、监测对象）"
        ),
        lambda h: (
            f"status {st_raw[h]!r} is not recognised (0 not exited, 1 exited with support, "
            "3 fell back, 4 exited, support ended, 脱贫户, 监测对象)"
        ),
    )
    # the monitor kind: its own column, else the status word (脱贫不稳定户 …)
    kind = out["monitor_kind"] if "monitor_kind" in out else pd.Series(np.nan, index=hh.index)
    kind = kind.where(kind.notna(), st.map(_STATUS_MONITOR)).astype(object)
    if kind.notna().any() or "monitor_kind" in out:
        out["monitor_kind"] = kind
    # an exited household that is monitored (脱贫户 with 监测对象类别) is 监测, keeping its exit
    both = kind.notna() & (status == "已脱贫")
    status = status.where(~both, "监测")
    if both.any():
        ctx.notes.append(
            (
                f"{_fmt(int(both.sum()))} 户为脱贫户且是监测对象：记为监测（保留脱贫年度）",
                f"{_fmt(int(both.sum()))} exited households are monitored: stored as 监测 "
                "(their exit year kept)",
            )
        )
    status = status.where((st != "") | kind.isna(), "监测")
    reject((st == "") & status.isna(), lambda h: "脱贫属性为空", lambda h: "status is empty")
    out["status"] = status

    # support: the status word (1 / 4 / 脱贫享受政策 …), else a 享受政策 column
    policy = st.map(_STATUS_POLICY)
    if "policy_support" in hh:
        given = _lookup(
            ctx,
            "policy_support",
            _POLICY,
            lambda v: f"享受政策「{v}」应为“是/否”或“享受政策/不享受政策”",
            lambda v: f"policy support {v!r} should be 是/否 or 享受政策/不享受政策",
        )
        policy = policy.where(policy.notna(), given)
    out["policy_support"] = policy.where(status.isin(["已脱贫", "监测"]))
    n4 = int((policy == "不享受政策").sum())
    if n4:
        ctx.notes.append(
            (
                f"{_fmt(n4)} 户为“已脱贫(不再享受政策)”，记为已脱贫，不享受政策",
                f"{_fmt(n4)} households exited with support ended (code 4) are stored as 已脱贫 "
                "with policy_support 不享受政策",
            )
        )
    _risk_cleared(ctx, st, status, year)


def _risk_cleared(ctx: _Households, st: pd.Series, status: pd.Series, year: int | None) -> None:
    """风险消除: from a 风险是否消除 column, the status word (已消除风险) or a 风险消除时间; its
    year from 风险消除时间, else the register's year (``register_year`` or its title)."""
    hh, out = ctx.hh, ctx.out
    cleared = st.map(_STATUS_CLEARED)
    if "risk_cleared" in hh:
        norm = ctx.norm("risk_cleared")
        said = norm.map(_RISK_CLEARED)
        said = said.where(said.notna(), _yes_no(norm).astype(object))
        ctx.reject(
            (norm != "") & said.isna(),
            lambda h: f"风险是否消除「{hh.at[h, 'risk_cleared']}」应为“是/否”或“已消除/未消除”",
            lambda h: f"risk cleared {hh.at[h, 'risk_cleared']!r} should be 是/否 or 已消除/未消除",
        )
        cleared = said.where(said.notna(), cleared)
    when = pd.Series(np.nan, index=hh.index)
    if "risk_cleared_year" in hh:
        when, not_year = years(hh["risk_cleared_year"])
        ctx.reject(
            not_year,
            lambda h: f"风险消除年度「{hh.at[h, 'risk_cleared_year']}」不是年份",
            lambda h: f"risk cleared {hh.at[h, 'risk_cleared_year']!r} is not a year",
        )
        cleared = cleared.where(cleared.notna() | when.isna(), True)
    cleared = cleared.fillna(False).astype(bool) & (status == "监测")
    need = cleared & when.isna()
    if need.any() and year is not None:
        when = when.where(~need, year)
        ctx.notes.append(
            (
                f"{_fmt(int(need.sum()))} 户已消除风险但没有风险消除时间："
                f"记为 {year} 年（登记表年度）",
                f"{_fmt(int(need.sum()))} households have their risk cleared without a date: "
                f"{year} taken (the register's year)",
            )
        )
    elif need.any():
        ctx.reject(
            need,
            lambda h: "已消除风险但没有风险消除时间（也无法从表名得知年度）",
            lambda h: "risk cleared but no date (风险消除时间) and no year in the title",
        )
    out["risk_cleared_year"] = when.where(cleared)


def _years(ctx: _Households, year: int | None) -> None:
    """识别/脱贫/返贫/纳入监测年度. The 2016–2020 export has no 返贫年度 column: a 返贫
    household then fell back by the register's year at the latest, which is taken (noted)."""
    back = ctx.out["status"] == "返贫"
    if "return_year" not in ctx.hh and back.any() and year is not None:
        ctx.out["return_year"] = pd.Series(np.nan, index=ctx.hh.index).where(~back, year)
        ctx.notes.append(
            (
                f"文件中没有返贫年度列：{_fmt(int(back.sum()))} 户返贫户的返贫年度记为 {year} 年"
                "（登记表年度）",
                f"no 返贫年度 column: the {_fmt(int(back.sum()))} 返贫 households are taken as "
                f"fallen back by {year} (the register's year)",
            )
        )
    for fld in ("identified_year", "exit_year", "return_year", "monitor_year"):
        if fld not in ctx.hh:
            continue
        ctx.out[fld], not_year = years(ctx.hh[fld])
        label = HOUSEHOLDS.column(fld)
        ctx.reject(
            not_year,
            lambda h, f=fld, lab=label: f"{lab.zh}「{ctx.hh.at[h, f]}」不是年份",
            lambda h, f=fld, lab=label: f"{lab.en.lower()} {ctx.hh.at[h, f]!r} is not a year",
        )


def _flags(ctx: _Households) -> None:
    """危房户 (是/否 or a grade: C/D dangerous) and water (饮水安全, 饮水困难, 饮水不安全)."""
    labels = {
        "dangerous_house": ("危房户", "dangerous house"),
        "safe_water": ("饮水安全", "safe water"),
        "water_difficulty": ("饮水困难", "water difficulty"),
        "unsafe_water": ("饮水不安全", "unsafe water"),
    }

    def flag(fld: str) -> pd.Series:
        v = ctx.norm(fld)
        res = _yes_no(v)
        if fld == "dangerous_house":
            grade = v.map(_DANGEROUS)
            res = res.where(res.notna(), grade.astype("boolean"))
        # an empty cell records no problem: 否 for 危房户/饮水困难, 是 for 饮水安全
        res[v == ""] = fld == "safe_water"
        lab = labels[fld]
        hint = "应为“是”或“否”" + ("（或 A/B/C/D 级）" if fld == "dangerous_house" else "")
        ctx.reject(
            res.isna(),
            lambda h: f"{lab[0]}「{ctx.hh.at[h, fld]}」{hint}",
            lambda h: (
                f"{lab[1]} {ctx.hh.at[h, fld]!r} should be 是 or 否"
                + (" (or grade A/B/C/D)" if fld == "dangerous_house" else "")
            ),
        )
        return res.fillna(False)

    absent = []
    if "dangerous_house" in ctx.hh:
        ctx.out["dangerous_house"] = flag("dangerous_house")
    else:
        ctx.out["dangerous_house"] = False
        absent.append(("危房户", "dangerous_house"))
    water = [f for f in ("safe_water", "water_difficulty", "unsafe_water") if f in ctx.hh]
    unsafe = pd.Series(False, index=ctx.hh.index)
    for f in water:
        v = flag(f)
        unsafe |= ~v if f == "safe_water" else v
    ctx.out["unsafe_water"] = unsafe
    if "safe_water" in ctx.hh:
        unknown = ctx.hh.index[(ctx.hh["safe_water"] == "").to_numpy()]
        if len(unknown):
            ex, ex_en = _examples(unknown)
            ctx.notes.append(
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
        ctx.notes.append(
            (
                "文件中没有" + "、".join(z for z, _ in absent) + "列：全部记为“否”",
                "no "
                + ", ".join(z for z, _ in absent)
                + " column in the file: "
                + ", ".join(e for _, e in absent)
                + " set to False for every household",
            )
        )


def _income(ctx: _Households) -> None:
    hh = ctx.hh
    if "income_per_capita" in hh:
        text = hh["income_per_capita"]
        clean = text.str.replace(r"[,，\s元￥¥]", "", regex=True)
        inc = pd.to_numeric(clean, errors="coerce")
        ctx.out["income_per_capita"] = inc
        ctx.reject(
            (text != "") & inc.isna(),
            lambda h: f"人均纯收入「{hh.at[h, 'income_per_capita']}」不是金额",
            lambda h: f"income per person {hh.at[h, 'income_per_capita']!r} is not an amount",
        )
    if "relocation_site" in hh:
        ctx.out["relocation_site"] = hh["relocation_site"].replace("", np.nan)


# ----------------------------------------------------------------------------- steps: members
def _school_stage(value: str) -> str | None:
    if not value:
        return None
    if value in _SCHOOLING:
        return _SCHOOLING[value]
    for pattern, stage in _SCHOOL_STAGES:
        if re.search(pattern, value):
            return stage
    return None


def _health(value: str) -> tuple[str, ...] | None:
    """健康状况 as the conditions it names (() for 健康); None when a part is not known."""
    if not value:
        return ()
    parts = [p for p in re.split(r"[,，、;；/+和及且]", value) if p]
    found = []
    for p in parts:
        hit = _HEALTH.get(p)
        if hit is None:
            hit = next((h for h in HEALTH[1:] if h in p), None)
        if hit is None:
            return None
        if hit != "健康":
            found.append(hit)
    return tuple(dict.fromkeys(found))


def _birth_years(t: pd.DataFrame, year: int | None) -> tuple[pd.Series, str | None]:
    """出生日期, else 年龄 and the register's year, else the ID's digits 7–10 (15-digit IDs:
    19 and digits 7–8). Returns the years and what they came from where not a date."""
    out = pd.Series(np.nan, index=t.index)
    if "birth_date" in t:
        text = t["birth_date"].str.replace(r"\s+", "", regex=True)
        y = pd.to_numeric(text.str.extract(r"^((?:19|20)\d\d)", expand=False), errors="coerce")
        out = out.where(out.notna(), y)
    used_age = False
    if "age" in t:
        age = pd.to_numeric(t["age"].str.replace(r"(岁|周岁)$", "", regex=True), errors="coerce")
        ref = year or dt.date.today().year
        by_age = (ref - age).where((age >= 0) & (age < 120))
        used_age = bool((out.isna() & by_age.notna()).any())
        out = out.where(out.notna(), by_age)
    if "id_number" in t:
        ids = t["id_number"]
        y18 = pd.to_numeric(
            ids.str.extract(r"^\d{6}((?:19|20)\d\d)\d{7}[\dX]$", expand=False), errors="coerce"
        )
        y15 = (
            pd.to_numeric(ids.str.extract(r"^\d{6}(\d\d)\d{7}$", expand=False), errors="coerce")
            + 1900
        )
        out = out.where(out.notna(), y18.where(y18.notna(), y15))
    return out, ("年龄" if used_age else None)


def _members(t: pd.DataFrame, g: _Grouped, ctx: _Households, year: int | None, notes: list):
    """The members layer: one row per person row of the households read (people of refused
    households are dropped with them). A value outside the system's code tables leaves that
    field empty for that person, with a note naming it (never the household refused for it)."""
    p = g.t
    out = pd.DataFrame({"household_id": p["household_id"].to_numpy()}, index=p.index)
    order = p.groupby("household_id", sort=False).cumcount() + 1
    pid = p["person_id"] if "person_id" in p else pd.Series("", index=p.index)
    generated = pid == ""
    out["person_id"] = pid.where(~generated, p["household_id"] + "-" + order.map("{:02d}".format))
    if generated.any() and "person_id" in p:
        notes.append(
            (
                f"{_fmt(int(generated.sum()))} 人没有人编号：按户内顺序编号（户编号-序号）",
                f"{_fmt(int(generated.sum()))} people have no 人编号: numbered by their place in "
                "the household (household id-number)",
            )
        )
    unknown: list[tuple[str, str, int]] = []

    def vocab(fld: str, fn) -> None:
        if fld not in p:
            return
        norm = _map_unique(p[fld], _norm_value)
        val = _map_unique(norm, fn)
        bad = (norm != "") & val.isna()
        for v, n in p[fld][bad].value_counts().items():
            unknown.append((MEMBERS.column(fld).zh, str(v), int(n)))
        out[fld] = val

    for fld in ("relation", "education", "labour_skill", "work"):
        vocab(fld, lambda v, f=fld: _MEMBER_VOCAB[f].get(v) if v else None)
    vocab("schooling", _school_stage)
    if "work_months" in p:
        text = p["work_months"].str.replace(r"(个月|月)$", "", regex=True)
        months = pd.to_numeric(text, errors="coerce")
        bad = (text != "") & (months.isna() | (months < 0) | (months > 12) | (months % 1 != 0))
        for v, n in p["work_months"][bad].value_counts().items():
            unknown.append(("务工时间(月)", str(v), int(n)))
        out["work_months"] = months.where(~bad)
    for fld in _MEMBER_FLAGS:
        if fld in p:
            norm = _map_unique(p[fld], _norm_value)
            val = _yes_no(norm)
            for v, n in p[fld][(norm != "") & val.isna()].value_counts().items():
                unknown.append((MEMBERS.column(fld).zh, str(v), int(n)))
            out[fld] = val
    if "health" in p:
        conds = _map_unique(_map_unique(p["health"], _norm_value), _health)
        for v, n in p["health"][conds.isna()].value_counts().items():
            unknown.append(("健康状况", str(v), int(n)))
        for cond, col in _HEALTH_FLAGS.items():
            out[col] = conds.map(lambda c, k=cond: pd.NA if c is None else k in c).astype("boolean")
            out.loc[p["health"] == "", col] = pd.NA
    births, how = _birth_years(p, year)
    out["birth_year"] = births.where(
        (births >= 1900) & (births <= (year or dt.date.today().year) + 1)
    )
    if how:
        ref = year or dt.date.today().year
        notes.append(
            (
                f"出生年份由年龄推算（按 {ref} 年）",
                f"birth years worked out from 年龄 (as of {ref})",
            )
        )
    if unknown:
        shown = "；".join(f"{z}「{v}」{n} 人" for z, v, n in unknown[:10])
        shown_en = "; ".join(f"{z} {v!r}: {n} people" for z, v, n in unknown[:10])
        notes.append(
            (
                f"以下成员信息不在系统代码表中，该项留空（人员照常导入）：{shown}",
                f"member values not in the system's code tables were left empty (the people "
                f"were taken): {shown_en}",
            )
        )
    out = out.reindex(columns=MEMBERS.names)
    found = problems("members", coerce(MEMBERS, out.reset_index(drop=True)))
    for pr in found:  # e.g. a 人编号 repeated across rows that _duplicates let through
        if pr.row is not None:
            hid = out["household_id"].iloc[pr.row]
            ctx.rejected.setdefault(hid, []).append(
                (
                    f"家庭成员{_member_label(pr.field)}：{pr.message}",
                    f"member {pr.field}: {pr.message}",
                )
            )
    return out


def _member_label(fld: str | None) -> str:
    return MEMBERS.column(fld).zh if fld in MEMBERS.names else (fld or "")


def _counts(ctx: _Households, people: pd.DataFrame | None) -> None:
    """三保障 and labour counts per household: from the members where the register lists
    them (NA when it has no such column), else as a per-household file gives them."""
    if people is not None:
        counted = member_counts(people, ctx.hh.index)
        for col in counted.columns:
            ctx.out[col] = counted[col]
    for col in _MEMBER_COUNTS:
        if col in ctx.hh and col not in ctx.out:
            text = ctx.hh[col].str.replace(r"(\.0+|人)$", "", regex=True)
            n = pd.to_numeric(text, errors="coerce")
            lab = HOUSEHOLDS.column(col)
            ctx.reject(
                (text != "") & (n.isna() | (n < 0) | (n % 1 != 0)),
                lambda h, c=col, z=lab.zh: f"{z}「{ctx.hh.at[h, c]}」不是人数",
                lambda h, c=col, e=lab.en: f"{e.lower()} {ctx.hh.at[h, c]!r} is not a count",
            )
            ctx.out[col] = n


def _layer_rules(ctx: _Households, unmatched: list[str]) -> None:
    """The layer's own rules on what is left; a missing 贫困户属性 column is one message."""
    ok = ~ctx.out.index.isin(list(ctx.rejected))
    if "category" not in ctx.hh:
        needs = ok & (ctx.out["status"] != "监测").to_numpy()
        if needs.any():
            raise _missing_column(
                f"找不到贫困户属性列，而 {_fmt(int(needs.sum()))} 户不是监测户"
                "（只有监测户可以没有）",
                f"no category column (贫困户属性), and {_fmt(int(needs.sum()))} households are "
                "not monitored (only a 监测 household may lack one)",
                ["category"],
                unmatched,
            )
    cand = ctx.out[ok].reindex(columns=HOUSEHOLDS.names)
    norm = coerce(HOUSEHOLDS, cand.reset_index(drop=True))
    for pr in problems("households", norm):
        if pr.row is None:
            continue
        hid = cand.index[pr.row]
        ctx.rejected.setdefault(hid, []).append(_translate(pr.field, pr.message))


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


# ----------------------------------------------------------------------------- reports
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
    if not rej.zh:
        return _empty(_REPORT_COLUMNS)
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
