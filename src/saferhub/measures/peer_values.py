"""A comparator group's figures for one indicator and period: what pages compare an area with.

Reads indicator values (``measures``) and computes with ``saferhub.stats``: the pooled value with
its interval (numerators over denominators, by the indicator's own method), the spread of the
members' values, and the area's distance from the other members in standard deviations (seed 000's
"greater than 1 standard deviation below the national and regional averages").

Small numbers: unless the caller says the reader may see them (``accounts.access.
access_sees_small_numbers`` decides), members whose figure rests on a count of 1 to 4 are hidden,
and so is the next smallest member when the pooled total would otherwise give one away; the spread
and the distance are computed from the visible members only, so no statistic carries a hidden one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from saferhub.core import disclosure
from saferhub.core.errors import ValidationProblem
from saferhub.framework.models import Indicator, ValueType
from saferhub.geography.models import Area, ComparatorGroup
from saferhub.measures.models import IndicatorValue
from saferhub.stats import compare as stats_compare
from saferhub.stats import intervals
from saferhub.stats.results import Estimate, figure

RATES = {ValueType.RATE_PER_1000, ValueType.RATE_PER_10000, ValueType.RATE_PER_100000}


@dataclass
class MemberValue:
    code: str
    name: str
    value: float | None
    numerator: float | None
    denominator: float | None
    suppressed: bool = False


@dataclass
class GroupValues:
    """Everything a page needs to set an area beside its group for one indicator and period."""

    group: ComparatorGroup
    period: str
    members: list[MemberValue]
    pooled: dict[float, Estimate] = field(default_factory=dict)  # confidence level → estimate
    pooled_note: str = ""
    spread: dict[str, float] = field(default_factory=dict)  # min, q1, median, q3, max, mean, sd
    spread_count: int = 0
    distance: stats_compare.SdDistance | None = None
    distance_note: str = ""
    suppression_note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group.name,
            "period": self.period,
            "members": [m.__dict__ for m in self.members],
            "pooled": {str(k): v.to_dict() for k, v in self.pooled.items()},
            "pooled_note": self.pooled_note,
            "spread": self.spread,
            "spread_count": self.spread_count,
            "distance": self.distance.to_dict() if self.distance else None,
            "distance_note": self.distance_note,
            "suppression_note": self.suppression_note,
        }


def comparator_group_values(
    *,
    group: ComparatorGroup,
    indicator: Indicator,
    period: str,
    area: Area | None = None,
    sees_small_numbers: bool = False,
) -> GroupValues:
    """The group's values for ``indicator`` in ``period`` (a canonical period label), and where
    ``area`` stands among them. ``sees_small_numbers`` comes from the one door
    (``access_sees_small_numbers``); the default hides them."""
    members = list(group.members.order_by("name"))
    found = {
        v.area_id: v
        for v in IndicatorValue.objects.filter(
            indicator=indicator, period_label=period, breakdown="", area__in=members
        ).only("area_id", "value", "numerator", "denominator")
    }
    rows = [
        MemberValue(
            m.code,
            m.name,
            found[m.pk].value if m.pk in found else None,
            found[m.pk].numerator if m.pk in found else None,
            found[m.pk].denominator if m.pk in found else None,
        )
        for m in members
    ]
    out = GroupValues(group=group, period=period, members=rows)
    count = indicator.value_type == ValueType.COUNT
    # The pooled figure is the whole group's, computed before any member is hidden: with secondary
    # suppression it gives away only the sum of two or more hidden members, never one.
    pooled, pooled_note = _pooled(rows, indicator)
    pooled_hidden = False
    if not sees_small_numbers:
        pooled_hidden = suppress_members(rows, count=count)
        if any(r.suppressed for r in rows):
            out.suppression_note = disclosure.EXPLANATION
    if pooled_hidden:
        out.pooled_note = "not shown: it would give away a count under 5"
    else:
        out.pooled, out.pooled_note = pooled, pooled_note
    visible = [r for r in rows if r.value is not None and not r.suppressed]
    if visible:
        vals = np.array([r.value for r in visible], dtype=float)
        q = np.percentile(vals, [0, 25, 50, 75, 100])
        out.spread = {
            "min": float(q[0]),
            "q1": float(q[1]),
            "median": float(q[2]),
            "q3": float(q[3]),
            "max": float(q[4]),
            "mean": float(vals.mean()),
        }
        if vals.size > 1:
            out.spread["sd"] = float(vals.std(ddof=1))
        out.spread_count = int(vals.size)
    if area is not None:
        out.distance, out.distance_note = _distance(rows, area)
    return out


def suppress_members(rows: list[MemberValue], *, count: bool) -> bool:
    """Hide members resting on a count of 1 to 4 and, since the pooled figure is their total, the
    next smallest where one alone would be given away. True when the pooled figure must go too."""
    cells = [[r.numerator if r.numerator is not None else (r.value if count else None)] for r in rows]
    mask = disclosure.suppress_table(cells, row_totals=False, column_totals=True)
    for r, hidden in zip(rows, mask.cells, strict=True):
        primary = disclosure.point_discloses({"value": r.value, "numerator": r.numerator}, count=count)
        if hidden[0] or primary:
            r.value = r.numerator = None
            r.suppressed = True
    return bool(mask.column_totals and mask.column_totals[0])


def _pooled(rows: list[MemberValue], indicator: Indicator) -> tuple[dict[float, Estimate], str]:
    with_values = [r for r in rows if r.value is not None]
    if not with_values:
        return {}, "no member has a value for this period"
    missing = len(rows) - len(with_values)
    note = f" ({missing} of {len(rows)} members have no value)" if missing else ""
    vt = indicator.value_type
    complete = all(r.numerator is not None and r.denominator for r in with_values)
    if vt == ValueType.COUNT:
        total = sum(r.value or 0 for r in with_values)
        return {
            c: intervals.counts([total], confidence=c)[0] for c in (0.95, 0.998)
        }, f"total of {len(with_values)} members" + note
    if (vt in RATES or vt == ValueType.PERCENTAGE) and complete:
        num = sum(r.numerator or 0 for r in with_values)
        den = sum(r.denominator or 0 for r in with_values)
        if vt == ValueType.PERCENTAGE:
            est = {c: intervals.wilson([num], [den], confidence=c, multiplier=100)[0] for c in (0.95, 0.998)}
        else:
            est = {
                c: intervals.rates([num], [den], confidence=c, multiplier=indicator.multiplier)[0]
                for c in (0.95, 0.998)
            }
        return est, f"pooled: {figure(num)} over {figure(den)} across {len(with_values)} members" + note
    mean = float(np.mean([r.value for r in with_values]))
    return (
        {0.95: Estimate(value=mean, lower=None, upper=None, confidence=0.95, method="average of members' values")},
        f"average of {len(with_values)} members' values (no numerators and denominators to pool)" + note,
    )


def _distance(rows: list[MemberValue], area: Area) -> tuple[stats_compare.SdDistance | None, str]:
    own = next((r for r in rows if r.code == area.code), None)
    if own is None:
        return None, f"{area.name} is not in this group"
    if own.suppressed:
        return None, "not shown: the value rests on a count under 5"
    if own.value is None:
        return None, f"{area.name} has no value for this period"
    others = [r.value for r in rows if r is not own and r.value is not None and not r.suppressed]
    if len(others) < 2:
        return None, "fewer than 2 other members have a value shown"
    try:
        return stats_compare.distance_in_sd(own.value, others)[0], f"against the other {len(others)} members"
    except ValidationProblem as exc:  # the stats module explains, e.g. every member has the same value
        return None, str(exc)
