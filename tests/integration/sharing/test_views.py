"""Sharing pages: who may read and change agreements, and who sees who read a dataset."""

import pytest

from saferhub.accounts.models import Role
from saferhub.sharing.models import Agreement, AgreementReview, ReadAudit
from saferhub.sharing.services import Read, read_audit_record

pytestmark = pytest.mark.django_db

PAGES = (
    "/sharing/",
    "/sharing/agreements/test-protocol/",
    "/sharing/datasets/",
    "/sharing/datasets/uploads/reads/",
)
WRITES = (
    "/sharing/new/safer-essex/",
    "/sharing/agreements/test-protocol/edit/",
    "/sharing/agreements/test-protocol/review/",
)
FORM = {
    "title": "Domestic abuse data",
    "purpose": "Needs assessment",
    "legal_bases": ["cda_s115", "gdpr_10"],
    "status": "in_force",
    "review_date-day": "1",
    "review_date-month": "4",
    "review_date-year": "2030",
    "retention_months": "36",
    "signatories": "Head of community safety, Essex County Council",
}


def test_signed_out_people_are_sent_to_sign_in_and_write_nothing(client, protocol):
    for url in PAGES + WRITES:
        assert client.get(url).status_code == 302, url
        assert client.post(url, FORM).status_code == 302, url
    assert Agreement.objects.count() == 1 and not AgreementReview.objects.exists()


def test_another_partnership_cannot_see_or_change_the_agreement(protocol, member, signed_in, essex_partnerships):
    client = signed_in(member(essex_partnerships["basildon-csp"], Role.ADMINISTRATOR))
    assert "Test protocol" not in client.get("/sharing/").content.decode()
    assert client.get("/sharing/agreements/test-protocol/").status_code == 404
    assert client.post("/sharing/agreements/test-protocol/edit/", FORM).status_code == 404
    assert client.post("/sharing/agreements/test-protocol/review/", {}).status_code == 404
    assert client.post("/sharing/new/safer-essex/", FORM).status_code == 403
    assert client.get("/sharing/datasets/uploads/reads/").status_code == 403
    protocol.refresh_from_db()
    assert protocol.title == "Test protocol" and Agreement.objects.count() == 1


@pytest.mark.parametrize("role", [Role.PROVIDER, Role.VIEWER, Role.CONTRIBUTOR, Role.ANALYST])
def test_only_an_administrator_of_the_keeping_partnership_writes(role, protocol, member, signed_in, essex_partnerships):
    client = signed_in(member(essex_partnerships["safer-essex"], role))
    # a provider is not told the agreement exists; members are told they lack the role
    hidden = 404 if role == Role.PROVIDER else 403
    assert client.post(WRITES[0], FORM).status_code == 403
    for url in WRITES[1:]:
        assert client.post(url, FORM).status_code == hidden, url
    protocol.refresh_from_db()
    assert protocol.title == "Test protocol" and Agreement.objects.count() == 1
    assert not AgreementReview.objects.exists()


def test_a_viewer_reads_the_agreement_and_its_overdue_review(protocol, member, signed_in, essex_partnerships):
    client = signed_in(member(essex_partnerships["safer-essex"], Role.VIEWER))
    page = client.get("/sharing/agreements/test-protocol/").content.decode()
    assert "Crime and Disorder Act 1998, section 115" in page
    assert "The review of this agreement was due on 1 January 2020" in page
    assert "Change this agreement" not in page and "cda_s115" not in page
    assert "Overdue" in client.get("/sharing/").content.decode()


def test_an_administrator_creates_an_agreement(member, signed_in, essex_partnerships, uploads):
    client = signed_in(member(essex_partnerships["safer-essex"], Role.ADMINISTRATOR))
    response = client.post("/sharing/new/safer-essex/", {**FORM, "datasets": [str(uploads.pk)]})
    assert response.status_code == 302
    made = Agreement.objects.get(slug="domestic-abuse-data")
    assert made.legal_bases == ["cda_s115", "gdpr_10"] and made.retention_months == 36
    assert list(made.datasets.all()) == [uploads] and made.partnership.slug == "safer-essex"


def test_a_bad_form_shows_the_error_beside_the_field_and_writes_nothing(member, signed_in, essex_partnerships):
    client = signed_in(member(essex_partnerships["safer-essex"], Role.ADMINISTRATOR))
    response = client.post("/sharing/new/safer-essex/", {**FORM, "legal_bases": [], "retention_months": "lots"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in page and 'href="#legal_bases"' in page
    assert "An agreement in force needs at least one legal basis" in page
    assert not Agreement.objects.exists()


def test_an_administrator_records_a_review(protocol, member, signed_in, essex_partnerships):
    client = signed_in(member(essex_partnerships["safer-essex"], Role.ADMINISTRATOR))
    data = {
        "reviewed_on-day": "2",
        "reviewed_on-month": "3",
        "reviewed_on-year": "2026",
        "next_review_date-day": "2",
        "next_review_date-month": "3",
        "next_review_date-year": "2027",
        "reviewer_role": "Information governance lead",
    }
    assert client.post("/sharing/agreements/test-protocol/review/", data).status_code == 302
    protocol.refresh_from_db()
    assert protocol.review_date.isoformat() == "2027-03-02"
    missing = client.post("/sharing/agreements/test-protocol/review/", {**data, "reviewer_role": ""})
    assert missing.status_code == 400 and "reviewer" in missing.content.decode().lower()
    assert AgreementReview.objects.count() == 1


def test_the_data_owner_sees_who_read_their_data(protocol, uploads, police, member, signed_in, essex_partnerships):
    reader = member(essex_partnerships["safer-essex"], Role.VIEWER)
    read_audit_record(
        user=reader,
        reads=[
            Read(dataset=uploads, agreement=protocol, what="Incident list", channel=ReadAudit.Channel.PAGE),
            Read(dataset=uploads, agreement=protocol, what="Incident export", channel=ReadAudit.Channel.EXPORT),
        ],
    )
    owner = member(essex_partnerships["safer-essex"], Role.ANALYST)
    owner.organisation = police
    owner.save()
    client = signed_in(owner)
    page = client.get("/sharing/datasets/uploads/reads/").content.decode()
    assert reader.username in page and "Incident list" in page and "Test protocol" in page
    exports = client.get("/sharing/datasets/uploads/reads/?exports=1").content.decode()
    assert "Incident export" in exports and "Incident list" not in exports


def test_the_partnership_page_shows_the_overdue_review(protocol, member, signed_in, essex_partnerships):
    client = signed_in(member(essex_partnerships["safer-essex"], Role.VIEWER))
    page = client.get("/governance/safer-essex/").content.decode()
    assert 'id="sharing-overdue"' in page and "Test protocol" in page and "due 1 January 2020" in page
    other = client.get("/governance/basildon-csp/")
    assert other.status_code == 403
