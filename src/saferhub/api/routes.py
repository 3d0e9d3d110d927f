"""The endpoints: each parses its input, asks ``reads`` (the access door's answers) and renders.

Every figure is the page's figure: the series endpoint returns the indicator page's table (and its
CSV byte for byte with ``?format=csv``), so suppression cannot differ between the two.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Path, Query, Router
from ninja.errors import HttpError

from saferhub.api import reads
from saferhub.api.schemas import (
    ActionOut,
    AreaOut,
    FrameworkOut,
    IndicatorDetailOut,
    IndicatorOut,
    Invalid,
    MeetingOut,
    Problem,
    SeriesOut,
)
from saferhub.api.security import reader_of
from saferhub.core.exports import export_response
from saferhub.core.hub_generation import HUB_COUNTERS
from saferhub.core.page_cache import cached
from saferhub.geography.models import Area, AreaType
from saferhub.performance.models import GENERATION as PERFORMANCE
from saferhub.performance.pages.indicator import VALUES_EXPORT_HEADER, indicator_values_export_rows
from saferhub.sharing.audit import sharing_read_note
from saferhub.sharing.models import ReadAudit

router = Router()

SLUG = r"^[-a-zA-Z0-9_]{1,120}$"
CODE = r"^[A-Za-z][0-9A-Za-z]{1,8}$"
AREA_TYPE = "^(" + "|".join(AreaType.values) + ")$"
# Every endpoint may answer: a token not recognised (401), a query that breaks the schema (422), too
# many requests (429); those that read one thing may refuse it (401, 403) or not find it (404).
ERRORS: dict[int, Any] = {401: Problem, 422: Invalid, 429: Problem}
REFUSED: dict[int, Any] = {**ERRORS, 403: Problem, 404: Problem}
CSV_TOO = {
    "responses": {
        200: {
            "description": "OK",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/SeriesOut"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    }
}


def _refuse(request: HttpRequest) -> HttpError:
    if not reader_of(request).user.is_authenticated:
        return HttpError(401, "Sign in, or send a partner's token, to read these figures")
    return HttpError(403, "These figures belong to a partnership you are not a member of")


def _area(a: Area) -> dict[str, Any]:
    return {
        "code": a.code,
        "name": a.name,
        "type": a.area_type,
        "parent": a.parent.code if a.parent_id and a.parent else None,
        "force_area": a.force_area.code if a.force_area_id and a.force_area else None,
    }


@router.get("/areas", response={200: list[AreaOut], **ERRORS}, url_name="areas", tags=["areas"])
def areas(
    request: HttpRequest,
    type: str | None = Query(None, pattern=AREA_TYPE),
    parent: str | None = Query(None, pattern=CODE),
    limit: int = Query(500, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=10_000_000),
) -> list[dict[str, Any]]:
    """Areas with their ONS GSS codes, type, the area they lie in and their police force area."""
    found = reads.area_list(area_type=type or "", parent=(parent or "").upper(), limit=limit, offset=offset)
    return [_area(a) for a in found]


@router.get("/areas/{code}", response={200: AreaOut, **ERRORS, 404: Problem}, url_name="area", tags=["areas"])
def area(request: HttpRequest, code: str = Path(..., pattern=CODE)) -> Any:
    found = reads.area_get(code=code)
    if found is None:
        raise HttpError(404, f"There is no area with the code {code}")
    return _area(found)


def _indicator(request: HttpRequest, indicator: Any, owners: list[Any]) -> dict[str, Any]:
    return {
        "slug": indicator.slug,
        "title": indicator.title,
        "value_type": indicator.value_type,
        "unit": indicator.unit,
        "polarity": indicator.polarity,
        "frequency": indicator.frequency,
        "owner": ", ".join(p.name for p in owners) or None,
        "url": request.build_absolute_uri(reverse("api:indicator", kwargs={"slug": indicator.slug})),
    }


@router.get("/indicators", response={200: list[IndicatorOut], **ERRORS}, url_name="indicators", tags=["indicators"])
def indicators(request: HttpRequest) -> list[dict[str, Any]]:
    """The indicators whose figures you may read, with their metadata."""
    user = reader_of(request).user
    return [_indicator(request, i, owners) for i, owners in reads.indicator_list(user=user)]


@router.get(
    "/indicators/{slug}", response={200: IndicatorDetailOut, **REFUSED}, url_name="indicator", tags=["indicators"]
)
def indicator(request: HttpRequest, slug: str = Path(..., pattern=SLUG)) -> Any:
    """An indicator's definition, unit, polarity, source and the areas it has values for."""
    try:
        found = reads.indicator_get(user=reader_of(request).user, slug=slug)
    except reads.Refused:
        raise _refuse(request) from None
    if found is None:
        raise HttpError(404, f"There is no indicator {slug}")
    ind, owners = found
    series = reverse("api:series", kwargs={"slug": ind.slug})
    return {
        **_indicator(request, ind, owners),
        "definition": ind.definition,
        "polarity_note": ind.polarity_note,
        "national_indicator_ref": ind.national_indicator_ref,
        "data_source": ind.data_source,
        "lead_role": ind.lead_role,
        "areas": reads.indicator_area_codes(indicator=ind),
        "series_url": request.build_absolute_uri(series),
    }


@router.get(
    "/indicators/{slug}/series",
    response={200: SeriesOut, **REFUSED},
    url_name="series",
    tags=["indicators"],
    openapi_extra=CSV_TOO,
)
def series(
    request: HttpRequest,
    slug: str = Path(..., pattern=SLUG),
    area: str | None = Query(None, pattern=CODE),
    format: Literal["json", "csv"] = "json",
) -> Any:
    """An indicator's values for an area, newest first, with 95% and 99.8% limits, and (for a county
    or force area) its districts compared with it. Counts of 1 to 4, and figures that would give one
    away, are null (``suppressed``) unless you are a member of a partnership that owns them: exactly
    as the indicator's page shows them. ``format=csv`` gives the page's own CSV."""
    reader = reader_of(request)
    if format == "json" and not reader.user.is_authenticated:
        # Every signed-out reader (no session, no token) reads the published figures: one answer for
        # all of them, kept until the figures change or the day turns.
        return cached(
            "api:series",
            (slug, area or "", timezone.localdate()),
            lambda: _series(request, reader, slug=slug, area=area, format=format),
            counters=(*HUB_COUNTERS, PERFORMANCE),
        )
    return _series(request, reader, slug=slug, area=area, format=format)


def _series(request: HttpRequest, reader: Any, *, slug: str, area: str | None, format: str) -> Any:
    try:
        found = reads.indicator_series(user=reader.user, slug=slug, code=area or "", today=timezone.localdate())
    except reads.Refused:
        raise _refuse(request) from None
    if found is None or "table" not in found.data["performance"]:
        raise HttpError(404, "There is no such indicator, area, or value for that area")
    if found.restricted:
        perf = found.data["performance"]
        periods = [str(r.get("period") or "") for r in perf.get("table") or []]
        sharing_read_note(
            user=reader.user,
            sources=reads.series_sources(indicator=found.indicator, area=found.area),
            what=f"API: {found.indicator.title}, {found.area.name}"
            + (" (CSV)" if format == "csv" else "")
            + (" with a token" if reader.token else ""),
            channel=ReadAudit.Channel.EXPORT,
            areas=[found.area.code],
            periods=f"{periods[-1]} to {periods[0]}" if periods else "",
            records=len(periods),
        )
    if format == "csv":
        rows = indicator_values_export_rows(found.data)
        return export_response("csv", f"{found.indicator.slug}-{found.area.code}", VALUES_EXPORT_HEADER, rows)
    perf = found.data["performance"]
    period, compared = reads.series_compared(found.data)
    return {
        "indicator": found.indicator.slug,
        "title": found.indicator.title,
        "area": _area(found.area),
        "value_type": found.indicator.value_type,
        "unit": found.indicator.unit,
        "benchmark": str(perf.get("benchmark_label") or ""),
        "benchmark_period": period,
        "compared": compared,
        "suppression_note": str(perf.get("suppression_note") or ""),
        "values": reads.series_points(found.data),
    }


def _framework(f: Any) -> dict[str, Any]:
    return {
        "slug": f.slug,
        "title": f.title,
        "short_title": f.short_title,
        "owner": f.owner.name,
        "status": f.status,
        "period_label": f.period_label,
        "area": f.area.code if f.area else None,
        "description": f.description,
        "indicators": [
            {"indicator": m.indicator.slug, "code": m.code, "title": m.title_in_plan or m.indicator.title}
            for m in sorted(f.memberships.all(), key=lambda m: (m.order, m.pk))
        ],
    }


@router.get("/frameworks", response={200: list[FrameworkOut], **ERRORS}, url_name="frameworks", tags=["frameworks"])
def frameworks(request: HttpRequest) -> list[dict[str, Any]]:
    """Published plans (a partnership's members also see its drafts), with their indicators."""
    return [_framework(f) for f in reads.framework_list(user=reader_of(request).user)]


def _framework_or_refuse(request: HttpRequest, slug: str) -> Any:
    try:
        found = reads.framework_get(user=reader_of(request).user, slug=slug)
    except reads.Refused:
        raise _refuse(request) from None
    if found is None:
        raise HttpError(404, f"There is no plan {slug}")
    return found


@router.get("/frameworks/{slug}", response={200: FrameworkOut, **REFUSED}, url_name="framework", tags=["frameworks"])
def framework(request: HttpRequest, slug: str = Path(..., pattern=SLUG)) -> Any:
    return _framework(_framework_or_refuse(request, slug))


@router.get(
    "/frameworks/{slug}/actions",
    response={200: list[ActionOut], **REFUSED},
    url_name="framework_actions",
    tags=["frameworks"],
)
def framework_actions(request: HttpRequest, slug: str = Path(..., pattern=SLUG)) -> Any:
    """The plan's actions: reference, lead role, dates, status and progress as recorded."""
    found = _framework_or_refuse(request, slug)
    return [
        {
            "reference": a.reference,
            "title": a.title,
            "description": a.description,
            "plan": a.plan.title,
            "status": a.status,
            "lead_role": a.lead_role,
            "start_date": a.start_date,
            "due_date": a.due_date,
            "progress_summary": a.progress_summary,
            "indicators": [i.slug for i in a.indicators.all()],
        }
        for a in reads.framework_actions(user=reader_of(request).user, framework=found)
    ]


@router.get("/meetings", response={200: list[MeetingOut], **ERRORS}, url_name="meetings", tags=["governance"])
def meetings(request: HttpRequest) -> list[dict[str, Any]]:
    """Published board meetings (and your partnerships' unpublished ones) with their agenda items and
    papers; items taken in private are left out unless you are a member."""
    return [
        {
            "id": str(m.public_id),
            "partnership": m.partnership.name,
            "title": m.name,
            "date": m.date,
            "status": m.status,
            "location": m.location,
            "items": [
                {
                    "number": i.number,
                    "title": i.title,
                    "kind": i.kind,
                    "papers": [
                        {
                            "title": p.title,
                            "url": request.build_absolute_uri(reverse("governance:paper", kwargs={"pk": p.pk})),
                        }
                        for p in i.papers.all()
                    ],
                }
                for i in reads.meeting_items(user=reader_of(request).user, meeting=m)
            ],
        }
        for m in reads.meeting_list(user=reader_of(request).user)
    ]
