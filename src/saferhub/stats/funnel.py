"""Funnel plots: every area against control limits around a pooled value, at one time.

- The lines themselves (proportions: normal approximation or arcsine; rates and ratios: exact
  Poisson, PHE's inverted form or Spiegelhalter's) are in ``funnel_limits.py``.
- Over-dispersion (Spiegelhalter 2005, "Handling over-dispersion of performance indicators"; the
  scales and trimming in ``overdispersion.py``): ratios and rates on the square-root scale with
  Winsorised z-scores (default) or the log scale with truncation (the SHMI method, FunnelPlotR's
  default); proportions on the natural scale (default) or the arcsine scale. φ and τ² are always
  reported; the limits use τ² only with ``overdispersion_adjust=True``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from saferhub.core.errors import ValidationProblem
from saferhub.stats._checks import (
    FloatArray,
    counts_and_denominators,
    non_negative,
    numbers,
    positive,
    same_length,
)
from saferhub.stats.funnel_limits import (
    FunnelLimits,
    check_method,
    poisson_count_limits,
    proportion_funnel_limits,
    rate_funnel_limits,
    ratio_funnel_limits,
)
from saferhub.stats.overdispersion import Dispersion, dispersion, proportion_z, ratio_z
from saferhub.stats.results import AsDict

# The funnel lines are re-exported: callers draw them from this module beside the units.
__all__ = [
    "FunnelLimits",
    "FunnelResult",
    "FunnelUnit",
    "funnel_proportions",
    "funnel_rates",
    "funnel_ratios",
    "poisson_count_limits",
    "proportion_funnel_limits",
    "rate_funnel_limits",
    "ratio_funnel_limits",
]


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
    overdispersion_scale: str = "sqrt"  # sqrt or log (ratios, rates); normal or arcsine (proportions)
    overdispersion_units: int = 0  # the areas φ was estimated from (fewer after SHMI truncation)


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
    found: Dispersion,
    applied: bool,
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
        statistic,
        float(baseline),
        float(multiplier),
        units,
        found.phi,
        found.tau2,
        applied,
        found.trim,
        limits[0].method,
        tuple(notes),
        found.scale,
        found.units_used,
    )


def _adjust(found: Dispersion, requested: bool, notes: list[str], what: str) -> bool:
    applied = requested and found.tau2 > 0
    if found.how == "truncated" and found.units_used:
        notes.append(f"φ from {found.units_used} areas left after truncating {found.trim:g} at each end (SHMI)")
    if requested and not applied:
        notes.append(f"no over-dispersion found (τ² = 0): the {what} limits are used")
    return applied


def funnel_proportions(
    numerators: Sequence[Any] | FloatArray,
    denominators: Sequence[Any] | FloatArray,
    *,
    multiplier: float = 1,
    baseline: float | None = None,
    overdispersion_adjust: bool = False,
    winsorise: float = 0.1,
    overdispersion_scale: str = "normal",
    first_row: int = 1,
) -> FunnelResult:
    """Each area's proportion against funnel limits around the pooled proportion Σx/Σn (or ``baseline``).

    Method: normal-approximation funnel limits at 95% and 99.8% (PHEindicatormethods). φ and τ² on the
    natural scale (``overdispersion_scale="normal"``) or the arcsine scale (``"arcsine"``, FunnelPlotR);
    with ``overdispersion_adjust`` the limits widen by τ² on that scale (Spiegelhalter 2005).
    """
    x, n = counts_and_denominators(numerators, denominators, first_row=first_row, proportion=True)
    p0 = float(x.sum() / n.sum()) if baseline is None else baseline / multiplier
    if not 0 < p0 < 1:
        raise ValidationProblem("the pooled proportion is 0% or 100%: there is no funnel to draw")
    z, s = proportion_z(x, n, p0, overdispersion_scale)
    found = dispersion(z, s, scale=overdispersion_scale, trim=winsorise)
    notes: list[str] = []
    applied = _adjust(found, overdispersion_adjust, notes, "standard")
    limits = proportion_funnel_limits(
        n,
        baseline=p0 * multiplier,
        multiplier=multiplier,
        tau2=found.tau2 if applied else 0,
        scale=overdispersion_scale,
    )
    if applied:
        z_adj = (
            (np.arcsin(np.sqrt(x / n)) - np.arcsin(np.sqrt(p0))) if overdispersion_scale == "arcsine" else (x / n - p0)
        ) / np.sqrt(s**2 + found.tau2)
    else:
        z_adj = z
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
        found,
        applied,
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
    overdispersion_scale: str,
    first_row: int,
) -> FunnelResult:
    z, s = ratio_z(observed, expected, overdispersion_scale)
    notes: list[str] = []
    if overdispersion_scale == "log" and np.any(observed == 0):
        notes.append("an area with no events has no log ratio: it is left out of the over-dispersion estimate")
    found = dispersion(z, s, scale=overdispersion_scale, trim=winsorise)
    applied = _adjust(found, overdispersion_adjust, notes, "exact Poisson")
    limits = ratio_funnel_limits(expected, method=method, tau2=found.tau2 if applied else 0, scale=overdispersion_scale)
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
    if not applied:
        z_adj = z
    elif overdispersion_scale == "log":
        with np.errstate(divide="ignore"):
            z_adj = np.log(observed / expected) / np.sqrt(s**2 + found.tau2)
    else:
        z_adj = (np.sqrt(observed / expected) - 1) / np.sqrt(s**2 + found.tau2)
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
        found,
        applied,
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
    overdispersion_scale: str = "sqrt",
    first_row: int = 1,
) -> FunnelResult:
    """Each area's observed/expected ratio (× multiplier, e.g. 100 for an SMR) against Poisson funnel limits.

    Method: inverted exact Poisson limits (``method="phe"``, PHEindicatormethods) or exact Poisson limits
    around the expected count (``"spiegelhalter"``, FunnelPlotR). Over-dispersion on the square-root
    scale with Winsorised z-scores (``overdispersion_scale="sqrt"``, the CQC method) or on the log scale
    with truncation (``"log"``, the SHMI method and FunnelPlotR's default); ``winsorise`` is the share
    trimmed at each end either way. The limits use τ² with ``overdispersion_adjust``.
    """
    check_method(method)
    o = non_negative(numbers(observed, "observed", first_row=first_row), "observed", first_row=first_row)
    e = positive(numbers(expected, "expected", first_row=first_row), "expected", first_row=first_row)
    same_length("observed", o, "expected", e)
    scale = target * multiplier
    return _poisson_funnel(
        "ratio",
        o,
        e / target,
        e,
        multiplier,
        multiplier,
        scale,
        method,
        overdispersion_adjust,
        winsorise,
        overdispersion_scale,
        first_row,
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
    overdispersion_scale: str = "sqrt",
    first_row: int = 1,
) -> FunnelResult:
    """Each area's crude rate against Poisson funnel limits around the pooled rate Σx/Σn (or ``baseline``).

    The expected count for an area is ``baseline × n / multiplier``; the limits and over-dispersion are
    those of ``funnel_ratios`` scaled by the baseline.
    """
    check_method(method)
    x, n = counts_and_denominators(counts, denominators, first_row=first_row, proportion=False)
    rate0 = float(x.sum() / n.sum() * multiplier) if baseline is None else float(baseline)
    if not rate0 > 0:
        raise ValidationProblem("the pooled rate is zero: there is no funnel to draw")
    expected = rate0 * n / multiplier
    return _poisson_funnel(
        "rate",
        x,
        expected,
        n,
        rate0,
        multiplier,
        rate0,
        method,
        overdispersion_adjust,
        winsorise,
        overdispersion_scale,
        first_row,
    )
