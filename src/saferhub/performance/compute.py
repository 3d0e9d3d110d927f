"""How one indicator's position in one area is worked out, from plain values (no database here).

``services.performance_refresh`` reads the values, calls ``summarise`` for each indicator and area,
and stores the result. Every statistic comes from ``saferhub.stats``; this module only decides which
points go in and keeps each result's reason beside it, so that a page can show why a cell has its
colour. docs/performance.md describes each decision for people.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from saferhub.core.errors import SaferhubError
from saferhub.performance.forecasting import VALUE_RANGE, forecast_and_status, forecast_base, target_due
from saferhub.performance.series import (
    ANNUAL,
    GAP_REBASE,
    RECENT_POINTS,
    SUB_ANNUAL,
    Benchmark,
    Point,
    Summary,
    TargetInfo,
    _stats_polarity,
    completeness,
    finite,
    period_index,
    polarity_at,
    segments,
)
from saferhub.stats import compare as stats_compare
from saferhub.stats import funnel as stats_funnel
from saferhub.stats import spc as stats_spc
from saferhub.stats import trend as stats_trend
from saferhub.stats.results import figure

__all__ = [
    "ANNUAL",
    "GAP_REBASE",
    "RECENT_POINTS",
    "SUB_ANNUAL",
    "VALUE_RANGE",
    "Benchmark",
    "Point",
    "Summary",
    "TargetInfo",
    "compare",
    "completeness",
    "finite",
    "forecast_and_status",
    "forecast_base",
    "funnel",
    "period_index",
    "polarity_at",
    "pooled",
    "segments",
    "spc_summary",
    "summarise",
    "target_due",
    "trend_summary",
]

# --- SPC -----------------------------------------------------------------------------------------


RULE_WORDS = {
    "outside_limits": "a point outside the process limits",
    "in_run": "a run of {run} or more points on one side of the mean",
    "in_trend": "{trend} or more points each rising or falling",
    "in_two_of_three": "2 of 3 points beyond the 2-sigma line on the same side",
}


MIN_ANNUAL_SPC = 5  # years; fewer than 15 points give trial limits, which the page says (Making Data Count)


def spc_summary(points: Sequence[Point], *, polarity: str, target: float | None) -> dict[str, Any] | None:
    """XmR chart of a monthly, quarterly or annual series, rebased after long gaps; None if not
    applicable. An annual series needs ``MIN_ANNUAL_SPC`` whole years: with fewer, limits from a
    handful of years say little (its recent trend is the Fingertips test instead)."""
    present = [p for p in points if p.value is not None]
    if not present or present[0].kind not in (*SUB_ANNUAL, *ANNUAL):
        return None
    if present[0].kind in ANNUAL and len(present) < MIN_ANNUAL_SPC:
        return {
            "applicable": False,
            "reason": (
                f"an SPC chart of yearly values needs at least {MIN_ANNUAL_SPC} years; this series has {len(present)}"
            ),
        }
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
        return num / den * multiplier, f"pooled: {figure(num)} over {figure(den)} across {len(rows)} members"
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


PROXY_BASIS = "proxy"
PROXY_REASON = (
    "not judged against the plan's ambition: the latest figure is a proxy counted from police.uk records, "
    "not the plan's own measure"
)


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
    # Periods with months missing (status "partial") are shown, never judged: SPC, trend and forecast
    # read whole periods only, and only those measured the same way as the latest value: a police.uk
    # proxy and the plan's own measure are two series, never one.
    basis = latest.basis if latest else ""
    whole = [p for p in points if p.status != "partial" and p.basis == basis]
    if basis == PROXY_BASIS and targets:
        targets = []
        proxy_reason = PROXY_REASON
    else:
        proxy_reason = ""
    spc_target = next((t.value for t in targets if t.kind == "value" and t.value is not None), None)
    spc = spc_summary(whole, polarity=polarity, target=spc_target)
    comparisons = compare(latest, benchmarks, polarity=polarity, value_type=value_type)
    primary = next((c for c in comparisons if c["benchmark"] is not None), None)
    forecast, target = forecast_and_status(
        whole, targets=targets, polarity=polarity, parse=parse, value_type=value_type
    )
    if proxy_reason:
        target = {**target, "status": "not_assessed", "reason": proxy_reason}
    return Summary(
        points=len(points),
        latest=latest,
        polarity=polarity,
        completeness=completeness(points),
        spc=spc,
        comparisons=comparisons,
        benchmark=primary,
        trend=trend_summary(whole, polarity=polarity, value_type=value_type, spc=spc),
        forecast=forecast,
        target=target,
        series=[p.as_dict() for p in points],
    )
