"""Where each row of a facilities, stations or sites table is: its coordinates (WGS84 or GCJ-02
degrees), its feature's point in a vector file, or its village's anchor point; a point too far
from the township is refused with the likely cause (swapped, projected, degrees-minutes-seconds).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point

from ...geo.crs import metric_crs
from ...geo.places import village_anchor_points
from ...geo.schema import LAYERS, WGS84
from .errors import ImportFailed, Note
from .table_rows import TableRows, _Rows
from .table_values import _norm
from .vector_crs import CHINA_LAT, CHINA_LON, GCJ02_NAMES, reproject_to_wgs84

#: How far (km) outside the township outline a point may lie and still be taken. Facilities
#: and e-commerce points legitimately lie outside the township: the county hospital and the
#: county logistics centre are in the county seat, which in a county of up to ~3,000 km² (信丰
#: 2,878 km²) lies within about 30 km of any of its townships' edges. Beyond that a point is
#: almost always a mistake (another county, swapped or projected coordinates, a typo in the
#: degrees), while a typo in the first decimal (~10 km) cannot be told from a real county
#: facility: hence the note listing every point taken outside the outline.
REACH_KM = 30.0


def village_anchors(villages: gpd.GeoDataFrame) -> dict[str, Point]:
    """Village code -> a point inside its polygon (:func:`village_anchor_points`), in WGS84."""
    return dict(village_anchor_points(villages.to_crs(WGS84)).items())


@dataclass(frozen=True)
class Coords:
    """Each row's longitude and latitude as WGS84 numbers, the rows that gave a position
    (``given``), those whose position is a readable point (``ok``), notes on how they were
    read, and the reading (``crs_used``, None without any)."""

    lon: pd.Series
    lat: pd.Series
    given: pd.Series
    ok: pd.Series
    notes: list[Note]
    crs_used: str | None

    @classmethod
    def none(cls, index: pd.Index) -> Coords:
        """No positions at all: every row goes to its village's anchor point."""
        nan, no = pd.Series(np.nan, index=index), pd.Series(False, index=index)
        return cls(nan, nan.copy(), no, no.copy(), [], None)


def _place(rows: _Rows, code: pd.Series, villages, crs, outline) -> TableRows:
    """Each row's point (its coordinates, its feature's point, or its village's anchor) and,
    without a village column, the village it lies in."""
    read, data, out = rows.read, rows.data, rows.out
    if read.geometry is not None:
        coords = _vector_coordinates(read.geometry, data, rows.reject, crs)
    elif "longitude" in data and "latitude" in data:
        coords = _table_coordinates(data, rows.reject, crs)
    else:
        coords = Coords.none(data.index)
    geoms, anchored_rows, more = _points(
        data,
        code,
        villages,
        rows.reject,
        coords,
        _outline_shape(outline, villages),
        vector=read.geometry is not None,
    )
    rows.notes += more
    if "village" not in data:  # a point tells its village
        inside = _village_of(geoms, villages)
        inside.index = out.index
        out["village_code"] = inside
        if inside.notna().any():
            rows.notes.append(
                (
                    "文件中没有所在行政村：按坐标所在的村界确定",
                    "no village column: each point's village is the one it lies in",
                )
            )
    # a row placed at its village's anchor keeps the point the workspace already has
    out["_anchored"] = [bool(a) for a in anchored_rows]
    present = frozenset(c for c in out.columns if c in LAYERS[rows.layer].names)
    if "status" not in data:
        present -= {"status"}
    frame = gpd.GeoDataFrame(out, geometry=geoms, crs=WGS84)
    return TableRows(frame, rows.rej, rows.notes, coords.crs_used, present | {"geometry"})


def _outline_shape(outline: gpd.GeoDataFrame | None, villages: gpd.GeoDataFrame):
    """The township as one WGS84 shape: ``outline``, or the union of the villages."""
    if outline is not None and len(outline):
        return outline.to_crs(WGS84).union_all()
    return villages.to_crs(WGS84).union_all()


def _table_coordinates(data, reject, crs) -> Coords:
    """Longitude and latitude of each row as numbers (GCJ-02 shifted to WGS84 when asked),
    the rows that gave coordinates, and which of them are readable; unreadable rows rejected."""
    notes: list[Note] = []
    lon = pd.to_numeric(data["longitude"], errors="coerce")
    lat = pd.to_numeric(data["latitude"], errors="coerce")
    given = (data["longitude"] != "") | (data["latitude"] != "")
    unreadable = given & (lon.isna() | lat.isna())
    reject(
        unreadable,
        lambda r: f"经纬度「{data.at[r, 'longitude']}, {data.at[r, 'latitude']}」不是数值",
        lambda r: (
            f"coordinates {data.at[r, 'longitude']!r}, {data.at[r, 'latitude']!r} are not numbers"
        ),
    )
    ok = given & ~unreadable
    label = None
    if crs and _norm(crs) in ("gcj02", "gcj-02", "火星坐标"):
        from ...geo.gcj02 import gcj02_to_wgs84

        # only plausible degrees: a swapped or projected pair is judged as given, below
        shift = ok & lon.between(*CHINA_LON) & lat.between(*CHINA_LAT)
        x, y = gcj02_to_wgs84(lon[shift].to_numpy(), lat[shift].to_numpy())
        lon[shift], lat[shift] = x, y
        notes.append(("经纬度按 GCJ-02 读取并转换为 WGS84", "coordinates read as GCJ-02"))
        label = "GCJ-02"
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
        label = "EPSG:4326"
    return Coords(lon, lat, given, ok, notes, label)


def _vector_coordinates(geometry: gpd.GeoSeries, data, reject, crs) -> Coords:
    """Like :func:`_table_coordinates`, from a vector file's features: each point in WGS84
    (``crs``, the file's CRS, or one inferred as for boundaries, but judged on the points that
    read well when at least half do: a swapped or projected point among them is rejected by
    :func:`_check_reach` or :func:`_reject_unplaceable`, not the file). A feature that is not one
    point is rejected: a polygon's representative point would pass for a surveyed position,
    and a polygon among points is more likely a stray feature than a facility's footprint."""
    given = pd.Series(~(geometry.isna() | geometry.is_empty).to_numpy(), index=data.index)
    kind = geometry.geom_type.where(given, None)
    parts = shapely.get_num_geometries(geometry.to_numpy())
    single = given & ((kind == "Point") | ((kind == "MultiPoint") & (parts == 1)))
    multi = given & (kind == "MultiPoint") & ~single
    reject(
        multi,
        lambda r: f"要素是含 {parts[data.index.get_loc(r)]} 个点的多点，不是一个点；请拆分为单点",
        lambda r: (
            f"feature is a MultiPoint of {parts[data.index.get_loc(r)]} points, not one point; "
            "split it into single points"
        ),
    )
    other = given & ~single & ~multi
    reject(
        other,
        lambda r: (
            f"几何类型为 {kind[r]}，不是点：设施、网点、安置点只取点要素（可先在 GIS 中要素转点）"
        ),
        lambda r: (
            f"geometry is a {kind[r]}, not a point: facilities, stations and sites take point "
            "features (convert features to points in a GIS first)"
        ),
    )
    lon = pd.Series(np.nan, index=data.index)
    lat = pd.Series(np.nan, index=data.index)
    notes: list[Note] = []
    label = None
    if single.any():
        pts = gpd.GeoSeries(
            shapely.get_geometry(geometry[single].to_numpy(), 0),
            index=data.index[single.to_numpy()],
            crs=geometry.crs,
        )
        _refuse_swapped_axes(pts, crs)
        wgs, choice, notes = reproject_to_wgs84(pts, crs, points=True)
        lon[single], lat[single] = shapely.get_x(wgs), shapely.get_y(wgs)
        label = choice.label
        _reject_unplaceable(pts, lon, lat, choice, data, reject)
    ok = single & lon.notna() & lat.notna()
    return Coords(lon, lat, given, ok, notes, label)


def _reject_unplaceable(pts: gpd.GeoSeries, lon, lat, choice, data, reject) -> None:
    """Reject the points the file's CRS cannot turn into degrees (a projection's infinity: a
    stray point of another CRS, or with X and Y swapped, in a file whose CRS was judged on
    the others), naming the coordinates as written; ``lon``/``lat`` become NaN there."""
    bad = pts.index[~(np.isfinite(lon[pts.index]) & np.isfinite(lat[pts.index])).to_numpy()]
    if not len(bad):
        return
    raw = pts[bad].to_numpy()
    x, y = shapely.get_x(raw), shapely.get_y(raw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        turned = gpd.GeoSeries(gpd.points_from_xy(y, x), crs=choice.crs).to_crs(WGS84)
    tx, ty = shapely.get_x(turned.to_numpy()), shapely.get_y(turned.to_numpy())
    swapped = _between(tx, CHINA_LON) & _between(ty, CHINA_LAT)
    lon[bad], lat[bad] = np.nan, np.nan
    for r, a, b, turn in zip(bad, x, y, swapped, strict=True):
        where = f"{_num(a)}, {_num(b)}"
        hint_zh = "X、Y 像是互换了（互换后在中国范围内）" if turn else "可能用了别的坐标系"
        hint_en = "X and Y look swapped (swapped, it lies in China)"
        if not turn:
            hint_en = "it may be in another CRS"
        reject(
            pd.Series(data.index == r, index=data.index),
            lambda _r, w=where, h=hint_zh: (
                f"坐标（{w}）按文件的坐标系 {choice.label} 无法换算为经纬度：{h}；"
                "请检查这一点的坐标"
            ),
            lambda _r, w=where, h=hint_en: (
                f"point ({w}) cannot be read in the file's CRS {choice.label}: {h}; check the "
                "point's coordinates"
            ),
        )


def _refuse_swapped_axes(pts: gpd.GeoSeries, crs: str | None) -> None:
    """Most points' X a latitude and Y a longitude of China: the file's axes are swapped
    (software that writes EPSG:4490/4326 in latitude, longitude order). Said as such rather
    than as the CRS check's "projected metres", which such a file also fails. When at least
    half of the points read as longitude, latitude in China, the swapped ones are the rows'
    mistakes, not the file's: they are rejected one by one (:func:`_check_reach`)."""
    if crs is not None and crs.strip().casefold() not in GCJ02_NAMES:
        return
    if pts.crs is not None and not pts.crs.is_geographic:
        return
    arr = pts.to_numpy()
    x, y = shapely.get_x(arr), shapely.get_y(arr)
    n = len(arr)
    swapped = _between(x, CHINA_LAT) & _between(y, CHINA_LON)
    right = _between(x, CHINA_LON) & _between(y, CHINA_LAT)
    m = int(swapped.sum())
    if not n or 2 * m < n or 2 * int(right.sum()) >= n:
        return
    x0, x1, y0, y1 = x[swapped].min(), x[swapped].max(), y[swapped].min(), y[swapped].max()
    who_zh = "文件中的点" if m == n else f"文件中 {n} 个点有 {m} 个"
    who_en = "the file's points have" if m == n else f"{m} of the file's {n} points have"
    raise ImportFailed(
        f"{who_zh} X 在 {x0:.4g}–{x1:.4g}、Y 在 {y0:.4g}–{y1:.4g}：经度与纬度互换了"
        "（X 应为经度、Y 应为纬度；常见于按“纬度, 经度”轴序写出的 EPSG:4490/4326 文件）。"
        "请在 GIS 中交换坐标轴后再导入",
        f"{who_en} X {x0:.4g}–{x1:.4g} and Y {y0:.4g}–{y1:.4g}: longitude and "
        "latitude are swapped (X must be longitude, Y latitude; software writing EPSG:4490/"
        "4326 in latitude, longitude order does this). Swap the axes in a GIS and import "
        "again",
    )


def _between(values: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    return (values >= bounds[0]) & (values <= bounds[1])


def _metres_from(lon: np.ndarray, lat: np.ndarray, shape, metric) -> np.ndarray:
    """Distance in metres from each (lon, lat) to ``shape`` (already in ``metric``); infinite
    for pairs that are not degrees at all (latitude beyond ±90°)."""
    out = np.full(len(lon), np.inf)
    valid = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
    if valid.any():
        pts = gpd.GeoSeries(gpd.points_from_xy(lon[valid], lat[valid]), crs=WGS84).to_crs(metric)
        d = shapely.distance(pts.to_numpy(), shape)
        out[valid] = np.where(np.isfinite(d), d, np.inf)
    return out


def _num(value: float) -> str:
    """A coordinate as written: degrees to 6 decimals, metres whole, no exponent."""
    if abs(value) >= 1000:
        return f"{value:.0f}"
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _from_dms(value: np.ndarray) -> np.ndarray:
    """``115.0630`` read as 115°06′30″ (degrees, minutes, seconds written as a decimal);
    NaN where the digits cannot be minutes and seconds."""
    deg = np.floor(value)
    minutes_x100 = np.round((value - deg) * 10_000, 6)  # MMSS as a number
    mm = np.floor(minutes_x100 / 100)
    ss = minutes_x100 - mm * 100
    ok = (mm < 60) & (ss < 60)
    return np.where(ok, deg + mm / 60 + ss / 3600, np.nan)


def _far_reason(x: float, y: float, dist: float, cause: str, *, vector: bool) -> Note:
    """Why a point beyond :data:`REACH_KM` is refused, with what to do: ``cause`` is
    ``swapped`` (swapping puts it at the township), ``metres`` (not degrees at all), ``dms``
    (read as degrees-minutes-seconds it lies at the township) or '' (a wrong column or CRS, or
    a point of another place)."""
    where_en = f"({_num(x)}, {_num(y)})"
    where_zh = f"（{where_en[1:-1]}）"
    if cause == "swapped":
        return (
            f"坐标{where_zh}的经度与纬度像是填反了：互换后在乡镇附近；"
            + ("请交换这一点的 X、Y 坐标" if vector else "请交换两列"),
            f"point {where_en}: longitude and latitude look swapped (swapped, it lies at the "
            "township); " + ("swap the point's X and Y" if vector else "swap the two columns"),
        )
    if cause == "metres":
        return (
            f"坐标{where_zh}不是经纬度（像是投影坐标，单位米）："
            + (
                "请检查这一点的坐标，或用 --crs 声明文件的坐标系"
                if vector
                else "表格只收 WGS84 或 GCJ-02 经纬度，投影坐标请先换算或存为矢量文件导入"
            ),
            f"point {where_en} is not longitude/latitude (projected metres?): "
            + (
                "check the point's coordinates, or declare the file's CRS with --crs"
                if vector
                else "tables take WGS84 or GCJ-02 degrees; convert projected coordinates first "
                "or import them as a vector file"
            ),
        )
    if cause == "dms":
        return (
            f"坐标{where_zh}像是把度分秒写成了小数（如 115°06′30″ 写成 115.0630）："
            "按度分秒读则在乡镇附近；请换算为十进制度",
            f"point {where_en} looks like degrees-minutes-seconds written as a decimal "
            "(115°06′30″ as 115.0630): read so it lies at the township; convert to decimal "
            "degrees",
        )
    km_zh = f"距乡镇界 {dist / 1000:,.0f} km，" if np.isfinite(dist) else ""
    km_en = f"{dist / 1000:,.0f} km from the township, " if np.isfinite(dist) else ""
    return (
        f"坐标{where_zh}{km_zh}超出 {REACH_KM:g} km 范围：请检查"
        + (
            "文件的坐标系是否正确（可用 --crs 指定）"
            if vector
            else "经纬度列是否选对、坐标是否为 WGS84 或 GCJ-02 经纬度"
        )
        + "，以及这一点是否属于本乡镇",
        f"point {where_en} is {km_en}beyond the {REACH_KM:g} km reach: check "
        + (
            "the file's CRS (declare it with --crs)"
            if vector
            else "that the longitude/latitude columns are the right ones and hold WGS84 or "
            "GCJ-02 degrees"
        )
        + ", and that the point belongs to this township",
    )


def _check_reach(coords: Coords, data, ok, outline_shape, reject, *, vector: bool) -> list[Note]:
    """Reject points farther than :data:`REACH_KM` from the township, saying the likely cause;
    note those outside it but within reach. Returns the note; ``ok`` is updated in place."""
    lon, lat = coords.lon, coords.lat
    metric = metric_crs(gpd.GeoDataFrame(geometry=[outline_shape], crs=WGS84))
    shape = gpd.GeoSeries([outline_shape], crs=WGS84).to_crs(metric).iloc[0]
    rows = data.index[ok.to_numpy(dtype=bool)]
    x, y = lon[rows].to_numpy(dtype=float), lat[rows].to_numpy(dtype=float)
    dist = _metres_from(x, y, shape, metric)
    reach = REACH_KM * 1000
    far = dist > reach
    swapped = far & (_metres_from(y, x, shape, metric) <= reach)
    metres = far & ~swapped & ((np.abs(x) > 180) | (np.abs(y) > 90))
    with np.errstate(invalid="ignore"):
        read_as_dms = _metres_from(_from_dms(x), _from_dms(y), shape, metric)
    dms = far & ~swapped & ~metres & (read_as_dms <= reach)
    for i in np.flatnonzero(far):
        cause = "swapped" if swapped[i] else "metres" if metres[i] else "dms" if dms[i] else ""
        zh, en = _far_reason(x[i], y[i], dist[i], cause, vector=vector)
        reject(
            pd.Series(data.index == rows[i], index=data.index),
            lambda _r, z=zh: z,
            lambda _r, e=en: e,
        )
    ok.loc[rows[far]] = False
    outside = (dist > 0) & ~far
    if not outside.any():
        return []
    listed = [int(r) for r in rows[outside]]
    worst = float(dist[outside].max()) / 1000
    shown = "、".join(map(str, listed[:10])) + ("…" if len(listed) > 10 else "")
    shown_en = ", ".join(map(str, listed[:10])) + (", …" if len(listed) > 10 else "")
    return [
        (
            f"{len(listed)} 个点在乡镇界之外（最远 {worst:.1f} km），在 {REACH_KM:g} km 范围内照常"
            f"导入（如县医院、县物流中心）：第 {shown} 行",
            f"{len(listed)} point{'s lie' if len(listed) > 1 else ' lies'} outside the township "
            f"outline (at most {worst:.1f} km); "
            f"within {REACH_KM:g} km they are taken (a county hospital, the county logistics "
            f"centre): rows {shown_en}",
        )
    ]


def _points(
    data, code, villages, reject, coords: Coords, outline_shape, *, vector: bool
) -> tuple[list, list[bool], list[Note]]:
    """Each row's point: its coordinates (within reach of the township), else its village's
    anchor point."""
    lon, lat, given = coords.lon, coords.lat, coords.given
    notes = list(coords.notes)
    ok = coords.ok.copy()
    if ok.any():
        notes += _check_reach(coords, data, ok, outline_shape, reject, vector=vector)
    n = len(data)
    anchors = village_anchors(villages)
    geoms: list = [None] * n
    is_anchor = [False] * n
    anchored = 0
    for i, r in enumerate(data.index):
        if ok[r]:
            geoms[i] = Point(float(lon[r]), float(lat[r]))
        elif isinstance(code[r], str) and not given[r]:
            geoms[i] = anchors[code[r]]
            is_anchor[i] = True
            anchored += 1
        elif not given[r]:
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
