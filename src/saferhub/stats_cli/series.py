"""``saferhub stats trend`` and ``saferhub stats forecast``: a series over time, from a CSV."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from saferhub.core.errors import ValidationProblem
from saferhub.stats import Polarity, baseline_forecast, recent_trend, target_status
from saferhub.stats.forecast import FREQUENCIES, KINDS
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

POLARITIES = [p.value for p in Polarity]


def _date_column(date_column: str | None) -> Column:
    return Column(("date", "period") if date_column is None else (date_column,))


def _groups(table: Table) -> list[tuple[str, list[int]]]:
    """Row indices per group, in file order (one group of every row without a group column).

    A group's rows must be together, so that messages can name them by their spreadsheet rows.
    """
    if not table.has("group"):
        return [("", list(range(table.rows)))]
    order: dict[str, list[int]] = {}
    for i, g in enumerate(table.text("group")):
        rows = order.setdefault(g, [])
        if rows and rows[-1] != i - 1:
            raise ValidationProblem(
                f"the rows of group {g!r} are not together "
                f"(rows {rows[-1] + table.first_row} and {i + table.first_row}): sort the file by group",
                where=str(table.path),
            )
        rows.append(i)
    return list(order.items())


def _pick(values: Sequence[Any], rows: list[int]) -> list[Any]:
    return [values[i] for i in rows]


@click.command("trend")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(["proportion", "other"]),
    default="proportion",
    show_default=True,
    help="proportion (numerator, denominator: chi-squared test for trend) or other (value, lower, upper).",
)
@click.option(
    "--polarity", type=click.Choice(POLARITIES), default=None, help="Say whether a change is better or worse."
)
@click.option(
    "--limits-confidence", type=float, default=95, show_default=True, help="The level of the lower/upper limits."
)
@click.option(
    "--interval-divisor",
    type=float,
    default=None,
    help="Divide the interval's width by this for sigma (default 2 x z, as PHE; 3.92 as Fingertips).",
)
@click.option("--date-column", default=None, help="Column holding the years (default: 'date', or else 'period').")
@column_option("numerator", "numerator", "the counts (proportion)")
@column_option("denominator", "denominator", "the denominators (proportion)")
@column_option("value", "value", "the values (other)")
@column_option("lower", "lower", "the lower confidence limits (other)")
@column_option("upper", "upper", "the upper confidence limits (other)")
@column_option("group", "group", "the series each row belongs to: one trend per group (optional)")
@format_option()
@output_option()
def trend(
    path: Path,
    kind: str,
    polarity: str | None,
    limits_confidence: float,
    interval_divisor: float | None,
    date_column: str | None,
    numerator_column: str,
    denominator_column: str,
    value_column: str,
    lower_column: str,
    upper_column: str,
    group_column: str,
    fmt: str,
    output: Path | None,
) -> None:
    """The Fingertips recent-trend marker (last 5 years) for each series in PATH (CSV)."""
    table: Table | None = None
    try:
        wanted = {"date": _date_column(date_column), "group": Column((group_column,), required=False)}
        if kind == "proportion":
            wanted |= {"numerator": Column((numerator_column,)), "denominator": Column((denominator_column,))}
        else:
            wanted |= {
                "value": Column((value_column,)),
                "lower": Column((lower_column,)),
                "upper": Column((upper_column,)),
            }
        table = read_table(path, wanted)
        rows = []
        for group, members in _groups(table):
            first = members[0] + table.first_row  # rows keep their spreadsheet numbers
            years = _pick(table.text("date"), members)
            if kind == "proportion":
                result = recent_trend(
                    years=years,
                    numerators=_pick(table.text("numerator"), members),
                    denominators=_pick(table.text("denominator"), members),
                    polarity=polarity,
                    first_row=first,
                )
            else:
                result = recent_trend(
                    years=years,
                    values=_pick(table.text("value"), members),
                    lower=_pick(table.text("lower"), members),
                    upper=_pick(table.text("upper"), members),
                    value_type="other",
                    limits_confidence=limits_confidence,
                    interval_divisor=interval_divisor,
                    polarity=polarity,
                    first_row=first,
                )
            rows.append(
                {
                    "group": group,
                    "outcome": result.outcome.value,
                    "label": result.label,
                    "assessment": result.assessment,
                    "statistic": result.statistic,
                    "slope": result.slope,
                    "threshold": result.threshold,
                    "points": result.points,
                    "years": " ".join(str(y) for y in result.years),
                    **{f"slope_without_{k + 1}": s for k, s in enumerate(result.leave_one_out_slopes)},
                    "reason": result.reason,
                    "reason_code": result.reason_code.value,
                    "notes": "; ".join(result.notes),
                    "method": result.method,
                }
            )
    except ValidationProblem as exc:
        raise fail(exc, table, path) from None
    emit(rows, list(rows[0]), fmt=fmt, output=output, summary={"statistic": "recent trend"})


@click.command("forecast")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--horizon", type=int, required=True, help="Periods to forecast after the last one.")
@click.option("--frequency", type=click.Choice(list(FREQUENCIES)), required=True)
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    default="value",
    show_default=True,
    help="count or rate: log-linear (never below zero); value: linear trend.",
)
@click.option("--method", type=click.Choice(["auto", "linear", "seasonal"]), default="auto", show_default=True)
@click.option("--confidence", type=float, default=95, show_default=True)
@click.option("--ambition", type=float, default=None, help="A target value to judge the forecast against.")
@click.option("--due", default=None, help="The ambition's date as the plan gives it (default: the last period).")
@click.option(
    "--polarity", type=click.Choice(POLARITIES), default=None, help="Which direction is good (with --ambition)."
)
@click.option("--date-column", default=None, help="Column holding the dates (default: 'date', or else 'period').")
@column_option("value", "value", "the values")
@format_option()
@output_option()
def forecast(
    path: Path,
    horizon: int,
    frequency: str,
    kind: str,
    method: str,
    confidence: float,
    ambition: float | None,
    due: str | None,
    polarity: str | None,
    date_column: str | None,
    value_column: str,
    fmt: str,
    output: Path | None,
) -> None:
    """The baseline forecast for PATH (CSV: date or period, value) if nothing changes, and with
    --ambition and --polarity whether the ambition is on track at its date."""
    table: Table | None = None
    try:
        table = read_table(path, {"date": _date_column(date_column), "value": Column((value_column,))})
        result = baseline_forecast(
            table.numbers("value"),
            horizon=horizon,
            dates=table.text("date"),
            frequency=frequency,
            confidence=confidence,
            method=method,
            kind=kind,
        )
        status = None
        if ambition is not None:
            if polarity is None:
                raise ValidationProblem("--ambition needs --polarity: which direction is good")
            status = target_status(result, ambition, polarity, due=due)
    except ValidationProblem as exc:
        raise fail(exc, table, path) from None
    summary: dict[str, Any] = {
        "method": result.method,
        "kind": result.kind,
        "frequency": result.frequency,
        "confidence": result.confidence,
        "observations": result.observations,
        "slope_per_period": result.slope_per_period,
        "change_per_period_percent": result.change_per_period_percent,
        "residual_sd": result.residual_sd,
        "dispersion": result.dispersion,
        "autocorrelation": result.autocorrelation,
        "autocorrelation_factor": result.autocorrelation_factor,
        "notes": list(result.notes),
    }
    if status is not None:
        summary["target"] = status.to_dict()
    rows = [
        {
            "step": p.step,
            "date": "" if p.date is None else str(p.date),
            "value": p.value,
            "lower": p.lower,
            "upper": p.upper,
            "method": result.method,
            "status": status.status.value if status is not None and status.forecast_date == p.date else "",
        }
        for p in result.points
    ]
    emit(rows, ["step", "date", "value", "lower", "upper", "method", "status"], fmt=fmt, output=output, summary=summary)
    if status is not None and fmt == "csv" and output is None:
        click.echo(f"# target: {status.status.value}: {status.reason}", err=True)
