"""The board member's and the public reader's journeys walked from the start page in Chromium, with
the clicks counted: the three indicators most off track in at most 2 clicks, Harlow's "better or
worse, getting better or worse?" answer in at most 3 and visible without scrolling on a laptop
screen (1366 × 768). Each page is screenshotted and passes axe."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, axe_violations, screenshot, settle
from tests.integration.performance import builders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
HARLOW = "E07000073"


@pytest.fixture(autouse=True)
def empty_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def board_figures(essex_partnerships):
    """Six indicators in one framework: three rising against ambitions far below them (off track, by
    different margins), one falling well inside its ambition, two without an ambition."""
    from saferhub.geography.models import Area
    from saferhub.performance.services import performance_refresh

    county = Area.objects.get(code=builders.COUNTY)
    specs = [
        # slug, title, base per 100,000 a month, monthly drift, ambition (per 1,000) or None
        ("all-crime", "All crime", 600, 2.0, None),
        ("burglary", "Burglary", 90, 0.6, 0.6),
        ("violence", "Violence with injury", 120, 0.8, 0.5),
        ("vehicle-crime", "Vehicle crime", 80, 0.5, 0.6),
        ("criminal-damage", "Criminal damage", 100, -0.6, 5.0),
        ("anti-social-behaviour", "Anti-social behaviour", 150, 0.0, None),
    ]
    indicators = []
    for slug, title, base, step, _ in specs:
        ind = builders.make_indicator(slug, title=title, lead_role=f"{title} lead")
        builders.write_monthly(ind, base=base, step=step)
        indicators.append(ind)
    framework = builders.make_framework(essex_partnerships["safer-essex"], indicators=indicators)
    for ind, (*_, ambition) in zip(indicators, specs, strict=True):
        if ambition is not None:
            builders.add_target(ind, framework, value=ambition, due=date(2025, 3, 31), area=county)
    performance_refresh()
    return framework


def _click(page, locator, clicks: list[str]) -> None:
    """Follow a link as a reader would, and count it."""
    clicks.append(locator.inner_text().strip())
    locator.click()
    settle(page)


def test_board_member_finds_the_three_indicators_most_off_track_in_two_clicks(page, live_server, board_figures):
    from saferhub.performance.models import IndicatorSummary

    summaries = IndicatorSummary.objects.filter(area__code=builders.COUNTY).select_related("indicator")
    off_track = [s for s in summaries if s.target_status == "off_track"]
    assert len(off_track) == 3, {s.indicator.slug: s.target_status for s in summaries}
    # "Most off track": furthest above its ambition, as a share of the ambition (all three are lower-is-better).
    ambitions = {"burglary": 0.6, "violence": 0.5, "vehicle-crime": 0.6}
    expected = sorted(off_track, key=lambda s: -(s.latest_value / ambitions[s.indicator.slug]))
    clicks: list[str] = []
    page.goto(live_server.url + "/")
    _click(page, page.get_by_role("link", name="Scorecards", exact=True), clicks)
    assert_accessible(page, "journey-board-scorecards")
    _click(page, page.get_by_role("link", name="People in Essex live in safe communities"), clicks)
    assert len(clicks) <= 2, clicks

    # The summary counts the rows by status and names the exceptions.
    summary = page.locator(".saferhub-scorecard-summary")
    assert "3 ▲ Off track" in " ".join(summary.inner_text().split())
    first_three = page.locator("table.saferhub-scorecard tbody tr").all()[:3]
    titles = [row.locator("th a").first.inner_text() for row in first_three]
    assert titles == [s.indicator.title for s in expected]
    for row in first_three:
        expect(row).to_contain_text("Off track", use_inner_text=True)
        assert row.get_by_role("link", name=re.compile(r"^Actions for ")).count() == 1
        assert row.get_by_role("link", name=re.compile(r"^Why\W+how the statuses of ")).count() == 1
    assert_accessible(page, "journey-board-scorecard")

    # Filtering by status works without JavaScript: a GET form with a submit button.
    page.select_option("#status", "on_track")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile("status=on_track"))
    settle(page)
    assert [r.locator("th a").first.inner_text() for r in page.locator("table.saferhub-scorecard tbody tr").all()] == [
        "Criminal damage"
    ]
    assert_accessible(page, "journey-board-scorecard-on-track")

    # A row's "Why" link opens how its statuses are worked out.
    page.goto(live_server.url + "/scorecards/essex-safer-communities/")
    page.locator("table.saferhub-scorecard tbody tr").first.get_by_role("link", name=re.compile(r"^Why\W+how")).click()
    settle(page)
    expect(page.locator("h1")).to_have_text("How each status is worked out", use_inner_text=True)


def test_public_reader_gets_harlows_answer_in_three_clicks_without_scrolling(browser, live_server, board_figures):
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    clicks: list[str] = []
    page.goto(live_server.url + "/")
    _click(page, page.get_by_role("link", name="Areas", exact=True), clicks)
    assert_accessible(page, "journey-public-areas")
    _click(page, page.get_by_role("link", name="Harlow", exact=True), clicks)
    _click(page, page.get_by_role("link", name="All crime", exact=True).first, clicks)
    assert len(clicks) <= 3, clicks
    expect(page).to_have_url(re.compile(f"area={HARLOW}"))

    answer = page.locator("#answer")
    expect(answer).to_be_visible()
    box = answer.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= LAPTOP["height"], box
    assert box["x"] >= 0 and box["x"] + box["width"] <= LAPTOP["width"], box
    text = answer.inner_text()
    assert "Harlow" in text
    assert any(w in text for w in ("better than", "worse than", "similar to", "not compared"))
    assert any(w in text for w in ("getting better", "getting worse", "not changing much", "going up", "going down"))
    page.screenshot(path="/tmp/journey-public-answer.png")
    screenshot(page, "journey-public-answer")
    assert_accessible(page, "journey-public-indicator")

    # The Areas page also finds an area by part of its name, and by postcode (any case and spacing).
    page.goto(live_server.url + "/areas/")
    page.get_by_label("Find an area").fill("harl")
    page.get_by_role("button", name="Search").click()
    settle(page)
    expect(page.locator("#results")).to_have_text("1 area matches ‘harl’.", use_inner_text=True)
    expect(page.get_by_role("link", name="Harlow", exact=True)).to_be_visible()
    assert_accessible(page, "journey-public-area-search")
    from saferhub.geography.loaders.postcodes import geography_postcodes_load

    geography_postcodes_load()
    page.get_by_label("Find an area").fill("cm20 1ab")
    page.get_by_role("button", name="Search").click()
    settle(page)
    assert (
        page.locator("#results")
        .inner_text()
        .startswith("CM20 1AB is in postcode district CM20. CM20 is mostly in Harlow (97%)")
    )
    expect(page.get_by_role("link", name="Harlow", exact=True)).to_be_visible()
    screenshot(page, "journey-public-postcode-search")
    assert_accessible(page, "journey-public-postcode-search")
    context.close()


NARROW = {"width": 320, "height": 640}

#: For a failure message: the outermost elements that reach past the viewport's right edge and are not
#: inside a box that scrolls or clips (those are what make the page scroll sideways).
WIDE_ELEMENTS = r"""() => {
  const edge = document.documentElement.clientWidth + 1, out = [];
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  for (const el of document.querySelectorAll('body *')) {
    const right = el.getBoundingClientRect().right;
    if (right <= edge) continue;
    // An absolutely positioned box escapes a scrolling ancestor that is not positioned.
    const escapes = getComputedStyle(el).position === 'absolute';
    let p = el.parentElement, clipped = false;
    while (p && p !== document.body && !escapes) {
      const scrolls = getComputedStyle(p).overflowX !== 'visible';
      if (scrolls && p.getBoundingClientRect().right <= edge) { clipped = true; break; }
      p = p.parentElement;
    }
    if (clipped) continue;
    out.push(name(el.parentElement) + ' > ' + name(el) + ' ' + Math.round(right));
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    let p = node.parentElement, clipped = false;
    while (p && p !== document.body) {
      if (getComputedStyle(p).overflowX !== 'visible') { clipped = true; break; }
      p = p.parentElement;
    }
    if (clipped) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const right = range.getBoundingClientRect().right;
    const words = node.textContent.trim().slice(0, 40);
    if (right > edge) out.push(name(node.parentElement) + ' "' + words + '" ' + Math.round(right));
  }
  return [...out.slice(0, 3), ...out.slice(-3)];
}"""


@pytest.fixture
def hub_at_320(board_figures, shared_data, tmp_path):
    """The board's figures with Essex's district boundaries and Harlow's neighbourhoods (for the maps),
    the Essex actions and meetings, and a signed-in administrator to read them."""
    import json

    from saferhub.delivery.essex import delivery_essex_load
    from saferhub.geography.services import geography_boundaries_load
    from saferhub.governance.essex import governance_essex_load
    from tests.factories import UserFactory

    national = json.loads((shared_data / "boundaries" / "lad" / "ltla-2016-bsc.geojson").read_text())
    essex = {
        **national,
        "features": [f for f in national["features"] if f["properties"]["areacd"] in builders.CSP_CODES],
    }
    path = tmp_path / "essex-districts.geojson"
    path.write_text(json.dumps(essex))
    geography_boundaries_load(path=path, vintage="2016")
    geography_boundaries_load(path=shared_data / "boundaries" / "essex-lsoa-2011" / f"{HARLOW}.json", vintage="2011")
    delivery_essex_load()
    governance_essex_load()
    return UserFactory(username="narrow", is_superuser=True)


def test_no_page_scrolls_sideways_at_320_pixels_and_axe_passes(browser, live_server, hub_at_320):
    from saferhub.governance.models import Meeting
    from tests.factories import PASSWORD

    meeting = Meeting.objects.filter(partnership__slug="safer-essex").order_by("date").first()
    assert meeting is not None
    pages = {
        "start": "/",
        "areas": "/areas/",
        "harlow": f"/areas/{HARLOW}/",
        "compare": f"/areas/compare/?area={HARLOW}&area=E07000072&area=E07000066&area=E07000070",
        "scorecard": "/scorecards/essex-safer-communities/",
        "indicator": f"/indicators/burglary/?area={HARLOW}",
        "indicator-performance": f"/performance/indicators/burglary/?area={HARLOW}",
        "why": f"/performance/why/burglary/{HARLOW}/",
        "overdue-actions": "/actions/?view=overdue",
        "meeting": f"/governance/meetings/{meeting.pk}/",
        "maps": "/maps/",
        "accessibility": "/accessibility",
    }
    context = browser.new_context(viewport=NARROW)
    page = context.new_page()
    page.goto(live_server.url + "/account/sign-in/")
    page.get_by_label("Username").fill(hub_at_320.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    settle(page)
    widths, statuses, culprits, problems = {}, {}, {}, {}
    for name, url in pages.items():
        response = page.goto(live_server.url + url)
        statuses[name] = response.status if response else None
        page.wait_for_load_state("load")
        widths[name] = page.evaluate("document.documentElement.scrollWidth")
        if widths[name] > NARROW["width"]:
            culprits[name] = page.evaluate(WIDE_ELEMENTS)
        page.screenshot(path=f"/tmp/narrow-{name}.png", full_page=True)
        screenshot(page, f"narrow-{name}")
        found = axe_violations(page)
        if found:
            problems[name] = found
    context.close()
    assert set(statuses.values()) == {200}, statuses
    assert problems == {}, "axe-core found serious or critical problems at 320 px"
    assert {name: w for name, w in widths.items() if w > NARROW["width"]} == {}, culprits
