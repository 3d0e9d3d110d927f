"""Budget monitoring at scale: the board's money summary and a quarter's entry against the plainest
database work over the same rows, in the same run.

    python -m benchmarks money            (or: python -m benchmarks.money [--lines 100 1000 10000] [--repeat 5])

For each size, a fresh database (SQLite in a temporary folder, or the PostgreSQL database
``BENCH_DATABASE_URL`` names, which is emptied and recreated) gets one partnership with that many
budget lines (in ten budgets), four quarters of actuals and forecasts each (bulk-written). Then,
each timed as the median of ``--repeat`` runs:

* ``summary``: ``budget_monitoring_summary`` (per line and per budget, lines over the threshold);
* ``baseline``: reading the same lines and summing the same quarters in one plain query each — the
  least any summary could do;
* ``enter``: ``budget_quarter_report`` of a fifth quarter for every line of one budget (checks, then
  bulk writes with history and audit), against ``bulk_create`` of the same rows with no checks
  (timed once).

Prints seconds, the ratios, and the number of queries the summary made (it should not grow with the
lines). Goal: ratios that stay flat as the lines grow tenfold (work set-based, not row by row).
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.report import record

REPO = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, statistics, sys, time
from datetime import date
from decimal import Decimal
import django
django.setup()
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
connection.settings_dict["TEST"].update({"NAME": connection.settings_dict["NAME"], "MIGRATE": False})
connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)

from saferhub.accounts.models import Partnership
from saferhub.finance.models import BudgetLine, BudgetLineQuarter, BudgetTable
from saferhub.finance.quarters import FinancialQuarter
from saferhub.finance.selectors_monitoring import budget_monitoring_summary
from saferhub.finance.services_monitoring import QuarterEntry, budget_quarter_report

n, repeat = int(sys.argv[1]), int(sys.argv[2])
p = Partnership.objects.create(slug="bench", name="Bench")
tables = [BudgetTable.objects.create(slug=f"t{i}", title=f"Budget {i}", partnership=p, order=i) for i in range(10)]
lines = BudgetLine.objects.bulk_create(
    [BudgetLine(table=tables[i % 10], key=f"l{i}", area_of_spend=f"Line {i}", year="2015/16-2016/17",
                kind="revenue", amount=Decimal("80000.00"), order=i) for i in range(n)]
)
quarters = [FinancialQuarter(2015, k) for k in (1, 2, 3, 4)]
BudgetLineQuarter.objects.bulk_create(
    [BudgetLineQuarter(line=ln, period_start=q.start, actual=Decimal("10000.00") + (ln.pk % 7) * 1000,
                       forecast_outturn=Decimal("80000.00") - (ln.pk % 5) * 1000, reason="Seasonal")
     for ln in lines for q in quarters]
)
as_of = date(2016, 5, 1)

def timed(fn):
    runs = []
    for _ in range(repeat):
        start = time.perf_counter(); fn(); runs.append(time.perf_counter() - start)
    return statistics.median(runs)

def summary():
    s = budget_monitoring_summary(partnership=p, as_of=as_of, year="2015/16")
    return sum(len(b.lines) for b in s.budgets), len(s.over_threshold)

def baseline():
    list(BudgetLine.objects.filter(table__partnership=p).values_list("pk", "amount", "year"))
    BudgetLineQuarter.objects.filter(line__table__partnership=p).aggregate(Sum("actual"), Sum("forecast_outturn"))

assert summary()[0] == n
with CaptureQueriesContext(connection) as ctx:
    summary()
t_summary, t_baseline = timed(summary), timed(baseline)

q5 = FinancialQuarter(2016, 1)
table0 = tables[0]
mine = [ln for ln in lines if ln.table_id == table0.pk]
entries = {ln.pk: QuarterEntry("10000", "80000", "Seasonal") for ln in mine}
start = time.perf_counter()
budget_quarter_report(table=table0, quarter=q5, entries=entries)
t_enter = time.perf_counter() - start
BudgetLineQuarter.objects.filter(period_start=q5.start).delete()
start = time.perf_counter()
BudgetLineQuarter.objects.bulk_create(
    [BudgetLineQuarter(line=ln, period_start=q5.start, actual=Decimal("10000"), forecast_outturn=Decimal("80000"))
     for ln in mine]
)
t_bulk = time.perf_counter() - start
print(json.dumps({"lines": n, "summary": t_summary, "baseline": t_baseline, "queries": len(ctx.captured_queries),
                  "enter_lines": len(mine), "enter": t_enter, "bulk": t_bulk}))
"""


def _database_url(workdir: Path) -> str:
    """SQLite in the temporary folder, or the PostgreSQL database ``BENCH_DATABASE_URL`` names (it is
    emptied and recreated: give it a database of its own)."""
    return os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'db.sqlite3'}"


def run_size(lines: int, repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="saferhub-bench-money-") as tmp:
        workdir = Path(tmp)
        script = workdir / "child.py"
        script.write_text(CHILD)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _database_url(workdir),
            "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}",
        }
        result = subprocess.run(
            [sys.executable, str(script), str(lines), str(repeat)],
            check=False,
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=3600,
        )
        if result.returncode != 0:
            raise SystemExit(f"the benchmark failed:\n{result.stderr[-3000:]}")
        return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks money")
    parser.add_argument("--lines", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    engine = "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL") else "SQLite"
    print(f"budget monitoring on {engine}; four quarters per line; median of {args.repeat} runs", flush=True)
    print(
        f"{'lines':>7} {'summary s':>10} {'baseline s':>11} {'ratio':>6} {'queries':>8}"
        f" {'entered':>8} {'enter s':>8} {'bulk s':>7} {'ratio':>6}"
    )
    for n in args.lines:
        r = run_size(n, args.repeat)
        print(
            f"{int(r['lines']):>7} {r['summary']:>10.3f} {r['baseline']:>11.3f} {r['summary'] / r['baseline']:>6.1f}"
            f" {int(r['queries']):>8} {int(r['enter_lines']):>8} {r['enter']:>8.3f} {r['bulk']:>7.3f}"
            f" {r['enter'] / r['bulk']:>6.1f}",
            flush=True,
        )
        lines = f"{int(r['lines']):,} lines"
        summary, plain = r["summary"], r["baseline"]
        record("money", f"monitoring summary, {lines}", summary, "s", baseline=plain, baseline_name="plain queries")
        record("money", f"summary queries, {lines}", r["queries"], "queries")
        record("money", f"quarter entry, {lines}", r["enter"], "s", baseline=r["bulk"], baseline_name="bulk insert")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
