"""Crime and anti-social behaviour by type and month for one area, as a labelled heatmap with its
table. The figures are the area's ``crime-<type>`` and anti-social behaviour indicator values (the
police.uk import writes them from the record store), so that what the public may not see of them is
the one decision taken for the whole family of related figures (``performance.suppression``): the
same cell is hidden here, on the county's and the districts' pages, on indicator pages and in
exports."""

from __future__ import annotations

from typing import Any

from saferhub.core import disclosure
from saferhub.geography.models import Area
from saferhub.performance import charts, selectors

SOURCE = "police.uk street-level records, counted by type and month when they were imported"
ALL_CRIME = "all-crime"
ASB = "anti-social-behaviour"


def type_name(slug: str, title: str) -> str:
    """A row's name as police.uk words the type ("Burglary", "Anti-social behaviour")."""
    if slug == ASB:
        return "Anti-social behaviour"
    name = title.removeprefix("Crime: ")
    return name[:1].upper() + name[1:]


def crime_by_type_and_month(*, area: Area, public: bool = False) -> dict[str, Any]:
    """Crime and anti-social behaviour by type and month. When ``public``, counts of 1 to 4 and the
    figures that would give them away (across types, months and the areas above and below this one)
    are shown as "fewer than 5"; a type's total is stated only when none of its months is hidden, and
    a month's total only when that month's all-crime and anti-social behaviour counts are shown."""
    cells: dict[tuple[str, str], float] = {}
    slugs: dict[str, str] = {}
    for slug, title, value_type, period, value, numerator in selectors.crime_type_values(area=area):
        count = numerator if value_type != "count" and numerator is not None else value
        name = type_name(slug, title)
        if count is not None:
            cells[(name, period)] = count
            slugs[name] = slug
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
    hidden: set[tuple[str, str]] = set()
    month_hidden: set[str] = set()
    if public:
        decided = selectors.hidden_for(area_codes=[area.code])
        hidden = {
            (t, p) for (t, p), n in cells.items() if disclosure.is_small(n) or (slugs[t], area.code, p, "") in decided
        }
        month_hidden = {p for m, _, p, b in decided if m in (ALL_CRIME, ASB) and not b}
        shown = [
            {**x, "count": None, "label": disclosure.SMALL_TEXT} if (x["type"], x["period"]) in hidden else x
            for x in shown
        ]
    hidden_totals = frozenset(t for t, _ in hidden)
    chart = charts.heatmap(
        chart_id="by-type",
        title=f"Crime and anti-social behaviour by type and month, {area.name}",
        cells=shown,
        types=types,
        periods=periods,
        hidden_totals=hidden_totals,
    )
    return {
        "suppression_note": disclosure.EXPLANATION if hidden else "",
        "chart": chart,
        "source": SOURCE,
        "periods": periods,
        "types": types,
        "totals": {
            p: sum(n for (_, q), n in cells.items() if q == p)
            for p in periods
            if p not in month_hidden and not any(q == p for _, q in hidden)
        },
    }
