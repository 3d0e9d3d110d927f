"""performance_refresh: summaries for every indicator and area with values, benchmarks named, the
same result twice, and nothing left behind for values that have gone."""

from __future__ import annotations

import pytest

from saferhub.measures.models import IndicatorValue
from saferhub.performance.models import IndicatorSummary
from saferhub.performance.services import performance_refresh
from tests.integration.performance import builders

pytestmark = pytest.mark.django_db


def test_every_area_with_values_gets_a_summary(crime_framework):
    crime = crime_framework["crime"]
    areas = set(IndicatorValue.objects.filter(indicator=crime).values_list("area__code", flat=True))
    assert set(IndicatorSummary.objects.filter(indicator=crime).values_list("area__code", flat=True)) == areas
    assert len(areas) == 16  # 14 community safety partnership areas, the county and the force area


def test_the_latest_value_and_interval_are_those_stored(crime_framework):
    crime = crime_framework["crime"]
    latest = IndicatorValue.objects.filter(indicator=crime, area__code="E07000073").order_by("-period_start").first()
    s = IndicatorSummary.objects.get(indicator=crime, area__code="E07000073")
    assert (s.latest_period_label, s.latest_value, s.latest_lower_95, s.latest_upper_95) == (
        latest.period_label,
        latest.value,
        latest.lower_95,
        latest.upper_95,
    )
    assert s.points == 24 and s.completeness == 1.0


def test_a_district_is_compared_with_its_county_first(crime_framework):
    s = IndicatorSummary.objects.get(indicator=crime_framework["crime"], area__code="E07000073")
    county = IndicatorValue.objects.get(
        indicator=crime_framework["crime"], area__code="E10000012", period_label=s.latest_period_label
    )
    assert s.benchmark_name == "Essex"
    assert s.detail["benchmark"]["benchmark"] == county.value
    inside = s.latest_lower_95 <= county.value <= s.latest_upper_95
    expected = "similar" if inside else ("better" if s.latest_upper_95 < county.value else "worse")
    assert s.benchmark_outcome == expected
    names = [c["name"] for c in s.detail["comparisons"]]
    assert names[:2] == ["Essex", "Essex Police"] and "Essex community safety partnership areas" in names


def test_a_unitary_outside_the_county_is_compared_with_its_force_area(crime_framework):
    s = IndicatorSummary.objects.get(indicator=crime_framework["crime"], area__code="E06000033")
    assert s.benchmark_name == "Essex Police"


def test_the_county_summary_holds_its_districts_and_funnel(crime_framework):
    s = IndicatorSummary.objects.get(indicator=crime_framework["crime"], area__code="E10000012")
    districts = s.detail["districts"]
    assert len(districts["rows"]) == 12 and districts["funnel"]["statistic"] == "rate"
    assert s.target_status in {"on_track", "at_risk", "off_track"}
    assert s.detail["forecast"]["points"]


def test_refreshing_twice_changes_nothing_but_the_time(crime_framework):
    before = {(s.indicator_id, s.area_id): s.detail for s in IndicatorSummary.objects.all()}
    summary = performance_refresh()
    after = {(s.indicator_id, s.area_id): s.detail for s in IndicatorSummary.objects.all()}
    assert summary.removed == 0 and before == after


def test_one_indicator_in_one_area_can_be_refreshed_alone(crime_framework):
    from saferhub.geography.models import Area

    harlow = Area.objects.get(code="E07000073")
    IndicatorSummary.objects.filter(area=harlow).delete()
    summary = performance_refresh(indicator=crime_framework["crime"], area=harlow)
    assert summary.written == 1
    assert IndicatorSummary.objects.filter(area=harlow).count() == 1


def test_summaries_for_values_that_have_gone_are_removed(crime_framework):
    IndicatorValue.objects.filter(indicator=crime_framework["asb"], area__code="E07000073").delete()
    summary = performance_refresh(indicator=crime_framework["asb"])
    assert summary.removed == 1
    assert not IndicatorSummary.objects.filter(indicator=crime_framework["asb"], area__code="E07000073").exists()


def test_an_empty_hub_refreshes_to_nothing(essex_geography):
    assert str(performance_refresh()) == "0 summaries written for 0 indicators, 0 removed"


def test_a_hub_with_an_indicator_but_no_values_has_no_summaries(essex_geography):
    builders.make_indicator("all-crime")
    summary = performance_refresh()
    assert summary.written == 0 and IndicatorSummary.objects.count() == 0


def test_a_refresh_rewrites_every_field_of_a_summary_in_place(crime_framework):
    """Summaries are upserted in batches: an existing one keeps its key and first-made time, and every
    field the refresh computes is written again (a field missing from the upsert's list would keep a
    stale value)."""
    import datetime as dt

    from saferhub.performance import services

    written = {f.name for f in IndicatorSummary._meta.concrete_fields} - {"id", "indicator", "area", "created_at"}
    assert set(services._SUMMARY_FIELDS) | {"updated_at"} == written
    crime = crime_framework["crime"]
    old = IndicatorSummary.objects.get(indicator=crime, area__code="E07000073")
    stale = dict.fromkeys(("latest_value", "latest_lower_95", "latest_upper_95", "completeness"))
    IndicatorSummary.objects.filter(pk=old.pk).update(
        **stale, points=0, trend="stale", detail={}, computed_at=old.computed_at - dt.timedelta(days=9)
    )
    performance_refresh(indicator=crime)
    new = IndicatorSummary.objects.get(indicator=crime, area__code="E07000073")
    assert (new.pk, new.created_at) == (old.pk, old.created_at)
    assert new.updated_at >= old.updated_at and new.computed_at > old.computed_at
    for name in services._SUMMARY_FIELDS:
        if name not in ("computed_at",):
            assert getattr(new, name) == getattr(old, name), name


def test_one_indicator_and_a_list_together_are_refused(crime_framework):
    crime = crime_framework["crime"]
    with pytest.raises(ValueError, match="not both"):
        performance_refresh(indicator=crime, indicators=[crime])
    assert performance_refresh(indicators=[crime, crime]).indicators == 1  # a list is read once per indicator


def test_summaries_written_in_many_small_batches_are_those_written_at_once(crime_framework, monkeypatch):
    """The refresh writes summaries as it makes them, a batch at a time: with batches of one, every
    summary is still written, each with the same figures and detail."""
    from saferhub.performance import services

    fields = ["indicator_id", "area_id", *(f for f in services._SUMMARY_FIELDS if f != "computed_at")]
    at_once = list(IndicatorSummary.objects.order_by("indicator_id", "area_id").values_list(*fields))
    IndicatorSummary.objects.all().delete()
    monkeypatch.setattr(services, "_WRITE_BATCH", 1)
    performance_refresh()
    assert list(IndicatorSummary.objects.order_by("indicator_id", "area_id").values_list(*fields)) == at_once
    assert len(at_once) > 1
