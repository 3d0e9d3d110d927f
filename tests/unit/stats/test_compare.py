"""Benchmark comparison (Fingertips rule) and distance from comparators in standard deviations."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
