"""The XmR arithmetic and Making Data Count rules for many series at once, as NumPy arrays.

Each row of the input is one series (or one segment between rebases), padded at the end with NaN
to the longest; nothing loops over points or series in Python, so 10,000 series cost a few array
passes. ``spc.py`` builds its one-series chart on this, and ``xmr_many`` returns it for a table.

When several rules fire on a point, the rule that decides its icon and direction follows
NHSRplotthedots ``ptd_special_cause_type``: outside the limits, then a trend, then 2 of 3 beyond
the 2σ line, then a run on one side of the mean.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

LIMIT_CONSTANT = 2.66  # 3 / d2, d2 = 1.128 for moving ranges of two
SIGMA_CONSTANT = LIMIT_CONSTANT / 3  # one sigma = AMR / 1.128
SCREENING_CONSTANT = 3.267  # D4 for moving ranges of two: the upper limit of the moving range chart

# The rule that decides a point's icon, in NHSRplotthedots' order of precedence.
NO_RULE, OUTSIDE_LIMITS, TREND, TWO_OF_THREE, RUN = 0, 1, 2, 3, 4
RULE_NAMES = {
    NO_RULE: "",
    OUTSIDE_LIMITS: "outside_limits",
    TREND: "trend",
    TWO_OF_THREE: "two_of_three",
    RUN: "run",
}


@dataclasses.dataclass(frozen=True, slots=True)
class XmrArrays:
    """Limits per row (shape (k,)) and flags per point (shape (k, T)); padding points are all False/0."""

    points: IntArray  # points in each row
    baseline_points: IntArray
    mean: FloatArray
    average_moving_range: FloatArray
    moving_ranges_screened_out: IntArray
    lower_limit: FloatArray
    upper_limit: FloatArray
    lower_2sigma: FloatArray
    upper_2sigma: FloatArray
    side: IntArray  # +1 above the mean, −1 below, 0 on it
    outside: BoolArray
    in_run: BoolArray
    trend: IntArray  # +1 / −1 for a point in a rising / falling trend
    in_two_of_three: BoolArray
    rule: IntArray  # the deciding rule (see RULE_NAMES)
    direction: IntArray  # +1 high, −1 low, 0 common cause


def runs(flags: IntArray, length: int) -> BoolArray:
    """Mark every element of each stretch (within a row) of equal non-zero values at least ``length`` long."""
    if flags.shape[1] == 0:
        return np.zeros(flags.shape, dtype=bool)
    starts = np.ones(flags.shape, dtype=bool)
    starts[:, 1:] = flags[:, 1:] != flags[:, :-1]
    run_id = np.cumsum(starts.ravel()) - 1
    run_length = np.bincount(run_id)
    return ((run_length[run_id] >= length) & (flags.ravel() != 0)).reshape(flags.shape)


def trend_direction(values: FloatArray, length: int) -> IntArray:
    """+1/−1 for points in a run of ``length`` points each strictly above (below) the one before.

    A point that ends one trend and starts another takes the later one's direction ("use right side",
    as NHSRplotthedots).
    """
    k, t = values.shape
    direction = np.zeros((k, t), dtype=np.int64)
    if t < 2:
        return direction
    with np.errstate(invalid="ignore"):
        steps = np.nan_to_num(np.sign(np.diff(values, axis=1))).astype(np.int64)  # step i: point i+1 vs i
    marked = runs(steps, length - 1)  # length points make length − 1 steps
    own = np.where(marked, steps, 0)  # point i from step i (its right side)
    direction[:, :-1] = own
    from_left = np.where(marked, steps, 0)  # point i+1 from step i, where its own step is not in a trend
    direction[:, 1:] = np.where(direction[:, 1:] != 0, direction[:, 1:], from_left)
    return direction


def two_of_three(side: IntArray, beyond: IntArray) -> BoolArray:
    """2 of 3 consecutive points beyond the same 2σ line, all 3 on that side of the mean."""
    marked = np.zeros(side.shape, dtype=bool)
    if side.shape[1] < 3:
        return marked
    for s in (1, -1):
        on, out = side == s, beyond == s
        window = (
            on[:, :-2] & on[:, 1:-1] & on[:, 2:] & (out[:, :-2].astype(int) + out[:, 1:-1] + out[:, 2:] >= 2)
        )  # window starting at each point
        hit = np.zeros(side.shape, dtype=bool)
        hit[:, :-2] |= window  # the point starts a firing window
        hit[:, 1:-1] |= window  # … is its middle
        hit[:, 2:] |= window  # … or its end
        marked |= hit & out
    return marked


def decide(
    outside: BoolArray, trend: IntArray, in_two: BoolArray, in_run: BoolArray, side: IntArray
) -> tuple[IntArray, IntArray]:
    """The rule that decides each point's icon and its direction, in NHSRplotthedots' order.

    Outside the limits (direction: its side of the mean), then a trend (the trend's direction), then
    2 of 3 beyond the 2σ line, then a run (both: the side of the mean).
    """
    rule = np.select([outside, trend != 0, in_two, in_run], [OUTSIDE_LIMITS, TREND, TWO_OF_THREE, RUN], NO_RULE)
    direction = np.select([outside, trend != 0, in_two | in_run], [side, trend, side], 0)
    return rule.astype(np.int64), direction.astype(np.int64)


def xmr_arrays(
    values: FloatArray,
    *,
    screen_outliers: bool = True,
    run_length: int = 7,
    trend_length: int = 7,
    baseline_points: int | None = None,
) -> XmrArrays:
    """Limits and rules for each row of ``values`` (rows padded at the end with NaN)."""
    y = np.asarray(values, dtype=np.float64)
    k, t = y.shape
    present = ~np.isnan(y)
    points = present.sum(axis=1)
    base_n = points if baseline_points is None else np.minimum(points, baseline_points)
    column = np.arange(t)
    in_base = column[None, :] < base_n[:, None]
    mean = np.where(in_base, y, 0).sum(axis=1) / base_n
    ranges = np.abs(np.diff(y, axis=1))
    range_in_base = in_base[:, 1:]
    n_ranges = range_in_base.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        amr = np.where(range_in_base, ranges, 0).sum(axis=1) / n_ranges
        screened = np.zeros(k, dtype=np.int64)
        if screen_outliers:
            keep = range_in_base & (ranges < SCREENING_CONSTANT * amr[:, None])
            apply = amr > 0
            screened = np.where(apply, n_ranges - keep.sum(axis=1), 0)
            amr = np.where(apply, np.where(keep, ranges, 0).sum(axis=1) / keep.sum(axis=1), amr)
    lpl, upl = mean - LIMIT_CONSTANT * amr, mean + LIMIT_CONSTANT * amr
    l2, u2 = mean - 2 * SIGMA_CONSTANT * amr, mean + 2 * SIGMA_CONSTANT * amr

    with np.errstate(invalid="ignore"):
        side = np.nan_to_num(np.sign(y - mean[:, None])).astype(np.int64)
        outside = (y > upl[:, None]) | (y < lpl[:, None])
        beyond = np.where(y > u2[:, None], 1, np.where(y < l2[:, None], -1, 0))
    in_run = runs(side, run_length)
    trend = trend_direction(y, trend_length)
    in_two = two_of_three(side, beyond)
    rule, direction = decide(outside, trend, in_two, in_run, side)
    return XmrArrays(
        points=points.astype(np.int64),
        baseline_points=base_n.astype(np.int64),
        mean=mean,
        average_moving_range=amr,
        moving_ranges_screened_out=screened.astype(np.int64),
        lower_limit=lpl,
        upper_limit=upl,
        lower_2sigma=l2,
        upper_2sigma=u2,
        side=side,
        outside=outside,
        in_run=in_run,
        trend=trend,
        in_two_of_three=in_two,
        rule=rule,
        direction=direction,
    )


def point_types(direction: IntArray, polarity_sign: int) -> NDArray[np.str_]:
    """``common_cause`` or ``special_cause_improvement/concern`` (``_neutral`` without a polarity)."""
    if polarity_sign == 0:
        return np.where(direction != 0, "special_cause_neutral", "common_cause")
    good = direction * polarity_sign
    return np.where(good > 0, "special_cause_improvement", np.where(good < 0, "special_cause_concern", "common_cause"))
