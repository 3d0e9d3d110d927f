"""Which counts of the hot spot and repeat-location tables a public reader may see (pure, no Django).

The maps page already publishes each LSOA's records of all types for one month, with counts of 1
to 4 suppressed and, in that column, the next smallest hidden too (``saferhub.core.disclosure``);
the district profile publishes the district's count of each type by month. Anything more must not
let a reader recover a hidden count by subtraction. Two ways were tried and closed
(tests/unit/assessment/test_publication.py):

- **Across months**: a range's count less another range's count is a month's count. So a count over
  several months is shown only if the same unit's count is shown in every one of its months; what
  is shown is then a sum of figures the maps page shows anyway.
- **Across types**: an LSOA's records of all types (maps page) less its counts of the other types
  is the count of the type left, and a type's counts by LSOA less the district's count of that type
  (district profile) is the one LSOA left. Secondary suppression of the LSOA × type table cannot
  close this on its own, because both its row and its column totals are printed elsewhere and a
  zero shown beside a hidden cell pins it down. So public readers are shown counts of all types
  only; for a single type they see which LSOAs are hot or cold spots, not the counts (or the
  z-scores, which with the weights give the counts back).

Police.uk map points (repeat locations) follow the same rules: all types only, and a point's count
over several months only where it is 0 or at least 5 in each of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from saferhub.core.disclosure import is_small, suppress_table


def maps_page_hidden(counts: Mapping[str, int]) -> frozenset[str]:
    """The LSOAs whose all-types count of one month the maps page hides (one column with its total),
    reproduced here so that this page hides at least the same ones."""
    units = sorted(counts)
    mask = suppress_table([[counts[u]] for u in units], row_totals=False)
    return frozenset(u for u, m in zip(units, mask.cells, strict=True) if m[0])


def lsoas_hidden(months: Iterable[Mapping[str, int]]) -> frozenset[str]:
    """LSOAs whose all-types count over these months (one district, one mapping of LSOA → records
    per month) a public reader may not see: those the maps page hides in any of the months."""
    hidden: set[str] = set()
    for counts in months:
        hidden |= maps_page_hidden(counts)
    return frozenset(hidden)


def points_hidden(months: Iterable[Mapping[str, int]]) -> frozenset[str]:
    """Map points whose all-types count over these months a public reader may not see: those with a
    count of 1 to 4 in any month (no page publishes a point's total to subtract from)."""
    hidden: set[str] = set()
    for counts in months:
        hidden |= {p for p, n in counts.items() if is_small(n)}
    return frozenset(hidden)
