"""Writing indicator values: intervals computed once at write time, all rows or none."""

import pytest

from saferhub.core.errors import ValidationProblem
from saferhub.framework.models import Indicator, ValueType
from saferhub.measures.models import IndicatorValue
from saferhub.measures.services import indicator_values_write

pytestmark = pytest.mark.django_db


@pytest.fixture
def feel_safe(essex_geography):
    return Indicator.objects.create(
        slug="feel-safe-after-dark",
        title="Feel safe after dark",
        value_type=ValueType.PERCENTAGE,
        polarity="higher_is_better",
    )


def test_a_survey_percentage_gets_wilson_limits(feel_safe):
    # METHODS.md: 65/100 → 95% 0.55254–0.73636; 99.8% 0.49549–0.77835 (as percentages here).
    indicator_values_write(
        indicator=feel_safe, rows=[{"area": "E07000073", "period": "2013", "numerator": 65, "denominator": 100}]
    )
    v = IndicatorValue.objects.get()
    assert v.value == pytest.approx(65.0)
    assert (v.lower_95, v.upper_95) == (pytest.approx(55.254, abs=1e-3), pytest.approx(73.636, abs=1e-3))
    assert (v.lower_998, v.upper_998) == (pytest.approx(49.549, abs=1e-3), pytest.approx(77.835, abs=1e-3))
    assert "Wilson" in v.interval_method
    assert (v.period_kind, str(v.period_start), str(v.period_end)) == ("year", "2013-01-01", "2013-12-31")


def test_a_rate_gets_byar_limits(essex_geography):
    crime = Indicator.objects.create(slug="all-crime", title="All crime", value_type=ValueType.RATE_PER_1000)
    indicator_values_write(
        indicator=crime, rows=[{"area": "E07000073", "period": "2024-01", "numerator": 65, "denominator": 1000}]
    )
    v = IndicatorValue.objects.get()
    # Byar 65 → 50.1632–82.8491 (METHODS.md), per 1,000 of 1,000 people.
    assert v.value == pytest.approx(65.0)
    assert (v.lower_95, v.upper_95) == (pytest.approx(50.1632, abs=1e-4), pytest.approx(82.8491, abs=1e-4))


def test_writing_the_same_rows_twice_changes_nothing(feel_safe):
    rows = [{"area": "E07000073", "period": "2013", "numerator": 65, "denominator": 100}]
    indicator_values_write(indicator=feel_safe, rows=rows)
    summary = indicator_values_write(indicator=feel_safe, rows=rows)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 1)
    assert IndicatorValue.history.count() == 1


def test_a_revision_keeps_the_old_value_in_history(feel_safe):
    indicator_values_write(indicator=feel_safe, rows=[{"area": "E07000073", "period": "2013", "value": 60}])
    summary = indicator_values_write(indicator=feel_safe, rows=[{"area": "E07000073", "period": "2013", "value": 62}])
    assert summary.updated == 1
    assert [h.value for h in IndicatorValue.history.order_by("history_date")] == [60, 62]


def test_dry_run_previews_without_writing(feel_safe):
    summary = indicator_values_write(
        indicator=feel_safe, dry_run=True, rows=[{"area": "E07000073", "period": "2013", "value": 60}]
    )
    assert summary.created == 1 and summary.changes[0]["change"] == "new"
    assert IndicatorValue.objects.count() == 0


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"numerator": 12, "denominator": 10}, "returns.csv, row 4: numerator 12 is larger than denominator 10"),
        ({"numerator": -1, "denominator": 10}, "returns.csv, row 4: numerator -1 is negative"),
        ({"numerator": "lots", "denominator": 10}, "returns.csv, row 4: numerator 'lots' is not a number"),
        ({"numerator": 5, "denominator": 0}, "returns.csv, row 4: denominator is 0"),
        ({"numerator": 5, "denominator": 10, "value": 70}, "value 70 does not match numerator and denominator"),
        ({"area": "E07000099", "value": 5}, "area 'E07000099' is not an area in the hub"),
        ({"period": "2013-13", "value": 5}, "'2013-13' is not a real date"),
    ],
)
def test_bad_rows_are_refused_and_nothing_is_written(feel_safe, row, message):
    good = {"area": "E07000070", "period": "2013", "value": 50}
    bad = {"area": "E07000073", "period": "2013", "where": "returns.csv, row 4", **row}
    with pytest.raises(ValidationProblem, match=message):
        indicator_values_write(indicator=feel_safe, rows=[good, bad])
    assert IndicatorValue.objects.count() == 0


def test_duplicate_rows_are_refused(feel_safe):
    row = {"area": "E07000073", "period": "2013", "value": 50}
    with pytest.raises(ValidationProblem, match="E07000073 2013 appears twice"):
        indicator_values_write(indicator=feel_safe, rows=[row, dict(row)])
