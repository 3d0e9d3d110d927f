"""The glossary in a real browser: reached from the start page in one click, axe passes, and it fits 320 px."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_glossary_is_one_click_from_the_start_page_and_fits_a_narrow_screen(page, live_server):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Glossary of statistical terms").click()  # the only click from the start page
    expect(page.locator("h1")).to_have_text("Glossary of statistical terms", use_inner_text=True)
    page.get_by_role("link", name="Wilson score interval").click()
    expect(page).to_have_url(re.compile("#wilson$"))
    expect(page.locator("#wilson")).to_be_visible()
    assert_accessible(page, "glossary")
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the glossary scrolls sideways by {overflow}px at 320px"
    screenshot(page, "glossary-320")
