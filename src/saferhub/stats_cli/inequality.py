"""``saferhub stats sii`` and ``saferhub stats quantile``: inequality across deprivation quantiles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from saferhub.core.errors import ValidationProblem
from saferhub.stats import Polarity, phe_quantiles, quintile_categories, slope_index_of_inequality
from saferhub.stats.inequality import DEFAULT_SEED, VALUE_TYPES
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


def _tag(level: float) -> str:
    return f"{level * 100:g}".replace(".", "_")


def _picker(table: Table, members: list[int]) -> Any:
    """The cells of one group's rows in a column, or None where the file has no such column."""

    def pick(role: str) -> list[Any] | None:
        return [table.text(role)[i] for i in members] if table.has(role) else None

    return pick


@click.command("sii")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--value-type",
    type=click.Choice(list(VALUE_TYPES)),
    default="other",
    show_default=True,
    help="other (e.g. life expectancy), rate (log scale) or proportion (logit scale, values 0 to 1).",
)
@click.option(
    "--transform/--no-transform",
    default=False,
    show_default=True,
    help="Regress on the log or logit scale (rates and proportions), as phe_sii's transform.",
)
@click.option("--multiplier", type=float, default=1, show_default=True, help="Scales the SII; negative turns it round.")
@click.option("--confidence", "confidences", type=float, multiple=True, default=(95.0,), show_default=True)
@click.option("--repetitions", type=int, default=100_000, show_default=True, help="Simulations for the limits.")
@click.option(
    "--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Random seed: the same limits each run."
)
@column_option("quantile", "quantile", "each row's quantile (e.g. IMD decile)")
@column_option("population", "population", "each quantile's population")
@column_option("value", "value", "each quantile's value (or give numerator for a proportion)")
@column_option("numerator", "numerator", "each quantile's count (proportion, when there is no value column)")
@column_option("lower", "lower", "the 95% lower limits")
@column_option("upper", "upper", "the 95% upper limits")
@column_option("se", "se", "the standard errors (instead of limits)")
@column_option("group", "group", "the area each row belongs to: one SII per group (optional)")
@format_option()
@output_option()
def sii(
    path: Path,
    value_type: str,
    transform: bool,
    multiplier: float,
    confidences: tuple[float, ...],
    repetitions: int,
    seed: int,
    quantile_column: str,
    population_column: str,
    value_column: str,
    numerator_column: str,
    lower_column: str,
    upper_column: str,
    se_column: str,
    group_column: str,
    fmt: str,
    output: Path | None,
) -> None:
    """Slope and relative index of inequality (phe_sii) for each area in PATH (CSV)."""
    table: Table | None = None
    try:
        optional = {
            name: Column((col,), required=False)
            for name, col in (
                ("value", value_column),
                ("numerator", numerator_column),
                ("lower", lower_column),
                ("upper", upper_column),
                ("se", se_column),
                ("group", group_column),
            )
        }
        table = read_table(
            path, {"quantile": Column((quantile_column,)), "population": Column((population_column,)), **optional}
        )
        if not (table.has("value") or table.has("numerator")):
            raise ValidationProblem(
                f"column {value_column!r} (or {numerator_column!r} for a proportion) is missing", where=str(path)
            )
        use_limits = table.has("lower") and table.has("upper")
        if not use_limits and not table.has("se"):
            raise ValidationProblem(
                f"columns {lower_column!r} and {upper_column!r}, or {se_column!r}, are missing", where=str(path)
            )
        groups: dict[str, list[int]] = {}
        names = table.text("group") if table.has("group") else [""] * table.rows
        for i, g in enumerate(names):
            groups.setdefault(g, []).append(i)
        rows = []
        for group, members in groups.items():

            def pick(role: str, members: list[int] = members) -> list[Any] | None:
                return [table.text(role)[i] for i in members] if table is not None and table.has(role) else None

            result = slope_index_of_inequality(
                quantile=pick("quantile") or [],
                population=pick("population") or [],
                value=pick("value"),
                count=None if table.has("value") else pick("numerator"),
                lower=pick("lower") if use_limits else None,
                upper=pick("upper") if use_limits else None,
                se=None if use_limits else pick("se"),
                value_type=value_type,
                transform=transform,
                multiplier=multiplier,
                confidence=list(confidences),
                repetitions=repetitions,
                seed=seed,
                first_row=members[0] + table.first_row,
            )
            row: dict[str, Any] = {"group": group, "sii": result.sii, "rii": result.rii, "intercept": result.intercept}
            for lim in result.limits:
                tag = _tag(lim.confidence)
                row |= {
                    f"sii_lower_{tag}": lim.sii_lower,
                    f"sii_upper_{tag}": lim.sii_upper,
                    f"rii_lower_{tag}": lim.rii_lower,
                    f"rii_upper_{tag}": lim.rii_upper,
                }
            row |= {
                "quantiles": result.quantiles,
                "repetitions": result.repetitions,
                "seed": result.seed,
                "method": result.method,
            }
            rows.append(row)
    except ValidationProblem as exc:
        raise fail(exc, table, path) from None
    emit(
        rows,
        list(rows[0]),
        fmt=fmt,
        output=output,
        summary={"value_type": value_type, "transform": transform, "multiplier": multiplier},
    )


@click.command("quantile")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--method",
    type=click.Choice(["phe", "fingertips-quintiles"]),
    default="phe",
    show_default=True,
    help="phe: rank into --quantiles groups (phe_quantile); fingertips-quintiles: each value's fifth, "
    "best to worst with a polarity (Fingertips' quintile RAG).",
)
@click.option("--quantiles", type=int, default=10, show_default=True, help="How many groups (phe): 10 for deciles.")
@click.option(
    "--invert/--no-invert",
    default=True,
    show_default=True,
    help="phe: quantile 1 holds the highest values (as for deprivation scores), or the lowest.",
)
@click.option(
    "--polarity",
    type=click.Choice([p.value for p in Polarity]),
    default=Polarity.NO_JUDGEMENT.value,
    show_default=True,
    help="fingertips-quintiles: which direction is good.",
)
@column_option("value", "value", "the values")
@column_option("group", "group", "the group each area is ranked within (optional)")
@format_option()
@output_option()
def quantile(
    path: Path,
    method: str,
    quantiles: int,
    invert: bool,
    polarity: str,
    value_column: str,
    group_column: str,
    fmt: str,
    output: Path | None,
) -> None:
    """Each row of PATH (CSV) placed in its quantile, within its group."""
    table: Table | None = None
    try:
        table = read_table(path, {"value": Column((value_column,)), "group": Column((group_column,), required=False)})
        groups = table.text("group") if table.has("group") else None
        values = table.numbers("value", allow_missing=True)
        if method == "phe":
            result = phe_quantiles(values, groups=groups, quantiles=quantiles, invert=invert, first_row=table.first_row)
            assigned, summary = (
                list(result.quantile),
                {
                    "method": result.method,
                    "quantiles": quantiles,
                    "meaning": result.meaning,
                    "too_small": list(result.too_small),
                },
            )
            method_name = result.method
        else:
            assigned = [None] * table.rows
            members: dict[str, list[int]] = {}
            for i, g in enumerate(groups or [""] * table.rows):
                members.setdefault(g, []).append(i)
            meaning, method_name = "", ""
            for rows_of_group in members.values():
                fifths = quintile_categories([values[i] for i in rows_of_group], polarity=polarity)
                for i, c in zip(rows_of_group, fifths.category, strict=True):
                    assigned[i] = c
                meaning, method_name = fifths.meaning, fifths.method
            summary = {"method": method_name, "quantiles": 5, "meaning": meaning, "polarity": polarity}
    except ValidationProblem as exc:
        raise fail(exc, table, path) from None
    names = groups or [""] * table.rows
    rows = [
        {
            "row": i + table.first_row,
            "group": names[i],
            "value": float(values[i]),
            "quantile": assigned[i],
            "method": method_name,
        }
        for i in range(table.rows)
    ]
    emit(rows, ["row", "group", "value", "quantile", "method"], fmt=fmt, output=output, summary=summary)
