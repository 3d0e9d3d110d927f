"""What Harlow's strategic assessment PDF costs to make, against a trivial render, in the same run.

    python -m benchmarks assessment [--months N] [--repeat R] [--out FILE.pdf]

On a fresh SQLite database in a temporary folder: the Essex geography, partnerships and assessment
reference data, every LSOA of 2011 and 2021 in Essex with the derived lookup between them, the
English Indices of Deprivation 2019, Harlow's 2021 boundaries, and the first N Essex police.uk
street months of 2024 in ../shared/data/police-uk (default: every one). Then times, R times each:

- a trivial render (the baseline): WeasyPrint laying out and writing a one-paragraph PDF;
- Harlow's 2024 document read as a member with an empty cache (every figure computed: hot spots,
  the deprivation gradient, repeat locations, crime by type) and laid out as a PDF: the first time
  in a fresh process (charts and fonts loaded for the first time) and then with the cache emptied
  before each run;
- the same with the figures cached (as a second reader of the same document sees it).

and prints the best and first times, the pages, and the ratios to the baseline. Printed, never
asserted. ``--out`` keeps the PDF (to look at page by page: ``pdftoppm -r 70 -png FILE.pdf page``).
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
HARLOW = "E07000073"


def _timed(fn, repeat: int, before=None) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times[0], min(times), result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks assessment")
    parser.add_argument("--months", type=int, default=0, help="how many 2024 months to import (0: every one)")
    parser.add_argument("--repeat", type=int, default=3, help="how many times to time each render")
    parser.add_argument("--out", type=Path, default=None, help="write the PDF here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ["SAFERHUB_RECORD_STORE"] = f"{tmp}/records"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        from saferhub.core.bootstrap import setup_django

        setup_django()
        import logging

        logging.disable(logging.INFO)
        from django.core.cache import cache
        from django.core.management import call_command
        from django.test.utils import override_settings

        call_command("migrate", verbosity=0)
        import weasyprint

        from saferhub.accounts.models import User
        from saferhub.accounts.services import accounts_essex_load
        from saferhub.assessment.deprivation_data import deprivation_load
        from saferhub.assessment.document import document_build
        from saferhub.assessment.loaders import assessment_essex_load
        from saferhub.assessment.views_document import document_pdf_bytes
        from saferhub.geography.models import Area
        from saferhub.geography.services import (
            geography_boundaries_load,
            geography_builtin_load,
            geography_lsoa_lookup_derive,
            geography_lsoas_load,
        )
        from saferhub.ingest.services import police_uk_import

        started = time.perf_counter()
        geography_builtin_load(name="essex")
        accounts_essex_load()
        assessment_essex_load()
        geography_lsoas_load(path=SHARED / "geography" / "lsoa11_to_lad.csv")
        geography_lsoas_load(path=SHARED / "geography" / "lsoa21_to_lad.csv")
        geography_lsoa_lookup_derive(centres=SHARED / "geography" / "lsoa_latlong.csv")
        deprivation_load(
            imd=SHARED / "deprivation" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz",
            population=SHARED / "deprivation" / "File_6_-_IoD2019_Population_Denominators.csv.gz",
        )
        geography_boundaries_load(path=SHARED / "boundaries" / "essex-lsoa-2021" / f"{HARLOW}.json", vintage="2021")
        print(f"  loaded Essex, LSOAs and deprivation ({time.perf_counter() - started:.1f} s)", flush=True)
        months = sorted(
            p.name
            for p in (SHARED / "police-uk").iterdir()
            if p.name.startswith("2024-") and (p / f"{p.name}-essex-street.csv").exists()
        )
        if args.months:
            months = months[: args.months]
        with override_settings(SAFERHUB_RECORD_STORE=f"{tmp}/records"):
            started = time.perf_counter()
            police_uk_import(paths=[SHARED / "police-uk" / m / f"{m}-essex-street.csv" for m in months])
            print(f"  imported {len(months)} police.uk months ({time.perf_counter() - started:.1f} s)", flush=True)
            area = Area.objects.get(code=HARLOW)
            member = User.objects.create_superuser("bench", "bench@example.org", "not-used")
            base = "http://127.0.0.1:8000/"

            def trivial() -> bytes:
                return weasyprint.HTML(string="<p>Strategic assessment</p>").write_pdf()

            def document():
                doc = document_build(area=area, year=2024, user=member, public=False)
                return document_pdf_bytes(doc, base_url=base)

            cache.clear()
            started = time.perf_counter()
            document()
            cold_process = time.perf_counter() - started
            t_first, t_best, _ = _timed(trivial, args.repeat)
            c_first, c_best, _ = _timed(document, args.repeat, before=cache.clear)
            w_first, w_best, (pdf, pages) = _timed(document, args.repeat)  # type: ignore[misc]
        print(f"  trivial one-paragraph PDF (baseline): first {t_first:.3f} s, best {t_best:.3f} s")
        print(f"  Harlow 2024, first in a fresh process, nothing cached: {cold_process:.2f} s")
        print(f"  Harlow 2024, figures computed each time: first {c_first:.2f} s, best {c_best:.2f} s")
        print(f"  Harlow 2024, figures cached: first {w_first:.2f} s, best {w_best:.2f} s")
        print(f"  {len(pdf):,} bytes; sections on pages {pages}")
        print(f"  ratio document (figures computed) / trivial render (best): {c_best / t_best:.0f}")
        print(f"  ratio document (figures cached) / trivial render (best): {w_best / t_best:.0f}")
        name = "one-paragraph PDF"
        goal = "under 10 s (issue 17)"
        record("assessment", "Harlow PDF, fresh process", cold_process, "s", goal=goal, met=cold_process < 10)
        record("assessment", "Harlow PDF, figures computed (best)", c_best, "s", baseline=t_best, baseline_name=name)
        record("assessment", "Harlow PDF, figures cached (best)", w_best, "s", baseline=t_best, baseline_name=name)
        if args.out:
            args.out.write_bytes(pdf)
            print(f"  wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
