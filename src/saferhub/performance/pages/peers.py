"""The profile's national picture: each indicator set beside the area's most similar group (a spine
chart of the group's spread) and the England (or Wales) value for the same period.

Counts are compared as rates per 1,000 residents (areas differ in size); rates and percentages as
they are. For a reader outside the owning partnership, a member whose figure rests on a count of 1
to 4 (or that the hub has decided to hide) is left out of the spread, and so is the next smallest
where the group's pooled value would otherwise give one away (``measures.peer_values``): the ends
of the spine are always figures the reader may see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np

from saferhub.core import disclosure
from saferhub.core.charts import number
from saferhub.framework.models import Indicator, ValueType
from saferhub.geography.models import Area, ComparatorGroup, Population
from saferhub.geography.selectors import area_most_similar_group
from saferhub.measures.definitions import POLICE_UK_NOTE
from saferhub.measures.models import IndicatorValue
from saferhub.measures.peer_values import RATES, MemberValue, suppress_members
from saferhub.performance import selectors
from saferhub.performance.formatting import value_text
from saferhub.stats import intervals

# The group's spread is drawn from at least this many values, and from at least half its members
# (a spread of 3 of 11 describes the three, not the group): else the page says how many have one.
MIN_SPREAD_VALUES = 3
PER = 1000.0
Kind, Level = ComparatorGroup.Kind, ComparatorGroup.Level


def _country_and_forces(area: Area) -> tuple[Area | None, list[Area]]:
    """The country the CSP area lies in, and every police force area in that country."""
    group = (
        ComparatorGroup.objects.filter(kind=Kind.COUNTRY, level=Level.CSP, members=area)
        .select_related("defined_by")
        .first()
    )
    if group is None or group.defined_by is None:
        return None, []
    forces = ComparatorGroup.objects.filter(kind=Kind.COUNTRY, level=Level.FORCE, defined_by=group.defined_by).first()
    return group.defined_by, list(forces.members.all()) if forces else []


def populations_of(area_ids: Iterable[int]) -> dict[int, dict[int, int]]:
    out: dict[int, dict[int, int]] = defaultdict(dict)
    for area_id, year, value in Population.objects.filter(area_id__in=list(area_ids)).values_list(
        "area_id", "year", "value"
    ):
        out[area_id][year] = value
    return out


def population_in(years: dict[int, int], year: int) -> int | None:
    if not years:
        return None
    earlier = [y for y in years if y <= year]
    return years[max(earlier)] if earlier else years[min(years)]


def _year(period: str) -> int:
    return int(period[:4]) if period[:4].isdigit() else 0


def peer_comparison(
    *,
    area: Area,
    rows: list[dict[str, Any]],
    indicators: dict[int, Indicator],
    public: bool,
    decided: set[Any],
) -> dict[str, Any]:
    """Add to each profile row (which carries ``indicator_id``, ``period``, ``value`` and ``hidden``)
    its most similar group's spread and England's value; return the group and the rows the spine
    chart can place."""
    group, members = _group(area)
    country, forces = _country_and_forces(area)
    wanted = {a.pk: a for a in [*members, *forces, *([country] if country else [])]}
    ids = sorted({r["indicator_id"] for r in rows})
    periods = sorted({r["period"] for r in rows})
    found: dict[tuple[int, int, str], tuple[float | None, float | None, float | None]] = {}
    for ind_id, area_id, period, value, num, den in IndicatorValue.objects.filter(
        indicator_id__in=ids, period_label__in=periods, breakdown="", area_id__in=list(wanted)
    ).values_list("indicator_id", "area_id", "period_label", "value", "numerator", "denominator"):
        found[(ind_id, area_id, period)] = (value, num, den)
    counts = {i for i, ind in indicators.items() if ind.value_type == ValueType.COUNT}
    pops = populations_of(m.pk for m in members) if counts else {}
    placed = []
    for row in rows:
        ind = indicators[row["indicator_id"]]
        period = row["period"]
        row.update(_england(ind, period, country, forces, found, public=public, decided=decided))
        is_count = ind.pk in counts
        mvals = []
        for m in members:
            value, num, den = found.get((ind.pk, m.pk, period), (None, None, None))
            if is_count:
                pop = population_in(pops.get(m.pk, {}), _year(period))
                num, den = value, pop
                value = value / pop * PER if value is not None and pop else None
            if public and (ind.slug, m.code, period, "") in decided:
                mvals.append(MemberValue(m.code, m.name, None, None, den, suppressed=True))
            else:
                mvals.append(MemberValue(m.code, m.name, value, num, den))
        if public:  # a count of 1 to 4, and the next smallest: as the group's table on the indicator page
            suppress_members(mvals, count=False)
        total = sum(1 for r in mvals if r.value is not None or r.suppressed)
        visible = [r for r in mvals if r.value is not None and not r.suppressed]
        own = next((r for r in mvals if r.code == area.code), None)
        row["group_count"] = f"{len(visible)} of {len(members)} have a value" + (
            f" ({total - len(visible)} not shown)" if total > len(visible) else ""
        )
        row["per_1000"] = is_count
        if len(visible) < max(MIN_SPREAD_VALUES, (len(members) + 1) // 2):
            row["group_note"] = f"Too few to compare: {row['group_count']}"
            continue
        vals = np.array([r.value for r in visible], dtype=float)
        lo, q1, q3, hi = (float(x) for x in np.percentile(vals, [0, 25, 75, 100]))
        pooled = _pooled(mvals, ind, is_count)
        area_value = own.value if own is not None and not own.suppressed and not row["hidden"] else None
        if area_value is None and not row["hidden"] and not is_count:
            area_value = row["value"]
        row.update(
            {
                "worst": number(hi if ind.polarity == "lower_is_better" else lo, digits=2),
                "best": number(lo if ind.polarity == "lower_is_better" else hi, digits=2),
                "range": f"{number(q1, digits=2)} to {number(q3, digits=2)}",
                "group_value": value_text(pooled),
                "area_compared": value_text(area_value) if area_value is not None else row["area_value"],
                "spread": {"min": lo, "q1": q1, "q3": q3, "max": hi, "pooled": pooled, "area": area_value},
            }
        )
        if area_value is not None and pooled is not None:
            row.update(_positions(row["spread"], polarity=ind.polarity))
            placed.append(row)
    return {"group": group, "country": country, "members": members, "spine_rows": placed}


def _group(area: Area) -> tuple[dict[str, Any], list[Area]]:
    """The areas the profile sets ``area`` among: its most similar group, else (a hub without the
    national geography) the other areas of its county or force area, as the page says."""
    msg = area_most_similar_group(area=area)
    if msg is not None:
        label = {"name": "its most similar group", "description": msg.description, "most_similar": True}
        return label, list(msg.members.order_by("name"))
    members = list(selectors.peer_areas(area=area).filter(successor__isnull=True).order_by("name"))
    place = area.parent if area.parent_id and area.area_type == "district" else area.force_area
    name = f"the areas of {place.name}" if place else "the other areas"
    description = (
        "No most similar group is loaded (the national geography load builds one for every area), "
        f"so {area.name} is set among {name}."
    )
    return {"name": name, "description": description, "most_similar": False}, members


def _pooled(mvals: list[MemberValue], ind: Indicator, is_count: bool) -> float | None:
    """The group's value over the members shown (a hidden one has neither value nor numerator)."""
    with_num = [r for r in mvals if r.value is not None and r.numerator is not None and r.denominator]
    if with_num and (is_count or ind.value_type in RATES):
        num = sum(r.numerator or 0 for r in with_num)
        den = sum(r.denominator or 0 for r in with_num)
        return intervals.rates([num], [den], multiplier=PER if is_count else ind.multiplier)[0].value
    if with_num and ind.value_type == ValueType.PERCENTAGE:
        return 100 * sum(r.numerator or 0 for r in with_num) / sum(r.denominator or 0 for r in with_num)
    shown = [r.value for r in mvals if r.value is not None]
    return float(np.mean(shown)) if shown else None


def _england(
    ind: Indicator,
    period: str,
    country: Area | None,
    forces: list[Area],
    found: dict[tuple[int, int, str], tuple[float | None, float | None, float | None]],
    *,
    public: bool,
    decided: set[Any],
) -> dict[str, Any]:
    """The country's value for the period, or a plain reason there is none."""
    if country is None:
        return {"england_value": "–", "england_raw": None, "england_note": "The area is not in England or Wales."}
    value, num, _ = found.get((ind.pk, country.pk, period), (None, None, None))
    if value is not None:
        if public and (
            disclosure.point_discloses({"value": value, "numerator": num}, count=ind.value_type == ValueType.COUNT)
            or (ind.slug, country.code, period, "") in decided
        ):
            return {"england_value": disclosure.SMALL_TEXT, "england_raw": None, "england_note": ""}
        return {"england_value": value_text(value), "england_raw": value, "england_note": ""}
    note = f"No {country.name} value for the other indicators: none is loaded for their periods."
    if ind.data_source == POLICE_UK_NOTE and forces:
        loaded = sum(1 for f in forces if (ind.pk, f.pk, period) in found)
        note = (
            f"No {country.name} value for police.uk figures: only {loaded} of {len(forces)} forces' records are loaded."
        )
    return {"england_value": "–", "england_raw": None, "england_note": note}


def _positions(spread: dict[str, float], *, polarity: str) -> dict[str, float]:
    """Fingertips spine scaling: the group's value at the centre, the furthest value at an edge;
    better to the right (for "lower is better" the axis is flipped)."""
    centre = spread["pooled"]
    far = max(abs(spread[k] - centre) for k in ("min", "max", "area")) or 1.0
    flip = polarity == "lower_is_better"

    def pos(v: float) -> float:
        x = (v - centre) / (2 * far)
        return round(0.5 - x if flip else 0.5 + x, 4)

    a, b = sorted((pos(spread["q1"]), pos(spread["q3"])))
    left, right = sorted((pos(spread["min"]), pos(spread["max"])))
    return {"x_min": left, "x_max": right, "x_q1": a, "x_q3": b, "x_area": pos(spread["area"])}
