"""What the governance services share: how they name a meeting or an item in messages, and how
an update saves only the fields that changed."""

from __future__ import annotations

from typing import Any

from django.db import models

from saferhub.governance.models import AgendaItem, Meeting


def meeting_where(meeting: Meeting) -> str:
    return f"{meeting.partnership.name} meeting of {meeting.date:%-d %B %Y}"


def item_where(item: AgendaItem) -> str:
    return f"{meeting_where(item.meeting)}, item {item.number}"


def fields_changed(record: models.Model, values: dict[str, Any]) -> list[str]:
    return [name for name, value in values.items() if getattr(record, name) != value]


def changes_save(record: models.Model, values: dict[str, Any]) -> list[str]:
    """Set and save the values that differ from the record's (with ``update_fields``); return
    their names."""
    changed = fields_changed(record, values)
    for name in changed:
        setattr(record, name, values[name])
    if changed:
        record.save(update_fields=[*changed, "updated_at"])
    return changed


def same_words(text: str) -> str:
    """Text compared for repeats: case, spacing and punctuation at the ends ignored."""
    return " ".join((text or "").casefold().split()).strip(" .;:")
