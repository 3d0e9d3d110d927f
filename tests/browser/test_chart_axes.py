"""Issue 15: on an indicator page in a real browser, every tick of the time axis says its month and
year (it read "October" before) and the line stops at a gap in the data instead of bridging it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.integration.performance import builders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gapped(essex_partnerships):
    from saferhub.performance.services import performance_refresh

    asb = builders.make_indicator("asb-gapped", title="Anti-social behaviour with a gap", lead_role="ASB lead")
    builders.write_monthly(asb, first="2018-10", count=5, base=150, codes=["E07000073"])
    builders.write_monthly(asb, first="2024-01", count=12, base=120, codes=["E07000073"])
    performance_refresh()
    return asb


def test_ticks_say_month_and_year_and_the_line_stops_at_the_gap(page, live_server, gapped):
    page.goto(f"{live_server.url}/performance/indicators/{gapped.slug}/?area=E07000073")
    for chart in ("#spc", "#turn-the-curve"):
        svg = page.locator(f"{chart} svg")
        expect(svg).to_have_count(1)
        texts = [(t or "").strip() for t in svg.first.locator("text").evaluate_all("ts => ts.map(t => t.textContent)")]
        ticks = [t for t in texts if re.fullmatch(r"[A-Z][a-z]{2} \d{4}", t)]
        assert len(ticks) >= 3, (chart, texts)
        assert not [t for t in texts if re.fullmatch(r"(January|February|October|November|December)", t)]
    # No line bridges the five years without data: every line path of either chart covers less than
    # half the width the lines cover together (a bridged line would span it all).
    for chart in ("#spc", "#turn-the-curve"):
        spans = [
            _x_span(d)
            for d in page.locator(f"{chart} svg g.mark-line path").evaluate_all(
                "paths => paths.map(p => p.getAttribute('d'))"
            )
        ]
        spans = [s for s in spans if s is not None]
        assert len(spans) >= 2, chart
        whole = max(hi for _, hi in spans) - min(lo for lo, _ in spans)
        assert all(hi - lo < whole / 2 for lo, hi in spans), (chart, spans)
    page.screenshot(path="test-results/chart-axes-gap.png", full_page=True)


def _x_span(d: str | None) -> tuple[float, float] | None:
    """The x extent of an SVG path made of M/L commands (Vega's lines)."""
    if not d:
        return None
    xs = [float(x) for x in re.findall(r"[ML](-?[\d.]+),", d)]
    return (min(xs), max(xs)) if xs else None
