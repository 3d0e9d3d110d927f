"""Reads for the performance pages. Every page reads stored summaries (``IndicatorSummary``) in a
fixed number of queries, whatever the number of rows shown; nothing here computes a statistic.

Access is decided in the views through ``saferhub.accounts.access``; ``*_partnerships`` here only
say which partnerships' rules apply to a framework, indicator or area.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe

from saferhub.accounts.models import Partnership
from saferhub.core import disclosure
from saferhub.core.generations import generation
from saferhub.framework.models import Framework, Indicator, IndicatorMembership, Polarity
from saferhub.geography.models import CSP_AREA_TYPES, Area, Boundary
from saferhub.measures.models import IndicatorValue
from saferhub.performance import charts as pcharts
from saferhub.performance import labels
from saferhub.performance.models import GENERATION, IndicatorSummary
from saferhub.web.charts import number

NO_VALUES_HELP = (
    "No values yet: import police.uk files with `saferhub import police-uk PATH` or upload a return, "
    "then run `saferhub performance refresh`."
)
NO_FRAMEWORK_HELP = (
    "No frameworks yet: load the Essex frameworks with `saferhub framework load-essex`, or add one in the admin pages."
)
NO_BOUNDARIES_HELP = (
    "No boundaries loaded: load them with `saferhub geography load boundaries PATH…` "
    "(for example the ONS district boundaries and the LSOA files in ../shared/data/boundaries)."
)
FREQUENCY_DAYS = {"monthly": 31, "quarterly": 92, "annual": 366, "financial_year": 366, "biennial": 731}
# A value is "due" once a whole period has passed after the next one ends, "overdue" after two:
# published figures arrive some weeks after their period (police.uk: about two months).
FRESHNESS_ALLOWANCE = {"monthly": 2, "quarterly": 1, "annual": 1, "financial_year": 1, "biennial": 1}


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


# --- freshness -----------------------------------------------------------------------------------


def freshness(*, frequency: str, period_end: dt.date | None, today: dt.date) -> dict[str, Any]:
    """How old the latest value is against the indicator's frequency (computed when shown)."""
    days = FREQUENCY_DAYS.get(frequency)
    if period_end is None or days is None:
        return {
            "status": "unknown",
            "label": labels.FRESHNESS["unknown"],
            "age_days": None,
            "reason": "the indicator has no regular frequency" if period_end else "there is no value yet",
        }
    age = (today - period_end).days
    allowance = FRESHNESS_ALLOWANCE.get(frequency, 1)
    due_after = days * (1 + allowance)
    if age <= due_after:
        status = "current"
    elif age <= due_after + days:
        status = "due"
    else:
        status = "overdue"
    reason = (
        f"the latest value's period ended {age} days ago; values are {frequency.replace('_', ' ')}, so the next "
        f"is expected within {due_after} days of the last period's end (one period plus {allowance} for publication)"
    )
    return {"status": status, "label": labels.FRESHNESS[status], "age_days": age, "reason": reason}


# --- links ------------------------------------------------------------------------------------------


def indicator_url(indicator: Indicator, area: Area | None = None) -> str:
    """The indicator's page: the framework's, when it is installed, else the performance page."""
    query = f"?area={area.code}" if area is not None else ""
    for name in ("framework:indicator", "framework:indicator_detail"):
        try:
            return reverse(name, kwargs={"slug": indicator.slug}) + query
        except NoReverseMatch:
            continue
    return reverse("performance:indicator", kwargs={"slug": indicator.slug}) + query


def why_url(indicator: Indicator, area: Area, anchor: str = "") -> str:
    url = reverse("performance:why", kwargs={"slug": indicator.slug, "code": area.code})
    return f"{url}#{anchor}" if anchor else url


# --- scorecard ----------------------------------------------------------------------------------------


@dataclass
class ScorecardRow:
    membership: IndicatorMembership
    indicator: Indicator
    summary: IndicatorSummary | None
    lead: str
    target: labels.Label
    variation: labels.Label
    assurance: labels.Label
    benchmark: labels.Label
    trend: labels.Label
    fresh: dict[str, Any]
    interval: str
    value: str
    sparkline: str
    links: dict[str, str] = field(default_factory=dict)
    benchmark_name: str = ""
    url: str = ""
    suppressed: bool = False


def membership_lead(m: IndicatorMembership) -> str:
    ind = m.indicator
    return m.target_lead or ind.lead_role or (ind.lead_organisation.name if ind.lead_organisation else "")


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
    order = ["county", "police_force_area", "unitary", "district", "region", "country"]
    return min(areas, key=lambda a: (order.index(a.area_type) if a.area_type in order else 9, a.name), default=None)


def scorecard_rows(
    *,
    framework: Framework,
    area: Area | None,
    theme: str = "",
    lead: str = "",
    today: dt.date,
    sparklines: bool = True,
    public: bool = False,
) -> list[ScorecardRow]:
    """One row per indicator of the framework (filtered by theme code/id and lead), read in two queries.
    ``public``: the reader is outside the owning partnership, so small numbers are suppressed."""
    memberships = list(
        framework.memberships.select_related("indicator", "indicator__lead_organisation", "theme", "outcome").order_by(
            "order", "code"
        )
    )
    if theme:
        memberships = [m for m in memberships if m.theme_id is not None and str(m.theme_id) == theme]
    if lead:
        memberships = [m for m in memberships if membership_lead(m) == lead]
    summaries: dict[int, IndicatorSummary] = {}
    if area is not None and memberships:
        summaries = {
            s.indicator_id: s
            for s in IndicatorSummary.objects.filter(area=area, indicator__in=[m.indicator_id for m in memberships])
        }
    rows = []
    for m in memberships:
        s = summaries.get(m.indicator_id)
        ind = m.indicator
        detail = s.detail if s else {}
        if public and detail:
            detail = disclosure.public_detail(detail, count=ind.value_type == "count")
        hidden = bool((detail.get("latest") or {}).get("suppressed"))
        trend = detail.get("trend") or {}
        row = ScorecardRow(
            membership=m,
            indicator=ind,
            summary=s,
            lead=membership_lead(m),
            target=labels.TARGET.get(s.target_status if s else "no_target", labels.TARGET["not_assessed"]),
            variation=labels.VARIATION.get(s.spc_variation if s else "", labels.VARIATION[""]),
            assurance=labels.ASSURANCE.get(s.spc_assurance if s else "", labels.ASSURANCE[""]),
            benchmark=labels.BENCHMARK.get(s.benchmark_outcome if s else "", labels.BENCHMARK[""]),
            trend=labels.trend_label(trend.get("outcome", "cannot_be_calculated"), trend.get("assessment")),
            fresh=freshness(frequency=ind.frequency, period_end=s.latest_period_end if s else None, today=today),
            value=(suppressed_text(ind) if hidden else number(s.latest_value, digits=2)) if s else "–",
            interval=(
                f"{number(s.latest_lower_95, digits=2)} to {number(s.latest_upper_95, digits=2)}"
                if s and s.latest_lower_95 is not None and not hidden
                else "–"
            ),
            suppressed=hidden,
            sparkline=pcharts.sparkline(detail.get("series") or [], title=ind.title) if s and sparklines else "",
            benchmark_name=s.benchmark_name if s else "",
            url=reverse("performance:indicator", kwargs={"slug": ind.slug}) + (f"?area={area.code}" if area else ""),
        )
        if s is not None and area is not None:
            base = why_url(ind, area)
            row.links = {k: f"{base}#{k}" for k in ("value", "target", "spc", "benchmark", "trend", "freshness")}
        rows.append(row)
    return rows


def suppressed_text(indicator: Indicator) -> str:
    """What stands in for a suppressed figure: a count says how small it is, a rate only that it is hidden."""
    return disclosure.SMALL_TEXT if indicator.value_type == "count" else disclosure.SUPPRESSED_TEXT


def scorecard_area(*, framework: Framework, code: str, areas: list[Area]) -> Area | None:
    """The area asked for (by GSS code), else the framework's default; NotFound for an unknown code."""
    from saferhub.core.errors import NotFound

    if not code:
        return scorecard_default_area(framework=framework, areas=areas)
    area = next((a for a in areas if a.code == code), None) or Area.objects.filter(code=code.strip().upper()).first()
    if area is None:
        raise NotFound(f"There is no area with the code {code}.")
    return area


def scorecard_section(
    *, framework: Framework, code: str, theme: str, lead: str, query: str, public: bool = False
) -> str:
    """The scorecard's filters and table as HTML, rendered once per refresh, edit and day (cached by
    the summaries' and the framework's time stamps); a cached section costs two queries."""
    today = dt.date.today()
    key = _cache_key(
        "scorecard",
        (
            framework.pk,
            framework.updated_at.isoformat(),
            code,
            theme,
            lead,
            query,
            today,
            public,
            generation(GENERATION),
        ),
    )
    html = cache.get(key)
    if html is None:
        areas = list(scorecard_areas(framework=framework))
        area = scorecard_area(framework=framework, code=code, areas=areas)
        rows = scorecard_rows(framework=framework, area=area, theme=theme, lead=lead, today=today, public=public)
        memberships = framework.memberships.select_related("indicator", "indicator__lead_organisation")
        context = {
            "framework": framework,
            "rows": rows,
            "area": area,
            "areas": areas,
            "themes": framework.themes.all(),
            "theme": theme,
            "leads": sorted({membership_lead(m) for m in memberships} - {""}),
            "lead": lead,
            "has_values": any(r.summary for r in rows),
            "help": NO_VALUES_HELP,
            "query": query,
            "suppression_note": disclosure.EXPLANATION if any(r.suppressed for r in rows) else "",
        }
        html = render_to_string("performance/_scorecard_body.html", context)
        cache.set(key, html, FRAGMENT_CACHE_SECONDS)
    return mark_safe(html)


EXPORT_HEADER = [
    "Code",
    "Indicator",
    "Theme",
    "Lead",
    "Area",
    "Latest period",
    "Latest value",
    "Lower 95%",
    "Upper 95%",
    "Ambition status",
    "Status reason",
    "SPC variation",
    "SPC assurance",
    "Benchmark",
    "Compared with benchmark",
    "Comparison reason",
    "Recent trend",
    "Trend reason",
    "Freshness",
    "Completeness",
]


def scorecard_export_rows(*, rows: list[ScorecardRow], area: Area | None) -> list[list[Any]]:
    """The scorecard as a table for CSV or XLSX (figures as numbers, words as the page shows them)."""
    out = []
    for r in rows:
        s = r.summary
        detail = s.detail if s else {}
        out.append(
            [
                r.membership.code,
                r.indicator.title,
                str(r.membership.theme or ""),
                r.lead,
                area.name if area else "",
                s.latest_period_label if s else "",
                (r.value if r.suppressed else s.latest_value) if s else None,
                s.latest_lower_95 if s and not r.suppressed else None,
                s.latest_upper_95 if s and not r.suppressed else None,
                r.target.text,
                (detail.get("target") or {}).get("reason", ""),
                r.variation.text,
                r.assurance.text,
                r.benchmark_name,
                r.benchmark.text,
                (detail.get("benchmark") or {}).get("reason_95", ""),
                r.trend.text,
                (detail.get("trend") or {}).get("reason", ""),
                r.fresh["label"].text,
                s.completeness if s else None,
            ]
        )
    return out


# --- indicator page section ----------------------------------------------------------------------


def indicator_areas(*, indicator: Indicator) -> list[Area]:
    """Areas with a summary for the indicator: county and force area first, then each district."""
    order = {"country": 0, "region": 1, "county": 2, "police_force_area": 3, "unitary": 4, "district": 4}
    areas = Area.objects.filter(indicator_summaries__indicator=indicator).distinct()
    return sorted(areas, key=lambda a: (order.get(a.area_type, 9), a.name))


def indicator_performance_context(*, indicator: Indicator, area: Area | None, public: bool = False) -> dict[str, Any]:
    """The context the ``performance/indicator_performance.html`` include needs: ``performance.html``
    is the rendered section (headline figures and statuses with their reasons, the turn-the-curve and
    SPC charts, districts compared as bars and a funnel, the district map and the data table).

    ``area`` None picks the indicator's first area (county or force area first). The section is
    rendered once per refresh and day (cached by the summaries' time stamps); a cached section
    costs two queries. ``public``: small numbers suppressed (``saferhub.core.disclosure``).
    """
    key = _cache_key(
        "indicator",
        (
            indicator.pk,
            area.pk if area else "",
            indicator.updated_at.isoformat(),
            dt.date.today(),
            public,
            generation(GENERATION),
            boundaries_stamp(),
        ),
    )
    html = cache.get(key)
    if html is None:
        data = indicator_performance_data(indicator=indicator, area=area, public=public)
        html = render_to_string("performance/_indicator_performance_body.html", data)
        cache.set(key, html, FRAGMENT_CACHE_SECONDS)
    return {"performance": {"html": mark_safe(html)}}


FRAGMENT_CACHE_SECONDS = 6 * 60 * 60


def _cache_key(kind: str, parts: Iterable[Any]) -> str:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"saferhub:performance:{kind}:{digest}"


BOUNDARIES_STAMP_SECONDS = 60


def boundaries_stamp() -> str:
    """Changes when boundaries are loaded; read at most once a minute per process, because new
    boundaries are rare and a minute's delay in a map is harmless."""
    stamp = cache.get("saferhub:performance:boundaries")
    if stamp is None:
        agg = Boundary.objects.aggregate(at=Max("updated_at"), n=Count("id"))
        stamp = f"{agg['at'].isoformat() if agg['at'] else '-'}/{agg['n']}"
        cache.set("saferhub:performance:boundaries", stamp, BOUNDARIES_STAMP_SECONDS)
    return str(stamp)


def indicator_performance_data(*, indicator: Indicator, area: Area | None, public: bool = False) -> dict[str, Any]:
    """The figures and charts behind the indicator's performance section (uncached)."""
    count = indicator.value_type == "count"
    areas = indicator_areas(indicator=indicator)
    if area is None:
        area = areas[0] if areas else None
    ctx: dict[str, Any] = {"indicator": indicator, "area": area, "areas": areas, "help": NO_VALUES_HELP}
    summary = IndicatorSummary.objects.filter(indicator=indicator, area=area).first() if area else None
    ctx["summary"] = summary
    if summary is None or area is None:
        return {"performance": ctx}
    detail = disclosure.public_detail(summary.detail, count=count) if public else summary.detail
    ctx.update(headline(indicator=indicator, area=area, summary=summary, today=dt.date.today(), detail=detail))
    charts_ = [
        pcharts.turn_the_curve(
            title=indicator.title,
            series=detail.get("series") or [],
            forecast=detail.get("forecast"),
            targets=(detail.get("target") or {}).get("targets", []),
            unit=indicator.get_value_type_display(),
        )
    ]
    spc = detail.get("spc")
    if spc and spc.get("applicable"):
        charts_.append(pcharts.spc_chart(title=indicator.title, spc=spc))
    ctx["charts"] = charts_
    # Districts: from this area's summary (a county or force area), else from the area it lies in.
    districts = detail.get("districts")
    if not districts:
        parents = [x for x in (area.parent_id, area.force_area_id) if x]
        parent_summaries = {
            s.area_id: s for s in IndicatorSummary.objects.filter(indicator=indicator, area_id__in=parents)
        }
        for pid in parents:
            if pid in parent_summaries and parent_summaries[pid].detail.get("districts"):
                districts = parent_summaries[pid].detail["districts"]
                if public:
                    districts = disclosure.public_detail({"districts": districts}, count=count)["districts"]
                break
    comparison: list[Any] = []
    if districts:
        if indicator.value_type != "count":  # counts are not compared between areas of different sizes
            comparison.append(pcharts.comparison_bars(title=indicator.title, districts=districts, highlight=area.code))
        if districts.get("funnel"):
            comparison.append(
                pcharts.funnel_plot(title=indicator.title, funnel=districts["funnel"], period=districts["period"])
            )
        ctx["map"] = district_map(indicator=indicator, districts=districts)
    ctx["comparison_charts"] = comparison
    ctx["districts"] = districts
    if districts:
        codes = {a.code: a for a in Area.objects.filter(code__in=[r["code"] for r in districts["rows"]])}
        ctx["district_rows"] = [
            {
                **r,
                "value_text": suppressed_text(indicator) if r.get("suppressed") else number(r["value"], digits=2),
                "interval_text": (
                    f"{number(r['lower_95'], digits=2)} to {number(r['upper_95'], digits=2)}"
                    if r.get("lower_95") is not None
                    else "–"
                ),
                "label": labels.BENCHMARK.get(r["outcome_95"], labels.BENCHMARK[""]),
                "why": why_url(indicator, codes[r["code"]], "benchmark") if r["code"] in codes else "",
            }
            for r in districts["rows"]
        ]
    ctx["table"] = [
        {
            **p,
            "value_text": suppressed_text(indicator) if p.get("suppressed") else number(p.get("value"), digits=2),
            "lower_text": number(p.get("lower_95"), digits=2),
            "upper_text": number(p.get("upper_95"), digits=2),
        }
        for p in reversed(detail.get("series") or [])
    ]
    ctx["missing"] = (detail.get("completeness") or {}).get("missing", [])
    suppressed = any(p.get("suppressed") for p in detail.get("series") or []) or any(
        r.get("suppressed") for r in (districts or {}).get("rows") or []
    )
    ctx["suppression_note"] = disclosure.EXPLANATION if suppressed else ""
    return {"performance": ctx}


def headline(
    *,
    indicator: Indicator,
    area: Area,
    summary: IndicatorSummary,
    today: dt.date,
    detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The headline figures and statuses; ``detail`` is the summary's detail as this reader may see it."""
    detail = summary.detail if detail is None else detail
    hidden = bool((detail.get("latest") or {}).get("suppressed"))
    trend = detail.get("trend") or {}
    base = why_url(indicator, area)
    return {
        "value": suppressed_text(indicator) if hidden else number(summary.latest_value, digits=2),
        "interval": (
            f"{number(summary.latest_lower_95, digits=2)} to {number(summary.latest_upper_95, digits=2)}"
            if summary.latest_lower_95 is not None and not hidden
            else ""
        ),
        "target_label": labels.TARGET.get(summary.target_status, labels.TARGET["not_assessed"]),
        "variation_label": labels.VARIATION.get(summary.spc_variation, labels.VARIATION[""]),
        "assurance_label": labels.ASSURANCE.get(summary.spc_assurance, labels.ASSURANCE[""]),
        "benchmark_label": labels.BENCHMARK.get(summary.benchmark_outcome, labels.BENCHMARK[""]),
        "trend_label": labels.trend_label(trend.get("outcome", "cannot_be_calculated"), trend.get("assessment")),
        "fresh": freshness(frequency=indicator.frequency, period_end=summary.latest_period_end, today=today),
        "why": base,
        "links": {k: f"{base}#{k}" for k in ("value", "target", "spc", "benchmark", "trend", "freshness")},
    }


# --- maps -------------------------------------------------------------------------------------------


def boundaries_for(*, areas: Iterable[Area]) -> dict[int, dict[str, Any]]:
    """The newest boundary of each area (one query)."""
    out: dict[int, dict[str, Any]] = {}
    for b in Boundary.objects.filter(area__in=list(areas)).order_by("area_id", "-vintage"):
        out.setdefault(b.area_id, b.geometry)
    return out


def district_map(*, indicator: Indicator, districts: dict[str, Any]) -> dict[str, Any] | None:
    """A choropleth of the districts in ``districts`` (from a stored summary): SVG, legend and the
    GeoJSON Leaflet draws. None when no boundaries are loaded."""
    codes = [r["code"] for r in districts["rows"]]
    areas = {a.code: a for a in Area.objects.filter(code__in=codes)}
    shapes = boundaries_for(areas=areas.values())
    features = []
    for r in districts["rows"]:
        a = areas.get(r["code"])
        if a is None or a.pk not in shapes:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": shapes[a.pk],
                "properties": {
                    "code": r["code"],
                    "name": r["name"],
                    "value": r["value"],
                    "outcome": labels.BENCHMARK.get(r["outcome_95"], labels.BENCHMARK[""]).text,
                },
            }
        )
    if not features:
        return {"missing": NO_BOUNDARIES_HELP}
    chart, breaks, legend = pcharts.choropleth(
        chart_id="district-map",
        title=f"{indicator.title} by area, {districts['period']}",
        features=features,
        value_title=indicator.get_value_type_display(),
    )
    return map_payload("district-map", chart, breaks, legend, features, digits=2)


def map_payload(
    map_id: str,
    chart: Any,
    breaks: list[float],
    legend: list[dict[str, str]],
    features: list[dict[str, Any]],
    *,
    digits: int,
) -> dict[str, Any]:
    """What ``performance/_map.html`` needs: the SVG chart, the legend in words and for Leaflet, the GeoJSON."""
    return {
        "id": map_id,
        "chart": chart,
        "breaks": breaks,
        "breaks_text": [number(b, digits=digits) for b in breaks],
        "legend": legend,
        "geojson": {"type": "FeatureCollection", "features": features},
        "geojson_id": f"{map_id}-geojson",
        "legend_id": f"{map_id}-legend-data",
        "leaflet_legend": {"breaks": breaks, "colours": [item["colour"] for item in legend], "digits": digits},
    }


def map_indicators() -> list[Indicator]:
    """Indicators the maps page offers: those with figures, by title."""
    return list(Indicator.objects.filter(summaries__isnull=False).distinct().order_by("title"))


def default_map_indicator(indicators: list[Indicator]) -> Indicator | None:
    """The indicator a map opens on: all crime where it has figures, else the first."""
    return next((i for i in indicators if i.slug == "all-crime"), indicators[0] if indicators else None)


def maps_context(
    *,
    indicator: Indicator | None,
    area: Area | None,
    month: str = "",
    public: bool = False,
    indicators: list[Indicator] | None = None,
) -> dict[str, Any]:
    """The maps page: the district choropleth of an indicator's latest figures, and a monthly map of
    incidents by LSOA in one district from the record store (counts of 1 to 4 suppressed when ``public``)."""
    ctx: dict[str, Any] = {"indicator": indicator, "area": area, "help": NO_VALUES_HELP}
    ctx["indicators"] = indicators if indicators is not None else map_indicators()
    ctx["districts_list"] = list(profile_areas())
    if indicator is not None:
        parents = IndicatorSummary.objects.filter(
            indicator=indicator, area__area_type__in=["county", "police_force_area"]
        )
        parent = sorted(parents, key=lambda s: s.area.area_type != "police_force_area")  # the force covers all 14
        districts = next((s.detail.get("districts") for s in parent if s.detail.get("districts")), None)
        if districts and public:
            districts = disclosure.public_detail({"districts": districts}, count=indicator.value_type == "count")[
                "districts"
            ]
        ctx["districts"] = districts
        ctx["map"] = district_map(indicator=indicator, districts=districts) if districts else None
    if area is not None:
        ctx["lsoa"] = lsoa_incident_map(area=area, month=month, public=public)
    return ctx


# --- the record store -------------------------------------------------------------------------------


def _store() -> Any:
    from saferhub.incidents.store import RecordStore

    return RecordStore(settings.SAFERHUB_RECORD_STORE)


def record_counts(
    *,
    by: list[str],
    kinds: list[str] | None = None,
    months: list[str] | None = None,
    where: dict[str, list[str]] | None = None,
) -> list[tuple[Any, ...]]:
    """Counts of police.uk street records from the record store; [] when the store has none. Kept in
    the cache until the store's next commit (keyed by the manifest's stamp)."""
    from saferhub.core.errors import SaferhubError

    try:
        store = _store()
        stamp = store.stamp()
        if not stamp:
            return []
        key = _cache_key("records", (str(store.root), stamp, by, kinds, months, sorted((where or {}).items())))
        rows = cache.get(key)
        if rows is None:
            rows = store.counts(by=by, sources=["police-uk"], kinds=kinds, months=months, where=where)
            cache.set(key, rows, FRAGMENT_CACHE_SECONDS)
        return list(rows)
    except (SaferhubError, OSError):
        return []


def lsoa_incident_map(*, area: Area, month: str = "", public: bool = False) -> dict[str, Any]:
    """Incidents (crimes and anti-social behaviour) by LSOA in one district and month, from the record
    store, joined to LSOA boundaries. Records whose LSOA has no boundary are counted and said. When
    ``public``, counts of 1 to 4 (and any count that would give one away through the total) are shown
    as "fewer than 5" and left uncoloured on the map."""
    rows = record_counts(by=["month", "district_code", "lsoa_code", "lsoa_name"], where={"district_code": [area.code]})
    months = sorted({r[0] for r in rows if r[1] == area.code}, reverse=True)
    out: dict[str, Any] = {"months": months, "month": month, "area": area}
    if not months:
        out["missing"] = (
            f"No records for {area.name} in the record store: import police.uk street files with "
            "`saferhub import police-uk PATH`."
        )
        return out
    if month not in months:
        month = months[0]
    out["month"] = month
    counts = {r[2]: (r[3], r[4]) for r in rows if r[0] == month and r[1] == area.code and r[2]}
    hidden: set[str] = set()
    if public:
        codes = list(counts)
        mask = disclosure.suppress_table([[counts[c][1]] for c in codes], row_totals=False)
        hidden = {c for c, m in zip(codes, mask.cells, strict=True) if m[0]}
    lsoas = {a.code: a for a in Area.objects.filter(code__in=list(counts), area_type="lsoa")}
    shapes = boundaries_for(areas=lsoas.values())
    features, unmatched, unmatched_hidden = [], 0, False
    for code, (name, n) in counts.items():
        a = lsoas.get(code)
        if a is None or a.pk not in shapes:
            unmatched += n
            unmatched_hidden |= code in hidden
            continue
        props: dict[str, Any] = {"code": code, "name": name or a.name, "value": None if code in hidden else n}
        if code in hidden:
            props["label"] = disclosure.SMALL_TEXT
        features.append({"type": "Feature", "geometry": shapes[a.pk], "properties": props})
    out["total"] = sum(n for _, n in counts.values())
    # A sum over suppressed cells would give them away: say that some records are unmapped, not how many.
    out["unmatched"] = unmatched
    out["unmatched_text"] = "Some" if unmatched_hidden else str(unmatched)
    ordered = sorted(((code, name, n) for code, (name, n) in counts.items()), key=lambda r: -r[2])
    out["table"] = [(code, name, disclosure.SMALL_TEXT if code in hidden else n) for code, name, n in ordered]
    out["suppression_note"] = disclosure.EXPLANATION if hidden else ""
    if not features:
        out["missing_boundaries"] = NO_BOUNDARIES_HELP
        return out
    chart, breaks, legend = pcharts.choropleth(
        chart_id="lsoa-map",
        title=f"Crimes and anti-social behaviour by LSOA, {area.name}, {month}",
        features=features,
        value_title="Records",
        digits=0,
    )
    out["map"] = map_payload("lsoa-map", chart, breaks, legend, features, digits=0)
    return out


# --- district profile ---------------------------------------------------------------------------------


def profile_areas() -> QuerySet[Area]:
    """Community safety partnership areas the hub knows as such: placed in a county or force area, or
    with figures (a national boundary file alone does not add every district in England)."""
    return (
        Area.objects.filter(area_type__in=CSP_AREA_TYPES)
        .filter(Q(parent__isnull=False) | Q(force_area__isnull=False) | Q(indicator_summaries__isnull=False))
        .distinct()
        .order_by("name")
    )


def area_profile_context(*, area: Area, public: bool = False) -> dict[str, Any]:
    """Every indicator for a district against the county and its comparators (a spine chart), and its
    crime and anti-social behaviour by type and month (small numbers suppressed when ``public``)."""
    ctx: dict[str, Any] = {"area": area, "help": NO_VALUES_HELP}
    own = list(IndicatorSummary.objects.filter(area=area).select_related("indicator").order_by("indicator__title"))
    ctx["summaries"] = own
    peers = Area.objects.filter(area_type__in=CSP_AREA_TYPES)
    if area.parent_id and area.area_type == "district":
        peers = peers.filter(parent_id=area.parent_id)
    elif area.force_area_id:
        peers = peers.filter(force_area_id=area.force_area_id)
    peer_values: dict[int, list[tuple[str, float]]] = {}
    counts = {s.indicator_id for s in own if s.indicator.value_type == "count"}
    for ind_id, period, value, numerator in IndicatorSummary.objects.filter(
        area__in=peers, indicator__in=[s.indicator_id for s in own], latest_value__isnull=False
    ).values_list("indicator_id", "latest_period_label", "latest_value", "latest_numerator"):
        if public and disclosure.point_discloses({"value": value, "numerator": numerator}, count=ind_id in counts):
            continue  # a peer's small figure would show as the best or worst end of the spine
        if value is not None:
            peer_values.setdefault(ind_id, []).append((period, value))
    spine_rows, table = [], []
    for s in own:
        ind = s.indicator
        bench = (s.detail or {}).get("benchmark") or {}
        hidden = public and disclosure.point_discloses(
            {"value": s.latest_value, "numerator": s.latest_numerator}, count=ind.pk in counts
        )
        values = [v for period, v in peer_values.get(ind.pk, []) if period == s.latest_period_label]
        outcome = s.benchmark_outcome or "not_compared"
        label = labels.BENCHMARK.get(outcome, labels.BENCHMARK[""])
        row = {
            "indicator": ind.title,
            "slug": ind.slug,
            "period": s.latest_period_label,
            "area_value": suppressed_text(ind) if hidden else number(s.latest_value, digits=2),
            "benchmark_value": number(bench.get("benchmark"), digits=2),
            "benchmark_name": bench.get("name", ""),
            "outcome": outcome,
            "outcome_label": label.text,
            "label": label,
            "worst": "–",
            "range": "–",
            "best": "–",
            "peers": len(values),
            "why": why_url(ind, area, "benchmark"),
            "url": indicator_url(ind, area),
        }
        # A count is not placed against a county's count (areas differ in size): the table says so.
        comparable = ind.pk not in counts
        if (
            comparable
            and not hidden
            and bench.get("benchmark") is not None
            and s.latest_value is not None
            and len(values) >= 2
        ):
            row.update(_spine_position(values, s.latest_value, bench["benchmark"], ind.polarity))
            spine_rows.append(row)
        table.append(row)
    ctx["rows"] = table
    names = {r["benchmark_name"] for r in spine_rows}
    ctx["benchmark_name"] = names.pop() if len(names) == 1 else "the benchmark of each indicator"
    ctx["spine"] = (
        pcharts.spine_chart(rows=spine_rows, area_name=area.name, benchmark_name=ctx["benchmark_name"])
        if spine_rows
        else None
    )
    ctx["suppression_note"] = disclosure.EXPLANATION if public else ""
    ctx["by_type"] = crime_by_type_and_month(area=area, public=public)
    ctx["lsoa"] = lsoa_incident_map(area=area, public=public)
    return ctx


def _spine_position(values: list[float], value: float, benchmark: float, polarity: str) -> dict[str, Any]:
    """Fingertips spine chart scaling: the benchmark at the centre, the furthest area at an edge;
    better to the right (for "lower is better" the axis is flipped)."""
    lo, hi = min(values), max(values)
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive") if len(values) >= 2 else (lo, 0, hi)
    spread = max(abs(lo - benchmark), abs(hi - benchmark), abs(value - benchmark)) or 1.0
    flip = polarity == "lower_is_better"

    def pos(v: float) -> float:
        x = (v - benchmark) / (2 * spread)
        return round(0.5 - x if flip else 0.5 + x, 4)

    worst, best = (hi, lo) if flip else (lo, hi)
    a, b = sorted((pos(q1), pos(q3)))
    left, right = sorted((pos(lo), pos(hi)))
    return {
        "x_min": left,
        "x_max": right,
        "x_q1": a,
        "x_q3": b,
        "x_area": pos(value),
        "worst": number(worst, digits=2),
        "best": number(best, digits=2),
        "range": f"{number(q1, digits=2)} to {number(q3, digits=2)}",
    }


CRIME_PREFIX = "crime-"
ASB_SLUG = "anti-social-behaviour"


def crime_by_type_and_month(*, area: Area, public: bool = False) -> dict[str, Any]:
    """Crime and anti-social behaviour by type and month: from the record store when it has records
    for the area, else from the ``crime-<category>`` and ``anti-social-behaviour`` indicator values.
    When ``public``, counts of 1 to 4 and the cells that would give them away through a type's or a
    month's total are shown as "fewer than 5" (``saferhub.core.disclosure.suppress_table``)."""
    rows = record_counts(by=["area_code", "month", "kind", "category"], where={"area_code": [area.code]})
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
        values = IndicatorValue.objects.filter(
            Q(indicator__slug__startswith=CRIME_PREFIX) | Q(indicator__slug=ASB_SLUG),
            area=area,
            breakdown="",
            period_kind="month",
        ).values_list("indicator__title", "indicator__value_type", "period_label", "value", "numerator")
        for title, value_type, period, value, numerator in values:
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
    chart = pcharts.heatmap(
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


# --- why -------------------------------------------------------------------------------------------------


def why_context(*, indicator: Indicator, area: Area, public: bool = False) -> dict[str, Any]:
    """The reasons behind every colour and icon for one indicator in one area: values, intervals, the
    benchmarks with their reasons, the SPC rule that fired, the trend test and the forecast (small
    numbers suppressed when ``public``)."""
    summary = IndicatorSummary.objects.filter(indicator=indicator, area=area).first()
    ctx: dict[str, Any] = {"indicator": indicator, "area": area, "summary": summary, "help": NO_VALUES_HELP}
    if summary is None:
        return ctx
    detail = (
        disclosure.public_detail(summary.detail, count=indicator.value_type == "count") if public else summary.detail
    )
    ctx.update(headline(indicator=indicator, area=area, summary=summary, today=dt.date.today(), detail=detail))
    ctx["detail"] = detail
    latest = detail.get("latest") or {}
    hidden = bool(latest.get("suppressed"))
    ctx["suppression_note"] = disclosure.EXPLANATION if hidden else ""
    ctx["numerator_text"] = disclosure.SMALL_TEXT if hidden else number(latest.get("numerator"))
    ctx["denominator_text"] = number(latest.get("denominator"))
    polarity = summary.detail.get("polarity") or ""
    ctx["polarity_text"] = dict(Polarity.choices).get(polarity, "not set").lower()
    ctx["comparisons"] = [
        {
            **cmp,
            "label": labels.BENCHMARK.get(cmp.get("outcome_95", ""), labels.BENCHMARK[""]),
            "label_998": labels.BENCHMARK.get(cmp.get("outcome_998", ""), labels.BENCHMARK[""]),
            "benchmark_text": number(cmp.get("benchmark"), digits=3),
        }
        for cmp in detail.get("comparisons", [])
    ]
    ctx["targets"] = [
        {**t, "label": labels.TARGET.get(t.get("status", ""), labels.TARGET["not_assessed"])}
        for t in (detail.get("target") or {}).get("targets", [])
    ]
    return ctx


def indicator_background(*, indicator: Indicator) -> dict[str, Any]:
    """The story behind the baseline, the partners and the strategic actions (three queries), for the
    stand-alone indicator page; the framework's indicator page shows its own."""
    return {
        "stories": list(indicator.stories.all()),
        "partners": list(indicator.partners.select_related("organisation")),
        "actions": list(indicator.actions.select_related("plan").order_by("plan__title", "order", "reference")),
    }
