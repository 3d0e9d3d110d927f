"""Risk pages: the portfolio with heat maps before and after controls, overdue reviews and
escalations; each register; each risk with its reviews; edits by contributors of the owner."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from saferhub.accounts.access import (
    access_has_role,
    access_published_q,
    access_published_read,
    access_require,
)
from saferhub.accounts.models import Role
from saferhub.core.errors import ValidationProblem
from saferhub.core.exports import export_response
from saferhub.core.forms import FormErrors, date_parts, form_problem_add, read_date
from saferhub.core.refusal import refuse
from saferhub.delivery.forms import indicator_href
from saferhub.delivery.models import Action
from saferhub.risks import selectors
from saferhub.risks.matrix import LEVELS, corporate_matrix
from saferhub.risks.models import Approach, Risk, RiskRegister
from saferhub.risks.services import risk_create, risk_review_record, risk_update

EXPORT_HEADER = [
    "Register",
    "Partnership",
    "Reference",
    "Risk event",
    "Cause / triggers",
    "Impact / consequences",
    "Risk owner",
    "Review period (months)",
    "Next review",
    "Review overdue",
    "Impact before controls",
    "Likelihood before controls",
    "Rating before controls",
    "Approach",
    "Mitigating actions / controls",
    "Linked actions",
    "Control owner",
    "Impact with controls",
    "Likelihood with controls",
    "Rating with controls",
    "Escalated",
    "Status",
    "Indicators",
]


def _export_rows(risks: list[Risk], today: Any) -> Any:
    for r in risks:
        yield [
            r.register.title,
            r.register.partnership.name,
            r.reference,
            r.event,
            r.cause,
            r.consequence,
            r.owner_role,
            r.review_period_months,
            r.next_review_date,
            r.review_overdue(today),
            r.inherent_impact,
            r.inherent_likelihood,
            str(r.inherent_rating or "Not assessed"),
            r.get_approach_display(),
            r.controls,
            "; ".join(a.reference or a.title[:40] for a in r.mitigating_actions.all()),
            r.control_owner_role,
            r.controlled_impact,
            r.controlled_likelihood,
            str(r.controlled_rating or "Not assessed"),
            r.escalated,
            r.get_status_display(),
            "; ".join(i.title for i in r.indicators.all()),
        ]


def _annotate(risks: list[Risk], today: Any) -> list[Risk]:
    for r in risks:
        r.is_review_overdue = r.review_overdue(today)  # type: ignore[attr-defined]
    return risks


def risk_overview(request: HttpRequest) -> HttpResponse:
    """Registers the partnership publishes, and all of the reader's own partnerships'."""
    today = timezone.localdate()
    registers = list(selectors.registers_visible(where=access_published_q(request.user, "partnership")))
    risks = _annotate(list(selectors.risks_list(registers=registers)), today)
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        return export_response(fmt, "risks", EXPORT_HEADER, _export_rows(risks, today))
    counts: dict[int, int] = {}
    for r in risks:
        counts[r.register_id] = counts.get(r.register_id, 0) + 1
    for reg in registers:
        reg.risk_count = counts.get(reg.pk, 0)  # type: ignore[attr-defined]
    return render(
        request,
        "risks/overview.html",
        {
            "registers": registers,
            "before": selectors.risk_heat_map(risks, controlled=False),
            "after": selectors.risk_heat_map(risks, controlled=True),
            "overdue": [r for r in risks if r.is_review_overdue],  # type: ignore[attr-defined]
            "escalated": [r for r in risks if r.escalated],
            "matrix": corporate_matrix(),
            "today": today,
        },
    )


def register_detail(request: HttpRequest, slug: str) -> HttpResponse:
    register = get_object_or_404(RiskRegister.objects.select_related("partnership", "framework", "outcome"), slug=slug)
    if not access_published_read(request.user, register.partnership, register.publication):
        return refuse(request)
    today = timezone.localdate()
    risks = _annotate(list(selectors.risks_list(registers=[register])), today)
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        return export_response(fmt, f"risks-{register.slug}", EXPORT_HEADER, _export_rows(risks, today))
    return render(
        request,
        "risks/register_detail.html",
        {
            "register": register,
            "risks": risks,
            "before": selectors.risk_heat_map(risks, controlled=False),
            "after": selectors.risk_heat_map(risks, controlled=True),
            "can_edit": access_has_role(request.user, register.partnership, Role.CONTRIBUTOR),
        },
    )


def _risk(pk: int) -> Risk:
    return get_object_or_404(Risk.objects.select_related("register", "register__partnership", "owner"), pk=pk)


def _detail_context(request: HttpRequest, risk: Risk) -> dict[str, Any]:
    return {
        "risk": risk,
        "is_review_overdue": risk.review_overdue(timezone.localdate()),
        "reviews": list(risk.reviews.select_related("reviewer")),
        "actions": list(risk.mitigating_actions.select_related("plan")),
        "indicators": [(i, indicator_href(i)) for i in risk.indicators.all()],
        "can_edit": access_has_role(request.user, risk.register.partnership, Role.CONTRIBUTOR),
        "today_parts": date_parts(timezone.localdate()),
        "levels": _levels(),
    }


def _levels() -> dict[str, list[tuple[int, str]]]:
    m = corporate_matrix()
    return {
        "impact": [(i, f"{i} – {m.impact_labels[i]}") for i in LEVELS],
        "likelihood": [(i, f"{i} – {m.likelihood_labels[i]}") for i in LEVELS],
    }


def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    risk = _risk(pk)
    if not access_published_read(request.user, risk.register.partnership, risk.register.publication):
        return refuse(request)
    return render(request, "risks/risk_detail.html", _detail_context(request, risk))


@login_required
def risk_review(request: HttpRequest, pk: int) -> HttpResponse:
    risk = _risk(pk)
    access_require(request.user, risk.register.partnership, Role.CONTRIBUTOR)
    if request.method != "POST":
        return redirect("risks:risk_detail", pk=pk)
    errors = FormErrors()
    data = request.POST
    on = read_date(data, "reviewed_on", "date of the review", errors, required=True)
    nxt = read_date(data, "next_review_date", "next review date", errors)
    if not errors and on is not None:
        try:
            risk_review_record(
                risk=risk,
                reviewed_on=on,
                note=data.get("note", ""),
                reviewer=request.user,
                controlled_impact=data.get("controlled_impact") or None,
                controlled_likelihood=data.get("controlled_likelihood") or None,
                next_review_date=nxt,
            )
        except ValidationProblem as exc:
            form_problem_add(errors, exc)
        else:
            messages.success(request, "Review recorded")
            return redirect("risks:risk_detail", pk=pk)
    context = _detail_context(request, risk)
    context.update({"errors": errors, "form": data})
    return render(request, "risks/risk_detail.html", context, status=400)


_FORM_FIELDS = (
    "reference",
    "event",
    "cause",
    "consequence",
    "owner_role",
    "review_period_months",
    "inherent_impact",
    "inherent_likelihood",
    "approach",
    "controls",
    "control_owner_role",
    "controlled_impact",
    "controlled_likelihood",
)


def _risk_form(request: HttpRequest, register: RiskRegister, risk: Risk | None) -> HttpResponse:
    errors = FormErrors()
    plan_actions = list(
        Action.objects.filter(plan__partnership=register.partnership)
        .select_related("plan")
        .order_by("plan__title", "order")
    )
    if request.method == "POST":
        data = request.POST
        nxt = read_date(data, "next_review_date", "next review date", errors)
        # the inputs are named as the service's arguments, so its problems land on them by name
        fields: dict[str, Any] = {name: data.get(name, "").strip() for name in _FORM_FIELDS}
        wanted = {int(x) for x in data.getlist("actions") if x.isdigit()}
        chosen = [a for a in plan_actions if a.pk in wanted]
        if not errors:
            try:
                if risk is None:
                    risk = risk_create(
                        register=register, actor=request.user, mitigating_actions=chosen, next_review_date=nxt, **fields
                    )
                else:
                    risk = risk_update(
                        risk=risk, actor=request.user, mitigating_actions=chosen, next_review_date=nxt, **fields
                    )
            except ValidationProblem as exc:
                form_problem_add(errors, exc)
            else:
                messages.success(request, f"Risk {risk.reference} saved")
                return redirect("risks:risk_detail", pk=risk.pk)
        form: dict[str, Any] = {k: data.get(k, "") for k in data}
        form["next"] = {p: data.get(f"next_review_date-{p}", "") for p in ("day", "month", "year")}
        form["actions"] = wanted
    elif risk is not None:
        form = {name: ("" if getattr(risk, name) is None else str(getattr(risk, name))) for name in _FORM_FIELDS}
        form["next"] = date_parts(risk.next_review_date)
        form["actions"] = set(risk.mitigating_actions.values_list("pk", flat=True))
    else:
        form = {"next": date_parts(None), "actions": set()}
    return render(
        request,
        "risks/risk_form.html",
        {
            "register": register,
            "risk": risk,
            "form": form,
            "errors": errors,
            "levels": _levels(),
            "approaches": Approach.choices,
            "plan_actions": plan_actions,
        },
        status=400 if errors else 200,
    )


@login_required
def risk_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    register = get_object_or_404(RiskRegister.objects.select_related("partnership"), slug=slug)
    access_require(request.user, register.partnership, Role.CONTRIBUTOR)
    return _risk_form(request, register, None)


@login_required
def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    risk = _risk(pk)
    access_require(request.user, risk.register.partnership, Role.CONTRIBUTOR)
    return _risk_form(request, risk.register, risk)
