"""Which CRS a vector file's coordinates are in, and reading them into WGS84.

The user's ``--crs`` (``gcj02`` for AMap/Tencent coordinates) wins over the file's; without
either the CRS is inferred from the coordinates (CGCS2000 degrees in China, Gauss-Krüger zones
with the zone number in X), and :class:`ImportFailed` says which ``--crs`` to give when it
cannot be. A point file is judged on the points that read well when at least half do.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from ...geo.gcj02 import geometry_to_wgs84
from ...geo.schema import WGS84
from .errors import ImportFailed, Note

#: China's box in degrees (longitude, latitude), a little generous.
CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)
#: Gauss-Krüger northings of China's latitudes (3°N ≈ 330 km, 54°N ≈ 5,990 km), generous.
CHINA_NORTHING = (300_000.0, 6_100_000.0)

#: ``--crs`` spellings that mean GCJ-02 (高德/腾讯 web-map coordinates).
GCJ02_NAMES = frozenset({"gcj02", "gcj-02", "gcj", "gcj_02"})

CRS_HINT_ZH = (
    "请用 --crs 声明坐标系，例如 --crs EPSG:4490（CGCS2000 经纬度）、--crs EPSG:4326（WGS84）、"
    "--crs gcj02（高德/腾讯地图坐标）、--crs EPSG:4527（CGCS2000 3度带 39 带，X 含带号）或 "
    "--crs EPSG:4545（CGCS2000 3度带 中央经线 111°E，X 不含带号）"
)
CRS_HINT_EN = (
    "declare the CRS with --crs, e.g. --crs EPSG:4490 (CGCS2000 degrees), --crs EPSG:4326 "
    "(WGS84), --crs gcj02 (AMap/Tencent web-map coordinates), --crs EPSG:4527 (CGCS2000 3° "
    "Gauss-Krüger zone 39, zone number in X) or --crs EPSG:4545 (CGCS2000 3° Gauss-Krüger, "
    "central meridian 111°E, no zone number)"
)


@dataclass(frozen=True)
class CrsChoice:
    crs: CRS
    gcj02: bool
    label: str
    notes: tuple[Note, ...] = ()


def _parse_user_crs(text: str) -> tuple[CRS, bool]:
    t = text.strip()
    if t.casefold() in GCJ02_NAMES:
        return CRS.from_epsg(4326), True
    try:
        return (CRS.from_epsg(int(t)) if t.isdigit() else CRS.from_user_input(t)), False
    except CRSError as exc:
        raise ImportFailed(
            f"无法识别坐标系 {text!r}；{CRS_HINT_ZH}",
            f"unknown CRS {text!r}; {CRS_HINT_EN}",
        ) from exc


def _label(crs: CRS) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.name


def _all_finite(geoms: np.ndarray) -> np.ndarray:
    """Per geometry: whether every coordinate is a finite number (no NaN, no Infinity)."""
    coords, owner = shapely.get_coordinates(geoms, return_index=True)  # x, y: z may be NaN
    bad = np.unique(owner[~np.isfinite(coords).all(axis=1)])
    out = np.ones(len(geoms), dtype=bool)
    out[bad] = False
    return out


def _finite_bounds(geoms: np.ndarray) -> np.ndarray | None:
    """The extent of the geometries whose coordinates are all finite (a feature with NaN
    or Infinity is refused on its own, it does not hide the others' CRS)."""
    present = geoms[~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)]
    present = present[_all_finite(present)]
    if not len(present):
        return None
    bounds = shapely.total_bounds(present)
    return bounds if np.isfinite(bounds).all() else None


def _gk_zone_of(x_min: float, x_max: float) -> int | None:
    """The zone number carried in 8-digit Gauss-Krüger X values, when all share one."""
    if x_min < 10_000_000 or x_max >= 100_000_000:
        return None
    zone = int(x_min // 1_000_000)
    if int(x_max // 1_000_000) != zone:
        return None
    easting = (x_min - zone * 1_000_000, x_max - zone * 1_000_000)
    if not (easting[0] >= 150_000 and easting[1] <= 850_000):
        return None
    return zone


def _in_china(bounds) -> bool:
    x0, y0, x1, y1 = bounds
    return CHINA_LON[0] <= x0 <= x1 <= CHINA_LON[1] and CHINA_LAT[0] <= y0 <= y1 <= CHINA_LAT[1]


def infer_crs(bounds: np.ndarray) -> CrsChoice:
    """The one reading of undeclared coordinates with ``bounds``, or :class:`ImportFailed`."""
    x0, y0, x1, y1 = (float(v) for v in bounds)
    if _in_china((x0, y0, x1, y1)):
        return CrsChoice(
            CRS.from_epsg(4490),
            False,
            "EPSG:4490",
            (
                (
                    "文件未声明坐标系；坐标为中国范围内的经纬度，按 CGCS2000（EPSG:4490）读取"
                    "（在地图比例尺上与 WGS84 相同）。"
                    "高德/腾讯等网络地图的 GCJ-02 坐标无法与之区分，"
                    "约有 300–700 米偏移：如数据来自网络地图，请用 --crs gcj02 重新导入",
                    "the file declares no CRS; its coordinates are degrees within China, read as "
                    "CGCS2000 (EPSG:4490; the same as WGS84 at map scale). GCJ-02 coordinates of "
                    "AMap/Tencent web maps cannot be told apart and are 300–700 m off: if the data "
                    "came from a web map, import again with --crs gcj02",
                ),
            ),
        )
    in_china_northing = CHINA_NORTHING[0] <= y0 <= y1 <= CHINA_NORTHING[1]
    zone = _gk_zone_of(x0, x1) if in_china_northing else None
    if zone is not None and 25 <= zone <= 45:
        epsg = 4513 + zone - 25
        meridian = 3 * zone
        return CrsChoice(
            CRS.from_epsg(epsg),
            False,
            f"EPSG:{epsg}",
            (
                (
                    f"文件未声明坐标系；X 坐标为 8 位且以带号 {zone} 开头，"
                    f"按 CGCS2000 3度带高斯-克吕格"
                    f" {zone} 带（中央经线 {meridian}°E，X 含带号，EPSG:{epsg}）读取",
                    f"the file declares no CRS; X values have 8 digits starting with zone number "
                    f"{zone}: read as CGCS2000 3° Gauss-Krüger zone {zone} (central meridian "
                    f"{meridian}°E, zone number in X, EPSG:{epsg})",
                ),
            ),
        )
    if zone is not None and 13 <= zone <= 23:
        epsg = 4491 + zone - 13
        meridian = 6 * zone - 3
        return CrsChoice(
            CRS.from_epsg(epsg),
            False,
            f"EPSG:{epsg}",
            (
                (
                    f"文件未声明坐标系；X 坐标为 8 位且以 6 度带带号 {zone} 开头，按 CGCS2000 6度带"
                    f"高斯-克吕格 {zone} 带（中央经线 {meridian}°E，EPSG:{epsg}）读取",
                    f"the file declares no CRS; X values have 8 digits starting with 6° zone "
                    f"number {zone}: read as CGCS2000 6° Gauss-Krüger zone {zone} (central "
                    f"meridian {meridian}°E, EPSG:{epsg})",
                ),
            ),
        )
    if in_china_northing and 150_000 <= x0 <= x1 <= 850_000:
        raise ImportFailed(
            "文件未声明坐标系；坐标像是不含带号的 CGCS2000 3度带高斯-克吕格投影坐标（米），"
            "但无法从坐标判断是哪一带（中央经线）。"
            "请用 --crs 指定，EPSG 编号 = 4534 + (中央经线 − 75)/3，"
            "例如中央经线 111°E 用 --crs EPSG:4546，114°E 用 EPSG:4547，117°E 用 EPSG:4548；"
            "或在 .prj 文件中写明坐标系",
            "the file declares no CRS; its coordinates look like CGCS2000 3° Gauss-Krüger metres "
            "without a zone number, and the zone (central meridian) cannot be told from them. "
            "Declare it with --crs: the EPSG code is 4534 + (central meridian − 75)/3, e.g. "
            "--crs EPSG:4546 for 111°E, EPSG:4547 for 114°E, EPSG:4548 for 117°E; or add a .prj "
            "file",
        )
    raise ImportFailed(
        f"文件未声明坐标系，坐标范围（X {x0:.6g}–{x1:.6g}，Y {y0:.6g}–{y1:.6g}）也无法判断坐标系；"
        f"{CRS_HINT_ZH}",
        f"the file declares no CRS and its coordinates (X {x0:.6g}–{x1:.6g}, Y {y0:.6g}–{y1:.6g})"
        f" fit no reading we can tell; {CRS_HINT_EN}",
    )


def choose_crs(declared: CRS | None, user: str | None, bounds: np.ndarray | None) -> CrsChoice:
    """The CRS the coordinates are read in: the user's, the file's, or one inferred."""
    notes: list[Note] = []
    if user is not None:
        crs, gcj = _parse_user_crs(user)
        label = "GCJ-02" if gcj else _label(crs)
        overridden = declared is not None and not declared.equals(crs)
        if overridden and not (gcj and declared.is_geographic):
            notes.append(
                (
                    f"文件声明的坐标系 {_label(declared)} 被指定的 {label} 取代",
                    f"the file's declared CRS {_label(declared)} was overridden by {label}",
                )
            )
        if gcj:
            if declared is not None and not declared.is_geographic:
                raise ImportFailed(
                    f"文件的坐标系 {_label(declared)} 是投影坐标（米），不可能是 GCJ-02 经纬度",
                    f"the file's CRS {_label(declared)} is projected (metres); it cannot hold "
                    "GCJ-02 longitudes and latitudes",
                )
            notes.append(
                (
                    "坐标按 GCJ-02（高德/腾讯地图坐标）读取，并已转换为 WGS84",
                    "coordinates read as GCJ-02 (AMap/Tencent web-map) and converted to WGS84",
                )
            )
        choice = CrsChoice(crs, gcj, label, tuple(notes))
    elif declared is not None:
        choice = CrsChoice(declared, False, _label(declared))
    else:
        if bounds is None:
            raise ImportFailed(
                f"文件未声明坐标系，也没有可判断的坐标；{CRS_HINT_ZH}",
                f"the file declares no CRS and has no coordinates to tell one from; {CRS_HINT_EN}",
            )
        choice = infer_crs(bounds)
    if bounds is not None:
        _check_plausible(choice, bounds)
    return choice


def _check_plausible(choice: CrsChoice, bounds: np.ndarray) -> None:
    """Refuse a CRS the coordinates cannot be in (metres read as degrees and the reverse)."""
    x0, y0, x1, y1 = (float(v) for v in bounds)
    degrees = -180 <= x0 <= x1 <= 180 and -90 <= y0 <= y1 <= 90
    if choice.crs.is_geographic and not degrees:
        raise ImportFailed(
            f"坐标系 {choice.label} 以度为单位，但坐标达到 X {x1:.6g}、Y {y1:.6g}，"
            "像是投影坐标（米）；"
            f"文件的 .prj 或所给的 --crs 可能有误。{CRS_HINT_ZH}",
            f"CRS {choice.label} is in degrees but coordinates reach X {x1:.6g}, Y {y1:.6g}: they "
            f"look like projected metres; the file's .prj or the --crs given may be wrong. "
            f"{CRS_HINT_EN}",
        )
    if choice.crs.is_projected and degrees and max(abs(x1), abs(y1)) < 1000:
        raise ImportFailed(
            f"坐标系 {choice.label} 是投影坐标（米），但坐标像是经纬度（X {x0:.6g}–{x1:.6g}）；"
            f"{CRS_HINT_ZH}",
            f"CRS {choice.label} is projected (metres) but the coordinates look like degrees "
            f"(X {x0:.6g}–{x1:.6g}); {CRS_HINT_EN}",
        )


def _to_wgs84(geoms: gpd.GeoSeries, choice: CrsChoice) -> tuple[np.ndarray, list[Note]]:
    series = gpd.GeoSeries(shapely.force_2d(geoms.to_numpy()), index=geoms.index, crs=choice.crs)
    out = series.to_crs(WGS84).to_numpy()
    if choice.gcj02:
        out = geometry_to_wgs84(out)
    notes: list[Note] = []
    bounds = _finite_bounds(np.asarray(out, dtype=object))
    if bounds is not None:
        x0, y0, x1, y1 = bounds
        inside = _in_china((x0, y0, x1, y1))
        if not inside:
            notes.append(
                (
                    f"注意：按 {choice.label} 读取后，数据不全在中国范围内"
                    f"（经度 {x0:.3f}–{x1:.3f}，"
                    f"纬度 {y0:.3f}–{y1:.3f}）；请检查坐标系",
                    f"note: read as {choice.label}, the data is not all within China (longitude "
                    f"{x0:.3f}–{x1:.3f}, latitude {y0:.3f}–{y1:.3f}); check the CRS",
                )
            )
    return np.asarray(out, dtype=object), notes


def reproject_to_wgs84(
    geoms: gpd.GeoSeries, crs: str | None = None, *, points: bool = False
) -> tuple[np.ndarray, CrsChoice, list[Note]]:
    """``geoms`` (in the file's CRS, ``geoms.crs``) in WGS84, the reading chosen, and notes.

    ``crs`` is the user's ``--crs`` (``gcj02`` for AMap/Tencent coordinates), over the
    file's; without either the CRS is inferred from the coordinates (CGCS2000 degrees,
    Gauss-Krüger zones), and :class:`ImportFailed` says which ``--crs`` to give when it
    cannot be. Geometry is made 2D.

    With ``points`` (a file of facilities, stations or sites, each feature its own position)
    a few bad points do not condemn the file: when the CRS cannot be inferred from, or is
    implausible for, the extent of all the points, but at least half of them
    (:data:`POINT_MAJORITY`) read as positions in China under one reading, that reading is
    taken. The others are left to the caller's per-point checks, and a note counts them.
    Boundaries (``points=False``) are judged on the extent of every feature, as one shape.
    """
    try:
        choice = choose_crs(geoms.crs, crs, _finite_bounds(geoms.to_numpy()))
        outliers = 0
    except ImportFailed:
        majority = _majority_choice(geoms, crs) if points else None
        if majority is None:
            raise
        choice, outliers, total = majority
    wgs, notes = _to_wgs84(geoms, choice)
    if outliers:  # replaces the note on data outside China, which points at the CRS
        notes = [_outlier_note(choice, outliers, total)]
    return wgs, choice, [*choice.notes, *notes]


#: Share of a point file's points that must read as positions in China for the CRS to be
#: judged on them alone (see :func:`reproject_to_wgs84`).
POINT_MAJORITY = 0.5


def _point_xy(geoms: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """X and Y of each present geometry (its centroid unless a point); NaN when unreadable."""
    arr = geoms.to_numpy()
    arr = arr[~shapely.is_missing(arr) & ~shapely.is_empty(arr)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        centre = np.where(shapely.get_type_id(arr) == 0, arr, shapely.centroid(arr))
        return shapely.get_x(centre).astype(float), shapely.get_y(centre).astype(float)


def _in_china_after(choice: CrsChoice, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Which (x, y) lie in China's box once read in ``choice`` (GCJ-02's shift of a few
    hundred metres does not matter here)."""
    finite = np.isfinite(x) & np.isfinite(y)
    out = np.zeros(len(x), dtype=bool)
    if not finite.any():
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pts = gpd.GeoSeries(gpd.points_from_xy(x[finite], y[finite]), crs=choice.crs)
        wgs = pts.to_crs(WGS84).to_numpy()
        lon, lat = shapely.get_x(wgs), shapely.get_y(wgs)
    out[finite] = (
        np.isfinite(lon)
        & np.isfinite(lat)
        & (lon >= CHINA_LON[0])
        & (lon <= CHINA_LON[1])
        & (lat >= CHINA_LAT[0])
        & (lat <= CHINA_LAT[1])
    )
    return out


def _reading_of(x: float, y: float) -> str | None:
    """The reading an undeclared coordinate pair fits, as :func:`infer_crs` tells them
    apart: degrees in China, a Gauss-Krüger zone (number in X), or zone-less metres."""
    if not (math.isfinite(x) and math.isfinite(y)):
        return None
    if _in_china((x, y, x, y)):
        return "degrees"
    if CHINA_NORTHING[0] <= y <= CHINA_NORTHING[1]:
        zone = _gk_zone_of(x, x)
        if zone is not None:
            return f"zone {zone}"
        if 150_000 <= x <= 850_000:
            return "metres"
    return None


def _majority_choice(geoms: gpd.GeoSeries, user: str | None) -> tuple[CrsChoice, int, int] | None:
    """The reading under which at least :data:`POINT_MAJORITY` of the points lie in China,
    the number of the others and of all points; None when there is no such reading.

    The CRS is the user's or the file's when given, else inferred (:func:`infer_crs`) from
    the points sharing the most common reading; either way it is checked on the points that
    read well only. :class:`ImportFailed` when the majority's own reading cannot be told
    (zone-less Gauss-Krüger metres): its message says what to declare.
    """
    x, y = _point_xy(geoms)
    total = len(x)
    if not total:
        return None
    if user is None and geoms.crs is None:
        readings = [_reading_of(float(a), float(b)) for a, b in zip(x, y, strict=True)]
        counts = pd.Series([r for r in readings if r is not None], dtype=object).value_counts()
        if counts.empty or counts.iloc[0] < POINT_MAJORITY * total:
            return None
        same = np.array([r == counts.index[0] for r in readings])
        bounds = np.array([x[same].min(), y[same].min(), x[same].max(), y[same].max()])
        choice = choose_crs(None, None, bounds)
    else:
        choice = choose_crs(geoms.crs, user, None)  # the CRS given, not yet checked
    good = _in_china_after(choice, x, y)
    if good.sum() < POINT_MAJORITY * total:
        return None
    bounds = np.array([x[good].min(), y[good].min(), x[good].max(), y[good].max()])
    _check_plausible(choice, bounds)
    return choice, int(total - good.sum()), total


def _outlier_note(choice: CrsChoice, outliers: int, total: int) -> Note:
    return (
        f"{total} 个点中有 {outliers} 个按 {choice.label} 读取不在中国范围内"
        "（如经纬度互换、投影坐标混入）：坐标系按其余 "
        f"{total - outliers} 个点判断，这 {outliers} 个点逐个检查，原因见被拒绝的行",
        f"{outliers} of {total} points {'does' if outliers == 1 else 'do'} not lie in China "
        f"read as {choice.label} (longitude and latitude swapped, projected metres among "
        f"degrees, …): the CRS was judged on the other {total - outliers}, and these points "
        "are checked one by one (see the rejected rows)",
    )
