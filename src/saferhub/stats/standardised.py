"""Directly and indirectly standardised rates and ratios, for many areas at once.

- Directly standardised rate (Dobson, Kuulasmaa, Eberle & Scherer 1991), as PHEindicatormethods
  ``calculate_dsr``: ``DSR = Σwᵢxᵢ/nᵢ / Σwᵢ × m``, ``var = Σwᵢ²xᵢ/nᵢ² / (Σwᵢ)²``; with O = Σxᵢ and its
  Byar limits O_L, O_U the limits are ``DSR + √(var/O)·(O_L − O)·m`` and ``… (O_U − O)·m``. Like PHE, a
  missing count counts as zero and no value is given from fewer than 10 events.
- Indirectly standardised ratio and rate, as PHEindicatormethods ``calculate_ISRatio`` and
  ``calculate_ISRate``: expected E = Σ (reference rate of each band × the area's population in it);
  ratio O/E × reference value (1, or 100 for an SMR); rate O/E × the reference population's crude rate.
  Limits from the observed count: exact Poisson below 10 events, Byar from 10, divided by E. A
  missing count, population or reference count counts as zero, as PHE's ``na.zero``.

Areas are rows of a table whose columns are the bands (age groups); every area has the same bands.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from saferhub.core.errors import ValidationProblem
from saferhub.stats._checks import (
    FloatArray,
    confidence_level,
    non_negative,
    number_column,
    positive,
    same_length,
)
from saferhub.stats.intervals import BYAR_FROM, METHOD_NAMES, byar_limits, multiplier_value, poisson_limits
from saferhub.stats.results import Estimate

DOBSON = "Dobson"
ISR_RATIO = "indirectly standardised ratio"
ISR_RATE = "indirectly standardised rate"


def _as_table(values: Any, name: str) -> list[Any]:
    rows = list(values)
    if not rows:
        raise ValidationProblem(f"{name} is empty: there is nothing to calculate from")
    if all(not isinstance(r, str | bytes) and hasattr(r, "__len__") for r in rows):
        return rows
    return [rows]  # one area given as a flat list of bands


def _band_table(values: Any, name: str, *, bands: int, bands_from: str, allow_missing: bool) -> FloatArray:
    """Areas × bands as a float array (NaN for a missing cell where allowed); each area named by number."""
    rows = _as_table(values, name)
    table = np.full((len(rows), bands), np.nan)
    for area, row in enumerate(rows, start=1):
        label = f"{name} for area {area}"
        column = non_negative(number_column(row, label, allow_missing=allow_missing), label)
        if column.size != bands:
            raise ValidationProblem(
                f"{label} has {column.size} bands but the {bands_from} has {bands}: they must match"
            )
        table[area - 1] = column
    return table


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
    Standard Population). A missing count is taken as zero and a population must be given and above
    zero, as PHEindicatormethods ``calculate_dsr``; like it, no value from fewer than 10 events.
    """
    level = confidence_level(confidence)
    m = multiplier_value(multiplier)
    weights = non_negative(number_column(standard_population, "standard population"), "standard population")
    if not weights.sum() > 0:
        raise ValidationProblem("the standard population is all zeros: there is nothing to weight by")
    bands, source = weights.size, "standard population"
    x = np.nan_to_num(_band_table(counts, "counts", bands=bands, bands_from=source, allow_missing=True), nan=0.0)
    n = _band_table(populations, "populations", bands=bands, bands_from=source, allow_missing=False)
    if x.shape[0] != n.shape[0]:
        raise ValidationProblem(f"counts has {x.shape[0]} areas but populations has {n.shape[0]}: they must match")
    bad = np.argwhere(n <= 0)
    if bad.size:
        area, band = (int(v) + 1 for v in bad[0])
        raise ValidationProblem(f"population for area {area}, band {band} must be greater than zero")
    w_sum = weights.sum()
    value = (weights * x / n).sum(axis=1) / w_sum
    variance = (weights**2 * x / n**2).sum(axis=1) / w_sum**2
    total = x.sum(axis=1)
    o_lo, o_hi = byar_limits(total, level)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.sqrt(variance / total)
    results = []
    for i in range(total.size):
        common = {
            "confidence": level,
            "method": DOBSON,
            "numerator": float(total[i]),
            "denominator": float(n[i].sum()),
            "multiplier": m,
        }
        if total[i] < BYAR_FROM:
            note = f"not calculated: {total[i]:g} events, fewer than {BYAR_FROM}"
            results.append(Estimate(value=None, lower=None, upper=None, note=note, **common))  # type: ignore[arg-type]
            continue
        results.append(
            Estimate(
                value=float(value[i] * m),
                lower=float((value[i] + scale[i] * (o_lo[i] - total[i])) * m),
                upper=float((value[i] + scale[i] * (o_hi[i] - total[i])) * m),
                **common,  # type: ignore[arg-type]
            )
        )
    return results


def _isr(
    counts: Sequence[Any] | None,
    populations: Sequence[Any],
    reference_counts: Sequence[Any],
    reference_populations: Sequence[Any],
    observed_totals: Sequence[Any] | None,
    confidence: float,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, NDArray[np.int8], float]:
    level = confidence_level(confidence)
    ref_x = np.nan_to_num(
        non_negative(number_column(reference_counts, "reference count", allow_missing=True), "reference count"), nan=0.0
    )
    ref_n = positive(number_column(reference_populations, "reference population"), "reference population")
    same_length("reference count", ref_x, "reference population", ref_n)
    bands, source = ref_x.size, "reference population"
    n = np.nan_to_num(
        _band_table(populations, "populations", bands=bands, bands_from=source, allow_missing=True), nan=0.0
    )
    expected = (ref_x / ref_n * n).sum(axis=1)
    if observed_totals is not None:
        observed = non_negative(number_column(observed_totals, "observed total"), "observed total")
    elif counts is not None:
        observed = np.nan_to_num(
            _band_table(counts, "counts", bands=bands, bands_from=source, allow_missing=True), nan=0.0
        ).sum(axis=1)
    else:
        raise ValidationProblem("give the areas' counts by band, or their observed totals")
    if observed.size != expected.size:
        raise ValidationProblem(f"there are {observed.size} observed totals but {expected.size} areas")
    if np.any(expected <= 0):
        area = int(np.flatnonzero(expected <= 0)[0]) + 1
        raise ValidationProblem(f"the expected count for area {area} is zero: its populations are all zero")
    lower, upper, method = poisson_limits(observed, level)
    return observed, expected, lower, upper, method, level


def indirectly_standardised_ratios(
    populations: Sequence[Any],
    reference_counts: Sequence[Any],
    reference_populations: Sequence[Any],
    *,
    counts: Sequence[Any] | None = None,
    observed_totals: Sequence[Any] | None = None,
    reference_value: float = 1,
    confidence: float = 0.95,
) -> list[Estimate]:
    """Indirectly standardised ratios (O/E × ``reference_value``; 100 gives an SMR), one per area.

    ``populations`` (and ``counts``, if given by band) are a table of areas × bands;
    ``reference_counts``/``reference_populations`` the reference (for example England) by the same bands.
    Give ``observed_totals`` instead of ``counts`` where only each area's total is known. Limits: exact
    Poisson below 10 observed events, Byar from 10, over E. Method: PHEindicatormethods
    ``calculate_ISRatio``.
    """
    if not reference_value > 0:
        raise ValidationProblem(f"reference value {reference_value!r} must be greater than zero, like 1 or 100")
    o, e, lo, hi, method, level = _isr(
        counts, populations, reference_counts, reference_populations, observed_totals, confidence
    )
    return [
        Estimate(
            value=float(o[i] / e[i] * reference_value),
            lower=float(lo[i] / e[i] * reference_value),
            upper=float(hi[i] / e[i] * reference_value),
            confidence=level,
            method=f"{ISR_RATIO} ({METHOD_NAMES[method[i]]} limits)",
            numerator=float(o[i]),
            denominator=float(e[i]),
            multiplier=float(reference_value),
        )
        for i in range(o.size)
    ]


def indirectly_standardised_rates(
    populations: Sequence[Any],
    reference_counts: Sequence[Any],
    reference_populations: Sequence[Any],
    *,
    counts: Sequence[Any] | None = None,
    observed_totals: Sequence[Any] | None = None,
    multiplier: float = 100_000,
    confidence: float = 0.95,
) -> list[Estimate]:
    """Indirectly standardised rates: O/E × the reference population's crude rate per ``multiplier``.

    As ``indirectly_standardised_ratios``, scaled by the reference rate Σ reference counts / Σ reference
    populations × multiplier (PHEindicatormethods ``calculate_ISRate``). ``denominator`` holds E.
    """
    m = multiplier_value(multiplier)
    o, e, lo, hi, method, level = _isr(
        counts, populations, reference_counts, reference_populations, observed_totals, confidence
    )
    ref_x = np.nan_to_num(number_column(reference_counts, "reference count", allow_missing=True), nan=0.0)
    ref_rate = float(ref_x.sum() / number_column(reference_populations, "reference population").sum() * m)
    return [
        Estimate(
            value=float(o[i] / e[i] * ref_rate),
            lower=float(lo[i] / e[i] * ref_rate),
            upper=float(hi[i] / e[i] * ref_rate),
            confidence=level,
            method=f"{ISR_RATE} ({METHOD_NAMES[method[i]]} limits)",
            numerator=float(o[i]),
            denominator=float(e[i]),
            multiplier=m,
            note=f"reference rate {ref_rate:g} per {m:g}",
        )
        for i in range(o.size)
    ]
