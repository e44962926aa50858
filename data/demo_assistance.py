"""The demo's assistance layers (帮扶): cadres, pairings, resident teams, visits, measures,
projects and exit plans of 古陂镇, all synthetic and consistent with the demo's register.

Built by :func:`assistance_layers` from the villages and households of the demo, with a seeded
generator of its own (the same inputs and seed always give the same frames). Names of cadres
and 第一书记 are invented (a surname and two characters from short fixed lists, the approach of
the test corpus of registers); no ID or phone number exists anywhere, and visit notes are
generic. Records of ``year_now`` are dated up to ``as_of`` (the demo's data date, 2025-06-30).

What is made: about one cadre per four paired households (3–5 each), from the township, its
school and clinic and the county unit that helps the village (挂点单位); every checked household
and about 95% of the exited ones paired; resident teams in the poor villages from autumn 2015,
rotated every two to three years; visits (2–4 a year from the pairing year) to the checked
households only; measures for every household (one for its main cause while poor, another
after it fell back or came under monitoring, 易地搬迁 for the relocated, 产业 and 小额信贷 for
many); projects of every village (产业 from 2015 in each poor village, 光伏 and 合作社 in some,
the works its indicators show being done, its 小额信贷 total); a plan year for every
registered household.

Checked with the default ``[assistance]`` rules (households 未脱贫/返贫/监测; a cadre each; two
visits a year; a measure answering the main cause; a team and an 产业/光伏/合作社 project in
every poor village not exited), the demo in 2025 has exactly these deliberate gaps:

- :data:`DEMO_UNPAIRED` — checked households with no cadre (and so no visits at all):
  360722102200-0056 (突发严重困难户 since 2025), 360722102212-0034 (返贫 2022, its cadre moved
  away), 360722102213-0075 (边缘易致贫户 since 2023).
- :data:`DEMO_ONE_VISIT_HOUSEHOLDS` — paired checked households visited only once in 2025:
  360722102001-0028, 360722102201-0047, 360722102204-0057, 360722102208-0042,
  360722102214-0039; :data:`DEMO_ONE_VISIT_HOUSEHOLD` (360722102201-0047, 新屋村, 返贫) is the
  one the browser test opens.
- :data:`DEMO_NO_MATCHING_MEASURE` — checked households with no measure for their cause:
  360722102001-0031 (因病; only an 产业 measure), 360722102202-0012 (缺技术; 兜底保障 and 产业,
  its 培训 measure 已取消), 360722102209-0070 (因病; monitored in 2025, no measure yet).
- :data:`DEMO_NO_TEAM_VILLAGE` — 360722102210 中坑村: its last team left in the autumn of 2024
  and none has come since, so it has no team in 2025. Every poor village exited by 2019, so
  the team rule (villages not exited) does not count it; the gap is for the lists of teams.
  Every other poor village has had a team every day since autumn 2015.
- :data:`DEMO_NO_INDUSTRY_VILLAGE` — 360722102213 圳玄村: no 产业, 光伏 or 合作社 project in
  any year (only 基础设施 and 小额信贷), so the project rule finds it in every year before its
  exit (2018) and no other village in any year (the others have one from 2015).
- :data:`DEMO_BEHIND_PLAN` — 返贫 households whose plan_year (2022) is before 2025:
  360722102208-0008, 360722102209-0017. The other 返贫 households plan 2025 or 2026.
- :data:`DEMO_LATE_EXIT` — exited households planned one year before they exited:
  360722102204-0005, -0008, -0009 (枫树村, planned 2017, exited 2018) and 360722102210-0010,
  -0014 (中坑村, planned 2018, exited 2019). Every other registered household that has exited
  planned its exit year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from ..geo.crs import to_metric
from ..geo.schema import INDICATOR_FLAGS, LAYERS, WGS84

#: Seed of the assistance layers' generator (the demo passes its own seed + 2).
ASSISTANCE_SEED = 2016

DEMO_UNPAIRED = ("360722102200-0056", "360722102212-0034", "360722102213-0075")
DEMO_ONE_VISIT_HOUSEHOLDS = (
    "360722102001-0028",
    "360722102201-0047",
    "360722102204-0057",
    "360722102208-0042",
    "360722102214-0039",
)
DEMO_ONE_VISIT_HOUSEHOLD = "360722102201-0047"
DEMO_NO_MATCHING_MEASURE = ("360722102001-0031", "360722102202-0012", "360722102209-0070")
DEMO_NO_TEAM_VILLAGE = "360722102210"
DEMO_NO_INDUSTRY_VILLAGE = "360722102213"
DEMO_BEHIND_PLAN = ("360722102208-0008", "360722102209-0017")
DEMO_LATE_EXIT = (
    "360722102204-0005",
    "360722102204-0008",
    "360722102204-0009",
    "360722102210-0010",
    "360722102210-0014",
)

#: The statuses ``[assistance] statuses`` of the default rules checks.
CHECKED_STATUSES = ("未脱贫", "返贫", "监测")

#: The measures of the gap households, fixed: (type, year, status); none answers the cause.
_GAP_MEASURES: dict[str, tuple[tuple[str, int, str], ...]] = {
    "360722102001-0031": (("产业", 2022, "已完成"),),
    "360722102202-0012": (
        ("兜底保障", 2015, "已完成"),
        ("产业", 2016, "已完成"),
        ("培训", 2022, "已取消"),
    ),
    "360722102209-0070": (),
}

# Invented names: the surnames and given-name characters of the test corpus of registers.
_SURNAMES = "赖刘陈李张王黄曾谢钟郭罗肖邱廖温朱何"
_GIVEN = "春秋明华平安建国红英秀兰金水德福生桂林发荣永祥文武"

_TOWN = "古陂镇人民政府"
_SCHOOL = "古陂镇中心小学"
_CLINIC = "古陂镇卫生院"
#: The county unit that helps each village (挂点单位): it sends the poor villages' teams.
_ANCHOR_UNITS = {
    "新屋村": "信丰县发展和改革委员会",
    "李田村": "信丰县农业农村局",
    "枫树村": "信丰县交通运输局",
    "天光村": "国网信丰县供电公司",
    "余村村": "信丰县水利局",
    "中坑村": "信丰县教育局",
    "圳玄村": "信丰县财政局",
    "石背村": "信丰县住房和城乡建设局",
}
_OTHER_ANCHORS = (
    "信丰县卫生健康委员会",
    "信丰县人力资源和社会保障局",
    "信丰县林业局",
    "信丰县民政局",
    "信丰县自然资源局",
    "信丰县乡村振兴局",
    "信丰农村商业银行",
)
_POSTS = {
    "县": (("科员", "主任科员", "股长", "副局长", "办公室主任"), (0.45, 0.2, 0.2, 0.1, 0.05)),
    "供电": (("员工", "班长", "供电所所长", "副经理"), (0.5, 0.25, 0.15, 0.1)),
    "银行": (("客户经理", "员工", "副行长"), (0.5, 0.4, 0.1)),
    "镇": (("科员", "办事员", "农技站站长", "财政所所长", "社保所所长"), (0.5, 0.2, 0.1, 0.1, 0.1)),
    "校": (("教师", "教导主任", "副校长"), (0.75, 0.15, 0.1)),
    "院": (("医生", "护士长", "副院长"), (0.75, 0.15, 0.1)),
}
#: Township leaders in charge of a village (包村), one per village in turn.
_LEADER_POSTS = (
    "副镇长",
    "党委副书记",
    "组织委员",
    "宣传委员",
    "武装部长",
    "纪委书记",
    "人大副主席",
)

_VISIT_NOTES = (
    "宣讲政策，了解产业发展情况",
    "了解家庭收入和务工情况",
    "核实两不愁三保障落实情况",
    "了解子女就学情况",
    "落实医疗报销政策",
    "了解住房和饮水安全情况",
    "指导种养技术",
    "帮助联系务工岗位",
    "核对收入，更新明白卡",
    "节日慰问",
)
_LATER_NOTES = ("宣讲防返贫监测政策", "核查风险消除情况")  # the monitoring of 2021 on

#: Measures that answer each cause (types of ``[assistance.cause_measures]``), with weights.
_CAUSE_MEASURES: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "01": (("健康", "兜底保障"), (0.75, 0.25)),
    "02": (("健康", "兜底保障", "就业", "光伏"), (0.3, 0.3, 0.2, 0.2)),
    "03": (("教育",), (1.0,)),
    "04": (("住房", "产业", "兜底保障"), (0.6, 0.3, 0.1)),
    "05": (("产业", "就业", "光伏"), (0.5, 0.3, 0.2)),
    "06": (("饮水", "易地搬迁"), (0.7, 0.3)),
    "07": (("培训", "就业"), (0.6, 0.4)),
    "08": (("兜底保障", "光伏", "生态", "产业"), (0.5, 0.25, 0.15, 0.1)),
    "09": (("小额信贷", "产业"), (0.7, 0.3)),
    "10": (("产业", "就业"), (0.5, 0.5)),
    "11": (("就业", "培训", "产业", "生态"), (0.4, 0.2, 0.2, 0.2)),
}
_PROTECTED = ("低保户", "特困供养户")  # categories under policy protection: 兜底 comes first
_INDUSTRY_SHARE = {"一般贫困户": 0.7, "低保贫困户": 0.7, "低保户": 0.4, "特困供养户": 0.05}

#: What a village's industry projects grow or raise: (product, project name).
_PRODUCTS = (
    ("脐橙", "脐橙种植基地"),
    ("蔬菜", "蔬菜大棚基地"),
    ("油茶", "油茶低产林改造"),
    ("生猪", "生猪代养场"),
    ("肉牛", "肉牛养殖场"),
    ("食用菌", "食用菌种植基地"),
    ("红瓜子", "红瓜子种植基地"),
    ("百香果", "百香果种植基地"),
    ("白莲", "白莲种植基地"),
    ("中药材", "中药材种植基地"),
)
#: Infrastructure a project builds, by indicator flag: name and budget range (万元).
_WORKS = {
    "road_hardened": ("通村公路硬化工程", 60.0, 300.0),
    "safe_water": ("安全饮水巩固提升工程", 10.0, 80.0),
    "broadband": ("宽带网络覆盖工程", 5.0, 20.0),
    "power": ("农网改造升级工程", 20.0, 80.0),
    "activity_centre": ("村级活动场所建设", 20.0, 60.0),
    "clinic": ("村卫生室标准化建设", 10.0, 30.0),
    "bus": ("农村客运招呼站建设", 2.0, 8.0),
}


def assistance_layers(
    villages: gpd.GeoDataFrame,
    households: pd.DataFrame,
    year_now: int,
    *,
    as_of: str | None = None,
    indicators: pd.DataFrame | None = None,
    relocations: pd.DataFrame | None = None,
    seed: int = ASSISTANCE_SEED,
) -> dict[str, pd.DataFrame]:
    """Synthetic assistance layers of the demo township, with the gaps the module lists.

    Parameters
    ----------
    villages, households
        The demo's villages (with geometry) and register.
    year_now
        The year the demo describes; records run from 2015 to this year.
    as_of
        Last date of the records (ISO); defaults to 30 June of ``year_now``.
    indicators, relocations
        The demo's yearly indicators (infrastructure projects follow them) and relocations
        (relocated households get an 易地搬迁 measure); optional.
    seed
        Seed of the generator.

    Returns
    -------
    dict of str to DataFrame
        ``cadres``, ``pairings``, ``village_teams``, ``visits``, ``measures``, ``exit_plans``
        and ``projects`` (a GeoDataFrame of points in EPSG:4326), in the schema's columns.
    """
    until = dt.date.fromisoformat(as_of) if as_of else dt.date(year_now, 6, 30)
    if until.year != year_now:
        raise ValueError(f"as_of {until} is not in year_now {year_now}")
    hh = households.sort_values("household_id").reset_index(drop=True)
    _check_gaps(villages, hh, year_now)
    names = _Names(np.random.default_rng([seed, 0]))
    teams, secretaries = _teams(np.random.default_rng([seed, 1]), villages, until, names)
    cadres, pairings = _cadres_and_pairings(
        np.random.default_rng([seed, 2]), villages, hh, secretaries, year_now, names
    )
    visits = _visits(np.random.default_rng([seed, 3]), hh, pairings, year_now, until)
    measures = _measures(np.random.default_rng([seed, 4]), hh, year_now, relocations)
    projects = _projects(
        np.random.default_rng([seed, 5]), villages, hh, measures, year_now, indicators
    )
    out = {
        "cadres": cadres,
        "pairings": pairings,
        "village_teams": teams,
        "visits": visits,
        "measures": measures,
        "projects": projects,
        "exit_plans": _exit_plans(hh, year_now),
    }
    for name, frame in out.items():
        geometry = ["geometry"] if isinstance(frame, gpd.GeoDataFrame) else []
        out[name] = frame[[*LAYERS[name].names, *geometry]]
    return out


# ----------------------------------------------------------------------------- helpers
def _check_gaps(villages: pd.DataFrame, hh: pd.DataFrame, year_now: int) -> None:
    """The gap constants name records of this register as the docstring describes them."""
    by_id = hh.set_index("household_id")
    checked = [*DEMO_UNPAIRED, *DEMO_ONE_VISIT_HOUSEHOLDS, *DEMO_NO_MATCHING_MEASURE]
    for hid in checked:
        if hid not in by_id.index or by_id.at[hid, "status"] not in CHECKED_STATUSES:
            raise ValueError(f"demo assistance: {hid} is not a checked household")
    for hid in DEMO_BEHIND_PLAN:
        back = by_id.at[hid, "return_year"] if hid in by_id.index else None
        if pd.isna(back) or not back + 1 < year_now:
            raise ValueError(f"demo assistance: {hid} did not fall back before {year_now - 1}")
    for hid in DEMO_LATE_EXIT:
        row = by_id.loc[hid] if hid in by_id.index else None
        if (
            row is None
            or row["status"] != "已脱贫"
            or not (row["exit_year"] - 1 > row["identified_year"])
        ):
            raise ValueError(f"demo assistance: {hid} cannot have exited a year late")
    poor = set(villages.loc[villages["poor_village"].astype(bool), "code"])
    for code in (DEMO_NO_TEAM_VILLAGE, DEMO_NO_INDUSTRY_VILLAGE):
        if code not in poor:
            raise ValueError(f"demo assistance: {code} is not a poor village")


class _Names:
    """Invented personal names, never the same twice."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.used: set[str] = set()

    def take(self) -> str:
        while True:
            given = self.rng.choice(list(_GIVEN), size=2, replace=False)
            name = str(self.rng.choice(list(_SURNAMES))) + "".join(given)
            if name not in self.used:
                self.used.add(name)
                return name


def _anchor(villages: pd.DataFrame) -> dict[str, str]:
    """The 挂点单位 of each village code."""
    out, others = {}, iter(_OTHER_ANCHORS * 3)
    for code, name in zip(villages["code"], villages["name"], strict=True):
        out[code] = _ANCHOR_UNITS.get(name) or next(others)
    return out


def _post(rng: np.random.Generator, unit: str) -> str:
    """A post in ``unit``, as its kind of unit has them."""
    if unit == _TOWN:
        kind = "镇"
    elif unit == _SCHOOL:
        kind = "校"
    elif unit == _CLINIC:
        kind = "院"
    elif "供电" in unit:
        kind = "供电"
    elif "银行" in unit:
        kind = "银行"
    else:
        kind = "县"
    posts, p = _POSTS[kind]
    return str(rng.choice(posts, p=p))


def _is_checked(status: object) -> bool:
    return status in CHECKED_STATUSES


def _start_year(row) -> int:
    """First year a household could be helped: identified (from 2015) or first monitored."""
    if pd.notna(row.identified_year):
        return max(int(row.identified_year), 2015)
    return int(row.monitor_year)


def _day(rng: np.random.Generator, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=int(rng.integers(0, (last - first).days + 1)))


# ----------------------------------------------------------------------------- teams
def _teams(
    rng: np.random.Generator, villages: pd.DataFrame, until: dt.date, names: _Names
) -> tuple[pd.DataFrame, dict[str, tuple[str, int]]]:
    """Resident teams of the poor villages from autumn 2015, rotated every two to three years.

    Returns the teams and the current 第一书记 of each village with one (name, since year).
    """
    anchors = _anchor(villages)
    rows: list[dict] = []
    current: dict[str, tuple[str, int]] = {}
    for code in villages.loc[villages["poor_village"].astype(bool), "code"]:
        # the first 第一书记 arrived in autumn 2015, so every year checked has a team
        start = _day(rng, dt.date(2015, 8, 1), dt.date(2015, 11, 30))
        mine: list[dict] = []
        while start <= until:
            nxt = start + dt.timedelta(days=int(rng.integers(730, 1096)))
            mine.append(
                {
                    "village_code": code,
                    "start_date": start.isoformat(),
                    "team_unit": anchors[code],
                    "first_secretary": names.take(),
                    "members": int(rng.choice([2, 3])),
                    "end_date": (nxt - dt.timedelta(days=1)).isoformat() if nxt <= until else None,
                }
            )
            start = nxt
        if code == DEMO_NO_TEAM_VILLAGE:
            # the last team left in the autumn before year_now and none has come since
            year = until.year - 1
            left = _day(rng, dt.date(year, 9, 1), dt.date(year, 12, 31))
            mine = [t for t in mine if dt.date.fromisoformat(t["start_date"]) < left]
            if mine[-1]["end_date"] is None or mine[-1]["end_date"] > left.isoformat():
                mine[-1]["end_date"] = left.isoformat()
        else:
            last = mine[-1]
            current[code] = (last["first_secretary"], int(last["start_date"][:4]))
        rows += mine
    return pd.DataFrame(rows), current


# ----------------------------------------------------------------------------- cadres
def _group_sizes(rng: np.random.Generator, n: int) -> list[int]:
    """Sizes of three to five households summing to ``n`` (one group when ``n`` < 3)."""
    if n < 3:
        return [n] if n else []
    k = round(n / rng.uniform(3.4, 4.4))
    k = min(max(k, -(-n // 5)), n // 3)
    sizes = np.full(k, 3)
    for _ in range(n - 3 * k):
        sizes[rng.choice(np.flatnonzero(sizes < 5))] += 1
    return sizes.tolist()


def _cadres_and_pairings(
    rng: np.random.Generator,
    villages: pd.DataFrame,
    hh: pd.DataFrame,
    secretaries: dict[str, tuple[str, int]],
    year_now: int,
    names: _Names,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Township leaders (第一责任人), per village a leader in charge (包村) and the current
    第一书记 (直接责任人), and cadres paired with three to five households (帮扶责任人)."""
    anchors = _anchor(villages)
    cadres: list[dict] = [
        {
            "cadre_id": f"C{i + 1:03d}",
            "cadre_name": names.take(),
            "unit": _TOWN,
            "post": post,
            "responsibility": "第一责任人",
            "village_code": None,
        }
        for i, post in enumerate(("党委书记", "镇长"))
    ]
    pairings: list[dict] = []
    unpaired = set(DEMO_UNPAIRED)
    for k, code in enumerate(villages["code"]):
        mine = hh[hh["village_code"] == code]
        keep = [
            _is_checked(r.status) or rng.random() >= 0.05  # most exited households too
            for r in mine.itertuples()
        ]
        mine = mine[np.array(keep) & ~mine["household_id"].isin(unpaired).to_numpy()]
        mine = mine.iloc[rng.permutation(len(mine))]
        sizes = _group_sizes(rng, len(mine))
        at = 0
        for g, size in enumerate(sizes):
            if g == 0:
                unit, post, role = _TOWN, _LEADER_POSTS[k % len(_LEADER_POSTS)], "直接责任人"
                name, since = names.take(), int(rng.choice([2015, 2018, 2021, 2023]))
            elif g == 1 and code in secretaries:
                unit, post, role = anchors[code], "驻村第一书记", "直接责任人"
                name, since = secretaries[code]
            else:
                unit = str(
                    rng.choice([anchors[code], _TOWN, _SCHOOL, _CLINIC], p=[0.55, 0.3, 0.1, 0.05])
                )
                post, role, name = _post(rng, unit), "帮扶责任人", names.take()
                since = int(
                    rng.choice([2015, 2016, 2018, 2021, 2023], p=[0.5, 0.15, 0.1, 0.15, 0.1])
                )
            cadre_id = f"C{len(cadres) + 1:03d}"
            cadres.append(
                {
                    "cadre_id": cadre_id,
                    "cadre_name": name,
                    "unit": unit,
                    "post": post,
                    "responsibility": role,
                    "village_code": code,
                }
            )
            for r in mine.iloc[at : at + size].itertuples():
                pairings.append(
                    {
                        "household_id": r.household_id,
                        "cadre_id": cadre_id,
                        "since_year": min(year_now, max(since, _start_year(r))),
                    }
                )
            at += size
    frame = pd.DataFrame(pairings).sort_values("household_id", ignore_index=True)
    return pd.DataFrame(cadres), frame


# ----------------------------------------------------------------------------- visits
def _visits(
    rng: np.random.Generator,
    hh: pd.DataFrame,
    pairings: pd.DataFrame,
    year_now: int,
    until: dt.date,
) -> pd.DataFrame:
    """Two to four visits a year to each paired household checked, from its pairing year."""
    paired = pairings.set_index("household_id")
    rows: list[dict] = []
    for r in hh.itertuples():
        if not _is_checked(r.status) or r.household_id not in paired.index:
            continue
        cadre, since = (
            paired.at[r.household_id, "cadre_id"],
            paired.at[r.household_id, "since_year"],
        )
        for year in range(int(since), year_now + 1):
            first = dt.date(year, 1, 1)
            last = until if year == year_now else dt.date(year, 12, 31)
            if year < year_now:
                n = int(rng.choice([2, 3, 4], p=[0.35, 0.4, 0.25]))
            elif r.household_id in DEMO_ONE_VISIT_HOUSEHOLDS:
                n = 1
            else:
                n = int(rng.choice([2, 3], p=[0.6, 0.4]))
            span = (last - first).days + 1
            days = np.sort(rng.choice(span, size=min(n, span), replace=False))
            notes = _VISIT_NOTES + (_LATER_NOTES if year >= 2021 else ())
            for d in days:
                rows.append(
                    {
                        "household_id": r.household_id,
                        "visit_date": (first + dt.timedelta(days=int(d))).isoformat(),
                        "cadre_id": cadre,
                        "note": str(rng.choice(notes)),
                    }
                )
    frame = pd.DataFrame(rows)
    frame.insert(0, "visit_id", [f"V{i + 1:05d}" for i in range(len(frame))])
    return frame


# ----------------------------------------------------------------------------- measures
def _amount(rng: np.random.Generator, kind: str, size: int) -> float | None:
    """A plausible amount in 元 for a measure of ``kind`` (None: no money, e.g. free training)."""
    if kind == "产业":
        return float(rng.integers(10, 51) * 100)
    if kind == "教育":  # 雨露计划 3000 a year, or a school grant
        return float(rng.choice([3000, 3000, 1000, 1500, 2500]))
    if kind == "小额信贷":
        return float(rng.choice([20000, 30000, 50000], p=[0.2, 0.3, 0.5]))
    if kind == "健康":
        return float(rng.integers(8, 151) * 100)
    if kind == "住房":
        return float(rng.choice([15000, 20000, 30000, 40000]))
    if kind == "饮水":
        return float(rng.integers(5, 26) * 100)
    if kind == "易地搬迁":  # 人均 2 万元 for building
        return 20000.0 * size
    if kind == "光伏":
        return 3000.0
    if kind == "生态":  # 生态护林员, a year
        return 10000.0
    if kind == "兜底保障":
        return float(rng.integers(24, 73) * 100)
    if kind == "就业":
        return float(rng.choice([6000, 7200, 9600, 500, 1000]))
    if kind == "培训":
        return None if rng.random() < 0.3 else float(rng.integers(3, 16) * 100)
    return float(rng.integers(5, 21) * 100)


def _cause_measure(rng: np.random.Generator, cause: str, category: object) -> str:
    kinds, weights = _CAUSE_MEASURES.get(cause, (("其他", "产业"), (0.5, 0.5)))
    p = np.array(weights)
    if category in _PROTECTED and "兜底保障" in kinds:
        p[kinds.index("兜底保障")] *= 3
    return str(rng.choice(kinds, p=p / p.sum()))


def _measures(
    rng: np.random.Generator,
    hh: pd.DataFrame,
    year_now: int,
    relocations: pd.DataFrame | None,
) -> pd.DataFrame:
    """Each household's measures: one for its main cause while poor, one more after it fell
    back or came under monitoring, relocation, and 产业 or 小额信贷 for many."""
    moved: dict[tuple[str, str], int] = {}
    if relocations is not None:
        moved = {(r.site_id, r.origin_code): int(r.year) for r in relocations.itertuples()}
    rows: list[dict] = []

    def add(hid: str, kind: str, year: int, size: int, status: str | None = None) -> None:
        if year > year_now:
            return
        if status is None:
            status = (
                "已完成" if year < year_now else str(rng.choice(["实施中", "计划"], p=[0.7, 0.3]))
            )
        rows.append(
            {
                "household_id": hid,
                "measure_type": kind,
                "year": year,
                "amount": _amount(rng, kind, size),
                "status": status,
            }
        )

    for r in hh.itertuples():
        size = int(r.size)
        if r.household_id in _GAP_MEASURES:
            for kind, year, status in _GAP_MEASURES[r.household_id]:
                add(r.household_id, kind, year, size, status)
            continue
        start = _start_year(r)
        end = int(r.exit_year) if pd.notna(r.exit_year) else year_now
        start = min(start, end)
        add(
            r.household_id,
            _cause_measure(rng, r.cause, r.category),
            int(rng.integers(start, end + 1)),
            size,
        )
        site = r.relocation_site
        if pd.notna(site) and (site, r.village_code) in moved:
            add(r.household_id, "易地搬迁", moved[(site, r.village_code)], size)
        if rng.random() < _INDUSTRY_SHARE.get(r.category, 0.3):
            # a few industry measures fell through (the household gave up the plan)
            cancelled = "已取消" if rng.random() < 0.02 else None
            add(r.household_id, "产业", int(rng.integers(start, end + 1)), size, cancelled)
        if r.category in ("一般贫困户", "低保贫困户") and r.cause != "09" and rng.random() < 0.2:
            add(r.household_id, "小额信贷", int(rng.integers(start, end + 1)), size)
        again = r.return_year if r.status == "返贫" else r.monitor_year
        if pd.notna(r.identified_year) and _is_checked(r.status) and pd.notna(again):
            add(r.household_id, _cause_measure(rng, r.cause, r.category), int(again), size)
    frame = pd.DataFrame(rows)
    frame.insert(0, "measure_id", [f"M{i + 1:05d}" for i in range(len(frame))])
    return frame


# ----------------------------------------------------------------------------- projects
def _projects(
    rng: np.random.Generator,
    villages: gpd.GeoDataFrame,
    hh: pd.DataFrame,
    measures: pd.DataFrame,
    year_now: int,
    indicators: pd.DataFrame | None,
) -> gpd.GeoDataFrame:
    """Each village's projects: 产业 (1–2 in a poor village), 光伏 and 合作社 in some, the
    infrastructure its indicators show being built, and its 小额信贷 total."""
    registered = hh[hh["category"].notna()].groupby("village_code").size()
    loans = measures[(measures["measure_type"] == "小额信贷") & (measures["status"] != "已取消")]
    loans = loans.assign(village_code=loans["household_id"].str[:12])
    rows: list[dict] = []

    def add(code, name, kind, year, budget, households, poor, status=None) -> None:
        if status is None:
            if year < year_now - 1 or (year == year_now - 1 and rng.random() < 0.8):
                status = "完工"
            else:
                status = (
                    str(rng.choice(["在建", "计划"], p=[0.6, 0.4])) if year == year_now else "在建"
                )
        budget = round(float(budget), 1)
        if kind == "小额信贷":  # the households' loans, all paid out
            spent = budget
        elif status == "完工":
            spent = budget if rng.random() < 0.85 else round(budget * rng.uniform(0.9, 0.99), 2)
        elif status == "在建":
            spent = round(budget * rng.uniform(0.3, 0.8), 2)
        else:
            spent = 0.0
        rows.append(
            {
                "village_code": code,
                "name": name,
                "project_type": kind,
                "year": int(year),
                "budget": budget,
                "spent": spent,
                "households": int(households),
                "poor_households": int(min(poor, households)),
                "status": status,
            }
        )

    for v in villages.itertuples():
        poor_n = int(registered.get(v.code, 0))
        last = int(v.exit_year) if pd.notna(v.exit_year) else 2020
        products = [_PRODUCTS[i] for i in rng.permutation(len(_PRODUCTS))]
        if v.poor_village and v.code != DEMO_NO_INDUSTRY_VILLAGE:
            for k in range(int(rng.integers(1, 3))):
                n = int(rng.integers(30, 121))
                # the first in 2015, so every year checked has one; a second since 2021
                year = 2015 if k == 0 else int(rng.integers(2021, year_now + 1))
                poor = rng.integers(poor_n // 4, poor_n // 2 + 1)
                name = f"{v.name}{products[k][1]}"
                add(v.code, name, "产业", year, rng.uniform(20, 150), n, poor)
            if rng.random() < 0.6:
                n = int(rng.integers(20, max(21, min(61, poor_n))))
                year = int(rng.integers(2016, 2019))
                add(v.code, f"{v.name}村级光伏扶贫电站", "光伏", year, rng.uniform(40, 120), n, n)
            if rng.random() < 0.5:
                n = int(rng.integers(15, 81))
                year, poor = int(rng.integers(2016, last + 1)), rng.integers(5, max(6, poor_n // 2))
                name = f"{v.name}{products[2][0]}专业合作社"
                add(v.code, name, "合作社", year, rng.uniform(10, 50), n, poor)
        elif not v.poor_village and v.kind == "村" and rng.random() < 0.5:
            n = int(rng.integers(20, 81))
            year, poor = int(rng.integers(2016, year_now + 1)), rng.integers(2, max(3, poor_n // 3))
            add(v.code, f"{v.name}{products[0][1]}", "产业", year, rng.uniform(15, 80), n, poor)
        if indicators is not None:
            for flag, year in _works(indicators, v.code, year_now):
                title, low, high = _WORKS[flag]
                status = "在建" if year == year_now else "完工"
                budget = rng.uniform(low, high)
                add(
                    v.code,
                    f"{v.name}{title}",
                    "基础设施",
                    year,
                    budget,
                    v.households,
                    poor_n,
                    status,
                )
        mine = loans[loans["village_code"] == v.code]
        if len(mine):
            first, final = int(mine["year"].min()), int(mine["year"].max())
            span = f"{first}年" if first == final else f"{first}–{final}年"
            n = mine["household_id"].nunique()
            status = "完工" if final < year_now else "在建"
            total = mine["amount"].sum() / 1e4
            add(v.code, f"{v.name}扶贫小额信贷（{span}）", "小额信贷", final, total, n, n, status)
    frame = pd.DataFrame(rows).sort_values(["village_code", "year"], kind="stable")
    frame = frame.reset_index(drop=True)
    frame.insert(0, "project_id", [f"P{i + 1:03d}" for i in range(len(frame))])
    points = _points(rng, villages, frame["village_code"])
    return gpd.GeoDataFrame(frame, geometry=points.to_crs(WGS84).to_numpy(), crs=WGS84)


def _works(indicators: pd.DataFrame, code: str, year_now: int) -> Iterable[tuple[str, int]]:
    """(flag, year) of each work a village's indicators show: the year a flag came to be met
    (from 2015), or ``year_now`` for one still unmet then (being built)."""
    mine = indicators[(indicators["village_code"] == code) & (indicators["year"] <= year_now)]
    mine = mine.sort_values("year")
    for flag in INDICATOR_FLAGS:
        if flag not in _WORKS:
            continue
        met = mine[flag].fillna(False).astype(bool).to_numpy()
        years = mine["year"].astype(int).to_numpy()
        for y, now, before in zip(years[1:], met[1:], met[:-1], strict=True):
            if now and not before and y >= 2015:
                yield flag, int(y)
        if len(met) and not met[-1]:
            yield flag, year_now


def _points(
    rng: np.random.Generator, villages: gpd.GeoDataFrame, codes: pd.Series
) -> gpd.GeoSeries:
    """A point inside each village (150 m from its edge), scattered around a representative
    point, so a village's projects do not sit on one spot."""
    metric = to_metric(villages)
    inner = {
        code: geom.buffer(-150) if not geom.buffer(-150).is_empty else geom
        for code, geom in zip(metric["code"], metric.geometry, strict=True)
    }
    out = []
    for code in codes:
        area = inner[code]
        centre = area.representative_point()
        point = centre
        for _ in range(50):
            candidate = Point(centre.x + rng.normal(0, 700), centre.y + rng.normal(0, 700))
            if area.contains(candidate):
                point = candidate
                break
        out.append(point)
    return gpd.GeoSeries(out, crs=metric.crs)


# ----------------------------------------------------------------------------- exit plans
def _exit_plans(hh: pd.DataFrame, year_now: int) -> pd.DataFrame:
    """A planned exit year for every registered household: its exit year (a year earlier
    for :data:`DEMO_LATE_EXIT`); for one fallen back, a year to exit again (the year after it
    fell back for :data:`DEMO_BEHIND_PLAN`)."""
    rows = []
    for r in hh[hh["category"].notna()].itertuples():
        if r.status == "返贫" or pd.isna(r.exit_year):
            back = int(r.return_year) if pd.notna(r.return_year) else year_now
            plan = back + 1 if r.household_id in DEMO_BEHIND_PLAN else max(year_now, back + 3)
        else:
            plan = int(r.exit_year) - (r.household_id in DEMO_LATE_EXIT)
        rows.append({"household_id": r.household_id, "plan_year": plan})
    return pd.DataFrame(rows)
