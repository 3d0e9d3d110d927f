"""The performance pack in a real browser: an administrator opens it from the meeting page,
publishes it, and a signed-out reader opens the published version. Screenshots are saved, axe-core
finds no serious or critical problems, and the Content-Security-Policy refuses nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from saferhub.accounts.models import Role
from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, PartnershipRoleFactory
from tests.integration.reports.conftest import pack_world  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _csp_refusals(page) -> list[str]:
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    return refused


def test_publish_the_pack_and_read_it_signed_out(page, browser, live_server, pack_world):  # noqa: F811
    PartnershipRoleFactory(partnership=pack_world["partnership"], role=Role.ADMINISTRATOR, user__username="secretary")
    refused = _csp_refusals(page)
    page.goto(live_server.url + "/account/sign-in/")
    page.get_by_label("Username").fill("secretary")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/governance/meetings/{pack_world['meeting'].pk}/")
    page.get_by_role("link", name="Performance pack", exact=True).click()
    expect(page.locator("h1")).to_have_text("Performance pack", use_inner_text=True)
    expect(page.locator(".pack-contents .pack-page")).to_have_count(6)
    assert_accessible(page, "reports-pack")
    page.get_by_role("link", name="Publish the pack").click()
    assert_accessible(page, "reports-publish")
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.locator("body")).to_contain_text("Version 1 of the performance pack is published", use_inner_text=True)
    published_url = page.url
    assert "/reports/packs/" in published_url

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    public = context.new_page()
    refused_public = _csp_refusals(public)
    public.goto(published_url)
    expect(public.locator("h1")).to_have_text("Performance pack", use_inner_text=True)
    expect(public.locator('tr[data-indicator="knife-crime"] .pack-value')).to_contain_text(
        "fewer than 5", use_inner_text=True
    )
    assert_accessible(public, "reports-published-signed-out")
    context.close()
    assert refused == [] and refused_public == []
