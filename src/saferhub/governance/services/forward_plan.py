"""The forward plan: items planned for future meetings, put on an agenda or withdrawn."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from saferhub.accounts.models import Partnership
from saferhub.core.audit import audit_record
from saferhub.core.checks import check_choice, check_text
from saferhub.core.errors import ValidationProblem
from saferhub.governance.models import AgendaItem, ForwardPlanItem, Meeting
from saferhub.governance.services.meetings import agenda_item_create


def _check_meeting_to_come(meeting: Meeting, *, partnership_id: int, field: str, where: str) -> None:
    if meeting.partnership_id != partnership_id:
        raise ValidationProblem("the meeting chosen is another partnership's", where=where, field=field)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ValidationProblem(
            f"the meeting of {meeting.date:%-d %B %Y} is {meeting.get_status_display().lower()}: "
            "choose a meeting still to come",
            where=where,
            field=field,
        )


def forward_plan_item_create(
    *,
    partnership: Partnership,
    title: str,
    description: str = "",
    lead: str = "",
    kind: str = AgendaItem.Kind.DISCUSSION,
    target_meeting: Meeting | None = None,
    source: str = "",
    actor: Any = None,
) -> ForwardPlanItem:
    """Add an item to the partnership's forward plan, optionally for a particular meeting."""
    where = f"forward plan of {partnership.name}"
    clean = {
        "title": check_text(title, field="title", where=where, max_length=300, required=True),
        "description": check_text(description, field="description", where=where),
        "lead": check_text(lead, field="lead", where=where, max_length=300),
        "kind": check_choice(kind, AgendaItem.Kind, field="kind", where=where),
        "source": check_text(source, field="source", where=where, max_length=300),
    }
    if target_meeting is not None:
        _check_meeting_to_come(target_meeting, partnership_id=partnership.pk, field="target_meeting", where=where)
    with transaction.atomic():
        item = ForwardPlanItem.objects.create(partnership=partnership, target_meeting=target_meeting, **clean)
        audit_record(actor=actor, action="governance.forward_plan.create", obj=item)
    return item


def forward_plan_item_schedule(*, item: ForwardPlanItem, meeting: Meeting, actor: Any = None) -> AgendaItem:
    """Put a forward plan item on a meeting's agenda."""
    where = f"forward plan of {item.partnership.name}, {item.title!r}"
    if item.status != ForwardPlanItem.Status.PLANNED:
        raise ValidationProblem(f"the item is {item.get_status_display().lower()}, not planned", where=where)
    _check_meeting_to_come(meeting, partnership_id=item.partnership_id, field="meeting", where=where)
    with transaction.atomic():
        agenda_item = agenda_item_create(
            meeting=meeting,
            title=item.title,
            kind=item.kind,
            presenter=item.lead,
            summary=item.description,
            source=f"Forward plan: {item.source}" if item.source else "Forward plan",
            actor=actor,
        )
        item.agenda_item = agenda_item
        item.target_meeting = meeting
        item.status = ForwardPlanItem.Status.ON_AGENDA
        item.save(update_fields=["agenda_item", "target_meeting", "status", "updated_at"])
        audit_record(actor=actor, action="governance.forward_plan.schedule", obj=item, meeting=meeting.pk)
    return agenda_item


def forward_plan_item_withdraw(*, item: ForwardPlanItem, actor: Any = None) -> ForwardPlanItem:
    """Take an item off the forward plan (history keeps it)."""
    if item.status == ForwardPlanItem.Status.ON_AGENDA:
        raise ValidationProblem("the item is already on an agenda", where=f"forward plan, {item.title!r}")
    with transaction.atomic():
        item.status = ForwardPlanItem.Status.WITHDRAWN
        item.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="governance.forward_plan.withdraw", obj=item)
    return item
