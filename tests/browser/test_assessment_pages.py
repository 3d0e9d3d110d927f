"""The assessment pages in Chromium: no failed request or script error, no serious or critical
axe-core finding, the matrix's tabs work, and Leaflet draws the hot spot map with classes in words."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, settle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _visit(page, url):
    failed: list[str] = []
    errors: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    settle(page)
    return failed, errors


def test_the_county_priorities_matrix_and_its_recomputed_tab(page, live_server, essex_partnerships):
    from saferhub.assessment.loaders import assessment_essex_load

    assessment_essex_load()
    failed, errors = _visit(page, live_server.url + "/assessment/county-priorities/")
    assert failed == [] and errors == []
    expect(page.locator("table.saferhub-matrix tbody tr")).to_have_count(15)
    # The 18 themes scroll inside their region; the page itself does not grow sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert_accessible(page, "assessment-county-priorities")
    page.get_by_role("tab", name="Recomputed from partnerships' priorities").click()
    expect(page.get_by_text("Not computed yet.")).to_be_visible()
    failed, errors = _visit(page, live_server.url + "/assessment/costs-of-harm/")
    assert failed == [] and errors == []
    assert_accessible(page, "assessment-costs-of-harm")


@pytest.fixture
def harlow_2024(essex_partnerships, shared_data, tmp_path, settings):
    from saferhub.geography.services import geography_boundaries_load
    from saferhub.ingest.services import police_uk_import

    settings.SAFERHUB_RECORD_STORE = str(tmp_path / "records")
    geography_boundaries_load(path=shared_data / "boundaries" / "essex-lsoa-2021" / "E07000073.json", vintage="2021")
    police_uk_import(paths=[shared_data / "police-uk" / m / f"{m}-essex-street.csv" for m in ("2024-01", "2024-02")])


@pytest.mark.slow
def test_the_hot_spot_map_draws_with_leaflet_and_the_form_reports_errors(page, live_server, harlow_2024):
    failed, errors = _visit(page, live_server.url + "/assessment/hotspots/?area=E07000073&from=2024-01&to=2024-02")
    assert failed == [] and errors == []
    page.wait_for_selector("#hotspot-map-leaflet .leaflet-interactive", timeout=10_000)
    expect(page.locator("#hotspot-map svg")).to_have_count(1)
    expect(page.locator(".saferhub-hotspot-table")).to_contain_text("Hot spot", use_inner_text=True)
    assert_accessible(page, "assessment-hotspots-harlow")
    page.get_by_text("How the hot and cold spots were found").click()
    expect(page.get_by_text("Benjamini–Hochberg").first).to_be_visible()
    failed, errors = _visit(page, live_server.url + "/assessment/hotspots/?area=E07000073&from=2024-02&to=2024-01")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page, "assessment-hotspots-error")
    failed, errors = _visit(page, live_server.url + "/assessment/repeat-locations/?area=E07000073&from=2024-01")
    assert failed == [] and errors == []
    assert_accessible(page, "assessment-repeat-locations-public")


@pytest.mark.slow
def test_a_partnership_analyst_confirms_the_priority_matrix_in_the_browser(page, live_server, harlow_2024):
    """Harlow's matrix (two 2024 months): axe, 320 px, an override with its reason, and the county
    matrix's recomputed tab showing it."""
    from saferhub.accounts.models import Partnership, Role
    from saferhub.assessment.loaders import assessment_essex_load
    from tests.factories import PASSWORD, PartnershipRoleFactory

    assessment_essex_load()
    analyst = PartnershipRoleFactory(partnership=Partnership.objects.get(slug="harlow-csp"), role=Role.ANALYST).user
    page.goto(live_server.url + "/account/sign-in/")
    page.get_by_label("Username").fill(analyst.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    failed, errors = _visit(page, live_server.url + "/assessment/matrix/E07000073/?year=2024")
    assert failed == [] and errors == []
    expect(page.locator("strong.govuk-tag", has_text="Proposed")).to_have_count(5)
    assert_accessible(page, "assessment-matrix-harlow")
    page.get_by_role("button", name="Record the priorities").click()
    expect(page.locator(".govuk-error-summary").get_by_text("Give the reason for the decision")).to_be_visible()
    page.get_by_role("checkbox", name="Possession of weapons").check()
    page.get_by_label("Reason for the decision").fill("Knife crime is the community's first concern")
    page.get_by_role("button", name="Record the priorities").click()
    expect(page.get_by_text("Reason: Knife crime is the community's first concern")).to_be_visible()
    assert_accessible(page, "assessment-matrix-harlow-decided")
    page.set_viewport_size({"width": 320, "height": 640})
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the matrix page scrolls sideways by {overflow}px at 320px"
    page.set_viewport_size({"width": 1280, "height": 900})
    _visit(page, live_server.url + "/assessment/county-priorities/")
    page.get_by_role("tab", name="Recomputed from partnerships' priorities").click()
    expect(page.get_by_text("Harlow: Possession of weapons")).to_be_visible()
    assert_accessible(page, "assessment-county-priorities-recomputed")


def test_the_deprivation_page_and_the_assessment_document_are_accessible(
    page, live_server, essex_partnerships, shared_data, tmp_path, settings
):
    """Harlow's January 2024 records by deprivation decile and its 2024 document, as the public read
    them, at desktop width and at 320 px (no sideways scrolling of the page itself)."""
    from saferhub.assessment.deprivation_data import deprivation_load
    from saferhub.assessment.loaders import assessment_essex_load
    from saferhub.ingest.services import police_uk_import

    settings.SAFERHUB_RECORD_STORE = str(tmp_path / "records")
    assessment_essex_load()
    deprivation_load(
        imd=shared_data / "deprivation" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz",
        population=shared_data / "deprivation" / "File_6_-_IoD2019_Population_Denominators.csv.gz",
    )
    police_uk_import(paths=[shared_data / "police-uk" / "2024-01" / "2024-01-essex-street.csv"])
    for url, name in (
        ("/assessment/deprivation/?area=E07000073&type=all&from=2024-01&to=2024-01", "assessment-deprivation-harlow"),
        ("/assessment/document/E07000073/2024/", "assessment-document-harlow"),
    ):
        page.set_viewport_size({"width": 1280, "height": 900})
        failed, errors = _visit(page, live_server.url + url)
        assert failed == [] and errors == []
        assert page.locator("svg[role=img]").count() >= 1
        assert_accessible(page, name)
        page.set_viewport_size({"width": 320, "height": 800})
        page.wait_for_timeout(200)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, name
        assert_accessible(page, name + "-320")
    expect(page.get_by_text("The priority matrix for this year has not been set.").first).to_be_visible()
