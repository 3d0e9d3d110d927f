"""``python -m benchmarks [NAME …] [-- OPTIONS]``: run the reproducible benchmarks in this folder.

Each benchmark measures against a baseline in the same run and prints ratios; none asserts a time.
Add a benchmark by writing ``benchmarks/<name>.py`` with a ``main(argv) -> int`` and listing it here.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = [
    "pages",  # issue 5: scorecard and indicator page latency against /ping
    "ingest",  # issue 8: police.uk import against DuckDB's read_csv and pandas; a national year's memory
    "disclosure",  # issue 14: deciding suppression at a refresh against the refresh's summaries
    "hotspots",  # issue 17: Gi* on every Essex LSOA against dense numpy and esda alone
    "money",  # issue 18: budget monitoring summary and quarter entry against plain queries, 100 to 10,000 lines
    "pack",  # issue 18: the board pack (HTML and PDF) for the Safer Essex meeting against a trivial render
    "assessment",  # issue 17: Harlow's strategic assessment PDF against a trivial render
    "stats",  # issue 19: intervals for 1,000,000 rows and SPC for 10,000 series against plain-Python loops
]


def main(argv: list[str]) -> int:
    first_option = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    names, options = argv[:first_option] or BENCHMARKS, argv[first_option:]
    if options[:1] == ["--"]:  # the documented separator: ``python -m benchmarks ingest -- --repeat 1``
        options = options[1:]
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    status = 0
    for name in names:
        print(f"== benchmark: {name}", flush=True)
        status |= importlib.import_module(f"benchmarks.{name}").main(options)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
