"""The police.uk fetch client against a loopback server: resume, verify, and nothing half-written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from saferhub.ingest.fetch import MANIFEST_NAME, Fetcher, FetchError, months_between, plan, recent_months
from tests.loopback import serve_folder

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data" / "police-uk"
FILE = "2024-01/2024-01-essex-street.csv"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A copy of two Essex months and one Kent month from ../shared/data, in police.uk's layout."""
    root = tmp_path_factory.mktemp("served")
    for relative in (FILE, "2024-02/2024-02-essex-street.csv", "2024-01/2024-01-kent-street.csv"):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SHARED / relative, root / relative)
    with serve_folder(root) as (url, misbehaviour):
        yield url, misbehaviour, root
        misbehaviour.clear()


@pytest.fixture
def server(served):
    url, misbehaviour, _root = served
    misbehaviour.clear()
    misbehaviour.requests.clear()
    yield url, misbehaviour
    misbehaviour.clear()


def fetcher(url, into, **options):
    return Fetcher(url, into, backoff=0, attempts=2, **options)


def contents(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_months_and_plans_are_checked_and_spelled_as_police_uk_does():
    assert months_between("2023-11", "2024-02") == ["2023-11", "2023-12", "2024-01", "2024-02"]
    assert recent_months(3, today=(2025, 1)) == ("2024-10", "2024-12")
    assert [w.relative for w in plan(["essex", "kent"], "2024-01", "2024-01", ["street"])] == [
        FILE,
        "2024-01/2024-01-kent-street.csv",
    ]
    with pytest.raises(FetchError, match=r"--from '2024-13' is not a month"):
        months_between("2024-13", "2024-14")
    with pytest.raises(FetchError, match="is after --to"):
        months_between("2024-03", "2024-01")
    with pytest.raises(FetchError, match="force names"):
        plan(["../etc"], "2024-01", "2024-01", ["street"])
    with pytest.raises(FetchError, match="--datasets stop-and-search"):
        plan(["essex"], "2024-01", "2024-01", ["stop-and-search"])


def test_files_are_fetched_verified_recorded_and_skipped_on_the_next_run(server, tmp_path):
    url, misbehaviour = server
    wanted = plan(["essex"], "2024-01", "2024-02", ["street"])
    first = fetcher(url, tmp_path).run(wanted)
    assert first.downloaded == [FILE, "2024-02/2024-02-essex-street.csv"] and first.skipped == []
    assert (tmp_path / FILE).read_bytes() == (SHARED / FILE).read_bytes()
    recorded = json.loads((tmp_path / MANIFEST_NAME).read_text())["files"][FILE]
    assert recorded["size"] == (SHARED / FILE).stat().st_size and len(recorded["sha256"]) == 64
    assert len(first.to_import) == 2
    misbehaviour.requests.clear()
    again = fetcher(url, tmp_path).run(wanted)
    assert again.downloaded == [] and len(again.skipped) == 2 and misbehaviour.requests == []


def test_a_damaged_local_copy_is_fetched_again(server, tmp_path):
    url, _ = server
    wanted = plan(["essex"], "2024-01", "2024-01", ["street"])
    fetcher(url, tmp_path).run(wanted)
    (tmp_path / FILE).write_bytes(b"Crime ID,Month\n")  # edited or cut short on disk
    result = fetcher(url, tmp_path).run(wanted)
    assert result.downloaded == [FILE]
    assert (tmp_path / FILE).read_bytes() == (SHARED / FILE).read_bytes()


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"status": 404}, r"2024-02/2024-02-essex-street\.csv: not found at .* \(HTTP 404\)"),
        ({"status": 503}, r"2024-02-essex-street\.csv: the server answered HTTP 503 \(tried 2 times"),
        ({"cut": True}, r"2024-02-essex-street\.csv: (the connection dropped|the download was cut short)"),
        ({"drop": True}, r"2024-02-essex-street\.csv: (the connection dropped|the download was cut short)"),
        ({"body": b"<html>Service unavailable</html>"}, r"is not a police\.uk file .*error page"),
        ({"body": b""}, r"the download is empty"),
    ],
)
def test_a_broken_download_is_named_and_leaves_nothing(server, tmp_path, rule, message):
    url, misbehaviour = server
    misbehaviour.set("2024-02/2024-02-essex-street.csv", **rule)
    wanted = plan(["essex"], "2024-01", "2024-02", ["street"])
    with pytest.raises(FetchError, match=message) as caught:
        fetcher(url, tmp_path).run(wanted)
    assert "Nothing was kept" in str(caught.value) or "nothing was kept" in str(caught.value)
    # The first month arrived whole and is recorded (so a second run resumes); the broken one left no trace.
    assert sorted(contents(tmp_path)) == [".lock", FILE, MANIFEST_NAME]
    assert list(json.loads((tmp_path / MANIFEST_NAME).read_text())["files"]) == [FILE]
    misbehaviour.clear()
    misbehaviour.requests.clear()
    resumed = fetcher(url, tmp_path).run(wanted)
    assert resumed.skipped == [FILE] and resumed.downloaded == ["2024-02/2024-02-essex-street.csv"]
    assert misbehaviour.requests == ["/2024-02/2024-02-essex-street.csv"]


def test_a_file_changed_on_the_server_is_refused_unless_accepted(server, tmp_path):
    url, misbehaviour = server
    wanted = plan(["essex"], "2024-01", "2024-01", ["street"])
    fetcher(url, tmp_path).run(wanted)
    before = contents(tmp_path)
    changed = (SHARED / FILE).read_bytes().replace(b"Burglary", b"Robbery", 1)
    misbehaviour.set(FILE, body=changed)
    with pytest.raises(FetchError, match=r"2024-01-essex-street\.csv: police\.uk's file has changed") as caught:
        fetcher(url, tmp_path).run(wanted, refresh=True)
    assert "--accept-changed" in str(caught.value)
    assert contents(tmp_path) == before  # the old file and its record untouched, no temporary left
    taken = fetcher(url, tmp_path, accept_changed=True).run(wanted, refresh=True)
    assert taken.downloaded == [FILE] and (tmp_path / FILE).read_bytes() == changed


def test_a_file_imported_and_fetched_again_unchanged_is_not_imported_again(server, tmp_path):
    url, _ = server
    wanted = plan(["essex"], "2024-01", "2024-01", ["street"])
    folder = fetcher(url, tmp_path)
    folder.run(wanted)
    folder.manifest.mark_imported([FILE], 12)
    again = fetcher(url, tmp_path).run(wanted, refresh=True)
    assert again.downloaded == [FILE] and again.to_import == []
    assert json.loads((tmp_path / MANIFEST_NAME).read_text())["files"][FILE]["import_id"] == 12
    changed = fetcher(url, tmp_path)
    (tmp_path / FILE).write_bytes(b"damaged")
    assert changed.run(wanted).to_import == []  # fetched again whole, and the same as was imported


def test_a_temporary_file_left_by_a_killed_fetch_is_cleared(server, tmp_path):
    url, _ = server
    stale = tmp_path / "2024-01" / ".2024-01-essex-street.csv.99999.part"
    stale.parent.mkdir()
    stale.write_bytes(b"half a file")
    fetcher(url, tmp_path).run(plan(["essex"], "2024-01", "2024-01", ["street"]))
    assert not stale.exists() and (tmp_path / FILE).is_file()


def test_only_http_addresses_are_fetched_from(tmp_path):
    with pytest.raises(FetchError, match="expected an http"):
        Fetcher("file:///etc/", tmp_path)
