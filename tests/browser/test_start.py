"""The start and sign-in pages in a real browser: they render, their assets load, axe passes."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_start_page(page, live_server):
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(live_server.url + "/")
    expect(page.locator("h1")).to_have_text("Community safety performance and intelligence", use_inner_text=True)
    # The GOV.UK stylesheet applied: the heading uses the Design System's font stack.
    assert "GDS Transport" in page.locator("h1").evaluate("e => getComputedStyle(e).fontFamily")
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    assert failed == []
    assert_accessible(page, "start")


def test_sign_in_page(page, live_server):
    page.goto(live_server.url + "/account/sign-in/")
    expect(page.get_by_label("Username")).to_be_visible()
    assert_accessible(page, "sign-in")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, "sign-in-error")
