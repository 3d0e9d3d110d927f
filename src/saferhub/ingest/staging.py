"""Shared steps of the record importers: files in batches, row checks in SQL, partitions written.

Rows are checked and shaped by DuckDB over Arrow tables, a batch of files at a time (so memory is
bounded by the batch, not the import); nothing is turned into Python objects row by row.
"""

# ruff: noqa: S608 - DuckDB SQL is assembled from this module's own fragments; file contents reach it only as
# column values, and the few literals (paths, months, slugs) go through sql_literal().

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from saferhub.incidents.store import FINGERPRINT_SQL, PartitionKey
from saferhub.ingest.csvread import MAX_CELL_CHARS, CsvFile, Layout, choose_layout, open_csv, read_rows
from saferhub.ingest.intake import InputFile
from saferhub.ingest.problems import ImportRefused, Rejection
from saferhub.ingest.types import Context, StageResult

# CSV bytes staged at once. A national year (4 million rows) peaks at 938 MB with 24 MiB batches against
# 1,180 MB with 48 MiB, for about 5% more time (farm-bench, 3 pairs, 7 December 2026): the goal is 1 GB.
BATCH_BYTES = 24 << 20
READ_THREADS = min(4, os.cpu_count() or 1)
CHECK_LIMIT = 500  # rejections fetched per check (every one is counted)
_NAME_MONTH = re.compile(r"^(\d{4}-\d{2})-")


@dataclass
class Check:
    """A rule every row must meet: ``condition`` (SQL, true when the row breaks it) and ``reason`` (SQL text)."""

    column: str
    condition: str
    reason: str
    value: str | None = None


@dataclass
class Batch:
    layout: Layout
    files: list[CsvFile] = field(default_factory=list)
    indexes: list[int] = field(default_factory=list)
    size: int = 0


class Trimmed:
    """SQL for a column's value without surrounding spaces: ``trim(column)``, or the column itself when
    no value of it in the batch begins or ends with a space, a control character or a non-ASCII
    character (anything ``trim`` might remove). Trimming every value of every column costs more than
    the rest of a check; police.uk's files have no such spaces, so usually nothing is trimmed."""

    def __init__(self, table: pa.Table) -> None:
        self.clean = {name for name in table.column_names if _edges_plain(table.column(name))}

    def __call__(self, column: str) -> str:
        return column if column in self.clean else f"trim({column})"


def _edges_plain(column: pa.ChunkedArray) -> bool:
    """Whether every value's first and last bytes are printable ASCII other than a space (read from
    the Arrow buffers with NumPy: nothing is copied and no value becomes a Python string)."""
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return False
    large = pa.types.is_large_string(column.type)
    for chunk in column.chunks:
        _, offsets_buffer, data_buffer = chunk.buffers()
        if offsets_buffer is None or data_buffer is None or len(chunk) == 0:
            continue
        every = np.frombuffer(offsets_buffer, dtype=np.int64 if large else np.int32).astype(np.int64)
        offsets = every[chunk.offset : chunk.offset + len(chunk) + 1]
        data = np.frombuffer(data_buffer, dtype=np.uint8)
        starts, ends = offsets[:-1], offsets[1:]
        filled = ends > starts
        edges = np.concatenate([data[starts[filled]], data[ends[filled] - 1]])
        if ((edges <= 0x20) | (edges >= 0x7F)).any():
            return False
    return True


def slug_sql(expr: str) -> str:
    return f"trim(regexp_replace(lower({expr}), '[^a-z0-9]+', '-', 'g'), '-')"


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def batches(
    ctx: Context,
    files: list[InputFile],
    result: StageResult,
    *,
    layouts: list[Layout],
    what: str,
    max_bytes: int,
) -> Iterator[tuple[Batch, pa.Table]]:
    """Open each file, match its layout and read its rows; yield batches of files of one layout.

    A file whose header is wrong becomes a rejection (and the rest are still checked).
    """
    current: Batch | None = None
    for index, item in enumerate(files):
        ctx.progress(index, len(files), f"Reading {item.name}")
        try:
            csvfile = open_csv(item, max_bytes=max_bytes)
            layout = choose_layout(csvfile, layouts, what=what)
        except ImportRefused as exc:
            file_problem(result, item, exc)
            continue
        if current is not None and (current.layout is not layout or current.size + item.size > BATCH_BYTES):
            yield current, _batch_table(current, result)
            current = None
        if current is None:
            current = Batch(layout)
        current.files.append(csvfile)
        current.indexes.append(index)
        current.size += item.size
    if current is not None:
        yield current, _batch_table(current, result)
    ctx.progress(len(files), len(files), "Files read")


def file_problem(result: StageResult, item: InputFile, exc: ImportRefused) -> None:
    where = exc.where or item.name
    parts = where.split(", ")
    row = next((int(p[4:]) for p in parts if p.startswith("row ") and p[4:].isdigit()), None)
    column = next((p[7:] for p in parts if p.startswith("column ")), "")
    result.rejections.add(Rejection(item.name, row, column, "", exc.message))
    result.files.append({"name": item.name, "sha256": item.sha256, "size": item.size, "rows": 0, "dataset": ""})


def _read_one(csvfile: CsvFile, index: int) -> tuple[pa.Table, list[Rejection]] | ImportRefused:
    try:
        return read_rows(csvfile, file_index=index)
    except ImportRefused as exc:
        return exc
    finally:
        csvfile.data = b""  # read: the batch need not keep the file's bytes while it is checked and written


def _batch_table(batch: Batch, result: StageResult) -> pa.Table:
    tables = []
    names = [c.name for c in batch.layout.columns]
    # Arrow parses without Python's lock, so the batch's files are read several at a time; the results
    # are taken in file order, so rejections, notes and row counts come out as a one-by-one read gives.
    with ThreadPoolExecutor(max_workers=READ_THREADS) as pool:
        read = list(pool.map(_read_one, batch.files, batch.indexes))
    for csvfile, outcome in zip(batch.files, read, strict=True):
        if isinstance(outcome, ImportRefused):
            file_problem(result, csvfile.input, outcome)
            continue
        table, problems = outcome
        result.notes.extend(csvfile.notes)
        for problem in problems:
            result.rejections.add(problem)
        result.rows_read += table.num_rows + len(problems)
        result.files.append(
            {
                "name": csvfile.input.name,
                "sha256": csvfile.input.sha256,
                "size": csvfile.input.size,
                "rows": table.num_rows + len(problems),
                "dataset": batch.layout.dataset,
            }
        )
        if problems:
            continue  # a file with malformed rows is not checked further: its row numbers are shown as read
        for name in names:
            if name not in table.column_names:  # an optional column the file does not have
                table = table.append_column(name, pa.array([""] * table.num_rows, pa.string()))
        tables.append(table.select([*names, "_file", "_row"]))
    if not tables:
        empty = {n: pa.array([], pa.string()) for n in names}
        empty["_file"] = pa.array([], pa.int32())
        empty["_row"] = pa.array([], pa.int64())
        return pa.table(empty)
    batch.files = [f for f in batch.files if any(f.input.name == x["name"] for x in result.files)]
    return pa.concat_tables(tables)


def register_batch(ctx: Context, batch: Batch, table: pa.Table, all_files: list[InputFile]) -> None:
    """Make the batch's rows ``raw`` and the import's files ``files`` in DuckDB."""
    ctx.con.register("raw", table)  # a view over the Arrow columns: nothing is copied
    names = [f.name for f in all_files]
    months = [m[1] if (m := _NAME_MONTH.match(f.name.rsplit("/", 1)[-1])) else None for f in all_files]
    ctx.con.register(
        "files_arrow",
        pa.table(
            {
                "_file": pa.array(range(len(all_files)), pa.int32()),
                "file_name": pa.array(names, pa.string()),
                "name_month": pa.array(months, pa.string()),
            }
        ),
    )
    ctx.con.execute("CREATE OR REPLACE TEMP TABLE files AS SELECT * FROM files_arrow").fetchall()
    ctx.con.unregister("files_arrow")


def length_checks(layout: Layout) -> list[Check]:
    return [
        Check(
            c.name,
            f"length({c.name}) > {MAX_CELL_CHARS}",
            f"'is ' || length({c.name}) || ' characters long; expected at most {MAX_CELL_CHARS:,}'",
            value=f"left({c.name}, 60) || '…'",
        )
        for c in layout.columns
    ]


def run_checks(ctx: Context, batch: Batch, checks: list[Check], result: StageResult) -> int:
    """Add a rejection for every row that breaks a check; return how many rows broke any."""
    if not checks:
        return 0
    # One pass to see whether any row breaks any rule; the detailed listing only runs when one does.
    any_bad = ctx.con.execute(
        "SELECT count(*) FROM raw JOIN files f USING (_file) WHERE "
        + " OR ".join(f"coalesce({c.condition}, false)" for c in checks)
    ).fetchall()[0][0]
    if not any_bad:
        return 0
    selects = []
    for number, check in enumerate(checks):
        value = check.value or check.column
        selects.append(
            f"(SELECT _file, _row, {number} AS check_no, CAST({value} AS VARCHAR) AS value, "
            f"CAST({check.reason} AS VARCHAR) AS reason FROM raw JOIN files f USING (_file) "
            f"WHERE coalesce({check.condition}, false) ORDER BY _file, _row LIMIT {CHECK_LIMIT})"
        )
    found = ctx.con.execute(" UNION ALL ".join(selects) + " ORDER BY _file, _row, check_no").fetchall()
    if not found:
        return 0
    counts = ctx.con.execute(
        "SELECT "
        + ", ".join(f"count(*) FILTER (WHERE coalesce({c.condition}, false))" for c in checks)
        + ", count(*) FILTER (WHERE "
        + " OR ".join(f"coalesce({c.condition}, false)" for c in checks)
        + ") FROM raw JOIN files f USING (_file)"
    ).fetchall()[0]
    assert counts is not None
    by_index = {index: f for f, index in zip(batch.files, batch.indexes, strict=True)}
    for file_index, row, check_no, value, reason in found:
        csvfile = by_index.get(file_index)
        name = csvfile.input.name if csvfile else str(file_index)
        label = csvfile.label(checks[check_no].column) if csvfile else checks[check_no].column
        result.rejections.add(Rejection(name, int(row), label, (value or "")[:200], reason))
    bad_rows = int(counts[-1])
    result.rejections.add_unlisted(
        problems=sum(int(c) for c in counts[:-1]) - len(found), rows=bad_rows - len({(f[0], f[1]) for f in found})
    )
    return bad_rows


def refuse_beyond_rights(ctx: Context, source: str, dataset: str, partitions: list[dict[str, Any]]) -> None:
    """An import replaces whole (force or supplier, month) partitions of the record store, so a
    partnership may import only partitions whose every area it keeps, before and after. Otherwise
    refuse, naming each force, month and the areas that are not its own; nothing is written yet."""
    geography = ctx.geography
    if geography is None or geography.owned is None:
        return
    committed = ctx.store.manifest().partitions
    problems = []
    for info in partitions:
        before = committed.get(PartitionKey(source, dataset, info["month"], info["part"]).id)
        beyond = geography.replaces_beyond_rights(
            str(info["force"]),
            observed=info["observed"] or [],
            replaced=(before.meta.get("scope") or []) if before is not None else [],
        )
        what = f"{info['force']} {dataset} records for {info['month']} would be replaced"
        if beyond is None:
            problems.append(f"{what}, and they cover no area {geography.owner} keeps")
        elif beyond:
            listed = ", ".join(beyond[:14]) + (f" and {len(beyond) - 14} more" if len(beyond) > 14 else "")
            n = len(beyond)
            problems.append(
                f"{what}, and they cover {n} area{'s' if n != 1 else ''} {geography.owner} does not keep ({listed})"
            )
    if problems:
        raise ImportRefused(
            "; ".join(problems) + ". Only a partnership that keeps every area a file covers (or an operator, "
            "from the command line) can import it; nothing was changed"
        )


def write_partitions(
    ctx: Context,
    result: StageResult,
    *,
    source: str,
    dataset: str,
    table: str,
    meta_for: Callable[[dict[str, Any]], dict[str, Any]],
    extra_counts: dict[str, str] | None = None,
    file_fingerprints: dict[str, str] | None = None,
) -> None:
    """Write each (month, part) of ``table`` as one partition; refuse two files for one partition.

    A partition's fingerprint is a hash of its records; or, when ``file_fingerprints`` is given
    (file name → a hash of the file and everything that shapes its records), derived from that,
    which is much cheaper and just as telling for records that come whole from one file.
    """
    assert ctx.txn is not None
    extra = extra_counts or {}
    extra_sql = "".join(f", count(*) FILTER (WHERE {cond}) AS {name}" for name, cond in extra.items())
    rows = ctx.con.execute(
        f"""SELECT month, part, any_value(force) AS force, any_value(force_code) AS force_code, count(*) AS rows,
            count(*) FILTER (WHERE area_status = 'assigned') AS assigned,
            count(*) FILTER (WHERE area_status = 'outside') AS outside,
            count(*) FILTER (WHERE area_status = 'no_location') AS no_location,
            list(DISTINCT file_name ORDER BY file_name) AS file_names,
            list(DISTINCT area_code ORDER BY area_code) FILTER (WHERE area_code IS NOT NULL) AS observed,
            {"NULL" if file_fingerprints is not None else FINGERPRINT_SQL} AS fingerprint
            {extra_sql}
            FROM {table} GROUP BY month, part ORDER BY month, part"""
    ).fetchall()
    columns = [d[0] for d in ctx.con.description]
    if ctx.geography is not None:
        refuse_beyond_rights(ctx, source, dataset, [dict(zip(columns, v, strict=True)) for v in rows])
    planned: dict[tuple[str, str], tuple[int, str, dict[str, Any]]] = {}
    for values in rows:
        info = dict(zip(columns, values, strict=True))
        key = PartitionKey(source, dataset, info["month"], info["part"])
        earlier = result.partitions.get(key.id)
        names = list(info["file_names"] or [])
        if len(names) > 1 or earlier is not None:
            others = sorted({*names, *(earlier or {}).get("files", [])})
            raise ImportRefused(
                f"{info['force']} {dataset} records for {info['month']} are in more than one file "
                f"({', '.join(others)}); expected one file per force and month, so it is clear which replaces which",
                where=others[0],
            )
        fingerprint = str(info["fingerprint"])
        if file_fingerprints is not None:
            fingerprint = hashlib.sha256(
                f"{file_fingerprints[names[0]]}|{info['month']}|{info['part']}".encode()
            ).hexdigest()
        planned[(info["month"], info["part"])] = (int(info["rows"]), fingerprint, meta_for(info))
        counts = {
            "rows": int(info["rows"]),
            "assigned": int(info["assigned"]),
            "outside": int(info["outside"]),
            "no_location": int(info["no_location"]),
            **{name: int(info[name]) for name in extra},
        }
        result.partitions[key.id] = {**counts, "force": info["force"], "files": names}
        for name, amount in counts.items():
            result.add_total(dataset, name, amount)
        result.rows_accepted += int(info["rows"])
    if planned:
        ctx.txn.write_batch(ctx.con, source=source, dataset=dataset, table=table, partitions=planned)
