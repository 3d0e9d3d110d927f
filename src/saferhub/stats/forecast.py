"""Turn the curve: the baseline forecast (where the series goes if nothing changes) and target status.

Default methods (docs/methods.md):

- annual, quarterly with fewer than 8 points, monthly with fewer than 24: ordinary least squares
  linear trend, with the classical prediction interval
  ``ŷ ± t_{n−2} · s · √(1 + 1/n + (t₀ − t̄)² / Σ(t − t̄)²)``;
- monthly with at least 24 points (quarterly with at least 8): linear trend plus seasonal dummies
  (one per month or quarter) by least squares, prediction interval ``ŷ ± t_{n−p} · s · √(1 + x₀ᵀ(XᵀX)⁻¹x₀)``.

Both are textbook regression forecasts (e.g. Hyndman & Athanasopoulos, *Forecasting: Principles and
Practice*, 3rd ed., sections 7.4–7.6). They assume the past trend and seasonal pattern continue: the
"baseline" of the Results-Based Accountability turn-the-curve exercise.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.stats import t as student_t

from saferhub.core.errors import ValidationProblem
from saferhub.stats._checks import confidence_level, dates_in_order, numbers
from saferhub.stats.results import AsDict, Polarity

LINEAR_TREND = "linear trend (OLS) with prediction interval"
SEASONAL_TREND = "linear trend with seasonal dummies (OLS) with prediction interval"
FREQUENCIES = {"annual": 1, "quarterly": 4, "monthly": 12}
SEASONAL_CYCLES_NEEDED = 2


@dataclasses.dataclass(frozen=True, slots=True)
class ForecastPoint(AsDict):
    step: int  # 1 = the period after the last observation
    date: dt.date | int | None
    value: float
    lower: float
    upper: float


@dataclasses.dataclass(frozen=True, slots=True)
class Forecast(AsDict):
    points: tuple[ForecastPoint, ...]
    confidence: float
    method: str
    frequency: str
    observations: int
    residual_sd: float
    slope_per_period: float


class Status(enum.StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NOT_ASSESSED = "not_assessed"


@dataclasses.dataclass(frozen=True, slots=True)
class TargetStatus(AsDict):
    status: Status
    reason: str
    forecast: float
    lower: float
    upper: float
    ambition: float
    polarity: Polarity
    date: dt.date | int | None
    method: str = "baseline forecast against the ambition"


def _add_period(when: dt.date | int, steps: int, frequency: str) -> dt.date | int:
    if isinstance(when, int):
        return when + steps
    months = {"annual": 12, "quarterly": 3, "monthly": 1}[frequency] * steps
    index = when.year * 12 + when.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _season_of(when: dt.date | int | None, position: int, period: int) -> int:
    if isinstance(when, dt.date):
        month = when.month - 1
        return month if period == 12 else month // 3
    return position % period


def baseline_forecast(
    values: Sequence[Any],
    *,
    horizon: int,
    dates: Sequence[Any] | None = None,
    frequency: str = "annual",
    confidence: float = 0.95,
    method: str = "auto",
) -> Forecast:
    """Forecast ``horizon`` periods ahead if nothing changes, with a prediction interval.

    ``method="auto"`` uses the seasonal model for monthly series of 24+ points (quarterly 8+) and a
    linear trend otherwise; ``"linear"`` or ``"seasonal"`` force one. Needs at least 3 points for a
    linear trend. Missing values are not allowed: fill or shorten the series first (a gap is not a zero).
    """
    level = confidence_level(confidence)
    if frequency not in FREQUENCIES:
        raise ValidationProblem(f"frequency {frequency!r} must be one of {', '.join(FREQUENCIES)}")
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
        raise ValidationProblem(f"horizon {horizon!r} must be a whole number of periods, at least 1")
    y = numbers(values, "value")
    n = y.size
    date_list = dates_in_order(dates, "date") if dates is not None else None
    if date_list is not None and len(date_list) != n:
        raise ValidationProblem(f"there are {n} values but {len(date_list)} dates: they must match row for row")
    period = FREQUENCIES[frequency]
    seasonal_possible = period > 1 and n >= SEASONAL_CYCLES_NEEDED * period
    if method == "auto":
        seasonal = seasonal_possible
    elif method == "seasonal":
        if not seasonal_possible:
            raise ValidationProblem(
                f"a seasonal forecast needs at least {SEASONAL_CYCLES_NEEDED} full years of {frequency} data "
                f"({SEASONAL_CYCLES_NEEDED * period} points); there are {n}"
            )
        seasonal = True
    elif method == "linear":
        seasonal = False
    else:
        raise ValidationProblem(f"method {method!r} must be 'auto', 'linear' or 'seasonal'")
    if n < 3:
        raise ValidationProblem(f"a trend forecast needs at least 3 points; there are {n}")

    t = np.arange(n, dtype=np.float64)
    future_t = np.arange(n, n + horizon, dtype=np.float64)
    future_dates: list[dt.date | int | None] = [
        _add_period(date_list[-1], k, frequency) if date_list else None for k in range(1, horizon + 1)
    ]

    def design(times: np.ndarray, whens: list[Any], offset: int) -> np.ndarray:
        columns = [np.ones_like(times), times]
        if seasonal:
            seasons = np.array([_season_of(w, offset + i, period) for i, w in enumerate(whens)])
            columns += [(seasons == s).astype(np.float64) for s in range(1, period)]
        return np.column_stack(columns)

    x = design(t, list(date_list) if date_list else [None] * n, 0)
    x0 = design(future_t, future_dates, n)
    if seasonal:
        present = {int(_season_of(w, i, period)) for i, w in enumerate(date_list or [None] * n)}
        if len(present) < period:
            raise ValidationProblem("the series does not cover every season: a seasonal forecast is not possible")
    p = x.shape[1]
    df = n - p
    if df < 1:
        raise ValidationProblem(f"{n} points are too few for this forecast (it estimates {p} parameters)")
    xtx_inv = np.linalg.pinv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    residuals = y - x @ beta
    s = float(np.sqrt((residuals**2).sum() / df))
    fitted = x0 @ beta
    spread = student_t.ppf(1 - (1 - level) / 2, df) * s * np.sqrt(1 + np.einsum("ij,jk,ik->i", x0, xtx_inv, x0))
    points = tuple(
        ForecastPoint(
            k + 1, future_dates[k], float(fitted[k]), float(fitted[k] - spread[k]), float(fitted[k] + spread[k])
        )
        for k in range(horizon)
    )
    return Forecast(points, level, SEASONAL_TREND if seasonal else LINEAR_TREND, frequency, n, s, float(beta[1]))


def target_status(forecast: Forecast | ForecastPoint, ambition: float, polarity: Polarity | str) -> TargetStatus:
    """On track if the forecast meets the ambition; at risk if the ambition lies inside the prediction
    interval; off track otherwise. Judged at the forecast's last point (the ambition's horizon).

    ``no_judgement`` gives "not_assessed": without a good direction an ambition cannot be met or missed.
    """
    pol = Polarity.parse(polarity)
    point = forecast.points[-1] if isinstance(forecast, Forecast) else forecast
    target = float(numbers([ambition], "ambition")[0])
    interval = f"{point.lower:g} to {point.upper:g}"
    if isinstance(forecast, Forecast):
        interval += f" ({forecast.confidence * 100:g}% prediction interval)"

    def result(status: Status, reason: str) -> TargetStatus:
        return TargetStatus(status, reason, point.value, point.lower, point.upper, target, pol, point.date)

    if pol is Polarity.NO_JUDGEMENT:
        return result(Status.NOT_ASSESSED, "the indicator has no good direction, so an ambition cannot be judged")
    higher = pol is Polarity.HIGHER_IS_BETTER
    meets = point.value >= target if higher else point.value <= target
    if meets:
        return result(Status.ON_TRACK, f"the forecast {point.value:g} meets the ambition {target:g}")
    if point.lower <= target <= point.upper:
        return result(Status.AT_RISK, f"the ambition {target:g} is inside the forecast's interval {interval}")
    return result(Status.OFF_TRACK, f"the ambition {target:g} is outside the forecast's interval {interval}")
