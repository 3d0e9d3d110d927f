"""The framework pages in a real browser with the Essex configuration: they render, their assets
load, the forms show GOV.UK error summaries, and axe-core finds no serious or critical problems."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def essex(essex_partnerships):
    from saferhub.framework.services import framework_essex_load

    framework_essex_load()
    return essex_partnerships


def _visit(page, url):
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(url)
    return failed


def test_frameworks_framework_and_catalogue_pages(page, live_server, essex):
    failed = _visit(page, live_server.url + "/frameworks/")
    expect(page.locator("h1")).to_have_text("Outcomes frameworks", use_inner_text=True)
    expect(page.locator("table.govuk-table tbody tr")).to_have_count(5)
    assert failed == []
    assert_accessible(page, "framework-list")

    page.get_by_role("link", name="People in Essex live in safe communities and are protected from harm").click()
    expect(page.locator("h1")).to_have_text(
        "People in Essex live in safe communities and are protected from harm", use_inner_text=True
    )
    expect(page.get_by_role("link", name="Number of children in care")).to_be_visible()
    page.locator("summary", has_text="Key partners and our relationship with them").first.click()
    expect(page.get_by_text("Responsible for pre-sentencing reports on perpetrators of abuse")).to_be_visible()
    assert_accessible(page, "framework-ecc-commissioning-strategy")

    _visit(page, live_server.url + "/indicators/")
    page.get_by_label("Framework").select_option("safer-essex-indicators-2008-09")
    page.get_by_role("button", name="Filter indicators").click()
    expect(page).to_have_url(re.compile("framework=safer-essex-indicators-2008-09"))
    from saferhub.framework.models import IndicatorMembership

    listed = IndicatorMembership.objects.filter(framework__slug="safer-essex-indicators-2008-09").count()
    expect(page.locator("table.govuk-table tbody tr")).to_have_count(listed)
    assert_accessible(page, "framework-indicator-catalogue")


def test_indicator_page_with_values_for_another_area(page, live_server, essex):
    failed = _visit(page, live_server.url + "/indicators/feel-safe-after-dark/")
    expect(page.locator("h1")).to_have_text(
        "Percentage of residents who feel safe outside after dark", use_inner_text=True
    )
    expect(page.locator("#values")).to_have_text("Values for Essex", use_inner_text=True)
    assert failed == []
    assert_accessible(page, "framework-indicator-feel-safe")
    page.get_by_label("Area").select_option("E07000073")
    page.get_by_role("button", name="Show this area").click()
    expect(page.locator("#values")).to_have_text("Values for Harlow", use_inner_text=True)
    expect(page.get_by_role("cell", name="37%", exact=True)).to_be_visible()


def test_a_lead_edits_the_story_and_adds_a_target(page, live_server, essex):
    from saferhub.accounts.models import Role
    from tests.factories import PartnershipRoleFactory

    lead = PartnershipRoleFactory(partnership=essex["ecc-safer-communities"], role=Role.CONTRIBUTOR).user
    _visit(page, live_server.url + "/account/sign-in/?next=/indicators/road-ksi/")
    page.get_by_label("Username").fill(lead.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text(
        "People killed or seriously injured in road traffic collisions", use_inner_text=True
    )

    page.get_by_role("link", name="Edit the story").click()
    page.get_by_label("The story behind the baseline").fill("")
    page.get_by_role("button", name="Save the story").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, "framework-story-edit-error")
    page.get_by_label("The story behind the baseline").fill("KSI fell again in 2014.")
    page.get_by_role("button", name="Save the story").click()
    expect(page.get_by_text("The story behind the baseline has been saved.")).to_be_visible()

    page.get_by_role("link", name="Add a target").click()
    page.get_by_label("The target in the plan's own words").fill("550 in 2016")
    page.get_by_label("Value (optional)").fill("five hundred")
    page.get_by_role("button", name="Save the target").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, "framework-target-form-error")
    page.get_by_label("Value (optional)").fill("550")
    page.get_by_role("button", name="Save the target").click()
    expect(page.get_by_text("The target has been saved.")).to_be_visible()
    expect(page.get_by_role("cell", name="“550 in 2016”", exact=True)).to_be_visible()
    assert_accessible(page, "framework-indicator-road-ksi-after-edit")
