"""``saferhub stats compare``: each row of a CSV compared with a benchmark, by a Fingertips method."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import numpy as np

from saferhub.core.errors import ValidationProblem
from saferhub.stats import (
    Polarity,
    compare_proportions_spc,
    compare_rates_spc,
    compare_two_intervals,
    compare_with_benchmark,
)
from saferhub.stats_cli._io import (
    Column,
    Table,
    column_option,
    emit,
    fail,
    format_option,
    output_option,
    read_table,
)

METHODS = {
    "interval": "benchmark inside the area's interval (Fingertips' default)",
    "double-overlap": "the area's interval against the benchmark's interval",
    "spc-rate": "control limits around the benchmark rate at the area's denominator (SPC for rates/DSRs)",
    "spc-proportion": "control limits around the benchmark proportion at the area's denominator",
}
COLUMNS = ["row", "group", "value", "lower", "upper", "benchmark", "outcome", "reason", "confidence", "method"]


def _optional(values: np.ndarray) -> list[float | None]:
    return [None if np.isnan(v) else float(v) for v in values.tolist()]


@click.command("compare")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--method",
    type=click.Choice(list(METHODS)),
    default="interval",
    show_default=True,
    help="; ".join(f"{k}: {v}" for k, v in METHODS.items()),
)
@click.option("--benchmark", type=float, default=None, help="One benchmark for every row (else a benchmark column).")
@click.option("--polarity", type=click.Choice([p.value for p in Polarity]), required=True)
@click.option("--confidence", type=float, default=95, show_default=True, help="The level of the limits (95 or 99.8).")
@click.option(
    "--multiplier", type=float, default=None, help="spc methods: per how many (rates 100000, percentages 100)."
)
@click.option(
    "--whole-events/--continuous",
    default=True,
    show_default=True,
    help="spc-rate: round the expected count to whole events as Fingertips does, or not.",
)
@column_option("value", "value", "the values")
@column_option("lower", "lower", "the lower limits (interval, double-overlap)")
@column_option("upper", "upper", "the upper limits (interval, double-overlap)")
@column_option("denominator", "denominator", "the denominators (spc methods; person-years for rates)")
@column_option("benchmark", "benchmark", "each row's benchmark (when --benchmark is not given)")
@column_option("benchmark_lower", "benchmark_lower", "the benchmark's lower limits (double-overlap)")
@column_option("benchmark_upper", "benchmark_upper", "the benchmark's upper limits (double-overlap)")
@column_option("group", "group", "each area's name (optional)")
@format_option()
@output_option()
def compare(
    path: Path,
    method: str,
    benchmark: float | None,
    polarity: str,
    confidence: float,
    multiplier: float | None,
    whole_events: bool,
    value_column: str,
    lower_column: str,
    upper_column: str,
    denominator_column: str,
    benchmark_column: str,
    benchmark_lower_column: str,
    benchmark_upper_column: str,
    group_column: str,
    fmt: str,
    output: Path | None,
) -> None:
    """Each area in PATH (CSV) better, similar or worse than a benchmark, with the reason."""
    table: Table | None = None
    try:
        wanted: dict[str, Column] = {"value": Column((value_column,)), "group": Column((group_column,), required=False)}
        if method in ("interval", "double-overlap"):
            wanted |= {"lower": Column((lower_column,)), "upper": Column((upper_column,))}
        else:
            wanted["denominator"] = Column((denominator_column,))
        if method == "double-overlap":
            wanted |= {
                "benchmark": Column((benchmark_column,)),
                "benchmark_lower": Column((benchmark_lower_column,)),
                "benchmark_upper": Column((benchmark_upper_column,)),
            }
        elif benchmark is None:
            wanted["benchmark"] = Column((benchmark_column,))
        table = read_table(path, wanted)
        values = table.numbers("value", allow_missing=True)
        if method == "interval":
            bench: Any = (
                benchmark if benchmark is not None else _optional(table.numbers("benchmark", allow_missing=True))
            )
            results = compare_with_benchmark(
                lower=_optional(table.numbers("lower", allow_missing=True)),
                upper=_optional(table.numbers("upper", allow_missing=True)),
                values=_optional(values),
                benchmark=bench,
                polarity=polarity,
                confidence=confidence,
                first_row=table.first_row,
            )
        elif method == "double-overlap":
            lo, hi = table.numbers("lower", allow_missing=True), table.numbers("upper", allow_missing=True)
            b, b_lo, b_hi = (
                table.numbers(k, allow_missing=True) for k in ("benchmark", "benchmark_lower", "benchmark_upper")
            )
            results = [
                compare_two_intervals(
                    value=v,
                    lower=lw,
                    upper=up,
                    benchmark=bv,
                    benchmark_lower=bl,
                    benchmark_upper=bu,
                    polarity=polarity,
                    confidence=confidence,
                )
                for v, lw, up, bv, bl, bu in zip(*(_optional(c) for c in (values, lo, hi, b, b_lo, b_hi)), strict=True)
            ]
        else:
            if benchmark is None:
                raise ValidationProblem(f"--method {method} compares every row with one benchmark: give --benchmark")
            spc = compare_rates_spc if method == "spc-rate" else compare_proportions_spc
            extra: dict[str, Any] = {"whole_events": whole_events} if method == "spc-rate" else {}
            results = spc(
                values,
                table.numbers("denominator", allow_missing=True),
                benchmark=benchmark,
                polarity=polarity,
                multiplier=multiplier or (100_000 if method == "spc-rate" else 100),
                confidence=confidence,
                first_row=table.first_row,
                **extra,
            )
    except ValidationProblem as exc:
        raise fail(exc, table, path) from None
    groups = table.text("group") if table.has("group") else [""] * table.rows
    rows = [
        {
            "row": i + table.first_row,
            "group": groups[i],
            "value": r.value,
            "lower": r.lower,
            "upper": r.upper,
            "benchmark": r.benchmark,
            "outcome": r.outcome.value,
            "reason": r.reason,
            "confidence": r.confidence,
            "method": r.method,
        }
        for i, r in enumerate(results)
    ]
    emit(rows, COLUMNS, fmt=fmt, output=output, summary={"method": results[0].method, "polarity": polarity})
