"""How one indicator's position in one area is worked out, from plain values (no database here).

``services.performance_refresh`` reads the values, calls ``summarise`` for each indicator and area,
and stores the result. Every statistic comes from ``saferhub.stats``; this module only decides which
points go in and keeps each result's reason beside it, so that a page can show why a cell has its
colour. docs/performance.md describes each decision for people.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from saferhub.core.errors import SaferhubError
from saferhub.stats import compare as stats_compare
from saferhub.stats import funnel as stats_funnel
from saferhub.stats import spc as stats_spc
from saferhub.stats import trend as stats_trend
from saferhub.stats.results import Polarity

SUB_ANNUAL = ("month", "quarter")
ANNUAL = ("year", "financial_year")
# A gap longer than this many missing periods starts new SPC limits and a new forecast base: the way
# the figures were recorded may have changed (police.uk anti-social behaviour, 2019 → 2024).
GAP_REBASE = {"month": 12, "quarter": 4}
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


# --- SPC -----------------------------------------------------------------------------------------


RULE_WORDS = {
    "outside_limits": "a point outside the process limits",
    "in_run": "a run of {run} or more points on one side of the mean",
    "in_trend": "{trend} or more points each rising or falling",
    "in_two_of_three": "2 of 3 points beyond the 2-sigma line on the same side",
}


def spc_summary(points: Sequence[Point], *, polarity: str, target: float | None) -> dict[str, Any] | None:
    """XmR chart of a monthly or quarterly series, rebased after long gaps; None if not applicable."""
    present = [p for p in points if p.value is not None]
    if not present or present[0].kind not in SUB_ANNUAL:
        return None
    if len(present) < 2:
        return {"applicable": False, "reason": "an SPC chart needs at least 2 values"}
    starts = [s for s in segments(present) if s >= 2 and len(present) - s >= 2]
    try:
        result = stats_spc.xmr(
            [p.value for p in present],
            dates=[p.start for p in present],
            polarity=polarity,
            target=target,
            rebase_at=[present[s].start for s in starts],
        )
    except SaferhubError as exc:
        return {"applicable": False, "reason": str(exc)}
    last = result.points[-1]
    options = result.options
    fired = [
        RULE_WORDS[name].format(run=options.run_length, trend=options.trend_length)
        for name in ("outside_limits", "in_run", "in_trend", "in_two_of_three")
        if getattr(last, name)
    ]
    segment = result.segments[-1]
    return {
        "applicable": True,
        "variation": result.variation,
        "assurance": result.assurance,
        "target": target,
        "rules_fired": fired,
        "last_point_type": last.point_type,
        "mean": segment.mean,
        "lower_limit": segment.lower_limit,
        "upper_limit": segment.upper_limit,
        "lower_2sigma": segment.lower_2sigma,
        "upper_2sigma": segment.upper_2sigma,
        "average_moving_range": segment.average_moving_range,
        "trial_limits": segment.trial_limits,
        "segment_start": present[segment.start].period,
        "segment_points": segment.points,
        "rebased_at": [present[s].period for s in starts],
        "notes": list(result.notes),
        "method": result.method,
        "options": result.options.to_dict(),
        "points": [
            {
                "period": present[pt.index].period,
                "value": pt.value,
                "mean": pt.mean,
                "lower_limit": pt.lower_limit,
                "upper_limit": pt.upper_limit,
                "point_type": pt.point_type,
            }
            for pt in result.points
        ],
    }


# --- benchmarks -------------------------------------------------------------------------------


COUNTS_NOT_COMPARED = "counts are not compared between areas of different sizes: compare the rate instead"


def compare(
    latest: Point | None, benchmarks: Sequence[Benchmark], *, polarity: str, value_type: str = ""
) -> list[dict[str, Any]]:
    """Compare the latest value's 95% and 99.8% intervals with each benchmark (Fingertips rule).

    Counts are never compared with another area's count: a county always has more crimes than its
    districts. Their rows say so, and the rate indicator carries the comparison."""
    if latest is None:
        return []
    pol = _stats_polarity(polarity)
    out = []
    for bench in benchmarks:
        row: dict[str, Any] = {
            "key": bench.key,
            "name": bench.name,
            "kind": bench.kind,
            "benchmark": bench.value,
            "note": bench.note,
            "period": latest.period,
        }
        for level, lo, hi in ((95, latest.lower_95, latest.upper_95), (998, latest.lower_998, latest.upper_998)):
            if value_type == "count":
                row[f"outcome_{level}"], row[f"reason_{level}"] = "not_compared", COUNTS_NOT_COMPARED
                continue
            confidence = 0.95 if level == 95 else 0.998
            c = stats_compare.compare_one(lo, hi, bench.value, pol, value=latest.value, confidence=confidence)
            row[f"outcome_{level}"] = c.outcome.value
            row[f"reason_{level}"] = c.reason
        row["method"] = stats_compare.INTERVAL_OVERLAP
        out.append(row)
    return out


def pooled(rows: Sequence[Point], *, multiplier: float) -> tuple[float | None, str]:
    """A comparator group's value for one period: pooled numerators over denominators where every
    member has both, else the plain average of the members' values."""
    if not rows:
        return None, "no member has a value for this period"
    if all(r.numerator is not None and r.denominator for r in rows):
        num = sum(r.numerator or 0 for r in rows)
        den = sum(r.denominator or 0 for r in rows)
        return num / den * multiplier, f"pooled: {num:g} over {den:g} across {len(rows)} members"
    vals = [r.value for r in rows if r.value is not None]
    if not vals:
        return None, "no member has a value for this period"
    return sum(vals) / len(vals), f"average of {len(vals)} members' values"


# --- trend -----------------------------------------------------------------------------------------


def trend_summary(
    points: Sequence[Point], *, polarity: str, value_type: str, spc: dict[str, Any] | None
) -> dict[str, Any]:
    """Fingertips recent trend for annual series; for monthly and quarterly series, what SPC says."""
    present = [p for p in points if p.value is not None]
    if present and present[0].kind in SUB_ANNUAL:
        if not spc or not spc.get("applicable"):
            return {
                "outcome": "cannot_be_calculated",
                "assessment": None,
                "method": stats_spc.METHOD,
                "reason": (spc or {}).get("reason", "no SPC chart for this series"),
            }
        variation = spc["variation"]
        outcome = "no_significant_change"
        if variation.endswith("_high"):
            outcome = "increasing"
        elif variation.endswith("_low"):
            outcome = "decreasing"
        assessment = (
            "getting_better"
            if variation.startswith("improvement")
            else "getting_worse"
            if variation.startswith("concern")
            else None
        )
        reason = (
            "the latest point shows " + " and ".join(spc["rules_fired"])
            if spc["rules_fired"]
            else "the latest point shows common-cause variation only"
        )
        return {"outcome": outcome, "assessment": assessment, "method": stats_spc.METHOD, "reason": reason}
    if not present or present[0].kind not in ANNUAL:
        return {
            "outcome": "cannot_be_calculated",
            "assessment": None,
            "method": "",
            "reason": "recent trends are calculated for annual, quarterly and monthly series",
        }
    years = [p.start.year for p in present]
    try:
        if value_type == "percentage" and all(p.numerator is not None and p.denominator for p in present):
            result = stats_trend.recent_trend(
                years=years,
                numerators=[p.numerator for p in present],
                denominators=[p.denominator for p in present],
                value_type="proportion",
                polarity=_stats_polarity(polarity),
            )
        elif all(p.lower_95 is not None and p.upper_95 is not None and p.upper_95 > p.lower_95 for p in present[-5:]):
            recent = present[-5:] if len(present) >= 5 else present
            result = stats_trend.recent_trend(
                years=[p.start.year for p in recent],
                values=[p.value for p in recent],
                lower=[p.lower_95 for p in recent],
                upper=[p.upper_95 for p in recent],
                value_type="other",
                polarity=_stats_polarity(polarity),
            )
        else:
            return {
                "outcome": "cannot_be_calculated",
                "assessment": None,
                "method": stats_trend.WEIGHTED_REGRESSION,
                "reason": "the recent values have no confidence intervals to weight the trend",
            }
    except SaferhubError as exc:
        return {"outcome": "cannot_be_calculated", "assessment": None, "method": "", "reason": str(exc)}
    return {
        "outcome": result.outcome.value,
        "assessment": result.assessment,
        "method": result.method,
        "reason": result.reason,
        "statistic": result.statistic,
        "slope": result.slope,
    }


# --- funnel --------------------------------------------------------------------------------------


def funnel(units: Sequence[tuple[str, str, Point]], *, value_type: str, multiplier: float) -> dict[str, Any] | None:
    """Funnel limits for districts at one period, from their numerators and denominators."""
    usable = [(code, name, p) for code, name, p in units if p.numerator is not None and p.denominator]
    if len(usable) < 3:
        return None
    nums = [p.numerator for _, _, p in usable]
    dens = [p.denominator for _, _, p in usable]
    try:
        if value_type == "percentage":
            result = stats_funnel.funnel_proportions(nums, dens, multiplier=100)
        elif value_type in ("rate_per_1000", "rate_per_100000"):
            result = stats_funnel.funnel_rates(nums, dens, multiplier=multiplier)
        else:
            return None
    except SaferhubError:
        return None
    lo_den, hi_den = min(dens), max(dens)  # type: ignore[type-var]
    steps = 40
    grid = [lo_den * 0.8 + (hi_den * 1.2 - lo_den * 0.8) * i / steps for i in range(steps + 1)]  # type: ignore[operator]
    if value_type == "percentage":
        curve = stats_funnel.proportion_funnel_limits(grid, baseline=result.baseline, multiplier=100)
    else:
        curve = stats_funnel.rate_funnel_limits(grid, baseline=result.baseline, multiplier=multiplier)
    return {
        "statistic": result.statistic,
        "baseline": result.baseline,
        "method": result.method,
        "phi": result.phi,
        "tau2": result.tau2,
        "units": [
            {
                "code": code,
                "name": name,
                "numerator": u.numerator,
                "denominator": u.denominator,
                "value": u.value,
                "outcome": u.outcome,
            }
            for (code, name, _), u in zip(usable, result.units, strict=True)
        ],
        "curve": [c.to_dict() for c in curve],
    }


def finite(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


# --- forecast and target status ---------------------------------------------------------------

FORECAST_FREQUENCY = {"month": "monthly", "quarter": "quarterly", "year": "annual", "financial_year": "annual"}
PERIODS_PER_YEAR = {"month": 12, "quarter": 4, "year": 1, "financial_year": 1}
HORIZON_YEARS = {"1y": 1, "2y": 2, "3y": 3, "5y": 5}
MAX_HORIZON_YEARS = 6


def forecast_base(points: Sequence[Point]) -> list[Point]:
    """The points a forecast starts from: those after the last long gap, when there are at least 3."""
    present = [p for p in points if p.value is not None]
    starts = segments(present)
    if starts and len(present) - starts[-1] >= 3:
        return present[starts[-1] :]
    return present


def _periods_until(last: Point, when: dt.date) -> int:
    per_year = PERIODS_PER_YEAR[last.kind]
    months = (when.year - last.start.year) * 12 + (when.month - last.start.month)
    return math.ceil(months * per_year / 12) if months > 0 else 0


def target_due(target: TargetInfo, last: Point, *, parse: Any) -> dt.date | None:
    """When an ambition falls due: its date, else the end of its period, else its horizon from the last value."""
    if target.target_date:
        return target.target_date
    if target.period_label:
        try:
            return parse(target.period_label).end
        except SaferhubError:
            pass
    years = HORIZON_YEARS.get(target.horizon)
    if years:
        return dt.date(last.end.year + years, last.end.month, 1)
    return None


# The range a value of each type can take: a forecast interval is clipped to it (a rate below zero,
# or a percentage above 100, cannot happen). Documented in docs/performance.md.
VALUE_RANGE: dict[str, tuple[float | None, float | None]] = {
    "count": (0.0, None),
    "rate_per_1000": (0.0, None),
    "rate_per_10000": (0.0, None),
    "rate_per_100000": (0.0, None),
    "percentage": (0.0, 100.0),
}


# Which forecast model suits each value type: counts and rates a log-linear (quasi-Poisson) model,
# never below zero; other values a linear trend (saferhub.stats.forecast).
FORECAST_KIND = {"count": "count", "rate_per_1000": "rate", "rate_per_10000": "rate", "rate_per_100000": "rate"}


def _clip(value: float | None, floor: float | None, ceiling: float | None) -> float | None:
    if value is None:
        return None
    if floor is not None and value < floor:
        return floor
    if ceiling is not None and value > ceiling:
        return ceiling
    return value


def forecast_and_status(
    points: Sequence[Point], *, targets: Sequence[TargetInfo], polarity: str, parse: Any, value_type: str = ""
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """The baseline forecast (if nothing changes) to the furthest ambition, and the status against the
    nearest ambition still ahead. ``parse`` reads a period label (``saferhub.core.codes.parse_period``)."""
    from saferhub.stats import forecast as stats_forecast

    base = forecast_base(points)
    no_target: dict[str, Any] = {
        "status": "no_target",
        "reason": "no ambition is set for this indicator in this area",
        "targets": [],
    }
    if not base or base[-1].kind not in FORECAST_FREQUENCY:
        return None, {
            **no_target,
            "status": "no_target" if not targets else "not_assessed",
            "reason": "no forecast: values are not monthly, quarterly or annual",
        }
    last = base[-1]
    due = {t.id: target_due(t, last, parse=parse) for t in targets}
    ahead = [d for d in due.values() if d is not None and d > last.end]
    default = {"month": 12, "quarter": 4}.get(last.kind, 3)
    horizon = max([default, *(_periods_until(last, d) for d in ahead)])
    horizon = min(horizon, MAX_HORIZON_YEARS * PERIODS_PER_YEAR[last.kind])
    frequency = FORECAST_FREQUENCY[last.kind]
    dates: list[Any] = [p.start for p in base] if frequency != "annual" else [p.start.year for p in base]
    try:
        result = stats_forecast.baseline_forecast(
            [p.value for p in base],
            horizon=horizon,
            dates=dates,
            frequency=frequency,
            kind=FORECAST_KIND.get(value_type, "value"),
        )
    except SaferhubError as exc:
        forecast = None
        reason = f"no forecast: {exc}"
    else:
        floor, ceiling = VALUE_RANGE.get(value_type, (None, None))
        forecast = {
            "method": result.method,
            "confidence": result.confidence,
            "observations": result.observations,
            "from_period": base[0].period,
            "slope_per_period": result.slope_per_period,
            "points": [
                {
                    "step": fp.step,
                    "period": _forecast_label(last, fp.step),
                    "value": _clip(fp.value, floor, ceiling),
                    "lower": _clip(fp.lower, floor, ceiling),
                    "upper": _clip(fp.upper, floor, ceiling),
                }
                for fp in result.points
            ],
        }
        reason = ""
    assessed = []
    for t in targets:
        when = due[t.id]
        item: dict[str, Any] = {
            "id": t.id,
            "wording": t.wording,
            "kind": t.kind,
            "horizon": t.horizon,
            "value": t.value,
            "direction": t.direction,
            "due": when.isoformat() if when else None,
        }
        item.update(_judge(t, when, last, forecast, polarity, reason))
        assessed.append(item)
    judged = [a for a in assessed if a["status"] in ("on_track", "at_risk", "off_track")]
    future = [a for a in judged if a["due"] and a["due"] > last.end.isoformat()]
    chosen = min(future, key=lambda a: a["due"]) if future else (judged[-1] if judged else None)
    status: dict[str, Any]
    if not targets:
        status = no_target
    elif chosen is None:
        status = {"status": "not_assessed", "reason": assessed[0]["reason"], "targets": assessed}
    else:
        status = {
            "status": chosen["status"],
            "reason": chosen["reason"],
            "judged_against": chosen["wording"],
            "targets": assessed,
        }
    return forecast, status


def _forecast_label(last: Point, step: int) -> str:
    index = period_index(last)
    assert index is not None
    return _index_label(last.kind, index + step)


def _judge(
    target: TargetInfo, when: dt.date | None, last: Point, forecast: dict[str, Any] | None, polarity: str, why_not: str
) -> dict[str, Any]:
    from saferhub.stats import forecast as stats_forecast

    ambition = target.value
    pol = polarity
    if target.kind == "direction" and target.direction in ("reduce", "increase"):
        ambition = last.value
        pol = "lower_is_better" if target.direction == "reduce" else "higher_is_better"
    elif target.kind != "value" or ambition is None:
        return {"status": "not_assessed", "reason": f"the ambition is {target.kind.replace('_', ' ')}, not a value"}
    if pol == "no_judgement":
        return {
            "status": "not_assessed",
            "reason": "the indicator has no good direction, so an ambition cannot be judged",
        }
    assert ambition is not None
    if when is not None and when <= last.end:
        higher = pol == "higher_is_better"
        met = (last.value or 0) >= ambition if higher else (last.value or 0) <= ambition
        return {
            "status": "on_track" if met else "off_track",
            "reason": f"the ambition's date has passed; the latest value {last.value:g} "
            f"{'meets' if met else 'does not meet'} the ambition {ambition:g}",
            "ambition": ambition,
        }
    if forecast is None:
        return {"status": "not_assessed", "reason": why_not or "no forecast"}
    steps = _periods_until(last, when) if when else len(forecast["points"])
    steps = max(1, min(steps, len(forecast["points"])))
    fp = forecast["points"][steps - 1]
    point = stats_forecast.ForecastPoint(fp["step"], None, fp["value"], fp["lower"], fp["upper"])
    judged = stats_forecast.target_status(point, ambition, pol)
    reason = judged.reason + f" (forecast for {fp['period']}, {forecast['method']})"
    if target.kind == "direction":
        reason = f"to {target.direction} from the latest value {ambition:g}: " + reason
    return {"status": judged.status.value, "reason": reason, "ambition": ambition, "forecast_period": fp["period"]}


# --- one indicator in one area --------------------------------------------------------------------


def summarise(
    points: Sequence[Point],
    *,
    polarity: str,
    value_type: str,
    benchmarks: Sequence[Benchmark],
    targets: Sequence[TargetInfo],
    parse: Any,
) -> Summary:
    """Everything a scorecard row, an indicator page and a "why" panel need, for one series."""
    present = [p for p in points if p.value is not None]
    latest = present[-1] if present else None
    spc_target = next((t.value for t in targets if t.kind == "value" and t.value is not None), None)
    spc = spc_summary(points, polarity=polarity, target=spc_target)
    comparisons = compare(latest, benchmarks, polarity=polarity, value_type=value_type)
    primary = next((c for c in comparisons if c["benchmark"] is not None), None)
    forecast, target = forecast_and_status(
        points, targets=targets, polarity=polarity, parse=parse, value_type=value_type
    )
    return Summary(
        points=len(points),
        latest=latest,
        polarity=polarity,
        completeness=completeness(points),
        spc=spc,
        comparisons=comparisons,
        benchmark=primary,
        trend=trend_summary(points, polarity=polarity, value_type=value_type, spc=spc),
        forecast=forecast,
        target=target,
        series=[p.as_dict() for p in points],
    )
