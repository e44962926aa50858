"""The import preview's first rows read as the file did: blanks empty, flags as 是/否."""

from __future__ import annotations

import pandas as pd

from township_atlas.dashboard.import_panels import _as_text


def test_blanks_are_empty_and_flags_are_words():
    frame = pd.DataFrame(
        {
            "户编号": pd.array(["Z1", "Z2"], dtype="string"),
            "脱贫年度": pd.array([2019, None], dtype="Int64"),
            "人均纯收入": [4200.5, float("nan")],
            "危房户": [True, False],
            "返贫年度": pd.array([None, None], dtype="Int64"),
        }
    )
    shown = _as_text(frame, "zh")
    assert shown.to_dict("list") == {
        "户编号": ["Z1", "Z2"],
        "脱贫年度": ["2019", ""],
        "人均纯收入": ["4200.5", ""],
        "危房户": ["是", "否"],
        "返贫年度": ["", ""],
    }
    assert _as_text(frame, "en")["危房户"].tolist() == ["yes", "no"]
    assert frame["危房户"].tolist() == [True, False]  # the outcome's own frame is untouched
