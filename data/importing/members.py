"""Household figures counted from the register's person rows (the ``members`` layer).

The households layer carries, per household, the counts that the exit check and the figures
read (三保障 and labour): how many members of compulsory-school age are out of school, how
many lack basic medical insurance, how many can work or work away. They are counted here, once,
from person rows: by the register reader and by the demo.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ...geo.schema import LABOUR_COUNTED, WORK_COUNTED

#: Household column -> (the members column it needs, the members who count).
_COUNTED: dict[str, tuple[str, Callable[[pd.DataFrame], pd.Series]]] = {
    "out_of_school": ("schooling", lambda p: p["schooling"] == "失学辍学"),
    "no_medical_insurance": ("medical_insurance", lambda p: p["medical_insurance"].eq(False)),
    "no_serious_illness_insurance": (
        "serious_illness_insurance",
        lambda p: p["serious_illness_insurance"].eq(False),
    ),
    "labour_persons": ("labour_skill", lambda p: p["labour_skill"].isin(LABOUR_COUNTED)),
    "migrant_workers": ("work", lambda p: p["work"].isin(WORK_COUNTED)),
    "ill_or_disabled": (
        "disabled",
        lambda p: p[["chronic_illness", "serious_illness", "disabled"]].fillna(False).any(axis=1),
    ),
}
#: The households columns counted from members.
MEMBER_COUNTS = tuple(_COUNTED)


def member_counts(people: pd.DataFrame, households: pd.Index) -> pd.DataFrame:
    """Per household (``households``: their ids), the counts of :data:`MEMBER_COUNTS`.

    A count whose source column ``people`` lacks, or holds only empty cells, is left out of the
    result: the register did not record it, which is not the same as nobody (0).
    """
    by = people["household_id"]
    out = pd.DataFrame(index=households)
    for column, (source, who) in _COUNTED.items():
        if source not in people.columns or not people[source].notna().any():
            continue
        mask = who(people).fillna(False).astype(bool)
        out[column] = mask.groupby(by).sum().reindex(households).fillna(0).astype("int64")
    return out
