"""Check and normalise layer frames against :mod:`township_atlas.geo.schema`.

Every problem names the layer, the row (0-based position in the frame, plus the record key
where there is one) and the field, so a user can find it in the file they gave us.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import pandas as pd

from .schema import (
    LAYERS,
    NO_WORDS,
    PERSONAL_COLUMNS,
    RELOCATION_M2_PER_PERSON_CAP,
    YES_WORDS,
    Column,
    Layer,
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one row (``row`` is None for the whole layer)."""

    layer: str
    row: int | None
    field: str | None
    message: str
    key: str | None = None

    def __str__(self) -> str:
        where = self.layer
        if self.row is not None:
            where += f" row {self.row}"
        if self.key:
            where += f" ({self.key})"
        if self.field:
            where += f" field {self.field!r}"
        return f"{where}: {self.message}"


class SchemaError(ValueError):
    """Raised when a frame does not fit its layer; ``problems`` lists every one found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__(f"{len(problems)} problem(s): {shown}{more}")


# The schema's 是/否 words, and t/f; an empty cell is no.
_YES = {"t", *YES_WORDS}
_NO = {"f", "", *NO_WORDS}


def _to_bool(s: pd.Series) -> pd.Series:
    if s.dtype == bool:
        return s
    if isinstance(s.dtype, pd.BooleanDtype):  # already nullable booleans: nothing to read
        return s
    text = s.astype("string").str.strip().str.lower()
    # A 0/1 column read as float (Excel, or a CSV column with a blank) gives "1.0" / "0.0"
    text = text.str.replace(r"^([01])\.0*$", r"\1", regex=True)
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out[text.isin(_YES)] = True
    out[text.isin(_NO)] = False
    return out


def _to_code(s: pd.Series, length: int | None) -> pd.Series:
    if pd.api.types.is_float_dtype(s):
        # A code read as float (e.g. from Excel) keeps its digits: 360722102001.0 -> "360722102001"
        s = s.map(lambda v: pd.NA if pd.isna(v) else f"{v:.0f}")
    text = s.astype("string").str.strip()
    return text.mask(text == "")


def coerce(
    layer: Layer, frame: pd.DataFrame, columns: Collection[str] | None = None
) -> pd.DataFrame:
    """Return a copy of ``frame`` with each schema column (or those named in ``columns``,
    the others being in storage form already) in its storage dtype.

    Values that cannot be converted become missing; :func:`problems` then reports them as
    required or invalid, so nothing is silently dropped.
    """
    out = frame.copy()
    for col in layer.columns:
        if col.name not in out.columns or (columns is not None and col.name not in columns):
            continue
        s = out[col.name]
        if col.kind in ("int", "year"):
            num = pd.to_numeric(s, errors="coerce")
            whole = num.notna() & (num == np.floor(num.fillna(0)))
            out[col.name] = num.where(whole).astype("Int64")
        elif col.kind == "float":
            out[col.name] = pd.to_numeric(s, errors="coerce").astype("float64")
        elif col.kind == "bool":
            out[col.name] = _to_bool(s)
        elif col.kind == "code":
            out[col.name] = _to_code(s, col.length)
        else:
            text = s.astype("string").str.strip()
            if col.aliases:
                text = text.replace(dict(col.aliases))
            out[col.name] = text.mask(text == "")
    return out


def _column_problems(
    layer: Layer, col: Column, raw: pd.Series | None, val: pd.Series
) -> list[Problem]:
    """Problems of one column: ``raw`` as given (None when it is ``val``, in storage form)."""
    found: list[Problem] = []
    missing = val.isna().to_numpy()
    if raw is None:
        given = np.zeros(len(val), dtype=bool)
    elif pd.api.types.is_numeric_dtype(raw) or pd.api.types.is_bool_dtype(raw):
        # a number is never blank text: writing 60,000 floats out as text to ask took most of
        # reading a county's households
        given = raw.notna().to_numpy(dtype=bool)
    else:
        given = (raw.notna() & (raw.astype("string").str.strip() != "")).to_numpy(dtype=bool)
    for i in np.flatnonzero(missing & given):
        value = raw.iloc[i]
        value = value.item() if isinstance(value, np.generic) else value  # 2.5, not np.float64
        found.append(Problem(layer.name, int(i), col.name, f"cannot read {value!r} as {col.kind}"))
    if col.required:
        for i in np.flatnonzero(missing & ~given):
            found.append(Problem(layer.name, int(i), col.name, "required value is missing"))
    present = ~missing
    if col.allowed:
        bad = present & ~val.isin(col.allowed).fillna(False).to_numpy(dtype=bool)
        for i in np.flatnonzero(bad):
            found.append(
                Problem(
                    layer.name,
                    int(i),
                    col.name,
                    f"{val.iloc[i]!r} is not one of {', '.join(col.allowed)}",
                )
            )
    if col.kind == "code" and col.length:
        text = val.astype("string")
        ok = text.str.fullmatch(rf"\d{{{col.length}}}").fillna(False).to_numpy(dtype=bool)
        for i in np.flatnonzero(present & ~ok):
            found.append(
                Problem(
                    layer.name,
                    int(i),
                    col.name,
                    f"{val.iloc[i]!r} is not a {col.length}-digit code",
                )
            )
    if col.kind in ("int", "year", "float"):
        num = val.astype("float64")
        if col.minimum is not None:
            for i in np.flatnonzero(present & (num < col.minimum).fillna(False).to_numpy()):
                found.append(
                    Problem(layer.name, int(i), col.name, f"{val.iloc[i]} is below {col.minimum}")
                )
        if col.maximum is not None:
            for i in np.flatnonzero(present & (num > col.maximum).fillna(False).to_numpy()):
                found.append(
                    Problem(layer.name, int(i), col.name, f"{val.iloc[i]} is above {col.maximum}")
                )
    return found


def problems(
    layer_name: str,
    frame: pd.DataFrame,
    normalised: bool = False,
    columns: Collection[str] | None = None,
    norm: pd.DataFrame | None = None,
) -> list[Problem]:
    """Every problem of ``frame`` as layer ``layer_name``; an empty list when it is valid.

    ``normalised`` says ``frame`` is in storage form already (:func:`coerce`'s output, as a
    change's rows are once prepared): nothing to convert, so nothing unreadable to report.
    ``columns``: only those columns' values are checked (the others' were valid already);
    the rules across a row's fields and the keys are checked all the same. ``norm``:
    :func:`coerce` of ``frame``, when the caller has made it already.
    """
    layer = LAYERS[layer_name]
    found: list[Problem] = [
        Problem(layer.name, None, str(name), "personal data must never be stored in a workspace")
        for name in frame.columns
        if name in PERSONAL_COLUMNS
    ]
    # An empty layer written by an older version may lack a column added since: with no rows,
    # nothing can be wrong with it.
    missing_cols = [
        c.name for c in layer.columns if c.required and c.name not in frame.columns and len(frame)
    ]
    for name in missing_cols:
        found.append(Problem(layer.name, None, name, "required column is missing"))
    if missing_cols:
        return found
    frame = frame.reset_index(drop=True)
    if normalised:
        norm = frame
    elif norm is None:
        norm = coerce(layer, frame)
    else:
        norm = norm.reset_index(drop=True)
    for col in layer.columns:
        if col.name in frame.columns and (columns is None or col.name in columns):
            raw = None if normalised else frame[col.name]
            found += _column_problems(layer, col, raw, norm[col.name])
    found += _duplicate_keys(layer, norm)
    if layer.geometry is not None:
        found += _geometry_problems(layer, frame)
    found += _ROW_RULES.get(layer.name, lambda _: [])(norm)
    if layer.key and found:
        keys = norm[list(layer.key)].astype("string").fillna("").agg("/".join, axis=1)
        found = [
            Problem(
                p.layer, p.row, p.field, p.message, keys.iloc[p.row] if p.row is not None else None
            )
            for p in found
        ]
    return found


def _duplicate_keys(layer: Layer, norm: pd.DataFrame) -> list[Problem]:
    """Rows whose key an earlier row already has (``norm`` in storage dtypes)."""
    if not layer.key or not len(norm):
        return []
    # a missing key is reported as missing, not as a duplicate of another missing key
    keys = norm[list(layer.key)].reset_index(drop=True)
    known = keys.notna().all(axis=1)
    dup = (keys.duplicated(keep="first") & known).to_numpy()
    return [
        Problem(
            layer.name,
            int(i),
            layer.key[0],
            "duplicate key " + "/".join(str(keys.at[i, k]) for k in layer.key),
        )
        for i in np.flatnonzero(dup)
    ]


def problems_of_rows(
    layer_name: str,
    frame: pd.DataFrame,
    rows: Sequence[int],
    normalised: bool = False,
    columns: Collection[str] | None = None,
) -> list[Problem]:
    """:func:`problems` of the rows at positions ``rows`` of ``frame`` (a change's rows: the
    others were valid already), with keys checked across the whole frame; rows are
    positions in ``frame``, whose key columns are in storage dtypes (:func:`coerce`)."""
    layer = LAYERS[layer_name]
    rows = np.asarray(rows, dtype=int)
    part = pd.DataFrame(frame).iloc[rows] if layer.geometry is None else frame.iloc[rows]
    found = [
        replace(p, row=None if p.row is None else int(rows[p.row]))
        for p in problems(layer_name, part, normalised, columns)
        if not p.message.startswith("duplicate key ")
    ]
    if layer.key and not any(p.row is None and p.field in layer.key for p in found):
        # only the rows sharing a first key value with a changed row can be new duplicates:
        # comparing those, not every key, keeps a change at 300,000 households cheap
        keys = pd.DataFrame(frame)[list(layer.key)]
        first = keys[layer.key[0]]
        near = np.flatnonzero(first.isin(first.iloc[rows].dropna().unique()).to_numpy(dtype=bool))
        dups = _duplicate_keys(layer, keys.iloc[near])
        found += [
            replace(p, row=int(near[p.row]), key=p.message.removeprefix("duplicate key "))
            for p in dups
        ]
    return found


def _rows(mask: pd.Series) -> list[int]:
    return [int(i) for i in np.flatnonzero(mask.fillna(False).to_numpy(dtype=bool))]


def _with_optional(frame: pd.DataFrame, layer: str) -> pd.DataFrame:
    """``frame`` with every optional column of ``layer`` present (missing ones empty)."""
    absent = [c.name for c in LAYERS[layer].columns if c.name not in frame.columns]
    return frame.assign(**{name: pd.NA for name in absent}) if absent else frame


def _household_rules(h: pd.DataFrame) -> list[Problem]:
    """The years and status of a household must tell one story."""
    h = _with_optional(h, "households")
    out = []
    for i in _rows(h["exit_year"] < h["identified_year"]):
        out.append(Problem("households", i, "exit_year", "exit year is before identification"))
    for i in _rows(h["return_year"].notna() & h["exit_year"].isna()):
        out.append(Problem("households", i, "return_year", "fell back without exiting first"))
    # exit_year and return_year hold the latest of each: a 返贫 household fell back after its
    # last exit; one that exited again (已脱贫) did so after falling back.
    for i in _rows((h["status"] == "返贫") & (h["return_year"] < h["exit_year"])):
        out.append(Problem("households", i, "return_year", "status 返贫 but it exited again later"))
    for i in _rows((h["status"] == "已脱贫") & (h["return_year"] >= h["exit_year"])):
        out.append(
            Problem("households", i, "exit_year", "status 已脱贫 but it fell back after exiting")
        )
    for i in _rows((h["status"] == "已脱贫") & h["exit_year"].isna()):
        out.append(Problem("households", i, "exit_year", "status 已脱贫 needs an exit year"))
    for i in _rows((h["status"] == "返贫") & h["return_year"].isna()):
        out.append(Problem("households", i, "return_year", "status 返贫 needs a return year"))
    for i in _rows((h["status"] != "监测") & h["category"].isna()):
        out.append(Problem("households", i, "category", "only a 监测 household may lack one"))
    return out


def _site_rules(s: pd.DataFrame) -> list[Problem]:
    """Relocation housing is capped at 25 m² per person (a hard national limit)."""
    s = _with_optional(s, "relocation_sites")
    # The site is built for its planned persons; fall back on those moved in when none planned.
    persons = s["planned_persons"].where(s["planned_persons"] > 0, s["moved_persons"])
    per_person = s["built_area_m2"] / persons.where(persons > 0).astype("float64")
    return [
        Problem(
            "relocation_sites",
            i,
            "built_area_m2",
            f"{per_person.iloc[i]:.1f} m² per person is above the {RELOCATION_M2_PER_PERSON_CAP:g} "
            "m² cap",
        )
        for i in _rows(per_person > RELOCATION_M2_PER_PERSON_CAP)
    ]


_ROW_RULES = {"households": _household_rules, "relocation_sites": _site_rules}


def _geometry_problems(layer: Layer, frame: pd.DataFrame) -> list[Problem]:
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame.columns:
        return [Problem(layer.name, None, "geometry", "layer needs a geometry column")]
    if frame.crs is None:
        return [Problem(layer.name, None, "geometry", "layer has no CRS; declare one")]
    found: list[Problem] = []
    geom = frame.geometry
    for i in np.flatnonzero(geom.isna().to_numpy() | geom.is_empty.to_numpy()):
        found.append(Problem(layer.name, int(i), "geometry", "geometry is missing or empty"))
    wanted = {
        "MultiPolygon": {"Polygon", "MultiPolygon"},
        "Polygon": {"Polygon", "MultiPolygon"},
        "Point": {"Point"},
        "LineString": {"LineString", "MultiLineString"},
    }[layer.geometry]
    types = geom.geom_type.to_numpy()
    for i in np.flatnonzero(~pd.isna(types) & ~np.isin(types, list(wanted))):
        found.append(
            Problem(layer.name, int(i), "geometry", f"{types[i]} is not a {layer.geometry}")
        )
    valid = geom.is_valid.to_numpy()
    for i in np.flatnonzero(~valid & geom.notna().to_numpy()):
        found.append(Problem(layer.name, int(i), "geometry", "geometry is not valid"))
    return found


def check(layer_name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Validate and return the normalised frame, or raise :class:`SchemaError`."""
    found = problems(layer_name, frame)
    if found:
        raise SchemaError(found)
    return coerce(LAYERS[layer_name], frame)
