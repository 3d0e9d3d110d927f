"""Crime and anti-social behaviour by type and month for one area, as a labelled heatmap with its
table, small numbers suppressed for readers outside the owning partnership."""

from __future__ import annotations

from typing import Any

from saferhub.core import disclosure
from saferhub.geography.models import Area
from saferhub.performance import charts, selectors


def crime_by_type_and_month(*, area: Area, public: bool = False) -> dict[str, Any]:
    """Crime and anti-social behaviour by type and month: from the record store when it has records
    for the area, else from the ``crime-<category>`` and ``anti-social-behaviour`` indicator values.
    When ``public``, counts of 1 to 4 and the cells that would give them away through a type's or a
    month's total are shown as "fewer than 5" (``saferhub.core.disclosure.suppress_table``)."""
    rows = selectors.record_counts(by=["area_code", "month", "kind", "category"], where={"area_code": [area.code]})
    source = "record store (police.uk street-level records)"
    cells: dict[tuple[str, str], float] = {}
    if rows:
        for _, month, kind, category, n in rows:
            name = (
                "Anti-social behaviour" if kind == "asb" else (category or "Other crime").replace("-", " ").capitalize()
            )
            cells[(name, month)] = cells.get((name, month), 0) + n
    else:
        source = "indicator values (crime-<type> and anti-social-behaviour)"
        for title, value_type, period, value, numerator in selectors.crime_type_values(area=area):
            count = numerator if value_type != "count" and numerator is not None else value
            if count is not None:
                cells[(title, period)] = count
    if not cells:
        return {
            "missing": (
                f"No crime or anti-social behaviour records for {area.name} yet: import police.uk street files with "
                "`saferhub import police-uk PATH`."
            )
        }
    periods = sorted({p for _, p in cells})
    totals: dict[str, float] = {}
    for (t, _), n in cells.items():
        totals[t] = totals.get(t, 0) + n
    types = sorted(totals, key=lambda t: -totals[t])
    shown = [{"type": t, "period": p, "count": n} for (t, p), n in cells.items()]
    hidden_totals: frozenset[str] = frozenset()
    hidden_month_totals: frozenset[str] = frozenset()
    suppressed = False
    if public:
        mask = disclosure.suppress_table([[cells.get((t, p)) for p in periods] for t in types])
        hidden = {(types[i], periods[j]) for i, row in enumerate(mask.cells) for j, h in enumerate(row) if h}
        hidden_totals = frozenset(t for t, h in zip(types, mask.row_totals, strict=True) if h)
        hidden_month_totals = frozenset(p for p, h in zip(periods, mask.column_totals, strict=True) if h)
        shown = [
            {**x, "count": None, "label": disclosure.SMALL_TEXT} if (x["type"], x["period"]) in hidden else x
            for x in shown
        ]
        suppressed = mask.any
    chart = charts.heatmap(
        chart_id="by-type",
        title=f"Crime and anti-social behaviour by type and month, {area.name}",
        cells=shown,
        types=types,
        periods=periods,
        hidden_totals=hidden_totals,
    )
    return {
        "suppression_note": disclosure.EXPLANATION if suppressed else "",
        "chart": chart,
        "source": source,
        "periods": periods,
        "types": types,
        "totals": {p: sum(n for (_, q), n in cells.items() if q == p) for p in periods if p not in hidden_month_totals},
    }
