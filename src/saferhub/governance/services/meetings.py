"""Meetings and their agenda items."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from saferhub.accounts.models import Partnership
from saferhub.core.audit import audit_record
from saferhub.core.checks import UNCHANGED, Unchanged, check_choice, check_date, check_text, check_time, merged
from saferhub.core.errors import ValidationProblem
from saferhub.core.models import Publication
from saferhub.governance.models import AgendaItem, Meeting, TermsOfReference
from saferhub.governance.services.common import changes_save, item_where, meeting_where


def previous_meeting(partnership: Partnership, day: dt.date, *, exclude: int | None = None) -> Meeting | None:
    """The partnership's last meeting before ``day`` that was not cancelled."""
    qs = Meeting.objects.filter(partnership=partnership, date__lt=day).exclude(status=Meeting.Status.CANCELLED)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("-date", "-start_time").first()


def meeting_values(values: dict[str, Any], *, where: str) -> dict[str, Any]:
    """A meeting's fields checked together: a date, times in order, a held meeting not in the
    future. Shared with the Essex loader, which checks its file with it."""
    day = check_date(values.get("date"), field="date", where=where)
    assert day is not None
    start = check_time(values.get("start_time"), field="start_time", where=where)
    end = check_time(values.get("end_time"), field="end_time", where=where)
    if start is not None and end is not None and end <= start:
        raise ValidationProblem(
            f"the meeting ends ({end:%H:%M}) before it starts ({start:%H:%M})", where=where, field="end_time"
        )
    status = check_choice(values.get("status", Meeting.Status.SCHEDULED), Meeting.Status, field="status", where=where)
    if status == Meeting.Status.HELD and day > timezone.localdate():
        raise ValidationProblem(f"a meeting on {day:%-d %B %Y} cannot have been held yet", where=where, field="status")
    return {
        "date": day,
        "start_time": start,
        "end_time": end,
        "status": status,
        "title": check_text(values.get("title", ""), field="title", where=where, max_length=200),
        "location": check_text(values.get("location", ""), field="location", where=where, max_length=300),
        "note": check_text(values.get("note", ""), field="note", where=where),
        "source": check_text(values.get("source", ""), field="source", where=where, max_length=300),
        "publication": check_choice(
            values.get("publication", Publication.MEMBERS), Publication, field="publication", where=where
        ),
    }


def meeting_create(
    *,
    partnership: Partnership,
    date: dt.date,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    status: str = Meeting.Status.SCHEDULED,
    title: str = "",
    location: str = "",
    note: str = "",
    source: str = "",
    publication: str = Publication.MEMBERS,
    standing_items: bool = True,
    actor: Any = None,
) -> Meeting:
    """Arrange a meeting. With ``standing_items`` the agenda opens with declarations of interest
    (when the terms of reference make it a standing item, or there are no terms), the minutes of
    the previous meeting and matters arising (when there was a previous meeting)."""
    where = f"new meeting of {partnership.name}"
    clean = meeting_values(
        {
            "date": date,
            "start_time": start_time,
            "end_time": end_time,
            "status": status,
            "title": title,
            "location": location,
            "note": note,
            "source": source,
            "publication": publication,
        },
        where=where,
    )
    terms = TermsOfReference.objects.filter(partnership=partnership).first()
    with transaction.atomic():
        meeting = Meeting.objects.create(partnership=partnership, **clean)
        if standing_items:
            standing: list[tuple[str, str]] = []
            if terms is None or terms.declarations_standing_item:
                standing.append((AgendaItem.Kind.DECLARATIONS, "Declarations of pecuniary or other interests"))
            if previous_meeting(partnership, meeting.date, exclude=meeting.pk) is not None:
                standing.append((AgendaItem.Kind.PREVIOUS_MINUTES, "Minutes of the previous meeting"))
                standing.append((AgendaItem.Kind.MATTERS_ARISING, "Matters arising"))
            bulk_create_with_history(
                [
                    AgendaItem(meeting=meeting, number=str(number), order=number, title=item_title, kind=kind)
                    for number, (kind, item_title) in enumerate(standing, start=1)
                ],
                AgendaItem,
                default_user=actor if getattr(actor, "pk", None) else None,
            )
        audit_record(actor=actor, action="governance.meeting.create", obj=meeting, partnership=partnership.slug)
    return meeting


def meeting_update(
    *,
    meeting: Meeting,
    date: dt.date | Unchanged = UNCHANGED,
    start_time: dt.time | Unchanged | None = UNCHANGED,
    end_time: dt.time | Unchanged | None = UNCHANGED,
    status: str | Unchanged = UNCHANGED,
    title: str | Unchanged = UNCHANGED,
    location: str | Unchanged = UNCHANGED,
    note: str | Unchanged = UNCHANGED,
    source: str | Unchanged = UNCHANGED,
    publication: str | Unchanged = UNCHANGED,
    actor: Any = None,
) -> Meeting:
    """Change a meeting's date, times, place, title, note, status (held, cancelled…) or whether it
    is published."""
    values = merged(
        meeting,
        date=date,
        start_time=start_time,
        end_time=end_time,
        status=status,
        title=title,
        location=location,
        note=note,
        source=source,
        publication=publication,
    )
    clean = meeting_values(values, where=meeting_where(meeting))
    with transaction.atomic():
        changed = changes_save(meeting, clean)
        if changed:
            audit_record(actor=actor, action="governance.meeting.update", obj=meeting, fields=changed)
    return meeting


def item_values(values: dict[str, Any], *, where: str) -> dict[str, Any]:
    """An agenda item's fields, checked. Shared with the Essex loader."""
    return {
        "title": check_text(values.get("title"), field="title", where=where, max_length=300, required=True),
        "kind": check_choice(
            values.get("kind", AgendaItem.Kind.DISCUSSION), AgendaItem.Kind, field="kind", where=where
        ),
        "presenter": check_text(values.get("presenter", ""), field="presenter", where=where, max_length=300),
        "summary": check_text(values.get("summary", ""), field="summary", where=where),
        "minutes": check_text(values.get("minutes", ""), field="minutes", where=where),
        "decisions_intro": check_text(
            values.get("decisions_intro", ""), field="decisions_intro", label="decisions introduction", where=where
        ),
        "source": check_text(values.get("source", ""), field="source", where=where, max_length=300),
        "exempt": bool(values.get("exempt", False)),
        "exempt_reason": check_text(
            values.get("exempt_reason", ""), field="exempt_reason", label="reason", where=where, max_length=300
        ),
    }


def _next_number(meeting: Meeting) -> str:
    numbers = [int(n) for n in meeting.items.values_list("number", flat=True) if str(n).isdigit()]
    return str(max(numbers, default=0) + 1)


def agenda_item_create(
    *,
    meeting: Meeting,
    title: str,
    kind: str = AgendaItem.Kind.DISCUSSION,
    presenter: str = "",
    summary: str = "",
    minutes: str = "",
    decisions_intro: str = "",
    source: str = "",
    exempt: bool = False,
    exempt_reason: str = "",
    number: str | None = None,
    order: int | None = None,
    actor: Any = None,
) -> AgendaItem:
    """Add an item to a meeting's agenda, numbered after the last one unless a number is given."""
    where = f"{meeting_where(meeting)}, new agenda item"
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationProblem("the meeting was cancelled: its agenda cannot change", where=where, code="cancelled")
    clean = item_values(
        {
            "title": title,
            "kind": kind,
            "presenter": presenter,
            "summary": summary,
            "minutes": minutes,
            "decisions_intro": decisions_intro,
            "source": source,
            "exempt": exempt,
            "exempt_reason": exempt_reason,
        },
        where=where,
    )
    number = check_text(number or _next_number(meeting), field="number", where=where, max_length=10, required=True)
    with transaction.atomic():
        if order is None:
            order = (meeting.items.aggregate(m=models.Max("order"))["m"] or 0) + 1
        elif meeting.items.filter(order=order).exists():
            raise ValidationProblem(f"there is already an item in place {order}", where=where, code="duplicate")
        item = AgendaItem.objects.create(meeting=meeting, number=number, order=order, **clean)
        audit_record(actor=actor, action="governance.item.create", obj=item, meeting=meeting.pk)
    return item


def agenda_item_update(
    *,
    item: AgendaItem,
    title: str | Unchanged = UNCHANGED,
    kind: str | Unchanged = UNCHANGED,
    presenter: str | Unchanged = UNCHANGED,
    summary: str | Unchanged = UNCHANGED,
    minutes: str | Unchanged = UNCHANGED,
    decisions_intro: str | Unchanged = UNCHANGED,
    source: str | Unchanged = UNCHANGED,
    exempt: bool | Unchanged = UNCHANGED,
    exempt_reason: str | Unchanged = UNCHANGED,
    number: str | Unchanged = UNCHANGED,
    actor: Any = None,
) -> AgendaItem:
    """Change an agenda item: its title, kind, presenter, summary, minutes, number or whether it is
    taken in private (exempt)."""
    where = item_where(item)
    values = merged(
        item,
        title=title,
        kind=kind,
        presenter=presenter,
        summary=summary,
        minutes=minutes,
        decisions_intro=decisions_intro,
        source=source,
        exempt=exempt,
        exempt_reason=exempt_reason,
    )
    clean = item_values(values, where=where)
    if number is not UNCHANGED:
        clean["number"] = check_text(number, field="number", where=where, max_length=10, required=True)
    with transaction.atomic():
        changed = changes_save(item, clean)
        if changed:
            audit_record(actor=actor, action="governance.item.update", obj=item, fields=changed)
    return item
