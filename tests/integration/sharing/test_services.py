"""Agreement and dataset writes: every bad input is refused naming the field, nothing half-written."""

from datetime import date

import pytest

from saferhub.core.errors import ValidationProblem
from saferhub.sharing.models import Agreement, AgreementReview, ReadAudit
from saferhub.sharing.services import Read, agreement_review_record, agreement_terms, read_audit_record

pytestmark = pytest.mark.django_db

GOOD = {"title": "A", "purpose": "B", "legal_bases": ["cda_s115"], "status": "in_force", "review_date": "2030-01-01"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "  "}, "title"),
        ({"purpose": ""}, "purpose"),
        ({"legal_bases": []}, "legal_bases"),
        ({"legal_bases": ["s115"]}, "legal_bases"),
        ({"legal_bases": ["other"]}, "legal_basis_other"),
        ({"status": "active"}, "status"),
        ({"review_date": ""}, "review_date"),
        ({"review_date": "1 Jan"}, "review_date"),
        ({"retention_months": "two years"}, "retention_months"),
        ({"retention_months": 0}, "retention_months"),
    ],
)
def test_bad_terms_are_refused_on_their_field(change, field):
    with pytest.raises(ValidationProblem) as exc:
        agreement_terms(**{**GOOD, **change})
    assert exc.value.field == field


def test_a_draft_may_wait_for_its_legal_basis_and_review_date():
    terms = agreement_terms(title="Draft", purpose="Trial", legal_bases=[], status="draft")
    assert terms.legal_bases == [] and terms.review_date is None


def test_a_review_moves_the_review_date_and_keeps_history(protocol):
    agreement_review_record(
        actor=None,
        agreement=protocol,
        reviewed_on=date(2026, 3, 1),
        reviewer_role="Information governance lead, Essex Police",
        next_review_date=date(2027, 3, 1),
    )
    protocol.refresh_from_db()
    assert protocol.review_date == date(2027, 3, 1)
    assert protocol.history.count() == 2  # created, then the review date moved


def test_a_review_whose_next_date_is_not_after_it_is_refused_and_nothing_changes(protocol):
    with pytest.raises(ValidationProblem) as exc:
        agreement_review_record(
            actor=None,
            agreement=protocol,
            reviewed_on=date(2026, 3, 1),
            reviewer_role="Lead",
            next_review_date=date(2026, 3, 1),
        )
    assert exc.value.field == "next_review_date"
    protocol.refresh_from_db()
    assert protocol.review_date == date(2020, 1, 1)
    assert not AgreementReview.objects.exists()


def test_reads_are_written_in_one_statement(protocol, uploads, django_assert_num_queries):
    reads = [Read(dataset=uploads, agreement=protocol, what=f"page {n}", areas=("E07000066",)) for n in range(50)]
    with django_assert_num_queries(1):
        written = read_audit_record(user=None, reads=reads)
    assert written == 50 == ReadAudit.objects.filter(agreement=protocol, dataset=uploads).count()


def test_the_overdue_flag_only_applies_in_force(protocol):
    assert protocol.review_overdue(date(2021, 1, 1))
    protocol.status = Agreement.Status.WITHDRAWN
    assert not protocol.review_overdue(date(2021, 1, 1))
