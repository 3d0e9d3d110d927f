"""The two forecast models behind ``forecast.baseline_forecast``, as plain functions on arrays.

- ``ols_forecast``: least squares on a design matrix (trend, and seasonal dummies where asked), with
  the classical prediction interval ``ŷ ± t_{n−p}·s·√(1 + x₀ᵀ(XᵀX)⁻¹x₀)`` (Hyndman & Athanasopoulos,
  *Forecasting: Principles and Practice*, 3rd ed., 7.4–7.6). For values that may be negative.
- ``quasi_poisson_forecast``: a log-linear model for counts and rates, log E[y] = Xβ, fitted as a
  Poisson GLM (statsmodels) with the dispersion φ from the Pearson χ² (quasi-Poisson; for counts at
  least 1, as Farrington et al. 1996). The prediction interval is Farrington's 2/3-power interval
  (Farrington, Andrews, Beale & Catchpole 1996, JRSS A 159:547–563; as ``surveillance``'s
  ``algo.farrington.threshold``): with τ = φ + μ̂₀·Var(η̂₀), the limits are
  ``(μ̂₀^{2/3} ± z·√(4/9·μ̂₀^{1/3}·τ))^{3/2}``, the lower one 0 when the bracket is negative. The
  forecast and both limits are therefore never below zero.

Autocorrelation: successive values of a crime series are rarely independent, and ignoring positive
autocorrelation makes intervals too narrow. Both models estimate the lag-1 autocorrelation r₁ of
their residuals (in time order) and, when it is positive and there are at least
``AUTOCORRELATION_POINTS`` values, widen the parameter covariance by (1 + r₁)/(1 − r₁) — the variance
inflation of a trend estimate under first-order autoregressive errors — with r₁ capped at 0.9. The
result reports r₁ and the factor used.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
from scipy.stats import norm
from scipy.stats import t as student_t
from statsmodels.genmod.families import Poisson
from statsmodels.genmod.generalized_linear_model import GLM

from saferhub.core.errors import ValidationProblem
from saferhub.stats._checks import FloatArray

AUTOCORRELATION_POINTS = 8
MAX_AUTOCORRELATION = 0.9
# A fitted mean this small (relative to the largest value) means the fit ran off to minus infinity.
SEPARATED = 1e-8


class NoFiniteFit(ValidationProblem):
    """The log-linear model has no finite estimate for these values (e.g. every event in one period)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Fitted:
    """A fitted model's forecasts at the new design rows, with limits and the figures behind them."""

    value: FloatArray
    lower: FloatArray
    upper: FloatArray
    coefficients: FloatArray
    residual_sd: float  # OLS: s; quasi-Poisson: √φ
    dispersion: float | None  # quasi-Poisson φ
    autocorrelation: float | None  # lag-1 autocorrelation of the residuals (None when too few points)
    inflation: float  # the factor the parameter covariance was widened by (1 when none)


def lag1_autocorrelation(residuals: FloatArray) -> float | None:
    """r₁ = Σ eₜeₜ₋₁ / Σ eₜ² of residuals in time order; None with fewer than AUTOCORRELATION_POINTS."""
    if residuals.size < AUTOCORRELATION_POINTS:
        return None
    centred = residuals - residuals.mean()
    denominator = float((centred**2).sum())
    if denominator == 0:
        return 0.0
    return float((centred[1:] * centred[:-1]).sum() / denominator)


def _inflation(r1: float | None) -> float:
    if r1 is None or r1 <= 0:
        return 1.0
    r = min(r1, MAX_AUTOCORRELATION)
    return (1 + r) / (1 - r)


def ols_forecast(x: FloatArray, y: FloatArray, x0: FloatArray, confidence: float) -> Fitted:
    """Least squares on X with the classical prediction interval, widened for autocorrelation."""
    n, p = x.shape
    df = n - p
    if df < 1:
        raise ValidationProblem(f"{n} points are too few for this forecast (it estimates {p} parameters)")
    xtx_inv = np.linalg.pinv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    residuals = y - x @ beta
    s = float(np.sqrt((residuals**2).sum() / df))
    r1 = lag1_autocorrelation(residuals)
    factor = _inflation(r1)
    fitted = x0 @ beta
    leverage = np.einsum("ij,jk,ik->i", x0, xtx_inv, x0) * factor
    spread = student_t.ppf(1 - (1 - confidence) / 2, df) * s * np.sqrt(1 + leverage)
    return Fitted(fitted, fitted - spread, fitted + spread, beta, s, None, r1, factor)


def quasi_poisson_forecast(x: FloatArray, y: FloatArray, x0: FloatArray, confidence: float, *, counts: bool) -> Fitted:
    """Log-linear quasi-Poisson GLM and Farrington's 2/3-power prediction interval (see module notes)."""
    n, p = x.shape
    if n - p < 1:
        raise ValidationProblem(f"{n} points are too few for this forecast (it estimates {p} parameters)")
    if not y.sum() > 0:
        raise ValidationProblem(
            "every value is zero: a log-linear trend cannot be fitted (there is nothing to project)"
        )
    positive = np.flatnonzero(y > 0)
    if positive.size == 1 and positive[0] in (0, n - 1):
        where = "first" if positive[0] == 0 else "last"
        raise NoFiniteFit(
            f"every event is in the {where} period: a log-linear trend has no finite estimate (it would run to "
            f"{'zero' if where == 'first' else 'infinity'}), so there is no forecast"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # non-integer rates and near-zero fits: the checks below decide
            result = GLM(y, x, family=Poisson()).fit()
    except (np.linalg.LinAlgError, ValueError, OverflowError) as exc:
        raise NoFiniteFit(f"the log-linear trend could not be fitted to these values ({exc})") from None
    beta = np.asarray(result.params, dtype=np.float64)
    if not np.all(np.isfinite(beta)):
        raise NoFiniteFit("the log-linear trend did not converge on these values")
    mu = np.exp(x @ beta)
    if np.any(mu < SEPARATED * y.max()):
        raise NoFiniteFit(
            "some periods have no events in a way the model can only fit by a term running to minus infinity "
            "(e.g. a month with no events in any year), so it has no finite estimate"
        )
    pearson = (y - mu) / np.sqrt(mu)
    phi = float((pearson**2).sum() / (n - p))
    if counts:
        phi = max(phi, 1.0)  # Farrington: no under-dispersion for counts
    r1 = lag1_autocorrelation(pearson)
    factor = _inflation(r1)
    # statsmodels' unscaled covariance (XᵀWX)⁻¹, times φ and the autocorrelation factor
    covariance = np.asarray(result.cov_params(), dtype=np.float64) * phi * factor
    eta0 = x0 @ beta
    mu0 = np.exp(eta0)
    var_eta = np.einsum("ij,jk,ik->i", x0, covariance, x0)
    tau = phi + mu0 * var_eta
    z = norm.ppf(1 - (1 - confidence) / 2)
    se = np.sqrt(4 / 9 * mu0 ** (1 / 3) * tau)
    base_low = mu0 ** (2 / 3) - z * se
    lower = np.where(base_low > 0, np.maximum(base_low, 0) ** 1.5, 0.0)
    upper = (mu0 ** (2 / 3) + z * se) ** 1.5
    return Fitted(mu0, lower, upper, beta, float(np.sqrt(phi)), phi, r1, factor)
