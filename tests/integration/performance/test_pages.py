"""Page builders: spine-chart positions, the indicator-value source of crime by type, and the
rendered section the framework's indicator page includes."""

from __future__ import annotations

import datetime as dt

import pytest

from saferhub.performance.fragments import indicator_performance_context
from saferhub.performance.pages.crime_table import crime_by_type_and_month
from saferhub.performance.pages.profile import spine_position

pytestmark = pytest.mark.django_db


def test_spine_puts_the_benchmark_in_the_middle_and_better_to_the_right():
    values = [4.0, 5.0, 6.0, 7.0, 8.0]
    lower = spine_position(values, 5.0, 6.0, "lower_is_better")
    assert lower["x_area"] > 0.5  # below the benchmark is better when lower is better: right of centre
    assert (lower["worst"], lower["best"]) == ("8", "4")
    higher = spine_position(values, 5.0, 6.0, "higher_is_better")
    assert higher["x_area"] < 0.5 and higher["x_min"] == 0.0 and higher["x_max"] == 1.0


def test_crime_by_type_reads_the_crime_type_values(essex_geography):
    """The table shows the same figures as the indicator pages, so one decision hides the same cells."""
    from tests.integration.performance import builders

    burglary = builders.make_indicator("crime-burglary", title="Crime: burglary", value_type="count")
    builders.write_monthly(burglary, count=2, codes=["E07000073"], base=50)
    result = crime_by_type_and_month(area=essex_geography["E07000073"])
    assert result["source"].startswith("police.uk street-level records")
    assert result["types"] == ["Burglary"] and result["periods"] == ["2022-05", "2022-06"]


def test_the_framework_page_include_gets_rendered_html(crime_framework):
    from django.template.loader import render_to_string

    context = indicator_performance_context(indicator=crime_framework["crime"], area=None, today=dt.date(2024, 6, 1))
    html = render_to_string("performance/indicator_performance.html", context)
    assert 'id="performance-heading"' in html and 'id="turn-the-curve"' in html


def test_the_lsoa_map_hides_enough_that_a_hidden_district_total_is_not_given_back(essex_geography):
    """The LSOAs add up to the district's month: where that month's all-crime figure is hidden on the
    district's pages, the map does not state the total and hides at least one LSOA, so that their
    sum cannot give it back; where it is shown, only what the small counts need is hidden."""
    from saferhub.core.models import SuppressedFigure
    from saferhub.performance.pages.maps import _lsoa_hidden
    from tests.disclosure_audit import exactly_derivable

    harlow = essex_geography["E07000073"]
    counts = {"E01021999": 40, "E01022000": 25, "E01022001": 31}
    assert _lsoa_hidden(area=harlow, month="2024-01", counts=counts) == (set(), False)
    SuppressedFigure.objects.create(
        family="police-uk-crime", measure="all-crime", area_code=harlow.code, period_label="2024-01", reason="secondary"
    )
    hidden, total_hidden = _lsoa_hidden(area=harlow, month="2024-01", counts=counts)
    assert total_hidden and hidden
    relation = [("total", 1), *((c, -1) for c in counts)]
    unknown = {"total", *hidden}
    assert not exactly_derivable([relation], unknown, "total")
    with_small = {**counts, "E01022002": 3}
    hidden, _ = _lsoa_hidden(area=harlow, month="2024-02", counts=with_small)
    assert "E01022002" in hidden and len(hidden) >= 2
