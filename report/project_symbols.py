"""How an assistance project is drawn, by its type (扶贫项目类型): a rounded square of the type's
colour with its character on it, on the dashboard's map and the brief's alike."""

from __future__ import annotations

#: Project type → (colour, character). Not the e-commerce tiers' blues and greens, which are
#: circles.
PROJECT_SYMBOLS: dict[str, tuple[str, str]] = {
    "产业": ("#1b9e77", "产"),
    "光伏": ("#d99a00", "光"),
    "就业": ("#386cb0", "就"),
    "基础设施": ("#5f5f5f", "基"),
    "合作社": ("#66a61e", "合"),
    "小额信贷": ("#a6761d", "贷"),
    "教育": ("#0b8fb8", "教"),
    "健康": ("#e7298a", "健"),
    "住房": ("#d95f02", "住"),
    "其他": ("#8c8c8c", "其"),
}
