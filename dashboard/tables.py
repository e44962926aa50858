"""Tables shown on pages, with headers in the chosen language and units people use."""

from __future__ import annotations

import pandas as pd

from ..geo.schema import Layer, allowed_text
from . import i18n


def village_table(figures: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Per-village figures with labelled headers; incidence in %."""
    out = figures.copy()
    out["incidence"] = (out["incidence"] * 100).round(2)
    names = {
        "code": "代码" if lang == "zh" else "Code",
        "name": "村名" if lang == "zh" else "Name",
        "population": f"{i18n.t('population', lang)}({i18n.t('people', lang)})",
        "incidence": f"{i18n.t('incidence', lang)}(%)",
    }
    for col in out.columns:
        if col not in names:
            names[col] = i18n.indicator_label(col, lang)
    return out.rename(columns=names)


def category_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = table.copy()
    out["category"] = [i18n.category_label(c, lang) for c in out["category"]]
    hh, pp = i18n.t("households", lang), i18n.t("people", lang)
    return out.rename(
        columns={
            "category": i18n.t("category", lang),
            "group": "类别" if lang == "zh" else "Group",
            "households": f"{i18n.t('registered', lang)}({hh})",
            "persons": f"{i18n.t('registered', lang)}({pp})",
            "remaining_households": f"{i18n.t('remaining', lang)}({hh})",
            "remaining_persons": f"{i18n.t('remaining', lang)}({pp})",
        }
    )


def schema_table(layer: Layer, lang: str) -> pd.DataFrame:
    """The layer's columns as a readable table (the same facts as docs/schema.md)."""
    yes, no = i18n.t("yes", lang), i18n.t("no", lang)
    return pd.DataFrame(
        {
            i18n.t("col_name", lang): [c.name for c in layer.columns],
            i18n.t("col_label", lang): [c.zh if lang == "zh" else c.en for c in layer.columns],
            i18n.t("col_kind", lang): [c.kind for c in layer.columns],
            i18n.t("col_unit", lang): [c.unit for c in layer.columns],
            i18n.t("col_required", lang): [yes if c.required else no for c in layer.columns],
            i18n.t("col_allowed", lang): [allowed_text(layer, c) for c in layer.columns],
            i18n.t("col_meaning", lang): [c.meaning for c in layer.columns],
        }
    )
