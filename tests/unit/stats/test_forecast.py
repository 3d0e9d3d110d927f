"""Turn the curve: baseline forecasts with prediction intervals, target status and relative ambitions."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from saferhub.core.errors import ValidationProblem
from saferhub.stats import Status, baseline_forecast, target_status
from saferhub.stats.ambition import AmbitionStatus, relative_ambition
from saferhub.stats.forecast import ForecastPoint

# --- Linear trend (values that may be negative) -----------------------------------------------------------


def test_linear_prediction_interval_matches_the_textbook_formula():
    # Independent check with scipy.stats.linregress and the classical interval
    # ŷ ± t(n−2)·s·√(1 + 1/n + (t₀ − t̄)²/Sxx). Seven points: too few to estimate autocorrelation.
    y = np.array([31.0, 29.5, 30.2, 27.9, 26.4, 26.9, 25.1])
    t = np.arange(y.size, dtype=float)
    fit = sps.linregress(t, y)
    s = math.sqrt(((y - (fit.intercept + fit.slope * t)) ** 2).sum() / (y.size - 2))
    forecast = baseline_forecast(y, horizon=3, dates=list(range(2015, 2022)))
    for k, point in enumerate(forecast.points):
        t0 = y.size + k
        centre = fit.intercept + fit.slope * t0
        half = (
            sps.t.ppf(0.975, y.size - 2)
            * s
            * math.sqrt(1 + 1 / y.size + (t0 - t.mean()) ** 2 / ((t - t.mean()) ** 2).sum())
        )
        assert point.value == pytest.approx(centre)
        assert point.lower == pytest.approx(centre - half)
        assert point.upper == pytest.approx(centre + half)
        assert point.date == 2022 + k
    assert forecast.method.startswith("linear trend")
    assert forecast.slope_per_period == pytest.approx(fit.slope)
    assert forecast.autocorrelation is None
    assert any("independent" in n for n in forecast.notes)


def test_seasonal_model_is_used_for_two_years_of_monthly_data_and_recovers_a_seasonal_pattern():
    months = [dt.date(2020 + i // 12, i % 12 + 1, 1) for i in range(36)]
    season = [5, 3, 0, -2, -4, -6, -5, -3, 0, 2, 4, 6]
    values = [100 + 0.5 * i + season[i % 12] for i in range(36)]
    forecast = baseline_forecast(values, horizon=12, dates=months, frequency="monthly")
    assert forecast.method.startswith("linear trend with seasonal dummies")
    assert [p.date for p in forecast.points][:2] == [dt.date(2023, 1, 1), dt.date(2023, 2, 1)]
    for k, point in enumerate(forecast.points):
        assert point.value == pytest.approx(100 + 0.5 * (36 + k) + season[k], abs=1e-8)
        assert point.upper - point.lower == pytest.approx(0, abs=1e-6)  # a perfect fit leaves no residual


def test_short_monthly_series_fall_back_to_a_linear_trend():
    months = [dt.date(2022 + i // 12, i % 12 + 1, 1) for i in range(23)]
    forecast = baseline_forecast(list(range(23)), horizon=2, dates=months, frequency="monthly")
    assert forecast.method.startswith("linear trend (OLS)")
    with pytest.raises(ValidationProblem, match="at least 2 full years"):
        baseline_forecast(list(range(23)), horizon=2, dates=months, frequency="monthly", method="seasonal")


# --- Uneven periods: spaced by time, not by position --------------------------------------------------------


def test_a_missing_year_is_spaced_by_time():
    # 2015–2018 then 2020–2021 (2019 missing): the trend y = 2·(year − 2015) is recovered only if 2020 is
    # five years after 2015, not four positions.
    years = [2015, 2016, 2017, 2018, 2020, 2021]
    values = [2.0 * (y - 2015) for y in years]
    forecast = baseline_forecast(values, horizon=2, dates=years)
    assert forecast.slope_per_period == pytest.approx(2.0)
    assert [p.date for p in forecast.points] == [2022, 2023]
    assert forecast.points[0].value == pytest.approx(14.0)
    assert any("gap" in n for n in forecast.notes)


def test_missing_months_are_spaced_by_time_in_the_count_model_too():
    months = [dt.date(2022, m, 1) for m in (1, 2, 3, 7, 8, 9, 10)]  # April–June missing
    counts = [round(100 * 0.95 ** (m.month - 1)) for m in months]
    forecast = baseline_forecast(counts, horizon=1, dates=months, frequency="monthly", kind="count")
    assert forecast.points[0].date == dt.date(2022, 11, 1)
    assert forecast.change_per_period_percent == pytest.approx(-5, abs=0.3)  # −5% a month, not a fall per row


# --- Counts and rates: log-linear, never negative -----------------------------------------------------------


def test_a_falling_count_is_never_forecast_below_zero():
    # A steep fall that a straight line would carry below zero.
    counts = [40, 31, 22, 15, 9, 5]
    linear = baseline_forecast(counts, horizon=4, dates=list(range(2018, 2024)))
    loglinear = baseline_forecast(counts, horizon=4, dates=list(range(2018, 2024)), kind="count")
    assert linear.points[-1].value < 0  # what the old model said
    assert all(p.lower >= 0 and p.value > 0 for p in loglinear.points)
    assert loglinear.method.startswith("log-linear trend (quasi-Poisson GLM)")


def test_count_forecast_is_the_glm_mean_with_farringtons_interval():
    # Independent check: statsmodels' own prediction of the mean, and Farrington's formula written out.
    counts = np.array([12, 15, 11, 18, 16, 21, 19, 24.0])
    forecast = baseline_forecast(counts, horizon=2, dates=list(range(2016, 2024)), kind="count")
    x = np.column_stack([np.ones(8), np.arange(8.0)])
    fit = sm.GLM(counts, x, family=sm.families.Poisson()).fit(scale="X2")
    phi = max(1.0, fit.pearson_chi2 / fit.df_resid)
    x0 = np.array([[1.0, 8.0], [1.0, 9.0]])
    pred = fit.get_prediction(x0)
    mu0 = pred.predicted_mean
    factor = forecast.autocorrelation_factor
    var_eta = np.einsum("ij,jk,ik->i", x0, fit.cov_params() / fit.scale * phi * factor, x0)
    tau = phi + mu0 * var_eta
    se = np.sqrt(4 / 9 * mu0 ** (1 / 3) * tau)
    for k, point in enumerate(forecast.points):
        assert point.value == pytest.approx(mu0[k], rel=1e-8)
        assert point.upper == pytest.approx((mu0[k] ** (2 / 3) + 1.959964 * se[k]) ** 1.5, rel=1e-6)
        assert point.lower == pytest.approx((mu0[k] ** (2 / 3) - 1.959964 * se[k]) ** 1.5, rel=1e-6)
    assert forecast.dispersion == pytest.approx(phi)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=500), min_size=3, max_size=30).filter(lambda v: sum(v) > 0),
    st.integers(min_value=1, max_value=24),
    st.sampled_from(["count", "rate"]),
)
def test_counts_and_rates_are_never_forecast_below_zero(values, horizon, kind):
    try:
        forecast = baseline_forecast(
            values if kind == "count" else [v / 7.3 for v in values], horizon=horizon, kind=kind
        )
    except ValidationProblem as exc:  # e.g. every event in the last period: no forecast at all, said so
        assert "no finite estimate" in str(exc)
        return
    for p in forecast.points:
        # A series with no spread gives an interval of no width, whose ends can differ from the
        # value in the last binary digit (55.75342465753425 against …23): equal within rounding.
        ulps = 1e-12 * max(1.0, abs(p.value))
        assert 0 <= p.lower <= p.value + ulps and p.value <= p.upper + ulps


def test_a_rate_forecast_scales_with_the_rate():
    counts = [120, 131, 118, 140, 150, 149, 161]
    per_thousand = baseline_forecast([c / 10 for c in counts], horizon=2, kind="rate")
    per_hundred = baseline_forecast([c / 100 for c in counts], horizon=2, kind="rate")
    for a, b in zip(per_thousand.points, per_hundred.points, strict=True):
        assert a.value == pytest.approx(b.value * 10)
        assert a.upper == pytest.approx(b.upper * 10)


@pytest.mark.parametrize(("counts", "where"), [([0, 0, 0, 0, 7], "last"), ([7, 0, 0, 0, 0], "first")])
def test_every_event_in_one_end_period_has_no_finite_trend_and_says_so(counts, where):
    # The log-linear fit would run to infinity (or zero): no forecast, rather than 10^15 or "0 to 0".
    with pytest.raises(ValidationProblem, match=f"every event is in the {where} period"):
        baseline_forecast(counts, horizon=2, kind="count")


def test_a_month_with_no_events_in_any_year_drops_the_seasonal_terms_and_says_so():
    months = [dt.date(2020 + i // 12, i % 12 + 1, 1) for i in range(36)]
    counts = [0 if i % 12 == 0 else 10 + i % 5 for i in range(36)]  # never an event in January
    forecast = baseline_forecast(counts, horizon=13, dates=months, frequency="monthly", kind="count")
    assert forecast.method == "log-linear trend (quasi-Poisson GLM) with Farrington 2/3-power prediction interval"
    assert any("no events in any year" in n for n in forecast.notes)
    assert all(p.upper > 0 for p in forecast.points)  # no "0 to 0" January


def test_autocorrelated_residuals_widen_the_interval_and_say_so():
    # A slow wave around a flat level: successive residuals move together.
    values = [100 + 15 * math.sin(i / 3) for i in range(24)]
    forecast = baseline_forecast(values, horizon=2, method="linear")
    assert forecast.autocorrelation > 0.5
    assert forecast.autocorrelation_factor > 1
    assert any("autocorrelated" in n for n in forecast.notes)


# --- Target status -------------------------------------------------------------------------------------------


def point(value, lower, upper, date=None):
    return ForecastPoint(1, date, value, lower, upper)


@pytest.mark.parametrize(
    ("polarity", "forecast", "ambition", "status"),
    [
        ("lower_is_better", point(80, 76, 84), 90, Status.ON_TRACK),  # the whole interval below the ambition
        ("lower_is_better", point(80, 76, 84), 70, Status.OFF_TRACK),
        ("lower_is_better", point(80, 76, 84), 82, Status.AT_RISK),  # narrow interval crossing it
        ("higher_is_better", point(80, 76, 84), 70, Status.ON_TRACK),
        ("higher_is_better", point(80, 76, 84), 90, Status.OFF_TRACK),
        ("higher_is_better", point(80, 76, 84), 79, Status.AT_RISK),
        ("lower_is_better", point(5.73, 0, 11.46), 8, Status.NOT_ENOUGH_EVIDENCE),  # issue 15: 0 to 11.46
        ("lower_is_better", point(5.73, 0, 11.46), 4, Status.NOT_ENOUGH_EVIDENCE),
        ("no_judgement", point(80, 76, 84), 90, Status.NOT_ASSESSED),
    ],
)
def test_target_status(polarity, forecast, ambition, status):
    result = target_status(forecast, ambition, polarity)
    assert result.status is status
    assert result.reason


def test_not_enough_evidence_says_why():
    result = target_status(point(5.73, 0, 11.46), 8, "lower_is_better")
    assert "too wide" in result.reason
    assert "0 to 11.46" in result.reason
    assert result.coefficient_of_variation == pytest.approx(5.73 / 1.959964 / 5.73, rel=1e-4)


def test_the_ambition_is_judged_at_its_own_date_and_keeps_it():
    forecast = baseline_forecast([100, 96, 95, 90, 88, 85], horizon=5, dates=list(range(2018, 2024)), kind="count")
    result = target_status(forecast, 90, "lower_is_better", due=dt.date(2025, 3, 31))
    assert result.date == dt.date(2025, 3, 31)  # the plan's date, not a forecast period
    assert result.forecast_date == 2025
    assert result.forecast == pytest.approx(forecast.points[1].value)
    beyond = target_status(forecast, 90, "lower_is_better", due=2040)
    assert beyond.forecast_date == 2028 and "beyond the forecast" in beyond.reason


@settings(max_examples=60, deadline=None)
@given(
    st.floats(min_value=-1e4, max_value=1e4),
    st.floats(min_value=0, max_value=1e3),
    st.floats(min_value=0, max_value=1e3),
    st.floats(min_value=-1e4, max_value=1e4),
)
def test_target_status_is_symmetric_under_negation_and_reversed_polarity(value, below, above, ambition):
    up = target_status(point(value, value - below, value + above), ambition, "higher_is_better")
    down = target_status(point(-value, -value - above, -value + below), -ambition, "lower_is_better")
    assert up.status is down.status


# --- Relative ambitions (seed 000) ---------------------------------------------------------------------------


def test_more_than_one_sd_below_the_national_and_regional_averages():
    national = [50, 60, 70, 80, 90]  # mean 70, sd 15.81
    regional = [60, 65, 70, 75]  # mean 67.5, sd 6.45
    met = relative_ambition(50, comparators={"national": national, "regional": regional})
    assert met.status is AmbitionStatus.MET
    assert [round(g.distance.standard_deviations, 3) for g in met.groups] == [-1.265, -2.711]
    partly = relative_ambition(58, comparators={"national": national, "regional": regional})
    assert partly.status is AmbitionStatus.NOT_MET
    assert [g.met for g in partly.groups] == [False, True]
    assert "more than 1 SD below each average" in partly.reason


def test_a_relative_ambition_waits_for_comparator_values():
    result = relative_ambition(50, comparators={"national": [70], "regional": [60, 65, None]})
    assert result.status is AmbitionStatus.NOT_ASSESSED
    assert "national group has 1 values" in result.reason
    assert relative_ambition(None, comparators={"national": [1, 2]}).status is AmbitionStatus.NOT_ASSESSED


# --- Bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": [1, 2], "horizon": 1}, "at least 3 points"),
        ({"values": [1, math.nan, 3], "horizon": 1}, r"value is missing \(NaN\) in row 2"),
        ({"values": [1, 2, 3], "horizon": 0}, "horizon"),
        ({"values": [1, 2, 3], "horizon": 1, "frequency": "weekly"}, "frequency"),
        ({"values": [1, 2, 3], "horizon": 1, "dates": [2020, 2020, 2021]}, "duplicate"),
        ({"values": [], "horizon": 1}, "empty"),
        ({"values": [3, -1, 2], "horizon": 1, "kind": "count"}, "value -1 in row 2 is negative"),
        ({"values": [0, 0, 0, 0], "horizon": 1, "kind": "count"}, "every value is zero"),
        ({"values": [1, 2, 3], "horizon": 1, "kind": "share"}, "kind"),
    ],
)
def test_bad_input_is_refused(kwargs, message):
    with pytest.raises(ValidationProblem, match=message):
        baseline_forecast(**kwargs)
