"""One table of every benchmark's figures (issue 22): each figure, its baseline measured in the same
run, their ratio, the goal and whether it was met.

Benchmarks call :func:`record` for the figures they print; ``python -m benchmarks`` writes the table
at the end as markdown and JSON (default ``var/benchmarks/latest.md`` and ``latest.json``), so that
one commit can be compared with another. Nothing here times anything.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    """One measured figure. ``ratio`` is ``value / baseline`` (so smaller is faster for times and
    larger is faster for rates); ``goal`` says in words what is wanted, ``met`` whether it was
    (None when the figure has no goal, e.g. the baseline itself)."""

    benchmark: str
    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    goal: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline


FIGURES: list[Figure] = []


def record(
    benchmark: str,
    name: str,
    value: float,
    unit: str,
    *,
    baseline: float | None = None,
    baseline_name: str = "",
    goal: str = "",
    met: bool | None = None,
) -> Figure:
    """Keep a figure for the table (benchmarks print their own lines as well)."""
    figure = Figure(benchmark, name, float(value), unit, baseline, baseline_name, goal, met)
    FIGURES.append(figure)
    return figure


def _number(x: float | None) -> str:
    if x is None:
        return ""
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"


def _verdict(met: bool | None) -> str:
    return "" if met is None else ("met" if met else "not met")


def markdown(figures: list[Figure], *, title: str = "Benchmarks", notes: list[str] | None = None) -> str:
    """The table in markdown, one row per figure, grouped by benchmark in the order recorded."""
    lines = [f"# {title}", ""]
    lines += [f"{n}" for n in notes or []]
    if notes:
        lines.append("")
    lines += [
        "| Benchmark | Figure | Value | Baseline (same run) | Ratio | Goal | Result |",
        "|---|---|---:|---|---:|---|---|",
    ]
    for f in figures:
        baseline = f"{_number(f.baseline)} {f.unit} ({f.baseline_name})" if f.baseline is not None else ""
        ratio = _number(f.ratio)
        cells = [f.benchmark, f.name, f"{_number(f.value)} {f.unit}", baseline, ratio, f.goal, _verdict(f.met)]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    if not figures:
        lines.append("| (no figures recorded) | | | | | | |")
    met = sum(f.met is True for f in figures)
    missed = [f for f in figures if f.met is False]
    lines += ["", f"Goals met: {met} of {met + len(missed)}."]
    return "\n".join(lines) + "\n"


def machine() -> str:
    cpus = os.cpu_count() or 0
    system = f"{platform.system()} {platform.release()}"
    return f"{platform.node()}, {system}, {cpus} CPU cores, Python {platform.python_version()}"


def write(
    figures: list[Figure], folder: Path, *, quick: bool = False, names: list[str] | None = None, now: dt.datetime
) -> tuple[Path, Path]:
    """Write ``latest.md`` and ``latest.json`` in ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    notes = [
        f"Run {now:%Y-%m-%d %H:%M} UTC on {machine()}.",
        f"Benchmarks: {', '.join(names or [])}{' (quick mode: small sizes, for a smoke test only)' if quick else ''}.",
        "Ratio is the figure divided by its baseline measured in the same run.",
    ]
    md = folder / "latest.md"
    md.write_text(markdown(figures, notes=notes), encoding="utf-8")
    data = {
        "run_at": now.isoformat(),
        "machine": machine(),
        "quick": quick,
        "benchmarks": names or [],
        "figures": [{**asdict(f), "ratio": f.ratio, "result": _verdict(f.met)} for f in figures],
    }
    js = folder / "latest.json"
    js.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return md, js
