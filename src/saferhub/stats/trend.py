"""Recent trend for annual series, as OHID Fingertips marks it (its "trend markers").

The last five points are tested, numbered 1 to 5 by position as Fingertips does (a missing year
between them is not filled in; the result's ``notes`` say so):

- proportions: the chi-squared test for trend (Armitage 1955) on the counts and denominators, with
  the direction from the ordinary least-squares slope of logit(p) on position;
- other values: weighted linear regression with weights 1/σ², σ = (upper − lower) / (2·z).

The trend is significant when the statistic exceeds 9.5495 (χ² with 1 degree of freedom at 99.8%) and
no leave-one-out slope has a different sign. Where the reference says "Cannot be calculated" — fewer
than five points, a missing count, denominator, value or limit among the five, a duplicated year, a
count equal to its denominator — the result says so with its reason instead of raising.

References: PHEindicatormethods ``assign_trend_markers`` (dhsc-govuk/PHEindicatormethods, branch
``add_trend_markers``) and Fingertips' ``TrendMarkerCalculator`` (ukhsa-collaboration/fingertips-open).
Monthly and quarterly series use SPC instead (spc.py).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.stats import chi2

from saferhub.core.errors import ValidationProblem
from saferhub.stats._checks import (
    FloatArray,
    confidence_level,
    non_negative,
    number_column,
    numerators_within,
    positive,
    to_date,
    z_value,
)
from saferhub.stats.results import AsDict, Polarity

CHI_SQUARED_TREND = "chi-squared test for trend (Fingertips recent trend)"
WEIGHTED_REGRESSION = "weighted linear regression (Fingertips recent trend)"
THRESHOLD = float(chi2.ppf(0.998, 1))  # 9.549536, Fingertips' ChiSquareConfidence
POINTS = 5


class Trend(enum.StrEnum):
    INCREASING = "increasing"
    DECREASING = "decreasing"
    NO_SIGNIFICANT_CHANGE = "no_significant_change"
    CANNOT_BE_CALCULATED = "cannot_be_calculated"


class TrendReason(enum.StrEnum):
    """Why the marker is what it is; PHEindicatormethods' ``recent_trend_reason`` in brackets."""

    SIGNIFICANT = "significant"  # "No outliers and significant trend"
    NOT_SIGNIFICANT = "not_significant"  # "No significant trend"
    OUTLIER = "outlier"  # "Outlier found": a leave-one-out slope changes sign
    NOT_ENOUGH_POINTS = "not_enough_points"  # "Not enough data points"
    MISSING_VALUES = "missing_values"  # "Missing values"
    MISSING_LIMITS = "missing_limits"  # "Missing at least one confidence interval value"
    DUPLICATE_YEARS = "duplicate_years"  # "Duplicate years in group"
    NO_LOGIT = "no_logit"  # Fingertips: a count equal to its denominator (or zero) has no logit


@dataclasses.dataclass(frozen=True, slots=True)
class TrendResult(AsDict):
    """A recent-trend marker and the figures behind it."""

    outcome: Trend
    assessment: str | None  # "getting_better", "getting_worse" or None (no polarity, or no trend)
    statistic: float | None  # X²
    slope: float | None  # per point: logit scale for proportions, the value's scale otherwise
    threshold: float
    points: int
    years: tuple[Any, ...]
    leave_one_out_slopes: tuple[float, ...]
    method: str
    reason: str
    reason_code: TrendReason = TrendReason.NOT_SIGNIFICANT
    notes: tuple[str, ...] = ()

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


def chi_squared_for_trend(t: FloatArray, c: FloatArray, d: FloatArray) -> float:
    """``X² = D(DΣcₜt − CΣdₜt)² / [C(D − C)(DΣdₜt² − (Σdₜt)²)]`` (Armitage's test for trend)."""
    big_c, big_d = c.sum(), d.sum()
    numerator = big_d * (big_d * (c * t).sum() - big_c * (d * t).sum()) ** 2
    denominator = big_c * (big_d - big_c) * (big_d * (d * t**2).sum() - (d * t).sum() ** 2)
    return float(numerator / denominator)


def logit_slope(t: FloatArray, c: FloatArray, d: FloatArray) -> float:
    """Ordinary least-squares slope of logit(c/d) = log(c/(d − c)) on t, as Fingertips and PHE."""
    y = np.log(c / (d - c))
    tc = t - t.mean()
    return float((tc * (y - y.mean())).sum() / (tc**2).sum())


def weighted_regression(t: FloatArray, y: FloatArray, sigma: FloatArray) -> tuple[float, float]:
    """β and X² = β²/Var(β) with weights 1/σ² (S1 = Σ1/σ², S2 = Σyt/σ², S3 = Σt/σ², S4 = Σy/σ², S5 = Σt²/σ²)."""
    w = 1 / sigma**2
    s1, s2, s3, s4, s5 = w.sum(), (w * y * t).sum(), (w * t).sum(), (w * y).sum(), (w * t**2).sum()
    det = s1 * s5 - s3**2
    beta = (s1 * s2 - s3 * s4) / det
    return float(beta), float(beta**2 / (s1 / det))


def _years(years: Sequence[Any], first_row: int) -> list[Any]:
    """Years as numbers (any whole number, as PHE's numeric year column) or dates."""
    parsed = [
        int(cell.strip()) if isinstance(cell, str) and cell.strip().isdigit() else to_date(cell, "year", i, first_row)
        for i, cell in enumerate(years)
    ]
    if len({type(y) is int for y in parsed}) > 1:
        raise ValidationProblem("year mixes years and full dates: use one or the other")
    return parsed


def _cannot(
    reason: str, code: TrendReason, method: str, points: int, years: tuple[Any, ...], notes: tuple[str, ...] = ()
) -> TrendResult:
    return TrendResult(
        Trend.CANNOT_BE_CALCULATED, None, None, None, THRESHOLD, points, years, (), method, reason, code, notes
    )


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
    interval_divisor: float | None = None,
    polarity: Polarity | str | None = None,
    first_row: int = 1,
) -> TrendResult:
    """The Fingertips recent-trend marker for an annual series (any order; the last 5 years are used).

    ``value_type="proportion"`` needs numerators and denominators; ``"other"`` needs values with their
    lower and upper limits at ``limits_confidence`` (σ = (upper − lower) / (2·z), 3.919928 at 95%, as
    PHEindicatormethods; pass ``interval_divisor=3.92`` for Fingertips' rounded constant). Missing cells
    are allowed and give "cannot be calculated" when they fall among the five points used; text that is
    not a number, a negative count or a numerator above its denominator is refused, naming the row.
    Example (other): 30.6, 30.2, 28, 24.6, 24.67 with their 95% limits → β −1.7516, X² 46.76, decreasing.
    """
    pol = None if polarity is None else Polarity.parse(polarity)
    names: tuple[str, ...]
    raw: tuple[Sequence[Any], ...]
    if value_type == "proportion":
        if numerators is None or denominators is None:
            raise ValidationProblem("a proportion trend needs numerators and denominators")
        names, method = ("numerator", "denominator"), CHI_SQUARED_TREND
        raw = (numerators, denominators)
    elif value_type == "other":
        if values is None or lower is None or upper is None:
            raise ValidationProblem("a trend in values other than proportions needs values, lower and upper limits")
        names, method = ("value", "lower limit", "upper limit"), WEIGHTED_REGRESSION
        raw = (values, lower, upper)
    else:
        raise ValidationProblem(f"value_type {value_type!r} must be 'proportion' or 'other'")
    year_list = _years(years, first_row)
    columns = [
        number_column(c, name, first_row=first_row, allow_missing=True) for c, name in zip(raw, names, strict=True)
    ]
    for name, column in zip(names, columns, strict=True):
        if column.size != len(year_list):
            raise ValidationProblem(f"there are {len(year_list)} years but {column.size} {name}s: they must match")
    rows = np.arange(len(year_list)) + first_row

    # The reference sorts by year, so order does not matter; a year given twice cannot be placed.
    seen: dict[Any, int] = {}
    for i, y in enumerate(year_list):
        if y in seen:
            reason = f"year {y} appears twice (rows {seen[y]} and {rows[i]}): each year must appear once"
            return _cannot(reason, TrendReason.DUPLICATE_YEARS, method, 0, ())
        seen[y] = int(rows[i])
    order = sorted(range(len(year_list)), key=lambda i: year_list[i])
    recent = order[-POINTS:]
    recent_years = tuple(year_list[i] for i in recent)
    if len(year_list) < POINTS:
        reason = f"{len(year_list)} points: the recent trend needs at least {POINTS}"
        return _cannot(reason, TrendReason.NOT_ENOUGH_POINTS, method, len(year_list), recent_years)
    picked = [c[recent] for c in columns]
    missing = [(names[k], int(rows[recent[j]])) for k, c in enumerate(picked) for j in np.flatnonzero(np.isnan(c))]
    if missing:
        name, row = missing[0]
        code = TrendReason.MISSING_LIMITS if "limit" in name else TrendReason.MISSING_VALUES
        reason = f"the {name} is missing in row {row}, one of the last {POINTS} points"
        return _cannot(reason, code, method, POINTS, recent_years)
    notes: tuple[str, ...] = ()
    if all(isinstance(y, int) for y in recent_years) and recent_years[-1] - recent_years[0] != POINTS - 1:
        notes = (
            f"the points are numbered 1 to {POINTS} by position, as Fingertips does: years are missing between "
            f"{recent_years[0]} and {recent_years[-1]}",
        )
    t = np.arange(1, POINTS + 1, dtype=np.float64)  # Fingertips' counter

    if value_type == "proportion":
        # checked on the whole columns, so an error names the row as given
        non_negative(columns[0], "numerator", first_row=first_row)
        positive(columns[1], "denominator", first_row=first_row)
        numerators_within(columns[0], columns[1], first_row=first_row)
        c, d = picked
        edge = np.flatnonzero((c == d) | (c == 0))
        if edge.size:
            row = int(rows[recent[int(edge[0])]])
            what = "equal to its denominator (100%)" if c[edge[0]] == d[edge[0]] else "zero (0%)"
            reason = f"the count in row {row} is {what}: its logit is infinite, so the trend cannot be calculated"
            return _cannot(reason, TrendReason.NO_LOGIT, method, POINTS, recent_years, notes)
        statistic = chi_squared_for_trend(t, c, d)

        def fit_slope(keep: np.ndarray) -> float:
            return logit_slope(t[keep], c[keep], d[keep])

    else:
        bad = np.flatnonzero(columns[2] <= columns[1])
        if bad.size:
            i = int(bad[0])
            raise ValidationProblem(
                f"upper limit {columns[2][i]:g} is not above lower limit {columns[1][i]:g} in row {rows[i]}"
            )
        y, lo, hi = picked
        divisor = interval_divisor if interval_divisor is not None else 2 * z_value(confidence_level(limits_confidence))
        if not divisor > 0:
            raise ValidationProblem(f"interval divisor {interval_divisor!r} must be greater than zero, like 3.92")
        sigma = (hi - lo) / divisor
        _, statistic = weighted_regression(t, y, sigma)

        def fit_slope(keep: np.ndarray) -> float:
            return weighted_regression(t[keep], y[keep], sigma[keep])[0]

    slope = fit_slope(np.ones(POINTS, dtype=bool))
    loo = tuple(fit_slope(np.arange(POINTS) != i) for i in range(POINTS))
    if not statistic > THRESHOLD:
        outcome, code = Trend.NO_SIGNIFICANT_CHANGE, TrendReason.NOT_SIGNIFICANT
        reason = f"X² {statistic:.4g} is not above {THRESHOLD:.4f}: no significant trend"
    elif any(_sign(s, slope) != np.sign(slope) for s in loo):
        outcome, code = Trend.NO_SIGNIFICANT_CHANGE, TrendReason.OUTLIER
        reason = "leaving one point out changes the direction of the slope: one point drives the trend"
    else:
        outcome = Trend.DECREASING if slope < 0 else Trend.INCREASING
        code = TrendReason.SIGNIFICANT
        reason = f"X² {statistic:.4g} is above {THRESHOLD:.4f} and every leave-one-out slope has the same sign"
    assessment = None
    if outcome in (Trend.INCREASING, Trend.DECREASING) and pol not in (None, Polarity.NO_JUDGEMENT):
        better = (outcome is Trend.INCREASING) == (pol is Polarity.HIGHER_IS_BETTER)
        assessment = "getting_better" if better else "getting_worse"
    return TrendResult(
        outcome, assessment, statistic, slope, THRESHOLD, POINTS, recent_years, loo, method, reason, code, notes
    )


def _sign(value: float, scale: float) -> float:
    """The sign of a leave-one-out slope, with a slope within rounding of zero counted as zero, so
    that a series and its reverse in time get the same verdict (a slope of 1e-17 is no direction)."""
    return 0.0 if abs(value) <= 1e-9 * max(1.0, abs(scale)) else float(np.sign(value))
