"""Funnel lines: control limits around a baseline at each denominator or expected count.

- Proportions: ``p₀ ± z·√(p₀(1 − p₀)/n)`` at 95% and 99.8% (PHEindicatormethods
  ``calculate_funnel_limits``, statistic "proportion"), or on the arcsine scale (FunnelPlotR).
- Rates and ratios from exact Poisson limits, in two forms: ``method="phe"`` (default) inverts the
  exact Poisson interval of the observed count, as PHEindicatormethods does, so a unit lies outside the
  funnel exactly when its own exact interval excludes the expected count (the inversion is the gamma
  distribution's inverse in its shape, one array call); ``method="spiegelhalter"``
  uses the exact Poisson limits around the expected count itself, ``χ²_{α/2}(2E)/2`` to
  ``χ²_{1−α/2}(2E+2)/2`` (Spiegelhalter 2005; FunnelPlotR). With over-dispersion (τ² > 0), limits on
  the square-root or log scale (see ``overdispersion.py``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.special import gdtrib
from scipy.stats import chi2

from saferhub.core.errors import ValidationProblem
from saferhub.stats._checks import CONFIDENCE_95, CONFIDENCE_998, FloatArray, numbers, positive, z_value
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


def check_method(method: str) -> str:
    if method not in METHODS:
        raise ValidationProblem(f"funnel method {method!r} must be one of {', '.join(METHODS)}")
    return method


def proportion_funnel_limits(
    denominators: Sequence[Any] | FloatArray,
    *,
    baseline: float,
    multiplier: float = 1,
    tau2: float = 0.0,
    scale: str = "normal",
) -> list[FunnelLimits]:
    """Limits ``p₀ ± z·√(p₀(1 − p₀)/n + τ²)`` at 95% and 99.8%, clipped to 0 and the multiplier.

    ``baseline`` is in the same units as the values (e.g. 80.6 with multiplier 100). Example: n = 500,
    p₀ = 0.2 → 0.16494 to 0.23506 at 95%. Method: normal approximation as PHEindicatormethods.
    ``scale="arcsine"``: ``sin²(asin(√p₀) ± z·√(1/(4n) + τ²))``, clipped to 0 and 1 (FunnelPlotR).
    """
    n = positive(numbers(denominators, "denominator"), "denominator")
    p0 = baseline / multiplier
    if not 0 <= p0 <= 1:
        raise ValidationProblem(f"baseline {baseline:g} is not a proportion of {multiplier:g}")
    limits = {}
    for level in LEVELS:
        z = z_value(level)
        if scale == "arcsine":
            theta, spread = np.arcsin(np.sqrt(p0)), z * np.sqrt(1 / (4 * n) + tau2)
            low = np.where(theta - spread <= 0, 0.0, np.sin(np.clip(theta - spread, 0, np.pi / 2)) ** 2)
            high = np.where(theta + spread >= np.pi / 2, 1.0, np.sin(np.clip(theta + spread, 0, np.pi / 2)) ** 2)
            limits[level] = (low * multiplier, high * multiplier)
        elif scale == "normal":
            se = np.sqrt(p0 * (1 - p0) / n + tau2)
            limits[level] = (np.clip(p0 - z * se, 0, 1) * multiplier, np.clip(p0 + z * se, 0, 1) * multiplier)
        else:
            raise ValidationProblem(f"scale {scale!r} for proportions must be 'normal' or 'arcsine'")
    method = ("arcsine transform" if scale == "arcsine" else "normal approximation") + (
        " with over-dispersion (τ²)" if tau2 else ""
    )
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
    check_method(method)
    if method == "spiegelhalter":
        alpha = 1 - confidence
        return chi2.ppf(alpha / 2, 2 * e) / 2, chi2.ppf(1 - alpha / 2, 2 * e + 2) / 2
    # The exact limits are gamma quantiles: U(o) = P⁻¹(o + 1, 1 − α/2) and L(o) = P⁻¹(o, α/2), P the
    # regularised lower incomplete gamma. Inverting them for the count o at U = E (or L = E) is the
    # inverse of the gamma distribution function in its shape, scipy's gdtrib: one array call, no
    # root-finding loop.
    alpha = 1 - confidence
    lower = np.maximum(gdtrib(1.0, 1 - alpha / 2, e) - 1, 0.0)
    upper = gdtrib(1.0, alpha / 2, e)
    return np.asarray(lower, dtype=np.float64), np.asarray(upper, dtype=np.float64)


def ratio_funnel_limits(
    expected: Sequence[Any] | FloatArray,
    *,
    target: float = 1.0,
    multiplier: float = 1,
    method: str = "phe",
    tau2: float = 0.0,
    scale: str = "sqrt",
) -> list[FunnelLimits]:
    """Limits on observed/expected (× target × multiplier) at each expected count; see module notes.

    With τ² > 0: ``(1 ± z·√(1/(4E) + τ²))²`` on the square-root scale, or ``exp(±z·√(1/E + τ²))`` on the
    log scale (the SHMI method, FunnelPlotR ``calculate_limits``).
    """
    e = positive(numbers(expected, "expected count"), "expected count")
    if scale not in ("sqrt", "log"):
        raise ValidationProblem(f"scale {scale!r} for ratios must be 'sqrt' or 'log'")
    limits = {}
    for level in LEVELS:
        if tau2:
            z = z_value(level)
            if scale == "log":
                spread = z * np.sqrt(1 / e + tau2)
                limits[level] = (np.exp(-spread), np.exp(spread))
            else:
                spread = z * np.sqrt(1 / (4 * e) + tau2)
                limits[level] = (np.maximum(1 - spread, 0) ** 2, (1 + spread) ** 2)
        else:
            lo, hi = poisson_count_limits(e, confidence=level, method=method)
            limits[level] = (lo / e, hi / e)
    factor = target * multiplier
    scale_words = "log scale, SHMI" if scale == "log" else "square-root scale"
    name = f"exact Poisson ({method})" + (f" with over-dispersion (τ², {scale_words})" if tau2 else "")
    return [
        FunnelLimits(
            float(e[i]),
            float(factor),
            float(limits[CONFIDENCE_95][0][i] * factor),
            float(limits[CONFIDENCE_95][1][i] * factor),
            float(limits[CONFIDENCE_998][0][i] * factor),
            float(limits[CONFIDENCE_998][1][i] * factor),
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
