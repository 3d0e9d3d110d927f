"""An attacker reads every public figure the hub prints for a district — each LSOA's records of all
types by month with the month's total (the maps page) — and the hot spot page's counts for every
range of months, and subtracts whatever can be subtracted. The hot spot page must add nothing: no
count of 1 to 4 falls out that the maps page did not already give away. (Why single types and map
points are not counted for the public at all: saferhub/assessment/publication.py.)"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from saferhub.assessment.publication import lsoas_hidden, maps_page_hidden
from saferhub.core.disclosure import is_small


def attack(months: list[dict[str, int]], *, page: str | None) -> set[tuple[int, str]]:
    """The small (month, LSOA) counts the attacker learns by subtraction. ``page`` is "lsoa" (the hot
    spot page's all-types counts over every range of months are read too) or None."""
    units = sorted({u for m in months for u in m})
    known: dict[tuple[int, str], int] = {}
    totals: dict[int, int] = {}
    for k, counts in enumerate(months):
        full = {u: counts.get(u, 0) for u in units}
        hidden = maps_page_hidden(full)
        known.update({(k, u): n for u, n in full.items() if u not in hidden})
        totals[k] = sum(full.values())
    sums: list[tuple[list[tuple[int, str]], int]] = [
        ([(k, u) for u in units], t) for k, t in totals.items()
    ]  # each month's total over the LSOAs
    if page is not None:
        for a, b in itertools.combinations_with_replacement(range(len(months)), 2):
            window = [{u: months[k].get(u, 0) for u in units} for k in range(a, b + 1)]
            hidden = lsoas_hidden(window)
            for u in units:
                if u not in hidden:
                    sums.append(([(k, u) for k in range(a, b + 1)], sum(w[u] for w in window)))
    changed = True
    while changed:
        changed = False
        for cells, total in sums:
            unknown = [c for c in cells if c not in known]
            rest = total - sum(known[c] for c in cells if c in known)
            if len(unknown) == 1 or (unknown and rest == 0):  # counts are never negative
                known.update({c: rest if len(unknown) == 1 else 0 for c in unknown})
                changed = True
    return {c for c, n in known.items() if is_small(n)}


counts = st.integers(min_value=0, max_value=9)
tables = st.lists(st.lists(counts, min_size=4, max_size=4), min_size=1, max_size=4)


def as_months(rows: list[list[int]]) -> list[dict[str, int]]:
    return [{f"u{i}": n for i, n in enumerate(row)} for row in rows]


@settings(max_examples=400, deadline=None)
@given(tables)
def test_the_lsoa_counts_over_any_range_add_nothing_to_the_maps_page(rows):
    months = as_months(rows)
    assert attack(months, page="lsoa") <= attack(months, page=None)


def test_a_range_hides_an_lsoa_the_maps_page_hides_in_any_month():
    january = {"A": 3, "B": 9, "C": 20}
    february = {"A": 7, "B": 8, "C": 20}
    assert "A" in maps_page_hidden(january) and "A" not in maps_page_hidden(february)
    # January to February would print A's 10 beside February's 7, giving January's 3 away.
    assert "A" in lsoas_hidden([january, february])
    assert "B" in lsoas_hidden([january, february])  # the maps page hides B with A in January
