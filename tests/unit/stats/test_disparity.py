"""The best–worst gap with a MOVER interval, against Newcombe (1998)."""

from __future__ import annotations

import pytest

from saferhub.core.errors import ValidationProblem
from saferhub.stats import counts, disparity_gap, gap_between, wilson


@pytest.mark.parametrize(
    ("a", "b", "lower", "upper"),
    [((56, 70), (48, 80), 0.0524, 0.3339), ((9, 10), (3, 10), 0.1705, 0.8090)],
)
def test_difference_of_proportions_matches_newcombe_1998_method_10(a, b, lower, upper):
    # Newcombe RG (1998) Interval estimation for the difference between independent proportions:
    # comparison of eleven methods. Statistics in Medicine 17:873-890, Table II, method 10.
    gap = disparity_gap([a[0], b[0]], [a[1], b[1]], polarity="higher_is_better", multiplier=1)
    assert gap.value == pytest.approx(a[0] / a[1] - b[0] / b[1])
    assert (round(gap.lower, 4), round(gap.upper, 4)) == (lower, upper)
    assert gap.significant is True
    assert "Newcombe" in gap.method


def test_best_and_worst_follow_polarity():
    higher = disparity_gap([10, 40, 25], [100, 100, 100], polarity="higher_is_better", labels=["A", "B", "C"])
    lower = disparity_gap([10, 40, 25], [100, 100, 100], polarity="lower_is_better", labels=["A", "B", "C"])
    assert (higher.best_label, higher.worst_label) == ("B", "A")
    assert (lower.best_label, lower.worst_label) == ("A", "B")
    assert higher.value == pytest.approx(30) and lower.value == pytest.approx(30)
    assert lower.lower == pytest.approx(higher.lower)


def test_rate_gap_and_suppressed_areas():
    gap = disparity_gap([65, 5], [100_000, 100_000], polarity="lower_is_better", kind="rate")
    assert gap.value == pytest.approx(60)
    assert gap.lower < 60 < gap.upper
    assert gap.best.method == "exact Poisson" and gap.worst.method == "Byar"


def test_bad_input_is_refused():
    with pytest.raises(ValidationProblem, match="at least two"):
        gap_between(counts([5]), polarity="higher_is_better")
    with pytest.raises(ValidationProblem, match="kind"):
        disparity_gap([1, 2], [10, 10], polarity="higher_is_better", kind="ratio")
    with pytest.raises(ValidationProblem, match="numerator 12 is larger than denominator 10 in row 2"):
        disparity_gap([1, 12], [10, 10], polarity="higher_is_better")
    with pytest.raises(ValidationProblem, match="labels"):
        gap_between(wilson([1, 2], [10, 10]), polarity="higher_is_better", labels=["only one"])
