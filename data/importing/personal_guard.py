"""The personal-data guard: a column about to be kept must not hold ID numbers, phone
numbers or names, whatever its header says.

Column names alone are not enough: an 户编号 column may hold the head's ID number, and a
mapping may send 姓名 to another field. Such a column is refused, naming the column and why,
before anything is read further or written. The values are never repeated in a message (row
numbers only).

Registers (:func:`refuse_personal_columns`) and every other file an import keeps columns of
(tables of facilities, stations, sites and indicators; boundary and road attributes:
:func:`refuse_personal_fields`) go through the same checks. Only where a column of two to four
Han characters is refused differs: in a register's identifiers; in other files wherever a
name cannot belong (identifiers, numbers, codes, years: :func:`name_checked_fields`), never
in fields that hold names of places or words (村名, 网点名称, 安置点名称, 类型, 状态, 是/否).

Assistance (帮扶) files keep exactly one kind of name: a cadre's or a 第一书记's (their
fields may be headed 帮扶责任人姓名, never 户主姓名), and their free-text notes are refused
when an ID or mobile number is written anywhere in them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ...geo.schema import Layer
from .errors import ImportFailed

#: A mainland resident ID number (GB 11643): region, birth date, sequence, check character.
_ID_SHAPE = re.compile(
    r"[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX]"
)
_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_ID_CHECK = "10X98765432"
#: A mainland mobile number, with an optional +86 / 86 in front.
_MOBILE = re.compile(r"(?:\+?86[-\s]?)?1[3-9]\d{9}")
#: A Chinese personal name: two to four Han characters (a middle dot for minority names).
_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff]{1,6}")
#: Header words that say a column is personal whatever field it was mapped to.
_PERSONAL_WORDS = ("姓名", "身份证", "证件号", "电话", "手机", "名字")
#: Of those, the words of a name: a field that holds a cadre's name by design (帮扶责任人姓名,
#: 第一书记姓名) may have them in its header.
_NAME_WORDS = ("姓名", "名字")
#: Header words saying a name is a household's, never a cadre's (户主姓名, 家庭成员姓名).
_HOUSEHOLD_WORDS = ("户主", "成员", "家庭", "贫困户", "农户", "群众")
#: A number an ID or a phone might be, anywhere in a text: 18 characters (checked further by
#: :func:`is_id_number`), or a mobile's 11 digits (with separators, +86) amid no other digit.
_EMBEDDED_ID = re.compile(r"(?<![\dXx])\d{17}[\dXx](?![\dXx])")
_EMBEDDED_MOBILE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)")
#: A register's fields holding identifiers, where a column of names is a name, not an id.
REGISTER_NAME_FIELDS = frozenset({"household_id", "person_id"})
#: Storage kinds of the fields a person's name can never fill (a name there is a mistake).
_NAMELESS_KINDS = ("int", "float", "year", "code")
#: Share of a column's non-empty values that must look like phones or names to refuse it
#: (a phone-like or name-like value alone can be a coincidence; a valid ID number cannot).
_MAJORITY = 0.5
_ROWS_SHOWN = 5
#: What to do about a refused column (zh, en): a register keeps ID numbers in one place.
_REGISTER_ADVICE = (
    "姓名和电话不保存，证件号码请对应到「证件号码」（只保存散列与遮蔽号码）；"
    "请改正列的对应或删去这些列后再导入",
    "Names and phones are never kept; map ID numbers to id_number (kept only as a "
    "keyed hash and a masked form); correct the mapping or remove these columns",
)
_OTHER_ADVICE = (
    "此类文件不保存姓名、证件号码和电话；请改正列的对应或删去这些列后再导入",
    "names, ID numbers and phones are never kept from this kind of file; correct the "
    "mapping or remove these columns",
)
#: What to do about a refused column of an assistance (帮扶) file (zh, en).
ASSISTANCE_ADVICE = (
    "帮扶类文件只保存帮扶责任人和第一书记的姓名，不保存户主姓名、证件号码和电话；"
    "请改正列的对应，或删去这些列、删去走访内容等文字中的号码后再导入",
    "assistance files keep the names of cadres and first secretaries only, never a "
    "household's names, ID numbers or phones; correct the mapping, or remove these columns "
    "and the numbers written in notes",
)


def is_id_number(text: str) -> bool:
    """Whether ``text`` is an 18-character mainland ID number: shape, date and check character."""
    value = re.sub(r"\s+", "", str(text)).upper()
    if not _ID_SHAPE.fullmatch(value):
        return False
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == value[17]


def is_mobile(text: str) -> bool:
    """Whether ``text`` is a mainland mobile number (11 digits starting 13–19)."""
    return bool(_MOBILE.fullmatch(re.sub(r"[\s-]", "", str(text))))


def holds_id_or_mobile(text: str) -> bool:
    """Whether an ID number or a mobile number is written anywhere in ``text`` (a note)."""
    value = str(text)
    if any(is_id_number(m) for m in _EMBEDDED_ID.findall(value)):
        return True
    return bool(_EMBEDDED_MOBILE.search(value))


def is_personal_header(head: str) -> bool:
    """Whether a header names a personal column (姓名, 户主, 证件号码, 联系电话, 手机号码 …)."""
    text = str(head).strip()
    return text == "户主" or any(w in text for w in (*_PERSONAL_WORDS, "联系方式"))


def _personal_header(head: str, named: bool) -> bool:
    """Whether ``head`` says its column is personal; for a field holding a cadre's name by
    design (``named``), a name header is not, unless it names a household's."""
    if not named or any(w in head for w in _HOUSEHOLD_WORDS):
        return any(w in head for w in _PERSONAL_WORDS)
    return any(w in head for w in _PERSONAL_WORDS if w not in _NAME_WORDS)


def refuse_personal_columns(
    header: Sequence[str],
    data: pd.DataFrame,
    col_of: Mapping[str, int],
    *,
    personal_fields: frozenset[str],
    field_of_header: Callable[[str], str | None],
    as_text: Callable[[pd.Series], np.ndarray],
    name_fields: Collection[str] = REGISTER_NAME_FIELDS,
    advice: tuple[str, str] = _REGISTER_ADVICE,
    named_fields: Collection[str] = (),
    text_fields: Collection[str] = (),
) -> None:
    """Refuse a file with personal data in a column about to be kept or used.

    Parameters
    ----------
    header
        The file's header cells, by column position.
    data
        The data rows (columns by position, index the row numbers as the file shows them).
    col_of
        Field -> column position, as matched (by name or by the user's mapping).
    personal_fields
        Fields that are read only to be hashed or dropped (not checked).
    field_of_header
        The field a header names by itself, without the user's mapping.
    as_text
        A column's cells as stripped text.
    name_fields
        Fields where a column of personal names is refused (a register's identifiers).
    advice
        What the message tells the user to do (zh, en).
    named_fields
        Fields that hold a cadre's name by design (an assistance file's 帮扶责任人姓名): their
        header may say 姓名 (not 户主姓名); their values are still checked for ID and phone
        numbers.
    text_fields
        Free-text fields (a visit's 走访内容): a cell with an ID or mobile number anywhere in
        its text refuses the column (one is enough).

    Raises
    ------
    ImportFailed
        Naming every such column and why; nothing has been written.
    """
    zh: list[str] = []
    en: list[str] = []
    for fld, i in col_of.items():
        if fld in personal_fields:
            continue
        head = str(header[i]).strip()
        named = field_of_header(head)
        if named in personal_fields or _personal_header(head, fld in named_fields):
            zh.append(f"列「{head}」是个人信息（按表头），不能对应到字段 {fld}")
            en.append(f"column {head!r} is personal data (by its header) and cannot fill {fld}")
            continue
        texts = pd.Series(as_text(data[i]), index=data.index)
        found = _personal_values(texts, fld in name_fields)
        if found is None and fld in text_fields:
            found = _embedded_values(texts)
        if found:
            what_zh, what_en, rows = found
            zh.append(f"列「{head}」（对应到 {fld}）的值像{what_zh}（第 {_rows(rows)} 行）")
            en.append(f"column {head!r} (mapped to {fld}) holds {what_en} (rows {_rows_en(rows)})")
    if zh:
        raise ImportFailed(
            "文件含个人信息，未导入：" + "；".join(zh) + "。" + advice[0],
            "the file holds personal data; nothing imported: " + "; ".join(en) + ". " + advice[1],
        )


def name_checked_fields(layer: Layer, extra: Iterable[str] = ()) -> frozenset[str]:
    """The fields of ``layer`` where a column of names is refused: its identifiers (the text
    columns of its key) and its numbers, codes and years, with ``extra`` (coordinates).

    Names of places and words (村名, 网点名称, 安置点名称, 类型, 状态, 民族村, 是/否) are two to
    four Han characters as often as a person's name: those fields are not checked for names.
    """
    ids = {c.name for c in layer.columns if c.kind == "str" and c.name in layer.key}
    numbers = {c.name for c in layer.columns if c.kind in _NAMELESS_KINDS}
    return frozenset(ids | numbers | set(extra))


def refuse_personal_fields(
    values: Mapping[str, pd.Series],
    headers: Mapping[str, str],
    *,
    name_fields: Collection[str],
    named_fields: Collection[str] = (),
    text_fields: Collection[str] = (),
    advice: tuple[str, str] | None = None,
) -> None:
    """Refuse a table or a vector file's attributes with personal data in a field about to
    be kept (every file other than a register).

    Parameters
    ----------
    values
        Field -> the cells of the column that fills it (index: the row numbers as the file
        shows them). Columns no field takes are never kept and not given.
    headers
        Field -> the file's header of that column.
    name_fields
        Fields where a column of personal names is refused (:func:`name_checked_fields`).
    named_fields, text_fields
        As :func:`refuse_personal_columns` takes them (an assistance file's cadre names and
        notes).
    advice
        What the message tells the user to do (zh, en); by default that such files keep no
        names, ID numbers or phones.

    Raises
    ------
    ImportFailed
        Naming every such column and why (row numbers, never the values); nothing has been
        written.
    """
    fields = [f for f in values if f in headers]
    if not fields:
        return
    data = pd.DataFrame({i: values[f] for i, f in enumerate(fields)})
    refuse_personal_columns(
        [headers[f] for f in fields],
        data,
        {f: i for i, f in enumerate(fields)},
        personal_fields=frozenset(),
        field_of_header=lambda head: None,
        as_text=lambda cells: cells.map(_cell_text).to_numpy(),
        name_fields=name_fields,
        advice=advice or _OTHER_ADVICE,
        named_fields=named_fields,
        text_fields=text_fields,
    )


def _cell_text(value: object) -> str:
    """A cell as stripped text ('' for missing; 13812345678.0 read from a sheet as its digits)."""
    if value is None or (not isinstance(value, str) and bool(np.all(pd.isna(value)))):
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).strip()


def _personal_values(texts: pd.Series, names_refused: bool) -> tuple[str, str, list[int]] | None:
    """What personal data a column's values hold: (zh, en, row numbers), or None."""
    filled = texts[texts != ""]
    if filled.empty:
        return None
    uniq = pd.Series(filled.unique())  # each distinct value checked once
    ids = set(uniq[uniq.map(is_id_number)])
    if ids:  # a valid ID number is never a coincidence: one is enough
        return "身份证号码", "ID numbers", _where(filled, ids)
    phones = set(uniq[uniq.map(is_mobile)])
    if phones and filled.isin(phones).mean() >= _MAJORITY:
        return "手机号码", "mobile phone numbers", _where(filled, phones)
    if names_refused:
        names = set(uniq[uniq.map(lambda v: bool(_NAME.fullmatch(v)))])
        if names and filled.isin(names).mean() >= _MAJORITY:
            return "人的姓名", "personal names", _where(filled, names)
    return None


def _embedded_values(texts: pd.Series) -> tuple[str, str, list[int]] | None:
    """ID or mobile numbers written anywhere in a free-text column: (zh, en, rows), or None."""
    filled = texts[texts != ""]
    uniq = pd.Series(filled.unique())
    hits = set(uniq[uniq.map(holds_id_or_mobile)]) if len(uniq) else set()
    if not hits:
        return None
    return "含身份证号码或手机号码的文字", "text with ID or mobile numbers", _where(filled, hits)


def _where(filled: pd.Series, values: set[str]) -> list[int]:
    return [int(r) for r in filled.index[filled.isin(values)]]


def _rows(rows: list[int]) -> str:
    shown = "、".join(str(r) for r in rows[:_ROWS_SHOWN])
    return shown + (f" 等 {len(rows)} 行" if len(rows) > _ROWS_SHOWN else "")


def _rows_en(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:_ROWS_SHOWN])
    return shown + (f" and {len(rows) - _ROWS_SHOWN} more" if len(rows) > _ROWS_SHOWN else "")
