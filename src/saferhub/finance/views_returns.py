"""Commissioned services' quarterly returns: the services a reader may see returns of, a service's
returns with its cost per outcome, and the form a provider makes (or corrects) a return with.

Who may read or write is decided by ``accounts.access.access_service_returns``: the fund's
partnership (viewers read, contributors write) and the service's own provider, never another
provider. A refusal is the same 403 whether the service exists for someone else or not.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from saferhub.accounts.access import access_has_role, access_require, access_service_returns
from saferhub.accounts.models import Organisation, Role
from saferhub.core.errors import ValidationProblem
from saferhub.core.forms import problems_by_input
from saferhub.finance import selectors_returns as returns
from saferhub.finance.forms import values_posted
from saferhub.finance.models import CommissionedService, PerformanceMeasure, ServiceReturn
from saferhub.finance.quarters import FinancialQuarter, parse_quarter, quarters_of
from saferhub.finance.services_returns import (
    measure_outcome_count_set,
    service_provider_set,
    service_return_correct,
    service_return_submit,
)
from saferhub.finance.variance import cost_per_outcome


def _service(pk: int) -> CommissionedService:
    return get_object_or_404(
        CommissionedService.objects.select_related(
            "section", "section__fund", "section__fund__partnership", "provider", "area"
        ),
        pk=pk,
    )


def _require(request: HttpRequest, service: CommissionedService, *, write: bool) -> None:
    if not access_service_returns(request.user, service, write=write):
        raise PermissionDenied(
            "Only the partnership that commissions this service and the service's own provider can "
            + ("make its returns." if write else "see its returns.")
        )


@login_required
def provider_services(request: HttpRequest) -> HttpResponse:
    """The services whose returns the reader may see, with the quarters whose returns are overdue."""
    today = timezone.localdate()
    services = list(returns.services_with_returns_visible(user=request.user))
    made = set(
        ServiceReturn.objects.filter(service__in=services, is_current=True).values_list("service_id", "period_start")
    )
    rows = []
    for s in services:
        due = [q for q in quarters_of(s.section.fund.year) if returns.return_due(q) < today]
        expected = not s.provisional or s.provider_id is not None
        rows.append(
            {
                "service": s,
                "overdue": [q for q in due if (s.pk, q.start) not in made] if expected else [],
                "made": sum(1 for q in quarters_of(s.section.fund.year) if (s.pk, q.start) in made),
                "can_write": access_service_returns(request.user, s, write=True),
            }
        )
    return render(request, "finance/provider_services.html", {"rows": rows})


def _value_rows(measures: list[PerformanceMeasure], ret: ServiceReturn | None) -> list[dict[str, Any]]:
    by_measure = {v.measure_id: v.value for v in ret.values.all()} if ret is not None else {}
    return [{"measure": m, "value": by_measure.get(m.pk)} for m in measures]


@login_required
def service_returns(request: HttpRequest, pk: int) -> HttpResponse:
    """A service's returns by quarter (cost, each measure, cost per outcome), what is overdue, and
    for the commissioner the provider and the measure that counts outcomes."""
    service = _service(pk)
    _require(request, service, write=False)
    partnership = service.section.fund.partnership
    commissioner = access_has_role(request.user, partnership, Role.CONTRIBUTOR)
    errors: dict[str, str] = {}
    if request.method == "POST":
        access_require(request.user, partnership, Role.CONTRIBUTOR)  # providers never change a service
        try:
            if request.POST.get("form") == "provider":
                slug = request.POST.get("provider", "").strip()
                provider = Organisation.objects.filter(slug=slug).first() if slug else None
                if slug and provider is None:
                    raise ValidationProblem("Choose an organisation from the list")
                service_provider_set(service=service, provider=provider, actor=request.user)
                messages.success(request, "Provider saved")
            else:
                raw = request.POST.get("measure", "").strip()
                measure = None
                if raw:
                    measure = PerformanceMeasure.objects.filter(pk=int(raw) if raw.isdigit() else 0).first()
                    if measure is None:
                        raise ValidationProblem("Choose one of the service's measures")
                measure_outcome_count_set(service=service, measure=measure, actor=request.user)
                messages.success(request, "Outcome measure saved")
        except ValidationProblem as exc:
            field = "provider" if request.POST.get("form") == "provider" else "measure"
            errors = {field: exc.message}
        else:
            return redirect("finance:service_returns", pk=service.pk)
    today = timezone.localdate()
    measures = returns.service_measures_ordered(service=service)
    counting = next((m for m in measures if m.counts_outcomes), None)
    quarters = []
    for q, ret, due, overdue in returns.service_quarters_status(service=service, today=today):
        outcome = None
        if ret is not None and counting is not None:
            outcome = next((v.value for v in ret.values.all() if v.measure_id == counting.pk), None)
        quarters.append(
            {
                "quarter": q,
                "ret": ret,
                "due": due,
                "overdue": overdue,
                "values": _value_rows(measures, ret),
                "outcomes": outcome,
                "cost_per_outcome": cost_per_outcome(cost=ret.cost, outcomes=outcome)
                if ret is not None and outcome is not None
                else None,
                "can_make": q.end < today,
            }
        )
    return render(
        request,
        "finance/service_returns.html",
        {
            "service": service,
            "fund": service.section.fund,
            "measures": measures,
            "counting": counting,
            "quarters": quarters,
            "can_write": access_service_returns(request.user, service, write=True),
            "commissioner": commissioner,
            "organisations": Organisation.objects.order_by("name") if commissioner else [],
            "better_off": [m for m in measures if m.question == PerformanceMeasure.Question.BETTER_OFF],
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
def service_return(request: HttpRequest, pk: int, quarter: str) -> HttpResponse:
    """One quarter's return: its versions, and (for those who may write) the form to make it or,
    once made, to correct it."""
    service = _service(pk)
    _require(request, service, write=request.method == "POST")
    try:
        q: FinancialQuarter = parse_quarter(quarter)
    except ValidationProblem:
        raise Http404("There is no such quarter") from None
    versions = returns.service_return_versions(service=service, quarter=q)
    current = next((v for v in versions if v.is_current), None)
    measures = returns.service_measures_ordered(service=service)
    errors: dict[str, str] = {}
    form: dict[str, Any] = {}
    if current is not None:
        form = {"cost": current.cost, "delivery": current.delivery}
    typed_values = {m.pk: v for m, v in ((r["measure"], r["value"]) for r in _value_rows(measures, current))}
    if request.method == "POST":
        data = request.POST
        form = {k: data.get(k, "") for k in ("cost", "delivery", "correction_reason")}
        values = values_posted(data, "value-")
        typed_values = {m.pk: values.get(str(m.pk), "") for m in measures}
        try:
            if current is None:
                service_return_submit(
                    service=service,
                    quarter=q,
                    cost=form["cost"],
                    values=values,
                    delivery=form["delivery"],
                    submitted_by=request.user,
                )
                messages.success(request, f"Return for {q.words} made")
            else:
                service_return_correct(
                    service=service,
                    quarter=q,
                    cost=form["cost"],
                    values=values,
                    delivery=form["delivery"],
                    correction_reason=form["correction_reason"],
                    submitted_by=request.user,
                )
                messages.success(request, f"Return for {q.words} corrected")
        except ValidationProblem as exc:
            inputs = {"cost", "delivery", "correction_reason"} | {f"value-{m.pk}" for m in measures}
            errors = problems_by_input(exc, inputs=inputs)
        else:
            return redirect("finance:service_returns", pk=service.pk)
    value_rows = [
        {
            "measure": m,
            "name": f"value-{m.pk}",
            "value": typed_values.get(m.pk, ""),
            "error": errors.get(f"value-{m.pk}", ""),
        }
        for m in measures
    ]
    return render(
        request,
        "finance/service_return.html",
        {
            "service": service,
            "fund": service.section.fund,
            "quarter": q,
            "versions": versions,
            "current": current,
            "value_rows": value_rows,
            "version_rows": [{"ret": v, "values": _value_rows(measures, v)} for v in versions],
            "form": form,
            "errors": errors,
            "can_write": access_service_returns(request.user, service, write=True),
            "in_year": q in quarters_of(service.section.fund.year),
            "ended": q.end < timezone.localdate(),
        },
        status=400 if errors else 200,
    )
