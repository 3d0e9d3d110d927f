"""Fixtures for the performance pages: Essex areas and partnerships, a framework of monthly crime
indicators with values for every district, the county and the force area, and their summaries."""

from __future__ import annotations

from datetime import date

import pytest

from tests.integration.performance import builders


@pytest.fixture(autouse=True)
def empty_cache():
    """Rendered sections are cached in memory between requests; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def crime_framework(essex_partnerships):
    """Two monthly indicators (all crime, anti-social behaviour), 24 months, refreshed summaries."""
    from saferhub.geography.models import Area
    from saferhub.performance.services import performance_refresh

    crime = builders.make_indicator("all-crime", title="All crime")
    asb = builders.make_indicator("anti-social-behaviour", title="Anti-social behaviour", lead_role="ASB lead")
    builders.write_monthly(crime, base=600, step=2)
    builders.write_monthly(asb, base=150)
    framework = builders.make_framework(essex_partnerships["safer-essex"], indicators=[crime, asb])
    builders.add_target(crime, framework, value=6.0, due=date(2025, 3, 31), area=Area.objects.get(code=builders.COUNTY))
    performance_refresh()
    return {"framework": framework, "crime": crime, "asb": asb, "partnerships": essex_partnerships}
