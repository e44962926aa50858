"""The attributes of a boundary file, feature by feature: codes as digit strings, names, the
other columns' values and kinds, duplicated codes, and the report of the features not taken.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ...geo.schema import Layer
from ...geo.validate import coerce
from .errors import Note


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _text(value) -> str:
    """A cell as text for the rejection report (nothing evaluated, HTML kept verbatim)."""
    if _missing(value):
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{value:.0f}"
    if isinstance(value, np.generic):
        value = value.item()
    return str(value)


def normalise_code(value, length: int) -> tuple[str | None, Note | None, bool]:
    """(code, problem, trimmed): a code as ``length`` digits, or the reason it is not one.

    Numbers read as float (``360722102201.0``) become their digits. Codes longer than
    ``length`` (land-survey XZQDM) keep their first ``length`` digits when the rest are zeros;
    ``trimmed`` is then True.
    """
    if _missing(value):
        return None, ("缺少代码", "code is missing"), False
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if not math.isfinite(v) or not v.is_integer() or v < 0:
            return (
                None,
                (f"代码 {value!r} 不是数字代码", f"code {value!r} is not a digit code"),
                False,
            )
        if v >= 1e15:
            return (
                None,
                (
                    f"代码 {v:.0f} 以浮点数存储，位数太多无法保证准确；请把代码列存为文本",
                    f"code {v:.0f} is stored as a floating-point number with too many digits to be "
                    "exact; store the code column as text",
                ),
                False,
            )
        text = f"{v:.0f}"
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if re.fullmatch(r"\d+\.0*", text):
            text = text.split(".")[0]
        elif re.fullmatch(r"\d+(\.\d+)?[eE]\+?\d+", text):
            try:
                d = Decimal(text)
            except InvalidOperation:
                d = None
            if d is not None and d == d.to_integral_value():
                text = f"{d:.0f}"
    if text == "":
        return None, ("缺少代码", "code is missing"), False
    if not text.isdigit() or not text.isascii():
        return None, (f"代码 {text!r} 含非数字字符", f"code {text!r} is not all digits"), False
    if len(text) == length:
        return text, None, False
    if len(text) > length:
        if set(text[length:]) == {"0"}:
            return text[:length], None, True
        return (
            None,
            (
                f"代码 {text} 有 {len(text)} 位，应为 {length} 位；"
                f"第 {length} 位之后不全为 0，无法截取",
                f"code {text} has {len(text)} digits, not {length}; the digits after the first "
                f"{length} are not all zeros, so it cannot be shortened",
            ),
            False,
        )
    return (
        None,
        (
            f"代码 {text} 只有 {len(text)} 位，应为 {length} 位",
            f"code {text} has {len(text)} digits, not {length}",
        ),
        False,
    )


_KIND_WORDS = {
    "村": "村",
    "行政村": "村",
    "村委会": "村",
    "村民委员会": "村",
    "居委会": "居委会",
    "居民委员会": "居委会",
    "社区": "居委会",
    "社区居委会": "居委会",
}


def kind_from_name(name: str) -> str:
    """居委会 for names ending 居委会/居民委员会/社区, else 村."""
    n = name.strip()
    return "居委会" if n.endswith(("居委会", "居民委员会", "社区")) else "村"


def _field_problems(layer: Layer, raw: pd.DataFrame, norm: pd.DataFrame) -> dict[int, list[Note]]:
    """Per row position: values given but unreadable, not allowed or out of range."""
    found: dict[int, list[Note]] = {}
    kinds_zh = {"int": "整数", "year": "年份", "float": "数字", "bool": "是/否", "str": "文字"}
    for col in layer.columns:
        if col.name in ("code", "name") or col.name not in norm.columns:
            continue
        val = norm[col.name]
        given = raw[col.name].map(lambda v: not _missing(v) and str(v).strip() != "")
        label = f"{col.zh}（{col.name}）"
        for i in np.flatnonzero((val.isna() & given).to_numpy()):
            v = _text(raw[col.name].iloc[i])
            found.setdefault(int(i), []).append(
                (
                    f"{label}的值 {v!r} 不是{kinds_zh.get(col.kind, col.kind)}",
                    f"{col.name}: cannot read {v!r} as {col.kind}",
                )
            )
        present = val.notna().to_numpy()
        if col.allowed:
            bad = present & ~val.isin(col.allowed).fillna(False).to_numpy(dtype=bool)
            for i in np.flatnonzero(bad):
                found.setdefault(int(i), []).append(
                    (
                        f"{label}的值 {val.iloc[i]!r} 不在允许值（{'、'.join(col.allowed)}）之中",
                        f"{col.name}: {val.iloc[i]!r} is not one of {', '.join(col.allowed)}",
                    )
                )
        if col.kind in ("int", "year", "float"):
            num = val.astype("float64")
            for bound, op, zh, en in (
                (col.minimum, np.less, "小于", "below"),
                (col.maximum, np.greater, "大于", "above"),
            ):
                if bound is None:
                    continue
                for i in np.flatnonzero(present & op(num, bound).fillna(False).to_numpy()):
                    found.setdefault(int(i), []).append(
                        (
                            f"{label}的值 {val.iloc[i]} {zh} {bound:g}",
                            f"{col.name}: {val.iloc[i]} is {en} {bound:g}",
                        )
                    )
    return found


def _geometry_text(geom) -> str:
    if geom is None or _missing(geom):
        return ""
    try:
        wkt = shapely.to_wkt(geom, rounding_precision=6)
    except Exception:
        return str(getattr(geom, "geom_type", ""))
    if len(wkt) <= 200:
        return wkt
    return f"{geom.geom_type} ({shapely.get_num_coordinates(geom)} vertices)"


def rejections(
    raw: gpd.GeoDataFrame, headers: list[str], ok: np.ndarray, reasons: list[list[Note]]
) -> pd.DataFrame:
    """One row per feature not taken: ``source_row``, ``reason_zh``, ``reason_en`` (its
    reasons joined), its attributes as text and its geometry as a short text."""
    bad = np.flatnonzero(~ok)
    out = pd.DataFrame(
        {
            "source_row": pd.Series([int(i) + 1 for i in bad], dtype="int64"),
            "reason_zh": pd.Series(["；".join(zh for zh, _ in reasons[i]) for i in bad], dtype=str),
            "reason_en": pd.Series(["; ".join(en for _, en in reasons[i]) for i in bad], dtype=str),
        }
    )
    for c in headers:
        key = c if c not in ("source_row", "reason_zh", "reason_en") else f"source_{c}"
        out[key] = pd.Series([_text(raw[c].iloc[i]) for i in bad], dtype=str)
    out["geometry"] = pd.Series([_geometry_text(raw.geometry.iloc[i]) for i in bad], dtype=str)
    return out


def _codes(
    values: pd.Series, code_length: int, reasons: list[list[Note]], notes: list[Note]
) -> list[str | None]:
    """Each row's code as a digit string (or None with the reason); a note counts the codes
    cut to ``code_length`` (longer ones with only zeros after)."""
    codes: list[str | None] = []
    trimmed = 0
    for i, value in enumerate(values):
        code, problem, cut = normalise_code(value, code_length)
        codes.append(code)
        trimmed += cut
        if problem:
            reasons[i].append(problem)
    if trimmed:
        notes.append(
            (
                f"{trimmed} 个代码超过 {code_length} 位且其后全为 0，已截取前 {code_length} 位",
                f"{trimmed} code(s) longer than {code_length} digits with only zeros after them "
                f"were cut to their first {code_length} digits",
            )
        )
    return codes


def _duplicate_codes(
    codes: list[str | None], raw: gpd.GeoDataFrame, fixed: list, reasons: list[list[Note]]
) -> None:
    """Rows sharing a code: when every one is the same (attributes and geometry) the first is
    taken and the others rejected as repeats; otherwise all are rejected, since which one is
    right cannot be told."""
    code_series = pd.Series(codes, dtype="string")
    dup = code_series.notna() & code_series.duplicated(keep=False)
    if dup.any():
        text_rows = raw.drop(columns=raw.geometry.name).map(_text).agg("\x1f".join, axis=1)
        wkb = pd.Series([shapely.to_wkb(g) if g is not None else b"" for g in fixed])
        for code, group in code_series[dup].groupby(code_series[dup]):
            rows = list(group.index)
            same = text_rows[rows].nunique() == 1 and wkb[rows].nunique() == 1
            listed = ", ".join(str(r + 1) for r in rows)
            listed_zh = "、".join(str(r + 1) for r in rows)
            if same:
                for r in rows[1:]:
                    reasons[r].append(
                        (
                            f"与第 {rows[0] + 1} 行完全相同（代码 {code} 重复）",
                            f"exact repeat of row {rows[0] + 1} (code {code})",
                        )
                    )
            else:
                for r in rows:
                    reasons[r].append(
                        (
                            f"代码 {code} 重复（第 {listed_zh} 行），无法判断哪一行正确",
                            f"code {code} is duplicated (rows {listed}); which row is right "
                            "cannot be told",
                        )
                    )


def _names(values: pd.Series, reasons: list[list[Note]]) -> list[str | None]:
    """Each feature's name as written (stripped), or None with the reason."""
    names: list[str | None] = []
    for i, value in enumerate(values):
        text = None if _missing(value) else str(value).strip()
        names.append(text or None)
        if not text:
            reasons[i].append(("缺少名称", "name is missing"))
    return names


def _field_values(mapped: pd.DataFrame, schema: Layer, reasons: list[list[Note]]) -> pd.DataFrame:
    """The columns other than code and name in storage dtypes (kind words as 村/居委会); a
    value that cannot be read, is not allowed or is out of range is a reason of its row."""
    other = [c for c in mapped.columns if c not in ("code", "name")]
    values = mapped[other].copy()
    if "kind" in values.columns:
        values["kind"] = values["kind"].map(
            lambda v: (
                v
                if _missing(v)
                else _KIND_WORDS.get(unicodedata.normalize("NFKC", str(v)).strip(), str(v).strip())
            )
        )
    norm = coerce(schema, values)
    for i, problems_of_row in _field_problems(schema, values, norm).items():
        reasons[i].extend(problems_of_row)
    return norm


def _village_kinds(norm: pd.DataFrame, names: list[str | None], notes: list[Note]) -> None:
    """A village's kind where the file gives none: 居委会 for names ending 居委会/社区."""
    derived = [kind_from_name(nm) if nm else pd.NA for nm in names]
    if "kind" in norm.columns:
        blank = norm["kind"].isna()
        norm.loc[blank, "kind"] = pd.Series(derived, index=norm.index)[blank]
    else:
        norm["kind"] = pd.array(derived, dtype="string")
        notes.append(
            (
                "文件没有类型列：名称以 居委会/社区 结尾的记为居委会，其余记为村",
                "no kind column: names ending 居委会/社区 are taken as 居委会, the others as 村",
            )
        )
