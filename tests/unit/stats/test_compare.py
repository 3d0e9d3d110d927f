"""Benchmark comparison (Fingertips rule) and distance from comparators in standard deviations."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import chi2

from saferhub.core.errors import ValidationProblem
from saferhub.stats import (
    Outcome,
    Polarity,
    compare_estimates,
    compare_with_benchmark,
    distance_in_sd,
    meets_sd_ambition,
    wilson,
)
from saferhub.stats.compare import compare_two_intervals
from saferhub.stats.compare_spc import SPC_RATES, compare_proportions_spc, compare_rates_spc, poisson_control_limits
from tests.unit.stats.fixtures import reference_json


def compare(lower, upper, benchmark, polarity):
    return compare_with_benchmark(lower=[lower], upper=[upper], benchmark=benchmark, polarity=polarity)[0]


def test_benchmark_inside_the_interval_is_similar():
    result = compare(10, 20, 15, "higher_is_better")
    assert result.outcome is Outcome.SIMILAR
    assert "inside" in result.reason


@pytest.mark.parametrize(
    ("lower", "upper", "polarity", "outcome"),
    [
        (16, 20, "higher_is_better", Outcome.BETTER),
        (16, 20, "lower_is_better", Outcome.WORSE),
        (10, 14, "higher_is_better", Outcome.WORSE),
        (10, 14, "lower_is_better", Outcome.BETTER),
        (16, 20, "no_judgement", Outcome.HIGHER),
        (10, 14, "no_judgement", Outcome.LOWER),
    ],
)
def test_outside_the_interval_follows_polarity(lower, upper, polarity, outcome):
    assert compare(lower, upper, 15, polarity).outcome is outcome


def test_the_interval_edge_counts_as_similar():
    assert compare(15, 20, 15, "higher_is_better").outcome is Outcome.SIMILAR


@pytest.mark.parametrize(
    ("lower", "upper", "benchmark", "polarity", "reason"),
    [
        (None, None, 15, "higher_is_better", "no confidence interval"),
        (float("nan"), 20, 15, "higher_is_better", "no confidence interval"),
        (10, 20, None, "higher_is_better", "no benchmark value"),
        (10, 20, 15, None, "no polarity set"),
    ],
)
def test_not_compared_says_why(lower, upper, benchmark, polarity, reason):
    result = compare(lower, upper, benchmark, polarity)
    assert result.outcome is Outcome.NOT_COMPARED
    assert reason in result.reason


def test_methods_example_at_95_and_998_percent():
    # METHODS.md: 65/100 is 0.55254–0.73636 at 95% and 0.49549–0.77835 at 99.8%; against 0.5 it is
    # better at 95% (the whole interval is above) and similar at 99.8% (0.5 is inside).
    at95 = compare_estimates(wilson([65], [100]), benchmark=0.5, polarity="higher_is_better")[0]
    at998 = compare_estimates(wilson([65], [100], confidence=99.8), benchmark=0.5, polarity="higher_is_better")[0]
    assert at95.outcome is Outcome.BETTER
    assert at95.confidence == 0.95
    assert at998.outcome is Outcome.SIMILAR
    assert at998.confidence == 0.998


def test_a_whole_table_with_a_benchmark_per_row():
    results = compare_with_benchmark(
        lower=[1, 5, None], upper=[3, 7, None], benchmark=[4, 4, 4], polarity="lower_is_better", values=[2, 6, None]
    )
    assert [r.outcome for r in results] == [Outcome.BETTER, Outcome.WORSE, Outcome.NOT_COMPARED]
    assert results[0].to_dict()["outcome"] == "better"


def test_bad_input_is_refused_with_the_row():
    with pytest.raises(ValidationProblem, match="upper limit 'high' in row 2 is not a number"):
        compare_with_benchmark(lower=[1, 2], upper=[3, "high"], benchmark=2, polarity="higher_is_better")
    with pytest.raises(ValidationProblem, match="lower limit 5 is above upper limit 3 in row 1"):
        compare_with_benchmark(lower=[5], upper=[3], benchmark=2, polarity="higher_is_better")
    with pytest.raises(ValidationProblem, match="polarity 'up' is not one of"):
        compare_with_benchmark(lower=[1], upper=[3], benchmark=2, polarity="up")
    with pytest.raises(ValidationProblem, match="empty"):
        compare_with_benchmark(lower=[], upper=[], benchmark=2, polarity="higher_is_better")


def test_estimates_at_mixed_levels_are_refused():
    mixed = wilson([65], [100]) + wilson([65], [100], confidence=99.8)
    with pytest.raises(ValidationProblem, match="mix confidence levels"):
        compare_estimates(mixed, benchmark=0.5, polarity="higher_is_better")


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(finite, finite, finite, st.sampled_from(list(Polarity)))
def test_reversing_polarity_swaps_better_and_worse(a, b, benchmark, polarity):
    lower, upper = min(a, b), max(a, b)
    forward = compare(lower, upper, benchmark, polarity).outcome
    backward = compare(lower, upper, benchmark, polarity.reversed()).outcome
    swapped = {Outcome.BETTER: Outcome.WORSE, Outcome.WORSE: Outcome.BETTER}
    assert backward is swapped.get(forward, forward)


def test_distance_in_standard_deviations():
    # comparators 1..5: mean 3, sample sd √2.5
    result = distance_in_sd([1, 3, 6], [1, 2, 3, 4, 5])
    assert [round(r.standard_deviations, 4) for r in result] == [round(-2 / 2.5**0.5, 4), 0.0, round(3 / 2.5**0.5, 4)]
    assert result[0].comparator_mean == 3
    assert result[0].comparators == 5
    assert meets_sd_ambition(result, standard_deviations=1, direction="below") == [True, False, False]
    assert meets_sd_ambition(result, standard_deviations=1, direction="above") == [False, False, True]


def test_ambition_against_national_and_regional_averages_uses_both_groups():
    national = distance_in_sd([40], [50, 55, 60, 65, 70])[0]
    regional = distance_in_sd([40], [42, 44, 46, 48])[0]
    assert all(meets_sd_ambition([national, regional], direction="below"))


def test_distance_needs_two_varying_comparators():
    with pytest.raises(ValidationProblem, match="at least 2"):
        distance_in_sd([1], [3])
    with pytest.raises(ValidationProblem, match="all the same"):
        distance_in_sd([1], [3, 3, 3])


# --- Fingertips' other comparators, against its own comparer tests (fingertips.json) ---------------------

FT = reference_json("fingertips.json")


@pytest.mark.parametrize("case", FT["spc_for_rates"]["cases"], ids=lambda c: c["area"])
def test_spc_for_rates_matches_fingertips(case):
    ref = FT["spc_for_rates"]
    for level, key in ((0.95, "at_95"), (0.998, "at_998")):
        (result,) = compare_rates_spc(
            [case["value"]],
            [case["denominator"]],
            benchmark=ref["benchmark"],
            polarity=ref["polarity"],
            multiplier=ref["multiplier"],
            confidence=level,
        )
        assert result.outcome.value == case[key]
        assert result.method == SPC_RATES


def test_spc_for_rates_rounds_the_expected_count_to_whole_events():
    # Fingertips' PoisLow/PoisHigh sum Poisson terms over whole events: a non-integer E is taken up to ⌈E⌉
    # for the lower limit and down to ⌊E⌋ for the upper. With E = 13.14 that is the exact limits of 14 and 13.
    lower, upper = poisson_control_limits(np.array([13.14]), 0.95, whole_events=True)
    assert lower[0] == pytest.approx(chi2.ppf(0.025, 28) / 2)
    assert upper[0] == pytest.approx(chi2.ppf(0.975, 28) / 2)
    lo_c, hi_c = poisson_control_limits(np.array([13.14]), 0.95, whole_events=False)
    assert lo_c[0] < lower[0] and hi_c[0] > upper[0]  # the continuous form is a little wider


@pytest.mark.parametrize("index", [0, 1])
def test_spc_for_proportions_matches_fingertips(index):
    ref = FT["spc_for_proportions"]
    chosen = ref["sets"][index]
    for level, key in ((0.95, "at_95"), (0.998, "at_998")):
        results = compare_proportions_spc(
            [c["value"] for c in chosen["cases"]],
            [c["denominator"] for c in chosen["cases"]],
            benchmark=chosen["benchmark"],
            polarity=ref["polarity"],
            multiplier=ref["multiplier"],
            confidence=level,
        )
        assert [r.outcome.value for r in results] == [c[key] for c in chosen["cases"]]


@pytest.mark.parametrize("case", FT["double_overlapping_cis"]["cases"])
def test_double_overlapping_cis_matches_fingertips(case):
    (value, lower, upper), (bench, b_lower, b_upper) = case["data"], case["parent"]
    result = compare_two_intervals(
        value=value,
        lower=lower,
        upper=upper,
        benchmark=bench,
        benchmark_lower=b_lower,
        benchmark_upper=b_upper,
        polarity=FT["double_overlapping_cis"]["polarity"],
    )
    assert result.outcome.value == case["expected"]


@given(finite, finite, finite, finite, st.sampled_from(list(Polarity)))
def test_double_overlap_is_symmetric(a, b, c, d, polarity):
    # Swapping the two sides of the comparison keeps "similar" and turns better into worse.
    lo1, hi1 = sorted((a, b))
    lo2, hi2 = sorted((c, d))
    v1, v2 = (lo1 + hi1) / 2, (lo2 + hi2) / 2
    one = compare_two_intervals(
        value=v1, lower=lo1, upper=hi1, benchmark=v2, benchmark_lower=lo2, benchmark_upper=hi2, polarity=polarity
    )
    two = compare_two_intervals(
        value=v2, lower=lo2, upper=hi2, benchmark=v1, benchmark_lower=lo1, benchmark_upper=hi1, polarity=polarity
    )
    swap = {"better": "worse", "worse": "better", "higher": "lower", "lower": "higher"}
    if v1 != v2:
        assert two.outcome.value == swap.get(one.outcome.value, one.outcome.value)


def test_spc_comparisons_refuse_bad_input_and_say_why_a_row_is_not_compared():
    with pytest.raises(ValidationProblem, match="benchmark 120 is not a proportion of 100"):
        compare_proportions_spc([5], [100], benchmark=120, polarity="lower_is_better")
    with pytest.raises(ValidationProblem, match="denominator 0 in row 1 must be greater than zero"):
        compare_rates_spc([5], [0], benchmark=2, polarity="lower_is_better")
    (missing,) = compare_rates_spc([None], [1000], benchmark=2, polarity="lower_is_better")
    assert missing.outcome.value == "not_compared" and missing.reason == "no value"


@given(st.floats(min_value=0.01, max_value=500), st.sampled_from([0.95, 0.998]))
def test_whole_event_control_limits_lie_within_the_continuous_ones(expected, level):
    # ⌈E⌉ ≥ E raises the lower limit and ⌊E⌋ ≤ E lowers the upper: Fingertips' limits are the narrower.
    lo_w, hi_w = poisson_control_limits(np.array([expected]), level, whole_events=True)
    lo_c, hi_c = poisson_control_limits(np.array([expected]), level, whole_events=False)
    assert lo_c[0] <= lo_w[0] + 1e-12 and hi_w[0] <= hi_c[0] + 1e-12


@given(st.floats(min_value=0.5, max_value=99.5), st.integers(min_value=1, max_value=1_000_000))
def test_the_benchmark_proportion_itself_is_always_similar(benchmark, denominator):
    (result,) = compare_proportions_spc([benchmark], [denominator], benchmark=benchmark, polarity="higher_is_better")
    assert result.outcome.value == "similar"
    assert result.lower <= benchmark <= result.upper
