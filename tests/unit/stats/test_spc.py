"""XmR charts with Making Data Count rules, against NHSRplotthedots' published figures and rule tests."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferhub.core.errors import ValidationProblem
from saferhub.stats import Polarity, assurance_type, xmr
from saferhub.stats._spc_core import NO_RULE, OUTSIDE_LIMITS, RUN, TREND, TWO_OF_THREE, decide
from saferhub.stats.spc_batch import xmr_many
from tests.unit.stats.fixtures import reference_json

NHSR = reference_json("nhsrplotthedots.json")


def limits(result, segment=0):
    s = result.segments[segment]
    return s.lower_limit, s.mean, s.upper_limit


# --- Published limits -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("screen", "key"), [(True, "screened"), (False, "unscreened")])
def test_deviations_vignette_limits_screened_and_unscreened(screen, key):
    ref = NHSR["deviations_vignette"]
    result = xmr(ref["data"], screen_outliers=screen)
    lpl, mean, upl = (round(v, ref["decimals"]) for v in limits(result))
    assert (lpl, mean, upl) == (ref[key]["lpl"], ref[key]["mean"], ref[key]["upl"])
    assert result.options.screen_outliers is screen
    assert result.segments[0].moving_ranges_screened_out == (2 if screen else 0)


def three_sf(x: float) -> float:
    return float(f"{x:.3g}")


def test_rnorm_input_rounds_to_the_snapshot_column():
    ref = NHSR["rnorm_snapshots"]
    assert [three_sf(v) for v in ref["y_full"]] == ref["y_printed"]


@pytest.mark.parametrize(
    ("key", "window"),
    [
        ("all_points", slice(0, 20)),
        ("facet_0_points_1_to_10", slice(0, 10)),
        ("facet_1_points_11_to_20", slice(10, 20)),
    ],
)
def test_snapshot_limits_for_the_rnorm_series(key, window):
    ref = NHSR["rnorm_snapshots"]
    expected = ref[key]
    result = xmr(ref["y_full"][window])
    lpl, mean, upl = limits(result)
    assert (three_sf(mean), three_sf(lpl), three_sf(upl)) == (expected["mean"], expected["lpl"], expected["upl"])
    assert sum(p.point_type == "common_cause" for p in result.points) == expected["common_cause"]


def test_rebasing_recalculates_limits_from_that_point():
    ref = NHSR["rnorm_snapshots"]
    dates = [dt.date(2020, 1, 2) + dt.timedelta(days=i) for i in range(20)]
    result = xmr(ref["y_full"], dates=dates, rebase_at=["2020-01-12"])
    assert result.options.rebase_at == (10,)
    for segment, key in enumerate(("facet_0_points_1_to_10", "facet_1_points_11_to_20")):
        lpl, mean, upl = limits(result, segment)
        assert (three_sf(mean), three_sf(lpl), three_sf(upl)) == (ref[key]["mean"], ref[key]["lpl"], ref[key]["upl"])
    assert result.points[10].segment == 1
    assert result.segments[1].start_date == dt.date(2020, 1, 12)


# --- Rules, as NHSRplotthedots' own tests state them ----------------------------------------------------


@pytest.mark.parametrize("case", NHSR["rules"]["seven_one_side"])
def test_seven_points_on_one_side_of_the_mean(case):
    # Values 10 above, -10 below a mean pinned by a long baseline of alternating 1 and -1 (mean 0).
    baseline = [1, -1] * 6
    values = baseline + [10 * s for s in case["relative_to_mean"]]
    result = xmr(values, baseline_points=len(baseline))
    tail = result.points[len(baseline) :]
    flagged = [p.in_run for p in tail]
    if case["run"]:
        # NHSRplotthedots flags from the 7th point; the whole run is then part of it, as here.
        first_flag = case["flagged_from_7th"].index(1)
        assert flagged[: first_flag + 1] == [True] * (first_flag + 1)
        assert flagged[-1] is False
    else:
        assert not any(flagged)


@pytest.mark.parametrize("case", NHSR["rules"]["seven_trend"])
def test_seven_points_rising_or_falling(case):
    result = xmr(case["values"])
    in_trend = [p.in_trend for p in result.points]
    last_flag = max((i for i, r in enumerate(case["result"]) if r), default=None)
    if last_flag is None:
        assert not any(in_trend)
    else:
        # NHSRplotthedots marks the 7th point of the trend; the 6 before it belong to the same trend.
        assert in_trend[last_flag - 6 : last_flag + 1] == [True] * 7
        assert not any(in_trend[last_flag + 1 :])
        direction = "high" if case["result"][last_flag] > 0 else "low"
        assert result.points[last_flag].direction == direction


@pytest.mark.parametrize("case", NHSR["rules"]["two_in_three"])
def test_two_of_three_beyond_two_sigma(case):
    # Baseline 0,1 alternating: mean 0.5, AMR 1, so the upper 2σ line is 2.27 and the upper limit 3.16.
    # 2.5 is "close to the limit"; 1.0 is on the same side of the mean but not beyond 2σ.
    baseline = [0, 1] * 6
    values = baseline + [2.5 if c else 1.0 for c in case["close"]]
    result = xmr(values, baseline_points=len(baseline))
    tail = result.points[len(baseline) :]
    assert [int(p.in_two_of_three) for p in tail] == case["part"]
    assert not any(p.outside_limits for p in tail)


def test_two_of_three_on_opposite_sides_is_common_cause():
    case = NHSR["rules"]["opposite_sides"]
    result = xmr(case["values"])
    assert [p.point_type for p in result.points[-2:]] == case["last_two"]


@pytest.mark.parametrize("case", NHSR["assurance"]["cases"])
def test_assurance_from_target_against_limits(case):
    target = NHSR["assurance"]["target"]
    assert assurance_type(case["lpl"], case["upl"], target, "higher_is_better") == case["increase"]
    assert assurance_type(case["lpl"], case["upl"], target, "lower_is_better") == case["decrease"]
    assert assurance_type(case["lpl"], case["upl"], target, "no_judgement") is None


# --- Options, polarity and icons -----------------------------------------------------------------------


def test_run_length_is_configurable_and_reported():
    values = [1, -1] * 6 + [5] * 6 + [-1]
    assert not any(p.in_run for p in xmr(values, baseline_points=12).points)
    result = xmr(values, baseline_points=12, run_length=6)
    assert [p.in_run for p in result.points[12:18]] == [True] * 6
    assert result.options.run_length == 6
    assert result.options.trend_length == 7


def test_polarity_gives_improvement_concern_or_neutral_and_the_last_point_sets_the_icon():
    values = [1, 2] * 8 + [20]
    up = xmr(values, polarity="higher_is_better")
    down = xmr(values, polarity="lower_is_better")
    neutral = xmr(values)
    assert up.points[-1].point_type == "special_cause_improvement"
    assert up.variation == "improvement_high"
    assert down.points[-1].point_type == "special_cause_concern"
    assert down.variation == "concern_high"
    assert neutral.points[-1].point_type == "special_cause_neutral"
    assert neutral.variation == "neutral_high"
    assert xmr([1, 2] * 8).variation == "common_cause"


def test_assurance_is_reported_with_a_target_and_explained_without_polarity():
    values = [10, 11] * 8
    assert xmr(values, polarity="higher_is_better", target=5).assurance == "consistent_pass"
    assert xmr(values, polarity="higher_is_better", target=30).assurance == "consistent_fail"
    assert xmr(values, polarity="lower_is_better", target=10.5).assurance == "inconsistent"
    neutral = xmr(values, target=10)
    assert neutral.assurance is None
    assert any("no assurance icon" in note for note in neutral.notes)


def test_fewer_than_13_points_give_trial_limits_and_say_so():
    short = xmr([1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2])
    assert short.segments[0].trial_limits is True
    assert any("trial limits" in note for note in short.notes)
    assert xmr([1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2, 1]).segments[0].trial_limits is False


def test_baseline_points_fix_the_limits():
    values = [1, 2] * 6 + [50, 60, 70]
    fixed = xmr(values, baseline_points=12)
    assert fixed.segments[0].mean == pytest.approx(1.5)
    assert fixed.segments[0].baseline_points == 12
    assert all(p.outside_limits for p in fixed.points[12:])


def test_every_option_is_in_the_result():
    options = xmr([1, 2, 3, 4], polarity="lower_is_better", target=2).options.to_dict()
    assert options == {
        "screen_outliers": True,
        "run_length": 7,
        "trend_length": 7,
        "baseline_points": None,
        "rebase_at": [],
        "polarity": "lower_is_better",
        "target": 2.0,
        "trial_limit_points": 13,
        "limit_constant": 2.66,
        "screening_constant": 3.267,
        "two_of_three_includes_beyond_limits": True,
    }


# --- Bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": []}, "value is empty"),
        ({"values": [1]}, "at least 2 points"),
        ({"values": [1, 2, math.nan, 4]}, r"value is missing \(NaN\) in row 3"),
        ({"values": [1, 2, "x", 4]}, "value 'x' in row 3 is not a number"),
        ({"values": [1, 2, 3], "dates": ["2021-01-01", "2021-03-01", "2021-02-01"]}, "comes before"),
        ({"values": [1, 2, 3], "dates": ["2021-01-01", "2021-02-01", "2021-02-01"]}, "duplicate of row 2"),
        ({"values": [1, 2, 3], "dates": ["2021-01-01", "2021-02-01"]}, "3 values but 2 dates"),
        (
            {"values": [1, 2, 3], "dates": ["2021-01-01", "2021-02-01", "2021-03-01"], "rebase_at": ["2022-01-01"]},
            "not one of the series' dates",
        ),
        ({"values": [1, 2, 3], "rebase_at": [2]}, "only 1 point"),
        ({"values": [1, 2, 3], "polarity": "up"}, "polarity 'up'"),
        ({"values": [1, 2, 3], "run_length": 1}, "run length"),
    ],
)
def test_bad_input_is_refused(kwargs, message):
    values = kwargs.pop("values")
    with pytest.raises(ValidationProblem, match=message):
        xmr(values, **kwargs)


def test_first_row_shifts_row_numbers_for_spreadsheets():
    with pytest.raises(ValidationProblem, match="in row 4"):
        xmr([1, 2, None], first_row=2)


# --- Properties --------------------------------------------------------------------------------------------

series = st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=2, max_size=40)


@settings(max_examples=60, deadline=None)
@given(series)
def test_limits_bracket_the_mean_and_two_sigma_lies_inside(values):
    for s in xmr(values).segments:
        assert s.lower_limit <= s.lower_2sigma <= s.mean <= s.upper_2sigma <= s.upper_limit


@settings(max_examples=60, deadline=None)
@given(series)
def test_reversing_polarity_swaps_improvement_and_concern(values):
    up = xmr(values, polarity=Polarity.HIGHER_IS_BETTER)
    down = xmr(values, polarity=Polarity.HIGHER_IS_BETTER.reversed())
    swap = {"special_cause_improvement": "special_cause_concern", "special_cause_concern": "special_cause_improvement"}
    assert [swap.get(p.point_type, p.point_type) for p in up.points] == [p.point_type for p in down.points]


# --- Which rule decides the icon (NHSRplotthedots' precedence) --------------------------------------------


def test_precedence_matches_nhsrplotthedots_special_cause_type():
    ref = NHSR["precedence"]
    y = np.array(ref["y"], dtype=float)
    steps = np.sign(np.diff(y))
    rising = np.r_[steps, steps[-1]]  # a trend's direction from the rise of y ("use right side")
    part_trend = np.array(ref["part_of_trend"]) != 0
    rule, direction = decide(
        outside=np.array(ref["outside_limits"]) != 0,
        trend=np.where(part_trend, rising, 0).astype(np.int64),
        in_two=np.array(ref["part_of_two_in_three"]) != 0,
        in_run=np.array(ref["part_of_run"]) != 0,
        side=np.array(ref["relative_to_mean"], dtype=np.int64),
    )
    words = {
        (TREND, 1): "7 Point Trend (Increasing)",
        (TREND, -1): "7 Point Trend (Decreasing)",
        (RUN, 1): "7 Points Above CL",
        (RUN, -1): "7 Points Below CL",
        (TWO_OF_THREE, 1): "2 in 3 Above CL",
        (TWO_OF_THREE, -1): "2 in 3 Below CL",
        (OUTSIDE_LIMITS, 1): "Above UCL",
        (OUTSIDE_LIMITS, -1): "Below LCL",
        (NO_RULE, 0): "Common Cause",
    }
    assert [words[(int(r), int(d))] for r, d in zip(rule, direction, strict=True)] == ref["expected"]


def test_a_falling_trend_above_the_mean_reads_as_the_trend_not_the_run():
    # Seven points above the mean (a run) that fall one after another (a trend): NHSRplotthedots decides by
    # the trend, so the point is low (an improvement where lower is better), not high.
    values = [0, 1] * 6 + [2.2, 2.0, 1.8, 1.6, 1.4, 1.2, 1.0]
    result = xmr(values, baseline_points=12, polarity="lower_is_better")
    last = result.points[-1]
    assert last.in_run and last.in_trend and not last.outside_limits
    assert last.rule == "trend"
    assert last.direction == "low"
    assert last.point_type == "special_cause_improvement"
    assert result.variation == "improvement_low"


# --- Many series at once ------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(st.integers(min_value=-50, max_value=50), min_size=2, max_size=30), min_size=1, max_size=6),
    st.sampled_from(list(Polarity)),
)
def test_many_series_at_once_give_what_each_chart_gives_alone(series_values, polarity):
    names = [f"s{i}" for i, vals in enumerate(series_values) for _ in vals]
    flat = [v for vals in series_values for v in vals]
    table = xmr_many(names, flat, polarity=polarity)
    offset = 0
    for i, vals in enumerate(series_values):
        alone = xmr(vals, polarity=polarity)
        rows = slice(offset, offset + len(vals))
        assert list(table.point_type[rows]) == [p.point_type for p in alone.points]
        assert list(table.rule[rows]) == [p.rule for p in alone.points]
        assert table.upper_limit[rows] == pytest.approx([alone.segments[0].upper_limit] * len(vals))
        assert table.series_variation[table.series_names.index(f"s{i}")] == alone.variation
        offset += len(vals)


def test_many_series_may_be_interleaved_and_refuse_a_series_of_one():
    table = xmr_many(["a", "b", "a", "b", "a"], [1, 10, 2, 20, 3])
    assert list(table.mean) == pytest.approx([2, 15, 2, 15, 2])
    with pytest.raises(ValidationProblem, match="series 'c' has only 1 point"):
        xmr_many(["a", "a", "c"], [1, 2, 3])
