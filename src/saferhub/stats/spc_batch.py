"""XmR charts for many series at once: a long table in (series, value), a table of points out.

The same limits, rules and precedence as ``spc.xmr`` (one implementation, ``_spc_core``), laid out
as one padded array of series × points, so charting every indicator in every area is a few array
passes rather than a Python loop per series. Rebasing and targets are per-chart choices and stay in
``spc.xmr``; here each series has one set of limits from its first ``baseline_points`` (or all) points.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from saferhub.core.errors import ValidationProblem
from saferhub.stats._checks import FloatArray, number_column
from saferhub.stats._spc_core import RULE_NAMES, point_types, xmr_arrays
from saferhub.stats.results import Polarity

METHOD = "XmR chart, Making Data Count rules"


@dataclasses.dataclass(frozen=True, slots=True)
class SpcTable:
    """Per input row (in the input's order): the limits that apply and the rules it triggers;
    per series (``series_names`` order): points, limits and the variation icon from its last point."""

    series: NDArray[np.str_]
    value: FloatArray
    mean: FloatArray
    lower_limit: FloatArray
    upper_limit: FloatArray
    lower_2sigma: FloatArray
    upper_2sigma: FloatArray
    outside_limits: NDArray[np.bool_]
    in_run: NDArray[np.bool_]
    in_trend: NDArray[np.bool_]
    in_two_of_three: NDArray[np.bool_]
    rule: NDArray[np.str_]
    point_type: NDArray[np.str_]
    series_names: tuple[str, ...]
    series_points: NDArray[np.int64]
    series_variation: NDArray[np.str_]
    method: str = METHOD

    def __len__(self) -> int:
        return int(self.value.size)


def xmr_many(
    series: Sequence[Any],
    values: Sequence[Any] | FloatArray,
    *,
    polarity: Polarity | str = Polarity.NO_JUDGEMENT,
    screen_outliers: bool = True,
    run_length: int = 7,
    trend_length: int = 7,
    baseline_points: int | None = None,
    first_row: int = 1,
) -> SpcTable:
    """XmR limits, special-cause rules and icons for every series in a long table.

    ``series`` names each row's series; rows of a series are in time order (oldest first), and the
    series may be interleaved. Every series needs at least 2 points. Options as ``spc.xmr``.
    """
    y = number_column(values, "value", first_row=first_row)
    names = np.asarray([str(s) for s in series], dtype=object) if not isinstance(series, np.ndarray) else series
    if len(names) != y.size:
        raise ValidationProblem(f"there are {y.size} values but {len(names)} series names: they must match")
    for name, value, least in (("run length", run_length, 2), ("trend length", trend_length, 3)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ValidationProblem(f"{name} {value!r} must be a whole number of at least {least}")
    pol = Polarity.parse(polarity)
    uniques, label = np.unique(names.astype(str), return_inverse=True)
    order = np.argsort(label, kind="stable")
    sizes = np.bincount(label, minlength=uniques.size)
    short = np.flatnonzero(sizes < 2)
    if short.size:
        raise ValidationProblem(f"series {str(uniques[short[0]])!r} has only 1 point: an XmR chart needs at least 2")
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    position = np.empty(y.size, dtype=np.int64)
    position[order] = np.arange(y.size) - starts[label[order]]
    table = np.full((uniques.size, int(sizes.max())), np.nan)
    table[label, position] = y
    core = xmr_arrays(
        table,
        screen_outliers=screen_outliers,
        run_length=run_length,
        trend_length=trend_length,
        baseline_points=baseline_points,
    )
    pol_sign = {Polarity.HIGHER_IS_BETTER: 1, Polarity.LOWER_IS_BETTER: -1}.get(pol, 0)
    types = point_types(core.direction, pol_sign)
    last = sizes - 1
    last_direction = core.direction[np.arange(uniques.size), last]
    last_type = types[np.arange(uniques.size), last]
    kind = np.where(
        last_type == "special_cause_improvement",
        "improvement",
        np.where(last_type == "special_cause_concern", "concern", "neutral"),
    )
    variation = np.where(
        last_direction == 0,
        "common_cause",
        np.char.add(np.char.add(kind, "_"), np.where(last_direction > 0, "high", "low")),
    )
    rule_names = np.array([RULE_NAMES[i] for i in range(len(RULE_NAMES))])
    return SpcTable(
        series=uniques[label],
        value=y,
        mean=core.mean[label],
        lower_limit=core.lower_limit[label],
        upper_limit=core.upper_limit[label],
        lower_2sigma=core.lower_2sigma[label],
        upper_2sigma=core.upper_2sigma[label],
        outside_limits=core.outside[label, position],
        in_run=core.in_run[label, position],
        in_trend=core.trend[label, position] != 0,
        in_two_of_three=core.in_two_of_three[label, position],
        rule=rule_names[core.rule[label, position]],
        point_type=types[label, position],
        series_names=tuple(str(u) for u in uniques),
        series_points=sizes.astype(np.int64),
        series_variation=variation,
    )
