"""Which counts of the hot spot and repeat-location tables a public reader may see, and how (pure,
no Django).

The maps page already publishes each LSOA's records of all types for one month, with counts of 1
to 4 suppressed and, in that column, the next smallest hidden too (``saferhub.core.disclosure``);
the district profile publishes the district's count of each type by month. Anything more must not
let a reader recover a hidden count by subtraction (tests/unit/assessment/test_publication.py tries):

- **All types, exactly**: an LSOA's count over several months is shown only if the maps page shows
  its count in every one of those months, so what is shown is a sum of figures already public (a
  range less another range would otherwise give a month's hidden count).
- **One crime type: classes, not counts**: exact counts of one type by LSOA could be subtracted from
  the maps page's all-types counts and the district profile's totals, and secondary suppression
  cannot stop that when both the rows' and the columns' totals are printed elsewhere; counts in
  bands of five leak too where a band's edge meets a printed total (two LSOAs of "fewer than 5"
  robberies that the district's total of 8 pins to 4 each). So for a single type (and for all crime
  or anti-social behaviour alone, which are all types less the other) public readers see which
  LSOAs are hot or cold spots, not the counts, z-scores or p-values (which with the weights give
  the counts back).
- **Map points (repeat locations)**: no count at a point is shown to public readers. A point's
  count beside the LSOA's total on the maps page pins down the rest of the LSOA, and whatever rule
  decides which points are listed ("at least 5") says something about the points left out: two
  unlisted points in an LSOA of 8 records hold 4 each. Members of the partnership see them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from saferhub.core.disclosure import suppress_table


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
