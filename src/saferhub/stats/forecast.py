"""Turn the curve: the baseline forecast (where the series goes if nothing changes) and target status.

Models (``_forecast_models.py`` has the formulas and how autocorrelation is handled):

- ``kind="count"`` or ``"rate"``: a log-linear trend, log E[y] = a + b·t (+ seasonal terms), fitted as a
  quasi-Poisson GLM, with Farrington's 2/3-power prediction interval: forecasts and limits are never
  below zero, and a falling series flattens towards zero instead of crossing it.
- ``kind="value"`` (values that may be negative, or percentages): least squares linear trend with the
  classical prediction interval.
- Seasonal terms (one per month or quarter) with at least two years of monthly (quarterly) data.

Time is measured in periods elapsed, from the dates: a missing month leaves a gap of two months
between its neighbours, not one (uneven series are spaced by time, not by position). Without dates
the points are taken as evenly spaced.

``target_status`` judges an ambition at its own date (the date the plan gave) against the forecast
and its interval: on track or off track only when the whole interval is on one side of the ambition;
where the interval straddles it, "at risk" if the forecast is precise enough to be useful, otherwise
"not enough evidence" — a forecast of 5.7 with an interval of 0 to 11.46 says nothing either way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.stats import norm

from saferhub.core.errors import ValidationProblem
from saferhub.stats._checks import FloatArray, confidence_level, dates_in_order, non_negative, numbers, to_date
from saferhub.stats._forecast_models import Fitted, NoFiniteFit, ols_forecast, quasi_poisson_forecast
from saferhub.stats.results import AsDict, Polarity, figure

LINEAR_TREND = "linear trend (OLS) with prediction interval"
SEASONAL_TREND = "linear trend with seasonal dummies (OLS) with prediction interval"
LOG_LINEAR = "log-linear trend (quasi-Poisson GLM) with Farrington 2/3-power prediction interval"
LOG_LINEAR_SEASONAL = (
    "log-linear trend with seasonal terms (quasi-Poisson GLM) with Farrington 2/3-power prediction interval"
)
FREQUENCIES = {"annual": 1, "quarterly": 4, "monthly": 12}
KINDS = ("value", "count", "rate")
SEASONAL_CYCLES_NEEDED = 2
# ONS: estimates with a coefficient of variation above 20% are too unreliable for practical use.
MAX_COEFFICIENT_OF_VARIATION = 0.2


@dataclasses.dataclass(frozen=True, slots=True)
class ForecastPoint(AsDict):
    step: int  # periods after the last observation (1 = the next period)
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
    slope_per_period: float  # the trend per period: in the value's units (OLS), on the log scale (log-linear)
    kind: str = "value"
    dispersion: float | None = None  # quasi-Poisson φ
    autocorrelation: float | None = None  # lag-1 autocorrelation of the residuals
    autocorrelation_factor: float = 1.0  # how much the parameter covariance was widened for it
    change_per_period_percent: float | None = None  # log-linear: 100·(exp(b) − 1)
    notes: tuple[str, ...] = ()


class Status(enum.StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NOT_ENOUGH_EVIDENCE = "not_enough_evidence"
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
    date: dt.date | int | None  # the ambition's date as the plan gave it (or the forecast's, without one)
    method: str = "baseline forecast against the ambition"
    forecast_date: dt.date | int | None = None  # the forecast period the ambition was judged against
    coefficient_of_variation: float | None = None


def _period_index(when: dt.date | int, frequency: str) -> int:
    """A whole-number position on the frequency's clock: the year, the quarter or the month."""
    if isinstance(when, int):
        return when * FREQUENCIES[frequency] if frequency != "annual" else when
    if frequency == "monthly":
        return when.year * 12 + when.month - 1
    if frequency == "quarterly":
        return when.year * 4 + (when.month - 1) // 3
    return when.year


def _from_index(index: int, like: dt.date | int, frequency: str) -> dt.date | int:
    if isinstance(like, int):
        return index
    if frequency == "monthly":
        return dt.date(index // 12, index % 12 + 1, 1)
    if frequency == "quarterly":
        return dt.date(index // 4, (index % 4) * 3 + 1, 1)
    return dt.date(index, like.month, 1)


def _season(index: int, frequency: str) -> int:
    return index % FREQUENCIES[frequency]


def baseline_forecast(
    values: Sequence[Any] | FloatArray,
    *,
    horizon: int,
    dates: Sequence[Any] | None = None,
    frequency: str = "annual",
    confidence: float = 0.95,
    method: str = "auto",
    kind: str = "value",
) -> Forecast:
    """Forecast ``horizon`` periods ahead if nothing changes, with a prediction interval.

    ``kind`` is ``"count"`` or ``"rate"`` for values that cannot be negative (log-linear quasi-Poisson
    model) or ``"value"`` (linear least squares). ``method="auto"`` adds seasonal terms for monthly
    series of 24+ points (quarterly 8+); ``"linear"`` or ``"seasonal"`` force one. At least 3 points;
    missing values are refused (a gap is not a zero: leave the period out and give dates, and time is
    measured from them).
    """
    level = confidence_level(confidence)
    if frequency not in FREQUENCIES:
        raise ValidationProblem(f"frequency {frequency!r} must be one of {', '.join(FREQUENCIES)}")
    if kind not in KINDS:
        raise ValidationProblem(f"kind {kind!r} must be one of {', '.join(KINDS)}")
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
        raise ValidationProblem(f"horizon {horizon!r} must be a whole number of periods, at least 1")
    y = numbers(values, "value")
    if kind != "value":
        non_negative(y, "value")
    n = y.size
    date_list = dates_in_order(dates, "date") if dates is not None else None
    if date_list is not None and len(date_list) != n:
        raise ValidationProblem(f"there are {n} values but {len(date_list)} dates: they must match row for row")
    if n < 3:
        raise ValidationProblem(f"a trend forecast needs at least 3 points; there are {n}")
    period = FREQUENCIES[frequency]
    index = np.array([_period_index(d, frequency) for d in date_list] if date_list else range(n), dtype=np.int64)
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
    if seasonal and len({_season(int(i), frequency) for i in index}) < period:
        raise ValidationProblem("the series does not cover every season: a seasonal forecast is not possible")

    future = index[-1] + np.arange(1, horizon + 1)
    origin = index[0]

    def design(idx: np.ndarray) -> FloatArray:
        t = (idx - origin).astype(np.float64)
        columns = [np.ones_like(t), t]
        if seasonal:
            seasons = np.array([_season(int(i), frequency) for i in idx])
            columns += [(seasons == s).astype(np.float64) for s in range(1, period)]
        return np.column_stack(columns)

    x, x0 = design(index), design(future)
    notes: list[str] = []
    gaps = int((np.diff(index) > 1).sum())
    if gaps:
        notes.append(f"{gaps} gap{'s' if gaps > 1 else ''} in the series: time is measured from the dates")
    fitted: Fitted
    if kind == "value":
        fitted = ols_forecast(x, y, x0, level)
        name = SEASONAL_TREND if seasonal else LINEAR_TREND
        change = None
    else:
        try:
            fitted = quasi_poisson_forecast(x, y, x0, level, counts=kind == "count")
        except NoFiniteFit:
            if not seasonal or method == "seasonal":
                raise
            # a season with no events in any year: the trend alone may still have a finite fit
            seasonal = False
            x, x0 = design(index), design(future)
            fitted = quasi_poisson_forecast(x, y, x0, level, counts=kind == "count")
            notes.append("a season has no events in any year: forecast without seasonal terms")
        name = LOG_LINEAR_SEASONAL if seasonal else LOG_LINEAR
        change = float(100 * (math.exp(fitted.coefficients[1]) - 1))
    if fitted.autocorrelation is None:
        notes.append("too few points to estimate autocorrelation: the values are taken as independent")
    elif fitted.inflation > 1:
        notes.append(
            f"the residuals are autocorrelated (lag-1 {fitted.autocorrelation:.2f}): the interval is widened for it"
        )
    last = date_list[-1] if date_list else None
    points = tuple(
        ForecastPoint(
            k + 1,
            _from_index(int(future[k]), last, frequency) if last is not None else None,
            float(fitted.value[k]),
            float(fitted.lower[k]),
            float(fitted.upper[k]),
        )
        for k in range(horizon)
    )
    return Forecast(
        points=points,
        confidence=level,
        method=name,
        frequency=frequency,
        observations=n,
        residual_sd=fitted.residual_sd,
        slope_per_period=float(fitted.coefficients[1]),
        kind=kind,
        dispersion=fitted.dispersion,
        autocorrelation=fitted.autocorrelation,
        autocorrelation_factor=fitted.inflation,
        change_per_period_percent=change,
        notes=tuple(notes),
    )


def _point_for(forecast: Forecast, due: Any) -> tuple[ForecastPoint, str]:
    """The forecast point for the period holding ``due`` (the plan's date); the last one if beyond."""
    when = to_date(due, "ambition date", 0, 1)
    dated = [p for p in forecast.points if p.date is not None]
    if not dated:
        return forecast.points[-1], "the forecast has no dates: judged at its last period"
    target = _period_index(when, forecast.frequency)
    for p in dated:
        assert p.date is not None
        if _period_index(p.date, forecast.frequency) >= target:
            return p, ""
    return dated[-1], "the ambition's date is beyond the forecast: judged at its last period"


def target_status(
    forecast: Forecast | ForecastPoint,
    ambition: float,
    polarity: Polarity | str,
    *,
    due: Any = None,
    confidence: float | None = None,
    max_coefficient_of_variation: float = MAX_COEFFICIENT_OF_VARIATION,
) -> TargetStatus:
    """Is the baseline forecast on course for the ambition at the ambition's own date?

    - on track: the whole prediction interval meets the ambition;
    - off track: the whole interval misses it;
    - the interval straddles the ambition: "at risk" when the forecast is precise (coefficient of
      variation at most 20%, ONS's limit for a usable estimate; the CV is the interval's half-width
      over z times the forecast), otherwise "not enough evidence", with the reason;
    - not assessed without a good direction (``no_judgement``).

    ``due`` is the ambition's date as the plan gave it: the forecast period holding it is judged, and
    the result keeps that date. Without it, the forecast's last point is judged.
    """
    pol = Polarity.parse(polarity)
    note = ""
    if isinstance(forecast, Forecast):
        point, note = _point_for(forecast, due) if due is not None else (forecast.points[-1], "")
        level = forecast.confidence
    else:
        point = forecast
        level = confidence_level(confidence) if confidence is not None else 0.95
    target = float(numbers([ambition], "ambition")[0])
    when = to_date(due, "ambition date", 0, 1) if due is not None else point.date
    interval = f"{figure(point.lower, 4)} to {figure(point.upper, 4)} ({level * 100:g}% prediction interval)"
    z = float(norm.ppf(1 - (1 - level) / 2))
    half = (point.upper - point.lower) / 2
    cv = half / (z * abs(point.value)) if point.value else math.inf

    def result(status: Status, reason: str) -> TargetStatus:
        reason = f"{reason}; {note}" if note else reason
        return TargetStatus(
            status,
            reason,
            point.value,
            point.lower,
            point.upper,
            target,
            pol,
            when,
            forecast_date=point.date,
            coefficient_of_variation=None if math.isinf(cv) else cv,
        )

    if pol is Polarity.NO_JUDGEMENT:
        return result(Status.NOT_ASSESSED, "the indicator has no good direction, so an ambition cannot be judged")
    higher = pol is Polarity.HIGHER_IS_BETTER
    all_meet = point.lower >= target if higher else point.upper <= target
    all_miss = point.upper < target if higher else point.lower > target
    if all_meet:
        return result(Status.ON_TRACK, f"the whole forecast interval {interval} meets the ambition {figure(target)}")
    if all_miss:
        return result(Status.OFF_TRACK, f"the whole forecast interval {interval} misses the ambition {figure(target)}")
    if cv > max_coefficient_of_variation:
        return result(
            Status.NOT_ENOUGH_EVIDENCE,
            f"the forecast {figure(point.value, 4)} has an interval of {interval}, too wide to say whether "
            f"the ambition {figure(target)} will be met (its coefficient of variation is "
            f"{'over 100' if cv > 1 else f'{cv * 100:.0f}'}%, "
            f"above {max_coefficient_of_variation * 100:g}%)",
        )
    side = "meets" if (point.value >= target if higher else point.value <= target) else "misses"
    return result(
        Status.AT_RISK,
        f"the forecast {figure(point.value, 4)} {side} the ambition {figure(target)} "
        f"but its interval {interval} crosses it",
    )
