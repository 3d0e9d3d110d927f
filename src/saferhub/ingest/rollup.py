"""Region and country totals of police.uk counts: the sum of their CSP areas, or nothing.

A region's (or England's, or Wales's) count for a month is the sum of its current district and
unitary areas' counts (the members of its fixed "everyone in the region/country" group, built by
the national geography load), written only when every one of them has data for that month. With some
forces' records missing the unit gets no value at all: a partial sum is never passed off as the
whole (docs/ingestion.md, "Aggregation"). The sums run over the aggregated counts (areas × months
× types), never over records.
"""

from __future__ import annotations

from collections import defaultdict

from saferhub.geography.models import ComparatorGroup

# month → area code → low volume?; (area code, month) → indicator slug → count
Covered = dict[str, dict[str, bool]]
Counts = dict[tuple[str, str], dict[str, int]]


def rollup_members() -> dict[str, frozenset[str]]:
    """Region and country code → the codes of the CSP areas in it, from the fixed comparator groups
    the national geography builds ("everyone in the region / country"). A hub that knows only some
    of a country's districts (the built-in Essex geography) has no such groups, so no totals: the
    sum of the districts it knows is not the country's."""
    members: dict[str, set[str]] = defaultdict(set)
    for unit, code in ComparatorGroup.objects.filter(
        kind__in=[ComparatorGroup.Kind.REGION, ComparatorGroup.Kind.COUNTRY],
        basis=ComparatorGroup.Basis.FIXED,
        level=ComparatorGroup.Level.CSP,
        defined_by__isnull=False,
    ).values_list("defined_by__code", "members__code"):
        if code:
            members[unit].add(code)
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
