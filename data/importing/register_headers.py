"""A register's header: the fields a register has and every spelling of them (the schema's
households and members columns, and the reader's own), finding the header row under the title
rows of a sheet or CSV, matching each header to a field (a ``--columns`` mapping first), and
refusing once a register without a column every row needs.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ...geo.schema import (
    HOUSEHOLDS,
    MEMBERS,
)
from .errors import ImportFailed
from .headers import HeaderMatcher, columns_hint, layer_spellings, matcher, normalise
from .members import MEMBER_COUNTS
from .tabular import (
    HEADER_SEARCH_ROWS,
    TextFile,
    best_delimiter,
    cell_text,
    csv_rows,
    describe_csv,
    file_kind,
    find_header,
    first_sheet_with_header,
    sniff_text,
)

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


# ----------------------------------------------------------------------------- the sheet


#: Data rows read at a time: one chunk of a million-person register is about 5% of it.
CHUNK_ROWS = 50_000


class _Reparse(Exception):
    """The quick CSV reading cannot read this file (a quoted cell across lines, a row wider
    than the header): the file is read again, record by record."""


@dataclass
class _Source:
    """The sheet as found: header cells, and the data rows to read in chunks.

    ``chunks(n)`` yields frames of at most ``n`` data rows (columns by position, index the
    row number in the file); it raises :class:`_Reparse` when the quick CSV reading turns out
    not to fit the file (``careful`` reading then starts over).
    """

    header: list[str]
    chunks: Callable[[int], Iterator[pd.DataFrame]]
    what: str
    header_row: int
    sheet: str | None = None
    sheets: Sequence[str] = ()
    title: str = ""  # the text of the rows above the header (for the register's year)


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


def _read_csv(path: Path, user: Mapping[str, str], careful: bool = False) -> _Source:
    """The CSV's header under its title rows; its rows read in chunks by pandas, or record by
    record (``careful``) when a quoted cell spans lines or a row is wider than the header."""
    found = sniff_text(path)
    sample = found.head.splitlines()[:HEADER_SEARCH_ROWS]
    best = best_delimiter(
        lambda delim: csv_rows(sample, delim),
        lambda rows: _find_header(rows, user),
        lambda cells: _header_score(cells, user),
    )
    if best is None:
        raise _no_header()
    delim, _, h = best
    what = describe_csv(found.encoding, delim)
    if careful:
        return _read_csv_records(path, found, delim, what, user)
    header = next(csv.reader([sample[h]], delimiter=delim))
    width = len(header)
    # a quoted field across lines makes fewer records than lines: then read record by record
    lines = found.newlines + (0 if found.ends_with_newline else 1)

    def chunks(n: int) -> Iterator[pd.DataFrame]:
        try:
            reader = pd.read_csv(
                path,
                encoding=found.codec,
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
                chunksize=n,
            )
        except (pd.errors.ParserError, ValueError) as exc:
            raise _Reparse from exc
        start = h + 2
        with reader:
            while True:
                try:
                    data = next(reader)
                except StopIteration:
                    break
                except (pd.errors.ParserError, ValueError) as exc:
                    raise _Reparse from exc
                data.index = pd.RangeIndex(start, start + len(data))
                start += len(data)
                yield data
        if lines - (h + 1) != start - h - 2:
            raise _Reparse

    return _Source(header, chunks, what, h + 1, title=" ".join(sample[:h]))


def _read_csv_records(
    path: Path, found: TextFile, delim: str, what: str, user: Mapping[str, str]
) -> _Source:
    """The CSV read record by record with the csv module (cells across lines), in chunks."""
    head: list[list[str]] = []
    lines: list[int] = []
    with path.open(encoding=found.codec, newline="") as fh:
        reader = csv.reader(fh, delimiter=delim)
        prev = 0
        for rec in reader:
            head.append(rec)
            lines.append(prev + 1)  # the record starts on the line after the previous one ended
            prev = reader.line_num
            if len(head) == HEADER_SEARCH_ROWS:
                break
    h = _find_header(head, user)
    assert h is not None
    header = [str(c) for c in head[h]]
    width = len(header)
    title = " ".join(" ".join(r) for r in head[:h])

    def chunks(n: int) -> Iterator[pd.DataFrame]:
        with path.open(encoding=found.codec, newline="") as fh:
            reader = csv.reader(fh, delimiter=delim)
            body: list[list[str]] = []
            at: list[int] = []
            prev, yielded = 0, False
            for k, rec in enumerate(reader):
                if k > h:
                    body.append(rec[:width])
                    at.append(prev + 1)
                prev = reader.line_num
                if len(body) == n:
                    yield _records_frame(body, at, width)
                    body, at, yielded = [], [], True
            if body or not yielded:
                yield _records_frame(body, at, width)

    return _Source(header, chunks, what, lines[h], title=title)


def _records_frame(body: list[list[str]], at: list[int], width: int) -> pd.DataFrame:
    """Records as cells by position, short ones padded out to the header's width."""
    data = pd.DataFrame(body, dtype=object)
    data = data.reindex(columns=range(width))
    data.index = pd.Index(at, dtype="int64")
    return data


def _read_excel(path: Path, sheet: str | None, user: Mapping[str, str]) -> _Source:
    found = first_sheet_with_header(path, sheet, lambda rows: _find_header(rows, user))
    if found is None:
        raise _no_header()
    name, cells, h, names = found
    header = [cell_text(c) for c in cells[h]]
    title = " ".join(cell_text(c) for row in cells[:h] for c in row)
    width = len(header)

    def chunks(n: int) -> Iterator[pd.DataFrame]:
        for at in range(h + 1, max(len(cells), h + 2), n):
            data = pd.DataFrame(cells[at : at + n], columns=range(width), dtype=object)
            data.index = pd.RangeIndex(at + 1, at + 1 + len(data))
            yield data

    return _Source(header, chunks, f"Excel, sheet {name}", h + 1, name, names, title)


def _read_source(
    source: Path, sheet: str | None, user: Mapping[str, str], notes: list, careful: bool = False
) -> _Source:
    if file_kind(source) == "excel":
        src = _read_excel(source, sheet, user)
        if len(src.sheets) > 1:
            notes.append((f"读取工作表「{src.sheet}」", f"read sheet {src.sheet!r}"))
    else:
        src = _read_csv(source, user, careful)
        if "gb18030" in src.what:
            notes.append(("CSV 文件编码为 GBK/GB18030", "CSV file encoded in GBK/GB18030"))
    notes.append((f"表头在第 {src.header_row} 行", f"header found on row {src.header_row}"))
    return src


# ----------------------------------------------------------------------------- the columns


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
