"""Fingertips recent trend: chi-squared test for trend (proportions), weighted regression (other values)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferhub.core.errors import ValidationProblem
from saferhub.stats import Trend, recent_trend

# shared/METHODS.md, "Recent trend": the worked example
EXAMPLE = {
    "years": [2015, 2016, 2017, 2018, 2019],
    "values": [30.6, 30.2, 28, 24.6, 24.67],
    "lower": [28.98, 28.63, 26.44, 23.15, 23.16],
    "upper": [32.25, 31.9, 29.64, 26.19, 26.25],
}


def test_methods_example_is_a_significant_decrease():
    result = recent_trend(**EXAMPLE, value_type="other")
    assert round(result.slope, 4) == -1.7516
    assert round(result.statistic, 2) == 46.76
    assert result.outcome is Trend.DECREASING
    assert result.threshold == 9.5495
    assert result.method.startswith("weighted linear regression")


def test_polarity_says_whether_the_change_is_good():
    assert recent_trend(**EXAMPLE, value_type="other", polarity="lower_is_better").label == (
        "Decreasing and getting better"
    )
    assert recent_trend(**EXAMPLE, value_type="other", polarity="higher_is_better").assessment == "getting_worse"
    assert recent_trend(**EXAMPLE, value_type="other", polarity="no_judgement").assessment is None


def test_fewer_than_five_points_cannot_be_calculated():
    short = {k: v[:4] for k, v in EXAMPLE.items()}
    result = recent_trend(**short, value_type="other")
    assert result.outcome is Trend.CANNOT_BE_CALCULATED
    assert result.statistic is None
    assert "at least 5" in result.reason


def test_only_the_last_five_points_are_used():
    longer = {k: [v[0], v[0], *v] for k, v in EXAMPLE.items()}
    longer["years"] = [2013, 2014, *EXAMPLE["years"]]
    result = recent_trend(**longer, value_type="other")
    assert result.years == tuple(EXAMPLE["years"])
    assert round(result.statistic, 2) == 46.76


def test_chi_squared_for_trend_equals_n_r_squared_on_individual_records():
    # Armitage's X² is N·r², r the correlation of outcome and year over the individual records: an
    # independent check of the formula in METHODS.md.
    years = [2016, 2017, 2018, 2019, 2020]
    numerators, denominators = [40, 52, 61, 70, 88], [1000, 1010, 990, 1005, 1000]
    t = np.repeat(years, denominators)
    y = np.concatenate([np.r_[np.ones(c), np.zeros(d - c)] for c, d in zip(numerators, denominators, strict=True)])
    expected = t.size * np.corrcoef(t, y)[0, 1] ** 2
    result = recent_trend(years=years, numerators=numerators, denominators=denominators)
    assert result.statistic == pytest.approx(expected, rel=1e-9)
    assert result.outcome is Trend.INCREASING
    assert result.method.startswith("chi-squared test for trend")


def test_a_flat_proportion_shows_no_significant_change():
    result = recent_trend(years=[1, 2, 3, 4, 5], numerators=[50, 52, 49, 51, 50], denominators=[1000] * 5)
    assert result.outcome is Trend.NO_SIGNIFICANT_CHANGE


def test_a_single_point_that_drives_the_slope_fails_the_leave_one_out_check():
    # A large jump in the last year only: X² is high, but leaving out that year reverses the slope.
    result = recent_trend(years=[1, 2, 3, 4, 5], numerators=[60, 58, 56, 54, 150], denominators=[1000] * 5)
    assert result.statistic > 9.5495
    assert result.outcome is Trend.NO_SIGNIFICANT_CHANGE
    assert "leaving one point out" in result.reason


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=999), min_size=5, max_size=5))
def test_reversing_time_reverses_the_direction(numerators):
    forward = recent_trend(years=[1, 2, 3, 4, 5], numerators=numerators, denominators=[1000] * 5)
    backward = recent_trend(years=[1, 2, 3, 4, 5], numerators=numerators[::-1], denominators=[1000] * 5)
    flip = {Trend.INCREASING: Trend.DECREASING, Trend.DECREASING: Trend.INCREASING}
    assert backward.outcome is flip.get(forward.outcome, forward.outcome)
    assert backward.statistic == pytest.approx(forward.statistic, rel=1e-9)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"years": [2015, 2016, 2016, 2018, 2019]}, "year 2016 in row 3 is a duplicate of row 2"),
        ({"years": [2015, 2017, 2016, 2018, 2019]}, "year 2016 in row 3 comes before 2017 in row 2"),
        ({"values": [30.6, math.nan, 28, 24.6, 24.67]}, r"value is missing \(NaN\) in row 2"),
        ({"values": [30.6, "n/a", 28, 24.6, 24.67]}, "value 'n/a' in row 2 is not a number"),
        ({"upper": [32.25, 31.9, 26.44, 26.19, 26.25]}, "upper limit 26.44 is not above lower limit 26.44 in row 3"),
        ({"years": []}, "year"),
    ],
)
def test_bad_input_is_refused(change, message):
    with pytest.raises(ValidationProblem, match=message):
        recent_trend(**{**EXAMPLE, **change}, value_type="other")


def test_bad_proportions_are_refused():
    with pytest.raises(ValidationProblem, match="numerator 12 is larger than denominator 10 in row 4"):
        recent_trend(years=[1, 2, 3, 4, 5], numerators=[1, 2, 3, 12, 5], denominators=[10] * 5)
    with pytest.raises(ValidationProblem, match="needs numerators and denominators"):
        recent_trend(years=[1, 2, 3, 4, 5], numerators=[1, 2, 3, 4, 5])
    with pytest.raises(ValidationProblem, match="value_type"):
        recent_trend(years=[1, 2, 3, 4, 5], value_type="dsr")
