"""Region and country totals of police.uk counts: the sum of their CSP areas, or nothing.

A region's (or England's, or Wales's) count for a month is the sum of its current district and
unitary areas' counts, written only when every one of them has data for that month. With some
forces' records missing the unit gets no value at all: a partial sum is never passed off as the
whole (docs/ingestion.md, "Aggregation"). The sums run over the aggregated counts (areas × months
× types), never over records.
"""

from __future__ import annotations

from collections import defaultdict

from saferhub.geography.models import CSP_AREA_TYPES, Area, AreaType

ROLLUP_TYPES = (AreaType.REGION, AreaType.COUNTRY)

# month → area code → low volume?; (area code, month) → indicator slug → count
Covered = dict[str, dict[str, bool]]
Counts = dict[tuple[str, str], dict[str, int]]


def rollup_members() -> dict[str, frozenset[str]]:
    """Region and country code → the codes of the current CSP areas that lie in it."""
    units = dict(Area.objects.filter(area_type__in=ROLLUP_TYPES).values_list("pk", "code"))
    parent = dict(Area.objects.filter(parent__isnull=False).values_list("pk", "parent_id"))
    members: dict[str, set[str]] = defaultdict(set)
    for pk, code in Area.objects.filter(area_type__in=CSP_AREA_TYPES, successor__isnull=True).values_list("pk", "code"):
        seen, current = {pk}, parent.get(pk)
        while current is not None and current not in seen:
            seen.add(current)
            if current in units:
                members[units[current]].add(code)
            current = parent.get(current)
    return {unit: frozenset(codes) for unit, codes in members.items()}


def add_region_and_country_totals(*, covered: Covered, counts: Counts) -> None:
    """Add, in place, each region's and country's counts for the months all its CSP areas hold."""
    members = rollup_members()
    for month, areas in list(covered.items()):
        present = set(areas)
        for unit, csps in members.items():
            if not csps or not csps <= present:
                continue  # some CSP area has no data for the month: no value, not a partial sum
            covered[month][unit] = any(areas[c] for c in csps)
            total = counts.setdefault((unit, month), defaultdict(int))
            for csp in csps:
                for slug, n in counts.get((csp, month), {}).items():
                    total[slug] = total.get(slug, 0) + n
