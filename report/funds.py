"""资金公示: the assistance projects and their money as an Excel workbook to publish.

Sheet 1 (资金公示) lists every project by village, a subtotal after each village's projects and
the grand total last; sheet 2 (各村汇总) sums each village, with the money per household lifted
up to the year's end. Headers are Chinese with their units. Written by
:func:`geo.export.excel_bytes`, so a cell of text that starts with ``=`` stays text.

Projects name no person; the workbook holds no household and no cadre.
"""

from __future__ import annotations

import pandas as pd

from ..analysis import assistance, poverty
from ..geo.export import excel_bytes
from ..geo.workspace import Workspace

#: The sheets' names.
PROJECT_SHEET, VILLAGE_SHEET = "资金公示", "各村汇总"
#: Sheet 1's columns: field of :func:`analysis.assistance.funds_table` → header.
PROJECT_HEADERS = {
    "village": "行政村",
    "village_code": "行政村代码",
    "project_id": "项目编号",
    "name": "项目名称",
    "project_type": "项目类型",
    "year": "实施年度",
    "budget_wan": "计划投资(万元)",
    "spent_wan": "已支出(万元)",
    "spent_pct": "支出进度(%)",
    "households": "受益户数(户)",
    "poor_households": "受益贫困户数(户)",
    "status": "项目状态",
}
_SUMMED = ("budget_wan", "spent_wan", "households", "poor_households")


class NoProjects(ValueError):
    """The workspace (or the year asked for) has no project to publish."""


def funds_sheets(
    ws: Workspace, year: int | None = None, *, cumulative: bool = False
) -> dict[str, pd.DataFrame]:
    """The two sheets of the 资金公示 of ``ws``: the projects of ``year`` (all years when
    None; with ``cumulative``, of ``year`` and before), and each village's sums.

    Raises
    ------
    NoProjects
        No project is there to publish.
    """
    projects = ws["projects"]
    if not len(projects):
        raise NoProjects("the workspace has no projects (扶贫项目): nothing to publish")
    years = pd.to_numeric(projects["year"], errors="coerce")
    if year is not None:
        chosen = years <= year if cumulative else years == year
        projects = projects[chosen.fillna(False).to_numpy(dtype=bool)]
        if not len(projects):
            raise NoProjects(f"no project in {year}{' or before' if cumulative else ''}")
    table = assistance.funds_table(projects, ws.villages)
    table = _in_village_order(table, ws.villages)
    table["spent_pct"] = _pct(table["spent_wan"], table["budget_wan"])
    end = year if year is not None else _last_year(ws, years)
    return {
        PROJECT_SHEET: _project_sheet(table),
        VILLAGE_SHEET: _village_sheet(ws, table, end),
    }


def funds_workbook(ws: Workspace, year: int | None = None, *, cumulative: bool = False) -> bytes:
    """:func:`funds_sheets` as an .xlsx workbook (formula-safe)."""
    return excel_bytes(funds_sheets(ws, year, cumulative=cumulative))


def _in_village_order(table: pd.DataFrame, villages: pd.DataFrame) -> pd.DataFrame:
    """Projects in the villages' order (as every other table lists them), then by year and
    id; projects of a village not in the layer last."""
    order = {str(c): i for i, c in enumerate(villages["code"].astype(str))}
    rank = table["village_code"].map(order).fillna(len(order))
    table = table.assign(_rank=rank.to_numpy())
    table = table.sort_values(["_rank", "year", "project_id"], kind="stable", ignore_index=True)
    table["village"] = table["village"].fillna(table["village_code"])
    return table.drop(columns="_rank")


def _pct(part: pd.Series, whole: pd.Series) -> pd.Series:
    """``part`` as a percentage of ``whole`` (one decimal), missing where ``whole`` is 0."""
    whole = pd.to_numeric(whole, errors="coerce")
    share = pd.to_numeric(part, errors="coerce") / whole.where(whole > 0)
    return (share * 100).round(1)


def _last_year(ws: Workspace, years: pd.Series) -> int:
    """The year a sheet of every project runs to: the workspace's last, or a later project's."""
    last = poverty.workspace_years(ws.households, ws["indicators"])[1]
    latest_project = years.max()
    return int(max(last, latest_project)) if pd.notna(latest_project) else int(last)


def _total(rows: pd.DataFrame, label: str, count_label: str) -> dict:
    """A subtotal or total row of the projects ``rows``."""
    sums = {c: round(float(pd.to_numeric(rows[c], errors="coerce").sum()), 2) for c in _SUMMED}
    pct = _pct(pd.Series([sums["spent_wan"]]), pd.Series([sums["budget_wan"]])).iloc[0]
    return {
        "village": label,
        "name": count_label,
        **sums,
        "households": int(sums["households"]),
        "poor_households": int(sums["poor_households"]),
        "spent_pct": None if pd.isna(pct) else float(pct),
    }


def _project_sheet(table: pd.DataFrame) -> pd.DataFrame:
    """Each village's projects, then its subtotal (小计); the grand total (合计) last."""
    rows: list[dict] = []
    for code, mine in table.groupby("village_code", sort=False):
        rows += mine.to_dict("records")
        name = str(mine["village"].iloc[0])
        rows.append({**_total(mine, f"{name} 小计", f"{len(mine)}个项目"), "village_code": code})
    rows.append(_total(table, "合计", f"{len(table)}个项目"))
    out = pd.DataFrame(rows, columns=list(PROJECT_HEADERS)).astype(object)
    out = out.where(pd.notna(out), None)
    # object columns: a blank stays blank and a year stays 2016, not 2016.0
    for col in ("year", "households", "poor_households"):
        out[col] = pd.Series([None if v is None else int(v) for v in out[col]], dtype=object)
    for col in ("budget_wan", "spent_wan"):
        out[col] = pd.Series(
            [None if v is None else round(float(v), 2) for v in out[col]], dtype=object
        )
    return out.rename(columns=PROJECT_HEADERS)


def _village_sheet(ws: Workspace, table: pd.DataFrame, end: int) -> pd.DataFrame:
    """Every village: its projects' sums (those of sheet 1) and, up to the end of ``end``,
    the households lifted and the money (projects' and households' measures) per one."""
    money = assistance.village_money(
        ws.villages, ws.households, ws["projects"], ws["measures"], end
    )
    by = table.groupby("village_code")
    codes = ws.villages["code"].astype(str)
    out = pd.DataFrame(
        {
            "行政村": ws.villages["name"].astype(str).to_numpy(),
            "行政村代码": codes.to_numpy(),
            "项目数(个)": codes.map(by.size()).fillna(0).astype(int).to_numpy(),
        }
    )
    for col, header in (
        ("budget_wan", "计划投资(万元)"),
        ("spent_wan", "已支出(万元)"),
        ("households", "受益户次(按项目累加)"),
        ("poor_households", "受益贫困户次(按项目累加)"),
    ):
        sums = by[col].sum(min_count=1) if len(table) else pd.Series(dtype=float)
        out[header] = codes.map(sums).fillna(0).round(2).to_numpy()
    out["支出进度(%)"] = _pct(out["已支出(万元)"], out["计划投资(万元)"])
    lifted = money["exited_households"].to_numpy()
    out[f"截至{end}年末到户措施资金(万元)"] = money["measures_wan"].round(2).to_numpy()
    out[f"截至{end}年末已脱贫户数(户)"] = lifted
    out[f"截至{end}年末每脱贫户投入(元/户)"] = money["yuan_per_exit"].to_numpy()
    out = _with_total(out, money, end)
    for header in ("受益户次(按项目累加)", "受益贫困户次(按项目累加)"):
        out[header] = out[header].astype(int)
    return out


def _with_total(out: pd.DataFrame, money: pd.DataFrame, end: int) -> pd.DataFrame:
    """``out`` with the grand total (合计) as its last row."""
    total: dict = {"行政村": "合计", "行政村代码": None}
    for header in out.columns[2:]:
        if header.startswith(("截至", "支出进度")):
            continue
        total[header] = round(float(out[header].sum()), 2)
    total["项目数(个)"] = int(total["项目数(个)"])
    total["支出进度(%)"] = _pct(
        pd.Series([total["已支出(万元)"]]), pd.Series([total["计划投资(万元)"]])
    ).iloc[0]
    measures = float(money["measures_wan"].sum())
    lifted = int(money["exited_households"].sum())
    money_yuan = (float(money["spent_wan"].sum()) + measures) * 10_000
    total[f"截至{end}年末到户措施资金(万元)"] = round(measures, 2)
    total[f"截至{end}年末已脱贫户数(户)"] = lifted
    total[f"截至{end}年末每脱贫户投入(元/户)"] = round(money_yuan / lifted) if lifted else None
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)
