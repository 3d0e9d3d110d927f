"""The start and sign-in pages in a real browser: they render, their assets load, axe passes."""

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_start_page(page, live_server):
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Community safety performance and intelligence"
    # The GOV.UK stylesheet applied: the heading uses the Design System's font stack.
    assert "GDS Transport" in page.locator("h1").evaluate("e => getComputedStyle(e).fontFamily")
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    assert failed == []
    assert_accessible(page, "start")


def test_sign_in_page(page, live_server):
    page.goto(live_server.url + "/account/sign-in/")
    assert page.get_by_label("Username").is_visible()
    assert_accessible(page, "sign-in")
    page.get_by_role("button", name="Sign in").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page, "sign-in-error")
