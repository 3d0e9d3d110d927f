"""Seed 000's relative ambition ("greater than 1 standard deviation below the national and regional
averages") is judged once comparator values exist (issue 15, item 4).

The expected outcome is worked out here from the stored values with the standard library's
statistics module, not with the hub's own statistics.
"""

from __future__ import annotations

import statistics

import pytest

from saferhub.framework.models import Target
from saferhub.geography.models import Area
from saferhub.measures.models import IndicatorValue
from saferhub.performance.models import IndicatorSummary
from saferhub.performance.services import performance_refresh
from tests.integration.performance import builders

pytestmark = pytest.mark.django_db

HARLOW = "E07000073"


def _relative_target(indicator, framework, area):
    return Target.objects.create(
        indicator=indicator,
        framework=framework,
        area=area,
        horizon=Target.Horizon.PLAN,
        kind=Target.Kind.RELATIVE,
        direction="reduce",
        wording="A lower rate than the national and regional averages, greater than 1 standard deviation below them.",
    )


def test_a_relative_ambition_is_judged_against_the_other_areas_of_its_country_and_region(essex_partnerships):
    indicator = builders.make_indicator("reoffending-like-rate", title="A rate with a relative ambition")
    builders.write_monthly(indicator, base=300, count=6)
    framework = builders.make_framework(essex_partnerships["safer-essex"], indicators=[indicator])
    harlow = Area.objects.get(code=HARLOW)
    _relative_target(indicator, framework, harlow)
    performance_refresh(indicator=indicator)

    latest = IndicatorValue.objects.filter(indicator=indicator, area=harlow).latest("period_start")
    others = list(
        IndicatorValue.objects.filter(indicator=indicator, period_label=latest.period_label, area__area_type="district")
        .exclude(area=harlow)
        .values_list("value", flat=True)
    )
    assert len(others) == 11  # the other Essex districts: in the East of England and in England
    mean, sd = statistics.mean(others), statistics.stdev(others)
    met = latest.value < mean - sd

    summary = IndicatorSummary.objects.get(indicator=indicator, area=harlow)
    target = summary.detail["target"]
    assert summary.target_status == ("on_track" if met else "off_track")
    assert "national (England)" in target["reason"] and "regional (East of England)" in target["reason"]
    assert f"{abs((latest.value - mean) / sd):.2f} SD" in target["reason"]
    assert "more than 1 SD below each average" in target["reason"]


def test_without_comparator_values_a_relative_ambition_says_what_it_waits_for(essex_partnerships):
    indicator = builders.make_indicator("lonely-rate", title="A rate only one district has")
    builders.write_monthly(indicator, base=300, count=6, codes=[HARLOW])
    framework = builders.make_framework(essex_partnerships["safer-essex"], indicators=[indicator])
    harlow = Area.objects.get(code=HARLOW)
    _relative_target(indicator, framework, harlow)
    performance_refresh(indicator=indicator)

    summary = IndicatorSummary.objects.get(indicator=indicator, area=harlow)
    assert summary.target_status == "not_assessed"
    assert "has 0 values: it needs 2" in summary.detail["target"]["reason"]
