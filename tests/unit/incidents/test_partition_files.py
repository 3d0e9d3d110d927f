"""Writing a staged table as one Parquet file per (month, part)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from saferhub.incidents.layout import RecordStoreError
from saferhub.incidents.partition_files import by_partition, write_partition_files


def _table() -> pa.Table:
    # Two chunks, partitions interleaved, one row with no part: every shape the staged table can have.
    first = pa.table({"month": ["2024-02", "2024-01", "2024-02"], "part": ["kent", "essex", "essex"], "n": [1, 2, 3]})
    second = pa.table({"month": ["2024-01", "2024-02", "2024-01"], "part": ["essex", "kent", None], "n": [4, 5, 6]})
    return pa.concat_tables([first, second])


def test_rows_are_grouped_by_month_and_part_keeping_their_order():
    groups = by_partition(_table())
    assert {key: group.column("n").to_pylist() for key, group in groups.items()} == {
        ("2024-01", "essex"): [2, 4],
        ("2024-02", "essex"): [3],
        ("2024-02", "kent"): [1, 5],
        ("2024-01", None): [6],
    }


def test_each_partition_is_written_to_its_own_file(tmp_path):
    table = _table().filter(pa.compute.is_valid(_table().column("part")))
    targets = {
        ("2024-01", "essex"): tmp_path / "a" / "one.parquet",
        ("2024-02", "essex"): tmp_path / "b" / "two.parquet",
        ("2024-02", "kent"): tmp_path / "c" / "three.parquet",
    }
    done = []
    write_partition_files(table, targets, written=done.append)
    assert sorted(done) == sorted(targets)
    assert pq.read_table(targets[("2024-02", "kent")]).column("n").to_pylist() == [1, 5]
    assert pq.read_table(targets[("2024-01", "essex")]).schema == table.schema


def test_partitions_other_than_those_planned_are_refused_before_anything_is_written(tmp_path):
    targets = {("2024-01", "essex"): tmp_path / "one.parquet"}
    with pytest.raises(RecordStoreError, match="differ from those planned"):
        write_partition_files(_table(), targets)
    assert not list(tmp_path.iterdir())
