"""Import throughput: saferhub's police.uk import against DuckDB's and pandas' own reads, in the same run.

    python -m benchmarks ingest                      (or: python -m benchmarks.ingest [--repeat 3])

1. Every police.uk CSV in ../shared/data/police-uk (the monthly files of six forces, the lower-case
   variant and the outcomes samples), each run into a fresh SQLite database and record store:
   * saferhub: ``police_uk_import`` of the folder: read, check encoding and columns, validate every
     row, assign areas, stage Parquet, commit, and write the indicator values (counts and rates);
   * DuckDB: ``read_csv`` of the same files into a table (the raw scan: every column parsed, no checks);
   * pandas: ``read_csv`` of each file, then the same aggregation (district × month × crime type).
   Prints rows per second and the ratios (goal: saferhub ≥ 0.5 × DuckDB's raw scan, ≥ 5 × pandas).

The national year (43 forces, every district, against polars) is ``python -m benchmarks national``.

Nothing here asserts a time: the figures are printed for people to judge.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.report import record

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
POLICE_UK = SHARED / "police-uk"
GOAL_DUCKDB = 0.5
GOAL_PANDAS = 5.0

CHILD = """
import os, sys, time, json, resource
import django
django.setup()
from django.conf import settings
from django.db import connection
settings.DATABASES["default"]["TEST"] = {"NAME": settings.DATABASES["default"]["NAME"], "MIGRATE": False}
connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
from saferhub.geography.services import geography_builtin_load
geography_builtin_load(name="essex")
from saferhub.ingest.services import police_uk_import
# Warm up lazy imports (DuckDB's Arrow bridge, the statistics), so only the import itself is timed.
import duckdb, pyarrow
import saferhub.measures.services
duckdb.connect().register("warm", pyarrow.table({"a": [1]}))
marks = {}
def progress(done, total, note):
    marks.setdefault(note.split(" ")[0], time.perf_counter())
start = time.perf_counter()
outcome = police_uk_import(paths=[sys.argv[1]], progress=progress)
end = time.perf_counter()
print(json.dumps({
    "seconds": end - start,
    "records_seconds": marks.get("Working", end) - start,
    "rows": outcome.stage.rows_read,
    "values": outcome.values,
    "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
}))
"""


def child_env(workdir: Path) -> dict[str, str]:
    """The environment of a benchmark's child process: its own SQLite database and record store."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "SAFERHUB_RECORD_STORE": str(workdir / "records"),
        "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}",
        "PYTHONPYCACHEPREFIX": str(workdir.parent / "pycache"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_import(folder: Path, workdir: Path) -> dict[str, float]:
    """A fresh hub (SQLite, empty store, Essex geography) in a child process, importing ``folder``."""
    import json

    workdir.mkdir(parents=True, exist_ok=True)
    script = workdir / "child.py"
    script.write_text(CHILD)
    result = subprocess.run(
        [sys.executable, str(script), str(folder)],
        check=False,
        cwd=REPO,
        env=child_env(workdir),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"the import failed:\n{result.stderr[-3000:]}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def police_files() -> list[Path]:
    return sorted(POLICE_UK.rglob("*.csv"))


def duckdb_scan(files: list[Path]) -> tuple[float, int]:
    import duckdb

    con = duckdb.connect()
    listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    start = time.perf_counter()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv([{listed}], union_by_name = true)").fetchall()
    seconds = time.perf_counter() - start
    rows = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    con.close()
    return seconds, int(rows)


def pandas_aggregate(files: list[Path]) -> tuple[float, int]:
    import pandas as pd

    start = time.perf_counter()
    frames = []
    for f in files:
        frame = pd.read_csv(f, dtype=str, keep_default_na=False)
        frame.columns = [c.strip().lower().replace(" ", "_") for c in frame.columns]
        frames.append(frame)
    data = pd.concat(frames, ignore_index=True)
    district = data["lsoa_name"].str.replace(r"\s+\S+$", "", regex=True)
    kind = data["crime_type"].fillna(data["outcome_type"]) if "outcome_type" in data else data["crime_type"]
    counts = data.assign(district=district, kind=kind).groupby(["district", "month", "kind"], dropna=False).size()
    seconds = time.perf_counter() - start
    assert counts.sum() == len(data)
    return seconds, len(data)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks ingest")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each measurement; the median is shown.")
    args = parser.parse_args(argv)
    files = police_files()
    if not files:
        print(f"no police.uk files under {POLICE_UK}", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="saferhub-bench-ingest-"))
    try:
        print(f"police.uk files: {len(files)} in {POLICE_UK} ({sum(f.stat().st_size for f in files) / 1e6:.0f} MB)")
        ours, records_only, scans, pandas_runs = [], [], [], []
        rows = 0
        for i in range(args.repeat):
            result = run_import(POLICE_UK, work / f"run-{i}")
            rows = int(result["rows"])
            ours.append(result["seconds"])
            records_only.append(result["records_seconds"])
            seconds, scanned = duckdb_scan(files)
            scans.append(seconds)
            seconds, aggregated = pandas_aggregate(files)
            pandas_runs.append(seconds)
            if scanned != rows or aggregated != rows:
                print(f"  row counts differ: saferhub {rows}, DuckDB {scanned}, pandas {aggregated}")
            print(
                f"  run {i + 1}: saferhub {result['seconds']:.2f} s ({result['records_seconds']:.2f} s to the record "
                f"store), DuckDB read_csv {scans[-1]:.2f} s, pandas {pandas_runs[-1]:.2f} s; values {result['values']}"
            )
        t_ours, t_records = statistics.median(ours), statistics.median(records_only)
        t_duck, t_pandas = statistics.median(scans), statistics.median(pandas_runs)
        print(f"rows: {rows:,}")
        print(f"saferhub import (all steps):     {rows / t_ours:>12,.0f} rows/s")
        print(f"saferhub import (to the store):  {rows / t_records:>12,.0f} rows/s")
        print(f"DuckDB read_csv (raw scan):      {rows / t_duck:>12,.0f} rows/s")
        print(f"pandas read_csv + groupby:       {rows / t_pandas:>12,.0f} rows/s")
        print(
            f"ratio to DuckDB's raw scan:  {t_duck / t_ours:.2f} all steps, {t_duck / t_records:.2f} to the store "
            f"(goal ≥ {GOAL_DUCKDB})"
        )
        print(
            f"ratio to pandas:            {t_pandas / t_ours:.2f} all steps, {t_pandas / t_records:.2f} to the store "
            f"(goal ≥ {GOAL_PANDAS})"
        )
        record(
            "ingest",
            "police.uk import, all steps",
            rows / t_ours,
            "rows/s",
            baseline=rows / t_duck,
            baseline_name="DuckDB read_csv",
            goal=f"ratio ≥ {GOAL_DUCKDB}",
            met=t_duck / t_ours >= GOAL_DUCKDB,
        )
        record(
            "ingest",
            "police.uk import, all steps",
            rows / t_ours,
            "rows/s",
            baseline=rows / t_pandas,
            baseline_name="pandas read_csv + groupby",
            goal=f"ratio ≥ {GOAL_PANDAS}",
            met=t_pandas / t_ours >= GOAL_PANDAS,
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
