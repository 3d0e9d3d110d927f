"""A partnership's priority matrix page, and its two forms: the weights, and the decision on the
priorities (confirm the proposed five, or add and remove themes, with a reason).

The matrix is the partnership's working evidence (counts by crime type, repeat shares): members of
the area's partnership read it (any role); analysts and administrators set the weights and decide.
Signed-out readers are sent to sign in; everyone else gets 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from saferhub.accounts.access import access_has_role, access_require, access_role
from saferhub.accounts.models import Partnership, Role
from saferhub.assessment.document import own_partnership
from saferhub.assessment.matrix_decisions import DECIDES, priorities_decide, weights_set
from saferhub.assessment.matrix_services import matrix_years, partnership_matrix, theme_labels
from saferhub.assessment.scoring import CRITERIA, CRITERION_LABELS, DEFAULT_WEIGHTS, MAX_WEIGHT, THEMES
from saferhub.assessment.spatial import NO_RECORDS_HELP
from saferhub.core.errors import ValidationProblem
from saferhub.core.hub_generation import counter_of
from saferhub.core.member_page import member_page
from saferhub.core.page_cache import cached
from saferhub.geography.models import Area
from saferhub.incidents.configured import record_store
from saferhub.incidents.store import RecordStore
from saferhub.sharing.audit import sharing_read_note


def _place(code: str) -> tuple[Area, Partnership]:
    """The area and its partnership, kept until areas or partnerships change (read on every request)."""

    def find() -> tuple[Area, Partnership]:
        area = get_object_or_404(Area, code=code)
        partnership = own_partnership(area)
        if partnership is None:
            raise Http404(f"{area.name} has no partnership in the hub, so it has no priority matrix.")
        return area, partnership

    return cached(
        "assessment:place",
        (code,),
        find,
        counters=[counter_of("geography"), counter_of("accounts")],
        once_per_request=True,
    )


def _year(request: HttpRequest, years: list[int], errors: dict[str, str]) -> int | None:
    raw = (request.POST.get("year") if request.method == "POST" else None) or request.GET.get("year", "")
    if not raw:
        return years[0] if years else None
    if not raw.isdigit() or int(raw) not in years:
        listed = ", ".join(str(y) for y in years) or "none yet"
        errors["year"] = f"Choose a year with records in the hub ({listed}), not {raw!r}"
        return None
    return int(raw)


def _shown(request: HttpRequest, errors: dict[str, str]) -> tuple[RecordStore, list[int], int | None]:
    """The record store, its years and the year asked for (an error in ``errors`` if it has none)."""
    store = record_store()
    years = matrix_years(store)
    return store, years, _year(request, years, errors)


def _note_read(request: HttpRequest, area: Area, year: int | None) -> None:
    """Every view of a year's matrix is a read of the police.uk records, audited on every request."""
    if year:
        sharing_read_note(
            user=request.user, sources=["police-uk"], what="Priority matrix", areas=[area.code], periods=str(year)
        )


def _render(
    request: HttpRequest,
    area: Area,
    partnership: Partnership,
    *,
    errors: dict[str, str] | None = None,
    posted: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page again after a form's error (not kept: it shows what was posted)."""
    errors = dict(errors or {})
    store, years, year = _shown(request, errors)
    _note_read(request, area, year)
    return _page(request, area, partnership, store=store, years=years, year=year, errors=errors, posted=posted)


def _page(
    request: HttpRequest,
    area: Area,
    partnership: Partnership,
    *,
    store: RecordStore,
    years: list[int],
    year: int | None,
    errors: dict[str, str],
    posted: dict[str, Any] | None = None,
    csrf_token: str | None = None,
) -> HttpResponse:
    matrix = _matrix(store, area=area, year=year, partnership=partnership) if year else None
    current = matrix.decision.priorities if matrix and matrix.decision else (matrix.proposed if matrix else [])
    context = {
        "area": area,
        "partnership": partnership,
        "years": years,
        "year": year,
        "matrix": matrix,
        "errors": errors,
        "criteria": [(c, CRITERION_LABELS[c]) for c in CRITERIA],
        "can_decide": access_has_role(request.user, partnership, DECIDES),
        "themes": [
            {"key": t.key, "label": t.label, "checked": t.key in (posted or {}).get("priorities", current)}
            for t in THEMES
            if matrix and any(r.theme.key == t.key for r in matrix.results)
        ],
        "weights_form": [
            (c, CRITERION_LABELS[c], (posted or {}).get(c, matrix.weights[c] if matrix else DEFAULT_WEIGHTS[c]))
            for c in CRITERIA
        ],
        "reason": (posted or {}).get("reason", ""),
        "max_weight": MAX_WEIGHT,
        "decided_labels": theme_labels(matrix.decision.priorities) if matrix and matrix.decision else [],
        "help": NO_RECORDS_HELP,
    }
    if csrf_token is not None:
        context["csrf_token"] = csrf_token
    return render(request, "assessment/matrix.html", context, status=400 if errors else 200)


def _matrix(store: Any, *, area: Area, year: int, partnership: Partnership) -> Any:
    """The matrix, computed once per change of the hub's data or the record store (the same for
    every member of the partnership, who all read it whole)."""
    return cached(
        "assessment:matrix",
        (area.pk, year, partnership.pk, store.root, store.stamp()),
        lambda: partnership_matrix(store=store, area=area, year=year, partnership=partnership),
    )


def _member(request: HttpRequest, code: str) -> tuple[Area, Partnership] | HttpResponse:
    area, partnership = _place(code)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access_has_role(request.user, partnership, Role.VIEWER):
        raise PermissionDenied("The priority matrix belongs to a partnership you are not a member of.")
    return area, partnership


def matrix(request: HttpRequest, code: str) -> HttpResponse:
    """The partnership's priority matrix for a year: every theme's five scores with their inputs.

    Access and the read audit are decided on every request; the page itself is rendered once per
    change of the data (the hub's counters and the record store's stamp) for each role in the
    partnership, and sent with the reader's own CSRF token (``member_page``)."""
    found = _member(request, code)
    if isinstance(found, HttpResponse):
        return found
    area, partnership = found
    stamp = record_store().stamp()  # before the years are read: a page is never kept under a newer stamp
    errors: dict[str, str] = {}
    store, years, year = _shown(request, errors)
    _note_read(request, area, year)
    return member_page(
        request,
        audience=(partnership.pk, access_role(request.user, partnership), store.root, stamp),
        build=lambda token: _page(
            request, area, partnership, store=store, years=years, year=year, errors=errors, csrf_token=token
        ),
    )


def _writer(request: HttpRequest, code: str) -> tuple[Area, Partnership] | HttpResponse:
    found = _member(request, code)
    if isinstance(found, HttpResponse):
        return found
    access_require(request.user, found[1], DECIDES)
    if request.method != "POST":
        return redirect(reverse("assessment:matrix", kwargs={"code": code}))
    return found


def _back(code: str, year: Any) -> HttpResponse:
    return redirect(reverse("assessment:matrix", kwargs={"code": code}) + f"?year={year}")


@require_http_methods(["GET", "POST"])
def matrix_weights(request: HttpRequest, code: str) -> HttpResponse:
    """Set the partnership's weights for the five criteria."""
    found = _writer(request, code)
    if isinstance(found, HttpResponse):
        return found
    area, partnership = found
    posted: dict[str, Any] = {c: request.POST.get(c, "").strip() for c in CRITERIA}
    errors = {
        c: f"Enter the weight of {CRITERION_LABELS[c].lower()} as a whole number from 0 to {MAX_WEIGHT}"
        for c, v in posted.items()
        if not v.isdigit()
    }
    if not errors:
        try:
            weights_set(user=request.user, partnership=partnership, weights={c: int(v) for c, v in posted.items()})
        except ValidationProblem as problem:
            errors[problem.field if problem.field in CRITERIA else "volume"] = _message(problem)
    if errors:
        return _render(request, area, partnership, errors=errors, posted=posted)
    return _back(code, request.POST.get("year", ""))


@require_http_methods(["GET", "POST"])
def matrix_decide(request: HttpRequest, code: str) -> HttpResponse:
    """Confirm the proposed priorities, or override them (add or remove themes), with a reason."""
    found = _writer(request, code)
    if isinstance(found, HttpResponse):
        return found
    area, partnership = found
    store = record_store()
    errors: dict[str, str] = {}
    year = _year(request, matrix_years(store), errors)
    reason = request.POST.get("reason", "")
    posted: dict[str, Any] = {"priorities": request.POST.getlist("priorities"), "reason": reason}
    if year is None:
        errors.setdefault("year", "Choose a year with records in the hub")
        return _render(request, area, partnership, errors=errors, posted=posted)
    current = partnership_matrix(store=store, area=area, year=year, partnership=partnership)
    try:
        priorities_decide(
            user=request.user,
            partnership=partnership,
            area=area,
            year=year,
            months=current.months,
            proposed=current.proposed,
            priorities=posted["priorities"],
            weights=current.weights,
            reason=reason,
        )
    except ValidationProblem as problem:
        field = problem.field if problem.field in ("priorities", "reason") else "reason"
        return _render(request, area, partnership, errors={field: _message(problem)}, posted=posted)
    return _back(code, year)


def _message(problem: ValidationProblem) -> str:
    text = problem.message
    return text[:1].upper() + text[1:]
