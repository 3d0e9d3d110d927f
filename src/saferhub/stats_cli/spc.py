"""``saferhub stats spc``: an XmR chart with Making Data Count rules, or one per group of a CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import click

from saferhub.core.errors import ValidationProblem
from saferhub.stats import Polarity, SpcResult, xmr
from saferhub.stats.spc_batch import xmr_many
from saferhub.stats_cli._io import Column, Table, emit, fail, output_option, read_table

POINT_COLUMNS = [
    "row",
    "date",
    "value",
    "segment",
    "mean",
    "lower_limit",
    "upper_limit",
    "lower_2sigma",
    "upper_2sigma",
    "moving_range",
    "outside_limits",
    "in_run",
    "in_trend",
    "in_two_of_three",
    "point_type",
    "rule",
]


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"


def _point_rows(result: SpcResult, first_row: int) -> list[dict[str, Any]]:
    return [
        {
            "row": p.index + first_row,
            "date": "" if p.date is None else str(p.date),
            "value": _num(p.value),
            "segment": p.segment + 1,
            "mean": _num(p.mean),
            "lower_limit": _num(p.lower_limit),
            "upper_limit": _num(p.upper_limit),
            "lower_2sigma": _num(p.lower_2sigma),
            "upper_2sigma": _num(p.upper_2sigma),
            "moving_range": _num(p.moving_range),
            "outside_limits": "yes" if p.outside_limits else "",
            "in_run": "yes" if p.in_run else "",
            "in_trend": "yes" if p.in_trend else "",
            "in_two_of_three": "yes" if p.in_two_of_three else "",
            "point_type": p.point_type,
            "rule": p.rule,
        }
        for p in result.points
    ]


def _table(result: SpcResult, first_row: int) -> str:
    o = result.options
    lines = [
        f"method: {result.method}",
        f"options: screen outliers {'on' if o.screen_outliers else 'off'}, run length {o.run_length}, "
        f"trend length {o.trend_length}, baseline points {o.baseline_points or 'all'}, "
        f"polarity {o.polarity.value}, target {'none' if o.target is None else _num(o.target)}",
        "",
        "segment  from        points  LPL        mean       UPL        -2 sigma   +2 sigma   limits",
    ]
    for s in result.segments:
        lines.append(
            f"{s.segment + 1:<8} {'' if s.start_date is None else str(s.start_date):<11} {s.points:<7} "
            f"{_num(s.lower_limit):<10} {_num(s.mean):<10} {_num(s.upper_limit):<10} "
            f"{_num(s.lower_2sigma):<10} {_num(s.upper_2sigma):<10} {'trial' if s.trial_limits else 'fixed'}"
        )
    lines += ["", f"variation: {result.variation}", f"assurance: {result.assurance or 'none (no target or polarity)'}"]
    lines += [f"note: {note}" for note in result.notes]
    lines += ["", "row    date        value      flags                         point type"]
    for row in _point_rows(result, first_row):
        flags = ",".join(k for k in ("outside_limits", "in_run", "in_trend", "in_two_of_three") if row[k])
        lines.append(f"{row['row']:<6} {row['date']:<11} {row['value']:<10} {flags or '-':<29} {row['point_type']}")
    return "\n".join(lines)


MANY_COLUMNS = [
    "row",
    "group",
    "value",
    "mean",
    "lower_limit",
    "upper_limit",
    "lower_2sigma",
    "upper_2sigma",
    "outside_limits",
    "in_run",
    "in_trend",
    "in_two_of_three",
    "rule",
    "point_type",
    "variation",
    "method",
]


@click.command("spc")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--value-column", default="value", show_default=True, help="Column holding the values.")
@click.option(
    "--date-column", default=None, help="Column holding the dates (default: 'date', or else 'period'; '' for none)."
)
@click.option(
    "--group-column",
    default="group",
    show_default=True,
    help="Column naming each row's series: one chart per group, the rows of each in time order ('' for none).",
)
@click.option(
    "--screen/--no-screen",
    default=True,
    show_default=True,
    help="Screen moving ranges of 3.267 x AMR or more (NHSRplotthedots default; MDC Excel: --no-screen).",
)
@click.option(
    "--polarity",
    type=click.Choice([p.value for p in Polarity]),
    default=Polarity.NO_JUDGEMENT.value,
    show_default=True,
)
@click.option("--target", type=float, default=None, help="Target value, for the assurance icon (one chart).")
@click.option("--run-length", type=int, default=7, show_default=True, help="Points on one side of the mean.")
@click.option("--trend-length", type=int, default=7, show_default=True, help="Points rising or falling.")
@click.option("--baseline-points", type=int, default=None, help="Fix limits on the first N points of each segment.")
@click.option(
    "--rebase-at",
    multiple=True,
    help="Date (or, with no date column, spreadsheet row) where limits are recalculated; repeatable (one chart).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@output_option()
def spc(
    path: Path,
    value_column: str,
    date_column: str | None,
    group_column: str,
    screen: bool,
    polarity: str,
    target: float | None,
    run_length: int,
    trend_length: int,
    baseline_points: int | None,
    rebase_at: tuple[str, ...],
    fmt: str,
    output: Path | None,
) -> None:
    """An XmR chart from PATH (CSV): limits, special-cause flags and icons, with every option used.

    With a group column, one chart per group (every series at once; rebasing and targets are for a
    single chart). When several rules fire on a point, its icon follows NHSRplotthedots' order:
    outside the limits, trend, 2 of 3, run; the ``rule`` column names the one that decided.
    """
    table: Table | None = None
    try:
        dates = ("date", "period") if date_column is None else ((date_column,) if date_column else ())
        wanted = {"value": Column((value_column,))}
        if dates:
            wanted["date"] = Column(dates, required=date_column is not None)
        if group_column:
            wanted["group"] = Column((group_column,), required=False)
        table = read_table(path, wanted)
        if table.has("group"):
            if rebase_at or target is not None:
                raise ValidationProblem("--rebase-at and --target are for one chart: leave out the group column")
            many = xmr_many(
                table.text("group"),
                table.numbers("value"),
                polarity=polarity,
                screen_outliers=screen,
                run_length=run_length,
                trend_length=trend_length,
                baseline_points=baseline_points,
                first_row=table.first_row,
            )
            _emit_many(many, first_row=table.first_row, fmt="csv" if fmt == "table" else fmt, output=output)
            return
        has_dates = table.has("date")
        result = xmr(
            table.numbers("value"),
            dates=table.text("date") if has_dates else None,
            polarity=polarity,
            target=target,
            screen_outliers=screen,
            run_length=run_length,
            trend_length=trend_length,
            baseline_points=baseline_points,
            rebase_at=[int(r) - table.first_row if not has_dates and r.isdigit() else r for r in rebase_at],
            first_row=table.first_row,
        )
    except ValidationProblem as exc:
        raise fail(exc, table, path) from None
    if fmt == "json":
        text = json.dumps(result.to_dict(), indent=2) + "\n"
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=POINT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(_point_rows(result, table.first_row))
        text = out.getvalue()
    else:
        text = _table(result, table.first_row) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


def _emit_many(many: Any, *, first_row: int, fmt: str, output: Path | None) -> None:
    variation = dict(zip(many.series_names, many.series_variation.tolist(), strict=True))
    series = many.series.tolist()
    columns = {
        "value": many.value.tolist(),
        "mean": many.mean.tolist(),
        "lower_limit": many.lower_limit.tolist(),
        "upper_limit": many.upper_limit.tolist(),
        "lower_2sigma": many.lower_2sigma.tolist(),
        "upper_2sigma": many.upper_2sigma.tolist(),
        "outside_limits": many.outside_limits.tolist(),
        "in_run": many.in_run.tolist(),
        "in_trend": many.in_trend.tolist(),
        "in_two_of_three": many.in_two_of_three.tolist(),
        "rule": many.rule.tolist(),
        "point_type": many.point_type.tolist(),
    }
    rows = [
        {
            "row": i + first_row,
            "group": series[i],
            **{k: v[i] for k, v in columns.items()},
            "variation": variation[series[i]],
            "method": many.method,
        }
        for i in range(len(many))
    ]
    summary = {
        "method": many.method,
        "series": [
            {"group": g, "points": int(p), "variation": v}
            for g, p, v in zip(
                many.series_names, many.series_points.tolist(), many.series_variation.tolist(), strict=True
            )
        ],
    }
    emit(rows, MANY_COLUMNS, fmt=fmt, output=output, summary=summary)
