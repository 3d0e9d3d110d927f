"""One indicator's series as the relational store holds it: the points, the benchmarks and
ambitions it is judged against, the summary a refresh stores, and the period arithmetic (running
period numbers, completeness, the gaps that start new limits) the statistics share."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from saferhub.core.errors import SaferhubError
from saferhub.stats.results import Polarity

SUB_ANNUAL = ("month", "quarter")
ANNUAL = ("year", "financial_year")
# A gap longer than this many missing periods starts new SPC limits and a new forecast base: the way
# the figures were recorded may have changed (police.uk anti-social behaviour, 2019 → 2024).
GAP_REBASE = {"month": 12, "quarter": 4, "year": 2, "financial_year": 2}
RECENT_POINTS = 24  # points drawn in a scorecard's small chart


@dataclass
class Point:
    """One value of a series, as the relational store holds it."""

    period: str
    kind: str
    start: dt.date
    end: dt.date
    value: float | None
    lower_95: float | None = None
    upper_95: float | None = None
    lower_998: float | None = None
    upper_998: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    status: str = "final"
    basis: str = ""  # "proxy" when records only approximate the plan's measure

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "value": self.value,
            "lower_95": self.lower_95,
            "upper_95": self.upper_95,
            "lower_998": self.lower_998,
            "upper_998": self.upper_998,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "status": self.status,
            "basis": self.basis,
        }


@dataclass
class Benchmark:
    """A value to compare with, for one period: an area's value or a comparator group's pooled value."""

    key: str  # "area:E10000012" or "group:essex-csps"
    name: str
    kind: str  # county, region, country, police force area, comparator group
    value: float | None
    note: str = ""


@dataclass
class TargetInfo:
    id: int
    wording: str
    kind: str
    horizon: str
    value: float | None
    direction: str
    target_date: dt.date | None
    period_label: str
    # For a relative ambition: each comparator group's name → its areas' values in the latest period.
    comparators: dict[str, list[float]] = field(default_factory=dict)


@dataclass
class Summary:
    points: int
    latest: Point | None
    polarity: str
    completeness: dict[str, Any]
    spc: dict[str, Any] | None
    comparisons: list[dict[str, Any]]
    benchmark: dict[str, Any] | None
    trend: dict[str, Any]
    forecast: dict[str, Any] | None
    target: dict[str, Any]
    series: list[dict[str, Any]] = field(default_factory=list)

    def detail(self) -> dict[str, Any]:
        return {
            "polarity": self.polarity,
            "latest": self.latest.as_dict() if self.latest else None,
            "completeness": self.completeness,
            "spc": self.spc,
            "comparisons": self.comparisons,
            "benchmark": self.benchmark,
            "trend": self.trend,
            "forecast": self.forecast,
            "target": self.target,
            "series": self.series,
        }


# --- periods ---------------------------------------------------------------------------------


def period_index(point: Point) -> int | None:
    """A running number for months and quarters, years for annual periods; None for date ranges."""
    if point.kind == "month":
        return point.start.year * 12 + point.start.month - 1
    if point.kind == "quarter":
        return point.start.year * 4 + (point.start.month - 1) // 3
    if point.kind in ANNUAL:
        return point.start.year
    return None


def _index_label(kind: str, index: int) -> str:
    if kind == "month":
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    if kind == "quarter":
        return f"{index // 4:04d}-Q{index % 4 + 1}"
    if kind == "financial_year":
        return f"{index:04d}/{(index + 1) % 100:02d}"
    return f"{index:04d}"


def completeness(points: Sequence[Point]) -> dict[str, Any]:
    """Expected periods between the first and the last value, which are missing, and the share present.

    A missing period is listed as missing, never filled with zero (METHODS.md, publication)."""
    kinds = {p.kind for p in points}
    if not points or len(kinds) != 1 or next(iter(kinds)) not in (*SUB_ANNUAL, *ANNUAL):
        return {"expected": None, "present": len(points), "missing": [], "share": None, "kind": ",".join(sorted(kinds))}
    kind = next(iter(kinds))
    present = {period_index(p) for p in points if p.value is not None}
    indices = [i for i in (period_index(p) for p in points) if i is not None]
    first, last = min(indices), max(indices)
    expected = last - first + 1
    missing = [_index_label(kind, i) for i in range(first, last + 1) if i not in present]
    return {
        "expected": expected,
        "present": len(present),
        "missing": missing,
        "share": len(present) / expected if expected else None,
        "kind": kind,
    }


def segments(points: Sequence[Point]) -> list[int]:
    """Indices (into ``points``) where a new stretch starts after a gap longer than ``GAP_REBASE``."""
    starts: list[int] = []
    for i in range(1, len(points)):
        a, b = period_index(points[i - 1]), period_index(points[i])
        limit = GAP_REBASE.get(points[i].kind)
        if a is not None and b is not None and limit is not None and b - a - 1 > limit:
            starts.append(i)
    return starts


# --- polarity ----------------------------------------------------------------------------------


def polarity_at(base: str, changes: Sequence[tuple[dt.date, str]], when: dt.date | None) -> str:
    """The indicator's polarity in force at ``when``: the latest change on or before it, else its own."""
    current = base
    for effective_from, polarity in sorted(changes):
        if when is not None and effective_from <= when:
            current = polarity
    return current


def _stats_polarity(polarity: str) -> Polarity | None:
    try:
        return Polarity.parse(polarity)
    except SaferhubError:
        return None


def finite(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None
