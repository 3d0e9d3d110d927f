"""The indicator page's funnel plot of every community safety partnership area in England and Wales
with a value for the period, against the pooled rate of them all, with 95% and 99.8% limits
(``compute.funnel``), the page's area ringed.

Counts (each crime type) are placed as rates per 1,000 residents: the count over the area's mid-year
population. For a reader outside the owning partnerships, an area whose figure rests on a count of 1
to 4, or that the hub has decided to hide, is left off, and so is the next smallest (the pooled
rate and England's total would otherwise give a lone one away): the table holds only what the chart
shows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from saferhub.core import charts as c
from saferhub.core.codes import period_words
from saferhub.framework.models import Indicator, ValueType
from saferhub.geography.models import CSP_AREA_TYPES, Area
from saferhub.measures.models import IndicatorValue
from saferhub.measures.peer_values import RATES, MemberValue, suppress_members
from saferhub.performance import charts, compute
from saferhub.performance.pages.peers import PER, population_in, populations_of
from saferhub.performance.series import Point

MIN_AREAS = 3
_DAY = dt.date(2000, 1, 1)


def national_funnel(
    *, indicator: Indicator, area: Area, period: str, public: bool, decided: set[Any]
) -> dict[str, Any]:
    """The chart (or a plain reason there is none) for ``indicator`` in ``period``."""
    is_count = indicator.value_type == ValueType.COUNT
    if not (is_count or indicator.value_type in RATES):
        return {"note": ""}
    rows = list(
        IndicatorValue.objects.filter(
            indicator=indicator,
            period_label=period,
            breakdown="",
            area__area_type__in=CSP_AREA_TYPES,
            area__successor__isnull=True,
        ).values_list("area_id", "area__code", "area__name", "value", "numerator", "denominator")
    )
    pops = populations_of(r[0] for r in rows) if is_count else {}
    year = int(period[:4]) if period[:4].isdigit() else 0
    members = []
    for area_id, code, name, value, stored_num, stored_den in rows:
        num, den = (value, population_in(pops.get(area_id, {}), year)) if is_count else (stored_num, stored_den)
        if num is None or not den:
            continue
        if public and (indicator.slug, code, period, "") in decided:
            members.append(MemberValue(code, name, None, None, den, suppressed=True))
        else:
            members.append(MemberValue(code, name, num / den, num, den))
    if public:
        suppress_members(members, count=False)
    shown = [m for m in members if not m.suppressed and m.numerator is not None]
    words = period_words(period)
    if len(shown) < MIN_AREAS:
        return {"note": f"No funnel plot of all areas for {words}: {len(shown)} areas have a value that can be shown."}
    multiplier = PER if is_count else indicator.multiplier
    units = [
        (m.code, m.name, Point(period, "", _DAY, _DAY, None, numerator=m.numerator, denominator=m.denominator))
        for m in shown
    ]
    funnel = compute.funnel(units, value_type="rate_per_1000", multiplier=multiplier)
    if funnel is None:
        return {"note": f"No funnel plot of all areas for {words}: the limits cannot be computed."}
    title = indicator.title + (" per 1,000 people" if is_count else "")
    chart = charts.funnel_plot(
        title=f"{title}, every area in England and Wales with a value", funnel=funnel, period=words
    )
    chart = dataclasses.replace(chart, id="funnel-national", spec=_ringed(chart.spec, funnel, area.code))
    hidden = len(members) - len(shown)
    return {
        "chart": chart,
        "areas": len(shown),
        "note": (
            f"{len(shown)} areas with a value for {words}, against their pooled rate."
            + (f" {hidden} not shown: small numbers, or figures that would give them away." if hidden else "")
        ),
    }


def _ringed(spec: dict[str, Any], funnel: dict[str, Any], code: str) -> dict[str, Any]:
    """The funnel spec with the page's area ringed and named."""
    own = [u for u in funnel["units"] if u["code"] == code]
    if not own:
        return spec
    x = {"field": "denominator", "type": "quantitative"}
    y = {"field": "value", "type": "quantitative"}
    ring = {
        "data": {"values": own},
        "mark": {"type": "point", "shape": "circle", "size": 400, "filled": False, "stroke": c.BLACK, "strokeWidth": 3},
        "encoding": {"x": x, "y": y},
    }
    label = {
        "data": {"values": own},
        "mark": {"type": "text", "align": "left", "dx": 14, "fontWeight": "bold", "color": c.BLACK},
        "encoding": {"x": x, "y": y, "text": {"field": "name"}},
    }
    return {**spec, "layer": [*spec["layer"], ring, label]}
