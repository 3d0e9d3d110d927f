"""Page latency: every public page type of the hub against a trivial view, in the same run (issues 5, 22).

    python -m benchmarks pages            (or: python -m benchmarks.pages [--requests 400] [--clients 20])

1. Creates a fresh PostgreSQL database ``saferhub_bench`` on the server of ``BENCH_DATABASE_URL`` (default
   postgres://postgres@127.0.0.1:5432/postgres), and a record store in a temporary folder.
2. Loads the Essex configuration (geography, partnerships, frameworks), the district and Harlow LSOA
   boundaries, and every Essex police.uk street month in ../shared/data/police-uk; refreshes the
   performance summaries.
3. Serves the hub with gunicorn on 127.0.0.1 (loopback only), warms each page, then sends a bounded
   number of requests per page from concurrent clients, and prints the median and 95th percentile
   latency of each page and its ratio to the trivial view ``/ping`` measured in the same run. Pages:
   the start page, scorecard list, scorecards, indicator pages (performance and framework), why page,
   areas list, area profile, maps, the API's series, a governance meeting page and the assessment's
   county priorities. The board pack page is for members only and is measured by ``pack``.

Goal (issue 5): p95 under 150 ms and within 3× the trivial view. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from benchmarks.report import record

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
BIN = Path(sys.executable).parent
DB_NAME = "saferhub_bench"
GOAL_P95_MS = 150
GOAL_RATIO = 3.0


def _server_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def _database_url(name: str) -> str:
    parts = urlsplit(_server_url())
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def recreate_database() -> str:
    import psycopg

    with psycopg.connect(_server_url(), autocommit=True, connect_timeout=10) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{DB_NAME}"')
    return _database_url(DB_NAME)


def run(env: dict[str, str], *args: str) -> None:
    started = time.perf_counter()
    subprocess.run([str(BIN / "saferhub"), *args], env=env, check=True, stdout=subprocess.DEVNULL, timeout=1800)
    print(f"  saferhub {' '.join(args)[:90]} ({time.perf_counter() - started:.1f} s)", flush=True)


IMPORT_CODE = """
import sys
from saferhub.core.bootstrap import setup_django
setup_django()
from saferhub.ingest.services import police_uk_import
for path in sys.argv[1:]:
    police_uk_import(paths=[path])
"""


def essex_districts(folder: Path) -> Path:
    """The ONS district boundaries cut to Essex's 14 partnership areas (the national file also holds
    Scottish and Northern Irish codes, which the hub does not take)."""
    import json

    national = json.loads((SHARED / "boundaries" / "lad" / "ltla-2016-bsc.geojson").read_text(encoding="utf-8"))
    codes = {f"E070000{n}" for n in range(66, 78)} | {"E06000033", "E06000034"}
    path = folder / "essex-districts.geojson"
    features = [f for f in national["features"] if f["properties"]["areacd"] in codes]
    path.write_text(json.dumps({**national, "features": features}), encoding="utf-8")
    return path


def load(env: dict[str, str], months: list[Path], folder: Path) -> None:
    run(env, "migrate")
    run(env, "geography", "load", "builtin", "essex")
    run(env, "accounts", "load-essex")
    run(env, "framework", "load", "essex")
    run(env, "delivery", "load-essex")
    run(env, "governance", "load-essex")
    run(env, "assessment", "load-essex")
    run(env, "geography", "load", "boundaries", str(essex_districts(folder)), "--vintage", "2016")
    run(
        env,
        "geography",
        "load",
        "boundaries",
        str(SHARED / "boundaries" / "essex-lsoa-2011" / "E07000073.json"),
        "--vintage",
        "2011",
    )
    files = [str(m / f"{m.name}-essex-street.csv") for m in months]
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", IMPORT_CODE, *files], env=env, check=True, cwd=REPO, timeout=3600)
    print(f"  imported {len(files)} police.uk months ({time.perf_counter() - started:.1f} s)", flush=True)
    run(env, "performance", "refresh")


def first_meeting(env: dict[str, str]) -> int:
    """The key of the first published Essex meeting (the board pack page needs a member: not measured)."""
    import psycopg

    with psycopg.connect(env["DATABASE_URL"], connect_timeout=10) as con:
        row = con.execute("SELECT id FROM governance_meeting ORDER BY date, id LIMIT 1").fetchone()
    if row is None:
        raise RuntimeError("governance load-essex loaded no meeting")
    return int(row[0])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(env: dict[str, str], workers: int):
    port = free_port()
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=REPO,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/ping", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def fetch(url: str) -> tuple[float, int]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return (time.perf_counter() - started) * 1000, status


def measure(url: str, *, requests: int, clients: int) -> dict[str, float | int]:
    """``requests`` GETs of ``url`` from ``clients`` threads; latencies in milliseconds."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    remaining = [requests]

    def worker() -> None:
        while True:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            ms, status = fetch(url)
            with lock:
                latencies.append(ms)
                statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "median": statistics.median(ordered),
        "p95": ordered[max(0, round(0.95 * len(ordered)) - 1)],
        "rps": len(ordered) / elapsed,
        "ok": statuses.get(200, 0),
        "requests": len(ordered),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per page (default 400)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, one per core)")
    parser.add_argument("--months", type=int, default=0, help="only the first N police.uk months (default all)")
    args = parser.parse_args(argv)

    months = sorted(p for p in (SHARED / "police-uk").iterdir() if p.is_dir() and p.name[:2] in {"19", "20"})
    if args.months:
        months = months[: args.months]
    with tempfile.TemporaryDirectory(prefix="saferhub-bench-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": recreate_database(),
            "SAFERHUB_RECORD_STORE": str(Path(tmp) / "records"),
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "SAFERHUB_DEBUG": "false",
            "SAFERHUB_LOG_LEVEL": "WARNING",
            # One address sends every request: the API's public throttle (60 a minute) would refuse most.
            "SAFERHUB_API_RATE_PUBLIC": "1000000/m",
        }
        print(
            f"pages benchmark: database {DB_NAME}, {len(months)} police.uk months, {args.clients} clients, "
            f"{args.requests} requests per page",
            flush=True,
        )
        load(env, months, Path(tmp))
        pages = {
            "trivial view /ping": "/ping",
            "scorecard (Essex commissioning strategy, Essex)": "/scorecards/ecc-safe-communities-2014-18/",
            "scorecard (Harlow)": "/scorecards/ecc-safe-communities-2014-18/?area=E07000073",
            "indicator: all crime rate (Essex)": "/performance/indicators/all-crime-rate/?area=E10000012",
            "indicator: all crime rate (Harlow)": "/performance/indicators/all-crime-rate/?area=E07000073",
            "indicator page (framework)": "/indicators/all-crime-rate/?area=E07000073",
            "start page": "/",
            "scorecard list": "/scorecards/",
            "why page (Harlow)": "/performance/why/all-crime-rate/E07000073/",
            "areas list": "/areas/",
            "area profile (Harlow)": "/areas/E07000073/",
            "maps": "/maps/",
            "API series (Harlow)": "/api/indicators/all-crime-rate/series?area=E07000073",
            "governance meeting page": f"/governance/meetings/{first_meeting(env)}/",
            "assessment: county priorities": "/assessment/county-priorities/",
        }
        results = {}
        with serve(env, args.workers) as base:
            for url in pages.values():  # warm each worker's chart cache and connections
                for _ in range(4 * args.workers):
                    fetch(base + url)
            for name, url in pages.items():
                results[name] = measure(base + url, requests=args.requests, clients=args.clients)
    baseline = results["trivial view /ping"]
    print()
    print(f"{'page':<52} {'median ms':>10} {'p95 ms':>8} {'req/s':>7} {'200s':>6} {'p95 ratio':>10}  goal")
    for name, r in results.items():
        ratio = r["p95"] / baseline["p95"] if baseline["p95"] else float("nan")
        goal = (
            ""
            if name == "trivial view /ping"
            else ("met" if r["p95"] < GOAL_P95_MS and ratio <= GOAL_RATIO else "not met")
        )
        print(f"{name:<52} {r['median']:>10.1f} {r['p95']:>8.1f} {r['rps']:>7.1f} {r['ok']:>6} {ratio:>10.2f}  {goal}")
        if name == "trivial view /ping":
            record("pages", f"{name} p95", r["p95"], "ms")
        else:
            record(
                "pages",
                f"{name} p95",
                r["p95"],
                "ms",
                baseline=baseline["p95"],
                baseline_name="/ping p95",
                goal=f"< {GOAL_P95_MS} ms and ≤ {GOAL_RATIO:g}× /ping; all 200",
                met=goal == "met" and r["ok"] == r["requests"],
            )
    print(f"\ngoal: p95 under {GOAL_P95_MS} ms and within {GOAL_RATIO:g}× the trivial view's p95 in the same run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
