"""The performance pages in a real browser: each page type renders with its charts and maps, the
screenshots are saved, and axe-core finds no serious or critical problems."""

from __future__ import annotations

import json
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, settle
from tests.integration.performance import builders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def essex_with_figures(essex_partnerships, shared_data, tmp_path):
    from saferhub.geography.models import Area
    from saferhub.geography.services import geography_boundaries_load
    from saferhub.performance.services import performance_refresh

    # The ONS district boundaries, cut to the 14 Essex areas so the test loads only what it maps.
    national = json.loads((shared_data / "boundaries" / "lad" / "ltla-2016-bsc.geojson").read_text())
    essex = {
        **national,
        "features": [f for f in national["features"] if f["properties"]["areacd"] in builders.CSP_CODES],
    }
    path = tmp_path / "essex-districts.geojson"
    path.write_text(json.dumps(essex))
    geography_boundaries_load(path=path, vintage="2016")
    geography_boundaries_load(path=shared_data / "boundaries" / "essex-lsoa-2011" / "E07000073.json", vintage="2011")

    crime = builders.make_indicator("all-crime", title="All crime")
    asb = builders.make_indicator("anti-social-behaviour", title="Anti-social behaviour", lead_role="ASB lead")
    builders.write_monthly(crime, base=600, step=2)
    builders.write_monthly(asb, base=150)
    framework = builders.make_framework(essex_partnerships["safer-essex"], indicators=[crime, asb])
    builders.add_target(crime, framework, value=6.0, due=date(2025, 3, 31), area=Area.objects.get(code=builders.COUNTY))
    performance_refresh()
    return framework


def _visit(page, url):
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # The Content-Security-Policy refuses nothing the hub's own pages need (charts, maps, GOV.UK).
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("console", lambda m: errors.append(m.text) if "Content-Security-Policy" in m.text else None)
    page.goto(url)
    settle(page)
    return failed, errors


def test_scorecard(page, live_server, essex_with_figures):
    failed, errors = _visit(page, live_server.url + "/scorecards/essex-safer-communities/")
    expect(page.locator("h1")).to_have_text("People in Essex live in safe communities", use_inner_text=True)
    expect(page.locator("table.saferhub-scorecard tbody tr")).to_have_count(2)
    assert failed == [] and errors == []
    assert_accessible(page, "performance-scorecard")
    # Every tag is one click from its reason.
    page.locator("table.saferhub-scorecard a.saferhub-tag-link").first.click()
    settle(page)
    expect(page.locator("h1")).to_have_text("How each status is worked out", use_inner_text=True)
    assert_accessible(page, "performance-why")


def test_indicator_page_charts_are_enhanced_with_tooltips(page, live_server, essex_with_figures):
    failed, errors = _visit(page, live_server.url + "/performance/indicators/all-crime/?area=E10000012")
    assert failed == [] and errors == []
    expect(page.locator("#turn-the-curve svg")).to_have_count(1)
    page.wait_for_selector("[data-saferhub-chart-enhanced]", timeout=10_000)
    # Essex county holds 12 districts; Southend-on-Sea and Thurrock are unitaries outside it.
    expect(page.locator(".saferhub-map .leaflet-interactive")).to_have_count(12)
    assert_accessible(page, "performance-indicator")


def test_indicator_page_without_javascript_shows_server_charts(browser, live_server, essex_with_figures):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/performance/indicators/all-crime/?area=E07000073")
    assert page.locator("figure.saferhub-chart svg[role=img]").count() >= 4
    expect(page.locator("#district-map svg")).to_have_count(1)
    from tests.browser.conftest import screenshot

    screenshot(page, "performance-indicator-no-js")
    context.close()


def test_district_profile_and_maps(page, live_server, essex_with_figures):
    failed, errors = _visit(page, live_server.url + "/areas/E07000073/")
    expect(page.locator("h1")).to_have_text("Harlow", use_inner_text=True)
    assert failed == [] and errors == []
    assert_accessible(page, "performance-area-harlow")
    failed, errors = _visit(page, live_server.url + "/maps/")
    assert failed == [] and errors == []
    assert_accessible(page, "performance-maps")


def test_empty_hub_pages_explain_what_is_missing(page, live_server, essex_partnerships):
    for url, name in (
        ("/scorecards/", "performance-empty-scorecards"),
        ("/areas/E07000073/", "performance-empty-area"),
        ("/maps/", "performance-empty-maps"),
    ):
        _visit(page, live_server.url + url)
        expect(page.locator(".govuk-inset-text").first).to_contain_text("saferhub", use_inner_text=True)
        assert_accessible(page, name)


@pytest.fixture
def essex_real(essex_partnerships, shared_data, tmp_path, settings):
    """The Essex frameworks, Harlow's LSOA boundaries and the real police.uk months of 2024."""
    from saferhub.framework.services import framework_essex_load
    from saferhub.geography.services import geography_boundaries_load
    from saferhub.ingest.services import police_uk_import
    from saferhub.performance.services import performance_refresh

    settings.SAFERHUB_RECORD_STORE = str(tmp_path / "records")
    framework_essex_load()
    geography_boundaries_load(path=shared_data / "boundaries" / "essex-lsoa-2011" / "E07000073.json", vintage="2011")
    months = ["2024-01", "2024-02", "2024-03", "2024-04"]
    police_uk_import(paths=[shared_data / "police-uk" / m / f"{m}-essex-street.csv" for m in months])
    performance_refresh()


@pytest.mark.slow
def test_real_police_uk_months_on_the_essex_pages(page, live_server, essex_real):
    from saferhub.performance.models import IndicatorSummary
    from tests.factories import PASSWORD, UserFactory

    # Police.uk indicators outside any framework belong to no partnership: a signed-in user sees them.
    UserFactory(username="new-user")
    page.goto(live_server.url + "/account/sign-in/")
    page.get_by_label("Username").fill("new-user")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    failed, errors = _visit(page, live_server.url + "/scorecards/ecc-safe-communities-2014-18/")
    assert failed == [] and errors == []
    assert_accessible(page, "performance-real-scorecard")
    # asb-rate: the county council's plan's own ASB rate, computed monthly from the records (issue 15).
    for slug in ("asb-rate", "anti-social-behaviour-rate"):
        failed, errors = _visit(page, live_server.url + f"/performance/indicators/{slug}/?area=E07000073")
        assert failed == [] and errors == []
        s = IndicatorSummary.objects.get(indicator__slug=slug, area__code="E07000073")
        assert s.latest_period_label == "2024-04" and s.spc_variation and s.detail["forecast"]["points"]
        expect(page.locator(".saferhub-performance .govuk-summary-list")).to_contain_text(
            f"{s.latest_value:.2f}", use_inner_text=True
        )
        expect(page.locator("#spc svg")).to_have_count(1)
        assert_accessible(page, f"performance-real-{slug}")
    failed, errors = _visit(page, live_server.url + "/areas/E07000073/")
    assert failed == [] and errors == []
    page.wait_for_selector("#lsoa-map-leaflet .leaflet-interactive", timeout=10_000)
    assert_accessible(page, "performance-real-harlow")


def test_a_scorecard_prints_its_figures_without_the_screen_only_parts(page, live_server, essex_with_figures):
    from tests.browser.conftest import screenshot

    _visit(page, live_server.url + "/scorecards/essex-safer-communities/")
    page.emulate_media(media="print")
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.locator(".govuk-footer")).to_be_hidden()
    expect(page.locator("table.saferhub-scorecard tbody tr").first).to_be_visible()
    # GOV.UK Frontend would print each link's address after it, burying the figures
    after = page.evaluate("getComputedStyle(document.querySelector('table.saferhub-scorecard a'), '::after').content")
    assert after in ("none", "normal")
    screenshot(page, "performance-scorecard-print")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 1


def test_compare_areas_from_the_areas_page_at_320_pixels_and_in_print(page, live_server, essex_with_figures):
    """The public reader picks three areas with checkboxes (no script needed), reads them side by
    side, and nothing scrolls sideways at 320 px; axe finds nothing serious; a profile prints its
    figures for the period chosen, without the forms."""
    _visit(page, live_server.url + "/areas/")
    page.get_by_role("link", name="Compare areas side by side").click()
    for name in ("Harlow", "Epping Forest", "Basildon"):
        page.get_by_label(name, exact=True).check()
    page.get_by_role("button", name="Compare").click()
    table = page.locator("table.saferhub-compare")
    assert table.locator("thead th").all_inner_texts() == ["Indicator", "Basildon", "Epping Forest", "Harlow"]
    expect(table.locator("tbody tr")).to_have_count(2)
    assert "format=csv" in page.get_by_role("link", name="CSV").get_attribute("href")
    assert_accessible(page, "performance-compare")
    page.set_viewport_size({"width": 320, "height": 640})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page, "performance-compare-320")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("link", name="Harlow").first.click()
    page.get_by_label("Period", exact=True).select_option(label="March 2024")
    page.get_by_role("button", name="Show figures").click()
    expect(page.locator("h2", has_text="Indicators compared: March 2024")).to_be_visible()
    assert_accessible(page, "performance-profile-period")
    page.emulate_media(media="print")
    expect(page.locator("form select#period")).to_be_hidden()
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.locator("#headline")).to_be_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
