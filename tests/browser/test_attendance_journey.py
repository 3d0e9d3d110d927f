"""The partnership officer's journey in a real browser: from the start page to the attendance of a
meeting with 28 members, 24 of them present (one by a substitute), 3 apologies and 1 absent, saved at
once. Every click and keystroke after signing in is counted: the issue asks for 30 or fewer. The
page is screenshotted and checked with axe-core, and its error state and keyboard path too."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from saferhub.accounts.models import Role
from saferhub.governance.models import Attendance, Meeting
from tests.browser.conftest import assert_accessible, screenshot
from tests.factories import (
    PASSWORD,
    MeetingFactory,
    OrganisationFactory,
    PartnershipFactory,
    PartnershipRoleFactory,
    SeatFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEMBERS = 28
APOLOGIES = (3, 9, 17)  # seats (by number) that sent apologies
ABSENT = (22,)
SUBSTITUTE = 12  # a deputy came in the member's place: present for the body


class Counter:
    """Clicks and keystrokes made on the page, one by one."""

    def __init__(self, page) -> None:
        self.page = page
        self.clicks = 0
        self.keys = 0

    def click(self, locator) -> None:
        locator.click()
        self.clicks += 1

    def type(self, locator, text: str) -> None:
        locator.focus()  # the field is focused by the click that revealed it; focusing again costs nothing
        self.page.keyboard.type(text)
        self.keys += len(text)

    @property
    def total(self) -> int:
        return self.clicks + self.keys


@pytest.fixture
def officer(page, live_server):
    board = PartnershipFactory(slug="harlow-csp", name="Harlow Community Safety Partnership")
    seats = [
        SeatFactory(
            partnership=board,
            organisation=OrganisationFactory(slug=f"body-{n}", name=f"Member organisation {n}"),
            position=f"Director {n}",
            order=n,
        )
        for n in range(1, MEMBERS + 1)
    ]
    meeting = MeetingFactory(partnership=board, date=date(2024, 6, 4), status=Meeting.Status.HELD)
    user = UserFactory(username="officer")
    PartnershipRoleFactory(user=user, partnership=board, role=Role.ADMINISTRATOR)
    page.goto(live_server.url + "/account/sign-in/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return {"page": page, "seats": seats, "meeting": meeting}


def _line(page, n: int):
    return page.get_by_role("group", name=f"Director {n}, Member organisation {n}", exact=True)


def test_recording_attendance_for_24_present_takes_30_clicks_and_keystrokes_or_fewer(officer, live_server):
    page, meeting = officer["page"], officer["meeting"]
    count = Counter(page)
    page.goto(live_server.url + "/")
    count.click(page.get_by_role("link", name="Governance").first)
    count.click(page.get_by_role("link", name="Harlow Community Safety Partnership").first)
    count.click(page.get_by_role("link", name="4 June 2024").first)
    count.click(page.get_by_role("link", name="Record attendance"))
    expect(page.locator("h1")).to_have_text("Attendance", use_inner_text=True)
    count.click(page.get_by_role("link", name="Start with everyone marked present"))
    for n in APOLOGIES:
        count.click(_line(page, n).get_by_label("Apologies", exact=True))
    for n in ABSENT:
        count.click(_line(page, n).get_by_label("Absent", exact=True))
    count.click(_line(page, SUBSTITUTE).get_by_label("Substitute", exact=True))
    who = _line(page, SUBSTITUTE).get_by_label("If a substitute came: their position")
    expect(who).to_be_visible()  # revealed once "Substitute" is chosen
    count.type(who, "Deputy")
    screenshot(page, "governance-attendance-marked")
    count.click(page.get_by_role("button", name="Save attendance"))
    banner = page.locator(".govuk-notification-banner")
    banner.wait_for()
    expect(banner).to_contain_text(
        "Attendance saved: 24 present (including 1 substitute), 3 apologies, 1 absent", use_inner_text=True
    )
    screenshot(page, "governance-attendance-saved")

    assert count.total <= 30, f"{count.clicks} clicks and {count.keys} keystrokes"
    rows = Attendance.objects.filter(meeting=meeting)
    assert rows.count() == MEMBERS
    assert rows.filter(status="present").count() == 24 and rows.filter(status="apologies").count() == 3
    assert rows.get(seat=officer["seats"][SUBSTITUTE - 1]).substitute == "Deputy"
    print(f"attendance for 24 present: {count.clicks} clicks and {count.keys} keystrokes = {count.total}")


def test_the_list_is_accessible_and_its_errors_link_to_the_line(officer, live_server):
    page, meeting = officer["page"], officer["meeting"]
    page.goto(f"{live_server.url}/governance/meetings/{meeting.pk}/attendance/")
    assert_accessible(page, "governance-attendance-list")
    # Keyboard: a line's radios are one stop; the arrow keys move between present, apologies,
    # substitute and absent.
    first = _line(page, 1)
    first.get_by_label("Present", exact=True).focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    assert first.get_by_label("Apologies", exact=True).is_checked()
    page.keyboard.press("ArrowRight")
    assert first.get_by_label("Substitute", exact=True).is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"id_seat-{officer['seats'][0].pk}-substitute"
    # Saving with 27 lines unmarked and no substitute named lists each problem, linked to its line
    page.get_by_role("button", name="Save attendance").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    expect(summary.get_by_role("link")).to_have_count(MEMBERS)
    summary.get_by_role(
        "link", name="Enter the position of who came instead of Director 1, Member organisation 1"
    ).click()
    assert page.evaluate("document.activeElement.id") == f"id_seat-{officer['seats'][0].pk}-substitute"
    assert page.title().startswith("Error: ")
    assert_accessible(page, "governance-attendance-errors")
    assert Attendance.objects.filter(meeting=meeting).count() == 0
