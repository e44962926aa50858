"""The demo's registered poor households (exact totals by category), the monitored households
added since 2021, and every household's members: all synthetic, drawn from the demo's seeded
generator in a fixed order (so the same seed always gives the same households).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..geo.schema import LAYERS
from .demo_township import REGISTERED_BY_CATEGORY, UNITS, Unit


def _sizes(rng: np.random.Generator, n: int, total: int, mean_hint: float, low: int, high: int):
    """``n`` household sizes in ``[low, high]`` summing to exactly ``total``."""
    sizes = np.clip(np.rint(rng.normal(mean_hint, 1.1, n)), low, high).astype(int)
    while sizes.sum() != total:
        i = rng.integers(n)
        if sizes.sum() < total and sizes[i] < high:
            sizes[i] += 1
        elif sizes.sum() > total and sizes[i] > low:
            sizes[i] -= 1
    return sizes


def _largest_remainder(weights: np.ndarray, n: int) -> np.ndarray:
    quota = weights / weights.sum() * n
    counts = np.floor(quota).astype(int)
    order = np.argsort(-(quota - counts), kind="stable")
    counts[order[: n - counts.sum()]] += 1
    return counts


_CAUSES = ("01", "02", "03", "04", "05", "07", "08", "09", "10", "11")
_CAUSE_P = (0.38, 0.13, 0.10, 0.02, 0.02, 0.12, 0.09, 0.09, 0.03, 0.02)
_CAUSE_TEKUN = (("08", "02", "01"), (0.60, 0.30, 0.10))

#: Exit year weights of development households and of households under policy protection.
_EXIT_P = {2015: 0.05, 2016: 0.17, 2017: 0.25, 2018: 0.28, 2019: 0.18, 2020: 0.07}
_EXIT_DIBAO = {2016: 0.08, 2017: 0.17, 2018: 0.30, 2019: 0.30, 2020: 0.15}
_EXIT_TEKUN = {2019: 0.6, 2020: 0.4}

#: Relocation plan: (site, origin village, households, year).
_RELOCATION_PLAN = (
    ("S01", "金盆山居委会", 14, 2016),
    ("S01", "中坑村", 24, 2017),
    ("S01", "石背村", 22, 2017),
    ("S02", "余村村", 16, 2018),
    ("S02", "中坑村", 10, 2018),
)


def _pick_year(rng: np.random.Generator, weights: dict[int, float], lo: int, hi: int) -> int:
    years = [y for y in weights if lo <= y <= hi]
    if not years:
        return max(lo, min(hi, max(weights)))
    p = np.array([weights[y] for y in years])
    return int(rng.choice(years, p=p / p.sum()))


#: Units in the order of :data:`UNITS`: households are listed unit by unit.
_UNIT_ORDER = {u.code: i for i, u in enumerate(UNITS)}


def _households(rng: np.random.Generator) -> pd.DataFrame:
    """Registered poor households (exact totals by category) and extra monitored households."""
    hh = _registered(rng)
    _relocate(rng, hh)
    reg = pd.DataFrame([_register_row(rng, row) for _, row in hh.iterrows()])
    _poor_village_flags(rng, reg)
    _fell_back_and_unstable(rng, reg)
    return _numbered(reg, _monitored_extra(rng))


def _registered(rng: np.random.Generator) -> pd.DataFrame:
    """The registered households of each category (unit, size), spread over the units by
    their poor, shuffled, then listed unit by unit."""
    pops = np.array([u.population for u in UNITS], dtype=float)
    poor_weight = np.array([u.population * u.incidence for u in UNITS])
    rows: list[dict] = []
    specs = {
        "一般贫困户": (3.6, 1, 8, poor_weight),
        "低保贫困户": (3.9, 1, 7, poor_weight),
        "低保户": (3.0, 1, 6, poor_weight),
        "特困供养户": (1.0, 1, 2, pops * np.array([0.6 + 4 * u.incidence for u in UNITS])),
    }
    for category, (n, total) in REGISTERED_BY_CATEGORY.items():
        mean, low, high, weight = specs[category]
        if category == "特困供养户":
            sizes = np.ones(n, dtype=int)
            sizes[: total - n] = 2
            rng.shuffle(sizes)
        else:
            sizes = _sizes(rng, n, total, mean, low, high)
        counts = _largest_remainder(weight, n)
        villages = np.repeat(np.arange(len(UNITS)), counts)
        rng.shuffle(villages)
        for size, v in zip(sizes, villages, strict=True):
            rows.append({"unit": UNITS[v], "size": int(size), "category": category})

    hh = pd.DataFrame(rows)
    hh = hh.iloc[rng.permutation(len(hh))].reset_index(drop=True)
    hh["_order"] = hh["unit"].map(lambda u: _UNIT_ORDER[u.code])
    return hh.sort_values("_order", kind="stable").reset_index(drop=True)


def _relocate(rng: np.random.Generator, hh: pd.DataFrame) -> None:
    """Households of the origin villages moved to each site (五保 households go to care homes)."""
    hh["relocation_site"] = None
    hh["_reloc_year"] = 0
    for site, origin, n, year in _RELOCATION_PLAN:
        free = hh.index[
            (hh["unit"].map(lambda u: u.name) == origin)
            & (hh["category"] != "特困供养户")
            & hh["relocation_site"].isna()
        ]
        if len(free) < n:
            raise RuntimeError(f"demo: {origin} has only {len(free)} households to relocate")
        chosen = rng.choice(free, size=n, replace=False)
        hh.loc[chosen, "relocation_site"] = site
        hh.loc[chosen, "_reloc_year"] = year


def _register_row(rng: np.random.Generator, row: pd.Series) -> dict:
    """One registered household as the register has it after exit: years, cause, house, water
    and income drawn for its category and unit."""
    u: Unit = row["unit"]
    cat = row["category"]
    reloc_year = int(row["_reloc_year"]) or None
    hi = u.exit_year or 2020
    ident = int(rng.choice([2014, 2015, 2016], p=[0.85, 0.10, 0.05]))
    if reloc_year is not None or ident >= hi:
        ident = 2014
    lo = max(ident + 1, 2015, reloc_year or 0)
    table = {"特困供养户": _EXIT_TEKUN, "低保户": _EXIT_DIBAO}.get(cat, _EXIT_P)
    exit_year = _pick_year(rng, table, lo, hi)
    if cat == "特困供养户":
        cause = str(rng.choice(_CAUSE_TEKUN[0], p=_CAUSE_TEKUN[1]))
    else:
        cause = str(rng.choice(_CAUSES, p=_CAUSE_P))
    remote = u.poor_level is not None or u.name == "金盆山居委会"
    early = ident == 2014
    dangerous = bool(early and rng.random() < (0.22 if remote else 0.08))
    unsafe = bool(early and remote and rng.random() < 0.12)
    if reloc_year is not None:
        dangerous = dangerous or rng.random() < 0.7
    if cat == "一般贫困户" or cat == "低保贫困户":
        income = rng.uniform(5200, 12000)
    elif cat == "低保户":
        income = rng.uniform(4300, 8200)
    else:
        income = rng.uniform(4100, 6600)
    return {
        "village_code": u.code,
        "size": row["size"],
        "category": cat,
        "cause": cause,
        "identified_year": ident,
        "exit_year": exit_year,
        "return_year": None,
        "status": "已脱贫",
        "monitor_kind": None,
        "monitor_year": None,
        "dangerous_house": dangerous,
        "unsafe_water": unsafe,
        "income_per_capita": income,
        "relocation_site": row["relocation_site"],
        "_reloc_year": reloc_year,
    }


def _poor_village_flags(rng: np.random.Generator, reg: pd.DataFrame) -> None:
    """Every poor village starts with at least two dangerous houses and two unsafe-water homes."""
    for u in UNITS:
        if u.poor_level is None:
            continue
        early = reg.index[(reg["village_code"] == u.code) & (reg["identified_year"] == 2014)]
        for flag in ("dangerous_house", "unsafe_water"):
            missing = 2 - int(reg.loc[early, flag].sum())
            if missing > 0:
                pool = [i for i in early if not reg.at[i, flag]]
                reg.loc[rng.choice(pool, size=missing, replace=False), flag] = True


def _fell_back_and_unstable(rng: np.random.Generator, reg: pd.DataFrame) -> None:
    """Fell back (返贫) and unstable (脱贫不稳定户) households among the plain exited ones."""
    plain = reg.index[reg["relocation_site"].isna() & (reg["category"] != "特困供养户")]
    picked = rng.choice(plain, size=8 + 22, replace=False)
    for i in picked[:8]:
        reg.at[i, "status"] = "返贫"
        reg.at[i, "return_year"] = int(rng.choice([2021, 2022, 2023], p=[0.25, 0.4, 0.35]))
        reg.at[i, "income_per_capita"] = rng.uniform(2300, 3900)
    for i in picked[8:]:
        reg.at[i, "status"] = "监测"
        reg.at[i, "monitor_kind"] = "脱贫不稳定户"
        reg.at[i, "monitor_year"] = int(rng.choice([2021, 2022, 2023, 2024]))
        reg.at[i, "income_per_capita"] = rng.uniform(4100, 6000)


def _monitored_extra(rng: np.random.Generator) -> list[dict]:
    """Monitored households that were never registered poor."""
    pops = np.array([u.population for u in UNITS], dtype=float)
    n_extra = 24
    extra_units = rng.choice(len(UNITS), size=n_extra, p=pops / pops.sum())
    extra = []
    for k, v in enumerate(extra_units):
        kind = "边缘易致贫户" if k % 3 else "突发严重困难户"
        if kind == "突发严重困难户":
            cause = str(rng.choice(["01", "04", "02"], p=[0.6, 0.25, 0.15]))
            income = rng.uniform(2600, 5600)
        else:
            cause = str(rng.choice(["01", "02", "03", "08", "09"], p=[0.4, 0.15, 0.15, 0.15, 0.15]))
            income = rng.uniform(4200, 6800)
        extra.append(
            {
                "village_code": UNITS[v].code,
                "size": int(rng.integers(1, 7)),
                "category": None,
                "cause": cause,
                "identified_year": None,
                "exit_year": None,
                "return_year": None,
                "status": "监测",
                "monitor_kind": kind,
                "monitor_year": int(rng.choice([2021, 2022, 2023, 2024, 2025])),
                "dangerous_house": False,
                "unsafe_water": False,
                "income_per_capita": income,
                "relocation_site": None,
                "_reloc_year": None,
            }
        )
    return extra


def _numbered(reg: pd.DataFrame, extra: list[dict]) -> pd.DataFrame:
    """Registered and monitored households together, unit by unit, each with its 户编号."""
    hh = pd.concat([reg, pd.DataFrame(extra)], ignore_index=True)
    hh["income_per_capita"] = (hh["income_per_capita"].astype(float) / 10).round() * 10
    hh["_order"] = hh["village_code"].map(_UNIT_ORDER)
    hh["_extra"] = hh["category"].isna()
    hh = hh.sort_values(["_order", "_extra"], kind="stable").reset_index(drop=True)
    serial = hh.groupby("village_code").cumcount() + 1
    hh.insert(0, "household_id", hh["village_code"] + "-" + serial.map("{:04d}".format))
    for col in ("identified_year", "exit_year", "return_year", "monitor_year", "_reloc_year"):
        hh[col] = hh[col].astype("Int64")
    return hh.drop(columns=["_order", "_extra"])


# ----------------------------------------------------------------------------- members


#: The year the demo register describes (members' ages and schooling are as of then).
REGISTER_YEAR = 2025
_SPOUSE_AGE_GAP = (-3, 4)


def _stage(age: int) -> str:
    """在校生状况 of a child in school at ``age`` (as of :data:`REGISTER_YEAR`)."""
    if age < 6:
        return "学前教育"
    if age < 12:
        return "小学"
    if age < 15:
        return "初中"
    return "高中"


def _person(rng: np.random.Generator, age: int, relation: str) -> dict:
    """One synthetic member: schooling, labour and work by age."""
    if age < 16:
        labour, work = "无劳动力", "未务工"
        schooling = _stage(age) if age >= 3 else "非在校生"
        education = "学龄前儿童" if age < 7 else ("小学" if age < 13 else "初中")
    elif age <= 60:
        labour = str(
            rng.choice(["普通劳动力", "技能劳动力", "弱劳动力或半劳动力"], p=[0.7, 0.2, 0.1])
        )
        work = str(
            rng.choice(
                ["乡(镇)内务工", "乡(镇)外县内务工", "县外省内务工", "省外务工", "未务工"],
                p=[0.15, 0.15, 0.1, 0.3, 0.3],
            )
        )
        schooling = "高中" if age < 19 and rng.random() < 0.5 else "非在校生"
        education = str(rng.choice(["小学", "初中", "高中"], p=[0.3, 0.55, 0.15]))
    else:
        labour = str(
            rng.choice(["丧失劳动力", "无劳动力", "弱劳动力或半劳动力"], p=[0.4, 0.4, 0.2])
        )
        work, schooling = "未务工", "非在校生"
        education = str(rng.choice(["文盲或半文盲", "小学"], p=[0.5, 0.5]))
    return {
        "relation": relation,
        "birth_year": REGISTER_YEAR - age,
        "education": education,
        "schooling": schooling,
        "labour_skill": labour,
        "work": work,
        "work_months": int(rng.integers(3, 13)) if work not in ("未务工", "其他") else 0,
        "medical_insurance": True,
        "serious_illness_insurance": True,
    }


def _members(rng: np.random.Generator, hh: pd.DataFrame) -> pd.DataFrame:
    """Synthetic members of every household: a head, a spouse, children and grandparents.

    Everyone is insured and every child of school age is at school, except in a few households
    still poor or monitored (two children out of school, three people uninsured), so that the
    exit check has something to find. Health follows the household's cause of poverty.
    """
    rows: list[dict] = []
    for hid, size, cause, status in zip(
        hh["household_id"], hh["size"], hh["cause"], hh["status"], strict=True
    ):
        head_age = int(rng.integers(30, 78))
        people = [_person(rng, head_age, "户主")]
        if size >= 2:
            spouse = head_age + int(rng.integers(*_SPOUSE_AGE_GAP))
            people.append(_person(rng, spouse, "配偶"))
        for _ in range(max(0, int(size) - 2)):
            if head_age > 62 and rng.random() < 0.5:
                people.append(
                    _person(rng, int(rng.integers(3, 18)), str(rng.choice(["之孙子", "之孙女"])))
                )
            else:
                child = max(0, min(head_age - 20, int(rng.integers(1, 30))))
                people.append(_person(rng, child, str(rng.choice(["之子", "之女"]))))
        for k, person in enumerate(people[: int(size)], start=1):
            person.update(
                household_id=hid,
                person_id=f"{hid}-{k:02d}",
                chronic_illness=bool(cause == "01" and k == 1),
                serious_illness=bool(cause == "01" and k == 1 and rng.random() < 0.3),
                disabled=bool(cause == "02" and k == 1),
                _poor=status in ("返贫", "监测"),
            )
            rows.append(person)
    members = pd.DataFrame(rows)
    poor = members.index[members.pop("_poor")]
    pupils = [i for i in poor if members.at[i, "schooling"] in ("小学", "初中")]
    for i in rng.choice(pupils, size=min(2, len(pupils)), replace=False):
        members.at[i, "schooling"] = "失学辍学"
    for i in rng.choice(poor, size=min(3, len(poor)), replace=False):
        members.at[i, "medical_insurance"] = False
    return members.reindex(columns=LAYERS["members"].names)
