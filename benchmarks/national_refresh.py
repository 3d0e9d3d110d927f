"""The performance refresh after a national year, timed on its own (issue 16, docs/ingestion.md).

    python -m benchmarks.national_refresh build [--rows 200000]   (once: geography, year, import)
    python -m benchmarks.national_refresh time [--src OTHER/src] [--partnerships N]  (each time: a copy)

``build`` makes the national geography and the synthetic year of ``benchmarks.national`` and imports
it without the refresh into a SQLite hub kept in ``WORK``. ``time`` copies that hub and, in a child
process, calls ``performance_refresh`` for the imported indicators as the ingest pipeline does (one
call; older code, one per indicator), printing the refresh's seconds and those of the suppression
decision: ``suppression_refresh`` in older code; now, as the families are decided in other processes
while the summaries are worked out, the time the refresh waits for them after its summaries (and
stores them). ``--src`` runs another checkout's code (``git archive`` of an older
commit) on the same copy, for before and after in the same conditions. ``--partnerships N`` first gives
the first N districts and unitaries (by code) a community safety partnership each, as a national
deployment has: each is then a reader whose own figures must not give another's away (0: the public
alone; 400: every one).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks import national
from benchmarks.ingest import child_env

WORK = Path(tempfile.gettempdir()) / "saferhub-national-refresh"

CHILD = """
import json, os, time
import django


def main():
    django.setup()
    from saferhub.framework.models import Indicator
    from saferhub.measures.models import IndicatorValue
    import saferhub.performance.services as services
    import saferhub.performance.suppression as suppression
    from saferhub.performance.services import performance_refresh
    spent = []
    def timing(decide):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            out = decide(*args, **kwargs)
            spent.append(time.perf_counter() - start)
            return out
        return timed
    if hasattr(suppression, "Deciding"):  # decided beside the summaries: the time the refresh waits after them
        suppression.Deciding.finish = timing(suppression.Deciding.finish)
    else:  # older code (--src): decided before the summaries
        services.suppression_refresh = timing(services.suppression_refresh)
    from saferhub.accounts.models import Partnership
    from saferhub.geography.models import CSP_AREA_TYPES, Area
    wanted = int(os.environ.get("PARTNERSHIPS", "0"))  # --partnerships: one per district and unitary
    areas = Area.objects.filter(area_type__in=CSP_AREA_TYPES).order_by("code")[:wanted] if wanted else []
    Partnership.objects.bulk_create(
        Partnership(slug=f"csp-{area.code.lower()}", name=f"{area.name} CSP", kind="csp", area=area) for area in areas
    )
    ids = sorted(set(IndicatorValue.objects.values_list("indicator_id", flat=True)))
    indicators = list(Indicator.objects.filter(pk__in=ids).order_by("pk"))
    start = time.perf_counter()
    try:  # one call for the import's indicators, as the pipeline makes it
        performance_refresh(indicators=indicators)
    except TypeError:  # older code (--src): one call per indicator, as its pipeline made them
        for indicator in indicators:
            performance_refresh(indicator=indicator)
    print(json.dumps({"refresh_seconds": time.perf_counter() - start, "suppression_seconds": sum(spent),
                      "first_suppression_seconds": spent[0] if spent else None, "indicators": len(ids),
                      "values": IndicatorValue.objects.count(),
                      "partnerships": len(areas)}))


if __name__ == "__main__":  # the refresh may start processes (spawned: they import this file)
    main()
"""


def build(rows: int) -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    geography, seconds = national.national_geography(WORK)
    print(f"national geography loaded in {seconds:.1f} s")
    folder = WORK / "national" / "police-uk"
    total, forces, districts = national.make_national_year(geography, rows, folder)
    print(f"synthetic national year: {total:,} rows, {forces} forces, {districts} districts and unitaries")
    result, _ = national.import_run(folder, geography, WORK / "hub", warm=True, refresh=False)
    print(f"imported without the refresh: {result}")


def time_refresh(src: Path, partnerships: int) -> None:
    run = Path(tempfile.mkdtemp(prefix="refresh-", dir=WORK))
    try:
        shutil.copy(WORK / "hub" / "db.sqlite3", run / "db.sqlite3")
        script = run / "child.py"
        script.write_text(CHILD)
        env = child_env(run)
        env["PYTHONPATH"] = f"{src}:{env['PYTHONPATH']}"
        env["PARTNERSHIPS"] = str(partnerships)
        done = subprocess.run(
            [sys.executable, str(script)], cwd=national.REPO, env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise SystemExit(done.stderr[-3000:])
        print(done.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(run, ignore_errors=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.national_refresh")
    parser.add_argument("step", choices=["build", "time"])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--src", type=Path, default=national.REPO / "src")
    parser.add_argument(
        "--partnerships", type=int, default=0, help="give this many districts and unitaries a partnership (insiders)"
    )
    args = parser.parse_args(argv)
    if args.step == "build":
        build(args.rows)
    else:
        time_refresh(args.src.resolve(), args.partnerships)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
