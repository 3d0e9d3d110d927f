"""Money actually spent in a real browser: a contributor enters a quarter (error summary first, then
a reason the threshold asks for), a provider makes its return, and the fund page shows cost per
outcome; axe-core finds no serious or critical problems on any of them."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD
from tests.integration.finance.money_world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def money(transactional_db):
    return build_world()


def sign_in(page, live_server, user):
    page.context.clear_cookies()
    page.goto(live_server.url + "/account/sign-in/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_contributor_enters_a_quarter(page, live_server, money):
    roads = money["lines"]["roads"].pk
    sign_in(page, live_server, money["people"]["contributor"])
    page.goto(live_server.url + "/finance/budgets/alpha-revenue-2015-16/monitoring/")
    expect(page.locator("h1")).to_have_text("Monitoring: Alpha revenue 2015/16", use_inner_text=True)
    assert "No actuals recorded yet" in page.content()
    assert_accessible(page, "money-budget-monitoring-empty")
    page.get_by_role("link", name="Q1 2015/16 (April to June 2015)").click()
    page.fill(f"#actual-{roads}", "-12500")
    page.fill(f"#forecast_outturn-{roads}", "60000")
    page.get_by_role("button", name="Save figures").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("cannot be negative", use_inner_text=True)
    assert_accessible(page, "money-quarter-errors")
    page.fill(f"#actual-{roads}", "12500")
    page.get_by_role("button", name="Save figures").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "give a reason, as the line is £10,000.00 over budget", use_inner_text=True
    )
    page.locator(".govuk-error-summary a").first.click()
    page.fill(f"#reason-{roads}", "Speed cameras repaired early")
    page.get_by_role("button", name="Save figures").click()
    expect(page.locator("h1")).to_have_text("Monitoring: Alpha revenue 2015/16", use_inner_text=True)
    assert "Speed cameras repaired early" in page.content() and "£10,000.00 over budget" in page.content()
    assert_accessible(page, "money-budget-monitoring")
    page.goto(live_server.url + "/finance/monitoring/?partnership=alpha-csp&year=2015/16")
    assert "Lines over the threshold" in page.content()
    assert_accessible(page, "money-monitoring-summary")


def test_a_provider_makes_its_return_and_the_fund_shows_cost_per_outcome(page, live_server, money):
    m = money["measures"]
    sign_in(page, live_server, money["people"]["provider_x"])
    page.goto(live_server.url + "/finance/returns/")
    assert "Victim advocacy" in page.content() and "Youth outreach" not in page.content()
    assert_accessible(page, "money-provider-services")
    page.get_by_role("link", name="Victim advocacy").click()
    page.get_by_role("link", name="Make the return for Q1 2015/16 (April to June 2015)").click()
    page.fill("#cost", "24000")
    page.fill(f"#value-{m['x_supported'].pk}", "120")
    page.fill(f"#value-{m['x_safer'].pk}", "none")
    page.get_by_role("button", name="Make the return").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("is not a number", use_inner_text=True)
    assert_accessible(page, "money-provider-return-errors")
    page.fill(f"#value-{m['x_safer'].pk}", "80")
    page.get_by_role("button", name="Make the return").click()
    assert "300.00" in page.content()  # 24,000 / 80
    assert_accessible(page, "money-provider-returns")
    sign_in(page, live_server, money["people"]["viewer"])
    page.goto(live_server.url + "/finance/funds/alpha-fund-2015-16/")
    assert "Cost per outcome" in page.content() and "Returns overdue" in page.content()
    assert_accessible(page, "money-fund-returns")
