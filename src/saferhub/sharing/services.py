"""Writes for information sharing: datasets, agreements and their reviews, and read audits.

Every argument is checked before anything is written; a refusal is a ``ValidationProblem`` naming
the field. Read audits are written in one ``bulk_create`` per request or export.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from saferhub.accounts.models import Organisation, Partnership
from saferhub.core.audit import audit_record
from saferhub.core.checks import check_choice, check_count, check_date, check_text
from saferhub.core.errors import ValidationProblem
from saferhub.sharing.models import (
    Agreement,
    AgreementReview,
    Classification,
    Dataset,
    Disclosure,
    LegalBasis,
    ReadAudit,
)


def dataset_upsert(
    *,
    slug: str,
    name: str,
    owner: Organisation,
    classification: str = Classification.OFFICIAL,
    disclosure: str = Disclosure.PARTNERSHIP,
    source: str = "",
    description: str = "",
    where: str | None = None,
) -> Dataset:
    name = check_text(name, field="name", label="The dataset name", max_length=200, required=True, where=where)
    classification = check_choice(classification, Classification, field="classification", where=where)
    disclosure = check_choice(disclosure, Disclosure, field="disclosure", where=where)
    dataset, _ = Dataset.objects.update_or_create(
        slug=slug,
        defaults={
            "name": name,
            "owner": owner,
            "classification": classification,
            "disclosure": disclosure,
            "source": check_text(source, field="source", max_length=64, where=where),
            "description": check_text(description, field="description", where=where),
        },
    )
    return dataset


@dataclass(frozen=True)
class AgreementTerms:
    """The checked terms of an agreement, ready to write."""

    title: str
    purpose: str
    legal_bases: list[str]
    legal_basis_other: str
    permitted_uses: str
    retention_months: int | None
    review_date: date | None
    signatories: str
    status: str


def agreement_terms(
    *,
    title: Any,
    purpose: Any,
    legal_bases: Sequence[str],
    legal_basis_other: Any = "",
    permitted_uses: Any = "",
    retention_months: Any = None,
    review_date: Any = None,
    signatories: Any = "",
    status: Any = Agreement.Status.DRAFT,
    where: str | None = None,
) -> AgreementTerms:
    """Check an agreement's terms; raise ``ValidationProblem`` naming the field."""
    title = check_text(title, field="title", label="The title", max_length=300, required=True, where=where)
    purpose = check_text(purpose, field="purpose", label="The purpose", required=True, where=where)
    bases = [
        check_choice(b, LegalBasis, field="legal_bases", label="The legal basis", where=where) for b in legal_bases
    ]
    status = check_choice(status, Agreement.Status, field="status", label="The status", where=where)
    if not bases and status == Agreement.Status.IN_FORCE:
        raise ValidationProblem(
            "An agreement in force needs at least one legal basis for sharing",
            where=where,
            field="legal_bases",
            code="required",
        )
    other = check_text(legal_basis_other, field="legal_basis_other", where=where)
    if LegalBasis.OTHER in bases and not other:
        raise ValidationProblem(
            "Describe the other legal basis", where=where, field="legal_basis_other", code="required"
        )
    review = check_date(review_date, field="review_date", label="The review date", required=False, where=where)
    if status == Agreement.Status.IN_FORCE and review is None:
        raise ValidationProblem(
            "An agreement in force needs a review date", where=where, field="review_date", code="required"
        )
    if isinstance(retention_months, str):
        text = retention_months.strip()
        if text and not text.isdigit():
            raise ValidationProblem(
                f"The retention period must be a whole number of months, not {text!r}",
                where=where,
                field="retention_months",
            )
        retention_months = int(text) if text else None
    return AgreementTerms(
        title=title,
        purpose=purpose,
        legal_bases=sorted(set(bases), key=bases.index),
        legal_basis_other=other,
        permitted_uses=check_text(permitted_uses, field="permitted_uses", where=where),
        retention_months=check_count(
            retention_months, field="retention_months", low=1, high=1200, label="The retention period", where=where
        ),
        review_date=review,
        signatories=check_text(signatories, field="signatories", where=where),
        status=status,
    )


def _set_parties(
    agreement: Agreement,
    organisations: Iterable[Organisation],
    partnerships: Iterable[Partnership],
    datasets: Iterable[Dataset],
) -> None:
    agreement.party_organisations.set(list(organisations))
    agreement.party_partnerships.set(list(partnerships))
    agreement.datasets.set(list(datasets))


@transaction.atomic
def agreement_create(
    *,
    actor: Any,
    partnership: Partnership,
    slug: str,
    terms: AgreementTerms,
    organisations: Iterable[Organisation] = (),
    partnerships: Iterable[Partnership] = (),
    datasets: Iterable[Dataset] = (),
    source: str = "",
) -> Agreement:
    if Agreement.objects.filter(slug=slug).exists():
        raise ValidationProblem(f"An agreement called {slug!r} already exists", field="title", code="duplicate")
    agreement = Agreement.objects.create(partnership=partnership, slug=slug, source=source, **terms.__dict__)
    _set_parties(agreement, organisations, partnerships, datasets)
    audit_record(actor=actor, action="sharing.agreement.create", obj=agreement)
    return agreement


@transaction.atomic
def agreement_update(
    *,
    actor: Any,
    agreement: Agreement,
    terms: AgreementTerms,
    organisations: Iterable[Organisation],
    partnerships: Iterable[Partnership],
    datasets: Iterable[Dataset],
) -> Agreement:
    for key, value in terms.__dict__.items():
        setattr(agreement, key, value)
    agreement.save()
    _set_parties(agreement, organisations, partnerships, datasets)
    audit_record(actor=actor, action="sharing.agreement.update", obj=agreement)
    return agreement


@transaction.atomic
def agreement_review_record(
    *,
    actor: Any,
    agreement: Agreement,
    reviewed_on: Any,
    reviewer_role: Any,
    next_review_date: Any,
    notes: Any = "",
) -> AgreementReview:
    """Record a review; the agreement's review date becomes the next one."""
    on = check_date(reviewed_on, field="reviewed_on", label="The date of the review")
    nxt = check_date(next_review_date, field="next_review_date", label="The next review date")
    assert on is not None and nxt is not None
    if nxt <= on:
        raise ValidationProblem(
            "The next review date must be after the date of the review", field="next_review_date", code="order"
        )
    role = check_text(reviewer_role, field="reviewer_role", label="The reviewer's role", max_length=200, required=True)
    review = AgreementReview.objects.create(
        agreement=agreement,
        reviewed_on=on,
        reviewer_role=role,
        notes=check_text(notes, field="notes"),
        next_review_date=nxt,
    )
    agreement.review_date = nxt
    agreement.save(update_fields=["review_date", "updated_at"])
    audit_record(actor=actor, action="sharing.agreement.review", obj=agreement, reviewed_on=on.isoformat())
    return review


@dataclass(frozen=True)
class Read:
    """One read to audit: which dataset, under which agreement (None for public aggregates)."""

    dataset: Dataset
    agreement: Agreement | None
    what: str
    channel: str = ReadAudit.Channel.PAGE
    areas: tuple[str, ...] = ()
    periods: str = ""
    records: int | None = None


def read_audit_record(*, user: Any, reads: Iterable[Read]) -> int:
    """Write one audit row per read, in one statement. Returns how many were written."""
    who = user if getattr(user, "is_authenticated", False) else None
    rows = [
        ReadAudit(
            user=who,
            dataset=r.dataset,
            agreement=r.agreement,
            channel=r.channel,
            what=r.what[:300],
            areas=list(r.areas),
            periods=r.periods[:100],
            records=r.records,
        )
        for r in reads
    ]
    ReadAudit.objects.bulk_create(rows)
    return len(rows)
