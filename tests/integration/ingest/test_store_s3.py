"""Imports into a record store on S3-compatible storage (moto's server on 127.0.0.1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from saferhub.incidents.store import RecordStore
from saferhub.ingest import pipeline
from saferhub.ingest.models import Import
from saferhub.ingest.records_commands import command as records_command
from saferhub.ingest.services import police_uk_import
from saferhub.performance.selectors import record_counts
from tests.integration.ingest.conftest import database_state, street_file, street_row
from tests.s3server import moto_server, s3_url

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def s3_endpoint():
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3_store(s3_endpoint, settings, tmp_path):
    url = s3_url(s3_endpoint)
    settings.SAFERHUB_RECORD_STORE = url
    settings.SAFERHUB_RECORD_CACHE = str(tmp_path / "worker-cache")
    return RecordStore(url, cache_dir=tmp_path / "web-cache")  # another machine's view of the same bucket


def stored(store: RecordStore) -> dict[str, bytes]:
    return {name: store.files.read_bytes(name) or b"" for name in store.files.list("")}


def test_an_import_commits_to_object_storage_and_another_machine_reads_it(essex_geography, s3_store, tmp_path):
    run = police_uk_import(paths=[street_file(tmp_path, [street_row(), street_row(location="On or near A Road")])])
    assert run.import_run.status == Import.Status.COMMITTED
    assert s3_store.grouped_counts(by=["month", "area"]) == [("2024-01", "E07000066", 2)]
    assert not [name for name in s3_store.files.list("") if name.startswith("staging/")]


@pytest.mark.parametrize("point", ["staged", "values-written"])
def test_an_import_interrupted_before_its_commit_leaves_object_storage_as_before(
    essex_geography, s3_store, tmp_path, monkeypatch, point
):
    police_uk_import(paths=[street_file(tmp_path, [street_row()])])
    before_db, before_store = database_state(), stored(s3_store)

    def fail_at(name: str) -> None:
        if name == point:
            raise RuntimeError(f"stopped at {name}")

    monkeypatch.setattr(pipeline, "_checkpoint", fail_at)
    (tmp_path / "b").mkdir()
    changed = [street_row(crime_type="Drugs"), street_row(crime_type="Robbery", location="X")]
    with pytest.raises(RuntimeError, match="stopped at"):
        police_uk_import(paths=[street_file(tmp_path / "b", changed)])
    assert database_state() == before_db
    assert stored(s3_store) == before_store


def test_an_import_stopped_after_its_database_commit_is_rolled_forward_on_object_storage(
    essex_geography, s3_store, tmp_path, monkeypatch
):
    police_uk_import(paths=[street_file(tmp_path, [street_row()])])

    def fail_at(name: str) -> None:
        if name == "database-committed":
            raise RuntimeError(name)

    monkeypatch.setattr(pipeline, "_checkpoint", fail_at)
    (tmp_path / "b").mkdir()
    with pytest.raises(RuntimeError):
        police_uk_import(paths=[street_file(tmp_path / "b", [street_row(crime_type="Drugs")])])
    assert Import.objects.latest("id").status == Import.Status.COMMITTED
    assert s3_store.grouped_counts(by=["category"]) == [("Drugs", 1)]
    assert s3_store.staged_tokens() == []


def test_the_web_side_reads_the_same_object_storage_the_import_wrote(essex_geography, s3_store, tmp_path, client):
    """Pages, the health check and the records command open the configured store (a storage URL), not a
    local folder of that name: after an import to object storage, each of them sees its records."""
    police_uk_import(paths=[street_file(tmp_path, [street_row(), street_row(crime_type="Drugs")])])
    health = client.get("/healthz").json()["checks"]["record_store"]
    assert health["status"] == "ok"
    assert record_counts(by=["month", "area"]) == [("2024-01", "E07000066", 2)]
    assert not (tmp_path / "s3:").exists() and not Path("s3:").exists()  # no local folder named after the URL
    result = CliRunner().invoke(records_command, ["counts", "--by", "category", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "Drugs,1" in result.output.replace(" ", "")
