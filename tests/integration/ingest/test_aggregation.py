"""From records to indicator values: missing is never zero, counties need all their districts,
force areas count every record, rates use populations, and low months are flagged."""

from __future__ import annotations

import pytest

from saferhub.ingest.services import police_uk_import
from saferhub.measures.models import IndicatorValue
from tests.integration.ingest.conftest import street_file, street_row

pytestmark = pytest.mark.django_db


def values(slug: str, code: str) -> dict[str, IndicatorValue]:
    return {v.period_label: v for v in IndicatorValue.objects.filter(indicator__slug=slug, area__code=code)}


def month_file(folder, month: str, rows: list[str], force: str = "essex"):
    sub = folder / month
    sub.mkdir(exist_ok=True)
    return street_file(sub, rows, name=f"{month}-{force}-street.csv")


def test_a_month_with_no_file_is_missing_but_a_type_with_no_records_is_zero(essex_geography, tmp_path):
    police_uk_import(
        paths=[
            month_file(tmp_path, "2024-01", [street_row()]),
            month_file(tmp_path, "2024-03", [street_row(month="2024-03")]),
        ]
    )
    robbery = values("crime-robbery", "E07000066")
    assert set(robbery) == {"2024-01", "2024-03"}  # February: no data, so no value at all
    assert robbery["2024-01"].value == 0  # Essex's January file speaks for Basildon: zero robberies
    harlow = values("all-crime", "E07000073")
    assert harlow["2024-01"].value == 0


def test_counts_rates_and_the_county_and_force_totals(essex_geography, tmp_path):
    rows = [
        street_row(),
        street_row(location="On or near B", crime_type="Anti-social behaviour"),
        street_row(lsoa="E01021600", lsoa_name="Harlow 001A", location="On or near C"),
        street_row(lsoa="E01015000", lsoa_name="Southend-on-Sea 001A", location="On or near D"),
        street_row(lsoa="", lsoa_name="", lon="", lat="", location="No Location", crime_type="Robbery"),
    ]
    police_uk_import(paths=[street_file(tmp_path, rows)])
    assert values("all-crime", "E07000066")["2024-01"].value == 1
    assert values("anti-social-behaviour", "E07000066")["2024-01"].value == 1
    # Essex county: its 12 districts (not the unitaries, not the record with no location)
    assert values("all-crime", "E10000012")["2024-01"].value == 2
    # the force area: every record Essex Police published
    assert values("all-crime", "E23000028")["2024-01"].value == 4
    rate = values("all-crime-rate", "E07000073")["2024-01"]
    assert rate.numerator == 1 and rate.denominator == 96040  # Harlow, mid-2023 (the latest before 2024)
    assert rate.value == pytest.approx(1000 / 96040)
    assert rate.interval_method and rate.lower_95 < rate.value < rate.upper_95


def test_a_month_far_below_the_usual_volume_is_flagged_and_new_months_reflag(essex_geography, tmp_path):
    usual = [street_row(month="2023-0X", location=f"On or near {i}") for i in range(20)]
    months = ["2023-01", "2023-02", "2023-03", "2023-04"]
    files = [
        month_file(tmp_path, m, [r.replace("2023-0X", m) for r in (usual if m != "2023-03" else usual[:10])])
        for m in months
    ]
    police_uk_import(paths=files[:3])  # only two months to compare March with: too few to judge
    assert values("all-crime", "E23000028")["2023-03"].quality_flags == []
    police_uk_import(paths=[files[3]])  # a fourth month arrives: March is now judged, and flagged
    flags = {m: v.quality_flags for m, v in values("all-crime", "E23000028").items()}
    assert flags == {"2023-01": [], "2023-02": [], "2023-03": ["low_volume"], "2023-04": []}
    assert values("all-crime", "E07000066")["2023-03"].quality_flags == ["low_volume"]


def test_only_the_months_an_import_touches_are_recomputed(essex_geography, tmp_path):
    first = police_uk_import(paths=[month_file(tmp_path, "2024-01", [street_row()])])
    second = police_uk_import(paths=[month_file(tmp_path, "2024-02", [street_row(month="2024-02")])])
    january = values("all-crime", "E07000066")["2024-01"]
    assert january.source_import_id == first.import_run.pk
    assert second.values["changed"] == 0 and second.values["unchanged"] == 0


def test_an_import_refreshes_the_performance_summaries_of_what_it_wrote(essex_geography, tmp_path):
    from saferhub.performance.models import IndicatorSummary

    police_uk_import(paths=[street_file(tmp_path, [street_row()])])
    summary = IndicatorSummary.objects.get(indicator__slug="all-crime", area__code="E07000066")
    assert summary.latest_period_label == "2024-01"
    police_uk_import(paths=[month_file(tmp_path, "2024-02", [street_row(month="2024-02")])])
    summary.refresh_from_db()
    assert summary.latest_period_label == "2024-02"
