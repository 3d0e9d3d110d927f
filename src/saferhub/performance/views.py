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

from saferhub.accounts.access import access_public_read, access_sees_small_numbers
from saferhub.accounts.models import Partnership
from saferhub.core.errors import NotFound
from saferhub.core.exports import export_response
from saferhub.framework.models import Framework, Indicator
from saferhub.geography.models import Area
from saferhub.geography.selectors import area_by_code
from saferhub.performance import fragments, links, selectors
from saferhub.performance.pages import NO_FRAMEWORK_HELP
from saferhub.performance.pages.maps import maps_context
from saferhub.performance.pages.profile import area_profile_context
from saferhub.performance.pages.scorecard import EXPORT_HEADER, scorecard_export_rows, scorecard_rows
from saferhub.performance.pages.why import why_context


class _Refused(Exception):
    pass


def _check(request: HttpRequest, partnerships: Iterable[Partnership]) -> bool:
    """Figures are open when one of their partnerships publishes them or the user is a member;
    figures that belong to no partnership are for signed-in users. Refused: anonymous users are sent
    to sign in, others get 403. Returns whether the user reads them as public figures (not a member
    of an owning partnership), so that small numbers are suppressed."""
    partnerships = list(partnerships)
    allowed = (
        any(access_public_read(request.user, p) for p in partnerships)
        if partnerships
        else request.user.is_authenticated
    )
    if allowed:
        return not access_sees_small_numbers(request.user, partnerships)
    if not request.user.is_authenticated:
        raise _Refused
    raise PermissionDenied("These figures belong to a partnership you are not a member of.")


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
        f
        for f in Framework.objects.select_related("owner").order_by("title")
        if access_public_read(request.user, f.owner)
    ]
    return render(request, "performance/scorecards.html", {"frameworks": frameworks, "help": NO_FRAMEWORK_HELP})


@_guarded
def scorecard(request: HttpRequest, slug: str) -> HttpResponse:
    """One row per indicator: latest value, interval, status, SPC, benchmark, trend, freshness."""
    framework = get_object_or_404(Framework.objects.select_related("owner", "area"), slug=slug)
    public = _check(request, [framework.owner])
    theme = request.GET.get("theme", "")
    lead = request.GET.get("lead", "")
    code = request.GET.get("area", "")
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
            )
            name = f"scorecard-{framework.slug}-{area.code if area else 'no-area'}"
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
        )
    except NotFound as exc:
        raise Http404(str(exc)) from None
    context = {"framework": framework, "section": section}
    return render(request, "performance/scorecard.html", context)


@_guarded
def indicator(request: HttpRequest, slug: str) -> HttpResponse:
    """An indicator's performance on its own page (the framework's indicator page includes the same section)."""
    ind = get_object_or_404(Indicator.objects.select_related("owner"), slug=slug)
    public = _check(request, selectors.indicator_partnerships(indicator=ind))
    area = _area(request.GET.get("area"))
    context = fragments.indicator_performance_context(
        indicator=ind, area=area, today=timezone.localdate(), public=public
    )
    context["indicator"] = ind
    framework_page = links.indicator_url(ind)
    context["framework_url"] = framework_page if "/performance/" not in framework_page else ""
    if not context["framework_url"]:  # the framework's indicator page shows these where it is installed
        context.update(selectors.indicator_background(indicator=ind))
    return render(request, "performance/indicator.html", context)


@_guarded
def why(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Why each colour and icon is what it is: the values, intervals and the rule that fired."""
    ind = get_object_or_404(Indicator.objects.select_related("owner"), slug=slug)
    public = _check(request, selectors.indicator_partnerships(indicator=ind))
    area = _area(code)
    assert area is not None
    context = why_context(indicator=ind, area=area, today=timezone.localdate(), public=public)
    return render(request, "performance/why.html", context)


@_guarded
def areas(request: HttpRequest) -> HttpResponse:
    """Every community safety partnership area, each with its profile."""
    return render(request, "performance/areas.html", {"areas": selectors.profile_areas()})


@_guarded
def area_profile(request: HttpRequest, code: str) -> HttpResponse:
    """A district's profile: every indicator against the county and comparators, and its crime by type."""
    area = _area(code)
    assert area is not None
    public = _check(request, selectors.area_partnerships(area=area))
    return render(request, "performance/area_profile.html", area_profile_context(area=area, public=public))


@_guarded
def maps(request: HttpRequest) -> HttpResponse:
    """District choropleth of an indicator, and incidents by LSOA in a district for a month."""
    slug = request.GET.get("indicator", "")
    ind = get_object_or_404(Indicator.objects.select_related("owner"), slug=slug) if slug else None
    indicators = selectors.map_indicators()
    if ind is None:
        ind = selectors.default_map_indicator(indicators)
    # Public (small numbers suppressed) unless the user is a member for every part the page shows.
    public = False
    if ind is not None:
        public |= _check(request, selectors.indicator_partnerships(indicator=ind))
    area = _area(request.GET.get("area"))
    if area is not None:
        public |= _check(request, selectors.area_partnerships(area=area))
    context = maps_context(
        indicator=ind, area=area, month=request.GET.get("month", ""), public=public, indicators=indicators
    )
    return render(request, "performance/maps.html", context)
