"""Intervals: Wilson, exact Poisson / Byar, Dobson — against METHODS.md and the authors' test data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from saferhub.core.errors import ValidationProblem
from saferhub.stats import (
    byar_limits,
    count_intervals,
    counts,
    dsr,
    exact_poisson_limits,
    proportion_intervals,
    rate_intervals,
    rates,
    wilson,
)
from tests.unit.stats.fixtures import optional_float, reference_csv, reference_json

# --- METHODS.md examples (shared/METHODS.md, "Intervals") -------------------------------------------------


def test_wilson_65_of_100_matches_the_published_95_and_998_limits():
    at95 = wilson([65], [100])[0]
    at998 = wilson([65], [100], confidence=99.8)[0]
    assert (round(at95.lower, 5), round(at95.upper, 5)) == (0.55254, 0.73636)
    assert (round(at998.lower, 5), round(at998.upper, 5)) == (0.49549, 0.77835)
    assert at95.value == 0.65
    assert at95.method == "Wilson score"
    assert at95.confidence == 0.95
    assert at998.confidence == 0.998


def test_wilson_multiplier_gives_a_percentage():
    result = wilson([65], [100], multiplier=100)[0]
    assert result.value == pytest.approx(65)
    assert round(result.lower, 3) == 55.254
    assert round(result.upper, 3) == 73.636


@pytest.mark.parametrize(
    ("count", "lower", "upper", "method"),
    [(0, 0.0, 3.6889, "exact Poisson"), (5, 1.6235, 11.6683, "exact Poisson"), (65, 50.1632, 82.8491, "Byar")],
)
def test_counts_match_the_published_95_limits(count, lower, upper, method):
    result = counts([count])[0]
    assert (round(result.lower, 4), round(result.upper, 4)) == (lower, upper)
    assert result.method == method


def test_rate_limits_are_count_limits_over_the_denominator():
    result = rates([65], [200_000], multiplier=100_000)[0]
    assert result.value == pytest.approx(32.5)
    assert result.lower == pytest.approx(50.1632 / 2, abs=5e-5)
    assert result.upper == pytest.approx(82.8491 / 2, abs=5e-5)


def test_a_whole_series_is_calculated_at_once():
    results = counts([0, 5, 65])
    assert [r.method for r in results] == ["exact Poisson", "exact Poisson", "Byar"]
    assert [r.value for r in results] == [0, 5, 65]


# --- Reference data from the methods' own test suites ----------------------------------------------------


def test_exact_poisson_limits_match_funnelplotr_published_limits():
    ref = reference_json("funnelplotr.json")["poisson_limits"]
    e = np.array(ref["expected"], dtype=float)
    lo95, hi95 = exact_poisson_limits(e, 0.95)
    lo998, hi998 = exact_poisson_limits(e, 0.998)
    assert list(np.round(lo95 / e, 7)) == ref["ll95"]
    assert list(np.round(hi95 / e, 6)) == ref["ul95"]
    assert list(np.round(lo998 / e, 7)) == ref["ll99"]
    assert list(np.round(hi998 / e, 6)) == ref["ul99"]


@pytest.mark.parametrize(("level", "tag"), [(0.95, "2s"), (0.998, "3s")])
def test_exact_poisson_limits_match_pheindicatormethods_funnel_table(level, tag):
    # For each observed count, PHE publishes the expected counts at which it sits on the funnel: its exact
    # upper limit (the lower funnel line) and exact lower limit (the upper funnel line). PHE finds them
    # numerically to about 1e-7, hence abs=1e-7 beside rel=1e-6.
    rows = reference_csv("phe_funnel_ratio_outputs.csv")
    observed = np.array([float(r["Observed_events"]) for r in rows])
    lower, upper = exact_poisson_limits(observed, level)
    for o, lo, hi, row in zip(observed, lower, upper, rows, strict=True):
        assert hi == pytest.approx(float(row[f"lower_{tag}_exp_events"]), rel=1e-6, abs=1e-7), o
        assert lo == pytest.approx(float(row[f"upper_{tag}_exp_events"]), rel=1e-6, abs=1e-7), o


# PHEindicatormethods' own workbooks (tests/testthat/testdata_*.xlsx, read with openpyxl into CSV fixtures).
LEVELS = {"95%": 0.95, "99.8%": 0.998}


@pytest.mark.parametrize(
    "row", reference_csv("phe_byars_wilson.csv"), ids=lambda r: f"{r['method']}-{r['x']}-{r['confidence']}"
)
def test_byars_and_wilson_limits_match_phe_workbook(row):
    level = LEVELS[row["confidence"]]
    x = float(row["x"])
    if row["method"] == "Wilson":
        # PHE's wilson_lower/upper take x and n (x may be fractional, 0.445 of 1)
        result = proportion_intervals([x], [float(row["n"])], confidence=level)
        lower, upper = result.lower[0], result.upper[0]
    else:
        # byars_lower/upper: Byar's approximation at every count (PHE's own helpers, not phe_rate's switch)
        lo, hi = byar_limits(np.array([x]), level)
        lower, upper = lo[0], hi[0]
    if row["lowercl"]:
        assert lower == pytest.approx(float(row["lowercl"]), rel=1e-6)
    assert upper == pytest.approx(float(row["uppercl"]), rel=1e-6)


def _phe_rows(name):
    return [pytest.param(row, id=f"{row['Area']}-x{row['multiplier']}") for row in reference_csv(name)]


@pytest.mark.parametrize("row", _phe_rows("phe_proportion.csv"))
def test_proportions_match_phe_proportion_workbook(row):
    for level, tag in ((0.95, "95_0"), (0.998, "99_8")):
        got = proportion_intervals(
            [row["Numerator"]], [row["Denominator"]], confidence=level, multiplier=float(row["multiplier"])
        )
        for ours, theirs in (
            (got.value[0], row["value"]),
            (got.lower[0], row[f"lower{tag}cl"]),
            (got.upper[0], row[f"upper{tag}cl"]),
        ):
            expected = optional_float(theirs)
            if expected is None:  # PHE returns NA where the numerator or denominator is missing
                assert math.isnan(ours)
                assert got.estimates()[0].value is None
                assert "is missing in row 1" in got.estimates()[0].note
            else:
                assert ours == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("row", _phe_rows("phe_rate.csv"))
def test_rates_match_phe_rate_workbook(row):
    for level, tag in ((0.95, "95_0"), (0.998, "99_8")):
        got = rate_intervals(
            [row["Numerator"]], [row["Denominator"]], confidence=level, multiplier=float(row["multiplier"])
        )
        expected_method = {"Exact": "exact Poisson", "Byars": "Byar"}.get(row["method"], "")
        if optional_float(row["value"]) is not None:
            assert got.method[0] == expected_method
        for ours, theirs in (
            (got.value[0], row["value"]),
            (got.lower[0], row[f"lower{tag}cl"]),
            (got.upper[0], row[f"upper{tag}cl"]),
        ):
            expected = optional_float(theirs)
            if expected is None:
                assert math.isnan(ours)
            else:
                assert ours == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize(
    ("name", "kind"), [("phe_proportion_grouped.csv", "proportion"), ("phe_rate_grouped.csv", "rate")]
)
def test_grouped_sums_match_phe_workbooks(name, kind):
    # phe_proportion / phe_rate on grouped data sum numerators and denominators per area first.
    for row in reference_csv(name):
        m = float(row["multiplier"])
        if kind == "proportion":
            got = proportion_intervals([row["Numerator"]], [row["Denominator"]], multiplier=m)
        else:
            got = rate_intervals([row["Numerator"]], [row["Denominator"]], multiplier=m)
        for ours, theirs in (
            (got.value[0], row["value"]),
            (got.lower[0], row["lowercl"]),
            (got.upper[0], row["uppercl"]),
        ):
            expected = optional_float(theirs)
            assert math.isnan(ours) if expected is None else ours == pytest.approx(expected, rel=1e-6)


def test_column_functions_and_estimate_lists_agree():
    x, n = np.array([0, 3, 65, 1045]), np.array([10, 100, 100, 5000])
    columns = rate_intervals(x, n)
    listed = rates(x, n)
    assert [e.lower for e in listed] == pytest.approx(columns.lower.tolist())
    assert [e.method for e in listed] == ["exact Poisson", "exact Poisson", "Byar", "Byar"]
    assert len(count_intervals(x)) == 4


def test_a_missing_cell_gives_no_value_and_names_the_row():
    result = wilson([1, None, 3], [10, 10, ""], first_row=2)
    assert result[0].value == pytest.approx(0.1)
    assert result[1].value is None and result[1].lower is None
    assert result[1].note == "not calculated: the numerator is missing in row 3"
    assert result[2].note == "not calculated: the denominator is missing in row 4"


def test_numeric_text_columns_are_read_in_one_step_and_bad_text_is_named():
    assert wilson(["65"], ["100"])[0].value == pytest.approx(0.65)
    with pytest.raises(ValidationProblem, match="denominator 'lots' in row 3 is not a number"):
        wilson(["1", "2"], ["10", "lots"], first_row=2)


# --- Dobson DSR ------------------------------------------------------------------------------------------


def test_dsr_of_one_band_is_the_crude_rate_with_byar_limits():
    # With one band the Dobson limits reduce to the count's Byar limits over the population (METHODS.md: 65).
    result = dsr([65], [100_000], [1], multiplier=100_000)[0]
    assert result.method == "Dobson"
    assert result.value == pytest.approx(65)
    assert (round(result.lower, 4), round(result.upper, 4)) == (50.1632, 82.8491)


def test_dsr_with_the_same_rate_in_every_band_is_that_rate_whatever_the_weights():
    result = dsr([[10, 20, 35]], [[10_000, 20_000, 35_000]], [5000, 5500, 1000])[0]
    assert result.value == pytest.approx(100)
    assert result.lower < 100 < result.upper


def test_dsr_gives_no_value_below_10_events_and_says_why():
    result = dsr([[3, 4, 2]], [[1000, 1000, 1000]], [1, 1, 1])[0]
    assert result.value is None and result.lower is None and result.upper is None
    assert "fewer than 10" in result.note


def test_dsr_checks_band_counts_match():
    with pytest.raises(ValidationProblem, match="standard population"):
        dsr([[10, 20]], [[100, 200]], [1, 2, 3])


# --- Bad input: a clear error, never a number -------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerators", "denominators", "message"),
    [
        ([1, 2, 3, 12], [10, 10, 10, 10], "numerator 12 is larger than denominator 10 in row 4"),
        ([1, -2], [10, 10], "numerator -2 in row 2 is negative"),
        ([], [], "numerator is empty"),
        ([1, "twelve"], [10, 10], "numerator 'twelve' in row 2 is not a number"),
        ([1, math.inf], [10, 10], "numerator inf in row 2 is not a finite number"),
        ([1, 2], [10, 0], "denominator 0 in row 2 must be greater than zero"),
        ([1, 2], [10], "numerator has 2 values but denominator has 1"),
    ],
)
def test_wilson_bad_input_names_the_row(numerators, denominators, message):
    with pytest.raises(ValidationProblem, match=message):
        wilson(numerators, denominators)


@pytest.mark.parametrize("confidence", [0.7, 14, 125, float("nan")])
def test_confidence_level_outside_90_to_100_is_refused(confidence):
    with pytest.raises(ValidationProblem, match="confidence level"):
        counts([5], confidence=confidence)


def test_negative_count_is_refused():
    with pytest.raises(ValidationProblem, match="count -4 in row 3 is negative"):
        counts([65, 0, -4])


def test_multiplier_must_be_positive():
    with pytest.raises(ValidationProblem, match="multiplier"):
        rates([5], [100], multiplier=0)


# --- Properties --------------------------------------------------------------------------------------------

denominators = st.integers(min_value=1, max_value=1_000_000)


@given(st.data(), denominators)
def test_wilson_limits_bracket_the_value_and_998_is_wider(data, n):
    x = data.draw(st.integers(min_value=0, max_value=n))
    at95 = wilson([x], [n])[0]
    at998 = wilson([x], [n], confidence=0.998)[0]
    assert 0 <= at95.lower <= at95.value <= at95.upper <= 1
    assert at998.lower <= at95.lower + 1e-12
    assert at998.upper >= at95.upper - 1e-12


@given(st.integers(min_value=0, max_value=100_000), denominators)
def test_rate_limits_bracket_the_value_and_998_is_wider(x, n):
    at95 = rates([x], [n])[0]
    at998 = rates([x], [n], confidence=99.8)[0]
    assert 0 <= at95.lower <= at95.value <= at95.upper
    assert at998.lower <= at95.lower <= at95.upper <= at998.upper
