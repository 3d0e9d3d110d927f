"""XmR statistical process control charts with the NHS England "Making Data Count" rules.

Limits: mean ± 2.66 × average moving range (AMR), 2σ lines at mean ± 1.7733 × AMR. Moving ranges of
3.267 × AMR or more can be screened out before the AMR is recomputed once (Nelson 1982; the
NHSRplotthedots default; the Making Data Count Excel tools do not screen). Special cause: a point
outside the limits; a run of 7 on one side of the mean; 7 points rising or falling; 2 of 3 points
beyond a 2σ line on the same side. Icons follow NHSRplotthedots ``ptd_spc``: variation from the last
point, assurance from the target against the limits. See docs/methods.md for every deviation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from saferhub.core.errors import ValidationProblem
from saferhub.stats._checks import FloatArray, dates_in_order, numbers, to_date
from saferhub.stats.results import AsDict, Polarity

METHOD = "XmR chart, Making Data Count rules"
LIMIT_CONSTANT = 2.66  # 3 / d2, d2 = 1.128 for moving ranges of two
SIGMA_CONSTANT = LIMIT_CONSTANT / 3  # one sigma = AMR / 1.128
SCREENING_CONSTANT = 3.267  # D4 for moving ranges of two: the upper limit of the moving range chart


@dataclasses.dataclass(frozen=True, slots=True)
class SpcOptions(AsDict):
    """Every option used, printed beside the chart so a reader can reproduce it."""

    screen_outliers: bool
    run_length: int
    trend_length: int
    baseline_points: int | None
    rebase_at: tuple[int, ...]
    polarity: Polarity
    target: float | None
    trial_limit_points: int
    limit_constant: float = LIMIT_CONSTANT
    screening_constant: float = SCREENING_CONSTANT
    two_of_three_includes_beyond_limits: bool = True


@dataclasses.dataclass(frozen=True, slots=True)
class SpcSegment(AsDict):
    """Limits for one stretch between rebases."""

    segment: int
    start: int
    end: int  # inclusive index of the last point
    start_date: dt.date | int | None
    points: int
    baseline_points: int
    mean: float
    average_moving_range: float
    lower_limit: float
    upper_limit: float
    lower_2sigma: float
    upper_2sigma: float
    moving_ranges_screened_out: int
    trial_limits: bool


@dataclasses.dataclass(frozen=True, slots=True)
class SpcPoint(AsDict):
    """One point with the limits that apply to it and the special-cause rules it triggers."""

    index: int
    date: dt.date | int | None
    value: float
    segment: int
    mean: float
    lower_limit: float
    upper_limit: float
    lower_2sigma: float
    upper_2sigma: float
    moving_range: float | None
    outside_limits: bool
    in_run: bool
    in_trend: bool
    in_two_of_three: bool
    special_cause: bool
    direction: str | None  # "high" or "low" for a special cause
    point_type: str  # common_cause, special_cause_improvement, special_cause_concern, special_cause_neutral


@dataclasses.dataclass(frozen=True, slots=True)
class SpcResult(AsDict):
    """The chart: points, limits per segment, icons and the options used."""

    points: tuple[SpcPoint, ...]
    segments: tuple[SpcSegment, ...]
    variation: str  # common_cause, improvement_high/low, concern_high/low, neutral_high/low
    assurance: str | None  # consistent_pass, consistent_fail, inconsistent; None without target or polarity
    options: SpcOptions
    method: str
    notes: tuple[str, ...]


def _runs(flags: np.ndarray, length: int) -> np.ndarray:
    """Mark every element of each stretch of equal non-zero values that is at least ``length`` long."""
    marked = np.zeros(flags.size, dtype=bool)
    start = 0
    for i in range(1, flags.size + 1):
        if i == flags.size or flags[i] != flags[start]:
            if flags[start] != 0 and i - start >= length:
                marked[start:i] = True
            start = i
    return marked


def _trend_direction(values: FloatArray, length: int) -> np.ndarray:
    """+1/−1 for points in a run of ``length`` points each strictly above (below) the one before."""
    direction = np.zeros(values.size, dtype=int)
    if values.size < 2:
        return direction
    steps = np.sign(np.diff(values)).astype(int)  # steps[i] compares point i+1 with point i
    in_trend = _runs(steps, length - 1)  # length points make length − 1 steps
    for i in np.flatnonzero(in_trend):
        direction[i] = direction[i + 1] = steps[i]
    return direction


def _two_of_three(side: np.ndarray, beyond: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2 of 3 consecutive points beyond the same 2σ line, all 3 on that side of the mean."""
    marked = np.zeros(side.size, dtype=bool)
    which = np.zeros(side.size, dtype=int)
    for i in range(side.size - 2):
        for s in (1, -1):
            window = slice(i, i + 3)
            if np.all(side[window] == s) and np.count_nonzero(beyond[window] == s) >= 2:
                hits = np.flatnonzero(beyond[window] == s) + i
                marked[hits] = True
                which[hits] = s
    return marked, which


def _positive_int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValidationProblem(f"{name} {value!r} must be a whole number of at least {minimum}")
    return int(value)


def _rebase_indices(rebase_at: Sequence[Any], dates: list[Any] | None, n: int) -> tuple[int, ...]:
    indices = set()
    for item in rebase_at:
        if isinstance(item, int | np.integer) and not isinstance(item, bool) and dates is None:
            index = int(item)
        else:
            if dates is None:
                raise ValidationProblem(f"rebase date {item!r} given, but the series has no dates")
            when = to_date(item, "rebase date", 0, 1)
            if when not in dates:
                raise ValidationProblem(f"rebase date {when} is not one of the series' dates")
            index = dates.index(when)
        if not 0 < index < n:
            raise ValidationProblem(f"rebase at point {index} is outside the series (it must be after the first point)")
        indices.add(index)
    return tuple(sorted(indices))


def assurance_type(lower_limit: float, upper_limit: float, target: float, polarity: Polarity | str) -> str | None:
    """The Making Data Count assurance icon: where the target lies against the process limits.

    Beyond the limits on the good side: ``consistent_pass`` (the process will meet it); on the bad side:
    ``consistent_fail``; between the limits: ``inconsistent`` (hit and miss). None without a polarity.
    """
    pol = Polarity.parse(polarity)
    if pol is Polarity.NO_JUDGEMENT:
        return None
    higher = pol is Polarity.HIGHER_IS_BETTER
    if (target < lower_limit) if higher else (target > upper_limit):
        return "consistent_pass"
    if (target > upper_limit) if higher else (target < lower_limit):
        return "consistent_fail"
    return "inconsistent"


def xmr(
    values: Sequence[Any] | FloatArray,
    *,
    dates: Sequence[Any] | None = None,
    polarity: Polarity | str = Polarity.NO_JUDGEMENT,
    target: float | None = None,
    screen_outliers: bool = True,
    run_length: int = 7,
    trend_length: int = 7,
    baseline_points: int | None = None,
    rebase_at: Sequence[Any] = (),
    trial_limit_points: int = 13,
    first_row: int = 1,
) -> SpcResult:
    """An XmR chart with Making Data Count special-cause rules and icons.

    - Limits per segment (segments start at each ``rebase_at`` date, or index when there are no dates):
      mean of the baseline (its first ``baseline_points``, or all of it) ± 2.66 × AMR; 2σ lines
      ± 1.7733 × AMR. ``screen_outliers`` drops moving ranges ≥ 3.267 × AMR and recomputes once
      (NHSRplotthedots default; the MDC Excel tools use ``screen_outliers=False``).
    - Special cause: outside the limits; ``run_length`` points on one side of the mean (a point on
      the mean breaks a run); ``trend_length`` points each strictly rising or falling; 2 of 3
      consecutive points beyond a 2σ line (beyond the limits counts) with all 3 on that side.
    - Improvement or concern from ``polarity``; neutral with ``no_judgement``.
    - ``variation`` from the last point; ``assurance`` from ``target`` against the last segment's
      limits (consistent_pass, consistent_fail, inconsistent = hit and miss).
    - A segment whose baseline has fewer than ``trial_limit_points`` points has trial limits.

    Method: Wheeler's XmR chart; rules as NHS England "Making Data Count" and NHSRplotthedots.
    Example: 1,2,1,2,10,1,2,… (18 points) → screened −0.72/1.94/4.60, unscreened −3.06/1.94/6.95.
    """
    y = numbers(values, "value", first_row=first_row)
    n = y.size
    if n < 2:
        raise ValidationProblem("an XmR chart needs at least 2 points")
    pol = Polarity.parse(polarity)
    run_length = _positive_int(run_length, "run length", 2)
    trend_length = _positive_int(trend_length, "trend length", 3)
    trial_limit_points = _positive_int(trial_limit_points, "trial limit points", 2)
    if baseline_points is not None:
        baseline_points = _positive_int(baseline_points, "baseline points", 2)
    if target is not None:
        target = float(numbers([target], "target")[0])
    date_list: list[Any] | None = None
    if dates is not None:
        date_list = dates_in_order(dates, "date", first_row=first_row)
        if len(date_list) != n:
            raise ValidationProblem(f"there are {n} values but {len(date_list)} dates: they must match row for row")
    rebases = _rebase_indices(rebase_at, date_list, n)
    bounds = [0, *rebases, n]

    segments: list[SpcSegment] = []
    notes: list[str] = []
    per_point: dict[str, np.ndarray] = {k: np.zeros(n) for k in ("mean", "lpl", "upl", "l2", "u2", "segment")}
    moving_range: list[float | None] = [None] * n
    for s, (start, stop) in enumerate(itertools.pairwise(bounds)):
        seg = y[start:stop]
        if seg.size < 2:
            raise ValidationProblem(
                f"the segment starting at row {start + first_row} has only 1 point: limits need at least 2"
            )
        base = seg if baseline_points is None else seg[:baseline_points]
        ranges = np.abs(np.diff(base))
        amr = float(ranges.mean())
        screened = 0
        if screen_outliers and amr > 0:
            keep = ranges < SCREENING_CONSTANT * amr
            screened = int(ranges.size - keep.sum())
            amr = float(ranges[keep].mean())
        mean = float(base.mean())
        seg_info = SpcSegment(
            segment=s,
            start=start,
            end=stop - 1,
            start_date=date_list[start] if date_list else None,
            points=int(seg.size),
            baseline_points=int(base.size),
            mean=mean,
            average_moving_range=amr,
            lower_limit=mean - LIMIT_CONSTANT * amr,
            upper_limit=mean + LIMIT_CONSTANT * amr,
            lower_2sigma=mean - 2 * SIGMA_CONSTANT * amr,
            upper_2sigma=mean + 2 * SIGMA_CONSTANT * amr,
            moving_ranges_screened_out=screened,
            trial_limits=base.size < trial_limit_points,
        )
        segments.append(seg_info)
        if seg_info.trial_limits:
            notes.append(f"segment {s + 1}: trial limits, from {base.size} points (fewer than {trial_limit_points})")
        for key, val in (
            ("mean", mean),
            ("lpl", seg_info.lower_limit),
            ("upl", seg_info.upper_limit),
            ("l2", seg_info.lower_2sigma),
            ("u2", seg_info.upper_2sigma),
            ("segment", s),
        ):
            per_point[key][start:stop] = val
        for i in range(start + 1, stop):
            moving_range[i] = float(abs(y[i] - y[i - 1]))

    side = np.sign(y - per_point["mean"]).astype(int)
    outside = (y > per_point["upl"]) | (y < per_point["lpl"])
    beyond = np.where(y > per_point["u2"], 1, np.where(y < per_point["l2"], -1, 0))
    in_run = np.zeros(n, dtype=bool)
    trend_dir = np.zeros(n, dtype=int)
    in_two = np.zeros(n, dtype=bool)
    two_side = np.zeros(n, dtype=int)
    for seg_info in segments:
        window = slice(seg_info.start, seg_info.end + 1)
        in_run[window] = _runs(side[window], run_length)
        trend_dir[window] = _trend_direction(y[window], trend_length)
        in_two[window], two_side[window] = _two_of_three(side[window], beyond[window])

    points = []
    for i in range(n):
        special = bool(outside[i] or in_run[i] or trend_dir[i] or in_two[i])
        # A point's direction: its side of the mean for limits, 2-of-3 and runs; the trend's direction otherwise.
        if outside[i] or in_run[i]:
            sign = int(side[i])
        elif in_two[i]:
            sign = int(two_side[i])
        else:
            sign = int(trend_dir[i])
        direction = None if not special else ("high" if sign > 0 else "low")
        if not special:
            point_type = "common_cause"
        elif pol is Polarity.NO_JUDGEMENT:
            point_type = "special_cause_neutral"
        elif (sign > 0) == (pol is Polarity.HIGHER_IS_BETTER):
            point_type = "special_cause_improvement"
        else:
            point_type = "special_cause_concern"
        points.append(
            SpcPoint(
                index=i,
                date=date_list[i] if date_list else None,
                value=float(y[i]),
                segment=int(per_point["segment"][i]),
                mean=float(per_point["mean"][i]),
                lower_limit=float(per_point["lpl"][i]),
                upper_limit=float(per_point["upl"][i]),
                lower_2sigma=float(per_point["l2"][i]),
                upper_2sigma=float(per_point["u2"][i]),
                moving_range=moving_range[i],
                outside_limits=bool(outside[i]),
                in_run=bool(in_run[i]),
                in_trend=bool(trend_dir[i]),
                in_two_of_three=bool(in_two[i]),
                special_cause=special,
                direction=direction,
                point_type=point_type,
            )
        )

    last = points[-1]
    if not last.special_cause:
        variation = "common_cause"
    else:
        kind = {"special_cause_improvement": "improvement", "special_cause_concern": "concern"}.get(
            last.point_type, "neutral"
        )
        variation = f"{kind}_{last.direction}"

    assurance = None
    if target is not None:
        final = segments[-1]
        assurance = assurance_type(final.lower_limit, final.upper_limit, target, pol)
        if assurance is None:
            notes.append("no assurance icon: the indicator has no polarity, so a target cannot be passed or failed")

    options = SpcOptions(
        screen_outliers=bool(screen_outliers),
        run_length=run_length,
        trend_length=trend_length,
        baseline_points=baseline_points,
        rebase_at=rebases,
        polarity=pol,
        target=target,
        trial_limit_points=trial_limit_points,
    )
    return SpcResult(tuple(points), tuple(segments), variation, assurance, options, METHOD, tuple(notes))
