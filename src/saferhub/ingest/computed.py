"""The plans' own indicators, computed from the records an import brings (issue 15).

An indicator in a plan may carry a computable definition (``Indicator.computed``; the rules are in
:mod:`saferhub.measures.definitions`). After the records of a source are staged, every indicator
whose definition that source feeds is recomputed from the whole record store as the import leaves
it (not only the months the import touched: a financial year or a rolling year spans many
months), at the indicator's own period type, for every district the records are assigned to and
for each county whose districts all hold the month. The rows are written with the import's other
values, inside the same transaction, so the store and the indicator values never disagree.

* A month counts for an area when a partition of the month speaks for it (its ``scope``): a month
  with no matching record there is a true zero; a month no partition covers is missing, never 0.
* A period missing some of its months is written, marked ``partial`` with how many months it
  holds and status provisional: the statistics leave it out, the pages say so.
* Rates use the mid-year population of the period's first year (or the nearest earlier year); an
  area without a population gets no rate, and the note says so.
* A value transcribed from a plan (one no import wrote) is never overwritten: computed values sit
  beside transcribed ones, each with its own source note.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from saferhub.core.errors import ValidationProblem
from saferhub.framework.models import Indicator
from saferhub.incidents.store import Manifest
from saferhub.ingest.indicators import AreaBook
from saferhub.ingest.types import Context, IndicatorRows, IndicatorSpec
from saferhub.measures.definitions import (
    ComputedDefinition,
    area_month_rows,
    describe,
    parse_definition,
    roll_up,
    store_filters,
)
from saferhub.measures.models import IndicatorValue

PARTIAL = "partial"
# Records that only approximate the plan's measure: a series of their own, never judged against the
# plan's ambition or joined to values of the plan's own measure.
PROXY = "proxy"


def computed_indicators(source: str) -> list[tuple[Indicator, ComputedDefinition]]:
    """The indicators whose definition the source feeds (a stored definition that no longer
    parses is left out: the framework check names it when the plan is next loaded)."""
    found = []
    for indicator in Indicator.objects.exclude(computed={}).order_by("slug"):
        if not indicator.computed or indicator.computed.get("source") != source:
            continue
        try:
            found.append((indicator, parse_definition(indicator.computed, where=f"indicator {indicator.slug}")))
        except ValidationProblem:
            continue
    return found


def computed_slugs(source: str) -> set[str]:
    """The slugs of the indicators a plan defines from this source's records."""
    return {indicator.slug for indicator, _ in computed_indicators(source)}


def _coverage(view: Manifest, definition: ComputedDefinition) -> dict[str, set[str]]:
    """month → the areas some partition of the month speaks for."""
    covered: dict[str, set[str]] = defaultdict(set)
    for key, partition in view.select(sources=[definition.source], datasets=[definition.dataset]).items():
        covered[key.month].update(partition.meta.get("scope") or [])
    return covered


def _monthly(
    ctx: Context, view: Manifest, definition: ComputedDefinition, book: AreaBook
) -> tuple[list[tuple[str, str, int]], list[str]]:
    """(area, month, count) for every covered district and complete county, and the months held."""
    covered = _coverage(view, definition)
    if not covered:
        return [], []
    store_rows = ctx.store.grouped_counts(**store_filters(definition), manifest=view, con=ctx.con)
    counts = {(area, month): n for area, month, n in area_month_rows(store_rows, definition)}
    for area, month in counts:  # records assigned to an area no scope names still speak for it
        covered[month].add(area)
    rows: list[tuple[str, str, int]] = []
    for month, areas in sorted(covered.items()):
        for area in sorted(a for a in areas if a in book.areas):
            rows.append((area, month, counts.get((area, month), 0)))
        for county, districts in sorted(book.counties.items()):
            if districts and districts <= areas:
                rows.append((county, month, sum(counts.get((d, month), 0) for d in districts)))
    return rows, sorted(covered)


def computed_rows(ctx: Context, view: Manifest, source: str) -> list[IndicatorRows]:
    """Rows for every plan indicator the source feeds, ready for ``indicator_values_write``."""
    wanted = computed_indicators(source)
    if not wanted:
        return []
    book = AreaBook()
    transcribed = set(
        IndicatorValue.objects.filter(
            indicator__in=[i for i, _ in wanted], breakdown="", source_import__isnull=True
        ).values_list("indicator_id", "area__code", "period_label")
    )
    out = []
    for indicator, definition in wanted:
        monthly, held = _monthly(ctx, view, definition, book)
        rows: list[dict[str, Any]] = []
        for period in roll_up(monthly, definition.period_type, held_months=held):
            if (indicator.pk, period.area, period.label) in transcribed:
                continue
            note = f"Computed. {describe(definition)}"
            row: dict[str, Any] = {"area": period.area, "period": period.label, "breakdown": ""}
            flags = [PROXY] if definition.proxy else []
            if period.partial:
                note += f" Partial: {period.months} of {period.months_needed} months held."
                row.update(status="provisional")
                flags.append(PARTIAL)
            if flags:
                row["quality_flags"] = flags
            if definition.denominator == "population":
                population = book.population(period.area, period.start.year)
                if not population:
                    continue
                row.update(value=None, numerator=period.count, denominator=population)
            else:
                row["value"] = period.count
            row["source_note"] = note
            rows.append(row)
        if rows:
            out.append(IndicatorRows(IndicatorSpec(slug=indicator.slug, title=indicator.title), rows))
    return out
