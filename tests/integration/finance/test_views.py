"""Money pages: access, scenarios from the page (any percentage; 120% refused), flags shown,
edits by contributors only with history, exports, query bounds."""

from decimal import Decimal

import pytest

from saferhub.accounts.models import Role
from saferhub.core.models import Publication
from saferhub.finance.models import BudgetLine, BudgetTable, CommissionedService, OutcomeReturn, ReductionScenario

pytestmark = pytest.mark.django_db
BUDGET = "/finance/budgets/ecc-safe-communities-revenue-2015-16/"
FUND = "/finance/funds/essex-community-safety-fund-2013-14/"


@pytest.fixture
def ecc(essex_partnerships):
    return essex_partnerships["ecc-safer-communities"]


def test_anonymous_and_other_partnerships_are_refused(client, essex_loaded, member, signed_in, essex_partnerships):
    service = CommissionedService.objects.first()
    line = BudgetLine.objects.first()
    BudgetTable.objects.update(publication=Publication.MEMBERS)  # Essex publishes its budgets: not here
    assert "/finance/budgets/" not in client.get("/finance/").content.decode()
    urls = (
        BUDGET,
        FUND,
        "/finance/funding/",
        f"/finance/services/{service.pk}/",
        f"/finance/lines/{line.pk}/edit/",
    )
    for url in urls:
        assert client.get(url).status_code == 302
    other = signed_in(member(essex_partnerships["basildon-csp"], Role.ADMINISTRATOR))
    for url in (BUDGET, FUND, f"/finance/services/{service.pk}/", f"/finance/lines/{line.pk}/edit/"):
        assert other.get(url).status_code == 403, url
    assert "Safeguarding" not in other.get("/finance/").content.decode()


def test_the_budget_page_shows_scenarios_and_the_flag(essex_loaded, ecc, member, signed_in):
    client = signed_in(member(ecc, Role.VIEWER))
    page = client.get(BUDGET + "?percent=15").content.decode()
    assert "With 15% reduction" in page and "With 10% reduction" in page and "With 20% reduction" in page
    assert "102.3" in page and "109.6" in page
    assert "Does not add up" in page and "its lines add to 120.5" in page


def test_a_scenario_of_120_percent_on_the_page_is_refused_clearly(essex_loaded, ecc, member, signed_in):
    client = signed_in(member(ecc, Role.CONTRIBUTOR))
    response = client.get(BUDGET + "?percent=120")
    assert response.status_code == 400
    assert "120% is not possible" in response.content.decode() and 'href="#percent"' in response.content.decode()
    response = client.post(BUDGET, {"save_percent": "120"})
    assert response.status_code == 400 and ReductionScenario.objects.count() == 2
    assert client.post(BUDGET, {"save_percent": "15"}).status_code == 302
    assert ReductionScenario.objects.filter(percent=Decimal("15")).exists()


def test_a_viewer_cannot_save_a_scenario(essex_loaded, ecc, member, signed_in):
    assert signed_in(member(ecc, Role.VIEWER)).post(BUDGET, {"save_percent": "15"}).status_code == 403


def test_a_negative_budget_is_refused_from_the_form_and_an_edit_keeps_history(essex_loaded, ecc, member, signed_in):
    line = BudgetLine.objects.get(table__slug="ecc-safe-communities-revenue-2015-16", key="road-safety")
    client = signed_in(member(ecc, Role.CONTRIBUTOR))
    form = {"area_of_spend": "Road Safety", "year": "2015/16", "kind": "revenue", "note": ""}
    response = client.post(f"/finance/lines/{line.pk}/edit/", {**form, "amount": "-2900000"})
    assert response.status_code == 400 and "cannot be negative" in response.content.decode()
    line.refresh_from_db()
    assert line.amount == Decimal("2900000.00")
    assert client.post(f"/finance/lines/{line.pk}/edit/", {**form, "amount": "3000000.00"}).status_code == 302
    line.refresh_from_db()
    assert line.amount == Decimal("3000000.00") and line.history.count() == 2


def test_the_fund_page_shows_both_tables_and_totals(essex_loaded, member, signed_in, essex_partnerships):
    page = signed_in(member(essex_partnerships["essex-pcc-commissioning"], Role.VIEWER)).get(FUND).content.decode()
    for text in (
        "Table 1: Existing service provision",
        "Table 2: Indicative areas for new PCC commissioning",
        "£1,738,000",
        "£790,000",
        "£2,528,000.00",
        "Whole Essex Community Budget Pilot",
    ):
        assert text in page


def test_a_contributor_records_a_quarterly_return(essex_loaded, member, signed_in, essex_partnerships):
    service = CommissionedService.objects.get(key="victims-of-crime")
    client = signed_in(member(essex_partnerships["essex-pcc-commissioning"], Role.CONTRIBUTOR))
    url = f"/finance/services/{service.pk}/"
    assert (
        client.post(url, {"form": "measure", "question": "how_much", "title": "Victims supported"}).status_code == 302
    )
    measure = service.measures.get()
    response = client.post(url, {"form": "return", "measure": measure.pk, "period": "2013-07", "value": "10"})
    assert response.status_code == 400 and "is not a quarter" in response.content.decode()
    assert (
        client.post(url, {"form": "return", "measure": measure.pk, "period": "2013-Q3", "value": "10"}).status_code
        == 302
    )
    assert OutcomeReturn.objects.get().period == "2013-Q3"
    assert "2013-Q3" in client.get(url).content.decode()


def test_pages_use_a_bounded_number_of_queries(
    essex_loaded, ecc, member, signed_in, django_assert_max_num_queries, essex_partnerships
):
    from saferhub.finance.models import BudgetTable
    from saferhub.finance.services import budget_line_create

    user = member(ecc, Role.VIEWER)
    from saferhub.accounts.services import partnership_role_grant

    partnership_role_grant(user=user, partnership=essex_partnerships["safer-essex"], role=Role.VIEWER)
    partnership_role_grant(user=user, partnership=essex_partnerships["essex-pcc-commissioning"], role=Role.VIEWER)
    client = signed_in(user)
    urls = ("/finance/", BUDGET, BUDGET + "?format=xlsx", "/finance/funding/", FUND)
    baseline = {}
    for url in urls:
        with django_assert_max_num_queries(30) as few:
            assert client.get(url).status_code == 200
        baseline[url] = len(few.captured_queries)
    table = BudgetTable.objects.get(slug="ecc-safe-communities-revenue-2015-16")
    for i in range(20):
        budget_line_create(
            table=table, key=f"extra-{i}", area_of_spend=f"Extra {i}", year="2015/16", kind="revenue", amount="1000"
        )
    for url in urls:
        with django_assert_max_num_queries(baseline[url]):
            assert client.get(url).status_code == 200


def test_exports(essex_loaded, ecc, member, signed_in):
    client = signed_in(member(ecc, Role.VIEWER))
    body = client.get(BUDGET + "?percent=12.5&format=csv").content.decode("utf-8-sig")
    assert "With 12.5% reduction (£m)" in body and "Does not add up" in body
    assert client.get(BUDGET + "?format=xlsx")["Content-Disposition"].endswith('.xlsx"')
