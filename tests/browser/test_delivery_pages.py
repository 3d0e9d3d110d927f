"""Actions, risks and money pages in a real browser: they render with the GOV.UK styles, forms show
an error summary, and axe-core finds no serious or critical problems."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, PartnershipRoleFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def loaded(essex_partnerships):
    from saferhub.accounts.models import Role
    from saferhub.delivery.essex import delivery_essex_load
    from saferhub.finance.essex import finance_essex_load
    from saferhub.risks.essex import risks_essex_load

    delivery_essex_load()
    risks_essex_load()
    finance_essex_load()
    user = UserFactory(username="officer")
    for slug in ("safer-essex", "ecc-safer-communities", "essex-pcc-commissioning"):
        PartnershipRoleFactory(user=user, partnership=essex_partnerships[slug], role=Role.CONTRIBUTOR)
    return user


def sign_in(page, live_server, user):
    page.goto(live_server.url + "/account/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_action_pages(page, live_server, loaded):
    from saferhub.delivery.models import Action

    sign_in(page, live_server, loaded)
    page.goto(live_server.url + "/actions/?view=overdue")
    expect(page.locator("h1")).to_have_text("Actions", use_inner_text=True)
    expect(page.locator(".govuk-tag--red").first).to_be_visible()
    assert_accessible(page, "actions-overdue")
    action = Action.objects.get(reference="CSA3/3")
    page.goto(live_server.url + f"/actions/{action.pk}/")
    expect(page.locator("h1")).to_contain_text("Implement IDVA contract arrangements", use_inner_text=True)
    assert_accessible(page, "action-detail")
    page.goto(live_server.url + f"/actions/{action.pk}/edit/")
    page.fill("#start_date-day", "1")
    page.fill("#start_date-month", "5")
    page.fill("#start_date-year", "2025")
    page.fill("#due_date-day", "1")
    page.fill("#due_date-month", "4")
    page.fill("#due_date-year", "2025")
    page.get_by_role("button", name="Save action").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text("before the start date", use_inner_text=True)
    assert_accessible(page, "action-edit-error")


def test_adding_an_action(page, live_server, loaded):
    from saferhub.delivery.models import Action

    sign_in(page, live_server, loaded)
    page.goto(live_server.url + "/actions/")
    page.get_by_role("button", name="Add an action").click()
    expect(page.locator("h1")).to_have_text("Which plan is the action part of?", use_inner_text=True)
    assert_accessible(page, "action-add-choose-plan")
    page.locator("input[name=plan]").first.check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Add an action", use_inner_text=True)
    page.fill("#reference", "NEW/1")
    page.fill("#title", "Run a knife crime awareness week in every secondary school")
    page.fill("#due_date-day", "31")
    page.fill("#due_date-month", "3")
    page.fill("#due_date-year", "2027")
    assert_accessible(page, "action-add-form")
    page.get_by_role("button", name="Add action").click()
    expect(page.locator("h1")).to_contain_text("knife crime awareness week", use_inner_text=True)
    assert Action.objects.filter(reference="NEW/1").exists()


def test_risk_pages(page, live_server, loaded):
    sign_in(page, live_server, loaded)
    page.goto(live_server.url + "/risks/")
    expect(page.locator("#heat-before caption")).to_be_visible()
    assert_accessible(page, "risks-overview")
    page.goto(live_server.url + "/risks/registers/ecc-safe-communities-roads/new/")
    page.fill("#reference", "R4")
    page.fill("#event", "Speed cameras are switched off")
    page.select_option("#inherent_impact", "3")
    page.select_option("#inherent_likelihood", "4")
    page.get_by_role("button", name="Save risk").click()
    assert "Very High (12)" in page.content()
    assert_accessible(page, "risk-detail")
    page.goto(live_server.url + "/risks/registers/ecc-safe-communities-roads/")
    assert_accessible(page, "risk-register")


def test_money_pages(page, live_server, loaded):
    sign_in(page, live_server, loaded)
    page.goto(live_server.url + "/finance/")
    assert_accessible(page, "money-overview")
    page.goto(live_server.url + "/finance/budgets/ecc-safe-communities-revenue-2015-16/")
    page.fill("#percent", "120")
    page.get_by_role("button", name="Show scenario").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("120% is not possible", use_inner_text=True)
    assert_accessible(page, "budget-scenario-error")
    page.fill("#percent", "15")
    page.get_by_role("button", name="Show scenario").click()
    expect(page.locator("#budget")).to_contain_text("With 15% reduction", use_inner_text=True)
    assert_accessible(page, "budget-2015-16")
    page.goto(live_server.url + "/finance/funding/")
    assert_accessible(page, "funding-streams")
    page.goto(live_server.url + "/finance/funds/essex-community-safety-fund-2013-14/")
    assert_accessible(page, "community-safety-fund")
