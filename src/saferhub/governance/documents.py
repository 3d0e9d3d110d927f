"""Meeting documents (agenda and minutes) as PDF, and the meetings calendar.

The PDF is WeasyPrint's rendering of the same document template the web page includes, inside a
print wrapper with its own stylesheet: one template, two outputs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string

from saferhub.governance.ical import CalendarEvent, calendar_render
from saferhub.governance.models import Meeting

DOCUMENT_KINDS = ("agenda", "minutes")
UK = ZoneInfo("Europe/London")


def meeting_document_html(record: Any, *, kind: str) -> str:
    """The standalone HTML the PDF is made from."""
    if kind not in DOCUMENT_KINDS:
        raise ValueError(f"document kind {kind!r} is not one of {DOCUMENT_KINDS}")
    return render_to_string(
        "governance/documents/print.html",
        {"r": record, "kind": kind, "service_name": settings.SERVICE_NAME},
    )


def meeting_document_pdf(record: Any, *, kind: str, base_url: str) -> bytes:
    """The agenda or minutes as a tagged PDF (WeasyPrint), from the page's own template."""
    import weasyprint

    html = meeting_document_html(record, kind=kind)
    pdf = weasyprint.HTML(string=html, base_url=base_url).write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None
    return bytes(pdf)


def _event(meeting: Meeting, url: str) -> CalendarEvent:
    if meeting.start_time is not None:
        start: Any = datetime.combine(meeting.date, meeting.start_time, tzinfo=UK)
        end = datetime.combine(meeting.date, meeting.end_time, tzinfo=UK) if meeting.end_time else None
    else:
        start, end = meeting.date, None
    status = {
        Meeting.Status.CANCELLED: "CANCELLED",
        Meeting.Status.SCHEDULED: "CONFIRMED",
        Meeting.Status.HELD: "CONFIRMED",
    }[Meeting.Status(meeting.status)]
    description = f"{meeting.partnership.name}. Agenda, papers and minutes: {url}"
    if meeting.note:
        description += f"\n{meeting.note}"
    return CalendarEvent(
        uid=f"meeting-{meeting.public_id}@saferhub",
        summary=meeting.name + (" (cancelled)" if meeting.status == Meeting.Status.CANCELLED else ""),
        start=start,
        end=end,
        location=meeting.location,
        description=description,
        url=url,
        status=status,
        last_modified=meeting.updated_at,
    )


def calendar_for(meetings: Iterable[Meeting], *, now: datetime, url_for: Callable[[Meeting], str], name: str) -> str:
    """The iCalendar text for these meetings."""
    return calendar_render(
        [_event(m, url_for(m)) for m in meetings],
        now=now,
        name=name,
        prodid=f"-//{settings.SERVICE_NAME}//governance meetings//EN",
    )
