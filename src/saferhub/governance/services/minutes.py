"""What the minutes record at an item: declarations of interest, and decisions ("actions
agreed"), each of which becomes a tracked action in the partnership's decisions plan.

The same declaration or decision submitted twice (a double click, a form sent again) is refused
with a message saying it is already recorded: the check runs with the item's row locked, so two
submissions at once cannot both pass it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from saferhub.accounts.models import Organisation, Partnership
from saferhub.core.audit import audit_record
from saferhub.core.checks import check_amount, check_choice, check_date, check_instance, check_text
from saferhub.core.errors import ValidationProblem
from saferhub.delivery.models import Action, ActionPlan
from saferhub.delivery.services import action_create, action_progress_add
from saferhub.governance.models import AgendaItem, Decision, Declaration, Meeting, Seat
from saferhub.governance.services.common import item_where, meeting_where, same_words


def _lock(item: AgendaItem) -> None:
    """Hold the item's row until the transaction ends, so repeats are checked one at a time."""
    AgendaItem.objects.select_for_update().filter(pk=item.pk).first()


def declaration_add(
    *,
    item: AgendaItem,
    position: str,
    kind: str,
    interest: str,
    organisation: Organisation | None = None,
    action_taken: str = "",
    nominated_person: str = "",
    actor: Any = None,
) -> Declaration:
    """Record an interest declared at a meeting against the item it concerns."""
    where = f"{item_where(item)}, declaration"
    if item.meeting.status == Meeting.Status.CANCELLED:
        raise ValidationProblem(
            "the meeting was cancelled: nothing can be declared at it", where=where, code="cancelled"
        )
    clean = {
        "position": check_text(
            position, field="position", label="who declared (position)", where=where, max_length=300, required=True
        ),
        "kind": check_choice(kind, Declaration.Kind, field="kind", label="kind of interest", where=where),
        "interest": check_text(interest, field="interest", label="nature of the interest", where=where, required=True),
        "action_taken": check_text(action_taken, field="action_taken", where=where, max_length=300),
        "nominated_person": check_text(nominated_person, field="nominated_person", where=where, max_length=200),
    }
    organisation = check_instance(organisation, Organisation, field="organisation", where=where)
    with transaction.atomic():
        _lock(item)
        for earlier in Declaration.objects.filter(item=item, kind=clean["kind"], organisation=organisation):
            if same_words(earlier.position) == same_words(clean["position"]) and same_words(
                earlier.interest
            ) == same_words(clean["interest"]):
                raise ValidationProblem(
                    f"this declaration by {earlier.position} is already recorded against item {item.number}: "
                    "it was not added again",
                    where=where,
                    field="interest",
                    code="duplicate",
                )
        declaration = Declaration.objects.create(item=item, organisation=organisation, **clean)
        audit_record(actor=actor, action="governance.declaration.add", obj=declaration, item=item.pk)
    return declaration


def decisions_plan(partnership: Partnership) -> ActionPlan:
    """The action plan that holds a partnership's actions agreed at meetings (made on first use)."""
    plan, _ = ActionPlan.objects.get_or_create(
        slug=f"{partnership.slug[:88]}-decisions",
        defaults={
            "title": f"{partnership.name}: actions agreed at meetings",
            "partnership": partnership,
            "source": "Decisions recorded in the minutes (governance)",
        },
    )
    return plan


def member_organisations(meeting: Meeting) -> list[Organisation]:
    """The organisations holding a seat on the partnership at the meeting: the owners a decision
    may be given to."""
    seats = Seat.objects.filter(partnership=meeting.partnership, organisation__isnull=False).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=meeting.date)
    )
    return list(Organisation.objects.filter(pk__in=seats.values("organisation_id")).order_by("name"))


def decision_record(
    *,
    item: AgendaItem,
    text: str,
    owner_organisation: Organisation | None = None,
    owner_role: str = "",
    due_date: date | None = None,
    agreed_complete: bool = False,
    label: str = "",
    owner_basis: str = "",
    resources_amount: Decimal | str | int | None = None,
    source: str = "",
    actor: Any = None,
) -> Decision:
    """Minute an "action agreed" and put it in the action tracker with its owner and due date.

    An action needs an owner: one of the partnership's member organisations (a seat holder at the
    meeting), a role, or both. Unless it was completed by the decision itself (``agreed_complete``)
    it needs a due date on or after the meeting.
    """
    meeting = item.meeting
    where = f"{item_where(item)}, action agreed"
    text = check_text(text, field="text", label="the action agreed", where=where, required=True)
    owner_role = check_text(owner_role, field="owner_role", label="owner's role", where=where, max_length=200)
    label = check_text(label, field="label", where=where, max_length=10)
    owner_basis = check_text(
        owner_basis, field="owner_basis", label="how the owner was identified", where=where, max_length=300
    )
    source = check_text(source, field="source", where=where, max_length=300)
    owner_organisation = check_instance(
        owner_organisation, Organisation, field="owner_organisation", label="the owner's organisation", where=where
    )
    if owner_organisation is None and not owner_role:
        raise ValidationProblem(
            "an action agreed needs an owner: an organisation, a role, or both",
            where=where,
            field="owner_organisation",
            code="required",
        )
    if owner_organisation is not None and owner_organisation not in member_organisations(meeting):
        raise ValidationProblem(
            f"{owner_organisation.name} holds no seat on {meeting.partnership.name}: choose one of its members, "
            "or add the organisation to the membership first",
            where=where,
            field="owner_organisation",
            code="not_a_member",
        )
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationProblem("the meeting was cancelled: nothing was agreed at it", where=where, code="cancelled")
    due = check_date(due_date, field="due_date", label="due date", where=where, required=False)
    if agreed_complete:
        due = due or meeting.date
    elif due is None:
        raise ValidationProblem("an action agreed needs a due date", where=where, field="due_date", code="required")
    if due < meeting.date:
        raise ValidationProblem(
            f"the due date {due:%-d %B %Y} is before the meeting that agreed it ({meeting.date:%-d %B %Y})",
            where=where,
            field="due_date",
            code="before_start",
        )
    amount = check_amount(resources_amount, field="resources_amount", label="the amount", where=where)
    with transaction.atomic():
        _lock(item)
        for earlier in item.decisions.select_related("action"):
            if same_words(earlier.text) == same_words(text):
                reference = f" ({earlier.action.reference})" if earlier.action else ""
                raise ValidationProblem(
                    f"this action agreed is already recorded at item {item.number}{reference}: it was not added again",
                    where=where,
                    field="text",
                    code="duplicate",
                )
        order = item.decisions.count() + 1
        reference = f"{meeting.date:%Y-%m-%d} {item.number}.{order}"
        action = action_create(
            plan=decisions_plan(meeting.partnership),
            reference=reference,
            title=text.replace("*", ""),
            lead_organisation=owner_organisation,
            lead_role=owner_role,
            start_date=meeting.date,
            due_date=due,
            resources_amount=amount,
            source=source or f"Minutes of {meeting_where(meeting)}, item {item.number}",
            actor=actor,
        )
        if agreed_complete:
            action_progress_add(
                action=action,
                on=meeting.date,
                text="Agreed at the meeting: the decision itself completes it.",
                author=actor,
                status_after=Action.Status.COMPLETE,
            )
        decision = Decision.objects.create(
            item=item,
            order=order,
            label=label,
            text=text,
            action=action,
            owner_basis=owner_basis,
            source=source,
        )
        audit_record(actor=actor, action="governance.decision.record", obj=decision, action_reference=reference)
    return decision
