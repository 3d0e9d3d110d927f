"""The record store: partitions are invisible until committed, and a failed import leaves no trace.

Every test runs on both backends: a local folder, and S3-compatible object storage (moto's server
on 127.0.0.1, started once for the module).
"""

import json

import duckdb
import pytest

from saferhub.incidents.store import COLUMN_NAMES, PartitionKey, RecordStore, RecordStoreError, sql_literal
from tests.s3server import s3_url


@pytest.fixture(params=["folder", "s3"])
def make_store(request, tmp_path):
    """A factory of stores on one location (calling it again is another process, or another machine)."""
    if request.param == "folder":
        return lambda: RecordStore(tmp_path / "records")
    url = s3_url(request.getfixturevalue("s3_endpoint"))
    machines = iter(range(100))
    return lambda: RecordStore(url, cache_dir=tmp_path / f"machine-{next(machines)}")


def records_sql(month: str, part: str, n: int, category: str = "Burglary") -> str:
    """n records for one month and part, every column present."""
    values = dict.fromkeys(COLUMN_NAMES, "NULL")
    values.update(
        source="'police-uk'",
        kind="'crime'",
        month=sql_literal(month),
        part=sql_literal(part),
        category=sql_literal(category),
        area_code="'E07000073'",
        area_status="'assigned'",
        force="'Essex Police'",
        row_number="range + 2",
    )
    return "SELECT " + ", ".join(f"{v} AS {k}" for k, v in values.items()) + f" FROM range({n})"


def tree(store: RecordStore, *, staging: bool = False) -> dict[str, bytes]:
    """Every stored file of the records and the manifest (and staging, if asked), byte for byte."""
    wanted = ("records/", "staging/") if staging else ("records/",)
    return {
        name: store.files.read_bytes(name) or b""
        for name in store.files.list("")
        if name == "manifest.json" or name.startswith(wanted)
    }


def write(store: RecordStore, token: str, import_id: int, batches: dict[tuple[str, str], int]):
    txn = store.begin(token=token, import_id=import_id)
    con = store.connect()
    for (month, part), n in batches.items():
        txn.write(con, key=PartitionKey("police-uk", "street", month, part), select_sql=records_sql(month, part, n))
    con.close()
    return txn


def test_an_empty_store_has_no_partitions_and_counts_nothing(make_store):
    store = make_store()
    assert store.manifest().partitions == {}
    assert store.grouped_counts(by=["month"]) == []


def test_written_partitions_are_invisible_until_commit(make_store):
    store = make_store()
    txn = write(store, "t1", 1, {("2024-01", "essex-police"): 5})
    assert store.grouped_counts(by=["month"]) == []
    assert txn.view().partitions["police-uk/street/2024-01/essex-police"].rows == 5
    txn.prepare()
    txn.commit()
    assert store.grouped_counts(by=["month", "category"]) == [("2024-01", "Burglary", 5)]
    assert store.staged_tokens() == []


def test_a_new_import_of_a_month_replaces_exactly_that_partition(make_store):
    store = make_store()
    write(store, "t1", 1, {("2024-01", "essex-police"): 5, ("2024-01", "kent-police"): 7}).commit()
    old_files = set(tree(store))
    write(store, "t2", 2, {("2024-01", "essex-police"): 3}).commit()
    assert store.grouped_counts(by=["part"]) == [("essex-police", 3), ("kent-police", 7)]
    manifest = store.manifest()
    assert manifest.partitions["police-uk/street/2024-01/essex-police"].import_id == 2
    assert manifest.partitions["police-uk/street/2024-01/kent-police"].import_id == 1
    # the replaced file is gone; the untouched one is byte for byte the same
    assert not any("t1.parquet" in f and "essex" in f for f in tree(store))
    assert {f for f in old_files if "kent" in f} <= set(tree(store))


def test_abort_removes_every_staged_file_and_leaves_the_store_as_it_was(make_store):
    store = make_store()
    write(store, "t1", 1, {("2024-01", "essex-police"): 5}).commit()
    before = tree(store)
    txn = write(store, "t2", 2, {("2024-01", "essex-police"): 9, ("2024-02", "essex-police"): 4})
    txn.abort()
    assert tree(store) == before
    assert store.staged_tokens() == []


def test_the_same_records_have_the_same_fingerprint(make_store):
    store = make_store()
    write(store, "t1", 1, {("2024-01", "essex-police"): 5}).commit()
    txn = write(store, "t2", 2, {("2024-01", "essex-police"): 5})
    key = "police-uk/street/2024-01/essex-police"
    assert txn.changes[key].fingerprint == store.manifest().partitions[key].fingerprint
    txn.abort()


def test_one_import_cannot_write_a_partition_twice(make_store):
    store = make_store()
    txn = write(store, "t1", 1, {("2024-01", "essex-police"): 5})
    con = store.connect()
    with pytest.raises(RecordStoreError, match="written twice"):
        txn.write(
            con,
            key=PartitionKey("police-uk", "street", "2024-01", "essex-police"),
            select_sql=records_sql("2024-01", "essex-police", 1),
        )
    txn.abort()


@pytest.mark.parametrize(
    ("answer", "expected_rows"),
    [("commit", [("2024-01", 9)]), ("abort", [("2024-01", 5)]), ("keep", [("2024-01", 5)])],
)
def test_recovery_rolls_forward_or_back_as_the_caller_decides(make_store, answer, expected_rows):
    """A process stopped after its database commit is rolled forward; otherwise its files go."""
    store = make_store()
    write(store, "t1", 1, {("2024-01", "essex-police"): 5}).commit()
    before = tree(store)
    txn = write(store, "t2", 2, {("2024-01", "essex-police"): 9})
    txn.prepare()  # ... and the process dies here
    asked = []
    report = store.recover(lambda token, info: asked.append((token, info["state"])) or answer)
    assert asked == [("t2", "prepared")]
    assert store.grouped_counts(by=["month"]) == expected_rows
    if answer == "abort":
        assert tree(store) == before and report["aborted"] == ["t2"]
    if answer == "keep":
        assert store.staged_tokens() == ["t2"]
        store.transaction("t2").abort()
        assert tree(store) == before


def test_a_held_import_can_be_reopened_and_committed_by_another_process(make_store):
    store = make_store()
    txn = write(store, "t1", 1, {("2024-03", "essex-police"): 2})
    txn.hold()
    reopened = make_store().transaction("t1")
    assert reopened.state == "held" and list(reopened.changes) == ["police-uk/street/2024-03/essex-police"]
    reopened.state = "open"
    reopened.prepare()
    reopened.commit()
    assert store.grouped_counts(by=["month"]) == [("2024-03", 2)]


def test_batch_writes_put_each_month_and_part_in_its_own_partition(make_store):
    store = make_store()
    con = store.connect()
    jan, feb = records_sql("2024-01", "essex-police", 3), records_sql("2024-02", "essex-police", 2)
    con.execute(f"CREATE TABLE staged AS {jan} UNION ALL {feb}").fetchall()
    txn = store.begin(token="t1", import_id=1)
    txn.write_batch(
        con,
        source="police-uk",
        dataset="street",
        table="staged",
        partitions={("2024-01", "essex-police"): (3, "x", {}), ("2024-02", "essex-police"): (2, "y", {})},
    )
    txn.commit()
    con.close()
    assert store.grouped_counts(by=["month"]) == [("2024-01", 3), ("2024-02", 2)]
    assert not list((store.root / "staging").glob("t1-*")) and store.staged_tokens() == []


def test_counts_can_group_by_area_with_unassigned_records_named(make_store):
    store = make_store()
    write(store, "t1", 1, {("2024-01", "essex-police"): 2}).commit()
    assert store.grouped_counts(by=["area"]) == [("E07000073", 2)]
    with pytest.raises(RecordStoreError, match="cannot group by or filter on nonsense"):
        store.grouped_counts(by=["nonsense"])


def test_a_damaged_manifest_is_reported_not_ignored(make_store):
    make_store().files.write_bytes("manifest.json", b"{not json")
    with pytest.raises(RecordStoreError, match=r"manifest\.json is damaged"):
        make_store().manifest()


def test_the_manifest_is_plain_json_naming_files_relative_to_the_store(make_store):
    store = make_store()
    write(store, "t1", 7, {("2024-01", "essex-police"): 1}).commit()
    data = json.loads(store.files.read_bytes("manifest.json") or b"")
    entry = data["partitions"]["police-uk/street/2024-01/essex-police"]
    assert entry["files"] == ["records/source=police-uk/dataset=street/month=2024-01/part=essex-police/t1.parquet"]
    assert entry["import_id"] == 7 and entry["rows"] == 1
    assert duckdb.sql(f"SELECT count(*) FROM read_parquet('{store.files.fetch(entry['files'][0])}')").fetchall() == [
        (1,)
    ]


def test_only_folders_and_s3_are_stores():
    with pytest.raises(RecordStoreError, match=r"expected a folder path or s3://bucket/prefix"):
        RecordStore("gs://bucket/records")
    with pytest.raises(RecordStoreError, match=r"name a bucket"):
        RecordStore("s3://")


def test_counts_filter_inside_duckdb_and_refuse_an_unknown_column(make_store):
    store = make_store()
    write(store, "t1", 1, {("2024-01", "essex-police"): 5, ("2024-01", "kent-police"): 7}).commit()
    assert store.grouped_counts(by=["part"], where={"part": ["kent-police"]}) == [("kent-police", 7)]
    assert store.grouped_counts(by=["part"], where={"part": []}) == []
    with pytest.raises(RecordStoreError, match="cannot group by or filter on area"):
        store.grouped_counts(by=["part"], where={"area": ["E07000073"]})


def test_the_stamp_changes_with_every_commit_and_not_otherwise(make_store):
    store = make_store()
    assert store.stamp() == ""
    write(store, "t1", 1, {("2024-01", "essex-police"): 5}).commit()
    first = store.stamp()
    assert first and store.stamp() == first
    txn = write(store, "t2", 2, {("2024-02", "essex-police"): 2})
    assert store.stamp() == first  # staged, not committed
    txn.commit()
    assert store.stamp() != first
