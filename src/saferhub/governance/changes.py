"""A meeting's record of changes: who changed what, from the history tables, newest first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from saferhub.governance.models import AgendaItem, Attendance, Decision, Declaration, Meeting, Paper


@dataclass(frozen=True)
class Change:
    at: Any
    who: str
    what: str
    thing: str


_HISTORY_VERB = {"+": "Added", "~": "Changed", "-": "Removed"}


def meeting_changes(meeting: Meeting, *, limit: int = 200) -> list[Change]:
    """Who changed what in a meeting's record (the meeting, its items, papers, declarations,
    decisions and attendance), newest first: a fixed number of queries."""
    item_ids = list(AgendaItem.history.filter(meeting_id=meeting.pk).values_list("id", flat=True).distinct())
    # Labels read only the record's own columns: no query per row.
    sources: list[tuple[str, Any, Callable[[Any], str]]] = [
        ("Meeting", Meeting.history.filter(id=meeting.pk), lambda r: f"{r.date:%d %B %Y}, {r.get_status_display()}"),
        ("Agenda item", AgendaItem.history.filter(meeting_id=meeting.pk), lambda r: f"{r.number}. {r.title}"),
        ("Attendance", Attendance.history.filter(meeting_id=meeting.pk), lambda r: f"{r.position} ({r.status})"),
        ("Paper", Paper.history.filter(item_id__in=item_ids), lambda r: r.title),
        ("Declaration", Declaration.history.filter(item_id__in=item_ids), lambda r: f"{r.position} ({r.kind})"),
        ("Action agreed", Decision.history.filter(item_id__in=item_ids), lambda r: r.text[:100]),
    ]
    changes: list[Change] = []
    for label, qs, describe in sources:
        for record in qs.select_related("history_user").order_by("-history_date")[:limit]:
            user = record.history_user
            changes.append(
                Change(
                    at=record.history_date,
                    who=user.get_username() if user is not None else "the system (loader or command)",
                    what=_HISTORY_VERB.get(record.history_type, "Changed"),
                    thing=f"{label}: {describe(record)}",
                )
            )
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes[:limit]
