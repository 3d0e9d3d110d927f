"""Writes of performance summaries: ``performance_refresh`` recomputes them from indicator values.

Call it after values change (an import, a return, a revision) and from ``saferhub performance
refresh``. Pages only read the stored summaries. It reads every value it needs in a few queries,
computes in memory, and replaces the summaries in one transaction, so a page never sees half a
refresh. Running it twice changes nothing but the time stamps.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import transaction
from django.utils import timezone

from saferhub.core.codes import parse_period
from saferhub.framework.models import Indicator, PolarityChange, Target
from saferhub.geography.models import CSP_AREA_TYPES, Area, AreaType, ComparatorGroup
from saferhub.measures.models import IndicatorValue
from saferhub.performance import compute
from saferhub.performance.models import IndicatorSummary
from saferhub.performance.suppression import suppression_refresh

# Groups chosen for one area: they compare that area alone, not every member.
_ONE_AREA_KINDS = frozenset({ComparatorGroup.Kind.MOST_SIMILAR, ComparatorGroup.Kind.STATISTICAL_NEIGHBOURS})

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
AREA_KIND_WORDS = {
    "country": "country",
    "region": "region",
    "county": "county",
    "police_force_area": "police force area",
    "unitary": "unitary authority",
    "district": "district",
}


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


def _ancestors(area: Area, areas: dict[int, Area]) -> list[Area]:
    chain, seen = [], {area.pk}
    current = areas.get(area.parent_id) if area.parent_id else None
    while current is not None and current.pk not in seen:
        chain.append(current)
        seen.add(current.pk)
        current = areas.get(current.parent_id) if current.parent_id else None
    return chain


def _benchmarks(
    area: Area,
    period: str,
    *,
    areas: dict[int, Area],
    by_area_period: dict[tuple[int, str], compute.Point],
    groups: list[tuple[ComparatorGroup, list[int]]],
    multiplier: float,
) -> list[compute.Benchmark]:
    """Benchmarks for ``area`` in ``period``, in the order the first one with a value is "the" benchmark:
    the areas it lies in (county, region, country), its police force area, then each comparator group
    it belongs to (pooled)."""
    out: list[compute.Benchmark] = []
    candidates = _ancestors(area, areas)
    if area.force_area_id and area.force_area_id in areas:
        candidates.append(areas[area.force_area_id])
    for other in candidates:
        point = by_area_period.get((other.pk, period))
        out.append(
            compute.Benchmark(
                key=f"area:{other.code}",
                name=other.name,
                kind=AREA_KIND_WORDS.get(other.area_type, other.area_type),
                value=point.value if point else None,
                note="" if point else f"{other.name} has no value for {period}",
            )
        )
    for group, member_ids in groups:
        # Another area's most similar group that merely includes this one is not its comparator;
        # a listed set (every Essex CSP, a region's forces) compares each member with the rest.
        belongs_to_another = group.kind in _ONE_AREA_KINDS and group.for_area_id not in (None, area.pk)
        if area.pk not in member_ids or belongs_to_another:
            continue
        rows = [p for m in member_ids if (p := by_area_period.get((m, period))) is not None and p.value is not None]
        value, note = compute.pooled(rows, multiplier=multiplier)
        if rows and len(rows) < len(member_ids):
            note += f" ({len(member_ids) - len(rows)} of {len(member_ids)} members have no value)"
        out.append(
            compute.Benchmark(
                key=f"group:{group.slug}", name=group.name, kind="comparator group", value=value, note=note
            )
        )
    # Benchmarks with a value first, keeping the order above among them.
    return sorted(out, key=lambda b: b.value is None)


def _groups() -> list[tuple[ComparatorGroup, list[int]]]:
    """Every comparator group with its members' keys (in code order), read as pairs of keys: the
    national groups hold every partnership area, and making an Area of each member for each
    indicator's refresh took longer than the rest of a county's refresh."""
    members: dict[int, list[int]] = defaultdict(list)
    pairs = ComparatorGroup.members.through.objects.order_by("area__code").values_list("comparatorgroup_id", "area_id")
    for group_id, area_id in pairs:
        members[group_id].append(area_id)
    return [(g, members[g.pk]) for g in ComparatorGroup.objects.order_by("name")]


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
    groups = _groups()
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
    with transaction.atomic():
        # What the public may not see, decided for each family of related figures at once.
        decided = suppression_refresh(indicators=indicators)  # -1: unchanged since its last decision
        stored: list[IndicatorSummary] = []
        summary.notes += [f"{n} figures of {name} hidden from the public" for name, n in decided.items() if n >= 0]
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
                    _benchmarks(
                        place,
                        latest.period,
                        areas=areas,
                        by_area_period=by_area_period,
                        groups=groups,
                        multiplier=ind.multiplier,
                    )
                    if latest
                    else []
                )
                result = compute.summarise(
                    points,
                    polarity=polarity,
                    value_type=ind.value_type,
                    benchmarks=benchmarks,
                    targets=_with_comparators(
                        targets.get((ind.pk, area_id), []), place, latest, areas=areas, by_area_period=by_area_period
                    ),
                    parse=parse_period,
                )
                detail = result.detail()
                detail["districts"] = _districts(place, latest, ind, areas=areas, by_area_period=by_area_period)
                stored.append(_summary(ind, place, result, detail, now))
                summary.written += 1
        # One statement per batch, not one query per summary (a national refresh writes thousands).
        IndicatorSummary.objects.bulk_create(
            stored,
            update_conflicts=True,
            unique_fields=["indicator", "area"],
            update_fields=[*_SUMMARY_FIELDS, "updated_at"],
            batch_size=500,
        )
    return summary


def _with_comparators(
    targets: list[compute.TargetInfo],
    place: Area,
    latest: compute.Point | None,
    *,
    areas: dict[int, Area],
    by_area_period: dict[tuple[int, str], compute.Point],
) -> list[compute.TargetInfo]:
    """Relative ambitions ("below the national and regional averages") get the values they are judged
    against: areas of the same kind in the same country and in the same region, in the latest period,
    the area itself left out. Other ambitions are returned as they are."""
    if latest is None or not any(t.kind == "relative" and t.value is None for t in targets):
        return targets
    chain = {a.area_type: a for a in _ancestors(place, areas)}
    peers = [
        (a, p.value)
        for a in areas.values()
        if a.area_type == place.area_type
        and a.pk != place.pk
        and (p := by_area_period.get((a.pk, latest.period))) is not None
        and p.value is not None
        and p.basis == latest.basis
    ]
    comparators: dict[str, list[float]] = {}
    for kind, words in ((AreaType.COUNTRY, "national"), (AreaType.REGION, "regional")):
        home = chain.get(kind)
        if home is None:
            continue
        comparators[f"{words} ({home.name})"] = [
            v for a, v in peers if any(x.pk == home.pk for x in _ancestors(a, areas))
        ]
    return [replace(t, comparators=comparators) if t.kind == "relative" and t.value is None else t for t in targets]


def _districts(
    place: Area,
    latest: compute.Point | None,
    indicator: Indicator,
    *,
    areas: dict[int, Area],
    by_area_period: dict[tuple[int, str], compute.Point],
) -> dict[str, Any] | None:
    """For a county or force area: its community safety partnership areas at its latest period, each
    compared with it, and the funnel. None for other areas."""
    if latest is None or place.area_type in CSP_AREA_TYPES:
        return None
    if place.area_type == "police_force_area":
        members = [a for a in areas.values() if a.force_area_id == place.pk and a.area_type in CSP_AREA_TYPES]
    else:
        members = [a for a in areas.values() if a.parent_id == place.pk and a.area_type in CSP_AREA_TYPES]
    units = [
        (a.code, a.name, p)
        for a in sorted(members, key=lambda a: a.name)
        if (p := by_area_period.get((a.pk, latest.period))) is not None and p.value is not None
    ]
    if not units:
        return None
    bench = compute.Benchmark(key=f"area:{place.code}", name=place.name, kind="", value=latest.value)
    rows = []
    for code, name, p in units:
        c = compute.compare(p, [bench], polarity=indicator.polarity, value_type=indicator.value_type)[0]
        rows.append(
            {"code": code, "name": name, **p.as_dict(), "outcome_95": c["outcome_95"], "reason_95": c["reason_95"]}
        )
    return {
        "period": latest.period,
        "benchmark": {"code": place.code, "name": place.name, "value": latest.value},
        "rows": rows,
        "funnel": compute.funnel(units, value_type=indicator.value_type, multiplier=indicator.multiplier),
    }


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
    """Plain JSON: dates as ISO text, non-finite numbers as null."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return compute.finite(value)
    return value
