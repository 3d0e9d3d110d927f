"""Writing a narrative section of a partnership's strategic assessment, and reading its history.

Only members with the analyst role or above write (``document.EDIT_ROLE``); every save is one
transaction with its audit event, and django-simple-history keeps each version with who saved it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from saferhub.accounts.access import access_require
from saferhub.accounts.models import Partnership
from saferhub.assessment.document import EDIT_ROLE
from saferhub.assessment.models import NarrativeSection
from saferhub.core.audit import audit_record
from saferhub.core.models import Publication

MAX_TEXT = 20_000


def narrative_errors(data: Any) -> tuple[str, str, dict[str, str]]:
    """The text and publication posted, and errors by field (for the GOV.UK error summary)."""
    text = str(data.get("text", "") or "").replace("\r\n", "\n").strip()
    publication = str(data.get("publication", "") or "")
    errors: dict[str, str] = {}
    if len(text) > MAX_TEXT:
        errors["text"] = f"The section must be {MAX_TEXT:,} characters or fewer (it has {len(text):,})"
    if publication not in Publication.values:
        errors["publication"] = "Choose who can read the section"
    elif publication == Publication.PUBLISHED and not text:
        errors["text"] = "Write the section before publishing it"
    return text, publication, errors


def narrative_save(
    *, user: Any, partnership: Partnership, year: int, key: str, text: str, publication: str
) -> NarrativeSection:
    """Save one section (refused with 403 below the analyst role in the partnership)."""
    access_require(user, partnership, EDIT_ROLE)
    with transaction.atomic():
        section, created = NarrativeSection.objects.select_for_update().get_or_create(
            partnership=partnership,
            year=year,
            key=key,
            defaults={"text": text, "publication": publication, "updated_by": user},
        )
        if not created:
            section.text, section.publication, section.updated_by = text, publication, user
            section._history_user = user  # type: ignore[attr-defined]
            section.save()
        audit_record(
            actor=user,
            action="assessment.narrative.create" if created else "assessment.narrative.update",
            obj=section,
            year=year,
            key=key,
            publication=publication,
        )
    return section


@dataclass(frozen=True)
class Change:
    when: datetime
    who: str
    what: str
    before: str  # the words before a change of words


def narrative_history(section: NarrativeSection | None) -> list[Change]:
    """Every saved version of the section, newest first, with who saved it and what changed."""
    if section is None:
        return []
    records = list(section.history.select_related("history_user").order_by("history_date", "history_id"))
    out: list[Change] = []
    previous = None
    for record in records:
        user = record.history_user
        who = (user.get_full_name() or user.username) if user is not None else "Unknown"
        if previous is None:
            what = "Written" + (" and published" if record.publication == Publication.PUBLISHED else " as a draft")
            before = ""
        else:
            parts = []
            if record.text != previous.text:
                parts.append("Words changed")
            if record.publication != previous.publication:
                parts.append("Published" if record.publication == Publication.PUBLISHED else "Made a draft again")
            what = "; ".join(parts) or "Saved without changes"
            before = previous.text if record.text != previous.text else ""
        out.append(Change(when=record.history_date, who=who, what=what, before=before))
        previous = record
    return list(reversed(out))
