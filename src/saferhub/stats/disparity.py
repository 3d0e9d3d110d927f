"""The gap between the best and worst areas or groups, with a confidence interval ("narrowing the gap").

The interval for a difference of two estimates uses the MOVER approach (method of variance estimates
recovery: Newcombe 1998, method 10, for proportions with Wilson intervals; Zou & Donner 2008 in
general): for d = a − b with intervals (la, ua) and (lb, ub),
``L = d − √((a − la)² + (ub − b)²)`` and ``U = d + √((ua − a)² + (b − lb)²)``. It keeps the
asymmetry of the Wilson and Poisson intervals, so it behaves well for small counts.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

from saferhub.core.errors import ValidationProblem
from saferhub.stats.intervals import rates, wilson
from saferhub.stats.results import AsDict, Estimate, Polarity

MOVER = "difference with MOVER interval (Newcombe 1998 method 10; Zou & Donner 2008)"


@dataclasses.dataclass(frozen=True, slots=True)
class Gap(AsDict):
    """How far the worst area is behind the best: ``value`` ≥ 0 in the indicator's units."""

    value: float
    lower: float
    upper: float
    confidence: float
    method: str
    best_label: str
    worst_label: str
    best: Estimate
    worst: Estimate
    significant: bool  # the interval excludes zero
    polarity: Polarity


def difference(a: Estimate, b: Estimate) -> tuple[float, float, float]:
    """a − b with a MOVER interval from the two estimates' own intervals (at their confidence level)."""
    for name, e in (("first", a), ("second", b)):
        if e.value is None or e.lower is None or e.upper is None:
            raise ValidationProblem(f"the {name} estimate has no value or interval: {e.note or 'not calculated'}")
    if a.confidence != b.confidence:
        raise ValidationProblem("the two estimates have different confidence levels")
    assert a.value is not None and a.lower is not None and a.upper is not None  # for type checkers
    assert b.value is not None and b.lower is not None and b.upper is not None
    d = a.value - b.value
    lower = d - math.sqrt((a.value - a.lower) ** 2 + (b.upper - b.value) ** 2)
    upper = d + math.sqrt((a.upper - a.value) ** 2 + (b.value - b.lower) ** 2)
    return d, lower, upper


def gap_between(estimates: Sequence[Estimate], *, polarity: Polarity | str, labels: Sequence[str] | None = None) -> Gap:
    """The gap between the best and the worst of several estimates (areas or groups).

    Best and worst follow the polarity; with ``no_judgement`` the gap is highest minus lowest.
    Ties keep the first row. Estimates without a value (e.g. suppressed) are left out.
    """
    pol = Polarity.parse(polarity)
    names = list(labels) if labels is not None else [f"row {i}" for i in range(1, len(estimates) + 1)]
    if len(names) != len(estimates):
        raise ValidationProblem(f"there are {len(estimates)} estimates but {len(names)} labels")
    usable = [(name, e) for name, e in zip(names, estimates, strict=True) if e.value is not None]
    if len(usable) < 2:
        raise ValidationProblem("a gap needs at least two areas or groups with a value")
    highest = max(usable, key=lambda item: item[1].value or 0.0)
    lowest = min(usable, key=lambda item: item[1].value or 0.0)
    best, worst = (lowest, highest) if pol is Polarity.LOWER_IS_BETTER else (highest, lowest)
    top, bottom = (worst, best) if pol is Polarity.LOWER_IS_BETTER else (best, worst)
    d, lo, hi = difference(top[1], bottom[1])  # top − bottom ≥ 0
    return Gap(
        value=d,
        lower=lo,
        upper=hi,
        confidence=top[1].confidence,
        method=MOVER,
        best_label=best[0],
        worst_label=worst[0],
        best=best[1],
        worst=worst[1],
        significant=lo > 0,
        polarity=pol,
    )


def disparity_gap(
    numerators: Sequence[Any],
    denominators: Sequence[Any],
    *,
    polarity: Polarity | str,
    kind: str = "proportion",
    labels: Sequence[str] | None = None,
    multiplier: float | None = None,
    confidence: float = 0.95,
) -> Gap:
    """The best–worst gap among areas or groups from their numerators and denominators.

    ``kind="proportion"`` uses Wilson intervals (multiplier 100 by default, a percentage point gap);
    ``kind="rate"`` uses exact Poisson/Byar intervals (per 100,000 by default). The gap's interval is
    MOVER (Newcombe 1998 method 10 for proportions).
    """
    if kind == "proportion":
        estimates = wilson(numerators, denominators, confidence=confidence, multiplier=multiplier or 100)
    elif kind == "rate":
        estimates = rates(numerators, denominators, confidence=confidence, multiplier=multiplier or 100_000)
    else:
        raise ValidationProblem(f"kind {kind!r} must be 'proportion' or 'rate'")
    return gap_between(estimates, polarity=polarity, labels=labels)
