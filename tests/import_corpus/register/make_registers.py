"""Write realistic household-register exports of the national system, one per vintage.

Synthetic households of the demo township (古陂镇, 信丰县; village codes of BRIEF.md), names
made up from common characters, ID numbers with valid GB 11643 check digits but invented
digits. Each vintage as the system's export looks:

- ``jdlk_2016_2020.xlsx`` — 扶贫开发信息系统 (2016–2020) per-person export: two title rows,
  the header of the brief's §3, merged 行政村/户编号 cells, 脱贫属性 as codes 0/1/3/4 and
  texts, 贫困户属性 in its four (five) spellings, causes as codes and words.
- ``jdlk_2016_2020_gbk.csv`` — the same system saved as CSV by Excel in China (GBK, CRLF),
  other wordings of the same values (五保贫困户, 缺少技术, √/×, C级/D级 …).
- ``fpfjc_2024.xlsx`` — 防返贫监测信息系统 (2021+) export: 户类型 (脱贫户/监测户),
  监测对象类别, 纳入监测时间, 风险是否消除 and 风险消除时间, 是否参加城乡居民基本医疗保险,
  是否参加大病保险, 出生日期, 在校生状况 per grade, 失学或辍学.
- ``fpfjc_2024_gbk.csv`` — the same system as GBK CSV, headers worded differently
  (（元） units, 是否 prefixes, 情况 suffixes).

usage: python tests/import_corpus/register/make_registers.py [FOLDER]   (default: here)
The tests call :func:`write_all` into a temporary folder; nothing generated is committed.
"""

from __future__ import annotations

import csv
import io
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

COUNTY, TOWNSHIP = "信丰县", "古陂镇"
#: The demo township's villages (BRIEF.md §1).
VILLAGES = {
    "古陂居委会": "360722102001",
    "金盆山居委会": "360722102002",
    "古陂村": "360722102200",
    "新屋村": "360722102201",
    "李田村": "360722102202",
    "茶坳村": "360722102203",
    "枫树村": "360722102204",
    "黎明村": "360722102205",
    "天光村": "360722102206",
    "阳光村": "360722102207",
    "太平村": "360722102208",
    "余村村": "360722102209",
    "中坑村": "360722102210",
    "墩高村": "360722102211",
    "大屋村": "360722102212",
    "圳玄村": "360722102213",
    "石背村": "360722102214",
}
_SURNAMES = "赖刘陈李张王黄曾谢钟郭罗肖邱廖温朱何"
_GIVEN = "春秋明华平安建国红英秀兰金水德福生桂林发荣永祥文武"


def make_id(first17: str) -> str:
    """An ID number with the right GB 11643 check digit."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    return first17 + "10X98765432"[total % 11]


@dataclass
class Person:
    name: str
    id_number: str
    relation: str
    birth: int
    education: str = "初中"
    schooling: str = "非在校生"
    health: str = "健康"
    labour: str = "普通劳动力"
    work: str = "乡(镇)内务工"
    months: int = 6
    medical: str = "是"
    serious: str = "是"


@dataclass
class Household:
    village: str
    hid: str
    category: str  # as written in the file ('' for a monitored household never poor)
    status: str  # 脱贫属性 or 户类型 as written
    cause: str
    identified: int | None = 2014
    exit_year: int | None = None
    return_year: int | None = None
    monitor_kind: str = ""
    monitor_year: int | None = None
    risk_cleared: str = ""
    risk_cleared_at: str = ""
    dangerous: str = "否"
    safe_water: str = "是"
    difficulty: str = "否"
    income: str = "5200"
    people: list[Person] = field(default_factory=list)


class _Names:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.seq = 0

    def person(self, surname: str, relation: str, birth: int, **kw) -> Person:
        self.seq += 1
        name = surname + "".join(self.rng.sample(_GIVEN, 2))
        month, day = self.rng.randint(1, 12), self.rng.randint(1, 28)
        idn = make_id(f"360722{birth}{month:02d}{day:02d}{self.seq % 1000:03d}")
        return Person(name, idn, relation, birth, **kw)


def _family(names: _Names, size: int, head_birth: int, child_base: int = 0) -> list[Person]:
    surname = names.rng.choice(_SURNAMES)
    people = [names.person(surname, "户主", head_birth)]
    if size >= 2:
        people.append(names.person(names.rng.choice(_SURNAMES), "配偶", head_birth + 2))
    for k in range(size - 2):
        child = (child_base or head_birth + 24) + 3 * k
        rel = "之子" if k % 2 == 0 else "之女"
        people.append(names.person(surname, rel, child, education="小学", labour="无劳动力"))
    return people


# ----------------------------------------------------------------------------- 2016–2020
#: (category, 脱贫属性, cause) as the 2016–2020 exports write them, one household each.
_JDLK_VALUES = [
    ("一般贫困户", "0", "因病", None, None),
    ("一般贫困户", "1", "01", 2017, None),
    ("低保贫困户", "1", "1", 2018, None),
    ("扶贫低保户", "已脱贫(享受政策)", "因残", 2019, None),
    ("低保户", "4", "缺技术", 2019, None),
    ("低保户", "已脱贫（不再享受政策）", "缺少技术", 2018, None),
    ("特困供养贫困户", "0", "缺劳力", None, None),
    ("五保贫困户", "未脱贫", "08", None, None),
    ("五保户", "3", "因学致贫", 2017, 2019),
    ("一般贫困户", "返贫", "因灾", 2016, 2020),
    ("一般贫困户", "脱贫享受政策", "缺资金", 2020, None),
    ("一般贫困户", "脱贫不享受政策", "交通条件落后", 2018, None),
    ("低保贫困户", "1-已脱贫", "自身发展动力不足", 2019, None),
    ("一般贫困户", "0", "其他", None, None),
    ("一般贫困户", "1", "缺土地", 2016, None),
    ("一般贫困户", "1", "06", 2017, None),
    ("特困供养户", "0", "病", None, None),
]


def jdlk_households(seed: int = 2016) -> list[Household]:
    rng = random.Random(seed)
    names = _Names(rng)
    out = []
    for i, (village, code) in enumerate(VILLAGES.items()):
        cat, status, cause, exit_year, back = _JDLK_VALUES[i % len(_JDLK_VALUES)]
        size = 1 if "五保" in cat or "特困" in cat else 2 + i % 3
        hh = Household(
            village,
            f"{code}{i + 1:04d}",
            cat,
            status,
            cause,
            identified=2014 + i % 3 if exit_year is None else min(2014 + i % 3, exit_year),
            exit_year=exit_year,
            return_year=back,
            dangerous=("是", "否", "否")[i % 3],
            safe_water=("是", "是", "否")[i % 3],
            income=f"{3000 + 250 * i:,}",
            people=_family(names, size, 1960 + i),
        )
        out.append(hh)
    return out


JDLK_HEADER = [
    "县",
    "乡(镇)",
    "行政村",
    "自然村",
    "户编号",
    "人编号",
    "姓名",
    "证件号码",
    "人数",
    "与户主关系",
    "民族",
    "文化程度",
    "在校生状况",
    "健康状况",
    "劳动技能",
    "务工状况",
    "务工时间(月)",
    "参加大病医疗",
    "脱贫属性",
    "脱贫年度",
    "贫困户属性",
    "主要致贫原因",
    "危房户",
    "饮水安全",
    "饮水困难",
    "人均纯收入",
    "联系电话",
]
#: Person fields cycled over the people of the 2016–2020 files (system wordings).
_SCHOOLING_2016 = ["非在校生", "小学三年级", "七年级", "学前教育", "高中二年级", "中职一年级"]
_HEALTH_2016 = ["健康", "长期慢性病", "患有大病", "残疾", "健康"]
_LABOUR_2016 = ["普通劳动力", "技能劳动力", "丧失劳动力", "无劳动力"]
_WORK_2016 = ["乡(镇)内务工", "乡(镇)外县内务工", "县外省内务工", "省外务工", "其他", ""]


def _jdlk_rows(households: list[Household], gbk: bool) -> list[list]:
    rows = []
    n = 0
    for hh in households:
        for k, p in enumerate(hh.people):
            n += 1
            yes, no = ("√", "×") if gbk else ("是", "否")
            cat, cause = hh.category, hh.cause
            if gbk:  # other wordings of the same values
                cat = {"五保户": "五保", "低保户": "农村低保户"}.get(cat, cat)
                cause = {"缺技术": "缺少技术", "因灾": "自然灾害"}.get(cause, cause)
            rows.append(
                [
                    COUNTY,
                    TOWNSHIP,
                    hh.village,
                    "上屋组",
                    hh.hid,
                    f"{k + 1:02d}",
                    p.name,
                    p.id_number,
                    len(hh.people),
                    p.relation,
                    "汉族" if n % 7 else "畲族",
                    ("小学", "初中", "高中", "文盲或半文盲", "大专及以上")[n % 5],
                    _SCHOOLING_2016[n % len(_SCHOOLING_2016)] if k >= 2 else "非在校生",
                    _HEALTH_2016[n % len(_HEALTH_2016)],
                    _LABOUR_2016[n % len(_LABOUR_2016)] if k < 2 else "无劳动力",
                    _WORK_2016[n % len(_WORK_2016)] if k < 2 else "",
                    (n % 13) if k < 2 else "",
                    yes if n % 4 else no,
                    hh.status,
                    hh.exit_year or "",
                    cat,
                    cause,
                    {"是": yes, "否": no}[hh.dangerous],
                    {"是": yes, "否": no}[hh.safe_water],
                    {"是": yes, "否": no}[hh.difficulty],
                    hh.income,
                    f"139{n:08d}",
                ]
            )
    return rows


# ----------------------------------------------------------------------------- 2021+
def fpfjc_households(seed: int = 2024) -> list[Household]:
    """脱贫户 (with 脱贫年度), monitored 脱贫户 (脱贫不稳定户), 边缘易致贫户 and 突发严重困难户
    never poor (no 贫困户属性), some with their risk cleared."""
    rng = random.Random(seed)
    names = _Names(rng)
    out = []
    kinds = [
        # 户类型, 监测对象类别, category, exit, cleared, cleared at
        ("脱贫户", "", "一般贫困户", 2019, "", ""),
        ("脱贫户", "脱贫不稳定户", "低保贫困户", 2018, "否", ""),
        ("监测户", "边缘易致贫户", "", None, "否", ""),
        ("监测户", "突发严重困难户", "", None, "是", "2023-06-30"),
        ("监测对象", "边缘易致贫户", "", None, "已消除", "2022年11月"),
        ("脱贫户", "", "特困供养户", 2020, "", ""),
        ("脱贫户", "", "低保户", 2017, "", ""),
        ("监测户", "边缘户", "", None, "是", ""),  # cleared, no date: the title's year
        ("脱贫户", "1", "一般贫困户", 2016, "否", ""),  # category code 1 = 脱贫不稳定户
    ]
    for i, (village, code) in enumerate(VILLAGES.items()):
        kind, mk, cat, exit_year, cleared, at = kinds[i % len(kinds)]
        size = 1 if cat == "特困供养户" else 2 + i % 3
        people = _family(names, size, 1975 + i, child_base=2004 + i % 8)
        hh = Household(
            village,
            f"{code}{i + 1:04d}",
            cat,
            kind,
            ("因病", "因残", "因意外事故", "因学", "缺劳动力", "因自然灾害")[i % 6],
            identified=2014 if cat else None,
            exit_year=exit_year,
            monitor_kind=mk,
            monitor_year=2021 + i % 3 if mk else None,
            risk_cleared=cleared,
            risk_cleared_at=at,
            dangerous=("否", "C级", "D级", "B级", "A级")[i % 5],
            safe_water="是" if i % 4 else "否",
            income=str(7000 + 300 * i),
            people=people,
        )
        out.append(hh)
    # the household with a 14-year-old child out of school (2024 register)
    drop = out[2]
    drop.people.append(
        names.person(
            "钟", "之子", 2010, education="小学", schooling="失学或辍学", labour="无劳动力"
        )
    )
    return out


FPFJC_HEADER = [
    "省",
    "市",
    "县",
    "乡(镇)",
    "行政村",
    "户编号",
    "人编号",
    "姓名",
    "证件号码",
    "出生日期",
    "人数",
    "与户主关系",
    "民族",
    "文化程度",
    "在校生状况",
    "健康状况",
    "劳动技能",
    "务工状况",
    "务工时间(月)",
    "是否参加城乡居民基本医疗保险",
    "是否参加大病保险",
    "户类型",
    "监测对象类别",
    "纳入监测时间",
    "风险是否消除",
    "风险消除时间",
    "贫困户属性",
    "脱贫年度",
    "主要风险类型",
    "住房安全等级",
    "饮水安全",
    "家庭人均纯收入",
    "联系电话",
]
#: The GBK CSV of the same system: headers as other counties' exports word them.
FPFJC_GBK_HEADER = [
    h.replace("家庭人均纯收入", "人均纯收入（元）")
    .replace("住房安全等级", "是否危房户")
    .replace("在校生状况", "在校生情况")
    .replace("务工状况", "务工情况")
    .replace("是否参加大病保险", "参加大病保险")
    .replace("健康状况", "健康情况")
    for h in FPFJC_HEADER
]
_SCHOOLING_2021 = ["小学二年级", "八年级", "高一", "学前教育", "大专", "非在校生", "九年级"]
_HEALTH_2021 = ["健康", "长期慢性病", "残疾,长期慢性病", "患有大病", "健康", "残疾"]
_LABOUR_2021 = ["普通劳动力", "技能劳动力", "弱劳动力或半劳动力", "丧失劳动力"]
_WORK_2021 = ["省外务工", "县外省内务工", "乡（镇）外县内务工", "乡(镇)内务工", "未务工"]
_YES_NO_2021 = [("是", "否"), ("1", "0"), ("Y", "N"), ("有", "无"), ("√", "×")]


def _fpfjc_rows(households: list[Household], gbk: bool) -> list[list]:
    rows = []
    n = 0
    for i, hh in enumerate(households):
        for k, p in enumerate(hh.people):
            n += 1
            yes, no = _YES_NO_2021[n % len(_YES_NO_2021)]
            child = p.birth >= 2005
            school = (
                p.schooling
                if p.schooling != "非在校生"
                else (_SCHOOLING_2021[n % len(_SCHOOLING_2021)] if child else "非在校生")
            )
            rows.append(
                [
                    "江西省",
                    "赣州市",
                    COUNTY,
                    TOWNSHIP,
                    hh.village,
                    hh.hid,
                    f"{hh.hid}{k + 1:02d}",
                    p.name,
                    p.id_number,
                    f"{p.birth}-{(n % 12) + 1:02d}-15" if n % 3 else "",  # else: from the ID
                    len(hh.people),
                    p.relation,
                    "汉族",
                    p.education if child else ("初中", "小学", "高中", "文盲或半文盲")[n % 4],
                    school,
                    _HEALTH_2021[n % len(_HEALTH_2021)],
                    "无劳动力" if child else _LABOUR_2021[n % len(_LABOUR_2021)],
                    "" if child else _WORK_2021[n % len(_WORK_2021)],
                    "" if child else n % 12,
                    no if n % 9 == 0 else yes,
                    no if n % 5 == 0 else yes,
                    hh.status,
                    hh.monitor_kind,
                    f"{hh.monitor_year}-05-20" if hh.monitor_year else "",
                    hh.risk_cleared,
                    hh.risk_cleared_at,
                    hh.category,
                    hh.exit_year or "",
                    hh.cause,
                    hh.dangerous,
                    hh.safe_water,
                    hh.income,
                    f"138{n:08d}",
                ]
            )
        del i
    return rows


# ----------------------------------------------------------------------------- writers
def _xlsx(path: Path, titles: list[str], header: list[str], rows: list[list]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "花名册"
    for t in titles:
        ws.append([t])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=8)
    ws.append(header)
    first = ws.max_row + 1
    for r in rows:
        ws.append(r)
    # the export merges runs of equal 行政村 and 户编号 cells
    for name in ("行政村", "户编号"):
        col = header.index(name) + 1
        start = first
        for i in range(first + 1, ws.max_row + 2):
            if i > ws.max_row or ws.cell(i, col).value != ws.cell(start, col).value:
                if i - 1 > start:
                    ws.merge_cells(start_row=start, start_column=col, end_row=i - 1, end_column=col)
                start = i
    wb.create_sheet("说明").append(["本表由系统导出，数据为合成示例"])
    wb.save(path)
    return path


def _gbk_csv(path: Path, titles: list[str], header: list[str], rows: list[list]) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for t in titles:
        w.writerow([t] + [""] * (len(header) - 1))
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode("gbk"))
    return path


def write_all(folder: Path) -> dict[str, Path]:
    """Write every vintage into ``folder``; name -> path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    jdlk, fpfjc = jdlk_households(), fpfjc_households()
    t2019 = ["信丰县古陂镇建档立卡贫困人口信息表", "导出时间：2019年12月31日  单位：人、元"]
    t2024 = ["2024年防止返贫监测对象及脱贫户信息表", "古陂镇"]
    return {
        "jdlk_2016_2020.xlsx": _xlsx(
            folder / "jdlk_2016_2020.xlsx", t2019, JDLK_HEADER, _jdlk_rows(jdlk, False)
        ),
        "jdlk_2016_2020_gbk.csv": _gbk_csv(
            folder / "jdlk_2016_2020_gbk.csv", t2019, JDLK_HEADER, _jdlk_rows(jdlk, True)
        ),
        "fpfjc_2024.xlsx": _xlsx(
            folder / "fpfjc_2024.xlsx", t2024, FPFJC_HEADER, _fpfjc_rows(fpfjc, False)
        ),
        "fpfjc_2024_gbk.csv": _gbk_csv(
            folder / "fpfjc_2024_gbk.csv", t2024, FPFJC_GBK_HEADER, _fpfjc_rows(fpfjc, True)
        ),
    }


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    for name, path in write_all(out).items():
        print(f"{name}: {path}")
