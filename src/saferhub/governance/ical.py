"""An iCalendar (RFC 5545) feed written by hand: small, exact and tested.

- lines end with CRLF (section 3.1);
- content lines longer than 75 octets are folded: CRLF then one space (3.1), never inside a
  UTF-8 character;
- TEXT values escape backslash, semicolon, comma and newline (3.3.11);
- every VEVENT has a UID and a DTSTAMP in UTC (3.6.1, 3.8.4.7, 3.8.7.2);
- a meeting with a time is given in UTC ("Z" form, 3.3.5), so no VTIMEZONE is needed; a meeting
  with no time is an all-day event (DTSTART;VALUE=DATE).

Pure Python: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

CRLF = "\r\n"
MAX_OCTETS = 75


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    summary: str
    start: datetime | date
    end: datetime | date | None = None
    location: str = ""
    description: str = ""
    url: str = ""
    status: str = "CONFIRMED"  # CONFIRMED, TENTATIVE or CANCELLED
    last_modified: datetime | None = None


def ical_escape(text: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11)."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def ical_fold(line: str) -> str:
    """Fold one content line at 75 octets; continuation lines start with a space (RFC 5545 3.1)."""
    encoded = line.encode("utf-8")
    if len(encoded) <= MAX_OCTETS:
        return line
    parts: list[str] = []
    current = ""
    size = 0
    limit = MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
            limit = MAX_OCTETS - 1  # the leading space of a continuation line counts
        current += char
        size += width
    parts.append(current)
    return (CRLF + " ").join(parts)


def _utc(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("calendar times must be timezone-aware")
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _when(name: str, value: datetime | date) -> str:
    if isinstance(value, datetime):
        return f"{name}:{_utc(value)}"
    return f"{name};VALUE=DATE:{value:%Y%m%d}"


def calendar_render(events: list[CalendarEvent], *, now: datetime, name: str, prodid: str) -> str:
    """The whole VCALENDAR as text with CRLF line endings."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{prodid}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ical_escape(name)}",
    ]
    stamp = _utc(now)
    for event in events:
        lines += ["BEGIN:VEVENT", f"UID:{event.uid}", f"DTSTAMP:{stamp}", _when("DTSTART", event.start)]
        if event.end is not None:
            lines.append(_when("DTEND", event.end))
        lines.append(f"SUMMARY:{ical_escape(event.summary)}")
        if event.location:
            lines.append(f"LOCATION:{ical_escape(event.location)}")
        if event.description:
            lines.append(f"DESCRIPTION:{ical_escape(event.description)}")
        if event.url:
            lines.append(f"URL;VALUE=URI:{event.url}")
        lines.append(f"STATUS:{event.status}")
        if event.last_modified is not None:
            lines.append(f"LAST-MODIFIED:{_utc(event.last_modified)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(ical_fold(line) + CRLF for line in lines)
