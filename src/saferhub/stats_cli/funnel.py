"""``saferhub stats funnel``: every area of a CSV against funnel limits, with over-dispersion."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from saferhub.core.errors import ValidationProblem
from saferhub.stats import funnel_proportions, funnel_rates, funnel_ratios
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

UNIT_COLUMNS = [
    "row",
    "group",
    "numerator",
    "denominator",
    "value",
    "z_score",
    "lower_95",
    "upper_95",
    "lower_99_8",
    "upper_99_8",
    "outcome",
    "baseline",
    "phi",
    "tau2",
    "overdispersion_applied",
    "method",
]


@click.command("funnel")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(["proportion", "rate", "ratio"]),
    default="proportion",
    show_default=True,
    help="proportion or rate (numerator and denominator), ratio (observed and expected).",
)
@click.option(
    "--multiplier",
    type=float,
    default=None,
    help="Per how many: 100 for percentages, 100000 for rates (default 1; rates 100000).",
)
@click.option("--baseline", type=float, default=None, help="The funnel's centre (default: the pooled value).")
@click.option(
    "--method",
    type=click.Choice(["phe", "spiegelhalter"]),
    default="phe",
    show_default=True,
    help="Poisson limits for rates and ratios: PHE's inverted exact limits, or around the expected count.",
)
@click.option(
    "--overdispersion/--no-overdispersion",
    default=False,
    show_default=True,
    help="Widen the limits by the between-area variance tau-squared when there is over-dispersion.",
)
@click.option(
    "--scale",
    type=click.Choice(["auto", "sqrt", "log", "normal", "arcsine"]),
    default="auto",
    show_default=True,
    help="Over-dispersion scale: sqrt (CQC) or log (SHMI, truncated) for rates and ratios; normal or arcsine "
    "for proportions (auto: sqrt, normal).",
)
@click.option(
    "--trim",
    type=float,
    default=0.1,
    show_default=True,
    help="Share of areas Winsorised (truncated on the log scale) at each end before phi is estimated.",
)
@column_option("numerator", "numerator", "the numerators (proportion, rate)")
@column_option("denominator", "denominator", "the denominators (proportion, rate)")
@column_option("observed", "observed", "the observed counts (ratio)")
@column_option("expected", "expected", "the expected counts (ratio)")
@column_option("group", "group", "each area's name (optional)")
@format_option()
@output_option()
def funnel(
    path: Path,
    kind: str,
    multiplier: float | None,
    baseline: float | None,
    method: str,
    overdispersion: bool,
    scale: str,
    trim: float,
    numerator_column: str,
    denominator_column: str,
    observed_column: str,
    expected_column: str,
    group_column: str,
    fmt: str,
    output: Path | None,
) -> None:
    """Each area of PATH (CSV) against 95% and 99.8% funnel limits, with phi and tau-squared."""
    table: Table | None = None
    try:
        group = {"group": Column((group_column,), required=False)}
        if kind == "ratio":
            table = read_table(
                path, {"numerator": Column((observed_column,)), "denominator": Column((expected_column,)), **group}
            )
        else:
            table = read_table(
                path, {"numerator": Column((numerator_column,)), "denominator": Column((denominator_column,)), **group}
            )
        x, n = table.numbers("numerator"), table.numbers("denominator")
        common: dict[str, Any] = {
            "overdispersion_adjust": overdispersion,
            "winsorise": trim,
            "first_row": table.first_row,
        }
        if kind == "proportion":
            result = funnel_proportions(
                x,
                n,
                multiplier=multiplier or 1,
                baseline=baseline,
                overdispersion_scale="normal" if scale == "auto" else scale,
                **common,
            )
        elif kind == "rate":
            result = funnel_rates(
                x,
                n,
                multiplier=multiplier or 100_000,
                baseline=baseline,
                method=method,
                overdispersion_scale="sqrt" if scale == "auto" else scale,
                **common,
            )
        else:
            if baseline is not None:
                raise ValidationProblem(
                    "a ratio's funnel is centred on 1 (times the multiplier): --baseline is for rates"
                )
            result = funnel_ratios(
                x,
                n,
                multiplier=multiplier or 1,
                method=method,
                overdispersion_scale="sqrt" if scale == "auto" else scale,
                **common,
            )
    except ValidationProblem as exc:
        raise fail(exc, table, path) from None
    groups = table.text("group") if table.has("group") else [""] * table.rows
    rows = [
        {
            "row": u.row,
            "group": groups[u.row - table.first_row],
            "numerator": u.numerator,
            "denominator": u.denominator,
            "value": u.value,
            "z_score": u.z_score,
            "lower_95": u.lower_95,
            "upper_95": u.upper_95,
            "lower_99_8": u.lower_998,
            "upper_99_8": u.upper_998,
            "outcome": u.outcome,
            "baseline": result.baseline,
            "phi": result.phi,
            "tau2": result.tau2,
            "overdispersion_applied": result.overdispersion_applied,
            "method": result.method,
        }
        for u in result.units
    ]
    summary = {
        "statistic": result.statistic,
        "baseline": result.baseline,
        "multiplier": result.multiplier,
        "phi": result.phi,
        "tau2": result.tau2,
        "overdispersion_applied": result.overdispersion_applied,
        "overdispersion_scale": result.overdispersion_scale,
        "overdispersion_units": result.overdispersion_units,
        "trim": result.winsorise,
        "method": result.method,
        "notes": list(result.notes),
    }
    emit(rows, UNIT_COLUMNS, fmt=fmt, output=output, summary=summary)
