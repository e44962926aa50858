"""The columns of the station operations template (网点运营情况), its 说明 lines and example row.

The example names the workspace's first e-commerce station when the template is made for a
workspace, else the stations template's example station (示例-E01), so the stations template
and then this one import cleanly.
"""

from __future__ import annotations

from ...geo.schema import LAYERS
from ...geo.schema_operations import OPERATION_STATUSES
from .template_columns import _OPTIONAL, _REQUIRED, _YEAR, _Column, _Example, sample_station_name

_LAYER = "station_operations"
#: A station is named by id or by name: each column is optional, one of them is needed.
_ID_OR_NAME = ("站点编号或站点名称至少填一项", "an id or a name, at least one")
#: The example's year and figures: a village station's plausible year.
EXAMPLE_YEAR = 2024


def _zh(col: str) -> str:
    return LAYERS[_LAYER].column(col).zh


def _number(col: str, zh: str, en: str, header: str | None = None) -> _Column:
    """An optional figure in its column's unit."""
    column = LAYERS[_LAYER].column(col)
    whole = "整数" if column.kind == "int" else "数值"
    rule = f"{whole}（{column.unit}）/ {'whole number' if column.kind == 'int' else 'number'}"
    return _Column(header or column.zh, _OPTIONAL, zh, en, rule)


def operations_table(ex: _Example) -> tuple[list[_Column], dict[str, object]]:
    """The operations template's columns and its example row (one station's year)."""
    columns = [
        _Column(
            _zh("facility_id"),
            _ID_OR_NAME,
            "网点编号：工作空间设施表中的编号；编号不同（如商务局自己的编号）时按站点名称查找",
            "the station's id in the workspace's facilities; an id the workspace does not use "
            "(the bureau's own) is looked up by the station's name",
            text=True,
        ),
        _Column(
            "站点名称",
            _ID_OR_NAME,
            "站点名称：须是工作空间中的电商网点（先导入电商服务网点）",
            "the station's name: one of the workspace's e-commerce stations (import the "
            "stations first)",
        ),
        _Column(
            _zh("year"),
            _REQUIRED,
            "年度（每个网点每年一行）；没有此列时取标题中的年份（如“2024年度……统计表”）",
            "year (one row per station and year); without the column, the year of the title",
            _YEAR,
        ),
        _Column(
            _zh("status"),
            ("选填（留空为运营）", "optional (empty: operating)"),
            "运营状态；留空时已有记录不变，新记录记为运营",
            "status; left empty, a known station-year keeps its status, a new one is operating",
            "、".join(OPERATION_STATUSES),
            OPERATION_STATUSES,
        ),
        _Column(
            _zh("status_date"),
            _OPTIONAL,
            "暂停、关闭（或重新运营）的日期，须在该年度内",
            "the date it was suspended, closed (or reopened), within the year",
            "日期，如 2024-03-05、2024/3/5、2024年3月5日 / a date, e.g. 2024-03-05",
        ),
        _number("staff", "工作人员数", "staff"),
        _number("assistants", "电子商务信息服务助理员人数（每站 1–2 名）", "e-commerce assistants"),
        _number("parcels_in", "全年快递收件量", "parcels in over the year"),
        _number("parcels_out", "全年快递发件量", "parcels out over the year"),
        _number(
            "sales_wan",
            "全年农产品网络销售额；表头写(元)时按元读取并换算为万元",
            "online sales of local produce over the year; a header in (元) is read in 元 and "
            "converted",
            "农产品网销额(万元)",
        ),
        _number("poor_served", "服务的贫困户数", "poor households served"),
        _number("poor_selling", "通过网点网销农产品的贫困户数", "poor households selling online"),
        _number("trained", "电商培训人次", "people trained"),
        _number(
            "income_gain",
            "带动网销贫困户的户均增收",
            "income gain per poor household selling",
            "带动贫困户户均增收(元)",
        ),
    ]
    values = [
        ex.station,
        sample_station_name(ex),
        EXAMPLE_YEAR,
        OPERATION_STATUSES[0],  # 运营
        None,
        2,
        1,
        3600,
        2400,
        45.5,
        32,
        12,
        40,
        1200,
    ]
    return columns, dict(zip((c.header for c in columns), values, strict=True))


OPERATIONS_TABLES = {"operations": operations_table}
