"""Funnel plots: control limits around a pooled value, for districts compared at one time.

- Proportions: ``p₀ ± z·√(p₀(1 − p₀)/n)`` at 95% and 99.8% (PHEindicatormethods
  ``calculate_funnel_limits``, statistic "proportion").
- Rates and ratios from exact Poisson limits. Two forms are offered:
  ``method="phe"`` (default) inverts the exact Poisson interval of the observed count, as
  PHEindicatormethods does, so a unit lies outside the funnel exactly when its own exact interval
  excludes the expected count; ``method="spiegelhalter"`` uses the exact Poisson limits
  around the expected count itself, ``χ²_{α/2}(2E)/2`` to ``χ²_{1−α/2}(2E+2)/2`` (Spiegelhalter 2005;
  FunnelPlotR).
- Over-dispersion (Spiegelhalter 2005, "Handling over-dispersion of performance indicators"):
  z-scores Winsorised at 10%/90%, ``φ = Σz²/k``, ``τ² = max(0, (kφ − (k − 1)) / (Σw − Σw²/Σw))`` with
  w = 1/s², limits ``target ± z·√(s² + τ²)``; ratios and rates on the square-root scale. φ and τ² are
  always reported; the limits use τ² only when ``overdispersion=True``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.optimize import brentq
from scipy.stats import chi2

from saferhub.core.errors import ValidationProblem
from saferhub.stats._checks import (
    CONFIDENCE_95,
    CONFIDENCE_998,
    FloatArray,
    counts_and_denominators,
    non_negative,
    numbers,
    positive,
    same_length,
    z_value,
)
from saferhub.stats.results import AsDict

METHODS = ("phe", "spiegelhalter")
LEVELS = (CONFIDENCE_95, CONFIDENCE_998)


@dataclasses.dataclass(frozen=True, slots=True)
class FunnelLimits(AsDict):
    """The funnel at one denominator (or expected count): 95% and 99.8% limits around the baseline."""

    denominator: float
    baseline: float
    lower_95: float
    upper_95: float
    lower_998: float
    upper_998: float
    method: str


@dataclasses.dataclass(frozen=True, slots=True)
class FunnelUnit(AsDict):
    """One area on the funnel."""

    row: int
    numerator: float
    denominator: float  # the denominator, or the expected count for ratios
    value: float
    z_score: float  # on the scale the over-dispersion uses; adjusted by τ² when it is applied
    lower_95: float
    upper_95: float
    lower_998: float
    upper_998: float
    outcome: str  # above_99.8, above_95, within, below_95, below_99.8


@dataclasses.dataclass(frozen=True, slots=True)
class FunnelResult(AsDict):
    """Every area against the funnel, with the over-dispersion figures."""

    statistic: str  # proportion, rate, ratio
    baseline: float
    multiplier: float
    units: tuple[FunnelUnit, ...]
    phi: float
    tau2: float
    overdispersion_applied: bool
    winsorise: float
    method: str
    notes: tuple[str, ...]


def _outcome(value: float, lo95: float, hi95: float, lo998: float, hi998: float) -> str:
    if value > hi998:
        return "above_99.8"
    if value > hi95:
        return "above_95"
    if value < lo998:
        return "below_99.8"
    if value < lo95:
        return "below_95"
    return "within"


def _method(method: str) -> str:
    if method not in METHODS:
        raise ValidationProblem(f"funnel method {method!r} must be one of {', '.join(METHODS)}")
    return method


def proportion_funnel_limits(
    denominators: Sequence[Any] | FloatArray, *, baseline: float, multiplier: float = 1, tau2: float = 0.0
) -> list[FunnelLimits]:
    """Limits ``p₀ ± z·√(p₀(1 − p₀)/n + τ²)`` at 95% and 99.8%, clipped to 0 and the multiplier.

    ``baseline`` is in the same units as the values (e.g. 80.6 with multiplier 100). Example: n = 500,
    p₀ = 0.2 → 0.16494 to 0.23506 at 95%. Method: normal approximation as PHEindicatormethods.
    """
    n = positive(numbers(denominators, "denominator"), "denominator")
    p0 = baseline / multiplier
    if not 0 <= p0 <= 1:
        raise ValidationProblem(f"baseline {baseline:g} is not a proportion of {multiplier:g}")
    se = np.sqrt(p0 * (1 - p0) / n + tau2)
    limits = {}
    for level in LEVELS:
        z = z_value(level)
        limits[level] = (np.clip(p0 - z * se, 0, 1) * multiplier, np.clip(p0 + z * se, 0, 1) * multiplier)
    method = "normal approximation" + (" with over-dispersion (τ²)" if tau2 else "")
    return [
        FunnelLimits(
            float(n[i]),
            float(baseline),
            float(limits[CONFIDENCE_95][0][i]),
            float(limits[CONFIDENCE_95][1][i]),
            float(limits[CONFIDENCE_998][0][i]),
            float(limits[CONFIDENCE_998][1][i]),
            method,
        )
        for i in range(n.size)
    ]


def _count_with_limit(expected: float, confidence: float, *, upper: bool) -> float:
    """The (continuous) count whose exact upper (or lower) confidence limit equals ``expected``."""
    alpha = 1 - confidence

    def limit(o: float) -> float:
        if upper:
            return float(chi2.ppf(1 - alpha / 2, 2 * o + 2) / 2)
        return float(chi2.ppf(alpha / 2, 2 * o) / 2) if o > 0 else 0.0

    if limit(0.0) >= expected:
        return 0.0
    hi = 2 * expected + 20
    while limit(hi) < expected:  # pragma: no cover - the bracket above always holds; belt and braces
        hi *= 2
    return float(brentq(lambda o: limit(o) - expected, 0.0, hi, xtol=1e-12, rtol=1e-14))


def poisson_count_limits(
    expected: Sequence[Any] | FloatArray, *, confidence: float, method: str = "phe"
) -> tuple[FloatArray, FloatArray]:
    """Control limits on the observed count at each expected count.

    ``phe``: the lower limit is the count whose exact upper confidence limit equals the expected
    count, and the upper limit the count whose exact lower confidence limit equals it (the exact
    chi-squared form at every count, as PHEindicatormethods' funnels);
    ``spiegelhalter``: ``χ²_{α/2}(2E)/2`` and ``χ²_{1−α/2}(2E+2)/2``.
    """
    e = positive(numbers(expected, "expected count"), "expected count")
    _method(method)
    if method == "spiegelhalter":
        alpha = 1 - confidence
        return chi2.ppf(alpha / 2, 2 * e) / 2, chi2.ppf(1 - alpha / 2, 2 * e + 2) / 2
    lower = np.array([_count_with_limit(float(ei), confidence, upper=True) for ei in e])
    upper = np.array([_count_with_limit(float(ei), confidence, upper=False) for ei in e])
    return lower, upper


def ratio_funnel_limits(
    expected: Sequence[Any] | FloatArray,
    *,
    target: float = 1.0,
    multiplier: float = 1,
    method: str = "phe",
    tau2: float = 0.0,
) -> list[FunnelLimits]:
    """Limits on observed/expected (× target × multiplier) at each expected count; see module notes."""
    e = positive(numbers(expected, "expected count"), "expected count")
    limits = {}
    for level in LEVELS:
        if tau2:
            z = z_value(level)
            spread = z * np.sqrt(1 / (4 * e) + tau2)
            limits[level] = (np.maximum(1 - spread, 0) ** 2, (1 + spread) ** 2)
        else:
            lo, hi = poisson_count_limits(e, confidence=level, method=method)
            limits[level] = (lo / e, hi / e)
    scale = target * multiplier
    name = f"exact Poisson ({method})" + (" with over-dispersion (τ², square-root scale)" if tau2 else "")
    return [
        FunnelLimits(
            float(e[i]),
            float(scale),
            float(limits[CONFIDENCE_95][0][i] * scale),
            float(limits[CONFIDENCE_95][1][i] * scale),
            float(limits[CONFIDENCE_998][0][i] * scale),
            float(limits[CONFIDENCE_998][1][i] * scale),
            name,
        )
        for i in range(e.size)
    ]


def rate_funnel_limits(
    denominators: Sequence[Any] | FloatArray,
    *,
    baseline: float,
    multiplier: float = 100_000,
    method: str = "phe",
    tau2: float = 0.0,
) -> list[FunnelLimits]:
    """Limits on a crude rate per ``multiplier`` at each denominator, around ``baseline`` (same units).

    The expected count at denominator n is ``baseline × n / multiplier``; its Poisson control limits
    (see ``poisson_count_limits``) divided by n, times the multiplier, give the rate limits.
    """
    n = positive(numbers(denominators, "denominator"), "denominator")
    if not baseline > 0:
        raise ValidationProblem(f"baseline rate {baseline:g} must be greater than zero")
    expected = baseline * n / multiplier
    ratio_limits = ratio_funnel_limits(expected, method=method, tau2=tau2)
    return [
        dataclasses.replace(
            lim,
            denominator=float(ni),
            baseline=float(baseline),
            lower_95=lim.lower_95 * baseline,
            upper_95=lim.upper_95 * baseline,
            lower_998=lim.lower_998 * baseline,
            upper_998=lim.upper_998 * baseline,
        )
        for ni, lim in zip(n, ratio_limits, strict=True)
    ]


def overdispersion(z_scores: FloatArray, weights: FloatArray, *, winsorise: float = 0.1) -> tuple[float, float]:
    """φ and τ² from z-scores Winsorised at ``winsorise`` and ``1 − winsorise`` (Spiegelhalter 2005).

    Percentiles are linear interpolation between order statistics (R's default, type 7).
    """
    if not 0 <= winsorise < 0.5:
        raise ValidationProblem(f"winsorise {winsorise!r} must be at least 0 and below 0.5, like 0.1 for 10%")
    k = z_scores.size
    if k < 2:
        raise ValidationProblem("over-dispersion needs at least 2 areas")
    lo, hi = np.quantile(z_scores, [winsorise, 1 - winsorise])
    z = np.clip(z_scores, lo, hi)
    phi = float((z**2).sum() / k)
    tau2 = max(0.0, float((k * phi - (k - 1)) / (weights.sum() - (weights**2).sum() / weights.sum())))
    return phi, tau2


def _result(
    statistic: str,
    baseline: float,
    multiplier: float,
    x: FloatArray,
    n: FloatArray,
    values: FloatArray,
    z: FloatArray,
    z_adjusted: FloatArray,
    limits: list[FunnelLimits],
    phi: float,
    tau2: float,
    applied: bool,
    winsorise: float,
    method: str,
    notes: list[str],
    first_row: int,
) -> FunnelResult:
    units = tuple(
        FunnelUnit(
            row=i + first_row,
            numerator=float(x[i]),
            denominator=float(n[i]),
            value=float(values[i]),
            z_score=float(z_adjusted[i] if applied else z[i]),
            lower_95=lim.lower_95,
            upper_95=lim.upper_95,
            lower_998=lim.lower_998,
            upper_998=lim.upper_998,
            outcome=_outcome(float(values[i]), lim.lower_95, lim.upper_95, lim.lower_998, lim.upper_998),
        )
        for i, lim in enumerate(limits)
    )
    return FunnelResult(
        statistic, float(baseline), float(multiplier), units, phi, tau2, applied, winsorise, method, tuple(notes)
    )


def funnel_proportions(
    numerators: Sequence[Any] | FloatArray,
    denominators: Sequence[Any] | FloatArray,
    *,
    multiplier: float = 1,
    baseline: float | None = None,
    overdispersion_adjust: bool = False,
    winsorise: float = 0.1,
    first_row: int = 1,
) -> FunnelResult:
    """Each area's proportion against funnel limits around the pooled proportion Σx/Σn (or ``baseline``).

    Method: normal-approximation funnel limits at 95% and 99.8% (PHEindicatormethods); with
    ``overdispersion_adjust`` the limits widen by τ² (Spiegelhalter 2005).
    """
    x, n = counts_and_denominators(numerators, denominators, first_row=first_row, proportion=True)
    p0 = float(x.sum() / n.sum()) if baseline is None else baseline / multiplier
    if not 0 < p0 < 1:
        raise ValidationProblem("the pooled proportion is 0% or 100%: there is no funnel to draw")
    se2 = p0 * (1 - p0) / n
    z = (x / n - p0) / np.sqrt(se2)
    phi, tau2 = overdispersion(z, 1 / se2, winsorise=winsorise)
    applied = overdispersion_adjust and tau2 > 0
    notes = []
    if overdispersion_adjust and not applied:
        notes.append("no over-dispersion found (τ² = 0): the standard limits are used")
    limits = proportion_funnel_limits(n, baseline=p0 * multiplier, multiplier=multiplier, tau2=tau2 if applied else 0)
    z_adj = (x / n - p0) / np.sqrt(se2 + tau2)
    return _result(
        "proportion",
        p0 * multiplier,
        multiplier,
        x,
        n,
        x / n * multiplier,
        z,
        z_adj,
        limits,
        phi,
        tau2,
        applied,
        winsorise,
        limits[0].method,
        notes,
        first_row,
    )


def _poisson_funnel(
    statistic: str,
    observed: FloatArray,
    expected: FloatArray,
    denominators: FloatArray,
    scale: float,
    multiplier: float,
    baseline: float,
    method: str,
    overdispersion_adjust: bool,
    winsorise: float,
    first_row: int,
) -> FunnelResult:
    # Square-root scale (Spiegelhalter 2005): y = √(O/E), target 1, s = 1/(2√E); z = 2(√O − √E).
    s2 = 1 / (4 * expected)
    z = (np.sqrt(observed / expected) - 1) / np.sqrt(s2)
    phi, tau2 = overdispersion(z, 1 / s2, winsorise=winsorise)
    applied = overdispersion_adjust and tau2 > 0
    notes = []
    if overdispersion_adjust and not applied:
        notes.append("no over-dispersion found (τ² = 0): the exact Poisson limits are used")
    limits = ratio_funnel_limits(expected, method=method, tau2=tau2 if applied else 0)
    limits = [
        dataclasses.replace(
            lim,
            denominator=float(d),
            baseline=float(baseline),
            lower_95=lim.lower_95 * scale,
            upper_95=lim.upper_95 * scale,
            lower_998=lim.lower_998 * scale,
            upper_998=lim.upper_998 * scale,
        )
        for d, lim in zip(denominators, limits, strict=True)
    ]
    values = observed / expected * scale
    z_adj = (np.sqrt(observed / expected) - 1) / np.sqrt(s2 + tau2)
    return _result(
        statistic,
        baseline,
        multiplier,
        observed,
        denominators,
        values,
        z,
        z_adj,
        limits,
        phi,
        tau2,
        applied,
        winsorise,
        limits[0].method,
        notes,
        first_row,
    )


def funnel_ratios(
    observed: Sequence[Any] | FloatArray,
    expected: Sequence[Any] | FloatArray,
    *,
    target: float = 1.0,
    multiplier: float = 1,
    method: str = "phe",
    overdispersion_adjust: bool = False,
    winsorise: float = 0.1,
    first_row: int = 1,
) -> FunnelResult:
    """Each area's observed/expected ratio (× multiplier, e.g. 100 for an SMR) against Poisson funnel limits.

    Method: inverted exact Poisson limits (``method="phe"``, PHEindicatormethods) or exact Poisson limits
    around the expected count (``"spiegelhalter"``, FunnelPlotR); τ² on the square-root scale with
    ``overdispersion_adjust`` (Spiegelhalter 2005).
    """
    _method(method)
    o = non_negative(numbers(observed, "observed", first_row=first_row), "observed", first_row=first_row)
    e = positive(numbers(expected, "expected", first_row=first_row), "expected", first_row=first_row)
    same_length("observed", o, "expected", e)
    scale = target * multiplier
    return _poisson_funnel(
        "ratio", o, e / target, e, multiplier, multiplier, scale, method, overdispersion_adjust, winsorise, first_row
    )


def funnel_rates(
    counts: Sequence[Any] | FloatArray,
    denominators: Sequence[Any] | FloatArray,
    *,
    multiplier: float = 100_000,
    baseline: float | None = None,
    method: str = "phe",
    overdispersion_adjust: bool = False,
    winsorise: float = 0.1,
    first_row: int = 1,
) -> FunnelResult:
    """Each area's crude rate against Poisson funnel limits around the pooled rate Σx/Σn (or ``baseline``).

    The expected count for an area is ``baseline × n / multiplier``; the limits and over-dispersion are
    those of ``funnel_ratios`` scaled by the baseline.
    """
    _method(method)
    x, n = counts_and_denominators(counts, denominators, first_row=first_row, proportion=False)
    rate0 = float(x.sum() / n.sum() * multiplier) if baseline is None else float(baseline)
    if not rate0 > 0:
        raise ValidationProblem("the pooled rate is zero: there is no funnel to draw")
    expected = rate0 * n / multiplier
    return _poisson_funnel(
        "rate", x, expected, n, rate0, multiplier, rate0, method, overdispersion_adjust, winsorise, first_row
    )
