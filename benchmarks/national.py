"""A national year: saferhub's import of England and Wales against polars' bare read + group-by.

    python -m benchmarks national                    (or: python -m benchmarks.national
                                                      [--rows 4000000] [--no-essex])

1. The national geography (every district, force area, LSOA and population; ``geography_national_load``
   of ../shared/data) is loaded once into a SQLite database, timed on its own: it is not part of the
   import's time. Each import below starts from a copy of that database and an empty record store.
2. A synthetic national year: 12 months × 43 forces (one street file each, ≈ 4 million rows), made by
   copying rows of the real police.uk files in ../shared/data and rewriting month, force and LSOA:
   each row's LSOA becomes an LSOA of one of its new force's districts (the ONS LSOA 2021 → district
   lookup in ../shared/data/geography), so the records fall in every district of England and Wales.
   Rows are shared out by each force's number of LSOAs (a stand-in for its population).
   * saferhub: ``police_uk_import`` of the folder in a child process — read, check, assign areas, write
     Parquet, and every indicator value (counts and rates, with intervals) of every district, county
     and force area; its time, rows per second and peak resident memory;
   * polars: ``scan_csv`` of the same files + group-by (LSOA × month × crime type), in this process.
   Prints the ratio (goal: saferhub within 10× polars' bare time, peak memory ≤ 1 GB).
3. The Essex months in ../shared/data, whole process against whole process: a fresh Python running
   the import (Django start-up included) against a fresh ``python -c`` running polars' read + group-by.
   Goal: within 10×.

Nothing here asserts a time: the figures are printed for people to judge.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.ingest import child_env
from benchmarks.report import record

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
POLICE_UK = SHARED / "police-uk"
LSOA_LOOKUP = SHARED / "geography" / "lsoa21_to_lad.csv"
YEAR = 2025
GOAL_RATIO = 10.0
GOAL_MB = 1024

SETUP = """
import sys, time
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from pathlib import Path
from saferhub.geography.services import geography_national_load
start = time.perf_counter()
geography_national_load(folder=Path(sys.argv[1]))
print(time.perf_counter() - start)
"""

CHILD = """
import json, os, resource, sys, threading, time


def watch_workers(peaks):
    # Each child process's peak resident memory (VmHWM of its own image), every half second: the
    # processes a refresh starts to decide families. (RUSAGE_CHILDREN would count the parent's pages a
    # child had between fork and exec.)
    me = os.getpid()
    while True:
        for task in os.listdir(f"/proc/{me}/task"):
            try:
                kids = open(f"/proc/{me}/task/{task}/children").read().split()
            except OSError:
                continue
            for kid in kids:
                try:
                    for line in open(f"/proc/{kid}/status"):
                        if line.startswith("VmHWM:"):
                            peaks[kid] = max(peaks.get(kid, 0), int(line.split()[1]))
                except OSError:
                    pass
        time.sleep(0.5)


def main():
    peaks = {}
    threading.Thread(target=watch_workers, args=(peaks,), daemon=True).start()
    import django
    django.setup()
    from django.conf import settings
    from saferhub.ingest import pipeline
    from saferhub.ingest.services import police_uk_import
    refresh = pipeline._refresh_performance
    spent = []
    skip_refresh = "no-refresh" in sys.argv[2:]
    def timed_refresh(values):  # the performance summaries' refresh after the commit, timed on its own
        start = time.perf_counter()
        if not skip_refresh:
            refresh(values)
        spent.append(time.perf_counter() - start)
    pipeline._refresh_performance = timed_refresh
    warm = "warm" in sys.argv[2:]  # time the import alone (lazy imports done first), or the whole process
    if warm:
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
        "refresh_seconds": sum(spent),
        "rows": outcome.stage.rows_read,
        "values": outcome.values,
        "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        # the largest of the processes the refresh started to decide families side by side (0: none)
        "workers_peak_kb": max(peaks.values(), default=0),
        "workers": len(peaks),
        "processes": settings.SAFERHUB_DISCLOSURE_PROCESSES,
    }))


if __name__ == "__main__":  # the refresh may start processes (spawned: they import this file)
    main()
"""

POLARS = """
import sys, polars as pl
files = sys.argv[1:]
frame = pl.concat([pl.scan_csv(f, infer_schema=False) for f in files], how="diagonal_relaxed")
counts = frame.group_by(["LSOA code", "Month", "Crime type"]).len().collect()
print(counts["len"].sum())
"""


def _run(script: str, args: list[str], workdir: Path) -> tuple[str, float]:
    """Run ``script`` in a fresh Python; its last line of output and the wall time of the process."""
    path = workdir / f"script-{abs(hash(script))}.py"
    path.write_text(script)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(path), *args],
        check=False,
        cwd=REPO,
        env=child_env(workdir),
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{path.name} failed:\n{result.stderr[-3000:]}")
    return result.stdout.strip().splitlines()[-1], seconds


def national_geography(work: Path) -> tuple[Path, float]:
    """A SQLite database with the national geography; returns it and the seconds the load took."""
    base = work / "geography"
    base.mkdir(parents=True)
    line, _ = _run(SETUP, [str(SHARED)], base)
    return base / "db.sqlite3", float(line)


def import_run(
    folder: Path, geography_db: Path, workdir: Path, *, warm: bool, refresh: bool = True
) -> tuple[dict[str, float], float]:
    workdir.mkdir(parents=True)
    shutil.copy(geography_db, workdir / "db.sqlite3")
    flags = [*(["warm"] if warm else []), *([] if refresh else ["no-refresh"])]
    line, wall = _run(CHILD, [str(folder), *flags], workdir)
    return dict(json.loads(line)), wall


def make_national_year(geography_db: Path, target_rows: int, folder: Path) -> tuple[int, int, int]:
    """Write 12 monthly street files for each force area; returns (rows, forces, districts covered)."""
    import duckdb

    with sqlite3.connect(geography_db) as db:
        pairs = db.execute(
            """SELECT f.name, d.code FROM geography_area d JOIN geography_area f ON f.id = d.force_area_id
               WHERE d.area_type IN ('district', 'unitary')"""
        ).fetchall()
    con = duckdb.connect()
    con.execute("CREATE TABLE force_district (force VARCHAR, district VARCHAR)")
    con.executemany("INSERT INTO force_district VALUES (?, ?)", pairs)
    con.execute(
        f"""CREATE TABLE lsoas AS
            SELECT fd.force, l.LSOA21CD AS code, l.LSOA21NM AS name,
                   row_number() OVER (PARTITION BY fd.force ORDER BY l.LSOA21CD) - 1 AS i
            FROM read_csv('{LSOA_LOOKUP}', all_varchar = true) l
            JOIN force_district fd ON fd.district = l.LADCD_ACTIVE"""
    )
    forces = con.execute("SELECT force, count(*) FROM lsoas GROUP BY force ORDER BY force").fetchall()
    all_lsoas = sum(n for _, n in forces)
    sources = sorted(str(p) for p in POLICE_UK.glob("20*/*-street.csv"))
    con.execute(
        f"""CREATE TABLE pool AS SELECT row_number() OVER () - 1 AS rn, *
            FROM read_csv({sources}, all_varchar = true, union_by_name = true)"""
    )
    pool = con.execute("SELECT count(*) FROM pool").fetchall()[0][0]
    total = 0
    offset = 0
    for month in range(1, 13):
        label = f"{YEAR}-{month:02d}"
        (folder / label).mkdir(parents=True, exist_ok=True)
        for force, n_lsoas in forces:
            rows = min(max(1, round(target_rows / 12 * n_lsoas / all_lsoas)), pool)
            start = offset % (pool - rows + 1)
            offset += rows
            slug = "".join(ch if ch.isalnum() else "-" for ch in force.lower()).strip("-")
            target = folder / label / f"{label}-{slug}-street.csv"
            name = force.replace("'", "''")
            con.execute(
                f"""COPY (
                    SELECT p."Crime ID", '{label}' AS "Month", '{name}' AS "Reported by", '{name}' AS "Falls within",
                        p."Longitude", p."Latitude", p."Location",
                        CASE WHEN p."LSOA code" IS NULL THEN NULL ELSE l.code END AS "LSOA code",
                        CASE WHEN p."LSOA code" IS NULL THEN NULL ELSE l.name END AS "LSOA name",
                        p."Crime type", p."Last outcome category", p."Context"
                    FROM pool p LEFT JOIN lsoas l
                      ON l.force = '{name}' AND l.i = hash(p."LSOA code") % {n_lsoas}
                    WHERE p.rn >= {start} AND p.rn < {start + rows} ORDER BY p.rn
                ) TO '{target}' (HEADER, DELIMITER ',')"""
            )
            total += rows
    districts = con.execute("SELECT count(DISTINCT district) FROM force_district").fetchall()[0][0]
    con.close()
    return total, len(forces), int(districts)


def polars_in_process(files: list[Path]) -> tuple[float, int]:
    import polars as pl

    start = time.perf_counter()
    frame = pl.concat([pl.scan_csv(f, infer_schema=False) for f in files], how="diagonal_relaxed")
    counts = frame.group_by(["LSOA code", "Month", "Crime type"]).len().collect()
    return time.perf_counter() - start, int(counts["len"].sum())


def essex_months(work: Path, geography_db: Path) -> None:
    """The Essex files in ../shared/data: a fresh import process against a fresh polars process."""
    files = sorted(POLICE_UK.glob("20*/*-essex-street.csv"))
    folder = work / "essex" / "police-uk"
    for f in files:
        (folder / f.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy(f, folder / f.parent.name / f.name)
    result, wall = import_run(folder, geography_db, work / "essex-run", warm=False)
    line, polars_wall = _run(POLARS, [str(f) for f in files], work)
    ratio = wall / polars_wall
    print(
        f"Essex months ({len(files)} files, {int(result['rows']):,} rows), whole process: saferhub {wall:.2f} s "
        f"(the import itself {result['seconds']:.2f} s), polars {polars_wall:.2f} s ({int(line):,} rows); "
        f"ratio {ratio:.1f}× (goal ≤ {GOAL_RATIO:.0f}×)"
    )
    record(
        "national",
        "Essex months import, whole process",
        wall,
        "s",
        baseline=polars_wall,
        baseline_name="polars whole process",
        goal=f"≤ {GOAL_RATIO:.0f}× polars",
        met=ratio <= GOAL_RATIO,
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks national")
    parser.add_argument("--rows", type=int, default=4_000_000, help="Rows in the synthetic national year.")
    parser.add_argument("--no-essex", action="store_true", help="Leave out the Essex whole-process comparison.")
    parser.add_argument(
        "--no-refresh",
        action="store_true",
        help="Leave out the performance summaries' refresh after the commit (times the import to committed values).",
    )
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="saferhub-bench-national-"))
    try:
        geography_db, seconds = national_geography(work)
        print(f"national geography loaded in {seconds:.1f} s (not part of any import's time)")
        folder = work / "national" / "police-uk"
        start = time.perf_counter()
        total, forces, districts = make_national_year(geography_db, args.rows, folder)
        files = sorted(folder.rglob("*.csv"))
        print(
            f"synthetic national year: {total:,} rows in {len(files)} files, {forces} forces, "
            f"{districts} districts and unitaries (made in {time.perf_counter() - start:.0f} s)"
        )
        result, _ = import_run(folder, geography_db, work / "national-run", warm=True, refresh=not args.no_refresh)
        t_polars, polars_rows = polars_in_process(files)
        t_ours, peak_mb = result["seconds"], result["maxrss_kb"] / 1024
        ratio = t_ours / t_polars
        t_refresh = result["refresh_seconds"]
        print(
            f"saferhub import: {t_ours:.1f} s ({result['records_seconds']:.1f} s to the record store, "
            f"{t_ours - t_refresh - result['records_seconds']:.1f} s indicator values, {t_refresh:.1f} s refreshing "
            f"the performance summaries), {total / t_ours:,.0f} rows/s; values {result['values']}"
        )
        print(f"polars scan_csv + group-by: {t_polars:.2f} s ({polars_rows:,} rows)")
        print(f"ratio: {ratio:.1f}× polars (goal ≤ {GOAL_RATIO:.0f}×); peak memory of the import {peak_mb:,.0f} MB")
        worker_mb = result.get("workers_peak_kb", 0) / 1024
        if worker_mb:
            print(
                f"beside it, {int(result['workers'])} processes (up to SAFERHUB_DISCLOSURE_PROCESSES="
                f"{int(result['processes'])} deciding families, and multiprocessing's tracker): the largest "
                f"peaked at {worker_mb:,.0f} MB"
            )
        record(
            "national",
            f"national year import ({total:,} rows)",
            t_ours,
            "s",
            baseline=t_polars,
            baseline_name="polars scan_csv + group-by",
            goal=f"≤ {GOAL_RATIO:.0f}× polars",
            met=ratio <= GOAL_RATIO,
        )
        t_values = t_ours - t_refresh
        print(f"without the performance refresh: {t_values:.1f} s, {t_values / t_polars:.1f}× polars")
        record(
            "national",
            "national year import to committed values (no performance refresh)",
            t_values,
            "s",
            baseline=t_polars,
            baseline_name="polars scan_csv + group-by",
            goal=f"≤ {GOAL_RATIO:.0f}× polars",
            met=t_values / t_polars <= GOAL_RATIO,
        )
        record(
            "national",
            "national year import, peak memory",
            peak_mb,
            "MB",
            goal=f"≤ {GOAL_MB:,} MB",
            met=peak_mb <= GOAL_MB,
        )
        if not args.no_essex:
            essex_months(work, geography_db)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
