"""The stored decisions of ``saferhub.core.disclosure``: which published figures the public may not
see. Written in bulk for a whole family of related figures when their summaries are refreshed; read
with one query by every page and export that shows those figures."""

from __future__ import annotations

from collections.abc import Iterable

from saferhub.core.models import SuppressedFigure

#: (measure, area code, period label, breakdown)
FigureKey = tuple[str, str, str, str]


def hidden_figures(*, area_codes: Iterable[str] | None = None, measures: Iterable[str] | None = None) -> set[FigureKey]:
    """The figures hidden from the public, optionally only for these areas and measures (one query)."""
    qs = SuppressedFigure.objects.all()
    if area_codes is not None:
        qs = qs.filter(area_code__in=list(area_codes))
    if measures is not None:
        qs = qs.filter(measure__in=list(measures))
    return set(qs.values_list("measure", "area_code", "period_label", "breakdown"))


def suppressions_replace(*, family: str, hidden: Iterable[tuple[FigureKey, str]]) -> int:
    """Replace the family's decisions with ``hidden`` ((figure, reason) pairs): one delete and one bulk
    insert, in the caller's transaction. Returns how many figures are hidden."""
    SuppressedFigure.objects.filter(family=family).delete()
    rows = dict(hidden)
    SuppressedFigure.objects.bulk_create(
        [
            SuppressedFigure(family=family, measure=m, area_code=a, period_label=p, breakdown=b, reason=reason)
            for (m, a, p, b), reason in sorted(rows.items())
        ],
        batch_size=2000,
    )
    return len(rows)
