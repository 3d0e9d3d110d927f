"""Many files staged together (read several at a time, checked and written as one batch) keep the
one-file-at-a-time semantics: a bad row is named by its own file and row, nothing is written, and
padded values are trimmed wherever they are."""

from __future__ import annotations

import pytest

from saferhub.incidents.store import RecordStore
from saferhub.ingest.models import Import
from saferhub.ingest.problems import ImportRefused
from saferhub.ingest.services import police_uk_import
from tests.integration.ingest.conftest import store_tree, street_file, street_row

pytestmark = pytest.mark.django_db

FORCES = [("essex", "Essex Police", "E01021237", "Basildon 001A"), ("kent", "Kent Police", "E01024011", "Ashford 013C")]


def _files(folder, bad_at: int | None = None):
    paths = []
    for month in ("2024-01", "2024-02", "2024-03"):
        (folder / month).mkdir(parents=True, exist_ok=True)
        for slug, force, lsoa, name in FORCES:
            rows = [
                street_row(month=month, force=force, lsoa=lsoa, lsoa_name=name, location=f"On or near {n}")
                for n in "ABCDE"
            ]
            if bad_at is not None and len(paths) == bad_at:
                rows[2] = street_row(month=month, force=force, lsoa=lsoa, lsoa_name=name, lat="91.5")
            paths.append(street_file(folder / month, rows, name=f"{month}-{slug}-street.csv"))
    return paths


def test_a_bad_row_in_the_third_of_many_files_is_named_with_its_file_and_row(essex_geography, tmp_path, store):
    paths = _files(tmp_path / "police-uk", bad_at=2)
    before = store_tree(store.root)
    with pytest.raises(ImportRefused) as caught:
        police_uk_import(paths=[tmp_path / "police-uk"])
    message = str(caught.value)
    assert "police-uk/2024-02/2024-02-essex-street.csv" in message, message
    assert "row 4" in message and "Latitude" in message and "outside -90 to 90" in message, message
    assert paths[2].name == "2024-02-essex-street.csv"
    refused = Import.objects.latest("id")
    assert [(r.file_name, r.row_number, r.column) for r in refused.rejections.all()] == [
        ("police-uk/2024-02/2024-02-essex-street.csv", 4, "Latitude")
    ]
    assert store_tree(store.root) == before  # nothing written, nothing staged left behind


def test_many_files_are_written_one_partition_each(essex_geography, tmp_path, store: RecordStore):
    _files(tmp_path / "police-uk")
    outcome = police_uk_import(paths=[tmp_path / "police-uk"])
    assert outcome.import_run.status == Import.Status.COMMITTED
    partitions = store.manifest().partitions
    assert sorted(partitions) == sorted(
        f"police-uk/street/{month}/{slug}-police" for month in ("2024-01", "2024-02", "2024-03") for slug, *_ in FORCES
    )
    assert {p.rows for p in partitions.values()} == {5}
    rows = store.grouped_counts(by=["month", "force"], sources=["police-uk"])
    assert sorted(rows) == sorted((m, force, 5) for m in ("2024-01", "2024-02", "2024-03") for _, force, *_ in FORCES)


def test_padded_values_are_trimmed_as_before(essex_geography, tmp_path, store: RecordStore):
    padded = street_row(month=" 2024-01 ", crime_type=" Burglary ", lon=" 0.432091", location="On or near X ")
    plain = street_row(location="On or near Y")
    police_uk_import(paths=[street_file(tmp_path, [padded, plain])])
    rows = store.grouped_counts(by=["month", "category", "location"], sources=["police-uk"])
    assert rows == [("2024-01", "Burglary", "On or near X", 1), ("2024-01", "Burglary", "On or near Y", 1)]
