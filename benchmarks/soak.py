"""Soak: 20 clients for 10 minutes against the hub as ``make run`` serves it, on PostgreSQL, while an
import runs on an RQ worker and a performance refresh runs beside it (issue 22).

    python -m benchmarks soak [--minutes 10] [--clients 20] [--months 0] [--max-requests 2000000]

1. Creates a fresh PostgreSQL database ``saferhub_soak`` (server of ``BENCH_DATABASE_URL``) and loads
   Essex and the first police.uk months as the pages benchmark does, holding two months back.
2. Starts ``saferhub serve`` (gunicorn, 2 workers × 4 threads, as ``make run``) on a free port of
   127.0.0.1, and ``manage.py rqworker default --job-class django_tasks_rq.Job`` with
   ``SAFERHUB_TASK_QUEUE=rq`` on Redis database 13 (its own queue, not the one other runs use).
3. ``--clients`` threads request public pages in turn (the trivial view, scorecards, indicator pages,
   why page, area profile, areas, maps, the API's series) until ``--minutes`` pass and the background
   work is done, or ``--max-requests`` were sent; loopback only. Meanwhile each held-back month is uploaded as the
   import page does (staged and committed by the worker) and ``saferhub performance refresh`` runs.
4. Every 5 seconds, the resident memory of each process (gunicorn's master and workers, the RQ worker
   and its work horses) is sampled.

Prints, per minute: requests, errors, p50/p95/p99 latency and each process's peak memory. Goals:
no errors; memory flat (each process's peak in the last minute within 1.2× its peak in the first).
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path

import psutil

from benchmarks.pages import (
    BIN,
    REPO,
    SHARED,
    _database_url,
    _server_url,
    fetch,
    first_meeting,
    free_port,
    load,
    member_session,
)
from benchmarks.report import record

DB_NAME = "saferhub_soak"
REDIS_DB = 13
GROWTH_GOAL = 1.2
SAMPLE_SECONDS = 5.0
PAGES = [
    "/ping",
    "/",
    "/scorecards/",
    "/scorecards/ecc-safe-communities-2014-18/",
    "/scorecards/ecc-safe-communities-2014-18/?area=E07000073",
    "/performance/indicators/all-crime-rate/?area=E07000073",
    "/indicators/all-crime-rate/?area=E07000073",
    "/performance/why/all-crime-rate/E07000073/",
    "/areas/",
    "/areas/E07000073/",
    "/maps/",
    "/api/indicators/all-crime-rate/series?area=E07000073",
]
# Read by a member (a viewer in every partnership), signed in: the pages kept per partnership and role.
MEMBER_PAGES = ["/assessment/matrix/E07000073/", "/reports/meetings/{meeting}/pack/"]

# An upload as the import page makes it: staged by the worker, then confirmed and committed by it.
UPLOAD_CODE = """
import sys, time
from saferhub.core.bootstrap import setup_django
setup_django()
from django.core.files.uploadedfile import SimpleUploadedFile
from saferhub.ingest.models import Import
from saferhub.ingest.uploads import import_confirm_start, import_upload
path = sys.argv[1]
with open(path, "rb") as handle:
    upload = SimpleUploadedFile(path.rsplit("/", 1)[-1], handle.read(), content_type="text/csv")
run = import_upload(user=None, partnership=None, source="police-uk", upload=upload)
deadline = time.monotonic() + 900
while time.monotonic() < deadline:
    run.refresh_from_db()
    if run.status != Import.Status.STAGED or run.summary.get("awaiting_confirmation"):
        break
    time.sleep(1)
if run.status != Import.Status.STAGED:
    sys.exit(f"staging ended {run.status}: {run.progress_note}")
import_confirm_start(import_run=run, user=None)
while time.monotonic() < deadline:
    run.refresh_from_db()
    if run.status != Import.Status.STAGED:
        break
    time.sleep(1)
print(run.status)
sys.exit(0 if run.status == Import.Status.COMMITTED else f"import ended {run.status}: {run.progress_note}")
"""


def recreate_database() -> str:
    import psycopg

    with psycopg.connect(_server_url(), autocommit=True, connect_timeout=10) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{DB_NAME}"')
    return _database_url(DB_NAME)


@contextlib.contextmanager
def started(args: list[str], env: dict[str, str]):
    proc = subprocess.Popen(args, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def wait_for(base: str, proc: subprocess.Popen[bytes], *, seconds: float = 600) -> None:
    """Until /ping answers (a busy machine starts gunicorn slowly), or the server has exited."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the hub exited with status {proc.returncode} before answering")
        try:
            urllib.request.urlopen(base + "/ping", timeout=5).read()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the hub did not answer /ping within {seconds:.0f} s")


class Sampler(threading.Thread):
    """Peak resident memory (MB) per process and minute, sampled every few seconds."""

    def __init__(self, roots: dict[str, psutil.Process], t0: float) -> None:
        super().__init__(daemon=True)
        self.roots, self.t0 = roots, t0
        self.peaks: dict[str, dict[int, float]] = defaultdict(dict)
        self.stop = threading.Event()

    def sample(self) -> None:
        minute = int((time.monotonic() - self.t0) // 60)
        for name, root in self.roots.items():
            try:
                procs = {f"{name}": root}
                for i, child in enumerate(sorted(root.children(), key=lambda p: p.pid)):
                    label = "gunicorn worker" if name == "gunicorn master" else "RQ work horse"
                    procs[f"{label} {i + 1}" if label == "gunicorn worker" else label] = child
                for label, proc in procs.items():
                    mb = proc.memory_info().rss / 2**20
                    self.peaks[label][minute] = max(self.peaks[label].get(minute, 0.0), mb)
            except psutil.Error:
                continue

    def run(self) -> None:
        while not self.stop.wait(SAMPLE_SECONDS):
            self.sample()


def drive(
    targets: list[tuple[str, str]],
    *,
    clients: int,
    seconds: float,
    max_requests: int,
    t0: float,
    jobs: threading.Thread,
) -> list[tuple[float, float, bool]]:
    """(seconds since t0, latency ms, ok) of every request, from ``clients`` threads, for ``seconds`` and
    until the background work is done (at most half an hour more), or ``max_requests``."""
    results: list[tuple[float, float, bool]] = []
    lock = threading.Lock()
    deadline, cap = t0 + seconds, t0 + seconds + 1800

    def going() -> bool:
        now = time.monotonic()
        return now < cap and (now < deadline or jobs.is_alive())

    def worker(offset: int) -> None:
        i = offset
        while going():
            with lock:
                if len(results) >= max_requests:
                    return
            url, cookie = targets[i % len(targets)]
            i += 1
            started_at = time.monotonic()
            try:
                ok = fetch(url, cookie, timeout=30)[1] == 200
            except (urllib.error.URLError, OSError):
                ok = False
            ended = time.monotonic()
            with lock:
                results.append((started_at - t0, (ended - started_at) * 1000, ok))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def background(env: dict[str, str], held: list[Path], seconds: float, t0: float, log: list[str]) -> threading.Thread:
    """Uploads of the held-back months (through the worker) and refreshes, spread over the run."""

    def job(at: float, kind: str, args: list[str]) -> None:
        time.sleep(max(0.0, t0 + at - time.monotonic()))
        begun = time.monotonic()
        done = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True, timeout=1800, check=False)
        outcome = "ok" if done.returncode == 0 else f"failed: {(done.stderr or done.stdout).strip()[-200:]}"
        log.append(f"{begun - t0:6.0f} s  {kind}: {time.monotonic() - begun:.1f} s, {outcome}")

    plan: list[tuple[float, str, list[str]]] = []
    for k, month in enumerate(held):
        csv = month / f"{month.name}-essex-street.csv"
        plan.append(
            (
                (0.1 + 0.5 * k) * seconds,
                f"import {month.name} (RQ worker)",
                [sys.executable, "-c", UPLOAD_CODE, str(csv)],
            )
        )
        plan.append(
            ((0.35 + 0.5 * k) * seconds, "performance refresh", [str(BIN / "saferhub"), "performance", "refresh"])
        )

    def run_all() -> None:
        for at, kind, args in sorted(plan):
            job(at, kind, args)

    thread = threading.Thread(target=run_all, daemon=True)
    thread.start()
    return thread


def percentile(ordered: list[float], q: float) -> float:
    return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered)) - 1))] if ordered else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks soak", description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--months", type=int, default=0, help="police.uk months loaded first (default all but two)")
    parser.add_argument("--max-requests", type=int, default=2_000_000, help="stop after this many requests")
    parser.add_argument(
        "--reuse", action="store_true", help="use the database and store a previous run loaded (var/soak); no load"
    )
    args = parser.parse_args(argv)

    months = sorted(p for p in (SHARED / "police-uk").iterdir() if p.is_dir() and p.name[:2] in {"19", "20"})
    first = args.months or max(1, len(months) - 2)
    loaded, held = months[:first], months[first : first + 2]
    seconds = args.minutes * 60
    keep = REPO / "var" / "soak"  # the database's record store, kept for --reuse
    if not args.reuse:
        shutil.rmtree(keep, ignore_errors=True)
    keep.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="saferhub-soak-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(DB_NAME) if args.reuse else recreate_database(),
            "SAFERHUB_RECORD_STORE": str(keep / "records"),
            "SAFERHUB_VAR_DIR": str(Path(tmp) / "var"),
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "SAFERHUB_DEBUG": "false",
            "SAFERHUB_LOG_LEVEL": "WARNING",
            "SAFERHUB_TASK_QUEUE": "rq",
            # One address sends every request: the API's public throttle (60 a minute) would refuse most.
            "SAFERHUB_API_RATE_PUBLIC": "1000000/m",
            "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        }
        print(
            f"soak: {args.clients} clients for {args.minutes:g} minutes; {len(loaded)} months loaded, "
            f"{len(held)} imported during the run",
            flush=True,
        )
        if not args.reuse:
            load(env, loaded, Path(tmp))
        cookie, meeting = member_session(env), first_meeting(env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        serve = [str(BIN / "saferhub"), "serve", "--host", "127.0.0.1", "--port", str(port)]
        rq = [sys.executable, "manage.py", "rqworker", "default", "--job-class", "django_tasks_rq.Job"]
        with started(serve, env) as web, started(rq, env) as worker:
            wait_for(base, web)
            targets = [(base + url, "") for url in PAGES] + [
                (base + url.format(meeting=meeting), cookie) for url in MEMBER_PAGES
            ]
            for url, member in targets:  # warm each worker's connections
                for _ in range(4):
                    fetch(url, member)
            t0 = time.monotonic()
            sampler = Sampler({"gunicorn master": psutil.Process(web.pid), "RQ worker": psutil.Process(worker.pid)}, t0)
            sampler.sample()
            sampler.start()
            log: list[str] = []
            jobs = background(env, held, seconds, t0, log)
            results = drive(
                targets, clients=args.clients, seconds=seconds, max_requests=args.max_requests, t0=t0, jobs=jobs
            )
            jobs.join(timeout=1800)
            sampler.stop.set()
            sampler.sample()
    report(results, sampler.peaks, log, clients=args.clients)
    return 0


def report(
    results: list[tuple[float, float, bool]], peaks: dict[str, dict[int, float]], log: list[str], *, clients: int
) -> None:
    by_minute: dict[int, list[tuple[float, bool]]] = defaultdict(list)
    for at, ms, ok in results:
        by_minute[int(at // 60)].append((ms, ok))
    names = sorted(peaks)
    print("\nbackground work:")
    for line in log:
        print("  " + line)
    print(
        f"\n{'minute':>6} {'requests':>9} {'errors':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}  "
        + "  ".join(f"{n} MB" for n in names)
    )
    for minute in sorted(by_minute):
        rows = by_minute[minute]
        ordered = sorted(ms for ms, _ in rows)
        errors = sum(not ok for _, ok in rows)
        mem = "  ".join(f"{peaks[n].get(minute, float('nan')):>{len(n) + 3}.0f}" for n in names)
        print(
            f"{minute + 1:>6} {len(rows):>9} {errors:>7} {statistics.median(ordered):>7.1f} "
            f"{percentile(ordered, 0.95):>7.1f} {percentile(ordered, 0.99):>7.1f}  {mem}"
        )
    ordered = sorted(ms for _, ms, _ in results)
    errors = sum(not ok for *_, ok in results)
    print(f"\ntotal: {len(results):,} requests from {clients} clients, {errors} errors")
    record("soak", f"requests ({clients} clients)", len(results), "requests")
    record("soak", "errors", errors, "errors", goal="0", met=errors == 0)
    record("soak", "p95 over the run", percentile(ordered, 0.95), "ms")
    record("soak", "p99 over the run", percentile(ordered, 0.99), "ms")
    for name in names:
        minutes = sorted(peaks[name])
        if not minutes:
            continue
        first, last = peaks[name][minutes[0]], peaks[name][minutes[-1]]
        if name == "RQ work horse":  # a fresh fork per job: its peak, not its growth
            record("soak", f"peak memory, {name}", max(peaks[name].values()), "MB")
            continue
        record(
            "soak",
            f"peak memory, {name}, last minute",
            last,
            "MB",
            baseline=first,
            baseline_name="first minute",
            goal=f"flat (ratio ≤ {GROWTH_GOAL:g})",
            met=last <= GROWTH_GOAL * first,
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
