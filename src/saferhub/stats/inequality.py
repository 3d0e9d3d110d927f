"""Slope and relative index of inequality (SII, RII) across deprivation quantiles, as PHE's ``phe_sii``.

Each quantile (e.g. IMD decile) has a population, a value and its standard error (or confidence
limits). With aᵢ its share of the population and bᵢ the midpoint of its cumulative share (0 to 1),
the values are regressed on b by least squares weighted by a (``y·√a ~ √a + b·√a``, no intercept):
the slope is the SII, the absolute gap across the whole gradient, and the fitted value at b = 0 the
intercept; RII = (intercept + SII) / intercept.

- ``value_type="other"`` (PHE 0, e.g. life expectancy): values used as they are.
- ``"rate"`` (PHE 1) and ``"proportion"`` (PHE 2): limits and simulation on the log / logit scale.
  With ``transform=False`` (PHE's default) the regression is on the values themselves; with
  ``transform=True`` it is on the log / logit scale and the SII is the difference between the
  back-transformed fitted values at b = 1 and b = 0.
- Confidence limits by simulation (Monte Carlo): each quantile's value drawn ``repetitions`` times
  from a normal distribution with its standard error (on the transformed scale for rates and
  proportions), the regression refitted to each draw, and the limits read from the sorted results at
  positions round(R·α/2) and round(R·(1 − α/2)), as PHE. Standard errors from limits assume 95%
  limits, as PHE: se = (upper − lower) / (2 × 1.959964).

The random numbers come from NumPy with a fixed ``seed``, so a figure is reproducible; they are not
R's, so limits agree with PHE's to simulation error (PHE's own tests allow 5%), the SII and RII exactly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy.stats import norm

from saferhub.core.errors import ValidationProblem
from saferhub.stats._checks import FloatArray, confidence_level, number_column
from saferhub.stats.results import AsDict

PHE_SII = "slope index of inequality (PHEindicatormethods phe_sii), limits by simulation"
VALUE_TYPES = {"other": 0, "rate": 1, "proportion": 2}
DEFAULT_SEED = 20_190_926  # any fixed number: the limits are the same each time they are computed


@dataclasses.dataclass(frozen=True, slots=True)
class SiiLimits(AsDict):
    confidence: float
    sii_lower: float
    sii_upper: float
    rii_lower: float
    rii_upper: float


@dataclasses.dataclass(frozen=True, slots=True)
class SiiResult(AsDict):
    """SII, RII, intercept and their simulated limits at each confidence level asked for."""

    sii: float
    rii: float
    intercept: float
    limits: tuple[SiiLimits, ...]
    quantiles: int
    value_type: str
    transform: bool
    multiplier: float
    repetitions: int
    seed: int
    method: str = PHE_SII


def cumulative_midpoints(population: FloatArray) -> FloatArray:
    """Each quantile's midpoint of the cumulative population share: bᵢ = Σ_{j<i} aⱼ + aᵢ/2."""
    share = population / population.sum()
    return np.cumsum(share) - share / 2


def _expit(x: FloatArray) -> FloatArray:
    return np.asarray(np.exp(x) / (1 + np.exp(x)), dtype=np.float64)


def _identity(x: FloatArray) -> FloatArray:
    return x


def _exp(x: FloatArray) -> FloatArray:
    return np.asarray(np.exp(x), dtype=np.float64)


def _log(x: FloatArray) -> FloatArray:
    return np.asarray(np.log(x), dtype=np.float64)


def _logit(x: FloatArray) -> FloatArray:
    return np.asarray(np.log(x / (1 - x)), dtype=np.float64)


# value type → (to the scale the values are simulated on, back from it)
SCALES: dict[int, tuple[Callable[[FloatArray], FloatArray], Callable[[FloatArray], FloatArray]]] = {
    0: (_identity, _identity),
    1: (_log, _exp),
    2: (_logit, _expit),
}


def _inputs(
    quantile: Sequence[Any],
    population: Sequence[Any],
    value: Sequence[Any] | None,
    count: Sequence[Any] | None,
    lower: Sequence[Any] | None,
    upper: Sequence[Any] | None,
    se: Sequence[Any] | None,
    kind: int,
    transform: bool,
    first_row: int,
) -> tuple[FloatArray, ...]:
    q = number_column(quantile, "quantile", first_row=first_row)
    pop = number_column(population, "population", first_row=first_row)
    bad = np.flatnonzero(pop <= 0)
    if bad.size:
        raise ValidationProblem(f"population {pop[bad[0]]:g} in row {bad[0] + first_row} must be greater than zero")
    if not 5 <= np.unique(q).size <= 100:
        raise ValidationProblem(f"there are {np.unique(q).size} quantiles: the SII needs between 5 and 100")
    if np.unique(q).size != q.size:
        raise ValidationProblem("each quantile must appear once (give one area's quantiles at a time)")
    if value is not None:
        v = number_column(value, "value", first_row=first_row)
    elif count is not None and kind == 2:
        x = number_column(count, "count", first_row=first_row)
        if np.any(x <= 0):
            i = int(np.flatnonzero(x <= 0)[0])
            raise ValidationProblem(f"count {x[i]:g} in row {i + first_row} must be greater than zero")
        v = x / pop
    else:
        raise ValidationProblem("the SII needs each quantile's value (or, for a proportion, its count)")
    if se is None and (lower is None or upper is None):
        raise ValidationProblem("the SII needs each quantile's lower and upper limits, or its standard error")
    if transform and kind == 0:
        raise ValidationProblem("transform needs a rate or a proportion")
    if transform and (lower is None or upper is None):
        raise ValidationProblem("transform needs the lower and upper limits (not a standard error)")
    lo = number_column(lower, "lower limit", first_row=first_row) if lower is not None else None
    hi = number_column(upper, "upper limit", first_row=first_row) if upper is not None else None
    if kind == 2:
        for name, col in (("value", v), ("lower limit", lo), ("upper limit", hi)):
            if col is not None and np.any((col < 0) | (col > 1)):
                i = int(np.flatnonzero((col < 0) | (col > 1))[0])
                raise ValidationProblem(f"{name} {col[i]:g} in row {i + first_row} is not a proportion between 0 and 1")
    if kind == 1 and np.any(v <= 0):
        i = int(np.flatnonzero(v <= 0)[0])
        raise ValidationProblem(f"rate {v[i]:g} in row {i + first_row} must be greater than zero to take its log")
    if se is not None and lower is None:
        s = number_column(se, "standard error", first_row=first_row)
        if np.any(s < 0):
            i = int(np.flatnonzero(s < 0)[0])
            raise ValidationProblem(f"standard error {s[i]:g} in row {i + first_row} is negative")
    else:
        assert lo is not None and hi is not None
        scale = SCALES[kind][0]
        with np.errstate(divide="ignore", invalid="ignore"):
            s = (scale(hi) - scale(lo)) / (2 * norm.ppf(0.975))
        if not np.all(np.isfinite(s)):
            raise ValidationProblem("a limit of 0 (or 1 for a proportion) has no log or logit: give standard errors")
    order = np.argsort(q, kind="stable")
    return q[order], pop[order], v[order], s[order]


def slope_index_of_inequality(
    *,
    quantile: Sequence[Any],
    population: Sequence[Any],
    value: Sequence[Any] | None = None,
    count: Sequence[Any] | None = None,
    lower: Sequence[Any] | None = None,
    upper: Sequence[Any] | None = None,
    se: Sequence[Any] | None = None,
    value_type: str = "other",
    transform: bool = False,
    multiplier: float = 1,
    confidence: float | Sequence[float] = 0.95,
    repetitions: int = 100_000,
    seed: int = DEFAULT_SEED,
    first_row: int = 1,
) -> SiiResult:
    """SII and RII for one area's quantiles, with simulated limits (see the module notes).

    ``multiplier`` scales the SII (100 for percentage points; a negative multiplier turns the slope
    round so that a positive SII means more in the deprived quantiles, and inverts the RII).
    ``confidence`` may be a list (e.g. [0.95, 0.998]). ``repetitions`` at least 1,000.
    """
    if value_type not in VALUE_TYPES:
        raise ValidationProblem(f"value_type {value_type!r} must be one of {', '.join(VALUE_TYPES)}")
    kind = VALUE_TYPES[value_type]
    if isinstance(repetitions, bool) or not isinstance(repetitions, int) or repetitions < 1000:
        raise ValidationProblem(f"repetitions {repetitions!r} must be a whole number of at least 1000")
    if isinstance(multiplier, bool) or not isinstance(multiplier, int | float) or multiplier == 0:
        raise ValidationProblem(f"multiplier {multiplier!r} must be a number other than zero")
    levels = [confidence_level(c) for c in (confidence if isinstance(confidence, Sequence) else [confidence])]
    q, pop, v, s = _inputs(quantile, population, value, count, lower, upper, se, kind, transform, first_row)
    a = pop / pop.sum()
    b = cumulative_midpoints(pop)
    design = np.column_stack([np.sqrt(a), b * np.sqrt(a)])  # X; coefficients (intercept, slope)
    solve = np.linalg.solve(design.T @ design, design.T)  # (XᵀX)⁻¹Xᵀ: 2 × quantiles
    to_scale, back = SCALES[kind]
    with np.errstate(divide="ignore", invalid="ignore"):
        on_scale = to_scale(v)

    rng = np.random.default_rng(seed)
    draws = rng.normal(on_scale[:, None], s[:, None], size=(v.size, repetitions))
    if not transform:
        draws = back(draws)
    params = solve @ (draws * np.sqrt(a)[:, None])  # 2 × repetitions
    slopes = np.sort(params[1] * (multiplier if not transform else 1))
    rii_draws = np.sort((params[1] + params[0]) / params[0] if not transform else np.zeros(1))
    if not transform and multiplier < 0:
        rii_draws = np.sort(1 / rii_draws)

    def at(sorted_draws: FloatArray, level: float) -> tuple[float, float]:
        upper_level = level + (1 - level) / 2
        low = int(np.round(repetitions * (1 - upper_level)))  # R's 1-based positions, as PHE
        high = int(np.round(repetitions * upper_level))
        return float(sorted_draws[max(low, 1) - 1]), float(sorted_draws[high - 1])

    if not transform:
        intercept_c, slope_c = solve @ (v * np.sqrt(a))
        sii = float(multiplier * slope_c)
        rii = float((intercept_c + slope_c) / intercept_c)
        rii = 1 / rii if multiplier < 0 else rii
        intercept = float(intercept_c)
        limits = []
        for level in levels:
            sl, su = at(slopes, level)
            rl, ru = at(rii_draws, level)
            limits.append(SiiLimits(level, sl, su, rl, ru))
    else:
        intercept_c, slope_c = solve @ (on_scale * np.sqrt(a))
        x0, x1 = float(intercept_c), float(intercept_c + slope_c)
        half = (x0 + x1) / 2
        f = back
        sii = float((f(np.array([x1]))[0] - f(np.array([x0]))[0]) * multiplier)
        rii = float(f(np.array([x1]))[0] / f(np.array([x0]))[0])
        rii = 1 / rii if multiplier < 0 else rii
        intercept = float(f(np.array([x0]))[0] * abs(multiplier))
        # PHE turns the limits round for a multiplier below 1 on rates and below 0 on proportions
        swap = multiplier < 1 if kind == 1 else multiplier < 0
        limits = []
        for level in levels:
            sl, su = at(slopes, level)
            i_l, i_u = half - sl / 2, half - su / 2
            x1_l, x1_u = half + sl / 2, half + su / 2
            g = {k: float(f(np.array([val]))[0]) for k, val in (("il", i_l), ("iu", i_u), ("xl", x1_l), ("xu", x1_u))}
            if swap:
                s_lo, s_hi = (g["xu"] - g["iu"]) * multiplier, (g["xl"] - g["il"]) * multiplier
                r_lo, r_hi = 1 / (g["xu"] / g["iu"]), 1 / (g["xl"] / g["il"])
            else:
                s_lo, s_hi = (g["xl"] - g["il"]) * multiplier, (g["xu"] - g["iu"]) * multiplier
                r_lo, r_hi = g["xl"] / g["il"], g["xu"] / g["iu"]
            limits.append(SiiLimits(level, s_lo, s_hi, r_lo, r_hi))
    return SiiResult(
        sii=sii,
        rii=rii,
        intercept=intercept,
        limits=tuple(limits),
        quantiles=int(q.size),
        value_type=value_type,
        transform=bool(transform),
        multiplier=float(multiplier),
        repetitions=repetitions,
        seed=seed,
    )
