"""Fingertips' control-limit comparisons with a benchmark ("SPC for rates/DSRs", "SPC for proportions").

Where the benchmark-inside-the-interval rule (``compare.py``) asks whether the benchmark lies in the
area's interval, these ask whether the area's value lies outside control limits drawn around the
benchmark at the area's own denominator — a one-point funnel plot.

- **SPC for rates** (Fingertips ``SpcForDsrComparer``): the expected count E = benchmark × n /
  multiplier; control limits are the exact Poisson limits for a count of E divided by n, times the
  multiplier. Fingertips finds them by summing Poisson terms over whole events, which rounds a
  non-integer E *up* for the lower limit and *down* for the upper: lower ``χ²_{α/2}(2⌈E⌉)/2``, upper
  ``χ²_{1−α/2}(2⌊E⌋ + 2)/2``. That is the default (``whole_events=True``); ``False`` uses E itself,
  the continuous form of Spiegelhalter's funnel limits.
- **SPC for proportions** (Fingertips ``SpcForProportionsComparer``): Wilson-score limits around the
  benchmark proportion p₀ at the area's denominator n, with E = n·p₀:
  ``(2E + z² ± z·√(z² + 4E(1 − E/n))) / (2(n + z²))``.

Above the upper limit → better (higher is better) or worse; below the lower → the other; between →
similar; higher/lower without a judgement. Tested against Fingertips' own comparer tests.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.stats import chi2

from saferhub.core.errors import ValidationProblem
from saferhub.stats._checks import FloatArray, confidence_level, number_column, positive, z_value
from saferhub.stats.compare import Comparison, Outcome
from saferhub.stats.intervals import multiplier_value
from saferhub.stats.results import READ, Polarity, figure

SPC_RATES = "Fingertips SPC for rates (exact Poisson control limits around the benchmark, whole events)"
SPC_RATES_CONTINUOUS = "SPC for rates (exact Poisson control limits around the benchmark, continuous)"
SPC_PROPORTIONS = "Fingertips SPC for proportions (Wilson score control limits around the benchmark)"


def poisson_control_limits(expected: np.ndarray, confidence: float, *, whole_events: bool) -> tuple[Any, Any]:
    """Control limits on the count at expected count E (see the module notes for the rounding)."""
    alpha = 1 - confidence_level(confidence)
    e = np.asarray(expected, dtype=np.float64)
    low_count = np.ceil(e) if whole_events else e
    high_count = np.floor(e) if whole_events else e
    with np.errstate(invalid="ignore"):
        lower = np.where(low_count > 0, chi2.ppf(alpha / 2, 2 * np.maximum(low_count, 1e-300)) / 2, 0.0)
    upper = chi2.ppf(1 - alpha / 2, 2 * high_count + 2) / 2
    return lower, upper


def _judge(
    value: float, lower: float, upper: float, benchmark: float, pol: Polarity | None, level: float, method: str
) -> Comparison:
    def result(outcome: Outcome, reason: str) -> Comparison:
        return Comparison(outcome, reason, value, lower, upper, benchmark, level, pol, method)

    if pol is None:
        return result(Outcome.NOT_COMPARED, "the indicator has no polarity set")
    limits = (
        f"the {level * 100:g}% control limits {figure(lower, READ)} to {figure(upper, READ)} "
        f"around the benchmark {figure(benchmark, READ)}"
    )
    if lower <= value <= upper:
        return result(Outcome.SIMILAR, f"the value {figure(value, READ)} lies within {limits}")
    above = value > upper
    where = f"the value {figure(value, READ)} lies {'above' if above else 'below'} {limits}"
    if pol is Polarity.NO_JUDGEMENT:
        return result(Outcome.HIGHER if above else Outcome.LOWER, where)
    good = above == (pol is Polarity.HIGHER_IS_BETTER)
    return result(Outcome.BETTER if good else Outcome.WORSE, where)


def _inputs(
    values: Sequence[Any] | FloatArray, denominators: Sequence[Any] | FloatArray, benchmark: float, first_row: int
) -> tuple[np.ndarray, np.ndarray, float]:
    v = number_column(values, "value", first_row=first_row, allow_missing=True)
    n = positive(number_column(denominators, "denominator", first_row=first_row, allow_missing=True), "denominator")
    if v.size != n.size:
        raise ValidationProblem(f"there are {v.size} values but {n.size} denominators: they must match")
    if isinstance(benchmark, bool) or not isinstance(benchmark, int | float) or not math.isfinite(benchmark):
        raise ValidationProblem(f"benchmark {benchmark!r} must be a number")
    return v, n, float(benchmark)


def compare_rates_spc(
    values: Sequence[Any] | FloatArray,
    denominators: Sequence[Any] | FloatArray,
    *,
    benchmark: float,
    polarity: Polarity | str | None,
    multiplier: float = 100_000,
    confidence: float = 0.95,
    whole_events: bool = True,
    first_row: int = 1,
) -> list[Comparison]:
    """Each area's rate (or DSR) against Poisson control limits around the benchmark rate at its
    denominator (person-years). ``whole_events=True`` is Fingertips' own rounding (see module notes)."""
    level = confidence_level(confidence)
    m = multiplier_value(multiplier)
    pol = None if polarity is None else Polarity.parse(polarity)
    v, n, bench = _inputs(values, denominators, benchmark, first_row)
    if bench < 0:
        raise ValidationProblem(f"benchmark rate {figure(bench)} cannot be negative")
    lower, upper = poisson_control_limits(bench * n / m, level, whole_events=whole_events)
    method = SPC_RATES if whole_events else SPC_RATES_CONTINUOUS
    out = []
    for i in range(v.size):
        if np.isnan(v[i]) or np.isnan(n[i]):
            why = "no value" if np.isnan(v[i]) else "no denominator"
            out.append(Comparison(Outcome.NOT_COMPARED, why, None, None, None, bench, level, pol, method))
            continue
        low, high = float(lower[i] / n[i] * m), float(upper[i] / n[i] * m)
        out.append(_judge(float(v[i]), low, high, bench, pol, level, method))
    return out


def compare_proportions_spc(
    values: Sequence[Any] | FloatArray,
    denominators: Sequence[Any] | FloatArray,
    *,
    benchmark: float,
    polarity: Polarity | str | None,
    multiplier: float = 100,
    confidence: float = 0.95,
    first_row: int = 1,
) -> list[Comparison]:
    """Each area's proportion against Wilson-score control limits around the benchmark proportion at
    its denominator (Fingertips ``SpcForProportionsComparer``). Values and benchmark per ``multiplier``."""
    level = confidence_level(confidence)
    m = multiplier_value(multiplier)
    pol = None if polarity is None else Polarity.parse(polarity)
    v, n, bench = _inputs(values, denominators, benchmark, first_row)
    p0 = bench / m
    if not 0 <= p0 <= 1:
        raise ValidationProblem(f"benchmark {figure(bench)} is not a proportion of {figure(m)}")
    z = z_value(level)
    e = n * p0
    spread = z * np.sqrt(z**2 + 4 * e * (1 - p0))
    lower = (2 * e + z**2 - spread) / (2 * (n + z**2)) * m
    upper = (2 * e + z**2 + spread) / (2 * (n + z**2)) * m
    out = []
    for i in range(v.size):
        if np.isnan(v[i]) or np.isnan(n[i]):
            why = "no value" if np.isnan(v[i]) else "no denominator"
            out.append(Comparison(Outcome.NOT_COMPARED, why, None, None, None, bench, level, pol, SPC_PROPORTIONS))
            continue
        out.append(_judge(float(v[i]), float(lower[i]), float(upper[i]), bench, pol, level, SPC_PROPORTIONS))
    return out
