"""Recent trend for annual series, as OHID Fingertips marks it.

The last five points are tested: proportions with the chi-squared test for trend (Armitage 1955),
with the direction from a logistic regression of the proportion on time; other values with a
weighted linear regression whose weights come from the confidence limits. The trend is significant
when the statistic exceeds 9.5495 (the 99.8% point of χ² with 1 degree of freedom) and no
leave-one-out slope has the opposite sign. Fewer than five points: "cannot be calculated".
References: PHEindicatormethods ``assign_trend_markers`` (dhsc-govuk/PHEindicatormethods) and the
Fingertips recent-trends technical guidance. Monthly and quarterly series use SPC instead (spc.py).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from typing import Any

import numpy as np

from saferhub.core.errors import ValidationProblem
from saferhub.stats._checks import (
    FloatArray,
    confidence_level,
    counts_and_denominators,
    dates_in_order,
    numbers,
    same_length,
    z_value,
)
from saferhub.stats.results import AsDict, Polarity

CHI_SQUARED_TREND = "chi-squared test for trend (Fingertips recent trend)"
WEIGHTED_REGRESSION = "weighted linear regression (Fingertips recent trend)"
THRESHOLD = 9.5495  # χ²(1) at 99.8%, as Fingertips publishes it
POINTS = 5


class Trend(enum.StrEnum):
    INCREASING = "increasing"
    DECREASING = "decreasing"
    NO_SIGNIFICANT_CHANGE = "no_significant_change"
    CANNOT_BE_CALCULATED = "cannot_be_calculated"


@dataclasses.dataclass(frozen=True, slots=True)
class TrendResult(AsDict):
    """A recent-trend marker and the figures behind it."""

    outcome: Trend
    assessment: str | None  # "getting_better", "getting_worse" or None (no polarity, or no trend)
    statistic: float | None  # X²
    slope: float | None  # per year: logit scale for proportions, the value's scale otherwise
    threshold: float
    points: int
    years: tuple[Any, ...]
    leave_one_out_slopes: tuple[float, ...]
    method: str
    reason: str

    @property
    def label(self) -> str:
        """Words as Fingertips shows them, e.g. "Decreasing and getting better"."""
        words = {
            Trend.INCREASING: "Increasing",
            Trend.DECREASING: "Decreasing",
            Trend.NO_SIGNIFICANT_CHANGE: "No significant change",
            Trend.CANNOT_BE_CALCULATED: "Cannot be calculated",
        }[self.outcome]
        if self.assessment:
            return f"{words} and {self.assessment.replace('_', ' ')}"
        return words


def _logistic_slope(t: FloatArray, c: FloatArray, d: FloatArray) -> float:
    """Slope of logit(c/d) on t by maximum likelihood (binomial GLM, iteratively reweighted least squares)."""
    design = np.column_stack([np.ones_like(t), t - t.mean()])
    p_overall = c.sum() / d.sum()
    beta = np.array([np.log(p_overall / (1 - p_overall)), 0.0])
    for _ in range(100):
        eta = design @ beta
        p = 1 / (1 + np.exp(-eta))
        w = d * p * (1 - p)
        gradient = design.T @ (c - d * p)
        hessian = design.T @ (design * w[:, None])
        step = np.linalg.solve(hessian, gradient)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-12:
            break
    return float(beta[1])


def _chi_squared_for_trend(t: FloatArray, c: FloatArray, d: FloatArray) -> float:
    """``X² = D(DΣcₜt − CΣdₜt)² / [C(D − C)(DΣdₜt² − (Σdₜt)²)]`` (Armitage's test for trend)."""
    big_c, big_d = c.sum(), d.sum()
    numerator = big_d * (big_d * (c * t).sum() - big_c * (d * t).sum()) ** 2
    denominator = big_c * (big_d - big_c) * (big_d * (d * t**2).sum() - (d * t).sum() ** 2)
    return float(numerator / denominator)


def _weighted_regression(t: FloatArray, y: FloatArray, sigma: FloatArray) -> tuple[float, float]:
    """β and X² = β²/Var(β) with weights 1/σ², as METHODS.md gives (S1…S5)."""
    w = 1 / sigma**2
    s1, s2, s3, s4, s5 = w.sum(), (w * y * t).sum(), (w * t).sum(), (w * y).sum(), (w * t**2).sum()
    det = s1 * s5 - s3**2
    beta = (s1 * s2 - s3 * s4) / det
    variance = s1 / det
    return float(beta), float(beta**2 / variance)


def recent_trend(
    *,
    years: Sequence[Any],
    numerators: Sequence[Any] | None = None,
    denominators: Sequence[Any] | None = None,
    values: Sequence[Any] | None = None,
    lower: Sequence[Any] | None = None,
    upper: Sequence[Any] | None = None,
    value_type: str = "proportion",
    limits_confidence: float = 0.95,
    polarity: Polarity | str | None = None,
) -> TrendResult:
    """The Fingertips recent-trend marker for an annual series (oldest first; the last 5 points are used).

    ``value_type="proportion"`` needs numerators and denominators (chi-squared test for trend);
    ``value_type="other"`` needs values with their lower and upper confidence limits at
    ``limits_confidence`` (95% by default, so σ = (upper − lower) / 3.919928). Significant when
    X² > 9.5495 and every leave-one-out slope keeps the sign; fewer than 5 points → cannot be calculated.
    Example (other): 30.6, 30.2, 28, 24.6, 24.67 with their 95% limits → β −1.7516, X² 46.76, decreasing.
    """
    pol = None if polarity is None else Polarity.parse(polarity)
    year_list = dates_in_order(years, "year")
    if value_type == "proportion":
        if numerators is None or denominators is None:
            raise ValidationProblem("a proportion trend needs numerators and denominators")
        c, d = counts_and_denominators(numerators, denominators, proportion=True)
        same_length("year", year_list, "numerator", c)
        series: tuple[FloatArray, ...] = (c, d)
        method = CHI_SQUARED_TREND
    elif value_type == "other":
        if values is None or lower is None or upper is None:
            raise ValidationProblem("a trend in values other than proportions needs values, lower and upper limits")
        y = numbers(values, "value")
        lo, hi = numbers(lower, "lower limit"), numbers(upper, "upper limit")
        same_length("year", year_list, "value", y)
        same_length("value", y, "lower limit", lo)
        same_length("value", y, "upper limit", hi)
        bad = np.flatnonzero(hi <= lo)
        if bad.size:
            i = int(bad[0])
            raise ValidationProblem(f"upper limit {hi[i]:g} is not above lower limit {lo[i]:g} in row {i + 1}")
        sigma = (hi - lo) / (2 * z_value(confidence_level(limits_confidence)))
        series = (y, sigma)
        method = WEIGHTED_REGRESSION
    else:
        raise ValidationProblem(f"value_type {value_type!r} must be 'proportion' or 'other'")

    recent_years = tuple(year_list[-POINTS:])
    if len(year_list) < POINTS:
        return TrendResult(
            Trend.CANNOT_BE_CALCULATED,
            None,
            None,
            None,
            THRESHOLD,
            len(year_list),
            recent_years,
            (),
            method,
            f"{len(year_list)} points: the recent trend needs at least {POINTS}",
        )
    t = np.array([y if isinstance(y, int) else y.toordinal() / 365.25 for y in recent_years], dtype=np.float64)
    t = t - t.mean()  # centring changes neither the slope nor X²; it keeps the sums well conditioned
    a, b = (s[-POINTS:] for s in series)

    if value_type == "proportion":
        if a.sum() == 0 or a.sum() == b.sum():
            return TrendResult(
                Trend.NO_SIGNIFICANT_CHANGE,
                None,
                None,
                None,
                THRESHOLD,
                POINTS,
                recent_years,
                (),
                method,
                "every proportion is 0% or every proportion is 100%: there is no variation to test",
            )
        statistic = _chi_squared_for_trend(t, a, b)

        def fit_slope(keep: np.ndarray) -> float:
            return _logistic_slope(t[keep], a[keep], b[keep])

    else:
        _, statistic = _weighted_regression(t, a, b)

        def fit_slope(keep: np.ndarray) -> float:
            return _weighted_regression(t[keep], a[keep], b[keep])[0]

    slope = fit_slope(np.ones(POINTS, dtype=bool))
    loo = tuple(fit_slope(np.arange(POINTS) != i) for i in range(POINTS))
    # A slope within rounding of zero (e.g. four equal values left) has no direction.
    scale = 1.0 if value_type == "proportion" else float(np.max(np.abs(a))) or 1.0

    def direction(value: float) -> int:
        return 0 if abs(value) <= 1e-9 * scale else int(np.sign(value))

    sign = direction(slope)
    if statistic <= THRESHOLD:
        outcome, reason = Trend.NO_SIGNIFICANT_CHANGE, f"X² {statistic:.4g} is not above {THRESHOLD}"
    elif sign == 0 or any(direction(s) != sign for s in loo):
        outcome, reason = Trend.NO_SIGNIFICANT_CHANGE, "leaving one point out changes the direction of the slope"
    else:
        outcome = Trend.INCREASING if sign > 0 else Trend.DECREASING
        reason = f"X² {statistic:.4g} is above {THRESHOLD} and every leave-one-out slope has the same sign"
    assessment = None
    if outcome in (Trend.INCREASING, Trend.DECREASING) and pol not in (None, Polarity.NO_JUDGEMENT):
        better = (outcome is Trend.INCREASING) == (pol is Polarity.HIGHER_IS_BETTER)
        assessment = "getting_better" if better else "getting_worse"
    return TrendResult(outcome, assessment, statistic, slope, THRESHOLD, POINTS, recent_years, loo, method, reason)
