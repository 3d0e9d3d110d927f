"""Writing a staged table as one Parquet file per (month, part) partition.

The rows are grouped in Arrow (one stable sort by the two key columns' dictionary codes, each
partition then a slice), and the partitions are written a few at a time with pyarrow: Parquet encoding and
compression run without Python's lock. DuckDB's ``COPY … PARTITION_BY`` did the same, but kept a
writer with its buffers open for every partition at once (several hundred for a national batch),
which cost more time and memory than the rows themselves.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from saferhub.incidents.layout import RecordStoreError

WRITE_THREADS = min(4, os.cpu_count() or 1)
# Columns whose values repeat (types, outcomes, places, forces) are dictionary-encoded; a record's
# own identifier and position are nearly all different, so a dictionary would only be thrown away.
NO_DICTIONARY = frozenset({"record_id", "parent_id", "longitude", "latitude", "row_number"})


def by_partition(table: pa.Table) -> dict[tuple[str, str], pa.Table]:
    """``table``'s rows grouped by (month, part): one reordering of the table (a stable sort of the
    two columns' dictionary codes), and each partition a zero-copy slice of it."""
    month = pc.dictionary_encode(table.column("month").combine_chunks(), null_encoding="encode")
    part = pc.dictionary_encode(table.column("part").combine_chunks(), null_encoding="encode")
    width = max(len(part.dictionary), 1)
    code = month.indices.to_numpy().astype(np.int64) * width + part.indices.to_numpy()
    order = np.argsort(code, kind="stable")
    code = code[order]
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]]) if len(code) else np.array([], np.int64)
    ends = np.r_[starts[1:], len(code)]
    grouped = table.take(pa.array(order))
    months, parts = month.dictionary.to_pylist(), part.dictionary.to_pylist()
    return {
        (months[code[s] // width], parts[code[s] % width]): grouped.slice(s, e - s)
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
    }


def write_partition_files(
    table: pa.Table,
    targets: dict[tuple[str, str], Path],
    *,
    written: Callable[[tuple[str, str]], None] = lambda pair: None,
) -> None:
    """Write each (month, part) of ``table`` to its file in ``targets``; call ``written`` after each.

    Refuses (before writing anything) when the table's partitions are not exactly those of ``targets``.
    """
    rows = by_partition(table)
    if set(rows) != set(targets):
        unexpected = sorted(str(k) for k in set(rows) ^ set(targets))
        raise RecordStoreError(
            f"record store: the staged rows' partitions differ from those planned ({', '.join(unexpected[:5])})"
        )
    dictionary = [name for name in table.column_names if name not in NO_DICTIONARY]

    def write(pair: tuple[str, str]) -> None:
        target = targets[pair]
        target.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(rows[pair], target, compression="snappy", use_dictionary=dictionary)
        written(pair)

    with ThreadPoolExecutor(max_workers=WRITE_THREADS) as pool:
        for _ in pool.map(write, sorted(targets)):
            pass  # consume, so the first failure is raised here
