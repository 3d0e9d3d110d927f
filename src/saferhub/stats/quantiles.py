"""Quantiles: areas ranked into deciles (or any number of groups), and Fingertips' quintile colours.

- ``phe_quantiles``: PHEindicatormethods ``phe_quantile`` — within each group, areas with a value are
  ranked (ties take the lowest rank; highest value first when ``invert``, as for deprivation scores
  where decile 1 is the most deprived), and area r of N gets quantile
  ``⌊(q + 1) − ⌈((N + 1) − r) / (N / q)⌉⌋`` (0 becomes 1). A group with fewer areas than quantiles gets
  none, and says so. It counts areas, not people: it is not population-weighted.
- ``category_bounds`` and ``quintile_categories``: Fingertips' ``ValueCategoriesCalculator`` and
  ``QuintilesComparer`` — bounds at the 20th, 40th, 60th and 80th percentiles (linear between order
  statistics, position (n − 1)·f + 1), and each value's fifth; with a polarity, category 1 is the best
  fifth and 5 the worst ("quintile RAG"), without one 1 is the lowest and 5 the highest.

Set-based: groups are ranked together with one sort, however many areas there are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from saferhub.core.errors import ValidationProblem
from saferhub.stats._checks import FloatArray, number_column
from saferhub.stats.results import AsDict, Polarity

PHE_QUANTILE = "PHEindicatormethods phe_quantile (areas ranked within each group)"
FINGERTIPS_QUINTILES = "Fingertips quintiles (20th, 40th, 60th and 80th percentiles of the areas' values)"


@dataclasses.dataclass(frozen=True, slots=True)
class Quantiles(AsDict):
    """Each row's quantile (None where it has no value or its group is too small), with the groups
    that were too small and what quantile 1 means."""

    quantile: tuple[int | None, ...]
    quantiles: int
    inverted: bool
    meaning: str
    too_small: tuple[str, ...]
    method: str = PHE_QUANTILE


def _min_ranks(group: NDArray[np.int64], key: FloatArray) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Rank of each row's key within its group (1 = smallest; ties share the lowest), and the group sizes.

    Rows with a NaN key get rank 0 and are not counted.
    """
    valid = ~np.isnan(key)
    ranks = np.zeros(key.size, dtype=np.int64)
    sizes = np.bincount(group[valid], minlength=int(group.max()) + 1 if group.size else 0)
    idx = np.flatnonzero(valid)
    if not idx.size:
        return ranks, sizes
    order = idx[np.lexsort((key[idx], group[idx]))]
    g, k = group[order], key[order]
    new_group = np.r_[True, g[1:] != g[:-1]]
    new_value = new_group | np.r_[True, k[1:] != k[:-1]]
    position = np.arange(order.size)
    group_start = np.maximum.accumulate(np.where(new_group, position, 0))
    tie_start = np.maximum.accumulate(np.where(new_value, position, 0))
    ranks[order] = tie_start - group_start + 1
    return ranks, sizes


def phe_quantiles(
    values: Sequence[Any] | FloatArray,
    *,
    groups: Sequence[Any] | None = None,
    quantiles: int = 10,
    invert: bool = True,
    first_row: int = 1,
) -> Quantiles:
    """Each area's quantile within its group, as PHEindicatormethods ``phe_quantile``.

    ``invert=True`` (PHE's default) puts the highest values in quantile 1 (e.g. the most deprived
    decile by IMD score); ``False`` puts the lowest there. A missing value gets no quantile.
    """
    if isinstance(quantiles, bool) or not isinstance(quantiles, int) or quantiles < 2:
        raise ValidationProblem(f"quantiles {quantiles!r} must be a whole number of at least 2, like 10 for deciles")
    x = number_column(values, "value", first_row=first_row, allow_missing=True)
    if groups is None:
        label = np.zeros(x.size, dtype=np.int64)
        names = np.array(["all areas"], dtype=object)
    else:
        group_list = ["" if g is None else str(g) for g in groups]
        if len(group_list) != x.size:
            raise ValidationProblem(f"there are {x.size} values but {len(group_list)} groups: they must match")
        names, label = np.unique(np.array(group_list, dtype=object), return_inverse=True)
    ranks, sizes = _min_ranks(label, -x if invert else x)
    n = sizes[label].astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.floor((quantiles + 1) - np.ceil(((n + 1) - ranks) / (n / quantiles)))
    q = np.where(q == 0, 1, q)
    usable = (ranks > 0) & (n >= quantiles)
    small = [str(names[i]) for i in np.flatnonzero(sizes < quantiles)]
    meaning = "quantile 1 holds the highest values" if invert else "quantile 1 holds the lowest values"
    return Quantiles(
        quantile=tuple(int(v) if ok else None for v, ok in zip(q.tolist(), usable.tolist(), strict=True)),
        quantiles=quantiles,
        inverted=bool(invert),
        meaning=meaning,
        too_small=tuple(small),
    )


def _round_away(values: FloatArray, digits: int) -> FloatArray:
    """Round half away from zero, as .NET's MidpointRounding.AwayFromZero."""
    scale = 10.0**digits
    return np.sign(values) * np.floor(np.abs(values) * scale + 0.5) / scale


def percentile(sorted_values: FloatArray, fraction: float) -> float:
    """Fingertips' percentile: position (n − 1)·f + 1, linear between neighbours, rounded to 10 dp."""
    count = sorted_values.size
    position = (count - 1) * fraction + 1
    if position == 1:
        return float(sorted_values[0])
    if position == count:
        return float(sorted_values[-1])
    k = int(position)
    d = position - k
    return float(_round_away(np.array([sorted_values[k - 1] + d * (sorted_values[k] - sorted_values[k - 1])]), 10)[0])


def category_bounds(values: Sequence[Any] | FloatArray, *, categories: int = 5) -> tuple[float, ...]:
    """Min, the inner percentile bounds and max (categories + 1 numbers); empty with 3 values or fewer."""
    x = number_column(values, "value", allow_empty=True, allow_missing=True)
    x = np.sort(x[~np.isnan(x)])
    if x.size <= 3:
        return ()
    step = 1.0 / categories
    return (float(x[0]), *(percentile(x, step * i) for i in range(1, categories)), float(x[-1]))


@dataclasses.dataclass(frozen=True, slots=True)
class QuintileCategories(AsDict):
    """Each value's fifth (1–5; None without a value, or with fewer than 5 areas), the bounds used, and
    what 1 means."""

    category: tuple[int | None, ...]
    bounds: tuple[float, ...]
    polarity: Polarity
    meaning: str
    method: str = FINGERTIPS_QUINTILES


def quintile_categories(
    values: Sequence[Any] | FloatArray,
    *,
    polarity: Polarity | str,
    comparators: Sequence[Any] | None = None,
    first_row: int = 1,
) -> QuintileCategories:
    """Fingertips' quintile colours: each value's fifth of the comparator areas' values (the values
    themselves when ``comparators`` is None). With a polarity, 1 is the best fifth and 5 the worst."""
    pol = Polarity.parse(polarity)
    x = number_column(values, "value", first_row=first_row, allow_missing=True)
    pool = x if comparators is None else number_column(comparators, "comparator value", allow_missing=True)
    present = pool[~np.isnan(pool)]
    bounds = category_bounds(present) if present.size >= 5 else ()
    if pol is Polarity.NO_JUDGEMENT:
        meaning = "1 is the lowest fifth of areas and 5 the highest"
    else:
        meaning = "1 is the best fifth of areas and 5 the worst"
    if not bounds:
        return QuintileCategories(tuple(None for _ in x), (), pol, "fewer than 5 areas have a value: no quintiles")
    upper = np.array(bounds[1:])
    fifth = np.searchsorted(upper, x, side="left") + 1  # first bound the value is at or below
    outside = (x < bounds[0]) | (x > bounds[-1])
    if comparators is not None and np.any(outside & ~np.isnan(x)):
        i = int(np.flatnonzero(outside & ~np.isnan(x))[0])
        raise ValidationProblem(
            f"value {x[i]:g} in row {i + first_row} lies outside the comparators' range {bounds[0]:g} to {bounds[-1]:g}"
        )
    if pol is Polarity.HIGHER_IS_BETTER:
        fifth = 6 - fifth
    return QuintileCategories(
        tuple(None if np.isnan(v) else int(c) for v, c in zip(x.tolist(), fifth.tolist(), strict=True)),
        tuple(bounds),
        pol,
        meaning,
    )
