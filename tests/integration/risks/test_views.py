"""Risk pages: access, heat maps as labelled tables, overdue flags, forms, exports, query bounds."""

from datetime import timedelta

import pytest
from django.utils import timezone

from saferhub.accounts.models import Role
from saferhub.risks.models import Risk, RiskRegister
from saferhub.risks.services import risk_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(essex_partnerships):
    return RiskRegister.objects.create(slug="reg", title="Road risks", partnership=essex_partnerships["safer-essex"])


@pytest.fixture
def late_risk(register):
    return risk_create(
        register=register,
        reference="R9",
        event="Casualties rise",
        inherent_impact=4,
        inherent_likelihood=3,
        next_review_date=timezone.localdate() - timedelta(days=1),
    )


def test_anonymous_and_other_partnerships_are_refused(client, late_risk, member, signed_in, essex_partnerships):
    for url in ("/risks/registers/reg/", f"/risks/{late_risk.pk}/"):
        assert client.get(url).status_code == 302
    overview = client.get("/risks/")  # open, listing only published registers
    assert overview.status_code == 200 and "Casualties rise" not in overview.content.decode()
    other = signed_in(member(essex_partnerships["basildon-csp"], Role.ADMINISTRATOR))
    assert other.get("/risks/registers/reg/").status_code == 403
    assert other.get(f"/risks/{late_risk.pk}/").status_code == 403
    assert other.get("/risks/registers/reg/new/").status_code == 403
    assert "Casualties rise" not in other.get("/risks/").content.decode()


def test_the_overview_flags_the_overdue_review_and_escalation(late_risk, register, member, signed_in):
    page = signed_in(member(register.partnership, Role.VIEWER)).get("/risks/").content.decode()
    overdue_section = page.split("Reviews overdue")[1].split("Escalated")[0]
    assert "R9" in overdue_section and "Review overdue" in overdue_section
    assert "Escalate" in page  # 12 ≥ the default escalation score of 12
    assert 'id="heat-before"' in page and "Likelihood 3" in page and "Very High (12)" in page


def test_a_viewer_cannot_add_a_risk_and_a_contributor_gets_a_clear_error_for_likelihood_5(register, member, signed_in):
    assert signed_in(member(register.partnership, Role.VIEWER)).post("/risks/registers/reg/new/", {}).status_code == 403
    client = signed_in(member(register.partnership, Role.CONTRIBUTOR))
    response = client.post(
        "/risks/registers/reg/new/",
        {"reference": "R1", "event": "Something", "inherent_impact": "2", "inherent_likelihood": "5"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert (
        "govuk-error-summary" in page
        and 'href="#inherent_likelihood"' in page
        and "likelihood before controls 5" in page
    )
    assert Risk.objects.count() == 0
    response = client.post(
        "/risks/registers/reg/new/",
        {
            "reference": "R1",
            "event": "Something",
            "inherent_impact": "2",
            "inherent_likelihood": "4",
            "approach": "treat",
        },
    )
    assert response.status_code == 302
    assert str(Risk.objects.get().inherent_rating) == "High (8)"


def test_a_contributor_records_a_review(late_risk, register, member, signed_in):
    client = signed_in(member(register.partnership, Role.CONTRIBUTOR))
    today = timezone.localdate()
    response = client.post(
        f"/risks/{late_risk.pk}/review/",
        {
            "reviewed_on-day": today.day,
            "reviewed_on-month": today.month,
            "reviewed_on-year": today.year,
            "note": "Controls working",
            "controlled_impact": "2",
            "controlled_likelihood": "2",
            "next_review_date-day": "1",
            "next_review_date-month": "1",
            "next_review_date-year": str(today.year + 1),
        },
    )
    assert response.status_code == 302
    late_risk.refresh_from_db()
    assert not late_risk.review_overdue(today)


def test_lists_use_a_bounded_number_of_queries(register, member, signed_in, django_assert_max_num_queries):
    client = signed_in(member(register.partnership, Role.VIEWER))
    urls = ("/risks/", "/risks/registers/reg/", "/risks/?format=csv")
    for i in range(2):
        risk_create(register=register, reference=f"R{i}", event="e", inherent_impact=2, inherent_likelihood=2)
    baseline = {}
    for url in urls:
        with django_assert_max_num_queries(15) as few:
            client.get(url)
        baseline[url] = len(few.captured_queries)
    for i in range(2, 25):
        risk_create(register=register, reference=f"R{i}", event="e", inherent_impact=2, inherent_likelihood=2)
    for url in urls:
        with django_assert_max_num_queries(baseline[url]):
            assert client.get(url).status_code == 200


def test_exports_escape_formulas(register, member, signed_in):
    risk_create(register=register, reference="R1", event="@SUM(A1)")
    body = signed_in(member(register.partnership, Role.VIEWER)).get("/risks/?format=csv").content.decode("utf-8-sig")
    assert "'@SUM(A1)" in body
