"""Confidence intervals for proportions, counts and crude rates, a whole column at a time.

The methods OHID Fingertips and PHEindicatormethods use (see docs/methods.md):

- proportions: Wilson score interval (Wilson 1927; PHEindicatormethods ``phe_proportion``);
- counts and crude rates: exact Poisson limits from the chi-squared distribution below 10 events,
  Byar's approximation from 10 events (Breslow & Day 1987; PHEindicatormethods ``phe_rate``).

Each ``*_intervals`` function takes whole columns and returns ``IntervalColumns`` (arrays), so a
million rows cost one pass of NumPy; ``wilson``, ``counts`` and ``rates`` give the same figures as a
list of ``Estimate``. A row with a missing numerator or denominator gets no value and a note saying
which cell is missing, as PHEindicatormethods returns NA; text that is not a number, a negative count
or a numerator above its denominator is refused, naming the row. Standardised rates and ratios are in
``standardised.py``; the mean in ``means.py``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.stats import chi2

from saferhub.core.errors import ValidationProblem
from saferhub.stats._checks import (
    FloatArray,
    confidence_level,
    non_negative,
    number_column,
    numerators_within,
    positive,
    same_length,
    z_value,
)
from saferhub.stats.results import Estimate

WILSON = "Wilson score"
EXACT_POISSON = "exact Poisson"
BYAR = "Byar"

# Below this many events, counts use exact Poisson limits; from it, Byar's approximation.
BYAR_FROM = 10
# Row-by-row methods are stored as small codes into this tuple (a million rows of text would cost more
# than the limits themselves); ``IntervalColumns.method`` gives the names.
METHOD_NAMES = ("", EXACT_POISSON, BYAR, WILSON)
NO_METHOD, EXACT_CODE, BYAR_CODE, WILSON_CODE = range(4)


def multiplier_value(multiplier: float) -> float:
    if isinstance(multiplier, bool) or not isinstance(multiplier, int | float) or not multiplier > 0:
        raise ValidationProblem(f"multiplier {multiplier!r} must be a number greater than zero, like 100 or 100000")
    return float(multiplier)


def wilson_limits(x: FloatArray, n: FloatArray, confidence: float) -> tuple[FloatArray, FloatArray]:
    """Wilson score limits for proportions x/n (as fractions). Inputs already checked."""
    z = z_value(confidence)
    p = x / n
    centre = 2 * x + z**2
    # max(…, 0) guards rounding below zero when x = n.
    spread = z * np.sqrt(np.maximum(z**2 + 4 * x * (1 - p), 0))
    denominator = 2 * (n + z**2)
    # The score interval always contains p (exactly 0 at x = 0 and 1 at x = n); rounding must not move it off.
    lower = np.where(x == 0, 0.0, np.clip(np.minimum((centre - spread) / denominator, p), 0, 1))
    upper = np.where(x == n, 1.0, np.clip(np.maximum((centre + spread) / denominator, p), 0, 1))
    return lower, upper


def exact_poisson_limits(x: FloatArray, confidence: float) -> tuple[FloatArray, FloatArray]:
    """Exact Poisson limits for a count: ``χ²_{α/2}(2x)/2`` (0 when x = 0) and ``χ²_{1−α/2}(2x+2)/2``.

    Works for non-integer x too (the continuous form Spiegelhalter's funnel plots and FunnelPlotR use).
    """
    alpha = 1 - confidence_level(confidence)
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        lower = np.where(x > 0, chi2.ppf(alpha / 2, 2 * np.maximum(x, 1e-300)) / 2, 0.0)
    upper = chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2
    return np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)


def byar_limits(x: FloatArray, confidence: float) -> tuple[FloatArray, FloatArray]:
    """Byar's approximation: ``x(1 − 1/(9x) − z/(3√x))³`` and ``(x+1)(1 − 1/(9(x+1)) + z/(3√(x+1)))³``."""
    z = z_value(confidence)
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = 1 - 1 / (9 * x) - z / (3 * np.sqrt(x))
        lower = np.where(x > 0, x * (a * a * a), 0.0)  # a·a·a: far quicker than a power on a million rows
    y = x + 1
    b = 1 - 1 / (9 * y) + z / (3 * np.sqrt(y))
    return np.maximum(lower, 0), y * (b * b * b)


def poisson_limits(x: FloatArray, confidence: float) -> tuple[FloatArray, FloatArray, NDArray[np.int8]]:
    """Exact limits below 10 events, Byar's from 10, as Fingertips does; with the method used per row.

    The exact limits are taken only for the rows below 10 events (the chi-squared quantile is the slow
    part), Byar's for the rest; a missing count gives NaN limits and no method. The method is a code
    into ``METHOD_NAMES``.
    """
    x = np.asarray(x, dtype=np.float64)
    lower = np.full(x.shape, np.nan)
    upper = np.full(x.shape, np.nan)
    use_byar = x >= BYAR_FROM
    small = x < BYAR_FROM
    if use_byar.any():
        lower[use_byar], upper[use_byar] = byar_limits(x[use_byar], confidence)
    if small.any():  # few distinct small counts: take each one's chi-squared quantiles once
        distinct, position = np.unique(x[small], return_inverse=True)
        lo, hi = exact_poisson_limits(distinct, confidence)
        lower[small], upper[small] = lo[position], hi[position]
    method = np.zeros(x.shape, dtype=np.int8)
    method[use_byar] = BYAR_CODE
    method[small] = EXACT_CODE
    return lower, upper, method


@dataclasses.dataclass(frozen=True, slots=True)
class IntervalColumns:
    """Values and limits for a whole column of rows, as arrays (NaN where a row has no value).

    ``method`` names the method row by row (exact Poisson below 10 events, Byar from 10); ``notes``
    maps a row's index to why it has no value. ``estimates()`` gives the same figures as ``Estimate``s.
    """

    value: FloatArray
    lower: FloatArray
    upper: FloatArray
    method_code: NDArray[np.int8]  # into METHOD_NAMES
    confidence: float
    multiplier: float
    numerator: FloatArray
    denominator: FloatArray | None
    notes: dict[int, str]

    def __len__(self) -> int:
        return int(self.value.size)

    @property
    def method(self) -> NDArray[np.object_]:
        """The method's name for each row ("" where the row has no value)."""
        return np.array(METHOD_NAMES, dtype=object)[self.method_code]

    def estimates(self) -> list[Estimate]:
        def figure(x: float) -> float | None:
            return None if np.isnan(x) else float(x)

        denominators = self.denominator if self.denominator is not None else [np.nan] * len(self)
        return [
            Estimate(
                value=figure(v),
                lower=figure(lo),
                upper=figure(hi),
                confidence=self.confidence,
                method=str(m),
                numerator=figure(x),
                denominator=figure(n),
                multiplier=self.multiplier,
                note=self.notes.get(i, ""),
            )
            for i, (v, lo, hi, m, x, n) in enumerate(
                zip(
                    self.value.tolist(),
                    self.lower.tolist(),
                    self.upper.tolist(),
                    self.method.tolist(),
                    self.numerator.tolist(),
                    list(denominators),
                    strict=True,
                )
            )
        ]


def _missing_notes(first_row: int, **columns: FloatArray) -> dict[int, str]:
    """Why each row with a missing cell has no value: "not calculated: the numerator is missing in row 4"."""
    notes: dict[int, str] = {}
    for name, column in columns.items():
        for i in np.flatnonzero(np.isnan(column)).tolist():
            notes.setdefault(i, f"not calculated: the {name} is missing in row {i + first_row}")
    return notes


def proportion_intervals(
    numerators: Sequence[Any] | FloatArray,
    denominators: Sequence[Any] | FloatArray,
    *,
    confidence: float = 0.95,
    multiplier: float = 1,
    first_row: int = 1,
) -> IntervalColumns:
    """Proportions with Wilson score limits for whole columns (see ``wilson``)."""
    level = confidence_level(confidence)
    m = multiplier_value(multiplier)
    x = non_negative(
        number_column(numerators, "numerator", first_row=first_row, allow_missing=True),
        "numerator",
        first_row=first_row,
    )
    n = positive(
        number_column(denominators, "denominator", first_row=first_row, allow_missing=True),
        "denominator",
        first_row=first_row,
    )
    same_length("numerator", x, "denominator", n)
    numerators_within(x, n, first_row=first_row)
    lower, upper = wilson_limits(x, n, level)
    method = np.where(np.isnan(x) | np.isnan(n), NO_METHOD, WILSON_CODE).astype(np.int8)
    return IntervalColumns(
        x / n * m, lower * m, upper * m, method, level, m, x, n, _missing_notes(first_row, numerator=x, denominator=n)
    )


def count_intervals(
    counts: Sequence[Any] | FloatArray, *, confidence: float = 0.95, first_row: int = 1
) -> IntervalColumns:
    """Counts with exact Poisson limits below 10 events and Byar's from 10, for whole columns."""
    level = confidence_level(confidence)
    x = non_negative(
        number_column(counts, "count", first_row=first_row, allow_missing=True), "count", first_row=first_row
    )
    lower, upper, method = poisson_limits(x, level)
    return IntervalColumns(x, lower, upper, method, level, 1.0, x, None, _missing_notes(first_row, count=x))


def rate_intervals(
    counts: Sequence[Any] | FloatArray,
    denominators: Sequence[Any] | FloatArray,
    *,
    confidence: float = 0.95,
    multiplier: float = 100_000,
    first_row: int = 1,
) -> IntervalColumns:
    """Crude rates per ``multiplier`` with the count's exact Poisson or Byar limits, for whole columns."""
    level = confidence_level(confidence)
    m = multiplier_value(multiplier)
    x = non_negative(
        number_column(counts, "numerator", first_row=first_row, allow_missing=True), "numerator", first_row=first_row
    )
    n = positive(
        number_column(denominators, "denominator", first_row=first_row, allow_missing=True),
        "denominator",
        first_row=first_row,
    )
    same_length("numerator", x, "denominator", n)
    lower, upper, method = poisson_limits(x, level)
    method[np.isnan(n)] = NO_METHOD
    return IntervalColumns(
        x / n * m,
        lower / n * m,
        upper / n * m,
        method,
        level,
        m,
        x,
        n,
        _missing_notes(first_row, numerator=x, denominator=n),
    )


def wilson(
    numerators: Sequence[Any] | FloatArray,
    denominators: Sequence[Any] | FloatArray,
    *,
    confidence: float = 0.95,
    multiplier: float = 1,
    first_row: int = 1,
) -> list[Estimate]:
    """Proportions with Wilson score intervals, one result per row.

    ``(2x + z² ± z·√(z² + 4x(1 − x/n))) / (2(n + z²))`` times the multiplier (100 for a percentage).
    Method: Wilson (1927), as in PHEindicatormethods ``phe_proportion`` and OHID Fingertips.
    Example: 65/100 gives 0.55254 to 0.73636 at 95%.
    """
    return proportion_intervals(
        numerators, denominators, confidence=confidence, multiplier=multiplier, first_row=first_row
    ).estimates()


def counts(counts: Sequence[Any] | FloatArray, *, confidence: float = 0.95, first_row: int = 1) -> list[Estimate]:
    """Counts with exact Poisson limits below 10 events and Byar's limits from 10.

    Methods: exact Poisson (chi-squared form, Ulm 1990) and Byar (Breslow & Day 1987), as
    PHEindicatormethods ``byars_lower``/``byars_upper`` and Fingertips. Examples (95%): 0 → 0–3.6889;
    5 → 1.6235–11.6683; 65 → 50.1632–82.8491.
    """
    return count_intervals(counts, confidence=confidence, first_row=first_row).estimates()


def rates(
    counts: Sequence[Any] | FloatArray,
    denominators: Sequence[Any] | FloatArray,
    *,
    confidence: float = 0.95,
    multiplier: float = 100_000,
    first_row: int = 1,
) -> list[Estimate]:
    """Crude rates per ``multiplier`` with exact Poisson (below 10 events) or Byar limits.

    Rate limits are the count's limits divided by the denominator, times the multiplier, as in
    PHEindicatormethods ``phe_rate`` and Fingertips.
    """
    return rate_intervals(
        counts, denominators, confidence=confidence, multiplier=multiplier, first_row=first_row
    ).estimates()
