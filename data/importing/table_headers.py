"""The header of a table: the kinds of table, each field's spellings, finding the header row
among title, units and column-number rows, and matching its cells to fields (a ``--columns``
mapping first); headers that name nothing are noted with their nearest fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

from ...geo.schema import LAYERS
from ...geo.schema_assistance import CADRE_REFS, CADRES
from . import tabular
from .errors import ImportFailed, Note
from .headers import HeaderMatcher, columns_hint, layer_spellings, matcher, normalise
from .table_values import _norm

#: Kinds of table and the layer each goes into.
TABLE_KINDS = {
    "facilities": "facilities",
    "stations": "facilities",
    "sites": "relocation_sites",
    "indicators": "indicators",
}
#: Kinds of assistance (帮扶) table and the layer each goes into: records about households
#: and cadres rather than places, read by the same machinery (:mod:`.table_assistance`).
ASSISTANCE_KINDS = {
    "cadres": "cadres",
    "pairings": "pairings",
    "teams": "village_teams",
    "visits": "visits",
    "measures": "measures",
    "projects": "projects",
    "exit_plans": "exit_plans",
}
#: Kinds of table about what the e-commerce stations did in a year (网点运营情况): the county
#: commerce bureau's yearly reports, a row per station named by id or by name.
OPERATIONS_KINDS = {"operations": "station_operations"}
#: Every kind the table reader takes.
READ_KINDS = {**TABLE_KINDS, **ASSISTANCE_KINDS, **OPERATIONS_KINDS}
#: The layers of the assistance kinds.
ASSISTANCE_LAYER_NAMES = frozenset(ASSISTANCE_KINDS.values())
#: The layer of the operations kind.
OPERATIONS_LAYER = "station_operations"

#: Headers naming the village by name. ``village`` is a pseudo-field of every table (a name or
#: a code); it is not a layer column, so these stay here.
_VILLAGE = (
    "所在行政村",
    "行政村",
    "村",
    "村名",
    "所在村",
    "村名称",
    "行政村名称",
    "村(社区)",
    "村(居)",
    "村(居)委会",
    "村(居)名称",
    "村委会",
    "村民委员会",
    "村居",
    "XZQMC",  # land-survey attribute names, in vector files
)
#: Headers of a 12-digit 统计用区划代码 naming the village (BRIEF §3): preferred over a name
#: column when a file has both.
_VILLAGE_CODE = (
    "行政村代码",
    "村代码",
    "行政区划代码",
    "区划代码",
    "统计用区划代码",
    "统计用区划代码(12位)",
    "行政村区划代码",
    "村级区划代码",
    "村级代码",
    "village_code",
    "XZQDM",
)
_LON = ("经度", "longitude", "lon", "lng", "x坐标", "东经", "GPS经度", "坐标经度")
_LAT = ("纬度", "latitude", "lat", "y坐标", "北纬", "GPS纬度", "坐标纬度")

#: Headers such tables carry that no field takes: they are never reported as unrecognised.
_KNOWN_UNUSED = (
    "序号",
    "备注",
    "说明",
    "省",
    "市",
    "县",
    "县(市、区)",
    "县(区)",
    "乡镇",
    "乡(镇)",
    "镇",
    "乡镇(街道)",
    "自然村",
    "村民小组",
    "组",
    "地址",
    "详细地址",
    "站点地址",
    "联系人",
    "联系电话",
    "负责人",
    "站长",
    "填表人",
    "运营主体",
)
#: Village columns an indicator table often carries that belong to the villages import.
_KNOWN_UNUSED_INDICATORS = (
    "户籍人口",
    "总人口",
    "人口",
    "总户数",
    "户数",
    "贫困户数",
    "贫困人口",
    "贫困人口数",
    "贫困发生率",
    "低保户",
    "低保户数",
    "五保户",
    "五保户数",
    "村属性",
    "贫困村",
    "出列",
    "出列年度",
    "计划出列年度",
    "通邮政快递",
    "幼儿园",
)
#: Fields of a table that are not layer columns: the village (name or code) and the point.
_PSEUDO_FIELDS: dict[str, tuple[str, str]] = {
    "village": ("所在行政村（名称或代码）", "Village (name or code)"),
    "longitude": ("经度", "Longitude"),
    "latitude": ("纬度", "Latitude"),
    "cadre": ("帮扶责任人（姓名或编号）", "Cadre (name or id)"),
    "cadre_unit": ("帮扶单位（区分同名责任人）", "Cadre's unit (tells namesakes apart)"),
    "station": ("网点（名称或编号）", "Station (name or id)"),
}
#: Headers naming a cadre by name in a pairings or visits file, beyond the cadres layer's own
#: wordings of a name.
_CADRE_NAMES = (
    "帮扶人",
    "结对干部",
    "结对帮扶干部",
    "结对帮扶责任人",
    "帮扶责任人员",
    "走访人",
    "走访人员",
    "走访干部",
    "走访责任人",
)
#: Headers an assistance table carries that no field takes: where the household is, what it
#: is, and (for a file naming cadres) the cadre's post. Personal columns (户主姓名, 证件号码,
#: 联系电话 …) are left out too, with a note (:func:`personal_dropped`).
_KNOWN_UNUSED_ASSISTANCE = (
    "乡(镇)",
    "村民小组",
    "组",
    "户主",
    "人口数",
    "家庭人口",
    "家庭人口数",
    "贫困户属性",
    "户类型",
    "脱贫属性",
    "致贫原因",
    "主要致贫原因",
    "识别年度",
    "脱贫年度",
)


#: Headers naming a station by name in an operations report (the ``station`` pseudo-field;
#: an id there is taken too).
_STATION_NAMES = (
    "站点名称",
    "网点名称",
    "服务站名称",
    "服务站点名称",
    "电商服务站名称",
    "电商服务站点名称",
    "站点",
    "网点",
    "服务站",
    "站名",
    "名称",
)
#: More wordings of an operations report's columns than the schema's (the county commerce
#: bureaus' yearly forms): field -> headers.
_OPERATIONS_HEADERS = {
    "facility_id": ("网点编码", "站点编码", "服务站编码", "站点代码"),
    "year": ("年份", "报告年度", "填报年度"),
    "status_date": ("停业日期", "撤销日期", "暂停/关闭日期", "状态日期"),
    "staff": ("工作人员数", "工作人员人数", "从业人员数", "员工人数"),
    "assistants": (
        "助理员人数",
        "助理员数",
        "电商助理员人数",
        "信息服务助理员人数",
        "电子商务信息服务助理员人数",
    ),
    "parcels_in": ("快递收件量", "收件数", "快递收件数", "收件量合计"),
    "parcels_out": ("快递发件量", "发件数", "快递发件数", "寄件数", "快递寄件量"),
    "sales_wan": (
        "网络零售额",
        "农产品网络销售额",
        "农产品网上销售额",
        "网上销售额",
        "农产品线上销售额",
        "农产品网销",
    ),
    "poor_served": ("服务建档立卡贫困户数", "服务贫困户户数"),
    "poor_selling": ("带动贫困户网销户数", "带动贫困户销售户数", "贫困户网销户"),
    "trained": ("培训人员", "电商培训人数", "培训人员人次"),
    "income_gain": ("带动户均增收", "贫困户户均增收", "户均增收金额"),
}
#: Headers an operations report carries that no field takes: what the station is (its tier,
#: when it opened, its size and address), its coordinates, its manager.
_KNOWN_UNUSED_OPERATIONS = (
    "所属乡镇",
    "类型",
    "站点类型",
    "网点类型",
    "层级",
    "网点层级",
    "站点级别",
    "建成年度",
    "建站年度",
    "建站时间",
    "开业时间",
    "营业面积",
    "站点面积",
    "面积",
    "宽带",
    "站长姓名",
    "负责人姓名",
    *_LON,
    *_LAT,
)


def _spellings(layer: str) -> dict[str, tuple[str, ...]]:
    """field -> spellings for the tables of ``layer``: the schema's (name, zh, en, headers)
    and the pseudo-fields ``village`` (a name), ``village_code`` (a 12-digit code; read as
    ``village``), ``longitude``/``latitude`` for point layers; in a pairings or visits file
    ``cadre`` (a cadre's name) and ``cadre_code`` (an id; read as ``cadre``) with
    ``cadre_unit`` to tell namesakes apart."""
    spec = LAYERS[layer]
    refs = ("cadre_id",) if layer in CADRE_REFS else ()
    out = layer_spellings(spec, skip=("village_code", *refs))
    if "village_code" in spec.names:
        village_col = spec.column("village_code")
        out["village"] = _VILLAGE
        out["village_code"] = (village_col.zh, *village_col.headers, *_VILLAGE_CODE)
        if layer == "indicators":
            out["village_code"] = (*out["village_code"], "代码")
        else:  # indicators have no point, but a village polygon's attributes may hold the pair
            out["village"] = (*out["village"], village_col.zh)
            out["village_code"] = tuple(s for s in out["village_code"] if s != village_col.zh)
    if refs:
        cadre_id, name, unit = (
            spec.column("cadre_id"),
            CADRES.column("cadre_name"),
            CADRES.column("unit"),
        )
        out["cadre_code"] = (cadre_id.name, cadre_id.zh, cadre_id.en, *cadre_id.headers)
        out["cadre"] = ("cadre", name.name, name.zh, *name.headers, *_CADRE_NAMES)
        out["cadre_unit"] = (unit.zh, *unit.headers)
    if layer == OPERATIONS_LAYER:
        # a station by id (facility_id) or by name (station); the village tells namesakes apart
        for fld, extra in _OPERATIONS_HEADERS.items():
            out[fld] = (*out[fld], *extra)
        out["station"] = ("station", *_STATION_NAMES)
        out["village"] = _VILLAGE
        out["village_code"] = _VILLAGE_CODE
        return out
    if layer not in ASSISTANCE_LAYER_NAMES or spec.geometry is not None:
        out["longitude"], out["latitude"] = _LON, _LAT
    return out


def _known_unused(layer: str) -> tuple[str, ...]:
    """Headers the tables of ``layer`` carry that no field takes."""
    if layer == "indicators":
        return _KNOWN_UNUSED + _KNOWN_UNUSED_INDICATORS
    if layer == OPERATIONS_LAYER:
        return _KNOWN_UNUSED + _KNOWN_UNUSED_OPERATIONS
    if layer not in ASSISTANCE_LAYER_NAMES:
        return _KNOWN_UNUSED
    spec = LAYERS[layer]
    extra = _KNOWN_UNUSED_ASSISTANCE
    if "village_code" not in spec.names:  # where the household lives: the register says
        extra += _VILLAGE + _VILLAGE_CODE
    if "household_id" not in spec.names:  # a cadres list made from the pairings
        extra += ("户编号", "户号", "户码", "人编号")
    if spec.geometry is None:
        extra += _LON + _LAT
    if layer in CADRE_REFS:
        extra += ("职务", "职级", "职务(职级)", "责任类型")
    return _KNOWN_UNUSED + extra


@cache
def header_matcher(layer: str) -> HeaderMatcher:
    """The :class:`~.headers.HeaderMatcher` of the tables of ``layer``."""
    return matcher(_spellings(layer), _known_unused(layer))


#: Fields read under another name: a village code column is the ``village`` field (a name
#: or a code), a cadre id column the ``cadre`` field (a name or an id).
_READ_AS = {"village_code": "village", "cadre_code": "cadre"}


def _public(fld: str | None) -> str | None:
    """The field as callers see it (:data:`_READ_AS`)."""
    return _READ_AS.get(fld, fld) if fld is not None else None


def recognised_headers(kind: str, headers: Sequence[str]) -> dict[str, str]:
    """Header → field for the ``headers`` of a ``kind`` table this reader recognises by name
    (one header per field: a village code column before a name column, else the first)."""
    m = header_matcher(READ_KINDS[kind])
    found = _match(list(headers), m, {})
    return {headers[i]: fld for i, fld in found.items()}


def mappable_fields(kind: str) -> list[tuple[str, str, str]]:
    """The fields a header of a ``kind`` table may be mapped to, as (field, zh, en).

    Parameters
    ----------
    kind : str
        ``facilities``, ``stations``, ``sites`` or ``indicators``.

    Returns
    -------
    list of (field, label_zh, label_en)
        The layer's columns (``village_code`` as the ``village`` pseudo-field, which takes a
        name or a code) and, for point layers, ``longitude`` and ``latitude``. Any of these
        fields is a valid target in ``read_table(columns=...)``; an empty target drops a column.
    """
    if kind not in READ_KINDS:
        raise ImportFailed(f"不能导入「{kind}」表", f"cannot import a {kind!r} table")
    layer = LAYERS[READ_KINDS[kind]]
    refs = ("cadre_id",) if layer.name in CADRE_REFS else ()
    out = [("village", *_PSEUDO_FIELDS["village"])] if "village_code" in layer.names else []
    if layer.name == OPERATIONS_LAYER:  # a station named by name, its village for namesakes
        out = [(f, *_PSEUDO_FIELDS[f]) for f in ("station", "village")]
    out += [(c.name, c.zh, c.en) for c in layer.columns if c.name not in ("village_code", *refs)]
    out += [(f, *_PSEUDO_FIELDS[f]) for f in ("cadre", "cadre_unit") if refs]
    if layer.geometry is not None:  # indicators have no point: lon/lat would be dropped
        out += [(f, *_PSEUDO_FIELDS[f]) for f in ("longitude", "latitude")]
    return out


# ----------------------------------------------------------------------------- the header row


def _user_map(layer: str, columns: Mapping[str, str] | None) -> dict[str, str]:
    """A ``--columns`` mapping as normalised header -> field ('' leaves a column out). A target
    may be a field, its Chinese label or any spelling of it; ``village_code`` is ``village``."""
    m = header_matcher(layer)
    fields = {_public(f) for f in m.spellings}
    out: dict[str, str] = {}
    for src, dst in (columns or {}).items():
        target = _public(str(dst or "").strip()) or ""
        if target and target not in fields:
            target = _public(m.field(target)) or ""
            if not target:
                raise ImportFailed(
                    f"列对应关系中的目标「{dst}」不是{LAYERS[layer].zh}的字段",
                    f"column mapping target {dst!r} is not a field of {layer}",
                )
        out[normalise(src)] = target
    return out


def _match(header: Sequence[object], m: HeaderMatcher, user: Mapping[str, str]) -> dict[int, str]:
    """Column position -> field, one column per field: the user's mapping first (a header
    mapped by hand wins over one recognised by name), then a village code column, then the
    recognised headers in order."""
    found: dict[int, str] = {}
    taken: set[str] = set()
    texts = ["" if c is None else str(c) for c in header]
    recognised: dict[int, str] = {}
    for i, cell in enumerate(texts):
        if not cell.strip():
            continue
        key = normalise(cell)
        if key in user:
            if user[key] and user[key] not in taken:
                found[i] = user[key]
                taken.add(user[key])
        else:
            fld = m.field(cell)
            if fld:
                recognised[i] = fld
    # an id column (a village's code, a cadre's id) before a name column of the same field
    for i in sorted(recognised, key=lambda i: (recognised[i] not in _READ_AS, i)):
        fld = _public(recognised[i])
        if fld not in taken:
            found[i] = fld
            taken.add(fld)
    return dict(sorted(found.items()))


def _unrecognised(header: Sequence[str], found: Mapping[int, str], m) -> dict[str, tuple]:
    """Headers neither recognised (nor mapped) nor known to be unused, with their nearest
    fields (public names)."""
    out: dict[str, tuple[str, ...]] = {}
    for i, cell in enumerate(header):
        if not cell or i in found or m.unused(cell) or m.field(cell):
            continue
        near = tuple(dict.fromkeys(_public(f) for f in m.nearest(cell)))
        out.setdefault(cell, near)
    return out


def _unrecognised_note(unrec: Mapping[str, tuple[str, ...]]) -> Note | None:
    """One note naming the headers not read, each with its nearest field and ``--columns``
    line (or the page's column grid)."""
    if not unrec:
        return None
    zh, en = [], []
    for h, near in unrec.items():
        if near:
            zh.append(
                f"「{h}」（最接近 {'、'.join(near)}；"
                f"如要读取：--columns 行 {columns_hint(h, near)}）"
            )
            en.append(
                f"{h!r} (nearest {', '.join(near)}; to read it: --columns line "
                f"{columns_hint(h, near)})"
            )
        else:
            zh.append(f"「{h}」")
            en.append(repr(h))
    return (
        "未识别、不导入的列：" + "，".join(zh) + "。在数据导入页的列对应表中也可指定",
        "columns not recognised and not imported: "
        + "; ".join(en)
        + ". The import page's column grid maps them too",
    )


def _header_score(cells, m: HeaderMatcher, user) -> int:
    found = set()
    for c in cells:
        text = tabular.cell_text(c)
        key = normalise(text)
        fld = user.get(key) if key in user else _public(m.field(text))
        if fld:
            found.add(fld)
    return len(found)


def _find_header(rows, m, user) -> int | None:
    # at least two fields recognised; the row recognising the most, each row read with the
    # cells of a header merged over it from the row above
    merged = [_header_texts(rows, i, m) for i in range(min(len(rows), tabular.HEADER_SEARCH_ROWS))]
    return tabular.find_header(merged, lambda cells: _header_score(cells, m, user), lambda n: n > 1)


def _no_header(layer: str, rows: list[list[object]] | None = None, m=None) -> ImportFailed:
    heads = {
        "facilities": "编号、类型、名称、所在行政村、经度、纬度",
        "relocation_sites": "安置点名称、安置类型、设计容量、建设状态",
        "indicators": "行政村、年度、通硬化路、安全饮水",
        "cadres": "帮扶责任人姓名、帮扶单位、职务",
        "pairings": "户编号、帮扶责任人",
        "village_teams": "行政村、进驻日期、派出单位、第一书记",
        "visits": "户编号、走访日期、走访人、走访内容",
        "measures": "户编号、措施类型、年度、金额、落实情况",
        "projects": "项目名称、所在行政村、项目类型、实施年度、计划投资、项目状态",
        "exit_plans": "户编号、计划脱贫年度",
        "station_operations": "站点编号或站点名称、年度、运营状态、农产品网销额",
    }[layer]
    n = tabular.HEADER_SEARCH_ROWS
    zh = f"在前 {n} 行中找不到可识别的表头（如 {heads}）"
    en = f"no recognisable header in the first {n} rows (such as {heads})"
    near = _near_cells(rows or [], m) if m is not None else {}
    if near:
        shown = list(near.items())[:5]
        zh += "；与字段相近的列：" + "，".join(
            f"「{h}」≈{'、'.join(f)}（--columns 行 {columns_hint(h, f)}）" for h, f in shown
        )
        en += "; columns near a field: " + "; ".join(
            f"{h!r} ≈ {', '.join(f)} (--columns line {columns_hint(h, f)})" for h, f in shown
        )
    return ImportFailed(
        zh + "；请用 --columns 文件（每行“表头,字段”）指明各列，或在数据导入页的列对应表中选择",
        en + '; map the columns with --columns FILE (a CSV of "source header,field") or the '
        "import page's column grid",
    )


def _near_cells(rows: list[list[object]], m: HeaderMatcher) -> dict[str, tuple[str, ...]]:
    """The cells of the likeliest header row among the first rows (the one with the most
    cells that look like a field's header), with the fields each looks like."""
    best: dict[str, tuple[str, ...]] = {}
    for cells in rows[: tabular.HEADER_SEARCH_ROWS]:
        near: dict[str, tuple[str, ...]] = {}
        for c in cells:
            text = tabular.cell_text(c)
            if text and len(text) <= 30 and text not in near:
                fields = tuple(dict.fromkeys(_public(f) for f in m.nearest(text)))
                if fields:
                    near[text] = fields
        if len(near) > len(best):
            best = near
    return best


def _rows_of(
    path: Path, sheet: str | None, layer: str, m, user
) -> tuple[list[list[object]], int, str, str]:
    """All rows of the table (as cells), the header's position, what was read and the sheet's
    name ('' for a CSV)."""
    if tabular.file_kind(path) == "excel":
        found = tabular.first_sheet_with_header(
            path, sheet, lambda rows: _find_header(rows, m, user)
        )
        if found is None:
            book, names = tabular.open_workbook(path, sheet)
            raise _no_header(layer, tabular.sheet_rows(book, names[0]), m)
        name, rows, h, _ = found
        return rows, h, f"Excel, sheet {name}", name
    text, encoding = tabular.decode_text(tabular.read_text_bytes(path))
    best = tabular.best_delimiter(
        lambda delim: tabular.csv_rows(text, delim),
        lambda rows: _find_header(rows, m, user),
        lambda cells: _header_score(cells, m, user),
    )
    if best is None:
        raise _no_header(layer, tabular.csv_rows(text, ","), m)
    delim, rows, h = best
    return rows, h, tabular.describe_csv(encoding, delim), ""


#: A cell of a units row under the header: （户）, 万元, 是/否 …
_UNIT_CELL = re.compile(
    r"^[(（]?(户|人|人次|个|件|万件|万元|元|万|m2|m²|㎡|平方米|平米|年|km|公里|是/否|是或否|%)[)）]?$"
)
_TOTAL_ROW = re.compile(r"^(合计|总计|小计|汇总|填表|制表|审核|备注|说明|注[:：]|单位[:：])")


def _header_texts(rows: list[list[object]], h: int, m: HeaderMatcher) -> list[str]:
    """The header row's texts; an empty cell under a header merged over two rows (行政村 in
    the row above a row of sub-headers) takes the cell above when that names a field."""
    header = [tabular.cell_text(c) for c in rows[h]]
    if h == 0:
        return header
    above = [tabular.cell_text(c) for c in rows[h - 1]]
    header += [""] * (len(above) - len(header))
    for i, up in enumerate(above):
        if not header[i] and up and (m.field(up) or m.unused(up)):
            header[i] = up
    return header


def _is_units_row(texts: list[str]) -> bool:
    cells = [_norm(t) for t in texts if t]
    return bool(cells) and all(_UNIT_CELL.match(c) for c in cells)


def _is_numbering_row(texts: list[str]) -> bool:
    """The column-number row of official forms: 1 2 3 … or 甲 乙 1 2 …"""
    cells = [t.strip() for t in texts if t]
    digits = [int(float(c)) for c in cells if re.fullmatch(r"\d+(\.0+)?", c)]
    letters = [c for c in cells if c in ("甲", "乙", "丙", "丁", "戊")]
    if len(cells) < 3 or len(digits) + len(letters) != len(cells) or len(digits) < 2:
        return False
    return digits == list(range(digits[0], digits[0] + len(digits)))


def _title_year(rows: list[list[object]], h: int, sheet: str) -> tuple[int, str] | None:
    """The one year the title rows above the header (or the sheet's name) give: 古陂镇2020年
    贫困村退出指标统计表. None when there is none or more than one."""
    texts = [tabular.cell_text(c) for r in rows[:h] for c in r] + [sheet]
    found = {
        (int(y), t) for t in texts if t for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", t)
    }
    years = {y for y, _ in found}
    if len(years) != 1:
        return None
    year = years.pop()
    return year, next(t for y, t in sorted(found) if y == year)
