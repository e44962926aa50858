"""The demo's assistance layers (帮扶): valid, consistent with the register, deterministic, and
with exactly the deliberate gaps :mod:`township_atlas.data.demo_assistance` documents."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from township_atlas.data import demo
from township_atlas.data import demo_assistance as da
from township_atlas.data.importing.personal_guard import is_id_number, is_mobile
from township_atlas.geo.rules import default_rules
from township_atlas.geo.schema import LAYERS, WGS84
from township_atlas.geo.schema_assistance import ASSISTANCE_LAYERS, CADRE_REFS, HOUSEHOLD_REFS
from township_atlas.geo.workspace import validate_workspace

NAMES = [layer.name for layer in ASSISTANCE_LAYERS]
YEAR = demo.REGISTER_YEAR  # 2025
AS_OF = dt.date.fromisoformat(demo.DATA_DATE)  # 2025-06-30
RULES = default_rules().assistance


@pytest.fixture(scope="module")
def layers() -> dict[str, pd.DataFrame]:
    return demo.build_demo_layers()


@pytest.fixture(scope="module")
def households(layers) -> pd.DataFrame:
    return layers["households"].set_index("household_id")


@pytest.fixture(scope="module")
def checked(households) -> pd.DataFrame:
    return households[households["status"].isin(RULES.statuses)]


def test_checked_statuses_are_the_default_rules():
    assert RULES.statuses == da.CHECKED_STATUSES


def test_layers_are_filled_and_valid(layers):
    assert validate_workspace(layers) == []
    for name in NAMES:
        assert len(layers[name]) > 0, name
        assert list(layers[name].columns[: len(LAYERS[name].names)]) == LAYERS[name].names
    assert layers["projects"].crs == WGS84
    assert set(layers["projects"].geom_type) == {"Point"}


@pytest.mark.slow  # reads the demo workspace the session writes
def test_layers_survive_the_demo_workspace(layers, demo_ws):
    for name in NAMES:
        assert len(demo_ws[name]) == len(layers[name]), name
    assert set(demo_ws["pairings"]["cadre_id"]) <= set(demo_ws["cadres"]["cadre_id"])


def test_every_reference_exists(layers, households):
    register = set(households.index)
    for name, column in HOUSEHOLD_REFS.items():
        assert set(layers[name][column]) <= register, name
    cadres = set(layers["cadres"]["cadre_id"])
    assert layers["cadres"]["cadre_id"].str.fullmatch(r"C\d{3}").all()
    for name, column in CADRE_REFS.items():
        assert set(layers[name][column].dropna()) <= cadres, name
    codes = set(layers["villages"]["code"])
    for name in ("cadres", "village_teams", "projects"):
        assert set(layers[name]["village_code"].dropna()) <= codes, name
    # a visit is made by the household's own cadre
    cadre_of = layers["pairings"].set_index("household_id")["cadre_id"]
    visits = layers["visits"]
    assert (visits["cadre_id"] == visits["household_id"].map(cadre_of)).all()


def test_keys_are_unique(layers):
    for name in NAMES:
        key = list(LAYERS[name].key)
        assert not layers[name].duplicated(key).any(), name


def test_deterministic(layers):
    kwargs = {"as_of": demo.DATA_DATE, "seed": demo.DEMO_SEED + 2}
    args = (layers["villages"], layers["households"], YEAR)
    extra = {"indicators": layers["indicators"], "relocations": layers["relocations"]}
    first = da.assistance_layers(*args, **kwargs, **extra)
    again = da.assistance_layers(*args, **kwargs, **extra)
    for name in NAMES:
        pd.testing.assert_frame_equal(first[name], again[name])
        pd.testing.assert_frame_equal(first[name], layers[name], check_dtype=False)


def test_cadres_have_three_to_five_households(layers):
    cadres = layers["cadres"].set_index("cadre_id")
    per_cadre = layers["pairings"].groupby("cadre_id").size()
    helpers = cadres.index[cadres["responsibility"] == "帮扶责任人"]
    assert per_cadre[helpers].between(3, 5).all()
    assert 3 <= len(layers["pairings"]) / len(per_cadre) <= 5
    assert (cadres.loc[["C001", "C002"], "responsibility"] == "第一责任人").all()
    assert cadres.loc[["C001", "C002"], "village_code"].isna().all()
    assert cadres["cadre_name"].is_unique
    assert cadres["cadre_name"].str.fullmatch(r"[\u4e00-\u9fff]{3}").all()


def test_most_exited_households_are_paired(layers, households):
    exited = households.index[households["status"] == "已脱贫"]
    paired = set(layers["pairings"]["household_id"])
    assert 0.9 <= len(paired & set(exited)) / len(exited) < 1


# ----------------------------------------------------------------------------- the gaps
def test_unpaired_checked_households_are_exactly_the_gaps(layers, checked):
    paired = set(layers["pairings"]["household_id"])
    assert set(checked.index) - paired == set(da.DEMO_UNPAIRED)
    assert not set(da.DEMO_UNPAIRED) & set(layers["visits"]["household_id"])


def test_visits_fall_short_exactly_for_the_gaps(layers, checked):
    visits = layers["visits"]
    dates = pd.to_datetime(visits["visit_date"])
    assert dates.max().date() <= AS_OF
    this_year = visits[dates.dt.year == YEAR].groupby("household_id").size()
    paired = set(layers["pairings"]["household_id"]) & set(checked.index)
    counts = this_year.reindex(sorted(paired), fill_value=0)
    short = counts[counts < RULES.visits_per_year]
    assert short.to_dict() == dict.fromkeys(da.DEMO_ONE_VISIT_HOUSEHOLDS, 1)
    assert da.DEMO_ONE_VISIT_HOUSEHOLD in da.DEMO_ONE_VISIT_HOUSEHOLDS
    # every earlier year from the pairing year has two to four visits
    since = layers["pairings"].set_index("household_id")["since_year"]
    per_year = visits.assign(year=dates.dt.year).groupby(["household_id", "year"]).size()
    for hid in paired:
        years = range(int(since[hid]), YEAR)
        got = per_year[hid].reindex(list(years), fill_value=0)
        assert got.between(2, 4).all(), hid
        assert per_year[hid].index.min() == since[hid]


def test_measures_miss_the_cause_exactly_for_the_gaps(layers, checked):
    measures = layers["measures"]
    live = measures[(measures["status"] != "已取消") & (measures["year"] <= YEAR)]
    types = live.groupby("household_id")["measure_type"].agg(set)
    missing = [
        hid
        for hid, cause in checked["cause"].items()
        if cause in RULES.cause_measures
        and not types.get(hid, set()) & set(RULES.cause_measures[cause])
    ]
    assert sorted(missing) == sorted(da.DEMO_NO_MATCHING_MEASURE)
    # 缺技术 household: its 培训 was cancelled, the rest does not answer the cause
    gap = measures[measures["household_id"] == "360722102202-0012"]
    assert sorted(zip(gap["measure_type"], gap["status"], strict=True)) == [
        ("产业", "已完成"),
        ("兜底保障", "已完成"),
        ("培训", "已取消"),
    ]
    assert "360722102209-0070" not in set(measures["household_id"])


def test_measure_types_answer_causes_as_the_rules_say():
    for cause, (kinds, weights) in da._CAUSE_MEASURES.items():
        assert set(kinds) <= set(RULES.cause_measures[cause]), cause
        assert sum(weights) == pytest.approx(1)


def test_measure_amounts_are_plausible(layers):
    m = layers["measures"]
    assert (m.loc[m["measure_type"] == "小额信贷", "amount"] <= 50_000).all()
    assert m.loc[m["measure_type"] == "产业", "amount"].between(1000, 5000).all()
    assert (m.loc[m["measure_type"] == "教育", "amount"] <= 3000).all()
    assert m["year"].between(2015, YEAR).all()
    assert set(m.loc[m["year"] < YEAR, "status"]) <= {"已完成", "已取消"}


def test_one_poor_village_lacks_a_current_team(layers):
    teams = layers["village_teams"]
    villages = layers["villages"]
    poor = set(villages.loc[villages["poor_village"], "code"])
    assert set(teams["village_code"]) == poor
    current = set(teams.loc[teams["end_date"].isna(), "village_code"])
    assert poor - current == {da.DEMO_NO_TEAM_VILLAGE}
    assert teams["members"].between(2, 3).all()
    for code, rows in teams.sort_values("start_date").groupby("village_code"):
        starts = pd.to_datetime(rows["start_date"]).dt.date.tolist()
        ends = pd.to_datetime(rows["end_date"]).dt.date.tolist()
        assert starts[0].year == 2015, code
        # rotated every two to three years, each team handing over the next day
        for end, nxt in zip(ends[:-1], starts[1:], strict=True):
            assert nxt - end == dt.timedelta(days=1), code
        for start, end in zip(starts[:-1], ends[:-1], strict=True):
            assert 730 <= (end - start).days + 1 <= 1095, code
    gap = teams[teams["village_code"] == da.DEMO_NO_TEAM_VILLAGE]
    assert gap["end_date"].max() < f"{YEAR}-01-01"  # no team at all in 2025


def test_one_poor_village_lacks_an_industry_project(layers):
    projects = layers["projects"]
    villages = layers["villages"]
    poor = set(villages.loc[villages["poor_village"], "code"])
    kinds = projects[projects["project_type"].isin(RULES.village_project_types)]
    assert poor - set(kinds["village_code"]) == {da.DEMO_NO_INDUSTRY_VILLAGE}
    # the others had one from 2015, so every year checked finds only the gap
    first = kinds.groupby("village_code")["year"].min()
    assert (first[sorted(poor - {da.DEMO_NO_INDUSTRY_VILLAGE})] == 2015).all()
    per_village = projects[projects["project_type"] == "产业"].groupby("village_code").size()
    assert per_village[sorted(poor - {da.DEMO_NO_INDUSTRY_VILLAGE})].between(1, 2).all()


def test_projects_are_plausible(layers):
    p = layers["projects"]
    assert (p["spent"] <= p["budget"]).all()
    done = p[p["status"] == "完工"]
    assert (done["spent"] == done["budget"]).mean() > 0.7
    assert (p.loc[p["status"] == "计划", "spent"] == 0).all()
    assert (p["poor_households"] <= p["households"]).all()
    assert p["year"].between(2015, YEAR).all()
    assert (p.loc[p["year"] < YEAR - 1, "status"] == "完工").all()
    by_code = layers["villages"].set_index("code").geometry
    for row in p.itertuples():
        assert by_code[row.village_code].contains(row.geometry), row.project_id
    # the indicators' 2025 gaps are being built: 金盆山's bus stop and broadband, 中坑村's bus
    building = p[(p["year"] == YEAR) & (p["project_type"] == "基础设施")]
    assert sorted(building["name"]) == [
        "中坑村农村客运招呼站建设",
        "金盆山居委会农村客运招呼站建设",
        "金盆山居委会宽带网络覆盖工程",
    ]
    # the village totals of micro-credit are the households' loans
    m = layers["measures"]
    loans = m[(m["measure_type"] == "小额信贷") & (m["status"] != "已取消")]
    credit = p[p["project_type"] == "小额信贷"].set_index("village_code")
    by_village = loans.groupby(loans["household_id"].str[:12])
    assert credit["budget"].to_dict() == (by_village["amount"].sum() / 1e4).to_dict()
    assert credit["households"].to_dict() == by_village["household_id"].nunique().to_dict()
    assert (credit["spent"] == credit["budget"]).all()


def test_exit_plans(layers, households):
    plans = layers["exit_plans"].set_index("household_id")["plan_year"]
    registered = households[households["category"].notna()]
    assert set(plans.index) == set(registered.index)
    exited = registered[registered["status"] != "返贫"]
    # planned = exit year, except the five late ones (planned a year before)
    expected = exited["exit_year"] - exited.index.isin(da.DEMO_LATE_EXIT)
    assert (plans[exited.index] == expected).all()
    assert sorted(exited.index[plans[exited.index] < exited["exit_year"]]) == sorted(
        da.DEMO_LATE_EXIT
    )
    fell_back = registered.index[registered["status"] == "返贫"]
    behind = [hid for hid in fell_back if plans[hid] < YEAR]
    assert sorted(behind) == sorted(da.DEMO_BEHIND_PLAN)
    assert (plans[list(da.DEMO_BEHIND_PLAN)] == 2022).all()


def test_no_phone_or_id_number_anywhere(layers):
    long_digits = re.compile(r"\d{11,}")
    for name in NAMES:
        frame = pd.DataFrame(layers[name]).drop(columns="geometry", errors="ignore")
        for column in frame.columns:
            texts = frame[column].dropna().astype(str)
            assert not texts.map(is_mobile).any(), (name, column)
            assert not texts.map(is_id_number).any(), (name, column)
            if column not in ("household_id", "village_code"):
                assert not texts.str.contains(long_digits).any(), (name, column)
    notes = set(layers["visits"]["note"])
    names = set(layers["cadres"]["cadre_name"]) | set(layers["village_teams"]["first_secretary"])
    assert not any(n in note for note in notes for n in names)
    assert not any(re.search(r"\d", note) for note in notes)


def test_gap_constants_must_fit_the_register(layers):
    households = layers["households"].copy()
    households.loc[households["household_id"] == da.DEMO_UNPAIRED[0], "status"] = "已脱贫"
    with pytest.raises(ValueError, match="not a checked household"):
        da.assistance_layers(layers["villages"], households, YEAR)
