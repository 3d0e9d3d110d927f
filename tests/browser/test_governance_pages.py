"""Governance pages in a real browser: the structure, Safer Essex, the meeting of 1 July 2008, its
minutes, the forward plan and a form with an error. Screenshots are saved and axe-core finds no
serious or critical problems."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in(page, live_server, essex_partnerships):
    from saferhub.governance.essex import governance_essex_load

    governance_essex_load()
    UserFactory(username="secretariat", is_superuser=True)
    page.goto(live_server.url + "/account/sign-in/")
    page.get_by_label("Username").fill("secretariat")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def _meeting_url(live_server, day: date) -> str:
    from saferhub.governance.models import Meeting

    meeting = Meeting.objects.get(partnership__slug="safer-essex", date=day)
    return f"{live_server.url}/governance/meetings/{meeting.pk}/"


def test_the_governance_structure(signed_in, live_server):
    page = signed_in
    page.goto(live_server.url + "/governance/")
    expect(page.locator("h1")).to_have_text("Governance", use_inner_text=True)
    diagram = page.locator("figure svg[role=img]")
    expect(diagram).to_be_visible()
    expect(diagram).to_have_attribute("aria-label", re.compile("partnerships"))
    structure = page.locator(".saferhub-structure")
    expect(structure.get_by_role("link", name="Safer Essex", exact=True)).to_be_visible()
    # The children's partnership board sits under the health and wellbeing board.
    board = structure.locator("li", has_text="Essex Health and Wellbeing Board").first
    expect(board).to_contain_text("Essex Children and Young People's Partnership Board", use_inner_text=True)
    assert page.get_by_role("link", name="Governance").first.get_attribute("aria-current") == "page"
    assert_accessible(page, "governance-structure")


def test_the_safer_essex_page(signed_in, live_server):
    page = signed_in
    page.goto(live_server.url + "/governance/safer-essex/")
    expect(page.locator("h1")).to_have_text("Safer Essex", use_inner_text=True)
    expect(page.get_by_text("At least 4 a year (counted April to March)")).to_be_visible()
    assert page.locator("#flags li").count() >= 1
    assert page.get_by_role("table").filter(has_text="Basildon Community Safety Partnership").count() >= 1
    assert_accessible(page, "governance-partnership")


def test_the_meeting_of_1_july_2008(signed_in, live_server):
    page = signed_in
    page.goto(_meeting_url(live_server, date(2008, 7, 1)))
    expect(page.locator("h1")).to_have_text(re.compile(r"^\s*Meeting of 1 July 2008"), use_inner_text=True)
    expect(page.get_by_role("heading", name="6. Community Safety Agreement")).to_be_visible()
    page.get_by_text("How the owner was identified").first.click()
    expect(page.get_by_text("The secretariat (Essex County Council CDRU, terms of reference)").first).to_be_visible()
    assert_accessible(page, "governance-meeting")


def test_the_minutes_page(signed_in, live_server):
    page = signed_in
    page.goto(_meeting_url(live_server, date(2008, 7, 1)) + "minutes/")
    expect(page.locator("h1")).to_have_text(
        re.compile(r"Minutes of the meeting of 1 July 2008\s*$"), use_inner_text=True
    )
    expect(page.get_by_role("link", name="Download the minutes as a PDF")).to_be_visible()
    assert_accessible(page, "governance-minutes")


def test_the_next_meeting_lists_matters_arising_and_the_forward_plan(signed_in, live_server):
    page = signed_in
    page.goto(_meeting_url(live_server, date(2008, 10, 2)))
    expect(page.get_by_text("Open actions from earlier meetings (14)")).to_be_visible()
    expect(page.get_by_role("heading", name="Planned for this meeting in the forward plan")).to_be_visible()
    assert_accessible(page, "governance-next-meeting")
    page.goto(live_server.url + "/governance/safer-essex/forward-plan/")
    expect(page.get_by_role("cell", name="Alcohol Strategy", exact=False).first).to_be_visible()
    assert_accessible(page, "governance-forward-plan")


def test_a_form_with_an_error(signed_in, live_server):
    page = signed_in
    page.goto(_meeting_url(live_server, date(2008, 7, 1)))
    page.get_by_role("link", name="Record an action agreed at item 3").click()
    page.get_by_label("Action agreed").fill("Report progress to the next meeting")
    page.get_by_label("Owner's organisation").select_option(label="Essex County Council")
    page.get_by_label("Owner's role").fill("Head of Crime and Disorder Reduction Unit")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2009")
    page.get_by_role("button", name="Record action agreed").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    expect(summary).to_contain_text("Enter a real date", use_inner_text=True)
    assert_accessible(page, "governance-form-error")
    page.get_by_label("Day").fill("28")
    page.get_by_role("button", name="Record action agreed").click()
    banner = page.locator(".govuk-notification-banner")
    banner.wait_for()
    expect(banner).to_contain_text("added to the action tracker as 2008-07-01 3.3", use_inner_text=True)
