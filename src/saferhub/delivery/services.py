"""Writes for action plans: create and edit actions, record progress.

Every function validates all of its input first, then writes in one transaction with an audit row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from saferhub.accounts.models import Organisation, User
from saferhub.core.audit import audit_record
from saferhub.core.checks import (
    UNCHANGED,
    Unchanged,
    check_amount,
    check_choice,
    check_date,
    check_dates_in_order,
    merged,
)
from saferhub.core.errors import ValidationProblem
from saferhub.delivery.models import Action, ActionPlan, ProgressUpdate
from saferhub.framework.models import Indicator, Theme

_STATUSES = {value for value, _ in Action.Status.choices}
_LEVELS = ("high", "medium", "low")


def _check_action(
    *,
    title: object,
    reference: str,
    start_date: date | None,
    due_date: date | None,
    resources_amount: object,
    status: object,
    impact: object,
    priority: object,
    where: str,
) -> Decimal | None:
    """The rules an action's fields share on add and change; returns the amount, checked."""
    if not str(title or "").strip():
        raise ValidationProblem(
            "an action needs a title (what will be done)", where=where, field="title", code="required"
        )
    if len(reference) > 40:
        raise ValidationProblem(
            "the reference is longer than 40 characters", where=where, field="reference", code="too_long"
        )
    start = check_date(start_date, field="start_date", label="start date", where=where, required=False)
    due = check_date(due_date, field="due_date", label="due date", where=where, required=False)
    check_dates_in_order(start=start, end=due, end_field="due_date", where=where)
    amount = check_amount(resources_amount, field="resources_amount", label="resources (£)", where=where)
    check_choice(status, Action.Status, field="status", where=where)
    for name, level in (("impact", impact), ("priority", priority)):
        if level and level not in _LEVELS:
            raise ValidationProblem(f"{name} {level!r} must be high, medium or low", where=where, field=name)
    return amount


def _refuse_repeated_reference(plan: ActionPlan, reference: str, *, exclude: int | None, where: str) -> None:
    actions = Action.objects.filter(plan=plan, reference=reference)
    if exclude is not None:
        actions = actions.exclude(pk=exclude)
    if reference and actions.exists():
        raise ValidationProblem(
            f"{plan.title} already has an action {reference}", where=where, field="reference", code="duplicate"
        )


def _same_words(text: str) -> str:
    return " ".join((text or "").casefold().split()).strip(" .;:")


def action_create(
    *,
    plan: ActionPlan,
    reference: str,
    title: str,
    lead_organisation: Organisation | None = None,
    lead_role: str = "",
    owner: User | None = None,
    due_date: date | None = None,
    start_date: date | None = None,
    indicators: Iterable[Indicator] = (),
    source: str = "",
    actor: Any = None,
    theme: Theme | None = None,
    resources: str = "",
    resources_amount: Decimal | None = None,
    impact: str = "",
    priority: str = "",
    status: str = Action.Status.NOT_STARTED,
    progress_summary: str = "",
    order: int | None = None,
) -> Action:
    """Add an action to ``plan``. Refuses a blank title, a due date before the start date, negative
    resources, an unknown status, a reference the plan already has, or, for an action without a
    reference, the same action (title, lead and due date) submitted twice; it saves nothing."""
    reference = (reference or "").strip()
    title = (title or "").strip()
    where = f"action {reference}" if reference else "action"
    amount = _check_action(
        title=title,
        reference=reference,
        start_date=start_date,
        due_date=due_date,
        resources_amount=resources_amount,
        status=status,
        impact=impact,
        priority=priority,
        where=where,
    )
    indicator_list = list(indicators)
    with transaction.atomic():
        # The plan's row is held while repeats are checked, so two submissions at once cannot both pass.
        ActionPlan.objects.select_for_update().filter(pk=plan.pk).first()
        _refuse_repeated_reference(plan, reference, exclude=None, where=where)
        if not reference:
            for earlier in Action.objects.filter(
                plan=plan, reference="", due_date=due_date, lead_organisation=lead_organisation
            ):
                if _same_words(earlier.title) == _same_words(title) and _same_words(earlier.lead_role) == _same_words(
                    lead_role
                ):
                    raise ValidationProblem(
                        f"{plan.title} already has this action, with the same lead and due date: "
                        "it was not added again",
                        where=where,
                        field="title",
                        code="duplicate",
                    )
        if order is None:
            order = plan.actions.count() + 1
        action = Action.objects.create(
            plan=plan,
            reference=reference,
            title=title,
            theme=theme,
            lead_organisation=lead_organisation,
            lead_role=lead_role,
            owner=owner,
            resources=resources,
            resources_amount=amount,
            impact=impact,
            priority=priority,
            start_date=start_date,
            due_date=due_date,
            status=status,
            progress_summary=progress_summary,
            order=order,
            source=source,
        )
        if indicator_list:
            action.indicators.set(indicator_list)
        audit_record(actor=actor, action="action.create", obj=action, reference=reference, plan=plan.slug)
    return action


def action_update(
    *,
    action: Action,
    actor: Any = None,
    indicators: Iterable[Indicator] | None = None,
    reference: str | Unchanged = UNCHANGED,
    title: str | Unchanged = UNCHANGED,
    theme: Theme | Unchanged | None = UNCHANGED,
    lead_organisation: Organisation | Unchanged | None = UNCHANGED,
    lead_role: str | Unchanged = UNCHANGED,
    owner: User | Unchanged | None = UNCHANGED,
    resources: str | Unchanged = UNCHANGED,
    resources_amount: Decimal | Unchanged | None = UNCHANGED,
    impact: str | Unchanged = UNCHANGED,
    priority: str | Unchanged = UNCHANGED,
    start_date: date | Unchanged | None = UNCHANGED,
    due_date: date | Unchanged | None = UNCHANGED,
    status: str | Unchanged = UNCHANGED,
    progress_summary: str | Unchanged = UNCHANGED,
    source: str | Unchanged = UNCHANGED,
) -> Action:
    """Change fields of an action (history is kept by django-simple-history). Validates the
    combined result (e.g. a new due date against the existing start date) before saving."""
    given = {
        "reference": reference,
        "title": title,
        "theme": theme,
        "lead_organisation": lead_organisation,
        "lead_role": lead_role,
        "owner": owner,
        "resources": resources,
        "resources_amount": resources_amount,
        "impact": impact,
        "priority": priority,
        "start_date": start_date,
        "due_date": due_date,
        "status": status,
        "progress_summary": progress_summary,
        "source": source,
    }
    changes = {name: value for name, value in given.items() if value is not UNCHANGED}
    where = f"action {action.reference}" if action.reference else "action"
    values = merged(action, **given)
    new_ref = str(values["reference"] or "").strip()
    amount = _check_action(
        title=values["title"],
        reference=new_ref,
        start_date=values["start_date"],
        due_date=values["due_date"],
        resources_amount=values["resources_amount"],
        status=values["status"],
        impact=values["impact"],
        priority=values["priority"],
        where=where,
    )
    if "resources_amount" in changes:
        changes["resources_amount"] = amount
    if "reference" in changes:
        changes["reference"] = new_ref
        _refuse_repeated_reference(action.plan, new_ref, exclude=action.pk, where=where)
    changed = [k for k, v in changes.items() if getattr(action, k) != v]
    with transaction.atomic():
        for k in changed:
            setattr(action, k, changes[k])
        if changed:
            action.save(update_fields=[*changed, "updated_at"])
        if indicators is not None:
            action.indicators.set(list(indicators))
        audit_record(actor=actor, action="action.update", obj=action, fields=sorted(changed))
    return action


def action_progress_add(
    *, action: Action, on: date, text: str, author: Any = None, status_after: str = ""
) -> ProgressUpdate:
    """Add a dated entry to the action's progress log; ``status_after`` (if given) becomes the
    action's status, so the log records each change of status."""
    where = f"action {action.reference}" if action.reference else "action"
    text = (text or "").strip()
    check_date(on, field="on", label="progress date", where=where)
    if not text:
        raise ValidationProblem("a progress update needs some text", where=where, field="text", code="required")
    if status_after:
        check_choice(status_after, Action.Status, field="status_after", label="status", where=where)
    with transaction.atomic():
        update = ProgressUpdate.objects.create(
            action=action,
            on=on,
            text=text,
            author=author if getattr(author, "pk", None) else None,
            status_after=status_after,
        )
        if status_after and status_after != action.status:
            action.status = status_after
            action.save(update_fields=["status", "updated_at"])
        audit_record(actor=author, action="action.progress", obj=action, on=on.isoformat(), status=status_after)
    return update
