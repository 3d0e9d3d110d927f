"""Page latency: every public page type of the hub against a trivial view, in the same run (issues 5, 22).

    python -m benchmarks pages            (or: python -m benchmarks.pages [--requests 400] [--clients 20])

1. Creates a fresh PostgreSQL database (``--database``, default ``saferhub_bench`` or ``BENCH_DATABASE_NAME``)
   on the server of ``BENCH_DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432/postgres), and a
   record store in a temporary folder. ``--reuse DIR`` keeps the record store in ``DIR`` and, when a
   previous run with the same ``DIR`` and database finished loading, skips steps 1 and 2.
2. Loads the Essex configuration (geography, partnerships, frameworks), the district and Harlow LSOA
   boundaries, and every Essex police.uk street month in ../shared/data/police-uk; refreshes the
   performance summaries.
3. Serves the hub with gunicorn on 127.0.0.1 (loopback only), warms each page, then sends a bounded
   number of requests per page from concurrent clients, and prints the median and 95th percentile
   latency of each page and its ratio to the trivial view ``/ping`` measured in the same run. Pages:
   the start page, scorecard list, scorecards, indicator pages (performance and framework), why page,
   areas list, area profile, maps, the API's series, a governance meeting page, the assessment's
   county priorities, and, signed in as a member of the partnerships, Harlow's priority matrix and
   the board pack page. Every request says ``Accept-Encoding: gzip``, as browsers do.
4. With ``--in-process N`` (default 20), also renders each page N times in one process with Django's
   test client, warm, and prints the median: the page's own cost without the network or the load.

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


def recreate_database(name: str) -> str:
    import psycopg

    with psycopg.connect(_server_url(), autocommit=True, connect_timeout=10) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}"')
    return _database_url(name)


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
    """The key of the first published Essex meeting."""
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


def fetch(url: str, cookie: str = "", timeout: float = 60) -> tuple[float, int]:
    """One GET as a browser sends it (gzip accepted; the member's session cookie if given)."""
    headers = {"Accept-Encoding": "gzip"}
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return (time.perf_counter() - started) * 1000, status


MEMBER_CODE = """
from saferhub.core.bootstrap import setup_django
setup_django()
from django.test import Client
from saferhub.accounts.models import Partnership, PartnershipRole, Role, User
user, _ = User.objects.get_or_create(username="bench-member")
PartnershipRole.objects.bulk_create(
    [PartnershipRole(user=user, partnership=p, role=Role.VIEWER) for p in Partnership.objects.all()],
    ignore_conflicts=True,
)
client = Client()
client.force_login(user)
print(client.cookies["sessionid"].value)
"""


def member_session(env: dict[str, str]) -> str:
    """A session of a viewer in every partnership (the matrix and the board pack are for members)."""
    out = subprocess.run(
        [sys.executable, "-c", MEMBER_CODE], env=env, check=True, cwd=REPO, capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1]


IN_PROCESS_CODE = """
import json, statistics, sys, time
from saferhub.core.bootstrap import setup_django
setup_django()
from django.test import Client
from saferhub.accounts.models import User
pages, repeat = json.loads(sys.argv[1]), int(sys.argv[2])
anon, member = Client(), Client()
member.force_login(User.objects.get(username="bench-member"))
out = {}
for name, (url, who) in pages.items():
    client = member if who == "member" else anon
    for _ in range(3):
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        times.append((time.perf_counter() - started) * 1000)
    out[name] = [statistics.median(times), len(response.content), response.status_code]
print(json.dumps(out))
"""


def in_process(env: dict[str, str], pages: dict[str, tuple[str, str]], repeat: int) -> dict[str, list[float]]:
    """Each page's median render time (ms, warm, Django's test client in one process), its size sent
    (bytes, gzip) and status."""
    import json

    env = {**env, "ALLOWED_HOSTS": "*"}
    out = subprocess.run(
        [sys.executable, "-c", IN_PROCESS_CODE, json.dumps(pages), str(repeat)],
        env=env,
        check=True,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def measure(url: str, *, requests: int, clients: int, cookie: str = "") -> dict[str, float | int]:
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
            ms, status = fetch(url, cookie)
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
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE_NAME", DB_NAME),
        help=f"the database to (re)create on the server (default {DB_NAME})",
    )
    parser.add_argument("--reuse", type=Path, help="keep the record store here; skip loading if already loaded")
    parser.add_argument("--in-process", type=int, default=20, help="in-process renders per page (0: none)")
    parser.add_argument("--only", nargs="*", help="measure only pages whose name contains one of these")
    parser.add_argument(
        "--cache-url",
        default="",
        help="SAFERHUB_CACHE_URL for the served hub, as the runbook sets it in production (e.g. "
        "redis://127.0.0.1:6379/14; emptied first); default: a cache per process, as `make run`",
    )
    args = parser.parse_args(argv)

    months = sorted(p for p in (SHARED / "police-uk").iterdir() if p.is_dir() and p.name[:2] in {"19", "20"})
    if args.months:
        months = months[: args.months]
    with contextlib.ExitStack() as stack:
        folder = args.reuse or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="saferhub-bench-")))
        folder.mkdir(parents=True, exist_ok=True)
        marker = folder / f"loaded-{args.database}-{len(months)}"
        reused = args.reuse is not None and marker.exists()
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(args.database) if reused else recreate_database(args.database),
            "SAFERHUB_RECORD_STORE": str(folder / "records"),
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "SAFERHUB_DEBUG": "false",
            "SAFERHUB_LOG_LEVEL": "WARNING",
            # One address sends every request: the API's public throttle (60 a minute) would refuse most.
            "SAFERHUB_API_RATE_PUBLIC": "1000000/m",
            "SAFERHUB_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",  # testserver: the in-process client
            "SAFERHUB_CACHE_URL": args.cache_url,
        }
        if args.cache_url:
            import redis

            redis.Redis.from_url(args.cache_url).flushdb()  # nothing kept from another run or commit
        print(
            f"pages benchmark: database {args.database}{' (reused)' if reused else ''}, {len(months)} police.uk "
            f"months, {args.clients} clients, {args.requests} requests per page, "
            f"cache: {args.cache_url or 'one per process'}",
            flush=True,
        )
        if not reused:
            for old in folder.glob("loaded-*"):
                old.unlink()
            load(env, months, folder)
            marker.touch()
        cookie = member_session(env)
        meeting = first_meeting(env)
        pages: dict[str, tuple[str, str]] = {
            "trivial view /ping": ("/ping", "anon"),
            "scorecard (Essex commissioning strategy, Essex)": ("/scorecards/ecc-safe-communities-2014-18/", "anon"),
            "scorecard (Harlow)": ("/scorecards/ecc-safe-communities-2014-18/?area=E07000073", "anon"),
            "indicator: all crime rate (Essex)": ("/performance/indicators/all-crime-rate/?area=E10000012", "anon"),
            "indicator: all crime rate (Harlow)": ("/performance/indicators/all-crime-rate/?area=E07000073", "anon"),
            "indicator page (framework)": ("/indicators/all-crime-rate/?area=E07000073", "anon"),
            "start page": ("/", "anon"),
            "scorecard list": ("/scorecards/", "anon"),
            "why page (Harlow)": ("/performance/why/all-crime-rate/E07000073/", "anon"),
            "areas list": ("/areas/", "anon"),
            "area profile (Harlow)": ("/areas/E07000073/", "anon"),
            "maps": ("/maps/", "anon"),
            "API series (Harlow)": ("/api/indicators/all-crime-rate/series?area=E07000073", "anon"),
            "governance meeting page": (f"/governance/meetings/{meeting}/", "anon"),
            "assessment: county priorities": ("/assessment/county-priorities/", "anon"),
            "assessment matrix (Harlow, a member)": ("/assessment/matrix/E07000073/", "member"),
            "board pack page (a member)": (f"/reports/meetings/{meeting}/pack/", "member"),
        }
        if args.only:
            pages = {k: v for k, v in pages.items() if k == "trivial view /ping" or any(o in k for o in args.only)}
        renders = in_process(env, pages, args.in_process) if args.in_process else {}
        results = {}
        with serve(env, args.workers) as base:
            for url, who in pages.values():  # warm each worker's caches and connections
                for _ in range(4 * args.workers):  # (a first render may take minutes on a loaded machine)
                    fetch(base + url, cookie if who == "member" else "", timeout=600)
            for name, (url, who) in pages.items():
                results[name] = measure(
                    base + url, requests=args.requests, clients=args.clients, cookie=cookie if who == "member" else ""
                )
    report(results, renders)
    return 0


def report(results: dict[str, dict[str, float | int]], renders: dict[str, list[float]]) -> None:
    baseline = results["trivial view /ping"]
    print()
    print(
        f"{'page':<52} {'median ms':>10} {'p95 ms':>8} {'req/s':>7} {'200s':>6} {'p95 ratio':>10}  {'goal':<8}"
        f" {'in-process ms':>13} {'KB sent':>8}"
    )
    for name, r in results.items():
        ratio = r["p95"] / baseline["p95"] if baseline["p95"] else float("nan")
        met = r["p95"] < GOAL_P95_MS and ratio <= GOAL_RATIO and r["ok"] == r["requests"]
        goal = "" if name == "trivial view /ping" else ("met" if met else "not met")
        render_ms, size, _status = renders.get(name, [float("nan"), float("nan"), 0])
        print(
            f"{name:<52} {r['median']:>10.1f} {r['p95']:>8.1f} {r['rps']:>7.1f} {r['ok']:>6} {ratio:>10.2f}  {goal:<8}"
            f" {render_ms:>13.2f} {size / 1000:>8.1f}"
        )
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
                met=met,
            )
    print(f"\ngoal: p95 under {GOAL_P95_MS} ms and within {GOAL_RATIO:g}× the trivial view's p95 in the same run")


if __name__ == "__main__":
    sys.exit(main())
