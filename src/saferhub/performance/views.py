"""Performance pages: scorecards, indicator performance, "why" panels, district profiles and maps.

Views parse input, decide access through ``saferhub.accounts.access``, call one selector and render.
Figures are read from stored summaries; nothing here computes a statistic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from saferhub.accounts.access import (
    access_framework_read,
    access_has_role,
    access_public_read,
    access_sees_small_numbers,
)
from saferhub.accounts.models import Partnership, Role
from saferhub.core import disclosure
from saferhub.core.errors import NotFound
from saferhub.core.exports import export_response
from saferhub.framework.models import Framework, Indicator
from saferhub.geography.models import Area
from saferhub.geography.selectors import area_by_code
from saferhub.measures.selectors import value_sources
from saferhub.performance import fragments, links, selectors
from saferhub.performance.area_search import area_search
from saferhub.performance.pages import NO_FRAMEWORK_HELP
from saferhub.performance.pages.compare import (
    EXPORT_HEADER as COMPARE_EXPORT_HEADER,
)
from saferhub.performance.pages.compare import (
    MIN_AREAS,
    compare_codes,
    compare_export_rows,
    compare_rows,
)
from saferhub.performance.pages.indicator import (
    AREAS_EXPORT_HEADER,
    VALUES_EXPORT_HEADER,
    indicator_areas_export_rows,
    indicator_performance_data,
    indicator_values_export_rows,
)
from saferhub.performance.pages.maps import maps_context
from saferhub.performance.pages.profile import EXPORT_HEADER as PROFILE_EXPORT_HEADER
from saferhub.performance.pages.profile import PeriodError, area_profile_context, profile_export_rows
from saferhub.performance.pages.scorecard import EXPORT_HEADER, scorecard_export_rows, scorecard_rows
from saferhub.performance.pages.scorecard_order import rows_filtered_and_sorted
from saferhub.performance.pages.scorecards import framework_standing, scorecard_entries
from saferhub.performance.pages.why import why_context
from saferhub.sharing.access import sharing_unsuppressed_allowed
from saferhub.sharing.audit import sharing_read_note
from saferhub.sharing.models import ReadAudit


class _Refused(Exception):
    pass


def _check(request: HttpRequest, partnerships: Iterable[Partnership], *, area: Area | None = None) -> bool:
    """Figures are open when one of their partnerships publishes them or the user is a member; figures
    that belong to no partnership (imported ones) are public. Refused: anonymous users are sent to sign
    in, others get 403. Returns whether the user reads them as public figures (not a member of a
    partnership that owns them, by the indicator or by ``area``), so that small numbers are suppressed."""
    partnerships = list(partnerships)
    allowed = any(access_public_read(request.user, p) for p in partnerships) if partnerships else True
    if allowed:
        return not access_sees_small_numbers(request.user, partnerships, area=area)
    if not request.user.is_authenticated:
        raise _Refused
    raise PermissionDenied("These figures belong to a partnership you are not a member of.")


def _restricted(request: HttpRequest, *, indicators: list[Indicator] | None, areas: list[Area]) -> bool:
    """Whether a member who would see small counts may, by the agreements in force for the datasets
    the figures came from (returns and partner uploads need one; open data does not). Returns True
    when the figures are to be shown unsuppressed."""
    return sharing_unsuppressed_allowed(request.user, value_sources(indicators=indicators, areas=areas))


def _audit(
    request: HttpRequest, *, what: str, indicators: list[Indicator] | None, areas: list[Area], export: bool = False
) -> None:
    """A member's read of unsuppressed figures (small counts shown) is a read of restricted data:
    recorded against each dataset the figures were imported from (sharing's read audit)."""
    sources = value_sources(indicators=indicators, areas=areas)
    if sources:
        channel = ReadAudit.Channel.EXPORT if export else ReadAudit.Channel.PAGE
        sharing_read_note(user=request.user, sources=sources, what=what, channel=channel, areas=[a.code for a in areas])


def _guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send anonymous users who are refused to sign in (others get 403 from ``_check``)."""

    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _Refused:
            return redirect_to_login(request.get_full_path())

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _readable(request: HttpRequest, indicator_ids: Iterable[int]) -> Callable[[Indicator], bool]:
    """Whether the reader may see an indicator's figures at all: a private partnership's are for its
    members (two queries for every indicator asked about)."""
    owners = selectors.indicator_owners(indicator_ids=list(indicator_ids))

    def readable(indicator: Indicator) -> bool:
        found = owners.get(indicator.pk, [])
        return not found or any(access_public_read(request.user, p) for p in found)

    return readable


def _area(code: str | None) -> Area | None:
    if not code:
        return None
    area = area_by_code(code=code.strip().upper())
    if area is None:
        raise Http404(f"There is no area with the code {code}.")
    return area


@_guarded
def scorecards(request: HttpRequest) -> HttpResponse:
    """The frameworks whose scorecards this user may read."""
    frameworks = [
        f for f in Framework.objects.select_related("owner").order_by("title") if access_framework_read(request.user, f)
    ]
    entries = scorecard_entries(frameworks, today=timezone.localdate())
    return render(request, "performance/scorecards.html", {"entries": entries, "help": NO_FRAMEWORK_HELP})


@_guarded
def scorecard(request: HttpRequest, slug: str) -> HttpResponse:
    """One row per indicator: latest value, interval, status, SPC, benchmark, trend, freshness."""
    framework = get_object_or_404(Framework.objects.select_related("owner", "area"), slug=slug)
    if not access_framework_read(request.user, framework):  # a draft plan: its partnership's only
        if not request.user.is_authenticated:
            raise _Refused
        raise PermissionDenied("This plan is a draft: only its partnership's members can read it yet.")
    theme = request.GET.get("theme", "")
    lead = request.GET.get("lead", "")
    code = request.GET.get("area", "")
    status = request.GET.get("status", "")
    benchmark = request.GET.get("benchmark", "")
    sort = request.GET.get("sort", "")
    place = area_by_code(code=code.strip().upper()) if code else framework.area
    public = _check(request, [framework.owner], area=place)
    if not public and place is not None and not _restricted(request, indicators=None, areas=[place]):
        public = True
    # An indicator a private partnership owns is left out for readers who are not its members.
    hidden_rows = selectors.private_indicators(
        framework=framework, readable=lambda p: access_public_read(request.user, p)
    )
    fmt = request.GET.get("format", "")
    today = timezone.localdate()
    try:
        if fmt in ("csv", "xlsx"):
            areas = list(selectors.scorecard_areas(framework=framework))
            area = selectors.scorecard_area(framework=framework, code=code, areas=areas)
            rows = scorecard_rows(
                framework=framework,
                area=area,
                theme=theme,
                lead=lead,
                today=today,
                sparklines=False,
                public=public,
                leave_out=hidden_rows,
            )
            rows = rows_filtered_and_sorted(rows, status=status, benchmark=benchmark, sort=sort)
            name = f"scorecard-{framework.slug}-{area.code if area else 'no-area'}"
            if not public and area is not None:
                shown = [r.indicator for r in rows]
                _audit(
                    request, what=f"Scorecard export: {framework.title}", indicators=shown, areas=[area], export=True
                )
            export = scorecard_export_rows(rows=rows, area=area)
            return export_response(fmt, name, EXPORT_HEADER, export)
        section = fragments.scorecard_section(
            framework=framework,
            code=code,
            theme=theme,
            lead=lead,
            query=request.GET.urlencode(),
            today=today,
            public=public,
            leave_out=hidden_rows,
            status=status,
            benchmark=benchmark,
            sort=sort,
        )
    except NotFound as exc:
        raise Http404(str(exc)) from None
    standing = framework_standing(framework, today=today)
    context = {"framework": framework, "section": section, "standing": standing}
    return render(request, "performance/scorecard.html", context)


@_guarded
def indicator(request: HttpRequest, slug: str) -> HttpResponse:
    """An indicator's performance on its own page (the framework's indicator page includes the same section)."""
    ind = get_object_or_404(Indicator.objects.select_related("owner"), slug=slug)
    owners = selectors.indicator_partnerships(indicator=ind)
    area = _area(request.GET.get("area")) or selectors.default_indicator_area(indicator=ind)
    public = _check(request, owners, area=area)
    if not public and area is not None and not _restricted(request, indicators=[ind], areas=[area]):
        public = True
    parent = selectors.parent_area(area=area) if area is not None else None
    public_rows = public if parent is None else _check(request, owners, area=parent) or public
    if request.GET.get("format") == "csv" and area is not None:
        data = indicator_performance_data(
            indicator=ind, area=area, today=timezone.localdate(), public=public, public_rows=public_rows
        )
        if request.GET.get("table") == "areas":  # the areas compared, masked as the page masks them
            rows = indicator_areas_export_rows(data)
            if not public_rows:
                shown = [parent] if parent is not None else [area]
                _audit(request, what=f"Areas compared export: {ind.title}", indicators=[ind], areas=shown, export=True)
            return export_response("csv", f"{ind.slug}-areas-{area.code}", AREAS_EXPORT_HEADER, rows)
        rows = indicator_values_export_rows(data)
        if not public:
            _audit(request, what=f"Indicator values export: {ind.title}", indicators=[ind], areas=[area], export=True)
        return export_response("csv", f"{ind.slug}-{area.code}", VALUES_EXPORT_HEADER, rows)
    context = fragments.indicator_performance_context(
        indicator=ind, area=area, today=timezone.localdate(), public=public, public_rows=public_rows
    )
    if not public and area is not None:
        _audit(request, what=f"Indicator page: {ind.title}", indicators=[ind], areas=[area])
    context["indicator"] = ind
    framework_page = links.indicator_url(ind)
    context["framework_url"] = framework_page if "/performance/" not in framework_page else ""
    if not context["framework_url"]:  # the framework's indicator page shows these where it is installed
        background = selectors.indicator_background(indicator=ind)
        # A private partnership's actions are for its members.
        background["actions"] = [
            a for a in background["actions"] if access_public_read(request.user, a.plan.partnership)
        ]
        context.update(background)
    return render(request, "performance/indicator.html", context)


@_guarded
def why(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Why each colour and icon is what it is: the values, intervals and the rule that fired."""
    ind = get_object_or_404(Indicator.objects.select_related("owner"), slug=slug)
    area = _area(code)
    assert area is not None
    public = _check(request, selectors.indicator_partnerships(indicator=ind), area=area)
    context = why_context(indicator=ind, area=area, today=timezone.localdate(), public=public)
    return render(request, "performance/why.html", context)


@_guarded
def areas(request: HttpRequest) -> HttpResponse:
    """Every community safety partnership area, each with its profile; ``q`` searches by name, code,
    postcode district or postcode."""
    query = request.GET.get("q", "").strip()[:100]
    search = area_search(query=query)
    return render(request, "performance/areas.html", {"areas": search.areas, "search": search, "query": query})


@_guarded
def area_profile(request: HttpRequest, code: str) -> HttpResponse:
    """A district's profile: every indicator against the county and comparators, and its crime by
    type; ``period`` shows one period's figures instead of the latest; ``format=csv`` downloads the
    indicator table (``table=by-type``: the crime by type and month table)."""
    area = _area(code)
    assert area is not None
    public = _area_public(request, area)
    readable = _readable(request, selectors.area_indicator_ids(area=area))
    period = request.GET.get("period", "").strip()[:40]
    try:
        context = area_profile_context(area=area, public=public, readable=readable, period=period)
    except PeriodError as exc:
        context = area_profile_context(area=area, public=public, readable=readable)
        context["errors"] = {"period": str(exc)}
        context["period"] = period
        status = 400
    else:
        status = 200
    fmt = request.GET.get("format", "")
    if fmt == "csv" and status == 200:
        by_type = request.GET.get("table") == "by-type"
        if not public:
            what = "Area profile export" + (", crime by type" if by_type else "")
            _audit(request, what=f"{what}: {area.name}", indicators=None, areas=[area], export=True)
        if by_type and context["by_type"].get("chart") is not None:
            table = context["by_type"]["chart"].table
            rows = [[_as_number(cell) for cell in row] for row in table.rows]
            return export_response("csv", f"crime-by-type-{area.code}", table.columns, rows)
        name = f"profile-{area.code}" + (f"-{period}" if period else "")
        return export_response("csv", name, PROFILE_EXPORT_HEADER, profile_export_rows(context["rows"]))
    if not public:
        _audit(request, what=f"Area profile: {area.name}", indicators=None, areas=[area])
    context["csv_query"] = (f"period={period}&" if period and status == 200 else "") + "format=csv"
    # The priority matrix is for the area's partnership: linked only for its members (no dead ends).
    context["matrix_link"] = request.user.is_authenticated and any(
        access_has_role(request.user, p, Role.VIEWER) for p in Partnership.objects.filter(area=area)
    )
    return render(request, "performance/area_profile.html", context, status=status)


def _as_number(cell: Any) -> Any:
    """A table's "1,234" as the number 1234 for a CSV; words (a hidden count's) as they are."""
    text = str(cell).replace(",", "")
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return cell


def _area_public(request: HttpRequest, area: Area) -> bool:
    """Whether this reader reads an area's figures as the public (small numbers hidden), as its
    profile decides: refused readers are sent to sign in or get 403."""
    _check(request, selectors.area_partnerships(area=area))
    public = not access_sees_small_numbers(request.user, [], area=area)
    if not public and not _restricted(request, indicators=None, areas=[area]):
        public = True
    return public


@_guarded
def compare(request: HttpRequest) -> HttpResponse:
    """Two to six areas side by side: each shared indicator's latest value, interval, direction of
    travel and comparison with its benchmark, masked for each area as its own profile is."""
    codes, problems = compare_codes(request.GET.getlist("area"))
    found = selectors.profile_areas_by_code(codes=codes)
    unknown = [c for c in codes if c not in found]
    errors: dict[str, str] = {}
    if problems:
        errors["area"] = problems[0]
    elif unknown:
        errors["area"] = f"There is no area with the code {unknown[0]}."
    chosen = [found[c] for c in codes if c in found]
    submitted = request.GET.get("compare") == "1" or request.GET.get("format") == "csv"
    if submitted and not errors and len(chosen) < MIN_AREAS:
        errors = {"area": f"Choose at least {MIN_AREAS} areas to compare."}
    rows = []
    if not errors and len(chosen) >= MIN_AREAS:
        public = {a.pk: _area_public(request, a) for a in chosen}
        summaries_of = selectors.summaries_of_areas_all(areas=chosen)
        readable = _readable(request, {s.indicator_id for s in summaries_of})
        rows = compare_rows(areas=chosen, public=public, readable=readable, summaries=summaries_of)
        inside = [a for a in chosen if not public[a.pk]]
        names = ", ".join(a.name for a in chosen)
        if request.GET.get("format") == "csv":
            if inside:
                _audit(request, what=f"Compare areas export: {names}", indicators=None, areas=inside, export=True)
            name = "compare-" + "-".join(a.code for a in chosen)
            return export_response("csv", name, COMPARE_EXPORT_HEADER, compare_export_rows(rows))
        if inside:
            _audit(request, what=f"Compare areas: {names}", indicators=None, areas=inside)
    elif request.GET.get("format") == "csv":
        errors = errors or {"area": f"Choose at least {MIN_AREAS} areas to compare."}
    context = {
        "areas": list(selectors.profile_areas()),
        "chosen": chosen,
        "codes": [a.code for a in chosen],
        "rows": rows,
        "errors": errors,
        "query": "&".join(f"area={a.code}" for a in chosen),
        "suppressed": any(c.suppressed for r in rows for c in r.cells),
        "explanation": disclosure.EXPLANATION,
        "any_count": any(r.count for r in rows),
    }
    return render(request, "performance/compare.html", context, status=400 if errors else 200)


@_guarded
def maps(request: HttpRequest) -> HttpResponse:
    """District choropleth of an indicator, and incidents by LSOA in a district for a month."""
    slug = request.GET.get("indicator", "")
    ind = get_object_or_404(Indicator.objects.select_related("owner"), slug=slug) if slug else None
    indicators = selectors.map_indicators()
    readable = _readable(request, [i.pk for i in indicators])
    indicators = [i for i in indicators if readable(i)]
    if ind is None:
        ind = selectors.default_map_indicator(indicators)
    # Public (small numbers suppressed) unless the user is a member for every part the page shows:
    # the district map shows every district of a force area, so a member there.
    public = False
    area = _area(request.GET.get("area"))
    if ind is not None:
        public |= _check(
            request, selectors.indicator_partnerships(indicator=ind), area=selectors.map_force_area(indicator=ind)
        )
    if area is not None:
        _check(request, selectors.area_partnerships(area=area))
        public |= not access_sees_small_numbers(request.user, [], area=area)
    month = request.GET.get("month", "")
    context = maps_context(indicator=ind, area=area, month=month, public=public, indicators=indicators)
    if area is not None and not public:  # the incidents map counts records: police.uk's
        sharing_read_note(
            user=request.user,
            sources=["police-uk"],
            what=f"Incidents by LSOA map: {area.name}",
            areas=[area.code],
            periods=context["lsoa"].get("month", "") if context.get("lsoa") else month,
        )
    return render(request, "performance/maps.html", context)
