"""Turn the curve: baseline forecasts with prediction intervals, and target status."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as sps

from saferhub.core.errors import ValidationProblem
from saferhub.stats import Status, baseline_forecast, target_status


def test_linear_prediction_interval_matches_the_textbook_formula():
    # Independent check with scipy.stats.linregress and the classical interval
    # ŷ ± t(n−2)·s·√(1 + 1/n + (t₀ − t̄)²/Sxx).
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
    months = [dt.date(2022, 1, 1) + dt.timedelta(days=31 * i) for i in range(23)]
    months = [dt.date(d.year, d.month, 1) for d in months]
    forecast = baseline_forecast(list(range(23)), horizon=2, dates=months, frequency="monthly")
    assert forecast.method.startswith("linear trend (OLS)")
    with pytest.raises(ValidationProblem, match="at least 2 full years"):
        baseline_forecast(list(range(23)), horizon=2, dates=months, frequency="monthly", method="seasonal")


@pytest.mark.parametrize(
    ("polarity", "ambition", "status"),
    [
        ("higher_is_better", 20, Status.ON_TRACK),
        ("higher_is_better", 22, Status.AT_RISK),
        ("higher_is_better", 30, Status.OFF_TRACK),
        ("lower_is_better", 22, Status.ON_TRACK),
        ("lower_is_better", 20, Status.AT_RISK),
        ("lower_is_better", 10, Status.OFF_TRACK),
        ("no_judgement", 20, Status.NOT_ASSESSED),
    ],
)
def test_target_status(polarity, ambition, status):
    forecast = baseline_forecast([10, 12, 13, 15, 16], horizon=3, dates=[2019, 2020, 2021, 2022, 2023])
    last = forecast.points[-1]
    assert last.lower < 20 < last.value < 22 < last.upper < 30  # the situation the cases describe
    result = target_status(forecast, ambition, polarity)
    assert result.status is status
    assert result.date == 2026
    assert result.reason


finite = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)


@given(st.lists(finite, min_size=4, max_size=12), finite)
def test_target_status_is_symmetric_under_negation_and_reversed_polarity(values, ambition):
    up = target_status(baseline_forecast(values, horizon=2), ambition, "higher_is_better")
    down = target_status(baseline_forecast([-v for v in values], horizon=2), -ambition, "lower_is_better")
    assert up.status is down.status
    assert up.lower <= up.forecast <= up.upper


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": [1, 2], "horizon": 1}, "at least 3 points"),
        ({"values": [1, math.nan, 3], "horizon": 1}, r"value is missing \(NaN\) in row 2"),
        ({"values": [1, 2, 3], "horizon": 0}, "horizon"),
        ({"values": [1, 2, 3], "horizon": 1, "frequency": "weekly"}, "frequency"),
        ({"values": [1, 2, 3], "horizon": 1, "dates": [2020, 2020, 2021]}, "duplicate"),
        ({"values": [], "horizon": 1}, "empty"),
    ],
)
def test_bad_input_is_refused(kwargs, message):
    with pytest.raises(ValidationProblem, match=message):
        baseline_forecast(**kwargs)
