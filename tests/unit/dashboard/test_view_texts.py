"""What the pages say in two places where they used to say the wrong thing (issue 13)."""

from __future__ import annotations

import numpy as np
import pytest

from township_atlas.analysis.placement import CoverageProblem, TargetUnreachable
from township_atlas.dashboard import i18n
from township_atlas.dashboard.progress_view import gap_heading


def test_a_village_that_was_never_poor_is_not_told_its_gap_to_exit():
    assert gap_heading("poor_not_exited", "zh") == "距出列还差"
    assert "无需出列" in gap_heading("not_poor_village", "zh")
    assert "no exit needed" in gap_heading("not_poor_village", "en")


def test_an_unreachable_target_is_said_in_the_pages_language():
    cost = np.array([[0.0, np.inf], [np.inf, np.inf]])  # the second village: out of reach
    p = CoverageProblem.from_cost_matrix(cost, np.ones(2), 1.0)
    with pytest.raises(TargetUnreachable) as err:
        p.set_cover(0.9)
    assert (err.value.target, err.value.best) == (0.9, 0.5)
    zh = i18n.t("plan_unreachable", "zh", target="90%", best="50.0%")
    assert zh.startswith("没有方案能达到 90%") and "no placement" not in zh
