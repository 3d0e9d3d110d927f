"""Confidence intervals for proportions, counts, rates and directly standardised rates.

The methods OHID Fingertips and PHEindicatormethods use (see docs/methods.md):

- proportions: Wilson score interval (Wilson 1927; PHEindicatormethods ``phe_proportion``);
- counts and crude rates: exact Poisson limits from the chi-squared distribution below 10 events,
  Byar's approximation from 10 events (Breslow & Day 1987; PHEindicatormethods ``phe_rate``);
- directly standardised rates: Dobson et al. (1991) with Byar limits for the total count
  (PHEindicatormethods ``phe_dsr``); no value from fewer than 10 events.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.stats import chi2

from saferhub.core.errors import ValidationProblem
from saferhub.stats._checks import (
    FloatArray,
    confidence_level,
    counts_and_denominators,
    non_negative,
    numbers,
    positive,
    same_length,
    z_value,
)
from saferhub.stats.results import Estimate

WILSON = "Wilson score"
EXACT_POISSON = "exact Poisson"
BYAR = "Byar"
DOBSON = "Dobson"

# Below this many events, counts use exact Poisson limits; from it, Byar's approximation.
BYAR_FROM = 10


def _multiplier(multiplier: float) -> float:
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
        lower = np.where(x > 0, x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3, 0.0)
    upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * np.sqrt(x + 1))) ** 3
    return np.maximum(lower, 0), upper


def poisson_limits(x: FloatArray, confidence: float) -> tuple[FloatArray, FloatArray, list[str]]:
    """Exact limits below 10 events, Byar's from 10, as Fingertips does; with the method used per row."""
    x = np.asarray(x, dtype=np.float64)
    exact_lo, exact_hi = exact_poisson_limits(x, confidence)
    byar_lo, byar_hi = byar_limits(x, confidence)
    use_byar = x >= BYAR_FROM
    methods = [BYAR if b else EXACT_POISSON for b in use_byar]
    return np.where(use_byar, byar_lo, exact_lo), np.where(use_byar, byar_hi, exact_hi), methods


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
    level = confidence_level(confidence)
    m = _multiplier(multiplier)
    x, n = counts_and_denominators(numerators, denominators, first_row=first_row, proportion=True)
    lower, upper = wilson_limits(x, n, level)
    return [
        Estimate(
            value=float(xi / ni * m),
            lower=float(lo * m),
            upper=float(hi * m),
            confidence=level,
            method=WILSON,
            numerator=float(xi),
            denominator=float(ni),
            multiplier=m,
        )
        for xi, ni, lo, hi in zip(x, n, lower, upper, strict=True)
    ]


def counts(counts: Sequence[Any] | FloatArray, *, confidence: float = 0.95, first_row: int = 1) -> list[Estimate]:
    """Counts with exact Poisson limits below 10 events and Byar's limits from 10.

    Methods: exact Poisson (chi-squared form, Ulm 1990) and Byar (Breslow & Day 1987), as
    PHEindicatormethods ``byars_lower``/``byars_upper`` and Fingertips. Examples (95%): 0 → 0–3.6889;
    5 → 1.6235–11.6683; 65 → 50.1632–82.8491.
    """
    level = confidence_level(confidence)
    x = non_negative(numbers(counts, "count", first_row=first_row), "count", first_row=first_row)
    lower, upper, methods = poisson_limits(x, level)
    return [
        Estimate(
            value=float(xi), lower=float(lo), upper=float(hi), confidence=level, method=method, numerator=float(xi)
        )
        for xi, lo, hi, method in zip(x, lower, upper, methods, strict=True)
    ]


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
    level = confidence_level(confidence)
    m = _multiplier(multiplier)
    x, n = counts_and_denominators(counts, denominators, first_row=first_row, proportion=False)
    lower, upper, methods = poisson_limits(x, level)
    return [
        Estimate(
            value=float(xi / ni * m),
            lower=float(lo / ni * m),
            upper=float(hi / ni * m),
            confidence=level,
            method=method,
            numerator=float(xi),
            denominator=float(ni),
            multiplier=m,
        )
        for xi, ni, lo, hi, method in zip(x, n, lower, upper, methods, strict=True)
    ]


def _as_table(values: Any, name: str) -> list[Any]:
    rows = list(values)
    if not rows:
        raise ValidationProblem(f"{name} is empty: there is nothing to calculate from")
    if all(not isinstance(r, str | bytes) and hasattr(r, "__len__") for r in rows):
        return rows
    return [rows]  # one area given as a flat list of bands


def dsr(
    counts: Sequence[Any],
    populations: Sequence[Any],
    standard_population: Sequence[Any] | FloatArray,
    *,
    confidence: float = 0.95,
    multiplier: float = 100_000,
) -> list[Estimate]:
    """Directly standardised rates with Dobson's method, one result per area.

    ``counts`` and ``populations`` are one list of bands (for one area) or a list of such lists (one per
    area); ``standard_population`` holds the weights for the same bands (for example the 2013 European
    Standard Population). ``DSR = Σwᵢxᵢ/nᵢ / Σwᵢ × m``, ``var = Σwᵢ²xᵢ/nᵢ² / (Σwᵢ)²``; with O = Σxᵢ and
    its Byar limits O_L, O_U, the limits are ``DSR + √(var/O)·(O_L − O)·m`` and ``… (O_U − O)·m``.
    Method: Dobson, Kuulasmaa, Eberle & Scherer (1991), as PHEindicatormethods ``phe_dsr``; like it,
    no value is given from fewer than 10 events.
    """
    level = confidence_level(confidence)
    m = _multiplier(multiplier)
    weights = positive(numbers(standard_population, "standard population"), "standard population")
    count_rows = _as_table(counts, "counts")
    population_rows = _as_table(populations, "populations")
    same_length("counts", count_rows, "populations", population_rows)
    results = []
    for area, (count_row, population_row) in enumerate(zip(count_rows, population_rows, strict=True), start=1):
        label = f"counts for area {area}"
        x = non_negative(numbers(count_row, label), label)
        n = positive(numbers(population_row, f"populations for area {area}"), f"populations for area {area}")
        same_length(label, x, f"populations for area {area}", n)
        same_length(label, x, "standard population", weights)
        total = float(x.sum())
        if total < BYAR_FROM:
            results.append(
                Estimate(
                    value=None,
                    lower=None,
                    upper=None,
                    confidence=level,
                    method=DOBSON,
                    numerator=total,
                    denominator=float(n.sum()),
                    multiplier=m,
                    note=f"not calculated: {total:g} events, fewer than {BYAR_FROM}",
                )
            )
            continue
        w_sum = weights.sum()
        value = float((weights * x / n).sum() / w_sum)
        variance = float((weights**2 * x / n**2).sum() / w_sum**2)
        o_lo, o_hi = byar_limits(np.array([total]), level)
        scale = np.sqrt(variance / total)
        results.append(
            Estimate(
                value=value * m,
                lower=float((value + scale * (o_lo[0] - total)) * m),
                upper=float((value + scale * (o_hi[0] - total)) * m),
                confidence=level,
                method=DOBSON,
                numerator=total,
                denominator=float(n.sum()),
                multiplier=m,
            )
        )
    return results
