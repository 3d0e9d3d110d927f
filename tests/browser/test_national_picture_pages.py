"""Issue 16's national picture in a real browser: a Kent district's profile with its most similar
group's spine chart and the England gap, and the indicator page's funnel of every area; screenshots
saved, and axe-core finds no serious or critical problems."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.integration.performance.test_national_picture import TARGET, burglary, nation  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def test_a_kent_district_profile_against_its_most_similar_group(page, live_server, nation, burglary):  # noqa: F811
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + f"/areas/{TARGET}/")
    expect(page.locator("h1")).to_have_text("District 105", use_inner_text=True)
    expect(page.locator("#spine svg")).to_have_count(1)
    expect(page.locator("#spine")).to_contain_text("compared with its most similar group", use_inner_text=True)
    assert page.get_by_text("No England value for police.uk figures: only 2 of 3 forces' records are loaded.").count()
    assert errors == []
    assert_accessible(page, "performance-area-kent-district-most-similar-group")
    page.goto(live_server.url + f"/performance/indicators/crime-burglary/?area={TARGET}")
    expect(page.locator("#funnel-national svg")).to_have_count(1)
    assert errors == []
    assert_accessible(page, "performance-indicator-funnel-of-every-area")
