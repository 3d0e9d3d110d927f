"""Selectors: freshness against the frequency, spine-chart positions, map breaks, the record-store
fallback for crime by type, and the context the framework's indicator page includes."""

from __future__ import annotations

import datetime as dt

import pytest

from saferhub.performance import charts, selectors

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("days_since_end", "status"), [(10, "current"), (93, "current"), (94, "due"), (124, "due"), (125, "overdue")]
)
def test_monthly_values_are_due_after_two_months_and_overdue_after_three(days_since_end, status):
    end = dt.date(2024, 4, 30)
    result = selectors.freshness(frequency="monthly", period_end=end, today=end + dt.timedelta(days=days_since_end))
    assert result["status"] == status and result["age_days"] == days_since_end


def test_freshness_without_a_schedule_or_a_value_is_unknown():
    assert (
        selectors.freshness(frequency="ad_hoc", period_end=dt.date(2024, 1, 31), today=dt.date(2025, 1, 1))["status"]
        == "unknown"
    )
    assert selectors.freshness(frequency="monthly", period_end=None, today=dt.date(2025, 1, 1))["status"] == "unknown"


def test_spine_puts_the_benchmark_in_the_middle_and_better_to_the_right():
    values = [4.0, 5.0, 6.0, 7.0, 8.0]
    lower = selectors._spine_position(values, 5.0, 6.0, "lower_is_better")
    assert lower["x_area"] > 0.5  # below the benchmark is better when lower is better: right of centre
    assert (lower["worst"], lower["best"]) == ("8", "4")
    higher = selectors._spine_position(values, 5.0, 6.0, "higher_is_better")
    assert higher["x_area"] < 0.5 and higher["x_min"] == 0.0 and higher["x_max"] == 1.0


def test_map_breaks_hold_about_equal_numbers_and_are_stated():
    values = [float(v) for v in range(1, 21)]
    breaks = charts.breaks_for(values)
    assert breaks == sorted(breaks) and len(breaks) == 4
    legend = charts.legend_items(breaks, 1.0, 20.0, digits=0)
    assert legend[0]["text"] == f"1 to under {breaks[0]:g}" and legend[-1]["text"] == f"{breaks[-1]:g} to 20"


def test_crime_by_type_falls_back_to_indicator_values(essex_geography, settings, tmp_path):
    from tests.integration.performance import builders

    settings.SAFERHUB_RECORD_STORE = str(tmp_path / "empty-store")
    burglary = builders.make_indicator("crime-burglary", title="Crime: burglary", value_type="count")
    builders.write_monthly(burglary, count=2, codes=["E07000073"], base=50)
    result = selectors.crime_by_type_and_month(area=essex_geography["E07000073"])
    assert result["source"].startswith("indicator values")
    assert result["types"] == ["Crime: burglary"] and result["periods"] == ["2022-05", "2022-06"]


def test_the_framework_page_include_gets_rendered_html(crime_framework):
    from django.template.loader import render_to_string

    context = selectors.indicator_performance_context(indicator=crime_framework["crime"], area=None)
    html = render_to_string("performance/indicator_performance.html", context)
    assert 'id="performance-heading"' in html and 'id="turn-the-curve"' in html
