"""Reads for the performance pages: stored summaries (``IndicatorSummary``), the areas and
boundaries they are drawn on, and counts from the record store. Each read takes a fixed number of
queries whatever the number of rows; nothing here computes a statistic, renders or formats.

Access is decided in the views through ``saferhub.accounts.access``; ``*_partnerships`` here only
say which partnerships' rules apply to a framework, indicator or area.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db.models import Q, QuerySet

from saferhub.accounts.models import Partnership
from saferhub.core.errors import NotFound, SaferhubError
from saferhub.core.suppressions import FigureKey, hidden_figures
from saferhub.delivery.models import Action
from saferhub.framework.models import Framework, Indicator, IndicatorMembership, Target
from saferhub.geography.models import CSP_AREA_TYPES, Area, Boundary
from saferhub.incidents.configured import record_store
from saferhub.measures.models import IndicatorValue
from saferhub.performance.models import IndicatorSummary

RECORDS_CACHE_SECONDS = 6 * 60 * 60
AREA_ORDER = ["county", "police_force_area", "unitary", "district", "region", "country"]
CRIME_PREFIX = "crime-"
ASB_SLUG = "anti-social-behaviour"

# --- whose rules apply -----------------------------------------------------------------------


def indicator_partnerships(*, indicator: Indicator) -> list[Partnership]:
    """The partnerships whose access rules cover an indicator's figures: its owner, else the owners
    of the frameworks it belongs to."""
    if indicator.owner_id:
        return [indicator.owner]  # type: ignore[list-item]
    return list(Partnership.objects.filter(frameworks__memberships__indicator=indicator).distinct())


def area_partnerships(*, area: Area) -> list[Partnership]:
    """The partnerships for an area: its own (a CSP), else those of the areas it lies in."""
    ids = [x for x in (area.pk, area.parent_id, area.force_area_id) if x]
    found = list(Partnership.objects.filter(area_id__in=ids))
    own = [p for p in found if p.area_id == area.pk]
    return own or found


def hidden_for(*, measures: Iterable[str] | None = None, area_codes: Iterable[str] | None = None) -> set[FigureKey]:
    """The figures hidden from the public (decided at the last refresh), for these measures or areas."""
    return hidden_figures(measures=measures, area_codes=area_codes)


def indicator_owners(*, indicator_ids: list[int]) -> dict[int, list[Partnership]]:
    """Each indicator's owning partnerships: its owner, else the owners of the frameworks listing it
    (two queries); an indicator with neither is missing from the answer."""
    out: dict[int, list[Partnership]] = {}
    loose = []
    for ind in Indicator.objects.filter(pk__in=indicator_ids).select_related("owner"):
        if ind.owner is not None:
            out[ind.pk] = [ind.owner]
        else:
            loose.append(ind.pk)
    for m in IndicatorMembership.objects.filter(indicator_id__in=loose).select_related("framework__owner"):
        out.setdefault(m.indicator_id, []).append(m.framework.owner)
    return out


def private_indicators(*, framework: Framework, readable: Callable[[Partnership], bool]) -> frozenset[int]:
    """The framework's indicators owned by a partnership whose figures the reader may not read."""
    return frozenset(
        m.indicator_id
        for m in framework.memberships.select_related("indicator__owner")
        if m.indicator.owner is not None and not readable(m.indicator.owner)
    )


def default_indicator_area(*, indicator: Indicator) -> Area | None:
    """The area an indicator's page opens on: the first of ``indicator_areas``."""
    areas = indicator_areas(indicator=indicator)
    return areas[0] if areas else None


def parent_area(*, area: Area) -> Area | None:
    """The area whose districts a district's indicator page compares it with: its county, else its
    police force area."""
    parent_id = area.parent_id if area.area_type in CSP_AREA_TYPES and area.parent_id else area.force_area_id
    if area.area_type not in CSP_AREA_TYPES or not parent_id:
        return None
    return Area.objects.filter(pk=parent_id).first()


def area_indicator_ids(*, area: Area) -> list[int]:
    return list(IndicatorSummary.objects.filter(area=area).values_list("indicator_id", flat=True))


def map_force_area(*, indicator: Indicator) -> Area | None:
    """The area whose districts an indicator's map shows (the force area first, as the map does)."""
    found = parent_summaries_with_districts(indicator=indicator)
    return next((s.area for s in found if s.detail.get("districts")), None)


# --- scorecards --------------------------------------------------------------------------------------


def scorecard_memberships(*, framework: Framework) -> list[IndicatorMembership]:
    """The framework's indicators in the plan's order, with what a scorecard row shows of each."""
    return list(
        framework.memberships.select_related("indicator", "indicator__lead_organisation", "theme", "outcome").order_by(
            "order", "code"
        )
    )


def indicators_with_targets(*, framework: Framework) -> set[int]:
    """The framework's indicators for which the plan sets an ambition."""
    return set(Target.objects.filter(framework=framework).values_list("indicator_id", flat=True))


def scorecard_areas(*, framework: Framework) -> QuerySet[Area]:
    """Areas that have at least one summary for the framework's indicators, largest first."""
    return (
        Area.objects.filter(indicator_summaries__indicator__memberships__framework=framework)
        .distinct()
        .order_by("area_type", "name")
    )


def scorecard_default_area(*, framework: Framework, areas: Iterable[Area]) -> Area | None:
    areas = list(areas)
    if framework.area_id and any(a.pk == framework.area_id for a in areas):
        return next(a for a in areas if a.pk == framework.area_id)
    return min(
        areas,
        key=lambda a: (AREA_ORDER.index(a.area_type) if a.area_type in AREA_ORDER else 9, a.name),
        default=None,
    )


def scorecard_area(*, framework: Framework, code: str, areas: list[Area]) -> Area | None:
    """The area asked for (by GSS code), else the framework's default; NotFound for an unknown code."""
    if not code:
        return scorecard_default_area(framework=framework, areas=areas)
    area = next((a for a in areas if a.code == code), None) or Area.objects.filter(code=code.strip().upper()).first()
    if area is None:
        raise NotFound(f"There is no area with the code {code}.")
    return area


def summaries_by_indicator(*, area: Area, indicator_ids: list[int]) -> dict[int, IndicatorSummary]:
    """The area's summaries of these indicators, by indicator id (one query)."""
    if not indicator_ids:
        return {}
    return {s.indicator_id: s for s in IndicatorSummary.objects.filter(area=area, indicator__in=indicator_ids)}


# --- indicators --------------------------------------------------------------------------------------


def indicator_areas(*, indicator: Indicator) -> list[Area]:
    """Areas with a summary for the indicator: county and force area first, then each district."""
    order = {"country": 0, "region": 1, "county": 2, "police_force_area": 3, "unitary": 4, "district": 4}
    areas = Area.objects.filter(indicator_summaries__indicator=indicator).distinct()
    return sorted(areas, key=lambda a: (order.get(a.area_type, 9), a.name))


def indicator_summary(*, indicator: Indicator, area: Area) -> IndicatorSummary | None:
    return IndicatorSummary.objects.filter(indicator=indicator, area=area).first()


def summaries_of_areas(*, indicator: Indicator, area_ids: list[int]) -> dict[int, IndicatorSummary]:
    """The indicator's summaries for these areas, by area id (one query)."""
    return {s.area_id: s for s in IndicatorSummary.objects.filter(indicator=indicator, area_id__in=area_ids)}


def areas_by_code(*, codes: Iterable[str], area_type: str = "") -> dict[str, Area]:
    qs = Area.objects.filter(code__in=list(codes))
    if area_type:
        qs = qs.filter(area_type=area_type)
    return {a.code: a for a in qs}


def indicator_background(*, indicator: Indicator) -> dict[str, Any]:
    """The story behind the baseline, the partners and the strategic actions (three queries), for the
    stand-alone indicator page; the framework's indicator page shows its own."""
    return {
        "stories": list(indicator.stories.all()),
        "partners": list(indicator.partners.select_related("organisation")),
        "actions": list(
            Action.objects.filter(indicators=indicator)
            .select_related("plan", "plan__partnership")
            .order_by("plan__title", "order", "reference")
        ),
    }


# --- areas -------------------------------------------------------------------------------------------


def profile_areas() -> QuerySet[Area]:
    """Community safety partnership areas the hub knows as such: placed in a county or force area, or
    with figures (a national boundary file alone does not add every district in England)."""
    return (
        Area.objects.filter(area_type__in=CSP_AREA_TYPES, successor__isnull=True)
        .filter(Q(parent__isnull=False) | Q(force_area__isnull=False) | Q(indicator_summaries__isnull=False))
        .distinct()
        .order_by("name")
    )


def profile_areas_matching(*, query: str) -> QuerySet[Area]:
    """The profile areas whose name contains ``query`` or whose ONS code starts with it (any case).
    Postcodes are read by ``area_search``."""
    words = query.strip()
    if not words:
        return profile_areas()
    return profile_areas().filter(Q(name__icontains=words) | Q(code__istartswith=words.replace(" ", "")))


def area_summaries(*, area: Area) -> list[IndicatorSummary]:
    """Every summary of an area, with its indicator, by title."""
    return list(IndicatorSummary.objects.filter(area=area).select_related("indicator").order_by("indicator__title"))


def summaries_of_areas_all(*, areas: list[Area]) -> list[IndicatorSummary]:
    """Every summary of these areas, with its indicator and area, by indicator title (one query)."""
    return list(
        IndicatorSummary.objects.filter(area__in=areas).select_related("indicator", "area").order_by("indicator__title")
    )


def profile_areas_by_code(*, codes: Iterable[str]) -> dict[str, Area]:
    """The profile areas with these codes, by code (one query)."""
    return {a.code: a for a in profile_areas().filter(code__in=list(codes))}


def area_periods(*, area: Area, indicator_ids: list[int]) -> list[tuple[str, str]]:
    """(period label, kind) of every period an area has a value for among these indicators, the
    newest first, the shorter period first where two end together (one query)."""
    found = (
        IndicatorValue.objects.filter(area=area, indicator__in=indicator_ids, breakdown="", value__isnull=False)
        .values_list("period_label", "period_kind", "period_end", "period_start")
        .distinct()
    )
    ordered = sorted(set(found), key=lambda r: (r[2], r[3]), reverse=True)
    return [(label, kind) for label, kind, _, _ in ordered]


def values_at(
    *, indicator_ids: list[int], area_codes: Iterable[str], period: str
) -> list[tuple[int, str, float | None, float | None, float | None, float | None]]:
    """(indicator id, area code, value, lower 95%, upper 95%, numerator) of each value for one period
    (one query)."""
    return list(
        IndicatorValue.objects.filter(
            indicator__in=indicator_ids, area__code__in=list(area_codes), period_label=period, breakdown=""
        ).values_list("indicator_id", "area__code", "value", "lower_95", "upper_95", "numerator")
    )


def peer_areas(*, area: Area) -> QuerySet[Area]:
    """The areas a district is placed among on its profile: its county's districts, else its force's."""
    peers = Area.objects.filter(area_type__in=CSP_AREA_TYPES)
    if area.parent_id and area.area_type == "district":
        return peers.filter(parent_id=area.parent_id)
    if area.force_area_id:
        return peers.filter(force_area_id=area.force_area_id)
    return peers


def crime_type_values(*, area: Area) -> list[tuple[str, str, str, str, float | None, float | None]]:
    """(slug, title, value type, period, value, numerator) of the area's monthly ``crime-<type>`` and
    anti-social behaviour values."""
    return list(
        IndicatorValue.objects.filter(
            Q(indicator__slug__startswith=CRIME_PREFIX) | Q(indicator__slug=ASB_SLUG),
            area=area,
            breakdown="",
            period_kind="month",
        ).values_list(
            "indicator__slug", "indicator__title", "indicator__value_type", "period_label", "value", "numerator"
        )
    )


# --- maps --------------------------------------------------------------------------------------------


def boundaries_for(*, areas: Iterable[Area]) -> dict[int, dict[str, Any]]:
    """The newest boundary of each area (one query)."""
    out: dict[int, dict[str, Any]] = {}
    for b in Boundary.objects.filter(area__in=list(areas)).order_by("area_id", "-vintage"):
        out.setdefault(b.area_id, b.geometry)
    return out


def map_indicators() -> list[Indicator]:
    """Indicators the maps page offers: those with figures, by title."""
    return list(Indicator.objects.filter(summaries__isnull=False).distinct().order_by("title"))


def default_map_indicator(indicators: list[Indicator]) -> Indicator | None:
    """The indicator a map opens on: all crime where it has figures, else the first."""
    return next((i for i in indicators if i.slug == "all-crime"), indicators[0] if indicators else None)


def parent_summaries_with_districts(*, indicator: Indicator) -> list[IndicatorSummary]:
    """The indicator's county and force area summaries, the force area first (it covers every district)."""
    parents = IndicatorSummary.objects.filter(
        indicator=indicator, area__area_type__in=["county", "police_force_area"]
    ).select_related("area")
    return sorted(parents, key=lambda s: s.area.area_type != "police_force_area")


# --- the record store -------------------------------------------------------------------------------


def record_counts(
    *,
    by: list[str],
    kinds: list[str] | None = None,
    months: list[str] | None = None,
    where: dict[str, Iterable[str]] | None = None,
) -> list[tuple[Any, ...]]:
    """Counts of police.uk street records from the record store; [] when the store has none. Kept in
    the cache until the store's next commit (keyed by the manifest's stamp)."""
    try:
        store = record_store()
        stamp = store.stamp()
        if not stamp:
            return []
        parts = (store.root, stamp, by, kinds, months, sorted((where or {}).items()))
        key = "saferhub:performance:records:" + hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()
        rows = cache.get(key)
        if rows is None:
            rows = store.counts(by=by, sources=["police-uk"], kinds=kinds, months=months, where=where)
            cache.set(key, rows, RECORDS_CACHE_SECONDS)
        return list(rows)
    except (SaferhubError, OSError):
        return []
