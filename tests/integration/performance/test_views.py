"""The performance pages: what they show, who may see them, a bounded number of queries, exports
that are safe to open, and pages that explain what is missing in an empty hub."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from saferhub.accounts.models import Role
from saferhub.core.codes import period_words
from saferhub.performance.models import IndicatorSummary
from saferhub.performance.services import performance_refresh
from tests.factories import PartnershipFactory, PartnershipRoleFactory, UserFactory
from tests.integration.performance import builders

pytestmark = pytest.mark.django_db

SCORECARD = "/scorecards/essex-safer-communities/"


def test_the_scorecard_shows_each_indicator_with_its_statuses_and_reasons(client, crime_framework):
    html = client.get(SCORECARD + "?area=E07000073").content.decode()
    s = IndicatorSummary.objects.get(indicator=crime_framework["crime"], area__code="E07000073")
    assert "All crime" in html and "Anti-social behaviour" in html
    assert f"{s.latest_value:.2f}" in html and period_words(s.latest_period_label) in html
    # Every tag links to its reason.
    for anchor in ("value", "target", "spc", "benchmark", "trend", "freshness"):
        assert f"/performance/why/all-crime/E07000073/#{anchor}" in html
    assert html.count("<svg") >= 2  # the small charts


def test_the_scorecard_filters_by_theme_and_lead(client, crime_framework):
    theme = crime_framework["framework"].themes.get(title="Anti-social behaviour")
    html = client.get(SCORECARD + f"?theme={theme.pk}").content.decode()
    assert "Anti-social behaviour" in html and ">All crime<" not in html
    html = client.get(SCORECARD + "?lead=ASB+lead").content.decode()
    assert ">Anti-social behaviour<" in html and ">All crime<" not in html


def test_the_scorecard_exports_csv_and_xlsx_with_the_page_figures(client, crime_framework):
    s = IndicatorSummary.objects.get(indicator=crime_framework["crime"], area__code="E10000012")
    response = client.get(SCORECARD + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Code", "Indicator", "Theme"]
    crime_row = next(r for r in rows if r[1] == "All crime")
    assert float(crime_row[6]) == pytest.approx(s.latest_value)
    book = load_workbook(io.BytesIO(client.get(SCORECARD + "?format=xlsx").content))
    sheet = book.active
    assert [c.value for c in sheet[1]][:2] == ["Code", "Indicator"]
    assert sheet.cell(row=2, column=7).value == pytest.approx(s.latest_value)


def test_exports_escape_formulas_in_text(client, crime_framework):
    crime = crime_framework["crime"]
    crime.title = '=HYPERLINK("http://example.invalid","click")'
    crime.save()
    rows = list(csv.reader(io.StringIO(client.get(SCORECARD + "?format=csv").content.decode("utf-8-sig"))))
    assert any(r[1] == "'" + crime.title for r in rows)
    sheet = load_workbook(io.BytesIO(client.get(SCORECARD + "?format=xlsx").content)).active
    assert any(sheet.cell(row=i, column=2).value == "'" + crime.title for i in range(2, sheet.max_row + 1))


def test_hostile_text_is_shown_as_text(client, crime_framework):
    crime = crime_framework["crime"]
    crime.title = "<script>alert('x')</script>"
    crime.save()
    html = client.get(SCORECARD).content.decode()
    assert "<script>alert('x')</script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_the_indicator_page_has_its_charts_map_and_data(client, crime_framework):
    html = client.get("/performance/indicators/all-crime/?area=E07000073").content.decode()
    for chart_id in ("turn-the-curve", "spc", "compare-districts", "funnel"):
        assert f'id="{chart_id}"' in html
    assert "Every value for Harlow, newest first" in html
    assert "No boundaries loaded" in html  # no boundaries in this hub: the map says how to add them


def test_the_why_page_gives_the_values_interval_and_rule(client, crime_framework):
    s = IndicatorSummary.objects.get(indicator=crime_framework["crime"], area__code="E07000073")
    html = client.get("/performance/why/all-crime/E07000073/").content.decode()
    for anchor in ("value", "target", "spc", "benchmark", "trend", "freshness"):
        assert f'id="{anchor}"' in html
    assert s.detail["benchmark"]["reason_95"][:30].lower() in html.lower()
    assert "mean ± 2.66 × average moving range" in html


def test_the_district_profile_compares_every_indicator(client, crime_framework):
    html = client.get("/areas/E07000073/").content.decode()
    assert '<h1 class="govuk-heading-xl">Harlow</h1>' in html
    assert 'id="spine"' in html and 'id="by-type"' in html
    assert "police.uk street-level records, counted by type and month" in html


def test_maps_page_explains_missing_boundaries(client, crime_framework):
    html = client.get("/maps/?indicator=all-crime").content.decode()
    assert "No boundaries loaded" in html


# --- access ------------------------------------------------------------------------------------


@pytest.fixture
def private_framework(crime_framework):
    owner = crime_framework["framework"].owner
    owner.publishes_performance = False
    owner.save()
    return crime_framework


@pytest.mark.parametrize(
    "url", [SCORECARD, "/performance/indicators/all-crime/", "/performance/why/all-crime/E10000012/"]
)
def test_unpublished_figures_need_a_member(client, private_framework, url):
    response = client.get(url)
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]
    stranger = UserFactory()
    PartnershipRoleFactory(user=stranger, partnership=PartnershipFactory(slug="elsewhere"), role=Role.ADMINISTRATOR)
    client.force_login(stranger)
    assert client.get(url).status_code == 403
    member = UserFactory()
    PartnershipRoleFactory(user=member, partnership=private_framework["framework"].owner, role=Role.VIEWER)
    client.force_login(member)
    assert client.get(url).status_code == 200


def test_an_unpublished_district_profile_needs_a_member(client, crime_framework):
    harlow = crime_framework["partnerships"]["harlow-csp"]
    harlow.publishes_performance = False
    harlow.save()
    assert client.get("/areas/E07000073/").status_code == 302
    stranger = UserFactory()
    PartnershipRoleFactory(user=stranger, partnership=crime_framework["partnerships"]["basildon-csp"])
    client.force_login(stranger)
    assert client.get("/areas/E07000073/").status_code == 403
    member = UserFactory()
    PartnershipRoleFactory(user=member, partnership=harlow)
    client.force_login(member)
    assert client.get("/areas/E07000073/").status_code == 200


def test_an_unknown_area_or_framework_is_not_found(client, crime_framework):
    assert client.get("/areas/E07999999/").status_code == 404
    assert client.get("/scorecards/no-such-framework/").status_code == 404
    assert client.get("/performance/why/all-crime/not-a-code/").status_code == 404


# --- queries do not grow with rows -------------------------------------------------------------------


def _framework_with(n, partnership):
    indicators = [builders.make_indicator(f"indicator-{n}-{i}") for i in range(n)]
    for ind in indicators:
        builders.write_monthly(ind, count=3, codes=["E07000073", "E07000066"])
    framework = builders.make_framework(partnership, slug=f"framework-{n}", indicators=indicators)
    performance_refresh()
    return framework


def _without_nonce(html: bytes) -> bytes:
    return re.sub(rb' nonce="[^"]*"', b"", html)


def test_scorecard_queries_do_not_grow_with_indicators(client, essex_partnerships, django_assert_max_num_queries):
    small = _framework_with(5, essex_partnerships["safer-essex"])
    large = _framework_with(50, essex_partnerships["safer-essex"])
    from django.core.cache import cache

    # Rendered from the summaries (nothing cached yet)...
    cache.clear()
    with django_assert_max_num_queries(15) as small_queries:
        assert client.get(f"/scorecards/{small.slug}/").status_code == 200
    with django_assert_max_num_queries(len(small_queries.captured_queries)):
        response = client.get(f"/scorecards/{large.slug}/")
    assert response.content.decode().count("/performance/why/") >= 50 * 6
    # ...and again from the cached section, which costs fewer queries still.
    with django_assert_max_num_queries(len(small_queries.captured_queries) - 3):
        again = client.get(f"/scorecards/{large.slug}/")
    assert _without_nonce(again.content) == _without_nonce(response.content)  # a fresh nonce per response


def test_a_refresh_replaces_the_cached_scorecard(client, crime_framework):
    from saferhub.measures.models import IndicatorValue

    before = client.get(SCORECARD + "?area=E07000073").content.decode()
    IndicatorValue.objects.filter(indicator=crime_framework["crime"], area__code="E07000073").delete()
    performance_refresh(indicator=crime_framework["crime"])
    after = client.get(SCORECARD + "?area=E07000073").content.decode()
    assert before != after and "No values" in after


def test_an_edit_to_the_plan_shows_on_the_cached_scorecard_and_indicator_section(client, crime_framework):
    membership = crime_framework["framework"].memberships.get(indicator=crime_framework["crime"])
    client.get(SCORECARD)  # cached
    client.get("/performance/indicators/all-crime/")
    membership.title_in_plan = "Crime as the plan words it"
    membership.save()
    assert "Crime as the plan words it" in client.get(SCORECARD).content.decode()
    crime_framework["crime"].title = "All recorded crime"
    crime_framework["crime"].save()
    assert "All recorded crime" in client.get("/performance/indicators/all-crime/").content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/performance/indicators/indicator-50-0/?area=E10000012",
        "/areas/E07000073/",
        "/maps/?indicator=indicator-50-0&area=E07000073",
        "/scorecards/",
        "/performance/why/indicator-50-0/E07000073/",
        "/areas/",
    ],
)
def test_other_pages_read_a_fixed_number_of_queries(client, essex_partnerships, django_assert_max_num_queries, url):
    _framework_with(50, essex_partnerships["safer-essex"])
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200


# --- an empty hub ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/scorecards/", "/areas/E07000073/", "/maps/", "/maps/?area=E07000073"])
def test_an_empty_hub_explains_what_is_missing(client, essex_partnerships, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "saferhub" in html and ("No " in html or "Choose a district" in html)


def test_a_hub_without_geography_says_how_to_load_it(client, db):
    html = client.get("/areas/").content.decode()
    assert "No areas yet: load the built-in geography with `saferhub geography load builtin essex`" in html


def test_a_new_framework_without_values_says_how_to_add_them(client, essex_partnerships):
    ind = builders.make_indicator("all-crime")
    builders.make_framework(essex_partnerships["safer-essex"], indicators=[ind])
    html = client.get(SCORECARD).content.decode()
    assert "No values yet: import police.uk files with `saferhub import police-uk PATH`" in html
    html = client.get("/performance/indicators/all-crime/").content.decode()
    assert "No values yet" in html
    assert client.get("/performance/why/all-crime/E07000073/").status_code == 200


def test_a_count_is_placed_on_the_spine_per_1000_people(crime_framework):
    from saferhub.framework.models import ValueType
    from saferhub.geography.models import Area, Population
    from saferhub.performance.pages.profile import area_profile_context

    counted = builders.make_indicator("recorded-crimes", title="Recorded crimes", value_type=ValueType.COUNT)
    counts = builders.write_monthly(counted, base=600)
    performance_refresh()
    harlow = Area.objects.get(code="E07000073")
    ctx = area_profile_context(area=harlow)
    # No most similar group in the built-in Essex geography: the county's areas, as the page says.
    assert ctx["group"]["name"] == "the areas of Essex" and not ctx["group"]["most_similar"]
    row = next(r for r in ctx["rows"] if r["indicator"] == "Recorded crimes")
    latest = max(counts["E07000073"])
    population = Population.objects.filter(area=harlow, year__lte=int(latest[:4])).order_by("-year").first()
    assert row["spread"]["area"] == pytest.approx(counts["E07000073"][latest] / population.value * 1000)
    spine_names = [row[0] for row in ctx["spine"].table.rows]
    assert "All crime" in spine_names and "Recorded crimes (per 1,000 people)" in spine_names


def test_a_bulk_update_outside_any_service_cannot_leave_a_stale_page(client, crime_framework):
    """Queryset ``update()`` sends no signal and calls no service: the database trigger still bumps
    the counter, so the cached scorecard and indicator section show the change at once."""
    from saferhub.accounts.models import Organisation
    from saferhub.framework.models import Indicator, IndicatorMembership

    client.get(SCORECARD + "?area=E07000073")  # cached
    client.get("/performance/indicators/all-crime/?area=E07000073")
    Indicator.objects.filter(slug="all-crime").update(title="Crime renamed in bulk")
    assert "Crime renamed in bulk" in client.get("/performance/indicators/all-crime/?area=E07000073").content.decode()
    IndicatorMembership.objects.filter(indicator__slug="all-crime").update(title_in_plan="Worded by a bulk update")
    assert "Worded by a bulk update" in client.get(SCORECARD + "?area=E07000073").content.decode()
    summary = IndicatorSummary.objects.get(indicator=crime_framework["crime"], area__code="E07000073")
    IndicatorSummary.objects.filter(pk=summary.pk).update(latest_value=123456.0)
    assert "123,456" in client.get(SCORECARD + "?area=E07000073").content.decode()
    lead = Organisation.objects.create(slug="bulk-lead", name="An organisation")
    Indicator.objects.filter(slug="anti-social-behaviour").update(lead_organisation=lead, lead_role="")
    IndicatorMembership.objects.filter(indicator__slug="anti-social-behaviour").update(target_lead="")
    Organisation.objects.filter(pk=lead.pk).update(name="Renamed in bulk")
    assert "Renamed in bulk" in client.get(SCORECARD + "?area=E07000073").content.decode()


def test_the_why_page_links_its_statistical_terms_to_the_glossary(client, crime_framework):
    html = client.get("/performance/why/all-crime/E07000073/").content.decode()
    assert 'href="/glossary#confidence-interval"' in html
    assert 'href="/glossary#byar"' in html and 'href="/glossary#wilson"' in html


def test_the_profile_links_the_priority_matrix_only_for_the_partnerships_members(client, crime_framework):
    """No dead ends: the matrix is for the area's partnership, so others are not shown a link to it."""
    link = "/assessment/matrix/E07000073/"
    assert link not in client.get("/areas/E07000073/").content.decode()  # signed out
    outsider = PartnershipRoleFactory(partnership=crime_framework["partnerships"]["basildon-csp"]).user
    client.force_login(outsider)
    assert link not in client.get("/areas/E07000073/").content.decode()
    member = PartnershipRoleFactory(partnership=crime_framework["partnerships"]["harlow-csp"]).user
    client.force_login(member)
    assert link in client.get("/areas/E07000073/").content.decode()
    assert client.get(link).status_code == 200
