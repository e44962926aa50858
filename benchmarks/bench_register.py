"""Time importing a 100,000-person household register (Excel and CSV).

A synthetic register as the national system exports it (one row per person, a title row and a
unit row above the header, GBK CSV and .xlsx) is written to a temporary folder. In the same run
we time ``read_register`` on both, and, as the named alternative, pandas ``read_excel`` with
the openpyxl engine merely loading the same workbook (no header search, grouping or checks):
the ratio says what calamine plus all of the importer's work costs against a plain openpyxl read.

usage: python benchmarks/bench_register.py [--people N] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from township_atlas.data.importing.register import read_register

VILLAGES = {f"村{i:02d}": f"3607221022{i:02d}" for i in range(15)}
HEADER = [
    "县", "乡(镇)", "行政村", "自然村", "户编号", "人编号", "姓名", "证件号码", "人数",
    "与户主关系",
    "民族", "文化程度", "在校生状况", "健康状况", "劳动技能", "务工状况", "务工时间(月)",
    "参加大病医疗", "脱贫属性", "脱贫年度", "贫困户属性", "主要致贫原因", "危房户", "饮水安全",
    "饮水困难", "人均纯收入", "联系电话",
]  # fmt: skip


def _ids(rng: np.random.Generator, n: int) -> list[str]:
    # Synthetic and unique (a real register has no person twice): the sequence number walks
    # through the day's 1,000 numbers, days through the years.
    days = rng.permutation(75 * 12 * 28)[: -(-n // 1000)]
    body = [
        f"360722{1940 + d // 336}{d % 336 // 28 + 1:02d}{d % 28 + 1:02d}{i % 1000:03d}"
        for i, d in ((i, days[i // 1000]) for i in range(n))
    ]
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    return [
        b + "10X98765432"[sum(int(c) * w for c, w in zip(b, weights, strict=True)) % 11]
        for b in body
    ]


def synthetic(
    people: int,
    seed: int = 1,
    villages: dict[str, str] | None = None,
    townships: dict[str, str] | None = None,
) -> pd.DataFrame:
    """A per-person register of ``people`` over ``villages`` (name -> code; default the
    demo's 15), each row's 乡(镇) its village's township in ``townships`` (9-digit code ->
    name; default 古陂镇 for every row)."""
    villages = VILLAGES if villages is None else villages
    rng = np.random.default_rng(seed)
    sizes, total = [], 0
    while total < people:  # a running total: summing the list each time is quadratic
        sizes.append(int(rng.integers(1, 7)))
        total += sizes[-1]
    sizes[-1] -= total - people
    hh = len(sizes)
    village = rng.integers(0, len(villages), hh)
    names = np.array(list(villages))
    towns = np.array([(townships or {}).get(c[:9], "古陂镇") for c in villages.values()])
    status = rng.choice(["0", "1", "3", "4"], hh, p=[0.1, 0.7, 0.05, 0.15])
    exit_year = np.where(status == "0", "", rng.integers(2016, 2021, hh).astype(str))
    cat = rng.choice(["一般贫困户", "低保户", "扶贫低保户", "五保户"], hh)
    cause = rng.choice(["因病", "因残", "01", "07", "缺资金"], hh)
    rep = np.repeat(np.arange(hh), sizes)
    pos = np.concatenate([np.arange(s) for s in sizes])
    return pd.DataFrame(
        {
            "县": "信丰县",
            "乡(镇)": towns[village][rep],
            "行政村": names[village][rep],
            "自然村": "上屋组",
            "户编号": np.char.add("36072210", np.char.zfill(rep.astype(str), 8)),
            "人编号": np.char.zfill((pos + 1).astype(str), 2),
            "姓名": "某某",
            "证件号码": _ids(rng, people),
            "人数": np.array(sizes)[rep],
            "与户主关系": np.where(pos == 0, "户主", "之子"),
            "民族": "汉族",
            "文化程度": "初中",
            "在校生状况": "",
            "健康状况": "健康",
            "劳动技能": "普通劳动力",
            "务工状况": "乡外县内务工",
            "务工时间(月)": 6,
            "参加大病医疗": "是",
            "脱贫属性": status[rep],
            "脱贫年度": exit_year[rep],
            "贫困户属性": cat[rep],
            "主要致贫原因": cause[rep],
            "危房户": "否",
            "饮水安全": "是",
            "饮水困难": "否",
            "人均纯收入": rng.integers(2000, 12000, hh)[rep],
            "联系电话": "13800000000",
        },
        columns=HEADER,
    ).assign(返贫年度=np.where(status == "3", "2021", "")[rep])


def write_csv(frame: pd.DataFrame, folder: Path) -> Path:
    """The register as the system's CSV: a title row and a unit row above the header, GBK."""
    csv = folder / "register.csv"
    title = "古陂镇建档立卡贫困户花名册\n填报单位：古陂镇人民政府\n"
    csv.write_bytes((title + frame.to_csv(index=False)).encode("gb18030"))
    return csv


def write_files(frame: pd.DataFrame, folder: Path) -> tuple[Path, Path]:
    csv = write_csv(frame, folder)
    xlsx = folder / "register.xlsx"
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(["古陂镇建档立卡贫困户花名册"])
    ws.append(["填报单位：古陂镇人民政府"])
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append(list(row))
    wb.save(xlsx)
    return xlsx, csv


def timed(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        frame = synthetic(args.people)
        t0 = time.perf_counter()
        xlsx, csv = write_files(frame, Path(tmp))
        print(
            f"synthetic register: {len(frame):,} people, {frame['户编号'].nunique():,} households,"
            f" {xlsx.stat().st_size / 1e6:.1f} MB xlsx, {csv.stat().st_size / 1e6:.1f} MB csv "
            f"(written in {time.perf_counter() - t0:.1f} s)"
        )

        def ours(p):
            return lambda: read_register(p, villages=VILLAGES, id_key=b"bench")

        t_x, res = timed(ours(xlsx), args.runs)
        assert res.rejected.empty and len(res.frame) == frame["户编号"].nunique(), res.notes
        t_c, res_c = timed(ours(csv), args.runs)
        assert len(res_c.frame) == len(res.frame)
        t_o, raw = timed(
            lambda: pd.read_excel(xlsx, engine="openpyxl", header=None, dtype=object), args.runs
        )
        assert len(raw) == len(frame) + 3
        print(f"read_register, xlsx (calamine):          {t_x:6.2f} s  (median of {args.runs})")
        print(f"read_register, GBK csv:                  {t_c:6.2f} s")
        print(f"pandas read_excel(engine='openpyxl') only: {t_o:6.2f} s")
        print(f"ratio openpyxl plain read / read_register xlsx: {t_o / t_x:.1f}x")


if __name__ == "__main__":
    main()
