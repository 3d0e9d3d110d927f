"""Reads for the hot spot and repeat-location pages: the record store's counts (``records``), the
LSOA boundaries and populations (geography), Gi* (``hotspots``) and what a public reader may see
(``publication``), put together for the templates. Results are cached until the store's next
commit or a boundary load, so a page is computed once per question.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db.models import Q

from saferhub.assessment import charts
from saferhub.assessment.forms import Choices, Query
from saferhub.assessment.hotspots import (
    HOT,
    GiStar,
    HotspotError,
    distance_band_weights,
    gi_star,
    persistence,
    queen_weights,
)
from saferhub.assessment.publication import lsoas_hidden
from saferhub.assessment.records import lsoa_month_counts as store_lsoa_month_counts
from saferhub.assessment.records import repeat_points, street_categories, street_months
from saferhub.core import disclosure
from saferhub.core.charts import number
from saferhub.core.codes import period_words
from saferhub.core.errors import SaferhubError
from saferhub.core.generations import generation
from saferhub.geography.models import CSP_AREA_TYPES, Area, Boundary, Population
from saferhub.geography.selectors import csp_areas_in
from saferhub.incidents.configured import record_store
from saferhub.incidents.store import RecordStore
from saferhub.performance.models import GENERATION

CACHE_SECONDS = 6 * 60 * 60
RATE_PER = 1000
NO_RECORDS_HELP = (
    "There are no police.uk street records in the record store: import them with "
    "`saferhub import police-uk PATH` (for example ../shared/data/police-uk/2024-01)."
)
NO_BOUNDARIES_HELP = (
    "No LSOA boundaries are loaded for this area: load them with `saferhub geography load boundaries PATH…` "
    "(the files in ../shared/data/boundaries/essex-lsoa-2011 or essex-lsoa-2021)."
)
TYPE_COUNTS_NOTE = (
    "Counts of a single crime type by neighbourhood are shown to members of the partnership only: beside the "
    "neighbourhood totals and district figures published elsewhere they could give away counts of fewer than 5. "
    "The map and table show which neighbourhoods are hot and cold spots."
)


def _key(kind: str, parts: Iterable[Any]) -> str:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"saferhub:assessment:{kind}:{digest}"


def study_areas() -> list[Area]:
    """Areas a hot spot analysis can cover: each community safety partnership area placed in a
    county or force area, and the force areas and counties that hold them."""
    csps = Area.objects.filter(area_type__in=CSP_AREA_TYPES).filter(
        Q(parent__isnull=False) | Q(force_area__isnull=False)
    )
    holders = Area.objects.filter(
        Q(force_members__in=csps) | Q(children__in=csps), area_type__in=["police_force_area", "county"]
    )
    return sorted({*csps, *holders}, key=lambda a: (a.area_type not in ("police_force_area", "county"), a.name))


def store_choices(*, areas: list[Area]) -> Choices:
    """The choices the forms offer (crime types and months come from the store; cached by its stamp)."""
    store = record_store()
    codes = [a.code for a in areas]
    try:
        stamp = store.stamp()
    except SaferhubError:
        return Choices(areas=codes, categories=[], months=[])
    key = _key("choices", (str(store.root), stamp))
    found = cache.get(key)
    if found is None:
        try:
            found = (street_categories(store), street_months(store)) if stamp else ([], [])
        except (SaferhubError, OSError):
            found = ([], [])
        cache.set(key, found, CACHE_SECONDS)
    return Choices(areas=codes, categories=list(found[0]), months=list(found[1]))


def study_lsoas(*, districts: list[Area], record_codes: set[str]) -> tuple[dict[str, tuple[str, dict[str, Any]]], str]:
    """The LSOAs of the districts with a boundary: code → (name, GeoJSON geometry), and the boundary
    vintage used. Where several vintages are loaded (2011 and 2021), the one whose codes match the
    most records is used (police.uk files of 2018–19 carry 2011 codes, of 2024 2021 codes)."""
    by_vintage: dict[str, dict[str, tuple[str, dict[str, Any]]]] = {}
    rows = Boundary.objects.filter(area__area_type="lsoa", area__parent__in=districts).values_list(
        "area__code", "area__name", "vintage", "geometry"
    )
    for code, name, vintage, geometry in rows:
        by_vintage.setdefault(vintage or "", {})[code] = (name, geometry)
    if not by_vintage:
        return {}, ""
    vintage = max(by_vintage, key=lambda v: (len(record_codes & set(by_vintage[v])), len(by_vintage[v]), v))
    return by_vintage[vintage], vintage


def _period(months: tuple[str, ...]) -> str:
    """The months as people read them: "January 2024", or "January 2024 to April 2024"."""
    if len(months) == 1:
        return period_words(months[0])
    return f"{period_words(months[0])} to {period_words(months[-1])}"


def _p(value: float | None) -> str:
    if value is None:
        return "–"
    return "less than 0.001" if value < 0.001 else f"{value:.3f}"


def _z(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _populations(codes: Iterable[str]) -> dict[str, int]:
    """The latest population of each LSOA that has one."""
    out: dict[str, int] = {}
    for code, value in (
        Population.objects.filter(area__code__in=list(codes))
        .order_by("area__code", "year")
        .values_list("area__code", "value")
    ):
        out[code] = value
    return out


def cached_over_store(
    kind: str, parts: tuple[Any, ...], compute: Callable[[RecordStore], dict[str, Any]]
) -> dict[str, Any]:
    """What ``compute`` makes of the record store, cached until the store's next commit (its stamp is
    part of the key); ``{"missing": …}`` when the store cannot be read or holds nothing yet."""
    store = record_store()
    try:
        stamp = store.stamp()
    except SaferhubError as exc:
        return {"missing": str(exc)}
    if not stamp:
        return {"missing": NO_RECORDS_HELP}
    key = _key(kind, (str(store.root), stamp, *parts))
    found = cache.get(key)
    if found is None:
        found = compute(store)
        cache.set(key, found, CACHE_SECONDS)
    return dict(found)


def hotspot_context(*, query: Query, area: Area, public: bool) -> dict[str, Any]:
    """Everything the hot spot page shows for one question (cached until the data change)."""
    return cached_over_store(
        "hotspots",
        (generation(GENERATION), area.code, query.key(), public),
        lambda store: _hotspots(store=store, query=query, area=area, public=public),
    )


def _hotspots(*, store: RecordStore, query: Query, area: Area, public: bool) -> dict[str, Any]:
    districts = list(csp_areas_in(area=area))
    rows = store_lsoa_month_counts(
        store, districts=[d.code for d in districts], months=query.months, selection=query.selection
    )
    shapes, vintage = study_lsoas(districts=districts, record_codes={r[2] for r in rows})
    out: dict[str, Any] = {"area": area, "query": query, "selection": query.selection.label, "vintage": vintage}
    if not shapes:
        return {**out, "missing": NO_BOUNDARIES_HELP}
    monthly: dict[str, dict[str, int]] = {m: dict.fromkeys(shapes, 0) for m in query.months}
    by_district_month: dict[tuple[str, str], dict[str, int]] = {}
    unmatched = 0
    for month, district, code, n in rows:
        by_district_month.setdefault((district, month), {})[code] = n
        if code in shapes:
            monthly[month][code] += n
        else:
            unmatched += n
    totals = {code: sum(monthly[m][code] for m in query.months) for code in shapes}
    values: dict[str, float] = {code: float(n) for code, n in totals.items()}
    out["total"] = sum(totals.values())
    populations: dict[str, int] = {}
    if query.measure == "rate":
        populations = _populations(shapes)
        lacking = [c for c in shapes if not populations.get(c)]
        if lacking:
            return {
                **out,
                "error": f"Rates need each LSOA's population: {len(lacking)} of {len(shapes)} LSOAs have none loaded "
                "(load them with `saferhub geography load populations`). Choose counts instead.",
            }
        values = {code: totals[code] / populations[code] * RATE_PER for code in shapes}
    try:
        if query.weights == "queen":
            weights = queen_weights(geometries={c: g for c, (_, g) in shapes.items()})
        else:
            weights = distance_band_weights(
                geometries={c: g for c, (_, g) in shapes.items()}, threshold_m=query.distance_m
            )
        result = gi_star(
            values=values,
            weights=weights,
            transform=query.transform,
            basis=query.basis,
            permutations=query.permutations,
        )
        months: list[GiStar] = []
        if len(query.months) > 1:
            for m in query.months:
                month_values = {
                    c: (monthly[m][c] / populations[c] * RATE_PER if populations else float(monthly[m][c]))
                    for c in shapes
                }
                try:
                    months.append(
                        gi_star(
                            values=month_values,
                            weights=weights,
                            transform=query.transform,
                            basis=query.basis,
                            permutations=query.permutations,
                        )
                    )
                except HotspotError:
                    continue  # a month where every LSOA has the same count has no hot spot
    except HotspotError as exc:
        return {**out, "error": str(exc)}
    share = persistence(months) if months else {}

    exact = query.selection.kind == "all"  # public readers see counts of all types only (publication.py)
    hidden: set[str] = set()
    if public and exact:
        for place in districts:
            hidden |= lsoas_hidden(by_district_month.get((place.code, m), {}) for m in query.months)
    show_counts = not public or exact
    show_stats = not public or (exact and not (hidden & set(shapes)))
    names = {code: name for code, (name, _) in shapes.items()}
    table: list[dict[str, Any]] = []
    features = []
    for k, code in enumerate(result.ids):
        secret = public and code in hidden
        count = disclosure.SMALL_TEXT if secret else f"{totals[code]:,}"
        rate = "–" if not populations else disclosure.SUPPRESSED_TEXT if secret else number(values[code], digits=2)
        cls = result.classes[k]
        persisted = share.get(code)
        table.append(
            {
                "code": code,
                "name": names[code],
                "count": count,
                "rate": rate,
                "z": _z(result.z[k]),
                "p_normal": _p(result.p_normal[k]),
                "p_permutation": _p(result.p_permutation[k]),
                "p_adjusted": _p(result.p_adjusted[k]),
                "class": charts.CLASS_LABEL[cls],
                "class_key": cls,
                "persistence": (f"{round(persisted * len(months))} of {len(months)}" if persisted is not None else ""),
                "sort": (-charts.CLASS_INDEX[cls], -(result.z[k] or 0.0)),
            }
        )
        features.append(charts.feature(code=code, name=names[code], geometry=shapes[code][1], cls=cls))
    table.sort(key=lambda r: (r["sort"][0], r["sort"][1]))
    period = _period(query.months)
    out.update(
        {
            "period": period,
            "rows": table,
            "counts": {charts.CLASS_LABEL[k]: v for k, v in result.counts().items() if v},
            "hot": result.counts()[HOT],
            "method": result.method,
            "weights": weights.description,
            "islands": len(weights.islands),
            "lsoas": len(result.ids),
            "months": len(months),
            "measure": "records per 1,000 residents" if populations else "records",
            "show_counts": show_counts,
            "show_stats": show_stats,
            "show_rates": bool(populations) and show_counts,
            "type_note": "" if show_counts else TYPE_COUNTS_NOTE,
            "stats_note": ""
            if show_stats or not show_counts
            else "z-scores and p-values are not shown to the public where a count is suppressed: with the "
            "weights they would give the count back.",
            "suppression_note": disclosure.EXPLANATION if public and hidden else "",
            "unmatched": (
                "Some records lie in LSOAs with no boundary loaded and are left out."
                if public and unmatched
                else f"{unmatched:,} records lie in LSOAs with no boundary loaded ({vintage or 'unnamed'} boundaries "
                "are used) and are left out."
                if unmatched
                else ""
            ),
            "resolution": (
                f"With {query.permutations:,} permutations no two-sided p-value is below "
                f"{2 / (query.permutations + 1):.4f}; with {len(result.ids)} LSOAs the false discovery rate "
                f"needs several LSOAs that low before any is significant. Choose 9,999 permutations for finer p-values."
                if query.basis == "permutation"
                else ""
            ),
            "map": charts.hotspot_map(
                chart_id="hotspot-map",
                title=f"Hot and cold spots: {query.selection.label.lower()}, {area.name}, {period}",
                features=features,
            ),
        }
    )
    return out


def repeat_context(*, query: Query, area: Area, public: bool) -> dict[str, Any]:
    """The police.uk map points with the most records in the area, type and period (members only:
    publication.py says why no point's count is shown to the public)."""
    out: dict[str, Any] = {"area": area, "query": query, "selection": query.selection.label}
    if public:
        return {
            **out,
            "members_only": "Repeat locations are shown to members of the partnership: a count at one street point, "
            "beside the neighbourhood totals published on the maps page, could give away counts of fewer than 5.",
        }
    store = record_store()
    try:
        stamp = store.stamp()
    except SaferhubError as exc:
        return {**out, "missing": str(exc)}
    if not stamp:
        return {**out, "missing": NO_RECORDS_HELP}
    key = _key("repeat", (str(store.root), stamp, area.code, query.key()))
    points = cache.get(key)
    if points is None:
        points = repeat_points(
            store,
            districts=[d.code for d in csp_areas_in(area=area)],
            months=query.months,
            selection=query.selection,
            limit=query.limit,
        )
        cache.set(key, points, CACHE_SECONDS)
    period = _period(query.months)
    out.update(
        {
            "period": period,
            "rows": [
                {
                    "rank": i,
                    "location": p.location or "(no street name)",
                    "lsoa": p.lsoa_name or p.lsoa_code,
                    "records": f"{p.records:,}",
                    "months": f"{p.months} of {len(query.months)}",
                    "where": f"{p.latitude:.6f}, {p.longitude:.6f}",
                }
                for i, p in enumerate(points, start=1)
            ],
        }
    )
    return out
