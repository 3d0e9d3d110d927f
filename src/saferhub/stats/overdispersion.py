"""Over-dispersion for funnel plots: z-scores on a chosen scale, then φ and τ² (Spiegelhalter 2005).

Three scales, as FunnelPlotR (nhs-r-community/FunnelPlotR, ``R/od_adjustment.R``) offers them:

- ``"sqrt"`` for ratios (the CQC method): y = √(O/E), target 1, s = 1/(2√E); z-scores Winsorised;
- ``"log"`` for ratios (the SHMI method, FunnelPlotR's default): y = log(O/E), target 0, s = 1/√E,
  z = √E·log(O/E); z-scores **truncated** (NHS Digital's SHMI: the units in the lowest and highest
  ``trim`` of ranks are dropped, not pulled in), which also lowers the number of units k;
- ``"arcsine"`` for proportions: y = asin(√(x/n)), target asin(√p̄), s = 1/(2√n); Winsorised.
  (The natural scale, z = (p − p̄)/√(p̄(1 − p̄)/n), stays available as ``"normal"``.)

Then ``φ = Σz²/k`` and ``τ² = max(0, (kφ − (k − 1)) / (Σw − Σw²/Σw))`` with w = 1/s² over the units
used. FunnelPlotR's tests publish φ = 2.948033 for a six-unit example; tests/unit/stats checks it.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy.stats import rankdata

from saferhub.core.errors import ValidationProblem
from saferhub.stats._checks import FloatArray

SCALES = ("normal", "sqrt", "log", "arcsine")


@dataclasses.dataclass(frozen=True, slots=True)
class Dispersion:
    """φ, τ² and how they were found."""

    phi: float
    tau2: float
    scale: str
    trim: float
    units_used: int
    how: str  # "Winsorised" or "truncated"


def winsorised(z: FloatArray, winsorise: float) -> FloatArray:
    """z pulled in to its ``winsorise`` and ``1 − winsorise`` quantiles (R's default, type 7)."""
    lo, hi = np.quantile(z, [winsorise, 1 - winsorise])
    return np.clip(z, lo, hi)


def truncated_mask(z: FloatArray, trim: float) -> np.ndarray:
    """The units kept by SHMI truncation: rank r of k, group ⌊r·(1/trim)/(k + 1)⌋ strictly inside 0 … 1/trim − 1.

    Ties take the average rank (R's ``rank`` default), as FunnelPlotR's ``truncation``.
    """
    groups = 1 / trim
    band = np.floor(rankdata(z, method="average") * groups / (z.size + 1))
    return (band > 0) & (band < groups - 1)


def phi_tau2(z: FloatArray, s: FloatArray) -> tuple[float, float]:
    """``φ = Σz²/k``; ``τ² = max(0, (kφ − (k − 1)) / (Σw − Σw²/Σw))``, w = 1/s²."""
    k = z.size
    phi = float((z**2).sum() / k)
    w = 1 / s**2
    tau2 = max(0.0, float((k * phi - (k - 1)) / (w.sum() - (w**2).sum() / w.sum())))
    return phi, tau2


def _trim(trim: float) -> float:
    if isinstance(trim, bool) or not isinstance(trim, int | float) or not 0 <= trim < 0.5:
        raise ValidationProblem(f"winsorise {trim!r} must be at least 0 and below 0.5, like 0.1 for 10%")
    return float(trim)


def overdispersion(z_scores: FloatArray, weights: FloatArray, *, winsorise: float = 0.1) -> tuple[float, float]:
    """φ and τ² from z-scores Winsorised at ``winsorise`` and ``1 − winsorise``, weights w = 1/s²."""
    trim = _trim(winsorise)
    if z_scores.size < 2:
        raise ValidationProblem("over-dispersion needs at least 2 areas")
    return phi_tau2(winsorised(z_scores, trim), 1 / np.sqrt(weights))


def dispersion(z: FloatArray, s: FloatArray, *, scale: str, trim: float = 0.1) -> Dispersion:
    """φ and τ² on ``scale`` (see module notes): truncated for ``"log"``, Winsorised otherwise.

    Units whose z-score is not finite (a unit with no events has no log ratio) are left out.
    """
    trim = _trim(trim)
    finite = np.isfinite(z)
    z, s = z[finite], s[finite]
    if z.size < 2:
        raise ValidationProblem("over-dispersion needs at least 2 areas with a z-score")
    if scale == "log":
        keep = truncated_mask(z, trim) if trim > 0 else np.ones(z.size, dtype=bool)
        if keep.sum() < 2:
            raise ValidationProblem(f"truncating {trim:g} of {z.size} areas at each end leaves fewer than 2")
        phi, tau2 = phi_tau2(z[keep], s[keep])
        return Dispersion(phi, tau2, scale, trim, int(keep.sum()), "truncated")
    phi, tau2 = phi_tau2(winsorised(z, trim), s)
    return Dispersion(phi, tau2, scale, trim, int(z.size), "Winsorised")


def ratio_z(observed: FloatArray, expected: FloatArray, scale: str) -> tuple[FloatArray, FloatArray]:
    """z-scores and standard errors for O/E on the square-root or log scale."""
    if scale == "sqrt":
        s = 1 / (2 * np.sqrt(expected))
        return (np.sqrt(observed / expected) - 1) / s, s
    if scale == "log":
        with np.errstate(divide="ignore"):
            return np.sqrt(expected) * np.log(observed / expected), 1 / np.sqrt(expected)
    raise ValidationProblem(f"over-dispersion scale {scale!r} for ratios must be 'sqrt' or 'log'")


def proportion_z(x: FloatArray, n: FloatArray, p0: float, scale: str) -> tuple[FloatArray, FloatArray]:
    """z-scores and standard errors for x/n around p0 on the natural or arcsine scale."""
    if scale == "normal":
        s = np.sqrt(p0 * (1 - p0) / n)
        return (x / n - p0) / s, s
    if scale == "arcsine":
        s = 1 / (2 * np.sqrt(n))
        return (np.arcsin(np.sqrt(x / n)) - np.arcsin(np.sqrt(p0))) / s, s
    raise ValidationProblem(f"over-dispersion scale {scale!r} for proportions must be 'normal' or 'arcsine'")
