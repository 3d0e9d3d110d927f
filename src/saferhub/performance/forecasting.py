"""The baseline forecast ("if nothing changes") of one series and its status against each ambition:
on track, at risk, off track, no ambition set, or not assessed (docs/performance.md)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from saferhub.core.errors import SaferhubError
from saferhub.performance.series import Point, TargetInfo, _index_label, period_index, segments
from saferhub.stats import forecast as stats_forecast
from saferhub.stats.ambition import AmbitionStatus, relative_ambition
from saferhub.stats.results import figure

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


# Why an ambition that is not a number cannot be judged, in the reader's words (framework Target.Kind).
AMBITION_KIND_WORDS = {
    "direction": "a direction without reduce or increase",
    "relative": "relative to comparators, judged once their values are loaded",
    "baseline_tbe": "waiting for its baseline to be established",
    "tbc": "still to be confirmed",
    "value": "a value that has not been given",
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
    # "Not enough evidence" is a judgement too: the forecast's interval straddles the ambition and is too
    # wide to say which side it will fall (saferhub.stats.forecast.target_status gives the reason).
    judged = [a for a in assessed if a["status"] in ("on_track", "at_risk", "off_track", "not_enough_evidence")]
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


RELATIVE_STATUS = {
    AmbitionStatus.MET: "on_track",
    AmbitionStatus.NOT_MET: "off_track",
    AmbitionStatus.NOT_ASSESSED: "not_assessed",
}


def _judge_relative(target: TargetInfo, last: Point) -> dict[str, Any]:
    """Seed 000's "greater than 1 standard deviation below the national and regional averages": the
    latest value against each comparator group's mean and spread (saferhub.stats.ambition)."""
    result = relative_ambition(
        last.value,
        comparators=target.comparators,
        standard_deviations=1.0,
        direction="above" if target.direction == "increase" else "below",
    )
    return {"status": RELATIVE_STATUS[result.status], "reason": f"in {last.period}: {result.reason}"}


def _judge(
    target: TargetInfo, when: dt.date | None, last: Point, forecast: dict[str, Any] | None, polarity: str, why_not: str
) -> dict[str, Any]:
    ambition = target.value
    pol = polarity
    if target.kind == "relative" and ambition is None and target.comparators:
        return _judge_relative(target, last)
    if target.kind == "direction" and target.direction in ("reduce", "increase"):
        ambition = last.value
        pol = "lower_is_better" if target.direction == "reduce" else "higher_is_better"
    elif target.kind != "value" or ambition is None:
        return {
            "status": "not_assessed",
            "reason": f"the ambition is {AMBITION_KIND_WORDS.get(target.kind, 'not a number')}",
        }
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
            "reason": f"the ambition's date has passed; the latest value {figure(last.value)} "
            f"{'meets' if met else 'does not meet'} the ambition {figure(ambition)}",
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
        reason = f"to {target.direction} from the latest value {figure(ambition)}: " + reason
    return {"status": judged.status.value, "reason": reason, "ambition": ambition, "forecast_period": fp["period"]}
