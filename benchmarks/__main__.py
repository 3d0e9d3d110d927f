"""``python -m benchmarks [NAME …] [--quick] [--out DIR] [-- OPTIONS]``: run the reproducible benchmarks
in this folder, then write one table of every figure (``DIR/latest.md`` and ``DIR/latest.json``,
default ``var/benchmarks``).

Each benchmark measures against a baseline in the same run and prints ratios; none asserts a time.
``--quick`` runs each at a small size (a smoke test: the figures are not the goals' figures).
Add a benchmark by writing ``benchmarks/<name>.py`` with a ``main(argv) -> int`` that calls
``benchmarks.report.record`` for its figures, and listing it here.
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
from pathlib import Path

from benchmarks import report

BENCHMARKS = [
    "pages",  # issue 5: scorecard and indicator page latency against /ping
    "ingest",  # issue 8: police.uk import against DuckDB's read_csv and pandas
    "national",  # issue 16: a national year (43 forces, every district) against polars' read + group-by
    "disclosure",  # issue 14: deciding suppression at a refresh against the refresh's summaries
    "hotspots",  # issue 17: Gi* on every Essex LSOA against dense numpy and esda alone
    "money",  # issue 18: budget monitoring summary and quarter entry against plain queries, 100 to 10,000 lines
    "pack",  # issue 18: the board pack (HTML and PDF) for the Safer Essex meeting against a trivial render
    "assessment",  # issue 17: Harlow's strategic assessment PDF against a trivial render
    "stats",  # issue 19: intervals for 1,000,000 rows and SPC for 10,000 series against plain-Python loops
    "soak",  # issue 22: 20 clients for 10 minutes while an import and a refresh run; errors and memory
]

# Small sizes for ``--quick`` (``make benchmark QUICK=1``): every benchmark runs, in minutes, not hours.
QUICK = {
    "pages": ["--requests", "40", "--months", "1"],
    "ingest": ["--repeat", "1"],
    "national": ["--rows", "200000", "--no-essex"],
    "disclosure": ["--months", "1"],
    "hotspots": ["--repeat", "1"],
    "money": ["--lines", "100", "1000", "--repeat", "1"],
    "pack": ["--months", "1", "--repeat", "1"],
    "assessment": ["--months", "1", "--repeat", "1"],
    "stats": ["--rows", "100000", "--series", "1000", "--repeat", "1"],
    "soak": ["--minutes", "1", "--clients", "5", "--months", "1"],
}
OUT = Path(__file__).resolve().parent.parent / "var" / "benchmarks"


def main(argv: list[str]) -> int:
    first_option = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    names, options = argv[:first_option] or BENCHMARKS, argv[first_option:]
    quick = "--quick" in options
    out = OUT
    if "--out" in options:
        at = options.index("--out")
        out = Path(options[at + 1])
        del options[at : at + 2]
    options = [o for o in options if o != "--quick"]
    if options[:1] == ["--"]:  # the documented separator: ``python -m benchmarks ingest -- --repeat 1``
        options = options[1:]
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    status = 0
    for name in names:
        print(f"== benchmark: {name}", flush=True)
        argv_for = [*QUICK.get(name, []), *options] if quick else options
        status |= importlib.import_module(f"benchmarks.{name}").main(argv_for)
    md, js = report.write(report.FIGURES, out, quick=quick, names=names, now=dt.datetime.now(dt.UTC))
    print(f"\n{md.read_text(encoding='utf-8')}\nwritten: {md} and {js}", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
