"""Issue 16's national picture in a real browser: a Kent district's profile with its most similar
group's spine chart and the England gap, and the indicator page's funnel of every area; screenshots
saved, and axe-core finds no serious or critical problems."""

from __future__ import annotations

import pytest

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
    assert page.locator("h1").inner_text() == "District 105"
    assert page.locator("#spine svg").count() == 1
    assert "compared with its most similar group" in page.locator("#spine").inner_text()
    assert page.get_by_text("No England value for police.uk figures: only 2 of 3 forces' records are loaded.").count()
    assert errors == []
    assert_accessible(page, "performance-area-kent-district-most-similar-group")
    page.goto(live_server.url + f"/performance/indicators/crime-burglary/?area={TARGET}")
    assert page.locator("#funnel-national svg").count() == 1
    assert errors == []
    assert_accessible(page, "performance-indicator-funnel-of-every-area")
