"""One vocabulary: every domain word is declared once in geo/schema.py, with zh and en."""

from __future__ import annotations

from township_atlas.geo.schema import INDICATOR_FLAGS, INDICATOR_UNMET, LAYERS


def test_every_indicator_flag_has_its_unmet_wording_built_on_its_label():
    assert tuple(INDICATOR_UNMET) == INDICATOR_FLAGS
    indicators = LAYERS["indicators"]
    for flag, (zh, en) in INDICATOR_UNMET.items():
        column = indicators.column(flag)
        # 未通客运班车 is 通客运班车 not met: the wording says the column's own words
        assert column.zh in zh and zh[0] in "未无", flag
        assert en.startswith("no ") and en[3:], flag
