"""Relative ambitions: an area judged against comparator areas, not against a fixed number.

Seed plan 000's ambition reads "greater than 1 standard deviation below the national and regional
averages": once the comparator areas' values exist (every area nationally, every area in the
region), the area meets it when its value is more than k standard deviations below the mean of each
group. The standard deviation is the comparator areas' sample standard deviation (n − 1), the spread
between areas, so the ambition asks the area to stand out from the others.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from saferhub.core.errors import ValidationProblem
from saferhub.stats._checks import number_column
from saferhub.stats.compare import SdDistance, distance_in_sd
from saferhub.stats.results import AsDict, figure

RELATIVE_SD = "distance from each comparator group's mean in its standard deviations"


class AmbitionStatus(enum.StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_ASSESSED = "not_assessed"


@dataclasses.dataclass(frozen=True, slots=True)
class GroupDistance(AsDict):
    group: str
    distance: SdDistance | None
    met: bool | None
    reason: str


@dataclasses.dataclass(frozen=True, slots=True)
class RelativeAmbition(AsDict):
    """Whether the value is far enough from every comparator group's average, and why."""

    status: AmbitionStatus
    reason: str
    value: float | None
    standard_deviations: float
    direction: str
    groups: tuple[GroupDistance, ...]
    method: str = RELATIVE_SD


def relative_ambition(
    value: float | None,
    *,
    comparators: Mapping[str, Sequence[Any]],
    standard_deviations: float = 1.0,
    direction: str = "below",
) -> RelativeAmbition:
    """Judge "more than ``standard_deviations`` SD ``direction`` the average of each comparator group".

    ``comparators`` maps a group's name (e.g. "national", "regional") to its areas' values, missing
    values left out. Met only when every group is met; not assessed (with the reason) when the value
    is missing, or a group has fewer than 2 values or no spread. A pure function: the caller decides
    which areas are comparators and for which period.
    """
    if direction not in ("below", "above"):
        raise ValidationProblem(f"direction {direction!r} must be 'below' or 'above'")
    if (
        isinstance(standard_deviations, bool)
        or not isinstance(standard_deviations, int | float)
        or standard_deviations < 0
    ):
        raise ValidationProblem(f"standard deviations {standard_deviations!r} must be a number of at least 0")
    if not comparators:
        raise ValidationProblem("a relative ambition needs at least one comparator group")
    k = float(standard_deviations)

    def outcome(status: AmbitionStatus, reason: str, groups: tuple[GroupDistance, ...] = ()) -> RelativeAmbition:
        return RelativeAmbition(status, reason, value, k, direction, groups)

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return outcome(AmbitionStatus.NOT_ASSESSED, "the area has no value for this period")
    sign = -1 if direction == "below" else 1
    groups = []
    for name, raw in comparators.items():
        values = number_column(list(raw), f"{name} comparator value", allow_empty=True, allow_missing=True)
        values = values[~np.isnan(values)]  # missing comparator values are left out
        if values.size < 2:
            groups.append(GroupDistance(name, None, None, f"the {name} group has {values.size} values: it needs 2"))
            continue
        if values.std(ddof=1) == 0:
            groups.append(GroupDistance(name, None, None, f"the {name} group's values are all the same"))
            continue
        (distance,) = distance_in_sd([value], values)
        met = sign * distance.standard_deviations > k
        words = f"{abs(distance.standard_deviations):.2f} SD {'below' if distance.standard_deviations < 0 else 'above'}"
        groups.append(
            GroupDistance(name, distance, met, f"{words} the {name} average {figure(distance.comparator_mean, 4)}")
        )
    unknown = [g for g in groups if g.met is None]
    if unknown:
        return outcome(AmbitionStatus.NOT_ASSESSED, "; ".join(g.reason for g in unknown), tuple(groups))
    status = AmbitionStatus.MET if all(g.met for g in groups) else AmbitionStatus.NOT_MET
    need = f"more than {figure(k)} SD {direction} each average"
    return outcome(status, f"{'; '.join(g.reason for g in groups)} (the ambition: {need})", tuple(groups))
