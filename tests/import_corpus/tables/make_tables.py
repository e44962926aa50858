"""Write the table-import corpus: village indicator tables and facility lists as township
offices keep them, for the demo township (古陂镇, BRIEF.md §1-§3).

Run ``python tests/import_corpus/tables/make_tables.py DIR`` to write them into DIR (nothing is
committed: ``tests/test_table_corpus.py`` writes them into a temporary folder). Each file is
one way offices word or lay out such a table:

- an xlsx with a title row, units in the headers (full-width brackets), ticks and crosses, a
  total row and a signature row under the table;
- a GBK CSV (Excel's "save as CSV" on a Chinese Windows) with the older wordings, the 12-digit
  code next to the village name, and 已通/未通, 有/无, 1/0;
- an xlsx with a header merged over two rows (五通 / 七有 above their columns), a column-number
  row under it and Y/N, 达标/不达标, 已建/未建;
- an xlsx without a year column: the year is in the title;
- one CSV per wording of the indicators (every header spelling of :data:`WORDINGS` appears in
  one of them, with 是否/有无 prefixes and units in brackets);
- a table of the yes/no words (:data:`YES_NO`), one pair per village;
- a table lacking most indicator columns (only 危房户数 and 村集体经济收入), for a year the
  workspace has and one it does not;
- a facility list (xlsx, title row, 所在村（居）, 经度（°）), an e-commerce station list (GBK
  CSV) and a relocation site list (xlsx, units in headers).

:func:`build` writes them and returns what each file should read as (:class:`Made`).
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

#: The demo township's villages (BRIEF.md §1): 12-digit code and name.
VILLAGES = [
    ("360722102001", "古陂居委会"),
    ("360722102002", "金盆山居委会"),
    ("360722102200", "古陂村"),
    ("360722102201", "新屋村"),
    ("360722102202", "李田村"),
    ("360722102203", "茶坳村"),
    ("360722102204", "枫树村"),
    ("360722102205", "黎明村"),
    ("360722102206", "天光村"),
    ("360722102207", "阳光村"),
    ("360722102208", "太平村"),
    ("360722102209", "余村村"),
    ("360722102210", "中坑村"),
    ("360722102211", "墩高村"),
    ("360722102212", "大屋村"),
    ("360722102213", "圳玄村"),
    ("360722102214", "石背村"),
]
FLAGS = (
    "road_hardened",
    "bus",
    "safe_water",
    "power",
    "radio_tv",
    "broadband",
    "clinic",
    "doctor",
    "activity_centre",
)
NUMBERS = ("dangerous_houses", "unsafe_water_households", "collective_income")

#: Header wordings of each indicator as township offices write them (older and newer names,
#: the national 贫困村退出 standard's and the provinces' "五通七有" wordings).
WORDINGS: dict[str, tuple[str, ...]] = {
    "village": ("行政村", "村名", "村（居）委会", "村民委员会", "所在行政村", "村（社区）"),
    "year": ("年度", "年份", "统计年度", "填报年度"),
    "road_hardened": (
        "通硬化路",
        "是否通硬化路",
        "通沥青（水泥）路",
        "通水泥路",
        "硬化路",
        "有一条通村公路实现硬化",
    ),
    "bus": ("通客运班车", "是否通客运班车", "通客车", "通班车", "具备条件的村通客运班车"),
    "safe_water": ("安全饮水", "饮水安全", "自来水", "是否通自来水", "安全饮用水"),
    "power": ("生产生活用电", "通生产生活用电", "通动力电", "农网改造", "生活用电"),
    "radio_tv": ("广播电视", "通广播电视", "广播电视户户通", "是否通广播电视"),
    "broadband": ("通宽带", "宽带网络", "光纤宽带", "4G", "是否通宽带"),
    "clinic": ("标准化卫生室", "有无标准化卫生室", "卫生室", "村卫生室达标", "有标准化卫生室"),
    "doctor": (
        "合格村医",
        "乡村医生",
        "村医",
        "执业（助理）医师",
        "有合格乡村医生",
        "合格乡村医生或执业(助理)医师",
    ),
    "activity_centre": (
        "文化活动室",
        "文化室",
        "村级综合文化服务中心",
        "综合文化服务中心",
        "村级活动场所",
        "党群服务中心",
        "有综合性文化服务中心",
    ),
    "dangerous_houses": ("危房户数", "危房户", "C/D级危房户数（户）", "危房户数(户)"),
    "unsafe_water_households": ("饮水不安全户数", "饮水困难户数（户）", "饮水困难户数"),
    "collective_income": (
        "村集体经济收入（万元）",
        "集体经济收入",
        "村集体经济经营性收入(万元)",
        "村集体经济收入(元)",
    ),
}
#: Yes/no words, one pair per village in the yes/no table.
YES_NO = [
    ("是", "否"),
    ("√", "×"),
    ("有", "无"),
    ("1", "0"),
    ("Y", "N"),
    ("已通", "未通"),
    ("达标", "不达标"),
    ("通", "不通"),
    ("已建", "未建"),
    ("✓", "✗"),
    ("y", "n"),
    ("是（已通）", "否（未通）"),
    ("合格", "不合格"),
    ("已达标", "未达标"),
    ("１", "０"),  # full width
    ("YES", "NO"),
    ("具备", "不具备"),
]


def indicators(year: int) -> list[dict]:
    """What each village's indicators are in ``year``: code, name and every field."""
    out = []
    for i, (code, name) in enumerate(VILLAGES):
        row = {"village_code": code, "name": name, "year": year}
        for j, f in enumerate(FLAGS):
            row[f] = (i + j + year) % 4 != 0
        row["dangerous_houses"] = (i + year) % 5
        row["unsafe_water_households"] = (i * 3 + year) % 4
        row["collective_income"] = round(2.5 + i * 0.5 + (year - 2014) * 0.1, 2)
        out.append(row)
    return out


@dataclass
class Made:
    """A corpus file: its kind, what it should read as (rows of field values; only the
    fields given are checked) and the fields it lacks on purpose."""

    path: Path
    kind: str
    expected: list[dict] = field(default_factory=list)
    absent: tuple[str, ...] = ()
    year_in_title: bool = False


def _xlsx(path: Path, rows: list[list], merges: list[str] = ()) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for r in rows:
        ws.append(r)
    for rng in merges:
        ws.merge_cells(rng)
    wb.save(path)
    return path


def _csv(path: Path, rows: list[list], encoding: str = "utf-8-sig") -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def _yn(value: bool, pair=("是", "否")) -> str:
    return pair[0] if value else pair[1]


def _title_units_xlsx(folder: Path) -> Made:
    """古陂镇2020年贫困村退出指标统计表: units in headers, √/×, income in 元, totals under."""
    year = 2020
    truth = indicators(year)
    head = [
        "序号",
        "行政村",
        "年度",
        "是否通硬化路",
        "是否通客运班车",
        "饮水安全（是/否）",
        "通动力电",
        "广播电视户户通",
        "通宽带",
        "有无标准化卫生室",
        "有合格乡村医生",
        "综合文化服务中心",
        "C/D级危房户数（户）",
        "饮水困难户数（户）",
        "村集体经济收入（元）",
        "备注",
    ]
    rows: list[list] = [["古陂镇2020年贫困村退出指标统计表"], ["填报单位：古陂镇人民政府"], head]
    for n, t in enumerate(truth, start=1):
        rows.append(
            [n, t["name"], year]
            + [_yn(t[f], ("√", "×")) for f in FLAGS]
            + [
                t["dangerous_houses"],
                t["unsafe_water_households"],
                round(t["collective_income"] * 10_000),
                "",
            ]
        )
    rows.append(["合计", "", "", "", "", "", "", "", "", "", "", "", 0, 0, 0])
    rows.append(["填表人：张某", "", "", "审核人：李某"])
    path = _xlsx(folder / "indicators_2020_title_units.xlsx", rows, ["A1:P1"])
    return Made(path, "indicators", truth)


def _gbk_csv(folder: Path) -> Made:
    """Older wordings, the 12-digit code beside the name, 已通/未通, 有/无 and 1/0, GBK."""
    year = 2019
    truth = indicators(year)
    head = [
        "村名",
        "统计用区划代码",
        "年份",
        "通沥青(水泥)路",
        "通客车",
        "自来水",
        "生产生活用电",
        "通广播电视",
        "光纤宽带",
        "卫生室",
        "村医",
        "文化室",
        "危房户",
        "饮水不安全户数",
        "集体经济收入(万元)",
    ]
    words = {
        "road_hardened": ("已通", "未通"),
        "bus": ("已通", "未通"),
        "safe_water": ("有", "无"),
        "power": ("1", "0"),
        "radio_tv": ("已通", "未通"),
        "broadband": ("已通", "未通"),
        "clinic": ("有", "无"),
        "doctor": ("有", "无"),
        "activity_centre": ("有", "无"),
    }
    rows: list[list] = [head]
    for t in truth:
        rows.append(
            [t["name"] + "委会", t["village_code"], f"{year}年"]
            + [_yn(t[f], words[f]) for f in FLAGS]
            + [t["dangerous_houses"], f"{t['unsafe_water_households']}户", t["collective_income"]]
        )
    path = _csv(folder / "indicators_2019_gbk.csv", rows, "gbk")
    return Made(path, "indicators", truth)


def _two_row_header_xlsx(folder: Path) -> Made:
    """五通 / 七有 merged above their columns; 行政村, 年度 merged down over both header rows;
    a column-number row under the header; Y/N, 达标/不达标, 已建/未建, 通/不通."""
    year = 2021
    truth = indicators(year)
    top = [
        "行政村",
        "年度",
        "五通",
        "",
        "",
        "",
        "",
        "七有",
        "",
        "",
        "",
        "危房户数",
        "饮水不安全户数",
    ]
    top += ["村集体经济收入"]
    sub = ["", "", "通硬化路", "通客运班车", "安全饮水", "生产生活用电", "宽带网络"]
    sub += ["广播电视", "标准化卫生室", "合格村医", "村级综合文化服务中心", "", "", ""]
    units = ["", "", "", "", "", "", "", "", "", "", "", "（户）", "（户）", "（万元）"]
    numbering = ["甲", "乙", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    words = {
        "road_hardened": ("通", "不通"),
        "bus": ("通", "不通"),
        "safe_water": ("达标", "不达标"),
        "power": ("Y", "N"),
        "broadband": ("Y", "N"),
        "radio_tv": ("Y", "N"),
        "clinic": ("达标", "不达标"),
        "doctor": ("有", "无"),
        "activity_centre": ("已建", "未建"),
    }
    order = ["road_hardened", "bus", "safe_water", "power", "broadband"]
    order += ["radio_tv", "clinic", "doctor", "activity_centre"]
    rows: list[list] = [
        ["古陂镇村级基础设施和公共服务情况表（2021年）"],
        top,
        sub,
        units,
        numbering,
    ]
    for t in truth:
        rows.append(
            [t["name"], year]
            + [_yn(t[f], words[f]) for f in order]
            + [t["dangerous_houses"], t["unsafe_water_households"], t["collective_income"]]
        )
    merges = ["A1:N1", "A2:A3", "B2:B3", "C2:G2", "H2:K2", "L2:L3", "M2:M3", "N2:N3"]
    path = _xlsx(folder / "indicators_2021_two_row_header.xlsx", rows, merges)
    return Made(path, "indicators", truth)


def _year_in_title_xlsx(folder: Path) -> Made:
    """No year column: 古陂镇2022年度贫困村退出验收指标 is the title."""
    year = 2022
    truth = indicators(year)
    head = ["序号", "村（居）委会", "行政区划代码", "通硬化路情况", "通客运班车情况"]
    head += ["饮水安全状况", "通生产生活用电", "通广播电视", "通宽带", "有无卫生室"]
    head += ["有无村医", "有无文化活动室", "危房户数", "饮水不安全户数", "村集体经济收入（万元）"]
    rows: list[list] = [["古陂镇2022年度贫困村退出验收指标"], head]
    for n, t in enumerate(truth, start=1):
        rows.append(
            [n, t["name"], int(t["village_code"])]  # a code stored as a number, as Excel does
            + [_yn(t[f]) for f in FLAGS]
            + [t["dangerous_houses"], t["unsafe_water_households"], t["collective_income"]]
        )
    path = _xlsx(folder / "indicators_year_in_title.xlsx", rows, ["A1:O1"])
    return Made(path, "indicators", truth, year_in_title=True)


def _wording_csvs(folder: Path) -> list[Made]:
    """One file per wording: file k uses the k-th spelling of each field (cycling)."""
    made = []
    longest = max(len(w) for w in WORDINGS.values())
    for k in range(longest):
        year = 2014 + k
        truth = indicators(year)
        fields = list(WORDINGS)
        head = [WORDINGS[f][k % len(WORDINGS[f])] for f in fields]
        rows: list[list] = [head]
        for t in truth:
            row = []
            for f, h in zip(fields, head, strict=True):
                if f == "village":
                    row.append(t["name"])
                elif f in FLAGS:
                    row.append(_yn(t[f]))
                elif f == "collective_income" and "(元)" in h:
                    row.append(round(t[f] * 10_000))
                else:
                    row.append(t[f])
            rows.append(row)
        made.append(
            Made(_csv(folder / f"indicators_wording_{k + 1}.csv", rows), "indicators", truth)
        )
    return made


def _yes_no_csv(folder: Path) -> Made:
    """Each village writes its 是/否 cells with its own pair of words (:data:`YES_NO`)."""
    year = 2023
    truth = indicators(year)
    rows: list[list] = [["行政村", "年度", *FLAGS]]
    for t, pair in zip(truth, YES_NO, strict=True):
        rows.append([t["name"], year] + [_yn(t[f], pair) for f in FLAGS])
    path = _csv(folder / "indicators_yes_no_words.csv", rows)
    return Made(path, "indicators", truth, absent=NUMBERS)


def _partial_csvs(folder: Path) -> list[Made]:
    """Only 危房户数 and 村集体经济收入: for a year the workspace has and for a new one."""
    made = []
    for year in (2024, 2026):
        truth = indicators(year)
        rows: list[list] = [["行政村代码", "年度", "危房户数（户）", "村集体经济收入（万元）"]]
        rows += [
            [t["village_code"], year, t["dangerous_houses"], t["collective_income"]] for t in truth
        ]
        path = _csv(folder / f"indicators_{year}_partial.csv", rows)
        absent = (*FLAGS, "unsafe_water_households")
        expected = [{k: v for k, v in t.items() if k not in absent} for t in truth]
        made.append(Made(path, "indicators", expected, absent=absent))
    return made


#: 古陂村 lies around 115.10°E 25.33°N: points near it are inside the township.
FACILITIES = [
    ("村卫生室", "古陂村卫生室", "古陂村", "已建", 2016, 115.1003, 25.3302),
    ("村卫生室", "新屋村卫生室", "新屋村", "现有", 2018, None, None),
    ("学校", "古陂中心小学", "古陂居委会", "现有", 1998, 115.0990, 25.3310),
    ("乡镇卫生院", "古陂镇卫生院", "古陂居委会", "运营中", 1985, None, None),
    ("村卫生室", "李田村卫生室", "李田村", "规划", None, None, None),
    ("农业龙头企业", "古陂脐橙合作社", "枫树村", "在用", 2015, None, None),
]
STATIONS = [
    ("乡镇电商服务中心", "古陂镇电商服务中心", "古陂居委会", "运营中", 115.0995, 25.3305),
    ("村级电商服务站", "古陂村电商服务站", "古陂村", "正常运营", None, None),
    ("村级电商服务站", "太平村电商服务站", "太平村", "规划新建", None, None),
    ("", "石背村电商服务点", "石背村", "运营", None, None),
]
SITES = [
    ("古陂镇集镇安置点", "集镇", "古陂居委会", 60, 55, 210, 50, 190, 4200, "已入住", 48, 2018),
    ("新屋村中心村安置点", "中心村", "新屋村", 20, 18, 66, 0, 0, 1300, "在建", 0, None),
]


def _facilities_xlsx(folder: Path) -> Made:
    head = ["序号", "设施名称", "设施类型", "所在村（居）", "建设状态", "建成年份"]
    head += ["经度（°）", "纬度（°）", "联系人", "备注"]
    rows: list[list] = [["古陂镇公共服务设施清单"], head]
    for n, (k, name, v, s, y, x, lat) in enumerate(FACILITIES, start=1):
        rows.append([n, name, k, v, s, y, x, lat, "王某", ""])
    path = _xlsx(folder / "facilities_list.xlsx", rows, ["A1:J1"])
    return Made(path, "facilities", [{"name": f[1]} for f in FACILITIES])


def _stations_gbk(folder: Path) -> Made:
    head = ["序号", "站点名称", "站点层级", "所在行政村", "运营状态", "站长", "联系电话"]
    head += ["经度", "纬度"]
    rows: list[list] = [head]
    for n, (k, name, v, s, x, y) in enumerate(STATIONS, start=1):
        rows.append([n, name, k, v, s, "赵某", "13800000000", x or "", y or ""])
    path = _csv(folder / "stations_gbk.csv", rows, "gbk")
    return Made(path, "stations", [{"name": s[1]} for s in STATIONS])


def _sites_xlsx(folder: Path) -> Made:
    head = ["安置点名称", "安置方式", "所在村", "设计安置户数（户）", "计划搬迁户数（户）"]
    head += ["计划搬迁人数（人）", "已入住户数", "已入住人数", "建筑面积（㎡）", "建设状态"]
    head += ["已拆旧复垦户数", "竣工年度"]
    rows: list[list] = [["古陂镇易地扶贫搬迁安置点台账"], head, *[list(s) for s in SITES]]
    path = _xlsx(folder / "sites_ledger.xlsx", rows, ["A1:L1"])
    return Made(path, "sites", [{"name": s[0]} for s in SITES])


def build(folder: Path) -> list[Made]:
    """Write every corpus file into ``folder``; what each should read as."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        _title_units_xlsx(folder),
        _gbk_csv(folder),
        _two_row_header_xlsx(folder),
        _year_in_title_xlsx(folder),
        *_wording_csvs(folder),
        _yes_no_csv(folder),
        *_partial_csvs(folder),
        _facilities_xlsx(folder),
        _stations_gbk(folder),
        _sites_xlsx(folder),
    ]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_tables.py DIR")
    for made in build(Path(sys.argv[1])):
        print(made.path)
