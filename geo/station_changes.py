"""A station's status in a year, recorded on 变更登记: opened again, suspended or closed.

One change (kind ``station``) on the station's operations row of that year: the row is added
when the year has none (its figures empty: the year's report is imported later), else its
status (and the date) is set.
"""

from __future__ import annotations

import pandas as pd

from .history import CREATED, ROW, ChangeError, FieldChange
from .schema import SERVICE_TIERS
from .schema_operations import OPERATION_STATUSES
from .workspace import Workspace


def station_status(
    ws: Workspace, facility_id: str, year: int, status: str, date: str | None = None
) -> list[FieldChange]:
    """``facility_id``'s status from ``date`` (in ``year``) on: 运营, 暂停 or 关闭.

    Raises :class:`ChangeError` for a facility that is not an e-commerce station, an unknown
    status, or a date outside ``year``.
    """
    fac = ws["facilities"]
    hit = fac[fac["facility_id"].astype(str) == str(facility_id)]
    if hit.empty or str(hit.iloc[0]["kind"]) not in SERVICE_TIERS:
        raise ChangeError(
            f"no e-commerce station {facility_id}", f"没有编号为 {facility_id} 的电商网点"
        )
    if status not in OPERATION_STATUSES:
        raise ChangeError(
            f"status is one of {', '.join(OPERATION_STATUSES)}, not {status!r}",
            f"运营状态只能是{'、'.join(OPERATION_STATUSES)}，不能是「{status}」",
        )
    if date is not None and not str(date).startswith(f"{int(year)}-"):
        raise ChangeError(f"the date {date} is not in {year}", f"日期 {date} 不在 {year} 年内")
    key = f"{facility_id}/{int(year)}"
    ops = ws["station_operations"]
    have = ops[
        (ops["facility_id"].astype(str) == str(facility_id))
        & (pd.to_numeric(ops["year"], errors="coerce") == int(year)).to_numpy()
    ]
    changes = [] if len(have) else [FieldChange("station_operations", key, ROW, CREATED)]
    changes.append(FieldChange("station_operations", key, "status", status))
    if date is not None:
        changes.append(FieldChange("station_operations", key, "status_date", str(date)))
    return changes
