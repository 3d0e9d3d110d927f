"""The benchmark table (``make benchmark``): each figure with its baseline, ratio, goal and result, as
markdown and JSON. Only the writer is tested here; no time is measured."""

from __future__ import annotations

import datetime as dt
import json

from benchmarks.__main__ import BENCHMARKS, QUICK
from benchmarks.report import Figure, markdown, write

FIGURES = [
    Figure("pages", "trivial view /ping p95", 16.5, "ms"),
    Figure(
        "pages",
        "scorecard (Harlow) p95",
        40.0,
        "ms",
        baseline=16.0,
        baseline_name="/ping p95",
        goal="< 150 ms and ≤ 3× /ping",
        met=True,
    ),
    Figure("soak", "errors", 2, "errors", goal="0", met=False),
    Figure("ingest", "import | all steps", 250_000, "rows/s", baseline=500_000, baseline_name="DuckDB read_csv"),
]


def test_the_markdown_table_has_every_figure_with_ratio_goal_and_result():
    text = markdown(FIGURES, title="Benchmarks", notes=["Run on a test machine."])
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows[0] == "| Benchmark | Figure | Value | Baseline (same run) | Ratio | Goal | Result |"
    assert rows[1] == "| pages | trivial view /ping p95 | 16.5 ms |  |  |  |  |"
    assert rows[2] == (
        "| pages | scorecard (Harlow) p95 | 40.0 ms | 16.0 ms (/ping p95) | 2.5 | < 150 ms and ≤ 3× /ping | met |"
    )
    assert rows[3] == "| soak | errors | 2 errors |  |  | 0 | not met |"
    # A pipe in a name does not break the table; large numbers get thousands separators.
    assert rows[4] == (
        "| ingest | import \\| all steps | 250,000 rows/s | 500,000 rows/s (DuckDB read_csv) | 0.5 |  |  |"
    )
    assert "Goals met: 1 of 2." in text
    assert "Run on a test machine." in text


def test_the_json_table_holds_the_same_figures_and_the_run(tmp_path):
    md, js = write(FIGURES, tmp_path / "out", quick=True, names=["pages"], now=dt.datetime(2026, 12, 6, 21, 0))
    assert md.name == "latest.md" and js.name == "latest.json"
    data = json.loads(js.read_text(encoding="utf-8"))
    assert data["quick"] is True and data["benchmarks"] == ["pages"] and data["run_at"] == "2026-12-06T21:00:00"
    assert [f["name"] for f in data["figures"]] == [f.name for f in FIGURES]
    scorecard = data["figures"][1]
    assert (scorecard["value"], scorecard["baseline"], scorecard["ratio"], scorecard["result"]) == (
        40.0,
        16.0,
        2.5,
        "met",
    )
    assert data["figures"][0]["ratio"] is None and data["figures"][0]["result"] == ""
    assert "quick mode" in md.read_text(encoding="utf-8")


def test_quick_mode_has_small_sizes_for_every_benchmark():
    assert set(QUICK) == set(BENCHMARKS)
