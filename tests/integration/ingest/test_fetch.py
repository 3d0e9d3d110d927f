"""``saferhub fetch police-uk`` end to end: ../shared/data served over loopback, fetched, and imported."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.utils import timezone

from saferhub.cli import main
from saferhub.ingest.fetch import recent_months
from saferhub.ingest.models import Import
from saferhub.ingest.services import police_uk_refresh_queued
from tests.loopback import serve_folder

pytestmark = pytest.mark.django_db

MONTHS = ("2024-01", "2024-02")


@pytest.fixture
def server(shared_data):
    with serve_folder(shared_data / "police-uk") as (url, misbehaviour):
        yield url, misbehaviour


def rows_in(shared_data, month):
    with (shared_data / f"police-uk/{month}/{month}-essex-street.csv").open(encoding="utf-8") as handle:
        return sum(1 for _ in handle) - 1


def fetch_command(url, into):
    args = ["fetch", "police-uk", "--forces", "essex", "--from", "2024-01", "--to", "2024-02", "--base-url", url]
    return CliRunner().invoke(main, [*args, "--into", str(into)])


def test_a_broken_download_imports_nothing_then_the_next_run_resumes_imports_and_a_third_changes_nothing(
    essex_geography, shared_data, server, tmp_path, store
):
    """One import for the whole story (the slow part): broken, resumed and imported, then nothing to do."""
    url, misbehaviour = server
    misbehaviour.set("2024-02/2024-02-essex-street.csv", cut=True)
    broken = fetch_command(url, tmp_path / "fetched")
    assert broken.exit_code == 1
    assert "saferhub: error: 2024-02/2024-02-essex-street.csv: the connection dropped" in broken.output
    assert "Nothing was kept" in broken.output
    assert not Import.objects.exists() and store.manifest().partitions == {}
    assert [p.name for p in (tmp_path / "fetched/2024-02").iterdir()] == []  # no partial file

    misbehaviour.clear()
    misbehaviour.requests.clear()
    resumed = fetch_command(url, tmp_path / "fetched")
    assert resumed.exit_code == 0, resumed.output
    assert "fetched 1 file, 1 already here and verified" in resumed.output
    assert misbehaviour.requests == ["/2024-02/2024-02-essex-street.csv"]  # the verified month was kept
    run = Import.objects.get()
    assert run.status == Import.Status.COMMITTED and run.files.count() == 2
    assert dict(store.grouped_counts(by=["month"])) == {m: rows_in(shared_data, m) for m in MONTHS}

    misbehaviour.requests.clear()
    again = fetch_command(url, tmp_path / "fetched")
    assert again.exit_code == 0, again.output
    assert "fetched 0 files, 2 already here and verified" in again.output and "nothing new to import" in again.output
    assert misbehaviour.requests == [] and Import.objects.count() == 1


def test_the_scheduled_refresh_reports_failure_without_raising(server, tmp_path, settings):
    url, _ = server
    settings.SAFERHUB_POLICE_UK_BASE_URL = url
    # The last three months before today are not among the served files: 404, reported, nothing imported.
    answer = police_uk_refresh_queued(forces=["essex"], recent=3, into=str(tmp_path / "fetched"))
    assert answer.startswith("failed: ") and "HTTP 404" in answer
    assert not Import.objects.exists()


def test_the_enqueued_refresh_runs_on_the_task_queue_and_bad_options_are_refused(server, tmp_path):
    url, misbehaviour = server
    queued = CliRunner().invoke(
        main,
        [
            "fetch",
            "police-uk",
            "--forces",
            "essex",
            "--recent",
            "2",
            "--enqueue",
            "--base-url",
            url,
            "--into",
            str(tmp_path / "fetched"),
        ],
    )
    assert queued.exit_code == 0, queued.output
    assert "refresh of the last 2 months put on the task queue" in queued.output
    now = timezone.now()
    first, _ = recent_months(2, today=(now.year, now.month))
    # The test queue runs it at once; that month is not served (404), so it stops there and imports nothing.
    assert misbehaviour.requests == [f"/{first}/{first}-essex-street.csv"]
    assert not Import.objects.exists() and not (tmp_path / "fetched" / first).exists()
    both = CliRunner().invoke(main, ["fetch", "police-uk", "--forces", "essex", "--recent", "2", "--from", "2024-01"])
    assert both.exit_code == 2 and "either --recent or --from/--to" in both.output
    no_base = CliRunner().invoke(main, ["fetch", "police-uk", "--forces", "essex", "--from", "2024-01"])
    assert no_base.exit_code == 1 and "give --base-url or set SAFERHUB_POLICE_UK_BASE_URL" in no_base.output
