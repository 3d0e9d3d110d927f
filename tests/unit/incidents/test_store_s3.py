"""The record store on S3-compatible object storage: shared by machines, and never half-committed."""

import contextlib

import pytest

from saferhub.incidents.store import PartitionKey, RecordStore, RecordStoreError
from tests.s3server import s3_url
from tests.unit.incidents.test_store import records_sql, tree, write


@pytest.fixture
def url(s3_endpoint):
    return s3_url(s3_endpoint)


def test_what_one_machine_commits_another_reads_and_nothing_is_left_in_staging(url, tmp_path):
    web = RecordStore(url, cache_dir=tmp_path / "web")
    worker = RecordStore(url, cache_dir=tmp_path / "worker")
    assert not worker.exists() and web.stamp() == ""
    write(worker, "t1", 1, {("2024-01", "essex-police"): 5, ("2024-01", "kent-police"): 3}).commit()
    assert web.grouped_counts(by=["part"]) == [("essex-police", 5), ("kent-police", 3)]
    stamp = web.stamp()
    write(worker, "t2", 2, {("2024-01", "kent-police"): 4}).commit()  # replaces Kent's January
    assert web.stamp() != stamp
    assert web.grouped_counts(by=["part"]) == [("essex-police", 5), ("kent-police", 4)]
    stored = worker.files.list("")
    assert "manifest.json" in stored and not [n for n in stored if n.startswith("staging/")]
    assert len([n for n in stored if n.endswith(".parquet")]) == 2  # the replaced file was deleted


def test_an_import_interrupted_mid_commit_leaves_object_storage_as_before(url, tmp_path, monkeypatch):
    store = RecordStore(url, cache_dir=tmp_path / "a")
    write(store, "t1", 1, {("2024-01", "essex-police"): 5}).commit()
    before = tree(store, staging=True)
    txn = write(store, "t2", 2, {("2024-01", "essex-police"): 9, ("2024-02", "essex-police"): 2})
    txn.prepare()

    def cut(*_args, **_kwargs):
        raise RecordStoreError("the connection to object storage dropped at the commit point")

    monkeypatch.setattr(store.files, "write_bytes", cut)  # the manifest PUT never happens
    with pytest.raises(RecordStoreError, match="dropped at the commit point"):
        txn.commit()
    monkeypatch.undo()
    other = RecordStore(url, cache_dir=tmp_path / "b")  # what every reader sees meanwhile
    assert other.grouped_counts(by=["month"]) == [("2024-01", 5)]
    assert other.manifest().version == 1
    # The import's database transaction did not commit, so recovery removes what it uploaded.
    assert other.recover(lambda token, info: "abort") == {"committed": [], "aborted": ["t2"], "kept": []}
    assert tree(other, staging=True) == before


def test_a_commit_holds_the_lock_shared_by_every_machine(url, tmp_path):
    held = []

    @contextlib.contextmanager
    def shared_lock():
        held.append("taken")
        yield
        held.append("released")

    store = RecordStore(url, cache_dir=tmp_path / "a", lock_factory=shared_lock)
    txn = write(store, "t1", 1, {("2024-03", "essex-police"): 1})
    with store.lock():
        assert held == ["taken"]
        txn.commit()
    assert held == ["taken", "released"]


def test_a_lookup_replaced_on_one_machine_is_read_fresh_on_another(url, tmp_path):
    one = RecordStore(url, cache_dir=tmp_path / "one")
    two = RecordStore(url, cache_dir=tmp_path / "two")
    assert not two.lookup_path("lsoa_districts").exists()
    with one.connect() as con:
        assert one.lookup_write(con, name="lsoa_districts", select_sql="SELECT 'E01000001' AS lsoa_code") == 1
    with two.connect() as con:
        path = two.lookup_path("lsoa_districts")
        assert con.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchall() == [(1,)]
    with one.connect() as con:
        one.lookup_write(con, name="lsoa_districts", select_sql="SELECT 'E0100000' || range AS c FROM range(3)")
    with two.connect() as con:
        path = two.lookup_path("lsoa_districts")
        assert con.execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchall() == [(3,)]


def test_an_unreachable_store_is_reported_by_the_health_check(tmp_path):
    store = RecordStore("s3://nowhere/records?endpoint_override=127.0.0.1:9&scheme=http", cache_dir=tmp_path)
    with pytest.raises(RecordStoreError, match=r"record store s3://nowhere/records: cannot"):
        store.check()


def test_batch_writes_reach_object_storage(url, tmp_path):
    store = RecordStore(url, cache_dir=tmp_path / "a")
    con = store.connect()
    con.execute(f"CREATE TABLE staged AS {records_sql('2024-01', 'essex-police', 3)}").fetchall()
    txn = store.begin(token="t1", import_id=1)
    txn.write_batch(
        con,
        source="police-uk",
        dataset="street",
        table="staged",
        partitions={("2024-01", "essex-police"): (3, "x", {})},
    )
    txn.commit()
    con.close()
    key = PartitionKey("police-uk", "street", "2024-01", "essex-police")
    assert store.files.list("records") == [f"{key.folder()}/t1.parquet"]
    assert RecordStore(url, cache_dir=tmp_path / "b").grouped_counts(by=["month"]) == [("2024-01", 3)]
