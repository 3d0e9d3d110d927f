"""What deciding suppression costs at a refresh, against the refresh's own summaries, in the same run.

    python -m benchmarks disclosure [--months N]

On a fresh SQLite database in a temporary folder: loads the Essex geography and partnerships,
imports the first N Essex police.uk street months in ../shared/data/police-uk (default: every month),
then times, for the police.uk family (all crime, anti-social behaviour, each crime type and their
rates, every Essex area):

- the summaries alone (``performance_refresh`` with the suppression decision switched off), the
  baseline;
- the suppression decision alone (``suppression_refresh``: every relation between the figures, the
  exact rank test and the bounds check, for the public and every partnership's insiders);

and prints each time, the ratio of the decision to the baseline, and how many figures it hid.
Printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.report import record

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks disclosure")
    parser.add_argument("--months", type=int, default=0, help="how many months to import (0: every month)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ["SAFERHUB_RECORD_STORE"] = f"{tmp}/records"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        from saferhub.core.bootstrap import setup_django

        setup_django()
        from django.core.management import call_command
        from django.test.utils import override_settings

        call_command("migrate", verbosity=0)
        from unittest import mock

        from saferhub.accounts.services import accounts_essex_load
        from saferhub.framework.models import Indicator
        from saferhub.geography.services import geography_builtin_load
        from saferhub.ingest.services import police_uk_import
        from saferhub.performance import services, suppression

        geography_builtin_load(name="essex")
        accounts_essex_load()
        months = sorted(p.name for p in (SHARED / "police-uk").iterdir() if (p / f"{p.name}-essex-street.csv").exists())
        if args.months:
            months = months[: args.months]
        with override_settings(SAFERHUB_RECORD_STORE=f"{tmp}/records"):
            started = time.perf_counter()
            for m in months:
                police_uk_import(paths=[SHARED / "police-uk" / m / f"{m}-essex-street.csv"])
            print(f"  imported {len(months)} months ({time.perf_counter() - started:.1f} s)", flush=True)
            family = [i for i in Indicator.objects.all() if suppression._in_police_uk(i.slug)]
            started = time.perf_counter()
            with mock.patch.object(services, "suppression_refresh", return_value={}):
                services.performance_refresh(indicator=None)
            baseline = time.perf_counter() - started
            started = time.perf_counter()
            hidden = suppression.suppression_refresh(indicators=family[:1])
            decision = time.perf_counter() - started
        print(f"  summaries of every indicator (baseline): {baseline:.2f} s")
        print(f"  suppression decision, police.uk family ({len(family)} indicators): {decision:.2f} s")
        print(f"  ratio decision / baseline: {decision / baseline:.2f}")
        print(f"  figures hidden from the public: {hidden}")
        record(
            "disclosure",
            f"suppression decision ({len(family)} indicators)",
            decision,
            "s",
            baseline=baseline,
            baseline_name="summaries of every indicator",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
