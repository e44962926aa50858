"""What each e-commerce station does, year by year (网点运营情况).

A planner places stations once; every year after, the county asks what they deliver: whether
each is open, who staffs it (the plan wants 1–2 电子商务信息服务助理员 per village station),
parcels, online sales of local produce, the poor households it serves and those selling
through it, people trained, and the income poor households gained. One row per station and
year; a station's status holds until a later year's row says otherwise.
"""

from __future__ import annotations

from .schema_columns import Column, Layer, count, year

#: A station's state in a year: open, suspended (暂停: may reopen), closed (撤销).
OPERATION_STATUSES = ("运营", "暂停", "关闭")
OPERATION_STATUS_EN = {"运营": "operating", "暂停": "suspended", "关闭": "closed"}
OPERATION_STATUS_ALIASES = (
    ("正常", "运营"),
    ("正常运营", "运营"),
    ("营业", "运营"),
    ("在营", "运营"),
    ("运行", "运营"),
    ("operating", "运营"),
    ("暂停营业", "暂停"),
    ("停业", "暂停"),
    ("暂停运营", "暂停"),
    ("suspended", "暂停"),
    ("关停", "关闭"),
    ("撤销", "关闭"),
    ("已关闭", "关闭"),
    ("注销", "关闭"),
    ("closed", "关闭"),
)

STATION_OPERATIONS = Layer(
    "station_operations",
    "网点运营情况",
    "Station operations",
    "What each e-commerce station delivered in a year: status, staff, parcels, online sales of "
    "local produce, poor households served and selling through it, people trained.",
    None,
    (
        Column(
            "facility_id",
            "str",
            "网点编号",
            "Station id",
            headers=("站点编号", "服务站编号", "编号"),
        ),
        year("year", "年度", "Year", headers=("统计年度", "考核年度")),
        Column(
            "status",
            "str",
            "运营状态",
            "Status",
            allowed=OPERATION_STATUSES,
            aliases=OPERATION_STATUS_ALIASES,
            headers=("经营状态", "状态", "营业状态"),
        ),
        Column(
            "status_date",
            "str",
            "状态变更日期",
            "Status since",
            required=False,
            meaning="ISO 8601 date the station opened, was suspended or closed in the year",
            headers=("暂停日期", "关闭日期", "变更日期"),
        ),
        count("staff", "工作人员", "Staff", "人", required=False, headers=("从业人员",)),
        count(
            "assistants",
            "电子商务信息服务助理员",
            "E-commerce assistants",
            "人",
            required=False,
            headers=("信息服务助理员", "助理员", "电商助理员"),
        ),
        count("parcels_in", "快递收件", "Parcels in", "件", required=False, headers=("收件量",)),
        count(
            "parcels_out",
            "快递发件",
            "Parcels out",
            "件",
            required=False,
            headers=("发件量", "寄件量"),
        ),
        Column(
            "sales_wan",
            "float",
            "农产品网销额",
            "Online sales of local produce",
            unit="万元",
            required=False,
            minimum=0,
            headers=("网络销售额", "网销额", "农产品网络零售额", "销售额"),
        ),
        count(
            "poor_served",
            "服务贫困户",
            "Poor households served",
            "户",
            required=False,
            headers=("服务贫困户数", "覆盖贫困户"),
        ),
        count(
            "poor_selling",
            "带动贫困户网销",
            "Poor households selling",
            "户",
            required=False,
            headers=("带动贫困户数", "贫困户网销户数", "带动贫困户"),
        ),
        count(
            "trained",
            "培训人次",
            "People trained",
            "人次",
            required=False,
            headers=("电商培训人次", "培训人数"),
        ),
        Column(
            "income_gain",
            "float",
            "带动贫困户户均增收",
            "Income gain per poor household",
            unit="元",
            required=False,
            minimum=0,
            headers=("户均增收", "带动增收"),
        ),
    ),
    key=("facility_id", "year"),
)
