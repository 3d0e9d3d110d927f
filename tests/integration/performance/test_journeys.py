"""The board member's scorecard (summary by status, exceptions first, sorts and filters by GET
parameters, links to actions and "why"), the scorecard list's standing of each plan, the public
reader's area search and the answer at the top of an indicator page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from saferhub.framework.models import Framework
from saferhub.geography.models import Area
from saferhub.performance import labels
from saferhub.performance.models import IndicatorSummary
from saferhub.performance.pages.answer import indicator_answer
from saferhub.performance.pages.scorecards import framework_standing
from tests.integration.performance import builders

pytestmark = pytest.mark.django_db

SCORECARD = "/scorecards/essex-safer-communities/"
HARLOW = "E07000073"


def _titles(html: str) -> list[str]:
    """The indicator titles of the scorecard's rows, in order."""
    body = html[html.index("<tbody") :]
    return re.findall(r'<th scope="row"[^>]*>.*?<a class="govuk-link" href="[^"]*">([^<]+)</a>', body)


def _county(indicator) -> IndicatorSummary:
    return IndicatorSummary.objects.get(indicator=indicator, area__code=builders.COUNTY)


def test_the_scorecard_opens_with_counts_by_status_and_exceptions_first(client, crime_framework):
    crime, asb = _county(crime_framework["crime"]), _county(crime_framework["asb"])
    html = client.get(SCORECARD).content.decode()
    summary = html[html.index('id="summary-heading"') : html.index("Filter and sort")]
    for s in (crime, asb):
        label = labels.TARGET[s.target_status]
        count = sum(1 for x in (crime, asb) if x.target_status == s.target_status)
        assert re.search(rf'status={s.target_status}"><span class="saferhub-count">{count}</span>', summary)
        assert label.text in summary
    # All crime has an ambition and is rising; anti-social behaviour has no ambition.
    assert asb.target_status == "no_target"
    crime_first = crime.target_status in ("off_track", "at_risk") or crime.spc_variation.startswith("concern")
    expected = ["All crime", "Anti-social behaviour"] if crime_first else ["Anti-social behaviour", "All crime"]
    assert _titles(html) == expected


def test_the_scorecard_filters_by_status_and_benchmark_and_sorts_by_name(client, crime_framework):
    asb = _county(crime_framework["asb"])
    html = client.get(SCORECARD + "?status=no_target").content.decode()
    assert _titles(html) == ["Anti-social behaviour"]
    assert "1 indicator for Essex of 2" in html
    assert "Clear filters" in html
    outcome = asb.benchmark_outcome or "not_compared"
    html = client.get(SCORECARD + f"?benchmark={outcome}&status=no_target").content.decode()
    assert _titles(html) == ["Anti-social behaviour"]
    html = client.get(SCORECARD + "?status=on_track&benchmark=better&lead=nobody").content.decode()
    assert "<tbody" not in html and "No indicators match these filters" in html
    html = client.get(SCORECARD + "?sort=name").content.decode()
    assert _titles(html) == ["All crime", "Anti-social behaviour"]
    assert "Sorted by indicator name (a to z)" in html
    # Themes are Crime (1) then Anti-social behaviour (2): the theme sort follows the plan's order.
    assert _titles(client.get(SCORECARD + "?sort=theme").content.decode()) == ["All crime", "Anti-social behaviour"]
    # An unknown sort is the default one.
    assert _titles(client.get(SCORECARD + "?sort=nonsense").content.decode()) == _titles(
        client.get(SCORECARD).content.decode()
    )


def test_the_export_follows_the_filters(client, crime_framework):
    text = client.get(SCORECARD + "?status=no_target&format=csv").content.decode("utf-8-sig")
    assert "Anti-social behaviour" in text and "All crime" not in text


def test_each_row_links_to_its_actions_and_its_why_page(client, crime_framework):
    html = client.get(SCORECARD + f"?area={HARLOW}").content.decode()
    assert f"/indicators/all-crime/?area={HARLOW}#actions" in html
    assert f'href="/performance/why/all-crime/{HARLOW}/">Why' in html
    # The actions link leads to a page that has the actions section, for a reader who is not signed in.
    page = client.get(f"/indicators/all-crime/?area={HARLOW}")
    assert page.status_code == 200 and 'id="actions"' in page.content.decode()


def test_the_scorecard_list_says_which_plans_are_not_in_force(client, crime_framework):
    owner = crime_framework["partnerships"]["safer-essex"]
    Framework.objects.create(slug="old-plan", title="A plan from 2008", owner=owner, status="archived")
    Framework.objects.create(
        slug="ended-plan", title="An ended plan", owner=owner, period_end=date.today() - timedelta(days=1)
    )
    html = client.get("/scorecards/").content.decode()
    assert html.index("People in Essex live in safe communities") < html.index("A plan from 2008")
    assert "This plan is archived: it is no longer in force." in html
    assert "This plan&#x27;s period ended on" in html and "its partnership has not archived it" in html
    assert html.count(">In force<") == 1
    page = client.get("/scorecards/old-plan/").content.decode()
    assert "govuk-warning-text" in page and "no longer in force" in page
    page = client.get("/scorecards/ended-plan/").content.decode()
    assert "govuk-warning-text" not in page and "period ended on" in page
    assert "govuk-warning-text" not in client.get(SCORECARD).content.decode()


def test_a_plan_in_force_has_no_warning(crime_framework):
    today = date(2024, 6, 1)
    assert framework_standing(crime_framework["framework"], today=today).in_force
    later = Framework(title="Next plan", status="active", period_start=date(2025, 4, 1))
    assert framework_standing(later, today=today).standing == "Not started"
    assert framework_standing(Framework(title="x", status="draft"), today=today).standing == "Draft"


@pytest.mark.parametrize(
    ("query", "found"),
    [("harl", ["Harlow"]), ("HARLOW", ["Harlow"]), (HARLOW, ["Harlow"]), ("e07000073", ["Harlow"]), ("Nowhere", [])],
)
def test_the_areas_page_finds_an_area_by_name_or_code(client, crime_framework, query, found):
    html = client.get("/areas/", {"q": query}).content.decode()
    names = re.findall(r'<a class="govuk-link" href="/areas/E\d+/">([^<]+)</a>', html)
    assert names == found
    assert f"{len(found)} area" in html
    if not found:
        assert "No area has a name or code like" in html
    assert "a postcode or the first part of one" in html  # postcodes: tests/integration/performance/test_area_search.py


def test_the_areas_page_lists_every_area_without_a_search(client, crime_framework):
    html = client.get("/areas/").content.decode()
    assert len(re.findall(r'<a class="govuk-link" href="/areas/E\d+/">', html)) == len(builders.CSP_CODES)


@pytest.mark.parametrize(
    "url", [f"/indicators/all-crime/?area={HARLOW}", f"/performance/indicators/all-crime/?area={HARLOW}"]
)
def test_the_indicator_page_answers_better_or_worse_first(client, crime_framework, url):
    s = IndicatorSummary.objects.get(indicator=crime_framework["crime"], area__code=HARLOW)
    html = client.get(url).content.decode()
    answer = html.index('id="answer"')
    assert html.index("<h1") < answer < html.index('id="performance-heading"')
    words = {"better": "better than", "worse": "worse than", "similar": "similar to"}
    if s.benchmark_outcome in words:
        assert f"{words[s.benchmark_outcome]} {s.benchmark_name}" in html[answer:]
    assessment = (s.detail.get("trend") or {}).get("assessment")
    if assessment:
        assert assessment.replace("_", " ") in html[answer : answer + 2000]


def _summary(benchmark: str, trend: dict[str, str]) -> IndicatorSummary:
    return IndicatorSummary(benchmark_outcome=benchmark, benchmark_name="Essex", detail={"trend": trend})


@pytest.mark.parametrize(
    ("benchmark", "trend", "sentence"),
    [
        ("worse", {"outcome": "decreasing", "assessment": "getting_better"}, "Worse than Essex, and getting better."),
        ("better", {"outcome": "increasing", "assessment": "getting_worse"}, "Better than Essex, and getting worse."),
        ("similar", {"outcome": "no_significant_change"}, "Similar to Essex, and not changing much."),
        ("higher", {"outcome": "increasing"}, "Higher than Essex, and going up."),
        (
            "",
            {"outcome": "cannot_be_calculated"},
            "Not compared with Essex, and its recent trend cannot be worked out yet.",
        ),
    ],
)
def test_the_answer_in_words(essex_geography, benchmark, trend, sentence):
    harlow = Area.objects.get(code=HARLOW)
    indicator = builders.make_indicator("all-crime")
    s = _summary(benchmark, trend)
    answer = indicator_answer(indicator=indicator, area=harlow, summary=s, detail=s.detail)
    assert answer["sentence"] == sentence
    assert answer["compared"].startswith("Harlow is ")
    assert answer["why_trend"].endswith(f"/performance/why/all-crime/{HARLOW}/#trend")
