"""Writes of performance summaries: ``performance_refresh`` recomputes them from indicator values.

Call it after values change (an import, a return, a revision) and from ``saferhub performance
refresh``. Pages only read the stored summaries. It reads every value it needs in a few queries,
computes in memory, and replaces the summaries in one transaction, so a page never sees half a
refresh. Running it twice changes nothing but the time stamps.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import orjson
from django.db import transaction
from django.utils import timezone

from saferhub.core.codes import parse_period
from saferhub.framework.models import Indicator, PolarityChange, Target
from saferhub.geography.models import Area
from saferhub.measures.models import IndicatorValue
from saferhub.performance import compute
from saferhub.performance.benchmarks import Comparators
from saferhub.performance.models import IndicatorSummary
from saferhub.performance.suppression import suppression_begin

PARTIAL = "partial"
PROXY = "proxy"

_FIELDS = (
    "area_id",
    "period_label",
    "period_kind",
    "period_start",
    "period_end",
    "value",
    "lower_95",
    "upper_95",
    "lower_998",
    "upper_998",
    "numerator",
    "denominator",
    "status",
    "quality_flags",
)
# What a refresh writes of each summary (the rest: its keys and when it was first made).
_SUMMARY_FIELDS = [
    "computed_at",
    "points",
    "latest_period_label",
    "latest_period_start",
    "latest_period_end",
    "latest_value",
    "latest_lower_95",
    "latest_upper_95",
    "latest_numerator",
    "target_status",
    "spc_variation",
    "spc_assurance",
    "benchmark_outcome",
    "benchmark_name",
    "trend",
    "completeness",
    "detail",
]


@dataclass
class RefreshSummary:
    written: int = 0
    removed: int = 0
    indicators: int = 0
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.written} summaries written for {self.indicators} indicators, {self.removed} removed"


def _point(row: dict[str, Any]) -> compute.Point:
    return compute.Point(
        period=row["period_label"],
        kind=row["period_kind"],
        start=row["period_start"],
        end=row["period_end"],
        value=row["value"],
        lower_95=row["lower_95"],
        upper_95=row["upper_95"],
        lower_998=row["lower_998"],
        upper_998=row["upper_998"],
        numerator=row["numerator"],
        denominator=row["denominator"],
        # A period with months missing (computed from records) is shown but never judged.
        status=PARTIAL if PARTIAL in (row.get("quality_flags") or []) else row["status"],
        basis=PROXY if PROXY in (row.get("quality_flags") or []) else "",
    )


def performance_refresh(
    *, indicator: Indicator | None = None, indicators: list[Indicator] | None = None, area: Area | None = None
) -> RefreshSummary:
    """Recompute the stored summaries of one indicator, of several (``indicators``: an import's, in one
    call, so each family's figures are read and decided once) or of all, in one area (or every area
    with values).

    Benchmarks and district comparisons read every area's values, whichever ``area`` is asked for.
    """
    if indicator is not None and indicators is not None:
        raise ValueError("give either one indicator or a list of indicators, not both")
    if indicator is not None:
        indicators = [indicator]
    elif indicators is None:
        indicators = list(Indicator.objects.all())
    else:
        indicators = list({i.pk: i for i in indicators}.values())
    summary = RefreshSummary(indicators=len(indicators))
    if not indicators:
        return summary
    rows = (
        IndicatorValue.objects.filter(indicator__in=indicators, breakdown="")
        .order_by("indicator_id", "area_id", "period_start")
        .values("indicator_id", *_FIELDS)
    )
    series: dict[int, dict[int, list[compute.Point]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        series[row["indicator_id"]][row["area_id"]].append(_point(row))
    area_ids = {a for per in series.values() for a in per}
    areas = {a.pk: a for a in Area.objects.filter(pk__in=area_ids)}
    # Parents and force areas too, so that benchmarks can be named even without values.
    more = {x for a in areas.values() for x in (a.parent_id, a.force_area_id) if x and x not in areas}
    while more:
        fetched = {a.pk: a for a in Area.objects.filter(pk__in=more)}
        areas.update(fetched)
        more = {a.parent_id for a in fetched.values() if a.parent_id and a.parent_id not in areas}
    comparators = Comparators(areas)
    changes: dict[int, list[tuple[dt.date, str]]] = defaultdict(list)
    for ch in PolarityChange.objects.filter(indicator__in=indicators):
        changes[ch.indicator_id].append((ch.effective_from, ch.polarity))
    targets: dict[tuple[int, int | None], list[compute.TargetInfo]] = defaultdict(list)
    for t in Target.objects.filter(indicator__in=indicators).select_related("framework"):
        area_id = t.area_id if t.area_id is not None else (t.framework.area_id if t.framework else None)
        targets[(t.indicator_id, area_id)].append(
            compute.TargetInfo(
                id=t.pk,
                wording=t.wording,
                kind=t.kind,
                horizon=t.horizon,
                value=t.value,
                direction=t.direction,
                target_date=t.target_date,
                period_label=t.period_label,
            )
        )
    now = timezone.now()
    # What the public may not see, decided for each family of related figures at once: large families
    # in other processes (when there are processors to spare) while the summaries are worked out here.
    with transaction.atomic(), suppression_begin(indicators=indicators) as deciding:
        stored: list[IndicatorSummary] = []
        for ind in indicators:
            per_area = series.get(ind.pk, {})
            scope = [area.pk] if area is not None else list(per_area)
            stale = IndicatorSummary.objects.filter(indicator=ind)
            if area is not None:
                stale = stale.filter(area=area)
            removed, _ = stale.exclude(area_id__in=[a for a in scope if a in per_area]).delete()
            summary.removed += removed
            by_area_period = {(a, p.period): p for a, pts in per_area.items() for p in pts}
            for area_id in scope:
                points = per_area.get(area_id)
                if not points:
                    continue
                place = areas[area_id]
                latest = next((p for p in reversed(points) if p.value is not None), None)
                polarity = compute.polarity_at(ind.polarity, changes[ind.pk], latest.start if latest else None)
                benchmarks = (
                    comparators.benchmarks(place, latest.period, indicator=ind, series=by_area_period) if latest else []
                )
                result = compute.summarise(
                    points,
                    polarity=polarity,
                    value_type=ind.value_type,
                    benchmarks=benchmarks,
                    targets=comparators.with_comparators(
                        targets.get((ind.pk, area_id), []), place, latest, series=by_area_period
                    ),
                    parse=parse_period,
                )
                detail = result.detail()
                detail["districts"] = comparators.districts(place, latest, ind, series=by_area_period)
                stored.append(_summary(ind, place, result, detail, now))
                summary.written += 1
                if len(stored) == _WRITE_BATCH:
                    _write(stored)
        _write(stored)
        decided = deciding.finish()  # -1: unchanged since its last decision
        summary.notes += [f"{n} figures of {name} hidden from the public" for name, n in decided.items() if n >= 0]
    return summary


# Summaries written at once. One statement per batch, not one query per summary (a national refresh
# writes 7,000); written as they are made, as a county's or force's detail (each partnership area and
# the funnel) is large: a national refresh's summaries come to 100 MB as JSON, more as Python objects.
_WRITE_BATCH = 500


def _write(stored: list[IndicatorSummary]) -> None:
    IndicatorSummary.objects.bulk_create(
        stored,
        update_conflicts=True,
        unique_fields=["indicator", "area"],
        update_fields=[*_SUMMARY_FIELDS, "updated_at"],
    )
    stored.clear()


def _summary(
    indicator: Indicator, area: Area, result: compute.Summary, detail: dict[str, Any], now: dt.datetime
) -> IndicatorSummary:
    latest = result.latest
    spc = result.spc or {}
    values = {
        "computed_at": now,
        "points": result.points,
        "latest_period_label": latest.period if latest else "",
        "latest_period_start": latest.start if latest else None,
        "latest_period_end": latest.end if latest else None,
        "latest_value": latest.value if latest else None,
        "latest_lower_95": latest.lower_95 if latest else None,
        "latest_upper_95": latest.upper_95 if latest else None,
        "latest_numerator": latest.numerator if latest else None,
        "target_status": result.target["status"],
        "spc_variation": spc.get("variation") or "",
        "spc_assurance": spc.get("assurance") or "",
        "benchmark_outcome": (result.benchmark or {}).get("outcome_95", ""),
        "benchmark_name": (result.benchmark or {}).get("name", ""),
        "trend": result.trend.get("outcome", ""),
        "completeness": result.completeness.get("share"),
        "detail": _json_safe(detail),
    }
    return IndicatorSummary(indicator=indicator, area=area, **values)


def _json_safe(value: Any) -> Any:
    """Plain JSON: dates as ISO text, non-finite numbers as null. orjson does it in one pass in C; the
    same walk in Python took an eighth of a national refresh (7 December 2026)."""
    return orjson.loads(orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY))
