"""Fingertips recent trend: chi-squared test for trend (proportions), weighted regression (other values)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saferhub.core.errors import ValidationProblem
from saferhub.stats import Trend, recent_trend
from saferhub.stats.trend import TrendReason
from tests.unit.stats.fixtures import optional_float, reference_csv, reference_json

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
    assert round(result.threshold, 4) == 9.5495
    assert result.method.startswith("weighted linear regression")


# --- PHEindicatormethods' trend-marker workbook (dhsc-govuk, branch add_trend_markers) --------------------

PHE_REASONS = {
    "No outliers and significant trend": TrendReason.SIGNIFICANT,
    "No significant trend": TrendReason.NOT_SIGNIFICANT,
    "Outlier found": TrendReason.OUTLIER,
    "Not enough data points": TrendReason.NOT_ENOUGH_POINTS,
    "Missing values": TrendReason.MISSING_VALUES,
    "Missing at least one confidence interval value": TrendReason.MISSING_LIMITS,
    "Duplicate years in group": TrendReason.DUPLICATE_YEARS,
}
PHE_OUTCOMES = {
    "Increasing": Trend.INCREASING,
    "Decreasing": Trend.DECREASING,
    "No significant change": Trend.NO_SIGNIFICANT_CHANGE,
    "Cannot be calculated": Trend.CANNOT_BE_CALCULATED,
}


def _phe_series():
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in reference_csv("phe_trend_markers.csv"):
        groups.setdefault((row["sheet"], row["Ethnicity"]), []).append(row)
    return [pytest.param(rows, id=f"{sheet}-{group or 'all'}") for (sheet, group), rows in groups.items()]


@pytest.mark.parametrize("rows", _phe_series())
def test_every_series_of_the_phe_trend_marker_workbook(rows):
    # The marker, reason, X² ("Significance") and slope ("Gradient", logit scale for proportions) sit on
    # each series' last row, rounded by PHE to 4 decimals. "Other ethnic group" has no 2015: PHE's figures
    # (gradient 0.483, X² 47.3463) number the points 1 to 5 by position, as Fingertips does.
    last = rows[-1]
    common = {"years": [r["Year"] for r in rows]}
    if rows[0]["sheet"].startswith("testdata_prop"):
        result = recent_trend(
            **common, numerators=[r["Count"] for r in rows], denominators=[r["denominator"] for r in rows]
        )
    else:
        result = recent_trend(
            **common,
            values=[r["Value"] for r in rows],
            lower=[r["LL"] for r in rows],
            upper=[r["UL"] for r in rows],
            value_type="other",
        )
    assert result.outcome is PHE_OUTCOMES[last["recent_trend"]]
    assert result.reason_code is PHE_REASONS[last["recent_trend_reason"]]
    significance, gradient = optional_float(last["Significance"]), optional_float(last["Gradient"])
    if significance is None:
        assert result.statistic is None and result.slope is None
    else:
        assert round(result.statistic, 4) == significance
        assert round(result.slope, 4) == gradient


FINGERTIPS = reference_json("fingertips.json")["trend_markers"]


@pytest.mark.parametrize("case", FINGERTIPS["cases"], ids=lambda c: c["name"])
def test_fingertips_trend_marker_calculator_cases(case):
    if case["kind"] == "proportion":
        result = recent_trend(years=case["years"], numerators=case["count"], denominators=case["denominator"])
    else:
        # Fingertips divides the 95% interval's width by 3.92 (PHE by 2 × 1.959964); its test rounds X² to 2 dp
        result = recent_trend(
            years=case["years"],
            values=case["value"],
            lower=case["lower"],
            upper=case["upper"],
            value_type="other",
            interval_divisor=3.92,
        )
    significant = result.outcome in (Trend.INCREASING, Trend.DECREASING)
    assert significant is case["significant"]
    if "chi_square_2dp" in case:
        assert round(result.statistic, 2) == case["chi_square_2dp"]
    if case.get("cannot_be_calculated"):
        assert result.outcome is Trend.CANNOT_BE_CALCULATED
        assert result.reason_code is TrendReason.NO_LOGIT
        assert "equal to its denominator" in result.reason


def test_a_year_missing_between_the_five_is_noted():
    result = recent_trend(
        years=[2012, 2013, 2014, 2016, 2017],
        numerators=[10, 17, 27, 49, 67],
        denominators=[125, 141.67, 117.39, 204.17, 171.79],
    )
    assert result.notes and "by position" in result.notes[0]


def test_years_in_any_order_are_sorted_as_the_reference_does():
    forward = recent_trend(**EXAMPLE, value_type="other")
    shuffled = {k: [v[i] for i in (3, 0, 4, 1, 2)] for k, v in EXAMPLE.items()}
    assert recent_trend(**shuffled, value_type="other").statistic == pytest.approx(forward.statistic)


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
    ("change", "code", "reason"),
    [
        (
            {"years": [2015, 2016, 2016, 2018, 2019]},
            TrendReason.DUPLICATE_YEARS,
            "year 2016 appears twice (rows 2 and 3)",
        ),
        ({"values": [30.6, math.nan, 28, 24.6, 24.67]}, TrendReason.MISSING_VALUES, "the value is missing in row 2"),
        (
            {"lower": [28.98, None, 26.44, 23.15, 23.16]},
            TrendReason.MISSING_LIMITS,
            "the lower limit is missing in row 2",
        ),
    ],
)
def test_where_the_reference_cannot_calculate_the_result_says_why(change, code, reason):
    result = recent_trend(**{**EXAMPLE, **change}, value_type="other")
    assert result.outcome is Trend.CANNOT_BE_CALCULATED
    assert result.reason_code is code
    assert reason in result.reason


def test_a_missing_value_before_the_last_five_does_not_matter():
    longer = {k: [None if k == "values" else v[0], *v] for k, v in EXAMPLE.items()}
    longer["years"] = [2014, *EXAMPLE["years"]]
    assert recent_trend(**longer, value_type="other").outcome is Trend.DECREASING


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"values": [30.6, "n/a", 28, 24.6, 24.67]}, "value 'n/a' in row 2 is not a number"),
        ({"upper": [32.25, 31.9, 26.44, 26.19, 26.25]}, "upper limit 26.44 is not above lower limit 26.44 in row 3"),
        ({"years": [2015, "last year", 2017, 2018, 2019]}, "year 'last year' in row 2 is not a date"),
        ({"values": [30.6, 30.2, 28]}, "there are 5 years but 3 values"),
    ],
)
def test_bad_input_is_refused(change, message):
    with pytest.raises(ValidationProblem, match=message):
        recent_trend(**{**EXAMPLE, **change}, value_type="other")


def test_bad_proportions_are_refused():
    with pytest.raises(ValidationProblem, match="numerator 12 is larger than denominator 10 in row 4"):
        recent_trend(years=[1, 2, 3, 4, 5], numerators=[1, 2, 3, 12, 5], denominators=[10] * 5)
    with pytest.raises(ValidationProblem, match="numerator -1 in row 1 is negative"):
        recent_trend(years=[5, 4, 3, 2, 1], numerators=[-1, 2, 3, 4, 5], denominators=[10] * 5)
    with pytest.raises(ValidationProblem, match="needs numerators and denominators"):
        recent_trend(years=[1, 2, 3, 4, 5], numerators=[1, 2, 3, 4, 5])
    with pytest.raises(ValidationProblem, match="value_type"):
        recent_trend(years=[1, 2, 3, 4, 5], value_type="dsr")
