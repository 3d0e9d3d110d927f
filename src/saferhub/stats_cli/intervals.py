"""``saferhub stats interval``: confidence intervals for one figure or a whole CSV, and means."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import numpy as np

from saferhub.core.errors import ValidationProblem
from saferhub.stats import count_intervals, means, proportion_intervals, rate_intervals
from saferhub.stats._checks import confidence_level
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

KINDS = ("proportion", "rate", "count", "mean")
DEFAULT_MULTIPLIER = {"proportion": 1.0, "rate": 100_000.0, "count": 1.0, "mean": 1.0}


def _tag(level: float) -> str:
    """95 → "95", 99.8 → "99_8": column suffixes, as PHEindicatormethods names them."""
    return f"{level * 100:g}".replace(".", "_")


def _intervals(kind: str, x: Any, n: Any, level: float, multiplier: float, first_row: int) -> Any:
    if kind == "proportion":
        return proportion_intervals(x, n, confidence=level, multiplier=multiplier, first_row=first_row)
    if kind == "rate":
        return rate_intervals(x, n, confidence=level, multiplier=multiplier, first_row=first_row)
    return count_intervals(x, confidence=level, first_row=first_row)


@click.command("interval")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    default="proportion",
    show_default=True,
    help="proportion (Wilson), rate or count (exact Poisson below 10 events, Byar from 10), "
    "mean (Student's t, of the values in each group).",
)
@click.option("--numerator", type=float, default=None, help="One figure: its numerator (or count).")
@click.option("--denominator", type=float, default=None, help="One figure: its denominator.")
@click.option(
    "--confidence",
    "confidences",
    type=float,
    multiple=True,
    default=(95.0,),
    show_default=True,
    help="Confidence level; repeat for several (e.g. --confidence 95 --confidence 99.8).",
)
@click.option(
    "--multiplier",
    type=float,
    default=None,
    help="Per how many: 100 for a percentage, 100000 for a rate per 100,000 (default 1; rates 100000).",
)
@column_option("numerator", "numerator", "the numerators (or counts)")
@column_option("denominator", "denominator", "the denominators")
@column_option("value", "value", "the values to average (--kind mean)")
@column_option("group", "group", "a label kept with each row (optional); the groups to average for --kind mean")
@format_option()
@output_option()
def interval(
    path: Path | None,
    kind: str,
    numerator: float | None,
    denominator: float | None,
    confidences: tuple[float, ...],
    multiplier: float | None,
    numerator_column: str,
    denominator_column: str,
    value_column: str,
    group_column: str,
    fmt: str,
    output: Path | None,
) -> None:
    """Intervals for one figure (--numerator 65 --denominator 100) or each row of PATH (CSV).

    Every row gets its value, lower and upper limits at each confidence level, and the method; a row
    with an empty numerator or denominator gets no value and a note saying which cell is empty.
    """
    table: Table | None = None
    try:
        levels = [confidence_level(c) for c in confidences]
        m = multiplier if multiplier is not None else DEFAULT_MULTIPLIER[kind]
        if kind == "mean":
            if path is None:
                raise ValidationProblem("a mean is of the values in a CSV: give its path")
            table = read_table(
                path, {"value": Column((value_column,)), "group": Column((group_column,), required=False)}
            )
            groups = table.text("group") if table.has("group") else None
            per_level: list[Any] = [
                means(table.numbers("value"), groups=groups, confidence=level, first_row=table.first_row)
                for level in levels
            ]
            columns = ["group", "value_count", "value_sum", "standard_deviation", "value"]
            rows = []
            for i, first in enumerate(per_level[0]):
                row: dict[str, Any] = {
                    "group": first.group,
                    "value_count": first.value_count,
                    "value_sum": first.value_sum,
                    "standard_deviation": first.standard_deviation,
                    "value": first.value,
                }
                for level, by_group in zip(levels, per_level, strict=True):
                    row[f"lower_{_tag(level)}"], row[f"upper_{_tag(level)}"] = by_group[i].lower, by_group[i].upper
                row["method"], row["note"] = first.method, first.note
                rows.append(row)
            columns += [c for level in levels for c in (f"lower_{_tag(level)}", f"upper_{_tag(level)}")] + [
                "method",
                "note",
            ]
            emit(rows, columns, fmt=fmt, output=output, summary={"statistic": "mean", "confidence": levels})
            return
        if path is None:
            if numerator is None or (denominator is None and kind != "count"):
                raise ValidationProblem(
                    "give a CSV path, or one figure: --numerator (and --denominator, except for a count)"
                )
            x, n = np.array([numerator]), np.array([denominator if denominator is not None else np.nan])
            groups_text = None
            first_row = 1
        else:
            wanted = {"numerator": Column((numerator_column,)), "group": Column((group_column,), required=False)}
            if kind != "count":
                wanted["denominator"] = Column((denominator_column,))
            table = read_table(path, wanted)
            x = table.numbers("numerator", allow_missing=True)
            n = table.numbers("denominator", allow_missing=True) if kind != "count" else np.full(x.size, np.nan)
            groups_text = table.text("group") if table.has("group") else None
            first_row = table.first_row
        results = [_intervals(kind, x, n, level, m, first_row) for level in levels]
    except ValidationProblem as exc:
        raise fail(exc, table, path) from None
    base = results[0]
    columns = ["row"] + (["group"] if groups_text is not None else []) + ["numerator"]
    columns += (["denominator"] if kind != "count" else []) + ["value"]
    columns += [c for level in levels for c in (f"lower_{_tag(level)}", f"upper_{_tag(level)}")]
    columns += ["multiplier", "method", "note"]
    value = base.value.tolist()
    limits = [(r.lower.tolist(), r.upper.tolist()) for r in results]
    numerators, denominators = x.tolist(), n.tolist()
    methods = base.method.tolist()
    rows = []
    for i in range(len(value)):
        row = {
            "row": i + first_row,
            "numerator": numerators[i],
            "denominator": denominators[i],
            "value": value[i],
            "multiplier": m,
            "method": methods[i],
            "note": base.notes.get(i, ""),
        }
        if groups_text is not None:
            row["group"] = groups_text[i]
        for level, (lower, upper) in zip(levels, limits, strict=True):
            row[f"lower_{_tag(level)}"], row[f"upper_{_tag(level)}"] = lower[i], upper[i]
        rows.append(row)
    emit(rows, columns, fmt=fmt, output=output, summary={"statistic": kind, "confidence": levels, "multiplier": m})
