"""What each area's value is compared with in a refresh: the areas it lies in, its force area, the
comparator groups that compare it, and (for a county or force area) its partnership areas.

``Comparators`` is built once per refresh. A national refresh summarises about 7,000 series, and the
national geography has a most similar group for every partnership area: asking every group whether it
holds each area, and pooling a group's 300 members again for each of them, took a fifth of the refresh
(7 December 2026). Here each area's groups are found once, and a group's pooled value is worked out
once per indicator and period.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

from saferhub.framework.models import Indicator
from saferhub.geography.models import CSP_AREA_TYPES, Area, AreaType, ComparatorGroup
from saferhub.performance import compute

# Groups chosen for one area: they compare that area alone, not every member.
_ONE_AREA_KINDS = frozenset({ComparatorGroup.Kind.MOST_SIMILAR, ComparatorGroup.Kind.STATISTICAL_NEIGHBOURS})

AREA_KIND_WORDS = {
    "country": "country",
    "region": "region",
    "county": "county",
    "police_force_area": "police force area",
    "unitary": "unitary authority",
    "district": "district",
}

Series = dict[tuple[int, str], compute.Point]  # (area key, period label) → its point, for one indicator


def ancestors(area: Area, areas: dict[int, Area]) -> list[Area]:
    chain, seen = [], {area.pk}
    current = areas.get(area.parent_id) if area.parent_id else None
    while current is not None and current.pk not in seen:
        chain.append(current)
        seen.add(current.pk)
        current = areas.get(current.parent_id) if current.parent_id else None
    return chain


def _groups() -> list[tuple[ComparatorGroup, list[int]]]:
    """Every comparator group with its members' keys (in code order), read as pairs of keys: the
    national groups hold every partnership area, and making an Area of each member for each
    indicator's refresh took longer than the rest of a county's refresh."""
    members: dict[int, list[int]] = defaultdict(list)
    pairs = ComparatorGroup.members.through.objects.order_by("area__code").values_list("comparatorgroup_id", "area_id")
    for group_id, area_id in pairs:
        members[group_id].append(area_id)
    return [(g, members[g.pk]) for g in ComparatorGroup.objects.order_by("name")]


class Comparators:
    """The areas of a refresh and the comparator groups, with each area's groups found once."""

    def __init__(self, areas: dict[int, Area]) -> None:
        self.areas = areas
        # An area's groups, in name order: those that hold it, less another area's own most similar group
        # (which merely includes it); a listed set (every Essex CSP, a region's forces) compares each member.
        self.groups_of: dict[int, list[tuple[ComparatorGroup, list[int]]]] = defaultdict(list)
        for group, member_ids in _groups():
            for area_id in member_ids:
                if group.kind in _ONE_AREA_KINDS and group.for_area_id not in (None, area_id):
                    continue
                self.groups_of[area_id].append((group, member_ids))
        self._pooled: dict[tuple[int, int, str], tuple[float | None, str]] = {}

    def benchmarks(self, area: Area, period: str, *, indicator: Indicator, series: Series) -> list[compute.Benchmark]:
        """Benchmarks for ``area`` in ``period``, in the order the first one with a value is "the" benchmark:
        the areas it lies in (county, region, country), its police force area, then each comparator group
        it belongs to (pooled)."""
        out: list[compute.Benchmark] = []
        candidates = ancestors(area, self.areas)
        if area.force_area_id and area.force_area_id in self.areas:
            candidates.append(self.areas[area.force_area_id])
        for other in candidates:
            point = series.get((other.pk, period))
            out.append(
                compute.Benchmark(
                    key=f"area:{other.code}",
                    name=other.name,
                    kind=AREA_KIND_WORDS.get(other.area_type, other.area_type),
                    value=point.value if point else None,
                    note="" if point else f"{other.name} has no value for {period}",
                )
            )
        for group, member_ids in self.groups_of.get(area.pk, ()):
            value, note = self._group_value(group, member_ids, period, indicator=indicator, series=series)
            out.append(
                compute.Benchmark(
                    key=f"group:{group.slug}", name=group.name, kind="comparator group", value=value, note=note
                )
            )
        # Benchmarks with a value first, keeping the order above among them.
        return sorted(out, key=lambda b: b.value is None)

    def _group_value(
        self, group: ComparatorGroup, member_ids: list[int], period: str, *, indicator: Indicator, series: Series
    ) -> tuple[float | None, str]:
        key = (indicator.pk, group.pk, period)
        if key not in self._pooled:
            rows = [p for m in member_ids if (p := series.get((m, period))) is not None and p.value is not None]
            value, note = compute.pooled(rows, multiplier=indicator.multiplier)
            if rows and len(rows) < len(member_ids):
                note += f" ({len(member_ids) - len(rows)} of {len(member_ids)} members have no value)"
            self._pooled[key] = (value, note)
        return self._pooled[key]

    def with_comparators(
        self, targets: list[compute.TargetInfo], place: Area, latest: compute.Point | None, *, series: Series
    ) -> list[compute.TargetInfo]:
        """Relative ambitions ("below the national and regional averages") get the values they are judged
        against: areas of the same kind in the same country and in the same region, in the latest period,
        the area itself left out. Other ambitions are returned as they are."""
        if latest is None or not any(t.kind == "relative" and t.value is None for t in targets):
            return targets
        chain = {a.area_type: a for a in ancestors(place, self.areas)}
        peers = [
            (a, p.value)
            for a in self.areas.values()
            if a.area_type == place.area_type
            and a.pk != place.pk
            and (p := series.get((a.pk, latest.period))) is not None
            and p.value is not None
            and p.basis == latest.basis
        ]
        comparators: dict[str, list[float]] = {}
        for kind, words in ((AreaType.COUNTRY, "national"), (AreaType.REGION, "regional")):
            home = chain.get(kind)
            if home is None:
                continue
            comparators[f"{words} ({home.name})"] = [
                v for a, v in peers if any(x.pk == home.pk for x in ancestors(a, self.areas))
            ]
        return [replace(t, comparators=comparators) if t.kind == "relative" and t.value is None else t for t in targets]

    def districts(
        self, place: Area, latest: compute.Point | None, indicator: Indicator, *, series: Series
    ) -> dict[str, Any] | None:
        """For a county or force area: its community safety partnership areas at its latest period, each
        compared with it, and the funnel. None for other areas."""
        if latest is None or place.area_type in CSP_AREA_TYPES:
            return None
        if place.area_type == "police_force_area":
            members = [a for a in self.areas.values() if a.force_area_id == place.pk and a.area_type in CSP_AREA_TYPES]
        else:
            members = [a for a in self.areas.values() if a.parent_id == place.pk and a.area_type in CSP_AREA_TYPES]
        units = [
            (a.code, a.name, p)
            for a in sorted(members, key=lambda a: a.name)
            if (p := series.get((a.pk, latest.period))) is not None and p.value is not None
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
