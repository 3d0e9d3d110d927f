"""Action pages: lists with filters (partnership, indicator, status; overdue, due soon, mine),
an action with its links and progress log, and edits by contributors of the owning partnership."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from saferhub.accounts.access import (
    access_has_role,
    access_partnerships,
    access_published_q,
    access_published_read,
    access_require,
)
from saferhub.accounts.models import Partnership, Role
from saferhub.core.errors import ValidationProblem
from saferhub.core.exports import export_response
from saferhub.core.forms import FormErrors, date_parts, form_problem_add, read_date, read_decimal
from saferhub.core.refusal import refuse
from saferhub.delivery import selectors
from saferhub.delivery.forms import indicator_href
from saferhub.delivery.links import indicator_ref_label
from saferhub.delivery.models import Action, ActionPlan
from saferhub.delivery.services import action_create, action_progress_add, action_update
from saferhub.framework.models import Indicator

VIEWS = {
    "all": "All actions",
    "overdue": "Overdue",
    "due-soon": f"Due in the next {selectors.DUE_SOON_DAYS} days",
    "mine": "My actions",
}

EXPORT_HEADER = [
    "Partnership",
    "Plan",
    "Reference",
    "Heading",
    "Action",
    "Lead organisation",
    "Lead role",
    "Resources",
    "Resources (£)",
    "Impact",
    "Priority",
    "Start date",
    "Due date",
    "Status",
    "Overdue",
    "Progress",
    "Indicators",
    "Source",
]


def action_list(request: HttpRequest) -> HttpResponse:
    """Actions of published plans and of the reader's own partnerships' plans."""
    readable = access_published_q(request.user, "plan__partnership", "plan__publication")
    today = timezone.localdate()
    view = request.GET.get("view", "all")
    if view not in VIEWS or (view == "mine" and not request.user.is_authenticated):
        view = "all"
    partnership = None
    if slug := request.GET.get("partnership"):
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            raise Http404("There is no such partnership.")
    indicator = None
    if islug := request.GET.get("indicator"):
        indicator = get_object_or_404(Indicator, slug=islug)
    status = request.GET.get("status", "")
    if status and status not in {s for s, _ in Action.Status.choices}:
        status = ""
    if view == "overdue":
        qs = selectors.actions_overdue(partnership=partnership, indicator=indicator, today=today)
    elif view == "due-soon":
        qs = selectors.actions_due_soon(partnership=partnership, indicator=indicator, today=today)
    else:
        qs = selectors.actions_list(
            partnership=partnership, indicator=indicator, owner=request.user if view == "mine" else None
        )
    qs = qs.filter(readable)
    if status:
        qs = qs.filter(status=status)
    actions = list(qs)
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        rows = (
            [
                a.plan.partnership.name,
                a.plan.title,
                a.reference,
                a.heading,
                a.title,
                a.lead_organisation.name if a.lead_organisation else "",
                a.lead_role,
                a.resources,
                a.resources_amount,
                a.get_impact_display(),
                a.get_priority_display(),
                a.start_date,
                a.due_date,
                a.get_status_display(),
                selectors.action_is_overdue(a, today=today),
                a.progress_summary,
                "; ".join(i.title for i in a.indicators.all()),
                a.source,
            ]
            for a in actions
        )
        return export_response(fmt, f"actions-{view}", EXPORT_HEADER, rows)
    for a in actions:
        a.is_overdue = selectors.action_is_overdue(a, today=today)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "delivery/action_list.html",
        {
            "actions": actions,
            "view": view,
            "views": VIEWS if request.user.is_authenticated else {k: v for k, v in VIEWS.items() if k != "mine"},
            "view_label": VIEWS[view],
            "partnerships": Partnership.objects.filter(
                pk__in=ActionPlan.objects.filter(access_published_q(request.user, "partnership")).values("partnership")
            ).order_by("name"),
            "partnership": partnership,
            "indicator": indicator,
            "indicator_href": indicator_href(indicator) if indicator else None,
            "status": status,
            "statuses": Action.Status.choices,
            "query": query.urlencode(),
            "today": today,
            "can_add": ActionPlan.objects.filter(
                partnership__in=access_partnerships(request.user, Role.CONTRIBUTOR)
            ).exists(),
        },
    )


def _action(pk: int) -> Action:
    return get_object_or_404(
        Action.objects.select_related(
            "plan", "plan__partnership", "plan__framework", "lead_organisation", "owner", "theme"
        ),
        pk=pk,
    )


def _detail_context(request: HttpRequest, action: Action) -> dict[str, Any]:
    today = timezone.localdate()
    indicators = [(i, indicator_href(i)) for i in action.indicators.all()]
    return {
        "action": action,
        "is_overdue": selectors.action_is_overdue(action, today=today),
        "indicators": indicators,
        "ref_labels": [indicator_ref_label(r) for r in action.indicator_refs if isinstance(r, dict)],
        "risks": list(action.risks.select_related("register")),
        "budget_lines": list(action.budget_lines.select_related("table")),
        "updates": list(action.progress_updates.select_related("author")),
        "can_edit": access_has_role(request.user, action.plan.partnership, Role.CONTRIBUTOR),
        "statuses": Action.Status.choices,
        "today_parts": date_parts(today),
    }


def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(pk)
    if not access_published_read(request.user, action.plan.partnership, action.plan.publication):
        return refuse(request)
    return render(request, "delivery/action_detail.html", _detail_context(request, action))


@login_required
def action_progress(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(pk)
    access_require(request.user, action.plan.partnership, Role.CONTRIBUTOR)
    if request.method != "POST":
        return redirect("delivery:action_detail", pk=pk)
    errors = FormErrors()
    on = read_date(request.POST, "on", "date of the update", errors, required=True)
    text = request.POST.get("text", "").strip()
    status_after = request.POST.get("status_after", "")
    if not text:
        errors.add("text", "Enter what has happened")
    if not errors and on is not None:
        try:
            action_progress_add(action=action, on=on, text=text, author=request.user, status_after=status_after)
        except ValidationProblem as exc:
            form_problem_add(errors, exc)
        else:
            from django.contrib import messages

            messages.success(request, "Progress update added")
            return redirect("delivery:action_detail", pk=pk)
    context = _detail_context(request, action)
    context.update({"errors": errors, "form": request.POST})
    return render(request, "delivery/action_detail.html", context, status=400)


def _read_action_fields(data: Any, errors: FormErrors) -> dict[str, Any]:
    """The fields the add and change forms share, read from the post (dates and pounds checked
    into ``errors``), as keyword arguments for ``action_create`` and ``action_update``."""
    return {  # dates first: the error summary lists problems in the order they are found
        "start_date": read_date(data, "start_date", "start date", errors),
        "due_date": read_date(data, "due_date", "due date", errors),
        "resources_amount": read_decimal(data, "resources_amount", "Resources (£)", errors),
        "title": data.get("title", ""),
        "lead_role": data.get("lead_role", "").strip(),
        "resources": data.get("resources", "").strip(),
        "status": data.get("status", ""),
        "impact": data.get("impact", ""),
        "priority": data.get("priority", ""),
        "progress_summary": data.get("progress_summary", "").strip(),
    }


def _form_as_posted(data: Any) -> dict[str, Any]:
    """What the user typed, to show the form again with an error."""
    form: dict[str, Any] = {k: data.get(k, "") for k in data}
    form["start"] = {p: data.get(f"start_date-{p}", "") for p in ("day", "month", "year")}
    form["due"] = {p: data.get(f"due_date-{p}", "") for p in ("day", "month", "year")}
    return form


@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(pk)
    access_require(request.user, action.plan.partnership, Role.CONTRIBUTOR)
    errors = FormErrors()
    if request.method == "POST":
        data = request.POST
        fields = _read_action_fields(data, errors)
        if not errors:
            try:
                action_update(action=action, actor=request.user, **fields)
            except ValidationProblem as exc:
                form_problem_add(errors, exc)
            else:
                from django.contrib import messages

                messages.success(request, f"Action {action.reference} saved")
                return redirect("delivery:action_detail", pk=pk)
        form: dict[str, Any] = _form_as_posted(data)
    else:
        form = {
            "title": action.title,
            "lead_role": action.lead_role,
            "resources": action.resources,
            "resources_amount": "" if action.resources_amount is None else action.resources_amount,
            "status": action.status,
            "impact": action.impact,
            "priority": action.priority,
            "progress_summary": action.progress_summary,
            "start": date_parts(action.start_date),
            "due": date_parts(action.due_date),
        }
    return render(
        request,
        "delivery/action_edit.html",
        {
            "action": action,
            "form": form,
            "errors": errors,
            "statuses": Action.Status.choices,
            "levels": [("", "Not stated"), ("high", "High"), ("medium", "Medium"), ("low", "Low")],
        },
        status=400 if errors else 200,
    )


LEVELS = [("", "Not stated"), ("high", "High"), ("medium", "Medium"), ("low", "Low")]


@login_required
def action_create_view(request: HttpRequest) -> HttpResponse:
    """Add an action to a plan of a partnership in which the user is a contributor: first choose the
    plan (when there is more than one), then say what will be done, by when, and what it serves."""
    plans = list(
        ActionPlan.objects.filter(partnership__in=access_partnerships(request.user, Role.CONTRIBUTOR))
        .select_related("partnership", "framework")
        .order_by("partnership__name", "title")
    )
    if not plans:
        raise PermissionDenied("You need the contributor role in a partnership to add actions to its plans.")
    slug = request.POST.get("plan") or request.GET.get("plan", "")
    plan = next((p for p in plans if p.slug == slug), plans[0] if len(plans) == 1 else None)
    if plan is None:
        return render(
            request,
            "delivery/action_create.html",
            {"plans": plans, "plan": None, "unknown": bool(slug)},
            status=404 if slug else 200,
        )
    indicators = (
        list(Indicator.objects.filter(memberships__framework=plan.framework).distinct().order_by("title"))
        if plan.framework_id
        else []
    )
    errors = FormErrors()
    form: dict[str, Any] = {"status": Action.Status.NOT_STARTED, "start": {}, "due": {}, "indicators": []}
    if request.method == "POST":
        data = request.POST
        fields = _read_action_fields(data, errors)
        chosen = [i for i in indicators if str(i.pk) in set(data.getlist("indicators"))]
        if not errors:
            try:
                action = action_create(
                    plan=plan,
                    actor=request.user,
                    reference=data.get("reference", ""),
                    **fields,
                    indicators=chosen,
                    source=f"Added on saferhub by {request.user.get_username()}",
                )
            except ValidationProblem as exc:
                form_problem_add(errors, exc)
            else:
                from django.contrib import messages

                messages.success(request, f"Action {action.reference or action.title[:40]} added to {plan.title}")
                return redirect("delivery:action_detail", pk=action.pk)
        form = _form_as_posted(data)
        form["indicators"] = [str(i.pk) for i in chosen]
    return render(
        request,
        "delivery/action_create.html",
        {
            "plans": plans,
            "plan": plan,
            "indicators": indicators,
            "form": form,
            "errors": errors,
            "statuses": Action.Status.choices,
            "levels": LEVELS,
        },
        status=400 if errors else 200,
    )
