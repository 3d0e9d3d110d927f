"""Terms of reference and membership (seats) of a partnership."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from saferhub.accounts.models import Organisation, Partnership
from saferhub.core.audit import audit_record
from saferhub.core.checks import (
    UNCHANGED,
    Unchanged,
    check_choice,
    check_count,
    check_date,
    check_instance,
    check_text,
    merged,
)
from saferhub.core.errors import ValidationProblem
from saferhub.core.models import Publication
from saferhub.governance.models import Seat, TermsOfReference
from saferhub.governance.services.common import changes_save

_TERMS_TEXT = {
    "title": 300,
    "purpose": None,
    "chairing": None,
    "secretariat_note": 300,
    "declarations_wording": None,
    "review_arrangements": None,
    "source": 300,
}


def terms_of_reference_save(
    *,
    partnership: Partnership,
    title: str | Unchanged = UNCHANGED,
    purpose: str | Unchanged = UNCHANGED,
    chairing: str | Unchanged = UNCHANGED,
    secretariat: Organisation | Unchanged | None = UNCHANGED,
    secretariat_note: str | Unchanged = UNCHANGED,
    minimum_meetings_per_year: int | Unchanged | None = UNCHANGED,
    declarations_standing_item: bool | Unchanged = UNCHANGED,
    declarations_wording: str | Unchanged = UNCHANGED,
    quorum: int | Unchanged | None = UNCHANGED,
    review_arrangements: str | Unchanged = UNCHANGED,
    review_by: date | Unchanged | None = UNCHANGED,
    source: str | Unchanged = UNCHANGED,
    publication: str | Unchanged = UNCHANGED,
    actor: Any = None,
) -> TermsOfReference:
    """Create or change a partnership's terms of reference (history keeps every version). Fields
    left ``UNCHANGED`` keep their value (or the default, for new terms)."""
    where = f"terms of reference of {partnership.name}"
    given = {
        "title": title,
        "purpose": purpose,
        "chairing": chairing,
        "secretariat": secretariat,
        "secretariat_note": secretariat_note,
        "minimum_meetings_per_year": minimum_meetings_per_year,
        "declarations_standing_item": declarations_standing_item,
        "declarations_wording": declarations_wording,
        "quorum": quorum,
        "review_arrangements": review_arrangements,
        "review_by": review_by,
        "source": source,
        "publication": publication,
    }
    values = {name: value for name, value in given.items() if value is not UNCHANGED}
    clean: dict[str, Any] = {}
    for name, limit in _TERMS_TEXT.items():
        if name in values:
            clean[name] = check_text(values[name], field=name, where=where, max_length=limit)
    if "minimum_meetings_per_year" in values:
        clean["minimum_meetings_per_year"] = check_count(
            values["minimum_meetings_per_year"],
            field="minimum_meetings_per_year",
            label="minimum meetings a year",
            where=where,
            low=1,
            high=52,
        )
    if "quorum" in values:
        count = check_count(values["quorum"], field="quorum", where=where, low=1, high=500)
        seats = Seat.objects.filter(partnership=partnership, ended_on__isnull=True).count()
        if count is not None and seats and count > seats:
            raise ValidationProblem(
                f"a quorum of {count} is more than the {seats} seats", where=where, field="quorum", code="out_of_range"
            )
        clean["quorum"] = count
    if "review_by" in values:
        clean["review_by"] = check_date(
            values["review_by"], field="review_by", label="review date", where=where, required=False
        )
    if "publication" in values:
        clean["publication"] = check_choice(values["publication"], Publication, field="publication", where=where)
    if "declarations_standing_item" in values:
        clean["declarations_standing_item"] = bool(values["declarations_standing_item"])
    if "secretariat" in values:
        clean["secretariat"] = check_instance(values["secretariat"], Organisation, field="secretariat", where=where)
    with transaction.atomic():
        terms = TermsOfReference.objects.filter(partnership=partnership).first()
        if terms is None:
            terms = TermsOfReference.objects.create(partnership=partnership, **clean)
            changed = sorted(clean)
        else:
            changed = changes_save(terms, clean)
        if changed:
            audit_record(actor=actor, action="governance.terms.save", obj=terms, fields=changed)
    return terms


def _seat_values(*, partnership: Partnership, values: dict[str, Any], where: str) -> dict[str, Any]:
    organisation = check_instance(values["organisation"], Organisation, field="organisation", where=where)
    represents = check_instance(
        values["represents"], Partnership, field="represents", label="the partnership it speaks for", where=where
    )
    if organisation is None and represents is None:
        raise ValidationProblem(
            "a seat needs an organisation or a partnership it speaks for",
            where=where,
            field="organisation",
            code="required",
        )
    if represents is not None and represents.pk == partnership.pk:
        raise ValidationProblem("a partnership cannot hold a seat on itself", where=where, field="represents")
    return {
        "organisation": organisation,
        "represents": represents,
        "position": check_text(values["position"], field="position", where=where, max_length=200),
        "category": check_choice(values["category"], Seat.Category, field="category", where=where),
        "required_by_legislation": bool(values["required_by_legislation"]),
        "nominated_person": check_text(
            values["nominated_person"], field="nominated_person", where=where, max_length=200
        ),
        "source": check_text(values["source"], field="source", where=where, max_length=300),
    }


def seat_create(
    *,
    partnership: Partnership,
    organisation: Organisation | None = None,
    represents: Partnership | None = None,
    position: str = "",
    category: str = Seat.Category.MEMBER,
    required_by_legislation: bool = False,
    nominated_person: str = "",
    source: str = "",
    order: int | None = None,
    actor: Any = None,
) -> Seat:
    """Add a seat (organisation or represented partnership, and position) to the membership."""
    where = f"membership of {partnership.name}"
    clean = _seat_values(
        partnership=partnership,
        values={
            "organisation": organisation,
            "represents": represents,
            "position": position,
            "category": category,
            "required_by_legislation": required_by_legislation,
            "nominated_person": nominated_person,
            "source": source,
        },
        where=where,
    )
    with transaction.atomic():
        place = order or (Seat.objects.filter(partnership=partnership).count() + 1)
        seat = Seat.objects.create(partnership=partnership, order=place, **clean)
        audit_record(actor=actor, action="governance.seat.create", obj=seat, partnership=partnership.slug)
    return seat


def seat_update(
    *,
    seat: Seat,
    organisation: Organisation | Unchanged | None = UNCHANGED,
    represents: Partnership | Unchanged | None = UNCHANGED,
    position: str | Unchanged = UNCHANGED,
    category: str | Unchanged = UNCHANGED,
    required_by_legislation: bool | Unchanged = UNCHANGED,
    nominated_person: str | Unchanged = UNCHANGED,
    source: str | Unchanged = UNCHANGED,
    ended_on: date | Unchanged | None = UNCHANGED,
    actor: Any = None,
) -> Seat:
    """Change a seat; ``ended_on`` removes it from the current membership (history keeps it)."""
    where = f"membership of {seat.partnership.name}, seat {seat.pk}"
    values = merged(
        seat,
        organisation=organisation,
        represents=represents,
        position=position,
        category=category,
        required_by_legislation=required_by_legislation,
        nominated_person=nominated_person,
        source=source,
    )
    clean = _seat_values(partnership=seat.partnership, values=values, where=where)
    if ended_on is not UNCHANGED:
        clean["ended_on"] = check_date(ended_on, field="ended_on", label="end date", where=where, required=False)
    with transaction.atomic():
        changed = changes_save(seat, clean)
        if changed:
            audit_record(actor=actor, action="governance.seat.update", obj=seat, fields=changed)
    return seat
