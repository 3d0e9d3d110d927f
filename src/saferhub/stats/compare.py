"""Comparison with a benchmark, and distance from a comparator group in standard deviations.

Benchmark comparison follows OHID Fingertips: if the benchmark lies inside the area's confidence
interval the area is *similar*; otherwise *better* or *worse* by the indicator's polarity, or *higher*
or *lower* where the indicator has no judgement. No comparison is made where the interval or the
benchmark is missing, or where no polarity has been set; the result says why.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Sequence
from typing import Any

from saferhub.core.errors import ValidationProblem
from saferhub.stats._checks import FloatArray, confidence_level, numbers
from saferhub.stats.results import READ, AsDict, Estimate, Polarity, figure

INTERVAL_OVERLAP = "Fingertips benchmark comparison (benchmark inside the confidence interval)"
DOUBLE_OVERLAP = "Fingertips comparison of two intervals (double overlapping confidence intervals)"
STANDARD_DEVIATIONS = "distance from the comparator mean in sample standard deviations"


class Outcome(enum.StrEnum):
    BETTER = "better"
    SIMILAR = "similar"
    WORSE = "worse"
    HIGHER = "higher"
    LOWER = "lower"
    NOT_COMPARED = "not_compared"


@dataclasses.dataclass(frozen=True, slots=True)
class Comparison(AsDict):
    """One area's comparison with a benchmark; ``reason`` says why, in words."""

    outcome: Outcome
    reason: str
    value: float | None
    lower: float | None
    upper: float | None
    benchmark: float | None
    confidence: float
    polarity: Polarity | None
    method: str = INTERVAL_OVERLAP


def _optional(cell: Any, name: str, row: int) -> float | None:
    """Missing (None, NaN, blank) is allowed here and means "no comparison"; text is not."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool):
        raise ValidationProblem(f"{name} {cell!r} in row {row} is not a number")
    try:
        number = float(cell)
    except (TypeError, ValueError):
        raise ValidationProblem(f"{name} {cell!r} in row {row} is not a number") from None
    return None if math.isnan(number) else number


def _column(values: Any, name: str, length: int, *, first_row: int) -> list[float | None]:
    if values is None:
        return [None] * length
    if isinstance(values, int | float) and not isinstance(values, bool):
        return [_optional(values, name, first_row)] * length
    items = list(values)
    if len(items) != length:
        raise ValidationProblem(f"{name} has {len(items)} values but there are {length} rows: they must match")
    return [_optional(cell, name, i + first_row) for i, cell in enumerate(items)]


def _polarity(polarity: Polarity | str | None) -> Polarity | None:
    return None if polarity is None else Polarity.parse(polarity)


def compare_one(
    lower: float | None,
    upper: float | None,
    benchmark: float | None,
    polarity: Polarity | None,
    *,
    value: float | None = None,
    confidence: float = 0.95,
) -> Comparison:
    """Compare one interval with one benchmark (no input checks; see ``compare_with_benchmark``)."""

    def result(outcome: Outcome, reason: str) -> Comparison:
        return Comparison(outcome, reason, value, lower, upper, benchmark, confidence, polarity)

    if polarity is None:
        return result(Outcome.NOT_COMPARED, "the indicator has no polarity set")
    if lower is None or upper is None:
        return result(Outcome.NOT_COMPARED, "no confidence interval")
    if benchmark is None:
        return result(Outcome.NOT_COMPARED, "no benchmark value")
    if lower > upper:
        raise ValidationProblem(f"lower limit {figure(lower)} is above upper limit {figure(upper)}")
    level = f"{confidence * 100:g}%"
    if lower <= benchmark <= upper:
        return result(Outcome.SIMILAR, f"the benchmark {figure(benchmark, READ)} lies inside the {level} interval")
    above = lower > benchmark
    side = "above" if above else "below"
    where = (
        f"the {level} interval {figure(lower, READ)} to {figure(upper, READ)} is {side} "
        f"the benchmark {figure(benchmark, READ)}"
    )
    if polarity is Polarity.NO_JUDGEMENT:
        return result(Outcome.HIGHER if above else Outcome.LOWER, where)
    good = above == (polarity is Polarity.HIGHER_IS_BETTER)
    return result(Outcome.BETTER if good else Outcome.WORSE, where)


def compare_with_benchmark(
    *,
    lower: Sequence[Any],
    upper: Sequence[Any],
    benchmark: float | Sequence[Any] | None,
    polarity: Polarity | str | None,
    values: Sequence[Any] | None = None,
    confidence: float = 0.95,
    first_row: int = 1,
) -> list[Comparison]:
    """Compare each row's confidence interval with a benchmark value (one for all rows, or one per row).

    Fingertips rule: benchmark inside the interval → similar; otherwise better/worse by polarity, or
    higher/lower with ``no_judgement``; "not compared" (with the reason) where the interval or the
    benchmark is missing, or the polarity is ``None``. Use the 95% or the 99.8% limits; ``confidence``
    records which.
    """
    level = confidence_level(confidence)
    pol = _polarity(polarity)
    lows = list(lower)
    if not lows:
        raise ValidationProblem("lower is empty: there is nothing to compare")
    n = len(lows)
    lo = _column(lows, "lower limit", n, first_row=first_row)
    hi = _column(upper, "upper limit", n, first_row=first_row)
    bench = _column(benchmark, "benchmark", n, first_row=first_row)
    vals = _column(values, "value", n, first_row=first_row)
    out = []
    for i in range(n):
        if lo[i] is not None and hi[i] is not None and lo[i] > hi[i]:  # type: ignore[operator]
            raise ValidationProblem(
                f"lower limit {figure(lo[i])} is above upper limit {figure(hi[i])} in row {i + first_row}"
            )
        out.append(compare_one(lo[i], hi[i], bench[i], pol, value=vals[i], confidence=level))
    return out


def compare_estimates(
    estimates: Sequence[Estimate], *, benchmark: float | Sequence[Any] | None, polarity: Polarity | str | None
) -> list[Comparison]:
    """``compare_with_benchmark`` for results from ``saferhub.stats.intervals`` (their own confidence level)."""
    if not estimates:
        raise ValidationProblem("there are no estimates to compare")
    levels = {e.confidence for e in estimates}
    if len(levels) > 1:
        raise ValidationProblem("the estimates mix confidence levels: compare 95% and 99.8% separately")
    return compare_with_benchmark(
        lower=[e.lower for e in estimates],
        upper=[e.upper for e in estimates],
        values=[e.value for e in estimates],
        benchmark=benchmark,
        polarity=polarity,
        confidence=levels.pop(),
    )


def compare_two_intervals(
    *,
    value: float | None,
    lower: float | None,
    upper: float | None,
    benchmark: float | None,
    benchmark_lower: float | None,
    benchmark_upper: float | None,
    polarity: Polarity | str | None,
    confidence: float = 0.95,
) -> Comparison:
    """Compare a value with a benchmark when both have confidence intervals (Fingertips' "double
    overlapping CIs", ``DoubleOverlappingCIsComparer``): the intervals overlap → similar; otherwise
    better or worse by polarity (higher or lower with ``no_judgement``). Touching intervals overlap.
    Not compared without both intervals (or a polarity), with the reason.
    """
    level = confidence_level(confidence)
    pol = _polarity(polarity)

    def result(outcome: Outcome, reason: str) -> Comparison:
        return Comparison(outcome, reason, value, lower, upper, benchmark, level, pol, DOUBLE_OVERLAP)

    if pol is None:
        return result(Outcome.NOT_COMPARED, "the indicator has no polarity set")
    if value is None or benchmark is None:
        return result(Outcome.NOT_COMPARED, "no value" if value is None else "no benchmark value")
    if None in (lower, upper, benchmark_lower, benchmark_upper):
        return result(Outcome.NOT_COMPARED, "both values need a confidence interval")
    assert lower is not None and upper is not None and benchmark_lower is not None and benchmark_upper is not None
    for lo, hi, what in ((lower, upper, "the value's"), (benchmark_lower, benchmark_upper, "the benchmark's")):
        if lo > hi:
            raise ValidationProblem(f"{what} lower limit {figure(lo)} is above its upper limit {figure(hi)}")
    # Fingertips: the higher value's lower limit at or below the lower value's upper limit
    overlap = benchmark_lower <= upper if value < benchmark else lower <= benchmark_upper
    level_words = f"{level * 100:g}%"
    if overlap:
        return result(Outcome.SIMILAR, f"the {level_words} intervals overlap")
    above = value > benchmark
    where = f"the {level_words} intervals do not overlap: the value is {'above' if above else 'below'} the benchmark"
    if pol is Polarity.NO_JUDGEMENT:
        return result(Outcome.HIGHER if above else Outcome.LOWER, where)
    good = above == (pol is Polarity.HIGHER_IS_BETTER)
    return result(Outcome.BETTER if good else Outcome.WORSE, where)


@dataclasses.dataclass(frozen=True, slots=True)
class SdDistance(AsDict):
    """How far a value lies from a comparator group's mean, in the group's standard deviations."""

    value: float
    comparator_mean: float
    comparator_sd: float
    standard_deviations: float
    comparators: int
    method: str = STANDARD_DEVIATIONS


def distance_in_sd(
    values: Sequence[Any] | FloatArray | float, comparator_values: Sequence[Any] | FloatArray
) -> list[SdDistance]:
    """Each value's distance from the comparator distribution: ``(value − mean) / sd``.

    ``comparator_values`` are the comparator areas' values (for example every region, or every
    district nationally); sd is the sample standard deviation (n − 1). Negative means below the mean.
    Used for ambitions like "greater than 1 standard deviation below the national and regional
    averages": call once per comparator group and use ``meets_sd_ambition``.
    """
    vals = numbers(values, "value")
    comps = numbers(comparator_values, "comparator value")
    if comps.size < 2:
        raise ValidationProblem("a standard deviation needs at least 2 comparator values")
    mean = float(comps.mean())
    sd = float(comps.std(ddof=1))
    if sd == 0:
        raise ValidationProblem("the comparator values are all the same: their standard deviation is zero")
    return [SdDistance(float(v), mean, sd, float((v - mean) / sd), int(comps.size)) for v in vals]


def meets_sd_ambition(
    distances: Sequence[SdDistance], *, standard_deviations: float = 1.0, direction: str = "below"
) -> list[bool]:
    """True where a value is more than ``standard_deviations`` below (or above) the comparator mean."""
    if direction not in ("below", "above"):
        raise ValidationProblem(f"direction {direction!r} must be 'below' or 'above'")
    sign = -1 if direction == "below" else 1
    return [bool(sign * d.standard_deviations > standard_deviations) for d in distances]
