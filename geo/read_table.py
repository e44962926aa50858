"""Read hand-kept tables (CSV or Excel) of facilities, stations, relocation sites and indicators.

Township offices keep these lists in spreadsheets with plain Chinese headers (编号, 类型, 名称,
所在行政村, 经度, 纬度, 通硬化路 …), often with a title row above the header. This module finds
the header, recognises the columns and turns each row into the values of one workspace layer;
a row that cannot be read (an unknown village or kind, a 是/否 cell that says something else,
coordinates that are not numbers) is reported with the reason in Chinese and English. Merging
into the workspace is :func:`township_atlas.geo.importing.import_table`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from .crs import to_metric
from .read_register import _cell_text, _decode, _kind, open_workbook
from .read_vector import ImportFailed
from .schema import FACILITY_KINDS, INDICATOR_FLAGS, LAYERS, SERVICE_TIERS, WGS84

Note = tuple[str, str]

#: Kinds of table and the layer each goes into.
TABLE_KINDS = {
    "facilities": "facilities",
    "stations": "facilities",
    "sites": "relocation_sites",
    "indicators": "indicators",
}
HEADER_SEARCH_ROWS = 15

_VILLAGE = ("所在行政村", "行政村", "村", "村名", "所在村", "村名称", "行政村名称", "村(社区)")
_VILLAGE_CODE = ("行政村代码", "村代码", "行政区划代码", "区划代码", "村级代码", "village_code")
_LON = ("经度", "longitude", "lon", "lng", "x坐标", "东经")
_LAT = ("纬度", "latitude", "lat", "y坐标", "北纬")

#: field -> header spellings (compared after :func:`_norm`); layer columns' own names and
#: Chinese labels are added by :func:`_lookup`.
_HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "facilities": {
        "facility_id": ("编号", "设施编号", "站点编号", "网点编号", "代码", "id"),
        "kind": ("类型", "设施类型", "站点类型", "网点类型", "类别", "层级"),
        "name": ("名称", "设施名称", "站点名称", "网点名称", "服务站名称"),
        "status": ("状态", "建设状态", "现状"),
        "opened_year": ("建成年度", "建成年份", "建成时间", "开业年度", "设立年度"),
    },
    "relocation_sites": {
        "site_id": ("编号", "安置点编号", "代码", "id"),
        "name": ("安置点名称", "名称", "安置点"),
        "site_type": ("安置类型", "安置方式", "类型"),
        "capacity_households": ("设计容量", "设计容量(户)", "容量"),
        "planned_households": ("计划搬迁户数", "计划搬迁户"),
        "planned_persons": ("计划搬迁人数", "计划搬迁人口"),
        "moved_households": ("已入住户数", "入住户数"),
        "moved_persons": ("已入住人数", "入住人数"),
        "built_area_m2": ("建筑面积", "建筑面积(m²)", "建筑面积(m2)", "建筑面积(平方米)"),
        "status": ("建设状态", "状态"),
        "demolished_households": ("已拆旧复垦户数", "拆旧复垦户数", "已拆旧户数"),
        "completed_year": ("建成年度", "建成年份", "竣工年度"),
    },
    "indicators": {
        "year": ("年度", "年份", "年"),
        "road_hardened": ("通硬化路", "是否通硬化路", "通硬化路面"),
        "bus": ("通客运班车", "是否通客运班车", "通客车"),
        "safe_water": ("安全饮水", "饮水安全", "是否安全饮水"),
        "power": ("生产生活用电", "通生产生活用电", "通电"),
        "radio_tv": ("广播电视", "通广播电视"),
        "broadband": ("通宽带", "宽带", "是否通宽带"),
        "clinic": ("标准化卫生室", "有标准化卫生室", "卫生室"),
        "doctor": ("合格村医", "有合格村医", "村医"),
        "activity_centre": ("文化活动室", "有文化活动室", "综合文化服务中心"),
        "dangerous_houses": ("危房户数", "危房户", "危房数"),
        "unsafe_water_households": ("饮水不安全户数", "饮水不安全户"),
        "collective_income": (
            "村集体经济收入(万元)",
            "村集体经济收入",
            "集体经济收入",
            "村集体收入",
        ),
    },
}

_YES = {"是", "有", "1", "y", "yes", "true", "√", "是的", "已通", "达标"}
_NO = {"否", "无", "0", "n", "no", "false", "×", "不是", "未通", "不达标"}
_STATUS = {
    "existing": "existing",
    "现有": "existing",
    "已建": "existing",
    "已建成": "existing",
    "建成": "existing",
    "在用": "existing",
    "运营": "existing",
    "运营中": "existing",
    "正常运营": "existing",
    "planned": "planned",
    "规划": "planned",
    "拟建": "planned",
    "计划": "planned",
    "计划建设": "planned",
    "规划新建": "planned",
    "在建": "planned",
}
_SITE_STATUS = {"已建成": "建成", "入住": "已入住", "已搬迁入住": "已入住", "正在建设": "在建"}
_KIND_SYNONYMS = {
    "卫生室": "clinic",
    "村卫生所": "clinic",
    "卫生院": "township_hospital",
    "中心卫生院": "township_hospital",
    "小学": "school",
    "中学": "school",
    "初中": "school",
    "中心小学": "school",
    "园区": "industrial_park",
    "产业园": "industrial_park",
    "产业园区": "industrial_park",
    "龙头企业": "agribusiness",
    "物流中心": "county_logistics",
    "县级物流配送中心": "county_logistics",
    "县物流中心": "county_logistics",
    "电商服务中心": "township_ecommerce",
    "乡镇电商服务站": "township_ecommerce",
    "乡级电商服务中心": "township_ecommerce",
    "电商服务站": "village_station",
    "村电商服务站": "village_station",
    "村级电商服务点": "village_station",
    "村级服务站": "village_station",
    "村级站": "village_station",
}
_VILLAGE_SUFFIX = re.compile(r"(村民委员会|村委会|居民委员会|居委会|社区|村)$")


def _norm(text: object) -> str:
    """Comparison key: NFKC (full-width → half-width), case-folded, no spaces, _ - or *."""
    value = unicodedata.normalize("NFKC", "" if text is None else str(text)).casefold()
    return re.sub(r"[\s_\-*]+", "", value)


def _kind_lookup() -> dict[str, str]:
    out = {_norm(k): v for k, v in _KIND_SYNONYMS.items()}
    for key, (zh, en) in FACILITY_KINDS.items():
        out[_norm(key)] = key
        out[_norm(zh)] = key
        out[_norm(en)] = key
    return out


_KINDS = _kind_lookup()


def _lookup(layer: str) -> dict[str, str]:
    """Header key -> field (layer column, or ``village``, ``longitude``, ``latitude``)."""
    out: dict[str, str] = {}
    extra: dict[str, tuple[str, ...]] = {"longitude": _LON, "latitude": _LAT}
    extra["village"] = _VILLAGE + _VILLAGE_CODE
    for fld, names in {**_HEADERS[layer], **extra}.items():
        for n in names:
            out.setdefault(_norm(n), fld)
    for col in LAYERS[layer].columns:
        target = "village" if col.name == "village_code" else col.name
        out.setdefault(_norm(col.name), target)
        out.setdefault(_norm(col.zh), target)
    return out


def _field_of(header: object, lookup: Mapping[str, str]) -> str | None:
    key = _norm(header)
    if not key:
        return None
    if key in lookup:
        return lookup[key]
    bare = re.sub(r"\(.*\)$", "", key)  # 设计容量(户) -> 设计容量
    return lookup.get(bare)


@dataclass(frozen=True)
class TableRead:
    """What :func:`read_table` found: one row per source row (``source_row`` as the
    spreadsheet shows it) with the recognised fields as text, and the header it read them by."""

    layer: str
    data: pd.DataFrame
    columns_found: Mapping[str, str]
    notes: tuple[Note, ...]
    what: str


def _user_map(layer: str, columns: Mapping[str, str] | None) -> dict[str, str]:
    lookup = _lookup(layer)
    fields = set(lookup.values())
    out: dict[str, str] = {}
    for src, dst in (columns or {}).items():
        target = str(dst or "").strip()
        if target == "village_code":
            target = "village"
        if target and target not in fields:
            target = lookup.get(_norm(target), "")
            if not target:
                raise ImportFailed(
                    f"列对应关系中的目标「{dst}」不是{LAYERS[layer].zh}的字段",
                    f"column mapping target {dst!r} is not a field of {layer}",
                )
        out[_norm(src)] = target
    return out


def _header_score(cells, lookup, user) -> int:
    found = set()
    for c in cells:
        key = _norm(_cell_text(c))
        fld = user.get(key) if key in user else _field_of(_cell_text(c), lookup)
        if fld:
            found.add(fld)
    return len(found)


def _find_header(rows, lookup, user) -> int | None:
    best, best_score = None, 1
    for i, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = _header_score(cells, lookup, user)
        if score > best_score:
            best, best_score = i, score
    return best


def _no_header(layer: str) -> ImportFailed:
    heads = {
        "facilities": "编号、类型、名称、所在行政村、经度、纬度",
        "relocation_sites": "安置点名称、安置类型、设计容量、建设状态",
        "indicators": "行政村、年度、通硬化路、安全饮水",
    }[layer]
    return ImportFailed(
        f"在前 {HEADER_SEARCH_ROWS} 行中找不到可识别的表头（如 {heads}）；请用 --columns 指明各列",
        f"no recognisable header in the first {HEADER_SEARCH_ROWS} rows (such as {heads}); "
        "map the columns with --columns",
    )


def _rows_of(
    path: Path, sheet: str | None, layer: str, lookup, user
) -> tuple[list[list[object]], int, str]:
    """All rows of the table (as cells), the header's position and what was read."""
    if _kind(path) == "excel":
        book, names = open_workbook(path, sheet)
        for name in names:
            try:
                rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except Exception as exc:
                raise ImportFailed(
                    f"无法读取工作表「{name}」：{type(exc).__name__}",
                    f"cannot read sheet {name!r}: {type(exc).__name__}",
                ) from exc
            h = _find_header(rows, lookup, user)
            if h is not None:
                return rows, h, f"Excel, sheet {name}"
        raise _no_header(layer)
    text, encoding = _decode(path.read_bytes())
    best = None
    for delim in (",", "\t", ";"):
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))
        h = _find_header(rows, lookup, user)
        if h is not None:
            score = _header_score(rows[h], lookup, user)
            if best is None or score > best[0]:
                best = (score, rows, h, delim)
    if best is None:
        raise _no_header(layer)
    _, rows, h, delim = best
    return rows, h, f"CSV, {encoding}" + ("" if delim == "," else f", {delim!r}")


def read_table(
    source: str | os.PathLike,
    kind: str,
    *,
    sheet: str | None = None,
    columns: Mapping[str, str] | None = None,
) -> TableRead:
    """The rows of a facilities/stations/sites/indicators table as text, by field.

    Raises :class:`~township_atlas.geo.read_vector.ImportFailed` when the file cannot be read
    or has no recognisable header. ``columns`` maps a source header to a field (a layer column,
    its Chinese label, or ``village``/``longitude``/``latitude``); an empty target drops it.
    """
    if kind not in TABLE_KINDS:
        raise ImportFailed(f"不能导入「{kind}」表", f"cannot import a {kind!r} table")
    layer = TABLE_KINDS[kind]
    path = Path(source)
    if not path.is_file():
        raise ImportFailed(f"找不到文件 {path}", f"no file at {path}")
    lookup = _lookup(layer)
    user = _user_map(layer, columns)
    rows, h, what = _rows_of(path, sheet, layer, lookup, user)
    header = [_cell_text(c) for c in rows[h]]
    found: dict[str, str] = {}
    taken: set[str] = set()
    for i, cell in enumerate(header):
        key = _norm(cell)
        fld = user[key] if key in user else _field_of(cell, lookup)
        if fld and fld not in taken:
            found[f"{i}:{cell}"] = fld
            taken.add(fld)
    body = []
    index = []
    for n, cells in enumerate(rows[h + 1 :], start=h + 2):
        texts = [_cell_text(c) for c in cells]
        if not any(texts):
            continue
        if re.match(r"^(合计|总计|小计|汇总|填表|制表|审核|备注|说明|注[:：])", texts[0] or ""):
            continue
        rec = {}
        for key, fld in found.items():
            i = int(key.split(":", 1)[0])
            rec[fld] = texts[i] if i < len(texts) else ""
        body.append(rec)
        index.append(n)
    data = pd.DataFrame(body, index=pd.Index(index, name="source_row"), columns=sorted(taken))
    data = data.fillna("").astype(object)
    columns_found = {k.split(":", 1)[1]: v for k, v in found.items()}
    notes: list[Note] = [
        (
            f"读取 {what}：第 {h + 1} 行为表头，识别的列："
            + "、".join(f"{k}→{v}" for k, v in columns_found.items()),
            f"read {what}: header on row {h + 1}; columns recognised: "
            + ", ".join(f"{k}→{v}" for k, v in columns_found.items()),
        )
    ]
    return TableRead(layer, data, columns_found, tuple(notes), what)


# ----------------------------------------------------------------------------- rows -> layer
def _village_key(name: str) -> str:
    return _VILLAGE_SUFFIX.sub("", re.sub(r"\s+", "", name))


def village_resolver(villages: gpd.GeoDataFrame):
    """A function: village name or code (as text) -> the village code, or None."""
    codes = set(villages["code"].astype(str))
    names = {
        re.sub(r"\s+", "", str(n)): str(c)
        for n, c in zip(villages["name"], villages["code"], strict=True)
    }
    short: dict[str, set[str]] = {}
    for n, c in names.items():
        short.setdefault(_village_key(n), set()).add(c)
    for k, cs in short.items():
        if len(cs) == 1 and k not in names:
            names[k] = next(iter(cs))

    def resolve(text: str) -> str | None:
        value = re.sub(r"\.0+$", "", re.sub(r"\s+", "", text))
        if value in codes:
            return value
        return names.get(value) or names.get(_village_key(value))

    return resolve


def village_anchors(villages: gpd.GeoDataFrame) -> dict[str, Point]:
    """Village code -> a point inside its polygon, found in a metre CRS, in WGS84."""
    metric = to_metric(villages.to_crs(WGS84))
    pts = gpd.GeoSeries(metric.representative_point(), crs=metric.crs).to_crs(WGS84)
    return dict(zip(villages["code"].astype(str), pts, strict=True))


@dataclass(frozen=True)
class TableRows:
    """The table's rows as layer values (``frame``, indexed by source row) and the rows that
    could not be read (source_row -> (zh, en))."""

    frame: pd.DataFrame
    rejected: dict[int, list[Note]]
    notes: list[Note]


def rows_to_layer(
    read: TableRead,
    kind: str,
    villages: gpd.GeoDataFrame,
    *,
    crs: str | None = None,
) -> TableRows:
    """Turn the text of each row into the layer's values; bad cells reject their row."""
    layer = read.layer
    data = read.data
    notes: list[Note] = []
    rej: dict[int, list[Note]] = {}
    out = pd.DataFrame(index=data.index)

    def reject(mask, zh, en) -> None:
        for r in data.index[np.asarray(mask, dtype=bool)]:
            rej.setdefault(int(r), []).append((zh(r), en(r)))

    def col(fld: str) -> pd.Series:
        return data[fld] if fld in data else pd.Series("", index=data.index, dtype=object)

    # ---- village
    resolve = village_resolver(villages)
    vtext = col("village")
    code = vtext.map(lambda v: resolve(v) if v else None)
    reject(
        (vtext != "") & code.isna(),
        lambda r: f"行政村「{vtext[r]}」不在工作空间中",
        lambda r: f"village {vtext[r]!r} is not in the workspace",
    )
    out["village_code"] = code

    if layer == "indicators":
        if "village" not in data:
            raise ImportFailed("指标表需要行政村列（行政村/村名/行政村代码）", _needs("village"))
        if "year" not in data:
            raise ImportFailed("指标表需要年度列", _needs("year"))
        reject(vtext == "", lambda r: "行政村为空", lambda r: "village is empty")
        _years(data, out, "year", reject)
        for fld in INDICATOR_FLAGS:
            if fld not in data:
                continue
            v = data[fld].map(_norm).str.replace(r"^([01])\.0+$", r"\1", regex=True)
            res = pd.Series(pd.NA, index=data.index, dtype="boolean")
            res[v.isin(_YES)] = True
            res[v.isin(_NO)] = False
            label = LAYERS[layer].column(fld)
            reject(
                (v != "") & res.isna(),
                lambda r, f=fld, lab=label: f"{lab.zh}「{data.at[r, f]}」应为“是”或“否”",
                lambda r, f=fld, lab=label: f"{lab.en} {data.at[r, f]!r} should be 是 or 否",
            )
            out[fld] = res
        for fld in ("dangerous_houses", "unsafe_water_households", "collective_income"):
            _numbers(data, out, fld, layer, reject, whole=fld != "collective_income")
        absent = [f for f in LAYERS[layer].names if f not in out.columns]
        if absent:
            names = "、".join(LAYERS[layer].column(f).zh for f in absent)
            notes.append(
                (
                    f"文件中没有{names}：已有的村年度保留原值，新的村年度须补全",
                    f"the file has no {', '.join(absent)}: existing village-years keep theirs; "
                    "new ones need them",
                )
            )
        return TableRows(out, rej, notes)

    # ---- facilities / stations
    if layer == "facilities":
        if "name" not in data:
            raise ImportFailed("设施表需要名称列", _needs("name"))
        if "kind" in data:
            k = data["kind"].map(lambda v: _KINDS.get(_norm(v)) if v else None)
            reject(
                (data["kind"] != "") & k.isna(),
                lambda r: (
                    f"类型「{data.at[r, 'kind']}」不是已知设施类型"
                    f"（{'、'.join(zh for zh, _ in FACILITY_KINDS.values())}）"
                ),
                lambda r: f"kind {data.at[r, 'kind']!r} is not a known facility kind",
            )
            if kind == "stations":
                k = k.fillna("village_station").where(data["kind"] != "", "village_station")
                other = k.notna() & ~k.isin(SERVICE_TIERS)
                reject(
                    other,
                    lambda r: (
                        f"类型「{data.at[r, 'kind']}」不是电商网点（县级物流中心、"
                        "乡镇电商服务中心、村级电商服务站）"
                    ),
                    lambda r: f"kind {data.at[r, 'kind']!r} is not an e-commerce tier",
                )
            out["kind"] = k
        elif kind == "stations":
            out["kind"] = "village_station"
            notes.append(
                (
                    "文件中没有类型列：全部记为村级电商服务站",
                    "no kind column: every row is a village e-commerce station",
                )
            )
        else:
            raise ImportFailed("设施表需要类型列（村卫生室、学校……）", _needs("kind"))
        out["name"] = data["name"].replace("", None)
        if "status" in data:
            s = data["status"].map(lambda v: _STATUS.get(_norm(v)) if v else "existing")
            reject(
                s.isna(),
                lambda r: f"状态「{data.at[r, 'status']}」应为现有或规划",
                lambda r: f"status {data.at[r, 'status']!r} should be 现有 (existing) or 规划",
            )
            out["status"] = s
        else:
            out["status"] = None  # the workspace's status, or existing for a new one
            notes.append(
                (
                    "文件中没有状态列：已有设施保留原状态，新设施记为现有",
                    "no status column: known facilities keep theirs, new ones are existing",
                )
            )
        _years(data, out, "opened_year", reject)
        if "facility_id" in data:
            out["facility_id"] = data["facility_id"].replace("", None)
        missing = out["facility_id"].isna() if "facility_id" in out else None
        if missing is None or missing.any():
            gen = [
                _stable_id("F", f"{k}|{n}") for k, n in zip(out["kind"], data["name"], strict=True)
            ]
            gen_s = pd.Series(gen, index=data.index)
            out["facility_id"] = gen_s if missing is None else out["facility_id"].fillna(gen_s)
            notes.append(
                (
                    "没有编号的行按类型与名称生成了固定编号（F- 开头），再次导入时编号不变",
                    "rows without 编号 got a stable id from kind and name (F-…), the same "
                    "on every import",
                )
            )
    else:  # relocation sites
        if "name" not in data:
            raise ImportFailed("安置点表需要安置点名称列", _needs("name"))
        out["name"] = data["name"].replace("", None)
        for fld in ("site_type", "status"):
            if fld in data:
                v = data[fld].replace("", None)
                out[fld] = v.map(lambda x: _SITE_STATUS.get(x, x)) if fld == "status" else v
        for fld in (
            "capacity_households",
            "planned_households",
            "planned_persons",
            "moved_households",
            "moved_persons",
            "demolished_households",
            "built_area_m2",
        ):
            _numbers(data, out, fld, layer, reject, whole=fld != "built_area_m2")
        _years(data, out, "completed_year", reject)
        if "site_id" in data:
            out["site_id"] = data["site_id"].replace("", None)
        if "site_id" not in out or out["site_id"].isna().any():
            gen_s = pd.Series([_stable_id("S", n) for n in data["name"]], index=data.index)
            out["site_id"] = out["site_id"].fillna(gen_s) if "site_id" in out else gen_s
            notes.append(
                (
                    "没有编号的安置点按名称生成了固定编号（S- 开头）",
                    "sites without 编号 got a stable id from their name (S-…)",
                )
            )
    geoms, anchored_rows, more = _points(data, code, villages, reject, crs)
    notes += more
    if "village" not in data:  # a point tells its village
        inside = _village_of(geoms, villages)
        inside.index = out.index
        out["village_code"] = inside
        if inside.notna().any():
            notes.append(
                (
                    "文件中没有所在行政村：按坐标所在的村界确定",
                    "no village column: each point's village is the one it lies in",
                )
            )
    # a row placed at its village's anchor keeps the point the workspace already has
    out["_anchored"] = [bool(a) for a in anchored_rows]
    frame = gpd.GeoDataFrame(out, geometry=geoms, crs=WGS84)
    return TableRows(frame, rej, notes)


def _needs(what: str) -> str:
    return f"the table needs a {what} column"


def _stable_id(prefix: str, text: str) -> str:
    return f"{prefix}-{hashlib.sha1(text.encode()).hexdigest()[:8].upper()}"


def _years(data, out, fld, reject) -> None:
    if fld not in data:
        return
    text = data[fld]
    year = text.str.extract(r"((?:19|20)\d\d)", expand=False)
    out[fld] = pd.to_numeric(year, errors="coerce").astype("Int64")
    reject(
        (text != "") & year.isna(),
        lambda r: f"年度「{text[r]}」不是年份",
        lambda r: f"year {text[r]!r} is not a year",
    )


def _numbers(data, out, fld, layer, reject, *, whole: bool) -> None:
    if fld not in data:
        return
    text = data[fld].str.replace(r"[,，\s户人万元㎡m²]", "", regex=True)
    num = pd.to_numeric(text, errors="coerce")
    bad = (text != "") & (num.isna() | ((num % 1 != 0) if whole else False))
    lab = LAYERS[layer].column(fld)
    reject(
        bad,
        lambda r: f"{lab.zh}「{data.at[r, fld]}」不是{'整数' if whole else '数值'}",
        lambda r: f"{lab.en} {data.at[r, fld]!r} is not a {'whole ' if whole else ''}number",
    )
    out[fld] = num.where(~bad)


def _points(data, code, villages, reject, crs) -> tuple[list, list[bool], list[Note]]:
    """Each row's point: its coordinates, else its village's anchor point."""
    notes: list[Note] = []
    has_xy = "longitude" in data and "latitude" in data
    n = len(data)
    nan = pd.Series(np.nan, index=data.index)
    lon = pd.to_numeric(data["longitude"], errors="coerce") if has_xy else nan
    lat = pd.to_numeric(data["latitude"], errors="coerce") if has_xy else nan.copy()
    if has_xy:
        given = (data["longitude"] != "") | (data["latitude"] != "")
        unreadable = given & (lon.isna() | lat.isna())
        reject(
            unreadable,
            lambda r: f"经纬度「{data.at[r, 'longitude']}, {data.at[r, 'latitude']}」不是数值",
            lambda r: (
                f"coordinates {data.at[r, 'longitude']!r}, {data.at[r, 'latitude']!r} "
                "are not numbers"
            ),
        )
        outside = ~unreadable & given & ~(lon.between(73, 136) & lat.between(3, 54))
        reject(
            outside,
            lambda r: (
                f"经纬度（{lon[r]}, {lat[r]}）不在中国范围内（经度 73–136，纬度 3–54；"
                "是否填反或为投影坐标？）"
            ),
            lambda r: (
                f"coordinates ({lon[r]}, {lat[r]}) are outside China "
                "(longitude 73–136, latitude 3–54; swapped, or projected?)"
            ),
        )
        ok = given & ~unreadable & ~outside
        if crs and _norm(crs) in ("gcj02", "gcj-02", "火星坐标"):
            from .gcj02 import gcj02_to_wgs84

            x, y = gcj02_to_wgs84(lon[ok].to_numpy(), lat[ok].to_numpy())
            lon[ok], lat[ok] = x, y
            notes.append(("经纬度按 GCJ-02 读取并转换为 WGS84", "coordinates read as GCJ-02"))
        elif crs and _norm(crs) not in ("wgs84", "epsg:4326", "4326", "epsg:4490", "cgcs2000"):
            raise ImportFailed(
                f"表格的经纬度只能是 WGS84（或 CGCS2000）或 GCJ-02，不支持 --crs {crs}",
                f"table coordinates are WGS84 (or CGCS2000) or GCJ-02; --crs {crs} not supported",
            )
        elif ok.any():
            notes.append(
                (
                    "经纬度按 WGS84 读取（CGCS2000 与之相差不到 1 米）；"
                    "若来自高德/腾讯地图请加 --crs gcj02",
                    "longitude/latitude read as WGS84 (CGCS2000 differs by under 1 m); "
                    "add --crs gcj02 for coordinates from Amap/Tencent maps",
                )
            )
    else:
        ok = pd.Series(False, index=data.index)
    anchors = village_anchors(villages)
    geoms: list = [None] * n
    is_anchor = [False] * n
    anchored = 0
    for i, r in enumerate(data.index):
        if ok[r]:
            geoms[i] = Point(float(lon[r]), float(lat[r]))
        elif isinstance(code[r], str) and (not has_xy or not given[r]):
            geoms[i] = anchors[code[r]]
            is_anchor[i] = True
            anchored += 1
        elif not has_xy or not given[r]:
            if data.at[r, "village"] if "village" in data else "":
                continue  # rejected already: unknown village
            reject(
                pd.Series(data.index == r, index=data.index),
                lambda r: "没有经纬度也没有所在行政村，无法定位",
                lambda r: "no coordinates and no village: cannot place it",
            )
    if anchored:
        notes.append(
            (
                f"{anchored} 行没有经纬度：定位在所在行政村村界内的代表点"
                "（非实际位置，请补充坐标）",
                f"{anchored} rows without coordinates are placed at their village's anchor "
                "point (a point inside the village, not the real location; add coordinates)",
            )
        )
    return geoms, is_anchor, notes


def _village_of(geoms: list, villages: gpd.GeoDataFrame) -> pd.Series:
    pts = gpd.GeoDataFrame(geometry=gpd.GeoSeries(geoms, crs=WGS84))
    joined = gpd.sjoin(pts, villages[["code", "geometry"]].to_crs(WGS84), predicate="within")
    first = joined[~joined.index.duplicated()]["code"].astype(str)
    return pd.Series([first.get(i) for i in range(len(geoms))], dtype=object)
