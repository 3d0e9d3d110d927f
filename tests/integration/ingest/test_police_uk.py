"""police.uk street-level files: counts, assignment to areas, replacement by month, provenance."""

from __future__ import annotations

import gzip
import hashlib
import zipfile

import pytest

from saferhub.ingest.models import Import, ImportFile
from saferhub.ingest.problems import AlreadyImported
from saferhub.ingest.services import police_uk_import
from saferhub.measures.models import IndicatorValue
from tests.integration.ingest.conftest import street_file, street_row

pytestmark = pytest.mark.django_db

ESSEX_CODES = {f"E070000{n}" for n in range(66, 78)} | {"E06000033", "E06000034"}

# ../shared/data/README.md: file rows / rows in the 14 Essex areas / of which ASB / rows with no LSOA
README_COUNTS = {
    "2018-10": (17791, 17675, 3824, 79),
    "2018-11": (17050, 16909, 3223, 91),
    "2018-12": (16587, 16452, 3126, 84),
    "2019-01": (16428, 16318, 2999, 52),
    "2019-02": (16377, 16285, 3269, 63),
    "2024-01": (13148, 12982, 940, 155),
    "2024-02": (12722, 12611, 1189, 101),
    "2024-03": (14092, 13559, 1209, 524),
    "2024-04": (12875, 12249, 1166, 614),
}


def value(slug: str, code: str, period: str, breakdown: str = "") -> IndicatorValue:
    return IndicatorValue.objects.get(indicator__slug=slug, area__code=code, period_label=period, breakdown=breakdown)


@pytest.mark.slow
def test_importing_every_month_reproduces_the_readme_counts(essex_geography, shared_data, store):
    """All six forces' files for the nine months, at once; Essex's counts match the README exactly."""
    files = sorted(shared_data.glob("police-uk/20*/*-street.csv"))
    assert len(files) == 54
    outcome = police_uk_import(paths=files)
    assert outcome.import_run.status == Import.Status.COMMITTED
    assert ImportFile.objects.filter(import_run=outcome.import_run).count() == 54
    by_month: dict[str, dict[str, int]] = {}
    rows = store.grouped_counts(by=["month", "force", "area_status", "kind"], sources=["police-uk"])
    for month, force, status, kind, n in rows:
        if force != "Essex Police":
            continue
        c = by_month.setdefault(month, {"rows": 0, "assigned": 0, "asb": 0, "no_location": 0})
        c["rows"] += n
        c["assigned"] += n if status == "assigned" else 0
        c["asb"] += n if status == "assigned" and kind == "asb" else 0
        c["no_location"] += n if status == "no_location" else 0
    for month, (rows_in_file, in_areas, asb, no_lsoa) in README_COUNTS.items():
        assert by_month[month] == {"rows": rows_in_file, "assigned": in_areas, "asb": asb, "no_location": no_lsoa}, (
            month
        )
        # The same figures from the indicator values: the 14 areas' crimes and ASB add up.
        crimes = sum(value("all-crime", code, month).value for code in ESSEX_CODES)
        asb_values = sum(value("anti-social-behaviour", code, month).value for code in ESSEX_CODES)
        assert (crimes + asb_values, asb_values) == (in_areas, asb), month
        # The force area counts every record Essex Police published, located or not.
        force_total = (
            value("all-crime", "E23000028", month).value + value("anti-social-behaviour", "E23000028", month).value
        )
        assert force_total == rows_in_file
    # Kent's 2018-11 and 2018-12 are far below its usual volume, and say so; other months do not.
    flagged = {
        v.period_label
        for v in IndicatorValue.objects.filter(indicator__slug="all-crime", area__code="E23000032")
        if "low_volume" in v.quality_flags
    }
    assert flagged == {"2018-11", "2018-12"}


def test_rows_are_assigned_by_lsoa_name_in_either_vintage_and_others_reported(essex_geography, tmp_path, store):
    rows = [
        street_row(lsoa="E01021237", lsoa_name="Basildon 001A"),  # 2011 code
        street_row(lsoa="E01035000", lsoa_name="Colchester 012F", location="On or near High Street"),  # 2021 code
        street_row(lsoa="E01029905", lsoa_name="Babergh 010G", crime_type="Anti-social behaviour"),  # Suffolk
        street_row(lsoa="", lsoa_name="", lon="", lat="", location="No Location", crime_type="Robbery"),
    ]
    outcome = police_uk_import(paths=[street_file(tmp_path, rows)])
    totals = outcome.stage.totals["street"]
    assert (totals["rows"], totals["assigned"], totals["outside"], totals["no_location"]) == (4, 2, 1, 1)
    assert any("1 rows lie outside" in n and "Babergh 1" in n for n in outcome.stage.notes)
    assert any("1 rows have no location" in n for n in outcome.stage.notes)
    assert store.grouped_counts(by=["area_code"], assigned_only=True) == [("E07000066", 1), ("E07000071", 1)]
    assert value("all-crime", "E07000071", "2024-01").value == 1
    # The force area counts all four records, including the ones in no district.
    assert value("all-crime", "E23000028", "2024-01").value == 3
    assert value("anti-social-behaviour", "E23000028", "2024-01").value == 1


def test_a_file_is_read_as_2021_vintage_when_it_has_2021_only_codes(essex_geography, tmp_path, store):
    police_uk_import(
        paths=[street_file(tmp_path, [street_row(lsoa="E01035000", lsoa_name="Colchester 012F"), street_row()])]
    )
    assert store.grouped_counts(by=["lsoa_code", "lsoa_vintage"]) == [
        ("E01021237", "2021", 1),
        ("E01035000", "2021", 1),
    ]


def test_reimporting_a_month_replaces_exactly_that_month_for_that_force(essex_geography, tmp_path, store):
    jan = street_file(tmp_path, [street_row(), street_row(location="On or near A Road")])
    feb = street_file(tmp_path, [street_row(month="2024-02")], name="2024-02-essex-street.csv")
    kent = street_file(
        tmp_path,
        [street_row(force="Kent Police", lsoa="E01024011", lsoa_name="Ashford 013C")],
        name="2024-01-kent-street.csv",
    )
    first = police_uk_import(paths=[jan, feb, kent])
    (tmp_path / "again").mkdir()
    jan_again = street_file(tmp_path / "again", [street_row(crime_type="Drugs")])
    second = police_uk_import(paths=[jan_again])
    assert second.compare == {"new": 0, "replaced": 1, "unchanged": 0, "rows_before": 2, "rows_after": 1}
    assert store.grouped_counts(by=["month", "force", "category"]) == [
        ("2024-01", "Essex Police", "Drugs", 1),
        ("2024-01", "Kent Police", "Burglary", 1),
        ("2024-02", "Essex Police", "Burglary", 1),
    ]
    basildon_jan = value("crime-burglary", "E07000066", "2024-01")
    assert basildon_jan.value == 0 and basildon_jan.source_import_id == second.import_run.pk
    assert value("crime-drugs", "E07000066", "2024-01").value == 1
    assert value("crime-burglary", "E07000066", "2024-02").source_import_id == first.import_run.pk
    assert Import.objects.get(pk=first.import_run.pk).status == Import.Status.COMMITTED  # still owns Feb and Kent


def test_an_import_whose_months_are_all_replaced_is_marked_replaced(essex_geography, tmp_path):
    first = police_uk_import(paths=[street_file(tmp_path, [street_row()])])
    (tmp_path / "b").mkdir()
    police_uk_import(paths=[street_file(tmp_path / "b", [street_row(crime_type="Drugs")])])
    first.import_run.refresh_from_db()
    assert first.import_run.status == Import.Status.REPLACED


def test_the_same_file_twice_is_recognised_and_changes_nothing(essex_geography, tmp_path, store):
    path = street_file(tmp_path, [street_row()])
    first = police_uk_import(paths=[path])
    manifest = store.manifest()
    with pytest.raises(AlreadyImported, match=rf"already imported \(import {first.import_run.pk}"):
        police_uk_import(paths=[path])
    assert store.manifest() == manifest
    refused = Import.objects.latest("id")
    assert refused.status == Import.Status.REJECTED and "already imported" in refused.error
    again = police_uk_import(paths=[path], again=True)
    assert again.compare["unchanged"] == 1 and again.values["new"] == 0 and again.values["changed"] == 0


def test_lower_case_variant_files_import_like_the_standard_ones(essex_geography, shared_data, store):
    path = shared_data / "police-uk/variants/essex-2018-lowercase-header/2018-01-essex-street.csv"
    outcome = police_uk_import(paths=[path])
    assert outcome.stage.totals["street"]["rows"] == sum(1 for _ in path.open()) - 1
    assert store.grouped_counts(by=["month"]) == [("2018-01", outcome.stage.totals["street"]["rows"])]


def test_outcomes_files_are_kept_as_outcome_records(essex_geography, shared_data, store):
    folder = shared_data / "police-uk/variants/outcomes-sample"
    outcome = police_uk_import(paths=sorted(folder.glob("*-outcomes.csv")))
    assert outcome.stage.totals["outcomes"]["rows"] == 10
    rows = store.grouped_counts(by=["kind", "outcome"], datasets=["outcomes"])
    assert ("outcome", "Offender sent to prison", 2) in rows


def test_a_zip_of_the_archive_layout_imports_like_the_folder(essex_geography, tmp_path, store):
    archive = tmp_path / "download.zip"
    csv_text = street_file(tmp_path, [street_row()]).read_text()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("2024-01/2024-01-essex-street.csv", csv_text)
        z.writestr("2024-01/2024-01-essex-stop-and-search.csv", "Type,Date\nPerson search,2024-01-01\n")
    outcome = police_uk_import(paths=[archive])
    assert outcome.stage.rows_accepted == 1
    assert any("stop and search files are not imported" in n for n in outcome.stage.notes)
    assert outcome.import_run.sha256 == hashlib.sha256(archive.read_bytes()).hexdigest()
    assert outcome.import_run.files.count() == 2  # each member is recorded, so either is recognised later


def test_a_gzipped_street_file_imports_like_the_plain_one(essex_geography, shared_data, tmp_path, store):
    """police.uk's real Essex 2024-01 file, gzip'd: the same records as the plain file (issue 16)."""
    plain = shared_data / "police-uk/2024-01/2024-01-essex-street.csv"
    packed = tmp_path / "2024-01-essex-street.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    outcome = police_uk_import(paths=[packed])
    assert outcome.import_run.status == Import.Status.COMMITTED
    rows_in_file = sum(1 for _ in plain.open(encoding="utf-8")) - 1
    assert outcome.stage.totals["street"]["rows"] == rows_in_file
    assert sum(n for _, n in store.grouped_counts(by=["month"])) == rows_in_file
    assert outcome.import_run.files.get().sha256 == hashlib.sha256(plain.read_bytes()).hexdigest()


def test_provenance_names_file_hash_user_time_and_rows(essex_geography, tmp_path):
    from tests.factories import UserFactory

    user = UserFactory()
    path = street_file(tmp_path, [street_row(), street_row(crime_type="Anti-social behaviour")])
    run = police_uk_import(paths=[path], user=user).import_run
    import hashlib

    assert run.file_name == path.name and run.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert run.user == user and run.started_at <= run.finished_at
    assert (run.rows_read, run.rows_accepted, run.rows_rejected) == (2, 2, 0)
    assert run.size_bytes == path.stat().st_size


def test_an_ons_lsoa_lookup_assigns_by_code_before_the_name_fallback(essex_geography, shared_data, tmp_path, store):
    from saferhub.ingest.services import lsoa_lookup_load

    loaded = lsoa_lookup_load(path=shared_data / "deprivation/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz")
    assert loaded == 32844
    # The code says Basildon, whatever the name says.
    police_uk_import(paths=[street_file(tmp_path, [street_row(lsoa="E01021237", lsoa_name="Somewhere 001A")])])
    assert store.grouped_counts(by=["area_code", "district_code"]) == [("E07000066", "E07000066", 1)]


def test_an_import_refreshes_its_indicators_in_one_call_deciding_the_family_once(
    essex_geography, tmp_path, store, monkeypatch
):
    """The refresh after an import reads and decides the police.uk family once, not once per indicator
    (it had 17 calls, each re-reading the whole family), and every indicator written gets its summaries."""
    from saferhub.performance import suppression
    from saferhub.performance.models import IndicatorSummary

    reads: list[list[str]] = []
    real = suppression.family_cells

    def counted(members):
        reads.append(sorted(i.slug for i in members))
        return real(members)

    monkeypatch.setattr(suppression, "family_cells", counted)
    result = police_uk_import(
        paths=[
            street_file(
                tmp_path, [street_row(), street_row(crime_type="Drugs"), street_row(crime_type="Anti-social behaviour")]
            )
        ]
    )
    written = set(
        IndicatorValue.objects.filter(source_import=result.import_run).values_list("indicator__slug", flat=True)
    )
    assert {"all-crime", "crime-burglary", "crime-drugs", "anti-social-behaviour"} <= written
    assert len(reads) == 1 and {"all-crime", "crime-burglary", "crime-drugs"} <= set(reads[0])
    summarised = set(IndicatorSummary.objects.values_list("indicator__slug", flat=True))
    assert written <= summarised
    assert IndicatorSummary.objects.get(indicator__slug="crime-drugs", area__code="E07000066").latest_value == 1


def test_a_failed_refresh_after_an_import_is_logged_and_the_import_stands(essex_geography, tmp_path, store, caplog):
    from unittest import mock

    with mock.patch("saferhub.ingest.pipeline.performance_refresh", side_effect=RuntimeError("refresh broke")):
        result = police_uk_import(paths=[street_file(tmp_path, [street_row()])])
    assert Import.objects.get(pk=result.import_run.pk).status == Import.Status.COMMITTED
    assert value("crime-burglary", "E07000066", "2024-01").value == 1
    assert "were not refreshed after the import" in caplog.text and "crime-burglary" in caplog.text
