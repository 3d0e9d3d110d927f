"""Assessment pages: the county priorities matrix as published, hot and cold spots, repeat
locations, and the reference data on the seriousness and cost of harm.

Views parse the query, decide access through ``saferhub.accounts.access`` and call one selector.
Published reference data (the Police and Crime Plan's annex, the Community Safety Agreement, unit
costs) are open to everyone; figures from the record store follow the rules of the partnerships of
the area they cover, as the maps page does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from saferhub.accounts.access import access_public_read, access_sees_small_numbers
from saferhub.assessment import gradient, selectors, spatial
from saferhub.assessment.forms import PERMUTATION_CHOICES, ROW_LIMITS, read_query, selection_value
from saferhub.geography.models import Area
from saferhub.performance.selectors import area_partnerships
from saferhub.sharing.audit import sharing_read_note


class _SignIn(Exception):
    pass


def _reader(request: HttpRequest, area: Area) -> bool:
    """Whether the user reads the area's figures as the public does (small numbers suppressed).
    Figures of a partnership that does not publish them are for its members: anonymous users are
    sent to sign in and others refused; figures of no partnership are for signed-in users."""
    partnerships = area_partnerships(area=area)
    allowed = (
        any(access_public_read(request.user, p) for p in partnerships)
        if partnerships
        else request.user.is_authenticated
    )
    if allowed:
        return not access_sees_small_numbers(request.user, partnerships)
    if not request.user.is_authenticated:
        raise _SignIn
    raise PermissionDenied("These figures belong to a partnership you are not a member of.")


def _guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except _SignIn:
            return redirect_to_login(request.get_full_path())

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _latest_year() -> int:
    """The newest year with police.uk records in the store (last year when there are none)."""
    months = spatial.store_choices(areas=[]).months
    return int(months[0][:4]) if months else timezone.now().year - 1


def index(request: HttpRequest) -> HttpResponse:
    """What the strategic assessment part holds, with links."""
    context = {
        "matrices": selectors.published_matrices(),
        "partnerships": selectors.matrix_partnerships(),
        "documents": selectors.document_partnerships(),
        "year": _latest_year(),
    }
    return render(request, "assessment/index.html", context)


def county_priorities(request: HttpRequest) -> HttpResponse:
    """The county priorities matrix as published (seed 002, Annex A), with the place for the matrix
    recomputed from partnerships' confirmed priorities beside it, and seed 001's Table 1."""
    tables = []
    for m in selectors.published_matrices():
        recomputed = selectors.recomputed_for(matrix=m)
        comparison = selectors.county_comparison(published=m, recomputed=recomputed) if recomputed else None
        tables.append({**selectors.matrix_table(matrix=m), "recomputed": recomputed, "comparison": comparison})
    context = {"tables": tables, "lists": selectors.priority_lists(), "help": selectors.NO_REFERENCE_HELP}
    return render(request, "assessment/county_priorities.html", context)


def _form_context(request: HttpRequest) -> dict[str, Any]:
    areas = spatial.study_areas()
    choices = spatial.store_choices(areas=areas)
    query, errors = read_query(request.GET, choices=choices)
    area = next((a for a in areas if a.code == query.area), None)
    return {
        "areas": areas,
        "choices": choices,
        "query": query,
        "type_value": selection_value(query.selection),
        "errors": errors,
        "area": area,
        "permutation_choices": PERMUTATION_CHOICES,
        "row_limits": ROW_LIMITS,
        "months_newest_first": choices.months,
        "help": spatial.NO_RECORDS_HELP,
    }


def _audit(request: HttpRequest, what: str, query: Any, public: bool) -> None:
    """Figures without small-number suppression are restricted: record who read them."""
    if not public:
        periods = f"{query.start}..{query.end}" if query.start or query.end else ",".join(query.months)
        sharing_read_note(user=request.user, sources=["police-uk"], what=what, areas=[query.area], periods=periods)


@_guarded
def hotspots(request: HttpRequest) -> HttpResponse:
    """Getis–Ord Gi* hot and cold spots for an area, crime type and period, on a map with the table."""
    context = _form_context(request)
    area = context["area"]
    if area is not None and not context["errors"]:
        public = _reader(request, area)
        context["result"] = spatial.hotspot_context(query=context["query"], area=area, public=public)
        context["public"] = public
        _audit(request, "Hot and cold spots", context["query"], public)
    return render(request, "assessment/hotspots.html", context, status=400 if context["errors"] else 200)


@_guarded
def repeat_locations(request: HttpRequest) -> HttpResponse:
    """The police.uk map points with the most records for an area, crime type and period."""
    context = _form_context(request)
    area = context["area"]
    if area is not None and not context["errors"]:
        public = _reader(request, area)
        context["result"] = spatial.repeat_context(query=context["query"], area=area, public=public)
        context["public"] = public
        _audit(request, "Repeat locations", context["query"], public)
    return render(request, "assessment/repeat_locations.html", context, status=400 if context["errors"] else 200)


@_guarded
def deprivation(request: HttpRequest) -> HttpResponse:
    """Crime, anti-social behaviour and road casualty rates by national deprivation decile, with the
    slope index of inequality."""
    context = _form_context(request)
    area = context["area"]
    if area is not None and not context["errors"]:
        public = _reader(request, area)
        context["result"] = gradient.deprivation_context(query=context["query"], area=area, public=public)
        context["public"] = public
        _audit(request, "Deprivation gradient", context["query"], public)
    return render(request, "assessment/deprivation.html", context, status=400 if context["errors"] else 200)


def costs_of_harm(request: HttpRequest) -> HttpResponse:
    """The published unit costs and harm weightings loaded, each with its source and price year."""
    context = {
        "cost_sets": selectors.unit_cost_sets(),
        "indices": selectors.harm_indices(),
        "help": selectors.NO_REFERENCE_HELP,
    }
    return render(request, "assessment/costs_of_harm.html", context)
