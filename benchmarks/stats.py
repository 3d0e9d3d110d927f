"""Statistics at scale: saferhub.stats against plain-Python loops doing the same work, in the same run.

    python -m benchmarks stats                    (or: python -m benchmarks.stats [--rows 1000000]
                                                   [--series 10000] [--points 24] [--repeat 3])

1. Intervals for 1,000,000 rows: Wilson limits for proportions and exact-Poisson/Byar limits for rates
   (``proportion_intervals``, ``rate_intervals``: whole columns in NumPy), against a loop over the rows
   computing the same limits with ``math`` (and SciPy's chi-squared quantile, cached per count, below
   10 events — what a careful hand-written loop would do).
2. SPC for 10,000 series of 24 points: ``xmr_many`` (every series in one padded array) against a loop
   that charts one series at a time with plain Python (limits, screening, the four rules and their
   precedence).

Each pair is first checked to give the same figures (on a sample), then timed (best of --repeat);
the ratio baseline ÷ saferhub is printed. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.stats import chi2, norm

from benchmarks.report import record
from saferhub.stats import proportion_intervals, rate_intervals
from saferhub.stats.spc_batch import xmr_many

Z95 = float(norm.ppf(0.975))


# --- Plain-Python baselines -----------------------------------------------------------------------------------


def wilson_loop(x: list[float], n: list[float]) -> list[tuple[float, float]]:
    out = []
    for xi, ni in zip(x, n, strict=True):
        p = xi / ni
        centre = 2 * xi + Z95**2
        spread = Z95 * math.sqrt(max(Z95**2 + 4 * xi * (1 - p), 0))
        denominator = 2 * (ni + Z95**2)
        lower = 0.0 if xi == 0 else min(max((centre - spread) / denominator, 0.0), p)
        upper = 1.0 if xi == ni else max(min((centre + spread) / denominator, 1.0), p)
        out.append((lower, upper))
    return out


@functools.cache
def _exact(x: float) -> tuple[float, float]:
    lower = 0.0 if x == 0 else float(chi2.ppf(0.025, 2 * x) / 2)
    return lower, float(chi2.ppf(0.975, 2 * x + 2) / 2)


def rate_loop(x: list[float], n: list[float], multiplier: float) -> list[tuple[float, float]]:
    out = []
    for xi, ni in zip(x, n, strict=True):
        if xi < 10:
            lo, hi = _exact(xi)
        else:
            lo = xi * (1 - 1 / (9 * xi) - Z95 / (3 * math.sqrt(xi))) ** 3
            y = xi + 1
            hi = y * (1 - 1 / (9 * y) + Z95 / (3 * math.sqrt(y))) ** 3
        out.append((lo / ni * multiplier, hi / ni * multiplier))
    return out


def xmr_loop(values: list[float], run_length: int = 7, trend_length: int = 7) -> list[str]:
    """One series' point types (no polarity: neutral), with the limits, screening and rules of spc.py."""
    n = len(values)
    mean = sum(values) / n
    ranges = [abs(values[i] - values[i - 1]) for i in range(1, n)]
    amr = sum(ranges) / len(ranges)
    if amr > 0:
        kept = [r for r in ranges if r < 3.267 * amr]
        amr = sum(kept) / len(kept)
    upl, lpl = mean + 2.66 * amr, mean - 2.66 * amr
    u2, l2 = mean + 2 * 2.66 / 3 * amr, mean - 2 * 2.66 / 3 * amr
    side = [(v > mean) - (v < mean) for v in values]
    beyond = [1 if v > u2 else -1 if v < l2 else 0 for v in values]
    outside = [v > upl or v < lpl for v in values]
    in_run = [False] * n
    start = 0
    for i in range(1, n + 1):
        if i == n or side[i] != side[start]:
            if side[start] != 0 and i - start >= run_length:
                for j in range(start, i):
                    in_run[j] = True
            start = i
    steps = [(values[i + 1] > values[i]) - (values[i + 1] < values[i]) for i in range(n - 1)]
    trend = [0] * n
    start = 0
    for i in range(1, n):
        if i == n - 1 or steps[i] != steps[start]:
            if steps[start] != 0 and i - start >= trend_length - 1:
                for j in range(start, i):
                    trend[j] = trend[j + 1] = steps[start]
            start = i
    two = [False] * n
    for i in range(n - 2):
        for s in (1, -1):
            if all(side[j] == s for j in range(i, i + 3)) and sum(beyond[j] == s for j in range(i, i + 3)) >= 2:
                for j in range(i, i + 3):
                    if beyond[j] == s:
                        two[j] = True
    return [
        "special_cause_neutral" if (outside[i] or trend[i] or two[i] or in_run[i]) else "common_cause" for i in range(n)
    ]


# --- Timing ----------------------------------------------------------------------------------------------------


def best_of(repeat: int, work: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def intervals(rows: int, repeat: int) -> None:
    rng = np.random.default_rng(1)
    n = rng.integers(100, 200_000, rows).astype(np.float64)
    x = np.floor(n * rng.beta(0.5, 20, rows))  # many small counts, as in a ward-level table
    xs, ns = x.tolist(), n.tolist()
    sample = slice(0, 2000)
    ours = proportion_intervals(x[sample], n[sample])
    theirs = wilson_loop(xs[sample], ns[sample])
    assert np.allclose(ours.lower, [t[0] for t in theirs]) and np.allclose(ours.upper, [t[1] for t in theirs])
    ours_r = rate_intervals(x[sample], n[sample])
    theirs_r = rate_loop(xs[sample], ns[sample], 100_000)
    assert np.allclose(ours_r.lower, [t[0] for t in theirs_r]) and np.allclose(ours_r.upper, [t[1] for t in theirs_r])
    small = int((x < 10).sum())
    print(f"intervals: {rows:,} rows ({small:,} below 10 events); best of {repeat}")
    for name, fast, slow in (
        ("Wilson (proportions)", lambda: proportion_intervals(x, n), lambda: wilson_loop(xs, ns)),
        ("exact Poisson / Byar (rates)", lambda: rate_intervals(x, n), lambda: rate_loop(xs, ns, 100_000)),
    ):
        ours_s, loop_s = best_of(repeat, fast), best_of(repeat, slow)
        print(
            f"  {name:<30} saferhub {ours_s:7.3f} s ({rows / ours_s:>12,.0f} rows/s)   "
            f"plain Python {loop_s:7.3f} s   ratio {loop_s / ours_s:6.1f}x"
        )
        record(
            "stats",
            f"{name}, {rows:,} rows",
            ours_s,
            "s",
            baseline=loop_s,
            baseline_name="plain-Python loop",
            goal="faster than the loop (ratio < 1)",
            met=ours_s < loop_s,
        )


def spc(series: int, points: int, repeat: int) -> None:
    rng = np.random.default_rng(2)
    level = rng.uniform(20, 200, series)[:, None]
    walk = rng.normal(0, 1, (series, points)).cumsum(axis=1) * rng.uniform(0.5, 5, series)[:, None]
    values = np.round(level + walk + rng.normal(0, 3, (series, points)), 1)
    names = np.repeat(np.array([f"s{i:05d}" for i in range(series)]), points)
    flat = values.ravel()
    per_series = values.tolist()
    table = xmr_many(names, flat)
    for k in range(0, series, max(1, series // 200)):  # the two agree, series by series
        assert table.point_type[k * points : (k + 1) * points].tolist() == xmr_loop(per_series[k]), k
    special = int((table.point_type != "common_cause").sum())
    print(f"SPC: {series:,} series of {points} points ({special:,} special-cause points); best of {repeat}")
    ours_s = best_of(repeat, lambda: xmr_many(names, flat))
    loop_s = best_of(repeat, lambda: [xmr_loop(v) for v in per_series])
    print(
        f"  {'XmR with Making Data Count rules':<30} saferhub {ours_s:7.3f} s ({series / ours_s:>12,.0f} series/s) "
        f"  plain Python {loop_s:7.3f} s   ratio {loop_s / ours_s:6.1f}x"
    )
    record(
        "stats",
        f"XmR SPC, {series:,} series of {points}",
        ours_s,
        "s",
        baseline=loop_s,
        baseline_name="plain-Python loop",
        goal="faster than the loop (ratio < 1)",
        met=ours_s < loop_s,
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks stats", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--points", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    intervals(args.rows, args.repeat)
    spc(args.series, args.points, args.repeat)
    print(f"(load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
