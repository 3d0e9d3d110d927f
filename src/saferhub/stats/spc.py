"""XmR statistical process control charts with the NHS England "Making Data Count" rules.

Limits: mean ± 2.66 × average moving range (AMR), 2σ lines at mean ± 1.7733 × AMR. Moving ranges of
3.267 × AMR or more can be screened out before the AMR is recomputed once (Nelson 1982; the
NHSRplotthedots default; the Making Data Count Excel tools do not screen). Special cause: a point
outside the limits; a run of 7 on one side of the mean; 7 points rising or falling; 2 of 3 points
beyond a 2σ line on the same side. When several fire on a point, the icon follows the first in
NHSRplotthedots' order: outside the limits, trend, 2 of 3, run. Icons follow NHSRplotthedots
``ptd_spc``: variation from the last point, assurance from the target against the limits. The
arithmetic runs on arrays (``_spc_core``); ``spc_batch.xmr_many`` charts many series at once. See
docs/methods.md for every deviation.
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
from saferhub.stats._spc_core import LIMIT_CONSTANT, RULE_NAMES, SCREENING_CONSTANT, point_types, xmr_arrays
from saferhub.stats.results import AsDict, Polarity

METHOD = "XmR chart, Making Data Count rules"


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
    rule: str = ""  # the rule that decides the icon: outside_limits, trend, two_of_three, run (NHSRplotthedots' order)


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

    # Each segment between rebases is one row of the array the rules run on, padded with NaN.
    lengths = [stop - start for start, stop in itertools.pairwise(bounds)]
    for start, length in zip(bounds, lengths, strict=False):
        if length < 2:
            raise ValidationProblem(
                f"the segment starting at row {start + first_row} has only 1 point: limits need at least 2"
            )
    table = np.full((len(lengths), max(lengths)), np.nan)
    for s_index, (start, length) in enumerate(zip(bounds, lengths, strict=False)):
        table[s_index, :length] = y[start : start + length]
    core = xmr_arrays(
        table,
        screen_outliers=screen_outliers,
        run_length=run_length,
        trend_length=trend_length,
        baseline_points=baseline_points,
    )
    pol_sign = {Polarity.HIGHER_IS_BETTER: 1, Polarity.LOWER_IS_BETTER: -1}.get(pol, 0)
    types = point_types(core.direction, pol_sign)

    segments: list[SpcSegment] = []
    notes: list[str] = []
    points: list[SpcPoint] = []
    for s_index, (start, length) in enumerate(zip(bounds, lengths, strict=False)):
        base = int(core.baseline_points[s_index])
        seg_info = SpcSegment(
            segment=s_index,
            start=start,
            end=start + length - 1,
            start_date=date_list[start] if date_list else None,
            points=length,
            baseline_points=base,
            mean=float(core.mean[s_index]),
            average_moving_range=float(core.average_moving_range[s_index]),
            lower_limit=float(core.lower_limit[s_index]),
            upper_limit=float(core.upper_limit[s_index]),
            lower_2sigma=float(core.lower_2sigma[s_index]),
            upper_2sigma=float(core.upper_2sigma[s_index]),
            moving_ranges_screened_out=int(core.moving_ranges_screened_out[s_index]),
            trial_limits=base < trial_limit_points,
        )
        segments.append(seg_info)
        if seg_info.trial_limits:
            notes.append(f"segment {s_index + 1}: trial limits, from {base} points (fewer than {trial_limit_points})")
        for j in range(length):
            i = start + j
            direction = int(core.direction[s_index, j])
            points.append(
                SpcPoint(
                    index=i,
                    date=date_list[i] if date_list else None,
                    value=float(y[i]),
                    segment=s_index,
                    mean=seg_info.mean,
                    lower_limit=seg_info.lower_limit,
                    upper_limit=seg_info.upper_limit,
                    lower_2sigma=seg_info.lower_2sigma,
                    upper_2sigma=seg_info.upper_2sigma,
                    moving_range=None if j == 0 else float(abs(y[i] - y[i - 1])),
                    outside_limits=bool(core.outside[s_index, j]),
                    in_run=bool(core.in_run[s_index, j]),
                    in_trend=bool(core.trend[s_index, j]),
                    in_two_of_three=bool(core.in_two_of_three[s_index, j]),
                    special_cause=direction != 0,
                    direction=None if direction == 0 else ("high" if direction > 0 else "low"),
                    point_type=str(types[s_index, j]),
                    rule=RULE_NAMES[int(core.rule[s_index, j])],
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
