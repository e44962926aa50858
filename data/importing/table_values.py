"""The cells of a table as values: 是/否 words, facility kinds and statuses, years, and numbers
in their column's unit (5万元, 50000元 and a bare 5 under 村集体经济收入(万元) all read 5).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import pandas as pd

from ...geo.schema import FACILITY_KINDS, LAYERS
from . import tabular
from .errors import Note

#: 是/否 cells as offices fill them, compared after :func:`_cell_key`: ticks and crosses, 1/0,
#: Y/N, 已通/未通 (a road, a bus), 达标/不达标 (a clinic, water), 已建/未建 (a centre) …
YES_WORDS = tabular.YES_WORDS | {
    "通",
    "已通",
    "达标",
    "已达标",
    "已建",
    "已建成",
    "建成",
    "已",
    "合格",
    "具备",
    "已覆盖",
    "覆盖",
    "已实现",
    "实现",
    "已安装",
    "已接入",
    "满足",
    "已满足",
    "配备",
    "已配备",
    "✓",
    "✔",
    "☑",
    "t",
}
NO_WORDS = tabular.NO_WORDS | {
    "不通",
    "未通",
    "不达标",
    "未达标",
    "未建",
    "未建成",
    "未",
    "没有",
    "不合格",
    "不具备",
    "未覆盖",
    "未实现",
    "未安装",
    "未接入",
    "不满足",
    "未满足",
    "未配备",
    "✗",
    "✘",
    "☒",
    "x",
    "f",
}
#: Status words of a facilities table → stored status (templates offer the Chinese ones).
FACILITY_STATUS_WORDS = {
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
    "村级电商服务站点": "village_station",
    "电商服务站点": "village_station",
    "村级服务站": "village_station",
    "村级站": "village_station",
}


def _norm(text: object) -> str:
    """Comparison key of a cell: NFKC (full width → half width), case-folded, no spaces, _ - *."""
    value = unicodedata.normalize("NFKC", "" if text is None else str(text)).casefold()
    return re.sub(r"[\s_\-*]+", "", value)


def _cell_key(text: object) -> str:
    """A 是/否 cell compared: :func:`_norm`, ``1.0`` as ``1``, a bracketed remark dropped
    (是（水泥路） → 是)."""
    key = re.sub(r"^([01])\.0+$", r"\1", _norm(text))
    bare = re.sub(r"[(（][^()（）]*[)）]", "", key)
    return bare or key


def _kind_lookup() -> dict[str, str]:
    out = {_norm(k): v for k, v in _KIND_SYNONYMS.items()}
    for key, (zh, en) in FACILITY_KINDS.items():
        out[_norm(key)] = key
        out[_norm(zh)] = key
        out[_norm(en)] = key
    return out


_KINDS = _kind_lookup()


def _stable_id(prefix: str, text: str) -> str:
    return f"{prefix}-{hashlib.sha1(text.encode()).hexdigest()[:8].upper()}"


def _years(data, out, fld, reject) -> None:
    if fld not in data:
        return
    text = data[fld]
    found, not_year = tabular.years(text)
    out[fld] = found.astype("Int64")
    reject(
        not_year,
        lambda r: f"年度「{text[r]}」不是年份",
        lambda r: f"year {text[r]!r} is not a year",
    )


#: Column unit (the schema's) -> the units a number cell (or its header, in brackets) may be
#: written in, compared after NFKC and case folding (㎡ and m² are m2), and what to divide by
#: to get the column's unit; '' is a bare number. Any other unit rejects the row.
_UNITS: dict[str, dict[str, float]] = {
    "户": {"": 1, "户": 1},
    "元": {"": 1, "元": 1, "万": 1 / 10_000, "万元": 1 / 10_000},
    "人": {"": 1, "人": 1},
    "万元": {"": 1, "万": 1, "万元": 1, "元": 10_000},
    "m²": {"": 1, "m2": 1, "平方米": 1, "平米": 1},
    "件": {"": 1, "件": 1, "万件": 1 / 10_000},
    "人次": {"": 1, "人次": 1, "人": 1},
}
_NUMBER = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(.*)$")


def _unit_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace(" ", "")


def _numbers(data, out, fld, layer, reject, *, whole: bool, header: str = "") -> list[Note]:
    """Read ``fld`` as numbers in its column's unit: a unit after the number (5万元, 50000元,
    3户) or in the header's brackets (村集体经济收入(元)) is converted when it measures the
    same thing (元 -> 万元) and rejects the row when it does not (12人 in 万元, 3km in 户).
    Returns a note when the header's unit is converted."""
    if fld not in data:
        return []
    lab = LAYERS[layer].column(fld)
    units = _UNITS.get(lab.unit, {"": 1})
    m = re.search(r"[(（]([^()（）]*)[)）]\s*$", header)
    head_unit = _unit_key(m[1]) if m else ""
    if head_unit in units:  # a bare number is in the header's unit
        units = {**units, "": units[head_unit]}
    text = data[fld].map(lambda v: re.sub(r"[,，\s]", "", _unit_key(v)))
    parts = text.str.extract(_NUMBER)
    value = pd.to_numeric(parts[0], errors="coerce")
    unit = parts[1].fillna("")
    div = unit.map(units)
    # 1.2万元 is 12000 元, not 11999.999999999998: a converted amount is rounded to 6 places
    num = (value / div).where(div == 1, (value / div).round(6))
    no_number = (text != "") & value.isna()
    wrong_unit = value.notna() & div.isna()
    not_whole = value.notna() & div.notna() & ((num % 1 != 0) if whole else False)
    what_zh, what_en = ("整数", "whole number") if whole else ("数值", "number")
    reject(
        no_number | not_whole,
        lambda r: f"{lab.zh}「{data.at[r, fld]}」不是{what_zh}",
        lambda r: f"{lab.en} {data.at[r, fld]!r} is not a {what_en}",
    )
    fits = "、".join(u for u in _UNITS.get(lab.unit, {}) if u)
    reject(
        wrong_unit,
        lambda r: (
            f"{lab.zh}「{data.at[r, fld]}」的单位「{unit[r]}」不适用于本列（单位 {lab.unit}"
            + (f"，可写 {fits}" if fits else "")
            + "）"
        ),
        lambda r: (
            f"{lab.en} {data.at[r, fld]!r}: unit {unit[r]!r} does not fit the column (in "
            + (f"{lab.unit}; write {fits.replace('、', ', ')})" if fits else "plain numbers)")
        ),
    )
    out[fld] = num.where(~(no_number | wrong_unit | not_whole))
    if units[""] != 1 and (value.notna() & (unit == "")).any():
        return [
            (
                f"{header} 列按表头单位 {m[1]} 读取，换算为{lab.unit}",
                f"{header} read in the header's unit {m[1]} and converted to {lab.unit}",
            )
        ]
    return []
