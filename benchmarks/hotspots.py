"""Hot spots on every Essex LSOA: saferhub's Gi* against the bare arithmetic, in the same run.

    python -m benchmarks hotspots            (or: python -m benchmarks.hotspots [--repeat 5])

The 1,111 Essex LSOAs of 2021 (../shared/data/boundaries/essex-lsoa-2021) and their police.uk records
of January to April 2024 (counted with DuckDB's read_csv). Timed, best of ``--repeat`` runs:

* baseline: Getis–Ord's z for every LSOA written as dense numpy on the same weights (no p-values);
* esda: ``G_Local(star=True)`` alone with 999 permutations on the same weights;
* saferhub: queen contiguity from the polygons; ``gi_star`` with 999 and 9,999 permutations (z,
  both p-values, Benjamini–Hochberg); persistence over the four months (four more ``gi_star``).

Prints each time and its ratio to the baseline and to esda. Nothing asserts a time.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from benchmarks.report import record
from saferhub.assessment.hotspots import Weights, gi_star, persistence, queen_weights

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
MONTHS = ("2024-01", "2024-02", "2024-03", "2024-04")


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def dense_z(y: np.ndarray, w: np.ndarray) -> np.ndarray:
    n, xbar, s = len(y), y.mean(), y.std()
    wi, s1 = w.sum(1), (w**2).sum(1)
    return (w @ y - xbar * wi) / (s * np.sqrt((n * s1 - wi**2) / (n - 1)))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks hotspots")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    geometries: dict[str, dict[str, Any]] = {}
    for path in sorted((SHARED / "boundaries" / "essex-lsoa-2021").glob("*.json")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            geometries[feature["properties"]["LSOA21CD"]] = feature["geometry"]
    files = [str(SHARED / "police-uk" / m / f"{m}-essex-street.csv") for m in MONTHS]
    with duckdb.connect() as con:
        rows = con.execute(
            'SELECT "Month", "LSOA code", count(*) FROM read_csv($files, header = true) '
            'WHERE "LSOA code" IS NOT NULL GROUP BY ALL',
            {"files": files},
        ).fetchall()
    monthly = {m: dict.fromkeys(geometries, 0.0) for m in MONTHS}
    for month, code, n in rows:
        if code in monthly[month]:
            monthly[month][code] = float(n)
    total = {c: sum(monthly[m][c] for m in MONTHS) for c in geometries}
    print(f"{len(geometries):,} LSOAs, {int(sum(total.values())):,} records placed in them, {len(MONTHS)} months")

    t_weights, weights = best(lambda: queen_weights(geometries=geometries), args.repeat)
    assert isinstance(weights, Weights)
    w = weights.matrix()
    y = np.array([total[c] for c in weights.ids])
    t_base, _ = best(lambda: dense_z(y, w), args.repeat)

    from esda.getisord import G_Local

    from saferhub.assessment.hotspots import _esda_w

    def esda_alone() -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return G_Local(y, _esda_w(weights), transform="B", star=True, permutations=999, seed=1, n_jobs=1)

    t_esda, _ = best(esda_alone, args.repeat)
    t_999, _ = best(lambda: gi_star(values=total, weights=weights), args.repeat)
    t_9999, _ = best(lambda: gi_star(values=total, weights=weights, permutations=9999), max(1, args.repeat // 2))
    t_persist, share = best(
        lambda: persistence([gi_star(values=monthly[m], weights=weights) for m in MONTHS]), max(1, args.repeat // 2)
    )
    by_z = gi_star(values=total, weights=weights, permutations=0)
    by_permutation = gi_star(values=total, weights=weights, basis="permutation")
    print(f"classes by z: {by_z.counts()}; by 999 permutations: {by_permutation.counts()}")
    print(f"LSOAs a hot spot (by z) in every one of the {len(MONTHS)} months: {sum(v == 1 for v in share.values())}")
    print(f"{'step':<52}{'seconds':>10}{'× baseline':>12}{'× esda':>9}")
    for label, t in (
        ("baseline: dense numpy Ord–Getis z (no p-values)", t_base),
        ("esda G_Local alone, 999 permutations", t_esda),
        ("saferhub queen contiguity from the polygons", t_weights),
        ("saferhub gi_star, 999 permutations", t_999),
        ("saferhub gi_star, 9,999 permutations", t_9999),
        ("saferhub persistence, 4 months × 999 permutations", t_persist),
    ):
        print(f"{label:<52}{t:>10.3f}{t / t_base:>12.1f}{t / t_esda:>9.2f}")
        if label.startswith("saferhub"):
            record("hotspots", label[9:], t, "s", baseline=t_esda, baseline_name="esda G_Local, 999 permutations")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
