"""Issue 15, item 5: NI 18 read "No ambition set" though the plan sets 7.7% and 7.4%: an indicator
with an ambition but no values yet is "Not assessed"; one with neither is "No ambition set"."""

from __future__ import annotations

from datetime import date

import pytest

from saferhub.performance.pages.scorecard import scorecard_rows
from tests.integration.performance import builders

pytestmark = pytest.mark.django_db


def test_an_ambition_without_values_is_not_assessed_rather_than_missing(essex_partnerships):
    with_ambition = builders.make_indicator("reoffending-with-ambition", title="Re-offending")
    without = builders.make_indicator("cleanliness-without-ambition", title="Cleanliness")
    framework = builders.make_framework(essex_partnerships["safer-essex"], indicators=[with_ambition, without])
    builders.add_target(with_ambition, framework, value=7.7, due=date(2010, 3, 31))
    rows = {
        r.indicator.slug: r.target.text
        for r in scorecard_rows(framework=framework, area=framework.area, today=date(2026, 1, 1), sparklines=False)
    }
    assert rows == {"reoffending-with-ambition": "Not assessed", "cleanliness-without-ambition": "No ambition set"}
