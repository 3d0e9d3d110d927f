"""What the board's performance pack costs to make, against a trivial render, in the same run.

    python -m benchmarks pack [--months N] [--repeat R]

On a fresh SQLite database in a temporary folder: loads what `make load-essex` loads (geography,
partnerships, frameworks, action plans, risks, money, governance), imports the first N Essex
police.uk street months in ../shared/data/police-uk (default: every month) and refreshes the
summaries. Then times, R times each, for the Safer Essex meeting of 1 July 2008:

- a trivial render (the baseline): WeasyPrint laying out and writing a one-paragraph PDF;
- the meeting's agenda PDF (governance), for scale;
- the pack: reading it from the live data (``pack_build``) and laying it out once as a PDF with
  the web page's body rendered with the PDF's page numbers (``pack_render``);

and prints the best and first times, the pages, and the ratio of the pack to the baseline.
Printed, never asserted.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.report import record

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"


def _timed(fn, repeat: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times[0], min(times), result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks pack")
    parser.add_argument("--months", type=int, default=0, help="how many months to import (0: every month)")
    parser.add_argument("--repeat", type=int, default=3, help="how many times to time each render")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ["SAFERHUB_RECORD_STORE"] = f"{tmp}/records"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        from saferhub.core.bootstrap import setup_django

        setup_django()
        import logging

        logging.disable(logging.INFO)
        from django.test.utils import override_settings
        from django.urls import reverse

        from saferhub.cli import main as saferhub

        started = time.perf_counter()
        for command in (
            ["migrate"],
            ["geography", "load", "builtin", "essex"],
            ["accounts", "load-essex"],
            ["framework", "load", "essex"],
            ["delivery", "load-essex"],
            ["governance", "load-essex"],
        ):
            saferhub.main(command, standalone_mode=False)
        print(f"  loaded Essex ({time.perf_counter() - started:.1f} s)", flush=True)
        import weasyprint

        from saferhub.governance.documents import meeting_document_pdf
        from saferhub.governance.models import Meeting
        from saferhub.governance.selectors import meeting_record
        from saferhub.ingest.services import police_uk_import
        from saferhub.performance.services import performance_refresh
        from saferhub.reports.documents import pack_render
        from saferhub.reports.pack import pack_build

        months = sorted(p.name for p in (SHARED / "police-uk").iterdir() if (p / f"{p.name}-essex-street.csv").exists())
        if args.months:
            months = months[: args.months]
        with override_settings(SAFERHUB_RECORD_STORE=f"{tmp}/records"):
            started = time.perf_counter()
            for m in months:
                police_uk_import(paths=[SHARED / "police-uk" / m / f"{m}-essex-street.csv"])
            performance_refresh()
            print(f"  imported {len(months)} police.uk months and refreshed ({time.perf_counter() - started:.1f} s)")
        meeting = Meeting.objects.get(partnership__slug="safer-essex", date="2008-07-01")
        reverse("reports:pack", args=[meeting.pk])  # the URL map is loaded once, as in a running server
        base = "http://127.0.0.1:8000/"
        today = datetime.date.today()

        def trivial() -> bytes:
            return weasyprint.HTML(string="<p>Performance pack</p>").write_pdf()

        def agenda() -> bytes:
            return meeting_document_pdf(meeting_record(meeting), kind="agenda", base_url=base)

        def build():
            return pack_build(meeting=meeting, today=today)

        def pack():
            return pack_render(pack_build(meeting=meeting, today=today), base_url=base)

        t_first, t_best, _ = _timed(trivial, args.repeat)
        a_first, a_best, _ = _timed(agenda, args.repeat)
        b_first, b_best, built = _timed(build, args.repeat)
        p_first, p_best, rendered = _timed(pack, args.repeat)
        print(f"  trivial one-paragraph PDF (baseline): first {t_first:.3f} s, best {t_best:.3f} s")
        print(f"  agenda PDF of the meeting: first {a_first:.2f} s, best {a_best:.2f} s")
        print(
            f"  pack read from live data: first {b_first:.2f} s, best {b_best:.2f} s "
            f"({len(built.rows)} scorecard rows, {len(built.exceptions)} exceptions)"  # type: ignore[attr-defined]
        )
        print(
            f"  pack HTML and PDF: first {p_first:.2f} s, best {p_best:.2f} s; "
            f"{len(rendered.pdf):,} bytes, sections on pages {rendered.pages}"  # type: ignore[attr-defined]
        )
        print(f"  ratio pack / trivial render (best): {p_best / t_best:.0f}")
        print(f"  ratio pack / agenda PDF (best): {p_best / a_best:.1f}")
        record("pack", "agenda PDF (best)", a_best, "s", baseline=t_best, baseline_name="one-paragraph PDF")
        record("pack", "pack read from live data (best)", b_best, "s", baseline=a_best, baseline_name="agenda PDF")
        record("pack", "pack HTML and PDF (best)", p_best, "s", baseline=a_best, baseline_name="agenda PDF")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
